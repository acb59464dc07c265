//! Claims: a partner claims a sale (invoice, date, lines with optional serial numbers) or
//! approved marketing spend against a fund. Invoice and serial numbers are compared under their
//! normalised key ([`crate::input::match_key`]), so look-alikes are duplicates; a duplicate is
//! refused naming the earlier claim when it is the partner's own (another partner's claim is
//! never named). Designers approve (the claim becomes facts) or reject with a reason (which
//! frees its invoice number and serials for a corrected claim).

use chrono::NaiveDate;
use mitra_api::ClaimStatus;
use rusqlite::{params, Connection, OptionalExtension};
use rust_decimal::Decimal;

use mitra_scheme::model::Fact;

use super::error::{StoreError, StoreResult};
use super::queries;
use crate::input;

pub use mitra_api::{Claim, ClaimLine, ClaimRequest};

/// Most serial numbers one claim may list.
pub const MAX_SERIALS: usize = 1_000;

fn conflict(code: &'static str, message: String) -> StoreError {
    StoreError::conflict(code, message)
}

/// Check a claim's own content, what can be said without the database: lengths, amounts in
/// the program's `decimals` and within bounds, whole units, sane dates, no serial twice.
pub fn check(request: &ClaimRequest, today: NaiveDate, decimals: u32) -> StoreResult<()> {
    let bad = |m: String, field: &str| {
        Err(StoreError::invalid("invalid_claim", m).with_details(serde_json::json!({ "field": field })))
    };
    input::text("program", request.program(), input::MAX_ID)?;
    match request {
        ClaimRequest::Sale { invoice, date, lines, .. } => {
            input::text("invoice", invoice, input::MAX_ID)?;
            if input::match_key(invoice).is_empty() {
                return bad("the invoice number is missing".into(), "invoice");
            }
            input::date("date", *date)?;
            if *date > today {
                return bad(format!("the invoice date {date} is in the future"), "date");
            }
            if lines.is_empty() {
                return bad("a sale claim needs at least one line".into(), "lines");
            }
            if lines.iter().map(|l| l.serials.len()).sum::<usize>() > MAX_SERIALS {
                return bad(format!("a claim lists at most {MAX_SERIALS} serial numbers"), "serials");
            }
            let mut serials = std::collections::HashSet::new();
            for (i, l) in lines.iter().enumerate() {
                let n = i + 1;
                input::text(&format!("lines[{i}].sku"), &l.sku, input::MAX_ID)?;
                input::text(&format!("lines[{i}].category"), &l.category, input::MAX_ID)?;
                if l.sku.trim().is_empty() {
                    return bad(format!("line {n}: the SKU is missing"), &format!("lines[{i}].sku"));
                }
                input::units(&format!("lines[{i}].units"), l.units)?;
                input::money(&format!("lines[{i}].value"), l.value, decimals)?;
                for s in &l.serials {
                    input::text(&format!("lines[{i}].serials"), s, input::MAX_ID)?;
                    let key = input::match_key(s);
                    if key.is_empty() || !serials.insert(key) {
                        return bad(
                            format!("line {n}: serial `{s}` is empty or given twice"),
                            &format!("lines[{i}].serials"),
                        );
                    }
                }
            }
        }
        ClaimRequest::Spend { scheme, date, amount, description, .. } => {
            input::text("scheme", scheme, input::MAX_ID)?;
            input::text("description", description, input::MAX_TEXT)?;
            input::date("date", *date)?;
            if *date > today {
                return bad(format!("the spend date {date} is in the future"), "date");
            }
            input::money("amount", *amount, decimals)?;
            if amount.is_zero() {
                return bad("the amount must be positive".into(), "amount");
            }
        }
    }
    Ok(())
}

