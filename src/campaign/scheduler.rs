//! The run's loop. It decides, one event at a time, what starts next: a redial that is due, a
//! row waiting for a call slot, or the file's next row; and it never lets the run have more
//! than `--max-active` calls live, learning from each call's HANGUP (through the pollers) when a
//! slot frees up. A dial the service refuses over its active-call quota was not acted on: the
//! row waits for a call to end (or, when the logs cannot tell, backs off) and goes again.
//! Runs that wait (`--wait ended`) follow every call to its end, print how it ended, and redial
//! the classes `--redial` names, each redial a decision journaled before its dial.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::io::Read;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use aws_config::SdkConfig;
use tokio::sync::{mpsc, Semaphore};
use tokio::time::Instant;

use super::dialer::{self, DialContext, Dialed};
use super::following::{self, Followed, Lost};
use super::job::Job;
use super::ledger::BatchLedger;
use super::plan::{self, RedialRules, RowPlan};
use super::printer::Printer;
use super::report::{EndReport, Line, RowReport};
use super::rows::{Row, RowReader};
use super::source;
use crate::call::{DialRequest, Disposition, DispositionKind, Success};
use crate::exit::Exit;
use crate::follow::{self as logs, LogSource, Pollers};
use crate::journal::{self, ErrorNote, Journal, Record, RedialNote};
use crate::output::Output;
use crate::pacing::Pacer;
use crate::placing::{DialResult, RowRef};
use crate::signals::StopWatch;
use crate::updates::{self, Target};

/// What the run was asked to do.
pub(crate) struct Settings {
    pub(crate) batch: String,
    pub(crate) concurrency: usize,
    /// At most this many calls live at once (0: no cap of chimecall's own).
    pub(crate) max_active: usize,
    /// Follow every call to its end (`--wait ended`), at most this long each.
    pub(crate) wait: Option<Duration>,
    pub(crate) rules: RedialRules,
    pub(crate) success: Success,
    pub(crate) hangup_on_interrupt: bool,
    pub(crate) request_id: bool,
    pub(crate) log_group: Option<String>,
    pub(crate) logs_rate: f64,
}

/// How the run ended, beyond what its lines say.
#[derive(Debug, Default)]
pub(crate) struct Ended {
    pub(crate) skipped_unknown: u64,
    pub(crate) interrupted: bool,
    pub(crate) unreadable_file: bool,
    /// Each row's final disposition (runs that wait).
    pub(crate) finals: BTreeMap<DispositionKind, u64>,
    /// Dials refused over the account's active-call quota (and sent again).
    pub(crate) over_quota: u64,
    /// The account stayed over its active-call quota: the run stopped (exit 4).
    pub(crate) gave_up_over_quota: bool,
}

/// What a dial task hands back.
struct DialDone {
    job: Job,
    dialed: Dialed,
}

pub(crate) struct Scheduler<'a> {
    settings: Settings,
    config: &'a SdkConfig,
    journal: Journal,
    output: Output,
    lines: mpsc::Sender<Line>,
    client: aws_sdk_chimesdkvoice::Client,
    pacer: Arc<Pacer>,
    slots: Arc<Semaphore>,
    stop: StopWatch,
    journal_broken: Arc<AtomicBool>,
    live_count: Arc<AtomicU64>,
    /// Rows still to read, and what the journal knows of them (`--resume`).
    reader: Option<RowReader<Box<dyn Read + Send>>>,
    bytes_read: Arc<AtomicU64>,
    history: Option<BatchLedger>,
    /// Jobs to start at a time: redials, rows backing off.
    due: BTreeMap<(Instant, u64), Job>,
    next_sequence: u64,
    /// Rows refused over the quota, waiting for a call of the run to end.
    waiting_for_slot: VecDeque<Job>,
    /// The next job, read and waiting for a slot.
    ready: Option<Job>,
    dials_in_flight: usize,
    dialed: (
        mpsc::UnboundedSender<DialDone>,
        mpsc::UnboundedReceiver<DialDone>,
    ),
    followed: (
        mpsc::UnboundedSender<Followed>,
        mpsc::UnboundedReceiver<Followed>,
    ),
    /// The run's calls live now, by TransactionId.
    live: HashMap<String, (Job, tokio::task::AbortHandle)>,
    pollers: Option<Pollers>,
    log_groups: HashMap<String, String>,
    /// The logs cannot tell when calls end: the cap is the service's answers.
    logs_unusable: bool,
    stopping: bool,
    ended: Ended,
}

