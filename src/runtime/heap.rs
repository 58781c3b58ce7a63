//! The GC heap: structs and arrays, each an [`Object`] with its store type id and its
//! cells (a struct's fields in order, an array's elements; a v128 takes two cells, a packed
//! i8/i16 one, its value zero-extended). A reference to object `i` is the cell
//! `value::gc_ref::heap(i)`; i31s are never here (they live in their cells).
//!
//! Slots are reused: a freed slot goes on a free list that allocation takes from last in,
//! first out, so an undone allocation (the debugger's step back, [`Heap::unalloc`]) gives
//! the same slot back to the allocation that is redone.
//!
//! **The collector** is mark-sweep and never moves an object ([`Heap::collect`]). It runs
//! before an allocation (the `Gc` family asks [`Heap::wants_collection`]) once the bytes
//! allocated since the last one exceed a threshold (twice the bytes live after it, at least
//! [`MIN_THRESHOLD`]), or when the allocation would pass the heap limit. Roots
//! (`Store::collect`): the machine's value stack up to its height (every frame's locals and
//! operands), scanned **conservatively**: any cell that reads as a live slot's reference
//! marks it. That is safe because nothing moves (no cell is ever rewritten) and a cell that
//! only looks like a reference (an i64 with bit 63 set and a small low half) keeps an object
//! one more cycle, never frees one; precise stack maps would need the per-instruction operand
//! types, which the translator does not keep. Precise (by type): globals, tables, objects'
//! fields; element segments and host-held references ([`Heap::hold`]) are marked by their
//! cells.
//!
//! **Under a debugger** (`debug::Session`) the machine never collects ([`Heap::no_collect`]):
//! an instruction's undo record is made before it runs and cannot say what a collection in
//! the middle of it freed. The session collects instead *between* instructions, as a step of
//! its own kind: after an instruction once the allocation volume is due ([`Heap::due`], the
//! same threshold), before retrying an allocation that hit the heap limit, and when asked
//! (the page's "Collect garbage"). Roots are the same (the stack up to its height,
//! conservatively, and the call's results while it is finished). Such a collection is
//! **recorded** ([`Heap::record_collection`]): the objects it frees are moved, not dropped,
//! into a [`Collected`] with the free list and counters as they were, and the session adds
//! it to the undo record of the instruction before (one asked for in a paused call gets a
//! record of its own, of no instruction), whose step back then first puts every freed object
//! back in its slot and the free list, byte counts and counters back as they were
//! ([`Heap::restore`]) and then undoes the instruction. So step back stays exact, and an
//! undone allocation (whose slot the record says) finds the free list it was made from. The
//! freed objects count towards the undo log's byte limit; when the log drops a record, the
//! objects it kept are gone for good, as the step itself is.

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
    /// Bytes allocated since the last collection that trigger the next.
    threshold: usize,
    /// Collections so far, and objects they freed.
    pub(crate) collections: u64,
    pub(crate) freed: u64,
    /// Does the collector run (off while a debugger records)?
    pub(crate) no_collect: bool,
    /// References the host holds ([`Heap::hold`]): cell → count.
    held: std::collections::HashMap<Raw, u32>,
    /// The last collection's freed objects and bytes.
    pub(crate) last_freed: (u64, usize),
    /// While a collection is recorded ([`Heap::record_collection`]): what it frees.
    recording: Option<Collected>,
}

/// What a recorded collection changed ([`Heap::record_collection`]), to undo it
/// ([`Heap::restore`]): the objects it freed, in their slots, and the heap's bookkeeping as it
/// was before.
#[derive(Debug, Clone)]
pub struct Collected {
    pub(crate) objects: Vec<(u32, Object)>,
    free: Vec<u32>,
    bytes: usize,
    since_gc: usize,
    threshold: usize,
    collections: u64,
    freed: u64,
    last_freed: (u64, usize),
    /// [`Collected::undo_bytes`], counted once when the collection ends (the undo log asks for it
    /// on every step it records or drops).
    kept: usize,
}

impl Collected {
    /// How many objects the collection freed.
    pub fn objects(&self) -> usize {
        self.objects.len()
    }

    /// Bytes the undo log keeps for it.
    pub fn undo_bytes(&self) -> usize {
        self.kept
    }
}

/// `(ty, cells, out)`: pushes to `out` the objects that an object of store type `ty` with
/// these cells refers to (the collector's tracing, by type).
pub(crate) type RefsOf<'a> = dyn Fn(u32, &[Raw], &mut Vec<u32>) + 'a;

/// What [`Heap::state`] gives: every slot's object (type and cells) and the free list.
pub type HeapState = (Vec<Option<(u32, Vec<Raw>)>>, Vec<u32>);

