//! The live-call places of `--max-active` shared by runners: an intent of a capped run takes
//! one (the `ACTIVE` count goes up, under the cap, in the intent's transaction, and the dial
//! is marked `counted_by` its runner); the record that says the call ended gives it back in
//! the same way. Two more ways give places back, so no place is held by a call nobody follows:
//! a run that ends gives back those of its calls still up (it no longer follows them), and a
//! runner finding every place taken gives back those of runners whose lease has lapsed (killed).

use aws_sdk_dynamodb::types::TransactWriteItem;

use super::items::{self, Item};
use super::keys;
use super::reads::Range;
use super::writes::{decode, Cancelled};
use super::TeamJournal;
use crate::exit::Failure;
use crate::journal::fold::DialEntry;

/// Version conflicts in a row before giving a place back is left for later.
const MAX_CONFLICTS: u32 = 10;

impl TeamJournal {
    /// Gives back the place a dial holds, if it holds one: true if this did.
    pub(super) async fn give_back(&self, dial_id: &str) -> Result<bool, Failure> {
        for _ in 0..MAX_CONFLICTS {
            let Some(found) = self.get(keys::dial(dial_id), "read a dial").await? else {
                return Ok(false);
            };
            if items::text(&found, "counted_by").is_none() {
                return Ok(false);
            }
            let entry: DialEntry = decode(items::text(&found, "entry").unwrap_or("{}"))?;
            let version = items::number(&found, "ver").unwrap_or(0);
            let writes = vec![
                TransactWriteItem::builder()
                    .put(self.dial_put_versioned(&entry, version, None)?)
                    .build(),
                self.count_active(-1, None),
            ];
            match self.transact(writes, "give a live-call place back").await {
                Ok(()) => return Ok(true),
                Err(Cancelled::Condition(0, _)) => continue,
                Err(Cancelled::Condition(at, _)) => return Err(self.unexpected_condition(at)),
                Err(Cancelled::Failure(failure)) => return Err(failure),
            }
        }
        Ok(false)
    }

    /// The run is over: the places of its calls still up go back.
    pub(super) async fn give_back_mine(&self) -> Result<u32, Failure> {
        let mine: Vec<String> = self
            .counted_here
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .drain()
            .collect();
        let mut given = 0;
        for dial_id in mine {
            given += u32::from(self.give_back(&dial_id).await?);
        }
        Ok(given)
    }

    /// Every place is taken: those held by runners whose lease on their batch has lapsed go
    /// back (their runner was killed, and nobody follows those calls).
    pub(super) async fn give_back_lapsed(&self) -> Result<u32, Failure> {
        let now_ms = chimecall_model::clock::now_ms();
        let live = self.query(keys::LIVE_DIALS, Range::All, None, None).await?;
        let ids: Vec<&str> = live.iter().filter_map(|p| items::text(p, "dial")).collect();
        let mut given = 0;
        for chunk in ids.chunks(100) {
            for item in self.get_dial_items(chunk).await? {
                if self.holder_lapsed(&item, now_ms).await? {
                    let entry: DialEntry = decode(items::text(&item, "entry").unwrap_or("{}"))?;
                    given += u32::from(self.give_back(&entry.dial_id).await?);
                }
            }
        }
        Ok(given)
    }

    /// Whether the dial holds a place for another runner that no longer holds its batch.
    async fn holder_lapsed(&self, item: &Item, now_ms: i64) -> Result<bool, Failure> {
        let Some(runner) = items::text(item, "counted_by") else {
            return Ok(false);
        };
        if runner == self.runner {
            return Ok(false);
        }
        let entry: DialEntry = decode(items::text(item, "entry").unwrap_or("{}"))?;
        let Some(batch) = &entry.batch else {
            return Ok(true);
        };
        let lease = self
            .get(keys::runner(batch, runner), "read a runner's lease")
            .await?;
        let until_ms = lease
            .as_ref()
            .and_then(|lease| items::number(lease, "until_ms"));
        Ok(until_ms.is_none_or(|until| until <= now_ms))
    }
}
