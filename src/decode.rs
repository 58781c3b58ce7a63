//! Bytes to [`Module`]: text or binary in, a validated, immutable module description out.
//!
//! Decoding and validation are wasmparser's; this module only copies what the rest of the
//! interpreter needs into plain Rust data (no wasmparser types escape except the
//! per-function validation resources the translator reuses).

use crate::error::{Error, Result};
use crate::value::{CompositeType, FieldType, FuncType, HeapType, RefType, StorageType, SubType, ValType};
use std::collections::HashMap;
use std::fmt;
use std::ops::Range;
use std::rc::Rc;
use wasmparser::{
    Chunk, CompositeInnerType, ExternalKind, FuncValidator, FuncValidatorAllocations, FunctionBody, Name, Parser,
    Payload, TypeRef, ValidPayload, Validator, ValidatorResources, WasmFeatures,
};

/// The features we accept: WebAssembly 2.0 (SIMD included), and of 3.0: relaxed SIMD,
/// extended constant expressions, tail calls, wide arithmetic, multi-memory, memory64
/// (with table64), custom page sizes, threads (shared memories and atomics), typed
/// function references, GC and exception handling (`exnref`, `try_table`, and the legacy
/// `try`/`catch`/`delegate`/`rethrow`).
pub fn features() -> WasmFeatures {
    WasmFeatures::WASM2
        | WasmFeatures::EXCEPTIONS
        | WasmFeatures::LEGACY_EXCEPTIONS
        | WasmFeatures::FUNCTION_REFERENCES
        | WasmFeatures::GC
        | WasmFeatures::RELAXED_SIMD
        | WasmFeatures::EXTENDED_CONST
        | WasmFeatures::TAIL_CALL
        | WasmFeatures::WIDE_ARITHMETIC
        | WasmFeatures::MULTI_MEMORY
        | WasmFeatures::MEMORY64
        | WasmFeatures::CUSTOM_PAGE_SIZES
        | WasmFeatures::THREADS
}

/// Turns user input into a binary: input starting with the `\0asm` magic is taken as a
/// binary, anything else as the text format.
pub fn to_binary(input: &[u8]) -> Result<Vec<u8>> {
    to_binary_named(input, None)
}

/// Is this input the text format? A NUL byte can never start it: anything starting with one
/// is a binary (with a bad magic number, the decoder says so at offset 0).
fn is_text(input: &[u8]) -> bool {
    !input.starts_with(b"\0")
}

/// Like [`to_binary`]; text errors name `path` (`--> fac.wat:3:7`).
pub fn to_binary_named(input: &[u8], path: Option<&std::path::Path>) -> Result<Vec<u8>> {
    if !is_text(input) {
        return Ok(input.to_vec());
    }
    text_to_binary(input, path)
}

/// Like [`to_binary_named`], taking the input: a binary is returned as it is (no copy).
pub fn into_binary_named(input: Vec<u8>, path: Option<&std::path::Path>) -> Result<Vec<u8>> {
    if !is_text(&input) {
        return Ok(input);
    }
    text_to_binary(&input, path)
}

