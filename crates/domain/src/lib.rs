//! Lisa's domain: types, rules and computations. No I/O, no database, no web.
//!
//! Every constructor that takes user input refuses bad values with a [`FieldError`]
//! whose `code` is a translation key (`locales/*/*.ftl` in the web crate), so only
//! valid data reaches the store.

pub mod assessment;
pub mod audit;
pub mod authz;
pub mod error;
pub mod model;
pub mod org;
pub mod scoring;
pub mod throttle;
pub mod user;

pub use error::{FieldError, ValidationErrors};

/// Current time truncated to microseconds, the precision both databases keep.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    truncate_micros(chrono::Utc::now())
}

/// Truncate a timestamp to whole microseconds.
pub fn truncate_micros(t: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::Utc> {
    use chrono::{SubsecRound, Timelike};
    let t = t.trunc_subsecs(6);
    debug_assert!(t.nanosecond().is_multiple_of(1000));
    t
}
