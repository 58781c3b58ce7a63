//! Threaded dispatch for native builds: one handler function per instruction, each ending in
//! a call of the next instruction's handler. In release builds LLVM turns those calls into
//! jumps, so every handler has its own indirect jump (threaded code, about twice as fast as
//! one shared `match`: bench/dispatch). Direct threading: `link` pairs each instruction of a
//! function with its handler in a [`Slot`] (fused forms with the handler specialised for their
//! operator, kind of load or store; branches with the one for their stack shape), so a
//! dispatch is one load and one jump. The top of the value stack lives in a register (see
//! [`Handler`]). The chain is bounded by the budget it is given (`Machine::execute` gives at
//! most [`CHAIN`]), so where the calls stay calls (debug builds) the recursion is bounded too.
//!
//! This is not a second interpreter: it runs a subset of the instructions — locals,
//! constants, the operators of `exec::ops`, loads and stores, branches, the fused forms, and
//! calls and returns within one instance — and hands every other instruction back to the
//! `match` in `Machine::execute`, which runs it and enters the chain again. A handler that
//! would trap (a load out of bounds, a call past the depth limit) hands its instruction back
//! untouched, and the `match` raises the trap. Semantics shared with the `match`: the
//! operators of `exec::ops` (which `BinOp::eval` uses too, for the fused forms), the same
//! budget rule for fused forms (taken only when the budget covers all their originals).
//! wasm32 has no tail calls (each handler would be a real call: slower than the `match`
//! there), so this file is native only, and `tests/spec.rs` runs the suites with it on and off.

use super::Frame;
use super::ops::{self, Bin, Load, Un};
use crate::ir::Code;
use crate::ir::{
    BinOp, DropKeep, Instr, LoadOp, Opcode, RETURN_PC, StoreOp, Target, binop_names, for_each_instr, for_each_plain,
};
use crate::runtime::{FuncKind, Store};
use crate::value::Raw;

/// The most instructions one entry into the chain runs before returning to the `match`.
pub(crate) const CHAIN: u64 = if cfg!(debug_assertions) { 64 } else { 4096 };

/// The state the chain starts from and stops at.
pub(crate) struct Ctx {
    /// The function's first slot (branch targets are indices from it).
    pub code: *const Slot,
    /// Linear memory 0 (null and 0 when there is none); it cannot grow during a chain.
    pub mem: *mut u8,
    pub mem_len: usize,
    /// Where the chain stopped: the next instruction, the stack top, the budget left.
    pub ip: *const Slot,
    pub sp: *mut Raw,
    pub left: u64,
    /// For calls and returns inside the chain: the machine's frames, the store, the value
    /// stack's cells (`base..end`), the instance (calls to another one go to the `match`) and
    /// the call depth limit.
    pub frames: *mut Vec<Frame>,
    pub slots: *const SlotMap,
    pub store: *const Store,
    pub base: *mut Raw,
    pub end: *mut Raw,
    pub inst: u32,
    pub max_depth: usize,
    /// Set when a call or return changed the frame: `ip` is then in the new frame's code.
    pub switched: bool,
}

/// One instruction as the chain sees it: its handler, then the instruction (direct
/// threading: a dispatch is one load and one jump).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub(crate) struct Slot {
    h: Handler,
    i: Instr,
}

/// The slots of each function a machine ran, by store address: made the first time the chain
/// runs the function in that machine. (The boxes do not move when the map grows.)
#[derive(Default)]
pub(crate) struct SlotMap(Vec<Option<Box<[Slot]>>>);

impl SlotMap {
    /// The first slot of function `func`, whose instructions are `code`, linking it first if
    /// this is the first time.
    pub fn get_or_link(&mut self, func: u32, code: &[Instr]) -> *const Slot {
        let i = func as usize;
        if self.0.len() <= i {
            self.0.resize_with(i + 1, || None);
        }
        self.0[i].get_or_insert_with(|| link(code)).as_ptr()
    }

    /// The first slot of function `func`, if it was linked.
    #[inline(always)]
    fn get(&self, func: u32) -> Option<*const Slot> {
        self.0.get(func as usize)?.as_ref().map(|s| s.as_ptr())
    }
}

/// The slots of `code`: each instruction with its handler. Fused forms carrying an operator
/// get the handler specialised for it, so they dispatch once.
pub(crate) fn link(code: &[Instr]) -> Box<[Slot]> {
    code.iter()
        .map(|&i| {
            let h = specialised(&i);
            // `BUILT` must mark every instruction `specialised` knows, or the loop would never
            // hand it to the chain.
            debug_assert!(h.is_none() || HANDLED[i.opcode() as usize], "{i:?} has a handler but is not marked");
            Slot { h: h.unwrap_or(TABLE[i.opcode() as usize]), i }
        })
        .collect()
}

/// A handler's arguments: the context, the instruction, the top cell's address (`sp`), local
/// 0, the budget (including this instruction) and the top value (`tos`).
///
/// **The top of the stack lives in a register.** Inside the chain the value stack is the
/// cells below `sp` followed by `tos`; the cell at `sp` itself is stale until the chain stops
/// (`stop!` writes `tos` back). Binary operators then read one cell and write none, and a
/// chain of dependent operations runs through a register instead of a store and a reload.
/// When the frame's operand stack is empty, `sp` is the frame's last local (or the cell below
/// the frame), which `tos` mirrors: a handler that writes a local while the stack does not
/// move uses `set_local!`, which keeps the mirror current.
pub(crate) type Handler = unsafe fn(&mut Ctx, *const Slot, *mut Raw, *mut Raw, u64, Raw);

