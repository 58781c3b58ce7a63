//! The `wasmscope` command-line tool: `run`, `inspect` and `wast` subcommands.
//!
//! [`main`] parses the command line and returns the process exit code:
//!
//! * `0`: success;
//! * `1`: the module cannot be read, loaded, validated or instantiated, the function is
//!   unknown, its arguments are wrong, or a `.wast` script had failures;
//! * `2`: the command line itself is malformed (clap's usage errors);
//! * `134`: execution trapped (`trap: <message>` on stderr).

use crate::decode::{ExternKind, ExternType, Module};
use crate::error::Error;
use crate::exec::Call;
use crate::runtime::{Limits, Store};
use crate::value::{FuncType, Value};
use clap::{Args, Parser, Subcommand};
use std::fmt::Display;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// Exit code: success.
pub const EXIT_OK: i32 = 0;
/// Exit code: the module or the request is wrong.
pub const EXIT_ERROR: i32 = 1;
/// Exit code: execution trapped (what a process killed by `SIGABRT` reports).
pub const EXIT_TRAP: i32 = 134;

#[derive(Debug, Parser)]
#[command(name = "wasmscope", version, about = "A WebAssembly interpreter built for stepping")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run a function of a module (or its `_start`).
    Run(RunArgs),
    /// Describe a module: imports, exports, memories, tables, globals, functions, ... (with
    /// `--ir`: the code its functions are translated to).
    Inspect(InspectArgs),
    /// Run `.wast` spec-test scripts.
    Wast {
        /// The scripts to run.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

#[derive(Debug, Args)]
struct RunArgs {
    /// Trap with `out of fuel` after executing this many instructions (per call).
    #[arg(long, value_name = "N")]
    fuel: Option<u64>,
    /// Trap with `call stack exhausted` beyond this many nested calls.
    #[arg(long, value_name = "N")]
    max_stack_depth: Option<u32>,
    /// Most 64 KiB pages any memory may have (instantiation fails above it, `memory.grow`
    /// returns -1). Default: 65536, the wasm32 maximum.
    #[arg(long, value_name = "N")]
    max_pages: Option<u32>,
    /// Most bytes of live GC objects (structs and arrays, each counted as 16 bytes plus 8 a
    /// field or element): a number, optionally with a K, M or G suffix (powers of 1024:
    /// `64M`). An allocation beyond it, after a collection, traps `out of memory: the GC
    /// heap limit is reached`. Default: 1G.
    #[arg(long, value_name = "BYTES", value_parser = parse_bytes)]
    heap_limit: Option<usize>,
    /// When the call ends, print the GC's work to stderr: collections, objects freed, the
    /// objects (and bytes) still live, and the exception objects live.
    #[arg(long)]
    gc_stats: bool,
    /// Print every executed instruction to stderr: call depth, function, byte offset,
    /// instruction, and the value stack after it.
    #[arg(long)]
    trace: bool,
    /// WASI: print every WASI call to stderr as it returns, like strace: its arguments
    /// (paths as strings), its errno, and what it did (`# fd 4 (/in.txt) opened`).
    #[arg(long)]
    trace_wasi: bool,
    /// WASI: an environment variable for the program (repeatable).
    #[arg(long = "env", value_name = "KEY=VALUE")]
    env: Vec<String>,
    /// WASI: give the program the host directory HOST as the guest path GUEST (default: HOST
    /// as written), as wasmtime spells it: `--dir .`, `--dir out::/tmp` (repeatable). Nothing
    /// outside a given directory can be reached through it (cap-std).
    #[arg(long = "dir", value_name = "HOST[::GUEST]")]
    dirs: Vec<String>,
    /// WASI: read the program's stdin from FILE instead of this process's stdin.
    #[arg(long, value_name = "FILE")]
    stdin: Option<PathBuf>,
    /// WASI: reproducible runs: `random_get` seeded with N, and a fixed clock.
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
    /// Satisfy imports nothing provides with stubs that return zeros and log each call.
    #[arg(long)]
    stub_imports: bool,
    /// A `.wasm` binary or a `.wat` text module.
    file: PathBuf,
    /// The exported function to call. Without it, the module is instantiated and its
    /// `_start` export run if there is one; otherwise its exports are listed.
    function: Option<String>,
    /// Arguments: numbers read as the parameter types (`5`, `-0x10`, `-0.5`, `nan`,
    /// `-inf`, `1e+20`), optionally typed (`i32:5`); a v128 as lanes (`i32x4:1,2,3,4`,
    /// also i8x16, i16x8, i64x2, f32x4, f64x2) or as `0x` and 32 hexadecimal digits.
    #[arg(allow_hyphen_values = true, allow_negative_numbers = true, trailing_var_arg = true)]
    args: Vec<String>,
    /// WASI program arguments: what follows `--` when no FUNCTION is given
    /// (`wasmscope run prog.wasm -- a b`); argv[0] is FILE. Filled in by `main_with`.
    #[arg(skip)]
    argv: Vec<String>,
}

#[derive(Debug, Args)]
struct InspectArgs {
    /// Instead, list the internal code each defined function is translated to (after
    /// fusion): per instruction its pc, the byte offset of its wasm instruction, and the
    /// instruction, with branch targets as pcs.
    #[arg(long)]
    ir: bool,
    /// A `.wasm` binary or a `.wat` text module.
    file: PathBuf,
    /// With `--ir`, only this function: an export name, a `$name` from the name section, or
    /// a function index.
    #[arg(requires = "ir")]
    function: Option<String>,
}

/// A store with WASI (and, if asked, stubs for other missing imports) for `module`.
fn wasi_store(args: &RunArgs, module: &Module, limits: Limits) -> Result<Store, i32> {
    use crate::wasi::{self, Wasi};
    let mut store = Store::new(limits);
    let mut env = Vec::new();
    for kv in &args.env {
        match kv.split_once('=') {
            Some((k, v)) if !k.is_empty() => env.push((k.to_string(), v.to_string())),
            _ => return Err(error(format_args!("--env needs KEY=VALUE, got `{kv}`"))),
        }
    }
    let input: wasi::InputSource = match &args.stdin {
        Some(path) => Wasi::input_from(read(path)?),
        None => Box::new(|buf| std::io::Read::read(&mut std::io::stdin().lock(), buf)),
    };
    let output = || -> wasi::OutputSink {
        Box::new(|fd, bytes| {
            // Flushed per write, so output interleaves correctly with a trap message.
            if fd == 1 {
                let mut o = std::io::stdout().lock();
                let _ = o.write_all(bytes).and_then(|_| o.flush());
            } else {
                let mut e = std::io::stderr().lock();
                let _ = e.write_all(bytes).and_then(|_| e.flush());
            }
        })
    };
    let (clock, seed): (wasi::ClockSource, u64) = match args.seed {
        Some(seed) => (Wasi::fixed_clock(), seed),
        None => {
            let start = std::time::Instant::now();
            let clock = Box::new(move |id| match id {
                0 => std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_nanos() as u64),
                _ => start.elapsed().as_nanos() as u64,
            });
            let seed = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0x5eed, |d| d.as_nanos() as u64 ^ std::process::id() as u64);
            (clock, seed)
        }
    };
    let mut argv = vec![args.file.display().to_string()];
    argv.extend(args.argv.iter().cloned());
    let mut w = Wasi::new(argv, env, output(), input, clock, seed);
    for spec in &args.dirs {
        let (host, guest) = spec.split_once("::").unwrap_or((spec, spec));
        if host.is_empty() || guest.is_empty() {
            return Err(error(format_args!("--dir needs HOST or HOST::GUEST, got `{spec}`")));
        }
        match wasi::host::open_dir(Path::new(host)) {
            Ok(dir) => w.preopen(guest, dir),
            Err(e) => return Err(error(format_args!("cannot open --dir {host}: {e}"))),
        };
    }
    if args.trace_wasi {
        w.set_tracer(Box::new(|line| eprintln!("wasi: {line}")));
    }
    wasi::define(&mut store, w);
    if args.stub_imports {
        let log = std::rc::Rc::new(std::cell::RefCell::new(output()));
        if let Err(e) = wasi::stub_missing_imports(&mut store, module, log) {
            return Err(report("cannot stub imports", &e));
        }
    }
    Ok(store)
}

