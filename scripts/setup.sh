#!/usr/bin/env bash
# Installs what wasmscope's build, playground and tests need, skipping every step whose
# tool is already present at the right version. Used by `npm start` (scripts/serve.sh)
# and `npm test` (scripts/test.sh); can also be run by itself:
#
#   bash scripts/setup.sh             # everything (what `npm test` needs)
#   bash scripts/setup.sh start       # only what `npm start` needs
#   bash scripts/setup.sh rust wasm-pack wasm-bindgen geckodriver browsers npm
#
# When sourced, it only defines the setup_* functions and puts ~/.cargo/bin and
# node_modules/.bin (first, so npm's binaryen `wasm-opt` wins) on PATH.
#
# Everything installs by package name from crates.io, npm and Debian's apt; nothing is
# downloaded from anywhere else (wasm-pack would try to download wasm-bindgen, wasm-opt
# and geckodriver itself: having the right versions on PATH stops that).
# Do NOT install Debian's `binaryen` (v108): its wasm-opt breaks the page at start-up.

# Versions (wasm-bindgen-cli's comes from Cargo.lock: it must equal the crate's exactly).
WASM_PACK_VERSION="${WASM_PACK_VERSION:-0.15.1}"      # any 0.15.x on PATH is accepted
GECKODRIVER_VERSION="${GECKODRIVER_VERSION:-0.37.1}"  # any 0.37.x on PATH is accepted
BINARYEN_VERSION=132                                  # must match package.json
APT_PACKAGES_TEST=(firefox-esr chromium chromium-driver)

SETUP_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

setup_log() {
    printf '[setup] %s\n' "$*"
}

setup_die() {
    printf '[setup] error: %s\n' "$*" >&2
    exit 1
}

# Runs "$@" and reports how long it took.
setup_timed() {
    local what="$1"
    shift
    local start=$SECONDS
    setup_log "$what: $*"
    local rc=0
    "$@" || rc=$?
    if ((rc != 0)); then
        setup_log "$what: FAILED (exit $rc) after $((SECONDS - start)) s"
        return "$rc"
    fi
    setup_log "$what: done in $((SECONDS - start)) s"
}

setup_path() {
    case ":$PATH:" in
    *":$HOME/.cargo/bin:"*) ;;
    *) PATH="$HOME/.cargo/bin:$PATH" ;;
    esac
    case ":$PATH:" in
    ":$SETUP_ROOT/node_modules/.bin:"*) ;;
    *) PATH="$SETUP_ROOT/node_modules/.bin:$PATH" ;;
    esac
    export PATH
}

