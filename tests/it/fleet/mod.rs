//! The fleet budget (issue 12) against a real `redis-server` per test: the scripts against
//! the core's model on a scripted clock, `NOSCRIPT` recovery, the failure policies with Redis
//! paused and restarted, and a fleet of worker processes against the sandbox.

mod policies;
mod processes;
mod script;
