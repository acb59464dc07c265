//! Importing facts from CSV (sales; targets, certifications and referrals): every row is
//! validated first; if any is bad nothing is imported and every bad row is reported with its line
//! number and each problem's column and code (the app words it; `reason` is for logs). A sale is
//! identified by partner, invoice and line, a certification by partner, course and date, a
//! referral by partner and who was referred, so uploading the same rows again imports nothing
//! new; a target replaces the partner's target for that scheme and period.

use std::collections::HashSet;

use chrono::NaiveDate;
use rusqlite::{params, Connection};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use mitra_scheme::model::Fact;

use super::error::{StoreError, StoreResult};
use super::queries;
use crate::input;

/// The columns of a sales CSV.
pub const COLUMNS: &str = "partner,invoice,line,date,sku,category,units,value";

#[derive(Deserialize, schemars::JsonSchema)]
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

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct BadRow {
    pub line: u64,
    /// Every problem in words, for logs.
    pub reason: String,
    pub problems: Vec<RowProblem>,
}

/// One problem of a row: the column it is in (empty: the row as a whole) and a stable code:
/// `missing`, `not_a_number`, `invalid_date`, `invalid_amount`, `invalid_units`, `too_long`,
/// `not_in_program`, `unknown_scheme`, `unknown_period`, `invalid_fact`, `repeated_row`,
/// `unreadable_row`.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct RowProblem {
    pub column: String,
    pub code: String,
    pub message: String,
}

impl RowProblem {
    pub fn new(column: &str, code: &str, message: impl Into<String>) -> Self {
        RowProblem { column: column.into(), code: code.into(), message: message.into() }
    }

    /// A field check's refusal, in `column`.
    pub fn from(column: &str, e: crate::input::Invalid) -> Self {
        RowProblem { column: column.into(), code: e.code.to_string(), message: e.message }
    }
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct ImportReport {
    pub rows: usize,
    pub imported: usize,
    /// Rows already imported by an earlier upload.
    pub already_imported: usize,
    /// Rows skipped because the partner already claimed their invoice (a claim pending or
    /// approved): the claim counts the sale, the import must not count it again.
    pub already_claimed: Vec<ClaimedRow>,
    /// The partners whose facts the import changed (not sent: for the cache).
    #[serde(skip)]
    pub changed: std::collections::BTreeSet<String>,
}

/// A row an import skipped because its invoice was claimed.
#[derive(Debug, Serialize, schemars::JsonSchema)]
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

fn check(row: Row, partners: &HashSet<String>, decimals: u32) -> Result<Valid, Vec<RowProblem>> {
    let mut problems = Vec::new();
    for (column, what, text) in [
        ("invoice", "the invoice number", &row.invoice),
        ("sku", "the SKU", &row.sku),
        ("category", "the category", &row.category),
    ] {
        if let Err(e) = input::text(what, text, input::MAX_ID) {
            problems.push(RowProblem::from(column, e));
        }
    }
    enrolled(&row.partner, partners, &mut problems);
    if row.invoice.is_empty() {
        problems.push(RowProblem::new("invoice", "missing", "the invoice number is missing"));
    }
    let line = row.line.parse::<i64>().ok().filter(|l| *l > 0);
    if line.is_none() {
        problems.push(RowProblem::new(
            "line",
            "not_a_number",
            format!("line `{}` is not a positive whole number", row.line),
        ));
    }
    let date = date_of(&row.date, &mut problems);
    if row.sku.is_empty() {
        problems.push(RowProblem::new("sku", "missing", "the SKU is missing"));
    }
    // Returns are negative: the bounds apply to the size either way.
    let units = row.units.parse::<Decimal>().ok();
    match units {
        None => {
            problems.push(RowProblem::new("units", "not_a_number", format!("units `{}` is not a number", row.units)))
        }
        Some(u) => {
            if u.is_zero() || input::units("units", u.abs()).is_err() {
                problems.push(RowProblem::new(
                    "units",
                    "invalid_units",
                    format!(
                        "units `{}` must be a whole number from 1 to {} (negative for a return)",
                        row.units,
                        input::MAX_UNITS
                    ),
                ));
            }
        }
    }
    let value = amount_of("value", &row.value, decimals, true, &mut problems);
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
            checked(&fact)?;
            Ok(Valid { csv_line: 0, fact, partner: row.partner, invoice: row.invoice, line })
        }
        _ => Err(problems),
    }
}

