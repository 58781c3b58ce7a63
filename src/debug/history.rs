//! The undo log behind step back. Before each step the debugger records what the next
//! instruction can change — the live value-stack cells it may overwrite, the frame it may
//! pop, and its side effects on memory, globals, tables and segments — so undoing a step
//! is writing those old values back. No copies of whole memories.

use crate::exec::{Frame, Machine, State};
use crate::ir::{Atomic, Bulk, Exn, Gc, Instr, Mem, RETURN_PC, Simd, StoreOp, Wide, for_each_plain};
use crate::runtime::Store;
use crate::value::{Raw, ValType};
use std::collections::VecDeque;
use std::rc::Rc;

/// A side effect of one step, holding the value from before it.
#[derive(Debug, Clone)]
pub(crate) enum Effect {
    /// What a host call did outside the machine (undo cannot take it back; step back
    /// reports it).
    Outside(String),
    /// Bytes of memory `mem` at `addr`.
    Memory {
        mem: u32,
        addr: u64,
        old: Vec<u8>,
    },
    MemorySize {
        mem: u32,
        pages: u64,
    },
    Global {
        global: u32,
        old: Raw,
        /// A v128's high half (0 for other types).
        hi: Raw,
    },
    Table {
        table: u32,
        index: u64,
        old: Vec<Raw>,
    },
    TableSize {
        table: u32,
        size: u32,
    },
    Elem {
        instance: u32,
        seg: u32,
        old: Rc<[Raw]>,
    },
    Data {
        instance: u32,
        seg: u32,
        old: crate::decode::SharedBytes,
    },
    /// Cells of heap object `obj` from `at` (GC: `struct.set`, `array.set/fill/copy/init_*`).
    Heap {
        obj: u32,
        at: u32,
        old: Vec<Raw>,
    },
    /// An allocation (GC), in the slot the heap said it would take.
    Alloc {
        obj: u32,
        slot: crate::runtime::heap::Slot,
    },
    /// A value-stack cell beyond `Record::local` (the second cell of a v128 local).
    Cell {
        at: usize,
        old: Raw,
    },
    /// Frames under the top one that the step may pop or move (a throw that unwinds to a
    /// handler in one of them), outermost first; the first may stay (the frame that
    /// catches: its pc goes back). A tail call replaces the top frame, which
    /// `Record::popped` restores.
    Frames(Vec<Frame>),
    /// How many exception objects the store had (a `throw` makes one).
    Exceptions(usize),
    /// A collection the session ran after the step (`heap_view`): the objects it freed and
    /// the heap's bookkeeping before it (`Heap::restore`).
    Collected(Box<crate::runtime::heap::Collected>),
}

impl Effect {
    #[inline]
    fn bytes(&self) -> usize {
        match self {
            Effect::Memory { old, .. } => old.len(),
            Effect::Table { old, .. } | Effect::Heap { old, .. } => old.len() * 8,
            Effect::Frames(f) => f.len() * std::mem::size_of::<Frame>(),
            Effect::Collected(c) => c.undo_bytes(),
            _ => 16,
        }
    }
}

/// Everything needed to undo one step.
#[derive(Debug, Clone)]
pub(crate) struct Record {
    pub executed: u64,
    // Stack heights and frame counts are u32 (the machine's limits keep them far below), so
    // a record is small: the log holds up to a million of them.
    pub sp: u32,
    pub frames: u32,
    pub pc: u32,
    /// The top frame, if the step may pop or replace it (a return, a tail call); frames
    /// under it that it may pop too are an `Effect::Frames`.
    pub popped: Option<Frame>,
    pub cells_start: u32,
    pub cells: Saved,
    /// The local cell the step may write, with its old value (the second cell of a v128
    /// local is an `Effect::Cell`).
    pub local: Option<(u32, Raw)>,
    pub effects: Vec<Effect>,
}

impl Record {
    #[inline]
    fn bytes(&self) -> usize {
        64 + self.cells.len() * 8 + self.effects.iter().map(Effect::bytes).sum::<usize>()
    }
}

/// The stack cells a step may overwrite: inline up to [`Saved::INLINE`] (what most
/// instructions pop), so recording a step allocates nothing for them; a return's or a
/// call's (its frame's cells, its arguments) on the heap.
#[derive(Debug, Clone)]
pub(crate) enum Saved {
    Inline { len: u8, cells: [Raw; Saved::INLINE] },
    Heap(Box<[Raw]>),
}

