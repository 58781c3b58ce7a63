#!/usr/bin/env bash
# Rebuilds demo.wasm from demo.rs (needs `rustup target add wasm32-wasip1`).
set -euo pipefail
cd "$(dirname "$0")"
rustc --edition 2024 --target wasm32-wasip1 -C opt-level=s -C strip=debuginfo -C panic=abort -o demo.wasm demo.rs