/// Runs the tool with the process's command line; returns the exit code.
pub fn main() -> i32 {
    main_with(std::env::args_os())
}

/// Runs the tool with the given command line (program name first); returns the exit
/// code. Output goes to the process's stdout and stderr.
pub fn main_with<I, T>(args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    // Everything after the first `--` is set aside: for `run FILE -- ARGS` it is the WASI
    // program's argv; after a FUNCTION it is more function arguments.
    let mut args: Vec<std::ffi::OsString> = args.into_iter().map(Into::into).collect();
    let rest = match args.iter().position(|a| a == "--") {
        Some(i) => args.split_off(i).into_iter().skip(1).map(|a| a.to_string_lossy().into_owned()).collect(),
        None => Vec::new(),
    };
    let mut cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return e.exit_code();
        }
    };
    if let Command::Run(run) = &mut cli.command {
        if run.function.is_some() {
            run.args.extend(rest);
        } else {
            run.argv = rest;
        }
    }
    match cli.command {
        Command::Run(args) => run(&args),
        Command::Inspect(args) if args.ir => inspect_ir(&args.file, args.function.as_deref()),
        Command::Inspect(args) => inspect(&args.file),
        Command::Wast { files } => wast(&files),
    }
}

// ---- output helpers: a closed stdout or stderr must not panic ----

