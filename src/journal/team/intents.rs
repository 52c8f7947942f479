//! Writing an intent on the team journal: in one transaction, the record, the dial, its
//! pointers, and what runners agree on through it: the claim on a bulk run's row attempt (no
//! other runner holds it), a `--max-active` place (the count below the cap), and the number's
//! head (`N#<number>`, `#head`: a count of the dials to the number, so a guard's look at the
//! number's calls holds until the intent lands: anyone's dial to the number meanwhile cancels
//! the transaction, and the guard looks again).

use aws_sdk_dynamodb::types::{
    Put, ReturnValuesOnConditionCheckFailure, TransactWriteItem, Update,
};

use super::items::{self, n, s};
use super::keys::{self, Key};
use super::writes::{Cancelled, Written};
use super::TeamJournal;
use crate::exit::{Exit, Failure};
use crate::journal::fold::DialEntry;
use crate::journal::record::Intent;
use crate::journal::store::{Claim, GuardTest};

/// Dials to the same number landing first, in a row, before a guarded intent gives up.
const MAX_GUARD_CONFLICTS: u32 = 20;

/// How an intent is written: a run's or a dial's (claimed, capped, guarded), or as history
/// (`journal copy`).
#[derive(Clone, Copy)]
pub(super) enum IntentMode<'a> {
    Dial {
        cap: Option<u32>,
        guard: Option<GuardTest<'a>>,
    },
    Copy,
}

/// Where in an intent's transaction the items with conditions are.
#[derive(Default)]
struct Conditions {
    claim: Option<usize>,
    cap: Option<usize>,
    head: Option<usize>,
}

impl TeamJournal {
    /// Writes an intent; what the claim, the cap and the guard said if it was not written.
    pub(super) async fn write_intent(
        &self,
        intent: &Intent,
        written: &Written,
        mode: IntentMode<'_>,
    ) -> Result<Claim, Failure> {
        if let Some(batch) = &intent.batch {
            keys::check_sizes(batch, intent.row.as_deref())
                .map_err(|problem| Failure::new(Exit::Usage, problem))?;
        }
        for _ in 0..MAX_GUARD_CONFLICTS {
            let seen = match mode {
                IntentMode::Dial {
                    guard: Some(guard), ..
                } => match self.guard_look(&intent.to, guard).await? {
                    Ok(seen) => Some(seen),
                    Err(held) => return Ok(held),
                },
                _ => None,
            };
            let (writes, at) = self.intent_writes(intent, written, mode, seen)?;
            match self.transact(writes, "write a dial's intent").await {
                Ok(()) => return Ok(self.won(intent, mode)),
                Err(Cancelled::Condition(0, _)) if matches!(mode, IntentMode::Copy) => {
                    return Ok(Claim::Won)
                }
                Err(Cancelled::Condition(i, old)) if Some(i) == at.claim => {
                    let holder = old.as_ref().and_then(|item| items::text(item, "runner"));
                    return Ok(Claim::TakenBy(
                        holder.unwrap_or("another runner").to_string(),
                    ));
                }
                Err(Cancelled::Condition(i, _)) if Some(i) == at.cap => return Ok(Claim::Full),
                // A dial to the number landed since the guard looked: look again.
                Err(Cancelled::Condition(i, _)) if Some(i) == at.head => continue,
                Err(Cancelled::Condition(i, _)) => return Err(self.unexpected_condition(i)),
                Err(Cancelled::Failure(failure)) => return Err(failure),
            }
        }
        Err(Failure::new(
            Exit::Failure,
            format!(
                "cannot write a dial's intent in the team journal dynamodb:{}: {MAX_GUARD_CONFLICTS} \
                 dials to {} landed first, one after the other",
                self.table, intent.to
            ),
        ))
    }

    /// The guard's look at the number: the head's count it saw (`Ok`), or the call is held.
    async fn guard_look(
        &self,
        to: &str,
        guard: GuardTest<'_>,
    ) -> Result<Result<i64, Claim>, Failure> {
        let head = self
            .get(keys::number_head(to), "read a number's calls")
            .await?;
        let seen = head
            .as_ref()
            .and_then(|item| items::number(item, "n"))
            .unwrap_or(0);
        let dials = self
            .list_since(&keys::number(to), Some(guard.since_ms))
            .await?;
        let now_ms = chimecall_model::clock::now_ms();
        Ok(match (guard.holds)(&dials, now_ms) {
            Some((until_ms, limit)) => Err(Claim::Held { until_ms, limit }),
            None => Ok(seen),
        })
    }

