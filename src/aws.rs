//! The only place that builds AWS SDK configuration and clients, sets the retry policy of each
//! operation, and turns SDK errors into what chimecall reports.
//!
//! Retry policy: CreateSipMediaApplicationCall has no client token, so a blind retry after the
//! request reached the service can ring the callee twice. Its SDK retries are off; chimecall
//! retries it only on 429 ThrottledClientException, which the service answers without acting.
//! UpdateSipMediaApplicationCall and the reads keep the SDK's standard retries (5xx, transport)
//! and are also retried on 429, which the SDK does not classify as throttling for this service.

use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_chimesdkvoice::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_chimesdkvoice::operation::RequestId;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;

use crate::exit::{Exit, Failure};

/// How to reach AWS, as the user asked on the command line. Everything left `None` comes from
/// the SDK's standard chain (environment, shared config files, profile).
#[derive(Debug, Clone, Default)]
pub struct AwsSettings {
    pub profile: Option<String>,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
    pub timeouts: Timeouts,
}

/// How long to wait, per connection, per attempt and per operation (all attempts together).
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    pub connect: Duration,
    pub attempt: Duration,
    pub operation: Duration,
}

impl Default for Timeouts {
    /// Phone-call-sized: connecting takes milliseconds when AWS is reachable, an API answer that
    /// has not come in 10 s is not coming, and an operator waits half a minute at most.
    fn default() -> Timeouts {
        Timeouts {
            connect: Duration::from_secs(3),
            attempt: Duration::from_secs(10),
            operation: Duration::from_secs(30),
        }
    }
}

/// How often a 429-throttled request is tried in all, and the first pause between tries.
const THROTTLE_ATTEMPTS: u32 = 4;
const THROTTLE_BASE_DELAY: Duration = Duration::from_millis(500);

pub fn check_endpoint_url(url: &str) -> Result<(), Failure> {
    let parsed: http::Uri = url
        .parse()
        .map_err(|e| Failure::usage(format!("--endpoint-url {url:?} is not a URL: {e}")))?;
    match parsed.scheme_str() {
        Some("http") | Some("https") if parsed.host().is_some() => Ok(()),
        _ => Err(Failure::usage(format!(
            "--endpoint-url {url:?} must be an http:// or https:// URL with a host"
        ))),
    }
}

