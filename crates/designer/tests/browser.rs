//! The designer's arithmetic in headless Chromium: what a draft costs against the published
//! version, worked out by hand on a small program.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use wasm_bindgen_test::*;

use mitra_designer::cost;
use mitra_scheme::model::Instrument;
use mitra_scheme::{Fact, FactTable, Partner, Program};

wasm_bindgen_test_configure!(run_in_browser);

fn program(schemes: serde_json::Value) -> Program {
    serde_json::from_value(serde_json::json!({
        "id": "p", "name": "P", "currency": "IDR", "decimals": 0, "points_name": "poin", "schemes": schemes
    }))
    .unwrap()
}

fn scheme(id: &str, payout: serde_json::Value, budget: Option<&str>) -> serde_json::Value {
    let mut s = serde_json::json!({
        "id": id, "name": id, "kind": "sales_incentive",
        "window": { "start": "2026-01-01", "end": "2026-12-31" }, "period": "quarter",
        "counts": { "fact": "sale" }, "measure": { "type": "sum_value" },
        "payout": payout, "instrument": "points"
    });
    if let Some(b) = budget {
        s["budget"] = serde_json::json!(b);
    }
    s
}

fn flat(percent: &str) -> serde_json::Value {
    serde_json::json!({ "type": "flat", "rate": { "type": "percent_of_value", "percent": percent } })
}

fn partner(id: &str) -> Partner {
    serde_json::from_value(
        serde_json::json!({ "id": id, "name": id, "type": "dealer", "region": "west", "enrolled": "2026-01-01" }),
    )
    .unwrap()
}

fn sale(p: &str, date: &str, value: i64) -> Fact {
    serde_json::from_value(serde_json::json!({ "kind": "sale", "partner": p, "date": date, "sku": "X", "units": "1", "value": value.to_string() })).unwrap()
}

fn d(x: i64) -> Decimal {
    Decimal::from(x)
}

struct World {
    partners: Vec<Partner>,
    table: FactTable,
    today: NaiveDate,
}

fn world() -> World {
    // A: 1,000 in Q3 and 2,000 in Q4; B: 500 in Q4. Today is in Q4, so only Q4 is governed.
    let facts = vec![sale("a", "2026-08-10", 1000), sale("a", "2026-11-01", 2000), sale("b", "2026-11-02", 500)];
    World {
        partners: vec![partner("a"), partner("b")],
        table: facts.iter().collect(),
        today: NaiveDate::from_ymd_opt(2026, 11, 15).unwrap(),
    }
}

impl World {
    fn run(&self, p: &Program) -> mitra_scheme::Population {
        mitra_scheme::population(p, &self.partners, &self.table, self.today)
    }
}

#[wasm_bindgen_test]
fn a_draft_costs_what_its_governed_periods_pay_more() {
    let w = world();
    let published = w.run(&program(serde_json::json!([scheme("q", flat("1"), None), scheme("old", flat("1"), None)])));
    let draft = w.run(&program(serde_json::json!([scheme("q", flat("2"), None)])));
    let costs = cost::compare(Some(&published), &draft, w.today);
    // Q4 at 1 %: 20 + 5 = 25; at 2 %: 40 + 10 = 50. Q3's 10 (A's 1,000) stays decided.
    assert_eq!(costs[0].scheme, "q");
    assert_eq!((costs[0].published, costs[0].draft, costs[0].change()), (Some(d(25)), Some(d(50)), d(25)));
    // A scheme the draft drops pays nothing from today on.
    assert_eq!((costs[1].scheme.as_str(), costs[1].published, costs[1].draft), ("old", Some(d(25)), None));
    assert_eq!(cost::totals(&costs), vec![(Instrument::Points, d(50), d(50))]);
    let changes = cost::partner_changes(Some(&published), &draft, "q", w.today);
    let got: Vec<(&str, Decimal)> = changes.iter().map(|c| (c.partner.as_str(), c.change())).collect();
    assert_eq!(got, vec![("a", d(20)), ("b", d(5))]);
}

#[wasm_bindgen_test]
fn a_budget_that_bites_is_reported_with_its_scale() {
    let w = world();
    let draft = w.run(&program(serde_json::json!([scheme("q", flat("2"), Some("30"))])));
    // Q4 pays 50 against a budget of 30: scaled to 60 %. Q3 (20) fits.
    let scales = cost::budget_scales(&draft);
    assert_eq!(scales, vec![("q".to_string(), "2026-Q4".to_string(), d(30), d(50), Decimal::new(6, 1))]);
}

#[wasm_bindgen_test]
fn partners_are_counted_in_the_highest_slab_they_reach() {
    let w = world();
    let slabs = serde_json::json!({ "type": "slabs", "mode": "retroactive", "slabs": [
        { "from": "0", "pay": { "type": "percent_of_value", "percent": "1" } },
        { "from": "1500", "pay": { "type": "percent_of_value", "percent": "2" } },
        { "from": "5000", "pay": { "type": "percent_of_value", "percent": "3" } }
    ]});
    let p = program(serde_json::json!([scheme("q", slabs, None)]));
    let run = w.run(&p);
    // Q4: A 2,000 (second slab), B 500 (first).
    assert_eq!(cost::slab_reach(&p, &run, "q"), Some(vec![(d(0), 1), (d(1500), 1), (d(5000), 0)]));
    let flat_program = program(serde_json::json!([scheme("q", flat("1"), None)]));
    assert_eq!(cost::slab_reach(&flat_program, &w.run(&flat_program), "q"), None);
}

