//! The sandbox's CloudWatch Logs: the part of the service that SMA handlers write to and that
//! `chimecall tail` (like `aws logs tail`) reads back with FilterLogEvents. It speaks awsJson1.1
//! on `POST /` (`X-Amz-Target: Logs_20140328.<Operation>`) with the model's member names, limits
//! and error types, so the real SDK clients need nothing but the endpoint.
//!
//! Operations: CreateLogGroup, CreateLogStream, DescribeLogGroups, PutLogEvents, FilterLogEvents.
//! Where the sandbox knowingly differs from AWS:
//! - events can be searched as soon as they are stored (at AWS ingestion can lag seconds);
//! - filter patterns: only the unstructured-text forms (terms, `"quoted phrases"`, `?any`,
//!   `-exclude`). JSON `{ $.x = ... }`, space-delimited `[ ... ]` and `%regex%` patterns are
//!   refused with InvalidParameterException rather than evaluated;
//! - retention, KMS keys, tags and deletion protection are accepted where the model allows them,
//!   then ignored: events never expire;
//! - FilterLogEvents ignores `logStreamNames` that do not exist instead of failing, because a
//!   handler's stream may not exist yet when a tail starts polling;
//! - `storedBytes` counts message bytes as they are stored, with no compression and no lag.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chimecall_model::clock;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};

use super::state::ACCOUNT_ID;
use super::Sandbox;

const TARGET_PREFIX: &str = "Logs_20140328.";
const CONTENT_TYPE: &str = "application/x-amz-json-1.1";

// PutLogEvents quotas, from the operation's documentation.
const MAX_BATCH_EVENTS: usize = 10_000;
const MAX_BATCH_BYTES: usize = 1_048_576;
/// What AWS adds to each message's UTF-8 length when it sizes a batch.
const EVENT_OVERHEAD_BYTES: usize = 26;
const HOUR_MS: i64 = 3_600_000;
const MAX_EVENT_AGE_MS: i64 = 14 * 24 * HOUR_MS;
const MAX_EVENT_LEAD_MS: i64 = 2 * HOUR_MS;
const MAX_BATCH_SPAN_MS: i64 = 24 * HOUR_MS;

// Page sizes, from the model's DescribeLimit and EventsLimit.
const MAX_DESCRIBE_LIMIT: i64 = 50;
const MAX_EVENTS_LIMIT: i64 = 10_000;
/// A FilterLogEvents page also stops at 1 MB of events.
const MAX_PAGE_BYTES: usize = 1_048_576;
const MAX_FILTER_PATTERN_CHARS: usize = 1024;
/// Newest-first search is only offered from 2024-01-01T00:00:00Z on.
const EARLIEST_NEWEST_FIRST_START_MS: i64 = 1_704_067_200_000;

const LOG_GROUP_CLASSES: [&str; 4] = ["STANDARD", "INFREQUENT_ACCESS", "DELIVERY", "ESSENTIALS"];

// Page tokens are opaque to clients; these prefixes let the sandbox refuse tokens it did not issue.
const GROUP_TOKEN_PREFIX: &str = "lg1/";
const EVENT_TOKEN_PREFIX: &str = "ev1/";

/// Every log group, stream and event of the sandbox's account.
#[derive(Debug, Default)]
pub struct LogStore {
    // A std Mutex: the call simulator appends while API requests read, and no lock is held
    // across an await.
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    /// By name: DescribeLogGroups answers in ASCII order of names.
    groups: BTreeMap<String, Group>,
    /// Store-wide ingestion counter: orders events with equal timestamps and makes eventIds.
    next_sequence: u64,
}

#[derive(Debug)]
struct Group {
    creation_time: i64,
    class: String,
    streams: BTreeMap<String, Stream>,
}

#[derive(Debug)]
struct Stream {
    events: Vec<StoredEvent>,
}

#[derive(Debug, Clone)]
struct StoredEvent {
    timestamp: i64,
    ingestion_time: i64,
    sequence: u64,
    message: String,
}

impl StoredEvent {
    /// The order FilterLogEvents answers in: timestamp, then ingestion order.
    fn key(&self) -> (i64, u64) {
        (self.timestamp, self.sequence)
    }

    /// AWS event ids are long decimal strings; this one is unique and never changes.
    fn event_id(&self) -> String {
        format!("{:056}", self.sequence)
    }
}

impl Group {
    fn new(now: i64, class: &str) -> Group {
        Group {
            creation_time: now,
            class: class.to_string(),
            streams: BTreeMap::new(),
        }
    }

    fn stored_bytes(&self) -> usize {
        self.streams
            .values()
            .flat_map(|stream| &stream.events)
            .map(|event| event.message.len())
            .sum()
    }
}

impl Stream {
    fn new() -> Stream {
        Stream { events: Vec::new() }
    }

