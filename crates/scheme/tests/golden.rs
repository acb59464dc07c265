//! Golden tests: one per incentive type and per mechanic of `docs/semantics.md`. The figures asserted
//! here were worked out by hand (the comments show the arithmetic); the whole results are also
//! committed as golden JSON, which the wasm32 run in headless Chromium must reproduce exactly.

mod common;

use common::{d, dec, golden, line, scheme, statement, Case};
use mitra_scheme::report::{EligibilityField, GateKind, MilestoneKind, Step};
use serde_json::json;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

fn partner(id: &str, region: &str) -> serde_json::Value {
    json!({ "id": id, "name": id, "type": "dealer", "region": region, "segment": "retail", "enrolled": "2024-01-01" })
}

fn sale(partner: &str, date: &str, sku: &str, units: &str, value: &str) -> serde_json::Value {
    json!({ "kind": "sale", "partner": partner, "date": date, "sku": sku, "category": "paint", "units": units, "value": value })
}

fn program(currency: &str, decimals: u32, schemes: serde_json::Value) -> serde_json::Value {
    json!({ "id": "p", "name": "Test program", "currency": currency, "decimals": decimals, "schemes": schemes })
}

fn quarterly(id: &str, payout: serde_json::Value, instrument: &str) -> serde_json::Value {
    json!({
        "id": id, "name": id, "kind": "sales_incentive",
        "window": { "start": "2026-01-01", "end": "2026-12-31" }, "period": "quarter",
        "counts": { "fact": "sale" }, "measure": { "type": "sum_value" },
        "payout": payout, "instrument": instrument
    })
}

/// The demo program and data the server seeds.
#[test]
fn demo_program() {
    let case = Case::from_value(json!({
        "program": serde_json::from_str::<serde_json::Value>(include_str!("../../server/demo/program.json")).unwrap(),
        "partners": serde_json::from_str::<serde_json::Value>(include_str!("../../server/demo/partners.json")).unwrap(),
        "facts": serde_json::from_str::<serde_json::Value>(include_str!("../../server/demo/facts.json")).unwrap(),
        "as_of": "2026-11-15",
    }));
    let pop = case.run();
    // Sinar Jaya Q3: 50 M + 18 M + 12 M = 80 M, slab 2 (0.15 %) = 120,000.
    assert_eq!(line(&pop, "sinar-jaya", "q-sales", "2026-Q3").payout, dec("120000"));
    // Q4 so far: 25 M + 18 M − 2.5 M = 40.5 M, slab 1 (0.1 %) = 40,500; next 50 M at 0.15 %.
    let q4 = line(&pop, "sinar-jaya", "q-sales", "2026-Q4");
    assert_eq!((q4.measure, q4.payout), (Some(dec("40500000")), dec("40500")));
    let next = q4.next.as_ref().unwrap();
    assert_eq!(
        (next.threshold, next.needed, next.payout, next.gain),
        (dec("50000000"), dec("9500000"), dec("75000"), dec("34500"))
    );
    // Bangun Warna Q4: 94.98 M × 0.15 % = 142,470 × Silver 1.1 = 156,717.
    assert_eq!(line(&pop, "bangun-warna", "q-sales", "2026-Q4").payout, dec("156717"));
    // SPIF: 50 units × 500 = 25,000, capped at 20,000.
    assert_eq!(line(&pop, "bangun-warna", "spif-ultra", "window").payout, dec("20000"));
    // MDF: 2 % of sales accrues each quarter: 80 M → 1.6 M, then 40.5 M → 810,000.
    let fund = line(&pop, "sinar-jaya", "mdf", "2026-Q4").fund.clone().unwrap();
    assert_eq!((fund.accrued, fund.drawn, fund.balance), (dec("2410000"), dec("0"), dec("2410000")));
    golden("demo_program", include_str!("golden/demo_program.json"), &pop);
}

/// The slab example of `docs/semantics.md`: retroactive slabs at 0 (2 %) and 50 M (3 %), measure 40 M.
#[test]
fn retroactive_and_incremental_slabs() {
    let slabs = json!([
        { "from": "0", "pay": { "type": "percent_of_value", "percent": "2" } },
        { "from": "50000000", "pay": { "type": "percent_of_value", "percent": "3" } }
    ]);
    let case = Case::from_value(json!({
        "program": program("IDR", 0, json!([
            quarterly("retro", json!({ "type": "slabs", "mode": "retroactive", "slabs": slabs }), "cash"),
            quarterly("incr", json!({ "type": "slabs", "mode": "incremental", "slabs": slabs }), "cash"),
        ])),
        "partners": [partner("a", "x"), partner("b", "x")],
        "facts": [
            sale("a", "2026-10-01", "S", "1", "40000000"),
            sale("b", "2026-10-01", "S", "1", "80000000"),
        ],
        "as_of": "2026-11-15",
    }));
    let pop = case.run();
    // a: 40 M × 2 % = 0.8 M either way; next threshold 50 M, 10 M more, 1.5 M there, +0.7 M.
    let a = line(&pop, "a", "retro", "2026-Q4");
    assert_eq!(a.payout, dec("800000"));
    let n = a.next.as_ref().unwrap();
    assert_eq!(
        (n.kind, n.threshold, n.needed, n.payout, n.gain),
        (MilestoneKind::Slab, dec("50000000"), dec("10000000"), dec("1500000"), dec("700000"))
    );
    assert_eq!(line(&pop, "a", "incr", "2026-Q4").payout, dec("800000"));
    // Incremental at 50 M: 50 M × 2 % = 1 M, so +0.2 M.
    assert_eq!(line(&pop, "a", "incr", "2026-Q4").next.as_ref().unwrap().payout, dec("1000000"));
    // b: retroactive 80 M × 3 % = 2.4 M; incremental 50 M × 2 % + 30 M × 3 % = 1.9 M.
    assert_eq!(line(&pop, "b", "retro", "2026-Q4").payout, dec("2400000"));
    assert_eq!(line(&pop, "b", "incr", "2026-Q4").payout, dec("1900000"));
    assert_eq!(line(&pop, "b", "retro", "2026-Q4").next, None);
    golden("retroactive_and_incremental_slabs", include_str!("golden/retroactive_and_incremental_slabs.json"), &pop);
}

