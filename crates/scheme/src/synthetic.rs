//! Generated programs and facts of realistic shape, for benchmarks (feature `synthetic`).
//! Deterministic: the same sizes always give the same data.

use chrono::{Days, NaiveDate};
use rust_decimal::Decimal;

use crate::model::*;

/// A small xorshift generator: no dependency, same sequence on every platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const REGIONS: [&str; 8] = [
    "Jawa Barat",
    "Jawa Tengah",
    "Jawa Timur",
    "Bali",
    "Sumatera Utara",
    "Sulawesi Selatan",
    "Kalimantan Timur",
    "Banten",
];
const CATEGORIES: [&str; 4] = ["exterior", "interior", "primer", "eco"];

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or(NaiveDate::MIN)
}

fn filter(fact: FactKind) -> FactFilter {
    FactFilter { fact, skus: vec![], categories: vec![], courses: vec![] }
}

fn pct(s: &str) -> Decimal {
    s.parse().unwrap_or_default()
}

fn slabs(mode: SlabMode, bounds: SlabBounds, steps: &[(&str, &str)]) -> Payout {
    Payout::Slabs {
        mode,
        bounds,
        slabs: steps
            .iter()
            .map(|(from, p)| Slab { from: pct(from), pay: SlabPay::PercentOfValue { percent: pct(p) } })
            .collect(),
    }
}

fn scheme(
    id: &str,
    kind: SchemeKind,
    period: PeriodKind,
    counts: FactFilter,
    measure: Measure,
    payout: Payout,
    instrument: Instrument,
) -> Scheme {
    Scheme {
        id: id.into(),
        name: id.into(),
        names: Default::default(),
        kind,
        window: crate::model::Window { start: d(2026, 1, 1), end: d(2026, 12, 31) },
        period,
        eligibility: Eligibility::default(),
        counts,
        measure,
        gates: vec![],
        payout,
        tier_multiplier: false,
        cap: None,
        budget: None,
        instrument,
        fund: None,
    }
}

