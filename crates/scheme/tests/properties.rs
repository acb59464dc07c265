//! Property tests: invariants of `docs/semantics.md` over generated programs and facts, and no panic
//! on any input.

#![cfg(not(target_arch = "wasm32"))]

use chrono::{Days, NaiveDate};
use mitra_scheme::model::*;
use mitra_scheme::{
    population, project, project_figures, statement, update, validate, what_if, FactTable, ProjectionBase,
};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()
}

fn money() -> impl Strategy<Value = Decimal> {
    (0i64..50_000_000, 0u32..3).prop_map(|(m, s)| Decimal::new(m, s))
}

fn signed_money() -> impl Strategy<Value = Decimal> {
    (-5_000_000i64..50_000_000, 0u32..3).prop_map(|(m, s)| Decimal::new(m, s))
}

/// Any decimal at all, including the extremes where arithmetic overflows.
fn wild() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        any::<i64>().prop_map(Decimal::from),
        (any::<i64>(), 0u32..29).prop_map(|(m, s)| Decimal::new(m, s)),
        Just(Decimal::MAX),
        Just(Decimal::MIN),
        Just(Decimal::ZERO),
    ]
}

fn partner(i: usize) -> Partner {
    Partner {
        id: format!("p{i}"),
        name: format!("Partner {i}"),
        partner_type: ["dealer", "distributor"][i % 2].into(),
        region: ["north", "south", "east"][i % 3].into(),
        segment: "retail".into(),
        enrolled: NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
        parent: None,
    }
}

fn sale(partner: usize, day: u64, sku: u8, units: Decimal, value: Decimal) -> Fact {
    Fact::Sale {
        partner: compact_str::format_compact!("p{partner}"),
        date: start() + Days::new(day),
        invoice: compact_str::format_compact!("INV-{day}"),
        sku: compact_str::format_compact!("SKU{sku}"),
        category: if sku.is_multiple_of(2) { "even".into() } else { "odd".into() },
        units,
        value,
    }
}

fn facts_for(partners: usize, max: usize, value: impl Strategy<Value = Decimal>) -> impl Strategy<Value = Vec<Fact>> {
    proptest::collection::vec((0..partners, 0u64..365, 0u8..6, 1i64..50, value), 0..max)
        .prop_map(|v| v.into_iter().map(|(p, d, s, u, val)| sale(p, d, s, Decimal::from(u), val)).collect())
}

fn scheme(payout: Payout, measure: Measure) -> Scheme {
    Scheme {
        id: "s".into(),
        name: "s".into(),
        names: Default::default(),
        kind: SchemeKind::SalesIncentive,
        window: Window { start: start(), end: NaiveDate::from_ymd_opt(2026, 12, 31).unwrap() },
        period: PeriodKind::Quarter,
        eligibility: Eligibility::default(),
        counts: FactFilter { fact: FactKind::Sale, skus: vec![], categories: vec![], courses: vec![] },
        measure,
        gates: vec![],
        payout,
        tier_multiplier: false,
        cap: None,
        budget: None,
        instrument: Instrument::Cash,
        fund: None,
    }
}

fn program(schemes: Vec<Scheme>) -> Program {
    Program {
        id: "p".into(),
        name: "p".into(),
        names: Default::default(),
        currency: "MYR".into(),
        decimals: 2,
        points_name: "points".into(),
        time_zone: "UTC".into(),
        schemes,
        tiers: vec![],
        badges: vec![],
    }
}

/// Slabs with ascending bounds from 0 and non-decreasing percent rates.
fn rising_slabs() -> impl Strategy<Value = Vec<Slab>> {
    proptest::collection::vec((1i64..20_000_000, 0i64..300), 1..5).prop_map(|steps| {
        let (mut bound, mut rate) = (Decimal::ZERO, Decimal::ZERO);
        let mut slabs = Vec::new();
        for (i, (gap, step)) in steps.into_iter().enumerate() {
            if i > 0 {
                bound += Decimal::from(gap);
            }
            rate += Decimal::new(step, 2);
            slabs.push(Slab { from: bound, pay: SlabPay::PercentOfValue { percent: rate } });
        }
        slabs
    })
}

