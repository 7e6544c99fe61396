//! The store's file IO: the 0700 folder, atomic 0600 writes, reading (and narrowing the mode
//! of) existing files, and TOML parsing whose errors never quote the file.

use std::fs;
use std::io::{self, Write};
use std::path::Path;

use zeroize::Zeroizing;

use super::StoreError;

/// Creates `dir` (and its missing parents) with mode 0700 on Unix. An existing folder is left
/// as it is.
pub(crate) fn ensure_dir(dir: &Path) -> Result<(), StoreError> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(dir)
        .map_err(|e| StoreError::io("create the folder", dir, e))
}

/// Replaces `path` (in `dir`) with `contents` atomically: a temporary file in the same folder,
/// made 0600 before anything is written to it, synced, then renamed over `path`; then the
/// folder is synced so that the rename survives a crash.
pub(super) fn write_atomic(dir: &Path, path: &Path, contents: &[u8]) -> Result<(), StoreError> {
    ensure_dir(dir)?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(".trello-auth-").suffix(".tmp");
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600));
    let mut file = builder
        .tempfile_in(dir)
        .map_err(|e| StoreError::io("create a temporary file in", dir, e))?;
    let write_err = |e| StoreError::io("write", path, e);
    #[cfg(unix)]
    {
        // Explicit as well: the mode is 0600 before the first byte lands, whatever the umask.
        use std::os::unix::fs::PermissionsExt;
        file.as_file()
            .set_permissions(fs::Permissions::from_mode(0o600))
            .map_err(write_err)?;
    }
    file.write_all(contents).map_err(write_err)?;
    file.as_file().sync_all().map_err(write_err)?;
    file.persist(path).map_err(|e| write_err(e.error))?;
    sync_dir(dir);
    Ok(())
}

/// Syncs the folder's entry table (Unix); best effort, as some file systems refuse it.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// Removes `path`; `Ok(false)` if it was not there.
pub(super) fn remove(path: &Path) -> Result<bool, StoreError> {
    match fs::remove_file(path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(StoreError::io("remove", path, e)),
    }
}

/// Reads `path`; `Ok(None)` if it does not exist. With `private`, a mode wider than 0600 is
/// first narrowed to 0600 (Unix), so that a file someone loosened is not left readable.
pub(super) fn read(path: &Path, private: bool) -> Result<Option<Zeroizing<String>>, StoreError> {
    if private {
        match narrow_mode(path) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(StoreError::io("restrict the permissions of", path, e)),
        }
    }
    match fs::read(path) {
        Ok(bytes) => String::from_utf8(bytes)
            .map(|s| Some(Zeroizing::new(s)))
            .map_err(|e| {
                // Wipe the bytes that were read; they may hold a token.
                drop(Zeroizing::new(e.into_bytes()));
                StoreError::Syntax {
                    path: path.to_owned(),
                    reason: "it is not UTF-8".to_owned(),
                }
            }),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(StoreError::io("read", path, e)),
    }
}

#[cfg(unix)]
fn narrow_mode(path: &Path) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = fs::metadata(path)?.permissions().mode();
    if mode & 0o077 != 0 {
        fs::set_permissions(path, fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}

#[cfg(not(unix))]
fn narrow_mode(path: &Path) -> io::Result<()> {
    fs::metadata(path).map(|_| ())
}

/// Parses a TOML document. For a file holding secrets (`quote: false`) the error says only
/// where the problem is; otherwise it also says what it is (toml's message, without the
/// excerpt of the file that its `Display` adds).
pub(super) fn parse(path: &Path, text: &str, quote: bool) -> Result<toml::Table, StoreError> {
    text.parse::<toml::Table>().map_err(|e| {
        let line = e
            .span()
            .map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1);
        let at = line.map_or_else(String::new, |n| format!("line {n}"));
        let reason = match (quote, at.is_empty()) {
            (true, true) => e.message().trim().replace('\n', "; "),
            (true, false) => format!("{}: {}", at, e.message().trim().replace('\n', "; ")),
            (false, true) => "a syntax error".to_owned(),
            (false, false) => format!("a syntax error at {at}"),
        };
        StoreError::Syntax {
            path: path.to_owned(),
            reason,
        }
    })
}

/// Serialises a TOML document (the error, unlikely for a table of strings, arrays and tables,
/// is not quoted: it could hold a value).
pub(super) fn render(path: &Path, table: &toml::Table) -> Result<Zeroizing<String>, StoreError> {
    toml::to_string(table)
        .map(Zeroizing::new)
        .map_err(|_| StoreError::InvalidFile {
            path: path.to_owned(),
            reason: "its new contents could not be serialised as TOML".to_owned(),
        })
}

/// A parsed TOML document holding secrets: every string in it is zeroized on drop.
#[derive(Default)]
pub(super) struct SecretTable(pub(super) toml::Table);

impl Drop for SecretTable {
    fn drop(&mut self) {
        wipe_table(&mut self.0);
    }
}

impl std::fmt::Debug for SecretTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretTable([redacted])")
    }
}

fn wipe_table(table: &mut toml::Table) {
    table.iter_mut().for_each(|(_, v)| wipe_value(v));
}

fn wipe_value(value: &mut toml::Value) {
    use zeroize::Zeroize;
    match value {
        toml::Value::String(s) => s.zeroize(),
        toml::Value::Array(items) => items.iter_mut().for_each(wipe_value),
        toml::Value::Table(t) => wipe_table(t),
        _ => {}
    }
}
