//! The Mitra scheme evaluator: what a channel incentive program pays, computed exactly.
//!
//! The same code runs in the browser (instant what-if projections) and on the server (the
//! authoritative statement) and gives the same answer to the last digit. It is pure: no I/O and
//! no clock; the as-of date is an argument.
//!
//! - [`model`]: what a program says (schemes, tiers, badges) and the facts it reads;
//! - [`table`]: facts held compactly for evaluation, grouped by partner and sorted by date;
//! - [`validate`](mod@validate): whether a definition makes sense, with every problem named;
//! - [`eval`]: one partner's [`statement`] and [`what_if`];
//! - [`population`](mod@population): every partner at once, with ranks, leaderboards, budgets and the
//!   [`Context`] a single statement needs to agree with it;
//! - [`report`]: the results, each figure with a structured explanation.
//!
//! # Choices where the semantics are silent
//!
//! These complete SEMANTICS.md and are covered by tests:
//!
//! - **Periods** that have not started by the as-of date are not listed. Facts dated after the
//!   as-of date are ignored.
//! - **Enrolment**: a partner enrolled after the eligibility date of a period is ineligible for it
//!   (`not_enrolled`).
//! - **Negative periods**: a period never pays below zero. A return lowers the measure of the
//!   period it is dated in; the ledger claws back by posting the difference when a closed period
//!   is re-evaluated.
//! - **Slabs** are chosen by the measure; a retroactive slab's pay is applied to the period's
//!   value (percent), units (per unit) or count (per count), so a units-measured slab can pay a
//!   percent of value. Incremental slabs pay each slice of the measure itself, so their rate
//!   must fit the measure (checked by validation). A measure below the first bound (after
//!   returns) is in the first slab.
//! - **Distinct SKUs** counts SKUs with a positive net unit total in the period.
//! - **Targets** are facts keyed by scheme and period label (`window`, `2026-07`, `2026-Q3`);
//!   when a partner has several for one period, the last one given counts.
//! - **Growth** compares the period with the same dates `baseline_offset_months` earlier; a
//!   period ending on a month end compares with the whole month (Feb 2025 with Feb 2024).
//! - **Gates** are checked in the order listed; the first that fails is reported. A minimum
//!   attainment gate fails when the partner has no target.
//! - **Ranks** include only partners that are eligible, have a positive measure and hold every
//!   gate. Ties share a rank (leaderboards list tied partners in the order they were given);
//!   the board a context publishes holds every measure at a rewarded rank, which is enough for a
//!   partner to find its own rank exactly.
//! - **Sums** of values and units are exact; a sum that no longer fits a decimal (96 bits) is an
//!   overflow, reported as such, never rounded.
//! - **Population runs** read facts from a [`FactTable`] (grouped by partner, sorted by date, short
//!   texts interned), which a server fills one row at a time; invoice numbers are not kept there,
//!   as no rule reads them. They keep figures only (measure, rank, payout per partner, scheme and
//!   period); a partner's full statement with explanations comes from [`statement`] with the
//!   run's context, and has the same figures.
//! - **What-if ranks** take the other partners' published measures as they are.
//! - **Budgets** scale by `floor(payout × budget / total)` computed exactly in integers of the
//!   instrument's smallest unit, so the total never exceeds the budget.
//! - **Funds** accrue each period's payout; approved spend of the period (marketing spend facts
//!   naming the scheme) is reimbursed at the fund's share, rounded to the program's decimals and
//!   limited to the balance, which includes the same period's accrual. Balances carry over
//!   within the window.
//! - **Tiers** are listed lowest first; eligibility and multipliers use the tier held at the end
//!   of the period (at the as-of date while it runs). The multiplier applies to the base payout
//!   before the cap.
//! - **Milestones** are computed for running periods from slab bounds, gate thresholds and
//!   published ranks; the payout there is before budget scaling, assuming the measure's own
//!   quantity (value, units, count) grows by the difference.
//! - **Badges**: first sale is the first positive sale line; a category share is cumulative over
//!   all sales to date, checked at the end of each day; target streaks and top-N count closed
//!   periods only (top-N needs the context).

pub mod context;
pub mod eval;
pub mod model;
pub mod population;
pub mod report;
#[cfg(feature = "synthetic")]
pub mod synthetic;
pub mod table;
pub mod validate;

pub use context::Context;
pub use eval::{project, statement, what_if};
pub use model::{Fact, Partner, Program};
pub use population::population;
pub use report::{Population, Statement, WhatIf};
pub use table::FactTable;
pub use validate::{check_fact, validate, FactProblem, ValidationError};

/// Why a program or facts file could not be read.
#[derive(Debug)]
pub enum LoadError {
    /// Not valid JSON for the model, with serde's message (line and column included).
    Syntax(String),
    /// Valid JSON, but a definition that does not make sense.
    Invalid(Vec<ValidationError>),
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::Syntax(m) => write!(f, "{m}"),
            LoadError::Invalid(errors) => {
                for (i, e) in errors.iter().enumerate() {
                    if i > 0 {
                        writeln!(f)?;
                    }
                    write!(f, "{e}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for LoadError {}

/// Parse and validate a program definition.
pub fn load_program(json: &str) -> Result<Program, LoadError> {
    let program: Program = serde_json::from_str(json).map_err(|e| LoadError::Syntax(e.to_string()))?;
    let errors = validate(&program);
    if errors.is_empty() {
        Ok(program)
    } else {
        Err(LoadError::Invalid(errors))
    }
}
