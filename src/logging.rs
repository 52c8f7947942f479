//! Diagnostics on stderr through `tracing`, at the verbosity asked for.
//!
//! The AWS SDK's own logs are capped at DEBUG: its TRACE level writes canonical requests, which
//! chimecall never shows (credentials, session tokens and signatures never reach output).

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

pub fn init(verbose: u8, quiet: bool, server: bool) {
    let filter = if quiet {
        "error"
    } else {
        match (verbose, server) {
            (0, false) => "warn,aws_config=error,aws_runtime=error,aws_smithy_runtime=error",
            (0, true) => "warn,chimecall=info",
            (1, _) => "info,chimecall=debug,aws_smithy_runtime::client::retries=debug",
            (2, _) => "debug,hyper=info,h2=info",
            _ => "debug,chimecall=trace,hyper=info,h2=info",
        }
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::new(filter))
        .with_writer(std::io::stderr)
        .with_target(verbose > 0)
        .with_ansi(std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none())
        .try_init();
}