/// Loads the SDK configuration through aws-config's standard chain, overridden by the flags.
pub async fn load_config(settings: &AwsSettings) -> Result<SdkConfig, Failure> {
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
    let mut loader = aws_config::defaults(BehaviorVersion::latest()).timeout_config(
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
    let config = loader.load().await;
    if config.region().is_none() {
        return Err(Failure::new(
            Exit::Config,
            "no AWS region configured: pass --region, set AWS_REGION, or set region in your AWS profile",
        ));
    }
    Ok(config)
}

/// The same configuration for showing where a request would go (`--dry-run`): a missing region
/// is reported in the output rather than refused.
pub async fn load_config_for_display(settings: &AwsSettings) -> Result<SdkConfig, Failure> {
    match load_config(settings).await {
        Err(failure) if failure.exit == Exit::Config => {
            let mut loader = aws_config::defaults(BehaviorVersion::latest());
            if let Some(url) = &settings.endpoint_url {
                loader = loader.endpoint_url(url);
            }
            Ok(loader.load().await)
        }
        other => other,
    }
}

pub fn voice_client(config: &SdkConfig) -> aws_sdk_chimesdkvoice::Client {
    aws_sdk_chimesdkvoice::Client::new(config)
}

pub fn logs_client(config: &SdkConfig) -> aws_sdk_cloudwatchlogs::Client {
    aws_sdk_cloudwatchlogs::Client::new(config)
}

/// The handler log group of a SIP media application, from GetSipMediaApplication's LambdaArn.
pub async fn handler_log_group(
    client: &aws_sdk_chimesdkvoice::Client,
    sma_id: &str,
) -> Result<String, Failure> {
    const OPERATION: &str = "GetSipMediaApplication";
    let output = retry_throttled(|| async {
        client
            .get_sip_media_application()
            .sip_media_application_id(sma_id)
            .send()
            .await
            .map_err(|e| ApiError::from_sdk(OPERATION, &e))
    })
    .await
    .map_err(|error| {
        let exit = if error.is_not_found() {
            Exit::Config
        } else {
            error.exit()
        };
        Failure::new(
            exit,
            format!("cannot find the handler's logs: {}", error.describe()),
        )
    })?;
    let arn = output
        .sip_media_application()
        .and_then(|sma| sma.endpoints().first())
        .and_then(|endpoint| endpoint.lambda_arn())
        .unwrap_or_default();
    crate::follow::log_group_for_lambda_arn(arn).ok_or_else(|| {
        Failure::new(
            Exit::Config,
            format!(
                "SIP media application {sma_id} has no Lambda endpoint to read logs from; pass --log-group"
            ),
        )
    })
}

/// Every log event of `group` from `start_ms` on that matches `pattern`, all pages.
pub async fn filter_log_events(
    client: &aws_sdk_cloudwatchlogs::Client,
    group: &str,
    pattern: &str,
    start_ms: i64,
) -> Result<Vec<aws_sdk_cloudwatchlogs::types::FilteredLogEvent>, ApiError> {
    filter_log_events_in(
        client,
        group,
        pattern,
        LogWindow {
            start_ms,
            end_ms: None,
            limit: None,
        },
    )
    .await
}

/// Which log events to read.
#[derive(Debug, Clone, Copy)]
pub struct LogWindow {
    pub start_ms: i64,
    pub end_ms: Option<i64>,
    /// Stop after this many events (one page).
    pub limit: Option<i32>,
}

pub async fn filter_log_events_in(
    client: &aws_sdk_cloudwatchlogs::Client,
    group: &str,
    pattern: &str,
    window: LogWindow,
) -> Result<Vec<aws_sdk_cloudwatchlogs::types::FilteredLogEvent>, ApiError> {
    const OPERATION: &str = "FilterLogEvents";
    let mut events = Vec::new();
    let mut next_token: Option<String> = None;
    loop {
        let page = retry_throttled(|| async {
            client
                .filter_log_events()
                .log_group_name(group)
                .filter_pattern(pattern)
                .start_time(window.start_ms)
                .set_end_time(window.end_ms)
                .set_limit(window.limit)
                .set_next_token(next_token.clone())
                .send()
                .await
                .map_err(|e| ApiError::from_sdk(OPERATION, &e))
        })
        .await?;
        events.extend(page.events().iter().cloned());
        if window.limit.is_some() {
            return Ok(events);
        }
        match page.next_token() {
            Some(token) if Some(token) != next_token.as_deref() => {
                next_token = Some(token.to_string())
            }
            _ => return Ok(events),
        }
    }
}

/// The per-operation override that turns the SDK's own retries off (for non-idempotent calls).
pub fn no_sdk_retries() -> aws_sdk_chimesdkvoice::config::Builder {
    aws_sdk_chimesdkvoice::config::Builder::default().retry_config(RetryConfig::disabled())
}

/// CreateSipMediaApplicationCall, sent at most once unless the service throttled it.
/// Returns the TransactionId.
pub async fn create_call(
    client: &aws_sdk_chimesdkvoice::Client,
    call: &crate::call::CallRequest,
) -> Result<String, ApiError> {
    retry_throttled(|| create_call_once(client, call)).await
}

/// One CreateSipMediaApplicationCall request, no retry at all: bulk runs pace their own retries
/// of throttled rows.
pub async fn create_call_once(
    client: &aws_sdk_chimesdkvoice::Client,
    call: &crate::call::CallRequest,
) -> Result<String, ApiError> {
    const OPERATION: &str = "CreateSipMediaApplicationCall";
    let output = client
        .create_sip_media_application_call()
        .sip_media_application_id(&call.sma_id)
        .from_phone_number(&call.from)
        .to_phone_number(&call.to)
        .set_arguments_map(non_empty(&call.arguments))
        .set_sip_headers(non_empty(&call.sip_headers))
        .customize()
        .config_override(no_sdk_retries())
        .send()
        .await
        .map_err(|e| ApiError::from_sdk(OPERATION, &e))?;
    transaction_id_of(OPERATION, output.sip_media_application_call())
}

/// UpdateSipMediaApplicationCall. Arguments are always sent, `{}` when empty: the model requires
/// them and the Rust serializer would otherwise leave them out.
pub async fn update_call(
    client: &aws_sdk_chimesdkvoice::Client,
    sma_id: &str,
    transaction_id: &str,
    arguments: &std::collections::BTreeMap<String, String>,
) -> Result<String, ApiError> {
    const OPERATION: &str = "UpdateSipMediaApplicationCall";
    retry_throttled(|| async {
        let output = client
            .update_sip_media_application_call()
            .sip_media_application_id(sma_id)
            .transaction_id(transaction_id)
            .set_arguments(Some(arguments.clone().into_iter().collect()))
            .send()
            .await
            .map_err(|e| ApiError::from_sdk(OPERATION, &e))?;
        transaction_id_of(OPERATION, output.sip_media_application_call())
    })
    .await
}

fn non_empty(
    map: &std::collections::BTreeMap<String, String>,
) -> Option<std::collections::HashMap<String, String>> {
    (!map.is_empty()).then(|| map.clone().into_iter().collect())
}

/// A 2xx answer without a TransactionId is unreadable: for a create, the call may exist.
fn transaction_id_of(
    operation: &'static str,
    call: Option<&aws_sdk_chimesdkvoice::types::SipMediaApplicationCall>,
) -> Result<String, ApiError> {
    call.and_then(|c| c.transaction_id())
        .filter(|id| !id.is_empty())
        .map(str::to_string)
        .ok_or_else(|| ApiError {
            operation,
            reach: Reach::MaybeReached,
            status: None,
            code: None,
            message: "the answer carried no TransactionId".to_string(),
            request_id: None,
            never_connected: false,
        })
}

/// Whether a failed request can have been acted on by the service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Never left this machine, or never got a connection: nothing happened.
    NotSent,
    /// The service answered with an error: it says what it did.
    Answered,
    /// Sent, and no usable answer came back (timeout, reset, unreadable answer).
    MaybeReached,
}

