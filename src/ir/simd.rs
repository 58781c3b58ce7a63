//! The SIMD operator list: every lane operation of the `Simd` family, once, grouped by shape
//! (what it pops and pushes), each with its semantics as a closure over `u128` values (lane
//! 0 in the low bits). From it come the shape enums here (`SimdUn`, `SimdBin`, ...; the
//! `Simd` family in `list.rs` holds one of them per shape), the translator's mapping of
//! wasmparser operators of the same name (`translate::simd`), the executor's evaluation
//! (`exec/simd.rs`, where the helpers the closures call live: `map`, `zip`, `cmp`, ...) and the
//! undo log's cell counts (by shape, `debug::history`).
//!
//! **Where a new SIMD operator goes:** one line in its shape's group; nothing else.
//!
//! The groups (the closure's operands; `V` is `u128`, `Raw` a cell):
//! * `load { Name(n, |b: [u8; n]| -> V); }`: a v128 made of `n` bytes of memory;
//! * `splat { Name(|x: Raw| -> V); }`: a scalar to a v128;
//! * `extract { Name(|a: V, lane: u32| -> Raw); }`, `replace { Name(|a, lane, x: Raw| -> V); }`;
//! * `un`, `bin`, `tern { Name(|a, b, c| -> V); }`: v128 operands to a v128;
//! * `test { Name(|a: V| -> bool or u32); }`: a v128 to an i32;
//! * `shift { Name(|a: V, s: u32| -> V); }`: a v128 and an i32 count to a v128.
//!
//! **Relaxed SIMD** is deterministic here, one documented choice each (ARCHITECTURE.md,
//! README.md): what the non-relaxed counterpart does (swizzle, trunc_sat, min/max,
//! q15mulr_sat, bitselect), an unfused multiply and add for `madd`/`nmadd`, and for the dot
//! products the second operand's lanes read as signed, with wrapping i16 sums.

