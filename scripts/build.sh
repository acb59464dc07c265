#!/usr/bin/env bash
# Builds the apps into dist/: the partner portal (scripts/build-portal.mjs, its wasm split by
# page), then the program designer into dist/designer with trunk (after the portal, whose build
# empties dist). Every asset gets .br and .gz copies.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$MITRA_ROOT"
node scripts/build-portal.mjs dist
(cd crates/designer && trunk build --release)
