#!/usr/bin/env bash
# Rebuilds primes.wasm from primes.rs (needs `rustup target add wasm32-unknown-unknown`).
set -euo pipefail
cd "$(dirname "$0")"
rustc --edition 2024 --target wasm32-unknown-unknown -C opt-level=2 -C panic=abort -C strip=debuginfo \
    --crate-type cdylib -o primes.wasm primes.rs
