//! Shared harness code of wasmscope's fuzz targets: module generation (wasm-smith
//! configured for what wasmscope supports), arguments, the wasmscope and wasmi runners and
//! an engine-neutral view of results for comparison.
//!
//! Set `WASMSCOPE_FUZZ_DUMP=DIR` when replaying a crash (`cargo fuzz run TARGET FILE`) to
//! get the generated module as `DIR/module.wasm` and `DIR/module.wat` (plus the calls made
//! as `DIR/calls.txt`).

use arbitrary::{Result, Unstructured};
use std::rc::Rc;
use wasmscope::{Call, Extern, HeapType, InstanceId, Limits, Module, Store, TrapCode, ValType, Value};

/// Instructions a call may execute (wasmscope's `Limits::fuel`).
pub const FUEL: u64 = 50_000;
/// Most memory pages (both engines): small, so that `memory.grow` fails early and cheaply.
pub const MAX_PAGES: u32 = 10;
/// Most table elements (both engines).
pub const MAX_TABLE: u32 = 1_000;
/// Deepest call nesting in wasmscope (its default 10 000 makes deep recursion slow).
pub const MAX_DEPTH: u32 = 500;
/// Most bytes of live GC objects (wasmscope's `Limits::max_heap_bytes`): one `array.new`
/// may ask for 2^32 elements, which must trap cheaply instead of taking the fuzzer's memory.
/// (Under a debugger `Session` nothing is collected, so the step target's debugged run may
/// reach it where the plain one collects: see `step.rs`.)
pub const MAX_HEAP: usize = 16 << 20;

/// The wasmscope limits every target runs with.
pub fn limits() -> Limits {
    Limits {
        max_call_depth: MAX_DEPTH,
        max_stack_values: 1 << 20,
        max_memory_pages: MAX_PAGES,
        max_table_elems: MAX_TABLE,
        fuel: Some(FUEL),
        max_heap_bytes: MAX_HEAP,
    }
}

/// The `spectest` imports a generated module may use (what `register_spectest` defines).
pub const SPECTEST_IMPORTS: &str = r#"(module
  (import "spectest" "print" (func))
  (import "spectest" "print_i32" (func (param i32)))
  (import "spectest" "print_i64" (func (param i64)))
  (import "spectest" "print_f32" (func (param f32)))
  (import "spectest" "print_f64" (func (param f64)))
  (import "spectest" "print_i32_f32" (func (param i32 f32)))
  (import "spectest" "print_f64_f64" (func (param f64 f64)))
  (import "spectest" "global_i32" (global i32))
  (import "spectest" "global_i64" (global i64))
  (import "spectest" "global_f32" (global f32))
  (import "spectest" "global_f64" (global f64))
  (import "spectest" "table" (table 10 20 funcref))
  (import "spectest" "memory" (memory 1 2)))"#;

/// Which target a module is generated for: the differential target leaves out what wasmi
/// 2.0 does not run, or runs differently (see [`config`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// `execute` and `step` (and `decode`'s generated half): every feature wasmscope runs.
    Ours,
    /// `differential`: what wasmi 2.0 runs the same way.
    Differential,
}

