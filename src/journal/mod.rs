//! The durable record of every call chimecall tried to place.
//!
//! Every dial writes an `intent` record BEFORE its request is sent and an `outcome` record after
//! (placed with its TransactionId, failed, or unknown), and later `state` records when chimecall
//! learns how a call went; bulk runs add `redial` decisions. A record is durable before the
//! command reports it, and several processes can write at once.
//!
//! The pieces: `record` the records (and their JSON, which `journal export` writes), `fold` what a
//! dial's records add up to, `store` what a journal must answer (the interface a shared journal
//! implements too), `local` the SQLite journal, `location` which file a path means (and an old
//! JSON-lines journal to import).

mod fold;
mod local;
mod location;
mod record;
mod store;
mod team;

use std::ops::Deref;
use std::path::Path;
use std::sync::Arc;

use crate::call::{CallPhase, Disposition};
use crate::exit::Failure;

#[cfg(test)]
pub(crate) use fold::dials;
pub(crate) use fold::DialEntry;
pub(crate) use location::{default_path, JournalLocation};
#[cfg(test)]
pub(crate) use record::Line;
pub(crate) use record::{
    mask_values, ErrorNote, Intent, Outcome, OutcomeKind, Record, RedialNote, SettledNote,
    StateNote,
};
pub(crate) use store::{
    BatchRecords, Claim, ExportFilter, GuardTest, JournalStore, Reservation, RowAttempt,
};
pub(crate) use team::{copy_records, create_table, CopyCount, Created, TeamJournal};

/// An open journal: what commands hold. Cloning shares it (and its one writer). Its questions
/// are the `JournalStore` methods.
#[derive(Clone)]
pub(crate) struct Journal {
    store: Arc<dyn JournalStore>,
}

impl Journal {
    /// Opens the journal at `path` (creating it and its directory if needed).
    pub(crate) fn open(path: &Path) -> Result<Journal, Failure> {
        Ok(Journal {
            store: Arc::new(local::LocalJournal::open(path)?),
        })
    }

    /// The team journal in a DynamoDB table, checked to be one.
    pub(crate) async fn open_team(
        client: aws_sdk_dynamodb::Client,
        table: &str,
    ) -> Result<Journal, Failure> {
        Ok(Journal {
            store: Arc::new(team::TeamJournal::open(client, table).await?),
        })
    }

    /// The journal's file, on this machine: lock files go beside it.
    pub(crate) fn path(&self) -> Option<&Path> {
        self.store.local_file()
    }

    /// Whether runners on other machines share this journal.
    pub(crate) fn is_shared(&self) -> bool {
        self.store.coordination().is_some()
    }
}

impl Deref for Journal {
    type Target = dyn JournalStore;

    fn deref(&self) -> &Self::Target {
        self.store.as_ref()
    }
}

/// Notes in the journal what following a call learned: that it was answered, or how it ended
/// (with its disposition when known). Earlier phases teach nothing worth a record.
pub(crate) async fn record_phase(
    journal: &Journal,
    transaction_id: &str,
    phase: &CallPhase,
    disposition: Option<&Disposition>,
    source: &str,
) -> Result<(), Failure> {
    let mut note = match phase {
        CallPhase::Answered => {
            let mut note = StateNote::new(transaction_id, "answered", source);
            note.answered = Some(true);
            note
        }
        CallPhase::Ended {
            answered,
            sip_response_code,
        } => {
            let mut note = StateNote::new(transaction_id, "ended", source);
            note.answered = Some(*answered);
            note.sip_response_code = sip_response_code.clone();
            note
        }
        _ => return Ok(()),
    };
    if let Some(disposition) = disposition {
        note = note.with_disposition(disposition);
    }
    journal.append(Record::State(note)).await
}

/// Notes in the journal that a call's callee pressed the acknowledgement key (`--ack`): the call
/// may go on, but its row has succeeded.
pub(crate) async fn record_acknowledged(
    journal: &Journal,
    transaction_id: &str,
    source: &str,
) -> Result<(), Failure> {
    let mut note = StateNote::new(transaction_id, "acknowledged", source);
    note.answered = Some(true);
    journal.append(Record::State(note)).await
}

#[cfg(test)]
mod tests;