impl Saved {
    const INLINE: usize = 3;

    fn new(cells: &[Raw]) -> Saved {
        if cells.len() <= Self::INLINE {
            let mut inline = [0; Self::INLINE];
            inline[..cells.len()].copy_from_slice(cells);
            Saved::Inline { len: cells.len() as u8, cells: inline }
        } else {
            Saved::Heap(cells.into())
        }
    }

    pub fn as_slice(&self) -> &[Raw] {
        match self {
            Saved::Inline { len, cells } => &cells[..*len as usize],
            Saved::Heap(cells) => cells,
        }
    }

    pub fn len(&self) -> usize {
        self.as_slice().len()
    }
}

/// Records what the machine's next instruction may change. `None` when there is no
/// instruction to execute.
pub(crate) fn record(m: &Machine, store: &Store) -> Option<Record> {
    let frame = m.frames.last()?;
    let mut instr = *frame.code.instrs.get(frame.pc as usize)?;
    // A single step never takes a fused instruction: it runs the first original behind it.
    let mut pc = frame.pc as usize;
    if instr.fused_len().is_some() {
        pc += 1;
        instr = *frame.code.instrs.get(pc)?;
    }
    let cells = m.stack.as_slice();
    let sp = cells.len();
    let fp = frame.fp as usize;
    let inst = &store.instances[frame.instance as usize];
    // The i-th value from the top, as u32 / u64.
    let top = |i: usize| cells.get(sp.wrapping_sub(i + 1)).copied().unwrap_or(0);
    let top32 = |i: usize| top(i) as u32;
    // Ordinary instructions pop at most three cells (those that pop more say so below);
    // saving them covers every live cell they can overwrite (pushes beyond the old top only
    // touch dead cells).
    let mut start = sp.saturating_sub(3);
    let mut popped = None;
    let mut local = None;
    let mut effects = Vec::new();
    // Bytes `[addr + offset, +len)` of the instance's memory `m` (any memory: the record
    // names the store's memory the write goes to).
    let mem_range = |m: u32, addr: u64, offset: u64, len: u64, effects: &mut Vec<Effect>| {
        if let Some(&mem) = inst.memories.get(m as usize)
            && let Ok(r) = store.memories[mem as usize].range64(addr, offset, len)
            && len > 0
        {
            let old = store.memories[mem as usize].data()[r.clone()].to_vec();
            effects.push(Effect::Memory { mem, addr: r.start as u64, old });
        }
    };
    let memarg = |i: u32| frame.code.memargs[i as usize];
    let table_range = |t: u32, index: u64, len: u64, effects: &mut Vec<Effect>| {
        let table = inst.tables[t as usize];
        if let Ok(old) = store.tables[table as usize].slice(index, len)
            && len > 0
        {
            effects.push(Effect::Table { table, index, old: old.to_vec() });
        }
    };
    let mut returns = false;
    // What each instruction can change. The arms of every pure operator, load and store come
    // from the instruction list; every other instruction has its own arm here, and there is no
    // catch-all: a new instruction does not compile until it says what it changes.
    macro_rules! effects {
        ({ $instr:expr } { $($hand:tt)* } fused [$($f:ident)*] loads [$($l:ident $_lk:ident)*] stores [$($s:ident $_sk:ident)*]
         free [$($x:ident)*] un [$($u:ident)*] bin [$($b:ident)*] un_trap [$($uq:ident)*] bin_trap [$($bq:ident)*]) => {
            match $instr {
                $($hand)*
                // A store writes its width at the address under the value.
                $( Instr::$s(_) )|* => {
                    if let Some((kind, offset)) = StoreOp::of(&instr) {
                        mem_range(0, top32(1) as u64, offset as u64, kind.width() as u64, &mut effects)
                    }
                }
                // Loads and pure operators pop at most two values and push one (the saved cells
                // cover them); they change nothing else.
                $( Instr::$l(_) )|* => {}
                $( Instr::$x )|* => {}
                $( Instr::$u )|* => {}
                $( Instr::$b )|* => {}
                $( Instr::$uq )|* => {}
                $( Instr::$bq )|* => {}
                // A single step never takes a fused form (see above); should one be here, there
                // is no record, and step back stops here rather than restore a wrong state.
                $( Instr::$f { .. } )|* => return None,
            }
        };
    }
    for_each_plain!(effects { instr } {
        Instr::LocalSet(i) | Instr::LocalTee(i) => {
            let at = fp + i as usize;
            local = cells.get(at).map(|&v| (at, v));
        }
        Instr::GlobalSet(g) => {
            let global = inst.globals[g as usize];
            let g = &store.globals[global as usize];
            effects.push(Effect::Global { global, old: g.value, hi: g.hi });
        }
        Instr::Br(t) => start = start.min(sp - (t.dk.drop + t.dk.keep) as usize),
        Instr::BrIf(t) => start = start.min(sp.saturating_sub(1 + (t.dk.drop + t.dk.keep) as usize)),
        Instr::BrTable { len } => {
            let i = top32(0).min(len) as usize;
            if let Some(Instr::BrTableTarget(t)) = frame.code.instrs.get(pc + 1 + i) {
                if t.pc == RETURN_PC {
                    returns = true;
                } else {
                    start = start.min(sp.saturating_sub(1 + (t.dk.drop + t.dk.keep) as usize));
                }
            }
        }
        Instr::Return | Instr::ReturnIf => returns = true,
        // A tail call: the frame goes (a wasm callee's frame takes its place, see `undo`),
        // and its cells are overwritten by the callee's arguments and locals.
        Instr::ReturnCall(_) | Instr::ReturnCallIndirect { .. } | Instr::ReturnCallRef(_) => returns = true,
        // A branch that may return; taken, it moves the kept values down over the dropped
        // ones (`br_on_null` first pops the reference).
        Instr::BrOnNull(t) | Instr::BrOnNonNull(t) if t.pc == RETURN_PC => returns = true,
        Instr::BrOnNull(t) | Instr::BrOnNonNull(t) => {
            start = start.min(sp.saturating_sub(1 + (t.dk.drop + t.dk.keep) as usize))
        }
        Instr::BrOnCast(i) => match frame.code.br_casts.get(i as usize) {
            Some(b) if b.target.pc == RETURN_PC => returns = true,
            Some(b) => start = start.min(sp.saturating_sub(1 + (b.target.dk.drop + b.target.dk.keep) as usize)),
            None => {}
        },
        Instr::Gc(g) => gc_effects(g, store, inst, &top, sp, &mut start, &mut effects),
        // As `call_indirect`: the callee's type from the module (a host callee overwrites its
        // arguments, and the reference below them, with its results).
        Instr::CallRef(ty) => {
            let params = inst.module.types.get(ty as usize).map_or(0, |t| ValType::cells_of(&t.params));
            start = start.min(sp.saturating_sub(params + 1));
        }
        Instr::Call(f) => {
            // A host callee overwrites its arguments with its results.
            let ty = store.funcs[inst.funcs[f as usize] as usize].ty;
            start = start.min(sp.saturating_sub(ValType::cells_of(&store.types[ty as usize].params)));
        }
        Instr::CallIndirect { ty, .. } => {
            let params = inst.module.types.get(ty as usize).map_or(0, |t| ValType::cells_of(&t.params));
            start = start.min(sp.saturating_sub(params + 1));
        }
        // A throw: where it lands is known before it runs (the machine's own search). The
        // frames above the one that catches go, that frame's pc moves (it may return too),
        // its operands from the clause's height are overwritten, and a legacy `catch` writes
        // its hidden local. Uncaught, it is a trap (which changes nothing but what it pops).
        Instr::Exn(e) => {
            if let Exn::Throw(_) = e {
                effects.push(Effect::Exceptions(store.exceptions.len()));
            }
            if let Some(l) = m.landing_of(store, e) {
                let top = m.frames.len() - 1;
                let f = &m.frames[l.frame];
                let (ffp, c) = (f.fp as usize, l.clause);
                let base = ffp + (f.code.num_params + f.code.num_locals + c.height) as usize;
                start = start.min(if c.pc == RETURN_PC { ffp } else { base });
                if let Some(cell) = c.local {
                    let at = ffp + cell as usize;
                    local = cells.get(at).map(|&v| (at, v));
                }
                if l.frame < top {
                    effects.push(Effect::Frames(m.frames[l.frame..top].to_vec()));
                    popped = Some(frame.clone());
                } else if c.pc == RETURN_PC {
                    returns = true;
                }
            }
        }
        Instr::Simd(s) => match s {
            // Two cells of a local.
            Simd::LocalSet(x) | Simd::LocalTee(x) => {
                let at = fp + x as usize;
                local = cells.get(at).map(|&v| (at, v));
                if let Some(&old) = cells.get(at + 1) {
                    effects.push(Effect::Cell { at: at + 1, old });
                }
            }
            Simd::GlobalSet(g) => {
                let global = inst.globals[g as usize];
                let g = &store.globals[global as usize];
                effects.push(Effect::Global { global, old: g.value, hi: g.hi });
            }
            // A store writes its width at the address under the v128.
            Simd::Store(a) => {
                let a = memarg(a);
                mem_range(a.mem, top(2), a.offset, 16, &mut effects)
            }
            Simd::StoreLane { op, arg, .. } => {
                let a = memarg(arg);
                mem_range(a.mem, top(2), a.offset, op.width() as u64, &mut effects)
            }
            // Pops two v128 and the condition.
            Simd::Select => start = start.min(sp.saturating_sub(5)),
            // Pop two or three v128 (four or six cells) and push one.
            Simd::Bin(_) | Simd::Shuffle(_) => start = start.min(sp.saturating_sub(4)),
            Simd::Tern(_) => start = start.min(sp.saturating_sub(6)),
            // Push or pop at most three cells and push at most two (the saved cells cover
            // them), and change nothing else.
            Simd::Const(_)
            | Simd::LocalGet(_)
            | Simd::GlobalGet(_)
            | Simd::Drop
            | Simd::Load { .. }
            | Simd::LoadLane { .. }
            | Simd::Splat(_)
            | Simd::Extract { .. }
            | Simd::Replace { .. }
            | Simd::Un(_)
            | Simd::Test(_)
            | Simd::Shift(_) => {}
        },
        Instr::Wide(w) => match w {
            // Pops four cells, pushes two.
            Wide::I64Add128 | Wide::I64Sub128 => start = start.min(sp.saturating_sub(4)),
            // Pops two, pushes two (the saved cells cover them).
            Wide::I64MulWideS | Wide::I64MulWideU => {}
        },
        // Loads, stores and atomics of any memory: a write records its memory and bytes.
        // (Operands are u64 cells: an i32 is zero-extended, an i64 address whole.)
        Instr::Mem(m) => match m {
            Mem::Store(k, a) => {
                let a = memarg(a);
                mem_range(a.mem, top(1), a.offset, k.width() as u64, &mut effects)
            }
            Mem::Load(..) => {}
        },
        Instr::Atomic(a) => match a {
            Atomic::Store(k, a) | Atomic::Rmw(_, k, a) => {
                let a = memarg(a);
                mem_range(a.mem, top(1), a.offset, k.width() as u64, &mut effects)
            }
            Atomic::Cmpxchg(k, a) => {
                let a = memarg(a);
                mem_range(a.mem, top(2), a.offset, k.width() as u64, &mut effects)
            }
            // They pop at most three values and push one, and write nothing.
            Atomic::Load(..) | Atomic::Notify(_) | Atomic::Wait32(_) | Atomic::Wait64(_) | Atomic::Fence => {}
        },
        Instr::Bulk(b) => match b {
            Bulk::MemoryGrow(m) => {
                if let Some(&mem) = inst.memories.get(m as usize) {
                    effects.push(Effect::MemorySize { mem, pages: store.memories[mem as usize].pages() });
                }
            }
            Bulk::MemoryFill(m) | Bulk::MemoryCopy { dst: m, .. } | Bulk::MemoryInit { mem: m, .. } => {
                mem_range(m, top(2), 0, top(0), &mut effects);
            }
            Bulk::TableSet(t) => table_range(t, top(1), 1, &mut effects),
            Bulk::TableFill(t) => table_range(t, top(2), top(0), &mut effects),
            Bulk::TableCopy { dst, .. } => table_range(dst, top(2), top(0), &mut effects),
            Bulk::TableInit { table, .. } => table_range(table, top(2), top(0), &mut effects),
            Bulk::TableGrow(t) => {
                let table = inst.tables[t as usize];
                effects.push(Effect::TableSize { table, size: store.tables[table as usize].size() });
            }
            Bulk::ElemDrop(seg) => {
                effects.push(Effect::Elem { instance: frame.instance, seg, old: inst.elems[seg as usize].clone() })
            }
            Bulk::DataDrop(seg) => {
                effects.push(Effect::Data { instance: frame.instance, seg, old: inst.datas[seg as usize].clone() })
            }
            // They pop at most two values and push one, and change nothing else.
            Bulk::TableGet(_) | Bulk::TableSize(_) | Bulk::MemorySize(_) => {}
        },
        // They pop at most three values (the saved cells cover them) or push one, and change
        // nothing else; a trap changes nothing either.
        Instr::Unreachable
        | Instr::Nop
        | Instr::Block
        | Instr::Loop
        | Instr::End
        | Instr::If { .. }
        | Instr::Else { .. }
        | Instr::Drop
        | Instr::Select
        | Instr::LocalGet(_)
        | Instr::GlobalGet(_)
        | Instr::I32Const(_)
        | Instr::I64Const(_)
        | Instr::F32Const(_)
        | Instr::F64Const(_)
        | Instr::RefNull
        | Instr::RefFunc(_) => {}
        // Data, never executed; and the one fused form of variable length (see above).
        Instr::BrTableTarget(_) | Instr::FSkip { .. } => return None,
    });
    if returns {
        start = start.min(fp);
        popped = Some(frame.clone());
    }
    Some(Record {
        executed: m.executed,
        sp: sp as u32,
        frames: m.frames.len() as u32,
        pc: frame.pc,
        popped,
        cells_start: start as u32,
        cells: Saved::new(&cells[start..]),
        local: local.map(|(at, v): (usize, Raw)| (at as u32, v)),
        effects,
    })
}

