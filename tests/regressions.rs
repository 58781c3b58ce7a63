//! Minimal reproducers of bugs found by the fuzzers (`fuzz/`) and the hostile-input tests
//! (`tests/hostile.rs`). A test marked `#[ignore = "bug: ..."]` fails today; the fix
//! removes the `ignore`.
#![cfg(not(target_arch = "wasm32"))]

#[path = "common/leb.rs"]
mod leb;
use leb::leb;
use std::path::Path;
use std::process::Command;
use std::rc::Rc;
use std::time::{Duration, Instant};
use wasmscope::exec::Config as Engine;
use wasmscope::{Call, Error, Limits, Module, Store, Value};

#[allow(dead_code)]
fn instance(wat: &str) -> (Store, wasmscope::InstanceId) {
    let module = Rc::new(Module::new(wat.as_bytes()).expect("valid module"));
    let mut store = Store::new(Limits::default());
    let id = store.instantiate(module).expect("instantiates");
    (store, id)
}

/// Found by tests/hostile.rs (`magic-bad.wasm`): input that starts with a NUL byte can
/// never be the text format, but with a wrong magic it goes to the text parser, so the
/// error is a text error (`unexpected character '\u{0}'` at line 1, column 1) instead of a
/// decode error at byte offset 0, and `wasmscope run` prints no byte offset.
#[test]
fn binary_with_bad_magic_is_a_decode_error() {
    for bytes in [&b"\0asn\x01\0\0\0"[..], b"\0ASM\x01\0\0\0", b"\0\0\0\0\x01\0\0\0", b"\0asm"] {
        match Module::new(bytes) {
            Err(Error::Decode { offset: Some(o), .. }) => assert!(o <= bytes.len(), "{bytes:02x?}: offset {o}"),
            other => panic!("{bytes:02x?}: {other:?}"),
        }
    }
}

