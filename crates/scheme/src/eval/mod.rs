//! How a program is computed for one partner: periods, eligibility, measure, gates, base payout,
//! tier multiplier, cap, rounding and budget, in the order `docs/semantics.md` sets.
//!
//! Evaluation is split in two so that a single partner's statement and the population run share
//! every line of code: [`draft`] computes everything that depends on the partner alone, and
//! [`finish`] completes what depends on other partners (rank rewards, budget scaling) from a
//! [`Context`], or marks it provisional when there is none.

pub mod exact;
pub mod facts;
pub mod gamification;
pub mod payout;
pub mod period;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::context::Context;
use crate::model::{Fact, Gate, Instrument, Measure, Partner, Payout, Program, Scheme};
use crate::report::{
    EligibilityField, FundBalance, GateKind, Milestone, MilestoneKind, PeriodLine, SchemeResult, Statement, Step,
    TierStatus, Totals, WhatIf,
};
use crate::table::FactTable;
use facts::{cmp_dec, growth_base, simple_measure, PartnerFacts, Quantities};
use period::{periods, shift_back, Period};

pub use period::period_label;

/// Where explanation steps go: a statement records them, a population run (which keeps only
/// figures) does not, and never pays for building them.
pub struct Trace<'a>(Option<&'a mut Vec<Step>>);

impl Trace<'_> {
    pub fn push(&mut self, step: impl FnOnce() -> Step) {
        if let Some(steps) = self.0.as_deref_mut() {
            steps.push(step());
        }
    }
}

/// The payout of one period line as far as the partner's own facts decide it. Figures only;
/// [`settle`] turns it into the report's [`PeriodLine`].
#[derive(Clone, Debug)]
pub struct LineDraft<'p> {
    pub period: &'p Period,
    /// The as-of date falls inside the period.
    pub running: bool,
    pub eligible: bool,
    pub measure: Option<Decimal>,
    pub baseline: Option<Decimal>,
    pub target: Option<Decimal>,
    /// The partner's group, for rank schemes.
    pub group: Option<&'p str>,
    pub multiplier: Decimal,
    q: Quantities,
    /// For each gate: `Some(held)` when it does not depend on the measure. Empty when every
    /// gate depends on the measure (the common case, which then allocates nothing).
    static_gates: Vec<Option<bool>>,
    /// Index of the tier held on the line's eligibility date.
    tier: Option<usize>,
    /// Ineligible, or no measure (zero baseline, overflow): nothing can change the figure.
    closed: bool,
    /// The measure or the fund's spend overflowed: the line has no figure at all.
    pub overflow: bool,
    spend: Decimal,
    /// Record explanations and the facts that counted (statements do; population runs do not).
    detail: bool,
    explanation: Vec<Step>,
    facts: Vec<u32>,
}

#[derive(Clone, Debug)]
pub struct SchemeDraft<'p> {
    pub scheme: usize,
    /// Lines already settled that come before `lines` (a projection keeps the periods its
    /// hypothetical facts cannot change): [`finish`] takes them as they are.
    pub kept: Vec<PeriodLine>,
    pub lines: Vec<LineDraft<'p>>,
}

/// A partner's evaluation before other partners are taken into account.
#[derive(Clone, Debug)]
pub struct Draft<'p> {
    pub program: &'p Program,
    pub partner: &'p Partner,
    pub as_of: NaiveDate,
    pub schemes: Vec<SchemeDraft<'p>>,
    pub tier: TierStatus,
    pub badges: Vec<gamification::PendingBadge>,
}

/// Round half away from zero to `dp` decimals: the one rounding (`docs/semantics.md`, "Rounding").
pub fn round(amount: Decimal, dp: u32) -> Decimal {
    exact::round(amount, dp)
}

/// Above zero (a sign and a zero test, no comparison).
fn positive(d: Decimal) -> bool {
    d.is_sign_positive() && !d.is_zero()
}

/// Decimals an instrument is paid in: whole points, or the program's money precision.
pub fn precision(program: &Program, instrument: Instrument) -> u32 {
    match instrument {
        Instrument::Points => 0,
        Instrument::Cash | Instrument::Fund => program.decimals,
    }
}

/// One partner's statement as of a date. `facts` may hold other partners' facts; they are
/// ignored. With `context`, rank and budget lines are exact; without, they are provisional.
pub fn statement(
    program: &Program,
    partner: &Partner,
    facts: &[Fact],
    as_of: NaiveDate,
    context: Option<&Context>,
) -> Statement {
    evaluate(program, partner, facts, as_of, context)
}

/// A partner's full statement on the partner's facts among `facts`.
fn evaluate<'f>(
    program: &Program,
    partner: &Partner,
    facts: impl IntoIterator<Item = &'f Fact>,
    as_of: NaiveDate,
    context: Option<&Context>,
) -> Statement {
    let table = FactTable::for_partner(&partner.id, facts);
    let pf = PartnerFacts::new(&table, &partner.id, as_of);
    finish(draft(program, partner, &pf, as_of, true, &scheme_periods(program, as_of)), context)
}

/// Where a partner stands against every tier of the program on `as_of`, lowest tier first.
pub fn tier_standings(
    program: &Program,
    partner: &Partner,
    facts: &[Fact],
    as_of: NaiveDate,
) -> Vec<crate::report::TierStanding> {
    let table = FactTable::for_partner(&partner.id, facts);
    let pf = PartnerFacts::new(&table, &partner.id, as_of);
    gamification::TierCache::new(program, &pf).standings(program, as_of)
}

