#!/usr/bin/env bash
# Rebuilds wc.wasm from wc.c with Debian's C toolchain for WASI:
#   apt-get install clang-14 lld-14 wasi-libc libclang-rt-14-dev-wasm32
set -euo pipefail
cd "$(dirname "$0")"
clang-14 --target=wasm32-wasi --sysroot=/usr -O2 -s -o wc.wasm wc.c
