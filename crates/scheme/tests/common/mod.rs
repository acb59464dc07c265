//! Shared by the golden tests, natively and on wasm32: loading cases and comparing results
//! with the committed golden JSON.

#![allow(dead_code)]

use chrono::NaiveDate;
use mitra_scheme::model::{Fact, Partner, Program};
use mitra_scheme::report::{PeriodLine, SchemeResult};
use mitra_scheme::{Population, Statement};
use rust_decimal::Decimal;
use serde::Deserialize;

/// One evaluation input: a program, its partners and their facts, as of a date.
#[derive(Deserialize)]
pub struct Case {
    pub program: Program,
    pub partners: Vec<Partner>,
    pub facts: Vec<Fact>,
    pub as_of: NaiveDate,
}

impl Case {
    pub fn from_value(v: serde_json::Value) -> Case {
        serde_json::from_value(v).expect("case parses")
    }

    /// The population run, and each partner's statement with the run's context, checked to
    /// have the same figures.
    pub fn run(&self) -> Run {
        let errors = mitra_scheme::validate(&self.program);
        assert!(errors.is_empty(), "case program is invalid: {errors:?}");
        let population = mitra_scheme::population(
            &self.program,
            &self.partners,
            &mitra_scheme::FactTable::from(&self.facts[..]),
            self.as_of,
        );
        let statements: Vec<Statement> = self
            .partners
            .iter()
            .map(|p| mitra_scheme::statement(&self.program, p, &self.facts, self.as_of, Some(&population.context)))
            .collect();
        for (st, entry) in statements.iter().zip(&population.partners) {
            assert_eq!(&st.figures(), entry, "statement with context differs from the population for {}", st.partner);
        }
        Run { population, statements }
    }

    pub fn partner(&self, id: &str) -> &Partner {
        self.partners.iter().find(|p| p.id == id).expect("partner in case")
    }
}

pub fn d(s: &str) -> NaiveDate {
    s.parse().expect("date")
}

pub fn dec(s: &str) -> Decimal {
    s.parse().expect("decimal")
}

/// A population run with every partner's full statement.
#[derive(serde::Serialize)]
pub struct Run {
    pub population: Population,
    pub statements: Vec<Statement>,
}

pub fn statement<'a>(run: &'a Run, partner: &str) -> &'a Statement {
    run.statements.iter().find(|s| s.partner == partner).expect("partner statement")
}

pub fn scheme<'a>(st: &'a Statement, scheme: &str) -> &'a SchemeResult {
    st.schemes.iter().find(|s| s.scheme == scheme).expect("scheme in statement")
}

pub fn line<'a>(pop: &'a Run, partner: &str, scheme_id: &str, period: &str) -> &'a PeriodLine {
    scheme(statement(pop, partner), scheme_id).periods.iter().find(|l| l.label == period).expect("period line")
}

/// Compare a result with its committed golden JSON. Natively, `UPDATE_GOLDEN=1` rewrites the
/// file instead (review the diff before committing it).
pub fn golden(name: &str, committed: &str, value: &impl serde::Serialize) {
    let actual = serde_json::to_string_pretty(value).expect("serializes") + "\n";
    #[cfg(not(target_arch = "wasm32"))]
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        let path = format!("{}/tests/golden/{name}.json", env!("CARGO_MANIFEST_DIR"));
        std::fs::write(&path, &actual).expect("write golden");
        return;
    }
    if actual != committed {
        let first = actual.lines().zip(committed.lines()).position(|(a, b)| a != b);
        panic!("{name}: result differs from the committed golden JSON (first differing line: {first:?})");
    }
}
