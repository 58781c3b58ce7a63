//! The debugger engine, driven natively: exact states after each step, step over/out,
//! run-to, breakpoints, watchpoints, traps, and step back restoring identical snapshots.
#![cfg(not(target_arch = "wasm32"))]

use wasmscope::debug::{Config, Session, Snapshot, StopReason};
use wasmscope::{Limits, Value};

fn session(wat: &str) -> Session {
    Session::load(wat.as_bytes(), Limits::default(), Config::default()).expect("module loads")
}

/// The innermost frame in one line: `func@offset text | locals | operands (block:value)`.
fn top(s: &mut Session) -> String {
    let frames = s.frames();
    let Some(f) = frames.last() else { return format!("{:?}", s.stop_reason()) };
    let locals: Vec<String> = f.locals.iter().map(|l| l.value.to_string()).collect();
    let ops: Vec<String> = f.operands.iter().map(|o| format!("{}:{}", o.block, o.value)).collect();
    format!(
        "{}@{:#x} {} | {} | {}",
        f.position.func_name,
        f.position.offset,
        f.position.text,
        locals.join(" "),
        ops.join(" ")
    )
}

/// Steps into until the call ends, collecting `top` before each step.
fn trace(s: &mut Session) -> Vec<String> {
    let mut out = vec![format!("{} {}", s.depth(), top(s))];
    loop {
        match s.step_into() {
            StopReason::Step => out.push(format!("{} {}", s.depth(), top(s))),
            other => {
                out.push(format!("{other:?}"));
                return out;
            }
        }
    }
}

const FAC: &str = r#"(module
  (func $fac (export "fac") (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 1))
      (else (i32.mul (local.get $n) (call $fac (i32.sub (local.get $n) (i32.const 1))))))))"#;

#[test]
fn factorial_recursive_step_by_step() {
    let mut s = session(FAC);
    assert_eq!(s.start("fac", &[Value::I32(1)]).unwrap(), StopReason::Started);
    let t = trace(&mut s);
    let expected = [
        "1 fac@0x22 local.get 0 | i32:1 | ",
        "1 fac@0x24 i32.eqz | i32:1 | 0:i32:1",
        "1 fac@0x25 if (result i32) | i32:1 | 0:i32:0",
        "1 fac@0x2a local.get 0 | i32:1 | ",
        "1 fac@0x2c local.get 0 | i32:1 | 1:i32:1",
        "1 fac@0x2e i32.const 1 | i32:1 | 1:i32:1 1:i32:1",
        "1 fac@0x30 i32.sub | i32:1 | 1:i32:1 1:i32:1 1:i32:1",
        "1 fac@0x31 call $fac | i32:1 | 1:i32:1 1:i32:0",
        "2 fac@0x22 local.get 0 | i32:0 | ",
        "2 fac@0x24 i32.eqz | i32:0 | 0:i32:0",
        "2 fac@0x25 if (result i32) | i32:0 | 0:i32:1",
        "2 fac@0x27 i32.const 1 | i32:0 | ",
        "2 fac@0x29 else | i32:0 | 1:i32:1",
        "2 fac@0x34 end | i32:0 | 1:i32:1",
        "2 fac@0x35 end | i32:0 | 0:i32:1",
        "1 fac@0x33 i32.mul | i32:1 | 1:i32:1 1:i32:1",
        "1 fac@0x34 end | i32:1 | 1:i32:1",
        "1 fac@0x35 end | i32:1 | 0:i32:1",
        "Finished([I32(1)])",
    ];
    assert_eq!(t, expected, "\n{}", t.join("\n"));
}

const KITCHEN: &str = include_str!("data/kitchen.wat");

/// Function index of an export (via the module).
fn func_index(s: &Session, name: &str) -> u32 {
    s.module().export(name).expect("export").index
}

/// Offset of the first instruction of `func` whose text is `text`.
fn offset_of(s: &mut Session, func: u32, text: &str) -> u32 {
    let info = s.func_info(func).unwrap();
    info.lines.iter().find(|l| l.text == text).unwrap_or_else(|| panic!("no `{text}` in {}", info.name)).offset
}