fn total(program: &Program, p: &Partner, facts: &[Fact], as_of: NaiveDate) -> Decimal {
    statement(program, p, facts, as_of, None).schemes[0].total
}

const AS_OF: fn() -> NaiveDate = || NaiveDate::from_ymd_opt(2026, 12, 31).unwrap();

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// A positive sale inside a period never lowers a sum measure.
    #[test]
    fn a_positive_sale_never_lowers_a_sum_measure(facts in facts_for(1, 40, signed_money()), day in 0u64..365, units in 1i64..100, value in money()) {
        for measure in [Measure::SumValue, Measure::SumUnits, Measure::Count] {
            let prog = program(vec![scheme(Payout::Fixed { amount: Decimal::ONE }, measure)]);
            let before = statement(&prog, &partner(0), &facts, AS_OF(), None);
            let mut more = facts.clone();
            more.push(sale(0, day, 1, Decimal::from(units), value));
            let after = statement(&prog, &partner(0), &more, AS_OF(), None);
            for (b, a) in before.schemes[0].periods.iter().zip(&after.schemes[0].periods) {
                prop_assert!(a.measure >= b.measure);
            }
        }
    }

    /// With non-decreasing slab rates the payout never drops as the measure grows, and
    /// incremental never pays more than retroactive.
    #[test]
    fn slab_payouts_are_monotonic_and_incremental_never_exceeds_retroactive(slabs in rising_slabs(), values in proptest::collection::vec(money(), 1..20), extra in money()) {
        let retro = program(vec![scheme(Payout::Slabs { mode: SlabMode::Retroactive, bounds: SlabBounds::Absolute, slabs: slabs.clone() }, Measure::SumValue)]);
        let incr = program(vec![scheme(Payout::Slabs { mode: SlabMode::Incremental, bounds: SlabBounds::Absolute, slabs }, Measure::SumValue)]);
        prop_assert!(validate(&retro).is_empty() && validate(&incr).is_empty());
        let facts: Vec<Fact> = values.iter().enumerate().map(|(i, v)| sale(0, i as u64, 0, Decimal::ONE, *v)).collect();
        let mut more = facts.clone();
        more.push(sale(0, 30, 0, Decimal::ONE, extra));
        let p = partner(0);
        let (r0, r1) = (total(&retro, &p, &facts, AS_OF()), total(&retro, &p, &more, AS_OF()));
        let (i0, i1) = (total(&incr, &p, &facts, AS_OF()), total(&incr, &p, &more, AS_OF()));
        prop_assert!(r1 >= r0, "retroactive dropped: {r0} -> {r1}");
        prop_assert!(i1 >= i0, "incremental dropped: {i0} -> {i1}");
        prop_assert!(i0 <= r0 && i1 <= r1);
    }

    /// A cap is never exceeded, whatever the multiplier.
    #[test]
    fn a_cap_is_never_exceeded(facts in facts_for(3, 60, money()), cap in money(), percent in 0i64..5000) {
        let mut s = scheme(Payout::Flat { rate: Rate::PercentOfValue { percent: Decimal::new(percent, 2) } }, Measure::SumValue);
        s.cap = Some(cap);
        s.tier_multiplier = true;
        let mut prog = program(vec![s]);
        prog.tiers = vec![Tier {
            id: "t".into(), name: "t".into(), names: Default::default(),
            counts: FactFilter { fact: FactKind::Sale, skus: vec![], categories: vec![], courses: vec![] },
            measure: Measure::SumValue, trailing_months: 12, threshold: Decimal::ZERO,
            min_certifications: 0, multiplier: Decimal::new(3, 0), perks: vec![],
        }];
        let partners: Vec<Partner> = (0..3).map(partner).collect();
        let run = population(&prog, &partners, &FactTable::from(&facts[..]), AS_OF());
        for f in &run.partners {
            for line in &f.schemes[0].periods {
                prop_assert!(line.payout <= cap, "{} > cap {}", line.payout, cap);
            }
        }
    }

    /// A partner's statement from a run's `context_for` them equals the run's own figures for
    /// them; and after the partner's own facts change (sales or returns), it equals the statement
    /// with the context of a run that includes the change, wherever the change does not move the
    /// partner into or out of the rewarded ranks (then a partner just outside them in the earlier
    /// run, whose measure no board kept, may now rank above).
    #[test]
    fn context_for_a_partner_ranks_their_current_measure_against_the_others(facts in facts_for(6, 60, money()), own in facts_for(1, 6, signed_money()), amounts in proptest::collection::vec(money(), 1..4)) {
        let rewarded = amounts.len() as u32;
        let mut rank = scheme(Payout::Rank { group_by: GroupBy::Region, amounts }, Measure::SumValue);
        rank.period = PeriodKind::Month;
        let prog = program(vec![rank]);
        let partners: Vec<Partner> = (0..6).map(partner).collect();
        let before = population(&prog, &partners, &FactTable::from(&facts[..]), AS_OF());
        for (p, entry) in partners.iter().zip(&before.partners) {
            let st = statement(&prog, p, &facts, AS_OF(), Some(&before.context_for(&prog, p)));
            prop_assert_eq!(&st.figures(), entry);
        }
        let after_facts: Vec<Fact> = facts.iter().cloned().chain(own).collect();
        let after = population(&prog, &partners, &FactTable::from(&after_facts[..]), AS_OF());
        let at_once = statement(&prog, &partners[0], &after_facts, AS_OF(), Some(&before.context_for(&prog, &partners[0])));
        let settled = statement(&prog, &partners[0], &after_facts, AS_OF(), Some(&after.context));
        let is_rewarded = |r: Option<u32>| r.is_some_and(|r| r <= rewarded);
        for (pi, (a, b)) in at_once.schemes[0].periods.iter().zip(&settled.schemes[0].periods).enumerate() {
            let was = before.partners[0].schemes[0].periods[pi].rank;
            if is_rewarded(was) != is_rewarded(b.rank) {
                continue;
            }
            prop_assert_eq!((a.measure, a.rank, a.payout, &a.next), (b.measure, b.rank, b.payout, &b.next), "period {}", a.label);
        }
    }

    /// A budget is never exceeded, and a partner's statement with the published context equals
    /// its entry in the population (ranks and budgets included).
    #[test]
    fn budgets_hold_and_context_reproduces_the_population(facts in facts_for(8, 120, money()), budget in money(), amounts in proptest::collection::vec(money(), 1..4)) {
        let mut flat = scheme(Payout::Flat { rate: Rate::PercentOfValue { percent: Decimal::new(5, 0) } }, Measure::SumValue);
        flat.budget = Some(budget);
        let mut rank = scheme(Payout::Rank { group_by: GroupBy::Region, amounts }, Measure::SumUnits);
        rank.id = "r".into();
        rank.budget = Some(budget);
        let prog = program(vec![flat, rank]);
        let partners: Vec<Partner> = (0..8).map(partner).collect();
        let run = population(&prog, &partners, &FactTable::from(&facts[..]), AS_OF());
        for si in 0..2 {
            for pi in 0..run.schemes[si].periods.len() {
                let sum: Decimal = run.partners.iter().map(|f| f.schemes[si].periods[pi].payout).sum();
                prop_assert!(sum <= budget, "scheme {si} period {pi}: {sum} > {budget}");
            }
        }
        for (p, entry) in partners.iter().zip(&run.partners) {
            let own = statement(&prog, p, &facts, AS_OF(), Some(&run.context));
            prop_assert_eq!(&own.figures(), entry);
        }
    }

    /// what_if with no extra facts is the statement, with no difference.
    #[test]
    fn what_if_without_extra_facts_is_the_statement(facts in facts_for(2, 40, signed_money()), slabs in rising_slabs()) {
        let prog = program(vec![scheme(Payout::Slabs { mode: SlabMode::Retroactive, bounds: SlabBounds::Absolute, slabs }, Measure::SumValue)]);
        let p = partner(0);
        let st = statement(&prog, &p, &facts, AS_OF(), None);
        let w = what_if(&prog, &p, &facts, &[], AS_OF(), None);
        prop_assert_eq!(&w.statement, &st);
        prop_assert!(w.difference.values().all(|d| d.is_zero()));
    }
}

