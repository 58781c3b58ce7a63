//! The GC heap as the debugger shows it: references as typed handles, objects expanded into
//! their fields, arrays in pages, live objects by type, and the session's own collections.
//!
//! **The handle form** (what `--trace`, the page's panels and a call's results show of a
//! reference of the `any` hierarchy, and of an externalized one):
//! - a heap object: `(ref $node) #17`: its type by the name section's type name, else by its
//!   index in the module (`(ref 3) #17`), then `#` and the object's heap slot. The slot never
//!   changes while the object lives (the collector does not move objects), so the same object
//!   reached twice shows the same handle; a slot may be reused once its object is freed. An
//!   object of a type the session's module does not define (made by another instance) shows
//!   `(ref struct) #17` or `(ref array) #17`.
//! - an i31: `(ref i31) 42` (its value sign-extended, as `i31.get_s` reads it).
//! - null: `null`; a host reference: `host:5`; anything else: `Value`'s own text.
//!
//! The same text (and `#17` alone) is accepted as a call argument for a parameter of the
//! `any` hierarchy ([`Session::parse_arg`]), checked against the parameter's type.
//!
//! **Collections under a session.** The machine does not collect while a session steps (see
//! `runtime/heap.rs`); the session collects between instructions ([`Session::step_collecting`]:
//! when the allocation volume is due, or to retry an allocation that hit the heap limit) and
//! on request ([`Session::collect_garbage`]), recording each collection in the undo record of
//! the instruction before it (one on request in a paused call: in a record of its own, of no
//! instruction), so step back puts the freed objects back. A full-speed run
//! (`run_unrecorded`, which keeps no history) lets the machine collect as a plain call does.

use super::Session;
use super::StopReason;
use super::history::Effect;
use crate::error::{Error, Result};
use crate::runtime::heap::{Object, object_bytes};
use crate::value::{CompositeType, FieldType, RefType, StorageType, Top, ValType, Value, gc_ref};

/// Elements per page of an array ([`Session::elements`]).
pub const PAGE: u32 = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectKind {
    Struct,
    Array,
}

impl ObjectKind {
    pub fn name(self) -> &'static str {
        match self {
            ObjectKind::Struct => "struct",
            ObjectKind::Array => "array",
        }
    }
}

/// One field of a struct or element of an array.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldView {
    /// The field's name from the name section (`$left`), else its index (`0`); an
    /// element's index.
    pub name: String,
    /// Its storage type, with `mut` (`mut i8`, `(ref null $node)`).
    pub ty: String,
    /// Its value (a packed `i8`/`i16` as the i32 of its bits, zero-extended).
    pub value: Value,
    /// The value in the handle form.
    pub text: String,
    /// The heap slot, when the value is a heap object (to expand it in turn).
    pub handle: Option<u32>,
}

/// A heap object, expanded one level.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectView {
    pub handle: u32,
    /// `(ref $node) #17`.
    pub text: String,
    /// The type alone: `$node`, `3`, or `struct`/`array` for a type of another module.
    pub type_name: String,
    pub kind: ObjectKind,
    /// An array's length.
    pub length: Option<u32>,
    /// Bytes the heap counts it as.
    pub bytes: usize,
    /// A struct's fields; an array's first [`PAGE`] elements ([`Session::elements`] for more).
    pub fields: Vec<FieldView>,
}

/// Live objects of one type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeStats {
    /// `$node`, `3`, ...: as in the handle form.
    pub type_name: String,
    pub kind: ObjectKind,
    pub count: u64,
    pub bytes: u64,
}

/// The heap at a glance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeapStats {
    /// Most bytes first.
    pub types: Vec<TypeStats>,
    pub objects: u64,
    pub bytes: u64,
    /// `Limits::max_heap_bytes`.
    pub limit: u64,
    /// Collections so far and the objects they freed, in all.
    pub collections: u64,
    pub freed: u64,
    /// What the last collection freed: objects and bytes (none before the first).
    pub last_freed: Option<(u64, u64)>,
}

/// A type as the handle form names it: `$node`, `3`.
fn index_text(module: &crate::decode::Module, k: u32) -> String {
    match module.names.types.get(&k) {
        Some(n) => format!("${n}"),
        None => k.to_string(),
    }
}