#[test]
fn factorial_iterative_locals_change() {
    let mut s = session(
        r#"(module (func (export "fac") (param $n i64) (result i64) (local $acc i64)
            (local.set $acc (i64.const 1))
            (block $done (loop $again
              (br_if $done (i64.eqz (local.get $n)))
              (local.set $acc (i64.mul (local.get $acc) (local.get $n)))
              (local.set $n (i64.sub (local.get $n) (i64.const 1)))
              (br $again)))
            (local.get $acc)))"#,
    );
    s.start("fac", &[Value::I64(3)]).unwrap();
    let t = trace(&mut s);
    // Names come from the name section.
    let f = &s.func_info(0).unwrap();
    assert_eq!(f.local_names, vec![Some("n".to_string()), Some("acc".to_string())]);
    assert_eq!(t.last().unwrap(), "Finished([I64(6)])");
    // Every loop iteration passes `br $again` with the locals updated.
    let at_br: Vec<&String> = t.iter().filter(|l| l.contains(" br 0 ")).collect();
    assert_eq!(
        at_br,
        ["1 fac@0x3f br 0 | i64:2 i64:3 | ", "1 fac@0x3f br 0 | i64:1 i64:6 | ", "1 fac@0x3f br 0 | i64:0 i64:6 | "]
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
            .iter()
            .collect::<Vec<_>>()
    );
}

#[test]
fn br_table_switch_takes_the_right_arm() {
    for (arg, result, returns_at) in [(0, 100, "i32.const 100"), (1, 200, "i32.const 200"), (9, 300, "i32.const 300")] {
        let mut s = session(KITCHEN);
        s.start("switch", &[Value::I32(arg)]).unwrap();
        let t = trace(&mut s);
        let after_table = t.iter().position(|l| l.contains("br_table")).unwrap() + 1;
        assert!(t[after_table].contains(returns_at), "arg {arg}: {}", t.join("\n"));
        assert_eq!(t.last().unwrap(), &format!("Finished([I32({result})])"));
    }
}

#[test]
fn multi_value_block_shows_params_inside_the_block() {
    let mut s = session(KITCHEN);
    s.start("pair", &[Value::I32(4)]).unwrap();
    let t = trace(&mut s);
    let expected_tail = [
        "1 pair@0xfd local.get 0 | i32:4 | ",
        "1 pair@0xff i32.const 1 | i32:4 | 0:i32:4",
        "1 pair@0x101 block (param i32 i32) (result i32 i32) | i32:4 | 0:i32:4 0:i32:1",
        // Inside the block its two parameters belong to it (block 1).
        "1 pair@0x103 i32.add | i32:4 | 1:i32:4 1:i32:1",
        "1 pair@0x104 i32.const 10 | i32:4 | 1:i32:5",
        "1 pair@0x106 end | i32:4 | 1:i32:5 1:i32:10",
        "1 pair@0x107 end | i32:4 | 0:i32:5 0:i32:10",
        "Finished([I32(5), I32(10)])",
    ];
    assert_eq!(t, expected_tail, "\n{}", t.join("\n"));
}

#[test]
fn memory_store_loop_reports_writes_and_watchpoints() {
    let mut s = session(KITCHEN);
    let fill = func_index(&s, "fill");
    s.start("fill", &[Value::I32(4)]).unwrap();
    // Watch bytes 8..12 (the store of i = 2).
    let w = s.add_watchpoint(8, 4).unwrap();
    let stop = s.resume(1_000_000);
    let StopReason::Watchpoint(hit) = stop else { panic!("expected watchpoint, got {stop:?}") };
    assert_eq!((hit.watchpoint, hit.addr, hit.width), (w, 8, 4));
    assert_eq!(hit.old, vec![0, 0, 0, 0]);
    assert_eq!(hit.new, vec![4, 0, 0, 0], "2 is even: double(2) = 4");
    assert_eq!(s.last_writes(), &[(8, 4)]);
    assert_eq!(s.read_memory(8, 4), &[4, 0, 0, 0]);
    // The stop is right after the store: the next instruction is the global update.
    let pos = s.position().unwrap();
    assert_eq!((pos.func, pos.text.as_str()), (fill, "global.get 0"));
    // A step that writes nothing clears the written ranges.
    assert_eq!(s.step_into(), StopReason::Step);
    assert!(s.last_writes().is_empty());
    assert!(s.remove_watchpoint(w));
    assert_eq!(s.resume(1_000_000), StopReason::Finished(vec![Value::I32(13)]));
    assert_eq!(s.read_memory(0, 16), &[0, 0, 0, 0, 1, 0, 0, 0, 4, 0, 0, 0, 9, 0, 0, 0]);
}

