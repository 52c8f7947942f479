//! SDK errors reduced to what chimecall reports and decides on: whether the service can have
//! acted on the request, and which exit code the failure gets.

use aws_sdk_chimesdkvoice::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_chimesdkvoice::operation::RequestId;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;

use crate::exit::Exit;
use chimecall_model::quotas as fresh_account;

/// Whether a failed request can have been acted on by the service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reach {
    /// Never left this machine, or never got a connection: nothing happened.
    NotSent,
    /// The service answered with an error: it says what it did.
    Answered,
    /// Sent, and no usable answer came back (timeout, reset, unreadable answer).
    MaybeReached,
}

/// An SDK error reduced to what chimecall reports and decides on.
#[derive(Debug, Clone)]
pub(crate) struct ApiError {
    pub(crate) operation: &'static str,
    pub(crate) reach: Reach,
    pub(crate) status: Option<u16>,
    /// The AWS error code (`x-amzn-ErrorType`), e.g. `NotFoundException`.
    pub(crate) code: Option<String>,
    pub(crate) message: String,
    pub(crate) request_id: Option<String>,
    /// No connection could be made: the request never left (retrying is safe).
    pub(crate) never_connected: bool,
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
    pub(crate) fn from_sdk<E>(
        operation: &'static str,
        error: &SdkError<E, HttpResponse>,
    ) -> ApiError
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

    /// Throttled: Chime SDK Voice's 429 ThrottledClientException, or CloudWatch Logs'
    /// ThrottlingException (a 400).
    pub(crate) fn is_throttle(&self) -> bool {
        self.reach == Reach::Answered
            && (self.status == Some(429)
                || matches!(
                    self.code.as_deref(),
                    Some("ThrottledClientException" | "ThrottlingException")
                ))
    }

    /// Refused over a quota on resources: for a create, the account's "SIP media application
    /// active calls". The service refused without acting.
    pub(crate) fn is_over_quota(&self) -> bool {
        self.reach == Reach::Answered
            && self.code.as_deref() == Some("ResourceLimitExceededException")
    }

    /// The service cannot have acted on the request: safe to send again, even a create.
    pub(crate) fn not_acted_on(&self) -> bool {
        self.is_throttle() || self.is_over_quota() || self.never_connected
    }

    pub(crate) fn is_not_found(&self) -> bool {
        self.reach == Reach::Answered && self.code.as_deref() == Some("NotFoundException")
    }

    /// Exit code for an operation that is safe to repeat (update, reads).
    pub(crate) fn exit(&self) -> Exit {
        match self.reach {
            Reach::NotSent => Exit::Config,
            Reach::MaybeReached => Exit::Failure,
            Reach::Answered => {
                let code = self.code.as_deref().unwrap_or("");
                if self.is_throttle() || self.is_over_quota() {
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
    pub(crate) fn dial_exit(&self) -> Exit {
        let server_failed = self.status.is_some_and(|s| s >= 500);
        match self.reach {
            Reach::MaybeReached => Exit::OutcomeUnknown,
            Reach::Answered if server_failed => Exit::OutcomeUnknown,
            _ => self.exit(),
        }
    }

    /// One line for stderr: the operation, the AWS code, its message, the request id.
    pub(crate) fn describe(&self) -> String {
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

    /// What the user can do about it, when the error says: for a quota, which one and how to
    /// raise it.
    pub(crate) fn advice(&self) -> Option<String> {
        if self.operation != "CreateSipMediaApplicationCall" {
            return None;
        }
        if self.is_over_quota() {
            Some(format!(
                "The account's \"SIP media application active calls\" quota ({} by default) is \
                 reached: end a call (chimecall hangup) or raise the quota in Service Quotas \
                 (in the sandbox: chimecall sandbox --quota active-calls=N).",
                fresh_account::ACTIVE_CALLS
            ))
        } else if self.is_throttle() {
            Some(format!(
                "The account's CreateSipMediaApplicationCall rate quota ({} per second by default) \
                 is exceeded: place calls more slowly (a bulk run paces itself with --rate), or \
                 raise the quota in Service Quotas (in the sandbox: chimecall sandbox --quota \
                 create-rate=N).",
                fresh_account::CREATE_CALL_RATE
            ))
        } else {
            None
        }
    }

    /// The description, then the advice on a line of its own.
    pub(crate) fn report(&self) -> String {
        match self.advice() {
            Some(advice) => format!("{}\n{advice}", self.describe()),
            None => self.describe(),
        }
    }
}

impl From<ApiError> for crate::exit::Failure {
    /// The failure a command reports: the error's exit code, its description and advice.
    fn from(error: ApiError) -> crate::exit::Failure {
        crate::exit::Failure::new(error.exit(), error.report())
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

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn answered(code: &str, status: u16) -> ApiError {
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
    fn quota_advice_names_the_quota_and_its_default() {
        let mut over = answered("ResourceLimitExceededException", 400);
        over.operation = "CreateSipMediaApplicationCall";
        let report = over.report();
        let default = fresh_account::ACTIVE_CALLS;
        assert!(
            report.contains("ResourceLimitExceededException"),
            "{report}"
        );
        assert!(
            report.contains(&format!("active calls\" quota ({default} by default)")),
            "{report}"
        );
        assert!(report.contains("--quota active-calls=N"), "{report}");
        let mut throttled = answered("ThrottledClientException", 429);
        throttled.operation = "CreateSipMediaApplicationCall";
        let default = fresh_account::CREATE_CALL_RATE;
        assert!(throttled
            .report()
            .contains(&format!("({default} per second by default)")));
        assert_eq!(
            answered("ResourceLimitExceededException", 400).advice(),
            None
        );
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
        let over = answered("ResourceLimitExceededException", 400);
        assert_eq!(over.dial_exit(), Exit::Throttled);
        assert!(
            over.not_acted_on(),
            "refused without acting: safe to send again"
        );
        assert!(answered("ThrottlingException", 400).is_throttle());
        let mut unknown = answered("x", 200);
        unknown.reach = Reach::MaybeReached;
        assert_eq!(unknown.dial_exit(), Exit::OutcomeUnknown);
        unknown.reach = Reach::NotSent;
        assert_eq!(unknown.dial_exit(), Exit::Config);
    }
}
