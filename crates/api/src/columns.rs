//! A program's partners and facts in a compact, columnar form: what the designer's preview loads
//! once to evaluate the whole partner base in the browser (`GET /api/programs/{id}/data`).
//!
//! Facts are grouped by partner (in the order of `partners`) and, within a partner, by date,
//! keeping the order they were recorded in within a day (the positions explanations cite). Each
//! fact is one entry in every column: its kind, its date as days after the previous fact of the
//! same partner, two indexes into a table of texts (SKU and category; course; referred partner;
//! scheme; scheme and period), and up to two amounts. Small repeated numbers compress well: the
//! answer is sent gzip or brotli compressed, a few bytes a fact.
//!
//! Invoice numbers are left out: no rule reads them (they serve to spot a sale counted twice,
//! which the server does when facts are recorded).

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use mitra_scheme::model::{Fact, Partner, Text};

/// `GET /api/programs/{id}/data`: every partner of a program with their facts.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ProgramData {
    pub partners: Vec<Partner>,
    pub facts: FactColumns,
}

/// The columns; see the module's documentation.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FactColumns {
    /// The date the first fact of each partner counts its days from.
    pub epoch: Option<NaiveDate>,
    /// Facts of each partner, in the order of the partners.
    pub counts: Vec<u32>,
    /// 0 sale, 1 certification, 2 referral, 3 marketing spend, 4 target.
    pub kind: Vec<u8>,
    /// Days after the partner's previous dated fact (after `epoch` for the first); 0 for targets.
    pub day: Vec<i32>,
    pub a: Vec<u32>,
    pub b: Vec<u32>,
    /// Units of a sale; empty string otherwise.
    pub units: Vec<String>,
    /// Value of a sale, amount of a spend, value of a target; empty string otherwise.
    pub value: Vec<String>,
    /// The texts `a` and `b` point into; index 0 is the empty text.
    pub texts: Vec<String>,
}

struct Texts {
    list: Vec<String>,
    index: std::collections::HashMap<String, u32>,
}

impl Texts {
    fn new() -> Self {
        Texts { list: vec![String::new()], index: [(String::new(), 0)].into_iter().collect() }
    }

    fn of(&mut self, text: &str) -> u32 {
        if let Some(&i) = self.index.get(text) {
            return i;
        }
        let i = self.list.len() as u32;
        self.list.push(text.to_string());
        self.index.insert(text.to_string(), i);
        i
    }
}

fn amount(d: &Decimal) -> String {
    d.normalize().to_string()
}

