//! Mitra's JSON backend: stores, authorizes and records; every figure comes from crates/scheme.
//!
//! - [`routes`]: the HTTP API (axum), thin handlers over typed extractors;
//! - [`auth`]: passwords, sessions, and who may see what;
//! - [`storage`]: SQLite, migrations, domain queries and the double-entry ledger, answering in
//!   the domain's terms ([`storage::StoreError`]: not found, refused and why, or a database
//!   failure), never in HTTP's; [`error`] maps those to statuses;
//! - [`openapi`]: the API's OpenAPI document, generated from the handlers;
//! - [`demo`]: the demo data.
//!
//! It also serves the built app (`dist/`), falling back to `index.html` for client-side routes,
//! so one process serves everything on one origin.

pub mod auth;
pub mod demo;
pub mod error;
pub mod headers;
pub mod input;
pub mod openapi;
pub mod routes;
pub mod storage;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use axum::http::{header, HeaderValue, Method};
use axum::Router;
use chrono::NaiveDate;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::services::{ServeDir, ServeFile};
use tower_http::trace::TraceLayer;

use error::{ApiError, ApiResult};
use mitra_scheme::{Population, Program};
use storage::{queries, Db};

/// Settings of a running server.
#[derive(Clone, Debug)]
pub struct Config {
    /// The date figures are computed as of; `None` means the server's current date.
    pub today: Option<NaiveDate>,
    /// The built app to serve, if any.
    pub dist: Option<PathBuf>,
    /// Origins allowed to call the API from a browser (the app hosted elsewhere).
    pub cors_origins: Vec<String>,
    pub session_ttl: chrono::Duration,
    /// Largest request body accepted, in bytes.
    pub body_limit: usize,
    /// Reverse proxies whose `X-Forwarded-For` is believed: behind them, the client's address
    /// is the right-most address of that header that is not itself a trusted proxy.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// How failed sign-ins and reset requests are limited.
    pub limits: Limits,
    /// Password hashes (argon2, about 19 MiB each) computed at once, server-wide.
    pub hash_concurrency: usize,
    /// Where the app is reached (`https://portal.example.com`), so invitation and reset links
    /// are whole links; without it they are relative to the app's origin.
    pub public_url: Option<String>,
}

/// Rate limits on sign-ins and password-reset requests (see the README, "Accounts").
#[derive(Clone, Debug)]
pub struct Limits {
    /// Failed sign-ins per account and client address within `pair_window` before that pair is
    /// refused until the window has passed.
    pub pair_failures: i64,
    pub pair_window: chrono::Duration,
    /// Failed sign-ins per account within `account_window`, from any address, after which every
    /// further attempt is slowed down by `slowdown` (the account is never locked).
    pub account_failures: i64,
    pub account_window: chrono::Duration,
    pub slowdown: std::time::Duration,
    /// Reset mails per email, and reset requests per client address, within `reset_window`.
    pub resets_per_email: i64,
    pub resets_per_address: i64,
    pub reset_window: chrono::Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            pair_failures: 5,
            pair_window: chrono::Duration::minutes(15),
            account_failures: 50,
            account_window: chrono::Duration::hours(1),
            slowdown: std::time::Duration::from_secs(3),
            resets_per_email: 3,
            resets_per_address: 10,
            reset_window: chrono::Duration::hours(1),
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            today: None,
            dist: None,
            cors_origins: Vec::new(),
            session_ttl: chrono::Duration::hours(12),
            body_limit: 2 * 1024 * 1024,
            trusted_proxies: Vec::new(),
            limits: Limits::default(),
            hash_concurrency: 4,
            public_url: None,
        }
    }
}

/// Who waits for an evaluation: a request (it runs at once, like any read), or nobody (a
/// refresh of the cache while the last run is served: it runs in the background, below the
/// requests' priority).
#[derive(Clone, Copy)]
enum Waiting {
    Request,
    Nobody,
}

/// A program evaluated over all its partners, as of a date.
pub struct Run {
    /// The date the run is as of: today in the program's time zone.
    pub today: NaiveDate,
    pub program: Program,
    pub version: i64,
    pub population: Population,
}

struct Cached {
    generation: u64,
    run: Arc<Run>,
}

