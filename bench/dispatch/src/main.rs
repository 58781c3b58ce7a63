//! Native table: best of 3 for each style.
use dispatch::{SUM_BELOW, call_loop, match_loop, match_loop_cells, threaded};
use std::time::Instant;

fn best(f: impl Fn() -> (u64, u64)) -> (f64, (u64, u64)) {
    let mut best = f64::MAX;
    let mut out = (0, 0);
    for _ in 0..3 {
        let t = Instant::now();
        out = f();
        best = best.min(t.elapsed().as_secs_f64() * 1e3);
    }
    (best, out)
}

fn main() {
    let n: u32 = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(50_000_000);
    let (base, want) = best(|| match_loop(&SUM_BELOW, n));
    println!("native, n = {n} ({} instructions per run), best of 3", want.1);
    println!("| style | ms | vs match |\n|---|---:|---:|");
    println!("| match loop | {base:.1} | 1.00 |");
    for chain in [64, 1024, 65536] {
        let (ms, got) = best(|| threaded(&SUM_BELOW, n, chain));
        assert_eq!(got, want);
        println!("| threaded, back to the loop every {chain} | {ms:.1} | {:.2} |", base / ms);
    }
    let (ms, got) = best(|| call_loop(&SUM_BELOW, n));
    assert_eq!(got, want);
    println!("| loop calling a handler per instruction | {ms:.1} | {:.2} |", base / ms);
    // The v128 layout: the same `match` loop over 64-bit cells (a v128 takes two) and over
    // 128-bit cells (every value takes one).
    println!("\n| cells (the `match` loop) | ms | vs 64-bit |\n|---|---:|---:|");
    let (c64, got64) = best(|| match_loop_cells::<u64>(&SUM_BELOW, n));
    let (c128, got128) = best(|| match_loop_cells::<u128>(&SUM_BELOW, n));
    assert_eq!(got64, want);
    assert_eq!(got128, want);
    println!("| 64-bit | {c64:.1} | 1.00 |");
    println!("| 128-bit | {c128:.1} | {:.2} |", c64 / c128);
}
