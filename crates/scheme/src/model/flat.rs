//! How the browser reads the model's tagged kinds (facts, measures, gates, rates, slab pay,
//! payouts, badge rules): each as one flat record of every field any kind has, the tag among
//! them, then made into the kind the tag names.
//!
//! Why: serde reads an internally tagged enum (`{"type": "per_unit", "amount": "500"}`) by
//! buffering the whole object into its own tree first (the tag may come last), then reading each
//! kind again from that tree. That machinery, instantiated for every tagged enum, made a fifth
//! of the JSON reading in the app's wasm, and buffers each of a partner's ten thousand facts.
//! A flat record is read in one pass by an ordinary derived reader.
//!
//! These readers are the browser's, the portal's and the designer's alike
//! (`#[cfg_attr(target_arch = "wasm32", serde(try_from))]` on each enum; the server keeps serde's
//! tagged readers). They accept what those accept: a field a kind
//! needs is reported missing, a field no kind has or one of another kind (`"course"` on a sale)
//! is refused, each named as serde names it; a kind without fields (`first_sale`, `count`)
//! ignores the fields of other kinds, as serde's does. One case is refused here that serde's
//! reader lets through: a kind without fields given a name no kind has
//! (`{"type": "first_sale", "why": 2}`); the server never writes one, since it stores what it
//! read through the types. The tests read every kind both ways and compare.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Deserialize;

use super::{GroupBy, GrowthBase, SlabBounds, SlabMode, Text};

/// A field the kind needs.
fn need<T>(value: Option<T>, field: &str) -> Result<T, String> {
    value.ok_or_else(|| format!("missing field `{field}`"))
}

