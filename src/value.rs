//! Wasm value types and typed values, as the public API sees them.
//!
//! Inside the interpreter every value is untyped `u64` cells ([`Raw`]): one for every type but
//! `v128`, which takes two, low half first (see [`ValType::cells`]); this module converts
//! between the two representations.

use std::fmt;

/// An untyped value-stack cell: i32 and f32 are zero-extended bit patterns, i64 and f64
/// their bit patterns, references are `0` for null and `addr + 1` otherwise.
pub type Raw = u64;

/// A heap type: what a reference points to. Function references (WebAssembly 3.0) add the
/// concrete types; GC adds the abstract types of the `any` hierarchy (`any`, `eq`, `i31`,
/// `struct`, `array`, `none`) and the bottoms `nofunc`/`noextern`, and concrete struct and
/// array types; exception handling adds `exn` and its bottom `noexn`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HeapType {
    /// `func`: any function.
    Func,
    /// `extern`: any host reference.
    Extern,
    /// `any`: the top of the GC hierarchy (i31, structs, arrays, internalized host
    /// references).
    Any,
    /// `eq`: what `ref.eq` compares (i31, structs, arrays).
    Eq,
    /// `i31`: an unboxed 31-bit integer.
    I31,
    /// `struct`: any struct.
    Struct,
    /// `array`: any array.
    Array,
    /// `none`: the bottom of the `any` hierarchy (only null has it).
    None,
    /// `nofunc`: the bottom of the `func` hierarchy.
    NoFunc,
    /// `noextern`: the bottom of the `extern` hierarchy.
    NoExtern,
    /// A function type, by index. In a module's types (`decode::Module`) the index is the
    /// module's type index; in a store's types and in what the runtime links, it is the
    /// store-wide type id (`runtime::Store::type_id`), so equal indices are equal types.
    Concrete(u32),
    /// `exn`: any exception (exception handling).
    Exn,
    /// `noexn`: the bottom of the exception hierarchy (only null).
    NoExn,
    /// A struct type, by index (as [`HeapType::Concrete`]).
    ConcreteStruct(u32),
    /// An array type, by index (as [`HeapType::Concrete`]).
    ConcreteArray(u32),
}

/// The four type hierarchies of references: a value of one never has a type of another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Top {
    Func,
    Extern,
    Any,
    Exn,
}

impl HeapType {
    /// The hierarchy this type belongs to.
    pub fn top(self) -> Top {
        match self {
            HeapType::Func | HeapType::NoFunc | HeapType::Concrete(_) => Top::Func,
            HeapType::Extern | HeapType::NoExtern => Top::Extern,
            HeapType::Exn | HeapType::NoExn => Top::Exn,
            _ => Top::Any,
        }
    }

    /// The index of a concrete type.
    pub fn index(self) -> Option<u32> {
        match self {
            HeapType::Concrete(i) | HeapType::ConcreteStruct(i) | HeapType::ConcreteArray(i) => Some(i),
            _ => None,
        }
    }

    /// The same kind of concrete type with another index (abstract types unchanged).
    pub fn with_index(self, i: u32) -> HeapType {
        match self {
            HeapType::Concrete(_) => HeapType::Concrete(i),
            HeapType::ConcreteStruct(_) => HeapType::ConcreteStruct(i),
            HeapType::ConcreteArray(_) => HeapType::ConcreteArray(i),
            h => h,
        }
    }

    /// Is this a bottom type (`none`, `nofunc`, `noextern`, `noexn`)?
    pub fn is_bottom(self) -> bool {
        matches!(self, HeapType::None | HeapType::NoFunc | HeapType::NoExtern | HeapType::NoExn)
    }

    /// Heap subtyping; `concrete(a, b)` decides between two concrete types of one kind
    /// (declared supertypes: the caller knows them, in the index space the types are in).
    pub fn is_subtype_of_with(self, of: HeapType, concrete: impl Fn(u32, u32) -> bool) -> bool {
        use HeapType as H;
        if self == of {
            return true;
        }
        match (self, of) {
            (H::None, b) => b.top() == Top::Any,
            (H::NoFunc, b) => b.top() == Top::Func,
            (H::NoExtern, b) => b.top() == Top::Extern,
            (H::NoExn, b) => b.top() == Top::Exn,
            (H::Concrete(_), H::Func) => true,
            (H::I31 | H::Struct | H::Array | H::ConcreteStruct(_) | H::ConcreteArray(_), H::Any | H::Eq) => true,
            (H::Eq, H::Any) => true,
            (H::ConcreteStruct(_), H::Struct) | (H::ConcreteArray(_), H::Array) => true,
            (H::Concrete(a), H::Concrete(b))
            | (H::ConcreteStruct(a), H::ConcreteStruct(b))
            | (H::ConcreteArray(a), H::ConcreteArray(b)) => concrete(a, b),
            _ => false,
        }
    }

