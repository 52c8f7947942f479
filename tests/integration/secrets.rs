//! Secrets and exposure: no access key, secret key, session token or signature in any output, at
//! any verbosity, in --dry-run or in the journal, on either side (chimecall and the sandbox); and
//! `--redact`, which masks phone numbers in everything for people.
//!
//! Every request goes through a recording proxy, so the tests know the exact signatures and
//! credential scopes that were sent, and look for those, not only for their shape.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::{Arc, Mutex};

use crate::support::{chimecall, journal_export, json_lines, run, Finished};

/// A session token nobody could mistake for anything else; the sandbox accepts any token (it is
/// signed with the rest).
const SESSION_TOKEN: &str = "FwoGZXIvYXdzEChimecallSessionTokenMustNeverBePrinted7f3a9c0d";

/// A `chimecall -vv sandbox` (or another verbosity) whose stderr is kept in a file.
struct LoggedSandbox {
    child: Child,
    stdout: BufReader<ChildStdout>,
    dir: tempfile::TempDir,
    env: BTreeMap<String, String>,
}

impl LoggedSandbox {
    fn start(global: &[&str]) -> LoggedSandbox {
        let dir = tempfile::tempdir().unwrap();
        let stderr = std::fs::File::create(dir.path().join("sandbox.stderr")).unwrap();
        let mut child = chimecall()
            .args(global)
            .args(["sandbox", "--port", "0", "--answer-after", "200ms"])
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut env = BTreeMap::new();
        for _ in 0..6 {
            let mut line = String::new();
            stdout.read_line(&mut line).unwrap();
            let (name, value) = line
                .trim_end()
                .strip_prefix("export ")
                .and_then(|rest| rest.split_once('='))
                .unwrap_or_else(|| panic!("not an export line: {line:?}"));
            env.insert(name.to_string(), value.to_string());
        }
        LoggedSandbox {
            child,
            stdout,
            dir,
            env,
        }
    }

    fn var(&self, name: &str) -> &str {
        &self.env[name]
    }

    fn journal(&self) -> PathBuf {
        self.dir.path().join("journal.sqlite3")
    }

    /// chimecall as after `eval "$(chimecall sandbox)"`, with a session token, sending through
    /// `endpoint` (the recording proxy).
    fn chimecall(&self, endpoint: &str) -> Command {
        let mut cmd = chimecall();
        cmd.envs(&self.env)
            .env("AWS_ENDPOINT_URL", endpoint)
            .env("AWS_SESSION_TOKEN", SESSION_TOKEN)
            .env("CHIMECALL_JOURNAL", self.journal());
        cmd
    }

    fn stderr(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("sandbox.stderr")).unwrap()
    }

    /// Stops it; what it printed on stdout after the six export lines, and its whole stderr.
    fn stop(mut self) -> (String, String) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let mut rest = String::new();
        let _ = self.stdout.read_to_string(&mut rest);
        let stderr = self.stderr();
        (rest, stderr)
    }
}

impl Drop for LoggedSandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A TCP proxy in front of the sandbox that keeps every byte the client sends: the requests'
/// Authorization and X-Amz-Security-Token headers, as signed.
struct RecordingProxy {
    endpoint: String,
    sent: Arc<Mutex<Vec<u8>>>,
}

impl RecordingProxy {
    fn start(upstream: &str) -> RecordingProxy {
        let upstream = upstream.trim_start_matches("http://").to_string();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        let sent = Arc::new(Mutex::new(Vec::new()));
        let record = sent.clone();
        std::thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { continue };
                let Ok(server) = TcpStream::connect(&upstream) else {
                    continue;
                };
                let (mut from_client, mut to_server) =
                    (client.try_clone().unwrap(), server.try_clone().unwrap());
                let record = record.clone();
                std::thread::spawn(move || {
                    let mut buffer = [0u8; 16 * 1024];
                    while let Ok(n) = from_client.read(&mut buffer) {
                        if n == 0 {
                            break;
                        }
                        record.lock().unwrap().extend_from_slice(&buffer[..n]);
                        if to_server.write_all(&buffer[..n]).is_err() {
                            break;
                        }
                    }
                    let _ = to_server.shutdown(std::net::Shutdown::Write);
                });
                let (mut from_server, mut to_client) = (server, client);
                std::thread::spawn(move || {
                    let _ = std::io::copy(&mut from_server, &mut to_client);
                    let _ = to_client.shutdown(std::net::Shutdown::Write);
                });
            }
        });
        RecordingProxy { endpoint, sent }
    }

    fn sent(&self) -> String {
        String::from_utf8_lossy(&self.sent.lock().unwrap()).into_owned()
    }
}