/// The tier `partner` holds on `as_of`, from their own facts among `facts` alone (`None`: no
/// tier, or one that cannot be decided): the tier their statement and a population run give.
pub fn tier_held(program: &Program, partner: &str, facts: &[Fact], as_of: NaiveDate) -> Option<String> {
    let table = FactTable::for_partner(partner, facts);
    let pf = PartnerFacts::new(&table, partner, as_of);
    gamification::TierCache::new(program, &pf).status(program, as_of).tier
}

/// The statement with hypothetical facts added, and the difference per scheme and in total.
///
/// `context` is the partner's ([`crate::report::Population::context_for`]): the other partners'
/// measures on the rank boards, without the partner's own, so a projected measure is ranked
/// against the others as they were evaluated.
pub fn what_if(
    program: &Program,
    partner: &Partner,
    facts: &[Fact],
    extra: &[Fact],
    as_of: NaiveDate,
    context: Option<&Context>,
) -> WhatIf {
    let now = statement(program, partner, facts, as_of, context);
    project(&now, program, partner, facts, extra, as_of, context)
}

/// [`what_if`] for a caller that already holds the current statement `now` (the browser, which
/// projects again on every keystroke): only the projection is computed.
pub fn project(
    now: &Statement,
    program: &Program,
    partner: &Partner,
    facts: &[Fact],
    extra: &[Fact],
    as_of: NaiveDate,
    context: Option<&Context>,
) -> WhatIf {
    let projected = evaluate(program, partner, facts.iter().chain(extra), as_of, context);
    differences(now, program, projected)
}

/// [`project`] without explanations, on the partner's facts already in a table (`facts`:
/// [`FactTable::for_partner`], built once; the extra facts are added to a copy). The projected
/// statement's figures (eligibility, measure, slab, rank, payout, milestone, fund balance,
/// totals), tier and badges, and the differences, are the same as [`project`]'s; its lines carry
/// no explanation steps, no list of the facts that counted, and a target or attainment only
/// where the scheme's rules read one (or in the periods kept from `now`). What a what-if panel
/// computes on every keystroke: only the periods that end on or after the earliest extra fact
/// are evaluated again (`docs/semantics.md`, "What-if").
pub fn project_figures(
    now: &Statement,
    program: &Program,
    partner: &Partner,
    base: &ProjectionBase,
    extra: &[Fact],
    context: Option<&Context>,
) -> WhatIf {
    let as_of = base.as_of;
    let table = base.table.with_extra(extra);
    // The partner's sales before the earliest hypothetical one are the base's, in the same
    // order (a fact added is sorted after every fact of its day): their running totals are
    // the base's. No hypothetical sale: every sale is the base's.
    let first_sale = extra.iter().filter(|f| matches!(f, Fact::Sale { .. })).filter_map(Fact::date).min();
    let base_sales = base.table.partner(&partner.id).rows(crate::model::FactKind::Sale);
    let same = first_sale.map_or(base_sales.len(), |day| base_sales.partition_point(|r| r.date <= day));
    let pf = PartnerFacts::reusing(&table, &partner.id, as_of, &base.totals, same);
    let periods = scheme_periods(program, as_of);
    // A line depends on no fact dated after its period's end (its measure, gates, tier and
    // spend are all taken on or before it), so the periods that ended before the earliest
    // hypothetical fact are `now`'s: only the later ones are evaluated again.
    // A fact without a date (a target) could change any period: then none is kept.
    let earliest = extra.iter().map(Fact::date).min().flatten();
    let kept: Vec<usize> = periods
        .iter()
        .enumerate()
        .map(|(si, ps)| match (earliest, now.schemes.get(si)) {
            (Some(day), Some(result)) if result.periods.len() == ps.len() => {
                ps.iter().take_while(|p| p.end < day).count()
            }
            _ => 0,
        })
        .collect();
    let mut schemes: Vec<SchemeDraft> = periods
        .iter()
        .zip(&kept)
        .enumerate()
        .map(|(si, (ps, &k))| SchemeDraft {
            scheme: si,
            // `k` is 0 unless `now` has this scheme with as many periods.
            kept: now.schemes.get(si).map_or(&[][..], |r| &r.periods[..k]).iter().map(figures_of).collect(),
            lines: Vec::with_capacity(ps.len() - k),
        })
        .collect();
    let tier = draft_lines_from(
        program,
        partner,
        &pf,
        as_of,
        false,
        &periods,
        |si| kept[si],
        |si, _, line| schemes[si].lines.push(line),
    );
    let d = Draft { program, partner, as_of, schemes, tier, badges: gamification::badges(program, &pf) };
    let mut projected = finish(d, context);
    // Budget scaling adds its step while settling; a figures-only projection has none.
    projected.schemes.iter_mut().flat_map(|s| s.periods.iter_mut()).for_each(|l| l.explanation.clear());
    differences(now, program, projected)
}

/// A partner's facts made ready once for many projections as of one date (a what-if panel's
/// keystrokes): indexed in a [`FactTable`], with the running totals of their sales. Each
/// [`project_figures`] copies the table, adds its hypothetical facts, and sums again only the
/// sales from the earliest hypothetical one on.
pub struct ProjectionBase {
    table: FactTable,
    as_of: NaiveDate,
    totals: facts::PartnerTotals,
}

