//! chimecall: place, end and follow outbound phone calls through Amazon Chime SDK PSTN audio.
//!
//! `run` is the whole program after argument parsing; `main.rs` only maps its outcome to an exit
//! code. The library is public so tests and benchmarks can use the same pieces.

pub mod aws;
pub mod call;
pub mod cli;
pub mod commands;
pub mod duration;
pub mod event;
pub mod exit;
pub mod follow;
pub mod journal;
pub mod logging;
pub mod output;
pub mod pacing;
pub mod resolve;
pub mod rows;
pub mod signals;

use cli::{Cli, Command};
use exit::{Exit, Failure};
use output::Output;

/// Runs a parsed command line and returns how the process should exit.
pub fn run(cli: Cli) -> Exit {
    // --redact: set before anything is printed, for every path to stderr.
    output::set_stderr_redaction(cli.global.redact);
    let output = Output::new(cli.global.output, cli.global.quiet).with_redaction(cli.global.redact);
    // Special modes need no runtime, no configuration and no credentials.
    let result = match &cli.command {
        Command::Completions(args) => generate_completions(args),
        Command::Man => {
            commands::generate::man_page(&mut std::io::stdout().lock()).map_err(anyhow::Error::from)
        }
        _ => {
            logging::init(
                cli.global.verbose,
                cli.global.quiet,
                is_server(&cli.command),
                cli.global.redact,
            );
            run_async(cli, &output)
        }
    };
    match result {
        Ok(()) => Exit::Ok,
        Err(error) => {
            let exit = exit::exit_for(&error);
            if !exit::is_broken_pipe(&error) {
                let message = format!("{error:#}");
                if !message.is_empty() {
                    output::print_error(&message);
                }
            }
            exit
        }
    }
}

fn is_server(command: &Command) -> bool {
    matches!(command, Command::Sandbox(_))
}

fn generate_completions(args: &cli::CompletionsArgs) -> anyhow::Result<()> {
    match &args.dir {
        Some(dir) => {
            let path = dir.join(commands::generate::completion_file_name(args.shell));
            let mut file = std::fs::File::create(&path)?;
            commands::generate::completions(args.shell, &mut file)?;
        }
        None => commands::generate::completions(args.shell, &mut std::io::stdout().lock())?,
    }
    Ok(())
}

fn run_async(cli: Cli, output: &Output) -> anyhow::Result<()> {
    let runtime = if is_server(&cli.command) || matches!(cli.command, Command::Demo(_)) {
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()?
    } else {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?
    };
    runtime.block_on(dispatch(cli, output))
}

fn aws_settings(global: &cli::GlobalArgs) -> aws::AwsSettings {
    aws::AwsSettings {
        profile: global.profile.clone(),
        region: global.region.clone(),
        endpoint_url: global.endpoint_url.clone(),
        timeouts: aws::Timeouts {
            connect: global.connect_timeout,
            attempt: global.attempt_timeout,
            operation: global.operation_timeout,
        },
    }
}

async fn dispatch(cli: Cli, output: &Output) -> anyhow::Result<()> {
    let settings = aws_settings(&cli.global);
    match cli.command {
        Command::Dial(args) => dial(args, &settings, output).await,
        Command::Hangup(args) => hangup(args, &settings, output).await,
        Command::Update(args) => {
            let sma_id = commands::require_sma_id(args.target.sma_id)?;
            let arguments = call::parse_pairs("--arg", &args.args)?;
            let config = aws::load_config(&settings).await?;
            commands::update::update_calls(
                &sma_id,
                std::slice::from_ref(&args.transaction_id),
                &arguments,
                &config,
                output,
            )
            .await
        }
        Command::Calls(args) => commands::calls::list(args.active, args.since, output),
        Command::Resolve(args) => {
            let config = aws::load_config(&settings).await?;
            let options = commands::resolve::ResolveOptions {
                since: args.since,
                settle: args.settle,
                min_age: args.min_age,
                log_group: args.log_group,
            };
            commands::resolve::run(options, &config, output).await
        }
        Command::Tail(args) => {
            chimecall_model::rules::check_path_id("TransactionId", &args.transaction_id)
                .map_err(|v| Failure::usage(format!("TRANSACTION_ID: {}", v.problem)))?;
            if args.transaction_id.contains('"') {
                return Err(Failure::usage("TRANSACTION_ID: a TransactionId has no quotes").into());
            }
            let config = aws::load_config(&settings).await?;
            let options = commands::tail::TailOptions {
                transaction_id: args.transaction_id,
                source: commands::tail::EventSource {
                    sma_id: args.target.sma_id.filter(|id| !id.is_empty()),
                    log_group: args.log_group,
                    start_ms: args.since.start_ms(),
                },
                follow: args.follow,
                interval: args.interval,
            };
            commands::tail::tail(options, &config, output).await
        }
        Command::Sandbox(args) if args.detach => commands::sandbox::detach(),
        Command::Sandbox(args) => {
            let config = chimecall_sandbox::SandboxConfig {
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
                faults: chimecall_sandbox::faults::FaultSettings {
                    api: args.faults,
                    handler: args.handler_faults,
                    throttle_cps: args.throttle_cps,
                    seed: args.fault_seed,
                },
            };
            config.validate().map_err(Failure::usage)?;
            commands::sandbox::run(config, output).await
        }
        Command::Demo(args) => commands::demo::run(args.to).await,
        Command::Completions(_) | Command::Man => Ok(()),
    }
}