/// A return in the period lowers the measure below a slab bound.
#[test]
fn return_lowers_the_slab() {
    let case = Case::from_value(json!({
        "program": program("IDR", 0, json!([quarterly("s", json!({ "type": "slabs", "mode": "retroactive", "slabs": [
            { "from": "0", "pay": { "type": "percent_of_value", "percent": "2" } },
            { "from": "50000000", "pay": { "type": "percent_of_value", "percent": "3" } }
        ]}), "points")])),
        "partners": [partner("a", "x")],
        "facts": [
            sale("a", "2026-07-10", "S", "10", "60000000"),
            sale("a", "2026-08-10", "S", "-3", "-15000000"),
            sale("a", "2026-12-01", "S", "1", "99000000"),
        ],
        "as_of": "2026-11-15",
    }));
    let pop = case.run();
    // 60 M − 15 M = 45 M: slab 0, 45 M × 2 % = 900,000 (without the return: 1.8 M at 3 %).
    let q3 = line(&pop, "a", "s", "2026-Q3");
    assert_eq!((q3.measure, q3.slab, q3.payout), (Some(dec("45000000")), Some(0), dec("900000")));
    assert_eq!(q3.facts.len(), 2);
    // The sale dated after as-of does not count.
    assert_eq!(line(&pop, "a", "s", "2026-Q4").measure, Some(dec("0")));
    golden("return_lowers_the_slab", include_str!("golden/return_lowers_the_slab.json"), &pop);
}

/// Target-relative slabs: attainment bands and an accelerator; a missing target pays 0.
#[test]
fn targets_and_attainment_bands() {
    let target =
        |p: &str, v: &str| json!({ "kind": "target", "partner": p, "scheme": "t", "period": "2026-Q4", "value": v });
    let case = Case::from_value(json!({
        "program": program("MYR", 2, json!([quarterly("t", json!({ "type": "slabs", "mode": "retroactive", "bounds": "percent_of_target", "slabs": [
            { "from": "0", "pay": { "type": "percent_of_value", "percent": "0" } },
            { "from": "80", "pay": { "type": "percent_of_value", "percent": "1" } },
            { "from": "100", "pay": { "type": "percent_of_value", "percent": "2" } },
            { "from": "120", "pay": { "type": "percent_of_value", "percent": "3" } }
        ]}), "cash")])),
        "partners": [partner("a", "x"), partner("b", "x"), partner("c", "x")],
        "facts": [
            target("a", "100000"), sale("a", "2026-10-05", "S", "1", "110000"),
            sale("b", "2026-10-05", "S", "1", "90000"),
            target("c", "200000"), sale("c", "2026-10-05", "S", "1", "150000"),
        ],
        "as_of": "2026-11-15",
    }));
    let pop = case.run();
    // a: 110 % of target, band 100 %: 110,000 × 2 % = 2,200.00.
    let a = line(&pop, "a", "t", "2026-Q4");
    assert_eq!((a.attainment, a.slab, a.payout), (Some(dec("110")), Some(2), dec("2200")));
    // Next band at 120 % of 100,000 = 120,000: 10,000 more, 3 % of 120,000 = 3,600.00.
    let n = a.next.as_ref().unwrap();
    assert_eq!((n.threshold, n.needed, n.payout), (dec("120000"), dec("10000"), dec("3600")));
    // b has no target: 0, with that reason.
    let b = line(&pop, "b", "t", "2026-Q4");
    assert_eq!(b.payout, dec("0"));
    assert!(b.explanation.contains(&Step::NoTarget));
    // c: 75 %, band 0 %: 0; next band 80 % of 200,000 = 160,000, 1 % = 1,600.00.
    let c = line(&pop, "c", "t", "2026-Q4");
    assert_eq!(c.payout, dec("0"));
    let n = c.next.as_ref().unwrap();
    assert_eq!((n.threshold, n.needed, n.payout), (dec("160000"), dec("10000"), dec("1600")));
    golden("targets_and_attainment_bands", include_str!("golden/targets_and_attainment_bands.json"), &pop);
}

/// Rank rewards per region: ties share a rank (1, 2, 2, 4); zero measures are not ranked.
#[test]
fn rank_rewards_with_ties() {
    let mut prog = program(
        "IDR",
        0,
        json!([{
            "id": "top", "name": "Top dealers", "kind": "sales_incentive",
            "window": { "start": "2026-10-01", "end": "2026-12-31" },
            "counts": { "fact": "sale" }, "measure": { "type": "sum_units" },
            "payout": { "type": "rank", "group_by": "region", "amounts": ["1000", "500", "250"] },
            "instrument": "points"
        }]),
    );
    prog["badges"] = json!([{ "id": "champion", "name": "Regional champion", "rule": { "type": "top_n", "scheme": "top", "n": 1 } }]);
    let input = json!({
        "program": prog,
        "partners": [partner("a", "north"), partner("b", "north"), partner("c", "north"), partner("d", "north"), partner("e", "north"), partner("f", "south")],
        "facts": [
            sale("a", "2026-10-02", "S", "100", "1"),
            sale("b", "2026-10-02", "S", "80", "1"),
            sale("c", "2026-10-02", "S", "80", "1"),
            sale("d", "2026-10-02", "S", "50", "1"),
            sale("f", "2026-10-02", "S", "10", "1"),
        ],
        "as_of": "2026-11-15",
    });
    let case = Case::from_value(input.clone());
    let pop = case.run();
    let paid = |p: &str| (line(&pop, p, "top", "window").rank, line(&pop, p, "top", "window").payout);
    assert_eq!(paid("a"), (Some(1), dec("1000")));
    assert_eq!(paid("b"), (Some(2), dec("500")));
    assert_eq!(paid("c"), (Some(2), dec("500")));
    assert_eq!(paid("d"), (None, dec("0"))); // rank 4: no reward
    assert_eq!(paid("e"), (None, dec("0"))); // zero measure: not ranked
    assert_eq!(paid("f"), (Some(1), dec("1000"))); // alone in the south
                                                   // d's next milestone: reach 80 units (the shared rank 2) for 500.
    let n = line(&pop, "d", "top", "window").next.as_ref().unwrap();
    assert_eq!((n.kind, n.threshold, n.needed, n.payout), (MilestoneKind::Rank, dec("80"), dec("30"), dec("500")));
    // Without the context, rank lines are provisional.
    let alone = mitra_scheme::statement(&case.program, case.partner("a"), &case.facts, case.as_of, None);
    assert!(alone.provisional && alone.schemes[0].periods[0].provisional);
    let board = pop.population.leaderboards.iter().find(|b| b.group == "north").unwrap();
    assert_eq!(
        board.rows.iter().map(|r| (&*r.partner, r.rank)).collect::<Vec<_>>(),
        vec![("a", 1), ("b", 2), ("c", 2), ("d", 4)]
    );
    // The window is still running: no top-N badge yet. Once it has closed, the region leaders
    // (a in the north, f in the south) earn it on its last day.
    assert!(statement(&pop, "a").badges.is_empty());
    let mut after = input;
    after["as_of"] = json!("2027-01-05");
    let later = Case::from_value(after).run();
    let champions: Vec<_> = later
        .statements
        .iter()
        .filter(|s| !s.badges.is_empty())
        .map(|s| (s.partner.as_str(), s.badges[0].earned))
        .collect();
    assert_eq!(champions, vec![("a", d("2026-12-31")), ("f", d("2026-12-31"))]);
    golden("rank_rewards_with_ties", include_str!("golden/rank_rewards_with_ties.json"), &pop);
}

