//! What a call is: the request that places it, and the state its events add up to.

pub(crate) mod callout;
mod disposition;
mod request;
mod state;

pub(crate) use disposition::{Disposition, DispositionKind, EndedBy, Success};
pub(crate) use request::{parse_pairs, with_plus, DialRequest, REQUEST_ID_KEY};
pub(crate) use state::{CallPhase, CallTracker};