/// What a `Gc` instruction can change: the cells it pops (below `start`), an object's cells,
/// an allocation.
fn gc_effects(
    g: Gc,
    store: &Store,
    inst: &crate::runtime::Instance,
    top: &dyn Fn(usize) -> Raw,
    sp: usize,
    start: &mut usize,
    effects: &mut Vec<Effect>,
) {
    use crate::exec::gc::elem;
    use crate::value::gc_ref;
    let st = |t: u32| inst.types[t as usize];
    let cells_of = |t: u32| elem(store, st(t)).storage.unpacked().cells();
    let struct_cells = |t: u32| match &store.sub_types[st(t) as usize].composite {
        crate::value::CompositeType::Struct(fs) => fs.iter().map(|f| f.storage.unpacked().cells()).sum(),
        _ => 0,
    };
    let mut pops = |n: usize| *start = (*start).min(sp.saturating_sub(n));
    // Cells `[at, at + len)` of the object `r` names (clipped to the object).
    let save = |r: Raw, at: usize, len: usize, effects: &mut Vec<Effect>| {
        if let Some(i) = gc_ref::heap_index(r)
            && let Some(o) = store.heap.get(i)
            && at < o.cells.len()
            && len > 0
        {
            let end = (at + len).min(o.cells.len());
            effects.push(Effect::Heap { obj: i, at: at as u32, old: o.cells[at..end].to_vec() });
        }
    };
    let alloc = |effects: &mut Vec<Effect>| {
        let (obj, slot) = store.heap.next_slot();
        effects.push(Effect::Alloc { obj, slot });
    };
    match g {
        Gc::StructNew(t) => {
            pops(struct_cells(t));
            alloc(effects)
        }
        Gc::ArrayNewFixed { ty, n } => {
            pops(n as usize * cells_of(ty));
            alloc(effects)
        }
        Gc::ArrayNew(t) => {
            pops(1 + cells_of(t));
            alloc(effects)
        }
        Gc::StructNewDefault(_) | Gc::ArrayNewDefault(_) | Gc::ArrayNewData { .. } | Gc::ArrayNewElem { .. } => {
            alloc(effects)
        }
        Gc::StructSet { ty, field } => {
            let at = store.field_cells[st(ty) as usize][field as usize] as usize;
            let c = match &store.sub_types[st(ty) as usize].composite {
                crate::value::CompositeType::Struct(fs) => fs[field as usize].storage.unpacked().cells(),
                _ => 1,
            };
            save(top(c), at, c, effects)
        }
        Gc::ArraySet(t) => {
            let c = cells_of(t);
            pops(2 + c);
            save(top(c + 1), top(c) as u32 as usize * c, c, effects)
        }
        Gc::ArrayFill(t) => {
            let c = cells_of(t);
            pops(3 + c);
            save(top(2 + c), top(1 + c) as u32 as usize * c, top(0) as u32 as usize * c, effects)
        }
        Gc::ArrayCopy { dst, .. } => {
            let c = cells_of(dst);
            pops(5);
            save(top(4), top(3) as u32 as usize * c, top(0) as u32 as usize * c, effects)
        }
        Gc::ArrayInitData { ty, .. } | Gc::ArrayInitElem { ty, .. } => {
            let c = cells_of(ty);
            pops(4);
            save(top(3), top(2) as u32 as usize * c, top(0) as u32 as usize * c, effects)
        }
        // They pop at most two cells and push at most two, and change nothing else.
        Gc::StructGet { .. }
        | Gc::StructGetS { .. }
        | Gc::StructGetU { .. }
        | Gc::ArrayGet(_)
        | Gc::ArrayGetS(_)
        | Gc::ArrayGetU(_)
        | Gc::ArrayLen
        | Gc::RefI31
        | Gc::I31GetS
        | Gc::I31GetU
        | Gc::RefEq
        | Gc::RefTest(_)
        | Gc::RefCast(_)
        | Gc::AnyConvertExtern
        | Gc::ExternConvertAny => {}
    }
}

