//! `chimecall sandbox`: run the local Chime SDK Voice endpoint in the foreground.
//!
//! Its flags are declared here rather than in `cli.rs`: they are the emulator's settings, parsed
//! by the emulator's own parsers, and this file (with `demo.rs`) is the one place the client
//! names the emulator. `cli.rs` only mounts them as the `sandbox` subcommand, so nothing here
//! imports `cli` (no cycle).

use std::io::Write;

use clap::builder::TypedValueParser as _;

use chimecall_sandbox::defaults;
use chimecall_sandbox::faults::{ApiFault, FaultSettings, HandlerFault};
use chimecall_sandbox::quotas::{Limit, QuotaName, QuotaSettings};
use chimecall_sandbox::{CalleeBook, HangupWhileRinging, RunningSandbox, SandboxConfig};

use crate::exit::Failure;
use crate::output::Output;

#[derive(Debug, clap::Args)]
pub(crate) struct SandboxArgs {
    /// Port to listen on (0 picks a free one)
    #[arg(long, default_value_t = defaults::PORT)]
    pub(crate) port: u16,

    /// Address to listen on; anything but loopback exposes the sandbox to the network
    #[arg(long, default_value_t = defaults::BIND, value_name = "ADDR")]
    pub(crate) bind: std::net::IpAddr,