fn text_to_binary(input: &[u8], path: Option<&std::path::Path>) -> Result<Vec<u8>> {
    let text = std::str::from_utf8(input).map_err(|e| Error::Decode {
        message: format!("input is neither a wasm binary (no \\0asm magic) nor UTF-8 text: {e}"),
        offset: Some(e.valid_up_to()),
    })?;
    wat::Parser::new().parse_str(path, text).map_err(|e| Error::Text(e.to_string()))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableType {
    pub elem: ValType,
    pub min: u64,
    pub max: Option<u64>,
    /// Indexed by i64 (table64).
    pub table64: bool,
}

impl TableType {
    /// A table indexed by i32.
    pub fn new(elem: ValType, min: u32, max: Option<u32>) -> TableType {
        TableType { elem, min: min as u64, max: max.map(u64::from), table64: false }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemoryType {
    /// In pages of `1 << page_size_log2` bytes.
    pub min: u64,
    pub max: Option<u64>,
    /// 64-bit addresses (memory64).
    pub memory64: bool,
    /// Shared (threads).
    pub shared: bool,
    /// 16 (64 KiB pages, the default) or 0 (custom-page-sizes).
    pub page_size_log2: u8,
}

impl MemoryType {
    /// A 32-bit unshared memory of 64 KiB pages.
    pub fn new(min: u32, max: Option<u32>) -> MemoryType {
        MemoryType { min: min as u64, max: max.map(u64::from), memory64: false, shared: false, page_size_log2: 16 }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GlobalType {
    pub ty: ValType,
    pub mutable: bool,
}

/// The type of something that can be imported or exported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExternType {
    Func(FuncType),
    Table(TableType),
    Memory(MemoryType),
    Global(GlobalType),
    /// A tag (exception handling): the payload is the function type's parameters (it has
    /// no results).
    Tag(FuncType),
}

impl ExternType {
    pub fn kind(&self) -> &'static str {
        match self {
            ExternType::Tag(_) => "tag",
            ExternType::Func(_) => "func",
            ExternType::Table(_) => "table",
            ExternType::Memory(_) => "memory",
            ExternType::Global(_) => "global",
        }
    }
}

fn fmt_limits(f: &mut fmt::Formatter<'_>, min: u64, max: Option<u64>) -> fmt::Result {
    write!(f, "{min}")?;
    if let Some(m) = max {
        write!(f, " {m}")?;
    }
    Ok(())
}

/// Text-format-like rendering: `func (param i32) (result i32)`, `memory 1 2`,
/// `table 10 funcref`, `global (mut i32)`.
impl fmt::Display for ExternType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExternType::Func(t) => write!(f, "func {t}"),
            ExternType::Tag(t) => write!(f, "tag {t}"),
            ExternType::Table(t) => {
                f.write_str(if t.table64 { "table i64 " } else { "table " })?;
                fmt_limits(f, t.min, t.max)?;
                write!(f, " {}", t.elem)
            }
            ExternType::Memory(m) => {
                f.write_str(if m.memory64 { "memory i64 " } else { "memory " })?;
                fmt_limits(f, m.min, m.max)?;
                if m.shared {
                    f.write_str(" shared")?;
                }
                if m.page_size_log2 != 16 {
                    write!(f, " (pagesize {})", 1u64 << m.page_size_log2)?;
                }
                Ok(())
            }
            ExternType::Global(g) if g.mutable => write!(f, "global (mut {})", g.ty),
            ExternType::Global(g) => write!(f, "global {}", g.ty),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExternKind {
    Func,
    Table,
    Memory,
    Global,
    Tag,
}

#[derive(Debug, Clone)]
pub struct Import {
    pub module: String,
    pub name: String,
    pub ty: ExternType,
}

#[derive(Debug, Clone)]
pub struct Export {
    pub name: String,
    pub kind: ExternKind,
    /// Index in the module's index space of that kind.
    pub index: u32,
}

/// A constant expression, already decoded.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ConstOp {
    I32(i32),
    I64(i64),
    F32(u32),
    F64(u64),
    V128(u128),
    RefNull(ValType),
    RefFunc(u32),
    GlobalGet(u32),
    /// GC's constant instructions: `ref.i31`, the conversions, and allocations (module
    /// type indices).
    RefI31,
    AnyConvertExtern,
    ExternConvertAny,
    StructNew(u32),
    StructNewDefault(u32),
    ArrayNew(u32),
    ArrayNewDefault(u32),
    ArrayNewFixed(u32, u32),
    I32Add,
    I32Sub,
    I32Mul,
    I64Add,
    I64Sub,
    I64Mul,
}

pub type ConstExpr = Vec<ConstOp>;

#[derive(Debug, Clone)]
pub enum ElemMode {
    Passive,
    Declared,
    Active { table: u32, offset: ConstExpr },
}

#[derive(Debug, Clone)]
pub struct ElemSegment {
    pub mode: ElemMode,
    pub ty: ValType,
    pub items: Vec<ConstExpr>,
}

#[derive(Debug, Clone)]
pub enum DataMode {
    Passive,
    Active { memory: u32, offset: ConstExpr },
}

#[derive(Debug, Clone)]
pub struct DataSegment {
    pub mode: DataMode,
    pub data: SharedBytes,
}

/// A window on a module's binary, shared rather than copied: a data segment's bytes (which
/// are ~12% of a C++ program's binary) live only in the module's one copy of the binary.
/// Dereferences to the bytes; the default is empty (a dropped segment).
#[derive(Clone, Default)]
pub struct SharedBytes {
    buf: Rc<Vec<u8>>,
    range: Range<usize>,
}

impl std::ops::Deref for SharedBytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        self.buf.get(self.range.clone()).unwrap_or_default()
    }
}

impl fmt::Debug for SharedBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SharedBytes({} bytes at {:?})", self.len(), self.range)
    }
}

/// Names from the `name` custom section.
#[derive(Debug, Clone, Default)]
pub struct Names {
    pub module: Option<String>,
    pub funcs: HashMap<u32, String>,
    pub locals: HashMap<u32, HashMap<u32, String>>,
    pub globals: HashMap<u32, String>,
    pub memories: HashMap<u32, String>,
    pub tags: HashMap<u32, String>,
    /// Type names and struct field names (GC).
    pub types: HashMap<u32, String>,
    pub fields: HashMap<u32, HashMap<u32, String>>,
}

/// A defined function's body, kept for lazy translation.
pub(crate) struct Body {
    pub range: Range<usize>,
    pub resources: ValidatorResources,
    pub index: u32,
    pub ty: u32,
}

