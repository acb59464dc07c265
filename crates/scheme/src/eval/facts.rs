//! One partner's facts, sorted by date per kind so a period's facts are found by binary search,
//! and the quantities a measure is computed from.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::exact::Sum;
use crate::model::{FactFilter, FactKind, GrowthBase, Measure};
use crate::table::{FactTable, Names, Row, Sym, TargetRow};

/// A partner's facts as of a date: slices of a [`FactTable`]'s rows,
/// with running totals of the sales so that unfiltered sums over any span are two look-ups.
#[derive(Debug)]
pub struct PartnerFacts<'a> {
    names: &'a Names,
    pub sales: &'a [Row],
    pub certifications: &'a [Row],
    pub referrals: &'a [Row],
    pub spend: &'a [Row],
    pub targets: &'a [TargetRow],
    /// Running totals of the sales (`None` when they overflow: sums are then taken row by row).
    sales_totals: Option<Running<'a>>,
}

/// The running totals of a partner's sales, kept from one [`PartnerFacts`] for another.
#[derive(Clone, Debug, Default)]
pub struct PartnerTotals(Option<Totals>);

/// Running totals of value, units and return lines: entry `i` sums the rows before `i`.
#[derive(Clone, Debug, Default)]
pub struct Totals {
    value: Vec<Sum>,
    units: Vec<Sum>,
    returns: Vec<u32>,
}

impl Totals {
    /// The running sums of the units (`true`) or of the value.
    fn column(&self, units: bool) -> &[Sum] {
        if units {
            &self.units
        } else {
            &self.value
        }
    }
}

/// Running totals of a partner's sales, the first entries possibly borrowed from totals taken
/// before over the same first sales (a what-if's base, so a keystroke does not copy them).
#[derive(Debug)]
struct Running<'a> {
    /// Entries `0..=same` are those of `.0`.
    before: Option<(&'a Totals, usize)>,
    /// The entries after those (all of them without `before`).
    own: Totals,
}

/// One of the running sums of [`Running`] (of value or of units), entry by entry.
#[derive(Clone, Copy, Debug)]
pub struct RunningSums<'a> {
    before: &'a [Sum],
    own: &'a [Sum],
}

impl RunningSums<'_> {
    /// The sum of the rows before row `i`.
    pub fn at(&self, i: usize) -> Sum {
        match self.before.get(i) {
            Some(s) => *s,
            None => self.own[i - self.before.len()],
        }
    }
}

impl Running<'_> {
    /// The running sums of the units (`true`) or of the value.
    fn sums(&self, units: bool) -> RunningSums<'_> {
        let before = self.before.map_or(&[][..], |(t, same)| &t.column(units)[..=same]);
        RunningSums { before, own: self.own.column(units) }
    }

    fn returns(&self, i: usize) -> u32 {
        match self.before {
            Some((t, same)) if i <= same => t.returns[i],
            Some((_, same)) => self.own.returns[i - same - 1],
            None => self.own.returns[i],
        }
    }
}

fn running_totals<'a>(rows: &[Row]) -> Option<Running<'a>> {
    let n = rows.len() + 1;
    let mut own = Totals { value: Vec::with_capacity(n), units: Vec::with_capacity(n), returns: Vec::with_capacity(n) };
    own.value.push(Sum::default());
    own.units.push(Sum::default());
    own.returns.push(0);
    sum_onto(&mut own, (Sum::default(), Sum::default(), 0), rows)?;
    Some(Running { before: None, own })
}

/// The entries of the running totals of `rows` after entry `same`, whose first `same` rows are
/// those `base` was taken over (entry `same` is `base`'s).
fn summed_after(base: &Totals, rows: &[Row], same: usize) -> Option<Totals> {
    let n = rows.len() - same;
    let mut own = Totals { value: Vec::with_capacity(n), units: Vec::with_capacity(n), returns: Vec::with_capacity(n) };
    sum_onto(&mut own, (base.value[same], base.units[same], base.returns[same]), rows.get(same..)?)?;
    Some(own)
}

