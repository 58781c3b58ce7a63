//! The spec-test (`.wast`) runner: modules, `register`, `invoke`, and every `assert_*`
//! directive of WebAssembly 2.0 scripts, against the `spectest` host module.

use crate::decode::{GlobalType, Module};
use crate::error::Error;
use crate::exec::Config;
use crate::runtime::{Extern, InstanceId, Limits, Store};
use crate::trap::TrapCode;
use crate::value::{FuncType, Raw, Top, ValType, Value, gc_ref};
use std::collections::HashMap;
use std::rc::Rc;
use wast::core::{AbstractHeapType, HeapType, NanPattern, V128Pattern, WastArgCore, WastRetCore};
use wast::parser::{self, ParseBuffer};
use wast::{QuoteWat, Wast, WastArg, WastDirective, WastExecute, WastInvoke, WastRet};

/// One failed directive.
#[derive(Debug, Clone)]
pub struct Failure {
    /// 1-based line of the directive in the script.
    pub line: usize,
    pub message: String,
}

/// The outcome of one script.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub passed: usize,
    pub failed: usize,
    pub failures: Vec<Failure>,
}

/// Runs a whole `.wast` script. `name` is used in messages only.
pub fn run_script(name: &str, text: &str, limits: Limits) -> Report {
    run_script_sliced(name, text, limits, u64::MAX, true)
}

/// Like [`run_script`], but every call (start functions too) runs in slices of `slice`
/// instructions (`slice = 1` single-steps everything), with the threaded handlers or not
/// ([`Config`]).
pub fn run_script_sliced(name: &str, text: &str, limits: Limits, slice: u64, threaded: bool) -> Report {
    let mut report = Report::default();
    let mut lexer = wast::lexer::Lexer::new(text);
    lexer.allow_confusing_unicode(true);
    let buf = match ParseBuffer::new_with_lexer(lexer) {
        Ok(b) => b,
        Err(e) => return parse_failure(name, text, e),
    };
    let script = match parser::parse::<Wast<'_>>(&buf) {
        Ok(s) => s,
        Err(e) => return parse_failure(name, text, e),
    };
    let mut runner = Runner::new(limits);
    runner.config = Config { run_slice: slice, threaded };
    runner.features = script_features(name);
    for directive in script.directives {
        let line = directive.span().linecol_in(text).0 + 1;
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| runner.directive(directive)))
            .unwrap_or_else(|p| {
                let msg = p
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                Err(format!("panic: {msg}"))
            });
        match outcome {
            Ok(()) => report.passed += 1,
            Err(message) => {
                report.failed += 1;
                report.failures.push(Failure { line, message });
            }
        }
    }
    report
}

/// The features a script of the testsuite is written for, when they are fewer than ours: the
/// 2.0 scripts expect 2.0's rules (one memory, 32-bit limits, ...), and each proposal's
/// scripts expect 2.0 plus that proposal (memory64's "multiple memories" is invalid there).
/// Their modules are validated with those features as well.
fn script_features(name: &str) -> Option<wasmparser::WasmFeatures> {
    use wasmparser::WasmFeatures as F;
    let base = F::WASM2 & !F::SIMD;
    let set = name.split('/').next().unwrap_or("");
    Some(match set {
        "wasm-v1" | "wasm-v2" => base,
        "multi-memory" => base | F::MULTI_MEMORY,
        // (tag.wast links tags whose types are in recursion groups: GC's `rec`.)
        "exceptions" => base | F::EXCEPTIONS | F::TAIL_CALL | F::FUNCTION_REFERENCES | F::GC,
        // (return_call_ref is here, and the script of return_call.)
        "function-references" => base | F::FUNCTION_REFERENCES | F::TAIL_CALL,
        // (memory64 has a SIMD script, simd_address.wast.)
        "memory64" => base | F::MEMORY64 | F::SIMD,
        "custom-page-sizes" => base | F::CUSTOM_PAGE_SIZES | F::MEMORY64 | F::MULTI_MEMORY,
        // The threads scripts are older: one table (no reference types).
        "threads" => (base & !F::REFERENCE_TYPES) | F::THREADS,
        _ => return None,
    })
}

fn parse_failure(name: &str, text: &str, mut e: wast::Error) -> Report {
    e.set_text(text);
    Report { passed: 0, failed: 1, failures: vec![Failure { line: 0, message: format!("{name}: cannot parse: {e}") }] }
}

