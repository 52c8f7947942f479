//! `chimecall sandbox`: run the local Chime SDK Voice endpoint in the foreground.

use std::io::Write;

use chimecall_sandbox::faults::FaultSettings;
use chimecall_sandbox::quotas::{Limit, QuotaName, QuotaSettings};
use chimecall_sandbox::{CalleeBook, RunningSandbox, SandboxConfig};

use super::Context;
use crate::cli::SandboxArgs;
use crate::exit::Failure;
use crate::output::Output;

pub(crate) async fn run(args: SandboxArgs, context: &Context) -> anyhow::Result<()> {
    if args.detach {
        return detach();
    }
    let quotas = quotas_asked_for(&args)?;
    let config = SandboxConfig {
        bind: args.bind,
        port: args.port,
        quotas,
        access_log: args.access_log,
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

/// `--quota`, `--no-quotas` and `--throttle-cps` (short for `--quota create-rate=N`).
fn quotas_asked_for(args: &SandboxArgs) -> Result<QuotaSettings, Failure> {
    let mut overrides = args.quotas.clone();
    if let Some(rate) = args.throttle_cps {
        if overrides
            .iter()
            .any(|(name, _)| *name == QuotaName::CreateRate)
        {
            return Err(Failure::usage(
                "--throttle-cps N is --quota create-rate=N: give one of them",
            ));
        }
        overrides.push((QuotaName::CreateRate, Limit::AtMost(rate)));
    }
    QuotaSettings::from_flags(&args.sandbox_region, args.no_quotas, &overrides)
        .map_err(Failure::usage)
}

/// Serves in the foreground until Ctrl-C or SIGTERM.
async fn serve(config: SandboxConfig, output: &Output) -> anyhow::Result<()> {
    // Caught from before the export lines: a supervisor that stops the sandbox as soon as it has
    // read them gets a clean stop, not the signal's default.
    let stop = crate::signals::StopWatch::start();
    let loopback = config.bind.is_loopback();
    if let Some(path) = &config.access_log {
        // Refused before anything starts, like any other bad flag.
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| Failure::usage(format!("--access-log {}: {e}", path.display())))?;
    }
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
    output.note(format!(
        "Quotas in force: {}.{}",
        config.quotas,
        if config.quotas == QuotaSettings::unlimited() {
            ""
        } else {
            " As a fresh AWS account has them: --quota NAME=VALUE changes one, --no-quotas lifts them."
        }
    ));
    if let Some(path) = &config.access_log {
        output.note(format!(
            "Access log: one JSON line per request in {}",
            path.display()
        ));
    }
    if !loopback {
        output.note(format!(
            "warning: listening on {}: anyone who can reach this address can use the sandbox",
            sandbox.address
        ));
    }
    stop.stopped().await;
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
