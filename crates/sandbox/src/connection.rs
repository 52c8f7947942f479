//! Serving connections: HTTP/1.1, one task per connection. It is its own module because an
//! operation may need to close the connection it arrived on (the `drop-after` fault), so each
//! request carries a [`DropConnection`] for its connection, and both the server loop and the
//! operations use it.

use std::sync::Arc;

use axum::body::Body;
use axum::Router;

/// Lets an operation close its connection without answering (the `drop-after` fault): the
/// connection's task stops serving it, and the socket is closed.
#[derive(Clone)]
pub(crate) struct DropConnection(Arc<tokio::sync::Notify>);

impl DropConnection {
    pub(crate) fn now(&self) {
        self.0.notify_one();
    }
}

/// Serves `app` on `listener` until `stop` fires: HTTP/1.1, one task per connection, each request
/// carrying its connection's [`DropConnection`].
pub(crate) async fn serve(
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
