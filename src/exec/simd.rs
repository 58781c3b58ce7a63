//! The `Simd` family: v128 values, two cells each (low half first). The moves of a v128
//! (constants from the code's side table, locals, globals, drop, select), memory accesses
//! (any memory, 32- or 64-bit: [`mem_range`] is the one place), and the lane operations of
//! `ir/simd.rs`, whose semantics are closures over `u128` values with the lane helpers below.
//! Out of line, one arm in the `match` (see [`exec`]).

use super::num;
use crate::ir::{
    Code, Simd, SimdBin, SimdExtract, SimdLane, SimdLoad, SimdReplace, SimdShift, SimdSplat, SimdTern, SimdTest,
    SimdUn, for_each_simd,
};
use crate::runtime::Store;
use crate::trap::TrapCode;
use crate::value::Raw;

/// A v128 value, lane 0 in the low bits.
type V = u128;

/// A lane type: its width and its bits.
trait Lane: Copy {
    const BITS: u32;
    /// How many lanes a v128 has.
    const N: usize = (128 / Self::BITS) as usize;
    /// The lane from the low `BITS` bits.
    fn from(v: V) -> Self;
    /// Its bits, zero-extended.
    fn bits(self) -> V;
}

macro_rules! lanes {
    ($($t:ty, $u:ty;)*) => {
        $( impl Lane for $t {
            const BITS: u32 = <$u>::BITS;
            #[inline(always)]
            fn from(v: V) -> Self { v as $u as $t }
            #[inline(always)]
            fn bits(self) -> V { self as $u as V }
        } )*
    };
}
lanes!(i8, u8; u8, u8; i16, u16; u16, u16; i32, u32; u32, u32; i64, u64; u64, u64;);

impl Lane for f32 {
    const BITS: u32 = 32;
    #[inline(always)]
    fn from(v: V) -> Self {
        f32::from_bits(v as u32)
    }
    #[inline(always)]
    fn bits(self) -> V {
        self.to_bits() as V
    }
}

impl Lane for f64 {
    const BITS: u32 = 64;
    #[inline(always)]
    fn from(v: V) -> Self {
        f64::from_bits(v as u64)
    }
    #[inline(always)]
    fn bits(self) -> V {
        self.to_bits() as V
    }
}

/// Lane `i` of `v` (validation keeps `i` below the lane count; a larger one wraps).
#[inline(always)]
fn get<T: Lane>(v: V, i: u32) -> T {
    T::from(v.wrapping_shr(i.wrapping_mul(T::BITS)))
}

/// `v` with lane `i` replaced by `x`.
#[inline(always)]
fn put<T: Lane>(v: V, i: u32, x: T) -> V {
    let at = i.wrapping_mul(T::BITS);
    let mask = (V::MAX >> (128 - T::BITS)).wrapping_shl(at);
    (v & !mask) | x.bits().wrapping_shl(at)
}

/// `x` in every lane.
#[inline(always)]
fn splat<T: Lane>(x: T) -> V {
    (0..T::N as u32).fold(0, |v, i| put(v, i, x))
}

/// `f` of every lane.
#[inline(never)]
fn map<T: Lane>(a: V, f: fn(T) -> T) -> V {
    (0..T::N as u32).fold(0, |v, i| put(v, i, f(get(a, i))))
}

/// `f` of every pair of lanes.
#[inline(never)]
fn zip<T: Lane>(a: V, b: V, f: fn(T, T) -> T) -> V {
    (0..T::N as u32).fold(0, |v, i| put(v, i, f(get(a, i), get(b, i))))
}

/// All ones in the lanes where `f` holds, zeros elsewhere.
#[inline(never)]
fn cmp<T: Lane>(a: V, b: V, f: fn(T, T) -> bool) -> V {
    let ones = V::MAX >> (128 - T::BITS);
    (0..T::N as u32).fold(0, |v, i| if f(get(a, i), get(b, i)) { v | ones << (i * T::BITS) } else { v })
}

/// Half `half` (0 low, 1 high) of `a`'s `T` lanes, each widened to a `W` lane by `f`.
#[inline(never)]
fn ext<T: Lane, W: Lane>(a: V, half: u32, f: fn(T) -> W) -> V {
    let base = half * W::N as u32;
    (0..W::N as u32).fold(0, |v, i| put(v, i, f(get(a, base + i))))
}

