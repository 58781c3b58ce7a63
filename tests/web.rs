//! The wasm-bindgen layer in a real browser: `wasm-pack test --headless --firefox`.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;
use wasmscope::web::{Files, Loader, Playground, arg_error, wat_to_wasm};

#[path = "common/leb.rs"]
mod leb;
use leb::leb;

wasm_bindgen_test_configure!(run_in_browser);

const FAC: &str = r#"(module (memory 1)
  (func $fac (export "fac") (param $n i32) (result i32)
    (i32.store (i32.const 0) (local.get $n))
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 1))
      (else (i32.mul (local.get $n) (call $fac (i32.sub (local.get $n) (i32.const 1)))))))
  (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1))))"#;

fn json(v: &JsValue) -> String {
    js_sys::JSON::stringify(v).map(String::from).unwrap_or_default()
}

fn load(text: &str) -> Playground {
    match Playground::load(JsValue::from_str(text), None) {
        Ok(p) => p,
        Err(_) => panic!("module did not load"),
    }
}

fn ok(r: Result<JsValue, wasm_bindgen::JsError>) -> String {
    match r {
        Ok(v) => json(&v),
        Err(_) => panic!("call failed"),
    }
}

#[wasm_bindgen_test]
fn load_text_and_binary_and_summarise() {
    let p = load(FAC);
    let summary = ok(p.summary());
    assert!(
        summary.contains(r#""name":"fac","kind":"func","index":0,"type":"func (param i32) (result i32)""#),
        "{summary}"
    );
    let bytes = match wat_to_wasm(FAC) {
        Ok(b) => b,
        Err(_) => panic!("wat"),
    };
    assert_eq!(&bytes[..4], b"\0asm");
    let p = match Playground::load(js_sys::Uint8Array::from(&bytes[..]).into(), None) {
        Ok(p) => p,
        Err(_) => panic!("binary did not load"),
    };
    assert!(ok(p.summary()).contains(r#""exported":"div""#));
}

#[wasm_bindgen_test]
fn step_and_read_the_stack_locals_and_memory() {
    let mut p = load(FAC);
    let s = ok(p.start("fac", vec!["3".into()]));
    assert!(s.contains(r#""status":"paused""#) && s.contains(r#""kind":"started""#), "{s}");
    assert!(s.contains(r#""locals":[{"index":0,"name":"n","type":"i32","value":"3"}]"#), "{s}");
    ok(p.step_into()); // i32.const 0
    let s = ok(p.step_into()); // local.get $n
    assert!(
        s.contains(r#""operands":[{"block":0,"type":"i32","value":"0"},{"block":0,"type":"i32","value":"3"}]"#),
        "{s}"
    );
    let s = ok(p.step_into()); // i32.store
    assert!(s.contains(r#""lastWrites":[{"addr":0,"len":4,"memory":0}]"#), "{s}");
    assert_eq!(p.read_memory(0, 4), vec![3, 0, 0, 0]);
    let s = ok(p.step_back());
    assert!(s.contains(r#""text":"i32.store""#), "{s}");
    assert_eq!(p.read_memory(0, 4), vec![0, 0, 0, 0], "step back undid the store");
    let s = ok(p.resume(1_000_000.0));
    assert!(s.contains(r#""status":"finished""#) && s.contains(r#""results":[{"type":"i32","value":"6"}]"#), "{s}");
}

#[wasm_bindgen_test]
fn breakpoints_and_disassembly() {
    let mut p = load(FAC);
    let d = ok(p.disassembly(0));
    assert!(d.contains(r#""text":"call $fac""#), "{d}");
    let start = d.find(r#""text":"i32.mul""#).unwrap();
    let offset: u32 = d[..start].rsplit(r#""offset":"#).next().unwrap().split(',').next().unwrap().parse().unwrap();
    let id = p.add_breakpoint(0, offset, None).ok().unwrap();
    ok(p.start("fac", vec!["4".into()]));
    let s = ok(p.resume(1_000_000.0));
    assert!(s.contains(r#""kind":"breakpoint""#) && s.contains(&format!(r#""breakpoint":{id},"#)), "{s}");
    assert!(s.contains(r#""depth":4"#), "{s}");
    assert!(p.add_breakpoint(0, offset + 1000, None).is_err());
}

#[wasm_bindgen_test]
fn traps_and_errors_are_reported_not_panics() {
    let mut p = load(FAC);
    let s = ok(p.start("div", vec!["1".into(), "0".into()]));
    assert!(s.contains(r#""status":"paused""#));
    let s = ok(p.resume(100.0));
    assert!(s.contains(r#""status":"trapped""#) && s.contains(r#""trap":"integer divide by zero""#), "{s}");
    assert!(p.start("div", vec!["x".into(), "0".into()]).is_err());
    assert!(p.start("nope", vec![]).is_err());
    assert!(p.start("div", vec!["1".into()]).is_err());
    // Invalid modules: a JS Error with the validator's message and offset.
    let e = match Playground::load(JsValue::from_str("(module (func (result i32) (i64.const 1)))"), None) {
        Ok(_) => panic!("invalid module loaded"),
        Err(e) => JsValue::from(e),
    };
    let message = js_sys::Reflect::get(&e, &"message".into()).unwrap().as_string().unwrap();
    assert!(message.contains("type mismatch") && message.contains("offset"), "{message}");
    assert!(Playground::load(JsValue::from_str("(module (func"), None).is_err());
    assert!(Playground::load(js_sys::Uint8Array::from(&b"\0asm\x01\0\0\0\x01"[..]).into(), None).is_err());
}

#[wasm_bindgen_test]
fn run_in_slices_and_reset() {
    let mut p = load(
        r#"(module (global $g (export "g") (mut i32) (i32.const 0))
        (func (export "spin") (loop $l (global.set $g (i32.add (global.get $g) (i32.const 1))) (br $l))))"#,
    );
    ok(p.start("spin", vec![]));
    for _ in 0..5 {
        let s = ok(p.run(10_000.0));
        assert!(s.contains(r#""kind":"budget""#), "{s}");
    }
    let s = ok(p.state());
    assert!(s.contains(r#""executed":50000"#), "{s}");
    let s = ok(p.reset());
    assert!(s.contains(r#""status":"ready""#) && s.contains(r#""value":"0""#), "{s}");
}

#[wasm_bindgen_test]
fn wasi_output_arguments_and_exit() {
    let mut p = load(include_str!("data/wasi/hello.wat"));
    let s = ok(p.start("_start", vec![]));
    assert!(s.contains(r#""status":"paused""#), "{s}");
    let s = ok(p.resume(10_000.0));
    assert!(s.contains(r#""status":"finished""#), "{s}");
    let out = match p.take_output() {
        Ok(v) => json(&v),
        Err(_) => panic!("output"),
    };
    assert_eq!(out, r#"[{"fd":1,"text":"Hello, world!\n"}]"#);
    assert_eq!(ok(p.take_output()), "[]", "output is taken once");

    let demo = include_bytes!("data/wasi/demo.wasm");
    let mut p = match Playground::load(js_sys::Uint8Array::from(&demo[..]).into(), None) {
        Ok(p) => p,
        Err(_) => panic!("demo did not load"),
    };
    assert!(p.set_wasi(vec!["exit".into(), "3".into()], vec!["A=1".into()], String::new(), Some(1.0)).is_ok());
    ok(p.reset());
    ok(p.start("_start", vec![]));
    let s = ok(p.run(10_000_000.0));
    assert!(s.contains(r#""kind":"exited","exitCode":3"#), "{s}");
    assert!(p.set_wasi(vec![], vec!["no-equals".into()], String::new(), None).is_err());
}

#[wasm_bindgen_test]
fn missing_imports_error_or_stubs() {
    let other = include_str!("data/other_host.wat");
    let e = match Playground::load(JsValue::from_str(other), None) {
        Ok(_) => panic!("loaded without its imports"),
        Err(e) => JsValue::from(e),
    };
    let message = js_sys::Reflect::get(&e, &"message".into()).unwrap().as_string().unwrap();
    assert!(message.contains("env.now: func (result f64)"), "{message}");
    let mut p = match Playground::load(JsValue::from_str(other), Some(true)) {
        Ok(p) => p,
        Err(_) => panic!("stubbed module did not load"),
    };
    ok(p.start("main", vec![]));
    let s = ok(p.resume(1000.0));
    assert!(s.contains(r#""results":[{"type":"i32","value":"1"}]"#), "{s}");
    let out = match p.take_output() {
        Ok(v) => json(&v),
        Err(_) => panic!("output"),
    };
    assert!(out.contains("stub env.log_i32(i32:42) -> ()"), "{out}");
}

/// The message of a JS `Error` thrown by the API.
fn message<T>(r: Result<T, wasm_bindgen::JsError>) -> String {
    match r {
        Ok(_) => panic!("expected an error"),
        Err(e) => {
            let e = JsValue::from(e);
            js_sys::Reflect::get(&e, &"message".into()).ok().and_then(|m| m.as_string()).unwrap_or_default()
        }
    }
}

fn u8a(bytes: &[u8]) -> js_sys::Uint8Array {
    js_sys::Uint8Array::from(bytes)
}

/// A whole file of `files`, as `Some(bytes)`, or `None` if it cannot be read.
fn read(files: &Files, path: &str) -> Option<Vec<u8>> {
    files.read(path, None).ok().map(|a| a.to_vec())
}

fn demo(args: &[&str], files: &Files) -> Playground {
    let demo = include_bytes!("data/wasi/demo.wasm");
    let mut p = match Playground::load(js_sys::Uint8Array::from(&demo[..]).into(), None) {
        Ok(p) => p,
        Err(_) => panic!("demo did not load"),
    };
    assert!(p.set_wasi(args.iter().map(|a| a.to_string()).collect(), vec![], String::new(), None).is_ok());
    ok(p.reset());
    assert!(p.use_files(files).is_ok());
    p
}

/// Runs demo.wasm with `args` to its end: (the final state, stdout+stderr).
fn run_demo(args: &[&str], files: &Files) -> (String, String) {
    let mut p = demo(args, files);
    ok(p.start("_start", vec![]));
    let s = ok(p.run(100_000_000.0));
    let out = match p.take_output() {
        Ok(v) => json(&v),
        Err(_) => panic!("output"),
    };
    (s, out)
}

#[wasm_bindgen_test]
fn files_are_shared_with_programs() {
    let files = Files::new();
    assert!(files.write("/in/hello.txt", &u8a(b"hello, page")).is_ok(), "parent folders are made");
    let list = ok(files.list());
    assert!(list.contains(r#""path":"/in","kind":"dir""#), "{list}");
    assert!(list.contains(r#""path":"/in/hello.txt","kind":"file","size":11"#), "{list}");
    assert_eq!(
        files.read("/in/hello.txt", Some(5.0)).ok().map(|a| a.to_vec()),
        Some(b"hello".to_vec()),
        "at most 5 bytes"
    );
    assert_eq!(files.read("in/hello.txt", Some(100.0)).ok().map(|a| a.to_vec()), Some(b"hello, page".to_vec()));
    let (_, out) = run_demo(&["cat", "/in/hello.txt"], &files);
    assert_eq!(out, r#"[{"fd":1,"text":"hello, page"}]"#);
    let (_, out) = run_demo(&["write", "/in/new.txt", "from the program"], &files);
    assert_eq!(out, "[]");
    assert_eq!(read(&files, "/in/new.txt"), Some(b"from the program".to_vec()));
    assert!(ok(files.list()).contains(r#""path":"/in/new.txt","kind":"file","size":16"#));
    let (_, out) = run_demo(&["ls", "/in"], &files);
    assert_eq!(out, r#"[{"fd":1,"text":"hello.txt\n"},{"fd":1,"text":"new.txt\n"}]"#);

    // Several preopens: `/in` as `/data`, `/scratch` (made on the way) as `/tmp`.
    assert!(files.set_preopens(vec!["/in".into(), "/scratch".into()], vec!["/data".into(), "/tmp".into()]).is_ok());
    assert_eq!(ok(files.preopens()), r#"[{"folder":"/in","guest":"/data"},{"folder":"/scratch","guest":"/tmp"}]"#);
    let (_, out) = run_demo(&["cat", "/data/hello.txt"], &files);
    assert_eq!(out, r#"[{"fd":1,"text":"hello, page"}]"#);
    let (s, out) = run_demo(&["cat", "/in/hello.txt"], &files);
    assert!(s.contains(r#""exitCode":1"#) && out.contains("not found"), "the root is no longer preopened: {out}");
    run_demo(&["write", "/tmp/t", "x"], &files);
    assert_eq!(read(&files, "/scratch/t"), Some(b"x".to_vec()));

    // A reset empties the tree, the preopens stay.
    assert!(files.reset().is_ok());
    assert_eq!(ok(files.list()), "[]");
    let (_, out) = run_demo(&["ls", "/tmp"], &files);
    assert_eq!(out, "[]", "the preopened folder is made again");
    assert!(ok(files.list()).contains(r#""path":"/scratch""#));
}

#[wasm_bindgen_test]
fn large_files_go_in_and_out_in_pieces() {
    // 20 MiB + 3: three 8 MiB pieces, the last one short.
    let files = Files::new();
    let data: Vec<u8> = (0..(20u32 << 20) + 3).map(|i| (i % 251) as u8).collect();
    assert!(files.write("/big.bin", &u8a(&data)).is_ok());
    assert!(ok(files.list()).contains(&format!(r#""path":"/big.bin","kind":"file","size":{}"#, data.len())));
    assert!(read(&files, "/big.bin") == Some(data.clone()), "the same bytes back");
    let head = files.read("/big.bin", Some((9 << 20) as f64)).ok().map(|a| a.to_vec());
    assert!(head.as_deref() == Some(&data[..9 << 20]), "the first 9 MiB");
    // Replacing it with a shorter file leaves only the new bytes.
    assert!(files.write("/big.bin", &u8a(b"short")).is_ok());
    assert_eq!(read(&files, "/big.bin"), Some(b"short".to_vec()));
}

#[wasm_bindgen_test]
fn bad_file_operations_are_errors() {
    let files = Files::new();
    assert!(
        message(files.read("/missing", None)).contains("`/missing`: cannot read it: there is no such file or folder")
    );
    assert!(message(files.remove("/missing")).contains("no such file"));
    assert!(message(files.write("", &u8a(b"x"))).contains("a path below the root is needed"));
    assert!(message(files.write("/", &u8a(b"x"))).contains("a path below the root is needed"));
    assert!(message(files.remove("/")).contains("a path below the root is needed"));
    assert!(message(files.write("/../x", &u8a(b"x"))).contains("outside the tree"));
    assert!(message(files.write("/a\0b", &u8a(b"x"))).contains("not a valid path"));
    assert!(message(files.write(&format!("/{}", "n".repeat(300)), &u8a(b"x"))).contains("too long"));
    assert!(files.write("/f", &u8a(b"data")).is_ok());
    assert!(message(files.write("/f/g", &u8a(b"x"))).contains("is a file"));
    assert!(message(files.mkdir("/f")).contains("is a file"));
    assert!(files.mkdir("/d/e").is_ok());
    assert!(message(files.read("/d", None)).contains("it is a folder"));
    assert!(message(files.set_preopens(vec!["/f".into()], vec!["/".into()])).contains("is a file"));
    assert!(message(files.set_preopens(vec!["/".into()], vec![" ".into()])).contains("a guest path is needed"));
    assert!(message(files.set_preopens(vec!["/d/../..".into()], vec!["/".into()])).contains("`..`"));
    assert!(message(files.set_preopens(vec!["/".into()], vec![])).contains("1 folders but 0 guest paths"));
    assert_eq!(ok(files.preopens()), r#"[{"folder":"/","guest":"/"}]"#, "unchanged by the failures");

    // Over the limit: a clear message, and the file being replaced is left as it was.
    files.set_limit(4096.0);
    let m = message(files.write("/f", &u8a(&[7; 5000])));
    assert!(m.contains("`/f` (5000 bytes) does not fit: the file system's limit is 4.0 KiB"), "{m}");
    assert_eq!(read(&files, "/f"), Some(b"data".to_vec()));
    assert!(message(files.write("/big", &u8a(&[7; 5000]))).contains("does not fit"));
    assert!(!ok(files.list()).contains("/big"));
    let usage = ok(files.usage());
    assert!(usage.contains(r#""limit":4096"#), "{usage}");

    // A program that fills the tree gets ENOSPC (its own error), the page an intact tree.
    let (s, out) = run_demo(&["write", "/out", &"z".repeat(8000)], &files);
    assert!(s.contains(r#""exitCode":1"#), "{s}");
    assert!(out.contains("error:"), "{out}");
}

#[wasm_bindgen_test]
fn a_sleep_pauses_when_asked_and_not_otherwise() {
    let files = Files::new();
    let mut p = demo(&["sleep", "40"], &files);
    // Without setPauseOnSleep the sleep returns at once.
    ok(p.start("_start", vec![]));
    let s = ok(p.run(100_000_000.0));
    assert!(s.contains(r#""status":"finished""#), "{s}");
    p.set_pause_on_sleep(true);
    ok(p.reset());
    ok(p.start("_start", vec![]));
    let s = ok(p.run(100_000_000.0));
    assert!(s.contains(r#""kind":"host-pause""#) && s.contains(r#""sleepMs":40"#), "{s}");
    assert!(s.contains(r#""status":"paused""#), "{s}");
    // The next command clears the recorded sleep; the program goes on to its end.
    let s = ok(p.run(100_000_000.0));
    assert!(s.contains(r#""status":"finished""#) && s.contains(r#""sleepMs":null"#), "{s}");
    let out = match p.take_output() {
        Ok(v) => json(&v),
        Err(_) => panic!("output"),
    };
    assert!(out.contains("slept "), "{out}");
}

/// A binary of `n` functions `() -> i32`, function `i` exported as `f{i}` and returning `i`.
fn many_functions(n: u32) -> Vec<u8> {
    let section = |out: &mut Vec<u8>, id: u8, body: Vec<u8>| {
        out.push(id);
        leb(out, body.len() as u32);
        out.extend(body);
    };
    let mut out = b"\0asm\x01\0\0\0".to_vec();
    section(&mut out, 1, vec![1, 0x60, 0, 1, 0x7f]);
    let mut funcs = Vec::new();
    leb(&mut funcs, n);
    funcs.extend(std::iter::repeat_n(0, n as usize));
    section(&mut out, 3, funcs);
    let (mut exports, mut code) = (Vec::new(), Vec::new());
    leb(&mut exports, n);
    leb(&mut code, n);
    for i in 0..n {
        let name = format!("f{i}");
        leb(&mut exports, name.len() as u32);
        exports.extend(name.bytes());
        exports.push(0);
        leb(&mut exports, i);
        // i32.const i (signed LEB: the unsigned one with room for the sign bit), end
        let mut body = vec![0, 0x41];
        leb(&mut body, i);
        if body.last().is_some_and(|b| b & 0x40 != 0) {
            let last = body.len() - 1;
            body[last] |= 0x80;
            body.push(0);
        }
        body.push(0x0b);
        leb(&mut code, body.len() as u32);
        code.extend(body);
    }
    section(&mut out, 7, exports);
    section(&mut out, 10, code);
    out
}

fn get(v: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(v, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

#[wasm_bindgen_test]
fn a_module_of_120k_exported_functions_loads_in_chunks_summarises_and_runs() {
    let n = 120_000;
    let bytes = many_functions(n);
    // As the page does: chunks pushed, decoded a slice at a time as they arrive.
    let mut loader = match Loader::new(Some(bytes.len() as f64)) {
        Ok(l) => l,
        Err(_) => panic!("no loader"),
    };
    // More than wasm32's memory can hold: refused, not an abort.
    assert!(Loader::new(Some(8e9)).is_err());
    let mut slices = 0;
    for chunk in bytes.chunks(64 * 1024) {
        loader.push(&js_sys::Uint8Array::from(chunk));
        loop {
            let before = loader.decoded();
            assert!(loader.decode(false, 16.0 * 1024.0).is_ok(), "decode failed");
            slices += 1;
            if loader.decoded() == before {
                break;
            }
        }
    }
    assert_eq!(loader.received(), bytes.len() as f64);
    assert!(matches!(loader.decode(true, f64::MAX), Ok(true)));
    assert_eq!(loader.decoded(), bytes.len() as f64);
    assert!(slices > 20, "{slices} slices");
    let mut p = match loader.finish(None) {
        Ok(p) => p,
        Err(_) => panic!("the module did not load"),
    };
    let summary = match p.summary() {
        Ok(s) => s,
        Err(_) => panic!("summary failed"),
    };
    let functions = js_sys::Array::from(&get(&summary, "functions"));
    let exports = js_sys::Array::from(&get(&summary, "exports"));
    assert_eq!((functions.length(), exports.length()), (n, n));
    let last = functions.get(n - 1);
    assert_eq!(get(&last, "name").as_string().as_deref(), Some("f119999"));
    assert_eq!(get(&last, "exported").as_string().as_deref(), Some("f119999"));
    assert_eq!(get(&exports.get(n - 1), "index").as_f64(), Some(f64::from(n - 1)));
    ok(p.start("f119999", vec![]));
    let s = ok(p.run(100.0));
    assert!(s.contains(r#""results":[{"type":"i32","value":"119999"}]"#), "{s}");
    // And in one call, as Playground.load.
    let p = match Playground::load(js_sys::Uint8Array::from(&bytes[..]).into(), None) {
        Ok(p) => p,
        Err(_) => panic!("Playground.load failed"),
    };
    assert!(p.summary().is_ok());
}

#[wasm_bindgen_test]
fn arg_errors_take_what_the_cli_takes() {
    assert_eq!(arg_error("i32x4:1,2,3,4", "v128"), None);
    assert_eq!(arg_error("0x00000004000000030000000200000001", "v128"), None);
    assert_eq!(arg_error("v128:i32x4:[1, 2, 3, 4]", "v128"), None);
    let e = arg_error("i32x4:1,2,3", "v128").unwrap();
    assert!(e.starts_with("expected v128"), "{e}");
    assert!(arg_error("i8x16:300,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0", "v128").is_some());
    assert_eq!(arg_error("-7", "i32"), None);
    assert!(arg_error("x", "i64").is_some());
    assert!(arg_error("1", "nope").is_some());
}

#[wasm_bindgen_test]
fn last_writes_name_their_memory() {
    let mut p = load(
        r#"(module (memory 1) (memory $two 1)
             (func (export "f") (i32.store $two (i32.const 8) (i32.const 7))))"#,
    );
    ok(p.start("f", vec![]));
    ok(p.step_into());
    ok(p.step_into());
    let s = ok(p.step_into());
    assert!(s.contains(r#""lastWrites":[{"addr":8,"len":4,"memory":1}]"#), "{s}");
    assert_eq!(p.read_memory_in(1, 8.0, 4), vec![7, 0, 0, 0]);
}

/// In wasm32 builds GC and exceptions leave the loop to run out of line (`Machine::run_family`,
/// `Machine::exn`), and `br_on_cast` has its own arm in the loop: each of them here, at full
/// speed and single-stepped, must give what the native build gives (tests/gc.rs and
/// tests/exceptions.rs check those semantics natively).
const GC_EXN: &str = r#"(module
  (type $pt (struct (field $x i32) (field $y i32)))
  (type $arr (array (mut i32)))
  (tag $e (param i32))
  ;; A struct made, read, cast: br_on_cast to an inner label drops the values under it.
  (func (export "cast_inner") (param $v i32) (result i32)
    (block $l (result (ref $pt))
      (i32.const 100) (i32.const 200) (drop) (drop)
      (i32.const 7)
      (struct.new $pt (local.get $v) (i32.const 5))
      (br_on_cast $l anyref (ref $pt))
      (drop) (drop) (return (i32.const -1)))
    (struct.get $pt $x))
  ;; br_on_cast to the function's own label returns.
  (func $ret (param $r anyref) (result anyref)
    (local.get $r)
    (br_on_cast 0 anyref (ref $pt))
    (drop) (ref.null any))
  (func (export "cast_return") (param $v i32) (result i32)
    (struct.get $pt $y (ref.cast (ref $pt) (call $ret (struct.new $pt (i32.const 1) (local.get $v))))))
  ;; br_on_cast_fail: an i31 is not a $pt, so the branch is taken.
  (func (export "cast_fail") (param $v i32) (result i32)
    (block $l (result anyref)
      (br_on_cast_fail $l anyref (ref $pt) (ref.i31 (local.get $v)))
      (return (i32.const -1)))
    (i31.get_s (ref.cast (ref i31))))
  ;; An array filled and summed.
  (func (export "array_sum") (param $n i32) (result i32) (local $a (ref null $arr)) (local $i i32) (local $s i32)
    (local.set $a (array.new $arr (i32.const 3) (local.get $n)))
    (loop $l
      (local.set $s (i32.add (local.get $s) (array.get $arr (local.get $a) (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $s))
  ;; A throw two frames down, caught here.
  (func $thrower (param i32) (throw $e (local.get 0)))
  (func $middle (param i32) (call $thrower (local.get 0)))
  (func (export "catch") (param $v i32) (result i32)
    (block $h (result i32)
      (try_table (catch $e $h) (call $middle (local.get $v)))
      (i32.const -1))
    (i32.const 1) (i32.add))
  (func (export "uncaught") (param $v i32) (call $thrower (local.get $v))))"#;

#[wasm_bindgen_test]
fn gc_exceptions_and_br_on_cast_run_out_of_line_at_full_speed_and_stepped() {
    let cases = [
        ("cast_inner", "42", "42"),
        ("cast_return", "9", "9"),
        ("cast_fail", "-5", "-5"),
        ("array_sum", "10", "30"),
        ("catch", "41", "42"),
    ];
    for (func, arg, want) in cases {
        let result = format!(r#""results":[{{"type":"i32","value":"{want}"}}]"#);
        // Full speed (the page's Run).
        let mut p = load(GC_EXN);
        ok(p.start(func, vec![arg.into()]));
        let s = ok(p.run(1e9));
        assert!(s.contains(r#""status":"finished""#) && s.contains(&result), "{func} run: {s}");
        // Single-stepped (with history), then stepped all the way back and run again.
        let mut p = load(GC_EXN);
        ok(p.start(func, vec![arg.into()]));
        let mut steps = 0;
        let mut s = String::new();
        while steps < 10_000 {
            s = ok(p.step_into());
            steps += 1;
            if !s.contains(r#""status":"paused""#) {
                break;
            }
        }
        assert!(s.contains(r#""status":"finished""#) && s.contains(&result), "{func} stepped: {s}");
        let s = ok(p.resume(1e9));
        assert!(s.contains(&result), "{func}: {s}");
    }
    let mut p = load(GC_EXN);
    ok(p.start("uncaught", vec!["3".into()]));
    let s = ok(p.run(1e9));
    assert!(s.contains(r#""status":"trapped""#) && s.contains("uncaught exception"), "{s}");
}

/// The heap inspector through the JS API: a result's handle (`(ref $node) #2`), held by the
/// page across collections (at full speed and on request), expanded with `object`, counted
/// by `heapStats`, and given back as an argument; a reset releases it.
#[wasm_bindgen_test]
fn gc_results_are_handles_held_across_collections_and_taken_back_as_arguments() {
    let mut pg = load(include_str!("data/heap.wat"));
    ok(pg.start("list", vec!["3".into()]));
    let s = ok(pg.run(1e9));
    assert!(s.contains(r#""results":[{"type":"anyref","value":"(ref $node) #2","handle":2}]"#), "{s}");
    let o = ok(pg.object(2));
    assert!(
        o.contains(r#""text":"(ref $node) #2""#)
            && o.contains(r#"{"name":"$val","declared":"mut i32","type":"i32","value":"3"}"#),
        "{o}"
    );
    // 40,000 garbage nodes (1.3 MB): the run collects; then a collection on request.
    ok(pg.start("churn", vec!["40000".into()]));
    assert!(ok(pg.run(1e9)).contains(r#""value":"40000""#));
    let st = ok(pg.heap_stats());
    assert!(!st.contains(r#""collections":0"#), "{st}");
    ok(pg.collect_garbage());
    let st = ok(pg.heap_stats());
    assert!(st.contains(r#""objects":3,"#), "only the held list lives: {st}");
    // The held list, given back.
    ok(pg.start("sum", vec!["(ref $node) #2".into()]));
    assert!(ok(pg.run(1e9)).contains(r#""results":[{"type":"i32","value":"6"}]"#));
    assert!(pg.start("sum", vec!["#77".into()]).is_err());
    assert_eq!(arg_error("(ref $node) #2", "anyref"), None);
    assert!(arg_error("nonsense", "anyref").is_some());
    // A reset: a fresh store, nothing held.
    ok(pg.reset());
    assert!(pg.object(2).is_err());
}

#[wasm_bindgen_test]
fn pause_on_exceptions_reports_the_throw_and_marks_the_frames() {
    let wat = r#"(module
      (tag $e (param i32))
      (func $thrower (param i32) (throw $e (local.get 0)))
      (func $f (export "f") (param i32) (result i32)
        (block $h (result i32)
          (try_table (catch $e $h) (call $thrower (local.get 0)))
          (i32.const -1)))
      (func (export "g") (param i32) (call $thrower (local.get 0))))"#;
    let mut p = load(wat);
    // Off by default: the caught throw does not stop Continue.
    ok(p.start("f", vec!["5".into()]));
    let s = ok(p.resume(1000.0));
    assert!(s.contains(r#""status":"finished""#), "{s}");
    p.set_pause_on_exceptions(false, true);
    ok(p.start("f", vec!["5".into()]));
    let s = ok(p.resume(1000.0));
    assert!(s.contains(r#""kind":"exception""#) && s.contains(r#""status":"paused""#), "{s}");
    assert!(s.contains(r#""tagName":"$e""#) && s.contains(r#""payload":[{"type":"i32","value":"5"}]"#), "{s}");
    assert!(s.contains(r#""caught":true"#) && s.contains(r#""clause":"catch $e""#), "{s}");
    assert!(s.contains(r#""unwinding":"catches""#) && s.contains(r#""unwinding":"unwound""#), "{s}");
    // Kept across reset; caught only: the uncaught throw of g is not paused on.
    ok(p.reset());
    ok(p.start("g", vec!["6".into()]));
    let s = ok(p.resume(1000.0));
    assert!(s.contains(r#""status":"trapped""#), "{s}");
    p.set_pause_on_exceptions(true, false);
    ok(p.start("g", vec!["6".into()]));
    let s = ok(p.resume(1000.0));
    assert!(s.contains(r#""caught":false"#) && s.contains(r#""handler":null"#), "{s}");
    assert!(!s.contains(r#""unwinding":"catches""#), "{s}");
    let s = ok(p.resume(1000.0));
    assert!(s.contains("uncaught exception: tag 0 ($e) with payload [i32:6]"), "{s}");
}
