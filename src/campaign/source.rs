//! Where a run's rows come from (a file, a pipe, stdin), and `--strict`'s first pass over them.

use std::io::Read;

use super::rows::{Row, RowDefaults, RowReader};
use crate::exit::Failure;
use crate::output::Output;

/// A run's rows, ready to read.
pub(crate) struct Rows {
    pub(crate) reader: RowReader<Box<dyn Read + Send>>,
    /// The file's size, when it is a file: the progress bar's end.
    pub(crate) file_size: Option<u64>,
    /// Stdin or a pipe spooled for `--strict`, kept until the run ends.
    _spool: Option<tempfile::NamedTempFile>,
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
/// invalid.
pub(crate) fn open_rows(options: &RowSource<'_>, output: &Output) -> Result<Rows, Failure> {
    let (source, spool) = open_source(options)?;
    let source = if options.strict {
        let rows = check_all_rows(source, options.defaults, output)?;
        output.note(match rows {
            1 => "--strict: the 1 row is valid".to_string(),
            rows => format!("--strict: all {rows} rows are valid"),
        });
        match (&options.file, &spool) {
            (_, Some(spool)) => {
                Box::new(std::io::BufReader::new(spool.reopen().map_err(|e| {
                    Failure::usage(format!("cannot read the spooled rows: {e}"))
                })?)) as Box<dyn Read + Send>
            }
            (Some(path), None) => {
                Box::new(std::io::BufReader::new(std::fs::File::open(path).map_err(
                    |e| Failure::usage(format!("cannot read {}: {e}", crate::text::path(path))),
                )?)) as Box<dyn Read + Send>
            }
            (None, None) => unreachable!("stdin under --strict is spooled"),
        }
    } else {
        source
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
        _spool: spool,
    })
}

/// Opens the rows' source. Stdin under --strict is spooled to a temporary file so it can be read twice.
fn open_source(
    options: &RowSource<'_>,
) -> Result<(Box<dyn Read + Send>, Option<tempfile::NamedTempFile>), Failure> {
    let cannot = |what: &str, e: std::io::Error| Failure::usage(format!("cannot read {what}: {e}"));
    match &options.file {
        Some(path) => {
            let mut file =
                std::fs::File::open(path).map_err(|e| cannot(&crate::text::path(path), e))?;
            let regular = file.metadata().map(|m| m.is_file()).unwrap_or(false);
            if options.strict && !regular {
                // A pipe (`<(...)`) cannot be read twice: spool it, like stdin.
                let mut spool = tempfile::NamedTempFile::new().map_err(|e| cannot("a pipe", e))?;
                std::io::copy(&mut file, &mut spool).map_err(|e| cannot("a pipe", e))?;
                let reopened = spool.reopen().map_err(|e| cannot("a pipe", e))?;
                return Ok((Box::new(std::io::BufReader::new(reopened)), Some(spool)));
            }
            Ok((Box::new(std::io::BufReader::new(file)), None))
        }
        None if options.strict => {
            let mut spool = tempfile::NamedTempFile::new().map_err(|e| cannot("stdin", e))?;
            std::io::copy(&mut std::io::stdin().lock(), &mut spool)
                .map_err(|e| cannot("stdin", e))?;
            let reopened = spool.reopen().map_err(|e| cannot("stdin", e))?;
            Ok((Box::new(std::io::BufReader::new(reopened)), Some(spool)))
        }
        None => Ok((Box::new(std::io::BufReader::new(std::io::stdin())), None)),
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
