//! Threaded dispatch for native builds: one handler function per instruction, each ending in
//! a call of the next instruction's handler through [`TABLE`]. In release builds LLVM turns
//! those calls into jumps, so every handler has its own indirect jump (threaded code), about
//! twice as fast as one shared `match` (bench/dispatch). The chain is bounded by the budget
//! it is given (`Machine::execute` gives at most [`CHAIN`]), so where the calls stay calls
//! (debug builds) the recursion is bounded too.
//!
//! This is not a second interpreter: it runs a subset of the instructions — the ones that
//! cannot trap, call, or touch the store beyond linear memory — and hands every other
//! instruction back to the `match` in `Machine::execute`, which runs it and enters the chain
//! again. A handler that would trap (a load out of bounds) hands its instruction back
//! untouched, and the `match` raises the trap. Semantics shared with the `match`: the operators
//! of `exec::ops` (which `BinOp::eval` uses too, for the fused forms), the same budget rule for
//! fused forms (taken only when the budget covers all their originals). wasm32 has no tail calls (each handler
//! would be a real call: slower than the `match` there), so this file is native only, and
//! `tests/spec.rs` runs the suites with it on and off.

use super::ops::{self, Bin, Un};
use crate::ir::{BinOp, DropKeep, Instr, LoadOp, RETURN_PC, Target, binop_names};
use crate::value::Raw;

/// The most instructions one entry into the chain runs before returning to the `match`.
pub(crate) const CHAIN: u64 = if cfg!(debug_assertions) { 64 } else { 4096 };

/// The state the chain starts from and stops at.
pub(crate) struct Ctx {
    /// The function's first instruction (branch targets are indices from it).
    pub code: *const Instr,
    /// Linear memory 0 (null and 0 when there is none); it cannot grow during a chain.
    pub mem: *mut u8,
    pub mem_len: usize,
    /// Where the chain stopped: the next instruction, the stack top, the budget left.
    pub ip: *const Instr,
    pub sp: *mut Raw,
    pub left: u64,
}

type Handler = unsafe fn(&mut Ctx, *const Instr, *mut Raw, *mut Raw, u64);

/// The tag of an instruction: `Instr` is `repr(u8)`, so it is the first byte.
#[inline(always)]
pub(crate) const fn tag(i: *const Instr) -> usize {
    // SAFETY: `i` points at an `Instr`, whose first byte is its discriminant (`repr(u8)`).
    unsafe { *(i as *const u8) as usize }
}

/// Runs the chain from `ip`: `left` (at least 1) instructions at most. Returns with `c.ip`,
/// `c.sp`, `c.left` set; `c.left > 0` means the instruction at `c.ip` is for the `match`.
///
/// # Safety
/// `ip` points into validated, translated code whose frame has `locals` as local 0 and `sp`
/// as its stack top, with the cells `push_frame` reserved; `c.mem`/`c.mem_len` describe
/// linear memory 0 of the instance.
#[inline(always)]
pub(crate) unsafe fn run(c: &mut Ctx, ip: *const Instr, sp: *mut Raw, locals: *mut Raw, left: u64) {
    debug_assert!(left > 0);
    // SAFETY: as the caller promises.
    unsafe { TABLE[tag(ip)](c, ip, sp, locals, left) }
}

/// Is the instruction at `ip` one the chain runs?
#[inline(always)]
pub(crate) fn handles(ip: *const Instr) -> bool {
    HANDLED[tag(ip)]
}

// ---- the handlers ---------------------------------------------------------------------

