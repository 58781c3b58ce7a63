//! Translation of one function body from wasm bytes to [`Code`]: branch targets resolved
//! to instruction indices, stack adjustments (drop/keep) precomputed, one internal
//! instruction (at least) per wasm instruction, each mapped back to its byte offset.
//!
//! The body was validated when the module was loaded; translation runs wasmparser's
//! validator again in lock-step only to learn the operand-stack height before each
//! instruction, which is what the drop/keep of a branch needs.

mod exn;
mod fuse;

use crate::decode::{Module, body_validator};
use crate::error::{Error, Result};
use crate::ir::{
    Atomic, BrCast, Bulk, Code, DropKeep, Exn, Gc, Handler, Instr, LoadOp, Mem, MemArg, RETURN_PC, RmwOp, Simd,
    SimdBin, SimdExtract, SimdLane, SimdLoad, SimdReplace, SimdShift, SimdSplat, SimdTern, SimdTest, SimdUn, StoreOp,
    Target, Wide, for_each_plain, for_each_simd,
};
use crate::value::ValType;
use wasmparser::{BlockType, Operator};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Func,
    Block,
    Loop,
    If,
    Else,
    /// `try_table` (exception handling).
    TryTable,
    /// A legacy `try`'s body, then (once a `catch` or `catch_all` is read) its catch bodies.
    Try,
    Catch,
}

/// A control frame of the translator.
struct Ctrl {
    kind: Kind,
    /// Was the construct itself reached? (If not, nothing inside is emitted.)
    live: bool,
    /// Operand height below the block's parameters.
    height: u32,
    params: u32,
    results: u32,
    /// For loops: the first instruction of the body (branch target).
    loop_pc: u32,
    /// Branch instructions to patch with "after the `end`".
    exits: Vec<usize>,
    /// `if`/`else` jumps to patch with the pc of the `end` marker.
    to_end: Vec<usize>,
    /// `try_table`, legacy `try`: its handler in `Translator::handlers`.
    handler: Option<usize>,
    /// Catch clauses (handler, clause) that land after this block's `end` (to patch).
    catch_exits: Vec<(usize, usize)>,
    /// Cells of the operands below the block's parameters (a legacy `catch` lands there).
    base_cells: u32,
    /// A legacy `try`: the hidden local cell its `catch`es keep the exception in.
    hidden: u32,
}

impl Ctrl {
    /// Arity of a branch to this frame's label.
    fn label_arity(&self) -> u32 {
        if self.kind == Kind::Loop { self.params } else { self.results }
    }
}

struct Translator<'m> {
    module: &'m Module,
    instrs: Vec<Instr>,
    offsets: Vec<u32>,
    ctrl: Vec<Ctrl>,
    /// Is the current instruction reachable?
    reachable: bool,
    /// Operand-stack height before the current instruction (from the validator).
    height: u32,
    /// Byte offset of the current instruction.
    offset: u32,
    /// The first cell of each local (parameters first) and whether it is a v128.
    local_cells: Vec<(u32, bool)>,
    /// `v128.const` values and `i8x16.shuffle` lane indices, for `Code::v128s`.
    v128s: Vec<u128>,
    /// Can a v128 be on the operand stack (a `Simd` instruction or a call returning one was
    /// emitted)? If not, the height in cells is the height in values.
    wide: bool,
    /// `Code::memargs`.
    memargs: Vec<MemArg>,
    /// `Code::handlers`, in the order their blocks begin (sorted innermost first at the end).
    handlers: Vec<Handler>,
    /// Cells of the parameters and declared locals: the legacy `try`s' hidden locals follow.
    locals_end: u32,
    /// Hidden local cells so far (one per legacy `try`).
    hidden: u32,
    /// `Code::casts` and `Code::br_casts`.
    casts: Vec<u64>,
    br_casts: Vec<BrCast>,
    /// Has the module a struct or array type with a v128 field (a `Gc` instruction may push
    /// one)?
    gc_wide: bool,
}

type Validator = wasmparser::FuncValidator<wasmparser::ValidatorResources>;

/// The cells `count` operands take from depth `from` (0 is the top) down, before the
/// current instruction.
fn cells(v: &Validator, from: u32, count: u32) -> u32 {
    (from..from + count)
        .map(|d| match v.get_operand_type(d as usize) {
            Some(Some(wasmparser::ValType::V128)) => 2,
            _ => 1,
        })
        .sum()
}

/// Is the operand at `depth` (0 is the top) a v128?
fn is_v128(v: &Validator, depth: u32) -> bool {
    matches!(v.get_operand_type(depth as usize), Some(Some(wasmparser::ValType::V128)))
}

/// The memory a memory operand names.
fn memory_of(m: &wasmparser::MemArg) -> u32 {
    match m.target {
        wasmparser::MemArgTarget::Memory(i) => i,
        // Arrays' memargs (a GC proposal) are not accepted by validation.
        _ => u32::MAX,
    }
}

fn internal(what: &str) -> Error {
    Error::Decode { message: format!("internal translation error: {what}"), offset: None }
}

