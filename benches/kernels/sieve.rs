//! Sieve of Eratosthenes over a 1 MB byte array, repeated: byte loads and stores in
//! strided loops.
#![no_std]
include!("common.rs");

const SIZE: usize = 1 << 20;
static mut FLAGS: [u8; SIZE] = [0; SIZE];

/// Sieves [0, 2^20) `n` times; the total of prime counts plus a weighted sum of primes.
#[unsafe(no_mangle)]
pub extern "C" fn run(n: u32) -> u64 {
    let flags = unsafe { &mut *core::ptr::addr_of_mut!(FLAGS) };
    let mut total = 0u64;
    for round in 0..n {
        // Clear by hand (a loop, not memory.fill) so every round is the same work.
        let mut i = 0;
        while i < SIZE {
            flags[i] = 1;
            i += 1;
        }
        flags[0] = 0;
        flags[1] = 0;
        let mut i = 2;
        while i * i < SIZE {
            if flags[i] != 0 {
                let mut j = i * i;
                while j < SIZE {
                    flags[j] = 0;
                    j += i;
                }
            }
            i += 1;
        }
        let mut count = 0u64;
        let mut i = 0;
        while i < SIZE {
            if flags[i] != 0 {
                count += 1;
                total = total.wrapping_add((i as u64) * (round as u64 + 1));
            }
            i += 1;
        }
        total = total.wrapping_add(count);
    }
    total
}
