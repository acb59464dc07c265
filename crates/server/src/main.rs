//! The `mitra-server` command: open (and migrate) the database, optionally seed the demo data,
//! and serve the API and the built app; or `backup FILE` (a consistent copy of the database,
//! taken while a server runs) and `restore FILE` (the server stopped).

use std::net::SocketAddr;
use std::path::PathBuf;

use chrono::NaiveDate;
use clap::Parser;

use mitra_server::storage::Db;
use mitra_server::{app, demo, AppState, Config};

#[derive(Parser, Debug)]
#[command(name = "mitra-server", about = "Mitra's JSON backend and app server")]
struct Args {
    /// SQLite database file (created and migrated if absent).
    #[arg(long, env = "MITRA_DB", default_value = "mitra.db")]
    db: PathBuf,
    /// Address to listen on.
    #[arg(long, env = "MITRA_ADDR", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Directory of the built apps to serve (dist/, from scripts/build.sh).
    #[arg(long, env = "MITRA_DIST")]
    dist: Option<PathBuf>,
    /// The date figures are computed as of (YYYY-MM-DD); defaults to the current date.
    #[arg(long, env = "MITRA_TODAY")]
    today: Option<NaiveDate>,
    /// Seed the demo data when the database has no program yet.
    #[arg(long, env = "MITRA_DEMO")]
    demo: bool,
    /// Origins allowed to call the API from another site (comma separated).
    #[arg(long, env = "MITRA_CORS_ORIGINS", value_delimiter = ',')]
    cors_origins: Vec<String>,
    /// Addresses of reverse proxies in front of the server (comma separated): behind them, the
    /// client's address for rate limits comes from `X-Forwarded-For`.
    #[arg(long, env = "MITRA_TRUSTED_PROXIES", value_delimiter = ',')]
    trusted_proxies: Vec<std::net::IpAddr>,
    /// Where people reach the app (e.g. https://portal.example.com): invitation and reset links
    /// are made whole with it.
    #[arg(long, env = "MITRA_PUBLIC_URL")]
    public_url: Option<String>,
    /// How the request log is written: `text` (one line a request) or `json` (one object a
    /// line, for log collectors). Which lines: `MITRA_LOG` (e.g. `info`, `debug`).
    #[arg(long, env = "MITRA_LOG_FORMAT", default_value = "text")]
    log_format: LogFormat,
    /// How long a session lasts, in minutes.
    #[arg(long, env = "MITRA_SESSION_MINUTES", default_value_t = 12 * 60)]
    session_minutes: i64,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
enum LogFormat {
    Text,
    Json,
}

/// The log: every request's line (method, path, status, latency, id) and every error's cause.
fn init_logs(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("MITRA_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // On standard error: standard output is the command's own (where it runs, what it did).
    let logs = tracing_subscriber::fmt().with_env_filter(filter).with_target(false).with_writer(std::io::stderr);
    match format {
        LogFormat::Json => logs.json().with_current_span(true).with_span_list(false).init(),
        LogFormat::Text => logs.compact().init(),
    }
}

#[derive(clap::Subcommand, Debug)]
enum Command {
    /// Write a consistent copy of the database to FILE (a new file), even while a server runs.
    Backup { file: PathBuf },
    /// Replace the database with the backup FILE. Stop the server first.
    Restore { file: PathBuf },
    /// Print the API's OpenAPI document (what `GET /api/openapi.json` serves).
    Openapi,
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    if let Err(e) = run(args).await {
        eprintln!("mitra-server: {e}");
        std::process::exit(1);
    }
}

async fn run(args: Args) -> Result<(), String> {
    init_logs(args.log_format);
    match &args.command {
        Some(Command::Restore { file }) => {
            mitra_server::storage::restore(file, &args.db)?;
            println!("Restored {} into {}", file.display(), args.db.display());
            return Ok(());
        }
        Some(Command::Backup { file }) => {
            let db = Db::open(&args.db)?;
            db.backup(file).await.map_err(|e| e.to_string())?;
            println!("Backed up {} to {}", args.db.display(), file.display());
            return Ok(());
        }
        Some(Command::Openapi) => {
            let doc = serde_json::to_string_pretty(&*mitra_server::openapi::document()).map_err(|e| e.to_string())?;
            println!("{doc}");
            return Ok(());
        }
        None => {}
    }
    let db = Db::open(&args.db)?;
    // An import stopped midway (the server killed) left rows no read sees: they go now, before
    // any request, and the designer uploads the file again.
    let conn = db.blocking().map_err(|e| e.to_string())?;
    let abandoned = mitra_server::storage::imports::discard_abandoned(&conn).map_err(|e| e.to_string())?;
    drop(conn);
    if abandoned > 0 {
        tracing::warn!(abandoned, "removed the staged rows of imports a stop interrupted");
    }
    let config = Config {
        today: args.today,
        dist: args.dist,
        cors_origins: args.cors_origins,
        trusted_proxies: args.trusted_proxies,
        public_url: args.public_url,
        session_ttl: chrono::Duration::minutes(args.session_minutes.max(1)),
        ..Config::default()
    };
    let state = AppState::new(db, config);
    if args.demo {
        let today = state.today();
        if demo::seed(&state.db, today).map_err(|e| e.message)? {
            println!("Seeded the demo data into {}", args.db.display());
        }
    }
    let listener =
        tokio::net::TcpListener::bind(args.addr).await.map_err(|e| format!("cannot listen on {}: {e}", args.addr))?;
    println!("Mitra is running on http://{}", args.addr);
    println!("Figures are computed as of {}", state.today());
    if args.demo {
        println!("Demo sign-ins (password: {}):", demo::PASSWORD);
        println!("  partner   {}", demo::owner_email("sinar-jaya"));
        println!("  partner   {}", demo::owner_email("bangun-warna"));
        println!("  designer  {}", demo::DESIGNER);
    }
    axum::serve(listener, app(state).into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown())
        .await
        .map_err(|e| e.to_string())
}

async fn shutdown() {
    let _ = tokio::signal::ctrl_c().await;
}