/// Translates defined function `def` of `module`.
pub fn translate(module: &Module, def: u32) -> Result<Code> {
    let (mut validator, body) = body_validator(module, def)?;
    let index = module.num_imported_funcs + def;
    let ty = module.func_type(index).ok_or_else(|| internal("no type"))?;

    let mut num_locals = 0u32;
    let mut local_cells: Vec<(u32, bool)> = Vec::new();
    let mut next_cell = 0u32;
    let mut add_locals = |count: u32, wide: bool, cells: &mut Vec<(u32, bool)>| -> Result<u32> {
        let size = 1 + u32::from(wide);
        for _ in 0..count {
            cells.push((next_cell, wide));
            next_cell = next_cell.checked_add(size).ok_or_else(|| internal("too many locals"))?;
        }
        count.checked_mul(size).ok_or_else(|| internal("too many locals"))
    };
    let mut num_params = 0u32;
    for p in &ty.params {
        num_params += add_locals(1, *p == crate::value::ValType::V128, &mut local_cells)?;
    }
    let mut locals = body.get_locals_reader()?;
    for _ in 0..locals.get_count() {
        let offset = locals.original_position();
        let (count, ty) = locals.read()?;
        validator.define_locals(offset, count, ty)?;
        let n = add_locals(count, ty == wasmparser::ValType::V128, &mut local_cells)?;
        num_locals = num_locals.checked_add(n).ok_or_else(|| internal("too many locals"))?;
    }
    let mut t = Translator {
        module,
        instrs: Vec::new(),
        offsets: Vec::new(),
        ctrl: vec![Ctrl {
            kind: Kind::Func,
            live: true,
            height: 0,
            params: 0,
            results: ty.results.len() as u32,
            loop_pc: 0,
            exits: Vec::new(),
            to_end: Vec::new(),
            handler: None,
            catch_exits: Vec::new(),
            base_cells: 0,
            hidden: 0,
        }],
        reachable: true,
        height: 0,
        offset: 0,
        local_cells,
        v128s: Vec::new(),
        wide: false,
        memargs: Vec::new(),
        handlers: Vec::new(),
        locals_end: num_params + num_locals,
        hidden: 0,
        casts: Vec::new(),
        br_casts: Vec::new(),
        gc_wide: module.sub_types.iter().any(|t| match &t.composite {
            crate::value::CompositeType::Struct(fs) => fs.iter().any(|f| f.storage.unpacked() == ValType::V128),
            crate::value::CompositeType::Array(f) => f.storage.unpacked() == ValType::V128,
            crate::value::CompositeType::Func(_) => false,
        }),
    };
    let mut max_height = 0;
    let mut ops = body.get_operators_reader()?;
    while !ops.eof() {
        let offset = ops.original_position();
        let op = ops.read()?;
        t.height = validator.operand_stack_height();
        t.offset = offset as u32;
        t.op(&op, &validator)?;
        validator.op(offset, &op)?;
        max_height = max_height.max(validator.operand_stack_height());
    }
    ops.finish()?;
    // Innermost first: a handler's body ends before (or, empty, where) the bodies around it
    // end.
    t.handlers.sort_by_key(|h| (h.end, std::cmp::Reverse(h.start)));
    let mut code = Code {
        instrs: t.instrs,
        offsets: t.offsets,
        num_params,
        num_results: crate::value::ValType::cells_of(&ty.results) as u32,
        // The legacy `try`s' hidden locals are locals too (zeroed on entry).
        num_locals: num_locals + t.hidden,
        // In cells: at most two per value when a v128 can be on the stack.
        max_height: if t.wide { max_height.saturating_mul(2) } else { max_height },
        v128s: t.v128s,
        memargs: t.memargs,
        handlers: t.handlers,
        casts: t.casts,
        br_casts: t.br_casts,
    };
    fuse::fuse(&mut code);
    Ok(code)
}

