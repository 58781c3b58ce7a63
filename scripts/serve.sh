#!/usr/bin/env bash
# `npm start`: installs what is missing, builds the playground and serves it.
#
#   npm start                  # http://127.0.0.1:8080/
#   PORT=9000 npm start        # another port (PORT=0: any free port)
#   NO_BUILD=1 npm start       # serve www/ as it is: no install, no build
#   FORCE_BUILD=1 npm start    # rebuild www/pkg even when it is newer than src/
#
# Steps: scripts/setup.sh start (rustup target, wasm-pack, wasm-bindgen-cli = Cargo.lock's
# version, npm ci for binaryen's wasm-opt and fflate), www/vendor/fflate.js copied from
# node_modules (the Files panel's zip), then
# `wasm-pack build --release --target web --out-dir www/pkg` (skipped when www/pkg is newer
# than src/, Cargo.toml, Cargo.lock and package-lock.json), then scripts/serve.mjs serves
# www/ on 127.0.0.1:$PORT until Ctrl-C.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# shellcheck source=scripts/setup.sh
source scripts/setup.sh # defines setup_*, puts ~/.cargo/bin and node_modules/.bin on PATH

export PORT="${PORT:-8080}"

if [[ "${NO_BUILD:-}" != 1 ]]; then
    setup_start
    setup_build_pkg
fi

if [[ ! -f www/index.html ]]; then
    echo "note: www/index.html does not exist yet: the server will answer 404 at /" >&2
fi

printf '\n==> serving www/ (Ctrl-C to stop)\n'
SERVE_EXIT_WITH_PARENT=1 exec node scripts/serve.mjs www
