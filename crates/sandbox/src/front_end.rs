//! The AWS front end the sandbox puts before its operations: the routes of both services, a
//! bounded body read, SigV4 verification for the service the request is for, a request id on
//! every answer, and AWS's answer for anything no operation is bound to.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;

use super::auth::{self, SignedRequest};
use super::aws_error::AwsError;
use super::{logs, voice, Sandbox};

/// The largest request body the sandbox reads. The biggest valid Chime request is a few tens of KiB.
const MAX_BODY_BYTES: usize = 1024 * 1024;

pub(crate) fn router(sandbox: Arc<Sandbox>) -> Router {
    voice::routes()
        .route("/", axum::routing::post(logs::dispatch))
        .fallback(unknown_operation)
        .method_not_allowed_fallback(unknown_operation)
        .layer(middleware::from_fn_with_state(
            Arc::clone(&sandbox),
            aws_front_end,
        ))
        .with_state(sandbox)
}

async fn unknown_operation() -> AwsError {
    AwsError::unknown_operation()
}

/// The SigV4 signing name a request must carry: CloudWatch Logs' JSON protocol posts to `/` with
/// an X-Amz-Target; everything else here is Chime SDK Voice, whose signing name is `chime`.
fn signing_name(request: &Request) -> &'static str {
    let target = request
        .headers()
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if request.uri().path() == "/" && target.starts_with("Logs_") {
        "logs"
    } else {
        "chime"
    }
}

async fn aws_front_end(
    State(sandbox): State<Arc<Sandbox>>,
    request: Request,
    next: Next,
) -> Response {
    let request_id = uuid::Uuid::new_v4().to_string();
    let service = signing_name(&request);
    let mut response = match authenticate(&sandbox, request).await {
        Ok(request) => next.run(request).await,
        Err(error) => {
            tracing::info!(error = error.error_type, "request refused");
            match service {
                // awsJson1.1 services answer in their own error shape, with 400.
                "logs" => logs::LogsError::new(error.error_type, error.message).into_response(),
                _ => error.into_response(),
            }
        }
    };
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert("x-amzn-RequestId", value);
    }
    response
}

/// Reads the body (bounded) and checks the signature; hands back an equivalent request.
async fn authenticate(sandbox: &Sandbox, request: Request) -> Result<Request, AwsError> {
    let service = signing_name(&request);
    let (parts, body) = request.into_parts();
    let declared = parts
        .headers
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|len| len > MAX_BODY_BYTES) {
        return Err(AwsError::body_too_large(MAX_BODY_BYTES));
    }
    let bytes = axum::body::to_bytes(body, MAX_BODY_BYTES)
        .await
        .map_err(|_| AwsError::body_too_large(MAX_BODY_BYTES))?;
    let path_and_query = parts
        .uri
        .path_and_query()
        .map(|pq| pq.as_str())
        .unwrap_or("/");
    tracing::debug!(method = %parts.method, path = path_and_query, service, "request");
    auth::verify(
        &SignedRequest {
            method: parts.method.as_str(),
            path_and_query,
            headers: &parts.headers,
            body: &bytes,
        },
        &sandbox.credentials,
        &sandbox.config.region,
        service,
    )?;
    Ok(Request::from_parts(parts, Body::from(bytes)))
}