/// What must never be printed.
struct Secrets {
    access_key_id: String,
    secret_access_key: String,
    session_token: String,
    /// Every `Signature=` value the client sent (64 hex digits each).
    signatures: Vec<String>,
    /// Every `Credential=KEY/DATE/REGION/SERVICE/aws4_request` the client sent.
    credentials: Vec<String>,
}

impl Secrets {
    /// From the requests the proxy saw; checks the client really sent what the tests look for.
    fn from_requests(sent: &str, sandbox: &LoggedSandbox) -> Secrets {
        let lower = sent.to_ascii_lowercase();
        assert!(
            lower.contains(&format!(
                "x-amz-security-token: {}",
                SESSION_TOKEN.to_ascii_lowercase()
            )),
            "the session token was not sent"
        );
        let mut signatures = Vec::new();
        let mut credentials = Vec::new();
        for line in sent.lines() {
            if !line.to_ascii_lowercase().starts_with("authorization:") {
                continue;
            }
            let value = line["authorization:".len()..].trim();
            assert!(value.starts_with("AWS4-HMAC-SHA256 Credential="), "{value}");
            for part in value["AWS4-HMAC-SHA256 ".len()..].split(',') {
                match part.trim().split_once('=') {
                    Some(("Signature", signature)) => {
                        assert_eq!(signature.len(), 64, "{signature}");
                        assert!(signature.bytes().all(|b| b.is_ascii_hexdigit()));
                        signatures.push(signature.to_string());
                    }
                    Some(("Credential", credential)) => credentials.push(credential.to_string()),
                    _ => {}
                }
            }
        }
        signatures.sort();
        signatures.dedup();
        credentials.sort();
        credentials.dedup();
        assert!(!signatures.is_empty(), "no signed request went through");
        Secrets {
            access_key_id: sandbox.var("AWS_ACCESS_KEY_ID").to_string(),
            secret_access_key: sandbox.var("AWS_SECRET_ACCESS_KEY").to_string(),
            session_token: SESSION_TOKEN.to_string(),
            signatures,
            credentials,
        }
    }

    /// Panics, naming `place`, if `text` holds any secret or anything shaped like a signature.
    fn assert_absent(&self, place: &str, text: &str) {
        let found = |what: &str, needle: &str| {
            assert!(
                !text.contains(needle),
                "{place} shows {what} ({needle}):\n{text}"
            );
        };
        found("the secret access key", &self.secret_access_key);
        found("the session token", &self.session_token);
        found("the access key id", &self.access_key_id);
        found("an Authorization header", "AWS4-HMAC-SHA256 Credential=");
        found("a signature", "Signature=");
        for signature in &self.signatures {
            found("a request's signature", signature);
        }
        for credential in &self.credentials {
            found("a request's credential scope", credential);
        }
        assert!(
            longest_hex_run(text) < 64,
            "{place} shows 64 hex digits in a row (a signature?):\n{text}"
        );
    }
}

fn longest_hex_run(text: &str) -> usize {
    text.split(|c: char| !c.is_ascii_hexdigit())
        .map(str::len)
        .max()
        .unwrap_or(0)
}

fn transaction_id(out: &Finished) -> String {
    let id = out.stdout.trim().to_string();
    assert!(
        is_guid(&id),
        "not a TransactionId: {:?}\n{}",
        out.stdout,
        out.stderr
    );
    id
}

fn is_guid(text: &str) -> bool {
    text.len() == 36
        && text.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        })
}

fn write_csv(dir: &Path, name: &str, rows: &[&str]) -> PathBuf {
    let path = dir.join(name);
    let mut text = String::from("to,id,arg.ticket\n");
    for row in rows {
        text.push_str(row);
        text.push('\n');
    }
    std::fs::write(&path, text).unwrap();
    path
}

