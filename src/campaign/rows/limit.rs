//! The bytes the CSV parser reads: every line break made `\n` (so line numbers are the file's
//! whatever its line endings), and a cut-off once one row runs on too long (so memory stays
//! bounded when a quote never closes); and the line a record read from them starts on.

use std::io::Read;

/// The longest row (header included) the reader takes, in bytes: far more than any request the
/// service accepts, and what keeps memory bounded when a row never ends (an unterminated quote
/// makes the rest of the file one cell).
pub(crate) const MAX_ROW_BYTES: u64 = 8 * 1024 * 1024;

/// What the CSV parser may read ahead of the row it is in (its buffer), on top of the limit.
const READ_AHEAD_BYTES: u64 = 64 * 1024;

/// The source as the CSV parser sees it: every line break made `\n`, and cut off once one row
/// has gone on for more than [`MAX_ROW_BYTES`].
///
/// The parser counts lines by `\n` alone, and counts the `\n` of a `\r\n` only when it reads the
/// next row: unchanged, a file with Windows line endings would report every row one line early,
/// and one with old Mac endings (`\r`) every row as line 1. So `\r\n` and `\r` become `\n`, inside
/// quoted cells too (where a spreadsheet writes a line break as `\n` anyway).
pub(super) struct RowLimit<R> {
    inner: R,
    /// Bytes handed to the parser (after line breaks are made `\n`).
    consumed: u64,
    /// Reading past this offset is refused; moved on after every row.
    allowed_until: u64,
    /// The last byte read was a `\r`: a `\n` right after it belongs to the same line break.
    after_cr: bool,
    /// The last two bytes handed to the parser, and whether the source has ended.
    before_last_byte: Option<u8>,
    last_byte: Option<u8>,
    at_end: bool,
}

/// The error [`RowLimit`] gives when a row never ends in time.
#[derive(Debug)]
struct RowTooLong;

impl std::fmt::Display for RowTooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "a row is longer than {} MiB",
            MAX_ROW_BYTES / (1024 * 1024)
        )
    }
}

impl std::error::Error for RowTooLong {}

/// Whether the parser stopped because a row ran on past [`MAX_ROW_BYTES`].
pub(super) fn is_too_long(error: &csv::Error) -> bool {
    match error.kind() {
        csv::ErrorKind::Io(io) => io
            .get_ref()
            .is_some_and(|inner| inner.downcast_ref::<RowTooLong>().is_some()),
        _ => false,
    }
}

impl<R: Read> Read for RowLimit<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            let room = self.allowed_until.saturating_sub(self.consumed);
            if room == 0 {
                return Err(std::io::Error::other(RowTooLong));
            }
            let wanted = buf.len().min(usize::try_from(room).unwrap_or(usize::MAX));
            let read = self.inner.read(&mut buf[..wanted])?;
            if read == 0 {
                self.at_end = true;
                return Ok(0);
            }
            let kept = if !self.after_cr && !buf[..read].contains(&b'\r') {
                read
            } else {
                self.unify_line_breaks(&mut buf[..read])
            };
            // All that was read was the `\n` of a `\r\n`: 0 would mean the end of the file.
            if kept == 0 {
                continue;
            }
            self.consumed += kept as u64;
            self.before_last_byte = match kept {
                1 => self.last_byte,
                _ => Some(buf[kept - 2]),
            };
            self.last_byte = Some(buf[kept - 1]);
            return Ok(kept);
        }
    }
}

impl<R> RowLimit<R> {
    pub(super) fn new(inner: R) -> RowLimit<R> {
        RowLimit {
            inner,
            consumed: 0,
            allowed_until: MAX_ROW_BYTES + READ_AHEAD_BYTES,
            after_cr: false,
            before_last_byte: None,
            last_byte: None,
            at_end: false,
        }
    }

    /// A new row starts at byte `start` (of what the parser has read): it may run to the limit.
    pub(super) fn allow_row_from(&mut self, start: u64) {
        self.allowed_until = start + MAX_ROW_BYTES + READ_AHEAD_BYTES;
    }

    /// Makes `\r\n` and `\r` into `\n` in place; returns the new length.
    fn unify_line_breaks(&mut self, bytes: &mut [u8]) -> usize {
        let mut kept = 0;
        for index in 0..bytes.len() {
            let byte = bytes[index];
            if self.after_cr && byte == b'\n' {
                self.after_cr = false;
                continue;
            }
            self.after_cr = byte == b'\r';
            bytes[kept] = if byte == b'\r' { b'\n' } else { byte };
            kept += 1;
        }
        kept
    }
}

/// The line the record just read starts on. The parser's own record position is taken before
/// it skips blank lines, so it is counted back from where the record ended: the line breaks
/// consumed so far, less those inside its quoted cells and its own.
pub(super) fn start_line<R: Read>(
    reader: &csv::Reader<RowLimit<R>>,
    record: &csv::ByteRecord,
) -> u64 {
    let after = reader.position();
    let inside = record.as_slice().iter().filter(|&&b| b == b'\n').count() as u64;
    after
        .line()
        .saturating_sub(inside + u64::from(ends_with_a_line_break(reader, record)))
        .max(1)
}

/// Whether the record just read ended with a line break of its own. Only the file's last record
/// can end without one; when it ends with `\n`, that is its own line break unless it is the
/// last byte of a quoted cell the file's end left open (`"x\n`, not `"x\n"\n`).
fn ends_with_a_line_break<R: Read>(
    reader: &csv::Reader<RowLimit<R>>,
    record: &csv::ByteRecord,
) -> bool {
    let source = reader.get_ref();
    if !(source.at_end && reader.position().byte() == source.consumed) {
        return true;
    }
    if source.last_byte != Some(b'\n') {
        return false;
    }
    let last_cell_ends_with_one = record
        .get(record.len().saturating_sub(1))
        .is_some_and(|cell| cell.ends_with(b"\n"));
    !last_cell_ends_with_one || source.before_last_byte == Some(b'"')
}
