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
/// concrete types, and exception handling's `exn`/`noexn`; GC's `any`/`eq`/`i31`/`struct`/
/// `array`/`none`/`nofunc`/`noextern` would be further variants (decoding refuses modules
/// that use them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HeapType {
    /// `func`: any function.
    Func,
    /// `extern`: any host reference.
    Extern,
    /// A function type, by index. In a module's types (`decode::Module`) the index is the
    /// module's type index; in a store's types and in what the runtime links, it is the
    /// store-wide type id (`runtime::Store::type_id`), so equal indices are equal types.
    Concrete(u32),
    /// `exn`: any exception (exception handling).
    Exn,
    /// `noexn`: the bottom of the exception hierarchy (only null).
    NoExn,
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

    /// Is this a reference to a function (`func` or a concrete function type)?
    pub fn is_func(self) -> bool {
        matches!(self.heap, HeapType::Func | HeapType::Concrete(_))
    }

    /// Is this a reference to an exception (`exn` or `noexn`)?
    pub fn is_exn(self) -> bool {
        matches!(self.heap, HeapType::Exn | HeapType::NoExn)
    }

    /// Subtyping, for types whose concrete indices are in one index space (a store's type
    /// ids, or one module's): without GC's declared subtypes, a concrete type is a subtype
    /// of itself and of `func` only.
    pub fn is_subtype_of(self, of: RefType) -> bool {
        (of.nullable || !self.nullable)
            && match (self.heap, of.heap) {
                (a, b) if a == b => true,
                (HeapType::Concrete(_), HeapType::Func) => true,
                (HeapType::NoExn, HeapType::Exn) => true,
                _ => false,
            }
    }
}

impl fmt::Display for RefType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.nullable, self.heap) {
            (true, HeapType::Func) => f.write_str("funcref"),
            (true, HeapType::Extern) => f.write_str("externref"),
            (true, HeapType::Exn) => f.write_str("exnref"),
            (true, HeapType::NoExn) => f.write_str("nullexnref"),
            (nullable, heap) => {
                f.write_str(if nullable { "(ref null " } else { "(ref " })?;
                match heap {
                    HeapType::Func => f.write_str("func")?,
                    HeapType::Extern => f.write_str("extern")?,
                    HeapType::Concrete(i) => write!(f, "{i}")?,
                    HeapType::Exn => f.write_str("exn")?,
                    HeapType::NoExn => f.write_str("noexn")?,
                }
                f.write_str(")")
            }
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
            ValType::Ref(r) if r.is_func() => "funcref",
            ValType::Ref(r) if r.is_exn() => "exnref",
            ValType::Ref(_) => "externref",
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
            (ValType::Ref(a), ValType::Ref(b)) => a.is_func() == b.is_func() && a.is_exn() == b.is_exn(),
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
            Value::ExternRef(_) => ValType::ExternRef,
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
            ValType::Ref(r) if r.is_func() => Value::FuncRef(reference),
            ValType::Ref(r) if r.is_exn() => Value::ExnRef(reference),
            ValType::Ref(_) => Value::ExternRef(reference),
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
            (Value::FuncRef(r), ValType::Ref(t)) => t.is_func() && (r.is_some() || t.nullable),
            (Value::ExternRef(r), ValType::Ref(t)) => !t.is_func() && !t.is_exn() && (r.is_some() || t.nullable),
            (Value::ExnRef(r), ValType::Ref(t)) => t.is_exn() && (r.is_some() || t.nullable),
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
        ValType::Ref(r) if r.is_func() || r.is_exn() => format!("expected {ty}: only `null` can be given"),
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
                "null" if r.is_exn() => Value::ExnRef(None),
                "null" => Value::ExternRef(None),
                _ if r.is_func() || r.is_exn() => return None,
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