/// Name an earlier claim to the partner only when it is the partner's own.
fn earlier_claim(own: bool, id: i64) -> String {
    if own {
        format!("claim #{id}")
    } else {
        "another partner's claim".into()
    }
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
) -> StoreResult<Claim> {
    let (kind, invoice, scheme, date) = match request {
        ClaimRequest::Sale { invoice, date, lines, .. } => {
            let earlier: Option<(i64, String)> = conn
                .query_row(
                    "SELECT id, status FROM claims WHERE partner_id = ?1 AND invoice_key = ?2 AND kind = 'sale' AND status != 'rejected'",
                    params![partner, input::match_key(invoice)],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            if let Some((id, status)) = earlier {
                return Err(conflict(
                    "duplicate_invoice",
                    format!("invoice {} was already claimed in claim #{id} ({status})", invoice.trim()),
                )
                .with_details(serde_json::json!({ "field": "invoice", "claim": id, "status": status })));
            }
            // Lines name products of the program's list (when it has one).
            let products = super::products::list(conn, request.program())?;
            if !products.is_empty() {
                for (i, line) in lines.iter().enumerate() {
                    if !products.iter().any(|p| p.sku == line.sku.trim()) {
                        return Err(StoreError::invalid(
                            "unknown_product",
                            format!("line {}: {} is not in the program's product list", i + 1, line.sku.trim()),
                        )
                        .with_details(
                            serde_json::json!({ "field": format!("lines[{i}].sku"), "sku": line.sku.trim() }),
                        ));
                    }
                }
            }
            // A sale already counted through a sales import cannot be claimed as well.
            let imported: bool = conn.query_row(
                "SELECT EXISTS (SELECT 1 FROM sale_lines WHERE partner_id = ?1 AND invoice_key = ?2)",
                params![partner, input::match_key(invoice)],
                |r| r.get(0),
            )?;
            if imported {
                return Err(conflict(
                    "invoice_imported",
                    format!("invoice {} already reached the program through a sales import", invoice.trim()),
                )
                .with_details(serde_json::json!({ "field": "invoice" })));
            }
            for (i, line) in lines.iter().enumerate() {
                for s in &line.serials {
                    let earlier: Option<(i64, String)> = conn
                        .query_row(
                            "SELECT s.claim_id, c.partner_id FROM claim_serials s JOIN claims c ON c.id = s.claim_id
                             WHERE s.serial_key = ?1 LIMIT 1",
                            [input::match_key(s)],
                            |r| Ok((r.get(0)?, r.get(1)?)),
                        )
                        .optional()?;
                    if let Some((id, owner)) = earlier {
                        let own = owner == partner;
                        return Err(conflict(
                            "duplicate_serial",
                            format!("serial number {} was already claimed in {}", s.trim(), earlier_claim(own, id)),
                        )
                        .with_details(serde_json::json!({
                            "field": format!("lines[{i}].serials"),
                            "serial": s.trim(),
                            "claim": if own { Some(id) } else { None },
                        })));
                    }
                }
            }
            ("sale", Some(invoice.trim().to_string()), None, *date)
        }
        ClaimRequest::Spend { scheme, date, amount, .. } => {
            let (available, share) =
                fund.ok_or_else(|| StoreError::invalid("not_a_fund", format!("scheme {scheme} is not a fund")))?;
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
    let body = serde_json::to_string(request).map_err(StoreError::internal)?;
    let invoice_key = invoice.as_deref().map(input::match_key);
    conn.execute(
        "INSERT INTO claims (program_id, partner_id, user_id, kind, invoice, invoice_key, scheme_id, date, body, status, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'pending', ?10)",
        params![request.program(), partner, user, kind, invoice, invoice_key, scheme, date.to_string(), body, now],
    )?;
    let id = conn.last_insert_rowid();
    if let ClaimRequest::Sale { lines, .. } = request {
        for s in lines.iter().flat_map(|l| &l.serials) {
            conn.execute(
                "INSERT INTO claim_serials (serial, serial_key, claim_id) VALUES (?1, ?2, ?3)",
                params![s.trim(), input::match_key(s), id],
            )?;
        }
    }
    claim(conn, id)?.ok_or_else(|| StoreError::internal("claim vanished"))
}

fn pending_spend(conn: &Connection, partner: &str, scheme: &str) -> StoreResult<Decimal> {
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

type ClaimRow = (i64, String, String, Option<String>, String, String, Option<String>);

fn claim_row(r: &rusqlite::Row) -> rusqlite::Result<ClaimRow> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?))
}

fn to_claim((id, partner, status, reason, created_at, body, flag): ClaimRow) -> StoreResult<Claim> {
    Ok(Claim {
        id,
        partner,
        status: ClaimStatus::parse(&status)
            .ok_or_else(|| StoreError::internal(format!("claim #{id}: unknown status {status}")))?,
        reason,
        created_at,
        flag,
        request: serde_json::from_str(&body).map_err(StoreError::internal)?,
    })
}

const CLAIM_COLUMNS: &str = "id, partner_id, status, reason, created_at, body, flag";

pub fn claim(conn: &Connection, id: i64) -> StoreResult<Option<Claim>> {
    conn.query_row(&format!("SELECT {CLAIM_COLUMNS} FROM claims WHERE id = ?1"), [id], claim_row)
        .optional()?
        .map(to_claim)
        .transpose()
}

/// Claims of a program, optionally of one partner and in one status, newest first.
pub fn list(conn: &Connection, program: &str, partner: Option<&str>, status: Option<&str>) -> StoreResult<Vec<Claim>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {CLAIM_COLUMNS} FROM claims WHERE program_id = ?1 AND (?2 IS NULL OR partner_id = ?2) AND (?3 IS NULL OR status = ?3) ORDER BY id DESC"
    ))?;
    let rows = stmt.query_map(params![program, partner, status], claim_row)?.collect::<Result<Vec<_>, _>>()?;
    rows.into_iter().map(to_claim).collect()
}

/// Approve a pending claim: its sale lines or spend become facts.
pub fn approve(conn: &Connection, id: i64, now: &str) -> StoreResult<Claim> {
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
    claim(conn, id)?.ok_or_else(|| StoreError::internal("claim vanished"))
}

/// Reject a pending claim with a reason; its invoice number and serials may be claimed again.
pub fn reject(conn: &Connection, id: i64, reason: &str, now: &str) -> StoreResult<Claim> {
    pending(conn, id)?;
    conn.execute(
        "UPDATE claims SET status = 'rejected', reason = ?2, decided_at = ?3 WHERE id = ?1",
        params![id, reason, now],
    )?;
    conn.execute("DELETE FROM claim_serials WHERE claim_id = ?1", [id])?;
    claim(conn, id)?.ok_or_else(|| StoreError::internal("claim vanished"))
}

fn pending(conn: &Connection, id: i64) -> StoreResult<Claim> {
    let c = claim(conn, id)?.ok_or_else(|| StoreError::not_found("the claim"))?;
    if c.status != ClaimStatus::Pending {
        return Err(conflict("already_decided", format!("claim #{id} was already {}", c.status.as_str())));
    }
    Ok(c)
}