#[wasm_bindgen_test]
fn changes_between_versions_name_each_field_and_match_schemes_by_id() {
    use mitra_designer::diff::changes;
    let a = program(serde_json::json!([scheme("q", flat("1"), None), scheme("old", flat("1"), None)]));
    // q's rate doubled and a budget set; "old" dropped; "new" added before q (order is no change).
    let b = program(serde_json::json!([scheme("new", flat("3"), None), scheme("q", flat("2"), Some("30"))]));
    let got = changes(&a, &b);
    let mut paths: Vec<&str> = got.iter().map(|c| c.path.as_str()).collect();
    paths.sort();
    assert_eq!(paths, vec!["schemes[new]", "schemes[old]", "schemes[q].budget", "schemes[q].payout.rate.percent"]);
    let at = |path: &str| got.iter().find(|c| c.path == path).unwrap().clone();
    assert_eq!(at("schemes[q].budget").before, Some(serde_json::Value::Null), "no budget before (null)");
    assert_eq!(at("schemes[q].budget").after, Some(serde_json::json!("30")));
    let rate = at("schemes[q].payout.rate.percent");
    assert_eq!((rate.before, rate.after), (Some(serde_json::json!("1")), Some(serde_json::json!("2"))));
    assert!(at("schemes[new]").before.is_none() && at("schemes[new]").after.is_some());
    assert!(at("schemes[old]").before.is_some() && at("schemes[old]").after.is_none());
    assert!(changes(&a, &a).is_empty());
}

#[wasm_bindgen_test]
fn payouts_spread_into_round_bands_with_nothing_apart() {
    let w = world();
    // Published: Q4 pays A 20 and B 5 (1 %). Draft: A 60, B 15 (3 %).
    let published = w.run(&program(serde_json::json!([scheme("q", flat("1"), None)])));
    let draft = w.run(&program(serde_json::json!([scheme("q", flat("3"), None)])));
    let h = cost::histogram(Some(&published), &draft, "q", w.today, 10);
    assert_eq!(h.nothing, (0, 0));
    // The largest payout is 60: ten bands would be 6 wide, rounded up to 10, so six bands.
    assert_eq!(h.bins.len(), 6);
    assert_eq!((h.bins[0].from, h.bins[0].to, h.bins[5].to), (d(0), d(10), d(60)));
    let counts: Vec<(usize, usize)> = h.bins.iter().map(|b| (b.published, b.draft)).collect();
    // 5 and 20 published (bands 0–10 and 10–20, a band holding its upper bound); 15 and 60 drafted.
    assert_eq!(counts, vec![(1, 0), (1, 1), (0, 0), (0, 0), (0, 0), (0, 1)]);
    // Nobody paid anything: no bands at all.
    let none = w.run(&program(serde_json::json!([scheme("q", flat("0"), None)])));
    let h = cost::histogram(None, &none, "q", w.today, 10);
    assert_eq!((h.nothing, h.bins.len()), ((2, 2), 0));
}

#[wasm_bindgen_test]
fn the_preview_engine_answers_each_edit_as_a_fresh_start_would() {
    use mitra_designer::engine::{Ask, Engine};
    let w = world();
    let facts = vec![sale("a", "2026-08-10", 1000), sale("a", "2026-11-01", 2000), sale("b", "2026-11-02", 500)];
    let published = program(serde_json::json!([scheme("q", flat("1"), None), scheme("r", flat("2"), Some("30"))]));
    let mut engine = Engine::new(w.partners.clone(), facts.clone(), w.today, Some(published.clone()));
    let ask = |id, p: &Program| Ask { id, program: p.clone(), scheme: Some("r".into()), partner: Some("a".into()) };
    // Edits one after another: a rate, a budget, then a scheme added (a full run).
    let mut drafts = vec![published.clone()];
    drafts.push(program(serde_json::json!([scheme("q", flat("3"), None), scheme("r", flat("2"), Some("30"))])));
    drafts.push(program(serde_json::json!([scheme("q", flat("3"), None), scheme("r", flat("2"), Some("10"))])));
    drafts.push(program(serde_json::json!([
        scheme("q", flat("3"), None),
        scheme("r", flat("2"), Some("10")),
        scheme("s", flat("1"), None)
    ])));
    for (i, draft) in drafts.iter().enumerate() {
        let updated = engine.summary(&ask(i as u64, draft), || 0.0);
        let fresh = Engine::new(w.partners.clone(), facts.clone(), w.today, Some(published.clone()))
            .summary(&ask(i as u64, draft), || 0.0);
        assert_eq!(updated, fresh, "edit {i}");
    }
    // The last draft, budget 10: Q3 of r pays A 20 (2 %), scaled by 1/2; Q4 pays A 40 and B 10,
    // 50, scaled by 1/5.
    let last = engine.summary(&ask(9, &drafts[3]), || 0.0);
    let bites = |period: &str, total, factor| ("r".to_string(), period.to_string(), d(10), d(total), factor);
    assert_eq!(last.budgets, vec![bites("2026-Q3", 20, Decimal::new(5, 1)), bites("2026-Q4", 50, Decimal::new(2, 1))]);
    let side = last.partner.unwrap();
    let r = side.rows.iter().find(|x| x.scheme == "r").unwrap();
    // A: Q3 pays 20 (budget 10 < 20: scaled to 10), Q4 40 scaled by 1/5 to 8; published (budget
    // 30) Q3 20 in full and Q4 40 × 30/50 = 24.
    assert_eq!((r.published, r.draft), (Some(d(44)), d(18)));
    assert_eq!(side.rows.iter().find(|x| x.scheme == "s").map(|x| x.published), Some(None));
}
