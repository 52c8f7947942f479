//! What a DynamoDB error means to chimecall: a clear message naming the table and the
//! operation, and the exit code of its kind (a missing table, no permission or no network is
//! configuration, 3; a throttled table is 4; anything else 1).

use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};

use crate::exit::{Exit, Failure};

/// The kinds of trouble a table gives, as chimecall tells them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Fault {
    Missing,
    NoPermission,
    Throttled,
    Unreachable,
    Other,
}

impl Fault {
    /// The kind of a service's error code.
    pub(super) fn of_code(code: Option<&str>) -> Fault {
        match code {
            Some("ResourceNotFoundException") => Fault::Missing,
            Some(
                "AccessDeniedException"
                | "UnrecognizedClientException"
                | "InvalidSignatureException"
                | "ExpiredTokenException"
                | "MissingAuthenticationTokenException"
                | "IncompleteSignatureException",
            ) => Fault::NoPermission,
            Some(
                "ProvisionedThroughputExceededException"
                | "ThrottlingException"
                | "RequestLimitExceeded"
                | "ThrottlingError"
                | "ProvisionedThroughputExceeded"
                | "LimitExceededException",
            ) => Fault::Throttled,
            _ => Fault::Other,
        }
    }

    fn exit(self) -> Exit {
        match self {
            Fault::Missing | Fault::NoPermission | Fault::Unreachable => Exit::Config,
            Fault::Throttled => Exit::Throttled,
            Fault::Other => Exit::Failure,
        }
    }
}

/// The failure an SDK error makes: `what` is the operation, in words ("write a record").
pub(super) fn failure<E, R>(table: &str, what: &str, error: &SdkError<E, R>) -> Failure
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    let (fault, detail) = match error {
        SdkError::ServiceError(service) => {
            let err = service.err();
            let detail = match (err.code(), err.message()) {
                (Some(code), Some(message)) => format!("{code}: {message}"),
                (Some(code), None) => code.to_string(),
                // Nothing said: whatever the SDK made of the answer.
                (None, _) => format!(
                    "{}",
                    aws_smithy_types::error::display::DisplayErrorContext(err)
                ),
            };
            (Fault::of_code(err.code()), detail)
        }
        SdkError::TimeoutError(_) => (Fault::Unreachable, "no answer in time".to_string()),
        other => (Fault::Unreachable, causes(other)),
    };
    failure_of(table, what, fault, &detail)
}

/// An error and its causes, one after the other ("dispatch failure: io error: ...: Connection
/// refused (os error 111)"), without the debug dump.
fn causes(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(inner) = cause {
        let said = inner.to_string();
        if !text.ends_with(&said) {
            text.push_str(": ");
            text.push_str(&said);
        }
        cause = inner.source();
    }
    text
}

/// The failure of a fault, told for the table and the operation.
pub(super) fn failure_of(table: &str, what: &str, fault: Fault, detail: &str) -> Failure {
    let journal = format!("the team journal dynamodb:{table}");
    let message = match fault {
        Fault::Missing => format!(
            "{journal} does not exist (cannot {what}): create it with `chimecall journal create \
             dynamodb:{table}`, or check the region and the account ({detail})"
        ),
        Fault::NoPermission => format!(
            "no permission to {what} in {journal} ({detail}): the policy in docs/team-journal.md \
             lists what chimecall needs"
        ),
        Fault::Throttled => {
            format!("{journal} is throttled (cannot {what}): {detail}")
        }
        Fault::Unreachable => format!("cannot reach {journal} to {what}: {detail}"),
        Fault::Other => format!("cannot {what} in {journal}: {detail}"),
    };
    Failure::new(fault.exit(), crate::text::printable(&message).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_of_trouble_has_its_exit_code_and_names_the_table() {
        assert_eq!(
            Fault::of_code(Some("ResourceNotFoundException")),
            Fault::Missing
        );
        assert_eq!(
            Fault::of_code(Some("AccessDeniedException")),
            Fault::NoPermission
        );
        assert_eq!(
            Fault::of_code(Some("ProvisionedThroughputExceededException")),
            Fault::Throttled
        );
        assert_eq!(
            Fault::of_code(Some("ThrottlingException")),
            Fault::Throttled
        );
        assert_eq!(Fault::of_code(Some("ValidationException")), Fault::Other);
        let failure = failure_of("calls", "write a record", Fault::Missing, "x");
        assert_eq!(failure.exit, Exit::Config);
        assert!(
            failure.message.contains("dynamodb:calls"),
            "{}",
            failure.message
        );
        assert!(
            failure.message.contains("journal create"),
            "{}",
            failure.message
        );
        let failure = failure_of("calls", "write a record", Fault::Throttled, "x");
        assert_eq!(failure.exit, Exit::Throttled);
    }
}
