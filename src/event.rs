//! The SMA invocation event model, reading events out of handler log lines, and the call state
//! derived from a stream of events.
//! TO BE WRITTEN (helper): see the task description.