struct Runner {
    store: Store,
    config: Config,
    named: HashMap<String, InstanceId>,
    last: Option<InstanceId>,
    definitions: HashMap<String, Rc<Module>>,
    /// Validate every module with these features too (see [`script_features`]).
    features: Option<wasmparser::WasmFeatures>,
}

type Check = Result<(), String>;

impl Runner {
    fn new(limits: Limits) -> Runner {
        let mut store = Store::new(limits);
        register_spectest(&mut store);
        Runner {
            store,
            config: Config::default(),
            named: HashMap::new(),
            last: None,
            definitions: HashMap::new(),
            features: None,
        }
    }

    fn instance(&self, id: Option<wast::token::Id<'_>>) -> Result<InstanceId, String> {
        match id {
            Some(id) => self.named.get(id.name()).copied().ok_or_else(|| format!("unknown module ${}", id.name())),
            None => self.last.ok_or_else(|| "no module instantiated".to_string()),
        }
    }

    fn load(&mut self, module: &mut QuoteWat<'_>) -> Result<Rc<Module>, Error> {
        let bytes = module.encode().map_err(|e| Error::Text(e.to_string()))?;
        if let Some(features) = self.features
            && let Err(e) = wasmparser::Validator::new_with_features(features).validate_all(&bytes)
        {
            // Decoding errors keep our own wording (the decoder's checks come first).
            Module::from_binary(bytes)?;
            return Err(Error::Decode { message: e.message().to_string(), offset: Some(e.offset() as usize) });
        }
        Module::from_binary(bytes).map(Rc::new)
    }

    fn instantiate(&mut self, module: &mut QuoteWat<'_>) -> Result<InstanceId, Error> {
        let m = self.load(module)?;
        self.config.instantiate(&mut self.store, m)
    }

    fn directive(&mut self, d: WastDirective<'_>) -> Check {
        match d {
            WastDirective::Module(mut m) => {
                let name = m.name().map(|n| n.name().to_string());
                let inst = self.instantiate(&mut m).map_err(|e| format!("module failed: {e}"))?;
                self.last = Some(inst);
                if let Some(n) = name {
                    self.named.insert(n, inst);
                }
                Ok(())
            }
            WastDirective::ModuleDefinition(mut m) => {
                let name = m.name().map(|n| n.name().to_string());
                let module = self.load(&mut m).map_err(|e| format!("module failed: {e}"))?;
                if let Some(n) = name {
                    self.definitions.insert(n, module);
                }
                Ok(())
            }
            WastDirective::ModuleInstance { instance, module, .. } => {
                let def =
                    module.and_then(|m| self.definitions.get(m.name()).cloned()).ok_or("unknown module definition")?;
                let inst =
                    self.config.instantiate(&mut self.store, def).map_err(|e| format!("instantiation failed: {e}"))?;
                self.last = Some(inst);
                if let Some(n) = instance {
                    self.named.insert(n.name().to_string(), inst);
                }
                Ok(())
            }
            WastDirective::Register { name, module, .. } => {
                let inst = self.instance(module)?;
                self.store.register(name, inst);
                Ok(())
            }
            WastDirective::Invoke(inv) => self.invoke(&inv).map(drop).map_err(|e| e.to_string()),
            WastDirective::AssertReturn { exec, results, .. } => {
                let got = self.execute(exec).map_err(|e| format!("expected results, got error: {e}"))?;
                let store = &self.store;
                check_results(&got, &results, &|c| store.is_struct_cell(c))
            }
            WastDirective::AssertTrap { exec, message, .. } => match self.execute(exec) {
                Ok(v) => Err(format!("expected trap `{message}`, got {}", show(&v))),
                Err(Error::Trap(t)) if matches_message(&t.to_string(), message) => Ok(()),
                Err(e) => Err(format!("expected trap `{message}`, got error: {e}")),
            },
            WastDirective::AssertException { exec, .. } => match self.execute(exec) {
                Ok(v) => Err(format!("expected an uncaught exception, got {}", show(&v))),
                Err(Error::Trap(t)) if t.code == TrapCode::UncaughtException => Ok(()),
                Err(e) => Err(format!("expected an uncaught exception, got error: {e}")),
            },
            WastDirective::AssertExhaustion { call, message, .. } => match self.invoke(&call) {
                Ok(v) => Err(format!("expected exhaustion `{message}`, got {}", show(&v))),
                Err(Error::Trap(t)) if t.code == TrapCode::CallStackExhausted => Ok(()),
                Err(e) => Err(format!("expected exhaustion `{message}`, got error: {e}")),
            },
            WastDirective::AssertMalformed { mut module, message, .. }
            | WastDirective::AssertInvalid { mut module, message, .. } => match self.load(&mut module) {
                Ok(_) => Err(format!("expected module to be rejected (`{message}`), but it loaded")),
                Err(Error::Decode { .. } | Error::Text(_)) => Ok(()),
                Err(e) => Err(format!("expected `{message}`, got: {e}")),
            },
            WastDirective::AssertUnlinkable { module, message, .. } => {
                match self.instantiate(&mut QuoteWat::Wat(module)) {
                    Ok(_) => Err(format!("expected link error `{message}`, but it instantiated")),
                    Err(Error::Link(_)) => Ok(()),
                    Err(e) => Err(format!("expected link error `{message}`, got: {e}")),
                }
            }
            other => Err(format!("unsupported directive {:?}", other.span())),
        }
    }