impl ProjectionBase {
    /// `partner`'s facts among `facts`, for projections as of `as_of`.
    pub fn new<'f>(partner: &str, facts: impl IntoIterator<Item = &'f Fact>, as_of: NaiveDate) -> ProjectionBase {
        let table = FactTable::for_partner(partner, facts);
        let totals = PartnerFacts::new(&table, partner, as_of).into_totals();
        ProjectionBase { table, as_of, totals }
    }

    /// The date the projections are as of.
    pub fn as_of(&self) -> NaiveDate {
        self.as_of
    }
}

/// A settled line without its explanation and the facts that counted: its figures.
fn figures_of(line: &PeriodLine) -> PeriodLine {
    PeriodLine {
        label: line.label.clone(),
        start: line.start,
        end: line.end,
        running: line.running,
        eligible: line.eligible,
        measure: line.measure,
        baseline: line.baseline,
        target: line.target,
        attainment: line.attainment,
        slab: line.slab,
        rank: line.rank,
        group: line.group.clone(),
        base: line.base,
        multiplier: line.multiplier,
        rounded: line.rounded,
        payout: line.payout,
        provisional: line.provisional,
        overflow: line.overflow,
        explanation: Vec::new(),
        facts: Vec::new(),
        next: line.next.clone(),
        fund: line.fund.clone(),
    }
}

/// The projected statement with its difference from `now`, per scheme and in total.
fn differences(now: &Statement, program: &Program, projected: Statement) -> WhatIf {
    let mut difference = std::collections::BTreeMap::new();
    let mut total_difference = Totals::default();
    for ((a, b), scheme) in projected.schemes.iter().zip(&now.schemes).zip(&program.schemes) {
        // A scheme whose figures overflowed, now or projected, has no difference to show.
        let Some(diff) = (!a.overflow && !b.overflow).then(|| a.total.checked_sub(b.total)).flatten() else {
            total_difference.overflow = true;
            continue;
        };
        let slot = total_difference.slot(scheme.instrument);
        match slot.checked_add(diff) {
            Some(sum) => *slot = sum,
            None => total_difference.overflow = true,
        }
        difference.insert(a.scheme.clone(), diff);
    }
    WhatIf { statement: projected, difference, total_difference }
}

/// The periods of every scheme that have started by `as_of`.
pub fn scheme_periods(program: &Program, as_of: NaiveDate) -> Vec<Vec<Period>> {
    program.schemes.iter().map(|s| periods(s.window, s.period, as_of)).collect()
}

/// Everything that depends on the partner alone. With `detail`, lines record their
/// explanations and the facts that counted, and badges are worked out.
///
/// `periods` are the program's [`scheme_periods`] as of the same date (computed once for a
/// whole population).
pub fn draft<'p>(
    program: &'p Program,
    partner: &'p Partner,
    pf: &PartnerFacts,
    as_of: NaiveDate,
    detail: bool,
    periods: &'p [Vec<Period>],
) -> Draft<'p> {
    let mut schemes: Vec<SchemeDraft> = periods
        .iter()
        .enumerate()
        .map(|(i, ps)| SchemeDraft { scheme: i, kept: Vec::new(), lines: Vec::with_capacity(ps.len()) })
        .collect();
    let tier = draft_lines(program, partner, pf, as_of, detail, periods, |si, _, line| schemes[si].lines.push(line));
    Draft {
        program,
        partner,
        as_of,
        schemes,
        tier,
        badges: if detail { gamification::badges(program, pf) } else { Vec::new() },
    }
}

/// [`draft`] one line at a time: `each(scheme, period, line)` receives every line in order, so
/// a population run keeps only what it needs of each. Returns the partner's tier status.
pub fn draft_lines<'p>(
    program: &Program,
    partner: &'p Partner,
    pf: &PartnerFacts,
    as_of: NaiveDate,
    detail: bool,
    periods: &'p [Vec<Period>],
    each: impl FnMut(usize, usize, LineDraft<'p>),
) -> TierStatus {
    draft_lines_from(program, partner, pf, as_of, detail, periods, |_| 0, each)
}

/// [`draft_lines`] from period `first(scheme)` of each scheme on: the earlier periods are not
/// drafted (a projection keeps them from the statement it starts from).
#[allow(clippy::too_many_arguments)]
fn draft_lines_from<'p>(
    program: &Program,
    partner: &'p Partner,
    pf: &PartnerFacts,
    as_of: NaiveDate,
    detail: bool,
    periods: &'p [Vec<Period>],
    first: impl Fn(usize) -> usize,
    mut each: impl FnMut(usize, usize, LineDraft<'p>),
) -> TierStatus {
    let tiers = gamification::TierCache::new(program, pf);
    for (si, (scheme, ps)) in program.schemes.iter().zip(periods).enumerate() {
        for (pi, p) in ps.iter().enumerate().skip(first(si)) {
            each(si, pi, draft_line(program, scheme, partner, pf, &tiers, p, as_of, detail));
        }
    }
    tiers.status(program, as_of)
}

/// Whether a scheme's figures depend on the tier a partner holds.
pub fn reads_tier(scheme: &Scheme) -> bool {
    scheme.tier_multiplier
        || scheme.eligibility.min_tier.is_some()
        || scheme.gates.iter().any(|g| matches!(g, Gate::MinTier { .. }))
}