fn val_type_text(module: &crate::decode::Module, t: ValType) -> String {
    match t {
        ValType::Ref(r) => match r.heap.index() {
            Some(i) => format!("(ref {}{})", if r.nullable { "null " } else { "" }, index_text(module, i)),
            None => r.to_string(),
        },
        t => t.to_string(),
    }
}

/// A function type with the module's type names: `(param (ref null $node)) (result i32)`
/// (what `FuncType`'s Display writes, `(ref null 0)`, with names where the name section has
/// them).
pub fn func_type_text(module: &crate::decode::Module, ty: &crate::value::FuncType) -> String {
    let mut parts = Vec::new();
    for (word, list) in [("param", &ty.params), ("result", &ty.results)] {
        if !list.is_empty() {
            let types: Vec<String> = list.iter().map(|&t| val_type_text(module, t)).collect();
            parts.push(format!("({word} {})", types.join(" ")));
        }
    }
    parts.join(" ")
}

/// An import's or export's type with the module's type names (functions and tags; the rest
/// as `ExternType`'s Display writes them).
pub fn extern_type_text(module: &crate::decode::Module, ty: &crate::decode::ExternType) -> String {
    use crate::decode::ExternType;
    match ty {
        ExternType::Func(t) => format!("func {}", func_type_text(module, t)).trim_end().to_string(),
        ExternType::Tag(t) => format!("tag {}", func_type_text(module, t)).trim_end().to_string(),
        other => other.to_string(),
    }
}

fn field_type_text(module: &crate::decode::Module, f: &FieldType) -> String {
    let s = match f.storage {
        StorageType::I8 => "i8".to_string(),
        StorageType::I16 => "i16".to_string(),
        StorageType::Val(t) => val_type_text(module, t),
    };
    if f.mutable { format!("mut {s}") } else { s }
}

/// What names a store's values as the debugger shows them (the session's, or a plain
/// store's for `wasmscope run`): store types by the module that defines them, looked up
/// first in `instance`.
struct Names<'a> {
    store: &'a crate::runtime::Store,
    instance: usize,
}

impl<'a> Names<'a> {
    /// The module (an instance's, this session's first) defining store type `ty`, and its
    /// index there.
    fn type_home(&self, ty: u32) -> Option<(&'a crate::decode::Module, u32)> {
        let store = self.store;
        let own = &store.instances[self.instance];
        std::iter::once(own).chain(store.instances.iter()).find_map(|inst| {
            let k = inst.types.iter().position(|&id| id == ty)?;
            Some((&*inst.module, k as u32))
        })
    }

    fn kind_of(&self, ty: u32) -> ObjectKind {
        match self.store.sub_types.get(ty as usize).map(|t| &t.composite) {
            Some(CompositeType::Array(_)) => ObjectKind::Array,
            _ => ObjectKind::Struct,
        }
    }

    /// Store type `ty` as the handle form names it (`$node`, `3`, `struct`).
    fn type_text(&self, ty: u32) -> String {
        match self.type_home(ty) {
            Some((m, k)) => index_text(m, k),
            None => self.kind_of(ty).name().to_string(),
        }
    }

    /// The heap slot a value names, if it is a live heap object.
    fn handle_of(&self, v: &Value) -> Option<u32> {
        match *v {
            Value::AnyRef(Some(c)) | Value::ExternAny(c) => self.store.heap.live_index(c),
            _ => None,
        }
    }

    /// A value's text without its type (the page's value column): the handle form for a GC
    /// reference (`(ref $node) #17`, `(ref i31) 42`, `null`), else `Value`'s text after
    /// `type:` (`42`, `nan`, `i32x4:[1, 2, 3, 4]`).
    fn value_text(&self, v: &Value) -> String {
        match *v {
            Value::AnyRef(Some(c)) | Value::ExternAny(c) => {
                if let Some(i) = gc_ref::heap_index(c) {
                    return match self.store.heap.get(i) {
                        Some(o) => format!("(ref {}) #{i}", self.type_text(o.ty)),
                        None => format!("#{i} (freed)"),
                    };
                }
                if gc_ref::is_i31(c) {
                    return format!("(ref i31) {}", gc_ref::i31_get(c, true) as i32);
                }
            }
            _ => {}
        }
        let text = v.to_string();
        text.split_once(':').map_or(text.clone(), |(_, t)| t.to_string())
    }