    /// Region the sandbox's account lives in (requests must be signed for it)
    #[arg(
        long = "sandbox-region",
        default_value = defaults::REGION,
        value_name = "REGION"
    )]
    pub(crate) sandbox_region: String,

    /// How many SIP media applications the account has (the first is CHIMECALL_SMA_ID)
    #[arg(long, default_value_t = defaults::SIP_MEDIA_APPLICATIONS, value_parser = clap::value_parser!(u16).range(1..=1000))]
    pub(crate) sip_media_applications: u16,

    /// How long a callee takes to answer (e.g. 2s, 300ms). Numbers ending in 486 are busy, in 480
    /// never answer, in 487 hang up 1 s after answering
    #[arg(long, default_value = defaults::ANSWER_AFTER, value_name = "DURATION", value_parser = crate::duration::parse)]
    pub(crate) answer_after: std::time::Duration,

    /// How long a phone rings before the call ends unanswered (HANGUP 480)
    #[arg(long, default_value = defaults::RING_TIMEOUT, value_name = "DURATION", value_parser = crate::duration::parse)]
    pub(crate) ring_timeout: std::time::Duration,

    /// The longest a call may last before the service ends it
    #[arg(long, default_value = defaults::MAX_CALL_DURATION, value_name = "DURATION", value_parser = crate::duration::parse)]
    pub(crate) max_call_duration: std::time::Duration,

    /// Set one of the account's quotas, as Service Quotas would (repeatable): create-rate,
    /// update-rate, filter-log-events-rate (requests per second), active-calls; a whole number or
    /// `unlimited`
    #[arg(
        long = "quota",
        value_name = "NAME=VALUE",
        long_help = quota_help(),
        value_parser = QuotaSettings::parse
    )]
    pub(crate) quotas: Vec<(QuotaName, Limit)>,

    /// Lift every quota not set with --quota (for benchmarks, and tests that measure other things)
    #[arg(long)]
    pub(crate) no_quotas: bool,

    /// Append one JSON line per request served to this file (time, operation, status, error, ms,
    /// client_request_id, transaction_id)
    #[arg(long, value_name = "PATH")]
    pub(crate) access_log: Option<std::path::PathBuf>,

    /// Send invocation events to this Lambda Invoke API endpoint (cargo lambda watch, sam local
    /// start-lambda) instead of the built-in handler
    #[arg(long, value_name = "URL")]
    pub(crate) handler: Option<String>,

    /// How long the SIP media application waits for its handler before retrying
    #[arg(long, default_value = defaults::HANDLER_TIMEOUT, value_name = "DURATION", value_parser = crate::duration::parse)]
    pub(crate) handler_timeout: std::time::Duration,

    /// Inject a fault into CreateSipMediaApplicationCall and UpdateSipMediaApplicationCall with
    /// probability P (repeatable): error-before=P (500, nothing done), unavailable-before=P (503,
    /// nothing done), error-after=P (done, then 500), drop-after=P (done, then the connection is
    /// closed unanswered), slow-after=P (done, the answer held 10 minutes)
    #[arg(long = "fault", value_name = "NAME=P", value_parser = FaultSettings::parse_api)]
    pub(crate) faults: Vec<(ApiFault, f64)>,

    /// Make the handler fail with probability P (repeatable): timeout=P (no answer within
    /// --handler-timeout), error=P (a function error)
    #[arg(long = "handler-fault", value_name = "NAME=P", value_parser = FaultSettings::parse_handler)]
    pub(crate) handler_faults: Vec<(HandlerFault, f64)>,

    /// Shorthand for --quota create-rate=N: 429 ThrottledClientException to creates above N per
    /// second (nothing is done)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub(crate) throttle_cps: Option<u32>,

    /// Seed the fault dice and the callee mixes, for runs that repeat (--fault-seed is an alias)
    #[arg(long, alias = "fault-seed", value_name = "N")]
    pub(crate) seed: Option<u64>,

    /// Start in the background and return once it serves: prints the six export lines and a
    /// seventh, CHIMECALL_SANDBOX_PID, for `eval "$(chimecall sandbox --detach)"`
    #[arg(long)]
    pub(crate) detach: bool,

    /// The handler's function name (the SIP media application's LambdaArn ends with it; its logs
    /// go to /aws/lambda/NAME)
    #[arg(long, default_value = defaults::FUNCTION_NAME, value_name = "NAME")]
    pub(crate) function_name: String,

    /// Script the callees: a TOML file of [[callee]] entries (number, answer_after, busy,
    /// no_answer, reject, press, hangup_after, weight); numbers it does not match keep the rules
    /// by their last digits
    #[arg(long, value_name = "FILE")]
    pub(crate) callees: Option<std::path::PathBuf>,

    /// Run simulated time F times faster (ringing, answers, presses, prompts, pauses, digit
    /// timeouts, the ring timeout, the maximum call duration); the handler timeout is not scaled
    #[arg(long, default_value_t = 1.0, value_name = "F")]
    pub(crate) time_scale: f64,

    /// What a Hangup action does to a call that still rings: `ends` it unanswered, or `fails`
    /// (ACTION_FAILED InvalidActionParameter, and the phone rings on), as a user reports of AWS
    #[arg(
        long,
        default_value_t = defaults::HANGUP_WHILE_RINGING,
        value_name = "ends|fails",
        value_parser = clap::builder::PossibleValuesParser::new(["ends", "fails"])
            .map(|value| HangupWhileRinging::parse(&value).expect("one of the possible values"))
    )]
    pub(crate) hangup_while_ringing: HangupWhileRinging,
}

/// `--quota`'s help: the defaults come from the sandbox's one table of them.
fn quota_help() -> String {
    format!(
        "Set one of the account's quotas, as Service Quotas would (repeatable): create-rate, \
         update-rate, filter-log-events-rate (requests per second), active-calls; a whole number \
         or `unlimited`. Defaults, a fresh AWS account's: {}",
        QuotaSettings::defaults_help()
    )
}

pub(crate) async fn run(args: SandboxArgs, output: &Output) -> anyhow::Result<()> {
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
        hangup_while_ringing: args.hangup_while_ringing,
    };
    config.validate().map_err(Failure::usage)?;
    serve(config, output).await
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
    let stop = crate::signals::StopWatch::start_second_exits();
    let loopback = config.bind.is_loopback();
    if let Some(path) = &config.access_log {
        // Refused before anything starts, like any other bad flag.
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| {
                Failure::usage(format!("--access-log {}: {e}", crate::text::path(path)))
            })?;
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