/// A decoded and validated module. Immutable; shared by all its instances.
pub struct Module {
    /// The binary, the only copy of it: data segments are windows on it and function
    /// bodies ranges in it (translated when first called).
    pub(crate) bytes: Rc<Vec<u8>>,
    /// The signature of every type (an empty one for a struct or an array type: see
    /// `sub_types`).
    pub types: Vec<FuncType>,
    /// Every type as defined (GC: struct and array types, supertypes, finality), concrete
    /// references by module type index.
    pub sub_types: Vec<SubType>,
    /// The recursion groups, in order: the first type index and the count of each.
    pub rec_groups: Vec<(u32, u32)>,
    pub imports: Vec<Import>,
    /// Type index of every function, imported ones first.
    pub funcs: Vec<u32>,
    pub tables: Vec<TableType>,
    pub memories: Vec<MemoryType>,
    pub globals: Vec<GlobalType>,
    /// Type index of every tag (exception handling), imported ones first.
    pub tags: Vec<u32>,
    /// Initialisers of the defined (non-imported) globals.
    pub global_inits: Vec<ConstExpr>,
    /// Initialisers of the defined tables (`None`: null, the default).
    pub table_inits: Vec<Option<ConstExpr>>,
    /// The module type index of each of wasmparser's canonical type ids (the first of equal
    /// types), for the operand types the validator gives.
    type_of_id: HashMap<wasmparser::types::CoreTypeId, u32>,
    pub num_imported_funcs: u32,
    pub num_imported_tables: u32,
    pub num_imported_memories: u32,
    pub num_imported_globals: u32,
    pub num_imported_tags: u32,
    pub exports: Vec<Export>,
    export_map: HashMap<String, usize>,
    pub start: Option<u32>,
    pub elems: Vec<ElemSegment>,
    pub datas: Vec<DataSegment>,
    pub(crate) bodies: Vec<Body>,
    pub names: Names,
    /// Custom sections: name and byte size.
    pub customs: Vec<(String, usize)>,
}

impl fmt::Debug for Module {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Module")
            .field("types", &self.types.len())
            .field("funcs", &self.funcs.len())
            .field("exports", &self.exports.len())
            .finish()
    }
}

/// A value type as the module's sections spell it (concrete types by module index; `types`
/// the module's types so far, which tell a concrete type's kind).
pub(crate) fn val_type(t: wasmparser::ValType, types: &[SubType]) -> Result<ValType> {
    use wasmparser::ValType as W;
    Ok(match t {
        W::I32 => ValType::I32,
        W::I64 => ValType::I64,
        W::F32 => ValType::F32,
        W::F64 => ValType::F64,
        W::V128 => ValType::V128,
        W::Ref(r) => ValType::Ref(ref_type(r, types, |_| None)?),
    })
}

/// A reference type; `id` gives the module index of a canonical type id (the validator's
/// operand types name concrete types so), `types` the kind of a module type.
fn ref_type(
    r: wasmparser::RefType,
    types: &[SubType],
    id: impl Fn(wasmparser::types::CoreTypeId) -> Option<u32>,
) -> Result<RefType> {
    use wasmparser::{AbstractHeapType as A, HeapType as H, UnpackedIndex as U};
    let concrete = |i: u32| types.get(i as usize).map_or(HeapType::Concrete(i), |t| t.heap(i));
    let heap = match r.heap_type() {
        H::Abstract { shared: false, ty } => match ty {
            A::Func => HeapType::Func,
            A::Extern => HeapType::Extern,
            A::Any => HeapType::Any,
            A::Eq => HeapType::Eq,
            A::I31 => HeapType::I31,
            A::Struct => HeapType::Struct,
            A::Array => HeapType::Array,
            A::None => HeapType::None,
            A::NoFunc => HeapType::NoFunc,
            A::NoExtern => HeapType::NoExtern,
            A::Exn => HeapType::Exn,
            A::NoExn => HeapType::NoExn,
            _ => return Err(Error::Unsupported(format!("reference type {r}"))),
        },
        H::Concrete(U::Module(i)) | H::Exact(U::Module(i)) => concrete(i),
        H::Concrete(U::Id(t)) | H::Exact(U::Id(t)) => {
            concrete(id(t).ok_or_else(|| Error::Unsupported(format!("reference type {r}")))?)
        }
        _ => return Err(Error::Unsupported(format!("reference type {r}"))),
    };
    Ok(RefType { nullable: r.is_nullable(), heap })
}

impl Module {
    /// An operand type the validator gives (concrete types by canonical id).
    pub(crate) fn operand_type(&self, t: wasmparser::ValType) -> Result<ValType> {
        match t {
            wasmparser::ValType::Ref(r) => {
                Ok(ValType::Ref(ref_type(r, &self.sub_types, |id| self.type_of_id.get(&id).copied())?))
            }
            t => val_type(t, &self.sub_types),
        }
    }

    /// A value type of the module's sections (concrete types by module index).
    pub(crate) fn val_type(&self, t: wasmparser::ValType) -> Result<ValType> {
        val_type(t, &self.sub_types)
    }

    /// The struct fields of type `i` (module index), if it is a struct type.
    pub fn struct_fields(&self, i: u32) -> Option<&[FieldType]> {
        match &self.sub_types.get(i as usize)?.composite {
            CompositeType::Struct(f) => Some(f),
            _ => None,
        }
    }