/// A program's cached run, and the lock that makes its evaluation single-flight: while one
/// request evaluates the program, the others wait for its result instead of evaluating it too.
#[derive(Default)]
struct RunSlot {
    evaluating: tokio::sync::Mutex<()>,
    last: Mutex<Option<Cached>>,
    /// A refresh runs in the background (see [`AppState::run_to_serve`]).
    refreshing: std::sync::atomic::AtomicBool,
}

/// What changed in a program's data, as generations (each change takes the next number). A run
/// evaluated at generation `g` is current when nothing changed after `g`; when only partners'
/// facts changed after it, it still serves (see [`AppState::run_to_serve`]).
#[derive(Default)]
struct Changes {
    /// The latest change of any kind.
    now: u64,
    /// The latest change of the definition or of the partner set.
    shape: u64,
}

/// A program's preview data (`GET /api/programs/{id}/data`), encoded once per change: the JSON
/// and its gzip and brotli copies, so the answer of a million facts is built and compressed
/// once, not on every request.
pub struct EncodedData {
    pub json: axum::body::Bytes,
    pub gzip: axum::body::Bytes,
    pub br: axum::body::Bytes,
}

fn encode_data(data: &mitra_api::ProgramData) -> ApiResult<EncodedData> {
    let json = serde_json::to_vec(data).map_err(ApiError::internal)?;
    let gzip = routes::answer::gzipped(&json, flate2::Compression::new(6))?;
    let mut br = Vec::new();
    // Quality 5: a few times faster than the highest, a few percent larger.
    let params = brotli::enc::BrotliEncoderParams { quality: 5, lgwin: 22, ..Default::default() };
    brotli::BrotliCompress(&mut &json[..], &mut br, &params).map_err(ApiError::internal)?;
    Ok(EncodedData { json: json.into(), gzip: gzip.into(), br: br.into() })
}

pub(crate) fn today_in(pinned: Option<NaiveDate>, time_zone: &str) -> NaiveDate {
    pinned.unwrap_or_else(|| date_in(chrono::Utc::now(), time_zone))
}

