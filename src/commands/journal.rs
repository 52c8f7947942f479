//! `chimecall journal`: `export` writes every record as a JSON line on stdout, in the order
//! written (the same lines the JSON-lines journal held, so `jq` recipes keep working); `create`
//! makes a team journal's table; `copy` moves a local journal's history into one.

use std::io::{self, BufWriter, Write};

use super::Context;
use crate::cli::{CopyJournalArgs, CreateJournalArgs, JournalArgs, JournalCommand};
use crate::exit::Failure;
use crate::journal::{self, CopyCount, Created, ExportFilter, Journal, JournalLocation};

/// Records read from the journal at a time.
const PAGE: usize = 10_000;

pub(crate) async fn run(args: JournalArgs, context: &Context) -> anyhow::Result<()> {
    match args.command {
        JournalCommand::Export(export) => {
            let journal = context.journal().await?;
            let batch = match export.batch.as_deref() {
                Some(name) => Some(crate::campaign::batch_in(&journal, name).await?),
                None => None,
            };
            let filter = ExportFilter {
                batch,
                since_ms: export.since.map(|since| since.start_ms()),
            };
            let mut from: Option<String> = None;
            loop {
                let page = journal.records(&filter, from.as_deref(), PAGE).await?;
                write_lines(&page.lines)?;
                match page.next {
                    Some(next) => from = Some(next),
                    None => return Ok(()),
                }
            }
        }
        JournalCommand::Create(create) => create_team_journal(create, context).await,
        JournalCommand::Copy(copy) => copy_into_team_journal(copy, context).await,
    }
}

/// The table a `dynamodb:TABLE` argument names.
fn table_of(text: &str, what: &str) -> Result<String, Failure> {
    match JournalLocation::parse(text, what)? {
        JournalLocation::Team { table } => Ok(table),
        JournalLocation::Local(_) => Err(Failure::usage(format!(
            "{what} {}: name a team journal as dynamodb:TABLE",
            chimecall_model::rules::quoted(text)
        ))),
    }
}

async fn create_team_journal(args: CreateJournalArgs, context: &Context) -> anyhow::Result<()> {
    let table = table_of(&args.location, "journal create")?;
    let output = &context.output;
    output.note(format!(
        "creating the table {table} (on-demand, TTL on expires_at)..."
    ));
    let created = journal::create_table(context.dynamodb_client().await?, &table).await?;
    let said = match created {
        Created::Created => "created",
        Created::AlreadyThere => "already there",
    };
    output.result(&Made {
        journal: format!("dynamodb:{table}"),
        result: said,
    })?;
    Ok(())
}

#[derive(serde::Serialize)]
struct Made {
    journal: String,
    result: &'static str,
}

impl std::fmt::Display for Made {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}\t{}", self.journal, self.result)
    }
}

async fn copy_into_team_journal(args: CopyJournalArgs, context: &Context) -> anyhow::Result<()> {
    let table = table_of(&args.to, "journal copy")?;
    if !args.from.exists() {
        return Err(Failure::usage(format!(
            "journal copy: {} does not exist",
            args.from.display()
        ))
        .into());
    }
    let local = Journal::open(&args.from)?;
    let team = journal::TeamJournal::open(context.dynamodb_client().await?, &table).await?;
    let mut count = CopyCount::default();
    let mut from: Option<String> = None;
    let all = ExportFilter::default();
    loop {
        let page = local.records(&all, from.as_deref(), 1000).await?;
        journal::copy_records(&team, &page.lines, &mut count).await?;
        match page.next {
            Some(next) => from = Some(next),
            None => break,
        }
    }
    context.output.result(&Copied {
        from: local.name(),
        to: format!("dynamodb:{table}"),
        copied: count.copied,
        already_there: count.already,
    })?;
    Ok(())
}

#[derive(serde::Serialize)]
struct Copied {
    from: String,
    to: String,
    copied: u64,
    already_there: u64,
}

impl std::fmt::Display for Copied {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "copied {} records from {} to {} ({} already there)",
            self.copied, self.from, self.to, self.already_there
        )
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
