//! The one error type of the API: every failure is JSON with a stable code and a message a
//! person can act on.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::storage::{Refusal, StoreError};

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    /// Structured details, e.g. every bad row of an import.
    pub details: Option<serde_json::Value>,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError { status, code, message: message.into(), details: None }
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", format!("{what} was not found"))
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    /// The same error with structured details the app words it from.
    pub fn with_details(mut self, details: serde_json::Value) -> Self {
        self.details = Some(details);
        self
    }

    /// A failure of the server itself: its cause goes to the log (with the request's id, in
    /// its span), never to the client.
    pub fn internal(message: impl std::fmt::Display) -> Self {
        tracing::error!(cause = %message, "internal error");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "something went wrong on the server; try again")
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = json!({ "error": { "code": self.code, "message": self.message } });
        if let Some(details) = self.details {
            body["error"]["details"] = details;
        }
        (self.status, axum::Json(body)).into_response()
    }
}

/// Storage's answers in HTTP: a missing record 404, a refusal by why it refuses, a failure of
/// the database 500 with its cause in the log.
impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => ApiError::not_found(&what),
            StoreError::Refused { why, code, message, details } => {
                let status = match why {
                    Refusal::Invalid => StatusCode::BAD_REQUEST,
                    Refusal::Conflict => StatusCode::CONFLICT,
                    Refusal::Unmet => StatusCode::UNPROCESSABLE_ENTITY,
                    Refusal::Throttled => StatusCode::TOO_MANY_REQUESTS,
                };
                ApiError { status, code, message, details }
            }
            other => ApiError::internal(other),
        }
    }
}

/// A field the API refuses at its edge: 400 with the field's code and details.
impl From<crate::input::Invalid> for ApiError {
    fn from(e: crate::input::Invalid) -> Self {
        ApiError { status: StatusCode::BAD_REQUEST, code: e.code, message: e.message, details: e.details }
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(e: rusqlite::Error) -> Self {
        ApiError::internal(e)
    }
}

impl From<r2d2::Error> for ApiError {
    fn from(e: r2d2::Error) -> Self {
        ApiError::internal(e)
    }
}

impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> Self {
        let status = match r {
            JsonRejection::MissingJsonContentType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            JsonRejection::BytesRejection(_) => StatusCode::PAYLOAD_TOO_LARGE,
            _ => StatusCode::BAD_REQUEST,
        };
        let code = if status == StatusCode::PAYLOAD_TOO_LARGE { "body_too_large" } else { "invalid_json" };
        ApiError::new(status, code, r.body_text())
    }
}

impl From<QueryRejection> for ApiError {
    fn from(r: QueryRejection) -> Self {
        ApiError::bad_request("invalid_query", r.body_text())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::{Refusal, StoreError};

    /// Each way storage refuses has its status; details and code go through as they are; a
    /// database failure is a 500 whose cause stays out of the answer.
    #[test]
    fn storage_answers_map_to_statuses() {
        let cases = [
            (Refusal::Invalid, StatusCode::BAD_REQUEST),
            (Refusal::Conflict, StatusCode::CONFLICT),
            (Refusal::Unmet, StatusCode::UNPROCESSABLE_ENTITY),
            (Refusal::Throttled, StatusCode::TOO_MANY_REQUESTS),
        ];
        for (why, status) in cases {
            let e = ApiError::from(StoreError::refused(why, "some_code", "said").with_details(json!({ "field": "x" })));
            assert_eq!((e.status, e.code, e.message.as_str()), (status, "some_code", "said"));
            assert_eq!(e.details, Some(json!({ "field": "x" })));
        }
        let missing = ApiError::from(StoreError::not_found("the item"));
        assert_eq!(
            (missing.status, missing.code, missing.message.as_str()),
            (StatusCode::NOT_FOUND, "not_found", "the item was not found")
        );
        let broken = ApiError::from(StoreError::from(rusqlite::Error::InvalidQuery));
        assert_eq!((broken.status, broken.code), (StatusCode::INTERNAL_SERVER_ERROR, "internal"));
        assert!(!broken.message.contains("query"), "{}", broken.message);
    }
}