impl Translator<'_> {
    fn emit(&mut self, i: Instr) {
        let returns_v128 =
            |f: Option<&crate::value::FuncType>| f.is_some_and(|t| t.results.contains(&crate::value::ValType::V128));
        self.wide |= match i {
            Instr::Simd(_) => true,
            Instr::Gc(_) => self.gc_wide,
            Instr::Call(f) => returns_v128(self.module.func_type(f)),
            Instr::CallIndirect { ty, .. } | Instr::CallRef(ty) => returns_v128(self.module.types.get(ty as usize)),
            _ => false,
        };
        self.instrs.push(i);
        self.offsets.push(self.offset);
    }

    fn pc(&self) -> u32 {
        self.instrs.len() as u32
    }

    fn block_arity(&self, bt: BlockType) -> Result<(u32, u32)> {
        Ok(match bt {
            BlockType::Empty => (0, 0),
            BlockType::Type(_) => (0, 1),
            BlockType::FuncType(i) => {
                let t = self.module.types.get(i as usize).ok_or_else(|| internal("block type"))?;
                (t.params.len() as u32, t.results.len() as u32)
            }
        })
    }

    fn push_ctrl(&mut self, kind: Kind, bt: BlockType) -> Result<()> {
        let (params, results) = self.block_arity(bt)?;
        let live = self.reachable;
        self.ctrl.push(Ctrl {
            kind,
            live,
            height: self.height.saturating_sub(params + u32::from(kind == Kind::If)),
            params,
            results,
            loop_pc: 0,
            exits: Vec::new(),
            to_end: Vec::new(),
            handler: None,
            catch_exits: Vec::new(),
            base_cells: 0,
            hidden: 0,
        });
        Ok(())
    }

    /// The branch target for relative depth `depth` when `popped` operands (a condition,
    /// an index) are consumed by the branch instruction itself. Returns `None` for a branch
    /// to the function's label (which is a return).
    /// `drop` and `keep` are in cells (`v` gives the operands' types).
    fn target(&mut self, v: &Validator, depth: u32, popped: u32) -> Result<Option<(usize, DropKeep)>> {
        let i = self.ctrl.len().checked_sub(depth as usize + 1).ok_or_else(|| internal("branch depth"))?;
        let c = &self.ctrl[i];
        if c.kind == Kind::Func {
            return Ok(None);
        }
        let keep = c.label_arity();
        let h = self.height - popped;
        let drop = h.checked_sub(keep + c.height).ok_or_else(|| internal("stack height"))?;
        Ok(Some((i, DropKeep { drop: cells(v, popped + keep, drop), keep: cells(v, popped, keep) })))
    }

    /// The first cell of local `i`, and whether it is a v128.
    fn local(&self, i: u32) -> (u32, bool) {
        self.local_cells.get(i as usize).copied().unwrap_or((i, false))
    }

    /// Emits a branch-like instruction to `depth`, registering it for patching.
    fn branch(&mut self, v: &Validator, depth: u32, popped: u32, make: fn(Target) -> Instr) -> Result<()> {
        match self.target(v, depth, popped)? {
            // A branch to the function's label is a return.
            None => self.emit(if popped == 0 { Instr::Return } else { Instr::ReturnIf }),
            Some((i, dk)) => {
                let pc = self.pc() as usize;
                let c = &mut self.ctrl[i];
                let target = if c.kind == Kind::Loop { c.loop_pc } else { u32::MAX };
                if c.kind != Kind::Loop {
                    c.exits.push(pc);
                }
                self.emit(make(Target { pc: target, dk }));
            }
        }
        Ok(())
    }

    /// Emits `br_on_null`/`br_on_non_null` (`popped`: 1 if the reference is popped before
    /// the branch); a branch to the function's label gets a [`RETURN_PC`] target.
    fn branch_on(&mut self, v: &Validator, depth: u32, popped: u32, make: fn(Target) -> Instr) -> Result<()> {
        match self.target(v, depth, popped)? {
            None => self.emit(make(Target { pc: RETURN_PC, dk: DropKeep::default() })),
            Some(_) => self.branch(v, depth, popped, make)?,
        }
        Ok(())
    }

    /// Puts a cast's target type in `Code::casts`: its index there.
    fn cast(&mut self, nullable: bool, hty: wasmparser::HeapType) -> Result<u32> {
        let r = wasmparser::RefType::new(nullable, hty).ok_or_else(|| internal("reference type"))?;
        let ValType::Ref(r) = self.module.val_type(wasmparser::ValType::Ref(r))? else {
            return Err(internal("reference type"));
        };
        self.casts.push(r.to_bits());
        Ok(self.casts.len() as u32 - 1)
    }

    /// Emits `br_on_cast` (`fail: false`) or `br_on_cast_fail`: the reference stays on the
    /// stack, the branch keeps it; a branch to the function's label returns.
    fn br_on_cast(&mut self, v: &Validator, depth: u32, to: wasmparser::RefType, fail: bool) -> Result<()> {
        let ValType::Ref(r) = self.module.val_type(wasmparser::ValType::Ref(to))? else {
            return Err(internal("reference type"));
        };
        let target = match self.target(v, depth, 0)? {
            None => Target { pc: RETURN_PC, dk: DropKeep::default() },
            Some((i, dk)) => {
                let pc = self.pc() as usize;
                let c = &mut self.ctrl[i];
                let target = if c.kind == Kind::Loop { c.loop_pc } else { u32::MAX };
                if c.kind != Kind::Loop {
                    c.exits.push(pc);
                }
                Target { pc: target, dk }
            }
        };
        self.br_casts.push(BrCast { target, to: r.to_bits(), fail });
        self.emit(Instr::BrOnCast(self.br_casts.len() as u32 - 1));
        Ok(())
    }

    fn global_is_v128(&self, g: u32) -> bool {
        self.module.globals.get(g as usize).is_some_and(|t| t.ty == crate::value::ValType::V128)
    }

    /// Is memory `mem` 64-bit (memory64)?
    fn is_64(&self, mem: u32) -> bool {
        self.module.memories.get(mem as usize).is_some_and(|m| m.memory64)
    }

    /// Puts a memory operand in `Code::memargs`: its index there.
    fn memarg(&mut self, m: wasmparser::MemArg) -> u32 {
        self.memargs.push(MemArg { mem: memory_of(&m), offset: m.offset });
        self.memargs.len() as u32 - 1
    }

    fn patch(&mut self, at: usize, pc: u32) {
        if let Instr::BrOnCast(i) = self.instrs[at] {
            // (Its target is in the side table.)
            self.br_casts[i as usize].target.pc = pc;
        } else if let Some(target) = self.instrs[at].target_mut() {
            *target = pc;
        }
    }

    fn op(&mut self, op: &Operator<'_>, v: &Validator) -> Result<()> {
        use Operator as O;
        // Structured control is tracked even in unreachable code; nothing else is emitted there.
        match *op {
            O::Block { blockty } => {
                self.push_ctrl(Kind::Block, blockty)?;
                if self.reachable {
                    self.emit(Instr::Block);
                }
                return Ok(());
            }
            O::Loop { blockty } => {
                self.push_ctrl(Kind::Loop, blockty)?;
                if self.reachable {
                    self.emit(Instr::Loop);
                }
                let pc = self.pc();
                if let Some(c) = self.ctrl.last_mut() {
                    c.loop_pc = pc;
                }
                return Ok(());
            }
            O::If { blockty } => {
                self.push_ctrl(Kind::If, blockty)?;
                if self.reachable {
                    let pc = self.pc() as usize;
                    self.emit(Instr::If { else_pc: u32::MAX });
                    if let Some(c) = self.ctrl.last_mut() {
                        c.to_end.push(pc);
                    }
                }
                return Ok(());
            }
            O::Else => {
                let live = self.ctrl.last().is_some_and(|c| c.live);
                if live {
                    let if_site = self.ctrl.last_mut().and_then(|c| c.to_end.pop());
                    if self.reachable {
                        let pc = self.pc() as usize;
                        self.emit(Instr::Else { end_pc: u32::MAX });
                        if let Some(c) = self.ctrl.last_mut() {
                            c.to_end.push(pc);
                        }
                    }
                    // The false arm of the `if` starts here.
                    let start = self.pc();
                    if let Some(site) = if_site {
                        self.patch(site, start);
                    }
                    self.reachable = true;
                }
                if let Some(c) = self.ctrl.last_mut() {
                    c.kind = Kind::Else;
                }
                return Ok(());
            }
            O::TryTable { ref try_table } => return self.try_table(try_table, v),
            O::Try { blockty } => return self.try_(blockty, v),
            O::Catch { tag_index } => return self.catch(Some(tag_index), v),
            O::CatchAll => return self.catch(None, v),
            O::Delegate { relative_depth } => return self.delegate(relative_depth, v),
            O::End => {
                self.end_handler();
                let c = self.ctrl.pop().ok_or_else(|| internal("unbalanced end"))?;
                if c.kind == Kind::Func {
                    // The function's own `end` returns (when reachable).
                    if self.reachable {
                        self.emit(Instr::Return);
                    }
                    return Ok(());
                }
                if c.live {
                    let end_pc = self.pc();
                    self.emit(Instr::End);
                    for at in c.to_end {
                        self.patch(at, end_pc);
                    }
                    for at in c.exits {
                        self.patch(at, end_pc + 1);
                    }
                    for (h, k) in c.catch_exits {
                        self.patch_catch(h, k, end_pc + 1);
                    }
                    self.reachable = true;
                }
                return Ok(());
            }
            _ => {}
        }
        if !self.reachable {
            return Ok(());
        }
        let i = match *op {
            O::Unreachable => {
                self.emit(Instr::Unreachable);
                self.reachable = false;
                return Ok(());
            }
            O::Nop => Instr::Nop,
            O::Br { relative_depth } => {
                self.branch(v, relative_depth, 0, Instr::Br)?;
                self.reachable = false;
                return Ok(());
            }
            O::BrIf { relative_depth } => {
                return self.branch(v, relative_depth, 1, Instr::BrIf);
            }
            O::BrTable { ref targets } => {
                let len = targets.len();
                self.emit(Instr::BrTable { len });
                let depths: Vec<u32> = targets.targets().chain([Ok(targets.default())]).collect::<Result<_, _>>()?;
                for d in depths {
                    match self.target(v, d, 1)? {
                        None => self.emit(Instr::BrTableTarget(Target { pc: RETURN_PC, dk: DropKeep::default() })),
                        Some((i, dk)) => {
                            let pc = self.pc() as usize;
                            let c = &mut self.ctrl[i];
                            let target = if c.kind == Kind::Loop { c.loop_pc } else { u32::MAX };
                            if c.kind != Kind::Loop {
                                c.exits.push(pc);
                            }
                            self.emit(Instr::BrTableTarget(Target { pc: target, dk }));
                        }
                    }
                }
                self.reachable = false;
                return Ok(());
            }
            O::Return => {
                self.emit(Instr::Return);
                self.reachable = false;
                return Ok(());
            }
            O::Throw { tag_index } => return self.throw(Exn::Throw(tag_index), v),
            O::ThrowRef => return self.throw(Exn::ThrowRef, v),
            O::Rethrow { relative_depth } => {
                let i = self.ctrl.len().checked_sub(relative_depth as usize + 1).ok_or_else(|| internal("rethrow"))?;
                let cell = self.ctrl[i].hidden;
                return self.throw(Exn::Rethrow(cell), v);
            }
            O::Call { function_index } => Instr::Call(function_index),
            O::ReturnCall { function_index } => {
                self.emit(Instr::ReturnCall(function_index));
                self.reachable = false;
                return Ok(());
            }
            O::ReturnCallIndirect { type_index, table_index } => {
                self.emit(Instr::ReturnCallIndirect { ty: type_index, table: table_index });
                self.reachable = false;
                return Ok(());
            }
            O::CallIndirect { type_index, table_index } => Instr::CallIndirect { ty: type_index, table: table_index },
            O::CallRef { type_index } => Instr::CallRef(type_index),
            O::ReturnCallRef { type_index } => {
                self.emit(Instr::ReturnCallRef(type_index));
                self.reachable = false;
                return Ok(());
            }
            // (A branch to the function's label returns: its target's `pc` is `RETURN_PC`.)
            O::BrOnNull { relative_depth } => return self.branch_on(v, relative_depth, 1, Instr::BrOnNull),
            O::BrOnNonNull { relative_depth } => return self.branch_on(v, relative_depth, 0, Instr::BrOnNonNull),
            // A v128 (two cells) moves through the `Simd` family's forms.
            O::Drop if is_v128(v, 0) => Instr::Simd(Simd::Drop),
            O::Drop => Instr::Drop,
            O::Select | O::TypedSelect { .. } if is_v128(v, 1) => Instr::Simd(Simd::Select),
            O::Select | O::TypedSelect { .. } => Instr::Select,
            O::LocalGet { local_index } => match self.local(local_index) {
                (x, true) => Instr::Simd(Simd::LocalGet(x)),
                (x, false) => Instr::LocalGet(x),
            },
            O::LocalSet { local_index } => match self.local(local_index) {
                (x, true) => Instr::Simd(Simd::LocalSet(x)),
                (x, false) => Instr::LocalSet(x),
            },
            O::LocalTee { local_index } => match self.local(local_index) {
                (x, true) => Instr::Simd(Simd::LocalTee(x)),
                (x, false) => Instr::LocalTee(x),
            },
            O::V128Const { value } => {
                self.v128s.push(value.i128() as u128);
                Instr::Simd(Simd::Const(self.v128s.len() as u32 - 1))
            }
            O::I8x16Shuffle { lanes } => {
                self.v128s.push(u128::from_le_bytes(lanes));
                Instr::Simd(Simd::Shuffle(self.v128s.len() as u32 - 1))
            }
            O::GlobalGet { global_index } if self.global_is_v128(global_index) => {
                Instr::Simd(Simd::GlobalGet(global_index))
            }
            O::GlobalSet { global_index } if self.global_is_v128(global_index) => {
                Instr::Simd(Simd::GlobalSet(global_index))
            }
            O::GlobalGet { global_index } => Instr::GlobalGet(global_index),
            O::GlobalSet { global_index } => Instr::GlobalSet(global_index),
            O::TableGet { table } => Instr::Bulk(Bulk::TableGet(table)),
            O::TableSet { table } => Instr::Bulk(Bulk::TableSet(table)),
            O::TableSize { table } => Instr::Bulk(Bulk::TableSize(table)),
            O::TableGrow { table } => Instr::Bulk(Bulk::TableGrow(table)),
            O::TableFill { table } => Instr::Bulk(Bulk::TableFill(table)),
            O::TableCopy { dst_table, src_table } => Instr::Bulk(Bulk::TableCopy { dst: dst_table, src: src_table }),
            O::TableInit { elem_index, table } => Instr::Bulk(Bulk::TableInit { table, elem: elem_index }),
            O::ElemDrop { elem_index } => Instr::Bulk(Bulk::ElemDrop(elem_index)),
            O::MemorySize { mem } => Instr::Bulk(Bulk::MemorySize(mem)),
            O::MemoryGrow { mem } => Instr::Bulk(Bulk::MemoryGrow(mem)),
            O::MemoryFill { mem } => Instr::Bulk(Bulk::MemoryFill(mem)),
            O::MemoryCopy { dst_mem, src_mem } => Instr::Bulk(Bulk::MemoryCopy { dst: dst_mem, src: src_mem }),
            O::MemoryInit { data_index, mem } => Instr::Bulk(Bulk::MemoryInit { mem, data: data_index }),
            O::DataDrop { data_index } => Instr::Bulk(Bulk::DataDrop(data_index)),
            O::I64Add128 => Instr::Wide(Wide::I64Add128),
            O::I64Sub128 => Instr::Wide(Wide::I64Sub128),
            O::I64MulWideS => Instr::Wide(Wide::I64MulWideS),
            O::I64MulWideU => Instr::Wide(Wide::I64MulWideU),
            O::AtomicFence { .. } => Instr::Atomic(Atomic::Fence),
            O::MemoryAtomicNotify { memarg } => Instr::Atomic(Atomic::Notify(self.memarg(memarg))),
            O::MemoryAtomicWait32 { memarg } => Instr::Atomic(Atomic::Wait32(self.memarg(memarg))),
            O::MemoryAtomicWait64 { memarg } => Instr::Atomic(Atomic::Wait64(self.memarg(memarg))),
            O::I32AtomicLoad { memarg } => Instr::Atomic(Atomic::Load(LoadOp::U32, self.memarg(memarg))),
            O::I64AtomicLoad { memarg } => Instr::Atomic(Atomic::Load(LoadOp::U64, self.memarg(memarg))),
            O::I32AtomicLoad8U { memarg } => Instr::Atomic(Atomic::Load(LoadOp::U8, self.memarg(memarg))),
            O::I32AtomicLoad16U { memarg } => Instr::Atomic(Atomic::Load(LoadOp::U16, self.memarg(memarg))),
            O::I64AtomicLoad8U { memarg } => Instr::Atomic(Atomic::Load(LoadOp::U8, self.memarg(memarg))),
            O::I64AtomicLoad16U { memarg } => Instr::Atomic(Atomic::Load(LoadOp::U16, self.memarg(memarg))),
            O::I64AtomicLoad32U { memarg } => Instr::Atomic(Atomic::Load(LoadOp::U32, self.memarg(memarg))),
            O::I32AtomicStore { memarg } => Instr::Atomic(Atomic::Store(StoreOp::B4, self.memarg(memarg))),
            O::I64AtomicStore { memarg } => Instr::Atomic(Atomic::Store(StoreOp::B8, self.memarg(memarg))),
            O::I32AtomicStore8 { memarg } => Instr::Atomic(Atomic::Store(StoreOp::B1, self.memarg(memarg))),
            O::I32AtomicStore16 { memarg } => Instr::Atomic(Atomic::Store(StoreOp::B2, self.memarg(memarg))),
            O::I64AtomicStore8 { memarg } => Instr::Atomic(Atomic::Store(StoreOp::B1, self.memarg(memarg))),
            O::I64AtomicStore16 { memarg } => Instr::Atomic(Atomic::Store(StoreOp::B2, self.memarg(memarg))),
            O::I64AtomicStore32 { memarg } => Instr::Atomic(Atomic::Store(StoreOp::B4, self.memarg(memarg))),
            O::I32AtomicRmwAdd { memarg } => Instr::Atomic(Atomic::Rmw(RmwOp::Add, StoreOp::B4, self.memarg(memarg))),
            O::I32AtomicRmwSub { memarg } => Instr::Atomic(Atomic::Rmw(RmwOp::Sub, StoreOp::B4, self.memarg(memarg))),
            O::I32AtomicRmwAnd { memarg } => Instr::Atomic(Atomic::Rmw(RmwOp::And, StoreOp::B4, self.memarg(memarg))),
            O::I32AtomicRmwOr { memarg } => Instr::Atomic(Atomic::Rmw(RmwOp::Or, StoreOp::B4, self.memarg(memarg))),
            O::I32AtomicRmwXor { memarg } => Instr::Atomic(Atomic::Rmw(RmwOp::Xor, StoreOp::B4, self.memarg(memarg))),
            O::I32AtomicRmwXchg { memarg } => Instr::Atomic(Atomic::Rmw(RmwOp::Xchg, StoreOp::B4, self.memarg(memarg))),
            O::I32AtomicRmwCmpxchg { memarg } => Instr::Atomic(Atomic::Cmpxchg(StoreOp::B4, self.memarg(memarg))),
            O::I64AtomicRmwAdd { memarg } => Instr::Atomic(Atomic::Rmw(RmwOp::Add, StoreOp::B8, self.memarg(memarg))),
            O::I64AtomicRmwSub { memarg } => Instr::Atomic(Atomic::Rmw(RmwOp::Sub, StoreOp::B8, self.memarg(memarg))),
            O::I64AtomicRmwAnd { memarg } => Instr::Atomic(Atomic::Rmw(RmwOp::And, StoreOp::B8, self.memarg(memarg))),
            O::I64AtomicRmwOr { memarg } => Instr::Atomic(Atomic::Rmw(RmwOp::Or, StoreOp::B8, self.memarg(memarg))),
            O::I64AtomicRmwXor { memarg } => Instr::Atomic(Atomic::Rmw(RmwOp::Xor, StoreOp::B8, self.memarg(memarg))),
            O::I64AtomicRmwXchg { memarg } => Instr::Atomic(Atomic::Rmw(RmwOp::Xchg, StoreOp::B8, self.memarg(memarg))),
            O::I64AtomicRmwCmpxchg { memarg } => Instr::Atomic(Atomic::Cmpxchg(StoreOp::B8, self.memarg(memarg))),
            O::I32AtomicRmw8AddU { memarg } => Instr::Atomic(Atomic::Rmw(RmwOp::Add, StoreOp::B1, self.memarg(memarg))),
            O::I32AtomicRmw8SubU { memarg } => Instr::Atomic(Atomic::Rmw(RmwOp::Sub, StoreOp::B1, self.memarg(memarg))),
            O::I32AtomicRmw8AndU { memarg } => Instr::Atomic(Atomic::Rmw(RmwOp::And, StoreOp::B1, self.memarg(memarg))),
            O::I32AtomicRmw8OrU { memarg } => Instr::Atomic(Atomic::Rmw(RmwOp::Or, StoreOp::B1, self.memarg(memarg))),
            O::I32AtomicRmw8XorU { memarg } => Instr::Atomic(Atomic::Rmw(RmwOp::Xor, StoreOp::B1, self.memarg(memarg))),
            O::I32AtomicRmw8XchgU { memarg } => {
                Instr::Atomic(Atomic::Rmw(RmwOp::Xchg, StoreOp::B1, self.memarg(memarg)))
            }
            O::I32AtomicRmw8CmpxchgU { memarg } => Instr::Atomic(Atomic::Cmpxchg(StoreOp::B1, self.memarg(memarg))),
            O::I32AtomicRmw16AddU { memarg } => {
                Instr::Atomic(Atomic::Rmw(RmwOp::Add, StoreOp::B2, self.memarg(memarg)))
            }
            O::I32AtomicRmw16SubU { memarg } => {
                Instr::Atomic(Atomic::Rmw(RmwOp::Sub, StoreOp::B2, self.memarg(memarg)))
            }
            O::I32AtomicRmw16AndU { memarg } => {
                Instr::Atomic(Atomic::Rmw(RmwOp::And, StoreOp::B2, self.memarg(memarg)))
            }
            O::I32AtomicRmw16OrU { memarg } => Instr::Atomic(Atomic::Rmw(RmwOp::Or, StoreOp::B2, self.memarg(memarg))),
            O::I32AtomicRmw16XorU { memarg } => {
                Instr::Atomic(Atomic::Rmw(RmwOp::Xor, StoreOp::B2, self.memarg(memarg)))
            }
            O::I32AtomicRmw16XchgU { memarg } => {
                Instr::Atomic(Atomic::Rmw(RmwOp::Xchg, StoreOp::B2, self.memarg(memarg)))
            }
            O::I32AtomicRmw16CmpxchgU { memarg } => Instr::Atomic(Atomic::Cmpxchg(StoreOp::B2, self.memarg(memarg))),
            O::I64AtomicRmw8AddU { memarg } => Instr::Atomic(Atomic::Rmw(RmwOp::Add, StoreOp::B1, self.memarg(memarg))),
            O::I64AtomicRmw8SubU { memarg } => Instr::Atomic(Atomic::Rmw(RmwOp::Sub, StoreOp::B1, self.memarg(memarg))),
            O::I64AtomicRmw8AndU { memarg } => Instr::Atomic(Atomic::Rmw(RmwOp::And, StoreOp::B1, self.memarg(memarg))),
            O::I64AtomicRmw8OrU { memarg } => Instr::Atomic(Atomic::Rmw(RmwOp::Or, StoreOp::B1, self.memarg(memarg))),
            O::I64AtomicRmw8XorU { memarg } => Instr::Atomic(Atomic::Rmw(RmwOp::Xor, StoreOp::B1, self.memarg(memarg))),
            O::I64AtomicRmw8XchgU { memarg } => {
                Instr::Atomic(Atomic::Rmw(RmwOp::Xchg, StoreOp::B1, self.memarg(memarg)))
            }
            O::I64AtomicRmw8CmpxchgU { memarg } => Instr::Atomic(Atomic::Cmpxchg(StoreOp::B1, self.memarg(memarg))),
            O::I64AtomicRmw16AddU { memarg } => {
                Instr::Atomic(Atomic::Rmw(RmwOp::Add, StoreOp::B2, self.memarg(memarg)))
            }
            O::I64AtomicRmw16SubU { memarg } => {
                Instr::Atomic(Atomic::Rmw(RmwOp::Sub, StoreOp::B2, self.memarg(memarg)))
            }
            O::I64AtomicRmw16AndU { memarg } => {
                Instr::Atomic(Atomic::Rmw(RmwOp::And, StoreOp::B2, self.memarg(memarg)))
            }
            O::I64AtomicRmw16OrU { memarg } => Instr::Atomic(Atomic::Rmw(RmwOp::Or, StoreOp::B2, self.memarg(memarg))),
            O::I64AtomicRmw16XorU { memarg } => {
                Instr::Atomic(Atomic::Rmw(RmwOp::Xor, StoreOp::B2, self.memarg(memarg)))
            }
            O::I64AtomicRmw16XchgU { memarg } => {
                Instr::Atomic(Atomic::Rmw(RmwOp::Xchg, StoreOp::B2, self.memarg(memarg)))
            }
            O::I64AtomicRmw16CmpxchgU { memarg } => Instr::Atomic(Atomic::Cmpxchg(StoreOp::B2, self.memarg(memarg))),
            O::I64AtomicRmw32AddU { memarg } => {
                Instr::Atomic(Atomic::Rmw(RmwOp::Add, StoreOp::B4, self.memarg(memarg)))
            }
            O::I64AtomicRmw32SubU { memarg } => {
                Instr::Atomic(Atomic::Rmw(RmwOp::Sub, StoreOp::B4, self.memarg(memarg)))
            }
            O::I64AtomicRmw32AndU { memarg } => {
                Instr::Atomic(Atomic::Rmw(RmwOp::And, StoreOp::B4, self.memarg(memarg)))
            }
            O::I64AtomicRmw32OrU { memarg } => Instr::Atomic(Atomic::Rmw(RmwOp::Or, StoreOp::B4, self.memarg(memarg))),
            O::I64AtomicRmw32XorU { memarg } => {
                Instr::Atomic(Atomic::Rmw(RmwOp::Xor, StoreOp::B4, self.memarg(memarg)))
            }
            O::I64AtomicRmw32XchgU { memarg } => {
                Instr::Atomic(Atomic::Rmw(RmwOp::Xchg, StoreOp::B4, self.memarg(memarg)))
            }
            O::I64AtomicRmw32CmpxchgU { memarg } => Instr::Atomic(Atomic::Cmpxchg(StoreOp::B4, self.memarg(memarg))),
            O::I32Const { value } => Instr::I32Const(value),
            O::I64Const { value } => Instr::I64Const(value),
            O::F32Const { value } => Instr::F32Const(value.bits()),
            O::F64Const { value } => Instr::F64Const(value.bits()),
            O::RefNull { .. } => Instr::RefNull,
            // GC.
            O::StructNew { struct_type_index: t } => Instr::Gc(Gc::StructNew(t)),
            O::StructNewDefault { struct_type_index: t } => Instr::Gc(Gc::StructNewDefault(t)),
            O::StructGet { struct_type_index: ty, field_index: field } => Instr::Gc(Gc::StructGet { ty, field }),
            O::StructGetS { struct_type_index: ty, field_index: field } => Instr::Gc(Gc::StructGetS { ty, field }),
            O::StructGetU { struct_type_index: ty, field_index: field } => Instr::Gc(Gc::StructGetU { ty, field }),
            O::StructSet { struct_type_index: ty, field_index: field } => Instr::Gc(Gc::StructSet { ty, field }),
            O::ArrayNew { array_type_index: t } => Instr::Gc(Gc::ArrayNew(t)),
            O::ArrayNewDefault { array_type_index: t } => Instr::Gc(Gc::ArrayNewDefault(t)),
            O::ArrayNewFixed { array_type_index: ty, array_size: n } => Instr::Gc(Gc::ArrayNewFixed { ty, n }),
            O::ArrayNewData { array_type_index: ty, array_data_index: data } => {
                Instr::Gc(Gc::ArrayNewData { ty, data })
            }
            O::ArrayNewElem { array_type_index: ty, array_elem_index: elem } => {
                Instr::Gc(Gc::ArrayNewElem { ty, elem })
            }
            O::ArrayGet { array_type_index: t } => Instr::Gc(Gc::ArrayGet(t)),
            O::ArrayGetS { array_type_index: t } => Instr::Gc(Gc::ArrayGetS(t)),
            O::ArrayGetU { array_type_index: t } => Instr::Gc(Gc::ArrayGetU(t)),
            O::ArraySet { array_type_index: t } => Instr::Gc(Gc::ArraySet(t)),
            O::ArrayLen => Instr::Gc(Gc::ArrayLen),
            O::ArrayFill { array_type_index: t } => Instr::Gc(Gc::ArrayFill(t)),
            O::ArrayCopy { array_type_index_dst: dst, array_type_index_src: src } => {
                Instr::Gc(Gc::ArrayCopy { dst, src })
            }
            O::ArrayInitData { array_type_index: ty, array_data_index: data } => {
                Instr::Gc(Gc::ArrayInitData { ty, data })
            }
            O::ArrayInitElem { array_type_index: ty, array_elem_index: elem } => {
                Instr::Gc(Gc::ArrayInitElem { ty, elem })
            }
            O::RefI31 => Instr::Gc(Gc::RefI31),
            O::I31GetS => Instr::Gc(Gc::I31GetS),
            O::I31GetU => Instr::Gc(Gc::I31GetU),
            O::RefEq => Instr::Gc(Gc::RefEq),
            O::AnyConvertExtern => Instr::Gc(Gc::AnyConvertExtern),
            O::ExternConvertAny => Instr::Gc(Gc::ExternConvertAny),
            O::RefTestNonNull { hty } => Instr::Gc(Gc::RefTest(self.cast(false, hty)?)),
            O::RefTestNullable { hty } => Instr::Gc(Gc::RefTest(self.cast(true, hty)?)),
            O::RefCastNonNull { hty } => Instr::Gc(Gc::RefCast(self.cast(false, hty)?)),
            O::RefCastNullable { hty } => Instr::Gc(Gc::RefCast(self.cast(true, hty)?)),
            O::BrOnCast { relative_depth, to_ref_type, .. } => {
                return self.br_on_cast(v, relative_depth, to_ref_type, false);
            }
            O::BrOnCastFail { relative_depth, to_ref_type, .. } => {
                return self.br_on_cast(v, relative_depth, to_ref_type, true);
            }
            O::RefFunc { function_index } => Instr::RefFunc(function_index),
            ref other => match plain_memarg(other) {
                // Memory 0 of 32 bits: the hot arms, with the offset as immediate.
                Some((make, m)) if memory_of(&m) == 0 && !self.is_64(0) => make(m.offset as u32),
                // Any other memory, or a 64-bit one: the `Mem` family.
                Some((make, m)) => {
                    let i = make(0);
                    let arg = self.memarg(m);
                    match (LoadOp::of(&i), StoreOp::of(&i)) {
                        (Some((k, _)), _) => Instr::Mem(Mem::Load(k, arg)),
                        (_, Some((k, _))) => Instr::Mem(Mem::Store(k, arg)),
                        _ => return Err(internal("memory instruction")),
                    }
                }
                None => match plain_no_memarg(other) {
                    Some(i) => Some(i),
                    // SIMD (its memory operands in `Code::memargs`).
                    None => simd(other, &mut |m| self.memarg(*m))?,
                }
                .ok_or_else(|| Error::Unsupported(format!("instruction {}", crate::text::mnemonic(other))))?,
            },
        };
        self.emit(i);
        Ok(())
    }
}