/// The evaluator's own rule for what a fact may say (a sale's units and value of one sign, no
/// negative target), shared with every other reader of facts.
fn checked(fact: &Fact) -> Result<(), Vec<RowProblem>> {
    match mitra_scheme::check_fact(fact) {
        Some(problem) => Err(vec![RowProblem::new(&problem.field, "invalid_fact", problem.message)]),
        None => Ok(()),
    }
}

fn enrolled(partner: &str, partners: &HashSet<String>, problems: &mut Vec<RowProblem>) {
    if !partners.contains(partner) {
        problems.push(RowProblem::new(
            "partner",
            "not_in_program",
            format!("partner `{partner}` does not take part in this program"),
        ));
    }
}

/// A `YYYY-MM-DD` date within the accepted range, else a problem in the `date` column.
fn date_of(text: &str, problems: &mut Vec<RowProblem>) -> Option<NaiveDate> {
    match text.parse::<NaiveDate>() {
        Err(_) => {
            problems.push(RowProblem::new("date", "invalid_date", format!("date `{text}` is not a date (YYYY-MM-DD)")));
            None
        }
        Ok(d) => match input::date("date", d) {
            Ok(()) => Some(d),
            Err(e) => {
                problems.push(RowProblem::from("date", e));
                None
            }
        },
    }
}

/// An amount in the program's money (`signed`: a return's negative value is allowed).
fn amount_of(column: &str, text: &str, decimals: u32, signed: bool, problems: &mut Vec<RowProblem>) -> Option<Decimal> {
    let Ok(v) = text.parse::<Decimal>() else {
        problems.push(RowProblem::new(column, "not_a_number", format!("{column} `{text}` is not a number")));
        return None;
    };
    match input::money(column, if signed { v.abs() } else { v }, decimals) {
        Ok(()) => Some(v),
        Err(e) => {
            problems.push(RowProblem::from(column, e));
            None
        }
    }
}

/// Reads an uploaded CSV whose header names at least the `required` columns (`expected` lists
/// them all, for the error): every row is deserialised and `check`ed, and a row whose `key` an
/// earlier row had is refused (`repeated_row`) with `repeat`'s words. Answers every row with its line number, or,
/// when any is bad, a `422 invalid_rows` listing each bad row's line and reason (so nothing is
/// half-imported).
pub fn read_rows<R, V, K>(
    csv_text: &str,
    required: &[&str],
    expected: &str,
    mut check: impl FnMut(R) -> Result<V, Vec<RowProblem>>,
    key: impl Fn(&V) -> K,
    repeat: impl Fn(&V) -> String,
) -> StoreResult<Vec<(u64, V)>>
where
    R: serde::de::DeserializeOwned,
    K: std::hash::Hash + Eq,
{
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(csv_text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| StoreError::invalid("invalid_csv", format!("the header line cannot be read: {e}")))?
        .clone();
    let missing: Vec<&str> = required.iter().copied().filter(|c| !headers.iter().any(|h| h == *c)).collect();
    if !missing.is_empty() {
        return Err(StoreError::invalid(
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
                let read = rec.deserialize::<R>(Some(&headers)).map_err(|e| unreadable(e.to_string()));
                (line, read.and_then(&mut check))
            }
            Err(e) => (e.position().map_or(0, |p| p.line()), Err(unreadable(e.to_string()))),
        };
        match result {
            Ok(v) if !seen.insert(key(&v)) => {
                bad.push(bad_row(line, vec![RowProblem::new("", "repeated_row", repeat(&v))]))
            }
            Ok(v) => valid.push((line, v)),
            Err(problems) => bad.push(bad_row(line, problems)),
        }
    }
    if !bad.is_empty() {
        let details = serde_json::to_value(&bad).map_err(StoreError::internal)?;
        return Err(StoreError::unmet(
            "invalid_rows",
            format!("{} of {} rows are invalid; nothing was imported", bad.len(), bad.len() + valid.len()),
        )
        .with_details(details));
    }
    Ok(valid)
}

fn unreadable(message: String) -> Vec<RowProblem> {
    vec![RowProblem::new("", "unreadable_row", message)]
}

fn bad_row(line: u64, problems: Vec<RowProblem>) -> BadRow {
    let reason = problems.iter().map(|p| p.message.as_str()).collect::<Vec<_>>().join("; ");
    BadRow { line, reason, problems }
}

