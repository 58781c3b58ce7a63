//! The instruction families' table: one row for every instruction of SIMD, relaxed SIMD,
//! threads (atomics), wide arithmetic, tail calls, exception handling (legacy included,
//! `EXN_ROWS`, each in a body where it runs) and GC (but the two casting branches,
//! `WITHOUT_ROW`), and for every memory instruction of
//! WebAssembly 2.0 (loads, stores, `memory.*`), those run on each of three memories
//! (multi-memory): a 32-bit one, a shared 64-bit one (memory64, threads) and a 64-bit one
//! of 1-byte pages (custom page sizes).
//!
//! For each row a module pushes the operands with constants, and the debugger single-steps
//! to the instruction and over it. Checked: its disassembly text (the debugger's line at
//! its offset) starts with the row's mnemonic, the step records one undo entry and leaves
//! nothing outside the machine un-rewound, the step back restores the exact previous state
//! (snapshot, floats by their bits, every memory, whole, and the GC heap), and stepping forward again
//! gives the same state as the first time.
//!
//! The rows are checked against wasmparser's operator list (`for_each_operator!`): an
//! operator of those proposals (or a 2.0 operator with a memory immediate) without a row
//! fails `every_operator_has_a_row`.

use std::collections::BTreeSet;
use wasmscope::debug::{Config, MemoryView, Session, Snapshot, StopReason};
use wasmscope::{Limits, Value};

/// Which memories a row's instruction runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mem {
    /// Not a memory instruction.
    No,
    /// Each of the three memories.
    Each,
    /// The shared one only (`memory.atomic.wait32/64` trap on an unshared memory).
    Shared,
}

/// An instruction: wasmparser's `Operator` variant, the text-format mnemonic, the operand
/// types (`i` i32, `I` i64, `f` f32, `F` f64, `v` v128, `a` an address of the memory's
/// index type), the immediates after the memory and its `offset=8`, and its memories.
struct Row {
    op: &'static str,
    text: &'static str,
    args: &'static str,
    imm: &'static str,
    mem: Mem,
}

const fn row(op: &'static str, text: &'static str, args: &'static str, imm: &'static str, mem: Mem) -> Row {
    Row { op, text, args, imm, mem }
}

