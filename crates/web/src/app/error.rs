//! Errors of the application layer. The web layer maps them to a status and
//! a translated message; an internal error keeps its source so the whole
//! chain can be logged once at the edge, with the request id.

use std::sync::Arc;

use domain::FieldError;

/// A use case's failure.
#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
    /// The caller's roles do not allow this here.
    #[error("forbidden")]
    Forbidden,
    /// No such record, or one the caller may not know exists.
    #[error("not found")]
    NotFound,
    /// The input breaks one or more rules (codes are translation keys).
    #[error("invalid input")]
    Validation(Vec<FieldError>),
    /// The write would break a rule that needs stored data to decide.
    #[error("conflict")]
    Conflict(FieldError),
    /// A fault of Lisa or its database; never shown to the user.
    #[error("internal error")]
    Internal(#[source] Arc<dyn std::error::Error + Send + Sync>),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An internal error caused by `source`.
    /// The field errors of a validation error or a conflict (none otherwise),
    /// for a form shown again with its messages.
    pub fn field_errors(&self) -> Vec<FieldError> {
        match self {
            Error::Validation(errs) => errs.clone(),
            Error::Conflict(e) => vec![e.clone()],
            _ => Vec::new(),
        }
    }

    pub fn internal(source: impl std::error::Error + Send + Sync + 'static) -> Self {
        Error::Internal(Arc::new(source))
    }

    /// An internal error described by `message` (a broken invariant).
    pub fn invariant(message: &'static str) -> Self {
        Error::Internal(Arc::new(Invariant(message)))
    }
}

/// A rule Lisa's own code or data should never break.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Invariant(pub &'static str);

impl From<store::StoreError> for Error {
    fn from(e: store::StoreError) -> Self {
        match e {
            store::StoreError::NotFound => Error::NotFound,
            store::StoreError::Conflict { field, code } => Error::Conflict(FieldError::new(field, code)),
            other => Error::internal(other),
        }
    }
}

impl From<domain::ValidationErrors> for Error {
    fn from(e: domain::ValidationErrors) -> Self {
        Error::Validation(e.0)
    }
}

impl From<FieldError> for Error {
    fn from(e: FieldError) -> Self {
        Error::Validation(vec![e])
    }
}