/// What an upload's rows were checked against: the program's version and who takes part in it.
///
/// Reading and checking every row is the slow part of an import, so it is done on a read snapshot
/// before any write ([`check_sales`], [`check_facts`]). A sales upload is then written in batches
/// of short transactions, invisible ([`stage_sales`]), and made visible at once in a last one
/// ([`finish_sales`]) that compares the basis again (two small queries): if the program was
/// published anew or its partners changed in between, the rows are checked again there, so what
/// becomes visible is always checked against what the program is when it does.
#[derive(Debug, PartialEq, Eq)]
struct Basis {
    version: i64,
    partners: HashSet<String>,
}

fn basis(conn: &Connection, program: &str) -> StoreResult<(Basis, mitra_scheme::Program)> {
    let (version, definition) = queries::program(conn, program)?.ok_or_else(|| StoreError::not_found("the program"))?;
    let mut stmt = conn.prepare_cached("SELECT partner_id FROM program_partners WHERE program_id = ?1")?;
    let partners = stmt.query_map([program], |r| r.get(0))?.collect::<Result<_, _>>()?;
    Ok((Basis { version, partners }, definition))
}

/// A sales upload whose rows were all read and checked, to be staged in batches
/// ([`CheckedSales::into_batches`], [`begin_sales`], [`stage_sales`]) and made visible at once
/// ([`finish_sales`]).
pub struct CheckedSales {
    program: String,
    csv_text: String,
    basis: Basis,
    rows: Vec<Valid>,
}

/// Rows staged per write transaction: each holds the write lock for a few milliseconds, so
/// redemptions, claims and other writes go between an import's batches.
pub const STAGE_BATCH: usize = 200;

/// A batch of checked rows of a sales upload, for [`stage_sales`].
pub struct SalesBatch(Vec<Valid>);

/// What [`finish_sales`] needs of a staged upload: what its rows were checked against, and the
/// file to check them again when that changed meanwhile.
pub struct StagedSales {
    program: String,
    csv_text: String,
    basis: Basis,
    rows: usize,
}

impl CheckedSales {
    pub fn program(&self) -> &str {
        &self.program
    }

    /// The upload's rows in batches of `size`, in the file's order, and what finishing it needs.
    pub fn into_batches(self, size: usize) -> (StagedSales, Vec<SalesBatch>) {
        let staged =
            StagedSales { program: self.program, csv_text: self.csv_text, basis: self.basis, rows: self.rows.len() };
        let mut batches = Vec::with_capacity(self.rows.len().div_ceil(size.max(1)));
        let mut rows = self.rows.into_iter().peekable();
        while rows.peek().is_some() {
            batches.push(SalesBatch(rows.by_ref().take(size.max(1)).collect()));
        }
        (staged, batches)
    }
}

impl StagedSales {
    pub fn program(&self) -> &str {
        &self.program
    }
}

/// Reads and checks every row of a sales upload: all good, or the bad rows named (nothing is
/// written either way).
pub fn check_sales(conn: &Connection, program: &str, csv_text: String) -> StoreResult<CheckedSales> {
    let (basis, definition) = basis(conn, program)?;
    let rows = checked_sales(&csv_text, &basis.partners, definition.decimals)?;
    Ok(CheckedSales { program: program.to_string(), csv_text, basis, rows })
}

fn checked_sales(csv_text: &str, partners: &HashSet<String>, decimals: u32) -> StoreResult<Vec<Valid>> {
    let required: Vec<&str> = COLUMNS.split(',').filter(|c| *c != "category").collect();
    let valid = read_rows(
        csv_text,
        &required,
        COLUMNS,
        |row: Row| check(row, partners, decimals),
        |v: &Valid| (v.partner.clone(), v.invoice.clone(), v.line),
        |v: &Valid| format!("invoice {} line {} of {} appears twice in this file", v.invoice, v.line, v.partner),
    )?;
    Ok(valid.into_iter().map(|(csv_line, v)| Valid { csv_line, ..v }).collect())
}

/// Starts staging a sales upload: its id, which names its rows until [`finish_sales`] makes
/// them visible or [`discard_sales`] removes them.
pub fn begin_sales(conn: &Connection, program: &str, now: &str) -> StoreResult<i64> {
    conn.prepare_cached("INSERT INTO staged_imports (program_id, started_at) VALUES (?1, ?2)")?
        .execute(params![program, now])?;
    Ok(conn.last_insert_rowid())
}

