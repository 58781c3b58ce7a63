//! The debugger inside a program doing file I/O on the in-memory file system
//! (`tests/data/wasi/readfile.wat`): a watchpoint on the buffer `fd_read` fills stops right
//! after the call, a breakpoint after it is hit, and step back over `fd_read` restores the
//! guest memory exactly (the file system and the console are not rewound). Also: every
//! preview-1 function called with pointers outside memory returns an errno, never panics.
#![cfg(not(target_arch = "wasm32"))]

use std::cell::RefCell;
use std::rc::Rc;
use wasmscope::debug::{Config, Session, StopReason};
use wasmscope::wasi::{self, Wasi, memfs::MemFs};
use wasmscope::{Call, Limits, Module, Store, ValType, Value};

fn program(fs: &MemFs, out: Rc<RefCell<Vec<u8>>>) -> Session {
    let path = format!("{}/tests/data/wasi/readfile.wat", env!("CARGO_MANIFEST_DIR"));
    let module = Rc::new(Module::new(&std::fs::read(path).unwrap()).unwrap());
    let mut store = Store::new(Limits::default());
    let sink: wasi::OutputSink = Box::new(move |_, b| out.borrow_mut().extend_from_slice(b));
    let mut w = Wasi::new(vec!["readfile".into()], vec![], sink, Wasi::input_from(vec![]), Wasi::fixed_clock(), 1);
    w.preopen("/", Box::new(fs.dir("/").unwrap()));
    wasi::define(&mut store, w);
    let instance = store.instantiate(module).unwrap();
    Session::new(store, instance, Config::default())
}

fn files() -> MemFs {
    let fs = MemFs::with_fixed_clock();
    fs.write_file("/in.txt", b"hello, file").unwrap();
    fs
}

#[test]
fn the_program_reads_and_writes_files() {
    let fs = files();
    let out = Rc::new(RefCell::new(Vec::new()));
    let mut s = program(&fs, out.clone());
    s.start("main", &[]).unwrap();
    assert_eq!(s.resume(u64::MAX), StopReason::Finished(vec![Value::I32(11)]));
    assert_eq!(out.borrow().as_slice(), b"hello, file");
    assert_eq!(fs.read_file("/out.txt").unwrap(), b"done");
}

#[test]
fn a_watchpoint_on_the_read_buffer_stops_after_fd_read_and_step_back_restores_it() {
    let fs = files();
    let mut s = program(&fs, Rc::new(RefCell::new(Vec::new())));
    s.start("main", &[]).unwrap();
    s.add_watchpoint(0x200, 4).unwrap();
    let StopReason::Watchpoint(hit) = s.resume(u64::MAX) else { panic!("{:?}", s.stop_reason()) };
    // The hit shows the whole write the host made.
    assert_eq!((hit.addr, hit.old.as_slice(), hit.new.as_slice()), (0x200, &[0u8; 11][..], &b"hello, file"[..]));
    // Stopped right after the call instruction of fd_read.
    let at = s.position().unwrap();
    assert!(s.read_memory(0x200, 11) == b"hello, file", "{at:?}");
    assert_eq!(s.step_back(), StopReason::Step);
    assert!(s.position().unwrap().text.contains("fd_read"), "back before the call of fd_read: {:?}", s.position());
    assert_eq!(s.read_memory(0x200, 11), &[0u8; 11], "the buffer is restored exactly");
    assert_eq!(s.read_memory(0x308, 4), &[0u8; 4], "so is the count fd_read wrote");
    // Running on reads the file again (the file's position lives in the host: not rewound,
    // so this read starts where the first one ended and finds nothing more).
    assert!(matches!(s.resume(u64::MAX), StopReason::Watchpoint(_) | StopReason::Finished(_)));
}

#[test]
fn a_breakpoint_between_file_calls_is_hit() {
    let fs = files();
    let mut s = program(&fs, Rc::new(RefCell::new(Vec::new())));
    s.start("main", &[]).unwrap();
    // Run to the fd_close call, then set a breakpoint there and run again from the start.
    let func = s.position().unwrap().func;
    let info = s.func_info(func).unwrap();
    let close = info
        .lines
        .iter()
        .find(|l| l.text.starts_with("call") && l.text.contains("close"))
        .expect("the fd_close call")
        .offset;
    let id = s.add_breakpoint(func, close, None).unwrap();
    assert_eq!(s.resume(u64::MAX), StopReason::Breakpoint(id));
    assert_eq!(s.read_memory(0x200, 5), b"hello", "fd_read has run");
    assert_eq!(fs.read_file("/out.txt").err().map(|e| e.name()), Some("NOENT"), "out.txt not yet written");
    assert_eq!(s.resume(u64::MAX), StopReason::Finished(vec![Value::I32(11)]));
}

/// A module re-exporting every preview-1 function through a wasm trampoline (so the host
/// call sees the module's memory).
fn trampolines() -> String {
    let (mut imports, mut funcs) = (String::new(), String::new());
    for name in wasi::names() {
        let ty = wasi::signature(name).unwrap();
        let t = |v: &[ValType]| v.iter().map(|t| t.name()).collect::<Vec<_>>().join(" ");
        let (p, r) = (t(&ty.params), t(&ty.results));
        let gets: String = (0..ty.params.len()).map(|i| format!("local.get {i} ")).collect();
        imports += &format!("  (import \"{}\" \"{name}\" (func ${name} (param {p}) (result {r})))\n", wasi::MODULE);
        funcs += &format!("  (func (export \"{name}\") (param {p}) (result {r}) {gets} call ${name})\n");
    }
    format!("(module\n{imports}{funcs}  (memory 1))\n")
}

#[test]
fn pointers_outside_memory_are_errnos_not_panics() {
    let module = Rc::new(Module::new(trampolines().as_bytes()).unwrap());
    // A fresh program per call, so that no call sees what another did (fd_close of fd 3).
    let fresh = || {
        let fs = files();
        let mut store = Store::new(Limits::default());
        let mut w =
            Wasi::new(vec!["x".into()], vec![], Box::new(|_, _| {}), Wasi::input_from(vec![]), Wasi::fixed_clock(), 1);
        w.preopen("/", Box::new(fs.dir("/").unwrap()));
        wasi::define(&mut store, w);
        let instance = store.instantiate(module.clone()).unwrap();
        (store, instance)
    };
    let mut faults = 0;
    for name in wasi::names().filter(|n| *n != "proc_exit") {
        let ty = wasi::signature(name).unwrap();
        // Every i32 argument a pointer (or fd, or length) near the end of the address space;
        // except the first, fd 3 (the preopen), so the calls get past the descriptor check.
        for bad in [0xffff_fff0u32, 0x0001_0000 - 2] {
            let args: Vec<Value> = ty
                .params
                .iter()
                .enumerate()
                .map(|(i, t)| match t {
                    ValType::I64 => Value::I64(i64::MAX),
                    _ if i == 0 && (name.starts_with("fd_") || name.starts_with("path_")) => Value::I32(3),
                    _ => Value::I32(bad as i32),
                })
                .collect();
            let (mut store, instance) = fresh();
            let r = store.invoke(instance, name, &args).unwrap_or_else(|e| panic!("{name}: {e}"));
            let [Value::I32(e)] = r[..] else { panic!("{name}: {r:?}") };
            assert!((0..=76).contains(&e), "{name}: errno {e}");
            faults += (e == 21) as u32;
        }
    }
    assert!(faults > 40, "most of them are FAULT ({faults})");
}
