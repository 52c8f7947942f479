//! CreateLogGroup, CreateLogStream and DescribeLogGroups: the account's log groups and streams,
//! named, listed and paged as the model says.

use serde::Deserialize;
use serde_json::{json, Value};

use super::error::{constraint, LogsError};
use super::members::{
    check_group_name, check_limit, check_stream_name, is_group_name_char, required,
};
use super::store::{Group, LogStore, Stream};
use crate::state::ACCOUNT_ID;

/// A page's largest size, from the model's DescribeLimit.
const MAX_DESCRIBE_LIMIT: i64 = 50;

const LOG_GROUP_CLASSES: [&str; 4] = ["STANDARD", "INFREQUENT_ACCESS", "DELIVERY", "ESSENTIALS"];

/// Page tokens are opaque to clients; the prefix lets the sandbox refuse tokens it did not issue.
const GROUP_TOKEN_PREFIX: &str = "lg1/";

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct CreateLogGroupRequest {
    log_group_name: Option<String>,
    log_group_class: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct CreateLogStreamRequest {
    log_group_name: Option<String>,
    log_stream_name: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct DescribeLogGroupsRequest {
    log_group_name_prefix: Option<String>,
    log_group_name_pattern: Option<String>,
    limit: Option<i64>,
    next_token: Option<String>,
}

impl LogStore {
    pub(super) fn create_log_group(
        &self,
        request: CreateLogGroupRequest,
        now: i64,
    ) -> Result<(), LogsError> {
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

    pub(super) fn create_log_stream(
        &self,
        request: CreateLogStreamRequest,
    ) -> Result<(), LogsError> {
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

    pub(super) fn describe_log_groups(
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

fn parse_group_token(token: &str) -> Result<String, LogsError> {
    token
        .strip_prefix(GROUP_TOKEN_PREFIX)
        .map(str::to_string)
        .ok_or_else(LogsError::invalid_token)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logs::test_support::*;
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
}