/// A program with 12 schemes, one of each kind of mechanic, 3 tiers and 3 badges.
pub fn program() -> Program {
    use Instrument::*;
    use PeriodKind::*;
    use SchemeKind::*;
    let mut s = vec![
        scheme(
            "q-sales",
            SalesIncentive,
            Quarter,
            filter(FactKind::Sale),
            Measure::SumValue,
            slabs(
                SlabMode::Retroactive,
                SlabBounds::Absolute,
                &[("0", "0.1"), ("50000000", "0.15"), ("100000000", "0.2")],
            ),
            Points,
        ),
        scheme(
            "m-incremental",
            SalesIncentive,
            Month,
            filter(FactKind::Sale),
            Measure::SumValue,
            slabs(
                SlabMode::Incremental,
                SlabBounds::Absolute,
                &[("0", "0.05"), ("10000000", "0.1"), ("30000000", "0.2")],
            ),
            Points,
        ),
        scheme(
            "q-target",
            SalesIncentive,
            Quarter,
            filter(FactKind::Sale),
            Measure::SumValue,
            slabs(
                SlabMode::Retroactive,
                SlabBounds::PercentOfTarget,
                &[("0", "0"), ("80", "0.5"), ("100", "1"), ("120", "1.5")],
            ),
            Cash,
        ),
        scheme(
            "growth",
            PerformanceBonus,
            Quarter,
            filter(FactKind::Sale),
            Measure::Growth { of: GrowthBase::SumValue, baseline_offset_months: 12 },
            Payout::Slabs {
                mode: SlabMode::Retroactive,
                bounds: SlabBounds::Absolute,
                slabs: vec![
                    Slab { from: Decimal::ZERO, pay: SlabPay::Fixed { amount: Decimal::ZERO } },
                    Slab { from: pct("10"), pay: SlabPay::Fixed { amount: pct("500000") } },
                ],
            },
            Cash,
        ),
        scheme(
            "spif",
            Spif,
            Window,
            FactFilter {
                fact: FactKind::Sale,
                skus: vec!["SKU-7".into(), "SKU-8".into()],
                categories: vec![],
                courses: vec![],
            },
            Measure::SumUnits,
            Payout::Flat { rate: Rate::PerUnit { amount: pct("500") } },
            Points,
        ),
        scheme(
            "eco-rebate",
            Rebate,
            Quarter,
            FactFilter { fact: FactKind::Sale, skus: vec![], categories: vec!["eco".into()], courses: vec![] },
            Measure::SumValue,
            Payout::Flat { rate: Rate::PercentOfValue { percent: pct("1.5") } },
            Cash,
        ),
        scheme(
            "volume",
            VolumeDiscount,
            Month,
            filter(FactKind::Sale),
            Measure::SumUnits,
            Payout::Slabs {
                mode: SlabMode::Retroactive,
                bounds: SlabBounds::Absolute,
                slabs: vec![
                    Slab { from: Decimal::ZERO, pay: SlabPay::PerUnit { amount: Decimal::ZERO } },
                    Slab { from: pct("100"), pay: SlabPay::PerUnit { amount: pct("250") } },
                ],
            },
            Cash,
        ),
        scheme(
            "bundle",
            ValueAdded,
            Quarter,
            filter(FactKind::Sale),
            Measure::DistinctSkus,
            Payout::Slabs {
                mode: SlabMode::Retroactive,
                bounds: SlabBounds::Absolute,
                slabs: vec![
                    Slab { from: Decimal::ZERO, pay: SlabPay::Fixed { amount: Decimal::ZERO } },
                    Slab { from: pct("10"), pay: SlabPay::Fixed { amount: pct("5000") } },
                ],
            },
            Points,
        ),
        scheme(
            "top-region",
            SalesIncentive,
            Quarter,
            filter(FactKind::Sale),
            Measure::SumValue,
            Payout::Rank { group_by: GroupBy::Region, amounts: vec![pct("100000"), pct("50000"), pct("25000")] },
            Points,
        ),
        scheme(
            "training",
            Training,
            Window,
            filter(FactKind::Certification),
            Measure::Count,
            Payout::Flat { rate: Rate::PerCount { amount: pct("10000") } },
            Points,
        ),
        scheme(
            "referral",
            Referral,
            Window,
            filter(FactKind::Referral),
            Measure::Count,
            Payout::Flat { rate: Rate::PerCount { amount: pct("25000") } },
            Points,
        ),
        scheme(
            "mdf",
            Mdf,
            Quarter,
            filter(FactKind::Sale),
            Measure::SumValue,
            Payout::Flat { rate: Rate::PercentOfValue { percent: pct("2") } },
            Fund,
        ),
    ];
    s[0].tier_multiplier = true;
    s[0].budget = Some(pct("5000000000"));
    s[4].cap = Some(pct("200000"));
    s[4].window = crate::model::Window { start: d(2026, 10, 1), end: d(2026, 12, 31) };
    s[11].fund = Some(FundRule { reimburse_percent: pct("100") });
    s[1].gates = vec![Gate::MinMeasure { value: pct("1000000") }];
    let tier = |id: &str, threshold: &str, multiplier: &str| Tier {
        id: id.into(),
        name: id.into(),
        names: Default::default(),
        counts: filter(FactKind::Sale),
        measure: Measure::SumValue,
        trailing_months: 12,
        threshold: pct(threshold),
        min_certifications: 0,
        multiplier: pct(multiplier),
        perks: vec![],
    };
    Program {
        id: "synthetic".into(),
        name: "Synthetic program".into(),
        names: Default::default(),
        currency: "IDR".into(),
        decimals: 0,
        points_name: "poin".into(),
        time_zone: "Asia/Jakarta".into(),
        schemes: s,
        tiers: vec![
            tier("silver", "150000000", "1.1"),
            tier("gold", "300000000", "1.25"),
            tier("platinum", "600000000", "1.5"),
        ],
        badges: vec![
            Badge { id: "first".into(), name: "First sale".into(), names: Default::default(), rule: BadgeRule::FirstSale },
            Badge { id: "certs".into(), name: "Certified".into(), names: Default::default(), rule: BadgeRule::Certifications { count: 3 } },
            Badge {
                id: "eco".into(),
                name: "Eco".into(),
                names: Default::default(),
                rule: BadgeRule::CategoryShare { category: "eco".into(), percent: pct("25") },
            },
        ],
    }
}