    /// A value's text with its type, as `--trace` prints it: the handle form for a GC
    /// reference other than null (`(ref $node) #17`), else `Value`'s text (`i32:42`,
    /// `anyref:null`).
    fn typed_text(&self, v: &Value) -> String {
        match *v {
            Value::AnyRef(Some(c)) | Value::ExternAny(c) if !gc_ref::is_host(c) => self.value_text(v),
            _ => v.to_string(),
        }
    }
}

/// A value as `--trace` and the debugger print it (`(ref $node) #17`), for a store without
/// a session (`wasmscope run`'s results).
pub fn typed_text_in(store: &crate::runtime::Store, instance: crate::runtime::InstanceId, v: &Value) -> String {
    Names { store, instance: instance.0 as usize }.typed_text(v)
}

impl Session {
    fn names(&self) -> Names<'_> {
        Names { store: &self.store, instance: self.instance.0 as usize }
    }

    fn type_home(&self, ty: u32) -> Option<(&crate::decode::Module, u32)> {
        self.names().type_home(ty)
    }

    fn kind_of(&self, ty: u32) -> ObjectKind {
        self.names().kind_of(ty)
    }

    fn type_text(&self, ty: u32) -> String {
        self.names().type_text(ty)
    }

    /// The heap slot a value names, if it is a live heap object.
    pub fn handle_of(&self, v: &Value) -> Option<u32> {
        self.names().handle_of(v)
    }

    /// A value's text without its type (the page's value column): the handle form for a GC
    /// reference (`(ref $node) #17`, `(ref i31) 42`, `null`), else `Value`'s text after
    /// `type:` (`42`, `nan`, `i32x4:[1, 2, 3, 4]`).
    pub fn value_text(&self, v: &Value) -> String {
        self.names().value_text(v)
    }

    /// A value's text with its type, as `--trace` prints it: the handle form for a GC
    /// reference other than null (`(ref $node) #17`), else `Value`'s text (`i32:42`,
    /// `anyref:null`).
    pub fn typed_text(&self, v: &Value) -> String {
        self.names().typed_text(v)
    }

    fn object_at(&self, handle: u32) -> Result<&Object> {
        self.store.heap.get(handle).ok_or_else(|| Error::BadCall(format!("no live object #{handle}")))
    }

    fn field_view(&self, name: String, f: &FieldType, module_field: Option<String>, cells: &[u64]) -> FieldView {
        let value = Value::from_cells(f.storage.unpacked(), cells);
        FieldView {
            name,
            ty: module_field.unwrap_or_else(|| f.to_string()),
            text: self.value_text(&value),
            handle: self.handle_of(&value),
            value,
        }
    }

    /// Object `handle` (its heap slot, as in `#17`) with its type and fields (an array's
    /// first [`PAGE`] elements); an error if no live object is there.
    pub fn object(&self, handle: u32) -> Result<ObjectView> {
        let o = self.object_at(handle)?;
        let kind = self.kind_of(o.ty);
        let type_name = self.type_text(o.ty);
        let mut view = ObjectView {
            handle,
            text: format!("(ref {type_name}) #{handle}"),
            type_name,
            kind,
            length: None,
            bytes: object_bytes(o.cells.len()),
            fields: Vec::new(),
        };
        match &self.store.sub_types[o.ty as usize].composite {
            CompositeType::Struct(fields) => {
                let home = self.type_home(o.ty);
                let starts = &self.store.field_cells[o.ty as usize];
                for (k, f) in fields.iter().enumerate() {
                    let at = starts.get(k).copied().unwrap_or(0) as usize;
                    let cells = o.cells.get(at..).unwrap_or(&[]);
                    let (name, ty) = match home {
                        Some((m, t)) => {
                            let name = m.names.fields.get(&t).and_then(|n| n.get(&(k as u32)));
                            let decl = match m.sub_types.get(t as usize).map(|s| &s.composite) {
                                Some(CompositeType::Struct(fs)) => fs.get(k).map(|f| field_type_text(m, f)),
                                _ => None,
                            };
                            (name.map_or_else(|| k.to_string(), |n| format!("${n}")), decl)
                        }
                        None => (k.to_string(), None),
                    };
                    view.fields.push(self.field_view(name, f, ty, cells));
                }
            }
            CompositeType::Array(_) => {
                view.length = Some(self.array_len(o));
                view.fields = self.elements(handle, 0, PAGE)?;
            }
            CompositeType::Func(_) => {}
        }
        Ok(view)
    }

    fn array_len(&self, o: &Object) -> u32 {
        match &self.store.sub_types[o.ty as usize].composite {
            CompositeType::Array(f) => (o.cells.len() / f.storage.unpacked().cells()) as u32,
            _ => 0,
        }
    }

    /// Elements `[start, start + count)` of array `handle` (at most [`PAGE`], clipped to its
    /// length); an error if `handle` is not a live array.
    pub fn elements(&self, handle: u32, start: u32, count: u32) -> Result<Vec<FieldView>> {
        let o = self.object_at(handle)?;
        let CompositeType::Array(f) = &self.store.sub_types[o.ty as usize].composite else {
            return Err(Error::BadCall(format!("object #{handle} is not an array")));
        };
        let ty = self.type_home(o.ty).and_then(|(m, t)| match m.sub_types.get(t as usize).map(|s| &s.composite) {
            Some(CompositeType::Array(f)) => Some(field_type_text(m, f)),
            _ => None,
        });
        let n = f.storage.unpacked().cells();
        let len = self.array_len(o);
        let end = start.saturating_add(count.min(PAGE)).min(len);
        Ok((start.min(end)..end)
            .map(|i| {
                let cells = o.cells.get(i as usize * n..).unwrap_or(&[]);
                self.field_view(i.to_string(), f, ty.clone(), cells)
            })
            .collect())
    }

    /// Live objects by type, totals, and what collections freed.
    pub fn heap_stats(&self) -> HeapStats {
        let heap = &self.store.heap;
        // By store type id (a few per module: a table, not a hash map; 1,000,000 objects
        // take a few milliseconds in the page).
        let mut by: Vec<(u64, u64)> = vec![(0, 0); self.store.sub_types.len()];
        for (_, o) in heap.iter() {
            if let Some(e) = by.get_mut(o.ty as usize) {
                e.0 += 1;
                e.1 += object_bytes(o.cells.len()) as u64;
            }
        }
        let mut types: Vec<TypeStats> = by
            .into_iter()
            .enumerate()
            .filter(|(_, (count, _))| *count > 0)
            .map(|(ty, (count, bytes))| {
                let ty = ty as u32;
                TypeStats { type_name: self.type_text(ty), kind: self.kind_of(ty), count, bytes }
            })
            .collect();
        types.sort_by(|a, b| b.bytes.cmp(&a.bytes).then_with(|| a.type_name.cmp(&b.type_name)));
        let (collections, freed) = heap.collections();
        let (n, b) = heap.last_freed();
        HeapStats {
            types,
            objects: heap.live() as u64,
            bytes: heap.bytes() as u64,
            limit: self.store.limits.max_heap_bytes as u64,
            collections,
            freed,
            last_freed: (collections > 0).then_some((n, b as u64)),
        }
    }

    /// Collects the heap now (the page's "Collect garbage"): roots are the paused call's
    /// stack, a finished call's results, and what the store and host hold. In a paused call
    /// it is a step of its own, which step back undoes (and nothing else); after a call, the
    /// step back over its last instruction undoes it too. Returns the objects and bytes freed.
    pub fn collect_garbage(&mut self) -> (u64, u64) {
        if self.is_running()
            && self.history.max_steps > 0
            && let Some(r) = super::history::noop(&self.machine)
        {
            self.history.push(r);
        }
        self.collect_recorded();
        let (n, b) = self.store.heap.last_freed();
        (n, b as u64)
    }

    /// A recorded collection (see the module docs): the objects it freed.
    fn collect_recorded(&mut self) -> u64 {
        let results: Vec<u64> = match &self.stop {
            StopReason::Finished(v) => v.iter().map(|v| v.to_raw()).collect(),
            _ => Vec::new(),
        };
        self.store.heap.record_collection();
        let freed = self.store.collect(&[self.machine.stack.as_slice(), &results]);
        if let Some(c) = self.store.heap.take_recorded() {
            // No record before (the call's first instruction, or history off): nothing
            // to put it in, and nothing to step back to before it.
            self.history.amend_last(Effect::Collected(Box::new(c)));
        }
        freed
    }

    /// One recorded instruction (`step_once`), then a collection if one is due; an
    /// allocation that hit the heap limit is retried once after a collection that freed
    /// something.
    pub(super) fn step_collecting(&mut self) -> Option<StopReason> {
        // (The common case, no stop, decides without moving a stop reason around: on every
        // recorded step.)
        let Some(stop) = self.step_once() else {
            // With history on but no record yet, a collection could not be stepped back
            // over: wait for the next instruction.
            if self.store.heap.due() && (self.history.max_steps == 0 || !self.history.is_empty()) {
                self.collect_recorded();
            }
            return None;
        };
        self.retry_after_collection(stop)
    }

    /// A step that stopped: an allocation that hit the heap limit is retried once after a
    /// collection that freed something.
    #[cold]
    fn retry_after_collection(&mut self, stop: StopReason) -> Option<StopReason> {
        if let StopReason::Trapped(t) = &stop
            && t.code == crate::trap::TrapCode::HeapExhausted
            && self.collect_recorded() > 0
        {
            return self.step_once();
        }
        Some(stop)
    }

    /// Parses a call argument as [`crate::value::parse_arg`] does, and for a parameter of
    /// the `any` hierarchy also a handle (`#17`, `(ref $node) #17`, `(ref i31) 42`,
    /// `i31:42`), checked against `ty` (the parameter's type in the session's module).
    pub fn parse_arg(&self, text: &str, ty: ValType) -> std::result::Result<Value, String> {
        let ValType::Ref(r) = ty else { return crate::value::parse_arg(text, ty) };
        if r.top() != Top::Any {
            return crate::value::parse_arg(text, ty);
        }
        let t = text.trim();
        let t = t.strip_prefix("anyref:").unwrap_or(t).trim();
        // The type as the handles name it: `(ref null $node)`.
        let ty = val_type_text(self.module(), ty);
        let cell = match parse_handle(t) {
            Some(c) => c,
            None if t == "null" && !r.nullable => {
                return Err(format!("expected {ty}: not null, a handle such as `#17`"));
            }
            None if t == "null" => return Ok(Value::AnyRef(None)),
            None => return Err(format!("expected {ty}: `null` or a handle such as `#17` or `(ref $node) #17`")),
        };
        if let Some(i) = gc_ref::heap_index(cell)
            && self.store.heap.get(i).is_none()
        {
            return Err(format!("expected {ty}: no live object #{i}"));
        }
        // The parameter's type in store ids (the function's store type has them; the page
        // and the CLI give the module's type, so map its concrete index).
        let inst = &self.store.instances[self.instance.0 as usize];
        let store_ty = match r.heap.index() {
            Some(k) => match inst.types.get(k as usize) {
                Some(&id) => RefType { heap: r.heap.with_index(id), ..r },
                None => return Err(format!("expected {ty}: no type {k}")),
            },
            None => r,
        };
        if !self.store.ref_test(cell, store_ty) {
            let shown = self.value_text(&Value::AnyRef(Some(cell)));
            return Err(format!("expected {ty}, found {shown}"));
        }
        Ok(Value::AnyRef(Some(cell)))
    }
}