/// Stops the chain before the instruction at `ip` (for the `match`, or the budget is out).
macro_rules! stop {
    ($c:ident, $ip:expr, $sp:expr, $left:expr) => {{
        $c.ip = $ip;
        $c.sp = $sp;
        $c.left = $left;
        return;
    }};
}
/// Goes on with the instruction at `ip`; `left` is the budget for it and what follows.
macro_rules! next {
    ($c:ident, $ip:expr, $sp:expr, $l:ident, $left:expr) => {{
        let (ip, sp, left): (*const Instr, *mut Raw, u64) = ($ip, $sp, $left);
        if left == 0 {
            stop!($c, ip, sp, 0);
        }
        return TABLE[tag(ip)]($c, ip, sp, $l, left);
    }};
}
/// Defines a handler: `$body` runs in an `unsafe` block with `c`, `ip`, `sp`, `l` (local 0)
/// and `left` (the budget including this instruction) in scope.
macro_rules! handler {
    ($name:ident, |$c:ident, $ip:ident, $sp:ident, $l:ident, $left:ident| $body:block) => {
        #[allow(unused_mut, unused_variables, unused_unsafe)]
        unsafe fn $name($c: &mut Ctx, $ip: *const Instr, mut $sp: *mut Raw, $l: *mut Raw, $left: u64) {
            // SAFETY: see `run`: validation fixes every stack height and local index.
            unsafe { $body }
        }
    };
}
/// The fields of the instruction at `ip`, which is known to be this variant.
macro_rules! fields {
    ($ip:ident, $pat:pat) => {
        // (Inside a handler's `unsafe` block.) The table calls each handler for its own
        // variant only.
        let $pat = *$ip else { std::hint::unreachable_unchecked() };
    };
}
macro_rules! pop {
    ($sp:ident) => {{
        $sp = $sp.sub(1);
        *$sp
    }};
}
macro_rules! push {
    ($sp:ident, $v:expr) => {{
        let v: Raw = $v;
        *$sp = v;
        $sp = $sp.add(1);
    }};
}
/// A fused form of `$n` originals: falls through to the first original when the budget does
/// not cover them all (as `fused!` in the `match`).
macro_rules! fused {
    ($c:ident, $ip:ident, $sp:ident, $l:ident, $left:ident, $n:expr) => {
        if $left < $n {
            next!($c, $ip.add(1), $sp, $l, $left);
        }
    };
}

handler!(h_stop, |c, ip, sp, l, left| { stop!(c, ip, sp, left) });
handler!(h_marker, |c, ip, sp, l, left| { next!(c, ip.add(1), sp, l, left - 1) });
handler!(h_if, |c, ip, sp, l, left| {
    fields!(ip, Instr::If { else_pc });
    let ip = if pop!(sp) as u32 == 0 { c.code.add(else_pc as usize) } else { ip.add(1) };
    next!(c, ip, sp, l, left - 1)
});
handler!(h_else, |c, ip, sp, l, left| {
    fields!(ip, Instr::Else { end_pc });
    next!(c, c.code.add(end_pc as usize), sp, l, left - 1)
});

/// Reshapes the stack for a branch and returns the stack top.
#[inline(always)]
unsafe fn branch_stack(sp: *mut Raw, dk: DropKeep) -> *mut Raw {
    let DropKeep { drop, keep } = dk;
    if drop == 0 {
        return sp;
    }
    let (drop, keep) = (drop as usize, keep as usize);
    // SAFETY: validation guarantees `keep + drop` operands; `ptr::copy` allows overlap.
    unsafe {
        if keep == 1 {
            *sp.sub(1 + drop) = *sp.sub(1);
        } else {
            std::ptr::copy(sp.sub(keep), sp.sub(keep + drop), keep);
        }
        sp.sub(drop)
    }
}
handler!(h_br, |c, ip, sp, l, left| {
    fields!(ip, Instr::Br(Target { pc, dk }));
    next!(c, c.code.add(pc as usize), branch_stack(sp, dk), l, left - 1)
});
handler!(h_br_if, |c, ip, sp, l, left| {
    fields!(ip, Instr::BrIf(Target { pc, dk }));
    if pop!(sp) as u32 != 0 {
        next!(c, c.code.add(pc as usize), branch_stack(sp, dk), l, left - 1)
    }
    next!(c, ip.add(1), sp, l, left - 1)
});

handler!(h_br_table, |c, ip, sp, l, left| {
    fields!(ip, Instr::BrTable { len });
    let i = (*sp.sub(1) as u32).min(len) as usize;
    // A return goes back to the `match`, which pops the frame (as it does for an entry
    // that is not a target, which the translator never emits).
    let Instr::BrTableTarget(Target { pc, dk }) = *ip.add(1 + i) else { stop!(c, ip, sp, left) };
    if pc == RETURN_PC {
        stop!(c, ip, sp, left);
    }
    next!(c, c.code.add(pc as usize), branch_stack(sp.sub(1), dk), l, left - 1)
});

