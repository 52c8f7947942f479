//! `chimecall journal export`: every record of the journal as a JSON line on stdout, in the order
//! written, the same lines the JSON-lines journal held, so `jq` recipes keep working.

use std::io::{self, BufWriter, Write};

use super::Context;
use crate::cli::{JournalArgs, JournalCommand};
use crate::journal::{self, ExportFilter, Journal};

/// Records read from the journal at a time.
const PAGE: usize = 10_000;

pub(crate) async fn run(args: JournalArgs, _context: &Context) -> anyhow::Result<()> {
    match args.command {
        JournalCommand::Export(export) => {
            let filter = ExportFilter {
                batch: export.batch.as_deref().map(crate::campaign::batch_named),
                since_ms: export.since.map(|since| since.start_ms()),
            };
            let journal = Journal::open(&journal::default_path()?)?;
            let mut from = None;
            loop {
                let page = journal.records(&filter, from, PAGE).await?;
                write_lines(&page.lines)?;
                match page.next {
                    Some(next) => from = Some(next),
                    None => return Ok(()),
                }
            }
        }
    }
}

fn write_lines(lines: &[String]) -> io::Result<()> {
    let mut stdout = BufWriter::new(io::stdout().lock());
    for line in lines {
        // The journal is a file anyone can edit: no control character reaches a terminal.
        writeln!(
            stdout,
            "{}",
            crate::output::escape_json_controls(line.clone())
        )?;
    }
    stdout.flush()
}
