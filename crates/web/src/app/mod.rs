//! The application layer: Lisa's use cases, one module per aggregate.
//!
//! A use case takes the [`Caller`] and already parsed input, authorises
//! against the caller's roles and organisation subtree, asks `domain` to
//! decide, writes through the `store` in one transaction (invariants that
//! guard a write are checked inside that transaction), and returns a typed
//! result or an [`Error`]. HTML pages (`crate::pages`) and the JSON API
//! (`crate::api`) both call these functions and never each other. Nothing
//! here knows about HTTP, templates or cookies.
//!
//! See `docs/architecture.md` for the layers and how to add an aggregate.

use std::sync::Arc;

use domain::authz::Principal;

pub mod assessment;
pub mod assets;
pub mod assets_import;
pub mod assets_systems;
pub mod audit;
pub mod audits;
pub mod error;
pub mod incident;
pub mod kept;
pub mod org;
pub mod plan;
pub mod processing;
pub mod registers;
pub mod review;
pub mod risks;
pub mod round;
pub mod steering;
pub mod tasks;
pub mod training;
pub mod unit;
pub mod user;
pub mod yearwheel;

pub use error::{Error, Result};

/// The stored form of a secret token (a session or a calendar address): its
/// SHA-256, hex-encoded. Only this is kept, never the token itself.
pub fn hash_token(token: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(token.as_bytes()))
}

/// Who calls a use case: the signed-in user and what their roles allow.
#[derive(Clone)]
pub struct Caller {
    pub user: Arc<store::User>,
    pub principal: Arc<Principal>,
    /// The data's version when the request began ([`store::Store::org_tree_at`]).
    pub data_version: i64,
}

impl Caller {
    /// The actor the audit log records for this caller's writes.
    pub fn actor(&self) -> store::Actor {
        store::Actor::user(self.user.id, &self.user.email)
    }
}
