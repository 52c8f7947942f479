//! `chimecall demo`: the one-command tour. It starts a sandbox in this process on a free port and
//! runs the real dial and hangup code through the AWS SDK over HTTP against it, narrating each
//! step. Nothing of the user's AWS configuration is read: the demo cannot reach AWS.

use std::time::{Duration, Instant};

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_credential_types::Credentials;

use crate::call::CallRequest;
use crate::commands::{dial, update};
use crate::exit::{Exit, Failure};
use crate::sandbox::state::CallStatus;
use crate::sandbox::{RunningSandbox, SandboxConfig, SandboxInfo};

/// An SDK configuration that points at the sandbox and nowhere else.
pub fn sandbox_sdk_config(info: &SandboxInfo) -> SdkConfig {
    SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(info.region.clone()))
        .endpoint_url(&info.endpoint_url)
        .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
            &info.credentials.access_key_id,
            &info.credentials.secret_access_key,
            None,
            None,
            "chimecall-demo",
        )))
        .build()
}

fn say(text: impl AsRef<str>) {
    println!("{}", text.as_ref());
}

async fn wait_for_status(
    sandbox: &RunningSandbox,
    transaction_id: &str,
    wanted: CallStatus,
    limit: Duration,
) -> bool {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if sandbox.call_status(transaction_id) == Some(wanted) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    false
}

pub async fn run(to: String) -> anyhow::Result<()> {
    let answer_after = Duration::from_millis(500);
    let sandbox = RunningSandbox::start(SandboxConfig {
        answer_after,
        ..SandboxConfig::default()
    })
    .await?;
    let info = sandbox.info.clone();
    let config = sandbox_sdk_config(&info);

    say(
        "chimecall demo: a real call through the AWS SDK for Rust, against an in-process sandbox\n",
    );
    say(format!(
        "1. Sandbox listening on {} (region {})\n   SIP media application {}, caller id {}",
        info.endpoint_url, info.region, info.sma_id, info.from_number
    ));

    say(format!("\n2. $ chimecall dial --to {to}"));
    let call = CallRequest {
        sma_id: info.sma_id.clone(),
        from: info.from_number.clone(),
        to,
        arguments: Default::default(),
        sip_headers: Default::default(),
    };
    call.validate()?;
    let started = Instant::now();
    let dialed = dial::dial(call, &config).await?;
    let transaction_id = dialed.transaction_id.clone();
    say(format!(
        "   CreateSipMediaApplicationCall answered 201 in {} ms: TransactionId {transaction_id}",
        started.elapsed().as_millis()
    ));
    say("   sandbox: the callee's phone is ringing");
    if !wait_for_status(
        &sandbox,
        &transaction_id,
        CallStatus::Connected,
        answer_after * 10,
    )
    .await
    {
        return Err(Failure::new(Exit::Failure, "the sandbox's callee never answered").into());
    }
    say(format!(
        "   sandbox: answered after {} ms: the call is connected",
        started.elapsed().as_millis()
    ));

    say(format!("\n3. $ chimecall hangup {transaction_id}"));
    let output = crate::output::Output::new(crate::cli::OutputFormat::Text, true);
    let hangup = update::hangup_arguments();
    let ids = [transaction_id.clone()];
    // The real hangup prints the accepted TransactionId as its result; here it goes to stdout too.
    update::update_calls(&info.sma_id, &ids, &hangup, &config, &output).await?;
    say("   UpdateSipMediaApplicationCall with Arguments {\"action\":\"hangup\"} answered 202 (accepted)");
    if !wait_for_status(
        &sandbox,
        &transaction_id,
        CallStatus::Ended,
        Duration::from_secs(5),
    )
    .await
    {
        return Err(
            Failure::new(Exit::Failure, "the sandbox's handler did not end the call").into(),
        );
    }
    say("   sandbox: the handler returned a Hangup action: the call has ended");

    say(format!(
        "\n4. $ chimecall hangup {transaction_id}   # again"
    ));
    let quiet = crate::output::Output::new(crate::cli::OutputFormat::Text, true);
    match update::update_calls(&info.sma_id, &ids, &hangup, &config, &quiet).await {
        Err(error) if crate::exit::exit_for(&error) == Exit::NotFound => {
            say("   NotFoundException (HTTP 404): exit code 7, the transaction has already ended")
        }
        Err(error) => return Err(error),
        Ok(()) => {
            return Err(Failure::new(Exit::Failure, "a second hangup was accepted").into());
        }
    }

    sandbox.stop().await?;
    say("\nDone. To keep a sandbox running and use chimecall against it yourself:\n   \
         chimecall sandbox > sandbox.env &   then   . ./sandbox.env && chimecall dial --to +12065550123");
    Ok(())
}
