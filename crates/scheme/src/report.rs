//! What evaluation answers: statements, period lines, milestones, tiers, badges and the
//! structured explanations behind every figure.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::model::{GroupBy, Instrument, SchemeKind, SlabMode};

/// One partner's statement as of a date.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Statement {
    pub program: String,
    pub partner: String,
    pub as_of: NaiveDate,
    pub currency: String,
    pub decimals: u32,
    pub points_name: String,
    pub schemes: Vec<SchemeResult>,
    pub totals: Totals,
    pub tier: TierStatus,
    pub badges: Vec<BadgeEarned>,
    /// True when a line depends on other partners and no context was given.
    pub provisional: bool,
    /// True when a line could not be computed (its arithmetic overflowed): that line is left out
    /// of every total, so the totals are incomplete. See `docs/semantics.md`, "Overflow".
    #[serde(default, skip_serializing_if = "is_false")]
    pub overflow: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// Totals per instrument over every scheme and period.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Totals {
    pub points: Decimal,
    pub cash: Decimal,
    /// Accrued into funds (before draws).
    pub fund: Decimal,
    /// Some figure overflowed and is left out: the totals are incomplete.
    #[serde(default, skip_serializing_if = "is_false")]
    pub overflow: bool,
}

impl Totals {
    /// The total of one instrument.
    pub fn slot(&mut self, instrument: Instrument) -> &mut Decimal {
        match instrument {
            Instrument::Points => &mut self.points,
            Instrument::Cash => &mut self.cash,
            Instrument::Fund => &mut self.fund,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SchemeResult {
    pub scheme: String,
    pub name: String,
    pub kind: SchemeKind,
    pub instrument: Instrument,
    pub periods: Vec<PeriodLine>,
    /// Sum of the period payouts that could be computed.
    pub total: Decimal,
    /// For fund schemes: the balance after the last period evaluated.
    pub fund: Option<FundBalance>,
    /// A period overflowed: `total` leaves it out.
    #[serde(default, skip_serializing_if = "is_false")]
    pub overflow: bool,
}

/// A fund's movements up to and including a period.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FundBalance {
    pub accrued: Decimal,
    pub drawn: Decimal,
    pub balance: Decimal,
}

/// The evaluation of one scheme for one period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PeriodLine {
    /// `window`, `2026-07` or `2026-Q3`: the key targets are set against.
    pub label: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// The as-of date falls inside the period.
    pub running: bool,
    pub eligible: bool,
    pub measure: Option<Decimal>,
    pub baseline: Option<Decimal>,
    pub target: Option<Decimal>,
    /// measure / target × 100.
    pub attainment: Option<Decimal>,
    /// Index of the slab the measure reached.
    pub slab: Option<usize>,
    /// Rank within the group, for rank schemes.
    pub rank: Option<u32>,
    pub group: Option<String>,
    /// Payout before multiplier, cap and rounding.
    pub base: Decimal,
    pub multiplier: Decimal,
    /// Payout after multiplier, cap and rounding, before any budget scaling.
    pub rounded: Decimal,
    /// What the partner earns for the period; meaningless (and 0) when `overflow` is set.
    pub payout: Decimal,
    pub provisional: bool,
    /// The figure could not be computed: a sum, product or budget scale overflowed. Such a
    /// line is unsettled: no total counts it and closing a period posts nothing for it.
    #[serde(default, skip_serializing_if = "is_false")]
    pub overflow: bool,
    /// The steps that produced the payout, as codes and parameters.
    pub explanation: Vec<Step>,
    /// The facts that counted: their positions among the partner's own facts, in the order
    /// given (so the server and the browser, given the same facts, name the same ones).
    pub facts: Vec<u32>,
    pub next: Option<Milestone>,
    pub fund: Option<FundBalance>,
}

/// The next threshold above the current measure, for a running period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Milestone {
    pub kind: MilestoneKind,
    pub threshold: Decimal,
    /// How much the measure must still grow.
    pub needed: Decimal,
    /// The period's payout once there (before budget scaling).
    pub payout: Decimal,
    /// payout − the current payout.
    pub gain: Decimal,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum MilestoneKind {
    Slab,
    Gate,
    Rank,
}

/// One step of an explanation: a stable code with its parameters, rendered by the UI in the
/// reader's language.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Step {
    /// The partner does not meet an eligibility condition.
    Ineligible {
        field: EligibilityField,
        required: Vec<String>,
        actual: String,
    },
    NotEnrolled {
        enrolled: NaiveDate,
    },
    Measured {
        measure: Decimal,
        facts: usize,
    },
    Growth {
        current: Decimal,
        baseline: Decimal,
        growth: Decimal,
    },
    ZeroBaseline,
    NoTarget,
    Attainment {
        target: Decimal,
        attainment: Decimal,
    },
    GateFailed {
        gate: usize,
        kind: GateKind,
        required: String,
        actual: String,
    },
    FlatRate {
        rate: RateKind,
        amount: Decimal,
        base: Decimal,
        payout: Decimal,
    },
    FixedAmount {
        amount: Decimal,
    },
    Slab {
        mode: SlabMode,
        slab: usize,
        from: Decimal,
        pay: RateKind,
        rate: Decimal,
        payout: Decimal,
    },
    SlabSlice {
        slab: usize,
        from: Decimal,
        slice: Decimal,
        rate: Decimal,
        payout: Decimal,
    },
    Rank {
        group: String,
        rank: u32,
        amount: Decimal,
    },
    NotRanked {
        group: String,
    },
    RankUnknown,
    Multiplier {
        tier: String,
        multiplier: Decimal,
        payout: Decimal,
    },
    Capped {
        cap: Decimal,
        payout: Decimal,
    },
    Rounded {
        decimals: u32,
        payout: Decimal,
    },
    BudgetScaled {
        budget: Decimal,
        total: Decimal,
        payout: Decimal,
    },
    BudgetUnknown,
    Overflow,
}

