//! Storage conformance suite: the same checks on SQLite (always) and on
//! PostgreSQL (when `LISA_TEST_POSTGRES_URL` is set; required when `CI` is),
//! each test on a fresh database of its own. One module per aggregate, named
//! like the store's own modules; `common` is the harness and the fixtures.

#![allow(clippy::unwrap_used, reason = "test code: a failure fails the test")]

mod common;

mod migrations;

mod audit;
mod concurrency;
mod orgs;
mod sessions;
mod users;

mod assessments;
mod assets;
mod incidents;
mod org_audits;
mod plans;
mod reviews;
mod round_close_race;
mod rounds;
mod scope;
mod steering;
mod training;