/// Every command that talks to AWS, at -vv and at -vvv, with a session token: nothing secret in
/// any stdout, stderr, the journal, or the -vv sandbox's stderr; the sandbox's own secret is on
/// its stdout's export lines and nowhere else.
#[test]
fn no_output_at_any_verbosity_shows_a_secret() {
    let sandbox = LoggedSandbox::start(&["-vv"]);
    let proxy = RecordingProxy::start(sandbox.var("AWS_ENDPOINT_URL"));
    let dir = tempfile::tempdir().unwrap();
    let csv = write_csv(
        dir.path(),
        "rows.csv",
        &["+12065550131,a,T-1", "+12065550132,b,T-2"],
    );
    let csv = csv.to_str().unwrap();
    let mut outputs: Vec<(String, Finished)> = Vec::new();

    for verbosity in ["-vv", "-vvv"] {
        let mut step = |args: &[&str], expected: i32| -> Finished {
            let out = run(sandbox.chimecall(&proxy.endpoint).arg(verbosity).args(args));
            assert_eq!(
                out.code, expected,
                "chimecall {verbosity} {args:?}:\n{}",
                out.stderr
            );
            // The SDK's own diagnostics are on: the greps below look at real -vv output.
            assert!(
                out.stderr.contains("aws_smithy_runtime")
                    || args.contains(&"--dry-run")
                    || args.contains(&"calls"),
                "chimecall {verbosity} {args:?} logged nothing of the SDK:\n{}",
                out.stderr
            );
            outputs.push((
                format!("chimecall {verbosity} {args:?}"),
                Finished {
                    code: out.code,
                    stdout: out.stdout.clone(),
                    stderr: out.stderr.clone(),
                },
            ));
            out
        };
        let first = transaction_id(&step(&["dial", "--to", "+12065550121"], 0));
        let second = transaction_id(&step(
            &["dial", "--to", "+12065550122", "--wait", "answered"],
            0,
        ));
        step(&["dial", "--to", "+12065550123", "--dry-run"], 0);
        step(
            &[
                "--output",
                "json",
                "dial",
                "--to",
                "+12065550123",
                "--dry-run",
            ],
            0,
        );
        step(
            &[
                "dial",
                "--max-active",
                "0",
                "--again",
                "--file",
                csv,
                "--rate",
                "0",
            ],
            0,
        );
        step(&["update", &first, "--arg", "note=hello"], 0);
        step(&["tail", &first], 0);
        step(&["hangup", &first], 0);
        step(&["hangup", "--wait", &second], 0);
        // The call has ended: --follow reads it to its HANGUP and stops (answered: 0).
        step(&["tail", "--follow", &second], 0);
        step(&["--output", "json", "tail", &second], 0);
        step(&["calls"], 0);
        step(&["--output", "json", "calls"], 0);
        step(&["hangup", "--all"], 0);
        // A refused request (wrong secret) at the same verbosity: the error shows no signature.
        let refused = run(sandbox
            .chimecall(&proxy.endpoint)
            .env(
                "AWS_SECRET_ACCESS_KEY",
                "WrongSecretKeyThatIsAlsoSecret0123456789",
            )
            .args([verbosity, "dial", "--to", "+12065550124"]));
        assert_eq!(refused.code, 3, "{}", refused.stderr);
        assert!(
            !refused
                .stderr
                .contains("WrongSecretKeyThatIsAlsoSecret0123456789"),
            "{}",
            refused.stderr
        );
        outputs.push((
            format!("chimecall {verbosity} dial (wrong secret)"),
            refused,
        ));
    }

    let secrets = Secrets::from_requests(&proxy.sent(), &sandbox);
    for (command, out) in &outputs {
        secrets.assert_absent(&format!("stdout of {command}"), &out.stdout);
        secrets.assert_absent(&format!("stderr of {command}"), &out.stderr);
    }
    let journal = journal_export(&sandbox.journal());
    assert!(journal.lines().count() >= 10, "{journal}");
    secrets.assert_absent("the journal", &journal);

    let (more_stdout, sandbox_stderr) = sandbox.stop();
    assert!(
        sandbox_stderr.contains("DEBUG") && sandbox_stderr.contains("call created"),
        "the sandbox logged nothing at -vv:\n{sandbox_stderr}"
    );
    // The sandbox's key is its own (printed once, by design); its logs show none of it.
    secrets.assert_absent("the sandbox's stderr", &sandbox_stderr);
    secrets.assert_absent("the sandbox's stdout after the export lines", &more_stdout);
}

