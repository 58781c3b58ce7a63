//! Exception handling: `throw`, `throw_ref`, `try_table` and the legacy `try`/`catch`/
//! `catch_all`/`delegate`/`rethrow`. A handler is not an instruction but an entry of
//! `Code::handlers` (the pcs of its body and where each clause lands), so the code that
//! throws nothing runs as it did: `try_table` and `try` are `Block` markers, a `catch`
//! reached from the code before it is an `Else` (to the `end`), `delegate` an `End`.

use super::{Ctrl, Kind, Translator, Validator, cells, internal};
use crate::error::Result;
use crate::ir::{CatchClause, Exn, Handler, HandlerKind, Instr, RETURN_PC};
use wasmparser::{BlockType, Catch, TryTable};

impl Translator<'_> {
    /// Does tag `tag`'s payload hold a v128 (two cells)?
    fn tag_is_wide(&self, tag: u32) -> bool {
        self.module.tag_type(tag).is_some_and(|t| t.params.contains(&crate::value::ValType::V128))
    }

    /// `throw`, `throw_ref`, `rethrow`: the rest of the block is unreachable.
    pub(super) fn throw(&mut self, e: Exn, _v: &Validator) -> Result<()> {
        if let Exn::Throw(tag) = e {
            self.wide |= self.tag_is_wide(tag);
        }
        self.emit(Instr::Exn(e));
        self.reachable = false;
        Ok(())
    }

    /// Opens a block for `try_table`/`try` (its marker emitted when reachable) with a
    /// handler whose body starts after the marker.
    fn open(&mut self, kind: Kind, bt: BlockType, v: &Validator, clauses: Vec<CatchClause>) -> Result<usize> {
        self.push_ctrl(kind, bt)?;
        let live = self.reachable;
        let c = self.ctrl.last().ok_or_else(|| internal("try"))?;
        let (height, params) = (c.height, c.params);
        let base_cells = cells(v, params, height);
        if live {
            self.emit(Instr::Block);
        }
        let depth = self.ctrl.len() as u32 - 1;
        let start = self.pc();
        self.handlers.push(Handler { start, end: start, depth, kind: HandlerKind::Catch(clauses) });
        let h = self.handlers.len() - 1;
        let c = self.ctrl.last_mut().ok_or_else(|| internal("try"))?;
        c.handler = Some(h);
        c.base_cells = base_cells;
        Ok(h)
    }

    pub(super) fn try_table(&mut self, t: &TryTable, v: &Validator) -> Result<()> {
        // The clauses' labels count from the blocks around the `try_table`.
        let n = self.ctrl.len();
        let mut clauses = Vec::with_capacity(t.catches.len());
        let mut exits = Vec::new();
        for (k, catch) in t.catches.iter().enumerate() {
            let (tag, push_ref, label) = match *catch {
                Catch::One { tag, label } => (Some(tag), false, label),
                Catch::OneRef { tag, label } => (Some(tag), true, label),
                Catch::All { label } => (None, false, label),
                Catch::AllRef { label } => (None, true, label),
            };
            if let Some(tag) = tag {
                self.wide |= self.tag_is_wide(tag);
            }
            let i = n.checked_sub(label as usize + 1).ok_or_else(|| internal("catch label"))?;
            let c: &Ctrl = &self.ctrl[i];
            // Unwound to the label's height, the values pushed, then a branch to the label.
            let height = cells(v, self.height - c.height.min(self.height), c.height.min(self.height));
            let pc = match c.kind {
                Kind::Func => RETURN_PC,
                Kind::Loop => c.loop_pc,
                _ => {
                    exits.push((i, k));
                    u32::MAX
                }
            };
            clauses.push(CatchClause { tag, push_ref, pc, height, local: None });
        }
        let h = self.open(Kind::TryTable, t.ty, v, clauses)?;
        for (i, k) in exits {
            self.ctrl[i].catch_exits.push((h, k));
        }
        Ok(())
    }

    /// Legacy `try`: a hidden local for its `catch`es' exception (`rethrow` reads it).
    pub(super) fn try_(&mut self, bt: BlockType, v: &Validator) -> Result<()> {
        self.open(Kind::Try, bt, v, Vec::new())?;
        let cell = self.locals_end + self.hidden;
        self.hidden += 1;
        if let Some(c) = self.ctrl.last_mut() {
            c.hidden = cell;
        }
        Ok(())
    }

    /// Legacy `catch tag` / `catch_all`: ends the `try` body (or the previous catch body),
    /// which goes on at the `end`; the catch body starts here with the payload pushed on the
    /// `try`'s base.
    pub(super) fn catch(&mut self, tag: Option<u32>, _v: &Validator) -> Result<()> {
        let c = self.ctrl.last().ok_or_else(|| internal("catch"))?;
        if !matches!(c.kind, Kind::Try | Kind::Catch) {
            return Err(internal("catch outside try"));
        }
        let (live, kind, h, base_cells, hidden) = (c.live, c.kind, c.handler, c.base_cells, c.hidden);
        if let Some(t) = tag {
            self.wide |= self.tag_is_wide(t);
        }
        let Some(h) = h else { return Err(internal("catch without handler")) };
        if kind == Kind::Try {
            self.handlers[h].end = self.pc();
        }
        if live {
            if self.reachable {
                let pc = self.pc() as usize;
                self.emit(Instr::Else { end_pc: u32::MAX });
                if let Some(c) = self.ctrl.last_mut() {
                    c.to_end.push(pc);
                }
            }
            let pc = self.pc();
            if let HandlerKind::Catch(clauses) = &mut self.handlers[h].kind {
                clauses.push(CatchClause { tag, push_ref: false, pc, height: base_cells, local: Some(hidden) });
            }
            self.reachable = true;
        }
        if let Some(c) = self.ctrl.last_mut() {
            c.kind = Kind::Catch;
        }
        Ok(())
    }

    /// Legacy `delegate l`: ends the `try` (as `end` does); what its body throws goes on to
    /// the handlers around label `l` (counted from the blocks around the `try`).
    pub(super) fn delegate(&mut self, depth: u32, v: &Validator) -> Result<()> {
        let c = self.ctrl.last().ok_or_else(|| internal("delegate"))?;
        if c.kind != Kind::Try {
            return Err(internal("delegate outside try"));
        }
        if let Some(h) = c.handler {
            let to = (self.ctrl.len() - 1).checked_sub(depth as usize + 1).ok_or_else(|| internal("delegate label"))?;
            self.handlers[h].end = self.pc();
            self.handlers[h].kind = HandlerKind::Delegate(to as u32);
        }
        // The rest is `end`'s.
        self.op(&wasmparser::Operator::End, v)
    }

    /// Before `end`: a `try_table`'s or catch-less `try`'s body ends here.
    pub(super) fn end_handler(&mut self) {
        let pc = self.pc();
        if let Some(c) = self.ctrl.last()
            && matches!(c.kind, Kind::TryTable | Kind::Try)
            && let Some(h) = c.handler
        {
            self.handlers[h].end = pc;
        }
    }

    /// A `try_table` clause that lands after the `end` of its label's block.
    pub(super) fn patch_catch(&mut self, h: usize, k: usize, pc: u32) {
        if let HandlerKind::Catch(clauses) = &mut self.handlers[h].kind
            && let Some(c) = clauses.get_mut(k)
        {
            c.pc = pc;
        }
    }
}