handler!(h_local_get, |c, ip, sp, l, left| {
    fields!(ip, Instr::LocalGet(i));
    push!(sp, *l.add(i as usize));
    next!(c, ip.add(1), sp, l, left - 1)
});
handler!(h_local_set, |c, ip, sp, l, left| {
    fields!(ip, Instr::LocalSet(i));
    *l.add(i as usize) = pop!(sp);
    next!(c, ip.add(1), sp, l, left - 1)
});
handler!(h_local_tee, |c, ip, sp, l, left| {
    fields!(ip, Instr::LocalTee(i));
    *l.add(i as usize) = *sp.sub(1);
    next!(c, ip.add(1), sp, l, left - 1)
});
handler!(h_drop, |c, ip, sp, l, left| { next!(c, ip.add(1), sp.sub(1), l, left - 1) });
handler!(h_select, |c, ip, sp, l, left| {
    let cond = pop!(sp) as u32;
    let b = pop!(sp);
    if cond == 0 {
        *sp.sub(1) = b;
    }
    next!(c, ip.add(1), sp, l, left - 1)
});
handler!(h_i32_const, |c, ip, sp, l, left| {
    fields!(ip, Instr::I32Const(v));
    push!(sp, v as u32 as u64);
    next!(c, ip.add(1), sp, l, left - 1)
});
handler!(h_i64_const, |c, ip, sp, l, left| {
    fields!(ip, Instr::I64Const(v));
    push!(sp, v as u64);
    next!(c, ip.add(1), sp, l, left - 1)
});
handler!(h_f32_const, |c, ip, sp, l, left| {
    fields!(ip, Instr::F32Const(v));
    push!(sp, v as u64);
    next!(c, ip.add(1), sp, l, left - 1)
});
handler!(h_f64_const, |c, ip, sp, l, left| {
    fields!(ip, Instr::F64Const(v));
    push!(sp, v);
    next!(c, ip.add(1), sp, l, left - 1)
});

/// A unary operator of `ops`, one handler per operator.
unsafe fn h_un<T: Un>(c: &mut Ctx, ip: *const Instr, sp: *mut Raw, l: *mut Raw, left: u64) {
    // SAFETY: stack as in `run`.
    unsafe {
        *sp.sub(1) = T::eval(*sp.sub(1));
        next!(c, ip.add(1), sp, l, left - 1)
    }
}

/// A binary operator of `ops`, one handler per operator.
unsafe fn h_bin<T: Bin>(c: &mut Ctx, ip: *const Instr, mut sp: *mut Raw, l: *mut Raw, left: u64) {
    // SAFETY: stack as in `run`.
    unsafe {
        let b = pop!(sp);
        *sp.sub(1) = T::eval(*sp.sub(1), b);
        next!(c, ip.add(1), sp, l, left - 1)
    }
}

