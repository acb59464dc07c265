//! The app in a real headless Chromium: locale formatting through the browser's `Intl`, and the
//! dashboard rendered from the demo data with the figures the server computes.

#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use mitra::api::{Dashboard, Ledger};
use mitra::format;
use mitra::locale::Locale;
use mitra::pages::dashboard::DashboardView;
use mitra::session::AppState;
use mitra_scheme::model::{Fact, Partner, Program};
use mitra_scheme::FactTable;
use rust_decimal::Decimal;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// Intl separates symbol and amount with a no-break space; compare with plain spaces.
fn plain(s: String) -> String {
    s.replace('\u{a0}', " ")
}

#[wasm_bindgen_test]
fn money_follows_cldr_for_each_locale() {
    assert_eq!(plain(format::money(Locale::Id, dec("1250000"), "IDR", 0)), "Rp 1.250.000");
    assert_eq!(plain(format::money(Locale::Ms, dec("1250"), "MYR", 2)), "RM 1,250.00");
    assert_eq!(plain(format::money(Locale::Nl, dec("1250"), "EUR", 2)), "€ 1.250,00");
    assert_eq!(plain(format::money(Locale::En, dec("1250.5"), "EUR", 2)), "€1,250.50");
}

#[wasm_bindgen_test]
fn numbers_are_exact_beyond_floating_point() {
    // 2^53 + 1 cannot be represented as an f64; passed as a string it stays exact.
    assert_eq!(format::number(Locale::En, dec("9007199254740993"), 0), "9,007,199,254,740,993");
    assert_eq!(format::number(Locale::Nl, dec("0.125"), 2), "0,13");
}

#[wasm_bindgen_test]
fn dates_follow_the_locale() {
    let d = "2026-11-15".parse().unwrap();
    assert_eq!(format::date(Locale::En, d), "15 Nov 2026");
    assert_eq!(format::date(Locale::Nl, d), "15 nov 2026");
}

fn demo_dashboard(partner_id: &str) -> Dashboard {
    let program: Program = serde_json::from_str(include_str!("../crates/server/demo/program.json")).unwrap();
    let partners: Vec<Partner> = serde_json::from_str(include_str!("../crates/server/demo/partners.json")).unwrap();
    let facts: Vec<Fact> = serde_json::from_str(include_str!("../crates/server/demo/facts.json")).unwrap();
    let today = "2026-11-15".parse().unwrap();
    let context = mitra_scheme::population(&program, &partners, &FactTable::from(&facts[..]), today).context;
    let partner = partners.into_iter().find(|p| p.id == partner_id).unwrap();
    let own = facts.into_iter().filter(|f| f.partner() == partner_id).collect();
    Dashboard { today, program, partner, facts: own, context, ledger: Ledger { points: dec("330000"), cash: dec("0"), postings: vec![] }, offline_as_of: None }
}

/// The dashboard of a demo partner mounted in a fresh element, in `locale`; keep the handle
/// alive while the element is read.
fn mount_dashboard(data: Dashboard, locale: Locale) -> (web_sys::Element, impl Drop) {
    let (root, handle, _) = mount_dashboard_with_state(data, locale);
    (root, handle)
}

/// [`mount_dashboard`], with the app's state, to change the language as the reader would.
fn mount_dashboard_with_state(data: Dashboard, locale: Locale) -> (web_sys::Element, impl Drop, AppState) {
    let state = std::rc::Rc::new(std::cell::Cell::new(None));
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    let el: web_sys::HtmlElement = root.clone().dyn_into().unwrap();
    let mounted = state.clone();
    let handle = leptos::mount::mount_to(el, move || {
        let state = AppState::load();
        state.locale.set(locale);
        provide_context(state);
        mounted.set(Some(state));
        view! { <DashboardView data=data.clone()/> }
    });
    (root, handle, state.get().expect("the dashboard was mounted"))
}