/// Makes `plain`: the operators whose instruction has the same name and whose only
/// immediate, if any, is a load's or store's static offset (every one of the list's groups
/// but `other` and `fused`).
macro_rules! plain_ops {
    (fused $_f:tt loads [$($l:ident $_lk:ident)*] stores [$($s:ident $_sk:ident)*]
     free [$($x:ident)*] un [$($u:ident)*] bin [$($b:ident)*] un_trap [$($uq:ident)*] bin_trap [$($bq:ident)*]) => {
        /// A load or store of the list: how to make its instruction from a 32-bit static
        /// offset, and its memory operand.
        /// (Inlined: its `match` joins the translator's, one jump table instead of two.)
        #[inline(always)]
        fn plain_memarg(op: &Operator<'_>) -> Option<(fn(u32) -> Instr, wasmparser::MemArg)> {
            use Operator as O;
            Some(match *op {
                $( O::$l { memarg } => (Instr::$l, memarg), )*
                $( O::$s { memarg } => (Instr::$s, memarg), )*
                _ => return None,
            })
        }

        #[inline(always)]
        fn plain_no_memarg(op: &Operator<'_>) -> Option<Instr> {
            use Operator as O;
            Some(match *op {
                $( O::$x => Instr::$x, )*
                $( O::$u => Instr::$u, )*
                $( O::$b => Instr::$b, )*
                $( O::$uq => Instr::$uq, )*
                $( O::$bq => Instr::$bq, )*
                _ => return None,
            })
        }
    };
}
for_each_plain!(plain_ops);

