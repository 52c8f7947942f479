//! The AWS front end the sandbox puts before its operations: the routes of both services, a
//! bounded body read, SigV4 verification for the service the request is for, a request id on
//! every answer, AWS's answer for anything no operation is bound to, and the access log's line
//! for every request.
//!
//! The order of the checks, as at AWS: the body is read, the signature checked, and only then
//! does an operation see the request, where the rate quota comes first (a throttled request is
//! never acted on, and meets no injected fault), then faults, input validation, and the
//! active-calls quota. So an unsigned or oversized request never counts against a quota.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;

use super::access_log::{Arrival, Entry, RequestFacts};
use super::auth::{self, SignedRequest};
use super::aws_error::AwsError;
use super::{logs, voice, Sandbox};

/// The largest request body the sandbox reads. The biggest valid Chime request is a few tens of KiB.
const MAX_BODY_BYTES: usize = 1024 * 1024;
/// A body over the limit is still read, up to this much, and thrown away before the 413: a
/// client still sending it would otherwise meet a closed socket ("broken pipe") instead of the
/// answer. Past this, the connection is closed without reading further.
const MAX_DRAINED_BYTES: usize = 16 * 1024 * 1024;

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
    mut request: Request,
    next: Next,
) -> Response {
    let arrival = Arrival::now();
    let request_id = uuid::Uuid::new_v4().to_string();
    let service = signing_name(&request);
    let mut entry = sandbox.access_log.as_ref().map(|log| {
        log.begin(
            arrival,
            RequestFacts {
                operation: &operation_name(&request),
                method: request.method().as_str(),
                path: request.uri().path(),
                request_id: &request_id,
            },
        )
    });
    request.extensions_mut().insert(arrival);
    if let Some(entry) = &entry {
        request.extensions_mut().insert(entry.call_note());
    }
    let mut response = match authenticate(&sandbox, request, entry.as_mut()).await {
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
    if response.status() == StatusCode::PAYLOAD_TOO_LARGE {
        // What is left of an oversized body is not read: the connection cannot be reused.
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    if let Some(entry) = entry {
        entry.finish(&response);
    }
    response
}

/// The operation a request names, for the access log: by its route, or its X-Amz-Target.
fn operation_name(request: &Request) -> String {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str());
    let method = request.method().as_str();
    let named = match route {
        Some("/") => logs::operation_name(request.headers()),
        Some(route) => voice::operation_name(method, route),
        None => None,
    };
    named.unwrap_or("unknown").to_string()
}

/// Reads the body (bounded) and checks the signature; hands back an equivalent request.
async fn authenticate(
    sandbox: &Sandbox,
    request: Request,
    entry: Option<&mut Entry>,
) -> Result<Request, AwsError> {
    let service = signing_name(&request);
    let (parts, body) = request.into_parts();
    let declared = parts
        .headers
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    let bytes = read_body(body, declared).await?;
    if let Some(entry) = entry {
        entry.note_body(&bytes);
    }
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

/// The body, up to `MAX_BODY_BYTES`. A larger one is read to its end (up to
/// `MAX_DRAINED_BYTES`) and dropped, so the client is done sending when the 413 comes.
async fn read_body(body: Body, declared: Option<usize>) -> Result<Bytes, AwsError> {
    use http_body_util::BodyExt;
    let too_large = || AwsError::body_too_large(MAX_BODY_BYTES);
    if declared.is_some_and(|len| len > MAX_DRAINED_BYTES) {
        return Err(too_large());
    }
    let mut body = body;
    let mut kept = Vec::new();
    let mut total = 0usize;
    while let Some(frame) = body.frame().await {
        // A client that stops sending midway gets no answer it could read anyway.
        let frame =
            frame.map_err(|_| AwsError::bad_request("The request body could not be read"))?;
        let Ok(data) = frame.into_data() else {
            continue;
        };
        total = total.saturating_add(data.len());
        if total > MAX_DRAINED_BYTES {
            return Err(too_large());
        }
        if total <= MAX_BODY_BYTES {
            kept.extend_from_slice(&data);
        }
    }
    if total > MAX_BODY_BYTES {
        return Err(too_large());
    }
    Ok(Bytes::from(kept))
}