/// Which eligibility condition a partner failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum EligibilityField {
    Type,
    Region,
    Segment,
    Tier,
}

/// Which kind of gate failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum GateKind {
    MinMeasure,
    MinAttainment,
    Certification,
    MinTier,
}

/// How a rate or slab pays.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum RateKind {
    PercentOfValue,
    PerUnit,
    PerCount,
    Fixed,
}

/// Tier held as of the statement date, and the gap to the next.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TierStatus {
    pub tier: Option<String>,
    pub multiplier: Decimal,
    pub perks: Vec<String>,
    pub next: Option<TierGap>,
    /// A trailing measure overflowed: the tier held cannot be decided (and none is shown).
    #[serde(default, skip_serializing_if = "is_false")]
    pub overflow: bool,
}

/// Where a partner stands against one tier (see [`crate::eval::tier_standings`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TierStanding {
    pub tier: String,
    pub threshold: Decimal,
    /// The trailing measure on the date (`None`: it overflowed).
    pub measure: Option<Decimal>,
    pub certifications: u32,
    pub min_certifications: u32,
    /// Threshold and requirements both met.
    pub reached: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TierGap {
    pub tier: String,
    pub threshold: Decimal,
    pub measure: Decimal,
    /// How much the trailing measure must still grow (0 when already reached).
    pub gap: Decimal,
    pub certifications_missing: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BadgeEarned {
    pub badge: String,
    pub name: String,
    pub earned: NaiveDate,
}

/// The result of a what-if: the projected statement and the differences.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct WhatIf {
    pub statement: Statement,
    /// Projected total − current total, per scheme id.
    /// Schemes whose current or projected figures overflowed have no difference.
    pub difference: BTreeMap<String, Decimal>,
    /// Over the schemes that have a difference.
    pub total_difference: Totals,
}

/// A leaderboard row: what any partner may see of another.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BoardRow {
    pub partner: std::sync::Arc<str>,
    pub name: std::sync::Arc<str>,
    pub rank: u32,
    pub measure: Decimal,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Leaderboard {
    pub scheme: String,
    pub period: String,
    pub group_by: GroupBy,
    pub group: String,
    pub rows: Vec<BoardRow>,
    /// A partner's measure overflowed: the board cannot place it, so its ranks are not final.
    #[serde(default, skip_serializing_if = "is_false")]
    pub overflow: bool,
}

