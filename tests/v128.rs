//! The v128 value layout (two `u64` cells, low half first), proved before any SIMD operation
//! exists: with the test-only `v128-layout` feature, v128 constants, locals, parameters,
//! results, `drop`, `select` and branches that carry or drop a v128 run, and must give the
//! same results at full speed, with the `match` alone, in every slice size, and single-stepped
//! in the debugger, where step back must restore every cell.
//!
//! `cargo test --features v128-layout --test v128` (`npm test` runs it).
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
fn simd_operations_are_refused_with_their_name() {
    let wat = r#"(module (func (export "f") (result v128)
        (i32x4.add (v128.const i32x4 1 2 3 4) (v128.const i32x4 1 1 1 1))))"#;
    let module = Rc::new(Module::new(wat.as_bytes()).unwrap());
    let mut store = Store::new(Limits::default());
    let inst = Config::default().instantiate(&mut store, module).unwrap();
    let err = Config::default().invoke(&mut store, inst, "f", &[]).unwrap_err().to_string();
    assert!(err.contains("i32x4.add"), "{err}");
    let global = r#"(module (global v128 (v128.const i64x2 0 0)))"#;
    let err = Module::new(global.as_bytes()).unwrap_err().to_string();
    assert!(err.contains("v128 globals"), "{err}");
}
