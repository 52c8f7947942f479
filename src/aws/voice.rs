//! Chime SDK Voice operations, each with its retry policy: CreateSipMediaApplicationCall is
//! never retried by the SDK (it has no client token); UpdateSipMediaApplicationCall is.

use aws_config::retry::RetryConfig;

use super::error::{ApiError, Reach};
use super::retry::retry_throttled;

/// The per-operation override that turns the SDK's own retries off (for non-idempotent calls).
pub(crate) fn no_sdk_retries() -> aws_sdk_chimesdkvoice::config::Builder {
    aws_sdk_chimesdkvoice::config::Builder::default().retry_config(RetryConfig::disabled())
}

/// CreateSipMediaApplicationCall, sent at most once unless the service throttled it.
/// Returns the TransactionId.
pub(crate) async fn create_call(
    client: &aws_sdk_chimesdkvoice::Client,
    request: &crate::call::DialRequest,
) -> Result<String, ApiError> {
    retry_throttled(operation_budget(client), || {
        create_call_once(client, request)
    })
    .await
}

/// One CreateSipMediaApplicationCall request, no retry at all: bulk runs pace their own retries
/// of throttled rows.
pub(crate) async fn create_call_once(
    client: &aws_sdk_chimesdkvoice::Client,
    request: &crate::call::DialRequest,
) -> Result<String, ApiError> {
    const OPERATION: &str = "CreateSipMediaApplicationCall";
    let output = client
        .create_sip_media_application_call()
        .sip_media_application_id(&request.sma_id)
        .from_phone_number(&request.from)
        .to_phone_number(&request.to)
        .set_arguments_map(non_empty(&request.arguments))
        .set_sip_headers(non_empty(&request.sip_headers))
        .customize()
        .config_override(no_sdk_retries())
        .send()
        .await
        .map_err(|e| ApiError::from_sdk(OPERATION, &e))?;
    transaction_id_of(OPERATION, output.sip_media_application_call())
}

/// UpdateSipMediaApplicationCall. Arguments are always sent, `{}` when empty: the model requires
/// them and the Rust serializer would otherwise leave them out.
pub(crate) async fn update_call(
    client: &aws_sdk_chimesdkvoice::Client,
    sma_id: &str,
    transaction_id: &str,
    arguments: &std::collections::BTreeMap<String, String>,
) -> Result<String, ApiError> {
    const OPERATION: &str = "UpdateSipMediaApplicationCall";
    retry_throttled(operation_budget(client), || async {
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

/// One UpdateSipMediaApplicationCall request with none of chimecall's throttle retries (the
/// SDK's own, for server errors, stay): many updates at once pace their own retries of
/// throttled ones, so a retry does not land on top of the paced updates.
pub(crate) async fn update_call_once(
    client: &aws_sdk_chimesdkvoice::Client,
    sma_id: &str,
    transaction_id: &str,
    arguments: &std::collections::BTreeMap<String, String>,
) -> Result<String, ApiError> {
    const OPERATION: &str = "UpdateSipMediaApplicationCall";
    let output = client
        .update_sip_media_application_call()
        .sip_media_application_id(sma_id)
        .transaction_id(transaction_id)
        .set_arguments(Some(arguments.clone().into_iter().collect()))
        .send()
        .await
        .map_err(|e| ApiError::from_sdk(OPERATION, &e))?;
    transaction_id_of(OPERATION, output.sip_media_application_call())
}

/// How long one operation may take, all its attempts together (`--operation-timeout`).
fn operation_budget(client: &aws_sdk_chimesdkvoice::Client) -> Option<std::time::Duration> {
    client
        .config()
        .timeout_config()
        .and_then(|timeouts| timeouts.operation_timeout())
}

fn non_empty(
    map: &std::collections::BTreeMap<String, String>,
) -> Option<std::collections::HashMap<String, String>> {
    (!map.is_empty()).then(|| map.clone().into_iter().collect())
}

/// A 2xx answer without a TransactionId is unreadable: for a create, the call may exist.
fn transaction_id_of(
    operation: &'static str,
    request: Option<&aws_sdk_chimesdkvoice::types::SipMediaApplicationCall>,
) -> Result<String, ApiError> {
    request
        .and_then(|c| c.transaction_id())
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