fn out(line: impl Display) {
    let _ = writeln!(std::io::stdout().lock(), "{line}");
}

fn error(message: impl Display) -> i32 {
    let _ = writeln!(std::io::stderr().lock(), "error: {message}");
    EXIT_ERROR
}

fn trap(message: impl Display) -> i32 {
    let _ = writeln!(std::io::stderr().lock(), "trap: {message}");
    EXIT_TRAP
}

/// Reports an error from the library: a WASI exit exits with its status, traps exit
/// 134, everything else 1.
fn report(context: &str, e: &Error) -> i32 {
    match e {
        Error::Trap(t) if t.exit_code().is_some() => t.exit_code().unwrap_or(EXIT_ERROR),
        Error::Trap(t) => trap(t),
        _ if context.is_empty() => error(e),
        _ => error(format_args!("{context}: {e}")),
    }
}

fn read(path: &Path) -> Result<Vec<u8>, i32> {
    std::fs::read(path).map_err(|e| error(format_args!("cannot read {}: {e}", path.display())))
}

fn load(path: &Path) -> Result<Module, i32> {
    let bytes = read(path)?;
    crate::decode::into_binary_named(bytes, Some(path))
        .and_then(Module::from_binary)
        .map_err(|e| error(format_args!("cannot load {}: {e}", path.display())))
}

/// `--heap-limit`'s value: a byte count, optionally with a K, M or G suffix (powers of 1024).
fn parse_bytes(text: &str) -> Result<usize, String> {
    let t = text.trim();
    let (digits, unit) = match t.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => match c.to_ascii_uppercase() {
            'K' => (&t[..i], 1usize << 10),
            'M' => (&t[..i], 1 << 20),
            'G' => (&t[..i], 1 << 30),
            _ => return Err(format!("`{text}`: the suffix must be K, M or G")),
        },
        _ => (t, 1),
    };
    let n: usize =
        digits.parse().map_err(|_| format!("`{text}` is not a byte count (such as 1048576, 512K, 64M, 2G)"))?;
    n.checked_mul(unit).ok_or_else(|| format!("`{text}` is too large"))
}

// ---- run ----