/// An SDK error reduced to what chimecall reports and decides on.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub operation: &'static str,
    pub reach: Reach,
    pub status: Option<u16>,
    /// The AWS error code (`x-amzn-ErrorType`), e.g. `NotFoundException`.
    pub code: Option<String>,
    pub message: String,
    pub request_id: Option<String>,
    /// No connection could be made: the request never left (retrying is safe).
    pub never_connected: bool,
}

const CREDENTIAL_ERRORS: &[&str] = &[
    "UnrecognizedClientException",
    "InvalidSignatureException",
    "MissingAuthenticationTokenException",
    "IncompleteSignatureException",
    "UnauthorizedClientException",
    "ForbiddenException",
    "AccessDeniedException",
    "ExpiredTokenException",
    "InvalidClientTokenId",
    "SignatureDoesNotMatch",
];

impl ApiError {
    pub fn from_sdk<E>(operation: &'static str, error: &SdkError<E, HttpResponse>) -> ApiError
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        let reach = match error {
            SdkError::ConstructionFailure(_) => Reach::NotSent,
            SdkError::DispatchFailure(failure) => {
                if never_sent(error) || failure.is_user() {
                    Reach::NotSent
                } else {
                    Reach::MaybeReached
                }
            }
            SdkError::TimeoutError(_) => Reach::MaybeReached,
            SdkError::ResponseError(_) => Reach::MaybeReached,
            SdkError::ServiceError(_) => Reach::Answered,
            _ => Reach::MaybeReached,
        };
        let status = error.raw_response().map(|r| r.status().as_u16());
        let (code, message) = match error {
            SdkError::ServiceError(_) => (
                error.code().map(str::to_string),
                error
                    .message()
                    .map(str::to_string)
                    .unwrap_or_else(|| "(no message)".to_string()),
            ),
            _ => (None, cause_chain(error)),
        };
        ApiError {
            operation,
            reach,
            status,
            code,
            message,
            request_id: error.request_id().map(str::to_string),
            never_connected: matches!(error, SdkError::DispatchFailure(_))
                && is_connect_failure(error),
        }
    }

