//! The double-entry ledger. Every journal entry moves an amount between a partner's account and
//! the program's issuing account, so each journal sums to zero and a balance is the sum of its
//! postings. Amounts are integers in the instrument's smallest unit (whole points, or money at
//! the program's decimals).

use std::collections::HashMap;

use rusqlite::{params, Connection};
use rust_decimal::Decimal;
use serde::Serialize;

use mitra_scheme::eval::precision;
use mitra_scheme::model::{Instrument, Program};
use mitra_scheme::Population;

use super::error::{StoreError, StoreResult};

pub fn instrument_name(i: Instrument) -> &'static str {
    match i {
        Instrument::Points => "points",
        Instrument::Cash => "cash",
        Instrument::Fund => "fund",
    }
}

pub fn partner_account(program: &str, partner: &str, instrument: Instrument) -> String {
    format!("partner:{program}:{partner}:{}", instrument_name(instrument))
}

fn issuing_account(program: &str, instrument: Instrument) -> String {
    format!("program:{program}:{}:issued", instrument_name(instrument))
}

/// An amount in the instrument's smallest unit; errors if it is not a whole number of them.
pub fn to_minor(amount: Decimal, decimals: u32) -> StoreResult<i64> {
    let scaled = 10i64
        .checked_pow(decimals)
        .and_then(|unit| amount.checked_mul(Decimal::from(unit)))
        .ok_or_else(|| StoreError::internal("amount overflows"))?;
    if scaled.fract() != Decimal::ZERO {
        return Err(StoreError::internal(format!("{amount} has more than {decimals} decimals")));
    }
    i64::try_from(scaled).map_err(|_| StoreError::internal("amount overflows"))
}

pub fn from_minor(minor: i64, decimals: u32) -> Decimal {
    Decimal::new(minor, decimals)
}

/// An account's balance. Summed in 128 bits, so no stored postings can make it fail; a balance
/// beyond 64 bits (impossible through the API, which bounds every amount) reads as the nearest
/// 64-bit value, which every check against it still handles.
pub fn balance(conn: &Connection, account: &str) -> StoreResult<i64> {
    let quick = conn
        .prepare_cached("SELECT COALESCE(SUM(amount), 0) FROM entries WHERE account = ?1")?
        .query_row([account], |r| r.get::<_, i64>(0));
    match quick {
        Ok(sum) => Ok(sum),
        // SQLite's SUM refuses to overflow 64 bits: add the postings up in 128.
        Err(_) => {
            let mut stmt = conn.prepare_cached("SELECT amount FROM entries WHERE account = ?1")?;
            let mut sum: i128 = 0;
            for amount in stmt.query_map([account], |r| r.get::<_, i64>(0))? {
                sum += i128::from(amount?);
            }
            Ok(sum.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64)
        }
    }
}

/// How many journals do not sum to zero: 0 in a sound ledger (an integrity check).
pub fn unbalanced_journals(conn: &Connection) -> StoreResult<i64> {
    Ok(conn.query_row(
        "SELECT COUNT(*) FROM (SELECT journal_id FROM entries GROUP BY journal_id HAVING SUM(amount) != 0)",
        [],
        |r| r.get(0),
    )?)
}

