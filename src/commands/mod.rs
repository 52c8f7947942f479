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
use crate::output::{self, Output};
use crate::settings::{self, ProfileSettings, Setting};

/// What every command gets from the global options.
pub(crate) struct Context {
    pub(crate) output: Output,
    pub(crate) aws: AwsSettings,
    /// FilterLogEvents requests per second for following calls (`--logs-rate`).
    pub(crate) logs_rate: f64,
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
        if let Some(value) = settings::from_flag_or_environment(setting, flag) {
            return Ok(Some(value));
        }
        let profile = self
            .profile
            .get_or_try_init(|| settings::load_profile(self.aws.profile.as_deref(), &self.output))
            .await?;
        Ok(profile.get(setting).map(str::to_string))
    }

    /// The SIP media application, required by every call operation.
    pub(crate) async fn sma_id(&self, flag: Option<String>) -> Result<String, Failure> {
        let sma_id = self.setting(Setting::SmaId, flag).await?;
        sma_id.filter(|id| !id.is_empty()).ok_or_else(|| {
            Failure::usage(
                "no SIP media application: pass --sma-id, set CHIMECALL_SMA_ID, or set \
                 chimecall_sma_id in your AWS profile (`chimecall sandbox` prints one)",
            )
        })
    }

    /// The SDK configuration, through aws-config's standard chain overridden by the flags.
    pub(crate) async fn sdk_config(&self) -> Result<SdkConfig, Failure> {
        aws::load_config(&self.aws).await
    }
}
