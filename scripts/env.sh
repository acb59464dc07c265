# Shared settings of the project's scripts (sourced, not run).
# Tools and the cargo target directory live outside the clone so a warm machine reuses them.
MITRA_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MITRA_CACHE="${MITRA_CACHE:-$HOME/.cache/mitra}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$MITRA_CACHE/target}"
MITRA_TOOLS="$MITRA_CACHE/tools"
export PATH="$MITRA_TOOLS/node_modules/.bin:$HOME/.cargo/bin:$PATH"
TRUNK_VERSION="0.21.14"
BINARYEN_VERSION="132.0.0"
ZOPFLI_VERSION="1.0.15"
WASM_SPLIT_VERSION="0.2.4"
PLAYWRIGHT_VERSION="1.65.1"
AXE_PLAYWRIGHT_VERSION="4.14.0"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