    /// The element type of type `i` (module index), if it is an array type.
    pub fn array_elem(&self, i: u32) -> Option<FieldType> {
        match &self.sub_types.get(i as usize)?.composite {
            CompositeType::Array(f) => Some(*f),
            _ => None,
        }
    }
}

fn const_expr(expr: &wasmparser::ConstExpr<'_>, types: &[SubType]) -> Result<ConstExpr> {
    use wasmparser::Operator as O;
    let mut out = Vec::new();
    let mut reader = expr.get_operators_reader();
    while !reader.eof() {
        let op = reader.read()?;
        out.push(match op {
            O::I32Const { value } => ConstOp::I32(value),
            O::I64Const { value } => ConstOp::I64(value),
            O::F32Const { value } => ConstOp::F32(value.bits()),
            O::F64Const { value } => ConstOp::F64(value.bits()),
            O::V128Const { value } => ConstOp::V128(value.i128() as u128),
            O::RefNull { hty } => ConstOp::RefNull(ValType::Ref(ref_type(
                wasmparser::RefType::new(true, hty).ok_or_else(|| Error::Unsupported("reference type".into()))?,
                types,
                |_| None,
            )?)),
            O::RefFunc { function_index } => ConstOp::RefFunc(function_index),
            O::GlobalGet { global_index } => ConstOp::GlobalGet(global_index),
            O::RefI31 => ConstOp::RefI31,
            O::AnyConvertExtern => ConstOp::AnyConvertExtern,
            O::ExternConvertAny => ConstOp::ExternConvertAny,
            O::StructNew { struct_type_index } => ConstOp::StructNew(struct_type_index),
            O::StructNewDefault { struct_type_index } => ConstOp::StructNewDefault(struct_type_index),
            O::ArrayNew { array_type_index } => ConstOp::ArrayNew(array_type_index),
            O::ArrayNewDefault { array_type_index } => ConstOp::ArrayNewDefault(array_type_index),
            O::ArrayNewFixed { array_type_index, array_size } => ConstOp::ArrayNewFixed(array_type_index, array_size),
            O::I32Add => ConstOp::I32Add,
            O::I32Sub => ConstOp::I32Sub,
            O::I32Mul => ConstOp::I32Mul,
            O::I64Add => ConstOp::I64Add,
            O::I64Sub => ConstOp::I64Sub,
            O::I64Mul => ConstOp::I64Mul,
            O::End => break,
            other => {
                let name = crate::text::mnemonic(&other);
                return Err(Error::Unsupported(format!("constant instruction {name}")));
            }
        });
    }
    Ok(out)
}

fn func_type(t: &wasmparser::FuncType, types: &[SubType]) -> Result<FuncType> {
    Ok(FuncType {
        params: t.params().iter().map(|&t| val_type(t, types)).collect::<Result<_>>()?,
        results: t.results().iter().map(|&t| val_type(t, types)).collect::<Result<_>>()?,
    })
}

fn field_type(f: &wasmparser::FieldType, types: &[SubType]) -> Result<FieldType> {
    let storage = match f.element_type {
        wasmparser::StorageType::I8 => StorageType::I8,
        wasmparser::StorageType::I16 => StorageType::I16,
        wasmparser::StorageType::Val(t) => StorageType::Val(val_type(t, types)?),
    };
    Ok(FieldType { storage, mutable: f.mutable })
}

fn sub_type(t: &wasmparser::SubType, types: &[SubType]) -> Result<SubType> {
    let composite = match &t.composite_type.inner {
        CompositeInnerType::Func(f) => CompositeType::Func(func_type(f, types)?),
        CompositeInnerType::Struct(s) => {
            CompositeType::Struct(s.fields.iter().map(|f| field_type(f, types)).collect::<Result<_>>()?)
        }
        CompositeInnerType::Array(a) => CompositeType::Array(field_type(&a.0, types)?),
        _ => return Err(Error::Unsupported("continuation types".into())),
    };
    if t.composite_type.shared {
        return Err(Error::Unsupported("shared types".into()));
    }
    let supertype = t.supertype_idxs.first().and_then(|i| i.as_module_index());
    Ok(SubType { is_final: t.is_final, supertype, composite })
}

fn table_type(t: &wasmparser::TableType, types: &[SubType]) -> Result<TableType> {
    Ok(TableType {
        elem: ValType::Ref(ref_type(t.element_type, types, |_| None)?),
        min: t.initial,
        max: t.maximum,
        table64: t.table64,
    })
}

fn memory_type(t: &wasmparser::MemoryType) -> Result<MemoryType> {
    let page_size_log2 = match t.page_size_log2 {
        None => 16,
        Some(p @ (0 | 16)) => p as u8,
        Some(p) => return Err(Error::Unsupported(format!("memories with pages of 2^{p} bytes"))),
    };
    Ok(MemoryType { min: t.initial, max: t.maximum, memory64: t.memory64, shared: t.shared, page_size_log2 })
}