fn any_payout() -> impl Strategy<Value = Payout> {
    let pay = prop_oneof![
        wild().prop_map(|percent| SlabPay::PercentOfValue { percent }),
        wild().prop_map(|amount| SlabPay::PerUnit { amount }),
        wild().prop_map(|amount| SlabPay::PerCount { amount }),
        wild().prop_map(|amount| SlabPay::Fixed { amount }),
    ];
    prop_oneof![
        wild().prop_map(|percent| Payout::Flat { rate: Rate::PercentOfValue { percent } }),
        wild().prop_map(|amount| Payout::Flat { rate: Rate::PerUnit { amount } }),
        wild().prop_map(|amount| Payout::Fixed { amount }),
        (any::<bool>(), any::<bool>(), proptest::collection::vec((wild(), pay), 0..4)).prop_map(
            |(retro, rel, slabs)| Payout::Slabs {
                mode: if retro { SlabMode::Retroactive } else { SlabMode::Incremental },
                bounds: if rel { SlabBounds::PercentOfTarget } else { SlabBounds::Absolute },
                slabs: slabs.into_iter().map(|(from, pay)| Slab { from, pay }).collect(),
            }
        ),
        proptest::collection::vec(wild(), 0..3).prop_map(|amounts| Payout::Rank { group_by: GroupBy::Region, amounts }),
    ]
}

