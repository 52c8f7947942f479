//! Commands stop when told: on the first Ctrl-C (SIGINT) or SIGTERM no new request starts, those
//! in flight finish and are reported, the calls not reached are listed, and the exit is 130; a
//! second signal exits at once. Signals are sent after the command's first line of output, and
//! the time it took to stop is read from the sandbox's clock (its access log), with a generous
//! wall-clock bound beside it.

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::support::access_log::{self, arrived_ms, of_operation};
use crate::support::{chimecall, fresh_dir, json_lines, run, signal, Sandbox};

/// Live calls `hangup --all` is asked to end: a minute's worth at the default 5 updates a second.
const LIVE: usize = 300;

/// A sandbox holding [`LIVE`] calls placed by one bulk run, and its access log.
///
/// The client's own pace (`hangup --rate`, default 5 a second, a fresh account's update quota)
/// is what makes ending 300 calls take a minute, and it is what the interrupt cuts short. The
/// sandbox's quotas are lifted so that placing the calls and the second `hangup --all --rate 0`
/// that ends the rest each take about a second, not a minute.
fn sandbox_with_live_calls() -> (Sandbox, PathBuf) {
    let log = fresh_dir("access-log").join("access.jsonl");
    let sandbox = Sandbox::start_with(&[
        "--access-log",
        log.to_str().unwrap(),
        "--quota",
        "create-rate=unlimited",
        "--quota",
        "active-calls=unlimited",
        "--quota",
        "update-rate=unlimited",
    ]);
    let rows = fresh_dir("rows").join("rows.csv");
    let mut text = String::from("to\n");
    for i in 0..LIVE {
        text.push_str(&format!("+1206555{i:04}\n"));
    }
    std::fs::write(&rows, text).unwrap();
    let dial = run(sandbox.chimecall().args([
        "dial",
        "--file",
        rows.to_str().unwrap(),
        "--rate",
        "0",
        "--max-active",
        "0",
    ]));
    assert_eq!(dial.code, 0, "{}", dial.stderr);
    (sandbox, log)
}

/// A request the sandbox logs on arrival (refused: it is not signed), marking a moment on the
/// sandbox's clock; its arrival time in epoch ms.
fn mark(sandbox: &Sandbox, log: &Path, name: &str) -> i64 {
    let address = sandbox.endpoint().trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let path = format!("/interrupt-test-mark/{name}");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let _ = stream.read_to_string(&mut String::new());
    let lines = access_log::read(log);
    let line = lines
        .iter()
        .find(|line| line["path"] == path.as_str())
        .unwrap_or_else(|| panic!("the access log has no line for {path}"));
    arrived_ms(line)
}

/// What an interrupted `hangup --all` left behind.
struct Interrupted {
    stdout: String,
    stderr: String,
    /// Sandbox clock: just before the signal, and just after the process had exited.
    signalled_ms: i64,
    exited_ms: i64,
    /// The UpdateSipMediaApplicationCall requests that reached the sandbox, by arrival.
    updates_ms: Vec<i64>,
}

/// Runs `hangup --all` (with `flags` first), sends `name` ("INT", "TERM") once its first line
/// is on stdout, and checks it exits 130 within 5 s, by the sandbox's clock and the wall's.
fn interrupt_hangup_all(sandbox: &Sandbox, log: &Path, flags: &[&str], name: &str) -> Interrupted {
    let mut child = sandbox
        .chimecall()
        .args(flags)
        .args(["hangup", "--all"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn hangup --all");
    let stderr = read_in_background(child.stderr.take().unwrap());
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).expect("first line of stdout");
    assert!(!first.is_empty(), "hangup --all printed nothing");
    let signalled_ms = mark(sandbox, log, "signal");
    signal(&child, name);
    let signalled = Instant::now();
    let status = child.wait().expect("wait for hangup --all");
    let wall = signalled.elapsed();
    let exited_ms = mark(sandbox, log, "exited");
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    let stderr = stderr.join().unwrap();
    assert_eq!(status.code(), Some(130), "SIG{name}: {status}\n{stderr}");
    assert!(
        exited_ms - signalled_ms <= 5_000,
        "SIG{name}: exited {} ms after the signal by the sandbox's clock",
        exited_ms - signalled_ms
    );
    // The wall is only a secondary check: a loaded machine may stretch it.
    assert!(wall < Duration::from_secs(10), "SIG{name}: {wall:?}");
    let lines = access_log::read(log);
    let updates_ms = of_operation(&lines, "UpdateSipMediaApplicationCall")
        .into_iter()
        .map(arrived_ms)
        .collect();
    Interrupted {
        stdout: first + &rest,
        stderr,
        signalled_ms,
        exited_ms,
        updates_ms,
    }
}

fn read_in_background(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut text = String::new();
        let _ = pipe.read_to_string(&mut text);
        text
    })
}