impl<'a> Scheduler<'a> {
    #[allow(clippy::too_many_arguments)] // the run's settings, and what it reads and writes
    pub(crate) fn new(
        settings: Settings,
        reader: RowReader<Box<dyn Read + Send>>,
        bytes_read: Arc<AtomicU64>,
        history: Option<BatchLedger>,
        journal: Journal,
        config: &'a SdkConfig,
        printer: &Printer,
        live_count: Arc<AtomicU64>,
        rate: f64,
        output: &Output,
    ) -> Scheduler<'a> {
        let follows = settings.wait.is_some() || settings.max_active > 0;
        Scheduler {
            pollers: follows.then(|| Pollers::new(config, settings.logs_rate, None)),
            slots: Arc::new(Semaphore::new(settings.concurrency.max(1))),
            settings,
            config,
            journal,
            output: *output,
            lines: printer.sender(),
            client: crate::aws::voice_client(config),
            pacer: Arc::new(Pacer::new(rate)),
            stop: StopWatch::start(),
            journal_broken: Arc::new(AtomicBool::new(false)),
            live_count,
            reader: Some(reader),
            bytes_read,
            history,
            due: BTreeMap::new(),
            next_sequence: 0,
            waiting_for_slot: VecDeque::new(),
            ready: None,
            dials_in_flight: 0,
            dialed: mpsc::unbounded_channel(),
            followed: mpsc::unbounded_channel(),
            live: HashMap::new(),
            log_groups: HashMap::new(),
            logs_unusable: false,
            stopping: false,
            ended: Ended::default(),
        }
    }

    pub(crate) fn journal_broken(&self) -> bool {
        self.journal_broken.load(Ordering::SeqCst)
    }

    /// Runs until every row has been dialed (and, for runs that wait, has ended), or the run
    /// is stopped.
    pub(crate) async fn run(mut self, printer: &Printer) -> (Ended, bool) {
        loop {
            // The next job is read even while the cap holds it back: a run whose last row is
            // read knows it is done without waiting for a slot it will not use.
            loop {
                if self.ready.is_none() && self.may_read(printer) {
                    self.ready = self.next_job().await;
                }
                if self.ready.is_none() || !self.may_start(printer) {
                    break;
                }
                if let Some(job) = self.ready.take() {
                    self.start_dial(job);
                }
            }
            if self.finished() {
                break;
            }
            let wake = self
                .due
                .keys()
                .next()
                .map(|(at, _)| *at)
                .unwrap_or_else(|| Instant::now() + Duration::from_secs(3600));
            let stop = self.stop.clone();
            tokio::select! {
                Some(done) = self.dialed.1.recv() => self.dial_done(done).await,
                Some(followed) = self.followed.1.recv() => self.call_done(followed).await,
                _ = tokio::time::sleep_until(wake) => {}
                _ = stop.signalled(1), if !self.stopping => self.interrupt().await,
                _ = stop.signalled(2), if self.stopping && !self.live.is_empty() => {
                    self.output.note("stopped following: the calls still live are reported live");
                    self.abandon_live().await;
                }
            }
        }
        let broken = self.journal_broken();
        (self.ended, broken)
    }

    fn may_read(&self, printer: &Printer) -> bool {
        !(self.stopping || self.journal_broken() || printer.stdout_closed())
    }

    fn may_start(&self, printer: &Printer) -> bool {
        if !self.may_read(printer) {
            return false;
        }
        if self.dials_in_flight >= self.settings.concurrency.max(1) {
            return false;
        }
        let capped = self.settings.max_active > 0 && !self.logs_unusable;
        !capped || self.dials_in_flight + self.live.len() < self.settings.max_active
    }

    fn finished(&self) -> bool {
        if self.dials_in_flight > 0 {
            return false;
        }
        // Calls still live hold a run that waits; the others stop following them.
        let live_matters = self.settings.wait.is_some() && !self.live.is_empty();
        if self.stopping || self.journal_broken() {
            return !live_matters;
        }
        self.reader.is_none()
            && self.ready.is_none()
            && self.due.is_empty()
            && self.waiting_for_slot.is_empty()
            && !live_matters
    }

    /// The next job to start now: a due one, else the file's next dialable row.
    async fn next_job(&mut self) -> Option<Job> {
        let now = Instant::now();
        if let Some((&key, _)) = self.due.iter().next() {
            if key.0 <= now {
                return self.due.remove(&key);
            }
        }
        loop {
            let reader = self.reader.as_mut()?;
            let row = match reader.next_row() {
                None => {
                    self.reader = None;
                    return None;
                }
                Some(Err(failure)) => {
                    // The rest of the file cannot be read: what was dialed stands, the run failed.
                    self.output.error(&failure);
                    self.ended.unreadable_file = true;
                    self.reader = None;
                    return None;
                }
                Some(Ok(row)) => row,
            };
            self.bytes_read
                .store(reader.bytes_read(), Ordering::Relaxed);
            match source::needing_room_for_request_id(row, self.settings.request_id) {
                Row::Invalid {
                    line,
                    key,
                    to,
                    problem,
                } => {
                    self.send(Line::Placement(invalid(key, line, to, problem)))
                        .await
                }
                Row::Valid { line, key, request } => {
                    if let Some(job) = self.plan(key, line, request).await {
                        return Some(job);
                    }
                }
            }
        }
    }

    /// What to do with one valid row: a job to start now, or its plan carried out otherwise.
    async fn plan(&mut self, key: String, line: u64, request: DialRequest) -> Option<Job> {
        let known = self.history.as_ref().and_then(|h| h.rows.get(&key));
        let now_ms = chimecall_model::clock::now_ms();
        let job = |attempt, tries| Job {
            key: key.clone(),
            line,
            request: request.clone(),
            attempt,
            tries,
            refusals: 0,
        };
        match plan::plan_row(known, &request.to, &self.settings.rules, now_ms) {
            RowPlan::Dial { attempt, tries } => Some(job(attempt, tries)),
            RowPlan::Redial {
                attempt,
                not_before_ms,
                tries,
            } => {
                self.schedule(job(attempt, tries), not_before_ms - now_ms);
                None
            }
            RowPlan::DecideRedial {
                attempt,
                not_before_ms,
                because,
                tries,
            } => {
                let job = job(attempt, tries);
                if self.decide_redial(&job, not_before_ms, because).await {
                    self.schedule(job, not_before_ms - now_ms);
                }
                None
            }
            RowPlan::Follow {
                attempt,
                transaction_id,
                sma_id,
                since_ms,
                tries,
            } => {
                let mut job = job(attempt, tries);
                job.request.sma_id = sma_id;
                self.output.note(format!(
                    "row {key}: following its call {transaction_id} from before"
                ));
                self.follow(job, transaction_id, since_ms).await;
                None
            }
            RowPlan::Skip { unknown } => {
                if unknown {
                    self.ended.skipped_unknown += 1;
                }
                let report = RowReport {
                    row: key.clone(),
                    line,
                    to: Some(request.to.clone()),
                    outcome: "skipped",
                    transaction_id: None,
                    resolved_by: None,
                    error: None,
                    attempt: None,
                };
                self.send(Line::Placement(report)).await;
                None
            }
            RowPlan::Conflict { called } => {
                let problem = format!(
                    "line {line}: row key {key:?} called {called} before; give this row its own id"
                );
                let report = invalid(key.clone(), line, Some(request.to.clone()), problem);
                self.send(Line::Placement(report)).await;
                None
            }
        }
    }

    fn schedule(&mut self, job: Job, after_ms: i64) {
        let at = Instant::now() + Duration::from_millis(after_ms.max(0) as u64);
        self.next_sequence += 1;
        self.due.insert((at, self.next_sequence), job);
    }

    /// Journals the decision to dial a row again (before its dial, as every dial's intent is).
    async fn decide_redial(
        &mut self,
        job: &Job,
        not_before_ms: i64,
        because: DispositionKind,
    ) -> bool {
        let note = RedialNote {
            batch: self.settings.batch.clone(),
            row: job.key.clone(),
            line: job.line,
            to: job.request.to.clone(),
            attempt: job.attempt,
            not_before: chimecall_model::clock::rfc3339_ms(not_before_ms).unwrap_or_default(),
            because,
        };
        match self.journal.append(Record::Redial(note)).await {
            Ok(()) => true,
            Err(failure) => {
                self.output.error(failure);
                self.journal_broken.store(true, Ordering::SeqCst);
                false
            }
        }
    }

    fn start_dial(&mut self, job: Job) {
        self.dials_in_flight += 1;
        let client = self.client.clone();
        let journal = self.journal.clone();
        let pacer = Arc::clone(&self.pacer);
        let slots = Arc::clone(&self.slots);
        let stop = self.stop.clone();
        let journal_broken = Arc::clone(&self.journal_broken);
        let request_id = self.settings.request_id;
        let batch = self.settings.batch.clone();
        let done = self.dialed.0.clone();
        tokio::spawn(async move {
            let _slot = slots.acquire_owned().await;
            let started = tokio::select! {
                started = pacer.until_ready() => started,
                _ = stop.stopped() => {
                    let _ = done.send(DialDone { job, dialed: Dialed::NotSent });
                    return;
                }
            };
            // The run gave up over the quota while this row waited for its start.
            if pacer.gave_up() {
                let _ = done.send(DialDone {
                    job,
                    dialed: Dialed::NotSent,
                });
                return;
            }
            let context = DialContext {
                journal: &journal,
                client: &client,
                pacer: &pacer,
                request_id,
                interrupted: &stop,
                journal_broken: &journal_broken,
            };
            let row = RowRef {
                batch,
                row: job.key.clone(),
                line: job.line,
                attempt: job.attempt,
            };
            let dialed = dialer::place_row(&context, job.request.clone(), row, started).await;
            let _ = done.send(DialDone { job, dialed });
        });
    }

    async fn dial_done(&mut self, done: DialDone) {
        self.dials_in_flight -= 1;
        let DialDone { mut job, dialed } = done;
        match dialed {
            Dialed::NotSent => {}
            Dialed::JournalBroken { report } => self.send(Line::Placement(report)).await,
            Dialed::OverQuota { error, give_up } => {
                self.ended.over_quota += 1;
                job.refusals += 1;
                if give_up {
                    // The account stayed full with none of this run's calls ending: stop, and
                    // leave what was not dialed for --resume.
                    if !self.ended.gave_up_over_quota {
                        self.output.error(format!(
                            "the account stayed over its active-call quota through refusal after \
                             refusal: the run stops; rows not dialed are left for --resume\n{}",
                            error.advice().unwrap_or_default()
                        ));
                    }
                    self.ended.gave_up_over_quota = true;
                    self.stopping = true;
                    self.due.clear();
                    self.ready = None;
                    self.waiting_for_slot.clear();
                    let report = RowReport {
                        row: job.key.clone(),
                        line: job.line,
                        to: Some(job.request.to.clone()),
                        outcome: "failed",
                        transaction_id: None,
                        resolved_by: None,
                        error: Some(crate::placing::error_note(&error)),
                        attempt: Some(job.attempt),
                    };
                    self.send(Line::Placement(report)).await;
                    job.tries.not_placed += 1;
                    let disposition = Disposition::without_call(DispositionKind::NotPlaced);
                    self.attempt_ended(job, None, disposition).await;
                } else if !self.live.is_empty() && !self.logs_unusable {
                    // A call of the run will end: the row goes when it does.
                    self.waiting_for_slot.push_back(job);
                } else {
                    // Someone else's calls fill the quota, or the logs cannot say: the pacer
                    // pauses starts, probing the account once per pause.
                    tracing::info!(row = %job.key, "over the active-call quota: the row goes again after a pause");
                    self.schedule(job, 0);
                }
            }
            Dialed::Done { report, result } => {
                self.send(Line::Placement(report)).await;
                match result {
                    DialResult::Placed { transaction_id } => {
                        job.tries.placed += 1;
                        if self.pollers.is_some() && !self.logs_unusable {
                            let since_ms = chimecall_model::clock::now_ms() - 5_000;
                            self.follow(job, transaction_id, since_ms).await;
                        }
                    }
                    DialResult::Failed(error) => {
                        let class = if error.is_throttle() {
                            job.tries.not_placed += 1;
                            DispositionKind::NotPlaced
                        } else {
                            DispositionKind::Failed
                        };
                        self.attempt_ended(job, None, Disposition::without_call(class))
                            .await;
                    }
                    DialResult::Unknown(_) => {
                        job.tries.placed += 1;
                        let disposition = Disposition::without_call(DispositionKind::Unknown);
                        self.attempt_ended(job, None, disposition).await;
                    }
                }
            }
        }
    }

    /// Starts following a placed call (it counts as live until it ends).
    async fn follow(&mut self, job: Job, transaction_id: String, since_ms: i64) {
        let Some(pollers) = self.pollers.clone() else {
            return;
        };
        let group = match self.log_groups.get(&job.request.sma_id) {
            Some(group) => group.clone(),
            None => {
                let source = LogSource {
                    sma_id: Some(job.request.sma_id.clone()),
                    log_group: self.settings.log_group.clone(),
                    start_ms: since_ms,
                };
                match logs::log_group_of(&source, self.config).await {
                    Ok(group) => {
                        self.log_groups
                            .insert(job.request.sma_id.clone(), group.clone());
                        group
                    }
                    Err(failure) => {
                        self.logs_cannot_tell(&failure.to_string()).await;
                        return;
                    }
                }
            }
        };
        let watch = pollers.watch(&group, &transaction_id, since_ms);
        let task = tokio::spawn(following::follow(
            watch,
            job.clone(),
            self.settings.success.clone(),
            self.settings.wait,
            self.followed.0.clone(),
        ));
        self.live.insert(transaction_id, (job, task.abort_handle()));
        self.live_count
            .store(self.live.len() as u64, Ordering::Relaxed);
    }

    async fn call_done(&mut self, followed: Followed) {
        let (job, transaction_id, disposition, lost) = match followed {
            Followed::Ended {
                job,
                transaction_id,
                disposition,
            } => (job, transaction_id, disposition, None),
            Followed::Lost {
                job,
                transaction_id,
                why,
                disposition,
            } => (job, transaction_id, disposition, Some(why)),
        };
        if self.live.remove(&transaction_id).is_none() {
            return;
        }
        self.live_count
            .store(self.live.len() as u64, Ordering::Relaxed);
        // A slot is free: a row refused over the quota goes first.
        if let Some(waiting) = self.waiting_for_slot.pop_front() {
            self.schedule(waiting, 0);
        }
        match lost {
            None => {
                let noted = journal::record_phase(
                    &self.journal,
                    &transaction_id,
                    &crate::call::CallPhase::Ended {
                        answered: disposition.answered,
                        sip_response_code: disposition.sip_response_code.clone(),
                    },
                    Some(&disposition),
                    "dial --file",
                )
                .await;
                if let Err(failure) = noted {
                    self.output.error(failure);
                }
                self.attempt_ended(job, Some(transaction_id), disposition)
                    .await;
            }
            Some(Lost::TimedOut) => {
                self.output.note(format!(
                    "row {}: {transaction_id} not ended after --timeout: reported live",
                    job.key
                ));
                self.attempt_ended(job, Some(transaction_id), disposition)
                    .await;
            }
            Some(Lost::Unreadable(error)) => {
                self.logs_cannot_tell(&error.describe()).await;
                self.attempt_ended(job, Some(transaction_id), disposition)
                    .await;
            }
            Some(Lost::NoEvents) => {
                self.logs_cannot_tell(
                    "they hold no event of this run's calls (does the handler log each event it gets?)",
                )
                .await;
                self.attempt_ended(job, Some(transaction_id), disposition)
                    .await;
            }
        }
    }

    /// The logs cannot tell when calls end: said once; from now on the service's answers
    /// (ResourceLimitExceeded) pace the run, and calls still followed are reported live.
    async fn logs_cannot_tell(&mut self, why: &str) {
        if self.logs_unusable {
            return;
        }
        self.logs_unusable = true;
        self.output.note(format!(
            "warning: the handler's logs cannot tell when calls end ({why}): the run paces itself \
             by the service's answers (ResourceLimitExceededException) instead{}",
            if self.settings.wait.is_some() {
                ", and reports its calls live"
            } else {
                ""
            }
        ));
        for waiting in std::mem::take(&mut self.waiting_for_slot) {
            self.schedule(waiting, 0);
        }
        self.abandon_live().await;
    }

    /// Stops following every live call; a run that waits reports each as live.
    async fn abandon_live(&mut self) {
        let live: Vec<(String, (Job, tokio::task::AbortHandle))> = self.live.drain().collect();
        self.live_count.store(0, Ordering::Relaxed);
        for (transaction_id, (job, task)) in live {
            task.abort();
            self.attempt_ended(
                job,
                Some(transaction_id),
                Disposition::without_call(DispositionKind::Live),
            )
            .await;
        }
    }

    /// One attempt at a row has ended (or been given up): report it, then redial or settle.
    async fn attempt_ended(
        &mut self,
        job: Job,
        transaction_id: Option<String>,
        disposition: Disposition,
    ) {
        if self.settings.wait.is_some() {
            let end = EndReport::new(
                &job.key,
                job.line,
                &job.request.to,
                transaction_id,
                job.attempt,
                &disposition,
            );
            self.send(Line::End(end)).await;
        }
        let kind = disposition.disposition;
        let follows_redials = self.settings.wait.is_some() || kind == DispositionKind::NotPlaced;
        if !self.stopping && follows_redials && self.settings.rules.redials(kind, &job.tries) {
            let wait_ms = match kind {
                DispositionKind::NotPlaced => 0,
                _ => self.settings.rules.redial_after_ms,
            };
            let not_before_ms = chimecall_model::clock::now_ms() + wait_ms;
            let next = Job {
                attempt: job.attempt + 1,
                refusals: 0,
                ..job
            };
            if self.decide_redial(&next, not_before_ms, kind).await {
                self.schedule(next, wait_ms);
            }
            return;
        }
        *self.ended.finals.entry(kind).or_default() += 1;
    }

    /// The first Ctrl-C: no new dials; live calls are followed to their end (or hung up).
    async fn interrupt(&mut self) {
        self.stopping = true;
        self.ended.interrupted = true;
        self.due.clear();
        self.ready = None;
        self.waiting_for_slot.clear();
        if self.live.is_empty()
            || self.settings.wait.is_none() && !self.settings.hangup_on_interrupt
        {
            self.output
                .note("interrupted: no new calls start; waiting for the calls in flight");
            if self.settings.wait.is_none() {
                self.abandon_live().await;
            }
            return;
        }
        if self.settings.hangup_on_interrupt {
            self.output.note(format!(
                "interrupted: no new calls start; hanging up the run's {} live calls",
                self.live.len()
            ));
            let targets: Vec<Target> = self
                .live
                .iter()
                .map(|(transaction_id, (job, _))| Target {
                    sma_id: job.request.sma_id.clone(),
                    transaction_id: transaction_id.clone(),
                })
                .collect();
            let arguments = crate::updates::hangup_arguments();
            match updates::send_all(
                targets,
                arguments,
                updates::DEFAULT_UPDATE_RATE,
                self.config,
            )
            .await
            {
                Ok(answers) => {
                    for (target, answer) in answers {
                        if let Err(error) = answer {
                            if !error.is_not_found() {
                                self.output.error(updates::describe_failure(
                                    &target.transaction_id,
                                    &error,
                                ));
                            }
                        }
                    }
                }
                Err(failure) => self.output.error(failure),
            }
            if self.settings.wait.is_none() {
                self.abandon_live().await;
            }
            return;
        }
        self.output.note(format!(
            "interrupted: no new calls start; following the {} live calls to their end (Ctrl-C again to stop now)",
            self.live.len()
        ));
    }

    async fn send(&self, line: Line) {
        let _ = self.lines.send(line).await;
    }
}

/// The report of a row that was never sent.
pub(crate) fn invalid(key: String, line: u64, to: Option<String>, problem: String) -> RowReport {
    RowReport {
        row: key,
        line,
        to,
        outcome: "invalid",
        transaction_id: None,
        resolved_by: None,
        error: Some(ErrorNote {
            code: None,
            message: problem,
            request_id: None,
            exit_code: Exit::Usage.code(),
        }),
        attempt: None,
    }
}
