//! A stand-in for `cargo lambda watch`: a Lambda Invoke API endpoint
//! (`POST /2015-03-31/functions/{name}/invocations`) whose function is a Rust closure. It records
//! every event it was invoked with, so tests see exactly what the sandbox sent.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};

use super::fake_http::{self, Response};

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
        let invocations = Arc::new(Mutex::new(Vec::new()));
        let record = Arc::clone(&invocations);
        let url = fake_http::serve(move |request| {
            let event: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
            record
                .lock()
                .unwrap()
                .push((request.path.clone(), event.clone()));
            Some(match function(&event) {
                Reply::Answer(payload) => Response::json(200, payload),
                Reply::FunctionError => {
                    Response::json(200, json!({"errorMessage": "boom", "errorType": "Error"}))
                        .header("X-Amz-Function-Error", "Unhandled")
                }
                Reply::Slow(delay, payload) => {
                    std::thread::sleep(delay);
                    Response::json(200, payload)
                }
                Reply::Status(code) => Response::json(code, json!({"message": "refused"})),
            })
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
