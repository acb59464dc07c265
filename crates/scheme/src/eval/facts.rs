//! One partner's facts, sorted by date per kind so a period's facts are found by binary search,
//! and the quantities a measure is computed from.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use crate::model::{Fact, FactFilter, FactKind, GrowthBase, Measure};

/// A dated fact reduced to what measures read.
#[derive(Clone, Copy, Debug)]
pub struct Row<'a> {
    /// Position of the fact among the partner's own facts, in the order given.
    pub index: u32,
    pub date: NaiveDate,
    /// SKU for sales, course for certifications, referred partner for referrals, scheme for spend.
    pub key: &'a str,
    pub category: &'a str,
    pub units: Decimal,
    pub value: Decimal,
}

/// A partner's facts, indexed.
#[derive(Debug, Default)]
pub struct PartnerFacts<'a> {
    pub sales: Vec<Row<'a>>,
    pub certifications: Vec<Row<'a>>,
    pub referrals: Vec<Row<'a>>,
    pub spend: Vec<Row<'a>>,
    /// (scheme, period label, value)
    pub targets: Vec<(&'a str, &'a str, Decimal)>,
    /// How many of the partner's facts were pushed.
    seen: u32,
    /// Running totals of the sales (`None` when they overflow: sums are then taken row by row).
    sales_totals: Option<Totals>,
}

/// Sort rows by date, keeping the given order within a day. Rows are large, so the sort works
/// on 8-byte keys (day, position) and then moves each row once, in place (a second list of rows
/// would double the memory a large partner needs).
fn sort_by_date(rows: &mut [Row]) {
    let mut order: Vec<u64> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            // Days shifted to be non-negative, so dates before the common era order too.
            let day = (i64::from(r.date.num_days_from_ce()) - i64::from(i32::MIN)) as u64;
            (day << 32) | i as u64
        })
        .collect();
    order.sort_unstable();
    // order[i] now names (low 32 bits) the row that belongs at i; follow each cycle once.
    for o in order.iter_mut() {
        *o &= 0xffff_ffff;
    }
    for start in 0..rows.len() {
        if order[start] as usize == start {
            continue;
        }
        let held = rows[start];
        let mut hole = start;
        loop {
            let from = order[hole] as usize;
            order[hole] = hole as u64;
            if from == start {
                rows[hole] = held;
                break;
            }
            rows[hole] = rows[from];
            hole = from;
        }
    }
}

/// Running totals of value and units: entry `i` sums the rows before `i`.
#[derive(Debug, Default)]
pub struct Totals {
    value: Vec<Decimal>,
    units: Vec<Decimal>,
}

fn running_totals(rows: &[Row]) -> Option<Totals> {
    let mut t = Totals { value: Vec::with_capacity(rows.len() + 1), units: Vec::with_capacity(rows.len() + 1) };
    let (mut v, mut u) = (Decimal::ZERO, Decimal::ZERO);
    t.value.push(v);
    t.units.push(u);
    for r in rows {
        v = v.checked_add(r.value)?;
        u = u.checked_add(r.units)?;
        t.value.push(v);
        t.units.push(u);
    }
    Some(t)
}

impl<'a> PartnerFacts<'a> {
    /// Index the facts of `partner` among `facts` (facts of other partners are skipped) that are
    /// dated on or before `as_of`.
    pub fn new(partner: &str, facts: impl IntoIterator<Item = &'a Fact>, as_of: NaiveDate) -> Self {
        let facts = facts.into_iter();
        let mut me = PartnerFacts::default();
        // Most facts are sales: room for all of them at once spares growing the list ten times.
        me.sales.reserve(facts.size_hint().1.unwrap_or(0));
        for fact in facts.into_iter().filter(|f| f.partner() == partner) {
            me.push(fact, as_of);
        }
        me.sort();
        me
    }

    /// Add the partner's next fact (its position among the partner's facts is counted even when
    /// it is dated after `as_of` and left out).
    pub fn push(&mut self, fact: &'a Fact, as_of: NaiveDate) {
        let index = self.seen;
        self.seen += 1;
        if let Some(date) = fact.date() {
            if date > as_of {
                return;
            }
        }
        match fact {
            Fact::Sale { date, sku, category, units, value, .. } => {
                self.sales.push(Row { index, date: *date, key: sku, category, units: *units, value: *value })
            }
            Fact::Certification { date, course, .. } => self.certifications.push(Row {
                index,
                date: *date,
                key: course,
                category: "",
                units: Decimal::ONE,
                value: Decimal::ZERO,
            }),
            Fact::Referral { date, referred, .. } => self.referrals.push(Row {
                index,
                date: *date,
                key: referred,
                category: "",
                units: Decimal::ONE,
                value: Decimal::ZERO,
            }),
            Fact::MarketingSpend { date, scheme, amount, .. } => self.spend.push(Row {
                index,
                date: *date,
                key: scheme,
                category: "",
                units: Decimal::ONE,
                value: *amount,
            }),
            Fact::Target { scheme, period, value, .. } => self.targets.push((scheme, period, *value)),
        }
    }

