//! `chimecall report`: what the journal says of each bulk run (batch): rows, attempts, how they
//! ended, answer rate, median ring time and duration, digits entered, what is still open; per
//! row with `--rows`; a page to look at with `--html`.

use super::Context;
use crate::bad_records::Skipped;
use crate::campaign::{self, BatchLedger, BatchSummary, RowSummary};
use crate::cli::ReportArgs;
use crate::exit::{Exit, Failure};

pub(crate) async fn run(args: ReportArgs, context: &Context) -> anyhow::Result<()> {
    let output = &context.output;
    let journal = context.journal().await?;
    // A bad record is reported and skipped (exit 9 at the end); the rest is reported.
    let mut skipped = Skipped::default();
    let since_ms = args.since.map(|since| since.start_ms());
    let wanted = match args.batch.as_deref() {
        Some(name) => Some(campaign::batch_in(&journal, name).await?),
        None => None,
    };
    // One batch at a time from the journal: only `--html` keeps them all.
    let names: Vec<String> = match &wanted {
        Some(name) => vec![name.clone()],
        None => journal
            .batches()
            .await?
            .into_iter()
            .filter(|batch| {
                since_ms.is_none_or(|start| batch.last_ms.is_some_and(|last| last >= start))
            })
            .map(|batch| batch.name)
            .collect(),
    };
    let mut kept: Vec<BatchLedger> = Vec::new();
    let mut shown = 0usize;
    for name in &names {
        let mut records = journal.batch(name).await?;
        records.dials = skipped.good_dials(records.dials, output);
        let batch = BatchLedger::of(name, records);
        if batch.rows.is_empty() {
            continue;
        }
        let recent = since_ms.is_none_or(|start| {
            batch
                .span()
                .and_then(|(_, last)| chimecall_model::clock::parse_rfc3339_ms(&last))
                .is_some_and(|last| last >= start)
        });
        if !recent {
            continue;
        }
        shown += 1;
        output.result(&BatchSummary::of(&batch))?;
        if args.rows {
            for row in batch.rows_in_order() {
                output.result(&RowSummary::of(&batch.name, row))?;
            }
        }
        if args.html.is_some() {
            kept.push(batch);
        }
    }
    if let (Some(name), 0) = (&wanted, shown) {
        return Err(Failure::new(
            Exit::Usage,
            format!(
                "the journal has no batch {} (`chimecall report` lists them all)",
                chimecall_model::rules::quoted(name)
            ),
        )
        .into());
    }
    if shown == 0 {
        output.note("the journal holds no bulk run");
    }
    let batches: Vec<&BatchLedger> = kept.iter().collect();
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