#[test]
fn step_over_and_step_out() {
    let mut s = session(KITCHEN);
    let main = func_index(&s, "main");
    s.start("main", &[]).unwrap();
    // Step over `i32.const 5`, then over `call $pair`: the call runs to completion.
    assert_eq!(s.step_over(1000), StopReason::Step);
    assert_eq!(s.position().unwrap().text, "call $pair");
    assert_eq!(s.step_over(1000), StopReason::Step);
    let f = s.frames();
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].position.text, "drop");
    let values: Vec<Value> = f[0].operands.iter().map(|o| o.value).collect();
    assert_eq!(values, [Value::I32(6), Value::I32(10)]);
    // Step into $fac 5 levels deep, then out of each.
    let call_fac = offset_of(&mut s, main, "call $fac");
    assert_eq!(s.run_to(main, call_fac, 1000), StopReason::Step);
    assert_eq!(s.step_into(), StopReason::Step);
    assert_eq!(s.depth(), 2);
    let fac = s.position().unwrap().func;
    let mul = offset_of(&mut s, fac, "i64.mul");
    assert_eq!(s.run_to(fac, mul, 10_000), StopReason::Step);
    assert_eq!(s.depth(), 6, "fac(5) recursed down to fac(0), which returned into fac(1)");
    assert_eq!(s.step_out(10_000), StopReason::Step);
    assert_eq!(s.depth(), 5);
    let top = s.frames().pop().unwrap();
    assert_eq!(top.position.text, "i64.mul");
    assert_eq!(top.operands.iter().map(|o| o.value).collect::<Vec<_>>(), [Value::I64(2), Value::I64(1)]);
    // Step over at the end of a function returns into the caller.
    while s.position().unwrap().func == fac {
        s.step_over(10_000);
    }
    assert_eq!(s.depth(), 1);
    assert_eq!(s.position().unwrap().text, "drop");
}

/// Tail calls: `$sum` accumulates by `return_call` to itself, `$even`/`$odd` call each other
/// through a table with `return_call_indirect`.
const TAIL: &str = r#"(module
  (type $p (func (param i32) (result i32)))
  (table funcref (elem $even $odd))
  (func $sum (export "sum") (param $n i32) (param $acc i32) (result i32)
    (if (i32.eqz (local.get $n)) (then (return (local.get $acc))))
    (return_call $sum (i32.sub (local.get $n) (i32.const 1)) (i32.add (local.get $acc) (local.get $n))))
  (func $even (type $p)
    (if (i32.eqz (local.get 0)) (then (return (i32.const 1))))
    (return_call_indirect (type $p) (i32.sub (local.get 0) (i32.const 1)) (i32.const 1)))
  (func $odd (export "odd") (type $p)
    (if (i32.eqz (local.get 0)) (then (return (i32.const 0))))
    (return_call_indirect (type $p) (i32.sub (local.get 0) (i32.const 1)) (i32.const 0)))
  (func (export "parity") (param i32) (result i32) (call $even (local.get 0)))
  (func (export "main") (result i32) (i32.add (call $sum (i32.const 4) (i32.const 0)) (i32.const 100))))"#;

/// Wide arithmetic: 128-bit Fibonacci numbers (two i64 halves per number).
const WIDE: &str = r#"(module
  (func (export "fib128") (param $n i32) (result i64 i64)
    (local $alo i64) (local $ahi i64) (local $blo i64) (local $bhi i64) (local $tlo i64) (local $thi i64)
    (local.set $blo (i64.const 1))
    (block $done (loop $next
      (br_if $done (i32.eqz (local.get $n)))
      (i64.add128 (local.get $alo) (local.get $ahi) (local.get $blo) (local.get $bhi))
      (local.set $thi) (local.set $tlo)
      (local.set $alo (local.get $blo)) (local.set $ahi (local.get $bhi))
      (local.set $blo (local.get $tlo)) (local.set $bhi (local.get $thi))
      (drop (drop (i64.mul_wide_u (local.get $alo) (local.get $blo))))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $next)))
    (local.get $alo) (local.get $ahi)))"#;

