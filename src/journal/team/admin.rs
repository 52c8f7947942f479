//! Making a team journal: `journal create` (the table, on-demand, with its TTL attribute and
//! the META item that marks it a chimecall journal) and `journal copy` (a local journal's
//! records, each under an id made of its own text, so a second copy finds them all there).

use std::time::Duration;

use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, KeySchemaElement, KeyType, ScalarAttributeType, TableStatus,
    TimeToLiveSpecification,
};
use aws_sdk_dynamodb::Client;
use sha2::{Digest, Sha256};

use super::items::{self, n, s};
use super::keys::{self, EXPIRES_AT, PK, SK};
use super::writes::decode;
use super::{faults, TeamJournal};
use crate::exit::{Exit, Failure};
use crate::journal::record::Line;

/// How long `journal create` waits for a new table to become ACTIVE.
const ACTIVE_WITHIN: Duration = Duration::from_secs(300);

/// What `journal create` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Created {
    Created,
    /// The table was a chimecall journal already.
    AlreadyThere,
}

/// Creates the table (on-demand, `pk`/`sk` strings, TTL on `expires_at`) and marks it a
/// chimecall journal; a table that is one already is left as it is.
pub(crate) async fn create_table(client: Client, table: &str) -> Result<Created, Failure> {
    let journal = TeamJournal::unchecked(client, table);
    let key = |name: &str, kind: KeyType| {
        KeySchemaElement::builder()
            .attribute_name(name)
            .key_type(kind)
            .build()
            .expect("a key element has a name and a type")
    };
    let attribute = |name: &str| {
        AttributeDefinition::builder()
            .attribute_name(name)
            .attribute_type(ScalarAttributeType::S)
            .build()
            .expect("an attribute has a name and a type")
    };
    let created = journal
        .client
        .create_table()
        .table_name(table)
        .billing_mode(BillingMode::PayPerRequest)
        .key_schema(key(PK, KeyType::Hash))
        .key_schema(key(SK, KeyType::Range))
        .attribute_definitions(attribute(PK))
        .attribute_definitions(attribute(SK))
        .send()
        .await;
    let outcome = match created {
        Ok(_) => Created::Created,
        Err(error)
            if error
                .as_service_error()
                .is_some_and(|e| e.is_resource_in_use_exception()) =>
        {
            let meta = journal.meta("read the table").await?;
            if meta.is_none() && !is_empty(&journal).await? {
                return Err(Failure::new(
                    Exit::Config,
                    format!(
                        "the table {table} exists and is not a chimecall journal (it has items \
                         and no META item): name another table"
                    ),
                ));
            }
            Created::AlreadyThere
        }
        Err(error) => return Err(faults::failure(table, "create the table", &error)),
    };
    wait_until_active(&journal).await?;
    turn_ttl_on(&journal).await?;
    mark_as_journal(&journal).await?;
    Ok(outcome)
}

/// Turns TTL on for `expires_at` (already on is nothing to change).
async fn turn_ttl_on(journal: &TeamJournal) -> Result<(), Failure> {
    let table = journal.table.as_str();
    journal
        .client
        .update_time_to_live()
        .table_name(table)
        .time_to_live_specification(
            TimeToLiveSpecification::builder()
                .enabled(true)
                .attribute_name(EXPIRES_AT)
                .build()
                .expect("a TTL specification has its attribute"),
        )
        .send()
        .await
        .map(|_| ())
        .or_else(|error| {
            // Already on (a table created before): nothing to change.
            let on = error.as_service_error().is_some_and(|e| {
                aws_sdk_dynamodb::error::ProvideErrorMetadata::message(e)
                    .is_some_and(|m| m.contains("already enabled"))
            });
            if on {
                Ok(())
            } else {
                Err(faults::failure(table, "turn the TTL attribute on", &error))
            }
        })
}

/// Writes the `META` item that marks the table a chimecall journal (once).
async fn mark_as_journal(journal: &TeamJournal) -> Result<(), Failure> {
    let table = journal.table.as_str();
    let meta = items::item(
        keys::meta(),
        [
            ("schema", n(keys::SCHEMA)),
            (
                "created_by",
                s(format!("chimecall {}", env!("CARGO_PKG_VERSION"))),
            ),
        ],
    );
    journal
        .client
        .put_item()
        .table_name(table)
        .set_item(Some(meta))
        .condition_expression("attribute_not_exists(pk)")
        .send()
        .await
        .map(|_| ())
        .or_else(|error| {
            if error
                .as_service_error()
                .is_some_and(|e| e.is_conditional_check_failed_exception())
            {
                Ok(())
            } else {
                Err(faults::failure(
                    table,
                    "mark the table a chimecall journal",
                    &error,
                ))
            }
        })
}

async fn is_empty(journal: &TeamJournal) -> Result<bool, Failure> {
    let scanned = journal
        .client
        .scan()
        .table_name(&journal.table)
        .limit(1)
        .send()
        .await
        .map_err(|e| faults::failure(&journal.table, "read the table", &e))?;
    Ok(scanned.count == 0)
}

async fn wait_until_active(journal: &TeamJournal) -> Result<(), Failure> {
    let started = tokio::time::Instant::now();
    loop {
        let described = journal
            .client
            .describe_table()
            .table_name(&journal.table)
            .send()
            .await
            .map_err(|e| faults::failure(&journal.table, "describe the table", &e))?;
        let status = described.table.and_then(|table| table.table_status);
        if status == Some(TableStatus::Active) {
            return Ok(());
        }
        if started.elapsed() > ACTIVE_WITHIN {
            return Err(Failure::new(
                Exit::Failure,
                format!(
                    "the table {} is not ACTIVE after {} s ({status:?})",
                    journal.table,
                    ACTIVE_WITHIN.as_secs()
                ),
            ));
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

/// Records copied, and records found there from an earlier copy.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CopyCount {
    pub(crate) copied: u64,
    pub(crate) already: u64,
}

/// Copies these records (JSON lines, in the order they were written) into the team journal.
/// Each goes under an id made of its text: one there from an earlier copy is left, so a second
/// copy writes nothing twice.
pub(crate) async fn copy_records(
    journal: &TeamJournal,
    lines: &[String],
    count: &mut CopyCount,
) -> Result<(), Failure> {
    for text in lines {
        let line: Line = decode(text)?;
        let digest = Sha256::digest(text.as_bytes());
        let id: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
        let time_ms = chimecall_model::clock::parse_rfc3339_ms(&line.time).unwrap_or(0);
        if journal
            .get(keys::record(time_ms, &id), "read a record")
            .await?
            .is_some()
        {
            count.already += 1;
            continue;
        }
        let written = journal.written(line.record, Some(line.time), Some(id))?;
        journal.write(written, true).await?;
        count.copied += 1;
    }
    Ok(())
}