    /// Sort every list by date; facts of one day keep their given order. Then total the sales
    /// so unfiltered sums over any span are two look-ups.
    pub fn sort(&mut self) {
        for rows in [&mut self.sales, &mut self.certifications, &mut self.referrals, &mut self.spend] {
            if !rows.is_sorted_by_key(|r| r.date) {
                sort_by_date(rows);
            }
        }
        self.sales_totals = running_totals(&self.sales);
    }

    /// The running totals of a measure over all sales, when they are kept (sum of value or units).
    pub fn sales_running(&self, measure: &Measure) -> Option<&[Decimal]> {
        let t = self.sales_totals.as_ref()?;
        match measure {
            Measure::SumValue => Some(&t.value),
            Measure::SumUnits => Some(&t.units),
            _ => None,
        }
    }

    /// Quantities of the facts of the filter's kind dated within [start, end] that pass it;
    /// `indices` collects the facts that counted.
    pub fn quantities_between(
        &self,
        filter: &FactFilter,
        start: NaiveDate,
        end: NaiveDate,
        want_distinct: bool,
        indices: Option<&mut Vec<u32>>,
    ) -> Option<Quantities> {
        let rows = self.rows(filter.fact);
        let lo = rows.partition_point(|r| r.date < start);
        let hi = rows.partition_point(|r| r.date <= end).max(lo);
        let unfiltered = filter.skus.is_empty() && filter.categories.is_empty() && filter.courses.is_empty();
        match &self.sales_totals {
            Some(t) if filter.fact == FactKind::Sale && unfiltered && !want_distinct => {
                if let Some(ix) = indices {
                    ix.extend(rows[lo..hi].iter().map(|r| r.index));
                }
                Some(Quantities {
                    value: t.value[hi].checked_sub(t.value[lo])?,
                    units: t.units[hi].checked_sub(t.units[lo])?,
                    count: Decimal::from((hi - lo) as u64),
                    distinct: Decimal::ZERO,
                })
            }
            _ => quantities(filter, &rows[lo..hi], want_distinct, indices),
        }
    }

    /// Index facts already known to be the partner's (a population run groups them first).
    pub fn from_own(facts: impl IntoIterator<Item = &'a Fact>, as_of: NaiveDate) -> Self {
        let facts = facts.into_iter();
        let mut me = PartnerFacts::default();
        me.sales.reserve(facts.size_hint().1.unwrap_or(0));
        for fact in facts {
            me.push(fact, as_of);
        }
        me.sort();
        me
    }

    pub fn rows(&self, kind: FactKind) -> &[Row<'a>] {
        match kind {
            FactKind::Sale => &self.sales,
            FactKind::Certification => &self.certifications,
            FactKind::Referral => &self.referrals,
            FactKind::MarketingSpend => &self.spend,
        }
    }

    /// Rows of a kind dated within [start, end].
    pub fn between(&self, kind: FactKind, start: NaiveDate, end: NaiveDate) -> &[Row<'a>] {
        let rows = self.rows(kind);
        let lo = rows.partition_point(|r| r.date < start);
        let hi = rows.partition_point(|r| r.date <= end);
        if lo >= hi {
            &[]
        } else {
            &rows[lo..hi]
        }
    }

    /// The target of a scheme for a period. When several are given, the last one counts.
    pub fn target(&self, scheme: &str, period: &str) -> Option<Decimal> {
        self.targets.iter().rev().find(|(s, p, _)| *s == scheme && *p == period).map(|t| t.2)
    }

    /// Certifications held on `date` (optionally in one course).
    pub fn certifications_by(&self, date: NaiveDate, course: Option<&str>) -> usize {
        self.between(FactKind::Certification, NaiveDate::MIN, date)
            .iter()
            .filter(|r| course.is_none_or(|c| r.key == c))
            .count()
    }
}

/// Compare two decimals, taking the quick road when they have the same scale (most figures of
/// one program do): then the mantissas order them.
pub fn cmp_dec(a: &Decimal, b: &Decimal) -> std::cmp::Ordering {
    if a.scale() == b.scale() {
        a.mantissa().cmp(&b.mantissa())
    } else {
        a.cmp(b)
    }
}

