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
    // A run that reads its stdin from a file (or not at all) may exit before this is written.
    match child.stdin.take().unwrap().write_all(stdin.as_bytes()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        r => r.unwrap(),
    }
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

/// A fresh scratch directory: `inside` (what is given to the program) next to a sentinel
/// file `outside/secret` it must never reach.
fn sandbox(name: &str) -> (std::path::PathBuf, std::path::PathBuf) {
    let base = std::env::temp_dir().join(format!("wasmscope-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    let inside = base.join("inside");
    std::fs::create_dir_all(inside.join("sub")).unwrap();
    std::fs::create_dir_all(base.join("outside")).unwrap();
    std::fs::write(inside.join("a.txt"), "in here\n").unwrap();
    std::fs::write(base.join("outside/secret"), "secret\n").unwrap();
    (base, inside)
}

#[test]
fn dir_preopens_a_host_directory_under_a_guest_path() {
    let (base, inside) = sandbox("dir");
    let wasm = data("wasi/demo.wasm");
    let dir = format!("{}::/data", inside.display());
    let with = |args: &[&str]| {
        let mut all = vec!["run", "--dir", dir.as_str(), wasm.as_str(), "--"];
        all.extend_from_slice(args);
        run(&all, "")
    };
    assert_eq!(with(&["cat", "/data/a.txt"]), (0, "in here\n".into(), String::new()));
    assert_eq!(with(&["ls", "/data"]).1, "a.txt\nsub\n");
    assert_eq!(with(&["write", "/data/sub/new.txt", "written"]).0, 0);
    assert_eq!(std::fs::read_to_string(inside.join("sub/new.txt")).unwrap(), "written");
    // Without --dir the program sees no file system at all.
    assert_eq!(demo(&["cat", "/data/a.txt"]).0, 1);
    // `--dir HOST` alone: the guest path is HOST as written.
    let host = inside.display().to_string();
    let file = format!("{host}/a.txt");
    assert_eq!(run(&["run", "--dir", &host, &wasm, "--", "cat", &file], "").1, "in here\n");
    let _ = std::fs::remove_dir_all(base);
}

#[test]
fn nothing_outside_a_preopened_directory_is_read_or_written() {
    let (base, inside) = sandbox("escape");
    let demo = data("wasi/demo.wasm");
    std::os::unix::fs::symlink("../outside/secret", inside.join("link")).unwrap();
    std::os::unix::fs::symlink("/", inside.join("root")).unwrap();
    let dir = format!("{}::/data", inside.display());
    let with = |args: &[&str]| {
        let mut all = vec!["run", "--dir", dir.as_str(), demo.as_str(), "--"];
        all.extend_from_slice(args);
        run(&all, "")
    };
    for path in ["/data/../outside/secret", "/data/sub/../../outside/secret", "/data/link", "/data/root/etc/passwd"] {
        let (code, out, _) = with(&["cat", path]);
        assert_eq!(code, 1, "{path}: {out}");
        assert!(out.starts_with("error: "), "{path}: {out}");
        assert!(!out.contains("secret\n") && !out.contains("root:"), "{path} leaked: {out}");
    }
    for path in ["/data/../outside/new", "/data/link", "/data/root/tmp/wasmscope-escaped"] {
        assert_eq!(with(&["write", path, "escaped"]).0, 1, "{path}");
    }
    assert_eq!(std::fs::read_to_string(base.join("outside/secret")).unwrap(), "secret\n");
    let outside: Vec<_> = std::fs::read_dir(base.join("outside")).unwrap().collect();
    assert_eq!(outside.len(), 1, "nothing new appeared outside");
    assert!(!std::path::Path::new("/tmp/wasmscope-escaped").exists());
    let _ = std::fs::remove_dir_all(base);
}

#[test]
fn a_bad_dir_is_a_clear_error() {
    let demo = data("wasi/demo.wasm");
    let (code, _, err) = run(&["run", "--dir", "/no/such/dir::/x", &demo], "");
    assert_eq!(code, 1);
    assert!(err.contains("cannot open --dir /no/such/dir"), "{err}");
    let (code, _, err) = run(&["run", "--dir", "::/x", &demo], "");
    assert_eq!(code, 1);
    assert!(err.contains("--dir needs HOST or HOST::GUEST"), "{err}");
}

#[test]
fn a_sleeping_program_sleeps() {
    // poll_oneoff with one clock subscription: the program's own monotonic clock sees the time pass.
    assert_eq!(demo(&["sleep", "30"]), (0, "slept 1\n".into(), String::new()));
}

#[test]
fn trace_wasi_prints_each_call_with_its_paths_errno_and_effect() {
    let (base, inside) = sandbox("trace");
    let dir = format!("{}::/", inside.display());
    let readfile = data("wasi/readfile.wat");
    // readfile.wat reads in.txt, which is missing at first: path_open fails (the program
    // goes on with fd 0, stdin, and closes it).
    let (code, out, err) = run(&["run", "--trace-wasi", "--dir", &dir, &readfile, "main"], "");
    assert_eq!((code, out.as_str()), (0, "i32:0\n"), "{err}");
    assert!(err.starts_with("wasi: path_open(3, 1, \"in.txt\", 0, 2, 0, 0, 768) = 44 (NOENT)\n"), "{err}");
    std::fs::write(inside.join("in.txt"), "hello").unwrap();
    let (code, out, err) = run(&["run", "--trace-wasi", "--dir", &dir, &readfile, "main"], "");
    assert_eq!((code, out.as_str()), (0, "helloi32:5\n"), "{err}");
    assert_eq!(
        err.lines().collect::<Vec<_>>(),
        [
            r#"wasi: path_open(3, 1, "in.txt", 0, 2, 0, 0, 768) = 0  # fd 4 (/in.txt) opened"#,
            "wasi: fd_read(4, 1024, 1, 776) = 0  # fd 4 (/in.txt)'s position moved on by 5",
            "wasi: fd_close(4) = 0  # fd 4 closed",
            "wasi: fd_write(1, 1024, 1, 780) = 0  # 5 bytes written to stdout",
            r#"wasi: path_open(3, 1, "out.txt", 1, 64, 0, 0, 768) = 0  # fd 4 (/out.txt) opened (created if missing)"#,
            "wasi: fd_write(4, 1024, 1, 780) = 0  # 4 bytes written to fd 4 (/out.txt)",
        ]
    );
    assert_eq!(std::fs::read_to_string(inside.join("out.txt")).unwrap(), "done");
    // Without the option, nothing is traced.
    let (_, _, err) = run(&["run", "--dir", &dir, &readfile, "main"], "");
    assert_eq!(err, "");
    let _ = std::fs::remove_dir_all(base);
}