#[rustfmt::skip]
const ROWS: &[Row] = &[
    row("V128Load", "v128.load", "a", "", Mem::Each),
    row("V128Load8x8S", "v128.load8x8_s", "a", "", Mem::Each),
    row("V128Load8x8U", "v128.load8x8_u", "a", "", Mem::Each),
    row("V128Load16x4S", "v128.load16x4_s", "a", "", Mem::Each),
    row("V128Load16x4U", "v128.load16x4_u", "a", "", Mem::Each),
    row("V128Load32x2S", "v128.load32x2_s", "a", "", Mem::Each),
    row("V128Load32x2U", "v128.load32x2_u", "a", "", Mem::Each),
    row("V128Load8Splat", "v128.load8_splat", "a", "", Mem::Each),
    row("V128Load16Splat", "v128.load16_splat", "a", "", Mem::Each),
    row("V128Load32Splat", "v128.load32_splat", "a", "", Mem::Each),
    row("V128Load64Splat", "v128.load64_splat", "a", "", Mem::Each),
    row("V128Load32Zero", "v128.load32_zero", "a", "", Mem::Each),
    row("V128Load64Zero", "v128.load64_zero", "a", "", Mem::Each),
    row("V128Store", "v128.store", "av", "", Mem::Each),
    row("V128Load8Lane", "v128.load8_lane", "av", "1", Mem::Each),
    row("V128Load16Lane", "v128.load16_lane", "av", "1", Mem::Each),
    row("V128Load32Lane", "v128.load32_lane", "av", "1", Mem::Each),
    row("V128Load64Lane", "v128.load64_lane", "av", "1", Mem::Each),
    row("V128Store8Lane", "v128.store8_lane", "av", "1", Mem::Each),
    row("V128Store16Lane", "v128.store16_lane", "av", "1", Mem::Each),
    row("V128Store32Lane", "v128.store32_lane", "av", "1", Mem::Each),
    row("V128Store64Lane", "v128.store64_lane", "av", "1", Mem::Each),
    row("V128Const", "v128.const", "", "i32x4 0x01020304 0x8000007f 0x7fc00001 0x3fc00000", Mem::No),
    row("I8x16Shuffle", "i8x16.shuffle", "vv", "0 17 2 19 4 21 6 23 31 30 29 28 3 2 1 0", Mem::No),
    row("I8x16ExtractLaneS", "i8x16.extract_lane_s", "v", "1", Mem::No),
    row("I8x16ExtractLaneU", "i8x16.extract_lane_u", "v", "1", Mem::No),
    row("I8x16ReplaceLane", "i8x16.replace_lane", "vi", "1", Mem::No),
    row("I16x8ExtractLaneS", "i16x8.extract_lane_s", "v", "1", Mem::No),
    row("I16x8ExtractLaneU", "i16x8.extract_lane_u", "v", "1", Mem::No),
    row("I16x8ReplaceLane", "i16x8.replace_lane", "vi", "1", Mem::No),
    row("I32x4ExtractLane", "i32x4.extract_lane", "v", "1", Mem::No),
    row("I32x4ReplaceLane", "i32x4.replace_lane", "vi", "1", Mem::No),
    row("I64x2ExtractLane", "i64x2.extract_lane", "v", "1", Mem::No),
    row("I64x2ReplaceLane", "i64x2.replace_lane", "vI", "1", Mem::No),
    row("F32x4ExtractLane", "f32x4.extract_lane", "v", "1", Mem::No),
    row("F32x4ReplaceLane", "f32x4.replace_lane", "vf", "1", Mem::No),
    row("F64x2ExtractLane", "f64x2.extract_lane", "v", "1", Mem::No),
    row("F64x2ReplaceLane", "f64x2.replace_lane", "vF", "1", Mem::No),
    row("I8x16Swizzle", "i8x16.swizzle", "vv", "", Mem::No),
    row("I8x16Splat", "i8x16.splat", "i", "", Mem::No),
    row("I16x8Splat", "i16x8.splat", "i", "", Mem::No),
    row("I32x4Splat", "i32x4.splat", "i", "", Mem::No),
    row("I64x2Splat", "i64x2.splat", "I", "", Mem::No),
    row("F32x4Splat", "f32x4.splat", "f", "", Mem::No),
    row("F64x2Splat", "f64x2.splat", "F", "", Mem::No),
    row("I8x16Eq", "i8x16.eq", "vv", "", Mem::No),
    row("I8x16Ne", "i8x16.ne", "vv", "", Mem::No),
    row("I8x16LtS", "i8x16.lt_s", "vv", "", Mem::No),
    row("I8x16LtU", "i8x16.lt_u", "vv", "", Mem::No),
    row("I8x16GtS", "i8x16.gt_s", "vv", "", Mem::No),
    row("I8x16GtU", "i8x16.gt_u", "vv", "", Mem::No),
    row("I8x16LeS", "i8x16.le_s", "vv", "", Mem::No),
    row("I8x16LeU", "i8x16.le_u", "vv", "", Mem::No),
    row("I8x16GeS", "i8x16.ge_s", "vv", "", Mem::No),
    row("I8x16GeU", "i8x16.ge_u", "vv", "", Mem::No),
    row("I16x8Eq", "i16x8.eq", "vv", "", Mem::No),
    row("I16x8Ne", "i16x8.ne", "vv", "", Mem::No),
    row("I16x8LtS", "i16x8.lt_s", "vv", "", Mem::No),
    row("I16x8LtU", "i16x8.lt_u", "vv", "", Mem::No),
    row("I16x8GtS", "i16x8.gt_s", "vv", "", Mem::No),
    row("I16x8GtU", "i16x8.gt_u", "vv", "", Mem::No),
    row("I16x8LeS", "i16x8.le_s", "vv", "", Mem::No),
    row("I16x8LeU", "i16x8.le_u", "vv", "", Mem::No),
    row("I16x8GeS", "i16x8.ge_s", "vv", "", Mem::No),
    row("I16x8GeU", "i16x8.ge_u", "vv", "", Mem::No),
    row("I32x4Eq", "i32x4.eq", "vv", "", Mem::No),
    row("I32x4Ne", "i32x4.ne", "vv", "", Mem::No),
    row("I32x4LtS", "i32x4.lt_s", "vv", "", Mem::No),
    row("I32x4LtU", "i32x4.lt_u", "vv", "", Mem::No),
    row("I32x4GtS", "i32x4.gt_s", "vv", "", Mem::No),
    row("I32x4GtU", "i32x4.gt_u", "vv", "", Mem::No),
    row("I32x4LeS", "i32x4.le_s", "vv", "", Mem::No),
    row("I32x4LeU", "i32x4.le_u", "vv", "", Mem::No),
    row("I32x4GeS", "i32x4.ge_s", "vv", "", Mem::No),
    row("I32x4GeU", "i32x4.ge_u", "vv", "", Mem::No),
    row("I64x2Eq", "i64x2.eq", "vv", "", Mem::No),
    row("I64x2Ne", "i64x2.ne", "vv", "", Mem::No),
    row("I64x2LtS", "i64x2.lt_s", "vv", "", Mem::No),
    row("I64x2GtS", "i64x2.gt_s", "vv", "", Mem::No),
    row("I64x2LeS", "i64x2.le_s", "vv", "", Mem::No),
    row("I64x2GeS", "i64x2.ge_s", "vv", "", Mem::No),
    row("F32x4Eq", "f32x4.eq", "vv", "", Mem::No),
    row("F32x4Ne", "f32x4.ne", "vv", "", Mem::No),
    row("F32x4Lt", "f32x4.lt", "vv", "", Mem::No),
    row("F32x4Gt", "f32x4.gt", "vv", "", Mem::No),
    row("F32x4Le", "f32x4.le", "vv", "", Mem::No),
    row("F32x4Ge", "f32x4.ge", "vv", "", Mem::No),
    row("F64x2Eq", "f64x2.eq", "vv", "", Mem::No),
    row("F64x2Ne", "f64x2.ne", "vv", "", Mem::No),
    row("F64x2Lt", "f64x2.lt", "vv", "", Mem::No),
    row("F64x2Gt", "f64x2.gt", "vv", "", Mem::No),
    row("F64x2Le", "f64x2.le", "vv", "", Mem::No),
    row("F64x2Ge", "f64x2.ge", "vv", "", Mem::No),
    row("V128Not", "v128.not", "v", "", Mem::No),
    row("V128And", "v128.and", "vv", "", Mem::No),
    row("V128AndNot", "v128.andnot", "vv", "", Mem::No),
    row("V128Or", "v128.or", "vv", "", Mem::No),
    row("V128Xor", "v128.xor", "vv", "", Mem::No),
    row("V128Bitselect", "v128.bitselect", "vvv", "", Mem::No),
    row("V128AnyTrue", "v128.any_true", "v", "", Mem::No),
    row("I8x16Abs", "i8x16.abs", "v", "", Mem::No),
    row("I8x16Neg", "i8x16.neg", "v", "", Mem::No),
    row("I8x16Popcnt", "i8x16.popcnt", "v", "", Mem::No),
    row("I8x16AllTrue", "i8x16.all_true", "v", "", Mem::No),
    row("I8x16Bitmask", "i8x16.bitmask", "v", "", Mem::No),
    row("I8x16NarrowI16x8S", "i8x16.narrow_i16x8_s", "vv", "", Mem::No),
    row("I8x16NarrowI16x8U", "i8x16.narrow_i16x8_u", "vv", "", Mem::No),
    row("I8x16Shl", "i8x16.shl", "vi", "", Mem::No),
    row("I8x16ShrS", "i8x16.shr_s", "vi", "", Mem::No),
    row("I8x16ShrU", "i8x16.shr_u", "vi", "", Mem::No),
    row("I8x16Add", "i8x16.add", "vv", "", Mem::No),
    row("I8x16AddSatS", "i8x16.add_sat_s", "vv", "", Mem::No),
    row("I8x16AddSatU", "i8x16.add_sat_u", "vv", "", Mem::No),
    row("I8x16Sub", "i8x16.sub", "vv", "", Mem::No),
    row("I8x16SubSatS", "i8x16.sub_sat_s", "vv", "", Mem::No),
    row("I8x16SubSatU", "i8x16.sub_sat_u", "vv", "", Mem::No),
    row("I8x16MinS", "i8x16.min_s", "vv", "", Mem::No),
    row("I8x16MinU", "i8x16.min_u", "vv", "", Mem::No),
    row("I8x16MaxS", "i8x16.max_s", "vv", "", Mem::No),
    row("I8x16MaxU", "i8x16.max_u", "vv", "", Mem::No),
    row("I8x16AvgrU", "i8x16.avgr_u", "vv", "", Mem::No),
    row("I16x8ExtAddPairwiseI8x16S", "i16x8.extadd_pairwise_i8x16_s", "v", "", Mem::No),
    row("I16x8ExtAddPairwiseI8x16U", "i16x8.extadd_pairwise_i8x16_u", "v", "", Mem::No),
    row("I16x8Abs", "i16x8.abs", "v", "", Mem::No),
    row("I16x8Neg", "i16x8.neg", "v", "", Mem::No),
    row("I16x8Q15MulrSatS", "i16x8.q15mulr_sat_s", "vv", "", Mem::No),
    row("I16x8AllTrue", "i16x8.all_true", "v", "", Mem::No),
    row("I16x8Bitmask", "i16x8.bitmask", "v", "", Mem::No),
    row("I16x8NarrowI32x4S", "i16x8.narrow_i32x4_s", "vv", "", Mem::No),
    row("I16x8NarrowI32x4U", "i16x8.narrow_i32x4_u", "vv", "", Mem::No),
    row("I16x8ExtendLowI8x16S", "i16x8.extend_low_i8x16_s", "v", "", Mem::No),
    row("I16x8ExtendHighI8x16S", "i16x8.extend_high_i8x16_s", "v", "", Mem::No),
    row("I16x8ExtendLowI8x16U", "i16x8.extend_low_i8x16_u", "v", "", Mem::No),
    row("I16x8ExtendHighI8x16U", "i16x8.extend_high_i8x16_u", "v", "", Mem::No),
    row("I16x8Shl", "i16x8.shl", "vi", "", Mem::No),
    row("I16x8ShrS", "i16x8.shr_s", "vi", "", Mem::No),
    row("I16x8ShrU", "i16x8.shr_u", "vi", "", Mem::No),
    row("I16x8Add", "i16x8.add", "vv", "", Mem::No),
    row("I16x8AddSatS", "i16x8.add_sat_s", "vv", "", Mem::No),
    row("I16x8AddSatU", "i16x8.add_sat_u", "vv", "", Mem::No),
    row("I16x8Sub", "i16x8.sub", "vv", "", Mem::No),
    row("I16x8SubSatS", "i16x8.sub_sat_s", "vv", "", Mem::No),
    row("I16x8SubSatU", "i16x8.sub_sat_u", "vv", "", Mem::No),
    row("I16x8Mul", "i16x8.mul", "vv", "", Mem::No),
    row("I16x8MinS", "i16x8.min_s", "vv", "", Mem::No),
    row("I16x8MinU", "i16x8.min_u", "vv", "", Mem::No),
    row("I16x8MaxS", "i16x8.max_s", "vv", "", Mem::No),
    row("I16x8MaxU", "i16x8.max_u", "vv", "", Mem::No),
    row("I16x8AvgrU", "i16x8.avgr_u", "vv", "", Mem::No),
    row("I16x8ExtMulLowI8x16S", "i16x8.extmul_low_i8x16_s", "vv", "", Mem::No),
    row("I16x8ExtMulHighI8x16S", "i16x8.extmul_high_i8x16_s", "vv", "", Mem::No),
    row("I16x8ExtMulLowI8x16U", "i16x8.extmul_low_i8x16_u", "vv", "", Mem::No),
    row("I16x8ExtMulHighI8x16U", "i16x8.extmul_high_i8x16_u", "vv", "", Mem::No),
    row("I32x4ExtAddPairwiseI16x8S", "i32x4.extadd_pairwise_i16x8_s", "v", "", Mem::No),
    row("I32x4ExtAddPairwiseI16x8U", "i32x4.extadd_pairwise_i16x8_u", "v", "", Mem::No),
    row("I32x4Abs", "i32x4.abs", "v", "", Mem::No),
    row("I32x4Neg", "i32x4.neg", "v", "", Mem::No),
    row("I32x4AllTrue", "i32x4.all_true", "v", "", Mem::No),
    row("I32x4Bitmask", "i32x4.bitmask", "v", "", Mem::No),
    row("I32x4ExtendLowI16x8S", "i32x4.extend_low_i16x8_s", "v", "", Mem::No),
    row("I32x4ExtendHighI16x8S", "i32x4.extend_high_i16x8_s", "v", "", Mem::No),
    row("I32x4ExtendLowI16x8U", "i32x4.extend_low_i16x8_u", "v", "", Mem::No),
    row("I32x4ExtendHighI16x8U", "i32x4.extend_high_i16x8_u", "v", "", Mem::No),
    row("I32x4Shl", "i32x4.shl", "vi", "", Mem::No),
    row("I32x4ShrS", "i32x4.shr_s", "vi", "", Mem::No),
    row("I32x4ShrU", "i32x4.shr_u", "vi", "", Mem::No),
    row("I32x4Add", "i32x4.add", "vv", "", Mem::No),
    row("I32x4Sub", "i32x4.sub", "vv", "", Mem::No),
    row("I32x4Mul", "i32x4.mul", "vv", "", Mem::No),
    row("I32x4MinS", "i32x4.min_s", "vv", "", Mem::No),
    row("I32x4MinU", "i32x4.min_u", "vv", "", Mem::No),
    row("I32x4MaxS", "i32x4.max_s", "vv", "", Mem::No),
    row("I32x4MaxU", "i32x4.max_u", "vv", "", Mem::No),
    row("I32x4DotI16x8S", "i32x4.dot_i16x8_s", "vv", "", Mem::No),
    row("I32x4ExtMulLowI16x8S", "i32x4.extmul_low_i16x8_s", "vv", "", Mem::No),
    row("I32x4ExtMulHighI16x8S", "i32x4.extmul_high_i16x8_s", "vv", "", Mem::No),
    row("I32x4ExtMulLowI16x8U", "i32x4.extmul_low_i16x8_u", "vv", "", Mem::No),
    row("I32x4ExtMulHighI16x8U", "i32x4.extmul_high_i16x8_u", "vv", "", Mem::No),
    row("I64x2Abs", "i64x2.abs", "v", "", Mem::No),
    row("I64x2Neg", "i64x2.neg", "v", "", Mem::No),
    row("I64x2AllTrue", "i64x2.all_true", "v", "", Mem::No),
    row("I64x2Bitmask", "i64x2.bitmask", "v", "", Mem::No),
    row("I64x2ExtendLowI32x4S", "i64x2.extend_low_i32x4_s", "v", "", Mem::No),
    row("I64x2ExtendHighI32x4S", "i64x2.extend_high_i32x4_s", "v", "", Mem::No),
    row("I64x2ExtendLowI32x4U", "i64x2.extend_low_i32x4_u", "v", "", Mem::No),
    row("I64x2ExtendHighI32x4U", "i64x2.extend_high_i32x4_u", "v", "", Mem::No),
    row("I64x2Shl", "i64x2.shl", "vi", "", Mem::No),
    row("I64x2ShrS", "i64x2.shr_s", "vi", "", Mem::No),
    row("I64x2ShrU", "i64x2.shr_u", "vi", "", Mem::No),
    row("I64x2Add", "i64x2.add", "vv", "", Mem::No),
    row("I64x2Sub", "i64x2.sub", "vv", "", Mem::No),
    row("I64x2Mul", "i64x2.mul", "vv", "", Mem::No),
    row("I64x2ExtMulLowI32x4S", "i64x2.extmul_low_i32x4_s", "vv", "", Mem::No),
    row("I64x2ExtMulHighI32x4S", "i64x2.extmul_high_i32x4_s", "vv", "", Mem::No),
    row("I64x2ExtMulLowI32x4U", "i64x2.extmul_low_i32x4_u", "vv", "", Mem::No),
    row("I64x2ExtMulHighI32x4U", "i64x2.extmul_high_i32x4_u", "vv", "", Mem::No),
    row("F32x4Ceil", "f32x4.ceil", "v", "", Mem::No),
    row("F32x4Floor", "f32x4.floor", "v", "", Mem::No),
    row("F32x4Trunc", "f32x4.trunc", "v", "", Mem::No),
    row("F32x4Nearest", "f32x4.nearest", "v", "", Mem::No),
    row("F32x4Abs", "f32x4.abs", "v", "", Mem::No),
    row("F32x4Neg", "f32x4.neg", "v", "", Mem::No),
    row("F32x4Sqrt", "f32x4.sqrt", "v", "", Mem::No),
    row("F32x4Add", "f32x4.add", "vv", "", Mem::No),
    row("F32x4Sub", "f32x4.sub", "vv", "", Mem::No),
    row("F32x4Mul", "f32x4.mul", "vv", "", Mem::No),
    row("F32x4Div", "f32x4.div", "vv", "", Mem::No),
    row("F32x4Min", "f32x4.min", "vv", "", Mem::No),
    row("F32x4Max", "f32x4.max", "vv", "", Mem::No),
    row("F32x4PMin", "f32x4.pmin", "vv", "", Mem::No),
    row("F32x4PMax", "f32x4.pmax", "vv", "", Mem::No),
    row("F64x2Ceil", "f64x2.ceil", "v", "", Mem::No),
    row("F64x2Floor", "f64x2.floor", "v", "", Mem::No),
    row("F64x2Trunc", "f64x2.trunc", "v", "", Mem::No),
    row("F64x2Nearest", "f64x2.nearest", "v", "", Mem::No),
    row("F64x2Abs", "f64x2.abs", "v", "", Mem::No),
    row("F64x2Neg", "f64x2.neg", "v", "", Mem::No),
    row("F64x2Sqrt", "f64x2.sqrt", "v", "", Mem::No),
    row("F64x2Add", "f64x2.add", "vv", "", Mem::No),
    row("F64x2Sub", "f64x2.sub", "vv", "", Mem::No),
    row("F64x2Mul", "f64x2.mul", "vv", "", Mem::No),
    row("F64x2Div", "f64x2.div", "vv", "", Mem::No),
    row("F64x2Min", "f64x2.min", "vv", "", Mem::No),
    row("F64x2Max", "f64x2.max", "vv", "", Mem::No),
    row("F64x2PMin", "f64x2.pmin", "vv", "", Mem::No),
    row("F64x2PMax", "f64x2.pmax", "vv", "", Mem::No),
    row("I32x4TruncSatF32x4S", "i32x4.trunc_sat_f32x4_s", "v", "", Mem::No),
    row("I32x4TruncSatF32x4U", "i32x4.trunc_sat_f32x4_u", "v", "", Mem::No),
    row("F32x4ConvertI32x4S", "f32x4.convert_i32x4_s", "v", "", Mem::No),
    row("F32x4ConvertI32x4U", "f32x4.convert_i32x4_u", "v", "", Mem::No),
    row("I32x4TruncSatF64x2SZero", "i32x4.trunc_sat_f64x2_s_zero", "v", "", Mem::No),
    row("I32x4TruncSatF64x2UZero", "i32x4.trunc_sat_f64x2_u_zero", "v", "", Mem::No),
    row("F64x2ConvertLowI32x4S", "f64x2.convert_low_i32x4_s", "v", "", Mem::No),
    row("F64x2ConvertLowI32x4U", "f64x2.convert_low_i32x4_u", "v", "", Mem::No),
    row("F32x4DemoteF64x2Zero", "f32x4.demote_f64x2_zero", "v", "", Mem::No),
    row("F64x2PromoteLowF32x4", "f64x2.promote_low_f32x4", "v", "", Mem::No),
    row("I8x16RelaxedSwizzle", "i8x16.relaxed_swizzle", "vv", "", Mem::No),
    row("I32x4RelaxedTruncF32x4S", "i32x4.relaxed_trunc_f32x4_s", "v", "", Mem::No),
    row("I32x4RelaxedTruncF32x4U", "i32x4.relaxed_trunc_f32x4_u", "v", "", Mem::No),
    row("I32x4RelaxedTruncF64x2SZero", "i32x4.relaxed_trunc_f64x2_s_zero", "v", "", Mem::No),
    row("I32x4RelaxedTruncF64x2UZero", "i32x4.relaxed_trunc_f64x2_u_zero", "v", "", Mem::No),
    row("F32x4RelaxedMadd", "f32x4.relaxed_madd", "vvv", "", Mem::No),
    row("F32x4RelaxedNmadd", "f32x4.relaxed_nmadd", "vvv", "", Mem::No),
    row("F64x2RelaxedMadd", "f64x2.relaxed_madd", "vvv", "", Mem::No),
    row("F64x2RelaxedNmadd", "f64x2.relaxed_nmadd", "vvv", "", Mem::No),
    row("I8x16RelaxedLaneselect", "i8x16.relaxed_laneselect", "vvv", "", Mem::No),
    row("I16x8RelaxedLaneselect", "i16x8.relaxed_laneselect", "vvv", "", Mem::No),
    row("I32x4RelaxedLaneselect", "i32x4.relaxed_laneselect", "vvv", "", Mem::No),
    row("I64x2RelaxedLaneselect", "i64x2.relaxed_laneselect", "vvv", "", Mem::No),
    row("F32x4RelaxedMin", "f32x4.relaxed_min", "vv", "", Mem::No),
    row("F32x4RelaxedMax", "f32x4.relaxed_max", "vv", "", Mem::No),
    row("F64x2RelaxedMin", "f64x2.relaxed_min", "vv", "", Mem::No),
    row("F64x2RelaxedMax", "f64x2.relaxed_max", "vv", "", Mem::No),
    row("I16x8RelaxedQ15mulrS", "i16x8.relaxed_q15mulr_s", "vv", "", Mem::No),
    row("I16x8RelaxedDotI8x16I7x16S", "i16x8.relaxed_dot_i8x16_i7x16_s", "vv", "", Mem::No),
    row("I32x4RelaxedDotI8x16I7x16AddS", "i32x4.relaxed_dot_i8x16_i7x16_add_s", "vvv", "", Mem::No),
    row("MemoryAtomicNotify", "memory.atomic.notify", "ai", "", Mem::Each),
    row("MemoryAtomicWait32", "memory.atomic.wait32", "aiI", "", Mem::Shared),
    row("MemoryAtomicWait64", "memory.atomic.wait64", "aII", "", Mem::Shared),
    row("AtomicFence", "atomic.fence", "", "", Mem::No),
    row("I32AtomicLoad", "i32.atomic.load", "a", "", Mem::Each),
    row("I64AtomicLoad", "i64.atomic.load", "a", "", Mem::Each),
    row("I32AtomicLoad8U", "i32.atomic.load8_u", "a", "", Mem::Each),
    row("I32AtomicLoad16U", "i32.atomic.load16_u", "a", "", Mem::Each),
    row("I64AtomicLoad8U", "i64.atomic.load8_u", "a", "", Mem::Each),
    row("I64AtomicLoad16U", "i64.atomic.load16_u", "a", "", Mem::Each),
    row("I64AtomicLoad32U", "i64.atomic.load32_u", "a", "", Mem::Each),
    row("I32AtomicStore", "i32.atomic.store", "ai", "", Mem::Each),
    row("I64AtomicStore", "i64.atomic.store", "aI", "", Mem::Each),
    row("I32AtomicStore8", "i32.atomic.store8", "ai", "", Mem::Each),
    row("I32AtomicStore16", "i32.atomic.store16", "ai", "", Mem::Each),
    row("I64AtomicStore8", "i64.atomic.store8", "aI", "", Mem::Each),
    row("I64AtomicStore16", "i64.atomic.store16", "aI", "", Mem::Each),
    row("I64AtomicStore32", "i64.atomic.store32", "aI", "", Mem::Each),
    row("I32AtomicRmwAdd", "i32.atomic.rmw.add", "ai", "", Mem::Each),
    row("I64AtomicRmwAdd", "i64.atomic.rmw.add", "aI", "", Mem::Each),
    row("I32AtomicRmw8AddU", "i32.atomic.rmw8.add_u", "ai", "", Mem::Each),
    row("I32AtomicRmw16AddU", "i32.atomic.rmw16.add_u", "ai", "", Mem::Each),
    row("I64AtomicRmw8AddU", "i64.atomic.rmw8.add_u", "aI", "", Mem::Each),
    row("I64AtomicRmw16AddU", "i64.atomic.rmw16.add_u", "aI", "", Mem::Each),
    row("I64AtomicRmw32AddU", "i64.atomic.rmw32.add_u", "aI", "", Mem::Each),
    row("I32AtomicRmwSub", "i32.atomic.rmw.sub", "ai", "", Mem::Each),
    row("I64AtomicRmwSub", "i64.atomic.rmw.sub", "aI", "", Mem::Each),
    row("I32AtomicRmw8SubU", "i32.atomic.rmw8.sub_u", "ai", "", Mem::Each),
    row("I32AtomicRmw16SubU", "i32.atomic.rmw16.sub_u", "ai", "", Mem::Each),
    row("I64AtomicRmw8SubU", "i64.atomic.rmw8.sub_u", "aI", "", Mem::Each),
    row("I64AtomicRmw16SubU", "i64.atomic.rmw16.sub_u", "aI", "", Mem::Each),
    row("I64AtomicRmw32SubU", "i64.atomic.rmw32.sub_u", "aI", "", Mem::Each),
    row("I32AtomicRmwAnd", "i32.atomic.rmw.and", "ai", "", Mem::Each),
    row("I64AtomicRmwAnd", "i64.atomic.rmw.and", "aI", "", Mem::Each),
    row("I32AtomicRmw8AndU", "i32.atomic.rmw8.and_u", "ai", "", Mem::Each),
    row("I32AtomicRmw16AndU", "i32.atomic.rmw16.and_u", "ai", "", Mem::Each),
    row("I64AtomicRmw8AndU", "i64.atomic.rmw8.and_u", "aI", "", Mem::Each),
    row("I64AtomicRmw16AndU", "i64.atomic.rmw16.and_u", "aI", "", Mem::Each),
    row("I64AtomicRmw32AndU", "i64.atomic.rmw32.and_u", "aI", "", Mem::Each),
    row("I32AtomicRmwOr", "i32.atomic.rmw.or", "ai", "", Mem::Each),
    row("I64AtomicRmwOr", "i64.atomic.rmw.or", "aI", "", Mem::Each),
    row("I32AtomicRmw8OrU", "i32.atomic.rmw8.or_u", "ai", "", Mem::Each),
    row("I32AtomicRmw16OrU", "i32.atomic.rmw16.or_u", "ai", "", Mem::Each),
    row("I64AtomicRmw8OrU", "i64.atomic.rmw8.or_u", "aI", "", Mem::Each),
    row("I64AtomicRmw16OrU", "i64.atomic.rmw16.or_u", "aI", "", Mem::Each),
    row("I64AtomicRmw32OrU", "i64.atomic.rmw32.or_u", "aI", "", Mem::Each),
    row("I32AtomicRmwXor", "i32.atomic.rmw.xor", "ai", "", Mem::Each),
    row("I64AtomicRmwXor", "i64.atomic.rmw.xor", "aI", "", Mem::Each),
    row("I32AtomicRmw8XorU", "i32.atomic.rmw8.xor_u", "ai", "", Mem::Each),
    row("I32AtomicRmw16XorU", "i32.atomic.rmw16.xor_u", "ai", "", Mem::Each),
    row("I64AtomicRmw8XorU", "i64.atomic.rmw8.xor_u", "aI", "", Mem::Each),
    row("I64AtomicRmw16XorU", "i64.atomic.rmw16.xor_u", "aI", "", Mem::Each),
    row("I64AtomicRmw32XorU", "i64.atomic.rmw32.xor_u", "aI", "", Mem::Each),
    row("I32AtomicRmwXchg", "i32.atomic.rmw.xchg", "ai", "", Mem::Each),
    row("I64AtomicRmwXchg", "i64.atomic.rmw.xchg", "aI", "", Mem::Each),
    row("I32AtomicRmw8XchgU", "i32.atomic.rmw8.xchg_u", "ai", "", Mem::Each),
    row("I32AtomicRmw16XchgU", "i32.atomic.rmw16.xchg_u", "ai", "", Mem::Each),
    row("I64AtomicRmw8XchgU", "i64.atomic.rmw8.xchg_u", "aI", "", Mem::Each),
    row("I64AtomicRmw16XchgU", "i64.atomic.rmw16.xchg_u", "aI", "", Mem::Each),
    row("I64AtomicRmw32XchgU", "i64.atomic.rmw32.xchg_u", "aI", "", Mem::Each),
    row("I32AtomicRmwCmpxchg", "i32.atomic.rmw.cmpxchg", "aii", "", Mem::Each),
    row("I64AtomicRmwCmpxchg", "i64.atomic.rmw.cmpxchg", "aII", "", Mem::Each),
    row("I32AtomicRmw8CmpxchgU", "i32.atomic.rmw8.cmpxchg_u", "aii", "", Mem::Each),
    row("I32AtomicRmw16CmpxchgU", "i32.atomic.rmw16.cmpxchg_u", "aii", "", Mem::Each),
    row("I64AtomicRmw8CmpxchgU", "i64.atomic.rmw8.cmpxchg_u", "aII", "", Mem::Each),
    row("I64AtomicRmw16CmpxchgU", "i64.atomic.rmw16.cmpxchg_u", "aII", "", Mem::Each),
    row("I64AtomicRmw32CmpxchgU", "i64.atomic.rmw32.cmpxchg_u", "aII", "", Mem::Each),
    row("I64Add128", "i64.add128", "IIII", "", Mem::No),
    row("I64Sub128", "i64.sub128", "IIII", "", Mem::No),
    row("I64MulWideS", "i64.mul_wide_s", "II", "", Mem::No),
    row("I64MulWideU", "i64.mul_wide_u", "II", "", Mem::No),
    row("ReturnCall", "return_call", "iI", "$callee", Mem::No),
    row("ReturnCallIndirect", "return_call_indirect", "iIi", "$t32 (type $sig)", Mem::No),
    row("ReturnCallIndirect", "return_call_indirect", "iII", "$t64 (type $sig)", Mem::No),
    row("I32Load", "i32.load", "a", "", Mem::Each),
    row("I64Load", "i64.load", "a", "", Mem::Each),
    row("F32Load", "f32.load", "a", "", Mem::Each),
    row("F64Load", "f64.load", "a", "", Mem::Each),
    row("I32Load8S", "i32.load8_s", "a", "", Mem::Each),
    row("I32Load8U", "i32.load8_u", "a", "", Mem::Each),
    row("I32Load16S", "i32.load16_s", "a", "", Mem::Each),
    row("I32Load16U", "i32.load16_u", "a", "", Mem::Each),
    row("I64Load8S", "i64.load8_s", "a", "", Mem::Each),
    row("I64Load8U", "i64.load8_u", "a", "", Mem::Each),
    row("I64Load16S", "i64.load16_s", "a", "", Mem::Each),
    row("I64Load16U", "i64.load16_u", "a", "", Mem::Each),
    row("I64Load32S", "i64.load32_s", "a", "", Mem::Each),
    row("I64Load32U", "i64.load32_u", "a", "", Mem::Each),
    row("I32Store", "i32.store", "ai", "", Mem::Each),
    row("I64Store", "i64.store", "aI", "", Mem::Each),
    row("F32Store", "f32.store", "af", "", Mem::Each),
    row("F64Store", "f64.store", "aF", "", Mem::Each),
    row("I32Store8", "i32.store8", "ai", "", Mem::Each),
    row("I32Store16", "i32.store16", "ai", "", Mem::Each),
    row("I64Store8", "i64.store8", "aI", "", Mem::Each),
    row("I64Store16", "i64.store16", "aI", "", Mem::Each),
    row("I64Store32", "i64.store32", "aI", "", Mem::Each),
    row("MemorySize", "memory.size", "", "", Mem::Each),
    row("MemoryGrow", "memory.grow", "a", "", Mem::Each),
    row("MemoryInit", "memory.init", "aii", "$d", Mem::Each),
    row("MemoryCopy", "memory.copy", "aaa", "", Mem::Each),
    row("MemoryFill", "memory.fill", "aia", "", Mem::Each),
    // GC: operands `s` a struct, `A` an i32 array, `B` an i8 array, `G` a funcref array,
    // `e` an i31, `x` an externref, `0`-`2` those i32 constants (see `module`).
    row("StructNew", "struct.new", "ii", "$s", Mem::No),
    row("StructNewDefault", "struct.new_default", "", "$s", Mem::No),
    row("StructGet", "struct.get", "s", "$s 0", Mem::No),
    row("StructGetS", "struct.get_s", "s", "$s 1", Mem::No),
    row("StructGetU", "struct.get_u", "s", "$s 1", Mem::No),
    row("StructSet", "struct.set", "si", "$s 0", Mem::No),
    row("ArrayNew", "array.new", "i2", "$a", Mem::No),
    row("ArrayNewDefault", "array.new_default", "2", "$a", Mem::No),
    row("ArrayNewFixed", "array.new_fixed", "iii", "$a 3", Mem::No),
    row("ArrayNewData", "array.new_data", "12", "$b $d", Mem::No),
    row("ArrayNewElem", "array.new_elem", "01", "$fa $e", Mem::No),
    row("ArrayGet", "array.get", "A1", "$a", Mem::No),
    row("ArrayGetS", "array.get_s", "B1", "$b", Mem::No),
    row("ArrayGetU", "array.get_u", "B1", "$b", Mem::No),
    row("ArraySet", "array.set", "A1i", "$a", Mem::No),
    row("ArrayLen", "array.len", "A", "", Mem::No),
    row("ArrayFill", "array.fill", "A1i2", "$a", Mem::No),
    row("ArrayCopy", "array.copy", "A0A12", "$a $a", Mem::No),
    row("ArrayInitData", "array.init_data", "B012", "$b $d", Mem::No),
    row("ArrayInitElem", "array.init_elem", "G001", "$fa $e", Mem::No),
    row("RefI31", "ref.i31", "i", "", Mem::No),
    row("I31GetS", "i31.get_s", "e", "", Mem::No),
    row("I31GetU", "i31.get_u", "e", "", Mem::No),
    row("RefEq", "ref.eq", "ss", "", Mem::No),
    row("RefTestNonNull", "ref.test", "s", "(ref $s)", Mem::No),
    row("RefTestNullable", "ref.test", "s", "(ref null $s)", Mem::No),
    row("RefCastNonNull", "ref.cast", "s", "(ref $s)", Mem::No),
    row("RefCastNullable", "ref.cast", "s", "(ref null $s)", Mem::No),
    row("AnyConvertExtern", "any.convert_extern", "x", "", Mem::No),
    row("ExternConvertAny", "extern.convert_any", "s", "", Mem::No),
];

