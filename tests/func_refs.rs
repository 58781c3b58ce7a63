//! Typed function references (WebAssembly 3.0, without GC): `call_ref` and
//! `return_call_ref` stepped and stepped back, `br_on_null`/`br_on_non_null` both ways, null
//! references trapping, typed globals and tables as the debugger shows them, linking by
//! subtyping (GC: tests/gc.rs; exceptions: tests/exceptions.rs).
#![cfg(not(target_arch = "wasm32"))]

use std::rc::Rc;
use wasmscope::debug::{Config, Session, StopReason};
use wasmscope::{Call, Error, HeapType, Limits, Module, RefType, Store, ValType, Value};

const REFS: &str = r#"(module
  (type $t (func (param i32) (result i32)))
  (func $inc (type $t) (i32.add (local.get 0) (i32.const 1)))
  (func $dbl (type $t) (i32.mul (local.get 0) (i32.const 2)))
  (global $g (mut (ref null $t)) (ref.func $inc))
  (global $h (ref $t) (ref.func $dbl))
  (global $any funcref (ref.null func))
  (table $tab 3 (ref $t) (ref.func $dbl))
  (elem declare func $inc $dbl)
  (func (export "apply") (param $f (ref null $t)) (param $x i32) (result i32)
    (call_ref $t (local.get $x) (local.get $f)))
  (func (export "twice") (param $x i32) (result i32)
    (call_ref $t (call_ref $t (local.get $x) (global.get $g)) (table.get $tab (i32.const 2))))
  (func (export "tail") (param $x i32) (result i32)
    (return_call_ref $t (local.get $x) (global.get $h)))
  (func (export "null_call") (result i32)
    (call_ref $t (i32.const 1) (ref.null $t)))
  (func (export "as_non_null") (result i32)
    (drop (ref.as_non_null (global.get $g))) (i32.const 1))
  (func (export "set_null") (global.set $g (ref.null $t)))
  ;; 1 when $g is null (br_on_null taken), else $g applied to 10.
  (func (export "on_null") (result i32)
    (block $null
      (return (call_ref $t (i32.const 10) (br_on_null $null (global.get $g)))))
    (i32.const -1))
  ;; $g applied to 20 when not null (br_on_non_null taken), else -2.
  (func (export "on_non_null") (result i32)
    (call_ref $t (i32.const 20)
      (block $some (result (ref $t))
        (br_on_non_null $some (global.get $g))
        (return (i32.const -2)))))
  (func (export "main") (result i32)
    (i32.add (call_ref $t (i32.const 5) (ref.func $inc))
      (return_call_ref $t (i32.const 7) (ref.func $dbl))))
)"#;

fn instance() -> (Store, wasmscope::InstanceId) {
    let mut store = Store::new(Limits::default());
    let m = Rc::new(Module::new(REFS.as_bytes()).unwrap_or_else(|e| panic!("{e}")));
    let id = store.instantiate(m).unwrap();
    (store, id)
}

fn session() -> Session {
    Session::load(REFS.as_bytes(), Limits::default(), Config::default()).expect("module loads")
}

#[test]
fn call_ref_runs_and_null_references_trap_with_clear_messages() {
    let (mut store, id) = instance();
    // The table's initialiser filled every slot with $dbl; $g is $inc.
    assert_eq!(store.invoke(id, "twice", &[Value::I32(4)]).unwrap(), [Value::I32(10)]);
    assert_eq!(store.invoke(id, "tail", &[Value::I32(4)]).unwrap(), [Value::I32(8)]);
    assert_eq!(store.invoke(id, "main", &[]).unwrap(), [Value::I32(14)]);
    let err = store.invoke(id, "null_call", &[]).unwrap_err();
    assert_eq!(err.to_string(), "null function reference", "{err:?}");
    assert_eq!(store.invoke(id, "as_non_null", &[]).unwrap(), [Value::I32(1)]);
    store.invoke(id, "set_null", &[]).unwrap();
    let err = store.invoke(id, "as_non_null", &[]).unwrap_err();
    assert_eq!(err.to_string(), "null reference", "{err:?}");
    // A reference argument: a function of the type, or null where the type allows it.
    let err = store.invoke(id, "apply", &[Value::FuncRef(None), Value::I32(1)]).unwrap_err();
    assert!(err.to_string().contains("null function reference"), "{err}");
    // $inc (store function 0) fits `(ref null $t)`; `apply` itself, of another type, does not.
    assert_eq!(store.invoke(id, "apply", &[Value::FuncRef(Some(0)), Value::I32(1)]).unwrap(), [Value::I32(2)]);
    let Some(wasmscope::Extern::Func(apply)) = store.export(id, "apply") else { panic!() };
    let err = store.invoke(id, "apply", &[Value::FuncRef(Some(apply)), Value::I32(1)]).unwrap_err();
    assert!(matches!(err, Error::BadCall(_)), "{err:?}");
}

