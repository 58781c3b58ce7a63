//! Host functions that call back into wasm (`Caller::call`): results, nesting and its limit,
//! exceptions thrown across host frames (caught below them, swallowed by the host, thrown by
//! the host itself, uncaught, from a tail call), GC references of the waiting machine kept
//! alive while the callee allocates, and the debugger stepping over such a call.
#![cfg(not(target_arch = "wasm32"))]

use std::rc::Rc;
use wasmscope::debug::{Config, Session, StopReason};
use wasmscope::value::{FuncType, ValType};
use wasmscope::{Call, Caller, Error, Extern, InstanceId, Limits, Module, Store, Trap, Value};

/// `env.back(n)` calls the calling instance's export `name` with `n` and returns its
/// result; `env.swallow(n)` does the same but turns an escaping exception into -1;
/// `env.raise(n)` throws the instance's exported tag `e` with `n * 10`.
fn store_with_hosts() -> Store {
    let mut store = Store::new(Limits::default());
    let ty = FuncType::new([ValType::I32], [ValType::I32]);
    let back = store.host_func(ty.clone(), |c: &mut Caller<'_>, args| c.call_export("inner", args));
    let swallow = store.host_func(ty.clone(), |c: &mut Caller<'_>, args| match c.call_export("inner", args) {
        Err(t) if t.code == wasmscope::TrapCode::UncaughtException => Ok(vec![Value::I32(-1)]),
        r => r,
    });
    let raise = store.host_func(ty, |c: &mut Caller<'_>, args| {
        let Some(Extern::Tag(tag)) = c.get_export("e") else { return Err(Trap::host("no tag e")) };
        let Value::I32(n) = args[0] else { return Err(Trap::host("bad argument")) };
        Err(c.throw(tag, &[Value::I32(n * 10)])?)
    });
    store.define("env", "back", back);
    store.define("env", "swallow", swallow);
    store.define("env", "raise", raise);
    store
}

const WAT: &str = r#"(module
  (import "env" "back" (func $back (param i32) (result i32)))
  (import "env" "swallow" (func $swallow (param i32) (result i32)))
  (import "env" "raise" (func $raise (param i32) (result i32)))
  (tag $e (export "e") (param i32))
  (global $g (mut i32) (i32.const 0))
  ;; inner(n): n = 0 throws $e 7; n > 0 goes back through the host with n - 1, adding n.
  (func $inner (export "inner") (param $n i32) (result i32)
    (global.set $g (i32.add (global.get $g) (i32.const 1)))
    (if (i32.eqz (local.get $n)) (then (throw $e (i32.const 7))))
    (if (i32.lt_s (local.get $n) (i32.const 0)) (then (return (i32.const 1000))))
    (i32.add (local.get $n) (call $back (i32.sub (local.get $n) (i32.const 1)))))
  ;; Catches $e thrown any number of host frames up: the payload + 100.
  (func (export "outer") (param $n i32) (result i32)
    (block $h (result i32)
      (try_table (catch $e $h)
        (return (call $back (local.get $n))))
      (unreachable))
    (i32.const 100) (i32.add))
  (func (export "swallowed") (param $n i32) (result i32) (call $swallow (local.get $n)))
  (func (export "raised") (param $n i32) (result i32)
    (block $h (result i32)
      (try_table (catch $e $h) (return (call $raise (local.get $n))))
      (unreachable)))
  ;; A tail call to a host function that throws: the tail-calling frame is gone, so its
  ;; handler must not catch; the one below does (+ 1).
  (func $tail (param $n i32) (result i32)
    (block $h (result i32)
      (try_table (catch $e $h) (return_call $raise (local.get $n)))
      (unreachable))
    (drop) (i32.const -5))
  (func (export "tail") (param $n i32) (result i32)
    (block $h (result i32)
      (try_table (catch $e $h) (return (call $tail (local.get $n))))
      (unreachable))
    (i32.const 1) (i32.add))
  (func (export "plain") (param $n i32) (result i32) (call $back (i32.sub (i32.const 0) (local.get $n))))
  (func (export "count") (result i32) (global.get $g)))"#;

fn setup() -> (Store, InstanceId) {
    let mut store = store_with_hosts();
    let id = store.instantiate(Rc::new(Module::new(WAT.as_bytes()).unwrap())).unwrap();
    (store, id)
}

fn call(store: &mut Store, id: InstanceId, f: &str, n: i32) -> Result<Vec<Value>, Error> {
    store.invoke(id, f, &[Value::I32(n)])
}

#[test]
fn a_host_function_calls_back_into_wasm() {
    let (mut store, id) = setup();
    // plain(3): back(-3) → inner(-3) returns 1000.
    assert_eq!(call(&mut store, id, "plain", 3).unwrap(), [Value::I32(1000)]);
    assert_eq!(store.invoke(id, "count", &[]).unwrap(), [Value::I32(1)], "inner ran once, in the same instance");
}

