//! Runs one evaluation on generated data, for profilers and peak-memory measurement:
//! `cargo run --release -p mitra-scheme --features synthetic --example profile -- population`
//! (or `statement`).

use mitra_scheme::{population, statement, synthetic};

fn main() {
    let what = std::env::args().nth(1).unwrap_or_else(|| "population".into());
    let program = synthetic::program();
    let as_of = synthetic::as_of();
    match what.as_str() {
        "statement" => {
            let partners = synthetic::partners(1);
            let facts = synthetic::facts(&partners, 10_000, 7);
            let mut total = 0usize;
            for _ in 0..500 {
                total += statement(&program, &partners[0], &facts, as_of, None).schemes.len();
            }
            println!("{total}");
        }
        _ => {
            let partners = synthetic::partners(10_000);
            let facts = synthetic::facts(&partners, 120, 11);
            let runs: usize = std::env::args().nth(2).and_then(|n| n.parse().ok()).unwrap_or(1);
            for _ in 0..runs {
                let t = std::time::Instant::now();
                let run = population(&program, &partners, &facts, as_of);
                println!("population of {} partners: {:?}", run.partners.len(), t.elapsed());
            }
        }
    }
}
