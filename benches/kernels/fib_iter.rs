//! Iterative Fibonacci: one tight loop of 64-bit adds (wrapping).
#![no_std]
include!("common.rs");

/// The n-th Fibonacci number modulo 2^64, summed over restarts every 1000 steps so the
/// loop nest is two deep.
#[unsafe(no_mangle)]
pub extern "C" fn run(n: u32) -> u64 {
    let mut sum = 0u64;
    let mut left = n;
    let mut seed = 1u64;
    while left > 0 {
        let steps = if left > 1000 { 1000 } else { left };
        let (mut a, mut b) = (seed, seed.wrapping_add(1));
        for _ in 0..steps {
            let t = a.wrapping_add(b);
            a = b;
            b = t;
        }
        sum = sum.wrapping_add(a);
        seed = a ^ (sum >> 7);
        left -= steps;
    }
    sum
}
