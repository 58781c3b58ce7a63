//! The heap inspector (`debug::heap_view`): references as typed handles (`(ref $node) #17`,
//! by index without a name, i31, null, the same object twice), objects expanded (named
//! fields, packed i8/i16, nested structs, arrays in pages of 100), heap statistics, the
//! session's collections (on request and when due, each stepped back over exactly; an
//! allocation at the heap limit retried after one), handles given back as arguments
//! (checked against the parameter's type) and kept alive by `Heap::hold` as the page
//! does, and `--trace` printing handles.
#![cfg(not(target_arch = "wasm32"))]

use wasmscope::debug::{Config, ObjectKind, Session, Snapshot, StopReason};
use wasmscope::{Call, Limits, Module, Store, Value};

const WAT: &str = include_str!("data/heap.wat");

fn session() -> Session {
    Session::load(WAT.as_bytes(), Limits::default(), Config::default()).unwrap()
}

/// Runs `f` to its end in `s`, recorded; its results.
fn call(s: &mut Session, f: &str, args: &[Value]) -> Vec<Value> {
    s.start(f, args).unwrap();
    match s.resume(u64::MAX) {
        StopReason::Finished(v) => v,
        other => panic!("{f}: {other:?}"),
    }
}

fn one(s: &mut Session, f: &str, args: &[Value]) -> Value {
    call(s, f, args)[0]
}

#[test]
fn references_show_as_typed_handles() {
    let mut s = session();
    let p = one(&mut s, "pair", &[]);
    // The node is allocated first (slot 0), the pair second.
    assert_eq!(s.value_text(&p), "(ref $pair) #1");
    assert_eq!(s.typed_text(&p), "(ref $pair) #1");
    assert_eq!(s.handle_of(&p), Some(1));
    // A type without a name: its index.
    let a = one(&mut s, "anon", &[]);
    assert_eq!(s.value_text(&a), "(ref 4) #2");
    let i = one(&mut s, "small", &[Value::I32(-5)]);
    assert_eq!(s.value_text(&i), "(ref i31) -5");
    assert_eq!(s.handle_of(&i), None);
    let n = one(&mut s, "none", &[]);
    assert_eq!(s.value_text(&n), "null");
    assert_eq!(s.typed_text(&n), "anyref:null");
    // Other values keep their text.
    assert_eq!(s.value_text(&Value::I32(42)), "42");
    assert_eq!(s.typed_text(&Value::I32(42)), "i32:42");
    // The same object twice: the same handle.
    let t = call(&mut s, "twice", &[]);
    assert_eq!(s.value_text(&t[0]), "(ref $node) #3");
    assert_eq!(s.value_text(&t[0]), s.value_text(&t[1]));
}

#[test]
fn the_same_object_has_the_same_handle_in_locals_and_on_the_stack() {
    let mut s = session();
    s.start("twice", &[]).unwrap();
    // struct.new, local.tee, local.get: the node is then in the local and twice on the stack.
    let mut texts = Vec::new();
    for _ in 0..10 {
        s.step_into();
        let f = s.frames().pop().unwrap();
        texts = f.locals.iter().map(|l| s.value_text(&l.value)).collect::<Vec<_>>();
        texts.extend(f.operands.iter().map(|o| s.value_text(&o.value)));
        if f.operands.len() == 2 && texts.iter().all(|t| t.starts_with("(ref")) {
            break;
        }
    }
    assert_eq!(texts, ["(ref $node) #0", "(ref $node) #0", "(ref $node) #0"]);
}

