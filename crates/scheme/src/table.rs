//! Facts held for evaluation: grouped by partner, each kind sorted by date, short texts
//! (SKUs, categories, courses, scheme ids, period labels) interned.
//!
//! A [`Fact`] is the interchange form (JSON, CSV, the database): it names its partner and
//! carries its texts inline, 136 bytes a sale. A [`FactTable`] keeps what evaluation reads in
//! 48 bytes a fact and hands out a partner's facts without copying or sorting them again,
//! which is what lets a population of a million facts fit in little memory. Invoice numbers are
//! not kept: no rule reads them.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;

use crate::model::{Fact, FactKind, Text};

/// An interned text: its position in the table's [`Names`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Sym(u32);

/// The texts of a table, each kept once. `Sym::default()` is the empty text.
#[derive(Clone, Debug)]
pub struct Names {
    /// Texts of up to 16 bytes (most SKUs, categories, courses, labels), keyed by their bytes
    /// packed in one integer: hashed and compared in a few instructions.
    short: FxHashMap<Packed, Sym>,
    long: FxHashMap<Text, Sym>,
    texts: Vec<Text>,
    /// The short texts met last, by a hash of their key: facts repeat a few SKUs and
    /// categories, and a hit here costs a multiplication and a comparison.
    recent: Box<[(Packed, Sym); RECENT]>,
}

const RECENT: usize = 256;
/// No packed text has this key (no short text is 255 bytes long).
const NO_KEY: Packed = (0, u8::MAX);

impl Default for Names {
    fn default() -> Self {
        let mut names = Names {
            short: FxHashMap::default(),
            long: FxHashMap::default(),
            texts: Vec::new(),
            recent: Box::new([(NO_KEY, Sym::default()); RECENT]),
        };
        names.intern("");
        names
    }
}

/// A text of up to 16 bytes as its bytes in one integer, with its length: two loads that may
/// overlap cover any length, so no copy branches on it (lengths vary from fact to fact).
type Packed = (u128, u8);

fn packed(text: &str) -> Option<Packed> {
    let b = text.as_bytes();
    let n = b.len();
    let word = |at: usize| u64::from_le_bytes(b[at..at + 8].try_into().unwrap_or_default());
    let half = |at: usize| u32::from_le_bytes(b[at..at + 4].try_into().unwrap_or_default());
    let data = match n {
        8..=16 => u128::from(word(0)) | (u128::from(word(n - 8)) << 64),
        4..=7 => u128::from(half(0)) | (u128::from(half(n - 4)) << 64),
        1..=3 => u128::from(b[0]) | (u128::from(b[n / 2]) << 8) | (u128::from(b[n - 1]) << 16),
        0 => 0,
        _ => return None,
    };
    Some((data, n as u8))
}

