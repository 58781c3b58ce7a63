//! WASI programs run by the CLI: exact stdout, stderr and exit codes. The programs are
//! committed with their sources (`tests/data/wasi/demo.rs`, built by `build.sh` there).
#![cfg(not(target_arch = "wasm32"))]

use std::io::Write;
use std::process::{Command, Stdio};

fn data(name: &str) -> String {
    format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// Runs `wasmscope ARGS` with `stdin`; returns (exit code, stdout, stderr).
fn run(args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_wasmscope"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.code().expect("exited"), text(&out.stdout), text(&out.stderr))
}

fn demo(args: &[&str]) -> (i32, String, String) {
    let demo = data("wasi/demo.wasm");
    let mut all = vec!["run", demo.as_str(), "--"];
    all.extend_from_slice(args);
    run(&all, "")
}

#[test]
fn hello_world() {
    assert_eq!(demo(&["hello"]), (0, "Hello, world!\n".into(), String::new()));
    assert_eq!(run(&["run", &data("wasi/hello.wat")], ""), (0, "Hello, world!\n".into(), String::new()));
}

#[test]
fn arguments_after_double_dash_are_argv() {
    let (code, out, _) = demo(&["args", "one", "two words", "-5", "--flag"]);
    assert_eq!((code, out.as_str()), (0, "one\ntwo words\n-5\n--flag\n"));
}

#[test]
fn environment() {
    let demo = data("wasi/demo.wasm");
    let (code, out, _) = run(&["run", "--env", "B=2", "--env", "A=x=y", &demo, "--", "env"], "");
    assert_eq!((code, out.as_str()), (0, "A=x=y\nB=2\n"));
    let (code, out, err) = run(&["run", "--env", "nokey", &demo, "--", "env"], "");
    assert_eq!((code, out.as_str()), (1, ""));
    assert!(err.contains("--env needs KEY=VALUE"), "{err}");
}

#[test]
fn stdin_from_the_process_or_a_file() {
    let demo = data("wasi/demo.wasm");
    assert_eq!(run(&["run", &demo, "--", "lines"], "a\nb\nc\n").1, "3 lines\n");
    assert_eq!(run(&["run", &demo, "--", "lines"], "").1, "0 lines\n");
    let fac = data("fac.wat");
    let (_, out, _) = run(&["run", "--stdin", &fac, &demo, "--", "lines"], "ignored\n");
    let expected = std::fs::read_to_string(&fac).unwrap().lines().count();
    assert_eq!(out, format!("{expected} lines\n"));
}

#[test]
fn clocks_and_randomness() {
    assert_eq!(demo(&["clock"]).1, "clock ok 1\n");
    assert_eq!(demo(&["random"]).1, "random ok 1\n");
    // With a seed the run is reproducible (fixed clock, seeded random_get).
    let demo_wasm = data("wasi/demo.wasm");
    let seeded = || run(&["run", "--seed", "7", &demo_wasm, "--", "clock"], "");
    assert_eq!(seeded(), seeded());
    assert_eq!(seeded().1, "clock ok 1\n");
}

#[test]
fn exit_codes() {
    assert_eq!(demo(&["exit", "3"]), (3, String::new(), String::new()));
    assert_eq!(demo(&["exit", "0"]).0, 0);
    assert_eq!(demo(&["no-such-command"]), (2, String::new(), "unknown command no-such-command\n".into()));
}

#[test]
fn a_guest_panic_is_the_trap_unreachable_after_its_message() {
    let (code, out, err) = demo(&["panic"]);
    assert_eq!(code, 134);
    assert_eq!(out, "about to panic\n");
    assert!(err.contains("the guest panicked on purpose"), "{err}");
    assert!(err.ends_with("trap: unreachable\n"), "{err}");
    let message = err.find("the guest panicked").unwrap();
    assert!(message < err.find("trap: unreachable").unwrap(), "the message comes before the trap");
}

#[test]
fn missing_imports_are_listed_and_can_be_stubbed() {
    let m = data("other_host.wat");
    let (code, _, err) = run(&["run", &m, "main"], "");
    assert_eq!(code, 1);
    for line in
        ["env.log_i32: func (param i32)", "env.now: func (result f64)", "env.memory: memory 1", "env.base: global i32"]
    {
        assert!(err.contains(line), "missing `{line}` in:\n{err}");
    }
    assert!(err.contains("4 imports"), "{err}");
    let (code, out, err) = run(&["run", "--stub-imports", &m, "main"], "");
    assert_eq!((code, out.as_str()), (0, "i32:1\n"));
    assert_eq!(err, "stub env.log_i32(i32:42) -> ()\nstub env.now() -> (f64:0.0)\n");
}

#[test]
fn a_c_program_built_with_wasi_libc() {
    // tests/data/wasi/c/wc.wasm: clang + wasi-libc's output for wc.c (see build.sh there).
    let wc = data("wasi/c/wc.wasm");
    let (code, out, err) = run(&["run", "--env", "WHO=me", &wc, "--", "a", "b c"], "one two\nthree\n");
    assert_eq!((code, out.as_str(), err.as_str()), (2, "hello from C [a] [b c]\nWHO=me\n2 3 14\n", ""));
    assert_eq!(run(&["run", &wc], ""), (0, "hello from C\n0 0 0\n".into(), String::new()));
}
