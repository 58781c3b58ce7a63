//! wasm-smith modules driven by the debugger: for every exported function, a `Session`
//! takes a random sequence of commands (step into/over/out/back, resume and run-to with
//! small budgets, reverse continue, breakpoints at random instruction offsets, watchpoints,
//! snapshots), then resumes to the end. Checked:
//!
//! * the result or trap equals a plain `Call::invoke` of the same call on a second
//!   instance that went through the same calls (and the exported state agrees after it);
//! * N step-intos followed by N step-backs restore an identical snapshot, every memory,
//!   every table and the GC heap.
//!
//! Fuel: the plain run has `FUEL` instructions per call; a call finishes within it iff the
//! session's count of executed instructions at its end is at most `FUEL`.
#![no_main]

use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use wasmscope::debug::{Config, MemoryView, Session, Snapshot, StopReason};
use wasmscope::runtime::heap::HeapState;
use wasmscope::value::gc_ref;
use wasmscope::{Error, Extern, TrapCode, Value};
use wasmscope_fuzz::{
    FUEL, Ours, Target, args, callees, dump_line, exported_funcs, generate, limits, state_diff, state_of,
};

/// What a snapshot must keep across N steps forward and N back (the stop reason and the
/// last step's writes describe the last command, not the state).
/// Floats are compared by their bits (a NaN is not equal to itself); v128s, globals'
/// included, are bits already.
fn comparable(mut s: Snapshot) -> Snapshot {
    s.stop = StopReason::Step;
    s.last_writes.clear();
    let bits = |v: &mut Value| match *v {
        Value::F32(x) => *v = Value::I32(x.to_bits() as i32),
        Value::F64(x) => *v = Value::I64(x.to_bits() as i64),
        _ => {}
    };
    for f in &mut s.frames {
        f.locals.iter_mut().for_each(|l| bits(&mut l.value));
        f.operands.iter_mut().for_each(|o| bits(&mut o.value));
    }
    s.globals.iter_mut().for_each(|g| bits(&mut g.value));
    s
}

/// Results of the debugged and the plain run: bit for bit, except references to GC heap
/// objects, which are compared by kind only: the plain store collects garbage and reuses
/// freed slots, the debugged one collects nothing, so the same object may have a
/// different slot. (Function and exception references are addresses both stores give
/// out in the same order: step back takes back an exception object it undoes.)
fn same_value(a: &Value, b: &Value) -> bool {
    let heap = |v: &Value| match *v {
        Value::AnyRef(Some(c)) | Value::ExternAny(c) => gc_ref::heap_index(c).is_some(),
        _ => false,
    };
    if heap(a) || heap(b) { heap(a) && heap(b) && a.ty() == b.ty() } else { a.bits_eq(b) }
}

/// What the snapshot leaves out: every memory (its view: size in pages and bytes, page
/// size, ...; and its bytes), every table's entries past the snapshot's first 64, as
/// raw cells, and the GC heap (every slot's object, type and cells, and the free list).
#[derive(PartialEq)]
struct Rest {
    memories: Vec<(MemoryView, Vec<u8>)>,
    tables: Vec<Vec<u64>>,
    heap: HeapState,
}

fn rest(session: &Session) -> Rest {
    let memories = session
        .memories()
        .into_iter()
        .map(|m| {
            let bytes = session.read_memory_in(m.index, 0, m.bytes).to_vec();
            (m, bytes)
        })
        .collect();
    let store = session.store();
    let tables = session
        .module()
        .exports
        .iter()
        .filter_map(|e| match store.export(session.instance(), &e.name) {
            Some(Extern::Table(t)) => {
                let t = store.table(t);
                Some(t.slice(0, t.size().into()).unwrap_or(&[]).to_vec())
            }
            _ => None,
        })
        .collect();
    Rest { memories, tables, heap: store.heap.state() }
}

