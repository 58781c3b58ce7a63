//! The `Bulk` family: tables, bulk memory, memory size and growth. They are rarely hot, so
//! the loop has one arm for all of them, which calls [`exec`]: natively out of line, so the
//! hot `match` does not grow with the family; in wasm32 builds the loop leaves for it (see [`exec`]). The
//! same shape takes any family (SIMD, GC, exceptions, atomics): a family enum in
//! `ir/list.rs`, a file like this one, one arm.

use crate::ir::Bulk;
use crate::runtime::Store;
use crate::trap::TrapCode;
use crate::value::Raw;
use std::rc::Rc;

/// Runs `b` in instance `inst_id` on the
/// value stack `stack` with `sp` cells in use. Returns the new stack height, and the trap if
/// it trapped (then after its operands were popped, as the `match` leaves a trapping
/// instruction).
// Natively out of line. In wasm32 builds inlined into `Machine::run_family`, which the loop
// leaves for (a call from the loop, or this inlined in it, made V8's code for the whole loop
// slower; BENCHMARKS.md).
#[cfg_attr(target_arch = "wasm32", inline(always))]
#[cfg_attr(not(target_arch = "wasm32"), inline(never))]
pub(super) fn exec(
    b: Bulk,
    store: &mut Store,
    inst_id: usize,
    stack: &mut [Raw],
    mut sp: usize,
) -> (usize, Result<(), TrapCode>) {
    // Validation fixes the operand count of each instruction: `sp` covers its pops.
    family_stack!($ stack sp);
    // Index operands are popped as u64: an i32 cell holds its value zero-extended, so this
    // is right for 32- and 64-bit memories and tables alike.
    // (A macro, not a closure: LLVM left the closure out of line, and a call in this arm,
    // which wasm32 builds inline into the loop, made V8's code for the whole loop slower.)
    macro_rules! table_of {
        ($store:expr, $t:expr) => {
            $store.instances[inst_id].tables[$t as usize] as usize
        };
    }
    match b {
        Bulk::TableGet(t) => {
            let i = pop!();
            let t = table_of!(store, t);
            push!(tri!(store.tables[t].get(i)))
        }
        Bulk::TableSet(t) => {
            let v = pop!();
            let i = pop!();
            let t = table_of!(store, t);
            tri!(store.tables[t].set(i, v))
        }
        Bulk::TableSize(t) => {
            let t = table_of!(store, t);
            push!(store.tables[t].size() as u64)
        }
        Bulk::TableGrow(t) => {
            let n = pop!();
            let v = pop!();
            let t = table_of!(store, t);
            let t = &mut store.tables[t];
            let fail = if t.is_64() { u64::MAX } else { u32::MAX as u64 };
            push!(t.grow(n, v).map_or(fail, |old| old as u64))
        }
        Bulk::TableFill(t) => {
            let n = pop!();
            let v = pop!();
            let i = pop!();
            let t = table_of!(store, t);
            tri!(store.tables[t].fill(i, v, n))
        }
        Bulk::TableCopy { dst, src } => {
            let n = pop!();
            let s = pop!();
            let d = pop!();
            let (dt, st) = (table_of!(store, dst), table_of!(store, src));
            if dt == st {
                tri!(store.tables[dt].copy_within(d, s, n))
            } else {
                let (src_t, dst_t) = if st < dt {
                    let (a, b) = store.tables.split_at_mut(dt);
                    (&a[st], &mut b[0])
                } else {
                    let (a, b) = store.tables.split_at_mut(st);
                    (&b[0], &mut a[dt])
                };
                tri!(dst_t.init(d, tri!(src_t.slice(s, n))))
            }
        }
        Bulk::TableInit { table, elem } => {
            let n = pop!() as u32;
            let s = pop!() as u32;
            let d = pop!();
            let seg = store.instances[inst_id].elems[elem as usize].clone();
            let t = table_of!(store, table);
            let end = s as u64 + n as u64;
            if end > seg.len() as u64 {
                trap!(TrapCode::TableOutOfBounds);
            }
            tri!(store.tables[t].init(d, &seg[s as usize..end as usize]))
        }
        Bulk::ElemDrop(e) => store.instances[inst_id].elems[e as usize] = Rc::new([]),

        Bulk::MemorySize(_)
        | Bulk::MemoryGrow(_)
        | Bulk::MemoryFill(_)
        | Bulk::MemoryCopy { .. }
        | Bulk::MemoryInit { .. } => return memory(b, store, inst_id, stack, sp),
        Bulk::DataDrop(seg) => store.instances[inst_id].datas[seg as usize] = Default::default(),
    }
    (sp, Ok(()))
}

/// The memory instructions of `Bulk` (any memory, 32- or 64-bit). Out of line in wasm32
/// builds too: inlined there (with the `Mem` and `Atomic` families) they made V8's code for
/// the whole loop 1.7x slower (bench/node geomean 0.58 of wasmi against 0.34).
#[inline(never)]
fn memory(
    b: Bulk,
    store: &mut Store,
    inst_id: usize,
    stack: &mut [Raw],
    mut sp: usize,
) -> (usize, Result<(), TrapCode>) {
    family_stack!($ stack sp);
    let mem_of = |store: &Store, m: u32| store.instances[inst_id].memories[m as usize] as usize;
    match b {
        Bulk::MemorySize(m) => {
            let m = mem_of(store, m);
            push!(store.memories[m].pages())
        }
        Bulk::MemoryGrow(m) => {
            let n = pop!();
            let m = mem_of(store, m);
            let m = &mut store.memories[m];
            let fail = if m.is_64() { u64::MAX } else { u32::MAX as u64 };
            push!(m.grow(n).unwrap_or(fail))
        }
        Bulk::MemoryFill(m) => {
            let n = pop!();
            let v = pop!() as u8;
            let d = pop!();
            let m = mem_of(store, m);
            tri!(store.memories[m].fill(d, v, n))
        }
        Bulk::MemoryCopy { dst, src } => {
            let n = pop!();
            let s = pop!();
            let d = pop!();
            let (dm, sm) = (mem_of(store, dst), mem_of(store, src));
            if dm == sm {
                tri!(store.memories[dm].copy_within(d, s, n))
            } else {
                let (src_m, dst_m) = if sm < dm {
                    let (a, b) = store.memories.split_at_mut(dm);
                    (&a[sm], &mut b[0])
                } else {
                    let (a, b) = store.memories.split_at_mut(sm);
                    (&b[0], &mut a[dm])
                };
                let r = tri!(src_m.range64(s, 0, n));
                tri!(dst_m.write(d, &src_m.data()[r]))
            }
        }
        Bulk::MemoryInit { mem: m, data: seg } => {
            let n = pop!() as u32;
            let s = pop!() as u32;
            let d = pop!();
            let data = store.instances[inst_id].datas[seg as usize].clone();
            let end = s as u64 + n as u64;
            if end > data.len() as u64 {
                trap!(TrapCode::MemoryOutOfBounds);
            }
            let m = mem_of(store, m);
            tri!(store.memories[m].write(d, &data[s as usize..end as usize]))
        }
        _ => {}
    }
    (sp, Ok(()))
}