/// Whether a row passes a filter's narrowing lists.
pub fn admits(filter: &FactFilter, row: &Row) -> bool {
    match filter.fact {
        FactKind::Sale => {
            (filter.skus.is_empty() || filter.skus.iter().any(|s| s == row.key))
                && (filter.categories.is_empty() || filter.categories.iter().any(|c| c == row.category))
        }
        FactKind::Certification => filter.courses.is_empty() || filter.courses.iter().any(|c| c == row.key),
        FactKind::Referral | FactKind::MarketingSpend => true,
    }
}

/// Sums over the facts that count in a span.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Quantities {
    pub value: Decimal,
    pub units: Decimal,
    pub count: Decimal,
    pub distinct: Decimal,
}

/// Sum the rows that pass the filter; `indices` collects the facts that counted.
pub fn quantities(
    filter: &FactFilter,
    rows: &[Row],
    want_distinct: bool,
    mut indices: Option<&mut Vec<u32>>,
) -> Option<Quantities> {
    let unfiltered = filter.skus.is_empty() && filter.categories.is_empty() && filter.courses.is_empty();
    if let Some(ix) = indices.as_deref_mut() {
        ix.reserve(rows.len());
    }
    let mut q = Quantities::default();
    let mut count: u64 = 0;
    let mut units_by_sku: rustc_hash::FxHashMap<&str, Decimal> = rustc_hash::FxHashMap::default();
    for row in rows {
        if !unfiltered && !admits(filter, row) {
            continue;
        }
        q.value = q.value.checked_add(row.value)?;
        q.units = q.units.checked_add(row.units)?;
        count += 1;
        if want_distinct {
            let net = units_by_sku.entry(row.key).or_default();
            *net = net.checked_add(row.units)?;
        }
        if let Some(ix) = indices.as_deref_mut() {
            ix.push(row.index);
        }
    }
    q.count = Decimal::from(count);
    q.distinct = Decimal::from(units_by_sku.values().filter(|u| **u > Decimal::ZERO).count() as u64);
    Some(q)
}

/// Running totals of a measure over the rows of one fact kind (rows the filter refuses add 0),
/// so the measure over any date span is a difference of two entries. Not for distinct SKUs or
/// growth; `None` on overflow.
pub fn prefix_sums(filter: &FactFilter, measure: &Measure, rows: &[Row]) -> Option<Vec<Decimal>> {
    let mut sums = Vec::with_capacity(rows.len() + 1);
    let mut acc = Decimal::ZERO;
    sums.push(acc);
    for row in rows {
        if admits(filter, row) {
            let add = match measure {
                Measure::SumValue => row.value,
                Measure::SumUnits => row.units,
                Measure::Count => Decimal::ONE,
                Measure::DistinctSkus | Measure::Growth { .. } => return None,
            };
            acc = acc.checked_add(add)?;
        }
        sums.push(acc);
    }
    Some(sums)
}

/// The measure's value for a span's quantities (not for growth, which needs two spans).
pub fn simple_measure(measure: &Measure, q: &Quantities) -> Decimal {
    match measure {
        Measure::SumValue => q.value,
        Measure::SumUnits => q.units,
        Measure::Count => q.count,
        Measure::DistinctSkus => q.distinct,
        Measure::Growth { of, .. } => growth_base(*of, q),
    }
}

pub fn growth_base(of: GrowthBase, q: &Quantities) -> Decimal {
    match of {
        GrowthBase::SumValue => q.value,
        GrowthBase::SumUnits => q.units,
        GrowthBase::Count => q.count,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(index: u32, day: u32) -> Row<'static> {
        Row {
            index,
            date: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + chrono::Days::new(u64::from(day)),
            key: "k",
            category: "",
            units: Decimal::ONE,
            value: Decimal::from(index),
        }
    }

    #[test]
    fn rows_sort_by_date_and_keep_their_order_within_a_day() {
        // A scrambled order with repeated days and cycles of every length.
        let days = [5u32, 3, 5, 0, 9, 3, 3, 1, 9, 0, 2, 5, 7, 7, 1];
        let mut rows: Vec<Row> = days.iter().enumerate().map(|(i, d)| row(i as u32, *d)).collect();
        sort_by_date(&mut rows);
        let got: Vec<(u32, u32)> = rows.iter().map(|r| (r.date.ordinal0(), r.index)).collect();
        let mut want: Vec<(u32, u32)> = days.iter().enumerate().map(|(i, d)| (*d, i as u32)).collect();
        want.sort();
        assert_eq!(got, want);
    }
}
