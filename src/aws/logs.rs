//! Reading the handler's logs: its log group (from the SIP media application's LambdaArn) and
//! one page of FilterLogEvents (`follow::LogReader` spends the budget and reads all pages).

use super::error::ApiError;
use super::retry::retry_throttled;
use crate::exit::{Exit, Failure};

/// The handler log group of a SIP media application, from GetSipMediaApplication's LambdaArn.
pub(crate) async fn handler_log_group(
    client: &aws_sdk_chimesdkvoice::Client,
    sma_id: &str,
) -> Result<String, Failure> {
    const OPERATION: &str = "GetSipMediaApplication";
    let budget = client
        .config()
        .timeout_config()
        .and_then(|timeouts| timeouts.operation_timeout());
    let output = retry_throttled(budget, || async {
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
    log_group_for_lambda_arn(arn).ok_or_else(|| {
        Failure::new(
            Exit::Config,
            format!(
                "SIP media application {sma_id} has no Lambda endpoint to read logs from; pass --log-group"
            ),
        )
    })
}

/// Which log events to read.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LogWindow {
    pub(crate) start_ms: i64,
    pub(crate) end_ms: Option<i64>,
    /// Stop after this many events (one page).
    pub(crate) limit: Option<i32>,
}

/// One page of FilterLogEvents, sent once: the SDK's own retries are off, because every reader
/// spends the process's budget of requests per second and decides itself when to ask again (a
/// throttled request is slowed down, never repeated at once): see `follow::LogReader`.
pub(crate) async fn filter_log_events_page(
    client: &aws_sdk_cloudwatchlogs::Client,
    group: &str,
    pattern: &str,
    window: LogWindow,
    next_token: Option<String>,
) -> Result<LogPage, ApiError> {
    const OPERATION: &str = "FilterLogEvents";
    let answer = client
        .filter_log_events()
        .log_group_name(group)
        .filter_pattern(pattern)
        .start_time(window.start_ms)
        .set_end_time(window.end_ms)
        .set_limit(window.limit)
        .set_next_token(next_token.clone())
        .customize()
        .config_override(
            aws_sdk_cloudwatchlogs::config::Builder::default()
                .retry_config(aws_config::retry::RetryConfig::disabled()),
        )
        .send()
        .await
        .map_err(|e| ApiError::from_sdk(OPERATION, &e))?;
    let next = answer
        .next_token()
        .filter(|token| Some(*token) != next_token.as_deref())
        .map(str::to_string);
    Ok(LogPage {
        events: answer.events().to_vec(),
        next_token: next,
    })
}

/// One page of log events, and the token of the next one when there is more.
pub(crate) struct LogPage {
    pub(crate) events: Vec<aws_sdk_cloudwatchlogs::types::FilteredLogEvent>,
    pub(crate) next_token: Option<String>,
}

/// The handler's log group of a SIP media application: `/aws/lambda/<function>` from its LambdaArn.
pub(crate) fn log_group_for_lambda_arn(arn: &str) -> Option<String> {
    let (_, function) = arn.split_once(":function:")?;
    let name = function.split(':').next()?;
    (!name.is_empty()).then(|| format!("/aws/lambda/{name}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_group_from_arn() {
        assert_eq!(
            log_group_for_lambda_arn("arn:aws:lambda:us-east-1:111122223333:function:my-handler")
                .as_deref(),
            Some("/aws/lambda/my-handler")
        );
        assert_eq!(
            log_group_for_lambda_arn("arn:aws:lambda:us-east-1:111122223333:function:h:live")
                .as_deref(),
            Some("/aws/lambda/h")
        );
        assert_eq!(log_group_for_lambda_arn("not-an-arn"), None);
    }
}
