//! FilterLogEvents, which `chimecall tail` polls: a validated query over one group's streams,
//! answered in timestamp then ingestion order (or newest first), in pages whose tokens stay valid
//! while events keep arriving.

use serde::Deserialize;
use serde_json::{json, Value};

use super::error::{constraint, LogsError};
use super::filter_pattern::FilterPattern;
use super::members::{check_group_name, check_limit, check_stream_name};
use super::store::{LogStore, StoredEvent};
use crate::state::ACCOUNT_ID;

/// A page's largest size, from the model's EventsLimit.
const MAX_EVENTS_LIMIT: i64 = 10_000;

/// A FilterLogEvents page also stops at 1 MB of events.
const MAX_PAGE_BYTES: usize = 1_048_576;

const MAX_FILTER_PATTERN_CHARS: usize = 1024;

/// Newest-first search is only offered from 2024-01-01T00:00:00Z on.
const EARLIEST_NEWEST_FIRST_START_MS: i64 = 1_704_067_200_000;

/// Page tokens are opaque to clients; the prefix lets the sandbox refuse tokens it did not issue.
const EVENT_TOKEN_PREFIX: &str = "ev1/";

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct FilterLogEventsRequest {
    log_group_name: Option<String>,
    log_group_identifier: Option<String>,
    log_stream_names: Option<Vec<String>>,
    log_stream_name_prefix: Option<String>,
    start_time: Option<i64>,
    end_time: Option<i64>,
    filter_pattern: Option<String>,
    next_token: Option<String>,
    limit: Option<i64>,
    start_from_head: Option<bool>,
}

impl LogStore {
    pub(super) fn filter_log_events(
        &self,
        request: FilterLogEventsRequest,
        region: &str,
    ) -> Result<Value, LogsError> {
        let query = EventQuery::from_request(request, region)?;
        let inner = self.lock();
        let group = inner
            .groups
            .get(&query.group)
            .ok_or_else(LogsError::group_not_found)?;
        let mut found: Vec<(&str, &StoredEvent)> = group
            .streams
            .iter()
            .filter(|(name, _)| query.streams.selects(name))
            .flat_map(|(name, stream)| stream.events.iter().map(move |e| (name.as_str(), e)))
            .filter(|(_, event)| query.selects(event))
            .collect();
        found.sort_by_key(|(_, event)| event.key());
        if query.direction == Direction::NewestFirst {
            found.reverse();
        }
        // Everything up to the token's event was on earlier pages.
        let start = query.cursor.map_or(0, |cursor| {
            found.partition_point(|(_, event)| query.direction.reached(event.key(), cursor))
        });
        let page = page_of(&found[start..], query.limit);

        let mut body = json!({
            "events": page
                .iter()
                .map(|(stream, event)| event_json(stream, event))
                .collect::<Vec<_>>(),
            // Deprecated by AWS in 2020 and always empty there.
            "searchedLogStreams": [],
        });
        if let Some((_, last)) = page.last().filter(|_| start + page.len() < found.len()) {
            body["nextToken"] = json!(query.direction.token(last.key()));
        }
        Ok(body)
    }
}

/// The longest run of events that fits one FilterLogEvents page (always at least one).
fn page_of<'a>(
    events: &'a [(&'a str, &'a StoredEvent)],
    limit: usize,
) -> &'a [(&'a str, &'a StoredEvent)] {
    let mut bytes = 0;
    let mut len = 0;
    for (_, event) in events.iter().take(limit) {
        bytes += event.message.len();
        if len > 0 && bytes > MAX_PAGE_BYTES {
            break;
        }
        len += 1;
    }
    &events[..len]
}

