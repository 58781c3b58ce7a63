//! xxHash32 of a 64 KiB buffer, chained `n` times (each hash is written back into the
//! buffer), its four accumulators as the lanes of one `v128` (explicit `i32x4` intrinsics
//! of `core::arch::wasm32`: loads, multiplies, adds, shift-or rotates). Built with
//! `+simd128`; without it the same source compiles the scalar stripe loop, whose checksum
//! build.sh checks is equal.
#![no_std]
include!("common.rs");

const LEN: usize = 64 * 1024;
static mut BUF: [u8; LEN] = [0; LEN];

const P1: u32 = 0x9E37_79B1;
const P2: u32 = 0x85EB_CA77;
const P3: u32 = 0xC2B2_AE3D;
const P4: u32 = 0x27D4_EB2F;
const P5: u32 = 0x1656_67B1;

/// The four accumulators after every 16-byte stripe of `buf` (LEN is a multiple of 16).
#[cfg(target_feature = "simd128")]
fn stripes(buf: &[u8], seed: u32) -> [u32; 4] {
    use core::arch::wasm32::*;
    let p1 = u32x4_splat(P1);
    let p2 = u32x4_splat(P2);
    let mut acc = u32x4(seed.wrapping_add(P1).wrapping_add(P2), seed.wrapping_add(P2), seed, seed.wrapping_sub(P1));
    for stripe in buf.chunks_exact(16) {
        let v = unsafe { v128_load(stripe.as_ptr() as *const v128) };
        let x = i32x4_add(acc, i32x4_mul(v, p2));
        let x = v128_or(i32x4_shl(x, 13), u32x4_shr(x, 19));
        acc = i32x4_mul(x, p1);
    }
    [
        u32x4_extract_lane::<0>(acc),
        u32x4_extract_lane::<1>(acc),
        u32x4_extract_lane::<2>(acc),
        u32x4_extract_lane::<3>(acc),
    ]
}

#[cfg(not(target_feature = "simd128"))]
fn stripes(buf: &[u8], seed: u32) -> [u32; 4] {
    let mut acc = [seed.wrapping_add(P1).wrapping_add(P2), seed.wrapping_add(P2), seed, seed.wrapping_sub(P1)];
    for stripe in buf.chunks_exact(16) {
        for (i, a) in acc.iter_mut().enumerate() {
            let lane = u32::from_le_bytes([stripe[4 * i], stripe[4 * i + 1], stripe[4 * i + 2], stripe[4 * i + 3]]);
            *a = a.wrapping_add(lane.wrapping_mul(P2)).rotate_left(13).wrapping_mul(P1);
        }
    }
    acc
}

fn xxh32(buf: &[u8], seed: u32) -> u32 {
    let [a, b, c, d] = stripes(buf, seed);
    let mut h =
        a.rotate_left(1).wrapping_add(b.rotate_left(7)).wrapping_add(c.rotate_left(12)).wrapping_add(d.rotate_left(18));
    h = h.wrapping_add(buf.len() as u32);
    h ^= h >> 15;
    h = h.wrapping_mul(P2);
    h ^= h >> 13;
    h = h.wrapping_mul(P3);
    h ^= h >> 16;
    h
}

#[unsafe(no_mangle)]
pub extern "C" fn run(n: u32) -> u64 {
    let buf = unsafe { &mut *core::ptr::addr_of_mut!(BUF) };
    let mut rng = Rng(0x6b43_a9b5);
    for b in buf.iter_mut() {
        *b = rng.next() as u8;
    }
    let mut h = 0u32;
    let mut sum = 0u64;
    for round in 0..n {
        h = xxh32(buf, h);
        let at = (round as usize * 4 * 7919) % LEN;
        buf[at..at + 4].copy_from_slice(&h.wrapping_add(P4).to_le_bytes());
        sum = sum.wrapping_add(h as u64).wrapping_mul(P5 as u64 | 1);
    }
    sum ^ h as u64
}