/// Pushes onto `t` the running totals of `rows`, starting from `start`.
fn sum_onto(t: &mut Totals, start: (Sum, Sum, u32), rows: &[Row]) -> Option<()> {
    let (mut v, mut u, mut r) = start;
    for row in rows {
        v.add(row.value)?;
        u.add(row.units)?;
        r += u32::from(is_return(row));
        t.value.push(v);
        t.units.push(u);
        t.returns.push(r);
    }
    Some(())
}

/// A return line: negative units or a negative value. It lowers value and units measures and
/// is not counted by a count (docs/semantics.md, "Returns").
pub fn is_return(row: &Row) -> bool {
    row.units.is_sign_negative() && !row.units.is_zero() || row.value.is_sign_negative() && !row.value.is_zero()
}

impl<'a> PartnerFacts<'a> {
    /// The facts of `partner` in `table` dated on or before `as_of`.
    pub fn new(table: &'a FactTable, partner: &str, as_of: NaiveDate) -> Self {
        let mut pf = PartnerFacts::without_totals(table, partner, as_of);
        pf.sales_totals = running_totals(pf.sales);
        pf
    }

    fn without_totals(table: &'a FactTable, partner: &str, as_of: NaiveDate) -> Self {
        let rows = table.partner(partner);
        let upto = |kind: FactKind| {
            let rows = rows.rows(kind);
            &rows[..rows.partition_point(|r| r.date <= as_of)]
        };
        let sales = upto(FactKind::Sale);
        PartnerFacts {
            names: table.names(),
            sales,
            certifications: upto(FactKind::Certification),
            referrals: upto(FactKind::Referral),
            spend: upto(FactKind::MarketingSpend),
            targets: rows.targets(),
            sales_totals: None,
        }
    }

    /// [`PartnerFacts::new`] for a table whose partner's sales (as of `as_of`) begin with the
    /// first `same` sales of the table `base` was made from: their running totals are taken
    /// from `base` instead of being summed again. (Without totals, as when they overflowed in
    /// `base`, everything is summed.)
    pub fn reusing(
        table: &'a FactTable,
        partner: &str,
        as_of: NaiveDate,
        base: &'a PartnerTotals,
        same: usize,
    ) -> Self {
        let mut pf = PartnerFacts::without_totals(table, partner, as_of);
        pf.sales_totals = match &base.0 {
            Some(totals) if same < totals.value.len() && same <= pf.sales.len() => {
                summed_after(totals, pf.sales, same).map(|own| Running { before: Some((totals, same)), own })
            }
            _ => running_totals(pf.sales),
        };
        pf
    }

    /// The running totals of these facts' sales, to reuse ([`PartnerFacts::reusing`]).
    pub fn into_totals(self) -> PartnerTotals {
        // Totals partly borrowed are not kept (none is: only a statement's own are); without
        // totals, the next user sums everything again.
        PartnerTotals(self.sales_totals.and_then(|r| r.before.is_none().then_some(r.own)))
    }