fn any_measure() -> impl Strategy<Value = Measure> {
    prop_oneof![
        Just(Measure::SumValue),
        Just(Measure::SumUnits),
        Just(Measure::Count),
        Just(Measure::DistinctSkus),
        (0u32..40).prop_map(|m| Measure::Growth { of: GrowthBase::SumValue, baseline_offset_months: m }),
    ]
}

fn any_scheme() -> impl Strategy<Value = Scheme> {
    (
        any_measure(),
        any_payout(),
        proptest::option::of(wild()),
        proptest::option::of(wild()),
        -400i64..800,
        0i64..800,
        0u8..3,
        any::<bool>(),
        proptest::option::of(wild()),
    )
        .prop_map(|(measure, payout, cap, budget, from, len, period, fund, gate)| {
            let mut s = scheme(payout, measure);
            s.cap = cap;
            s.budget = budget;
            s.window = Window {
                start: start() + chrono::Duration::days(from),
                end: start() + chrono::Duration::days(from + len - 200),
            };
            s.period = [PeriodKind::Window, PeriodKind::Month, PeriodKind::Quarter][period as usize];
            s.tier_multiplier = true;
            if fund {
                s.instrument = Instrument::Fund;
                s.fund = Some(FundRule { reimburse_percent: Decimal::new(50, 0) });
            }
            if let Some(value) = gate {
                s.gates = vec![Gate::MinMeasure { value }, Gate::MinAttainment { percent: value }];
            }
            s
        })
}

