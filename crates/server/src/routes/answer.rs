//! What handlers answer besides a plain `200` JSON body: each type is both the response and its
//! description in the OpenAPI document, so the document cannot say one status while the code
//! sends another.

use std::marker::PhantomData;

use aide::generate::GenContext;
use aide::openapi::{Header, MediaType, Operation, ParameterSchemaOrContent, ReferenceOr, Response, SchemaObject};
use aide::OperationOutput;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::IntoResponse;
use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::Serialize;

/// A JSON response of `T`, described as the document describes `axum::Json<T>`.
fn json_response<T: JsonSchema>(ctx: &mut GenContext, operation: &mut Operation) -> Response {
    <axum::Json<T> as OperationOutput>::operation_response(ctx, operation).unwrap_or_default()
}

/// `201 Created` with the new thing as JSON.
pub struct Created<T>(pub T);

impl<T: Serialize> IntoResponse for Created<T> {
    fn into_response(self) -> axum::response::Response {
        (StatusCode::CREATED, axum::Json(self.0)).into_response()
    }
}

impl<T: JsonSchema> OperationOutput for Created<T> {
    type Inner = T;

    fn operation_response(ctx: &mut GenContext, operation: &mut Operation) -> Option<Response> {
        Some(json_response::<T>(ctx, operation))
    }

    fn inferred_responses(ctx: &mut GenContext, operation: &mut Operation) -> Vec<(Option<u16>, Response)> {
        vec![(Some(201), described(json_response::<T>(ctx, operation), "Created"))]
    }
}

/// `202 Accepted`: taken on, with its outcome elsewhere (a mail in the outbox).
pub struct Accepted<T>(pub T);

impl<T: Serialize> IntoResponse for Accepted<T> {
    fn into_response(self) -> axum::response::Response {
        (StatusCode::ACCEPTED, axum::Json(self.0)).into_response()
    }
}

impl<T: JsonSchema> OperationOutput for Accepted<T> {
    type Inner = T;

    fn operation_response(ctx: &mut GenContext, operation: &mut Operation) -> Option<Response> {
        Some(json_response::<T>(ctx, operation))
    }

    fn inferred_responses(ctx: &mut GenContext, operation: &mut Operation) -> Vec<(Option<u16>, Response)> {
        vec![(Some(202), described(json_response::<T>(ctx, operation), "Accepted"))]
    }
}

/// The answer to a request with an idempotency key: `201` the first time, `200` with the same
/// body when the request is sent again with the same key.
pub enum Replayable<T> {
    New(T),
    Replayed(T),
}

impl<T: Serialize> IntoResponse for Replayable<T> {
    fn into_response(self) -> axum::response::Response {
        match self {
            Replayable::New(t) => (StatusCode::CREATED, axum::Json(t)).into_response(),
            Replayable::Replayed(t) => (StatusCode::OK, axum::Json(t)).into_response(),
        }
    }
}

impl<T: JsonSchema> OperationOutput for Replayable<T> {
    type Inner = T;

    fn operation_response(ctx: &mut GenContext, operation: &mut Operation) -> Option<Response> {
        Some(json_response::<T>(ctx, operation))
    }

    fn inferred_responses(ctx: &mut GenContext, operation: &mut Operation) -> Vec<(Option<u16>, Response)> {
        let body = json_response::<T>(ctx, operation);
        vec![
            (Some(201), described(body.clone(), "Created")),
            (Some(200), described(body, "The first answer to this idempotency key, sent again")),
        ]
    }
}

/// A page of `T` with the number of matches over all pages in [`TOTAL_HEADER`].
pub struct Counted<T> {
    pub total: u64,
    pub items: T,
}

/// The header that says how many items match a query over all its pages.
pub const TOTAL_HEADER: &str = "x-total-count";

impl<T: Serialize> IntoResponse for Counted<T> {
    fn into_response(self) -> axum::response::Response {
        ([(TOTAL_HEADER, self.total.to_string())], axum::Json(self.items)).into_response()
    }
}

impl<T: JsonSchema> OperationOutput for Counted<T> {
    type Inner = T;

    fn operation_response(ctx: &mut GenContext, operation: &mut Operation) -> Option<Response> {
        let mut response = json_response::<T>(ctx, operation);
        let schema = ctx.schema.subschema_for::<u64>();
        response.headers.insert(
            "X-Total-Count".into(),
            ReferenceOr::Item(Header {
                description: Some("How many items match, over all pages".into()),
                style: Default::default(),
                required: true,
                deprecated: None,
                format: ParameterSchemaOrContent::Schema(SchemaObject {
                    json_schema: schema,
                    example: None,
                    external_docs: None,
                }),
                example: None,
                examples: IndexMap::default(),
                extensions: IndexMap::default(),
            }),
        );
        Some(response)
    }

