//! `chimecall sandbox`: run the local Chime SDK Voice endpoint in the foreground.

use std::io::Write;

use chimecall_sandbox::faults::FaultSettings;
use chimecall_sandbox::{CalleeBook, RunningSandbox, SandboxConfig};

use super::Context;
use crate::cli::SandboxArgs;
use crate::exit::Failure;
use crate::output::Output;

pub(crate) async fn run(args: SandboxArgs, context: &Context) -> anyhow::Result<()> {
    if args.detach {
        return detach();
    }
    let config = SandboxConfig {
        bind: args.bind,
        port: args.port,
        region: args.sandbox_region,
        sip_media_applications: usize::from(args.sip_media_applications),
        answer_after: args.answer_after,
        ring_timeout: args.ring_timeout,
        max_call_duration: args.max_call_duration,
        handler_url: args.handler,
        handler_timeout: args.handler_timeout,
        function_name: args.function_name,
        faults: FaultSettings {
            api: args.faults,
            handler: args.handler_faults,
            throttle_cps: args.throttle_cps,
            seed: args.seed,
        },
        callees: match &args.callees {
            Some(path) => CalleeBook::load(path).map_err(Failure::usage)?,
            None => CalleeBook::default(),
        },
        time_scale: args.time_scale,
        seed: args.seed,
    };
    config.validate().map_err(Failure::usage)?;
    serve(config, &context.output).await
}

/// Serves in the foreground until Ctrl-C or SIGTERM.
async fn serve(config: SandboxConfig, output: &Output) -> anyhow::Result<()> {
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

/// `--detach`: runs the same command line (less `--detach`) as a background process, relays its
/// six export lines and adds its PID. The child gets stdout of its own, so a `$(...)` around this
/// command returns as soon as the sandbox serves.
fn detach() -> anyhow::Result<()> {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let exe = std::env::current_exe()?;
    let args: Vec<std::ffi::OsString> = std::env::args_os()
        .skip(1)
        .filter(|arg| arg != "--detach")
        .collect();
    let mut command = Command::new(exe);
    command
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // Out of the terminal's job: a later Ctrl-C does not stop it; `kill PID` does.
        command.process_group(0);
    }
    let mut child = command.spawn()?;
    let mut lines = BufReader::new(child.stdout.take().expect("piped stdout"));
    let mut exports = Vec::new();
    for _ in 0..6 {
        let mut line = String::new();
        if lines.read_line(&mut line)? == 0 {
            let status = child.wait()?;
            return Err(crate::exit::Failure::new(
                crate::exit::Exit::Config,
                format!("the sandbox did not start ({status}); run it without --detach to see why"),
            )
            .into());
        }
        exports.push(line);
    }
    let mut stdout = std::io::stdout().lock();
    for line in exports {
        stdout.write_all(line.as_bytes())?;
    }
    writeln!(stdout, "export CHIMECALL_SANDBOX_PID={}", child.id())?;
    stdout.flush()?;
    Ok(())
}