    /// The intent's transaction, and where its conditions are.
    fn intent_writes(
        &self,
        intent: &Intent,
        written: &Written,
        mode: IntentMode<'_>,
        seen: Option<i64>,
    ) -> Result<(Vec<TransactWriteItem>, Conditions), Failure> {
        let time_ms = written.time_ms;
        let entry = DialEntry::of_intent(intent, &written.line.time);
        let id = &intent.dial_id;
        let cap = match mode {
            IntentMode::Dial { cap, .. } => cap,
            IntentMode::Copy => None,
        };
        let counted_by = cap.is_some().then_some(self.runner.as_str());
        let mut writes = vec![
            TransactWriteItem::builder()
                .put(self.put_new(self.record_item(written, intent.batch.as_deref())))
                .build(),
            TransactWriteItem::builder()
                .put(self.put(self.dial_item(&entry, 1, counted_by)?))
                .build(),
            self.pointer(keys::pointer(keys::ALL_DIALS, time_ms, id), id),
            self.pointer(keys::pointer(keys::LIVE_DIALS, time_ms, id), id),
            self.pointer(keys::pointer(&keys::number(&intent.to), time_ms, id), id),
        ];
        let mut at = Conditions {
            head: seen.map(|_| writes.len()),
            ..Conditions::default()
        };
        writes.push(self.number_counted(&intent.to, seen));
        if let Some(batch) = &intent.batch {
            writes.push(self.pointer(keys::batch_dial(batch, time_ms, id), id));
            // Listed once per runner: the listing is an item every runner would otherwise
            // rewrite with every intent (a transaction conflict each time two meet).
            if !self.listed_here(batch) {
                writes.push(self.batch_listed(batch, &written.line.time));
            }
            if let Some(row) = &intent.row {
                at.claim = Some(writes.len());
                let claim = keys::claim(batch, row, intent.attempt.unwrap_or(1));
                writes.push(self.claim(claim, id, time_ms, mode));
            }
        }
        if let Some(cap) = cap {
            at.cap = Some(writes.len());
            writes.push(self.count_active(1, Some(cap)));
        }
        Ok((writes, at))
    }

    fn listed_here(&self, batch: &str) -> bool {
        self.listed_here
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .contains(batch)
    }

    fn won(&self, intent: &Intent, mode: IntentMode<'_>) -> Claim {
        if let Some(batch) = &intent.batch {
            self.listed_here
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(batch.clone());
        }
        if let IntentMode::Dial { cap: Some(_), .. } = mode {
            self.counted_here
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(intent.dial_id.clone());
        }
        Claim::Won
    }

    /// The number's head counts one more dial; after a guard's look (`seen`), only if nobody's
    /// dial to the number landed since.
    fn number_counted(&self, to: &str, seen: Option<i64>) -> TransactWriteItem {
        let update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(items::key_of(keys::number_head(to))));
        let update = match seen {
            None => update
                .update_expression("ADD n :one")
                .expression_attribute_values(":one", n(1)),
            Some(seen) => update
                .update_expression("SET n = :next")
                .condition_expression("attribute_not_exists(n) OR n = :seen")
                .expression_attribute_values(":next", n(seen + 1))
                .expression_attribute_values(":seen", n(seen)),
        };
        let update = update
            .build()
            .expect("an update has its table, key and expression");
        TransactWriteItem::builder().update(update).build()
    }

    fn claim(
        &self,
        key: Key,
        dial_id: &str,
        time_ms: i64,
        mode: IntentMode<'_>,
    ) -> TransactWriteItem {
        let runner = match mode {
            IntentMode::Dial { .. } => self.runner.clone(),
            IntentMode::Copy => "journal copy".to_string(),
        };
        let item = items::item(
            key,
            [
                ("runner", s(&runner)),
                ("dial", s(dial_id)),
                ("time_ms", n(time_ms)),
            ],
        );
        let put = match mode {
            // Its own reservation becomes its claim, and its own claim again (a throttled dial
            // sent anew) is still its own; another runner's, even a lapsed reservation, is not
            // taken here (only `reserve` takes a lapsed one over).
            IntentMode::Dial { .. } => Put::builder()
                .table_name(&self.table)
                .set_item(Some(item))
                .condition_expression("attribute_not_exists(pk) OR runner = :me")
                .expression_attribute_values(":me", s(&runner))
                .return_values_on_condition_check_failure(
                    ReturnValuesOnConditionCheckFailure::AllOld,
                )
                .build()
                .expect("a put has its table and item"),
            IntentMode::Copy => self.put(item),
        };
        TransactWriteItem::builder().put(put).build()
    }

    fn batch_listed(&self, batch: &str, time: &str) -> TransactWriteItem {
        let update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(items::key_of((keys::BATCHES.into(), batch.into()))))
            .update_expression("SET first_time = if_not_exists(first_time, :t)")
            .expression_attribute_values(":t", s(time))
            .build()
            .expect("an update has its table, key and expression");
        TransactWriteItem::builder().update(update).build()
    }
}