    /// The text name of an abstract type (`any`, `nofunc`); a concrete type's index.
    fn name(self) -> Option<&'static str> {
        Some(match self {
            HeapType::Func => "func",
            HeapType::Extern => "extern",
            HeapType::Any => "any",
            HeapType::Eq => "eq",
            HeapType::I31 => "i31",
            HeapType::Struct => "struct",
            HeapType::Array => "array",
            HeapType::None => "none",
            HeapType::NoFunc => "nofunc",
            HeapType::NoExtern => "noextern",
            HeapType::Exn => "exn",
            HeapType::NoExn => "noexn",
            _ => return None,
        })
    }
}

impl fmt::Display for HeapType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.name(), self.index()) {
            (Some(n), _) => f.write_str(n),
            (None, Some(i)) => write!(f, "{i}"),
            _ => Ok(()),
        }
    }
}

/// A reference type: nullability and a heap type (`(ref null $t)`, `(ref func)`; `funcref`
/// is `(ref null func)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RefType {
    pub nullable: bool,
    pub heap: HeapType,
}

impl RefType {
    /// `funcref`: `(ref null func)`.
    pub const FUNCREF: RefType = RefType { nullable: true, heap: HeapType::Func };
    /// `externref`: `(ref null extern)`.
    pub const EXTERNREF: RefType = RefType { nullable: true, heap: HeapType::Extern };
    /// `exnref`: `(ref null exn)`.
    pub const EXNREF: RefType = RefType { nullable: true, heap: HeapType::Exn };
    /// `anyref`: `(ref null any)`.
    pub const ANYREF: RefType = RefType { nullable: true, heap: HeapType::Any };

    /// Is this a reference to a function (`func`, `nofunc` or a concrete function type)?
    pub fn is_func(self) -> bool {
        self.heap.top() == Top::Func
    }

    /// Is this a reference to an exception (`exn` or `noexn`)?
    pub fn is_exn(self) -> bool {
        self.heap.top() == Top::Exn
    }

    /// The hierarchy of the heap type.
    pub fn top(self) -> Top {
        self.heap.top()
    }

    /// Subtyping, for types whose concrete indices are in one index space, without declared
    /// supertypes (a concrete type is a subtype of itself and of the abstract types above
    /// it): see [`RefType::is_subtype_of_with`] for those.
    pub fn is_subtype_of(self, of: RefType) -> bool {
        self.is_subtype_of_with(of, |a, b| a == b)
    }

    /// The type as one number (for `ir`, which imports nothing of the crate): bit 40
    /// nullable, bits 32-39 the heap type's kind, bits 0-31 a concrete type's index.
    pub fn to_bits(self) -> u64 {
        use HeapType as H;
        let kind: u64 = match self.heap {
            H::Func => 0,
            H::Extern => 1,
            H::Any => 2,
            H::Eq => 3,
            H::I31 => 4,
            H::Struct => 5,
            H::Array => 6,
            H::None => 7,
            H::NoFunc => 8,
            H::NoExtern => 9,
            H::Concrete(_) => 10,
            H::ConcreteStruct(_) => 11,
            H::ConcreteArray(_) => 12,
            H::Exn => 13,
            H::NoExn => 14,
        };
        (self.nullable as u64) << 40 | kind << 32 | self.heap.index().unwrap_or(0) as u64
    }

    /// The type [`RefType::to_bits`] made.
    pub fn from_bits(bits: u64) -> RefType {
        use HeapType as H;
        let i = bits as u32;
        let heap = match (bits >> 32) as u8 {
            0 => H::Func,
            1 => H::Extern,
            2 => H::Any,
            3 => H::Eq,
            4 => H::I31,
            5 => H::Struct,
            6 => H::Array,
            7 => H::None,
            8 => H::NoFunc,
            9 => H::NoExtern,
            10 => H::Concrete(i),
            11 => H::ConcreteStruct(i),
            13 => H::Exn,
            14 => H::NoExn,
            _ => H::ConcreteArray(i),
        };
        RefType { nullable: bits >> 40 & 1 != 0, heap }
    }

    /// Subtyping, with `concrete` deciding between two concrete types.
    pub fn is_subtype_of_with(self, of: RefType, concrete: impl Fn(u32, u32) -> bool) -> bool {
        (of.nullable || !self.nullable) && self.heap.is_subtype_of_with(of.heap, concrete)
    }
}

impl fmt::Display for RefType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let short = match self.heap {
            HeapType::Func => "funcref",
            HeapType::Extern => "externref",
            HeapType::Any => "anyref",
            HeapType::Eq => "eqref",
            HeapType::I31 => "i31ref",
            HeapType::Struct => "structref",
            HeapType::Array => "arrayref",
            HeapType::None => "nullref",
            HeapType::NoFunc => "nullfuncref",
            HeapType::NoExtern => "nullexternref",
            HeapType::Exn => "exnref",
            HeapType::NoExn => "nullexnref",
            _ => "",
        };
        if self.nullable && !short.is_empty() {
            return f.write_str(short);
        }
        f.write_str(if self.nullable { "(ref null " } else { "(ref " })?;
        write!(f, "{})", self.heap)
    }
}