/// Operators of the covered proposals without a row, each with the reason (and where they
/// are tested instead).
const WITHOUT_ROW: &[(&str, &str)] = &[
    ("BrOnCast", "a branch needs a label of the reference's type: tests/gc.rs steps it and back"),
    ("BrOnCastFail", "a branch needs a label of the reference's type: tests/gc.rs steps it and back"),
];

/// The proposals whose every operator has a row, and those of which the operators with a
/// memory immediate (`memarg`, `mem`, `dst_mem`) have one.
const WHOLE: &[&str] =
    &["simd", "relaxed_simd", "threads", "wide_arithmetic", "tail_call", "exceptions", "legacy_exceptions", "gc"];
const MEMORY_OPS_OF: &[&str] = &["mvp", "bulk_memory"];

/// wasmparser's operators: (proposal, `Operator` variant, immediate names).
macro_rules! operators {
    ($( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*) )*) => {
        &[$((stringify!($proposal), stringify!($op), concat!("" $($(, stringify!($arg), " ")*)?))),*]
    };
}
const OPERATORS: &[(&str, &str, &str)] = wasmparser::for_each_operator!(operators);

fn covered() -> BTreeSet<&'static str> {
    OPERATORS
        .iter()
        .filter(|(proposal, _, imm)| {
            WHOLE.contains(proposal) || (MEMORY_OPS_OF.contains(proposal) && imm.split(' ').any(|i| i.contains("mem")))
        })
        .map(|(_, op, _)| *op)
        .collect()
}