fn any_fact() -> impl Strategy<Value = Fact> {
    (0usize..4, 0u64..800, 0u8..6, wild(), wild(), 0u8..4).prop_map(|(p, day, sku, units, value, kind)| match kind {
        0 | 1 => sale(p, day, sku, units, value),
        2 => Fact::MarketingSpend {
            partner: compact_str::format_compact!("p{p}"),
            date: start() + Days::new(day),
            scheme: "s".into(),
            amount: value,
        },
        _ => Fact::Target {
            partner: compact_str::format_compact!("p{p}"),
            scheme: "s".into(),
            period: "2026-Q1".into(),
            value,
        },
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// No program, valid or not, and no facts make evaluation panic.
    #[test]
    fn nothing_panics(schemes in proptest::collection::vec(any_scheme(), 1..3), facts in proptest::collection::vec(any_fact(), 0..30), decimals in 0u32..40, tier_threshold in wild(), multiplier in wild()) {
        let mut prog = program(schemes);
        prog.decimals = decimals;
        prog.tiers = vec![Tier {
            id: "t".into(), name: "t".into(), names: Default::default(),
            counts: FactFilter { fact: FactKind::Sale, skus: vec![], categories: vec![], courses: vec![] },
            measure: Measure::SumValue, trailing_months: 12, threshold: tier_threshold,
            min_certifications: 1, multiplier, perks: vec![],
        }];
        prog.badges = vec![
            Badge { id: "b".into(), name: "b".into(), names: Default::default(), rule: BadgeRule::CategoryShare { category: "even".into(), percent: tier_threshold } },
            Badge { id: "c".into(), name: "c".into(), names: Default::default(), rule: BadgeRule::TopN { scheme: "s".into(), n: 1 } },
        ];
        let _ = validate(&prog);
        let partners: Vec<Partner> = (0..4).map(partner).collect();
        let as_of = start() + Days::new(400);
        let run = population(&prog, &partners, &FactTable::from(&facts[..]), as_of);
        let _ = statement(&prog, &partners[0], &facts, as_of, Some(&run.context));
        let _ = what_if(&prog, &partners[1], &facts, &facts[..facts.len().min(3)], as_of, Some(&run.context_for(&prog, &partners[1])));
        let _ = serde_json::to_string(&run).unwrap();
    }

    /// The figures-only projection (the what-if panel's) agrees with the full one in everything
    /// but the explanations and the lists of facts that counted. `own` are sales of the
    /// projected partner dated on or before the as-of date, as the panel adds them: the periods
    /// that ended before the earliest of them are taken from the current statement.
    #[test]
    fn project_figures_agrees_with_project(schemes in proptest::collection::vec(any_scheme(), 1..3), facts in proptest::collection::vec(any_fact(), 0..30), any_extra in proptest::collection::vec(any_fact(), 1..4), own in proptest::collection::vec((own_day(), 0u8..6, wild(), wild()), 1..3), own_first in any::<bool>(), tier_threshold in wild()) {
        let own: Vec<Fact> = own.into_iter().map(|(day, sku, units, value)| sale(0, day, sku, units, value)).collect();
        let extra = if own_first { own } else { any_extra };
        projections_agree(schemes, &facts, &extra, tier_threshold)?;
    }

    /// The same with ordinary amounts (the extremes above mostly overflow): funds carry their
    /// balance from the periods kept into the ones evaluated again.
    #[test]
    fn project_figures_agrees_with_project_on_ordinary_sales(schemes in proptest::collection::vec(any_scheme(), 1..3), facts in facts_for(3, 40, signed_money()), own in proptest::collection::vec((own_day(), 0u8..6, 1i64..50, signed_money()), 1..3), tier_threshold in money()) {
        let own: Vec<Fact> = own.into_iter().map(|(day, sku, units, value)| sale(0, day, sku, Decimal::from(units), value)).collect();
        projections_agree(schemes, &facts, &own, tier_threshold)?;
    }
}

/// `project_figures` and `project` for partner 0 of three, as of day 300, with a tier and two
/// badges: the same figures, milestones, totals, funds, tier, badges and differences.
fn projections_agree(
    schemes: Vec<Scheme>,
    facts: &[Fact],
    extra: &[Fact],
    tier_threshold: Decimal,
) -> Result<(), TestCaseError> {
    let mut prog = program(schemes);
    prog.tiers = vec![Tier {
        id: "t".into(),
        name: "t".into(),
        names: Default::default(),
        counts: FactFilter { fact: FactKind::Sale, skus: vec![], categories: vec![], courses: vec![] },
        measure: Measure::SumValue,
        trailing_months: 12,
        threshold: tier_threshold,
        min_certifications: 0,
        multiplier: Decimal::new(15, 1),
        perks: vec![],
    }];
    prog.badges = vec![
        Badge {
            id: "b".into(),
            name: "b".into(),
            names: Default::default(),
            rule: BadgeRule::CategoryShare { category: "even".into(), percent: Decimal::from(50) },
        },
        Badge { id: "f".into(), name: "f".into(), names: Default::default(), rule: BadgeRule::FirstSale },
    ];
    let partners: Vec<Partner> = (0..3).map(partner).collect();
    let as_of = start() + Days::new(300);
    let run = population(&prog, &partners, &FactTable::from(facts), as_of);
    let context = run.context_for(&prog, &partners[0]);
    let now = statement(&prog, &partners[0], facts, as_of, Some(&context));
    let full = project(&now, &prog, &partners[0], facts, extra, as_of, Some(&context));
    let base = ProjectionBase::new(&partners[0].id, facts, as_of);
    let quick = project_figures(&now, &prog, &partners[0], &base, extra, Some(&context));
    let figures = |w: &mitra_scheme::WhatIf| {
        let lines: Vec<_> = w
            .statement
            .schemes
            .iter()
            .flat_map(|s| s.periods.iter())
            .map(|l| {
                (
                    l.label.clone(),
                    l.eligible,
                    l.measure,
                    l.slab,
                    l.rank,
                    l.payout,
                    l.provisional,
                    l.overflow,
                    l.next.clone(),
                    l.fund.clone(),
                )
            })
            .collect();
        let totals: Vec<_> = w.statement.schemes.iter().map(|s| (s.total, s.overflow, s.fund.clone())).collect();
        (
            lines,
            totals,
            w.statement.tier.clone(),
            w.statement.badges.clone(),
            w.difference.clone(),
            w.total_difference.clone(),
        )
    };
    prop_assert_eq!(figures(&quick), figures(&full));
    Ok(())
}

/// A day of the projection tests (as of day 300): any, or the last day of a month (the end of
/// a monthly or quarterly period, where a fact still counts in the period it ends).
fn own_day() -> impl Strategy<Value = u64> {
    prop_oneof![
        0u64..=300,
        (1u32..=10).prop_map(|m| {
            let next = NaiveDate::from_ymd_opt(2026, m + 1, 1).unwrap();
            (next - start()).num_days() as u64 - 1
        }),
    ]
}

/// A sale value: usually an ordinary one, sometimes one so large that a few of them no longer
/// sum within a decimal.
fn sale_value() -> impl Strategy<Value = i128> {
    prop_oneof![
        8 => -5_000_000i128..50_000_000,
        1 => 1_000_000_000_000_000_000_000_000_000i128..79_228_162_514_264_337_593_543_950_335,
    ]
}

/// Slab ladders as a designer may write them (validated): ascending bounds from 0, any
/// non-negative percent rates, absolute or relative to the target.
fn any_ladder() -> impl Strategy<Value = Payout> {
    (any::<bool>(), any::<bool>(), proptest::collection::vec((1i64..40_000_000, 0i64..500), 1..5)).prop_map(
        |(retro, relative, steps)| {
            let mut bound = Decimal::ZERO;
            let slabs = steps
                .into_iter()
                .enumerate()
                .map(|(i, (gap, rate))| {
                    if i > 0 {
                        bound += if relative { Decimal::from(gap % 200 + 1) } else { Decimal::from(gap) };
                    }
                    Slab { from: bound, pay: SlabPay::PercentOfValue { percent: Decimal::new(rate, 2) } }
                })
                .collect();
            Payout::Slabs {
                mode: if retro { SlabMode::Retroactive } else { SlabMode::Incremental },
                bounds: if relative { SlabBounds::PercentOfTarget } else { SlabBounds::Absolute },
                slabs,
            }
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

    /// On valid programs: no payout is negative; none exceeds the top slab's rate on the measure
    /// times the highest tier multiplier (plus half a unit of rounding); and a measure that does
    /// not fit a decimal (worked out here in 128-bit integers) is always flagged as an overflow,
    /// never reported as a figure, in the population and in each statement alike.
    #[test]
    fn payouts_are_bounded_and_overflow_is_never_a_figure(
        ladder in any_ladder(),
        points in any::<bool>(),
        cap in proptest::option::of(0i64..10_000_000),
        multiplier in 100i64..300,
        sales in proptest::collection::vec((0usize..3, 0u64..365, sale_value()), 0..24),
        targets in proptest::collection::vec((0usize..3, 1u32..5, -60_000_000i64..60_000_000), 0..16),
    ) {
        let mut s = scheme(ladder.clone(), Measure::SumValue);
        s.instrument = if points { Instrument::Points } else { Instrument::Cash };
        s.cap = cap.map(Decimal::from);
        s.tier_multiplier = true;
        let mut prog = program(vec![s]);
        let multiplier = Decimal::new(multiplier, 2);
        prog.tiers = vec![Tier {
            id: "gold".into(), name: "Gold".into(), names: Default::default(),
            counts: FactFilter { fact: FactKind::Sale, skus: vec![], categories: vec![], courses: vec![] },
            measure: Measure::SumValue, trailing_months: 12, threshold: Decimal::from(10_000_000),
            min_certifications: 0, multiplier, perks: vec![],
        }];
        let problems = validate(&prog);
        prop_assert!(problems.is_empty(), "{:?}", problems);
        let mut facts: Vec<Fact> = sales.iter().map(|(p, day, v)| {
            sale(*p, *day, 1, Decimal::ONE, Decimal::from_i128_with_scale(*v, 0))
        }).collect();
        facts.extend(targets.iter().map(|(p, q, v)| Fact::Target {
            partner: compact_str::format_compact!("p{p}"), scheme: "s".into(),
            period: compact_str::format_compact!("2026-Q{q}"), value: Decimal::from(*v),
        }));
        let partners: Vec<Partner> = (0..3).map(partner).collect();
        let run = population(&prog, &partners, &FactTable::from(&facts[..]), AS_OF());
        let Payout::Slabs { slabs, .. } = &ladder else { unreachable!() };
        let top_rate = slabs.iter().map(|s| match s.pay { SlabPay::PercentOfValue { percent } => percent, _ => unreachable!() }).max().unwrap();
        let half_unit = if points { Decimal::new(5, 1) } else { Decimal::new(5, 3) };
        for (pi, p) in partners.iter().enumerate() {
            let st = statement(&prog, p, &facts, AS_OF(), Some(&run.context));
            let figures = run.figures(&p.id).unwrap();
            prop_assert_eq!(&st.figures(), figures);
            for (q, (line, fig)) in st.schemes[0].periods.iter().zip(&figures.schemes[0].periods).enumerate() {
                let sum: i128 = sales.iter()
                    .filter(|(sp, day, _)| *sp == pi && (*day as usize) < 365 && {
                        let month = (start() + Days::new(*day)).format("%m").to_string().parse::<usize>().unwrap();
                        (month - 1) / 3 == q
                    })
                    .map(|(_, _, v)| *v)
                    .sum();
                let fits = sum.unsigned_abs() <= 79_228_162_514_264_337_593_543_950_335u128;
                if !fits {
                    prop_assert!(line.overflow && fig.overflow, "{} Q{}: a sum of {} must overflow", p.id, q + 1, sum);
                    prop_assert_eq!(line.measure, None);
                    prop_assert_eq!(fig.settled(), None);
                    prop_assert!(st.overflow && figures.schemes[0].overflow && run.schemes[0].unsettled > 0);
                    continue;
                }
                prop_assert_eq!(line.measure, Some(Decimal::from_i128_with_scale(sum, 0)));
                prop_assert!(!line.payout.is_sign_negative() || line.payout.is_zero(), "negative payout {}", line.payout);
                if line.overflow {
                    prop_assert!(line.payout.is_zero() && fig.settled().is_none());
                    continue;
                }
                let measure = Decimal::from_i128_with_scale(sum.max(0), 0);
                if let Some(bound) = measure.checked_mul(top_rate)
                    .and_then(|x| x.checked_div(Decimal::ONE_HUNDRED))
                    .and_then(|x| x.checked_mul(multiplier))
                    .and_then(|x| x.checked_add(half_unit))
                {
                    prop_assert!(line.payout <= bound, "{} Q{}: {} pays {} > {}", p.id, q + 1, measure, line.payout, bound);
                }
            }
        }
    }
}

/// Three schemes that read each other's nothing: a budgeted flat rate multiplied by tier, a rank
/// race by region with a budget, and retroactive slabs; and one tier.
fn three_schemes(budget: Decimal, amounts: Vec<Decimal>, slabs: Vec<Slab>) -> Program {
    let mut flat =
        scheme(Payout::Flat { rate: Rate::PercentOfValue { percent: Decimal::new(5, 0) } }, Measure::SumValue);
    flat.budget = Some(budget);
    flat.tier_multiplier = true;
    let mut rank = scheme(Payout::Rank { group_by: GroupBy::Region, amounts }, Measure::SumUnits);
    rank.id = "r".into();
    rank.budget = Some(budget);
    let mut slabbed =
        scheme(Payout::Slabs { mode: SlabMode::Retroactive, bounds: SlabBounds::Absolute, slabs }, Measure::SumValue);
    slabbed.id = "sl".into();
    slabbed.period = PeriodKind::Month;
    let mut prog = program(vec![flat, rank, slabbed]);
    prog.tiers = vec![Tier {
        id: "t".into(),
        name: "t".into(),
        names: Default::default(),
        counts: FactFilter { fact: FactKind::Sale, skus: vec![], categories: vec![], courses: vec![] },
        measure: Measure::SumValue,
        trailing_months: 3,
        threshold: Decimal::from(20_000_000),
        min_certifications: 0,
        multiplier: Decimal::new(15, 1),
        perks: vec![],
    }];
    prog
}

/// An edit a designer makes to one scheme of [`three_schemes`].
#[derive(Clone, Debug)]
enum Edit {
    Budget(usize, Option<Decimal>),
    Rename(usize),
    Cap(usize, Decimal),
    Amounts(Vec<Decimal>),
    Slabs(Vec<Slab>),
    Window(usize, u64),
    Tier(Decimal),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (0usize..3, proptest::option::of(money())).prop_map(|(i, b)| Edit::Budget(i, b)),
        (0usize..3).prop_map(Edit::Rename),
        (0usize..3, money()).prop_map(|(i, c)| Edit::Cap(i, c)),
        proptest::collection::vec(money(), 1..4).prop_map(Edit::Amounts),
        rising_slabs().prop_map(Edit::Slabs),
        (0usize..3, 0u64..200).prop_map(|(i, d)| Edit::Window(i, d)),
        money().prop_map(Edit::Tier),
    ]
}

fn apply(p: &mut Program, e: &Edit) {
    match e.clone() {
        Edit::Budget(i, b) => p.schemes[i].budget = b,
        Edit::Rename(i) => p.schemes[i].id = format!("{}-renamed", p.schemes[i].id),
        Edit::Cap(i, c) => p.schemes[i].cap = Some(c),
        Edit::Amounts(a) => {
            if let Payout::Rank { amounts, .. } = &mut p.schemes[1].payout {
                *amounts = a;
            }
        }
        Edit::Slabs(s) => {
            if let Payout::Slabs { slabs, .. } = &mut p.schemes[2].payout {
                *slabs = s;
            }
        }
        Edit::Window(i, d) => p.schemes[i].window.start = start() + Days::new(d),
        Edit::Tier(t) => p.tiers[0].threshold = t,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// A run updated after edits (only the edited schemes evaluated again) equals a full run of
    /// the edited program, figure for figure, ranks, budgets and leaderboards included.
    #[test]
    fn an_updated_run_equals_a_full_run(
        facts in facts_for(9, 150, money()), budget in money(),
        amounts in proptest::collection::vec(money(), 1..4), slabs in rising_slabs(),
        edits in proptest::collection::vec(edit(), 1..4),
    ) {
        let partners: Vec<Partner> = (0..9).map(partner).collect();
        let table = FactTable::from(&facts[..]);
        let mut before = three_schemes(budget, amounts, slabs);
        let mut run = population(&before, &partners, &table, AS_OF());
        for e in &edits {
            let mut after = before.clone();
            apply(&mut after, e);
            let updated = update(&before, run, &after, &partners, &table, AS_OF());
            prop_assert_eq!(&updated, &population(&after, &partners, &table, AS_OF()), "after {:?}", e);
            before = after;
            run = updated;
        }
    }
}
