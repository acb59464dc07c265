//! What a program says: the data model of programs, schemes, tiers, badges, partners and facts.
//!
//! Everything here is plain data, (de)serialized from the JSON a designer writes. How it is
//! evaluated lives in [`crate::eval`]; whether it makes sense is checked by [`crate::validate`](mod@crate::validate).
//! Amounts are [`Decimal`]s and are written as JSON strings (`"1250000"`, `"2.5"`) so that no
//! figure ever passes through floating point.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

// The browser's readers of the tagged kinds below and of dates; see their docs for why.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
mod flat;
pub mod date;

/// An incentive program: one currency, one points name, its schemes, tiers and badges.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Program {
    pub id: String,
    pub name: String,
    /// The name in other languages, by language code (`id`, `ms`, `nl`); see [`localized`].
    #[serde(default, skip_serializing_if = "Names::is_empty")]
    pub names: Names,
    /// ISO 4217 code of the money the program pays (`IDR`, `MYR`, `EUR`).
    pub currency: String,
    /// How many decimals money is paid in (`0` for IDR, `2` for MYR and EUR).
    pub decimals: u32,
    /// The brand's name for its points ("points", "poin", "supercoins").
    #[serde(default = "default_points_name")]
    pub points_name: String,
    /// IANA time zone the program's calendar dates are in (informational: facts carry dates).
    #[serde(default = "default_time_zone")]
    pub time_zone: String,
    pub schemes: Vec<Scheme>,
    /// Tiers in ascending order: each later tier is a higher one.
    #[serde(default)]
    pub tiers: Vec<Tier>,
    #[serde(default)]
    pub badges: Vec<Badge>,
}

/// A name in other languages, by language code: `{"id": "Insentif penjualan", "nl": "Verkoopbonus"}`.
pub type Names = std::collections::BTreeMap<String, String>;

/// The name to show a reader of `language` (a code such as `id` or `nl-BE`): the name given for
/// that language, else for its primary subtag, else the default `name`.
pub fn localized<'a>(name: &'a str, names: &'a Names, language: &str) -> &'a str {
    let primary = language.split(['-', '_']).next().unwrap_or(language);
    names.get(language).or_else(|| names.get(primary)).map_or(name, String::as_str)
}

fn default_points_name() -> String {
    "points".into()
}

fn default_time_zone() -> String {
    "UTC".into()
}

/// One earning rule of a program.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Scheme {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Names::is_empty")]
    pub names: Names,
    pub kind: SchemeKind,
    pub window: Window,
    #[serde(default)]
    pub period: PeriodKind,
    #[serde(default)]
    pub eligibility: Eligibility,
    /// Which facts count towards the measure.
    pub counts: FactFilter,
    pub measure: Measure,
    #[serde(default)]
    pub gates: Vec<Gate>,
    pub payout: Payout,
    /// Multiply the payout by the partner's tier multiplier.
    #[serde(default)]
    pub tier_multiplier: bool,
    /// The most one partner can earn in one period, in the instrument's unit.
    #[serde(default)]
    pub cap: Option<Decimal>,
    /// The most all partners together can earn in one period.
    #[serde(default)]
    pub budget: Option<Decimal>,
    pub instrument: Instrument,
    /// For fund schemes: how approved marketing spend draws the balance down.
    #[serde(default)]
    pub fund: Option<FundRule>,
}

/// The incentive types of the field. The kind labels a scheme for people and reports; what it
/// pays is entirely defined by the other fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum SchemeKind {
    SalesIncentive,
    CoopFund,
    Rebate,
    Mdf,
    VolumeDiscount,
    Training,
    PerformanceBonus,
    Spif,
    Referral,
    ValueAdded,
}

/// Calendar dates, both included.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Window {
    #[cfg_attr(target_arch = "wasm32", serde(deserialize_with = "date::read"))]
    pub start: NaiveDate,
    #[cfg_attr(target_arch = "wasm32", serde(deserialize_with = "date::read"))]
    pub end: NaiveDate,
}

