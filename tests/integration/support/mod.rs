//! Shared test plumbing: a hermetic environment, a real sandbox process on an ephemeral port,
//! commands watched as they run, and readers for what the sandbox records.
//!
//! Every command a test runs starts from an empty environment, so no ambient AWS configuration,
//! credentials, endpoint, HOME state or CHIMECALL_* setting can change what the test sees.
//!
//! Nor can two commands share state by accident: each gets a HOME and a journal of its own (see
//! [`hermetic_command`]). Commands that are meant to share a journal (dial, then `calls`,
//! `hangup --all` or `--resume`) say so: [`Sandbox::chimecall`] gives all of one sandbox's
//! commands its journal, and [`Journal`] does the same without a sandbox.
//!
//! A loaded machine must not break a test: a signal goes to a command once it has printed the
//! line that shows it is under way ([`Spawned::wait_for_line`]), a wait for a condition polls
//! it, and service-side timing is read from the sandbox's access log ([`access_log`]), never
//! from the wall clock around a command (which only bounds a hang, generously).
//!
//! - `hermetic.rs`: scratch directories, the hermetic command, shared journals, rows files.
//! - `sandbox.rs`: the sandbox process, its variables, journal and access log.
//! - `profiles.rs`: AWS config files with a profile pointing at a sandbox.
//! - `running.rs`: running a command to its end, its JSON lines.
//! - `children.rs`: commands in the background, their output line by line, signals.
//! - `access_log.rs`: the sandbox's access log, and its clock.
//! - `logs.rs`: the sandbox's CloudWatch Logs through the SDK: handler events, test log lines.
//! - `fake_http.rs`, `fake_endpoint.rs`, `fake_lambda.rs`: the fakes for what the sandbox
//!   does not play (a broken AWS endpoint, a Lambda Invoke API) and the HTTP server under them.
//! - `deployable.rs`: the deployable call-out handler (`deploy/handler.py`) behind the Lambda
//!   Invoke API (`deploy/local_runner.py`), for a sandbox's `--handler`.
//! - `dynamodb.rs`: moto's server as the team journal's DynamoDB (`--journal dynamodb:TABLE`),
//!   the machines of a team that share it, and a fault proxy in front of it
//!   (`ddb_fault_proxy.py`).

pub mod access_log;
mod children;
pub mod deployable;
pub mod dynamodb;
pub mod fake_endpoint;
pub mod fake_http;
pub mod fake_lambda;
mod hermetic;
mod logs;
mod profiles;
mod running;
mod sandbox;
pub mod test_venv;

pub use children::{signal, Spawned, Stream};
pub use deployable::DeployableHandler;
pub use dynamodb::{DynamoDb, FaultProxy};
pub use hermetic::{
    chimecall, csv_of, fresh_dir, hermetic_command, journal_export, path_str, rewrite_journal,
    with_default_guard, Journal, BIN,
};
pub use logs::{
    first_handler_event_ms, handler_events, logs_client, put_log_lines, wait_for_handler_events,
};
pub use profiles::sandbox_profile;
pub use running::{json_lines, repo_root, run, Finished};
pub use sandbox::Sandbox;