    fn push(&mut self, next_sequence: &mut u64, timestamp: i64, message: String, now: i64) {
        self.events.push(StoredEvent {
            timestamp,
            ingestion_time: now,
            sequence: *next_sequence,
            message,
        });
        *next_sequence += 1;
    }
}

impl LogStore {
    pub fn new() -> LogStore {
        LogStore::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().expect("log store lock")
    }

    /// Appends one event as a Lambda runtime does: the group and stream are created if missing.
    pub fn append(&self, group: &str, stream: &str, timestamp_ms: i64, message: String) {
        let now = clock::now_ms();
        let mut inner = self.lock();
        let Inner {
            groups,
            next_sequence,
        } = &mut *inner;
        groups
            .entry(group.to_string())
            .or_insert_with(|| Group::new(now, "STANDARD"))
            .streams
            .entry(stream.to_string())
            .or_insert_with(Stream::new)
            .push(next_sequence, timestamp_ms, message, now);
    }

    fn create_log_group(&self, request: CreateLogGroupRequest, now: i64) -> Result<(), LogsError> {
        let name = required("logGroupName", request.log_group_name)?;
        check_group_name("logGroupName", &name)?;
        if name.starts_with("aws/") {
            return Err(LogsError::invalid_parameter(
                "Log group names can't start with the string aws/",
            ));
        }
        let class = request.log_group_class.unwrap_or_else(|| "STANDARD".into());
        if !LOG_GROUP_CLASSES.contains(&class.as_str()) {
            return Err(constraint(
                "logGroupClass",
                &class,
                &format!("Member must satisfy enum value set: {LOG_GROUP_CLASSES:?}"),
            ));
        }
        let mut inner = self.lock();
        if inner.groups.contains_key(&name) {
            return Err(LogsError::already_exists(
                "The specified log group already exists",
            ));
        }
        inner.groups.insert(name, Group::new(now, &class));
        Ok(())
    }

    fn create_log_stream(&self, request: CreateLogStreamRequest) -> Result<(), LogsError> {
        let group_name = required("logGroupName", request.log_group_name)?;
        check_group_name("logGroupName", &group_name)?;
        let stream_name = required("logStreamName", request.log_stream_name)?;
        check_stream_name("logStreamName", &stream_name)?;
        let mut inner = self.lock();
        let group = inner
            .groups
            .get_mut(&group_name)
            .ok_or_else(LogsError::group_not_found)?;
        if group.streams.contains_key(&stream_name) {
            return Err(LogsError::already_exists(
                "The specified log stream already exists",
            ));
        }
        group.streams.insert(stream_name, Stream::new());
        Ok(())
    }

    fn describe_log_groups(
        &self,
        request: DescribeLogGroupsRequest,
        region: &str,
    ) -> Result<Value, LogsError> {
        let prefix = request.log_group_name_prefix;
        if let Some(prefix) = &prefix {
            check_group_name("logGroupNamePrefix", prefix)?;
        }
        let pattern = request.log_group_name_pattern;
        if let Some(pattern) = &pattern {
            if pattern.len() > 512 || !pattern.chars().all(is_group_name_char) {
                return Err(constraint(
                    "logGroupNamePattern",
                    pattern,
                    r"Member must satisfy regular expression pattern: [\.\-_/#A-Za-z0-9]*",
                ));
            }
        }
        if prefix.is_some() && pattern.is_some() {
            return Err(LogsError::invalid_parameter(
                "LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.",
            ));
        }
        let limit = check_limit("limit", request.limit, MAX_DESCRIBE_LIMIT)?;
        let after = request
            .next_token
            .map(|token| parse_group_token(&token))
            .transpose()?;

        let inner = self.lock();
        let mut selected = inner
            .groups
            .iter()
            .filter(|(name, _)| after.as_ref().is_none_or(|after| *name > after))
            .filter(|(name, _)| prefix.as_ref().is_none_or(|p| name.starts_with(p.as_str())))
            .filter(|(name, _)| pattern.as_ref().is_none_or(|p| name.contains(p.as_str())));
        // With a name pattern AWS answers only arn, creationTime and logGroupName.
        let brief = pattern.is_some();
        let page: Vec<(&String, &Group)> = selected.by_ref().take(limit).collect();
        let mut body = json!({
            "logGroups": page
                .iter()
                .map(|(name, group)| group_json(name, group, region, brief))
                .collect::<Vec<_>>()
        });
        if let (Some((last, _)), Some(_)) = (page.last(), selected.next()) {
            body["nextToken"] = json!(format!("{GROUP_TOKEN_PREFIX}{last}"));
        }
        Ok(body)
    }

