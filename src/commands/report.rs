//! `chimecall report`: what the journal says of each bulk run (batch): rows, attempts, how they
//! ended, answer rate, median ring time and duration, digits entered, what is still open; per
//! row with `--rows`; a page to look at with `--html`.

use super::Context;
use crate::bad_records::Skipped;
use crate::campaign::{self, BatchLedger, BatchSummary, Ledger, RowSummary};
use crate::cli::ReportArgs;
use crate::exit::{Exit, Failure};
use crate::journal;

pub(crate) async fn run(args: ReportArgs, context: &Context) -> anyhow::Result<()> {
    let output = &context.output;
    let contents = journal::read(&journal::default_path()?)?;
    for problem in &contents.problems {
        output.note(format!("warning: {problem}"));
    }
    // A bad record is reported and skipped (exit 9 at the end); the rest is reported.
    let mut skipped = Skipped::default();
    let dials = skipped.good_dials(journal::dials(&contents), output);
    let ledger = Ledger::of_dials(&contents, dials);
    let since_ms = args.since.map(|since| since.start_ms());
    let wanted = args.batch.as_deref().map(campaign::batch_named);
    let batches: Vec<&BatchLedger> = ledger
        .batches
        .values()
        .filter(|batch| wanted.as_ref().is_none_or(|name| &batch.name == name))
        .filter(|batch| match since_ms {
            None => true,
            Some(start) => batch
                .span()
                .and_then(|(_, last)| chimecall_model::clock::parse_rfc3339_ms(&last))
                .is_some_and(|last| last >= start),
        })
        .collect();
    if let (Some(name), true) = (&wanted, batches.is_empty()) {
        return Err(Failure::new(
            Exit::Usage,
            format!(
                "the journal has no batch {} (`chimecall report` lists them all)",
                chimecall_model::rules::quoted(name)
            ),
        )
        .into());
    }
    if batches.is_empty() {
        output.note("the journal holds no bulk run");
    }
    for batch in &batches {
        output.result(&BatchSummary::of(batch))?;
        if args.rows {
            for row in batch.rows_in_order() {
                output.result(&RowSummary::of(&batch.name, row))?;
            }
        }
    }
    if let Some(path) = &args.html {
        let page = campaign::html_page(&batches, &chimecall_model::clock::now_rfc3339_ms());
        std::fs::write(path, page).map_err(|e| {
            Failure::new(
                Exit::Config,
                format!("cannot write {}: {e}", crate::text::path(path)),
            )
        })?;
        output.note(format!("wrote {}", path.display()));
    }
    skipped.after(Ok(()))
}
