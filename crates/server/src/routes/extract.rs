//! What handlers take from a request besides the session: JSON and CSV bodies, the path's ids,
//! the idempotency key. Each says in the OpenAPI document what it reads.

use aide::generate::GenContext;
use aide::openapi::{HeaderStyle, MediaType, Operation, Parameter, RequestBody, SchemaObject};
use aide::operation::{add_parameters, set_body};
use aide::OperationInput;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::error::{ApiError, ApiResult};

/// JSON bodies whose rejections are [`ApiError`]s (so every error has the same shape).
pub struct Json<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let axum::Json(value) = axum::Json::<T>::from_request(req, state).await?;
        Ok(Json(value))
    }
}

impl<T: JsonSchema> OperationInput for Json<T> {
    fn operation_input(ctx: &mut GenContext, operation: &mut Operation) {
        <axum::Json<T> as OperationInput>::operation_input(ctx, operation);
    }
}

/// `?program=…`: the program a partner's figures are asked for.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProgramQuery {
    /// The program's id.
    pub program: String,
}

/// A path with one `{id}`: a program's, partner's or catalog item's id, or a claim's or
/// draft's number.
#[derive(Deserialize, JsonSchema)]
pub struct ById<T> {
    pub id: T,
}

/// `/programs/{id}/partners/{partner}`.
#[derive(Deserialize, JsonSchema)]
pub struct ProgramPartner {
    /// The program's id.
    pub id: String,
    /// The partner's id.
    pub partner: String,
}

/// `/partners/{id}/redemptions/{redemption}`.
#[derive(Deserialize, JsonSchema)]
pub struct PartnerRedemption {
    /// The partner's id.
    pub id: String,
    /// The redemption's number.
    pub redemption: i64,
}

/// A CSV upload: the request body as UTF-8 text, not empty.
pub struct CsvUpload(pub String);

impl<S: Send + Sync> FromRequest<S> for CsvUpload {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let body = axum::body::Bytes::from_request(req, state).await.map_err(|e| {
            let status = e.status();
            let code =
                if status == axum::http::StatusCode::PAYLOAD_TOO_LARGE { "body_too_large" } else { "invalid_request" };
            ApiError::new(status, code, e.body_text())
        })?;
        csv_text(&body).map(CsvUpload)
    }
}

fn csv_text(body: &[u8]) -> ApiResult<String> {
    let body = String::from_utf8(body.to_vec())
        .map_err(|e| ApiError::bad_request("invalid_csv", format!("the upload is not UTF-8 text: {e}")))?;
    if body.trim().is_empty() {
        return Err(ApiError::bad_request("empty_upload", "the upload is empty; send the CSV as the request body"));
    }
    Ok(body)
}

impl OperationInput for CsvUpload {
    fn operation_input(ctx: &mut GenContext, operation: &mut Operation) {
        let schema = ctx.schema.subschema_for::<String>();
        set_body(
            ctx,
            operation,
            RequestBody {
                description: Some("CSV with a header row".into()),
                content: IndexMap::from_iter([(
                    "text/csv".into(),
                    MediaType {
                        schema: Some(SchemaObject { json_schema: schema, example: None, external_docs: None }),
                        ..Default::default()
                    },
                )]),
                required: true,
                extensions: IndexMap::default(),
            },
        );
    }
}

/// The `Idempotency-Key` header: a value unique per request, so a retry is answered with the
/// first result instead of being done twice.
pub struct IdempotencyKey(pub String);

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .headers
            .get("idempotency-key")
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|k| !k.is_empty() && k.len() <= MAX_KEY)
            .map(|k| IdempotencyKey(k.to_string()))
            .ok_or_else(|| {
                ApiError::bad_request(
                    "idempotency_key_required",
                    "send an Idempotency-Key header (a unique value per redemption) so a retry never debits twice",
                )
            })
    }
}

const MAX_KEY: usize = 200;

impl OperationInput for IdempotencyKey {
    fn operation_input(ctx: &mut GenContext, operation: &mut Operation) {
        let mut schema = ctx.schema.subschema_for::<String>();
        schema.insert("minLength".into(), 1.into());
        schema.insert("maxLength".into(), MAX_KEY.into());
        let parameter_data = crate::openapi::required_parameter(
            "Idempotency-Key",
            "A value unique per request; a retry with it gets the first answer",
            schema,
        );
        add_parameters(ctx, operation, [Parameter::Header { parameter_data, style: HeaderStyle::Simple }]);
    }
}
