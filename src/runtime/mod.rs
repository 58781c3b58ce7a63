//! Runtime structures: the [`Store`] that owns every function, table, memory, global and
//! instance, linking of imports, and instantiation in the order the spec defines up to the
//! start function ([`Store::link`]). Running code, the start function included, is the
//! exec layer's (`exec::Call`, `exec::Config`): nothing here runs guest code.

pub mod heap;
pub mod memory;
pub mod table;

use crate::decode::{ConstOp, DataMode, ElemMode, ExternKind, ExternType, GlobalType, Module};
use crate::error::{Error, Result};
use crate::trap::{Trap, TrapCode};
use crate::value::{CompositeType, FuncType, HeapType, Raw, RefType, SubType, ValType, Value};
pub use memory::Memory;
use std::collections::HashMap;
use std::rc::Rc;
pub use table::Table;

/// Resource limits applied by the store and the machine.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Deepest wasm call nesting before the trap `call stack exhausted`.
    pub max_call_depth: u32,
    /// Most value-stack cells (locals and operands of all frames together).
    pub max_stack_values: usize,
    /// Most pages any one memory may have (creation fails, `memory.grow` returns -1).
    pub max_memory_pages: u32,
    /// Most elements any one table may have.
    pub max_table_elems: u32,
    /// Instructions a call may execute before the trap `out of fuel` (`None`: unlimited).
    pub fuel: Option<u64>,
    /// Most bytes of live GC objects (structs and arrays); an allocation beyond it traps
    /// "out of memory: the GC heap limit is reached".
    pub max_heap_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_call_depth: 10_000,
            max_stack_values: 4 << 20,
            max_memory_pages: memory::MAX_PAGES,
            max_table_elems: 10_000_000,
            fuel: None,
            max_heap_bytes: 1 << 30,
        }
    }
}

/// Something an instance exports or a module imports: a store address of some kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Extern {
    Func(u32),
    Table(u32),
    Memory(u32),
    Global(u32),
    /// A tag (exception handling): a store tag address. Tag identity is the address: each
    /// instantiation of a tag definition (or `Store::alloc_tag`) makes a new one.
    Tag(u32),
}

/// A handle to an instance in a [`Store`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct InstanceId(pub u32);

/// A change a host function made to its caller's memory, with the state before it (the
/// debugger's undo log).
#[derive(Debug, Clone)]
pub(crate) enum HostEffect {
    Write {
        mem: u32,
        addr: u32,
        old: Vec<u8>,
    },
    Grow {
        mem: u32,
        pages: u64,
    },
    /// Something outside the machine that undoing the call cannot take back (output printed,
    /// a file written), described for the user.
    Outside(String),
    /// The host function called back into wasm ([`Caller::call`]), which changed what the
    /// undo log cannot see: stepping back cannot go past this call.
    Reentered(String),
}

/// How a host function calls back into wasm: implemented by `exec` (the layer that runs
/// code), handed to the host inside its [`Caller`].
pub(crate) trait Reenter {
    /// Calls the function at store address `func` to completion on a machine of its own,
    /// while the machines below wait (their cells are roots of the collector meanwhile):
    /// the results, or the trap, and the address of the exception that escaped, if any.
    fn call(&mut self, store: &mut Store, func: u32, args: &[Value]) -> (Result<Vec<Value>, Trap>, Option<u32>);
}

/// What a host function sees of its caller: the calling instance's memory 0, read freely and
/// written through methods (so that a debugger can undo the writes), its exports, which it
/// may call ([`Caller::call`]), and a way to throw a wasm exception ([`Caller::throw`]).
pub struct Caller<'a> {
    store: &'a mut Store,
    /// The calling instance (none for a host function called directly).
    instance: Option<u32>,
    memory: Option<u32>,
    journal: Option<&'a mut Vec<HostEffect>>,
    reenter: Option<&'a mut dyn Reenter>,
    pause: bool,
    /// The exception the host throws if it returns an `uncaught exception` trap: the last
    /// one a call back into wasm let escape, or the one [`Caller::throw`] made.
    thrown: Option<u32>,
}

impl<'a> Caller<'a> {
    pub(crate) fn new(
        store: &'a mut Store,
        instance: Option<u32>,
        journal: Option<&'a mut Vec<HostEffect>>,
        reenter: Option<&'a mut dyn Reenter>,
    ) -> Self {
        let memory = instance.and_then(|i| store.instances[i as usize].memories.first().copied());
        Caller { store, instance, memory, journal, reenter, pause: false, thrown: None }
    }

    /// Asks the machine to pause once this host function has returned: `Machine::run`
    /// returns `Outcome::Paused(PauseReason::Host)` with the results pushed, and running
    /// again continues after the call. For a host that must wait without blocking (a sleep
    /// in the page).
    pub fn pause(&mut self) {
        self.pause = true;
    }

    pub(crate) fn pause_requested(&self) -> bool {
        self.pause
    }

    /// The exception to throw at the call if the host returned an `uncaught exception` trap.
    pub(crate) fn thrown(&self, t: &Trap) -> Option<u32> {
        self.thrown.filter(|_| t.code == TrapCode::UncaughtException)
    }

    /// Tells a debugger that records this call what it changed outside the machine, which
    /// stepping back over the call cannot undo ("fd_write: 14 bytes to stdout"). `what` is
    /// only called while a debugger records (not in a full-speed run); an empty text notes
    /// nothing.
    pub fn not_undoable(&mut self, what: impl FnOnce(&Self) -> String) {
        if self.journal.is_some() {
            let what = what(self);
            if !what.is_empty()
                && let Some(j) = self.journal.as_mut()
            {
                j.push(HostEffect::Outside(what));
            }
        }
    }

    /// The calling instance's memory 0, if it has one.
    pub fn memory(&self) -> Option<&Memory> {
        self.memory.map(|m| &self.store.memories[m as usize])
    }

    fn no_memory() -> Trap {
        Trap::host("the calling module has no memory")
    }

    /// Reads `len` bytes at `addr` of the caller's memory.
    pub fn read_memory(&self, addr: u32, len: u32) -> Result<&[u8], Trap> {
        self.memory().ok_or_else(Self::no_memory)?.read(addr, len).map_err(Trap::new)
    }

    /// Writes `bytes` at `addr` of the caller's memory (all or nothing).
    pub fn write_memory(&mut self, addr: u32, bytes: &[u8]) -> Result<(), Trap> {
        let mem = self.memory.ok_or_else(Self::no_memory)?;
        let m = &mut self.store.memories[mem as usize];
        if let Some(j) = self.journal.as_mut() {
            let old = m.read(addr, bytes.len() as u32).map_err(Trap::new)?.to_vec();
            j.push(HostEffect::Write { mem, addr, old });
        }
        m.write(addr as u64, bytes).map_err(Trap::new)
    }