/// Performance bonus on growth over the same quarter a year earlier; a zero baseline pays 0.
#[test]
fn growth_and_zero_baseline() {
    let case = Case::from_value(json!({
        "program": program("MYR", 2, json!([{
            "id": "g", "name": "Growth bonus", "kind": "performance_bonus",
            "window": { "start": "2026-01-01", "end": "2026-12-31" }, "period": "quarter",
            "counts": { "fact": "sale" }, "measure": { "type": "growth", "of": "sum_value" },
            "payout": { "type": "slabs", "mode": "retroactive", "slabs": [
                { "from": "0", "pay": { "type": "fixed", "amount": "0" } },
                { "from": "10", "pay": { "type": "fixed", "amount": "500" } },
                { "from": "25", "pay": { "type": "fixed", "amount": "1500" } }
            ]},
            "instrument": "cash"
        }])),
        "partners": [partner("a", "x"), partner("b", "x")],
        "facts": [
            sale("a", "2025-02-10", "S", "1", "100000"),
            sale("a", "2026-02-10", "S", "1", "115000"),
            sale("b", "2026-02-10", "S", "1", "50000"),
        ],
        "as_of": "2026-04-15",
    }));
    let pop = case.run();
    // a: (115,000 − 100,000) / 100,000 × 100 = 15 % growth: band 10 %, 500.00.
    let a = line(&pop, "a", "g", "2026-Q1");
    assert_eq!((a.measure, a.baseline, a.payout), (Some(dec("15")), Some(dec("100000")), dec("500")));
    // b: no sales in Q1 2025: no growth payout, with that reason.
    let b = line(&pop, "b", "g", "2026-Q1");
    assert_eq!((b.measure, b.payout), (None, dec("0")));
    assert!(b.explanation.contains(&Step::ZeroBaseline));
    golden("growth_and_zero_baseline", include_str!("golden/growth_and_zero_baseline.json"), &pop);
}

/// A budget overrun scales every payout by budget / total, rounded down.
#[test]
fn budget_overrun() {
    let mut s =
        quarterly("b", json!({ "type": "flat", "rate": { "type": "percent_of_value", "percent": "10" } }), "points");
    s["budget"] = json!("1000");
    let case = Case::from_value(json!({
        "program": program("IDR", 0, json!([s])),
        "partners": [partner("a", "x"), partner("b", "x"), partner("c", "x")],
        "facts": [
            sale("a", "2026-10-02", "S", "1", "6000"),
            sale("b", "2026-10-02", "S", "1", "4000"),
            sale("c", "2026-10-02", "S", "1", "3000"),
        ],
        "as_of": "2026-11-15",
    }));
    let pop = case.run();
    // 600 + 400 + 300 = 1,300 > 1,000: floor(600 × 1000 / 1300) = 461, floor(307.69) = 307,
    // floor(230.77) = 230; 998 in all.
    let got: Vec<_> = ["a", "b", "c"].iter().map(|p| line(&pop, p, "b", "2026-Q4").payout).collect();
    assert_eq!(got, vec![dec("461"), dec("307"), dec("230")]);
    assert_eq!(line(&pop, "a", "b", "2026-Q4").rounded, dec("600"));
    let total = pop.population.schemes.iter().find(|t| t.scheme == "b").unwrap().total;
    assert_eq!(total, dec("998"));
    // Without the context, the line is provisional and unscaled.
    let alone = mitra_scheme::statement(&case.program, case.partner("a"), &case.facts, case.as_of, None);
    assert!(alone.provisional);
    golden("budget_overrun", include_str!("golden/budget_overrun.json"), &pop);
}

/// Tier multiplier, then the cap, then rounding half away from zero to the program's cents.
#[test]
fn multiplier_cap_and_rounding() {
    let mut s =
        quarterly("c", json!({ "type": "flat", "rate": { "type": "percent_of_value", "percent": "2.5" } }), "cash");
    s["tier_multiplier"] = json!(true);
    s["cap"] = json!("200");
    let mut prog = program("MYR", 2, json!([s]));
    prog["tiers"] = json!([{ "id": "gold", "name": "Gold", "counts": { "fact": "sale" }, "measure": { "type": "sum_value" }, "threshold": "5000", "multiplier": "1.5" }]);
    let case = Case::from_value(json!({
        "program": prog,
        "partners": [partner("a", "x"), partner("b", "x")],
        "facts": [
            sale("a", "2026-10-02", "S", "1", "101.00"),
            sale("b", "2026-10-02", "S", "1", "6000.00"),
        ],
        "as_of": "2026-11-15",
    }));
    let pop = case.run();
    // a: 101.00 × 2.5 % = 2.525 → 2.53 (half away from zero; half-even would give 2.52).
    let a = line(&pop, "a", "c", "2026-Q4");
    assert_eq!((a.base, a.payout), (dec("2.525"), dec("2.53")));
    // b holds Gold (6,000 ≥ 5,000): 6,000 × 2.5 % = 150 × 1.5 = 225 → capped at 200.00.
    let b = line(&pop, "b", "c", "2026-Q4");
    assert_eq!((b.base, b.multiplier, b.payout), (dec("150"), dec("1.5"), dec("200")));
    assert!(b.explanation.iter().any(|s| matches!(s, Step::Capped { .. })));
    assert_eq!(statement(&pop, "b").tier.tier.as_deref(), Some("gold"));
    golden("multiplier_cap_and_rounding", include_str!("golden/multiplier_cap_and_rounding.json"), &pop);
}

