#!/usr/bin/env bash
# The one test command for wasmscope (`npm test` runs it; so does CI): installs what is
# missing, then runs every test.
#
#   ./scripts/test.sh                    # everything
#   SKIP=e2e,browser ./scripts/test.sh   # skip sections by name (space- or comma-separated)
#
# Sections (in order):
#   toolchain  install what the other (not skipped) sections need (scripts/setup.sh):
#              rustup components/target; apt firefox-esr, chromium, chromium-driver;
#              cargo install wasm-pack, wasm-bindgen-cli (= Cargo.lock), geckodriver;
#              npm ci (playwright-core, binaryen, fflate)
#   lint       cargo fmt --check, cargo clippy -D warnings
#   wasm       cargo build --lib --target wasm32-unknown-unknown
#   native     cargo test (unit, API, CLI, debugger, v128 and spec tests)
#   browser    wasm-pack test --headless --firefox (the crate's wasm32-only tests, tests/web.rs)
#   e2e        www/vendor/fflate.js from node_modules; then
#              wasm-pack build --release --target web --out-dir www/pkg (skipped when
#              www/pkg is newer than src/, Cargo.*, package-lock.json; FORCE_BUILD=1 builds),
#              serve www/ on a free 127.0.0.1 port, node --test tests/e2e/*.test.mjs
#              (WASMSCOPE_URL=that URL); skipped, saying so, without tests/e2e/*.test.mjs
#   fuzz       the fuzzers' smoke pass: fuzz/run.sh 15 (installs nightly and cargo-fuzz if
#              missing, builds the five cargo-fuzz targets, runs each for 15 s)
#
# On a warm machine every install step is skipped. Exits non-zero on the first failure;
# ends with a line `tests: N passed, N failed` summing every test runner's results.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"

# shellcheck source=scripts/setup.sh
source scripts/setup.sh # defines setup_*, puts ~/.cargo/bin and node_modules/.bin on PATH

SKIP="${SKIP:-}"
SECTIONS=(toolchain lint wasm native browser e2e fuzz)

for s in ${SKIP//,/ }; do
    case " ${SECTIONS[*]} " in
    *" $s "*) ;;
    *) echo "unknown section in SKIP: '$s' (sections: ${SECTIONS[*]})" >&2; exit 2 ;;
    esac
done

header() {
    printf '\n==> %s\n' "$*"
}

skipped() {
    case " ${SKIP//,/ } " in
    *" $1 "*) return 0 ;;
    esac
    return 1
}

LOGS="$(mktemp -d)"
SERVER_PID=""
cleanup() {
    if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$LOGS"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Runs a test runner, keeping its output for the closing summary.
run_logged() {
    local log="$LOGS/$1.log"
    shift
    "$@" 2>&1 | tee "$log"
}

# ---- toolchain: install what the selected sections need ---------------------------
section_toolchain() {
    header "toolchain: rustc $(rustc --version | cut -d' ' -f2), node $(node --version), npm $(npm --version 2>/dev/null)"
    local start=$SECONDS
    skipped browser || setup_apt firefox-esr
    skipped e2e || setup_apt chromium chromium-driver
    setup_rust
    if ! skipped browser || ! skipped e2e; then
        setup_wasm_pack
        setup_wasm_bindgen
    fi
    skipped browser || setup_geckodriver
    skipped e2e || setup_npm
    setup_log "toolchain ready in $((SECONDS - start)) s"
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
    run_logged native cargo test
}

# ---- browser: the crate's wasm32 tests in headless Firefox --------------------------
section_browser() {
    header "wasm-pack test --headless --firefox"
    if ! compgen -G 'tests/*.rs' >/dev/null || ! grep -lq 'wasm_bindgen_test' tests/*.rs; then
        echo "note: no wasm_bindgen_test in tests/*.rs yet: this runs only the library's own wasm tests"
    fi
    # The runner gives the whole suite 20 s by default (WASM_BINDGEN_TEST_TIMEOUT): a debug
    # build in Firefox takes longer than that on a loaded 2-core machine.
    export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-300}"
    run_logged browser wasm-pack test --headless --firefox
}

# ---- e2e: the playground page in headless Chromium ----------------------------------
section_e2e() {
    local tests=()
    if [[ -d tests/e2e ]]; then
        mapfile -t tests < <(find tests/e2e -maxdepth 1 -name '*.test.mjs' | sort)
    fi
    if ((${#tests[@]} == 0)); then
        header "e2e: SKIPPED: no tests/e2e/*.test.mjs yet"
        return 0
    fi
    header "wasm-pack build --release --target web --out-dir www/pkg"
    setup_build_pkg

    header "serving www/ on a free port"
    local log="$LOGS/server.log" url="" i
    PORT=0 SERVE_QUIET=1 SERVE_EXIT_WITH_PARENT=1 node scripts/serve.mjs www >"$log" 2>&1 &
    SERVER_PID=$!
    for ((i = 0; i < 100; i++)); do
        url="$(sed -n 's/^wasmscope playground: \(http:[^ ]*\)$/\1/p' "$log")"
        [[ -n "$url" ]] && break
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.1
    done
    if [[ -z "$url" ]]; then
        cat "$log" >&2
        echo "the static server did not start" >&2
        exit 1
    fi
    echo "$url"

    header "node --test ${tests[*]}"
    WASMSCOPE_URL="$url" run_logged e2e node --test "${tests[@]}"

    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
}

# ---- fuzz: every fuzz target builds and runs for a few seconds -----------------------
section_fuzz() {
    header "fuzz/run.sh ${FUZZ_SECONDS:-15} (smoke pass)"
    bash fuzz/run.sh "${FUZZ_SECONDS:-15}"
}

# Sums the results of every runner: cargo test / wasm-bindgen-test-runner
# ("test result: ok. N passed; N failed; ...") and node --test ("# pass N", "ℹ pass N").
summary() {
    local logs=("$LOGS"/*.log)
    [[ -e "${logs[0]}" ]] || return 0
    awk '
        /^test result: / {
            for (i = 1; i < NF; i++) {
                if ($(i + 1) ~ /^passed/) passed += $i
                if ($(i + 1) ~ /^failed/) failed += $i
            }
        }
        /^(#|ℹ) pass [0-9]+$/ { passed += $3 }
        /^(#|ℹ) fail [0-9]+$/ { failed += $3 }
        END { printf "tests: %d passed, %d failed\n", passed, failed }
    ' "${logs[@]}"
}

start=$SECONDS
for s in "${SECTIONS[@]}"; do
    if skipped "$s"; then
        header "[$s] skipped (SKIP)"
    else
        "section_$s"
    fi
done

header "done in $((SECONDS - start)) s"
if [[ -n "${SKIP// /}" ]]; then
    echo "all run sections passed (skipped: ${SKIP})"
else
    echo "all tests passed"
fi
summary
