//! WASI preview 1 (`wasi_snapshot_preview1`) in the core, so the CLI and the page behave the
//! same. Streams, arguments, environment, clocks, randomness and exit are implemented;
//! every other preview-1 function can be imported and returns `ENOSYS`, logging its name
//! once. There is no file system: no directories are preopened.

pub mod fs;
#[cfg(not(target_arch = "wasm32"))]
pub mod host;

use crate::decode::{ExternType, GlobalType, Module};
use crate::runtime::{Caller, Store};
use crate::trap::Trap;
use crate::value::{FuncType, ValType, Value};
use std::cell::RefCell;
use std::collections::HashSet;
use std::rc::Rc;

pub const MODULE: &str = "wasi_snapshot_preview1";

/// WASI errno values we return.
pub mod errno {
    pub const SUCCESS: i32 = 0;
    pub const BADF: i32 = 8;
    pub const FAULT: i32 = 21;
    pub const INVAL: i32 = 28;
    pub const IO: i32 = 29;
    pub const NOSYS: i32 = 52;
    pub const SPIPE: i32 = 70;
}

/// Where the guest's output goes: `(fd, bytes)` with fd 1 or 2.
pub type OutputSink = Box<dyn FnMut(u32, &[u8])>;
/// Where the guest's stdin comes from: fills the buffer, returns how many bytes (0 = EOF).
pub type InputSource = Box<dyn FnMut(&mut [u8]) -> std::io::Result<usize>>;
/// Nanoseconds for clock 0 (realtime) and 1 (monotonic).
pub type ClockSource = Box<dyn FnMut(u32) -> u64>;

/// The state of one WASI program.
pub struct Wasi {
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
    output: OutputSink,
    input: InputSource,
    clock: ClockSource,
    rng: u64,
    warned: HashSet<&'static str>,
}

impl Wasi {
    /// A program with these arguments (`args[0]` is the program name) and environment;
    /// output to `output`, stdin from `input`, time from `clock`, randomness seeded with `seed`.
    pub fn new(
        args: Vec<String>,
        env: Vec<(String, String)>,
        output: OutputSink,
        input: InputSource,
        clock: ClockSource,
        seed: u64,
    ) -> Wasi {
        Wasi { args, env, output, input, clock, rng: seed | 1, warned: HashSet::new() }
    }