/// MDF accrues 2 % of revenue and reimburses spend in full; co-op reimburses 50 %, limited to
/// the balance; balances carry over between quarters.
#[test]
fn mdf_and_coop_funds() {
    let fund = |id: &str, kind: &str, share: &str| {
        json!({
            "id": id, "name": id, "kind": kind,
            "window": { "start": "2026-01-01", "end": "2026-12-31" }, "period": "quarter",
            "counts": { "fact": "sale" }, "measure": { "type": "sum_value" },
            "payout": { "type": "flat", "rate": { "type": "percent_of_value", "percent": "2" } },
            "instrument": "fund", "fund": { "reimburse_percent": share }
        })
    };
    let spend = |scheme: &str, date: &str, amount: &str| json!({ "kind": "marketing_spend", "partner": "a", "date": date, "scheme": scheme, "amount": amount });
    let case = Case::from_value(json!({
        "program": program("EUR", 2, json!([fund("mdf", "mdf", "100"), fund("coop", "coop_fund", "50")])),
        "partners": [partner("a", "x")],
        "facts": [
            sale("a", "2026-02-01", "S", "1", "100000"),
            spend("mdf", "2026-03-01", "1500"),
            spend("coop", "2026-03-01", "1500"),
            sale("a", "2026-05-01", "S", "1", "50000"),
            spend("mdf", "2026-06-01", "5000"),
            spend("coop", "2026-06-01", "5000"),
        ],
        "as_of": "2026-06-30",
    }));
    let pop = case.run();
    let fund_after = |s: &str, q: &str| line(&pop, "a", s, q).fund.clone().unwrap();
    // MDF Q1: accrue 2,000, draw 1,500: balance 500. Q2: +1,000 = 1,500, spend 5,000: draw 1,500.
    let f = fund_after("mdf", "2026-Q1");
    assert_eq!((f.accrued, f.drawn, f.balance), (dec("2000"), dec("1500"), dec("500")));
    let f = fund_after("mdf", "2026-Q2");
    assert_eq!((f.accrued, f.drawn, f.balance), (dec("3000"), dec("3000"), dec("0")));
    // Co-op Q1: 50 % of 1,500 = 750: balance 1,250. Q2: +1,000 = 2,250; 50 % of 5,000 = 2,500
    // is more than the balance: 2,250 drawn, balance 0.
    let f = fund_after("coop", "2026-Q1");
    assert_eq!((f.drawn, f.balance), (dec("750"), dec("1250")));
    let f = fund_after("coop", "2026-Q2");
    assert_eq!((f.accrued, f.drawn, f.balance), (dec("3000"), dec("3000"), dec("0")));
    assert_eq!(scheme(statement(&pop, "a"), "coop").fund.as_ref().unwrap().balance, dec("0"));
    golden("mdf_and_coop_funds", include_str!("golden/mdf_and_coop_funds.json"), &pop);
}

/// A SPIF on one product, gated by a certification; trainings and referrals paid per count.
#[test]
fn spif_gate_training_and_referral() {
    let cert = |p: &str, date: &str, course: &str| json!({ "kind": "certification", "partner": p, "date": date, "course": course });
    let referral =
        |p: &str, date: &str, who: &str| json!({ "kind": "referral", "partner": p, "date": date, "referred": who });
    let window = json!({ "start": "2026-10-01", "end": "2026-10-31" });
    let case = Case::from_value(json!({
        "program": program("IDR", 0, json!([
            { "id": "spif", "name": "Ultra launch", "kind": "spif", "window": window,
              "counts": { "fact": "sale", "skus": ["ULTRA"] }, "measure": { "type": "sum_units" },
              "gates": [{ "type": "certification", "course": "ultra-basics" }],
              "payout": { "type": "flat", "rate": { "type": "per_unit", "amount": "500" } },
              "cap": "20000", "instrument": "points" },
            { "id": "train", "name": "Training", "kind": "training", "window": window,
              "counts": { "fact": "certification", "courses": ["ultra-basics", "colour-pro"] }, "measure": { "type": "count" },
              "payout": { "type": "flat", "rate": { "type": "per_count", "amount": "1000" } }, "instrument": "points" },
            { "id": "refer", "name": "Referral", "kind": "referral", "window": window,
              "counts": { "fact": "referral" }, "measure": { "type": "count" },
              "payout": { "type": "flat", "rate": { "type": "per_count", "amount": "2500" } }, "instrument": "points" }
        ])),
        "partners": [partner("a", "x"), partner("b", "x")],
        "facts": [
            cert("a", "2026-10-03", "ultra-basics"), cert("a", "2026-10-04", "colour-pro"), cert("a", "2026-10-05", "forklift"),
            sale("a", "2026-10-10", "ULTRA", "30", "1"), sale("a", "2026-10-10", "OTHER", "30", "1"),
            sale("b", "2026-10-10", "ULTRA", "12", "1"),
            referral("b", "2026-10-12", "new-shop-1"), referral("b", "2026-10-20", "new-shop-2"),
        ],
        "as_of": "2026-11-15",
    }));
    let pop = case.run();
    // a: certified, 30 ULTRA units × 500 = 15,000 (the other SKU does not count).
    assert_eq!(line(&pop, "a", "spif", "window").payout, dec("15000"));
    // b: not certified: the gate fails, 0.
    let b = line(&pop, "b", "spif", "window");
    assert_eq!(b.payout, dec("0"));
    assert!(matches!(&b.explanation[..], [.., Step::GateFailed { gate: 0, kind: GateKind::Certification, .. }]));
    // a: two of the three courses count: 2 × 1,000.
    assert_eq!(line(&pop, "a", "train", "window").payout, dec("2000"));
    // b: two referrals × 2,500.
    assert_eq!(line(&pop, "b", "refer", "window").payout, dec("5000"));
    golden("spif_gate_training_and_referral", include_str!("golden/spif_gate_training_and_referral.json"), &pop);
}

