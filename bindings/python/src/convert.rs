//! Argument conversions shared by the bindings: `str` or `bytes` values, header mappings,
//! errors that name the argument (TypeError for a wrong type, ConfigError(ValueError) for a
//! wrong value), and renamed keywords with their deprecated aliases.

use std::ffi::CString;

use pyo3::exceptions::{PyDeprecationWarning, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyByteArray, PyBytes, PyInt, PyString};

use crate::errors;

/// `value` as bytes: a `str` (UTF-8 encoded), `bytes` or `bytearray`; `None` is empty.
pub fn bytes_arg(value: Option<&Bound<'_, PyAny>>, argument: &str) -> PyResult<Vec<u8>> {
    let Some(value) = value else {
        return Ok(Vec::new());
    };
    if value.is_none() {
        Ok(Vec::new())
    } else if let Ok(s) = value.cast::<PyString>() {
        Ok(s.to_cow()?.as_bytes().to_vec())
    } else if let Ok(b) = value.cast::<PyBytes>() {
        Ok(b.as_bytes().to_vec())
    } else if let Ok(b) = value.cast::<PyByteArray>() {
        Ok(b.to_vec())
    } else {
        Err(type_error(argument, "str or bytes", value))
    }
}

/// `value` as text: a `str`, or UTF-8 `bytes`.
pub fn text_arg(value: &Bound<'_, PyAny>, argument: &str) -> PyResult<String> {
    if let Ok(s) = value.cast::<PyString>() {
        return Ok(s.to_cow()?.into_owned());
    }
    let bytes = bytes_arg(Some(value), argument)?;
    String::from_utf8(bytes)
        .map_err(|_| errors::invalid_argument(value.py(), argument, "the bytes are not UTF-8"))
}

/// Header pairs from a mapping (anything with `.items()`, such as a dict, requests'
/// `CaseInsensitiveDict` or `httpx.Headers`) or an iterable of `(name, value)` pairs; names and
/// values are `str` or `bytes`. `None` is no headers.
pub fn headers_arg(
    value: Option<&Bound<'_, PyAny>>,
    argument: &str,
) -> PyResult<Vec<(String, Vec<u8>)>> {
    let Some(value) = value.filter(|v| !v.is_none()) else {
        return Ok(Vec::new());
    };
    if value.is_instance_of::<PyString>() || value.is_instance_of::<PyBytes>() {
        return Err(type_error(
            argument,
            "a mapping of header names to values",
            value,
        ));
    }
    let pairs = if value.hasattr("items")? {
        value.call_method0("items")?.try_iter()?
    } else {
        value
            .try_iter()
            .map_err(|_| type_error(argument, "a mapping of header names to values", value))?
    };
    let mut out = Vec::new();
    for pair in pairs {
        let pair = pair?;
        let (name, v): (Bound<'_, PyAny>, Bound<'_, PyAny>) = pair
            .extract()
            .map_err(|_| type_error(argument, "(name, value) pairs", &pair))?;
        out.push((text_arg(&name, argument)?, bytes_arg(Some(&v), argument)?));
    }
    Ok(out)
}

/// An `int` (not a `bool`) within `min..=max`: a `TypeError` for another type, a
/// `ConfigError(ValueError)` for a value out of range, however large.
pub fn int_arg(value: &Bound<'_, PyAny>, argument: &str, min: i64, max: i64) -> PyResult<i64> {
    if value.is_instance_of::<PyBool>() || !value.is_instance_of::<PyInt>() {
        return Err(type_error(argument, "an int", value));
    }
    value
        .extract::<i64>()
        .ok()
        .filter(|v| (min..=max).contains(v))
        .ok_or_else(|| {
            errors::invalid_argument(value.py(), argument, &format!("expected {min} to {max}"))
        })
}

/// A Python `int` argument, kept even when it does not fit an `i64` (then `None`), so that
/// [`Int::range`] raises a `ValueError` for it rather than pyo3's `OverflowError`.
#[derive(Clone, Copy, Debug)]
pub struct Int(Option<i64>);

impl Int {
    /// A default value.
    pub const fn new(value: i64) -> Self {
        Int(Some(value))
    }

    /// The value within `min..=max`, else a `ConfigError(ValueError)` naming `argument`.
    pub fn range(self, py: Python<'_>, argument: &str, min: i64, max: i64) -> PyResult<i64> {
        self.0.filter(|v| (min..=max).contains(v)).ok_or_else(|| {
            errors::invalid_argument(py, argument, &format!("expected {min} to {max}"))
        })
    }
}

impl<'a, 'py> FromPyObject<'a, 'py> for Int {
    type Error = PyErr;