/// A field's storage: a value type or a packed integer (`i8`, `i16`, read with a sign or
/// zero extension).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StorageType {
    I8,
    I16,
    Val(ValType),
}

impl StorageType {
    /// The cell a field keeps of an operand: a packed field its low bits.
    #[inline]
    pub fn pack(self, v: Raw) -> Raw {
        match self {
            StorageType::I8 => v & 0xff,
            StorageType::I16 => v & 0xffff,
            StorageType::Val(_) => v,
        }
    }

    /// The type a value read from the field has (`i32` for a packed one).
    pub fn unpacked(self) -> ValType {
        match self {
            StorageType::I8 | StorageType::I16 => ValType::I32,
            StorageType::Val(t) => t,
        }
    }
}

impl fmt::Display for StorageType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StorageType::I8 => f.write_str("i8"),
            StorageType::I16 => f.write_str("i16"),
            StorageType::Val(t) => t.fmt(f),
        }
    }
}

/// A struct field or an array's element type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FieldType {
    pub storage: StorageType,
    pub mutable: bool,
}

impl fmt::Display for FieldType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.mutable { write!(f, "(mut {})", self.storage) } else { self.storage.fmt(f) }
    }
}

/// What a defined type is: a function signature, a struct or an array.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CompositeType {
    Func(FuncType),
    Struct(Vec<FieldType>),
    Array(FieldType),
}

/// A defined type (`(sub final? $super? (struct ...))`): its composite type, whether it is
/// final and its declared supertype (by index, as [`HeapType::Concrete`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SubType {
    pub is_final: bool,
    pub supertype: Option<u32>,
    pub composite: CompositeType,
}

impl SubType {
    /// A final function type without supertype: what `(type (func ...))` declares.
    pub fn func(ty: FuncType) -> SubType {
        SubType { is_final: true, supertype: None, composite: CompositeType::Func(ty) }
    }

    /// A reference to this type, by index `i`.
    pub fn heap(&self, i: u32) -> HeapType {
        match self.composite {
            CompositeType::Func(_) => HeapType::Concrete(i),
            CompositeType::Struct(_) => HeapType::ConcreteStruct(i),
            CompositeType::Array(_) => HeapType::ConcreteArray(i),
        }
    }

    /// Every value type the type mentions, mutably (fields' and signatures').
    pub fn val_types_mut(&mut self) -> Vec<&mut ValType> {
        match &mut self.composite {
            CompositeType::Func(f) => f.params.iter_mut().chain(f.results.iter_mut()).collect(),
            CompositeType::Struct(fs) => fs
                .iter_mut()
                .filter_map(|f| match &mut f.storage {
                    StorageType::Val(t) => Some(t),
                    _ => None,
                })
                .collect(),
            CompositeType::Array(f) => match &mut f.storage {
                StorageType::Val(t) => vec![t],
                _ => vec![],
            },
        }
    }
}

/// A WebAssembly value type: numbers, `v128` and references (typed references of
/// WebAssembly 3.0 included). `ValType::FuncRef` and `ValType::ExternRef` are the two
/// nullable abstract reference types of WebAssembly 2.0, usable in patterns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValType {
    I32,
    I64,
    F32,
    F64,
    V128,
    Ref(RefType),
}

#[allow(non_upper_case_globals)]
impl ValType {
    /// `funcref`, `(ref null func)`.
    pub const FuncRef: ValType = ValType::Ref(RefType::FUNCREF);
    /// `externref`, `(ref null extern)`.
    pub const ExternRef: ValType = ValType::Ref(RefType::EXTERNREF);
    /// `exnref`, `(ref null exn)` (exception handling).
    pub const ExnRef: ValType = ValType::Ref(RefType::EXNREF);
}