/// The cell of a handle's text: `#17` (with any `(ref ...)` before it), `(ref i31) 42`,
/// `i31:42`; `None` if the text is not one.
pub fn parse_handle(text: &str) -> Option<u64> {
    let t = text.trim();
    let (before, after) = match t.rsplit_once('#') {
        Some((b, a)) => (b.trim(), a.trim()),
        None => ("", t),
    };
    if t.contains('#') {
        if !(before.is_empty() || (before.starts_with("(ref ") && before.ends_with(')'))) {
            return None;
        }
        let i: u32 = after.parse().ok()?;
        return (i < 1 << 31).then(|| gc_ref::heap(i));
    }
    let v = t.strip_prefix("(ref i31)").or_else(|| t.strip_prefix("i31:"))?.trim();
    let v: i64 = v.parse().ok()?;
    (-(1 << 30)..(1 << 31)).contains(&v).then(|| gc_ref::i31(v as u32))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_parse() {
        assert_eq!(parse_handle("#17"), Some(gc_ref::heap(17)));
        assert_eq!(parse_handle("(ref $node) #17"), Some(gc_ref::heap(17)));
        assert_eq!(parse_handle(" (ref 3) # 2 "), Some(gc_ref::heap(2)));
        assert_eq!(parse_handle("(ref i31) -1"), Some(gc_ref::i31(-1i32 as u32)));
        assert_eq!(parse_handle("i31:42"), Some(gc_ref::i31(42)));
        for bad in ["", "17", "x #1", "#-1", "#4294967295", "i31:99999999999", "(ref i31)"] {
            assert_eq!(parse_handle(bad), None, "{bad}");
        }
    }
}
