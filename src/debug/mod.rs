//! The debugger engine: a [`Session`] drives one [`Machine`] a wasm instruction at a time
//! (budget 1 — the same loop as full-speed runs), keeps an undo log for stepping back, and
//! answers questions about the paused state with plain-data [`Snapshot`]s.
//!
//! **API boundary:** [`Snapshot`] and the types it contains are what the page and the CLI
//! see; nothing outside this module reads the machine's raw cells.

mod exceptions;
mod heap_view;
mod history;
mod info;

use crate::decode::Module;
use crate::error::{Error, Result};
use crate::exec::{Call, Machine};
use crate::ir::Instr;
use crate::runtime::{Extern, FuncKind, HostEffect, InstanceId, Store};
use crate::trap::Trap;
use crate::value::{ValType, Value};
pub use exceptions::{ExceptionStop, HandlerView, PauseOnExceptions, ThrowKind, Unwinding};
pub use heap_view::{
    FieldView, HeapStats, ObjectKind, ObjectView, PAGE, TypeStats, extern_type_text, func_type_text, parse_handle,
    typed_text_in,
};
use history::{Effect, History};
pub use info::{FuncInfo, Line};
use std::collections::HashMap;
use std::rc::Rc;

/// Debugger settings.
#[derive(Debug, Clone, Copy)]
pub struct Config {
    /// How many steps can be undone.
    pub history_steps: usize,
    /// About how many bytes the undo log may hold (old memory bytes, stack cells, ...).
    pub history_bytes: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config { history_steps: 100_000, history_bytes: 64 << 20 }
    }
}

/// A memory write that hit a watchpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchHit {
    pub watchpoint: u32,
    /// The memory (index in the instance) and address written.
    pub memory: u32,
    pub addr: u64,
    pub width: u32,
    /// Bytes before and after the write (at most 16 shown).
    pub old: Vec<u8>,
    pub new: Vec<u8>,
}

