//! Where a call's events are: the log group named on the command line (or in the profile), or
//! the SIP media application's handler's (`/aws/lambda/<function>` from its LambdaArn). Every
//! reader of the logs asks here, and a SIP media application's group is looked up once per
//! process (GetSipMediaApplication is a request of its own, and the answer does not change while
//! a command runs).

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, OnceLock};

use aws_config::SdkConfig;
use tokio::sync::OnceCell;

use crate::aws;
use crate::exit::Failure;

/// Where to read a call's events, and from when.
#[derive(Debug, Clone)]
pub(crate) struct LogSource {
    pub(crate) sma_id: Option<String>,
    pub(crate) log_group: Option<String>,
    pub(crate) start_ms: i64,
}

/// The log group to read: the one named, or the SMA's handler's from its LambdaArn (looked up
/// once per process and SIP media application).
pub(crate) async fn log_group_of(
    source: &LogSource,
    config: &SdkConfig,
) -> Result<String, Failure> {
    LogGroups::process().of(source, config).await
}

/// A SIP media application, as the endpoint and region it is reached at know it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct SmaKey {
    endpoint: Option<String>,
    region: Option<String>,
    sma_id: String,
}

/// The handler log groups found so far. A failed look-up is not kept: the next caller asks again.
/// Callers that ask for the same SIP media application at once share one request.
#[derive(Default)]
pub(crate) struct LogGroups {
    found: Mutex<HashMap<SmaKey, Arc<OnceCell<String>>>>,
}

impl LogGroups {
    /// The process's groups.
    pub(crate) fn process() -> &'static LogGroups {
        static PROCESS: OnceLock<LogGroups> = OnceLock::new();
        PROCESS.get_or_init(LogGroups::default)
    }

    /// The log group of `source`: the one named, else its SMA's handler's.
    pub(crate) async fn of(
        &self,
        source: &LogSource,
        config: &SdkConfig,
    ) -> Result<String, Failure> {
        match (&source.log_group, &source.sma_id) {
            (Some(group), _) => Ok(group.clone()),
            (None, Some(sma_id)) => {
                // An SMA id from the journal has not been checked on its way here.
                crate::ids::check_sma_id(sma_id, "cannot find the handler's logs")?;
                let key = SmaKey {
                    endpoint: config.endpoint_url().map(str::to_string),
                    region: config.region().map(|region| region.to_string()),
                    sma_id: sma_id.clone(),
                };
                self.cached(key, || async {
                    aws::handler_log_group(&aws::voice_client(config), sma_id).await
                })
                .await
            }
            (None, None) => Err(Failure::usage(
                "no log group: pass --log-group, or --sma-id (or CHIMECALL_SMA_ID) to find it",
            )),
        }
    }

    /// The group of `key`, from `look_up` the first time it succeeds.
    async fn cached<F, Fut>(&self, key: SmaKey, look_up: F) -> Result<String, Failure>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<String, Failure>>,
    {
        let cell = {
            let mut found = self.found.lock().expect("log groups lock");
            Arc::clone(found.entry(key).or_default())
        };
        cell.get_or_try_init(look_up).await.cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use crate::exit::Exit;

    fn key(sma_id: &str) -> SmaKey {
        SmaKey {
            endpoint: Some("http://127.0.0.1:1".to_string()),
            region: Some("us-east-1".to_string()),
            sma_id: sma_id.to_string(),
        }
    }

    async fn counted(
        groups: &LogGroups,
        key: SmaKey,
        asked: &AtomicUsize,
        answer: Result<&str, Failure>,
    ) -> Result<String, Failure> {
        groups
            .cached(key, || async {
                asked.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(100)).await;
                answer.map(str::to_string)
            })
            .await
    }

    #[tokio::test(start_paused = true)]
    async fn a_group_is_looked_up_once_per_sma() {
        let groups = LogGroups::default();
        let asked = AtomicUsize::new(0);
        for _ in 0..3 {
            let group = counted(&groups, key("sma-1"), &asked, Ok("/aws/lambda/one")).await;
            assert_eq!(group.unwrap(), "/aws/lambda/one");
        }
        assert_eq!(asked.load(Ordering::SeqCst), 1);
        let other = counted(&groups, key("sma-2"), &asked, Ok("/aws/lambda/two")).await;
        assert_eq!(other.unwrap(), "/aws/lambda/two");
        assert_eq!(asked.load(Ordering::SeqCst), 2);
        // The same SMA id behind another endpoint is another SMA.
        let elsewhere = SmaKey {
            endpoint: None,
            ..key("sma-1")
        };
        counted(&groups, elsewhere, &asked, Ok("/aws/lambda/three"))
            .await
            .unwrap();
        assert_eq!(asked.load(Ordering::SeqCst), 3);
    }

    #[tokio::test(start_paused = true)]
    async fn callers_at_once_share_one_look_up() {
        let groups = LogGroups::default();
        let asked = AtomicUsize::new(0);
        let (a, b, c) = tokio::join!(
            counted(&groups, key("sma-1"), &asked, Ok("/aws/lambda/one")),
            counted(&groups, key("sma-1"), &asked, Ok("/aws/lambda/one")),
            counted(&groups, key("sma-1"), &asked, Ok("/aws/lambda/one")),
        );
        assert_eq!((a.unwrap(), b.unwrap(), c.unwrap()).0, "/aws/lambda/one");
        assert_eq!(asked.load(Ordering::SeqCst), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn a_failure_is_not_kept_and_keeps_its_message() {
        let groups = LogGroups::default();
        let asked = AtomicUsize::new(0);
        let failure = Failure::new(Exit::Config, "cannot find the handler's logs: nope");
        let first = counted(&groups, key("sma-1"), &asked, Err(failure)).await;
        let first = first.unwrap_err();
        assert_eq!(first.exit, Exit::Config);
        assert_eq!(first.to_string(), "cannot find the handler's logs: nope");
        let second = counted(&groups, key("sma-1"), &asked, Ok("/aws/lambda/one")).await;
        assert_eq!(second.unwrap(), "/aws/lambda/one");
        assert_eq!(asked.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn a_named_group_needs_no_look_up_and_no_sma_is_a_usage_error() {
        let groups = LogGroups::default();
        let config = SdkConfig::builder().build();
        let named = LogSource {
            sma_id: Some("sma-1".to_string()),
            log_group: Some("/mine".to_string()),
            start_ms: 0,
        };
        assert_eq!(groups.of(&named, &config).await.unwrap(), "/mine");
        assert!(groups.found.lock().unwrap().is_empty());
        let neither = LogSource {
            sma_id: None,
            log_group: None,
            start_ms: 0,
        };
        let failure = groups.of(&neither, &config).await.unwrap_err();
        assert_eq!(failure.exit, Exit::Usage);
        assert!(failure
            .to_string()
            .starts_with("no log group: pass --log-group"));
    }
}