/// Refuses a field given (`present`) that the kind does not have (`allowed`).
fn only(present: &[(&'static str, bool)], allowed: &[&str]) -> Result<(), String> {
    match present.iter().find(|(name, given)| *given && !allowed.contains(name)) {
        Some((name, _)) => Err(format!("unknown field `{name}`")),
        None => Ok(()),
    }
}

#[derive(Deserialize, Debug, PartialEq)]
#[serde(rename_all = "snake_case")]
enum FactKind {
    Sale,
    Certification,
    Referral,
    MarketingSpend,
    Target,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Fact {
    kind: FactKind,
    partner: Text,
    #[serde(default, deserialize_with = "super::date::read_some")]
    date: Option<NaiveDate>,
    invoice: Option<Text>,
    sku: Option<Text>,
    category: Option<Text>,
    units: Option<Decimal>,
    value: Option<Decimal>,
    course: Option<Text>,
    referred: Option<Text>,
    scheme: Option<Text>,
    amount: Option<Decimal>,
    period: Option<Text>,
}

impl TryFrom<Fact> for super::Fact {
    type Error = String;

    fn try_from(f: Fact) -> Result<Self, String> {
        let present = [
            ("date", f.date.is_some()),
            ("invoice", f.invoice.is_some()),
            ("sku", f.sku.is_some()),
            ("category", f.category.is_some()),
            ("units", f.units.is_some()),
            ("value", f.value.is_some()),
            ("course", f.course.is_some()),
            ("referred", f.referred.is_some()),
            ("scheme", f.scheme.is_some()),
            ("amount", f.amount.is_some()),
            ("period", f.period.is_some()),
        ];
        only(
            &present,
            match f.kind {
                FactKind::Sale => &["date", "invoice", "sku", "category", "units", "value"],
                FactKind::Certification => &["date", "course"],
                FactKind::Referral => &["date", "referred"],
                FactKind::MarketingSpend => &["date", "scheme", "amount"],
                FactKind::Target => &["scheme", "period", "value"],
            },
        )?;
        let partner = f.partner;
        Ok(match f.kind {
            FactKind::Sale => super::Fact::Sale {
                partner,
                date: need(f.date, "date")?,
                invoice: f.invoice.unwrap_or_default(),
                sku: need(f.sku, "sku")?,
                category: f.category.unwrap_or_default(),
                units: need(f.units, "units")?,
                value: need(f.value, "value")?,
            },
            FactKind::Certification => {
                super::Fact::Certification { partner, date: need(f.date, "date")?, course: need(f.course, "course")? }
            }
            FactKind::Referral => {
                super::Fact::Referral { partner, date: need(f.date, "date")?, referred: need(f.referred, "referred")? }
            }
            FactKind::MarketingSpend => super::Fact::MarketingSpend {
                partner,
                date: need(f.date, "date")?,
                scheme: need(f.scheme, "scheme")?,
                amount: need(f.amount, "amount")?,
            },
            FactKind::Target => super::Fact::Target {
                partner,
                scheme: need(f.scheme, "scheme")?,
                period: need(f.period, "period")?,
                value: need(f.value, "value")?,
            },
        })
    }
}

#[derive(Deserialize, Debug, PartialEq)]
#[serde(rename_all = "snake_case")]
enum MeasureType {
    SumValue,
    SumUnits,
    Count,
    DistinctSkus,
    Growth,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Measure {
    #[serde(rename = "type")]
    kind: MeasureType,
    of: Option<GrowthBase>,
    baseline_offset_months: Option<u32>,
}

impl TryFrom<Measure> for super::Measure {
    type Error = String;

    fn try_from(m: Measure) -> Result<Self, String> {
        Ok(match m.kind {
            MeasureType::SumValue => super::Measure::SumValue,
            MeasureType::SumUnits => super::Measure::SumUnits,
            MeasureType::Count => super::Measure::Count,
            MeasureType::DistinctSkus => super::Measure::DistinctSkus,
            MeasureType::Growth => super::Measure::Growth {
                of: need(m.of, "of")?,
                baseline_offset_months: m.baseline_offset_months.unwrap_or_else(super::default_baseline_offset),
            },
        })
    }
}

#[derive(Deserialize, Debug, PartialEq)]
#[serde(rename_all = "snake_case")]
enum GateType {
    MinMeasure,
    MinAttainment,
    Certification,
    MinTier,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Gate {
    #[serde(rename = "type")]
    kind: GateType,
    value: Option<Decimal>,
    percent: Option<Decimal>,
    course: Option<String>,
    tier: Option<String>,
}

impl TryFrom<Gate> for super::Gate {
    type Error = String;

    fn try_from(g: Gate) -> Result<Self, String> {
        let present = [
            ("value", g.value.is_some()),
            ("percent", g.percent.is_some()),
            ("course", g.course.is_some()),
            ("tier", g.tier.is_some()),
        ];
        only(
            &present,
            &[match g.kind {
                GateType::MinMeasure => "value",
                GateType::MinAttainment => "percent",
                GateType::Certification => "course",
                GateType::MinTier => "tier",
            }],
        )?;
        Ok(match g.kind {
            GateType::MinMeasure => super::Gate::MinMeasure { value: need(g.value, "value")? },
            GateType::MinAttainment => super::Gate::MinAttainment { percent: need(g.percent, "percent")? },
            GateType::Certification => super::Gate::Certification { course: need(g.course, "course")? },
            GateType::MinTier => super::Gate::MinTier { tier: need(g.tier, "tier")? },
        })
    }
}

/// The kinds a rate or a slab's pay can be (a rate has no `fixed`).
#[derive(Deserialize, Debug, PartialEq)]
#[serde(rename_all = "snake_case")]
enum PayType {
    PercentOfValue,
    PerUnit,
    PerCount,
    Fixed,
}

/// A rate or a slab's pay.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Pay {
    #[serde(rename = "type")]
    kind: PayType,
    percent: Option<Decimal>,
    amount: Option<Decimal>,
}

impl Pay {
    /// Refuses the field of the other kind (`percent` on an amount, `amount` on a percentage).
    fn only_its_own(&self) -> Result<(), String> {
        let present = [("percent", self.percent.is_some()), ("amount", self.amount.is_some())];
        only(&present, &[if matches!(self.kind, PayType::PercentOfValue) { "percent" } else { "amount" }])
    }
}

impl TryFrom<Pay> for super::Rate {
    type Error = String;

    fn try_from(p: Pay) -> Result<Self, String> {
        p.only_its_own()?;
        Ok(match p.kind {
            PayType::PercentOfValue => super::Rate::PercentOfValue { percent: need(p.percent, "percent")? },
            PayType::PerUnit => super::Rate::PerUnit { amount: need(p.amount, "amount")? },
            PayType::PerCount => super::Rate::PerCount { amount: need(p.amount, "amount")? },
            PayType::Fixed => {
                return Err(
                    "unknown variant `fixed`, expected one of `percent_of_value`, `per_unit`, `per_count`".into()
                )
            }
        })
    }
}

impl TryFrom<Pay> for super::SlabPay {
    type Error = String;

    fn try_from(p: Pay) -> Result<Self, String> {
        p.only_its_own()?;
        Ok(match p.kind {
            PayType::PercentOfValue => super::SlabPay::PercentOfValue { percent: need(p.percent, "percent")? },
            PayType::PerUnit => super::SlabPay::PerUnit { amount: need(p.amount, "amount")? },
            PayType::PerCount => super::SlabPay::PerCount { amount: need(p.amount, "amount")? },
            PayType::Fixed => super::SlabPay::Fixed { amount: need(p.amount, "amount")? },
        })
    }
}

#[derive(Deserialize, Debug, PartialEq)]
#[serde(rename_all = "snake_case")]
enum PayoutType {
    Flat,
    Fixed,
    Slabs,
    Rank,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Payout {
    #[serde(rename = "type")]
    kind: PayoutType,
    rate: Option<super::Rate>,
    amount: Option<Decimal>,
    mode: Option<SlabMode>,
    bounds: Option<SlabBounds>,
    slabs: Option<Vec<super::Slab>>,
    group_by: Option<GroupBy>,
    amounts: Option<Vec<Decimal>>,
}

impl TryFrom<Payout> for super::Payout {
    type Error = String;

    fn try_from(p: Payout) -> Result<Self, String> {
        let present = [
            ("rate", p.rate.is_some()),
            ("amount", p.amount.is_some()),
            ("mode", p.mode.is_some()),
            ("bounds", p.bounds.is_some()),
            ("slabs", p.slabs.is_some()),
            ("group_by", p.group_by.is_some()),
            ("amounts", p.amounts.is_some()),
        ];
        only(
            &present,
            match p.kind {
                PayoutType::Flat => &["rate"],
                PayoutType::Fixed => &["amount"],
                PayoutType::Slabs => &["mode", "bounds", "slabs"],
                PayoutType::Rank => &["group_by", "amounts"],
            },
        )?;
        Ok(match p.kind {
            PayoutType::Flat => super::Payout::Flat { rate: need(p.rate, "rate")? },
            PayoutType::Fixed => super::Payout::Fixed { amount: need(p.amount, "amount")? },
            PayoutType::Slabs => super::Payout::Slabs {
                mode: need(p.mode, "mode")?,
                bounds: p.bounds.unwrap_or_default(),
                slabs: need(p.slabs, "slabs")?,
            },
            PayoutType::Rank => {
                super::Payout::Rank { group_by: need(p.group_by, "group_by")?, amounts: need(p.amounts, "amounts")? }
            }
        })
    }
}

#[derive(Deserialize, Debug, PartialEq)]
#[serde(rename_all = "snake_case")]
enum BadgeRuleType {
    FirstSale,
    Certifications,
    TargetStreak,
    TopN,
    CategoryShare,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct BadgeRule {
    #[serde(rename = "type")]
    kind: BadgeRuleType,
    count: Option<u32>,
    scheme: Option<String>,
    periods: Option<u32>,
    n: Option<u32>,
    category: Option<String>,
    percent: Option<Decimal>,
}

impl TryFrom<BadgeRule> for super::BadgeRule {
    type Error = String;

    fn try_from(b: BadgeRule) -> Result<Self, String> {
        let present = [
            ("count", b.count.is_some()),
            ("scheme", b.scheme.is_some()),
            ("periods", b.periods.is_some()),
            ("n", b.n.is_some()),
            ("category", b.category.is_some()),
            ("percent", b.percent.is_some()),
        ];
        only(
            &present,
            match b.kind {
                // As serde's reader does, a kind without fields ignores those of the others.
                BadgeRuleType::FirstSale => &["count", "scheme", "periods", "n", "category", "percent"],
                BadgeRuleType::Certifications => &["count"],
                BadgeRuleType::TargetStreak => &["scheme", "periods"],
                BadgeRuleType::TopN => &["scheme", "n"],
                BadgeRuleType::CategoryShare => &["category", "percent"],
            },
        )?;
        Ok(match b.kind {
            BadgeRuleType::FirstSale => super::BadgeRule::FirstSale,
            BadgeRuleType::Certifications => super::BadgeRule::Certifications { count: need(b.count, "count")? },
            BadgeRuleType::TargetStreak => super::BadgeRule::TargetStreak {
                scheme: need(b.scheme, "scheme")?,
                periods: need(b.periods, "periods")?,
            },
            BadgeRuleType::TopN => super::BadgeRule::TopN { scheme: need(b.scheme, "scheme")?, n: need(b.n, "n")? },
            BadgeRuleType::CategoryShare => super::BadgeRule::CategoryShare {
                category: need(b.category, "category")?,
                percent: need(b.percent, "percent")?,
            },
        })
    }
}

/// Each kind of the model's enums mapped to its flat tag, by matches with no wildcard: a kind
/// added to the model does not compile here until its tag is added, and then not in the
/// `TryFrom` below until its flat reader makes it. Used by the tests, which read each kind.
#[allow(dead_code)]
mod every_kind {
    use super::super as model;
    use super::{BadgeRuleType, FactKind, GateType, MeasureType, PayType, PayoutType};

    impl From<&model::Fact> for FactKind {
        fn from(f: &model::Fact) -> Self {
            match f {
                model::Fact::Sale { .. } => FactKind::Sale,
                model::Fact::Certification { .. } => FactKind::Certification,
                model::Fact::Referral { .. } => FactKind::Referral,
                model::Fact::MarketingSpend { .. } => FactKind::MarketingSpend,
                model::Fact::Target { .. } => FactKind::Target,
            }
        }
    }

    impl From<&model::Measure> for MeasureType {
        fn from(m: &model::Measure) -> Self {
            match m {
                model::Measure::SumValue => MeasureType::SumValue,
                model::Measure::SumUnits => MeasureType::SumUnits,
                model::Measure::Count => MeasureType::Count,
                model::Measure::DistinctSkus => MeasureType::DistinctSkus,
                model::Measure::Growth { .. } => MeasureType::Growth,
            }
        }
    }

    impl From<&model::Gate> for GateType {
        fn from(g: &model::Gate) -> Self {
            match g {
                model::Gate::MinMeasure { .. } => GateType::MinMeasure,
                model::Gate::MinAttainment { .. } => GateType::MinAttainment,
                model::Gate::Certification { .. } => GateType::Certification,
                model::Gate::MinTier { .. } => GateType::MinTier,
            }
        }
    }

    impl From<&model::Rate> for PayType {
        fn from(r: &model::Rate) -> Self {
            match r {
                model::Rate::PercentOfValue { .. } => PayType::PercentOfValue,
                model::Rate::PerUnit { .. } => PayType::PerUnit,
                model::Rate::PerCount { .. } => PayType::PerCount,
            }
        }
    }

    impl From<&model::SlabPay> for PayType {
        fn from(p: &model::SlabPay) -> Self {
            match p {
                model::SlabPay::PercentOfValue { .. } => PayType::PercentOfValue,
                model::SlabPay::PerUnit { .. } => PayType::PerUnit,
                model::SlabPay::PerCount { .. } => PayType::PerCount,
                model::SlabPay::Fixed { .. } => PayType::Fixed,
            }
        }
    }

    impl From<&model::Payout> for PayoutType {
        fn from(p: &model::Payout) -> Self {
            match p {
                model::Payout::Flat { .. } => PayoutType::Flat,
                model::Payout::Fixed { .. } => PayoutType::Fixed,
                model::Payout::Slabs { .. } => PayoutType::Slabs,
                model::Payout::Rank { .. } => PayoutType::Rank,
            }
        }
    }

    impl From<&model::BadgeRule> for BadgeRuleType {
        fn from(b: &model::BadgeRule) -> Self {
            match b {
                model::BadgeRule::FirstSale => BadgeRuleType::FirstSale,
                model::BadgeRule::Certifications { .. } => BadgeRuleType::Certifications,
                model::BadgeRule::TargetStreak { .. } => BadgeRuleType::TargetStreak,
                model::BadgeRule::TopN { .. } => BadgeRuleType::TopN,
                model::BadgeRule::CategoryShare { .. } => BadgeRuleType::CategoryShare,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    //! Every kind of every tagged enum read by its flat reader and by serde's tagged one, from
    //! the same JSON: the same value, or both refuse.
    use serde::de::DeserializeOwned;
    use serde_json::{json, Value};

    use super::super as model;

    /// Reads `doc` through the flat record `F` and through `T`'s tagged reader.
    fn both<F, T>(doc: Value) -> (Result<T, String>, Result<T, String>)
    where
        F: DeserializeOwned,
        T: DeserializeOwned + TryFrom<F, Error = String>,
    {
        let flat = serde_json::from_value::<F>(doc.clone()).map_err(|e| e.to_string()).and_then(T::try_from);
        let tagged = serde_json::from_value::<T>(doc).map_err(|e| e.to_string());
        (flat, tagged)
    }

    /// Reads `doc` both ways: the same value, of the kind its tag names (`Tg`, the flat tag,
    /// from the kind by `every_kind`'s exhaustive matches).
    fn agree<F, T, Tg>(doc: Value) -> T
    where
        F: DeserializeOwned,
        T: DeserializeOwned + TryFrom<F, Error = String> + PartialEq + std::fmt::Debug,
        Tg: DeserializeOwned + PartialEq + std::fmt::Debug + for<'a> From<&'a T>,
    {
        let (flat, tagged) = both::<F, T>(doc.clone());
        let tagged = tagged.unwrap_or_else(|e| panic!("{doc} is valid: {e}"));
        assert_eq!(flat.as_ref(), Ok(&tagged), "{doc}");
        let tag = doc.get("kind").or(doc.get("type")).cloned().unwrap_or_default();
        assert_eq!(Tg::from(&tagged), serde_json::from_value::<Tg>(tag).unwrap(), "{doc}");
        tagged
    }

    fn refuse<F, T>(doc: Value, says: &str)
    where
        F: DeserializeOwned,
        T: DeserializeOwned + TryFrom<F, Error = String> + std::fmt::Debug,
    {
        let (flat, tagged) = both::<F, T>(doc.clone());
        assert!(tagged.is_err(), "{doc}: the tagged reader refuses it");
        let flat = flat.expect_err(&format!("{doc}: the flat reader refuses it"));
        assert!(flat.contains(says), "{doc}: {flat:?} says {says:?}");
    }

    #[test]
    fn every_kind_of_fact_reads_the_same_both_ways() {
        use rust_decimal::Decimal;
        let sale: model::Fact =
            agree::<super::Fact, _, super::FactKind>(json!({"kind": "sale", "partner": "p1", "date": "2026-03-04",
            "invoice": "INV-1", "sku": "S", "category": "paint", "units": "3", "value": "1500.50"}));
        assert_eq!(
            sale,
            model::Fact::Sale {
                partner: "p1".into(),
                date: chrono::NaiveDate::from_ymd_opt(2026, 3, 4).unwrap(),
                invoice: "INV-1".into(),
                sku: "S".into(),
                category: "paint".into(),
                units: Decimal::from(3),
                value: Decimal::new(150050, 2),
            }
        );
        // Invoice and category may be left out; the tag may come last.
        agree::<super::Fact, model::Fact, super::FactKind>(
            json!({"partner": "p1", "date": "2026-03-04", "sku": "S", "units": "-1", "value": "-20", "kind": "sale"}),
        );
        agree::<super::Fact, model::Fact, super::FactKind>(
            json!({"kind": "certification", "partner": "p", "date": "2026-01-01", "course": "C1"}),
        );
        agree::<super::Fact, model::Fact, super::FactKind>(
            json!({"kind": "referral", "partner": "p", "date": "2026-01-01", "referred": "q"}),
        );
        agree::<super::Fact, model::Fact, super::FactKind>(
            json!({"kind": "marketing_spend", "partner": "p", "date": "2026-01-01", "scheme": "mdf", "amount": "250"}),
        );
        agree::<super::Fact, model::Fact, super::FactKind>(
            json!({"kind": "target", "partner": "p", "scheme": "s", "period": "2026-Q1", "value": "1000000"}),
        );
    }

    #[test]
    fn a_fact_missing_what_its_kind_needs_or_of_no_kind_is_refused() {
        refuse::<super::Fact, model::Fact>(
            json!({"kind": "sale", "partner": "p", "date": "2026-01-01", "units": "1", "value": "1"}),
            "missing field `sku`",
        );
        refuse::<super::Fact, model::Fact>(
            json!({"kind": "target", "partner": "p", "scheme": "s", "value": "1"}),
            "missing field `period`",
        );
        refuse::<super::Fact, model::Fact>(
            json!({"kind": "sale", "partner": "p", "date": "2026-01-01", "sku": "S", "units": "1", "value": "1", "colour": "red"}),
            "unknown field `colour`",
        );
        refuse::<super::Fact, model::Fact>(json!({"kind": "gift", "partner": "p"}), "unknown variant `gift`");
        // A field of another kind.
        refuse::<super::Fact, model::Fact>(
            json!({"kind": "sale", "partner": "p", "date": "2026-01-01", "sku": "S", "units": "1", "value": "1", "course": "C"}),
            "unknown field `course`",
        );
        refuse::<super::Fact, model::Fact>(
            json!({"kind": "target", "partner": "p", "date": "2026-01-01", "scheme": "s", "period": "2026-01", "value": "1"}),
            "unknown field `date`",
        );
        refuse::<super::Fact, model::Fact>(json!({"partner": "p", "date": "2026-01-01"}), "missing field `kind`");
        refuse::<super::Fact, model::Fact>(
            json!({"kind": "referral", "partner": "p", "date": "2026-02-30", "referred": "q"}),
            "`2026-02-30` is no date",
        );
    }

    #[test]
    fn every_measure_gate_rate_slab_pay_payout_and_badge_rule_reads_the_same_both_ways() {
        for t in ["sum_value", "sum_units", "count", "distinct_skus"] {
            agree::<super::Measure, model::Measure, super::MeasureType>(json!({"type": t}));
        }
        let growth: model::Measure =
            agree::<super::Measure, _, super::MeasureType>(json!({"type": "growth", "of": "sum_units"}));
        assert_eq!(growth, model::Measure::Growth { of: model::GrowthBase::SumUnits, baseline_offset_months: 12 });
        agree::<super::Measure, model::Measure, super::MeasureType>(
            json!({"type": "growth", "of": "count", "baseline_offset_months": 1}),
        );

        agree::<super::Gate, model::Gate, super::GateType>(json!({"type": "min_measure", "value": "5000000"}));
        agree::<super::Gate, model::Gate, super::GateType>(json!({"type": "min_attainment", "percent": "80"}));
        agree::<super::Gate, model::Gate, super::GateType>(json!({"type": "certification", "course": "C"}));
        agree::<super::Gate, model::Gate, super::GateType>(json!({"type": "min_tier", "tier": "gold"}));

        agree::<super::Pay, model::Rate, super::PayType>(json!({"type": "percent_of_value", "percent": "2.5"}));
        agree::<super::Pay, model::Rate, super::PayType>(json!({"type": "per_unit", "amount": "500"}));
        agree::<super::Pay, model::Rate, super::PayType>(json!({"type": "per_count", "amount": "10"}));
        for t in ["per_unit", "per_count", "fixed"] {
            agree::<super::Pay, model::SlabPay, super::PayType>(json!({"type": t, "amount": "7"}));
        }
        agree::<super::Pay, model::SlabPay, super::PayType>(json!({"type": "percent_of_value", "percent": "1"}));

        agree::<super::Payout, model::Payout, super::PayoutType>(
            json!({"type": "flat", "rate": {"type": "per_unit", "amount": "5"}}),
        );
        agree::<super::Payout, model::Payout, super::PayoutType>(json!({"type": "fixed", "amount": "100000"}));
        let slabs: model::Payout =
            agree::<super::Payout, _, super::PayoutType>(json!({"type": "slabs", "mode": "incremental", "slabs": [
            {"from": "0", "pay": {"type": "percent_of_value", "percent": "1"}},
            {"from": "10000000", "pay": {"type": "fixed", "amount": "250000"}}]}));
        assert!(
            matches!(slabs, model::Payout::Slabs { bounds: model::SlabBounds::Absolute, ref slabs, .. } if slabs.len() == 2)
        );
        agree::<super::Payout, model::Payout, super::PayoutType>(
            json!({"type": "slabs", "mode": "retroactive", "bounds": "percent_of_target",
            "slabs": [{"from": "100", "pay": {"type": "per_unit", "amount": "1"}}]}),
        );
        agree::<super::Payout, model::Payout, super::PayoutType>(
            json!({"type": "rank", "group_by": "region", "amounts": ["300", "200", "100"]}),
        );

        agree::<super::BadgeRule, model::BadgeRule, super::BadgeRuleType>(json!({"type": "first_sale"}));
        agree::<super::BadgeRule, model::BadgeRule, super::BadgeRuleType>(
            json!({"type": "certifications", "count": 3}),
        );
        agree::<super::BadgeRule, model::BadgeRule, super::BadgeRuleType>(
            json!({"type": "target_streak", "scheme": "s", "periods": 3}),
        );
        agree::<super::BadgeRule, model::BadgeRule, super::BadgeRuleType>(
            json!({"type": "top_n", "scheme": "s", "n": 10}),
        );
        agree::<super::BadgeRule, model::BadgeRule, super::BadgeRuleType>(
            json!({"type": "category_share", "category": "paint", "percent": "40"}),
        );
    }

    #[test]
    fn a_kind_missing_what_it_needs_or_of_another_enum_is_refused() {
        refuse::<super::Measure, model::Measure>(json!({"type": "growth"}), "missing field `of`");
        refuse::<super::Gate, model::Gate>(json!({"type": "min_tier"}), "missing field `tier`");
        refuse::<super::Pay, model::Rate>(json!({"type": "fixed", "amount": "1"}), "unknown variant `fixed`");
        refuse::<super::Pay, model::SlabPay>(json!({"type": "per_unit", "percent": "1"}), "unknown field `percent`");
        refuse::<super::Payout, model::Payout>(json!({"type": "slabs", "slabs": []}), "missing field `mode`");
        refuse::<super::Payout, model::Payout>(
            json!({"type": "rank", "group_by": "everyone", "amounts": []}),
            "unknown variant `everyone`",
        );
        refuse::<super::BadgeRule, model::BadgeRule>(json!({"type": "top_n", "scheme": "s"}), "missing field `n`");
        refuse::<super::BadgeRule, model::BadgeRule>(
            json!({"type": "top_n", "scheme": "s", "n": 1, "why": 2}),
            "unknown field `why`",
        );
        let (flat, tagged) = both::<super::BadgeRule, model::BadgeRule>(json!({"type": "first_sale", "why": 2}));
        assert_eq!((flat.is_ok(), tagged.is_ok()), (false, true), "{flat:?} {tagged:?}");
        // A field of another kind of the same enum.
        // As serde's tagged reader does, a kind without fields ignores those of the others.
        agree::<super::Measure, model::Measure, super::MeasureType>(json!({"type": "count", "of": "count"}));
        agree::<super::BadgeRule, model::BadgeRule, super::BadgeRuleType>(json!({"type": "first_sale", "n": 1}));
        refuse::<super::Gate, model::Gate>(
            json!({"type": "min_tier", "tier": "gold", "value": "1"}),
            "unknown field `value`",
        );
        refuse::<super::Pay, model::Rate>(
            json!({"type": "per_unit", "amount": "1", "percent": "2"}),
            "unknown field `percent`",
        );
        refuse::<super::Pay, model::SlabPay>(
            json!({"type": "percent_of_value", "percent": "1", "amount": "2"}),
            "unknown field `amount`",
        );
        refuse::<super::Payout, model::Payout>(
            json!({"type": "fixed", "amount": "1", "slabs": []}),
            "unknown field `slabs`",
        );
    }
}
