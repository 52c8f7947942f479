//! The AWS front end the sandbox puts before its operations: a bounded body read, SigV4
//! verification for the service the request is for, a request id on every answer, and AWS's
//! answer for anything no operation is bound to.

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
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

pub fn router(sandbox: Arc<Sandbox>) -> Router {
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

/// Lets a request handler close its connection without answering (the `drop-after` fault): the
/// connection's task stops serving it, and the socket is closed.
#[derive(Clone)]
pub struct DropConnection(Arc<tokio::sync::Notify>);

impl DropConnection {
    pub fn now(&self) {
        self.0.notify_one();
    }
}

/// Serves `app` on `listener` until `stop` fires: HTTP/1.1, one task per connection, each request
/// carrying its connection's [`DropConnection`].
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    stop: tokio::sync::oneshot::Receiver<()>,
) -> std::io::Result<()> {
    use tower::ServiceExt;
    tokio::pin!(stop);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(error) => {
                    // Out of file descriptors and the like: wait, then go on serving.
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut stop => return Ok(()),
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        tokio::spawn(async move {
            let kill = Arc::new(tokio::sync::Notify::new());
            let dropper = DropConnection(Arc::clone(&kill));
            let service = hyper::service::service_fn(
                move |mut request: http::Request<hyper::body::Incoming>| {
                    request.extensions_mut().insert(dropper.clone());
                    let app = app.clone();
                    async move { app.oneshot(request.map(Body::new)).await }
                },
            );
            let connection = hyper::server::conn::http1::Builder::new()
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service);
            tokio::select! {
                _ = connection => {}
                _ = kill.notified() => {}
            }
        });
    }
}