/// The bytes of a load or store of `n` bytes at `addr + offset`, if in bounds.
#[inline(always)]
unsafe fn at(c: &Ctx, addr: u32, offset: u32, n: usize) -> Option<*mut u8> {
    let start = addr as u64 + offset as u64;
    // SAFETY: in bounds of the memory's bytes (checked).
    (start + n as u64 <= c.mem_len as u64).then(|| unsafe { c.mem.add(start as usize) })
}
macro_rules! load_handler {
    ($name:ident, $variant:ident, $n:literal, |$b:ident| $e:expr) => {
        handler!($name, |c, ip, sp, l, left| {
            fields!(ip, Instr::$variant(offset));
            let Some(p) = at(c, *sp.sub(1) as u32, offset, $n) else { stop!(c, ip, sp, left) };
            let $b: [u8; $n] = std::ptr::read_unaligned(p as *const [u8; $n]);
            *sp.sub(1) = $e;
            next!(c, ip.add(1), sp, l, left - 1)
        });
    };
}
load_handler!(h_i32_load, I32Load, 4, |b| u32::from_le_bytes(b) as u64);
load_handler!(h_i64_load, I64Load, 8, |b| u64::from_le_bytes(b));
load_handler!(h_f32_load, F32Load, 4, |b| u32::from_le_bytes(b) as u64);
load_handler!(h_f64_load, F64Load, 8, |b| u64::from_le_bytes(b));
load_handler!(h_i32_load8_s, I32Load8S, 1, |b| b[0] as i8 as i32 as u32 as u64);
load_handler!(h_i32_load8_u, I32Load8U, 1, |b| b[0] as u64);
load_handler!(h_i32_load16_s, I32Load16S, 2, |b| i16::from_le_bytes(b) as i32 as u32 as u64);
load_handler!(h_i32_load16_u, I32Load16U, 2, |b| u16::from_le_bytes(b) as u64);
load_handler!(h_i64_load8_s, I64Load8S, 1, |b| b[0] as i8 as i64 as u64);
load_handler!(h_i64_load8_u, I64Load8U, 1, |b| b[0] as u64);
load_handler!(h_i64_load16_s, I64Load16S, 2, |b| i16::from_le_bytes(b) as i64 as u64);
load_handler!(h_i64_load16_u, I64Load16U, 2, |b| u16::from_le_bytes(b) as u64);
load_handler!(h_i64_load32_s, I64Load32S, 4, |b| i32::from_le_bytes(b) as i64 as u64);
load_handler!(h_i64_load32_u, I64Load32U, 4, |b| u32::from_le_bytes(b) as u64);
macro_rules! store_handler {
    ($name:ident, $variant:ident, $n:literal, |$v:ident| $e:expr) => {
        handler!($name, |c, ip, sp, l, left| {
            fields!(ip, Instr::$variant(offset));
            let Some(p) = at(c, *sp.sub(2) as u32, offset, $n) else { stop!(c, ip, sp, left) };
            let $v: Raw = *sp.sub(1);
            let bytes: [u8; $n] = $e;
            std::ptr::write_unaligned(p as *mut [u8; $n], bytes);
            next!(c, ip.add(1), sp.sub(2), l, left - 1)
        });
    };
}
store_handler!(h_i32_store, I32Store, 4, |v| (v as u32).to_le_bytes());
store_handler!(h_f32_store, F32Store, 4, |v| (v as u32).to_le_bytes());
store_handler!(h_i64_store, I64Store, 8, |v| v.to_le_bytes());
store_handler!(h_f64_store, F64Store, 8, |v| v.to_le_bytes());
store_handler!(h_i32_store8, I32Store8, 1, |v| [v as u8]);
store_handler!(h_i64_store8, I64Store8, 1, |v| [v as u8]);
store_handler!(h_i32_store16, I32Store16, 2, |v| (v as u16).to_le_bytes());
store_handler!(h_i64_store16, I64Store16, 2, |v| (v as u16).to_le_bytes());
store_handler!(h_i64_store32, I64Store32, 4, |v| (v as u32).to_le_bytes());

/// A fused form carrying an operator: `$entry` checks the budget and jumps to the handler
/// specialised for its operator (`$spec::<ops::X>`, from `$table`), so that each (form,
/// operator) pair is its own function with its own dispatch to the next instruction.
macro_rules! fused_op {
    ($entry:ident, $spec:ident, $table:ident, $variant:ident, $n:expr,
     |$c:ident, $ip:ident, $sp:ident, $l:ident, $left:ident, $t:ident| $body:block) => {
        handler!($entry, |$c, $ip, $sp, $l, $left| {
            fused!($c, $ip, $sp, $l, $left, $n);
            fields!($ip, Instr::$variant { op, .. });
            $table[op as usize]($c, $ip, $sp, $l, $left)
        });
        #[allow(unused_mut, unused_variables)]
        unsafe fn $spec<$t: Bin>($c: &mut Ctx, $ip: *const Instr, mut $sp: *mut Raw, $l: *mut Raw, $left: u64) {
            // SAFETY: as for every handler.
            unsafe { $body }
        }
        static $table: [Handler; 256] = spec_table!($spec);
    };
}