    fn invoke(&mut self, inv: &WastInvoke<'_>) -> Result<Vec<Value>, Error> {
        let inst = self.instance(inv.module).map_err(Error::BadCall)?;
        let mut args = inv.args.iter().map(arg).collect::<Result<Vec<_>, _>>().map_err(Error::BadCall)?;
        // A host reference given for an `anyref` parameter is an internalized one.
        if let Some(Extern::Func(f)) = self.store.export(inst, inv.name) {
            let params = self.store.func_type(f).params.clone();
            for (a, t) in args.iter_mut().zip(params) {
                if let (Value::ExternRef(Some(n)), ValType::Ref(r)) = (*a, t)
                    && r.top() == Top::Any
                {
                    *a = Value::AnyRef(Some(n as Raw + 1));
                }
            }
        }
        self.config.invoke(&mut self.store, inst, inv.name, &args)
    }

    fn execute(&mut self, exec: WastExecute<'_>) -> Result<Vec<Value>, Error> {
        match exec {
            WastExecute::Invoke(inv) => self.invoke(&inv),
            WastExecute::Wat(w) => self.instantiate(&mut QuoteWat::Wat(w)).map(|_| Vec::new()),
            WastExecute::Get { module, global, .. } => {
                let inst = self.instance(module).map_err(Error::BadCall)?;
                match self.store.export(inst, global) {
                    Some(Extern::Global(g)) => Ok(vec![self.store.global(g)]),
                    _ => Err(Error::BadCall(format!("no global export `{global}`"))),
                }
            }
        }
    }
}

/// The spec interpreter's messages are sometimes longer than ours (`uninitialized element 2`)
/// or shorter; a prefix match either way is a match.
fn matches_message(ours: &str, expected: &str) -> bool {
    ours.starts_with(expected) || expected.starts_with(ours)
}

fn show(v: &[Value]) -> String {
    let parts: Vec<String> = v.iter().map(|v| v.to_string()).collect();
    format!("[{}]", parts.join(", "))
}

/// An expected result in the script's own notation (`i32:4`, `f32:nan:canonical`).
fn show_ret(w: &WastRetCore<'_>) -> String {
    fn nan<T>(p: &NanPattern<T>, ty: &str, value: impl Fn(&T) -> String) -> String {
        match p {
            NanPattern::CanonicalNan => format!("{ty}:nan:canonical"),
            NanPattern::ArithmeticNan => format!("{ty}:nan:arithmetic"),
            NanPattern::Value(v) => value(v),
        }
    }
    match w {
        WastRetCore::I32(v) => Value::I32(*v).to_string(),
        WastRetCore::I64(v) => Value::I64(*v).to_string(),
        WastRetCore::F32(p) => nan(p, "f32", |v| Value::F32(f32::from_bits(v.bits)).to_string()),
        WastRetCore::F64(p) => nan(p, "f64", |v| Value::F64(f64::from_bits(v.bits)).to_string()),
        WastRetCore::RefNull(_) => "ref.null".to_string(),
        WastRetCore::RefExtern(Some(n)) => format!("externref:{n}"),
        WastRetCore::RefExtern(None) => "externref:non-null".to_string(),
        WastRetCore::RefFunc(_) => "funcref:non-null".to_string(),
        WastRetCore::V128(p) => format!("v128:{p:?}"),
        WastRetCore::Either(o) => o.iter().map(show_ret).collect::<Vec<_>>().join(" or "),
        other => format!("{other:?}"),
    }
}