/// wasm-smith configured for what wasmscope runs: WebAssembly 2.0 (SIMD, multi-value, bulk
/// memory, reference types, sign extension, saturating conversions) and, of 3.0, relaxed
/// SIMD, tail calls, extended constants, wide arithmetic, multi-memory (up to 3 memories),
/// memory64 and table64, custom page sizes, threads (shared memories and atomics), GC with
/// typed function references (wasm-smith has one switch, `gc_enabled`, for both) and
/// exception handling (`try_table`, `throw`, `throw_ref`, `exnref`; wasm-smith 0.263
/// generates none of the legacy `try`/`catch`/`rethrow`/`delegate`), with small modules,
/// memories of at most [`MAX_PAGES`] 64 KiB pages, every item exported, and (when
/// `imports`) the spectest host module as the only thing to import from.
///
/// For [`Target::Differential`], four features are left out:
/// * GC (and with it typed function references) and exception handling: wasmi 2.0 has
///   neither proposal;
/// * threads: wasmi 2.0 has no threads proposal (no shared memories, no atomics);
/// * relaxed SIMD: wasmi computes `f32x4/f64x2.relaxed_madd/nmadd` fused (`mul_add`, one
///   rounding) where wasmscope's documented choice (README, "Relaxed SIMD") is an unfused
///   multiply then add. Both are allowed results, so a difference there is no bug; every
///   other relaxed instruction is the same choice in both, but wasm-smith has only the
///   one switch for the whole proposal.
// One field a line, each with its reason, reads better than one struct literal.
#[allow(clippy::field_reassign_with_default)]
pub fn config(u: &mut Unstructured<'_>, imports: bool, target: Target) -> Result<wasm_smith::Config> {
    let ours = target == Target::Ours;
    let mut c = wasm_smith::Config::default();
    // Features: wasmscope's (`decode::features()`).
    c.bulk_memory_enabled = true;
    c.reference_types_enabled = true;
    c.multi_value_enabled = true;
    c.sign_extension_ops_enabled = true;
    c.saturating_float_to_int_enabled = true;
    c.simd_enabled = true;
    c.relaxed_simd_enabled = ours;
    c.threads_enabled = ours;
    c.shared_everything_threads_enabled = false;
    c.tail_call_enabled = true;
    // GC also turns on typed function references (`call_ref`, `br_on_null`, `(ref $t)`).
    c.gc_enabled = ours;
    c.exceptions_enabled = ours;
    c.max_tags = if ours { u.int_in_range(0..=4)? } else { 0 };
    // memory64 also gives table64 tables (wasm-smith has no separate switch).
    c.memory64_enabled = true;
    c.custom_page_sizes_enabled = true;
    c.extended_const_enabled = true;
    c.wide_arithmetic_enabled = true;
    c.compact_imports_enabled = false;
    c.custom_descriptors_enabled = false;
    c.multibyte_array_access_enabled = false;
    c.acquire_release_atomics_enabled = false;
    // Shape.
    // wasm-smith adds each memory past the minimum with probability 1/2 or less: a minimum
    // too, or two memories or more would be rare (7% of modules).
    c.max_memories = u.int_in_range(1..=3)?;
    c.min_memories = u.int_in_range(0..=c.max_memories as u32)?;
    c.max_tables = u.int_in_range(1..=3)?;
    c.max_memory32_bytes = MAX_PAGES as u64 * 65536;
    c.max_memory64_bytes = MAX_PAGES as u128 * 65536;
    c.max_table_elements = MAX_TABLE as u64;
    c.max_funcs = u.int_in_range(1..=12)?;
    c.max_instructions = u.int_in_range(10..=300)?;
    c.max_nesting_depth = u.int_in_range(1..=12)?;
    c.max_globals = 10;
    c.max_types = 20;
    c.max_data_segments = 8;
    c.max_element_segments = 8;
    c.max_elements = 20;
    c.max_values = 6;
    c.export_everything = true;
    c.min_funcs = 1;
    c.canonicalize_nans = u.arbitrary()?;
    // Half the modules guard their loads, stores, divisions and conversions so that calls
    // run to the end more often (more results to compare, deeper executions).
    c.disallow_traps = u.arbitrary()?;
    c.min_uleb_size = u.int_in_range(1..=5)?;
    c.generate_custom_sections = u.ratio(1, 8)?;
    c.allow_start_export = u.ratio(1, 4)?;
    if imports {
        c.available_imports = Some(wat::parse_str(SPECTEST_IMPORTS).expect("spectest imports"));
        c.max_imports = 8;
    } else {
        c.max_imports = 0;
    }
    Ok(c)
}

/// A generated module: bytes, plus whether it may import from `spectest`.
pub struct Generated {
    pub bytes: Vec<u8>,
    pub imports: bool,
}

