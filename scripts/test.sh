#!/usr/bin/env bash
# The one test command for wasmscope: installs what is missing, then runs every test.
#
#   ./scripts/test.sh            # everything
#   SKIP=wasm ./scripts/test.sh  # skip sections by name (space- or comma-separated)
#
# Sections (in order): toolchain, lint, wasm, native.
# On a warm machine every install step is skipped; nothing is installed that is
# already present. Exits non-zero on the first failure.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

SKIP="${SKIP:-}"

header() {
    printf '\n==> %s\n' "$*"
}

skipped() {
    case " ${SKIP//,/ } " in
    *" $1 "*) printf '\n==> [%s] skipped (SKIP)\n' "$1"; return 0 ;;
    esac
    return 1
}

# ---- toolchain: rustup components and targets -------------------------------------
section_toolchain() {
    header "toolchain: rustc $(rustc --version | cut -d' ' -f2)"
    if ! command -v rustup >/dev/null 2>&1; then
        echo "rustup not found: install Rust with rustup first (https://rustup.rs)" >&2
        exit 1
    fi
    local installed
    installed="$(rustup component list --installed)"
    for component in rustfmt clippy; do
        if ! grep -q "^${component}" <<<"$installed"; then
            header "installing rustup component ${component}"
            rustup component add "$component"
        fi
    done
    local targets
    targets="$(rustup target list --installed)"
    if ! grep -qx wasm32-unknown-unknown <<<"$targets"; then
        header "installing rustup target wasm32-unknown-unknown"
        rustup target add wasm32-unknown-unknown
    fi
}

# ---- lint: formatting and clippy ---------------------------------------------------
section_lint() {
    header "cargo fmt --all -- --check"
    cargo fmt --all -- --check
    header "cargo clippy --all-targets -- -D warnings"
    cargo clippy --all-targets -- -D warnings
}

# ---- wasm: the library must build for the browser ----------------------------------
section_wasm() {
    header "cargo build --lib --target wasm32-unknown-unknown"
    cargo build --lib --target wasm32-unknown-unknown
}

# ---- native: unit, integration, CLI and spec tests ---------------------------------
section_native() {
    header "cargo test"
    cargo test
}

# ---- browser / e2e (not yet) -------------------------------------------------------
# When the playground lands, add skippable sections here, each installing only what
# is missing (see /work/shared/toolchain.md for the recipe and its pitfalls):
#   section_browser_deps  apt: firefox-esr chromium chromium-driver;
#                         cargo install: wasm-pack, wasm-bindgen-cli (= Cargo.lock version,
#                         without --locked), geckodriver; npm ci (playwright-core, binaryen)
#   section_wasm_tests    wasm-pack test --headless --firefox (and --chrome)
#   section_e2e           wasm-pack build --target web, then the page tests (playwright)
# and list them in SECTIONS below.

SECTIONS=(toolchain lint wasm native)

for s in "${SECTIONS[@]}"; do
    if ! skipped "$s"; then
        "section_$s"
    fi
done

if [[ -n "${SKIP// /}" ]]; then
    header "all run sections passed (skipped: ${SKIP})"
else
    header "all tests passed"
fi
