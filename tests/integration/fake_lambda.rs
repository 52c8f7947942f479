//! A stand-in for `cargo lambda watch`: a Lambda Invoke API endpoint
//! (`POST /2015-03-31/functions/{name}/invocations`) whose function is a Rust closure. It records
//! every event it was invoked with, so tests see exactly what the sandbox sent.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;

/// What the function does with one event.
pub enum Reply {
    /// Returns this payload.
    Answer(Value),
    /// Fails: the invoke API answers 200 with `X-Amz-Function-Error: Unhandled`.
    FunctionError,
    /// Answers only after this long.
    Slow(Duration, Value),
    /// The invoke API itself answers with this HTTP status (4xx: refused, retried once).
    Status(u16),
}

pub struct FakeLambda {
    pub url: String,
    invocations: Arc<Mutex<Vec<(String, Value)>>>,
}

impl FakeLambda {
    pub fn start(function: impl Fn(&Value) -> Reply + Send + Sync + 'static) -> FakeLambda {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind fake lambda");
        let url = format!("http://{}", listener.local_addr().unwrap());
        let invocations = Arc::new(Mutex::new(Vec::new()));
        let record = Arc::clone(&invocations);
        let function = Arc::new(function);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let record = Arc::clone(&record);
                let function = Arc::clone(&function);
                std::thread::spawn(move || {
                    let mut reader = BufReader::new(stream);
                    loop {
                        let mut request_line = String::new();
                        if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
                            return;
                        }
                        let path = request_line
                            .split_whitespace()
                            .nth(1)
                            .unwrap_or("")
                            .to_string();
                        let mut length = 0;
                        loop {
                            let mut line = String::new();
                            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                                return;
                            }
                            if line == "\r\n" {
                                break;
                            }
                            if let Some((name, value)) = line.split_once(':') {
                                if name.eq_ignore_ascii_case("content-length") {
                                    length = value.trim().parse().unwrap_or(0);
                                }
                            }
                        }
                        let mut body = vec![0; length];
                        if reader.read_exact(&mut body).is_err() {
                            return;
                        }
                        let event: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                        record.lock().unwrap().push((path, event.clone()));
                        let mut status = 200;
                        let (payload, error_header) = match function(&event) {
                            Reply::Answer(payload) => (payload, ""),
                            Reply::FunctionError => (
                                serde_json::json!({"errorMessage": "boom", "errorType": "Error"}),
                                "X-Amz-Function-Error: Unhandled\r\n",
                            ),
                            Reply::Slow(delay, payload) => {
                                std::thread::sleep(delay);
                                (payload, "")
                            }
                            Reply::Status(code) => {
                                status = code;
                                (serde_json::json!({"message": "refused"}), "")
                            }
                        };
                        let payload = payload.to_string();
                        let answer = format!(
                            "HTTP/1.1 {status} Fake\r\nContent-Type: application/json\r\n{error_header}Content-Length: {}\r\n\r\n{payload}",
                            payload.len()
                        );
                        if reader.get_mut().write_all(answer.as_bytes()).is_err() {
                            return;
                        }
                    }
                });
            }
        });
        FakeLambda { url, invocations }
    }

    /// (request path, event) for every invocation so far.
    pub fn invocations(&self) -> Vec<(String, Value)> {
        self.invocations.lock().unwrap().clone()
    }

    pub fn event_types(&self) -> Vec<String> {
        self.invocations()
            .iter()
            .map(|(_, event)| {
                event["InvocationEventType"]
                    .as_str()
                    .unwrap_or("?")
                    .to_string()
            })
            .collect()
    }
}