fn text(root: &web_sys::Element, selector: &str) -> String {
    let el = root.query_selector(selector).unwrap().unwrap_or_else(|| panic!("no element {selector}"));
    plain(el.text_content().unwrap_or_default()).trim().to_string()
}

fn items(root: &web_sys::Element, selector: &str) -> Vec<String> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i))
        .map(|n| plain(n.text_content().unwrap_or_default()).trim().to_string())
        .collect()
}

#[wasm_bindgen_test]
fn dashboard_shows_the_demo_figures() {
    let (root, _handle) = mount_dashboard(demo_dashboard("bangun-warna"), Locale::En);
    // 94.98 M × 0.15 % × Silver 1.1 = 156,717; next slab 100 M: 5.02 M more, 220,000 (+63,283).
    assert_eq!(text(&root, "[data-test=points-balance]"), "330,000");
    assert_eq!(text(&root, "[data-test=tier]"), "Silver");
    assert_eq!(text(&root, "[data-scheme=q-sales] [data-test=measure]"), "IDR 94,980,000");
    assert_eq!(text(&root, "[data-scheme=q-sales] [data-test=earned]"), "156,717 poin");
    assert_eq!(text(&root, "[data-scheme=q-sales] [data-test=next-needed]"), "IDR 5,020,000");
    assert_eq!(text(&root, "[data-scheme=q-sales] [data-test=next-gain]"), "+63,283 poin");
    assert_eq!(text(&root, "[data-scheme=spif-ultra] [data-test=earned]"), "20,000 poin");
    // The explanation says which slab, which multiplier and which sales.
    let steps: Vec<String> = items(&root, "[data-scheme=q-sales] [data-test=explanation] ol li");
    assert_eq!(
        steps,
        [
            "Measured 94,980,000 over 2 facts",
            "Slab 2 (from 50,000,000): 0.15 % = 142,470 poin",
            "Silver tier ×1.1: 156,717 poin",
        ]
    );
    let facts = items(&root, "[data-scheme=q-sales] [data-test=explanation] .facts li");
    assert_eq!(
        facts,
        [
            "12 Oct 2026 · BW-1012 · WS-ULTRA-20L × 50 · IDR 75,000,000",
            "2 Nov 2026 · BW-1102 · EM-5L × 111 · IDR 19,980,000"
        ]
    );
    // The same explanation in Bahasa Indonesia: words from the translations, figures per CLDR.
    {
        let (root_id, _handle_id) = mount_dashboard(demo_dashboard("bangun-warna"), Locale::Id);
        let steps = items(&root_id, "[data-scheme=q-sales] [data-test=explanation] ol li");
        assert_eq!(
            steps,
            [
                "Capaian 94.980.000 dari 2 data",
                "Slab 2 (mulai 50.000.000): 0,15 % = 142.470 poin",
                "Tingkat Perak ×1,1: 156.717 poin",
            ]
        );
        // Trailing twelve months: Q3 150 M + Q4 94.98 M = 244.98 M; Gold at 300 M is 55.02 M away.
        assert_eq!(text(&root_id, "[data-test=tier-gap]"), "Rp 55.020.000 lagi untuk mencapai Emas");
    }
}

#[wasm_bindgen_test]
fn typed_amounts_follow_the_locale() {
    assert_eq!(format::parse_amount(Locale::Id, "9.500.000"), Some(dec("9500000")));
    assert_eq!(format::parse_amount(Locale::Nl, "1.250,50"), Some(dec("1250.50")));
    assert_eq!(format::parse_amount(Locale::En, "9,500,000.5"), Some(dec("9500000.5")));
    assert_eq!(format::parse_amount(Locale::Ms, " 12 "), Some(dec("12")));
    assert_eq!(format::parse_amount(Locale::En, "twelve"), None);
}