#[test]
fn every_operator_has_a_row() {
    let want = covered();
    let have: BTreeSet<&str> = ROWS
        .iter()
        .map(|r| r.op)
        .chain(EXN_ROWS.iter().map(|r| r.0))
        .chain(WITHOUT_ROW.iter().map(|(op, _)| *op))
        .collect();
    let missing: Vec<_> = want.difference(&have).collect();
    let unknown: Vec<_> = have.difference(&want).collect();
    assert!(missing.is_empty(), "operators without a row in tests/families.rs: {missing:?}");
    assert!(unknown.is_empty(), "rows that are no operator of those proposals: {unknown:?}");
    // The counts, so that a filter gone wrong (nothing covered) cannot pass.
    assert!(want.len() > 350, "only {} operators covered", want.len());
}

/// The memories: (name, index type, shared), in index order (see `module`).
const MEMORIES: [(&str, &str, bool); 3] = [("$m0", "i32", false), ("$m1", "i64", true), ("$m2", "i64", false)];

/// The constant for operand `k` of type `t` (a few values per type, so that two operands
/// of one type differ: loads read, stores write and compare-exchanges find something).
fn operand(t: char, k: usize, addr: &str) -> String {
    match t {
        'i' => format!("i32.const {}", [0x7f, 2, 3][k.min(2)]),
        'I' => {
            format!("i64.const {}", [0x1234_5678_9abc_def0u64 as i64, -2, 3, 0x8000_0000_0000_0001u64 as i64][k.min(3)])
        }
        'f' => "f32.const 1.5".into(),
        'F' => "f64.const -2.25".into(),
        'v' => [
            "v128.const i32x4 0x01020304 0x8000007f 0x7fc00001 0x3fc00000",
            "v128.const i32x4 0xfffffffe 0x00000003 0x40490fdb 0xff800000",
            "v128.const i64x2 0x0f0f0f0f0f0f0f0f 0x7ff8000000000001",
        ][k.min(2)]
        .into(),
        'a' => format!("{addr}.const {}", [8, 24, 8][k.min(2)]),
        '0' | '1' | '2' => format!("i32.const {t}"),
        's' => "global.get $gs".into(),
        'A' => "global.get $ga".into(),
        'B' => "global.get $gb".into(),
        'G' => "global.get $gfa".into(),
        'e' => "global.get $gi".into(),
        'x' => "global.get $gx".into(),
        _ => panic!("operand type {t}"),
    }
}

