//! chimecall: place, end and follow outbound phone calls through Amazon Chime SDK PSTN audio.
//!
//! `parse` reads the command line and `run` is the whole program after it; `main.rs` only maps
//! the outcome to an exit code. Each subcommand lives in `commands/`, which turns its clap
//! arguments into plain options and does the work with the domain modules below it.

mod aws;
mod bad_records;
mod call;
mod campaign;
mod cli;
mod commands;
mod duration;
mod event;
pub mod exit;
mod follow;
mod guard;
mod ids;
mod journal;
mod logging;
mod output;
mod pacing;
pub mod panics;
mod placing;
mod regular_file;
mod settings;
mod settle;
mod signals;
mod text;
mod updates;

use clap::Parser;

use cli::Command;
use commands::Context;
use exit::Exit;

pub use cli::Cli;
pub use exit::exit_code_table;

/// Reads the command line. `Err` carries the exit code once --help, --version or a usage error
/// has been printed.
pub fn parse() -> Result<Cli, Exit> {
    if let Some(problem) = cli::non_utf8_argument(std::env::args_os()) {
        output::print_error(&problem);
        return Err(Exit::Usage);
    }
    Cli::try_parse().map_err(|error| {
        // --help and --version are successes printed to stdout; usage errors exit 2. A usage
        // error quotes what was typed: it is neutralised like any text from outside.
        if error.use_stderr() {
            output::to_stderr(&text::sanitize(&usage_error_text(&error)));
            Exit::Usage
        } else {
            let _ = error.print();
            Exit::Ok
        }
    })
}

/// clap's usage error as printed: a value it quotes (an unknown argument, an invalid value) is
/// cut to a short escaped prefix, like every value chimecall's own messages quote.
fn usage_error_text(error: &clap::Error) -> String {
    use clap::error::ContextValue;
    let mut rendered = error.render().to_string().trim_end().to_string();
    let mut values: Vec<&str> = Vec::new();
    for (_, value) in error.context() {
        match value {
            ContextValue::String(value) => values.push(value),
            ContextValue::Strings(list) => values.extend(list.iter().map(String::as_str)),
            _ => {}
        }
    }
    for value in values {
        if value.chars().count() > chimecall_model::rules::MAX_QUOTED_CHARS {
            rendered = rendered.replace(
                value,
                &format!(
                    "{} ({} characters)",
                    text::cell(value),
                    value.chars().count()
                ),
            );
        }
    }
    rendered
}

/// Runs a parsed command line and returns how the process should exit.
pub fn run(cli: Cli) -> Exit {
    let context = Context::new(&cli.global);
    let result = match cli.command {
        // Special modes need no runtime, no configuration and no credentials.
        Command::Completions(args) => commands::generate::completions(args),
        Command::Man => commands::generate::man_page(),
        command => {
            let is_server = matches!(command, Command::Sandbox(_));
            logging::init(
                cli.global.verbose,
                cli.global.quiet,
                is_server,
                cli.global.redact,
            );
            runtime(&command).and_then(|runtime| runtime.block_on(dispatch(command, &context)))
        }
    };
    match result {
        Ok(()) => Exit::Ok,
        Err(error) => context.output.failed(&error),
    }
}

/// The sandbox and the demo serve while they run: they get every core.
fn runtime(command: &Command) -> anyhow::Result<tokio::runtime::Runtime> {
    let mut builder = match command {
        Command::Sandbox(_) | Command::Demo(_) => tokio::runtime::Builder::new_multi_thread(),
        _ => tokio::runtime::Builder::new_current_thread(),
    };
    Ok(builder.enable_all().build()?)
}

async fn dispatch(command: Command, context: &Context) -> anyhow::Result<()> {
    panics::test_trigger().await;
    match command {
        Command::Dial(args) => commands::dial::run(args, context).await,
        Command::Hangup(args) => commands::hangup::run(args, context).await,
        Command::Update(args) => commands::update::run(args, context).await,
        // Nothing of these needs finishing (resolve journals each settlement whole, the demo's
        // calls live in its own sandbox): a signal stops them at once, exit 130.
        Command::Calls(args) => signals::or_interrupted(commands::calls::run(args, context)).await,
        Command::Resolve(args) => {
            signals::or_interrupted(commands::resolve::run(args, context)).await
        }
        Command::Report(args) => {
            signals::or_interrupted(commands::report::run(args, context)).await
        }
        Command::Journal(args) => {
            signals::or_interrupted(commands::journal::run(args, context)).await
        }
        Command::Tail(args) => commands::tail::run(args, context).await,
        Command::Sandbox(args) => commands::sandbox::run(args, &context.output).await,
        Command::Demo(args) => signals::or_interrupted(commands::demo::run(args)).await,
        Command::Completions(_) | Command::Man => Ok(()),
    }
}
