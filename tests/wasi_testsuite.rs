//! The official wasi-testsuite's preview-1 tests (`tests/data/wasi-testsuite`, imported by
//! `scripts/import-wasi-testsuite.py`; Rust, C and AssemblyScript programs, each with a JSON
//! spec), run as the suite's specification (`doc/specification.md` upstream) says: the
//! spec's `args` after the program name, its `env`, its `root` directory preopened as `/`
//! (default: none), then the exit code (default 0) and stdout (when the spec gives one) compared. Every
//! test runs twice: through the CLI with `--dir ROOT::/` on a fresh copy of the root (host
//! directories, cap-std), and through the library with the root copied into an in-memory
//! file system.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Tests expected to fail, with the reason. The runner fails if one of them passes (so the
/// list stays true) or if any other test fails.
const KNOWN_FAILURES: &[(&str, &str)] = &[];

struct Case {
    name: String,
    wasm: PathBuf,
    args: Vec<String>,
    env: Vec<(String, String)>,
    root: Option<PathBuf>,
    exit_code: i32,
    /// Compared only when the spec gives it (as the suite's runner does: a legacy spec
    /// without `stdout` has no read operation). Compared whole, where the runner compares the
    /// first `len(payload)` bytes.
    stdout: Option<String>,
}

fn suite_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/wasi-testsuite")
}

fn cases() -> Vec<Case> {
    let mut out = Vec::new();
    for lang in ["rust", "c", "assemblyscript"] {
        let dir = suite_dir().join(lang);
        let mut wasms: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "wasm"))
            .collect();
        wasms.sort();
        for wasm in wasms {
            let spec: serde_json::Value = match std::fs::read_to_string(wasm.with_extension("json")) {
                Ok(text) => serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", wasm.display())),
                Err(_) => serde_json::json!({}),
            };
            let strings = |v: &serde_json::Value| -> Vec<String> {
                v.as_array().map(|a| a.iter().map(|s| s.as_str().unwrap().to_string()).collect()).unwrap_or_default()
            };
            let env = spec["env"]
                .as_object()
                .map(|o| o.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string())).collect())
                .unwrap_or_default();
            out.push(Case {
                name: format!("{lang}/{}", wasm.file_stem().unwrap().to_string_lossy()),
                args: strings(&spec["args"]),
                env,
                root: spec["root"].as_str().map(|r| dir.join(r)),
                exit_code: spec["exit_code"].as_i64().unwrap_or(0) as i32,
                stdout: spec["stdout"].as_str().map(str::to_string),
                wasm,
            });
        }
    }
    out
}

/// A fresh copy of `root` (the tests write into it), without the `*.cleanup` artefacts a
/// test may leave behind.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        if src.extension().is_some_and(|x| x == "cleanup") {
            continue;
        }
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&src, &dst);
        } else {
            std::fs::copy(&src, &dst).unwrap();
        }
    }
}

/// (exit code, stdout) through the CLI.
fn run_cli(case: &Case, scratch: &Path) -> (i32, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wasmscope"));
    cmd.arg("run");
    if let Some(root) = &case.root {
        let copy = scratch.join("root");
        copy_tree(root, &copy);
        cmd.arg("--dir").arg(format!("{}::/", copy.display()));
    }
    for (k, v) in &case.env {
        cmd.arg("--env").arg(format!("{k}={v}"));
    }
    cmd.arg(&case.wasm).arg("--").args(&case.args);
    let out = cmd.stdin(std::process::Stdio::null()).output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned())
}

/// (exit code, stdout) through the library, with the root in memory.
fn run_memfs(case: &Case) -> (i32, String) {
    use std::cell::RefCell;
    use std::rc::Rc;
    use wasmscope::Call;
    use wasmscope::wasi::{self, Wasi, memfs::MemFs};

    let bytes = std::fs::read(&case.wasm).unwrap();
    let module = Rc::new(wasmscope::Module::new(&bytes).unwrap());
    let mut store = wasmscope::Store::new(wasmscope::Limits::default());
    let stdout = Rc::new(RefCell::new(Vec::new()));
    let sink = stdout.clone();
    let output: wasi::OutputSink = Box::new(move |fd, b| {
        if fd == 1 {
            sink.borrow_mut().extend_from_slice(b)
        }
    });
    let mut argv = vec![case.wasm.file_name().unwrap().to_string_lossy().into_owned()];
    argv.extend(case.args.iter().cloned());
    let mut w = Wasi::new(argv, case.env.clone(), output, Wasi::input_from(Vec::new()), Wasi::fixed_clock(), 1);
    if let Some(root) = &case.root {
        let fs = MemFs::new(Box::new(|| 1_704_067_200_000_000_000));
        load_tree(&fs, root, "");
        w.preopen("/", Box::new(fs.dir("/").unwrap()));
    }
    wasi::define(&mut store, w);
    let instance = store.instantiate(module).unwrap();
    let code = match store.invoke(instance, "_start", &[]) {
        Ok(_) => 0,
        Err(wasmscope::Error::Trap(t)) if t.exit_code().is_some() => t.exit_code().unwrap_or(-1),
        Err(e) => {
            eprintln!("{}: {e}", case.name);
            -1
        }
    };
    let text = String::from_utf8_lossy(&stdout.borrow()).into_owned();
    (code, text)
}

fn load_tree(fs: &wasmscope::wasi::memfs::MemFs, from: &Path, at: &str) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".cleanup") {
            continue;
        }
        let path = format!("{at}/{name}");
        if entry.file_type().unwrap().is_dir() {
            fs.create_dir_all(&path).unwrap();
            load_tree(fs, &entry.path(), &path);
        } else {
            fs.write_file(&path, &std::fs::read(entry.path()).unwrap()).unwrap();
        }
    }
}

#[test]
fn wasi_testsuite() {
    let cases = cases();
    assert_eq!(cases.len(), 72, "the imported suite has 72 preview-1 tests");
    let scratch_base = std::env::temp_dir().join(format!("wasmscope-wasi-testsuite-{}", std::process::id()));
    let mut failed: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut passed = BTreeMap::<&str, usize>::new();
    for (i, case) in cases.iter().enumerate() {
        let scratch = scratch_base.join(i.to_string());
        let runs = [("host", run_cli(case, &scratch)), ("memfs", run_memfs(case))];
        for (backend, (code, stdout)) in runs {
            if code == case.exit_code && case.stdout.as_ref().is_none_or(|want| *want == stdout) {
                *passed.entry(backend).or_default() += 1;
            } else {
                failed.entry(case.name.clone()).or_default().push(format!(
                    "{backend}: exit {code} (want {}), stdout {stdout:?} (want {:?})",
                    case.exit_code, case.stdout
                ));
            }
        }
    }
    let _ = std::fs::remove_dir_all(&scratch_base);
    eprintln!(
        "wasi-testsuite: host {}/72, memfs {}/72",
        passed.get("host").unwrap_or(&0),
        passed.get("memfs").unwrap_or(&0)
    );
    let mut problems = Vec::new();
    for (name, why) in &failed {
        if !KNOWN_FAILURES.iter().any(|(n, _)| n == name) {
            problems.push(format!("{name}: {}", why.join("; ")));
        }
    }
    for (name, _) in KNOWN_FAILURES {
        if !failed.contains_key(*name) {
            problems.push(format!("{name} is listed as a known failure but passes"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