#[allow(clippy::too_many_arguments)]
fn draft_line<'p>(
    program: &Program,
    scheme: &Scheme,
    partner: &'p Partner,
    pf: &PartnerFacts,
    tiers: &gamification::TierCache,
    p: &'p Period,
    as_of: NaiveDate,
    detail: bool,
) -> LineDraft<'p> {
    let running = as_of <= p.end;
    let on = if running { as_of } else { p.end };
    // Figures-only runs work the tier out only for schemes it changes.
    let tier_matters = reads_tier(scheme);
    let held = if detail || tier_matters { tiers.at(program, on) } else { Ok(None) };
    let tier = held.unwrap_or(None);
    let multiplier = match (scheme.tier_multiplier, tier) {
        (true, Some(t)) => program.tiers[t].multiplier,
        _ => Decimal::ONE,
    };
    // Approved spend drawn against the scheme: only funds have any.
    let spend = if scheme.instrument == Instrument::Fund {
        pf.between(crate::model::FactKind::MarketingSpend, p.start, p.end.min(as_of))
            .iter()
            .filter(|r| pf.text(r.key) == scheme.id)
            .try_fold(Decimal::ZERO, |acc, r| acc.checked_add(r.value))
    } else {
        Some(Decimal::ZERO)
    };
    let mut draft = LineDraft {
        period: p,
        running,
        eligible: true,
        measure: None,
        baseline: None,
        // Figures-only runs look the target up only where it changes the payout.
        target: if detail || uses_target(scheme) { pf.target(&scheme.id, &p.label) } else { None },
        group: match &scheme.payout {
            Payout::Rank { group_by, .. } => Some(partner.group(*group_by)),
            _ => None,
        },
        multiplier,
        q: Quantities::default(),
        static_gates: Vec::new(),
        tier,
        closed: true,
        overflow: spend.is_none(),
        spend: spend.unwrap_or_default(),
        detail,
        explanation: Vec::new(),
        facts: Vec::new(),
    };
    let measured = measure_line(
        program,
        scheme,
        partner,
        pf,
        tier,
        on,
        p,
        as_of,
        &mut Trace(detail.then_some(&mut draft.explanation)),
        detail.then_some(&mut draft.facts),
    );
    // A tier the line depends on that cannot be decided, or spend that does not sum, leaves the
    // line without a figure.
    if draft.overflow || (tier_matters && held.is_err()) {
        draft.overflow = true;
        if detail && !draft.explanation.contains(&Step::Overflow) {
            draft.explanation.push(Step::Overflow);
        }
    }
    match measured {
        Measured::Ineligible => draft.eligible = false,
        Measured::Nothing { baseline, overflow } => {
            draft.baseline = baseline;
            draft.overflow |= overflow;
        }
        Measured::Measure { q, measure, baseline } => {
            draft.measure = Some(measure);
            draft.baseline = baseline;
            let any_static =
                scheme.gates.iter().any(|g| matches!(g, Gate::Certification { .. } | Gate::MinTier { .. }));
            if any_static {
                draft.static_gates = scheme
                    .gates
                    .iter()
                    .map(|g| match g {
                        Gate::MinMeasure { .. } | Gate::MinAttainment { .. } => None,
                        Gate::Certification { course } => Some(pf.certifications_by(on, Some(course)) > 0),
                        Gate::MinTier { tier: required } => {
                            let need = program.tiers.iter().position(|t| &t.id == required);
                            Some(matches!((tier, need), (Some(t), Some(n)) if t >= n))
                        }
                    })
                    .collect();
            }
            draft.q = q;
            draft.closed = false;
        }
    }
    draft
}

/// What measuring a line found.
enum Measured {
    Ineligible,
    /// No measure: an overflow or a zero growth baseline (the trace says which).
    Nothing {
        baseline: Option<Decimal>,
        overflow: bool,
    },
    Measure {
        q: Quantities,
        measure: Decimal,
        baseline: Option<Decimal>,
    },
}

/// Steps 1 and 2: eligibility, then the measure over the facts that count.
#[allow(clippy::too_many_arguments)]
fn measure_line(
    program: &Program,
    scheme: &Scheme,
    partner: &Partner,
    pf: &PartnerFacts,
    tier: Option<usize>,
    on: NaiveDate,
    p: &Period,
    as_of: NaiveDate,
    trace: &mut Trace,
    counted: Option<&mut Vec<u32>>,
) -> Measured {
    if let Some(step) = ineligibility(program, scheme, partner, tier, on) {
        trace.push(|| step);
        return Measured::Ineligible;
    }
    let want_distinct = matches!(scheme.measure, Measure::DistinctSkus);
    let Some(q) = pf.quantities_between(&scheme.counts, p.start, p.end.min(as_of), want_distinct, counted) else {
        trace.push(|| Step::Overflow);
        return Measured::Nothing { baseline: None, overflow: true };
    };
    let (measure, baseline) = match &scheme.measure {
        Measure::Growth { of, baseline_offset_months } => {
            let baseline = shift_back(p.start, p.end, *baseline_offset_months)
                .and_then(|(s, e)| pf.quantities_between(&scheme.counts, s, e, false, None))
                .and_then(|bq| growth_base(*of, &bq));
            let (Some(current), Some(baseline)) = (growth_base(*of, &q), baseline) else {
                trace.push(|| Step::Overflow);
                return Measured::Nothing { baseline: None, overflow: true };
            };
            if baseline.is_zero() {
                trace.push(|| Step::ZeroBaseline);
                return Measured::Nothing { baseline: Some(baseline), overflow: false };
            }
            let Some(growth) = current
                .checked_sub(baseline)
                .and_then(|d| d.checked_mul(Decimal::ONE_HUNDRED))
                .and_then(|d| d.checked_div(baseline))
            else {
                trace.push(|| Step::Overflow);
                return Measured::Nothing { baseline: Some(baseline), overflow: true };
            };
            trace.push(|| Step::Growth { current, baseline, growth });
            (growth, Some(baseline))
        }
        m => {
            let Some(measure) = simple_measure(m, &q) else {
                trace.push(|| Step::Overflow);
                return Measured::Nothing { baseline: None, overflow: true };
            };
            (measure, None)
        }
    };
    let facts = q.lines.try_into().unwrap_or(usize::MAX);
    trace.push(|| Step::Measured { measure, facts });
    Measured::Measure { q, measure, baseline }
}

