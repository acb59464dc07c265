//! Importing sales from CSV: every row is validated first; if any is bad nothing is imported and
//! every bad row is reported with its line number. A row is identified by partner, invoice and
//! line, so uploading the same rows again imports nothing new.

use std::collections::HashSet;

use axum::http::StatusCode;
use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use mitra_scheme::model::Fact;

use super::queries;
use crate::error::{ApiError, ApiResult};
use crate::input;

/// The columns of a sales CSV.
pub const COLUMNS: &str = "partner,invoice,line,date,sku,category,units,value";

#[derive(Deserialize)]
struct Row {
    partner: String,
    invoice: String,
    line: String,
    date: String,
    sku: String,
    #[serde(default)]
    category: String,
    units: String,
    value: String,
}

#[derive(Debug, Serialize)]
pub struct BadRow {
    pub line: u64,
    pub reason: String,
}

#[derive(Debug, Serialize)]
pub struct ImportReport {
    pub rows: usize,
    pub imported: usize,
    /// Rows already imported by an earlier upload.
    pub already_imported: usize,
    /// Rows skipped because the partner already claimed their invoice (a claim pending or
    /// approved): the claim counts the sale, the import must not count it again.
    pub already_claimed: Vec<ClaimedRow>,
}

/// A row an import skipped because its invoice was claimed.
#[derive(Debug, Serialize)]
pub struct ClaimedRow {
    pub line: u64,
    pub partner: String,
    pub invoice: String,
    pub claim: i64,
}

struct Valid {
    csv_line: u64,
    partner: String,
    invoice: String,
    line: i64,
    fact: Fact,
}

fn check(row: Row, partners: &HashSet<String>, decimals: u32) -> Result<Valid, String> {
    let mut problems = Vec::new();
    for (what, text, max) in [
        ("the invoice number", &row.invoice, input::MAX_ID),
        ("the SKU", &row.sku, input::MAX_ID),
        ("the category", &row.category, input::MAX_ID),
    ] {
        if let Err(e) = input::text(what, text, max) {
            problems.push(e.message);
        }
    }
    if !partners.contains(&row.partner) {
        problems.push(format!("partner `{}` does not take part in this program", row.partner));
    }
    if row.invoice.is_empty() {
        problems.push("the invoice number is missing".to_string());
    }
    let line = row.line.parse::<i64>().ok().filter(|l| *l > 0);
    if line.is_none() {
        problems.push(format!("line `{}` is not a positive whole number", row.line));
    }
    let date = row.date.parse::<NaiveDate>().ok();
    match date {
        None => problems.push(format!("date `{}` is not a date (YYYY-MM-DD)", row.date)),
        Some(d) => {
            if let Err(e) = input::date("date", d) {
                problems.push(e.message);
            }
        }
    }
    if row.sku.is_empty() {
        problems.push("the SKU is missing".to_string());
    }
    // Returns are negative: the bounds apply to the size either way.
    let units = row.units.parse::<Decimal>().ok();
    match units {
        None => problems.push(format!("units `{}` is not a number", row.units)),
        Some(u) => {
            if u.is_zero() || input::units("units", u.abs()).is_err() {
                problems.push(format!(
                    "units `{}` must be a whole number from 1 to {} (negative for a return)",
                    row.units,
                    input::MAX_UNITS
                ));
            }
        }
    }
    let value = row.value.parse::<Decimal>().ok();
    match value {
        None => problems.push(format!("value `{}` is not a number", row.value)),
        Some(v) => {
            if let Err(e) = input::money("value", v.abs(), decimals) {
                problems.push(e.message);
            }
        }
    }
    match (line, date, units, value, problems.is_empty()) {
        (Some(line), Some(date), Some(units), Some(value), true) => {
            let fact = Fact::Sale {
                partner: row.partner.as_str().into(),
                date,
                invoice: row.invoice.as_str().into(),
                sku: row.sku.into(),
                category: row.category.into(),
                units,
                value,
            };
            // The evaluator's own rule for what a fact may say (a sale's units and value of one
            // sign), shared with every other reader of facts.
            if let Some(problem) = mitra_scheme::check_fact(&fact) {
                return Err(problem.message);
            }
            Ok(Valid { csv_line: 0, fact, partner: row.partner, invoice: row.invoice, line })
        }
        _ => Err(problems.join("; ")),
    }
}