#[test]
fn a_struct_expands_into_named_fields_and_nested_structs() {
    let mut s = session();
    let p = one(&mut s, "pair", &[]);
    let o = s.object(s.handle_of(&p).unwrap()).unwrap();
    assert_eq!(
        (o.text.as_str(), o.type_name.as_str(), o.kind, o.length),
        ("(ref $pair) #1", "$pair", ObjectKind::Struct, None)
    );
    assert_eq!(o.bytes, 16 + 4 * 8);
    let fields: Vec<(&str, &str, &str)> =
        o.fields.iter().map(|f| (f.name.as_str(), f.ty.as_str(), f.text.as_str())).collect();
    assert_eq!(
        fields,
        [
            ("$left", "(ref $node)", "(ref $node) #0"),
            ("$tag", "i8", "255"),
            ("$wide", "i16", "4660"),
            ("$big", "i64", "-5")
        ]
    );
    assert_eq!(o.fields[0].handle, Some(0));
    assert_eq!(o.fields[1].value, Value::I32(255));
    // The nested node, expanded in turn.
    let n = s.object(0).unwrap();
    let fields: Vec<(&str, &str, &str)> =
        n.fields.iter().map(|f| (f.name.as_str(), f.ty.as_str(), f.text.as_str())).collect();
    assert_eq!(fields, [("$val", "mut i32", "7"), ("$next", "mut (ref null $node)", "null")]);
    assert_eq!(n.fields[1].handle, None);
    // Unnamed fields: their indices.
    let a = one(&mut s, "anon", &[]);
    let o = s.object(s.handle_of(&a).unwrap()).unwrap();
    let fields: Vec<(&str, &str)> = o.fields.iter().map(|f| (f.name.as_str(), f.text.as_str())).collect();
    assert_eq!(fields, [("0", "3"), ("1", "0.5")]);
    // A list: each node's $next is the next node's handle.
    let l = one(&mut s, "list", &[Value::I32(3)]);
    let head = s.object(s.handle_of(&l).unwrap()).unwrap();
    assert_eq!(head.fields[0].text, "3");
    let second = s.object(head.fields[1].handle.unwrap()).unwrap();
    assert_eq!(second.fields[0].text, "2");
    assert!(s.object(999).is_err());
}

#[test]
fn arrays_show_their_length_and_elements_in_pages_of_100() {
    let mut s = session();
    let b = one(&mut s, "bytes", &[Value::I32(250)]);
    let h = s.handle_of(&b).unwrap();
    let o = s.object(h).unwrap();
    assert_eq!((o.text.as_str(), o.kind, o.length), ("(ref $bytes) #0", ObjectKind::Array, Some(250)));
    assert_eq!(o.fields.len(), 100);
    assert_eq!(
        (o.fields[99].name.as_str(), o.fields[99].ty.as_str(), o.fields[99].text.as_str()),
        ("99", "mut i8", "99")
    );
    let last = s.elements(h, 200, 100).unwrap();
    assert_eq!(last.len(), 50);
    assert_eq!((last[0].name.as_str(), last[0].value), ("200", Value::I32(200)));
    assert_eq!(last[49].text, "249");
    // A page is at most 100; past the end is empty.
    assert_eq!(s.elements(h, 100, 500).unwrap().len(), 100);
    assert!(s.elements(h, 300, 10).unwrap().is_empty());
    assert!(s.elements(h, u32::MAX, u32::MAX).unwrap().is_empty());
    // Packed i16: the stored bits, zero-extended.
    let sh = one(&mut s, "shorts", &[]);
    let o = s.object(s.handle_of(&sh).unwrap()).unwrap();
    let els: Vec<(&str, &str)> = o.fields.iter().map(|f| (f.ty.as_str(), f.text.as_str())).collect();
    assert_eq!(els, [("mut i16", "65534"); 3]);
    // Not an array.
    let p = one(&mut s, "pair", &[]);
    assert!(s.elements(s.handle_of(&p).unwrap(), 0, 1).is_err());
}

