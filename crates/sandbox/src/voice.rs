//! The Chime SDK Voice operations the sandbox serves (GetSipMediaApplication,
//! ListSipMediaApplications, CreateSipMediaApplicationCall, UpdateSipMediaApplicationCall), at the
//! model's paths and status codes, with the account's quotas and the API faults applied. A
//! created call is handed to its own task (`lifecycle`); an update is a message to that task.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Extension, Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};

use super::access_log::{Arrival, CallNote};
use super::aws_error::AwsError;
use super::call_message::CallMessage;
use super::connection::DropConnection;
use super::faults::{self, ApiFault};
use super::lifecycle;
use super::quotas::Quotas;
use super::state::{Call, CallStatus, SipMediaApplication};
use super::Sandbox;
use chimecall_model::{clock, rules};
use tokio::sync::mpsc::error::TrySendError;

/// How long an update waits for the built-in handler's answer to be applied.
const BUILT_IN_HANDLER_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

/// How long an update that ended its call waits for the call's task to be done with it (it is
/// by then), so that the call no longer counts as active when the 202 leaves.
const ENDED_CALL_WAIT: std::time::Duration = std::time::Duration::from_secs(1);

const SMAS: &str = "/sip-media-applications";
const SMA: &str = "/sip-media-applications/{sma_id}";
const CALLS: &str = "/sip-media-applications/{sma_id}/calls";
const CALL: &str = "/sip-media-applications/{sma_id}/calls/{transaction_id}";

pub(crate) fn routes() -> Router<Arc<Sandbox>> {
    Router::new()
        .route(SMAS, get(list_sip_media_applications))
        .route(SMA, get(get_sip_media_application))
        .route(CALLS, post(create_call))
        .route(CALL, post(update_call))
}

/// The operation served at `route` (as `routes` names it) for `method`.
pub(crate) fn operation_name(method: &str, route: &str) -> Option<&'static str> {
    match (method, route) {
        ("GET", SMAS) => Some("ListSipMediaApplications"),
        ("GET", SMA) => Some("GetSipMediaApplication"),
        ("POST", CALLS) => Some("CreateSipMediaApplicationCall"),
        ("POST", CALL) => Some("UpdateSipMediaApplicationCall"),
        _ => None,
    }
}

