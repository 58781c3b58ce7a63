//! End-to-end tests of the `wasmscope` binary.
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

struct Output {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Output {
    fn lines(&self) -> Vec<&str> {
        self.stdout.lines().collect()
    }
}

fn wasmscope(args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_wasmscope")).args(args).output().expect("cannot run wasmscope");
    let o = Output {
        code: out.status.code().expect("wasmscope was killed by a signal"),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(!o.stderr.contains("panicked"), "wasmscope {args:?} panicked:\n{}", o.stderr);
    o
}

/// Runs wasmscope and checks it succeeded; returns stdout.
fn ok(args: &[&str]) -> String {
    let o = wasmscope(args);
    assert_eq!(o.code, 0, "wasmscope {args:?} failed:\nstdout: {}\nstderr: {}", o.stdout, o.stderr);
    o.stdout
}

/// Runs wasmscope and checks it exited with `code`; returns stderr.
fn fails(code: i32, args: &[&str]) -> String {
    let o = wasmscope(args);
    assert_eq!(o.code, code, "wasmscope {args:?}:\nstdout: {}\nstderr: {}", o.stdout, o.stderr);
    o.stderr
}

fn data(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name).to_string_lossy().into_owned()
}

/// A fresh directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> TempDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        let dir = std::env::temp_dir().join(format!("wasmscope-cli-{}-{n}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn file(&self, name: &str, contents: impl AsRef<[u8]>) -> String {
        let path = self.0.join(name);
        std::fs::write(&path, contents).unwrap();
        path.to_string_lossy().into_owned()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

// ---- run ----

#[test]
fn runs_factorial_from_text() {
    let fac = data("fac.wat");
    assert_eq!(ok(&["run", &fac, "fac", "20"]), "i64:2432902008176640000\n");
    assert_eq!(ok(&["run", &fac, "fac_iter", "20"]), "i64:2432902008176640000\n");
    assert_eq!(ok(&["run", &fac, "fac", "0"]), "i64:1\n");
}

#[test]
fn runs_a_binary_module() {
    let dir = TempDir::new();
    let text = std::fs::read_to_string(data("fac.wat")).unwrap();
    let binary = wat::parse_str(&text).unwrap();
    assert!(binary.starts_with(b"\0asm"));
    // The extension does not matter: the magic number does.
    for name in ["fac.wasm", "fac.bin"] {
        let path = dir.file(name, &binary);
        assert_eq!(ok(&["run", &path, "fac", "20"]), "i64:2432902008176640000\n");
    }
}

#[test]
fn negative_numbers_need_no_double_dash() {
    let ops = data("ops.wat");
    assert_eq!(ok(&["run", &ops, "add", "-5", "-0.5"]), "f64:-5.5\n");
    assert_eq!(ok(&["run", &ops, "echo_i32", "-2147483648"]), "i32:-2147483648\n");
    assert_eq!(ok(&["run", &ops, "echo_i64", "-1"]), "i64:-1\n");
    assert_eq!(ok(&["run", &ops, "echo_floats", "-inf", "-0.0"]), "f32:-inf\nf64:-0.0\n");
    assert_eq!(ok(&["run", &ops, "div", "7", "-2"]), "i32:-3\n");
    // `--` is still accepted.
    assert_eq!(ok(&["run", &ops, "div", "--", "-7", "2"]), "i32:-3\n");
}

#[test]
fn float_arguments() {
    let ops = data("ops.wat");
    assert_eq!(ok(&["run", &ops, "echo_floats", "nan", "inf"]), "f32:nan\nf64:inf\n");
    assert_eq!(ok(&["run", &ops, "echo_floats", "1.5", "1e+20"]), "f32:1.5\nf64:1e20\n");
    assert_eq!(ok(&["run", &ops, "echo_floats", "3", "-nan"]), "f32:3.0\nf64:-nan\n");
    assert_eq!(ok(&["run", &ops, "add", "1", "281.2380952380951"]), "f64:282.2380952380951\n");
}

#[test]
fn hex_and_wrapping_integer_arguments() {
    let ops = data("ops.wat");
    assert_eq!(ok(&["run", &ops, "echo_i32", "0x10"]), "i32:16\n");
    assert_eq!(ok(&["run", &ops, "echo_i32", "-0x10"]), "i32:-16\n");
    assert_eq!(ok(&["run", &ops, "echo_i32", "0xffffffff"]), "i32:-1\n");
    assert_eq!(ok(&["run", &ops, "echo_i32", "4294967295"]), "i32:-1\n");
    assert_eq!(ok(&["run", &ops, "echo_i64", "18446744073709551615"]), "i64:-1\n");
    assert_eq!(ok(&["run", &ops, "echo_i64", "0x7fffffffffffffff"]), "i64:9223372036854775807\n");
}

#[test]
fn typed_arguments() {
    let ops = data("ops.wat");
    assert_eq!(ok(&["run", &ops, "echo_i32", "i32:5"]), "i32:5\n");
    assert_eq!(ok(&["run", &ops, "echo_i32", "i32:-5"]), "i32:-5\n");
    assert_eq!(ok(&["run", &ops, "echo_floats", "f32:-1.25", "f64:2"]), "f32:-1.25\nf64:2.0\n");
    let err = fails(1, &["run", &ops, "echo_i32", "i64:5"]);
    assert!(err.starts_with("error: "), "{err}");
    assert!(err.contains("expected i32, found i64"), "{err}");
}

#[test]
fn bad_arguments_are_errors() {
    let ops = data("ops.wat");
    // Not a number.
    let err = fails(1, &["run", &ops, "echo_i32", "five"]);
    assert!(err.starts_with("error: "), "{err}");
    assert!(err.contains("five"), "{err}");
    assert!(err.contains("(param i32) (result i32)"), "the signature is shown: {err}");
    // Out of range, or a float for an integer.
    fails(1, &["run", &ops, "echo_i32", "4294967296"]);
    fails(1, &["run", &ops, "echo_i32", "-2147483649"]);
    fails(1, &["run", &ops, "echo_i32", "1.5"]);
    // Wrong count, both ways.
    let err = fails(1, &["run", &ops, "div", "1"]);
    assert!(err.contains("expects 2 arguments, got 1"), "{err}");
    assert!(err.contains("func (param i32 i32) (result i32)"), "{err}");
    let err = fails(1, &["run", &ops, "div", "1", "2", "3"]);
    assert!(err.contains("expects 2 arguments, got 3"), "{err}");
    // Options after the function name would be arguments: say so.
    let err = fails(1, &["run", &ops, "div", "1", "2", "--fuel", "10"]);
    assert!(err.contains("put options before FILE"), "{err}");
}

#[test]
fn unknown_function_is_an_error() {
    let fac = data("fac.wat");
    let err = fails(1, &["run", &fac, "nope"]);
    assert!(err.starts_with("error: "), "{err}");
    assert!(err.contains("unknown function `nope`"), "{err}");
    assert!(err.contains("fac"), "lists what is exported: {err}");
    // An export that is not a function.
    let err = fails(1, &["run", &data("ops.wat"), "memory"]);
    assert!(err.contains("not a function"), "{err}");
}

#[test]
fn trap_exits_134() {
    let err = fails(134, &["run", &data("ops.wat"), "div", "1", "0"]);
    assert_eq!(err, "trap: integer divide by zero\n");
    let err = fails(134, &["run", &data("ops.wat"), "div", "-2147483648", "-1"]);
    assert_eq!(err, "trap: integer overflow\n");
}

#[test]
fn fuel_stops_an_infinite_loop() {
    let ops = data("ops.wat");
    let o = wasmscope(&["run", "--fuel", "10000", &ops, "spin"]);
    assert_eq!(o.code, 134, "{}", o.stderr);
    assert_eq!(o.stderr, "trap: out of fuel\n");
    assert_eq!(o.stdout, "");
    // Enough fuel for a terminating call.
    assert_eq!(ok(&["run", "--fuel", "100000", &data("fac.wat"), "fac", "20"]), "i64:2432902008176640000\n");
    // Options may also come between FILE and FUNCTION.
    fails(134, &["run", &ops, "--fuel", "10", "spin"]);
}

#[test]
fn max_stack_depth_limits_recursion() {
    let ops = data("ops.wat");
    assert_eq!(ok(&["run", &ops, "down", "500"]), "i32:500\n");
    let err = fails(134, &["run", "--max-stack-depth", "100", &ops, "down", "500"]);
    assert_eq!(err, "trap: call stack exhausted\n");
    assert_eq!(ok(&["run", "--max-stack-depth", "1000", &ops, "down", "500"]), "i32:500\n");
    let err = fails(134, &["run", "--max-stack-depth", "10", &data("fac.wat"), "fac", "20"]);
    assert_eq!(err, "trap: call stack exhausted\n");
}

#[test]
fn start_function_trap_exits_134() {
    let start_trap = data("start_trap.wat");
    // With or without a function to call: the start function runs first.
    assert_eq!(fails(134, &["run", &start_trap]), "trap: unreachable\n");
    assert_eq!(fails(134, &["run", &start_trap, "never"]), "trap: unreachable\n");
    // A wrong function name is reported without instantiating.
    let err = fails(1, &["run", &start_trap, "nope"]);
    assert!(err.contains("unknown function"), "{err}");
}

#[test]
fn without_function_lists_exports() {
    let out = ok(&["run", &data("fac.wat")]);
    let lines = out.lines().collect::<Vec<_>>();
    assert!(lines.iter().any(|l| l.contains("fac ") && l.ends_with("func (param i64) (result i64)")), "{out}");
    assert!(lines.iter().any(|l| l.contains("fac_iter") && l.ends_with("func (param i64) (result i64)")), "{out}");
    let out = ok(&["run", &data("ops.wat")]);
    assert!(out.contains("memory 1"), "{out}");
    assert!(out.contains("global i32"), "{out}");
}

#[test]
fn without_function_runs_start_export() {
    // The start function sets the counter to 41, `_start` increments and returns it.
    assert_eq!(ok(&["run", &data("start.wat")]), "i32:42\n");
}

#[test]
fn imports_fail_to_link() {
    let err = fails(1, &["run", &data("rich.wat"), "add", "1", "2"]);
    assert!(err.starts_with("error: "), "{err}");
    assert!(err.contains("env.log"), "{err}");
}

#[test]
fn malformed_modules_are_errors() {
    let dir = TempDir::new();
    let cases = [
        ("truncated.wasm", b"\0asm\x01\0\0\0\x01".to_vec()),
        ("bad-version.wasm", b"\0asm\x02\0\0\0".to_vec()),
        ("garbage.wasm", vec![0xff, 0xfe, 0x00, 0x01, 0x80]),
        ("unclosed.wat", b"(module (func".to_vec()),
        ("invalid.wat", b"(module (func (result i32) (i64.const 1)))".to_vec()),
        ("empty.wasm", Vec::new()),
    ];
    for (name, bytes) in cases {
        let path = dir.file(name, bytes);
        for args in
            [vec!["run", &path], vec!["run", &path, "f"], vec!["inspect", &path], vec!["inspect", "--ir", &path]]
        {
            let err = fails(1, &args);
            assert!(err.starts_with("error: "), "{name}: {err}");
            assert!(err.contains(&path), "{name}: names the file: {err}");
        }
    }
    // The byte offset is reported for binaries.
    let err = fails(1, &["run", &dir.file("t.wasm", b"\0asm\x01\0\0\0\x01")]);
    assert!(err.contains("offset"), "{err}");
}

#[test]
fn unreadable_file_is_an_error() {
    let dir = TempDir::new();
    let missing = dir.0.join("missing.wat").to_string_lossy().into_owned();
    for cmd in ["run", "inspect", "wast"] {
        let err = fails(1, &[cmd, &missing]);
        assert!(err.starts_with(&format!("error: cannot read {missing}: ")), "{cmd}: {err}");
    }
}

#[test]
fn usage_errors() {
    let o = wasmscope(&[]);
    assert_eq!(o.code, 2);
    let o = wasmscope(&["run"]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("FILE"), "{}", o.stderr);
    assert!(ok(&["--help"]).contains("inspect"));
    assert!(ok(&["run", "--help"]).contains("--max-stack-depth"));
}

// ---- inspect ----

#[test]
fn inspect_lists_everything() {
    let out = ok(&["inspect", &data("rich.wat")]);
    let has_line =
        |start: &str, end: &str| out.lines().any(|l| l.trim_start().starts_with(start) && l.trim_end().ends_with(end));
    // Imports, with their types.
    assert!(out.contains("imports (4):"), "{out}");
    assert!(has_line("env.log ", "func (param i32)"), "{out}");
    assert!(has_line("env.mem ", "memory 1 4"), "{out}");
    assert!(has_line("env.base ", "global i32"), "{out}");
    assert!(has_line("env.tbl ", "table 2 funcref"), "{out}");
    // Exports, with signatures.
    assert!(out.contains("exports (5):"), "{out}");
    assert!(has_line("add ", "func (param i32 i32) (result i32)"), "{out}");
    assert!(has_line("scale ", "func (param f32 f64) (result f64 f32)"), "{out}");
    assert!(has_line("count ", "global (mut i64)"), "{out}");
    assert!(has_line("memory ", "memory 1 4"), "{out}");
    assert!(has_line("table ", "table 3 10 externref"), "{out}");
    // Memories, tables, globals (with mutability), functions, start, custom sections.
    assert!(out.contains("memories (1):"), "{out}");
    assert!(out.contains("tables (2):"), "{out}");
    assert!(has_line("1 ", "table 3 10 externref"), "{out}");
    assert!(out.contains("globals (3):"), "{out}");
    assert!(has_line("0 ", "imported env.base"), "{out}");
    assert!(out.lines().any(|l| l.contains("i64") && l.contains(" mutable") && l.contains("$count")), "{out}");
    assert!(out.lines().any(|l| l.contains("f64") && l.contains("immutable") && l.contains("$pi")), "{out}");
    assert!(out.contains("functions: 4 (1 imported, 3 defined)"), "{out}");
    assert!(out.contains("start: func 2 (init)"), "{out}");
    assert!(has_line("producers-note ", "14 bytes"), "{out}");
    assert!(has_line("x ", "0 bytes"), "{out}");
    // Stable: no trailing spaces, same output twice.
    assert!(out.lines().all(|l| l == l.trim_end()), "{out:?}");
    assert_eq!(out, ok(&["inspect", &data("rich.wat")]));
}

#[test]
fn inspect_aligns_columns() {
    let out = ok(&["inspect", &data("fac.wat")]);
    let rows: Vec<&str> = out.lines().filter(|l| l.contains("func (param i64) (result i64)")).collect();
    assert_eq!(rows.len(), 2, "{out}");
    let column = |l: &str| l.find("func (").unwrap();
    assert_eq!(column(rows[0]), column(rows[1]), "{out}");
    assert!(out.contains("imports: none"), "{out}");
    assert!(out.contains("start: none"), "{out}");
    assert!(out.contains("functions: 2 (0 imported, 2 defined)"), "{out}");
}

#[test]
fn inspect_ir_lists_translated_code() {
    let fac = data("fac.wat");
    let out = ok(&["inspect", "--ir", &fac]);
    let headers: Vec<&str> = out.lines().filter(|l| l.starts_with("func ")).collect();
    assert_eq!(
        headers,
        [
            "func 0 $fac (export \"fac\"): params 1, results 1, locals 0, max_height 3, 14 instrs",
            "func 1 (export \"fac_iter\"): params 1, results 1, locals 1, max_height 2, 24 instrs"
        ],
        "{out}"
    );
    let has_line =
        |start: &str, end: &str| out.lines().any(|l| l.trim_start().starts_with(start) && l.trim_end().ends_with(end));
    // pc, offset, instruction; the fused form with the pcs of its originals, indented under it.
    assert!(has_line("6  0x0038  FLCBin i64.sub a=0 c=1", "[fuses 3: pc 7..10]"), "{out}");
    assert!(has_line("7  0x0038    LocalGet 0", "LocalGet 0"), "{out}");
    assert!(has_line("9  0x003c    I64Sub", "I64Sub"), "{out}");
    // Branch targets as pcs, callees by name.
    assert!(has_line("2  0x0031  If -> 5", "If -> 5"), "{out}");
    assert!(has_line("10  0x003d  Call 0  ; $fac", "$fac"), "{out}");
    assert!(has_line("18  0x0061  Br -> 5", "Br -> 5"), "{out}");
    assert!(out.lines().all(|l| l == l.trim_end()), "{out:?}");

    // One function, by export name, `$name` or index.
    let one = ok(&["inspect", "--ir", &fac, "fac"]);
    assert_eq!(one.lines().filter(|l| l.starts_with("func ")).collect::<Vec<_>>(), [headers[0]], "{one}");
    assert!(out.starts_with(&one), "{one}");
    assert_eq!(ok(&["inspect", "--ir", &fac, "$fac"]), one);
    assert_eq!(ok(&["inspect", "--ir", &fac, "0"]), one);
    let iter = ok(&["inspect", "--ir", &fac, "1"]);
    assert!(iter.starts_with(headers[1]) && out.ends_with(&iter), "{iter}");
    assert_eq!(ok(&["inspect", "--ir", &fac, "fac_iter"]), iter);
}

#[test]
fn inspect_ir_rejects_unknown_functions() {
    let fac = data("fac.wat");
    for name in ["nope", "$nope", "2", "4294967296", "$", ""] {
        let err = fails(1, &["inspect", "--ir", &fac, name]);
        assert!(err.starts_with(&format!("error: unknown function `{name}` (")), "{name}: {err}");
        assert!(err.contains("an index below 2"), "{err}");
    }
    let rich = data("rich.wat");
    let err = fails(1, &["inspect", "--ir", &rich, "0"]);
    assert!(err.contains("function 0 ($log (import \"env\" \"log\")) is imported"), "{err}");
    let err = fails(1, &["inspect", "--ir", &rich, "memory"]);
    assert!(err.contains("export `memory` is not a function but a memory"), "{err}");
    assert!(ok(&["inspect", "--ir", &rich, "$init"]).contains("Call 0  ; $log"));
    // FUNCTION only goes with `--ir`; plain `inspect` is as it was.
    assert!(fails(2, &["inspect", &fac, "fac"]).contains("--ir"));
    assert!(ok(&["inspect", &fac]).starts_with("module: "));
}

// ---- wast ----

fn is_total_line(l: &str) -> bool {
    let mut words = l.split(' ');
    let number = |w: Option<&str>| w.is_some_and(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_digit()));
    number(words.next())
        && words.next() == Some("passed,")
        && number(words.next())
        && words.next() == Some("failed")
        && words.next().is_none()
}

