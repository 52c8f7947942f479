//! `chimecall sandbox`: run the local Chime SDK Voice endpoint in the foreground.

use std::io::Write;

use crate::output::Output;
use crate::sandbox::{RunningSandbox, SandboxConfig};

pub async fn run(config: SandboxConfig, output: &Output) -> anyhow::Result<()> {
    let loopback = config.bind.is_loopback();
    let sandbox = RunningSandbox::start(config.clone()).await.map_err(|e| {
        crate::exit::Failure::new(
            crate::exit::Exit::Config,
            format!("cannot listen on {}:{}: {e}", config.bind, config.port),
        )
    })?;
    // Exactly six lines on stdout, flushed before serving, so a script can `eval` them.
    {
        let mut stdout = std::io::stdout().lock();
        for (name, value) in sandbox.info.exports() {
            writeln!(stdout, "export {name}={value}")?;
        }
        stdout.flush()?;
    }
    output.note(format!(
        "chimecall sandbox: Chime SDK Voice on {} (region {}); SIP media application {}, caller id {}.\n\
         Point chimecall or any AWS SDK at it with the variables above. Ctrl-C stops it.",
        sandbox.info.endpoint_url,
        sandbox.info.region,
        sandbox.info.sma_id,
        sandbox.info.from_number
    ));
    if !loopback {
        output.note(format!(
            "warning: listening on {}: anyone who can reach this address can use the sandbox",
            sandbox.address
        ));
    }
    crate::signals::shutdown_requested().await;
    output.note("chimecall sandbox: stopping");
    sandbox.stop().await?;
    Ok(())
}
