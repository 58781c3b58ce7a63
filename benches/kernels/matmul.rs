//! f64 matrix multiply C = A × B of two n×n matrices (naive i-k-j loops): f64 loads,
//! multiplies, adds and stores.
#![no_std]
include!("common.rs");

const MAX: usize = 512;
static mut A: [f64; MAX * MAX] = [0.0; MAX * MAX];
static mut B: [f64; MAX * MAX] = [0.0; MAX * MAX];
static mut C: [f64; MAX * MAX] = [0.0; MAX * MAX];

/// Multiplies two n×n matrices (n ≤ 512); the bits of the sum of C's entries, weighted
/// by position.
#[unsafe(no_mangle)]
pub extern "C" fn run(n: u32) -> u64 {
    let n = if n as usize > MAX { MAX } else { n as usize };
    let (a, b, c) = unsafe {
        (
            &mut *core::ptr::addr_of_mut!(A),
            &mut *core::ptr::addr_of_mut!(B),
            &mut *core::ptr::addr_of_mut!(C),
        )
    };
    for i in 0..n {
        for j in 0..n {
            a[i * n + j] = ((i * 7 + j * 3) % 17) as f64 * 0.25 - 1.5;
            b[i * n + j] = ((i * 5 + j * 11) % 13) as f64 * 0.125 + 0.5;
            c[i * n + j] = 0.0;
        }
    }
    for i in 0..n {
        for k in 0..n {
            let aik = a[i * n + k];
            for j in 0..n {
                c[i * n + j] += aik * b[k * n + j];
            }
        }
    }
    let mut sum = 0.0f64;
    for i in 0..n * n {
        sum += c[i] * ((i % 5) as f64 + 1.0);
    }
    sum.to_bits()
}
