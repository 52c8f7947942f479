//! The run core's calls followed through the logs: each counts as live until it ends or is lost
//! from view. A row succeeds the moment its success is seen (the answer, the digits, the
//! acknowledgement key): the run no longer waits for that call, but follows it on while it
//! goes on, to learn how long it lasted; if it is still up when the run ends it is reported
//! with its success and `live`.

use super::{CallNews, Effect, Lost, News, Progress, RunState};
use crate::call::{Disposition, DispositionKind};
use crate::campaign::job::Job;

/// A call of the run, live now.
#[derive(Debug)]
pub(super) struct LiveCall {
    pub(super) job: Job,
    /// Its row succeeded (how, as it was seen); the run does not wait for its end.
    pub(super) succeeded: Option<Disposition>,
    /// `--until first`: another row succeeded and this call is being hung up.
    pub(super) cancelled: bool,
}

impl RunState {
    /// Starts following a placed call: it counts as live until its news says it is gone.
    pub(super) fn follow(&mut self, job: Job, transaction_id: String, since_ms: i64) {
        self.effects.push(Effect::Follow {
            transaction_id: transaction_id.clone(),
            sma_id: job.request.sma_id.clone(),
            since_ms,
        });
        let call = LiveCall {
            job,
            succeeded: None,
            cancelled: false,
        };
        self.live.insert(transaction_id, call);
    }

    pub(super) fn call_news(&mut self, now_ms: i64, news: CallNews) {
        let CallNews {
            transaction_id,
            disposition,
            news,
        } = news;
        if !self.live.contains_key(&transaction_id) {
            return;
        }
        match news {
            News::Answered => self.effects.push(Effect::JournalCall {
                transaction_id,
                progress: Progress::Answered,
                disposition,
            }),
            News::Succeeded => self.call_succeeded(now_ms, transaction_id, disposition),
            News::Ended | News::Lost(_) => {
                self.call_gone(now_ms, transaction_id, disposition, news)
            }
        }
    }

    /// The row's success is seen: it is done (counted now), whether the call goes on or not.
    fn call_succeeded(&mut self, now_ms: i64, transaction_id: String, disposition: Disposition) {
        let Some(call) = self.live.get_mut(&transaction_id) else {
            return;
        };
        if call.succeeded.is_some() {
            return;
        }
        let kind = disposition.disposition;
        call.succeeded = Some(disposition.clone());
        let job = call.job.clone();
        *self.outcome.finals.entry(kind).or_default() += 1;
        if kind == DispositionKind::Acknowledged {
            self.effects.push(Effect::JournalCall {
                transaction_id,
                progress: Progress::Acknowledged,
                disposition,
            });
        }
        self.row_settled(now_ms, &job, kind);
    }

    /// The call ended, or following it stopped: its slot is free.
    fn call_gone(
        &mut self,
        now_ms: i64,
        transaction_id: String,
        disposition: Disposition,
        news: News,
    ) {
        let Some(call) = self.live.remove(&transaction_id) else {
            return;
        };
        // A slot is free: a row refused over the quota goes first.
        if let Some(waiting) = self.waiting_for_slot.pop_front() {
            self.schedule(waiting, now_ms);
        }
        match &news {
            News::Ended => self.effects.push(Effect::JournalCall {
                transaction_id: transaction_id.clone(),
                progress: Progress::Ended,
                disposition: disposition.clone(),
            }),
            News::Lost(Lost::TimedOut) if call.succeeded.is_none() => self.note(format!(
                "row {}: {transaction_id} not ended after --timeout: reported live",
                call.job.key
            )),
            News::Lost(Lost::LogsCannotTell(why)) => self.logs_cannot_tell(now_ms, why),
            _ => {}
        }
        match call.succeeded {
            Some(success) => {
                let still_live = news != News::Ended;
                let shown = if still_live {
                    success
                } else {
                    // Its end, under the disposition it succeeded with.
                    Disposition {
                        disposition: success.disposition,
                        ..disposition
                    }
                };
                if self.policy.wait.is_some() {
                    self.print_end(&call.job, Some(transaction_id), &shown, still_live);
                }
            }
            // Hung up by `--until first`: its row ends cancelled, whatever the HANGUP says.
            None if call.cancelled => {
                let cancelled = Disposition {
                    disposition: DispositionKind::Cancelled,
                    ..disposition
                };
                self.journal_cancelled_call(&call.job);
                if self.policy.wait.is_some() {
                    self.print_end(
                        &call.job,
                        Some(transaction_id),
                        &cancelled,
                        news != News::Ended,
                    );
                }
                *self
                    .outcome
                    .finals
                    .entry(DispositionKind::Cancelled)
                    .or_default() += 1;
                self.row_settled(now_ms, &call.job, DispositionKind::Cancelled);
            }
            None => self.attempt_ended(now_ms, call.job, Some(transaction_id), disposition),
        }
    }

    /// The logs cannot tell when calls end: said once; from now on the service's answers
    /// (ResourceLimitExceeded) pace the run, and calls still followed are reported live.
    pub(super) fn logs_cannot_tell(&mut self, now_ms: i64, why: &str) {
        if self.logs_unusable {
            return;
        }
        self.logs_unusable = true;
        self.note(format!(
            "warning: the handler's logs cannot tell when calls end ({why}): the run paces itself \
             by the service's answers (ResourceLimitExceededException) instead{}",
            if self.policy.wait.is_some() {
                ", and reports its calls live"
            } else {
                ""
            }
        ));
        for waiting in std::mem::take(&mut self.waiting_for_slot) {
            self.schedule(waiting, now_ms);
        }
        self.abandon_live(now_ms);
    }

    /// Stops following every live call; a run that waits reports each as live (with its
    /// success, if its row succeeded).
    pub(super) fn abandon_live(&mut self, now_ms: i64) {
        for (transaction_id, call) in std::mem::take(&mut self.live) {
            self.effects
                .push(Effect::StopFollowing(transaction_id.clone()));
            match call.succeeded {
                Some(success) => {
                    if self.policy.wait.is_some() {
                        self.print_end(&call.job, Some(transaction_id), &success, true);
                    }
                }
                None => {
                    let live = Disposition::without_call(DispositionKind::Live);
                    self.attempt_ended(now_ms, call.job, Some(transaction_id), live);
                }
            }
        }
    }

    /// The run is finished: the calls of rows that succeeded and are still up are reported
    /// with their success and `live` (a run that waits), and no longer followed.
    pub(crate) fn wind_up(&mut self) -> Vec<Effect> {
        let live_at_end = self.live.len() as u64;
        let succeeded: Vec<String> = self
            .live
            .iter()
            .filter(|(_, call)| call.succeeded.is_some())
            .map(|(transaction_id, _)| transaction_id.clone())
            .collect();
        for transaction_id in succeeded {
            let Some(call) = self.live.remove(&transaction_id) else {
                continue;
            };
            self.effects
                .push(Effect::StopFollowing(transaction_id.clone()));
            if let (Some(success), Some(_)) = (call.succeeded, self.policy.wait) {
                self.print_end(&call.job, Some(transaction_id), &success, true);
            }
        }
        // Still live at the account: the summary counts them.
        self.outcome.tally.live = live_at_end;
        std::mem::take(&mut self.effects)
    }
}
