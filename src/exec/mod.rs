//! The interpreter loop: one [`Machine`] with an explicit value stack and frame stack,
//! driven by a budget. `run(store, 1)` is a single step; there is no other loop.

mod call;
pub mod num;
pub(crate) mod ops;
pub mod stack;
#[cfg(not(target_arch = "wasm32"))]
pub(crate) mod threaded;

use crate::error::{Error, Result};
#[cfg(not(target_arch = "wasm32"))]
use crate::ir::StoreOp;
use crate::ir::{Code, DropKeep, Instr, LoadOp, RETURN_PC, Target};
use crate::runtime::{Caller, FuncKind, Limits, Store};
use crate::trap::{Trap, TrapCode};
use crate::value::{Raw, ValType, Value};
pub use call::{Call, Config};
use stack::ValueStack;
use std::rc::Rc;

/// Why `run` returned without finishing or trapping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PauseReason {
    /// The budget of instructions ran out; `run` again to continue.
    Budget,
}

/// The result of [`Machine::run`].
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Finished(Vec<Value>),
    Trapped(Trap),
    Paused(PauseReason),
}

/// One activation of a wasm function.
#[derive(Debug, Clone)]
pub struct Frame {
    pub code: Rc<Code>,
    /// Index into `code.instrs` of the next instruction to execute.
    pub pc: u32,
    /// Value-stack index of local 0 (parameters first, then declared locals).
    pub fp: u32,
    /// Store address of the function.
    pub func: u32,
    /// The instance the function belongs to.
    pub instance: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum State {
    Idle,
    Running,
    Done,
}

/// The mutable execution state of one call: value stack, frame stack, counters.
pub struct Machine {
    pub(crate) stack: ValueStack,
    pub(crate) frames: Vec<Frame>,
    limits: Limits,
    config: Config,
    pub(crate) results: Vec<ValType>,
    pub(crate) state: State,
    /// Results of a call that finished without running wasm (a host function).
    early: Option<Vec<Value>>,
    /// Instructions executed so far.
    pub executed: u64,
    /// When set, host functions record the old bytes of what they write to memory here
    /// (memory address, byte address, old bytes): the debugger's undo log.
    pub(crate) host_journal: Option<Vec<crate::runtime::HostEffect>>,
}

/// The compiled code of the wasm function at store address `func`, translating it on
/// first use.
pub(crate) fn code_of(store: &Store, func: u32) -> std::result::Result<Rc<Code>, Trap> {
    let FuncKind::Wasm { module, def, .. } = &store.funcs[func as usize].kind else {
        return Err(Trap::host("not a wasm function"));
    };
    let body = &module.bodies[*def as usize];
    body.code
        .get_or_init(|| crate::translate::translate(module, *def).map(Rc::new))
        .clone()
        .map_err(|e| Trap::host(format!("cannot translate function: {e}")))
}

impl Machine {
    /// A machine with the default [`Config`].
    pub fn new(limits: Limits) -> Machine {
        Machine::with_config(limits, Config::default())
    }

    pub fn with_config(limits: Limits, config: Config) -> Machine {
        Machine {
            stack: ValueStack::new(limits.max_stack_values),
            frames: Vec::new(),
            limits,
            config,
            results: Vec::new(),
            state: State::Idle,
            early: None,
            executed: 0,
            host_journal: None,
        }
    }

    /// Prepares a call of the function at store address `func`. Nothing is executed: for
    /// a wasm function the machine stops before its first instruction.
    pub fn start(&mut self, store: &mut Store, func: u32, args: &[Value]) -> Result<()> {
        let Some(f) = store.funcs.get(func as usize) else {
            return Err(Error::BadCall(format!("no function at address {func}")));
        };
        let ty = store.types[f.ty as usize].clone();
        if let Some(bad) = args.iter().find(|a| !store.valid_value(a)) {
            return Err(Error::BadCall(format!("argument {bad} names no function of this store")));
        }
        if args.len() != ty.params.len() || args.iter().zip(&ty.params).any(|(a, &t)| a.ty() != t) {
            let got: Vec<String> = args.iter().map(|a| a.ty().to_string()).collect();
            return Err(Error::BadCall(format!(
                "function expects ({}), got ({})",
                ty.params.iter().map(|t| t.name()).collect::<Vec<_>>().join(" "),
                got.join(" ")
            )));
        }
        self.frames.clear();
        self.stack.clear();
        self.executed = 0;
        self.results = ty.results.clone();
        self.early = None;
        self.state = State::Running;
        match &store.funcs[func as usize].kind {
            FuncKind::Host(h) => {
                let h = h.clone();
                let mut caller = Caller::new(None, None);
                match h(&mut caller, args).and_then(|v| check_host_results(store, &ty.results, v)) {
                    Ok(v) => self.early = Some(v),
                    Err(t) => {
                        self.state = State::Done;
                        return Err(Error::Trap(t));
                    }
                }
            }
            FuncKind::Wasm { instance, .. } => {
                let instance = *instance;
                let code = code_of(store, func)?;
                for a in args {
                    self.stack.push(a.to_raw())?;
                }
                self.push_frame(code, func, instance).map_err(Trap::new)?;
            }
        }
        Ok(())
    }

    /// Pushes a frame for `code` whose arguments are the top values of the stack.
    fn push_frame(&mut self, code: Rc<Code>, func: u32, instance: u32) -> std::result::Result<(), TrapCode> {
        if self.frames.len() >= self.limits.max_call_depth as usize {
            return Err(TrapCode::CallStackExhausted);
        }
        let sp = self.stack.sp;
        let fp = sp - code.num_params as usize;
        let locals_end = sp + code.num_locals as usize;
        self.stack.reserve(code.num_locals as usize + code.max_height as usize + 1)?;
        for cell in &mut self.stack.cells[sp..locals_end] {
            *cell = 0;
        }
        self.stack.sp = locals_end;
        self.frames.push(Frame { code, pc: 0, fp: fp as u32, func, instance });
        Ok(())
    }