/// The calendar date of an instant in an IANA time zone (UTC when the zone is unknown).
fn date_in(instant: chrono::DateTime<chrono::Utc>, time_zone: &str) -> NaiveDate {
    match time_zone.parse::<chrono_tz::Tz>() {
        Ok(tz) => instant.with_timezone(&tz).date_naive(),
        Err(_) => instant.date_naive(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn today_is_the_date_where_the_program_runs() {
        // 18:00 UTC on 31 December is already 1 January in Jakarta (UTC+7), not yet in Lima.
        let instant = "2026-12-31T18:00:00Z".parse().unwrap();
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(date_in(instant, "Asia/Jakarta"), day(2027, 1, 1));
        assert_eq!(date_in(instant, "America/Lima"), day(2026, 12, 31));
        assert_eq!(date_in(instant, "Not/AZone"), day(2026, 12, 31));
        assert_eq!(today_in(Some(day(2026, 11, 15)), "Asia/Jakarta"), day(2026, 11, 15));
    }
}

/// A program's encoded data with the generation of [`AppState::changes`] it was made at.
type Encodings = (u64, Arc<EncodedData>);

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    /// Per program, bumped by every write that changes what it computes (its definition, its
    /// partners, their facts), so its cached run and data are redone and no other program's.
    changes: Arc<Mutex<HashMap<String, Changes>>>,
    runs: Arc<Mutex<HashMap<String, Arc<RunSlot>>>>,
    /// Per program, its data encoded for the designer and the generation it was made at.
    data: Arc<Mutex<HashMap<String, Encodings>>>,
    /// Whole-population evaluations made since start (what the tests and figures read).
    pub evaluations: Arc<AtomicU64>,
    /// Bounds the password hashes computed at once (each takes ~19 MiB for ~50 ms).
    pub hashing: Arc<tokio::sync::Semaphore>,
    /// Password hashes computed or verified since start (what the tests and figures read).
    pub hashes: Arc<AtomicU64>,
}

impl AppState {
    /// Read queries for a request: [`storage::Db::read`] with the request's error type.
    pub async fn read<T, F>(&self, f: F) -> ApiResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&rusqlite::Connection) -> ApiResult<T> + Send + 'static,
    {
        self.db.read(f).await
    }

    /// One write transaction for a request: [`storage::Db::write`] with the request's error
    /// type (a refusal anywhere in `f` rolls the whole transaction back).
    pub async fn write<T, F>(&self, f: F) -> ApiResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&rusqlite::Transaction) -> ApiResult<T> + Send + 'static,
    {
        self.db.write(f).await
    }

    /// A link into the app (`/set-password?token=…`), whole when the public URL is known.
    pub fn app_link(&self, path_and_query: &str) -> String {
        let base = self.config.public_url.as_deref().unwrap_or("").trim_end_matches('/');
        format!("{base}{path_and_query}")
    }

    pub fn new(db: Db, config: Config) -> Self {
        let hashing = Arc::new(tokio::sync::Semaphore::new(config.hash_concurrency.max(1)));
        AppState {
            db,
            config: Arc::new(config),
            changes: Arc::default(),
            runs: Arc::default(),
            data: Arc::default(),
            evaluations: Arc::default(),
            hashing,
            hashes: Arc::default(),
        }
    }

    pub fn today(&self) -> NaiveDate {
        self.config.today.unwrap_or_else(|| chrono::Utc::now().date_naive())
    }

    /// Today where the program runs: the calendar date in its IANA `time_zone` (UTC when the
    /// zone is unknown), or the pinned `MITRA_TODAY`. Periods end at midnight there, not at the
    /// server's midnight.
    pub fn today_in(&self, time_zone: &str) -> NaiveDate {
        today_in(self.config.today, time_zone)
    }

    fn generation(&self, program: &str) -> u64 {
        self.changes.lock().map(|c| c.get(program).map_or(0, |c| c.now)).unwrap_or(u64::MAX)
    }

    /// Record a change of `program`'s data: `what` marks what changed at the new generation.
    fn change(&self, program: &str, what: impl FnOnce(&mut Changes, u64)) {
        if let Ok(mut all) = self.changes.lock() {
            let c = all.entry(program.to_string()).or_default();
            c.now += 1;
            let now = c.now;
            what(c, now);
        }
    }

    /// Whether a run evaluated at generation `g` still serves requests: only facts changed since.
    fn serves(&self, program: &str, g: u64) -> bool {
        let Ok(all) = self.changes.lock() else { return false };
        all.get(program).is_none_or(|c| g >= c.shape)
    }

    /// A program's definition or partner set changed: its cached run and data are stale.
    pub fn invalidate_program(&self, program: &str) {
        self.change(program, |c, now| c.shape = now);
    }

    /// A partner's facts changed: every program the partner takes part in is evaluated again
    /// (in the background: see [`AppState::run_to_serve`]).
    pub async fn invalidate_partner(&self, partner: &str) -> ApiResult<()> {
        self.invalidate_partners(std::iter::once(partner.to_string()).collect()).await
    }

    /// [`AppState::invalidate_partner`] for each of `partners` (an import's).
    pub async fn invalidate_partners(&self, partners: std::collections::BTreeSet<String>) -> ApiResult<()> {
        let pairs: Vec<(String, String)> = self
            .read(move |c| {
                let mut out = Vec::new();
                for p in partners {
                    out.extend(queries::programs_of(c, &p)?.into_iter().map(|program| (program, p.clone())));
                }
                Ok(out)
            })
            .await?;
        for (program, _) in pairs {
            self.change(&program, |_, _| {});
        }
        Ok(())
    }

    /// A program's partners and facts in compact columns, encoded and compressed once per change.
    pub async fn program_data(&self, program: &str) -> ApiResult<Arc<EncodedData>> {
        let generation = self.generation(program);
        if let Some((g, data)) = self.data.lock().map_err(ApiError::internal)?.get(program) {
            if *g == generation {
                return Ok(data.clone());
            }
        }
        let id = program.to_string();
        let encoded = self
            .read(move |c| {
                queries::program(c, &id)?.ok_or_else(|| ApiError::not_found("the program"))?;
                let partners = queries::program_partners(c, &id)?;
                let facts = queries::program_fact_list(c, &id)?;
                let columns = mitra_api::FactColumns::encode(&partners, &facts);
                encode_data(&mitra_api::ProgramData { partners, facts: columns }).map(Arc::new)
            })
            .await?;
        self.data.lock().map_err(ApiError::internal)?.insert(program.to_string(), (generation, encoded.clone()));
        Ok(encoded)
    }

    fn slot(&self, program: &str) -> ApiResult<Arc<RunSlot>> {
        Ok(self.runs.lock().map_err(ApiError::internal)?.entry(program.to_string()).or_default().clone())
    }

    /// The slot's run if it is of today and `ok` with the generation it was evaluated at.
    fn cached(&self, slot: &RunSlot, ok: impl Fn(u64) -> bool) -> ApiResult<Option<Arc<Run>>> {
        let last = slot.last.lock().map_err(ApiError::internal)?;
        Ok(last
            .as_ref()
            .filter(|c| ok(c.generation) && c.run.today == self.today_in(&c.run.program.time_zone))
            .map(|c| c.run.clone()))
    }

    /// The program evaluated over its whole population as of today, with every change made
    /// before the call: computed once per change, by one request at a time (the others wait
    /// for its result, and take it when it began after they arrived).
    pub async fn population(&self, program: &str) -> ApiResult<Arc<Run>> {
        self.population_for(program, Waiting::Request).await
    }

    async fn population_for(&self, program: &str, waiting: Waiting) -> ApiResult<Arc<Run>> {
        let slot = self.slot(program)?;
        let wanted = self.generation(program);
        if let Some(run) = self.cached(&slot, |g| g >= wanted)? {
            return Ok(run);
        }
        let _one_at_a_time = slot.evaluating.lock().await;
        if let Some(run) = self.cached(&slot, |g| g >= wanted)? {
            return Ok(run);
        }
        // Read before evaluating: a change meanwhile leaves this run behind it.
        let generation = self.generation(program);
        let run = self.evaluate(program, waiting).await?;
        *slot.last.lock().map_err(ApiError::internal)? = Some(Cached { generation, run: run.clone() });
        Ok(run)
    }

    /// The program's run to serve requests from: the current one, or, when only partners' facts
    /// changed since the last, that last one at once while a new one is evaluated in the
    /// background (one at a time).
    ///
    /// Why that is exact enough: a statement, a dashboard or a redemption computes the partner's
    /// own figures and tier from the partner's own facts, read fresh; from the run it takes the
    /// definition and the context (ranks and budget scales, which depend on other partners),
    /// with the partner's own entries taken out of the rank boards
    /// (`Population::context_for`), so their current measure is ranked against the others as
    /// the run evaluated them. The others' measures and the budget totals may lag one
    /// evaluation (seconds) behind a claim approved or sales imported, anyone's own included.
    /// A new version or a change of the partner set always waits for the new run; closing
    /// never uses a cached run.
    pub async fn run_to_serve(&self, program: &str) -> ApiResult<Arc<Run>> {
        let slot = self.slot(program)?;
        let wanted = self.generation(program);
        if let Some(run) = self.cached(&slot, |g| g >= wanted)? {
            return Ok(run);
        }
        if let Some(run) = self.cached(&slot, |g| self.serves(program, g))? {
            if !slot.refreshing.swap(true, Ordering::SeqCst) {
                let (state, id, slot) = (self.clone(), program.to_string(), slot.clone());
                tokio::spawn(async move {
                    let _ = state.population_for(&id, Waiting::Nobody).await;
                    slot.refreshing.store(false, Ordering::SeqCst);
                });
            }
            return Ok(run);
        }
        self.population(program).await
    }

    async fn evaluate(&self, program: &str, waiting: Waiting) -> ApiResult<Arc<Run>> {
        let id = program.to_string();
        let pinned = self.config.today;
        self.evaluations.fetch_add(1, Ordering::Relaxed);
        let evaluate = move |conn: &rusqlite::Connection| {
            let (version, program) = queries::program(conn, &id)?.ok_or_else(|| ApiError::not_found("the program"))?;
            let partners = queries::program_partners(conn, &id)?;
            let facts = queries::program_facts(conn, &id)?;
            let today = today_in(pinned, &program.time_zone);
            let population = mitra_scheme::population(&program, &partners, &facts, today);
            Ok(Arc::new(Run { today, program, version, population }))
        };
        match waiting {
            Waiting::Request => self.read(evaluate).await,
            Waiting::Nobody => self.db.read_in_background(evaluate).await,
        }
    }
}