fn global_type(t: &wasmparser::GlobalType, types: &[SubType]) -> Result<GlobalType> {
    Ok(GlobalType { ty: val_type(t.content_type, types)?, mutable: t.mutable })
}

/// wasmparser reads memory limits as 64-bit LEB128 even for 32-bit memories; the spec
/// requires at most 5 bytes there ("integer representation too long").
fn check_memory_limits(bytes: &[u8], range: Range<usize>) -> Result<()> {
    let Some(section) = bytes.get(range.clone()) else { return Ok(()) };
    // Reads one unsigned LEB128: (value, length in bytes), or None at the end.
    let leb = |pos: &mut usize| -> Option<(u64, usize)> {
        let (start, mut value, mut shift) = (*pos, 0u64, 0u32);
        loop {
            let b = *section.get(*pos)?;
            *pos += 1;
            value |= u64::from(b & 0x7f).checked_shl(shift).unwrap_or(0);
            shift += 7;
            if b & 0x80 == 0 {
                return Some((value, *pos - start));
            }
        }
    };
    let mut pos = 0;
    let Some((count, _)) = leb(&mut pos) else { return Ok(()) };
    for _ in 0..count {
        let Some(&flags) = section.get(pos) else { return Ok(()) };
        pos += 1;
        // memory64: 64-bit limits are legitimate.
        let wide = flags & 0x04 != 0;
        for _ in 0..1 + (flags & 1) {
            let at = range.start + pos;
            match leb(&mut pos) {
                Some((_, len)) if len > 5 && !wide => {
                    return Err(Error::Decode { message: "integer representation too long".into(), offset: Some(at) });
                }
                Some(_) => {}
                None => return Ok(()),
            }
        }
        // custom-page-sizes: the page size's log2.
        if flags & 0x08 != 0 && leb(&mut pos).is_none() {
            return Ok(());
        }
    }
    Ok(())
}

impl Module {
    /// Decodes and validates a module from text or binary (see [`to_binary`]).
    pub fn new(input: &[u8]) -> Result<Module> {
        Module::from_binary(to_binary(input)?)
    }

    /// Decodes and validates a binary module.
    pub fn from_binary(bytes: Vec<u8>) -> Result<Module> {
        Decoder { accept_text: false, ..Decoder::from_bytes(bytes) }.finish()
    }

    /// Decodes and validates a module from text or binary, taking the input: a binary is
    /// not copied (see [`Decoder`]).
    pub fn from_input(input: Vec<u8>) -> Result<Module> {
        Decoder::from_bytes(input).finish()
    }

    fn empty() -> Module {
        Module {
            bytes: Rc::default(),
            types: Vec::new(),
            sub_types: Vec::new(),
            rec_groups: Vec::new(),
            imports: Vec::new(),
            funcs: Vec::new(),
            tables: Vec::new(),
            memories: Vec::new(),
            globals: Vec::new(),
            tags: Vec::new(),
            global_inits: Vec::new(),
            table_inits: Vec::new(),
            type_of_id: HashMap::new(),
            num_imported_funcs: 0,
            num_imported_tables: 0,
            num_imported_memories: 0,
            num_imported_globals: 0,
            num_imported_tags: 0,
            exports: Vec::new(),
            export_map: HashMap::new(),
            start: None,
            elems: Vec::new(),
            datas: Vec::new(),
            bodies: Vec::new(),
            names: Names::default(),
            customs: Vec::new(),
        }
    }

