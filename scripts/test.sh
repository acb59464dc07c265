#!/usr/bin/env bash
# Runs every test: native cargo tests, wasm tests in headless Chromium, the end-to-end suite
# driving headless Chromium against a running server, and schemathesis fuzzing the API.
# Installs what is missing first.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$MITRA_ROOT"
"$MITRA_ROOT/scripts/setup.sh" --browser
# In CI every run is a fresh clone, whose crates' incremental caches are never reused (they are
# kept by path): writing them only costs time and disk.
if [ -n "${CI:-}" ]; then export CARGO_INCREMENTAL=0; fi

say "Native tests"
cargo test --workspace --exclude mitra --exclude mitra-designer

say "wasm tests in headless Chromium"
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
export CHROMEDRIVER=/usr/bin/chromedriver
cargo test --target wasm32-unknown-unknown -p mitra-scheme -p mitra -p mitra-designer

say "End-to-end tests"
"$MITRA_ROOT/scripts/build.sh"
cargo build -p mitra-server -p mitra-cli
ln -sfn "$MITRA_TOOLS/node_modules" tests/e2e/node_modules
# Two files at a time (each with its own server and browser): most of a test is waiting.
MITRA_SERVER_BIN="$CARGO_TARGET_DIR/debug/mitra-server" MITRA_DIST="$MITRA_ROOT/dist" node --test --test-concurrency=2 tests/e2e/

say "API fuzzing from the OpenAPI document (schemathesis)"
FUZZ_SECONDS="${FUZZ_SECONDS:-90}" tests/fuzz/schemathesis.sh "$CARGO_TARGET_DIR/debug/mitra-server"
