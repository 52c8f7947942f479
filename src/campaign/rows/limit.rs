//! The bytes the CSV parser reads: every line break made `\n` (so line numbers are the file's
//! whatever its line endings), and a cut-off once one row runs on too long (so memory stays
//! bounded when a quote never closes); the bytes of the row being read, kept so that a row a
//! quote left open can be read again from the line after the quote; and the line a record read
//! from them starts on.

use std::collections::VecDeque;
use std::io::{Read, Seek, SeekFrom};

/// The longest row (header included) the reader takes, in bytes: far more than any request the
/// service accepts, and what keeps memory bounded when a row never ends (an unterminated quote
/// makes the rest of the file one cell).
pub(crate) const MAX_ROW_BYTES: u64 = 8 * 1024 * 1024;

/// What the CSV parser may read ahead of the row it is in (its buffer), on top of the limit.
const READ_AHEAD_BYTES: u64 = 64 * 1024;

/// The source as the CSV parser sees it: every line break made `\n`, and cut off once one row
/// has gone on for more than its limit ([`MAX_ROW_BYTES`]).
///
/// The parser counts lines by `\n` alone, and counts the `\n` of a `\r\n` only when it reads the
/// next row: unchanged, a file with Windows line endings would report every row one line early,
/// and one with old Mac endings (`\r`) every row as line 1. So `\r\n` and `\r` become `\n`, inside
/// quoted cells too (where a spreadsheet writes a line break as `\n` anyway).
///
/// The bytes handed out since the row being read began are kept (the limit bounds them), and
/// [`Seek`] goes back into them: that is how a row that a quote left open to the end of the file
/// is read again from the line after the quote, stdin included, without reading the source twice.
pub(super) struct RowLimit<R> {
    inner: R,
    /// The longest row taken.
    max_row: u64,
    /// Offset of the next byte handed to the parser (after line breaks are made `\n`).
    consumed: u64,
    /// Reading past this offset is refused; moved on after every row.
    allowed_until: u64,
    /// The bytes from the start of the row being read to the last one taken from the source;
    /// `kept[0]` is at offset `kept_from`. Handed out again after a seek back.
    kept: VecDeque<u8>,
    kept_from: u64,
    /// The last byte read was a `\r`: a `\n` right after it belongs to the same line break.
    after_cr: bool,
    /// The source has ended.
    at_end: bool,
}

/// The error [`RowLimit`] gives when a row never ends in time.
#[derive(Debug)]
struct RowTooLong(u64);

impl std::fmt::Display for RowTooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "a row is longer than {}", size(self.0))
    }
}

impl std::error::Error for RowTooLong {}

/// A row limit as a person says it: `8 MiB`, or bytes when it is not a whole number of MiB.
pub(super) fn size(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else {
        format!("{bytes} bytes")
    }
}

/// Whether the parser stopped because a row ran on past its limit.
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
                return Err(std::io::Error::other(RowTooLong(self.max_row)));
            }
            let wanted = buf.len().min(usize::try_from(room).unwrap_or(usize::MAX));
            // Read again after a seek back: the kept bytes first.
            let from = usize::try_from(self.consumed - self.kept_from).unwrap_or(usize::MAX);
            if from < self.kept.len() {
                let taken = wanted.min(self.kept.len() - from);
                for (slot, byte) in buf.iter_mut().zip(self.kept.range(from..from + taken)) {
                    *slot = *byte;
                }
                self.consumed += taken as u64;
                return Ok(taken);
            }
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
            self.kept.extend(&buf[..kept]);
            self.consumed += kept as u64;
            return Ok(kept);
        }
    }
}

/// Goes back to a byte of the row being read (`SeekFrom::Start` of an offset among the kept
/// bytes): the parser reads on from there. Any other seek is refused.
impl<R> Seek for RowLimit<R> {
    fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
        let kept_end = self.kept_from + self.kept.len() as u64;
        match to {
            SeekFrom::Start(offset) if (self.kept_from..=kept_end).contains(&offset) => {
                self.at_end = self.at_end && offset == kept_end;
                self.consumed = offset;
                Ok(offset)
            }
            _ => Err(std::io::Error::new(
                std::io::ErrorKind::Unsupported,
                "only the row being read can be read again",
            )),
        }
    }
}

impl<R> RowLimit<R> {
    /// The source, taking rows of up to `max_row` bytes.
    pub(super) fn new(inner: R, max_row: u64) -> RowLimit<R> {
        RowLimit {
            inner,
            max_row,
            consumed: 0,
            allowed_until: max_row + READ_AHEAD_BYTES,
            kept: VecDeque::new(),
            kept_from: 0,
            after_cr: false,
            at_end: false,
        }
    }

    pub(super) fn max_row(&self) -> u64 {
        self.max_row
    }

