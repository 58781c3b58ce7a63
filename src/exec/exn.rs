//! The `Exn` family (exception handling): `throw`, `throw_ref` and the legacy `rethrow`,
//! and unwinding. Out of line and cold: the hot `match` has one arm for the family, which
//! leaves the loop (natively it calls [`Machine::exn`] and goes on in whatever frame is on
//! top; in wasm32 builds it leaves as a trap does and `run` calls it, as for `Simd`).
//!
//! Unwinding walks the frame stack (no Rust recursion) in two passes: [`Machine::handler_for`]
//! finds the frame and clause that catch (each frame's handlers are `Code::handlers`, by
//! pc: a frame under the top one is at its call), then [`Machine::land`] pops the frames
//! above it and goes on at the clause's pc. When nothing catches, nothing is changed but
//! the popped operands: the call ends with an `uncaught exception` trap at the throw.

use super::Machine;
use crate::ir::{CatchClause, Exn, HandlerKind, RETURN_PC};
use crate::runtime::{Exception, Store};
use crate::trap::{Trap, TrapCode};
use crate::value::ValType;

/// Where an exception lands: the frame (index, 0 the outermost) and the clause.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Landing {
    pub frame: usize,
    pub clause: CatchClause,
}

impl Machine {
    /// Runs exception instruction `e`, at the top frame's pc (the loop saved its state and
    /// counted it). `Ok` when a handler caught (the machine goes on in the frame on top);
    /// an uncaught exception or a null `throw_ref` is a trap at the instruction.
    #[cold]
    #[inline(never)]
    pub(crate) fn exn(&mut self, store: &mut Store, e: Exn) -> Result<(), Trap> {
        let Some(frame) = self.frames.last() else { return Ok(()) };
        let (fp, inst, pc) = (frame.fp as usize, frame.instance as usize, frame.pc as usize);
        let offset = frame.code.offsets.get(pc).copied();
        let func = frame.func;
        let sp = self.stack.sp;
        let exn = match e {
            Exn::Throw(tag) => {
                let addr = store.instances[inst].tags[tag as usize];
                let n = ValType::cells_of(&store.types[store.tags[addr as usize].ty as usize].params);
                let payload = self.stack.cells[sp - n..sp].into();
                self.stack.sp = sp - n;
                match store.alloc_exception(Exception { tag: addr, payload }, &self.stack.cells[..sp - n]) {
                    Ok(a) => a,
                    Err(code) => return Err(Trap { code, func: Some(func), offset, detail: None }),
                }
            }
            Exn::ThrowRef => {
                self.stack.sp = sp - 1;
                match self.stack.cells[sp - 1].checked_sub(1) {
                    Some(x) => x as u32,
                    None => {
                        return Err(Trap {
                            code: TrapCode::NullExceptionReference,
                            func: Some(func),
                            offset,
                            detail: None,
                        });
                    }
                }
            }
            Exn::Rethrow(cell) => self.stack.cells[fp + cell as usize].wrapping_sub(1) as u32,
        };
        // Frames under the top one are past their calls; the top one now past its throw.
        if let Some(f) = self.frames.last_mut() {
            f.pc += 1;
        }
        let tag = store.exceptions[exn as usize].tag;
        match self.handler_for(store, tag, pc as u32) {
            Some(l) => {
                self.land(store, l, exn);
                Ok(())
            }
            None => {
                if let Some(f) = self.frames.last_mut() {
                    f.pc -= 1;
                }
                self.uncaught = Some(exn);
                Err(Trap {
                    code: TrapCode::UncaughtException,
                    func: Some(func),
                    offset,
                    detail: Some(describe(store, inst, exn)),
                })
            }
        }
    }

    /// Throws on exception `exn`, which a host function called from instance `inst` let
    /// escape, at the call (the top frame is past it): `Ok` when a handler caught it (the
    /// machine goes on in the frame on top), else an `uncaught exception` trap.
    pub(crate) fn throw_from_host(&mut self, store: &mut Store, exn: u32, inst: usize) -> Result<(), Trap> {
        let tag = store.exceptions[exn as usize].tag;
        let landing = self.frames.last().and_then(|f| self.handler_for(store, tag, f.pc.wrapping_sub(1)));
        match landing {
            Some(l) => {
                self.land(store, l, exn);
                Ok(())
            }
            None => {
                self.uncaught = Some(exn);
                let detail = Some(describe(store, inst, exn));
                Err(Trap { code: TrapCode::UncaughtException, func: None, offset: None, detail })
            }
        }
    }