    fn extract(obj: pyo3::Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        if obj.is_instance_of::<PyBool>() || !obj.is_instance_of::<PyInt>() {
            // pyo3 adds the note "while processing '<argument>'" (Python >= 3.11 shows it).
            let type_name = obj
                .get_type()
                .name()
                .map(|n| n.to_string())
                .unwrap_or_default();
            return Err(PyTypeError::new_err(format!(
                "expected an int, got {type_name}"
            )));
        }
        Ok(Int(obj.extract::<i64>().ok()))
    }
}

/// A keyword argument whose absence matters: [`Arg::Absent`] is its default in the signature,
/// so the function tells "not passed" from every value, `None` included ([`renamed`] needs it).
#[derive(Clone, Debug, Default)]
pub enum Arg<T> {
    /// The caller did not pass it.
    #[default]
    Absent,
    /// The caller passed it.
    Given(T),
}

impl<'a, 'py, T: FromPyObject<'a, 'py>> FromPyObject<'a, 'py> for Arg<T> {
    type Error = T::Error;

    fn extract(obj: pyo3::Borrowed<'a, 'py, PyAny>) -> Result<Self, Self::Error> {
        T::extract(obj).map(Arg::Given)
    }
}

/// A keyword renamed for one meaning per name, whose old name stays a deprecated alias for one
/// release.
#[derive(Clone, Copy, Debug)]
pub struct Rename {
    /// The function or class, as the messages show it: `Client`, `authorize_url`.
    pub call: &'static str,
    /// The keyword to use.
    pub new: &'static str,
    /// The deprecated alias.
    pub old: &'static str,
    /// What the value is, for the warning: `the API origin, like https://api.trello.com`.
    pub what: &'static str,
}

/// The value passed as `rename.new` or as `rename.old`, with the name it came under (for error
/// messages), or `None` if neither. The old name warns (`DeprecationWarning`, pointing at the
/// caller); both names at once are a `TypeError`, as Python's own "got multiple values".
pub fn renamed<T>(
    py: Python<'_>,
    rename: Rename,
    new: Arg<T>,
    old: Arg<T>,
) -> PyResult<Option<(T, &'static str)>> {
    let Rename {
        call,
        new: new_name,
        old: old_name,
        what,
    } = rename;
    match (new, old) {
        (Arg::Given(_), Arg::Given(_)) => Err(PyTypeError::new_err(format!(
            "{call}() got both {new_name}= and {old_name}=, its deprecated alias: pass \
             {new_name}= only"
        ))),
        (Arg::Given(value), Arg::Absent) => Ok(Some((value, new_name))),
        (Arg::Absent, Arg::Given(value)) => {
            deprecated(
                py,
                &format!(
                    "{call}({old_name}=...) is deprecated: pass {new_name}= ({what}); \
                     {old_name}= will be removed in the next release"
                ),
            )?;
            Ok(Some((value, old_name)))
        }
        (Arg::Absent, Arg::Absent) => Ok(None),
    }
}

/// A `DeprecationWarning` with `message`, attributed to the Python line that called the native
/// function or read the native property (stack level 1: native code has no frame of its own).
/// An error when warnings are errors.
pub fn deprecated(py: Python<'_>, message: &str) -> PyResult<()> {
    let message = CString::new(message)?;
    let category = py.get_type::<PyDeprecationWarning>();
    PyErr::warn(py, &category, &message, 1)
}

/// `TypeError: <argument>: expected <expected>, got <type>`.
pub fn type_error(argument: &str, expected: &str, got: &Bound<'_, PyAny>) -> PyErr {
    let type_name = got
        .get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".to_owned());
    PyTypeError::new_err(format!("{argument}: expected {expected}, got {type_name}"))
}

/// Builds an `http::Request` from Python's parts, naming the argument that is wrong.
pub fn request(
    py: Python<'_>,
    method: &str,
    url: &str,
    headers: Vec<(String, Vec<u8>)>,
    body: Vec<u8>,
) -> PyResult<trello_auth_core::Request> {
    let method = http::Method::from_bytes(method.as_bytes())
        .map_err(|_| errors::invalid_argument(py, "method", "not an HTTP method token"))?;
    let uri: http::Uri = url
        .parse()
        .map_err(|_| errors::invalid_argument(py, "url", "not a valid absolute URL"))?;
    let mut request = trello_auth_core::Request::new(body);
    *request.method_mut() = method;
    *request.uri_mut() = uri;
    for (name, value) in headers {
        let name = http::HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| errors::invalid_argument(py, "headers", "an invalid header name"))?;
        let value = http::HeaderValue::from_bytes(&value)
            .map_err(|_| errors::invalid_argument(py, "headers", "an invalid header value"))?;
        request.headers_mut().append(name, value);
    }
    Ok(request)
}