#[wasm_bindgen_test]
fn a_count_of_one_is_worded_in_the_singular() {
    use mitra::components::badges::earns;
    let program: Program = serde_json::from_str(include_str!("../crates/server/demo/program.json")).unwrap();
    let scheme = program.schemes[0].id.clone();
    let name = program.schemes[0].name.clone();
    let badge = |rule: serde_json::Value| {
        serde_json::from_value(serde_json::json!({ "id": "b", "name": "B", "rule": rule })).unwrap()
    };
    let words = |locale, rule| earns(locale, &badge(rule), &program);
    let certifications = |count: u32| serde_json::json!({ "type": "certifications", "count": count });
    let streak = |periods: u32| serde_json::json!({ "type": "target_streak", "scheme": scheme, "periods": periods });
    let top = |n: u32| serde_json::json!({ "type": "top_n", "scheme": scheme, "n": n });
    assert_eq!(words(Locale::En, certifications(1)), "Complete a certification");
    assert_eq!(words(Locale::En, certifications(3)), "Complete 3 certifications");
    assert_eq!(words(Locale::Nl, certifications(1)), "Behaal een certificering");
    assert_eq!(words(Locale::Nl, certifications(2)), "Behaal 2 certificeringen");
    assert_eq!(words(Locale::En, streak(1)), format!("Reach your target in {name}"));
    assert_eq!(words(Locale::En, streak(2)), format!("Reach your target 2 periods in a row in {name}"));
    assert_eq!(words(Locale::En, top(1)), format!("Finish first in {name}"));
    assert_eq!(words(Locale::En, top(5)), format!("Finish in the top 5 of {name}"));
    assert_eq!(words(Locale::Id, certifications(1)), "Selesaikan satu sertifikasi");
    // An explanation's measure taken over one fact.
    use mitra::components::explanation::describe;
    use mitra_scheme::report::Step;
    let measured =
        |facts| describe(&Step::Measured { measure: dec("7"), facts }, Locale::En, &program.schemes[0], &program);
    assert_eq!(measured(1), "Measured 7 over 1 fact");
    assert_eq!(measured(2), "Measured 7 over 2 facts");
    let gemeten = describe(&Step::Measured { measure: dec("7"), facts: 1 }, Locale::Nl, &program.schemes[0], &program);
    assert_eq!(gemeten, "Resultaat 7 over 1 gegeven");
    // A rank scheme paying first place only, and one paying three places.
    use mitra::components::rules::rule_lines;
    let weathershield: Program =
        serde_json::from_str(include_str!("../crates/server/demo/program-weathershield.json")).unwrap();
    let mut race = weathershield.schemes.iter().find(|s| s.id == "ws-race").unwrap().clone();
    assert!(rule_lines(Locale::En, &race, &weathershield).contains(&"Pays the top 3 by rank".to_string()));
    if let mitra_scheme::model::Payout::Rank { amounts, .. } = &mut race.payout {
        amounts.truncate(1);
    }
    assert!(rule_lines(Locale::En, &race, &weathershield).contains(&"Pays the partner ranked first".to_string()));
    // A tier's trailing window of one month, and of twelve.
    use mitra::pages::tier::threshold_text;
    assert_eq!(threshold_text(Locale::En, "IDR 5".into(), 1), "IDR 5 of sales over 1 month");
    assert_eq!(threshold_text(Locale::Nl, "IDR 5".into(), 12), "IDR 5 omzet over 12 maanden");
}

#[wasm_bindgen_test]
fn a_time_stamp_gives_its_calendar_day() {
    assert_eq!(format::day_of("2026-11-15T23:59:59Z"), chrono::NaiveDate::from_ymd_opt(2026, 11, 15));
    assert_eq!(format::day_of("2024-02-29T00:00:00+07:00"), chrono::NaiveDate::from_ymd_opt(2024, 2, 29));
    assert_eq!(format::day_of("2026-02-30T00:00:00Z"), None);
    assert_eq!(format::day_of("2026-11"), None);
    assert_eq!(format::day_of(""), None);
}

