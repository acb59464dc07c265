//! Domain queries in portable SQL: programs, partners, facts, users and sessions.

use rusqlite::{params, Connection, OptionalExtension};

use mitra_scheme::model::{Fact, Partner, Program};
use mitra_scheme::FactTable;

use super::error::{StoreError, StoreResult};

/// The latest published version of a program.
pub fn program(conn: &Connection, id: &str) -> StoreResult<Option<(i64, Program)>> {
    let row: Option<(i64, String)> = conn
        .query_row("SELECT version, definition FROM programs WHERE id = ?1 ORDER BY version DESC LIMIT 1", [id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    row.map(|(v, json)| serde_json::from_str(&json).map(|p| (v, p)).map_err(StoreError::internal)).transpose()
}

pub fn program_ids(conn: &Connection) -> StoreResult<Vec<String>> {
    let mut stmt = conn.prepare("SELECT DISTINCT id FROM programs ORDER BY id")?;
    let ids = stmt.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
    Ok(ids)
}

/// Publish a new version of a program, governing the periods that end on or after
/// `effective_from`; returns its version number. Earlier versions are kept.
pub fn publish_program(
    conn: &Connection,
    program: &Program,
    now: &str,
    effective_from: chrono::NaiveDate,
) -> StoreResult<i64> {
    let version: i64 =
        conn.query_row("SELECT COALESCE(MAX(version), 0) + 1 FROM programs WHERE id = ?1", [&program.id], |r| {
            r.get(0)
        })?;
    let json = serde_json::to_string(program).map_err(StoreError::internal)?;
    conn.execute(
        "INSERT INTO programs (id, version, definition, published_at, effective_from) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![program.id, version, json, now, effective_from.to_string()],
    )?;
    Ok(version)
}

/// A published version: its number, the first period end it governs, and the definition.
pub struct Version {
    pub version: i64,
    pub effective_from: chrono::NaiveDate,
    pub program: Program,
}

/// Every published version of a program, oldest first.
pub fn program_versions(conn: &Connection, id: &str) -> StoreResult<Vec<Version>> {
    let mut stmt =
        conn.prepare("SELECT version, effective_from, definition FROM programs WHERE id = ?1 ORDER BY version")?;
    let rows: Vec<(i64, String, String)> =
        stmt.query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<Result<_, _>>()?;
    rows.into_iter()
        .map(|(version, eff, json)| {
            Ok(Version {
                version,
                effective_from: eff.parse().map_err(StoreError::internal)?,
                program: serde_json::from_str(&json).map_err(StoreError::internal)?,
            })
        })
        .collect()
}

fn partner_row(r: &rusqlite::Row) -> rusqlite::Result<Partner> {
    let enrolled: String = r.get(5)?;
    Ok(Partner {
        id: r.get(0)?,
        name: r.get(1)?,
        partner_type: r.get(2)?,
        region: r.get(3)?,
        segment: r.get(4)?,
        enrolled: enrolled
            .parse()
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(5, rusqlite::types::Type::Text, Box::new(e)))?,
        parent: r.get(6)?,
    })
}

const PARTNER_COLUMNS: &str = "p.id, p.name, p.partner_type, p.region, p.segment, p.enrolled, p.parent";

pub fn partner(conn: &Connection, id: &str) -> StoreResult<Option<Partner>> {
    Ok(conn
        .query_row(&format!("SELECT {PARTNER_COLUMNS} FROM partners p WHERE p.id = ?1"), [id], partner_row)
        .optional()?)
}

pub fn insert_partner(conn: &Connection, p: &Partner) -> StoreResult<()> {
    conn.execute(
        "INSERT INTO partners (id, name, partner_type, region, segment, enrolled, parent) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![p.id, p.name, p.partner_type, p.region, p.segment, p.enrolled.to_string(), p.parent],
    )?;
    Ok(())
}

pub fn enrol(conn: &Connection, program: &str, partner: &str) -> StoreResult<()> {
    conn.execute(
        "INSERT OR IGNORE INTO program_partners (program_id, partner_id) VALUES (?1, ?2)",
        params![program, partner],
    )?;
    Ok(())
}

/// The programs a partner takes part in.
pub fn programs_of(conn: &Connection, partner: &str) -> StoreResult<Vec<String>> {
    let mut stmt = conn.prepare_cached("SELECT program_id FROM program_partners WHERE partner_id = ?1")?;
    let rows = stmt.query_map([partner], |r| r.get(0))?.collect::<Result<_, _>>()?;
    Ok(rows)
}

/// The partners taking part in a program.
pub fn program_partners(conn: &Connection, program: &str) -> StoreResult<Vec<Partner>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {PARTNER_COLUMNS} FROM partners p JOIN program_partners pp ON pp.partner_id = p.id
         WHERE pp.program_id = ?1 ORDER BY p.id"
    ))?;
    let rows = stmt.query_map([program], partner_row)?.collect::<Result<_, _>>()?;
    Ok(rows)
}

/// The programs a partner takes part in.
pub fn partner_programs(conn: &Connection, partner: &str) -> StoreResult<Vec<String>> {
    let mut stmt = conn.prepare("SELECT program_id FROM program_partners WHERE partner_id = ?1 ORDER BY program_id")?;
    let rows = stmt.query_map([partner], |r| r.get(0))?.collect::<Result<_, _>>()?;
    Ok(rows)
}

/// Store a fact. Every path that records facts (claims approved, imports, the demo) comes
/// through here, so what the evaluator's readers refuse ([`mitra_scheme::check_fact`]: a
/// negative target or spend, a sale with units and value of opposite signs) is never stored.
pub fn insert_fact(conn: &Connection, fact: &Fact) -> StoreResult<i64> {
    insert_fact_staged(conn, fact, None)
}

