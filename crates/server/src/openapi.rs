//! The API's OpenAPI document, generated from the code (aide, with JSON Schemas from schemars):
//! each handler's extractors say what it takes (body, query, path, headers) and what it needs
//! (a session; a designer's, which the document marks `x-mitra-role: designer`), its answer type
//! what it gives, and [`crate::routes::api`] names and describes each operation. Served at
//! `GET /api/openapi.json`; `mitra-server openapi` prints it.

use std::sync::Arc;

use aide::generate::GenContext;
use aide::openapi::{
    Info, MediaType, OpenApi, Operation, Parameter, ParameterData, ParameterSchemaOrContent, Response, SchemaObject,
    SecurityScheme,
};
use aide::operation::add_parameters;
use aide::{OperationInput, OperationOutput};
use axum::response::IntoResponse;
use axum::Extension;
use indexmap::IndexMap;

use crate::auth::{ClientAddr, CurrentUser, Designer, ForPartner};
use crate::error::ApiError;

/// The security scheme every signed-in operation names.
const BEARER: &str = "bearer";

/// The extension marking an operation only designers may call.
pub const ROLE_EXTENSION: &str = "x-mitra-role";

/// The document's opening: what the API is, and how it is signed in to.
fn base() -> OpenApi {
    OpenApi {
        info: Info {
            title: "Mitra API".into(),
            version: "1".into(),
            description: Some(
                "The Mitra partner incentive portal's JSON API. Amounts are exact decimals written as strings. \
                 Every error is `{\"error\": {\"code\", \"message\"[, \"details\"]}}`. Operations marked \
                 `x-mitra-role: designer` refuse partners; every operation with a partner id refuses other \
                 organisations' users."
                    .into(),
            ),
            ..Default::default()
        },
        ..Default::default()
    }
}

/// The router `api` builds, nested under `/api`, with the document generated from it served at
/// `/api/openapi.json`; and the document. (The generator's settings are per thread and reset
/// when a document is finished: they are set here, before the routes are described.)
pub fn finish<S: Clone + Send + Sync + 'static>(
    api: impl FnOnce() -> aide::axum::ApiRouter<S>,
) -> (axum::Router<S>, Arc<OpenApi>) {
    aide::generate::on_error(|e| tracing::warn!(error = %e, "OpenAPI generation"));
    let api = api();
    let mut doc = base();
    let router = aide::axum::ApiRouter::new().nest("/api", api).finish_api_with(&mut doc, |t| {
        t.security_scheme(
            BEARER,
            SecurityScheme::Http {
                scheme: "bearer".into(),
                bearer_format: None,
                description: Some("The token `POST /api/sessions` answers".into()),
                extensions: IndexMap::default(),
            },
        )
    });
    name_answers(&mut doc);
    let doc = Arc::new(doc);
    let router = router.route("/api/openapi.json", axum::routing::get(serve)).layer(Extension(doc.clone()));
    (router, doc)
}

/// OpenAPI requires every response to say what it is: an answer whose type has no description
/// of its own is named by its status ("OK").
fn name_answers(doc: &mut OpenApi) {
    let items = doc.paths.iter_mut().flat_map(|p| p.paths.values_mut()).filter_map(|item| item.as_item_mut());
    for item in items {
        let operations = [&mut item.get, &mut item.post, &mut item.put, &mut item.delete, &mut item.patch];
        for op in operations.into_iter().flatten() {
            for (status, response) in op.responses.iter_mut().flat_map(|r| r.responses.iter_mut()) {
                let (aide::openapi::StatusCode::Code(code), Some(response)) = (status, response.as_item_mut()) else {
                    continue;
                };
                if response.description.is_empty() {
                    let reason = axum::http::StatusCode::from_u16(*code).ok().and_then(|s| s.canonical_reason());
                    response.description = reason.unwrap_or("OK").into();
                }
            }
        }
    }
}

/// The document alone (for `mitra-server openapi` and the tests).
pub fn document() -> Arc<OpenApi> {
    finish::<crate::AppState>(crate::routes::api).1
}

async fn serve(Extension(doc): Extension<Arc<OpenApi>>) -> impl IntoResponse {
    axum::Json(doc)
}

/// The operation needs a session.
fn signed_in(operation: &mut Operation) {
    let requirement = IndexMap::from_iter([(BEARER.to_string(), Vec::new())]);
    if !operation.security.contains(&requirement) {
        operation.security.push(requirement);
    }
}

impl OperationInput for CurrentUser {
    fn operation_input(_: &mut GenContext, operation: &mut Operation) {
        signed_in(operation);
    }
}

impl OperationInput for Designer {
    fn operation_input(_: &mut GenContext, operation: &mut Operation) {
        signed_in(operation);
        operation.extensions.insert(ROLE_EXTENSION.into(), "designer".into());
    }
}

impl OperationInput for ForPartner {
    fn operation_input(ctx: &mut GenContext, operation: &mut Operation) {
        signed_in(operation);
        let schema = ctx.schema.subschema_for::<String>();
        let parameter_data = required_parameter("id", "The partner's id", schema);
        add_parameters(ctx, operation, [Parameter::Path { parameter_data, style: Default::default() }]);
    }
}

impl OperationInput for ClientAddr {}

/// A required parameter named `name` of the given schema.
pub fn required_parameter(name: &str, description: &str, schema: schemars::Schema) -> ParameterData {
    ParameterData {
        name: name.into(),
        description: Some(description.into()),
        required: true,
        format: ParameterSchemaOrContent::Schema(SchemaObject {
            json_schema: schema,
            example: None,
            external_docs: None,
        }),
        extensions: IndexMap::default(),
        deprecated: None,
        example: None,
        examples: IndexMap::default(),
        explode: None,
    }
}

/// Every error answer: `{"error": {"code", "message", "details"?}}` with a 4xx or 5xx status.
impl OperationOutput for ApiError {
    type Inner = mitra_api::ErrorBody;

    fn operation_response(ctx: &mut GenContext, _: &mut Operation) -> Option<Response> {
        let schema = ctx.schema.subschema_for::<mitra_api::ErrorBody>();
        Some(Response {
            description: "An error, with a stable code to act on".into(),
            content: IndexMap::from_iter([(
                "application/json".into(),
                MediaType {
                    schema: Some(SchemaObject { json_schema: schema, example: None, external_docs: None }),
                    ..Default::default()
                },
            )]),
            ..Default::default()
        })
    }

    fn inferred_responses(ctx: &mut GenContext, operation: &mut Operation) -> Vec<(Option<u16>, Response)> {
        Self::operation_response(ctx, operation).map(|r| vec![(None, r)]).unwrap_or_default()
    }
}