impl ValType {
    /// The text-format name of a number type, and of a reference type its kind's:
    /// `funcref` for every function reference type, `externref` for every external one
    /// (the name values, arguments and the page's argument boxes go by). The full text,
    /// `(ref null 0)`, is `Display`'s.
    pub fn name(self) -> &'static str {
        match self {
            ValType::I32 => "i32",
            ValType::I64 => "i64",
            ValType::F32 => "f32",
            ValType::F64 => "f64",
            ValType::V128 => "v128",
            ValType::Ref(r) => match r.top() {
                Top::Func => "funcref",
                Top::Extern => "externref",
                Top::Any => "anyref",
                Top::Exn => "exnref",
            },
        }
    }

    /// Is this a reference type?
    pub fn is_ref(self) -> bool {
        matches!(self, ValType::Ref(_))
    }

    /// The reference type, if this is one.
    pub fn as_ref_type(self) -> Option<RefType> {
        match self {
            ValType::Ref(r) => Some(r),
            _ => None,
        }
    }

    /// Has this type a default value (every type but a non-nullable reference)?
    pub fn is_defaultable(self) -> bool {
        !matches!(self, ValType::Ref(RefType { nullable: false, .. }))
    }

    /// Does a `TYPE:` prefix naming `self` (a number type, `funcref` or `externref`) fit an
    /// argument of type `ty`: the same type, or `funcref`/`externref` for any reference
    /// type of that kind.
    fn fits_name_of(self, ty: ValType) -> bool {
        match (self, ty) {
            (ValType::Ref(a), ValType::Ref(b)) => a.top() == b.top(),
            (a, b) => a == b,
        }
    }

    /// Subtyping (see [`RefType::is_subtype_of`]); number types match only themselves.
    pub fn is_subtype_of(self, of: ValType) -> bool {
        match (self, of) {
            (ValType::Ref(a), ValType::Ref(b)) => a.is_subtype_of(b),
            (a, b) => a == b,
        }
    }

    /// The default (zero or null) value of this type.
    pub fn default_value(self) -> Value {
        Value::from_cells(self, &[0, 0])
    }

    /// How many value-stack cells a value of this type takes: 2 for `v128`, else 1.
    #[inline(always)]
    pub fn cells(self) -> usize {
        if self == ValType::V128 { 2 } else { 1 }
    }

    /// The cells a sequence of values of these types takes.
    pub fn cells_of(types: &[ValType]) -> usize {
        types.iter().map(|t| t.cells()).sum()
    }
}

impl fmt::Display for ValType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ValType::Ref(r) => r.fmt(f),
            t => f.write_str(t.name()),
        }
    }
}

/// A function signature.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct FuncType {
    pub params: Vec<ValType>,
    pub results: Vec<ValType>,
}

impl FuncType {
    pub fn new(params: impl Into<Vec<ValType>>, results: impl Into<Vec<ValType>>) -> Self {
        FuncType { params: params.into(), results: results.into() }
    }
}

/// Formats as the text format does: `(param i32 i32) (result i32)`; `()` for no
/// params and no results.
impl fmt::Display for FuncType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for (word, list) in [("param", &self.params), ("result", &self.results)] {
            if list.is_empty() {
                continue;
            }
            if !first {
                f.write_str(" ")?;
            }
            first = false;
            write!(f, "({word}")?;
            for t in list {
                write!(f, " {t}")?;
            }
            f.write_str(")")?;
        }
        if first {
            f.write_str("()")?;
        }
        Ok(())
    }
}

/// A typed WebAssembly value.
///
/// Floats are kept as Rust floats; moving them never changes their bits (NaN payloads
/// included) on the targets we build for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value {
    I32(i32),
    I64(i64),
    F32(f32),
    F64(f64),
    /// A v128 as its two cells, low half first (not a `u128`, whose 16-byte alignment would
    /// make every `Value` 32 bytes instead of 24: see [`Value::v128`] and [`Value::as_u128`]).
    V128([u64; 2]),
    /// A function reference: `None` is `ref.null func`, otherwise a store function address.
    FuncRef(Option<u32>),
    /// An external reference: `None` is `ref.null extern`, otherwise a host-chosen number.
    ExternRef(Option<u32>),
    /// An exception reference (exception handling): `None` is `ref.null exn`, otherwise
    /// the store address of an exception object (tag and payload).
    ExnRef(Option<u32>),
    /// A reference of the `any` hierarchy (GC): `None` is null, otherwise its cell (see
    /// [`gc_ref`]: an i31, a heap object, or an internalized host reference).
    AnyRef(Option<Raw>),
    /// An external reference to a GC value (`extern.convert_any` of an i31 or a heap
    /// object): its cell (see [`gc_ref`]).
    ExternAny(Raw),
}

/// The cells of references of the `any` and `extern` hierarchies. 0 is null; bits 62-63 are
/// a tag: `00` a host reference (`number + 1`, as `externref` always was), `01` an i31 (its
/// 31 bits below), `10` a heap object (its index in the store's heap below). So null checks
/// stay `== 0`, `any.convert_extern`/`extern.convert_any` do nothing to a cell, and an
/// i31 is never boxed. Function references are `address + 1`, in their own hierarchy.
pub mod gc_ref {
    use super::Raw;
    /// Tag of an i31.
    pub const I31: Raw = 1 << 62;
    /// Tag of a heap object.
    pub const HEAP: Raw = 1 << 63;
    const TAGS: Raw = I31 | HEAP;

