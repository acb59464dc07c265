//! What storage answers when it cannot do what was asked, in the domain's terms: a record that
//! does not exist, a rule of the domain that refuses the change (with the stable code the app
//! words it by, and the details it needs), or a failure of the database itself. Storage knows
//! nothing of HTTP: `crate::error` maps each kind to a status.

use serde_json::Value;

/// Why a rule of the domain refuses a change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The input breaks a rule of its own (a bad row, an amount out of range).
    Invalid,
    /// The stored state does not allow it: a duplicate, a record in the wrong state, a change
    /// made meanwhile by someone else.
    Conflict,
    /// A condition on the partner or item is not met (too few points, a tier not held).
    Unmet,
    /// Too many attempts in too short a time.
    Throttled,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The record asked for does not exist; the text names it ("the program").
    #[error("{0} was not found")]
    NotFound(String),
    /// A rule of the domain refuses the change.
    #[error("{message}")]
    Refused { why: Refusal, code: &'static str, message: String, details: Option<Value> },
    #[error("database: {0}")]
    Database(#[from] rusqlite::Error),
    #[error("connection pool: {0}")]
    Pool(#[from] r2d2::Error),
    /// What should not happen: a stored value that no longer reads, a task that died.
    #[error("{0}")]
    Internal(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

impl StoreError {
    pub fn not_found(what: &str) -> Self {
        StoreError::NotFound(what.to_string())
    }

    pub fn refused(why: Refusal, code: &'static str, message: impl Into<String>) -> Self {
        StoreError::Refused { why, code, message: message.into(), details: None }
    }

    pub fn invalid(code: &'static str, message: impl Into<String>) -> Self {
        Self::refused(Refusal::Invalid, code, message)
    }

    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::refused(Refusal::Conflict, code, message)
    }

    pub fn unmet(code: &'static str, message: impl Into<String>) -> Self {
        Self::refused(Refusal::Unmet, code, message)
    }

    pub fn throttled(code: &'static str, message: impl Into<String>) -> Self {
        Self::refused(Refusal::Throttled, code, message)
    }

    pub fn internal(cause: impl std::fmt::Display) -> Self {
        StoreError::Internal(cause.to_string())
    }

    /// The same refusal with structured details the app words it from (other errors carry none).
    pub fn with_details(mut self, more: Value) -> Self {
        if let StoreError::Refused { details, .. } = &mut self {
            *details = Some(more);
        }
        self
    }

    /// The refusal's code, when it is one.
    pub fn code(&self) -> Option<&'static str> {
        match self {
            StoreError::Refused { code, .. } => Some(code),
            _ => None,
        }
    }
}

impl From<crate::input::Invalid> for StoreError {
    fn from(e: crate::input::Invalid) -> Self {
        StoreError::Refused { why: Refusal::Invalid, code: e.code, message: e.message, details: e.details }
    }
}
