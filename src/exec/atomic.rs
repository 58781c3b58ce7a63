//! The `Atomic` family (threads): atomic loads, stores, read-modify-writes and
//! compare-exchanges, `memory.atomic.wait32/64`, `memory.atomic.notify`, `atomic.fence`.
//! There is one thread, so every access is atomic as it is; what they add over plain
//! accesses is the alignment trap ("unaligned atomic"). With one thread nothing can notify
//! a waiter: `wait` returns 1 ("not-equal") when the value differs, else 2 ("timed-out");
//! `notify` wakes no one and returns 0. One arm in the hot `match` calls [`exec`].

use super::mem::{load, store_};
#[cfg(test)]
use crate::ir::StoreOp;
use crate::ir::{Atomic, Code, LoadOp, MemArg};
use crate::runtime::{Memory, Store};
use crate::trap::TrapCode;
use crate::value::Raw;

/// The effective address of an atomic access of `width` bytes: bounds and alignment checked.
#[inline]
fn checked(mem: &Memory, addr: u64, arg: MemArg, width: u64) -> Result<u64, TrapCode> {
    let ea = addr.checked_add(arg.offset).ok_or(TrapCode::MemoryOutOfBounds)?;
    if ea % width != 0 {
        return Err(TrapCode::UnalignedAtomic);
    }
    mem.range64(ea, 0, width)?;
    Ok(ea)
}

/// The kind of load that reads a width's bytes zero-extended.
fn load_of(width: u32) -> LoadOp {
    match width {
        1 => LoadOp::U8,
        2 => LoadOp::U16,
        4 => LoadOp::U32,
        _ => LoadOp::U64,
    }
}

/// The width of an atomic load (the zero-extending kinds).
fn width_of(k: LoadOp) -> u64 {
    match k {
        LoadOp::U8 | LoadOp::S8I32 | LoadOp::S8I64 => 1,
        LoadOp::U16 | LoadOp::S16I32 | LoadOp::S16I64 => 2,
        LoadOp::U32 | LoadOp::S32I64 => 4,
        LoadOp::U64 => 8,
    }
}

/// The value's low `width` bytes.
fn truncate(v: u64, width: u32) -> u64 {
    if width == 8 { v } else { v & ((1u64 << (width * 8)) - 1) }
}

/// Runs `a` of `code` in instance `inst_id` on `stack` with `sp` cells in use: the new stack
/// height, and the trap if it trapped (after its operands were popped).
// Out of line. In wasm32 builds the loop leaves for it (`Machine::run_family`): called from
// the loop, or inlined there, it made V8's code for the whole loop slower (BENCHMARKS.md).
#[inline(never)]
pub(super) fn exec(
    a: Atomic,
    code: &Code,
    store: &mut Store,
    inst_id: usize,
    stack: &mut [Raw],
    mut sp: usize,
) -> (usize, Result<(), TrapCode>) {
    family_stack!($ stack sp);
    let memory = |store: &mut Store, arg: u32| {
        let arg = code.memargs[arg as usize];
        (store.instances[inst_id].memories[arg.mem as usize] as usize, arg)
    };
    match a {
        Atomic::Fence => {}
        Atomic::Load(k, arg) => {
            let addr = pop!();
            let (m, arg) = memory(store, arg);
            let mem = &store.memories[m];
            let ea = tri!(checked(mem, addr, arg, width_of(k)));
            push!(tri!(load(mem, k, ea, 0)))
        }
        Atomic::Store(k, arg) => {
            let v = pop!();
            let addr = pop!();
            let (m, arg) = memory(store, arg);
            let mem = &mut store.memories[m];
            let ea = tri!(checked(mem, addr, arg, k.width() as u64));
            tri!(store_(mem, k, ea, 0, v))
        }
        Atomic::Rmw(op, k, arg) => {
            let v = pop!();
            let addr = pop!();
            let (m, arg) = memory(store, arg);
            let mem = &mut store.memories[m];
            let w = k.width();
            let ea = tri!(checked(mem, addr, arg, w as u64));
            let old = tri!(load(mem, load_of(w), ea, 0));
            tri!(store_(mem, k, ea, 0, op.apply(old, v)));
            push!(old)
        }
        Atomic::Cmpxchg(k, arg) => {
            let replacement = pop!();
            let expected = pop!();
            let addr = pop!();
            let (m, arg) = memory(store, arg);
            let mem = &mut store.memories[m];
            let w = k.width();
            let ea = tri!(checked(mem, addr, arg, w as u64));
            let old = tri!(load(mem, load_of(w), ea, 0));
            if old == truncate(expected, w) {
                tri!(store_(mem, k, ea, 0, replacement));
            }
            push!(old)
        }
        Atomic::Notify(arg) => {
            let _count = pop!();
            let addr = pop!();
            let (m, arg) = memory(store, arg);
            tri!(checked(&store.memories[m], addr, arg, 4));
            push!(0)
        }
        Atomic::Wait32(arg) | Atomic::Wait64(arg) => {
            let w: u32 = if matches!(a, Atomic::Wait32(_)) { 4 } else { 8 };
            let _timeout = pop!();
            let expected = pop!();
            let addr = pop!();
            let (m, arg) = memory(store, arg);
            let mem = &store.memories[m];
            if !mem.spec().shared {
                return (sp, Err(TrapCode::ExpectedSharedMemory));
            }
            let ea = tri!(checked(mem, addr, arg, w as u64));
            let now = tri!(load(mem, load_of(w), ea, 0));
            // 1: "not-equal"; 2: "timed-out" (no other thread can notify this one).
            push!(if now != truncate(expected, w) { 1 } else { 2 })
        }
    }
    (sp, Ok(()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_and_truncation() {
        assert_eq!(truncate(0x1_ffff_ffff, 4), 0xffff_ffff);
        assert_eq!(truncate(0x1ff, 1), 0xff);
        assert_eq!(truncate(u64::MAX, 8), u64::MAX);
        assert_eq!(width_of(load_of(2)), 2);
        assert_eq!(StoreOp::B2.width(), 2);
    }
}