    /// The cell of `ref.i31 v` (the low 31 bits of `v`).
    #[inline]
    pub fn i31(v: u32) -> Raw {
        I31 | (v & 0x7fff_ffff) as Raw
    }
    /// The i31 in a cell, sign-extended or not.
    #[inline]
    pub fn i31_get(cell: Raw, signed: bool) -> u32 {
        let v = cell as u32 & 0x7fff_ffff;
        if signed { ((v << 1) as i32 >> 1) as u32 } else { v }
    }
    pub fn is_i31(cell: Raw) -> bool {
        cell & TAGS == I31
    }
    /// The cell of heap object `index`.
    #[inline]
    pub fn heap(index: u32) -> Raw {
        HEAP | index as Raw
    }
    /// The heap object a cell names.
    #[inline]
    pub fn heap_index(cell: Raw) -> Option<u32> {
        (cell & TAGS == HEAP).then_some(cell as u32)
    }
    /// Is this a host reference's cell (null included)?
    pub fn is_host(cell: Raw) -> bool {
        cell & TAGS == 0
    }
}

impl Value {
    /// A v128 value.
    pub fn v128(v: u128) -> Value {
        Value::V128([v as u64, (v >> 64) as u64])
    }

    /// The bits of a v128 value.
    pub fn as_u128(&self) -> Option<u128> {
        match *self {
            Value::V128([lo, hi]) => Some((hi as u128) << 64 | lo as u128),
            _ => None,
        }
    }

    pub fn ty(&self) -> ValType {
        match self {
            Value::I32(_) => ValType::I32,
            Value::I64(_) => ValType::I64,
            Value::F32(_) => ValType::F32,
            Value::F64(_) => ValType::F64,
            Value::V128(_) => ValType::V128,
            Value::FuncRef(_) => ValType::FuncRef,
            Value::ExternRef(_) | Value::ExternAny(_) => ValType::ExternRef,
            Value::AnyRef(_) => ValType::Ref(RefType::ANYREF),
            Value::ExnRef(_) => ValType::ExnRef,
        }
    }

    /// The untyped stack cell for this value (for a `v128`, its low half: use
    /// [`Value::to_cells`] for the two).
    pub fn to_raw(self) -> Raw {
        self.to_cells()[0]
    }

    /// The stack cells for this value: the first [`ValType::cells`] of the two.
    pub fn to_cells(self) -> [Raw; 2] {
        match self {
            Value::I32(v) => [v as u32 as u64, 0],
            Value::I64(v) => [v as u64, 0],
            Value::F32(v) => [v.to_bits() as u64, 0],
            Value::F64(v) => [v.to_bits(), 0],
            Value::V128(v) => v,
            Value::FuncRef(r) | Value::ExternRef(r) | Value::ExnRef(r) => [r.map_or(0, |a| a as u64 + 1), 0],
            Value::AnyRef(r) => [r.unwrap_or(0), 0],
            Value::ExternAny(r) => [r, 0],
        }
    }

    /// Reads an untyped stack cell as a value of type `ty` (a `v128` whose high half is 0:
    /// use [`Value::from_cells`]).
    pub fn from_raw(ty: ValType, raw: Raw) -> Value {
        let reference = if raw == 0 { None } else { Some((raw - 1) as u32) };
        match ty {
            ValType::I32 => Value::I32(raw as u32 as i32),
            ValType::I64 => Value::I64(raw as i64),
            ValType::F32 => Value::F32(f32::from_bits(raw as u32)),
            ValType::F64 => Value::F64(f64::from_bits(raw)),
            ValType::V128 => Value::V128([raw, 0]),
            ValType::Ref(r) => match r.top() {
                Top::Func => Value::FuncRef(reference),
                Top::Extern if gc_ref::is_host(raw) => Value::ExternRef(reference),
                Top::Extern => Value::ExternAny(raw),
                Top::Any => Value::AnyRef((raw != 0).then_some(raw)),
                Top::Exn => Value::ExnRef(reference),
            },
        }
    }

    /// Reads the stack cells of a value of type `ty` (missing cells read as 0).
    pub fn from_cells(ty: ValType, cells: &[Raw]) -> Value {
        let raw = cells.first().copied().unwrap_or(0);
        match ty {
            ValType::V128 => Value::V128([raw, cells.get(1).copied().unwrap_or(0)]),
            _ => Value::from_raw(ty, raw),
        }
    }

    /// Can this value have type `ty`, as far as the value alone tells (a function
    /// reference of a concrete type is checked against the function's type by the store,
    /// `runtime::Store::value_matches`): numbers of that type, a reference of the type's
    /// kind, null only where the type is nullable.
    pub fn fits(&self, ty: ValType) -> bool {
        match (*self, ty) {
            (Value::FuncRef(r), ValType::Ref(t)) => {
                t.is_func() && (r.is_some() || t.nullable) && (r.is_none() || !t.heap.is_bottom())
            }
            (Value::ExternRef(r), ValType::Ref(t)) => {
                t.top() == Top::Extern && (r.is_some() || t.nullable) && (r.is_none() || !t.heap.is_bottom())
            }
            (Value::ExternAny(_), ValType::Ref(t)) => t.heap == HeapType::Extern,
            (Value::AnyRef(r), ValType::Ref(t)) => {
                t.top() == Top::Any && (r.is_some() || t.nullable) && (r.is_none() || !t.heap.is_bottom())
            }
            (Value::ExnRef(r), ValType::Ref(t)) => {
                t.top() == Top::Exn && (r.is_some() || t.nullable) && (r.is_none() || !t.heap.is_bottom())
            }
            (v, t) => v.ty() == t,
        }
    }

