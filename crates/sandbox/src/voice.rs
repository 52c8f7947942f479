//! The Chime SDK Voice operations the sandbox serves (CreateSipMediaApplication,
//! GetSipMediaApplication, ListSipMediaApplications, DeleteSipMediaApplication,
//! CreateSipMediaApplicationCall, UpdateSipMediaApplicationCall), at the model's paths and status
//! codes, with the account's quotas and the API faults applied to calls. A created call is handed
//! to its own task (`lifecycle`); an update is a message to that task.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Extension, Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use regex::Regex;
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
use super::state::{
    Call, CallStatus, SipMediaApplication, ACCOUNT_ID, SIP_MEDIA_APPLICATIONS_QUOTA,
};
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
        .route(
            SMAS,
            get(list_sip_media_applications).post(create_sip_media_application),
        )
        .route(
            SMA,
            get(get_sip_media_application).delete(delete_sip_media_application),
        )
        .route(CALLS, post(create_call))
        .route(CALL, post(update_call))
}

/// The operation served at `route` (as `routes` names it) for `method`.
pub(crate) fn operation_name(method: &str, route: &str) -> Option<&'static str> {
    match (method, route) {
        ("GET", SMAS) => Some("ListSipMediaApplications"),
        ("POST", SMAS) => Some("CreateSipMediaApplication"),
        ("GET", SMA) => Some("GetSipMediaApplication"),
        ("DELETE", SMA) => Some("DeleteSipMediaApplication"),
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

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CreateSmaInput {
    aws_region: Option<String>,
    name: Option<String>,
    endpoints: Option<Vec<EndpointInput>>,
    tags: Option<Vec<TagInput>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct EndpointInput {
    lambda_arn: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct TagInput {
    key: Option<String>,
    value: Option<String>,
}

/// The model's FunctionArn pattern, anchored.
const FUNCTION_ARN_PATTERN: &str = r"^arn:(aws[a-zA-Z-]*)?:lambda:([a-z]{2}((-gov)|(-iso(b?)))?-[a-z]+-\d{1}):(\d{12}):function:[a-zA-Z0-9-_]+(:(\$LATEST|[a-zA-Z0-9-_]+))?$";

/// CreateSipMediaApplication's input, checked with the model's rules and the account's: the name
/// and the endpoint's LambdaArn, or why not.
fn check_create_sma(input: CreateSmaInput, region: &str) -> Result<(String, String), AwsError> {
    let aws_region = required("AwsRegion", input.aws_region)?;
    let name = required("Name", input.name)?;
    let endpoints = input
        .endpoints
        .ok_or_else(|| AwsError::bad_request("Endpoints: must be provided"))?;
    if aws_region != region {
        return Err(AwsError::bad_request(format!(
            "AwsRegion: {aws_region:?} is not this endpoint's region ({region})"
        )));
    }
    let name_ok = (1..=256).contains(&name.chars().count())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '_' | '.' | '-'));
    if !name_ok {
        return Err(AwsError::bad_request(
            "Name: must be 1 to 256 letters, digits, spaces, _ . and -",
        ));
    }
    let [endpoint] = endpoints.as_slice() else {
        return Err(AwsError::bad_request(format!(
            "Endpoints: must hold exactly 1 endpoint, not {}",
            endpoints.len()
        )));
    };
    let lambda_arn = endpoint
        .lambda_arn
        .clone()
        .ok_or_else(|| AwsError::bad_request("Endpoints[0].LambdaArn: must be provided"))?;
    let pattern = Regex::new(FUNCTION_ARN_PATTERN).expect("the FunctionArn pattern compiles");
    let captures = pattern
        .captures(&lambda_arn)
        .filter(|_| lambda_arn.len() <= 10_000)
        .ok_or_else(|| {
            AwsError::bad_request("Endpoints[0].LambdaArn: is not a Lambda function ARN")
        })?;
    if &captures[2] != region || &captures[7] != ACCOUNT_ID {
        return Err(AwsError::bad_request(format!(
            "Endpoints[0].LambdaArn: the function must be in this account ({ACCOUNT_ID}) and \
             region ({region})"
        )));
    }
    if let Some(tags) = &input.tags {
        if !(1..=50).contains(&tags.len()) {
            return Err(AwsError::bad_request("Tags: must hold 1 to 50 tags"));
        }
        for tag in tags {
            let key_ok = tag
                .key
                .as_ref()
                .is_some_and(|k| (1..=128).contains(&k.chars().count()));
            let value_ok = tag.value.as_ref().is_some_and(|v| v.chars().count() <= 256);
            if !key_ok || !value_ok {
                return Err(AwsError::bad_request(
                    "Tags: each tag needs a Key of 1 to 128 characters and a Value of at most 256",
                ));
            }
        }
    }
    Ok((name, lambda_arn))
}

async fn create_sip_media_application(
    State(sandbox): State<Arc<Sandbox>>,
    body: Bytes,
) -> Result<Response, AwsError> {
    let input: CreateSmaInput = parse_body(&body)?;
    let (name, lambda_arn) = check_create_sma(input, &sandbox.config.region)?;
    let mut world = sandbox.world.lock().expect("world lock");
    if world.sip_media_applications.len() >= SIP_MEDIA_APPLICATIONS_QUOTA {
        return Err(AwsError::resource_limit_exceeded(format!(
            "The SIP media applications quota of this account ({SIP_MEDIA_APPLICATIONS_QUOTA}) \
             is reached: delete one before creating another"
        )));
    }
    let sma = world.add_sma(&name, &lambda_arn);
    tracing::info!(sma_id = %sma.id, "SIP media application created");
    Ok((
        StatusCode::CREATED,
        Json(json!({ "SipMediaApplication": sma_json(sma) })),
    )
        .into_response())
}

async fn delete_sip_media_application(
    State(sandbox): State<Arc<Sandbox>>,
    Path(sma_id): Path<String>,
) -> Result<StatusCode, AwsError> {
    let mut world = sandbox.world.lock().expect("world lock");
    if world.sma(&sma_id).is_none() {
        return Err(AwsError::not_found(format!(
            "SipMediaApplicationId: {sma_id:?} is not a SIP media application in this account"
        )));
    }
    if world.has_calls_in_progress(&sma_id) {
        return Err(AwsError {
            status: StatusCode::CONFLICT,
            error_type: "ConflictException",
            code: "Conflict",
            message: format!(
                "SipMediaApplicationId: {sma_id:?} has calls in progress; end them first"
            ),
        });
    }
    world.remove_sma(&sma_id);
    tracing::info!(sma_id = %sma_id, "SIP media application deleted");
    Ok(StatusCode::NO_CONTENT)
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

    fn create_input(body: Value) -> Result<(String, String), String> {
        let input: CreateSmaInput = parse_body(body.to_string().as_bytes()).unwrap();
        check_create_sma(input, "us-east-1").map_err(|e| e.message)
    }

    #[test]
    fn create_sip_media_application_input_follows_the_model() {
        let arn = "arn:aws:lambda:us-east-1:111122223333:function:chimecall-callout";
        let good = json!({"AwsRegion": "us-east-1", "Name": "call out.1",
            "Endpoints": [{"LambdaArn": arn}], "Tags": [{"Key": "team", "Value": ""}]});
        assert_eq!(
            create_input(good.clone()).unwrap(),
            ("call out.1".to_string(), arn.to_string())
        );
        let with = |field: &str, value: Value| {
            let mut body = good.clone();
            body[field] = value;
            create_input(body).unwrap_err()
        };
        assert!(with("AwsRegion", json!("us-west-2")).starts_with("AwsRegion"));
        assert!(with("Name", json!("")).starts_with("Name"));
        assert!(with("Name", json!("a/b")).starts_with("Name"));
        assert!(with("Name", json!("a".repeat(257))).starts_with("Name"));
        assert!(with("Endpoints", json!([])).starts_with("Endpoints"));
        assert!(
            with("Endpoints", json!([{"LambdaArn": arn}, {"LambdaArn": arn}]))
                .starts_with("Endpoints")
        );
        assert!(with("Endpoints", json!([{}])).contains("must be provided"));
        for other in [
            "arn:aws:lambda:us-east-1:111122223333:layer:x",
            "arn:aws:lambda:eu-west-1:111122223333:function:x",
            "arn:aws:lambda:us-east-1:999999999999:function:x",
        ] {
            assert!(with("Endpoints", json!([{"LambdaArn": other}])).contains("LambdaArn"));
        }
        let alias = "arn:aws:lambda:us-east-1:111122223333:function:x:live";
        assert!(create_input(json!({"AwsRegion": "us-east-1", "Name": "n",
            "Endpoints": [{"LambdaArn": alias}]}))
        .is_ok());
        assert!(with("Tags", json!([])).starts_with("Tags"));
        assert!(with("Tags", json!([{"Key": ""}])).starts_with("Tags"));
        let mut missing = good.clone();
        missing.as_object_mut().unwrap().remove("Name");
        assert_eq!(create_input(missing).unwrap_err(), "Name: must be provided");
    }

    #[test]
    fn empty_body_is_an_empty_structure() {
        let input: UpdateCallInput = parse_body(b"").unwrap();
        assert!(input.arguments.is_none());
        assert!(parse_body::<UpdateCallInput>(b"{not json").is_err());
        assert!(parse_body::<UpdateCallInput>(b"{\"Arguments\":{\"a\":1}}").is_err());
    }
}
