//! The double-entry ledger. Every journal entry moves an amount between a partner's account and
//! the program's issuing account, so each journal sums to zero and a balance is the sum of its
//! postings. Amounts are integers in the instrument's smallest unit (whole points, or money at
//! the program's decimals).

use rusqlite::{params, Connection, OptionalExtension};
use rust_decimal::Decimal;
use serde::Serialize;

use mitra_scheme::eval::precision;
use mitra_scheme::model::{Instrument, Program};
use mitra_scheme::Population;

use crate::error::{ApiError, ApiResult};

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
pub fn to_minor(amount: Decimal, decimals: u32) -> ApiResult<i64> {
    let scaled = 10i64
        .checked_pow(decimals)
        .and_then(|unit| amount.checked_mul(Decimal::from(unit)))
        .ok_or_else(|| ApiError::internal("amount overflows"))?;
    if scaled.fract() != Decimal::ZERO {
        return Err(ApiError::internal(format!("{amount} has more than {decimals} decimals")));
    }
    i64::try_from(scaled).map_err(|_| ApiError::internal("amount overflows"))
}

pub fn from_minor(minor: i64, decimals: u32) -> Decimal {
    Decimal::new(minor, decimals)
}

/// An account's balance. Summed in 128 bits, so no stored postings can make it fail; a balance
/// beyond 64 bits (impossible through the API, which bounds every amount) reads as the nearest
/// 64-bit value, which every check against it still handles.
pub fn balance(conn: &Connection, account: &str) -> ApiResult<i64> {
    let quick = conn.query_row("SELECT COALESCE(SUM(amount), 0) FROM entries WHERE account = ?1", [account], |r| {
        r.get::<_, i64>(0)
    });
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
pub fn unbalanced_journals(conn: &Connection) -> ApiResult<i64> {
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
) -> ApiResult<i64> {
    conn.execute(
        "INSERT INTO journal (program_id, kind, scheme_id, period, memo, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![program, kind.as_str(), scheme, period, memo, now],
    )?;
    let id = conn.last_insert_rowid();
    let mut insert = conn.prepare_cached("INSERT INTO entries (journal_id, account, amount) VALUES (?1, ?2, ?3)")?;
    insert.execute(params![id, partner_account(program, partner, instrument), amount])?;
    insert.execute(params![id, issuing_account(program, instrument), -amount])?;
    Ok(id)
}

/// What has been posted to a partner for one scheme and period.
fn posted(
    conn: &Connection,
    program: &str,
    partner: &str,
    instrument: Instrument,
    scheme: &str,
    period: &str,
) -> ApiResult<i64> {
    Ok(conn
        .query_row(
            "SELECT SUM(e.amount) FROM entries e JOIN journal j ON j.id = e.journal_id
             WHERE j.program_id = ?1 AND j.kind = 'accrual' AND j.scheme_id = ?2 AND j.period = ?3 AND e.account = ?4",
            params![program, scheme, period, partner_account(program, partner, instrument)],
            |r| r.get::<_, Option<i64>>(0),
        )
        .optional()?
        .flatten()
        .unwrap_or(0))
}

/// A closed period a close could not post, and why: its figure is not settled.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Skipped {
    pub partner: String,
    pub scheme: String,
    pub period: String,
    /// `overflow` (the figure could not be computed) or `provisional` (it depends on figures
    /// the run did not have).
    pub reason: &'static str,
}

/// What a close did.
#[derive(Debug, Default)]
pub struct CloseOutcome {
    /// Journals posted.
    pub posted: usize,
    /// Lines left as they were because their figure is not settled.
    pub skipped: Vec<Skipped>,
}

/// Post, for every partner and every closed period, the difference between its payout and
/// what was already posted. Closing again with unchanged data posts nothing; a late claim or a
/// return posts its adjustment at the next close. A line whose figure is not settled (it
/// overflowed) posts nothing, neither a figure nor a reversal of an earlier posting, and is
/// listed in the outcome.
///
/// `governs` says which closed periods (by their end date) this program version decides.
pub fn close(
    conn: &Connection,
    program: &Program,
    run: &Population,
    governs: impl Fn(chrono::NaiveDate) -> bool,
    now: &str,
    outcome: &mut CloseOutcome,
) -> ApiResult<()> {
    for partner in &run.partners {
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
                let already = posted(conn, &program.id, &partner.partner, scheme.instrument, &scheme.id, &info.label)?;
                if due != already {
                    post(
                        conn,
                        &program.id,
                        &partner.partner,
                        scheme.instrument,
                        PostingKind::Accrual,
                        Some(&scheme.id),
                        Some(&info.label),
                        &format!("{} {}", scheme.name, info.label),
                        due - already,
                        now,
                    )?;
                    outcome.posted += 1;
                }
            }
        }
    }
    Ok(())
}

pub use mitra_api::{Posting, PostingKind};

pub fn postings(conn: &Connection, account: &str, decimals: u32) -> ApiResult<Vec<Posting>> {
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