    /// Bit-exact equality (NaNs with equal payloads are equal, `0.0 != -0.0`).
    pub fn bits_eq(&self, other: &Value) -> bool {
        self.ty() == other.ty() && self.to_cells() == other.to_cells()
    }
}

fn fmt_float(f: &mut fmt::Formatter<'_>, v: f64, is_nan: bool, neg: bool, payload: u64, canonical: u64) -> fmt::Result {
    if is_nan {
        let sign = if neg { "-" } else { "" };
        if payload == canonical { write!(f, "{sign}nan") } else { write!(f, "{sign}nan:{payload:#x}") }
    } else if v.is_infinite() {
        f.write_str(if v < 0.0 { "-inf" } else { "inf" })
    } else {
        Ok(())
    }
}

/// The shapes a v128 can be shown and given in ([`v128_text`], [`parse_arg`]).
pub const V128_SHAPES: &[&str] = &["i8x16", "i16x8", "i32x4", "i64x2", "f32x4", "f64x2"];

/// A v128 as lanes of `shape` (one of [`V128_SHAPES`], lowest lane first, integers signed):
/// `i32x4:[1, 2, 3, -4]`; `hex` gives `0x` and 32 hexadecimal digits. `None` for another
/// shape.
pub fn v128_text(v: u128, shape: &str) -> Option<String> {
    let bytes = v.to_le_bytes();
    let lanes: Vec<String> = match shape {
        "hex" => return Some(format!("{v:#034x}")),
        "i8x16" => bytes.iter().map(|&b| (b as i8).to_string()).collect(),
        "i16x8" => bytes.chunks_exact(2).map(|c| i16::from_le_bytes([c[0], c[1]]).to_string()).collect(),
        "i32x4" => {
            bytes.chunks_exact(4).map(|c| i32::from_le_bytes(c.try_into().unwrap_or_default()).to_string()).collect()
        }
        "i64x2" => {
            bytes.chunks_exact(8).map(|c| i64::from_le_bytes(c.try_into().unwrap_or_default()).to_string()).collect()
        }
        "f32x4" => bytes
            .chunks_exact(4)
            .map(|c| Value::F32(f32::from_le_bytes(c.try_into().unwrap_or_default())).to_string()[4..].to_string())
            .collect(),
        "f64x2" => bytes
            .chunks_exact(8)
            .map(|c| Value::F64(f64::from_le_bytes(c.try_into().unwrap_or_default())).to_string()[4..].to_string())
            .collect(),
        _ => return None,
    };
    Some(format!("{shape}:[{}]", lanes.join(", ")))
}

/// Parses a v128: `0x` and up to 32 hexadecimal digits, or `SHAPE:LANE,LANE,..` with exactly
/// the shape's lane count, lowest lane first (`i32x4:1,2,3,4`; brackets and spaces allowed,
/// so the display form `i32x4:[1, 2, 3, 4]` reads back); integer lanes in the signed or the
/// unsigned range, float lanes as f32/f64 arguments.
fn parse_v128(text: &str) -> Option<Value> {
    if let Some(hex) = text.strip_prefix("0x") {
        if hex.is_empty() || hex.len() > 32 {
            return None;
        }
        return u128::from_str_radix(hex, 16).ok().map(Value::v128);
    }
    let (shape, lanes) = text.split_once(':')?;
    let lanes = lanes.trim().strip_prefix('[').and_then(|l| l.strip_suffix(']')).unwrap_or(lanes);
    let lanes: Vec<&str> = lanes.split(',').map(str::trim).collect();
    let int = |t: &str, bits: u32| -> Option<u128> {
        let v = parse_value(t, ValType::I64)?.to_raw() as i64 as i128;
        let ok = v >= -(1i128 << (bits - 1)) && v < (1i128 << bits);
        // (An i64 lane takes the whole i64 range; `0xffff_ffff_ffff_ffff` parses as -1.)
        ok.then_some(v as u128 & (u128::MAX >> (128 - bits)))
    };
    let (n, bits) = match shape {
        "i8x16" => (16, 8),
        "i16x8" => (8, 16),
        "i32x4" | "f32x4" => (4, 32),
        "i64x2" | "f64x2" => (2, 64),
        _ => return None,
    };
    if lanes.len() != n {
        return None;
    }
    let mut v = 0u128;
    for (i, t) in lanes.iter().enumerate() {
        let lane = match shape {
            "f32x4" => parse_value(t, ValType::F32)?.to_raw() as u128,
            "f64x2" => parse_value(t, ValType::F64)?.to_raw() as u128,
            _ => int(t, bits)?,
        };
        v |= lane << (i as u32 * bits);
    }
    Some(Value::v128(v))
}

