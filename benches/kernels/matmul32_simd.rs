//! f32 matrix multiply C = A × B of two n×n matrices (i-k-j loops, n rounded up to a
//! multiple of 4), the j loop four columns at a time with explicit `f32x4` intrinsics of
//! `core::arch::wasm32` (splat, mul, add, v128 loads and stores). Built with `+simd128`;
//! without it the same source compiles the scalar j loop (the same multiply then add per
//! element, so the same roundings), whose checksum build.sh checks is equal.
#![no_std]
include!("common.rs");

const MAX: usize = 512;
static mut A: [f32; MAX * MAX] = [0.0; MAX * MAX];
static mut B: [f32; MAX * MAX] = [0.0; MAX * MAX];
static mut C: [f32; MAX * MAX] = [0.0; MAX * MAX];

/// `c[j] += aik * b[j]` for every j (the lengths are equal multiples of 4).
#[cfg(target_feature = "simd128")]
#[inline(always)]
fn axpy(c: &mut [f32], aik: f32, b: &[f32]) {
    use core::arch::wasm32::*;
    let a = f32x4_splat(aik);
    for (c, b) in c.chunks_exact_mut(4).zip(b.chunks_exact(4)) {
        unsafe {
            let pc = c.as_mut_ptr() as *mut v128;
            v128_store(pc, f32x4_add(v128_load(pc), f32x4_mul(a, v128_load(b.as_ptr() as *const v128))));
        }
    }
}

#[cfg(not(target_feature = "simd128"))]
#[inline(always)]
fn axpy(c: &mut [f32], aik: f32, b: &[f32]) {
    for (c, b) in c.iter_mut().zip(b) {
        *c += aik * *b;
    }
}

/// Multiplies two n×n matrices (n ≤ 512); the bits of the sum of C's entries (in f64),
/// weighted by position.
#[unsafe(no_mangle)]
pub extern "C" fn run(n: u32) -> u64 {
    let n = if n as usize > MAX { MAX } else { (n as usize + 3) & !3 };
    let (a, b, c) = unsafe {
        (&mut *core::ptr::addr_of_mut!(A), &mut *core::ptr::addr_of_mut!(B), &mut *core::ptr::addr_of_mut!(C))
    };
    for i in 0..n {
        for j in 0..n {
            a[i * n + j] = ((i * 7 + j * 3) % 17) as f32 * 0.25 - 1.5;
            b[i * n + j] = ((i * 5 + j * 11) % 13) as f32 * 0.125 + 0.5;
            c[i * n + j] = 0.0;
        }
    }
    for i in 0..n {
        for k in 0..n {
            let aik = a[i * n + k];
            axpy(&mut c[i * n..i * n + n], aik, &b[k * n..k * n + n]);
        }
    }
    let mut sum = 0.0f64;
    for i in 0..n * n {
        sum += c[i] as f64 * ((i % 5) as f64 + 1.0);
    }
    sum.to_bits()
}