/// Whether a scheme's payout depends on the partner's target: target-relative slabs or a
/// minimum-attainment gate.
fn uses_target(scheme: &Scheme) -> bool {
    matches!(scheme.payout, Payout::Slabs { bounds: crate::model::SlabBounds::PercentOfTarget, .. })
        || scheme.gates.iter().any(|g| matches!(g, Gate::MinAttainment { .. }))
}

/// The first eligibility condition the partner fails on `on`, if any.
fn ineligibility(
    program: &Program,
    scheme: &Scheme,
    partner: &Partner,
    tier: Option<usize>,
    on: NaiveDate,
) -> Option<Step> {
    let e = &scheme.eligibility;
    let check = |field: EligibilityField, allowed: &[String], actual: &str| {
        (!allowed.is_empty() && !allowed.iter().any(|a| a == actual)).then(|| Step::Ineligible {
            field,
            required: allowed.to_vec(),
            actual: actual.into(),
        })
    };
    if partner.enrolled > on {
        return Some(Step::NotEnrolled { enrolled: partner.enrolled });
    }
    check(EligibilityField::Type, &e.partner_types, &partner.partner_type)
        .or_else(|| check(EligibilityField::Region, &e.regions, &partner.region))
        .or_else(|| check(EligibilityField::Segment, &e.segments, &partner.segment))
        .or_else(|| {
            let required = e.min_tier.as_ref()?;
            let need = program.tiers.iter().position(|t| &t.id == required);
            let ok = matches!((tier, need), (Some(t), Some(n)) if t >= n);
            (!ok).then(|| Step::Ineligible {
                field: EligibilityField::Tier,
                required: vec![required.clone()],
                actual: tier.map(|t| program.tiers[t].id.clone()).unwrap_or_default(),
            })
        })
}

/// What a line pays for a given measure and quantities: steps 3 to 7 (gates, base payout, tier
/// multiplier, cap, rounding). Returns the rounded payout, or `None` on overflow.
struct Paid {
    base: Decimal,
    rounded: Decimal,
    slab: Option<usize>,
    rank: Option<u32>,
    provisional: bool,
}

fn pay(
    program: &Program,
    scheme: &Scheme,
    d: &LineDraft,
    measure: Decimal,
    q: &Quantities,
    context: Option<&Context>,
    steps: &mut Trace,
) -> Option<Paid> {
    let zero = Paid { base: Decimal::ZERO, rounded: Decimal::ZERO, slab: None, rank: None, provisional: false };
    let target = d.target;
    if let Some(failed) = failed_gate(scheme, d, measure)? {
        steps.push(|| gate_failure(program, scheme, d, failed, measure));
        return Some(zero);
    }
    let mut paid = zero;
    let base = match &scheme.payout {
        Payout::Flat { rate } => payout::flat(rate, q, steps)?,
        Payout::Fixed { amount } => {
            steps.push(|| Step::FixedAmount { amount: *amount });
            *amount
        }
        Payout::Slabs { mode, bounds, slabs } => {
            let Some(abs) = payout::Bounds::new(slabs, *bounds, target) else {
                steps.push(|| Step::NoTarget);
                return Some(paid);
            };
            if let Some(t) = target {
                if let Some(att) = measure.checked_mul(Decimal::ONE_HUNDRED).and_then(|m| m.checked_div(t)) {
                    steps.push(|| Step::Attainment { target: t, attainment: att });
                }
            }
            let (amount, slab) = payout::slabs(*mode, slabs, abs, measure, q, steps)?;
            paid.slab = Some(slab);
            amount
        }
        Payout::Rank { amounts, .. } => {
            let group = d.group.unwrap_or_default();
            if !positive(measure) {
                steps.push(|| Step::NotRanked { group: group.into() });
                return Some(paid);
            }
            let Some(board) = context.and_then(|c| c.rank_board(&scheme.id, &d.period.label, group)) else {
                steps.push(|| Step::RankUnknown);
                paid.provisional = true;
                return Some(paid);
            };
            if board.overflow {
                // Another partner's measure overflowed: no rank in the group can be decided.
                return None;
            }
            let rank = 1 + board.measures.iter().filter(|m| **m > measure).count() as u32;
            match amounts.get(rank as usize - 1) {
                Some(amount) => {
                    steps.push(|| Step::Rank { group: group.into(), rank, amount: *amount });
                    paid.rank = Some(rank);
                    *amount
                }
                None => {
                    steps.push(|| Step::NotRanked { group: group.into() });
                    return Some(paid);
                }
            }
        }
    };
    // A period never pays below zero: returns claw back by lowering the period they fall in.
    let base = if base.is_sign_negative() { Decimal::ZERO } else { base };
    paid.base = base;
    let mut amount = base;
    if scheme.tier_multiplier && cmp_dec(&d.multiplier, &Decimal::ONE).is_ne() {
        amount = exact::mul(amount, d.multiplier)?;
        steps.push(|| Step::Multiplier { tier: tier_id(program, d.tier), multiplier: d.multiplier, payout: amount });
    }
    if let Some(cap) = scheme.cap {
        if cmp_dec(&amount, &cap).is_gt() {
            amount = cap;
            steps.push(|| Step::Capped { cap, payout: amount });
        }
    }
    let decimals = precision(program, scheme.instrument);
    let rounded = round(amount, decimals);
    if rounded != amount {
        steps.push(|| Step::Rounded { decimals, payout: rounded });
    }
    paid.rounded = rounded;
    Some(paid)
}