    /// Grows the caller's memory like `memory.grow`: the old size, or `None`.
    pub fn grow_memory(&mut self, delta: u32) -> Option<u32> {
        let mem = self.memory?;
        let old = self.store.memories[mem as usize].grow(delta as u64)?;
        if let Some(j) = self.journal.as_mut() {
            j.push(HostEffect::Grow { mem, pages: old });
        }
        Some(old as u32)
    }

    /// The calling instance's export `name`.
    pub fn get_export(&self, name: &str) -> Option<Extern> {
        self.store.export(InstanceId(self.instance?), name)
    }

    /// Calls the function at store address `func` (an export's, [`Caller::get_export`]) with
    /// `args`, to completion, and returns its results. It runs at full speed on a machine of
    /// its own; its frames are not the debugger's to step through, and a debugger that
    /// records this call cannot step back over it (it says so). An exception it lets escape
    /// comes back as an `uncaught exception` trap: returning that trap from the host
    /// function throws the exception on, at the call of the host function, where the wasm
    /// frames below may catch it.
    pub fn call(&mut self, func: u32, args: &[Value]) -> Result<Vec<Value>, Trap> {
        let Some(reenter) = self.reenter.as_mut() else {
            return Err(Trap::host("this host function cannot call back into wasm here"));
        };
        if self.store.funcs.get(func as usize).is_none() {
            return Err(Trap::host(format!("no function at store address {func}")));
        }
        if let Some(j) = self.journal.as_mut() {
            j.push(HostEffect::Reentered(format!("a host function called back into wasm (function {func})")));
        }
        // An exception held for throwing stays alive while the callee runs.
        if let Some(e) = self.thrown {
            self.store.parked.push(vec![e as Raw + 1]);
        }
        let (r, escaped) = reenter.call(self.store, func, args);
        if self.thrown.is_some() {
            self.store.parked.pop();
        }
        if escaped.is_some() {
            self.thrown = escaped;
        }
        r
    }

    /// Calls the calling instance's exported function `name` ([`Caller::call`]).
    pub fn call_export(&mut self, name: &str, args: &[Value]) -> Result<Vec<Value>, Trap> {
        match self.get_export(name) {
            Some(Extern::Func(f)) => self.call(f, args),
            Some(_) => Err(Trap::host(format!("export `{name}` is not a function"))),
            None => Err(Trap::host(format!("no export named `{name}`"))),
        }
    }

    /// Makes a wasm exception of tag `tag` (a store address: an exported or imported tag's
    /// [`Extern::Tag`]) with `payload`, and returns the trap that throws it when the host
    /// function returns it (`return Err(caller.throw(tag, &[..])?)`). The payload must have
    /// the tag's parameter types.
    pub fn throw(&mut self, tag: u32, payload: &[Value]) -> Result<Trap, Trap> {
        let ty = self
            .store
            .tags
            .get(tag as usize)
            .map(|t| t.ty)
            .ok_or_else(|| Trap::host(format!("no tag at store address {tag}")))?;
        let params = self.store.types[ty as usize].params.clone();
        if params.len() != payload.len() || params.iter().zip(payload).any(|(&t, v)| !self.store.value_matches(v, t)) {
            return Err(Trap::host(format!(
                "an exception of tag {tag} needs a payload of types [{}]",
                params.iter().map(|t| t.to_string()).collect::<Vec<_>>().join(" ")
            )));
        }
        let mut cells = Vec::with_capacity(ValType::cells_of(&params));
        for (v, t) in payload.iter().zip(&params) {
            cells.extend_from_slice(&v.to_cells()[..t.cells()]);
        }
        let roots: Vec<Raw> = self.thrown.map(|e| e as Raw + 1).into_iter().collect();
        let addr = self.store.alloc_exception(Exception { tag, payload: cells.into() }, &roots).map_err(Trap::new)?;
        self.thrown = Some(addr);
        Ok(Trap {
            code: TrapCode::UncaughtException,
            func: None,
            offset: None,
            detail: Some(format!("thrown by a host function (tag at store address {tag})")),
        })
    }
}