/// Writes a batch of an upload's rows as facts no read sees yet (`staged_by`), each with its
/// sale line beside it. Whether a line was imported or claimed before is decided at the end.
pub fn stage_sales(conn: &Connection, import: i64, batch: SalesBatch) -> StoreResult<()> {
    let mut line = conn.prepare_cached(
        "INSERT INTO staged_sale_lines (import_id, fact_id, csv_line, partner_id, invoice, line, invoice_key)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for v in batch.0 {
        let id = queries::insert_fact_staged(conn, &v.fact, Some(import))?;
        line.execute(params![
            import,
            id,
            v.csv_line as i64,
            v.partner,
            v.invoice,
            v.line,
            input::match_key(&v.invoice)
        ])?;
    }
    Ok(())
}

/// Makes a staged upload visible, all of it at once, in the caller's transaction: a line the
/// partner has claimed meanwhile (a claim pending or approved) or that another upload imported
/// is dropped and reported; the rest become facts and sale lines. If the program was published
/// anew or its partners changed since the rows were checked, they are checked again first, and
/// the whole upload refused when one no longer passes (the caller then discards it).
pub fn finish_sales(conn: &Connection, import: i64, staged: StagedSales) -> StoreResult<ImportReport> {
    let (now, definition) = basis(conn, &staged.program)?;
    if now != staged.basis {
        checked_sales(&staged.csv_text, &now.partners, definition.decimals)?;
    }
    let already_claimed: Vec<(ClaimedRow, i64)> = conn
        .prepare_cached(
            "SELECT s.csv_line, s.partner_id, s.invoice, s.fact_id,
                    (SELECT c.id FROM claims c WHERE c.partner_id = s.partner_id AND c.invoice_key = s.invoice_key
                        AND c.kind = 'sale' AND c.status != 'rejected' ORDER BY c.id LIMIT 1) AS claim
             FROM staged_sale_lines s WHERE s.import_id = ?1 AND claim IS NOT NULL ORDER BY s.csv_line",
        )?
        .query_map([import], |r| {
            let row = ClaimedRow {
                line: r.get::<_, i64>(0)? as u64,
                partner: r.get(1)?,
                invoice: r.get(2)?,
                claim: r.get(4)?,
            };
            Ok((row, r.get(3)?))
        })?
        .collect::<Result<_, _>>()?;
    let mut drop = conn.prepare_cached("DELETE FROM staged_sale_lines WHERE fact_id = ?1")?;
    let mut drop_fact = conn.prepare_cached("DELETE FROM facts WHERE id = ?1")?;
    for (_, fact) in &already_claimed {
        drop.execute([fact])?;
        drop_fact.execute([fact])?;
    }
    let imported_before: Vec<i64> = conn
        .prepare_cached(
            "SELECT s.fact_id FROM staged_sale_lines s WHERE s.import_id = ?1 AND EXISTS
                (SELECT 1 FROM sale_lines l WHERE l.partner_id = s.partner_id AND l.invoice = s.invoice AND l.line = s.line)",
        )?
        .query_map([import], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for fact in &imported_before {
        drop.execute([fact])?;
        drop_fact.execute([fact])?;
    }
    let changed: std::collections::BTreeSet<String> = conn
        .prepare_cached("SELECT DISTINCT partner_id FROM staged_sale_lines WHERE import_id = ?1")?
        .query_map([import], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let imported = conn
        .prepare_cached(
            "INSERT INTO sale_lines (partner_id, invoice, line, fact_id, invoice_key)
         SELECT partner_id, invoice, line, fact_id, invoice_key FROM staged_sale_lines WHERE import_id = ?1",
        )?
        .execute([import])?;
    conn.prepare_cached("UPDATE facts SET staged_by = NULL WHERE staged_by = ?1")?.execute([import])?;
    conn.prepare_cached("DELETE FROM staged_sale_lines WHERE import_id = ?1")?.execute([import])?;
    conn.prepare_cached("DELETE FROM staged_imports WHERE id = ?1")?.execute([import])?;
    Ok(ImportReport {
        rows: staged.rows,
        imported,
        already_imported: imported_before.len(),
        already_claimed: already_claimed.into_iter().map(|(row, _)| row).collect(),
        changed,
    })
}

/// Removes a staged upload that will not be finished (a batch or the finish failed): its rows
/// were never visible.
pub fn discard_sales(conn: &Connection, import: i64) -> StoreResult<()> {
    conn.prepare_cached("DELETE FROM staged_sale_lines WHERE import_id = ?1")?.execute([import])?;
    conn.prepare_cached("DELETE FROM facts WHERE staged_by = ?1")?.execute([import])?;
    conn.prepare_cached("DELETE FROM staged_imports WHERE id = ?1")?.execute([import])?;
    Ok(())
}

/// Removes every staged upload, for a server starting (one that stopped mid-import leaves its
/// staged rows behind, never visible): how many there were.
pub fn discard_abandoned(conn: &Connection) -> StoreResult<usize> {
    conn.execute("DELETE FROM staged_sale_lines", [])?;
    conn.execute("DELETE FROM facts WHERE staged_by IS NOT NULL", [])?;
    Ok(conn.execute("DELETE FROM staged_imports", [])?)
}

/// The kinds of facts imported by [`import_facts`], and their columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FactImport {
    /// `partner,scheme,period,value`: the partner's target for a period of a scheme.
    Targets,
    /// `partner,date,course`: a course passed.
    Certifications,
    /// `partner,date,referred`: someone the partner referred.
    Referrals,
}

impl FactImport {
    pub fn columns(self) -> &'static str {
        match self {
            FactImport::Targets => "partner,scheme,period,value",
            FactImport::Certifications => "partner,date,course",
            FactImport::Referrals => "partner,date,referred",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            FactImport::Targets => "targets",
            FactImport::Certifications => "certifications",
            FactImport::Referrals => "referrals",
        }
    }
}