#[test]
fn wide_arithmetic_steps_and_shows_its_text() {
    let mut s = session(WIDE);
    let f = func_index(&s, "fib128");
    let add = offset_of(&mut s, f, "i64.add128");
    offset_of(&mut s, f, "i64.mul_wide_u");
    s.start("fib128", &[Value::I32(120)]).unwrap();
    assert_eq!(s.run_to(f, add, 1000), StopReason::Step);
    assert_eq!(s.frames()[0].operands.len(), 4);
    assert_eq!(s.step_into(), StopReason::Step);
    let ops: Vec<Value> = s.frames()[0].operands.iter().map(|o| o.value).collect();
    assert_eq!(ops, [Value::I64(1), Value::I64(0)]);
    // fib(120) = 5358359254990966640871840 = 0x46ea_... needs more than 64 bits.
    let want = 5_358_359_254_990_966_640_871_840u128;
    assert_eq!(
        s.resume(100_000),
        StopReason::Finished(vec![Value::I64(want as u64 as i64), Value::I64((want >> 64) as u64 as i64)])
    );
}

#[test]
fn tail_calls_replace_the_frame_and_step_over_them_returns() {
    let mut s = session(TAIL);
    let sum = func_index(&s, "sum");
    s.start("main", &[]).unwrap();
    let rc = offset_of(&mut s, sum, "return_call $sum");
    assert_eq!(s.run_to(sum, rc, 1000), StopReason::Step);
    assert_eq!(s.depth(), 2);
    let locals = |s: &mut Session| s.frames().last().unwrap().locals.iter().map(|l| l.value).collect::<Vec<_>>();
    assert_eq!(locals(&mut s), [Value::I32(4), Value::I32(0)]);
    // Step into: the callee's frame takes the caller's place (the depth stays 2).
    assert_eq!(s.step_into(), StopReason::Step);
    assert_eq!(s.depth(), 2);
    let names: Vec<String> = s.frames().iter().map(|f| f.position.func_name.clone()).collect();
    assert_eq!(names.len(), 2);
    assert!(names[1].contains("sum"), "{names:?}");
    assert_eq!(locals(&mut s), [Value::I32(3), Value::I32(4)]);
    // Step back: the frame being replaced is back, with its locals and operands.
    assert_eq!(s.step_back(), StopReason::Step);
    assert_eq!(s.position().unwrap().text, "return_call $sum");
    assert_eq!(locals(&mut s), [Value::I32(4), Value::I32(0)]);
    let ops: Vec<Value> = s.frames().last().unwrap().operands.iter().map(|o| o.value).collect();
    assert_eq!(ops, [Value::I32(3), Value::I32(4)]);
    // Step over a tail call: over the call and the return it stands for, into `main`.
    assert_eq!(s.step_over(1000), StopReason::Step);
    assert_eq!(s.depth(), 1);
    let f = s.frames();
    assert_eq!(f[0].operands.iter().map(|o| o.value).collect::<Vec<_>>(), [Value::I32(10)]);
    assert_eq!(s.resume(1000), StopReason::Finished(vec![Value::I32(110)]));
    // Step out of a function that was entered by a tail call returns to the first caller.
    let mut s = session(TAIL);
    let odd = func_index(&s, "odd");
    s.start("parity", &[Value::I32(5)]).unwrap();
    let rci = offset_of(&mut s, odd, "return_call_indirect (type 0)");
    assert_eq!(s.run_to(odd, rci, 1000), StopReason::Step);
    assert_eq!(s.depth(), 2, "even and odd replaced each other");
    assert_eq!(s.step_out(1000), StopReason::Step);
    assert_eq!(s.depth(), 1);
    assert_eq!(s.resume(1000), StopReason::Finished(vec![Value::I32(0)]));
}