    fn inferred_responses(ctx: &mut GenContext, operation: &mut Operation) -> Vec<(Option<u16>, Response)> {
        let response = Self::operation_response(ctx, operation).unwrap_or_default();
        vec![(Some(200), described(response, "OK"))]
    }
}

/// A spreadsheet to save: `text/csv` with the file name to save it under.
pub struct Csv {
    pub file: String,
    pub body: Vec<u8>,
}

impl IntoResponse for Csv {
    fn into_response(self) -> axum::response::Response {
        // Only the file name's safe characters reach the header.
        let file: String = self
            .file
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '.' { c } else { '_' })
            .collect();
        (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file}\"")),
            ],
            self.body,
        )
            .into_response()
    }
}

impl OperationOutput for Csv {
    type Inner = String;

    fn operation_response(ctx: &mut GenContext, _: &mut Operation) -> Option<Response> {
        Some(Response {
            description: "A CSV file".into(),
            content: IndexMap::from_iter([(
                "text/csv".into(),
                MediaType {
                    schema: Some(SchemaObject {
                        json_schema: ctx.schema.subschema_for::<String>(),
                        example: None,
                        external_docs: None,
                    }),
                    ..Default::default()
                },
            )]),
            ..Default::default()
        })
    }

    fn inferred_responses(ctx: &mut GenContext, operation: &mut Operation) -> Vec<(Option<u16>, Response)> {
        Self::operation_response(ctx, operation).map(|r| vec![(Some(200), r)]).unwrap_or_default()
    }
}

/// JSON of `T` already serialized, and compressed when the client accepts it: large answers
/// computed once per change and sent as they are.
pub struct Encoded<T> {
    pub body: axum::body::Bytes,
    /// `br` or `gzip`; none for plain JSON.
    pub coding: Option<&'static str>,
    pub of: PhantomData<T>,
}

impl<T> IntoResponse for Encoded<T> {
    fn into_response(self) -> axum::response::Response {
        let mut res = axum::response::Response::new(axum::body::Body::from(self.body));
        let h = res.headers_mut();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        if let Some(c) = self.coding {
            h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(c));
        }
        res
    }
}

impl<T: JsonSchema> OperationOutput for Encoded<T> {
    type Inner = T;

    fn operation_response(ctx: &mut GenContext, operation: &mut Operation) -> Option<Response> {
        Some(json_response::<T>(ctx, operation))
    }

    fn inferred_responses(ctx: &mut GenContext, operation: &mut Operation) -> Vec<(Option<u16>, Response)> {
        vec![(Some(200), described(json_response::<T>(ctx, operation), "OK"))]
    }
}

impl<T: Serialize + Send + 'static> Encoded<T> {
    /// `value` as JSON, gzip-compressed when `gzip`, serialized and compressed on a blocking
    /// thread: a large answer (a close lists every posting it made, tens of thousands) must not
    /// hold one of the few threads that answer every other request while it is written.
    pub async fn built_aside(value: T, gzip: bool) -> crate::error::ApiResult<Encoded<T>> {
        use crate::error::ApiError;
        tokio::task::spawn_blocking(move || {
            let json = serde_json::to_vec(&value).map_err(ApiError::internal)?;
            if !gzip {
                return Ok(Encoded { body: json.into(), coding: None, of: PhantomData });
            }
            let body = gzipped(&json, flate2::Compression::fast())?;
            Ok(Encoded { body: body.into(), coding: Some("gzip"), of: PhantomData })
        })
        .await
        .map_err(ApiError::internal)?
    }
}

/// `data` gzip-compressed at `level`.
pub fn gzipped(data: &[u8], level: flate2::Compression) -> crate::error::ApiResult<Vec<u8>> {
    use std::io::Write;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), level);
    gz.write_all(data).map_err(crate::error::ApiError::internal)?;
    gz.finish().map_err(crate::error::ApiError::internal)
}

/// Whether the request's `Accept-Encoding` takes `coding` (and not with `q=0`).
pub fn accepts(headers: &axum::http::HeaderMap, coding: &str) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|c| c.split(';').next().is_some_and(|name| name.trim() == coding) && !c.contains("q=0"))
}

/// A response with a description where the schema gave none (OpenAPI requires one).
fn described(mut response: Response, fallback: &str) -> Response {
    if response.description.is_empty() {
        response.description = fallback.into();
    }
    response
}
