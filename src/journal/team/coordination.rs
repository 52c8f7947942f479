//! What runners agree on through the table, each with a conditional write:
//!
//! - **One pace.** Starts are slots on one grid of `period` (1 s plus a jitter margin, over
//!   `--rate`): slot k may leave at k × period. A runner takes the first free slot not earlier
//!   than it could go, with a put that fails if the slot is taken, and waits for its time; so
//!   the runners together start at most one request per period, and never more than `--rate`
//!   in any second. Slots expire by TTL an hour later.
//! - **Who runs a batch.** A runner holds a lease on its batch (`B#<batch>`, `R#<runner>`),
//!   renewed while it runs: a run of a batch the journal already holds joins the runners
//!   still holding leases, instead of being refused as a re-run.

use std::sync::atomic::Ordering;

use super::faults;
use super::items::{self, s};
use super::keys;
use super::reads::Range;
use super::TeamJournal;
use crate::exit::Failure;
use crate::journal::store::{Answer, Coordination, Reservation, RowAttempt};

/// Lead time when taking a start slot, at least: a slot whose time is this close is not tried,
/// so the put lands before the slot's time has passed. Twice the last put's time when longer.
const MIN_LEAD_MS: i64 = 15;
const MAX_LEAD_MS: i64 = 1_000;
/// A slot taken this late may still be used: the slots' margin (`SHARED_MARGIN_US` in the
/// dialer, 50 ms a second) leaves room for it without more than `--rate` in any second.
const LATE_OK_MS: i64 = 5;
/// Slots tried one after the other before the search starts again from the clock.
const MAX_TRIES: u32 = 64;

impl Coordination for TeamJournal {
    fn reserve<'a>(&'a self, row: RowAttempt<'a>, hold_ms: i64) -> Answer<'a, Reservation> {
        Box::pin(self.reserve_row(row, hold_ms))
    }

    fn release<'a>(&'a self, row: RowAttempt<'a>) -> Answer<'a, ()> {
        Box::pin(self.release_row(row))
    }

    fn take_start(&self, period_us: u64, not_before_ms: i64) -> Answer<'_, i64> {
        Box::pin(async move {
            let period_us = period_us.max(1) as i64;
            // One search at a time in this process, from past the last slot it saw: its dials
            // do not race each other over the same slots, only other runners.
            let mut cursor = self.slot_cursor.lock().await;
            let mut lead_ms = self.slot_lead_ms.load(Ordering::Relaxed).max(MIN_LEAD_MS);
            loop {
                let now_ms = chimecall_model::clock::now_ms();
                let earliest_us = (now_ms.max(not_before_ms) + lead_ms) * 1000;
                let mut slot = (earliest_us + period_us - 1) / period_us;
                if cursor.0 == period_us {
                    slot = slot.max(cursor.1 + 1);
                }
                for _ in 0..MAX_TRIES {
                    *cursor = (period_us, slot);
                    let at_ms = slot * period_us / 1000;
                    let item = TeamJournal::expiring(
                        keys::start_slot(period_us as u64, slot),
                        at_ms,
                        vec![("runner", s(&self.runner))],
                    );
                    let sent_ms = chimecall_model::clock::now_ms();
                    let put = self
                        .client
                        .put_item()
                        .table_name(&self.table)
                        .set_item(Some(item))
                        .condition_expression("attribute_not_exists(pk)")
                        .send()
                        .await;
                    let answered_ms = chimecall_model::clock::now_ms();
                    lead_ms = (2 * (answered_ms - sent_ms)).clamp(MIN_LEAD_MS, MAX_LEAD_MS);
                    self.slot_lead_ms.store(lead_ms, Ordering::Relaxed);
                    match put {
                        Ok(_) if answered_ms <= at_ms + LATE_OK_MS => return Ok(at_ms),
                        // The put took longer than the lead: that slot's time has passed, and
                        // a later one is searched from the clock.
                        Ok(_) => break,
                        Err(error) if is_condition_failure(&error) => slot += 1,
                        Err(error) => {
                            return Err(faults::failure(&self.table, "take a start slot", &error))
                        }
                    }
                }
            }
        })
    }

    fn enter<'a>(&'a self, batch: &'a str, lease_ms: i64) -> Answer<'a, Vec<String>> {
        Box::pin(async move {
            keys::check_sizes(batch, None)
                .map_err(|problem| Failure::new(crate::exit::Exit::Usage, problem))?;
            let now_ms = chimecall_model::clock::now_ms();
            let lease = TeamJournal::expiring(
                keys::runner(batch, &self.runner),
                now_ms + lease_ms,
                vec![("runner", s(&self.runner))],
            );
            self.client
                .put_item()
                .table_name(&self.table)
                .set_item(Some(lease))
                .send()
                .await
                .map_err(|e| faults::failure(&self.table, "hold a lease on the batch", &e))?;
            let leases = self
                .query(&keys::batch(batch), Range::Prefix("R#"), None, None)
                .await?;
            Ok(leases
                .iter()
                .filter(|lease| {
                    items::number(lease, "until_ms").is_some_and(|until| until > now_ms)
                })
                .filter_map(|lease| items::text(lease, "runner"))
                .filter(|runner| *runner != self.runner)
                .map(str::to_string)
                .collect())
        })
    }

    fn leave<'a>(&'a self, batch: &'a str) -> Answer<'a, ()> {
        Box::pin(async move {
            self.give_back_mine().await?;
            self.client
                .delete_item()
                .table_name(&self.table)
                .set_key(Some(items::key_of(keys::runner(batch, &self.runner))))
                .send()
                .await
                .map_err(|e| faults::failure(&self.table, "give the batch's lease up", &e))?;
            Ok(())
        })
    }

    fn give_back_call<'a>(&'a self, transaction_id: &'a str) -> Answer<'a, ()> {
        Box::pin(async move {
            if let Some(dial_id) = self.dial_of(transaction_id).await? {
                self.give_back(&dial_id).await?;
            }
            Ok(())
        })
    }

    fn give_back_lapsed(&self) -> Answer<'_, u32> {
        Box::pin(TeamJournal::give_back_lapsed(self))
    }
}

fn is_condition_failure<R>(
    error: &aws_sdk_dynamodb::error::SdkError<
        aws_sdk_dynamodb::operation::put_item::PutItemError,
        R,
    >,
) -> bool {
    error
        .as_service_error()
        .is_some_and(|e| e.is_conditional_check_failed_exception())
}
