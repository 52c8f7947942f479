//! Waiting for the user to stop us: Ctrl-C (SIGINT) or SIGTERM.
//!
//! A command that must finish what it started (a dial whose request is in flight, a bulk run)
//! starts a `StopWatch` first: from then on a signal no longer kills the process, it is recorded,
//! and the command decides when to stop.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use tokio::sync::Notify;

/// Signals caught from the moment it is started.
#[derive(Clone)]
pub(crate) struct StopWatch {
    stopped: Arc<AtomicBool>,
    notify: Arc<Notify>,
}

impl StopWatch {
    /// Installs the handlers now (the first signal after this returns is caught).
    pub(crate) fn start() -> StopWatch {
        let watch = StopWatch {
            stopped: Arc::new(AtomicBool::new(false)),
            notify: Arc::new(Notify::new()),
        };
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            let interrupt = signal(SignalKind::interrupt());
            let terminate = signal(SignalKind::terminate());
            let flag = watch.clone();
            if let (Ok(mut interrupt), Ok(mut terminate)) = (interrupt, terminate) {
                tokio::spawn(async move {
                    tokio::select! {
                        _ = interrupt.recv() => {}
                        _ = terminate.recv() => {}
                    }
                    flag.stop();
                });
            }
        }
        #[cfg(not(unix))]
        {
            let flag = watch.clone();
            tokio::spawn(async move {
                let _ = tokio::signal::ctrl_c().await;
                flag.stop();
            });
        }
        watch
    }

    fn stop(&self) {
        self.stopped.store(true, Ordering::SeqCst);
        self.notify.notify_waiters();
    }

    pub(crate) fn is_stopped(&self) -> bool {
        self.stopped.load(Ordering::SeqCst)
    }

    /// Resolves once a signal has come (at once if one already has).
    pub(crate) async fn stopped(&self) {
        loop {
            let notified = self.notify.notified();
            tokio::pin!(notified);
            // Registered before the check, so a signal in between is not missed.
            notified.as_mut().enable();
            if self.is_stopped() {
                return;
            }
            notified.await;
        }
    }
}