fn run(args: &RunArgs) -> i32 {
    let module = match load(&args.file) {
        Ok(m) => Rc::new(m),
        Err(code) => return code,
    };
    let mut limits = Limits::default();
    if let Some(fuel) = args.fuel {
        limits.fuel = Some(fuel);
    }
    if let Some(depth) = args.max_stack_depth {
        limits.max_call_depth = depth;
    }
    if let Some(pages) = args.max_pages {
        limits.max_memory_pages = pages;
    }
    if let Some(bytes) = args.heap_limit {
        limits.max_heap_bytes = bytes;
    }

    // Everything that can be checked without running anything is checked first, so a
    // mistyped name or argument does not run the start function.
    if let Some(option) = args.args.iter().find(|a| a.starts_with("--") && a[2..].starts_with(char::is_alphabetic)) {
        return error(format_args!("`{option}` after FUNCTION would be a function argument; put options before FILE"));
    }
    let call = match &args.function {
        Some(name) => match prepare_call(&module, name, &args.args) {
            Ok(values) => Some((name.as_str(), values)),
            Err(message) => return error(message),
        },
        None => None,
    };

    let mut store = match wasi_store(args, &module, limits) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let instance = match store.instantiate(module.clone()) {
        Ok(i) => i,
        Err(e) => return report("cannot instantiate module", &e),
    };

    let (name, values) = match call {
        Some(call) => call,
        None => match module.export("_start") {
            Some(e) if e.kind == ExternKind::Func => match prepare_call(&module, "_start", &[]) {
                Ok(values) => ("_start", values),
                Err(message) => return error(message),
            },
            _ => {
                print_exports(&module);
                return EXIT_OK;
            }
        },
    };
    if args.trace {
        return trace_call(store, instance, name, &values);
    }
    let result = store.invoke(instance, name, &values);
    if args.gc_stats {
        let (collections, freed) = store.heap.collections();
        let (live, bytes) = (store.heap.live(), store.heap.bytes());
        let (exns, slots) = store.exception_count();
        let _ = writeln!(
            std::io::stderr().lock(),
            "gc: {collections} collections, {freed} objects freed; {live} objects ({bytes} bytes) live; \
             {exns} exceptions live (in {slots} slots)"
        );
    }
    match result {
        Ok(results) => {
            for r in results {
                out(crate::debug::typed_text_in(&store, instance, &r));
            }
            EXIT_OK
        }
        Err(e) => report("", &e),
    }
}

/// Runs a call one instruction at a time, printing each to stderr as it goes.
fn trace_call(store: Store, instance: crate::runtime::InstanceId, name: &str, values: &[Value]) -> i32 {
    use crate::debug::{Config, Session, StopReason};
    let fuel = store.limits.fuel.unwrap_or(u64::MAX);
    let mut session = Session::new(store, instance, Config { history_steps: 0, history_bytes: 0 });
    if let Err(e) = session.start(name, values) {
        return report("", &e);
    }
    let mut err = std::io::BufWriter::new(std::io::stderr().lock());
    loop {
        if session.executed() >= fuel {
            let _ = err.flush();
            return trap(crate::trap::TrapCode::OutOfFuel.message());
        }
        let depth = session.depth();
        let at = session.position();
        // A throw's tag, payload and handler, before it runs.
        let thrown = session_throw(&at).and_then(|_| session.pending_exception());
        let stop = session.step_into();
        let stack = match &stop {
            StopReason::Finished(v) => v.clone(),
            _ if session.depth() > 0 => {
                let top = session.depth() - 1;
                session.frame(top).map(|f| f.operands.iter().map(|o| o.value).collect()).unwrap_or_default()
            }
            _ => Vec::new(),
        };
        if let Some(at) = &at
            && !matches!(stop, StopReason::Trapped(_))
        {
            let stack: Vec<String> = stack.iter().map(|v| session.typed_text(v)).collect();
            let _ =
                writeln!(err, "{depth:>3} {}@{:#06x}  {:<28} [{}]", at.func_name, at.offset, at.text, stack.join(", "));
        }
        // A throw: where it lands (the handler's position), or that nothing catches it.
        if let Some(at) = session_throw(&at) {
            let what = thrown.as_ref().map_or(String::new(), |e| {
                let payload: Vec<String> = e.payload.iter().map(|v| v.to_string()).collect();
                let by = e.handler.as_ref().map_or(String::new(), |h| format!(", by {} in {}", h.clause, h.func_name));
                format!("; exception {} with payload [{}]{by}", e.tag_name, payload.join(", "))
            });
            match &stop {
                StopReason::Trapped(t) if t.code == crate::trap::TrapCode::UncaughtException => {
                    let _ =
                        writeln!(err, "    {} thrown at {}@{:#06x}: uncaught{what}", at.text, at.func_name, at.offset);
                }
                StopReason::Trapped(_) => {}
                _ => match session.position() {
                    Some(to) => {
                        let _ = writeln!(
                            err,
                            "    caught: lands at {}@{:#06x} (depth {}), {}{what}",
                            to.func_name,
                            to.offset,
                            session.depth(),
                            to.text
                        );
                    }
                    None => {
                        let _ = writeln!(err, "    caught: the call returns{what}");
                    }
                },
            }
        }
        match stop {
            StopReason::Finished(results) => {
                let _ = err.flush();
                for r in results {
                    out(session.typed_text(&r));
                }
                return EXIT_OK;
            }
            StopReason::Trapped(t) => {
                let _ = err.flush();
                return trap(t);
            }
            StopReason::Exited(status) => {
                let _ = err.flush();
                return status;
            }
            _ => {}
        }
    }
}

