//! WASI preview 1 (`wasi_snapshot_preview1`) in the core, so the CLI and the page behave the
//! same: every preview-1 function, over a file-system interface (`fs.rs`) with two back
//! ends, host directories through cap-std (`host.rs`, native only) and an in-memory tree
//! (`memfs.rs`). This file holds the program's state (arguments, environment, streams,
//! clocks, randomness, the descriptor table); `preview1.rs` the functions themselves.
//!
//! Descriptors 0, 1 and 2 are the streams; 3 onwards the preopened directories, in the
//! order they were added ([`Wasi::preopen`]). Rights follow preview 1: each descriptor has
//! base and inheriting rights, calls check them (`NOTCAPABLE`), `fd_fdstat_set_rights` only
//! narrows them, and `path_open` gives a new descriptor what it asks for within its
//! directory's inheriting rights.

pub mod abi;
pub mod fs;
#[cfg(not(target_arch = "wasm32"))]
pub mod host;
pub mod memfs;
mod preview1;

use crate::decode::{ExternType, GlobalType, Module};
use crate::runtime::Store;
use crate::value::{FuncType, ValType, Value};
use fs::{Dir, Errno, File};
use std::cell::RefCell;
use std::collections::{BTreeMap, HashSet};
use std::rc::Rc;

pub const MODULE: &str = "wasi_snapshot_preview1";

/// Where the guest's output goes: `(fd, bytes)` with fd 1 or 2.
pub type OutputSink = Box<dyn FnMut(u32, &[u8])>;
/// Where the guest's stdin comes from: fills the buffer, returns how many bytes (0 = EOF).
pub type InputSource = Box<dyn FnMut(&mut [u8]) -> std::io::Result<usize>>;
/// Nanoseconds for clock 0 (realtime) and 1 (monotonic).
pub type ClockSource = Box<dyn FnMut(u32) -> u64>;
/// Waits this many nanoseconds (`poll_oneoff` with only clocks to wait for). Returns `true`
/// when it did not wait but will, outside the machine: then the call pauses the machine once
/// it returns (`Caller::pause`), and the host resumes it when the time is up (the page).
pub type Sleeper = Box<dyn FnMut(u64) -> bool>;
/// Takes one line per preview-1 call ([`Wasi::set_tracer`]).
pub type Tracer = Box<dyn FnMut(&str)>;

/// Directories to preopen: (guest path, directory).
pub type Preopens = Vec<(String, Box<dyn Dir>)>;

/// What a descriptor refers to.
pub(crate) enum Handle {
    /// Stream 0, 1 or 2 (the guest may renumber or close them).
    Stream(u32),
    File {
        file: Box<dyn File>,
        pos: u64,
    },
    Dir {
        dir: Box<dyn Dir>,
        /// A preopened directory (its guest path is the descriptor's `name`).
        preopen: bool,
    },
}

/// One open descriptor.
pub(crate) struct Descriptor {
    pub(crate) handle: Handle,
    pub(crate) base: u64,
    pub(crate) inheriting: u64,
    /// `fdflags` (append, dsync, nonblock, rsync, sync).
    pub(crate) flags: u16,
    /// What the user knows it as: "stdout", a preopen's guest path, or the path it was
    /// opened by, joined to its directory's (for messages only).
    pub(crate) name: String,
}

/// The state of one WASI program.
pub struct Wasi {
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
    output: OutputSink,
    input: InputSource,
    clock: ClockSource,
    sleep: Sleeper,
    trace: Option<Tracer>,
    rng: u64,
    warned: HashSet<&'static str>,
    pub(crate) fds: BTreeMap<u32, Descriptor>,
}

impl Wasi {
    /// A program with these arguments (`args[0]` is the program name) and environment;
    /// output to `output`, stdin from `input`, time from `clock`, randomness seeded with `seed`.
    /// No directories are preopened until [`Wasi::preopen`] adds them.
    pub fn new(
        args: Vec<String>,
        env: Vec<(String, String)>,
        output: OutputSink,
        input: InputSource,
        clock: ClockSource,
        seed: u64,
    ) -> Wasi {
        let stream = |n: u32, base: u64, name: &str| Descriptor {
            handle: Handle::Stream(n),
            base,
            inheriting: 0,
            flags: 0,
            name: name.into(),
        };
        let fds = BTreeMap::from([
            (0, stream(0, abi::rights::STDIN, "stdin")),
            (1, stream(1, abi::rights::STDOUT, "stdout")),
            (2, stream(2, abi::rights::STDOUT, "stderr")),
        ]);
        Wasi {
            args,
            env,
            output,
            input,
            clock,
            sleep: default_sleeper(),
            trace: None,
            rng: seed | 1,
            warned: HashSet::new(),
            fds,
        }
    }