#[test]
fn wast_prints_a_summary() {
    let dir = TempDir::new();
    let script = dir.file(
        "tiny.wast",
        r#"(module (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))
(assert_return (invoke "add" (i32.const 1) (i32.const 2)) (i32.const 3))
"#,
    );
    let o = wasmscope(&["wast", &script]);
    assert!(o.code == 0 || o.code == 1, "{}", o.stderr);
    let lines = o.lines();
    assert!(lines.first().is_some_and(|l| l.starts_with(&format!("{script}: "))), "{}", o.stdout);
    assert!(lines.last().is_some_and(|l| is_total_line(l)), "{}", o.stdout);

    // Several files, one unreadable: still a total, and exit 1.
    let missing = dir.0.join("missing.wast").to_string_lossy().into_owned();
    let o = wasmscope(&["wast", &script, &missing, &script]);
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains(&format!("error: cannot read {missing}: ")), "{}", o.stderr);
    assert_eq!(o.lines().iter().filter(|l| l.starts_with(&format!("{script}: "))).count(), 2, "{}", o.stdout);
    assert!(o.lines().last().is_some_and(|l| is_total_line(l)), "{}", o.stdout);
}

#[test]
fn wast_reports_failures_by_line() {
    let dir = TempDir::new();
    let script = dir.file(
        "failing.wast",
        r#"(module (func (export "one") (result i32) (i32.const 1)))
(assert_return (invoke "one") (i32.const 1))
(assert_return (invoke "one") (i32.const 2))
"#,
    );
    let o = wasmscope(&["wast", &script]);
    let lines = o.lines();
    let first = lines.first().copied().unwrap_or_default();
    let counts = first.strip_prefix(&format!("{script}: ")).expect(&o.stdout);
    assert!(is_total_line(counts), "{}", o.stdout);
    let failed: usize = counts.split(' ').nth(2).unwrap().parse().unwrap();
    // Every failure is listed as `  FILE:LINE: message`, and the totals add up.
    let failures: Vec<&str> = lines[1..lines.len() - 1].to_vec();
    assert_eq!(failures.len(), failed, "{}", o.stdout);
    for f in &failures {
        let rest = f.strip_prefix(&format!("  {script}:")).expect(&o.stdout);
        let (line, _message) = rest.split_once(": ").expect(&o.stdout);
        assert!(line.parse::<usize>().is_ok(), "{}", o.stdout);
    }
    assert_eq!(lines.last().copied(), Some(counts), "{}", o.stdout);
    assert_eq!(o.code, if failed > 0 { 1 } else { 0 }, "{}", o.stdout);
    // (Once the runner is complete, the wrong result on line 3 is the one failure.)
    if failed > 0 {
        assert_eq!(failures.len(), 1, "{}", o.stdout);
        assert!(failures[0].starts_with(&format!("  {script}:3: ")), "{}", o.stdout);
    }
}

