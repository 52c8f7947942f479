//! `chimecall update`: UpdateSipMediaApplicationCall with the given Arguments, delivered to the
//! call's handler in CALL_UPDATE_REQUESTED.

use super::Context;
use crate::call::parse_pairs;
use crate::cli::UpdateArgs;
use crate::journal::ErrorNote;
use crate::signals::StopWatch;
use crate::updates::{self, Sent, Target, UpdateResult, Updated};

pub(crate) async fn run(args: UpdateArgs, context: &Context) -> anyhow::Result<()> {
    let output = &context.output;
    let target = Target {
        sma_id: context.sma_id(args.target.sma_id).await?,
        transaction_id: args.transaction_id,
    };
    let arguments = parse_pairs("--arg", &args.args)?;
    updates::check(std::slice::from_ref(&target), &arguments, "TRANSACTION_ID")?;
    let config = context.sdk_config().await?;
    // A first Ctrl-C or SIGTERM before the update leaves sends nothing; one in flight finishes
    // and is reported. A second exits at once.
    let stop = StopWatch::start_second_exits();
    let mut failures = Vec::new();
    let mut not_sent = Vec::new();
    let mut sending = updates::send_until_stopped(vec![target], arguments, 0.0, &config, &stop);
    while let Some(outcome) = sending.next().await {
        let (target, sent) = outcome?;
        let report = match sent {
            Sent::NotSent => {
                not_sent.push(target.clone());
                Updated::new(&target, UpdateResult::NotSent, None)
            }
            Sent::Answered(Ok(())) => Updated::new(&target, UpdateResult::Accepted, None),
            Sent::Answered(Err(error)) => {
                let exit = error.exit();
                failures.push(exit);
                output.error(updates::describe_failure(&target.transaction_id, &error));
                Updated::new(
                    &target,
                    UpdateResult::Failed,
                    Some(ErrorNote::of(&error, exit)),
                )
            }
        };
        if report.result == UpdateResult::Accepted || output.is_json() {
            output.result(&report)?;
        }
    }
    if stop.is_stopped() {
        return Err(updates::interrupted(&not_sent, 1, "update", output.is_json()).into());
    }
    updates::exit_of(&failures).map_err(Into::into)
}