/// Makes `simd`: the SIMD operators of the list in `ir/simd.rs` (by shape), and the lane loads
/// and stores.
macro_rules! simd_ops {
    (
        load { $( $l:ident $_ld:tt ; )* }
        splat { $( $sp:ident $_spd:tt ; )* }
        extract { $( $ex:ident $_exd:tt ; )* }
        replace { $( $re:ident $_red:tt ; )* }
        un { $( $u:ident $_ud:tt ; )* }
        bin { $( $b:ident $_bd:tt ; )* }
        tern { $( $t:ident $_td:tt ; )* }
        test { $( $q:ident $_qd:tt ; )* }
        shift { $( $sh:ident $_shd:tt ; )* }
    ) => {
        /// The `Simd` instruction of a SIMD operator with no side-table immediate, if it is one.
        /// `arg` puts a memory operand in `Code::memargs` and gives its index there.
        fn simd(op: &Operator<'_>, arg: &mut dyn FnMut(&wasmparser::MemArg) -> u32) -> Result<Option<Instr>> {
            use Operator as O;
            Ok(Some(Instr::Simd(match *op {
                $( O::$l { ref memarg } => Simd::Load { op: SimdLoad::$l, arg: arg(memarg) }, )*
                O::V128Store { ref memarg } => Simd::Store(arg(memarg)),
                O::V128Load8Lane { ref memarg, lane: l } => Simd::LoadLane { op: SimdLane::L8, lane: l, arg: arg(memarg) },
                O::V128Load16Lane { ref memarg, lane: l } => Simd::LoadLane { op: SimdLane::L16, lane: l, arg: arg(memarg) },
                O::V128Load32Lane { ref memarg, lane: l } => Simd::LoadLane { op: SimdLane::L32, lane: l, arg: arg(memarg) },
                O::V128Load64Lane { ref memarg, lane: l } => Simd::LoadLane { op: SimdLane::L64, lane: l, arg: arg(memarg) },
                O::V128Store8Lane { ref memarg, lane: l } => Simd::StoreLane { op: SimdLane::L8, lane: l, arg: arg(memarg) },
                O::V128Store16Lane { ref memarg, lane: l } => Simd::StoreLane { op: SimdLane::L16, lane: l, arg: arg(memarg) },
                O::V128Store32Lane { ref memarg, lane: l } => Simd::StoreLane { op: SimdLane::L32, lane: l, arg: arg(memarg) },
                O::V128Store64Lane { ref memarg, lane: l } => Simd::StoreLane { op: SimdLane::L64, lane: l, arg: arg(memarg) },
                $( O::$sp => Simd::Splat(SimdSplat::$sp), )*
                $( O::$ex { lane } => Simd::Extract { op: SimdExtract::$ex, lane }, )*
                $( O::$re { lane } => Simd::Replace { op: SimdReplace::$re, lane }, )*
                $( O::$u => Simd::Un(SimdUn::$u), )*
                $( O::$b => Simd::Bin(SimdBin::$b), )*
                $( O::$t => Simd::Tern(SimdTern::$t), )*
                $( O::$q => Simd::Test(SimdTest::$q), )*
                $( O::$sh => Simd::Shift(SimdShift::$sh), )*
                _ => return Ok(None),
            })))
        }
    };
}
for_each_simd!(simd_ops);
