//! One wasm instruction as text, the way the WebAssembly text format writes it flat
//! (no folding): `local.get 0`, `i32.const 7`, `br_if 1`, `call $fac`,
//! `i32.load offset=4`, `block (result i32)`.
//!
//! Mnemonics are derived at compile time from wasmparser's operator list
//! ([`wasmparser::for_each_operator`]), so every operator wasmparser knows (SIMD, atomics,
//! GC, ... included) has a name without a hand-written table. Immediates of the
//! WebAssembly 2.0 instructions are written as `wasmprinter` and wabt write them (floats
//! in shortest round-trip decimal); those of other proposals generically, one after the
//! other. Indices are numbers, except functions that have a name-section name (`$fac`).
//!
//! A leaf of the crate: it knows nothing of ours but [`FuncType`]. What it needs of the
//! module an instruction comes from (function names, block types) it asks a [`Context`]
//! (`decode::Module` is one; `()` knows no names and no types).

use crate::value::FuncType;
use std::fmt::{self, Write as _};
use wasmparser::{
    AbstractHeapType, BlockType, BrTable, Catch, Handle, HeapType, Ieee32, Ieee64, MemArg, MemArgOrdering,
    MemArgTarget, Operator, Ordering, RefType, ResumeTable, TryTable, UnpackedIndex, V128, ValType,
};

/// Text of one instruction as the WebAssembly text format writes it (flat, no folding):
/// `local.get 0`, `i32.const 7`, `br_if 1`, `call $fac`, `i32.load offset=4`,
/// `block (result i32)`.
/// Function names and block types come from `cx`.
pub fn op_text<C: Context + ?Sized>(op: &Operator<'_>, cx: &C) -> String {
    let mut out = String::from(mnemonic(op));
    // Writing to a `String` cannot fail.
    let _ = immediates(&mut out, op, cx);
    out
}

/// What the text of an instruction needs to know about the module it comes from.
pub trait Context {
    /// The name-section name of function `index` (function index space), if it has one.
    fn func_name(&self, index: u32) -> Option<&str>;
    /// Entry `index` of the type section (a block type `(type N)`), if it exists.
    fn type_def(&self, index: u32) -> Option<&FuncType>;
    /// The name-section name of tag `index` (exception handling), if it has one.
    fn tag_name(&self, _index: u32) -> Option<&str> {
        None
    }
    /// The name-section name of type `index` (GC's struct and array types), if it has one.
    fn type_name(&self, _index: u32) -> Option<&str> {
        None
    }
    /// The name-section name of field `field` of struct type `ty`, if it has one.
    fn field_name(&self, _ty: u32, _field: u32) -> Option<&str> {
        None
    }
}

/// ` $name` of type `i`, else ` i`.
fn type_ref<C: Context + ?Sized>(out: &mut String, i: u32, m: &C) -> fmt::Result {
    match m.type_name(i) {
        Some(n) => write!(out, " ${n}"),
        None => write!(out, " {i}"),
    }
}

/// ` $name` of field `f` of type `t`, else ` f`.
fn field_ref<C: Context + ?Sized>(out: &mut String, t: u32, f: u32, m: &C) -> fmt::Result {
    match m.field_name(t, f) {
        Some(n) => write!(out, " ${n}"),
        None => write!(out, " {f}"),
    }
}

/// No names, no types: every index is written as a number.
impl Context for () {
    fn func_name(&self, _: u32) -> Option<&str> {
        None
    }
    fn type_def(&self, _: u32) -> Option<&FuncType> {
        None
    }
}

/// The text-format mnemonic of an operator: `i32.add`, `br_table`, `memory.init`.
pub fn mnemonic(op: &Operator<'_>) -> &'static str {
    macro_rules! define_mnemonic {
        ($( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*))*) => {
            match op {
                $(
                    Operator::$op { .. } => {
                        static NAME: Mnemonic = Mnemonic::from_visit(stringify!($visit));
                        NAME.as_str()
                    }
                )*
                // `Operator` is non-exhaustive; every variant this wasmparser has is above.
                _ => "<unknown>",
            }
        };
    }
    wasmparser::for_each_operator!(define_mnemonic)
}

/// The mnemonic of the operator named `name` as wasmparser's `Operator` variant (`I32Add` →
/// `i32.add`): how the IR's operator names (which are wasmparser's) are shown as wasm.
pub fn mnemonic_of_name(name: &str) -> Option<&'static str> {
    macro_rules! by_name {
        ($( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*))*) => {
            match name {
                $(
                    stringify!($op) => {
                        static NAME: Mnemonic = Mnemonic::from_visit(stringify!($visit));
                        Some(NAME.as_str())
                    }
                )*
                _ => None,
            }
        };
    }
    wasmparser::for_each_operator!(by_name)
}

/// Longest mnemonic we can hold; a longer one is a compile-time error.
const MNEMONIC_CAP: usize = 48;

