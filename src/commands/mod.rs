//! One module per subcommand: each turns its clap arguments into plain options, then does the
//! work with the domain modules (placing, campaign, follow, settle, journal, aws) and hands its
//! results to `Output`.

pub(crate) mod calls;
pub(crate) mod demo;
pub(crate) mod dial;
pub(crate) mod generate;
pub(crate) mod hangup;
pub(crate) mod journal;
pub(crate) mod report;
pub(crate) mod resolve;
pub(crate) mod sandbox;
pub(crate) mod tail;
pub(crate) mod update;

use aws_config::SdkConfig;
use tokio::sync::OnceCell;

use crate::aws::{self, AwsSettings, Timeouts};
use crate::cli::GlobalArgs;
use crate::exit::Failure;
use crate::guard::Guard;
use crate::ids;
use crate::journal::{Journal, JournalLocation};
use crate::output::{self, Output};
use crate::settings::{self, ProfileSettings, Setting};

/// What every command gets from the global options.
pub(crate) struct Context {
    pub(crate) output: Output,
    pub(crate) aws: AwsSettings,
    /// FilterLogEvents requests per second for following calls (`--logs-rate`).
    pub(crate) logs_rate: f64,
    /// `--journal`, as typed.
    journal_flag: Option<String>,
    /// chimecall's own keys of the selected AWS profile, read once, when first asked for.
    profile: OnceCell<ProfileSettings>,
}

impl Context {
    pub(crate) fn new(global: &GlobalArgs) -> Context {
        // --redact: set before anything is printed, for every path to stderr.
        output::set_stderr_redaction(global.redact);
        Context {
            output: Output::new(global.output, global.quiet).with_redaction(global.redact),
            aws: AwsSettings {
                profile: global.profile.clone(),
                region: global.region.clone(),
                endpoint_url: global.endpoint_url.clone(),
                timeouts: Timeouts {
                    connect: global.connect_timeout,
                    attempt: global.attempt_timeout,
                    operation: global.operation_timeout,
                },
            },
            logs_rate: global.logs_rate,
            journal_flag: global.journal.clone(),
            profile: OnceCell::new(),
        }
    }

    /// A setting by precedence: the flag, then its CHIMECALL_* variable, then the profile's
    /// `chimecall_*` key.
    pub(crate) async fn setting(
        &self,
        setting: Setting,
        flag: Option<String>,
    ) -> Result<Option<String>, Failure> {
        let source = source_of(setting, flag.is_some());
        let value = match settings::from_flag_or_environment(setting, flag) {
            Some(value) => Some(value),
            None => {
                let profile = self
                    .profile
                    .get_or_try_init(|| {
                        settings::load_profile(self.aws.profile.as_deref(), &self.output)
                    })
                    .await?;
                profile.get(setting).map(str::to_string)
            }
        };
        if let (Setting::LogGroup, Some(name)) = (setting, &value) {
            ids::check_log_group(name, source)?;
        }
        Ok(value)
    }

    /// The SIP media application, required by every call operation.
    pub(crate) async fn sma_id(&self, flag: Option<String>) -> Result<String, Failure> {
        self.optional_sma_id(flag).await?.ok_or_else(|| {
            Failure::usage(
                "no SIP media application: pass --sma-id, set CHIMECALL_SMA_ID, or set \
                 chimecall_sma_id in your AWS profile (`chimecall sandbox` prints one)",
            )
        })
    }

    /// The SIP media application if one is set, checked as a path id (`ids`) and refused by the
    /// name of the place it came from: the flag, the variable or the profile key. An empty
    /// profile or variable value counts as unset; an empty flag is refused.
    pub(crate) async fn optional_sma_id(
        &self,
        flag: Option<String>,
    ) -> Result<Option<String>, Failure> {
        let source = source_of(Setting::SmaId, flag.is_some());
        let Some(sma_id) = self.setting(Setting::SmaId, flag).await? else {
            return Ok(None);
        };
        ids::check_sma_id(&sma_id, source)?;
        Ok(Some(sma_id))
    }

    /// The per-number guard (`--guard`, CHIMECALL_GUARD, `chimecall_guard`; default
    /// [`crate::guard::DEFAULT`]), refused (exit 2) by the name of the place a bad value came from.
    pub(crate) async fn guard(&self, flag: Option<String>) -> Result<Guard, Failure> {
        let source = source_of(Setting::Guard, flag.is_some());
        match self.setting(Setting::Guard, flag).await? {
            None => Ok(Guard::default()),
            Some(text) => Guard::parse(&text)
                .map_err(|problem| Failure::usage(format!("{source}: {problem}"))),
        }
    }

    /// The SDK configuration, through aws-config's standard chain overridden by the flags.
    pub(crate) async fn sdk_config(&self) -> Result<SdkConfig, Failure> {
        aws::load_config(&self.aws).await
    }

    /// Where the journal is: `--journal`, CHIMECALL_JOURNAL, `chimecall_journal`, else the
    /// default file.
    pub(crate) async fn journal_location(&self) -> Result<JournalLocation, Failure> {
        if self.journal_flag.is_none() {
            // A path in the variable may be any bytes: taken as the OS gives it.
            if let Some(raw) = std::env::var_os("CHIMECALL_JOURNAL").filter(|v| !v.is_empty()) {
                return match raw.into_string() {
                    Ok(text) => JournalLocation::parse(&text, "CHIMECALL_JOURNAL"),
                    Err(raw) => Ok(JournalLocation::Local(raw.into())),
                };
            }
        }
        let source = source_of(Setting::Journal, self.journal_flag.is_some());
        match self
            .setting(Setting::Journal, self.journal_flag.clone())
            .await?
        {
            Some(text) => JournalLocation::parse(&text, source),
            None => Ok(JournalLocation::Local(crate::journal::default_path()?)),
        }
    }

    /// The journal, opened: a team's table is checked to be one.
    pub(crate) async fn journal(&self) -> Result<Journal, Failure> {
        match self.journal_location().await? {
            JournalLocation::Local(path) => Journal::open(&path),
            JournalLocation::Team { table } => {
                Journal::open_team(self.dynamodb_client().await?, &table).await
            }
        }
    }

    /// A DynamoDB client: the same credentials, profile, region and timeouts as every request,
    /// and DynamoDB's own endpoint (AWS_ENDPOINT_URL_DYNAMODB, the profile's services section,
    /// AWS_ENDPOINT_URL), never `--endpoint-url`, which names Chime SDK Voice's.
    pub(crate) async fn dynamodb_client(&self) -> Result<aws_sdk_dynamodb::Client, Failure> {
        let settings = AwsSettings {
            endpoint_url: None,
            ..self.aws.clone()
        };
        let config = aws::load_config(&settings).await?;
        Ok(aws_sdk_dynamodb::Client::new(&config))
    }
}

/// Where a setting's value comes from, as a message names it: the flag, its variable, or the
/// profile key (the same precedence as [`Context::setting`]).
fn source_of(setting: Setting, from_flag: bool) -> &'static str {
    if from_flag {
        setting.flag()
    } else if std::env::var(setting.variable()).is_ok_and(|v| !v.is_empty()) {
        setting.variable()
    } else {
        setting.profile_key()
    }
}
