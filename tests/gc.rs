//! GC (WebAssembly 3.0): structs, arrays (packed fields included), i31, casts, and the
//! conversions, run and single-stepped; every trap with the spec's message (casts to wrong
//! types, null structs, arrays, i31s and `call_ref`s, array bounds, the heap limit);
//! collections (bounded memory; under a debugger only while it runs unrecorded); step back across
//! `struct.set`, `array.fill`, `array.copy`, allocation and `br_on_cast`, each state exact
//! (the heap included); type and field names in the disassembly; rec groups linking
//! across modules.
#![cfg(not(target_arch = "wasm32"))]

use std::rc::Rc;
use wasmscope::debug::{Config, Session, Snapshot, StopReason};
use wasmscope::{Call, Limits, Module, Store, Value};

const GC: &str = r#"(module
  (type $point (sub (struct (field $x (mut i32)) (field $y (mut i32)))))
  (type $point3 (sub $point (struct (field $x (mut i32)) (field $y (mut i32)) (field $z i64))))
  (type $other (struct (field f32)))
  (type $bytes (array (mut i8)))
  (type $ints (array (mut i32)))
  (global $p (mut (ref null $point)) (ref.null $point))
  (func $mk (param i32 i32) (result (ref $point)) (struct.new $point (local.get 0) (local.get 1)))
  (func (export "sum") (param i32 i32) (result i32)
    (local $q (ref $point))
    (local.set $q (call $mk (local.get 0) (local.get 1)))
    (struct.set $point $x (local.get $q) (i32.add (struct.get $point $x (local.get $q)) (i32.const 100)))
    (i32.add (struct.get $point $x (local.get $q)) (struct.get $point $y (local.get $q))))
  (func (export "bytes") (result i32 i32 i32)
    (local $b (ref $bytes))
    (local.set $b (array.new $bytes (i32.const 200) (i32.const 4)))
    (array.fill $bytes (local.get $b) (i32.const 1) (i32.const -1) (i32.const 2))
    (array.copy $bytes $bytes (local.get $b) (i32.const 0) (local.get $b) (i32.const 2) (i32.const 2))
    (array.get_s $bytes (local.get $b) (i32.const 0))
    (array.get_u $bytes (local.get $b) (i32.const 1))
    (array.get_u $bytes (local.get $b) (i32.const 3)))
  (func (export "cast_ok") (result i32)
    (struct.get $point $y (ref.cast (ref $point)
      (struct.new $point3 (i32.const 1) (i32.const 2) (i64.const 3)))))
  (func (export "cast_wrong") (result i32)
    (drop (ref.cast (ref $point3) (struct.new $point (i32.const 1) (i32.const 2)))) (i32.const 0))
  (func (export "cast_other") (result i32)
    (drop (ref.cast (ref $point) (struct.new $other (f32.const 1)))) (i32.const 0))
  (func (export "test") (param anyref) (result i32 i32 i32 i32)
    (ref.test (ref $point) (local.get 0))
    (ref.test (ref $point3) (local.get 0))
    (ref.test (ref i31) (local.get 0))
    (ref.test (ref null eq) (local.get 0)))
  (func (export "null_struct") (result i32) (struct.get $point $x (global.get $p)))
  (func (export "null_struct_set") (struct.set $point $y (global.get $p) (i32.const 1)))
  (func (export "null_array") (result i32) (array.len (ref.null $ints)))
  (func (export "null_array_get") (result i32) (array.get $ints (ref.null $ints) (i32.const 0)))
  (func (export "null_array_set") (array.set $bytes (ref.null $bytes) (i32.const 0) (i32.const 1)))
  (func (export "bounds") (param i32) (result i32)
    (array.get $ints (array.new_default $ints (i32.const 3)) (local.get 0)))
  (func (export "fill_bounds")
    (array.fill $ints (array.new_default $ints (i32.const 3)) (i32.const 2) (i32.const 0) (i32.const 2)))
  (func (export "null_i31") (result i32) (i31.get_s (ref.null i31)))
  (func (export "i31") (param i32) (result i32 i32)
    (i31.get_s (ref.i31 (local.get 0))) (i31.get_u (ref.i31 (local.get 0))))
  (func (export "big") (param i32) (result i32) (array.len (array.new_default $ints (local.get 0))))
  (func (export "on_cast") (param anyref) (result i32)
    (block $is (result (ref $point))
      (br_on_cast $is anyref (ref $point) (local.get 0))
      (drop)
      (return (i32.const -1)))
    (struct.get $point $y))
  (func (export "on_cast_fail") (param anyref) (result i32)
    (block $not (result anyref)
      (return (struct.get $point $x (br_on_cast_fail $not anyref (ref $point) (local.get 0)))))
    (drop)
    (i32.const -2))
  (func (export "keep") (param i32 i32) (global.set $p (call $mk (local.get 0) (local.get 1))))
  (func (export "get") (result anyref) (global.get $p))
  (func (export "extern") (result externref) (extern.convert_any (global.get $p)))
  (type $cell (struct (field i32) (field (ref null $cell))))
  ;; n short-lived structs; every 1000000th is kept on a list; the sum of the kept fields.
  (func (export "churn") (param $n i32) (result i32)
    (local $i i32) (local $keep (ref null $cell)) (local $sum i32)
    (loop $l
      (drop (struct.new $cell (local.get $i) (ref.null $cell)))
      (if (i32.eqz (i32.rem_u (local.get $i) (i32.const 1000000)))
        (then (local.set $keep (struct.new $cell (local.get $i) (local.get $keep)))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (block $done
      (loop $walk
        (br_if $done (ref.is_null (local.get $keep)))
        (local.set $sum (i32.add (local.get $sum) (struct.get $cell 0 (local.get $keep))))
        (local.set $keep (struct.get $cell 1 (local.get $keep)))
        (br $walk)))
    (local.get $sum))
  ;; A list of n live cells: its length.
  (func (export "list") (param $n i32) (result i32)
    (local $l (ref null $cell)) (local $len i32)
    (loop $x
      (local.set $l (struct.new $cell (local.get $n) (local.get $l)))
      (br_if $x (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (block $done
      (loop $walk
        (br_if $done (ref.is_null (local.get $l)))
        (local.set $len (i32.add (local.get $len) (i32.const 1)))
        (local.set $l (struct.get $cell 1 (local.get $l)))
        (br $walk)))
    (local.get $len))
  (func (export "fresh") (result anyref) (call $mk (i32.const 8) (i32.const 9)))
  (func (export "y") (param anyref) (result i32) (struct.get $point $y (ref.cast (ref $point) (local.get 0))))
  (func (export "back") (param externref) (result i32)
    (struct.get $point $y (ref.cast (ref $point) (any.convert_extern (local.get 0)))))
  (type $thunk (func (result i32)))
  (global $no_fn (mut (ref null $thunk)) (ref.null $thunk))
  (func (export "null_call_ref") (result i32) (call_ref $thunk (global.get $no_fn)))
)"#;

fn instance(limits: Limits) -> (Store, wasmscope::InstanceId) {
    let mut store = Store::new(limits);
    let m = Rc::new(Module::new(GC.as_bytes()).unwrap_or_else(|e| panic!("{e}")));
    let id = store.instantiate(m).unwrap();
    (store, id)
}

fn trap(store: &mut Store, id: wasmscope::InstanceId, f: &str, args: &[Value]) -> String {
    store.invoke(id, f, args).map(|v| panic!("{f}: no trap, got {v:?}")).unwrap_err().to_string()
}

#[test]
fn structs_arrays_and_i31_run() {
    let (mut store, id) = instance(Limits::default());
    assert_eq!(store.invoke(id, "sum", &[Value::I32(1), Value::I32(2)]).unwrap(), [Value::I32(103)]);
    // Four 200s (-56 as i8); -1 at 1..3: [200, 255, 255, 200]; [0..2] copied from [2..4]:
    // [255, 200, 255, 200].
    let got = store.invoke(id, "bytes", &[]).unwrap();
    assert_eq!(got, [Value::I32(-1), Value::I32(200), Value::I32(200)]);
    assert_eq!(store.invoke(id, "cast_ok", &[]).unwrap(), [Value::I32(2)]);
    assert_eq!(store.invoke(id, "i31", &[Value::I32(-3)]).unwrap(), [Value::I32(-3), Value::I32(0x7fff_fffd)]);
    assert_eq!(store.invoke(id, "big", &[Value::I32(1000)]).unwrap(), [Value::I32(1000)]);
}

#[test]
fn traps_have_the_spec_messages() {
    let (mut store, id) = instance(Limits::default());
    assert_eq!(trap(&mut store, id, "cast_wrong", &[]), "cast failure");
    assert_eq!(trap(&mut store, id, "cast_other", &[]), "cast failure");
    assert_eq!(trap(&mut store, id, "null_struct", &[]), "null structure reference");
    assert_eq!(trap(&mut store, id, "null_struct_set", &[]), "null structure reference");
    assert_eq!(trap(&mut store, id, "null_array", &[]), "null array reference");
    assert_eq!(trap(&mut store, id, "null_array_get", &[]), "null array reference");
    assert_eq!(trap(&mut store, id, "null_array_set", &[]), "null array reference");
    assert_eq!(trap(&mut store, id, "null_call_ref", &[]), "null function reference");
    assert_eq!(trap(&mut store, id, "bounds", &[Value::I32(3)]), "out of bounds array access");
    assert_eq!(trap(&mut store, id, "bounds", &[Value::I32(-1)]), "out of bounds array access");
    assert_eq!(store.invoke(id, "bounds", &[Value::I32(2)]).unwrap(), [Value::I32(0)]);
    assert_eq!(trap(&mut store, id, "fill_bounds", &[]), "out of bounds array access");
    assert_eq!(trap(&mut store, id, "null_i31", &[]), "null i31 reference");
}

#[test]
fn the_heap_limit_traps_cleanly() {
    let (mut store, id) = instance(Limits { max_heap_bytes: 1 << 20, ..Limits::default() });
    assert_eq!(store.invoke(id, "big", &[Value::I32(1000)]).unwrap(), [Value::I32(1000)]);
    let e = trap(&mut store, id, "big", &[Value::I32(1 << 20)]);
    assert!(e.starts_with("out of memory"), "{e}");
    // A length near 2^32 too (no overflow, no abort).
    let e = trap(&mut store, id, "big", &[Value::I32(-1)]);
    assert!(e.starts_with("out of memory"), "{e}");
    assert_eq!(store.invoke(id, "big", &[Value::I32(10)]).unwrap(), [Value::I32(10)]);
}

#[test]
fn casts_tests_and_conversions() {
    let (mut store, id) = instance(Limits::default());
    store.invoke(id, "keep", &[Value::I32(5), Value::I32(6)]).unwrap();
    let [p] = store.invoke(id, "get", &[]).unwrap()[..] else { panic!() };
    assert!(matches!(p, Value::AnyRef(Some(_))), "{p:?}");
    let one = |b: bool| Value::I32(b as i32);
    assert_eq!(store.invoke(id, "test", &[p]).unwrap(), [one(true), one(false), one(false), one(true)]);
    assert_eq!(
        store.invoke(id, "test", &[Value::AnyRef(None)]).unwrap(),
        [one(false), one(false), one(false), one(true)]
    );
    assert_eq!(store.invoke(id, "on_cast", &[p]).unwrap(), [Value::I32(6)]);
    assert_eq!(store.invoke(id, "on_cast", &[Value::AnyRef(None)]).unwrap(), [Value::I32(-1)]);
    assert_eq!(store.invoke(id, "on_cast_fail", &[p]).unwrap(), [Value::I32(5)]);
    assert_eq!(store.invoke(id, "on_cast_fail", &[Value::AnyRef(None)]).unwrap(), [Value::I32(-2)]);
    // Out as an externref and back in: the same object.
    let [x] = store.invoke(id, "extern", &[]).unwrap()[..] else { panic!() };
    assert!(matches!(x, Value::ExternAny(_)), "{x:?}");
    assert_eq!(store.invoke(id, "back", &[x]).unwrap(), [Value::I32(6)]);
}

/// Every observable state: the snapshot (stop reason normalised) and the whole heap.
type Heap = (Vec<Option<(u32, Vec<u64>)>>, Vec<u32>);
fn state(s: &mut Session) -> (Snapshot, Heap) {
    let mut snap = s.snapshot();
    snap.stop = StopReason::Step;
    snap.last_writes.clear();
    snap.history = 0;
    (snap, s.store().heap.state())
}

/// Single-steps `f` to its end, then steps back to the start, each state exact; returns the
/// instructions' texts.
fn step_and_back(f: &str, args: &[Value], want: Vec<Value>) -> Vec<String> {
    let mut s = Session::load(GC.as_bytes(), Limits::default(), Config::default()).unwrap();
    s.start(f, args).unwrap();
    let mut states = vec![state(&mut s)];
    let mut texts = Vec::new();
    loop {
        texts.push(s.position().map(|p| p.text).unwrap_or_default());
        match s.step_into() {
            StopReason::Step => states.push(state(&mut s)),
            other => {
                assert_eq!(other, StopReason::Finished(want), "{f}: {texts:?}");
                break;
            }
        }
    }
    for i in (0..states.len()).rev() {
        assert_eq!(s.step_back(), StopReason::Step, "{f}: step back to {i}");
        assert!(state(&mut s) == states[i], "{f}: state {i} ({}) differs after step back", texts[i]);
    }
    assert_eq!(s.step_back(), StopReason::HistoryStart);
    texts
}

#[test]
fn step_back_across_struct_set_fill_copy_and_allocation() {
    let texts = step_and_back("sum", &[Value::I32(1), Value::I32(2)], vec![Value::I32(103)]);
    for t in ["struct.new $point", "struct.set $point $x", "struct.get $point $y"] {
        assert!(texts.iter().any(|x| x == t), "{t} not in {texts:?}");
    }
    let texts = step_and_back("bytes", &[], vec![Value::I32(-1), Value::I32(200), Value::I32(200)]);
    for t in ["array.new $bytes", "array.fill $bytes", "array.copy $bytes $bytes", "array.get_s $bytes"] {
        assert!(texts.iter().any(|x| x == t), "{t} not in {texts:?}");
    }
    step_and_back("cast_ok", &[], vec![Value::I32(2)]);
}

#[test]
fn br_on_cast_steps_both_ways_and_back() {
    let (mut store, id) = instance(Limits::default());
    store.invoke(id, "keep", &[Value::I32(5), Value::I32(6)]).unwrap();
    // A session of its own: the argument is one of its own objects.
    let mut s = Session::load(GC.as_bytes(), Limits::default(), Config::default()).unwrap();
    s.start("keep", &[Value::I32(5), Value::I32(6)]).unwrap();
    assert_eq!(s.resume(1000), StopReason::Finished(vec![]));
    s.start("get", &[]).unwrap();
    let StopReason::Finished(v) = s.resume(1000) else { panic!() };
    for (f, arg, want) in [
        ("on_cast", v[0], 6),
        ("on_cast", Value::AnyRef(None), -1),
        ("on_cast_fail", v[0], 5),
        ("on_cast_fail", Value::AnyRef(None), -2),
    ] {
        s.start(f, &[arg]).unwrap();
        let start = state(&mut s);
        let mut n = 0;
        let stop = loop {
            match s.step_into() {
                StopReason::Step => n += 1,
                other => break other,
            }
        };
        assert_eq!(stop, StopReason::Finished(vec![Value::I32(want)]), "{f}");
        // (The last step, which finished, is in the history too.)
        for _ in 0..=n {
            assert_eq!(s.step_back(), StopReason::Step);
        }
        assert!(state(&mut s) == start, "{f}: not back at the start");
        assert_eq!(s.resume(1000), StopReason::Finished(vec![Value::I32(want)]));
    }
}

#[test]
fn rec_groups_link_across_modules() {
    let mut store = Store::new(Limits::default());
    let a = r#"(module
      (rec (type $n (struct (field (ref null $n)))) (type $f (func (param (ref null $n)) (result i32))))
      (func (export "f") (type $f) (i32.const 7)))"#;
    let m = Rc::new(Module::new(a.as_bytes()).unwrap());
    let id = store.instantiate(m).unwrap();
    store.register("a", id);
    // The same group: links. A group of one type that looks alike: another type.
    let same = r#"(module
      (rec (type $n (struct (field (ref null $n)))) (type $f (func (param (ref null $n)) (result i32))))
      (import "a" "f" (func (type $f))))"#;
    store.instantiate(Rc::new(Module::new(same.as_bytes()).unwrap())).unwrap();
    let other = r#"(module
      (rec (type $n (struct (field (ref null $n)))))
      (type $f (func (param (ref null $n)) (result i32)))
      (import "a" "f" (func (type $f))))"#;
    let e = store.instantiate(Rc::new(Module::new(other.as_bytes()).unwrap())).unwrap_err();
    assert!(e.to_string().contains("incompatible import type"), "{e}");
}

#[test]
fn ten_million_short_lived_structs_run_in_bounded_memory() {
    // 10^7 structs of 32 bytes would be 320 MB; the heap may hold 8 MiB.
    let (mut store, id) = instance(Limits { max_heap_bytes: 8 << 20, ..Limits::default() });
    // A reference only the host holds survives the collections.
    let [fresh] = store.invoke(id, "fresh", &[]).unwrap()[..] else { panic!() };
    let Value::AnyRef(Some(cell)) = fresh else { panic!("{fresh:?}") };
    store.heap.hold(cell);
    let got = store.invoke(id, "churn", &[Value::I32(10_000_000)]).unwrap();
    assert_eq!(got, [Value::I32(45_000_000)]);
    let (collections, freed) = store.heap.collections();
    assert!(collections > 10 && freed > 9_000_000, "{collections} collections freed {freed}");
    assert!(store.heap.bytes() <= 8 << 20, "{} bytes live", store.heap.bytes());
    assert_eq!(store.invoke(id, "y", &[fresh]).unwrap(), [Value::I32(9)]);
    store.heap.release(cell);
    // Live objects are never freed: a list of 3.2 MB under a 1 MiB limit traps, after
    // collections found nothing to free; one of 320 KB fits.
    let (mut store, id) = instance(Limits { max_heap_bytes: 1 << 20, ..Limits::default() });
    assert_eq!(store.invoke(id, "list", &[Value::I32(10_000)]).unwrap(), [Value::I32(10_000)]);
    let e = trap(&mut store, id, "list", &[Value::I32(100_000)]);
    assert!(e.starts_with("out of memory"), "{e}");
}

#[test]
fn a_debugger_collects_at_full_speed_and_between_recorded_steps() {
    // The page's Run, which keeps no history: the machine collects, and the heap stays small.
    let limits = Limits { max_heap_bytes: 8 << 20, ..Limits::default() };
    let mut s = Session::load(GC.as_bytes(), limits, Config::default()).unwrap();
    s.start("churn", &[Value::I32(3_000_000)]).unwrap();
    assert_eq!(s.run_unrecorded(u64::MAX), StopReason::Finished(vec![Value::I32(3_000_000)]));
    let (collections, freed) = s.store().heap.collections();
    assert!(collections > 10 && freed > 2_000_000, "{collections} collections freed {freed}");
    assert!(s.store().heap.bytes() <= 8 << 20, "{} bytes live", s.store().heap.bytes());
    // Recording (Continue): the machine does not collect in an instruction, the session does
    // between them and records it (step back over it: tests/heap_view.rs), so a long
    // recorded run stays within the limit too.
    s.start("churn", &[Value::I32(100_000)]).unwrap();
    assert!(matches!(s.resume(u64::MAX), StopReason::Finished(_)));
    assert!(s.store().heap.collections().0 > collections, "no collection while recording");
    assert!(s.store().heap.bytes() <= 8 << 20, "{} bytes live", s.store().heap.bytes());
}