/// The index of the first gate that does not hold at `measure`, if any (`None` on overflow).
fn failed_gate(scheme: &Scheme, d: &LineDraft, measure: Decimal) -> Option<Option<usize>> {
    for (i, gate) in scheme.gates.iter().enumerate() {
        let held = match gate {
            Gate::MinMeasure { value } => cmp_dec(&measure, value).is_ge(),
            Gate::MinAttainment { percent } => match d.target.filter(|t| !t.is_zero()) {
                Some(t) => measure.checked_mul(Decimal::ONE_HUNDRED)?.checked_div(t)? >= *percent,
                None => false,
            },
            Gate::Certification { .. } | Gate::MinTier { .. } => d.static_gates.get(i) == Some(&Some(true)),
        };
        if !held {
            return Some(Some(i));
        }
    }
    Some(None)
}

/// The id of a tier by index (`""` for no tier).
fn tier_id(program: &Program, tier: Option<usize>) -> String {
    tier.and_then(|t| program.tiers.get(t)).map(|t| t.id.clone()).unwrap_or_default()
}

/// The explanation of a failed gate: what it required and what the partner had.
fn gate_failure(program: &Program, scheme: &Scheme, d: &LineDraft, gate: usize, measure: Decimal) -> Step {
    let (kind, required, actual) = match &scheme.gates[gate] {
        Gate::MinMeasure { value } => (GateKind::MinMeasure, value.to_string(), measure.to_string()),
        Gate::MinAttainment { percent } => {
            let attainment = d
                .target
                .filter(|t| !t.is_zero())
                .and_then(|t| measure.checked_mul(Decimal::ONE_HUNDRED)?.checked_div(t));
            (
                GateKind::MinAttainment,
                percent.to_string(),
                attainment.map_or_else(|| "no_target".into(), |a| a.to_string()),
            )
        }
        Gate::Certification { course } => (GateKind::Certification, course.clone(), String::new()),
        Gate::MinTier { tier } => (GateKind::MinTier, tier.clone(), tier_id(program, d.tier)),
    };
    Step::GateFailed { gate, kind, required, actual }
}

/// The measure a line is ranked by, when it takes part in ranking: eligible, a positive
/// measure, and every gate held.
pub fn rankable(scheme: &Scheme, d: &LineDraft) -> Option<Decimal> {
    let measure = d.measure.filter(|m| positive(*m))?;
    (!d.closed && !d.overflow && failed_gate(scheme, d, measure)?.is_none()).then_some(measure)
}

/// A line's figures before budget scaling: (rounded payout, rank, provisional); `None` on
/// overflow, whether of the line's own measure or arithmetic or of its rank board.
pub fn settled(
    program: &Program,
    scheme: &Scheme,
    d: &LineDraft,
    context: Option<&Context>,
) -> Option<(Decimal, Option<u32>, bool)> {
    if d.overflow {
        return None;
    }
    if d.closed {
        return Some((Decimal::ZERO, None, false));
    }
    let paid = pay(program, scheme, d, d.measure.unwrap_or_default(), &d.q, context, &mut Trace(None))?;
    Some((paid.rounded, paid.rank, paid.provisional))
}

/// A line's payout before budget scaling, filling the line's fields and explanation.
///
/// The line's explanation and counted facts move into the result (they can be long).
pub fn settle(program: &Program, scheme: &Scheme, d: &mut LineDraft, context: Option<&Context>) -> PeriodLine {
    let attainment = match (d.measure, d.target.filter(|t| !t.is_zero())) {
        (Some(m), Some(t)) => m.checked_mul(Decimal::ONE_HUNDRED).and_then(|m| m.checked_div(t)),
        _ => None,
    };
    let mut line = PeriodLine {
        label: d.period.label.clone(),
        start: d.period.start,
        end: d.period.end,
        running: d.running,
        eligible: d.eligible,
        measure: d.measure,
        baseline: d.baseline,
        target: d.target,
        attainment,
        slab: None,
        rank: None,
        group: d.group.map(String::from),
        base: Decimal::ZERO,
        multiplier: d.multiplier,
        rounded: Decimal::ZERO,
        payout: Decimal::ZERO,
        provisional: false,
        overflow: d.overflow,
        explanation: std::mem::take(&mut d.explanation),
        facts: std::mem::take(&mut d.facts),
        next: None,
        fund: None,
    };
    if d.closed || d.overflow {
        return line;
    }
    let measure = line.measure.unwrap_or_default();
    match pay(program, scheme, d, measure, &d.q, context, &mut Trace(d.detail.then_some(&mut line.explanation))) {
        Some(paid) => {
            line.base = paid.base;
            line.rounded = paid.rounded;
            line.payout = paid.rounded;
            line.slab = paid.slab;
            line.rank = paid.rank;
            line.provisional = paid.provisional;
        }
        None => {
            line.overflow = true;
            Trace(d.detail.then_some(&mut line.explanation)).push(|| Step::Overflow);
        }
    }
    line
}