pub fn generate(u: &mut Unstructured<'_>, target: Target) -> Result<Generated> {
    let imports = u.ratio(1, 3)?;
    let mut config = config(u, imports, target)?;
    if target == Target::Differential {
        // NaN bit patterns are nondeterministic: wasm-smith then follows every NaN-producing
        // float operation, scalar and f32x4/f64x2 alike, with a `select`/`v128.bitselect`
        // that replaces NaN lanes by the canonical NaN, so that results, globals and
        // memories (v128s included, whose lanes have no type outside the code) compare
        // bit for bit. (wasm-smith leaves `f32.demote`/`f64.promote` and their f32x4/f64x2
        // forms alone: both engines keep the NaN's payload there, quieted, as the
        // hardware does.)
        // wasmi 2.0.0 miscompiles the guards that `disallow_traps` puts around divisions
        // (`local.set; i32.const 1; local.get; local.get; i32.eqz; select`): wrong
        // quotients and spurious traps (reproducers in tests/regressions.rs). Comparing
        // against it there only finds wasmi's bug.
        config.canonicalize_nans = true;
        config.disallow_traps = false;
    }
    let m = wasm_smith::Module::new(config, u)?;
    let bytes = m.to_bytes();
    dump_module(&bytes);
    stats_module(&bytes);
    Ok(Generated { bytes, imports })
}

/// With `WASMSCOPE_FUZZ_DUMP=DIR`, writes the module as DIR/module.wasm and .wat.
pub fn dump_module(bytes: &[u8]) {
    if let Some(dir) = std::env::var_os("WASMSCOPE_FUZZ_DUMP") {
        let dir = std::path::PathBuf::from(dir);
        let _ = std::fs::create_dir_all(&dir);
        let _ = std::fs::write(dir.join("module.wasm"), bytes);
        let wat = wasmprinter::print_bytes(bytes).unwrap_or_else(|e| format!(";; cannot print: {e}"));
        let _ = std::fs::write(dir.join("module.wat"), wat);
        let _ = std::fs::write(dir.join("calls.txt"), "");
    }
}

/// With `WASMSCOPE_FUZZ_DUMP=DIR`, appends a line to DIR/calls.txt.
pub fn dump_line(line: impl AsRef<str>) {
    if let Some(dir) = std::env::var_os("WASMSCOPE_FUZZ_DUMP") {
        use std::io::Write;
        let path = std::path::PathBuf::from(dir).join("calls.txt");
        if let Ok(mut f) = std::fs::OpenOptions::new().create(true).append(true).open(path) {
            let _ = writeln!(f, "{}", line.as_ref());
        }
    }
}

/// With `WASMSCOPE_FUZZ_STATS=FILE`, what the inputs generate and run is appended to FILE:
/// per module a `module` line with its operators counted by kind, per call made through
/// [`Ours::call`] (`execute`, and `step`'s plain run) a `call` line with the instructions executed and how it ended, and a `skip` line
/// for an export not called (a parameter type the host cannot make a value of). `fuzz/stats.py` sums them.
pub fn stats_enabled() -> bool {
    std::env::var_os("WASMSCOPE_FUZZ_STATS").is_some()
}

fn stats_line(line: String) {
    if let Some(path) = std::env::var_os("WASMSCOPE_FUZZ_STATS") {
        use std::io::Write;
        if let Ok(mut f) = std::fs::OpenOptions::new().create(true).append(true).open(path) {
            let _ = writeln!(f, "{line}");
        }
    }
}

/// How a call ended, for the statistics: `ok`, or the trap's code.
fn outcome(r: &wasmscope::Result<Vec<Value>>) -> String {
    match r {
        Ok(_) => "ok".into(),
        Err(wasmscope::Error::Trap(t)) => format!("{:?}", t.code),
        Err(_) => "error".into(),
    }
}

/// The kind of an operator, for the statistics (by wasmparser's operator name).
fn op_kind(name: &str) -> &'static str {
    const GC: [&str; 10] = [
        "Struct",
        "Array",
        "RefI31",
        "I31Get",
        "RefTest",
        "RefCast",
        "BrOnCast",
        "AnyConvert",
        "ExternConvert",
        "RefEq",
    ];
    if GC.iter().any(|p| name.starts_with(p)) {
        "gc"
    } else if ["CallRef", "ReturnCallRef", "BrOnNull", "BrOnNonNull", "RefAsNonNull"].contains(&name) {
        "funcref"
    } else if ["TryTable", "Throw", "ThrowRef", "Try", "Catch", "CatchAll", "Rethrow", "Delegate"].contains(&name) {
        "exn"
    } else if name.starts_with("ReturnCall") {
        "tail"
    } else if name.starts_with("V128")
        || name.starts_with("I8x16")
        || name.starts_with("I16x8")
        || name.starts_with("I32x4")
        || name.starts_with("I64x2")
        || name.starts_with("F32x4")
        || name.starts_with("F64x2")
    {
        "simd"
    } else if name.contains("Atomic") {
        "atomic"
    } else if name.ends_with("128") || name.starts_with("I64MulWide") {
        "wide"
    } else if name.starts_with("Ref") || name.starts_with("Table") {
        "ref"
    } else {
        "other"
    }
}