    /// Preopens `dir` as the guest path `guest` (`/`, `.`, `/tmp`, ...): the next free
    /// descriptor, with every directory right.
    pub fn preopen(&mut self, guest: impl Into<String>, dir: Box<dyn Dir>) -> u32 {
        let fd = self.free_fd();
        let name = guest.into();
        let handle = Handle::Dir { dir, preopen: true };
        let base = abi::rights::DIR;
        let inheriting = abi::rights::DIR | abi::rights::FILE;
        self.fds.insert(fd, Descriptor { handle, base, inheriting, flags: 0, name });
        fd
    }

    /// Closes every preopened directory and preopens `dirs` (guest path, directory) in their
    /// place, as [`Wasi::preopen`] does: for a host that chooses the directories after the
    /// instance was made (before the program runs).
    pub fn replace_preopens(&mut self, dirs: Preopens) {
        self.fds.retain(|_, d| !matches!(d.handle, Handle::Dir { preopen: true, .. }));
        for (guest, dir) in dirs {
            self.preopen(guest, dir);
        }
    }

    /// Replaces stdin.
    pub fn set_input(&mut self, input: InputSource) {
        self.input = input;
    }

    /// Replaces how `poll_oneoff` waits (natively it sleeps the thread; the page's sleeper
    /// records the time and pauses, and the page's run loop waits without blocking).
    pub fn set_sleeper(&mut self, sleep: Sleeper) {
        self.sleep = sleep;
    }

    /// Reports every preview-1 call to `trace` as one line, like strace: its arguments
    /// (paths as strings), its errno and what it did outside guest memory
    /// (`path_open(3, 1, "in.txt", 0, 2, 0, 0, 768) = 0  # fd 4 (/in.txt) opened`).
    pub fn set_tracer(&mut self, trace: Tracer) {
        self.trace = Some(trace);
    }

    /// Reseeds `random_get`.
    pub fn set_seed(&mut self, seed: u64) {
        self.rng = seed | 1;
    }

    /// A fixed clock for reproducible runs: realtime starts at 2024-01-01T00:00:00Z and both
    /// clocks advance by one millisecond per reading.
    pub fn fixed_clock() -> ClockSource {
        let mut ticks = 0u64;
        Box::new(move |id| {
            ticks += 1;
            let t = ticks * 1_000_000;
            if id == 0 { 1_704_067_200_000_000_000 + t } else { t }
        })
    }

    /// Input that is a fixed string.
    pub fn input_from(bytes: Vec<u8>) -> InputSource {
        let mut pos = 0;
        Box::new(move |buf| {
            let n = buf.len().min(bytes.len() - pos);
            buf[..n].copy_from_slice(&bytes[pos..pos + n]);
            pos += n;
            Ok(n)
        })
    }

    /// The lowest descriptor number not in use.
    fn free_fd(&self) -> u32 {
        let mut fd = 0;
        for &used in self.fds.keys() {
            if used != fd {
                break;
            }
            fd += 1;
        }
        fd
    }