/// A record of no instruction, at the paused machine's position (for what the session does
/// between instructions: a collection on request); `None` without a frame.
pub(crate) fn noop(m: &Machine) -> Option<Record> {
    let frame = m.frames.last()?;
    let sp = m.stack.sp as u32;
    Some(Record {
        executed: m.executed,
        sp,
        frames: m.frames.len() as u32,
        pc: frame.pc,
        popped: None,
        cells_start: sp,
        cells: Saved::new(&[]),
        local: None,
        effects: Vec::new(),
    })
}

/// Puts the machine and store back to how they were before the recorded step.
pub(crate) fn undo(r: Record, m: &mut Machine, store: &mut Store) {
    // Cells and frames go back after the stack and the frames are reset below.
    let mut cells_and_frames = Vec::new();
    for e in r.effects.into_iter().rev() {
        match e {
            e @ (Effect::Cell { .. } | Effect::Frames(_)) => cells_and_frames.push(e),
            Effect::Memory { mem, addr, old } => {
                let _ = store.memories[mem as usize].write(addr, &old);
            }
            Effect::MemorySize { mem, pages } => store.memories[mem as usize].shrink_to(pages),
            Effect::Global { global, old, hi } => {
                let g = &mut store.globals[global as usize];
                (g.value, g.hi) = (old, hi);
            }
            Effect::Table { table, index, old } => {
                let _ = store.tables[table as usize].init(index, &old);
            }
            Effect::TableSize { table, size } => store.tables[table as usize].shrink_to(size),
            Effect::Elem { instance, seg, old } => store.instances[instance as usize].elems[seg as usize] = old,
            Effect::Data { instance, seg, old } => store.instances[instance as usize].datas[seg as usize] = old,
            Effect::Exceptions(n) => store.truncate_exceptions(n),
            Effect::Heap { obj, at, old } => {
                if let Some(o) = store.heap.get_mut(obj) {
                    o.cells[at as usize..at as usize + old.len()].copy_from_slice(&old);
                }
            }
            Effect::Alloc { obj, slot } => store.heap.unalloc(obj, slot),
            Effect::Collected(c) => store.heap.restore(*c),
            Effect::Outside(_) => {}
        }
    }
    let frames = r.frames as usize;
    m.frames.truncate(frames);
    // Frames the step popped come back, outermost first.
    let missing = frames - m.frames.len();
    if missing == 0 {
        // The top frame was kept (a `return_if` that did not return) or replaced (a tail
        // call): it was the popped one either way.
        if let (Some(f), Some(top)) = (r.popped, m.frames.last_mut()) {
            *top = f;
        }
    } else {
        // A return (the top frame), or an unwinding (the frames under it too, the first of
        // them perhaps still there, with another pc: it is put back as it was).
        let mut restore: Vec<Frame> = Vec::new();
        for e in &cells_and_frames {
            if let Effect::Frames(f) = e {
                restore.extend(f.iter().cloned());
            }
        }
        restore.extend(r.popped);
        let keep = restore.len().saturating_sub(missing);
        let at = m.frames.len().saturating_sub(keep);
        for (slot, f) in m.frames[at..].iter_mut().zip(restore.drain(..keep)) {
            *slot = f;
        }
        m.frames.extend(restore);
    }
    if let Some(f) = m.frames.last_mut() {
        f.pc = r.pc;
    }
    let cells_start = r.cells_start as usize;
    let end = cells_start + r.cells.len();
    m.stack.truncate(0);
    let _ = m.stack.reserve(end);
    m.stack.cells[cells_start..end].copy_from_slice(r.cells.as_slice());
    m.stack.sp = r.sp as usize;
    if let Some((at, v)) = r.local {
        m.stack.cells[at as usize] = v;
    }
    for e in cells_and_frames {
        if let Effect::Cell { at, old } = e {
            m.stack.cells[at] = old;
        }
    }
    m.executed = r.executed;
    m.state = State::Running;
}

