//! The log store: every log group, stream and event of the sandbox's account, in memory. Each
//! operation reads or writes it under one lock; the call simulator appends handler logs to it.

use std::collections::BTreeMap;
use std::sync::Mutex;

use chimecall_model::clock;

/// Every log group, stream and event of the sandbox's account.
#[derive(Debug, Default)]
pub(crate) struct LogStore {
    // A std Mutex: the call simulator appends while API requests read, and no lock is held
    // across an await.
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
pub(super) struct Inner {
    /// By name: DescribeLogGroups answers in ASCII order of names.
    pub(super) groups: BTreeMap<String, Group>,
    /// Store-wide ingestion counter: orders events with equal timestamps and makes eventIds.
    pub(super) next_sequence: u64,
}

#[derive(Debug)]
pub(super) struct Group {
    pub(super) creation_time: i64,
    pub(super) class: String,
    pub(super) streams: BTreeMap<String, Stream>,
}

#[derive(Debug)]
pub(super) struct Stream {
    pub(super) events: Vec<StoredEvent>,
}

#[derive(Debug, Clone)]
pub(super) struct StoredEvent {
    pub(super) timestamp: i64,
    pub(super) ingestion_time: i64,
    pub(super) sequence: u64,
    pub(super) message: String,
}

impl StoredEvent {
    /// The order FilterLogEvents answers in: timestamp, then ingestion order.
    pub(super) fn key(&self) -> (i64, u64) {
        (self.timestamp, self.sequence)
    }

    /// AWS event ids are long decimal strings; this one is unique and never changes.
    pub(super) fn event_id(&self) -> String {
        format!("{:056}", self.sequence)
    }
}

impl Group {
    pub(super) fn new(now: i64, class: &str) -> Group {
        Group {
            creation_time: now,
            class: class.to_string(),
            streams: BTreeMap::new(),
        }
    }

    pub(super) fn stored_bytes(&self) -> usize {
        self.streams
            .values()
            .flat_map(|stream| &stream.events)
            .map(|event| event.message.len())
            .sum()
    }
}

impl Stream {
    pub(super) fn new() -> Stream {
        Stream { events: Vec::new() }
    }

    pub(super) fn push(
        &mut self,
        next_sequence: &mut u64,
        timestamp: i64,
        message: String,
        now: i64,
    ) {
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
    pub(crate) fn new() -> LogStore {
        LogStore::default()
    }

    pub(super) fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().expect("log store lock")
    }

    /// Appends one event as a Lambda runtime does: the group and stream are created if missing.
    pub(crate) fn append(&self, group: &str, stream: &str, timestamp_ms: i64, message: String) {
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

    /// Every message of `group`, in the order appended (for tests elsewhere in the crate).
    #[cfg(test)]
    pub(crate) fn messages(&self, group: &str) -> Vec<String> {
        let inner = self.lock();
        let mut events: Vec<&StoredEvent> = inner
            .groups
            .get(group)
            .map(|group| group.streams.values().flat_map(|s| &s.events).collect())
            .unwrap_or_default();
        events.sort_by_key(|event| event.sequence);
        events.iter().map(|event| event.message.clone()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logs::test_support::*;
    use serde_json::json;
    use std::sync::Arc;
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
}