#[test]
fn heap_stats_count_live_objects_by_type() {
    let mut s = session();
    call(&mut s, "keep", &[Value::I32(5)]);
    call(&mut s, "pair", &[]);
    let h = s.heap_stats();
    let rows: Vec<(&str, ObjectKind, u64, u64)> =
        h.types.iter().map(|t| (t.type_name.as_str(), t.kind, t.count, t.bytes)).collect();
    assert_eq!(rows, [("$node", ObjectKind::Struct, 6, 6 * 32), ("$pair", ObjectKind::Struct, 1, 48)]);
    assert_eq!((h.objects, h.bytes, h.collections, h.freed, h.last_freed), (7, 240, 0, 0, None));
    // The pair is garbage once the call is over (its result is not held); the list lives
    // in a global.
    s.start("sum", &[Value::AnyRef(None)]).unwrap();
    assert_eq!(s.collect_garbage(), (2, 80));
    let h = s.heap_stats();
    assert_eq!((h.objects, h.bytes, h.collections, h.freed, h.last_freed), (5, 160, 1, 2, Some((2, 80))));
    assert_eq!(h.types.len(), 1);
}

/// Every observable state: the snapshot and the whole heap, with its counters.
type HeapState = (Vec<Option<(u32, Vec<u64>)>>, Vec<u32>);
fn state(s: &mut Session) -> (Snapshot, HeapState, (u64, u64), usize, usize) {
    let mut snap = s.snapshot();
    snap.stop = StopReason::Step;
    snap.last_writes.clear();
    snap.history = 0;
    let h = s.store().heap.state();
    (snap, h, s.store().heap.collections(), s.store().heap.bytes(), s.store().heap.live())
}

#[test]
fn a_collection_in_a_session_is_stepped_back_over_exactly() {
    let mut s = session();
    s.start("churn", &[Value::I32(30)]).unwrap();
    let mut states = vec![state(&mut s)];
    // Into the loop: some nodes made, all but the newest garbage.
    for _ in 0..120 {
        assert_eq!(s.step_into(), StopReason::Step);
        states.push(state(&mut s));
    }
    let live = s.store().heap.live();
    assert!(live > 5, "{live} objects");
    let (objects, bytes) = s.collect_garbage();
    assert_eq!(objects as usize, live - 1, "all but the node in $keep");
    assert_eq!(bytes, objects * 32);
    assert_eq!(s.store().heap.live(), 1);
    // The collection is a step of its own.
    states.push(state(&mut s));
    // Onwards: new nodes take the freed slots.
    let stop = loop {
        match s.step_into() {
            StopReason::Step => states.push(state(&mut s)),
            other => break other,
        }
    };
    assert_eq!(stop, StopReason::Finished(vec![Value::I32(30)]));
    assert!(s.store().heap.state().1.len() < objects as usize, "allocations reused the freed slots");
    // Back to the start: each state exact, the collection undone by a step back of its own.
    for i in (0..states.len()).rev() {
        assert_eq!(s.step_back(), StopReason::Step, "step back to {i}");
        assert!(state(&mut s) == states[i], "state {i} differs after step back");
    }
    assert_eq!(s.step_back(), StopReason::HistoryStart);
    assert_eq!(s.store().heap.collections(), (0, 0));
    // And forward again to the same end.
    assert_eq!(s.resume(u64::MAX), StopReason::Finished(vec![Value::I32(30)]));
}