/// A module whose export `f` pushes the row's operands and runs its instruction (on memory
/// `mem`, for a memory instruction), then returns (dropping what it pushed).
fn module(r: &Row, mem: usize) -> String {
    let (name, addr, _) = MEMORIES[mem];
    let ops: Vec<String> = r.args.chars().enumerate().map(|(k, t)| operand(t, k, addr)).collect();
    let instr = match r.mem {
        Mem::No => format!("{} {}", r.text, r.imm),
        _ if r.text.starts_with("memory.") && !r.text.starts_with("memory.atomic") => match r.text {
            "memory.copy" => format!("memory.copy {name} {name}"),
            _ => format!("{} {name} {}", r.text, r.imm),
        },
        _ => format!("{} {name} offset=8 {}", r.text, r.imm),
    };
    let pattern: String = (0..64u32).map(|i| format!("\\{:02x}", (i * 37 + 11) % 256)).collect();
    format!(
        r#"(module
  (type $sig (func (param i32 i64)))
  (type $s (struct (field (mut i32)) (field (mut i8))))
  (type $a (array (mut i32)))
  (type $b (array (mut i8)))
  (type $fa (array (mut funcref)))
  (global $gs (ref $s) (struct.new $s (i32.const 7) (i32.const -1)))
  (global $ga (ref $a) (array.new $a (i32.const 5) (i32.const 4)))
  (global $gb (ref $b) (array.new_fixed $b 4 (i32.const 1) (i32.const -2) (i32.const 3) (i32.const 4)))
  (global $gfa (ref $fa) (array.new_default $fa (i32.const 3)))
  (global $gi (ref i31) (ref.i31 (i32.const -5)))
  (global $gx externref (ref.null extern))
  (elem $e func $callee $callee)
  (memory $m0 1 16)
  (memory $m1 i64 1 16 shared)
  (memory $m2 i64 64 256 (pagesize 1))
  (data (memory $m0) (i32.const 0) "{pattern}")
  (data (memory $m1) (i64.const 0) "{pattern}")
  (data (memory $m2) (i64.const 0) "{pattern}")
  (data $d "\aa\bb\cc\dd\ee\ff\11\22")
  (table $t32 4 funcref)
  (table $t64 i64 4 funcref)
  (elem (table $t32) (i32.const 0) func $callee $callee $callee $callee)
  (elem (table $t64) (i64.const 0) func $callee $callee $callee $callee)
  (func $callee (type $sig) (local v128) nop)
  (func (export "f")
    {}
    {instr}
    return))"#,
        ops.join("\n    ")
    )
}