/// What an upload of targets, certifications or referrals did.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct FactReport {
    pub rows: usize,
    pub imported: usize,
    /// Rows already there from an earlier upload (the same target value, certification or
    /// referral).
    pub already_imported: usize,
    /// Targets that replaced the partner's earlier target for the scheme and period.
    pub replaced: usize,
    /// The partners whose facts the import changed (not sent: for the cache).
    #[serde(skip)]
    pub changed: std::collections::BTreeSet<String>,
}

#[derive(Deserialize, schemars::JsonSchema)]
struct FactRow {
    partner: String,
    #[serde(default)]
    scheme: String,
    #[serde(default)]
    period: String,
    #[serde(default)]
    value: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    course: String,
    #[serde(default)]
    referred: String,
}

/// A target's scheme and period must be the published version's: a scheme it has, a period
/// label of that scheme's window (`2026-Q3`, `2026-07`, `window`).
fn target_row(row: &FactRow, program: &mitra_scheme::Program, problems: &mut Vec<RowProblem>) -> Option<Decimal> {
    match program.schemes.iter().find(|s| s.id == row.scheme) {
        None => problems.push(RowProblem::new(
            "scheme",
            "unknown_scheme",
            format!("scheme `{}` is not in the published program", row.scheme),
        )),
        Some(s) => {
            let labels = mitra_scheme::eval::period::periods(s.window, s.period, s.window.end);
            if !labels.iter().any(|p| p.label == row.period) {
                problems.push(RowProblem::new(
                    "period",
                    "unknown_period",
                    format!("period `{}` is not a period of scheme `{}`", row.period, s.id),
                ));
            }
        }
    }
    amount_of("value", &row.value, program.decimals, false, problems)
}

fn fact_of(
    kind: FactImport,
    row: FactRow,
    program: &mitra_scheme::Program,
    partners: &HashSet<String>,
) -> Result<Fact, Vec<RowProblem>> {
    let mut problems = Vec::new();
    enrolled(&row.partner, partners, &mut problems);
    let fact = match kind {
        FactImport::Targets => {
            let value = target_row(&row, program, &mut problems);
            value.map(|value| Fact::Target {
                partner: row.partner.as_str().into(),
                scheme: row.scheme.as_str().into(),
                period: row.period.as_str().into(),
                value,
            })
        }
        FactImport::Certifications | FactImport::Referrals => {
            let (column, text) = match kind {
                FactImport::Certifications => ("course", &row.course),
                _ => ("referred", &row.referred),
            };
            if text.is_empty() {
                problems.push(RowProblem::new(column, "missing", format!("the {column} is missing")));
            }
            if let Err(e) = input::text(column, text, input::MAX_ID) {
                problems.push(RowProblem::from(column, e));
            }
            date_of(&row.date, &mut problems).map(|date| match kind {
                FactImport::Certifications => {
                    Fact::Certification { partner: row.partner.as_str().into(), date, course: text.as_str().into() }
                }
                _ => Fact::Referral { partner: row.partner.as_str().into(), date, referred: text.as_str().into() },
            })
        }
    };
    match fact {
        Some(f) if problems.is_empty() => checked(&f).map(|()| f),
        _ => Err(problems),
    }
}

