//! Whether a program definition makes sense: every problem found, each naming the scheme (or
//! tier, or badge), the field and what is wrong, so a designer can fix them all at once.

use std::collections::HashSet;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::model::{BadgeRule, Gate, Instrument, Measure, Payout, Program, Rate, Scheme, SlabMode, SlabPay};

/// One problem in a program definition.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ValidationError {
    /// `scheme`, `tier`, `badge` or `program`.
    pub item: String,
    /// The id of the scheme, tier or badge (the program's id for program-level problems).
    pub id: String,
    /// A path to the field, e.g. `payout.slabs[2].from`.
    pub field: String,
    /// A stable code for the problem.
    pub problem: String,
    /// A sentence for people.
    pub message: String,
}

impl std::fmt::Display for ValidationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}: {}", self.item, self.id, self.field, self.message)
    }
}

struct Errors<'a> {
    item: &'a str,
    id: &'a str,
    out: &'a mut Vec<ValidationError>,
}

impl Errors<'_> {
    fn add(&mut self, field: impl Into<String>, problem: &str, message: impl Into<String>) {
        self.out.push(ValidationError {
            item: self.item.into(),
            id: self.id.into(),
            field: field.into(),
            problem: problem.into(),
            message: message.into(),
        });
    }
}

/// Every problem in the program; empty when it is valid.
pub fn validate(program: &Program) -> Vec<ValidationError> {
    let mut out = Vec::new();
    {
        let mut e = Errors { item: "program", id: &program.id, out: &mut out };
        if program.id.trim().is_empty() {
            e.add("id", "empty", "the program needs an id");
        }
        if program.currency.len() != 3 || !program.currency.chars().all(|c| c.is_ascii_uppercase()) {
            e.add(
                "currency",
                "invalid_currency",
                format!("`{}` is not an ISO 4217 code such as IDR", program.currency),
            );
        }
        if program.decimals > 8 {
            e.add("decimals", "out_of_range", "a program pays in at most 8 decimals");
        }
        duplicates(&mut e, "schemes", program.schemes.iter().map(|s| s.id.as_str()));
        duplicates(&mut e, "tiers", program.tiers.iter().map(|t| t.id.as_str()));
        duplicates(&mut e, "badges", program.badges.iter().map(|b| b.id.as_str()));
    }
    let tiers: HashSet<&str> = program.tiers.iter().map(|t| t.id.as_str()).collect();
    for scheme in &program.schemes {
        let mut e = Errors { item: "scheme", id: &scheme.id, out: &mut out };
        check_scheme(scheme, &tiers, &mut e);
        // A cap finer than what the instrument pays would be exceeded by rounding.
        let dp = crate::eval::precision(program, scheme.instrument);
        if let Some(cap) = scheme.cap.filter(|c| c.normalize().scale() > dp) {
            e.add("cap", "too_precise", format!("{cap} has more decimals than the {dp} this scheme pays in"));
        }
    }
    let mut last_threshold: Option<Decimal> = None;
    for tier in &program.tiers {
        let mut e = Errors { item: "tier", id: &tier.id, out: &mut out };
        if matches!(tier.measure, Measure::Growth { .. }) {
            e.add("measure", "growth_not_allowed", "a tier's trailing measure cannot be a growth");
        }
        if tier.trailing_months == 0 {
            e.add("trailing_months", "out_of_range", "the trailing window must be at least one month");
        }
        if tier.multiplier < Decimal::ZERO {
            e.add("multiplier", "negative", "a multiplier cannot be negative");
        }
        if last_threshold.is_some_and(|l| tier.threshold < l) {
            e.add(
                "threshold",
                "unordered",
                "tiers are listed lowest first: this threshold is below the previous tier's",
            );
        }
        last_threshold = Some(tier.threshold);
    }
    let schemes: HashSet<&str> = program.schemes.iter().map(|s| s.id.as_str()).collect();
    for badge in &program.badges {
        let mut e = Errors { item: "badge", id: &badge.id, out: &mut out };
        match &badge.rule {
            BadgeRule::TargetStreak { scheme, periods } => {
                if !schemes.contains(scheme.as_str()) {
                    e.add("rule.scheme", "unknown_scheme", format!("no scheme `{scheme}` in this program"));
                }
                if *periods == 0 {
                    e.add("rule.periods", "out_of_range", "a streak is at least one period");
                }
            }
            BadgeRule::TopN { scheme, n } => {
                match program.schemes.iter().find(|s| &s.id == scheme) {
                    None => e.add("rule.scheme", "unknown_scheme", format!("no scheme `{scheme}` in this program")),
                    Some(s) if !matches!(s.payout, Payout::Rank { .. }) => {
                        e.add("rule.scheme", "not_a_rank_scheme", format!("scheme `{scheme}` does not rank partners"))
                    }
                    _ => {}
                }
                if *n == 0 {
                    e.add("rule.n", "out_of_range", "top N needs N of at least 1");
                }
            }
            BadgeRule::Certifications { count } if *count == 0 => {
                e.add("rule.count", "out_of_range", "count must be at least 1")
            }
            BadgeRule::CategoryShare { percent, .. } if *percent < Decimal::ZERO || *percent > Decimal::ONE_HUNDRED => {
                e.add("rule.percent", "out_of_range", "a share is between 0 and 100 percent")
            }
            _ => {}
        }
    }
    out
}

