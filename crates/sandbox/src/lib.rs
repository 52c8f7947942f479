//! The built-in sandbox: a local server that speaks the Chime SDK Voice (restJson1) and
//! CloudWatch Logs (awsJson1.1) wire protocols, signed with SigV4, and simulates one AWS
//! account's calls. chimecall reaches it only through the endpoint setting, exactly as it reaches
//! AWS, so every command runs its production path against it.
//!
//! Where things live. The HTTP side: `connection` serves, `front_end` routes and checks what AWS
//! checks (`auth`, `aws_error`), `voice` and `logs` are the operations. The simulation: `state`
//! is the account, `lifecycle` runs each call as a task (reached through `call_message`), with
//! its `callee` (scripted by the `callee_file`), its `actions` (the digit ones collecting keys
//! with `digits`), and the SMA's `handler` (the Lambda function, built in or external; the
//! built-in one runs the `callout` flow) invoked with `invocation` events and logged by
//! `handler_log`. `time_scale` speeds simulated time up;
//! `faults` injects failures; `quotas` holds the account to a fresh AWS account's quotas;
//! `access_log` writes a line per request; `defaults` holds every default setting.

mod access_log;
mod actions;
mod auth;
mod aws_error;
mod call_message;
mod callee;
mod callee_file;
mod callout;
mod connection;
pub mod defaults;
mod digits;
pub mod faults;
mod front_end;
mod handler;
mod handler_log;
mod invocation;
mod lifecycle;
mod logs;
pub mod quotas;
mod state;
mod time_scale;
mod voice;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub use actions::HangupWhileRinging;
pub use auth::SandboxCredentials;
pub use callee::CalleeBook;
use state::World;

/// How the sandbox is started. `Default` is `defaults`'s values: what `chimecall sandbox` runs
/// with no flags.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    pub bind: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    pub region: String,
    /// The account's quotas; `Default` has a fresh account's in `defaults::REGION` (build them
    /// with `QuotaSettings::for_region` for another region).
    pub quotas: quotas::QuotaSettings,
    /// `--access-log PATH`: a JSON line per request served, appended to this file.
    pub access_log: Option<std::path::PathBuf>,
    pub sip_media_applications: usize,
    /// How long the callee takes to answer.
    pub answer_after: Duration,
    /// How long a phone rings before the call ends unanswered (480).
    pub ring_timeout: Duration,
    /// The longest a call may last.
    pub max_call_duration: Duration,
    /// `--handler URL`: a Lambda Invoke API endpoint; `None` runs the built-in handler.
    pub handler_url: Option<String>,
    /// How long the SMA waits for its handler before retrying (5 s at AWS).
    pub handler_timeout: Duration,
    /// The first SIP media application's function name (its LambdaArn's last part).
    pub function_name: String,
    /// Injected faults (none by default).
    pub faults: faults::FaultSettings,
    /// `--callees FILE`: scripted callees; empty keeps the built-in rules for every number.
    pub callees: CalleeBook,
    /// `--time-scale F`: simulated time runs F times faster than the wall clock.
    pub time_scale: f64,
    /// `--seed N`: the seed of the callees' mixes (random when `None`).
    pub seed: Option<u64>,
    /// `--hangup-while-ringing`: whether a Hangup action ends a call that still rings.
    pub hangup_while_ringing: HangupWhileRinging,
}

impl Default for SandboxConfig {
    fn default() -> SandboxConfig {
        use defaults::duration;
        SandboxConfig {
            bind: defaults::BIND,
            port: defaults::PORT,
            region: defaults::REGION.to_string(),
            quotas: quotas::QuotaSettings::for_region(defaults::REGION),
            access_log: None,
            sip_media_applications: usize::from(defaults::SIP_MEDIA_APPLICATIONS),
            answer_after: const { duration(defaults::ANSWER_AFTER) },
            ring_timeout: const { duration(defaults::RING_TIMEOUT) },
            max_call_duration: const { duration(defaults::MAX_CALL_DURATION) },
            handler_url: None,
            handler_timeout: const { duration(defaults::HANDLER_TIMEOUT) },
            function_name: defaults::FUNCTION_NAME.to_string(),
            faults: faults::FaultSettings::default(),
            callees: CalleeBook::default(),
            time_scale: 1.0,
            seed: None,
            hangup_while_ringing: defaults::HANGUP_WHILE_RINGING,
        }
    }
}

impl SandboxConfig {
    /// Refuses settings the sandbox cannot run with; the message names the flag.
    pub fn validate(&self) -> Result<(), String> {
        let name_ok = !self.function_name.is_empty()
            && self.function_name.len() <= 64
            && self
                .function_name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !name_ok {
            return Err(format!(
                "--function-name {:?}: a Lambda function name is 1 to 64 letters, digits, - and _",
                self.function_name
            ));
        }
        if let Some(url) = &self.handler_url {
            let has_host = url
                .parse::<http::Uri>()
                .is_ok_and(|uri| uri.host().is_some());
            if url.starts_with("https://") {
                return Err(format!(
                    "--handler {url:?}: the sandbox invokes local functions over plain http://"
                ));
            }
            if !url.starts_with("http://") || !has_host {
                return Err(format!(
                    "--handler {url:?} must be an http:// URL with a host"
                ));
            }
        }
        if self.handler_timeout.is_zero() {
            return Err("--handler-timeout must be more than 0".to_string());
        }
        if !(self.time_scale.is_finite() && (0.001..=100_000.0).contains(&self.time_scale)) {
            return Err(format!(
                "--time-scale {}: a factor from 0.001 to 100000 (10 runs simulated time ten times faster)",
                self.time_scale
            ));
        }
        Ok(())
    }
}

