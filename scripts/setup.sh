#!/usr/bin/env bash
# Installs what building Mitra needs, skipping whatever is already present at the right version:
# the wasm32 target and the standard library's source, trunk, the wasm-bindgen-cli matching
# Cargo.lock, wasm-split-cli, wasm-opt (binaryen from npm: Debian's is too old and breaks
# wasm-bindgen output) and zopfli (npm, for the .gz copies). With --browser, also Chromium,
# chromedriver and playwright-core for the browser tests.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$MITRA_ROOT"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "Adding the wasm32 target"
  rustup target add wasm32-unknown-unknown
fi
# The standard library's source: the portal's wasm is built with its own standard library
# (scripts/build-portal.mjs).
if ! rustup component list --installed | grep -qx rust-src; then
  say "Adding the standard library's source"
  rustup component add rust-src
fi

if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
  say "Installing trunk $TRUNK_VERSION (takes several minutes once)"
  cargo install trunk --version "$TRUNK_VERSION" --locked --force
fi

bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $bindgen_version" ]; then
  say "Installing wasm-bindgen-cli $bindgen_version (matches Cargo.lock)"
  # Not --locked: the registry lacks one of its locked dependency versions.
  cargo install wasm-bindgen-cli --version "$bindgen_version" --force
fi
for toml in crates/designer/Trunk.toml; do
  if ! grep -q "wasm_bindgen = \"$bindgen_version\"" "$toml"; then
    echo "$toml's [tools] wasm_bindgen must be $bindgen_version, as in Cargo.lock" >&2
    exit 1
  fi
done

# Splits the portal's wasm into one piece per page (scripts/build-portal.mjs).
if ! cargo install --list | grep -qx "wasm_split_cli_support v$WASM_SPLIT_VERSION:"; then
  say "Installing wasm-split-cli $WASM_SPLIT_VERSION"
  cargo install wasm_split_cli_support --version "$WASM_SPLIT_VERSION" --features build-binary --locked --force
fi

npm_has() { # package version
  [ "$(node -p "require('$MITRA_TOOLS/node_modules/$1/package.json').version" 2>/dev/null)" = "$2" ]
}
wanted=("binaryen@$BINARYEN_VERSION" "@gfx/zopfli@$ZOPFLI_VERSION")
[ "${1:-}" = "--browser" ] && wanted+=("playwright-core@$PLAYWRIGHT_VERSION" "@axe-core/playwright@$AXE_PLAYWRIGHT_VERSION")
missing=()
for w in "${wanted[@]}"; do npm_has "${w%@*}" "${w##*@}" || missing+=("$w"); done
if [ ${#missing[@]} -gt 0 ]; then
  say "Installing ${missing[*]} from npm"
  mkdir -p "$MITRA_TOOLS"
  [ -f "$MITRA_TOOLS/package.json" ] || echo '{"private": true}' > "$MITRA_TOOLS/package.json"
  (cd "$MITRA_TOOLS" && npm install --no-audit --no-fund --silent "${missing[@]}")
fi

if [ "${1:-}" = "--browser" ] && { [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; }; then
  say "Installing Chromium and chromedriver from Debian"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
fi
