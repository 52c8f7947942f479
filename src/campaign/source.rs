//! Where a run's rows come from (a file, a pipe, stdin), and `--strict`'s first pass over them.

use std::io::{Read, Seek, SeekFrom, Write};

use super::rows::{Row, RowDefaults, RowReader};
use crate::call::callout::CallOut;
use crate::exit::Failure;
use crate::output::Output;

/// A run's rows, ready to read.
pub(crate) struct Rows {
    pub(crate) reader: RowReader<Box<dyn Read + Send>>,
    /// The file's size, when it is a file: the progress bar's end.
    pub(crate) file_size: Option<u64>,
}

/// Where the rows come from and how they are read.
pub(crate) struct RowSource<'a> {
    /// A file, or `None` for stdin.
    pub(crate) file: &'a Option<std::path::PathBuf>,
    pub(crate) defaults: &'a RowDefaults,
    /// Check every row before the first is read for dialing.
    pub(crate) strict: bool,
}

/// Opens the rows; under `--strict` every row is checked first, and nothing is dialed if any is
/// invalid. Stdin or a pipe (a FIFO, `<(...)`, a device) is read once: under `--strict` what the
/// check reads is copied as it goes into an anonymous temporary file (no name in `$TMPDIR`, so
/// nothing is left behind on any exit, a signal's included), and the run reads that copy. The row
/// and header limits apply while the check reads, so endless input stops at the first row too
/// long, before more than a row's worth is spooled.
pub(crate) fn open_rows(options: &RowSource<'_>, output: &Output) -> Result<Rows, Failure> {
    let cannot = |what: &str, e: std::io::Error| Failure::usage(format!("cannot read {what}: {e}"));
    let (source, what, regular): (Box<dyn Read + Send>, String, bool) = match &options.file {
        Some(path) => {
            let what = crate::text::path(path);
            let file = std::fs::File::open(path).map_err(|e| cannot(&what, e))?;
            let regular = file.metadata().map(|m| m.is_file()).unwrap_or(false);
            (Box::new(std::io::BufReader::new(file)), what, regular)
        }
        None => (
            Box::new(std::io::BufReader::new(std::io::stdin())),
            "stdin".to_string(),
            false,
        ),
    };
    // A call-out's rows are all checked before the first dial, as under --strict: a message
    // that cannot be spoken refuses the run (exit 2) rather than silence one person.
    let callout = options.defaults.callout != CallOut::default()
        || (regular && has_callout_columns(options)?);
    let strict = options.strict || callout;
    let source = match (strict, regular) {
        (false, _) => source,
        (true, true) => {
            let rows = check_all_rows(source, options.defaults, output)?;
            output.note(strict_note(rows));
            let path = options.file.as_ref().expect("a regular file has a path");
            Box::new(std::io::BufReader::new(
                std::fs::File::open(path).map_err(|e| cannot(&what, e))?,
            ))
        }
        (true, false) => {
            let mut spool = tempfile::tempfile().map_err(|e| cannot(&what, e))?;
            let copy = spool.try_clone().map_err(|e| cannot(&what, e))?;
            let spooling = Box::new(Spooling {
                inner: source,
                spool: copy,
            });
            let rows = check_all_rows(spooling, options.defaults, output)?;
            output.note(strict_note(rows));
            spool
                .seek(SeekFrom::Start(0))
                .map_err(|e| Failure::usage(format!("cannot read the spooled rows: {e}")))?;
            Box::new(std::io::BufReader::new(spool))
        }
    };
    let file_size = options
        .file
        .as_ref()
        .and_then(|path| std::fs::metadata(path).ok())
        .filter(|meta| meta.is_file())
        .map(|meta| meta.len());
    Ok(Rows {
        reader: RowReader::new(source, options.defaults.clone())?,
        file_size,
    })
}

/// Whether the file's header has a `say` or `say_ssml` column (a call-out file).
fn has_callout_columns(options: &RowSource<'_>) -> Result<bool, Failure> {
    let Some(path) = options.file else {
        return Ok(false);
    };
    let file = std::fs::File::open(path)
        .map_err(|e| Failure::usage(format!("cannot read {}: {e}", crate::text::path(path))))?;
    let reader = RowReader::new(std::io::BufReader::new(file), options.defaults.clone())?;
    Ok(reader.has_callout_columns())
}

/// A source that copies what is read from it into the spool, as it is read.
struct Spooling {
    inner: Box<dyn Read + Send>,
    spool: std::fs::File,
}

impl Read for Spooling {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let read = self.inner.read(buf)?;
        self.spool.write_all(&buf[..read])?;
        Ok(read)
    }
}

/// --strict: every row is checked before anything is dialed; any bad row stops the run (exit 2).
fn check_all_rows(
    source: Box<dyn Read + Send>,
    defaults: &RowDefaults,
    output: &Output,
) -> Result<u64, Failure> {
    let mut reader = RowReader::new(source, defaults.clone())?;
    let mut bad = 0u64;
    let mut rows = 0u64;
    while let Some(row) = reader.next_row() {
        rows += 1;
        if let Row::Invalid { problem, .. } = row? {
            bad += 1;
            output.error(problem);
        }
    }
    if bad > 0 {
        return Err(Failure::usage(format!(
            "--strict: {bad} of {} {} invalid; nothing was dialed",
            crate::text::count(rows as usize, "row", "rows"),
            crate::text::one_or_many(bad as usize, "is", "are")
        )));
    }
    Ok(rows)
}

/// What `--strict` says once every row was checked.
fn strict_note(rows: u64) -> String {
    match rows {
        1 => "--strict: the 1 row is valid".to_string(),
        rows => format!("--strict: all {rows} rows are valid"),
    }
}