/// A mnemonic computed at compile time from a `VisitOperator` method name.
struct Mnemonic {
    buf: [u8; MNEMONIC_CAP],
    len: usize,
}

/// First words of `visit_*` names that are followed by a `.` in the text format.
const DOTTED: &[&str] = &[
    "i32", "i64", "f32", "f64", "v128", "i8x16", "i16x8", "i32x4", "i64x2", "f32x4", "f64x2", "local", "global",
    "memory", "table", "ref", "elem", "data", "struct", "array", "any", "extern", "i31", "atomic", "cont",
];

const fn bytes_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

const fn starts_with(s: &[u8], p: &[u8]) -> bool {
    s.len() >= p.len() && bytes_eq(s.split_at(p.len()).0, p)
}

const fn ends_with(s: &[u8], p: &[u8]) -> bool {
    s.len() >= p.len() && bytes_eq(s.split_at(s.len() - p.len()).1, p)
}

/// Index of the first `_` at or after `from`, or `s.len()`.
const fn find_underscore(s: &[u8], from: usize) -> usize {
    let mut i = from;
    while i < s.len() && s[i] != b'_' {
        i += 1;
    }
    i
}

impl Mnemonic {
    /// `visit_i32_trunc_sat_f32_s` → `i32.trunc_sat_f32_s`, `visit_br_table` →
    /// `br_table`, `visit_memory_atomic_notify` → `memory.atomic.notify`,
    /// `visit_i32_atomic_rmw8_add_u` → `i32.atomic.rmw8.add_u`.
    const fn from_visit(visit: &str) -> Mnemonic {
        let s = visit.as_bytes();
        assert!(starts_with(s, b"visit_"));
        let mut s = s.split_at(6).1;
        // Names that are not a plain transliteration.
        if bytes_eq(s, b"typed_select") || bytes_eq(s, b"typed_select_multi") {
            s = b"select";
        }
        // `ref.test`/`ref.cast` carry nullability in their type immediate, not the name.
        if (starts_with(s, b"ref_test_") || starts_with(s, b"ref_cast_"))
            && (ends_with(s, b"_non_null") || ends_with(s, b"_nullable"))
        {
            s = s.split_at(s.len() - "_non_null".len()).0;
        }
        assert!(s.len() <= MNEMONIC_CAP);
        let mut buf = [0u8; MNEMONIC_CAP];
        let mut i = 0;
        while i < s.len() {
            buf[i] = s[i];
            i += 1;
        }
        let first = find_underscore(s, 0);
        if first < s.len() {
            let word = s.split_at(first).0;
            let mut dotted = false;
            let mut k = 0;
            while k < DOTTED.len() {
                if bytes_eq(word, DOTTED[k].as_bytes()) {
                    dotted = true;
                }
                k += 1;
            }
            if dotted {
                buf[first] = b'.';
                // `i32.atomic.rmw8.add_u`, `memory.atomic.wait32`, `global.atomic.get`.
                let rest = s.split_at(first + 1).1;
                if !bytes_eq(word, b"atomic") && starts_with(rest, b"atomic_") {
                    let dot = first + "atomic".len() + 1;
                    buf[dot] = b'.';
                    if starts_with(s.split_at(dot + 1).1, b"rmw") {
                        let next = find_underscore(s, dot + 1);
                        if next < s.len() {
                            buf[next] = b'.';
                        }
                    }
                }
            }
        }
        Mnemonic { buf, len: s.len() }
    }

    fn as_str(&self) -> &str {
        // Always ASCII: built from Rust identifiers.
        std::str::from_utf8(&self.buf[..self.len]).unwrap_or("<?>")
    }
}

