//! The command line, as clap derive types and nothing else. `lib.rs` turns these into the plain
//! settings the commands take, so clap types never reach the code that does the work.

use std::path::PathBuf;

use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};

use crate::output::OutputFormat;
use chimecall_model::rules::quoted;

#[derive(Debug, Parser)]
#[command(
    name = "chimecall",
    version,
    about = "Place, end and follow outbound phone calls through Amazon Chime SDK PSTN audio",
    long_about = "Place, end and follow outbound phone calls through Amazon Chime SDK PSTN audio.\n\n\
        chimecall talks to AWS through the AWS SDK for Rust, configured by the standard chain \
        (environment, ~/.aws/config, --profile, --region, --endpoint-url). `chimecall sandbox` runs \
        a local Chime SDK Voice endpoint to try everything without an AWS account.",
    after_help = crate::exit::help_text(),
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(flatten)]
    pub(crate) global: GlobalArgs,

    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Args)]
pub(crate) struct GlobalArgs {
    /// AWS profile from ~/.aws/config to use, with its chimecall_sma_id, chimecall_from,
    /// chimecall_log_group, chimecall_guard and chimecall_journal (default: AWS_PROFILE, then
    /// "default")
    #[arg(long, global = true, value_name = "NAME")]
    pub(crate) profile: Option<String>,

    /// The call journal: a file, or dynamodb:TABLE for a team's journal shared by runners on
    /// several machines (default: CHIMECALL_JOURNAL, then chimecall_journal in the AWS profile,
    /// then journal.sqlite3 in the XDG state directory)
    #[arg(long, global = true, value_name = "PATH|dynamodb:TABLE")]
    pub(crate) journal: Option<String>,

    /// AWS region (default: AWS_REGION, then the profile's region)
    #[arg(long, global = true, value_name = "REGION")]
    pub(crate) region: Option<String>,

    /// Send requests to this endpoint instead of AWS's (default: AWS_ENDPOINT_URL_CHIME_SDK_VOICE, then AWS_ENDPOINT_URL)
    #[arg(long, global = true, value_name = "URL")]
    pub(crate) endpoint_url: Option<String>,

    /// Output format: text for people and $(...), json (one object per line) for programs
    #[arg(long, short = 'o', global = true, value_enum, default_value_t = OutputFormat::Text)]
    pub(crate) output: OutputFormat,

    /// More diagnostics on stderr (-v: chimecall and retries, -vv: the AWS SDK too)
    #[arg(long, short = 'v', global = true, action = ArgAction::Count, conflicts_with = "quiet")]
    pub(crate) verbose: u8,

    /// Only errors on stderr
    #[arg(long, short = 'q', global = true)]
    pub(crate) quiet: bool,

    /// Mask phone numbers (+12*******23) in text output, messages and logs; JSON output is left exact
    #[arg(
        long,
        global = true,
        env = "CHIMECALL_REDACT",
        value_parser = clap::builder::FalseyValueParser::new()
    )]
    pub(crate) redact: bool,

    /// FilterLogEvents requests per second, at most, for following calls (the account's quota,
    /// 10 to 25, is shared with everything else it runs)
    #[arg(long, global = true, default_value_t = 2.0, value_name = "N", value_parser = parse_logs_rate)]
    pub(crate) logs_rate: f64,

    /// Give up connecting to AWS after this long
    #[arg(long, global = true, default_value = "3s", value_name = "DURATION", value_parser = crate::duration::parse)]
    pub(crate) connect_timeout: std::time::Duration,

    /// Give up waiting for one request's answer after this long (a dial's outcome is then unknown)
    #[arg(long, global = true, default_value = "10s", value_name = "DURATION", value_parser = crate::duration::parse)]
    pub(crate) attempt_timeout: std::time::Duration,

    /// Give up on an operation, all its retries included, after this long
    #[arg(long, global = true, default_value = "30s", value_name = "DURATION", value_parser = crate::duration::parse)]
    pub(crate) operation_timeout: std::time::Duration,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Place an outbound call (CreateSipMediaApplicationCall) and print its TransactionId
    Dial(DialArgs),
    /// End calls: UpdateSipMediaApplicationCall with Arguments {"action":"hangup"}
    Hangup(HangupArgs),
    /// Send Arguments to a call's handler (UpdateSipMediaApplicationCall)
    Update(UpdateArgs),
    /// List the calls in the journal (every dial chimecall made)
    Calls(CallsArgs),
    /// Settle the journal's unknown dial outcomes from the handler's logs
    Resolve(ResolveArgs),
    /// Summarise the journal's bulk runs: how every row ended (--html for a page)
    Report(ReportArgs),
    /// The call journal itself: `journal export` writes its records as JSON lines
    Journal(JournalArgs),
    /// Show a call's events (its timeline) from its handler's logs; --follow until it ends
    Tail(TailArgs),
    /// Run a local Chime SDK Voice endpoint that simulates calls (foreground, until Ctrl-C)
    Sandbox(crate::commands::sandbox::SandboxArgs),
    /// Walk through a real dial and hangup against an in-process sandbox
    Demo(DemoArgs),
    /// Print a shell completion script
    Completions(CompletionsArgs),
    /// Print the man page (roff)
    Man,
}