/// The position, if its instruction is one that throws (`throw`, `throw_ref`, `rethrow`).
fn session_throw(at: &Option<crate::debug::Position>) -> Option<&crate::debug::Position> {
    at.as_ref().filter(|p| matches!(p.text.split_whitespace().next(), Some("throw" | "throw_ref" | "rethrow")))
}

fn print_exports(module: &Module) {
    if module.exports.is_empty() {
        out("no `_start` function and no exports");
        return;
    }
    out("no `_start` function; exports:");
    print_table(&export_rows(module));
}

fn signature(ty: &FuncType) -> String {
    format!("its signature is func {ty}")
}

/// Finds the exported function `name` and parses `args` by its parameter types.
fn prepare_call(module: &Module, name: &str, args: &[String]) -> Result<Vec<Value>, String> {
    let Some(export) = module.export(name) else {
        let funcs: Vec<&str> =
            module.exports.iter().filter(|e| e.kind == ExternKind::Func).map(|e| e.name.as_str()).collect();
        let hint = if funcs.is_empty() {
            "the module exports no functions".to_string()
        } else {
            format!("exported functions: {}", funcs.join(", "))
        };
        return Err(format!("unknown function `{name}` ({hint})"));
    };
    let ty = match module.export_type(export) {
        Some(ExternType::Func(ty)) => ty,
        Some(other) => return Err(format!("export `{name}` is not a function but a {}", other.kind())),
        None => return Err(format!("export `{name}` has no type")),
    };
    if args.len() != ty.params.len() {
        let n = ty.params.len();
        return Err(format!(
            "`{name}` expects {n} argument{}, got {}; {}",
            if n == 1 { "" } else { "s" },
            args.len(),
            signature(&ty)
        ));
    }
    args.iter()
        .zip(&ty.params)
        .enumerate()
        .map(|(i, (arg, &param))| {
            parse_arg(arg, param)
                .map_err(|why| format!("argument {} of `{name}` (`{arg}`): {why}; {}", i + 1, signature(&ty)))
        })
        .collect()
}

pub use crate::value::parse_arg;

// ---- inspect ----

/// Prints rows of cells, indented, each column padded to its widest cell (the last
/// cell of a row is not padded, so lines have no trailing spaces).
fn print_table(rows: &[Vec<String>]) {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| rows.iter().filter_map(|r| r.get(c)).map(|s| s.chars().count()).max().unwrap_or(0))
        .collect();
    for row in rows {
        // Empty trailing cells add nothing, not even padding.
        let used = row.iter().rposition(|c| !c.is_empty()).map_or(0, |i| i + 1);
        let mut line = String::from(" ");
        for (i, cell) in row[..used].iter().enumerate() {
            line.push(' ');
            if i + 1 == used {
                line.push_str(cell);
            } else {
                line.push_str(&format!("{cell:<w$} ", w = widths[i]));
            }
        }
        out(line);
    }
}

fn section(title: &str, rows: &[Vec<String>]) {
    if rows.is_empty() {
        out(format_args!("{title}: none"));
    } else {
        out(format_args!("{title} ({}):", rows.len()));
        print_table(rows);
    }
}

fn export_rows(m: &Module) -> Vec<Vec<String>> {
    m.exports
        .iter()
        .map(|e| vec![e.name.clone(), m.export_type(e).map_or_else(|| "?".to_string(), |t| t.to_string())])
        .collect()
}

