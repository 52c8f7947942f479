//! Reading the team journal: Queries on one partition at a time and BatchGetItem for the dials
//! a list points at, all strongly consistent (a runner reads what another wrote a moment ago).

use std::collections::HashMap;

use aws_sdk_dynamodb::types::{AttributeValue, KeysAndAttributes};

use super::faults;
use super::items::{self, s, Item};
use super::keys::{self, SK};
use super::writes::decode;
use super::TeamJournal;
use crate::exit::Failure;
use crate::journal::fold::DialEntry;

/// Keys BatchGetItem takes at once.
const BATCH_GET: usize = 100;
/// BatchGetItem rounds for the keys the table left unprocessed (throttled), at most.
const MAX_UNPROCESSED_ROUNDS: u32 = 12;

/// Which part of a partition a query reads.
pub(super) enum Range<'a> {
    All,
    /// Sort keys starting with this.
    Prefix(&'a str),
    /// Sort keys at or after this.
    From(&'a str),
    /// Sort keys after this.
    After(&'a str),
}

impl TeamJournal {
    /// Every item of a partition (in the range), in sort key order; with `filter_batch`, only
    /// those whose `batch` is it; at most `limit` when given (the last one's sort key says where
    /// to go on).
    pub(super) async fn query(
        &self,
        pk: &str,
        range: Range<'_>,
        filter_batch: Option<&str>,
        limit: Option<usize>,
    ) -> Result<Vec<Item>, Failure> {
        let mut found = Vec::new();
        let mut start: Option<Item> = None;
        loop {
            let mut query = self
                .client
                .query()
                .table_name(&self.table)
                .consistent_read(true)
                .expression_attribute_values(":pk", s(pk))
                .set_exclusive_start_key(start.take());
            query = match range {
                Range::All => query.key_condition_expression("pk = :pk"),
                Range::Prefix(prefix) => query
                    .key_condition_expression("pk = :pk AND begins_with(sk, :sk)")
                    .expression_attribute_values(":sk", s(prefix)),
                Range::From(from) => query
                    .key_condition_expression("pk = :pk AND sk >= :sk")
                    .expression_attribute_values(":sk", s(from)),
                Range::After(after) => query
                    .key_condition_expression("pk = :pk AND sk > :sk")
                    .expression_attribute_values(":sk", s(after)),
            };
            if let Some(batch) = filter_batch {
                query = query
                    // `batch` is one of DynamoDB's reserved words: named through `#batch`.
                    .filter_expression("#batch = :batch")
                    .expression_attribute_names("#batch", "batch")
                    .expression_attribute_values(":batch", s(batch));
            }
            let page = query
                .send()
                .await
                .map_err(|e| faults::failure(&self.table, "read the journal", &e))?;
            found.extend(page.items.unwrap_or_default());
            if let Some(limit) = limit {
                if found.len() >= limit {
                    found.truncate(limit);
                    return Ok(found);
                }
            }
            match page.last_evaluated_key {
                Some(key) if !key.is_empty() => start = Some(key),
                _ => return Ok(found),
            }
        }
    }

    /// The dials a list's pointers name, in the list's order (a dial gone is left out).
    pub(super) async fn dials_of(&self, pointers: &[Item]) -> Result<Vec<DialEntry>, Failure> {
        let ids: Vec<&str> = pointers
            .iter()
            .filter_map(|pointer| items::text(pointer, "dial"))
            .collect();
        let mut by_id: HashMap<String, DialEntry> = HashMap::new();
        for chunk in ids.chunks(BATCH_GET) {
            for item in self.get_many(chunk).await? {
                if let Some(entry) = items::text(&item, "entry") {
                    let entry: DialEntry = decode(entry)?;
                    by_id.insert(entry.dial_id.clone(), entry);
                }
            }
        }
        Ok(ids.iter().filter_map(|id| by_id.remove(*id)).collect())
    }

    /// The dial items of these ids (at most [`BATCH_GET`]), whatever the table left unprocessed
    /// asked again.
    pub(super) async fn get_dial_items(&self, ids: &[&str]) -> Result<Vec<Item>, Failure> {
        self.get_many(ids).await
    }

    async fn get_many(&self, ids: &[&str]) -> Result<Vec<Item>, Failure> {
        let mut unique: Vec<&str> = ids.to_vec();
        unique.sort_unstable();
        unique.dedup();
        let mut keys: Vec<HashMap<String, AttributeValue>> = unique
            .iter()
            .map(|id| items::key_of(keys::dial(id)))
            .collect();
        let mut found = Vec::new();
        let mut pause = std::time::Duration::from_millis(50);
        let mut rounds = 0;
        while !keys.is_empty() {
            rounds += 1;
            if rounds > MAX_UNPROCESSED_ROUNDS {
                return Err(faults::failure_of(
                    &self.table,
                    "read dials",
                    faults::Fault::Throttled,
                    &format!(
                        "{} keys still unprocessed after {MAX_UNPROCESSED_ROUNDS} tries",
                        keys.len()
                    ),
                ));
            }
            let wanted = KeysAndAttributes::builder()
                .set_keys(Some(std::mem::take(&mut keys)))
                .consistent_read(true)
                .build()
                .expect("keys are set");
            let answer = self
                .client
                .batch_get_item()
                .request_items(&self.table, wanted)
                .send()
                .await
                .map_err(|e| faults::failure(&self.table, "read dials", &e))?;
            if let Some(mut responses) = answer.responses {
                found.extend(responses.remove(&self.table).unwrap_or_default());
            }
            if let Some(mut left) = answer.unprocessed_keys {
                if let Some(left) = left.remove(&self.table) {
                    keys = left.keys;
                }
            }
            if !keys.is_empty() {
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(std::time::Duration::from_secs(2));
            }
        }
        Ok(found)
    }

    /// When the batch's last dial started (its last pointer's time), if it has one.
    pub(super) async fn last_dial_ms(&self, batch: &str) -> Result<Option<i64>, Failure> {
        let page = self
            .client
            .query()
            .table_name(&self.table)
            .consistent_read(true)
            .key_condition_expression("pk = :pk AND begins_with(sk, :sk)")
            .expression_attribute_values(":pk", s(keys::batch(batch)))
            .expression_attribute_values(":sk", s("D#"))
            .scan_index_forward(false)
            .limit(1)
            .send()
            .await
            .map_err(|e| faults::failure(&self.table, "read the journal", &e))?;
        Ok(page
            .items
            .unwrap_or_default()
            .first()
            .and_then(|item| items::text(item, SK))
            .and_then(|sk| sk.strip_prefix("D#"))
            .and_then(|rest| rest.split('#').next())
            .and_then(|time| time.parse().ok()))
    }

    /// The dials of a time-ordered list (`A`, `L`, `N#…`) started at or after `since_ms`.
    pub(super) async fn list_since(
        &self,
        list: &str,
        since_ms: Option<i64>,
    ) -> Result<Vec<DialEntry>, Failure> {
        let from = since_ms.map(keys::time);
        let range = match &from {
            Some(from) => Range::From(from),
            None => Range::All,
        };
        let pointers = self.query(list, range, None, None).await?;
        self.dials_of(&pointers).await
    }
}
