//! The team journal's table: every item of it, by key. One table, with a string partition key
//! `pk` and a string sort key `sk` and no secondary index, so every read is a strongly
//! consistent Query or GetItem on the base table (docs/team-journal.md draws it):
//!
//! | pk | sk | what |
//! |---|---|---|
//! | `META` | `META` | the table is a chimecall journal, and its schema version |
//! | `J` | `<time ms>#<id>` | every record, as its JSON line (`journal export`, `journal copy`) |
//! | `D#<dial id>` | `D` | a dial: what its records add up to (`DialEntry`), and a version |
//! | `T#<TransactionId>` | `T` | which dial a call is |
//! | `A` | `<time ms>#<dial id>` | every dial, by start time (`calls`, `resolve`, the guard's book) |
//! | `L` | `<time ms>#<dial id>` | dials that may be live (`calls --active`, `hangup --all`) |
//! | `N#<number>` | `<time ms>#<dial id>` | dials to one number (the per-number guard) |
//! | `N#<number>` | `#head` | how many dials to the number (a guarded intent checks it) |
//! | `B#<batch>` | `D#<time ms>#<dial id>` | a batch's dials |
//! | `B#<batch>` | `E#<time ms>#<id>` | a batch's redial decisions and settled rows |
//! | `B#<batch>` | `C#<attempt>#<row>` | a row attempt's claim: the runner that dials it |
//! | `B#<batch>` | `R#<runner>` | a runner's lease on the batch (it is running it now) |
//! | `BATCHES` | `<batch>` | the list of batches, with their first dial times (the last is the last `D#` pointer's) |
//! | `ACTIVE` | `ACTIVE` | the live calls of capped runs, counted (`--max-active`) |
//! | `P#<period µs>` | `<slot>` | a start slot taken (the shared `--rate`) |
//!
//! Times are epoch milliseconds, 13 digits with leading zeros, so their order is the sort
//! key's. Leases and start slots carry `expires_at` (epoch seconds), the table's TTL attribute.

pub(super) const PK: &str = "pk";
pub(super) const SK: &str = "sk";
/// The TTL attribute `journal create` turns on: items that only matter for a while.
pub(crate) const EXPIRES_AT: &str = "expires_at";
/// The table layout's version, in the `META` item.
pub(super) const SCHEMA: u32 = 1;

/// DynamoDB's limits on a key's parts, in bytes: 2,048 for a partition key, 1,024 for a sort key.
const MAX_PARTITION_KEY: usize = 2048;
const MAX_SORT_KEY: usize = 1024;

pub(super) type Key = (String, String);

pub(super) fn meta() -> Key {
    ("META".into(), "META".into())
}

pub(super) fn time(time_ms: i64) -> String {
    format!("{:013}", time_ms.max(0))
}

pub(super) fn record(time_ms: i64, id: &str) -> Key {
    ("J".into(), format!("{}#{id}", time(time_ms)))
}

pub(super) fn dial(dial_id: &str) -> Key {
    (format!("D#{dial_id}"), "D".into())
}

pub(super) fn transaction(transaction_id: &str) -> Key {
    (format!("T#{transaction_id}"), "T".into())
}

pub(super) const ALL_DIALS: &str = "A";
pub(super) const LIVE_DIALS: &str = "L";

/// A dial's pointer in one of the time-ordered lists: all dials, the live ones, a number's.
pub(super) fn pointer(list: &str, time_ms: i64, dial_id: &str) -> Key {
    (list.to_string(), format!("{}#{dial_id}", time(time_ms)))
}

pub(super) fn number(to: &str) -> String {
    format!("N#{to}")
}

/// The count of dials to a number, which a guarded intent's transaction checks (it sorts before
/// the number's dials: `#` before digits).
pub(super) fn number_head(to: &str) -> Key {
    (number(to), "#head".into())
}

pub(super) fn batch(batch: &str) -> String {
    format!("B#{batch}")
}

pub(super) fn batch_dial(batch_name: &str, time_ms: i64, dial_id: &str) -> Key {
    (batch(batch_name), format!("D#{}#{dial_id}", time(time_ms)))
}

pub(super) fn batch_note(batch_name: &str, time_ms: i64, id: &str) -> Key {
    (batch(batch_name), format!("E#{}#{id}", time(time_ms)))
}

pub(super) fn claim(batch_name: &str, row: &str, attempt: u32) -> Key {
    (batch(batch_name), format!("C#{attempt:04}#{row}"))
}

pub(super) fn runner(batch_name: &str, runner: &str) -> Key {
    (batch(batch_name), format!("R#{runner}"))
}

pub(super) const BATCHES: &str = "BATCHES";

pub(super) fn active() -> Key {
    ("ACTIVE".into(), "ACTIVE".into())
}

pub(super) fn start_slot(period_us: u64, slot: i64) -> Key {
    (format!("P#{period_us}"), format!("{slot:016}"))
}

/// Whether a batch name and a row key fit DynamoDB's key sizes; what is too long, if not. A
/// batch is a sort key in `BATCHES`, a row one in its claim (`C#0001#…`).
pub(super) fn check_sizes(batch_name: &str, row: Option<&str>) -> Result<(), String> {
    if batch_name.len() > MAX_SORT_KEY || batch(batch_name).len() > MAX_PARTITION_KEY {
        return Err(format!(
            "the batch name is {} bytes long; a team journal takes at most {MAX_SORT_KEY}",
            batch_name.len()
        ));
    }
    match row {
        Some(row) if row.len() + 7 > MAX_SORT_KEY => Err(format!(
            "the row key is {} bytes long; a team journal takes at most {}",
            row.len(),
            MAX_SORT_KEY - 7
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_ordered_keys_sort_as_their_times() {
        let early = pointer(ALL_DIALS, 999, "b").1;
        let late = pointer(ALL_DIALS, 1_000, "a").1;
        assert!(early < late, "{early} {late}");
        assert_eq!(claim("f.csv@ab", "r1", 2).1, "C#0002#r1");
        assert!(check_sizes("b", Some(&"x".repeat(1017))).is_ok());
        assert!(check_sizes("b", Some(&"x".repeat(1018))).is_err());
        assert!(check_sizes(&"b".repeat(1025), None).is_err());
    }
}