/// The sandbox at -vvv, refusing requests: mis-signed (wrong secret, wrong region), with an
/// unknown key, unsigned. Neither side shows the signature, the secret or the token.
#[test]
fn refused_requests_show_no_secret_on_either_side() {
    let sandbox = LoggedSandbox::start(&["-vvv"]);
    let proxy = RecordingProxy::start(sandbox.var("AWS_ENDPOINT_URL"));
    let mut outputs = Vec::new();
    let wrong_secret = "AnotherWrongSecretKey0123456789abcdefghij";
    let cases: [(&str, &str); 3] = [
        ("AWS_SECRET_ACCESS_KEY", wrong_secret),
        ("AWS_REGION", "eu-west-1"),
        ("AWS_ACCESS_KEY_ID", "AKIAUNKNOWNKEY000000"),
    ];
    for (name, value) in cases {
        let out = run(sandbox.chimecall(&proxy.endpoint).env(name, value).args([
            "-vvv",
            "dial",
            "--to",
            "+12065550123",
        ]));
        assert_eq!(out.code, 3, "{name}: {}", out.stderr);
        assert!(!out.stderr.contains(wrong_secret), "{}", out.stderr);
        outputs.push(out);
    }
    // Correctly signed, so some signatures are known for certain.
    let out =
        run(sandbox
            .chimecall(&proxy.endpoint)
            .args(["-vvv", "dial", "--to", "+12065550123"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    outputs.push(out);
    // Unsigned: curl, as anyone on the machine could.
    let _ = Command::new("curl")
        .args(["-s", "-X", "POST", "-d", "{}"])
        .arg(format!(
            "{}/sip-media-applications/{}/calls",
            proxy.endpoint,
            sandbox.var("CHIMECALL_SMA_ID")
        ))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();

    let secrets = Secrets::from_requests(&proxy.sent(), &sandbox);
    for out in &outputs {
        secrets.assert_absent("chimecall -vvv stdout", &out.stdout);
        secrets.assert_absent("chimecall -vvv stderr", &out.stderr);
    }
    let (more_stdout, sandbox_stderr) = sandbox.stop();
    assert!(
        sandbox_stderr.contains("request refused"),
        "{sandbox_stderr}"
    );
    secrets.assert_absent("the -vvv sandbox's stderr", &sandbox_stderr);
    assert!(!sandbox_stderr.contains(wrong_secret));
    secrets.assert_absent("the sandbox's stdout after the export lines", &more_stdout);
}

/// `--redact`: no full phone number on stderr or in text stdout (dial, --dry-run, a bulk run
/// with an invalid row, calls, -vv logs, an error naming a number, the sandbox's own messages
/// and logs), TransactionIds intact; JSON output is left exact.
#[test]
fn redact_masks_phone_numbers_for_people() {
    let sandbox = LoggedSandbox::start(&["-vv", "--redact"]);
    let endpoint = sandbox.var("AWS_ENDPOINT_URL").to_string();
    // The export lines are for `eval`: never masked.
    assert_eq!(sandbox.var("CHIMECALL_FROM"), "+12065550100");
    let caller = "+12065550100";
    let dir = tempfile::tempdir().unwrap();
    let bulk_numbers = ["+12065550141", "+12065550142", "+12065550143"];
    let too_long = "+120655501449999999";
    let csv = write_csv(
        dir.path(),
        "rows.csv",
        &[
            "+12065550141,,T-1",
            "+12065550142,,T-2",
            &format!("{too_long},,T-3"),
            "+12065550143,,T-4",
        ],
    );
    let mut numbers: Vec<&str> = vec![caller, "+12065550151", "+12065550152", too_long];
    numbers.extend(bulk_numbers);
    let redacted = |args: &[&str]| run(sandbox.chimecall(&endpoint).args(args));
    let assert_masked = |place: &str, text: &str| {
        for number in &numbers {
            assert!(!text.contains(number), "{place} shows {number}:\n{text}");
        }
    };

    let dial = redacted(&[
        "--redact",
        "-vv",
        "dial",
        "--to",
        "+12065550151",
        "--wait",
        "answered",
    ]);
    let tx = transaction_id(&dial);
    assert_masked("dial -vv --redact stderr", &dial.stderr);

    let dry_run = redacted(&["--redact", "dial", "--to", "+12065550152", "--dry-run"]);
    assert_eq!(dry_run.code, 0, "{}", dry_run.stderr);
    assert!(
        dry_run.stdout.contains("+12*******52"),
        "{}",
        dry_run.stdout
    );
    assert_masked("dial --dry-run --redact stdout", &dry_run.stdout);

    // JSON is for programs: exact, --redact or not.
    let json = redacted(&[
        "--redact",
        "-o",
        "json",
        "dial",
        "--to",
        "+12065550152",
        "--dry-run",
    ]);
    assert_eq!(
        json_lines(&json.stdout)[0]["body"]["ToPhoneNumber"],
        "+12065550152"
    );

    let bulk = redacted(&[
        "--redact",
        "-vv",
        "dial",
        "--max-active",
        "0",
        "--file",
        csv.to_str().unwrap(),
        "--rate",
        "0",
    ]);
    assert_eq!(bulk.code, 1, "one row is invalid: {}", bulk.stderr);
    assert_masked("dial --file --redact stdout", &bulk.stdout);
    assert_masked("dial --file --redact stderr", &bulk.stderr);
    let rows: Vec<Vec<&str>> = bulk
        .stdout
        .lines()
        .map(|line| line.split('\t').collect())
        .collect();
    assert_eq!(rows.len(), 4, "{}", bulk.stdout);
    let placed: Vec<&str> = rows
        .iter()
        .filter(|row| row[2] == "placed")
        .map(|row| row[3])
        .collect();
    assert_eq!(placed.len(), 3, "{}", bulk.stdout);
    assert!(placed.iter().all(|id| is_guid(id)), "{}", bulk.stdout);
    assert!(
        rows.iter().any(|row| row[1] == "+12*******41"),
        "{}",
        bulk.stdout
    );
    assert!(
        bulk.stderr.contains("+12**************99"),
        "{}",
        bulk.stderr
    );

    // The journal is exact: the TransactionIds printed are the real ones.
    let journal = journal_export(&sandbox.journal());
    for id in placed.iter().chain([&tx.as_str()]) {
        assert!(journal.contains(*id), "{id} is not in the journal");
    }

    let calls = redacted(&["--redact", "calls"]);
    assert_eq!(calls.code, 0, "{}", calls.stderr);
    assert!(calls.stdout.contains(&tx), "{}", calls.stdout);
    assert_masked("calls --redact stdout", &calls.stdout);
    let plain = redacted(&["calls"]);
    assert!(plain.stdout.contains("+12065550151"), "{}", plain.stdout);

    // An error naming a number, on both sides: chimecall's message and the sandbox's log line.
    let refused = redacted(&[
        "--redact",
        "-vv",
        "tail",
        "--log-group",
        "/aws/lambda/+12065550151",
        &tx,
    ]);
    assert_eq!(refused.code, 1, "{}", refused.stderr);
    assert!(
        refused.stderr.contains("/aws/lambda/+12*******51"),
        "{}",
        refused.stderr
    );
    assert_masked("tail --redact stderr", &refused.stderr);

    // CHIMECALL_REDACT=1 does the same as --redact.
    let from_env = run(sandbox
        .chimecall(&endpoint)
        .env("CHIMECALL_REDACT", "1")
        .args(["dial", "--to", "+12065550152", "--dry-run"]));
    assert_masked("CHIMECALL_REDACT=1 dial --dry-run stdout", &from_env.stdout);

    let hangup = redacted(&["--redact", "-vv", "hangup", "--all"]);
    assert_eq!(hangup.code, 0, "{}", hangup.stderr);
    assert_masked("hangup --all --redact stderr", &hangup.stderr);

    let (_, sandbox_stderr) = sandbox.stop();
    assert!(
        sandbox_stderr.contains("logs request refused")
            && sandbox_stderr.contains("/aws/lambda/+12*******51"),
        "{sandbox_stderr}"
    );
    assert!(
        sandbox_stderr.contains("caller id +12*******00"),
        "{sandbox_stderr}"
    );
    assert_masked("the --redact sandbox's stderr", &sandbox_stderr);
}
