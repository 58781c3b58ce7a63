//! The interpreter loop: one [`Machine`] with an explicit value stack and frame stack,
//! driven by a budget. `run(store, 1)` is a single step; there is no other loop.

mod call;
pub(crate) mod exn;
pub mod num;
pub(crate) mod ops;
pub mod stack;
#[cfg(not(target_arch = "wasm32"))]
pub(crate) mod threaded;
mod wide;

use crate::error::{Error, Result};
use crate::ir::{Code, DropKeep, Instr, Opcode, RETURN_PC, Target, for_each_plain};
use crate::runtime::{Caller, FuncKind, Limits, Store};
use crate::trap::{Trap, TrapCode};
use crate::value::{Raw, ValType, Value};
pub use call::{Call, Config};
use ops::Load as _;
#[cfg(not(target_arch = "wasm32"))]
use ops::Store as _;
use stack::ValueStack;
use std::rc::Rc;

/// `by_load_op!(op, |K| expr)`: `expr` with `K` the `ops` type of load kind `op`.
macro_rules! by_load_op {
    ($op:expr, |$K:ident| $e:expr) => {
        crate::ir::for_each_instr!(by_load_op_list($op, $K, $e))
    };
}
macro_rules! by_load_op_list {
    (
        ($op:expr, $K:ident, $e:expr)
        other $_o:tt fused $_f:tt families $_fam:tt load_kinds { $( $(#[$_a:meta])* $lk:ident $_d:tt ; )* } $($_rest:tt)*
    ) => {
        match $op {
            $( $crate::ir::LoadOp::$lk => {
                type $K = $crate::exec::ops::$lk;
                $e
            } )*
        }
    };
}
/// `by_store_op!(op, |K| expr)`: `expr` with `K` the `ops` type of store kind `op`.
macro_rules! by_store_op {
    ($op:expr, |$K:ident| $e:expr) => {
        crate::ir::for_each_instr!(by_store_op_list($op, $K, $e))
    };
}
macro_rules! by_store_op_list {
    (
        ($op:expr, $K:ident, $e:expr)
        other $_o:tt fused $_f:tt families $_fam:tt load_kinds $_lk:tt store_kinds { $( $(#[$_a:meta])* $sk:ident $_d:tt ; )* }
        $($_rest:tt)*
    ) => {
        match $op {
            $( $crate::ir::StoreOp::$sk => {
                type $K = $crate::exec::ops::$sk;
                $e
            } )*
        }
    };
}

/// `family_stack!($ stack sp)`: the operand macros of a family executor whose operands are
/// `stack[..sp]` and which returns `(sp, Result<(), TrapCode>)`: `pop!()`, `push!(raw)`,
/// `tri!(result)` (a trap returns with the height so far) and `trap!(code)`. (`$` is passed in
/// so that the inner macros can have arguments; rustfmt mis-indents `$d v`.)
#[rustfmt::skip]
macro_rules! family_stack {
    ($d:tt $stack:ident $sp:ident) => {
        #[allow(unused_macros)]
        macro_rules! pop {
            () => {{
                $sp -= 1;
                $stack[$sp]
            }};
        }
        #[allow(unused_macros)]
        macro_rules! push {
            ($d v:expr) => {{
                let v: Raw = $d v;
                $stack[$sp] = v;
                $sp += 1;
            }};
        }
        #[allow(unused_macros)]
        macro_rules! tri {
            ($d e:expr) => {
                match $d e {
                    Ok(v) => v,
                    Err(c) => return ($sp, Err(c)),
                }
            };
        }
        #[allow(unused_macros)]
        macro_rules! trap {
            ($d c:expr) => {
                return ($sp, Err($d c))
            };
        }
    };
}

// The families that use `family_stack!`, `by_load_op!` and `by_store_op!` (declared after them).
mod atomic;
mod bulk;
pub(crate) mod gc;
mod mem;
mod simd;

/// Why `run` returned without finishing or trapping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PauseReason {
    /// The budget of instructions ran out; `run` again to continue.
    Budget,
    /// A host function asked to pause after it returned (`Caller::pause`: WASI's
    /// `poll_oneoff` where it cannot wait, in the page); its results are on the stack, and
    /// `run` again continues after the call.
    Host,
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
    /// The exception that escaped the call, when it ended with an `uncaught exception` trap
    /// (a host function that called this machine's function throws it on).
    pub(crate) uncaught: Option<u32>,
    /// Instructions executed so far.
    pub executed: u64,
    /// When set, host functions record the old bytes of what they write to memory here
    /// (memory address, byte address, old bytes): the debugger's undo log.
    pub(crate) host_journal: Option<Vec<crate::runtime::HostEffect>>,
    /// Native builds: the threaded chain's code of each function this machine ran, by store
    /// address (exec-owned; the translated `ir::Code` is plain data).
    #[cfg(not(target_arch = "wasm32"))]
    pub(crate) slots: threaded::SlotMap,
}

/// The compiled code of the wasm function at store address `func`, translating it on
/// first use.
pub(crate) fn code_of(store: &Store, func: u32) -> std::result::Result<Rc<Code>, Trap> {
    let FuncKind::Wasm { module, def, code, .. } = &store.funcs[func as usize].kind else {
        return Err(Trap::host("not a wasm function"));
    };
    code.get_or_init(|| crate::translate::translate(module, *def).map(Rc::new))
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
            uncaught: None,
            #[cfg(not(target_arch = "wasm32"))]
            slots: Default::default(),
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
        if args.len() != ty.params.len() || args.iter().zip(&ty.params).any(|(a, &t)| !store.value_matches(a, t)) {
            let got: Vec<String> = args.iter().map(|a| a.ty().to_string()).collect();
            return Err(Error::BadCall(format!(
                "function expects ({}), got ({})",
                ty.params.iter().map(|t| t.to_string()).collect::<Vec<_>>().join(" "),
                got.join(" ")
            )));
        }
        self.frames.clear();
        // The slots are by store address: this call may be in another store.
        #[cfg(not(target_arch = "wasm32"))]
        {
            self.slots = Default::default();
        }
        self.stack.clear();
        self.executed = 0;
        self.results = ty.results.clone();
        self.early = None;
        self.uncaught = None;
        self.state = State::Running;
        match &store.funcs[func as usize].kind {
            FuncKind::Host(h) => {
                let h = h.clone();
                let mut nested = call::Nested { cells: &[], config: self.config, depth: 0 };
                let mut caller = Caller::new(store, None, None, Some(&mut nested));
                let out = h(&mut caller, args);
                self.uncaught = out.as_ref().err().and_then(|t| caller.thrown(t));
                match out.and_then(|v| check_host_results(store, &ty.results, v)) {
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
                    self.push_value(*a)?;
                }
                self.push_frame(code, func, instance).map_err(Trap::new)?;
            }
        }
        Ok(())
    }

    /// Pushes a value's cells.
    fn push_value(&mut self, v: Value) -> std::result::Result<(), TrapCode> {
        let cells = v.to_cells();
        for &c in &cells[..v.ty().cells()] {
            self.stack.push(c)?;
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
        // In wasm32 builds the loop leaves to have an instruction of a family (SIMD, bulk,
        // other memories, atomics) run here, then goes on (one call of `execute`).
        #[cfg_attr(not(target_arch = "wasm32"), allow(clippy::never_loop))]
        let r = loop {
            let r = self.execute(store, &mut left);
            #[cfg(target_arch = "wasm32")]
            if let Err(t) = &r
                && t.code == TrapCode::Unreachable
                && let Some(&Instr::Exn(e)) = self.frames.last().and_then(|f| f.code.instrs.get(f.pc as usize))
            {
                match self.exn(store, e) {
                    Ok(()) => continue,
                    Err(t) => break Err(t),
                }
            }
            #[cfg(target_arch = "wasm32")]
            if let Err(t) = &r
                && t.code == TrapCode::Unreachable
                && self.frames.last().is_some_and(|f| {
                    matches!(
                        f.code.instrs.get(f.pc as usize),
                        Some(Instr::Simd(_) | Instr::Bulk(_) | Instr::Mem(_) | Instr::Atomic(_) | Instr::Gc(_))
                    )
                })
            {
                match self.run_family(store) {
                    Ok(()) => continue,
                    Err(t) => break Err(t),
                }
            }
            break r;
        };
        self.executed += before - left;
        match r {
            Ok(true) => {
                self.state = State::Done;
                Outcome::Finished(read_values(&self.results, self.stack.as_slice()))
            }
            Ok(false) => Outcome::Paused(PauseReason::Budget),
            Err(t) if t.code == TrapCode::Yield => Outcome::Paused(PauseReason::Host),
            Err(mut t) => {
                self.state = State::Done;
                if t.code == TrapCode::MemoryOutOfBounds && t.detail.is_none() {
                    t.detail = self.fault(store);
                }
                Outcome::Trapped(t)
            }
        }
    }

    /// After an out-of-bounds trap: which bytes of which memory the instruction at the top
    /// frame's pc tried to reach (`4 bytes at 0xfffe (0xfffa + offset 4) of memory 0, 65536
    /// bytes`), read from the operand cells it popped (a trapping instruction leaves its
    /// popped operands in their cells, the address lowest). Cold: runs once per trap.
    #[cold]
    fn fault(&self, store: &Store) -> Option<String> {
        let f = self.frames.last()?;
        let instr = *f.code.instrs.get(f.pc as usize)?;
        mem::fault(instr, &f.code, store, f.instance as usize, &self.stack.cells, self.stack.sp)
    }

    /// wasm32 builds: runs the family instruction (`Simd`, `Bulk`, `Mem`, `Atomic`) at the top
    /// frame's pc (counted in the budget by the loop, which left for it) and moves past it; a
    /// trap leaves the frame at it, as the loop's `trap!` does. Out of the loop's function:
    /// inside V8, every shape of a family's arm in the loop that ran it (a call, the executor
    /// inlined) made scalar code 1.3-1.8x slower (BENCHMARKS.md), while leaving the loop as a
    /// pause does costs scalar code nothing.
    #[cfg(target_arch = "wasm32")]
    #[inline(never)]
    fn run_family(&mut self, store: &mut Store) -> std::result::Result<(), Trap> {
        let Some(frame) = self.frames.last_mut() else { return Ok(()) };
        let code: &Code = &frame.code;
        let pc = frame.pc as usize;
        let inst_id = frame.instance as usize;
        let (cells, at) = (&mut self.stack.cells[..], self.stack.sp);
        let (sp, r) = match code.instrs.get(pc) {
            Some(&Instr::Simd(s)) => simd::exec(s, code, store, inst_id, frame.fp as usize, cells, at),
            Some(&Instr::Bulk(b)) => bulk::exec(b, store, inst_id, cells, at),
            Some(&Instr::Mem(m)) => mem::exec(m, code, store, inst_id, cells, at),
            Some(&Instr::Atomic(a)) => atomic::exec(a, code, store, inst_id, cells, at),
            Some(&Instr::Gc(g)) => gc::exec(g, code, store, inst_id, cells, at),
            _ => return Err(Trap::host("no family instruction to run")),
        };
        self.stack.sp = sp;
        match r {
            Ok(()) => {
                frame.pc += 1;
                Ok(())
            }
            Err(c) => {
                Err(Trap { code: c, func: Some(frame.func), offset: code.offsets.get(pc).copied(), detail: None })
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
        // One loop, not one per frame: a call or a return reloads the frame's state
        // (`enter!`) and goes on at the loop's head, so the loop's back edges all come from
        // the instructions. Inside V8, a loop per frame around the instruction loop made the
        // inner loop's stack addresses loop invariants: V8 hoisted a dozen of them to the
        // outer head and spilled them on every instruction (BENCHMARKS.md, 2026-12-03).
        let mut code: &Code;
        let mut fp: usize;
        // (No instance yet: the first `enter!` looks its memory up.)
        let mut inst_id: usize = usize::MAX;
        #[cfg(not(target_arch = "wasm32"))]
        let mut func: u32;
        let mut pc: usize;
        let mut mem: usize = usize::MAX;
        let mut sp: usize;
        let mut stack: &mut [Raw];
        let mut instrs: &[Instr];
        // The chain keeps the top value in a register and needs a cell under the
        // frame's operands to mirror when they are empty: a local, or a cell below.
        #[cfg(not(target_arch = "wasm32"))]
        let mut threaded_on: bool;
        #[cfg(not(target_arch = "wasm32"))]
        let mut slots: *const threaded::Slot;
        macro_rules! enter {
            () => {{
                let Some(frame) = self.frames.last() else {
                    exit!(Ok(true));
                };
                // SAFETY: the code of a function is owned by its module (`Body::code`), which
                // the store keeps alive for as long as any instance of it exists, i.e. for the
                // whole run; borrowing it through a raw pointer saves a reference-count round
                // trip per call and return.
                code = unsafe { &*Rc::as_ptr(&frame.code) };
                fp = frame.fp as usize;
                pc = frame.pc as usize;
                #[cfg(not(target_arch = "wasm32"))]
                {
                    func = frame.func;
                }
                // Most calls and returns stay in one instance, whose memory is known.
                if frame.instance as usize != inst_id {
                    inst_id = frame.instance as usize;
                    mem = store.instances[inst_id].memories.first().copied().unwrap_or(u32::MAX) as usize;
                }
                sp = self.stack.sp;
                stack = &mut self.stack.cells[..];
                instrs = &code.instrs[..];
                #[cfg(not(target_arch = "wasm32"))]
                {
                    // (Not for a single step: the chain takes budgets above 1, and linking a
                    // function's slots, or finding them, is wasted on the debugger's steps.)
                    threaded_on = self.config.threaded
                        && *budget > 1
                        && fp + code.num_params as usize + code.num_locals as usize > 0;
                    slots = if threaded_on { self.slots.get_or_link(func, instrs) } else { std::ptr::null() };
                }
            }};
        }
        enter!();

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
        // The pure operators, loads and stores of the list: their definitions are
        // `ops`' types, shared with the threaded handlers.
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
        macro_rules! un_trap {
            ($t:ident) => {{
                let a = pop!();
                push!(tri!(<ops::$t as ops::UnTrap>::eval(a)))
            }};
        }
        macro_rules! bin_trap {
            ($t:ident) => {{
                let b = pop!();
                let a = pop!();
                push!(tri!(<ops::$t as ops::BinTrap>::eval(a, b)))
            }};
        }
        macro_rules! load {
            ($off:expr, $k:ident) => {{
                let addr = pop!() as u32;
                let p = tri!(store.memories[mem].at(addr, $off, <ops::$k as ops::Load>::N));
                // SAFETY: `at` checked that the bytes are in bounds.
                push!(unsafe { <ops::$k as ops::Load>::read(p) })
            }};
        }
        macro_rules! store_ {
            ($off:expr, $k:ident) => {{
                let v = pop!();
                let addr = pop!() as u32;
                let p = tri!(store.memories[mem].at_mut(addr, $off, <ops::$k as ops::Store>::N));
                // SAFETY: `at_mut` checked that the bytes are in bounds.
                unsafe { <ops::$k as ops::Store>::write(p, v) }
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
        macro_rules! fused_n {
            ($n:expr) => {{
                let n: u64 = $n;
                if *budget < n - 1 {
                    // wasm32: `black_box` hides that the budget is not 0 now, so LLVM
                    // does not thread this `continue` past the budget check into a loop
                    // of its own: with that second loop V8 computed a dozen stack
                    // addresses at the head of the outer one and spilled them on every
                    // instruction (BENCHMARKS.md, 2026-12-03).
                    #[cfg(target_arch = "wasm32")]
                    {
                        *budget += std::hint::black_box(1);
                    }
                    #[cfg(not(target_arch = "wasm32"))]
                    {
                        *budget += 1;
                    }
                    continue;
                }
                *budget -= n - 1;
            }};
        }
        // The same for fused form `$f`, whose length is the list's; evaluates to it.
        macro_rules! fused {
            ($f:ident) => {{
                const N: usize = match Opcode::$f.fused_len() {
                    Some(n) => n as usize,
                    None => panic!("not a fused form"),
                };
                fused_n!(N as u64);
                N
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
        // load popped its address and trapped.
        macro_rules! fused_load {
            ($op:expr, $addr:expr, $offset:expr, $n:expr) => {{
                let (addr, offset): (u32, u32) = ($addr, $offset);
                let m = &store.memories[mem];
                // SAFETY: `at` checked that the bytes are in bounds.
                let v = by_load_op!($op, |K| m.at(addr, offset, K::N).map(|p| unsafe { K::read(p) }));
                pc += $n;
                match v {
                    Ok(v) => push!(v),
                    // As the plain load leaves it: the address popped, in its cell.
                    Err(c) => {
                        set_cell!(sp, addr as u64);
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
                // SAFETY: `at_mut` checked that the bytes are in bounds.
                tri!(by_store_op!($op, |K| m.at_mut(addr, offset, K::N).map(|p| unsafe { K::write(p, v) })))
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
                enter!();
                // (The loop's: a macro cannot name the label of a loop it was defined outside.)
                continue;
            }};
        }

        // The `match`: the arms given (`$hand`), then one per pure operator, load and store
        // of the list.
        macro_rules! dispatch {
                ({ $instr:expr } { $($hand:tt)* } fused $_f:tt loads [$($l:ident $lkind:ident)*] stores [$($s:ident $skind:ident)*]
                 free [$($x:ident)*] un [$($u:ident)*] bin [$($b:ident)*] un_trap [$($uq:ident)*] bin_trap [$($bq:ident)*]) => {
                    match $instr {
                        $($hand)*
                        $( Instr::$l(o) => load!(o, $lkind), )*
                        $( Instr::$s(o) => store_!(o, $skind), )*
                        // Reinterpretations are free: the cells are untyped bits already.
                        $( Instr::$x )|* => {}
                        $( Instr::$u => un!($u), )*
                        $( Instr::$b => bin!($b), )*
                        $( Instr::$uq => un_trap!($uq), )*
                        $( Instr::$bq => bin_trap!($bq), )*
                    }
                };
            }

        'run: loop {
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
                let code_ptr = slots;
                let mut c = threaded::Ctx {
                    code: code_ptr,
                    mem: mem_ptr,
                    mem_len,
                    ip: code_ptr,
                    sp: base,
                    left: 0,
                    frames: &mut self.frames,
                    slots: &self.slots,
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
                    {
                        enter!();
                        continue 'run;
                    }
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
            // The arms of every pure operator, load and store come from the list
            // (`dispatch!`); the rest are written here. No catch-all: a new instruction
            // in the list's `other` or `fused` group is a compile error until it has one.
            for_each_plain!(dispatch { instr } {
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
                                   {
            enter!();
            continue 'run;
            }
                               }
                               Instr::CallIndirect { ty, table } => {
                                   // An i32 index is zero-extended in its cell, an i64 one (table64) whole.
                                   let i = pop!();
                                   let func = tri!(indirect_callee(store, inst_id, ty, table, i));
                                   save!(pc);
                                   if let Err(t) = self.call(store, func, inst_id) {
                                       exit!(Err(self.locate(t, pc - 1)));
                                   }
                                   {
            enter!();
            continue 'run;
            }
                               }
                               Instr::ReturnCall(idx) => {
                                   let func = store.instances[inst_id].funcs[idx as usize];
                                   save!(pc);
                                   if let Err(t) = self.tail_call(store, func, inst_id, pc - 1) {
                                       exit!(Err(t));
                                   }
                                   {
            enter!();
            continue 'run;
            }
                               }
                               Instr::ReturnCallIndirect { ty, table } => {
                                   let i = pop!();
                                   let func = tri!(indirect_callee(store, inst_id, ty, table, i));
                                   save!(pc);
                                   if let Err(t) = self.tail_call(store, func, inst_id, pc - 1) {
                                       exit!(Err(t));
                                   }
                                   {
            enter!();
            continue 'run;
            }
                               }
                               // Typed function references: the call paths above, a reference instead of
                               // a table slot.
                               Instr::CallRef(_) => {
                                   let func = tri!(ref_callee(pop!()));
                                   save!(pc);
                                   if let Err(t) = self.call(store, func, inst_id) {
                                       exit!(Err(self.locate(t, pc - 1)));
                                   }
                                   {
            enter!();
            continue 'run;
            }
                               }
                               Instr::ReturnCallRef(_) => {
                                   let func = tri!(ref_callee(pop!()));
                                   save!(pc);
                                   if let Err(t) = self.tail_call(store, func, inst_id, pc - 1) {
                                       exit!(Err(t));
                                   }
                                   {
            enter!();
            continue 'run;
            }
                               }
                               Instr::BrOnNull(t) => {
                                   if cell!(sp - 1) == 0 {
                                       sp -= 1;
                                       if t.pc == RETURN_PC {
                                           return_!()
                                       }
                                       branch!(t)
                                   }
                               }
                               Instr::BrOnCast(i) => {
                                   if let Some(t) = gc::br_on_cast(code, store, inst_id, i, cell!(sp - 1)) {
                                       if t.pc == RETURN_PC {
                                           return_!()
                                       }
                                       branch!(t)
                                   }
                               }
                               Instr::BrOnNonNull(t) => {
                                   if cell!(sp - 1) == 0 {
                                       sp -= 1;
                                   } else if t.pc == RETURN_PC {
                                       return_!()
                                   } else {
                                       branch!(t)
                                   }
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

                               // The families (`bulk.rs`, `simd.rs`, `wide.rs`).
                               Instr::Wide(w) => sp = wide::exec(w, stack, sp),
                               // In wasm32 builds the loop leaves as a trap does, at the instruction, for
                               // `run` to run it (`run_simd`; it tells this exit from a real trap by the
                               // instruction): any SIMD arm here slows V8's code for the loop.
                               #[cfg(target_arch = "wasm32")]
                               Instr::Simd(_) | Instr::Bulk(_) | Instr::Mem(_) | Instr::Atomic(_) | Instr::Exn(_) | Instr::Gc(_) => {
                        trap!(TrapCode::Unreachable)
                    }
                    // Exceptions (`exn.rs`): out of line and cold; the frame on top after a
                    // throw is the one that caught it.
                    #[cfg(not(target_arch = "wasm32"))]
                    Instr::Exn(e) => {
                        save!(pc - 1);
                        if let Err(t) = self.exn(store, e) {
                            exit!(Err(t));
                        }
                        enter!();
                        continue 'run;
                    }
                               #[cfg(not(target_arch = "wasm32"))]
                               Instr::Simd(s) => {
                                   let (at, r) = simd::exec(s, code, store, inst_id, fp, stack, sp);
                                   sp = at;
                                   tri!(r)
                               }
                               #[cfg(not(target_arch = "wasm32"))]
                               Instr::Bulk(b) => {
                                   let (at, r) = bulk::exec(b, store, inst_id, stack, sp);
                                   sp = at;
                                   tri!(r)
                               }
                               #[cfg(not(target_arch = "wasm32"))]
                               Instr::Mem(m) => {
                                   let (at, r) = mem::exec(m, code, store, inst_id, stack, sp);
                                   sp = at;
                                   tri!(r)
                               }
                               #[cfg(not(target_arch = "wasm32"))]
                               Instr::Atomic(a) => {
                                   let (at, r) = atomic::exec(a, code, store, inst_id, stack, sp);
                                   sp = at;
                                   tri!(r)
                               }
                               #[cfg(not(target_arch = "wasm32"))]
                               Instr::Gc(g) => {
                                   let (at, r) = gc::exec(g, code, store, inst_id, stack, sp);
                                   sp = at;
                                   tri!(r)
                               }

                               Instr::I32Const(v) => push!(v as u32 as u64),
                               Instr::I64Const(v) => push!(v as u64),
                               Instr::F32Const(v) => push!(v as u64),
                               Instr::F64Const(v) => push!(v),
                               Instr::RefNull => push!(0),
                               Instr::RefFunc(f) => push!(store.instances[inst_id].funcs[f as usize] as u64 + 1),

                               // Fused instructions: taken only when the budget covers every original
                               // instruction they stand for (else `pc` already points at the first one).
                               Instr::FLLBin { op, a, b } => {
                                   let n = fused!(FLLBin);
                                   push!(ops::eval(op, cell!(fp + a as usize), cell!(fp + b as usize)));
                                   pc += n;
                               }
                               Instr::FLCBin { op, a, c } => {
                                   let n = fused!(FLCBin);
                                   push!(ops::eval(op, cell!(fp + a as usize), op.constant(c)));
                                   pc += n;
                               }
                               Instr::FCBin { op, c } => {
                                   let n = fused!(FCBin);
                                   let x = pop!();
                                   push!(ops::eval(op, x, c.get()));
                                   pc += n;
                               }
                               Instr::FBinSet { op, x } => {
                                   let n = fused!(FBinSet);
                                   let b = pop!();
                                   let a = pop!();
                                   set_cell!(fp + x as usize, ops::eval(op, a, b));
                                   pc += n;
                               }
                               Instr::FLLBinSet { op, a, b, x } => {
                                   let n = fused!(FLLBinSet);
                                   set_cell!(fp + x as usize, ops::eval(op, cell!(fp + a as usize), cell!(fp + b as usize)));
                                   pc += n;
                               }
                               Instr::FLCBinSet { op, a, c, x } => {
                                   let n = fused!(FLCBinSet);
                                   set_cell!(fp + x as usize, ops::eval(op, cell!(fp + a as usize), op.constant(c)));
                                   pc += n;
                               }
                               Instr::FLLCmpBrIf { op, a, b, target } => {
                                   let n = fused!(FLLCmpBrIf);
                                   if ops::eval(op, cell!(fp + a as usize), cell!(fp + b as usize)) as u32 != 0 {
                                       pc = target as usize;
                                   } else {
                                       pc += n;
                                   }
                               }
                               Instr::FLCCmpBrIf { op, a, c, target } => {
                                   let n = fused!(FLCCmpBrIf);
                                   if ops::eval(op, cell!(fp + a as usize), op.constant(c)) as u32 != 0 {
                                       pc = target as usize;
                                   } else {
                                       pc += n;
                                   }
                               }
                               Instr::FCCmpBrIf { op, c, target } => {
                                   let n = fused!(FCCmpBrIf);
                                   let a = pop!();
                                   if ops::eval(op, a, c.get()) as u32 != 0 {
                                       pc = target as usize;
                                   } else {
                                       pc += n;
                                   }
                               }
                               Instr::FCmpBrIf { op, target } => {
                                   let n = fused!(FCmpBrIf);
                                   let b = pop!();
                                   let a = pop!();
                                   if ops::eval(op, a, b) as u32 != 0 {
                                       pc = target as usize;
                                   } else {
                                       pc += n;
                                   }
                               }
                               Instr::FEqzBrIf { target } => {
                                   let n = fused!(FEqzBrIf);
                                   if pop!() as u32 == 0 {
                                       pc = target as usize;
                                   } else {
                                       pc += n;
                                   }
                               }
                               Instr::FLocalBrIf { a, target } => {
                                   let n = fused!(FLocalBrIf);
                                   if cell!(fp + a as usize) as u32 != 0 {
                                       pc = target as usize;
                                   } else {
                                       pc += n;
                                   }
                               }
                               Instr::FLocalCopy { a, x } => {
                                   let n = fused!(FLocalCopy);
                                   set_cell!(fp + x as usize, cell!(fp + a as usize));
                                   pc += n;
                               }
                               Instr::FConstSet { c, x } => {
                                   let n = fused!(FConstSet);
                                   set_cell!(fp + x as usize, c as u32 as u64);
                                   pc += n;
                               }
                               Instr::FSkip { n, to } => {
                                   fused_n!(n as u64);
                                   pc = to as usize;
                               }
                               Instr::FLBin { op, b } => {
                                   let n = fused!(FLBin);
                                   let x = pop!();
                                   push!(ops::eval(op, x, cell!(fp + b as usize)));
                                   pc += n;
                               }
                               Instr::FBinTee { op, x } => {
                                   let n = fused!(FBinTee);
                                   let b = pop!();
                                   let a = pop!();
                                   tee!(x, ops::eval(op, a, b));
                                   pc += n;
                               }
                               Instr::FLBinSet { op, b, x } => {
                                   let n = fused!(FLBinSet);
                                   let a = pop!();
                                   set_cell!(fp + x as usize, ops::eval(op, a, cell!(fp + b as usize)));
                                   pc += n;
                               }
                               Instr::FLBinTee { op, b, x } => {
                                   let n = fused!(FLBinTee);
                                   let a = pop!();
                                   tee!(x, ops::eval(op, a, cell!(fp + b as usize)));
                                   pc += n;
                               }
                               Instr::FLLBinTee { op, a, b, x } => {
                                   let n = fused!(FLLBinTee);
                                   tee!(x, ops::eval(op, cell!(fp + a as usize), cell!(fp + b as usize)));
                                   pc += n;
                               }
                               Instr::FLCBinTee { op, a, c, x } => {
                                   let n = fused!(FLCBinTee);
                                   tee!(x, ops::eval(op, cell!(fp + a as usize), op.constant(c)));
                                   pc += n;
                               }
                               Instr::FLLoad { op, a, offset } => {
                                   let n = fused!(FLLoad);
                                   fused_load!(op, cell!(fp + a as usize) as u32, offset, n);
                               }
                               Instr::FCLoad { op, c, offset } => {
                                   let n = fused!(FCLoad);
                                   fused_load!(op, c as u32, offset, n);
                               }
                               Instr::FLCAddLoad { op, a, c, offset } => {
                                   let n = fused!(FLCAddLoad);
                                   fused_load!(op, (cell!(fp + a as usize) as u32).wrapping_add(c as u32), offset, n);
                               }
                               // Made in native builds only (see `translate::fuse::NATIVE`).
                               #[cfg(target_arch = "wasm32")]
                               Instr::FLStore { .. } | Instr::FCStore { .. } | Instr::FBinStore { .. } => {
                                   trap!(TrapCode::Unreachable)
                               }
                               #[cfg(not(target_arch = "wasm32"))]
                               Instr::FLStore { op, v, offset } => {
                                   let n = fused!(FLStore);
                                   let addr = pop!() as u32;
                                   pc += n;
                                   fused_store!(op, addr, offset, cell!(fp + v as usize))
                               }
                               #[cfg(not(target_arch = "wasm32"))]
                               Instr::FCStore { op, c, offset } => {
                                   let n = fused!(FCStore);
                                   let addr = pop!() as u32;
                                   pc += n;
                                   fused_store!(op, addr, offset, c as i64 as u64)
                               }
                               #[cfg(not(target_arch = "wasm32"))]
                               Instr::FBinStore { op, sop, offset } => {
                                   let n = fused!(FBinStore);
                                   let b = pop!();
                                   let a = pop!();
                                   let addr = pop!() as u32;
                                   pc += n;
                                   fused_store!(sop, addr, offset, ops::eval(op, a, b))
                               }
                               Instr::FLCmpBrIf { op, b, target } => {
                                   let n = fused!(FLCmpBrIf);
                                   if ops::eval(op, pop!(), cell!(fp + b as usize)) as u32 != 0 {
                                       pc = target as usize;
                                   } else {
                                       pc += n;
                                   }
                               }
                           });
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

    /// Performs a tail call from the current frame (whose state is saved; the call is at
    /// `pc`): a wasm callee's frame replaces it, its arguments moved down to the frame's first
    /// cell; a host callee runs as `call; return` would. A trap leaves every frame in place
    /// (it happens before the frame goes).
    fn tail_call(
        &mut self,
        store: &mut Store,
        func: u32,
        caller_instance: usize,
        pc: usize,
    ) -> std::result::Result<(), Trap> {
        let Some(frame) = self.frames.last() else { return Err(Trap::host("tail call without a frame")) };
        let fp = frame.fp as usize;
        match &store.funcs[func as usize].kind {
            FuncKind::Wasm { instance, .. } => {
                let instance = *instance;
                let code = code_of(store, func).map_err(|t| self.locate(t, pc))?;
                let n = code.num_params as usize;
                let sp = self.stack.sp;
                self.stack.cells.copy_within(sp - n..sp, fp);
                self.stack.sp = fp + n;
                self.frames.pop();
                // One frame went, so the depth limit cannot be reached.
                Ok(self.push_frame(code, func, instance)?)
            }
            FuncKind::Host(_) => {
                let n = frame.code.num_results as usize;
                let r = self.call_host(store, func, caller_instance, true);
                // A pause after a host call (`Yield`) comes after a complete call.
                match r {
                    // An exception the host let escape was caught below (its frame is gone).
                    Ok(true) => Ok(()),
                    Ok(false) => {
                        self.tail_return(fp, n);
                        Ok(())
                    }
                    Err(t) if t.code == TrapCode::Yield => {
                        self.tail_return(fp, n);
                        Err(t)
                    }
                    Err(t) => Err(self.locate(t, pc)),
                }
            }
        }
    }

    /// The `return` half of a tail call to a host function: the `n` result cells on top move
    /// to `fp`, and the frame goes.
    fn tail_return(&mut self, fp: usize, n: usize) {
        let sp = self.stack.sp;
        self.stack.cells.copy_within(sp - n..sp, fp);
        self.stack.sp = fp + n;
        self.frames.pop();
    }

    /// Performs a call from the current frame (whose state is saved): pushes a frame for a
    /// wasm callee, or runs a host callee to completion.
    fn call(&mut self, store: &mut Store, func: u32, caller_instance: usize) -> std::result::Result<(), Trap> {
        // The common case first: a wasm function already translated.
        if let FuncKind::Wasm { instance, code, .. } = &store.funcs[func as usize].kind
            && let Some(Ok(code)) = code.get()
        {
            let (code, instance) = (code.clone(), *instance);
            return self.push_frame(code, func, instance).map_err(Trap::new);
        }
        self.call_slow(store, func, caller_instance)
    }

    /// The rest of [`Machine::call`]: a function's first call (it is translated) and host
    /// functions.
    #[inline(never)]
    fn call_slow(&mut self, store: &mut Store, func: u32, caller_instance: usize) -> std::result::Result<(), Trap> {
        match &store.funcs[func as usize].kind {
            FuncKind::Wasm { instance, .. } => {
                let instance = *instance;
                let code = code_of(store, func)?;
                Ok(self.push_frame(code, func, instance)?)
            }
            FuncKind::Host(_) => self.call_host(store, func, caller_instance, false).map(|_| ()),
        }
    }

    /// Runs host function `func`, called from instance `caller_instance` (the caller's pc saved
    /// past the call), to completion: pops its arguments and pushes its results. The host
    /// may call back into wasm ([`Caller::call`]) on machines of their own, this machine's
    /// cells kept as roots. An exception it lets escape is thrown on from the call (for a
    /// `tail` call, from the frame below, the calling one being gone): `Ok(true)` when a
    /// handler caught it and the machine goes on in the frame on top.
    #[inline(never)]
    fn call_host(
        &mut self,
        store: &mut Store,
        func: u32,
        caller_instance: usize,
        tail: bool,
    ) -> std::result::Result<bool, Trap> {
        let FuncKind::Host(h) = &store.funcs[func as usize].kind else { return Ok(false) };
        let h = h.clone();
        let ty = &store.types[store.funcs[func as usize].ty as usize];
        let base = self.stack.len() - ValType::cells_of(&ty.params);
        let args = read_values(&ty.params, &self.stack.as_slice()[base..]);
        let results = ty.results.clone();
        self.stack.truncate(base);
        let (out, pause, thrown) = {
            let depth = self.frames.len() as u32;
            let mut nested = call::Nested { cells: self.stack.as_slice(), config: self.config, depth };
            let mut caller =
                Caller::new(store, Some(caller_instance as u32), self.host_journal.as_mut(), Some(&mut nested));
            let out = h(&mut caller, &args);
            let thrown = out.as_ref().err().and_then(|t| caller.thrown(t));
            (out, caller.pause_requested(), thrown)
        };
        if let Some(exn) = thrown {
            if tail && let Some(f) = self.frames.pop() {
                self.stack.truncate(f.fp as usize);
            }
            return self.throw_from_host(store, exn, caller_instance).map(|()| true);
        }
        let out = check_host_results(store, &results, out?)?;
        for v in out {
            self.push_value(v)?;
        }
        // The call is complete (the caller's pc was saved past it): `run` reports a
        // pause and the next `run` goes on after the call.
        if pause { Err(Trap::new(TrapCode::Yield)) } else { Ok(false) }
    }
}

/// The store address of the function at element `i` of the instance's table `table`, checked
/// against the instance's type `ty` (`call_indirect`, `return_call_indirect`).
fn indirect_callee(store: &Store, inst_id: usize, ty: u32, table: u32, i: u64) -> std::result::Result<u32, TrapCode> {
    let inst = &store.instances[inst_id];
    let table = inst.tables[table as usize] as usize;
    let r = store.tables[table].get(i).map_err(|_| TrapCode::UndefinedElement)?;
    if r == 0 {
        return Err(TrapCode::UninitializedElement);
    }
    let func = (r - 1) as u32;
    if store.funcs.get(func as usize).is_none_or(|f| !store.is_sub_id(f.ty, inst.types[ty as usize])) {
        return Err(TrapCode::IndirectCallTypeMismatch);
    }
    Ok(func)
}

/// The callee of `call_ref`: the function a reference cell names (null traps).
#[inline(always)]
fn ref_callee(r: Raw) -> std::result::Result<u32, TrapCode> {
    r.checked_sub(1).map(|f| f as u32).ok_or(TrapCode::NullFunctionReference)
}

/// The values of these types in these cells (one or two cells each, see `ValType::cells`).
fn read_values(types: &[ValType], cells: &[Raw]) -> Vec<Value> {
    let mut at = 0;
    types
        .iter()
        .map(|&t| {
            let v = Value::from_cells(t, cells.get(at..).unwrap_or(&[]));
            at += t.cells();
            v
        })
        .collect()
}

/// A host function's results must match its signature and be valid in the store.
fn check_host_results(store: &Store, want: &[ValType], out: Vec<Value>) -> std::result::Result<Vec<Value>, Trap> {
    if out.len() != want.len() || out.iter().zip(want).any(|(v, &t)| !store.value_matches(v, t)) {
        return Err(Trap::host(format!(
            "host function returned ({}), expected ({})",
            out.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(" "),
            want.iter().map(|t| t.to_string()).collect::<Vec<_>>().join(" ")
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
