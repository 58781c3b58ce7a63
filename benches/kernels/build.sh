#!/usr/bin/env bash
# Rebuilds the benchmark kernels: every *.rs with rustc (wasm32-unknown-unknown, release),
# every *.wat with the wat crate (wat2wasm/, its own workspace). The .wasm files are
# committed; run this after changing a source (needs `rustup target add
# wasm32-unknown-unknown`).
#
# The SIMD kernels (names ending in `_simd`):
# - auto-vectorised: the scalar sources listed in AUTO_SIMD, built again with
#   `-C target-feature=+simd128` into <name>_simd.wasm (LLVM's loop vectoriser; same source,
#   so the same checksum at the same n);
# - explicit: *_simd.rs, written with core::arch::wasm32 intrinsics, built with `+simd128`.
#   Each also has a scalar definition (`#[cfg(not(target_feature = "simd128"))]`).
# With node on PATH, every SIMD kernel is then run next to its scalar build (the committed
# <name>.wasm, or the explicit source built without `+simd128` into a temporary file) in
# V8 at kernels.txt's node_n: the checksums must be equal, and equal to kernels.txt's.
#
#   benches/kernels/build.sh            # all kernels
#   benches/kernels/build.sh sieve      # just the named ones (sieve_simd for its SIMD build)
set -euo pipefail
cd "$(dirname "$0")"

AUTO_SIMD=(sieve matmul nbody coremark)

selected() { [[ $# -eq 1 ]] || [[ " ${*:2} " == *" $1 "* ]]; }

rustc_wasm() {
    rustc --edition 2024 --target wasm32-unknown-unknown -C opt-level=3 -C panic=abort \
        -C strip=debuginfo --crate-type cdylib "$@"
}

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
checks=() # "simd.wasm scalar.wasm name" triples for the V8 check

for src in *.rs; do
    [[ "$src" == common.rs ]] && continue
    name="${src%.rs}"
    if [[ "$name" == *_simd ]]; then
        selected "$name" "$@" || continue
        echo "rustc +simd128 $src -> $name.wasm"
        rustc_wasm -C target-feature=+simd128 -o "$name.wasm" "$src"
        rustc_wasm -o "$tmp/$name.scalar.wasm" "$src"
        checks+=("$name.wasm $tmp/$name.scalar.wasm $name")
        continue
    fi
    if selected "$name" "$@"; then
        echo "rustc $src -> $name.wasm"
        rustc_wasm -o "$name.wasm" "$src"
    fi
    if [[ " ${AUTO_SIMD[*]} " == *" $name "* ]] && selected "${name}_simd" "$@"; then
        echo "rustc +simd128 $src -> ${name}_simd.wasm"
        rustc_wasm -C target-feature=+simd128 -o "${name}_simd.wasm" "$src"
        checks+=("${name}_simd.wasm $name.wasm ${name}_simd")
    fi
done

for src in *.wat; do
    name="${src%.wat}"
    selected "$name" "$@" || continue
    echo "wat2wasm $src -> $name.wasm"
    cargo run --quiet --release --manifest-path wat2wasm/Cargo.toml -- "$src" "$name.wasm"
done

if ((${#checks[@]})) && command -v node >/dev/null; then
    for c in "${checks[@]}"; do
        read -r simd scalar name <<<"$c"
        read -r _ _ _ n want < <(grep -E "^$name[[:space:]]" kernels.txt || echo "$name - - - -")
        [[ "$n" == - ]] && { echo "  $name: not in kernels.txt, not checked"; continue; }
        node --input-type=module - "$simd" "$scalar" "$n" "$want" <<'JS'
import fs from 'node:fs';
const [simd, scalar, n, want] = process.argv.slice(2);
const run = (f) => BigInt.asUintN(64, new WebAssembly.Instance(new WebAssembly.Module(fs.readFileSync(f)), {}).exports.run(Number(n)));
const a = run(simd), b = run(scalar);
const ok = a === b && (want === '-' || a === BigInt(want));
console.log(`  V8, n=${n}: SIMD build ${a}, scalar build ${b}, kernels.txt ${want}: ${ok ? 'equal' : 'DIFFERENT'}`);
process.exit(ok ? 0 : 1);
JS
    done
fi