/// Everything observable: the snapshot (stop reason and last writes normalised, floats as
/// their bits) and every memory (its view and its bytes).
type Heap = (Vec<Option<(u32, Vec<u64>)>>, Vec<u32>);

fn full_state(s: &mut Session) -> (Snapshot, Vec<(MemoryView, Vec<u8>)>, Heap) {
    let mut snap = s.snapshot();
    snap.stop = StopReason::Step;
    snap.last_writes.clear();
    let bits = |v: &mut Value| match *v {
        Value::F32(x) => *v = Value::I32(x.to_bits() as i32),
        Value::F64(x) => *v = Value::I64(x.to_bits() as i64),
        _ => {}
    };
    for f in &mut snap.frames {
        f.locals.iter_mut().for_each(|l| bits(&mut l.value));
        f.operands.iter_mut().for_each(|o| bits(&mut o.value));
    }
    snap.globals.iter_mut().for_each(|g| bits(&mut g.value));
    let memories = s
        .memories()
        .into_iter()
        .map(|m| {
            let bytes = s.read_memory_in(m.index, 0, m.bytes).to_vec();
            (m, bytes)
        })
        .collect();
    (snap, memories, s.store().heap.state())
}

/// Single-steps row `r` on memory `mem`; an error names what failed.
fn check(r: &Row, mem: usize) -> Result<(), String> {
    let wat = module(r, mem);
    let mut s =
        Session::load(wat.as_bytes(), Limits::default(), Config::default()).map_err(|e| format!("load: {e}"))?;
    s.start("f", &[]).map_err(|e| format!("start: {e}"))?;
    let info = s.func_info(1).map_err(|e| format!("func_info: {e}"))?;
    // The instruction is the line after its operands' constants.
    let line = &info.lines[r.args.len()];
    let mnemonic = line.text.split_whitespace().next().unwrap_or("");
    if mnemonic != r.text {
        return Err(format!("disassembly {:?}, want {:?}", line.text, r.text));
    }
    // A memory other than 0 is named right after the mnemonic.
    if r.mem != Mem::No && mem > 0 && line.text.split_whitespace().nth(1) != Some(&mem.to_string()) {
        return Err(format!("disassembly {:?} does not name memory {mem}", line.text));
    }
    for _ in 0..r.args.len() {
        s.step_into();
    }
    let at = s.position().ok_or("no position before the instruction")?;
    if at.offset != line.offset || at.text != line.text {
        return Err(format!("paused at {} {:?}, want {} {:?}", at.offset, at.text, line.offset, line.text));
    }
    step_and_back(&mut s)
}

