//! The wasm-bindgen layer: a thin translation of the debugger [`Session`] into a JS class.
//! This is the only place that knows about JS: it turns [`Snapshot`]-like data into plain
//! objects (via serde) and every error into a JS `Error` carrying the CLI's message.

use crate::debug::{Config, FrameView, PauseOnExceptions, Session, StopReason, Unwinding};
use crate::decode::{ExternKind, Module};
use crate::exec::Call;
use crate::runtime::{Limits, Store};
use crate::value::{Value, parse_arg};
use crate::wasi::fs::{Dir, Errno, File, FileType, OpenOptions, Opened};
use crate::wasi::memfs::MemFs;
use crate::wasi::{self, Wasi};
use serde::Serialize;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;

mod heap;

/// The page's limits: memories up to 1 GiB.
fn page_limits() -> Limits {
    Limits { max_memory_pages: 16384, ..Limits::default() }
}

fn err(e: impl std::fmt::Display) -> JsError {
    JsError::new(&e.to_string())
}

fn to_js<T: Serialize>(v: &T) -> Result<JsValue, JsError> {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).map_err(err)
}

/// Items as a JS array, made a chunk of items at a time: each chunk serialised to one JSON
/// text and parsed by the JS engine. For a module's 100,000 functions this takes a tenth of
/// the time serde-wasm-bindgen's object-by-object building does (1.6 s for clang's 127,847),
/// and only one chunk's text is in wasm memory at a time (the whole list's would grow it,
/// for good, by 25 MB).
fn json_array<T: Serialize>(items: impl Iterator<Item = T>) -> Result<js_sys::Array, JsError> {
    const CHUNK: usize = 4096;
    let out = js_sys::Array::new();
    let mut items = items.peekable();
    let mut text = Vec::new();
    while items.peek().is_some() {
        let chunk: Vec<T> = items.by_ref().take(CHUNK).collect();
        text.clear();
        serde_json::to_writer(&mut text, &chunk).map_err(err)?;
        let text = std::str::from_utf8(&text).map_err(err)?;
        let parsed = js_sys::JSON::parse(text).map_err(|_| err("a summary list is not JSON"))?;
        for v in js_sys::Array::from(&parsed).iter() {
            out.push(&v);
        }
    }
    Ok(out)
}

/// A value as `{ type: "i32", value: "42" }` (strings keep i64s and NaN payloads exact); a
/// v128 as `{ type: "v128", value: "i32x4:[1, 2, 3, 4]", bits: "0x0000000400000003..." }`
/// (`bits`, the 128 bits in hexadecimal, for the page to show other lane shapes with
/// [`v128_text`]).
#[derive(Serialize)]
struct TypedValue {
    #[serde(rename = "type")]
    ty: &'static str,
    value: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    bits: Option<String>,
    /// A GC reference to a heap object: its slot, to expand it (`Playground.object`); its
    /// `value` is then the handle form, `(ref $node) #17` (`debug::heap_view`).
    #[serde(skip_serializing_if = "Option::is_none")]
    handle: Option<u32>,
}

/// A value as [`TypedValue`], GC references in the handle form (`(ref $node) #17`,
/// `(ref i31) 42`) with their heap slot.
fn typed(s: &Session, v: &Value) -> TypedValue {
    let mut t = TypedValue::from(v);
    if matches!(v, Value::AnyRef(_) | Value::ExternAny(_)) {
        t.value = s.value_text(v);
        t.handle = s.handle_of(v);
    }
    t
}

impl From<&Value> for TypedValue {
    fn from(v: &Value) -> Self {
        let text = v.to_string();
        let value = text.split_once(':').map_or(text.clone(), |(_, v)| v.to_string());
        let bits = v.as_u128().and_then(|b| crate::value::v128_text(b, "hex"));
        TypedValue { ty: v.ty().name(), value, bits, handle: None }
    }
}

/// A v128 given as its `bits` (`0x` and hexadecimal digits, as in a value's `bits`) shown as
/// lanes of `shape` (`i8x16`, `i16x8`, `i32x4`, `i64x2`, `f32x4`, `f64x2`, or `hex`):
/// `"i16x8:[1, 0, 2, 0, 3, 0, 4, 0]"`; `undefined` for bad input.
#[wasm_bindgen(js_name = v128Text)]
pub fn v128_text(bits: &str, shape: &str) -> Option<String> {
    let v = u128::from_str_radix(bits.strip_prefix("0x")?, 16).ok()?;
    crate::value::v128_text(v, shape)
}

/// Why `text` is not an argument of type `ty` (`i32`, `i64`, `f32`, `f64`, `v128`, `funcref`,
/// `externref`), in the CLI's words; `undefined` when it is one. The page checks its argument
/// boxes with it, so they take exactly what `wasmscope run` takes.
#[wasm_bindgen(js_name = argError)]
pub fn arg_error(text: &str, ty: &str) -> Option<String> {
    use crate::value::ValType;
    let types =
        [ValType::I32, ValType::I64, ValType::F32, ValType::F64, ValType::V128, ValType::FuncRef, ValType::ExternRef];
    if ty == "anyref" {
        // `null` or a handle (`(ref $node) #17`, `#17`, `(ref i31) 42`); `start` checks that
        // the object lives and has the parameter's type.
        let t = text.trim();
        let t = t.strip_prefix("anyref:").unwrap_or(t);
        return match t.trim() == "null" || crate::debug::parse_handle(t).is_some() {
            true => None,
            false => Some("expected anyref: `null` or a handle such as `#17` or `(ref $node) #17`".into()),
        };
    }
    let Some(t) = types.into_iter().find(|t| t.name() == ty) else {
        return Some(format!("unknown type `{ty}`"));
    };
    parse_arg(text.trim(), t).err()
}