#[test]
fn wast_needs_a_file() {
    assert_eq!(wasmscope(&["wast"]).code, 2);
}

#[test]
fn trace_prints_every_instruction_with_the_stack_after_it() {
    let out = wasmscope(&["run", "--trace", &data("fac.wat"), "fac", "2"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "i64:2\n");
    let lines: Vec<&str> = out.stderr.lines().collect();
    // fac(2): 8 instructions before each of the two recursive calls, 7 in fac(0), and
    // `i64.mul`, `end`, `end` on the way back out of fac(1) and fac(2).
    assert_eq!(lines.len(), 8 + 8 + 7 + 3 + 3, "{}", out.stderr);
    assert!(lines[0].starts_with("  1 fac@0x"), "{}", lines[0]);
    assert!(lines[0].contains("local.get 0") && lines[0].ends_with("[i64:2]"), "{}", lines[0]);
    assert!(lines.iter().any(|l| l.starts_with("  3 fac@") && l.contains("i64.const 1") && l.ends_with("[i64:1]")));
    assert!(lines.last().unwrap().ends_with("end                          [i64:2]"), "{}", out.stderr);
}

#[test]
fn trace_names_the_memory_when_it_is_not_memory_0() {
    let dir = TempDir::new();
    let wat = dir.file(
        "mm.wat",
        r#"(module (memory 1) (memory $b i64 1)
          (func (export "f") (result i32)
            (i64.store8 $b offset=3 (i64.const 5) (i64.const 7))
            (i32.store (i32.const 0) (i32.const 1))
            (i32.load8_u $b (i64.const 8))))"#,
    );
    let out = wasmscope(&["run", "--trace", &wat, "f"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, "i32:7\n"), "{}", out.stderr);
    assert!(out.stderr.contains("i64.store8 1 offset=3"), "{}", out.stderr);
    assert!(out.stderr.contains("i32.load8_u 1 "), "{}", out.stderr);
    assert!(out.stderr.lines().any(|l| l.contains("i32.store ") && !l.contains("i32.store 0")), "{}", out.stderr);
}