/// Formats as `TYPE:VALUE`: `i32:42`, `f64:-0.5`, `f32:nan`, `funcref:null`, and a v128 as
/// i32x4 lanes, `v128:i32x4:[1, 2, 3, 4]` (other shapes: [`v128_text`]).
/// Floats use Rust's shortest round-trip form.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:", self.ty())?;
        match *self {
            Value::I32(v) => write!(f, "{v}"),
            Value::I64(v) => write!(f, "{v}"),
            Value::F32(v) => {
                if v.is_finite() {
                    write!(f, "{v:?}")
                } else {
                    let bits = v.to_bits();
                    fmt_float(f, v as f64, v.is_nan(), bits >> 31 != 0, (bits & 0x7f_ffff) as u64, 0x40_0000)
                }
            }
            Value::F64(v) => {
                if v.is_finite() {
                    write!(f, "{v:?}")
                } else {
                    let bits = v.to_bits();
                    fmt_float(f, v, v.is_nan(), bits >> 63 != 0, bits & 0xf_ffff_ffff_ffff, 0x8_0000_0000_0000)
                }
            }
            Value::V128([lo, hi]) => {
                f.write_str(&v128_text((hi as u128) << 64 | lo as u128, "i32x4").unwrap_or_default())
            }
            Value::FuncRef(None) | Value::ExternRef(None) | Value::ExnRef(None) => f.write_str("null"),
            Value::FuncRef(Some(a)) | Value::ExternRef(Some(a)) | Value::ExnRef(Some(a)) => write!(f, "{a}"),
            Value::AnyRef(None) => f.write_str("null"),
            Value::AnyRef(Some(c)) | Value::ExternAny(c) => match gc_ref::heap_index(c) {
                Some(i) => write!(f, "#{i}"),
                None if gc_ref::is_i31(c) => write!(f, "i31:{}", gc_ref::i31_get(c, true) as i32),
                None => write!(f, "host:{}", c - 1),
            },
        }
    }
}

/// Parses a command-line argument as a value of type `ty`. `TYPE:VALUE` forms are
/// accepted when TYPE is `ty`.
pub fn parse_arg(arg: &str, ty: ValType) -> Result<Value, String> {
    let mut text = arg;
    if let Some((prefix, rest)) = arg.split_once(':') {
        let typed = [
            ValType::I32,
            ValType::I64,
            ValType::F32,
            ValType::F64,
            ValType::V128,
            ValType::FuncRef,
            ValType::ExternRef,
            ValType::ExnRef,
        ]
        .into_iter()
        .find(|t| t.name() == prefix);
        if let Some(t) = typed {
            if !t.fits_name_of(ty) {
                return Err(format!("expected {ty}, found {t}"));
            }
            text = rest;
        }
    }
    parse_value(text, ty).ok_or_else(|| match ty {
        ValType::I32 | ValType::I64 => {
            format!("expected {ty}: a decimal or 0x-hexadecimal integer in its range")
        }
        ValType::F32 | ValType::F64 => format!("expected {ty}: a number, `nan`, `inf` or `-inf`"),
        ValType::V128 => {
            "expected v128: a 0x-hexadecimal 128-bit number, or lanes as in i32x4:1,2,3,4 (i8x16, i16x8, i32x4, \
             i64x2, f32x4, f64x2)"
                .to_string()
        }
        ValType::Ref(r) if !r.nullable => format!("expected {ty}: a non-null reference cannot be given"),
        ValType::Ref(r) if r.top() != Top::Extern => format!("expected {ty}: only `null` can be given"),
        ValType::Ref(_) => format!("expected {ty}: `null` or a number"),
    })
}

