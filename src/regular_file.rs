//! Reading a file chimecall was pointed at, without trusting what is at the path: only a regular
//! file, and only up to a limit. A device such as `/dev/zero` would be read until memory runs
//! out, and a FIFO would block the command until some writer came along; both are refused at
//! once.

use std::fmt;
use std::fs::{File, FileType, OpenOptions};
use std::io::{self, Read};
use std::path::Path;

/// Why a file was not read.
#[derive(Debug)]
pub(crate) enum Refusal {
    /// Nothing at the path (or a path through something that is not a directory).
    Missing,
    /// A directory, a device, a FIFO, a socket: what it is.
    NotRegular(&'static str),
    /// Larger than the limit, in bytes.
    TooLarge(u64),
    /// It could not be opened or read.
    Unreadable(io::Error),
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::Missing => write!(f, "does not exist"),
            Refusal::NotRegular(kind) => write!(f, "is {kind}, not a regular file"),
            Refusal::TooLarge(limit) => write!(f, "is larger than {}", size(*limit)),
            Refusal::Unreadable(error) => write!(f, "cannot be read: {error}"),
        }
    }
}

/// `limit` in the largest whole unit: "8 MiB", "512 KiB", "100 bytes".
fn size(limit: u64) -> String {
    match limit {
        l if l >= 1 << 20 && l % (1 << 20) == 0 => format!("{} MiB", l >> 20),
        l if l >= 1 << 10 && l % (1 << 10) == 0 => format!("{} KiB", l >> 10),
        l => format!("{l} bytes"),
    }
}

/// The whole file, if it is a regular file of at most `limit` bytes. The file is opened without
/// blocking and checked once open, so what is read is what was checked.
pub(crate) fn read(path: &Path, limit: u64) -> Result<Vec<u8>, Refusal> {
    let file = open(path).map_err(|error| match error.kind() {
        io::ErrorKind::NotFound | io::ErrorKind::NotADirectory => Refusal::Missing,
        _ => Refusal::Unreadable(error),
    })?;
    let metadata = file.metadata().map_err(Refusal::Unreadable)?;
    if !metadata.is_file() {
        return Err(Refusal::NotRegular(kind_of(&metadata.file_type())));
    }
    if metadata.len() > limit {
        return Err(Refusal::TooLarge(limit));
    }
    let mut bytes = Vec::with_capacity(metadata.len() as usize);
    // The file may grow after the check.
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(Refusal::Unreadable)?;
    if bytes.len() as u64 > limit {
        return Err(Refusal::TooLarge(limit));
    }
    Ok(bytes)
}

pub(crate) fn open(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // A FIFO opens at once instead of waiting for a writer; it is then refused.
        options.custom_flags(libc::O_NONBLOCK);
    }
    options.open(path)
}

/// What a file that is not a regular file is, for an error message.
pub(crate) fn kind_of(file_type: &FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO";
        }
        if file_type.is_char_device() {
            return "a character device";
        }
        if file_type.is_block_device() {
            return "a block device";
        }
        if file_type.is_socket() {
            return "a socket";
        }
    }
    if file_type.is_dir() {
        "a directory"
    } else {
        "not a file"
    }
}

/// Where the first byte that is not UTF-8 is: its line and its byte within the line, 1-based.
pub(crate) fn first_non_utf8(bytes: &[u8]) -> Option<(usize, usize)> {
    let offset = std::str::from_utf8(bytes).err()?.valid_up_to();
    let before = &bytes[..offset];
    let line = before.iter().filter(|b| **b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |at| at + 1);
    Some((line, offset - line_start + 1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    #[test]
    fn devices_directories_and_fifos_are_refused_at_once() {
        for (path, kind) in [
            ("/dev/zero", "a character device"),
            ("/dev/full", "a character device"),
            ("/dev/null", "a character device"),
            ("/", "a directory"),
        ] {
            match read(Path::new(path), 1 << 20) {
                Err(Refusal::NotRegular(found)) => assert_eq!(found, kind, "{path}"),
                other => panic!("{path}: {other:?}"),
            }
        }
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.is_ok_and(|status| status.success()), "mkfifo");
        let started = Instant::now();
        let refusal = read(&fifo, 1 << 20).unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(5), "it waited");
        assert_eq!(refusal.to_string(), "is a FIFO, not a regular file");
    }

    #[test]
    fn a_regular_file_is_read_up_to_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, b"12345678").unwrap();
        assert_eq!(read(&path, 8).unwrap(), b"12345678");
        let refusal = read(&path, 7).unwrap_err();
        assert!(matches!(refusal, Refusal::TooLarge(7)), "{refusal:?}");
        assert_eq!(refusal.to_string(), "is larger than 7 bytes");
        assert_eq!(
            Refusal::TooLarge(8 << 20).to_string(),
            "is larger than 8 MiB"
        );
        assert!(matches!(
            read(&dir.path().join("nope"), 8),
            Err(Refusal::Missing)
        ));
        assert!(matches!(
            read(Path::new("/dev/null/nope"), 8),
            Err(Refusal::Missing)
        ));
    }

    #[test]
    fn the_first_byte_that_is_not_utf8_is_placed() {
        assert_eq!(first_non_utf8(b"[default]\n# caf\xe9\n"), Some((2, 6)));
        assert_eq!(first_non_utf8(b"\xff"), Some((1, 1)));
        assert_eq!(first_non_utf8("café\n".as_bytes()), None);
    }
}
