//! A panic is a bug, and it ends the process: one line on stderr and exit 1, whatever thread
//! or task it happened in. Left to itself a panicking tokio task only ends that task: a bulk run
//! whose row tasks all panicked waited for them for ever, deaf to Ctrl-C and SIGTERM. No stack
//! trace unless RUST_BACKTRACE asks for one.

use std::panic::PanicHookInfo;

use chimecall_model::rules;

use crate::exit::Exit;

/// Installs the hook: the first thing `main` does.
pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        crate::output::print_error(&report(info));
        let backtrace = std::backtrace::Backtrace::capture();
        if backtrace.status() == std::backtrace::BacktraceStatus::Captured {
            crate::output::to_stderr(&crate::text::sanitize(&backtrace.to_string()));
        }
        std::process::exit(Exit::Failure.code());
    }));
}

/// The one line a panic prints: what it said (cut short and escaped, as any text that may
/// hold input) and where.
fn report(info: &PanicHookInfo<'_>) -> String {
    let payload = info
        .payload()
        .downcast_ref::<&str>()
        .map(|text| text.to_string())
        .or_else(|| info.payload().downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".to_string());
    let place = info
        .location()
        .map(|at| format!(" at {}:{}", at.file(), at.line()))
        .unwrap_or_default();
    describe(&payload, &place)
}

fn describe(payload: &str, place: &str) -> String {
    format!(
        "internal error (a bug in chimecall; please report it): {}{place}",
        rules::quoted(payload)
    )
}

/// A test-only way to make a task panic (debug builds only: `CHIMECALL_TEST_PANIC=task`), so
/// the integration tests can prove a panicking task ends the process instead of hanging it.
pub(crate) async fn test_trigger() {
    #[cfg(debug_assertions)]
    if std::env::var("CHIMECALL_TEST_PANIC").as_deref() == Ok("task") {
        let task = tokio::spawn(async { panic!("test panic from a task: {}", "x".repeat(500)) });
        // The main task goes on waiting, as a bulk run waits for its rows.
        let _ = task.await;
        std::future::pending::<()>().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_report_is_one_short_escaped_line_that_never_says_panicked() {
        let long = format!("valid request: \u{1b}[2J{}", "a".repeat(70_000));
        let line = describe(&long, " at src/x.rs:3");
        assert!(line.len() < 200, "{line}");
        assert!(!line.contains('\n') && !line.contains('\u{1b}'), "{line}");
        assert!(!line.contains("panicked"), "{line}");
        assert!(line.contains("\\u{1b}[2J"), "{line}");
        assert!(line.ends_with(" at src/x.rs:3"), "{line}");
    }
}