#[derive(Debug, Args)]
pub(crate) struct CallTarget {
    /// SIP media application that handles the call (default: CHIMECALL_SMA_ID, then
    /// chimecall_sma_id in the AWS profile)
    #[arg(long, value_name = "ID")]
    pub(crate) sma_id: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct DialArgs {
    /// Number to call, E.164 (e.g. +12065550123)
    #[arg(
        long,
        value_name = "E164",
        required_unless_present = "file",
        conflicts_with = "file"
    )]
    pub(crate) to: Option<String>,

    /// Caller id: a number of the account's inventory, E.164 (default: CHIMECALL_FROM, then
    /// chimecall_from in the AWS profile)
    #[arg(long, value_name = "E164")]
    pub(crate) from: Option<String>,

    #[command(flatten)]
    pub(crate) target: CallTarget,

    /// Entry of ArgumentsMap, given to the handler in NEW_OUTBOUND_CALL (repeatable, at most 20)
    #[arg(long = "arg", value_name = "KEY=VALUE")]
    pub(crate) args: Vec<String>,

    /// SIP header for the outbound leg: x-..., User-to-User or Diversion (repeatable, at most 20)
    #[arg(long = "sip-header", value_name = "NAME=VALUE")]
    pub(crate) sip_headers: Vec<String>,

    /// The message the call-out handler speaks when the call is answered, plain text of at most
    /// 1,000 characters (976 with --ack); a CSV column `say` wins over it (docs/callout.md)
    #[arg(long, value_name = "TEXT", conflicts_with = "say_ssml")]
    pub(crate) say: Option<String>,

    /// The message as SSML: one well-formed <speak> document; a CSV column `say_ssml` wins
    #[arg(long, value_name = "SSML")]
    pub(crate) say_ssml: Option<String>,

    /// The key that acknowledges the message (0-9 or *): a call whose callee presses it is
    /// `acknowledged` and its row succeeds; one answered without it is `unacknowledged`
    #[arg(long, value_name = "KEY", conflicts_with = "success")]
    pub(crate) ack: Option<String>,

    /// Leave out the client request id (ArgumentsMap key chimecall-request-id, the journal's
    /// dial_id) that lets `resolve` find the call in the handler's logs
    #[arg(long)]
    pub(crate) no_request_id: bool,

    /// Show the request that would be sent (with --file: check every row and show what would be
    /// dialed), and send nothing
    #[arg(long)]
    pub(crate) dry_run: bool,

    /// Calls to one number at most, per window: N/DURATION,... (a call counts in every window it
    /// falls in; placed or unknown dials of this journal, any batch), or off (default:
    /// CHIMECALL_GUARD, then chimecall_guard in the AWS profile, then 1/1m,3/15m)
    #[arg(long, value_name = "N/DURATION,...|off")]
    pub(crate) guard: Option<String>,

    /// Place the call though the guard would hold it (the number was called too recently); the
    /// journal marks it a deliberate repeat
    #[arg(long, conflicts_with = "file")]
    pub(crate) allow_repeat: bool,

    #[command(flatten)]
    pub(crate) wait: WaitArgs,

    #[command(flatten)]
    pub(crate) bulk: BulkArgs,
}

