//! The evaluation benchmark in headless Chromium, on the same generated data as the criterion
//! benchmark (benches/evaluate.rs). Run by `scripts/bench.sh`:
//! `cargo test --release --target wasm32-unknown-unknown -p mitra-scheme --features synthetic --test wasm_bench`.

#![cfg(all(target_arch = "wasm32", feature = "synthetic"))]

use mitra_scheme::{population, project, statement, synthetic, FactTable};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn now() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

/// The median time of `runs` runs of `f`, in milliseconds.
fn median_ms(runs: usize, mut f: impl FnMut()) -> f64 {
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let t = now();
            f();
            now() - t
        })
        .collect();
    times.sort_by(|a, b| a.total_cmp(b));
    times[runs / 2]
}

#[wasm_bindgen_test]
fn evaluation_speed_in_the_browser() {
    let program = synthetic::program();
    let as_of = synthetic::as_of();

    let one = synthetic::partners(1);
    let facts = synthetic::facts(&one, 10_000, 7);
    let context = population(&program, &one, &FactTable::from(&facts[..]), as_of).context_for(&program, &one[0]);
    let extra = [synthetic::what_if_sale(&one[0])];
    // Warm up first: the browser compiles wasm with a baseline compiler and swaps in optimised
    // code while it runs, and the first runs also grow the wasm memory.
    // Optimised code arrives in the background, so warm up for a fixed time, not a count.
    let start = now();
    while now() - start < 2_000.0 {
        statement(&program, &one[0], &facts, as_of, Some(&context));
    }
    let st = median_ms(51, || {
        statement(&program, &one[0], &facts, as_of, Some(&context));
    });
    // The part of a statement spent indexing the partner's facts.
    let index = median_ms(51, || {
        FactTable::for_partner(&one[0].id, &facts);
    });
    let current = statement(&program, &one[0], &facts, as_of, Some(&context));
    let wi = median_ms(51, || {
        project(&current, &program, &one[0], &facts, &extra, as_of, Some(&context));
    });

    let partners = synthetic::partners(10_000);
    let all: FactTable = synthetic::fact_stream(&partners, 120, 11).collect();
    let pop = median_ms(3, || {
        population(&program, &partners, &all, as_of);
    });
    console_log!("wasm statement (1 partner, 10,000 facts, 12 schemes): {st:.3} ms");
    console_log!("wasm   of which indexing the facts: {index:.3} ms");
    console_log!("wasm what_if one more fact: {wi:.3} ms");
    console_log!("wasm population (10,000 partners x 120 facts, 12 schemes): {pop:.1} ms");
}