fn inspect(path: &Path) -> i32 {
    let module = match load(path) {
        Ok(m) => m,
        Err(code) => return code,
    };
    let m = &module;

    // Where the imported items of a kind come from, by index in that kind's index space.
    let imported = |kind: &str| -> Vec<String> {
        m.imports.iter().filter(|i| i.ty.kind() == kind).map(|i| format!("imported {}.{}", i.module, i.name)).collect()
    };
    let origin = |from: &[String], i: usize| from.get(i).cloned().unwrap_or_default();

    out(format_args!("module: {}", path.display()));
    if let Some(name) = &m.names.module {
        out(format_args!("name: {name}"));
    }

    let imports: Vec<_> =
        m.imports.iter().map(|i| vec![format!("{}.{}", i.module, i.name), i.ty.to_string()]).collect();
    section("imports", &imports);
    section("exports", &export_rows(m));

    let from = imported("memory");
    let memories: Vec<_> = m
        .memories
        .iter()
        .enumerate()
        .map(|(i, &t)| vec![i.to_string(), ExternType::Memory(t).to_string(), origin(&from, i)])
        .collect();
    section("memories", &memories);

    let from = imported("table");
    let tables: Vec<_> = m
        .tables
        .iter()
        .enumerate()
        .map(|(i, &t)| vec![i.to_string(), ExternType::Table(t).to_string(), origin(&from, i)])
        .collect();
    section("tables", &tables);

    let from = imported("global");
    let globals: Vec<_> = m
        .globals
        .iter()
        .enumerate()
        .map(|(i, t)| {
            vec![
                i.to_string(),
                t.ty.to_string(),
                if t.mutable { "mutable" } else { "immutable" }.to_string(),
                m.names.globals.get(&(i as u32)).map_or_else(String::new, |n| format!("${n}")),
                origin(&from, i),
            ]
        })
        .collect();
    section("globals", &globals);

    let total = m.funcs.len();
    let imported_funcs = m.num_imported_funcs as usize;
    out(format_args!(
        "functions: {total} ({imported_funcs} imported, {} defined)",
        total.saturating_sub(imported_funcs)
    ));
    out(format_args!("types: {}", m.types.len()));
    match m.start {
        Some(s) => out(format_args!("start: func {s} ({})", m.display_func_name(s))),
        None => out("start: none"),
    }
    out(format_args!("element segments: {}", m.elems.len()));
    out(format_args!("data segments: {}", m.datas.len()));

    let customs: Vec<_> = m
        .customs
        .iter()
        .map(|(name, size)| vec![name.clone(), format!("{size} byte{}", if *size == 1 { "" } else { "s" })])
        .collect();
    section("custom sections", &customs);
    EXIT_OK
}

// ---- inspect --ir ----

/// How each function is known: `$fac`, `(export "fac")`, `(import "env" "log")`, as many as
/// apply (none if it has no name at all), by function index.
fn func_labels(m: &Module) -> Vec<Vec<String>> {
    let mut labels: Vec<Vec<String>> = vec![Vec::new(); m.funcs.len()];
    for (index, l) in labels.iter_mut().enumerate() {
        if let Some(n) = m.func_name(index as u32) {
            l.push(format!("${n}"));
        }
    }
    let mut exports: Vec<Vec<String>> = vec![Vec::new(); m.funcs.len()];
    for e in m.exports.iter().filter(|e| e.kind == ExternKind::Func) {
        if let Some(x) = exports.get_mut(e.index as usize) {
            x.push(format!("{:?}", e.name));
        }
    }
    for (l, x) in labels.iter_mut().zip(exports) {
        if !x.is_empty() {
            l.push(format!("(export {})", x.join(", ")));
        }
    }
    for (l, i) in labels.iter_mut().zip(m.imports.iter().filter(|i| i.ty.kind() == "func")) {
        l.push(format!("(import {:?} {:?})", i.module, i.name));
    }
    labels
}

fn label(labels: &[Vec<String>], index: u32) -> String {
    labels.get(index as usize).map_or_else(String::new, |l| l.join(" "))
}

/// The index of the function `name` designates: an export name, `$name` from the name
/// section, or an index.
fn find_function(m: &Module, labels: &[Vec<String>], name: &str) -> Result<u32, String> {
    let total = m.funcs.len() as u32;
    let index = if let Some(e) = m.export(name) {
        if e.kind != ExternKind::Func {
            let kind = m.export_type(e).map_or("?", |t| t.kind());
            return Err(format!("export `{name}` is not a function but a {kind}"));
        }
        e.index
    } else if let Some(n) = name.strip_prefix('$')
        && let Some(&i) = m.names.funcs.iter().filter(|(_, v)| v.as_str() == n).map(|(i, _)| i).min()
    {
        i
    } else if let Ok(i) = name.parse::<u32>()
        && i < total
    {
        i
    } else {
        let hint = if total == 0 {
            "the module has no functions".to_string()
        } else {
            format!("give an export name, a `$name` from the name section, or an index below {total}")
        };
        return Err(format!("unknown function `{name}` ({hint})"));
    };
    if index < m.num_imported_funcs {
        return Err(format!("function {index} ({}) is imported: it has no code", label(labels, index)));
    }
    Ok(index)
}