    /// The text behind a fact's symbol.
    pub fn text(&self, sym: Sym) -> &'a str {
        self.names.text(sym)
    }

    /// The symbol of a text, when any fact uses it.
    pub fn sym(&self, text: &str) -> Option<Sym> {
        self.names.find(text)
    }

    /// The running totals of a measure over all sales, when they are kept (sum of value or units).
    pub fn sales_running(&self, measure: &Measure) -> Option<RunningSums<'_>> {
        let t = self.sales_totals.as_ref()?;
        match measure {
            Measure::SumValue => Some(t.sums(false)),
            Measure::SumUnits => Some(t.sums(true)),
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
                let returns = t.returns(hi) - t.returns(lo);
                let (value, units) = (t.sums(false), t.sums(true));
                Some(Quantities {
                    value: value.at(hi).since(&value.at(lo)),
                    units: units.at(hi).since(&units.at(lo)),
                    count: Decimal::from((hi - lo) as u64 - u64::from(returns)),
                    distinct: Decimal::ZERO,
                    lines: (hi - lo) as u64,
                })
            }
            _ => self.quantities(filter, &rows[lo..hi], want_distinct, indices),
        }
    }

    /// Sum the rows that pass the filter; `indices` collects the facts that counted.
    pub fn quantities(
        &self,
        filter: &FactFilter,
        rows: &[Row],
        want_distinct: bool,
        mut indices: Option<&mut Vec<u32>>,
    ) -> Option<Quantities> {
        let unfiltered = filter.skus.is_empty() && filter.categories.is_empty() && filter.courses.is_empty();
        if let Some(ix) = indices.as_deref_mut() {
            ix.reserve(rows.len());
        }
        let admit = Admit::new(self, filter);
        // Each sum on its own: values that no longer sum leave the units stated, and the other
        // way round (docs/semantics.md, "Overflow").
        let (mut value, mut units) = (Some(Sum::default()), Some(Sum::default()));
        let (mut count, mut lines): (u64, u64) = (0, 0);
        // (SKU, units) of the rows that count, for distinct SKUs: sorted and netted below.
        let mut units_by_sku: Vec<(Sym, Decimal)> = Vec::with_capacity(if want_distinct { rows.len() } else { 0 });
        for row in rows {
            if !unfiltered && !admit.admits(row) {
                continue;
            }
            value = value.and_then(|mut s| s.add(row.value).map(|()| s));
            units = units.and_then(|mut s| s.add(row.units).map(|()| s));
            lines += 1;
            count += u64::from(!is_return(row));
            if want_distinct {
                units_by_sku.push((row.key, row.units));
            }
            if let Some(ix) = indices.as_deref_mut() {
                ix.push(row.index);
            }
        }
        let mut q = Quantities {
            value: value.and_then(|s| s.total()),
            units: units.and_then(|s| s.total()),
            count: Decimal::from(count),
            lines,
            ..Default::default()
        };
        if want_distinct {
            q.distinct = Decimal::from(distinct_positive(&mut units_by_sku)?);
        }
        Some(q)
    }

    /// Running totals of a measure over the rows of one fact kind (rows the filter refuses add
    /// 0), so the measure over any date span is a difference of two entries. Not for distinct
    /// SKUs or growth; `None` on overflow.
    pub fn prefix_sums(&self, filter: &FactFilter, measure: &Measure) -> Option<Vec<Sum>> {
        let rows = self.rows(filter.fact);
        let admit = Admit::new(self, filter);
        let mut sums = Vec::with_capacity(rows.len() + 1);
        let mut acc = Sum::default();
        sums.push(acc);
        for row in rows {
            if admit.admits(row) {
                let add = match measure {
                    Measure::SumValue => row.value,
                    Measure::SumUnits => row.units,
                    Measure::Count if is_return(row) => Decimal::ZERO,
                    Measure::Count => Decimal::ONE,
                    Measure::DistinctSkus | Measure::Growth { .. } => return None,
                };
                acc.add(add)?;
            }
            sums.push(acc);
        }
        Some(sums)
    }

    /// A simple measure of the `rows` that pass the filter, summing only what the measure
    /// reads: a sum of values does not overflow because the units beside them do (as with
    /// [`PartnerFacts::prefix_sums`]). `None` when it overflows.
    pub fn measure_of(&self, filter: &FactFilter, measure: &Measure, rows: &[Row]) -> Option<Decimal> {
        let field = |row: &Row| match measure {
            Measure::SumValue => Some(row.value),
            Measure::SumUnits => Some(row.units),
            Measure::Count if is_return(row) => Some(Decimal::ZERO),
            Measure::Count => Some(Decimal::ONE),
            Measure::DistinctSkus | Measure::Growth { .. } => None,
        };
        if matches!(measure, Measure::DistinctSkus | Measure::Growth { .. }) {
            let q = self.quantities(filter, rows, matches!(measure, Measure::DistinctSkus), None)?;
            return simple_measure(measure, &q);
        }
        let admit = Admit::new(self, filter);
        let mut acc = Sum::default();
        for row in rows.iter().filter(|r| admit.admits(r)) {
            acc.add(field(row)?)?;
        }
        acc.total()
    }

    pub fn rows(&self, kind: FactKind) -> &'a [Row] {
        match kind {
            FactKind::Sale => self.sales,
            FactKind::Certification => self.certifications,
            FactKind::Referral => self.referrals,
            FactKind::MarketingSpend => self.spend,
        }
    }

    /// Rows of a kind dated within [start, end].
    pub fn between(&self, kind: FactKind, start: NaiveDate, end: NaiveDate) -> &'a [Row] {
        let rows = self.rows(kind);
        let lo = rows.partition_point(|r| r.date < start);
        let hi = rows.partition_point(|r| r.date <= end);
        if lo >= hi {
            &[]
        } else {
            &rows[lo..hi]
        }
    }

    /// The target of a scheme for a period. When several are given, the last one counts; a
    /// target of zero or below is no target (docs/semantics.md, "Targets").
    pub fn target(&self, scheme: &str, period: &str) -> Option<Decimal> {
        let names = self.names;
        self.targets
            .iter()
            .rev()
            .find(|t| names.text(t.scheme) == scheme && names.text(t.period) == period)
            .map(|t| t.value)
            .filter(|v| v.is_sign_positive() && !v.is_zero())
    }

    /// Certifications held on `date` (optionally in one course).
    pub fn certifications_by(&self, date: NaiveDate, course: Option<&str>) -> usize {
        self.between(FactKind::Certification, NaiveDate::MIN, date)
            .iter()
            .filter(|r| course.is_none_or(|c| self.text(r.key) == c))
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

/// Sums over the facts that count in a span.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Quantities {
    /// `None` when the values no longer sum (an overflow), and so for the units: each is read
    /// only where a measure or a payout needs it.
    pub value: Option<Decimal>,
    pub units: Option<Decimal>,
    /// Lines that are not returns.
    pub count: Decimal,
    pub distinct: Decimal,
    /// Every line that counted, returns included (for explanations).
    pub lines: u64,
}