/// Steps over the instruction the session is paused at, back, and over it again: one undo
/// entry, the exact state back, the same state again.
fn step_and_back(s: &mut Session) -> Result<(), String> {
    let before = full_state(s);
    let h = s.history_len();
    let stop = s.step_into();
    if let StopReason::Trapped(t) = stop {
        return Err(format!("trapped: {t}"));
    }
    if s.history_len() != h + 1 {
        return Err(format!("{} undo entries after one step (was {h})", s.history_len()));
    }
    let after = full_state(s);
    if after == before {
        return Err("the step changed nothing".into());
    }
    if s.step_back() != StopReason::Step {
        return Err("step back did not step".into());
    }
    if !s.not_rewound().is_empty() {
        return Err(format!("not rewound: {:?}", s.not_rewound()));
    }
    let back = full_state(s);
    if back.0 != before.0 {
        return Err(format!("step back: snapshot differs\n  before {:?}\n  after  {:?}", before.0, back.0));
    }
    if let Some(m) = (0..before.1.len()).find(|&m| back.1.get(m) != before.1.get(m)) {
        return Err(format!("step back: memory {m} differs"));
    }
    if back.1.len() != before.1.len() {
        return Err("step back: the number of memories differs".into());
    }
    if back.2 != before.2 {
        return Err(format!("step back: the heap differs\n  before {:?}\n  after  {:?}", before.2, back.2));
    }
    s.step_into();
    if full_state(s) != after {
        return Err("stepping again gives another state".into());
    }
    Ok(())
}