/// One running sandbox's account and machinery, shared by every operation and every call.
pub(crate) struct Sandbox {
    pub(crate) config: SandboxConfig,
    pub(crate) credentials: SandboxCredentials,
    pub(crate) world: Mutex<World>,
    /// The account's CloudWatch Logs: handler log groups, and anything written with PutLogEvents.
    pub(crate) logs: logs::LogStore,
    /// The SIP media application's Lambda function: where invocation events go.
    pub(crate) handler: handler::Handler,
    /// The log stream the handler's logs go to, like one warm Lambda instance's.
    pub(crate) log_stream: String,
    pub(crate) faults: faults::Faults,
    /// Who answers each number called.
    pub(crate) callees: callee::Callees,
    pub(crate) quotas: quotas::Quotas,
    pub(crate) access_log: Option<Arc<access_log::AccessLog>>,
}

impl Sandbox {
    pub(crate) fn new(
        config: SandboxConfig,
        access_log: Option<Arc<access_log::AccessLog>>,
    ) -> Sandbox {
        let handler = match &config.handler_url {
            Some(url) => handler::Handler::lambda(url),
            None => handler::Handler::BuiltIn,
        };
        Sandbox {
            credentials: SandboxCredentials::generate(),
            world: Mutex::new(World::new(
                &config.region,
                config.sip_media_applications,
                &config.function_name,
            )),
            logs: logs::LogStore::new(),
            handler,
            log_stream: handler_log::stream_name(),
            faults: faults::Faults::new(config.faults.clone()),
            callees: callee::Callees::new(
                config.callees.clone(),
                config.seed.unwrap_or_else(rand::random),
            ),
            quotas: quotas::Quotas::new(&config.quotas),
            access_log,
            config,
        }
    }
}

/// What a client needs to reach a running sandbox: the six variables it exports.
#[derive(Clone)]
pub struct SandboxInfo {
    pub endpoint_url: String,
    pub region: String,
    pub credentials: SandboxCredentials,
    pub sma_id: String,
    pub from_number: String,
}

impl SandboxInfo {
    /// NAME=VALUE pairs, in the order `chimecall sandbox` prints them.
    pub fn exports(&self) -> [(&'static str, String); 6] {
        [
            ("AWS_ENDPOINT_URL", self.endpoint_url.clone()),
            ("AWS_ACCESS_KEY_ID", self.credentials.access_key_id.clone()),
            (
                "AWS_SECRET_ACCESS_KEY",
                self.credentials.secret_access_key.clone(),
            ),
            ("AWS_REGION", self.region.clone()),
            ("CHIMECALL_SMA_ID", self.sma_id.clone()),
            ("CHIMECALL_FROM", self.from_number.clone()),
        ]
    }
}

/// A sandbox bound to its port and serving in the background of the current runtime.
pub struct RunningSandbox {
    pub info: SandboxInfo,
    pub address: SocketAddr,
    sandbox: Arc<Sandbox>,
    shutdown: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl RunningSandbox {
    /// Opens the access log, binds and starts serving; returns once the port accepts
    /// connections. An access log that cannot be opened is an error of kind
    /// `PermissionDenied`, `NotFound` and the like, its message naming the file.
    pub async fn start(config: SandboxConfig) -> std::io::Result<RunningSandbox> {
        let access_log = match &config.access_log {
            Some(path) => Some(Arc::new(access_log::AccessLog::open(path).map_err(
                |e| std::io::Error::new(e.kind(), format!("--access-log {}: {e}", path.display())),
            )?)),
            None => None,
        };
        let listener = tokio::net::TcpListener::bind((config.bind, config.port)).await?;
        let address = listener.local_addr()?;
        let sandbox = Arc::new(Sandbox::new(config, access_log));
        let info = {
            let world = sandbox.world.lock().expect("world lock");
            SandboxInfo {
                endpoint_url: format!("http://{}", endpoint_host(address)),
                region: sandbox.config.region.clone(),
                credentials: sandbox.credentials.clone(),
                sma_id: world.sip_media_applications[0].id.clone(),
                from_number: world.inventory[0].clone(),
            }
        };
        if sandbox.config.callees.has_mixes() {
            tracing::info!(
                seed = sandbox.callees.seed(),
                "callee mixes pick by this seed (--seed repeats them)"
            );
        }
        let (shutdown, stop) = tokio::sync::oneshot::channel();
        let app = front_end::router(Arc::clone(&sandbox));
        let task = tokio::spawn(connection::serve(listener, app, stop));
        Ok(RunningSandbox {
            info,
            address,
            sandbox: Arc::clone(&sandbox),
            shutdown,
            task,
        })
    }

    /// Stops accepting, lets requests in flight finish. A leg of a bridged call left connected
    /// is reported (the handler should have hung it up).
    pub async fn stop(self) -> std::io::Result<()> {
        for (transaction_id, leg) in &self.sandbox.world.lock().expect("world lock").left_hanging {
            tracing::warn!(
                %transaction_id,
                "{leg} was left connected when the sandbox stopped: the handler must hang up each leg of a bridged call"
            );
        }
        let _ = self.shutdown.send(());
        self.task.await.unwrap_or(Ok(()))
    }
}

/// `127.0.0.1:PORT`, `[::1]:PORT`; a wildcard bind is reached through loopback.
fn endpoint_host(address: SocketAddr) -> String {
    let ip = match address.ip() {
        IpAddr::V4(v4) if v4.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(v6) if v6.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        ip => ip,
    };
    SocketAddr::new(ip, address.port()).to_string()
}