/// Rebates per segment, volume discounts on units, and a value-added bundle on distinct SKUs;
/// eligibility by segment, region and tier gives 0 with the reason.
#[test]
fn rebate_volume_discount_bundle_and_eligibility() {
    let window = json!({ "start": "2026-07-01", "end": "2026-09-30" });
    let mut gold = partner("g", "east");
    gold["segment"] = json!("project");
    let case = Case::from_value(json!({
        "program": {
            "id": "p", "name": "p", "currency": "MYR", "decimals": 2,
            "tiers": [{ "id": "gold", "name": "Gold", "counts": { "fact": "sale" }, "measure": { "type": "sum_value" }, "threshold": "10000" }],
            "schemes": [
                { "id": "rebate-retail", "name": "Rebate (retail)", "kind": "rebate", "window": window,
                  "eligibility": { "segments": ["retail"] },
                  "counts": { "fact": "sale" }, "measure": { "type": "sum_value" },
                  "gates": [{ "type": "min_measure", "value": "1000" }],
                  "payout": { "type": "flat", "rate": { "type": "percent_of_value", "percent": "1.5" } }, "instrument": "cash" },
                { "id": "rebate-project", "name": "Rebate (project)", "kind": "rebate", "window": window,
                  "eligibility": { "segments": ["project"], "min_tier": "gold" },
                  "counts": { "fact": "sale" }, "measure": { "type": "sum_value" },
                  "payout": { "type": "flat", "rate": { "type": "percent_of_value", "percent": "3" } }, "instrument": "cash" },
                { "id": "volume", "name": "Volume discount", "kind": "volume_discount", "window": window,
                  "eligibility": { "regions": ["west"] },
                  "counts": { "fact": "sale" }, "measure": { "type": "sum_units" },
                  "payout": { "type": "slabs", "mode": "retroactive", "slabs": [
                      { "from": "0", "pay": { "type": "per_unit", "amount": "0" } },
                      { "from": "100", "pay": { "type": "per_unit", "amount": "0.50" } },
                      { "from": "500", "pay": { "type": "per_unit", "amount": "0.75" } }
                  ]}, "instrument": "cash" },
                { "id": "bundle", "name": "Bundle", "kind": "value_added", "window": window,
                  "counts": { "fact": "sale" }, "measure": { "type": "distinct_skus" },
                  "payout": { "type": "slabs", "mode": "retroactive", "slabs": [
                      { "from": "0", "pay": { "type": "fixed", "amount": "0" } },
                      { "from": "3", "pay": { "type": "fixed", "amount": "100" } }
                  ]}, "instrument": "cash" }
            ]
        },
        "partners": [partner("w", "west"), gold],
        "facts": [
            sale("w", "2026-07-10", "A", "300", "600"),
            sale("w", "2026-08-10", "B", "250", "500"),
            sale("w", "2026-08-11", "C", "5", "50"),
            sale("w", "2026-08-12", "C", "-5", "-50"),
            sale("g", "2026-07-10", "A", "20", "12000"),
            sale("g", "2026-07-11", "B", "1", "10"),
            sale("g", "2026-07-12", "C", "1", "10"),
        ],
        "as_of": "2026-10-05",
    }));
    let pop = case.run();
    // w: retail, 1,100.00 ≥ gate 1,000: 1.5 % = 16.50.
    assert_eq!(line(&pop, "w", "rebate-retail", "window").payout, dec("16.50"));
    // g is in the project segment: ineligible for the retail rebate, with the reason.
    let g = line(&pop, "g", "rebate-retail", "window");
    assert!(!g.eligible);
    assert!(matches!(&g.explanation[0], Step::Ineligible { field: EligibilityField::Segment, .. }));
    // g holds Gold (12,020 ≥ 10,000): project rebate 3 % × 12,020 = 360.60. w is not eligible.
    assert_eq!(line(&pop, "g", "rebate-project", "window").payout, dec("360.60"));
    assert!(!line(&pop, "w", "rebate-project", "window").eligible);
    // w: 550 units, slab 500+: 550 × 0.75 = 412.50. g is not in the west.
    assert_eq!(line(&pop, "w", "volume", "window").payout, dec("412.50"));
    assert!(!line(&pop, "g", "volume", "window").eligible);
    // w: C was returned in full, so only A and B count: 2 distinct SKUs, no bundle bonus;
    // g sold A, B and C: 100.00.
    assert_eq!(line(&pop, "w", "bundle", "window").measure, Some(dec("2")));
    assert_eq!(line(&pop, "w", "bundle", "window").payout, dec("0"));
    assert_eq!(line(&pop, "g", "bundle", "window").payout, dec("100"));
    golden(
        "rebate_volume_discount_bundle_and_eligibility",
        include_str!("golden/rebate_volume_discount_bundle_and_eligibility.json"),
        &pop,
    );
}

