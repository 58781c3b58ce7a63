//! Minimal reproducers of bugs found by the fuzzers (`fuzz/`) and the hostile-input tests
//! (`tests/hostile.rs`). A test marked `#[ignore = "bug: ..."]` fails today; the fix
//! removes the `ignore`.
#![cfg(not(target_arch = "wasm32"))]

use std::path::Path;
use std::process::Command;
use std::rc::Rc;
use std::time::{Duration, Instant};
use wasmscope::{Error, Limits, Module, Store, Value};

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

#[allow(dead_code)]
fn i32s(v: &[Value]) -> Vec<i32> {
    v.iter()
        .map(|v| match v {
            Value::I32(x) => *x,
            other => panic!("{other:?}"),
        })
        .collect()
}