    /// The handler that catches an exception of tag `tag` (a store address) thrown at pc
    /// `at` of the top frame (the frames under it are past their calls).
    pub(crate) fn handler_for(&self, store: &Store, tag: u32, at: u32) -> Option<Landing> {
        let top = self.frames.len().checked_sub(1)?;
        for (d, f) in self.frames.iter().enumerate().rev() {
            let site = if d == top { at } else { f.pc.wrapping_sub(1) };
            let tags = &store.instances[f.instance as usize].tags;
            // A `delegate` passes the exception on to the handlers of its label's depth and
            // less (those around it).
            let mut limit = u32::MAX;
            for h in &f.code.handlers {
                if site < h.start || site >= h.end || h.depth > limit {
                    continue;
                }
                match &h.kind {
                    HandlerKind::Delegate(to) => limit = limit.min(*to),
                    HandlerKind::Catch(clauses) => {
                        if let Some(c) = clauses.iter().find(|c| c.tag.is_none_or(|t| tags[t as usize] == tag)) {
                            return Some(Landing { frame: d, clause: *c });
                        }
                    }
                }
            }
        }
        None
    }

    /// Where the exception instruction `e` at the top frame's pc would land (before it runs:
    /// the debugger's undo log), or `None` (uncaught, or a null `throw_ref`).
    pub(crate) fn landing_of(&self, store: &Store, e: Exn) -> Option<Landing> {
        let f = self.frames.last()?;
        let cells = self.stack.as_slice();
        let exn = |r: u64| r.checked_sub(1).and_then(|x| store.exceptions.get(x as usize)).map(|x| x.tag);
        let tag = match e {
            Exn::Throw(t) => *store.instances[f.instance as usize].tags.get(t as usize)?,
            Exn::ThrowRef => exn(*cells.last()?)?,
            Exn::Rethrow(cell) => exn(*cells.get(f.fp as usize + cell as usize)?)?,
        };
        self.handler_for(store, tag, f.pc)
    }

    /// Pops the frames above the landing one, unwinds its operands to the clause's height,
    /// pushes the payload (and the `exnref` for a `_ref` clause) and goes on at the clause
    /// (a clause to the function's label returns those values).
    fn land(&mut self, store: &Store, l: Landing, exn: u32) {
        self.frames.truncate(l.frame + 1);
        let Some(f) = self.frames.last_mut() else { return };
        let c = l.clause;
        let code = &f.code;
        let fp = f.fp as usize;
        let mut sp = fp + (code.num_params + code.num_locals + c.height) as usize;
        let cells = &mut self.stack.cells;
        if c.tag.is_some() {
            for &v in store.exceptions[exn as usize].payload.iter() {
                cells[sp] = v;
                sp += 1;
            }
        }
        if c.push_ref {
            cells[sp] = exn as u64 + 1;
            sp += 1;
        }
        if let Some(cell) = c.local {
            cells[fp + cell as usize] = exn as u64 + 1;
        }
        if c.pc == RETURN_PC {
            let n = code.num_results as usize;
            cells.copy_within(sp - n..sp, fp);
            self.stack.sp = fp + n;
            self.frames.pop();
        } else {
            f.pc = c.pc;
            self.stack.sp = sp;
        }
    }
}

/// `tag 0 ($e) with payload [i32:42]`: the tag by its index in instance `inst` (or another
/// instance that has it) and its name (name section, export or import), and the payload.
pub(crate) fn describe(store: &Store, inst: usize, exn: u32) -> String {
    let Some((tag, payload)) = store.exception(exn) else { return format!("exception {exn}") };
    let what = match tag_label(store, inst, tag) {
        Some((k, Some(n))) => format!("tag {k} ({n})"),
        Some((k, None)) => format!("tag {k}"),
        None => format!("tag at store address {tag}"),
    };
    let values: Vec<String> = payload.iter().map(|v| v.to_string()).collect();
    format!("{what} with payload [{}]", values.join(", "))
}

/// Tag `tag` (a store address) by its index in instance `inst` (or the first other instance
/// that has it) and its name there (`$e` from the name section, else `export "e"` or
/// `import "m" "e"`), if any instance has it.
pub(crate) fn tag_label(store: &Store, inst: usize, tag: u32) -> Option<(u32, Option<String>)> {
    let order = std::iter::once(inst).chain((0..store.instances.len()).filter(|&i| i != inst));
    for i in order {
        let Some(instance) = store.instances.get(i) else { continue };
        let Some(k) = instance.tags.iter().position(|&t| t == tag) else { continue };
        let m = &instance.module;
        let name = m.names.tags.get(&(k as u32)).map(|n| format!("${n}")).or_else(|| {
            m.exports
                .iter()
                .find(|e| e.kind == crate::decode::ExternKind::Tag && e.index == k as u32)
                .map(|e| format!("export \"{}\"", e.name))
                .or_else(|| {
                    m.imports
                        .iter()
                        .filter(|i| matches!(i.ty, crate::decode::ExternType::Tag(_)))
                        .nth(k)
                        .map(|i| format!("import \"{}\" \"{}\"", i.module, i.name))
                })
        });
        return Some((k as u32, name));
    }
    None
}