/// As [`ext`] for two operands (the extended multiplications).
#[inline(never)]
fn ext2<T: Lane, W: Lane>(a: V, b: V, half: u32, f: fn(T, T) -> W) -> V {
    let base = half * W::N as u32;
    (0..W::N as u32).fold(0, |v, i| put(v, i, f(get(a, base + i), get(b, base + i))))
}

/// The lanes of `a` then `b`, each narrowed to a `T` lane by `f`.
#[inline(never)]
fn narrow<W: Lane, T: Lane>(a: V, b: V, f: fn(W) -> T) -> V {
    let n = W::N as u32;
    (0..T::N as u32).fold(0, |v, i| put(v, i, f(if i < n { get(a, i) } else { get(b, i - n) })))
}

/// Lane `i` of the result is `f` of `a`'s lanes `2i` and `2i + 1`.
#[inline(never)]
fn pairs<T: Lane, W: Lane>(a: V, f: fn(T, T) -> W) -> V {
    (0..W::N as u32).fold(0, |v, i| put(v, i, f(get(a, 2 * i), get(a, 2 * i + 1))))
}

/// The dot product: lane `i` is the wrapping sum of `f` of the lanes `2i` and of the lanes
/// `2i + 1` of `a` and `b`.
#[inline(never)]
fn dot<T: Lane, W: Lane>(a: V, b: V, f: fn(T, T) -> i32) -> V {
    (0..W::N as u32).fold(0, |v, i| {
        let s = f(get(a, 2 * i), get(b, 2 * i)).wrapping_add(f(get(a, 2 * i + 1), get(b, 2 * i + 1)));
        put(v, i, s as u32)
    })
}

/// `f` of the first `min(N)` lanes of `a`, into the same lanes of the result (the others 0).
#[inline(never)]
fn conv<F: Lane, T: Lane>(a: V, f: fn(F) -> T) -> V {
    (0..F::N.min(T::N) as u32).fold(0, |v, i| put(v, i, f(get(a, i))))
}

/// `f` of every lane and the shift count.
#[inline(never)]
fn shifts<T: Lane>(a: V, s: u32, f: fn(T, u32) -> T) -> V {
    (0..T::N as u32).fold(0, |v, i| put(v, i, f(get(a, i), s)))
}

/// Are all lanes non-zero?
#[inline(always)]
fn all<T: Lane>(a: V) -> bool {
    (0..T::N as u32).all(|i| get::<T>(a, i).bits() != 0)
}

/// The lanes' sign bits, lane 0 in bit 0.
#[inline(always)]
fn bitmask<T: Lane>(a: V) -> u32 {
    (0..T::N as u32).fold(0, |m, i| m | (((get::<T>(a, i).bits() >> (T::BITS - 1)) as u32 & 1) << i))
}

/// `i8x16.swizzle`: lane `i` is `a`'s lane `b[i]`, 0 when `b[i]` is 16 or more.
fn swizzle(a: V, b: V) -> V {
    (0..16).fold(0, |v, i| {
        let j = get::<u8>(b, i) as u32;
        put(v, i, if j < 16 { get::<u8>(a, j) } else { 0 })
    })
}

/// `i8x16.shuffle`: lane `i` is lane `lanes[i]` of `a` then `b` (32 lanes; validation keeps
/// the indices below 32).
fn shuffle(a: V, b: V, lanes: V) -> V {
    (0..16).fold(0, |v, i| {
        let j = get::<u8>(lanes, i) as u32 % 32;
        put(v, i, if j < 16 { get::<u8>(a, j) } else { get::<u8>(b, j - 16) })
    })
}

/// Q15 rounding multiplication, saturated.
fn q15mulr(x: i16, y: i16) -> i16 {
    ((x as i32 * y as i32 + 0x4000) >> 15).clamp(i16::MIN as i32, i16::MAX as i32) as i16
}

/// `i16x8.relaxed_dot_i8x16_i7x16_s` (and the first step of the `_add` form): both operands'
/// lanes signed, the i16 sum wrapping.
fn relaxed_dot(a: V, b: V) -> V {
    (0..8).fold(0, |v, i| {
        let p = |j: u32| get::<i8>(a, j) as i16 * get::<i8>(b, j) as i16;
        put(v, i, p(2 * i).wrapping_add(p(2 * i + 1)))
    })
}