/// With `WASMSCOPE_FUZZ_STATS`, a `module` line: the operators of every body by kind.
fn stats_module(bytes: &[u8]) {
    if !stats_enabled() {
        return;
    }
    let mut counts = std::collections::BTreeMap::<&str, u32>::new();
    for payload in wasmparser::Parser::new(0).parse_all(bytes) {
        if let Ok(wasmparser::Payload::CodeSectionEntry(body)) = payload
            && let Ok(mut ops) = body.get_operators_reader()
        {
            while let Ok(op) = ops.read() {
                let name = format!("{op:?}");
                let name = name.split(|c: char| !c.is_alphanumeric()).next().unwrap_or("");
                *counts.entry(op_kind(name)).or_default() += 1;
            }
        }
    }
    let kinds: Vec<String> = counts.iter().map(|(k, n)| format!("{k}={n}")).collect();
    stats_line(format!("module {}", kinds.join(" ")));
}

/// An argument value, engine-neutral: function references are named by export.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    I32(i32),
    I64(i64),
    F32(u32),
    F64(u64),
    /// Any function reference, typed ones included (of an export whose type matches).
    FuncRef(Option<String>),
    /// Any reference of the extern hierarchy: null or a host reference.
    ExternRef(Option<u32>),
    /// A reference of the any hierarchy (GC: `anyref`, `eqref`, `i31ref`, struct and array
    /// types): null or an i31 (the host makes no heap objects).
    AnyRef(Option<u32>),
    /// A null exception reference (only a throw makes a non-null one).
    ExnNull,
    V128(u128),
}

fn interesting_u64(u: &mut Unstructured<'_>) -> Result<u64> {
    const SPECIAL: [u64; 12] =
        [0, 1, 2, 7, 8, 0xff, 0xffff, 0x7fff_ffff, 0x8000_0000, 0xffff_ffff, i64::MAX as u64, 1 << 63];
    Ok(match u.int_in_range(0..=3)? {
        0 => *u.choose(&SPECIAL)?,
        1 => u.int_in_range(0..=70_000)?,
        2 => (-(u.int_in_range(1..=16u64)? as i64)) as u64,
        _ => u.arbitrary()?,
    })
}

fn interesting_f64(u: &mut Unstructured<'_>) -> Result<f64> {
    const SPECIAL: [f64; 12] = [
        0.0,
        -0.0,
        1.0,
        -1.0,
        0.5,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        2147483648.0,
        -2147483649.0,
        1e300,
        f64::MIN_POSITIVE,
    ];
    Ok(match u.int_in_range(0..=2)? {
        0 => *u.choose(&SPECIAL)?,
        1 => u.int_in_range(-1000i32..=1000)? as f64 / 4.0,
        _ => f64::from_bits(u.arbitrary()?),
    })
}

/// A v128: random bits, or a splat of an interesting integer or float (lanes of one shape).
fn interesting_v128(u: &mut Unstructured<'_>) -> Result<u128> {
    let splat = |lane: u128, bits: u32| (0..128 / bits).fold(0u128, |v, i| v | (lane << (i * bits)));
    Ok(match u.int_in_range(0..=5)? {
        0 => splat(interesting_u64(u)? as u8 as u128, 8),
        1 => splat(interesting_u64(u)? as u16 as u128, 16),
        2 => splat((interesting_f64(u)? as f32).to_bits() as u128, 32),
        3 => splat(interesting_f64(u)?.to_bits() as u128, 64),
        4 => splat(interesting_u64(u)? as u128, 64),
        _ => u.arbitrary()?,
    })
}

/// The module's exported functions that a `funcref` argument may name: export name and
/// module type index, in export order.
pub fn callees(module: &Module) -> Vec<(String, u32)> {
    module
        .exports
        .iter()
        .filter(|e| e.kind == wasmscope::ExternKind::Func)
        .filter_map(|e| Some((e.name.clone(), *module.funcs.get(e.index as usize)?)))
        .collect()
}

