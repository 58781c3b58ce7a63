//! Exception handling: `throw`/`try_table` across ten frames, `catch_ref` + `throw_ref`,
//! `catch_all`, the uncaught message (tag and payload), tags across instances, the legacy
//! `try`/`catch`/`catch_all`/`delegate`/`rethrow`, the CLI's exit code and `--trace`,
//! step back across a throw that unwinds frames, restoring the exact state, an `anyref` in a
//! payload surviving GC collections, and exception objects collected (those still referred
//! to kept).
#![cfg(not(target_arch = "wasm32"))]

use std::rc::Rc;
use wasmscope::debug::{Config, Session, StopReason};
use wasmscope::{Call, Error, Limits, Module, Store, Value};

const EXN: &str = r#"(module
  (tag $e (export "e") (param i32))
  (tag $f (param i64 f64))
  (tag $empty)
  ;; Recurses $n frames deep, then throws $e with $n's first value.
  (func $deep (param $n i32) (param $v i32)
    (if (i32.eqz (local.get $n)) (then (throw $e (local.get $v))))
    (call $deep (i32.sub (local.get $n) (i32.const 1)) (local.get $v)))
  ;; Catches $e thrown 10 frames down: the payload + 1.
  (func (export "ten") (param $v i32) (result i32)
    (local $pad i64)
    (i32.add (i32.const 1)
      (block $h (result i32)
        (try_table (catch $e $h)
          (call $deep (i32.const 10) (local.get $v)))
        (i32.const -1))))
  ;; catch_ref, then throw_ref it again to an outer catch (the same exception).
  (func (export "rethrow_ref") (param $v i32) (result i32)
    (block $outer (result i32)
      (try_table (catch $e $outer)
        (block $inner (result i32 exnref)
          (try_table (catch_ref $e $inner)
            (call $deep (i32.const 3) (local.get $v)))
          (unreachable))
        (drop (i32.const 100))
        (throw_ref))
      (unreachable))
    (i32.const 1000) (i32.add))
  ;; catch_all and catch_all_ref, of a tag no clause names.
  (func (export "all") (result i32)
    (block $h
      (try_table (catch $empty $h) (catch_all $h)
        (throw $f (i64.const 1) (f64.const 2.5))))
    (block $h2 (result exnref)
      (try_table (catch_all_ref $h2) (throw $empty))
      (unreachable))
    (ref.is_null) (i32.add (i32.const 7)))
  ;; A clause to the function's label: the payload is the result.
  (func $ret (export "ret") (result i32)
    (try_table (catch $e 0) (call $deep (i32.const 2) (i32.const 33)))
    (i32.const -5))
  (func (export "to_label") (result i32) (i32.add (i32.const 1) (call $ret)))
  (func (export "uncaught") (param i32) (call $deep (i32.const 2) (local.get 0)))
  (func (export "uncaught_f") (throw $f (i64.const -3) (f64.const 0.5)))
  (func (export "null_ref") (throw_ref (ref.null exn)))
)"#;

const LEGACY: &str = r#"(module
  (tag $e (param i32))
  (tag $g)
  (func $thrower (param i32) (throw $e (local.get 0)))
  ;; try/catch: the payload, doubled.
  (func (export "catch") (param i32) (result i32)
    try (result i32)
      (call $thrower (local.get 0))
      i32.const -1
    catch $g
      i32.const -2
    catch $e
      i32.const 2
      i32.mul
    end)
  ;; catch_all
  (func (export "catch_all") (result i32)
    try (result i32)
      throw $g
    catch_all
      i32.const 5
    end)
  ;; delegate to the outer try, whose catch takes it (the inner catch does not).
  (func (export "delegate") (param i32) (result i32)
    try $outer (result i32)
      try (result i32)
        try (result i32)
          (call $thrower (local.get 0))
          i32.const -1
        delegate $outer
      catch $e
        drop
        i32.const -100
      end
    catch $e
      i32.const 1000
      i32.add
    end)
  ;; delegate to the function's label: the caller's handler catches.
  (func $to_caller (param i32) (result i32)
    try (result i32)
      (call $thrower (local.get 0))
      i32.const 0
    delegate 0)
  (func (export "delegate_caller") (param i32) (result i32)
    try (result i32)
      (call $to_caller (local.get 0))
    catch $e
      i32.const 77
      i32.add
    end)
  ;; rethrow from a catch body, caught by an outer try.
  (func (export "rethrow") (param i32) (result i32)
    try (result i32)
      try (result i32)
        (call $thrower (local.get 0))
        i32.const -1
      catch $e
        drop
        rethrow 0
      end
    catch $e
      i32.const 3
      i32.add
    end)
  ;; rethrow out of every frame.
  (func (export "rethrow_uncaught")
    try
      throw $g
    catch_all
      rethrow 0
    end)
  ;; A try without catches, and a throw from inside a catch body, not caught by it.
  (func (export "nested") (result i32)
    try (result i32)
      try
        nop
      end
      try (result i32)
        throw $g
      catch $g
        (throw $e (i32.const 9))
      end
    catch $e
    end)
)"#;