/// The hierarchy of a script's heap type (`None` for a concrete type, whose hierarchy the
/// script does not tell: its nulls match any null).
fn heap_top(h: &HeapType<'_>) -> Result<Option<Top>, String> {
    use AbstractHeapType as A;
    match h {
        HeapType::Abstract { ty: A::Func | A::NoFunc, .. } => Ok(Some(Top::Func)),
        HeapType::Abstract { ty: A::Extern | A::NoExtern, .. } => Ok(Some(Top::Extern)),
        HeapType::Abstract { ty: A::Any | A::Eq | A::I31 | A::Struct | A::Array | A::None, .. } => Ok(Some(Top::Any)),
        HeapType::Abstract { ty: A::Exn | A::NoExn, .. } => Ok(Some(Top::Exn)),
        HeapType::Concrete(_) => Ok(None),
        other => Err(format!("unsupported heap type {other:?}")),
    }
}

fn arg(a: &WastArg<'_>) -> Result<Value, String> {
    let WastArg::Core(a) = a else { return Err("component arguments are not supported".into()) };
    Ok(match a {
        WastArgCore::I32(v) => Value::I32(*v),
        WastArgCore::I64(v) => Value::I64(*v),
        WastArgCore::F32(v) => Value::F32(f32::from_bits(v.bits)),
        WastArgCore::F64(v) => Value::F64(f64::from_bits(v.bits)),
        WastArgCore::RefNull(h) => match heap_top(h)? {
            Some(Top::Func) => Value::FuncRef(None),
            Some(Top::Any) => Value::AnyRef(None),
            Some(Top::Exn) => Value::ExnRef(None),
            _ => Value::ExternRef(None),
        },
        WastArgCore::RefExtern(n) | WastArgCore::RefHost(n) => Value::ExternRef(Some(*n)),
        WastArgCore::V128(v) => Value::v128(u128::from_le_bytes(v.to_le_bytes())),
    })
}

fn check_results(got: &[Value], want: &[WastRet<'_>], kind: &dyn Fn(Raw) -> Option<bool>) -> Check {
    if got.len() != want.len() {
        return Err(format!("expected {} results, got {}", want.len(), show(got)));
    }
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        let WastRet::Core(w) = w else { return Err("component results are not supported".into()) };
        if !result_matches(g, w, kind) {
            return Err(format!("result {i}: expected {}, got {}", show_ret(w), show(got)));
        }
    }
    Ok(())
}

fn f32_matches(bits: u32, p: &NanPattern<wast::token::F32>) -> bool {
    match p {
        NanPattern::CanonicalNan => bits & 0x7fff_ffff == 0x7fc0_0000,
        NanPattern::ArithmeticNan => bits & 0x7fc0_0000 == 0x7fc0_0000,
        NanPattern::Value(v) => bits == v.bits,
    }
}

fn f64_matches(bits: u64, p: &NanPattern<wast::token::F64>) -> bool {
    match p {
        NanPattern::CanonicalNan => bits & 0x7fff_ffff_ffff_ffff == 0x7ff8_0000_0000_0000,
        NanPattern::ArithmeticNan => bits & 0x7ff8_0000_0000_0000 == 0x7ff8_0000_0000_0000,
        NanPattern::Value(v) => bits == v.bits,
    }
}