    pub fn is_throttle(&self) -> bool {
        self.reach == Reach::Answered
            && (self.status == Some(429)
                || self.code.as_deref() == Some("ThrottledClientException"))
    }

    /// The service cannot have acted on the request: safe to send again, even a create.
    pub fn not_acted_on(&self) -> bool {
        self.is_throttle() || self.never_connected
    }

    pub fn is_not_found(&self) -> bool {
        self.reach == Reach::Answered && self.code.as_deref() == Some("NotFoundException")
    }

    /// Exit code for an operation that is safe to repeat (update, reads).
    pub fn exit(&self) -> Exit {
        match self.reach {
            Reach::NotSent => Exit::Config,
            Reach::MaybeReached => Exit::Failure,
            Reach::Answered => {
                let code = self.code.as_deref().unwrap_or("");
                if self.is_throttle() {
                    Exit::Throttled
                } else if self.is_not_found() {
                    Exit::NotFound
                } else if code == "BadRequestException" {
                    Exit::Usage
                } else if CREDENTIAL_ERRORS.contains(&code) {
                    Exit::Config
                } else {
                    Exit::Failure
                }
            }
        }
    }

    /// Exit code for CreateSipMediaApplicationCall: anything that may have placed a call is 8.
    pub fn dial_exit(&self) -> Exit {
        let server_failed = self.status.is_some_and(|s| s >= 500);
        match self.reach {
            Reach::MaybeReached => Exit::OutcomeUnknown,
            Reach::Answered if server_failed => Exit::OutcomeUnknown,
            _ => self.exit(),
        }
    }

    /// One line for stderr: the operation, the AWS code, its message, the request id.
    pub fn describe(&self) -> String {
        let mut text = format!("{} failed", self.operation);
        match (&self.code, self.status) {
            (Some(code), Some(status)) => text.push_str(&format!(": {code} (HTTP {status})")),
            (Some(code), None) => text.push_str(&format!(": {code}")),
            (None, Some(status)) => text.push_str(&format!(": HTTP {status}")),
            (None, None) => {}
        }
        text.push_str(&format!(": {}", self.message));
        if let Some(id) = &self.request_id {
            text.push_str(&format!(" [request id {id}]"));
        }
        text
    }
}

/// "dispatch failure: io error: tcp connect error: Connection refused": each cause once, no Debug.
fn cause_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(current) = cause {
        let text = current.to_string();
        if !text.is_empty() && !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        cause = current.source();
    }
    parts.join(": ")
}

