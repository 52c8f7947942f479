//! Errors as AWS puts them on the wire: status, `x-amzn-ErrorType`, and a `{"Code","Message"}` body.
//! (`x-amzn-RequestId` is added to every response by the front end.) The SDKs pick the error
//! type from `x-amzn-ErrorType`, so that header is what makes an error "modeled" for a client.

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

#[derive(Debug, Clone)]
pub(crate) struct AwsError {
    pub(crate) status: StatusCode,
    /// The exception name, e.g. `NotFoundException`.
    pub(crate) error_type: &'static str,
    /// The service's short code, e.g. `NotFound`.
    pub(crate) code: &'static str,
    pub(crate) message: String,
}

impl AwsError {
    fn new(
        status: StatusCode,
        error_type: &'static str,
        code: &'static str,
        message: impl Into<String>,
    ) -> AwsError {
        AwsError {
            status,
            error_type,
            code,
            message: message.into(),
        }
    }

    pub(crate) fn bad_request(message: impl Into<String>) -> AwsError {
        AwsError::new(
            StatusCode::BAD_REQUEST,
            "BadRequestException",
            "BadRequest",
            message,
        )
    }

    pub(crate) fn not_found(message: impl Into<String>) -> AwsError {
        AwsError::new(
            StatusCode::NOT_FOUND,
            "NotFoundException",
            "NotFound",
            message,
        )
    }

    pub(crate) fn throttled(message: impl Into<String>) -> AwsError {
        AwsError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "ThrottledClientException",
            "Throttled",
            message,
        )
    }

    /// Over a quota on resources (active calls): 400, as the model declares it.
    pub(crate) fn resource_limit_exceeded(message: impl Into<String>) -> AwsError {
        AwsError::new(
            StatusCode::BAD_REQUEST,
            "ResourceLimitExceededException",
            "ResourceLimitExceeded",
            message,
        )
    }

    pub(crate) fn service_failure(message: impl Into<String>) -> AwsError {
        AwsError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "ServiceFailureException",
            "ServiceFailure",
            message,
        )
    }

    pub(crate) fn service_unavailable(message: impl Into<String>) -> AwsError {
        AwsError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "ServiceUnavailableException",
            "ServiceUnavailable",
            message,
        )
    }

    /// What AWS front ends answer for a path or method no operation is bound to.
    pub(crate) fn unknown_operation() -> AwsError {
        AwsError::new(
            StatusCode::NOT_FOUND,
            "UnknownOperationException",
            "UnknownOperation",
            "The requested operation is not recognized by the service",
        )
    }

    pub(crate) fn body_too_large(limit: usize) -> AwsError {
        AwsError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "RequestEntityTooLargeException",
            "RequestEntityTooLarge",
            format!("Request body is larger than {limit} bytes"),
        )
    }

    // Authentication failures, as the AWS front ends name them.

    pub(crate) fn missing_authentication_token() -> AwsError {
        AwsError::new(
            StatusCode::FORBIDDEN,
            "MissingAuthenticationTokenException",
            "MissingAuthenticationToken",
            "Missing Authentication Token",
        )
    }

    pub(crate) fn incomplete_signature(message: impl Into<String>) -> AwsError {
        AwsError::new(
            StatusCode::FORBIDDEN,
            "IncompleteSignatureException",
            "IncompleteSignature",
            message,
        )
    }

    pub(crate) fn unrecognized_client() -> AwsError {
        AwsError::new(
            StatusCode::FORBIDDEN,
            "UnrecognizedClientException",
            "UnrecognizedClient",
            "The security token included in the request is invalid.",
        )
    }

    pub(crate) fn invalid_signature(message: impl Into<String>) -> AwsError {
        AwsError::new(
            StatusCode::FORBIDDEN,
            "InvalidSignatureException",
            "InvalidSignature",
            message,
        )
    }
}

impl From<chimecall_model::rules::RuleViolation> for AwsError {
    fn from(violation: chimecall_model::rules::RuleViolation) -> AwsError {
        AwsError::bad_request(violation.to_string())
    }
}

impl IntoResponse for AwsError {
    fn into_response(self) -> Response {
        let body = json!({ "Code": self.code, "Message": self.message });
        let mut response = (self.status, axum::Json(body)).into_response();
        response.headers_mut().insert(
            "x-amzn-ErrorType",
            HeaderValue::from_static(self.error_type),
        );
        response
    }
}
