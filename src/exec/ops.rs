//! The semantics of every pure operator and of every kind of load and store, each defined
//! once, as a type made from the instruction list (`ir::for_each_instr!`): the `match` in
//! `Machine::execute`, the threaded handlers (`h_un`, `h_bin`, `h_load`, `h_store`, the fused
//! forms) and [`eval`] (the fused forms' operator) all use these. Being types, a handler can be
//! generic over one and compile to that one operation.

use super::num;
use super::{b2r, f322r, f642r, i322r, i642r, id, r2f32, r2f64, r2i32, r2i64, r2u32, u322r};
use crate::ir::BinOp;
use crate::trap::TrapCode;
use crate::value::Raw;

/// A unary operator on a cell.
pub(crate) trait Un {
    fn eval(a: Raw) -> Raw;
}

/// A binary operator on two cells.
pub(crate) trait Bin {
    fn eval(a: Raw, b: Raw) -> Raw;
}

/// A unary operator whose operation may trap.
pub(crate) trait UnTrap {
    fn eval(a: Raw) -> Result<Raw, TrapCode>;
}

/// A binary operator whose operation may trap.
pub(crate) trait BinTrap {
    fn eval(a: Raw, b: Raw) -> Result<Raw, TrapCode>;
}

/// A kind of load (`ir::LoadOp`): `N` bytes, extended to a cell.
pub(crate) trait Load {
    const N: usize;
    /// # Safety
    /// `p` points at `N` readable bytes.
    unsafe fn read(p: *const u8) -> Raw;
}

/// A kind of store (`ir::StoreOp`): a cell's `N` low bytes.
pub(crate) trait Store {
    const N: usize;
    /// # Safety
    /// `p` points at `N` writable bytes.
    unsafe fn write(p: *mut u8, v: Raw);
}

/// Makes the types of every operator, load kind and store kind in `ir::for_each_instr!`.
macro_rules! define {
    (
        other $_o:tt fused $_f:tt families $_fam:tt
        load_kinds { $( $(#[$lka:meta])* $lk:ident ( $lkn:literal, |$lkb:ident| $lke:expr ) ; )* }
        store_kinds { $( $(#[$ska:meta])* $sk:ident ( $skn:literal, |$skv:ident| $ske:expr ) ; )* }
        loads $_l:tt stores $_s:tt free $_x:tt
        un { $( $u:ident ( $uf:ident, $ut:ident, |$ua:ident| $ue:expr ) ; )* }
        bin { $( $b:ident ( $bf:ident, $bt:ident, |$ba:ident, $bb:ident| $be:expr ) ; )* }
        un_trap { $( $uq:ident ( $uqf:ident, $uqt:ident, |$uqa:ident| $uqe:expr ) ; )* }
        bin_trap { $( $bq:ident ( $bqf:ident, $bqt:ident, |$bqa:ident, $bqb:ident| $bqe:expr ) ; )* }
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
        $(
            pub(crate) struct $uq;
            impl UnTrap for $uq {
                #[inline(always)]
                fn eval(a: Raw) -> Result<Raw, TrapCode> {
                    let $uqa = $uqf(a);
                    $uqe.map($uqt)
                }
            }
        )*
        $(
            pub(crate) struct $bq;
            impl BinTrap for $bq {
                #[inline(always)]
                fn eval(a: Raw, b: Raw) -> Result<Raw, TrapCode> {
                    let ($bqa, $bqb) = ($bqf(a), $bqf(b));
                    $bqe.map($bqt)
                }
            }
        )*
        $(
            $(#[$lka])*
            pub(crate) struct $lk;
            impl Load for $lk {
                const N: usize = $lkn;
                #[inline(always)]
                unsafe fn read(p: *const u8) -> Raw {
                    // SAFETY: as the caller promises.
                    let $lkb: [u8; $lkn] = unsafe { std::ptr::read_unaligned(p as *const [u8; $lkn]) };
                    $lke
                }
            }
        )*
        $(
            $(#[$ska])*
            pub(crate) struct $sk;
            impl Store for $sk {
                const N: usize = $skn;
                #[inline(always)]
                unsafe fn write(p: *mut u8, v: Raw) {
                    let $skv = v;
                    let bytes: [u8; $skn] = $ske;
                    // SAFETY: as the caller promises.
                    unsafe { std::ptr::write_unaligned(p as *mut [u8; $skn], bytes) }
                }
            }
        )*
    };
}
crate::ir::for_each_instr!(define);

/// Applies a fused form's operator (the same definitions as the `match` and the handlers).
#[inline(always)]
pub(crate) fn eval(op: BinOp, a: Raw, b: Raw) -> Raw {
    macro_rules! each {
        (; $($name:ident),*) => {
            match op {
                $(BinOp::$name => <$name as Bin>::eval(a, b),)*
            }
        };
    }
    crate::ir::binop_names!(each)
}