#[derive(Debug, Args)]
#[group(id = "bulk_dial")]
pub(crate) struct BulkArgs {
    /// Dial every row of this CSV file (- for stdin): columns to, from, id, say, say_ssml,
    /// arg.KEY, sip.NAME
    #[arg(long, value_name = "PATH")]
    pub(crate) file: Option<std::path::PathBuf>,

    /// Name the run (the batch --resume, report --batch and hangup --all --batch refer to);
    /// default: the file's absolute path, or a new name for each run from stdin
    #[arg(long, value_name = "NAME", requires = "file")]
    pub(crate) batch: Option<String>,

    /// Dial every row anew as a new batch, though the journal shows the file was dialed before
    #[arg(long, requires = "file", conflicts_with = "resume")]
    pub(crate) again: bool,

    /// Calls of the run live at once, at most (0: no cap of chimecall's own); a row starts when
    /// a call ends, as its HANGUP shows
    #[arg(long, default_value_t = 10, value_name = "N", requires = "file")]
    pub(crate) max_active: u32,

    /// With --wait ended: dial a row up to N times in all, while it ends in a --redial class
    #[arg(long, default_value_t = 1, value_name = "N", requires = "wait", value_parser = clap::value_parser!(u32).range(1..=100))]
    pub(crate) attempts: u32,

    /// With --attempts: wait this long before dialing a row again
    #[arg(long, default_value = "1m", value_name = "DURATION", value_parser = crate::duration::parse, requires = "wait")]
    pub(crate) redial_after: std::time::Duration,

    /// With --wait ended: `first` ends the run when the first row succeeds (the others are hung
    /// up and end cancelled), `all` dials every row to its end
    #[arg(long, default_value = "all", value_name = "first|all", value_parser = ["first", "all"])]
    pub(crate) until: String,

    /// With a `tier` column: start the next tier this long after the last one started, if it
    /// is not exhausted by then (default: when it is exhausted)
    #[arg(long, value_name = "DURATION", value_parser = crate::duration::parse, requires = "wait")]
    pub(crate) escalate_after: Option<std::time::Duration>,

    /// With --wait ended: when the last tier is exhausted and the run has not succeeded, start
    /// again from the first tier, up to N more times
    #[arg(long, default_value_t = 0, value_name = "N", requires = "wait", value_parser = clap::value_parser!(u32).range(0..=9))]
    pub(crate) repeat: u32,

    /// With --repeat: the pause before each new round
    #[arg(long, default_value = "1m", value_name = "DURATION", value_parser = crate::duration::parse, requires = "wait")]
    pub(crate) repeat_after: std::time::Duration,

    /// The dispositions dialed again (comma-separated: busy, no_answer, rejected, not_placed,
    /// unacknowledged, ...; answered never is, unknown only with --retry-unknown); default,
    /// with --wait ended: busy,no_answer,not_placed; without, none (--resume --redial not_placed
    /// finishes a run whose rows were never placed)
    #[arg(long, value_name = "CLASSES", requires = "file")]
    pub(crate) redial: Option<String>,

    /// With --wait ended: what a row must do to succeed: answered, or digits:REGEX (an answered
    /// call whose digits do not all match is unacknowledged)
    #[arg(
        long,
        default_value = "answered",
        value_name = "answered|digits:REGEX",
        requires = "wait"
    )]
    pub(crate) success: String,

    /// Ctrl-C hangs up the run's live calls instead of following them to their end
    #[arg(long, requires = "file")]
    pub(crate) hangup_on_interrupt: bool,

    /// Calls started per second, fractions allowed; 0 means no limit
    #[arg(long, default_value_t = 1.0, value_name = "N", requires = "file", value_parser = parse_rate)]
    pub(crate) rate: f64,

    /// Requests in flight at most
    #[arg(long, default_value_t = 16, value_name = "N", requires = "file", value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub(crate) concurrency: u16,

    /// Skip every row that already has an outcome in the journal
    #[arg(long, requires = "file")]
    pub(crate) resume: bool,

    /// Dial again the rows whose outcome is unknown (they may ring twice): with --resume, or
    /// with --attempts
    #[arg(long, requires = "file")]
    pub(crate) retry_unknown: bool,

    /// Check every row first; dial nothing if any is invalid
    #[arg(long, requires = "file")]
    pub(crate) strict: bool,
}