impl Window {
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.start <= date && date <= self.end
    }
}

/// How a scheme's window is cut into evaluation periods.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    #[default]
    Window,
    Month,
    Quarter,
}

/// Who may earn. Empty lists admit everyone.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Eligibility {
    #[serde(default)]
    pub partner_types: Vec<String>,
    #[serde(default)]
    pub regions: Vec<String>,
    #[serde(default)]
    pub segments: Vec<String>,
    #[serde(default)]
    pub min_tier: Option<String>,
}

/// The kinds of facts a partner generates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum FactKind {
    Sale,
    Certification,
    Referral,
    MarketingSpend,
}

/// Which facts count: one fact kind, optionally narrowed to SKUs or categories (sales) or
/// courses (certifications). Empty lists admit every fact of the kind.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct FactFilter {
    pub fact: FactKind,
    #[serde(default)]
    pub skus: Vec<String>,
    #[serde(default)]
    pub categories: Vec<String>,
    #[serde(default)]
    pub courses: Vec<String>,
}

impl FactFilter {
    /// Whether a sale of `sku` in `category` counts: its SKU listed (or none listed) and its
    /// category listed (or none listed), in a filter of sales (`docs/semantics.md`, "Measures").
    pub fn admits_sale(&self, sku: &str, category: &str) -> bool {
        let listed = |list: &[String], text: &str| list.is_empty() || list.iter().any(|x| x == text);
        self.fact == FactKind::Sale && listed(&self.skus, sku) && listed(&self.categories, category)
    }
}

/// What is measured over the facts that count in a period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
#[cfg_attr(target_arch = "wasm32", serde(try_from = "flat::Measure"))]
pub enum Measure {
    SumValue,
    SumUnits,
    Count,
    DistinctSkus,
    /// (current − baseline) / baseline × 100, in percent, where both sides are `of` and the
    /// baseline is the same period shifted back by `baseline_offset_months` (12 = a year earlier).
    Growth {
        of: GrowthBase,
        #[serde(default = "default_baseline_offset")]
        baseline_offset_months: u32,
    },
}

fn default_baseline_offset() -> u32 {
    12
}

/// What a growth measure compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum GrowthBase {
    SumValue,
    SumUnits,
    Count,
}

/// A condition that must hold to earn anything in a period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
#[cfg_attr(target_arch = "wasm32", serde(try_from = "flat::Gate"))]
pub enum Gate {
    /// The measure reaches `value`.
    MinMeasure { value: Decimal },
    /// The measure reaches `percent` of the partner's target for the period.
    MinAttainment { percent: Decimal },
    /// The partner holds a certification in `course` by the end of the period.
    Certification { course: String },
    /// The partner holds `tier` or a higher one.
    MinTier { tier: String },
}

/// A rate applied to the quantities of the facts that count.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
#[cfg_attr(target_arch = "wasm32", serde(try_from = "flat::Pay"))]
pub enum Rate {
    /// `percent` % of the value of the facts that count (or of the spend, for marketing spend).
    PercentOfValue { percent: Decimal },
    /// `amount` per unit sold.
    PerUnit { amount: Decimal },
    /// `amount` per fact counted (a certification, a referral, a sale line).
    PerCount { amount: Decimal },
}

/// What a slab pays once the measure is in it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
#[cfg_attr(target_arch = "wasm32", serde(try_from = "flat::Pay"))]
pub enum SlabPay {
    PercentOfValue {
        percent: Decimal,
    },
    PerUnit {
        amount: Decimal,
    },
    PerCount {
        amount: Decimal,
    },
    /// A fixed amount (retroactive slabs only).
    Fixed {
        amount: Decimal,
    },
}

/// One slab: covers [from, next slab's from).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Slab {
    pub from: Decimal,
    pub pay: SlabPay,
}

