//! Tests of the interpreter core through its public API: traps, exports, memory growth,
//! linking, start functions, malformed input, and a selection of instruction semantics.
#![cfg(not(target_arch = "wasm32"))]

use std::cell::RefCell;
use std::rc::Rc;
use wasmscope::{
    Call, Caller, Error, Extern, ExternKind, ExternType, FuncType, GlobalType, InstanceId, Limits, Machine, MemoryType,
    Module, Outcome, PauseReason, Store, TableType, Trap, TrapCode, ValType, Value,
};

// ---- helpers -------------------------------------------------------------------------

fn module(wat: &str) -> Rc<Module> {
    Rc::new(Module::new(wat.as_bytes()).unwrap_or_else(|e| panic!("module does not load: {e}\n{wat}")))
}

fn instance_with(limits: Limits, wat: &str) -> (Store, InstanceId) {
    let mut store = Store::new(limits);
    let id = store.instantiate(module(wat)).unwrap_or_else(|e| panic!("cannot instantiate: {e}"));
    (store, id)
}

fn instance(wat: &str) -> (Store, InstanceId) {
    instance_with(Limits::default(), wat)
}

/// Calls `name` and expects success.
fn call(store: &mut Store, id: InstanceId, name: &str, args: &[Value]) -> Vec<Value> {
    store.invoke(id, name, args).unwrap_or_else(|e| panic!("{name}{args:?} failed: {e:?}"))
}

fn call1(store: &mut Store, id: InstanceId, name: &str, args: &[Value]) -> Value {
    let r = call(store, id, name, args);
    assert_eq!(r.len(), 1, "{name}: expected one result, got {r:?}");
    r[0]
}

fn i32_of(v: Value) -> i32 {
    match v {
        Value::I32(x) => x,
        other => panic!("expected i32, got {other}"),
    }
}

fn f32_of(v: Value) -> f32 {
    match v {
        Value::F32(x) => x,
        other => panic!("expected f32, got {other}"),
    }
}

fn f64_of(v: Value) -> f64 {
    match v {
        Value::F64(x) => x,
        other => panic!("expected f64, got {other}"),
    }
}

/// Expects `r` to be the trap `code`, with the spec testsuite's wording.
fn expect_trap<T: std::fmt::Debug>(r: Result<T, Error>, code: TrapCode, message: &str) -> Trap {
    match r {
        Err(Error::Trap(t)) => {
            assert_eq!(t.code, code, "trap code");
            assert_eq!(t.code.message(), message);
            // An out-of-bounds access names the bytes after the message (`fault_names_the_bytes`).
            let text = t.to_string();
            if code == TrapCode::MemoryOutOfBounds {
                assert!(text == message || text.starts_with(&format!("{message}: ")), "{text}");
            } else {
                assert_eq!(text, message);
            }
            assert_eq!(Error::Trap(t.clone()).to_string(), text);
            t
        }
        other => panic!("expected trap `{message}`, got {other:?}"),
    }
}

/// Instantiates `wat`, invokes `name`, expects the trap.
fn assert_trap_with(limits: Limits, wat: &str, name: &str, args: &[Value], code: TrapCode, message: &str) -> Trap {
    let (mut store, id) = instance_with(limits, wat);
    expect_trap(store.invoke(id, name, args), code, message)
}

fn assert_trap(wat: &str, name: &str, args: &[Value], code: TrapCode, message: &str) -> Trap {
    assert_trap_with(Limits::default(), wat, name, args, code, message)
}

fn expect_bad_call<T: std::fmt::Debug>(r: Result<T, Error>) -> String {
    match r {
        Err(Error::BadCall(m)) => {
            assert!(!m.is_empty());
            m
        }
        other => panic!("expected Error::BadCall, got {other:?}"),
    }
}

fn expect_link<T: std::fmt::Debug>(r: Result<T, Error>) -> String {
    match r {
        Err(Error::Link(m)) => {
            assert!(!m.is_empty());
            m
        }
        other => panic!("expected Error::Link, got {other:?}"),
    }
}

/// A deterministic xorshift64 generator.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

// ---- traps ---------------------------------------------------------------------------

#[test]
fn trap_unreachable() {
    let t =
        assert_trap(r#"(module (func (export "f") nop unreachable))"#, "f", &[], TrapCode::Unreachable, "unreachable");
    // The trap points at the `unreachable` opcode in the binary.
    assert!(t.func.is_some());
    assert!(t.offset.is_some());
}

#[test]
fn trap_offset_points_at_the_instruction() {
    let (mut store, id) = instance(r#"(module (func (export "f") nop nop unreachable))"#);
    let t = expect_trap(store.invoke(id, "f", &[]), TrapCode::Unreachable, "unreachable");
    let offset = t.offset.expect("offset") as usize;
    assert_eq!(store.module(id).bytes()[offset], 0x00, "byte at the trap offset is `unreachable`");
    let Some(Extern::Func(f)) = store.export(id, "f") else { panic!("no func export") };
    assert_eq!(t.func, Some(f));
}

#[test]
fn trap_i32_divide_by_zero() {
    let wat = r#"(module
        (func (export "div_s") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
        (func (export "div_u") (param i32 i32) (result i32) (i32.div_u (local.get 0) (local.get 1)))
        (func (export "rem_s") (param i32 i32) (result i32) (i32.rem_s (local.get 0) (local.get 1)))
        (func (export "rem_u") (param i32 i32) (result i32) (i32.rem_u (local.get 0) (local.get 1))))"#;
    for name in ["div_s", "div_u", "rem_s", "rem_u"] {
        assert_trap(
            wat,
            name,
            &[Value::I32(7), Value::I32(0)],
            TrapCode::IntegerDivideByZero,
            "integer divide by zero",
        );
    }
    let (mut store, id) = instance(wat);
    assert_eq!(call1(&mut store, id, "div_s", &[Value::I32(-7), Value::I32(2)]), Value::I32(-3));
    assert_eq!(call1(&mut store, id, "rem_s", &[Value::I32(i32::MIN), Value::I32(-1)]), Value::I32(0));
}

#[test]
fn trap_i64_divide_by_zero() {
    let wat = r#"(module
        (func (export "div_s") (param i64 i64) (result i64) (i64.div_s (local.get 0) (local.get 1)))
        (func (export "div_u") (param i64 i64) (result i64) (i64.div_u (local.get 0) (local.get 1)))
        (func (export "rem_s") (param i64 i64) (result i64) (i64.rem_s (local.get 0) (local.get 1)))
        (func (export "rem_u") (param i64 i64) (result i64) (i64.rem_u (local.get 0) (local.get 1))))"#;
    for name in ["div_s", "div_u", "rem_s", "rem_u"] {
        assert_trap(
            wat,
            name,
            &[Value::I64(7), Value::I64(0)],
            TrapCode::IntegerDivideByZero,
            "integer divide by zero",
        );
    }
}

#[test]
fn trap_integer_overflow_div() {
    assert_trap(
        r#"(module (func (export "f") (result i32) (i32.div_s (i32.const 0x80000000) (i32.const -1))))"#,
        "f",
        &[],
        TrapCode::IntegerOverflow,
        "integer overflow",
    );
    assert_trap(
        r#"(module (func (export "f") (result i64) (i64.div_s (i64.const 0x8000000000000000) (i64.const -1))))"#,
        "f",
        &[],
        TrapCode::IntegerOverflow,
        "integer overflow",
    );
}

#[test]
fn trap_integer_overflow_trunc() {
    let wat = r#"(module
        (func (export "f64") (param f64) (result i32) (i32.trunc_f64_s (local.get 0)))
        (func (export "f32u") (param f32) (result i32) (i32.trunc_f32_u (local.get 0)))
        (func (export "i64") (param f64) (result i64) (i64.trunc_f64_s (local.get 0))))"#;
    assert_trap(wat, "f64", &[Value::F64(1e10)], TrapCode::IntegerOverflow, "integer overflow");
    assert_trap(wat, "f64", &[Value::F64(f64::INFINITY)], TrapCode::IntegerOverflow, "integer overflow");
    assert_trap(wat, "f32u", &[Value::F32(-1.0)], TrapCode::IntegerOverflow, "integer overflow");
    assert_trap(wat, "i64", &[Value::F64(1e19)], TrapCode::IntegerOverflow, "integer overflow");
    let (mut store, id) = instance(wat);
    assert_eq!(call1(&mut store, id, "f64", &[Value::F64(-2147483648.9)]), Value::I32(i32::MIN));
    assert_eq!(call1(&mut store, id, "f32u", &[Value::F32(-0.9)]), Value::I32(0));
}

#[test]
fn trap_invalid_conversion_to_integer() {
    let wat = r#"(module
        (func (export "f32") (param f32) (result i32) (i32.trunc_f32_s (local.get 0)))
        (func (export "f64") (param f64) (result i64) (i64.trunc_f64_u (local.get 0))))"#;
    assert_trap(
        wat,
        "f32",
        &[Value::F32(f32::NAN)],
        TrapCode::InvalidConversionToInteger,
        "invalid conversion to integer",
    );
    assert_trap(
        wat,
        "f64",
        &[Value::F64(-f64::NAN)],
        TrapCode::InvalidConversionToInteger,
        "invalid conversion to integer",
    );
}

const MEMORY_WAT: &str = r#"(module
    (memory 1)
    (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
    (func (export "load_off") (param i32) (result i32) (i32.load offset=0xffffffff (local.get 0)))
    (func (export "load8") (param i32) (result i32) (i32.load8_u (local.get 0)))
    (func (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
    (func (export "store64") (param i32) (i64.store (local.get 0) (i64.const -1)))
    (func (export "fill") (param i32 i32 i32) (memory.fill (local.get 0) (local.get 1) (local.get 2)))
    (func (export "copy") (param i32 i32 i32) (memory.copy (local.get 0) (local.get 1) (local.get 2))))"#;

#[test]
fn trap_memory_load_out_of_bounds() {
    for addr in [65533, 65536, -1] {
        assert_trap(
            MEMORY_WAT,
            "load",
            &[Value::I32(addr)],
            TrapCode::MemoryOutOfBounds,
            "out of bounds memory access",
        );
    }
    assert_trap(MEMORY_WAT, "load_off", &[Value::I32(1)], TrapCode::MemoryOutOfBounds, "out of bounds memory access");
    let (mut store, id) = instance(MEMORY_WAT);
    assert_eq!(call1(&mut store, id, "load", &[Value::I32(65532)]), Value::I32(0));
}

#[test]
fn trap_memory_store_out_of_bounds() {
    let args = [Value::I32(65534), Value::I32(0x01020304)];
    assert_trap(MEMORY_WAT, "store", &args, TrapCode::MemoryOutOfBounds, "out of bounds memory access");
    assert_trap(
        MEMORY_WAT,
        "store64",
        &[Value::I32(65529)],
        TrapCode::MemoryOutOfBounds,
        "out of bounds memory access",
    );
    // A trapping store writes nothing.
    let (mut store, id) = instance(MEMORY_WAT);
    expect_trap(store.invoke(id, "store", &args), TrapCode::MemoryOutOfBounds, "out of bounds memory access");
    expect_trap(
        store.invoke(id, "store64", &[Value::I32(65529)]),
        TrapCode::MemoryOutOfBounds,
        "out of bounds memory access",
    );
    for a in 65528..65536 {
        assert_eq!(call1(&mut store, id, "load8", &[Value::I32(a)]), Value::I32(0), "byte {a}");
    }
}

#[test]
fn trap_memory_fill_and_copy_out_of_bounds() {
    let (mut store, id) = instance(MEMORY_WAT);
    let oob = "out of bounds memory access";
    let fill = [Value::I32(65530), Value::I32(0xab), Value::I32(7)];
    expect_trap(store.invoke(id, "fill", &fill), TrapCode::MemoryOutOfBounds, oob);
    assert_eq!(call1(&mut store, id, "load8", &[Value::I32(65530)]), Value::I32(0), "fill is all or nothing");
    expect_trap(
        store.invoke(id, "fill", &[Value::I32(65537), Value::I32(0), Value::I32(0)]),
        TrapCode::MemoryOutOfBounds,
        oob,
    );
    // Zero length at the very end is fine.
    call(&mut store, id, "fill", &[Value::I32(65536), Value::I32(1), Value::I32(0)]);

    call(&mut store, id, "fill", &[Value::I32(0), Value::I32(0x11), Value::I32(16)]);
    expect_trap(
        store.invoke(id, "copy", &[Value::I32(65535), Value::I32(0), Value::I32(2)]),
        TrapCode::MemoryOutOfBounds,
        oob,
    );
    expect_trap(
        store.invoke(id, "copy", &[Value::I32(0), Value::I32(65535), Value::I32(2)]),
        TrapCode::MemoryOutOfBounds,
        oob,
    );
    expect_trap(
        store.invoke(id, "copy", &[Value::I32(0), Value::I32(0), Value::I32(-1)]),
        TrapCode::MemoryOutOfBounds,
        oob,
    );
    assert_eq!(call1(&mut store, id, "load8", &[Value::I32(65535)]), Value::I32(0), "copy is all or nothing");
    call(&mut store, id, "copy", &[Value::I32(65536), Value::I32(0), Value::I32(0)]);
}

const TABLE_WAT: &str = r#"(module
    (type $r (func (result i32)))
    (type $p (func (param i32) (result i32)))
    (table $t 3 funcref)
    (func $one (type $r) (i32.const 1))
    (func $id (type $p) (local.get 0))
    (elem (table $t) (i32.const 0) func $one $id)
    (func (export "get") (param i32) (result funcref) (table.get $t (local.get 0)))
    (func (export "set") (param i32) (table.set $t (local.get 0) (ref.null func)))
    (func (export "call") (param i32) (result i32) (call_indirect $t (type $r) (local.get 0))))"#;

#[test]
fn trap_table_out_of_bounds() {
    let oob = "out of bounds table access";
    assert_trap(TABLE_WAT, "get", &[Value::I32(3)], TrapCode::TableOutOfBounds, oob);
    assert_trap(TABLE_WAT, "get", &[Value::I32(-1)], TrapCode::TableOutOfBounds, oob);
    assert_trap(TABLE_WAT, "set", &[Value::I32(3)], TrapCode::TableOutOfBounds, oob);
    let (mut store, id) = instance(TABLE_WAT);
    assert!(matches!(call1(&mut store, id, "get", &[Value::I32(0)]), Value::FuncRef(Some(_))));
    assert_eq!(call1(&mut store, id, "get", &[Value::I32(2)]), Value::FuncRef(None));
    call(&mut store, id, "set", &[Value::I32(0)]);
    assert_eq!(call1(&mut store, id, "get", &[Value::I32(0)]), Value::FuncRef(None));
}

#[test]
fn trap_undefined_element() {
    for i in [3, 100, -1] {
        assert_trap(TABLE_WAT, "call", &[Value::I32(i)], TrapCode::UndefinedElement, "undefined element");
    }
}

#[test]
fn trap_uninitialized_element() {
    assert_trap(TABLE_WAT, "call", &[Value::I32(2)], TrapCode::UninitializedElement, "uninitialized element");
}

#[test]
fn trap_indirect_call_type_mismatch() {
    assert_trap(TABLE_WAT, "call", &[Value::I32(1)], TrapCode::IndirectCallTypeMismatch, "indirect call type mismatch");
    let (mut store, id) = instance(TABLE_WAT);
    assert_eq!(call1(&mut store, id, "call", &[Value::I32(0)]), Value::I32(1));
}

#[test]
fn indirect_call_types_are_compared_structurally() {
    // Two distinct but identical type definitions match.
    let (mut store, id) = instance(
        r#"(module
            (type $a (func (result i32)))
            (type $b (func (result i32)))
            (table 1 funcref)
            (func $f (type $a) (i32.const 5))
            (elem (i32.const 0) $f)
            (func (export "call") (result i32) (call_indirect (type $b) (i32.const 0))))"#,
    );
    assert_eq!(call1(&mut store, id, "call", &[]), Value::I32(5));
}