#[test]
fn an_exception_crosses_host_frames_to_the_handler_below() {
    let (mut store, id) = setup();
    // outer(n): back → inner(n) → back → inner(n-1) … → inner(0) throws $e 7 through n + 1
    // host frames; outer catches it: 107, and every level counted itself.
    for n in [0, 1, 2, 3] {
        let before = match store.invoke(id, "count", &[]).unwrap()[0] {
            Value::I32(c) => c,
            ref v => panic!("{v:?}"),
        };
        assert_eq!(call(&mut store, id, "outer", n).unwrap(), [Value::I32(107)], "n = {n}");
        assert_eq!(store.invoke(id, "count", &[]).unwrap(), [Value::I32(before + n + 1)]);
    }
}

#[test]
fn a_host_can_swallow_an_exception_or_throw_its_own() {
    let (mut store, id) = setup();
    assert_eq!(call(&mut store, id, "swallowed", 0).unwrap(), [Value::I32(-1)]);
    assert_eq!(call(&mut store, id, "swallowed", -2).unwrap(), [Value::I32(1000)]);
    // raise(4) throws $e 40 from the host: caught by the wasm frame below.
    assert_eq!(call(&mut store, id, "raised", 4).unwrap(), [Value::I32(40)]);
    // From a tail call: the handler of the frame that tail-called is gone.
    assert_eq!(call(&mut store, id, "tail", 3).unwrap(), [Value::I32(31)]);
}

#[test]
fn an_exception_no_frame_catches_names_its_tag_and_payload() {
    let (mut store, id) = setup();
    // inner(2) → back → inner(1) → back → inner(0) throws: nothing catches.
    let Err(Error::Trap(t)) = call(&mut store, id, "inner", 2) else { panic!("expected a trap") };
    assert_eq!(t.code, wasmscope::TrapCode::UncaughtException);
    let text = t.to_string();
    assert!(text.contains("uncaught exception") && text.contains("$e") && text.contains("i32:7"), "{text}");
    // The store is fine afterwards.
    assert_eq!(call(&mut store, id, "outer", 2).unwrap(), [Value::I32(107)]);
}

#[test]
fn deep_host_nesting_is_a_trap_not_a_crash() {
    let (mut store, id) = setup();
    // 150 host frames pass the nesting limit (100 deep, or 512 KiB of Rust stack).
    // (A nesting takes about 110 KB of Rust stack in a debug build: the limit is then
    // reached sooner, by the stack it uses.)
    assert_eq!(call(&mut store, id, "outer", 3).unwrap(), [Value::I32(107)]);
    let Err(Error::Trap(t)) = call(&mut store, id, "outer", 150) else { panic!("expected a trap") };
    assert_eq!(t.code, wasmscope::TrapCode::CallStackExhausted, "{t}");
}

#[test]
fn references_of_the_waiting_machine_survive_collections_in_the_callee() {
    let mut store = Store::new(Limits::default());
    let churn = store.host_func(FuncType::new([], []), |c: &mut Caller<'_>, _| c.call_export("churn", &[]));
    store.define("env", "churn", churn);
    let wat = r#"(module
      (import "env" "churn" (func $churn))
      (type $box (struct (field i32)))
      ;; Allocates 300,000 short-lived boxes (several collections).
      (func (export "churn")
        (local $i i32)
        (loop $l
          (drop (struct.new $box (local.get $i)))
          (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 300000)))))
      ;; Holds a box on the operand stack and in a local across the host call.
      (func (export "keep") (result i32)
        (local $b (ref null $box))
        (local.set $b (struct.new $box (i32.const 41)))
        (struct.new $box (i32.const 1))
        (call $churn)
        (struct.get $box 0)
        (struct.get $box 0 (local.get $b))
        (i32.add)))"#;
    let id = store.instantiate(Rc::new(Module::new(wat.as_bytes()).unwrap())).unwrap();
    assert_eq!(store.invoke(id, "keep", &[]).unwrap(), [Value::I32(42)]);
    let (collections, _) = store.heap.collections();
    assert!(collections > 0, "the callee's allocations collected the heap");
}

#[test]
fn the_debugger_steps_over_a_host_call_that_calls_back() {
    let store = store_with_hosts();
    let mut store = store;
    let id = store.instantiate(Rc::new(Module::new(WAT.as_bytes()).unwrap())).unwrap();
    let mut s = Session::new(store, id, Config::default());
    s.start("outer", &[Value::I32(3)]).unwrap();
    let mut stops = 0;
    let stop = loop {
        let stop = s.step_into();
        stops += 1;
        if !matches!(stop, StopReason::Step) || stops > 10_000 {
            break stop;
        }
    };
    assert_eq!(stop, StopReason::Finished(vec![Value::I32(107)]));
    // The call that went back into wasm ends the history: step back stops after it.
    assert!(s.history_len() < stops, "history {} of {stops} steps", s.history_len());
    let back = s.step_back();
    assert!(matches!(back, StopReason::Step | StopReason::HistoryStart), "{back:?}");
}