fn parse_logs_rate(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(rate) if rate.is_finite() && (0.1..=100.0).contains(&rate) => Ok(rate),
        _ => Err(format!(
            "{} is not a request rate: a number of FilterLogEvents requests per second, from 0.1 to 100",
            quoted(text)
        )),
    }
}

fn parse_update_rate(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(rate) if rate.is_finite() && (rate == 0.0 || rate >= 0.1) => Ok(rate),
        _ => Err(format!(
            "{} is not a rate: a number of updates per second, 0 (no limit) or from 0.1",
            quoted(text)
        )),
    }
}

/// The slowest `--rate`: a call every 100,000 s (28 hours). Slower is a mistake, and would
/// overflow the pacing clock. The message states this rule, and nothing else is checked.
const MIN_CALL_RATE: f64 = 0.00001;

fn parse_rate(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(rate) if rate == 0.0 || (rate.is_finite() && rate >= MIN_CALL_RATE) => Ok(rate),
        _ => Err(format!(
            "{} is not a rate: a number of calls per second, 0 (no limit) or from {MIN_CALL_RATE} \
             (a call every 28 hours)",
            quoted(text)
        )),
    }
}

#[derive(Debug, Args)]
pub(crate) struct WaitArgs {
    /// After dialing, follow the call until it is answered or has ended (exit 5 if it ends
    /// unanswered, 6 at --timeout)
    #[arg(long, value_enum, value_name = "STATE")]
    pub(crate) wait: Option<WaitState>,

    /// How long --wait waits
    #[arg(long, default_value = "2m", value_name = "DURATION", value_parser = crate::duration::parse, requires = "wait")]
    pub(crate) timeout: std::time::Duration,