/// Tiers from a trailing 12-month measure and certifications; badges with the dates earned.
#[test]
fn tiers_and_badges() {
    let cert = |date: &str| json!({ "kind": "certification", "partner": "a", "date": date, "course": "c" });
    let target = |q: &str| json!({ "kind": "target", "partner": "a", "scheme": "q", "period": q, "value": "1000" });
    let mut q = quarterly(
        "q",
        json!({ "type": "slabs", "mode": "retroactive", "bounds": "percent_of_target", "slabs": [
            { "from": "0", "pay": { "type": "fixed", "amount": "0" } },
            { "from": "100", "pay": { "type": "fixed", "amount": "100" } }
        ]}),
        "points",
    );
    q["window"] = json!({ "start": "2025-01-01", "end": "2026-12-31" });
    let mut prog = program("IDR", 0, json!([q]));
    prog["tiers"] = json!([
        { "id": "silver", "name": "Silver", "counts": { "fact": "sale" }, "measure": { "type": "sum_value" }, "threshold": "2000", "multiplier": "1.1" },
        { "id": "gold", "name": "Gold", "counts": { "fact": "sale" }, "measure": { "type": "sum_value" }, "threshold": "5000", "min_certifications": 2, "multiplier": "1.25", "perks": ["event_tickets"] }
    ]);
    prog["badges"] = json!([
        { "id": "first", "name": "First sale", "rule": { "type": "first_sale" } },
        { "id": "certs", "name": "Two certifications", "rule": { "type": "certifications", "count": 2 } },
        { "id": "streak", "name": "Target met twice in a row", "rule": { "type": "target_streak", "scheme": "q", "periods": 2 } },
        { "id": "eco", "name": "Eco seller", "rule": { "type": "category_share", "category": "eco", "percent": "30" } }
    ]);
    let mut eco = sale("a", "2025-09-01", "E", "1", "1500");
    eco["category"] = json!("eco");
    let case = Case::from_value(json!({
        "program": prog,
        "partners": [partner("a", "x")],
        "facts": [
            sale("a", "2025-05-10", "S", "1", "1200"), target("2025-Q2"),
            sale("a", "2025-08-10", "S", "1", "900"), target("2025-Q3"), eco,
            target("2025-Q4"), sale("a", "2025-11-10", "S", "1", "1000"),
            cert("2026-01-15"),
            sale("a", "2026-02-01", "S", "1", "2000"),
        ],
        "as_of": "2026-03-01",
    }));
    let pop = case.run();
    let st = statement(&pop, "a");
    // Trailing 12 months to 2026-03-01 (from 2025-03-02): 1,200 + 900 + 1,500 + 1,000 + 2,000
    // = 6,600 ≥ 5,000, but Gold needs two certifications and a holds one: Silver.
    assert_eq!(st.tier.tier.as_deref(), Some("silver"));
    let gap = st.tier.next.as_ref().unwrap();
    assert_eq!((gap.tier.as_str(), gap.gap, gap.certifications_missing), ("gold", dec("0"), 1));
    let earned = |id: &str| st.badges.iter().find(|b| b.badge == id).map(|b| b.earned);
    assert_eq!(earned("first"), Some(d("2025-05-10")));
    assert_eq!(earned("certs"), None);
    // Q2 (1,200 ≥ 1,000) and Q3 (2,400) met: the streak is earned at the end of Q3.
    assert_eq!(earned("streak"), Some(d("2025-09-30")));
    // Eco share: 1,500 / (1,200 + 900 + 1,500) = 41.7 % ≥ 30 % on 2025-09-01.
    assert_eq!(earned("eco"), Some(d("2025-09-01")));
    golden("tiers_and_badges", include_str!("golden/tiers_and_badges.json"), &pop);
}

/// An overflow is never a figure: a measure or payout that no longer fits a decimal leaves its
/// line unsettled (flagged, left out of every total), a rank group holding an overflowed measure
/// cannot be ranked, and a budgeted period with an overflowing payout has no scale factor, so its
/// non-zero payouts are unsettled too. Statement and population agree (`Case::run`).
/// A line is unsettled only by an overflow of what it reads: sales whose units no longer sum
/// leave a line that measures and pays on their value stated, and unsettle one that measures
/// their units or pays per unit.
#[test]
fn a_line_is_unsettled_only_by_the_quantities_it_reads() {
    let ten_percent = json!({ "type": "flat", "rate": { "type": "percent_of_value", "percent": "10" } });
    let per_unit = json!({ "type": "flat", "rate": { "type": "per_unit", "amount": "1" } });
    let mut by_units = quarterly("by_units", ten_percent.clone(), "points");
    by_units["measure"] = json!({ "type": "sum_units" });
    // The same value scheme counting SKU S only: its facts are summed one by one, not from the
    // running totals of every sale.
    let mut by_value_of_s = quarterly("by_value_of_s", ten_percent.clone(), "points");
    by_value_of_s["counts"] = json!({ "fact": "sale", "skus": ["S"] });
    let case = Case::from_value(json!({
        "program": program("IDR", 0, json!([
            quarterly("by_value", ten_percent, "points"), quarterly("per_unit", per_unit, "points"), by_units, by_value_of_s,
        ])),
        "partners": [partner("a", "x")],
        "facts": [
            // 5 × 10^28 units twice pass the largest decimal; the values, 1,000 and 2,000, do not.
            sale("a", "2026-10-02", "S", "50000000000000000000000000000", "1000"),
            sale("a", "2026-10-03", "S", "50000000000000000000000000000", "2000"),
        ],
        "as_of": "2026-11-15",
    }));
    let pop = case.run();
    let by_value = line(&pop, "a", "by_value", "2026-Q4");
    assert_eq!((by_value.measure, by_value.overflow, by_value.payout), (Some(dec("3000")), false, dec("300")));
    let per_unit = line(&pop, "a", "per_unit", "2026-Q4");
    assert_eq!((per_unit.measure, per_unit.overflow), (Some(dec("3000")), true));
    let by_units = line(&pop, "a", "by_units", "2026-Q4");
    assert_eq!((by_units.measure, by_units.overflow), (None, true));
    let of_s = line(&pop, "a", "by_value_of_s", "2026-Q4");
    assert_eq!((of_s.measure, of_s.overflow, of_s.payout), (Some(dec("3000")), false, dec("300")));
}

