//! The `Mem` family: loads and stores of a memory other than memory 0, or of a 64-bit memory
//! (memory64), with the 64-bit static offset from `Code::memargs`. The hot `match` keeps its
//! arms for memory 0 with 32-bit addresses; these are one arm there that calls [`exec`]
//! (natively out of line), so the loop does not grow with them.

use super::ops::{Load as _, Store as _};
use crate::ir::{Code, LoadOp, Mem, StoreOp};
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
