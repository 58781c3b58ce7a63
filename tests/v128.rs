//! The v128 value layout (two `u64` cells, low half first) and SIMD: v128 constants, locals,
//! parameters, results, globals, `drop`, `select`, branches that carry or drop a v128, lane
//! operations of every shape, and memory accesses (stores and lane stores, which step back
//! must undo) must give the same results at full speed, with the `match` alone, in every
//! slice size, and single-stepped in the debugger, where step back must restore every cell,
//! global and byte. (The spec suites `simd` and `relaxed-simd` in tests/spec.rs cover the
//! operators' semantics.)
#![cfg(not(target_arch = "wasm32"))]

use std::rc::Rc;
use wasmscope::debug::{self, Session, StopReason};
use wasmscope::exec::Config;
use wasmscope::{Limits, Module, Store, Value};

const WAT: &str = r#"(module
  (func $id (export "id") (param v128) (result v128) (local.get 0))
  ;; v128 locals between scalar ones: a local index is not a cell index.
  (func (export "locals") (param $p i32) (result i64)
    (local $a v128) (local $b i32) (local $c v128) (local $d i64)
    (local.set $a (v128.const i64x2 0x1111 0x2222))
    (local.set $b (i32.add (local.get $p) (i32.const 1)))
    (local.set $c (v128.const i64x2 0x3333 0x4444))
    (local.set $d (i64.const 77))
    (i64.add (i64.extend_i32_u (local.get $b)) (local.get $d)))
  (func (export "locals_v") (param $p v128) (param $q i32) (result v128)
    (local $a i64) (local $c v128)
    (local.set $a (i64.const -1))
    (local.set $c (local.get $p))
    (local.set $q (i32.const 5))
    (local.tee $c (local.get $c)))
  ;; A branch that drops a v128 (two cells) and keeps an i32, above an i32.
  (func (export "branch") (result i32)
    (i32.add (i32.const 1)
      (block (result i32)
        (v128.const i64x2 5 6)
        (i32.const 7)
        (br 0))))
  ;; A branch that keeps a v128 and an i32 (three cells) and drops an i32 under them.
  (func (export "keep") (result i32 v128 i32)
    (i32.const 11)
    (block (result v128 i32)
      (i32.const 99)
      (v128.const i64x2 7 8)
      (i32.const 5)
      (br 0)))
  (func (export "select") (param i32) (result v128)
    (select (v128.const i64x2 1 2) (v128.const i64x2 3 4) (local.get 0)))
  (func (export "call") (result v128) (call $id (v128.const i64x2 9 10)))
  (func (export "drop") (result i32) (i32.const 3) (v128.const i64x2 1 1) (drop))
  ;; A loop carrying a v128 local, with a counter after it.
  (func (export "loop") (param $n i32) (result v128)
    (local $v v128) (local $i i32)
    (local.set $v (v128.const i64x2 0 0))
    (loop $l
      (local.set $v (select (v128.const i64x2 1 1) (local.get $v) (i32.and (local.get $i) (i32.const 1))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $v))
  (memory 1)
  (global $g (mut v128) (v128.const i64x2 5 6))
  ;; Lane operations of each shape: bin, un, tern, splat, extract, replace, test, shift, shuffle.
  (func (export "lanes") (param $p v128) (result v128 i32 i32)
    (i32x4.add (v128.const i32x4 1 2 3 4) (local.get $p))
    (i8x16.neg)
    (v128.bitselect (v128.const i64x2 0 0) (i32x4.splat (i32.const 0xff)))
    (i16x8.replace_lane 7 (i32.const 0x7777))
    (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (v128.const i32x4 9 9 9 9))
    (i64x2.shl (i32.const 3))
    (i32x4.extract_lane 1 (i32x4.splat (i32.const 42)))
    (i32x4.bitmask (v128.const i32x4 -1 0 -1 0)))
  ;; Memory: a store, a lane store, a lane load and a splat load; the global set and read.
  (func (export "memory") (param $p v128) (result v128 v128 v128)
    (v128.store offset=16 (i32.const 0) (local.get $p))
    (v128.store32_lane 3 (i32.const 8) (local.get $p))
    (global.set $g (v128.load offset=16 (i32.const 0)))
    (v128.load32_lane 0 (i32.const 8) (global.get $g))
    (v128.load8_splat (i32.const 17))
    (v128.load64_zero (i32.const 4)))
  (func (export "oob") (param $a i32) (result v128) (v128.load (local.get $a)))
  (func (export "oob_store") (param $a i32) (v128.store16_lane 1 (local.get $a) (v128.const i64x2 -1 -1)))
  (func (export "relaxed") (param $p v128) (result v128)
    (f32x4.relaxed_madd (local.get $p) (local.get $p) (v128.const f32x4 1 1 1 1)))
)"#;

fn v128(lo: u64, hi: u64) -> Value {
    Value::v128(lo as u128 | (hi as u128) << 64)
}

/// Every call and its expected results.
fn cases() -> Vec<(&'static str, Vec<Value>, Vec<Value>)> {
    let p = v128(0xdead, 0xbeef);
    vec![
        ("id", vec![p], vec![p]),
        ("locals", vec![Value::I32(4)], vec![Value::I64(82)]),
        ("locals_v", vec![p, Value::I32(0)], vec![p]),
        ("branch", vec![], vec![Value::I32(8)]),
        ("keep", vec![], vec![Value::I32(11), v128(7, 8), Value::I32(5)]),
        ("select", vec![Value::I32(1)], vec![v128(1, 2)]),
        ("select", vec![Value::I32(0)], vec![v128(3, 4)]),
        ("call", vec![], vec![v128(9, 10)]),
        ("drop", vec![], vec![Value::I32(3)]),
        ("loop", vec![Value::I32(10)], vec![v128(1, 1)]),
        ("loop", vec![Value::I32(1)], vec![v128(0, 0)]),
        (
            "lanes",
            vec![p],
            vec![v128(0x0000_0048_0000_0290, 0x0000_0048_0000_07f0), Value::I32(42), Value::I32(0b0101)],
        ),
        (
            "memory",
            vec![v128(0x1122_3344_5566_7788, 0x99aa_bbcc_ddee_ff00)],
            vec![
                v128(0x1122_3344_99aa_bbcc, 0x99aa_bbcc_ddee_ff00),
                v128(0x7777_7777_7777_7777, 0x7777_7777_7777_7777),
                v128(0x99aa_bbcc_0000_0000, 0),
            ],
        ),
        (
            "relaxed",
            vec![Value::v128(0x4000_0000_0000_0000_0000_0000_3f80_0000)],
            vec![Value::v128(0x40a0_0000_3f80_0000_3f80_0000_4000_0000)],
        ),
    ]
}

#[test]
fn v128_values_take_two_cells_at_every_speed() {
    let module = Rc::new(Module::new(WAT.as_bytes()).unwrap());
    for threaded in [true, false] {
        for run_slice in (1..=6).chain([u64::MAX]) {
            let config = Config { run_slice, threaded };
            let mut store = Store::new(Limits::default());
            let inst = config.instantiate(&mut store, module.clone()).unwrap();
            for (name, args, want) in cases() {
                let got = config.invoke(&mut store, inst, name, &args).unwrap();
                assert!(
                    got.len() == want.len() && got.iter().zip(&want).all(|(a, b)| a.bits_eq(b)),
                    "{name}{args:?} slice {run_slice} threaded {threaded}: {got:?}, want {want:?}"
                );
            }
        }
    }
}

#[test]
fn the_debugger_shows_v128_values_and_steps_back_over_them() {
    for (name, args, want) in cases() {
        let mut s = Session::load(WAT.as_bytes(), Limits::default(), debug::Config::default()).unwrap();
        s.start(name, &args).unwrap();
        let mut states = vec![s.snapshot()];
        let mut saw_v128 = false;
        loop {
            let stop = s.step_into();
            let mut snap = s.snapshot();
            saw_v128 |= snap.frames.iter().any(|f| {
                f.locals.iter().any(|l| matches!(l.value, Value::V128(_)))
                    || f.operands.iter().any(|o| matches!(o.value, Value::V128(_)))
            });
            if let StopReason::Finished(got) = &stop {
                assert!(got.iter().zip(&want).all(|(a, b)| a.bits_eq(b)), "{name}: {got:?}, want {want:?}");
                break;
            }
            assert_eq!(stop, StopReason::Step, "{name}");
            snap.stop = StopReason::Step;
            states.push(snap);
        }
        assert!(saw_v128, "{name}: no v128 value in any frame view");
        // Step back to the start: every state on the way is the one seen going forward.
        while let Some(want) = states.pop() {
            assert_eq!(s.step_back(), StopReason::Step, "{name}");
            let mut got = s.snapshot();
            got.stop = StopReason::Step;
            got.last_writes.clear();
            got.history = 0;
            let mut want = want;
            want.last_writes.clear();
            want.history = 0;
            want.stop = StopReason::Step;
            assert_eq!(got, want, "{name}: after stepping back to step {}", states.len());
        }
    }
}

#[test]
fn a_v128_local_shows_as_one_typed_value() {
    let mut s = Session::load(WAT.as_bytes(), Limits::default(), debug::Config::default()).unwrap();
    s.start("locals", &[Value::I32(4)]).unwrap();
    while !matches!(s.step_into(), StopReason::Finished(_)) {}
    // Finished: run it again to just before the end and look at the locals.
    s.start("locals", &[Value::I32(4)]).unwrap();
    for _ in 0..30 {
        let f = s.frame(0).unwrap();
        if f.locals.iter().any(|l| matches!(l.value, Value::I64(77))) {
            let values: Vec<Value> = f.locals.iter().map(|l| l.value).collect();
            assert_eq!(values.len(), 5, "{values:?}");
            assert!(values[1].bits_eq(&v128(0x1111, 0x2222)), "{values:?}");
            assert!(values[2].bits_eq(&Value::I32(5)), "{values:?}");
            assert!(values[3].bits_eq(&v128(0x3333, 0x4444)), "{values:?}");
            return;
        }
        s.step_into();
    }
    panic!("local $d never became 77");
}

#[test]
fn simd_memory_accesses_out_of_bounds_trap_and_step_back() {
    let module = Rc::new(Module::new(WAT.as_bytes()).unwrap());
    for threaded in [true, false] {
        let config = Config { run_slice: u64::MAX, threaded };
        let mut store = Store::new(Limits::default());
        let inst = config.instantiate(&mut store, module.clone()).unwrap();
        for (f, a) in [("oob", 65521), ("oob", -1), ("oob_store", 65535)] {
            let err = config.invoke(&mut store, inst, f, &[Value::I32(a)]).unwrap_err().to_string();
            assert!(err.contains("out of bounds memory access"), "{f}({a}): {err}");
        }
        assert!(config.invoke(&mut store, inst, "oob", &[Value::I32(65520)]).is_ok());
        assert!(config.invoke(&mut store, inst, "oob_store", &[Value::I32(65533)]).is_ok());
    }
    // A lane store steps back to the bytes it overwrote.
    let mut s = Session::load(WAT.as_bytes(), Limits::default(), debug::Config::default()).unwrap();
    s.start("oob_store", &[Value::I32(100)]).unwrap();
    let before = s.read_memory(100, 2).to_vec();
    while s.snapshot().frames.first().is_some_and(|f| f.operands.len() < 2) {
        s.step_into();
    }
    assert_eq!(s.step_into(), StopReason::Step);
    assert_eq!(s.read_memory(100, 2), [0xff, 0xff]);
    assert_eq!(s.step_back(), StopReason::Step);
    assert_eq!(s.read_memory(100, 2), before);
}

#[test]
fn v128_values_show_as_lanes() {
    let v = v128(0x0000_0002_0000_0001, 0xffff_ffff_0000_0003);
    assert_eq!(v.to_string(), "v128:i32x4:[1, 2, 3, -1]");
    assert_eq!(wasmscope::value::parse_arg("i32x4:1,2,3,-1", wasmscope::ValType::V128), Ok(v));
}

/// v128 parameters and results at a host call (between i32s, so cells are counted), and v128
/// globals imported from the host and exported, stepped and stepped back.
#[test]
fn v128_at_host_calls_and_in_imported_globals() {
    use wasmscope::value::FuncType;
    use wasmscope::{Call, Extern, ValType};
    let wat = r#"(module
      (import "env" "swap" (func $swap (param i32 v128 i32) (result v128 i32)))
      (import "env" "g" (global $g v128))
      (global $h (export "h") (mut v128) (global.get $g))
      (func (export "f") (param v128) (result v128 i32)
        (global.set $h (i32x4.add (global.get $h) (local.get 0)))
        (call $swap (i32.const 1) (global.get $h) (i32.const 2))))"#;
    let setup = || {
        let mut store = Store::new(Limits::default());
        let swap = store.host_func(
            FuncType::new([ValType::I32, ValType::V128, ValType::I32], [ValType::V128, ValType::I32]),
            |_, args| {
                let (Value::I32(a), Value::V128(_), Value::I32(b)) = (args[0], args[1], args[2]) else {
                    return Err(wasmscope::Trap::host("bad arguments"));
                };
                let v = args[1].as_u128().unwrap_or_default();
                Ok(vec![Value::v128(v.rotate_left(32)), Value::I32(a * 10 + b)])
            },
        );
        store.define("env", "swap", swap);
        let g = store
            .alloc_global(
                wasmscope::decode::GlobalType { ty: ValType::V128, mutable: false },
                v128(0x0000_0002_0000_0001, 0x0000_0004_0000_0003),
            )
            .unwrap();
        store.define("env", "g", g);
        store
    };
    let mut store = setup();
    let inst = store.instantiate(Rc::new(Module::new(wat.as_bytes()).unwrap())).unwrap();
    let arg = v128(0x0000_0010_0000_0010, 0x0000_0010_0000_0010);
    let got = store.invoke(inst, "f", &[arg]).unwrap();
    assert_eq!(got[0].to_string(), "v128:i32x4:[20, 17, 18, 19]");
    assert_eq!(got[1], Value::I32(12));
    let Some(Extern::Global(h)) = store.export(inst, "h") else { panic!("no export h") };
    assert_eq!(store.global(h).to_string(), "v128:i32x4:[17, 18, 19, 20]");
    // Single-stepped, then stepped back to the start: the global is as it was.
    let mut store = setup();
    let inst = store.instantiate(Rc::new(Module::new(wat.as_bytes()).unwrap())).unwrap();
    let mut s = Session::new(store, inst, debug::Config::default());
    s.start("f", &[arg]).unwrap();
    let before = s.snapshot();
    let mut steps = 0;
    while !matches!(s.step_into(), StopReason::Finished(_)) {
        steps += 1;
    }
    assert!(steps > 4);
    while s.step_back() == StopReason::Step {}
    let after = s.snapshot();
    assert_eq!(after.globals, before.globals);
}