    /// The engine settings this machine runs with.
    pub fn config(&self) -> Config {
        self.config
    }

    /// The frames, outermost first.
    pub fn frames(&self) -> &[Frame] {
        &self.frames
    }

    /// The whole value stack (locals of every frame and operands), bottom first.
    pub fn stack(&self) -> &[Raw] {
        self.stack.as_slice()
    }

    /// Undoes a single instruction that trapped (the debugger without history): the frame's
    /// position (a trapping `call` has already moved it past itself), the stack height and
    /// the count go back to before it. `at` is (frame count, pc) before the instruction.
    pub(crate) fn rewind_trap(&mut self, at: Option<(usize, u32)>, sp: usize, executed: u64) {
        let Some((depth, pc)) = at else { return };
        // A trapping instruction pushes no frame and pops none.
        if self.frames.len() == depth
            && let Some(f) = self.frames.last_mut()
        {
            f.pc = pc;
            self.stack.sp = sp;
            self.executed = executed;
            self.state = State::Running;
        }
    }

    /// Has the current call finished (or trapped)?
    pub fn is_done(&self) -> bool {
        self.state != State::Running
    }

    /// Runs at most `budget` instructions.
    pub fn run(&mut self, store: &mut Store, budget: u64) -> Outcome {
        if self.state != State::Running {
            return Outcome::Trapped(Trap::host("no call in progress"));
        }
        if let Some(v) = self.early.take() {
            self.state = State::Done;
            return Outcome::Finished(v);
        }
        let before = budget;
        let mut left = budget;
        let r = self.execute(store, &mut left);
        self.executed += before - left;
        match r {
            Ok(true) => {
                self.state = State::Done;
                let values =
                    self.results.iter().zip(self.stack.as_slice()).map(|(&t, &r)| Value::from_raw(t, r)).collect();
                Outcome::Finished(values)
            }
            Ok(false) => Outcome::Paused(PauseReason::Budget),
            Err(t) => {
                self.state = State::Done;
                Outcome::Trapped(t)
            }
        }
    }

