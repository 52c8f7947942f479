//! The run's driver: it turns the world into events for the run core and carries the core's
//! effects out (rows read from the file, dials through the dialer, calls followed through the
//! pollers, lines through the printer, records through the journal). It decides nothing.

use std::collections::{HashMap, VecDeque};
use std::io::Read;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use aws_config::SdkConfig;
use tokio::sync::mpsc;
use tokio::task::AbortHandle;
use tokio::time::Instant;

use super::core::{
    CallNews, DialOutcome, Effect, Event, News, Progress, RowRead, RunOutcome, RunState,
};
use super::dialer::{self, DialContext};
use super::following;
use super::job::Job;
use super::printer::Printer;
use super::rows::RowReader;
use super::run_clock::RunClock;
use crate::call::{CallPhase, Disposition};
use crate::follow::{self, LogSource, Pollers};
use crate::journal::{self, Record};
use crate::output::Output;
use crate::updates::{self, Target};

/// Where the run's calls are followed: the pollers, and the log group named (`--log-group`),
/// else each SMA's handler's.
pub(crate) struct Following {
    pub(crate) pollers: Pollers,
    pub(crate) log_group: Option<String>,
}

pub(crate) struct Driver<'a> {
    pub(crate) core: RunState,
    pub(crate) rows: RowReader<Box<dyn Read + Send>>,
    pub(crate) bytes_read: Arc<AtomicU64>,
    pub(crate) dialing: Arc<DialContext>,
    pub(crate) following: Option<Following>,
    pub(crate) printer: &'a Printer,
    pub(crate) output: Output,
    pub(crate) config: &'a SdkConfig,
}

/// The channels tasks answer on, and the follow tasks to abort.
struct Inboxes {
    dialed: mpsc::UnboundedSender<(Job, DialOutcome)>,
    dialed_in: mpsc::UnboundedReceiver<(Job, DialOutcome)>,
    news: mpsc::UnboundedSender<CallNews>,
    news_in: mpsc::UnboundedReceiver<CallNews>,
    hung_up: mpsc::UnboundedSender<()>,
    hung_up_in: mpsc::UnboundedReceiver<()>,
    follow_tasks: HashMap<String, AbortHandle>,
}

