//! `chimecall update`: UpdateSipMediaApplicationCall with the given Arguments, delivered to the
//! call's handler in CALL_UPDATE_REQUESTED.

use super::Context;
use crate::call::parse_pairs;
use crate::cli::UpdateArgs;
use crate::journal::ErrorNote;
use crate::updates::{self, Target, Updated};

pub(crate) async fn run(args: UpdateArgs, context: &Context) -> anyhow::Result<()> {
    let output = &context.output;
    let target = Target {
        sma_id: context.sma_id(args.target.sma_id).await?,
        transaction_id: args.transaction_id,
    };
    let arguments = parse_pairs("--arg", &args.args)?;
    updates::check(std::slice::from_ref(&target), &arguments)?;
    let config = context.sdk_config().await?;
    let mut failures = Vec::new();
    for (target, answer) in updates::send_all(vec![target], arguments, 0.0, &config).await? {
        let report = match answer {
            Ok(()) => Updated::new(&target, "accepted", None),
            Err(error) => {
                let exit = error.exit();
                failures.push(exit);
                output.error(updates::describe_failure(&target.transaction_id, &error));
                Updated::new(&target, "failed", Some(ErrorNote::of(&error, exit)))
            }
        };
        if report.error.is_none() || output.is_json() {
            output.result(&report)?;
        }
    }
    updates::exit_of(&failures).map_err(Into::into)
}