/// Post one journal: `amount` to the partner's account, its opposite to the program's.
#[allow(clippy::too_many_arguments)]
pub fn post(
    conn: &Connection,
    program: &str,
    partner: &str,
    instrument: Instrument,
    kind: PostingKind,
    scheme: Option<&str>,
    period: Option<&str>,
    memo: &str,
    amount: i64,
    now: &str,
) -> StoreResult<i64> {
    conn.prepare_cached(
        "INSERT INTO journal (program_id, kind, scheme_id, period, memo, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![program, kind.as_str(), scheme, period, memo, now])?;
    let id = conn.last_insert_rowid();
    let mut insert = conn.prepare_cached("INSERT INTO entries (journal_id, account, amount) VALUES (?1, ?2, ?3)")?;
    insert.execute(params![id, partner_account(program, partner, instrument), amount])?;
    insert.execute(params![id, issuing_account(program, instrument), -amount])?;
    Ok(id)
}

/// What closes have posted to one partner, per instrument, scheme and period: read in one query,
/// since a close looks up every line of the partner (a query per line would read the partner's
/// entries once for each).
struct Posted(HashMap<(Instrument, String, String), i64>);

impl Posted {
    fn read(conn: &Connection, program: &str, partner: &str) -> StoreResult<Posted> {
        let accounts = INSTRUMENTS.map(|i| partner_account(program, partner, i));
        let mut stmt = conn.prepare_cached(
            "SELECT e.account, j.scheme_id, j.period, SUM(e.amount) FROM entries e JOIN journal j ON j.id = e.journal_id
             WHERE e.account IN (?1, ?2, ?3) AND j.program_id = ?4 AND j.kind = 'accrual'
             GROUP BY e.account, j.scheme_id, j.period",
        )?;
        let mut lines = HashMap::new();
        let mut rows = stmt.query(params![accounts[0], accounts[1], accounts[2], program])?;
        while let Some(row) = rows.next()? {
            let account: String = row.get(0)?;
            let Some(i) = accounts.iter().position(|a| *a == account) else { continue };
            let (scheme, period): (Option<String>, Option<String>) = (row.get(1)?, row.get(2)?);
            lines.insert((INSTRUMENTS[i], scheme.unwrap_or_default(), period.unwrap_or_default()), row.get(3)?);
        }
        Ok(Posted(lines))
    }

    /// What has been posted for one scheme and period.
    fn line(&self, instrument: Instrument, scheme: &str, period: &str) -> i64 {
        self.0.get(&(instrument, scheme.to_string(), period.to_string())).copied().unwrap_or(0)
    }
}

/// A closed period a close could not post, and why: its figure is not settled.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Skipped {
    pub partner: String,
    pub scheme: String,
    pub period: String,
    /// `overflow` (the figure could not be computed), `provisional` (it depends on figures
    /// the run did not have) or `changed` (the partner's facts, the program or the ledger line
    /// changed while the close ran: closing again posts it).
    pub reason: &'static str,
}

/// One posting a close makes (or, in a dry run, would make): a closed period's payout minus
/// what was already posted for it, in the instrument's unit.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Due {
    pub partner: String,
    pub scheme: String,
    pub period: String,
    pub instrument: Instrument,
    pub amount: Decimal,
    #[serde(skip)]
    minor: i64,
    /// What was already posted for the line when the close read it.
    #[serde(skip)]
    already: i64,
    #[serde(skip)]
    memo: String,
}

/// What a close did, or would do.
#[derive(Debug, Default)]
pub struct CloseOutcome {
    /// Journals posted (0 in a dry run).
    pub posted: usize,
    /// What was (or would be) posted.
    pub postings: Vec<Due>,
    /// Lines left as they were because their figure is not settled.
    pub skipped: Vec<Skipped>,
}

/// What closing would post, for every partner and every closed period `governs` picks: the
/// difference between its payout and what was already posted. A line whose figure is not
/// settled (it overflowed) posts nothing, neither a figure nor a reversal of an earlier
/// posting, and is listed in the outcome. Reads only.
pub fn due(
    conn: &Connection,
    program: &Program,
    run: &Population,
    governs: impl Fn(chrono::NaiveDate) -> bool,
    outcome: &mut CloseOutcome,
) -> StoreResult<()> {
    for partner in &run.partners {
        let mut posted = None;
        for (scheme, (total, figures)) in program.schemes.iter().zip(run.schemes.iter().zip(&partner.schemes)) {
            let dp = precision(program, scheme.instrument);
            for (info, line) in total.periods.iter().zip(&figures.periods) {
                if info.running || !governs(info.end) {
                    continue;
                }
                let Some(payout) = line.settled() else {
                    outcome.skipped.push(Skipped {
                        partner: partner.partner.clone(),
                        scheme: scheme.id.clone(),
                        period: info.label.clone(),
                        reason: if line.overflow { "overflow" } else { "provisional" },
                    });
                    continue;
                };
                let due = to_minor(payout, dp)?;
                let posted = match &mut posted {
                    Some(read) => read,
                    None => posted.insert(Posted::read(conn, &program.id, &partner.partner)?),
                };
                let already = posted.line(scheme.instrument, &scheme.id, &info.label);
                if due != already {
                    outcome.postings.push(Due {
                        partner: partner.partner.clone(),
                        scheme: scheme.id.clone(),
                        period: info.label.clone(),
                        instrument: scheme.instrument,
                        amount: from_minor(due - already, dp),
                        minor: due - already,
                        already,
                        memo: format!("{} {}", scheme.name, info.label),
                    });
                }
            }
        }
    }
    Ok(())
}