/// The evaluation of every lane operation of the list, by shape.
macro_rules! evals {
    (
        load { $( $l:ident ( $ln:literal, $($lf:tt)* ) ; )* }
        splat { $( $sp:ident ( $($spf:tt)* ) ; )* }
        extract { $( $ex:ident ( $($exf:tt)* ) ; )* }
        replace { $( $re:ident ( $($ref:tt)* ) ; )* }
        un { $( $u:ident ( $($uf:tt)* ) ; )* }
        bin { $( $b:ident ( $($bf:tt)* ) ; )* }
        tern { $( $t:ident ( $($tf:tt)* ) ; )* }
        test { $( $q:ident ( $($qf:tt)* ) ; )* }
        shift { $( $sh:ident ( $($shf:tt)* ) ; )* }
    ) => {
        /// The v128 that load `op` makes of the bytes at `p` (`op.width()` of them).
        #[inline(never)]
        fn load(op: SimdLoad, p: &[u8]) -> V {
            match op {
                $( SimdLoad::$l => {
                    let f: fn([u8; $ln]) -> V = $($lf)*;
                    let mut b = [0; $ln];
                    b.copy_from_slice(&p[..$ln]);
                    f(b)
                } )*
            }
        }
        #[inline(never)]
        fn splat_op(op: SimdSplat, x: Raw) -> V {
            match op { $( SimdSplat::$sp => { let f: fn(Raw) -> V = $($spf)*; f(x) } )* }
        }
        #[inline(never)]
        fn extract(op: SimdExtract, a: V, lane: u32) -> Raw {
            match op { $( SimdExtract::$ex => { let f: fn(V, u32) -> Raw = $($exf)*; f(a, lane) } )* }
        }
        #[inline(never)]
        fn replace(op: SimdReplace, a: V, lane: u32, x: Raw) -> V {
            match op { $( SimdReplace::$re => { let f: fn(V, u32, Raw) -> V = $($ref)*; f(a, lane, x) } )* }
        }
        #[inline(never)]
        fn un(op: SimdUn, a: V) -> V {
            match op { $( SimdUn::$u => { let f: fn(V) -> V = $($uf)*; f(a) } )* }
        }
        #[inline(never)]
        fn bin(op: SimdBin, a: V, b: V) -> V {
            match op { $( SimdBin::$b => { let f: fn(V, V) -> V = $($bf)*; f(a, b) } )* }
        }
        #[inline(never)]
        fn tern(op: SimdTern, a: V, b: V, c: V) -> V {
            match op { $( SimdTern::$t => { let f: fn(V, V, V) -> V = $($tf)*; f(a, b, c) } )* }
        }
        #[inline(never)]
        fn test(op: SimdTest, a: V) -> u32 {
            match op { $( SimdTest::$q => { let f: fn(V) -> _ = $($qf)*; f(a) as u32 } )* }
        }
        #[inline(never)]
        fn shift(op: SimdShift, a: V, s: u32) -> V {
            match op { $( SimdShift::$sh => { let f: fn(V, u32) -> V = $($shf)*; f(a, s) } )* }
        }
    };
}
for_each_simd!(evals);

/// The store address of the memory of memory operand `arg` (an index into `Code::memargs`)
/// and the byte range of `[addr + offset, + len)` in it, or the out-of-bounds trap. The one
/// place SIMD computes an address: any memory, 32- or 64-bit (an i32 address is zero-extended
/// in its cell), a 64-bit static offset.
#[inline]
fn mem_range(
    store: &Store,
    code: &Code,
    inst_id: usize,
    arg: u32,
    addr: Raw,
    len: u32,
) -> Result<(usize, std::ops::Range<usize>), TrapCode> {
    let arg = code.memargs.get(arg as usize).ok_or(TrapCode::MemoryOutOfBounds)?;
    let mem = *store.instances[inst_id].memories.get(arg.mem as usize).ok_or(TrapCode::MemoryOutOfBounds)? as usize;
    Ok((mem, store.memories[mem].range64(addr, arg.offset, len as u64)?))
}

