//! DynamoDB for the team journal's tests (`--journal dynamodb:TABLE`): moto (served one request
//! at a time by `moto_serial.py`) on a free loopback port, one per test, killed when the test is
//! done; and a fault proxy in front of it (`ddb_fault_proxy.py`) that a test switches to
//! throttle, deny or drop every request.
//!
//! chimecall reaches DynamoDB through its own endpoint setting, AWS_ENDPOINT_URL_DYNAMODB (never
//! the sandbox's AWS_ENDPOINT_URL, which is Chime's): [`DynamoDb::point`] adds it to a command.
//! A "machine" of a team ([`DynamoDb::machine`]) is a hermetic command with a HOME and files of
//! its own that shares only the table (and the sandbox) with the others.
//!
//! ```ignore
//! let ddb = DynamoDb::start();
//! ddb.create("oncall");
//! let out = run(ddb.machine(&sandbox, "oncall").args(["dial", "--to", "+12065550111"]));
//! ```

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::{chimecall, fresh_dir, hermetic_command, repo_root, run, Finished, Sandbox};

/// Keys and region of commands that talk to DynamoDB without a sandbox (moto takes any keys).
pub const ACCESS_KEY_ID: &str = "AKIDTEAMJOURNALTEST1";
pub const SECRET_ACCESS_KEY: &str = "team-journal-test-secret";
pub const REGION: &str = "us-east-1";

/// How long moto may take to serve after it is started: it imports a lot, and the suite runs
/// 8 tests at once on 2 cores.
const START_WITHIN: Duration = Duration::from_secs(90);

/// moto as `.ci/run` installs it (the launcher patches its transactions: one version).
const MOTO: &str = "moto[server]==5.2.6";

/// The test venv's python with moto's server, installed there the first time it is missing.
fn python_with_moto() -> PathBuf {
    static PYTHON: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    match PYTHON.get_or_init(|| super::test_venv::python_with("moto.server", MOTO)) {
        Ok(python) => python.clone(),
        Err(why) => panic!("no Python with moto's server for the team journal's tests: {why}"),
    }
}

/// The Python the fault proxy runs on: the test venv's, else python3 on PATH.
fn python() -> PathBuf {
    let venv = repo_root().join("target/test-venv/bin/python3");
    if venv.exists() {
        venv
    } else {
        PathBuf::from("python3")
    }
}

/// A free port of 127.0.0.1 now (bound, then released for the server to take).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("bind a free loopback port")
        .port()
}

/// moto's DynamoDB on 127.0.0.1:PORT, killed on drop. Served by `moto_serial.py` (moto's own
/// server app, one request at a time: moto's backends are not thread-safe, and DynamoDB applies
/// the writes to an item one at a time), from the venv where `.ci/run` installs moto's server.
pub struct DynamoDb {
    child: Child,
    endpoint: String,
    requests: PathBuf,
}

impl DynamoDb {
    /// Starts moto's server on a free loopback port and waits until a ListTables answers.
    pub fn start() -> DynamoDb {
        let python = python_with_moto();
        let script = repo_root().join("tests/integration/support/moto_serial.py");
        let dir = fresh_dir("moto");
        let mut failures = Vec::new();
        for attempt in 1..=5 {
            let port = free_port();
            let log = dir.join(format!("moto-{attempt}.log"));
            let requests = dir.join(format!("requests-{attempt}.log"));
            let file = std::fs::File::create(&log).expect("create moto's log file");
            let err = file.try_clone().expect("clone moto's log file");
            let mut child = hermetic_command(&python)
                .arg(&script)
                .arg(port.to_string())
                .arg(&requests)
                .env("PYTHONUNBUFFERED", "1")
                .stdout(Stdio::from(file))
                .stderr(Stdio::from(err))
                .spawn()
                .unwrap_or_else(|e| panic!("spawn {} {}: {e}", python.display(), script.display()));
            let endpoint = format!("http://127.0.0.1:{port}");
            let deadline = Instant::now() + START_WITHIN;
            loop {
                if let Some(status) = child.try_wait().expect("wait for moto") {
                    failures.push(format!(
                        "port {port}: moto exited ({status}): {}",
                        std::fs::read_to_string(&log).unwrap_or_default()
                    ));
                    break;
                }
                if let Ok((200, answer)) = raw_request(&endpoint, "ListTables", &json!({})) {
                    // Ours, not another test's that took the port first: ours logged it.
                    let logged = std::fs::read_to_string(&requests).unwrap_or_default();
                    if answer.get("TableNames").is_some() && logged.contains(" ListTables ") {
                        return DynamoDb {
                            child,
                            endpoint,
                            requests,
                        };
                    }
                }
                if Instant::now() > deadline {
                    let _ = child.kill();
                    let _ = child.wait();
                    failures.push(format!("port {port}: no answer within {START_WITHIN:?}"));
                    break;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        }
        panic!("moto did not start: {failures:#?}");
    }

    /// Every request moto has served: (epoch ms, operation, status, ms in the server).
    pub fn requests(&self) -> Vec<(i64, String, String, f64)> {
        std::fs::read_to_string(&self.requests)
            .unwrap_or_default()
            .lines()
            .filter_map(|line| {
                let mut parts = line.split(' ');
                Some((
                    parts.next()?.parse().ok()?,
                    parts.next()?.to_string(),
                    parts.next()?.to_string(),
                    parts.next()?.parse().ok()?,
                ))
            })
            .collect()
    }

    /// `http://127.0.0.1:PORT`.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// `cmd` with AWS_ENDPOINT_URL_DYNAMODB set to this server.
    pub fn point<'a>(&self, cmd: &'a mut Command) -> &'a mut Command {
        cmd.env("AWS_ENDPOINT_URL_DYNAMODB", &self.endpoint)
    }