/// The handlers of one fused form, by `BinOp` (`h_stop` elsewhere).
macro_rules! spec_table {
    ($h:ident) => {
        binop_names!(spec_table @ $h)
    };
    (@ $h:ident; $($name:ident),*) => {{
        let mut t: [Handler; 256] = [h_stop; 256];
        $( t[BinOp::$name as usize] = $h::<ops::$name>; )*
        t
    }};
}

// Fused forms (see `ir::Instr`): the same work as their arms in the `match`.
fused_op!(h_f_ll_bin, h_f_ll_bin_s, SPEC_LL_BIN, FLLBin, 3, |c, ip, sp, l, left, T| {
    fields!(ip, Instr::FLLBin { op, a, b });
    push!(sp, T::eval(*l.add(a as usize), *l.add(b as usize)));
    next!(c, ip.add(4), sp, l, left - 3)
});
fused_op!(h_f_lc_bin, h_f_lc_bin_s, SPEC_LC_BIN, FLCBin, 3, |c, ip, sp, l, left, T| {
    fields!(ip, Instr::FLCBin { op, a, c: k });
    push!(sp, T::eval(*l.add(a as usize), op.constant(k)));
    next!(c, ip.add(4), sp, l, left - 3)
});
fused_op!(h_f_c_bin, h_f_c_bin_s, SPEC_C_BIN, FCBin, 2, |c, ip, sp, l, left, T| {
    fields!(ip, Instr::FCBin { op, c: k });
    *sp.sub(1) = T::eval(*sp.sub(1), op.constant(k));
    next!(c, ip.add(3), sp, l, left - 2)
});
fused_op!(h_f_bin_set, h_f_bin_set_s, SPEC_BIN_SET, FBinSet, 2, |c, ip, sp, l, left, T| {
    fields!(ip, Instr::FBinSet { op, x });
    let b = pop!(sp);
    let a = pop!(sp);
    *l.add(x as usize) = T::eval(a, b);
    next!(c, ip.add(3), sp, l, left - 2)
});
fused_op!(h_f_ll_bin_set, h_f_ll_bin_set_s, SPEC_LL_BIN_SET, FLLBinSet, 4, |c, ip, sp, l, left, T| {
    fields!(ip, Instr::FLLBinSet { op, a, b, x });
    *l.add(x as usize) = T::eval(*l.add(a as usize), *l.add(b as usize));
    next!(c, ip.add(5), sp, l, left - 4)
});
fused_op!(h_f_lc_bin_set, h_f_lc_bin_set_s, SPEC_LC_BIN_SET, FLCBinSet, 4, |c, ip, sp, l, left, T| {
    fields!(ip, Instr::FLCBinSet { op, a, c: k, x });
    *l.add(x as usize) = T::eval(*l.add(a as usize), op.constant(k));
    next!(c, ip.add(5), sp, l, left - 4)
});
/// Jumps to `target` if `cond`, else past the `$n` originals.
macro_rules! branch_if {
    ($c:ident, $ip:ident, $sp:ident, $l:ident, $left:ident, $cond:expr, $target:expr, $n:expr) => {{
        let ip = if $cond { $c.code.add($target as usize) } else { $ip.add($n + 1) };
        next!($c, ip, $sp, $l, $left - $n)
    }};
}
fused_op!(h_f_ll_cmp_br_if, h_f_ll_cmp_br_if_s, SPEC_LL_CMP_BR_IF, FLLCmpBrIf, 4, |c, ip, sp, l, left, T| {
    fields!(ip, Instr::FLLCmpBrIf { op, a, b, target });
    branch_if!(c, ip, sp, l, left, T::eval(*l.add(a as usize), *l.add(b as usize)) as u32 != 0, target, 4)
});
fused_op!(h_f_lc_cmp_br_if, h_f_lc_cmp_br_if_s, SPEC_LC_CMP_BR_IF, FLCCmpBrIf, 4, |c, ip, sp, l, left, T| {
    fields!(ip, Instr::FLCCmpBrIf { op, a, c: k, target });
    branch_if!(c, ip, sp, l, left, T::eval(*l.add(a as usize), op.constant(k)) as u32 != 0, target, 4)
});
fused_op!(h_f_c_cmp_br_if, h_f_c_cmp_br_if_s, SPEC_C_CMP_BR_IF, FCCmpBrIf, 3, |c, ip, sp, l, left, T| {
    fields!(ip, Instr::FCCmpBrIf { op, c: k, target });
    let a = pop!(sp);
    branch_if!(c, ip, sp, l, left, T::eval(a, op.constant(k)) as u32 != 0, target, 3)
});
fused_op!(h_f_cmp_br_if, h_f_cmp_br_if_s, SPEC_CMP_BR_IF, FCmpBrIf, 2, |c, ip, sp, l, left, T| {
    fields!(ip, Instr::FCmpBrIf { op, target });
    let b = pop!(sp);
    let a = pop!(sp);
    branch_if!(c, ip, sp, l, left, T::eval(a, b) as u32 != 0, target, 2)
});
handler!(h_f_eqz_br_if, |c, ip, sp, l, left| {
    fused!(c, ip, sp, l, left, 2);
    fields!(ip, Instr::FEqzBrIf { target });
    branch_if!(c, ip, sp, l, left, pop!(sp) as u32 == 0, target, 2)
});
handler!(h_f_local_br_if, |c, ip, sp, l, left| {
    fused!(c, ip, sp, l, left, 2);
    fields!(ip, Instr::FLocalBrIf { a, target });
    branch_if!(c, ip, sp, l, left, *l.add(a as usize) as u32 != 0, target, 2)
});
handler!(h_f_local_copy, |c, ip, sp, l, left| {
    fused!(c, ip, sp, l, left, 2);
    fields!(ip, Instr::FLocalCopy { a, x });
    *l.add(x as usize) = *l.add(a as usize);
    next!(c, ip.add(3), sp, l, left - 2)
});
handler!(h_f_const_set, |c, ip, sp, l, left| {
    fused!(c, ip, sp, l, left, 2);
    fields!(ip, Instr::FConstSet { c: k, x });
    *l.add(x as usize) = k as u32 as u64;
    next!(c, ip.add(3), sp, l, left - 2)
});
handler!(h_f_skip, |c, ip, sp, l, left| {
    fields!(ip, Instr::FSkip { n, to });
    let n = n as u64;
    fused!(c, ip, sp, l, left, n);
    next!(c, c.code.add(to as usize), sp, l, left - n)
});
handler!(h_f_l_load, |c, ip, sp, l, left| {
    fused!(c, ip, sp, l, left, 2);
    fields!(ip, Instr::FLLoad { op, a, offset });
    let addr = *l.add(a as usize) as u32;
    // Out of bounds: the `match` runs the fused form again and traps.
    let v = match op {
        LoadOp::I32 => {
            at(c, addr, offset, 4).map(|p| u32::from_le_bytes(std::ptr::read_unaligned(p as *const [u8; 4])) as u64)
        }
        LoadOp::I64 => {
            at(c, addr, offset, 8).map(|p| u64::from_le_bytes(std::ptr::read_unaligned(p as *const [u8; 8])))
        }
        LoadOp::I32U8 => at(c, addr, offset, 1).map(|p| *p as u64),
        LoadOp::I32S8 => at(c, addr, offset, 1).map(|p| *p as i8 as i32 as u32 as u64),
        LoadOp::I32U16 => {
            at(c, addr, offset, 2).map(|p| u16::from_le_bytes(std::ptr::read_unaligned(p as *const [u8; 2])) as u64)
        }
        LoadOp::I32S16 => at(c, addr, offset, 2)
            .map(|p| i16::from_le_bytes(std::ptr::read_unaligned(p as *const [u8; 2])) as i32 as u32 as u64),
    };
    let Some(v) = v else { stop!(c, ip, sp, left) };
    push!(sp, v);
    next!(c, ip.add(3), sp, l, left - 2)
});
fused_op!(h_f_l_bin, h_f_l_bin_s, SPEC_L_BIN, FLBin, 2, |c, ip, sp, l, left, T| {
    fields!(ip, Instr::FLBin { op, b });
    *sp.sub(1) = T::eval(*sp.sub(1), *l.add(b as usize));
    next!(c, ip.add(3), sp, l, left - 2)
});
fused_op!(h_f_bin_tee, h_f_bin_tee_s, SPEC_BIN_TEE, FBinTee, 2, |c, ip, sp, l, left, T| {
    fields!(ip, Instr::FBinTee { op, x });
    let b = pop!(sp);
    let v = T::eval(*sp.sub(1), b);
    *sp.sub(1) = v;
    *l.add(x as usize) = v;
    next!(c, ip.add(3), sp, l, left - 2)
});
fused_op!(h_f_l_bin_set, h_f_l_bin_set_s, SPEC_L_BIN_SET, FLBinSet, 3, |c, ip, sp, l, left, T| {
    fields!(ip, Instr::FLBinSet { op, b, x });
    let a = pop!(sp);
    *l.add(x as usize) = T::eval(a, *l.add(b as usize));
    next!(c, ip.add(4), sp, l, left - 3)
});
fused_op!(h_f_l_bin_tee, h_f_l_bin_tee_s, SPEC_L_BIN_TEE, FLBinTee, 3, |c, ip, sp, l, left, T| {
    fields!(ip, Instr::FLBinTee { op, b, x });
    let v = T::eval(*sp.sub(1), *l.add(b as usize));
    *sp.sub(1) = v;
    *l.add(x as usize) = v;
    next!(c, ip.add(4), sp, l, left - 3)
});
fused_op!(h_f_ll_bin_tee, h_f_ll_bin_tee_s, SPEC_LL_BIN_TEE, FLLBinTee, 4, |c, ip, sp, l, left, T| {
    fields!(ip, Instr::FLLBinTee { op, a, b, x });
    let v = T::eval(*l.add(a as usize), *l.add(b as usize));
    *l.add(x as usize) = v;
    push!(sp, v);
    next!(c, ip.add(5), sp, l, left - 4)
});
fused_op!(h_f_lc_bin_tee, h_f_lc_bin_tee_s, SPEC_LC_BIN_TEE, FLCBinTee, 4, |c, ip, sp, l, left, T| {
    fields!(ip, Instr::FLCBinTee { op, a, c: k, x });
    let v = T::eval(*l.add(a as usize), op.constant(k));
    *l.add(x as usize) = v;
    push!(sp, v);
    next!(c, ip.add(5), sp, l, left - 4)
});