/// Found by tests/hostile.rs (`grow-bomb.wat`): `memory.grow 65535` on a one-page memory
/// used to zero-fill 4 GiB (peak RSS 4.2 GB, 57 s in a debug build). The CLI's default cap
/// is the wasm32 maximum, so the grow is allowed, but it must cost nothing until the pages
/// are used (memory is grown with a fresh zeroed allocation); with `--max-pages` it is
/// refused. Runs under a 6 GiB address-space limit.
#[test]
fn a_memory_grow_bomb_costs_nothing_and_max_pages_refuses_it() {
    let wat = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/hostile/grow-bomb.wat");
    let run = |extra: &[&str]| {
        let t = Instant::now();
        let out = Command::new("sh")
            .arg("-c")
            .arg("ulimit -v 6291456 && exec \"$0\" \"$@\"")
            .arg(env!("CARGO_BIN_EXE_wasmscope"))
            .arg("run")
            .args(extra)
            .args([wat.to_str().unwrap(), "bomb"])
            .output()
            .unwrap();
        let took = t.elapsed();
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(took < Duration::from_secs(10), "took {took:?}");
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    // The first grow reaches the wasm32 maximum; the other 999 are refused.
    assert_eq!(run(&[]), "i32:65536");
    // Every grow refused: still one page.
    assert_eq!(run(&["--max-pages", "16384"]), "i32:1");
}

/// A module with one exported function `f: () -> ()` whose body is `depth` nested empty
/// blocks (binary: deeper than the text parser likes).
fn nested_blocks_module(depth: usize) -> Vec<u8> {
    let mut body = vec![0]; // no locals
    body.extend(std::iter::repeat_n([0x02, 0x40], depth).flatten()); // block
    body.extend(std::iter::repeat_n(0x0b, depth + 1)); // end ... end
    let mut code = vec![1];
    leb(&mut code, body.len() as u64);
    code.extend_from_slice(&body);
    let mut m = b"\0asm\x01\0\0\0".to_vec();
    m.extend_from_slice(&[0x01, 0x04, 0x01, 0x60, 0x00, 0x00]); // type () -> ()
    m.extend_from_slice(&[0x03, 0x02, 0x01, 0x00]); // function 0: type 0
    m.extend_from_slice(&[0x07, 0x05, 0x01, 0x01, b'f', 0x00, 0x00]); // export "f"
    m.push(0x0a);
    leb(&mut m, code.len() as u64);
    m.extend_from_slice(&code);
    m
}

/// Found by review while writing tests/hostile.rs: `FuncInfo::new` stores, for every
/// instruction, the types of all operands and the heights of all open blocks before it, so
/// its time and memory grow with (instructions x nesting depth): a function of 20 000
/// nested blocks (40 000 instructions, 60 KB) needs about 4 * 10^8 block-height entries
/// (1.6 GB) before the debugger can show its first position. `wasmscope run --trace` and
/// every `Session` command that looks at a frame build this info; compilers emit deep
/// block nests for large `switch`es. The same holds for deep operand stacks.
///
/// Runs `wasmscope run --trace` under a 1 GiB address-space limit: today the allocation
/// fails and the process aborts.
#[test]
fn trace_of_deeply_nested_blocks_is_linear() {
    let dir = std::env::temp_dir().join(format!("wasmscope-regressions-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("nested.wasm");
    std::fs::write(&path, nested_blocks_module(20_000)).unwrap();
    let t = Instant::now();
    let out = Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 1048576 && exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_wasmscope"))
        .args(["run", "--trace", "--fuel", "5", path.to_str().unwrap(), "f"])
        .output()
        .unwrap();
    let took = t.elapsed();
    let _ = std::fs::remove_dir_all(&dir);
    let stderr = String::from_utf8_lossy(&out.stderr);
    // Five traced instructions, then out of fuel.
    assert_eq!(out.status.code(), Some(134), "{stderr}");
    assert_eq!(stderr.lines().last(), Some("trap: out of fuel"), "{stderr}");
    assert!(took < Duration::from_secs(10), "took {took:?}");
}

/// The same in the library: debug info for 1 000 and 8 000 nested blocks.
#[test]
fn func_info_of_deeply_nested_blocks_is_linear() {
    use wasmscope::debug::{Config, Session};
    let time = |depth: usize| {
        let module = Rc::new(Module::new(&nested_blocks_module(depth)).unwrap());
        let mut store = Store::new(Limits::default());
        let id = store.instantiate(module).unwrap();
        let mut session = Session::new(store, id, Config::default());
        let t = Instant::now();
        let info = session.func_info(0).unwrap();
        assert_eq!(info.lines.len(), 2 * depth + 1);
        t.elapsed()
    };
    let small = time(1_000);
    let large = time(8_000);
    // 8x the instructions: linear is ~8x the time, quadratic ~64x.
    assert!(large < small * 24 + Duration::from_millis(50), "1 000 deep: {small:?}, 8 000 deep: {large:?}");
}

/// Found by tests/hostile.rs-style probing: a table that cannot be allocated aborts the
/// process (`memory allocation of 80000000 bytes failed`, SIGABRT) where a memory that
/// cannot be allocated is an instantiation error (`cannot allocate a memory of N pages`).
/// 25 tables of 10 million elements (the default `max_table_elems`) are 2 GB, more than the
/// 1 GiB address-space limit this runs under; `Table::new` should fail like `Memory::new`.
#[test]
fn failed_table_allocation_is_an_error_not_an_abort() {
    let dir = std::env::temp_dir().join(format!("wasmscope-regressions-tables-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("tables.wat");
    let tables = "(table 10000000 funcref)".repeat(25);
    std::fs::write(&path, format!("(module {tables} (func (export \"f\") (result i32) (table.size 24)))")).unwrap();
    let out = Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 1048576 && exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_wasmscope"))
        .args(["run", path.to_str().unwrap(), "f"])
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.starts_with("error: cannot instantiate module"), "{stderr}");
}

#[allow(dead_code)]
fn i32s(v: &[Value]) -> Vec<i32> {
    v.iter()
        .map(|v| match v {
            Value::I32(x) => *x,
            other => panic!("{other:?}"),
        })
        .collect()
}

/// Found by the `step` fuzzer: with history off (`history_steps: 0`), stepping back or
/// reverse-continuing from a trapped call had nothing to undo but still reported
/// `HistoryStart`, so the session looked running again and the next command ended in the
/// trap `no call in progress`. Going back from a finished or trapped call with nothing
/// recorded now leaves it finished or trapped.
#[test]
fn stepping_back_from_a_trap_without_history_keeps_the_trap() {
    use wasmscope::debug::{Config, Session, StopReason};
    let wat = r#"(module (func (export "f") (param f32) (result i32) unreachable))"#;
    for history_steps in [0, 10] {
        let config = Config { history_steps, ..Config::default() };
        let mut s = Session::load(wat.as_bytes(), Limits::default(), config).unwrap();
        s.start("f", &[Value::F32(-1.0)]).unwrap();
        assert!(matches!(s.step_into(), StopReason::Trapped(_)), "history {history_steps}");
        s.step_back();
        s.reverse_continue();
        while s.is_running() {
            s.resume(100);
        }
        match s.stop_reason() {
            StopReason::Trapped(t) => assert_eq!(t.code, wasmscope::TrapCode::Unreachable, "history {history_steps}"),
            other => panic!("history {history_steps}: {other:?}"),
        }
    }
}

/// Found by the `differential` fuzzer, and a bug of wasmi 2.0.0, not of wasmscope: in this
/// function (wasm-smith's guarded `i32.rem_s`, shrunk by hand) wasmi traps with `integer
/// divide by zero`, while the divisor is 1 (V8 agrees with wasmscope: 32 rem_s 1 = 0). The
/// differential fuzzer therefore generates no `disallow_traps` guards (fuzz/README.md).
/// This test pins wasmscope's (the spec's) answer.
#[test]
fn wasmi_2_0_0_traps_in_a_guarded_rem_s() {
    let wat = r#"(module
      (func (export "f") (param i32 i32 i32 i32) (result i32) (local i32 i32)
        local.get 3  i32.ctz
        local.get 0  local.set 4
        i32.const 1  local.get 4  local.get 4  i32.eqz  select
        local.set 4  local.set 5
        block
          block
            local.get 5  local.get 4  local.set 4  local.tee 5
            i32.const -2147483648  i32.ne  br_if 0
            local.get 4  i32.const -1  i32.ne  br_if 0
            i32.const 1  local.set 4  br 1
          end
        end
        local.get 5  local.get 4  i32.rem_s))"#;
    let (mut store, id) = instance(wat);
    let r = store.invoke(id, "f", &[Value::I32(0); 4]).unwrap();
    assert_eq!(i32s(&r), [0]);
}

/// Found by the `differential` fuzzer, a second wasmi 2.0.0 bug in the same guards (shrunk
/// by hand): after `0x80000000 / 0x80000000` (= 1), wasmi computes `1 / 0x80000000` as 1;
/// it is 0 (V8 agrees with wasmscope on the fuzzer's module).
#[test]
fn wasmi_2_0_0_miscomputes_a_guarded_div_u() {
    let wat = r#"(module
      (func (export "f") (param i32) (result i32) (local i32 i32)
        local.get 0
        local.get 0  local.set 1
        i32.const 1  local.get 1  local.get 1  i32.eqz  select
        i32.div_u
        local.get 0  local.set 2
        i32.const 1  local.get 2  local.get 2  i32.eqz  select
        i32.div_u))"#;
    let (mut store, id) = instance(wat);
    let r = store.invoke(id, "f", &[Value::I32(i32::MIN)]).unwrap();
    assert_eq!(i32s(&r), [0]);
    let r = store.invoke(id, "f", &[Value::I32(7)]).unwrap();
    assert_eq!(i32s(&r), [0]);
}

/// Found by the `differential` fuzzer (after 23,880 inputs, on the threaded interpreter), a
/// third place where wasmi 2.0.0 and wasmscope disagree, not shrunk yet: after one call of
/// this wasm-smith module (`tests/data/peer/wasmi-2.0.0-global-xor.wat`), wasmi leaves the
/// global `_` at -32769; wasmscope (threaded or not, at full speed or single-stepped) and V8
/// leave it at 0x8000000000008100. The global is two `i64.reinterpret_f64` of NaN constants
/// (`f64.neg`-ed: exact bit arithmetic) xor-ed into it; wasmi xors in 0 for the second.
/// Replacing the then-arm of the `if` before them — which never runs — with `unreachable`
/// makes wasmi agree, so it is wasmi's translation of that `if` that goes wrong.
#[test]
fn wasmi_2_0_0_disagrees_with_v8_on_a_global() {
    let bytes = include_bytes!("data/peer/wasmi-2.0.0-global-xor.wasm");
    for (threaded, slice) in [(true, u64::MAX), (true, 1), (false, u64::MAX), (false, 1)] {
        let mut store = Store::new(Limits::default());
        let engine = Engine { threaded, run_slice: slice };
        let id = engine.instantiate(&mut store, Rc::new(Module::new(bytes).unwrap())).unwrap();
        let mut args = vec![Value::F64(f64::from_bits(13830554455654793216))];
        args.extend([Value::I32(0); 19]);
        let r = engine.invoke(&mut store, id, "", &args).unwrap();
        assert_eq!(
            format!("{r:?}"),
            format!("{:?}", [Value::I32(-513), Value::I32(-513), Value::F64(f64::from_bits(2))])
        );
        let Some(wasmscope::Extern::Global(g)) = store.export(id, "_") else { panic!("no global _") };
        assert_eq!(store.global(g), Value::I64(0x8000000000008100u64 as i64), "threaded {threaded}, slice {slice}");
    }
}

/// Found by the `differential` fuzzer once SIMD was generated (after 237,794 inputs, not
/// shrunk): a fourth wasmi 2.0.0 disagreement of the same kind as the one above. One call
/// of this wasm-smith module (`tests/data/peer/wasmi-2.0.0-if-param-global.wat`) with
/// `(f64 0, f64 0)` xors `i64.reinterpret_f64` of `local.get 0` (never written: 0.0) into
/// the global `4`, which must stay 0; wasmi leaves a different value there on each run
/// (0x7ff8000000000000, 1206885810456: a stale register), after an `if (param f32)` whose
/// arms nest `block`s and a `loop (param i32)`. wasmscope (threaded or not, at full speed
/// or single-stepped) and V8 (node 20) leave `2` = 65, `3` = 0, `4` = 0, `5` = 666.
#[test]
fn wasmi_2_0_0_disagrees_with_v8_after_an_if_with_params() {
    let bytes = include_bytes!("data/peer/wasmi-2.0.0-if-param-global.wasm");
    for (threaded, slice) in [(true, u64::MAX), (true, 1), (false, u64::MAX), (false, 1)] {
        let mut store = Store::new(Limits::default());
        wasmscope::wast::register_spectest(&mut store);
        let engine = Engine { threaded, run_slice: slice };
        let module = Rc::new(Module::new(bytes).unwrap());
        let func = module.exports.iter().find(|e| e.kind == wasmscope::ExternKind::Func).unwrap().name.clone();
        let id = engine.instantiate(&mut store, module).unwrap();
        let r = engine.invoke(&mut store, id, &func, &[Value::F64(0.0), Value::F64(0.0)]).unwrap();
        assert!(r.is_empty());
        let globals: Vec<Value> = ["", "2", "3", "4", "5"]
            .iter()
            .map(|name| match store.export(id, name) {
                Some(wasmscope::Extern::Global(g)) => store.global(g),
                other => panic!("global {name:?}: {other:?}"),
            })
            .collect();
        assert_eq!(
            globals,
            [Value::I64(666), Value::I32(65), Value::I32(0), Value::I64(0), Value::I64(666)],
            "threaded {threaded}, slice {slice}"
        );
    }
}

/// Found by the `step` fuzzer: with history off, a trapping step left the stack as the
/// trapping instruction had left it (its operands popped), while with history on the step
/// is rewound so the state before the trap can be inspected. Both now show the state
/// before the trapping instruction, and stepping again runs it again.
#[test]
fn a_trap_without_history_shows_the_state_before_it() {
    use wasmscope::debug::{Config, Session, StopReason};
    let wat = r#"(module (memory 0) (func (export "f") (result i32) (i32.load16_s (i32.const -1048577))))"#;
    for history_steps in [0, 10] {
        let config = Config { history_steps, ..Config::default() };
        let mut s = Session::load(wat.as_bytes(), Limits::default(), config).unwrap();
        s.start("f", &[]).unwrap();
        assert_eq!(s.step_into(), StopReason::Step);
        let before = format!("{:?}", s.snapshot().frames);
        let executed = s.executed();
        assert!(matches!(s.step_into(), StopReason::Trapped(_)), "history {history_steps}");
        assert_eq!(format!("{:?}", s.snapshot().frames), before, "history {history_steps}");
        assert_eq!(s.executed(), executed, "history {history_steps}");
        assert!(before.contains("I32(-1048577)"), "{before}");
    }
}

/// Found by the `step` fuzzer right after the fix above: a `call` that traps (here `call
/// stack exhausted`) has already moved its frame past itself, so rewinding only the stack
/// height resumed after the call. The frame's position is rewound too.
#[test]
fn a_trapping_call_without_history_is_run_again() {
    use wasmscope::debug::{Config, Session, StopReason};
    let wat = r#"(module (func $f (export "f") (call $f) (unreachable)))"#;
    let limits = Limits { max_call_depth: 5, ..Limits::default() };
    for history_steps in [0, 10] {
        let config = Config { history_steps, ..Config::default() };
        let mut s = Session::load(wat.as_bytes(), limits, config).unwrap();
        s.start("f", &[]).unwrap();
        let stop = s.resume(1000);
        let StopReason::Trapped(t) = &stop else { panic!("{stop:?}") };
        assert_eq!(t.code, wasmscope::TrapCode::CallStackExhausted);
        let at = s.snapshot().frames.last().map(|f| f.position.text.clone());
        assert_eq!(at.as_deref(), Some("call $f"), "history {history_steps}");
        s.reverse_continue();
        let stop = s.resume(1000);
        let StopReason::Trapped(t) = &stop else { panic!("{stop:?}") };
        assert_eq!(t.code, wasmscope::TrapCode::CallStackExhausted, "history {history_steps}");
    }
}

/// Found by the `step` fuzzer: `f32.add` of two NaNs gave different NaN bits at full speed
/// (the threaded handler for `<const>; f32.add`) and single-stepped (the `match`): LLVM
/// treats `+` as commutative and swapped the operands in one of the two copies, and x86 keeps
/// the first operand's NaN. The arithmetic operators now pick the NaN themselves (the first
/// operand's, quieted), so every path gives the same bits. (Without the fix this fails in
/// release builds, as the fuzzers run; unoptimised, both copies keep the operand order.)
#[test]
fn nan_bits_of_arithmetic_are_the_same_on_every_path() {
    let wat = r#"(module
      (func (export "f32") (param $a i32) (param $b i32) (result i32 i32 i32 i32)
        (i32.reinterpret_f32 (f32.add (f32.reinterpret_i32 (local.get $a)) (f32.const -nan:0x3bffff)))
        (i32.reinterpret_f32 (f32.mul (f32.reinterpret_i32 (local.get $a)) (f32.reinterpret_i32 (local.get $b))))
        (i32.reinterpret_f32 (f32.sub (f32.const nan:0x200001) (f32.reinterpret_i32 (local.get $b))))
        (i32.reinterpret_f32 (f32.div (f32.reinterpret_i32 (local.get $b)) (f32.const -nan:0x1))))
      (func (export "f64") (param $a i64) (param $b i64) (result i64 i64)
        (i64.reinterpret_f64 (f64.add (f64.reinterpret_i64 (local.get $a)) (f64.const -nan:0x3ffff)))
        (i64.reinterpret_f64 (f64.mul (f64.reinterpret_i64 (local.get $b)) (f64.reinterpret_i64 (local.get $a))))))"#;
    let module = Rc::new(Module::new(wat.as_bytes()).expect("valid module"));
    let calls = [
        ("f32", vec![Value::I32(-1), Value::I32(0x7fa0_0000)]),
        ("f32", vec![Value::I32(0x7f80_0001), Value::I32(-0x0040_0001)]),
        ("f32", vec![Value::I32(0x3f80_0000), Value::I32(0x7fc0_1234)]),
        ("f64", vec![Value::I64(-1), Value::I64(0x7ff4_0000_0000_0000)]),
        ("f64", vec![Value::I64(0x4000_0000_0000_0000), Value::I64(0x7ff8_0000_0000_0042)]),
    ];
    for (func, args) in calls {
        let mut seen = Vec::new();
        for (threaded, slice) in [(true, u64::MAX), (false, u64::MAX), (true, 1), (true, 2), (true, 3)] {
            let mut store = Store::new(Limits::default());
            let engine = Engine { threaded, run_slice: slice };
            let i = engine.instantiate(&mut store, module.clone()).expect("instantiates");
            let r: Vec<String> =
                engine.invoke(&mut store, i, func, &args).expect("runs").iter().map(|v| format!("{v:?}")).collect();
            seen.push((threaded, slice, r));
        }
        assert!(seen.iter().all(|s| s.2 == seen[0].2), "{func}{args:?}: {seen:?}");
    }
    // The first operand's NaN, quieted: -1 is already a quiet NaN.
    let (mut store, i) = instance(wat);
    let r = store.invoke(i, "f32", &[Value::I32(-1), Value::I32(0x7fa0_0000)]).expect("runs");
    assert_eq!(format!("{:?}", r[0]), format!("{:?}", Value::I32(-1)));
    assert_eq!(format!("{:?}", r[1]), format!("{:?}", Value::I32(-1)));
}