const RECURSION_WAT: &str = r#"(module
    (func $inf (export "inf") (call $inf))
    (func $depth (export "depth") (param i32) (result i32)
        (if (result i32) (i32.eqz (local.get 0))
            (then (i32.const 0))
            (else (i32.add (i32.const 1) (call $depth (i32.sub (local.get 0) (i32.const 1))))))))"#;

#[test]
fn trap_call_stack_exhausted_small_limit() {
    let limits = Limits { max_call_depth: 50, ..Limits::default() };
    assert_trap_with(limits, RECURSION_WAT, "inf", &[], TrapCode::CallStackExhausted, "call stack exhausted");
    let (mut store, id) = instance_with(limits, RECURSION_WAT);
    assert_eq!(call1(&mut store, id, "depth", &[Value::I32(40)]), Value::I32(40));
    expect_trap(store.invoke(id, "depth", &[Value::I32(50)]), TrapCode::CallStackExhausted, "call stack exhausted");
    // The store is still usable after the trap.
    assert_eq!(call1(&mut store, id, "depth", &[Value::I32(3)]), Value::I32(3));
}

#[test]
fn trap_call_stack_exhausted_default_limits() {
    // Must be a trap, not a native stack overflow.
    assert_trap(RECURSION_WAT, "inf", &[], TrapCode::CallStackExhausted, "call stack exhausted");
    assert_trap(RECURSION_WAT, "depth", &[Value::I32(100_000)], TrapCode::CallStackExhausted, "call stack exhausted");
}

#[test]
fn deep_recursion_does_not_use_the_native_stack() {
    let limits = Limits { max_call_depth: 200_000, ..Limits::default() };
    let (mut store, id) = instance_with(limits, RECURSION_WAT);
    assert_eq!(call1(&mut store, id, "depth", &[Value::I32(100_000)]), Value::I32(100_000));
}

#[test]
fn trap_call_stack_exhausted_by_stack_values() {
    // Frames with many locals exhaust `max_stack_values` before `max_call_depth`.
    let limits = Limits { max_stack_values: 10_000, ..Limits::default() };
    assert_trap_with(
        limits,
        r#"(module (func $f (export "f") (local i64 i64 i64 i64 i64 i64 i64 i64 i64 i64) (call $f)))"#,
        "f",
        &[],
        TrapCode::CallStackExhausted,
        "call stack exhausted",
    );
}

#[test]
fn trap_out_of_fuel() {
    let limits = Limits { fuel: Some(1000), ..Limits::default() };
    let wat = r#"(module
        (func (export "spin") (loop (br 0)))
        (func (export "count") (param i32) (result i32) (local i32)
            (loop
                (local.set 1 (i32.add (local.get 1) (i32.const 1)))
                (br_if 0 (i32.lt_u (local.get 1) (local.get 0))))
            (local.get 1)))"#;
    assert_trap_with(limits, wat, "spin", &[], TrapCode::OutOfFuel, "out of fuel");
    let (mut store, id) = instance_with(limits, wat);
    // Fuel is per call: a short call succeeds, a long one runs out, a short one succeeds again.
    assert_eq!(call1(&mut store, id, "count", &[Value::I32(10)]), Value::I32(10));
    expect_trap(store.invoke(id, "count", &[Value::I32(1_000_000)]), TrapCode::OutOfFuel, "out of fuel");
    assert_eq!(call1(&mut store, id, "count", &[Value::I32(10)]), Value::I32(10));
}

// ---- exports and calls ---------------------------------------------------------------

const EXPORTS_WAT: &str = r#"(module
    (func $f (export "f") (param i32) (result i32) (local.get 0))
    (memory (export "mem") 1 2)
    (global (export "g") (mut i64) (i64.const 7))
    (global (export "c") f32 (f32.const 1.5))
    (table (export "t") 3 funcref))"#;

#[test]
fn module_exports_and_types() {
    let m = module(EXPORTS_WAT);
    assert_eq!(m.exports.len(), 5);
    let f = m.export("f").expect("f");
    assert_eq!(f.kind, ExternKind::Func);
    assert_eq!(m.export_type(f), Some(ExternType::Func(FuncType::new([ValType::I32], [ValType::I32]))));
    let mem = m.export("mem").expect("mem");
    assert_eq!(mem.kind, ExternKind::Memory);
    assert_eq!(m.export_type(mem), Some(ExternType::Memory(MemoryType::new(1, Some(2)))));
    let g = m.export("g").expect("g");
    assert_eq!(g.kind, ExternKind::Global);
    assert_eq!(m.export_type(g), Some(ExternType::Global(GlobalType { ty: ValType::I64, mutable: true })));
    let c = m.export("c").expect("c");
    assert_eq!(m.export_type(c), Some(ExternType::Global(GlobalType { ty: ValType::F32, mutable: false })));
    let t = m.export("t").expect("t");
    assert_eq!(t.kind, ExternKind::Table);
    assert_eq!(m.export_type(t), Some(ExternType::Table(TableType::new(ValType::FuncRef, 3, None))));
    assert!(m.export("missing").is_none());
    assert!(m.export("F").is_none());

    let shown: Vec<String> = m.exports.iter().map(|e| m.export_type(e).unwrap().to_string()).collect();
    assert_eq!(
        shown,
        ["func (param i32) (result i32)", "memory 1 2", "global (mut i64)", "global f32", "table 3 funcref"]
    );
}

#[test]
fn store_exports() {
    let (mut store, id) = instance(EXPORTS_WAT);
    let Some(Extern::Func(f)) = store.export(id, "f") else { panic!("f") };
    assert_eq!(store.func_type(f), &FuncType::new([ValType::I32], [ValType::I32]));
    let Some(Extern::Memory(m)) = store.export(id, "mem") else { panic!("mem") };
    assert_eq!(store.memory(m).pages(), 1);
    assert_eq!(store.memory(m).max(), Some(2));
    let Some(Extern::Global(g)) = store.export(id, "g") else { panic!("g") };
    assert_eq!(store.global(g), Value::I64(7));
    assert_eq!(store.global_type(g), GlobalType { ty: ValType::I64, mutable: true });
    let Some(Extern::Global(c)) = store.export(id, "c") else { panic!("c") };
    assert_eq!(store.global(c), Value::F32(1.5));
    let Some(Extern::Table(t)) = store.export(id, "t") else { panic!("t") };
    assert_eq!(store.table(t).size(), 3);
    assert_eq!(store.extern_type(Extern::Table(t)).unwrap().to_string(), "table 3 funcref");
    assert!(store.export(id, "missing").is_none());
    assert_eq!(store.call(f, &[Value::I32(9)]).unwrap(), [Value::I32(9)]);
    assert_eq!(call(&mut store, id, "f", &[Value::I32(-4)]), [Value::I32(-4)]);
}

#[test]
fn bad_calls() {
    let (mut store, id) = instance(EXPORTS_WAT);
    let m = expect_bad_call(store.invoke(id, "missing", &[]));
    assert!(m.contains("missing"), "{m}");
    for name in ["mem", "g", "t"] {
        let m = expect_bad_call(store.invoke(id, name, &[]));
        assert!(m.contains(name), "{m}");
    }
    expect_bad_call(store.invoke(id, "f", &[]));
    expect_bad_call(store.invoke(id, "f", &[Value::I32(1), Value::I32(2)]));
    expect_bad_call(store.invoke(id, "f", &[Value::I64(1)]));
    expect_bad_call(store.invoke(id, "f", &[Value::F32(1.0)]));
    expect_bad_call(store.invoke(id, "f", &[Value::FuncRef(None)]));
    // The store is still fine.
    assert_eq!(call1(&mut store, id, "f", &[Value::I32(1)]), Value::I32(1));
}

// ---- memory growth -------------------------------------------------------------------

const GROW_WAT: &str = r#"(module
    (memory 1 3)
    (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
    (func (export "size") (result i32) (memory.size))
    (func (export "store") (param i32 i32) (i32.store8 (local.get 0) (local.get 1)))
    (func (export "load") (param i32) (result i32) (i32.load8_u (local.get 0))))"#;

#[test]
fn memory_grow_returns_old_size_and_respects_max() {
    let (mut store, id) = instance(GROW_WAT);
    let grow = |store: &mut Store, n: i32| i32_of(call1(store, id, "grow", &[Value::I32(n)]));
    let size = |store: &mut Store| i32_of(call1(store, id, "size", &[]));
    assert_eq!(size(&mut store), 1);
    expect_trap(
        store.invoke(id, "load", &[Value::I32(65536)]),
        TrapCode::MemoryOutOfBounds,
        "out of bounds memory access",
    );
    assert_eq!(grow(&mut store, 1), 1);
    assert_eq!(size(&mut store), 2);
    // The new page is zeroed and accessible.
    assert_eq!(call1(&mut store, id, "load", &[Value::I32(65536)]), Value::I32(0));
    call(&mut store, id, "store", &[Value::I32(131071), Value::I32(9)]);
    assert_eq!(call1(&mut store, id, "load", &[Value::I32(131071)]), Value::I32(9));
    assert_eq!(grow(&mut store, 2), -1, "beyond max");
    assert_eq!(size(&mut store), 2);
    assert_eq!(grow(&mut store, -1), -1, "huge delta");
    assert_eq!(grow(&mut store, 0), 2);
    assert_eq!(grow(&mut store, 1), 2);
    assert_eq!(size(&mut store), 3);
    assert_eq!(grow(&mut store, 1), -1);
    assert_eq!(grow(&mut store, 0), 3);
}

