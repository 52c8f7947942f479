//! Shared test plumbing: a hermetic environment, and a real sandbox process on an ephemeral port.
//!
//! Every command a test runs starts from an empty environment, so no ambient AWS configuration,
//! credentials, endpoint, HOME state or CHIMECALL_* setting can change what the test sees.
//!
//! Nor can two commands share state by accident: each gets a HOME and a journal of its own (see
//! [`hermetic_command`]). Commands that are meant to share a journal (dial, then `calls`,
//! `hangup --all` or `--resume`) say so: [`Sandbox::chimecall`] gives all of one sandbox's
//! commands its journal, and [`Journal`] does the same without a sandbox.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_chimecall");

/// The running test's scratch directory: libtest runs every test on a thread of its own, so this
/// thread-local is removed when the test has ended (after its sandboxes and other locals are
/// dropped), never while one of its commands may still run. (Built on a thread the test spawned,
/// a directory lasts as long as that thread.)
struct Scratch {
    dir: tempfile::TempDir,
    made: Cell<usize>,
}

thread_local! {
    static SCRATCH: Scratch = Scratch {
        dir: tempfile::Builder::new()
            .prefix("chimecall-test-")
            .tempdir()
            .expect("create the test's scratch directory"),
        made: Cell::new(0),
    };
}

/// A new, empty directory that lasts until the running test ends.
pub fn fresh_dir(what: &str) -> PathBuf {
    SCRATCH.with(|scratch| {
        let n = scratch.made.get() + 1;
        scratch.made.set(n);
        let dir = scratch.dir.path().join(format!("{n}-{what}"));
        std::fs::create_dir(&dir).expect("create a scratch directory");
        dir
    })
}

/// A journal that several commands share on purpose; it lasts until the running test ends.
#[derive(Clone)]
pub struct Journal {
    path: PathBuf,
}

impl Journal {
    pub fn new() -> Journal {
        Journal {
            path: fresh_dir("journal").join("journal.jsonl"),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// [`chimecall`] writing and reading this journal.
    pub fn chimecall(&self) -> Command {
        let mut cmd = chimecall();
        cmd.env("CHIMECALL_JOURNAL", &self.path);
        cmd
    }
}

/// `program` with nothing inherited but PATH: no AWS_*, no CHIMECALL_*, no IMDS, and a HOME and
/// a journal (CHIMECALL_JOURNAL) of its own, both new and empty, kept until the test ends.
pub fn hermetic_command(program: impl AsRef<std::ffi::OsStr>) -> Command {
    let dir = fresh_dir("command");
    let home = dir.join("home");
    std::fs::create_dir(&home).expect("create HOME");
    let mut cmd = Command::new(program);
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", &home)
        .env("CHIMECALL_JOURNAL", dir.join("journal.jsonl"))
        .env("AWS_CONFIG_FILE", home.join("no-such-aws-config"))
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            home.join("no-such-aws-credentials"),
        )
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null());
    cmd
}

/// `chimecall` in the hermetic environment: a HOME and a journal nothing else sees.
pub fn chimecall() -> Command {
    hermetic_command(BIN)
}

/// A `chimecall sandbox --port 0` child process, killed on drop.
pub struct Sandbox {
    child: Child,
    /// Each sandbox's commands share a journal of their own, so tests never see each other's calls.
    journal: Journal,
    /// The six `export NAME=VALUE` lines the sandbox printed, parsed.
    pub env: BTreeMap<String, String>,
    _stdout: BufReader<ChildStdout>,
}

impl Sandbox {
    pub fn start() -> Sandbox {
        Sandbox::start_with(&[])
    }

    pub fn start_with(extra_args: &[&str]) -> Sandbox {
        Sandbox::spawn(extra_args, Stdio::null())
    }

    /// A sandbox whose stderr (its request log and warnings) goes to `stderr`.
    pub fn start_logging_to(extra_args: &[&str], stderr: &Path) -> Sandbox {
        let file = std::fs::File::create(stderr).expect("create the sandbox's stderr file");
        Sandbox::spawn(extra_args, Stdio::from(file))
    }

