//! Compiled to `primes.wasm` by `build.sh` (rustc, wasm32-unknown-unknown, release): a
//! real toolchain's output, with an allocator, memory growth and the name section.
#![no_std]

extern crate alloc;
use alloc::vec;
use alloc::vec::Vec;

#[global_allocator]
static ALLOC: Bump = Bump;

/// A bump allocator over memory grown on demand (enough for a test program).
struct Bump;
static mut NEXT: usize = 0;

unsafe impl core::alloc::GlobalAlloc for Bump {
    unsafe fn alloc(&self, layout: core::alloc::Layout) -> *mut u8 {
        unsafe {
            if NEXT == 0 {
                NEXT = core::arch::wasm32::memory_size(0) * 65536;
            }
            let start = (NEXT + layout.align() - 1) & !(layout.align() - 1);
            let end = start + layout.size();
            let have = core::arch::wasm32::memory_size(0) * 65536;
            if end > have {
                let pages = (end - have).div_ceil(65536);
                if core::arch::wasm32::memory_grow(0, pages) == usize::MAX {
                    return core::ptr::null_mut();
                }
            }
            NEXT = end;
            start as *mut u8
        }
    }
    unsafe fn dealloc(&self, _: *mut u8, _: core::alloc::Layout) {}
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

/// Number of primes below `n` (sieve of Eratosthenes).
#[unsafe(no_mangle)]
pub extern "C" fn count_primes(n: u32) -> u32 {
    let n = n as usize;
    if n < 3 {
        return 0;
    }
    let mut composite = vec![false; n];
    let mut count = 0;
    for i in 2..n {
        if !composite[i] {
            count += 1;
            let mut j = i * i;
            while j < n {
                composite[j] = true;
                j += i;
            }
        }
    }
    count
}

/// The `k`-th prime (1-based), by trial division.
#[unsafe(no_mangle)]
pub extern "C" fn nth_prime(k: u32) -> u64 {
    let mut found: Vec<u64> = Vec::new();
    let mut c = 2u64;
    while (found.len() as u32) < k {
        if found.iter().take_while(|&&p| p * p <= c).all(|&p| c % p != 0) {
            found.push(c);
        }
        c += 1;
    }
    found.last().copied().unwrap_or(0)
}

/// Mean of the squares of 1..=n as f64.
#[unsafe(no_mangle)]
pub extern "C" fn mean_square(n: u32) -> f64 {
    let sum: f64 = (1..=n).map(|i| (i as f64) * (i as f64)).sum();
    sum / n as f64
}

/// Divides, trapping (through the panic handler's `unreachable`) on division by zero.
#[unsafe(no_mangle)]
pub extern "C" fn checked_div(a: i32, b: i32) -> i32 {
    a / b
}