/// Is module type `a` type `t` or a declared subtype of it (GC)?
fn is_subtype(module: &Module, mut a: u32, t: u32) -> bool {
    // Supertypes come earlier in the module (a chain is at most as long as the types).
    for _ in 0..=module.sub_types.len() {
        if a == t {
            return true;
        }
        match module.sub_types.get(a as usize).and_then(|s| s.supertype) {
            Some(s) => a = s,
            None => return false,
        }
    }
    false
}

/// Arguments for a function with these parameters, or `None` if the host cannot make one
/// of them: a non-null reference to a struct, an array, an exception or a bottom type, or
/// to a function type no export has. Reference parameters get null half the time;
/// a non-null `funcref` (typed or not) names an export of a matching type, an `anyref`,
/// `eqref` or `i31ref` an i31. `funcs` are [`callees`].
pub fn args(
    u: &mut Unstructured<'_>,
    module: &Module,
    params: &[ValType],
    funcs: &[(String, u32)],
) -> Result<Option<Vec<Arg>>> {
    let mut out = Vec::with_capacity(params.len());
    for t in params {
        out.push(match *t {
            ValType::I32 => Arg::I32(interesting_u64(u)? as i32),
            ValType::I64 => Arg::I64(interesting_u64(u)? as i64),
            ValType::F32 => {
                Arg::F32(if u.arbitrary()? { (interesting_f64(u)? as f32).to_bits() } else { u.arbitrary()? })
            }
            ValType::F64 => Arg::F64(interesting_f64(u)?.to_bits()),
            ValType::V128 => Arg::V128(interesting_v128(u)?),
            ValType::Ref(r) => {
                let null = r.nullable && u.arbitrary()?;
                match r.heap {
                    HeapType::Func | HeapType::Concrete(_) => {
                        let fits: Vec<&String> = funcs
                            .iter()
                            .filter(|(_, ty)| r.heap.index().is_none_or(|t| is_subtype(module, *ty, t)))
                            .map(|(n, _)| n)
                            .collect();
                        if null || (fits.is_empty() && r.nullable) {
                            Arg::FuncRef(None)
                        } else if fits.is_empty() {
                            stats_line(format!("skip {t}"));
                            return Ok(None);
                        } else {
                            Arg::FuncRef(Some(u.choose(&fits)?.to_string()))
                        }
                    }
                    HeapType::Extern => Arg::ExternRef(if null { None } else { Some(u.int_in_range(0..=9)?) }),
                    HeapType::Any | HeapType::Eq | HeapType::I31 => {
                        Arg::AnyRef(if null { None } else { Some(interesting_u64(u)? as u32) })
                    }
                    _ if !r.nullable => {
                        stats_line(format!("skip {t}"));
                        return Ok(None);
                    }
                    HeapType::NoFunc => Arg::FuncRef(None),
                    HeapType::NoExtern => Arg::ExternRef(None),
                    HeapType::Exn | HeapType::NoExn => Arg::ExnNull,
                    HeapType::Struct
                    | HeapType::Array
                    | HeapType::None
                    | HeapType::ConcreteStruct(_)
                    | HeapType::ConcreteArray(_) => Arg::AnyRef(None),
                }
            }
        });
    }
    Ok(Some(out))
}

/// A result value, engine-neutral: scalar NaNs canonicalised, function references compared
/// by null-ness only (addresses differ between engines). A v128 is compared bit for bit: its
/// lanes have no type outside the code, so the comparison cannot tell a NaN lane from an
/// integer one; the differential target's modules canonicalise NaN lanes themselves
/// (wasm-smith's `canonicalize_nans`, see [`generate`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum V {
    I32(i32),
    I64(i64),
    F32(u32),
    F64(u64),
    FuncRef(bool),
    ExternRef(Option<u32>),
    /// An exception reference (wasmi has no exceptions: `execute` and `step` only).
    ExnRef(bool),
    /// A GC reference, or an externalized one (wasmi has no GC: `execute` and `step`
    /// only): non-null or not.
    AnyRef(bool),
    V128([u64; 2]),
}

impl V {
    pub fn f32(bits: u32) -> V {
        V::F32(if f32::from_bits(bits).is_nan() { 0x7fc0_0000 } else { bits })
    }