# ---- apt: browsers for the wasm tests (Firefox) and the page tests (Chromium) ------------
setup_apt() {
    local missing=() pkg
    for pkg in "$@"; do
        if [[ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)" != "install ok installed" ]]; then
            missing+=("$pkg")
        fi
    done
    if ((${#missing[@]} == 0)); then
        setup_log "apt: $* already installed"
    else
        command -v apt-get >/dev/null 2>&1 ||
            setup_die "missing ${missing[*]} and no apt-get: install them with your package manager"
        local sudo=()
        if ((EUID != 0)); then
            command -v sudo >/dev/null 2>&1 || setup_die "missing ${missing[*]}: run as root or install them"
            sudo=(sudo -n)
        fi
        local start=$SECONDS
        setup_log "apt: installing ${missing[*]}"
        "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=600 update -qq
        "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 \
            install -y -qq --no-install-recommends "${missing[@]}"
        setup_log "apt: done in $((SECONDS - start)) s"
    fi
    if [[ "$(dpkg-query -W -f='${Status}' binaryen 2>/dev/null)" == "install ok installed" ]]; then
        setup_log "warning: Debian's binaryen is installed; its wasm-opt (v108) breaks the page." \
            "npm's binaryen in node_modules/.bin is used instead (it comes first on PATH)."
    fi
}

# ---- rustup: components and the wasm target ----------------------------------------------
setup_rust() {
    command -v rustup >/dev/null 2>&1 || setup_die "rustup not found: install Rust with rustup first (https://rustup.rs)"
    local installed component
    installed="$(rustup component list --installed)"
    for component in rustfmt clippy; do
        if grep -q "^${component}" <<<"$installed"; then
            setup_log "rustup component $component: present"
        else
            setup_timed "rustup component $component" rustup component add "$component"
        fi
    done
    if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
        setup_log "rustup target wasm32-unknown-unknown: present"
    else
        setup_timed "rustup target wasm32-unknown-unknown" rustup target add wasm32-unknown-unknown
    fi
}

# Prints the version of tool "$1" (the second word of `$1 --version`), or nothing.
setup_tool_version() {
    command -v "$1" >/dev/null 2>&1 || return 0
    { "$1" --version 2>/dev/null || true; } | awk 'NR == 1 { sub(/^v/, "", $2); print $2 }'
}

# ---- cargo install: wasm-pack, wasm-bindgen-cli, geckodriver -----------------------------
setup_wasm_pack() {
    local have
    have="$(setup_tool_version wasm-pack)"
    if [[ "$have" == "${WASM_PACK_VERSION%.*}".* ]]; then
        setup_log "wasm-pack $have: present"
    else
        setup_timed "wasm-pack ${WASM_PACK_VERSION} (was: ${have:-none})" \
            cargo install --locked wasm-pack --version "=$WASM_PACK_VERSION"
    fi
}

# The wasm-bindgen version that Cargo.lock resolves (wasm-pack uses a wasm-bindgen on PATH
# only when it equals this exactly).
setup_wasm_bindgen_version() {
    awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' \
        "$SETUP_ROOT/Cargo.lock"
}

setup_wasm_bindgen() {
    local want have
    want="$(setup_wasm_bindgen_version)"
    [[ -n "$want" ]] || setup_die "no wasm-bindgen entry in Cargo.lock"
    have="$(setup_tool_version wasm-bindgen)"
    if [[ "$have" == "$want" ]]; then
        setup_log "wasm-bindgen-cli $have: present"
    else
        # Not --locked: its lock file wants a webpki-roots version the registry lacks.
        setup_timed "wasm-bindgen-cli $want (was: ${have:-none})" \
            cargo install wasm-bindgen-cli --version "=$want"
    fi
}

setup_geckodriver() {
    local have
    have="$(setup_tool_version geckodriver)"
    if [[ "$have" == "${GECKODRIVER_VERSION%.*}".* ]]; then
        setup_log "geckodriver $have: present"
    else
        setup_timed "geckodriver ${GECKODRIVER_VERSION} (was: ${have:-none})" \
            cargo install --locked geckodriver --version "=$GECKODRIVER_VERSION"
    fi
}

# ---- npm: playwright-core (page tests) and binaryen (wasm-opt) ---------------------------
setup_npm() {
    command -v npm >/dev/null 2>&1 || setup_die "npm not found: install Node.js 20+ and npm"
    local stamp="$SETUP_ROOT/node_modules/.package-lock.json"
    if [[ -f "$stamp" && ! "$SETUP_ROOT/package-lock.json" -nt "$stamp" && ! "$SETUP_ROOT/package.json" -nt "$stamp" ]]; then
        setup_log "node_modules: up to date with package-lock.json"
    else
        (cd "$SETUP_ROOT" && setup_timed "node_modules" npm ci --no-audit --no-fund) || setup_die "npm ci failed"
        touch "$stamp"
    fi
    # wasm-pack runs the first wasm-opt on PATH: it must be npm's binaryen.
    local wasm_opt
    wasm_opt="$(command -v wasm-opt || true)"
    [[ "$wasm_opt" == "$SETUP_ROOT/node_modules/.bin/wasm-opt" ]] ||
        setup_die "wasm-opt on PATH is '${wasm_opt:-none}', expected npm's binaryen in node_modules/.bin"
    local v
    v="$(wasm-opt --version)"
    [[ "$v" == *"version $BINARYEN_VERSION"* ]] || setup_die "unexpected wasm-opt: $v (want binaryen $BINARYEN_VERSION)"
    setup_log "wasm-opt: $v ($wasm_opt)"
}

# ---- the page's vendored npm code: www/vendor ------------------------------------------
# fflate's ESM build (the Files panel's "Download all (zip)") from node_modules (npm ci puts
# it there, at package-lock.json's version), copied next to the page so that it is served
# with it. Copied again when node_modules has a newer one.
setup_vendor() {
    local src="$SETUP_ROOT/node_modules/fflate/esm/browser.js" dst="$SETUP_ROOT/www/vendor/fflate.js"
    [[ -f "$src" ]] || setup_die "node_modules/fflate is missing: run npm ci"
    if [[ ! -f "$dst" || "$src" -nt "$dst" ]]; then
        mkdir -p "$SETUP_ROOT/www/vendor"
        cp "$src" "$dst"
        cp "$SETUP_ROOT/node_modules/fflate/LICENSE" "$SETUP_ROOT/www/vendor/fflate.LICENSE"
        setup_log "www/vendor/fflate.js: copied from node_modules/fflate"
    fi
}

# ---- the page's module: www/pkg ---------------------------------------------------------
# Builds www/pkg with wasm-pack (wasm-opt is npm's binaryen, first on PATH), unless it is
# newer than every input (src/, Cargo.toml, Cargo.lock, package-lock.json). FORCE_BUILD=1
# always builds. The stamp is taken before the build starts, so a file edited during a
# build makes the next call build again.
setup_build_pkg() {
    setup_vendor
    local out="$SETUP_ROOT/www/pkg" stamp="$SETUP_ROOT/www/pkg/.build-stamp"
    if [[ "${FORCE_BUILD:-}" != 1 && -f "$stamp" && -f "$out/wasmscope_bg.wasm" && -f "$out/wasmscope.js" ]] &&
        [[ -z "$(cd "$SETUP_ROOT" && find src Cargo.toml Cargo.lock package-lock.json -newer "$stamp" -print -quit)" ]]; then
        setup_log "www/pkg is up to date with src/ (FORCE_BUILD=1 to rebuild): $(setup_pkg_sizes)"
        return 0
    fi
    local next
    next="$(mktemp "${TMPDIR:-/tmp}/wasmscope-build.XXXXXX")"
    rm -f "$stamp"
    if ! (cd "$SETUP_ROOT" && setup_timed "www/pkg" wasm-pack build --release --target web --out-dir www/pkg --no-gitignore); then
        rm -f "$next"
        setup_die "wasm-pack build failed"
    fi
    mv "$next" "$stamp"
    setup_log "built www/pkg: $(setup_pkg_sizes)"
}

setup_pkg_sizes() {
    local f="$SETUP_ROOT/www/pkg/wasmscope_bg.wasm"
    [[ -f "$f" ]] || return 0
    printf 'wasmscope_bg.wasm %s bytes, %s gzipped' "$(wc -c <"$f")" "$(gzip -9c "$f" | wc -c)"
}

# ---- groups -------------------------------------------------------------------------------
# What `npm start` needs: build with wasm-pack (wasm-opt from npm) and serve with node.
setup_start() {
    setup_rust
    setup_wasm_pack
    setup_wasm_bindgen
    setup_npm
}

# Everything `npm test` needs.
setup_all() {
    setup_apt "${APT_PACKAGES_TEST[@]}"
    setup_rust
    setup_wasm_pack
    setup_wasm_bindgen
    setup_geckodriver
    setup_npm
}

setup_path

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    set -euo pipefail
    cd "$SETUP_ROOT"
    start=$SECONDS
    if (($# == 0)); then
        set -- all
    fi
    for step in "$@"; do
        case "$step" in
        all) setup_all ;;
        start) setup_start ;;
        browsers | apt) setup_apt "${APT_PACKAGES_TEST[@]}" ;;
        rust) setup_rust ;;
        wasm-pack) setup_wasm_pack ;;
        wasm-bindgen) setup_wasm_bindgen ;;
        geckodriver) setup_geckodriver ;;
        npm) setup_npm ;;
        *) setup_die "unknown step '$step' (all start browsers rust wasm-pack wasm-bindgen geckodriver npm)" ;;
        esac
    done
    setup_log "ready in $((SECONDS - start)) s"
fi