    fn put_log_events(&self, request: PutLogEventsRequest, now: i64) -> Result<Value, LogsError> {
        let group_name = required("logGroupName", request.log_group_name)?;
        check_group_name("logGroupName", &group_name)?;
        let stream_name = required("logStreamName", request.log_stream_name)?;
        check_stream_name("logStreamName", &stream_name)?;
        let events = check_batch(required("logEvents", request.log_events)?)?;
        let accepted = accepted_range(&events, now);
        let span = match &events[accepted.clone()] {
            [first, .., last] => last.0 - first.0,
            _ => 0,
        };
        if span > MAX_BATCH_SPAN_MS {
            return Err(LogsError::invalid_parameter(
                "The batch of log events in a single PutLogEvents request cannot span more than 24 hours.",
            ));
        }

        let mut inner = self.lock();
        let Inner {
            groups,
            next_sequence,
        } = &mut *inner;
        let stream = groups
            .get_mut(&group_name)
            .ok_or_else(LogsError::group_not_found)?
            .streams
            .get_mut(&stream_name)
            .ok_or_else(LogsError::stream_not_found)?;
        let total = events.len();
        for (timestamp, message) in events.into_iter().take(accepted.end).skip(accepted.start) {
            stream.push(next_sequence, timestamp, message, now);
        }
        // Sequence tokens are ignored by AWS now, but still answered.
        let mut body = json!({ "nextSequenceToken": format!("{:056}", *next_sequence) });
        if let Some(rejected) = rejected_info(accepted, total) {
            body["rejectedLogEventsInfo"] = rejected;
        }
        Ok(body)
    }