fn duplicates<'a>(e: &mut Errors, field: &str, ids: impl Iterator<Item = &'a str>) {
    let mut seen = HashSet::new();
    for id in ids {
        if !seen.insert(id) {
            e.add(field, "duplicate_id", format!("`{id}` is used twice"));
        }
    }
}

fn negative(e: &mut Errors, field: String, value: Decimal) {
    if value < Decimal::ZERO {
        e.add(field, "negative", format!("{value} is negative"));
    }
}

fn check_scheme(s: &Scheme, tiers: &HashSet<&str>, e: &mut Errors) {
    if s.window.end < s.window.start {
        e.add(
            "window",
            "ends_before_start",
            format!("the window ends on {} before it starts on {}", s.window.end, s.window.start),
        );
    }
    if let Some(t) = &s.eligibility.min_tier {
        if !tiers.contains(t.as_str()) {
            e.add("eligibility.min_tier", "unknown_tier", format!("no tier `{t}` in this program"));
        }
    }
    if let Some(cap) = s.cap {
        negative(e, "cap".into(), cap);
    }
    if let Some(budget) = s.budget {
        negative(e, "budget".into(), budget);
    }
    for (i, g) in s.gates.iter().enumerate() {
        match g {
            Gate::MinTier { tier } if !tiers.contains(tier.as_str()) => {
                e.add(format!("gates[{i}].tier"), "unknown_tier", format!("no tier `{tier}` in this program"))
            }
            Gate::MinMeasure { value } => negative(e, format!("gates[{i}].value"), *value),
            Gate::MinAttainment { percent } => negative(e, format!("gates[{i}].percent"), *percent),
            _ => {}
        }
    }
    match (&s.instrument, &s.fund) {
        (Instrument::Fund, Some(f))
            if f.reimburse_percent < Decimal::ZERO || f.reimburse_percent > Decimal::ONE_HUNDRED =>
        {
            e.add("fund.reimburse_percent", "out_of_range", "a reimbursed share is between 0 and 100 percent")
        }
        (Instrument::Points | Instrument::Cash, Some(_)) => {
            e.add("fund", "not_a_fund", "only schemes paid into a fund can reimburse spend")
        }
        _ => {}
    }
    match &s.payout {
        Payout::Flat { rate } => {
            let (field, v) = match rate {
                Rate::PercentOfValue { percent } => ("payout.rate.percent", *percent),
                Rate::PerUnit { amount } | Rate::PerCount { amount } => ("payout.rate.amount", *amount),
            };
            negative(e, field.into(), v);
        }
        Payout::Fixed { amount } => negative(e, "payout.amount".into(), *amount),
        Payout::Slabs { mode, slabs, .. } => {
            if slabs.is_empty() {
                e.add("payout.slabs", "empty", "at least one slab is needed");
            }
            if let Some(first) = slabs.first() {
                if !first.from.is_zero() {
                    e.add(
                        "payout.slabs[0].from",
                        "first_bound_not_zero",
                        format!("the first slab starts at {}, not 0", first.from),
                    );
                }
            }
            for (i, pair) in slabs.windows(2).enumerate() {
                if pair[1].from <= pair[0].from {
                    e.add(
                        format!("payout.slabs[{}].from", i + 1),
                        "unordered_slabs",
                        format!("bounds must ascend: {} follows {}", pair[1].from, pair[0].from),
                    );
                }
            }
            for (i, slab) in slabs.iter().enumerate() {
                let (kind, v) = match slab.pay {
                    SlabPay::PercentOfValue { percent } => ("percent", percent),
                    SlabPay::PerUnit { amount } | SlabPay::PerCount { amount } => ("amount", amount),
                    SlabPay::Fixed { amount } => ("amount", amount),
                };
                negative(e, format!("payout.slabs[{i}].pay.{kind}"), v);
                if *mode == SlabMode::Incremental {
                    let fits = match (&slab.pay, &s.measure) {
                        (SlabPay::Fixed { .. }, _) => {
                            e.add(
                                format!("payout.slabs[{i}].pay"),
                                "fixed_in_incremental",
                                "incremental slabs pay a rate on each slice; a fixed amount is not allowed",
                            );
                            true
                        }
                        (_, Measure::Growth { .. }) => false,
                        (SlabPay::PercentOfValue { .. }, m) => *m == Measure::SumValue,
                        (SlabPay::PerUnit { .. }, m) => *m == Measure::SumUnits,
                        (SlabPay::PerCount { .. }, m) => matches!(m, Measure::Count | Measure::DistinctSkus),
                    };
                    if !fits {
                        e.add(
                            format!("payout.slabs[{i}].pay"),
                            "rate_does_not_fit_measure",
                            "incremental slabs pay each slice of the measure: percent_of_value needs sum_value, per_unit needs sum_units, per_count needs count or distinct_skus",
                        );
                    }
                }
            }
        }
        Payout::Rank { amounts, .. } => {
            if amounts.is_empty() {
                e.add("payout.amounts", "empty", "a rank payout lists the amount of at least one rank");
            }
            for (i, a) in amounts.iter().enumerate() {
                negative(e, format!("payout.amounts[{i}]"), *a);
            }
        }
    }
}