/// `n` partners spread over the regions.
pub fn partners(n: usize) -> Vec<Partner> {
    (0..n)
        .map(|i| Partner {
            id: format!("partner-{i:05}"),
            name: format!("Partner {i}"),
            partner_type: ["dealer", "distributor", "retailer"][i % 3].into(),
            region: REGIONS[i % REGIONS.len()].into(),
            segment: ["retail", "project"][i % 2].into(),
            enrolled: d(2024, 1, 1),
            parent: None,
        })
        .collect()
}

/// `per_partner` facts for each partner over 2026: mostly sale lines (one in twenty a return), some certifications, referrals and
/// marketing spend, and a quarterly target per partner.
pub fn facts(partners: &[Partner], per_partner: usize, seed: u64) -> Vec<Fact> {
    fact_stream(partners, per_partner, seed).collect()
}

/// The same facts as [`facts`], one at a time, so a [`crate::FactTable`] can be filled without
/// holding them all as [`Fact`]s.
pub fn fact_stream(partners: &[Partner], per_partner: usize, seed: u64) -> impl Iterator<Item = Fact> + '_ {
    let mut rng = Rng(seed | 1);
    let start = d(2026, 1, 1);
    partners.iter().flat_map(move |p| {
        let mut out = Vec::with_capacity(per_partner + 4);
        for q in 1..=4 {
            out.push(Fact::Target {
                partner: p.id.as_str().into(),
                scheme: "q-target".into(),
                period: compact_str::format_compact!("2026-Q{q}"),
                value: Decimal::from(20_000_000 + rng.below(40) * 1_000_000),
            });
        }
        for _ in 0..per_partner {
            let date = start + Days::new(rng.below(365));
            let roll = rng.below(100);
            let fact = if roll < 94 {
                let sku = rng.below(40);
                let units = Decimal::from(1 + rng.below(20))
                    * if rng.below(20) == 0 { Decimal::NEGATIVE_ONE } else { Decimal::ONE };
                Fact::Sale {
                    partner: p.id.as_str().into(),
                    date,
                    invoice: compact_str::format_compact!("INV-{}", rng.below(1_000_000)),
                    sku: compact_str::format_compact!("SKU-{sku}"),
                    category: CATEGORIES[(sku % 4) as usize].into(),
                    units,
                    value: units * Decimal::from(50_000 + sku * 25_000),
                }
            } else if roll < 96 {
                Fact::Certification {
                    partner: p.id.as_str().into(),
                    date,
                    course: compact_str::format_compact!("course-{}", rng.below(5)),
                }
            } else if roll < 98 {
                Fact::Referral {
                    partner: p.id.as_str().into(),
                    date,
                    referred: compact_str::format_compact!("new-{}", rng.below(100_000)),
                }
            } else {
                Fact::MarketingSpend {
                    partner: p.id.as_str().into(),
                    date,
                    scheme: "mdf".into(),
                    amount: Decimal::from(100_000 + rng.below(50) * 10_000),
                }
            };
            out.push(fact);
        }
        out
    })
}

/// The as-of date benchmarks evaluate at: the last day of 2026, every period closed or running.
pub fn as_of() -> NaiveDate {
    d(2026, 12, 31)
}

/// The hypothetical sale benchmarks add for a what-if: ten units of a SPIF product on `as_of`.
pub fn what_if_sale(partner: &Partner) -> Fact {
    Fact::Sale {
        partner: partner.id.as_str().into(),
        date: as_of(),
        invoice: "WHAT-IF".into(),
        sku: "SKU-7".into(),
        category: "exterior".into(),
        units: Decimal::from(10),
        value: Decimal::from(5_000_000),
    }
}
