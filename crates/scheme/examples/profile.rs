//! Runs one evaluation on generated data, for profilers and peak-memory measurement:
//! `cargo run --release -p mitra-scheme --features synthetic --example profile -- population`
//! (or `statement`).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use mitra_scheme::{population, statement, synthetic, FactTable};

/// Counts live heap bytes and their high-water mark, to tell the facts' memory from the
/// evaluation's.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const MB: f64 = 1024.0 * 1024.0;

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
            let count: usize = std::env::var("PARTNERS").ok().and_then(|n| n.parse().ok()).unwrap_or(10_000);
            let partners = synthetic::partners(count);
            let facts: FactTable = synthetic::fact_stream(&partners, 120, 11).collect();
            let runs: usize = std::env::args().nth(2).and_then(|n| n.parse().ok()).unwrap_or(1);
            let before = LIVE.load(Ordering::Relaxed);
            println!("facts and partners in memory: {:.0} MB", before as f64 / MB);
            for _ in 0..runs {
                PEAK.store(before, Ordering::Relaxed);
                let t = std::time::Instant::now();
                let run = population(&program, &partners, &facts, as_of);
                let elapsed = t.elapsed();
                let peak = PEAK.load(Ordering::Relaxed);
                println!(
                    "population of {} partners: {elapsed:?}; heap peak {:.0} MB, of which the evaluation {:.0} MB",
                    run.partners.len(),
                    peak as f64 / MB,
                    (peak - before) as f64 / MB
                );
            }
        }
    }
}