#[test]
fn overflow_is_never_a_figure() {
    let flat = json!({ "type": "flat", "rate": { "type": "percent_of_value", "percent": "10" } });
    let mut budgeted = quarterly("budgeted", flat.clone(), "points");
    budgeted["budget"] = json!("100000");
    let rank = quarterly("rank", json!({ "type": "rank", "group_by": "region", "amounts": ["1000", "500"] }), "points");
    let case = Case::from_value(json!({
        "program": program("IDR", 0, json!([quarterly("flat", flat, "points"), budgeted, rank])),
        "partners": [partner("a", "x"), partner("b", "x"), partner("c", "x"), partner("d", "y"), partner("e", "z")],
        "facts": [
            // a: 5 × 10^28 twice: the sum passes the largest decimal (about 7.9 × 10^28).
            sale("a", "2026-10-02", "S", "1", "50000000000000000000000000000"),
            sale("a", "2026-10-03", "S", "1", "50000000000000000000000000000"),
            sale("b", "2026-10-02", "S", "1", "1000000"),
            sale("d", "2026-10-02", "S", "1", "2000000"),
            // e: the measure fits, but 10 % of it overflows (value × 10 before dividing by 100).
            sale("e", "2026-10-02", "S", "1", "70000000000000000000000000000"),
        ],
        "as_of": "2026-11-15",
    }));
    let pop = case.run();
    let q4 = |p: &str, s: &str| line(&pop, p, s, "2026-Q4");
    // a's measure overflowed: no measure, no payout, flagged, explained.
    let a = q4("a", "flat");
    assert_eq!((a.measure, a.overflow, a.payout), (None, true, dec("0")));
    assert!(a.explanation.contains(&Step::Overflow));
    assert!(statement(&pop, "a").overflow && scheme(statement(&pop, "a"), "flat").overflow);
    // e's measure fits; its payout does not.
    let e = q4("e", "flat");
    assert_eq!((e.measure, e.overflow), (Some(dec("70000000000000000000000000000")), true));
    // b and d are paid 10 %: 100,000 and 200,000; the flat total is theirs alone, with a's and
    // e's lines counted as unsettled.
    assert_eq!((q4("b", "flat").payout, q4("d", "flat").payout), (dec("100000"), dec("200000")));
    let totals = |s: &str| pop.population.schemes.iter().find(|t| t.scheme == s).unwrap();
    assert_eq!((totals("flat").total, totals("flat").unsettled), (dec("300000"), 2));
    // The budget's scale factor is undefined: b's and d's non-zero payouts are unsettled; c earns
    // nothing, and nothing scaled is still nothing.
    assert!(q4("b", "budgeted").overflow && q4("d", "budgeted").overflow);
    assert_eq!((q4("c", "budgeted").overflow, q4("c", "budgeted").payout), (false, dec("0")));
    assert_eq!((totals("budgeted").total, totals("budgeted").unsettled), (dec("0"), 4));
    // Region x holds a's overflowed measure: nobody there can be ranked (b is unsettled); regions
    // y and z rank as usual: d and e are first, 1,000 each.
    assert!(q4("b", "rank").overflow);
    assert_eq!((q4("d", "rank").rank, q4("d", "rank").payout), (Some(1), dec("1000")));
    assert_eq!((q4("e", "rank").rank, q4("e", "rank").payout), (Some(1), dec("1000")));
    assert_eq!((totals("rank").total, totals("rank").unsettled), (dec("2000"), 2));
    let board = |g: &str| {
        pop.population
            .leaderboards
            .iter()
            .find(|b| b.scheme == "rank" && b.period == "2026-Q4" && b.group == g)
            .unwrap()
    };
    assert!(board("x").overflow && !board("y").overflow);
    // The figures a close reads say "not settled", never 0.
    let fig = &pop.population.figures("b").unwrap().schemes[2].periods[3];
    assert_eq!(fig.settled(), None);
    // A what-if on a scheme that overflows has no difference for it.
    let extra = vec![serde_json::from_value(sale("b", "2026-11-10", "S", "1", "500000")).unwrap()];
    let w = mitra_scheme::what_if(
        &case.program,
        case.partner("b"),
        &case.facts,
        &extra,
        case.as_of,
        Some(&pop.population.context_for(&case.program, case.partner("b"))),
    );
    assert_eq!(w.difference.get("flat"), Some(&dec("50000")));
    assert_eq!((w.difference.get("budgeted"), w.difference.get("rank")), (None, None));
    assert!(w.total_difference.overflow);
    golden("overflow_is_never_a_figure", include_str!("golden/overflow_is_never_a_figure.json"), &pop);
}

/// A target of zero or below is no target, everywhere: target-relative slabs pay nothing with
/// the reason `no_target`, a minimum-attainment gate fails with `no_target`, and no milestone is
/// offered. (Readers refuse a negative target before it gets here; the evaluator does not rely
/// on it.)
#[test]
fn targets_at_or_below_zero_are_no_target() {
    let target = |p: &str, s: &str, v: &str| json!({ "kind": "target", "partner": p, "scheme": s, "period": "2026-Q4", "value": v });
    let bands = json!([
        { "from": "0", "pay": { "type": "percent_of_value", "percent": "0" } },
        { "from": "80", "pay": { "type": "percent_of_value", "percent": "1" } },
        { "from": "100", "pay": { "type": "percent_of_value", "percent": "2" } }
    ]);
    let mut gated =
        quarterly("gated", json!({ "type": "flat", "rate": { "type": "percent_of_value", "percent": "1" } }), "cash");
    gated["gates"] = json!([{ "type": "min_attainment", "percent": "50" }]);
    let case = Case::from_value(json!({
        "program": program("MYR", 2, json!([
            quarterly("retro", json!({ "type": "slabs", "mode": "retroactive", "bounds": "percent_of_target", "slabs": bands }), "cash"),
            quarterly("incr", json!({ "type": "slabs", "mode": "incremental", "bounds": "percent_of_target", "slabs": bands }), "cash"),
            gated,
        ])),
        "partners": [partner("zero", "x"), partner("neg", "x"), partner("pos", "x")],
        "facts": [
            target("zero", "retro", "0"), target("zero", "incr", "0"), target("zero", "gated", "0"),
            target("neg", "retro", "-100000"), target("neg", "incr", "-100000"), target("neg", "gated", "-100000"),
            target("pos", "retro", "100000"), target("pos", "incr", "100000"), target("pos", "gated", "100000"),
            sale("zero", "2026-10-05", "S", "1", "110000"),
            sale("neg", "2026-10-05", "S", "1", "110000"),
            sale("pos", "2026-10-05", "S", "1", "110000"),
        ],
        "as_of": "2026-11-15",
    }));
    let pop = case.run();
    for p in ["zero", "neg"] {
        for s in ["retro", "incr"] {
            let l = line(&pop, p, s, "2026-Q4");
            assert_eq!((l.target, l.attainment, l.payout), (None, None, dec("0")), "{p} {s}");
            assert!(l.explanation.contains(&Step::NoTarget), "{p} {s}");
            assert_eq!(l.next, None, "{p} {s}: no milestone without a target");
        }
        let g = line(&pop, p, "gated", "2026-Q4");
        assert_eq!(g.payout, dec("0"));
        assert!(g.explanation.iter().any(|s| matches!(s, Step::GateFailed { actual, .. } if actual == "no_target")));
        assert_eq!(g.next, None);
    }
    // The control partner, target 100,000 and 110,000 sold (110 %): retroactive 2 % of
    // 110,000 = 2,200.00; incremental 0 % of 80,000 + 1 % of 20,000 + 2 % of 10,000 = 400.00;
    // the gate holds (110 % ≥ 50 %): 1 % = 1,100.00.
    let pos = |s: &str| line(&pop, "pos", s, "2026-Q4").payout;
    assert_eq!((pos("retro"), pos("incr"), pos("gated")), (dec("2200"), dec("400"), dec("1100")));
    golden("targets_at_or_below_zero", include_str!("golden/targets_at_or_below_zero.json"), &pop);
}

