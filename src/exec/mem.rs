//! The `Mem` family: loads and stores of a memory other than memory 0, or of a 64-bit memory
//! (memory64), with the 64-bit static offset from `Code::memargs`. The hot `match` keeps its
//! arms for memory 0 with 32-bit addresses; these are one arm there that calls [`exec`]
//! (natively out of line), so the loop does not grow with them.

use super::ops::{Load as _, Store as _};
use crate::ir::{Atomic, Bulk, Code, Instr, LoadOp, Mem, Simd, StoreOp};
use crate::runtime::Store;
use crate::trap::TrapCode;
use crate::value::Raw;

/// Runs `m` of `code` in instance `inst_id` on `stack` with `sp` cells in use: the new stack
/// height, and the trap if it trapped (after its operands were popped).
// Out of line. In wasm32 builds the loop leaves for it (`Machine::run_family`): called from
// the loop, or inlined there, it made V8's code for the whole loop slower (BENCHMARKS.md).
#[inline(never)]
pub(super) fn exec(
    m: Mem,
    code: &Code,
    store: &mut Store,
    inst_id: usize,
    stack: &mut [Raw],
    mut sp: usize,
) -> (usize, Result<(), TrapCode>) {
    match m {
        Mem::Load(k, arg) => {
            let arg = code.memargs[arg as usize];
            sp -= 1;
            // An i32 address is zero-extended in its cell.
            let addr = stack[sp];
            let mem = &store.memories[store.instances[inst_id].memories[arg.mem as usize] as usize];
            match load(mem, k, addr, arg.offset) {
                Ok(v) => {
                    stack[sp] = v;
                    sp += 1;
                }
                Err(c) => return (sp, Err(c)),
            }
        }
        Mem::Store(k, arg) => {
            let arg = code.memargs[arg as usize];
            sp -= 2;
            let (addr, v) = (stack[sp], stack[sp + 1]);
            let mem = &mut store.memories[store.instances[inst_id].memories[arg.mem as usize] as usize];
            if let Err(c) = store_(mem, k, addr, arg.offset, v) {
                return (sp, Err(c));
            }
        }
    }
    (sp, Ok(()))
}

/// A load of kind `k` at `addr + offset` (64-bit, any memory); also the atomic loads'.
#[inline]
pub(super) fn load(mem: &crate::runtime::Memory, k: LoadOp, addr: u64, offset: u64) -> Result<Raw, TrapCode> {
    // SAFETY: `at64` checked that the bytes are in bounds.
    by_load_op!(k, |K| mem.at64(addr, offset, K::N).map(|p| unsafe { K::read(p) }))
}

/// A store of kind `k` (the low bytes of `v`) at `addr + offset`.
#[inline]
pub(super) fn store_(
    mem: &mut crate::runtime::Memory,
    k: StoreOp,
    addr: u64,
    offset: u64,
    v: Raw,
) -> Result<(), TrapCode> {
    // SAFETY: `at64_mut` checked that the bytes are in bounds.
    by_store_op!(k, |K| mem.at64_mut(addr, offset, K::N).map(|p| unsafe { K::write(p, v) }))
}

/// The bytes an instruction that trapped out of bounds tried to reach, as text (see
/// `Machine::fault`): `stack[sp..]` are the operands it popped, the address first.
pub(super) fn fault(
    instr: Instr,
    code: &Code,
    store: &Store,
    inst_id: usize,
    stack: &[Raw],
    sp: usize,
) -> Option<String> {
    let cell = |i: usize| stack.get(sp + i).copied();
    let load_width = |k: LoadOp| by_load_op!(k, |K| K::N) as u64;
    // (memory index, address, static offset, bytes)
    let (mem, addr, offset, len) = if let Some((k, o)) = LoadOp::of(&instr) {
        (0, cell(0)? as u32 as u64, o as u64, load_width(k))
    } else if let Some((k, o)) = StoreOp::of(&instr) {
        (0, cell(0)? as u32 as u64, o as u64, k.width() as u64)
    } else {
        let arg = |a: u32| code.memargs.get(a as usize).copied();
        match instr {
            Instr::Mem(Mem::Load(k, a)) | Instr::Atomic(Atomic::Load(k, a)) => {
                let a = arg(a)?;
                (a.mem, cell(0)?, a.offset, load_width(k))
            }
            Instr::Mem(Mem::Store(k, a))
            | Instr::Atomic(Atomic::Store(k, a) | Atomic::Rmw(_, k, a) | Atomic::Cmpxchg(k, a)) => {
                let a = arg(a)?;
                (a.mem, cell(0)?, a.offset, k.width() as u64)
            }
            Instr::Atomic(Atomic::Notify(a) | Atomic::Wait32(a)) => {
                let a = arg(a)?;
                (a.mem, cell(0)?, a.offset, 4)
            }
            Instr::Atomic(Atomic::Wait64(a)) => {
                let a = arg(a)?;
                (a.mem, cell(0)?, a.offset, 8)
            }
            Instr::Simd(Simd::Load { op, arg: a }) => {
                let a = arg(a)?;
                (a.mem, cell(0)?, a.offset, op.width() as u64)
            }
            Instr::Simd(Simd::Store(a)) => {
                let a = arg(a)?;
                (a.mem, cell(0)?, a.offset, 16)
            }
            Instr::Simd(Simd::LoadLane { op, arg: a, .. } | Simd::StoreLane { op, arg: a, .. }) => {
                let a = arg(a)?;
                (a.mem, cell(0)?, a.offset, op.width() as u64)
            }
            // memory.fill d v n, memory.copy d s n: name the whole ranges.
            Instr::Bulk(Bulk::MemoryFill(m)) => (m, cell(0)?, 0, cell(2)?),
            Instr::Bulk(Bulk::MemoryCopy { dst, src }) => {
                let (d, s, n) = (cell(0)?, cell(1)?, cell(2)?);
                let size = |m: u32| memory_size(store, inst_id, m);
                return Some(format!(
                    "{n} bytes from {s:#x} of memory {src} ({} bytes) to {d:#x} of memory {dst} ({} bytes)",
                    size(src)?,
                    size(dst)?
                ));
            }
            _ => return None,
        }
    };
    let size = memory_size(store, inst_id, mem)?;
    let name = match store.instances[inst_id].module.memory_name(mem) {
        Some(n) => format!(" (${n})"),
        None => String::new(),
    };
    let at = if offset == 0 {
        format!("{addr:#x}")
    } else {
        format!("{:#x} ({addr:#x} + offset {offset})", addr as u128 + offset as u128)
    };
    let unit = if len == 1 { "byte" } else { "bytes" };
    Some(format!("{len} {unit} at {at} of memory {mem}{name}, {size} bytes"))
}

fn memory_size(store: &Store, inst_id: usize, mem: u32) -> Option<usize> {
    let m = *store.instances.get(inst_id)?.memories.get(mem as usize)?;
    Some(store.memories.get(m as usize)?.data().len())
}
