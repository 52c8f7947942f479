//! Integration tests: the real `chimecall` binary against a real sandbox (or a fake endpoint),
//! always in a hermetic environment.

mod call_flows;
mod call_state;
mod campaigns;
mod cli;
mod dial_hangup;
mod faults;
mod hostile;
mod independent_client;
mod interrupts;
mod journal;
mod logs_api;
mod policy;
mod profile;
mod quotas;
mod runbooks;
mod sandbox;
mod secrets;
mod support;
