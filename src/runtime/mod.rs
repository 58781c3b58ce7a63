//! Runtime structures: the [`Store`] that owns every function, table, memory, global and
//! instance, linking of imports, and instantiation in the order the spec defines up to the
//! start function ([`Store::link`]). Running code, the start function included, is the
//! exec layer's (`exec::Call`, `exec::Config`): nothing here runs guest code.

pub mod memory;
pub mod table;

use crate::decode::{ConstOp, DataMode, ElemMode, ExternKind, ExternType, GlobalType, Module};
use crate::error::{Error, Result};
use crate::trap::{Trap, TrapCode};
use crate::value::{FuncType, HeapType, Raw, RefType, ValType, Value};
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
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_call_depth: 10_000,
            max_stack_values: 4 << 20,
            max_memory_pages: memory::MAX_PAGES,
            max_table_elems: 10_000_000,
            fuel: None,
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
}

/// What a host function sees of its caller: its memory 0, read freely and written through
/// methods (so that a debugger can undo the writes).
pub struct Caller<'a> {
    memory: Option<(u32, &'a mut Memory)>,
    journal: Option<&'a mut Vec<HostEffect>>,
    pause: bool,
}

impl<'a> Caller<'a> {
    pub(crate) fn new(memory: Option<(u32, &'a mut Memory)>, journal: Option<&'a mut Vec<HostEffect>>) -> Self {
        Caller { memory, journal, pause: false }
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
        self.memory.as_ref().map(|(_, m)| &**m)
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
        let (mem, m) = self.memory.as_mut().ok_or_else(Self::no_memory)?;
        if let Some(j) = self.journal.as_mut() {
            let old = m.read(addr, bytes.len() as u32).map_err(Trap::new)?.to_vec();
            j.push(HostEffect::Write { mem: *mem, addr, old });
        }
        m.write(addr as u64, bytes).map_err(Trap::new)
    }

    /// Grows the caller's memory like `memory.grow`: the old size, or `None`.
    pub fn grow_memory(&mut self, delta: u32) -> Option<u32> {
        let (mem, m) = self.memory.as_mut()?;
        let old = m.grow(delta as u64)?;
        if let Some(j) = self.journal.as_mut() {
            j.push(HostEffect::Grow { mem: *mem, pages: old });
        }
        Some(old as u32)
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

/// Owns all runtime state. Everything else refers into it by address.
#[derive(Default)]
pub struct Store {
    pub(crate) funcs: Vec<FuncInst>,
    pub(crate) tables: Vec<Table>,
    pub(crate) memories: Vec<Memory>,
    pub(crate) globals: Vec<Global>,
    pub(crate) tags: Vec<TagInst>,
    /// Every exception object thrown so far (exception handling), by address. Nothing frees
    /// them yet: a garbage collector should (an exception is live while an `exnref` cell,
    /// global, table slot or handler names it).
    pub(crate) exceptions: Vec<Exception>,
    pub(crate) instances: Vec<Instance>,
    pub(crate) types: Vec<FuncType>,
    type_ids: HashMap<FuncType, u32>,
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
    /// (host function types do, and every type [`Store::module_type_ids`] made).
    pub(crate) fn type_id(&mut self, ty: &FuncType) -> u32 {
        if let Some(&id) = self.type_ids.get(ty) {
            return id;
        }
        let id = self.types.len() as u32;
        self.types.push(ty.clone());
        self.type_ids.insert(ty.clone(), id);
        id
    }

    /// The store-wide ids of a module's types, in order: each type's concrete references
    /// (which name earlier types only: without GC a type cannot refer to itself) are
    /// replaced by those types' ids, so structurally equal ids are equal types across
    /// modules.
    fn module_type_ids(&mut self, types: &[FuncType]) -> Vec<u32> {
        let mut ids = Vec::with_capacity(types.len());
        for t in types {
            let t = FuncType {
                params: t.params.iter().map(|&v| canonical(v, &ids)).collect(),
                results: t.results.iter().map(|&v| canonical(v, &ids)).collect(),
            };
            ids.push(self.type_id(&t));
        }
        ids
    }

    /// Can `v` be a value of type `ty` (store type ids in its concrete types): it fits the
    /// type, names something of this store, and a function of a concrete type has it.
    pub(crate) fn value_matches(&self, v: &Value, ty: ValType) -> bool {
        if !v.fits(ty) || !self.valid_value(v) {
            return false;
        }
        match (v, ty) {
            (Value::FuncRef(Some(f)), ValType::Ref(RefType { heap: HeapType::Concrete(t), .. })) => {
                self.funcs.get(*f as usize).is_some_and(|f| f.ty == t)
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
        let e = self.exceptions.get(exn as usize)?;
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
            Value::ExnRef(Some(e)) => (*e as usize) < self.exceptions.len(),
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
            types: self.module_type_ids(&module.types),
            funcs: Vec::new(),
            tables: Vec::new(),
            memories: Vec::new(),
            globals: Vec::new(),
            tags: Vec::new(),
            elems: Vec::new(),
            datas: Vec::new(),
        };
        // 1. Check and bind imports.
        for (imp, &x) in module.imports.iter().zip(imports) {
            let Some(actual) = self.extern_type(x) else {
                return Err(Error::Link(format!(
                    "import {}.{} is bound to {x:?}, which does not exist in this store",
                    imp.module, imp.name
                )));
            };
            if !import_matches(&canonical_extern(&imp.ty, &inst.types), &actual) {
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
        // 2. Allocate functions, tables, memories, globals.
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
                    let offset = self.eval_const(inst, offset)?;
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
                let offset = self.eval_const(inst, offset)?;
                let mem = inst.memories[*memory as usize];
                self.memories[mem as usize].write(offset, &seg.data).map_err(trap)?;
                self.instances[id as usize].datas[i] = Default::default();
            }
        }
        // 4. The start function is the caller's to run.
        let start = module.start.map(|s| self.instances[id as usize].funcs[s as usize]);
        Ok(Linked { instance, start })
    }

    fn eval_const(&self, inst: &Instance, expr: &[ConstOp]) -> Result<Raw> {
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
        ValType::Ref(RefType { nullable, heap: HeapType::Concrete(i) }) => {
            let heap = HeapType::Concrete(ids.get(i as usize).copied().unwrap_or(u32::MAX));
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

/// Import subtyping (spec "Import Matching"), of types in the store's type ids. Without
/// GC's declared subtypes a function type matches only itself; a table's element type is
/// invariant (tables are mutable), as a mutable global's type is; an immutable global's is
/// covariant.
fn import_matches(want: &ExternType, have: &ExternType) -> bool {
    match (want, have) {
        (ExternType::Func(a), ExternType::Func(b)) => a == b,
        // A tag's type must be equal (it is used both ways: thrown and caught).
        (ExternType::Tag(a), ExternType::Tag(b)) => a == b,
        (ExternType::Global(a), ExternType::Global(b)) if !a.mutable => !b.mutable && b.ty.is_subtype_of(a.ty),
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
