//! Evaluation speed on generated data (program prepared, facts in memory; parsing measured
//! apart). Run: `cargo bench -p mitra-scheme --features synthetic`.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use mitra_scheme::model::Fact;
use mitra_scheme::{population, project, project_figures, statement, synthetic, update, FactTable, ProjectionBase};

fn one_partner(c: &mut Criterion) {
    let program = synthetic::program();
    let partners = synthetic::partners(1);
    let facts = synthetic::facts(&partners, 10_000, 7);
    let as_of = synthetic::as_of();
    let context =
        population(&program, &partners, &FactTable::from(&facts[..]), as_of).context_for(&program, &partners[0]);
    let extra = [synthetic::what_if_sale(&partners[0])];
    let mut g = c.benchmark_group("one partner, 10,000 facts, 12 schemes");
    g.bench_function("statement", |b| b.iter(|| statement(&program, &partners[0], &facts, as_of, Some(&context))));
    // The browser holds the current statement and projects on every keystroke.
    let now = statement(&program, &partners[0], &facts, as_of, Some(&context));
    g.bench_function("what_if one more fact", |b| {
        b.iter(|| project(&now, &program, &partners[0], &facts, &extra, as_of, Some(&context)))
    });
    // What the portal's what-if panel runs on every keystroke: figures only, on the facts
    // indexed once, with the sale dated today (the periods already ended are kept).
    let base = ProjectionBase::new(&partners[0].id, &facts, as_of);
    g.bench_function("what_if figures (the panel's)", |b| {
        b.iter(|| project_figures(&now, &program, &partners[0], &base, &extra, Some(&context)))
    });
    let json = serde_json::to_string(&facts).unwrap();
    g.bench_function("parse facts (JSON)", |b| b.iter(|| serde_json::from_str::<Vec<Fact>>(&json).unwrap()));
    g.finish();
}

fn whole_population(c: &mut Criterion) {
    let program = synthetic::program();
    let partners = synthetic::partners(10_000);
    // Streamed into the table as a server reads them from its database.
    let facts: FactTable = synthetic::fact_stream(&partners, 120, 11).collect();
    let as_of = synthetic::as_of();
    let mut g = c.benchmark_group("population, 10,000 partners x 120 facts, 12 schemes");
    g.sample_size(10);
    g.bench_function("population", |b| {
        b.iter_batched(|| (), |_| population(&program, &partners, &facts, as_of), BatchSize::PerIteration)
    });
    // The designer's preview after an edit to one scheme: that scheme alone evaluated again.
    let run = population(&program, &partners, &facts, as_of);
    let mut edited = program.clone();
    edited.schemes[1].cap = Some(rust_decimal::Decimal::from(1_000_000));
    g.bench_function("update after one scheme's edit", |b| {
        b.iter_batched(
            || run.clone(),
            |run| update(&program, run, &edited, &partners, &facts, as_of),
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

criterion_group!(benches, one_partner, whole_population);
criterion_main!(benches);
