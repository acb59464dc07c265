//! The API client: every request the app makes to the backend, with the session token, and
//! errors turned into messages the page can show. The request and response types are
//! `mitra-api`'s, the same the server answers with.

use gloo_net::http::{Request, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use serde::Deserialize;

pub use mitra_api::{
    Board, BoardRow, CatalogItem, Claim, ClaimLine, ClaimRequest, ClaimStatus, Dashboard, Goal, Ledger, LineRequest,
    Me, Posting, PostingKind, Product, ProgramName, Redemption, RedemptionRequest, RedemptionStatus, Role, Session,
    StatementLine, StatementPage, StatementQuery, User,
};
use mitra_api::{ErrorBody, SetPassword, SignIn};

/// What went wrong talking to the API.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct ApiError {
    pub code: String,
    /// The server's own words, for logs; pages word errors by `code` ([`crate::locale::error_text`]).
    pub message: String,
    /// What the page needs to word it (a field, a limit).
    #[serde(default)]
    pub details: Option<serde_json::Value>,
}

impl ApiError {
    /// An error the app itself raises.
    pub fn local(code: &str, message: impl Into<String>) -> Self {
        ApiError { code: code.into(), message: message.into(), details: None }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ApiError {}

/// The API's base URL: the `mitra-api-base` meta tag of index.html when set (so a static host
/// can point the built app at any backend), else `MITRA_API_BASE` at build time, else the
/// app's own origin.
pub fn base_url() -> String {
    let from_meta = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector("meta[name='mitra-api-base']").ok().flatten())
        .and_then(|m| m.get_attribute("content"))
        .filter(|c| !c.trim().is_empty());
    from_meta
        .or_else(|| option_env!("MITRA_API_BASE").map(String::from))
        .unwrap_or_default()
        .trim_end_matches('/')
        .to_string()
}

pub fn url(path: &str) -> String {
    format!("{}/api{}", base_url(), path)
}

pub fn unreachable(e: impl std::fmt::Display) -> ApiError {
    let base = base_url();
    let at = if base.is_empty() { "this site".to_string() } else { base };
    ApiError::local("unreachable", format!("The Mitra server at {at} cannot be reached ({e})."))
}

pub async fn decode<T: DeserializeOwned>(resp: Response) -> Result<T, ApiError> {
    if resp.ok() {
        return resp.json::<T>().await.map_err(|e| {
            ApiError::local("bad_response", format!("The server sent an answer the app cannot read: {e}"))
        });
    }
    let status = resp.status();
    match resp.json::<ErrorBody>().await {
        Ok(ErrorBody { error }) => Err(ApiError { code: error.code, message: error.message, details: error.details }),
        Err(_) => Err(ApiError::local(&format!("http_{status}"), format!("The server answered with status {status}."))),
    }
}

pub fn authorized(req: RequestBuilder, token: &str) -> RequestBuilder {
    req.header("Authorization", &format!("Bearer {token}"))
}

pub async fn get<T: DeserializeOwned>(path: &str, token: &str) -> Result<T, ApiError> {
    let resp = authorized(Request::get(&url(path)), token).send().await.map_err(unreachable)?;
    decode(resp).await
}

pub async fn sign_in(email: &str, password: &str) -> Result<Session, ApiError> {
    let body = SignIn { email: email.into(), password: password.into() };
    let req = Request::post(&url("/sessions")).json(&body).map_err(unreachable)?;
    decode(req.send().await.map_err(unreachable)?).await
}

pub async fn sign_out(token: &str) -> Result<(), ApiError> {
    done(authorized(Request::delete(&url("/sessions")), token)).await
}

/// Send a request whose success has no body: `Ok(())`, or the API's error.
pub async fn done(req: RequestBuilder) -> Result<(), ApiError> {
    let resp = req.send().await.map_err(unreachable)?;
    if resp.ok() {
        Ok(())
    } else {
        decode::<serde_json::Value>(resp).await.map(|_| ())
    }
}

/// Set a password with the one-time token of an invitation or reset link.
pub async fn set_password(token: &str, password: &str) -> Result<(), ApiError> {
    let body = SetPassword { token: token.into(), password: password.into() };
    let req = Request::post(&url("/password")).json(&body).map_err(unreachable)?;
    let resp = req.send().await.map_err(unreachable)?;
    if resp.ok() {
        Ok(())
    } else {
        decode::<serde_json::Value>(resp).await.map(|_| ())
    }
}

pub async fn me(token: &str) -> Result<Me, ApiError> {
    get("/me", token).await
}

/// The header the service worker (`public/sw.js`) adds to an answer it serves from its cache.
const OFFLINE_HEADER: &str = "X-Mitra-Offline-As-Of";

pub async fn dashboard(token: &str, partner: &str, program: &str) -> Result<Dashboard, ApiError> {
    let path = format!("/partners/{partner}/dashboard?program={program}");
    let resp = authorized(Request::get(&url(&path)), token).send().await.map_err(unreachable)?;
    let offline_as_of = resp.headers().get(OFFLINE_HEADER);
    let mut bundle: Dashboard = decode(resp).await?;
    bundle.offline_as_of = offline_as_of;
    Ok(bundle)
}

/// Registers the service worker that keeps the app and the last figures available offline.
pub fn register_service_worker() {
    if let Some(w) = web_sys::window() {
        let container = w.navigator().service_worker();
        if !container.is_undefined() {
            let _ = container.register("/sw.js");
        }
    }
}

/// Tells the service worker the user signed out, so it forgets the figures it kept.
pub fn forget_offline_copies() {
    if let Some(w) = web_sys::window() {
        let container = w.navigator().service_worker();
        if let Some(worker) = container.controller() {
            let _ = worker.post_message(&wasm_bindgen::JsValue::from_str("signed-out"));
        }
    }
}

pub async fn leaderboards(token: &str, program: &str) -> Result<Vec<Board>, ApiError> {
    get(&format!("/programs/{program}/leaderboards"), token).await
}

/// A catalog search: words, filters, order and how many items to show.
#[derive(Clone, Debug, PartialEq)]
pub struct CatalogRequest {
    pub program: String,
    pub q: String,
    pub category: String,
    pub max_price: Option<i64>,
    /// `price`, `-price` or `name`.
    pub sort: &'static str,
    pub limit: u32,
}

/// The header with the number of catalog items matching over all pages.
const TOTAL_HEADER: &str = "X-Total-Count";

/// The first `limit` items matching a catalog search, and how many match in all.
pub async fn catalog_page(token: &str, r: &CatalogRequest) -> Result<(Vec<CatalogItem>, u64), ApiError> {
    let mut params = vec![("program", r.program.clone()), ("sort", r.sort.to_string()), ("limit", r.limit.to_string())];
    if !r.q.trim().is_empty() {
        params.push(("q", r.q.trim().to_string()));
    }
    if !r.category.is_empty() {
        params.push(("category", r.category.clone()));
    }
    params.extend(r.max_price.map(|m| ("max_price", m.to_string())));
    let req = authorized(Request::get(&url("/catalog")), token).query(params.iter().map(|(k, v)| (*k, v.as_str())));
    let resp = req.send().await.map_err(unreachable)?;
    let total = resp.headers().get(TOTAL_HEADER).and_then(|t| t.parse().ok());
    let items: Vec<CatalogItem> = decode(resp).await?;
    let total = total.unwrap_or(items.len() as u64);
    Ok((items, total))
}

/// One item of the program's catalog, if it has it.
pub async fn catalog_item(token: &str, program: &str, item: &str) -> Result<Option<CatalogItem>, ApiError> {
    let req = authorized(Request::get(&url("/catalog")), token).query([("program", program), ("id", item)]);
    let items: Vec<CatalogItem> = decode(req.send().await.map_err(unreachable)?).await?;
    Ok(items.into_iter().next())
}

/// Every category of the program's catalog.
pub async fn catalog_categories(token: &str, program: &str) -> Result<Vec<String>, ApiError> {
    let req = authorized(Request::get(&url("/catalog/categories")), token).query([("program", program)]);
    decode(req.send().await.map_err(unreachable)?).await
}

/// A new idempotency key: one per confirmed redemption, reused when that confirmation is sent
/// again, so a retry or a double click never redeems twice.
pub fn idempotency_key() -> String {
    web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| c.random_uuid())
        .unwrap_or_else(|| format!("{:x}{:x}", js_sys::Date::now() as u64, (js_sys::Math::random() * 1e16) as u64))
}