fn instance(wat: &str) -> (Store, wasmscope::InstanceId) {
    let mut store = Store::new(Limits::default());
    let m = Rc::new(Module::new(wat.as_bytes()).unwrap_or_else(|e| panic!("{e}")));
    let id = store.instantiate(m).unwrap();
    (store, id)
}

fn i32s(v: &[i32]) -> Vec<Value> {
    v.iter().map(|&x| Value::I32(x)).collect()
}

#[test]
fn throw_and_catch_across_ten_frames_catch_ref_throw_ref_and_catch_all() {
    let (mut store, id) = instance(EXN);
    assert_eq!(store.invoke(id, "ten", &i32s(&[41])).unwrap(), i32s(&[42]));
    assert_eq!(store.invoke(id, "rethrow_ref", &i32s(&[5])).unwrap(), i32s(&[1005]));
    assert_eq!(store.invoke(id, "all", &[]).unwrap(), i32s(&[7]));
    assert_eq!(store.invoke(id, "ret", &[]).unwrap(), i32s(&[33]));
    assert_eq!(store.invoke(id, "to_label", &[]).unwrap(), i32s(&[34]));
    // The same single-stepped (every call one instruction at a time) and the `match` alone.
    for config in [
        wasmscope::exec::Config { run_slice: 1, threaded: true },
        wasmscope::exec::Config { run_slice: 3, threaded: false },
    ] {
        assert_eq!(config.invoke(&mut store, id, "ten", &i32s(&[41])).unwrap(), i32s(&[42]));
        assert_eq!(config.invoke(&mut store, id, "rethrow_ref", &i32s(&[5])).unwrap(), i32s(&[1005]));
        assert_eq!(config.invoke(&mut store, id, "all", &[]).unwrap(), i32s(&[7]));
        assert_eq!(config.invoke(&mut store, id, "ret", &[]).unwrap(), i32s(&[33]));
        assert_eq!(config.invoke(&mut store, id, "to_label", &[]).unwrap(), i32s(&[34]));
    }
}

#[test]
fn an_uncaught_exception_names_its_tag_and_payload() {
    let (mut store, id) = instance(EXN);
    let err = store.invoke(id, "uncaught", &i32s(&[42])).unwrap_err();
    assert_eq!(err.to_string(), "uncaught exception: tag 0 ($e) with payload [i32:42]", "{err:?}");
    let Error::Trap(t) = &err else { panic!("{err:?}") };
    assert_eq!(t.code, wasmscope::TrapCode::UncaughtException);
    let err = store.invoke(id, "uncaught_f", &[]).unwrap_err();
    assert_eq!(err.to_string(), "uncaught exception: tag 1 ($f) with payload [i64:-3, f64:0.5]");
    let err = store.invoke(id, "null_ref", &[]).unwrap_err();
    assert_eq!(err.to_string(), "null exception reference");
    // Without a name (no `$id`, so no name section) the export names the tag.
    let wat = r#"(module (tag (export "boom") (param i32)) (func (export "f") (throw 0 (i32.const 1))))"#;
    let mut store = Store::new(Limits::default());
    let m = Module::new(wat.as_bytes()).unwrap();
    let id = store.instantiate(Rc::new(m)).unwrap();
    let err = store.invoke(id, "f", &[]).unwrap_err();
    assert_eq!(err.to_string(), "uncaught exception: tag 0 (export \"boom\") with payload [i32:1]");
}

