//! What a call is: the request that places it, and the state its events add up to.

mod request;
mod state;

pub(crate) use request::{parse_pairs, with_plus, DialRequest, REQUEST_ID_KEY};
pub(crate) use state::{CallPhase, CallTracker};
