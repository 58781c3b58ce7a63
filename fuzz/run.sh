#!/usr/bin/env bash
# Fuzzes wasmscope: builds the cargo-fuzz targets, then runs each for SECONDS, one after
# the other (one libFuzzer process at a time, in-process: no -jobs/-workers fan-out).
#
#   fuzz/run.sh SECONDS [TARGET...]     # default targets: decode execute differential step wasi
#   fuzz/run.sh 15                      # the CI smoke pass
#
# Installs what is missing: the nightly toolchain (rustup, minimal profile) and cargo-fuzz.
# Builds in release with debug assertions (wasmscope's `debug_assert!`s guard its unchecked
# stack accesses) and without a sanitizer. The corpora grow in fuzz/corpus/TARGET (not
# committed); `decode` is also seeded from tests/data and tests/data/hostile. A crash stops
# the run with libFuzzer's report and exit status; its input is in fuzz/artifacts/TARGET/.
# Replay one with `cargo +nightly fuzz run -O -a -s none TARGET FILE`; set
# WASMSCOPE_FUZZ_DUMP=DIR to get the generated module as WAT and the calls made.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
SECONDS_EACH="${1:?usage: fuzz/run.sh SECONDS [TARGET...]}"
shift
TARGETS=("$@")
if [ ${#TARGETS[@]} -eq 0 ]; then
    TARGETS=(decode execute differential step wasi)
fi

export PATH="$HOME/.cargo/bin:$PATH"
if ! rustup toolchain list | grep -q '^nightly'; then
    echo "==> installing the nightly toolchain"
    rustup toolchain install nightly --profile minimal
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "==> installing cargo-fuzz"
    cargo install cargo-fuzz --locked
fi

FLAGS=(--release --debug-assertions --sanitizer none)
echo "==> building the fuzz targets"
cargo +nightly fuzz build "${FLAGS[@]}"

for t in "${TARGETS[@]}"; do
    mkdir -p "corpus/$t"
    seeds=()
    # wasm-smith turns any bytes into a module; longer inputs give larger modules, so
    # the structured targets get the full length from the start.
    len_control=100
    if [ "$t" != decode ]; then len_control=0; fi
    if [ "$t" = decode ]; then
        for d in ../tests/data/hostile ../tests/data; do
            if [ -d "$d" ]; then seeds+=("$d"); fi
        done
    fi
    echo "==> $t: ${SECONDS_EACH}s"
    set +e
    cargo +nightly fuzz run "${FLAGS[@]}" "$t" "corpus/$t" ${seeds[@]+"${seeds[@]}"} -- \
        -max_total_time="$SECONDS_EACH" -timeout=60 -rss_limit_mb=4096 -max_len=16384 -len_control="$len_control" \
        -print_final_stats=1 2>&1 | grep -a --line-buffered -v -e '^#[0-9]*.*\(pulse\|NEW\|REDUCE\)' -e 'Uses: [0-9]*$'
    status=${PIPESTATUS[0]}
    set -e
    if [ "$status" -ne 0 ]; then
        echo "==> $t failed (exit $status); the input is in fuzz/artifacts/$t/" >&2
        exit "$status"
    fi
done
echo "==> fuzzing done: ${TARGETS[*]} for ${SECONDS_EACH}s each"
