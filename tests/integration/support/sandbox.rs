//! A real `chimecall sandbox --port 0` process for a test: started, its six export lines read,
//! its commands given its variables and a journal of their own, and killed when the test is done.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};

use serde_json::Value;

use super::{access_log, chimecall, fresh_dir, hermetic_command, signal, Journal};

/// A `chimecall sandbox --port 0` child process, killed on drop.
pub struct Sandbox {
    child: Child,
    /// Each sandbox's commands share a journal of their own, so tests never see each other's calls.
    journal: Journal,
    /// The six `export NAME=VALUE` lines the sandbox printed, parsed.
    pub env: BTreeMap<String, String>,
    /// Where it writes its access log (`--access-log`), if it was asked to.
    access_log: Option<PathBuf>,
    _stdout: BufReader<ChildStdout>,
}

impl Sandbox {
    pub fn start() -> Sandbox {
        Sandbox::start_with(&[])
    }

    pub fn start_with(extra_args: &[&str]) -> Sandbox {
        Sandbox::spawn(extra_args, Stdio::null(), None)
    }

    /// A sandbox whose stderr (its request log and warnings) goes to `stderr`.
    pub fn start_logging_to(extra_args: &[&str], stderr: &Path) -> Sandbox {
        let file = std::fs::File::create(stderr).expect("create the sandbox's stderr file");
        Sandbox::spawn(extra_args, Stdio::from(file), None)
    }

    /// A sandbox that writes an access log (one line per request, timed by its clock at
    /// arrival) to a file of the test's; read it with [`Sandbox::access_log`].
    pub fn start_with_access_log(extra_args: &[&str]) -> Sandbox {
        let log = fresh_dir("access-log").join("access.jsonl");
        let path = log.to_str().expect("a UTF-8 path").to_string();
        let mut args = vec!["--access-log", &path];
        args.extend_from_slice(extra_args);
        Sandbox::spawn(&args, Stdio::null(), Some(log))
    }

    fn spawn(extra_args: &[&str], stderr: Stdio, access_log: Option<PathBuf>) -> Sandbox {
        let mut child = chimecall()
            .args(["sandbox", "--port", "0"])
            .args(extra_args)
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("spawn chimecall sandbox");
        let mut stdout = BufReader::new(child.stdout.take().expect("sandbox stdout"));
        let mut env = BTreeMap::new();
        for _ in 0..6 {
            let mut line = String::new();
            stdout
                .read_line(&mut line)
                .expect("read sandbox export line");
            let rest = line
                .trim_end()
                .strip_prefix("export ")
                .unwrap_or_else(|| panic!("sandbox printed {line:?}, not an export line"));
            let (name, value) = rest.split_once('=').expect("NAME=VALUE");
            env.insert(name.to_string(), value.to_string());
        }
        Sandbox {
            child,
            journal: Journal::new(),
            env,
            access_log,
            _stdout: stdout,
        }
    }

    pub fn var(&self, name: &str) -> &str {
        self.env
            .get(name)
            .unwrap_or_else(|| panic!("sandbox did not export {name}"))
    }

    pub fn endpoint(&self) -> &str {
        self.var("AWS_ENDPOINT_URL")
    }

    pub fn sma_id(&self) -> &str {
        self.var("CHIMECALL_SMA_ID")
    }

    pub fn caller_id(&self) -> &str {
        self.var("CHIMECALL_FROM")
    }

    /// `chimecall` in the hermetic environment plus the sandbox's six variables, as after `eval`.
    pub fn chimecall(&self) -> Command {
        let mut cmd = self.journal.chimecall();
        cmd.envs(&self.env);
        cmd
    }

    /// The journal the sandbox's `chimecall()` commands write.
    pub fn journal(&self) -> PathBuf {
        self.journal.path().to_path_buf()
    }

    /// The journal the sandbox's `chimecall()` commands write, as JSON lines (`journal export`).
    pub fn journal_text(&self) -> String {
        self.journal.text()
    }

    /// The records of the journal the sandbox's `chimecall()` commands write.
    pub fn journal_records(&self) -> Vec<Value> {
        self.journal.records()
    }

    /// Where the access log is written (for a sandbox from [`Sandbox::start_with_access_log`]).
    pub fn access_log_path(&self) -> &Path {
        self.access_log
            .as_deref()
            .expect("a sandbox started with start_with_access_log")
    }

    /// Every line of the access log so far (a sandbox from [`Sandbox::start_with_access_log`]).
    pub fn access_log(&self) -> Vec<Value> {
        access_log::read(self.access_log_path())
    }

    /// The destination of every call the sandbox placed, from its own handler logs
    /// (one NEW_OUTBOUND_CALL per placed call), in no particular order.
    pub fn placed_destinations(&self) -> Vec<String> {
        self.placed_calls().into_iter().map(|(to, _)| to).collect()
    }

    /// (destination, TransactionId) of every call the sandbox placed, from its handler logs.
    pub fn placed_calls(&self) -> Vec<(String, String)> {
        let mut calls = Vec::new();
        for event in super::handler_events(self, "NEW_OUTBOUND_CALL") {
            let to = &event["CallDetails"]["Participants"][0]["To"];
            let tx = &event["CallDetails"]["TransactionId"];
            let call = (
                to.as_str().unwrap_or_default().to_string(),
                tx.as_str().unwrap_or_default().to_string(),
            );
            // A retried invocation logs the same event twice: one call.
            if !calls.contains(&call) {
                calls.push(call);
            }
        }
        calls
    }

    /// Waits (polling, up to 60 s) until the clock is `settle_ms` past the arrival of the last
    /// create in the access log, and the handler has logged the NEW_OUTBOUND_CALL of every call
    /// those creates placed (the log names it even when a fault hid the answer). From then on, a
    /// call logged now is proof for `resolve --settle` (up to `settle_ms`) that the logs' silence
    /// about a dial means it was not placed. For a sandbox from [`Sandbox::start_with_access_log`].
    pub fn wait_for_logs_past_creates(&self, settle_ms: i64) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        loop {
            let lines = self.access_log();
            let creates = access_log::of_operation(&lines, "CreateSipMediaApplicationCall");
            let last = creates
                .iter()
                .map(|line| access_log::arrived_ms(line))
                .max();
            let placed: std::collections::BTreeSet<&str> = creates
                .iter()
                .filter_map(|line| line["transaction_id"].as_str())
                .collect();
            let logged: std::collections::BTreeSet<String> = self
                .placed_calls()
                .into_iter()
                .map(|(_, transaction_id)| transaction_id)
                .collect();
            let unlogged: Vec<&&str> = placed.iter().filter(|tx| !logged.contains(**tx)).collect();
            let wait = last.map_or(0, |last| last + settle_ms - access_log::now_ms());
            if unlogged.is_empty() && wait <= 0 {
                return;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "calls placed but not logged after 60 s: {unlogged:?}"
            );
            std::thread::sleep(std::time::Duration::from_millis(wait.clamp(20, 200) as u64));
        }
    }

    /// Stops the sandbox as Ctrl-C would (SIGTERM), and waits until it has.
    pub fn stop(mut self) {
        signal(&self.child, "TERM");
        let _ = self.child.wait();
    }

    /// Any program (python, curl) with the hermetic environment plus the sandbox's variables.
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut cmd = hermetic_command(program);
        cmd.envs(&self.env);
        cmd
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