/// [`insert_fact`], invisible to every read until the import `staged_by` names is finished
/// (`imports::finish_sales`).
pub fn insert_fact_staged(conn: &Connection, fact: &Fact, staged_by: Option<i64>) -> StoreResult<i64> {
    if let Some(problem) = mitra_scheme::check_fact(fact) {
        return Err(StoreError::invalid("invalid_fact", problem.message)
            .with_details(serde_json::json!({ "field": problem.field, "problem": problem.problem })));
    }
    let body = serde_json::to_string(fact).map_err(StoreError::internal)?;
    let kind = serde_json::to_value(fact).ok().and_then(|v| v["kind"].as_str().map(String::from)).unwrap_or_default();
    conn.prepare_cached("INSERT INTO facts (partner_id, kind, date, body, staged_by) VALUES (?1, ?2, ?3, ?4, ?5)")?
        .execute(params![fact.partner(), kind, fact.date().map(|d| d.to_string()), body, staged_by])?;
    Ok(conn.last_insert_rowid())
}

fn parse_facts(stmt: &mut rusqlite::Statement, args: impl rusqlite::Params) -> StoreResult<Vec<Fact>> {
    let bodies: Vec<String> = stmt.query_map(args, |r| r.get(0))?.collect::<Result<_, _>>()?;
    bodies.iter().map(|b| serde_json::from_str(b).map_err(StoreError::internal)).collect()
}

/// One partner's facts, in the order they were recorded (not those of an import still being
/// staged: `imports::stage_sales`).
pub fn partner_facts(conn: &Connection, partner: &str) -> StoreResult<Vec<Fact>> {
    let mut stmt =
        conn.prepare_cached("SELECT body FROM facts WHERE partner_id = ?1 AND staged_by IS NULL ORDER BY id")?;
    parse_facts(&mut stmt, [partner])
}

/// The facts of every partner of a program, read into a table one row at a time (a program's
/// facts are never all held as parsed [`Fact`]s).
/// The facts of a program's partners, in the order they were recorded.
pub fn program_fact_list(conn: &Connection, program: &str) -> StoreResult<Vec<Fact>> {
    let mut stmt = conn.prepare(
        "SELECT f.body FROM facts f JOIN program_partners pp ON pp.partner_id = f.partner_id
         WHERE pp.program_id = ?1 AND f.staged_by IS NULL ORDER BY f.id",
    )?;
    let rows = stmt.query_map([program], |r| r.get::<_, String>(0))?;
    rows.map(|body| serde_json::from_str::<Fact>(&body?).map_err(StoreError::internal)).collect()
}

/// Every published version of a program with when it was published, oldest first.
pub fn published_versions(conn: &Connection, id: &str) -> StoreResult<Vec<mitra_api::Version>> {
    let mut stmt = conn.prepare(
        "SELECT version, published_at, effective_from, definition FROM programs WHERE id = ?1 ORDER BY version",
    )?;
    let rows: Vec<(i64, String, String, String)> =
        stmt.query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?.collect::<Result<_, _>>()?;
    rows.into_iter()
        .map(|(version, published_at, eff, json)| {
            Ok(mitra_api::Version {
                version,
                published_at,
                effective_from: eff.parse().map_err(StoreError::internal)?,
                definition: serde_json::from_str(&json).map_err(StoreError::internal)?,
            })
        })
        .collect()
}

pub fn program_facts(conn: &Connection, program: &str) -> StoreResult<FactTable> {
    Ok(program_fact_list(conn, program)?.into_iter().collect())
}

/// A signed-in user.
pub use mitra_api::{Role, User};

fn user_row(r: &rusqlite::Row) -> rusqlite::Result<User> {
    let role: String = r.get(3)?;
    Ok(User {
        id: r.get(0)?,
        email: r.get(1)?,
        name: r.get(2)?,
        role: Role::parse(&role).unwrap_or(Role::Partner),
        partner: r.get(4)?,
    })
}

/// A user and their password hash, by email (case-insensitive).
pub fn user_by_email(conn: &Connection, email: &str) -> StoreResult<Option<(User, String)>> {
    Ok(conn
        .query_row(
            "SELECT id, email, name, role, partner_id, password_hash FROM users WHERE email = ?1 COLLATE NOCASE",
            [email],
            |r| Ok((user_row(r)?, r.get(5)?)),
        )
        .optional()?)
}

pub fn insert_user(
    conn: &Connection,
    email: &str,
    name: &str,
    hash: &str,
    role: Role,
    partner: Option<&str>,
) -> StoreResult<i64> {
    let role = role.as_str();
    conn.execute(
        "INSERT INTO users (email, name, password_hash, role, partner_id) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![email, name, hash, role, partner],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn insert_session(conn: &Connection, token_hash: &str, user: i64, expires_at: &str) -> StoreResult<()> {
    conn.execute(
        "INSERT INTO sessions (token_hash, user_id, expires_at) VALUES (?1, ?2, ?3)",
        params![token_hash, user, expires_at],
    )?;
    Ok(())
}

/// The user of an unexpired session.
pub fn session_user(conn: &Connection, token_hash: &str, now: &str) -> StoreResult<Option<User>> {
    Ok(conn
        .query_row(
            "SELECT u.id, u.email, u.name, u.role, u.partner_id FROM sessions s JOIN users u ON u.id = s.user_id
             WHERE s.token_hash = ?1 AND s.expires_at > ?2",
            params![token_hash, now],
            user_row,
        )
        .optional()?)
}

pub fn delete_session(conn: &Connection, token_hash: &str) -> StoreResult<()> {
    conn.execute("DELETE FROM sessions WHERE token_hash = ?1", [token_hash])?;
    Ok(())
}