    fn read_payload(&mut self, payload: Payload<'_>) -> Result<()> {
        match payload {
            Payload::TypeSection(r) => {
                for group in r {
                    let group: Vec<wasmparser::SubType> = group?.into_types().collect();
                    let start = self.sub_types.len();
                    // Kinds first (a type may refer to a later one of its group), then each.
                    for t in &group {
                        let composite = match &t.composite_type.inner {
                            CompositeInnerType::Struct(_) => CompositeType::Struct(Vec::new()),
                            CompositeInnerType::Array(_) => {
                                CompositeType::Array(FieldType { storage: StorageType::I8, mutable: false })
                            }
                            _ => CompositeType::Func(FuncType::default()),
                        };
                        self.sub_types.push(SubType { is_final: true, supertype: None, composite });
                    }
                    for (k, t) in group.iter().enumerate() {
                        let t = sub_type(t, &self.sub_types)?;
                        self.types.push(match &t.composite {
                            CompositeType::Func(f) => f.clone(),
                            _ => FuncType::default(),
                        });
                        self.sub_types[start + k] = t;
                    }
                    self.rec_groups.push((start as u32, group.len() as u32));
                }
            }
            Payload::ImportSection(r) => {
                for imp in r.into_imports() {
                    let imp = imp?;
                    let ty = match imp.ty {
                        TypeRef::Func(t) => {
                            self.funcs.push(t);
                            self.num_imported_funcs += 1;
                            ExternType::Func(self.types[t as usize].clone())
                        }
                        TypeRef::Table(t) => {
                            let t = table_type(&t, &self.sub_types)?;
                            self.tables.push(t);
                            self.num_imported_tables += 1;
                            ExternType::Table(t)
                        }
                        TypeRef::Memory(t) => {
                            let t = memory_type(&t)?;
                            self.memories.push(t);
                            self.num_imported_memories += 1;
                            ExternType::Memory(t)
                        }
                        TypeRef::Global(t) => {
                            let t = global_type(&t, &self.sub_types)?;
                            self.globals.push(t);
                            self.num_imported_globals += 1;
                            ExternType::Global(t)
                        }
                        TypeRef::Tag(t) => {
                            self.tags.push(t.func_type_idx);
                            self.num_imported_tags += 1;
                            ExternType::Tag(self.types[t.func_type_idx as usize].clone())
                        }
                        _ => return Err(Error::Unsupported("this import kind".into())),
                    };
                    self.imports.push(Import { module: imp.module.to_string(), name: imp.name.to_string(), ty });
                }
            }
            Payload::FunctionSection(r) => {
                // Room for every function and body at once (doubling would leave up to
                // half of 127,847 bodies' room unused, and copy them on the way).
                // (Each entry takes a byte at least: a count the section cannot hold
                // reserves no more than its size.)
                let size = r.range().end.saturating_sub(r.range().start);
                let n = (r.count() as usize).min(usize::try_from(size).unwrap_or(usize::MAX));
                self.funcs.reserve_exact(n);
                self.bodies.reserve_exact(n);
                for t in r {
                    self.funcs.push(t?);
                }
            }
            Payload::TableSection(r) => {
                for t in r {
                    let t = t?;
                    self.table_inits.push(match &t.init {
                        wasmparser::TableInit::RefNull => None,
                        wasmparser::TableInit::Expr(e) => Some(const_expr(e, &self.sub_types)?),
                    });
                    self.tables.push(table_type(&t.ty, &self.sub_types)?);
                }
            }
            Payload::MemorySection(r) => {
                for t in r {
                    self.memories.push(memory_type(&t?)?);
                }
            }
            Payload::GlobalSection(r) => {
                for g in r {
                    let g = g?;
                    self.globals.push(global_type(&g.ty, &self.sub_types)?);
                    self.global_inits.push(const_expr(&g.init_expr, &self.sub_types)?);
                }
            }
            Payload::ExportSection(r) => {
                for e in r {
                    let e = e?;
                    let kind = match e.kind {
                        ExternalKind::Func | ExternalKind::FuncExact => ExternKind::Func,
                        ExternalKind::Table => ExternKind::Table,
                        ExternalKind::Memory => ExternKind::Memory,
                        ExternalKind::Global => ExternKind::Global,
                        ExternalKind::Tag => ExternKind::Tag,
                    };
                    self.export_map.insert(e.name.to_string(), self.exports.len());
                    self.exports.push(Export { name: e.name.to_string(), kind, index: e.index });
                }
            }
            Payload::TagSection(r) => {
                for t in r {
                    self.tags.push(t?.func_type_idx);
                }
            }
            Payload::StartSection { func, .. } => self.start = Some(func),
            Payload::ElementSection(r) => {
                for e in r {
                    let e = e?;
                    let mode = match e.kind {
                        wasmparser::ElementKind::Passive => ElemMode::Passive,
                        wasmparser::ElementKind::Declared => ElemMode::Declared,
                        wasmparser::ElementKind::Active { table_index, offset_expr } => ElemMode::Active {
                            table: table_index.unwrap_or(0),
                            offset: const_expr(&offset_expr, &self.sub_types)?,
                        },
                    };
                    let (ty, items) = match e.items {
                        wasmparser::ElementItems::Functions(r) => {
                            let items = r.into_iter().map(|f| Ok(vec![ConstOp::RefFunc(f?)])).collect::<Result<_>>()?;
                            (ValType::FuncRef, items)
                        }
                        wasmparser::ElementItems::Expressions(t, r) => {
                            let items =
                                r.into_iter().map(|x| const_expr(&x?, &self.sub_types)).collect::<Result<_>>()?;
                            (ValType::Ref(ref_type(t, &self.sub_types, |_| None)?), items)
                        }
                    };
                    self.elems.push(ElemSegment { mode, ty, items });
                }
            }
            Payload::DataSection(r) => {
                for d in r {
                    let d = d?;
                    let mode = match d.kind {
                        wasmparser::DataKind::Passive => DataMode::Passive,
                        wasmparser::DataKind::Active { memory_index, offset_expr } => DataMode::Active {
                            memory: memory_index,
                            offset: const_expr(&offset_expr, &self.sub_types)?,
                        },
                    };
                    // The segment's bytes end its entry: keep where they are, not a copy
                    // ([`Decoder::finish`] points them at the module's binary).
                    let end = d.range.end as usize;
                    let range = end.saturating_sub(d.data.len())..end;
                    self.datas.push(DataSegment { mode, data: SharedBytes { buf: Rc::default(), range } });
                }
            }
            Payload::CustomSection(c) => {
                self.customs.push((c.name().to_string(), c.data().len()));
                if c.name() == "name" {
                    // A malformed name section is not an error (the spec says custom
                    // sections never affect validity); keep what could be read.
                    let reader =
                        wasmparser::NameSectionReader::new(wasmparser::BinaryReader::new(c.data(), c.data_offset()));
                    self.read_names(reader);
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn read_names(&mut self, reader: wasmparser::NameSectionReader<'_>) {
        let map = |m: wasmparser::NameMap<'_>| -> HashMap<u32, String> {
            m.into_iter().filter_map(|n| n.ok()).map(|n| (n.index, n.name.to_string())).collect()
        };
        for name in reader.into_iter().map_while(|n| n.ok()) {
            match name {
                Name::Module { name, .. } => self.names.module = Some(name.to_string()),
                Name::Function(m) => self.names.funcs = map(m),
                Name::Global(m) => self.names.globals = map(m),
                Name::Memory(m) => self.names.memories = map(m),
                Name::Tag(m) => self.names.tags = map(m),
                Name::Type(m) => self.names.types = map(m),
                Name::Field(m) => {
                    for n in m.into_iter().map_while(|n| n.ok()) {
                        self.names.fields.insert(n.index, map(n.names));
                    }
                }
                Name::Local(m) => {
                    for n in m.into_iter().map_while(|n| n.ok()) {
                        self.names.locals.insert(n.index, map(n.names));
                    }
                }
                _ => {}
            }
        }
    }

    /// The export with this name, if any.
    pub fn export(&self, name: &str) -> Option<&Export> {
        self.export_map.get(name).map(|&i| &self.exports[i])
    }

    /// The signature of function `index` (module index space).
    pub fn func_type(&self, index: u32) -> Option<&FuncType> {
        self.types.get(*self.funcs.get(index as usize)? as usize)
    }

    /// The type of an export.
    pub fn export_type(&self, e: &Export) -> Option<ExternType> {
        let i = e.index as usize;
        Some(match e.kind {
            ExternKind::Func => ExternType::Func(self.func_type(e.index)?.clone()),
            ExternKind::Table => ExternType::Table(*self.tables.get(i)?),
            ExternKind::Memory => ExternType::Memory(*self.memories.get(i)?),
            ExternKind::Global => ExternType::Global(*self.globals.get(i)?),
            ExternKind::Tag => ExternType::Tag(self.types.get(*self.tags.get(i)? as usize)?.clone()),
        })
    }

    /// The payload types of tag `index` (tag index space).
    pub fn tag_type(&self, index: u32) -> Option<&FuncType> {
        self.types.get(*self.tags.get(index as usize)? as usize)
    }

    /// The name of memory `index` from the name section, if present.
    pub fn memory_name(&self, index: u32) -> Option<&str> {
        self.names.memories.get(&index).map(|s| s.as_str())
    }

    /// The name of function `index` from the name section, if present.
    pub fn func_name(&self, index: u32) -> Option<&str> {
        self.names.funcs.get(&index).map(|s| s.as_str())
    }

    /// A display name for function `index`: its name-section name, else the name it is
    /// exported under, else `func[N]`.
    pub fn display_func_name(&self, index: u32) -> String {
        if let Some(n) = self.func_name(index) {
            return n.to_string();
        }
        for e in &self.exports {
            if e.kind == ExternKind::Func && e.index == index {
                return e.name.clone();
            }
        }
        format!("func[{index}]")
    }

    /// The raw binary this module was decoded from.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }
}

/// Decodes and validates a binary module as its bytes arrive, a slice of work at a time:
/// the page feeds it a file's chunks as they are read and decodes between them, so a large
/// module shows progress and the page keeps answering. The bytes are kept in one buffer,
/// which becomes the module's binary ([`Module::bytes`]) without a copy.
///
/// Text input (anything not starting with a NUL byte) is kept until [`Decoder::finish`],
/// which compiles it to a binary and decodes that.
pub struct Decoder {
    bytes: Vec<u8>,
    /// Bytes the parser has consumed (decoded and validated).
    pos: usize,
    parser: Parser,
    validator: Validator,
    allocs: FuncValidatorAllocations,
    module: Module,
    done: bool,
    /// Input not starting with a NUL byte is the text format (else it is a bad binary).
    accept_text: bool,
}

impl Default for Decoder {
    fn default() -> Self {
        Decoder::from_bytes(Vec::new())
    }
}

impl Decoder {
    /// A decoder with room for `size` bytes (the buffer is not reallocated, so not copied,
    /// while the input fits).
    pub fn with_capacity(size: usize) -> Decoder {
        Decoder::from_bytes(Vec::with_capacity(size))
    }

    /// A decoder that already has `bytes` (the whole input, or its start).
    pub fn from_bytes(bytes: Vec<u8>) -> Decoder {
        Decoder {
            bytes,
            pos: 0,
            parser: Parser::new(0),
            validator: Validator::new_with_features(features()),
            allocs: FuncValidatorAllocations::default(),
            module: Module::empty(),
            done: false,
            accept_text: true,
        }
    }

    /// Appends input.
    pub fn push(&mut self, chunk: &[u8]) {
        self.bytes.extend_from_slice(chunk);
    }

    /// Appends `len` bytes that `fill` writes in place (the page copies a JS chunk straight
    /// into the buffer this way, without an intermediate copy).
    pub fn push_with(&mut self, len: usize, fill: impl FnOnce(&mut [u8])) {
        let start = self.bytes.len();
        self.bytes.resize(start + len, 0);
        fill(&mut self.bytes[start..]);
    }

    /// Bytes received so far.
    pub fn received(&self) -> usize {
        self.bytes.len()
    }

    /// Bytes decoded and validated so far.
    pub fn decoded(&self) -> usize {
        self.pos
    }

    /// Decodes and validates what has arrived, stopping once about `budget` bytes were
    /// decoded (sections other than code are decoded whole, function bodies one at a time).
    /// `eof`: no more input will come. Returns whether the whole module is decoded. Text
    /// input waits for [`Decoder::finish`].
    pub fn decode(&mut self, eof: bool, budget: usize) -> Result<bool> {
        let start = self.pos;
        let text = self.accept_text && !self.bytes.is_empty() && is_text(&self.bytes);
        while !self.done && !text {
            let (consumed, payload) = match self.parser.parse(&self.bytes[self.pos..], eof)? {
                Chunk::NeedMoreData(_) => return Ok(false),
                Chunk::Parsed { consumed, payload } => (consumed, payload),
            };
            if let ValidPayload::Func(func, body) = self.validator.payload(&payload)? {
                let (resources, index, ty) = (func.resources.clone(), func.index, func.ty);
                let mut v = func.into_validator(std::mem::take(&mut self.allocs));
                v.validate(&body)?;
                self.allocs = v.into_allocations();
                self.module.bodies.push(Body {
                    range: body.range().start as usize..body.range().end as usize,
                    resources,
                    index,
                    ty,
                });
            }
            if let Payload::TypeSection(_) = &payload {
                // Canonical ids of the types so far (equal types share one: keep the first).
                if let Some(types) = self.validator.types(0) {
                    let start = self.module.types.len() as u32;
                    for i in start..types.core_type_count_in_module() {
                        self.module.type_of_id.entry(types.core_type_at_in_module(i)).or_insert(i);
                    }
                }
            }
            if let Payload::MemorySection(r) = &payload {
                check_memory_limits(&self.bytes, r.range().start as usize..r.range().end as usize)?;
            }
            self.done = matches!(payload, Payload::End(_));
            self.module.read_payload(payload)?;
            self.pos += consumed;
            if self.pos - start >= budget {
                break;
            }
        }
        Ok(self.done)
    }

    /// Decodes the rest (no more input comes) and returns the module.
    pub fn finish(mut self) -> Result<Module> {
        if self.accept_text && is_text(&self.bytes) {
            return Module::from_binary(text_to_binary(&self.bytes, None)?);
        }
        self.decode(true, usize::MAX)?;
        let mut m = self.module;
        let bytes = Rc::new(self.bytes);
        for d in &mut m.datas {
            if bytes.get(d.data.range.clone()).is_none() {
                return Err(Error::Decode {
                    message: "internal error: data segment out of range".into(),
                    offset: None,
                });
            }
            d.data.buf = bytes.clone();
        }
        m.bytes = bytes;
        Ok(m)
    }
}

/// Instruction text names functions and block types from the module.
impl crate::text::Context for Module {
    fn func_name(&self, index: u32) -> Option<&str> {
        Module::func_name(self, index)
    }
    fn type_def(&self, index: u32) -> Option<&FuncType> {
        self.types.get(index as usize)
    }
    fn tag_name(&self, index: u32) -> Option<&str> {
        self.names.tags.get(&index).map(|s| s.as_str())
    }
    fn type_name(&self, index: u32) -> Option<&str> {
        self.names.types.get(&index).map(|s| s.as_str())
    }
    fn field_name(&self, ty: u32, field: u32) -> Option<&str> {
        self.names.fields.get(&ty)?.get(&field).map(|s| s.as_str())
    }
}

/// A fresh validator for defined function `def`, and its body: the translator and the
/// debugger's per-function info each run one pass over the body with it.
pub(crate) fn body_validator(
    module: &Module,
    def: u32,
) -> Result<(FuncValidator<ValidatorResources>, FunctionBody<'_>)> {
    let internal = |what: &str| Error::Decode { message: format!("internal translation error: {what}"), offset: None };
    let b = module.bodies.get(def as usize).ok_or_else(|| internal("no such body"))?;
    let func =
        wasmparser::FuncToValidate { resources: b.resources.clone(), index: b.index, ty: b.ty, features: features() };
    let validator = func.into_validator(Default::default());
    let bytes = module.bytes.get(b.range.clone()).ok_or_else(|| internal("body out of range"))?;
    Ok((validator, FunctionBody::new(wasmparser::BinaryReader::new(bytes, b.range.start as u64))))
}