#[test]
fn breakpoints_in_recursion_with_hit_counts() {
    let mut s = session(KITCHEN);
    let fac = func_index(&s, "fac");
    let mul = offset_of(&mut s, fac, "i64.mul");
    s.start("fac", &[Value::I64(4)]).unwrap();
    let bp = s.add_breakpoint(fac, mul, None).unwrap();
    // The innermost multiplication comes first: fac(1) = 1 * fac(0).
    let mut seen = Vec::new();
    loop {
        match s.resume(100_000) {
            StopReason::Breakpoint(id) => {
                assert_eq!(id, bp);
                let top = s.frames().pop().unwrap();
                seen.push((s.depth(), top.locals[0].value));
            }
            StopReason::Finished(v) => {
                assert_eq!(v, [Value::I64(24)]);
                break;
            }
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(seen, [(4, Value::I64(1)), (3, Value::I64(2)), (2, Value::I64(3)), (1, Value::I64(4))]);
    assert_eq!(s.breakpoints()[0].hits, 4);

    // With a hit count of 3, only the third and later hits stop.
    let mut s = session(KITCHEN);
    s.start("fac", &[Value::I64(4)]).unwrap();
    s.add_breakpoint(fac, mul, Some(3)).unwrap();
    assert!(matches!(s.resume(100_000), StopReason::Breakpoint(_)));
    assert_eq!(s.frames().pop().unwrap().locals[0].value, Value::I64(3));
    assert!(s.add_breakpoint(fac, mul + 1000, None).is_err(), "no instruction there");
}

#[test]
fn budget_pauses_and_proceeds() {
    let mut s = session(
        r#"(module (func (export "spin") (param i32) (result i32)
        (loop $l (local.set 0 (i32.sub (local.get 0) (i32.const 1))) (br_if $l (local.get 0)))
        (local.get 0)))"#,
    );
    s.start("spin", &[Value::I32(1000)]).unwrap();
    let mut slices = 0;
    loop {
        match s.resume(500) {
            StopReason::Budget => slices += 1,
            StopReason::Finished(v) => {
                assert_eq!(v, [Value::I32(0)]);
                break;
            }
            other => panic!("{other:?}"),
        }
    }
    assert!(slices >= 10, "{slices}");
    // `loop`, six instructions per iteration, then `end`, `local.get 0` and the final `end`.
    assert_eq!(s.executed(), 1 + 1000 * 6 + 3);
}

#[test]
fn trap_while_stepping_leaves_state_inspectable() {
    let mut s = session(
        r#"(module (memory 1)
        (func (export "f") (param i32) (result i32)
          (i32.store (i32.const 0) (i32.const 42))
          (i32.div_s (i32.const 7) (local.get 0))))"#,
    );
    s.start("f", &[Value::I32(0)]).unwrap();
    let stop = s.resume(100);
    let StopReason::Trapped(t) = &stop else { panic!("{stop:?}") };
    assert_eq!(t.to_string(), "integer divide by zero");
    // Stopped at the trapping instruction with its operands still on the stack.
    let top = s.frames().pop().unwrap();
    assert_eq!(top.position.text, "i32.div_s");
    assert_eq!(top.operands.iter().map(|o| o.value).collect::<Vec<_>>(), [Value::I32(7), Value::I32(0)]);
    assert_eq!(s.read_memory(0, 1), &[42]);
    // Forward commands report the trap again; step back works.
    assert_eq!(s.step_into(), stop);
    assert_eq!(s.step_back(), StopReason::Step);
    assert_eq!(s.position().unwrap().text, "local.get 0");
}

#[test]
fn reverse_continue_to_breakpoint_and_before_watched_write() {
    let mut s = session(KITCHEN);
    let fill = func_index(&s, "fill");
    s.start("fill", &[Value::I32(5)]).unwrap();
    let gset = offset_of(&mut s, fill, "global.set 0");
    assert_eq!(s.resume(1_000_000), StopReason::Finished(vec![Value::I32(17)]));
    let bp = s.add_breakpoint(fill, gset, None).unwrap();
    // Back to the last `global.set` (i = 4) ...
    assert_eq!(s.reverse_continue(), StopReason::Breakpoint(bp));
    assert_eq!(s.frames()[0].locals[1].value, Value::I32(4));
    assert_eq!(s.globals()[0].value, Value::I32(7 + 1 + 2 + 3));
    s.remove_breakpoint(bp);
    // ... then to just before the store into 4..8 (i = 1).
    let w = s.add_watchpoint(4, 4).unwrap();
    let stop = s.reverse_continue();
    let StopReason::Watchpoint(hit) = stop else { panic!("{stop:?}") };
    assert_eq!((hit.watchpoint, hit.addr), (w, 4));
    assert_eq!(s.position().unwrap().text, "i32.store");
    assert_eq!(s.read_memory(4, 4), &[0, 0, 0, 0]);
    assert_eq!(s.reverse_continue(), StopReason::HistoryStart);
    assert_eq!(s.executed(), 0);
}

// ---- step back: the property --------------------------------------------------------------

