#!/usr/bin/env bash
# Runs the benchmarks: criterion natively, the same evaluation in headless Chromium (wasm), and
# the population's peak memory. Figures go in the README's "Figures" table.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$MITRA_ROOT"
"$MITRA_ROOT/scripts/setup.sh" --browser

say "Native (criterion)"
cargo bench -p mitra-scheme --features synthetic

say "Peak memory of a population run (10,000 partners x 120 facts)"
cargo build --release -p mitra-scheme --features synthetic --example profile
/usr/bin/time -f "peak RSS: %M KB" "$CARGO_TARGET_DIR/release/examples/profile" population

say "wasm in headless Chromium"
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
export CHROMEDRIVER=/usr/bin/chromedriver
export WASM_BINDGEN_TEST_TIMEOUT=600
cargo test --release --target wasm32-unknown-unknown -p mitra-scheme --features synthetic --test wasm_bench -- --nocapture

say "API load (10,000 partners; statement at 200 req/s; redemptions)"
cargo run --release -p mitra-server --example load

say "Mixed load (10,000 partners; reads at the knee, 32 redemption clients, approvals, imports, a close; 60 s)"
cargo build --release -p mitra-server --bin mitra-server --example mixed
"$CARGO_TARGET_DIR/release/examples/mixed"
say "Mixed load with reads at 250/s (where the bars are measured)"
MIXED_READ_RATE=250 "$CARGO_TARGET_DIR/release/examples/mixed"

say "What an attacker measures (sign-in timing; memory under made-up password tokens)"
cargo run --release -p mitra-server --example probe

say "The portal in headless Chromium, CPU 4x slower (what-if on 10,000 facts; first load on Slow 4G)"
"$MITRA_ROOT/scripts/build.sh"
cargo build -p mitra-server
cargo run --release -q -p mitra-scheme --features synthetic --example bundle > "$CARGO_TARGET_DIR/bundle.json"
ln -sfn "$MITRA_TOOLS/node_modules" "$MITRA_ROOT/tests/e2e/node_modules"
MITRA_SERVER_BIN="$CARGO_TARGET_DIR/debug/mitra-server" MITRA_DIST="$MITRA_ROOT/dist" \
  MITRA_BUNDLE="$CARGO_TARGET_DIR/bundle.json" node "$MITRA_ROOT/tests/bench/portal.mjs"

say "Catalog search in headless Chromium, CPU 4x slower (5,000 rewards)"
MITRA_SERVER_BIN="$CARGO_TARGET_DIR/debug/mitra-server" MITRA_DIST="$MITRA_ROOT/dist" node "$MITRA_ROOT/tests/bench/catalog.mjs"

say "The designer's preview in headless Chromium (12 schemes, 10,000 partners x 120 facts)"
cargo build --release -p mitra-server --example designer
MITRA_DIST="$MITRA_ROOT/dist" MITRA_DESIGNER_EXAMPLE="$CARGO_TARGET_DIR/release/examples/designer" node "$MITRA_ROOT/tests/bench/designer.mjs"