    /// The loop. Returns `Ok(true)` when the outermost frame returned, `Ok(false)` when
    /// the budget ran out.
    fn execute(&mut self, store: &mut Store, budget_out: &mut u64) -> std::result::Result<bool, Trap> {
        // The budget lives in a register; every exit writes it back.
        let mut budget = *budget_out;
        let budget = &mut budget;
        macro_rules! exit {
            ($e:expr) => {{
                *budget_out = *budget;
                return $e;
            }};
        }
        'frames: loop {
            let Some(frame) = self.frames.last() else {
                exit!(Ok(true));
            };
            // SAFETY: the code of a function is owned by its module (`Body::code`), which the
            // store keeps alive for as long as any instance of it exists, i.e. for the whole
            // run; borrowing it through a raw pointer saves a reference-count round trip per
            // call and return.
            let code: &Code = unsafe { &*Rc::as_ptr(&frame.code) };
            let fp = frame.fp as usize;
            let inst_id = frame.instance as usize;
            let mut pc = frame.pc as usize;
            let mem = store.instances[inst_id].memories.first().copied().unwrap_or(u32::MAX) as usize;
            let mut sp = self.stack.sp;
            let stack = &mut self.stack.cells[..];
            let instrs = &code.instrs[..];

            // Operand and local accesses skip bounds checks: validation fixes every stack
            // height, and `push_frame` reserved `max_height` cells above the locals.
            macro_rules! cell {
                ($i:expr) => {{
                    let i: usize = $i;
                    debug_assert!(i < stack.len());
                    // SAFETY: see above; `i` is below the reserved height of this frame.
                    unsafe { *stack.get_unchecked(i) }
                }};
            }
            macro_rules! set_cell {
                ($i:expr, $v:expr) => {{
                    let i: usize = $i;
                    let v: Raw = $v;
                    debug_assert!(i < stack.len());
                    // SAFETY: as for `cell!`.
                    unsafe { *stack.get_unchecked_mut(i) = v }
                }};
            }
            macro_rules! pop {
                () => {{
                    sp -= 1;
                    cell!(sp)
                }};
            }
            macro_rules! push {
                ($v:expr) => {{
                    set_cell!(sp, $v);
                    sp += 1;
                }};
            }
            // Leave the loop: write back the position; `at` is the pc to store.
            macro_rules! save {
                ($at:expr) => {{
                    self.stack.sp = sp;
                    if let Some(f) = self.frames.last_mut() {
                        f.pc = $at as u32;
                    }
                }};
            }
            macro_rules! trap {
                ($code:expr) => {{
                    save!(pc - 1);
                    let f = self.frames.last().map(|f| f.func);
                    exit!(Err(Trap { code: $code, func: f, offset: code.offsets.get(pc - 1).copied(), detail: None }));
                }};
            }
            macro_rules! tri {
                ($e:expr) => {
                    match $e {
                        Ok(v) => v,
                        Err(c) => trap!(c),
                    }
                };
            }
            macro_rules! unop {
                ($from:ident, $to:ident, |$a:ident| $e:expr) => {{
                    let $a = $from(pop!());
                    push!($to($e))
                }};
            }
            // The operators of `ops`, one definition shared with the threaded handlers.
            macro_rules! un {
                ($t:ident) => {{
                    let a = pop!();
                    push!(<ops::$t as ops::Un>::eval(a))
                }};
            }
            macro_rules! bin {
                ($t:ident) => {{
                    let b = pop!();
                    let a = pop!();
                    push!(<ops::$t as ops::Bin>::eval(a, b))
                }};
            }
            macro_rules! binop {
                ($from:ident, $to:ident, |$a:ident, $b:ident| $e:expr) => {{
                    let $b = $from(pop!());
                    let $a = $from(pop!());
                    push!($to($e))
                }};
            }
            macro_rules! load {
                ($off:expr, $n:literal, |$bytes:ident| $e:expr) => {{
                    let addr = pop!() as u32;
                    let $bytes: [u8; $n] = tri!(store.memories[mem].load::<$n>(addr, $off));
                    push!($e)
                }};
            }
            macro_rules! store_ {
                ($off:expr, |$v:ident| $e:expr) => {{
                    let $v = pop!();
                    let addr = pop!() as u32;
                    tri!(store.memories[mem].store(addr, $off, $e))
                }};
            }
            macro_rules! branch {
                ($t:expr) => {{
                    let Target { pc: target, dk: DropKeep { drop, keep } } = $t;
                    if drop > 0 {
                        let (drop, keep) = (drop as usize, keep as usize);
                        if keep == 1 {
                            set_cell!(sp - 1 - drop, cell!(sp - 1));
                        } else {
                            stack.copy_within(sp - keep..sp, sp - keep - drop);
                        }
                        sp -= drop;
                    }
                    pc = target as usize;
                }};
            }

            // Enter a fused instruction standing for `n` originals, or fall through to them.
            macro_rules! fused {
                ($n:expr) => {{
                    if *budget < $n - 1 {
                        *budget += 1;
                        continue;
                    }
                    *budget -= $n - 1;
                }};
            }
            // `local.tee x` of a computed value: into the local and onto the stack.
            macro_rules! tee {
                ($x:expr, $v:expr) => {{
                    let v: Raw = $v;
                    set_cell!(fp + $x as usize, v);
                    push!(v);
                }};
            }
            // A fused form ending in a load from `addr`: pushes the value and skips its `$n`
            // originals; out of bounds, the state is as if all but the load had run, and the
            // load traps.
            macro_rules! fused_load {
                ($op:expr, $addr:expr, $offset:expr, $n:expr) => {{
                    let (addr, offset): (u32, u32) = ($addr, $offset);
                    let m = &store.memories[mem];
                    let v = match $op {
                        LoadOp::I32 => m.load::<4>(addr, offset).map(|b| u32::from_le_bytes(b) as u64),
                        LoadOp::I64 => m.load::<8>(addr, offset).map(u64::from_le_bytes),
                        LoadOp::I32U8 => m.load::<1>(addr, offset).map(|b| b[0] as u64),
                        LoadOp::I32S8 => m.load::<1>(addr, offset).map(|b| b[0] as i8 as i32 as u32 as u64),
                        LoadOp::I32U16 => m.load::<2>(addr, offset).map(|b| u16::from_le_bytes(b) as u64),
                        LoadOp::I32S16 => m.load::<2>(addr, offset).map(|b| i16::from_le_bytes(b) as i32 as u32 as u64),
                    };
                    pc += $n;
                    match v {
                        Ok(v) => push!(v),
                        Err(c) => {
                            push!(addr as u64);
                            trap!(c)
                        }
                    }
                }};
            }
            // A fused form ending in a store of `$v`'s low bytes at `addr` (the originals before
            // the store have run; `pc` is past them).
            #[cfg(not(target_arch = "wasm32"))]
            macro_rules! fused_store {
                ($op:expr, $addr:expr, $offset:expr, $v:expr) => {{
                    let (addr, offset, v): (u32, u32, Raw) = ($addr, $offset, $v);
                    let m = &mut store.memories[mem];
                    tri!(match $op {
                        StoreOp::B1 => m.store(addr, offset, [v as u8]),
                        StoreOp::B2 => m.store(addr, offset, (v as u16).to_le_bytes()),
                        StoreOp::B4 => m.store(addr, offset, (v as u32).to_le_bytes()),
                        StoreOp::B8 => m.store(addr, offset, v.to_le_bytes()),
                    })
                }};
            }
            macro_rules! return_ {
                () => {{
                    let n = code.num_results as usize;
                    if n == 1 {
                        set_cell!(fp, cell!(sp - 1));
                    } else {
                        stack.copy_within(sp - n..sp, fp);
                    }
                    self.stack.sp = fp + n;
                    self.frames.pop();
                    continue 'frames;
                }};
            }

            // The chain keeps the top value in a register and needs a cell under the
            // frame's operands to mirror when they are empty: a local, or a cell below.
            #[cfg(not(target_arch = "wasm32"))]
            let threaded_on = self.config.threaded && fp + code.num_params as usize + code.num_locals as usize > 0;
            #[cfg(not(target_arch = "wasm32"))]
            let slots: &[threaded::Slot] =
                if threaded_on { code.slots.get_or_init(|| threaded::link(instrs)) } else { &[] };
            loop {
                // The instructions the threaded handlers run go through them first; they stop
                // at any other instruction (which the `match` runs) or when the budget is out.
                // (A single step goes straight to the `match`: entering the chain costs more
                // than one instruction, and the debugger steps one at a time.)
                #[cfg(not(target_arch = "wasm32"))]
                if threaded_on && *budget > 1 && threaded::handles(&instrs[pc]) {
                    let (mem_ptr, mem_len) = match store.memories.get_mut(mem) {
                        Some(m) => (m.data_mut().as_mut_ptr(), m.data().len()),
                        None => (std::ptr::null_mut(), 0),
                    };
                    let base = stack.as_mut_ptr();
                    let code_ptr = slots.as_ptr();
                    let mut c = threaded::Ctx {
                        code: code_ptr,
                        mem: mem_ptr,
                        mem_len,
                        ip: code_ptr,
                        sp: base,
                        left: 0,
                        frames: &mut self.frames,
                        store: &*store,
                        base,
                        // SAFETY: one past the end of the cells.
                        end: unsafe { base.add(stack.len()) },
                        inst: inst_id as u32,
                        max_depth: self.limits.max_call_depth as usize,
                        switched: false,
                    };
                    let chunk = (*budget).min(threaded::CHAIN);
                    // SAFETY: `pc` is an instruction of this validated function, `fp` and
                    // `sp` this frame's locals and stack top, with the reserved cells above.
                    unsafe {
                        threaded::run(&mut c, code_ptr.add(pc), base.add(sp), base.add(fp), chunk);
                        pc = c.ip.offset_from(c.code) as usize;
                        sp = c.sp.offset_from(base) as usize;
                    }
                    *budget -= chunk - c.left;
                    if c.switched {
                        // A call or return in the chain: go on in the frame it left on top.
                        save!(pc);
                        continue 'frames;
                    }
                    if c.left == 0 {
                        continue;
                    }
                }
                if *budget == 0 {
                    save!(pc);
                    exit!(Ok(false));
                }
                *budget -= 1;
                debug_assert!(pc < instrs.len());
                // SAFETY: every path through translated code ends in a return, a branch or a
                // trap, so `pc` never runs past the end.
                let instr = unsafe { *instrs.get_unchecked(pc) };
                pc += 1;
                match instr {
                    Instr::Unreachable => trap!(TrapCode::Unreachable),
                    Instr::Nop | Instr::Block | Instr::Loop | Instr::End => {}
                    Instr::If { else_pc } => {
                        if pop!() as u32 == 0 {
                            pc = else_pc as usize;
                        }
                    }
                    Instr::Else { end_pc } => pc = end_pc as usize,
                    Instr::Br(t) => branch!(t),
                    Instr::BrIf(t) => {
                        if pop!() as u32 != 0 {
                            branch!(t)
                        }
                    }
                    Instr::BrTable { len } => {
                        let i = (pop!() as u32).min(len) as usize;
                        match instrs[pc + i] {
                            Instr::BrTableTarget(t) if t.pc == RETURN_PC => return_!(),
                            Instr::BrTableTarget(t) => branch!(t),
                            _ => trap!(TrapCode::Unreachable),
                        }
                    }
                    Instr::BrTableTarget(_) => trap!(TrapCode::Unreachable),
                    Instr::Return => return_!(),
                    Instr::ReturnIf => {
                        if pop!() as u32 != 0 {
                            return_!()
                        }
                    }
                    Instr::Call(idx) => {
                        let func = store.instances[inst_id].funcs[idx as usize];
                        save!(pc);
                        if let Err(t) = self.call(store, func, inst_id) {
                            exit!(Err(self.locate(t, pc - 1)));
                        }
                        continue 'frames;
                    }
                    Instr::CallIndirect { ty, table } => {
                        let i = pop!() as u32;
                        let inst = &store.instances[inst_id];
                        let table = inst.tables[table as usize] as usize;
                        let r = tri!(store.tables[table].get(i).map_err(|_| TrapCode::UndefinedElement));
                        if r == 0 {
                            trap!(TrapCode::UninitializedElement);
                        }
                        let func = (r - 1) as u32;
                        if store.funcs.get(func as usize).is_none_or(|f| f.ty != inst.types[ty as usize]) {
                            trap!(TrapCode::IndirectCallTypeMismatch);
                        }
                        save!(pc);
                        if let Err(t) = self.call(store, func, inst_id) {
                            exit!(Err(self.locate(t, pc - 1)));
                        }
                        continue 'frames;
                    }

                    Instr::Drop => sp -= 1,
                    Instr::Select => {
                        let c = pop!() as u32;
                        let b = pop!();
                        if c == 0 {
                            stack[sp - 1] = b;
                        }
                    }

                    Instr::LocalGet(i) => push!(cell!(fp + i as usize)),
                    Instr::LocalSet(i) => {
                        let v = pop!();
                        set_cell!(fp + i as usize, v)
                    }
                    Instr::LocalTee(i) => set_cell!(fp + i as usize, cell!(sp - 1)),
                    Instr::GlobalGet(i) => {
                        let g = store.instances[inst_id].globals[i as usize] as usize;
                        push!(store.globals[g].value)
                    }
                    Instr::GlobalSet(i) => {
                        let g = store.instances[inst_id].globals[i as usize] as usize;
                        store.globals[g].value = pop!();
                    }

                    Instr::TableGet(t) => {
                        let i = pop!() as u32;
                        let t = store.instances[inst_id].tables[t as usize] as usize;
                        push!(tri!(store.tables[t].get(i)))
                    }
                    Instr::TableSet(t) => {
                        let v = pop!();
                        let i = pop!() as u32;
                        let t = store.instances[inst_id].tables[t as usize] as usize;
                        tri!(store.tables[t].set(i, v))
                    }
                    Instr::TableSize(t) => {
                        let t = store.instances[inst_id].tables[t as usize] as usize;
                        push!(store.tables[t].size() as u64)
                    }
                    Instr::TableGrow(t) => {
                        let n = pop!() as u32;
                        let v = pop!();
                        let t = store.instances[inst_id].tables[t as usize] as usize;
                        push!(store.tables[t].grow(n, v).map_or(u32::MAX, |old| old) as u64)
                    }
                    Instr::TableFill(t) => {
                        let n = pop!() as u32;
                        let v = pop!();
                        let i = pop!() as u32;
                        let t = store.instances[inst_id].tables[t as usize] as usize;
                        tri!(store.tables[t].fill(i, v, n))
                    }
                    Instr::TableCopy { dst, src } => {
                        let n = pop!() as u32;
                        let s = pop!() as u32;
                        let d = pop!() as u32;
                        let inst = &store.instances[inst_id];
                        let (dt, st) = (inst.tables[dst as usize] as usize, inst.tables[src as usize] as usize);
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
                    Instr::TableInit { table, elem } => {
                        let n = pop!() as u32;
                        let s = pop!() as u32;
                        let d = pop!() as u32;
                        let inst = &store.instances[inst_id];
                        let seg = inst.elems[elem as usize].clone();
                        let t = inst.tables[table as usize] as usize;
                        let end = s as u64 + n as u64;
                        if end > seg.len() as u64 {
                            trap!(TrapCode::TableOutOfBounds);
                        }
                        tri!(store.tables[t].init(d, &seg[s as usize..end as usize]))
                    }
                    Instr::ElemDrop(e) => store.instances[inst_id].elems[e as usize] = Rc::new([]),

                    Instr::I32Load(o) => load!(o, 4, |b| u32::from_le_bytes(b) as u64),
                    Instr::I64Load(o) => load!(o, 8, |b| u64::from_le_bytes(b)),
                    Instr::F32Load(o) => load!(o, 4, |b| u32::from_le_bytes(b) as u64),
                    Instr::F64Load(o) => load!(o, 8, |b| u64::from_le_bytes(b)),
                    Instr::I32Load8S(o) => load!(o, 1, |b| b[0] as i8 as i32 as u32 as u64),
                    Instr::I32Load8U(o) => load!(o, 1, |b| b[0] as u64),
                    Instr::I32Load16S(o) => load!(o, 2, |b| i16::from_le_bytes(b) as i32 as u32 as u64),
                    Instr::I32Load16U(o) => load!(o, 2, |b| u16::from_le_bytes(b) as u64),
                    Instr::I64Load8S(o) => load!(o, 1, |b| b[0] as i8 as i64 as u64),
                    Instr::I64Load8U(o) => load!(o, 1, |b| b[0] as u64),
                    Instr::I64Load16S(o) => load!(o, 2, |b| i16::from_le_bytes(b) as i64 as u64),
                    Instr::I64Load16U(o) => load!(o, 2, |b| u16::from_le_bytes(b) as u64),
                    Instr::I64Load32S(o) => load!(o, 4, |b| i32::from_le_bytes(b) as i64 as u64),
                    Instr::I64Load32U(o) => load!(o, 4, |b| u32::from_le_bytes(b) as u64),
                    Instr::I32Store(o) | Instr::F32Store(o) => store_!(o, |v| (v as u32).to_le_bytes()),
                    Instr::I64Store(o) | Instr::F64Store(o) => store_!(o, |v| v.to_le_bytes()),
                    Instr::I32Store8(o) | Instr::I64Store8(o) => store_!(o, |v| [v as u8]),
                    Instr::I32Store16(o) | Instr::I64Store16(o) => store_!(o, |v| (v as u16).to_le_bytes()),
                    Instr::I64Store32(o) => store_!(o, |v| (v as u32).to_le_bytes()),
                    Instr::MemorySize => push!(store.memories[mem].pages() as u64),
                    Instr::MemoryGrow => {
                        let n = pop!() as u32;
                        push!(store.memories[mem].grow(n).unwrap_or(u32::MAX) as u64)
                    }
                    Instr::MemoryFill => {
                        let n = pop!() as u32;
                        let v = pop!() as u8;
                        let d = pop!() as u32;
                        tri!(store.memories[mem].fill(d, v, n))
                    }
                    Instr::MemoryCopy => {
                        let n = pop!() as u32;
                        let s = pop!() as u32;
                        let d = pop!() as u32;
                        tri!(store.memories[mem].copy_within(d, s, n))
                    }
                    Instr::MemoryInit(seg) => {
                        let n = pop!() as u32;
                        let s = pop!() as u32;
                        let d = pop!() as u32;
                        let data = store.instances[inst_id].datas[seg as usize].clone();
                        let end = s as u64 + n as u64;
                        if end > data.len() as u64 {
                            trap!(TrapCode::MemoryOutOfBounds);
                        }
                        tri!(store.memories[mem].write(d, &data[s as usize..end as usize]))
                    }
                    Instr::DataDrop(seg) => store.instances[inst_id].datas[seg as usize] = Rc::new([]),

                    Instr::I32Const(v) => push!(v as u32 as u64),
                    Instr::I64Const(v) => push!(v as u64),
                    Instr::F32Const(v) => push!(v as u64),
                    Instr::F64Const(v) => push!(v),
                    Instr::RefNull => push!(0),
                    Instr::RefIsNull => un!(RefIsNull),
                    Instr::RefFunc(f) => push!(store.instances[inst_id].funcs[f as usize] as u64 + 1),

                    // Fused instructions: taken only when the budget covers every original
                    // instruction they stand for (else `pc` already points at the first one).
                    Instr::FLLBin { op, a, b } => {
                        fused!(3);
                        push!(op.eval(cell!(fp + a as usize), cell!(fp + b as usize)));
                        pc += 3;
                    }
                    Instr::FLCBin { op, a, c } => {
                        fused!(3);
                        push!(op.eval(cell!(fp + a as usize), op.constant(c)));
                        pc += 3;
                    }
                    Instr::FCBin { op, c } => {
                        fused!(2);
                        let x = pop!();
                        push!(op.eval(x, c.get()));
                        pc += 2;
                    }
                    Instr::FBinSet { op, x } => {
                        fused!(2);
                        let b = pop!();
                        let a = pop!();
                        set_cell!(fp + x as usize, op.eval(a, b));
                        pc += 2;
                    }
                    Instr::FLLBinSet { op, a, b, x } => {
                        fused!(4);
                        set_cell!(fp + x as usize, op.eval(cell!(fp + a as usize), cell!(fp + b as usize)));
                        pc += 4;
                    }
                    Instr::FLCBinSet { op, a, c, x } => {
                        fused!(4);
                        set_cell!(fp + x as usize, op.eval(cell!(fp + a as usize), op.constant(c)));
                        pc += 4;
                    }
                    Instr::FLLCmpBrIf { op, a, b, target } => {
                        fused!(4);
                        if op.eval(cell!(fp + a as usize), cell!(fp + b as usize)) as u32 != 0 {
                            pc = target as usize;
                        } else {
                            pc += 4;
                        }
                    }
                    Instr::FLCCmpBrIf { op, a, c, target } => {
                        fused!(4);
                        if op.eval(cell!(fp + a as usize), op.constant(c)) as u32 != 0 {
                            pc = target as usize;
                        } else {
                            pc += 4;
                        }
                    }
                    Instr::FCCmpBrIf { op, c, target } => {
                        fused!(3);
                        let a = pop!();
                        if op.eval(a, c.get()) as u32 != 0 {
                            pc = target as usize;
                        } else {
                            pc += 3;
                        }
                    }
                    Instr::FCmpBrIf { op, target } => {
                        fused!(2);
                        let b = pop!();
                        let a = pop!();
                        if op.eval(a, b) as u32 != 0 {
                            pc = target as usize;
                        } else {
                            pc += 2;
                        }
                    }
                    Instr::FEqzBrIf { target } => {
                        fused!(2);
                        if pop!() as u32 == 0 {
                            pc = target as usize;
                        } else {
                            pc += 2;
                        }
                    }
                    Instr::FLocalBrIf { a, target } => {
                        fused!(2);
                        if cell!(fp + a as usize) as u32 != 0 {
                            pc = target as usize;
                        } else {
                            pc += 2;
                        }
                    }
                    Instr::FLocalCopy { a, x } => {
                        fused!(2);
                        set_cell!(fp + x as usize, cell!(fp + a as usize));
                        pc += 2;
                    }
                    Instr::FConstSet { c, x } => {
                        fused!(2);
                        set_cell!(fp + x as usize, c as u32 as u64);
                        pc += 2;
                    }
                    Instr::FSkip { n, to } => {
                        fused!(n as u64);
                        pc = to as usize;
                    }
                    Instr::FLBin { op, b } => {
                        fused!(2);
                        let x = pop!();
                        push!(op.eval(x, cell!(fp + b as usize)));
                        pc += 2;
                    }
                    Instr::FBinTee { op, x } => {
                        fused!(2);
                        let b = pop!();
                        let a = pop!();
                        tee!(x, op.eval(a, b));
                        pc += 2;
                    }
                    Instr::FLBinSet { op, b, x } => {
                        fused!(3);
                        let a = pop!();
                        set_cell!(fp + x as usize, op.eval(a, cell!(fp + b as usize)));
                        pc += 3;
                    }
                    Instr::FLBinTee { op, b, x } => {
                        fused!(3);
                        let a = pop!();
                        tee!(x, op.eval(a, cell!(fp + b as usize)));
                        pc += 3;
                    }
                    Instr::FLLBinTee { op, a, b, x } => {
                        fused!(4);
                        tee!(x, op.eval(cell!(fp + a as usize), cell!(fp + b as usize)));
                        pc += 4;
                    }
                    Instr::FLCBinTee { op, a, c, x } => {
                        fused!(4);
                        tee!(x, op.eval(cell!(fp + a as usize), op.constant(c)));
                        pc += 4;
                    }
                    Instr::FLLoad { op, a, offset } => {
                        fused!(2);
                        fused_load!(op, cell!(fp + a as usize) as u32, offset, 2);
                    }
                    Instr::FCLoad { op, c, offset } => {
                        fused!(2);
                        fused_load!(op, c as u32, offset, 2);
                    }
                    Instr::FLCAddLoad { op, a, c, offset } => {
                        fused!(4);
                        fused_load!(op, (cell!(fp + a as usize) as u32).wrapping_add(c as u32), offset, 4);
                    }
                    // Made in native builds only (see `translate::fuse::NATIVE`).
                    #[cfg(target_arch = "wasm32")]
                    Instr::FLStore { .. } | Instr::FCStore { .. } | Instr::FBinStore { .. } => {
                        trap!(TrapCode::Unreachable)
                    }
                    #[cfg(not(target_arch = "wasm32"))]
                    Instr::FLStore { op, v, offset } => {
                        fused!(2);
                        let addr = pop!() as u32;
                        pc += 2;
                        fused_store!(op, addr, offset, cell!(fp + v as usize))
                    }
                    #[cfg(not(target_arch = "wasm32"))]
                    Instr::FCStore { op, c, offset } => {
                        fused!(2);
                        let addr = pop!() as u32;
                        pc += 2;
                        fused_store!(op, addr, offset, c as i64 as u64)
                    }
                    #[cfg(not(target_arch = "wasm32"))]
                    Instr::FBinStore { op, sop, offset } => {
                        fused!(2);
                        let b = pop!();
                        let a = pop!();
                        let addr = pop!() as u32;
                        pc += 2;
                        fused_store!(sop, addr, offset, op.eval(a, b))
                    }
                    Instr::FLCmpBrIf { op, b, target } => {
                        fused!(3);
                        if op.eval(pop!(), cell!(fp + b as usize)) as u32 != 0 {
                            pc = target as usize;
                        } else {
                            pc += 3;
                        }
                    }

                    Instr::I32Eqz => un!(I32Eqz),
                    Instr::I32Eq => bin!(I32Eq),
                    Instr::I32Ne => bin!(I32Ne),
                    Instr::I32LtS => bin!(I32LtS),
                    Instr::I32LtU => bin!(I32LtU),
                    Instr::I32GtS => bin!(I32GtS),
                    Instr::I32GtU => bin!(I32GtU),
                    Instr::I32LeS => bin!(I32LeS),
                    Instr::I32LeU => bin!(I32LeU),
                    Instr::I32GeS => bin!(I32GeS),
                    Instr::I32GeU => bin!(I32GeU),
                    Instr::I64Eqz => un!(I64Eqz),
                    Instr::I64Eq => bin!(I64Eq),
                    Instr::I64Ne => bin!(I64Ne),
                    Instr::I64LtS => bin!(I64LtS),
                    Instr::I64LtU => bin!(I64LtU),
                    Instr::I64GtS => bin!(I64GtS),
                    Instr::I64GtU => bin!(I64GtU),
                    Instr::I64LeS => bin!(I64LeS),
                    Instr::I64LeU => bin!(I64LeU),
                    Instr::I64GeS => bin!(I64GeS),
                    Instr::I64GeU => bin!(I64GeU),
                    Instr::F32Eq => bin!(F32Eq),
                    Instr::F32Ne => bin!(F32Ne),
                    Instr::F32Lt => bin!(F32Lt),
                    Instr::F32Gt => bin!(F32Gt),
                    Instr::F32Le => bin!(F32Le),
                    Instr::F32Ge => bin!(F32Ge),
                    Instr::F64Eq => bin!(F64Eq),
                    Instr::F64Ne => bin!(F64Ne),
                    Instr::F64Lt => bin!(F64Lt),
                    Instr::F64Gt => bin!(F64Gt),
                    Instr::F64Le => bin!(F64Le),
                    Instr::F64Ge => bin!(F64Ge),

                    Instr::I32Clz => un!(I32Clz),
                    Instr::I32Ctz => un!(I32Ctz),
                    Instr::I32Popcnt => un!(I32Popcnt),
                    Instr::I32Add => bin!(I32Add),
                    Instr::I32Sub => bin!(I32Sub),
                    Instr::I32Mul => bin!(I32Mul),
                    Instr::I32DivS => binop!(r2i32, i322r, |a, b| tri!(num::i32_div_s(a, b))),
                    Instr::I32DivU => binop!(r2u32, u322r, |a, b| tri!(num::i32_div_u(a, b))),
                    Instr::I32RemS => binop!(r2i32, i322r, |a, b| tri!(num::i32_rem_s(a, b))),
                    Instr::I32RemU => binop!(r2u32, u322r, |a, b| tri!(num::i32_rem_u(a, b))),
                    Instr::I32And => bin!(I32And),
                    Instr::I32Or => bin!(I32Or),
                    Instr::I32Xor => bin!(I32Xor),
                    Instr::I32Shl => bin!(I32Shl),
                    Instr::I32ShrS => bin!(I32ShrS),
                    Instr::I32ShrU => bin!(I32ShrU),
                    Instr::I32Rotl => bin!(I32Rotl),
                    Instr::I32Rotr => bin!(I32Rotr),
                    Instr::I64Clz => un!(I64Clz),
                    Instr::I64Ctz => un!(I64Ctz),
                    Instr::I64Popcnt => un!(I64Popcnt),
                    Instr::I64Add => bin!(I64Add),
                    Instr::I64Sub => bin!(I64Sub),
                    Instr::I64Mul => bin!(I64Mul),
                    Instr::I64DivS => binop!(r2i64, i642r, |a, b| tri!(num::i64_div_s(a, b))),
                    Instr::I64DivU => binop!(id, id, |a, b| tri!(num::i64_div_u(a, b))),
                    Instr::I64RemS => binop!(r2i64, i642r, |a, b| tri!(num::i64_rem_s(a, b))),
                    Instr::I64RemU => binop!(id, id, |a, b| tri!(num::i64_rem_u(a, b))),
                    Instr::I64And => bin!(I64And),
                    Instr::I64Or => bin!(I64Or),
                    Instr::I64Xor => bin!(I64Xor),
                    Instr::I64Shl => bin!(I64Shl),
                    Instr::I64ShrS => bin!(I64ShrS),
                    Instr::I64ShrU => bin!(I64ShrU),
                    Instr::I64Rotl => bin!(I64Rotl),
                    Instr::I64Rotr => bin!(I64Rotr),

                    Instr::F32Abs => un!(F32Abs),
                    Instr::F32Neg => un!(F32Neg),
                    Instr::F32Ceil => un!(F32Ceil),
                    Instr::F32Floor => un!(F32Floor),
                    Instr::F32Trunc => un!(F32Trunc),
                    Instr::F32Nearest => un!(F32Nearest),
                    Instr::F32Sqrt => un!(F32Sqrt),
                    Instr::F32Add => bin!(F32Add),
                    Instr::F32Sub => bin!(F32Sub),
                    Instr::F32Mul => bin!(F32Mul),
                    Instr::F32Div => bin!(F32Div),
                    Instr::F32Min => bin!(F32Min),
                    Instr::F32Max => bin!(F32Max),
                    Instr::F32Copysign => bin!(F32Copysign),
                    Instr::F64Abs => un!(F64Abs),
                    Instr::F64Neg => un!(F64Neg),
                    Instr::F64Ceil => un!(F64Ceil),
                    Instr::F64Floor => un!(F64Floor),
                    Instr::F64Trunc => un!(F64Trunc),
                    Instr::F64Nearest => un!(F64Nearest),
                    Instr::F64Sqrt => un!(F64Sqrt),
                    Instr::F64Add => bin!(F64Add),
                    Instr::F64Sub => bin!(F64Sub),
                    Instr::F64Mul => bin!(F64Mul),
                    Instr::F64Div => bin!(F64Div),
                    Instr::F64Min => bin!(F64Min),
                    Instr::F64Max => bin!(F64Max),
                    Instr::F64Copysign => bin!(F64Copysign),

                    Instr::I32WrapI64 => un!(I32WrapI64),
                    Instr::I32TruncF32S => unop!(r2f32, i322r, |a| tri!(num::i32_trunc_f32_s(a))),
                    Instr::I32TruncF32U => unop!(r2f32, u322r, |a| tri!(num::i32_trunc_f32_u(a))),
                    Instr::I32TruncF64S => unop!(r2f64, i322r, |a| tri!(num::i32_trunc_f64_s(a))),
                    Instr::I32TruncF64U => unop!(r2f64, u322r, |a| tri!(num::i32_trunc_f64_u(a))),
                    Instr::I64ExtendI32S => un!(I64ExtendI32S),
                    Instr::I64ExtendI32U => un!(I64ExtendI32U),
                    Instr::I64TruncF32S => unop!(r2f32, i642r, |a| tri!(num::i64_trunc_f32_s(a))),
                    Instr::I64TruncF32U => unop!(r2f32, id, |a| tri!(num::i64_trunc_f32_u(a))),
                    Instr::I64TruncF64S => unop!(r2f64, i642r, |a| tri!(num::i64_trunc_f64_s(a))),
                    Instr::I64TruncF64U => unop!(r2f64, id, |a| tri!(num::i64_trunc_f64_u(a))),
                    Instr::F32ConvertI32S => un!(F32ConvertI32S),
                    Instr::F32ConvertI32U => un!(F32ConvertI32U),
                    Instr::F32ConvertI64S => un!(F32ConvertI64S),
                    Instr::F32ConvertI64U => un!(F32ConvertI64U),
                    Instr::F32DemoteF64 => un!(F32DemoteF64),
                    Instr::F64ConvertI32S => un!(F64ConvertI32S),
                    Instr::F64ConvertI32U => un!(F64ConvertI32U),
                    Instr::F64ConvertI64S => un!(F64ConvertI64S),
                    Instr::F64ConvertI64U => un!(F64ConvertI64U),
                    Instr::F64PromoteF32 => un!(F64PromoteF32),
                    // Reinterpretations are free: the cells are untyped bits already.
                    Instr::I32ReinterpretF32
                    | Instr::I64ReinterpretF64
                    | Instr::F32ReinterpretI32
                    | Instr::F64ReinterpretI64 => {}
                    Instr::I32Extend8S => un!(I32Extend8S),
                    Instr::I32Extend16S => un!(I32Extend16S),
                    Instr::I64Extend8S => un!(I64Extend8S),
                    Instr::I64Extend16S => un!(I64Extend16S),
                    Instr::I64Extend32S => un!(I64Extend32S),
                    // `as` from float to int saturates and maps NaN to 0: exactly trunc_sat.
                    Instr::I32TruncSatF32S => un!(I32TruncSatF32S),
                    Instr::I32TruncSatF32U => un!(I32TruncSatF32U),
                    Instr::I32TruncSatF64S => un!(I32TruncSatF64S),
                    Instr::I32TruncSatF64U => un!(I32TruncSatF64U),
                    Instr::I64TruncSatF32S => un!(I64TruncSatF32S),
                    Instr::I64TruncSatF32U => un!(I64TruncSatF32U),
                    Instr::I64TruncSatF64S => un!(I64TruncSatF64S),
                    Instr::I64TruncSatF64U => un!(I64TruncSatF64U),
                }
            }
        }
    }

