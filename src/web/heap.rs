//! The heap inspector's part of [`Playground`]: objects expanded into fields, array pages,
//! the heap's statistics, "Collect garbage", and the rooting of references the page holds.
//!
//! **JS boundary rooting:** a GC reference a call returns to the page (a result shown as
//! `(ref $node) #17`) is held in the store (`Heap::hold`) from the first `state()` that shows
//! it until the module is reset or reloaded, so it survives any collection and can be given
//! back as an argument of a later call (`start` parses `#17` and the handle form).

use super::{Playground, err, to_js, typed};
use crate::debug::{FieldView, ObjectView, Session};
use crate::value::{Value, gc_ref};
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// Holds (once) every heap reference among a finished call's results.
pub(super) fn hold_results(held: &mut Vec<u64>, s: &mut Session, results: &[Value]) {
    for v in results {
        if let Value::AnyRef(Some(c)) | Value::ExternAny(c) = *v
            && gc_ref::heap_index(c).is_some()
            && !held.contains(&c)
        {
            s.store_mut().heap.hold(c);
            held.push(c);
        }
    }
}

/// Releases what [`hold_results`] held (a reset: the old store goes, but say so anyway).
pub(super) fn release_all(held: &mut Vec<u64>, s: &mut Session) {
    for c in held.drain(..) {
        s.store_mut().heap.release(c);
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Field {
    name: String,
    /// The declared storage type (`mut i8`, `(ref null $node)`).
    declared: String,
    #[serde(flatten)]
    value: super::TypedValue,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Object {
    handle: u32,
    /// `(ref $node) #17`.
    text: String,
    type_name: String,
    /// struct | array
    kind: &'static str,
    length: Option<u32>,
    bytes: f64,
    fields: Vec<Field>,
}

fn fields(s: &Session, f: Vec<FieldView>) -> Vec<Field> {
    f.into_iter().map(|f| Field { name: f.name, declared: f.ty, value: typed(s, &f.value) }).collect()
}

fn object(s: &Session, o: ObjectView) -> Object {
    Object {
        handle: o.handle,
        text: o.text,
        type_name: o.type_name,
        kind: o.kind.name(),
        length: o.length,
        bytes: o.bytes as f64,
        fields: fields(s, o.fields),
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TypeRow {
    type_name: String,
    kind: &'static str,
    count: f64,
    bytes: f64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Stats {
    types: Vec<TypeRow>,
    objects: f64,
    bytes: f64,
    limit: f64,
    collections: f64,
    freed: f64,
    /// The last collection's freed objects and bytes (`null` before the first).
    last_freed_objects: Option<f64>,
    last_freed_bytes: Option<f64>,
}

#[wasm_bindgen]
impl Playground {
    /// Heap object `handle` (a value's `handle`): `{handle, text: "(ref $node) #17",
    /// typeName, kind: "struct" | "array", length, bytes, fields: [{name, declared, type,
    /// value, handle?}]}`, an array's first 100 elements as its fields. Throws if no live
    /// object is there.
    pub fn object(&self, handle: u32) -> Result<JsValue, JsError> {
        let o = self.session.object(handle).map_err(err)?;
        to_js(&object(&self.session, o))
    }

    /// Elements `[start, start + count)` of array `handle`, at most 100, as `object`'s fields.
    pub fn elements(&self, handle: u32, start: u32, count: u32) -> Result<JsValue, JsError> {
        let e = self.session.elements(handle, start, count).map_err(err)?;
        to_js(&fields(&self.session, e))
    }

    /// Live objects by type (`types: [{typeName, kind, count, bytes}]`, most bytes first),
    /// totals, the heap limit, collections so far and what the last one freed.
    #[wasm_bindgen(js_name = heapStats)]
    pub fn heap_stats(&self) -> Result<JsValue, JsError> {
        let h = self.session.heap_stats();
        to_js(&Stats {
            types: h
                .types
                .iter()
                .map(|t| TypeRow {
                    type_name: t.type_name.clone(),
                    kind: t.kind.name(),
                    count: t.count as f64,
                    bytes: t.bytes as f64,
                })
                .collect(),
            objects: h.objects as f64,
            bytes: h.bytes as f64,
            limit: h.limit as f64,
            collections: h.collections as f64,
            freed: h.freed as f64,
            last_freed_objects: h.last_freed.map(|l| l.0 as f64),
            last_freed_bytes: h.last_freed.map(|l| l.1 as f64),
        })
    }

    /// Collects garbage now (in a paused call the next step back undoes just that);
    /// returns the state.
    #[wasm_bindgen(js_name = collectGarbage)]
    pub fn collect_garbage(&mut self) -> Result<JsValue, JsError> {
        self.session.collect_garbage();
        self.state()
    }
}
