#!/usr/bin/env bash
# Runs Mitra: installs what is missing, builds the app, creates and seeds the demo database if
# absent, and serves everything on http://127.0.0.1:8080.
#   MITRA_TODAY   the date figures are computed as of (default 2026-11-15, the demo's "today")
#   MITRA_DB      the database file (default .mitra/demo.db in the clone)
#   MITRA_ADDR    where to listen (default 127.0.0.1:8080)
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$MITRA_ROOT"
"$MITRA_ROOT/scripts/setup.sh"

say "Building the app"
"$MITRA_ROOT/scripts/build.sh"
say "Building the server"
cargo build --release -p mitra-server

export MITRA_TODAY="${MITRA_TODAY:-2026-11-15}"
export MITRA_DB="${MITRA_DB:-$MITRA_ROOT/.mitra/demo.db}"
export MITRA_ADDR="${MITRA_ADDR:-127.0.0.1:8080}"
exec "$CARGO_TARGET_DIR/release/mitra-server" --dist "$MITRA_ROOT/dist" --demo