    fn next_random(&mut self) -> u64 {
        // xorshift64*: reproducible for a seed; not for cryptography.
        self.rng ^= self.rng >> 12;
        self.rng ^= self.rng << 25;
        self.rng ^= self.rng >> 27;
        self.rng.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn warn_once(&mut self, name: &'static str, what: &str) {
        if self.warned.insert(name) {
            let line = format!("wasmscope: {name}: {what}\n");
            (self.output)(2, line.as_bytes());
        }
    }

    /// The descriptor `fd` if it has all of `needed` rights: `BADF` if it is not open,
    /// `NOTCAPABLE` if a right is missing.
    pub(crate) fn fd(&mut self, fd: u32, needed: u64) -> Result<&mut Descriptor, Errno> {
        let d = self.fds.get_mut(&fd).ok_or(Errno::BADF)?;
        if d.base & needed != needed {
            return Err(Errno::NOTCAPABLE);
        }
        Ok(d)
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn default_sleeper() -> Sleeper {
    Box::new(|ns| {
        std::thread::sleep(std::time::Duration::from_nanos(ns));
        false
    })
}

#[cfg(target_arch = "wasm32")]
fn default_sleeper() -> Sleeper {
    Box::new(|_| false)
}

/// Every preview-1 function: name, parameter types (i32 = `I`, i64 = `L`); all but
/// `proc_exit` return an errno.
const FUNCTIONS: &[(&str, &str)] = &[
    ("args_get", "II"),
    ("args_sizes_get", "II"),
    ("environ_get", "II"),
    ("environ_sizes_get", "II"),
    ("clock_res_get", "II"),
    ("clock_time_get", "ILI"),
    ("fd_advise", "ILLI"),
    ("fd_allocate", "ILL"),
    ("fd_close", "I"),
    ("fd_datasync", "I"),
    ("fd_fdstat_get", "II"),
    ("fd_fdstat_set_flags", "II"),
    ("fd_fdstat_set_rights", "ILL"),
    ("fd_filestat_get", "II"),
    ("fd_filestat_set_size", "IL"),
    ("fd_filestat_set_times", "ILLI"),
    ("fd_pread", "IIILI"),
    ("fd_prestat_get", "II"),
    ("fd_prestat_dir_name", "III"),
    ("fd_pwrite", "IIILI"),
    ("fd_read", "IIII"),
    ("fd_readdir", "IIILI"),
    ("fd_renumber", "II"),
    ("fd_seek", "ILII"),
    ("fd_sync", "I"),
    ("fd_tell", "II"),
    ("fd_write", "IIII"),
    ("path_create_directory", "III"),
    ("path_filestat_get", "IIIII"),
    ("path_filestat_set_times", "IIIILLI"),
    ("path_link", "IIIIIII"),
    ("path_open", "IIIIILLII"),
    ("path_readlink", "IIIIII"),
    ("path_remove_directory", "III"),
    ("path_rename", "IIIIII"),
    ("path_symlink", "IIIII"),
    ("path_unlink_file", "III"),
    ("poll_oneoff", "IIII"),
    ("proc_exit", "I"),
    ("proc_raise", "I"),
    ("sched_yield", ""),
    ("random_get", "II"),
    ("sock_accept", "III"),
    ("sock_recv", "IIIIII"),
    ("sock_send", "IIIII"),
    ("sock_shutdown", "II"),
];

/// The names of every preview-1 function.
pub fn names() -> impl Iterator<Item = &'static str> {
    FUNCTIONS.iter().map(|(n, _)| *n)
}

/// The signature of a preview-1 function.
pub fn signature(name: &str) -> Option<FuncType> {
    let (_, params) = FUNCTIONS.iter().find(|(n, _)| *n == name)?;
    let params: Vec<ValType> = params.chars().map(|c| if c == 'L' { ValType::I64 } else { ValType::I32 }).collect();
    let results = if name == "proc_exit" { vec![] } else { vec![ValType::I32] };
    Some(FuncType::new(params, results))
}

/// Defines every `wasi_snapshot_preview1` function in `store`, backed by `wasi`.
pub fn define(store: &mut Store, wasi: Wasi) -> Rc<RefCell<Wasi>> {
    let ctx = Rc::new(RefCell::new(wasi));
    for &(name, _) in FUNCTIONS {
        let Some(ty) = signature(name) else { continue };
        let ctx2 = ctx.clone();
        let f = store.host_func(ty, move |c, a| preview1::call(&ctx2, name, c, a));
        store.define(MODULE, name, f);
    }
    ctx
}

/// Satisfies every import of `module` that `store` cannot resolve with a stand-in: functions
/// return zeros and report each call (name and arguments) through `log`; memories, tables
/// and globals are created with their declared minimum and zero values.
pub fn stub_missing_imports(store: &mut Store, module: &Module, log: Rc<RefCell<OutputSink>>) -> crate::Result<usize> {
    let mut stubbed = 0;
    for imp in &module.imports {
        if store.is_defined(&imp.module, &imp.name) {
            continue;
        }
        let item = match &imp.ty {
            ExternType::Func(ty) => {
                let label = format!("{}.{}", imp.module, imp.name);
                let results = ty.results.clone();
                let log = log.clone();
                store.host_func(ty.clone(), move |_, args| {
                    let args: Vec<String> = args.iter().map(|v| v.to_string()).collect();
                    let out: Vec<Value> = results.iter().map(|t| t.default_value()).collect();
                    let shown: Vec<String> = out.iter().map(|v| v.to_string()).collect();
                    let line = format!("stub {label}({}) -> ({})\n", args.join(", "), shown.join(", "));
                    (log.borrow_mut())(2, line.as_bytes());
                    Ok(out)
                })
            }
            ExternType::Memory(m) => store.alloc_memory_type(*m)?,
            ExternType::Table(t) => store.alloc_table_type(*t)?,
            // A fresh tag: nothing else throws it.
            ExternType::Tag(t) => store.alloc_tag(t.clone())?,
            ExternType::Global(g) => {
                store.alloc_global(GlobalType { ty: g.ty, mutable: g.mutable }, g.ty.default_value())?
            }
        };
        store.define(&imp.module, &imp.name, item);
        stubbed += 1;
    }
    Ok(stubbed)
}

/// Does the module import anything from WASI?
pub fn uses_wasi(module: &Module) -> bool {
    module.imports.iter().any(|i| i.module == MODULE)
}
