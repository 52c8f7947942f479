//! What chimecall and its sandbox both take from the service: the model's input rules, a fresh
//! account's quotas, and the clock and timestamp formats of the wire protocols and the journal.
//! Nothing else is shared, so the sandbox can never lean on the client's code (or the client on
//! the sandbox's).

pub mod clock;
pub mod quotas;
pub mod rules;
pub mod ssml;