/// No update was sent after the signal: the last arrived no later than one in flight could.
fn assert_no_update_after_the_signal(run: &Interrupted) {
    let late: Vec<i64> = run
        .updates_ms
        .iter()
        .filter(|t| **t > run.signalled_ms + 1_000)
        .map(|t| t - run.signalled_ms)
        .collect();
    assert!(
        late.is_empty(),
        "updates arrived this many ms after the signal: {late:?}"
    );
    assert!(run.exited_ms >= run.signalled_ms);
}

/// The second `hangup --all` (unpaced: the sandbox's update quota is lifted) ends every call the
/// first did not reach: each is accepted (a call that had ended would be `gone`). Between the
/// two, every one of the calls placed was hung up exactly once, by the sandbox's access log.
fn assert_the_rest_are_ended(sandbox: &Sandbox, log: &Path, not_reached: &HashSet<String>) {
    let again = run(sandbox
        .chimecall()
        .args(["--output", "json", "hangup", "--all", "--rate", "0"]));
    assert_eq!(again.code, 0, "{}", again.stderr);
    let accepted: HashSet<String> = json_lines(&again.stdout)
        .iter()
        .filter(|answer| answer["result"] == "accepted")
        .map(|answer| answer["transaction_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(&accepted, not_reached, "{}", again.stdout);
    let lines = access_log::read(log);
    let placed: HashSet<&str> = of_operation(&lines, "CreateSipMediaApplicationCall")
        .into_iter()
        .filter_map(|line| line["transaction_id"].as_str())
        .collect();
    let hung_up: Vec<&str> = of_operation(&lines, "UpdateSipMediaApplicationCall")
        .into_iter()
        .filter(|line| line["status"] == 202)
        .filter_map(|line| line["transaction_id"].as_str())
        .collect();
    assert_eq!(placed.len(), LIVE);
    assert_eq!(
        hung_up.len(),
        LIVE,
        "some call was hung up twice or not at all"
    );
    assert_eq!(hung_up.into_iter().collect::<HashSet<_>>(), placed);
}

/// Ctrl-C in the middle of `hangup --all` of 300 live calls: the calls not reached are listed on
/// stderr, one TransactionId a line, and are still live; a second `hangup --all` ends them.
#[test]
fn ctrl_c_stops_hangup_all_and_lists_the_calls_not_reached() {
    let (sandbox, log) = sandbox_with_live_calls();
    let run = interrupt_hangup_all(&sandbox, &log, &[], "INT");
    assert_no_update_after_the_signal(&run);
    let accepted: Vec<&str> = run.stdout.lines().collect();
    let (header, listed) = run
        .stderr
        .split_once("calls not reached (no hangup sent):\n")
        .unwrap_or_else(|| panic!("no list of the calls not reached:\n{}", run.stderr));
    let count = format!("interrupted: {} of {LIVE} ", LIVE - accepted.len());
    assert!(header.ends_with(&count), "{}", run.stderr);
    let not_reached: HashSet<String> = listed.lines().map(str::to_string).collect();
    assert_eq!(not_reached.len(), LIVE - accepted.len(), "{}", run.stderr);
    assert!(accepted.iter().all(|id| !not_reached.contains(*id)));
    // A minute's work was cut short: only what the first second sent went out.
    assert!(accepted.len() <= 10, "{} accepted", accepted.len());
    assert_eq!(run.updates_ms.len(), accepted.len(), "{}", run.stderr);
    assert_the_rest_are_ended(&sandbox, &log, &not_reached);
}

/// SIGTERM (a supervisor, `timeout`) does the same; in JSON every call has its object on
/// stdout, `"result":"not_sent"` for those not reached.
#[test]
fn sigterm_stops_hangup_all_and_reports_not_sent_in_json() {
    let (sandbox, log) = sandbox_with_live_calls();
    let run = interrupt_hangup_all(&sandbox, &log, &["--output", "json"], "TERM");
    assert_no_update_after_the_signal(&run);
    let answers = json_lines(&run.stdout);
    assert_eq!(answers.len(), LIVE, "{}", run.stdout);
    let ids: HashSet<&str> = answers
        .iter()
        .map(|answer| answer["transaction_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), LIVE);
    let of = |result: &str| -> HashSet<String> {
        answers
            .iter()
            .filter(|answer| answer["result"] == result)
            .map(|answer| answer["transaction_id"].as_str().unwrap().to_string())
            .collect()
    };
    let (accepted, not_sent) = (of("accepted"), of("not_sent"));
    assert_eq!(accepted.len() + not_sent.len(), LIVE, "{}", run.stdout);
    assert!(accepted.len() <= 10, "{} accepted", accepted.len());
    assert!(
        run.stderr.contains(&format!(
            "interrupted: {} of {LIVE} calls not reached",
            not_sent.len()
        )),
        "{}",
        run.stderr
    );
    assert_the_rest_are_ended(&sandbox, &log, &not_sent);
}

/// An endpoint that accepts connections and never answers: every request stays in flight.
struct SilentEndpoint {
    url: String,
    connections: Arc<AtomicUsize>,
}

impl SilentEndpoint {
    fn start() -> SilentEndpoint {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let connections = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&connections);
        std::thread::spawn(move || {
            let mut held = Vec::new();
            for stream in listener.incoming().flatten() {
                counted.fetch_add(1, Ordering::SeqCst);
                held.push(stream);
            }
        });
        SilentEndpoint { url, connections }
    }

    fn wait_for_a_request(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while self.connections.load(Ordering::SeqCst) == 0 {
            assert!(Instant::now() < deadline, "no request reached the endpoint");
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

/// Waits for `child` to exit for at most `limit`; its exit code, or None if it still runs.
fn exit_within(child: &mut Child, limit: Duration) -> Option<Option<i32>> {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status.code());
        }
        if Instant::now() >= deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// The first signal lets the requests in flight finish (here they never would); a second
/// exits at once with 130. Both for `hangup` of many calls and for a single `dial`.
#[test]
fn a_second_signal_exits_at_once() {
    let endpoint = SilentEndpoint::start();
    let ids: Vec<String> = (0..8)
        .map(|i| format!("00000000-0000-4000-8000-00000000000{i}"))
        .collect();
    let commands: [(&str, Vec<String>); 2] = [
        (
            "hangup",
            ["hangup", "--rate", "1"]
                .iter()
                .map(|s| s.to_string())
                .chain(ids)
                .collect(),
        ),
        (
            "dial",
            ["dial", "--to", "+12065550100"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
        ),
    ];
    for (what, args) in commands {
        let mut child = chimecall()
            .env("AWS_ENDPOINT_URL", &endpoint.url)
            .env("AWS_REGION", "us-east-1")
            .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
            .env("AWS_SECRET_ACCESS_KEY", "secret")
            .env("CHIMECALL_SMA_ID", "00000000-0000-4000-8000-0000000000aa")
            .env("CHIMECALL_FROM", "+12065550199")
            .args(["--operation-timeout", "10m", "--attempt-timeout", "10m"])
            .args(&args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let before = endpoint.connections.load(Ordering::SeqCst);
        let deadline = Instant::now() + Duration::from_secs(30);
        while endpoint.connections.load(Ordering::SeqCst) == before {
            assert!(Instant::now() < deadline, "{what}: no request was sent");
            std::thread::sleep(Duration::from_millis(10));
        }
        endpoint.wait_for_a_request();
        signal(&child, "INT");
        assert_eq!(
            exit_within(&mut child, Duration::from_millis(500)),
            None,
            "{what}: the first signal must let the request in flight finish"
        );
        signal(&child, "INT");
        let signalled = Instant::now();
        let code = exit_within(&mut child, Duration::from_secs(5));
        let mut stderr = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        assert_eq!(code, Some(Some(130)), "{what}: {stderr}");
        assert!(signalled.elapsed() < Duration::from_secs(5), "{what}");
        assert!(stderr.contains("interrupted again"), "{what}: {stderr}");
    }
}
