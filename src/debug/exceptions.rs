//! Pause on exceptions, as DevTools has: with [`PauseOnExceptions`] set, a command stops
//! (`StopReason::Exception`) when the next instruction is a `throw`, `throw_ref` or legacy
//! `rethrow`, before anything is popped or unwound. What it shows ([`ExceptionStop`]: the
//! tag, its payload, the handler that will catch it) comes from the machine's own handler
//! search (`Machine::landing_of`, the one the undo log uses), which unwinds nothing.
//!
//! Cost: the check runs after each step of a command only when the setting is not `None`,
//! and is then one look at the instruction at the top frame's pc; the view is built only
//! at a throw.

use super::{Session, StopReason};
use crate::exec::exn::tag_label;
use crate::ir::{Exn, Instr, RETURN_PC};
use crate::value::{ValType, Value};

/// When to pause at a throw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PauseOnExceptions {
    /// Never (the default).
    #[default]
    None,
    /// Only at a throw that no handler catches (it will end the call).
    Uncaught,
    /// Only at a throw that a handler catches.
    Caught,
    /// At every throw, caught or not.
    All,
}

impl PauseOnExceptions {
    /// The setting of the page's two checkboxes.
    pub fn from_flags(uncaught: bool, caught: bool) -> PauseOnExceptions {
        match (uncaught, caught) {
            (false, false) => PauseOnExceptions::None,
            (true, false) => PauseOnExceptions::Uncaught,
            (false, true) => PauseOnExceptions::Caught,
            (true, true) => PauseOnExceptions::All,
        }
    }

    /// Does it pause at a throw that is caught (`true`) or uncaught (`false`)?
    pub fn pauses(self, caught: bool) -> bool {
        match self {
            PauseOnExceptions::None => false,
            PauseOnExceptions::Uncaught => !caught,
            PauseOnExceptions::Caught => caught,
            PauseOnExceptions::All => true,
        }
    }
}

/// The instruction that throws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThrowKind {
    Throw,
    ThrowRef,
    Rethrow,
}

impl ThrowKind {
    pub fn text(self) -> &'static str {
        match self {
            ThrowKind::Throw => "throw",
            ThrowKind::ThrowRef => "throw_ref",
            ThrowKind::Rethrow => "rethrow",
        }
    }
}

/// A throw about to happen (the next instruction of the top frame).
#[derive(Debug, Clone, PartialEq)]
pub struct ExceptionStop {
    pub kind: ThrowKind,
    /// The tag's index in the throwing function's instance (or, for an exception of a tag
    /// that instance does not have, in the first instance that has it), and its name: `$e`
    /// from the name section, `export "e"`, `import "m" "e"`, or `tag 0`.
    pub tag: u32,
    pub tag_name: String,
    pub payload: Vec<Value>,
    /// Is there a handler that catches it? (Uncaught, it ends the call.)
    pub caught: bool,
    pub handler: Option<HandlerView>,
}

/// The handler that will catch an exception.
#[derive(Debug, Clone, PartialEq)]
pub struct HandlerView {
    /// The frame it is in (0 is the outermost); the frames above it are unwound.
    pub frame: usize,
    /// Function index in the module and its name.
    pub func: u32,
    pub func_name: String,
    /// Byte offset of the instruction the clause lands at (for a clause to the function's
    /// label, `returns` is set and this is the function's `end`).
    pub offset: u32,
    pub returns: bool,
    /// The clause: `catch $e`, `catch_ref $e`, `catch_all`, `catch_all_ref` (a legacy
    /// `try`'s `catch $e` / `catch_all` read the same).
    pub clause: String,
}

/// What a throw does to a frame, while paused on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unwinding {
    /// The frame is popped (every frame above the catching one, or all if uncaught).
    Unwound,
    /// Its handler catches: its operands are unwound to the handler's height and it goes on
    /// at the handler.
    Catches,
}

impl Session {
    /// Sets when commands pause at a throw (`None` by default).
    pub fn set_pause_on_exceptions(&mut self, p: PauseOnExceptions) {
        self.pause_on_exceptions = p;
    }

    pub fn pause_on_exceptions(&self) -> PauseOnExceptions {
        self.pause_on_exceptions
    }

