//! `chimecall demo`: the one-command tour. It starts a sandbox in this process on a free port and
//! runs the real dial, tail and hangup code through the AWS SDK over HTTP against it, narrating
//! each step and showing the call's timeline live. Nothing of the user's AWS configuration is
//! read: the demo cannot reach AWS.

use std::time::{Duration, Instant};

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_credential_types::Credentials;

use chimecall_sandbox::{RunningSandbox, SandboxConfig, SandboxInfo};

use crate::aws;
use crate::call::DialRequest;
use crate::cli::DemoArgs;
use crate::event;
use crate::exit::{Exit, Failure};
use crate::follow::{self, CallWatch, LogSource, Pollers, Update};
use crate::updates::hangup_arguments;

/// An SDK configuration that points at the sandbox and nowhere else.
fn sandbox_sdk_config(info: &SandboxInfo) -> SdkConfig {
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

/// The demo's narration on stdout; a closed stdout only silences it.
fn say(text: impl AsRef<str>) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{}", text.as_ref());
}

/// Prints the call's events as they reach the handler's logs, until `done` says the call got
/// where the step expects (or `limit` passes).
async fn show_timeline_until(
    watch: &mut CallWatch,
    done: impl Fn(&CallWatch) -> bool,
    limit: Duration,
) -> Result<(), Failure> {
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        if done(watch) {
            return Ok(());
        }
        if tokio::time::Instant::now() >= deadline {
            return Err(Failure::new(
                Exit::Failure,
                "the sandbox's call did not get there in time",
            ));
        }
        match watch.next(Some(deadline)).await {
            Update::Events(events) => {
                for observed in events {
                    say(format!(
                        "   {}",
                        event::timeline_line(&observed.event, observed.timestamp_ms)
                    ));
                }
            }
            Update::Unreadable(error) => return Err(Failure::from(error)),
            Update::CaughtUp | Update::GroupMissing | Update::Quiet => {}
        }
    }
}

pub(crate) async fn run(args: DemoArgs) -> anyhow::Result<()> {
    let to = args.to;
    let answer_after = Duration::from_millis(800);
    let config = SandboxConfig {
        answer_after,
        ..SandboxConfig::default()
    };
    let quotas = config.quotas.to_string();
    let sandbox = RunningSandbox::start(config).await?;
    let info = sandbox.info.clone();
    let config = sandbox_sdk_config(&info);

    say(
        "chimecall demo: a real call through the AWS SDK for Rust, against an in-process sandbox\n",
    );
    say(format!(
        "1. Sandbox listening on {} (region {})\n   SIP media application {}, caller id {}",
        info.endpoint_url, info.region, info.sma_id, info.from_number
    ));
    say(format!(
        "   Its quotas are a fresh AWS account's, as AWS enforces them: {quotas}"
    ));

    say(format!("\n2. $ chimecall dial --to {to} --wait answered"));
    let request = DialRequest {
        sma_id: info.sma_id.clone(),
        from: info.from_number.clone(),
        to: crate::call::with_plus(to),
        arguments: Default::default(),
        sip_headers: Default::default(),
    };
    request.validate()?;
    let started = Instant::now();
    let voice = aws::voice_client(&config);
    let transaction_id = aws::create_call(&voice, &request)
        .await
        .map_err(Failure::from)?;
    say(format!(
        "   CreateSipMediaApplicationCall answered 201 in {} ms: TransactionId {transaction_id}",
        started.elapsed().as_millis()
    ));
    say(format!(
        "   Its handler logs each invocation event to /aws/lambda/{}; this is what `chimecall tail` reads:",
        chimecall_sandbox::defaults::FUNCTION_NAME
    ));
    let source = LogSource {
        sma_id: Some(info.sma_id.clone()),
        log_group: None,
        start_ms: chimecall_model::clock::now_ms() - follow::CLOCK_SKEW_MS,
    };
    let log_group = follow::log_group_of(&source, &config).await?;
    // The demo's own budget: its sandbox has nobody else to share the logs quota with.
    let pollers = Pollers::new(&config, 10.0, None);
    let mut follower = pollers.watch(&log_group, &transaction_id, source.start_ms);
    show_timeline_until(
        &mut follower,
        |f| f.tracker().was_answered(),
        answer_after * 20,
    )
    .await?;
    say("   The callee answered: `dial --wait answered` exits 0 here.");

    say(format!("\n3. $ chimecall hangup --wait {transaction_id}"));
    let hangup = hangup_arguments();
    aws::update_call(&voice, &info.sma_id, &transaction_id, &hangup)
        .await
        .map_err(Failure::from)?;
    say("   UpdateSipMediaApplicationCall with Arguments {\"action\":\"hangup\"} answered 202; the handler");
    say("   answers the CALL_UPDATE_REQUESTED with a Hangup action:");
    show_timeline_until(
        &mut follower,
        |f| f.tracker().is_ended(),
        Duration::from_secs(10),
    )
    .await?;
    say(format!(
        "   The call is over: {}.",
        follower.tracker().phase()
    ));

    say(format!(
        "\n4. $ chimecall hangup {transaction_id}   # again"
    ));
    match aws::update_call(&voice, &info.sma_id, &transaction_id, &hangup).await {
        Err(error) if error.exit() == Exit::NotFound => {
            say("   NotFoundException (HTTP 404): the call has already ended; `chimecall hangup` reports it\n   gone (the journal shows it was placed), and an id it never placed exits 7")
        }
        Err(error) => return Err(Failure::from(error).into()),
        Ok(_) => {
            return Err(Failure::new(Exit::Failure, "a second hangup was accepted").into());
        }
    }

    sandbox.stop().await?;
    say(
        "\nDone. To keep a sandbox running and use chimecall against it yourself:\n   \
         eval \"$(chimecall sandbox --detach)\"\n   \
         TX=$(chimecall dial --to +12065550123 --wait answered) && chimecall tail \"$TX\"\n   \
         kill \"$CHIMECALL_SANDBOX_PID\"",
    );
    Ok(())
}