impl Driver<'_> {
    /// Runs until the core says the run is finished; its outcome.
    pub(crate) async fn run(mut self) -> RunOutcome {
        let clock = RunClock {
            started: Instant::now(),
            started_ms: chimecall_model::clock::now_ms(),
        };
        let (dialed, dialed_in) = mpsc::unbounded_channel();
        let (news, news_in) = mpsc::unbounded_channel();
        let (hung_up, hung_up_in) = mpsc::unbounded_channel();
        let mut inboxes = Inboxes {
            dialed,
            dialed_in,
            news,
            news_in,
            hung_up,
            hung_up_in,
            follow_tasks: HashMap::new(),
        };
        let stop = self.dialing.stop.clone();
        let mut signals_seen = 0;
        let mut stdout_closed = false;
        let mut pending = VecDeque::from([Event::Tick]);
        loop {
            while let Some(event) = pending.pop_front() {
                for effect in self.core.handle(clock.now_ms(), event) {
                    pending.extend(self.carry_out(effect, &mut inboxes).await);
                }
            }
            if self.core.is_finished() {
                break;
            }
            let wake = self.core.next_due_ms().map_or_else(
                || Instant::now() + Duration::from_secs(3600),
                |at_ms| clock.instant_of(at_ms),
            );
            let event = tokio::select! {
                Some((job, outcome)) = inboxes.dialed_in.recv() => Event::Dialed(job, outcome),
                Some(news) = inboxes.news_in.recv() => {
                    if matches!(news.news, News::Lost(_)) {
                        self.no_longer_followed(news.transaction_id.clone());
                    }
                    Event::CallNews(news)
                }
                Some(()) = inboxes.hung_up_in.recv() => Event::HangUpsDone,
                _ = tokio::time::sleep_until(wake) => Event::Tick,
                _ = stop.signalled(signals_seen + 1) => {
                    signals_seen = stop.signals();
                    Event::Interrupted { signals: signals_seen }
                }
            };
            pending.push_back(event);
            if !stdout_closed && self.printer.stdout_closed() {
                stdout_closed = true;
                pending.push_back(Event::StdoutClosed);
            }
        }
        for effect in self.core.wind_up() {
            self.carry_out(effect, &mut inboxes).await;
        }
        for task in inboxes.follow_tasks.values() {
            task.abort();
        }
        self.core.into_outcome()
    }

    /// Carries one effect out; some are answered at once with an event.
    async fn carry_out(&mut self, effect: Effect, inboxes: &mut Inboxes) -> Option<Event> {
        match effect {
            Effect::ReadRow => return Some(Event::RowRead(self.read_row())),
            Effect::Dial(job) => {
                let (context, dialed) = (Arc::clone(&self.dialing), inboxes.dialed.clone());
                tokio::spawn(async move {
                    let outcome = dialer::dial(&context, &job).await;
                    let _ = dialed.send((job, outcome));
                });
            }
            Effect::Follow {
                transaction_id,
                sma_id,
                since_ms,
            } => return self.follow(transaction_id, sma_id, since_ms, inboxes).await,
            Effect::StopFollowing(transaction_id) => {
                if let Some(task) = inboxes.follow_tasks.remove(&transaction_id) {
                    task.abort();
                }
                self.no_longer_followed(transaction_id);
            }
            Effect::Print(line) => {
                let tally = self.core.outcome().tally.clone();
                self.printer.print(line, tally).await;
            }
            Effect::Note(text) => self.output.note(text),
            Effect::Error(text) => self.output.error(text),
            Effect::JournalRedial {
                note,
                job,
                not_before_ms,
            } => {
                return Some(
                    match self.dialing.journal.append(Record::Redial(note)).await {
                        Ok(()) => Event::RedialJournaled(job, not_before_ms),
                        Err(failure) => {
                            self.output.error(&failure);
                            self.dialing.journal_broken.store(true, Ordering::Relaxed);
                            Event::JournalFailed(failure.into())
                        }
                    },
                )
            }
            Effect::JournalCall {
                transaction_id,
                progress,
                disposition,
            } => {
                return self
                    .journal_call(&transaction_id, progress, &disposition)
                    .await
            }
            Effect::HangUp(targets) => {
                let (config, output, done) =
                    (self.config.clone(), self.output, inboxes.hung_up.clone());
                tokio::spawn(async move {
                    hang_up(targets, &config, &output).await;
                    let _ = done.send(());
                });
            }
            Effect::JournalSettled(note) => {
                if let Err(failure) = self.dialing.journal.append(Record::Settled(note)).await {
                    self.output.error(&failure);
                    self.dialing.journal_broken.store(true, Ordering::Relaxed);
                    return Some(Event::JournalFailed(failure.into()));
                }
            }
        }
        None
    }

    fn read_row(&mut self) -> RowRead {
        let read = match self.rows.next_row() {
            None => RowRead::End,
            Some(Err(failure)) => RowRead::Unreadable(failure.message),
            Some(Ok(row)) => RowRead::Row(row),
        };
        self.bytes_read
            .store(self.rows.bytes_read(), Ordering::Relaxed);
        read
    }

    /// Starts following a call: its log group (found once per SMA in the process), then a task
    /// on its watch.
    async fn follow(
        &mut self,
        transaction_id: String,
        sma_id: String,
        since_ms: i64,
        inboxes: &mut Inboxes,
    ) -> Option<Event> {
        let following = self.following.as_ref()?;
        let source = LogSource {
            sma_id: Some(sma_id),
            log_group: following.log_group.clone(),
            start_ms: since_ms,
        };
        let group = match follow::log_group_of(&source, self.config).await {
            Ok(group) => group,
            Err(failure) => {
                let why = failure.to_string();
                return Some(Event::FollowFailed { why });
            }
        };
        let watch = following.pollers.watch(&group, &transaction_id, since_ms);
        let policy = self.core.policy();
        let (success, limit) = (policy.success.clone(), policy.wait);
        let task = tokio::spawn(following::follow(
            watch,
            success,
            limit,
            inboxes.news.clone(),
        ));
        inboxes
            .follow_tasks
            .insert(transaction_id, task.abort_handle());
        None
    }

    /// The run stopped following a call that may go on: on a team journal its `--max-active`
    /// place goes back (a failure leaves it to the run's end, which gives back the rest).
    fn no_longer_followed(&self, transaction_id: String) {
        if !self.dialing.journal.is_shared() {
            return;
        }
        let journal = self.dialing.journal.clone();
        tokio::spawn(async move {
            if let Some(team) = journal.coordination() {
                let _ = team.give_back_call(&transaction_id).await;
            }
        });
    }

    /// Journals what a call did: answered and acknowledged as they happen (`calls --active`
    /// shows them), its end with its disposition.
    async fn journal_call(
        &self,
        transaction_id: &str,
        progress: Progress,
        disposition: &Disposition,
    ) -> Option<Event> {
        let journal = &self.dialing.journal;
        let source = "dial --file";
        let noted = match progress {
            Progress::Answered => {
                journal::record_phase(journal, transaction_id, &CallPhase::Answered, None, source)
                    .await
            }
            Progress::Acknowledged => {
                journal::record_acknowledged(journal, transaction_id, source).await
            }
            Progress::Ended => {
                let phase = CallPhase::Ended {
                    answered: disposition.answered,
                    sip_response_code: disposition.sip_response_code.clone(),
                };
                journal::record_phase(journal, transaction_id, &phase, Some(disposition), source)
                    .await
            }
        };
        let failure = noted.err()?;
        self.output.error(&failure);
        self.dialing.journal_broken.store(true, Ordering::Relaxed);
        Some(Event::CallRecordFailed(failure.into()))
    }
}

/// Hangs the calls up (`--hangup-on-interrupt`, `--until first`), at the update quota's pace;
/// a call that has already ended is not a failure.
async fn hang_up(targets: Vec<Target>, config: &SdkConfig, output: &Output) {
    let arguments = updates::hangup_arguments();
    let rate = updates::DEFAULT_UPDATE_RATE;
    match updates::send_all(targets, arguments, rate, config).await {
        Ok(answers) => {
            for (target, answer) in answers {
                match answer {
                    Err(error) if !error.is_not_found() => {
                        output.error(updates::describe_failure(&target.transaction_id, &error))
                    }
                    _ => {}
                }
            }
        }
        Err(failure) => output.error(failure),
    }
}