fn inspect_ir(path: &Path, function: Option<&str>) -> i32 {
    let module = match load(path) {
        Ok(m) => m,
        Err(code) => return code,
    };
    let m = &module;
    let labels = func_labels(m);
    let indices: Vec<u32> = match function {
        Some(name) => match find_function(m, &labels, name) {
            Ok(i) => vec![i],
            Err(message) => return error(message),
        },
        None => (m.num_imported_funcs..m.funcs.len() as u32).collect(),
    };
    // A callee by its first label: `$fac`, else its export or import.
    let call_name = |f: u32| labels.get(f as usize).and_then(|l| l.first()).cloned();
    let mut text = String::new();
    for (k, &index) in indices.iter().enumerate() {
        let code = match crate::translate::translate(m, index - m.num_imported_funcs) {
            Ok(code) => code,
            Err(e) => return error(format_args!("cannot translate function {index}: {e}")),
        };
        if k > 0 {
            text.push('\n');
        }
        text.push_str(&crate::ir_dump::header(index, &label(&labels, index), &code));
        text.push('\n');
        text.push_str(&crate::ir_dump::dump_code(&code, &call_name));
    }
    if indices.is_empty() {
        text.push_str("no defined functions\n");
    }
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    EXIT_OK
}

// ---- wast ----

fn wast(files: &[PathBuf]) -> i32 {
    let (mut passed, mut failed, mut unreadable) = (0, 0, false);
    for path in files {
        let text = match std::fs::read(path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(t) => t,
                Err(e) => {
                    error(format_args!("cannot read {}: not UTF-8 text: {e}", path.display()));
                    unreadable = true;
                    continue;
                }
            },
            Err(e) => {
                error(format_args!("cannot read {}: {e}", path.display()));
                unreadable = true;
                continue;
            }
        };
        let name = path.display().to_string();
        let report = crate::wast::run_script(&name, &text, Limits::default());
        out(format_args!("{name}: {} passed, {} failed", report.passed, report.failed));
        for f in &report.failures {
            out(format_args!("  {name}:{}: {}", f.line, f.message));
        }
        passed += report.passed;
        failed += report.failed;
    }
    out(format_args!("{passed} passed, {failed} failed"));
    if failed > 0 || unreadable { EXIT_ERROR } else { EXIT_OK }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::ValType;

    #[test]
    fn parses_numbers_by_type() {
        let p = |s: &str, t| parse_arg(s, t).map(|v| v.to_string());
        assert_eq!(p("5", ValType::I32).unwrap(), "i32:5");
        assert_eq!(p("-5", ValType::I32).unwrap(), "i32:-5");
        assert_eq!(p("0xff", ValType::I32).unwrap(), "i32:255");
        assert_eq!(p("-0x10", ValType::I64).unwrap(), "i64:-16");
        assert_eq!(p("4294967295", ValType::I32).unwrap(), "i32:-1");
        assert_eq!(p("18446744073709551615", ValType::I64).unwrap(), "i64:-1");
        assert!(p("4294967296", ValType::I32).is_err());
        assert!(p("-2147483649", ValType::I32).is_err());
        assert_eq!(p("i32:5", ValType::I32).unwrap(), "i32:5");
        assert!(p("i64:5", ValType::I32).is_err());
        assert_eq!(p("-0.5", ValType::F64).unwrap(), "f64:-0.5");
        assert_eq!(p("-0.0", ValType::F32).unwrap(), "f32:-0.0");
        assert_eq!(p("1e+20", ValType::F64).unwrap(), "f64:1e20");
        assert_eq!(p("nan", ValType::F32).unwrap(), "f32:nan");
        assert_eq!(p("-inf", ValType::F64).unwrap(), "f64:-inf");
        assert_eq!(p("inf", ValType::F64).unwrap(), "f64:inf");
        assert_eq!(p("3", ValType::F64).unwrap(), "f64:3.0");
        assert!(p("abc", ValType::I32).is_err());
        assert!(p("1.5", ValType::I32).is_err());
        assert!(p("5 ;; x", ValType::I32).is_err());
        assert!(p("", ValType::I32).is_err());
        assert_eq!(p("null", ValType::FuncRef).unwrap(), "funcref:null");
        assert_eq!(p("7", ValType::ExternRef).unwrap(), "externref:7");
    }
}