    /// Handler log group to follow (default: CHIMECALL_LOG_GROUP, then chimecall_log_group in the
    /// AWS profile, then /aws/lambda/<function> from the SMA's LambdaArn)
    #[arg(long, value_name = "NAME")]
    pub(crate) log_group: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum WaitState {
    Answered,
    Ended,
}

#[derive(Debug, Args)]
pub(crate) struct HangupArgs {
    /// TransactionIds of the calls to end; - reads them from stdin, one per line
    #[arg(
        value_name = "TRANSACTION_ID",
        required_unless_present = "all",
        conflicts_with = "all"
    )]
    pub(crate) transaction_ids: Vec<String>,

    /// End every call in the journal not known to have ended
    #[arg(long)]
    pub(crate) all: bool,

    /// With --all: only calls placed this recently (10m, 24h) or since this time
    #[arg(long, value_name = "WHEN", requires = "all", value_parser = crate::duration::parse_since)]
    pub(crate) since: Option<crate::duration::Since>,

    /// With --all: only the calls of this bulk run (the batch name `dial --file` printed)
    #[arg(long, value_name = "NAME", requires = "all")]
    pub(crate) batch: Option<String>,

    #[command(flatten)]
    pub(crate) target: CallTarget,

    /// Arguments to send instead of {"action":"hangup"} (repeatable, at most 20)
    #[arg(long = "arg", value_name = "KEY=VALUE")]
    pub(crate) args: Vec<String>,

    /// Updates per second when ending many calls (default: a fresh account's
    /// UpdateSipMediaApplicationCall quota, 5; 0 for no limit of our own)
    #[arg(long, value_name = "N", default_value_t = chimecall_model::quotas::UPDATE_CALL_RATE as f64, value_parser = parse_update_rate)]
    pub(crate) rate: f64,

    /// Wait until the handler's logs show the call's final HANGUP (exit 6 at --timeout)
    #[arg(long)]
    pub(crate) wait: bool,

    /// How long --wait waits
    #[arg(long, default_value = "30s", value_name = "DURATION", value_parser = crate::duration::parse, requires = "wait")]
    pub(crate) timeout: std::time::Duration,

    /// Handler log group to follow (default: CHIMECALL_LOG_GROUP, then chimecall_log_group in the
    /// AWS profile, then /aws/lambda/<function> from the SMA's LambdaArn)
    #[arg(long, value_name = "NAME")]
    pub(crate) log_group: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct CallsArgs {
    /// Only calls placed and not known to have ended
    #[arg(long)]
    pub(crate) active: bool,

    /// Only dials this recent (10m, 24h) or since this time
    #[arg(long, value_name = "WHEN", value_parser = crate::duration::parse_since)]
    pub(crate) since: Option<crate::duration::Since>,

    /// Read the journal alone: do not ask the handler's logs which calls have ended
    #[arg(long)]
    pub(crate) offline: bool,

    /// Handler log group to ask (default: CHIMECALL_LOG_GROUP, then chimecall_log_group in the
    /// AWS profile, then each SMA's /aws/lambda/<function>)
    #[arg(long, value_name = "NAME", conflicts_with = "offline")]
    pub(crate) log_group: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct ReportArgs {
    /// Only this batch: the name `dial --file` printed (by default the file's path)
    #[arg(long, value_name = "NAME")]
    pub(crate) batch: Option<String>,

    /// Only batches dialed this recently (10m, 24h) or since this time
    #[arg(long, value_name = "WHEN", value_parser = crate::duration::parse_since)]
    pub(crate) since: Option<crate::duration::Since>,

    /// Also list each row's final state
    #[arg(long)]
    pub(crate) rows: bool,

    /// Also write a self-contained HTML page (outcomes, a timeline of the calls, rows needing
    /// attention) to this file
    #[arg(long, value_name = "PATH")]
    pub(crate) html: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct JournalArgs {
    #[command(subcommand)]
    pub(crate) command: JournalCommand,
}

#[derive(Debug, Subcommand)]
pub(crate) enum JournalCommand {
    /// Write every record of the journal on stdout, one JSON object a line, in the order written
    Export(ExportArgs),
    /// Create a team journal: a DynamoDB table (on-demand capacity, TTL on expires_at, keys pk
    /// and sk) that runners on several machines share (docs/team-journal.md)
    Create(CreateJournalArgs),
    /// Copy a local journal's records into a team journal; a second copy copies nothing twice
    Copy(CopyJournalArgs),
}

#[derive(Debug, Args)]
pub(crate) struct CreateJournalArgs {
    /// The table: dynamodb:TABLE
    #[arg(value_name = "dynamodb:TABLE")]
    pub(crate) location: String,
}

#[derive(Debug, Args)]
pub(crate) struct CopyJournalArgs {
    /// The local journal (a SQLite journal, or an old JSON-lines one)
    #[arg(value_name = "FILE")]
    pub(crate) from: PathBuf,

    /// The team journal: dynamodb:TABLE
    #[arg(value_name = "dynamodb:TABLE")]
    pub(crate) to: String,
}

#[derive(Debug, Args)]
pub(crate) struct ExportArgs {
    /// Only the records of this batch (its intents, outcomes, redials and its calls' states)
    #[arg(long, value_name = "NAME")]
    pub(crate) batch: Option<String>,

    /// Only records written this recently (10m, 24h) or since this time
    #[arg(long, value_name = "WHEN", value_parser = crate::duration::parse_since)]
    pub(crate) since: Option<crate::duration::Since>,
}

#[derive(Debug, Args)]
pub(crate) struct ResolveArgs {
    /// Only dials this recent (10m, 24h) or since this time
    #[arg(long, value_name = "WHEN", value_parser = crate::duration::parse_since)]
    pub(crate) since: Option<crate::duration::Since>,

    /// Leave alone dials younger than this: another chimecall may still be waiting for them
    #[arg(long, default_value = "1m", value_name = "DURATION", value_parser = crate::duration::parse)]
    pub(crate) min_age: std::time::Duration,

    /// How far past a dial the logs must reach (with other calls' NEW_OUTBOUND_CALL events) before
    /// their silence means "not placed"
    #[arg(long, default_value = "30s", value_name = "DURATION", value_parser = crate::duration::parse)]
    pub(crate) settle: std::time::Duration,

    /// Handler log group to search (default: CHIMECALL_LOG_GROUP, then chimecall_log_group in the
    /// AWS profile, then each dial's SMA's /aws/lambda/<function>)
    #[arg(long, value_name = "NAME")]
    pub(crate) log_group: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct TailArgs {
    /// TransactionId of the call
    #[arg(value_name = "TRANSACTION_ID")]
    pub(crate) transaction_id: String,

    #[command(flatten)]
    pub(crate) target: CallTarget,

    /// Handler log group to read (default: CHIMECALL_LOG_GROUP, then chimecall_log_group in the
    /// AWS profile, then /aws/lambda/<function> from the SMA's LambdaArn)
    #[arg(long, value_name = "NAME")]
    pub(crate) log_group: Option<String>,

    /// How far back to look: a duration (10m, 24h) or a time (2026-11-29T19:00:00Z)
    #[arg(long, default_value = "24h", value_name = "WHEN", value_parser = crate::duration::parse_since)]
    pub(crate) since: crate::duration::Since,

    /// Keep reading until the call's final HANGUP (exit 0 if it was answered, 5 if not)
    #[arg(long, short = 'f')]
    pub(crate) follow: bool,

    /// Poll this often, 100ms at least (default: 250 ms after activity, backing off to 1 s;
    /// never faster than --logs-rate)
    #[arg(long, value_name = "DURATION", value_parser = crate::duration::parse_interval)]
    pub(crate) interval: Option<std::time::Duration>,

    /// With --follow: give up after this long (exit 6)
    #[arg(long, value_name = "DURATION", value_parser = crate::duration::parse, requires = "follow")]
    pub(crate) timeout: Option<std::time::Duration>,
}

#[derive(Debug, Args)]
pub(crate) struct UpdateArgs {
    /// TransactionId of the call
    #[arg(value_name = "TRANSACTION_ID")]
    pub(crate) transaction_id: String,

    #[command(flatten)]
    pub(crate) target: CallTarget,

    /// Entry of Arguments, given to the handler in CALL_UPDATE_REQUESTED (repeatable, at most 20; none sends {})
    #[arg(long = "arg", value_name = "KEY=VALUE")]
    pub(crate) args: Vec<String>,
}

#[derive(Debug, Args)]
pub(crate) struct DemoArgs {
    /// Number the demo calls (it only rings inside the sandbox)
    #[arg(long, default_value = "+12065550123", value_name = "E164")]
    pub(crate) to: String,
}

#[derive(Debug, Args)]
pub(crate) struct CompletionsArgs {
    #[arg(value_enum)]
    pub(crate) shell: clap_complete::Shell,

    /// Write the script into this directory instead of stdout
    #[arg(long, value_name = "DIR", hide = true)]
    pub(crate) dir: Option<PathBuf>,
}

/// The first command-line argument that is not UTF-8, named by its position and the flag it
/// belongs to (clap's own error names neither). File paths may be any bytes.
pub(crate) fn non_utf8_argument(
    args: impl IntoIterator<Item = std::ffi::OsString>,
) -> Option<String> {
    const PATH_FLAGS: &[&str] = &["--file"];
    let args: Vec<std::ffi::OsString> = args.into_iter().collect();
    let text = |i: usize| args[i].to_str().unwrap_or("");
    let subcommand = args
        .iter()
        .skip(1)
        .filter_map(|arg| arg.to_str())
        .find(|arg| !arg.starts_with('-'))
        .unwrap_or("");
    for index in 1..args.len() {
        if args[index].to_str().is_some() {
            continue;
        }
        let previous = text(index - 1);
        let shown = args[index].to_string_lossy();
        let flag = if index > 1 && previous.starts_with("--") && !previous.contains('=') {
            Some(previous.to_string())
        } else {
            shown
                .split_once('=')
                .filter(|(flag, _)| flag.starts_with("--"))
                .map(|(flag, _)| flag.to_string())
        };
        let place = match (&flag, subcommand) {
            (Some(flag), _) if PATH_FLAGS.contains(&flag.as_str()) => continue,
            (Some(flag), _) => format!("the value of {flag}"),
            (None, "hangup" | "update" | "tail") => "TRANSACTION_ID".to_string(),
            (None, _) => "a positional argument".to_string(),
        };
        return Some(format!(
            "argument {index} ({place}) is not valid UTF-8: {}",
            quoted(&shown)
        ));
    }
    None
}