fn event_json(stream: &str, event: &StoredEvent) -> Value {
    json!({
        "logStreamName": stream,
        "timestamp": event.timestamp,
        "message": event.message,
        "ingestionTime": event.ingestion_time,
        "eventId": event.event_id(),
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    OldestFirst,
    NewestFirst,
}

impl Direction {
    /// Whether an event with this key was already answered on the page that ended at `cursor`.
    fn reached(self, key: (i64, u64), cursor: (i64, u64)) -> bool {
        match self {
            Direction::OldestFirst => key <= cursor,
            Direction::NewestFirst => key >= cursor,
        }
    }

    /// The token carries the direction, so that it wins over a later `startFromHead`, as at AWS.
    fn token(self, (timestamp, sequence): (i64, u64)) -> String {
        let direction = match self {
            Direction::OldestFirst => "f",
            Direction::NewestFirst => "b",
        };
        format!("{EVENT_TOKEN_PREFIX}{direction}/{timestamp}/{sequence}")
    }

    fn parse_token(token: &str) -> Result<(Direction, (i64, u64)), LogsError> {
        let parts: Vec<&str> = token
            .strip_prefix(EVENT_TOKEN_PREFIX)
            .ok_or_else(LogsError::invalid_token)?
            .split('/')
            .collect();
        let [direction, timestamp, sequence] = parts[..] else {
            return Err(LogsError::invalid_token());
        };
        let direction = match direction {
            "f" => Direction::OldestFirst,
            "b" => Direction::NewestFirst,
            _ => return Err(LogsError::invalid_token()),
        };
        let timestamp = timestamp.parse().map_err(|_| LogsError::invalid_token())?;
        let sequence = sequence.parse().map_err(|_| LogsError::invalid_token())?;
        Ok((direction, (timestamp, sequence)))
    }
}

#[derive(Debug)]
enum StreamSelection {
    All,
    Named(Vec<String>),
    Prefix(String),
}

impl StreamSelection {
    fn selects(&self, stream: &str) -> bool {
        match self {
            StreamSelection::All => true,
            StreamSelection::Named(names) => names.iter().any(|name| name == stream),
            StreamSelection::Prefix(prefix) => stream.starts_with(prefix.as_str()),
        }
    }
}

/// A validated FilterLogEvents request.
#[derive(Debug)]
struct EventQuery {
    group: String,
    streams: StreamSelection,
    start_time: Option<i64>,
    end_time: Option<i64>,
    pattern: FilterPattern,
    limit: usize,
    direction: Direction,
    cursor: Option<(i64, u64)>,
}

impl EventQuery {
    fn from_request(
        request: FilterLogEventsRequest,
        region: &str,
    ) -> Result<EventQuery, LogsError> {
        let group = match (request.log_group_name, request.log_group_identifier) {
            (Some(name), None) => {
                check_group_name("logGroupName", &name)?;
                name
            }
            (None, Some(identifier)) => group_name_from_identifier(&identifier, region)?,
            _ => {
                return Err(LogsError::invalid_parameter(
                    "Exactly one of logGroupName and logGroupIdentifier must be specified.",
                ))
            }
        };
        let streams = stream_selection(request.log_stream_names, request.log_stream_name_prefix)?;
        for (member, time) in [
            ("startTime", request.start_time),
            ("endTime", request.end_time),
        ] {
            if let Some(time) = time.filter(|t| *t < 0) {
                return Err(constraint(
                    member,
                    time,
                    "Member must have value greater than or equal to 0",
                ));
            }
        }
        if let (Some(start), Some(end)) = (request.start_time, request.end_time) {
            if start > end {
                return Err(LogsError::invalid_parameter(
                    "endTime must be greater than or equal to startTime.",
                ));
            }
        }
        let pattern_text = request.filter_pattern.unwrap_or_default();
        if pattern_text.chars().count() > MAX_FILTER_PATTERN_CHARS {
            return Err(constraint(
                "filterPattern",
                "...",
                &format!(
                    "Member must have length less than or equal to {MAX_FILTER_PATTERN_CHARS}"
                ),
            ));
        }
        let pattern = FilterPattern::parse(&pattern_text).map_err(|why| {
            LogsError::invalid_parameter(format!("Invalid filter pattern {pattern_text:?}: {why}"))
        })?;
        let limit = check_limit("limit", request.limit, MAX_EVENTS_LIMIT)?;
        let (direction, cursor) = match request.next_token {
            Some(token) => {
                let (direction, cursor) = Direction::parse_token(&token)?;
                (direction, Some(cursor))
            }
            None if request.start_from_head == Some(false) => {
                if request
                    .start_time
                    .is_some_and(|t| t < EARLIEST_NEWEST_FIRST_START_MS)
                {
                    return Err(LogsError::invalid_parameter(
                        "startFromHead=false requires a startTime on or after 2024-01-01T00:00:00Z.",
                    ));
                }
                (Direction::NewestFirst, None)
            }
            None => (Direction::OldestFirst, None),
        };
        Ok(EventQuery {
            group,
            streams,
            start_time: request.start_time,
            end_time: request.end_time,
            pattern,
            limit,
            direction,
            cursor,
        })
    }

    /// Both ends of the time window are inclusive.
    fn selects(&self, event: &StoredEvent) -> bool {
        self.start_time.is_none_or(|start| event.timestamp >= start)
            && self.end_time.is_none_or(|end| event.timestamp <= end)
            && self.pattern.matches(&event.message)
    }
}

fn stream_selection(
    names: Option<Vec<String>>,
    prefix: Option<String>,
) -> Result<StreamSelection, LogsError> {
    match (names, prefix) {
        (Some(_), Some(_)) => Err(LogsError::invalid_parameter(
            "logStreamNames and logStreamNamePrefix are mutually exclusive parameters.",
        )),
        (Some(names), None) => {
            if names.is_empty() || names.len() > 100 {
                return Err(constraint(
                    "logStreamNames",
                    format!("[{} names]", names.len()),
                    "Member must have length between 1 and 100",
                ));
            }
            for name in &names {
                check_stream_name("logStreamNames.member", name)?;
            }
            Ok(StreamSelection::Named(names))
        }
        (None, Some(prefix)) => {
            check_stream_name("logStreamNamePrefix", &prefix)?;
            Ok(StreamSelection::Prefix(prefix))
        }
        (None, None) => Ok(StreamSelection::All),
    }
}

/// `logGroupIdentifier` is a name or this account's log group ARN (with or without `:*`).
fn group_name_from_identifier(identifier: &str, region: &str) -> Result<String, LogsError> {
    let Some(arn) = identifier.strip_prefix("arn:") else {
        check_group_name("logGroupIdentifier", identifier)?;
        return Ok(identifier.to_string());
    };
    // partition:service:region:account:log-group:NAME[:*]; names hold no ':'.
    let parts: Vec<&str> = arn.splitn(5, ':').collect();
    let [_partition, "logs", arn_region, account, resource] = parts[..] else {
        return Err(LogsError::invalid_parameter(format!(
            "logGroupIdentifier {identifier:?} is not a log group name or ARN"
        )));
    };
    let name = resource
        .strip_prefix("log-group:")
        .map(|rest| rest.strip_suffix(":*").unwrap_or(rest))
        .ok_or_else(|| {
            LogsError::invalid_parameter(format!(
                "logGroupIdentifier {identifier:?} is not a log group ARN"
            ))
        })?;
    check_group_name("logGroupIdentifier", name)?;
    // Another region's or account's group is one this sandbox does not have.
    if arn_region != region || account != ACCOUNT_ID {
        return Err(LogsError::group_not_found());
    }
    Ok(name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logs::test_support::*;
    #[test]
    fn events_come_back_by_timestamp_then_ingestion_order() {
        let store = LogStore::new();
        store.append("/g", "b", NOW + 5, "b5".into());
        store.append("/g", "a", NOW + 5, "a5".into());
        store.append("/g", "a", NOW + 1, "a1".into());
        store.append("/g", "b", NOW + 9, "b9".into());
        let output = filter(&store, json!({ "logGroupName": "/g" })).unwrap();
        assert_eq!(messages(&output), ["a1", "b5", "a5", "b9"]);
        let newest_first = filter(
            &store,
            json!({ "logGroupName": "/g", "startFromHead": false, "startTime": NOW }),
        )
        .unwrap();
        assert_eq!(messages(&newest_first), ["b9", "a5", "b5", "a1"]);
    }

    #[test]
    fn the_time_window_is_inclusive_at_both_ends() {
        let store = LogStore::new();
        for n in 0..5 {
            store.append("/g", "s", NOW + n, format!("e{n}"));
        }
        let output = filter(
            &store,
            json!({ "logGroupName": "/g", "startTime": NOW + 1, "endTime": NOW + 3 }),
        )
        .unwrap();
        assert_eq!(messages(&output), ["e1", "e2", "e3"]);
        let error = filter(
            &store,
            json!({ "logGroupName": "/g", "startTime": NOW + 3, "endTime": NOW + 1 }),
        )
        .unwrap_err();
        assert_eq!(error.error_type, "InvalidParameterException");
    }

    #[test]
    fn pages_cover_every_event_once_even_while_events_arrive() {
        let store = LogStore::new();
        for n in 0..10 {
            store.append("/g", "s", NOW + n / 3, format!("e{n}"));
        }
        let mut seen = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut body = json!({ "logGroupName": "/g", "limit": 3 });
            if let Some(token) = &token {
                body["nextToken"] = json!(token);
            }
            let output = filter(&store, body).unwrap();
            seen.extend(messages(&output));
            if seen.len() == 3 {
                // Arrives after the first page, later than everything: must still be found.
                store.append("/g", "s", NOW + 100, "late".into());
            }
            match output["nextToken"].as_str() {
                Some(next) => token = Some(next.to_string()),
                None => break,
            }
        }
        let mut expected: Vec<String> = (0..10).map(|n| format!("e{n}")).collect();
        expected.push("late".into());
        assert_eq!(seen, expected);
    }

    #[test]
    fn filter_selects_streams_by_name_or_prefix_and_group_by_arn() {
        let store = LogStore::new();
        store.append("/g", "alpha-1", NOW, "a1".into());
        store.append("/g", "alpha-2", NOW + 1, "a2".into());
        store.append("/g", "beta", NOW + 2, "b".into());
        let by_name = filter(
            &store,
            json!({ "logGroupName": "/g", "logStreamNames": ["beta", "no-such-stream"] }),
        )
        .unwrap();
        assert_eq!(messages(&by_name), ["b"]);
        let by_prefix = filter(
            &store,
            json!({ "logGroupName": "/g", "logStreamNamePrefix": "alpha" }),
        )
        .unwrap();
        assert_eq!(messages(&by_prefix), ["a1", "a2"]);
        let both = filter(
            &store,
            json!({ "logGroupName": "/g", "logStreamNames": ["beta"], "logStreamNamePrefix": "a" }),
        );
        assert_eq!(both.unwrap_err().error_type, "InvalidParameterException");

        for identifier in [
            "/g".to_string(),
            format!("arn:aws:logs:{REGION}:{ACCOUNT_ID}:log-group:/g"),
            format!("arn:aws:logs:{REGION}:{ACCOUNT_ID}:log-group:/g:*"),
        ] {
            let output = filter(&store, json!({ "logGroupIdentifier": identifier })).unwrap();
            assert_eq!(messages(&output).len(), 3, "{identifier}");
        }
        let elsewhere = filter(
            &store,
            json!({ "logGroupIdentifier": format!("arn:aws:logs:eu-west-1:{ACCOUNT_ID}:log-group:/g") }),
        );
        assert_eq!(
            elsewhere.unwrap_err().error_type,
            "ResourceNotFoundException"
        );
        for body in [
            json!({}),
            json!({ "logGroupName": "/g", "logGroupIdentifier": "/g" }),
        ] {
            assert_eq!(
                filter(&store, body).unwrap_err().error_type,
                "InvalidParameterException"
            );
        }
    }

    #[test]
    fn filter_refuses_bad_limits_tokens_and_unknown_groups() {
        let store = LogStore::new();
        store.append("/g", "s", NOW, "x".into());
        for body in [
            json!({ "logGroupName": "/g", "limit": 0 }),
            json!({ "logGroupName": "/g", "limit": 10_001 }),
            json!({ "logGroupName": "/g", "nextToken": "garbage" }),
            json!({ "logGroupName": "/g", "filterPattern": "{ $.a = 1 }" }),
            json!({ "logGroupName": "/g", "startFromHead": false, "startTime": 0 }),
            json!({ "logGroupName": "bad name" }),
        ] {
            let error = filter(&store, body.clone()).unwrap_err();
            assert_eq!(error.error_type, "InvalidParameterException", "{body}");
        }
        let error = filter(&store, json!({ "logGroupName": "/missing" })).unwrap_err();
        assert_eq!(error.error_type, "ResourceNotFoundException");
    }
}