/// Calls `$m! { $($pre)* load { .. } splat { .. } .. }` with the whole SIMD operator list.
macro_rules! for_each_simd {
    ($m:ident $($pre:tt)*) => {
        $m! {
            $($pre)*
            load {
                V128Load(16, |b| u128::from_le_bytes(b));
                V128Load8x8S(8, |b| ext::<i8, i16>(u64::from_le_bytes(b) as V, 0, |x| x as i16));
                V128Load8x8U(8, |b| ext::<u8, u16>(u64::from_le_bytes(b) as V, 0, |x| x as u16));
                V128Load16x4S(8, |b| ext::<i16, i32>(u64::from_le_bytes(b) as V, 0, |x| x as i32));
                V128Load16x4U(8, |b| ext::<u16, u32>(u64::from_le_bytes(b) as V, 0, |x| x as u32));
                V128Load32x2S(8, |b| ext::<i32, i64>(u64::from_le_bytes(b) as V, 0, |x| x as i64));
                V128Load32x2U(8, |b| ext::<u32, u64>(u64::from_le_bytes(b) as V, 0, |x| x as u64));
                V128Load8Splat(1, |b| splat::<u8>(b[0]));
                V128Load16Splat(2, |b| splat::<u16>(u16::from_le_bytes(b)));
                V128Load32Splat(4, |b| splat::<u32>(u32::from_le_bytes(b)));
                V128Load64Splat(8, |b| splat::<u64>(u64::from_le_bytes(b)));
                V128Load32Zero(4, |b| u32::from_le_bytes(b) as V);
                V128Load64Zero(8, |b| u64::from_le_bytes(b) as V);
            }
            splat {
                I8x16Splat(|x| splat::<u8>(x as u8));
                I16x8Splat(|x| splat::<u16>(x as u16));
                I32x4Splat(|x| splat::<u32>(x as u32));
                I64x2Splat(|x| splat::<u64>(x));
                F32x4Splat(|x| splat::<u32>(x as u32));
                F64x2Splat(|x| splat::<u64>(x));
            }
            extract {
                I8x16ExtractLaneS(|a, i| get::<i8>(a, i) as i32 as u32 as Raw);
                I8x16ExtractLaneU(|a, i| get::<u8>(a, i) as Raw);
                I16x8ExtractLaneS(|a, i| get::<i16>(a, i) as i32 as u32 as Raw);
                I16x8ExtractLaneU(|a, i| get::<u16>(a, i) as Raw);
                I32x4ExtractLane(|a, i| get::<u32>(a, i) as Raw);
                I64x2ExtractLane(|a, i| get::<u64>(a, i));
                F32x4ExtractLane(|a, i| get::<u32>(a, i) as Raw);
                F64x2ExtractLane(|a, i| get::<u64>(a, i));
            }
            replace {
                I8x16ReplaceLane(|a, i, x| put::<u8>(a, i, x as u8));
                I16x8ReplaceLane(|a, i, x| put::<u16>(a, i, x as u16));
                I32x4ReplaceLane(|a, i, x| put::<u32>(a, i, x as u32));
                I64x2ReplaceLane(|a, i, x| put::<u64>(a, i, x));
                F32x4ReplaceLane(|a, i, x| put::<u32>(a, i, x as u32));
                F64x2ReplaceLane(|a, i, x| put::<u64>(a, i, x));
            }
            un {
                V128Not(|a| !a);
                I8x16Abs(|a| map::<i8>(a, i8::wrapping_abs));
                I8x16Neg(|a| map::<i8>(a, i8::wrapping_neg));
                I8x16Popcnt(|a| map::<u8>(a, |x| x.count_ones() as u8));
                I16x8Abs(|a| map::<i16>(a, i16::wrapping_abs));
                I16x8Neg(|a| map::<i16>(a, i16::wrapping_neg));
                I32x4Abs(|a| map::<i32>(a, i32::wrapping_abs));
                I32x4Neg(|a| map::<i32>(a, i32::wrapping_neg));
                I64x2Abs(|a| map::<i64>(a, i64::wrapping_abs));
                I64x2Neg(|a| map::<i64>(a, i64::wrapping_neg));
                I16x8ExtAddPairwiseI8x16S(|a| pairs::<i8, i16>(a, |x, y| x as i16 + y as i16));
                I16x8ExtAddPairwiseI8x16U(|a| pairs::<u8, u16>(a, |x, y| x as u16 + y as u16));
                I32x4ExtAddPairwiseI16x8S(|a| pairs::<i16, i32>(a, |x, y| x as i32 + y as i32));
                I32x4ExtAddPairwiseI16x8U(|a| pairs::<u16, u32>(a, |x, y| x as u32 + y as u32));
                I16x8ExtendLowI8x16S(|a| ext::<i8, i16>(a, 0, |x| x as i16));
                I16x8ExtendHighI8x16S(|a| ext::<i8, i16>(a, 1, |x| x as i16));
                I16x8ExtendLowI8x16U(|a| ext::<u8, u16>(a, 0, |x| x as u16));
                I16x8ExtendHighI8x16U(|a| ext::<u8, u16>(a, 1, |x| x as u16));
                I32x4ExtendLowI16x8S(|a| ext::<i16, i32>(a, 0, |x| x as i32));
                I32x4ExtendHighI16x8S(|a| ext::<i16, i32>(a, 1, |x| x as i32));
                I32x4ExtendLowI16x8U(|a| ext::<u16, u32>(a, 0, |x| x as u32));
                I32x4ExtendHighI16x8U(|a| ext::<u16, u32>(a, 1, |x| x as u32));
                I64x2ExtendLowI32x4S(|a| ext::<i32, i64>(a, 0, |x| x as i64));
                I64x2ExtendHighI32x4S(|a| ext::<i32, i64>(a, 1, |x| x as i64));
                I64x2ExtendLowI32x4U(|a| ext::<u32, u64>(a, 0, |x| x as u64));
                I64x2ExtendHighI32x4U(|a| ext::<u32, u64>(a, 1, |x| x as u64));
                F32x4Ceil(|a| map::<f32>(a, |x| num::quiet_f32(x.ceil())));
                F32x4Floor(|a| map::<f32>(a, |x| num::quiet_f32(x.floor())));
                F32x4Trunc(|a| map::<f32>(a, |x| num::quiet_f32(x.trunc())));
                F32x4Nearest(|a| map::<f32>(a, |x| num::quiet_f32(x.round_ties_even())));
                F32x4Abs(|a| map::<u32>(a, |x| x & 0x7fff_ffff));
                F32x4Neg(|a| map::<u32>(a, |x| x ^ 0x8000_0000));
                F32x4Sqrt(|a| map::<f32>(a, |x| num::quiet_f32(x.sqrt())));
                F64x2Ceil(|a| map::<f64>(a, |x| num::quiet_f64(x.ceil())));
                F64x2Floor(|a| map::<f64>(a, |x| num::quiet_f64(x.floor())));
                F64x2Trunc(|a| map::<f64>(a, |x| num::quiet_f64(x.trunc())));
                F64x2Nearest(|a| map::<f64>(a, |x| num::quiet_f64(x.round_ties_even())));
                F64x2Abs(|a| map::<u64>(a, |x| x & 0x7fff_ffff_ffff_ffff));
                F64x2Neg(|a| map::<u64>(a, |x| x ^ 0x8000_0000_0000_0000));
                F64x2Sqrt(|a| map::<f64>(a, |x| num::quiet_f64(x.sqrt())));
                // `as` from float to int saturates and maps NaN to 0: exactly trunc_sat.
                I32x4TruncSatF32x4S(|a| conv::<f32, i32>(a, |x| x as i32));
                I32x4TruncSatF32x4U(|a| conv::<f32, u32>(a, |x| x as u32));
                F32x4ConvertI32x4S(|a| conv::<i32, f32>(a, |x| x as f32));
                F32x4ConvertI32x4U(|a| conv::<u32, f32>(a, |x| x as f32));
                I32x4TruncSatF64x2SZero(|a| conv::<f64, i32>(a, |x| x as i32));
                I32x4TruncSatF64x2UZero(|a| conv::<f64, u32>(a, |x| x as u32));
                F64x2ConvertLowI32x4S(|a| conv::<i32, f64>(a, |x| x as f64));
                F64x2ConvertLowI32x4U(|a| conv::<u32, f64>(a, |x| x as f64));
                F32x4DemoteF64x2Zero(|a| conv::<f64, f32>(a, |x| x as f32));
                F64x2PromoteLowF32x4(|a| conv::<f32, f64>(a, |x| x as f64));
                // Relaxed: as the non-relaxed trunc_sat.
                I32x4RelaxedTruncF32x4S(|a| conv::<f32, i32>(a, |x| x as i32));
                I32x4RelaxedTruncF32x4U(|a| conv::<f32, u32>(a, |x| x as u32));
                I32x4RelaxedTruncF64x2SZero(|a| conv::<f64, i32>(a, |x| x as i32));
                I32x4RelaxedTruncF64x2UZero(|a| conv::<f64, u32>(a, |x| x as u32));
            }
            bin {
                I8x16Swizzle(|a, b| swizzle(a, b));
                I8x16Eq(|a, b| cmp::<i8>(a, b, |x, y| x == y));
                I8x16Ne(|a, b| cmp::<i8>(a, b, |x, y| x != y));
                I8x16LtS(|a, b| cmp::<i8>(a, b, |x, y| x < y));
                I8x16LtU(|a, b| cmp::<u8>(a, b, |x, y| x < y));
                I8x16GtS(|a, b| cmp::<i8>(a, b, |x, y| x > y));
                I8x16GtU(|a, b| cmp::<u8>(a, b, |x, y| x > y));
                I8x16LeS(|a, b| cmp::<i8>(a, b, |x, y| x <= y));
                I8x16LeU(|a, b| cmp::<u8>(a, b, |x, y| x <= y));
                I8x16GeS(|a, b| cmp::<i8>(a, b, |x, y| x >= y));
                I8x16GeU(|a, b| cmp::<u8>(a, b, |x, y| x >= y));
                I16x8Eq(|a, b| cmp::<i16>(a, b, |x, y| x == y));
                I16x8Ne(|a, b| cmp::<i16>(a, b, |x, y| x != y));
                I16x8LtS(|a, b| cmp::<i16>(a, b, |x, y| x < y));
                I16x8LtU(|a, b| cmp::<u16>(a, b, |x, y| x < y));
                I16x8GtS(|a, b| cmp::<i16>(a, b, |x, y| x > y));
                I16x8GtU(|a, b| cmp::<u16>(a, b, |x, y| x > y));
                I16x8LeS(|a, b| cmp::<i16>(a, b, |x, y| x <= y));
                I16x8LeU(|a, b| cmp::<u16>(a, b, |x, y| x <= y));
                I16x8GeS(|a, b| cmp::<i16>(a, b, |x, y| x >= y));
                I16x8GeU(|a, b| cmp::<u16>(a, b, |x, y| x >= y));
                I32x4Eq(|a, b| cmp::<i32>(a, b, |x, y| x == y));
                I32x4Ne(|a, b| cmp::<i32>(a, b, |x, y| x != y));
                I32x4LtS(|a, b| cmp::<i32>(a, b, |x, y| x < y));
                I32x4LtU(|a, b| cmp::<u32>(a, b, |x, y| x < y));
                I32x4GtS(|a, b| cmp::<i32>(a, b, |x, y| x > y));
                I32x4GtU(|a, b| cmp::<u32>(a, b, |x, y| x > y));
                I32x4LeS(|a, b| cmp::<i32>(a, b, |x, y| x <= y));
                I32x4LeU(|a, b| cmp::<u32>(a, b, |x, y| x <= y));
                I32x4GeS(|a, b| cmp::<i32>(a, b, |x, y| x >= y));
                I32x4GeU(|a, b| cmp::<u32>(a, b, |x, y| x >= y));
                I64x2Eq(|a, b| cmp::<i64>(a, b, |x, y| x == y));
                I64x2Ne(|a, b| cmp::<i64>(a, b, |x, y| x != y));
                I64x2LtS(|a, b| cmp::<i64>(a, b, |x, y| x < y));
                I64x2GtS(|a, b| cmp::<i64>(a, b, |x, y| x > y));
                I64x2LeS(|a, b| cmp::<i64>(a, b, |x, y| x <= y));
                I64x2GeS(|a, b| cmp::<i64>(a, b, |x, y| x >= y));
                F32x4Eq(|a, b| cmp::<f32>(a, b, |x, y| x == y));
                F32x4Ne(|a, b| cmp::<f32>(a, b, |x, y| x != y));
                F32x4Lt(|a, b| cmp::<f32>(a, b, |x, y| x < y));
                F32x4Gt(|a, b| cmp::<f32>(a, b, |x, y| x > y));
                F32x4Le(|a, b| cmp::<f32>(a, b, |x, y| x <= y));
                F32x4Ge(|a, b| cmp::<f32>(a, b, |x, y| x >= y));
                F64x2Eq(|a, b| cmp::<f64>(a, b, |x, y| x == y));
                F64x2Ne(|a, b| cmp::<f64>(a, b, |x, y| x != y));
                F64x2Lt(|a, b| cmp::<f64>(a, b, |x, y| x < y));
                F64x2Gt(|a, b| cmp::<f64>(a, b, |x, y| x > y));
                F64x2Le(|a, b| cmp::<f64>(a, b, |x, y| x <= y));
                F64x2Ge(|a, b| cmp::<f64>(a, b, |x, y| x >= y));
                V128And(|a, b| a & b);
                V128AndNot(|a, b| a & !b);
                V128Or(|a, b| a | b);
                V128Xor(|a, b| a ^ b);
                I8x16NarrowI16x8S(|a, b| narrow::<i16, i8>(a, b, |x| x.clamp(-128, 127) as i8));
                I8x16NarrowI16x8U(|a, b| narrow::<i16, u8>(a, b, |x| x.clamp(0, 255) as u8));
                I16x8NarrowI32x4S(|a, b| narrow::<i32, i16>(a, b, |x| x.clamp(-32768, 32767) as i16));
                I16x8NarrowI32x4U(|a, b| narrow::<i32, u16>(a, b, |x| x.clamp(0, 65535) as u16));
                I8x16Add(|a, b| zip::<u8>(a, b, u8::wrapping_add));
                I8x16AddSatS(|a, b| zip::<i8>(a, b, i8::saturating_add));
                I8x16AddSatU(|a, b| zip::<u8>(a, b, u8::saturating_add));
                I8x16Sub(|a, b| zip::<u8>(a, b, u8::wrapping_sub));
                I8x16SubSatS(|a, b| zip::<i8>(a, b, i8::saturating_sub));
                I8x16SubSatU(|a, b| zip::<u8>(a, b, u8::saturating_sub));
                I8x16MinS(|a, b| zip::<i8>(a, b, i8::min));
                I8x16MinU(|a, b| zip::<u8>(a, b, u8::min));
                I8x16MaxS(|a, b| zip::<i8>(a, b, i8::max));
                I8x16MaxU(|a, b| zip::<u8>(a, b, u8::max));
                I8x16AvgrU(|a, b| zip::<u8>(a, b, |x, y| ((x as u16 + y as u16 + 1) >> 1) as u8));
                I16x8Q15MulrSatS(|a, b| zip::<i16>(a, b, q15mulr));
                I16x8Add(|a, b| zip::<u16>(a, b, u16::wrapping_add));
                I16x8AddSatS(|a, b| zip::<i16>(a, b, i16::saturating_add));
                I16x8AddSatU(|a, b| zip::<u16>(a, b, u16::saturating_add));
                I16x8Sub(|a, b| zip::<u16>(a, b, u16::wrapping_sub));
                I16x8SubSatS(|a, b| zip::<i16>(a, b, i16::saturating_sub));
                I16x8SubSatU(|a, b| zip::<u16>(a, b, u16::saturating_sub));
                I16x8Mul(|a, b| zip::<u16>(a, b, u16::wrapping_mul));
                I16x8MinS(|a, b| zip::<i16>(a, b, i16::min));
                I16x8MinU(|a, b| zip::<u16>(a, b, u16::min));
                I16x8MaxS(|a, b| zip::<i16>(a, b, i16::max));
                I16x8MaxU(|a, b| zip::<u16>(a, b, u16::max));
                I16x8AvgrU(|a, b| zip::<u16>(a, b, |x, y| ((x as u32 + y as u32 + 1) >> 1) as u16));
                I16x8ExtMulLowI8x16S(|a, b| ext2::<i8, i16>(a, b, 0, |x, y| x as i16 * y as i16));
                I16x8ExtMulHighI8x16S(|a, b| ext2::<i8, i16>(a, b, 1, |x, y| x as i16 * y as i16));
                I16x8ExtMulLowI8x16U(|a, b| ext2::<u8, u16>(a, b, 0, |x, y| x as u16 * y as u16));
                I16x8ExtMulHighI8x16U(|a, b| ext2::<u8, u16>(a, b, 1, |x, y| x as u16 * y as u16));
                I32x4Add(|a, b| zip::<u32>(a, b, u32::wrapping_add));
                I32x4Sub(|a, b| zip::<u32>(a, b, u32::wrapping_sub));
                I32x4Mul(|a, b| zip::<u32>(a, b, u32::wrapping_mul));
                I32x4MinS(|a, b| zip::<i32>(a, b, i32::min));
                I32x4MinU(|a, b| zip::<u32>(a, b, u32::min));
                I32x4MaxS(|a, b| zip::<i32>(a, b, i32::max));
                I32x4MaxU(|a, b| zip::<u32>(a, b, u32::max));
                I32x4DotI16x8S(|a, b| dot::<i16, i32>(a, b, |p, q| (p as i32 * q as i32)));
                I32x4ExtMulLowI16x8S(|a, b| ext2::<i16, i32>(a, b, 0, |x, y| x as i32 * y as i32));
                I32x4ExtMulHighI16x8S(|a, b| ext2::<i16, i32>(a, b, 1, |x, y| x as i32 * y as i32));
                I32x4ExtMulLowI16x8U(|a, b| ext2::<u16, u32>(a, b, 0, |x, y| x as u32 * y as u32));
                I32x4ExtMulHighI16x8U(|a, b| ext2::<u16, u32>(a, b, 1, |x, y| x as u32 * y as u32));
                I64x2Add(|a, b| zip::<u64>(a, b, u64::wrapping_add));
                I64x2Sub(|a, b| zip::<u64>(a, b, u64::wrapping_sub));
                I64x2Mul(|a, b| zip::<u64>(a, b, u64::wrapping_mul));
                I64x2ExtMulLowI32x4S(|a, b| ext2::<i32, i64>(a, b, 0, |x, y| x as i64 * y as i64));
                I64x2ExtMulHighI32x4S(|a, b| ext2::<i32, i64>(a, b, 1, |x, y| x as i64 * y as i64));
                I64x2ExtMulLowI32x4U(|a, b| ext2::<u32, u64>(a, b, 0, |x, y| x as u64 * y as u64));
                I64x2ExtMulHighI32x4U(|a, b| ext2::<u32, u64>(a, b, 1, |x, y| x as u64 * y as u64));
                F32x4Add(|a, b| zip::<f32>(a, b, |x, y| num::arith_f32(x + y, x, y)));
                F32x4Sub(|a, b| zip::<f32>(a, b, |x, y| num::arith_f32(x - y, x, y)));
                F32x4Mul(|a, b| zip::<f32>(a, b, |x, y| num::arith_f32(x * y, x, y)));
                F32x4Div(|a, b| zip::<f32>(a, b, |x, y| num::arith_f32(x / y, x, y)));
                F32x4Min(|a, b| zip::<f32>(a, b, num::f32_min));
                F32x4Max(|a, b| zip::<f32>(a, b, num::f32_max));
                F32x4PMin(|a, b| zip::<f32>(a, b, |x, y| if y < x { y } else { x }));
                F32x4PMax(|a, b| zip::<f32>(a, b, |x, y| if x < y { y } else { x }));
                F64x2Add(|a, b| zip::<f64>(a, b, |x, y| num::arith_f64(x + y, x, y)));
                F64x2Sub(|a, b| zip::<f64>(a, b, |x, y| num::arith_f64(x - y, x, y)));
                F64x2Mul(|a, b| zip::<f64>(a, b, |x, y| num::arith_f64(x * y, x, y)));
                F64x2Div(|a, b| zip::<f64>(a, b, |x, y| num::arith_f64(x / y, x, y)));
                F64x2Min(|a, b| zip::<f64>(a, b, num::f64_min));
                F64x2Max(|a, b| zip::<f64>(a, b, num::f64_max));
                F64x2PMin(|a, b| zip::<f64>(a, b, |x, y| if y < x { y } else { x }));
                F64x2PMax(|a, b| zip::<f64>(a, b, |x, y| if x < y { y } else { x }));
                // Relaxed: as swizzle, min, max, q15mulr_sat; the dot product with signed lanes.
                I8x16RelaxedSwizzle(|a, b| swizzle(a, b));
                F32x4RelaxedMin(|a, b| zip::<f32>(a, b, num::f32_min));
                F32x4RelaxedMax(|a, b| zip::<f32>(a, b, num::f32_max));
                F64x2RelaxedMin(|a, b| zip::<f64>(a, b, num::f64_min));
                F64x2RelaxedMax(|a, b| zip::<f64>(a, b, num::f64_max));
                I16x8RelaxedQ15mulrS(|a, b| zip::<i16>(a, b, q15mulr));
                I16x8RelaxedDotI8x16I7x16S(|a, b| relaxed_dot(a, b));
            }
            tern {
                V128Bitselect(|a, b, c| (a & c) | (b & !c));
                // Relaxed: a multiply, then an add (two roundings); `nmadd` negates the product.
                F32x4RelaxedMadd(|a, b, c| zip::<f32>(zip::<f32>(a, b, |x, y| num::arith_f32(x * y, x, y)), c, |x, y| num::arith_f32(x + y, x, y)));
                F32x4RelaxedNmadd(|a, b, c| zip::<f32>(zip::<f32>(a, b, |x, y| num::arith_f32(-x * y, x, y)), c, |x, y| num::arith_f32(x + y, x, y)));
                F64x2RelaxedMadd(|a, b, c| zip::<f64>(zip::<f64>(a, b, |x, y| num::arith_f64(x * y, x, y)), c, |x, y| num::arith_f64(x + y, x, y)));
                F64x2RelaxedNmadd(|a, b, c| zip::<f64>(zip::<f64>(a, b, |x, y| num::arith_f64(-x * y, x, y)), c, |x, y| num::arith_f64(x + y, x, y)));
                // Relaxed: as bitselect.
                I8x16RelaxedLaneselect(|a, b, c| (a & c) | (b & !c));
                I16x8RelaxedLaneselect(|a, b, c| (a & c) | (b & !c));
                I32x4RelaxedLaneselect(|a, b, c| (a & c) | (b & !c));
                I64x2RelaxedLaneselect(|a, b, c| (a & c) | (b & !c));
                // Relaxed: the i16 dot product above, its pairs added, plus `c`.
                I32x4RelaxedDotI8x16I7x16AddS(|a, b, c| zip::<u32>(pairs::<i16, i32>(relaxed_dot(a, b), |x, y| x as i32 + y as i32), c, u32::wrapping_add));
            }
            test {
                V128AnyTrue(|a| a != 0);
                I8x16AllTrue(|a| all::<u8>(a));
                I16x8AllTrue(|a| all::<u16>(a));
                I32x4AllTrue(|a| all::<u32>(a));
                I64x2AllTrue(|a| all::<u64>(a));
                I8x16Bitmask(|a| bitmask::<i8>(a));
                I16x8Bitmask(|a| bitmask::<i16>(a));
                I32x4Bitmask(|a| bitmask::<i32>(a));
                I64x2Bitmask(|a| bitmask::<i64>(a));
            }
            shift {
                // The count is taken modulo the lane width (`wrapping_shl` masks it so).
                I8x16Shl(|a, s| shifts::<u8>(a, s, u8::wrapping_shl));
                I8x16ShrS(|a, s| shifts::<i8>(a, s, i8::wrapping_shr));
                I8x16ShrU(|a, s| shifts::<u8>(a, s, u8::wrapping_shr));
                I16x8Shl(|a, s| shifts::<u16>(a, s, u16::wrapping_shl));
                I16x8ShrS(|a, s| shifts::<i16>(a, s, i16::wrapping_shr));
                I16x8ShrU(|a, s| shifts::<u16>(a, s, u16::wrapping_shr));
                I32x4Shl(|a, s| shifts::<u32>(a, s, u32::wrapping_shl));
                I32x4ShrS(|a, s| shifts::<i32>(a, s, i32::wrapping_shr));
                I32x4ShrU(|a, s| shifts::<u32>(a, s, u32::wrapping_shr));
                I64x2Shl(|a, s| shifts::<u64>(a, s, u64::wrapping_shl));
                I64x2ShrS(|a, s| shifts::<i64>(a, s, i64::wrapping_shr));
                I64x2ShrU(|a, s| shifts::<u64>(a, s, u64::wrapping_shr));
            }
        }
    };
}
pub(crate) use for_each_simd;