/// What a scheme's budget does to one partner's rounded payout (step 8).
pub enum Budgeted {
    /// No budget, or the period's total is within it.
    Unchanged,
    /// Scaled down to `payout` by `budget / total`.
    Scaled {
        payout: Decimal,
        budget: Decimal,
        total: Decimal,
    },
    /// The scheme has a budget but the context does not say the period's total.
    Unknown,
    Overflow,
}

/// Scale a rounded payout by its scheme's budget: `floor(rounded × budget / total)` at the
/// instrument's precision, computed exactly in integers.
pub fn budgeted(
    program: &Program,
    scheme: &Scheme,
    label: &str,
    rounded: Decimal,
    context: Option<&Context>,
) -> Budgeted {
    if scheme.budget.is_none() {
        return Budgeted::Unchanged;
    }
    let Some(scale) = context.and_then(|c| c.budget(&scheme.id, label)) else {
        return Budgeted::Unknown;
    };
    if rounded.is_zero() {
        // Zero scaled by any factor, even an undefined one, is zero.
        return Budgeted::Unchanged;
    }
    if scale.overflow {
        return Budgeted::Overflow;
    }
    if scale.total <= scale.budget || rounded.is_zero() {
        return Budgeted::Unchanged;
    }
    match scale_down(rounded, scale.budget, scale.total, precision(program, scheme.instrument)) {
        Some(payout) => Budgeted::Scaled { payout, budget: scale.budget, total: scale.total },
        None => Budgeted::Overflow,
    }
}

fn apply_budget(program: &Program, scheme: &Scheme, line: &mut PeriodLine, context: Option<&Context>) {
    if line.overflow {
        return;
    }
    let step = match budgeted(program, scheme, &line.label, line.rounded, context) {
        Budgeted::Unchanged => return,
        Budgeted::Scaled { payout, budget, total } => {
            line.payout = payout;
            Step::BudgetScaled { budget, total, payout }
        }
        Budgeted::Unknown => {
            line.provisional = true;
            Step::BudgetUnknown
        }
        Budgeted::Overflow => {
            line.payout = Decimal::ZERO;
            line.overflow = true;
            Step::Overflow
        }
    };
    line.explanation.push(step);
}

/// `floor(amount × budget / total)` to `dp` decimals, exactly.
pub fn scale_down(amount: Decimal, budget: Decimal, total: Decimal, dp: u32) -> Option<Decimal> {
    let unit = Decimal::try_from_i128_with_scale(1, dp).ok()?;
    let as_units = |x: Decimal| -> Option<i128> {
        let mut units = x.checked_div(unit)?.floor();
        units.rescale(0);
        Some(units.mantissa())
    };
    let (a, b, t) = (as_units(amount)?, as_units(budget)?, as_units(total)?);
    if t <= 0 {
        return None;
    }
    let scaled = a.checked_mul(b)?.div_euclid(t);
    Decimal::try_from_i128_with_scale(scaled, dp).ok()
}

/// The next threshold above the current measure of a running line, and the payout there.
fn milestone(
    program: &Program,
    scheme: &Scheme,
    d: &LineDraft,
    now: &PeriodLine,
    context: Option<&Context>,
) -> Option<Milestone> {
    if !now.running || d.closed || now.overflow || d.static_gates.contains(&Some(false)) {
        return None;
    }
    let measure = now.measure?;
    let target = now.target;
    let mut candidates: Vec<(Decimal, MilestoneKind)> = Vec::new();
    for gate in &scheme.gates {
        match gate {
            Gate::MinMeasure { value } => candidates.push((*value, MilestoneKind::Gate)),
            Gate::MinAttainment { percent } => {
                if let Some(t) = target {
                    candidates.push((t.checked_mul(*percent)?.checked_div(Decimal::ONE_HUNDRED)?, MilestoneKind::Gate));
                }
            }
            _ => {}
        }
    }
    match &scheme.payout {
        Payout::Slabs { bounds, slabs, .. } => {
            if let Some(abs) = payout::Bounds::new(slabs, *bounds, target) {
                candidates.extend(abs.iter().map(|b| (b, MilestoneKind::Slab)));
            }
        }
        Payout::Rank { .. } => {
            let group = now.group.clone().unwrap_or_default();
            if let Some(board) = context.and_then(|c| c.rank_board(&scheme.id, &now.label, &group)) {
                candidates.extend(board.measures.iter().map(|m| (*m, MilestoneKind::Rank)));
                // An unranked partner with no board entries reaches a rank with any sale.
            }
        }
        _ => {}
    }
    let (threshold, kind) = candidates.into_iter().filter(|(t, _)| *t > measure).min_by(|a, b| a.0.cmp(&b.0))?;
    let needed = threshold.checked_sub(measure)?;
    let q = raise(scheme, &d.q, now.baseline, measure, threshold)?;
    let there = pay(program, scheme, d, threshold, &q, context, &mut Trace(None))?;
    Some(Milestone { kind, threshold, needed, payout: there.rounded, gain: there.rounded.checked_sub(now.rounded)? })
}