    /// Fills in where a trap raised by a call happened, unless it already says.
    fn locate(&self, mut t: Trap, pc: usize) -> Trap {
        if let Some(f) = self.frames.last()
            && t.func.is_none()
        {
            t.func = Some(f.func);
            t.offset = f.code.offsets.get(pc).copied();
        }
        t
    }

    /// Performs a call from the current frame (whose state is saved): pushes a frame for a
    /// wasm callee, or runs a host callee to completion.
    fn call(&mut self, store: &mut Store, func: u32, caller_instance: usize) -> std::result::Result<(), Trap> {
        match &store.funcs[func as usize].kind {
            FuncKind::Wasm { instance, .. } => {
                let instance = *instance;
                let code = code_of(store, func)?;
                Ok(self.push_frame(code, func, instance)?)
            }
            FuncKind::Host(h) => {
                let h = h.clone();
                let ty = &store.types[store.funcs[func as usize].ty as usize];
                let n = ty.params.len();
                let base = self.stack.len() - n;
                let args: Vec<Value> = ty
                    .params
                    .iter()
                    .zip(&self.stack.as_slice()[base..])
                    .map(|(&t, &r)| Value::from_raw(t, r))
                    .collect();
                let results = ty.results.clone();
                self.stack.truncate(base);
                let mem = store.instances[caller_instance].memories.first().copied();
                let out = {
                    let memory = mem.map(|m| (m, &mut store.memories[m as usize]));
                    let mut caller = Caller::new(memory, self.host_journal.as_mut());
                    h(&mut caller, &args)?
                };
                let out = check_host_results(store, &results, out)?;
                for v in out {
                    self.stack.push(v.to_raw())?;
                }
                Ok(())
            }
        }
    }
}

/// A host function's results must match its signature and be valid in the store.
fn check_host_results(store: &Store, want: &[ValType], out: Vec<Value>) -> std::result::Result<Vec<Value>, Trap> {
    if out.len() != want.len() || out.iter().zip(want).any(|(v, &t)| v.ty() != t || !store.valid_value(v)) {
        return Err(Trap::host(format!(
            "host function returned ({}), expected ({})",
            out.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(" "),
            want.iter().map(|t| t.name()).collect::<Vec<_>>().join(" ")
        )));
    }
    Ok(out)
}

#[inline(always)]
fn id(r: Raw) -> u64 {
    r
}
#[inline(always)]
fn r2u32(r: Raw) -> u32 {
    r as u32
}
#[inline(always)]
fn r2i32(r: Raw) -> i32 {
    r as u32 as i32
}
#[inline(always)]
fn r2i64(r: Raw) -> i64 {
    r as i64
}
#[inline(always)]
fn r2f32(r: Raw) -> f32 {
    f32::from_bits(r as u32)
}
#[inline(always)]
fn r2f64(r: Raw) -> f64 {
    f64::from_bits(r)
}
#[inline(always)]
fn b2r(b: bool) -> Raw {
    b as u64
}
#[inline(always)]
fn u322r(v: u32) -> Raw {
    v as u64
}
#[inline(always)]
fn i322r(v: i32) -> Raw {
    v as u32 as u64
}
#[inline(always)]
fn i642r(v: i64) -> Raw {
    v as u64
}
#[inline(always)]
fn f322r(v: f32) -> Raw {
    v.to_bits() as u64
}
#[inline(always)]
fn f642r(v: f64) -> Raw {
    v.to_bits()
}
