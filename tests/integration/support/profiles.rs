//! AWS shared config files for a sandbox: a profile with its region, endpoint, keys and
//! chimecall's own `chimecall_*` keys, for tests of settings read from the profile.

use std::path::PathBuf;

use super::{fresh_dir, Sandbox};

/// A config file (in a fresh scratch directory) whose `[profile NAME]` points at `sandbox`,
/// with `chimecall_sma_id`, `chimecall_from` and the lines of `extra` (e.g.
/// `"chimecall_guard = off\n"`).
pub fn sandbox_profile(sandbox: &Sandbox, name: &str, extra: &str) -> PathBuf {
    let path = fresh_dir("aws-config").join("config");
    let text = format!(
        "[profile {name}]\nregion = {}\nendpoint_url = {}\naws_access_key_id = {}\n\
         aws_secret_access_key = {}\nchimecall_sma_id = {}\nchimecall_from = {}\n{extra}",
        sandbox.var("AWS_REGION"),
        sandbox.endpoint(),
        sandbox.var("AWS_ACCESS_KEY_ID"),
        sandbox.var("AWS_SECRET_ACCESS_KEY"),
        sandbox.sma_id(),
        sandbox.caller_id(),
    );
    std::fs::write(&path, text).expect("write the AWS config file");
    path
}