/// A bounded log of steps: at most `max_steps` records and about `max_bytes` of saved data;
/// the oldest records are forgotten first.
#[derive(Debug)]
pub(crate) struct History {
    records: VecDeque<Record>,
    bytes: usize,
    pub max_steps: usize,
    pub max_bytes: usize,
}

impl History {
    pub fn new(max_steps: usize, max_bytes: usize) -> History {
        History { records: VecDeque::new(), bytes: 0, max_steps, max_bytes }
    }

    pub fn push(&mut self, r: Record) {
        if self.max_steps == 0 {
            return;
        }
        self.bytes += r.bytes();
        self.records.push_back(r);
        while self.records.len() > self.max_steps || (self.bytes > self.max_bytes && self.records.len() > 1) {
            if let Some(old) = self.records.pop_front() {
                self.bytes -= old.bytes();
            }
        }
    }

    /// Adds an effect to the newest record (what the session did after its step: a
    /// collection); `false` when there is none.
    pub fn amend_last(&mut self, e: Effect) -> bool {
        let Some(r) = self.records.back_mut() else { return false };
        self.bytes += e.bytes();
        r.effects.push(e);
        while self.bytes > self.max_bytes && self.records.len() > 1 {
            if let Some(old) = self.records.pop_front() {
                self.bytes -= old.bytes();
            }
        }
        true
    }

