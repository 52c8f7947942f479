//! The only place that builds AWS SDK configuration and clients, sets the retry policy of each
//! operation, and turns SDK errors into what chimecall reports.
//!
//! Retry policy: CreateSipMediaApplicationCall has no client token, so a blind retry after the
//! request reached the service can ring the callee twice. Its SDK retries are off; chimecall
//! retries it only on what the service answers without acting: 429 ThrottledClientException, and
//! ResourceLimitExceededException (over the account's active-calls quota).
//! UpdateSipMediaApplicationCall and the reads keep the SDK's standard retries (5xx, transport)
//! and are also retried on 429, which the SDK does not classify as throttling for this service.
//!
//! The shared config and credentials files are read and checked by `profile_files` and handed
//! to the SDK as text: the SDK never opens them itself.

mod error;
mod logs;
pub(crate) mod profile_files;
mod retry;
mod voice;

use std::time::Duration;

use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_runtime::env_config::file::EnvConfigFiles;

use crate::exit::{Exit, Failure};

pub(crate) use error::ApiError;
#[cfg(test)]
pub(crate) use error::Reach;
pub(crate) use logs::{filter_log_events_page, handler_log_group, LogPage, LogWindow};
pub(crate) use voice::{create_call, create_call_once, update_call, update_call_once};

/// How to reach AWS, as the user asked on the command line. Everything left `None` comes from
/// the SDK's standard chain (environment, shared config files, profile).
#[derive(Debug, Clone)]
pub(crate) struct AwsSettings {
    pub(crate) profile: Option<String>,
    pub(crate) region: Option<String>,
    pub(crate) endpoint_url: Option<String>,
    pub(crate) timeouts: Timeouts,
}

/// How long to wait, per connection, per attempt and per operation (all attempts together).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Timeouts {
    pub(crate) connect: Duration,
    pub(crate) attempt: Duration,
    pub(crate) operation: Duration,
}

pub(crate) fn check_endpoint_url(url: &str) -> Result<(), Failure> {
    let parsed: http::Uri = url.parse().map_err(|e| {
        Failure::usage(format!(
            "--endpoint-url {} is not a URL: {e}",
            chimecall_model::rules::quoted(url)
        ))
    })?;
    match parsed.scheme_str() {
        Some("http") | Some("https") if parsed.host().is_some() => Ok(()),
        _ => Err(Failure::usage(format!(
            "--endpoint-url {} must be an http:// or https:// URL with a host",
            chimecall_model::rules::quoted(url)
        ))),
    }
}

/// Loads the SDK configuration through aws-config's standard chain, overridden by the flags.
pub(crate) async fn load_config(settings: &AwsSettings) -> Result<SdkConfig, Failure> {
    let files = profile_files::read().await?;
    let config = load_config_from(settings, files).await?;
    if config.region().is_none() {
        return Err(no_region());
    }
    Ok(config)
}

fn no_region() -> Failure {
    Failure::new(
        Exit::Config,
        "no AWS region configured: pass --region, set AWS_REGION, or set region in your AWS profile",
    )
}

/// The configuration from checked profile files; the region may be missing.
async fn load_config_from(
    settings: &AwsSettings,
    files: EnvConfigFiles,
) -> Result<SdkConfig, Failure> {
    let timeouts = settings.timeouts;
    for (flag, value) in [
        ("--connect-timeout", timeouts.connect),
        ("--attempt-timeout", timeouts.attempt),
        ("--operation-timeout", timeouts.operation),
    ] {
        if value < Duration::from_millis(100) {
            return Err(Failure::usage(format!("{flag} must be at least 100ms")));
        }
    }
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .profile_files(files.clone())
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(settings.timeouts.connect)
                .operation_attempt_timeout(settings.timeouts.attempt)
                .operation_timeout(settings.timeouts.operation)
                .build(),
        );
    if let Some(profile) = &settings.profile {
        // An explicit profile is the operator's choice of account: its credentials, not whatever
        // AWS_ACCESS_KEY_ID the environment carries (the default chain would prefer those).
        let credentials = aws_config::profile::ProfileFileCredentialsProvider::builder()
            .profile_files(files)
            .profile_name(profile)
            .build();
        loader = loader
            .profile_name(profile)
            .credentials_provider(credentials);
    }
    if let Some(region) = &settings.region {
        loader = loader.region(Region::new(region.clone()));
    }
    if let Some(url) = &settings.endpoint_url {
        check_endpoint_url(url)?;
        loader = loader.endpoint_url(url);
    }
    Ok(loader.load().await)
}

/// The same configuration for showing where a request would go (`--dry-run`): a missing region
/// is reported in the output rather than refused. Profile files are refused as for a request.
pub(crate) async fn load_config_for_display(settings: &AwsSettings) -> Result<SdkConfig, Failure> {
    let files = profile_files::read().await?;
    load_config_from(settings, files).await
}

pub(crate) fn voice_client(config: &SdkConfig) -> aws_sdk_chimesdkvoice::Client {
    aws_sdk_chimesdkvoice::Client::new(config)
}

pub(crate) fn logs_client(config: &SdkConfig) -> aws_sdk_cloudwatchlogs::Client {
    aws_sdk_cloudwatchlogs::Client::new(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_urls() {
        assert!(check_endpoint_url("http://127.0.0.1:4566").is_ok());
        assert!(check_endpoint_url("https://voice-chime.us-east-1.amazonaws.com").is_ok());
        assert!(check_endpoint_url("127.0.0.1:4566").is_err());
        assert!(check_endpoint_url("ftp://x").is_err());
        assert!(check_endpoint_url("not a url").is_err());
    }
}