/// Everything observable: the snapshot (with its stop reason normalised) and all of memory.
fn full_state(s: &mut Session) -> (Snapshot, Vec<u8>) {
    let mut snap = s.snapshot();
    snap.stop = StopReason::Step;
    snap.last_writes.clear();
    snap.history = 0;
    // Every memory, whole.
    let mut bytes = Vec::new();
    for m in s.memories() {
        bytes.extend_from_slice(s.read_memory_in(m.index, 0, m.bytes));
        bytes.extend_from_slice(&m.bytes.to_le_bytes());
    }
    (snap, bytes)
}

/// Multi-memory, memory64 (with table64), custom page sizes and atomics in one module.
const MEMORIES: &str = r#"(module
  (memory $a 1)
  (memory $b i64 1 4)
  (memory $c 3 10 (pagesize 1))
  (memory $s 1 1 shared)
  (table $t i64 4 funcref)
  (data (memory $b) (i64.const 8) "\01\02\03\04")
  (func $id (param i32) (result i32) (local.get 0))
  (elem (table $t) (i64.const 1) func $id)
  (func (export "mix") (param $n i32) (result i32) (local $i i32)
    (loop $l
      (i32.store $a (i32.mul (local.get $i) (i32.const 4)) (local.get $i))
      (i64.store $b offset=16 (i64.extend_i32_u (i32.mul (local.get $i) (i32.const 8))) (i64.const -1))
      (i32.store8 $c (local.get $i) (i32.add (local.get $i) (i32.const 7)))
      (drop (i32.atomic.rmw.add $s (i32.const 8) (local.get $i)))
      (drop (i64.atomic.rmw16.cmpxchg_u $s (i32.const 16) (i64.const 0) (i64.const 5)))
      (i32.atomic.store8 $s (local.get $i) (i32.const 9))
      (drop (memory.grow $c (i32.const 2)))
      (drop (memory.grow $b (i64.const 1)))
      (memory.copy $b $a (i64.const 100) (i32.const 0) (i32.const 8))
      (memory.fill $c (i32.const 0) (i32.const 1) (i32.const 2))
      (table.set $t (i64.const 2) (ref.func $id))
      (drop (call_indirect $t (param i32) (result i32) (local.get $i) (i64.const 1)))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (i32.add (i32.load $a (i32.const 4))
      (i32.add (i32.load8_u $c (i32.const 2)) (i32.wrap_i64 (i64.load8_u $b (i64.const 9))))))
)"#;

#[test]
fn a_store_to_another_memory_and_a_memory64_store_step_back() {
    let mut s = session(MEMORIES);
    s.start("mix", &[Value::I32(3)]).unwrap();
    let names: Vec<(u32, bool, u64)> = s.memories().iter().map(|m| (m.index, m.memory64, m.page_size)).collect();
    assert_eq!(names, [(0, false, 65536), (1, true, 65536), (2, false, 1), (3, false, 65536)]);
    // To the i64.store into memory 1 of the second iteration.
    let w = s.add_watchpoint_in(1, 16 + 8, 8).unwrap();
    let stop = s.resume(10_000);
    let StopReason::Watchpoint(hit) = stop else { panic!("{stop:?}") };
    assert_eq!((hit.watchpoint, hit.memory, hit.addr, hit.width), (w, 1, 24, 8));
    assert_eq!(s.read_memory_in(1, 24, 8), &[0xff; 8]);
    assert_eq!(s.step_back(), StopReason::Step);
    assert_eq!(s.position().unwrap().text, "i64.store 1 offset=16");
    assert_eq!(s.read_memory_in(1, 24, 8), &[0; 8]);
    s.remove_watchpoint(w);
    // The byte store into memory 2 (pages of 1 byte) right after it.
    let w = s.add_watchpoint_in(2, 1, 1).unwrap();
    let StopReason::Watchpoint(hit) = s.resume(10_000) else { panic!("no hit") };
    assert_eq!((hit.memory, hit.addr, hit.old.as_slice(), hit.new.as_slice()), (2, 1, &[1u8][..], &[8u8][..]));
    assert_eq!(s.step_back(), StopReason::Step);
    assert_eq!(s.position().unwrap().text, "i32.store8 2");
    // The first iteration's memory.fill wrote the 1.
    assert_eq!(s.read_memory_in(2, 1, 1), &[1]);
    s.remove_watchpoint(w);
    assert_eq!(s.resume(100_000), StopReason::Finished(vec![Value::I32(1 + 9 + 2)]));
}

/// xorshift64*: deterministic, dependency-free randomness.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

