#!/usr/bin/env python3
"""Sums the statistics a fuzz target writes with WASMSCOPE_FUZZ_STATS=FILE.

    cd fuzz
    WASMSCOPE_FUZZ_STATS=/tmp/stats target/x86_64-unknown-linux-gnu/release/execute -runs=0 corpus/execute
    python3 stats.py /tmp/stats

A `module k=n ...` line counts one generated module's operators by kind; the `call
executed=N OUTCOME` lines after it are calls of that module's exports. Prints, per kind,
how many modules have such operators, and for those modules how many calls ran, how many
instructions they executed, how many exports were not called (a parameter the host
cannot make) and how the calls ended.
"""
import collections
import sys


def main(path):
    modules = 0
    with_kind = collections.Counter()
    ops = collections.Counter()
    calls = collections.Counter()
    executed = collections.Counter()
    ran_far = collections.Counter()
    skipped = collections.Counter()
    outcomes = collections.defaultdict(collections.Counter)
    kinds = set()
    for line in open(path, encoding="utf-8", errors="replace"):
        words = line.split()
        if not words:
            continue
        if words[0] == "module":
            modules += 1
            kinds = set()
            for w in words[1:]:
                k, n = w.split("=")
                ops[k] += int(n)
                if int(n) > 0:
                    kinds.add(k)
                    with_kind[k] += 1
            kinds.add("all")
            with_kind["all"] += 1
        elif words[0] == "skip":
            for k in kinds:
                skipped[k] += 1
        elif words[0] == "call" and len(words) >= 3:
            n = int(words[1].split("=")[1])
            for k in kinds:
                calls[k] += 1
                executed[k] += n
                if n >= 100:
                    ran_far[k] += 1
                outcomes[k][words[2]] += 1
    print(f"{modules} modules")
    print(f"{'kind':8} {'modules':>8} {'ops':>9} {'calls':>8} {'executed':>11} {'calls>=100':>10} {'skipped':>7}  outcomes")
    for k in sorted(with_kind, key=lambda k: (k != "all", k)):
        top = ", ".join(f"{o} {c}" for o, c in outcomes[k].most_common(6))
        print(f"{k:8} {with_kind[k]:8} {ops.get(k, 0):9} {calls[k]:8} {executed[k]:11} {ran_far[k]:10} {skipped[k]:7}  {top}")


if __name__ == "__main__":
    main(sys.argv[1])