fn parse_value(text: &str, ty: ValType) -> Option<Value> {
    use wast::parser::{ParseBuffer, parse};
    if ty == ValType::V128 {
        return parse_v128(text);
    }
    // The text format's own number syntax (hex, `_` separators, `nan:0x...`, hex
    // floats), but one token only: no spaces, comments or parentheses.
    if text.is_empty() || !text.chars().all(|c| c.is_ascii_alphanumeric() || "+-._:".contains(c)) {
        return None;
    }
    let buf = ParseBuffer::new(text).ok()?;
    Some(match ty {
        ValType::I32 => Value::I32(parse::<i32>(&buf).ok()?),
        ValType::I64 => Value::I64(parse::<i64>(&buf).ok()?),
        ValType::F32 => Value::F32(f32::from_bits(parse::<wast::token::F32>(&buf).ok()?.bits)),
        ValType::F64 => Value::F64(f64::from_bits(parse::<wast::token::F64>(&buf).ok()?.bits)),
        ValType::V128 => return None,
        ValType::Ref(r) => {
            let v = match text {
                "null" if r.is_func() => Value::FuncRef(None),
                "null" if r.top() == Top::Any => Value::AnyRef(None),
                "null" if r.top() == Top::Exn => Value::ExnRef(None),
                "null" => Value::ExternRef(None),
                _ if r.top() != Top::Extern => return None,
                _ => Value::ExternRef(Some(parse::<u32>(&buf).ok()?)),
            };
            return v.fits(ty).then_some(v);
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_forms() {
        assert_eq!(Value::I32(42).to_string(), "i32:42");
        assert_eq!(Value::I64(-1).to_string(), "i64:-1");
        assert_eq!(Value::F64(-0.5).to_string(), "f64:-0.5");
        assert_eq!(Value::F64(282.2380952380951).to_string(), "f64:282.2380952380951");
        assert_eq!(Value::F64(-0.0).to_string(), "f64:-0.0");
        assert_eq!(Value::F32(f32::NAN).to_string(), "f32:nan");
        assert_eq!(Value::F32(f32::from_bits(0x7fa0_0000)).to_string(), "f32:nan:0x200000");
        assert_eq!(Value::F64(f64::NEG_INFINITY).to_string(), "f64:-inf");
        assert_eq!(Value::FuncRef(None).to_string(), "funcref:null");
        assert_eq!(Value::ExternRef(Some(7)).to_string(), "externref:7");
    }

    #[test]
    fn raw_round_trip_keeps_bits() {
        for v in [
            Value::I32(-5),
            Value::I64(i64::MIN),
            Value::F32(f32::from_bits(0xffc0_0001)),
            Value::F64(f64::from_bits(0x7ff0_0000_0000_0001)),
            Value::FuncRef(Some(0)),
            Value::ExternRef(None),
        ] {
            assert!(Value::from_raw(v.ty(), v.to_raw()).bits_eq(&v), "{v}");
        }
        let v = Value::v128(0x0102_0304_0506_0708_090a_0b0c_0d0e_0f10);
        assert_eq!(v.as_u128(), Some(0x0102_0304_0506_0708_090a_0b0c_0d0e_0f10));
        assert_eq!(std::mem::size_of::<Value>(), 24);
        assert_eq!(v.to_cells(), [0x090a_0b0c_0d0e_0f10, 0x0102_0304_0506_0708]);
        assert!(Value::from_cells(ValType::V128, &v.to_cells()).bits_eq(&v));
        assert_eq!(v.to_string(), "v128:i32x4:[219025168, 151653132, 84281096, 16909060]");
        assert_eq!(parse_arg("0x0102030405060708090a0b0c0d0e0f10", ValType::V128), Ok(v));
        assert_eq!(ValType::V128.cells() + ValType::I32.cells(), 3);
    }

    #[test]
    fn v128_lanes_shown_and_parsed() {
        let v = parse_arg("i32x4:1,2,3,-4", ValType::V128).unwrap();
        assert_eq!(v.to_string(), "v128:i32x4:[1, 2, 3, -4]");
        assert_eq!(parse_arg("v128:i32x4:[1, 2, 3, -4]", ValType::V128), Ok(v));
        assert_eq!(parse_arg(&v.to_string(), ValType::V128), Ok(v));
        let b = parse_arg("i8x16:0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,255", ValType::V128).unwrap();
        assert_eq!(
            v128_text(b.as_u128().unwrap(), "i8x16").unwrap(),
            "i8x16:[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, -1]"
        );
        assert_eq!(
            parse_arg("i16x8:-1,65535,0,0,0,0,0,1", ValType::V128).unwrap().as_u128(),
            Some(0x0001_0000_0000_0000_0000_0000_ffff_ffff)
        );
        let f = parse_arg("f32x4:1.5,-0,nan,inf", ValType::V128).unwrap();
        assert_eq!(v128_text(f.as_u128().unwrap(), "f32x4").unwrap(), "f32x4:[1.5, -0.0, nan, inf]");
        assert_eq!(v128_text(1, "hex").unwrap(), "0x00000000000000000000000000000001");
        assert_eq!(v128_text(u128::MAX, "i64x2").unwrap(), "i64x2:[-1, -1]");
        assert_eq!(v128_text(0, "f64x2").unwrap(), "f64x2:[0.0, 0.0]");
        for bad in ["i32x4:1,2,3", "i8x16:256,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0", "i33x4:1,2,3,4", "0x", "1"] {
            assert!(parse_arg(bad, ValType::V128).is_err(), "{bad}");
        }
    }

    #[test]
    fn func_type_display() {
        let t = FuncType::new([ValType::I32, ValType::I64], [ValType::F64]);
        assert_eq!(t.to_string(), "(param i32 i64) (result f64)");
        assert_eq!(FuncType::default().to_string(), "()");
    }
}