/// Runs `s` (of `code`) in a frame whose local 0 is cell `fp`, in instance `inst_id`, on the value stack `stack` with `sp` cells in use. Returns
/// the new height, and the trap if it trapped (then after its operands were popped, as the
/// `match` leaves a trapping instruction). Validation fixes the operands; `push_frame`
/// reserved the cells a push needs.
#[allow(clippy::too_many_arguments)]
#[inline(never)]
pub(super) fn exec(
    s: Simd,
    code: &Code,
    store: &mut Store,
    inst_id: usize,
    fp: usize,
    stack: &mut [Raw],
    mut sp: usize,
) -> (usize, Result<(), TrapCode>) {
    family_stack!($ stack sp);
    macro_rules! pop_v {
        () => {{
            sp -= 2;
            stack[sp] as V | (stack[sp + 1] as V) << 64
        }};
    }
    macro_rules! push_v {
        ($v:expr) => {{
            let v: V = $v;
            stack[sp] = v as Raw;
            stack[sp + 1] = (v >> 64) as Raw;
            sp += 2;
        }};
    }
    let global = |store: &Store, g: u32| store.instances[inst_id].globals[g as usize] as usize;
    match s {
        Simd::Const(i) => push_v!(code.v128s.get(i as usize).copied().unwrap_or(0)),
        Simd::LocalGet(x) => {
            let at = fp + x as usize;
            stack.copy_within(at..at + 2, sp);
            sp += 2;
        }
        Simd::LocalSet(x) => {
            sp -= 2;
            stack.copy_within(sp..sp + 2, fp + x as usize);
        }
        Simd::LocalTee(x) => stack.copy_within(sp - 2..sp, fp + x as usize),
        Simd::Drop => sp -= 2,
        Simd::Select => {
            // [a (2 cells), b (2 cells), condition]
            if pop!() as u32 == 0 {
                stack.copy_within(sp - 2..sp, sp - 4);
            }
            sp -= 2;
        }
        Simd::GlobalGet(g) => {
            let g = &store.globals[global(store, g)];
            push!(g.value);
            push!(g.hi);
        }
        Simd::GlobalSet(g) => {
            let g = global(store, g);
            let hi = pop!();
            let lo = pop!();
            let g = &mut store.globals[g];
            (g.value, g.hi) = (lo, hi);
        }
        Simd::Shuffle(i) => {
            let b = pop_v!();
            let a = pop_v!();
            push_v!(shuffle(a, b, code.v128s.get(i as usize).copied().unwrap_or(0)))
        }
        Simd::Load { op, arg } => {
            let addr = pop!();
            let (mem, r) = tri!(mem_range(store, code, inst_id, arg, addr, op.width()));
            push_v!(load(op, &store.memories[mem].data()[r]))
        }
        Simd::Store(arg) => {
            let v = pop_v!();
            let addr = pop!();
            let (mem, r) = tri!(mem_range(store, code, inst_id, arg, addr, 16));
            store.memories[mem].data_mut()[r].copy_from_slice(&v.to_le_bytes());
        }
        Simd::LoadLane { op, lane, arg } => {
            let v = pop_v!();
            let addr = pop!();
            let w = op.width();
            let (mem, r) = tri!(mem_range(store, code, inst_id, arg, addr, w));
            let mut b = [0; 8];
            b[..w as usize].copy_from_slice(&store.memories[mem].data()[r]);
            let x = u64::from_le_bytes(b);
            push_v!(match op {
                SimdLane::L8 => put(v, lane as u32, x as u8),
                SimdLane::L16 => put(v, lane as u32, x as u16),
                SimdLane::L32 => put(v, lane as u32, x as u32),
                SimdLane::L64 => put(v, lane as u32, x),
            })
        }
        Simd::StoreLane { op, lane, arg } => {
            let v = pop_v!();
            let addr = pop!();
            let w = op.width();
            let (mem, r) = tri!(mem_range(store, code, inst_id, arg, addr, w));
            let x = (v.wrapping_shr(lane as u32 * w * 8) as u64).to_le_bytes();
            store.memories[mem].data_mut()[r].copy_from_slice(&x[..w as usize]);
        }
        Simd::Splat(op) => {
            let x = pop!();
            push_v!(splat_op(op, x))
        }
        Simd::Extract { op, lane } => {
            let a = pop_v!();
            push!(extract(op, a, lane as u32))
        }
        Simd::Replace { op, lane } => {
            let x = pop!();
            let a = pop_v!();
            push_v!(replace(op, a, lane as u32, x))
        }
        Simd::Un(op) => {
            let a = pop_v!();
            push_v!(un(op, a))
        }
        Simd::Bin(op) => {
            let b = pop_v!();
            let a = pop_v!();
            push_v!(bin(op, a, b))
        }
        Simd::Tern(op) => {
            let c = pop_v!();
            let b = pop_v!();
            let a = pop_v!();
            push_v!(tern(op, a, b, c))
        }
        Simd::Test(op) => {
            let a = pop_v!();
            push!(test(op, a) as Raw)
        }
        Simd::Shift(op) => {
            let s = pop!() as u32;
            let a = pop_v!();
            push_v!(shift(op, a, s))
        }
    }
    (sp, Ok(()))
}
