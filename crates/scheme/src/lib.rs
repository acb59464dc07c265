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
//! # The rules
//!
//! `docs/semantics.md`, at the root of the repository, states every rule this crate implements, and every choice it makes where a rule
//! could be read more than one way, each with a worked example. In short, the choices:
//!
//! - **Periods** that have not started by the as-of date are not listed; facts dated after it
//!   are ignored; a partner enrolled after a period's eligibility date is ineligible.
//! - **Returns** lower value and units in the period they are dated in (a period never pays below
//!   zero) and are **not counted** by a count; distinct SKUs count SKUs with positive net units.
//! - **Targets** are keyed by scheme and period label (the last one given counts); a target of
//!   **zero or below is no target** everywhere (`no_target`).
//! - **Slabs**: a retroactive slab pays on the period's value, units or count; incremental slabs
//!   pay each slice of the measure, so their rate must fit it; below the first bound is slab 0.
//! - **Growth** compares the same dates `baseline_offset_months` earlier (month ends compare
//!   whole months); a zero baseline pays nothing.
//! - **Gates** are checked in order, the first failure reported.
//! - **Ranks** include only eligible partners with a positive measure holding every gate; ties
//!   share a rank.
//! - **Overflow** is never a figure: an unsettled line is flagged and left out of every total;
//!   it spreads to its rank group, its budgeted period and the lines using an undecidable tier.
//! - **Budgets** scale by `floor(payout × budget / total)` exactly, in the smallest unit.
//! - **Funds** accrue each period's payout and reimburse approved spend at their share, within
//!   the balance, which carries over in the window.
//! - **Tiers** are listed lowest first and taken at the period's end; the multiplier applies
//!   before the cap.
//! - **Milestones** are for running periods, before budget scaling.
//! - **Badges** are earned on the first date their rule holds; streaks and top-N count closed
//!   periods only.
//! - **Population runs** keep figures only; a statement with the run's [`Context`] has the same.
//! - Readers of facts refuse what [`check_fact`] refuses: negative targets and spend, sales with
//!   units and value of opposite signs.

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
pub use eval::{project, project_figures, statement, tier_held, what_if, ProjectionBase};
pub use model::{Fact, Partner, Program};
pub use population::{population, update};
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