/// The least allocation volume between two collections.
pub const MIN_THRESHOLD: usize = 1 << 20;

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

    /// Should a collection run before allocating `bytes` more, under `limit`?
    #[inline]
    pub(crate) fn wants_collection(&self, bytes: usize, limit: usize) -> bool {
        !self.no_collect
            && (self.since_gc >= self.threshold.max(MIN_THRESHOLD) || self.bytes.saturating_add(bytes) > limit)
    }

    /// Is a collection due by allocation volume (as [`Heap::wants_collection`] says, but
    /// whether or not the machine may collect: what a debugger asks between instructions)?
    pub(crate) fn due(&self) -> bool {
        self.since_gc >= self.threshold.max(MIN_THRESHOLD)
    }

    /// Makes the next collection recorded: the objects it frees are kept, with the state
    /// before it, for [`Heap::take_recorded`] and [`Heap::restore`].
    pub(crate) fn record_collection(&mut self) {
        self.recording = Some(Collected {
            objects: Vec::new(),
            free: self.free.clone(),
            bytes: self.bytes,
            since_gc: self.since_gc,
            threshold: self.threshold,
            collections: self.collections,
            freed: self.freed,
            last_freed: self.last_freed,
            kept: 0,
        });
    }

    /// What the recorded collection changed (ends recording).
    pub(crate) fn take_recorded(&mut self) -> Option<Collected> {
        let mut c = self.recording.take()?;
        c.kept = 64 + c.free.len() * 4 + c.objects.iter().map(|(_, o)| 8 + object_bytes(o.cells.len())).sum::<usize>();
        Some(c)
    }

    /// Undoes a recorded collection: its objects back in their slots (each was freed by it,
    /// so its slot is free or holds an allocation made since, which the undo log has taken
    /// back or takes back next), the free list and the counters as they were.
    pub(crate) fn restore(&mut self, c: Collected) {
        for (i, o) in c.objects {
            let i = i as usize;
            if self.objects.len() <= i {
                self.objects.resize_with(i + 1, || None);
            }
            self.objects[i] = Some(o);
        }
        self.free = c.free;
        self.bytes = c.bytes;
        self.since_gc = c.since_gc;
        self.threshold = c.threshold;
        self.collections = c.collections;
        self.freed = c.freed;
        self.last_freed = c.last_freed;
    }

    /// The last collection's freed objects and bytes (`(0, 0)` before any).
    pub fn last_freed(&self) -> (u64, usize) {
        self.last_freed
    }

    /// Every live object with its slot index, in slot order.
    pub fn iter(&self) -> impl Iterator<Item = (u32, &Object)> {
        self.objects.iter().enumerate().filter_map(|(i, o)| Some((i as u32, o.as_ref()?)))
    }

    /// Is `cell` held by the host ([`Heap::hold`])?
    pub fn is_held(&self, cell: Raw) -> bool {
        self.held.contains_key(&cell)
    }

    /// Keeps the object (or any reference) in `cell` alive across collections until as many
    /// [`Heap::release`]s: for references the host holds between calls.
    pub fn hold(&mut self, cell: Raw) {
        *self.held.entry(cell).or_insert(0) += 1;
    }

    /// The cells the host holds ([`Heap::hold`]).
    pub(crate) fn held_cells(&self) -> impl Iterator<Item = Raw> + '_ {
        self.held.keys().copied()
    }

    /// Undoes one [`Heap::hold`].
    pub fn release(&mut self, cell: Raw) {
        if let Some(n) = self.held.get_mut(&cell) {
            *n -= 1;
            if *n == 0 {
                self.held.remove(&cell);
            }
        }
    }

    /// Mark-sweep. `roots` gives every root cell (conservatively: non-references are
    /// ignored); `refs(ty, cells, push)` pushes the reference cells of an object of store type
    /// `ty`. Returns the objects freed.
    pub(crate) fn collect(&mut self, roots: &mut dyn Iterator<Item = Raw>, refs: &RefsOf<'_>) -> u64 {
        let n = self.objects.len();
        let mut marked = vec![false; n];
        let mut work: Vec<u32> = Vec::new();
        let live = |objects: &[Option<Object>], c: Raw| {
            crate::value::gc_ref::heap_index(c).filter(|&i| objects.get(i as usize).is_some_and(Option::is_some))
        };
        for c in roots.chain(self.held.keys().copied()) {
            if let Some(i) = live(&self.objects, c)
                && !marked[i as usize]
            {
                marked[i as usize] = true;
                work.push(i);
            }
        }
        let mut children = Vec::new();
        while let Some(i) = work.pop() {
            if let Some(o) = &self.objects[i as usize] {
                children.clear();
                refs(o.ty, &o.cells, &mut children);
                for &c in &children {
                    if (c as usize) < n && !marked[c as usize] && self.objects[c as usize].is_some() {
                        marked[c as usize] = true;
                        work.push(c);
                    }
                }
            }
        }
        let mut freed = 0;
        let bytes_before = self.bytes;
        for (i, m) in marked.iter().enumerate() {
            if !m && self.objects[i].is_some() {
                match &mut self.recording {
                    Some(r) => {
                        if let Some(o) = self.objects[i].take() {
                            self.bytes -= object_bytes(o.cells.len());
                            self.free.push(i as u32);
                            r.objects.push((i as u32, o));
                        }
                    }
                    None => self.free(i as u32),
                }
                freed += 1;
            }
        }
        self.last_freed = (freed, bytes_before - self.bytes);
        self.since_gc = 0;
        self.threshold = self.bytes.saturating_mul(2);
        self.collections += 1;
        self.freed += freed;
        freed
    }

    /// Collections so far and objects they freed.
    pub fn collections(&self) -> (u64, u64) {
        (self.collections, self.freed)
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
            self.since_gc = self.since_gc.saturating_sub(object_bytes(o.cells.len()));
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

    /// The slot of the live object a reference cell names (none for null, an i31, a host
    /// reference or a freed object).
    #[inline(always)]
    pub fn live_index(&self, cell: Raw) -> Option<u32> {
        crate::value::gc_ref::heap_index(cell).filter(|&i| self.get(i).is_some())
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
    pub fn state(&self) -> HeapState {
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