#[test]
fn every_row_single_steps_and_steps_back() {
    let mut failures = Vec::new();
    let mut runs = 0;
    for r in ROWS {
        let mems: &[usize] = match r.mem {
            Mem::No => &[0],
            Mem::Each => &[0, 1, 2],
            Mem::Shared => &[1],
        };
        for &m in mems {
            runs += 1;
            if let Err(e) = check(r, m) {
                failures.push(format!("{} on {}: {e}", r.text, MEMORIES[m].0));
            }
        }
    }
    assert!(failures.is_empty(), "{} of {runs} failed:\n{}", failures.len(), failures.join("\n"));
}

/// Exception handling (and the legacy instructions): wasmparser's `Operator` variant, the
/// mnemonic, and a body for `f` in which the instruction (the first line with that mnemonic)
/// is reached and runs: a throw that a handler of `f` catches, a `catch`/`delegate` reached
/// from the end of its `try` body.
#[rustfmt::skip]
const EXN_ROWS: &[(&str, &str, &str)] = &[
    ("TryTable", "try_table", "try_table (result i32) i32.const 1 end drop"),
    ("Throw", "throw", "block $h (result i32) try_table (catch $e $h) i32.const 7 throw $e end i32.const 0 end drop"),
    ("ThrowRef", "throw_ref", "block $h (result exnref) try_table (catch_all_ref $h) i32.const 7 throw $e end \
        unreachable end block $h2 (param exnref) (result i32) try_table (param exnref) (catch $e $h2) throw_ref end \
        unreachable end drop"),
    ("Try", "try", "try (result i32) i32.const 1 end drop"),
    ("Catch", "catch", "try (result i32) i32.const 1 catch $e end drop"),
    ("CatchAll", "catch_all", "try (result i32) i32.const 1 catch_all i32.const 2 end drop"),
    ("Delegate", "delegate", "try (result i32) i32.const 1 delegate 0 drop"),
    ("Rethrow", "rethrow", "try (result i32) try i32.const 5 throw $e catch $e drop rethrow 0 end i32.const 0 \
        catch $e end drop"),
];

fn check_exn(text: &str, body: &str) -> Result<(), String> {
    let wat = format!("(module (tag $e (param i32)) (func (export \"f\") {body} return))");
    let mut s =
        Session::load(wat.as_bytes(), Limits::default(), Config::default()).map_err(|e| format!("load: {e}"))?;
    s.start("f", &[]).map_err(|e| format!("start: {e}"))?;
    let info = s.func_info(0).map_err(|e| format!("func_info: {e}"))?;
    let line = info
        .lines
        .iter()
        .find(|l| l.text.split_whitespace().next() == Some(text))
        .ok_or_else(|| format!("no line {text} in {:?}", info.lines.iter().map(|l| &l.text).collect::<Vec<_>>()))?;
    for _ in 0..100 {
        if s.position().is_some_and(|p| p.offset == line.offset) {
            break;
        }
        if s.step_into() != StopReason::Step {
            return Err("the call ended before the instruction".into());
        }
    }
    let at = s.position().ok_or("no position before the instruction")?;
    if at.offset != line.offset || at.text != line.text {
        return Err(format!("paused at {} {:?}, want {} {:?}", at.offset, at.text, line.offset, line.text));
    }
    step_and_back(&mut s)
}

#[test]
fn every_exception_row_single_steps_and_steps_back() {
    let failures: Vec<String> = EXN_ROWS
        .iter()
        .filter_map(|(_, text, body)| check_exn(text, body).err().map(|e| format!("{text}: {e}")))
        .collect();
    assert!(failures.is_empty(), "{} of {} failed:\n{}", failures.len(), EXN_ROWS.len(), failures.join("\n"));
}