impl Names {
    fn intern(&mut self, text: &str) -> Sym {
        let key = packed(text);
        if let Some(k) = key {
            // Both halves mixed apart (an 8-byte text loads the same word twice).
            let mixed = ((k.0 as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (k.0 >> 64) as u64)
                .wrapping_add(u64::from(k.1))
                .wrapping_mul(0xD6E8_FEB8_6659_FD93);
            let slot = (mixed >> 56) as usize;
            let (seen, sym) = self.recent[slot];
            if seen == k {
                return sym;
            }
            let sym = self.intern_uncached(text, key);
            self.recent[slot] = (k, sym);
            return sym;
        }
        self.intern_uncached(text, key)
    }

    fn intern_uncached(&mut self, text: &str, key: Option<Packed>) -> Sym {
        let found = match key {
            Some(k) => self.short.get(&k),
            None => self.long.get(text),
        };
        if let Some(&sym) = found {
            return sym;
        }
        // More than four billion distinct texts cannot be told apart; they share the last one.
        let sym = Sym(u32::try_from(self.texts.len()).unwrap_or(u32::MAX));
        self.texts.push(text.into());
        match key {
            Some(k) => self.short.insert(k, sym),
            None => self.long.insert(text.into(), sym),
        };
        sym
    }

    /// The text behind a symbol.
    pub fn text(&self, sym: Sym) -> &str {
        self.texts.get(sym.0 as usize).map_or("", |t| t.as_str())
    }

    /// The symbol of a text, if the table holds it (a text it does not hold matches no fact).
    pub fn find(&self, text: &str) -> Option<Sym> {
        match packed(text) {
            Some(k) => self.short.get(&k).copied(),
            None => self.long.get(text).copied(),
        }
    }
}

/// A dated fact reduced to what measures read.
#[derive(Clone, Copy, Debug)]
pub struct Row {
    /// Position of the fact among the partner's own facts, in the order given.
    pub index: u32,
    pub date: NaiveDate,
    /// SKU for sales, course for certifications, referred partner for referrals, scheme for spend.
    pub key: Sym,
    pub category: Sym,
    pub units: Decimal,
    pub value: Decimal,
}

/// A partner's target for one period of a scheme.
#[derive(Clone, Copy, Debug)]
pub struct TargetRow {
    pub scheme: Sym,
    pub period: Sym,
    pub value: Decimal,
}

/// One partner's facts: a list per kind (sales, certifications, referrals, spend), each sorted
/// by date with facts of one day in their given order, and the targets in their given order.
#[derive(Clone, Debug, Default)]
pub struct PartnerRows {
    by_kind: [Vec<Row>; 4],
    targets: Vec<TargetRow>,
    /// How many of the partner's facts were pushed.
    seen: u32,
}

fn kind_slot(kind: FactKind) -> usize {
    match kind {
        FactKind::Sale => 0,
        FactKind::Certification => 1,
        FactKind::Referral => 2,
        FactKind::MarketingSpend => 3,
    }
}

impl PartnerRows {
    /// The facts of a kind, sorted by date.
    pub fn rows(&self, kind: FactKind) -> &[Row] {
        &self.by_kind[kind_slot(kind)]
    }

    pub fn targets(&self) -> &[TargetRow] {
        &self.targets
    }

    fn push(&mut self, fact: &Fact, names: &mut Names) {
        let index = self.seen;
        self.seen = self.seen.saturating_add(1);
        let (kind, row) = match fact {
            Fact::Sale { date, sku, category, units, value, .. } => (
                FactKind::Sale,
                Row {
                    index,
                    date: *date,
                    key: names.intern(sku),
                    category: names.intern(category),
                    units: *units,
                    value: *value,
                },
            ),
            Fact::Certification { date, course, .. } => {
                (FactKind::Certification, counted(index, *date, names.intern(course)))
            }
            Fact::Referral { date, referred, .. } => {
                (FactKind::Referral, counted(index, *date, names.intern(referred)))
            }
            Fact::MarketingSpend { date, scheme, amount, .. } => {
                (FactKind::MarketingSpend, Row { value: *amount, ..counted(index, *date, names.intern(scheme)) })
            }
            Fact::Target { scheme, period, value, .. } => {
                let (scheme, period) = (names.intern(scheme), names.intern(period));
                self.targets.push(TargetRow { scheme, period, value: *value });
                return;
            }
        };
        self.by_kind[kind_slot(kind)].push(row);
    }

    /// A copy with room for `more` rows in each list.
    fn with_room(&self, more: usize) -> PartnerRows {
        let copy = |rows: &Vec<Row>| {
            let mut c = Vec::with_capacity(rows.len() + more);
            c.extend_from_slice(rows);
            c
        };
        PartnerRows { by_kind: self.by_kind.each_ref().map(copy), targets: self.targets.clone(), seen: self.seen }
    }