/// Type into an input as a person would: set its value and send the `input` event.
fn type_into(root: &web_sys::Element, selector: &str, value: &str) {
    let input: web_sys::HtmlInputElement = root.query_selector(selector).unwrap().unwrap().dyn_into().unwrap();
    input.set_value(value);
    input
        .dispatch_event(
            &web_sys::Event::new_with_event_init_dict("input", &{
                let init = web_sys::EventInit::new();
                init.set_bubbles(true);
                init
            })
            .unwrap(),
        )
        .unwrap();
}

#[wasm_bindgen_test]
async fn the_what_if_panel_shows_what_project_computes() {
    let data = demo_dashboard("sinar-jaya");
    let (root, _handle) = mount_dashboard(data.clone(), Locale::Id);
    // Typed the Indonesian way: 9.500.000 is Rp 9,500,000.
    type_into(&root, "[data-test=what-if-value]", "9.500.000");
    leptos::task::tick().await;
    // By hand: Q4 40.5 M + 9.5 M = 50 M reaches slab 2, 0.15 % = 75,000 instead of 40,500
    // (+34,500 poin); the MDF accrues 2 % of 9.5 M = +Rp 190,000; the SPIF counts another SKU.
    let diff = |scheme: &str| text(&root, &format!("tr[data-scheme={scheme}] [data-test=what-if-diff]"));
    assert_eq!(diff("q-sales"), "+34.500 poin");
    assert_eq!(diff("mdf"), "+Rp 190.000");
    assert_eq!(diff("spif-ultra"), "+0 poin");
    assert_eq!(text(&root, "[data-test=what-if-total-points]"), "+34.500 poin");
    // The same as crates/scheme's own projection of that sale.
    let now = mitra_scheme::statement(&data.program, &data.partner, &data.facts, data.today, Some(&data.context));
    let sale: Fact = serde_json::from_value(serde_json::json!({
        "kind": "sale", "partner": "sinar-jaya", "date": "2026-11-15", "sku": "WS-20L", "category": "exterior",
        "units": "1", "value": "9500000" }))
    .unwrap();
    let w = mitra_scheme::project(
        &now,
        &data.program,
        &data.partner,
        &data.facts,
        &[sale],
        data.today,
        Some(&data.context),
    );
    assert_eq!(w.difference["q-sales"], dec("34500"));
    assert_eq!(w.total_difference.points, dec("34500"));
    // Cleared, nothing is projected.
    let clear: web_sys::HtmlElement =
        root.query_selector("[data-test=what-if-clear]").unwrap().unwrap().dyn_into().unwrap();
    clear.click();
    leptos::task::tick().await;
    assert!(root.query_selector("[data-test=what-if-total-points]").unwrap().is_none());
}

#[wasm_bindgen_test]
async fn each_what_if_row_follows_its_own_difference_and_the_language() {
    let (root, _handle, state) = mount_dashboard_with_state(demo_dashboard("sinar-jaya"), Locale::Id);
    let diff = |scheme: &str| text(&root, &format!("tr[data-scheme={scheme}] [data-test=what-if-diff]"));
    type_into(&root, "[data-test=what-if-value]", "9500000");
    leptos::task::tick().await;
    assert_eq!(diff("q-sales"), "+34.500 poin");
    assert_eq!(diff("mdf"), "+Rp 190.000");
    assert_eq!(diff("spif-ultra"), "+0 poin");
    // By hand: Q4 40.5 M + 9.6 M = 50.1 M, still slab 2: 0.15 % = 75,150 (+34,650 poin); the
    // MDF 2 % of 9.6 M = +Rp 192,000; the SPIF row, unchanged, reads as before.
    type_into(&root, "[data-test=what-if-value]", "9600000");
    leptos::task::tick().await;
    assert_eq!(diff("q-sales"), "+34.650 poin");
    assert_eq!(diff("mdf"), "+Rp 192.000");
    assert_eq!(diff("spif-ultra"), "+0 poin");
    // Back to an earlier amount (digits alone, which read the same in every language), then in
    // English: every row is written again in the new language, the unchanged ones too.
    type_into(&root, "[data-test=what-if-value]", "9500000");
    leptos::task::tick().await;
    assert_eq!(diff("q-sales"), "+34.500 poin");
    state.locale.set(Locale::En);
    leptos::task::tick().await;
    assert_eq!(diff("q-sales"), "+34,500 poin");
    assert_eq!(diff("mdf"), "+IDR 190,000");
    assert_eq!(diff("spif-ultra"), "+0 poin");
    assert_eq!(text(&root, "[data-test=what-if-total-points]"), "+34,500 poin");
}

