#!/usr/bin/env bash
# Dispatch styles, natively and inside node (wasm32): bench/dispatch/run.sh [N_NATIVE [N_NODE]]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
export PATH="$HOME/.cargo/bin:$PATH"
cargo build --quiet --release
cargo build --quiet --release --lib --target wasm32-unknown-unknown
./target/release/dispatch "${1:-50000000}"
echo
node run.mjs "${2:-20000000}"