/// Reads an uploaded CSV whose header names at least the `required` columns (`expected` lists
/// them all, for the error): every row is deserialised and `check`ed, and a row whose `key` an
/// earlier row had is refused with `repeat`'s words. Answers every row with its line number, or,
/// when any is bad, a `422 invalid_rows` listing each bad row's line and reason (so nothing is
/// half-imported).
pub fn read_rows<R, V, K>(
    csv_text: &str,
    required: &[&str],
    expected: &str,
    mut check: impl FnMut(R) -> Result<V, String>,
    key: impl Fn(&V) -> K,
    repeat: impl Fn(&V) -> String,
) -> ApiResult<Vec<(u64, V)>>
where
    R: serde::de::DeserializeOwned,
    K: std::hash::Hash + Eq,
{
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(csv_text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| ApiError::bad_request("invalid_csv", format!("the header line cannot be read: {e}")))?
        .clone();
    let missing: Vec<&str> = required.iter().copied().filter(|c| !headers.iter().any(|h| h == *c)).collect();
    if !missing.is_empty() {
        return Err(ApiError::bad_request(
            "invalid_csv",
            format!("missing columns: {} (expected {expected})", missing.join(", ")),
        ));
    }
    let (mut valid, mut bad) = (Vec::new(), Vec::new());
    let mut seen = HashSet::new();
    for record in reader.records() {
        let (line, result) = match record {
            Ok(rec) => {
                let line = rec.position().map_or(0, |p| p.line());
                (line, rec.deserialize::<R>(Some(&headers)).map_err(|e| e.to_string()).and_then(&mut check))
            }
            Err(e) => (e.position().map_or(0, |p| p.line()), Err(e.to_string())),
        };
        match result {
            Ok(v) if !seen.insert(key(&v)) => bad.push(BadRow { line, reason: repeat(&v) }),
            Ok(v) => valid.push((line, v)),
            Err(reason) => bad.push(BadRow { line, reason }),
        }
    }
    if !bad.is_empty() {
        let mut err = ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_rows",
            format!("{} of {} rows are invalid; nothing was imported", bad.len(), bad.len() + valid.len()),
        );
        err.details = Some(serde_json::to_value(&bad).map_err(ApiError::internal)?);
        return Err(err);
    }
    Ok(valid)
}

/// Validate every row, then import them all in the caller's transaction, or none.
pub fn import_sales(conn: &Connection, program: &str, csv_text: &str) -> ApiResult<ImportReport> {
    let (_, definition) = queries::program(conn, program)?.ok_or_else(|| ApiError::not_found("the program"))?;
    let partners: HashSet<String> = queries::program_partners(conn, program)?.into_iter().map(|p| p.id).collect();
    let required: Vec<&str> = COLUMNS.split(',').filter(|c| *c != "category").collect();
    let valid = read_rows(
        csv_text,
        &required,
        COLUMNS,
        |row: Row| check(row, &partners, definition.decimals),
        |v: &Valid| (v.partner.clone(), v.invoice.clone(), v.line),
        |v: &Valid| format!("invoice {} line {} of {} appears twice in this file", v.invoice, v.line, v.partner),
    )?;
    let valid: Vec<Valid> = valid.into_iter().map(|(csv_line, v)| Valid { csv_line, ..v }).collect();
    let rows = valid.len();
    let mut imported = 0;
    let mut already_claimed = Vec::new();
    for v in valid {
        let key = input::match_key(&v.invoice);
        let claim: Option<i64> = conn
            .query_row(
                "SELECT id FROM claims WHERE partner_id = ?1 AND invoice_key = ?2 AND kind = 'sale' AND status != 'rejected'
                 ORDER BY id LIMIT 1",
                params![v.partner, key],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(claim) = claim {
            already_claimed.push(ClaimedRow { line: v.csv_line, partner: v.partner, invoice: v.invoice, claim });
            continue;
        }
        let exists: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM sale_lines WHERE partner_id = ?1 AND invoice = ?2 AND line = ?3)",
            params![v.partner, v.invoice, v.line],
            |r| r.get(0),
        )?;
        if exists {
            continue;
        }
        let fact_id = queries::insert_fact(conn, &v.fact)?;
        conn.execute(
            "INSERT INTO sale_lines (partner_id, invoice, line, fact_id, invoice_key) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![v.partner, v.invoice, v.line, fact_id, key],
        )?;
        imported += 1;
    }
    let already_imported = rows - imported - already_claimed.len();
    Ok(ImportReport { rows, imported, already_imported, already_claimed })
}