/// Does a result match; `kind` tells whether a heap object's cell names a struct (`true`)
/// or an array (`false`).
fn result_matches(g: &Value, w: &WastRetCore<'_>, kind: &dyn Fn(Raw) -> Option<bool>) -> bool {
    match (g, w) {
        (Value::I32(a), WastRetCore::I32(b)) => a == b,
        (Value::I64(a), WastRetCore::I64(b)) => a == b,
        (Value::F32(a), WastRetCore::F32(p)) => f32_matches(a.to_bits(), p),
        (Value::F64(a), WastRetCore::F64(p)) => f64_matches(a.to_bits(), p),
        (Value::V128(_), WastRetCore::V128(p)) => {
            let b = g.as_u128().unwrap_or_default().to_le_bytes();
            // Lane `i` of `n` bytes, little-endian.
            let lane = |i: usize, n: usize| b[i * n..i * n + n].iter().rev().fold(0u64, |v, &x| v << 8 | x as u64);
            match p {
                V128Pattern::I8x16(l) => l.iter().enumerate().all(|(i, &x)| lane(i, 1) == x as u8 as u64),
                V128Pattern::I16x8(l) => l.iter().enumerate().all(|(i, &x)| lane(i, 2) == x as u16 as u64),
                V128Pattern::I32x4(l) => l.iter().enumerate().all(|(i, &x)| lane(i, 4) == x as u32 as u64),
                V128Pattern::I64x2(l) => l.iter().enumerate().all(|(i, &x)| lane(i, 8) == x as u64),
                V128Pattern::F32x4(l) => l.iter().enumerate().all(|(i, p)| f32_matches(lane(i, 4) as u32, p)),
                V128Pattern::F64x2(l) => l.iter().enumerate().all(|(i, p)| f64_matches(lane(i, 8), p)),
            }
        }
        (
            Value::FuncRef(None) | Value::ExternRef(None) | Value::AnyRef(None) | Value::ExnRef(None),
            WastRetCore::RefNull(h),
        ) => {
            let top = match g {
                Value::FuncRef(_) => Top::Func,
                Value::ExternRef(_) => Top::Extern,
                Value::ExnRef(_) => Top::Exn,
                _ => Top::Any,
            };
            h.as_ref().is_none_or(|h| heap_top(h).is_ok_and(|t| t.is_none_or(|t| t == top)))
        }
        (Value::ExternRef(r), WastRetCore::RefExtern(n)) => match n {
            Some(n) => *r == Some(*n),
            None => r.is_some(),
        },
        (Value::ExternAny(_), WastRetCore::RefExtern(None)) => true,
        (Value::ExternRef(r), WastRetCore::RefHost(n)) => *r == Some(*n),
        (Value::AnyRef(Some(c)), WastRetCore::RefHost(n)) => *c == *n as u64 + 1,
        (Value::AnyRef(Some(_)), WastRetCore::RefAny) => true,
        (Value::AnyRef(Some(c)), WastRetCore::RefEq) => !gc_ref::is_host(*c),
        (Value::AnyRef(Some(c)), WastRetCore::RefI31) => gc_ref::is_i31(*c),
        (Value::AnyRef(Some(c)), WastRetCore::RefStruct) => kind(*c) == Some(true),
        (Value::AnyRef(Some(c)), WastRetCore::RefArray) => kind(*c) == Some(false),
        (Value::FuncRef(r), WastRetCore::RefFunc(_)) => r.is_some(),
        (_, WastRetCore::Either(options)) => options.iter().any(|o| result_matches(g, o, kind)),
        _ => false,
    }
}

/// The `spectest` host module the testsuite imports from.
pub fn register_spectest(store: &mut Store) {
    use ValType::*;
    let prints: [(&str, Vec<ValType>); 7] = [
        ("print", vec![]),
        ("print_i32", vec![I32]),
        ("print_i64", vec![I64]),
        ("print_f32", vec![F32]),
        ("print_f64", vec![F64]),
        ("print_i32_f32", vec![I32, F32]),
        ("print_f64_f64", vec![F64, F64]),
    ];
    for (name, params) in prints {
        let f = store.host_func(FuncType::new(params, []), |_, _| Ok(Vec::new()));
        store.define("spectest", name, f);
    }
    let globals = [
        ("global_i32", Value::I32(666)),
        ("global_i64", Value::I64(666)),
        ("global_f32", Value::F32(666.6)),
        ("global_f64", Value::F64(666.6)),
    ];
    for (name, v) in globals {
        if let Ok(g) = store.alloc_global(GlobalType { ty: v.ty(), mutable: false }, v) {
            store.define("spectest", name, g);
        }
    }
    if let Ok(t) = store.alloc_table(ValType::FuncRef, 10, Some(20)) {
        store.define("spectest", "table", t);
    }
    if let Ok(m) = store.alloc_memory(1, Some(2)) {
        store.define("spectest", "memory", m);
    }
    let shared = crate::decode::MemoryType { shared: true, ..crate::decode::MemoryType::new(1, Some(2)) };
    if let Ok(m) = store.alloc_memory_type(shared) {
        store.define("spectest", "shared_memory", m);
    }
}