/// Appends the immediates of `op` (with a leading space each) to `out`.
fn immediates<C: Context + ?Sized>(out: &mut String, op: &Operator<'_>, m: &C) -> fmt::Result {
    match op {
        Operator::Call { function_index }
        | Operator::ReturnCall { function_index }
        | Operator::RefFunc { function_index } => func_ref(out, *function_index, m),
        Operator::Throw { tag_index } | Operator::Catch { tag_index } => {
            name_ref(out, *tag_index, m.tag_name(*tag_index))
        }
        Operator::CallIndirect { type_index, table_index }
        | Operator::ReturnCallIndirect { type_index, table_index } => {
            if *table_index != 0 {
                write!(out, " {table_index}")?;
            }
            write!(out, " (type {type_index})")
        }
        Operator::MemorySize { mem }
        | Operator::MemoryGrow { mem }
        | Operator::MemoryFill { mem }
        | Operator::MemoryDiscard { mem } => nonzero(out, *mem),
        Operator::MemoryInit { data_index, mem } => {
            nonzero(out, *mem)?;
            write!(out, " {data_index}")
        }
        Operator::MemoryCopy { dst_mem, src_mem } => {
            if *dst_mem != 0 || *src_mem != 0 {
                write!(out, " {dst_mem} {src_mem}")?;
            }
            Ok(())
        }
        Operator::TableInit { elem_index, table } => write!(out, " {table} {elem_index}"),
        // GC: types and fields by their names where the name section gives them.
        Operator::StructNew { struct_type_index: t } | Operator::StructNewDefault { struct_type_index: t } => {
            type_ref(out, *t, m)
        }
        Operator::StructGet { struct_type_index: t, field_index: f }
        | Operator::StructGetS { struct_type_index: t, field_index: f }
        | Operator::StructGetU { struct_type_index: t, field_index: f }
        | Operator::StructSet { struct_type_index: t, field_index: f } => {
            type_ref(out, *t, m)?;
            field_ref(out, *t, *f, m)
        }
        Operator::ArrayNew { array_type_index: t }
        | Operator::ArrayNewDefault { array_type_index: t }
        | Operator::ArrayGet { array_type_index: t }
        | Operator::ArrayGetS { array_type_index: t }
        | Operator::ArrayGetU { array_type_index: t }
        | Operator::ArraySet { array_type_index: t }
        | Operator::ArrayFill { array_type_index: t } => type_ref(out, *t, m),
        Operator::ArrayNewFixed { array_type_index: t, array_size: n } => {
            type_ref(out, *t, m)?;
            write!(out, " {n}")
        }
        Operator::ArrayNewData { array_type_index: t, array_data_index: i }
        | Operator::ArrayNewElem { array_type_index: t, array_elem_index: i }
        | Operator::ArrayInitData { array_type_index: t, array_data_index: i }
        | Operator::ArrayInitElem { array_type_index: t, array_elem_index: i } => {
            type_ref(out, *t, m)?;
            write!(out, " {i}")
        }
        Operator::ArrayCopy { array_type_index_dst: d, array_type_index_src: s } => {
            type_ref(out, *d, m)?;
            type_ref(out, *s, m)
        }
        Operator::TypedSelect { ty } => {
            out.push_str(" (result ");
            val_type(out, *ty)?;
            out.push(')');
            Ok(())
        }
        Operator::TypedSelectMulti { tys } => {
            out.push_str(" (result");
            for ty in tys {
                out.push(' ');
                val_type(out, *ty)?;
            }
            out.push(')');
            Ok(())
        }
        Operator::RefTestNonNull { hty } | Operator::RefCastNonNull { hty } => {
            out.push_str(" (ref ");
            heap_type(out, *hty)?;
            out.push(')');
            Ok(())
        }
        Operator::RefTestNullable { hty } | Operator::RefCastNullable { hty } => {
            out.push_str(" (ref null ");
            heap_type(out, *hty)?;
            out.push(')');
            Ok(())
        }
        _ => generic_immediates(out, op, m),
    }
}

/// Writes every immediate of `op` in declaration order, each as its type is usually
/// written ([`Imm`]).
fn generic_immediates<C: Context + ?Sized>(out: &mut String, op: &Operator<'_>, m: &C) -> fmt::Result {
    macro_rules! define_generic {
        ($( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*))*) => {
            match op {
                $(
                    Operator::$op $({ $($arg),* })? => {
                        $( $( Imm::write($arg, out, m)?; )* )?
                    }
                )*
                _ => {}
            }
        };
    }
    wasmparser::for_each_operator!(define_generic);
    Ok(())
}

/// An immediate operand, written with a leading space (or nothing when it is a default
/// that the text format omits).
trait Imm {
    fn write<C: Context + ?Sized>(&self, out: &mut String, m: &C) -> fmt::Result;
}

macro_rules! imm_display {
    ($($t:ty),*) => {
        $(
            impl Imm for $t {
                fn write<C: Context + ?Sized>(&self, out: &mut String, _: &C) -> fmt::Result {
                    write!(out, " {self}")
                }
            }
        )*
    };
}
imm_display!(u8, u32, i32, i64);

// Types as immediates: a space, then the type as the text format writes it.
macro_rules! imm_type {
    ($($t:ty => $f:ident),*) => {
        $(
            impl Imm for $t {
                fn write<C: Context + ?Sized>(&self, out: &mut String, _: &C) -> fmt::Result {
                    out.push(' ');
                    $f(out, *self)
                }
            }
        )*
    };
}
imm_type!(ValType => val_type, RefType => ref_type, HeapType => heap_type);

impl Imm for [u8; 16] {
    fn write<C: Context + ?Sized>(&self, out: &mut String, _: &C) -> fmt::Result {
        self.iter().try_for_each(|lane| write!(out, " {lane}"))
    }
}

impl Imm for Vec<ValType> {
    fn write<C: Context + ?Sized>(&self, out: &mut String, _: &C) -> fmt::Result {
        self.iter().try_for_each(|&t| {
            out.push(' ');
            val_type(out, t)
        })
    }
}