#[test]
fn trace_reports_traps_and_fuel() {
    let err = fails(134, &["run", "--trace", &data("ops.wat"), "div", "1", "0"]);
    assert!(err.ends_with("trap: integer divide by zero\n"), "{err}");
    let err = fails(134, &["run", "--trace", "--fuel", "5", &data("fac.wat"), "fac", "20"]);
    assert_eq!(err.lines().count(), 6, "{err}");
    assert!(err.ends_with("trap: out of fuel\n"), "{err}");
}

#[test]
fn runs_a_module_compiled_from_rust() {
    // tests/data/rust/primes.wasm is rustc's output for primes.rs (see build.sh there).
    let wasm = data("rust/primes.wasm");
    assert_eq!(ok(&["run", &wasm, "count_primes", "100000"]), "i32:9592\n");
    assert_eq!(ok(&["run", &wasm, "nth_prime", "1000"]), "i64:7919\n");
    assert_eq!(ok(&["run", &wasm, "mean_square", "10"]), "f64:38.5\n");
    assert_eq!(ok(&["run", &wasm, "checked_div", "-7", "2"]), "i32:-3\n");
    // A Rust panic is the trap `unreachable`.
    assert_eq!(fails(134, &["run", &wasm, "checked_div", "7", "0"]), "trap: unreachable\n");
}