    pub fn pop(&mut self) -> Option<Record> {
        let r = self.records.pop_back()?;
        self.bytes -= r.bytes();
        Some(r)
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    pub fn clear(&mut self) {
        self.records.clear();
        self.bytes = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exec::{Call, Outcome};

    /// A step that pops several frames at once (as a `throw` or a `return_call` will) is
    /// undone: the top frame from `popped`, the others from `Effect::Frames`.
    #[test]
    fn a_step_that_pops_several_frames_is_undone() {
        let wat = r#"(module
          (func $c (result i32) (i32.const 3))
          (func $b (result i32) (call $c))
          (func (export "a") (result i32) (call $b)))"#;
        let module = std::rc::Rc::new(crate::Module::new(wat.as_bytes()).unwrap());
        let mut store = Store::new(crate::Limits::default());
        let inst = store.instantiate(module).unwrap();
        let Some(crate::Extern::Func(a)) = store.export(inst, "a") else { panic!("no export a") };
        let mut m = Machine::new(crate::Limits::default());
        m.start(&mut store, a, &[]).unwrap();
        while m.frames.len() < 3 {
            assert_eq!(m.run(&mut store, 1), Outcome::Paused(crate::PauseReason::Budget));
        }
        let mut r = record(&m, &store).unwrap();
        let before: Vec<(u32, u32)> = m.frames.iter().map(|f| (f.func, f.pc)).collect();
        // The step: all three frames unwound.
        r.popped = m.frames.last().cloned();
        r.effects.push(Effect::Frames(m.frames[..2].to_vec()));
        m.frames.clear();
        undo(r, &mut m, &mut store);
        let after: Vec<(u32, u32)> = m.frames.iter().map(|f| (f.func, f.pc)).collect();
        assert_eq!(after, before);
        assert_eq!(m.run(&mut store, u64::MAX), Outcome::Finished(vec![crate::Value::I32(3)]));
    }
}
