//! The call-out flow (docs/callout.md): chimecall puts the message and the acknowledgement key in
//! the ArgumentsMap, the handler speaks them and listens for the key. One table of scenarios holds
//! any handler to the contract ([`scenarios::run_scenarios`]); the built-in handler runs it here,
//! and the first bar line runs a bulk call-out against the sandbox's defaults.
//!
//! - `protocol.rs`: reading a handler's invocations (events and answers) from its log group.
//! - `scenarios.rs`: the table and its runner.
//! - `bar.rs`: four on-call rows, each with its own text, through `dial --file`.

mod bar;
mod protocol;
pub mod scenarios;

/// The same table, through the handler to deploy at AWS (`deploy/handler.py`) behind the Lambda
/// Invoke API: a change to one handler that the other does not share fails here or above.
#[test]
fn the_deployable_handler_runs_the_same_table() {
    let handler = crate::support::DeployableHandler::start();
    scenarios::run_scenarios(&handler.sandbox_args(&[]));
}