    fn filter_log_events(
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

fn group_json(name: &str, group: &Group, region: &str, brief: bool) -> Value {
    let arn = format!("arn:aws:logs:{region}:{ACCOUNT_ID}:log-group:{name}");
    let mut json = json!({
        "logGroupName": name,
        "creationTime": group.creation_time,
        "arn": format!("{arn}:*"),
    });
    if !brief {
        json["metricFilterCount"] = json!(0);
        json["storedBytes"] = json!(group.stored_bytes());
        json["logGroupClass"] = json!(group.class);
        json["logGroupArn"] = json!(arn);
    }
    json
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

fn parse_group_token(token: &str) -> Result<String, LogsError> {
    token
        .strip_prefix(GROUP_TOKEN_PREFIX)
        .map(str::to_string)
        .ok_or_else(invalid_token)
}

fn invalid_token() -> LogsError {
    LogsError::invalid_parameter("The specified nextToken is not valid.")
}

// ----- PutLogEvents batches -----

/// Checks a batch against the model and the documented quotas; answers (timestamp, message) pairs.
fn check_batch(events: Vec<InputLogEvent>) -> Result<Vec<(i64, String)>, LogsError> {
    if events.is_empty() || events.len() > MAX_BATCH_EVENTS {
        return Err(constraint(
            "logEvents",
            format!("[{} events]", events.len()),
            &format!("Member must have length between 1 and {MAX_BATCH_EVENTS}"),
        ));
    }
    let mut checked = Vec::with_capacity(events.len());
    for (index, event) in events.into_iter().enumerate() {
        // The model's member path, 1-based as in AWS's validation messages.
        let at = |member: &str| format!("logEvents.{}.member.{member}", index + 1);
        let timestamp = required(&at("timestamp"), event.timestamp)?;
        let message = required(&at("message"), event.message)?;
        if timestamp < 0 {
            return Err(constraint(
                &at("timestamp"),
                timestamp,
                "Member must have value greater than or equal to 0",
            ));
        }
        if message.is_empty() {
            return Err(constraint(
                &at("message"),
                "",
                "Member must have length greater than or equal to 1",
            ));
        }
        checked.push((timestamp, message));
    }
    if checked.windows(2).any(|pair| pair[1].0 < pair[0].0) {
        return Err(LogsError::invalid_parameter(
            "Log events in a single PutLogEvents request must be in chronological order.",
        ));
    }
    let size: usize = checked
        .iter()
        .map(|(_, message)| message.len() + EVENT_OVERHEAD_BYTES)
        .sum();
    if size > MAX_BATCH_BYTES {
        return Err(LogsError::invalid_parameter(format!(
            "Upload too large: {size} bytes exceeds limit of {MAX_BATCH_BYTES}"
        )));
    }
    Ok(checked)
}

/// The events AWS keeps from a chronological batch: those neither more than 14 days old nor
/// more than 2 hours ahead. Being sorted, the too-old ones are a prefix and the too-new a suffix.
fn accepted_range(events: &[(i64, String)], now: i64) -> std::ops::Range<usize> {
    let start = events.partition_point(|(t, _)| *t < now - MAX_EVENT_AGE_MS);
    let end = events.partition_point(|(t, _)| *t <= now + MAX_EVENT_LEAD_MS);
    start..end.max(start)
}

/// `rejectedLogEventsInfo`: the too-old end index is exclusive, the too-new start inclusive.
fn rejected_info(accepted: std::ops::Range<usize>, total: usize) -> Option<Value> {
    let mut info = serde_json::Map::new();
    if accepted.start > 0 {
        info.insert("tooOldLogEventEndIndex".into(), json!(accepted.start));
    }
    if accepted.end < total {
        info.insert("tooNewLogEventStartIndex".into(), json!(accepted.end));
    }
    (!info.is_empty()).then_some(Value::Object(info))
}

// ----- FilterLogEvents queries -----

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
            .ok_or_else(invalid_token)?
            .split('/')
            .collect();
        let [direction, timestamp, sequence] = parts[..] else {
            return Err(invalid_token());
        };
        let direction = match direction {
            "f" => Direction::OldestFirst,
            "b" => Direction::NewestFirst,
            _ => return Err(invalid_token()),
        };
        let timestamp = timestamp.parse().map_err(|_| invalid_token())?;
        let sequence = sequence.parse().map_err(|_| invalid_token())?;
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

// ----- Filter patterns -----

/// A filter pattern for unstructured log events, as CloudWatch documents them: every plain term
/// must occur, at least one `?term` must occur (when there are any), and no `-term` may occur.
/// Terms are case-sensitive substrings; `"quoted terms"` may hold spaces and punctuation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FilterPattern {
    all: Vec<String>,
    any: Vec<String>,
    none: Vec<String>,
}

impl FilterPattern {
    /// Parses a pattern; the error says why it is not one the sandbox evaluates.
    pub fn parse(pattern: &str) -> Result<FilterPattern, String> {
        let pattern = pattern.trim();
        if pattern.starts_with('{') {
            return Err(unsupported("JSON filter patterns ({ $.field = value })"));
        }
        if pattern.starts_with('[') {
            return Err(unsupported("space-delimited filter patterns ([a, b, ...])"));
        }
        let mut parsed = FilterPattern::default();
        let mut rest = pattern.trim_start();
        while !rest.is_empty() {
            let (list, after_prefix) = match rest.as_bytes()[0] {
                b'?' => (&mut parsed.any, &rest[1..]),
                b'-' => (&mut parsed.none, &rest[1..]),
                _ => (&mut parsed.all, rest),
            };
            let (term, after_term) = read_term(after_prefix)?;
            list.push(term);
            rest = after_term.trim_start();
        }
        Ok(parsed)
    }

    pub fn matches(&self, message: &str) -> bool {
        let found = |term: &String| message.contains(term.as_str());
        self.all.iter().all(found)
            && (self.any.is_empty() || self.any.iter().any(found))
            && !self.none.iter().any(found)
    }
}

fn unsupported(what: &str) -> String {
    format!(
        "{what} are not supported by the chimecall sandbox; use terms, \"quoted phrases\", ?any and -exclude"
    )
}

/// Reads one term from the start of `input`; answers it and what follows it.
fn read_term(input: &str) -> Result<(String, &str), String> {
    if let Some(quoted) = input.strip_prefix('"') {
        return read_quoted(quoted);
    }
    let end = input.find(char::is_whitespace).unwrap_or(input.len());
    let term = &input[..end];
    if term.is_empty() {
        return Err("`?` and `-` must be followed by a term".into());
    }
    if term.len() >= 2 && term.starts_with('%') && term.ends_with('%') {
        return Err(unsupported("regular expressions (%regex%)"));
    }
    Ok((term.to_string(), &input[end..]))
}

/// The inside of a quoted term, after its opening quote. `\"` and `\\` are the only escapes:
/// any other backslash is literal, so Windows paths need no doubling.
fn read_quoted(input: &str) -> Result<(String, &str), String> {
    let mut term = String::new();
    let mut chars = input.char_indices().peekable();
    while let Some((index, c)) = chars.next() {
        match c {
            '\\' if matches!(chars.peek(), Some((_, '"' | '\\'))) => {
                term.push(chars.next().map_or('\\', |(_, escaped)| escaped));
            }
            '"' => {
                let rest = &input[index + 1..];
                if rest.starts_with(|c: char| !c.is_whitespace()) {
                    return Err("a closing quote must be followed by a space".into());
                }
                return Ok((term, rest));
            }
            _ => term.push(c),
        }
    }
    Err("a quoted term is not closed".into())
}

// ----- The wire: requests, errors, dispatch -----

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateLogGroupRequest {
    log_group_name: Option<String>,
    log_group_class: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateLogStreamRequest {
    log_group_name: Option<String>,
    log_stream_name: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DescribeLogGroupsRequest {
    log_group_name_prefix: Option<String>,
    log_group_name_pattern: Option<String>,
    limit: Option<i64>,
    next_token: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PutLogEventsRequest {
    log_group_name: Option<String>,
    log_stream_name: Option<String>,
    log_events: Option<Vec<InputLogEvent>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct InputLogEvent {
    timestamp: Option<i64>,
    message: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct FilterLogEventsRequest {
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

/// An awsJson1.1 error: 400, `x-amzn-ErrorType`, and a `{"__type","message"}` body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogsError {
    pub error_type: &'static str,
    pub message: String,
}

impl LogsError {
    pub fn new(error_type: &'static str, message: impl Into<String>) -> LogsError {
        LogsError {
            error_type,
            message: message.into(),
        }
    }

    fn invalid_parameter(message: impl Into<String>) -> LogsError {
        LogsError::new("InvalidParameterException", message)
    }

    fn already_exists(message: impl Into<String>) -> LogsError {
        LogsError::new("ResourceAlreadyExistsException", message)
    }

    fn group_not_found() -> LogsError {
        LogsError::new(
            "ResourceNotFoundException",
            "The specified log group does not exist.",
        )
    }

    fn stream_not_found() -> LogsError {
        LogsError::new(
            "ResourceNotFoundException",
            "The specified log stream does not exist.",
        )
    }
}

impl IntoResponse for LogsError {
    fn into_response(self) -> Response {
        let body = json!({ "__type": self.error_type, "message": self.message });
        let mut response = (StatusCode::BAD_REQUEST, body.to_string()).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
        headers.insert(
            "x-amzn-ErrorType",
            HeaderValue::from_static(self.error_type),
        );
        response
    }
}

/// AWS's wording for a model constraint a member breaks.
fn constraint(member: &str, value: impl std::fmt::Display, rule: &str) -> LogsError {
    LogsError::invalid_parameter(format!(
        "1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: {rule}"
    ))
}

fn required<T>(member: &str, value: Option<T>) -> Result<T, LogsError> {
    value.ok_or_else(|| constraint(member, "null", "Member must not be null"))
}

fn is_group_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || ".-_/#".contains(c)
}

fn check_group_name(member: &str, name: &str) -> Result<(), LogsError> {
    if name.is_empty() || name.len() > 512 {
        return Err(constraint(
            member,
            name,
            "Member must have length between 1 and 512",
        ));
    }
    if !name.chars().all(is_group_name_char) {
        return Err(constraint(
            member,
            name,
            r"Member must satisfy regular expression pattern: [\.\-_/#A-Za-z0-9]+",
        ));
    }
    Ok(())
}

fn check_stream_name(member: &str, name: &str) -> Result<(), LogsError> {
    if name.is_empty() || name.len() > 512 {
        return Err(constraint(
            member,
            name,
            "Member must have length between 1 and 512",
        ));
    }
    if name.contains([':', '*']) {
        return Err(constraint(
            member,
            name,
            "Member must satisfy regular expression pattern: [^:*]*",
        ));
    }
    Ok(())
}

/// A page size within 1..=max; absent means max, which is the default of both operations.
fn check_limit(member: &str, limit: Option<i64>, max: i64) -> Result<usize, LogsError> {
    match limit {
        None => Ok(max as usize),
        Some(n) if (1..=max).contains(&n) => Ok(n as usize),
        Some(n) => Err(constraint(
            member,
            n,
            &format!("Member must have value between 1 and {max}"),
        )),
    }
}

/// The operation named by `X-Amz-Target: Logs_20140328.<Operation>`.
fn operation(headers: &HeaderMap) -> Result<&str, LogsError> {
    headers
        .get("x-amz-target")
        .and_then(|value| value.to_str().ok())
        .and_then(|target| target.strip_prefix(TARGET_PREFIX))
        .ok_or_else(unknown_operation)
}

fn unknown_operation() -> LogsError {
    LogsError::new(
        "UnknownOperationException",
        "The requested operation is not recognized by the service",
    )
}

/// awsJson bodies are JSON objects; an empty body is taken as `{}`.
fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, LogsError> {
    let body = if body.iter().all(u8::is_ascii_whitespace) {
        &b"{}"[..]
    } else {
        body
    };
    serde_json::from_slice(body).map_err(|e| {
        LogsError::new(
            "SerializationException",
            format!("Request body is not valid: {e}"),
        )
    })
}

fn handle(sandbox: &Sandbox, headers: &HeaderMap, body: &[u8]) -> Result<Option<Value>, LogsError> {
    let store = &sandbox.logs;
    let region = sandbox.config.region.as_str();
    match operation(headers)? {
        "CreateLogGroup" => store
            .create_log_group(parse(body)?, clock::now_ms())
            .map(|()| None),
        "CreateLogStream" => store.create_log_stream(parse(body)?).map(|()| None),
        "DescribeLogGroups" => store.describe_log_groups(parse(body)?, region).map(Some),
        "PutLogEvents" => store
            .put_log_events(parse(body)?, clock::now_ms())
            .map(Some),
        "FilterLogEvents" => store.filter_log_events(parse(body)?, region).map(Some),
        _ => Err(unknown_operation()),
    }
}

/// `POST /` with `X-Amz-Target: Logs_20140328.<Operation>`.
pub async fn dispatch(
    State(sandbox): State<Arc<Sandbox>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match handle(&sandbox, &headers, &body) {
        // Operations without output answer an empty body, as AWS does.
        Ok(output) => (
            [(header::CONTENT_TYPE, CONTENT_TYPE)],
            output.map(|v| v.to_string()).unwrap_or_default(),
        )
            .into_response(),
        Err(error) => {
            tracing::info!(error = error.error_type, message = %error.message, "logs request refused");
            error.into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REGION: &str = "us-east-1";
    const NOW: i64 = 1_767_225_600_000; // 2026-01-01T00:00:00Z

    fn pattern(text: &str) -> FilterPattern {
        FilterPattern::parse(text).unwrap_or_else(|why| panic!("{text:?}: {why}"))
    }

    fn request<T: DeserializeOwned>(body: Value) -> T {
        serde_json::from_value(body).expect("request shape")
    }

    fn store_with_stream(group: &str, stream: &str) -> LogStore {
        let store = LogStore::new();
        store
            .create_log_group(request(json!({ "logGroupName": group })), NOW)
            .unwrap();
        store
            .create_log_stream(request(
                json!({ "logGroupName": group, "logStreamName": stream }),
            ))
            .unwrap();
        store
    }

    fn filter(store: &LogStore, body: Value) -> Result<Value, LogsError> {
        store.filter_log_events(request(body), REGION)
    }

    fn messages(output: &Value) -> Vec<String> {
        output["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["message"].as_str().unwrap().to_string())
            .collect()
    }

    // ----- the pattern matcher -----

    #[test]
    fn an_empty_pattern_matches_everything() {
        for text in ["", "   "] {
            assert!(pattern(text).matches("anything at all"));
            assert!(pattern(text).matches(""));
        }
    }

    #[test]
    fn plain_terms_must_all_occur_case_sensitively() {
        let p = pattern("ERROR timeout");
        assert!(p.matches("ERROR: call timeout after 30s"));
        assert!(p.matches("timeout ... ERROR"));
        assert!(!p.matches("ERROR: busy"));
        assert!(!p.matches("error: call timeout"));
        // Substrings, not words.
        assert!(pattern("ERR").matches("ERROR"));
    }

    #[test]
    fn transaction_ids_with_hyphens_match_plain_or_quoted() {
        let id = "5e2a9c3e-7d1b-4c8a-9f00-2b6f4a1d9e11";
        let message = format!(r#"{{"transactionId":"{id}","event":"HANGUP"}}"#);
        assert!(pattern(id).matches(&message));
        assert!(pattern(&format!("\"{id}\"")).matches(&message));
        assert!(!pattern("5e2a9c3e-7d1b-4c8a-9f00-000000000000").matches(&message));
        // A leading '-' excludes; a '-' inside a term is literal.
        assert!(!pattern(&format!("-{id}")).matches(&message));
        assert!(pattern("-7d1b-XXXX").matches(&message));
    }

    #[test]
    fn quoted_terms_hold_spaces_punctuation_and_escaped_quotes() {
        let message = r#"INFO {"event": "CALL_ANSWERED", "leg": "LEG-A"} took 3 s"#;
        assert!(pattern(r#""took 3 s""#).matches(message));
        assert!(!pattern(r#""took  3 s""#).matches(message));
        assert!(pattern(r#""\"event\": \"CALL_ANSWERED\"""#).matches(message));
        assert!(pattern(r#"INFO "LEG-A""#).matches(message));
        // Other backslashes are literal.
        assert!(pattern(r#""C:\temp""#).matches(r"saved to C:\temp"));
    }

    #[test]
    fn question_terms_are_alternatives_and_minus_terms_exclude() {
        let p = pattern("?ERROR ?WARN");
        assert!(p.matches("WARN slow"));
        assert!(p.matches("ERROR broken"));
        assert!(!p.matches("INFO fine"));

        let p = pattern("ERROR -timeout");
        assert!(p.matches("ERROR busy"));
        assert!(!p.matches("ERROR timeout"));

        let p = pattern(r#"call ?ERROR ?WARN -"LEG-B""#);
        assert!(p.matches("call ERROR on LEG-A"));
        assert!(!p.matches("call ERROR on LEG-B"));
        assert!(!p.matches("call INFO on LEG-A"));
        assert!(!p.matches("ERROR on LEG-A"));
    }

    #[test]
    fn unsupported_and_malformed_patterns_are_refused() {
        for (text, why) in [
            (r#"{ $.event = "HANGUP" }"#, "JSON"),
            ("[ip, user, ...]", "space-delimited"),
            ("%ERR(OR)?%", "regular expressions"),
            (r#""not closed"#, "not closed"),
            (r#""glued"tail"#, "followed by a space"),
            ("ERROR -", "followed by a term"),
            ("? ERROR", "followed by a term"),
        ] {
            let error = FilterPattern::parse(text).expect_err(text);
            assert!(error.contains(why), "{text:?}: {error}");
        }
        assert!(FilterPattern::parse("JSON").is_ok());
        assert!(FilterPattern::parse("50%").is_ok());
    }

    // ----- the store -----

    #[test]
    fn append_creates_the_group_and_stream_as_lambda_does() {
        let store = LogStore::new();
        store.append(
            "/aws/lambda/handler",
            "2026/01/01/[$LATEST]abc",
            NOW,
            "START".into(),
        );
        store.append(
            "/aws/lambda/handler",
            "2026/01/01/[$LATEST]abc",
            NOW + 1,
            "END".into(),
        );
        let output = filter(&store, json!({ "logGroupName": "/aws/lambda/handler" })).unwrap();
        assert_eq!(messages(&output), ["START", "END"]);
        assert_eq!(
            output["events"][0]["logStreamName"],
            "2026/01/01/[$LATEST]abc"
        );
        assert!(output.get("nextToken").is_none());
        // The group now exists for the API too.
        let error = store
            .create_log_group(
                request(json!({ "logGroupName": "/aws/lambda/handler" })),
                NOW,
            )
            .unwrap_err();
        assert_eq!(error.error_type, "ResourceAlreadyExistsException");
    }

    #[test]
    fn appends_from_other_threads_are_all_kept_with_unique_ids() {
        let store = Arc::new(LogStore::new());
        let writers: Vec<_> = (0..4)
            .map(|writer| {
                let store = Arc::clone(&store);
                std::thread::spawn(move || {
                    for n in 0..250 {
                        store.append(
                            "/g",
                            &format!("s{writer}"),
                            NOW + n,
                            format!("{writer}:{n}"),
                        );
                    }
                })
            })
            .collect();
        for writer in writers {
            writer.join().unwrap();
        }
        let output = filter(&store, json!({ "logGroupName": "/g" })).unwrap();
        let events = output["events"].as_array().unwrap();
        assert_eq!(events.len(), 1000);
        let ids: std::collections::HashSet<&str> = events
            .iter()
            .map(|e| e["eventId"].as_str().unwrap())
            .collect();
        assert_eq!(ids.len(), 1000);
    }

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

    #[test]
    fn put_log_events_stores_in_order_and_checks_the_batch() {
        let store = store_with_stream("/app", "s");
        let put = |events: Value| {
            store.put_log_events(
                request(
                    json!({ "logGroupName": "/app", "logStreamName": "s", "logEvents": events }),
                ),
                NOW,
            )
        };
        let output = put(json!([
            { "timestamp": NOW - 2, "message": "one" },
            { "timestamp": NOW - 2, "message": "two" },
        ]))
        .unwrap();
        assert_eq!(output["nextSequenceToken"].as_str().unwrap().len(), 56);
        assert!(output.get("rejectedLogEventsInfo").is_none());

        for (events, why) in [
            (json!([]), "length between 1 and 10000"),
            (
                json!([{ "timestamp": NOW, "message": "b" }, { "timestamp": NOW - 1, "message": "a" }]),
                "chronological order",
            ),
            (
                json!([{ "timestamp": NOW, "message": "" }]),
                "logEvents.1.member.message",
            ),
            (
                json!([{ "message": "no time" }]),
                "logEvents.1.member.timestamp",
            ),
            (
                json!([{ "timestamp": NOW - 23 * HOUR_MS, "message": "a" }, { "timestamp": NOW + HOUR_MS + 1, "message": "b" }]),
                "24 hours",
            ),
        ] {
            let error = put(events.clone()).unwrap_err();
            assert_eq!(error.error_type, "InvalidParameterException", "{events}");
            assert!(error.message.contains(why), "{}", error.message);
        }
        let output = filter(&store, json!({ "logGroupName": "/app" })).unwrap();
        assert_eq!(messages(&output), ["one", "two"]);
    }

    #[test]
    fn too_old_and_too_new_events_are_rejected_and_the_rest_kept() {
        let store = store_with_stream("/app", "s");
        let output = store
            .put_log_events(
                request(json!({
                    "logGroupName": "/app",
                    "logStreamName": "s",
                    "logEvents": [
                        { "timestamp": NOW - 15 * 24 * HOUR_MS, "message": "ancient" },
                        { "timestamp": NOW - 1, "message": "recent" },
                        { "timestamp": NOW + 3 * HOUR_MS, "message": "future" },
                    ],
                })),
                NOW,
            )
            .unwrap();
        assert_eq!(
            output["rejectedLogEventsInfo"],
            json!({ "tooOldLogEventEndIndex": 1, "tooNewLogEventStartIndex": 2 })
        );
        let output = filter(&store, json!({ "logGroupName": "/app" })).unwrap();
        assert_eq!(messages(&output), ["recent"]);
    }

    #[test]
    fn missing_groups_and_streams_are_not_found() {
        let store = store_with_stream("/app", "s");
        let put = |group: &str, stream: &str| {
            store
                .put_log_events(
                    request(json!({
                        "logGroupName": group,
                        "logStreamName": stream,
                        "logEvents": [{ "timestamp": NOW, "message": "x" }],
                    })),
                    NOW,
                )
                .unwrap_err()
        };
        assert_eq!(
            put("/nope", "s").message,
            "The specified log group does not exist."
        );
        assert_eq!(
            put("/app", "nope").message,
            "The specified log stream does not exist."
        );
        let error = store
            .create_log_stream(request(
                json!({ "logGroupName": "/nope", "logStreamName": "s" }),
            ))
            .unwrap_err();
        assert_eq!(error.error_type, "ResourceNotFoundException");
        let error = store
            .create_log_stream(request(
                json!({ "logGroupName": "/app", "logStreamName": "s" }),
            ))
            .unwrap_err();
        assert_eq!(error.error_type, "ResourceAlreadyExistsException");
        let error = store
            .create_log_stream(request(
                json!({ "logGroupName": "/app", "logStreamName": "a:b" }),
            ))
            .unwrap_err();
        assert_eq!(error.error_type, "InvalidParameterException");
    }

    #[test]
    fn describe_log_groups_filters_sorts_and_pages() {
        let store = LogStore::new();
        for name in ["/b/two", "/a/one", "/b/one", "/c"] {
            store
                .create_log_group(request(json!({ "logGroupName": name })), NOW)
                .unwrap();
        }
        store.append("/b/one", "s", NOW, "12345".into());
        let describe = |body: Value| store.describe_log_groups(request(body), REGION);
        let names = |output: &Value| -> Vec<String> {
            output["logGroups"]
                .as_array()
                .unwrap()
                .iter()
                .map(|g| g["logGroupName"].as_str().unwrap().to_string())
                .collect()
        };

        let output = describe(json!({ "logGroupNamePrefix": "/b/" })).unwrap();
        assert_eq!(names(&output), ["/b/one", "/b/two"]);
        let first = &output["logGroups"][0];
        assert_eq!(
            first["arn"],
            format!("arn:aws:logs:{REGION}:{ACCOUNT_ID}:log-group:/b/one:*")
        );
        assert_eq!(
            first["logGroupArn"],
            format!("arn:aws:logs:{REGION}:{ACCOUNT_ID}:log-group:/b/one")
        );
        assert_eq!(first["creationTime"], NOW);
        assert_eq!(first["storedBytes"], 5);

        let output = describe(json!({ "logGroupNamePattern": "one" })).unwrap();
        assert_eq!(names(&output), ["/a/one", "/b/one"]);
        assert!(output["logGroups"][0].get("storedBytes").is_none());

        let mut all = Vec::new();
        let mut body = json!({ "limit": 3 });
        loop {
            let output = describe(body.clone()).unwrap();
            all.extend(names(&output));
            let Some(token) = output["nextToken"].as_str() else {
                break;
            };
            body["nextToken"] = json!(token);
        }
        assert_eq!(all, ["/a/one", "/b/one", "/b/two", "/c"]);

        for body in [
            json!({ "limit": 51 }),
            json!({ "nextToken": "junk" }),
            json!({ "logGroupNamePrefix": "/a", "logGroupNamePattern": "a" }),
        ] {
            assert_eq!(
                describe(body).unwrap_err().error_type,
                "InvalidParameterException"
            );
        }
    }

    #[test]
    fn create_log_group_checks_the_name() {
        let store = LogStore::new();
        for name in ["", "has space", "aws/reserved", "colon:name"] {
            let error = store
                .create_log_group(request(json!({ "logGroupName": name })), NOW)
                .unwrap_err();
            assert_eq!(error.error_type, "InvalidParameterException", "{name:?}");
        }
        let error = store.create_log_group(request(json!({})), NOW).unwrap_err();
        assert!(
            error.message.contains("Member must not be null"),
            "{}",
            error.message
        );
    }

    #[test]
    fn the_wire_names_the_operation_and_the_error_type() {
        let mut headers = HeaderMap::new();
        assert_eq!(
            operation(&headers).unwrap_err().error_type,
            "UnknownOperationException"
        );
        headers.insert(
            "x-amz-target",
            HeaderValue::from_static("Logs_20140328.FilterLogEvents"),
        );
        assert_eq!(operation(&headers).unwrap(), "FilterLogEvents");
        assert_eq!(
            parse::<FilterLogEventsRequest>(b"{not json")
                .err()
                .unwrap()
                .error_type,
            "SerializationException"
        );
        assert_eq!(
            parse::<FilterLogEventsRequest>(br#"{"limit":"ten"}"#)
                .err()
                .unwrap()
                .error_type,
            "SerializationException"
        );
        assert!(parse::<FilterLogEventsRequest>(b"").is_ok());

        let response = LogsError::group_not_found().into_response();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert_eq!(
            response.headers()["x-amzn-ErrorType"],
            "ResourceNotFoundException"
        );
        assert_eq!(response.headers()[header::CONTENT_TYPE], CONTENT_TYPE);
    }
}