impl Imm for V128 {
    fn write<C: Context + ?Sized>(&self, out: &mut String, _: &C) -> fmt::Result {
        out.push_str(" i32x4");
        for chunk in self.bytes().chunks_exact(4) {
            let lane = u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
            write!(out, " 0x{lane:08x}")?;
        }
        Ok(())
    }
}

impl Imm for Ieee32 {
    fn write<C: Context + ?Sized>(&self, out: &mut String, _: &C) -> fmt::Result {
        out.push(' ');
        f32_text(out, self.bits())
    }
}

impl Imm for Ieee64 {
    fn write<C: Context + ?Sized>(&self, out: &mut String, _: &C) -> fmt::Result {
        out.push(' ');
        f64_text(out, self.bits())
    }
}

impl Imm for BlockType {
    fn write<C: Context + ?Sized>(&self, out: &mut String, m: &C) -> fmt::Result {
        match *self {
            BlockType::Empty => Ok(()),
            BlockType::Type(t) => {
                out.push_str(" (result ");
                val_type(out, t)?;
                out.push(')');
                Ok(())
            }
            BlockType::FuncType(i) => match m.type_def(i) {
                Some(ty) if !(ty.params.is_empty() && ty.results.is_empty()) => write!(out, " {ty}"),
                _ => write!(out, " (type {i})"),
            },
        }
    }
}

impl Imm for BrTable<'_> {
    fn write<C: Context + ?Sized>(&self, out: &mut String, _: &C) -> fmt::Result {
        for target in self.targets() {
            match target {
                Ok(t) => write!(out, " {t}")?,
                Err(_) => out.push_str(" <invalid>"),
            }
        }
        write!(out, " {}", self.default())
    }
}

impl Imm for MemArg {
    fn write<C: Context + ?Sized>(&self, out: &mut String, _: &C) -> fmt::Result {
        match self.target {
            MemArgTarget::Memory(0) => {}
            MemArgTarget::Memory(i) | MemArgTarget::Array(i) => write!(out, " {i}")?,
        }
        if let Some(MemArgOrdering::Op(o) | MemArgOrdering::Rmw(o)) = self.ordering {
            ordering(out, o);
        }
        if self.offset != 0 {
            write!(out, " offset={}", self.offset)?;
        }
        // `max_align` is the natural alignment (the access width) of the instruction.
        if self.align != self.max_align {
            match 1u64.checked_shl(self.align.into()) {
                Some(bytes) => write!(out, " align={bytes}")?,
                None => write!(out, " align=2**{}", self.align)?,
            }
        }
        Ok(())
    }
}

/// Sequential consistency is the default and is not written.
fn ordering(out: &mut String, o: Ordering) {
    match o {
        Ordering::SeqCst => {}
        Ordering::AcqRel => out.push_str(" acqrel"),
    }
}

impl Imm for Ordering {
    fn write<C: Context + ?Sized>(&self, out: &mut String, _: &C) -> fmt::Result {
        ordering(out, *self);
        Ok(())
    }
}

impl Imm for TryTable {
    fn write<C: Context + ?Sized>(&self, out: &mut String, m: &C) -> fmt::Result {
        self.ty.write(out, m)?;
        for catch in &self.catches {
            match *catch {
                Catch::One { tag, label } | Catch::OneRef { tag, label } => {
                    out.push_str(if matches!(catch, Catch::One { .. }) { " (catch" } else { " (catch_ref" });
                    name_ref(out, tag, m.tag_name(tag))?;
                    write!(out, " {label})")?
                }
                Catch::All { label } => write!(out, " (catch_all {label})")?,
                Catch::AllRef { label } => write!(out, " (catch_all_ref {label})")?,
            }
        }
        Ok(())
    }
}

impl Imm for ResumeTable {
    fn write<C: Context + ?Sized>(&self, out: &mut String, _: &C) -> fmt::Result {
        for handle in &self.handlers {
            match *handle {
                Handle::OnLabel { tag, label } => write!(out, " (on {tag} {label})")?,
                Handle::OnSwitch { tag } => write!(out, " (on {tag} switch)")?,
            }
        }
        Ok(())
    }
}

/// ` N` unless `index` is 0 (the default memory).
fn nonzero(out: &mut String, index: u32) -> fmt::Result {
    if index != 0 {
        write!(out, " {index}")?;
    }
    Ok(())
}

/// ` $name` when function `index` has a name in the name section, else ` N`.
fn func_ref<C: Context + ?Sized>(out: &mut String, index: u32, m: &C) -> fmt::Result {
    name_ref(out, index, m.func_name(index))
}

/// ` $name` when the name section names it, else ` N`.
fn name_ref(out: &mut String, index: u32, name: Option<&str>) -> fmt::Result {
    match name {
        Some(name) if !name.is_empty() => {
            out.push_str(" $");
            if name.bytes().all(is_idchar) {
                out.push_str(name);
            } else {
                // `$"..."`: a name that is not a plain identifier.
                out.push('"');
                for c in name.chars() {
                    match c {
                        '"' => out.push_str("\\\""),
                        '\\' => out.push_str("\\\\"),
                        c if c.is_control() => write!(out, "\\u{{{:x}}}", c as u32)?,
                        c => out.push(c),
                    }
                }
                out.push('"');
            }
            Ok(())
        }
        _ => write!(out, " {index}"),
    }
}