/// True when the request cannot have left this machine: no credentials could be had to sign it,
/// or the connection was never established.
fn never_sent(error: &(dyn std::error::Error + 'static)) -> bool {
    is_connect_failure(error) || {
        let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
        let mut found = false;
        while let Some(current) = cause {
            if current
                .downcast_ref::<aws_credential_types::provider::error::CredentialsError>()
                .is_some()
            {
                found = true;
                break;
            }
            cause = current.source();
        }
        found
    }
}

/// True when no connection was made: refused, unreachable, DNS, or a connect timeout. Only
/// hyper's own "connect" error says so: an io error of the same kinds can also come from a socket
/// that was connected, after the request was written.
fn is_connect_failure(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(current) = cause {
        if let Some(hyper_error) = current.downcast_ref::<hyper_util::client::legacy::Error>() {
            return hyper_error.is_connect();
        }
        cause = current.source();
    }
    false
}

/// Runs `attempt` until it succeeds, fails in a way the service may have acted on, or the
/// attempts run out. Retried are only failures the service cannot have acted on: a 429 it
/// answered, and a connection that was never made.
pub async fn retry_throttled<T, F, Fut>(mut attempt: F) -> Result<T, ApiError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, ApiError>>,
{
    let mut tries = 1;
    loop {
        match attempt().await {
            Err(error) if error.not_acted_on() && tries < THROTTLE_ATTEMPTS => {
                let delay = throttle_delay(tries);
                let why = if error.is_throttle() {
                    "throttled (429)"
                } else {
                    "no connection"
                };
                tracing::info!(
                    operation = error.operation,
                    attempt = tries,
                    delay_ms = delay.as_millis() as u64,
                    "{why}: the service did not act on it; retrying"
                );
                tokio::time::sleep(delay).await;
                tries += 1;
            }
            other => return other,
        }
    }
}

/// Exponential backoff with jitter: half the step fixed, half random.
fn throttle_delay(tries_so_far: u32) -> Duration {
    use rand::Rng;
    let step = THROTTLE_BASE_DELAY * 2u32.pow(tries_so_far - 1);
    let jitter = rand::rng().random_range(0.0..=1.0);
    step / 2 + step.mul_f64(jitter / 2.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    fn answered(code: &str, status: u16) -> ApiError {
        ApiError {
            operation: "Test",
            reach: Reach::Answered,
            status: Some(status),
            code: Some(code.to_string()),
            message: "m".into(),
            request_id: None,
            never_connected: false,
        }
    }

    #[test]
    fn exit_codes_by_answer() {
        assert_eq!(answered("NotFoundException", 404).exit(), Exit::NotFound);
        assert_eq!(answered("BadRequestException", 400).exit(), Exit::Usage);
        assert_eq!(
            answered("InvalidSignatureException", 403).exit(),
            Exit::Config
        );
        assert_eq!(
            answered("ThrottledClientException", 429).exit(),
            Exit::Throttled
        );
        assert_eq!(
            answered("ServiceFailureException", 500).exit(),
            Exit::Failure
        );
        assert_eq!(
            answered("ServiceFailureException", 500).dial_exit(),
            Exit::OutcomeUnknown
        );
        assert_eq!(
            answered("ServiceUnavailableException", 503).dial_exit(),
            Exit::OutcomeUnknown
        );
        assert_eq!(
            answered("BadRequestException", 400).dial_exit(),
            Exit::Usage
        );
        let mut unknown = answered("x", 200);
        unknown.reach = Reach::MaybeReached;
        assert_eq!(unknown.dial_exit(), Exit::OutcomeUnknown);
        unknown.reach = Reach::NotSent;
        assert_eq!(unknown.dial_exit(), Exit::Config);
    }

    #[tokio::test(start_paused = true)]
    async fn only_throttles_are_retried() {
        let calls = AtomicU32::new(0);
        let result: Result<(), ApiError> = retry_throttled(|| {
            calls.fetch_add(1, Ordering::SeqCst);
            async { Err(answered("ThrottledClientException", 429)) }
        })
        .await;
        assert_eq!(result.unwrap_err().exit(), Exit::Throttled);
        assert_eq!(calls.load(Ordering::SeqCst), THROTTLE_ATTEMPTS);

        calls.store(0, Ordering::SeqCst);
        let result: Result<(), ApiError> = retry_throttled(|| {
            calls.fetch_add(1, Ordering::SeqCst);
            async { Err(answered("ServiceFailureException", 500)) }
        })
        .await;
        assert!(result.is_err());
        assert_eq!(
            calls.load(Ordering::SeqCst),
            1,
            "a 500 is never retried here"
        );
    }

    #[test]
    fn endpoint_urls() {
        assert!(check_endpoint_url("http://127.0.0.1:4566").is_ok());
        assert!(check_endpoint_url("https://voice-chime.us-east-1.amazonaws.com").is_ok());
        assert!(check_endpoint_url("127.0.0.1:4566").is_err());
        assert!(check_endpoint_url("ftp://x").is_err());
        assert!(check_endpoint_url("not a url").is_err());
    }
}