/// Why the last command stopped.
#[derive(Debug, Clone, PartialEq)]
pub enum StopReason {
    /// No call started yet.
    Ready,
    /// A call was started; stopped before its first instruction.
    Started,
    /// The command reached its goal (one step, the end of a step over/out, run-to).
    Step,
    Breakpoint(u32),
    Watchpoint(WatchHit),
    Finished(Vec<Value>),
    /// The program exited (WASI `proc_exit`) with this status.
    Exited(i32),
    Trapped(Trap),
    /// The budget ran out (a paused continue): send the command again to go on.
    Budget,
    /// A host function asked to pause after it returned (WASI's sleep in the page: wait,
    /// then send the command again to go on).
    HostPause,
    /// Stepping back reached the oldest recorded step.
    HistoryStart,
    /// The next instruction throws, and [`PauseOnExceptions`] pauses there: nothing is
    /// unwound yet (see `exceptions.rs`). Stepping performs the throw. (An `Rc`: its drop
    /// glue stays small, and `StopReason`'s is on every step's path.)
    Exception(Rc<ExceptionStop>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Breakpoint {
    pub id: u32,
    /// Function index in the module.
    pub func: u32,
    /// Byte offset of the instruction.
    pub offset: u32,
    /// Break only from the Nth hit on (`None`: every hit).
    pub hit_count: Option<u64>,
    pub hits: u64,
}

/// One memory of the instance, as the debugger shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemoryView {
    pub index: u32,
    /// Its name from the name section, if any.
    pub name: Option<String>,
    /// Size in pages of `page_size` bytes, and in bytes.
    pub pages: u64,
    pub bytes: u64,
    pub page_size: u64,
    pub max: Option<u64>,
    pub memory64: bool,
    pub shared: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Watchpoint {
    pub id: u32,
    /// The memory watched (index in the instance; 0 unless multi-memory).
    pub memory: u32,
    pub addr: u64,
    pub len: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Goal {
    Into,
    Over(usize),
    Out(usize),
    Continue,
    RunTo(u32, u32),
}

/// Where a frame is.
#[derive(Debug, Clone, PartialEq)]
pub struct Position {
    /// Function index in the module.
    pub func: u32,
    pub func_name: String,
    /// Byte offset of the instruction (the next one to execute in the innermost frame, the
    /// call in its callers).
    pub offset: u32,
    /// Index into the function's disassembly.
    pub line: usize,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LocalView {
    pub index: u32,
    pub name: Option<String>,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OperandView {
    pub value: Value,
    /// The block the value belongs to: 0 is the function body, 1 the outermost block, ...
    pub block: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FrameView {
    pub position: Position,
    pub locals: Vec<LocalView>,
    /// Operands of this frame, bottom first.
    pub operands: Vec<OperandView>,
    /// While paused on a throw: whether this frame is unwound or catches it.
    pub unwinding: Option<Unwinding>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GlobalView {
    pub index: u32,
    pub name: Option<String>,
    pub value: Value,
    pub mutable: bool,
    /// The global's declared type, concrete types by the module's type index (its text is
    /// `(ref null 0)`, `funcref`, `i32`, ...; the value's own type is the top one, `funcref`).
    pub ty: ValType,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TableView {
    pub index: u32,
    pub elem: ValType,
    pub size: u32,
    /// The first entries (at most 64).
    pub entries: Vec<Value>,
}

/// The whole inspectable state after a command. Plain data.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub stop: StopReason,
    /// Call frames, outermost first.
    pub frames: Vec<FrameView>,
    pub globals: Vec<GlobalView>,
    pub memory_pages: Option<u64>,
    /// `(address, length)` of memory 0 written by the last step.
    pub last_writes: Vec<(u64, u32)>,
    pub tables: Vec<TableView>,
    /// Instructions executed since the call started.
    pub executed: u64,
    /// Steps that can be undone.
    pub history: usize,
}

/// A debugging session over one instance.
pub struct Session {
    store: Store,
    instance: InstanceId,
    machine: Machine,
    history: History,
    infos: HashMap<u32, Rc<FuncInfo>>,
    breakpoints: Vec<Breakpoint>,
    watchpoints: Vec<Watchpoint>,
    next_id: u32,
    /// `(memory index, address, length)` of every memory written by the last step.
    last_writes_in: Vec<(u32, u64, u32)>,
    /// What the last step back went over and could not undo (see [`Session::not_rewound`]).
    not_rewound: Vec<String>,
    stop: StopReason,
    goal: Goal,
    pause_on_exceptions: PauseOnExceptions,
}

impl Session {
    /// A session over `instance`, which lives in `store`.
    pub fn new(mut store: Store, instance: InstanceId, config: Config) -> Session {
        // No GC collections under a debugger: step back may restore any object it saw
        // (runtime/heap.rs); the heap limit still holds. `run_unrecorded`, which keeps no
        // history, is the exception.
        store.heap.no_collect = true;
        let machine = Machine::new(store.limits);
        Session {
            store,
            instance,
            machine,
            history: History::new(config.history_steps, config.history_bytes),
            infos: HashMap::new(),
            breakpoints: Vec::new(),
            watchpoints: Vec::new(),
            next_id: 1,
            last_writes_in: Vec::new(),
            not_rewound: Vec::new(),
            stop: StopReason::Ready,
            goal: Goal::Into,
            pause_on_exceptions: PauseOnExceptions::None,
        }
    }

    /// Loads text or binary, instantiates it in a fresh store with `limits` (no imports
    /// available), and opens a session on it.
    pub fn load(input: &[u8], limits: crate::Limits, config: Config) -> Result<Session> {
        let module = Rc::new(Module::new(input)?);
        let mut store = Store::new(limits);
        let instance = store.instantiate(module)?;
        Ok(Session::new(store, instance, config))
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn store_mut(&mut self) -> &mut Store {
        &mut self.store
    }

    pub fn module(&self) -> &Rc<Module> {
        self.store.module(self.instance)
    }

    pub fn instance(&self) -> InstanceId {
        self.instance
    }

    pub fn stop_reason(&self) -> &StopReason {
        &self.stop
    }

    /// Is a call in progress (started, not finished or trapped)?
    pub fn is_running(&self) -> bool {
        matches!(
            self.stop,
            StopReason::Started
                | StopReason::Step
                | StopReason::Breakpoint(_)
                | StopReason::Watchpoint(_)
                | StopReason::Budget
                | StopReason::HostPause
                | StopReason::HistoryStart
                | StopReason::Exception(_)
        )
    }

    /// Instructions executed since the call started.
    pub fn executed(&self) -> u64 {
        self.machine.executed
    }

    /// Call depth.
    pub fn depth(&self) -> usize {
        self.machine.frames.len()
    }

    // ---- starting ----

    /// Starts the exported function `name` and stops before its first instruction.
    pub fn start(&mut self, name: &str, args: &[Value]) -> Result<StopReason> {
        match self.store.export(self.instance, name) {
            Some(Extern::Func(f)) => self.start_func(f, args),
            Some(_) => Err(Error::BadCall(format!("export `{name}` is not a function"))),
            None => Err(Error::BadCall(format!("no exported function named `{name}`"))),
        }
    }

    /// Starts the function at store address `func`.
    pub fn start_func(&mut self, func: u32, args: &[Value]) -> Result<StopReason> {
        self.history.clear();
        self.last_writes_in.clear();
        self.machine.start(&mut self.store, func, args)?;
        self.stop = StopReason::Started;
        Ok(self.stop.clone())
    }

    // ---- forward ----

    /// Executes one instruction, entering calls.
    pub fn step_into(&mut self) -> StopReason {
        self.drive(Goal::Into, 1)
    }

    /// Executes one instruction; a call runs to completion (or a breakpoint, ...).
    pub fn step_over(&mut self, budget: u64) -> StopReason {
        let depth = self.depth();
        // Over a tail call is over the call and the return it stands for: the callee runs
        // to its end, and the step ends where the current function would have returned to.
        let tail_call = self.machine.frames.last().is_some_and(|f| {
            matches!(
                f.code.instrs.get(f.pc as usize),
                Some(Instr::ReturnCall(_) | Instr::ReturnCallIndirect { .. } | Instr::ReturnCallRef(_))
            )
        });
        self.drive(if tail_call { Goal::Out(depth) } else { Goal::Over(depth) }, budget)
    }

    /// Runs until the current function returns.
    pub fn step_out(&mut self, budget: u64) -> StopReason {
        let depth = self.depth();
        self.drive(Goal::Out(depth), budget)
    }

    /// Runs until a breakpoint, a watchpoint, the end, a trap, or `budget` instructions.
    pub fn resume(&mut self, budget: u64) -> StopReason {
        self.drive(Goal::Continue, budget)
    }

    /// Runs until the instruction at `offset` in function `func` is next.
    pub fn run_to(&mut self, func: u32, offset: u32, budget: u64) -> StopReason {
        self.drive(Goal::RunTo(func, offset), budget)
    }

    /// Runs at full speed for at most `budget` instructions, ignoring breakpoints and
    /// watchpoints and keeping no history (stepping back stops here). The page's Run.
    pub fn run_unrecorded(&mut self, budget: u64) -> StopReason {
        if !self.is_running() {
            return self.stop.clone();
        }
        self.history.clear();
        self.last_writes_in.clear();
        self.not_rewound.clear();
        // No history to step back over: the machine collects as in a plain call (heap_view).
        self.store.heap.no_collect = false;
        let outcome = self.machine.run(&mut self.store, budget);
        self.store.heap.no_collect = true;
        self.stop = match outcome {
            crate::exec::Outcome::Finished(v) => StopReason::Finished(v),
            crate::exec::Outcome::Trapped(t) => match t.exit_code() {
                Some(status) => StopReason::Exited(status),
                None => StopReason::Trapped(t),
            },
            crate::exec::Outcome::Paused(crate::exec::PauseReason::Budget) => StopReason::Budget,
            crate::exec::Outcome::Paused(crate::exec::PauseReason::Host) => StopReason::HostPause,
        };
        self.stop.clone()
    }

    /// Goes on with the last command after it stopped for its budget.
    pub fn proceed(&mut self, budget: u64) -> StopReason {
        let goal = self.goal;
        self.drive(goal, budget)
    }

    fn drive(&mut self, goal: Goal, budget: u64) -> StopReason {
        if !self.is_running() {
            return self.stop.clone();
        }
        self.goal = goal;
        self.not_rewound.clear();
        // At a throw not yet paused on (a call just started, a breakpoint there, a step
        // back): pause on it first, without executing anything.
        if !matches!(self.stop, StopReason::Exception(_))
            && let Some(stop) = self.exception_pause()
        {
            self.stop = stop.clone();
            return stop;
        }
        let mut left = budget.max(1);
        // In a local: the loop then tests a register, not the session.
        let exceptions = self.pause_on_exceptions != PauseOnExceptions::None;
        let stop = loop {
            if left == 0 {
                break StopReason::Budget;
            }
            left -= 1;
            if let Some(stop) = self.step_collecting() {
                break stop;
            }
            let depth = self.depth();
            let reached = match goal {
                Goal::Into => true,
                Goal::Over(d) => depth <= d,
                Goal::Out(d) => depth < d,
                Goal::Continue => false,
                Goal::RunTo(f, o) => self.location() == Some((f, o)),
            };
            if reached {
                if exceptions && let Some(stop) = self.exception_pause() {
                    break stop;
                }
                break StopReason::Step;
            }
            if let Some(id) = self.count_breakpoint_hit() {
                break StopReason::Breakpoint(id);
            }
            if exceptions && let Some(stop) = self.exception_pause() {
                break stop;
            }
        };
        self.settle(stop)
    }

    /// Keeps `stop` as the session's stop reason and returns it. A step (most commands)
    /// neither clones it nor, after a step, drops the old one: each is a call, on every
    /// single step's path.
    #[inline(always)]
    fn settle(&mut self, stop: StopReason) -> StopReason {
        if !matches!((&stop, &self.stop), (StopReason::Step, StopReason::Step)) {
            self.stop = stop.clone();
        }
        stop
    }

    /// One recorded instruction. Returns a stop reason when the step ended the call, trapped
    /// or hit a watchpoint.
    fn step_once(&mut self) -> Option<StopReason> {
        // Without history or watchpoints nothing needs recording (except to rewind a trap).
        let mut record = if self.history.max_steps > 0 || !self.watchpoints.is_empty() {
            history::record(&self.machine, &self.store)
        } else {
            None
        };
        // Without a record, a trap is rewound from these (a trapping instruction has only
        // popped its operands: their cells are intact below the old height).
        let (sp_before, executed_before) = (self.machine.stack.sp, self.machine.executed);
        let pc_before = self.machine.frames.last().map(|f| (self.machine.frames.len(), f.pc));
        self.machine.host_journal = Some(Vec::new());
        let outcome = self.machine.run(&mut self.store, 1);
        let host_writes = self.machine.host_journal.take().unwrap_or_default();
        // A host function that called back into wasm changed what no record holds: the
        // history ends here (step back cannot go past the call).
        let reentered = host_writes.iter().any(|e| matches!(e, HostEffect::Reentered(_)));
        if reentered {
            self.history.clear();
            record = None;
        }
        if let Some(r) = &mut record {
            for e in host_writes {
                r.effects.push(match e {
                    HostEffect::Write { mem, addr, old } => Effect::Memory { mem, addr: addr as u64, old },
                    HostEffect::Grow { mem, pages } => Effect::MemorySize { mem, pages },
                    HostEffect::Outside(what) | HostEffect::Reentered(what) => Effect::Outside(what),
                });
            }
        }
        if let crate::exec::Outcome::Trapped(t) = &outcome
            && let Some(status) = t.exit_code()
        {
            self.history.clear();
            return Some(StopReason::Exited(status));
        }
        if let crate::exec::Outcome::Trapped(t) = outcome {
            // Leave the state as it was before the trapping instruction, so it can be inspected
            // (and stepping again runs it again).
            match record {
                Some(r) => history::undo(r, &mut self.machine, &mut self.store),
                None => self.machine.rewind_trap(pc_before, sp_before, executed_before),
            }
            self.last_writes_in.clear();
            return Some(StopReason::Trapped(t));
        }
        let mut stop = None;
        self.last_writes_in.clear();
        if let Some(r) = record {
            let mems = &self.store.instances[self.instance.0 as usize].memories;
            for e in &r.effects {
                if let Effect::Memory { mem, addr, old } = e
                    && let Some(i) = mems.iter().position(|m| m == mem)
                {
                    self.last_writes_in.push((i as u32, *addr, old.len() as u32));
                }
            }
            stop = self.watch_hit(&r.effects).map(StopReason::Watchpoint);
            self.history.push(r);
        }
        match outcome {
            crate::exec::Outcome::Finished(v) => Some(StopReason::Finished(v)),
            crate::exec::Outcome::Paused(crate::exec::PauseReason::Host) => stop.or(Some(StopReason::HostPause)),
            _ => stop,
        }
    }

    /// The first watched write among a step's effects (`old` from the record, `new` from
    /// memory as it is now, i.e. after the step).
    fn watch_hit(&self, effects: &[Effect]) -> Option<WatchHit> {
        if self.watchpoints.is_empty() {
            return None;
        }
        effects.iter().find_map(|e| match e {
            Effect::Memory { mem, addr, old } => self.watch_write(*mem, *addr, old),
            _ => None,
        })
    }

    fn watch_write(&self, mem: u32, addr: u64, old: &[u8]) -> Option<WatchHit> {
        let end = addr + old.len() as u64;
        let memories = &self.store.instances[self.instance.0 as usize].memories;
        // Overlap of [addr, end) with the watched range of the same memory; a write of equal
        // bytes still counts.
        let w = self.watchpoints.iter().find(|w| {
            memories.get(w.memory as usize) == Some(&mem) && w.addr < end && addr < w.addr.saturating_add(w.len)
        })?;
        let data = self.store.memory(mem).data();
        let new = data.get(addr as usize..end as usize).unwrap_or(&[]);
        let shown = old.len().min(16);
        Some(WatchHit {
            watchpoint: w.id,
            memory: w.memory,
            addr,
            width: old.len() as u32,
            old: old[..shown].to_vec(),
            new: new[..shown.min(new.len())].to_vec(),
        })
    }

    /// `(function index, offset)` of the next instruction of the innermost frame, if it is
    /// a function of this session's instance.
    fn location(&self) -> Option<(u32, u32)> {
        let f = self.machine.frames.last()?;
        let offset = *f.code.offsets.get(f.pc as usize)?;
        Some((self.func_index(f.func)?, offset))
    }

    fn func_index(&self, addr: u32) -> Option<u32> {
        match &self.store.funcs.get(addr as usize)?.kind {
            FuncKind::Wasm { module, def, instance, .. } if *instance == self.instance.0 => {
                Some(module.num_imported_funcs + def)
            }
            _ => None,
        }
    }

    fn count_breakpoint_hit(&mut self) -> Option<u32> {
        if self.breakpoints.is_empty() {
            return None;
        }
        let (func, offset) = self.location()?;
        let bp = self.breakpoints.iter_mut().find(|b| b.func == func && b.offset == offset)?;
        bp.hits += 1;
        (bp.hits >= bp.hit_count.unwrap_or(1)).then_some(bp.id)
    }

    // ---- backward ----

    /// A finished call with no history (history off, or a full-speed run): going back has
    /// nowhere to go, and must not make the call look running again. (A trap leaves the
    /// machine rewound to the trapping instruction, so it is not done.)
    fn nothing_to_undo(&self) -> bool {
        self.history.is_empty() && self.machine.is_done()
    }

    /// Undoes the last instruction.
    pub fn step_back(&mut self) -> StopReason {
        if self.nothing_to_undo() {
            return self.stop.clone();
        }
        self.not_rewound.clear();
        let stop = match self.history.pop() {
            Some(r) => {
                self.note_not_rewound(&r);
                history::undo(r, &mut self.machine, &mut self.store);
                // Back at a throw (from its landing): paused on it again.
                match self.exception_pause() {
                    Some(stop) => stop,
                    None => StopReason::Step,
                }
            }
            None => StopReason::HistoryStart,
        };
        self.last_writes_in.clear();
        self.settle(stop)
    }

    /// What the last step back or reverse continue went back over but could not undo,
    /// oldest last: output already printed, files written, input consumed ("fd_write: 14
    /// bytes to stdout"), one entry per host call. Guest memory, globals, tables and the
    /// stacks are always restored; this is what lies outside them. Empty after any other
    /// action.
    pub fn not_rewound(&self) -> &[String] {
        &self.not_rewound
    }

    fn note_not_rewound(&mut self, r: &history::Record) {
        for e in &r.effects {
            if let Effect::Outside(what) = e {
                self.not_rewound.push(what.clone());
            }
        }
    }

    /// Steps back until a breakpoint's instruction is next, or to just before a write that hit
    /// a watchpoint, or to the oldest recorded step.
    pub fn reverse_continue(&mut self) -> StopReason {
        if self.nothing_to_undo() {
            return self.stop.clone();
        }
        self.last_writes_in.clear();
        self.not_rewound.clear();
        let stop = loop {
            let Some(r) = self.history.pop() else { break StopReason::HistoryStart };
            let hit = self.watch_hit(&r.effects);
            self.note_not_rewound(&r);
            history::undo(r, &mut self.machine, &mut self.store);
            if let Some(hit) = hit {
                break StopReason::Watchpoint(hit);
            }
            if let Some(loc) = self.location()
                && let Some(b) = self.breakpoints.iter().find(|b| (b.func, b.offset) == loc)
            {
                break StopReason::Breakpoint(b.id);
            }
        };
        self.stop = stop.clone();
        stop
    }

    // ---- breakpoints and watchpoints ----

    /// Adds a breakpoint at the instruction at `offset` of function `func`.
    pub fn add_breakpoint(&mut self, func: u32, offset: u32, hit_count: Option<u64>) -> Result<u32> {
        let info = self.func_info(func)?;
        if info.line_at(offset).is_none() {
            return Err(Error::BadCall(format!("no instruction at offset {offset:#x} in function {}", info.name)));
        }
        let id = self.next_id;
        self.next_id += 1;
        self.breakpoints.push(Breakpoint { id, func, offset, hit_count, hits: 0 });
        Ok(id)
    }

    pub fn remove_breakpoint(&mut self, id: u32) -> bool {
        let n = self.breakpoints.len();
        self.breakpoints.retain(|b| b.id != id);
        n != self.breakpoints.len()
    }

    pub fn breakpoints(&self) -> &[Breakpoint] {
        &self.breakpoints
    }

    /// Breaks after any instruction writes a byte in `[addr, addr + len)` of memory 0.
    pub fn add_watchpoint(&mut self, addr: u32, len: u32) -> Result<u32> {
        self.add_watchpoint_in(0, addr as u64, len as u64)
    }

    /// Breaks after any instruction writes a byte in `[addr, addr + len)` of memory `memory`
    /// (its index in the instance).
    pub fn add_watchpoint_in(&mut self, memory: u32, addr: u64, len: u64) -> Result<u32> {
        if len == 0 {
            return Err(Error::BadCall("a watchpoint needs at least one byte".into()));
        }
        if memory as usize >= self.store.instances[self.instance.0 as usize].memories.len() && memory != 0 {
            return Err(Error::BadCall(format!("no memory {memory}")));
        }
        let id = self.next_id;
        self.next_id += 1;
        self.watchpoints.push(Watchpoint { id, memory, addr, len });
        Ok(id)
    }

    pub fn remove_watchpoint(&mut self, id: u32) -> bool {
        let n = self.watchpoints.len();
        self.watchpoints.retain(|w| w.id != id);
        n != self.watchpoints.len()
    }

    pub fn watchpoints(&self) -> &[Watchpoint] {
        &self.watchpoints
    }

    // ---- inspection ----

    /// Debug info (disassembly, local names) of function `func` (module index).
    pub fn func_info(&mut self, func: u32) -> Result<Rc<FuncInfo>> {
        let addr = *self.store.instances[self.instance.0 as usize]
            .funcs
            .get(func as usize)
            .ok_or_else(|| Error::BadCall(format!("no function {func}")))?;
        self.info_at(addr)
    }

    fn info_at(&mut self, addr: u32) -> Result<Rc<FuncInfo>> {
        if let Some(i) = self.infos.get(&addr) {
            return Ok(i.clone());
        }
        let FuncKind::Wasm { module, def, .. } = &self.store.funcs[addr as usize].kind else {
            return Err(Error::BadCall("an imported host function has no code".into()));
        };
        let info = Rc::new(FuncInfo::new(module, *def)?);
        self.infos.insert(addr, info.clone());
        Ok(info)
    }

    /// Bytes `[addr, addr + len)` of memory 0, clipped to its size.
    pub fn read_memory(&self, addr: u32, len: u32) -> &[u8] {
        self.read_memory_in(0, addr as u64, len as u64)
    }

    /// Bytes `[addr, addr + len)` of memory `memory` (index in the instance), clipped to its
    /// size (empty if there is no such memory).
    pub fn read_memory_in(&self, memory: u32, addr: u64, len: u64) -> &[u8] {
        let Some(&mem) = self.store.instances[self.instance.0 as usize].memories.get(memory as usize) else {
            return &[];
        };
        let data = self.store.memory(mem).data();
        let start = usize::try_from(addr).unwrap_or(usize::MAX).min(data.len());
        let end = start.saturating_add(usize::try_from(len).unwrap_or(usize::MAX)).min(data.len());
        &data[start..end]
    }

    /// The instance's memories, in index order: name (from the name section) or none, size
    /// in pages and bytes, page size, 64-bit addresses, shared.
    pub fn memories(&self) -> Vec<MemoryView> {
        let inst = &self.store.instances[self.instance.0 as usize];
        inst.memories
            .iter()
            .enumerate()
            .map(|(i, &m)| {
                let mem = self.store.memory(m);
                let spec = mem.spec();
                MemoryView {
                    index: i as u32,
                    name: inst.module.memory_name(i as u32).map(str::to_string),
                    pages: mem.pages(),
                    bytes: mem.data().len() as u64,
                    page_size: mem.page_size(),
                    max: spec.max,
                    memory64: spec.memory64,
                    shared: spec.shared,
                }
            })
            .collect()
    }

    /// The call frames, outermost first, with locals and typed operands.
    pub fn frames(&mut self) -> Vec<FrameView> {
        (0..self.machine.frames.len()).filter_map(|k| self.frame(k)).collect()
    }

    /// Where frame `k` (0 is the outermost) is, without its locals and operands.
    pub fn frame_position(&mut self, k: usize) -> Option<Position> {
        let f = self.machine.frames.get(k)?.clone();
        let info = self.info_at(f.func).ok()?;
        let top = k + 1 == self.machine.frames.len();
        let pc = if top { f.pc as usize } else { (f.pc as usize).saturating_sub(1) };
        let offset = f.code.offsets.get(pc).copied().unwrap_or(0);
        let line = info.line_at(offset).unwrap_or(0);
        Some(Position {
            func: info.index,
            func_name: info.name.clone(),
            offset,
            line,
            text: info.lines.get(line).map(|l| l.text.clone()).unwrap_or_default(),
        })
    }

    /// Frame `k` (0 is the outermost).
    pub fn frame(&mut self, k: usize) -> Option<FrameView> {
        let f = self.machine.frames.get(k)?.clone();
        let info = self.info_at(f.func).ok()?;
        let top = k + 1 == self.machine.frames.len();
        let cells = self.machine.stack.as_slice();
        let pc = if top { f.pc as usize } else { (f.pc as usize).saturating_sub(1) };
        let offset = f.code.offsets.get(pc).copied().unwrap_or(0);
        let line = info.line_at(offset).unwrap_or(0);
        let fp = f.fp as usize;
        let end = if top { cells.len() } else { self.machine.frames[k + 1].fp as usize };
        // Values take one cell or two (a v128): walk the cells by type.
        let mut at = fp;
        let next = |at: &mut usize, t: ValType| {
            let v = match t.cells() {
                1 => Value::from_raw(t, cells.get(*at).copied().unwrap_or(0)),
                _ => Value::from_cells(t, cells.get(*at..end.max(*at)).unwrap_or(&[])),
            };
            *at += t.cells();
            v
        };
        let locals = info
            .local_types
            .iter()
            .enumerate()
            .map(|(i, &t)| LocalView {
                index: i as u32,
                name: info.local_names.get(i).cloned().flatten(),
                value: next(&mut at, t),
            })
            .collect();
        // Operands start after every local cell (a legacy `try`'s hidden local included).
        at = at.max(fp + (f.code.num_params + f.code.num_locals) as usize);
        let types = info.operand_types(line);
        let heights = info.block_heights(line);
        let mut operands = Vec::with_capacity(end.saturating_sub(at));
        let mut h = 0;
        while at < end {
            let block = heights.iter().rposition(|&bh| bh as usize <= h).unwrap_or(0) as u32;
            operands.push(OperandView { value: next(&mut at, types.get(h).copied().unwrap_or(ValType::I64)), block });
            h += 1;
        }
        Some(FrameView {
            position: Position {
                func: info.index,
                func_name: info.name.clone(),
                offset,
                line,
                text: info.lines.get(line).map(|l| l.text.clone()).unwrap_or_default(),
            },
            locals,
            operands,
            unwinding: self.unwinding(k),
        })
    }

    /// Position of the innermost frame.
    pub fn position(&mut self) -> Option<Position> {
        let f = self.machine.frames.last()?.clone();
        let info = self.info_at(f.func).ok()?;
        let offset = *f.code.offsets.get(f.pc as usize)?;
        let line = info.line_at(offset)?;
        Some(Position {
            func: info.index,
            func_name: info.name.clone(),
            offset,
            line,
            text: info.lines[line].text.clone(),
        })
    }

    pub fn globals(&self) -> Vec<GlobalView> {
        let inst = &self.store.instances[self.instance.0 as usize];
        inst.globals
            .iter()
            .enumerate()
            .map(|(i, &g)| GlobalView {
                index: i as u32,
                name: inst.module.names.globals.get(&(i as u32)).cloned(),
                value: self.store.global(g),
                mutable: self.store.global_type(g).mutable,
                ty: inst.module.globals.get(i).map_or(self.store.global_type(g).ty, |t| t.ty),
            })
            .collect()
    }

    pub fn tables(&self) -> Vec<TableView> {
        let inst = &self.store.instances[self.instance.0 as usize];
        inst.tables
            .iter()
            .enumerate()
            .map(|(i, &t)| {
                let t = self.store.table(t);
                let n = t.size().min(64);
                let entries =
                    t.slice(0, n as u64).unwrap_or(&[]).iter().map(|&r| Value::from_raw(t.elem_type(), r)).collect();
                // The declared element type (the module's type indices, as for globals).
                let elem = inst.module.tables.get(i).map_or(t.elem_type(), |t| t.elem);
                TableView { index: i as u32, elem, size: t.size(), entries }
            })
            .collect()
    }

    /// Memory 0's size in pages.
    pub fn memory_pages(&self) -> Option<u64> {
        let inst = &self.store.instances[self.instance.0 as usize];
        inst.memories.first().map(|&m| self.store.memory(m).pages())
    }

    /// `(address, length)` of memory 0 written by the last step (of `last_writes_in`).
    pub fn last_writes(&self) -> Vec<(u64, u32)> {
        self.last_writes_in.iter().filter(|w| w.0 == 0).map(|&(_, addr, len)| (addr, len)).collect()
    }

    /// `(memory index, address, length)` of every memory of the instance written by the
    /// last step (`last_writes` is memory 0's alone).
    pub fn last_writes_in(&self) -> &[(u32, u64, u32)] {
        &self.last_writes_in
    }

    /// Steps that can be undone.
    pub fn history_len(&self) -> usize {
        self.history.len()
    }

    /// Everything at once.
    pub fn snapshot(&mut self) -> Snapshot {
        Snapshot {
            stop: self.stop.clone(),
            frames: self.frames(),
            globals: self.globals(),
            memory_pages: self.memory_pages(),
            last_writes: self.last_writes(),
            tables: self.tables(),
            executed: self.machine.executed,
            history: self.history.len(),
        }
    }
}