/// Redeem `quantity` of `item`, under `key` (see [`idempotency_key`]).
pub async fn redeem(
    token: &str,
    partner: &str,
    program: &str,
    item: &str,
    quantity: i64,
    key: &str,
) -> Result<Redemption, ApiError> {
    let body = RedemptionRequest { program: program.into(), lines: vec![LineRequest { item: item.into(), quantity }] };
    let req = authorized(Request::post(&url(&format!("/partners/{partner}/redemptions"))), token)
        .header("Idempotency-Key", key)
        .json(&body)
        .map_err(unreachable)?;
    decode(req.send().await.map_err(unreachable)?).await
}

/// The partner's redemptions in a program, newest first.
pub async fn redemptions(token: &str, partner: &str, program: &str) -> Result<Vec<Redemption>, ApiError> {
    get(&format!("/partners/{partner}/redemptions?program={program}"), token).await
}

/// Cancel a redemption (the server says per redemption whether the partner may).
pub async fn cancel_redemption(token: &str, partner: &str, id: i64) -> Result<Redemption, ApiError> {
    let req = authorized(Request::post(&url(&format!("/partners/{partner}/redemptions/{id}/cancel"))), token);
    decode(req.send().await.map_err(unreachable)?).await
}

/// An instrument as the API names it.
pub fn instrument_code(i: mitra_scheme::model::Instrument) -> &'static str {
    use mitra_scheme::model::Instrument;
    match i {
        Instrument::Points => "points",
        Instrument::Cash => "cash",
        Instrument::Fund => "fund",
    }
}