impl FactColumns {
    /// The facts of `partners` (others' are left out), in columns.
    pub fn encode<'f>(partners: &[Partner], facts: impl IntoIterator<Item = &'f Fact>) -> Self {
        let slot: std::collections::HashMap<&str, usize> =
            partners.iter().enumerate().map(|(i, p)| (p.id.as_str(), i)).collect();
        let mut by_partner: Vec<Vec<&Fact>> = vec![Vec::new(); partners.len()];
        for fact in facts {
            if let Some(&i) = slot.get(fact.partner()) {
                by_partner[i].push(fact);
            }
        }
        let epoch = by_partner.iter().flatten().filter_map(|f| f.date()).min();
        let mut out = FactColumns { epoch, ..FactColumns::default() };
        let mut texts = Texts::new();
        for facts in &mut by_partner {
            // Stable: a day's facts keep their order.
            facts.sort_by_key(|f| f.date());
            out.counts.push(facts.len() as u32);
            let mut previous = epoch;
            for fact in facts.iter() {
                let day = match (fact.date(), previous) {
                    (Some(d), Some(p)) => {
                        previous = Some(d);
                        (d - p).num_days() as i32
                    }
                    _ => 0,
                };
                let (kind, a, b, units, value) = match fact {
                    Fact::Sale { sku, category, units, value, .. } => {
                        (0, texts.of(sku), texts.of(category), amount(units), amount(value))
                    }
                    Fact::Certification { course, .. } => (1, texts.of(course), 0, String::new(), String::new()),
                    Fact::Referral { referred, .. } => (2, texts.of(referred), 0, String::new(), String::new()),
                    Fact::MarketingSpend { scheme, amount: spend, .. } => {
                        (3, texts.of(scheme), 0, String::new(), amount(spend))
                    }
                    Fact::Target { scheme, period, value, .. } => {
                        (4, texts.of(scheme), texts.of(period), String::new(), amount(value))
                    }
                };
                out.kind.push(kind);
                out.day.push(day);
                out.a.push(a);
                out.b.push(b);
                out.units.push(units);
                out.value.push(value);
            }
        }
        out.texts = texts.list;
        out
    }

    /// How many facts the columns hold.
    pub fn len(&self) -> usize {
        self.kind.len()
    }

    pub fn is_empty(&self) -> bool {
        self.kind.is_empty()
    }

    /// The facts again, each partner's in date order; an error names the first entry that does
    /// not decode.
    pub fn decode(&self, partners: &[Partner]) -> Result<Vec<Fact>, String> {
        let n = self.kind.len();
        if [self.day.len(), self.a.len(), self.b.len(), self.units.len(), self.value.len()].iter().any(|&l| l != n) {
            return Err("the fact columns differ in length".into());
        }
        if self.counts.len() != partners.len() || self.counts.iter().map(|&c| c as usize).sum::<usize>() != n {
            return Err("the fact counts do not match the partners".into());
        }
        let text = |i: u32, at: usize| -> Result<Text, String> {
            self.texts.get(i as usize).map(|t| Text::from(t.as_str())).ok_or(format!("fact {at}: no text {i}"))
        };
        let dec = |s: &str, at: usize| -> Result<Decimal, String> {
            s.parse::<Decimal>().map_err(|_| format!("fact {at}: `{s}` is not an amount"))
        };
        let mut out = Vec::with_capacity(n);
        let mut at = 0;
        for (partner, &count) in partners.iter().zip(&self.counts) {
            let who = Text::from(partner.id.as_str());
            let mut date = self.epoch;
            for _ in 0..count {
                let kind = self.kind[at];
                if kind != 4 {
                    let start = date.ok_or(format!("fact {at}: a dated fact with no epoch"))?;
                    date = Some(
                        start
                            .checked_add_signed(chrono::Duration::days(self.day[at].into()))
                            .ok_or(format!("fact {at}: the date is out of range"))?,
                    );
                }
                let on = date.unwrap_or_default();
                let fact = match kind {
                    0 => Fact::Sale {
                        partner: who.clone(),
                        date: on,
                        invoice: Text::default(),
                        sku: text(self.a[at], at)?,
                        category: text(self.b[at], at)?,
                        units: dec(&self.units[at], at)?,
                        value: dec(&self.value[at], at)?,
                    },
                    1 => Fact::Certification { partner: who.clone(), date: on, course: text(self.a[at], at)? },
                    2 => Fact::Referral { partner: who.clone(), date: on, referred: text(self.a[at], at)? },
                    3 => Fact::MarketingSpend {
                        partner: who.clone(),
                        date: on,
                        scheme: text(self.a[at], at)?,
                        amount: dec(&self.value[at], at)?,
                    },
                    4 => Fact::Target {
                        partner: who.clone(),
                        scheme: text(self.a[at], at)?,
                        period: text(self.b[at], at)?,
                        value: dec(&self.value[at], at)?,
                    },
                    k => return Err(format!("fact {at}: unknown kind {k}")),
                };
                out.push(fact);
                at += 1;
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn partner(id: &str) -> Partner {
        Partner {
            id: id.into(),
            name: id.into(),
            partner_type: "dealer".into(),
            region: "west".into(),
            segment: String::new(),
            enrolled: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            parent: None,
        }
    }

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 10, d).unwrap()
    }

    fn sale(p: &str, d: u32, sku: &str, units: i64, value: i64) -> Fact {
        Fact::Sale {
            partner: p.into(),
            date: day(d),
            invoice: Text::default(),
            sku: sku.into(),
            category: "paint".into(),
            units: units.into(),
            value: value.into(),
        }
    }

    #[test]
    fn facts_come_back_grouped_by_partner_in_date_order_with_a_day_keeping_its_order() {
        let partners = [partner("p1"), partner("p2")];
        let facts = vec![
            sale("p2", 5, "B", 1, 100),
            sale("p1", 9, "A", 2, 200),
            Fact::Target { partner: "p1".into(), scheme: "q".into(), period: "2026-Q4".into(), value: 5000.into() },
            sale("p1", 3, "A", -1, -100),
            Fact::Certification { partner: "p1".into(), date: day(9), course: "basics".into() },
            sale("stranger", 1, "Z", 1, 1),
            Fact::MarketingSpend {
                partner: "p2".into(),
                date: day(7),
                scheme: "mdf".into(),
                amount: "12.50".parse().unwrap(),
            },
            Fact::Referral { partner: "p2".into(), date: day(5), referred: "p9".into() },
        ];
        let columns = FactColumns::encode(&partners, &facts);
        assert_eq!(columns.counts, vec![4, 3]);
        assert_eq!(columns.epoch, Some(day(3)));
        // p1: the target (undated) first, then 3 Oct, then 9 Oct's sale before its certification.
        assert_eq!(columns.day[..4], [0, 0, 6, 0]);
        let back = columns.decode(&partners).unwrap();
        let want = vec![
            facts[2].clone(),
            facts[3].clone(),
            facts[1].clone(),
            facts[4].clone(),
            facts[0].clone(),
            facts[7].clone(),
            facts[6].clone(),
        ];
        assert_eq!(back, want);
    }

    #[test]
    fn columns_that_do_not_add_up_are_refused_with_the_reason() {
        let partners = [partner("p1")];
        let mut columns = FactColumns::encode(&partners, &[sale("p1", 1, "A", 1, 10)]);
        columns.value[0] = "ten".into();
        assert_eq!(columns.decode(&partners).unwrap_err(), "fact 0: `ten` is not an amount");
        columns.kind.push(0);
        assert_eq!(columns.decode(&partners).unwrap_err(), "the fact columns differ in length");
        assert!(FactColumns::default().decode(&partners).is_err());
    }
}