/// Why one fact cannot be taken as it is: the field and a stable code, with a sentence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FactProblem {
    pub field: String,
    pub problem: String,
    pub message: String,
}

impl std::fmt::Display for FactProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "`{}`: {}", self.field, self.message)
    }
}

/// What is wrong with a fact, if anything. Every reader of facts (files, imports, claims) asks
/// this before a fact reaches the evaluator:
///
/// - a target below zero is refused (zero is allowed and means "no target");
/// - approved marketing spend below zero is refused (a correction is a smaller approval, not a
///   negative one);
/// - a sale line whose units and value have opposite signs is refused: a return has both
///   negative (or one of them zero), a sale both positive.
pub fn check_fact(fact: &crate::model::Fact) -> Option<FactProblem> {
    use crate::model::Fact;
    let problem = |field: &str, problem: &str, message: String| {
        Some(FactProblem { field: field.into(), problem: problem.into(), message })
    };
    match fact {
        Fact::Target { value, .. } if value.is_sign_negative() && !value.is_zero() => {
            problem("value", "negative_target", format!("a target cannot be negative ({value})"))
        }
        Fact::MarketingSpend { amount, .. } if amount.is_sign_negative() && !amount.is_zero() => {
            problem("value", "negative_spend", format!("approved spend cannot be negative ({amount})"))
        }
        Fact::Sale { units, value, .. }
            if !units.is_zero() && !value.is_zero() && units.is_sign_negative() != value.is_sign_negative() =>
        {
            problem(
                "units",
                "mixed_signs",
                format!("units ({units}) and value ({value}) must have the same sign: a return has both negative"),
            )
        }
        _ => None,
    }
}
