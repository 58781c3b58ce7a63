//! The GC heap: structs and arrays, each an [`Object`] with its store type id and its
//! cells (a struct's fields in order, an array's elements; a v128 takes two cells, a packed
//! i8/i16 one, its value zero-extended). A reference to object `i` is the cell
//! `value::gc_ref::heap(i)`; i31s are never here (they live in their cells).
//!
//! Slots are reused: a freed slot goes on a free list that allocation takes from last in,
//! first out, so an undone allocation (the debugger's step back, [`Heap::unalloc`]) gives
//! the same slot back to the allocation that is redone.

use crate::trap::TrapCode;
use crate::value::Raw;

/// A struct or an array.
#[derive(Debug, Clone)]
pub struct Object {
    /// Store type id.
    pub ty: u32,
    pub cells: Box<[Raw]>,
}

/// Bytes an object of `cells` cells is counted as (its cells and its header).
pub fn object_bytes(cells: usize) -> usize {
    16 + cells * 8
}

#[derive(Debug, Default)]
pub struct Heap {
    pub(crate) objects: Vec<Option<Object>>,
    free: Vec<u32>,
    /// Bytes of the live objects ([`object_bytes`]).
    pub(crate) bytes: usize,
    /// Bytes allocated since the last collection (what triggers the next).
    pub(crate) since_gc: usize,
}

/// How an allocation took its slot, for [`Heap::unalloc`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Slot {
    /// A new slot at the end.
    Appended,
    /// A slot from the free list.
    Reused,
}

impl Heap {
    /// Allocates an object; its index and how the slot was taken. `limit`: most live bytes.
    pub(crate) fn alloc(&mut self, ty: u32, cells: Box<[Raw]>, limit: usize) -> Result<(u32, Slot), TrapCode> {
        let bytes = object_bytes(cells.len());
        if self.bytes.saturating_add(bytes) > limit {
            return Err(TrapCode::HeapExhausted);
        }
        self.bytes += bytes;
        self.since_gc += bytes;
        let obj = Some(Object { ty, cells });
        Ok(match self.free.pop() {
            Some(i) => {
                self.objects[i as usize] = obj;
                (i, Slot::Reused)
            }
            None => {
                if self.objects.len() >= (1 << 31) {
                    return Err(TrapCode::HeapExhausted);
                }
                self.objects.push(obj);
                (self.objects.len() as u32 - 1, Slot::Appended)
            }
        })
    }

    /// The slot the next allocation takes.
    pub(crate) fn next_slot(&self) -> (u32, Slot) {
        match self.free.last() {
            Some(&i) => (i, Slot::Reused),
            None => (self.objects.len() as u32, Slot::Appended),
        }
    }

    /// Takes back the allocation of object `i` (the last one made, undone): nothing if it
    /// was not made (the allocation trapped).
    pub(crate) fn unalloc(&mut self, i: u32, slot: Slot) {
        let made = match slot {
            Slot::Appended => i as usize + 1 == self.objects.len(),
            Slot::Reused => self.free.last() != Some(&i),
        };
        if !made || self.get(i).is_none() {
            return;
        }
        if let Some(Some(o)) = self.objects.get(i as usize) {
            self.bytes -= object_bytes(o.cells.len());
        }
        match slot {
            Slot::Appended if i as usize + 1 == self.objects.len() => {
                self.objects.pop();
            }
            _ => {
                self.objects[i as usize] = None;
                self.free.push(i);
            }
        }
    }

    /// Frees object `i` (the collector).
    pub(crate) fn free(&mut self, i: u32) {
        if let Some(o) = self.objects.get_mut(i as usize).and_then(Option::take) {
            self.bytes -= object_bytes(o.cells.len());
            self.free.push(i);
        }
    }

    /// The object at index `i`, if live.
    pub fn get(&self, i: u32) -> Option<&Object> {
        self.objects.get(i as usize)?.as_ref()
    }

    pub(crate) fn get_mut(&mut self, i: u32) -> Option<&mut Object> {
        self.objects.get_mut(i as usize)?.as_mut()
    }

    /// Everything the heap holds, to compare two states (the debugger's tests): every
    /// slot's object and the free list.
    pub fn state(&self) -> (Vec<Option<(u32, Vec<Raw>)>>, Vec<u32>) {
        let objects = self.objects.iter().map(|o| o.as_ref().map(|o| (o.ty, o.cells.to_vec()))).collect();
        (objects, self.free.clone())
    }

    /// How many objects are live.
    pub fn live(&self) -> usize {
        self.objects.len() - self.free.len()
    }

    /// Bytes of the live objects.
    pub fn bytes(&self) -> usize {
        self.bytes
    }
}
