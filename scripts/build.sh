#!/usr/bin/env bash
# Builds the apps into dist/: the partner portal, then the program designer into dist/designer
# (after the portal, whose build empties dist). Every asset gets .br and .gz copies.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$MITRA_ROOT"
trunk build --release
(cd crates/designer && trunk build --release)