/// A scheme's periods in a population run, with its totals over all partners.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SchemeTotal {
    pub scheme: String,
    pub instrument: Instrument,
    pub periods: Vec<PeriodInfo>,
    /// Sum of every settled payout (lines that overflowed are left out; see `unsettled`).
    pub total: Decimal,
    pub partners_paid: usize,
    /// Partner period lines that overflowed and are left out of `total`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub unsettled: usize,
    /// The sum itself no longer fits a decimal: `total` is meaningless.
    #[serde(default, skip_serializing_if = "is_false")]
    pub overflow: bool,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PeriodInfo {
    pub label: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub running: bool,
}

/// One partner's figures in a population run: per scheme, per period (in the order of
/// [`SchemeTotal::periods`]). The partner's [`Statement`] with the run's context has the same
/// figures, with their explanations.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PartnerFigures {
    pub partner: String,
    pub tier: Option<String>,
    pub schemes: Vec<SchemeFigures>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SchemeFigures {
    /// Sum of the periods' settled payouts.
    pub total: Decimal,
    pub periods: Vec<PeriodFigures>,
    /// A period overflowed: `total` leaves it out.
    #[serde(default, skip_serializing_if = "is_false")]
    pub overflow: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PeriodFigures {
    pub measure: Option<Decimal>,
    pub rank: Option<u32>,
    /// Meaningless (and 0) when `overflow` is set: read it through [`PeriodFigures::settled`].
    pub payout: Decimal,
    pub provisional: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub overflow: bool,
}

impl PeriodFigures {
    /// The payout when it is final: computed (no overflow) and not provisional.
    pub fn settled(&self) -> Option<Decimal> {
        (!self.overflow && !self.provisional).then_some(self.payout)
    }

    /// An unsettled line: its arithmetic overflowed.
    pub fn overflowed(measure: Option<Decimal>, rank: Option<u32>) -> Self {
        PeriodFigures { measure, rank, payout: Decimal::ZERO, provisional: false, overflow: true }
    }
}

impl From<&PeriodLine> for PeriodFigures {
    fn from(l: &PeriodLine) -> Self {
        PeriodFigures {
            measure: l.measure,
            rank: l.rank,
            payout: l.payout,
            provisional: l.provisional,
            overflow: l.overflow,
        }
    }
}

/// Everything at once: every partner's figures and what depends on all of them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Population {
    pub as_of: NaiveDate,
    pub schemes: Vec<SchemeTotal>,
    pub partners: Vec<PartnerFigures>,
    /// Rank schemes: every period, per group. Other schemes: their latest period, everyone.
    pub leaderboards: Vec<Leaderboard>,
    /// Partners per tier id (`""` for no tier).
    pub tiers: BTreeMap<String, usize>,
    pub context: crate::Context,
}

impl Population {
    pub fn figures(&self, partner: &str) -> Option<&PartnerFigures> {
        self.partners.iter().find(|p| p.partner == partner)
    }

    /// The context for one partner's statement: the run's, with the partner's own entries
    /// taken out of the rank boards ([`crate::Context::without`]). A statement from it ranks the
    /// partner's current measure against the others as this run evaluated them, so it is exact
    /// however the partner's own facts changed since the run (docs/semantics.md, "Population
    /// and context"); for a partner whose facts did not change it gives the same figures as
    /// the run's context.
    pub fn context_for(&self, program: &crate::Program, partner: &crate::Partner) -> crate::Context {
        let Some(figures) = self.figures(&partner.id) else { return self.context.clone() };
        let entries =
            program.schemes.iter().zip(&self.schemes).zip(&figures.schemes).flat_map(|((scheme, total), own)| {
                let group = match &scheme.payout {
                    crate::model::Payout::Rank { group_by, .. } => Some(partner.group(*group_by)),
                    _ => None,
                };
                total.periods.iter().zip(&own.periods).filter_map(move |(info, line)| {
                    Some((scheme.id.as_str(), info.label.as_str(), group?, line.rank.and(line.measure)?))
                })
            });
        self.context.without(entries)
    }
}

impl Statement {
    /// The statement's figures, as a population run reports them.
    pub fn figures(&self) -> PartnerFigures {
        PartnerFigures {
            partner: self.partner.clone(),
            tier: self.tier.tier.clone(),
            schemes: self
                .schemes
                .iter()
                .map(|s| SchemeFigures {
                    total: s.total,
                    periods: s.periods.iter().map(PeriodFigures::from).collect(),
                    overflow: s.overflow,
                })
                .collect(),
        }
    }
}
