#!/usr/bin/env bash
# Bounded memory: `wasmscope run` of bench/gc/churn.wat (n short-lived 32-byte structs,
# every 10^6th kept) for n = 10^6, 10^7, 10^8, with its peak RSS and the GC's collections
# (`--gc-stats`). The peak RSS must not grow with n. Then the exception loop
# benches/kernels/exn_throw.wasm (n throws, each caught; exception objects are collected
# too), with its peak RSS.
#
#   bench/gc/rss.sh                 # builds the release binary first
#   NO_BUILD=1 bench/gc/rss.sh      # uses target/release/wasmscope as it is
#   bench/gc/rss.sh 1000000 5000000 # other n
#
# Peak RSS: /usr/bin/time -v's "Maximum resident set size" if there is a /usr/bin/time,
# else python3's resource.getrusage(RUSAGE_CHILDREN) around the run.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
PATH="$HOME/.cargo/bin:$PATH"
bin="$root/target/release/wasmscope"
if [[ "${NO_BUILD:-}" != 1 ]]; then
    (cd "$root" && cargo build --quiet --release --bin wasmscope)
fi
ns=("$@")
((${#ns[@]})) || ns=(1000000 10000000 100000000)

# peak KiB, seconds, and the program's stdout and stderr (in $out, $err).
measure() {
    local tmp
    tmp="$(mktemp)"
    if [[ -x /usr/bin/time ]]; then
        /usr/bin/time -v -o "$tmp" "$@" >"$tmp.out" 2>"$tmp.err" || true
        peak="$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tmp")"
        secs="$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$tmp")"
    else
        python3 - "$tmp" "$@" <<'PY'
import resource, subprocess, sys, time
tmp = sys.argv[1]
t = time.time()
with open(tmp + '.out', 'w') as o, open(tmp + '.err', 'w') as e:
    subprocess.run(sys.argv[2:], stdout=o, stderr=e)
with open(tmp, 'w') as f:
    print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, f"{time.time() - t:.2f}", file=f)
PY
        read -r peak secs <"$tmp"
    fi
    out="$(cat "$tmp.out")"
    err="$(cat "$tmp.err")"
    rm -f "$tmp" "$tmp.out" "$tmp.err"
}

echo "wasmscope $(git -C "$root" rev-parse --short HEAD), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| program | n | result | peak RSS MiB | collections | objects freed | wall |"
echo "| --- | ---: | --- | ---: | ---: | ---: | ---: |"
for n in "${ns[@]}"; do
    measure "$bin" run --gc-stats "$here/churn.wat" run "$n"
    stats="$(grep -o '[0-9]* collections, [0-9]* objects freed' <<<"$err" || echo '? , ? x x')"
    read -r colls _ freed _ <<<"${stats//,/}"
    printf '| churn | %s | %s | %.1f | %s | %s | %s |\n' "$n" "$out" "$(awk "BEGIN {print $peak / 1024}")" "$colls" "$freed" "$secs"
done
for n in "${ns[@]}"; do
    measure "$bin" run --gc-stats "$root/benches/kernels/exn_throw.wasm" run "$n"
    slots="$(grep -o 'in [0-9]* slots' <<<"$err" || echo 'in ? slots')"
    printf '| exn_throw | %s | %s | %.1f | — | %s | %s |\n' "$n" "$out" "$(awk "BEGIN {print $peak / 1024}")" "exception ${slots}" "$secs"
done