/// A host function: plain Rust, typed values in, typed values (or a trap) out.
pub type HostFn = dyn Fn(&mut Caller<'_>, &[Value]) -> Result<Vec<Value>, Trap>;

pub(crate) enum FuncKind {
    /// Defined function `def` of `module`; `code` is its translation, made on first use
    /// (by `exec`, which owns translating).
    Wasm {
        module: Rc<Module>,
        instance: u32,
        def: u32,
        code: std::cell::OnceCell<Result<Rc<crate::ir::Code>>>,
    },
    Host(Rc<HostFn>),
}

pub(crate) struct FuncInst {
    /// Store-wide type id (structurally equal types share an id).
    pub ty: u32,
    pub kind: FuncKind,
}

#[derive(Debug, Clone)]
pub struct Global {
    /// The value's cell (a v128's low half).
    pub(crate) value: Raw,
    /// A v128's high half (0 for every other type).
    pub(crate) hi: Raw,
    pub(crate) ty: GlobalType,
}

/// A tag (exception handling): its type, a store type id (the payload is its parameters).
#[derive(Debug, Clone, Copy)]
pub(crate) struct TagInst {
    pub ty: u32,
}

/// An exception object (exception handling): the store address of its tag and the cells
/// of its payload values (the tag type's parameters). `exnref` cells hold its address + 1.
#[derive(Debug, Clone)]
pub(crate) struct Exception {
    pub tag: u32,
    pub payload: Box<[Raw]>,
}

pub(crate) struct Instance {
    pub module: Rc<Module>,
    pub types: Vec<u32>,
    pub funcs: Vec<u32>,
    pub tables: Vec<u32>,
    pub memories: Vec<u32>,
    pub globals: Vec<u32>,
    /// Store tag addresses, imported ones first.
    pub tags: Vec<u32>,
    /// Element segments, evaluated; a dropped segment is empty.
    pub elems: Vec<Rc<[Raw]>>,
    /// Data segments; a dropped segment is empty.
    pub datas: Vec<crate::decode::SharedBytes>,
}

/// The tag of a freed exception object.
pub(crate) const FREED_EXCEPTION: u32 = u32::MAX;

/// The least number of live exceptions that triggers a collection of exceptions.
pub const MIN_EXCEPTIONS: usize = 4096;

/// Owns all runtime state. Everything else refers into it by address.
#[derive(Default)]
pub struct Store {
    pub(crate) funcs: Vec<FuncInst>,
    pub(crate) tables: Vec<Table>,
    pub(crate) memories: Vec<Memory>,
    pub(crate) globals: Vec<Global>,
    pub(crate) tags: Vec<TagInst>,
    /// The exception objects (exception handling), by address; an `exnref` cell is an
    /// address plus one. Collected ([`Store::alloc_exception`]) like the heap's objects:
    /// a freed one's tag is [`FREED_EXCEPTION`], its slot on `exception_free` for the next
    /// throw.
    pub(crate) exceptions: Vec<Exception>,
    exception_free: Vec<u32>,
    /// Bytes of the live exceptions (`heap::object_bytes` of their payloads), which count
    /// against `Limits::max_heap_bytes` with the heap's objects.
    exception_bytes: usize,
    /// Live exceptions after the last collection of exceptions, twice (the next runs when
    /// as many are live, and at least [`MIN_EXCEPTIONS`]).
    exception_threshold: usize,
    pub(crate) instances: Vec<Instance>,
    /// The signature of every store type id (empty for a struct or array type).
    pub(crate) types: Vec<FuncType>,
    /// Every store type as defined, its concrete references (fields', signatures' and the
    /// supertype) by store type id.
    pub(crate) sub_types: Vec<SubType>,
    /// Canonical recursion groups: a group's types with references inside the group as
    /// `REC | k` and others as store ids, to the id of its first type. Equal keys are
    /// equal groups (iso-recursive type equality), in any module.
    rec_ids: HashMap<Vec<SubType>, u32>,
    /// The first cell of each field of every store type that is a struct (empty for
    /// others): a v128 field takes two cells.
    pub(crate) field_cells: Vec<Box<[u32]>>,
    /// The structs and arrays (GC).
    pub heap: heap::Heap,
    /// The value stacks of the machines waiting below a host function that called back into
    /// wasm ([`Caller::call`]): roots of the collector while the callee runs.
    pub(crate) parked: Vec<Vec<Raw>>,
    /// The Rust stack's address where the outermost of those calls began (`exec`'s limit on
    /// how deep they nest).
    pub(crate) nest_base: usize,
    registry: HashMap<(String, String), Extern>,
    pub limits: Limits,
}

/// An instance whose start function has not run yet, as [`Store::link`] leaves it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use = "the start function, if any, has not run: `exec::Config::run_start` runs it"]
pub struct Linked {
    pub instance: InstanceId,
    /// Store address of the module's start function, if it has one.
    pub start: Option<u32>,
}

impl Store {
    pub fn new(limits: Limits) -> Store {
        Store { limits, ..Store::default() }
    }

    /// The store-wide id of a function type whose concrete reference types name store ids
    /// (host function types do): a final type in a group of its own.
    pub(crate) fn type_id(&mut self, ty: &FuncType) -> u32 {
        self.rec_group_id(vec![SubType::func(ty.clone())])
    }

    /// The id of the first type of a canonical recursion group (see `rec_ids`), made if new.
    fn rec_group_id(&mut self, key: Vec<SubType>) -> u32 {
        if let Some(&id) = self.rec_ids.get(&key) {
            return id;
        }
        let base = self.sub_types.len() as u32;
        for t in &key {
            let mut t = t.clone();
            let resolve = |i: u32| if i & REC != 0 { base + (i & !REC) } else { i };
            for v in t.val_types_mut() {
                if let ValType::Ref(r) = v
                    && let Some(i) = r.heap.index()
                {
                    r.heap = r.heap.with_index(resolve(i));
                }
            }
            t.supertype = t.supertype.map(resolve);
            self.types.push(match &t.composite {
                CompositeType::Func(f) => f.clone(),
                _ => FuncType::default(),
            });
            self.field_cells.push(match &t.composite {
                CompositeType::Struct(fs) => fs
                    .iter()
                    .scan(0u32, |at, f| {
                        let first = *at;
                        *at += f.storage.unpacked().cells() as u32;
                        Some(first)
                    })
                    .collect(),
                _ => Box::new([]),
            });
            self.sub_types.push(t);
        }
        self.rec_ids.insert(key, base);
        base
    }

    /// The store-wide ids of a module's types, in order, group by group: a group's
    /// references to earlier groups name those groups' ids, its references inside itself
    /// are relative (`REC | k`), so equal groups of any modules get the same ids.
    fn module_type_ids(&mut self, module: &Module) -> Vec<u32> {
        let mut ids: Vec<u32> = Vec::with_capacity(module.sub_types.len());
        for &(start, len) in &module.rec_groups {
            let map = |i: u32| {
                if (start..start + len).contains(&i) {
                    REC | (i - start)
                } else {
                    ids.get(i as usize).copied().unwrap_or(u32::MAX)
                }
            };
            let key: Vec<SubType> = module.sub_types[start as usize..(start + len) as usize]
                .iter()
                .map(|t| {
                    let mut t = t.clone();
                    for v in t.val_types_mut() {
                        if let ValType::Ref(r) = v
                            && let Some(i) = r.heap.index()
                        {
                            r.heap = r.heap.with_index(map(i));
                        }
                    }
                    t.supertype = t.supertype.map(map);
                    t
                })
                .collect();
            let base = self.rec_group_id(key);
            ids.extend(base..base + len);
        }
        ids
    }

    /// Is store type `a` a subtype of store type `b` (`b` is `a` or one of its declared
    /// supertypes)?
    pub(crate) fn is_sub_id(&self, mut a: u32, b: u32) -> bool {
        loop {
            if a == b {
                return true;
            }
            match self.sub_types.get(a as usize).and_then(|t| t.supertype) {
                Some(s) => a = s,
                None => return false,
            }
        }
    }

    /// Whether a heap object's cell names a struct (`true`) or an array (`false`).
    pub fn is_struct_cell(&self, cell: Raw) -> Option<bool> {
        let o = self.heap.get(crate::value::gc_ref::heap_index(cell)?)?;
        Some(matches!(self.sub_types.get(o.ty as usize)?.composite, CompositeType::Struct(_)))
    }

    /// Does the reference in `cell` (of `t`'s hierarchy) have type `t` (store type ids)?
    /// What `ref.test`, `ref.cast` and `br_on_cast` ask.
    pub(crate) fn ref_test(&self, cell: Raw, t: RefType) -> bool {
        use crate::value::{Top, gc_ref};
        if cell == 0 {
            return t.nullable;
        }
        match t.heap {
            HeapType::Func | HeapType::Extern | HeapType::Any => true,
            HeapType::None | HeapType::NoFunc | HeapType::NoExtern => false,
            HeapType::Concrete(ty) => self.funcs.get((cell - 1) as usize).is_some_and(|f| self.is_sub_id(f.ty, ty)),
            h => {
                debug_assert_eq!(h.top(), Top::Any);
                if gc_ref::is_i31(cell) {
                    return matches!(h, HeapType::Eq | HeapType::I31);
                }
                let Some(o) = gc_ref::heap_index(cell).and_then(|i| self.heap.get(i)) else { return false };
                let is_struct = matches!(self.sub_types[o.ty as usize].composite, CompositeType::Struct(_));
                match h {
                    HeapType::Eq => true,
                    HeapType::Struct => is_struct,
                    HeapType::Array => !is_struct,
                    HeapType::ConcreteStruct(ty) | HeapType::ConcreteArray(ty) => self.is_sub_id(o.ty, ty),
                    _ => false,
                }
            }
        }
    }

    /// Collects the heap (see `heap.rs`): `stacks` are the running machine's value stack up
    /// to its height (and cells about to be stored), scanned conservatively, as exception
    /// payloads are; globals, tables and objects by their types, element segments and held
    /// references by their cells.
    pub(crate) fn collect(&mut self, stacks: &[&[Raw]]) -> u64 {
        use crate::value::{StorageType, Top, gc_ref};
        // Exceptions first: they share the limit, and a freed one's payload roots nothing.
        // Not in a debugger's recorded collection (`heap_view`, between instructions while
        // `no_collect` is on): its undo (`Heap::restore`) gives back heap objects only, and
        // step back over a throw takes exceptions back by address (`truncate_exceptions`).
        if !self.heap.no_collect {
            self.collect_exceptions(stacks);
        }
        let gc_top = |t: ValType| matches!(t, ValType::Ref(r) if matches!(r.top(), Top::Any | Top::Extern));
        let globals = self.globals.iter().filter(|g| gc_top(g.ty.ty)).map(|g| g.value);
        let tables = self.tables.iter().filter(|t| gc_top(t.ty)).flat_map(|t| t.elems.iter().copied());
        let elems = self.instances.iter().flat_map(|i| i.elems.iter().flat_map(|e| e.iter().copied()));
        let parked = self.parked.iter().flat_map(|s| s.iter().copied());
        let stack = stacks.iter().flat_map(|s| s.iter().copied()).chain(parked);
        // Exception payloads (exception handling) may hold GC references (a tag with an
        // `anyref` parameter): every payload cell of every exception the store keeps is a
        // root, conservatively, as the value stack is (the exceptions were collected just
        // above, and a freed one's payload is empty), so a collection never frees an object
        // only a live exception's payload refers to.
        let payloads = self.exceptions.iter().flat_map(|e| e.payload.iter().copied());
        let mut roots = stack.chain(globals).chain(tables).chain(elems).chain(payloads);
        let (sub_types, field_cells) = (&self.sub_types, &self.field_cells);
        // The reference cells of an object, by its type.
        let refs = |ty: u32, cells: &[Raw], out: &mut Vec<u32>| {
            let is_ref = |s: StorageType| matches!(s, StorageType::Val(t) if gc_top(t));
            let mut push = |c: Raw| {
                if let Some(i) = gc_ref::heap_index(c) {
                    out.push(i)
                }
            };
            match &sub_types[ty as usize].composite {
                CompositeType::Struct(fs) => {
                    for (k, f) in fs.iter().enumerate() {
                        if is_ref(f.storage) {
                            push(cells[field_cells[ty as usize][k] as usize]);
                        }
                    }
                }
                CompositeType::Array(f) if is_ref(f.storage) => cells.iter().for_each(|&c| push(c)),
                _ => {}
            }
        };
        self.heap.collect(&mut roots, &refs)
    }

    /// Makes exception object `e` (a throw): its address. Before that, when no debugger
    /// records (`Heap::no_collect`, which keeps the undo log's `truncate` exact) and enough
    /// exceptions are live, collects them: roots are `stack` (the running machine's cells
    /// up to its height) and `e`'s payload, conservatively (any cell `a + 1` keeps
    /// exception `a`), the globals and tables of exception type, the exception fields of
    /// the heap's structs and arrays, the cells the host holds ([`heap::Heap::hold`]), and
    /// the exception cells of the payloads of the exceptions so kept (by their tags' types).
    /// A freed slot is reused only then too.
    pub(crate) fn alloc_exception(&mut self, e: Exception, stack: &[Raw]) -> std::result::Result<u32, TrapCode> {
        let bytes = heap::object_bytes(e.payload.len());
        let over = |s: &Store| {
            s.heap.bytes().saturating_add(s.exception_bytes).saturating_add(bytes) > s.limits.max_heap_bytes
        };
        if !self.heap.no_collect {
            let live = self.exceptions.len() - self.exception_free.len();
            if live >= self.exception_threshold.max(MIN_EXCEPTIONS) || over(self) {
                self.collect_exceptions(&[stack, &e.payload[..]]);
            }
        }
        if over(self) {
            return Err(TrapCode::HeapExhausted);
        }
        self.exception_bytes += bytes;
        if !self.heap.no_collect
            && let Some(i) = self.exception_free.pop()
        {
            self.exceptions[i as usize] = e;
            return Ok(i);
        }
        self.exceptions.push(e);
        Ok(self.exceptions.len() as u32 - 1)
    }

    /// Takes back the exceptions from address `n` on (the debugger's step back over throws).
    pub(crate) fn truncate_exceptions(&mut self, n: usize) {
        for e in self.exceptions.get(n..).unwrap_or(&[]) {
            if e.tag != FREED_EXCEPTION {
                self.exception_bytes -= heap::object_bytes(e.payload.len());
            }
        }
        self.exceptions.truncate(n);
        self.exception_free.retain(|&a| (a as usize) < n);
    }

    /// Frees the exceptions nothing refers to (see [`Store::alloc_exception`]): how many.
    pub(crate) fn collect_exceptions(&mut self, stacks: &[&[Raw]]) -> usize {
        use crate::value::{StorageType, Top};
        let n = self.exceptions.len();
        let is_exn = |t: ValType| matches!(t, ValType::Ref(r) if r.top() == Top::Exn);
        let mut marked = vec![false; n];
        let mut work: Vec<u32> = Vec::new();
        let mark = |c: Raw, marked: &mut [bool], work: &mut Vec<u32>| {
            if let Some(a) = c.checked_sub(1)
                && (a as usize) < n
                && !marked[a as usize]
            {
                marked[a as usize] = true;
                work.push(a as u32);
            }
        };
        let globals = self.globals.iter().filter(|g| is_exn(g.ty.ty)).map(|g| g.value);
        let tables = self.tables.iter().filter(|t| is_exn(t.ty)).flat_map(|t| t.elems.iter().copied());
        let parked = self.parked.iter().flat_map(|s| s.iter().copied());
        let stack = stacks.iter().flat_map(|s| s.iter().copied()).chain(parked);
        for c in stack.chain(globals).chain(tables).chain(self.heap.held_cells()) {
            mark(c, &mut marked, &mut work);
        }
        // The heap's exception fields, by type (none in most programs: then no object is
        // looked at).
        let exn_cells: Vec<Vec<usize>> = (0..self.sub_types.len())
            .map(|t| match &self.sub_types[t].composite {
                CompositeType::Struct(fs) => (fs.iter().enumerate())
                    .filter(|(_, f)| matches!(f.storage, StorageType::Val(v) if is_exn(v)))
                    .map(|(k, _)| self.field_cells[t][k] as usize)
                    .collect(),
                CompositeType::Array(f) if matches!(f.storage, StorageType::Val(v) if is_exn(v)) => vec![usize::MAX],
                _ => Vec::new(),
            })
            .collect();
        if exn_cells.iter().any(|c| !c.is_empty()) {
            for o in self.heap.objects.iter().flatten() {
                match exn_cells.get(o.ty as usize).map(Vec::as_slice) {
                    Some([usize::MAX]) => o.cells.iter().for_each(|&c| mark(c, &mut marked, &mut work)),
                    Some(at) => at.iter().for_each(|&k| mark(o.cells[k], &mut marked, &mut work)),
                    None => {}
                }
            }
        }
        // The payloads' exception cells, by the tag's type (an i32 payload read as a
        // reference would keep a chain of exceptions alive).
        while let Some(a) = work.pop() {
            let e = &self.exceptions[a as usize];
            let Some(tag) = self.tags.get(e.tag as usize) else { continue };
            let mut at = 0;
            for &t in self.types[tag.ty as usize].params.iter() {
                if is_exn(t)
                    && let Some(&c) = e.payload.get(at)
                {
                    mark(c, &mut marked, &mut work);
                }
                at += t.cells();
            }
        }
        let mut freed = 0;
        for (a, e) in self.exceptions.iter_mut().enumerate() {
            if !marked[a] && e.tag != FREED_EXCEPTION {
                self.exception_bytes -= heap::object_bytes(e.payload.len());
                *e = Exception { tag: FREED_EXCEPTION, payload: Box::new([]) };
                self.exception_free.push(a as u32);
                freed += 1;
            }
        }
        self.exception_threshold = (n - self.exception_free.len()).saturating_mul(2);
        freed
    }

    /// Exception objects: how many are live, and how many slots there are (live or freed).
    pub fn exception_count(&self) -> (usize, usize) {
        (self.exceptions.len() - self.exception_free.len(), self.exceptions.len())
    }

    /// The most bytes the heap's objects may take now: the limit less the live exceptions'.
    pub(crate) fn heap_room(&self) -> usize {
        self.limits.max_heap_bytes.saturating_sub(self.exception_bytes)
    }

    /// Allocates a struct or array of store type `ty` with these cells: its reference.
    pub(crate) fn alloc_object(&mut self, ty: u32, cells: Box<[Raw]>) -> std::result::Result<Raw, TrapCode> {
        let (i, _) = self.heap.alloc(ty, cells, self.heap_room())?;
        Ok(crate::value::gc_ref::heap(i))
    }

    /// Subtyping of reference types in store type ids.
    pub(crate) fn ref_subtype(&self, a: RefType, b: RefType) -> bool {
        a.is_subtype_of_with(b, |x, y| self.is_sub_id(x, y))
    }

    /// Subtyping of value types in store type ids.
    pub(crate) fn val_subtype(&self, a: ValType, b: ValType) -> bool {
        match (a, b) {
            (ValType::Ref(a), ValType::Ref(b)) => self.ref_subtype(a, b),
            (a, b) => a == b,
        }
    }

    /// Can `v` be a value of type `ty` (store type ids in its concrete types): it fits the
    /// type, names something of this store, and a function of a concrete type has it.
    pub(crate) fn value_matches(&self, v: &Value, ty: ValType) -> bool {
        if !v.fits(ty) || !self.valid_value(v) {
            return false;
        }
        match (v, ty) {
            (Value::FuncRef(Some(f)), ValType::Ref(RefType { heap: HeapType::Concrete(t), .. })) => {
                self.funcs.get(*f as usize).is_some_and(|f| self.is_sub_id(f.ty, t))
            }
            _ => true,
        }
    }

    // ---- host-side allocation and registration ----

    /// Adds a host function; returns its address.
    pub fn host_func(
        &mut self,
        ty: FuncType,
        f: impl Fn(&mut Caller<'_>, &[Value]) -> Result<Vec<Value>, Trap> + 'static,
    ) -> Extern {
        let ty = self.type_id(&ty);
        self.funcs.push(FuncInst { ty, kind: FuncKind::Host(Rc::new(f)) });
        Extern::Func(self.funcs.len() as u32 - 1)
    }

    /// Adds a global. The value must have the global's type (and name a function of this
    /// store if it is a function reference).
    pub fn alloc_global(&mut self, ty: GlobalType, value: Value) -> Result<Extern> {
        if !self.value_matches(&value, ty.ty) {
            return Err(Error::BadCall(format!("global of type {} cannot hold {value}", ty.ty)));
        }
        let [value, hi] = value.to_cells();
        self.globals.push(Global { value, hi, ty });
        Ok(Extern::Global(self.globals.len() as u32 - 1))
    }

    pub fn alloc_table(&mut self, ty: ValType, min: u32, max: Option<u32>) -> Result<Extern> {
        self.alloc_table_type(crate::decode::TableType::new(ty, min, max))
    }

    /// Adds a tag whose payload is `ty`'s parameters (`ty` has no results): a new identity,
    /// importable as a tag of an equal type.
    pub fn alloc_tag(&mut self, ty: FuncType) -> Result<Extern> {
        if !ty.results.is_empty() {
            return Err(Error::BadCall(format!("a tag's type has no results: {ty}")));
        }
        let ty = self.type_id(&ty);
        self.tags.push(TagInst { ty });
        Ok(Extern::Tag(self.tags.len() as u32 - 1))
    }

    /// The tag and payload of exception `exn` (a store exception address), the payload
    /// typed by the tag's type.
    pub fn exception(&self, exn: u32) -> Option<(u32, Vec<Value>)> {
        let e = self.exceptions.get(exn as usize).filter(|e| e.tag != FREED_EXCEPTION)?;
        let ty = &self.types[self.tags[e.tag as usize].ty as usize];
        let mut at = 0;
        let values = ty
            .params
            .iter()
            .map(|&t| {
                let v = Value::from_cells(t, e.payload.get(at..).unwrap_or(&[]));
                at += t.cells();
                v
            })
            .collect();
        Some((e.tag, values))
    }

    /// Adds a table of any type (table64 too), its elements null: not of a non-nullable
    /// reference type (which needs an initial value).
    pub fn alloc_table_type(&mut self, t: crate::decode::TableType) -> Result<Extern> {
        if !t.elem.is_defaultable() {
            return Err(Error::BadCall(format!("a table of {} needs an initial value", t.elem)));
        }
        self.alloc_table_init(t, 0)
    }

    /// Adds a table with every element `init` (a reference cell).
    fn alloc_table_init(&mut self, t: crate::decode::TableType, init: Raw) -> Result<Extern> {
        let (ty, min, max) = (t.elem, t.min, t.max);
        if !ty.is_ref() || max.is_some_and(|m| m < min) || (!t.table64 && max.unwrap_or(min) > u32::MAX as u64) {
            return Err(Error::BadCall(format!("invalid table type: {min} {max:?} {ty}")));
        }
        let t = Table::with_limits(ty, min, max, t.table64, init, self.limits.max_table_elems).map_err(Error::Link)?;
        self.tables.push(t);
        Ok(Extern::Table(self.tables.len() as u32 - 1))
    }

    pub fn alloc_memory(&mut self, min: u32, max: Option<u32>) -> Result<Extern> {
        self.alloc_memory_type(crate::decode::MemoryType::new(min, max))
    }

    /// Adds a memory of any type (memory64, shared, custom page size).
    pub fn alloc_memory_type(&mut self, t: crate::decode::MemoryType) -> Result<Extern> {
        let spec = memory::MemorySpec {
            min: t.min,
            max: t.max,
            memory64: t.memory64,
            shared: t.shared,
            page_log2: t.page_size_log2,
        };
        let (min, max) = (t.min, t.max);
        if max.is_some_and(|m| m < min)
            || max.unwrap_or(min) > spec.spec_max()
            || !matches!(t.page_size_log2, 0 | 16)
            || (t.shared && max.is_none())
        {
            return Err(Error::BadCall(format!("invalid memory type: {min} {max:?}")));
        }
        let m = Memory::with_spec(spec, self.limits.max_memory_pages).map_err(Error::Link)?;
        self.memories.push(m);
        Ok(Extern::Memory(self.memories.len() as u32 - 1))
    }

    /// Makes `item` importable as `module`.`name`.
    pub fn define(&mut self, module: &str, name: &str, item: Extern) {
        self.registry.insert((module.to_string(), name.to_string()), item);
    }

    /// Is something importable as `module`.`name`?
    pub fn is_defined(&self, module: &str, name: &str) -> bool {
        self.registry.contains_key(&(module.to_string(), name.to_string()))
    }

    /// Makes every export of `instance` importable under the module name `name`.
    pub fn register(&mut self, name: &str, instance: InstanceId) {
        let module = self.instances[instance.0 as usize].module.clone();
        for e in &module.exports {
            if let Some(x) = self.export(instance, &e.name) {
                self.define(name, &e.name, x);
            }
        }
    }

    // ---- inspection ----

    /// The export `name` of `instance`.
    pub fn export(&self, instance: InstanceId, name: &str) -> Option<Extern> {
        let inst = self.instances.get(instance.0 as usize)?;
        let e = inst.module.export(name)?;
        let i = e.index as usize;
        Some(match e.kind {
            ExternKind::Func => Extern::Func(*inst.funcs.get(i)?),
            ExternKind::Table => Extern::Table(*inst.tables.get(i)?),
            ExternKind::Memory => Extern::Memory(*inst.memories.get(i)?),
            ExternKind::Global => Extern::Global(*inst.globals.get(i)?),
            ExternKind::Tag => Extern::Tag(*inst.tags.get(i)?),
        })
    }

    pub fn module(&self, instance: InstanceId) -> &Rc<Module> {
        &self.instances[instance.0 as usize].module
    }

    pub fn func_type(&self, func: u32) -> &FuncType {
        &self.types[self.funcs[func as usize].ty as usize]
    }

    pub fn global(&self, global: u32) -> Value {
        let g = &self.globals[global as usize];
        Value::from_cells(g.ty.ty, &[g.value, g.hi])
    }

    pub fn global_type(&self, global: u32) -> GlobalType {
        self.globals[global as usize].ty
    }

    pub fn memory(&self, mem: u32) -> &Memory {
        &self.memories[mem as usize]
    }

    pub fn memory_mut(&mut self, mem: u32) -> &mut Memory {
        &mut self.memories[mem as usize]
    }

    pub fn table(&self, table: u32) -> &Table {
        &self.tables[table as usize]
    }

    /// The type of an external value, as import matching sees it.
    /// The type of an external value, or `None` if the address names nothing in this store.
    pub fn extern_type(&self, x: Extern) -> Option<ExternType> {
        Some(match x {
            Extern::Func(f) => ExternType::Func(self.types[self.funcs.get(f as usize)?.ty as usize].clone()),
            Extern::Table(t) => {
                let t = self.tables.get(t as usize)?;
                ExternType::Table(crate::decode::TableType {
                    elem: t.ty,
                    min: t.size() as u64,
                    max: t.max(),
                    table64: t.is_64(),
                })
            }
            Extern::Memory(m) => {
                let m = self.memories.get(m as usize)?;
                let spec = m.spec();
                ExternType::Memory(crate::decode::MemoryType {
                    min: m.pages(),
                    max: m.max(),
                    memory64: spec.memory64,
                    shared: spec.shared,
                    page_size_log2: spec.page_log2,
                })
            }
            Extern::Global(g) => ExternType::Global(self.globals.get(g as usize)?.ty),
            Extern::Tag(t) => ExternType::Tag(self.types[self.tags.get(t as usize)?.ty as usize].clone()),
        })
    }

    /// Does `v` make sense in this store (a function reference must name a function)?
    pub(crate) fn valid_value(&self, v: &Value) -> bool {
        match v {
            Value::FuncRef(Some(f)) => (*f as usize) < self.funcs.len(),
            Value::ExnRef(Some(e)) => self.exceptions.get(*e as usize).is_some_and(|x| x.tag != FREED_EXCEPTION),
            // A GC reference names a live object of this store's heap (or is an i31 or a
            // host reference).
            Value::AnyRef(Some(c)) | Value::ExternAny(c) => {
                crate::value::gc_ref::heap_index(*c).is_none_or(|i| self.heap.get(i).is_some())
            }
            _ => true,
        }
    }

    // ---- instantiation ----

    /// Resolves the module's imports against what was [`define`](Self::define)d or
    /// [`register`](Self::register)ed, then [`link_with`](Self::link_with)s it.
    pub fn link(&mut self, module: Rc<Module>) -> Result<Linked> {
        let mut missing = Vec::new();
        let mut imports = Vec::new();
        for imp in &module.imports {
            match self.registry.get(&(imp.module.clone(), imp.name.clone())) {
                Some(&x) => imports.push(x),
                None => missing.push(format!("{}.{}: {}", imp.module, imp.name, imp.ty)),
            }
        }
        if !missing.is_empty() {
            let n = missing.len();
            let list = missing.join("\n  ");
            return Err(Error::Link(format!(
                "unknown import{}: the module needs {n} import{} nothing provides:\n  {list}",
                if n == 1 { "" } else { "s" },
                if n == 1 { "" } else { "s" }
            )));
        }
        self.link_with(module, &imports)
    }

    /// Instantiates `module` with explicitly given imports (in import order), in spec
    /// order up to the start function: imports → allocation → element segments → data
    /// segments. The start function is returned, not run (`exec::Call::instantiate_with`
    /// runs it). When a segment traps, what the segments before it wrote stays (as the
    /// spec says), and so does the unfinished instance in the store.
    pub fn link_with(&mut self, module: Rc<Module>, imports: &[Extern]) -> Result<Linked> {
        if imports.len() != module.imports.len() {
            return Err(Error::Link(format!("module needs {} imports, {} given", module.imports.len(), imports.len())));
        }
        let id = self.instances.len() as u32;
        let mut inst = Instance {
            module: module.clone(),
            types: self.module_type_ids(&module),
            funcs: Vec::new(),
            tables: Vec::new(),
            memories: Vec::new(),
            globals: Vec::new(),
            tags: Vec::new(),
            elems: Vec::new(),
            datas: Vec::new(),
        };
        // 1. Check and bind imports.
        let mut func_imports = 0;
        let mut tag_imports = 0;
        for (imp, &x) in module.imports.iter().zip(imports) {
            let Some(actual) = self.extern_type(x) else {
                return Err(Error::Link(format!(
                    "import {}.{} is bound to {x:?}, which does not exist in this store",
                    imp.module, imp.name
                )));
            };
            // A function matches by type id: its type or one of its declared supertypes.
            let ok = match (&imp.ty, x) {
                (ExternType::Func(_), Extern::Func(f)) => {
                    let want = inst.types[module.funcs[func_imports] as usize];
                    self.is_sub_id(self.funcs[f as usize].ty, want)
                }
                // A tag by type id too, and only its own: a tag's type is used both ways
                // (thrown and caught), so it must be equivalent (GC: the same rec group type).
                (ExternType::Tag(_), Extern::Tag(t)) => {
                    self.tags[t as usize].ty == inst.types[module.tags[tag_imports] as usize]
                }
                _ => self.import_matches(&canonical_extern(&imp.ty, &inst.types), &actual),
            };
            match imp.ty {
                ExternType::Func(_) => func_imports += 1,
                ExternType::Tag(_) => tag_imports += 1,
                _ => {}
            }
            if !ok {
                return Err(Error::Link(format!(
                    "incompatible import type for {}.{}: expected {}, found {}",
                    imp.module, imp.name, imp.ty, actual
                )));
            }
            match x {
                Extern::Func(a) => inst.funcs.push(a),
                Extern::Table(a) => inst.tables.push(a),
                Extern::Memory(a) => inst.memories.push(a),
                Extern::Global(a) => inst.globals.push(a),
                Extern::Tag(a) => inst.tags.push(a),
            }
        }
        // 2. Allocate functions, tags, tables, memories, globals.
        for def in 0..module.bodies.len() as u32 {
            let ty = inst.types[module.funcs[(module.num_imported_funcs + def) as usize] as usize];
            self.funcs.push(FuncInst {
                ty,
                kind: FuncKind::Wasm { module: module.clone(), instance: id, def, code: Default::default() },
            });
            inst.funcs.push(self.funcs.len() as u32 - 1);
        }
        // Each instantiation makes new tags (a tag's identity is its address).
        for &t in &module.tags[module.num_imported_tags as usize..] {
            self.tags.push(TagInst { ty: inst.types[t as usize] });
            inst.tags.push(self.tags.len() as u32 - 1);
        }
        for m in &module.memories[module.num_imported_memories as usize..] {
            let Extern::Memory(a) = self.alloc_memory_type(*m)? else { unreachable!() };
            inst.memories.push(a);
        }
        for (i, init) in module.global_inits.iter().enumerate() {
            let ty = module.globals[module.num_imported_globals as usize + i];
            let (value, hi) = match init[..] {
                // A v128 init expression: its one constant, or a v128 global's value.
                [ConstOp::V128(v)] => (v as Raw, (v >> 64) as Raw),
                [ConstOp::GlobalGet(g)] if ty.ty == ValType::V128 => {
                    let bad = || Error::Decode { message: "malformed constant expression".into(), offset: None };
                    let g = &self.globals[*inst.globals.get(g as usize).ok_or_else(bad)? as usize];
                    (g.value, g.hi)
                }
                _ => (self.eval_const(&inst, init)?, 0),
            };
            let ty = GlobalType { ty: canonical(ty.ty, &inst.types), ..ty };
            self.globals.push(Global { value, hi, ty });
            inst.globals.push(self.globals.len() as u32 - 1);
        }
        // Tables after globals: a table's initialiser (typed function references) may
        // read a global.
        let defined = &module.tables[module.num_imported_tables as usize..];
        for (i, t) in defined.iter().enumerate() {
            let t = crate::decode::TableType { elem: canonical(t.elem, &inst.types), ..*t };
            let init = match module.table_inits.get(i) {
                Some(Some(init)) => self.eval_const(&inst, init)?,
                _ => 0,
            };
            let Extern::Table(a) = self.alloc_table_init(t, init)? else { unreachable!() };
            inst.tables.push(a);
        }
        // Element and data segments are evaluated now; active ones are applied below.
        for seg in &module.elems {
            let items = seg.items.iter().map(|e| self.eval_const(&inst, e)).collect::<Result<Vec<_>>>()?;
            inst.elems.push(items.into());
        }
        // Offsets of active segments, while the instance is at hand (constant expressions:
        // they read globals only).
        let mut offsets = Vec::new();
        for seg in &module.elems {
            if let ElemMode::Active { offset, .. } = &seg.mode {
                offsets.push(self.eval_const(&inst, offset)?);
            }
        }
        for seg in &module.datas {
            if let DataMode::Active { offset, .. } = &seg.mode {
                offsets.push(self.eval_const(&inst, offset)?);
            }
        }
        let mut offsets = offsets.into_iter();
        inst.datas = module.datas.iter().map(|d| d.data.clone()).collect();
        self.instances.push(inst);
        let instance = InstanceId(id);

        // 3. Active element segments, then active data segments, in order; each is
        //    dropped after use (declarative element segments too).
        for (i, seg) in module.elems.iter().enumerate() {
            match &seg.mode {
                ElemMode::Passive => {}
                ElemMode::Declared => self.instances[id as usize].elems[i] = Rc::new([]),
                ElemMode::Active { table, offset } => {
                    let inst = &self.instances[id as usize];
                    let table = inst.tables[*table as usize];
                    let _ = offset;
                    let offset = offsets.next().unwrap_or(0);
                    let items = inst.elems[i].clone();
                    self.tables[table as usize].init(offset, &items).map_err(trap)?;
                    self.instances[id as usize].elems[i] = Rc::new([]);
                }
            }
        }
        for (i, seg) in module.datas.iter().enumerate() {
            if let DataMode::Active { memory, offset } = &seg.mode {
                let inst = &self.instances[id as usize];
                // An i32 offset is zero-extended in its cell; an i64 one (memory64) is whole.
                let _ = offset;
                let offset = offsets.next().unwrap_or(0);
                let mem = inst.memories[*memory as usize];
                self.memories[mem as usize].write(offset, &seg.data).map_err(trap)?;
                self.instances[id as usize].datas[i] = Default::default();
            }
        }
        // 4. The start function is the caller's to run.
        let start = module.start.map(|s| self.instances[id as usize].funcs[s as usize]);
        Ok(Linked { instance, start })
    }

    fn eval_const(&mut self, inst: &Instance, expr: &[ConstOp]) -> Result<Raw> {
        let mut stack: Vec<Raw> = Vec::with_capacity(2);
        let bad = || Error::Decode { message: "malformed constant expression".into(), offset: None };
        for op in expr {
            let v = match *op {
                ConstOp::I32(v) => v as u32 as u64,
                ConstOp::I64(v) => v as u64,
                ConstOp::F32(v) => v as u64,
                ConstOp::F64(v) => v,
                // (A v128 global's init is read above: here, in a v128 expression nothing
                // reads, the low half.)
                ConstOp::V128(v) => v as u64,
                ConstOp::RefNull(_) => 0,
                ConstOp::RefFunc(f) => *inst.funcs.get(f as usize).ok_or_else(bad)? as u64 + 1,
                ConstOp::GlobalGet(g) => self.globals[*inst.globals.get(g as usize).ok_or_else(bad)? as usize].value,
                ConstOp::RefI31 => crate::value::gc_ref::i31(stack.pop().ok_or_else(bad)? as u32),
                ConstOp::AnyConvertExtern | ConstOp::ExternConvertAny => stack.pop().ok_or_else(bad)?,
                ConstOp::StructNew(t) | ConstOp::StructNewDefault(t) => {
                    let st = *inst.types.get(t as usize).ok_or_else(bad)?;
                    let CompositeType::Struct(fs) = &self.sub_types[st as usize].composite else { return Err(bad()) };
                    let fs = fs.clone();
                    let n: usize = fs.iter().map(|f| f.storage.unpacked().cells()).sum();
                    let mut cells = vec![0; n];
                    if let ConstOp::StructNew(_) = op {
                        // (Fields are popped last first; a v128 field's init would be one
                        // cell here: v128 fields in constant structs are read as their low
                        // half.)
                        for (k, f) in fs.iter().enumerate().rev() {
                            let at = self.field_cells[st as usize][k] as usize;
                            cells[at] = f.storage.pack(stack.pop().ok_or_else(bad)?);
                        }
                    }
                    self.alloc_object(st, cells.into()).map_err(trap)?
                }
                ConstOp::ArrayNew(t) | ConstOp::ArrayNewDefault(t) | ConstOp::ArrayNewFixed(t, _) => {
                    let st = *inst.types.get(t as usize).ok_or_else(bad)?;
                    let CompositeType::Array(f) = self.sub_types[st as usize].composite else { return Err(bad()) };
                    let c = f.storage.unpacked().cells();
                    let cells: Vec<Raw> = match *op {
                        ConstOp::ArrayNewFixed(_, n) => {
                            let at = stack.len().checked_sub(n as usize).ok_or_else(bad)?;
                            let items: Vec<Raw> = stack.drain(at..).collect();
                            items.iter().flat_map(|&v| [f.storage.pack(v), 0][..c].to_vec()).collect()
                        }
                        _ => {
                            let n = stack.pop().ok_or_else(bad)? as u32 as usize;
                            let v = if let ConstOp::ArrayNew(_) = op { stack.pop().ok_or_else(bad)? } else { 0 };
                            if n.saturating_mul(c * 8) > self.limits.max_heap_bytes {
                                return Err(trap(TrapCode::HeapExhausted));
                            }
                            let v = [f.storage.pack(v), 0];
                            v[..c].repeat(n)
                        }
                    };
                    self.alloc_object(st, cells.into()).map_err(trap)?
                }
                ConstOp::I32Add | ConstOp::I32Sub | ConstOp::I32Mul => {
                    let (b, a) = (stack.pop().ok_or_else(bad)? as u32, stack.pop().ok_or_else(bad)? as u32);
                    (match *op {
                        ConstOp::I32Add => a.wrapping_add(b),
                        ConstOp::I32Sub => a.wrapping_sub(b),
                        _ => a.wrapping_mul(b),
                    }) as u64
                }
                ConstOp::I64Add | ConstOp::I64Sub | ConstOp::I64Mul => {
                    let (b, a) = (stack.pop().ok_or_else(bad)?, stack.pop().ok_or_else(bad)?);
                    match *op {
                        ConstOp::I64Add => a.wrapping_add(b),
                        ConstOp::I64Sub => a.wrapping_sub(b),
                        _ => a.wrapping_mul(b),
                    }
                }
            };
            stack.push(v);
        }
        stack.pop().ok_or_else(bad)
    }
}

/// The mark of a reference inside its own recursion group, in a canonical group's key.
const REC: u32 = 1 << 31;

fn trap(code: TrapCode) -> Error {
    Error::Trap(Trap::new(code))
}

fn limits_match(min: u64, max: Option<u64>, want_min: u64, want_max: Option<u64>) -> bool {
    min >= want_min
        && match (want_max, max) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(w), Some(m)) => m <= w,
        }
}