async fn dial(
    args: cli::DialArgs,
    settings: &aws::AwsSettings,
    output: &Output,
) -> anyhow::Result<()> {
    let sma_id = commands::require_sma_id(args.target.sma_id)?;
    let from = args.from.filter(|f| !f.is_empty());
    let arguments = call::parse_pairs("--arg", &args.args)?;
    let sip_headers = call::parse_pairs("--sip-header", &args.sip_headers)?;
    if let Some(file) = args.bulk.file {
        if let Some(from) = &from {
            chimecall_model::rules::check_phone_number("FromPhoneNumber", from)
                .map_err(|v| Failure::usage(format!("--from: {}", v.problem)))?;
        }
        let options = commands::bulk::BulkOptions {
            file: (file.as_os_str() != "-").then_some(file),
            defaults: rows::RowDefaults {
                sma_id,
                from,
                arguments,
                sip_headers,
            },
            rate: args.bulk.rate,
            concurrency: usize::from(args.bulk.concurrency),
            resume: args.bulk.resume,
            retry_unknown: args.bulk.retry_unknown,
            strict: args.bulk.strict,
            request_id: !args.no_request_id,
        };
        let config = aws::load_config(settings).await?;
        let journal = journal::Journal::open(&journal::default_path()?)?;
        return commands::bulk::run(options, journal, &config, output).await;
    }
    let call = call::CallRequest {
        sma_id,
        from: from
            .ok_or_else(|| Failure::usage("no caller id: pass --from or set CHIMECALL_FROM"))?,
        to: args.to.unwrap_or_default(),
        arguments,
        sip_headers,
    };
    call.validate()?;
    let request_id = !args.no_request_id;
    if request_id {
        call.check_room_for_request_id()
            .map_err(|problem| Failure::usage(format!("--arg: {problem}")))?;
    }
    if args.dry_run {
        let config = aws::load_config_for_display(settings).await?;
        let shown = if request_id {
            call.with_request_id("<a new id for each dial>")
        } else {
            call.clone()
        };
        output.result(&commands::dial::DryRun::new(&shown, &config))?;
        return Ok(());
    }
    let config = aws::load_config(settings).await?;
    let wait = args.wait.wait.map(|state| commands::dial::WaitPlan {
        wanted: match state {
            cli::WaitState::Answered => commands::tail::WaitFor::Answered,
            cli::WaitState::Ended => commands::tail::WaitFor::Ended,
        },
        timeout: args.wait.timeout,
        log_group: args.wait.log_group,
    });
    let journal = journal::Journal::open(&journal::default_path()?)?;
    commands::dial::dial_and_report(call, request_id, wait, &journal, &config, output).await
}

async fn hangup(
    args: cli::HangupArgs,
    settings: &aws::AwsSettings,
    output: &Output,
) -> anyhow::Result<()> {
    let arguments = if args.args.is_empty() {
        commands::update::hangup_arguments()
    } else {
        call::parse_pairs("--arg", &args.args)?
    };
    let targets: Vec<commands::update::Target> = if args.all {
        let entries = commands::calls::load(false, args.since, output)?;
        let unknown = entries
            .iter()
            .filter(|e| e.outcome == journal::OutcomeKind::Unknown)
            .count();
        if unknown > 0 {
            output.note(format!(
                "warning: {unknown} dials have an unknown outcome: a call may be live for each, with no \
                 TransactionId to hang it up by; `chimecall resolve` finds them"
            ));
        }
        entries
            .into_iter()
            .filter(|entry| entry.is_active())
            .filter_map(|entry| {
                Some(commands::update::Target {
                    transaction_id: entry.transaction_id?,
                    sma_id: entry.sma_id,
                })
            })
            .collect()
    } else {
        let sma_id = commands::require_sma_id(args.target.sma_id)?;
        let ids = if args.transaction_ids == ["-"] {
            read_ids_from_stdin()?
        } else {
            args.transaction_ids
        };
        ids.into_iter()
            .map(|transaction_id| commands::update::Target {
                sma_id: sma_id.clone(),
                transaction_id,
            })
            .collect()
    };
    if targets.is_empty() {
        output.note(if args.all {
            "no call in the journal is still active"
        } else {
            "no transaction ids on stdin"
        });
        return Ok(());
    }
    let config = aws::load_config(settings).await?;
    let journal = journal::Journal::open(&journal::default_path()?)?;
    let job = commands::update::UpdateJob {
        targets,
        arguments,
        wait: args.wait.then_some(commands::update::HangupWait {
            timeout: args.timeout,
            log_group: args.log_group,
        }),
        journal: Some(&journal),
        is_hangup: true,
        gone_is_done: args.all,
    };
    commands::update::run(job, &config, output).await
}

/// `hangup -`: one TransactionId per line; blank lines and surrounding quotes (jq without -r) are ignored.
fn read_ids_from_stdin() -> Result<Vec<String>, Failure> {
    use std::io::BufRead;
    let mut ids = Vec::new();
    for (number, line) in std::io::stdin().lock().lines().enumerate() {
        let line = line.map_err(|e| Failure::usage(format!("stdin line {}: {e}", number + 1)))?;
        let id = line.trim().trim_matches('"');
        if !id.is_empty() {
            ids.push(id.to_string());
        }
    }
    Ok(ids)
}

/// Exit codes, for `--help`-like listings and the README table test.
pub fn exit_code_table() -> String {
    Exit::ALL
        .iter()
        .map(|exit| format!("{:>3}  {}\n", exit.code(), exit.meaning()))
        .collect()
}