/// The accrual journal of one line a close found due.
fn post_accrual(conn: &Connection, program: &str, d: &Due, now: &str) -> StoreResult<()> {
    post(
        conn,
        program,
        &d.partner,
        d.instrument,
        PostingKind::Accrual,
        Some(&d.scheme),
        Some(&d.period),
        &d.memo,
        d.minor,
        now,
    )?;
    Ok(())
}

/// Post what [`due`] found, in the caller's transaction. Closing again with unchanged data posts
/// nothing; a late claim or a return posts its adjustment at the next close.
pub fn post_due(conn: &Connection, program: &str, outcome: &mut CloseOutcome, now: &str) -> StoreResult<()> {
    for d in &outcome.postings {
        post_accrual(conn, program, d, now)?;
    }
    outcome.posted = outcome.postings.len();
    Ok(())
}

/// What a close read of a partner: their facts (how many, the highest and the sum of their ids:
/// an added, removed or replaced fact changes it) and the program's number of versions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Seen {
    facts: (i64, i64, i64),
    versions: i64,
}

/// What [`Seen`] records of `partner` now.
pub fn seen(conn: &Connection, program: &str, partner: &str) -> StoreResult<Seen> {
    let facts = conn
        .prepare_cached(
            "SELECT COUNT(*), COALESCE(MAX(id), 0), COALESCE(SUM(id), 0) FROM facts
             WHERE partner_id = ?1 AND staged_by IS NULL",
        )?
        .query_row([partner], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    let versions =
        conn.prepare_cached("SELECT COUNT(*) FROM programs WHERE id = ?1")?.query_row([program], |r| r.get(0))?;
    Ok(Seen { facts, versions })
}

/// Post the `postings` of one partner, computed from what the close saw (`was`), only if
/// nothing it read has changed since: the partner's facts, the program's versions, and each
/// line's posted amount. Otherwise nothing of the partner is posted and every line is returned
/// as skipped (`changed`). Run in a short write transaction of its own, so the close holds the
/// write lock for a few lines at a time, never for its evaluation.
pub fn post_if_unchanged(
    conn: &Connection,
    program: &str,
    partner: &str,
    was: Seen,
    postings: &[Due],
    now: &str,
) -> StoreResult<Result<usize, Vec<Skipped>>> {
    let mut unchanged = seen(conn, program, partner)? == was;
    if unchanged {
        let posted = Posted::read(conn, program, partner)?;
        unchanged = postings.iter().all(|d| posted.line(d.instrument, &d.scheme, &d.period) == d.already);
    }
    if !unchanged {
        let skipped = postings
            .iter()
            .map(|d| Skipped {
                partner: d.partner.clone(),
                scheme: d.scheme.clone(),
                period: d.period.clone(),
                reason: "changed",
            })
            .collect();
        return Ok(Err(skipped));
    }
    for d in postings {
        post_accrual(conn, program, d, now)?;
    }
    Ok(Ok(postings.len()))
}

/// What closing `program` would post, evaluated on one read snapshot (no write lock taken),
/// and what each partner with a posting was seen with, for [`post_if_unchanged`]. `pinned`:
/// the date figures are as of, if not today in the program's time zone.
pub fn evaluate_close(
    conn: &Connection,
    program: &str,
    pinned: Option<chrono::NaiveDate>,
) -> StoreResult<(CloseOutcome, std::collections::BTreeMap<String, Seen>)> {
    let tx = conn.unchecked_transaction()?;
    // Each closed period is decided by the version in force when it ended.
    let versions = super::queries::program_versions(&tx, program)?;
    if versions.is_empty() {
        return Err(StoreError::not_found("the program"));
    }
    let partners = super::queries::program_partners(&tx, program)?;
    let facts = super::queries::program_facts(&tx, program)?;
    let zone = versions.last().map(|v| v.program.time_zone.as_str()).unwrap_or("UTC");
    let today = crate::today_in(pinned, zone);
    let mut outcome = CloseOutcome::default();
    for (i, v) in versions.iter().enumerate() {
        let until = versions.get(i + 1).map(|n| n.effective_from);
        let run = mitra_scheme::population(&v.program, &partners, &facts, today);
        let governs = |end: chrono::NaiveDate| end >= v.effective_from && until.is_none_or(|u| end < u);
        due(&tx, &v.program, &run, governs, &mut outcome)?;
    }
    let mut seen_by = std::collections::BTreeMap::new();
    for d in &outcome.postings {
        if !seen_by.contains_key(&d.partner) {
            seen_by.insert(d.partner.clone(), seen(&tx, program, &d.partner)?);
        }
    }
    Ok((outcome, seen_by))
}

/// [`due`], then [`post_due`], adding to `outcome`.
pub fn close(
    conn: &Connection,
    program: &Program,
    run: &Population,
    governs: impl Fn(chrono::NaiveDate) -> bool,
    now: &str,
    outcome: &mut CloseOutcome,
) -> StoreResult<()> {
    let mut this = CloseOutcome::default();
    due(conn, program, run, governs, &mut this)?;
    post_due(conn, &program.id, &mut this, now)?;
    outcome.posted += this.posted;
    outcome.postings.extend(this.postings);
    outcome.skipped.extend(this.skipped);
    Ok(())
}

pub use mitra_api::{Posting, PostingKind};

pub fn postings(conn: &Connection, account: &str, decimals: u32) -> StoreResult<Vec<Posting>> {
    let mut stmt = conn.prepare(
        "SELECT j.id, j.kind, j.scheme_id, j.period, j.memo, e.amount, j.created_at
         FROM entries e JOIN journal j ON j.id = e.journal_id WHERE e.account = ?1 ORDER BY j.id DESC",
    )?;
    let rows = stmt.query_map([account], |r| {
        Ok(Posting {
            id: r.get(0)?,
            kind: {
                let kind: String = r.get(1)?;
                PostingKind::parse(&kind).ok_or_else(|| super::unknown_text(1, &kind))?
            },
            scheme: r.get(2)?,
            period: r.get(3)?,
            memo: r.get(4)?,
            amount: from_minor(r.get(5)?, decimals),
            created_at: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub use mitra_api::StatementLine;

/// Which of a partner's postings a statement shows.
pub struct LineFilter<'a> {
    pub instrument: Option<Instrument>,
    pub scheme: Option<&'a str>,
    pub period: Option<&'a str>,
}

/// How a statement is ordered and cut: newest first with `limit`/`offset` for a page, or oldest
/// first in full for an export.
pub enum Cut {
    Page { limit: u32, offset: u64 },
    Everything,
}

const INSTRUMENTS: [Instrument; 3] = [Instrument::Points, Instrument::Cash, Instrument::Fund];

/// A partner's statement lines in a program: every posting to their points, cash and fund
/// accounts that the filter keeps, each with its account's balance right after it (summed over
/// all that account's postings, whatever the filter), and how many lines the filter keeps.
pub fn statement_lines(
    conn: &Connection,
    program: &Program,
    partner: &str,
    filter: &LineFilter,
    cut: Cut,
) -> StoreResult<(Vec<StatementLine>, u64)> {
    let accounts = INSTRUMENTS.map(|i| partner_account(&program.id, partner, i));
    let wanted = filter.instrument.map(|i| partner_account(&program.id, partner, i));
    let inner = "SELECT j.id, j.created_at, e.account, j.kind, j.scheme_id, j.period, j.memo, e.amount,
                SUM(e.amount) OVER (PARTITION BY e.account ORDER BY j.id ROWS UNBOUNDED PRECEDING) AS balance
            FROM entries e JOIN journal j ON j.id = e.journal_id WHERE e.account IN (?1, ?2, ?3)";
    let keep = "(?4 IS NULL OR account = ?4) AND (?5 IS NULL OR scheme_id = ?5) AND (?6 IS NULL OR period = ?6)";
    let args = params![accounts[0], accounts[1], accounts[2], wanted, filter.scheme, filter.period];
    let total: i64 = conn.query_row(&format!("SELECT COUNT(*) FROM ({inner}) WHERE {keep}"), args, |r| r.get(0))?;
    let (order, limit, offset) = match cut {
        Cut::Page { limit, offset } => ("DESC", i64::from(limit), i64::try_from(offset).unwrap_or(i64::MAX)),
        Cut::Everything => ("ASC", -1, 0),
    };
    let mut stmt =
        conn.prepare(&format!("SELECT * FROM ({inner}) WHERE {keep} ORDER BY id {order} LIMIT ?7 OFFSET ?8"))?;
    let rows = stmt.query_map(
        params![accounts[0], accounts[1], accounts[2], wanted, filter.scheme, filter.period, limit, offset],
        |r| {
            let account: String = r.get(2)?;
            let kind: String = r.get(3)?;
            Ok((r.get(0)?, r.get(1)?, account, kind, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?))
        },
    )?;
    let mut lines = Vec::new();
    for row in rows {
        let (id, created_at, account, kind, scheme, period, memo, amount, balance): (
            i64,
            String,
            String,
            String,
            Option<String>,
            Option<String>,
            String,
            i64,
            i64,
        ) = row?;
        let instrument = INSTRUMENTS
            .into_iter()
            .zip(&accounts)
            .find_map(|(i, a)| (*a == account).then_some(i))
            .ok_or_else(|| StoreError::internal(format!("posting {id} is on an unknown account {account}")))?;
        let decimals = precision(program, instrument);
        lines.push(StatementLine {
            id,
            created_at,
            instrument,
            kind: PostingKind::parse(&kind)
                .ok_or_else(|| StoreError::internal(format!("posting {id} has an unknown kind {kind}")))?,
            scheme,
            period,
            memo,
            amount: from_minor(amount, decimals),
            balance: from_minor(balance, decimals),
        });
    }
    Ok((lines, u64::try_from(total).unwrap_or(0)))
}

/// The periods a partner's postings in a program name, newest first.
pub fn posted_periods(conn: &Connection, program: &str, partner: &str) -> StoreResult<Vec<String>> {
    let accounts = INSTRUMENTS.map(|i| partner_account(program, partner, i));
    let mut stmt = conn.prepare(
        "SELECT j.period FROM journal j JOIN entries e ON e.journal_id = j.id
         WHERE e.account IN (?1, ?2, ?3) AND j.period IS NOT NULL GROUP BY j.period ORDER BY MAX(j.id) DESC",
    )?;
    let rows = stmt.query_map(params![accounts[0], accounts[1], accounts[2]], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A text cell made safe for a spreadsheet: one that starts with `=`, `+`, `-`, `@`, a tab or a
/// carriage return would be read as a formula, so it gets a leading apostrophe (which
/// spreadsheets show as text and hide). Amount cells are written by the server as plain
/// decimals and are never passed through here.
pub fn spreadsheet_text(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// The statement as CSV, oldest first: one row per posting, amounts in the instrument's unit.
pub fn statement_csv(lines: &[StatementLine]) -> StoreResult<Vec<u8>> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(["date", "instrument", "kind", "scheme", "period", "memo", "amount", "balance"])
        .map_err(StoreError::internal)?;
    for l in lines {
        out.write_record([
            spreadsheet_text(&l.created_at).as_ref(),
            instrument_name(l.instrument),
            l.kind.as_str(),
            &spreadsheet_text(l.scheme.as_deref().unwrap_or("")),
            &spreadsheet_text(l.period.as_deref().unwrap_or("")),
            &spreadsheet_text(&l.memo),
            &l.amount.to_string(),
            &l.balance.to_string(),
        ])
        .map_err(StoreError::internal)?;
    }
    out.into_inner().map_err(StoreError::internal)
}

#[cfg(test)]
mod csv_tests {
    use super::*;

    #[test]
    fn formula_like_text_is_escaped_and_plain_text_is_not() {
        for (cell, shown) in [
            ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"),
            ("+1+1", "'+1+1"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("Q4 2026", "Q4 2026"),
            ("", ""),
            ("a=b", "a=b"),
        ] {
            assert_eq!(spreadsheet_text(cell), shown, "{cell:?}");
        }
    }
}
