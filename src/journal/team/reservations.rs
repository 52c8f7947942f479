//! Reserving a bulk run's row attempt before a start slot is taken for it (`B#<batch>`,
//! `C#<attempt>#<row>`, the same item as the claim): a put that succeeds when nobody holds the
//! row, when this runner does, or when another runner's reservation lapsed without a claim. The
//! intent's transaction then writes the claim over it (`dial` set). A runner stopped or killed
//! between the two leaves a reservation that lapses: never a dial of unknown outcome.

use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::types::ReturnValuesOnConditionCheckFailure;

use super::faults;
use super::items::{self, n, s};
use super::keys;
use super::TeamJournal;
use crate::exit::{Exit, Failure};
use crate::journal::store::{Reservation, RowAttempt};

impl TeamJournal {
    pub(super) async fn reserve_row(
        &self,
        row: RowAttempt<'_>,
        hold_ms: i64,
    ) -> Result<Reservation, Failure> {
        keys::check_sizes(row.batch, Some(row.row))
            .map_err(|problem| Failure::new(Exit::Usage, problem))?;
        let now_ms = chimecall_model::clock::now_ms();
        let item = items::item(
            keys::claim(row.batch, row.row, row.attempt),
            [
                ("runner", s(&self.runner)),
                ("until_ms", n(now_ms + hold_ms)),
            ],
        );
        let put = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression(
                "attribute_not_exists(pk) OR (runner = :me AND attribute_not_exists(dial)) \
                 OR (attribute_not_exists(dial) AND until_ms < :now)",
            )
            .expression_attribute_values(":me", s(&self.runner))
            .expression_attribute_values(":now", n(now_ms))
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .send()
            .await;
        let error = match put {
            Ok(_) => return Ok(Reservation::Mine),
            Err(error) => error,
        };
        let held = match error.as_service_error() {
            Some(PutItemError::ConditionalCheckFailedException(failed)) => {
                Some(failed.item.clone().unwrap_or_default())
            }
            // Another runner's intent is being written over the row this instant: look again.
            Some(PutItemError::TransactionConflictException(_)) => {
                return Ok(Reservation::ReservedBy {
                    runner: "another runner".to_string(),
                    until_ms: now_ms,
                })
            }
            _ => None,
        };
        let Some(held) = held else {
            return Err(faults::failure(&self.table, "reserve a row", &error));
        };
        let runner = items::text(&held, "runner").unwrap_or("another runner");
        Ok(match items::text(&held, "dial") {
            // This runner's own claim: the run sends the same attempt again (the service did
            // not act on it: throttled, or over the live-call quota); it stays this runner's.
            Some(_) if runner == self.runner => Reservation::Mine,
            Some(_) => Reservation::Claimed(runner.to_string()),
            None => Reservation::ReservedBy {
                runner: runner.to_string(),
                until_ms: items::number(&held, "until_ms").unwrap_or(now_ms),
            },
        })
    }

    /// Gives back this runner's reservation, if it was not claimed.
    pub(super) async fn release_row(&self, row: RowAttempt<'_>) -> Result<(), Failure> {
        let deleted = self
            .client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(items::key_of(keys::claim(
                row.batch,
                row.row,
                row.attempt,
            ))))
            .condition_expression("runner = :me AND attribute_not_exists(dial)")
            .expression_attribute_values(":me", s(&self.runner))
            .send()
            .await;
        match deleted {
            Ok(_) => Ok(()),
            Err(error)
                if error
                    .as_service_error()
                    .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
            {
                Ok(())
            }
            Err(error) => Err(faults::failure(&self.table, "release a row", &error)),
        }
    }
}
