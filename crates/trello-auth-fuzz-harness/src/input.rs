//! How a target reads the fuzzer's bytes: fields split by a NUL byte, the last field taking
//! the rest (so a body may hold NULs). A seed is the fields of a vector joined by NUL, which
//! keeps the corpus readable and lets the fuzzer's mutations stay structured.

/// The NUL-separated fields of one input.
pub struct Fields<'a> {
    rest: Option<&'a [u8]>,
}

impl<'a> Fields<'a> {
    /// The fields of `data`.
    pub fn new(data: &'a [u8]) -> Self {
        Self { rest: Some(data) }
    }

    /// The next field's bytes (empty once the input is used up).
    pub fn bytes(&mut self) -> &'a [u8] {
        let Some(rest) = self.rest else {
            return &[];
        };
        match rest.iter().position(|&b| b == 0) {
            Some(i) => {
                self.rest = Some(&rest[i + 1..]);
                &rest[..i]
            }
            None => {
                self.rest = None;
                rest
            }
        }
    }

    /// The next field as text, invalid UTF-8 replaced (the parsers under test take `&str`).
    pub fn text(&mut self) -> String {
        String::from_utf8_lossy(self.bytes()).into_owned()
    }

    /// Everything left, NULs included.
    pub fn rest(&mut self) -> &'a [u8] {
        self.rest.take().unwrap_or_default()
    }
}

/// `name: value` lines into a header map; lines that are not a valid header are skipped, as
/// no HTTP stack would hand them over.
pub fn headers(block: &[u8]) -> http::HeaderMap {
    let mut map = http::HeaderMap::new();
    for line in block.split(|&b| b == b'\n') {
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            continue;
        };
        let (name, value) = (&line[..colon], line[colon + 1..].trim_ascii());
        if let (Ok(n), Ok(v)) = (
            http::HeaderName::from_bytes(name),
            http::HeaderValue::from_bytes(value),
        ) {
            map.append(n, v);
        }
    }
    map
}

/// A request from `method \0 uri \0 headers \0 body`, or `None` when the method or URI is not
/// one an HTTP stack would deliver.
pub fn request(fields: &mut Fields<'_>) -> Option<http::Request<Vec<u8>>> {
    let method = http::Method::from_bytes(fields.bytes()).ok()?;
    let uri = http::Uri::try_from(fields.bytes()).ok()?;
    let headers = headers(fields.bytes());
    let body = fields.rest().to_vec();
    let mut request = http::Request::new(body);
    *request.method_mut() = method;
    *request.uri_mut() = uri;
    *request.headers_mut() = headers;
    Some(request)
}

/// A response from `status \0 headers \0 body`; a status that is not three digits in
/// 100..=999 becomes 200 (hyper hands over no other).
pub fn response(fields: &mut Fields<'_>) -> http::Response<Vec<u8>> {
    let status = std::str::from_utf8(fields.bytes())
        .ok()
        .and_then(|s| s.trim().parse::<u16>().ok())
        .and_then(|s| http::StatusCode::from_u16(s).ok())
        .unwrap_or(http::StatusCode::OK);
    let headers = headers(fields.bytes());
    let mut response = http::Response::new(fields.rest().to_vec());
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_split_on_nul_and_the_last_keeps_the_rest() {
        let mut f = Fields::new(b"GET\0/x?a=1\0host: h\0body\0with nul");
        assert_eq!(f.bytes(), b"GET");
        assert_eq!(f.text(), "/x?a=1");
        assert_eq!(f.bytes(), b"host: h");
        assert_eq!(f.rest(), b"body\0with nul");
        assert_eq!(f.bytes(), b"");
    }

    #[test]
    fn a_request_and_a_response_are_read_from_their_fields() {
        let r = request(&mut Fields::new(
            b"POST\0/1/cards\0content-type: text/plain\nbad line\0x",
        ))
        .unwrap();
        assert_eq!(r.method(), "POST");
        assert_eq!(r.headers().len(), 1);
        assert_eq!(r.body(), b"x");
        let r = response(&mut Fields::new(b"429\0retry-after: 3\0{}"));
        assert_eq!(r.status(), 429);
        assert_eq!(r.headers()["retry-after"], "3");
        assert!(request(&mut Fields::new(b"G ET\0/")).is_none());
    }
}
