//! `chimecall dial`: CreateSipMediaApplicationCall, and the TransactionId it returns.

use std::fmt;

use aws_config::SdkConfig;
use serde::Serialize;
use serde_json::json;

use crate::aws;
use crate::call::CallRequest;
use crate::exit::{Exit, Failure};

/// A placed call. Text form: the TransactionId alone, so `TX=$(chimecall dial ...)` works.
#[derive(Debug, Serialize)]
pub struct Dialed {
    pub transaction_id: String,
    pub sma_id: String,
    pub from: String,
    pub to: String,
}

impl fmt::Display for Dialed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.transaction_id)
    }
}

/// What `--dry-run` shows: the request exactly as it would go on the wire, minus the signature.
#[derive(Debug, Serialize)]
pub struct DryRun {
    pub dry_run: bool,
    pub operation: &'static str,
    pub method: &'static str,
    pub path: String,
    pub region: Option<String>,
    pub endpoint: String,
    pub body: serde_json::Value,
}

impl DryRun {
    pub fn new(call: &CallRequest, config: &SdkConfig) -> DryRun {
        let mut body = json!({
            "FromPhoneNumber": call.from,
            "ToPhoneNumber": call.to,
        });
        if !call.arguments.is_empty() {
            body["ArgumentsMap"] = json!(call.arguments);
        }
        if !call.sip_headers.is_empty() {
            body["SipHeaders"] = json!(call.sip_headers);
        }
        let region = config.region().map(|r| r.to_string());
        let endpoint = match (config.endpoint_url(), &region) {
            (Some(url), _) => url.to_string(),
            (None, Some(region)) => format!("https://voice-chime.{region}.amazonaws.com"),
            (None, None) => "(no region configured)".to_string(),
        };
        DryRun {
            dry_run: true,
            operation: "CreateSipMediaApplicationCall",
            method: "POST",
            path: format!("/sip-media-applications/{}/calls", call.sma_id),
            region,
            endpoint,
            body,
        }
    }
}

impl fmt::Display for DryRun {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "# dry run: nothing is sent, no call is placed")?;
        writeln!(f, "# {} to {}", self.operation, self.endpoint)?;
        writeln!(f, "{} {}", self.method, self.path)?;
        let body = serde_json::to_string_pretty(&self.body).map_err(|_| fmt::Error)?;
        f.write_str(&body)
    }
}

/// Places the call. Every failure carries its exit code; 8 when a call may have been placed.
pub async fn dial(call: CallRequest, config: &SdkConfig) -> Result<Dialed, Failure> {
    let client = aws::voice_client(config);
    match aws::create_call(&client, &call).await {
        Ok(transaction_id) => Ok(Dialed {
            transaction_id,
            sma_id: call.sma_id,
            from: call.from,
            to: call.to,
        }),
        Err(error) => {
            let exit = error.dial_exit();
            let mut message = error.describe();
            if exit == Exit::OutcomeUnknown {
                message.push_str(
                    "\nThe request may have reached the service: a call to this number may have \
                     been placed. Do not redial blindly; check the handler's logs first.",
                );
            }
            Err(Failure::new(exit, message))
        }
    }
}