/// A filter's narrowing lists as symbols of the table, so rows are tested without reading texts.
struct Admit {
    /// `None`: any; otherwise the listed texts the table knows (a text it does not know matches
    /// no row).
    keys: Option<Vec<Sym>>,
    categories: Option<Vec<Sym>>,
}

impl Admit {
    fn new(pf: &PartnerFacts, filter: &FactFilter) -> Self {
        let syms = |list: &[String]| (!list.is_empty()).then(|| list.iter().filter_map(|s| pf.sym(s)).collect());
        match filter.fact {
            FactKind::Sale => Admit { keys: syms(&filter.skus), categories: syms(&filter.categories) },
            FactKind::Certification => Admit { keys: syms(&filter.courses), categories: None },
            FactKind::Referral | FactKind::MarketingSpend => Admit { keys: None, categories: None },
        }
    }

    fn admits(&self, row: &Row) -> bool {
        let listed = |list: &Option<Vec<Sym>>, sym: Sym| list.as_ref().is_none_or(|l| l.contains(&sym));
        listed(&self.keys, row.key) && listed(&self.categories, row.category)
    }
}

/// How many SKUs have a positive net unit total (`None` on overflow).
fn distinct_positive(units_by_sku: &mut [(Sym, Decimal)]) -> Option<u64> {
    // A population's periods hold a few dozen lines: netting them in place, each line added to
    // its SKU's first entry, beats any map. Longer spans (one partner's busy quarter) use a map,
    // whose cost does not grow with the number of SKUs.
    if units_by_sku.len() > 64 {
        let mut net: rustc_hash::FxHashMap<Sym, Decimal> = rustc_hash::FxHashMap::default();
        for (sku, units) in units_by_sku.iter() {
            let entry = net.entry(*sku).or_default();
            *entry = entry.checked_add(*units)?;
        }
        return Some(net.values().filter(|u| **u > Decimal::ZERO).count() as u64);
    }
    let mut kept = 0;
    for i in 0..units_by_sku.len() {
        let (sku, units) = units_by_sku[i];
        match units_by_sku[..kept].iter_mut().find(|(s, _)| *s == sku) {
            Some(entry) => entry.1 = entry.1.checked_add(units)?,
            None => {
                units_by_sku[kept] = (sku, units);
                kept += 1;
            }
        }
    }
    Some(units_by_sku[..kept].iter().filter(|(_, u)| *u > Decimal::ZERO).count() as u64)
}

