#!/usr/bin/env bash
# Rebuilds the benchmark kernels: every *.rs with rustc (wasm32-unknown-unknown, release),
# every *.wat with the wat crate (wat2wasm/, its own workspace). The .wasm files are
# committed; run this after changing a source (needs `rustup target add
# wasm32-unknown-unknown`).
#
#   benches/kernels/build.sh            # all kernels
#   benches/kernels/build.sh sieve      # just the named ones
set -euo pipefail
cd "$(dirname "$0")"

selected() { [[ $# -eq 1 ]] || [[ " ${*:2} " == *" $1 "* ]]; }

for src in *.rs; do
    [[ "$src" == common.rs ]] && continue
    name="${src%.rs}"
    selected "$name" "$@" || continue
    echo "rustc $src -> $name.wasm"
    rustc --edition 2024 --target wasm32-unknown-unknown -C opt-level=3 -C panic=abort \
        -C strip=debuginfo --crate-type cdylib -o "$name.wasm" "$src"
done

for src in *.wat; do
    name="${src%.wat}"
    selected "$name" "$@" || continue
    echo "wat2wasm $src -> $name.wasm"
    cargo run --quiet --release --manifest-path wat2wasm/Cargo.toml -- "$src" "$name.wasm"
done