    /// The stop a command makes before the next instruction, if that is a throw the setting
    /// pauses at. The hot part (setting off, or not a throw) is two comparisons.
    #[inline]
    pub(super) fn exception_pause(&mut self) -> Option<StopReason> {
        if self.pause_on_exceptions == PauseOnExceptions::None {
            return None;
        }
        let f = self.machine.frames.last()?;
        if !matches!(f.code.instrs.get(f.pc as usize), Some(Instr::Exn(_))) {
            return None;
        }
        self.exception_pause_at_throw()
    }

    #[cold]
    #[inline(never)]
    fn exception_pause_at_throw(&mut self) -> Option<StopReason> {
        let e = self.pending_exception()?;
        self.pause_on_exceptions.pauses(e.caught).then(|| StopReason::Exception(std::rc::Rc::new(e)))
    }

    /// The exception the next instruction throws, if it is a `throw`, `throw_ref` or
    /// `rethrow` (whatever the pause setting; `None` for a `throw_ref` of null, which traps):
    /// its tag, payload and the handler that will catch it. Nothing is changed.
    pub fn pending_exception(&mut self) -> Option<ExceptionStop> {
        let f = self.machine.frames.last()?;
        let Some(&Instr::Exn(e)) = f.code.instrs.get(f.pc as usize) else { return None };
        let inst = f.instance as usize;
        let cells = self.machine.stack.as_slice();
        let existing = |r: u64| r.checked_sub(1).and_then(|x| self.store.exception(x as u32));
        let (kind, tag, payload) = match e {
            Exn::Throw(t) => {
                let tag = *self.store.instances.get(inst)?.tags.get(t as usize)?;
                let params = &self.store.types[self.store.tags[tag as usize].ty as usize].params;
                let n = ValType::cells_of(params);
                let top = cells.get(cells.len().checked_sub(n)?..)?;
                let mut at = 0;
                let payload = params
                    .iter()
                    .map(|&t| {
                        let v = Value::from_cells(t, top.get(at..).unwrap_or(&[]));
                        at += t.cells();
                        v
                    })
                    .collect();
                (ThrowKind::Throw, tag, payload)
            }
            Exn::ThrowRef => {
                let (tag, payload) = existing(*cells.last()?)?;
                (ThrowKind::ThrowRef, tag, payload)
            }
            Exn::Rethrow(cell) => {
                let (tag, payload) = existing(*cells.get(f.fp as usize + cell as usize)?)?;
                (ThrowKind::Rethrow, tag, payload)
            }
        };
        let (index, name) = tag_label(&self.store, inst, tag).unwrap_or((tag, None));
        let landing = self.machine.landing_of(&self.store, e);
        let handler = match landing {
            Some(l) => {
                let lf = self.machine.frames.get(l.frame)?.clone();
                let info = self.info_at(lf.func).ok()?;
                let c = l.clause;
                let returns = c.pc == RETURN_PC;
                let offset = if returns {
                    info.lines.last().map_or(0, |l| l.offset)
                } else {
                    lf.code.offsets.get(c.pc as usize).copied().unwrap_or(0)
                };
                let tag_text = c.tag.and_then(|t| {
                    let addr = *self.store.instances.get(lf.instance as usize)?.tags.get(t as usize)?;
                    Some(match tag_label(&self.store, lf.instance as usize, addr) {
                        Some((_, Some(n))) => n,
                        _ => t.to_string(),
                    })
                });
                let clause = match (tag_text, c.push_ref) {
                    (Some(t), false) => format!("catch {t}"),
                    (Some(t), true) => format!("catch_ref {t}"),
                    (None, false) => "catch_all".to_string(),
                    (None, true) => "catch_all_ref".to_string(),
                };
                Some(HandlerView {
                    frame: l.frame,
                    func: info.index,
                    func_name: info.name.clone(),
                    offset,
                    returns,
                    clause,
                })
            }
            None => None,
        };
        Some(ExceptionStop {
            kind,
            tag: index,
            tag_name: name.unwrap_or_else(|| format!("tag {index}")),
            payload,
            caught: handler.is_some(),
            handler,
        })
    }

    /// What the throw the session is paused on does to frame `k` (0 is the outermost):
    /// `None` unless paused on an exception.
    pub fn unwinding(&self, k: usize) -> Option<Unwinding> {
        let StopReason::Exception(e) = &self.stop else { return None };
        if k >= self.machine.frames.len() {
            return None;
        }
        match &e.handler {
            Some(h) if h.frame == k => Some(Unwinding::Catches),
            Some(h) if k < h.frame => None,
            _ => Some(Unwinding::Unwound),
        }
    }
}