/// Random single steps, steps back and collections over a program that makes garbage and
/// keeps objects: every state after a step back is the state recorded on the way forward (a
/// collection in the call is a step; after the call, it changes the last state), the heap
/// and its counters included.
#[test]
fn random_steps_back_and_collections_keep_every_state_exact() {
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let (mut collections, mut finishes) = (0, 0);
    for round in 0..12 {
        let mut s = session();
        s.start("mix", &[Value::I32(6)]).unwrap();
        let mut states = vec![state(&mut s)];
        let mut finished = false;
        for k in 0..1500 {
            match next() % 10 {
                0..=5 if !finished => match s.step_into() {
                    StopReason::Step => states.push(state(&mut s)),
                    StopReason::Finished(v) => {
                        // (The list of 6 and 3, whose $val was set to 4 and 5 after.)
                        assert_eq!(v, [Value::I32(11)], "round {round}");
                        finished = true;
                        finishes += 1;
                        states.push(state(&mut s));
                    }
                    other => panic!("round {round}, command {k}: {other:?}"),
                },
                0..=7 => {
                    if states.len() > 1 {
                        assert_eq!(s.step_back(), StopReason::Step, "round {round}, command {k}");
                        states.pop();
                        finished = false;
                        assert!(
                            state(&mut s) == *states.last().unwrap(),
                            "round {round}, command {k}: not the state before"
                        );
                    } else {
                        assert_eq!(s.step_back(), StopReason::HistoryStart);
                    }
                }
                _ => {
                    s.collect_garbage();
                    collections += 1;
                    // In the call, a step of its own; after it, part of the last step.
                    if finished {
                        *states.last_mut().unwrap() = state(&mut s);
                    } else {
                        states.push(state(&mut s));
                    }
                }
            }
        }
        while states.len() > 1 {
            assert_eq!(s.step_back(), StopReason::Step);
            states.pop();
            assert!(state(&mut s) == *states.last().unwrap(), "round {round}: back to the start");
        }
    }
    assert!(collections > 100 && finishes > 0, "{collections} collections, {finishes} calls finished");
}

/// Steps `churn(n)` until the session's first automatic collection; the step count.
fn steps_to_first_collection(n: i32) -> usize {
    let mut s = session();
    s.start("churn", &[Value::I32(n)]).unwrap();
    let mut k = 0;
    while s.store().heap.collections().0 == 0 {
        assert_eq!(s.step_into(), StopReason::Step, "no collection after {k} steps");
        k += 1;
    }
    k
}

#[test]
fn a_session_collects_when_due_and_steps_back_over_it() {
    // 1 MiB of 32-byte nodes is due after 32768 of them.
    let k = steps_to_first_collection(40_000);
    let mut s = session();
    s.start("churn", &[Value::I32(40_000)]).unwrap();
    for _ in 0..k - 1 {
        s.step_into();
    }
    let before = state(&mut s);
    assert!(before.4 >= 32_000, "{} objects live before", before.4);
    assert_eq!(s.step_into(), StopReason::Step);
    let after = state(&mut s);
    assert_eq!(after.2.0, 1);
    assert!(after.4 <= 2, "{} objects live after the collection", after.4);
    assert_eq!(s.step_back(), StopReason::Step);
    assert!(state(&mut s) == before, "the step and its collection are undone");
    assert_eq!(s.step_into(), StopReason::Step);
    assert!(state(&mut s) == after, "redone the same");
    assert_eq!(s.resume(u64::MAX), StopReason::Finished(vec![Value::I32(40_000)]));
    let h = s.heap_stats();
    // Bounded: what was allocated since the last collection.
    assert!(h.objects < 10_000 && h.collections >= 1, "{h:?}");
}

#[test]
fn an_allocation_at_the_heap_limit_is_retried_after_a_collection() {
    let limits = Limits { max_heap_bytes: 64 << 10, ..Limits::default() };
    let mut s = Session::load(WAT.as_bytes(), limits, Config::default()).unwrap();
    // 10,000 nodes (320 KB) in a 64 KiB heap: fine, most are garbage.
    assert_eq!(call(&mut s, "churn", &[Value::I32(10_000)]), [Value::I32(10_000)]);
    assert!(s.heap_stats().collections >= 4);
    // All of them live: the limit's trap, with the state before the allocation.
    s.start("keep", &[Value::I32(10_000)]).unwrap();
    match s.resume(u64::MAX) {
        StopReason::Trapped(t) => {
            assert_eq!(t.to_string().split(" at ").next(), Some("out of memory: the GC heap limit is reached"))
        }
        other => panic!("{other:?}"),
    }
    // The same as a plain call.
    let mut store = Store::new(limits);
    let id = store.instantiate(std::rc::Rc::new(Module::new(WAT.as_bytes()).unwrap())).unwrap();
    assert_eq!(store.invoke(id, "churn", &[Value::I32(10_000)]).unwrap(), [Value::I32(10_000)]);
}

