//! A malformed or contradictory definition is rejected with errors naming the scheme (or tier,
//! or badge), the field and the problem.

use mitra_scheme::{load_program, validate, LoadError, Program};
use serde_json::json;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

fn scheme(id: &str) -> serde_json::Value {
    json!({
        "id": id, "name": id, "kind": "sales_incentive",
        "window": { "start": "2026-01-01", "end": "2026-12-31" },
        "counts": { "fact": "sale" }, "measure": { "type": "sum_value" },
        "payout": { "type": "flat", "rate": { "type": "percent_of_value", "percent": "1" } },
        "instrument": "points"
    })
}

fn program(schemes: Vec<serde_json::Value>) -> serde_json::Value {
    json!({ "id": "p", "name": "p", "currency": "IDR", "decimals": 0, "schemes": schemes,
            "tiers": [{ "id": "silver", "name": "Silver", "counts": { "fact": "sale" }, "measure": { "type": "sum_value" }, "threshold": "100" }] })
}

/// (item, id, field, problem) of every error.
fn problems(v: serde_json::Value) -> Vec<(String, String, String, String)> {
    let p: Program = serde_json::from_value(v).expect("parses");
    validate(&p).into_iter().map(|e| (e.item, e.id, e.field, e.problem)).collect()
}

fn one(item: &str, id: &str, field: &str, problem: &str) -> Vec<(String, String, String, String)> {
    vec![(item.into(), id.into(), field.into(), problem.into())]
}

#[test]
fn a_valid_program_has_no_errors() {
    assert_eq!(problems(program(vec![scheme("a")])), vec![]);
}

#[test]
fn unordered_slabs_and_a_first_bound_not_zero() {
    let mut s = scheme("slabs");
    s["payout"] = json!({ "type": "slabs", "mode": "retroactive", "slabs": [
        { "from": "10", "pay": { "type": "percent_of_value", "percent": "1" } },
        { "from": "50", "pay": { "type": "percent_of_value", "percent": "2" } },
        { "from": "20", "pay": { "type": "percent_of_value", "percent": "3" } }
    ]});
    let got = problems(program(vec![s]));
    assert_eq!(
        got,
        [
            one("scheme", "slabs", "payout.slabs[0].from", "first_bound_not_zero"),
            one("scheme", "slabs", "payout.slabs[2].from", "unordered_slabs"),
        ]
        .concat()
    );
}

#[test]
fn fixed_amounts_are_not_allowed_in_incremental_slabs() {
    let mut s = scheme("inc");
    s["payout"] = json!({ "type": "slabs", "mode": "incremental", "slabs": [
        { "from": "0", "pay": { "type": "percent_of_value", "percent": "1" } },
        { "from": "50", "pay": { "type": "fixed", "amount": "100" } }
    ]});
    assert_eq!(problems(program(vec![s])), one("scheme", "inc", "payout.slabs[1].pay", "fixed_in_incremental"));
}

#[test]
fn incremental_rates_must_fit_the_measure() {
    let mut s = scheme("inc");
    s["measure"] = json!({ "type": "sum_units" });
    s["payout"] = json!({ "type": "slabs", "mode": "incremental", "slabs": [
        { "from": "0", "pay": { "type": "percent_of_value", "percent": "1" } }
    ]});
    assert_eq!(problems(program(vec![s])), one("scheme", "inc", "payout.slabs[0].pay", "rate_does_not_fit_measure"));
}

#[test]
fn a_window_that_ends_before_it_starts() {
    let mut s = scheme("w");
    s["window"] = json!({ "start": "2026-12-31", "end": "2026-01-01" });
    assert_eq!(problems(program(vec![s])), one("scheme", "w", "window", "ends_before_start"));
}

#[test]
fn negative_caps_budgets_and_rates() {
    let mut s = scheme("neg");
    s["cap"] = json!("-1");
    s["budget"] = json!("-5");
    s["payout"] = json!({ "type": "flat", "rate": { "type": "per_unit", "amount": "-2" } });
    assert_eq!(
        problems(program(vec![s])),
        [
            one("scheme", "neg", "cap", "negative"),
            one("scheme", "neg", "budget", "negative"),
            one("scheme", "neg", "payout.rate.amount", "negative"),
        ]
        .concat()
    );
}

#[test]
fn a_cap_finer_than_the_instrument() {
    let mut s = scheme("fine");
    s["cap"] = json!("10.5");
    assert_eq!(problems(program(vec![s])), one("scheme", "fine", "cap", "too_precise"));
}

#[test]
fn references_to_unknown_tiers_and_schemes() {
    let mut s = scheme("ref");
    s["eligibility"] = json!({ "min_tier": "platinum" });
    s["gates"] = json!([{ "type": "min_tier", "tier": "diamond" }]);
    let mut p = program(vec![s]);
    p["badges"] = json!([{ "id": "streak", "name": "Streak", "rule": { "type": "target_streak", "scheme": "nope", "periods": 2 } }]);
    assert_eq!(
        problems(p),
        [
            one("scheme", "ref", "eligibility.min_tier", "unknown_tier"),
            one("scheme", "ref", "gates[0].tier", "unknown_tier"),
            one("badge", "streak", "rule.scheme", "unknown_scheme"),
        ]
        .concat()
    );
}

#[test]
fn duplicate_ids_and_a_bad_currency() {
    let mut p = program(vec![scheme("a"), scheme("a")]);
    p["currency"] = json!("rupiah");
    assert_eq!(
        problems(p),
        [one("program", "p", "currency", "invalid_currency"), one("program", "p", "schemes", "duplicate_id"),].concat()
    );
}

#[test]
fn load_program_reports_syntax_and_meaning() {
    match load_program("{ \"id\": 3 }") {
        Err(LoadError::Syntax(m)) => assert!(m.contains("line 1"), "{m}"),
        other => panic!("expected a syntax error, got {other:?}"),
    }
    let mut s = scheme("w");
    s["window"] = json!({ "start": "2026-12-31", "end": "2026-01-01" });
    match load_program(&program(vec![s]).to_string()) {
        Err(e @ LoadError::Invalid(_)) => {
            assert_eq!(e.to_string(), "scheme w: window: the window ends on 2026-01-01 before it starts on 2026-12-31")
        }
        other => panic!("expected validation errors, got {other:?}"),
    }
    // Unknown fields are refused, so a typo never silently changes a scheme.
    let mut s = scheme("typo");
    s["capp"] = json!("5");
    assert!(matches!(load_program(&program(vec![s]).to_string()), Err(LoadError::Syntax(m)) if m.contains("capp")));
}