    /// [`PartnerRows::seal`] for lists that were sorted up to `kept[kind]` rows and had rows
    /// pushed after: only the pushed rows and the last one before them are checked for order.
    fn seal_after(&mut self, kept: [usize; 4]) {
        for (rows, kept) in self.by_kind.iter_mut().zip(kept) {
            if !rows[kept.saturating_sub(1)..].is_sorted_by_key(|r| r.date) {
                sort_by_date(rows);
            }
        }
    }

    /// Sort every list by date; with `shrink`, give back the room growing them left over (a
    /// table kept for many evaluations does; one built for a single statement spares the copy).
    fn seal(&mut self, shrink: bool) {
        for rows in &mut self.by_kind {
            if !rows.is_sorted_by_key(|r| r.date) {
                sort_by_date(rows);
            }
            if shrink {
                rows.shrink_to_fit();
            }
        }
        if shrink {
            self.targets.shrink_to_fit();
        }
    }
}

/// A fact that counts one (a certification, a referral).
fn counted(index: u32, date: NaiveDate, key: Sym) -> Row {
    Row { index, date, key, category: Sym::default(), units: Decimal::ONE, value: Decimal::ZERO }
}

/// Sort rows by date, keeping the given order within a day. The sort works on 8-byte keys
/// (day, position) and then moves each row once, in place: a second list of rows would double
/// the memory a large partner needs.
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

/// Facts ready for evaluation. Built from facts in any order; each partner's facts keep the
/// order they were given within a day (the positions explanations cite).
#[derive(Clone, Debug, Default)]
pub struct FactTable {
    names: Names,
    slots: FxHashMap<Text, usize>,
    partners: Vec<PartnerRows>,
    facts: usize,
}

static NO_ROWS: PartnerRows =
    PartnerRows { by_kind: [Vec::new(), Vec::new(), Vec::new(), Vec::new()], targets: Vec::new(), seen: 0 };

impl FactTable {
    /// The facts of one partner among `facts` (others' facts are skipped): what a single
    /// statement reads.
    pub fn for_partner<'f>(partner: &str, facts: impl IntoIterator<Item = &'f Fact>) -> Self {
        let mut table = FactTable::default();
        let mut rows = PartnerRows::default();
        let facts = facts.into_iter();
        // Most facts are usually the partner's sales: room for all of them at once.
        rows.by_kind[0].reserve(facts.size_hint().0);
        for fact in facts.filter(|f| f.partner() == partner) {
            rows.push(fact, &mut table.names);
            table.facts += 1;
        }
        rows.seal(false);
        table.slots.insert(partner.into(), 0);
        table.partners.push(rows);
        table
    }

    fn push(&mut self, fact: &Fact) {
        let slot = match self.slots.get(fact.partner()) {
            Some(&slot) => slot,
            None => {
                self.partners.push(PartnerRows::default());
                self.slots.insert(fact.partner().into(), self.partners.len() - 1);
                self.partners.len() - 1
            }
        };
        self.partners[slot].push(fact, &mut self.names);
        self.facts += 1;
    }

    fn seal(mut self) -> Self {
        for p in &mut self.partners {
            p.seal(true);
        }
        self
    }

    /// This table with `extra` facts added after its own (a what-if's hypothetical sales): the
    /// rows are copied, the extra ones pushed, and a list sorted again only when they broke its
    /// date order. The same table as one built from all the facts in that order.
    pub fn with_extra(&self, extra: &[Fact]) -> FactTable {
        // Each list copied once, with room for the extra facts (a clone has none, and the first
        // push would copy the whole list again).
        let mut table = FactTable {
            names: self.names.clone(),
            slots: self.slots.clone(),
            partners: self.partners.iter().map(|p| p.with_room(extra.len())).collect(),
            facts: self.facts,
        };
        let kept: Vec<[usize; 4]> = table.partners.iter().map(|p| p.by_kind.each_ref().map(Vec::len)).collect();
        for fact in extra {
            table.push(fact);
        }
        for (p, kept) in table.partners.iter_mut().zip(kept) {
            p.seal_after(kept);
        }
        table
    }

    /// How many facts the table holds.
    pub fn len(&self) -> usize {
        self.facts
    }