/// A module's value type with its concrete types as store type ids (`ids`: the module's
/// [`Store::module_type_ids`], or those made so far).
fn canonical(t: ValType, ids: &[u32]) -> ValType {
    match t {
        ValType::Ref(RefType { nullable, heap }) if heap.index().is_some() => {
            let i = heap.index().unwrap_or(0);
            let heap = heap.with_index(ids.get(i as usize).copied().unwrap_or(u32::MAX));
            ValType::Ref(RefType { nullable, heap })
        }
        t => t,
    }
}

/// An import's type as the store sees it (see [`canonical`]).
fn canonical_extern(t: &ExternType, ids: &[u32]) -> ExternType {
    match t {
        ExternType::Func(f) => ExternType::Func(FuncType {
            params: f.params.iter().map(|&v| canonical(v, ids)).collect(),
            results: f.results.iter().map(|&v| canonical(v, ids)).collect(),
        }),
        ExternType::Tag(f) => ExternType::Tag(FuncType {
            params: f.params.iter().map(|&v| canonical(v, ids)).collect(),
            results: f.results.iter().map(|&v| canonical(v, ids)).collect(),
        }),
        ExternType::Table(t) => ExternType::Table(crate::decode::TableType { elem: canonical(t.elem, ids), ..*t }),
        ExternType::Global(g) => ExternType::Global(GlobalType { ty: canonical(g.ty, ids), ..*g }),
        ExternType::Memory(m) => ExternType::Memory(*m),
    }
}

impl Store {
    /// Import subtyping (spec "Import Matching"), of types in the store's type ids (functions
    /// are matched by type id in `link_with`); a table's element type is invariant (tables are
    /// mutable), as a mutable global's type is; an immutable global's is covariant.
    fn import_matches(&self, want: &ExternType, have: &ExternType) -> bool {
        match (want, have) {
            (ExternType::Func(a), ExternType::Func(b)) => a == b,
            // A tag's type must be equal (it is used both ways: thrown and caught).
            (ExternType::Tag(a), ExternType::Tag(b)) => a == b,
            (ExternType::Global(a), ExternType::Global(b)) if !a.mutable => !b.mutable && self.val_subtype(b.ty, a.ty),
            (ExternType::Table(a), ExternType::Table(b)) => {
                a.elem == b.elem && a.table64 == b.table64 && limits_match(b.min, b.max, a.min, a.max)
            }
            (ExternType::Memory(a), ExternType::Memory(b)) => {
                a.memory64 == b.memory64
                    && a.shared == b.shared
                    && a.page_size_log2 == b.page_size_log2
                    && limits_match(b.min, b.max, a.min, a.max)
            }
            (ExternType::Global(a), ExternType::Global(b)) => a == b,
            _ => false,
        }
    }
}
