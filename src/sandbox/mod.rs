//! The built-in sandbox: a local server that speaks the Chime SDK Voice wire protocol (restJson1,
//! SigV4) and simulates one AWS account's calls. chimecall reaches it only through the endpoint
//! setting, exactly as it reaches AWS, so every command runs its production path against it.

pub mod auth;
pub mod aws_error;
pub mod handler;
pub mod logs;
pub mod server;
pub mod state;
pub mod voice;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use auth::SandboxCredentials;
use state::{CallStatus, World};

/// How the sandbox is started.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    pub bind: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    pub region: String,
    pub sip_media_applications: usize,
    /// How long the callee takes to answer.
    pub answer_after: Duration,
}

impl Default for SandboxConfig {
    fn default() -> SandboxConfig {
        SandboxConfig {
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            region: "us-east-1".to_string(),
            sip_media_applications: 1,
            answer_after: Duration::from_secs(2),
        }
    }
}

/// Shared by every request handler.
pub struct Sandbox {
    pub config: SandboxConfig,
    pub credentials: SandboxCredentials,
    pub world: Mutex<World>,
    /// The account's CloudWatch Logs: handler log groups, and anything written with PutLogEvents.
    pub logs: logs::LogStore,
}

impl Sandbox {
    pub fn new(config: SandboxConfig) -> Sandbox {
        Sandbox {
            credentials: SandboxCredentials::generate(),
            world: Mutex::new(World::new(&config.region, config.sip_media_applications)),
            logs: logs::LogStore::new(),
            config,
        }
    }

    /// Runs the callee's side of a new call: it answers after `answer_after`.
    fn start_call(self: &Arc<Self>, transaction_id: &str) {
        let sandbox = Arc::clone(self);
        let transaction_id = transaction_id.to_string();
        tokio::spawn(async move {
            tokio::time::sleep(sandbox.config.answer_after).await;
            let mut world = sandbox.world.lock().expect("world lock");
            if let Some(call) = world.calls.get_mut(&transaction_id) {
                if call.status == CallStatus::Created {
                    call.status = CallStatus::Connected;
                    tracing::info!(%transaction_id, "call answered");
                }
            }
        });
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
    /// Binds and starts serving; returns once the port accepts connections.
    pub async fn start(config: SandboxConfig) -> std::io::Result<RunningSandbox> {
        let listener = tokio::net::TcpListener::bind((config.bind, config.port)).await?;
        let address = listener.local_addr()?;
        let sandbox = Arc::new(Sandbox::new(config));
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
        let (shutdown, stop) = tokio::sync::oneshot::channel();
        let app = server::router(Arc::clone(&sandbox));
        let task = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stop.await;
                })
                .await
        });
        Ok(RunningSandbox {
            info,
            address,
            sandbox,
            shutdown,
            task,
        })
    }

    /// The sandbox's own view of a call (what the simulated network knows).
    pub fn call_status(&self, transaction_id: &str) -> Option<CallStatus> {
        let world = self.sandbox.world.lock().expect("world lock");
        world.calls.get(transaction_id).map(|call| call.status)
    }

    /// Stops accepting, lets requests in flight finish.
    pub async fn stop(self) -> std::io::Result<()> {
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