/// A request for a file (its last segment has an extension) that `dist` does not have: answered
/// 404, where any other unknown path gets the app (client-side routes).
fn missing_file(dist: &std::path::Path, path: &str) -> bool {
    let last = path.rsplit('/').next().unwrap_or_default();
    if !last.contains('.') {
        return false;
    }
    let relative = path.trim_start_matches('/');
    relative.split('/').any(|seg| seg == "..") || !dist.join(relative).is_file()
}

/// The whole application: the API under `/api`, and the app for every other path. Every
/// response carries the headers of [`headers::secure`]; every API error is JSON.
pub fn app(state: AppState) -> Router {
    // API answers are compressed when the client accepts it (statements and dashboards are JSON
    // of tens of kilobytes); the app's files are sent precompressed (below).
    let (router, _) = openapi::finish(|| {
        routes::api()
            .layer(axum::middleware::map_response(headers::json_errors))
            .layer(tower_http::compression::CompressionLayer::new())
    });
    let mut router = router.layer(axum::extract::DefaultBodyLimit::max(state.config.body_limit));
    if !state.config.cors_origins.is_empty() {
        let origins: Vec<HeaderValue> = state.config.cors_origins.iter().filter_map(|o| o.parse().ok()).collect();
        router = router.layer(
            CorsLayer::new()
                .allow_origin(AllowOrigin::list(origins))
                .allow_methods([Method::GET, Method::POST, Method::PUT, Method::PATCH, Method::DELETE])
                .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE, "idempotency-key".parse().unwrap()])
                .expose_headers([header::HeaderName::from_static(routes::TOTAL_HEADER)]),
        );
    }
    if let Some(dist) = &state.config.dist {
        let index = dist.join("index.html");
        // The build writes .br and .gz copies beside each file (scripts/compress.mjs): sent as
        // they are to clients that accept them, the index.html fallback included. A path that
        // looks like a file (it has an extension) and is missing answers 404, not the app.
        let serve = |index: std::path::PathBuf| {
            ServeDir::new(dist)
                .precompressed_br()
                .precompressed_gzip()
                .fallback(ServeFile::new(index).precompressed_br().precompressed_gzip())
        };
        // The designer is an app of its own under /designer/ (dist/designer): its client-side
        // routes fall back to its page, every other path to the portal's.
        let (portal, designer) = (serve(index), serve(dist.join("designer").join("index.html")));
        let root = dist.clone();
        router = router.fallback_service(tower::service_fn(move |req: axum::extract::Request| {
            let path = req.uri().path();
            let mut files =
                if path == "/designer" || path.starts_with("/designer/") { designer.clone() } else { portal.clone() };
            let missing = missing_file(&root, path);
            async move {
                if missing {
                    return Ok::<_, std::convert::Infallible>(axum::response::IntoResponse::into_response(
                        ApiError::not_found("this file"),
                    ));
                }
                let res = tower::Service::call(&mut files, req).await?;
                Ok(axum::response::IntoResponse::into_response(res))
            }
        }));
    }
    let policy: Arc<str> = headers::policy_for(state.config.dist.as_deref(), &[]).into();
    router
        .layer(axum::middleware::from_fn(move |req: axum::extract::Request, next: axum::middleware::Next| {
            let policy = policy.clone();
            async move {
                let path = req.uri().path().to_string();
                let mut res = next.run(req).await;
                headers::secure(&path, &policy, &mut res);
                res
            }
        }))
        // Every request gets an id (the client's own `X-Request-Id`, or a new UUID), answered in
        // the response's `X-Request-Id` and carried by every log line of the request: its
        // method, path, status and latency when it finishes, and any error's cause.
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &axum::extract::Request| {
                    let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or_default();
                    tracing::info_span!("request", id = %id, method = %req.method(), path = %req.uri().path())
                })
                .on_request(())
                .on_response(
                    tower_http::trace::DefaultOnResponse::new()
                        .level(tracing::Level::INFO)
                        .latency_unit(tower_http::LatencyUnit::Micros),
                )
                .on_failure(tower_http::trace::DefaultOnFailure::new().level(tracing::Level::ERROR)),
        )
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}
