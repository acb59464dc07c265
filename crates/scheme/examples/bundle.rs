//! Prints the dashboard bundle the app computes from (program, partner, facts, context, ledger),
//! for one generated partner with 10,000 facts over a year and the 12-scheme generated program:
//! the browser benchmark (`tests/bench/portal.mjs`) serves it to the app in place of the demo's.
//! `cargo run --release -p mitra-scheme --features synthetic --example bundle > bundle.json`

use mitra_scheme::{population, synthetic, FactTable};

fn main() {
    let program = synthetic::program();
    let today = synthetic::as_of();
    let one = synthetic::partners(1);
    let facts = synthetic::facts(&one, 10_000, 7);
    let context = population(&program, &one, &FactTable::from(&facts[..]), today).context_for(&program, &one[0]);
    let bundle = serde_json::json!({
        "today": today,
        "program": program,
        "partner": one[0],
        "facts": facts,
        "context": context,
        "ledger": { "points": "0", "cash": "0", "postings": [] },
    });
    println!("{bundle}");
}