    /// [`chimecall`] (hermetic: a HOME and a local journal of its own) with keys, a region and
    /// this server's endpoint: for commands that need no sandbox (`journal create`, `copy`,
    /// `export`, `calls --offline`).
    pub fn chimecall(&self) -> Command {
        let mut cmd = chimecall();
        with_test_keys(&mut cmd);
        self.point(&mut cmd);
        cmd
    }

    /// One machine of a team: a hermetic `chimecall` (its own HOME and files) with the
    /// sandbox's variables, this server's endpoint and the team journal `dynamodb:TABLE` (as
    /// CHIMECALL_JOURNAL). Two calls give two machines that share only the table and the sandbox.
    pub fn machine(&self, sandbox: &Sandbox, table: &str) -> Command {
        let mut cmd = chimecall();
        cmd.envs(&sandbox.env);
        self.point(&mut cmd);
        cmd.env("CHIMECALL_JOURNAL", format!("dynamodb:{table}"));
        cmd
    }

    /// `chimecall journal create dynamodb:TABLE`, which must succeed; its output.
    pub fn create(&self, table: &str) -> Finished {
        let out = run(self
            .chimecall()
            .args(["journal", "create", &format!("dynamodb:{table}")]));
        assert_eq!(
            out.code, 0,
            "journal create dynamodb:{table}: {}{}",
            out.stdout, out.stderr
        );
        out
    }

    /// One request of DynamoDB's JSON API (`operation`: CreateTable, PutItem, Scan...) sent
    /// straight to moto, as another tool would: (HTTP status, the answer's JSON).
    pub fn request(&self, operation: &str, body: &Value) -> (u16, Value) {
        raw_request(&self.endpoint, operation, body)
            .unwrap_or_else(|e| panic!("{operation} to moto: {e}"))
    }

    /// Every item of `table` (DynamoDB JSON), all pages.
    pub fn scan(&self, table: &str) -> Vec<Value> {
        let mut items = Vec::new();
        let mut start: Option<Value> = None;
        loop {
            let mut body = json!({ "TableName": table });
            if let Some(key) = start.take() {
                body["ExclusiveStartKey"] = key;
            }
            let (status, answer) = self.request("Scan", &body);
            assert_eq!(status, 200, "Scan {table}: {answer}");
            items.extend(answer["Items"].as_array().cloned().unwrap_or_default());
            match answer.get("LastEvaluatedKey") {
                Some(key) if !key.is_null() => start = Some(key.clone()),
                _ => return items,
            }
        }
    }