/// Random commands while the call runs.
fn drive(u: &mut Unstructured<'_>, session: &mut Session, defined: &[u32]) -> arbitrary::Result<()> {
    let mut breakpoints = Vec::new();
    let mut watchpoints = Vec::new();
    for _ in 0..u.int_in_range(0..=40)? {
        if !session.is_running() && !u.ratio(1, 4)? {
            break;
        }
        let cmd: u8 = u.int_in_range(0..=14)?;
        dump_line(format!("  cmd {cmd} at executed={} depth={}", session.executed(), session.depth()));
        match cmd {
            0 | 1 => {
                session.step_into();
            }
            2 => {
                session.step_over(u.int_in_range(1..=64)?);
            }
            3 => {
                session.step_out(u.int_in_range(1..=256)?);
            }
            4 => {
                session.resume(u.int_in_range(1..=256)?);
            }
            5 => {
                session.step_back();
            }
            6 => {
                session.reverse_continue();
            }
            7 | 8 if !defined.is_empty() => {
                let f = *u.choose(defined)?;
                if let Ok(info) = session.func_info(f)
                    && !info.lines.is_empty()
                {
                    let line = &info.lines[u.choose_index(info.lines.len())?];
                    let hits = if u.ratio(1, 4)? { Some(u.int_in_range(1..=5)?) } else { None };
                    let id = session.add_breakpoint(f, line.offset, hits).expect("breakpoint at a listed line");
                    breakpoints.push(id);
                    if cmd == 8 {
                        session.run_to(f, line.offset, u.int_in_range(1..=256)?);
                    }
                }
            }
            9 if !breakpoints.is_empty() => {
                let i = u.choose_index(breakpoints.len())?;
                assert!(session.remove_breakpoint(breakpoints.swap_remove(i)));
            }
            10 => {
                // Step-back property: N steps forward, then as many back as were recorded.
                let n = u.int_in_range(1..=32)?;
                let before = comparable(session.snapshot());
                let mem = rest(session);
                let h = session.history_len();
                let mut steps = 0;
                for _ in 0..n {
                    if !session.is_running() {
                        break;
                    }
                    if !matches!(session.step_into(), StopReason::Trapped(_)) {
                        steps += 1;
                    }
                }
                // (A collection recorded into the log can make it drop old records: shorter.)
                let recorded = session.history_len().saturating_sub(h);
                for _ in 0..recorded {
                    session.step_back();
                }
                // Unless the history's caps dropped old steps, everything was undone.
                if recorded == steps {
                    let after = comparable(session.snapshot());
                    assert_eq!(before, after, "snapshot after {steps} step-intos and as many step-backs");
                    assert!(
                        mem == rest(session),
                        "memories, tables or the GC heap after {steps} step-intos and as many step-backs"
                    );
                }
            }
            11 => {
                // In any of the memories (multi-memory), at a 64-bit address (memory64).
                let memory = u.int_in_range(0..=session.memories().len().saturating_sub(1) as u32)?;
                let addr = u.int_in_range(0..=0x1_0000)?;
                let id = session.add_watchpoint_in(memory, addr, u.int_in_range(1..=64)?).unwrap();
                watchpoints.push(id);
            }
            12 if !watchpoints.is_empty() => {
                let i = u.choose_index(watchpoints.len())?;
                assert!(session.remove_watchpoint(watchpoints.swap_remove(i)));
            }
            13 => {
                let s = session.snapshot();
                assert_eq!(s.frames.len(), session.depth(), "snapshot frames vs depth");
            }
            _ => {
                session.proceed(u.int_in_range(1..=64)?);
            }
        }
    }
    Ok(())
}

fn run(u: &mut Unstructured<'_>) -> arbitrary::Result<()> {
    let g = generate(u, Target::Ours)?;
    // Two instances that see the same calls: one driven by the debugger, one plain.
    let (Ok(debugged), Ok(mut plain)) =
        (Ours::new(&g.bytes, g.imports, limits()), Ours::new(&g.bytes, g.imports, limits()))
    else {
        return Ok(());
    };
    let module = debugged.module.clone();
    let defined: Vec<u32> = (module.num_imported_funcs..module.funcs.len() as u32).collect();
    let history = if u.ratio(1, 8)? { u.int_in_range(0..=16)? } else { 100_000 };
    let mut session =
        Session::new(debugged.store, debugged.instance, Config { history_steps: history, history_bytes: 16 << 20 });
    let funcs = exported_funcs(&module);
    let callees = callees(&module);
    for (name, params) in &funcs {
        // A parameter the host cannot make (a non-null struct reference, say): not called.
        let Some(a) = args(u, &module, params, &callees)? else { continue };
        let expected = plain.call(name, &a);
        let values: Vec<_> = a.iter().map(|x| plain.value(x)).collect();
        // The session's instance is a different store with the same layout, so addresses
        // (function references) are the same.
        dump_line(format!("{name} {a:?} -> {expected:?}"));
        match session.start(name, &values) {
            Ok(_) => {}
            Err(e) => panic!("session cannot start {name}: {e}"),
        }
        drive(u, &mut session, &defined)?;
        // Run to the end (or to the fuel the plain run had).
        while session.is_running() && session.executed() < FUEL {
            session.resume(FUEL - session.executed());
        }
        let executed = session.executed();
        let out_of_fuel = || Err(Error::from(TrapCode::OutOfFuel));
        // A trapping instruction may or may not be counted (the debugger rewinds it when
        // it records history), so a trap right at the fuel limit may be either.
        let mut either = None;
        let got: Result<Vec<wasmscope::Value>, Error> = match session.stop_reason().clone() {
            StopReason::Trapped(t) if executed == FUEL => {
                either = Some(out_of_fuel());
                Err(Error::Trap(t))
            }
            _ if executed > FUEL => out_of_fuel(),
            StopReason::Finished(v) => Ok(v),
            StopReason::Trapped(t) => Err(Error::Trap(t)),
            _ if session.is_running() => out_of_fuel(),
            other => panic!("session stopped with {other:?}"),
        };
        if matches!(&got, Err(Error::Trap(t)) if t.code == TrapCode::HeapExhausted)
            && !matches!(&expected, Err(Error::Trap(t)) if t.code == TrapCode::HeapExhausted)
        {
            // Under a session nothing is collected (step back must be able to restore any
            // object), so the debugged run can reach the heap limit where the plain one
            // collected garbage: their states differ from here on.
            return Ok(());
        }
        let eq = |got: &Result<Vec<wasmscope::Value>, Error>| match (got, &expected) {
            (Ok(x), Ok(y)) => x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same_value(a, b)),
            (Err(Error::Trap(x)), Err(Error::Trap(y))) => x.code == y.code,
            _ => false,
        };
        let same = eq(&got) || either.as_ref().is_some_and(eq);
        assert!(same, "call {name}{a:?}: debugger {got:?}, plain {expected:?}");
        if executed > FUEL {
            // The debugger overshot the plain run's fuel: their states differ from here on.
            return Ok(());
        }
        let s1 = state_of(session.store(), session.instance(), &module);
        if let Some(d) = state_diff(&s1, &plain.state()) {
            panic!("after call {name}{a:?}: debugged vs plain: {d}");
        }
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let _ = run(&mut Unstructured::new(data));
});