/// May this byte appear in a text-format identifier?
fn is_idchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-./:<=>?@\\^_`|~".contains(&b)
}

/// A heap type as written after `ref.null`: `func`, `extern`, a type index.
/// A value type as the text format writes it: `i32`, `funcref`, `(ref null 0)`, `(ref func)`
/// (wasmparser's `Display` writes a concrete type as `(module 0)`).
fn val_type(out: &mut String, t: ValType) -> fmt::Result {
    match t {
        ValType::Ref(r) => ref_type(out, r),
        t => write!(out, "{t}"),
    }
}

/// A reference type: `funcref` and `externref` for the nullable abstract ones, else
/// `(ref null? HEAP)` (GC's, which the interpreter does not accept, in that long form).
fn ref_type(out: &mut String, r: RefType) -> fmt::Result {
    match r.heap_type() {
        HeapType::Abstract { shared: false, ty: AbstractHeapType::Func } if r.is_nullable() => out.write_str("funcref"),
        HeapType::Abstract { shared: false, ty: AbstractHeapType::Extern } if r.is_nullable() => {
            out.write_str("externref")
        }
        h => {
            out.push_str(if r.is_nullable() { "(ref null " } else { "(ref " });
            heap_type(out, h)?;
            out.push(')');
            Ok(())
        }
    }
}

fn heap_type(out: &mut String, hty: HeapType) -> fmt::Result {
    match hty {
        HeapType::Abstract { shared, ty } => {
            let name = match ty {
                AbstractHeapType::Func => "func",
                AbstractHeapType::Extern => "extern",
                AbstractHeapType::Any => "any",
                AbstractHeapType::None => "none",
                AbstractHeapType::NoExtern => "noextern",
                AbstractHeapType::NoFunc => "nofunc",
                AbstractHeapType::Eq => "eq",
                AbstractHeapType::Struct => "struct",
                AbstractHeapType::Array => "array",
                AbstractHeapType::I31 => "i31",
                AbstractHeapType::Exn => "exn",
                AbstractHeapType::NoExn => "noexn",
                AbstractHeapType::Cont => "cont",
                AbstractHeapType::NoCont => "nocont",
            };
            if shared { write!(out, "(shared {name})") } else { out.write_str(name) }
        }
        HeapType::Concrete(i) => type_index(out, i),
        HeapType::Exact(i) => {
            out.push_str("(exact ");
            type_index(out, i)?;
            out.push(')');
            Ok(())
        }
    }
}

fn type_index(out: &mut String, i: UnpackedIndex) -> fmt::Result {
    match i.as_module_index() {
        Some(i) => write!(out, "{i}"),
        None => write!(out, "{i}"),
    }
}

/// A finite float in the shortest decimal form that reads back to the same value:
/// positional (`1`, `0.1`, `123456.75`) or, as JavaScript does for decimal exponents below
/// -6 or from 21 on, scientific (`1e-45`, `3.4028235e38`).
fn finite_text<F: fmt::Display + fmt::LowerExp>(out: &mut String, v: F) -> fmt::Result {
    let scientific = format!("{v:e}");
    let exponent: i32 = scientific.rsplit_once('e').and_then(|(_, e)| e.parse().ok()).unwrap_or(0);
    if (-6..21).contains(&exponent) { write!(out, "{v}") } else { out.write_str(&scientific) }
}

/// `f32.const` operand in text-format syntax: `1.5`, `-0`, `inf`, `-nan`, `nan:0x200000`.
fn f32_text(out: &mut String, bits: u32) -> fmt::Result {
    let v = f32::from_bits(bits);
    if v.is_finite() {
        return finite_text(out, v);
    }
    if bits >> 31 != 0 {
        out.push('-');
    }
    let payload = bits & 0x007f_ffff;
    match payload {
        0 => out.write_str("inf"),
        0x0040_0000 => out.write_str("nan"),
        p => write!(out, "nan:0x{p:x}"),
    }
}

/// `f64.const` operand in text-format syntax: `1`, `-0`, `inf`, `nan`, `nan:0x4`.
fn f64_text(out: &mut String, bits: u64) -> fmt::Result {
    let v = f64::from_bits(bits);
    if v.is_finite() {
        return finite_text(out, v);
    }
    if bits >> 63 != 0 {
        out.push('-');
    }
    let payload = bits & 0x000f_ffff_ffff_ffff;
    match payload {
        0 => out.write_str("inf"),
        0x0008_0000_0000_0000 => out.write_str("nan"),
        p => write!(out, "nan:0x{p:x}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    // Test inputs only: the printer is checked against modules as the decoder reads them.
    use crate::decode::Module;
    use wasmparser::{Parser, Payload};

    /// The operators of every function body in `wasm`, in order.
    fn bodies(wasm: &[u8]) -> Vec<Vec<Operator<'_>>> {
        let mut out = Vec::new();
        for payload in Parser::new(0).parse_all(wasm) {
            if let Payload::CodeSectionEntry(body) = payload.unwrap() {
                let ops = body.get_operators_reader().unwrap();
                out.push(ops.into_iter().collect::<Result<Vec<_>, _>>().unwrap());
            }
        }
        out
    }

    /// The text of every instruction of every function of a (valid) module.
    fn texts(wat: &str) -> Vec<Vec<String>> {
        let wasm = wat::parse_str(wat).unwrap();
        let module = Module::new(&wasm).unwrap();
        bodies(&wasm).iter().map(|ops| ops.iter().map(|op| op_text(op, &module)).collect()).collect()
    }

    /// Checks the text of every instruction of the first function of `module`, whose body
    /// is written `BODY` there. Each line is an instruction that is written back as is, or
    /// `input => text`. Modules our decoder rejects (SIMD, atomics, type errors) are read
    /// without validation, with no names and no types (`()`).
    fn check(module: &str, lines: &[&str]) {
        let (inputs, mut expected): (Vec<&str>, Vec<&str>) =
            lines.iter().map(|l| l.split_once(" => ").unwrap_or((l, l))).unzip();
        expected.push("end");
        let wasm = wat::parse_str(module.replace("BODY", &inputs.join("\n"))).unwrap();
        let decoded = Module::new(&wasm).ok();
        let cx: &dyn Context = match &decoded {
            Some(m) => m,
            None => &(),
        };
        let ops = &bodies(&wasm)[0];
        let got: Vec<String> = ops.iter().map(|op| op_text(op, cx)).collect();
        assert_eq!(got, expected);
    }

    #[test]
    fn factorial_with_names() {
        let t = texts(
            r#"(module
              (func $fac (export "fac") (param i64) (result i64)
                local.get 0
                i64.eqz
                if (result i64)
                  i64.const 1
                else
                  local.get 0
                  local.get 0
                  i64.const 1
                  i64.sub
                  call $fac
                  i64.mul
                end)
              (func (result i64)
                i64.const 5
                call 0
                call 2
                drop)
              (func (result i64) i64.const 0)
              (func $"odd name" call $"odd name"))"#,
        );
        assert_eq!(
            t[0],
            [
                "local.get 0",
                "i64.eqz",
                "if (result i64)",
                "i64.const 1",
                "else",
                "local.get 0",
                "local.get 0",
                "i64.const 1",
                "i64.sub",
                "call $fac",
                "i64.mul",
                "end",
                "end",
            ]
        );
        assert_eq!(t[1], ["i64.const 5", "call $fac", "call 2", "drop", "end"]);
        assert_eq!(t[3], [r#"call $"odd name""#, "end"]);
    }

    #[test]
    fn control_flow() {
        check(
            r#"(module
              (type $sig (func (param i32) (result i32)))
              (type $empty (func))
              (table 2 funcref)
              (table $t1 1 funcref)
              (global (mut i32) (i32.const 0))
              (func (param i32) (result i32) BODY))"#,
            &[
                "block",
                "loop (result i32)",
                "local.get 0",
                "br_if 1",
                "i32.const 3",
                "block (param i32) (result i32)",
                "end",
                "block (type $empty) => block (type 1)",
                "end",
                "local.get 0",
                "br_table 0 1 0 1",
                "end",
                "nop",
                "br 0",
                "end",
                "unreachable",
                "return",
                "local.get 0",
                "i32.const 0",
                "call_indirect (type $sig) => call_indirect (type 0)",
                "i32.const 1",
                "call_indirect $t1 (type $sig) => call_indirect 1 (type 0)",
                "local.tee 0",
                "local.set 0",
                "global.get 0",
                "global.set 0",
                "i32.const 1",
                "i32.const 2",
                "local.get 0",
                "select",
                "i32.const 1",
                "i32.const 2",
                "local.get 0",
                "select (result i32)",
                "drop",
            ],
        );
    }

    #[test]
    fn memory_instructions() {
        let mut lines = Vec::new();
        for load in [
            "i32.load",
            "i32.load offset=4",
            "i32.load align=1",
            "i64.load8_u offset=3 align=1 => i64.load8_u offset=3",
            "i32.load16_s align=1",
            "i64.load offset=4294967295 align=4",
            "f32.load align=4 => f32.load",
            "i64.load32_s offset=0 align=4 => i64.load32_s",
        ] {
            lines.extend(["local.get 0", load, "drop"]);
        }
        lines.extend([
            "local.get 0",
            "i64.const 1",
            "i64.store32 offset=8",
            "local.get 0",
            "f64.const 0",
            "f64.store offset=1 align=1",
            "memory.size",
            "memory.grow",
            "drop",
            "i32.const 0",
            "i32.const 0",
            "i32.const 0",
            "memory.init 0",
            "data.drop 0",
            "i32.const 0",
            "i32.const 0",
            "i32.const 0",
            "memory.copy",
            "i32.const 0",
            "i32.const 0",
            "i32.const 0",
            "memory.fill",
        ]);
        check(r#"(module (memory 1) (data "abc") (func (param i32) BODY))"#, &lines);
    }

    #[test]
    fn constants() {
        check(
            "(module (func BODY))",
            &[
                "i32.const -7",
                "i32.const 2147483647",
                "i32.const 0xffffffff => i32.const -1",
                "i64.const -9223372036854775808",
                "f32.const 1.5",
                "f32.const -0",
                "f32.const inf",
                "f32.const -inf",
                "f32.const nan",
                "f32.const -nan",
                "f32.const nan:0x200000",
                "f32.const -nan:0x1",
                "f32.const 0.1",
                "f32.const 16777216",
                "f32.const 0.000001",
                "f32.const 0x1p-20 => f32.const 9.536743e-7",
                "f32.const 1e20 => f32.const 100000000000000000000",
                "f32.const 1e21",
                "f64.const -1e21",
                "f64.const 0.00001",
                "f32.const 0x1p-149 => f32.const 1e-45",
                "f32.const 0x1.fffffep127 => f32.const 3.4028235e38",
                "f64.const 1",
                "f64.const 1.0 => f64.const 1",
                "f64.const -0",
                "f64.const 0.1",
                "f64.const -inf",
                "f64.const nan",
                "f64.const nan:0x4",
                "f64.const 1e100",
                "f64.const 0x1.fffffffffffffp1023 => f64.const 1.7976931348623157e308",
                "f64.const 123456.75",
                "f64.const -2.5e-300",
                "unreachable",
            ],
        );
    }

    #[test]
    fn references_and_tables() {
        check(
            r#"(module
              (table 2 funcref)
              (table 2 externref)
              (elem declare func $f 1)
              (elem funcref (ref.func $f))
              (func $f BODY)
              (func))"#,
            &[
                "ref.null func",
                "ref.is_null",
                "drop",
                "ref.null extern",
                "drop",
                "ref.func $f",
                "drop",
                "ref.func 1",
                "drop",
                "i32.const 0",
                "table.get 0",
                "drop",
                "i32.const 0",
                "ref.null extern",
                "table.set 1",
                "table.size 1",
                "ref.null func",
                "i32.const 1",
                "table.grow 0",
                "drop",
                "drop",
                "i32.const 0",
                "ref.null extern",
                "i32.const 1",
                "table.fill 1",
                "i32.const 0",
                "i32.const 0",
                "i32.const 0",
                "table.copy 0 0",
                "i32.const 0",
                "i32.const 0",
                "i32.const 0",
                "table.init 0 1",
                "elem.drop 1",
            ],
        );
    }

    #[test]
    fn numeric_mnemonics() {
        // Not type-correct: read without validation.
        check(
            "(module (func BODY))",
            &[
                "i32.wrap_i64",
                "i64.extend_i32_s",
                "i64.extend_i32_u",
                "f64.convert_i64_s",
                "f32.demote_f64",
                "f64.promote_f32",
                "i32.trunc_sat_f32_s",
                "i64.trunc_sat_f64_u",
                "i64.trunc_f64_u",
                "i32.extend8_s",
                "i64.extend32_s",
                "f32.convert_i64_u",
                "f64.reinterpret_i64",
                "i64.reinterpret_f64",
                "f32.reinterpret_i32",
                "i32.reinterpret_f32",
                "i64.eqz",
                "i32.rem_u",
                "i32.popcnt",
                "i64.rotl",
                "f32.copysign",
                "f64.nearest",
                "i32.ge_u",
                "f64.ne",
            ],
        );
    }

    /// SIMD and relaxed SIMD: lanes, memory arguments, shuffle's 16 lane indices.
    #[test]
    fn simd() {
        check(
            "(module (memory 1) (func (param v128 i32) BODY))",
            &[
                "v128.const i32x4 0x00000001 0x00000002 0x00000003 0x00000004",
                "v128.load offset=16 align=8",
                "v128.load8x8_s",
                "v128.load32_zero",
                "v128.load16_splat",
                "v128.load8_lane 15 => v128.load8_lane 15",
                "v128.store64_lane offset=8 1 => v128.store64_lane offset=8 1",
                "i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 31",
                "i8x16.swizzle",
                "i16x8.extract_lane_u 7",
                "f64x2.replace_lane 1",
                "i32x4.dot_i16x8_s",
                "i16x8.q15mulr_sat_s",
                "f32x4.demote_f64x2_zero",
                "i32x4.trunc_sat_f64x2_u_zero",
                "i16x8.extmul_high_i8x16_u",
                "i8x16.relaxed_swizzle",
                "f32x4.relaxed_madd",
                "i32x4.relaxed_dot_i8x16_i7x16_add_s",
                "i16x8.relaxed_q15mulr_s",
                "v128.any_true",
            ],
        );
    }

    /// The other proposals' instructions.
    #[test]
    fn atomics_and_tail_calls() {
        check(
            "(module (memory 1 1 shared) (func BODY))",
            &[
                "memory.atomic.notify offset=4",
                "memory.atomic.wait64",
                "i32.atomic.rmw8.add_u",
                "i64.atomic.rmw32.cmpxchg_u offset=8",
                "i32.atomic.load",
                "atomic.fence",
                "return_call 0",
                "return_call_indirect (type 0)",
            ],
        );
    }

    /// Typed function references: concrete types by index, as the text format writes them.
    #[test]
    fn typed_function_references() {
        check(
            "(module (type $t (func)) (func (param (ref null $t)) BODY))",
            &[
                "local.get 0",
                "call_ref 0",
                "block (result (ref 0))",
                "br_on_null 0",
                "br_on_non_null 0",
                "end",
                "ref.as_non_null",
                "ref.null 0",
                "ref.null func",
                "select (result (ref null 0))",
                "select (result funcref)",
                "select (result (ref extern))",
                "return_call_ref 0",
            ],
        );
    }

    #[test]
    fn mnemonics_of_constructed_operators() {
        let memarg = MemArg { align: 2, max_align: 2, offset: 0, target: MemArgTarget::Memory(0), ordering: None };
        let cases: Vec<(Operator<'_>, &str)> = vec![
            (Operator::Unreachable, "unreachable"),
            (Operator::BrIf { relative_depth: 0 }, "br_if"),
            (Operator::CallIndirect { type_index: 0, table_index: 0 }, "call_indirect"),
            (Operator::ReturnCall { function_index: 0 }, "return_call"),
            (Operator::I32WrapI64, "i32.wrap_i64"),
            (Operator::I64ExtendI32S, "i64.extend_i32_s"),
            (Operator::I32TruncSatF32S, "i32.trunc_sat_f32_s"),
            (Operator::MemoryInit { data_index: 0, mem: 0 }, "memory.init"),
            (Operator::RefIsNull, "ref.is_null"),
            (Operator::TypedSelect { ty: ValType::I32 }, "select"),
            (Operator::MemoryAtomicNotify { memarg }, "memory.atomic.notify"),
            (Operator::GlobalAtomicRmwAdd { ordering: Ordering::SeqCst, global_index: 0 }, "global.atomic.rmw.add"),
            (Operator::RefTestNonNull { hty: HeapType::FUNC }, "ref.test"),
            (Operator::RefCastNullable { hty: HeapType::FUNC }, "ref.cast"),
            (Operator::RefAsNonNull, "ref.as_non_null"),
            (Operator::StructNew { struct_type_index: 0 }, "struct.new"),
            (Operator::ArrayNewFixed { array_type_index: 0, array_size: 0 }, "array.new_fixed"),
            (Operator::I31GetS, "i31.get_s"),
            (Operator::AnyConvertExtern, "any.convert_extern"),
            (
                Operator::BrOnCastFail {
                    relative_depth: 0,
                    from_ref_type: RefType::ANYREF,
                    to_ref_type: RefType::EQREF,
                },
                "br_on_cast_fail",
            ),
            (Operator::ContNew { cont_type_index: 0 }, "cont.new"),
            (Operator::CatchAll, "catch_all"),
            (Operator::ThrowRef, "throw_ref"),
        ];
        for (op, name) in &cases {
            assert_eq!(mnemonic(op), *name, "{op:?}");
        }
        let m = ();
        assert_eq!(op_text(&Operator::RefTestNullable { hty: HeapType::EXTERN }, &m), "ref.test (ref null extern)");
        assert_eq!(op_text(&Operator::RefNull { hty: HeapType::FUNC }, &m), "ref.null func");
        assert_eq!(op_text(&Operator::MemoryInit { data_index: 3, mem: 1 }, &m), "memory.init 1 3");
        assert_eq!(op_text(&Operator::MemorySize { mem: 2 }, &m), "memory.size 2");
        assert_eq!(op_text(&Operator::MemoryCopy { dst_mem: 1, src_mem: 0 }, &m), "memory.copy 1 0");
        assert_eq!(
            op_text(&Operator::TypedSelectMulti { tys: vec![ValType::I32, ValType::F64] }, &m),
            "select (result i32 f64)"
        );
        assert_eq!(
            op_text(&Operator::I32Load { memarg: MemArg { target: MemArgTarget::Memory(1), offset: 2, ..memarg } }, &m),
            "i32.load 1 offset=2"
        );
        assert_eq!(op_text(&Operator::Block { blockty: BlockType::FuncType(9) }, &m), "block (type 9)");
    }
}