    /// The names of the tables there are.
    pub fn tables(&self) -> Vec<String> {
        let (status, answer) = self.request("ListTables", &json!({}));
        assert_eq!(status, 200, "ListTables: {answer}");
        answer["TableNames"]
            .as_array()
            .map(|names| {
                names
                    .iter()
                    .filter_map(|name| name.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }
}

impl Drop for DynamoDb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The batch `dial --file PATH` runs on a team journal: the file's name, `@`, and the first 12
/// bytes of its contents' SHA-256 in hex (the same list anywhere is the same batch).
pub fn team_batch_name(path: &Path) -> String {
    use sha2::{Digest, Sha256};
    let contents = std::fs::read(path).expect("read the rows file");
    let digest = Sha256::digest(&contents);
    let hex: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
    let name = path.file_name().expect("a file name").to_string_lossy();
    format!("{name}@{hex}")
}

/// `cmd` with the test's keys and region (the hermetic environment has none).
pub fn with_test_keys(cmd: &mut Command) -> &mut Command {
    cmd.env("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID)
        .env("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY)
        .env("AWS_REGION", REGION)
}

/// A DynamoDB JSON API request over plain HTTP/1.1 (moto takes any Authorization header; it
/// reads the service and region from its credential scope).
fn raw_request(endpoint: &str, operation: &str, body: &Value) -> std::io::Result<(u16, Value)> {
    let address = endpoint.trim_start_matches("http://");
    let mut stream = TcpStream::connect(address)?;
    stream.set_read_timeout(Some(Duration::from_secs(60)))?;
    let body = body.to_string();
    let request = format!(
        "POST / HTTP/1.1\r\nHost: {address}\r\nX-Amz-Target: DynamoDB_20120810.{operation}\r\n\
         Content-Type: application/x-amz-json-1.0\r\n\
         Authorization: AWS4-HMAC-SHA256 Credential={ACCESS_KEY_ID}/20260101/{REGION}/dynamodb/aws4_request, \
         SignedHeaders=host;x-amz-target, Signature=0000\r\n\
         X-Amz-Date: 20260101T000000Z\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes())?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response)?;
    let response = String::from_utf8_lossy(&response);
    let (head, payload) = response.split_once("\r\n\r\n").ok_or_else(|| {
        std::io::Error::new(std::io::ErrorKind::InvalidData, "not an HTTP answer")
    })?;
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidData, "no status"))?;
    let value = serde_json::from_str(payload).unwrap_or(Value::String(payload.to_string()));
    Ok((status, value))
}

/// What [`FaultProxy`] does to the requests it is switched for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Forward to moto and answer as it did.
    Pass,
    /// 400 ProvisionedThroughputExceededException, nothing forwarded.
    Throttle,
    /// 400 AccessDeniedException, nothing forwarded.
    Deny,
    /// Close the connection without a byte of answer: the network gone.
    Close,
}

impl Fault {
    fn word(self) -> &'static str {
        match self {
            Fault::Pass => "pass",
            Fault::Throttle => "throttle",
            Fault::Deny => "deny",
            Fault::Close => "close",
        }
    }
}

/// `ddb_fault_proxy.py` in front of a [`DynamoDb`], on a free loopback port; killed on drop.
pub struct FaultProxy {
    child: Child,
    endpoint: String,
    control: PathBuf,
    log: PathBuf,
    _stdout: std::io::BufReader<std::process::ChildStdout>,
}

impl FaultProxy {
    /// Starts the proxy forwarding to `ddb`, passing everything; returns once it serves.
    pub fn start(ddb: &DynamoDb) -> FaultProxy {
        use std::io::BufRead;
        let dir = fresh_dir("ddb-fault-proxy");
        let control = dir.join("mode");
        let log = dir.join("requests.jsonl");
        let script = repo_root().join("tests/integration/support/ddb_fault_proxy.py");
        let mut child = hermetic_command(python())
            .arg(&script)
            .arg("--upstream")
            .arg(ddb.endpoint())
            .arg("--control")
            .arg(&control)
            .arg("--log")
            .arg(&log)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn ddb_fault_proxy.py");
        let mut stdout = std::io::BufReader::new(child.stdout.take().expect("proxy stdout"));
        let mut line = String::new();
        stdout.read_line(&mut line).expect("read the proxy's port");
        let port: u16 = line
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("ddb_fault_proxy.py printed {line:?}, not its port"));
        FaultProxy {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
            control,
            log,
            _stdout: stdout,
        }
    }

    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// `cmd` with AWS_ENDPOINT_URL_DYNAMODB set to the proxy.
    pub fn point<'a>(&self, cmd: &'a mut Command) -> &'a mut Command {
        cmd.env("AWS_ENDPOINT_URL_DYNAMODB", self.endpoint())
    }

    /// From now on, every request gets `fault`.
    pub fn set(&self, fault: Fault) {
        self.write_mode(fault.word().to_string());
    }

    /// From now on, requests of these operations (PutItem, UpdateItem, ...) get `fault`; the
    /// others are forwarded.
    pub fn set_for(&self, fault: Fault, operations: &[&str]) {
        self.write_mode(format!("{} {}", fault.word(), operations.join(",")));
    }

    fn write_mode(&self, mode: String) {
        // Whole or not at all: written beside, then renamed over.
        let next = self.control.with_extension("next");
        std::fs::write(&next, format!("{mode}\n")).expect("write the proxy's mode");
        std::fs::rename(&next, &self.control).expect("switch the proxy's mode");
    }

    /// Every request the proxy has seen: `{"time_ms","operation","mode","status"}`.
    pub fn requests(&self) -> Vec<Value> {
        super::json_lines(&std::fs::read_to_string(&self.log).unwrap_or_default())
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
