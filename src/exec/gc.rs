//! The `Gc` family (GC): structs and arrays in the store's heap (`runtime::heap`), i31,
//! `ref.eq`, `ref.test`/`ref.cast` and the two conversions, which change no cell (see
//! `value::gc_ref` for the encoding). One arm in the hot `match` calls [`exec`]; in wasm32
//! builds the loop leaves for it, as for `Atomic` (`Machine::run_family`).
//!
//! Type immediates are module type indices; the static type's layout is used for a field
//! (a subtype's fields begin with its supertype's, the same cells).

use crate::ir::{Code, Gc};
use crate::runtime::Store;
use crate::trap::TrapCode;
use crate::value::{CompositeType, FieldType, Raw, RefType, StorageType, ValType, gc_ref};

/// A field's cell as an operand (`signed`: `get_s`).
#[inline]
fn unpack(v: Raw, s: StorageType, signed: bool) -> Raw {
    match (s, signed) {
        (StorageType::I8, true) => v as u8 as i8 as i32 as u32 as Raw,
        (StorageType::I16, true) => v as u16 as i16 as i32 as u32 as Raw,
        _ => v,
    }
}

/// Bytes of one element in a data segment (`array.new_data`, `array.init_data`).
pub(crate) fn byte_size(s: StorageType) -> usize {
    match s {
        StorageType::I8 => 1,
        StorageType::I16 => 2,
        StorageType::Val(ValType::I64 | ValType::F64) => 8,
        StorageType::Val(ValType::V128) => 16,
        StorageType::Val(_) => 4,
    }
}

/// Reads `n` elements of `f` from `bytes` (little-endian) into cells.
pub(crate) fn cells_of_bytes(bytes: &[u8], f: FieldType) -> Vec<Raw> {
    let z = byte_size(f.storage);
    let mut out = Vec::with_capacity(bytes.len() / z * f.storage.unpacked().cells());
    for e in bytes.chunks_exact(z) {
        let mut lo = [0u8; 8];
        let n = z.min(8);
        lo[..n].copy_from_slice(&e[..n]);
        out.push(u64::from_le_bytes(lo));
        if z == 16 {
            let mut hi = [0u8; 8];
            hi.copy_from_slice(&e[8..16]);
            out.push(u64::from_le_bytes(hi));
        }
    }
    out
}

/// The store type id of module type `t` of the instance.
#[inline]
fn store_ty(store: &Store, inst_id: usize, t: u32) -> u32 {
    store.instances[inst_id].types[t as usize]
}

/// A struct's fields (store type id).
fn fields(store: &Store, st: u32) -> &[FieldType] {
    match &store.sub_types[st as usize].composite {
        CompositeType::Struct(f) => f,
        _ => &[],
    }
}

/// An array's element type (store type id).
pub(crate) fn elem(store: &Store, st: u32) -> FieldType {
    match &store.sub_types[st as usize].composite {
        CompositeType::Array(f) => *f,
        _ => FieldType { storage: StorageType::I8, mutable: false },
    }
}

/// A cast's target type with store type ids.
pub(crate) fn cast_type(store: &Store, inst_id: usize, bits: u64) -> RefType {
    let r = RefType::from_bits(bits);
    match r.heap.index() {
        Some(i) => RefType { heap: r.heap.with_index(store_ty(store, inst_id, i)), ..r },
        None => r,
    }
}

