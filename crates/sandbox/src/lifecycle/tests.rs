//! `--hangup-while-ringing`: a hangup update for a call that still rings, under both readings of
//! AWS, with the built-in handler (which runs the call-out flow) and simulated time paused.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use crate::actions::HangupWhileRinging;
use crate::call_message::CallMessage;
use crate::state::{Call, CallStatus};
use crate::{handler_log, Sandbox, SandboxConfig};

/// The built-in rules answer this number after `--answer-after`.
const TO: &str = "+12065550123";

fn sandbox(hangup_while_ringing: HangupWhileRinging) -> Arc<Sandbox> {
    let config = SandboxConfig {
        answer_after: Duration::from_secs(20),
        hangup_while_ringing,
        ..SandboxConfig::default()
    };
    Arc::new(Sandbox::new(config, None))
}

/// Places a call-out (message and key) and returns its transaction id and its task's inbox.
fn place(sandbox: &Arc<Sandbox>) -> (String, tokio::sync::mpsc::Sender<CallMessage>) {
    let transaction_id = "tx-ringing".to_string();
    {
        let mut world = sandbox.world.lock().unwrap();
        let sma_id = world.sip_media_applications[0].id.clone();
        let from = world.inventory[0].clone();
        let arguments = BTreeMap::from([
            ("chimecall-say".to_string(), "INC-42: down.".to_string()),
            ("chimecall-ack".to_string(), "1".to_string()),
        ]);
        world.calls.insert(
            transaction_id.clone(),
            Call {
                transaction_id: transaction_id.clone(),
                sma_id,
                from,
                to: TO.to_string(),
                arguments,
                sip_headers: BTreeMap::new(),
                status: CallStatus::Created,
                inbox: None,
            },
        );
    }
    let inbox = super::spawn(sandbox, &transaction_id).expect("the call's task");
    (transaction_id, inbox)
}

async fn hang_up(inbox: &tokio::sync::mpsc::Sender<CallMessage>) {
    let (done, applied) = tokio::sync::oneshot::channel();
    let arguments = BTreeMap::from([("action".to_string(), "hangup".to_string())]);
    inbox
        .send(CallMessage::Update { arguments, done })
        .await
        .unwrap();
    let _ = applied.await;
}

fn status(sandbox: &Sandbox, transaction_id: &str) -> CallStatus {
    sandbox.world.lock().unwrap().calls[transaction_id].status
}

/// Each event the handler was sent, `TYPE` or `TYPE ActionData.Type ErrorType`, with the types
/// of the actions it answered.
fn exchanges(sandbox: &Sandbox) -> Vec<(String, Vec<String>)> {
    let group = handler_log::group_name(&sandbox.config.function_name);
    let mut seen = Vec::new();
    for message in sandbox.logs.messages(&group) {
        let json = |prefix: &str| {
            message
                .split_once(prefix)
                .and_then(|(_, json)| serde_json::from_str::<Value>(json).ok())
        };
        if let Some(event) = json("Request: ") {
            let mut line = event["InvocationEventType"].as_str().unwrap().to_string();
            if let Some(error) = event["ActionData"]["ErrorType"].as_str() {
                line = format!(
                    "{line} {} {error}",
                    event["ActionData"]["Type"].as_str().unwrap()
                );
            }
            seen.push((line, Vec::new()));
        } else if let Some(answer) = json("Response: ") {
            let types = answer["Actions"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|action| action["Type"].as_str().unwrap().to_string())
                .collect();
            seen.last_mut().unwrap().1 = types;
        }
    }
    seen
}

fn owned(expected: &[(&str, &[&str])]) -> Vec<(String, Vec<String>)> {
    expected
        .iter()
        .map(|(event, actions)| {
            let actions = actions.iter().map(|a| a.to_string()).collect();
            (event.to_string(), actions)
        })
        .collect()
}

async fn ended(
    sandbox: &Sandbox,
    transaction_id: &str,
    inbox: tokio::sync::mpsc::Sender<CallMessage>,
) {
    tokio::time::timeout(Duration::from_secs(120), inbox.closed())
        .await
        .expect("the call ends");
    assert_eq!(status(sandbox, transaction_id), CallStatus::Ended);
}

#[tokio::test(start_paused = true)]
async fn by_default_a_hangup_ends_a_ringing_call() {
    let sandbox = sandbox(HangupWhileRinging::Ends);
    let (tx, inbox) = place(&sandbox);
    hang_up(&inbox).await;
    assert_eq!(status(&sandbox, &tx), CallStatus::Ended, "at once");
    ended(&sandbox, &tx, inbox).await;
    assert_eq!(
        exchanges(&sandbox),
        owned(&[
            ("NEW_OUTBOUND_CALL", &[]),
            ("RINGING", &[]),
            ("CALL_UPDATE_REQUESTED", &["Hangup"]),
            ("HANGUP", &[]),
        ])
    );
}

#[tokio::test(start_paused = true)]
async fn when_a_hangup_fails_while_ringing_the_call_rings_on_and_the_callee_hears_it_was_cancelled()
{
    let sandbox = sandbox(HangupWhileRinging::Fails);
    let (tx, inbox) = place(&sandbox);
    hang_up(&inbox).await;
    assert_eq!(status(&sandbox, &tx), CallStatus::Created, "still ringing");
    ended(&sandbox, &tx, inbox).await;
    assert_eq!(
        exchanges(&sandbox),
        owned(&[
            ("NEW_OUTBOUND_CALL", &[]),
            ("RINGING", &[]),
            ("CALL_UPDATE_REQUESTED", &["Hangup"]),
            ("ACTION_FAILED Hangup InvalidActionParameter", &[]),
            ("CALL_ANSWERED", &["Speak", "Hangup"]),
            ("HANGUP", &[]),
        ])
    );
    let group = handler_log::group_name(&sandbox.config.function_name);
    let log = sandbox.logs.messages(&group).join("\n");
    assert!(
        log.contains("This alert was already acknowledged. Goodbye."),
        "{log}"
    );
}
