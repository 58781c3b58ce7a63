//! Fused instructions must be invisible: every function below contains the sequences the
//! translator fuses, and gives the same results, traps (with the same offset) and executed
//! instruction counts whether it runs at full speed, single-stepped, or in slices of every
//! size that can split a fused sequence.
#![cfg(not(target_arch = "wasm32"))]

use std::rc::Rc;
use wasmscope::debug::{Config, Session, StopReason};
use wasmscope::exec::Config as Engine;
use wasmscope::{Error, Limits, Module, Store, Value};

const WAT: &str = r#"(module (memory 1)
  (data (i32.const 0) "\01\02\03\04\05\06\07\08\f0\f1")
  ;; local.get a; local.get b; op  /  ... ; local.set x  /  cmp; br_if
  (func (export "ll") (param $a i32) (param $b i32) (result i32) (local $x i32)
    (local.set $x (i32.add (local.get $a) (local.get $b)))
    (block $out
      (br_if $out (i32.lt_s (local.get $a) (local.get $b)))
      (local.set $x (i32.sub (local.get $x) (local.get $b)))
      ;; local.get b; cmp; br_if
      (br_if $out (i32.gt_u (i32.mul (local.get $x) (local.get $x)) (local.get $b)))
      (local.set $x (i32.add (local.get $x) (i32.const 9))))
    (i32.xor (local.get $x) (local.get $a)))
  ;; local.get a; i32.const c; op (i32 and i64)  /  ... ; local.set x  /  cmp; br_if
  (func (export "lc") (param $n i32) (result i64) (local $i i32) (local $acc i64) (local $w i64)
    (loop $l
      (local.set $w (i64.extend_i32_u (local.get $i)))
      (local.set $acc (i64.add (local.get $acc) (i64.mul (local.get $w) (i64.const -3))))
      (local.set $acc (i64.xor (local.get $acc) (i64.shl (local.get $w) (i64.const 7))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (block $b (br_if $b (i32.gt_s (local.get $n) (i32.const 100)))
      (local.set $acc (i64.sub (local.get $acc) (i64.const 1))))
    (local.get $acc))
  ;; i32.const c; op  /  op; local.set  /  i32.eqz; br_if  /  local.get; br_if  /  copies
  (func (export "misc") (param $a i32) (result i32) (local $b i32) (local $c i32)
    (local.set $b (i32.const 7))
    (local.set $c (local.get $a))
    (local.set $b (i32.mul (i32.and (local.get $b) (i32.const 3)) (local.get $c)))
    (block $z (br_if $z (i32.eqz (local.get $a))) (local.set $b (i32.add (local.get $b) (i32.const 1000))))
    (block $nz (br_if $nz (local.get $c)) (local.set $b (i32.const -1)))
    (block $cmp (br_if $cmp (i32.ge_u (i32.add (local.get $b) (local.get $c)) (i32.const 50)))
      (local.set $b (i32.shr_s (local.get $b) (i32.const 1))))
    (block $ne (br_if $ne (i32.ne (i32.mul (local.get $a) (local.get $a)) (i32.add (local.get $c) (local.get $c))))
      (local.set $b (i32.add (local.get $b) (i32.const 5))))
    (local.get $b))
  ;; local.get a; <load>: every kind, and one that traps.
  (func (export "loads") (param $p i32) (result i64)
    (i64.add
      (i64.add (i64.extend_i32_u (i32.load (local.get $p))) (i64.load offset=1 (local.get $p)))
      (i64.extend_i32_s (i32.add
        (i32.add (i32.load8_s offset=8 (local.get $p)) (i32.load8_u offset=9 (local.get $p)))
        (i32.add (i32.load16_s offset=8 (local.get $p)) (i32.load16_u offset=2 (local.get $p)))))))
  ;; i32.const c; <load>  /  local.get a; i32.const c; i32.add; <load> (the sum wraps for p < 0)
  (func (export "addr") (param $p i32) (result i64)
    (i64.add
      (i64.add (i64.load offset=1 (i32.const 2)) (i64.extend_i32_u (i32.load8_u (i32.const 9))))
      (i64.extend_i32_s (i32.add
        (i32.load offset=1 (i32.add (local.get $p) (i32.const 3)))
        (i32.load16_s (i32.add (local.get $p) (i32.const -2)))))))
  ;; local.get v; <store>  /  i32.const c; <store>  /  op; <store>: every width, and traps
  (func (export "stores") (param $p i32) (param $v i64) (result i64) (local $w i32)
    (local.set $w (i32.wrap_i64 (local.get $v)))
    (i32.store8 offset=1 (local.get $p) (local.get $w))
    (i64.store16 offset=2 (local.get $p) (local.get $v))
    (i32.store offset=4 (local.get $p) (i32.const -7))
    (i64.store8 offset=3 (local.get $p) (i64.const 300))
    (i64.store offset=8 (local.get $p)
      (i64.sub (i64.load (local.get $p)) (i64.load offset=8 (local.get $p))))
    (f32.store offset=16 (local.get $p)
      (f32.sub (f32.load offset=4 (local.get $p)) (f32.load offset=6 (local.get $p))))
    (i64.add (i64.load (local.get $p)) (i64.load offset=9 (local.get $p))))
  (func (export "cload") (param $p i32) (result i32)
    (if (result i32) (local.get $p)
      (then (i32.load offset=3 (i32.const 65530)))
      (else (i32.load16_u offset=1 (i32.const 65534)))))
  ;; markers / local.get b; op (the stack's value op a local) / ...; local.tee / floats, rotations
  (func (export "more") (param $a i32) (param $b i32) (param $f f64) (result f64)
    (local $x i32) (local $y i32) (local $g f64)
    (block (block (nop)))
    (local.set $x (i32.rotl (i32.add (local.get $a) (i32.const 3)) (local.get $b)))
    (local.set $y (local.tee $x (i32.xor (local.get $x) (local.get $a))))
    (local.set $y (i32.add (local.tee $x (i32.sub (i32.mul (local.get $y) (local.get $y)) (local.get $a))) (i32.const 1)))
    (local.set $y (local.tee $x (i32.and (i32.const 255) (i32.shl (local.get $y) (i32.const 2)))))
    (drop (local.tee $x (i32.add (local.get $x) (i32.const 7))))
    (local.set $y (i32.add (local.get $y) (i32.mul (i32.const 3) (local.get $y))))
    (local.set $g (f64.add (f64.mul (local.get $f) (local.get $f)) (f64.convert_i32_s (local.get $y))))
    (block $big (br_if $big (f64.gt (local.get $g) (local.get $f)))
      (local.set $g (f64.sub (local.get $g) (local.get $f))))
    ;; float and wide constants: <const>; op  /  <const>; cmp; br_if
    (local.set $g (f64.sub (local.get $g) (f64.const 0.25)))
    (block $fc (br_if $fc (f64.gt (local.get $g) (f64.const 4)))
      (local.set $g (f64.mul (local.get $g) (f64.const -1.5))))
    (local.set $y (i32.add (local.get $y)
      (i32.wrap_i64 (i64.xor (i64.extend_i32_s (local.get $x)) (i64.const 0x1_0000_0005)))))
    (local.set $y (i32.add (local.get $y) (i32.trunc_sat_f32_s (f32.mul (f32.convert_i32_s (local.get $x)) (f32.const 0.5)))))
    (f64.add (local.get $g) (f64.convert_i32_u (i32.add (local.get $x) (local.get $y)))))
)"#;

fn store_with_slice(slice: u64, threaded: bool) -> (Store, wasmscope::InstanceId, Engine) {
    let mut store = Store::new(Limits::default());
    let engine = Engine { run_slice: slice, threaded };
    let i = engine.instantiate(&mut store, Rc::new(Module::new(WAT.as_bytes()).unwrap())).unwrap();
    (store, i, engine)
}

fn calls() -> Vec<(&'static str, Vec<Value>)> {
    let mut v = vec![];
    for (a, b) in [(1, 2), (5, 3), (-4, 9), (0, 0)] {
        v.push(("ll", vec![Value::I32(a), Value::I32(b)]));
    }
    for n in [1, 5, 150] {
        v.push(("lc", vec![Value::I32(n)]));
    }
    for a in [0, 1, 3, 40, -8] {
        v.push(("misc", vec![Value::I32(a)]));
    }
    for p in [0, 100, 65530, 65535, -1] {
        v.push(("loads", vec![Value::I32(p)]));
    }
    for p in [0, 2, 100, 65530, 65532, -1, -3, i32::MIN] {
        v.push(("addr", vec![Value::I32(p)]));
    }
    for p in [0, 1] {
        v.push(("cload", vec![Value::I32(p)]));
    }
    for p in [0, 5, 1000, 65520, 65530, 65534, -2] {
        v.push(("stores", vec![Value::I32(p), Value::I64(0x1234_5678_9abc_def0)]));
    }
    for (a, b, f) in [(1, 2, 0.5), (-7, 33, -0.0), (12345, -1, f64::NAN), (0, 0, f64::INFINITY), (3, 5, -1e300)] {
        v.push(("more", vec![Value::I32(a), Value::I32(b), Value::F64(f)]));
    }
    v
}

#[test]
fn same_results_at_every_slice_size() {
    for (func, args) in calls() {
        let (mut reference_store, i, engine) = store_with_slice(u64::MAX, true);
        let reference = engine.invoke(&mut reference_store, i, func, &args);
        // The `match` alone (as in wasm32 builds) as well as with the threaded handlers.
        for (slice, threaded) in (1..=6).chain([u64::MAX]).flat_map(|s| [(s, true), (s, false)]) {
            let (mut store, i, engine) = store_with_slice(slice, threaded);
            let got = engine.invoke(&mut store, i, func, &args);
            match (&reference, &got) {
                (Ok(a), Ok(b)) => assert!(
                    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.bits_eq(y)),
                    "{func}{args:?} slice {slice} threaded {threaded}: {a:?} vs {b:?}"
                ),
                (Err(Error::Trap(a)), Err(Error::Trap(b))) => {
                    assert_eq!(
                        (a.code, a.offset),
                        (b.code, b.offset),
                        "{func}{args:?} slice {slice} threaded {threaded}"
                    )
                }
                _ => panic!("{func}{args:?} slice {slice} threaded {threaded}: {reference:?} vs {got:?}"),
            }
        }
    }
}

#[test]
fn stepping_counts_every_original_instruction() {
    // The debugger's count of steps equals the machine's count at full speed.
    for (func, args) in calls() {
        let mut s = Session::load(WAT.as_bytes(), Limits::default(), Config::default()).unwrap();
        s.start(func, &args).unwrap();
        let mut steps = 0;
        let end = loop {
            steps += 1;
            match s.step_into() {
                StopReason::Step => {}
                other => break other,
            }
        };
        let mut fast = Session::load(WAT.as_bytes(), Limits::default(), Config::default()).unwrap();
        fast.start(func, &args).unwrap();
        let fast_end = fast.run_unrecorded(u64::MAX);
        match (&end, &fast_end) {
            (StopReason::Finished(a), StopReason::Finished(b)) => {
                assert!(a.iter().zip(b).all(|(x, y)| x.bits_eq(y)));
                assert_eq!(s.executed(), fast.executed(), "{func}{args:?}");
                assert_eq!(s.executed(), steps, "{func}{args:?}");
            }
            (StopReason::Trapped(a), StopReason::Trapped(b)) => assert_eq!((a.code, a.offset), (b.code, b.offset)),
            _ => panic!("{func}{args:?}: {end:?} vs {fast_end:?}"),
        }
    }
}

#[test]
fn the_functions_above_really_contain_every_fused_form() {
    let m = Module::new(WAT.as_bytes()).unwrap();
    let mut seen = std::collections::BTreeSet::new();
    for def in 0..8 {
        let code = wasmscope::translate::translate(&m, def).unwrap();
        for i in &code.instrs {
            if i.fused_len().is_some() {
                let name = format!("{i:?}");
                seen.insert(name.split([' ', '{']).next().unwrap().to_string());
            }
        }
    }
    let all = [
        "FLLBin",
        "FLCBin",
        "FCBin",
        "FBinSet",
        "FLLBinSet",
        "FLCBinSet",
        "FLLCmpBrIf",
        "FLCCmpBrIf",
        "FCmpBrIf",
        "FCCmpBrIf",
        "FEqzBrIf",
        "FLocalBrIf",
        "FLocalCopy",
        "FConstSet",
        "FLLoad",
        "FCLoad",
        "FLCAddLoad",
        "FLCmpBrIf",
        "FLStore",
        "FCStore",
        "FBinStore",
        "FLBin",
        "FBinTee",
        "FLBinSet",
        "FLBinTee",
        "FLLBinTee",
        "FLCBinTee",
        "FSkip",
    ];
    let missing: Vec<&str> = all.iter().copied().filter(|f| !seen.contains(*f)).collect();
    assert!(missing.is_empty(), "not exercised: {missing:?}; seen {seen:?}");
}