/// The query string of a statement request, in the order the server documents.
fn statement_params(q: &StatementQuery) -> Vec<(&'static str, String)> {
    let mut params = vec![("program", q.program.clone())];
    params.extend(q.instrument.map(|i| ("instrument", instrument_code(i).to_string())));
    params.extend(q.scheme.clone().map(|s| ("scheme", s)));
    params.extend(q.period.clone().map(|p| ("period", p)));
    params.extend(q.page.map(|p| ("page", p.to_string())));
    params.extend(q.per_page.map(|p| ("per_page", p.to_string())));
    params
}

/// One page of the partner's statement.
pub async fn postings(token: &str, partner: &str, q: &StatementQuery) -> Result<StatementPage, ApiError> {
    let params = statement_params(q);
    let req = authorized(Request::get(&url(&format!("/partners/{partner}/postings"))), token)
        .query(params.iter().map(|(k, v)| (*k, v.as_str())));
    decode(req.send().await.map_err(unreachable)?).await
}

/// Downloads the statement as CSV: fetched with the session (a plain link would carry none)
/// and handed to the browser as a file.
pub async fn download_statement(token: &str, partner: &str, q: &StatementQuery) -> Result<(), ApiError> {
    let mut q = q.clone();
    (q.page, q.per_page) = (None, None);
    let params = statement_params(&q);
    let req = authorized(Request::get(&url(&format!("/partners/{partner}/postings.csv"))), token)
        .query(params.iter().map(|(k, v)| (*k, v.as_str())));
    let resp = req.send().await.map_err(unreachable)?;
    if !resp.ok() {
        return decode::<serde_json::Value>(resp).await.map(|_| ());
    }
    let bytes = resp.binary().await.map_err(unreachable)?;
    save_file(&format!("statement-{}.csv", q.program), "text/csv", &bytes)
        .map_err(|e| ApiError::local("download_failed", format!("the file could not be saved: {e:?}")))
}

/// Hands `bytes` to the browser as a download named `name`.
pub fn save_file(name: &str, mime: &str, bytes: &[u8]) -> Result<(), wasm_bindgen::JsValue> {
    use wasm_bindgen::JsCast;
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)?;
    let href = web_sys::Url::create_object_url_with_blob(&blob)?;
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let link: web_sys::HtmlAnchorElement = document.create_element("a")?.unchecked_into();
    link.set_href(&href);
    link.set_download(name);
    link.click();
    // The browser reads the file after this turn of the event loop: let the URL go only then.
    let revoke = wasm_bindgen::closure::Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&href);
    });
    web_sys::window()
        .ok_or("no window")?
        .set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), 1_000)?;
    Ok(())
}

/// The partner's claims in a program, newest first.
pub async fn claims(token: &str, partner: &str, program: &str) -> Result<Vec<Claim>, ApiError> {
    get(&format!("/partners/{partner}/claims?program={program}"), token).await
}

/// The program's product list, which claim lines pick from.
pub async fn products(token: &str, program: &str) -> Result<Vec<Product>, ApiError> {
    get(&format!("/programs/{program}/products"), token).await
}

/// Submit a claim; it waits, pending, for a designer.
pub async fn submit_claim(token: &str, partner: &str, claim: &ClaimRequest) -> Result<Claim, ApiError> {
    let req = authorized(Request::post(&url(&format!("/partners/{partner}/claims"))), token)
        .json(claim)
        .map_err(unreachable)?;
    decode(req.send().await.map_err(unreachable)?).await
}

/// The reward the user saves up for in a program, if any.
pub async fn goal(token: &str, program: &str) -> Result<Option<Goal>, ApiError> {
    get(&format!("/me/goal?program={program}"), token).await
}

/// Save up for `item` (replacing any earlier goal in the program).
pub async fn set_goal(token: &str, program: &str, item: &str) -> Result<Goal, ApiError> {
    let body = mitra_api::SetGoal { program: program.into(), item: item.into() };
    let req = authorized(Request::put(&url("/me/goal")), token).json(&body).map_err(unreachable)?;
    decode(req.send().await.map_err(unreachable)?).await
}

/// No goal in the program any more.
pub async fn clear_goal(token: &str, program: &str) -> Result<(), ApiError> {
    done(authorized(Request::delete(&url(&format!("/me/goal?program={program}"))), token)).await
}