#[test]
fn tags_are_linked_by_identity_across_instances() {
    let mut store = Store::new(Limits::default());
    let a = Rc::new(
        Module::new(
            r#"(module (tag (export "t") (param i32))
        (func (export "throw") (param i32) (throw 0 (local.get 0))))"#
                .as_bytes(),
        )
        .unwrap(),
    );
    let a1 = store.instantiate(a.clone()).unwrap();
    let a2 = store.instantiate(a).unwrap();
    store.register("a1", a1);
    store.register("a2", a2);
    // Imports a1's tag and both throwers: only a1's exceptions are its tag's.
    let b = Module::new(
        r#"(module (import "a1" "t" (tag $t (param i32)))
        (import "a1" "throw" (func $t1 (param i32)))
        (import "a2" "throw" (func $t2 (param i32)))
        (func (export "which") (param i32) (result i32)
          (block $mine (result i32)
            (try_table (catch $t $mine) (catch_all 1)
              (if (local.get 0) (then (call $t1 (i32.const 1))) (else (call $t2 (i32.const 2)))))
            (i32.const -1))
          (return))
        )"#
        .as_bytes(),
    );
    // (`catch_all 1` above is the function's label: a return with no values would not type.)
    assert!(b.is_err(), "the catch_all to the function's label needs an i32");
    let b = Rc::new(
        Module::new(
            r#"(module (import "a1" "t" (tag $t (param i32)))
        (import "a1" "throw" (func $t1 (param i32)))
        (import "a2" "throw" (func $t2 (param i32)))
        (func (export "which") (param i32) (result i32)
          (block $other
            (block $mine (result i32)
              (try_table (catch $t $mine) (catch_all $other)
                (if (local.get 0) (then (call $t1 (i32.const 1))) (else (call $t2 (i32.const 2)))))
              (i32.const -1))
            (return))
          (i32.const 99)))"#
                .as_bytes(),
        )
        .unwrap(),
    );
    let id = store.instantiate(b).unwrap();
    assert_eq!(store.invoke(id, "which", &i32s(&[1])).unwrap(), i32s(&[1]));
    assert_eq!(store.invoke(id, "which", &i32s(&[0])).unwrap(), i32s(&[99]));
    // A tag of another type does not link.
    let c = Rc::new(Module::new(r#"(module (import "a1" "t" (tag (param i64))))"#.as_bytes()).unwrap());
    assert!(matches!(store.instantiate(c), Err(Error::Link(_))));
}

#[test]
fn legacy_try_catch_delegate_rethrow() {
    let (mut store, id) = instance(LEGACY);
    for config in [
        wasmscope::exec::Config::default(),
        wasmscope::exec::Config { run_slice: 1, threaded: true },
        wasmscope::exec::Config { run_slice: 2, threaded: true },
        wasmscope::exec::Config { run_slice: 3, threaded: false },
    ] {
        let mut call = |name: &str, args: &[i32]| config.invoke(&mut store, id, name, &i32s(args));
        assert_eq!(call("catch", &[21]).unwrap(), i32s(&[42]), "{config:?}");
        assert_eq!(call("catch_all", &[]).unwrap(), i32s(&[5]));
        assert_eq!(call("delegate", &[4]).unwrap(), i32s(&[1004]));
        assert_eq!(call("delegate_caller", &[3]).unwrap(), i32s(&[80]));
        assert_eq!(call("rethrow", &[6]).unwrap(), i32s(&[9]));
        assert_eq!(call("nested", &[]).unwrap(), i32s(&[9]));
        let err = call("rethrow_uncaught", &[]).unwrap_err();
        assert_eq!(err.to_string(), "uncaught exception: tag 1 ($g) with payload []");
    }
}

/// Every observable state, its stop reason normalised.
fn state(s: &mut Session) -> wasmscope::debug::Snapshot {
    let mut snap = s.snapshot();
    snap.stop = StopReason::Step;
    snap.last_writes.clear();
    snap.history = 0;
    snap
}

/// Steps the call to its end, then back to its start, checking every state on the way back.
fn step_there_and_back(wat: &str, func: &str, args: &[Value], want: StopReason) -> Vec<String> {
    let mut s = Session::load(wat.as_bytes(), Limits::default(), Config::default()).unwrap();
    s.start(func, args).unwrap();
    let mut states = vec![state(&mut s)];
    let mut texts = Vec::new();
    let stop = loop {
        texts.push(format!("{} {}", s.depth(), s.position().map(|p| p.text).unwrap_or_default()));
        match s.step_into() {
            StopReason::Step => states.push(state(&mut s)),
            other => break other,
        }
    };
    assert_eq!(stop, want, "{texts:?}");
    // A trap (an uncaught exception) leaves the state before the throw.
    if matches!(want, StopReason::Trapped(_)) {
        assert!(state(&mut s) == *states.last().unwrap(), "a trap moved the state");
    } else {
        // Back over the step that finished the call: the state before it.
        assert_eq!(s.step_back(), StopReason::Step);
        assert!(state(&mut s) == *states.last().unwrap(), "step back over the end");
    }
    while states.len() > 1 {
        let want = states.pop().unwrap();
        assert!(state(&mut s) == want, "state before the step back differs");
        assert_eq!(s.step_back(), StopReason::Step);
        let back = state(&mut s);
        let expected = states.last().unwrap();
        assert!(back == *expected, "step back to {}: {back:?}\n  want {expected:?}", texts[states.len() - 1]);
    }
    assert!(s.not_rewound().is_empty());
    texts
}

#[test]
fn step_back_across_a_throw_that_unwinds_frames_is_exact() {
    let texts = step_there_and_back(EXN, "ten", &i32s(&[41]), StopReason::Finished(i32s(&[42])));
    // The throw is one step from depth 12 (ten, 11 $deep) to `ten`'s handler.
    let at = texts.iter().position(|t| t.ends_with(" throw $e")).expect("a throw");
    assert!(texts[at].starts_with("12 "), "{}", texts[at]);
    assert!(texts[at + 1].starts_with("1 "), "{}", texts[at + 1]);
    step_there_and_back(EXN, "rethrow_ref", &i32s(&[5]), StopReason::Finished(i32s(&[1005])));
    step_there_and_back(EXN, "all", &[], StopReason::Finished(i32s(&[7])));
    // A clause to the function's label returns from the frame that catches.
    step_there_and_back(EXN, "to_label", &[], StopReason::Finished(i32s(&[34])));
    step_there_and_back(EXN, "ret", &[], StopReason::Finished(i32s(&[33])));
    let texts = step_there_and_back(LEGACY, "delegate_caller", &i32s(&[3]), StopReason::Finished(i32s(&[80])));
    assert!(texts.iter().any(|t| t.ends_with("delegate 0")) || texts.iter().any(|t| t.contains("try")), "{texts:?}");
    step_there_and_back(LEGACY, "rethrow", &i32s(&[6]), StopReason::Finished(i32s(&[9])));
    step_there_and_back(LEGACY, "delegate", &i32s(&[4]), StopReason::Finished(i32s(&[1004])));
    step_there_and_back(LEGACY, "nested", &[], StopReason::Finished(i32s(&[9])));
    // Uncaught: the step traps and leaves the state before the throw.
    let (mut store, id) = instance(EXN);
    let Err(Error::Trap(t)) = store.invoke(id, "uncaught", &i32s(&[1])) else { panic!() };
    step_there_and_back(EXN, "uncaught", &i32s(&[1]), StopReason::Trapped(t));
}

#[test]
fn a_legacy_catch_s_hidden_local_is_not_shown_as_an_operand() {
    let mut s = Session::load(LEGACY.as_bytes(), Limits::default(), Config::default()).unwrap();
    s.start("catch", &i32s(&[21])).unwrap();
    // To the first instruction of the catch body (`i32.const 2`).
    while s.position().is_some_and(|p| p.text != "i32.const 2") {
        assert_eq!(s.step_into(), StopReason::Step);
    }
    let f = s.frame(0).unwrap();
    assert_eq!(f.locals.len(), 1);
    let ops: Vec<Value> = f.operands.iter().map(|o| o.value).collect();
    assert_eq!(ops, i32s(&[21]), "the payload alone");
}

#[test]
fn disassembly_of_every_exception_instruction() {
    let mut s = Session::load(LEGACY.as_bytes(), Limits::default(), Config::default()).unwrap();
    let mut texts = Vec::new();
    for f in 0..9 {
        texts.extend(s.func_info(f).unwrap().lines.iter().map(|l| l.text.clone()));
    }
    for want in ["throw $e", "try (result i32)", "catch $g", "catch $e", "catch_all", "delegate 0", "rethrow 0"] {
        assert!(texts.iter().any(|t| t == want), "{want} not in {texts:?}");
    }
    let mut s = Session::load(EXN.as_bytes(), Limits::default(), Config::default()).unwrap();
    let mut texts = Vec::new();
    for f in 0..9 {
        texts.extend(s.func_info(f).unwrap().lines.iter().map(|l| l.text.clone()));
    }
    for want in ["try_table (catch $e 0)", "try_table (catch_ref $e 0)", "throw_ref", "try_table (catch_all_ref 0)"] {
        assert!(texts.iter().any(|t| t == want), "{want} not in {texts:?}");
    }
}

#[test]
fn cli_exits_134_on_an_uncaught_exception_and_traces_throws() {
    let dir = std::env::temp_dir().join(format!("wasmscope-exn-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("exn.wat");
    std::fs::write(&file, EXN).unwrap();
    let bin = env!("CARGO_BIN_EXE_wasmscope");
    let out = std::process::Command::new(bin).args(["run"]).arg(&file).args(["uncaught", "42"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(134), "{err}");
    assert!(err.contains("uncaught exception: tag 0 ($e) with payload [i32:42]"), "{err}");
    let out = std::process::Command::new(bin).args(["run", "--trace"]).arg(&file).args(["ten", "1"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("caught: lands at"), "{err}");
    // The throw's tag and payload, and the clause that catches it.
    assert!(err.contains("; exception $e with payload [i32:1], by catch $e in ten"), "{err}");
    let out =
        std::process::Command::new(bin).args(["run", "--trace"]).arg(&file).args(["uncaught", "1"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(134), "{err}");
    assert!(
        err.contains("throw $e thrown at") && err.contains(": uncaught; exception $e with payload [i32:1]"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

// ---- pause on exceptions ----

use wasmscope::debug::{ExceptionStop, PauseOnExceptions, ThrowKind, Unwinding};

const THREE: &str = r#"(module
  (tag $e (param i32))
  (func $thrower (param i32) (throw $e (local.get 0)))
  (func $middle (param i32) (call $thrower (local.get 0)))
  ;; Catches $e thrown two frames down: the payload + 1.
  (func $f (export "f") (param i32) (result i32)
    (block $h (result i32)
      (try_table (catch $e $h) (call $middle (local.get 0)))
      (i32.const -1))
    (i32.const 1)
    (i32.add))
  (func (export "uncaught") (param i32) (call $middle (local.get 0)))
)"#;

fn session(wat: &str, pause: PauseOnExceptions) -> Session {
    let mut s = Session::load(wat.as_bytes(), Limits::default(), Config::default()).unwrap();
    s.set_pause_on_exceptions(pause);
    s
}

fn paused(stop: StopReason) -> ExceptionStop {
    match stop {
        StopReason::Exception(e) => Rc::unwrap_or_clone(e),
        other => panic!("not paused on an exception: {other:?}"),
    }
}

/// The text of the instruction at `offset` of function `func`.
fn text_at(s: &mut Session, func: u32, offset: u32) -> String {
    let info = s.func_info(func).unwrap();
    info.lines[info.line_at(offset).expect("an instruction there")].text.clone()
}

fn unwinding(s: &mut Session) -> Vec<Option<Unwinding>> {
    s.frames().iter().map(|f| f.unwinding).collect()
}

#[test]
fn pause_on_a_caught_throw_across_three_frames_reports_its_handler() {
    let mut s = session(THREE, PauseOnExceptions::All);
    s.start("f", &i32s(&[42])).unwrap();
    // Continue stops at the throw, before anything is popped.
    let e = paused(s.resume(1000));
    assert_eq!(s.depth(), 3);
    assert_eq!(s.position().unwrap().text, "throw $e");
    assert_eq!((e.kind, e.tag, e.tag_name.as_str(), e.payload.clone()), (ThrowKind::Throw, 0, "$e", i32s(&[42])));
    assert!(e.caught);
    let h = e.handler.clone().expect("a handler");
    assert_eq!((h.frame, h.func, h.func_name.as_str(), h.clause.as_str(), h.returns), (0, 2, "f", "catch $e", false));
    // It lands after the block $h: at `i32.const 1`.
    assert_eq!(text_at(&mut s, 2, h.offset), "i32.const 1");
    assert_eq!(unwinding(&mut s), [Some(Unwinding::Catches), Some(Unwinding::Unwound), Some(Unwinding::Unwound)]);
    let at_throw = state(&mut s);
    // Step into performs the throw and lands at the handler with the payload pushed.
    assert_eq!(s.step_into(), StopReason::Step);
    assert_eq!(s.depth(), 1);
    let p = s.position().unwrap();
    assert_eq!((p.func, p.offset), (2, h.offset));
    assert_eq!(s.frame(0).unwrap().operands.last().map(|o| o.value), Some(Value::I32(42)));
    assert_eq!(unwinding(&mut s), [None]);
    // Step back returns to the throw exactly, paused on it again.
    assert_eq!(paused(s.step_back()), e);
    assert!(state(&mut s) == at_throw, "step back from the landing is not the throw's state");
    assert_eq!(unwinding(&mut s)[0], Some(Unwinding::Catches));
    // Continue from the pause throws (no second pause there) and finishes.
    assert_eq!(s.resume(1000), StopReason::Finished(i32s(&[43])));
}

#[test]
fn stepping_onto_a_throw_pauses_on_it_and_the_next_step_throws() {
    let mut s = session(THREE, PauseOnExceptions::Caught);
    s.start("f", &i32s(&[1])).unwrap();
    let mut steps = 0;
    let e = loop {
        match s.step_into() {
            StopReason::Step => steps += 1,
            other => break paused(other),
        }
    };
    assert!(steps > 3 && e.caught, "{steps} {e:?}");
    assert_eq!(s.position().unwrap().text, "throw $e");
    assert_eq!(s.step_into(), StopReason::Step);
    assert_eq!(s.depth(), 1);
    // A breakpoint on the throw stops there first; Continue then pauses on the exception
    // without executing anything, and Continue again throws.
    let mut s = session(THREE, PauseOnExceptions::All);
    let throw = s.func_info(0).unwrap().lines.iter().find(|l| l.text == "throw $e").unwrap().offset;
    let bp = s.add_breakpoint(0, throw, None).unwrap();
    s.start("f", &i32s(&[1])).unwrap();
    assert_eq!(s.resume(1000), StopReason::Breakpoint(bp));
    let executed = s.executed();
    assert!(paused(s.resume(1000)).caught);
    assert_eq!(s.executed(), executed);
    assert_eq!(s.resume(1000), StopReason::Finished(i32s(&[2])));
}

#[test]
fn pause_on_uncaught_only_and_caught_only() {
    // Uncaught: every frame is unwound, there is no handler; continuing ends the call with
    // the uncaught message.
    let mut s = session(THREE, PauseOnExceptions::Uncaught);
    s.start("uncaught", &i32s(&[7])).unwrap();
    let e = paused(s.resume(1000));
    assert_eq!((e.caught, e.handler.clone(), e.payload.clone()), (false, None, i32s(&[7])));
    assert_eq!(unwinding(&mut s), [Some(Unwinding::Unwound); 3]);
    let unmarked = |s: &mut Session| {
        let mut snap = state(s);
        snap.frames.iter_mut().for_each(|f| f.unwinding = None);
        snap
    };
    let before = unmarked(&mut s);
    let StopReason::Trapped(t) = s.step_into() else { panic!("not a trap") };
    assert_eq!(t.to_string(), "uncaught exception: tag 0 ($e) with payload [i32:7]");
    assert!(unmarked(&mut s) == before, "an uncaught throw moved the state");
    assert_eq!(unwinding(&mut s), [None; 3]);
    assert!(!s.is_running());
    // A caught throw does not pause with Uncaught.
    s.start("f", &i32s(&[7])).unwrap();
    assert_eq!(s.resume(1000), StopReason::Finished(i32s(&[8])));
    // Caught only: the uncaught one does not pause.
    let mut s = session(THREE, PauseOnExceptions::Caught);
    s.start("uncaught", &i32s(&[7])).unwrap();
    assert!(matches!(s.resume(1000), StopReason::Trapped(_)));
    assert_eq!(PauseOnExceptions::from_flags(true, true), PauseOnExceptions::All);
}

#[test]
fn pause_on_exceptions_none_never_pauses() {
    for (func, arg) in [("f", 3), ("uncaught", 3)] {
        let mut s = session(THREE, PauseOnExceptions::None);
        s.start(func, &i32s(&[arg])).unwrap();
        loop {
            match s.step_into() {
                StopReason::Step => assert!(s.frames().iter().all(|f| f.unwinding.is_none())),
                StopReason::Finished(v) => break assert_eq!(v, i32s(&[4])),
                StopReason::Trapped(t) => break assert_eq!(t.code, wasmscope::TrapCode::UncaughtException),
                other => panic!("{other:?}"),
            }
        }
        // Continue does not pause either.
        s.start(func, &i32s(&[arg])).unwrap();
        assert_eq!(s.resume(1000) == StopReason::Finished(i32s(&[4])), func == "f");
    }
    // What the next throw would throw can still be asked for.
    let mut s = session(THREE, PauseOnExceptions::None);
    s.start("f", &i32s(&[5])).unwrap();
    while s.position().unwrap().text != "throw $e" {
        s.step_into();
    }
    let e = s.pending_exception().expect("a throw is next");
    assert_eq!((e.payload, e.caught), (i32s(&[5]), true));
}

#[test]
fn pause_on_legacy_catch_delegate_and_rethrow() {
    let mut s = session(LEGACY, PauseOnExceptions::All);
    let func = |s: &Session, name: &str| match s.module().exports.iter().find(|e| e.name == name) {
        Some(e) => e.index,
        None => panic!("no {name}"),
    };
    // try/catch: lands at the catch $e body.
    s.start("catch", &i32s(&[21])).unwrap();
    let e = paused(s.resume(1000));
    let h = e.handler.unwrap();
    assert_eq!((h.frame, h.func, h.clause.as_str()), (0, func(&s, "catch"), "catch $e"));
    assert_eq!(text_at(&mut s, h.func, h.offset), "i32.const 2");
    assert_eq!(s.resume(1000), StopReason::Finished(i32s(&[42])));
    // delegate $outer: the outer try's catch, not the one around the delegate.
    s.start("delegate", &i32s(&[4])).unwrap();
    let h = paused(s.resume(1000)).handler.unwrap();
    assert_eq!(text_at(&mut s, h.func, h.offset), "i32.const 1000");
    assert_eq!(unwinding(&mut s), [Some(Unwinding::Catches), Some(Unwinding::Unwound)]);
    assert_eq!(s.step_into(), StopReason::Step);
    assert_eq!(s.position().unwrap().offset, h.offset);
    assert!(paused(s.step_back()).caught);
    assert_eq!(s.resume(1000), StopReason::Finished(i32s(&[1004])));
    // delegate 0: to the caller's handler, two frames down.
    s.start("delegate_caller", &i32s(&[3])).unwrap();
    let h = paused(s.resume(1000)).handler.unwrap();
    assert_eq!((h.frame, h.func), (0, func(&s, "delegate_caller")));
    assert_eq!(text_at(&mut s, h.func, h.offset), "i32.const 77");
    assert_eq!(unwinding(&mut s), [Some(Unwinding::Catches), Some(Unwinding::Unwound), Some(Unwinding::Unwound)]);
    assert_eq!(s.resume(1000), StopReason::Finished(i32s(&[80])));
    // rethrow: first the throw (caught by the inner catch), then the rethrow (the outer).
    s.start("rethrow", &i32s(&[6])).unwrap();
    let first = paused(s.resume(1000));
    assert_eq!((first.kind, first.handler.unwrap().frame), (ThrowKind::Throw, 0));
    let again = paused(s.resume(1000));
    assert_eq!((again.kind, again.payload.clone(), again.tag_name.as_str()), (ThrowKind::Rethrow, i32s(&[6]), "$e"));
    let h = again.handler.unwrap();
    assert_eq!(text_at(&mut s, h.func, h.offset), "i32.const 3");
    assert_eq!(s.resume(1000), StopReason::Finished(i32s(&[9])));
    // rethrow out of every frame: caught by catch_all first, then uncaught.
    s.start("rethrow_uncaught", &[]).unwrap();
    assert_eq!(paused(s.resume(1000)).handler.unwrap().clause, "catch_all");
    let e = paused(s.resume(1000));
    assert_eq!((e.kind, e.caught, e.tag_name.as_str()), (ThrowKind::Rethrow, false, "$g"));
    assert!(matches!(s.resume(1000), StopReason::Trapped(_)));
}

#[test]
fn pause_on_throw_ref_and_catch_ref_and_a_clause_that_returns() {
    let mut s = session(EXN, PauseOnExceptions::All);
    s.start("rethrow_ref", &i32s(&[5])).unwrap();
    let first = paused(s.resume(10_000));
    assert_eq!(first.handler.unwrap().clause, "catch_ref $e");
    let again = paused(s.resume(10_000));
    assert_eq!((again.kind, again.payload.clone()), (ThrowKind::ThrowRef, i32s(&[5])));
    assert_eq!(again.handler.unwrap().clause, "catch $e");
    assert_eq!(s.resume(10_000), StopReason::Finished(i32s(&[1005])));
    // A clause to the function's label: the catching frame returns.
    s.start("to_label", &[]).unwrap();
    let h = paused(s.resume(10_000)).handler.unwrap();
    assert!(h.returns && h.frame == 1, "{h:?}");
    assert_eq!(s.resume(10_000), StopReason::Finished(i32s(&[34])));
    // A null throw_ref is a trap, not an exception: no pause.
    s.start("null_ref", &[]).unwrap();
    assert!(
        matches!(s.resume(10_000), StopReason::Trapped(t) if t.code == wasmscope::TrapCode::NullExceptionReference)
    );
    // Two payload values of two types.
    s.start("uncaught_f", &[]).unwrap();
    let e = paused(s.resume(10_000));
    assert_eq!(e.payload, [Value::I64(-3), Value::F64(0.5)]);
    assert_eq!(e.tag_name, "$f");
}

/// An `anyref` in an exception's payload: a two-struct chain made, thrown three frames
/// down, caught with `catch_ref` (so only the `exnref` in a local, that is the exception's
/// payload, refers to the chain), a million garbage structs of the same type allocated
/// (collections run and reuse freed slots), then rethrown and caught with its payload.
const PAYLOAD_GC: &str = r#"(module
  (type $pair (struct (field i32) (field (ref null $pair))))
  (tag $t (param anyref))
  (func $deep (param $n i32) (param $r anyref)
    (if (i32.eqz (local.get $n)) (then (throw $t (local.get $r))))
    (call $deep (i32.sub (local.get $n) (i32.const 1)) (local.get $r)))
  (func $churn (param $n i32)
    (loop $l
      (drop (struct.new $pair (i32.const -1) (struct.new $pair (i32.const -2) (ref.null $pair))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
  ;; The chain's two fields (7, 9), read after the collections.
  (func (export "payload") (param $garbage i32) (result i32 i32)
    (local $x exnref) (local $p (ref $pair))
    (block $caught (result anyref exnref)
      (try_table (catch_ref $t $caught)
        (call $deep (i32.const 3)
          (struct.new $pair (i32.const 7) (struct.new $pair (i32.const 9) (ref.null $pair)))))
      (unreachable))
    (local.set $x)
    (drop)
    (call $churn (local.get $garbage))
    (local.set $p (ref.cast (ref $pair)
      (block $again (result anyref)
        (try_table (catch $t $again) (throw_ref (local.get $x)))
        (unreachable))))
    (struct.get $pair 0 (local.get $p))
    (struct.get $pair 0 (ref.as_non_null (struct.get $pair 1 (local.get $p))))))
"#;

#[test]
fn an_anyref_in_an_exception_payload_survives_collections() {
    let (mut store, id) = instance(PAYLOAD_GC);
    let got = store.invoke(id, "payload", &i32s(&[1_000_000])).unwrap();
    assert_eq!(got, i32s(&[7, 9]));
    let (collections, freed) = store.heap.collections();
    assert!(collections >= 10 && freed >= 1_000_000, "{collections} collections freed {freed}");
    // Again, with the first call's exception still in the store.
    assert_eq!(store.invoke(id, "payload", &i32s(&[100_000])).unwrap(), i32s(&[7, 9]));
}

/// Exception objects are collected: an `exnref` kept in a local, a global, a struct's field
/// and another exception's payload survives many throws whose exceptions are dropped.
const KEPT: &str = r#"(module
  (tag $e (param i32))
  (tag $x (param exnref))
  (type $box (struct (field (mut exnref))))
  (global $g (mut exnref) (ref.null exn))
  (global $b (mut (ref null $box)) (ref.null $box))
  ;; Throws $e (v) and catches it with catch_ref: its exnref.
  (func $make (param $v i32) (result exnref)
    (local $r exnref)
    (block $h (result i32 exnref)
      (try_table (catch_ref $e $h) (throw $e (local.get $v)))
      (unreachable))
    (local.set $r)
    (drop)
    (local.get $r))
  ;; The payload of $r's exception, rethrown and caught.
  (func $value (param $r exnref) (result i32)
    (block $h (result i32)
      (try_table (catch $e $h) (throw_ref (local.get $r)))
      (unreachable)))
  ;; $n throws with the payloads 0, 1, .., each exception dropped (an i32 payload that
  ;; reads as the previous exception's exnref cell must not keep it).
  (func (export "up") (param $n i32)
    (local $i i32)
    (loop $l
      (drop (call $make (local.get $i)))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n)))))
  ;; $n throws, every exception kept in a table: how many are kept.
  (table $all 0 exnref)
  (func (export "hoard") (param $n i32) (result i32)
    (loop $l
      (drop (table.grow $all (call $make (local.get $n)) (i32.const 1)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (table.size $all))
  (func (export "kept") (param $n i32) (result i32 i32 i32 i32)
    (local $l exnref) (local $w exnref)
    (local.set $l (call $make (i32.const 1)))
    (global.set $g (call $make (i32.const 2)))
    (global.set $b (struct.new $box (call $make (i32.const 3))))
    ;; $w: an exception of tag $x, its payload the exnref of $e (4).
    (block $h (result exnref exnref)
      (try_table (catch_ref $x $h) (throw $x (call $make (i32.const 4))))
      (unreachable))
    (local.set $w)
    (drop)
    ;; $n throws, each exception dropped.
    (loop $spin
      (drop (call $make (i32.add (local.get $n) (i32.const 1000))))
      (br_if $spin (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (call $value (local.get $l))
    (call $value (global.get $g))
    (call $value (struct.get $box 0 (global.get $b)))
    (call $value
      (block $h2 (result exnref)
        (try_table (catch $x $h2) (throw_ref (local.get $w)))
        (unreachable)))))
"#;

#[test]
fn exceptions_are_collected_and_kept_ones_survive() {
    let (mut store, id) = instance(KEPT);
    assert_eq!(store.invoke(id, "kept", &i32s(&[200_000])).unwrap(), i32s(&[1, 2, 3, 4]));
    // 200005 thrown; collections kept the slots to a few times MIN_EXCEPTIONS.
    let (live, slots) = store.exception_count();
    assert!(slots <= 4 * wasmscope::runtime::MIN_EXCEPTIONS, "{live} live in {slots} slots");
    assert_eq!(store.invoke(id, "kept", &i32s(&[50_000])).unwrap(), i32s(&[1, 2, 3, 4]));
    let (mut store, id) = instance(KEPT);
    store.invoke(id, "up", &i32s(&[200_000])).unwrap();
    let (live, slots) = store.exception_count();
    assert!(slots <= 4 * wasmscope::runtime::MIN_EXCEPTIONS, "{live} live in {slots} slots");
    // Exceptions count against the heap limit (24 bytes each here): 100000 kept in a table
    // pass 1 MiB, a clean trap; dropped, they never do.
    let mut store = Store::new(Limits { max_heap_bytes: 1 << 20, ..Limits::default() });
    let id = store.instantiate(Rc::new(Module::new(KEPT.as_bytes()).unwrap())).unwrap();
    assert_eq!(store.invoke(id, "hoard", &i32s(&[10_000])).unwrap(), i32s(&[10_000]));
    let err = store.invoke(id, "hoard", &i32s(&[100_000])).unwrap_err();
    assert_eq!(err.to_string(), "out of memory: the GC heap limit is reached", "{err:?}");
    // The table still holds them: the next throw traps too; a fresh store throws freely.
    let err = store.invoke(id, "up", &i32s(&[1])).unwrap_err();
    assert_eq!(err.to_string(), "out of memory: the GC heap limit is reached", "{err:?}");
    let mut store = Store::new(Limits { max_heap_bytes: 1 << 20, ..Limits::default() });
    let id = store.instantiate(Rc::new(Module::new(KEPT.as_bytes()).unwrap())).unwrap();
    store.invoke(id, "up", &i32s(&[300_000])).unwrap();
    // Under a debugger that records, nothing is collected (step back restores exceptions).
    let mut s = Session::load(KEPT.as_bytes(), Limits::default(), Config::default()).unwrap();
    s.start("kept", &i32s(&[10_000])).unwrap();
    assert_eq!(s.resume(u64::MAX), StopReason::Finished(i32s(&[1, 2, 3, 4])));
    assert_eq!(s.store().exception_count(), (10_005, 10_005));
}