fn values(v: &[Value]) -> Vec<TypedValue> {
    v.iter().map(TypedValue::from).collect()
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FuncSummary {
    index: u32,
    name: String,
    params: Vec<&'static str>,
    /// Parameter names from the name section (`null` where there is none).
    param_names: Vec<Option<String>>,
    results: Vec<&'static str>,
    signature: String,
    imported: bool,
    exported: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ImportSummary {
    module: String,
    name: String,
    kind: &'static str,
    #[serde(rename = "type")]
    ty: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ExportSummary {
    name: String,
    kind: &'static str,
    index: u32,
    #[serde(rename = "type")]
    ty: String,
}

/// The summary but its lists (`imports`, `exports`, `functions`: see [`json_array`]).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Summary {
    memories: usize,
    tables: usize,
    globals: usize,
    custom_sections: Vec<(String, usize)>,
    size: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Watch {
    watchpoint: u32,
    memory: u32,
    addr: f64,
    width: u32,
    old: Vec<u8>,
    new: Vec<u8>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Stop {
    /// started | step | breakpoint | watchpoint | finished | exited | trapped | budget |
    /// host-pause | history-start | ready
    kind: &'static str,
    exit_code: Option<i32>,
    breakpoint: Option<u32>,
    watch: Option<Watch>,
    results: Option<Vec<TypedValue>>,
    trap: Option<String>,
    /// Byte offset of the trapping instruction, when known.
    trap_offset: Option<u32>,
    /// For `host-pause` in a WASI sleep (`poll_oneoff`): how long the program asked to
    /// sleep, in milliseconds. The page waits that long, then goes on.
    sleep_ms: Option<f64>,
    /// For `exception` (paused on a throw, `setPauseOnExceptions`): what is thrown and
    /// where it lands.
    exception: Option<ExceptionInfo>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ExceptionInfo {
    /// `throw`, `throw_ref` or `rethrow`.
    instr: &'static str,
    tag: u32,
    /// `$e`, `export "e"`, or `tag 0`.
    tag_name: String,
    payload: Vec<TypedValue>,
    caught: bool,
    handler: Option<HandlerInfo>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct HandlerInfo {
    /// The catching frame's index in `frames` (0 the outermost).
    frame: usize,
    func: u32,
    func_name: String,
    /// Byte offset where the handler lands (the function's `end` when `returns`).
    offset: u32,
    returns: bool,
    /// `catch $e`, `catch_ref $e`, `catch_all`, `catch_all_ref`.
    clause: String,
}

impl From<&StopReason> for Stop {
    fn from(s: &StopReason) -> Self {
        let mut stop = Stop {
            kind: "step",
            exit_code: None,
            breakpoint: None,
            watch: None,
            results: None,
            trap: None,
            trap_offset: None,
            sleep_ms: None,
            exception: None,
        };
        match s {
            StopReason::Ready => stop.kind = "ready",
            StopReason::Started => stop.kind = "started",
            StopReason::Step => {}
            StopReason::Breakpoint(id) => {
                stop.kind = "breakpoint";
                stop.breakpoint = Some(*id);
            }
            StopReason::Watchpoint(h) => {
                stop.kind = "watchpoint";
                stop.watch = Some(Watch {
                    watchpoint: h.watchpoint,
                    memory: h.memory,
                    addr: h.addr as f64,
                    width: h.width,
                    old: h.old.clone(),
                    new: h.new.clone(),
                });
            }
            StopReason::Finished(v) => {
                stop.kind = "finished";
                stop.results = Some(values(v));
            }
            StopReason::Exited(status) => {
                stop.kind = "exited";
                stop.exit_code = Some(*status);
            }
            StopReason::Trapped(t) => {
                stop.kind = "trapped";
                stop.trap = Some(t.to_string());
                stop.trap_offset = t.offset;
            }
            StopReason::Budget => stop.kind = "budget",
            StopReason::HostPause => stop.kind = "host-pause",
            StopReason::HistoryStart => stop.kind = "history-start",
            StopReason::Exception(e) => {
                stop.kind = "exception";
                stop.exception = Some(ExceptionInfo {
                    instr: e.kind.text(),
                    tag: e.tag,
                    tag_name: e.tag_name.clone(),
                    payload: values(&e.payload),
                    caught: e.caught,
                    handler: e.handler.as_ref().map(|h| HandlerInfo {
                        frame: h.frame,
                        func: h.func,
                        func_name: h.func_name.clone(),
                        offset: h.offset,
                        returns: h.returns,
                        clause: h.clause.clone(),
                    }),
                });
            }
        }
        stop
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Position {
    func: u32,
    func_name: String,
    offset: u32,
    line: usize,
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Local {
    index: u32,
    name: Option<String>,
    #[serde(flatten)]
    value: TypedValue,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Operand {
    block: u32,
    #[serde(flatten)]
    value: TypedValue,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Frame {
    #[serde(flatten)]
    position: Position,
    /// `true` when locals and operands were left out (a frame deep inside a long call
    /// stack); `frame(k)` has them.
    elided: bool,
    locals: Vec<Local>,
    operands: Vec<Operand>,
    /// While paused on a throw: `unwound` (the throw pops this frame) or `catches` (its
    /// handler catches); otherwise absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    unwinding: Option<&'static str>,
}

fn unwinding_text(u: Option<Unwinding>) -> Option<&'static str> {
    u.map(|u| match u {
        Unwinding::Unwound => "unwound",
        Unwinding::Catches => "catches",
    })
}

impl From<crate::debug::Position> for Position {
    fn from(p: crate::debug::Position) -> Self {
        Position { func: p.func, func_name: p.func_name, offset: p.offset, line: p.line, text: p.text }
    }
}

impl Frame {
    fn new(s: &Session, f: FrameView) -> Self {
        Frame {
            position: f.position.into(),
            elided: false,
            locals: f
                .locals
                .iter()
                .map(|l| Local { index: l.index, name: l.name.clone(), value: typed(s, &l.value) })
                .collect(),
            operands: f.operands.iter().map(|o| Operand { block: o.block, value: typed(s, &o.value) }).collect(),
            unwinding: unwinding_text(f.unwinding),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Global {
    index: u32,
    name: Option<String>,
    mutable: bool,
    /// The declared type's text (`(ref null 0)`; `type` is the value's, `funcref`).
    declared: String,
    #[serde(flatten)]
    value: TypedValue,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Table {
    index: u32,
    elem: String,
    size: u32,
    entries: Vec<TypedValue>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Write {
    /// The address (a JS number: exact below 2^53).
    addr: f64,
    len: u32,
    /// The memory written (index in the instance; 0 unless multi-memory).
    memory: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Breakpoint {
    id: u32,
    func: u32,
    offset: u32,
    hit_count: Option<f64>,
    hits: f64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Watchpoint {
    id: u32,
    memory: u32,
    addr: f64,
    len: f64,
}

/// One memory of the instance (`Playground::memories`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MemoryInfo {
    index: u32,
    /// The name-section name, if any.
    name: Option<String>,
    pages: f64,
    bytes: f64,
    page_size: f64,
    max: Option<f64>,
    memory64: bool,
    shared: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct State {
    /// ready | paused | finished | trapped
    status: &'static str,
    stop: Stop,
    /// Frames, outermost first.
    frames: Vec<Frame>,
    globals: Vec<Global>,
    /// Memory 0's size in pages (of its page size: 64 KiB unless custom-page-sizes).
    memory_pages: Option<f64>,
    /// Memory 0's size in bytes.
    memory_bytes: Option<f64>,
    /// Bytes written by the last step, in every memory (`memory` says which).
    last_writes: Vec<Write>,
    /// What the last step back went over but could not undo (output, files, stdin).
    not_rewound: Vec<String>,
    tables: Vec<Table>,
    executed: f64,
    depth: usize,
    history: usize,
    breakpoints: Vec<Breakpoint>,
    watchpoints: Vec<Watchpoint>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Disassembly {
    index: u32,
    name: String,
    lines: Vec<Line>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Line {
    offset: u32,
    depth: u32,
    text: String,
}

/// Program output not yet taken by the page: `(fd, bytes)`.
type Output = Rc<RefCell<Vec<(u32, Vec<u8>)>>>;

/// WASI settings the page controls.
#[derive(Clone, Default)]
struct WasiSettings {
    args: Vec<String>,
    env: Vec<(String, String)>,
    stdin: String,
    seed: Option<u64>,
}

/// Frames with full detail for the innermost `DETAILED` and the outermost 3; the others
/// with their position only, so deep recursion stays cheap to show.
const DETAILED: usize = 100;

fn frames(s: &mut Session) -> Vec<Frame> {
    let n = s.depth();
    (0..n)
        .filter_map(|k| {
            if k < 3 || k + DETAILED >= n {
                s.frame(k).map(|f| Frame::new(s, f))
            } else {
                s.frame_position(k).map(|p| Frame {
                    position: p.into(),
                    elided: true,
                    locals: Vec::new(),
                    operands: Vec::new(),
                    unwinding: unwinding_text(s.unwinding(k)),
                })
            }
        })
        .collect()
}

/// A loaded module and a debugging session over a fresh instance of it.
#[wasm_bindgen]
pub struct Playground {
    module: Rc<Module>,
    session: Session,
    stub_imports: bool,
    output: Output,
    wasi: WasiSettings,
    /// The file system the program gets (`useFiles`); none: no preopened directories.
    files: Option<Rc<FilesInner>>,
    /// The running instance's WASI state (its preopens are replaced by `useFiles`).
    wasi_ctx: Rc<RefCell<Wasi>>,
    sleep: Rc<SleepState>,
    /// GC references the page was given (results), held in the store (`web::heap`).
    held: Vec<u64>,
}

/// How the program's sleeps (`poll_oneoff` waiting on clocks only) go: skipped (the
/// default), or, with `pause` (`setPauseOnSleep`), a `host-pause` stop that records the
/// requested time for the page to wait out.
#[derive(Default)]
struct SleepState {
    pause: Cell<bool>,
    /// The last sleep's nanoseconds, cleared when the next command starts.
    requested: Cell<Option<u64>>,
}

fn clock() -> wasi::ClockSource {
    let start = js_sys::Date::now();
    Box::new(move |id| {
        let now = js_sys::Date::now();
        let ms = if id == 0 { now } else { now - start };
        (ms * 1e6) as u64
    })
}

/// What a fresh instance needs besides the module.
struct Setup<'a> {
    stub_imports: bool,
    output: &'a Output,
    settings: &'a WasiSettings,
    files: Option<&'a FilesInner>,
    sleep: &'a Rc<SleepState>,
}

/// A fresh store with WASI (and stubs when asked) and an instance of `module` in it.
fn instantiate(module: &Rc<Module>, setup: &Setup) -> Result<(Session, Rc<RefCell<Wasi>>), JsError> {
    let Setup { stub_imports, output, settings, files, sleep } = *setup;
    let mut store = Store::new(page_limits());
    let sink = output.clone();
    let out: wasi::OutputSink = Box::new(move |fd, bytes| sink.borrow_mut().push((fd, bytes.to_vec())));
    let mut args = vec![module.names.module.clone().unwrap_or_else(|| "main.wasm".into())];
    args.extend(settings.args.iter().cloned());
    let (clock, seed) = match settings.seed {
        Some(seed) => (Wasi::fixed_clock(), seed),
        None => (clock(), (js_sys::Math::random() * u64::MAX as f64) as u64),
    };
    let input = Wasi::input_from(settings.stdin.clone().into_bytes());
    let mut w = Wasi::new(args, settings.env.clone(), out, input, clock, seed);
    let state = sleep.clone();
    w.set_sleeper(Box::new(move |ns| {
        let pause = state.pause.get();
        if pause {
            state.requested.set(Some(ns));
        }
        pause
    }));
    if let Some(files) = files {
        w.replace_preopens(files.preopen_dirs()?);
    }
    let ctx = wasi::define(&mut store, w);
    if stub_imports {
        let sink = output.clone();
        let log: wasi::OutputSink = Box::new(move |fd, bytes| sink.borrow_mut().push((fd, bytes.to_vec())));
        wasi::stub_missing_imports(&mut store, module, Rc::new(RefCell::new(log))).map_err(err)?;
    }
    let instance = store.instantiate(module.clone()).map_err(err)?;
    Ok((Session::new(store, instance, Config::default()), ctx))
}

#[derive(Serialize)]
struct OutputChunk {
    /// 1 (stdout) or 2 (stderr).
    fd: u32,
    text: String,
}

#[wasm_bindgen]
impl Playground {
    /// Loads a module from WAT text (a string) or bytes (a `Uint8Array` of a binary or of
    /// text), validates and instantiates it. Throws an `Error` with the same message the CLI
    /// prints (with the byte offset where there is one).
    ///
    /// WASI (`wasi_snapshot_preview1`) is always available; with `stub_imports`, every
    /// other import nothing provides is satisfied by a stub that returns zeros and logs
    /// each call to the output (stderr).
    pub fn load(input: JsValue, stub_imports: Option<bool>) -> Result<Playground, JsError> {
        let bytes = match input.as_string() {
            Some(text) => text.into_bytes(),
            None => js_sys::Uint8Array::new(&input).to_vec(),
        };
        // The one copy (JS bytes into wasm memory) becomes the module's binary.
        Playground::with_module(Module::from_input(bytes).map_err(err)?, stub_imports)
    }

    fn with_module(module: Module, stub_imports: Option<bool>) -> Result<Playground, JsError> {
        let module = Rc::new(module);
        let stub_imports = stub_imports.unwrap_or(false);
        let output = Output::default();
        let wasi = WasiSettings::default();
        let sleep = Rc::new(SleepState::default());
        let setup = Setup { stub_imports, output: &output, settings: &wasi, files: None, sleep: &sleep };
        let (session, wasi_ctx) = instantiate(&module, &setup)?;
        Ok(Playground { module, session, stub_imports, output, wasi, files: None, wasi_ctx, sleep, held: Vec::new() })
    }

    /// Gives the program `files`' tree with its preopens (`Files.setPreopens`), shared: what
    /// the program writes is in `files` at once, and the page's changes are seen by the
    /// program. Outside a call the preopens are replaced at once; in one, at the next
    /// `reset`. Throws if a preopened folder cannot be made (a file is in its place).
    #[wasm_bindgen(js_name = useFiles)]
    pub fn use_files(&mut self, files: &Files) -> Result<(), JsError> {
        if !self.session.is_running() {
            let dirs = files.inner.preopen_dirs()?;
            self.wasi_ctx.borrow_mut().replace_preopens(dirs);
        }
        self.files = Some(files.inner.clone());
        Ok(())
    }

    /// With `true`, a WASI sleep stops the run (`stop.kind` "host-pause", `stop.sleepMs` the
    /// requested time) so that the page can wait without blocking and then go on; with
    /// `false` (the default) a sleep returns at once.
    #[wasm_bindgen(js_name = setPauseOnSleep)]
    pub fn set_pause_on_sleep(&self, pause: bool) {
        self.sleep.pause.set(pause);
    }

    /// Pause on exceptions, as DevTools has: commands (not `run`) stop before a `throw`,
    /// `throw_ref` or `rethrow` that no handler catches (`uncaught`) or that one catches
    /// (`caught`), with `stop.kind` "exception" and `stop.exception` (tag, payload, the
    /// handler); the frames say `unwinding`. Kept across `reset`.
    #[wasm_bindgen(js_name = setPauseOnExceptions)]
    pub fn set_pause_on_exceptions(&mut self, uncaught: bool, caught: bool) {
        self.session.set_pause_on_exceptions(PauseOnExceptions::from_flags(uncaught, caught));
    }

    /// WASI program arguments (after the program name), environment (`KEY=VALUE` strings)
    /// and stdin; `seed` (a number) makes `random_get` and the clocks reproducible. Takes
    /// effect at the next `reset`.
    #[wasm_bindgen(js_name = setWasi)]
    pub fn set_wasi(
        &mut self,
        args: Vec<String>,
        env: Vec<String>,
        stdin: String,
        seed: Option<f64>,
    ) -> Result<(), JsError> {
        let env = env
            .iter()
            .filter(|kv| !kv.trim().is_empty())
            .map(|kv| match kv.split_once('=') {
                Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
                _ => Err(err(format!("environment entries are KEY=VALUE, got `{kv}`"))),
            })
            .collect::<Result<Vec<_>, _>>()?;
        self.wasi = WasiSettings { args, env, stdin, seed: seed.map(|s| s as u64) };
        Ok(())
    }

    /// Program output produced since the last call: `[{fd, text}]` (fd 1 stdout, 2 stderr).
    #[wasm_bindgen(js_name = takeOutput)]
    pub fn take_output(&self) -> Result<JsValue, JsError> {
        let chunks: Vec<OutputChunk> = self
            .output
            .borrow_mut()
            .drain(..)
            .map(|(fd, bytes)| OutputChunk { fd, text: String::from_utf8_lossy(&bytes).into_owned() })
            .collect();
        to_js(&chunks)
    }

    /// Imports, exports with signatures, functions, counts and custom sections.
    pub fn summary(&self) -> Result<JsValue, JsError> {
        let m = &self.module;
        let kind = |k: ExternKind| match k {
            ExternKind::Func => "func",
            ExternKind::Table => "table",
            ExternKind::Memory => "memory",
            ExternKind::Global => "global",
            ExternKind::Tag => "tag",
        };
        // The first name each function is exported under, by index: one pass over the
        // exports (a search per function was quadratic: minutes for 100,000 exports).
        let mut exported: Vec<Option<&str>> = vec![None; m.funcs.len()];
        for e in m.exports.iter().rev().filter(|e| e.kind == ExternKind::Func) {
            if let Some(slot) = exported.get_mut(e.index as usize) {
                *slot = Some(&e.name);
            }
        }
        let imports = json_array(m.imports.iter().map(|i| ImportSummary {
            module: i.module.clone(),
            name: i.name.clone(),
            kind: i.ty.kind(),
            ty: crate::debug::extern_type_text(m, &i.ty),
        }))?;
        let exports = json_array(m.exports.iter().map(|e| ExportSummary {
            name: e.name.clone(),
            kind: kind(e.kind),
            index: e.index,
            ty: m.export_type(e).map(|t| crate::debug::extern_type_text(m, &t)).unwrap_or_default(),
        }))?;
        let functions = json_array((0..m.funcs.len() as u32).filter_map(|i| {
            let ty = m.func_type(i)?;
            let exported = exported.get(i as usize).copied().flatten();
            Some(FuncSummary {
                index: i,
                name: match (m.func_name(i), exported) {
                    (Some(n), _) | (None, Some(n)) => n.to_string(),
                    (None, None) => format!("func[{i}]"),
                },
                params: ty.params.iter().map(|t| t.name()).collect(),
                param_names: (0..ty.params.len() as u32)
                    .map(|p| m.names.locals.get(&i).and_then(|n| n.get(&p)).cloned())
                    .collect(),
                results: ty.results.iter().map(|t| t.name()).collect(),
                signature: crate::debug::func_type_text(m, ty),
                imported: i < m.num_imported_funcs,
                exported: exported.map(str::to_string),
            })
        }))?;
        let summary = to_js(&Summary {
            memories: m.memories.len(),
            tables: m.tables.len(),
            globals: m.globals.len(),
            custom_sections: m.customs.clone(),
            size: m.bytes().len(),
        })?;
        for (key, list) in [("imports", imports), ("exports", exports), ("functions", functions)] {
            js_sys::Reflect::set(&summary, &JsValue::from_str(key), &list).map_err(|_| err("summary"))?;
        }
        Ok(summary)
    }

    /// Starts the exported function `name`; `args` are strings parsed by parameter type as
    /// the CLI does (`5`, `-0x10`, `1.5`, `nan`, `i64:7`). Stops before the first
    /// instruction; returns the state.
    pub fn start(&mut self, name: &str, args: Vec<String>) -> Result<JsValue, JsError> {
        let e = self.module.export(name).filter(|e| e.kind == ExternKind::Func);
        let e = e.ok_or_else(|| err(format!("no exported function named `{name}`")))?;
        let ty = self.module.func_type(e.index).cloned().unwrap_or_default();
        if args.len() != ty.params.len() {
            return Err(err(format!("`{name}` takes {} arguments {ty}, {} given", ty.params.len(), args.len())));
        }
        let values = args
            .iter()
            .zip(&ty.params)
            .enumerate()
            .map(|(i, (a, &t))| {
                self.session.parse_arg(a.trim(), t).map_err(|m| err(format!("argument {}: {m}", i + 1)))
            })
            .collect::<Result<Vec<_>, _>>()?;
        self.sleep.requested.set(None);
        self.session.start(name, &values).map_err(err)?;
        self.state()
    }

    /// A fresh instance of the same module (memory, globals and tables as after
    /// instantiation); breakpoints and watchpoints are kept.
    pub fn reset(&mut self) -> Result<JsValue, JsError> {
        self.sleep.requested.set(None);
        let setup = Setup {
            stub_imports: self.stub_imports,
            output: &self.output,
            settings: &self.wasi,
            files: self.files.as_deref(),
            sleep: &self.sleep,
        };
        let (mut fresh, ctx) = instantiate(&self.module, &setup)?;
        for b in self.session.breakpoints().to_vec() {
            let _ = fresh.add_breakpoint(b.func, b.offset, b.hit_count);
        }
        for w in self.session.watchpoints().to_vec() {
            let _ = fresh.add_watchpoint_in(w.memory, w.addr, w.len);
        }
        heap::release_all(&mut self.held, &mut self.session);
        fresh.set_pause_on_exceptions(self.session.pause_on_exceptions());
        self.session = fresh;
        self.wasi_ctx = ctx;
        self.state()
    }

    #[wasm_bindgen(js_name = stepInto)]
    pub fn step_into(&mut self) -> Result<JsValue, JsError> {
        self.sleep.requested.set(None);
        self.session.step_into();
        self.state()
    }

    #[wasm_bindgen(js_name = stepOver)]
    pub fn step_over(&mut self, budget: f64) -> Result<JsValue, JsError> {
        self.sleep.requested.set(None);
        self.session.step_over(budget as u64);
        self.state()
    }

    #[wasm_bindgen(js_name = stepOut)]
    pub fn step_out(&mut self, budget: f64) -> Result<JsValue, JsError> {
        self.sleep.requested.set(None);
        self.session.step_out(budget as u64);
        self.state()
    }

    #[wasm_bindgen(js_name = stepBack)]
    pub fn step_back(&mut self) -> Result<JsValue, JsError> {
        self.sleep.requested.set(None);
        self.session.step_back();
        self.state()
    }

    #[wasm_bindgen(js_name = reverseContinue)]
    pub fn reverse_continue(&mut self) -> Result<JsValue, JsError> {
        self.sleep.requested.set(None);
        self.session.reverse_continue();
        self.state()
    }

    /// Continue: until a breakpoint, a watchpoint, the end, a trap, or `budget`
    /// instructions (then `stop.kind` is `budget`; call `proceed` to go on).
    #[wasm_bindgen(js_name = resume)]
    pub fn resume(&mut self, budget: f64) -> Result<JsValue, JsError> {
        self.sleep.requested.set(None);
        self.session.resume(budget as u64);
        self.state()
    }

    /// Goes on with the last command (step over, step out, continue, run to) after a
    /// `budget` stop.
    pub fn proceed(&mut self, budget: f64) -> Result<JsValue, JsError> {
        self.sleep.requested.set(None);
        self.session.proceed(budget as u64);
        self.state()
    }

    /// Runs until the instruction at `offset` of function `func` is next.
    #[wasm_bindgen(js_name = runTo)]
    pub fn run_to(&mut self, func: u32, offset: u32, budget: f64) -> Result<JsValue, JsError> {
        self.sleep.requested.set(None);
        self.session.run_to(func, offset, budget as u64);
        self.state()
    }

    /// Full speed for at most `budget` instructions: no breakpoints, no history.
    pub fn run(&mut self, budget: f64) -> Result<JsValue, JsError> {
        self.sleep.requested.set(None);
        self.session.run_unrecorded(budget as u64);
        self.state()
    }

    /// Everything the panels show.
    pub fn state(&mut self) -> Result<JsValue, JsError> {
        let s = &mut self.session;
        let stop = s.stop_reason().clone();
        let status = match stop {
            StopReason::Ready => "ready",
            StopReason::Finished(_) | StopReason::Exited(_) => "finished",
            StopReason::Trapped(_) => "trapped",
            _ => "paused",
        };
        let mut stop_view = Stop::from(&stop);
        if matches!(stop, StopReason::HostPause) {
            stop_view.sleep_ms = self.sleep.requested.get().map(|ns| ns as f64 / 1e6);
        }
        if let StopReason::Finished(v) = &stop {
            heap::hold_results(&mut self.held, s, v);
            stop_view.results = Some(v.iter().map(|v| typed(s, v)).collect());
        }
        let state = State {
            status,
            stop: stop_view,
            frames: frames(s),
            globals: s
                .globals()
                .iter()
                .map(|g| Global {
                    index: g.index,
                    name: g.name.clone(),
                    mutable: g.mutable,
                    declared: g.ty.to_string(),
                    value: typed(s, &g.value),
                })
                .collect(),
            memory_pages: s.memory_pages().map(|p| p as f64),
            memory_bytes: s.memories().first().map(|m| m.bytes as f64),
            last_writes: s
                .last_writes_in()
                .iter()
                .map(|&(memory, addr, len)| Write { addr: addr as f64, len, memory })
                .collect(),
            not_rewound: s.not_rewound().to_vec(),
            tables: s
                .tables()
                .iter()
                .map(|t| Table {
                    index: t.index,
                    elem: t.elem.to_string(),
                    size: t.size,
                    entries: t.entries.iter().map(|v| typed(s, v)).collect(),
                })
                .collect(),
            executed: s.executed() as f64,
            depth: s.depth(),
            history: s.history_len(),
            breakpoints: s
                .breakpoints()
                .iter()
                .map(|b| Breakpoint {
                    id: b.id,
                    func: b.func,
                    offset: b.offset,
                    hit_count: b.hit_count.map(|h| h as f64),
                    hits: b.hits as f64,
                })
                .collect(),
            watchpoints: s
                .watchpoints()
                .iter()
                .map(|w| Watchpoint { id: w.id, memory: w.memory, addr: w.addr as f64, len: w.len as f64 })
                .collect(),
        };
        to_js(&state)
    }

    /// Frame `k` (0 is the outermost) with its locals and operands.
    pub fn frame(&mut self, k: usize) -> Result<JsValue, JsError> {
        let f = self.session.frame(k).ok_or_else(|| err(format!("no frame {k}")))?;
        to_js(&Frame::new(&self.session, f))
    }

    /// The instructions of function `func` (module index): offset, nesting depth, text.
    pub fn disassembly(&mut self, func: u32) -> Result<JsValue, JsError> {
        let info = self.session.func_info(func).map_err(err)?;
        let d = Disassembly {
            index: info.index,
            name: info.name.clone(),
            lines: info.lines.iter().map(|l| Line { offset: l.offset, depth: l.depth, text: l.text.clone() }).collect(),
        };
        to_js(&d)
    }

    /// Bytes `[addr, addr + len)` of memory 0, clipped to its size (a copy of just that
    /// window).
    #[wasm_bindgen(js_name = readMemory)]
    pub fn read_memory(&self, addr: u32, len: u32) -> Vec<u8> {
        self.session.read_memory(addr, len).to_vec()
    }

    /// The instance's memories in index order (`[{index, name, pages, bytes, pageSize, max,
    /// memory64, shared}]`), for a memory picker.
    pub fn memories(&self) -> Result<JsValue, JsError> {
        let list: Vec<MemoryInfo> = self
            .session
            .memories()
            .into_iter()
            .map(|m| MemoryInfo {
                index: m.index,
                name: m.name,
                pages: m.pages as f64,
                bytes: m.bytes as f64,
                page_size: m.page_size as f64,
                max: m.max.map(|x| x as f64),
                memory64: m.memory64,
                shared: m.shared,
            })
            .collect();
        to_js(&list)
    }

    /// Bytes `[addr, addr + len)` of memory `memory` (index in the instance), clipped to its
    /// size; empty if there is no such memory. `addr` is a JS number (64-bit memories: exact
    /// below 2^53).
    #[wasm_bindgen(js_name = readMemoryIn)]
    pub fn read_memory_in(&self, memory: u32, addr: f64, len: u32) -> Vec<u8> {
        self.session.read_memory_in(memory, addr as u64, len as u64).to_vec()
    }

    /// Breaks after any write to `[addr, addr + len)` of memory `memory`; returns its id.
    #[wasm_bindgen(js_name = addWatchpointIn)]
    pub fn add_watchpoint_in(&mut self, memory: u32, addr: f64, len: f64) -> Result<u32, JsError> {
        self.session.add_watchpoint_in(memory, addr as u64, len as u64).map_err(err)
    }

    /// Adds a breakpoint; returns its id. Throws if there is no instruction there.
    #[wasm_bindgen(js_name = addBreakpoint)]
    pub fn add_breakpoint(&mut self, func: u32, offset: u32, hit_count: Option<f64>) -> Result<u32, JsError> {
        self.session.add_breakpoint(func, offset, hit_count.map(|h| h as u64)).map_err(err)
    }

    #[wasm_bindgen(js_name = removeBreakpoint)]
    pub fn remove_breakpoint(&mut self, id: u32) -> bool {
        self.session.remove_breakpoint(id)
    }

    /// Breaks after any write to `[addr, addr + len)`; returns its id.
    #[wasm_bindgen(js_name = addWatchpoint)]
    pub fn add_watchpoint(&mut self, addr: u32, len: u32) -> Result<u32, JsError> {
        self.session.add_watchpoint(addr, len).map_err(err)
    }

    #[wasm_bindgen(js_name = removeWatchpoint)]
    pub fn remove_watchpoint(&mut self, id: u32) -> bool {
        self.session.remove_watchpoint(id)
    }
}

/// Loads a module as its bytes arrive: the page pushes a file's chunks as it reads them and
/// decodes between reads, a slice at a time, so it can show progress and stay responsive;
/// `finish` makes the [`Playground`]. The chunks are copied once, straight into the buffer
/// that becomes the module's binary.
#[wasm_bindgen]
pub struct Loader {
    decoder: crate::decode::Decoder,
}

#[wasm_bindgen]
impl Loader {
    /// A loader for an input of about `size` bytes (room is reserved for them at once;
    /// throws if wasm memory cannot grow that far).
    #[wasm_bindgen(constructor)]
    pub fn new(size: Option<f64>) -> Result<Loader, JsError> {
        let size = size.unwrap_or(0.0) as usize;
        let mut bytes = Vec::new();
        bytes.try_reserve_exact(size).map_err(|_| err(format!("not enough memory to load {size} bytes")))?;
        Ok(Loader { decoder: crate::decode::Decoder::from_bytes(bytes) })
    }

    /// Appends a chunk of the input (a `Uint8Array`).
    pub fn push(&mut self, chunk: &js_sys::Uint8Array) {
        self.decoder.push_with(chunk.length() as usize, |buf| chunk.copy_to(buf));
    }

    /// Decodes and validates what has arrived, about `budget` bytes of it at most; `eof`:
    /// nothing more comes. Returns whether the module is fully decoded. Throws as `load` does.
    pub fn decode(&mut self, eof: bool, budget: f64) -> Result<bool, JsError> {
        self.decoder.decode(eof, budget as usize).map_err(err)
    }

    /// Bytes pushed so far.
    #[wasm_bindgen(getter)]
    pub fn received(&self) -> f64 {
        self.decoder.received() as f64
    }

    /// Bytes decoded and validated so far.
    #[wasm_bindgen(getter)]
    pub fn decoded(&self) -> f64 {
        self.decoder.decoded() as f64
    }

    /// Decodes the rest and instantiates, as `Playground.load` does (text input is compiled
    /// here). The loader is consumed.
    pub fn finish(self, stub_imports: Option<bool>) -> Result<Playground, JsError> {
        Playground::with_module(self.decoder.finish().map_err(err)?, stub_imports)
    }
}

/// Converts WAT text to a binary (throws with the parser's message).
#[wasm_bindgen(js_name = watToWasm)]
pub fn wat_to_wasm(text: &str) -> Result<Vec<u8>, JsError> {
    crate::decode::to_binary(text.as_bytes()).map_err(err)
}

// ---- the page's file system ----------------------------------------------------------

/// One node of the tree, as `Files.list` gives it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FileEntry {
    /// The full path from the tree's root: `/a/b`.
    path: String,
    /// file | dir | symlink
    kind: &'static str,
    size: f64,
    /// Last modification, milliseconds since the epoch (as `Date.now()`).
    mtime: f64,
    target: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Usage {
    used: f64,
    limit: f64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Preopen {
    folder: String,
    guest: String,
}

/// The tree and which of its folders a program gets, as what guest path.
struct FilesInner {
    fs: MemFs,
    /// (folder in the tree, guest path), in preopen order (descriptors 3, 4, ...).
    preopens: RefCell<Vec<(String, String)>>,
}

impl FilesInner {
    /// The preopened folders, made when missing.
    fn preopen_dirs(&self) -> Result<wasi::Preopens, JsError> {
        let mut dirs: wasi::Preopens = Vec::new();
        for (folder, guest) in self.preopens.borrow().iter() {
            let dir = self.fs.create_dir_all(folder).and_then(|()| self.fs.dir(folder));
            let dir = dir.map_err(|e| fs_err(&self.fs, folder, e, &format!("cannot preopen it as `{guest}`")))?;
            dirs.push((guest.clone(), Box::new(dir)));
        }
        Ok(dirs)
    }
}

/// `512 bytes`, `4.0 KiB`, `1024.0 MiB`.
fn size_text(bytes: u64) -> String {
    match bytes {
        0..1024 => format!("{bytes} bytes"),
        1024..1_048_576 => format!("{:.1} KiB", bytes as f64 / 1024.0),
        _ => format!("{:.1} MiB", bytes as f64 / 1_048_576.0),
    }
}

/// A file-system error as a message about `path`.
fn fs_err(fs: &MemFs, path: &str, e: Errno, doing: &str) -> JsError {
    let why = match e {
        Errno::NOENT => "there is no such file or folder".to_string(),
        Errno::EXIST => "it already exists".into(),
        Errno::ISDIR => "it is a folder".into(),
        Errno::NOTDIR => "it or a folder on its path is a file".into(),
        Errno::NOSPC => {
            format!("the file system is full ({} of its {} used)", size_text(fs.used()), size_text(fs.limit()))
        }
        Errno::NAMETOOLONG => "a name or the path is too long".into(),
        Errno::PERM => "the path leads outside the tree".into(),
        Errno::INVAL => "it is not a valid path".into(),
        Errno::BUSY => "the root cannot be removed (Reset files empties it)".into(),
        Errno::LOOP => "too many symlinks on the way".into(),
        Errno::FBIG => "the file is too large".into(),
        other => format!("error {}", other.name()),
    };
    err(format!("`{path}`: {doing}: {why}"))
}

/// How much of a file `Files.read`/`write` copy at a time.
const CHUNK: usize = 8 << 20;

/// A path from the page below the root (the tree checks the rest).
fn host_path(path: &str) -> Result<&str, JsError> {
    if path.trim_matches('/').is_empty() {
        return Err(err(format!("`{path}`: a path below the root is needed (`/name`)")));
    }
    Ok(path)
}

/// The page's in-memory file system: one tree that every module loaded into the page can
/// be given (`Playground.useFiles`), kept until the page empties it (`reset`). The page adds
/// files and folders, reads what programs wrote, and chooses which folders are preopened
/// (by default the root, as `/`).
#[wasm_bindgen]
pub struct Files {
    inner: Rc<FilesInner>,
}

impl Default for Files {
    fn default() -> Self {
        Files::new()
    }
}

impl Files {
    /// The regular file at `path` (from the root), opened with `options`.
    fn open(&self, path: &str, options: &OpenOptions) -> Result<Box<dyn File>, Errno> {
        match self.inner.fs.dir("/")?.open(path.trim_start_matches('/'), options)? {
            Opened::File(file) => Ok(file),
            Opened::Dir(_) => Err(Errno::ISDIR),
        }
    }
}

#[wasm_bindgen]
impl Files {
    /// An empty tree (1 GiB limit) with its root preopened as `/`.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Files {
        let fs = MemFs::new(Box::new(|| (js_sys::Date::now() * 1e6) as u64));
        let preopens = RefCell::new(vec![("/".to_string(), "/".to_string())]);
        Files { inner: Rc::new(FilesInner { fs, preopens }) }
    }

    /// Every file, folder and symlink but the root, a folder's entries right after it:
    /// `[{path, kind, size, mtime, target}]`.
    pub fn list(&self) -> Result<JsValue, JsError> {
        let entries: Vec<FileEntry> = self
            .inner
            .fs
            .list()
            .into_iter()
            .map(|e| FileEntry {
                path: e.path,
                kind: match e.kind {
                    FileType::Directory => "dir",
                    FileType::SymbolicLink => "symlink",
                    _ => "file",
                },
                size: e.size as f64,
                mtime: e.mtime as f64 / 1e6,
                target: e.target,
            })
            .collect();
        to_js(&entries)
    }

    /// A file's contents (symlinks followed), or its first `max` bytes. Copied out in
    /// pieces, so the tree never needs twice the file's size.
    pub fn read(&self, path: &str, max: Option<f64>) -> Result<js_sys::Uint8Array, JsError> {
        let fs = &self.inner.fs;
        let fail = |e| fs_err(fs, path, e, "cannot read it");
        let file = self
            .open(host_path(path)?, &OpenOptions { read: true, follow: true, ..OpenOptions::default() })
            .map_err(fail)?;
        let size = file.stat().map_err(fail)?.size;
        let len = max.map_or(size, |m| size.min(if m > 0.0 { m as u64 } else { 0 }));
        let len = u32::try_from(len).map_err(|_| err(format!("`{path}` is too large to read here")))?;
        let out = js_sys::Uint8Array::new_with_length(len);
        let mut buf = vec![0u8; (len as usize).min(CHUNK)];
        let mut at = 0u32;
        while at < len {
            let want = ((len - at) as usize).min(CHUNK);
            let n = file.read_at(&mut buf[..want], at as u64).map_err(fail)?;
            if n == 0 {
                return Ok(out.subarray(0, at));
            }
            out.subarray(at, at + n as u32).copy_from(&buf[..n]);
            at += n as u32;
        }
        Ok(out)
    }

    /// Writes a whole file, making missing folders above it. Throws, changing nothing, when
    /// it would pass the tree's byte limit. Copied in in pieces, so the tree never needs
    /// twice the file's size.
    pub fn write(&self, path: &str, bytes: &js_sys::Uint8Array) -> Result<(), JsError> {
        let fs = &self.inner.fs;
        let path = host_path(path)?;
        let len = bytes.length();
        // What the file and the folders on its path could cost at most (names, inodes),
        // checked first so that a file being replaced is never left cut short.
        let parts = path.split('/').filter(|c| !c.is_empty()).count() as u64;
        let cost = u64::from(len).saturating_add(parts * 512);
        if cost > fs.limit().saturating_sub(fs.used()) {
            return Err(err(format!(
                "`{path}` ({len} bytes) does not fit: the file system's limit is {}, {} is used",
                size_text(fs.limit()),
                size_text(fs.used())
            )));
        }
        let fail = |e| fs_err(fs, path, e, "cannot write it");
        if let Some((parent, _)) = path.trim_matches('/').rsplit_once('/') {
            fs.create_dir_all(parent).map_err(fail)?;
        }
        let options = OpenOptions { create: true, truncate: true, write: true, follow: true, ..OpenOptions::default() };
        let file = self.open(path, &options).map_err(fail)?;
        file.set_size(len.into()).map_err(fail)?;
        let mut at = 0u32;
        while at < len {
            let end = at.saturating_add(CHUNK as u32).min(len);
            file.write_at(&bytes.subarray(at, end).to_vec(), at.into()).map_err(fail)?;
            at = end;
        }
        Ok(())
    }

    /// Makes a folder and any missing folders above it (an existing folder is fine).
    pub fn mkdir(&self, path: &str) -> Result<(), JsError> {
        let fs = &self.inner.fs;
        fs.create_dir_all(host_path(path)?).map_err(|e| fs_err(fs, path, e, "cannot make the folder"))
    }

    /// Removes a file, a symlink, or a folder with everything in it.
    pub fn remove(&self, path: &str) -> Result<(), JsError> {
        let fs = &self.inner.fs;
        fs.remove(host_path(path)?).map_err(|e| fs_err(fs, path, e, "cannot remove it"))
    }

    /// Empties the tree (the preopens stay as chosen; their folders are made again at the
    /// next run). A running program keeps what it has open.
    pub fn reset(&self) -> Result<(), JsError> {
        let fs = &self.inner.fs;
        let tops: Vec<String> = fs.list().into_iter().map(|e| e.path).filter(|p| p.matches('/').count() == 1).collect();
        for p in tops {
            fs.remove(&p).map_err(|e| fs_err(fs, &p, e, "cannot remove it"))?;
        }
        Ok(())
    }

    /// `{used, limit}` in bytes (file data, names and 256 bytes per file or folder count).
    pub fn usage(&self) -> Result<JsValue, JsError> {
        let fs = &self.inner.fs;
        to_js(&Usage { used: fs.used() as f64, limit: fs.limit() as f64 })
    }

    /// Sets the byte limit (1 GiB at first).
    #[wasm_bindgen(js_name = setLimit)]
    pub fn set_limit(&self, bytes: f64) {
        self.inner.fs.set_limit(if bytes.is_finite() && bytes > 0.0 { bytes as u64 } else { 0 });
    }

    /// Which folders of the tree a program gets, as what guest path: `folders[i]` as
    /// `guests[i]` (`["/", "/share"]`, `["/", "/tmp"]`). A folder that does not exist yet is
    /// made when a program starts. Takes effect at the next start (`Playground.useFiles`) or
    /// reset.
    #[wasm_bindgen(js_name = setPreopens)]
    pub fn set_preopens(&self, folders: Vec<String>, guests: Vec<String>) -> Result<(), JsError> {
        if folders.len() != guests.len() {
            return Err(err(format!("{} folders but {} guest paths", folders.len(), guests.len())));
        }
        let mut list = Vec::new();
        for (folder, guest) in folders.into_iter().zip(guests) {
            let (folder, guest) = (folder.trim().to_string(), guest.trim().to_string());
            if guest.is_empty() || guest.contains('\0') {
                return Err(err(format!("`{folder}`: a guest path is needed (`/`, `/tmp`, `.`)")));
            }
            if folder.is_empty() || folder.contains('\0') {
                return Err(err(format!("a folder in the tree is needed for `{guest}` (`/` is the root)")));
            }
            if folder.split('/').any(|c| c == "..") {
                return Err(err(format!("`{folder}`: `..` cannot be used in a preopened folder")));
            }
            match self.inner.fs.dir(&folder) {
                Ok(_) | Err(Errno::NOENT) => {}
                Err(e) => return Err(fs_err(&self.inner.fs, &folder, e, "cannot preopen it")),
            }
            list.push((folder, guest));
        }
        *self.inner.preopens.borrow_mut() = list;
        Ok(())
    }

    /// The preopens: `[{folder, guest}]`.
    pub fn preopens(&self) -> Result<JsValue, JsError> {
        let list: Vec<Preopen> = self
            .inner
            .preopens
            .borrow()
            .iter()
            .map(|(folder, guest)| Preopen { folder: folder.clone(), guest: guest.clone() })
            .collect();
        to_js(&list)
    }
}