    /// A new row starts at byte `start` (of what the parser has read): it may run to the limit,
    /// and the bytes before it are no longer needed.
    pub(super) fn allow_row_from(&mut self, start: u64) {
        self.allowed_until = start + self.max_row + READ_AHEAD_BYTES;
        let done = start
            .saturating_sub(self.kept_from)
            .min(self.kept.len() as u64);
        self.kept
            .drain(..usize::try_from(done).unwrap_or(usize::MAX));
        self.kept_from += done;
    }

    /// Whether the parser has been given every byte of the source (the record it just read
    /// reached the end of the file).
    pub(super) fn all_read(&self, position: u64) -> bool {
        self.at_end && position == self.consumed
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

    /// Reads the kept bytes of the record that starts at offset `start` (on line `line`, blank
    /// lines before it included) to the last byte handed out, the way the parser did.
    ///
    /// Only a record the parser stopped at the end of the file or at the limit can end inside a
    /// quoted cell (any other ended at a line break outside quotes), so only such a record is
    /// scanned: every other one would be read twice for nothing.
    pub(super) fn scan_record(&self, start: u64, line: u64) -> Scan {
        let from = usize::try_from(start.saturating_sub(self.kept_from)).unwrap_or(usize::MAX);
        let end = self.kept_from + self.kept.len() as u64;
        let bytes = self.kept.range(from.min(self.kept.len())..);
        scan(bytes.copied(), start.max(self.kept_from), line, end)
    }
}

/// What [`RowLimit::scan_record`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Scan {
    /// The line the record starts on, past blank lines.
    pub(super) starts_on: u64,
    /// The quoted cell left open at the end, if one is.
    pub(super) open: Option<OpenQuote>,
}

/// A quoted cell that never closes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct OpenQuote {
    /// The line of its opening quote, and its column (1 for the first cell).
    pub(super) line: u64,
    pub(super) column: usize,
    /// The offset of the line after the one it opens on, if anything follows it.
    pub(super) next_line_at: Option<u64>,
    /// The last line it reaches (a final line break does not start one).
    pub(super) last_line: u64,
}

/// The quote rules as the csv crate applies them (RFC 4180): a field is quoted only if its first
/// byte is `"`; inside it `""` is a literal quote and any other `"` closes it (what follows, up to
/// the next `,` or line break, is taken as it is). `bytes` start at offset `start`, on `line`,
/// where the parser starts a record; the parser skips blank lines there.
pub(super) fn scan(bytes: impl Iterator<Item = u8>, start: u64, mut line: u64, end: u64) -> Scan {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        RecordStart,
        FieldStart,
        Unquoted,
        Quoted,
        /// A `"` inside a quoted cell: `"` next makes it literal, anything else closes the cell.
        QuoteInQuoted,
    }
    use State::*;
    let (mut state, mut column) = (RecordStart, 1);
    let mut starts_on = None;
    let mut opened: Option<(u64, usize)> = None;
    let mut next_line_at = None;
    let mut last = None;
    for (offset, byte) in (start..).zip(bytes) {
        let before = state;
        state = match (state, byte) {
            (Quoted, b'"') => QuoteInQuoted,
            (Quoted, _) | (QuoteInQuoted, b'"') => Quoted,
            (RecordStart | FieldStart, b'"') => {
                opened = Some((line, column));
                next_line_at = None;
                Quoted
            }
            (RecordStart, b'\n') => RecordStart,
            (_, b',') => {
                column += 1;
                FieldStart
            }
            // The record's own line break: nothing is left open.
            (_, b'\n') => {
                (opened, column) = (None, 1);
                RecordStart
            }
            _ => Unquoted,
        };
        if before == RecordStart && state != RecordStart {
            starts_on.get_or_insert(line);
        }
        if byte == b'\n' {
            if state == Quoted && opened.is_some_and(|(at, _)| at == line) {
                next_line_at = Some(offset + 1).filter(|&at| at < end);
            }
            line += 1;
        }
        last = Some(byte);
    }
    let open = match (state, opened) {
        (Quoted, Some((at, column))) => Some(OpenQuote {
            line: at,
            column,
            next_line_at,
            last_line: line - u64::from(last == Some(b'\n')),
        }),
        _ => None,
    };
    let starts_on = starts_on.unwrap_or(line);
    Scan { starts_on, open }
}

/// The line the record just read starts on, when it ended with a line break of its own (every
/// record but one the file's end stopped, which [`RowLimit::scan_record`] reads instead). The
/// parser's own record position is taken before it skips blank lines, so it is counted back from
/// where the record ended: the line breaks consumed so far, less those inside its quoted cells
/// and its own.
pub(super) fn start_line<R: Read>(
    reader: &csv::Reader<RowLimit<R>>,
    record: &csv::ByteRecord,
) -> u64 {
    let inside = record.as_slice().iter().filter(|&&b| b == b'\n').count() as u64;
    reader.position().line().saturating_sub(inside + 1).max(1)
}
