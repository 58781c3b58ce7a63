//! Random WASI calls with random arguments against the in-memory file system: a module
//! that re-exports every `wasi_snapshot_preview1` function through a wasm trampoline (so
//! each host call sees the module's memory, as a real program's would), a tree with a few
//! files, directories and symlinks preopened as `/` and `/tmp`, and a memory holding paths,
//! iovecs and buffers the arguments point into (or anywhere else, or outside memory).
//! Nothing may panic; every call returns an errno the spec defines (0..=76), except
//! `proc_exit`, which exits; the file system stays within its byte limit and can be listed.
#![no_main]

use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use std::rc::Rc;
use wasmscope::wasi::{self, Wasi, memfs::MemFs};
use wasmscope::{Call, Extern, Limits, Module, Store, ValType, Value};

/// Where things are in the guest's memory (one 64 KiB page).
const PATHS: u32 = 0x100; // NUL-free path strings, 32 bytes apart
const IOVECS: u32 = 0x1000; // up to 8 iovecs
const BUFFERS: u32 = 0x2000; // what the iovecs point to, and result pointers
const PATH_STRINGS: &[&str] = &[
    "a",
    "a/b",
    "dir",
    "dir/",
    "dir/f",
    "..",
    "../x",
    "/",
    "/etc/passwd",
    ".",
    "./a",
    "link",
    "loop",
    "dir/../a",
    "new",
    "new/",
    "",
    "a\0b",
    "dir/sub/deep",
    "tmp",
    "x/y/z",
    "link/..",
    "abs",
];

fn module() -> String {
    let mut wat = String::from("(module\n");
    let mut exports = String::new();
    for name in wasi::names() {
        let ty = wasi::signature(name).unwrap();
        let t = |v: &[ValType]| v.iter().map(|t| t.name()).collect::<Vec<_>>().join(" ");
        let (params, results) = (t(&ty.params), t(&ty.results));
        wat +=
            &format!("  (import \"{}\" \"{name}\" (func ${name} (param {params}) (result {results})))\n", wasi::MODULE);
        let gets: String = (0..ty.params.len()).map(|i| format!("local.get {i} ")).collect();
        exports += &format!("  (func (export \"{name}\") (param {params}) (result {results}) {gets} call ${name})\n");
    }
    wat + &exports + "  (memory (export \"memory\") 1))\n"
}

fn run(u: &mut Unstructured<'_>) -> arbitrary::Result<()> {
    thread_local! {
        static MODULE: Rc<Module> = Rc::new(Module::new(module().as_bytes()).expect("the trampoline module"));
    }
    let module = MODULE.with(Rc::clone);
    let fs = MemFs::with_fixed_clock();
    fs.set_limit(1 << 20);
    let _ = fs.write_file("/a", b"hello");
    let _ = fs.write_file("/dir/f", b"in a directory");
    let _ = fs.create_dir_all("/tmp/sub");
    let _ = fs.symlink("a", "/link");
    let _ = fs.symlink("loop", "/loop");
    let _ = fs.symlink("/etc", "/abs");
    let mut store = Store::new(Limits { max_memory_pages: 4, ..Limits::default() });
    let mut w = Wasi::new(
        vec!["fuzz".into(), "arg".into()],
        vec![("K".into(), "V".into())],
        Box::new(|_, _| {}),
        Wasi::input_from(b"some input".to_vec()),
        Wasi::fixed_clock(),
        1,
    );
    w.set_sleeper(Box::new(|_| false));
    // The tracer formats every call's arguments, paths and effect (as --trace-wasi does).
    w.set_tracer(Box::new(|line| assert!(!line.is_empty())));
    w.preopen("/", Box::new(fs.dir("/").expect("root")));
    w.preopen("/tmp", Box::new(fs.dir("/tmp").expect("tmp")));
    wasi::define(&mut store, w);
    let instance = store.instantiate(module).expect("instantiates");
    let Some(Extern::Memory(mem)) = store.export(instance, "memory") else { panic!("no memory") };
    for (i, p) in PATH_STRINGS.iter().enumerate() {
        store.memory_mut(mem).write((PATHS + 32 * i as u32).into(), p.as_bytes()).unwrap();
    }
    let names: Vec<&str> = wasi::names().collect();
    for _ in 0..u.int_in_range(1..=40)? {
        // Sometimes scribble on the iovecs and buffers first.
        if u.ratio(1, 4)? {
            let at = IOVECS + u.int_in_range(0..=0x1fffu32)?;
            let bytes: Vec<u8> = (0..u.int_in_range(1..=32)?).map(|_| u.arbitrary()).collect::<Result<_, _>>()?;
            let _ = store.memory_mut(mem).write(at.into(), &bytes);
        }
        if u.ratio(1, 3)? {
            // A well-formed iovec array: (ptr, len) pairs into the buffers.
            let n = u.int_in_range(0..=8u32)?;
            for i in 0..n {
                let ptr = BUFFERS + u.int_in_range(0..=0x3000u32)?;
                let len = u.int_in_range(0..=0x400u32)?;
                let mut b = ptr.to_le_bytes().to_vec();
                b.extend_from_slice(&len.to_le_bytes());
                store.memory_mut(mem).write((IOVECS + 8 * i).into(), &b).unwrap();
            }
        }
        let name = *u.choose(&names)?;
        let ty = wasi::signature(name).unwrap();
        let mut args = Vec::new();
        for (i, t) in ty.params.iter().enumerate() {
            let v: u64 = match u.int_in_range(0..=9u8)? {
                0..=2 => u.int_in_range(0..=8u64)?, // fds, small flags
                3 => (PATHS + 32 * u.int_in_range(0..=PATH_STRINGS.len() as u32 - 1)?) as u64, // a path
                4 => u.int_in_range(0..=40u64)?,    // a length
                5 => IOVECS as u64,
                6 => (BUFFERS + u.int_in_range(0..=0x8000u32)?) as u64, // a result pointer
                7 => u.arbitrary::<u32>()? as u64,
                8 => u.arbitrary::<u64>()?,
                _ => PATH_STRINGS.get(i % PATH_STRINGS.len()).map_or(0, |s| s.len() as u64),
            };
            args.push(if *t == ValType::I64 { Value::I64(v as i64) } else { Value::I32(v as u32 as i32) });
        }
        match store.invoke(instance, name, &args) {
            Ok(r) => match r.as_slice() {
                [Value::I32(e)] => assert!((0..=76).contains(e), "{name}{args:?} returned errno {e}"),
                [] => {}
                other => panic!("{name} returned {other:?}"),
            },
            Err(wasmscope::Error::Trap(t)) if t.exit_code().is_some() => return Ok(()),
            Err(e) => panic!("{name}{args:?} failed: {e}"),
        }
        assert!(fs.used() <= fs.limit(), "the file system grew past its limit");
    }
    let _ = fs.list();
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let _ = run(&mut Unstructured::new(data));
});