/// A return line (negative units and value) lowers value and units, but a count counts only the
/// lines that are not returns: it never raises a per-count payout.
#[test]
fn returns_are_not_counted() {
    let per_order = json!({ "type": "flat", "rate": { "type": "per_count", "amount": "1000" } });
    let mut filtered = quarterly("orders_paint", per_order.clone(), "points");
    filtered["counts"] = json!({ "fact": "sale", "categories": ["paint"] });
    let mut orders = quarterly("orders", per_order, "points");
    orders["measure"] = json!({ "type": "count" });
    filtered["measure"] = json!({ "type": "count" });
    let mut slabs = quarterly(
        "order_slabs",
        json!({ "type": "slabs", "mode": "retroactive", "slabs": [
            { "from": "0", "pay": { "type": "per_count", "amount": "100" } },
            { "from": "4", "pay": { "type": "per_count", "amount": "200" } }
        ]}),
        "points",
    );
    slabs["measure"] = json!({ "type": "count" });
    let case = Case::from_value(json!({
        "program": program("IDR", 0, json!([orders, filtered, slabs])),
        "partners": [partner("a", "x"), partner("b", "x")],
        "facts": [
            sale("a", "2026-10-02", "S1", "2", "200"),
            sale("a", "2026-10-03", "S2", "1", "100"),
            sale("a", "2026-10-04", "S3", "5", "500"),
            sale("a", "2026-10-09", "S3", "-1", "-100"),
            sale("b", "2026-10-09", "S3", "-1", "-100"),
        ],
        "as_of": "2026-11-15",
    }));
    let pop = case.run();
    // a: four lines, one of them a return: a count of 3, 3 × 1,000 = 3,000 (the unfiltered and
    // the filtered paths alike). Counted, the return would have reached the 4-order slab:
    // it stays in the first, 3 × 100 = 300.
    for s in ["orders", "orders_paint"] {
        let l = line(&pop, "a", s, "2026-Q4");
        assert_eq!((l.measure, l.payout), (Some(dec("3")), dec("3000")), "{s}");
        // The explanation still names all four lines as the facts read.
        assert!(l.explanation.contains(&Step::Measured { measure: dec("3"), facts: 4 }), "{s}");
    }
    let l = line(&pop, "a", "order_slabs", "2026-Q4");
    assert_eq!((l.slab, l.payout), (Some(0), dec("300")));
    // b has only a return: a count of 0, nothing paid.
    assert_eq!(line(&pop, "b", "orders", "2026-Q4").payout, dec("0"));
    golden("returns_are_not_counted", include_str!("golden/returns_are_not_counted.json"), &pop);
}

/// A tier whose trailing measure overflows cannot be decided: lines that depend on the tier
/// (multiplier, minimum tier) are unsettled; lines that do not are paid as usual.
#[test]
fn an_undecidable_tier_leaves_only_the_lines_that_use_it_unsettled() {
    let flat = json!({ "type": "flat", "rate": { "type": "percent_of_value", "percent": "1" } });
    let mut multiplied = quarterly("multiplied", flat.clone(), "points");
    multiplied["tier_multiplier"] = json!(true);
    let mut prog = program("IDR", 0, json!([multiplied, quarterly("plain", flat, "points")]));
    prog["tiers"] = json!([{ "id": "gold", "name": "Gold", "counts": { "fact": "sale" }, "measure": { "type": "sum_value" },
        "trailing_months": 12, "threshold": "10000000", "multiplier": "1.5" }]);
    let case = Case::from_value(json!({
        "program": prog,
        "partners": [partner("a", "x"), partner("b", "x")],
        "facts": [
            sale("a", "2026-02-01", "S", "1", "50000000000000000000000000000"),
            sale("a", "2026-02-02", "S", "1", "50000000000000000000000000000"),
            sale("a", "2026-10-02", "S", "1", "2000000"),
            sale("b", "2026-10-02", "S", "1", "20000000"),
        ],
        "as_of": "2026-11-15",
    }));
    let pop = case.run();
    // a's Q4 alone fits (2 M), but the twelve months behind it do not: Gold is undecided.
    let a = line(&pop, "a", "multiplied", "2026-Q4");
    assert_eq!((a.measure, a.overflow), (Some(dec("2000000")), true));
    assert!(statement(&pop, "a").tier.overflow && statement(&pop, "a").tier.tier.is_none());
    // The plain scheme does not use the tier: 1 % of 2 M = 20,000.
    let plain = line(&pop, "a", "plain", "2026-Q4");
    assert_eq!((plain.overflow, plain.payout), (false, dec("20000")));
    // b holds Gold (20 M ≥ 10 M): 1 % of 20 M = 200,000 × 1.5 = 300,000.
    assert_eq!(line(&pop, "b", "multiplied", "2026-Q4").payout, dec("300000"));
    golden("undecidable_tier", include_str!("golden/undecidable_tier.json"), &pop);
}

/// Standings against every tier: the demo's Bangun Warna on 2026-11-15 has Q3 150 M and Q4
/// 94.98 M over the last twelve months (244.98 M): Silver (150 M) reached, Gold (300 M) not.
#[test]
fn tier_standings_show_every_tier() {
    let program: mitra_scheme::Program = serde_json::from_str(include_str!("../../server/demo/program.json")).unwrap();
    let partners: Vec<mitra_scheme::Partner> =
        serde_json::from_str(include_str!("../../server/demo/partners.json")).unwrap();
    let facts: Vec<mitra_scheme::Fact> = serde_json::from_str(include_str!("../../server/demo/facts.json")).unwrap();
    let bw = partners.iter().find(|p| p.id == "bangun-warna").unwrap();
    let s = mitra_scheme::eval::tier_standings(&program, bw, &facts, d("2026-11-15"));
    let got: Vec<_> = s.iter().map(|t| (t.tier.as_str(), t.measure, t.reached)).collect();
    assert_eq!(got, vec![("silver", Some(dec("244980000")), true), ("gold", Some(dec("244980000")), false)]);
}
