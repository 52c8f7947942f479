//! What the API sends a live call's task. It has a module of its own because both the world
//! (which keeps each call's sender) and the call's task (which reads them) need it, and neither
//! should depend on the other.

use std::collections::BTreeMap;

use tokio::sync::oneshot;

/// What the API sends a live call.
pub(crate) enum CallMessage {
    /// UpdateSipMediaApplicationCall. `done` fires once the handler's answer has been applied.
    Update {
        arguments: BTreeMap<String, String>,
        done: oneshot::Sender<()>,
    },
}