/// Runs the chain from `ip`: `left` (at least 1) instructions at most. Returns with `c.ip`,
/// `c.sp`, `c.left` set; `c.left > 0` means the instruction at `c.ip` is for the `match`.
///
/// # Safety
/// `ip` points into validated, translated code whose frame has `locals` as local 0 and `sp`
/// as its stack top, with the cells `push_frame` reserved; `c.mem`/`c.mem_len` describe
/// linear memory 0 of the instance. The cell below the frame's operands (`sp - 1` when they
/// are empty) must exist: the frame has a local, or a cell below it.
#[inline(always)]
pub(crate) unsafe fn run(c: &mut Ctx, ip: *const Slot, sp: *mut Raw, locals: *mut Raw, left: u64) {
    debug_assert!(left > 0);
    // SAFETY: as the caller promises.
    unsafe {
        let sp = sp.sub(1);
        ((*ip).h)(c, ip, sp, locals, left, *sp)
    }
}

/// Is the instruction at `ip` one the chain runs?
#[inline(always)]
pub(crate) fn handles(i: &Instr) -> bool {
    HANDLED[i.opcode() as usize]
}

// ---- the handlers ---------------------------------------------------------------------

/// Stops the chain before the instruction at `ip` (for the `match`, or the budget is out),
/// writing the top value back to its cell.
macro_rules! stop {
    ($c:ident, $ip:expr, $sp:expr, $t:expr, $left:expr) => {{
        return finish($c, $ip, $sp, $t, $left);
    }};
}
/// The end of a chain, out of line: the handlers' own paths then run straight through to
/// their dispatch, with no taken branch but the jump to the next handler.
#[cold]
#[inline(never)]
unsafe fn finish(c: &mut Ctx, ip: *const Slot, sp: *mut Raw, t: Raw, left: u64) {
    // SAFETY: `sp` is the top value's cell (see `Handler`).
    unsafe { *sp = t };
    c.ip = ip;
    // SAFETY: the cell above it exists (`push_frame` reserved it).
    c.sp = unsafe { sp.add(1) };
    c.left = left;
}
/// Goes on with the instruction at `ip`; `left` is the budget for it and what follows.
macro_rules! next {
    ($c:ident, $ip:expr, $sp:expr, $l:ident, $left:expr, $t:expr) => {{
        let (ip, sp, left, t): (*const Slot, *mut Raw, u64, Raw) = ($ip, $sp, $left, $t);
        if left == 0 {
            stop!($c, ip, sp, t, 0);
        }
        return ((*ip).h)($c, ip, sp, $l, left, t);
    }};
}
/// Defines a handler: `$body` runs in an `unsafe` block with `c`, `ip`, `sp`, `l` (local 0),
/// `left` (the budget including this instruction) and `t` (the top value) in scope.
macro_rules! handler {
    ($name:ident, |$c:ident, $ip:ident, $sp:ident, $l:ident, $left:ident, $t:ident| $body:block) => {
        #[allow(unused_mut, unused_variables, unused_unsafe)]
        unsafe fn $name($c: &mut Ctx, $ip: *const Slot, mut $sp: *mut Raw, $l: *mut Raw, $left: u64, mut $t: Raw) {
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
        let $pat = (*$ip).i else { std::hint::unreachable_unchecked() };
    };
}
/// Pops the top value; the one under it becomes `t`.
macro_rules! pop {
    ($sp:ident, $t:ident) => {{
        let v = $t;
        $sp = $sp.sub(1);
        $t = *$sp;
        v
    }};
}
/// Pushes a value: `t` goes to its cell, the value becomes `t`.
macro_rules! push {
    ($sp:ident, $t:ident, $v:expr) => {{
        let v: Raw = $v;
        *$sp = $t;
        $sp = $sp.add(1);
        $t = v;
    }};
}
/// Writes local `x` while the stack does not move: if the operand stack is empty, `t`
/// mirrors the last local, which may be `x`.
macro_rules! set_local {
    ($l:ident, $sp:ident, $t:ident, $x:expr, $v:expr) => {{
        let (p, v): (*mut Raw, Raw) = ($l.add($x as usize), $v);
        *p = v;
        if p == $sp {
            $t = v;
        }
    }};
}
/// A fused form of `$n` originals: falls through to the first original when the budget does
/// not cover them all (as `fused!` in the `match`).
macro_rules! fused {
    ($c:ident, $ip:ident, $sp:ident, $l:ident, $left:ident, $t:ident, $n:expr) => {
        if $left < $n {
            return fall_through($c, $ip, $sp, $l, $left, $t);
        }
    };
}
/// A fused form the budget does not cover goes on with its first original (out of line, as
/// `finish`).
#[cold]
#[inline(never)]
unsafe fn fall_through(c: &mut Ctx, ip: *const Slot, sp: *mut Raw, l: *mut Raw, left: u64, t: Raw) {
    // SAFETY: the originals follow the fused form.
    unsafe { next!(c, ip.add(1), sp, l, left, t) }
}

/// The length of fused form `op` (the list's).
const fn len(op: Opcode) -> u64 {
    match op.fused_len() {
        Some(n) => n as u64,
        None => panic!("not a fused form of fixed length"),
    }
}

handler!(h_stop, |c, ip, sp, l, left, t| { stop!(c, ip, sp, t, left) });
handler!(h_marker, |c, ip, sp, l, left, t| { next!(c, ip.add(1), sp, l, left - 1, t) });
handler!(h_if, |c, ip, sp, l, left, t| {
    fields!(ip, Instr::If { else_pc });
    let ip = if pop!(sp, t) as u32 == 0 { c.code.add(else_pc as usize) } else { ip.add(1) };
    next!(c, ip, sp, l, left - 1, t)
});
handler!(h_else, |c, ip, sp, l, left, t| {
    fields!(ip, Instr::Else { end_pc });
    next!(c, c.code.add(end_pc as usize), sp, l, left - 1, t)
});

/// Reshapes the stack for a branch: drops `dk.drop` values under the top `dk.keep`. Only
/// for a branch that `simple` accepts.
#[inline(always)]
unsafe fn branch_stack(sp: *mut Raw, t: Raw, dk: DropKeep) -> (*mut Raw, Raw) {
    let DropKeep { drop, keep } = dk;
    if drop == 0 {
        return (sp, t);
    }
    // SAFETY: validation guarantees `keep + drop` operands.
    unsafe {
        let sp = sp.sub(drop as usize);
        if keep == 0 { (sp, *sp) } else { (sp, t) }
    }
}
/// Can the chain take this branch? One that moves several values down is left to the
/// `match` (copying them would call `memmove`, and a handler that calls anything pays for
/// saving registers on every run).
#[inline(always)]
fn simple(dk: DropKeep) -> bool {
    dk.keep <= 1 || dk.drop == 0
}
// `link` gives a branch whose stack `simple` rejects to the `match` (`h_stop`), and one that
// drops nothing the `_plain` handler.
handler!(h_br, |c, ip, sp, l, left, t| {
    fields!(ip, Instr::Br(Target { pc, dk }));
    let (sp, t) = branch_stack(sp, t, dk);
    next!(c, c.code.add(pc as usize), sp, l, left - 1, t)
});
handler!(h_br_plain, |c, ip, sp, l, left, t| {
    fields!(ip, Instr::Br(Target { pc, .. }));
    next!(c, c.code.add(pc as usize), sp, l, left - 1, t)
});
handler!(h_br_if, |c, ip, sp, l, left, t| {
    fields!(ip, Instr::BrIf(Target { pc, dk }));
    if pop!(sp, t) as u32 != 0 {
        let (sp, t) = branch_stack(sp, t, dk);
        next!(c, c.code.add(pc as usize), sp, l, left - 1, t)
    }
    next!(c, ip.add(1), sp, l, left - 1, t)
});
handler!(h_br_if_plain, |c, ip, sp, l, left, t| {
    fields!(ip, Instr::BrIf(Target { pc, .. }));
    let cond = pop!(sp, t) as u32;
    let ip = if cond != 0 { c.code.add(pc as usize) } else { ip.add(1) };
    next!(c, ip, sp, l, left - 1, t)
});

handler!(h_br_table, |c, ip, sp, l, left, t| {
    fields!(ip, Instr::BrTable { len });
    let i = (t as u32).min(len) as usize;
    // A return goes back to the `match`, which pops the frame (as it does for an entry
    // that is not a target, which the translator never emits).
    let Instr::BrTableTarget(Target { pc, dk }) = (*ip.add(1 + i)).i else { stop!(c, ip, sp, t, left) };
    if pc == RETURN_PC || !simple(dk) {
        stop!(c, ip, sp, t, left);
    }
    pop!(sp, t);
    let (sp, t) = branch_stack(sp, t, dk);
    next!(c, c.code.add(pc as usize), sp, l, left - 1, t)
});

handler!(h_local_get, |c, ip, sp, l, left, t| {
    fields!(ip, Instr::LocalGet(i));
    push!(sp, t, *l.add(i as usize));
    next!(c, ip.add(1), sp, l, left - 1, t)
});
handler!(h_local_set, |c, ip, sp, l, left, t| {
    fields!(ip, Instr::LocalSet(i));
    // Written before the pop reloads `t`, which may be this very local.
    *l.add(i as usize) = t;
    sp = sp.sub(1);
    next!(c, ip.add(1), sp, l, left - 1, *sp)
});
handler!(h_local_tee, |c, ip, sp, l, left, t| {
    fields!(ip, Instr::LocalTee(i));
    *l.add(i as usize) = t;
    next!(c, ip.add(1), sp, l, left - 1, t)
});
handler!(h_drop, |c, ip, sp, l, left, t| {
    pop!(sp, t);
    next!(c, ip.add(1), sp, l, left - 1, t)
});
handler!(h_select, |c, ip, sp, l, left, t| {
    let cond = pop!(sp, t) as u32;
    let b = pop!(sp, t);
    if cond == 0 {
        t = b;
    }
    next!(c, ip.add(1), sp, l, left - 1, t)
});
handler!(h_i32_const, |c, ip, sp, l, left, t| {
    fields!(ip, Instr::I32Const(v));
    push!(sp, t, v as u32 as u64);
    next!(c, ip.add(1), sp, l, left - 1, t)
});
handler!(h_i64_const, |c, ip, sp, l, left, t| {
    fields!(ip, Instr::I64Const(v));
    push!(sp, t, v as u64);
    next!(c, ip.add(1), sp, l, left - 1, t)
});
handler!(h_f32_const, |c, ip, sp, l, left, t| {
    fields!(ip, Instr::F32Const(v));
    push!(sp, t, v as u64);
    next!(c, ip.add(1), sp, l, left - 1, t)
});
handler!(h_f64_const, |c, ip, sp, l, left, t| {
    fields!(ip, Instr::F64Const(v));
    push!(sp, t, v);
    next!(c, ip.add(1), sp, l, left - 1, t)
});

/// A unary operator of `ops`, one handler per operator.
unsafe fn h_un<T: Un>(c: &mut Ctx, ip: *const Slot, sp: *mut Raw, l: *mut Raw, left: u64, t: Raw) {
    // SAFETY: stack as in `run`.
    unsafe { next!(c, ip.add(1), sp, l, left - 1, T::eval(t)) }
}

/// A binary operator of `ops`, one handler per operator.
unsafe fn h_bin<T: Bin>(c: &mut Ctx, ip: *const Slot, sp: *mut Raw, l: *mut Raw, left: u64, t: Raw) {
    // SAFETY: stack as in `run`.
    unsafe {
        let sp = sp.sub(1);
        next!(c, ip.add(1), sp, l, left - 1, T::eval(*sp, t))
    }
}

/// The bytes of a load or store of `n` bytes at `addr + offset`, if in bounds.
#[inline(always)]
unsafe fn at(c: &Ctx, addr: u32, offset: u32, n: usize) -> Option<*mut u8> {
    let start = addr as u64 + offset as u64;
    // SAFETY: in bounds of the memory's bytes (checked).
    (start + n as u64 <= c.mem_len as u64).then(|| unsafe { c.mem.add(start as usize) })
}
/// A load of kind `K` (one handler per kind): the address on top.
unsafe fn h_load<K: Load>(c: &mut Ctx, ip: *const Slot, sp: *mut Raw, l: *mut Raw, left: u64, t: Raw) {
    // SAFETY: as for every handler; the table gives this handler to loads only.
    unsafe {
        let Some(offset) = (*ip).i.mem_offset() else { std::hint::unreachable_unchecked() };
        let Some(p) = at(c, t as u32, offset, K::N) else { stop!(c, ip, sp, t, left) };
        next!(c, ip.add(1), sp, l, left - 1, K::read(p))
    }
}
/// A store of kind `K` (`v`'s low bytes) at `addr + offset`; false out of bounds.
#[inline(always)]
unsafe fn store_op<K: ops::Store>(c: &Ctx, addr: u32, offset: u32, v: u64) -> bool {
    // SAFETY: `at` checks the bounds.
    unsafe {
        match at(c, addr, offset, K::N) {
            Some(p) => {
                K::write(p, v);
                true
            }
            None => false,
        }
    }
}
/// A store of kind `K`: the value on top, the address under it.
unsafe fn h_store<K: ops::Store>(c: &mut Ctx, ip: *const Slot, sp: *mut Raw, l: *mut Raw, left: u64, t: Raw) {
    // SAFETY: as for every handler; the table gives this handler to stores only.
    unsafe {
        let Some(offset) = (*ip).i.mem_offset() else { std::hint::unreachable_unchecked() };
        if !store_op::<K>(c, *sp.sub(1) as u32, offset, t) {
            stop!(c, ip, sp, t, left);
        }
        let sp = sp.sub(2);
        next!(c, ip.add(1), sp, l, left - 1, *sp)
    }
}

/// Tables by kind of load or store: `[$h::<ops::U8>, ...]` in `LoadOp` (or `StoreOp`) order.
macro_rules! load_table {
    ($h:ident) => {
        for_each_instr!(kind_table $h load_kinds)
    };
}
macro_rules! store_table {
    ($h:ident $(, $pre:ty)?) => {
        for_each_instr!(kind_table $h store_kinds [$($pre)?])
    };
}
macro_rules! kind_table {
    ($h:ident load_kinds other $_o:tt fused $_f:tt families $_fam:tt load_kinds { $( $(#[$_a:meta])* $k:ident $_d:tt ; )* } $($_r:tt)*) => {
        [$($h::<ops::$k>,)*]
    };
    ($h:ident store_kinds [] other $_o:tt fused $_f:tt families $_fam:tt load_kinds $_lk:tt
     store_kinds { $( $(#[$_a:meta])* $k:ident $_d:tt ; )* } $($_r:tt)*) => {
        [$($h::<ops::$k>,)*]
    };
    ($h:ident store_kinds [$pre:ty] other $_o:tt fused $_f:tt families $_fam:tt load_kinds $_lk:tt
     store_kinds { $( $(#[$_a:meta])* $k:ident $_d:tt ; )* } $($_r:tt)*) => {
        [$($h::<$pre, ops::$k>,)*]
    };
}

/// A fused form carrying an operator: one handler per operator (`$spec::<ops::X>`, by
/// `BinOp` in `$table`, which `link` picks from), so that each (form, operator) pair is its own
/// function with its own dispatch to the next instruction.
macro_rules! fused_op {
    ($spec:ident, $table:ident, $variant:ident,
     |$c:ident, $ip:ident, $sp:ident, $l:ident, $left:ident, $t:ident, $T:ident| $body:block) => {
        #[allow(unused_mut, unused_variables)]
        unsafe fn $spec<$T: Bin>(
            $c: &mut Ctx,
            $ip: *const Slot,
            mut $sp: *mut Raw,
            $l: *mut Raw,
            $left: u64,
            mut $t: Raw,
        ) {
            // SAFETY: as for every handler.
            unsafe {
                // The form's length, from the list: the body's `N`.
                const N: u64 = len(Opcode::$variant);
                fused!($c, $ip, $sp, $l, $left, $t, N);
                $body
            }
        }
        static $table: [Handler; BinOp::COUNT] = spec_table!($spec);
    };
}

/// The handlers of one fused form, by `BinOp` (`h_stop` elsewhere).
macro_rules! spec_table {
    ($h:ident) => {
        binop_names!(spec_table @ $h)
    };
    (@ $h:ident; $($name:ident),*) => {{
        let mut t: [Handler; BinOp::COUNT] = [h_stop; BinOp::COUNT];
        $( t[BinOp::$name as usize] = $h::<ops::$name>; )*
        t
    }};
}

// Fused forms (see `ir::Instr`): the same work as their arms in the `match`.
fused_op!(h_f_ll_bin_s, SPEC_LL_BIN, FLLBin, |c, ip, sp, l, left, t, T| {
    fields!(ip, Instr::FLLBin { op, a, b });
    push!(sp, t, T::eval(*l.add(a as usize), *l.add(b as usize)));
    next!(c, ip.add(N as usize + 1), sp, l, left - N, t)
});
fused_op!(h_f_lc_bin_s, SPEC_LC_BIN, FLCBin, |c, ip, sp, l, left, t, T| {
    fields!(ip, Instr::FLCBin { op, a, c: k });
    push!(sp, t, T::eval(*l.add(a as usize), op.constant(k)));
    next!(c, ip.add(N as usize + 1), sp, l, left - N, t)
});
fused_op!(h_f_c_bin_s, SPEC_C_BIN, FCBin, |c, ip, sp, l, left, t, T| {
    fields!(ip, Instr::FCBin { op, c: k });
    next!(c, ip.add(N as usize + 1), sp, l, left - N, T::eval(t, k.get()))
});
fused_op!(h_f_bin_set_s, SPEC_BIN_SET, FBinSet, |c, ip, sp, l, left, t, T| {
    fields!(ip, Instr::FBinSet { op, x });
    // Written before the pops reload `t`, which may be this very local.
    *l.add(x as usize) = T::eval(*sp.sub(1), t);
    let sp = sp.sub(2);
    next!(c, ip.add(N as usize + 1), sp, l, left - N, *sp)
});
fused_op!(h_f_ll_bin_set_s, SPEC_LL_BIN_SET, FLLBinSet, |c, ip, sp, l, left, t, T| {
    fields!(ip, Instr::FLLBinSet { op, a, b, x });
    set_local!(l, sp, t, x, T::eval(*l.add(a as usize), *l.add(b as usize)));
    next!(c, ip.add(N as usize + 1), sp, l, left - N, t)
});
fused_op!(h_f_lc_bin_set_s, SPEC_LC_BIN_SET, FLCBinSet, |c, ip, sp, l, left, t, T| {
    fields!(ip, Instr::FLCBinSet { op, a, c: k, x });
    set_local!(l, sp, t, x, T::eval(*l.add(a as usize), op.constant(k)));
    next!(c, ip.add(N as usize + 1), sp, l, left - N, t)
});
/// Jumps to `target` if `cond`, else past the `$n` originals.
macro_rules! branch_if {
    ($c:ident, $ip:ident, $sp:ident, $l:ident, $left:ident, $t:expr, $cond:expr, $target:expr, $n:expr) => {{
        let ip = if $cond { $c.code.add($target as usize) } else { $ip.add($n as usize + 1) };
        next!($c, ip, $sp, $l, $left - $n, $t)
    }};
}
fused_op!(h_f_ll_cmp_br_if_s, SPEC_LL_CMP_BR_IF, FLLCmpBrIf, |c, ip, sp, l, left, t, T| {
    fields!(ip, Instr::FLLCmpBrIf { op, a, b, target });
    branch_if!(c, ip, sp, l, left, t, T::eval(*l.add(a as usize), *l.add(b as usize)) as u32 != 0, target, N)
});
fused_op!(h_f_lc_cmp_br_if_s, SPEC_LC_CMP_BR_IF, FLCCmpBrIf, |c, ip, sp, l, left, t, T| {
    fields!(ip, Instr::FLCCmpBrIf { op, a, c: k, target });
    branch_if!(c, ip, sp, l, left, t, T::eval(*l.add(a as usize), op.constant(k)) as u32 != 0, target, N)
});
fused_op!(h_f_c_cmp_br_if_s, SPEC_C_CMP_BR_IF, FCCmpBrIf, |c, ip, sp, l, left, t, T| {
    fields!(ip, Instr::FCCmpBrIf { op, c: k, target });
    let a = pop!(sp, t);
    branch_if!(c, ip, sp, l, left, t, T::eval(a, k.get()) as u32 != 0, target, N)
});
fused_op!(h_f_cmp_br_if_s, SPEC_CMP_BR_IF, FCmpBrIf, |c, ip, sp, l, left, t, T| {
    fields!(ip, Instr::FCmpBrIf { op, target });
    let b = pop!(sp, t);
    let a = pop!(sp, t);
    branch_if!(c, ip, sp, l, left, t, T::eval(a, b) as u32 != 0, target, N)
});
handler!(h_f_eqz_br_if, |c, ip, sp, l, left, t| {
    const N: u64 = len(Opcode::FEqzBrIf);
    fused!(c, ip, sp, l, left, t, N);
    fields!(ip, Instr::FEqzBrIf { target });
    let v = pop!(sp, t);
    branch_if!(c, ip, sp, l, left, t, v as u32 == 0, target, N)
});
handler!(h_f_local_br_if, |c, ip, sp, l, left, t| {
    const N: u64 = len(Opcode::FLocalBrIf);
    fused!(c, ip, sp, l, left, t, N);
    fields!(ip, Instr::FLocalBrIf { a, target });
    branch_if!(c, ip, sp, l, left, t, *l.add(a as usize) as u32 != 0, target, N)
});
handler!(h_f_local_copy, |c, ip, sp, l, left, t| {
    const N: u64 = len(Opcode::FLocalCopy);
    fused!(c, ip, sp, l, left, t, N);
    fields!(ip, Instr::FLocalCopy { a, x });
    set_local!(l, sp, t, x, *l.add(a as usize));
    next!(c, ip.add(N as usize + 1), sp, l, left - N, t)
});
handler!(h_f_const_set, |c, ip, sp, l, left, t| {
    const N: u64 = len(Opcode::FConstSet);
    fused!(c, ip, sp, l, left, t, N);
    fields!(ip, Instr::FConstSet { c: k, x });
    set_local!(l, sp, t, x, k as u32 as u64);
    next!(c, ip.add(N as usize + 1), sp, l, left - N, t)
});
handler!(h_f_skip, |c, ip, sp, l, left, t| {
    fields!(ip, Instr::FSkip { n, to });
    let n = n as u64;
    fused!(c, ip, sp, l, left, t, n);
    next!(c, c.code.add(to as usize), sp, l, left - n, t)
});
/// A fused form of `$n` originals ending in a load, one handler per kind of load (`LoadOp`
/// as `OP`): `$addr` computes the address from the instruction's fields; out of bounds, the
/// `match` runs the fused form again and traps.
macro_rules! fused_load {
    ($name:ident, $table:ident, $f:ident, |$ip:ident, $l:ident| $addr:expr, $offset:ident) => {
        unsafe fn $name<K: Load>(c: &mut Ctx, $ip: *const Slot, mut sp: *mut Raw, $l: *mut Raw, left: u64, mut t: Raw) {
            // SAFETY: as for every handler.
            unsafe {
                const N: u64 = len(Opcode::$f);
                fused!(c, $ip, sp, $l, left, t, N);
                let (addr, $offset): (u32, u32) = $addr;
                let Some(p) = at(c, addr, $offset, K::N) else { stop!(c, $ip, sp, t, left) };
                push!(sp, t, K::read(p));
                next!(c, $ip.add(N as usize + 1), sp, $l, left - N, t)
            }
        }
        static $table: [Handler; LoadOp::COUNT] = load_table!($name);
    };
}
fused_load!(
    h_f_l_load,
    SPEC_L_LOAD,
    FLLoad,
    |ip, l| {
        fields!(ip, Instr::FLLoad { a, offset, .. });
        (*l.add(a as usize) as u32, offset)
    },
    offset
);
fused_load!(
    h_f_c_load,
    SPEC_C_LOAD,
    FCLoad,
    |ip, l| {
        fields!(ip, Instr::FCLoad { c: k, offset, .. });
        (k as u32, offset)
    },
    offset
);
fused_load!(
    h_f_lc_add_load,
    SPEC_LC_ADD_LOAD,
    FLCAddLoad,
    |ip, l| {
        fields!(ip, Instr::FLCAddLoad { a, c: k, offset, .. });
        ((*l.add(a as usize) as u32).wrapping_add(k as u32), offset)
    },
    offset
);
/// `local.get v; <store>` and `i32.const c; <store>`: the value from a local or a constant,
/// the address from the stack's top; one handler per kind of store. Out of bounds, the
/// `match` runs the fused form again and traps.
macro_rules! fused_store {
    ($name:ident, $table:ident, $f:ident, |$ip:ident, $l:ident| $value:expr) => {
        unsafe fn $name<K: ops::Store>(c: &mut Ctx, $ip: *const Slot, sp: *mut Raw, $l: *mut Raw, left: u64, t: Raw) {
            // SAFETY: as for every handler.
            unsafe {
                const N: u64 = len(Opcode::$f);
                fused!(c, $ip, sp, $l, left, t, N);
                let (v, offset): (u64, u32) = $value;
                if !store_op::<K>(c, t as u32, offset, v) {
                    stop!(c, $ip, sp, t, left);
                }
                let sp = sp.sub(1);
                next!(c, $ip.add(N as usize + 1), sp, $l, left - N, *sp)
            }
        }
        static $table: [Handler; StoreOp::COUNT] = store_table!($name);
    };
}
fused_store!(h_f_l_store, SPEC_L_STORE, FLStore, |ip, l| {
    fields!(ip, Instr::FLStore { v, offset, .. });
    (*l.add(v as usize), offset)
});
fused_store!(h_f_c_store, SPEC_C_STORE, FCStore, |ip, l| {
    fields!(ip, Instr::FCStore { c: k, offset, .. });
    (k as i64 as u64, offset)
});
/// `op; <store>`: one handler per (operator, kind of store).
unsafe fn h_f_bin_store<T: Bin, K: ops::Store>(
    c: &mut Ctx,
    ip: *const Slot,
    sp: *mut Raw,
    l: *mut Raw,
    left: u64,
    t: Raw,
) {
    // SAFETY: as for every handler.
    unsafe {
        const N: u64 = len(Opcode::FBinStore);
        fused!(c, ip, sp, l, left, t, N);
        fields!(ip, Instr::FBinStore { offset, .. });
        if !store_op::<K>(c, *sp.sub(2) as u32, offset, T::eval(*sp.sub(1), t)) {
            stop!(c, ip, sp, t, left);
        }
        let sp = sp.sub(3);
        next!(c, ip.add(N as usize + 1), sp, l, left - N, *sp)
    }
}
/// `h_f_bin_store` by `BinOp` and `StoreOp`.
static SPEC_BIN_STORE: [[Handler; StoreOp::COUNT]; BinOp::COUNT] = binop_names!(spec_store_table @);
macro_rules! spec_store_table {
    (@ ; $($name:ident),*) => {{
        let mut t: [[Handler; StoreOp::COUNT]; BinOp::COUNT] = [[h_stop; StoreOp::COUNT]; BinOp::COUNT];
        $( t[BinOp::$name as usize] = store_table!(h_f_bin_store, ops::$name); )*
        t
    }};
}
use spec_store_table;

fused_op!(h_f_l_cmp_br_if_s, SPEC_L_CMP_BR_IF, FLCmpBrIf, |c, ip, sp, l, left, t, T| {
    fields!(ip, Instr::FLCmpBrIf { op, b, target });
    let a = pop!(sp, t);
    branch_if!(c, ip, sp, l, left, t, T::eval(a, *l.add(b as usize)) as u32 != 0, target, N)
});
fused_op!(h_f_l_bin_s, SPEC_L_BIN, FLBin, |c, ip, sp, l, left, t, T| {
    fields!(ip, Instr::FLBin { op, b });
    next!(c, ip.add(N as usize + 1), sp, l, left - N, T::eval(t, *l.add(b as usize)))
});
fused_op!(h_f_bin_tee_s, SPEC_BIN_TEE, FBinTee, |c, ip, sp, l, left, t, T| {
    fields!(ip, Instr::FBinTee { op, x });
    let sp = sp.sub(1);
    let v = T::eval(*sp, t);
    *l.add(x as usize) = v;
    next!(c, ip.add(N as usize + 1), sp, l, left - N, v)
});
fused_op!(h_f_l_bin_set_s, SPEC_L_BIN_SET, FLBinSet, |c, ip, sp, l, left, t, T| {
    fields!(ip, Instr::FLBinSet { op, b, x });
    // Written before the pop reloads `t`, which may be this very local.
    *l.add(x as usize) = T::eval(t, *l.add(b as usize));
    let sp = sp.sub(1);
    next!(c, ip.add(N as usize + 1), sp, l, left - N, *sp)
});
fused_op!(h_f_l_bin_tee_s, SPEC_L_BIN_TEE, FLBinTee, |c, ip, sp, l, left, t, T| {
    fields!(ip, Instr::FLBinTee { op, b, x });
    let v = T::eval(t, *l.add(b as usize));
    *l.add(x as usize) = v;
    next!(c, ip.add(N as usize + 1), sp, l, left - N, v)
});
fused_op!(h_f_ll_bin_tee_s, SPEC_LL_BIN_TEE, FLLBinTee, |c, ip, sp, l, left, t, T| {
    fields!(ip, Instr::FLLBinTee { op, a, b, x });
    let v = T::eval(*l.add(a as usize), *l.add(b as usize));
    // Pushed first: once the stack has grown, `x` cannot be the cell `t` mirrors.
    push!(sp, t, v);
    *l.add(x as usize) = v;
    next!(c, ip.add(N as usize + 1), sp, l, left - N, t)
});
fused_op!(h_f_lc_bin_tee_s, SPEC_LC_BIN_TEE, FLCBinTee, |c, ip, sp, l, left, t, T| {
    fields!(ip, Instr::FLCBinTee { op, a, c: k, x });
    let v = T::eval(*l.add(a as usize), op.constant(k));
    push!(sp, t, v);
    *l.add(x as usize) = v;
    next!(c, ip.add(N as usize + 1), sp, l, left - N, t)
});

// ---- calls and returns ---------------------------------------------------------------

/// Where the chain goes on after a call or a return: instruction, top cell, local 0, top value.
type Resume = (*const Slot, *mut Raw, *mut Raw, Raw);

/// Calls function `idx` of the instance as the `match` would (`Machine::call`), if it is a
/// wasm function of the same instance whose code and handlers are ready, the depth limit
/// and the stack leave room, and no allocation is needed; else `None`, nothing changed.
#[inline(always)]
unsafe fn enter(c: &mut Ctx, ip: *const Slot, sp: *mut Raw, t: Raw, idx: u32) -> Option<Resume> {
    // SAFETY: `c` describes the running frame (see `run`); validation checked `idx`.
    unsafe {
        let store = &*c.store;
        let func = *store.instances.get_unchecked(c.inst as usize).funcs.get_unchecked(idx as usize);
        let FuncKind::Wasm { instance, code, .. } = &store.funcs.get_unchecked(func as usize).kind else {
            return None;
        };
        if *instance != c.inst {
            return None;
        }
        let Some(Ok(code)) = code.get() else { return None };
        let slots = (*c.slots).get(func)?;
        let frames = &mut *c.frames;
        if frames.len() >= c.max_depth || frames.len() == frames.capacity() {
            return None;
        }
        // The arguments are the top values; `t` is the last of them, at `sp`.
        let top = sp.add(1);
        let fp = top.sub(code.num_params as usize);
        let locals_end = top.add(code.num_locals as usize);
        // Room for the locals and operands (`push_frame` reserves the same), and a cell under
        // the operands for `t` to mirror.
        if (c.end.offset_from(top) as usize) < (code.num_locals + code.max_height) as usize + 1 || locals_end == c.base
        {
            return None;
        }
        *sp = t;
        for k in 0..code.num_locals as usize {
            *top.add(k) = 0;
        }
        frames.last_mut().unwrap_unchecked().pc = ip.add(1).offset_from(c.code) as u32;
        // In place of `push`, which is not inlined; the capacity was checked above.
        let frame = Frame { code: code.clone(), pc: 0, fp: fp.offset_from(c.base) as u32, func, instance: c.inst };
        std::ptr::write(frames.as_mut_ptr().add(frames.len()), frame);
        frames.set_len(frames.len() + 1);
        c.code = slots;
        c.switched = true;
        let sp = locals_end.sub(1);
        Some((c.code, sp, fp, *sp))
    }
}

/// Returns from the running function to its caller as the `match` would (`return_!`), if
/// the caller is a wasm frame of the same instance with handlers and the function has at
/// most one result; else `None`, nothing changed. `l` is the function's local 0.
#[inline(always)]
unsafe fn leave(c: &mut Ctx, l: *mut Raw, t: Raw) -> Option<Resume> {
    // SAFETY: `c` describes the running frame (see `run`).
    unsafe {
        let frames = &mut *c.frames;
        let n = frames.len();
        if n < 2 {
            return None;
        }
        let results = frames.get_unchecked(n - 1).code.num_results;
        let caller = frames.get_unchecked(n - 2);
        // The caller's code lives as long as its module (see `Machine::execute`).
        let code: &Code = &*std::rc::Rc::as_ptr(&caller.code);
        let slots = (*c.slots).get(caller.func)?;
        let floor = caller.fp as usize + (code.num_params + code.num_locals) as usize;
        if caller.instance != c.inst || floor == 0 {
            return None;
        }
        let (sp, t) = match results {
            // The result goes where local 0 was.
            1 => (l, t),
            0 if l != c.base => {
                let sp = l.sub(1);
                (sp, *sp)
            }
            _ => return None,
        };
        let (pc, fp) = (caller.pc as usize, caller.fp as usize);
        frames.pop();
        c.code = slots;
        c.switched = true;
        Some((c.code.add(pc), sp, c.base.add(fp), t))
    }
}

handler!(h_call, |c, ip, sp, l, left, t| {
    fields!(ip, Instr::Call(idx));
    let Some((ip, sp, l, t)) = enter(c, ip, sp, t, idx) else { stop!(c, ip, sp, t, left) };
    next!(c, ip, sp, l, left - 1, t)
});
handler!(h_return, |c, ip, sp, l, left, t| {
    let Some((ip, sp, l, t)) = leave(c, l, t) else { stop!(c, ip, sp, t, left) };
    next!(c, ip, sp, l, left - 1, t)
});
handler!(h_return_if, |c, ip, sp, l, left, t| {
    if t as u32 == 0 {
        let sp = sp.sub(1);
        next!(c, ip.add(1), sp, l, left - 1, *sp)
    }
    let Some((ip, sp, l, t)) = leave(c, l, *sp.sub(1)) else { stop!(c, ip, sp, t, left) };
    next!(c, ip, sp, l, left - 1, t)
});

// ---- the table ------------------------------------------------------------------------

/// Handlers by opcode (`h_stop` for every instruction the `match` runs), and which opcodes
/// have one of their own.
const BUILT: ([Handler; Opcode::COUNT], [bool; Opcode::COUNT]) = {
    let mut t: [Handler; Opcode::COUNT] = [h_stop; Opcode::COUNT];
    let mut handled = [false; Opcode::COUNT];
    macro_rules! set {
        ($($i:ident => $h:expr),* $(,)?) => { $( t[Opcode::$i as usize] = $h; handled[Opcode::$i as usize] = true; )* };
    }
    set! {
        Nop => h_marker, Block => h_marker, Loop => h_marker, End => h_marker,
        If => h_if, Else => h_else,
        Br => h_br, BrIf => h_br_if, BrTable => h_br_table,
        LocalGet => h_local_get, LocalSet => h_local_set, LocalTee => h_local_tee,
        Drop => h_drop, Select => h_select,
        Call => h_call, Return => h_return, ReturnIf => h_return_if,
        I32Const => h_i32_const, I64Const => h_i64_const, F32Const => h_f32_const, F64Const => h_f64_const,
        FEqzBrIf => h_f_eqz_br_if, FLocalBrIf => h_f_local_br_if, FLocalCopy => h_f_local_copy,
        FConstSet => h_f_const_set, FSkip => h_f_skip,
    }
    // The fused forms carrying an operator or a kind of load or store: their handlers come
    // from `specialised`.
    let with_op = [
        Opcode::FLLBin,
        Opcode::FLCBin,
        Opcode::FCBin,
        Opcode::FBinSet,
        Opcode::FLLBinSet,
        Opcode::FLCBinSet,
        Opcode::FLLCmpBrIf,
        Opcode::FLCCmpBrIf,
        Opcode::FCCmpBrIf,
        Opcode::FCmpBrIf,
        Opcode::FLBin,
        Opcode::FBinTee,
        Opcode::FLBinSet,
        Opcode::FLBinTee,
        Opcode::FLLBinTee,
        Opcode::FLCBinTee,
        Opcode::FLLoad,
        Opcode::FCLoad,
        Opcode::FLCAddLoad,
        Opcode::FLCmpBrIf,
        Opcode::FLStore,
        Opcode::FCStore,
        Opcode::FBinStore,
    ];
    let mut i = 0;
    while i < with_op.len() {
        handled[with_op[i] as usize] = true;
        i += 1;
    }
    // Every pure operator, load and store of the list: one handler each (conversions that
    // change no bits are markers).
    macro_rules! register {
        (fused $_f:tt loads [$($l:ident $lkind:ident)*] stores [$($s:ident $skind:ident)*]
         free [$($x:ident)*] un [$($u:ident)*] bin [$($b:ident)*] un_trap $_uq:tt bin_trap $_bq:tt) => {
            $( set!($l => h_load::<ops::$lkind>); )*
            $( set!($s => h_store::<ops::$skind>); )*
            $( set!($x => h_marker); )*
            $( set!($u => h_un::<ops::$u>); )*
            $( set!($b => h_bin::<ops::$b>); )*
        };
    }
    for_each_plain!(register);
    (t, handled)
};
static TABLE: [Handler; Opcode::COUNT] = BUILT.0;

/// The handler of a fused form carrying an operator (or a kind of load), or of a branch: the
/// one specialised for it.
fn specialised(i: &Instr) -> Option<Handler> {
    let (table, op) = match *i {
        Instr::FLLBin { op, .. } => (&SPEC_LL_BIN, op),
        Instr::FLCBin { op, .. } => (&SPEC_LC_BIN, op),
        Instr::FCBin { op, .. } => (&SPEC_C_BIN, op),
        Instr::FBinSet { op, .. } => (&SPEC_BIN_SET, op),
        Instr::FLLBinSet { op, .. } => (&SPEC_LL_BIN_SET, op),
        Instr::FLCBinSet { op, .. } => (&SPEC_LC_BIN_SET, op),
        Instr::FLLCmpBrIf { op, .. } => (&SPEC_LL_CMP_BR_IF, op),
        Instr::FLCCmpBrIf { op, .. } => (&SPEC_LC_CMP_BR_IF, op),
        Instr::FCCmpBrIf { op, .. } => (&SPEC_C_CMP_BR_IF, op),
        Instr::FCmpBrIf { op, .. } => (&SPEC_CMP_BR_IF, op),
        Instr::FLBin { op, .. } => (&SPEC_L_BIN, op),
        Instr::FBinTee { op, .. } => (&SPEC_BIN_TEE, op),
        Instr::FLBinSet { op, .. } => (&SPEC_L_BIN_SET, op),
        Instr::FLBinTee { op, .. } => (&SPEC_L_BIN_TEE, op),
        Instr::FLLBinTee { op, .. } => (&SPEC_LL_BIN_TEE, op),
        Instr::FLCBinTee { op, .. } => (&SPEC_LC_BIN_TEE, op),
        Instr::FLCmpBrIf { op, .. } => (&SPEC_L_CMP_BR_IF, op),
        Instr::FLLoad { op, .. } => return Some(SPEC_L_LOAD[op as usize]),
        Instr::FCLoad { op, .. } => return Some(SPEC_C_LOAD[op as usize]),
        Instr::FLCAddLoad { op, .. } => return Some(SPEC_LC_ADD_LOAD[op as usize]),
        Instr::FLStore { op, .. } => return Some(SPEC_L_STORE[op as usize]),
        Instr::FCStore { op, .. } => return Some(SPEC_C_STORE[op as usize]),
        Instr::FBinStore { op, sop, .. } => return Some(SPEC_BIN_STORE[op as usize][sop as usize]),
        Instr::Br(Target { dk, .. }) | Instr::BrIf(Target { dk, .. }) => {
            let br = matches!(i, Instr::Br(_));
            return Some(match (simple(dk), dk.drop == 0, br) {
                (false, _, _) => h_stop,
                (true, true, true) => h_br_plain,
                (true, true, false) => h_br_if_plain,
                (true, false, true) => h_br,
                (true, false, false) => h_br_if,
            });
        }
        _ => return None,
    };
    Some(table[op as usize])
}
static HANDLED: [bool; Opcode::COUNT] = BUILT.1;
