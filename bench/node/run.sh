#!/usr/bin/env bash
# The node comparison: builds wasmscope (wasm-pack, --target nodejs) and wasmi 2.0.0
# (wasmi-wasm/) for wasm32, then runs bench.mjs.
#
#   bench/node/run.sh                  # build, then best of 3 for every kernel
#   bench/node/run.sh --quick          # one repetition (V8 still gets 3)
#   bench/node/run.sh sieve interp     # kernels whose name contains a filter
#   NO_BUILD=1 bench/node/run.sh       # reuse what was built last time
#
# Load times of large modules: `node bench/node/load.mjs FILE.wasm...` (the page's build in
# www/pkg, and the wasmi-wasm built here).
#
# Needs: the wasm32-unknown-unknown target, wasm-pack and wasm-bindgen-cli (Cargo.lock's
# version) in ~/.cargo/bin, node 20+, and npm's binaryen (wasm-opt) — see scripts/setup.sh.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# ~/.cargo/bin and node_modules/.bin (npm's wasm-opt, which wasm-pack runs) on PATH.
PATH="$HOME/.cargo/bin:$root/node_modules/.bin:$PATH"

if [[ "${NO_BUILD:-}" != 1 ]]; then
    echo "==> wasm-pack build --release --target nodejs --out-dir bench/node/pkg-wasmscope"
    (cd "$root" && wasm-pack --quiet build --release --target nodejs --out-dir bench/node/pkg-wasmscope)
    echo "==> wasmi-wasm (wasm32, release)"
    (cd "$here/wasmi-wasm" && cargo build --quiet --release --target wasm32-unknown-unknown)
fi

exec node "$here/bench.mjs" "$@"