    pub fn f64(bits: u64) -> V {
        V::F64(if f64::from_bits(bits).is_nan() { 0x7ff8_0000_0000_0000 } else { bits })
    }

    pub fn from_ours(v: &Value) -> V {
        match *v {
            Value::I32(x) => V::I32(x),
            Value::I64(x) => V::I64(x),
            Value::F32(x) => V::f32(x.to_bits()),
            Value::F64(x) => V::f64(x.to_bits()),
            Value::FuncRef(r) => V::FuncRef(r.is_some()),
            Value::ExternRef(r) => V::ExternRef(r),
            Value::ExnRef(r) => V::ExnRef(r.is_some()),
            Value::AnyRef(r) => V::AnyRef(r.is_some()),
            Value::ExternAny(_) => V::AnyRef(true),
            Value::V128(x) => V::V128(x),
        }
    }
}

/// How a call ended, engine-neutral.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ended {
    Returned(Vec<V>),
    Trapped(Kind),
    /// Out of fuel or call stack exhausted: engines differ here, nothing is compared.
    Skip(String),
}

/// Trap kinds both engines can name. wasmi reports `call_indirect` on an index past the
/// table's end as a table access out of bounds, as wasmscope's `undefined element` is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    Unreachable,
    DivByZero,
    Overflow,
    BadConversion,
    MemoryOob,
    TableOob,
    NullElement,
    SigMismatch,
    Other(String),
}

pub fn kind_of_ours(code: TrapCode) -> Ended {
    Ended::Trapped(match code {
        TrapCode::Unreachable => Kind::Unreachable,
        TrapCode::IntegerDivideByZero => Kind::DivByZero,
        TrapCode::IntegerOverflow => Kind::Overflow,
        TrapCode::InvalidConversionToInteger => Kind::BadConversion,
        TrapCode::MemoryOutOfBounds => Kind::MemoryOob,
        TrapCode::TableOutOfBounds | TrapCode::UndefinedElement => Kind::TableOob,
        TrapCode::UninitializedElement => Kind::NullElement,
        TrapCode::IndirectCallTypeMismatch => Kind::SigMismatch,
        TrapCode::CallStackExhausted => return Ended::Skip("call stack exhausted".into()),
        TrapCode::OutOfFuel => return Ended::Skip("out of fuel".into()),
        other => Kind::Other(format!("{other:?}")),
    })
}

pub fn ended_of_ours(r: &wasmscope::Result<Vec<Value>>) -> Ended {
    match r {
        Ok(v) => Ended::Returned(v.iter().map(V::from_ours).collect()),
        Err(wasmscope::Error::Trap(t)) => kind_of_ours(t.code),
        Err(e) => Ended::Trapped(Kind::Other(format!("error: {e}"))),
    }
}

/// A wasmscope instance of a generated module.
pub struct Ours {
    pub store: Store,
    pub instance: InstanceId,
    pub module: Rc<Module>,
}

/// Exported functions of a module with their parameter types, in export order.
pub fn exported_funcs(module: &Module) -> Vec<(String, Vec<ValType>)> {
    module
        .exports
        .iter()
        .filter(|e| e.kind == wasmscope::ExternKind::Func)
        .filter_map(|e| Some((e.name.clone(), module.func_type(e.index)?.params.clone())))
        .collect()
}

impl Ours {
    /// Decodes (which must succeed: generated modules are valid) and instantiates.
    pub fn new(bytes: &[u8], imports: bool, limits: Limits) -> wasmscope::Result<Ours> {
        let module = match Module::new(bytes) {
            Ok(m) => Rc::new(m),
            Err(e) => panic!("wasmscope rejects a valid generated module: {e}"),
        };
        let mut store = Store::new(limits);
        if imports {
            wasmscope::wast::register_spectest(&mut store);
        }
        let instance = store.instantiate(module.clone())?;
        Ok(Ours { store, instance, module })
    }