/// Whether the slab reached pays the whole measure or each slice pays its own rate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum SlabMode {
    Retroactive,
    Incremental,
}

/// What slab bounds are expressed in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum SlabBounds {
    /// In the measure's own unit.
    #[default]
    Absolute,
    /// In percent of the partner's target for the period (attainment bands, accelerators).
    PercentOfTarget,
}

/// A partner attribute that groups partners (for ranks and leaderboards).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    /// Everyone in the program.
    All,
    Region,
    PartnerType,
    Segment,
    Parent,
}

/// How the base payout is computed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
#[cfg_attr(target_arch = "wasm32", serde(try_from = "flat::Payout"))]
pub enum Payout {
    Flat {
        rate: Rate,
    },
    Fixed {
        amount: Decimal,
    },
    Slabs {
        mode: SlabMode,
        #[serde(default)]
        bounds: SlabBounds,
        slabs: Vec<Slab>,
    },
    /// The top `amounts.len()` of each group by the measure get `amounts[rank - 1]`.
    Rank {
        group_by: GroupBy,
        amounts: Vec<Decimal>,
    },
}

/// What a payout is paid in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Instrument {
    Points,
    /// A cash credit note, in the program's currency.
    Cash,
    /// A fund balance (MDF, co-op), in the program's currency.
    Fund,
}

/// How approved marketing spend is reimbursed from a fund.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct FundRule {
    /// Share of each approved spend reimbursed from the balance (100 for MDF, 50 for co-op).
    pub reimburse_percent: Decimal,
}

/// A tier: held on a date when the trailing measure reaches the threshold and the
/// requirements hold.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Tier {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Names::is_empty")]
    pub names: Names,
    pub counts: FactFilter,
    pub measure: Measure,
    /// Length of the trailing window ending on the date, in months.
    #[serde(default = "default_trailing")]
    pub trailing_months: u32,
    pub threshold: Decimal,
    /// Certifications held, by course (any course when empty), needed for the tier.
    #[serde(default)]
    pub min_certifications: u32,
    #[serde(default = "one")]
    pub multiplier: Decimal,
    #[serde(default)]
    pub perks: Vec<String>,
}

fn default_trailing() -> u32 {
    12
}

fn one() -> Decimal {
    Decimal::ONE
}

/// An achievement, earned on the first date its rule holds and kept.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Badge {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Names::is_empty")]
    pub names: Names,
    pub rule: BadgeRule,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
#[cfg_attr(target_arch = "wasm32", serde(try_from = "flat::BadgeRule"))]
pub enum BadgeRule {
    FirstSale,
    Certifications {
        count: u32,
    },
    /// Attainment of at least 100% in `periods` consecutive closed periods of `scheme`.
    TargetStreak {
        scheme: String,
        periods: u32,
    },
    /// Ranked in the top `n` of a closed period of a rank scheme.
    TopN {
        scheme: String,
        n: u32,
    },
    /// At least `percent` % of the cumulative sales value in `category`.
    CategoryShare {
        category: String,
        percent: Decimal,
    },
}

/// A channel partner: an organisation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Partner {
    pub id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub partner_type: String,
    pub region: String,
    #[serde(default)]
    pub segment: String,
    #[cfg_attr(target_arch = "wasm32", serde(deserialize_with = "date::read"))]
    pub enrolled: NaiveDate,
    #[serde(default)]
    pub parent: Option<String>,
}

impl Partner {
    /// The partner's value of a grouping attribute.
    pub fn group(&self, by: GroupBy) -> &str {
        match by {
            GroupBy::All => "",
            GroupBy::Region => &self.region,
            GroupBy::PartnerType => &self.partner_type,
            GroupBy::Segment => &self.segment,
            GroupBy::Parent => self.parent.as_deref().unwrap_or_default(),
        }
    }
}

