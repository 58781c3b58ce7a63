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
use wasmscope::{Call, InstanceId, Limits, Module, Store, ValType, Value};

/// An instance of `module` with WASI, `fs` preopened as `/` (fd 3) and output to `out`.
fn instantiate(module: Rc<Module>, fs: &MemFs, out: wasi::OutputSink) -> (Store, InstanceId) {
    let mut store = Store::new(Limits::default());
    let mut w = Wasi::new(vec!["prog".into()], vec![], out, Wasi::input_from(vec![]), Wasi::fixed_clock(), 1);
    w.preopen("/", Box::new(fs.dir("/").unwrap()));
    wasi::define(&mut store, w);
    let instance = store.instantiate(module).unwrap();
    (store, instance)
}

fn program(fs: &MemFs, out: Rc<RefCell<Vec<u8>>>) -> Session {
    let path = format!("{}/tests/data/wasi/readfile.wat", env!("CARGO_MANIFEST_DIR"));
    let module = Rc::new(Module::new(&std::fs::read(path).unwrap()).unwrap());
    let (store, instance) = instantiate(module, fs, Box::new(move |_, b| out.borrow_mut().extend_from_slice(b)));
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
fn step_back_over_the_program_says_what_it_could_not_undo() {
    let fs = files();
    let out = Rc::new(RefCell::new(Vec::new()));
    let mut s = program(&fs, out.clone());
    s.start("main", &[]).unwrap();
    // Step to the instruction after the last call (the function's `local.get $n`).
    let mut steps = 0;
    while !s.position().is_some_and(|p| p.text.starts_with("local.get") && s.read_memory(0x30c, 1) == [4]) {
        assert_eq!(s.step_into(), StopReason::Step);
        steps += 1;
        assert!(steps < 1000, "the program's end not reached");
    }
    assert!(s.not_rewound().is_empty(), "nothing went back yet");
    // Back over the `drop` (nothing outside), then over fd_write to out.txt: the file keeps
    // "done".
    assert_eq!(s.step_back(), StopReason::Step);
    assert!(s.not_rewound().is_empty());
    assert_eq!(s.step_back(), StopReason::Step);
    assert_eq!(s.not_rewound(), ["fd_write: 4 bytes written to fd 4 (/out.txt)"]);
    assert_eq!(fs.read_file("/out.txt").unwrap(), b"done", "the file is not rewound");
    // All the way back: every other call that changed something outside, newest first.
    assert_eq!(s.reverse_continue(), StopReason::HistoryStart);
    assert_eq!(
        s.not_rewound(),
        [
            "path_open: fd 4 (/out.txt) opened (created if missing)",
            "fd_write: 11 bytes written to stdout",
            "fd_close: fd 4 closed",
            "fd_read: fd 4 (/in.txt)'s position moved on by 11",
            "path_open: fd 4 (/in.txt) opened",
        ]
    );
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
    let fresh = || instantiate(module.clone(), &files(), Box::new(|_, _| {}));
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

/// Runs `main` of `wat` (which may import preview-1 functions) with `fs` preopened as `/`
/// (fd 3); returns its results and the memory at `at..at + len` afterwards.
fn run_wat(wat: &str, fs: &MemFs, at: u32, len: u32) -> (Vec<Value>, Vec<u8>) {
    let module = Rc::new(Module::new(wat.as_bytes()).unwrap());
    let (mut store, instance) = instantiate(module, fs, Box::new(|_, _| {}));
    let results = store.invoke(instance, "main", &[]).unwrap();
    let Some(wasmscope::Extern::Memory(m)) = store.export(instance, "memory") else { panic!("no memory") };
    (results, store.memory(m).read(at, len).unwrap().to_vec())
}

/// Found running yosys (YoWASP's C++ build): wasi-libc's `fread` reads with two iovecs (the
/// caller's buffer, then its own), and the second one was read from the wrong offset (the
/// position advanced once per buffer and again by the running total), so text files came
/// back with holes.
#[test]
fn fd_read_with_two_iovecs_reads_on_from_where_the_first_ended() {
    let fs = MemFs::with_fixed_clock();
    fs.write_file("/f", b"0123456789abcdef").unwrap();
    let wat = r#"(module
      (import "wasi_snapshot_preview1" "path_open"
        (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
      (memory (export "memory") 1)
      (data (i32.const 0) "f")
      ;; iovecs at 0x10: (0x100, 3) (0x200, 5)
      (data (i32.const 0x10) "\00\01\00\00\03\00\00\00\00\02\00\00\05\00\00\00")
      (func (export "main") (result i32 i32 i32)
        (drop (call $open (i32.const 3) (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 0)
          (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 0x30)))
        (call $read (i32.load (i32.const 0x30)) (i32.const 0x10) (i32.const 2) (i32.const 0x34))
        (i32.load (i32.const 0x34))
        ;; a second fd_read goes on after the 8 bytes
        (drop (call $read (i32.load (i32.const 0x30)) (i32.const 0x10) (i32.const 1) (i32.const 0x34)))
        (i32.load (i32.const 0x34))))"#;
    let (r, mem) = run_wat(wat, &fs, 0x100, 0x105);
    assert_eq!(r, [Value::I32(0), Value::I32(8), Value::I32(3)]);
    assert_eq!(&mem[..3], b"89a", "the second call's one buffer");
    assert_eq!(&mem[0x100..0x105], b"34567", "the first call's second buffer");
}

/// Also found with yosys: `..` of a preopened directory is outside the sandbox, and its
/// `d_ino` was 0, which wasi-libc's `readdir` takes for "unknown" and stats, failing: every
/// listing of a preopen (or of a directory opened from one) ended in an error.
#[test]
fn fd_readdir_gives_dot_dot_a_nonzero_inode() {
    let fs = MemFs::with_fixed_clock();
    fs.write_file("/a", b"x").unwrap();
    let wat = r#"(module
      (import "wasi_snapshot_preview1" "fd_readdir" (func $readdir (param i32 i32 i32 i64 i32) (result i32)))
      (memory (export "memory") 1)
      (func (export "main") (result i32 i32)
        (call $readdir (i32.const 3) (i32.const 0x100) (i32.const 256) (i64.const 0) (i32.const 0x10))
        (i32.load (i32.const 0x10))))"#;
    let (r, buf) = run_wat(wat, &fs, 0x100, 256);
    let [Value::I32(0), Value::I32(used)] = r[..] else { panic!("{r:?}") };
    let mut at = 0;
    let mut names = Vec::new();
    while at + 24 <= used as usize {
        let ino = u64::from_le_bytes(buf[at + 8..at + 16].try_into().unwrap());
        let len = u32::from_le_bytes(buf[at + 16..at + 20].try_into().unwrap()) as usize;
        let name = String::from_utf8(buf[at + 24..at + 24 + len].to_vec()).unwrap();
        assert_ne!(ino, 0, "{name} has inode 0");
        names.push(name);
        at += 24 + len;
    }
    assert_eq!(names, [".", "..", "a"]);
}

/// demo.wasm (tests/data/wasi/demo.rs) with these arguments, WASI's sleeper replaced by one
/// that records each request and pauses (as the page's does), and `fs` preopened as `/`.
fn demo_pausing_on_sleep(args: &[&str], fs: &MemFs, out: Rc<RefCell<Vec<u8>>>) -> (Session, Rc<RefCell<Vec<u64>>>) {
    let path = format!("{}/tests/data/wasi/demo.wasm", env!("CARGO_MANIFEST_DIR"));
    let module = Rc::new(Module::new(&std::fs::read(path).unwrap()).unwrap());
    let mut store = Store::new(Limits::default());
    let mut argv = vec!["demo".to_string()];
    argv.extend(args.iter().map(|a| a.to_string()));
    let sink: wasi::OutputSink = Box::new(move |_, b| out.borrow_mut().extend_from_slice(b));
    let mut w = Wasi::new(argv, vec![], sink, Wasi::input_from(vec![]), Wasi::fixed_clock(), 1);
    let sleeps = Rc::new(RefCell::new(Vec::new()));
    let record = sleeps.clone();
    w.set_sleeper(Box::new(move |ns| {
        record.borrow_mut().push(ns);
        true
    }));
    // Preopened twice: the second set replaces the first (`replace_preopens`).
    w.preopen("/old", Box::new(fs.dir("/").unwrap()));
    w.replace_preopens(vec![("/".into(), Box::new(fs.dir("/").unwrap()))]);
    wasi::define(&mut store, w);
    let instance = store.instantiate(module).unwrap();
    (Session::new(store, instance, Config::default()), sleeps)
}

#[test]
fn a_sleeper_that_pauses_stops_the_program_at_the_sleep_and_it_goes_on_after() {
    let fs = files();
    let out = Rc::new(RefCell::new(Vec::new()));
    let (mut s, sleeps) = demo_pausing_on_sleep(&["sleep", "30"], &fs, out.clone());
    s.start("_start", &[]).unwrap();
    assert_eq!(s.resume(u64::MAX), StopReason::HostPause);
    assert_eq!(*sleeps.borrow(), vec![30_000_000], "the requested time, in nanoseconds");
    assert!(out.borrow().is_empty(), "nothing printed before the sleep ends");
    let end = s.resume(u64::MAX);
    assert!(matches!(end, StopReason::Finished(_) | StopReason::Exited(0)), "{end:?}");
    assert!(String::from_utf8_lossy(&out.borrow()).starts_with("slept "), "the program went on after the sleep");
    assert_eq!(sleeps.borrow().len(), 1);
}

#[test]
fn replaced_preopens_are_the_only_ones() {
    let fs = files();
    let out = Rc::new(RefCell::new(Vec::new()));
    let (mut s, _) = demo_pausing_on_sleep(&["cat", "/in.txt"], &fs, out.clone());
    s.start("_start", &[]).unwrap();
    let end = s.resume(u64::MAX);
    assert!(matches!(end, StopReason::Finished(_) | StopReason::Exited(0)), "{end:?}");
    assert_eq!(out.borrow().as_slice(), b"hello, file");
    let out = Rc::new(RefCell::new(Vec::new()));
    let (mut s, _) = demo_pausing_on_sleep(&["cat", "/old/in.txt"], &fs, out.clone());
    s.start("_start", &[]).unwrap();
    assert_eq!(s.resume(u64::MAX), StopReason::Exited(1));
    assert_eq!(String::from_utf8_lossy(&out.borrow()), "error: entity not found\n");
}