#[test]
fn handles_are_given_back_as_arguments_and_held_ones_survive_collections() {
    let mut s = session();
    let sum = |s: &Session, text: &str| {
        let ty = s.module().func_type(s.module().export("sum").unwrap().index).unwrap().params[0];
        s.parse_arg(text, ty)
    };
    let l = one(&mut s, "list", &[Value::I32(4)]);
    assert_eq!(s.value_text(&l), "(ref $node) #3");
    // As the page does with a result it shows: hold it.
    let cell = l.to_raw();
    s.store_mut().heap.hold(cell);
    let p = one(&mut s, "pair", &[]);
    assert_eq!(s.value_text(&p), "(ref $pair) #5");
    // The handle's text, the slot alone, or null.
    for text in ["(ref $node) #3", "#3", "anyref:#3"] {
        assert_eq!(sum(&s, text), Ok(l), "{text}");
    }
    assert_eq!(sum(&s, "null"), Ok(Value::AnyRef(None)));
    // The wrong type, no such object, an i31 where a node is wanted.
    assert_eq!(sum(&s, "#5"), Err("expected (ref null $node), found (ref $pair) #5".into()));
    assert_eq!(sum(&s, "#77"), Err("expected (ref null $node): no live object #77".into()));
    assert!(sum(&s, "(ref i31) 3").is_err());
    assert_eq!(
        sum(&s, "#x"),
        Err("expected (ref null $node): `null` or a handle such as `#17` or `(ref $node) #17`".into())
    );
    // A collection frees the pair and its node (no longer results), not the held list.
    s.start("sum", &[Value::AnyRef(None)]).unwrap();
    assert_eq!(s.collect_garbage(), (2, 80));
    assert_eq!(sum(&s, "#5"), Err("expected (ref null $node): no live object #5".into()));
    let v = sum(&s, "#3").unwrap();
    assert_eq!(call(&mut s, "sum", &[v]), [Value::I32(10)]);
    // Released, it goes at the next collection.
    s.store_mut().heap.release(cell);
    s.start("sum", &[Value::AnyRef(None)]).unwrap();
    assert_eq!(s.collect_garbage().0, 4);
    assert_eq!(s.value_text(&l), "#3 (freed)");
}

#[test]
fn trace_prints_references_as_typed_handles() {
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/heap.wat");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_wasmscope"))
        .args(["run", "--trace", file, "pair"])
        .output()
        .unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(stdout.trim(), "(ref $pair) #1");
    assert!(stderr.contains("struct.new $node") && stderr.contains("[(ref $node) #0]"), "{stderr}");
    assert!(stderr.contains("[(ref $node) #0, i32:-1, i32:4660, i64:-5]"), "{stderr}");
}

#[test]
fn signatures_name_their_types() {
    use wasmscope::debug::{extern_type_text, func_type_text};
    let m = Module::new(WAT.as_bytes()).unwrap();
    let sig = |name: &str| {
        let e = m.exports.iter().find(|e| e.name == name).unwrap();
        extern_type_text(&m, &m.export_type(e).unwrap())
    };
    assert_eq!(sig("pair"), "func (result (ref $pair))");
    assert_eq!(sig("twice"), "func (result (ref $node) (ref $node))");
    assert_eq!(sig("bytes"), "func (param i32) (result (ref $bytes))");
    // No name: the index; no reference: as before.
    assert_eq!(sig("anon"), "func (result (ref 4))");
    assert_eq!(sig("small"), "func (param i32) (result (ref i31))");
    assert_eq!(sig("none"), "func (result anyref)");
    let e = m.exports.iter().find(|e| e.name == "churn").unwrap();
    assert_eq!(func_type_text(&m, m.func_type(e.index).unwrap()), "(param i32) (result i32)");
}