/// Short text in facts (ids, SKUs, invoice numbers): kept inline up to 24 bytes, so a million
/// facts do not mean four million small allocations.
pub type Text = compact_str::CompactString;

/// A dated record of what a partner did, or a target set for them. Facts are data: rules never
/// live in them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
#[cfg_attr(target_arch = "wasm32", serde(try_from = "flat::Fact"))]
pub enum Fact {
    /// A sale line; a return is a line with negative units and value.
    Sale {
        #[cfg_attr(feature = "schema", schemars(with = "String"))]
        partner: Text,
        date: NaiveDate,
        #[serde(default)]
        #[cfg_attr(feature = "schema", schemars(with = "String"))]
        invoice: Text,
        #[cfg_attr(feature = "schema", schemars(with = "String"))]
        sku: Text,
        #[serde(default)]
        #[cfg_attr(feature = "schema", schemars(with = "String"))]
        category: Text,
        units: Decimal,
        value: Decimal,
    },
    Certification {
        #[cfg_attr(feature = "schema", schemars(with = "String"))]
        partner: Text,
        date: NaiveDate,
        #[cfg_attr(feature = "schema", schemars(with = "String"))]
        course: Text,
    },
    Referral {
        #[cfg_attr(feature = "schema", schemars(with = "String"))]
        partner: Text,
        date: NaiveDate,
        #[cfg_attr(feature = "schema", schemars(with = "String"))]
        referred: Text,
    },
    /// Approved marketing spend, drawn against the fund of `scheme`.
    MarketingSpend {
        #[cfg_attr(feature = "schema", schemars(with = "String"))]
        partner: Text,
        date: NaiveDate,
        #[cfg_attr(feature = "schema", schemars(with = "String"))]
        scheme: Text,
        amount: Decimal,
    },
    /// The partner's target for one period of a scheme (see [`crate::eval::period_label`]).
    Target {
        #[cfg_attr(feature = "schema", schemars(with = "String"))]
        partner: Text,
        #[cfg_attr(feature = "schema", schemars(with = "String"))]
        scheme: Text,
        #[cfg_attr(feature = "schema", schemars(with = "String"))]
        period: Text,
        value: Decimal,
    },
}

impl Fact {
    pub fn partner(&self) -> &str {
        match self {
            Fact::Sale { partner, .. }
            | Fact::Certification { partner, .. }
            | Fact::Referral { partner, .. }
            | Fact::MarketingSpend { partner, .. }
            | Fact::Target { partner, .. } => partner,
        }
    }

    /// The fact's date; targets have none.
    pub fn date(&self) -> Option<NaiveDate> {
        match self {
            Fact::Sale { date, .. }
            | Fact::Certification { date, .. }
            | Fact::Referral { date, .. }
            | Fact::MarketingSpend { date, .. } => Some(*date),
            Fact::Target { .. } => None,
        }
    }

    pub fn kind(&self) -> Option<FactKind> {
        match self {
            Fact::Sale { .. } => Some(FactKind::Sale),
            Fact::Certification { .. } => Some(FactKind::Certification),
            Fact::Referral { .. } => Some(FactKind::Referral),
            Fact::MarketingSpend { .. } => Some(FactKind::MarketingSpend),
            Fact::Target { .. } => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_localized_name_falls_back_to_the_language_then_the_default() {
        let names: Names = [("id".to_string(), "Insentif".to_string()), ("nl-BE".to_string(), "Bonus (BE)".to_string())]
            .into_iter()
            .collect();
        assert_eq!(localized("Incentive", &names, "id"), "Insentif");
        assert_eq!(localized("Incentive", &names, "id-ID"), "Insentif");
        assert_eq!(localized("Incentive", &names, "nl-BE"), "Bonus (BE)");
        assert_eq!(localized("Incentive", &names, "nl"), "Incentive");
        assert_eq!(localized("Incentive", &names, "en"), "Incentive");
    }
}