/// The measure's value for a span's quantities (not for growth, which needs two spans); `None`
/// when the quantity it reads overflowed.
pub fn simple_measure(measure: &Measure, q: &Quantities) -> Option<Decimal> {
    match measure {
        Measure::SumValue => q.value,
        Measure::SumUnits => q.units,
        Measure::Count => Some(q.count),
        Measure::DistinctSkus => Some(q.distinct),
        Measure::Growth { of, .. } => growth_base(*of, q),
    }
}

/// The quantity a growth measure compares; `None` when it overflowed.
pub fn growth_base(of: GrowthBase, q: &Quantities) -> Option<Decimal> {
    match of {
        GrowthBase::SumValue => q.value,
        GrowthBase::SumUnits => q.units,
        GrowthBase::Count => Some(q.count),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Netting in place and sorting agree with a plain map, for few SKUs and for many.
    #[test]
    fn distinct_skus_count_positive_net_units() {
        for skus in [3u32, 64, 65, 200] {
            let mut lines: Vec<(u32, i64)> = Vec::new();
            for i in 0..(skus * 3) {
                // Every SKU sells twice; every third SKU has a return that cancels one sale, every
                // fifth one that cancels both.
                let sku = (i * 7) % skus;
                let units = if i >= skus * 2 { -(i64::from(sku % 5 == 0) * 2 + i64::from(sku % 3 == 0)) } else { 1 };
                lines.push((sku, units));
            }
            let mut want = std::collections::BTreeMap::new();
            for (sku, u) in &lines {
                *want.entry(*sku).or_insert(0i64) += u;
            }
            let want = want.values().filter(|u| **u > 0).count() as u64;
            let mut pairs: Vec<(Sym, Decimal)> =
                lines.iter().map(|(s, u)| (crate::table::tests::sym(*s), Decimal::from(*u))).collect();
            assert_eq!(distinct_positive(&mut pairs), Some(want), "{skus} SKUs");
        }
    }

    /// The model's `admits_sale` (what the portal uses to pick a scheme's product) says of each
    /// sale what the evaluator counts: a sale of each SKU and category, listed or not, under
    /// filters listing SKUs, categories, both or neither.
    #[test]
    fn a_filter_admits_the_sales_the_evaluator_counts() {
        use crate::model::{Fact, FactFilter};
        let day = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap_or_default();
        let pairs = [("A", "x"), ("A", "y"), ("B", "x"), ("C", "y"), ("C", "x")];
        let sales: Vec<Fact> = pairs
            .iter()
            .map(|(sku, category)| Fact::Sale {
                partner: "p".into(),
                date: day,
                invoice: "i".into(),
                sku: (*sku).into(),
                category: (*category).into(),
                units: Decimal::ONE,
                value: Decimal::ONE,
            })
            .collect();
        let table = FactTable::from(&sales[..]);
        let facts = PartnerFacts::new(&table, "p", day);
        let lists = |xs: &[&str]| xs.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        for (skus, categories) in
            [(vec![], vec![]), (vec!["A", "C"], vec![]), (vec![], vec!["x"]), (vec!["A", "C"], vec!["x"])]
        {
            let filter = FactFilter {
                fact: FactKind::Sale,
                skus: lists(&skus),
                categories: lists(&categories),
                courses: vec![],
            };
            let mut counted = Vec::new();
            facts.quantities_between(&filter, day, day, false, Some(&mut counted));
            let admitted: Vec<u32> = (0u32..)
                .zip(pairs)
                .filter(|(_, (sku, category))| filter.admits_sale(sku, category))
                .map(|(i, _)| i)
                .collect();
            assert_eq!(counted, admitted, "SKUs {skus:?}, categories {categories:?}");
        }
        let certifications =
            FactFilter { fact: FactKind::Certification, skus: vec![], categories: vec![], courses: vec![] };
        assert!(!certifications.admits_sale("A", "x"));
    }
}
