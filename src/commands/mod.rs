//! One module per subcommand: each turns its arguments into results handed to `Output`.

pub mod bulk;
pub mod calls;
pub mod demo;
pub mod dial;
pub mod generate;
pub mod placing;
pub mod resolve;
pub mod sandbox;
pub mod tail;
pub mod update;

use crate::exit::Failure;

/// `--sma-id` or CHIMECALL_SMA_ID, required by every call operation.
pub fn require_sma_id(sma_id: Option<String>) -> Result<String, Failure> {
    sma_id.filter(|id| !id.is_empty()).ok_or_else(|| {
        Failure::usage(
            "no SIP media application: pass --sma-id or set CHIMECALL_SMA_ID \
             (`chimecall sandbox` prints one)",
        )
    })
}