/// What identifies a fact of an import: a target by scheme and period (a new value replaces
/// it), a certification by course and date, a referral by who was referred.
fn identity(fact: &Fact) -> (String, String, String) {
    match fact {
        Fact::Target { partner, scheme, period, .. } => (partner.to_string(), scheme.to_string(), period.to_string()),
        Fact::Certification { partner, course, date } => {
            (partner.to_string(), input::match_key(course), date.to_string())
        }
        Fact::Referral { partner, referred, .. } => (partner.to_string(), input::match_key(referred), String::new()),
        other => (other.partner().to_string(), String::new(), String::new()),
    }
}

/// An upload of targets, certifications or referrals whose rows were all read and checked;
/// [`import_facts`] writes it.
pub struct CheckedFacts {
    program: String,
    kind: FactImport,
    csv_text: String,
    basis: Basis,
    rows: Vec<(u64, Fact)>,
}

impl CheckedFacts {
    pub fn program(&self) -> &str {
        &self.program
    }
}

/// Reads and checks every row of an upload of `kind`: all good, or the bad rows named.
pub fn check_facts(conn: &Connection, program: &str, kind: FactImport, csv_text: String) -> StoreResult<CheckedFacts> {
    let (basis, definition) = basis(conn, program)?;
    let rows = checked_facts(kind, &csv_text, &definition, &basis.partners)?;
    Ok(CheckedFacts { program: program.to_string(), kind, csv_text, basis, rows })
}

fn checked_facts(
    kind: FactImport,
    csv_text: &str,
    definition: &mitra_scheme::Program,
    partners: &HashSet<String>,
) -> StoreResult<Vec<(u64, Fact)>> {
    let columns = kind.columns();
    let required: Vec<&str> = columns.split(',').collect();
    read_rows(
        csv_text,
        &required,
        columns,
        |row: FactRow| fact_of(kind, row, definition, partners),
        identity,
        |f: &Fact| {
            let (partner, a, b) = identity(f);
            format!("{partner} {a} {b} appears twice in this file").replace("  ", " ")
        },
    )
}

/// Writes a checked upload in the caller's transaction: new facts added, a target with a new
/// value replacing the old one, the same fact again left alone.
pub fn import_facts(conn: &Connection, upload: CheckedFacts) -> StoreResult<FactReport> {
    let (now, definition) = basis(conn, &upload.program)?;
    let kind = upload.kind;
    let valid = if now == upload.basis {
        upload.rows
    } else {
        checked_facts(kind, &upload.csv_text, &definition, &now.partners)?
    };
    let db_kind = match kind {
        FactImport::Targets => "target",
        FactImport::Certifications => "certification",
        FactImport::Referrals => "referral",
    };
    let mut report =
        FactReport { rows: valid.len(), imported: 0, already_imported: 0, replaced: 0, changed: Default::default() };
    let mut stmt = conn.prepare_cached("SELECT id, body FROM facts WHERE partner_id = ?1 AND kind = ?2")?;
    for (_, fact) in valid {
        let key = identity(&fact);
        let mut same: Option<(i64, Fact)> = None;
        let rows =
            stmt.query_map(params![fact.partner(), db_kind], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
        for row in rows {
            let (id, body) = row?;
            let old: Fact = serde_json::from_str(&body).map_err(StoreError::internal)?;
            if identity(&old) == key {
                same = Some((id, old));
                break;
            }
        }
        match same {
            Some((_, old)) if old == fact => report.already_imported += 1,
            Some((id, _)) => {
                // Only a target can differ under the same identity: its value is replaced.
                conn.execute("DELETE FROM facts WHERE id = ?1", params![id])?;
                queries::insert_fact(conn, &fact)?;
                report.replaced += 1;
                report.changed.insert(fact.partner().to_string());
            }
            None => {
                queries::insert_fact(conn, &fact)?;
                report.imported += 1;
                report.changed.insert(fact.partner().to_string());
            }
        }
    }
    Ok(report)
}
