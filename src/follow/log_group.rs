//! Where a call's events are: the log group named on the command line (or in the profile), or
//! the SIP media application's handler's (`/aws/lambda/<function>` from its LambdaArn).

use aws_config::SdkConfig;

use crate::aws;
use crate::exit::Failure;

/// Where to read a call's events, and from when.
#[derive(Debug, Clone)]
pub(crate) struct LogSource {
    pub(crate) sma_id: Option<String>,
    pub(crate) log_group: Option<String>,
    pub(crate) start_ms: i64,
}

/// The log group to read: the one named, or the SMA's handler's from its LambdaArn.
pub(crate) async fn log_group_of(
    source: &LogSource,
    config: &SdkConfig,
) -> Result<String, Failure> {
    match (&source.log_group, &source.sma_id) {
        (Some(group), _) => Ok(group.clone()),
        (None, Some(sma_id)) => aws::handler_log_group(&aws::voice_client(config), sma_id).await,
        (None, None) => Err(Failure::usage(
            "no log group: pass --log-group, or --sma-id (or CHIMECALL_SMA_ID) to find it",
        )),
    }
}