    pub fn is_empty(&self) -> bool {
        self.facts == 0
    }

    pub fn names(&self) -> &Names {
        &self.names
    }

    /// A partner's facts (none for a partner the table does not know).
    pub fn partner(&self, id: &str) -> &PartnerRows {
        self.slots.get(id).map_or(&NO_ROWS, |&slot| &self.partners[slot])
    }
}

impl<'f> FromIterator<&'f Fact> for FactTable {
    fn from_iter<I: IntoIterator<Item = &'f Fact>>(facts: I) -> Self {
        let mut table = FactTable::default();
        for fact in facts {
            table.push(fact);
        }
        table.seal()
    }
}

impl FromIterator<Fact> for FactTable {
    /// Facts streamed in (from a file or a database) never need to be held as [`Fact`]s at once.
    fn from_iter<I: IntoIterator<Item = Fact>>(facts: I) -> Self {
        let mut table = FactTable::default();
        for fact in facts {
            table.push(&fact);
        }
        table.seal()
    }
}

impl From<&[Fact]> for FactTable {
    fn from(facts: &[Fact]) -> Self {
        facts.iter().collect()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn sym(n: u32) -> Sym {
        Sym(n)
    }

    fn row(index: u32, day: u32) -> Row {
        Row {
            index,
            date: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + chrono::Days::new(u64::from(day)),
            key: Sym::default(),
            category: Sym::default(),
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

    #[test]
    fn a_table_groups_by_partner_counts_positions_and_interns_texts() {
        let day = |d: u32| NaiveDate::from_ymd_opt(2026, 3, d).unwrap();
        let sale = |p: &str, d: u32, sku: &str| Fact::Sale {
            partner: p.into(),
            date: day(d),
            invoice: "INV".into(),
            sku: sku.into(),
            category: "paint".into(),
            units: Decimal::ONE,
            value: Decimal::TEN,
        };
        let facts = [
            sale("a", 9, "X"),
            sale("b", 1, "Y"),
            Fact::Target { partner: "a".into(), scheme: "s".into(), period: "2026-Q1".into(), value: Decimal::TEN },
            sale("a", 2, "Y"),
            Fact::Certification { partner: "a".into(), date: day(5), course: "basics".into() },
        ];
        let table = FactTable::from(&facts[..]);
        assert_eq!(table.len(), 5);
        let a = table.partner("a");
        // Sorted by date; positions are among a's own facts in the order given (the target
        // counts as position 1).
        let sales: Vec<(u32, &str)> =
            a.rows(FactKind::Sale).iter().map(|r| (r.index, table.names().text(r.key))).collect();
        assert_eq!(sales, [(2, "Y"), (0, "X")]);
        assert_eq!(a.rows(FactKind::Certification)[0].index, 3);
        assert_eq!(table.names().text(a.targets()[0].period), "2026-Q1");
        // "Y" is kept once for both partners.
        assert_eq!(table.partner("b").rows(FactKind::Sale)[0].key, a.rows(FactKind::Sale)[0].key);
        assert!(table.partner("nobody").rows(FactKind::Sale).is_empty());
        assert_eq!(table.names().find("missing"), None);
    }

    #[test]
    fn names_keep_every_text_apart_whatever_its_length() {
        let texts = [
            "",
            "a",
            "a\0",
            "\0a",
            "abcdefghijklmno",
            "abcdefghijklmnop",
            "abcdefghijklmnopq",
            "a longer category name",
        ];
        let mut names = Names::default();
        let syms: Vec<Sym> = texts.iter().map(|t| names.intern(t)).collect();
        for (t, s) in texts.iter().zip(&syms) {
            assert_eq!(names.text(*s), *t);
            assert_eq!(names.find(t), Some(*s));
            assert_eq!(names.intern(t), *s, "interned twice: {t:?}");
        }
        let mut distinct = syms.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), texts.len());
    }
}