    pub fn value(&self, a: &Arg) -> Value {
        match a {
            Arg::I32(x) => Value::I32(*x),
            Arg::I64(x) => Value::I64(*x),
            Arg::F32(x) => Value::F32(f32::from_bits(*x)),
            Arg::F64(x) => Value::F64(f64::from_bits(*x)),
            Arg::FuncRef(None) => Value::FuncRef(None),
            Arg::FuncRef(Some(name)) => match self.store.export(self.instance, name) {
                Some(Extern::Func(f)) => Value::FuncRef(Some(f)),
                _ => Value::FuncRef(None),
            },
            Arg::ExternRef(r) => Value::ExternRef(*r),
            Arg::AnyRef(r) => Value::AnyRef(r.map(wasmscope::value::gc_ref::i31)),
            Arg::ExnNull => Value::ExnRef(None),
            Arg::V128(x) => Value::v128(*x),
        }
    }

    pub fn call(&mut self, name: &str, args: &[Arg]) -> wasmscope::Result<Vec<Value>> {
        let values: Vec<Value> = args.iter().map(|a| self.value(a)).collect();
        if stats_enabled()
            && let Some(Extern::Func(f)) = self.store.export(self.instance, name)
        {
            // The same call on a machine of its own, to learn how many instructions ran.
            let mut m = wasmscope::Machine::new(self.store.limits);
            m.start(&mut self.store, f, &values)?;
            let fuel = self.store.limits.fuel.unwrap_or(u64::MAX);
            let r = match m.run(&mut self.store, fuel) {
                wasmscope::Outcome::Finished(v) => Ok(v),
                wasmscope::Outcome::Trapped(t) => Err(wasmscope::Error::Trap(t)),
                wasmscope::Outcome::Paused(_) => Err(wasmscope::Error::from(TrapCode::OutOfFuel)),
            };
            stats_line(format!("call executed={} {}", m.executed, outcome(&r)));
            return r;
        }
        self.store.invoke(self.instance, name, &values)
    }

    /// Observable state: exported globals and memories, and table sizes and null-ness.
    pub fn state(&self) -> State {
        state_of(&self.store, self.instance, &self.module)
    }
}

/// Exported state of an instance, engine-neutral.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct State {
    pub globals: Vec<(String, V)>,
    pub memories: Vec<(String, Vec<u8>)>,
    pub tables: Vec<(String, Vec<bool>)>,
}

impl State {
    /// Sorted by export name (the engines list exports in different orders).
    pub fn sorted(mut self) -> State {
        self.globals.sort_by(|a, b| a.0.cmp(&b.0));
        self.memories.sort_by(|a, b| a.0.cmp(&b.0));
        self.tables.sort_by(|a, b| a.0.cmp(&b.0));
        self
    }
}

pub fn state_of(store: &Store, instance: InstanceId, module: &Module) -> State {
    let mut s = State::default();
    for e in &module.exports {
        match store.export(instance, &e.name) {
            Some(Extern::Global(g)) => s.globals.push((e.name.clone(), V::from_ours(&store.global(g)))),
            Some(Extern::Memory(m)) => s.memories.push((e.name.clone(), store.memory(m).data().to_vec())),
            Some(Extern::Table(t)) => {
                let t = store.table(t);
                let v = t.slice(0, t.size().into()).unwrap_or(&[]).iter().map(|&r| r != 0).collect();
                s.tables.push((e.name.clone(), v));
            }
            _ => {}
        }
    }
    s.sorted()
}

/// Describes the first difference of two states (memories by first differing byte).
pub fn state_diff(a: &State, b: &State) -> Option<String> {
    if a.globals != b.globals {
        return Some(format!("globals differ:\n  wasmscope {:?}\n  peer      {:?}", a.globals, b.globals));
    }
    if a.tables != b.tables {
        return Some(format!("tables differ:\n  wasmscope {:?}\n  peer      {:?}", a.tables, b.tables));
    }
    for ((na, ma), (nb, mb)) in a.memories.iter().zip(&b.memories) {
        if na != nb || ma.len() != mb.len() {
            return Some(format!("memory {na}/{nb}: size {} vs {}", ma.len(), mb.len()));
        }
        if let Some(i) = ma.iter().zip(mb).position(|(x, y)| x != y) {
            let end = (i + 16).min(ma.len());
            return Some(format!(
                "memory {na}: first difference at {i:#x}: {:02x?} vs {:02x?}",
                &ma[i..end],
                &mb[i..end]
            ));
        }
    }
    if a.memories.len() != b.memories.len() {
        return Some("different numbers of exported memories".into());
    }
    None
}

pub mod peer;