    /// Replaces stdin.
    pub fn set_input(&mut self, input: InputSource) {
        self.input = input;
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

    fn next_random(&mut self) -> u64 {
        // xorshift64*: reproducible for a seed; not for cryptography.
        self.rng ^= self.rng >> 12;
        self.rng ^= self.rng << 25;
        self.rng ^= self.rng >> 27;
        self.rng.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn warn_once(&mut self, name: &'static str) {
        if self.warned.insert(name) {
            let line = format!("wasmscope: WASI function {name} is not implemented (returns ENOSYS)\n");
            (self.output)(2, line.as_bytes());
        }
    }
}

type Ctx = Rc<RefCell<Wasi>>;

fn i32_arg(args: &[Value], i: usize) -> u32 {
    match args.get(i) {
        Some(Value::I32(v)) => *v as u32,
        _ => 0,
    }
}

fn i64_arg(args: &[Value], i: usize) -> u64 {
    match args.get(i) {
        Some(Value::I64(v)) => *v as u64,
        _ => 0,
    }
}

/// Runs a WASI function body that returns an errno; memory faults become `EFAULT`.
fn errno(f: impl FnOnce() -> Result<i32, Fault>) -> Result<Vec<Value>, Trap> {
    Ok(vec![Value::I32(f().unwrap_or(errno::FAULT))])
}

/// A guest pointer outside its memory (or no memory at all).
struct Fault;

impl From<Trap> for Fault {
    fn from(_: Trap) -> Self {
        Fault
    }
}

fn read_u32(c: &Caller<'_>, addr: u32) -> Result<u32, Fault> {
    let b = c.read_memory(addr, 4)?;
    Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

fn write_u32(c: &mut Caller<'_>, addr: u32, v: u32) -> Result<(), Fault> {
    Ok(c.write_memory(addr, &v.to_le_bytes())?)
}

fn write_u64(c: &mut Caller<'_>, addr: u32, v: u64) -> Result<(), Fault> {
    Ok(c.write_memory(addr, &v.to_le_bytes())?)
}

/// `(ptr, len)` pairs of an iovec array.
fn iovecs(c: &Caller<'_>, iovs: u32, count: u32) -> Result<Vec<(u32, u32)>, Fault> {
    (0..count)
        .map(|i| {
            let at = iovs.checked_add(i.checked_mul(8).ok_or(Fault)?).ok_or(Fault)?;
            Ok((read_u32(c, at)?, read_u32(c, at + 4)?))
        })
        .collect()
}

/// Writes NUL-terminated strings and the pointer array (`args_get`/`environ_get`).
fn write_strings(c: &mut Caller<'_>, strings: &[String], ptrs: u32, buf: u32) -> Result<i32, Fault> {
    let mut at = buf;
    for (i, s) in strings.iter().enumerate() {
        write_u32(c, ptrs + 4 * i as u32, at)?;
        c.write_memory(at, s.as_bytes())?;
        c.write_memory(at + s.len() as u32, &[0])?;
        at += s.len() as u32 + 1;
    }
    Ok(errno::SUCCESS)
}

fn write_sizes(c: &mut Caller<'_>, strings: &[String], count_ptr: u32, size_ptr: u32) -> Result<i32, Fault> {
    write_u32(c, count_ptr, strings.len() as u32)?;
    write_u32(c, size_ptr, strings.iter().map(|s| s.len() as u32 + 1).sum())?;
    Ok(errno::SUCCESS)
}

/// Every preview-1 function: name, parameter types (i32 = `I`, i64 = `L`), whether it
/// returns an errno (all but `proc_exit`).
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

/// The signature of a preview-1 function.
pub fn signature(name: &str) -> Option<FuncType> {
    let (_, params) = FUNCTIONS.iter().find(|(n, _)| *n == name)?;
    let params: Vec<ValType> = params.chars().map(|c| if c == 'L' { ValType::I64 } else { ValType::I32 }).collect();
    let results = if name == "proc_exit" { vec![] } else { vec![ValType::I32] };
    Some(FuncType::new(params, results))
}

fn call(ctx: &Ctx, name: &'static str, c: &mut Caller<'_>, a: &[Value]) -> Result<Vec<Value>, Trap> {
    let mut w = ctx.borrow_mut();
    match name {
        "proc_exit" => Err(Trap::exit(i32_arg(a, 0) as i32)),
        "fd_write" => errno(|| {
            let fd = i32_arg(a, 0);
            if fd != 1 && fd != 2 {
                return Ok(errno::BADF);
            }
            let mut total = 0u32;
            for (ptr, len) in iovecs(c, i32_arg(a, 1), i32_arg(a, 2))? {
                let bytes = c.read_memory(ptr, len)?;
                (w.output)(fd, bytes);
                total += len;
            }
            write_u32(c, i32_arg(a, 3), total)?;
            Ok(errno::SUCCESS)
        }),
        "fd_read" => errno(|| {
            if i32_arg(a, 0) != 0 {
                return Ok(errno::BADF);
            }
            let mut total = 0u32;
            for (ptr, len) in iovecs(c, i32_arg(a, 1), i32_arg(a, 2))? {
                c.read_memory(ptr, len)?;
                let mut buf = vec![0u8; len as usize];
                let n = match (w.input)(&mut buf) {
                    Ok(n) => n,
                    Err(_) => return Ok(errno::IO),
                };
                c.write_memory(ptr, &buf[..n])?;
                total += n as u32;
                if n < len as usize {
                    break;
                }
            }
            write_u32(c, i32_arg(a, 3), total)?;
            Ok(errno::SUCCESS)
        }),
        "fd_close" | "fd_sync" | "fd_datasync" => {
            errno(|| Ok(if i32_arg(a, 0) <= 2 { errno::SUCCESS } else { errno::BADF }))
        }
        "fd_seek" | "fd_tell" => errno(|| Ok(if i32_arg(a, 0) <= 2 { errno::SPIPE } else { errno::BADF })),
        "fd_fdstat_get" => errno(|| {
            let fd = i32_arg(a, 0);
            if fd > 2 {
                return Ok(errno::BADF);
            }
            // filetype character_device (2), no flags, all rights.
            let mut stat = [0u8; 24];
            stat[0] = 2;
            stat[8..16].copy_from_slice(&u64::MAX.to_le_bytes());
            stat[16..24].copy_from_slice(&u64::MAX.to_le_bytes());
            c.write_memory(i32_arg(a, 1), &stat)?;
            Ok(errno::SUCCESS)
        }),
        "fd_fdstat_set_flags" => errno(|| Ok(if i32_arg(a, 0) <= 2 { errno::SUCCESS } else { errno::BADF })),
        // No preopened directories.
        "fd_prestat_get" | "fd_prestat_dir_name" => errno(|| Ok(errno::BADF)),
        "args_sizes_get" => errno(|| write_sizes(c, &w.args, i32_arg(a, 0), i32_arg(a, 1))),
        "args_get" => errno(|| write_strings(c, &w.args, i32_arg(a, 0), i32_arg(a, 1))),
        "environ_sizes_get" | "environ_get" => {
            let env: Vec<String> = w.env.iter().map(|(k, v)| format!("{k}={v}")).collect();
            if name == "environ_get" {
                errno(|| write_strings(c, &env, i32_arg(a, 0), i32_arg(a, 1)))
            } else {
                errno(|| write_sizes(c, &env, i32_arg(a, 0), i32_arg(a, 1)))
            }
        }
        "clock_res_get" => errno(|| {
            if i32_arg(a, 0) > 3 {
                return Ok(errno::INVAL);
            }
            write_u64(c, i32_arg(a, 1), 1_000)?;
            Ok(errno::SUCCESS)
        }),
        "clock_time_get" => errno(|| {
            let id = i32_arg(a, 0);
            if id > 3 {
                return Ok(errno::INVAL);
            }
            let _precision = i64_arg(a, 1);
            // Process and thread CPU-time clocks read the monotonic clock.
            let t = (w.clock)(if id == 0 { 0 } else { 1 });
            write_u64(c, i32_arg(a, 2), t)?;
            Ok(errno::SUCCESS)
        }),
        "random_get" => errno(|| {
            let (ptr, len) = (i32_arg(a, 0), i32_arg(a, 1));
            c.read_memory(ptr, len)?;
            let mut buf = vec![0u8; len as usize];
            for chunk in buf.chunks_mut(8) {
                let r = w.next_random().to_le_bytes();
                chunk.copy_from_slice(&r[..chunk.len()]);
            }
            c.write_memory(ptr, &buf)?;
            Ok(errno::SUCCESS)
        }),
        "sched_yield" => Ok(vec![Value::I32(errno::SUCCESS)]),
        _ => {
            w.warn_once(name);
            Ok(vec![Value::I32(errno::NOSYS)])
        }
    }
}

/// Defines every `wasi_snapshot_preview1` function in `store`, backed by `wasi`.
pub fn define(store: &mut Store, wasi: Wasi) -> Rc<RefCell<Wasi>> {
    let ctx = Rc::new(RefCell::new(wasi));
    for &(name, _) in FUNCTIONS {
        let Some(ty) = signature(name) else { continue };
        let ctx2 = ctx.clone();
        let f = store.host_func(ty, move |c, a| call(&ctx2, name, c, a));
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
            ExternType::Memory(m) => store.alloc_memory(m.min, m.max)?,
            ExternType::Table(t) => store.alloc_table(t.elem, t.min, t.max)?,
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
