//! The errors CloudWatch Logs answers with, in AWS's words: the error type the SDKs match on, and
//! the message, including the model's validation wording. The wire form is the dispatcher's.

/// An awsJson1.1 error: 400, `x-amzn-ErrorType`, and a `{"__type","message"}` body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LogsError {
    pub(crate) error_type: &'static str,
    pub(crate) message: String,
}

impl LogsError {
    pub(crate) fn new(error_type: &'static str, message: impl Into<String>) -> LogsError {
        LogsError {
            error_type,
            message: message.into(),
        }
    }

    pub(super) fn invalid_parameter(message: impl Into<String>) -> LogsError {
        LogsError::new("InvalidParameterException", message)
    }

    pub(super) fn already_exists(message: impl Into<String>) -> LogsError {
        LogsError::new("ResourceAlreadyExistsException", message)
    }

    pub(super) fn group_not_found() -> LogsError {
        LogsError::new(
            "ResourceNotFoundException",
            "The specified log group does not exist.",
        )
    }

    pub(super) fn stream_not_found() -> LogsError {
        LogsError::new(
            "ResourceNotFoundException",
            "The specified log stream does not exist.",
        )
    }

    pub(super) fn invalid_token() -> LogsError {
        LogsError::invalid_parameter("The specified nextToken is not valid.")
    }

    /// Over the account's FilterLogEvents rate quota.
    pub(super) fn throttling() -> LogsError {
        LogsError::new("ThrottlingException", "Rate exceeded")
    }

    pub(super) fn unknown_operation() -> LogsError {
        LogsError::new(
            "UnknownOperationException",
            "The requested operation is not recognized by the service",
        )
    }
}

/// AWS's wording for a model constraint a member breaks.
pub(super) fn constraint(member: &str, value: impl std::fmt::Display, rule: &str) -> LogsError {
    LogsError::invalid_parameter(format!(
        "1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: {rule}"
    ))
}