/// Runs `g` of `code` in instance `inst_id` on `stack` with `sp` cells in use: the new stack
/// height, and the trap if it trapped (after its operands were popped).
#[inline(never)]
pub(super) fn exec(
    g: Gc,
    code: &Code,
    store: &mut Store,
    inst_id: usize,
    stack: &mut [Raw],
    mut sp: usize,
) -> (usize, Result<(), TrapCode>) {
    family_stack!($ stack sp);
    // The object a reference names (`null`: the trap for a null one).
    macro_rules! object {
        ($r:expr, $null:expr) => {{
            match store.heap.live_index($r) {
                Some(i) => i,
                None => trap!($null),
            }
        }};
    }
    macro_rules! cells {
        ($i:expr) => {
            store.heap.get_mut($i).map_or(&mut [][..], |o| &mut o.cells[..])
        };
    }
    // Allocates (collecting first when the heap asks: the roots are the stack below the
    // popped operands and the new object's cells, which hold them).
    macro_rules! alloc {
        ($st:expr, $cells:expr) => {{
            let cells: Box<[Raw]> = $cells;
            let bytes = crate::runtime::heap::object_bytes(cells.len());
            if store.heap.wants_collection(bytes, store.heap_room()) {
                store.collect(&[&stack[..sp], &cells]);
            }
            tri!(store.alloc_object($st, cells))
        }};
    }
    match g {
        Gc::StructNew(t) => {
            let st = store_ty(store, inst_id, t);
            let fs = fields(store, st);
            let n: usize = fs.iter().map(|f| f.storage.unpacked().cells()).sum();
            let mut cells: Box<[Raw]> = stack[sp - n..sp].into();
            let mut at = 0;
            for f in fs {
                cells[at] = f.storage.pack(cells[at]);
                at += f.storage.unpacked().cells();
            }
            sp -= n;
            let r = alloc!(st, cells);
            push!(r)
        }
        Gc::StructNewDefault(t) => {
            let st = store_ty(store, inst_id, t);
            let n: usize = fields(store, st).iter().map(|f| f.storage.unpacked().cells()).sum();
            let r = alloc!(st, vec![0; n].into());
            push!(r)
        }
        Gc::StructGet { ty, field } | Gc::StructGetS { ty, field } | Gc::StructGetU { ty, field } => {
            let st = store_ty(store, inst_id, ty);
            let i = object!(pop!(), TrapCode::NullStructReference);
            let f = fields(store, st)[field as usize];
            let at = store.field_cells[st as usize][field as usize] as usize;
            let cells = cells!(i);
            let v = unpack(cells[at], f.storage, matches!(g, Gc::StructGetS { .. }));
            let hi = (f.storage.unpacked() == ValType::V128).then(|| cells[at + 1]);
            push!(v);
            if let Some(hi) = hi {
                push!(hi)
            }
        }
        Gc::StructSet { ty, field } => {
            let st = store_ty(store, inst_id, ty);
            let f = fields(store, st)[field as usize];
            let at = store.field_cells[st as usize][field as usize] as usize;
            let hi = if f.storage.unpacked() == ValType::V128 { Some(pop!()) } else { None };
            let v = pop!();
            let i = object!(pop!(), TrapCode::NullStructReference);
            let cells = cells!(i);
            cells[at] = f.storage.pack(v);
            if let Some(hi) = hi {
                cells[at + 1] = hi;
            }
        }
        Gc::ArrayNew(t) | Gc::ArrayNewDefault(t) => {
            let st = store_ty(store, inst_id, t);
            let f = elem(store, st);
            let c = f.storage.unpacked().cells();
            let n = pop!() as u32 as usize;
            let v: [Raw; 2] = match g {
                Gc::ArrayNew(_) if c == 2 => {
                    sp -= 2;
                    [stack[sp], stack[sp + 1]]
                }
                Gc::ArrayNew(_) => [f.storage.pack(pop!()), 0],
                _ => [0, 0],
            };
            if n.saturating_mul(c).saturating_mul(8) > store.limits.max_heap_bytes {
                trap!(TrapCode::HeapExhausted);
            }
            let cells: Box<[Raw]> = if c == 2 { v.repeat(n).into() } else { vec![v[0]; n].into() };
            let r = alloc!(st, cells);
            push!(r)
        }
        Gc::ArrayNewFixed { ty, n } => {
            let st = store_ty(store, inst_id, ty);
            let f = elem(store, st);
            let total = n as usize * f.storage.unpacked().cells();
            let cells: Box<[Raw]> = stack[sp - total..sp].iter().map(|&v| f.storage.pack(v)).collect();
            sp -= total;
            let r = alloc!(st, cells);
            push!(r)
        }
        Gc::ArrayNewData { ty, data } => {
            let st = store_ty(store, inst_id, ty);
            let f = elem(store, st);
            let n = pop!() as u32 as u64;
            let s = pop!() as u32 as u64;
            let seg = store.instances[inst_id].datas[data as usize].clone();
            let end = s + n * byte_size(f.storage) as u64;
            if end > seg.len() as u64 {
                trap!(TrapCode::MemoryOutOfBounds);
            }
            let cells = cells_of_bytes(&seg[s as usize..end as usize], f);
            let r = alloc!(st, cells.into());
            push!(r)
        }
        Gc::ArrayNewElem { ty, elem: e } => {
            let st = store_ty(store, inst_id, ty);
            let n = pop!() as u32 as u64;
            let s = pop!() as u32 as u64;
            let seg = store.instances[inst_id].elems[e as usize].clone();
            if s + n > seg.len() as u64 {
                trap!(TrapCode::TableOutOfBounds);
            }
            let r = alloc!(st, seg[s as usize..(s + n) as usize].into());
            push!(r)
        }
        Gc::ArrayGet(t) | Gc::ArrayGetS(t) | Gc::ArrayGetU(t) => {
            let st = store_ty(store, inst_id, t);
            let f = elem(store, st);
            let c = f.storage.unpacked().cells();
            let k = pop!() as u32 as usize;
            let i = object!(pop!(), TrapCode::NullArrayReference);
            let cells = cells!(i);
            if k >= cells.len() / c {
                trap!(TrapCode::ArrayOutOfBounds);
            }
            let v = unpack(cells[k * c], f.storage, matches!(g, Gc::ArrayGetS(_)));
            let hi = (c == 2).then(|| cells[k * c + 1]);
            push!(v);
            if let Some(hi) = hi {
                push!(hi)
            }
        }
        Gc::ArraySet(t) => {
            let st = store_ty(store, inst_id, t);
            let f = elem(store, st);
            let c = f.storage.unpacked().cells();
            let hi = if c == 2 { Some(pop!()) } else { None };
            let v = pop!();
            let k = pop!() as u32 as usize;
            let i = object!(pop!(), TrapCode::NullArrayReference);
            let cells = cells!(i);
            if k >= cells.len() / c {
                trap!(TrapCode::ArrayOutOfBounds);
            }
            cells[k * c] = f.storage.pack(v);
            if let Some(hi) = hi {
                cells[k * c + 1] = hi;
            }
        }
        Gc::ArrayLen => {
            let i = object!(pop!(), TrapCode::NullArrayReference);
            let len = array_len(store, i);
            push!(len as Raw)
        }
        Gc::ArrayFill(t) => {
            let st = store_ty(store, inst_id, t);
            let f = elem(store, st);
            let c = f.storage.unpacked().cells();
            let n = pop!() as u32 as usize;
            let hi = if c == 2 { pop!() } else { 0 };
            let v = f.storage.pack(pop!());
            let d = pop!() as u32 as usize;
            let i = object!(pop!(), TrapCode::NullArrayReference);
            let cells = cells!(i);
            if d + n > cells.len() / c {
                trap!(TrapCode::ArrayOutOfBounds);
            }
            for k in d..d + n {
                cells[k * c] = v;
                if c == 2 {
                    cells[k * c + 1] = hi;
                }
            }
        }
        Gc::ArrayCopy { dst, .. } => {
            let c = elem(store, store_ty(store, inst_id, dst)).storage.unpacked().cells();
            let n = pop!() as u32 as usize;
            let s = pop!() as u32 as usize;
            let src = pop!();
            let d = pop!() as u32 as usize;
            let di = object!(pop!(), TrapCode::NullArrayReference);
            let si = object!(src, TrapCode::NullArrayReference);
            let (dlen, slen) = (array_len(store, di) as usize, array_len(store, si) as usize);
            if d + n > dlen || s + n > slen {
                trap!(TrapCode::ArrayOutOfBounds);
            }
            if di == si {
                cells!(di).copy_within(s * c..(s + n) * c, d * c);
            } else {
                let from: Vec<Raw> = cells!(si)[s * c..(s + n) * c].to_vec();
                cells!(di)[d * c..(d + n) * c].copy_from_slice(&from);
            }
        }
        Gc::ArrayInitData { ty, data } => {
            let f = elem(store, store_ty(store, inst_id, ty));
            let c = f.storage.unpacked().cells();
            let (i, d, s, n) = tri!(init_operands(store, stack, &mut sp));
            let seg = store.instances[inst_id].datas[data as usize].clone();
            let end = s + n * byte_size(f.storage) as u64;
            if end > seg.len() as u64 {
                trap!(TrapCode::MemoryOutOfBounds);
            }
            let from = cells_of_bytes(&seg[s as usize..end as usize], f);
            cells!(i)[d * c..d * c + from.len()].copy_from_slice(&from);
        }
        Gc::ArrayInitElem { elem: e, .. } => {
            let (i, d, s, n) = tri!(init_operands(store, stack, &mut sp));
            let seg = store.instances[inst_id].elems[e as usize].clone();
            if s + n > seg.len() as u64 {
                trap!(TrapCode::TableOutOfBounds);
            }
            cells!(i)[d..d + n as usize].copy_from_slice(&seg[s as usize..(s + n) as usize]);
        }
        Gc::RefI31 => {
            let v = pop!() as u32;
            push!(gc_ref::i31(v))
        }
        Gc::I31GetS | Gc::I31GetU => {
            let r = pop!();
            if r == 0 {
                trap!(TrapCode::NullI31Reference);
            }
            push!(gc_ref::i31_get(r, g == Gc::I31GetS) as Raw)
        }
        Gc::RefEq => {
            let b = pop!();
            let a = pop!();
            push!((a == b) as Raw)
        }
        Gc::RefTest(c) => {
            let t = cast_type(store, inst_id, code.casts[c as usize]);
            let r = pop!();
            push!(store.ref_test(r, t) as Raw)
        }
        Gc::RefCast(c) => {
            let t = cast_type(store, inst_id, code.casts[c as usize]);
            if !store.ref_test(stack[sp - 1], t) {
                trap!(TrapCode::CastFailure);
            }
        }
        Gc::AnyConvertExtern | Gc::ExternConvertAny => {}
    }
    (sp, Ok(()))
}