// ---- the table ------------------------------------------------------------------------

const fn tag_of(i: Instr) -> usize {
    tag(&i as *const Instr)
}

/// Handlers by tag (`h_stop` for every instruction the `match` runs), and which tags have
/// one of their own.
const BUILT: ([Handler; 256], [bool; 256]) = {
    let mut t: [Handler; 256] = [h_stop; 256];
    let mut handled = [false; 256];
    macro_rules! set {
        ($($i:expr => $h:expr),* $(,)?) => { $( t[tag_of($i)] = $h; handled[tag_of($i)] = true; )* };
    }
    let dk = DropKeep { drop: 0, keep: 0 };
    let tg = Target { pc: 0, dk };
    set! {
        Instr::Nop => h_marker, Instr::Block => h_marker, Instr::Loop => h_marker, Instr::End => h_marker,
        Instr::If { else_pc: 0 } => h_if, Instr::Else { end_pc: 0 } => h_else,
        Instr::Br(tg) => h_br, Instr::BrIf(tg) => h_br_if, Instr::BrTable { len: 0 } => h_br_table,
        Instr::LocalGet(0) => h_local_get, Instr::LocalSet(0) => h_local_set, Instr::LocalTee(0) => h_local_tee,
        Instr::Drop => h_drop, Instr::Select => h_select,
        // Reinterpretations: the cells are untyped bits already.
        Instr::I32ReinterpretF32 => h_marker, Instr::I64ReinterpretF64 => h_marker,
        Instr::F32ReinterpretI32 => h_marker, Instr::F64ReinterpretI64 => h_marker,
        Instr::I32Const(0) => h_i32_const, Instr::I64Const(0) => h_i64_const,
        Instr::F32Const(0) => h_f32_const, Instr::F64Const(0) => h_f64_const,
        Instr::I32Load(0) => h_i32_load, Instr::I64Load(0) => h_i64_load,
        Instr::F32Load(0) => h_f32_load, Instr::F64Load(0) => h_f64_load,
        Instr::I32Load8S(0) => h_i32_load8_s, Instr::I32Load8U(0) => h_i32_load8_u,
        Instr::I32Load16S(0) => h_i32_load16_s, Instr::I32Load16U(0) => h_i32_load16_u,
        Instr::I64Load8S(0) => h_i64_load8_s, Instr::I64Load8U(0) => h_i64_load8_u,
        Instr::I64Load16S(0) => h_i64_load16_s, Instr::I64Load16U(0) => h_i64_load16_u,
        Instr::I64Load32S(0) => h_i64_load32_s, Instr::I64Load32U(0) => h_i64_load32_u,
        Instr::I32Store(0) => h_i32_store, Instr::F32Store(0) => h_f32_store,
        Instr::I64Store(0) => h_i64_store, Instr::F64Store(0) => h_f64_store,
        Instr::I32Store8(0) => h_i32_store8, Instr::I64Store8(0) => h_i64_store8,
        Instr::I32Store16(0) => h_i32_store16, Instr::I64Store16(0) => h_i64_store16,
        Instr::I64Store32(0) => h_i64_store32,
    }
    let (op, k) = (BinOp::I32Add, 0);
    set! {
        Instr::FLLBin { op, a: 0, b: 0 } => h_f_ll_bin,
        Instr::FLCBin { op, a: 0, c: k } => h_f_lc_bin,
        Instr::FCBin { op, c: k } => h_f_c_bin,
        Instr::FBinSet { op, x: 0 } => h_f_bin_set,
        Instr::FLLBinSet { op, a: 0, b: 0, x: 0 } => h_f_ll_bin_set,
        Instr::FLCBinSet { op, a: 0, c: k, x: 0 } => h_f_lc_bin_set,
        Instr::FLLCmpBrIf { op, a: 0, b: 0, target: 0 } => h_f_ll_cmp_br_if,
        Instr::FLCCmpBrIf { op, a: 0, c: k, target: 0 } => h_f_lc_cmp_br_if,
        Instr::FCCmpBrIf { op, c: k, target: 0 } => h_f_c_cmp_br_if,
        Instr::FCmpBrIf { op, target: 0 } => h_f_cmp_br_if,
        Instr::FEqzBrIf { target: 0 } => h_f_eqz_br_if,
        Instr::FLocalBrIf { a: 0, target: 0 } => h_f_local_br_if,
        Instr::FLocalCopy { a: 0, x: 0 } => h_f_local_copy,
        Instr::FConstSet { c: k, x: 0 } => h_f_const_set,
        Instr::FSkip { n: 0, to: 0 } => h_f_skip,
        Instr::FLLoad { op: LoadOp::I32, a: 0, offset: 0 } => h_f_l_load,
        Instr::FLBin { op, b: 0 } => h_f_l_bin,
        Instr::FBinTee { op, x: 0 } => h_f_bin_tee,
        Instr::FLBinSet { op, b: 0, x: 0 } => h_f_l_bin_set,
        Instr::FLBinTee { op, b: 0, x: 0 } => h_f_l_bin_tee,
        Instr::FLLBinTee { op, a: 0, b: 0, x: 0 } => h_f_ll_bin_tee,
        Instr::FLCBinTee { op, a: 0, c: k, x: 0 } => h_f_lc_bin_tee,
    }
    // Every operator of `ops`: one handler each.
    macro_rules! register {
        (un { $($u:ident $ud:tt;)* } bin { $($b:ident $bd:tt;)* }) => {
            $( set!(Instr::$u => h_un::<ops::$u>); )*
            $( set!(Instr::$b => h_bin::<ops::$b>); )*
        };
    }
    ops::op_list!(register);
    (t, handled)
};
static TABLE: [Handler; 256] = BUILT.0;
static HANDLED: [bool; 256] = BUILT.1;
