//! Claims: a partner claims a sale (invoice, date, lines with optional serial numbers) or
//! approved marketing spend against a fund. Duplicates are refused naming the earlier claim;
//! designers approve (the claim becomes facts) or reject with a reason (which frees its invoice
//! number and serials for a corrected claim).

use axum::http::StatusCode;
use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use mitra_scheme::model::Fact;

use super::queries;
use crate::error::{ApiError, ApiResult};

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimLine {
    pub sku: String,
    #[serde(default)]
    pub category: String,
    pub units: Decimal,
    pub value: Decimal,
    #[serde(default)]
    pub serials: Vec<String>,
}

/// What a partner claims.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum ClaimRequest {
    Sale { program: String, invoice: String, date: NaiveDate, lines: Vec<ClaimLine> },
    Spend { program: String, scheme: String, date: NaiveDate, amount: Decimal, description: String },
}

impl ClaimRequest {
    pub fn program(&self) -> &str {
        match self {
            ClaimRequest::Sale { program, .. } | ClaimRequest::Spend { program, .. } => program,
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Claim {
    pub id: i64,
    pub partner: String,
    pub status: String,
    pub reason: Option<String>,
    pub created_at: String,
    #[serde(flatten)]
    pub request: ClaimRequest,
}

fn conflict(code: &'static str, message: String) -> ApiError {
    ApiError::new(StatusCode::CONFLICT, code, message)
}

/// Check a claim's own content: what can be said without the database.
pub fn check(request: &ClaimRequest, today: NaiveDate) -> ApiResult<()> {
    let bad = |m: String| Err(ApiError::bad_request("invalid_claim", m));
    match request {
        ClaimRequest::Sale { invoice, date, lines, .. } => {
            if invoice.trim().is_empty() {
                return bad("the invoice number is missing".into());
            }
            if *date > today {
                return bad(format!("the invoice date {date} is in the future"));
            }
            if lines.is_empty() {
                return bad("a sale claim needs at least one line".into());
            }
            let mut serials = std::collections::HashSet::new();
            for (i, l) in lines.iter().enumerate() {
                if l.sku.trim().is_empty() {
                    return bad(format!("line {}: the SKU is missing", i + 1));
                }
                if l.units <= Decimal::ZERO || l.value < Decimal::ZERO {
                    return bad(format!("line {}: units must be positive and value not negative", i + 1));
                }
                for s in &l.serials {
                    if s.trim().is_empty() || !serials.insert(s.trim()) {
                        return bad(format!("line {}: serial `{s}` is empty or given twice", i + 1));
                    }
                }
            }
        }
        ClaimRequest::Spend { date, amount, .. } => {
            if *date > today {
                return bad(format!("the spend date {date} is in the future"));
            }
            if *amount <= Decimal::ZERO {
                return bad("the amount must be positive".into());
            }
        }
    }
    Ok(())
}

/// Record a claim (in the caller's write transaction), refusing duplicates. For spend,
/// `available` is what the fund can still reimburse and `share` the reimbursed percent.
pub fn submit(
    conn: &Connection,
    partner: &str,
    user: i64,
    request: &ClaimRequest,
    fund: Option<(Decimal, Decimal)>,
    now: &str,
) -> ApiResult<Claim> {
    let (kind, invoice, scheme, date) = match request {
        ClaimRequest::Sale { invoice, date, lines, .. } => {
            let earlier: Option<(i64, String)> = conn
                .query_row(
                    "SELECT id, status FROM claims WHERE partner_id = ?1 AND invoice = ?2 AND kind = 'sale' AND status != 'rejected'",
                    params![partner, invoice.trim()],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            if let Some((id, status)) = earlier {
                return Err(conflict(
                    "duplicate_invoice",
                    format!("invoice {} was already claimed in claim #{id} ({status})", invoice.trim()),
                ));
            }
            for s in lines.iter().flat_map(|l| &l.serials) {
                let earlier: Option<i64> = conn
                    .query_row("SELECT claim_id FROM claim_serials WHERE serial = ?1", [s.trim()], |r| r.get(0))
                    .optional()?;
                if let Some(id) = earlier {
                    return Err(conflict(
                        "duplicate_serial",
                        format!("serial number {} was already claimed in claim #{id}", s.trim()),
                    ));
                }
            }
            ("sale", Some(invoice.trim().to_string()), None, *date)
        }
        ClaimRequest::Spend { scheme, date, amount, .. } => {
            let (available, share) =
                fund.ok_or_else(|| ApiError::bad_request("not_a_fund", format!("scheme {scheme} is not a fund")))?;
            let pending: Decimal = pending_spend(conn, partner, scheme)?;
            let wanted = *amount * share / Decimal::ONE_HUNDRED;
            let pending_share = pending * share / Decimal::ONE_HUNDRED;
            if wanted + pending_share > available {
                return Err(conflict(
                    "fund_exceeded",
                    format!(
                        "this spend would draw {wanted} but the fund has {} left after pending claims",
                        (available - pending_share).max(Decimal::ZERO)
                    ),
                ));
            }
            ("spend", None, Some(scheme.clone()), *date)
        }
    };
    let body = serde_json::to_string(request).map_err(ApiError::internal)?;
    conn.execute(
        "INSERT INTO claims (program_id, partner_id, user_id, kind, invoice, scheme_id, date, body, status, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'pending', ?9)",
        params![request.program(), partner, user, kind, invoice, scheme, date.to_string(), body, now],
    )?;
    let id = conn.last_insert_rowid();
    if let ClaimRequest::Sale { lines, .. } = request {
        for s in lines.iter().flat_map(|l| &l.serials) {
            conn.execute("INSERT INTO claim_serials (serial, claim_id) VALUES (?1, ?2)", params![s.trim(), id])?;
        }
    }
    claim(conn, id)?.ok_or_else(|| ApiError::internal("claim vanished"))
}

fn pending_spend(conn: &Connection, partner: &str, scheme: &str) -> ApiResult<Decimal> {
    let bodies: Vec<String> = conn
        .prepare("SELECT body FROM claims WHERE partner_id = ?1 AND scheme_id = ?2 AND status = 'pending'")?
        .query_map(params![partner, scheme], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    Ok(bodies
        .iter()
        .filter_map(|b| match serde_json::from_str(b) {
            Ok(ClaimRequest::Spend { amount, .. }) => Some(amount),
            _ => None,
        })
        .sum())
}

fn claim_row(r: &rusqlite::Row) -> rusqlite::Result<(i64, String, String, Option<String>, String, String)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
}

fn to_claim(
    (id, partner, status, reason, created_at, body): (i64, String, String, Option<String>, String, String),
) -> ApiResult<Claim> {
    Ok(Claim {
        id,
        partner,
        status,
        reason,
        created_at,
        request: serde_json::from_str(&body).map_err(ApiError::internal)?,
    })
}

const CLAIM_COLUMNS: &str = "id, partner_id, status, reason, created_at, body";

pub fn claim(conn: &Connection, id: i64) -> ApiResult<Option<Claim>> {
    conn.query_row(&format!("SELECT {CLAIM_COLUMNS} FROM claims WHERE id = ?1"), [id], claim_row)
        .optional()?
        .map(to_claim)
        .transpose()
}

/// Claims of a program, optionally of one partner and in one status, newest first.
pub fn list(conn: &Connection, program: &str, partner: Option<&str>, status: Option<&str>) -> ApiResult<Vec<Claim>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {CLAIM_COLUMNS} FROM claims WHERE program_id = ?1 AND (?2 IS NULL OR partner_id = ?2) AND (?3 IS NULL OR status = ?3) ORDER BY id DESC"
    ))?;
    let rows = stmt.query_map(params![program, partner, status], claim_row)?.collect::<Result<Vec<_>, _>>()?;
    rows.into_iter().map(to_claim).collect()
}

/// Approve a pending claim: its sale lines or spend become facts.
pub fn approve(conn: &Connection, id: i64, now: &str) -> ApiResult<Claim> {
    let c = pending(conn, id)?;
    match &c.request {
        ClaimRequest::Sale { invoice, date, lines, .. } => {
            for l in lines {
                let fact = Fact::Sale {
                    partner: c.partner.as_str().into(),
                    date: *date,
                    invoice: invoice.as_str().into(),
                    sku: l.sku.as_str().into(),
                    category: l.category.as_str().into(),
                    units: l.units,
                    value: l.value,
                };
                queries::insert_fact(conn, &fact)?;
            }
        }
        ClaimRequest::Spend { scheme, date, amount, .. } => {
            queries::insert_fact(
                conn,
                &Fact::MarketingSpend {
                    partner: c.partner.as_str().into(),
                    date: *date,
                    scheme: scheme.as_str().into(),
                    amount: *amount,
                },
            )?;
        }
    }
    conn.execute("UPDATE claims SET status = 'approved', decided_at = ?2 WHERE id = ?1", params![id, now])?;
    claim(conn, id)?.ok_or_else(|| ApiError::internal("claim vanished"))
}

/// Reject a pending claim with a reason; its invoice number and serials may be claimed again.
pub fn reject(conn: &Connection, id: i64, reason: &str, now: &str) -> ApiResult<Claim> {
    pending(conn, id)?;
    conn.execute(
        "UPDATE claims SET status = 'rejected', reason = ?2, decided_at = ?3 WHERE id = ?1",
        params![id, reason, now],
    )?;
    conn.execute("DELETE FROM claim_serials WHERE claim_id = ?1", [id])?;
    claim(conn, id)?.ok_or_else(|| ApiError::internal("claim vanished"))
}

fn pending(conn: &Connection, id: i64) -> ApiResult<Claim> {
    let c = claim(conn, id)?.ok_or_else(|| ApiError::not_found("the claim"))?;
    if c.status != "pending" {
        return Err(conflict("already_decided", format!("claim #{id} was already {}", c.status)));
    }
    Ok(c)
}