/// When the request arrived (the front end stamps every request).
fn arrived(arrival: Option<Extension<Arrival>>) -> std::time::Instant {
    arrival.map_or_else(std::time::Instant::now, |Extension(a)| a.instant)
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CreateCallInput {
    from_phone_number: Option<String>,
    to_phone_number: Option<String>,
    #[serde(default)]
    sip_headers: BTreeMap<String, String>,
    #[serde(default)]
    arguments_map: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct UpdateCallInput {
    arguments: Option<BTreeMap<String, String>>,
}

/// restJson1 bodies: an empty body is an empty structure; anything else must be a JSON object.
fn parse_body<T: DeserializeOwned>(body: &[u8]) -> Result<T, AwsError> {
    let body = if body.iter().all(u8::is_ascii_whitespace) {
        &b"{}"[..]
    } else {
        body
    };
    serde_json::from_slice(body)
        .map_err(|e| AwsError::bad_request(format!("Request body is not valid: {e}")))
}

fn required(field: &str, value: Option<String>) -> Result<String, AwsError> {
    value.ok_or_else(|| AwsError::bad_request(format!("{field}: must be provided")))
}

fn call_response(status: StatusCode, transaction_id: &str) -> Response {
    (
        status,
        Json(json!({ "SipMediaApplicationCall": { "TransactionId": transaction_id } })),
    )
        .into_response()
}

async fn create_call(
    State(sandbox): State<Arc<Sandbox>>,
    Path(sma_id): Path<String>,
    arrival: Option<Extension<Arrival>>,
    note: Option<Extension<CallNote>>,
    dropper: Option<Extension<DropConnection>>,
    body: Bytes,
) -> Result<Response, AwsError> {
    let quotas = &sandbox.quotas;
    if !quotas.create.admit(arrived(arrival)) {
        return Err(AwsError::throttled(Quotas::rate_exceeded(
            "CreateSipMediaApplicationCall",
            quotas.create.limit(),
        )));
    }
    let fault = sandbox.faults.draw_api();
    fail_before(fault)?;
    let input: CreateCallInput = parse_body(&body)?;
    let from = required("FromPhoneNumber", input.from_phone_number)?;
    let to = required("ToPhoneNumber", input.to_phone_number)?;
    rules::check_create_call(&from, &to, &input.arguments_map, &input.sip_headers)?;

    let transaction_id = uuid::Uuid::new_v4().to_string();
    {
        let mut world = sandbox.world.lock().expect("world lock");
        // CreateSipMediaApplicationCall models no NotFoundException: an unknown SMA is a bad request.
        if world.sma(&sma_id).is_none() {
            return Err(AwsError::bad_request(format!(
                "SipMediaApplicationId: {sma_id:?} is not a SIP media application in this account"
            )));
        }
        if !world.owns_number(&from) {
            return Err(AwsError::bad_request(format!(
                "FromPhoneNumber: {from} is not a phone number in this account's inventory"
            )));
        }
        if !quotas.active_calls.admit(&transaction_id) {
            let limit = quotas.active_calls.limit().unwrap_or_default();
            return Err(AwsError::resource_limit_exceeded(format!(
                "The SIP media application active calls quota of this account ({limit}) is \
                 reached: a call must end before another is created"
            )));
        }
        world.calls.insert(
            transaction_id.clone(),
            Call {
                transaction_id: transaction_id.clone(),
                sma_id: sma_id.clone(),
                from,
                to,
                arguments: input.arguments_map,
                sip_headers: input.sip_headers,
                status: CallStatus::Created,
                inbox: None,
            },
        );
    }
    tracing::info!(%transaction_id, sma_id = %sma_id, "call created");
    if let Some(Extension(note)) = note {
        note.set(&transaction_id);
    }
    let inbox = lifecycle::spawn(&sandbox, &transaction_id);
    quotas
        .active_calls
        .release_when_closed(&transaction_id, inbox.clone());
    if let Some(call) = sandbox
        .world
        .lock()
        .expect("world lock")
        .calls
        .get_mut(&transaction_id)
    {
        call.inbox = inbox;
    }
    answer_after(
        fault,
        dropper,
        call_response(StatusCode::CREATED, &transaction_id),
    )
    .await
}

async fn update_call(
    State(sandbox): State<Arc<Sandbox>>,
    Path((sma_id, transaction_id)): Path<(String, String)>,
    arrival: Option<Extension<Arrival>>,
    note: Option<Extension<CallNote>>,
    dropper: Option<Extension<DropConnection>>,
    body: Bytes,
) -> Result<Response, AwsError> {
    if let Some(Extension(note)) = note {
        note.set(&transaction_id);
    }
    let quotas = &sandbox.quotas;
    if !quotas.update.admit(arrived(arrival)) {
        return Err(AwsError::throttled(Quotas::rate_exceeded(
            "UpdateSipMediaApplicationCall",
            quotas.update.limit(),
        )));
    }
    let fault = sandbox.faults.draw_api();
    fail_before(fault)?;
    let input: UpdateCallInput = parse_body(&body)?;
    let arguments = input
        .arguments
        .ok_or_else(|| AwsError::bad_request("Arguments: must be provided"))?;
    rules::check_map_size("Arguments", &arguments)?;

    let inbox = {
        let world = sandbox.world.lock().expect("world lock");
        if world.sma(&sma_id).is_none() {
            return Err(AwsError::not_found(format!(
                "SipMediaApplicationId: {sma_id:?} is not a SIP media application in this account"
            )));
        }
        world
            .calls
            .get(&transaction_id)
            .filter(|call| call.sma_id == sma_id && call.status != CallStatus::Ended)
            .and_then(|call| call.inbox.clone())
            .ok_or_else(|| {
                AwsError::not_found(format!(
                    "TransactionId: {transaction_id:?} is not a call in progress on this SIP media application"
                ))
            })?
    };
    let (done, applied) = tokio::sync::oneshot::channel();
    let message = CallMessage::Update { arguments, done };
    if let Err(error) = inbox.try_send(message) {
        return Err(match error {
            TrySendError::Full(_) => AwsError::throttled("Too many updates are pending for this call"),
            TrySendError::Closed(_) => AwsError::not_found(format!(
                "TransactionId: {transaction_id:?} is not a call in progress on this SIP media application"
            )),
        });
    }
    // At AWS the handler runs after the 202. The built-in handler answers at once, so the sandbox
    // waits for it: the next request then already sees what a hangup did.
    if sandbox.handler.is_built_in() {
        let _ = tokio::time::timeout(BUILT_IN_HANDLER_WAIT, applied).await;
        release_if_ended(&sandbox, &transaction_id, &inbox).await;
    }
    tracing::info!(%transaction_id, "call update accepted");
    answer_after(
        fault,
        dropper,
        call_response(StatusCode::ACCEPTED, &transaction_id),
    )
    .await
}

/// A hangup the built-in handler answered has ended the call, and its task is about to stop:
/// wait for that, so the call no longer counts as active when the update's 202 leaves.
async fn release_if_ended(
    sandbox: &Sandbox,
    transaction_id: &str,
    inbox: &tokio::sync::mpsc::Sender<CallMessage>,
) {
    let ended = {
        let world = sandbox.world.lock().expect("world lock");
        world
            .calls
            .get(transaction_id)
            .is_some_and(|call| call.status == CallStatus::Ended)
    };
    if ended
        && tokio::time::timeout(ENDED_CALL_WAIT, inbox.closed())
            .await
            .is_ok()
    {
        sandbox.quotas.active_calls.release(transaction_id);
    }
}

/// The faults that strike before anything is done.
fn fail_before(fault: Option<ApiFault>) -> Result<(), AwsError> {
    match fault {
        Some(ApiFault::ErrorBefore) => {
            Err(AwsError::service_failure("Injected fault: error-before"))
        }
        Some(ApiFault::UnavailableBefore) => Err(AwsError::service_unavailable(
            "Injected fault: unavailable-before",
        )),
        _ => Ok(()),
    }
}

/// The operation is done; the faults that strike now hide it from the client.
async fn answer_after(
    fault: Option<ApiFault>,
    dropper: Option<Extension<DropConnection>>,
    answer: Response,
) -> Result<Response, AwsError> {
    match fault {
        Some(ApiFault::ErrorAfter) => Err(AwsError::service_failure("Injected fault: error-after")),
        Some(ApiFault::DropAfter) => {
            if let Some(Extension(dropper)) = dropper {
                dropper.now();
            }
            // The connection is gone; nothing is ever answered.
            std::future::pending().await
        }
        Some(ApiFault::SlowAfter) => {
            tokio::time::sleep(faults::SLOW_ANSWER_DELAY).await;
            Ok(answer)
        }
        _ => Ok(answer),
    }
}

fn sma_json(sma: &SipMediaApplication) -> Value {
    json!({
        "SipMediaApplicationId": sma.id,
        "AwsRegion": sma.region,
        "Name": sma.name,
        "Endpoints": [{ "LambdaArn": sma.lambda_arn }],
        "CreatedTimestamp": clock::system_time_rfc3339_ms(sma.created),
        "UpdatedTimestamp": clock::system_time_rfc3339_ms(sma.created),
        "SipMediaApplicationArn": sma.arn(),
    })
}

async fn get_sip_media_application(
    State(sandbox): State<Arc<Sandbox>>,
    Path(sma_id): Path<String>,
) -> Result<Json<Value>, AwsError> {
    let world = sandbox.world.lock().expect("world lock");
    let sma = world.sma(&sma_id).ok_or_else(|| {
        AwsError::not_found(format!(
            "SipMediaApplicationId: {sma_id:?} is not a SIP media application in this account"
        ))
    })?;
    Ok(Json(json!({ "SipMediaApplication": sma_json(sma) })))
}

/// Page tokens are opaque to clients; here they carry the index of the next item.
const NEXT_TOKEN_PREFIX: &str = "sma-page-";

fn parse_list_query(query: Option<&str>) -> Result<(usize, usize), AwsError> {
    let mut max_results = 100;
    let mut start = 0;
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        match name {
            "max-results" => {
                max_results = value
                    .parse::<usize>()
                    .ok()
                    .filter(|n| (1..=100).contains(n))
                    .ok_or_else(|| {
                        AwsError::bad_request(format!(
                            "MaxResults: {value:?} is not an integer from 1 to 100"
                        ))
                    })?;
            }
            "next-token" => {
                start = value
                    .strip_prefix(NEXT_TOKEN_PREFIX)
                    .and_then(|n| n.parse::<usize>().ok())
                    .ok_or_else(|| AwsError::bad_request("NextToken: is not a valid token"))?;
            }
            _ => {}
        }
    }
    Ok((max_results, start))
}

async fn list_sip_media_applications(
    State(sandbox): State<Arc<Sandbox>>,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, AwsError> {
    let (max_results, start) = parse_list_query(query.as_deref())?;
    let world = sandbox.world.lock().expect("world lock");
    let all = &world.sip_media_applications;
    if start > all.len() {
        return Err(AwsError::bad_request("NextToken: is not a valid token"));
    }
    let end = (start + max_results).min(all.len());
    let page: Vec<Value> = all[start..end].iter().map(sma_json).collect();
    let mut body = json!({ "SipMediaApplications": page });
    if end < all.len() {
        body["NextToken"] = json!(format!("{NEXT_TOKEN_PREFIX}{end}"));
    }
    Ok(Json(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_query_bounds() {
        assert_eq!(parse_list_query(None).unwrap(), (100, 0));
        assert_eq!(
            parse_list_query(Some("max-results=2&next-token=sma-page-4")).unwrap(),
            (2, 4)
        );
        assert!(parse_list_query(Some("max-results=0")).is_err());
        assert!(parse_list_query(Some("max-results=101")).is_err());
        assert!(parse_list_query(Some("next-token=garbage")).is_err());
    }

    #[test]
    fn empty_body_is_an_empty_structure() {
        let input: UpdateCallInput = parse_body(b"").unwrap();
        assert!(input.arguments.is_none());
        assert!(parse_body::<UpdateCallInput>(b"{not json").is_err());
        assert!(parse_body::<UpdateCallInput>(b"{\"Arguments\":{\"a\":1}}").is_err());
    }
}