/// The quantities once the measure has grown from `from` to `to`: the quantity the measure is
/// made of grows with it (value for a value measure, and so on; for growth, the current side).
fn raise(scheme: &Scheme, q: &Quantities, baseline: Option<Decimal>, from: Decimal, to: Decimal) -> Option<Quantities> {
    let mut q = q.clone();
    let delta = to.checked_sub(from)?;
    match &scheme.measure {
        Measure::SumValue => q.value = Some(q.value?.checked_add(delta)?),
        Measure::SumUnits => q.units = Some(q.units?.checked_add(delta)?),
        Measure::Count => q.count = q.count.checked_add(delta)?,
        Measure::DistinctSkus => q.distinct = q.distinct.checked_add(delta)?,
        Measure::Growth { of, .. } => {
            let b = baseline?;
            let current = b.checked_mul(Decimal::ONE_HUNDRED.checked_add(to)?)?.checked_div(Decimal::ONE_HUNDRED)?;
            match of {
                crate::model::GrowthBase::SumValue => q.value = Some(current),
                crate::model::GrowthBase::SumUnits => q.units = Some(current),
                crate::model::GrowthBase::Count => q.count = current,
            }
        }
    }
    Some(q)
}

/// Complete a draft into a statement: rank rewards and budgets from the context, milestones,
/// fund balances and totals.
pub fn finish(mut draft: Draft, context: Option<&Context>) -> Statement {
    let program = draft.program;
    let mut totals = Totals::default();
    let mut provisional = false;
    let mut overflow = false;
    let schemes = draft
        .schemes
        .iter_mut()
        .map(|sd| {
            let scheme = &program.schemes[sd.scheme];
            let mut fund = scheme_fund(scheme);
            let mut total = Decimal::ZERO;
            let mut scheme_overflow = false;
            let kept = std::mem::take(&mut sd.kept);
            for line in &kept {
                if let (Some(f), Some(kept_fund)) = (fund.as_mut(), &line.fund) {
                    f.clone_from(kept_fund);
                }
                match total.checked_add(line.payout).filter(|_| !line.overflow) {
                    Some(sum) => total = sum,
                    None => scheme_overflow = true,
                }
                provisional |= line.provisional;
            }
            let fresh = sd.lines.iter_mut().map(|d| {
                let mut line = settle(program, scheme, d, context);
                apply_budget(program, scheme, &mut line, context);
                line.next = milestone(program, scheme, &*d, &line, context);
                if let Some(f) = fund.as_mut() {
                    draw_fund(program, scheme, f, line.payout, d.spend);
                    line.fund = Some(f.clone());
                }
                match total.checked_add(line.payout).filter(|_| !line.overflow) {
                    Some(sum) => total = sum,
                    None => scheme_overflow = true,
                }
                provisional |= line.provisional;
                line
            });
            let periods: Vec<PeriodLine> = kept.into_iter().chain(fresh.collect::<Vec<_>>()).collect();
            let slot = totals.slot(scheme.instrument);
            match slot.checked_add(total) {
                Some(sum) => *slot = sum,
                None => scheme_overflow = true,
            }
            overflow |= scheme_overflow;
            SchemeResult {
                scheme: scheme.id.clone(),
                name: scheme.name.clone(),
                kind: scheme.kind,
                instrument: scheme.instrument,
                periods,
                total,
                fund,
                overflow: scheme_overflow,
            }
        })
        .collect::<Vec<_>>();
    totals.overflow = overflow;
    let badges = gamification::settle_badges(program, &draft.badges, &schemes);
    Statement {
        program: program.id.clone(),
        partner: draft.partner.id.clone(),
        as_of: draft.as_of,
        currency: program.currency.clone(),
        decimals: program.decimals,
        points_name: program.points_name.clone(),
        schemes,
        totals,
        tier: draft.tier.clone(),
        badges,
        provisional,
        overflow,
    }
}

fn scheme_fund(scheme: &Scheme) -> Option<FundBalance> {
    (scheme.instrument == Instrument::Fund).then(FundBalance::default)
}

/// Accrue a period's payout into the fund, then reimburse the period's approved spend at the
/// fund's share, limited to the balance. Accruals are available to spend in the same period;
/// the balance carries over to the next period of the window.
fn draw_fund(program: &Program, scheme: &Scheme, f: &mut FundBalance, accrued: Decimal, spend: Decimal) {
    f.accrued = f.accrued.saturating_add(accrued);
    f.balance = f.balance.saturating_add(accrued);
    let share = scheme.fund.as_ref().map_or(Decimal::ONE_HUNDRED, |r| r.reimburse_percent);
    let claim = spend
        .checked_mul(share)
        .and_then(|x| x.checked_div(Decimal::ONE_HUNDRED))
        .map(|x| round(x, program.decimals))
        .unwrap_or(Decimal::MAX);
    let drawn = claim.min(f.balance).max(Decimal::ZERO);
    f.drawn = f.drawn.saturating_add(drawn);
    f.balance -= drawn;
}
