//! Integration tests: the real `chimecall` binary against a real sandbox (or a fake endpoint),
//! always in a hermetic environment.

mod bad_records;
mod batch_names;
mod bounded_reads;
mod call_flows;
mod call_state;
mod callout;
mod callout_runs;
mod campaigns;
mod cli;
mod deployable;
mod dial_hangup;
mod escalation;
mod faults;
mod guard;
mod hostile;
mod independent_client;
mod interrupts;
mod journal;
mod logs_api;
mod lost_events;
mod policy;
mod profile;
mod quotas;
mod runbooks;
mod sandbox;
mod secrets;
mod support;
mod team_journal;
mod team_runs;