#[wasm_bindgen_test]
fn claim_entries_are_read_as_a_person_types_them() {
    use mitra::pages::claims::{parse_date, parse_money, parse_units, serial_twice, split_serials, Problem};
    // Serial numbers pasted from a spreadsheet column, or typed with commas.
    assert_eq!(split_serials("SN-1\r\nSN-2\n\n, SN-3;SN-4\t"), ["SN-1", "SN-2", "SN-3", "SN-4"]);
    assert_eq!(serial_twice(&[vec!["a".into()], vec!["B".into(), "A".into()]]), Some((1, "A".to_string())));
    assert_eq!(serial_twice(&[vec!["a".into()], vec!["b".into()]]), None);
    assert_eq!(parse_units("8"), Ok(dec("8")));
    assert_eq!(parse_units(""), Err(Problem::Missing));
    for bad in ["0", "2.5", "-1", "x"] {
        assert_eq!(parse_units(bad), Err(Problem::WholeUnits), "{bad}");
    }
    // Money in the reader's format, at most the program's decimals, above zero.
    assert_eq!(parse_money(Locale::Id, "10.000.000", 0), Ok(dec("10000000")));
    assert_eq!(parse_money(Locale::En, "1,250.50", 2), Ok(dec("1250.50")));
    assert_eq!(parse_money(Locale::Nl, "1.250,50", 2), Ok(dec("1250.50")));
    assert_eq!(parse_money(Locale::En, "1,250.50", 0), Err(Problem::Amount));
    assert_eq!(parse_money(Locale::En, "0", 0), Err(Problem::Amount));
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 15).unwrap();
    assert_eq!(parse_date("2026-11-15", today), Ok(today));
    assert_eq!(parse_date("2026-11-16", today), Err(Problem::Future));
    assert_eq!(parse_date("", today), Err(Problem::Missing));
}

#[wasm_bindgen_test]
fn an_approved_claim_adds_what_its_facts_add_to_each_scheme() {
    // Sinar Jaya's Q4 is 40.5 M (0.1 %: 40,500 poin); a claimed invoice of 10 M, approved, lifts it to
    // 50.5 M, the 0.15 % slab: 75,750 poin, so +35,250; the MDF accrues 2 % of it: +200,000.
    let mut data = demo_dashboard("sinar-jaya");
    let approved: Fact = serde_json::from_value(serde_json::json!({
        "kind": "sale", "partner": "sinar-jaya", "date": "2026-11-14", "invoice": "SJ-2001",
        "sku": "WS-20L", "category": "exterior", "units": "8", "value": "10000000"
    }))
    .unwrap();
    data.facts.push(approved);
    let added = mitra::pages::claims::added_by_claim(&data, "SJ-2001");
    let added: Vec<(String, Decimal)> = added.into_iter().map(|(s, _, x)| (s, x)).collect();
    assert_eq!(added, vec![("q-sales".to_string(), dec("35250")), ("mdf".to_string(), dec("200000"))]);
    assert!(mitra::pages::claims::added_by_claim(&data, "NO-SUCH").is_empty());
}