/// Makes the shape enums from the list.
macro_rules! define_simd {
    (
        load { $( $l:ident ( $ln:literal, $($_ld:tt)* ) ; )* }
        splat { $( $sp:ident $_spd:tt ; )* }
        extract { $( $ex:ident $_exd:tt ; )* }
        replace { $( $re:ident $_red:tt ; )* }
        un { $( $u:ident $_ud:tt ; )* }
        bin { $( $b:ident $_bd:tt ; )* }
        tern { $( $t:ident $_td:tt ; )* }
        test { $( $q:ident $_qd:tt ; )* }
        shift { $( $sh:ident $_shd:tt ; )* }
    ) => {
        /// A v128 load (`Simd::Load`): which, and how many bytes it reads (`width`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum SimdLoad { $($l,)* }
        impl SimdLoad {
            pub const fn width(self) -> u32 {
                match self { $(SimdLoad::$l => $ln,)* }
            }
        }
        /// A scalar to a v128 (`Simd::Splat`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum SimdSplat { $($sp,)* }
        /// A lane to a scalar (`Simd::Extract`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum SimdExtract { $($ex,)* }
        /// A v128 with one lane replaced by a scalar (`Simd::Replace`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum SimdReplace { $($re,)* }
        /// One v128 to one (`Simd::Un`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum SimdUn { $($u,)* }
        /// Two v128 to one (`Simd::Bin`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum SimdBin { $($b,)* }
        /// Three v128 to one (`Simd::Tern`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum SimdTern { $($t,)* }
        /// A v128 to an i32 (`Simd::Test`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum SimdTest { $($q,)* }
        /// A v128 and an i32 count to a v128 (`Simd::Shift`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum SimdShift { $($sh,)* }
    };
}
for_each_simd!(define_simd);

/// The width of a lane that `load*_lane`/`store*_lane` move (`Simd::LoadLane`, `StoreLane`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SimdLane {
    L8,
    L16,
    L32,
    L64,
}

impl SimdLane {
    /// Its width in bytes.
    pub const fn width(self) -> u32 {
        match self {
            SimdLane::L8 => 1,
            SimdLane::L16 => 2,
            SimdLane::L32 => 4,
            SimdLane::L64 => 8,
        }
    }
}