/// The operands `array.init_data` and `array.init_elem` share: pops the count `n`, the
/// segment offset `s`, the array offset `d` and the array, and checks that `d + n` is
/// within the array: `(array object, d, s, n)`. On a trap (a null array, or out of
/// bounds) all four are popped, as on success.
fn init_operands(store: &Store, stack: &[Raw], sp: &mut usize) -> Result<(u32, usize, u64, u64), TrapCode> {
    let [r, d, s, n] = [stack[*sp - 4], stack[*sp - 3], stack[*sp - 2], stack[*sp - 1]];
    *sp -= 4;
    let (d, s, n) = (d as u32 as usize, s as u32 as u64, n as u32 as u64);
    let i = store.heap.live_index(r).ok_or(TrapCode::NullArrayReference)?;
    if d as u64 + n > array_len(store, i) as u64 {
        return Err(TrapCode::ArrayOutOfBounds);
    }
    Ok((i, d, s, n))
}

/// The length of array object `i`.
pub(crate) fn array_len(store: &Store, i: u32) -> u32 {
    let Some(o) = store.heap.get(i) else { return 0 };
    (o.cells.len() / elem(store, o.ty).storage.unpacked().cells()) as u32
}

/// Does `br_on_cast`/`br_on_cast_fail` `i` of `code` branch, with `r` on top of the stack?
#[inline(never)]
pub(super) fn br_on_cast(code: &Code, store: &Store, inst_id: usize, i: u32, r: Raw) -> Option<crate::ir::Target> {
    let b = code.br_casts[i as usize];
    (store.ref_test(r, cast_type(store, inst_id, b.to)) != b.fail).then_some(b.target)
}