#[test]
fn memory_grow_respects_limits() {
    let wat = r#"(module
        (memory 1)
        (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
        (func (export "size") (result i32) (memory.size)))"#;
    let limits = Limits { max_memory_pages: 3, ..Limits::default() };
    let (mut store, id) = instance_with(limits, wat);
    assert_eq!(call1(&mut store, id, "grow", &[Value::I32(3)]), Value::I32(-1));
    assert_eq!(call1(&mut store, id, "grow", &[Value::I32(2)]), Value::I32(1));
    assert_eq!(call1(&mut store, id, "grow", &[Value::I32(1)]), Value::I32(-1));
    assert_eq!(call1(&mut store, id, "size", &[]), Value::I32(3));
    // Without a max and with default limits: 65536 pages is the 32-bit ceiling.
    let (mut store, id) = instance(wat);
    assert_eq!(call1(&mut store, id, "grow", &[Value::I32(65536)]), Value::I32(-1));
    assert_eq!(call1(&mut store, id, "size", &[]), Value::I32(1));
    // A memory whose minimum is over the limit cannot be created.
    let mut store = Store::new(Limits { max_memory_pages: 1, ..Limits::default() });
    let r = store.instantiate(module("(module (memory 2))"));
    assert!(r.is_err(), "{r:?}");
}

// ---- linking -------------------------------------------------------------------------

#[test]
fn host_function_called_from_wasm() {
    let mut store = Store::new(Limits::default());
    let calls = Rc::new(RefCell::new(Vec::new()));
    let seen = calls.clone();
    let double = store.host_func(FuncType::new([ValType::I32], [ValType::I32]), move |_caller, args| {
        seen.borrow_mut().push(args.to_vec());
        let Value::I32(x) = args[0] else { return Err(Trap::host("bad argument")) };
        Ok(vec![Value::I32(x * 2)])
    });
    store.define("env", "double", double);
    let id = store
        .instantiate(module(
            r#"(module
                (import "env" "double" (func $double (param i32) (result i32)))
                (func (export "quad") (param i32) (result i32)
                    (call $double (call $double (local.get 0)))))"#,
        ))
        .unwrap();
    assert_eq!(call1(&mut store, id, "quad", &[Value::I32(5)]), Value::I32(20));
    assert_eq!(*calls.borrow(), vec![vec![Value::I32(5)], vec![Value::I32(10)]]);
    // The host function itself can be called directly.
    let Extern::Func(f) = double else { panic!() };
    assert_eq!(store.call(f, &[Value::I32(4)]).unwrap(), [Value::I32(8)]);
}

#[test]
fn tail_calls_to_host_functions_return_their_results() {
    let mut store = Store::new(Limits::default());
    let wait = store.host_func(FuncType::new([ValType::I32], [ValType::I32]), |caller: &mut Caller<'_>, args| {
        caller.pause();
        let Value::I32(x) = args[0] else { return Err(Trap::host("bad argument")) };
        Ok(vec![Value::I32(x + 1)])
    });
    let fail = store.host_func(FuncType::new([ValType::I32], [ValType::I32]), |_caller, _args| Err(Trap::host("no")));
    store.define("env", "wait", wait);
    store.define("env", "fail", fail);
    let id = store
        .instantiate(module(
            r#"(module
                (import "env" "wait" (func $wait (param i32) (result i32)))
                (import "env" "fail" (func $fail (param i32) (result i32)))
                (func $inner (param i32) (result i32) (return_call $wait (i32.add (local.get 0) (i32.const 10))))
                (func (export "outer") (param i32) (result i32) (i32.mul (call $inner (local.get 0)) (i32.const 2)))
                (func (export "top") (param i32) (result i32) (return_call $wait (local.get 0)))
                (func (export "bad") (param i32) (result i32) (nop) (return_call $fail (local.get 0))))"#,
        ))
        .unwrap();
    assert_eq!(call1(&mut store, id, "outer", &[Value::I32(1)]), Value::I32(24));
    assert_eq!(call1(&mut store, id, "top", &[Value::I32(1)]), Value::I32(2));
    // The host callee pauses: the pause comes after the whole `call; return`.
    let Some(Extern::Func(f)) = store.export(id, "outer") else { panic!() };
    let mut m = Machine::new(Limits::default());
    m.start(&mut store, f, &[Value::I32(5)]).unwrap();
    assert_eq!(m.run(&mut store, u64::MAX), Outcome::Paused(PauseReason::Host));
    assert_eq!(m.frames().len(), 1, "$inner is gone");
    assert_eq!(m.stack().last(), Some(&16));
    assert_eq!(m.run(&mut store, u64::MAX), Outcome::Finished(vec![Value::I32(32)]));
    // A trap in the host callee is located at the tail call, in the function that made it.
    let Some(Extern::Func(bad)) = store.export(id, "bad") else { panic!() };
    let err = store.call(bad, &[Value::I32(1)]).unwrap_err();
    let Error::Trap(t) = err else { panic!("{err:?}") };
    assert_eq!(t.func, Some(bad));
    assert!(t.offset.is_some());
}

#[test]
fn a_host_function_can_pause_the_machine_after_it_returns() {
    let mut store = Store::new(Limits::default());
    let wait = store.host_func(FuncType::new([ValType::I32], [ValType::I32]), |caller: &mut Caller<'_>, args| {
        caller.pause();
        let Value::I32(x) = args[0] else { return Err(Trap::host("bad argument")) };
        Ok(vec![Value::I32(x + 1)])
    });
    store.define("env", "wait", wait);
    let id = store
        .instantiate(module(
            r#"(module
                (import "env" "wait" (func $wait (param i32) (result i32)))
                (func (export "twice") (param i32) (result i32)
                    (call $wait (call $wait (local.get 0)))))"#,
        ))
        .unwrap();
    let Some(Extern::Func(f)) = store.export(id, "twice") else { panic!() };
    let mut m = Machine::new(Limits::default());
    m.start(&mut store, f, &[Value::I32(1)]).unwrap();
    // A large budget still stops right after each call, the call's result on the stack.
    assert_eq!(m.run(&mut store, u64::MAX), Outcome::Paused(PauseReason::Host));
    assert!(!m.is_done());
    assert_eq!(m.run(&mut store, u64::MAX), Outcome::Paused(PauseReason::Host));
    assert_eq!(m.run(&mut store, u64::MAX), Outcome::Finished(vec![Value::I32(3)]));
    // Without a machine of its own (`Call::invoke`), the pauses are run through.
    assert_eq!(call1(&mut store, id, "twice", &[Value::I32(5)]), Value::I32(7));
    // The debugger stops for it too, as a command's end.
    let mut s = wasmscope::debug::Session::new(store, id, wasmscope::debug::Config::default());
    s.start("twice", &[Value::I32(0)]).unwrap();
    assert_eq!(s.resume(u64::MAX), wasmscope::debug::StopReason::HostPause);
    assert_eq!(s.resume(u64::MAX), wasmscope::debug::StopReason::HostPause);
    assert_eq!(s.resume(u64::MAX), wasmscope::debug::StopReason::Finished(vec![Value::I32(2)]));
}

#[test]
fn host_function_reads_and_writes_caller_memory() {
    let mut store = Store::new(Limits::default());
    let log = Rc::new(RefCell::new(String::new()));
    let sink = log.clone();
    let print =
        store.host_func(FuncType::new([ValType::I32, ValType::I32], []), move |caller: &mut Caller<'_>, args| {
            let (Value::I32(ptr), Value::I32(len)) = (args[0], args[1]) else { return Err(Trap::host("types")) };
            let bytes = caller.read_memory(ptr as u32, len as u32)?;
            sink.borrow_mut().push_str(std::str::from_utf8(bytes).map_err(|e| Trap::host(e.to_string()))?);
            Ok(vec![])
        });
    let poke = store.host_func(FuncType::new([ValType::I32], []), |caller, args| {
        let Value::I32(ptr) = args[0] else { return Err(Trap::host("types")) };
        caller.write_memory(ptr as u32, b"XY")?;
        Ok(vec![])
    });
    store.define("env", "print", print);
    store.define("env", "poke", poke);
    let id = store
        .instantiate(module(
            r#"(module
                (import "env" "print" (func $print (param i32 i32)))
                (import "env" "poke" (func $poke (param i32)))
                (memory (export "mem") 1)
                (data (i32.const 16) "hello, world")
                (func (export "main") (result i32)
                    (call $print (i32.const 16) (i32.const 5))
                    (call $poke (i32.const 16))
                    (call $print (i32.const 16) (i32.const 12))
                    (i32.load16_u (i32.const 16)))
                (func (export "bad") (call $print (i32.const 65530) (i32.const 10))))"#,
        ))
        .unwrap();
    assert_eq!(call1(&mut store, id, "main", &[]), Value::I32(i32::from(u16::from_le_bytes(*b"XY"))));
    assert_eq!(*log.borrow(), "helloXYllo, world");
    let Some(Extern::Memory(m)) = store.export(id, "mem") else { panic!() };
    assert_eq!(&store.memory(m).data()[16..20], b"XYll");
    // A host function's trap surfaces as a trap of the call.
    let r = store.invoke(id, "bad", &[]);
    assert!(matches!(r, Err(Error::Trap(_))), "{r:?}");
}