#[test]
fn max_pages_limits_memory() {
    let dir = TempDir::new();
    let grow = dir.file(
        "grow.wat",
        r#"(module (memory 1) (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))"#,
    );
    assert_eq!(ok(&["run", "--max-pages", "4", &grow, "grow", "3"]), "i32:1\n");
    assert_eq!(ok(&["run", "--max-pages", "4", &grow, "grow", "4"]), "i32:-1\n");
    let big = dir.file("big.wat", r#"(module (memory 10))"#);
    let err = fails(1, &["run", "--max-pages", "4", &big]);
    assert!(err.contains("exceeds the limit of 4 pages"), "{err}");
}

#[test]
fn heap_limit_bounds_the_gc_heap() {
    let dir = TempDir::new();
    // A list of n live structs (each 16 + 2 * 8 = 32 bytes): its length.
    let list = dir.file(
        "list.wat",
        r#"(module
          (type $cell (struct (field i32) (field (ref null $cell))))
          (type $i64s (array i64))
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
          (func (export "big") (param i32) (result i32)
            (array.len (array.new_default $i64s (local.get 0)))))"#,
    );
    // 100000 cells: 3.2 MB live, within the default limit and within 4M, not within 1M.
    assert_eq!(ok(&["run", &list, "list", "100000"]), "i32:100000\n");
    assert_eq!(ok(&["run", "--heap-limit", "4M", &list, "list", "100000"]), "i32:100000\n");
    let err = fails(134, &["run", "--heap-limit", "1M", &list, "list", "100000"]);
    assert_eq!(err, "trap: out of memory: the GC heap limit is reached\n");
    // Plain bytes and lower-case suffixes; an array beyond the limit traps before it is made.
    assert_eq!(ok(&["run", "--heap-limit", "1048576", &list, "list", "10000"]), "i32:10000\n");
    assert_eq!(ok(&["run", "--heap-limit", "64k", &list, "big", "1000"]), "i32:1000\n");
    let err = fails(134, &["run", "--heap-limit", "64K", &list, "big", "10000"]);
    assert!(err.contains("out of memory: the GC heap limit is reached"), "{err}");
    let err = fails(134, &["run", &list, "big", "-1"]);
    assert!(err.contains("out of memory"), "{err}");
    // `--gc-stats`: 100000 cells live in a 4M heap, so collections ran and freed nothing.
    let o = wasmscope(&["run", "--gc-stats", "--heap-limit", "4M", &list, "list", "100000"]);
    assert_eq!((o.code, o.stdout.as_str()), (0, "i32:100000\n"), "{}", o.stderr);
    let want = " collections, 0 objects freed; 100000 objects (3200000 bytes) live; 0 exceptions live (in 0 slots)\n";
    assert!(o.stderr.starts_with("gc: ") && o.stderr.ends_with(want), "{}", o.stderr);
    assert!(!o.stderr.starts_with("gc: 0 collections"), "{}", o.stderr);
    // Malformed values are usage errors.
    for bad in ["", "12X", "M", "-1", "1.5G", "99999999999999999999G"] {
        let err = fails(2, &["run", &format!("--heap-limit={bad}"), &list, "list", "1"]);
        assert!(err.contains("--heap-limit"), "{bad}: {err}");
    }
}

#[test]
fn run_prints_gc_results_as_typed_handles() {
    let dir = TempDir::new();
    let m = dir.file(
        "pair.wat",
        r#"(module
          (type $pair (struct (field $a i32)))
          (func (export "p") (result (ref $pair)) (struct.new $pair (i32.const 1)))
          (func (export "i") (result i32 anyref) (i32.const 5) (ref.i31 (i32.const -7)))
          (func (export "n") (result anyref) (ref.null any)))"#,
    );
    assert_eq!(ok(&["run", &m, "p"]), "(ref $pair) #0\n");
    assert_eq!(ok(&["run", &m, "i"]), "i32:5\n(ref i31) -7\n");
    assert_eq!(ok(&["run", &m, "n"]), "anyref:null\n");
}