#[test]
fn br_on_null_and_br_on_non_null_both_ways() {
    let (mut store, id) = instance();
    // $g is $inc: not null.
    assert_eq!(store.invoke(id, "on_null", &[]).unwrap(), [Value::I32(11)]);
    assert_eq!(store.invoke(id, "on_non_null", &[]).unwrap(), [Value::I32(21)]);
    store.invoke(id, "set_null", &[]).unwrap();
    assert_eq!(store.invoke(id, "on_null", &[]).unwrap(), [Value::I32(-1)]);
    assert_eq!(store.invoke(id, "on_non_null", &[]).unwrap(), [Value::I32(-2)]);
    // The same single-stepped, both ways.
    for (null, func, want) in
        [(false, "on_null", 11), (false, "on_non_null", 21), (true, "on_null", -1), (true, "on_non_null", -2)]
    {
        let mut s = session();
        if null {
            s.start("set_null", &[]).unwrap();
            assert_eq!(s.resume(1000), StopReason::Finished(vec![]));
        }
        s.start(func, &[]).unwrap();
        let start = state(&mut s);
        let mut texts = Vec::new();
        let stop = loop {
            texts.push(s.position().map(|p| p.text).unwrap_or_default());
            match s.step_into() {
                StopReason::Step => {}
                other => break other,
            }
        };
        assert_eq!(stop, StopReason::Finished(vec![Value::I32(want)]), "{func} null={null}: {texts:?}");
        let branch = if func == "on_null" { "br_on_null 0" } else { "br_on_non_null 0" };
        assert!(texts.iter().any(|t| t == branch), "{texts:?}");
        // Stepped back over the branch, taken or not, to the start.
        for _ in 0..texts.len() {
            assert_eq!(s.step_back(), StopReason::Step);
        }
        assert!(state(&mut s) == start, "{func} null={null}: not back at the start");
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

#[test]
fn call_ref_stepped_and_stepped_back() {
    let mut s = session();
    s.start("main", &[]).unwrap();
    let mut states = vec![state(&mut s)];
    let mut trace = Vec::new();
    loop {
        let p = s.position().unwrap();
        trace.push(format!("{} {}", s.depth(), p.text));
        match s.step_into() {
            StopReason::Step => states.push(state(&mut s)),
            other => {
                assert_eq!(other, StopReason::Finished(vec![Value::I32(14)]));
                break;
            }
        }
    }
    let expected = [
        "1 i32.const 5",
        "1 ref.func $inc",
        "1 call_ref 0",
        "2 local.get 0",
        "2 i32.const 1",
        "2 i32.add",
        "2 end",
        "1 i32.const 7",
        "1 ref.func $dbl",
        "1 return_call_ref 0",
        // The tail call replaced `main`'s frame.
        "1 local.get 0",
        "1 i32.const 2",
        "1 i32.mul",
        "1 end",
    ];
    assert_eq!(trace, expected, "{trace:#?}");
    // Step back through everything: each state comes back exactly.
    for i in (0..states.len()).rev() {
        assert_eq!(s.step_back(), StopReason::Step, "step back to {i}");
        assert!(state(&mut s) == states[i], "state {i} differs after step back:\n{:?}\n{:?}", state(&mut s), states[i]);
    }
    assert_eq!(s.step_back(), StopReason::HistoryStart);
    // And forward again.
    assert_eq!(s.resume(1000), StopReason::Finished(vec![Value::I32(14)]));
}

#[test]
fn typed_globals_and_tables_show_their_type_text() {
    let mut s = session();
    s.start("main", &[]).unwrap();
    let g = s.globals();
    let types: Vec<String> = g.iter().map(|g| g.ty.to_string()).collect();
    assert_eq!(types, ["(ref null 0)", "(ref 0)", "funcref"]);
    assert!(g[0].mutable && !g[1].mutable);
    assert!(matches!(g[0].value, Value::FuncRef(Some(_))));
    assert_eq!(g[2].value, Value::FuncRef(None));
    let t = s.tables();
    assert_eq!(t[0].elem.to_string(), "(ref 0)");
    assert_eq!(t[0].size, 3);
    assert!(t[0].entries.iter().all(|e| matches!(e, Value::FuncRef(Some(_)))), "{:?}", t[0].entries);
    // The names of types.
    let r = |nullable, heap| ValType::Ref(RefType { nullable, heap });
    assert_eq!(r(true, HeapType::Func), ValType::FuncRef);
    assert_eq!(r(true, HeapType::Func).to_string(), "funcref");
    assert_eq!(r(false, HeapType::Func).to_string(), "(ref func)");
    assert_eq!(r(false, HeapType::Extern).to_string(), "(ref extern)");
    assert_eq!(r(true, HeapType::Concrete(3)).to_string(), "(ref null 3)");
    assert_eq!(r(false, HeapType::Concrete(3)).name(), "funcref");
    assert!(r(false, HeapType::Concrete(3)).is_subtype_of(ValType::FuncRef));
    assert!(!ValType::FuncRef.is_subtype_of(r(false, HeapType::Func)));
    assert!(!r(true, HeapType::Concrete(3)).is_subtype_of(r(true, HeapType::Concrete(4))));
    assert!(!r(false, HeapType::Func).is_defaultable() && ValType::FuncRef.is_defaultable());
}

#[test]
fn arguments_of_typed_reference_types() {
    let (mut store, id) = instance();
    // `null` fits `(ref null $t)`, and the call then traps on it.
    let p = wasmscope::value::parse_arg("null", store_param(&store, id, "apply", 0)).unwrap();
    assert_eq!(p, Value::FuncRef(None));
    let err = store.invoke(id, "apply", &[p, Value::I32(1)]).unwrap_err();
    assert!(err.to_string().contains("null function reference"), "{err}");
    // A non-null reference type takes no argument from text.
    let non_null = ValType::Ref(RefType { nullable: false, heap: HeapType::Func });
    let e = wasmscope::value::parse_arg("null", non_null).unwrap_err();
    assert!(e.contains("(ref func)"), "{e}");
}

fn store_param(store: &Store, id: wasmscope::InstanceId, name: &str, i: usize) -> ValType {
    let Some(wasmscope::Extern::Func(f)) = store.export(id, name) else { panic!("no {name}") };
    store.func_type(f).params[i]
}

#[test]
fn imports_link_by_subtyping() {
    let exporter = r#"(module
      (type $t (func (param i32) (result i32)))
      (type $u (func (param i64)))
      (func $f (export "f") (type $t) (local.get 0))
      (global (export "g") (ref $t) (ref.func $f))
      (global (export "gm") (mut (ref null $t)) (ref.null $t))
      (table (export "tab") 1 (ref null $t))
      (elem declare func $f))"#;
    let mut store = Store::new(Limits::default());
    let m = Rc::new(Module::new(exporter.as_bytes()).unwrap());
    let a = store.instantiate(m).unwrap();
    store.register("a", a);
    let link = |store: &mut Store, wat: &str| store.instantiate(Rc::new(Module::new(wat.as_bytes()).unwrap()));
    // Equal types in another module (other indices) match; `(ref $t)` is a subtype of
    // `(ref null $t)` and of `funcref` for an immutable global.
    link(
        &mut store,
        r#"(module (type $x (func)) (type $t (func (param i32) (result i32)))
          (import "a" "f" (func (type $t)))
          (import "a" "g" (global (ref null $t)))
          (import "a" "g" (global funcref))
          (import "a" "gm" (global (mut (ref null $t))))
          (import "a" "tab" (table 1 (ref null $t))))"#,
    )
    .unwrap();
    for bad in [
        r#"(module (type $t (func (param i64))) (import "a" "f" (func (type $t))))"#,
        // A mutable global and a table are invariant.
        r#"(module (import "a" "gm" (global (mut funcref))))"#,
        r#"(module (import "a" "tab" (table 1 funcref)))"#,
        // A nullable global is no subtype of a non-nullable one.
        r#"(module (type $t (func (param i32) (result i32))) (import "a" "gm" (global (ref $t))))"#,
        // Another concrete type.
        r#"(module (type $u (func (param i64))) (import "a" "g" (global (ref null $u))))"#,
    ] {
        match link(&mut store, bad) {
            Err(Error::Link(m)) => assert!(m.contains("incompatible import type"), "{m}"),
            other => panic!("{bad}: expected a link error, got {other:?}"),
        }
    }
}