#[test]
fn step_back_restores_identical_states() {
    let cases: [(&str, &str, Vec<Value>); 10] = [
        (WIDE, "fib128", vec![Value::I32(120)]),
        (TAIL, "main", vec![]),
        (TAIL, "parity", vec![Value::I32(7)]),
        (MEMORIES, "mix", vec![Value::I32(5)]),
        (KITCHEN, "main", vec![]),
        (KITCHEN, "fill", vec![Value::I32(9)]),
        (KITCHEN, "bulk", vec![]),
        (KITCHEN, "fac", vec![Value::I64(7)]),
        (FAC, "fac", vec![Value::I32(6)]),
        (include_str!("data/fac.wat"), "fac_iter", vec![Value::I64(9)]),
    ];
    let mut total = 0;
    for (wat, func, args) in cases {
        for seed in 1..=8u64 {
            let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
            let mut s = session(wat);
            s.start(func, &args).unwrap();
            // Random forward commands first, so the walk starts somewhere in the middle.
            for _ in 0..rng.next() % 4 {
                match rng.next() % 4 {
                    0 => s.step_into(),
                    1 => s.step_over(rng.next() % 50 + 1),
                    2 => s.step_out(rng.next() % 50 + 1),
                    _ => s.resume(rng.next() % 50 + 1),
                };
            }
            if !s.is_running() {
                continue;
            }
            let start = full_state(&mut s);
            let n = rng.next() % 400 + 1;
            let mut forward = Vec::new();
            let mut steps = 0;
            for _ in 0..n {
                let stop = s.step_into();
                steps += 1;
                forward.push(full_state(&mut s));
                if matches!(stop, StopReason::Finished(_) | StopReason::Trapped(_)) {
                    break;
                }
            }
            total += steps;
            for _ in 0..steps {
                assert_eq!(s.step_back(), StopReason::Step);
            }
            assert!(full_state(&mut s) == start, "{func} seed {seed}: state after {steps} steps back differs");
            for (i, want) in forward.iter().enumerate() {
                s.step_into();
                assert!(full_state(&mut s) == *want, "{func} seed {seed}: forward step {i} differs");
            }
        }
    }
    assert!(total > 2000, "the walks took only {total} steps");
}

#[test]
fn history_is_bounded() {
    let config = Config { history_steps: 10, ..Config::default() };
    let mut s = Session::load(FAC.as_bytes(), Limits::default(), config).unwrap();
    s.start("fac", &[Value::I32(5)]).unwrap();
    for _ in 0..25 {
        s.step_into();
    }
    for _ in 0..10 {
        assert_eq!(s.step_back(), StopReason::Step);
    }
    assert_eq!(s.step_back(), StopReason::HistoryStart);
    assert_eq!(s.executed(), 15);
}

#[test]
fn last_writes_in_names_every_memory_and_traps_name_the_bytes() {
    let mut s = session(
        r#"(module (memory 1) (memory $two i64 1)
             (func (export "f") (param $at i64)
               (i32.store (i32.const 4) (i32.const 1))
               (i32.store $two (local.get $at) (i32.const 2))))"#,
    );
    s.start("f", &[Value::I64(8)]).unwrap();
    for _ in 0..3 {
        s.step_into();
    }
    assert_eq!(s.last_writes(), &[(4, 4)]);
    assert_eq!(s.last_writes_in(), &[(0, 4, 4)]);
    for _ in 0..3 {
        s.step_into();
    }
    assert!(s.last_writes().is_empty(), "memory 0's alone");
    assert_eq!(s.last_writes_in(), &[(1, 8, 4)]);
    assert_eq!(s.read_memory_in(1, 8, 4), &[2, 0, 0, 0]);

    // A trap of a recorded command is rewound (the store's operands are on the stack again);
    // both it and a full-speed run's trap name the bytes.
    let want = "out of bounds memory access: 4 bytes at 0x100000000 of memory 1 ($two), 65536 bytes";
    s.start("f", &[Value::I64(1 << 32)]).unwrap();
    assert!(matches!(s.resume(1_000), StopReason::Trapped(t) if t.to_string() == want));
    let ops: Vec<String> = s.frames().last().unwrap().operands.iter().map(|o| o.value.to_string()).collect();
    assert_eq!(ops, ["i64:4294967296", "i32:2"]);
    s.start("f", &[Value::I64(1 << 32)]).unwrap();
    assert!(matches!(s.run_unrecorded(1_000), StopReason::Trapped(t) if t.to_string() == want));
}