#[test]
fn host_trap_from_wasm_keeps_code_and_message() {
    let mut store = Store::new(Limits::default());
    let fail = store.host_func(FuncType::default(), |_, _| Err(Trap::host("the host says no")));
    store.define("env", "fail", fail);
    let id = store
        .instantiate(module(r#"(module (import "env" "fail" (func $fail)) (func (export "f") (call $fail)))"#))
        .unwrap();
    // Called directly.
    let Extern::Func(f) = fail else { panic!() };
    match store.call(f, &[]) {
        Err(Error::Trap(t)) => {
            assert_eq!(t.code, TrapCode::HostError);
            assert_eq!(t.to_string(), "the host says no");
        }
        other => panic!("{other:?}"),
    }
    // Called from wasm.
    match store.invoke(id, "f", &[]) {
        Err(Error::Trap(t)) => {
            assert_eq!(t.code, TrapCode::HostError);
            assert_eq!(t.to_string(), "the host says no");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn host_function_returning_wrong_types_traps() {
    let mut store = Store::new(Limits::default());
    let bad = store.host_func(FuncType::new([], [ValType::I32]), |_, _| Ok(vec![Value::I64(1)]));
    store.define("env", "bad", bad);
    let id = store
        .instantiate(module(
            r#"(module (import "env" "bad" (func $bad (result i32))) (func (export "f") (result i32) (call $bad)))"#,
        ))
        .unwrap();
    let r = store.invoke(id, "f", &[]);
    assert!(matches!(&r, Err(Error::Trap(t)) if t.code == TrapCode::HostError), "{r:?}");
}

const PROVIDER_WAT: &str = r#"(module
    (type $r (func (result i32)))
    (memory (export "mem") 1)
    (global (export "g") (mut i32) (i32.const 1))
    (global (export "k") i32 (i32.const 100))
    (table (export "t") 2 funcref)
    (func (export "get_g") (result i32) (global.get 0))
    (func (export "load") (param i32) (result i32) (i32.load8_u (local.get 0)))
    (func (export "call") (param i32) (result i32) (call_indirect (type $r) (local.get 0)))
    (func (export "answer") (result i32) (i32.const 42)))"#;

#[test]
fn register_and_import_between_instances() {
    let mut store = Store::new(Limits::default());
    let a = store.instantiate(module(PROVIDER_WAT)).unwrap();
    store.register("a", a);
    let b = store
        .instantiate(module(
            r#"(module
                (import "a" "mem" (memory 1))
                (import "a" "g" (global $g (mut i32)))
                (import "a" "k" (global $k i32))
                (import "a" "t" (table 2 funcref))
                (import "a" "answer" (func $answer (result i32)))
                (func $seven (result i32) (i32.const 7))
                (elem (i32.const 1) $seven)
                (data (i32.const 3) "\2a")
                (func (export "set_g") (param i32) (global.set $g (local.get 0)))
                (func (export "k") (result i32) (global.get $k))
                (func (export "store") (param i32 i32) (i32.store8 (local.get 0) (local.get 1)))
                (func (export "answer") (result i32) (call $answer)))"#,
        ))
        .unwrap();
    // The data and element segments of `b` were written into `a`'s memory and table.
    assert_eq!(call1(&mut store, a, "load", &[Value::I32(3)]), Value::I32(42));
    assert_eq!(call1(&mut store, a, "call", &[Value::I32(1)]), Value::I32(7));
    // Shared global and memory.
    call(&mut store, b, "set_g", &[Value::I32(77)]);
    assert_eq!(call1(&mut store, a, "get_g", &[]), Value::I32(77));
    call(&mut store, b, "store", &[Value::I32(9), Value::I32(5)]);
    assert_eq!(call1(&mut store, a, "load", &[Value::I32(9)]), Value::I32(5));
    assert_eq!(call1(&mut store, b, "k", &[]), Value::I32(100));
    assert_eq!(call1(&mut store, b, "answer", &[]), Value::I32(42));
}

#[test]
fn unknown_import_is_a_link_error_naming_it() {
    let mut store = Store::new(Limits::default());
    let r = store.instantiate(module(r#"(module (import "env" "nothing_here" (func (param i32))))"#));
    let m = expect_link(r);
    assert!(m.contains("env") && m.contains("nothing_here"), "{m}");
    // Defined under another module name: still unknown.
    let f = store.host_func(FuncType::new([ValType::I32], []), |_, _| Ok(vec![]));
    store.define("other", "nothing_here", f);
    let m = expect_link(store.instantiate(module(r#"(module (import "env" "nothing_here" (func (param i32))))"#)));
    assert!(m.contains("nothing_here"), "{m}");
}

#[test]
fn incompatible_imports_are_link_errors() {
    let mut store = Store::new(Limits::default());
    let a = store.instantiate(module(PROVIDER_WAT)).unwrap();
    store.register("a", a);
    let f = store.host_func(FuncType::new([ValType::I32], [ValType::I32]), |_, a| Ok(a.to_vec()));
    store.define("env", "f", f);
    for (wat, what) in [
        (r#"(module (import "env" "f" (func (param i64) (result i64))))"#, "f"),
        (r#"(module (import "env" "f" (func (param i32))))"#, "f"),
        (r#"(module (import "a" "mem" (memory 2)))"#, "mem"),
        (r#"(module (import "a" "mem" (memory 1 1)))"#, "mem"),
        (r#"(module (import "a" "g" (global i32)))"#, "g"),
        (r#"(module (import "a" "g" (global (mut i64))))"#, "g"),
        (r#"(module (import "a" "k" (global (mut i32))))"#, "k"),
        (r#"(module (import "a" "t" (table 3 funcref)))"#, "t"),
        (r#"(module (import "a" "t" (table 2 externref)))"#, "t"),
        (r#"(module (import "a" "answer" (memory 1)))"#, "answer"),
        (r#"(module (import "a" "mem" (func)))"#, "mem"),
    ] {
        let m = expect_link(store.instantiate(module(wat)));
        assert!(m.contains(what), "{wat}: {m}");
    }
    // Compatible subtypes link: a larger minimum satisfies a smaller one.
    store.instantiate(module(r#"(module (import "a" "mem" (memory 0)) (import "a" "t" (table 1 funcref)))"#)).unwrap();
}

#[test]
fn instantiate_with_explicit_imports() {
    let mut store = Store::new(Limits::default());
    let g = store.alloc_global(GlobalType { ty: ValType::I32, mutable: false }, Value::I32(11)).unwrap();
    let mem = store.alloc_memory(1, None).unwrap();
    let m = module(
        r#"(module (import "x" "g" (global i32)) (import "x" "m" (memory 1))
            (func (export "f") (result i32) (i32.add (global.get 0) (i32.load8_u (i32.const 0)))))"#,
    );
    expect_link(store.instantiate_with(m.clone(), &[g]));
    expect_link(store.instantiate_with(m.clone(), &[mem, g]));
    let Extern::Memory(mi) = mem else { panic!() };
    store.memory_mut(mi).data_mut()[0] = 4;
    let id = store.instantiate_with(m, &[g, mem]).unwrap();
    assert_eq!(call1(&mut store, id, "f", &[]), Value::I32(15));
}

// ---- start function ------------------------------------------------------------------

#[test]
fn start_function_runs_at_instantiation() {
    let (mut store, id) = instance(
        r#"(module
            (global $g (export "g") (mut i32) (i32.const 0))
            (memory 1)
            (func $start (global.set $g (i32.add (global.get $g) (i32.const 42))) (i32.store8 (i32.const 0) (i32.const 1)))
            (start $start)
            (func (export "get") (result i32) (i32.add (global.get $g) (i32.load8_u (i32.const 0)))))"#,
    );
    assert_eq!(call1(&mut store, id, "get", &[]), Value::I32(43));
    let Some(Extern::Global(g)) = store.export(id, "g") else { panic!() };
    assert_eq!(store.global(g), Value::I32(42));
}

#[test]
fn linking_leaves_the_start_function_to_the_caller() {
    let wat = r#"(module
        (global $g (export "g") (mut i32) (i32.const 0))
        (memory (export "m") 1)
        (data (i32.const 0) "\07")
        (func $start (global.set $g (i32.const 42)))
        (start $start)
        (func (export "get") (result i32) (global.get $g)))"#;
    let mut store = Store::new(Limits::default());
    let linked = store.link(module(wat)).unwrap();
    let Some(Extern::Global(g)) = store.export(linked.instance, "g") else { panic!() };
    let Some(Extern::Memory(m)) = store.export(linked.instance, "m") else { panic!() };
    // Everything up to the start function is done: the data segment is written.
    assert_eq!(store.memory(m).read(0, 1).unwrap(), [7]);
    assert_eq!(store.global(g), Value::I32(0));
    let start = linked.start.expect("a start function");
    assert_eq!(store.func_type(start), &FuncType { params: vec![], results: vec![] });
    // The exec layer runs it.
    let id = wasmscope::exec::Config::default().run_start(&mut store, linked).unwrap();
    assert_eq!(id, linked.instance);
    assert_eq!(store.global(g), Value::I32(42));
    assert_eq!(call1(&mut store, id, "get", &[]), Value::I32(42));
    // Without a start function there is nothing to run.
    assert_eq!(store.link(module("(module)")).unwrap().start, None);
}

#[test]
fn start_function_trap_fails_instantiation() {
    let mut store = Store::new(Limits::default());
    let r = store.instantiate(module(r#"(module (func $s (unreachable)) (start $s))"#));
    expect_trap(r, TrapCode::Unreachable, "unreachable");
    let r =
        store.instantiate(module(r#"(module (func $s (drop (i32.div_u (i32.const 1) (i32.const 0)))) (start $s))"#));
    expect_trap(r, TrapCode::IntegerDivideByZero, "integer divide by zero");
    let mut store = Store::new(Limits { fuel: Some(100), ..Limits::default() });
    let r = store.instantiate(module(r#"(module (func $s (loop (br 0))) (start $s))"#));
    expect_trap(r, TrapCode::OutOfFuel, "out of fuel");
}

#[test]
fn segment_out_of_bounds_at_instantiation_traps() {
    let mut store = Store::new(Limits::default());
    let r = store.instantiate(module(r#"(module (memory 1) (data (i32.const 65535) "ab"))"#));
    expect_trap(r, TrapCode::MemoryOutOfBounds, "out of bounds memory access");
    let r = store.instantiate(module(r#"(module (table 1 funcref) (func $f) (elem (i32.const 1) $f))"#));
    expect_trap(r, TrapCode::TableOutOfBounds, "out of bounds table access");
}

// ---- malformed and invalid input -----------------------------------------------------

/// Loads `input`, expecting a decode or text error with a message; returns it.
fn load_err(input: &[u8]) -> Error {
    match Module::new(input) {
        Ok(m) => panic!("{input:02x?} loaded: {m:?}"),
        Err(e) => {
            match &e {
                Error::Decode { message, .. } | Error::Text(message) => assert!(!message.is_empty()),
                other => panic!("{input:02x?}: expected Decode or Text, got {other:?}"),
            }
            assert!(!e.to_string().is_empty());
            e
        }
    }
}

fn small_binary() -> Vec<u8> {
    wat::parse_str(
        r#"(module
            (type (func (param i32) (result i32)))
            (import "env" "f" (func (type 0)))
            (memory 1)
            (global (mut i32) (i32.const 5))
            (func (export "g") (type 0) (i32.add (local.get 0) (call 0 (global.get 0))))
            (data (i32.const 0) "abc"))"#,
    )
    .unwrap()
}

#[test]
fn empty_input_is_rejected() {
    match Module::from_binary(Vec::new()) {
        Err(Error::Decode { message, .. }) => assert!(!message.is_empty()),
        other => panic!("{other:?}"),
    }
}

#[test]
fn empty_text_is_an_empty_module_or_an_error() {
    // An empty text file is an empty module in the text format (like `(module)`), or an
    // error; it must not panic.
    match Module::new(b"") {
        Ok(m) => assert!(m.exports.is_empty() && m.funcs.is_empty()),
        Err(Error::Text(m)) | Err(Error::Decode { message: m, .. }) => assert!(!m.is_empty()),
        Err(other) => panic!("{other:?}"),
    }
}

#[test]
fn bad_magic_and_version() {
    match Module::from_binary(b"\0asn\x01\0\0\0".to_vec()) {
        Err(Error::Decode { message, offset }) => {
            assert!(!message.is_empty());
            assert_eq!(offset, Some(0));
        }
        other => panic!("{other:?}"),
    }
    load_err(b"\0asn\x01\0\0\0");
    load_err(b"\x7fELF\x02\x01\x01\0\0\0\0\0");
    match Module::new(b"\0asm\x02\0\0\0") {
        Err(Error::Decode { message, offset }) => {
            assert!(!message.is_empty());
            assert!(offset.is_some());
        }
        other => panic!("{other:?}"),
    }
}

/// The byte offsets at which the sections of a binary module end.
fn section_ends(bytes: &[u8]) -> Vec<usize> {
    let mut ends = Vec::new();
    let mut pos = 8;
    while pos < bytes.len() {
        pos += 1; // section id
        let (mut size, mut shift) = (0usize, 0);
        loop {
            let b = bytes[pos];
            pos += 1;
            size |= usize::from(b & 0x7f) << shift;
            shift += 7;
            if b & 0x80 == 0 {
                break;
            }
        }
        pos += size;
        ends.push(pos);
    }
    ends
}

#[test]
fn every_truncation_of_a_valid_module() {
    let bytes = small_binary();
    Module::new(&bytes).unwrap();
    let ends = section_ends(&bytes);
    assert_eq!(ends.last(), Some(&bytes.len()));
    for len in 0..bytes.len() {
        let prefix = &bytes[..len];
        match Module::new(prefix) {
            // The empty text, the bare header, and a prefix that ends exactly at a section
            // boundary can be valid modules (not the one between function and code section).
            Ok(_) => assert!(len == 0 || len == 8 || (ends.contains(&len) && len != ends[2]), "len {len} loaded"),
            Err(Error::Decode { message, offset }) => {
                assert!(!message.is_empty(), "len {len}");
                if len >= 4 {
                    let o = offset.unwrap_or_else(|| panic!("len {len}: no offset for {message}"));
                    assert!(o <= len, "len {len}: offset {o} past the end");
                }
            }
            Err(Error::Text(message)) => {
                assert!(len < 4, "len {len}: a binary prefix was parsed as text: {message}");
                assert!(!message.is_empty());
            }
            Err(other) => panic!("len {len}: {other:?}"),
        }
        // The same bytes given as a binary are never parsed as text.
        if len < 8 {
            assert!(matches!(Module::from_binary(prefix.to_vec()), Err(Error::Decode { .. })), "len {len}");
        }
    }
}

#[test]
fn bad_leb128() {
    // Section size: an unterminated LEB128.
    load_err(b"\0asm\x01\0\0\0\x01\x80\x80\x80\x80");
    // Section size: an over-long LEB128 (more than 5 bytes for a u32).
    load_err(b"\0asm\x01\0\0\0\x01\x80\x80\x80\x80\x80\x00");
    // A type count that is too large for the section.
    load_err(b"\0asm\x01\0\0\0\x01\x05\xff\xff\xff\xff\x0f");
    // i32.const whose immediate is over-long: (func (result i32) i32.const <bad> end).
    let mut m = b"\0asm\x01\0\0\0".to_vec();
    m.extend_from_slice(&[0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f]); // type: [] -> [i32]
    m.extend_from_slice(&[0x03, 0x02, 0x01, 0x00]); // function: type 0
    let body = [0x00, 0x41, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0x0b];
    m.extend_from_slice(&[0x0a, (body.len() + 2) as u8, 0x01, body.len() as u8]);
    m.extend_from_slice(&body);
    match Module::new(&m) {
        Err(Error::Decode { message, offset }) => {
            assert!(!message.is_empty());
            assert!(offset.is_some(), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn type_errors_are_decode_errors_with_offsets() {
    for wat in [
        r#"(module (func (param i64 i64) (result i64) (i32.add (local.get 0) (local.get 1))))"#,
        r#"(module (func (result i32)))"#,
        r#"(module (func (local.get 3)))"#,
        r#"(module (func (call 7)))"#,
        r#"(module (func (i32.load (i32.const 0)) drop))"#,
        r#"(module (func (block (result i32) (i64.const 1))) )"#,
        r#"(module (global i32 (i32.const 0)) (func (global.set 0 (i32.const 1))))"#,
    ] {
        match load_err(wat.as_bytes()) {
            Error::Decode { offset: Some(_), .. } => {}
            other => panic!("{wat}: {other:?}"),
        }
    }
}

#[test]
fn garbage_text_is_a_text_error() {
    for text in ["hello world", "(module", "(module (func (foo)))", "(module (func (i32.const)))", ")", "(module) x"] {
        match load_err(text.as_bytes()) {
            Error::Text(_) => {}
            other => panic!("{text}: {other:?}"),
        }
    }
    // Neither magic nor UTF-8.
    load_err(&[0xff, 0xfe, 0x00, 0x01]);
}

/// Loads whatever `input` is and, if it is valid, instantiates it and calls its exported
/// functions with zero arguments under a small fuel budget. Nothing may panic.
fn load_and_poke(input: &[u8]) -> bool {
    let m = match Module::new(input) {
        Ok(m) => Rc::new(m),
        Err(e) => {
            match &e {
                Error::Decode { message, offset } => {
                    assert!(!message.is_empty());
                    assert!(offset.is_some() || input.len() < 4 || !input.starts_with(b"\0asm"), "{message}");
                }
                Error::Text(m) | Error::Unsupported(m) => assert!(!m.is_empty()),
                other => panic!("{input:02x?}: unexpected {other:?}"),
            }
            return false;
        }
    };
    let mut store =
        Store::new(Limits { fuel: Some(10_000), max_memory_pages: 16, max_table_elems: 1000, ..Limits::default() });
    // Satisfy function imports with a host function of the right type; others stay unknown.
    for imp in &m.imports {
        if let ExternType::Func(t) = &imp.ty {
            let results: Vec<Value> = t.results.iter().map(|r| r.default_value()).collect();
            let f = store.host_func(t.clone(), move |_, _| Ok(results.clone()));
            store.define(&imp.module, &imp.name, f);
        }
    }
    let Ok(id) = store.instantiate(m.clone()) else { return true };
    for e in &m.exports {
        if let Some(ExternType::Func(t)) = m.export_type(e) {
            let args: Vec<Value> = t.params.iter().map(|p| p.default_value()).collect();
            let _ = store.invoke(id, &e.name, &args);
        }
    }
    true
}

#[test]
fn random_bytes_after_the_header_never_panic() {
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    for _ in 0..4000 {
        let len = rng.below(48) as usize;
        let mut input = b"\0asm\x01\0\0\0".to_vec();
        // Bias the first byte towards real section ids so that the section parsers run.
        if len > 0 {
            input.push(rng.below(13) as u8);
        }
        for _ in 1..len {
            input.push(rng.next() as u8);
        }
        load_and_poke(&input);
    }
}

#[test]
fn mutated_modules_never_panic() {
    let base = wat::parse_str(
        r#"(module
            (type $r (func (result i32)))
            (import "env" "h" (func $h (param i32) (result i32)))
            (memory 1 2)
            (table 4 funcref)
            (global $g (mut i32) (i32.const 3))
            (func $a (export "a") (result i32)
                (local i32)
                (block $out
                    (loop $l
                        (local.set 0 (i32.add (local.get 0) (i32.const 1)))
                        (br_if $out (i32.gt_u (local.get 0) (i32.const 10)))
                        (br $l)))
                (i32.store (i32.const 8) (local.get 0))
                (call $h (i32.load (i32.const 8))))
            (func $b (export "b") (result i32)
                (call_indirect (type $r) (i32.const 0)))
            (func (export "c") (result i32)
                (memory.fill (i32.const 0) (i32.const 7) (i32.const 16))
                (br_table 0 0 (i32.const 1) (global.get $g))
                )
            (elem (i32.const 0) $a $b)
            (data (i32.const 0) "xyz"))"#,
    )
    .unwrap();
    assert!(load_and_poke(&base));
    let mut rng = XorShift(12345);
    let mut valid = 0;
    for _ in 0..3000 {
        let mut m = base.clone();
        for _ in 0..=rng.below(3) {
            let i = 8 + rng.below(m.len() as u64 - 8) as usize;
            match rng.below(3) {
                0 => m[i] = rng.next() as u8,
                1 => m[i] ^= 1 << rng.below(8),
                _ => {
                    m.remove(i);
                }
            }
        }
        if load_and_poke(&m) {
            valid += 1;
        }
    }
    // Some mutations leave a valid module (e.g. changed constants), so execution was reached.
    assert!(valid > 0);
}

// ---- instruction semantics -----------------------------------------------------------

#[test]
fn multi_value_functions_and_blocks() {
    let (mut store, id) = instance(
        r#"(module
            (func $swap (export "swap") (param i32 i64) (result i64 i32) (local.get 1) (local.get 0))
            (func (export "call_swap") (result i64)
                (call $swap (i32.const 3) (i64.const 4))
                (drop))
            (func (export "block_params") (param i32 i32) (result i32)
                (local.get 0) (local.get 1)
                (block (param i32 i32) (result i32) (i32.sub)))
            (func (export "block_results") (result i32 i64 f32)
                (block (result i32 i64 f32)
                    (i32.const 1) (i64.const 2) (f32.const 3.5) (br 0)))
            (func (export "if_params") (param i32) (result i32 i32)
                (i32.const 10) (i32.const 3)
                (if (param i32 i32) (result i32 i32) (local.get 0)
                    (then (i32.add) (i32.const 1))
                    (else (i32.sub) (i32.const 0))))
            (func (export "loop_params") (param i32) (result i32)
                ;; sum n..1, carrying (acc n) as the loop's parameters
                i32.const 0
                local.get 0
                loop $l (param i32 i32) (result i32)
                    local.set 0
                    local.get 0
                    i32.add
                    local.get 0
                    i32.const 1
                    i32.sub
                    local.tee 0
                    local.get 0
                    br_if $l
                    drop
                end)
            (func (export "br_with_extra") (result i32 i32 i32)
                (i32.const 99)
                (block (result i32 i32)
                    (i32.const 7) (i32.const 1) (i32.const 2) (br 0))))"#,
    );
    assert_eq!(call(&mut store, id, "swap", &[Value::I32(1), Value::I64(2)]), [Value::I64(2), Value::I32(1)]);
    assert_eq!(call(&mut store, id, "call_swap", &[]), [Value::I64(4)]);
    assert_eq!(call(&mut store, id, "block_params", &[Value::I32(10), Value::I32(4)]), [Value::I32(6)]);
    assert_eq!(call(&mut store, id, "block_results", &[]), [Value::I32(1), Value::I64(2), Value::F32(3.5)]);
    assert_eq!(call(&mut store, id, "if_params", &[Value::I32(1)]), [Value::I32(13), Value::I32(1)]);
    assert_eq!(call(&mut store, id, "if_params", &[Value::I32(0)]), [Value::I32(7), Value::I32(0)]);
    assert_eq!(call(&mut store, id, "loop_params", &[Value::I32(10)]), [Value::I32(55)]);
    assert_eq!(call(&mut store, id, "br_with_extra", &[]), [Value::I32(99), Value::I32(1), Value::I32(2)]);
}

#[test]
fn br_table() {
    let (mut store, id) = instance(
        r#"(module
            (func (export "pick") (param i32) (result i32)
                (block (block (block (br_table 0 1 2 (local.get 0)))
                    (return (i32.const 10)))
                    (return (i32.const 11)))
                (i32.const 12))
            (func (export "carry") (param i32) (result i32)
                ;; entry 0: leave the block with 7 (then + 100); entry 1 / default: return 7
                (block (result i32)
                    (i32.const 5) (i32.const 7) (local.get 0)
                    (br_table 0 1))
                (i32.const 100) (i32.add))
            (func (export "loop") (param i32) (result i32) (local i32)
                ;; counts down with a br_table back to the loop
                (block $done
                    (loop $l
                        (local.set 1 (i32.add (local.get 1) (i32.const 1)))
                        (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
                        (br_table $done $l (i32.ne (local.get 0) (i32.const 0)))))
                (local.get 1)))"#,
    );
    for (i, want) in [(0, 10), (1, 11), (2, 12), (3, 12), (-1, 12), (1000, 12)] {
        assert_eq!(call1(&mut store, id, "pick", &[Value::I32(i)]), Value::I32(want), "pick {i}");
    }
    assert_eq!(call1(&mut store, id, "carry", &[Value::I32(0)]), Value::I32(107));
    assert_eq!(call1(&mut store, id, "carry", &[Value::I32(1)]), Value::I32(7));
    assert_eq!(call1(&mut store, id, "carry", &[Value::I32(9)]), Value::I32(7));
    assert_eq!(call1(&mut store, id, "loop", &[Value::I32(5)]), Value::I32(5));
}

#[test]
fn branches_to_the_function_label() {
    let (mut store, id) = instance(
        r#"(module
            (func (export "br_if") (param i32) (result i32 i32)
                ;; extra values under the results are discarded by the return
                (i32.const 1) (i32.const 2)
                (block (result i32)
                    (i32.const 3) (i32.const 4) (i32.const 5) (local.get 0)
                    (br_if 1)
                    (drop) (drop))
                (drop))
            (func (export "br") (result i32)
                (i32.const 1)
                (block (block (br 2 (i32.const 8) (i32.const 9))))
                (drop) (i32.const 0))
            (func (export "ret") (param i32) (result i64)
                (block (result i32)
                    (loop (result i32)
                        (i64.const 5) (i64.const 6)
                        (if (param i64 i64) (result i64 i64) (local.get 0) (then (return)))
                        (drop) (drop) (i32.const 0)))
                (drop) (i64.const 7))
            (func (export "table") (param i32) (result i32 i32)
                (i32.const 100) (i32.const 200)
                (block (param i32 i32) (result i32 i32)
                    (block (param i32 i32) (result i32 i32)
                        (local.get 0)
                        (br_table 2 1 0))
                    (i32.const 1) (i32.add))
                (i32.const 10) (i32.add)))"#,
    );
    assert_eq!(call(&mut store, id, "br_if", &[Value::I32(1)]), [Value::I32(4), Value::I32(5)]);
    assert_eq!(call(&mut store, id, "br_if", &[Value::I32(0)]), [Value::I32(1), Value::I32(2)]);
    assert_eq!(call(&mut store, id, "br", &[]), [Value::I32(9)]);
    assert_eq!(call(&mut store, id, "ret", &[Value::I32(1)]), [Value::I64(6)]);
    assert_eq!(call(&mut store, id, "ret", &[Value::I32(0)]), [Value::I64(7)]);
    // Entry 0 returns straight from the function; 1 leaves the outer block, 2 and the
    // default the inner one.
    assert_eq!(call(&mut store, id, "table", &[Value::I32(0)]), [Value::I32(100), Value::I32(200)]);
    assert_eq!(call(&mut store, id, "table", &[Value::I32(1)]), [Value::I32(100), Value::I32(210)]);
    assert_eq!(call(&mut store, id, "table", &[Value::I32(2)]), [Value::I32(100), Value::I32(211)]);
    assert_eq!(call(&mut store, id, "table", &[Value::I32(7)]), [Value::I32(100), Value::I32(211)]);
}

#[test]
fn single_stepping_gives_the_same_results() {
    let wat = r#"(module
        (memory 1)
        (func $fib (export "fib") (param i32) (result i32)
            (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
                (then (local.get 0))
                (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                               (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
        (func (export "trap") (param i32) (result i32)
            (i32.add (call $fib (local.get 0)) (i32.load (i32.const 65536)))))"#;
    let (mut store, id) = instance(wat);
    let want = call(&mut store, id, "fib", &[Value::I32(15)]);
    assert_eq!(want, [Value::I32(610)]);
    let sliced = wasmscope::exec::Config { run_slice: 1, ..Default::default() };
    assert_eq!(sliced.invoke(&mut store, id, "fib", &[Value::I32(15)]).unwrap(), want);
    let r = sliced.invoke(&mut store, id, "trap", &[Value::I32(5)]);
    expect_trap(r, TrapCode::MemoryOutOfBounds, "out of bounds memory access");

    // The machine directly: one instruction per `run(.., 1)`.
    let Some(Extern::Func(fib)) = store.export(id, "fib") else { panic!() };
    let mut m = Machine::new(Limits::default());
    assert_eq!(m.config(), wasmscope::exec::Config { run_slice: u64::MAX, threaded: true });
    m.start(&mut store, fib, &[Value::I32(10)]).unwrap();
    assert!(!m.is_done());
    let mut steps = 0u64;
    let mut max_depth = 0;
    let result = loop {
        match m.run(&mut store, 1) {
            Outcome::Paused(PauseReason::Budget) => {
                steps += 1;
                max_depth = max_depth.max(m.frames().len());
            }
            Outcome::Finished(v) => break v,
            Outcome::Trapped(t) => panic!("{t}"),
            Outcome::Paused(PauseReason::Host) => panic!("no host function here"),
        }
    };
    assert!(m.is_done());
    assert_eq!(result, [Value::I32(55)]);
    assert_eq!(m.executed, steps + 1);
    assert_eq!(max_depth, 10);
    // A finished machine does not run again.
    assert!(matches!(m.run(&mut store, 1), Outcome::Trapped(_)));
}

const FLOAT_WAT: &str = r#"(module
    (func (export "f32.min") (param f32 f32) (result f32) (f32.min (local.get 0) (local.get 1)))
    (func (export "f32.max") (param f32 f32) (result f32) (f32.max (local.get 0) (local.get 1)))
    (func (export "f64.min") (param f64 f64) (result f64) (f64.min (local.get 0) (local.get 1)))
    (func (export "f64.max") (param f64 f64) (result f64) (f64.max (local.get 0) (local.get 1)))
    (func (export "f32.nearest") (param f32) (result f32) (f32.nearest (local.get 0)))
    (func (export "f64.nearest") (param f64) (result f64) (f64.nearest (local.get 0)))
    (func (export "f32.neg") (param f32) (result f32) (f32.neg (local.get 0)))
    (func (export "f64.copysign") (param f64 f64) (result f64) (f64.copysign (local.get 0) (local.get 1))))"#;

#[test]
fn float_min_max_zeros_and_nans() {
    let (mut store, id) = instance(FLOAT_WAT);
    let f32s =
        |store: &mut Store, op: &str, a: f32, b: f32| f32_of(call1(store, id, op, &[Value::F32(a), Value::F32(b)]));
    let f64s =
        |store: &mut Store, op: &str, a: f64, b: f64| f64_of(call1(store, id, op, &[Value::F64(a), Value::F64(b)]));
    for (a, b) in [(0.0, -0.0), (-0.0, 0.0)] {
        assert_eq!(f32s(&mut store, "f32.min", a, b).to_bits(), (-0.0f32).to_bits());
        assert_eq!(f32s(&mut store, "f32.max", a, b).to_bits(), 0.0f32.to_bits());
        assert_eq!(f64s(&mut store, "f64.min", a as f64, b as f64).to_bits(), (-0.0f64).to_bits());
        assert_eq!(f64s(&mut store, "f64.max", a as f64, b as f64).to_bits(), 0.0f64.to_bits());
    }
    for op in ["f32.min", "f32.max"] {
        assert!(f32s(&mut store, op, f32::NAN, 1.0).is_nan());
        assert!(f32s(&mut store, op, 1.0, f32::NAN).is_nan());
        assert!(f32s(&mut store, op, -f32::NAN, f32::INFINITY).is_nan());
    }
    for op in ["f64.min", "f64.max"] {
        assert!(f64s(&mut store, op, f64::NAN, 1.0).is_nan());
        assert!(f64s(&mut store, op, f64::NEG_INFINITY, f64::NAN).is_nan());
    }
    assert_eq!(f32s(&mut store, "f32.min", -1.0, 2.0), -1.0);
    assert_eq!(f32s(&mut store, "f32.max", -1.0, 2.0), 2.0);
    assert_eq!(f64s(&mut store, "f64.min", f64::NEG_INFINITY, 0.0), f64::NEG_INFINITY);
    assert_eq!(f64s(&mut store, "f64.max", 1e300, f64::INFINITY), f64::INFINITY);
}

#[test]
fn nearest_ties_to_even() {
    let (mut store, id) = instance(FLOAT_WAT);
    for (x, want) in [
        (0.5f32, 0.0f32),
        (1.5, 2.0),
        (2.5, 2.0),
        (3.5, 4.0),
        (-0.5, -0.0),
        (-1.5, -2.0),
        (-2.5, -2.0),
        (0.49999997, 0.0),
        (4194303.5, 4194304.0),
        (8388609.0, 8388609.0),
    ] {
        let got = f32_of(call1(&mut store, id, "f32.nearest", &[Value::F32(x)]));
        assert_eq!(got.to_bits(), want.to_bits(), "f32.nearest {x}: {got}");
    }
    for (x, want) in
        [(0.5f64, 0.0f64), (1.5, 2.0), (2.5, 2.0), (-0.5, -0.0), (-2.5, -2.0), (4503599627370495.5, 4503599627370496.0)]
    {
        let got = f64_of(call1(&mut store, id, "f64.nearest", &[Value::F64(x)]));
        assert_eq!(got.to_bits(), want.to_bits(), "f64.nearest {x}: {got}");
    }
    assert!(f64_of(call1(&mut store, id, "f64.nearest", &[Value::F64(f64::NAN)])).is_nan());
    assert_eq!(f64_of(call1(&mut store, id, "f64.nearest", &[Value::F64(f64::NEG_INFINITY)])), f64::NEG_INFINITY);
}

#[test]
fn neg_and_copysign_keep_nan_payloads() {
    let (mut store, id) = instance(FLOAT_WAT);
    let nan = f32::from_bits(0x7fa0_0001);
    let got = f32_of(call1(&mut store, id, "f32.neg", &[Value::F32(nan)]));
    assert_eq!(got.to_bits(), 0xffa0_0001);
    let nan = f64::from_bits(0x7ff0_0000_0000_0001);
    let got = f64_of(call1(&mut store, id, "f64.copysign", &[Value::F64(nan), Value::F64(-1.0)]));
    assert_eq!(got.to_bits(), 0xfff0_0000_0000_0001);
}

#[test]
fn saturating_truncations() {
    let (mut store, id) = instance(
        r#"(module
            (func (export "i32_f32_s") (param f32) (result i32) (i32.trunc_sat_f32_s (local.get 0)))
            (func (export "i32_f32_u") (param f32) (result i32) (i32.trunc_sat_f32_u (local.get 0)))
            (func (export "i32_f64_s") (param f64) (result i32) (i32.trunc_sat_f64_s (local.get 0)))
            (func (export "i32_f64_u") (param f64) (result i32) (i32.trunc_sat_f64_u (local.get 0)))
            (func (export "i64_f32_s") (param f32) (result i64) (i64.trunc_sat_f32_s (local.get 0)))
            (func (export "i64_f64_u") (param f64) (result i64) (i64.trunc_sat_f64_u (local.get 0))))"#,
    );
    let mut check = |name: &str, arg: Value, want: Value| {
        assert_eq!(call1(&mut store, id, name, &[arg]), want, "{name}({arg})");
    };
    check("i32_f32_s", Value::F32(f32::NAN), Value::I32(0));
    check("i32_f32_s", Value::F32(3e9), Value::I32(i32::MAX));
    check("i32_f32_s", Value::F32(-3e9), Value::I32(i32::MIN));
    check("i32_f32_s", Value::F32(-1.9), Value::I32(-1));
    check("i32_f32_u", Value::F32(-1.0), Value::I32(0));
    check("i32_f32_u", Value::F32(f32::INFINITY), Value::I32(-1));
    check("i32_f64_s", Value::F64(1e10), Value::I32(i32::MAX));
    check("i32_f64_s", Value::F64(f64::NEG_INFINITY), Value::I32(i32::MIN));
    check("i32_f64_u", Value::F64(5e9), Value::I32(-1));
    check("i32_f64_u", Value::F64(4294967295.9), Value::I32(-1));
    check("i32_f64_u", Value::F64(-0.9), Value::I32(0));
    check("i64_f32_s", Value::F32(f32::INFINITY), Value::I64(i64::MAX));
    check("i64_f32_s", Value::F32(-f32::NAN), Value::I64(0));
    check("i64_f64_u", Value::F64(1e30), Value::I64(-1));
    check("i64_f64_u", Value::F64(-1e30), Value::I64(0));
    check("i64_f64_u", Value::F64(12345.6), Value::I64(12345));
}

#[test]
fn sign_extension() {
    let (mut store, id) = instance(
        r#"(module
            (func (export "i32.extend8_s") (param i32) (result i32) (i32.extend8_s (local.get 0)))
            (func (export "i32.extend16_s") (param i32) (result i32) (i32.extend16_s (local.get 0)))
            (func (export "i64.extend8_s") (param i64) (result i64) (i64.extend8_s (local.get 0)))
            (func (export "i64.extend16_s") (param i64) (result i64) (i64.extend16_s (local.get 0)))
            (func (export "i64.extend32_s") (param i64) (result i64) (i64.extend32_s (local.get 0)))
            (func (export "i64.extend_i32_s") (param i32) (result i64) (i64.extend_i32_s (local.get 0)))
            (func (export "i64.extend_i32_u") (param i32) (result i64) (i64.extend_i32_u (local.get 0))))"#,
    );
    let mut check = |name: &str, arg: Value, want: Value| {
        assert_eq!(call1(&mut store, id, name, &[arg]), want, "{name}({arg})");
    };
    check("i32.extend8_s", Value::I32(0x80), Value::I32(-128));
    check("i32.extend8_s", Value::I32(0x7f), Value::I32(127));
    check("i32.extend8_s", Value::I32(0x1234_5680), Value::I32(-128));
    check("i32.extend16_s", Value::I32(0x8000), Value::I32(-32768));
    check("i32.extend16_s", Value::I32(0x7fff), Value::I32(32767));
    check("i64.extend8_s", Value::I64(0xff), Value::I64(-1));
    check("i64.extend16_s", Value::I64(0x1_8000), Value::I64(-32768));
    check("i64.extend32_s", Value::I64(0x8000_0000), Value::I64(-2147483648));
    check("i64.extend32_s", Value::I64(0x7fff_ffff), Value::I64(2147483647));
    check("i64.extend_i32_s", Value::I32(-1), Value::I64(-1));
    check("i64.extend_i32_u", Value::I32(-1), Value::I64(0xffff_ffff));
}

#[test]
fn bulk_memory() {
    let (mut store, id) = instance(
        r#"(module
            (memory 1)
            (data $d "abcdefgh")
            (data $active (i32.const 200) "zz")
            (func (export "init") (param i32 i32 i32) (memory.init $d (local.get 0) (local.get 1) (local.get 2)))
            (func (export "init_active") (param i32) (memory.init $active (i32.const 0) (i32.const 0) (local.get 0)))
            (func (export "drop") (data.drop $d))
            (func (export "copy") (param i32 i32 i32) (memory.copy (local.get 0) (local.get 1) (local.get 2)))
            (func (export "fill") (param i32 i32 i32) (memory.fill (local.get 0) (local.get 1) (local.get 2)))
            (func (export "load8") (param i32) (result i32) (i32.load8_u (local.get 0))))"#,
    );
    let read = |store: &mut Store, at: i32, n: i32| -> String {
        (at..at + n).map(|a| i32_of(call1(store, id, "load8", &[Value::I32(a)])) as u8 as char).collect()
    };
    let args = |a: i32, b: i32, c: i32| [Value::I32(a), Value::I32(b), Value::I32(c)];
    let oob = "out of bounds memory access";

    assert_eq!(read(&mut store, 200, 2), "zz");
    call(&mut store, id, "init", &args(10, 1, 3));
    assert_eq!(read(&mut store, 10, 3), "bcd");
    expect_trap(store.invoke(id, "init", &args(0, 3, 6)), TrapCode::MemoryOutOfBounds, oob);
    expect_trap(store.invoke(id, "init", &args(65534, 0, 3)), TrapCode::MemoryOutOfBounds, oob);
    assert_eq!(read(&mut store, 65534, 2), "\0\0", "memory.init is all or nothing");
    call(&mut store, id, "init", &args(8, 8, 0));

    // memory.copy with overlapping ranges, both directions.
    call(&mut store, id, "init", &args(100, 0, 8));
    call(&mut store, id, "copy", &args(102, 100, 6));
    assert_eq!(read(&mut store, 100, 8), "ababcdef");
    call(&mut store, id, "copy", &args(100, 102, 6));
    assert_eq!(read(&mut store, 100, 8), "abcdefef");

    call(&mut store, id, "fill", &args(300, 0x41, 3));
    assert_eq!(read(&mut store, 299, 5), "\0AAA\0");

    // After data.drop the segment is empty: only zero-length inits succeed.
    call(&mut store, id, "drop", &[]);
    call(&mut store, id, "drop", &[]);
    call(&mut store, id, "init", &args(0, 0, 0));
    expect_trap(store.invoke(id, "init", &args(0, 0, 1)), TrapCode::MemoryOutOfBounds, oob);
    // Active segments are dropped after instantiation.
    call(&mut store, id, "init_active", &[Value::I32(0)]);
    expect_trap(store.invoke(id, "init_active", &[Value::I32(1)]), TrapCode::MemoryOutOfBounds, oob);
}

#[test]
fn reference_types() {
    let (mut store, id) = instance(
        r#"(module
            (type $r (func (result i32)))
            (table $t 2 5 funcref)
            (table $e 1 externref)
            (func $a (export "a") (result i32) (i32.const 1))
            (func $b (result i32) (i32.const 2))
            (elem declare func $a $b)
            (func (export "ref_a") (result funcref) (ref.func $a))
            (func (export "set_b") (param i32) (table.set $t (local.get 0) (ref.func $b)))
            (func (export "call") (param i32) (result i32) (call_indirect $t (type $r) (local.get 0)))
            (func (export "grow") (param i32) (result i32) (table.grow $t (ref.func $a) (local.get 0)))
            (func (export "size") (result i32) (table.size $t))
            (func (export "fill") (param i32 i32) (table.fill $t (local.get 0) (ref.func $b) (local.get 1)))
            (func (export "fill_null") (param i32 i32) (table.fill $t (local.get 0) (ref.null func) (local.get 1)))
            (func (export "is_null_func") (result i32) (ref.is_null (ref.null func)))
            (func (export "is_null_a") (result i32) (ref.is_null (ref.func $a)))
            (func (export "is_null_ext") (param externref) (result i32) (ref.is_null (local.get 0)))
            (func (export "ext_id") (param externref) (result externref) (local.get 0))
            (func (export "ext_store") (param externref) (table.set $e (i32.const 0) (local.get 0)))
            (func (export "ext_load") (result externref) (table.get $e (i32.const 0))))"#,
    );
    let Some(Extern::Func(a)) = store.export(id, "a") else { panic!() };
    assert_eq!(call1(&mut store, id, "ref_a", &[]), Value::FuncRef(Some(a)));
    assert_eq!(call1(&mut store, id, "is_null_func", &[]), Value::I32(1));
    assert_eq!(call1(&mut store, id, "is_null_a", &[]), Value::I32(0));
    assert_eq!(call1(&mut store, id, "is_null_ext", &[Value::ExternRef(None)]), Value::I32(1));
    assert_eq!(call1(&mut store, id, "is_null_ext", &[Value::ExternRef(Some(0))]), Value::I32(0));
    assert_eq!(call1(&mut store, id, "ext_id", &[Value::ExternRef(Some(7))]), Value::ExternRef(Some(7)));
    assert_eq!(call1(&mut store, id, "ext_id", &[Value::ExternRef(None)]), Value::ExternRef(None));
    call(&mut store, id, "ext_store", &[Value::ExternRef(Some(123))]);
    assert_eq!(call1(&mut store, id, "ext_load", &[]), Value::ExternRef(Some(123)));

    expect_trap(store.invoke(id, "call", &[Value::I32(1)]), TrapCode::UninitializedElement, "uninitialized element");
    call(&mut store, id, "set_b", &[Value::I32(1)]);
    assert_eq!(call1(&mut store, id, "call", &[Value::I32(1)]), Value::I32(2));

    assert_eq!(call1(&mut store, id, "size", &[]), Value::I32(2));
    assert_eq!(call1(&mut store, id, "grow", &[Value::I32(2)]), Value::I32(2));
    assert_eq!(call1(&mut store, id, "size", &[]), Value::I32(4));
    assert_eq!(call1(&mut store, id, "call", &[Value::I32(3)]), Value::I32(1), "grown entries hold the init value");
    assert_eq!(call1(&mut store, id, "grow", &[Value::I32(2)]), Value::I32(-1), "beyond max");
    assert_eq!(call1(&mut store, id, "grow", &[Value::I32(1)]), Value::I32(4));
    assert_eq!(call1(&mut store, id, "grow", &[Value::I32(0)]), Value::I32(5));
    assert_eq!(call1(&mut store, id, "size", &[]), Value::I32(5));

    call(&mut store, id, "fill", &[Value::I32(0), Value::I32(5)]);
    for i in 0..5 {
        assert_eq!(call1(&mut store, id, "call", &[Value::I32(i)]), Value::I32(2));
    }
    call(&mut store, id, "fill_null", &[Value::I32(1), Value::I32(2)]);
    assert_eq!(call1(&mut store, id, "call", &[Value::I32(0)]), Value::I32(2));
    expect_trap(store.invoke(id, "call", &[Value::I32(2)]), TrapCode::UninitializedElement, "uninitialized element");
    assert_eq!(call1(&mut store, id, "call", &[Value::I32(3)]), Value::I32(2));
    expect_trap(
        store.invoke(id, "fill", &[Value::I32(4), Value::I32(2)]),
        TrapCode::TableOutOfBounds,
        "out of bounds table access",
    );
    assert_eq!(call1(&mut store, id, "call", &[Value::I32(4)]), Value::I32(2), "table.fill is all or nothing");
    call(&mut store, id, "fill", &[Value::I32(5), Value::I32(0)]);
}

#[test]
fn value_display_forms() {
    for (v, s) in [
        (Value::I32(-5), "i32:-5"),
        (Value::I32(i32::MIN), "i32:-2147483648"),
        (Value::I64(2432902008176640000), "i64:2432902008176640000"),
        (Value::F32(1.5), "f32:1.5"),
        (Value::F32(-0.0), "f32:-0.0"),
        (Value::F32(f32::INFINITY), "f32:inf"),
        (Value::F32(-f32::NAN), "f32:-nan"),
        (Value::F64(0.1), "f64:0.1"),
        (Value::F64(1.0), "f64:1.0"),
        (Value::F64(f64::NEG_INFINITY), "f64:-inf"),
        (Value::F64(f64::from_bits(0x7ff0_0000_0000_0001)), "f64:nan:0x1"),
        (Value::FuncRef(None), "funcref:null"),
        (Value::FuncRef(Some(3)), "funcref:3"),
        (Value::ExternRef(None), "externref:null"),
        (Value::ExternRef(Some(0)), "externref:0"),
    ] {
        assert_eq!(v.to_string(), s);
    }
}

#[test]
fn results_display_after_a_call() {
    let (mut store, id) = instance(
        r#"(module (func (export "fac") (param i64) (result i64)
            (if (result i64) (i64.eqz (local.get 0))
                (then (i64.const 1))
                (else (i64.mul (local.get 0) (call 0 (i64.sub (local.get 0) (i64.const 1))))))))"#,
    );
    assert_eq!(call1(&mut store, id, "fac", &[Value::I64(20)]).to_string(), "i64:2432902008176640000");
}

// ---- API robustness ------------------------------------------------------------------

#[test]
fn traps_name_the_innermost_function() {
    let (mut store, id) = instance(
        r#"(module
            (func $inner (export "inner") (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0)))
            (func (export "outer") (result i32) (i32.add (i32.const 1) (call $inner (i32.const 0)))))"#,
    );
    let t = expect_trap(store.invoke(id, "outer", &[]), TrapCode::IntegerDivideByZero, "integer divide by zero");
    let Some(Extern::Func(inner)) = store.export(id, "inner") else { panic!() };
    assert_eq!(t.func, Some(inner));
    let offset = t.offset.expect("offset") as usize;
    assert_eq!(store.module(id).bytes()[offset], 0x6e, "i32.div_u opcode");
}

#[test]
fn host_function_results_are_checked_when_called_directly() {
    // Called from wasm, a host function returning the wrong types traps (see
    // `host_function_returning_wrong_types_traps`); called directly it must not hand back
    // values that contradict its own signature either.
    let mut store = Store::new(Limits::default());
    let bad = store.host_func(FuncType::new([], [ValType::I32]), |_, _| Ok(vec![Value::I64(1)]));
    let Extern::Func(f) = bad else { panic!() };
    let r = store.call(f, &[]);
    assert!(matches!(&r, Err(Error::Trap(t)) if t.code == TrapCode::HostError), "{r:?}");
}

#[test]
fn funcref_arguments_that_name_no_function_are_rejected() {
    let (mut store, id) = instance(
        r#"(module
            (type $t (func (result i32)))
            (table 1 funcref)
            (func (export "call_ref") (param funcref) (result i32)
                (table.set 0 (i32.const 0) (local.get 0))
                (call_indirect (type $t) (i32.const 0)))
            (func (export "f") (result i32) (i32.const 3)))"#,
    );
    let Some(Extern::Func(f)) = store.export(id, "f") else { panic!() };
    assert_eq!(call1(&mut store, id, "call_ref", &[Value::FuncRef(Some(f))]), Value::I32(3));
    // A function reference that does not exist in the store: an error, not a panic.
    let r = store.invoke(id, "call_ref", &[Value::FuncRef(Some(1_000_000))]);
    assert!(matches!(r, Err(Error::BadCall(_)) | Err(Error::Trap(_))), "{r:?}");
}

#[test]
fn host_function_returning_a_bad_funcref_is_an_error() {
    let mut store = Store::new(Limits::default());
    let h = store.host_func(FuncType::new([], [ValType::FuncRef]), |_, _| Ok(vec![Value::FuncRef(Some(777))]));
    store.define("env", "h", h);
    let id = store
        .instantiate(module(
            r#"(module
                (import "env" "h" (func $h (result funcref)))
                (type $t (func))
                (table 1 funcref)
                (func (export "f") (table.set 0 (i32.const 0) (call $h)) (call_indirect (type $t) (i32.const 0))))"#,
        ))
        .unwrap();
    let r = store.invoke(id, "f", &[]);
    assert!(matches!(r, Err(Error::Trap(_))), "{r:?}");
}

#[test]
fn host_can_grow_the_callers_memory() {
    let mut store = Store::new(Limits::default());
    let grow = store.host_func(FuncType::new([], [ValType::I32]), |caller, _| {
        Ok(vec![Value::I32(caller.grow_memory(2).map_or(-1, |old| old as i32))])
    });
    store.define("env", "grow", grow);
    let id = store
        .instantiate(module(
            r#"(module
                (import "env" "grow" (func $grow (result i32)))
                (memory 1 3)
                (func (export "f") (result i32 i32)
                    (call $grow)
                    (i32.store8 (i32.const 196607) (i32.const 1))
                    (memory.size))
                (func (export "again") (result i32) (call $grow)))"#,
        ))
        .unwrap();
    assert_eq!(call(&mut store, id, "f", &[]), [Value::I32(1), Value::I32(3)]);
    assert_eq!(call1(&mut store, id, "again", &[]), Value::I32(-1));
}

#[test]
fn host_called_without_a_caller_memory() {
    let mut store = Store::new(Limits::default());
    let has_mem = store.host_func(FuncType::new([], [ValType::I32]), |caller, _| {
        Ok(vec![Value::I32(caller.memory().is_some() as i32)])
    });
    store.define("env", "has_mem", has_mem);
    let id = store
        .instantiate(module(
            r#"(module (import "env" "has_mem" (func $h (result i32))) (func (export "f") (result i32) (call $h)))"#,
        ))
        .unwrap();
    assert_eq!(call1(&mut store, id, "f", &[]), Value::I32(0));
}

#[test]
fn start_function_can_call_the_host() {
    let mut store = Store::new(Limits::default());
    let hits = Rc::new(RefCell::new(0));
    let counter = hits.clone();
    let h = store.host_func(FuncType::default(), move |_, _| {
        *counter.borrow_mut() += 1;
        Ok(vec![])
    });
    store.define("env", "h", h);
    store.instantiate(module(r#"(module (import "env" "h" (func $h)) (start $h))"#)).unwrap();
    store
        .instantiate(module(r#"(module (import "env" "h" (func $h)) (func $s (call $h) (call $h)) (start $s))"#))
        .unwrap();
    assert_eq!(*hits.borrow(), 3);
}

#[test]
fn table_growth_respects_limits() {
    let wat = r#"(module
        (table 1 funcref)
        (func (export "grow") (param i32) (result i32) (table.grow (ref.null func) (local.get 0))))"#;
    let (mut store, id) = instance_with(Limits { max_table_elems: 10, ..Limits::default() }, wat);
    assert_eq!(call1(&mut store, id, "grow", &[Value::I32(10)]), Value::I32(-1));
    assert_eq!(call1(&mut store, id, "grow", &[Value::I32(9)]), Value::I32(1));
    assert_eq!(call1(&mut store, id, "grow", &[Value::I32(1)]), Value::I32(-1));
    let (mut store, id) = instance(wat);
    assert_eq!(call1(&mut store, id, "grow", &[Value::I32(-1)]), Value::I32(-1));
}

#[test]
fn unsupported_proposals_are_errors() {
    for wat in [
        // (Shared, 64-bit and several memories, SIMD, tail calls, exceptions and GC are
        // supported: the spec sets in tests/spec.rs.)
        r#"(component)"#,
    ] {
        match Module::new(wat.as_bytes()) {
            Err(Error::Decode { message: m, .. }) | Err(Error::Unsupported(m)) | Err(Error::Text(m)) => {
                assert!(!m.is_empty())
            }
            other => panic!("{wat}: {other:?}"),
        }
    }
}

#[test]
fn elem_and_table_bulk_operations() {
    let (mut store, id) = instance(
        r#"(module
            (type $r (func (result i32)))
            (table $t 6 funcref)
            (func $a (result i32) (i32.const 10))
            (func $b (result i32) (i32.const 20))
            (func $c (result i32) (i32.const 30))
            (elem $p funcref (ref.func $a) (ref.null func) (ref.func $c))
            (elem (table $t) (i32.const 4) func $b)
            (func (export "init") (param i32 i32 i32) (table.init $t $p (local.get 0) (local.get 1) (local.get 2)))
            (func (export "drop") (elem.drop $p))
            (func (export "copy") (param i32 i32 i32) (table.copy $t $t (local.get 0) (local.get 1) (local.get 2)))
            (func (export "call") (param i32) (result i32) (call_indirect $t (type $r) (local.get 0))))"#,
    );
    let args = |a: i32, b: i32, c: i32| [Value::I32(a), Value::I32(b), Value::I32(c)];
    let calls = |store: &mut Store| -> Vec<i32> {
        (0..6)
            .map(|i| match store.invoke(id, "call", &[Value::I32(i)]) {
                Ok(v) => i32_of(v[0]),
                Err(Error::Trap(t)) if t.code == TrapCode::UninitializedElement => 0,
                Err(e) => panic!("{e:?}"),
            })
            .collect()
    };
    assert_eq!(calls(&mut store), [0, 0, 0, 0, 20, 0]);
    call(&mut store, id, "init", &args(0, 0, 3));
    assert_eq!(calls(&mut store), [10, 0, 30, 0, 20, 0]);
    // Overlapping copies in both directions.
    call(&mut store, id, "copy", &args(1, 0, 5));
    assert_eq!(calls(&mut store), [10, 10, 0, 30, 0, 20]);
    call(&mut store, id, "copy", &args(0, 2, 4));
    assert_eq!(calls(&mut store), [0, 30, 0, 20, 0, 20]);
    let oob = "out of bounds table access";
    expect_trap(store.invoke(id, "init", &args(4, 0, 3)), TrapCode::TableOutOfBounds, oob);
    expect_trap(store.invoke(id, "init", &args(0, 2, 2)), TrapCode::TableOutOfBounds, oob);
    expect_trap(store.invoke(id, "copy", &args(3, 0, 4)), TrapCode::TableOutOfBounds, oob);
    assert_eq!(calls(&mut store), [0, 30, 0, 20, 0, 20], "all or nothing");
    call(&mut store, id, "drop", &[]);
    call(&mut store, id, "init", &args(6, 0, 0));
    expect_trap(store.invoke(id, "init", &args(0, 0, 1)), TrapCode::TableOutOfBounds, oob);
}

#[test]
fn data_and_elem_offsets_from_globals() {
    let mut store = Store::new(Limits::default());
    let g = store.alloc_global(GlobalType { ty: ValType::I32, mutable: false }, Value::I32(40)).unwrap();
    store.define("env", "base", g);
    let id = store
        .instantiate(module(
            r#"(module
                (import "env" "base" (global $base i32))
                (global $copy i32 (global.get $base))
                (memory 1)
                (table 50 funcref)
                (func $f (result i32) (i32.const 8))
                (data (global.get $base) "hi")
                (elem (global.get $base) $f)
                (func (export "load") (param i32) (result i32) (i32.load8_u (local.get 0)))
                (func (export "copy") (result i32) (global.get $copy))
                (func (export "call") (param i32) (result i32) (call_indirect (result i32) (local.get 0))))"#,
        ))
        .unwrap();
    assert_eq!(call1(&mut store, id, "load", &[Value::I32(40)]), Value::I32(b'h' as i32));
    assert_eq!(call1(&mut store, id, "load", &[Value::I32(41)]), Value::I32(b'i' as i32));
    assert_eq!(call1(&mut store, id, "copy", &[]), Value::I32(40));
    assert_eq!(call1(&mut store, id, "call", &[Value::I32(40)]), Value::I32(8));
}

#[test]
fn host_allocations_check_their_limits() {
    let mut store = Store::new(Limits { max_memory_pages: 4, max_table_elems: 100, ..Limits::default() });
    assert!(store.alloc_memory(5, None).is_err());
    assert!(store.alloc_table(ValType::FuncRef, 101, None).is_err());
    let Extern::Memory(m) = store.alloc_memory(1, Some(8)).unwrap() else { panic!() };
    assert_eq!(store.memory_mut(m).grow(3), Some(1));
    assert_eq!(store.memory_mut(m).grow(1), None, "the store's limit caps a larger max");
    let Extern::Table(t) = store.alloc_table(ValType::ExternRef, 0, None).unwrap() else { panic!() };
    assert_eq!(store.table(t).size(), 0);
    assert_eq!(store.table(t).elem_type(), ValType::ExternRef);
}

#[test]
fn host_allocations_reject_min_above_max() {
    let mut store = Store::new(Limits::default());
    let memory = store.alloc_memory(2, Some(1));
    let table = store.alloc_table(ValType::FuncRef, 2, Some(1));
    assert!(memory.is_err() && table.is_err(), "memory: {memory:?}, table: {table:?}");
}

#[test]
fn host_functions_in_tables() {
    let mut store = Store::new(Limits::default());
    let h = store.host_func(FuncType::new([ValType::I32], [ValType::I32]), |_, a| {
        let Value::I32(x) = a[0] else { unreachable!() };
        Ok(vec![Value::I32(x + 1000)])
    });
    store.define("env", "h", h);
    let id = store
        .instantiate(module(
            r#"(module
                (import "env" "h" (func $h (param i32) (result i32)))
                (type $t (func (param i32) (result i32)))
                (table 2 funcref)
                (elem (i32.const 0) $h)
                (func (export "via_table") (param i32) (result i32) (call_indirect (type $t) (local.get 0) (i32.const 0)))
                (func (export "via_ref") (param funcref i32) (result i32)
                    (table.set 0 (i32.const 1) (local.get 0))
                    (call_indirect (type $t) (local.get 1) (i32.const 1)))
                (func (export "ref_h") (result funcref) (ref.func $h)))"#,
        ))
        .unwrap();
    let Extern::Func(hf) = h else { panic!() };
    assert_eq!(call1(&mut store, id, "via_table", &[Value::I32(1)]), Value::I32(1001));
    assert_eq!(
        call1(&mut store, id, "ref_h", &[]),
        Value::FuncRef(Some(hf)),
        "ref.func of an import is the host function"
    );
    assert_eq!(call1(&mut store, id, "via_ref", &[Value::FuncRef(Some(hf)), Value::I32(2)]), Value::I32(1002));
}

#[test]
fn imports_naming_nothing_in_the_store_are_link_errors() {
    let mut store = Store::new(Limits::default());
    let m = module(r#"(module (import "env" "f" (func)) (import "env" "m" (memory 1)))"#);
    let r = store.instantiate_with(m.clone(), &[Extern::Func(99), Extern::Memory(99)]);
    expect_link(r);
    store.define("env", "f", Extern::Func(5));
    store.define("env", "m", Extern::Memory(5));
    expect_link(store.instantiate(m));
}

#[test]
fn custom_and_name_sections() {
    let mut bytes = wat::parse_str(
        r#"(module $m (func $fn_a (export "a") (param $x i32) (local $y i32)) (func) (func (export "c")))"#,
    )
    .unwrap();
    let m = Module::new(&bytes).unwrap();
    assert_eq!(m.names.module.as_deref(), Some("m"));
    assert_eq!(m.func_name(0), Some("fn_a"));
    assert_eq!(m.display_func_name(0), "fn_a");
    assert_eq!(m.display_func_name(1), "func[1]");
    assert_eq!(m.display_func_name(2), "c");
    assert_eq!(m.names.locals.get(&0).and_then(|l| l.get(&1)).map(String::as_str), Some("y"));
    assert!(m.customs.iter().any(|(n, _)| n == "name"));

    // A malformed name section does not make the module invalid.
    let mut garbage = vec![0x00, 0x0b, 0x04];
    garbage.extend_from_slice(b"name");
    garbage.extend_from_slice(&[0x01, 0xff, 0xff, 0x07, 0x00, 0x01]);
    bytes.extend_from_slice(&garbage);
    let m = Module::new(&bytes).unwrap();
    assert_eq!(m.customs.iter().filter(|(n, _)| n == "name").count(), 2);
    // Nor does any other custom section.
    let mut other = vec![0x00, 0x06, 0x03];
    other.extend_from_slice(b"abc\x01\x02");
    bytes.extend_from_slice(&other);
    let m = Module::new(&bytes).unwrap();
    assert!(m.customs.contains(&("abc".to_string(), 2)));
    // A custom section whose name is not UTF-8 is malformed.
    bytes.extend_from_slice(&[0x00, 0x02, 0x01, 0xff]);
    match Module::new(&bytes) {
        Err(Error::Decode { offset: Some(_), .. }) => {}
        other => panic!("{other:?}"),
    }
}

/// An out-of-bounds trap names the bytes it tried to reach: width, address (base + static
/// offset), memory and its size, for every kind of access, at full speed (natively through
/// the threaded handlers and fused forms, and with the `match` alone) and single-stepped.
#[test]
fn fault_names_the_bytes() {
    const WAT: &str = r#"(module (memory 1) (memory $wide i64 1)
      (func (export "ld") (param i32) (result i32) (i32.load offset=8 (local.get 0)))
      (func (export "ld8") (param i32) (result i32) (local i32) (local.set 1 (local.get 0)) (i32.load8_u (local.get 1)))
      (func (export "ldc") (result i32) (i32.load (i32.const 70000)))
      (func (export "st") (param i32) (i64.store16 (local.get 0) (i64.const 7)))
      (func (export "ld64") (param i64) (result i64) (i64.load $wide offset=0x10 (local.get 0)))
      (func (export "st1") (param i64) (i32.store 1 (local.get 0) (i32.const 1)))
      (func (export "v") (param i32) (v128.store offset=4 (local.get 0) (v128.const i32x4 0 0 0 0)))
      (func (export "lane") (param i32) (result v128) (v128.load32_lane 1 (local.get 0) (v128.const i64x2 0 0)))
      (func (export "fill") (param i32) (memory.fill (local.get 0) (i32.const 0) (i32.const 100)))
      (func (export "copy") (param i32) (memory.copy (i32.const 0) (local.get 0) (i32.const 16))))"#;
    let i = |x: i32| vec![Value::I32(x)];
    let cases: Vec<(&str, Vec<Value>, &str)> = vec![
        ("ld", i(65530), "4 bytes at 0x10002 (0xfffa + offset 8) of memory 0, 65536 bytes"),
        ("ld8", i(-1), "1 byte at 0xffffffff of memory 0, 65536 bytes"),
        ("ldc", vec![], "4 bytes at 0x11170 of memory 0, 65536 bytes"),
        ("st", i(65535), "2 bytes at 0xffff of memory 0, 65536 bytes"),
        (
            "ld64",
            vec![Value::I64(-1)],
            "8 bytes at 0x1000000000000000f (0xffffffffffffffff + offset 16) of memory 1 ($wide), 65536 bytes",
        ),
        ("st1", vec![Value::I64(65533)], "4 bytes at 0xfffd of memory 1 ($wide), 65536 bytes"),
        ("v", i(65530), "16 bytes at 0xfffe (0xfffa + offset 4) of memory 0, 65536 bytes"),
        ("lane", i(65533), "4 bytes at 0xfffd of memory 0, 65536 bytes"),
        ("fill", i(65500), "100 bytes at 0xffdc of memory 0, 65536 bytes"),
        ("copy", i(65530), "16 bytes from 0xfffa of memory 0 (65536 bytes) to 0x0 of memory 0 (65536 bytes)"),
    ];
    for threaded in [true, false] {
        let config = wasmscope::exec::Config { threaded, ..Default::default() };
        let module = std::rc::Rc::new(Module::new(WAT.as_bytes()).unwrap());
        for (name, args, detail) in &cases {
            let mut store = Store::new(Limits::default());
            let id = store.instantiate(module.clone()).unwrap();
            let want = format!("out of bounds memory access: {detail}");
            match config.invoke(&mut store, id, name, args) {
                Err(Error::Trap(t)) => assert_eq!(t.to_string(), want, "{name} (threaded {threaded})"),
                other => panic!("{name}: expected a trap, got {other:?}"),
            }
        }
    }
    // Single-stepped: the same text.
    for (name, args, detail) in &cases {
        let mut s = wasmscope::debug::Session::load(WAT.as_bytes(), Limits::default(), Default::default()).unwrap();
        s.start(name, args).unwrap();
        let stop = s.resume(u64::MAX);
        match stop {
            wasmscope::debug::StopReason::Trapped(t) => {
                assert_eq!(t.to_string(), format!("out of bounds memory access: {detail}"), "{name} stepped")
            }
            other => panic!("{name} stepped: expected a trap, got {other:?}"),
        }
    }
}
