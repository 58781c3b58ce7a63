//! The operators that cannot trap, each defined once: the `match` in `Machine::execute`
//! (`un!`/`bin!`), the threaded handlers (`h_un`/`h_bin`) and `BinOp::eval` (the fused forms)
//! all use these. Each is a type, so that a handler can be generic over it and compile to
//! that one operation. The list is `op_list!`; `define!` makes the types from it, and the
//! threaded handlers' table is built from the same list.

use super::num;
use super::{b2r, f322r, f642r, i322r, i642r, id, r2f32, r2f64, r2i32, r2i64, r2u32, u322r};
use crate::value::Raw;

/// A unary operator on a cell.
pub(crate) trait Un {
    fn eval(a: Raw) -> Raw;
}

/// A binary operator on two cells.
pub(crate) trait Bin {
    fn eval(a: Raw, b: Raw) -> Raw;
}

/// Calls `$m!` with every operator: its name (an `Instr` variant's), how its operands are
/// read from cells, how the result is written back, and the operation.
macro_rules! op_list {
    ($m:ident) => {
        $m! {
            un {
                RefIsNull(id, b2r, |a| a == 0);
                I32Eqz(r2u32, b2r, |a| a == 0);
                I64Eqz(id, b2r, |a| a == 0);
                I32Clz(r2u32, u322r, |a| a.leading_zeros());
                I32Ctz(r2u32, u322r, |a| a.trailing_zeros());
                I32Popcnt(r2u32, u322r, |a| a.count_ones());
                I64Clz(id, id, |a| a.leading_zeros() as u64);
                I64Ctz(id, id, |a| a.trailing_zeros() as u64);
                I64Popcnt(id, id, |a| a.count_ones() as u64);
                F32Abs(r2u32, u322r, |a| a & 0x7fff_ffff);
                F32Neg(r2u32, u322r, |a| a ^ 0x8000_0000);
                F32Ceil(r2f32, f322r, |a| num::quiet_f32(a.ceil()));
                F32Floor(r2f32, f322r, |a| num::quiet_f32(a.floor()));
                F32Trunc(r2f32, f322r, |a| num::quiet_f32(a.trunc()));
                F32Nearest(r2f32, f322r, |a| num::quiet_f32(a.round_ties_even()));
                F32Sqrt(r2f32, f322r, |a| num::quiet_f32(a.sqrt()));
                F64Abs(id, id, |a| a & 0x7fff_ffff_ffff_ffff);
                F64Neg(id, id, |a| a ^ 0x8000_0000_0000_0000);
                F64Ceil(r2f64, f642r, |a| num::quiet_f64(a.ceil()));
                F64Floor(r2f64, f642r, |a| num::quiet_f64(a.floor()));
                F64Trunc(r2f64, f642r, |a| num::quiet_f64(a.trunc()));
                F64Nearest(r2f64, f642r, |a| num::quiet_f64(a.round_ties_even()));
                F64Sqrt(r2f64, f642r, |a| num::quiet_f64(a.sqrt()));
                I32WrapI64(id, u322r, |a| a as u32);
                I64ExtendI32S(r2i32, i642r, |a| a as i64);
                I64ExtendI32U(r2u32, id, |a| a as u64);
                F32ConvertI32S(r2i32, f322r, |a| a as f32);
                F32ConvertI32U(r2u32, f322r, |a| a as f32);
                F32ConvertI64S(r2i64, f322r, |a| a as f32);
                F32ConvertI64U(id, f322r, |a| a as f32);
                F32DemoteF64(r2f64, f322r, |a| a as f32);
                F64ConvertI32S(r2i32, f642r, |a| a as f64);
                F64ConvertI32U(r2u32, f642r, |a| a as f64);
                F64ConvertI64S(r2i64, f642r, |a| a as f64);
                F64ConvertI64U(id, f642r, |a| a as f64);
                F64PromoteF32(r2f32, f642r, |a| a as f64);
                I32Extend8S(r2u32, i322r, |a| a as i8 as i32);
                I32Extend16S(r2u32, i322r, |a| a as i16 as i32);
                I64Extend8S(id, i642r, |a| a as i8 as i64);
                I64Extend16S(id, i642r, |a| a as i16 as i64);
                I64Extend32S(id, i642r, |a| a as i32 as i64);
                I32TruncSatF32S(r2f32, i322r, |a| a as i32);
                I32TruncSatF32U(r2f32, u322r, |a| a as u32);
                I32TruncSatF64S(r2f64, i322r, |a| a as i32);
                I32TruncSatF64U(r2f64, u322r, |a| a as u32);
                I64TruncSatF32S(r2f32, i642r, |a| a as i64);
                I64TruncSatF32U(r2f32, id, |a| a as u64);
                I64TruncSatF64S(r2f64, i642r, |a| a as i64);
                I64TruncSatF64U(r2f64, id, |a| a as u64);
            }
            bin {
                I32Eq(r2u32, b2r, |a, b| a == b);
                I32Ne(r2u32, b2r, |a, b| a != b);
                I32LtS(r2i32, b2r, |a, b| a < b);
                I32LtU(r2u32, b2r, |a, b| a < b);
                I32GtS(r2i32, b2r, |a, b| a > b);
                I32GtU(r2u32, b2r, |a, b| a > b);
                I32LeS(r2i32, b2r, |a, b| a <= b);
                I32LeU(r2u32, b2r, |a, b| a <= b);
                I32GeS(r2i32, b2r, |a, b| a >= b);
                I32GeU(r2u32, b2r, |a, b| a >= b);
                I64Eq(id, b2r, |a, b| a == b);
                I64Ne(id, b2r, |a, b| a != b);
                I64LtS(r2i64, b2r, |a, b| a < b);
                I64LtU(id, b2r, |a, b| a < b);
                I64GtS(r2i64, b2r, |a, b| a > b);
                I64GtU(id, b2r, |a, b| a > b);
                I64LeS(r2i64, b2r, |a, b| a <= b);
                I64LeU(id, b2r, |a, b| a <= b);
                I64GeS(r2i64, b2r, |a, b| a >= b);
                I64GeU(id, b2r, |a, b| a >= b);
                F32Eq(r2f32, b2r, |a, b| a == b);
                F32Ne(r2f32, b2r, |a, b| a != b);
                F32Lt(r2f32, b2r, |a, b| a < b);
                F32Gt(r2f32, b2r, |a, b| a > b);
                F32Le(r2f32, b2r, |a, b| a <= b);
                F32Ge(r2f32, b2r, |a, b| a >= b);
                F64Eq(r2f64, b2r, |a, b| a == b);
                F64Ne(r2f64, b2r, |a, b| a != b);
                F64Lt(r2f64, b2r, |a, b| a < b);
                F64Gt(r2f64, b2r, |a, b| a > b);
                F64Le(r2f64, b2r, |a, b| a <= b);
                F64Ge(r2f64, b2r, |a, b| a >= b);
                I32Add(r2u32, u322r, |a, b| a.wrapping_add(b));
                I32Sub(r2u32, u322r, |a, b| a.wrapping_sub(b));
                I32Mul(r2u32, u322r, |a, b| a.wrapping_mul(b));
                I32And(r2u32, u322r, |a, b| a & b);
                I32Or(r2u32, u322r, |a, b| a | b);
                I32Xor(r2u32, u322r, |a, b| a ^ b);
                I32Shl(r2u32, u322r, |a, b| a.wrapping_shl(b));
                I32ShrS(r2i32, i322r, |a, b| a.wrapping_shr(b as u32));
                I32ShrU(r2u32, u322r, |a, b| a.wrapping_shr(b));
                I32Rotl(r2u32, u322r, |a, b| a.rotate_left(b % 32));
                I32Rotr(r2u32, u322r, |a, b| a.rotate_right(b % 32));
                I64Add(id, id, |a, b| a.wrapping_add(b));
                I64Sub(id, id, |a, b| a.wrapping_sub(b));
                I64Mul(id, id, |a, b| a.wrapping_mul(b));
                I64And(id, id, |a, b| a & b);
                I64Or(id, id, |a, b| a | b);
                I64Xor(id, id, |a, b| a ^ b);
                I64Shl(id, id, |a, b| a.wrapping_shl(b as u32));
                I64ShrS(r2i64, i642r, |a, b| a.wrapping_shr(b as u32));
                I64ShrU(id, id, |a, b| a.wrapping_shr(b as u32));
                I64Rotl(id, id, |a, b| a.rotate_left((b % 64) as u32));
                I64Rotr(id, id, |a, b| a.rotate_right((b % 64) as u32));
                F32Add(r2f32, f322r, |a, b| num::arith_f32(a + b, a, b));
                F32Sub(r2f32, f322r, |a, b| num::arith_f32(a - b, a, b));
                F32Mul(r2f32, f322r, |a, b| num::arith_f32(a * b, a, b));
                F32Div(r2f32, f322r, |a, b| num::arith_f32(a / b, a, b));
                F32Min(r2f32, f322r, |a, b| num::f32_min(a, b));
                F32Max(r2f32, f322r, |a, b| num::f32_max(a, b));
                F32Copysign(r2u32, u322r, |a, b| (a & 0x7fff_ffff) | (b & 0x8000_0000));
                F64Add(r2f64, f642r, |a, b| num::arith_f64(a + b, a, b));
                F64Sub(r2f64, f642r, |a, b| num::arith_f64(a - b, a, b));
                F64Mul(r2f64, f642r, |a, b| num::arith_f64(a * b, a, b));
                F64Div(r2f64, f642r, |a, b| num::arith_f64(a / b, a, b));
                F64Min(r2f64, f642r, |a, b| num::f64_min(a, b));
                F64Max(r2f64, f642r, |a, b| num::f64_max(a, b));
                F64Copysign(id, id, |a, b| (a & 0x7fff_ffff_ffff_ffff) | (b & 0x8000_0000_0000_0000));
            }
        }
    };
}
#[cfg(not(target_arch = "wasm32"))]
pub(crate) use op_list;

macro_rules! define {
    (
        un { $($u:ident($uf:ident, $ut:ident, |$ua:ident| $ue:expr);)* }
        bin { $($b:ident($bf:ident, $bt:ident, |$ba:ident, $bb:ident| $be:expr);)* }
    ) => {
        $(
            pub(crate) struct $u;
            impl Un for $u {
                #[inline(always)]
                fn eval(a: Raw) -> Raw {
                    let $ua = $uf(a);
                    $ut($ue)
                }
            }
        )*
        $(
            pub(crate) struct $b;
            impl Bin for $b {
                #[inline(always)]
                fn eval(a: Raw, b: Raw) -> Raw {
                    let ($ba, $bb) = ($bf(a), $bf(b));
                    $bt($be)
                }
            }
        )*
    };
}
op_list!(define);