    fn spawn(extra_args: &[&str], stderr: Stdio) -> Sandbox {
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

    /// The destination of every call the sandbox placed, from its own handler logs
    /// (one NEW_OUTBOUND_CALL per placed call), in no particular order.
    pub fn placed_destinations(&self) -> Vec<String> {
        self.placed_calls().into_iter().map(|(to, _)| to).collect()
    }

    /// (destination, TransactionId) of every call the sandbox placed, from its handler logs.
    pub fn placed_calls(&self) -> Vec<(String, String)> {
        let client = logs_client(self);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let mut destinations = Vec::new();
            let mut token: Option<String> = None;
            loop {
                let answer = client
                    .filter_log_events()
                    .log_group_name("/aws/lambda/chimecall-sandbox-handler")
                    .filter_pattern("\"NEW_OUTBOUND_CALL\"")
                    .set_next_token(token.clone())
                    .send()
                    .await;
                let page = match answer {
                    Ok(page) => page,
                    // No call has been logged yet: the group does not exist.
                    Err(error)
                        if error
                            .as_service_error()
                            .is_some_and(|e| e.is_resource_not_found_exception()) =>
                    {
                        return destinations
                    }
                    Err(error) => panic!("FilterLogEvents: {error:?}"),
                };
                for event in page.events() {
                    let message = event.message().unwrap_or_default();
                    let Some(start) = message.find('{') else {
                        continue;
                    };
                    let Ok(value) = serde_json::from_str::<serde_json::Value>(&message[start..])
                    else {
                        continue;
                    };
                    if value["InvocationEventType"] == "NEW_OUTBOUND_CALL" {
                        let to = &value["CallDetails"]["Participants"][0]["To"];
                        let tx = &value["CallDetails"]["TransactionId"];
                        let call = (
                            to.as_str().unwrap_or_default().to_string(),
                            tx.as_str().unwrap_or_default().to_string(),
                        );
                        // A retried invocation logs the same event twice: one call.
                        if !destinations.contains(&call) {
                            destinations.push(call);
                        }
                    }
                }
                match page.next_token() {
                    Some(next) => token = Some(next.to_string()),
                    None => return destinations,
                }
            }
        })
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

/// Output of a finished command, with the pieces tests look at.
pub struct Finished {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn run(cmd: &mut Command) -> Finished {
    let out = cmd.stdin(Stdio::null()).output().expect("run command");
    Finished {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

pub fn repo_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A CloudWatch Logs client pointed at the sandbox (the real SDK, as a handler author would use).
pub fn logs_client(sandbox: &Sandbox) -> aws_sdk_cloudwatchlogs::Client {
    let credentials = aws_credential_types::Credentials::new(
        sandbox.var("AWS_ACCESS_KEY_ID"),
        sandbox.var("AWS_SECRET_ACCESS_KEY"),
        None,
        None,
        "test",
    );
    let config = aws_sdk_cloudwatchlogs::Config::builder()
        .behavior_version(aws_sdk_cloudwatchlogs::config::BehaviorVersion::latest())
        .region(aws_sdk_cloudwatchlogs::config::Region::new(
            sandbox.var("AWS_REGION").to_string(),
        ))
        .endpoint_url(sandbox.endpoint())
        .credentials_provider(credentials)
        .build();
    aws_sdk_cloudwatchlogs::Client::from_conf(config)
}

/// Writes `lines` to a new stream of `group` (created if needed), as a handler's runtime would.
pub fn put_log_lines(sandbox: &Sandbox, group: &str, lines: &[String]) {
    let client = logs_client(sandbox);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let _ = client.create_log_group().log_group_name(group).send().await;
        let stream = format!("2026/11/29/[$LATEST]{}", std::process::id());
        let _ = client
            .create_log_stream()
            .log_group_name(group)
            .log_stream_name(&stream)
            .send()
            .await;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis() as i64;
        let events: Vec<_> = lines
            .iter()
            .enumerate()
            .map(|(i, line)| {
                aws_sdk_cloudwatchlogs::types::InputLogEvent::builder()
                    .timestamp(now + i as i64)
                    .message(line)
                    .build()
                    .unwrap()
            })
            .collect();
        client
            .put_log_events()
            .log_group_name(group)
            .log_stream_name(&stream)
            .set_log_events(Some(events))
            .send()
            .await
            .expect("PutLogEvents");
    });
}

/// Every JSON line of a command's stdout.
pub fn json_lines(stdout: &str) -> Vec<serde_json::Value> {
    stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line:?}")))
        .collect()
}

/// Sends `SIGINT`/`SIGTERM` (`name`: "INT", "TERM") to a running child, as a user's Ctrl-C or
/// a supervisor would.
pub fn signal(child: &Child, name: &str) {
    let status = Command::new("kill")
        .args([format!("-{name}"), child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(status.success(), "kill -{name} failed");
}
