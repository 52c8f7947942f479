//! The SIP media application's handler: the Lambda function the sandbox invokes with each
//! invocation event.
//!
//! Either the built-in handler, which honours the AWS samples' hangup convention and runs
//! chimecall's call-out flow (`callout`), or an external function reached through the Lambda Invoke API
//! (`POST {URL}/2015-03-31/functions/{name}/invocations`), which is what `cargo lambda watch`,
//! `sam local start-lambda` and AWS itself serve. Function errors come back as a 200 with an
//! `X-Amz-Function-Error` header.

use std::time::Duration;

use axum::body::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::Value;

use crate::callout;

/// The handler function: where invocation events go.
#[derive(Clone)]
pub(crate) enum Handler {
    BuiltIn,
    Lambda(Box<LambdaEndpoint>),
}

#[derive(Clone)]
pub(crate) struct LambdaEndpoint {
    base_url: String,
    client: Client<HttpConnector, Full<Bytes>>,
}

impl std::fmt::Debug for Handler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Handler::BuiltIn => f.write_str("built-in handler"),
            Handler::Lambda(endpoint) => write!(f, "Lambda Invoke API at {}", endpoint.base_url),
        }
    }
}

/// Why an invocation produced no usable answer. Each is retried by the SMA's rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum InvokeError {
    /// No answer within the SMA's wait (5 s at AWS).
    Timeout,
    /// The function ran and failed (`X-Amz-Function-Error`), or the invoke API said 5xx.
    FunctionError(String),
    /// The invoke API refused the request (4xx): retried only once.
    ClientError(u16, String),
    /// Could not reach the endpoint at all.
    Unreachable(String),
}

impl std::fmt::Display for InvokeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InvokeError::Timeout => f.write_str("the function did not answer in time"),
            InvokeError::FunctionError(text) => write!(f, "function error: {text}"),
            InvokeError::ClientError(status, text) => {
                write!(f, "invoke refused ({status}): {text}")
            }
            InvokeError::Unreachable(text) => write!(f, "function unreachable: {text}"),
        }
    }
}

impl Handler {
    /// `--handler URL`: the base URL of a Lambda Invoke API endpoint.
    pub(crate) fn lambda(base_url: &str) -> Handler {
        let client = Client::builder(TokioExecutor::new()).build_http();
        Handler::Lambda(Box::new(LambdaEndpoint {
            base_url: base_url.trim_end_matches('/').to_string(),
            client,
        }))
    }

    pub(crate) fn is_built_in(&self) -> bool {
        matches!(self, Handler::BuiltIn)
    }

    /// One invocation, bounded by `wait`. Retries are the caller's (the SMA's) business.
    pub(crate) async fn invoke(
        &self,
        function_name: &str,
        event: &Value,
        wait: Duration,
    ) -> Result<Value, InvokeError> {
        match self {
            Handler::BuiltIn => Ok(built_in_answer(event)),
            Handler::Lambda(endpoint) => {
                match tokio::time::timeout(wait, endpoint.invoke(function_name, event)).await {
                    Ok(result) => result,
                    Err(_) => Err(InvokeError::Timeout),
                }
            }
        }
    }
}

impl LambdaEndpoint {
    async fn invoke(&self, function_name: &str, event: &Value) -> Result<Value, InvokeError> {
        let uri = format!(
            "{}/2015-03-31/functions/{function_name}/invocations",
            self.base_url
        );
        let request = http::Request::post(&uri)
            .header("content-type", "application/json")
            .header("x-amz-invocation-type", "RequestResponse")
            .body(Full::new(Bytes::from(event.to_string())))
            .map_err(|e| InvokeError::Unreachable(e.to_string()))?;
        let response = self
            .client
            .request(request)
            .await
            .map_err(|e| InvokeError::Unreachable(e.to_string()))?;
        let status = response.status();
        let function_error = response
            .headers()
            .get("x-amz-function-error")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let body = response
            .into_body()
            .collect()
            .await
            .map_err(|e| InvokeError::Unreachable(e.to_string()))?
            .to_bytes();
        let text = String::from_utf8_lossy(&body).into_owned();
        if let Some(kind) = function_error {
            return Err(InvokeError::FunctionError(format!("{kind}: {text}")));
        }
        if status.is_client_error() {
            return Err(InvokeError::ClientError(status.as_u16(), text));
        }
        if !status.is_success() {
            return Err(InvokeError::FunctionError(format!("HTTP {status}: {text}")));
        }
        // A function's payload that is not JSON is still an answer: the SMA judges it.
        Ok(serde_json::from_slice(&body).unwrap_or(Value::String(text)))
    }
}

/// The built-in handler: the call-out flow, which also honours the hangup convention
/// (`{"action":"hangup"}` in a CALL_UPDATE_REQUESTED becomes a Hangup of LEG-A) and answers a
/// call without `chimecall-say` with no actions otherwise.
fn built_in_answer(event: &Value) -> Value {
    callout::answer(event)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn update_event(arguments: Value) -> Value {
        json!({
            "InvocationEventType": "CALL_UPDATE_REQUESTED",
            "ActionData": { "Type": "CallUpdateRequest", "Parameters": { "Arguments": arguments } }
        })
    }

    #[test]
    fn only_the_hangup_verb_hangs_up() {
        let hangup = built_in_answer(&update_event(json!({"action": "hangup"})));
        assert_eq!(hangup["Actions"][0]["Type"], "Hangup");
        assert_eq!(
            hangup["Actions"][0]["Parameters"]["ParticipantTag"],
            "LEG-A"
        );
        for other in [
            json!({}),
            json!({"action": "play"}),
            json!({"Action": "hangup"}),
        ] {
            let answer = built_in_answer(&update_event(other));
            assert_eq!(answer["Actions"], json!([]));
        }
        let answered = built_in_answer(&json!({"InvocationEventType": "CALL_ANSWERED"}));
        assert_eq!(answered["Actions"], json!([]));
    }
}
