//! The deployable call-out handler (`deploy/handler.py`, the code the CloudFormation template
//! carries inline) served through the Lambda Invoke API by `deploy/local_runner.py`, for a
//! sandbox started with `--handler URL --function-name NAME`. What the function prints (its
//! CloudWatch log at AWS) is kept in a file of the test's, read back with [`DeployableHandler`]'s
//! readers.
//!
//! ```ignore
//! let handler = DeployableHandler::start();
//! let sandbox = Sandbox::start_with(&handler.sandbox_args(&["--callees", path]));
//! ```

use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdout, Stdio};

use serde_json::Value;

use super::{fresh_dir, hermetic_command, repo_root};

/// The function name the runner serves, and the template's default `FunctionName`.
pub const FUNCTION_NAME: &str = "chimecall-callout";

/// `python3 deploy/local_runner.py` on a free loopback port, killed on drop.
pub struct DeployableHandler {
    child: Child,
    /// The Invoke API's base URL, `http://127.0.0.1:PORT`: the sandbox's `--handler`.
    pub url: String,
    /// The function it serves: the sandbox's `--function-name`.
    pub function_name: String,
    log: PathBuf,
    _stdout: BufReader<ChildStdout>,
}

impl DeployableHandler {
    /// Starts the runner and waits until it serves (it prints its port once it listens).
    pub fn start() -> DeployableHandler {
        let log = fresh_dir("deployable-handler").join("function.log");
        let runner = repo_root().join("deploy").join("local_runner.py");
        let mut child = hermetic_command("python3")
            .arg(&runner)
            .args(["--function-name", FUNCTION_NAME, "--port", "0", "--log"])
            .arg(&log)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn python3 deploy/local_runner.py");
        let mut stdout = BufReader::new(child.stdout.take().expect("runner stdout"));
        let mut line = String::new();
        stdout.read_line(&mut line).expect("read the runner's port");
        let port: u16 = line
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("local_runner.py printed {line:?}, not its port"));
        DeployableHandler {
            child,
            url: format!("http://127.0.0.1:{port}"),
            function_name: FUNCTION_NAME.to_string(),
            log,
            _stdout: stdout,
        }
    }

    /// `--handler URL --function-name NAME`, then `extra`: a sandbox's arguments.
    pub fn sandbox_args<'a>(&'a self, extra: &[&'a str]) -> Vec<&'a str> {
        let mut args = vec![
            "--handler",
            self.url.as_str(),
            "--function-name",
            self.function_name.as_str(),
        ];
        args.extend_from_slice(extra);
        args
    }

    /// Invokes `function` (usually [`FUNCTION_NAME`]) with `event` directly, as the sandbox
    /// would: (HTTP status, `X-Amz-Function-Error` if any, the payload).
    pub fn invoke(&self, function: &str, event: &Value) -> (u16, Option<String>, Value) {
        let address = self.url.trim_start_matches("http://");
        let mut stream = std::net::TcpStream::connect(address).expect("connect to the runner");
        let body = event.to_string();
        let request = format!(
            "POST /2015-03-31/functions/{function}/invocations HTTP/1.1\r\nHost: {address}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        stream
            .write_all(request.as_bytes())
            .expect("send the invocation");
        let mut response = String::new();
        stream
            .read_to_string(&mut response)
            .expect("read the answer");
        let (head, payload) = response.split_once("\r\n\r\n").expect("an HTTP answer");
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|code| code.parse().ok())
            .expect("a status code");
        let function_error = head.lines().find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("x-amz-function-error")
                .then(|| value.trim().to_string())
        });
        let payload = serde_json::from_str(payload).expect("a JSON payload");
        (status, function_error, payload)
    }

    /// Every line the function has printed so far.
    pub fn log_lines(&self) -> Vec<String> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect()
    }

    /// Every (event, answer) the function logged (its `Request: ` and `Response: ` lines), in
    /// order; invocations run one at a time, so each answer follows its event.
    pub fn exchanges(&self) -> Vec<(Value, Value)> {
        let mut exchanges = Vec::new();
        let mut event = None;
        for line in self.log_lines() {
            if let Some(json) = line.strip_prefix("Request: ") {
                event = Some(serde_json::from_str(json).expect("a Request line holds JSON"));
            } else if let Some(json) = line.strip_prefix("Response: ") {
                let answer = serde_json::from_str(json).expect("a Response line holds JSON");
                exchanges.push((event.take().expect("a Response after its Request"), answer));
            }
        }
        exchanges
    }

    /// The exchanges of one call, by its TransactionId.
    pub fn exchanges_of(&self, transaction_id: &str) -> Vec<(Value, Value)> {
        self.exchanges()
            .into_iter()
            .filter(|(event, _)| event["CallDetails"]["TransactionId"] == transaction_id)
            .collect()
    }
}

impl Drop for DeployableHandler {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
