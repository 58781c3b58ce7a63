//! Byte statistics over a 64 KiB buffer, `n` rounds, with explicit SIMD (i8x16 / i16x8 /
//! i32x4 intrinsics of `core::arch::wasm32`): per round the count of one byte value
//! (`i8x16.eq`), the byte sum (`extadd_pairwise`), a position-weighted sum
//! (`i32x4.dot_i16x8_s`), the number of set bits (nibble table through `i8x16.swizzle`),
//! the byte minimum and maximum. Built with `+simd128`; without it the same source
//! compiles the scalar definition of `stats`, whose checksum build.sh checks is equal.
#![no_std]
include!("common.rs");

const LEN: usize = 64 * 1024;
static mut BUF: [u8; LEN] = [0; LEN];

/// Per-round statistics of `buf`.
#[derive(Clone, Copy, PartialEq)]
struct Stats {
    count: u32,
    sum: u32,
    weighted: i32,
    bits: u32,
    min: u8,
    max: u8,
}

/// The weight of byte `i` in `weighted`: `(i % 8) - 3` (a signed i16 in the SIMD lanes).
const fn weight(i: usize) -> i32 {
    (i % 8) as i32 - 3
}

#[cfg(target_feature = "simd128")]
fn stats(buf: &[u8; LEN], needle: u8) -> Stats {
    use core::arch::wasm32::*;
    let nib = u8x16(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
    let low4 = u8x16_splat(0x0f);
    let splat = u8x16_splat(needle);
    let weights = i16x8(
        weight(0) as i16,
        weight(1) as i16,
        weight(2) as i16,
        weight(3) as i16,
        weight(4) as i16,
        weight(5) as i16,
        weight(6) as i16,
        weight(7) as i16,
    );
    let (mut count, mut sum, mut weighted, mut bits) = (u32x4_splat(0), u32x4_splat(0), i32x4_splat(0), u32x4_splat(0));
    let (mut min, mut max) = (u8x16_splat(0xff), u8x16_splat(0));
    // Blocks of 64 vectors: the narrow accumulators cannot overflow inside one
    // (64 × 1 in u8 lanes, 64 × 2 × 255 and 64 × 16 in u16 lanes).
    for block in buf.chunks_exact(64 * 16) {
        let (mut count8, mut sum16, mut bits16) = (u8x16_splat(0), u16x8_splat(0), u16x8_splat(0));
        for chunk in block.chunks_exact(16) {
            let v = unsafe { v128_load(chunk.as_ptr() as *const v128) };
            count8 = i8x16_sub(count8, i8x16_eq(v, splat));
            sum16 = i16x8_add(sum16, u16x8_extadd_pairwise_u8x16(v));
            let lo = u16x8_extend_low_u8x16(v);
            let hi = u16x8_extend_high_u8x16(v);
            weighted = i32x4_add(weighted, i32x4_add(i32x4_dot_i16x8(lo, weights), i32x4_dot_i16x8(hi, weights)));
            let pop = i8x16_add(i8x16_swizzle(nib, v128_and(v, low4)), i8x16_swizzle(nib, u8x16_shr(v, 4)));
            bits16 = i16x8_add(bits16, u16x8_extadd_pairwise_u8x16(pop));
            min = u8x16_min(min, v);
            max = u8x16_max(max, v);
        }
        count = i32x4_add(count, u32x4_extadd_pairwise_u16x8(u16x8_extadd_pairwise_u8x16(count8)));
        sum = i32x4_add(sum, u32x4_extadd_pairwise_u16x8(sum16));
        bits = i32x4_add(bits, u32x4_extadd_pairwise_u16x8(bits16));
    }
    let hsum = |v: v128| {
        u32x4_extract_lane::<0>(v)
            .wrapping_add(u32x4_extract_lane::<1>(v))
            .wrapping_add(u32x4_extract_lane::<2>(v))
            .wrapping_add(u32x4_extract_lane::<3>(v))
    };
    let (mut lo, mut hi) = (0xffu8, 0u8);
    let (mins, maxs): ([u8; 16], [u8; 16]) = unsafe { (core::mem::transmute(min), core::mem::transmute(max)) };
    for i in 0..16 {
        lo = lo.min(mins[i]);
        hi = hi.max(maxs[i]);
    }
    Stats { count: hsum(count), sum: hsum(sum), weighted: hsum(weighted) as i32, bits: hsum(bits), min: lo, max: hi }
}

#[cfg(not(target_feature = "simd128"))]
fn stats(buf: &[u8; LEN], needle: u8) -> Stats {
    let mut s = Stats { count: 0, sum: 0, weighted: 0, bits: 0, min: 0xff, max: 0 };
    for (i, &b) in buf.iter().enumerate() {
        s.count += (b == needle) as u32;
        s.sum += b as u32;
        s.weighted = s.weighted.wrapping_add(weight(i) * b as i32);
        s.bits += b.count_ones();
        s.min = s.min.min(b);
        s.max = s.max.max(b);
    }
    s
}

#[unsafe(no_mangle)]
pub extern "C" fn run(n: u32) -> u64 {
    let buf = unsafe { &mut *core::ptr::addr_of_mut!(BUF) };
    let mut rng = Rng(0x2545_f491);
    for b in buf.iter_mut() {
        // Skewed bytes (so that min, max and the counts move between rounds).
        b.clone_from(&((rng.next() >> 24) as u8 & (rng.next() >> 24) as u8));
    }
    let mut acc = 0u64;
    for round in 0..n {
        let s = stats(buf, round as u8);
        let mix = (s.count as u64)
            ^ ((s.sum as u64) << 8)
            ^ ((s.weighted as u32 as u64) << 24)
            ^ ((s.bits as u64) << 40)
            ^ ((s.min as u64) << 48)
            ^ ((s.max as u64) << 56);
        acc = acc.rotate_left(5) ^ mix;
        // Make every round's input different.
        let at = (round as usize).wrapping_mul(7919) % LEN;
        buf[at] = buf[at].wrapping_add(mix as u8 | 1);
    }
    acc
}
