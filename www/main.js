// The playground's controller: one state object (`app`), event wiring, and calls into the
// interpreter (www/pkg, built by wasm-pack). Every action calls the wasm API, stores the
// returned state and calls render(app). No interpreter logic lives here.
import init, { Files, Loader, Playground, argError } from './pkg/wasmscope.js';
import { examples } from './examples.js';
import { filesPanel } from './files.js';
import { decodeLink, isLink, makeLink } from './permalink.js';
import { newMemView, readMemoryView, showAddress, wireLanes, wireMemory } from './panels.js';
import { hex, positionText, render, renderExamples, renderLive, renderLoading, renderWasi, typed } from './render.js';
import { wireHeap } from './heap.js';
import { applyExceptionPause, exceptionStatus, wireExceptionPause } from './exceptions.js';

const STORAGE_KEY = 'wasmscope.editor';
// The largest file the page loads (the one place it is set: the refusal and the drop zone's
// hint say it). Real WASI programs are tens of MB (YoWASP's yosys 21 MB, clang 73 MB); the
// interpreter keeps one copy of the binary (about 1.1-1.2x the file's size in wasm memory
// once loaded, see BENCHMARKS.md), and wasm32's memory ends at 4 GiB.
const MAX_FILE = 256 * 1024 * 1024;
// A binary file is read as a stream and decoded while it arrives, DECODE_STEP bytes at a
// time, with a paint of the progress bar every LOAD_SLICE_MS of work.
const DECODE_STEP = 256 * 1024;
const LOAD_SLICE_MS = 30;
const mib = (n) => (n / 1048576).toFixed(1);
const MAX_LOG = 2000; // console entries kept (the oldest quarter goes when it is reached)
const MAX_LINE = 8192; // a program's output line longer than this continues in a new entry
const WASI_MODULE = 'wasi_snapshot_preview1';
const SLICE_MS = 10; // target duration of one slice of a long run
// WAT texts at least this long compile in a Web Worker (compile-worker.js), which Pause can
// terminate; shorter ones (well under 100 ms) compile at once. A WAT file this long is not put
// in the editor either: a textarea's layout takes ~0.6 s per MiB of text (measured in
// Chromium), seconds in which the page, Pause included, would not answer.
const LARGE_TEXT = 256 * 1024;
const $ = (id) => document.getElementById(id);

const app = {
  ready: false, // the wasm module is initialised
  fatal: null, // the page cannot work (the interpreter failed to load)
  pg: null, // the Playground (a loaded module and its debugging session)
  moduleId: 0, // bumps on every load (render caches are keyed on it)
  summary: null,
  source: { kind: 'text' }, // or { kind: 'binary' | 'wat-file', name, size }: not in the editor
  loadError: null,
  funcName: '', // the selected export
  funcFilter: '', // the function picker's filter (shown with more exports than it lists)
  params: [], // [{ name, type }] of the selected export
  args: [], // argument strings, one per parameter
  argErrors: [],
  state: null, // the last state the API returned
  prev: null, // the state before the last command (changes are highlighted against it)
  frame: null, // selected call-stack frame (index, outermost = 0), null = innermost
  frameFull: null, // { index, state, frame }: an elided frame fetched in full with frame(k)
  stackMore: 0, // call-stack frames revealed beyond the innermost ones (deep recursion)
  code: null, // disassembly shown: { index, name, lines } or { index, name, error }
  mem: newMemView(),
  v128Shape: 'i32x4',
  running: null, // { label, kind, t0, executed0 } while a sliced command runs
  pauseRequested: false,
  slice: 100_000, // instructions per slice, adapted to SLICE_MS
  log: [], // console entries { kind: info|cmd|result|trap|error|exit|stdout|stderr, text, rev }
  logTrims: 0, // bumps whenever old entries are dropped (the Console re-renders)
  openLines: {}, // fd -> the output entry its last unterminated line went to
  scrollCode: false,
  // WASI settings as typed; `applied` is what the Playground has (JSON), null = defaults.
  wasi: { args: '', env: '', stdin: '', argsError: '', envError: '', applied: null, touched: false },
  stubImports: false,
  lastInput: null, // { input, options } or { file, options } of the last load (the checkbox reloads it)
  files: null, // the page's file system (a `Files` tree), kept across loads until Reset files
  filesPanel: null,
};

const disasmCache = new Map(); // func index -> disassembly, per module

// ---- helpers ----------------------------------------------------------------------

function log(kind, text) {
  app.openLines = {}; // a program's partial line is not continued after other messages
  pushEntry({ kind, text, rev: 0 });
}

function pushEntry(entry) {
  app.log.push(entry);
  if (app.log.length > MAX_LOG) {
    app.log.splice(0, app.log.length - Math.floor(MAX_LOG * 0.75));
    app.logTrims++;
  }
}

/**
 * Appends program output (fd 1 or 2) to the Console: one entry per line, and text without
 * a newline yet stays open, so that "Hello, " then "world\n" make one line.
 */
function appendOutput(fd, text) {
  if (!text) return;
  const kind = fd === 2 ? 'stderr' : 'stdout';
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    const last = i === lines.length - 1;
    if (last && line === '') return; // the text ended with a newline
    let open = app.openLines[fd];
    if (open && open.text.length + line.length > MAX_LINE) open = null;
    if (open) {
      open.text += line;
      open.rev++;
    } else {
      open = { kind, text: line, rev: 0 };
      pushEntry(open);
    }
    app.openLines[fd] = last ? open : null;
  });
}

/** Moves the program output produced so far into the Console. */
function drainOutput(pg = app.pg) {
  if (!pg) return;
  let chunks;
  try {
    chunks = pg.takeOutput();
  } catch {
    return;
  }
  for (const c of chunks) appendOutput(c.fd, c.text);
}

function errorMessage(e) {
  return e instanceof Error ? e.message : String(e);
}

const inCall = () => app.state?.status === 'paused';

const NUMBER = {
  int: /^[+-]?(0x[0-9a-f]+|[0-9]+)$/i,
  float: /^[+-]?(inf|infinity|nan(:0x[0-9a-f]+)?|[0-9]+\.?[0-9]*(e[+-]?[0-9]+)?|\.[0-9]+(e[+-]?[0-9]+)?|0x[0-9a-f]+\.?[0-9a-f]*(p[+-]?[0-9]+)?)$/i,
  ref: /^(null|[0-9]+)$/i,
};
const PATTERN = { i32: NUMBER.int, i64: NUMBER.int, f32: NUMBER.float, f64: NUMBER.float, funcref: NUMBER.ref, externref: NUMBER.ref };

/** An argument's problem, or '' (shape only: the interpreter checks ranges too). */
function argProblem(text, type) {
  let t = text.trim();
  if (t.toLowerCase().startsWith(type + ':')) t = t.slice(type.length + 1);
  if (t === '') return `enter a ${type}`;
  const re = PATTERN[type];
  if (re && !re.test(t)) return `not a valid ${type}`;
  // A GC reference: null or a handle (`#17`, `(ref $node) #17`); `start` checks its type.
  if (!re && type === 'anyref' && argError(text, type)) return 'not a valid anyref: null or a handle, e.g. #17';
  // A v128 as the CLI reads it (the interpreter's own parser); the box says it briefly, the
  // Console in full (argFullProblem).
  if (!re && argError(text, type)) return `not a valid ${type}: e.g. i32x4:1,2,3,4 or 0x…`;
  return '';
}

/** The CLI's own words on a bad argument, or the page's short ones. */
function argFullProblem(text, type) {
  return (!PATTERN[type] && argError(text, type)) || argProblem(text, type);
}

function defaultArg(type) {
  if (type === 'v128') return 'i32x4:0,0,0,0';
  return type === 'funcref' || type === 'externref' || type === 'anyref' ? 'null' : '0';
}

// ---- derived view data (read from the interpreter before each render) ---------------

function disassembly(func) {
  if (!disasmCache.has(func)) {
    let d;
    try {
      d = app.pg.disassembly(func);
    } catch (e) {
      const f = app.summary?.functions.find((x) => x.index === func);
      d = { index: func, name: f?.name ?? `func[${func}]`, error: f?.imported ? `${f.name} is imported: no code to show.` : errorMessage(e) };
    }
    disasmCache.set(func, d);
  }
  return disasmCache.get(func);
}

function selectedExportIndex() {
  return app.summary?.exports.find((e) => e.kind === 'func' && e.name === app.funcName)?.index;
}

function refresh() {
  // A selected frame deep inside a long call stack comes without locals: fetch it in full.
  const frames = app.state?.frames ?? [];
  const sel = app.frame != null ? frames[app.frame] : null;
  if (sel?.elided && app.pg && !(app.frameFull?.state === app.state && app.frameFull.index === app.frame)) {
    try {
      app.frameFull = { index: app.frame, state: app.state, frame: app.pg.frame(app.frame) };
    } catch (e) {
      app.frameFull = null;
      log('error', errorMessage(e));
    }
  }
  // Disassembly: the shown frame's function, or the selected export when nothing runs.
  let func = null;
  if (frames.length) func = frames[Math.min(app.frame ?? frames.length - 1, frames.length - 1)].func;
  else if (app.pg) func = selectedExportIndex() ?? null;
  app.code = app.pg && func != null ? disassembly(func) : null;

  // Memory: the memories, the shown one's visible window and the inspector's 8 bytes.
  readMemoryView(app);
  app.filesPanel?.refresh(); // what the program created or changed
  render(app);
}

/** Stores a new state from a command (the old one is kept for change highlighting). */
function setState(state, prev = app.state) {
  app.prev = prev;
  app.state = state;
  app.frame = null;
  app.frameFull = null;
  app.scrollCode = true;
}

// ---- loading ----------------------------------------------------------------------

function loadModule(input, { source, func, args } = {}, refusal = null) {
  cancelRun();
  app.lastInput = refusal ? null : { input, options: { source, func, args } };
  let pg;
  try {
    if (refusal) throw new Error(refusal);
    pg = Playground.load(input, app.stubImports);
  } catch (e) {
    return loadFailed(e, source);
  }
  return adopt(pg, { source, func, args });
}

/** A load failed: no module, and the Console and the summary say why. */
function loadFailed(e, source) {
  app.pg?.free();
  app.pg = null;
  app.summary = null;
  app.state = null;
  app.prev = null;
  app.funcName = '';
  app.params = [];
  app.args = [];
  app.argErrors = [];
  app.source = source ?? app.source;
  app.loadError = errorMessage(e);
  app.frameFull = null;
  app.moduleId++;
  log('error', `load failed: ${app.loadError}`);
  refresh();
  return false;
}

/** Makes a freshly loaded Playground the page's module. */
function adopt(pg, { source, func, args } = {}) {
  const previousFunc = app.funcName;
  app.pg?.free();
  app.pg = pg;
  app.moduleId++;
  disasmCache.clear();
  app.loadError = null;
  app.source = source ?? app.source;
  app.summary = pg.summary();
  app.state = pg.state();
  app.prev = null;
  app.frame = null;
  app.frameFull = null;
  app.stackMore = 0;
  app.wasi.applied = null; // a new Playground starts with the default WASI settings
  app.mem = newMemView();
  const funcs = app.summary.exports.filter((e) => e.kind === 'func');
  const pick =
    funcs.find((e) => e.name === func) ??
    funcs.find((e) => e.name === previousFunc) ??
    funcs.find((e) => e.name === '_start') ??
    funcs[0];
  selectFunction(pick?.name ?? '', pick?.name === func ? args : undefined);
  const what = app.source.kind === 'text' ? 'WAT' : app.source.name || 'binary module';
  const stubbed = app.stubImports ? stubbedImports(app.summary).length : 0;
  log(
    'info',
    `loaded ${what}: ${app.summary.size.toLocaleString('en-US')} bytes, ${funcs.length.toLocaleString('en-US')} exported function${funcs.length === 1 ? '' : 's'}` +
      (usesWasi() ? ', uses WASI' : '') +
      (stubbed ? `, ${stubbed} stubbed import${stubbed === 1 ? '' : 's'}` : ''),
  );
  drainOutput(); // a start function may have printed
  if (usesWasi() && !app.wasi.touched) $('wasi').open = true;
  refresh();
  return true;
}

/** Lets the page paint: resolves after the next frame (or soon, where frames are not drawn). */
function painted() {
  return new Promise((resolve) => {
    const done = () => setTimeout(resolve, 0);
    if (document.visibilityState === 'hidden') done();
    else requestAnimationFrame(done);
  });
}

/**
 * Loads a binary file as a command Pause cancels: reads it as a stream, pushing each chunk
 * into the interpreter (the one copy of the bytes) and decoding and validating what has
 * arrived between reads, with a progress bar; then instantiates. Resolves to loadModule's
 * result, or 'cancelled'.
 */
async function loadBinaryFile(file, options) {
  cancelRun();
  const job = {
    label: 'Load',
    loading: { name: file.name, stage: 'reading', read: 0, decoded: 0, total: file.size },
    t0: performance.now(),
    executed0: 0,
  };
  let reader = null;
  let loader = null;
  const current = () => app.running === job;
  job.cancel = (quiet = false) => {
    if (app.running === job) app.running = null;
    reader?.cancel().catch(() => {});
    if (!quiet) {
      log('info', `loading ${file.name} cancelled`);
      refresh();
    }
  };
  app.running = job;
  app.pauseRequested = false;
  refresh();
  let last = performance.now();
  // Paints the progress now and then; false once the load was cancelled.
  const breathe = async () => {
    if (performance.now() - last >= LOAD_SLICE_MS) {
      renderLoading(app);
      await painted();
      last = performance.now();
    }
    return current();
  };
  try {
    loader = new Loader(file.size);
    reader = file.stream().getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (!current()) return 'cancelled';
      if (done) break;
      loader.push(value);
      job.loading.read = loader.received;
      // Decode what has arrived, until it needs more bytes.
      for (;;) {
        const before = loader.decoded;
        loader.decode(false, DECODE_STEP);
        job.loading.decoded = loader.decoded;
        if (!(await breathe())) return 'cancelled';
        if (loader.decoded === before) break;
      }
    }
    job.loading.stage = 'decoding';
    while (!loader.decode(true, DECODE_STEP)) {
      job.loading.decoded = loader.decoded;
      if (!(await breathe())) return 'cancelled';
    }
    job.loading.decoded = loader.decoded;
    job.loading.stage = 'instantiating';
    renderLoading(app);
    await painted();
    if (!current()) return 'cancelled';
    const l = loader;
    loader = null; // finish consumes it
    const pg = l.finish(app.stubImports);
    // The summary of 100,000 functions takes a moment too: say so first.
    job.loading.stage = 'summarising';
    renderLoading(app);
    await painted();
    if (!current()) {
      pg.free();
      return 'cancelled';
    }
    app.running = null;
    app.lastInput = { file, options }; // (not before: a cancelled load leaves the last one)
    return adopt(pg, options);
  } catch (e) {
    if (!current()) return 'cancelled';
    app.running = null;
    app.lastInput = { file, options }; // "Stub missing imports" loads it again
    return loadFailed(e, options.source);
  } finally {
    loader?.free();
    if (app.running === job) app.running = null;
  }
}

/** Does the loaded module import anything from WASI? */
function usesWasi() {
  return !!app.summary?.imports.some((i) => i.module === WASI_MODULE);
}

/** Imports the loaded module gets stand-ins for (only when stubbing is on). */
function stubbedImports(summary) {
  return summary.imports.filter((i) => i.module !== WASI_MODULE);
}

function selectFunction(name, args) {
  app.funcName = name;
  const exp = app.summary?.exports.find((e) => e.kind === 'func' && e.name === name);
  const f = exp ? app.summary.functions.find((x) => x.index === exp.index) : null;
  const names = f?.paramNames ?? [];
  const before = app.params;
  app.params = (f?.params ?? []).map((type, i) => ({ name: names[i] ? `$${names[i]}` : `$${i}`, type }));
  // What was typed stays for a parameter of the same type (not `5` for an anyref).
  const keep = app.args.length === app.params.length && !args ? app.args : null;
  app.args = app.params.map((p, i) => args?.[i] ?? (before[i]?.type === p.type ? keep?.[i] : undefined) ?? defaultArg(p.type));
  app.argErrors = app.params.map(() => '');
}

/** The page was opened from a link and the module changed since: the address forgets it. */
function forgetLink() {
  if (isLink(location.hash)) history.replaceState(null, '', location.pathname + location.search);
}

function compile() {
  forgetLink();
  const editor = $('editor');
  const text = editor.value;
  saveEditor();
  const ex = examples.find((e) => e.wat === text);
  loadText(text, { source: { kind: 'text' }, func: ex?.func, args: ex?.args }).then((ok) => {
    if (ok === false) showTextError(text);
  });
}

/**
 * Loads WAT text: at once when it is short, else compiled to a binary in a worker first,
 * as a command Pause cancels. Resolves to loadModule's result, or 'cancelled'.
 */
function loadText(text, options) {
  if (text.length < LARGE_TEXT) return Promise.resolve(loadModule(text, options));
  cancelRun();
  let worker;
  try {
    worker = new Worker(new URL('./compile-worker.js', import.meta.url), { type: 'module' });
  } catch {
    return Promise.resolve(loadModule(text, options)); // no module workers: compile here
  }
  return new Promise((resolve) => {
    const job = { label: 'Compile', compile: true, t0: performance.now(), executed0: 0 };
    const end = () => {
      worker.terminate();
      if (app.running === job) app.running = null;
    };
    // Pause cancels with a word in the Console; another load (cancelRun) quietly.
    job.cancel = (quiet = false) => {
      end();
      if (!quiet) {
        log('info', 'compile cancelled');
        refresh();
      }
      resolve('cancelled');
    };
    // The worker answered: load what it made, unless the job was cancelled meanwhile.
    const settle = (load) => {
      const current = app.running === job;
      end();
      if (current) resolve(load());
    };
    worker.onmessage = ({ data: { bytes, error } }) =>
      settle(() => (error ? loadModule(null, options, error) : loadModule(bytes, options)));
    worker.onerror = (e) =>
      settle(() => loadModule(null, options, `the compiler worker failed: ${e.message || 'unknown error'}`));
    app.running = job;
    app.pauseRequested = false;
    log('info', `compiling ${(text.length / 1048576).toFixed(1)} MiB of WAT in the background (Pause cancels)`);
    refresh();
    worker.postMessage(text);
  });
}

/** Puts the editor's caret where a WAT parse error points (`--> <anon>:LINE:COLUMN`). */
function showTextError(text) {
  const m = /--> [^\n]*?:(\d+):(\d+)/.exec(app.loadError ?? '');
  if (!m) return;
  const lines = text.split('\n');
  const line = Math.min(Number(m[1]), lines.length) - 1;
  let at = lines.slice(0, line).reduce((n, l) => n + l.length + 1, 0) + Number(m[2]) - 1;
  at = Math.min(at, text.length);
  const editor = $('editor');
  editor.focus();
  editor.setSelectionRange(at, Math.min(at + 1, text.length));
}

async function loadFile(file) {
  if (!file) return;
  forgetLink();
  if (file.size > MAX_FILE) {
    app.loadError = `${file.name} is ${mib(file.size)} MiB: files over ${mib(MAX_FILE).replace(/\.0$/, '')} MiB are refused.`;
    log('error', app.loadError);
    refresh();
    return;
  }
  // The first bytes tell a binary from text; a binary is streamed (loadBinaryFile).
  const head = new Uint8Array(await file.slice(0, 64).arrayBuffer());
  const isBinary = head.length >= 4 && head[0] === 0 && head[1] === 0x61 && head[2] === 0x73 && head[3] === 0x6d;
  $('examples').value = '';
  if (isBinary) {
    await loadBinaryFile(file, { source: { kind: 'binary', name: file.name, size: file.size } });
  } else if (/\.wasm$/i.test(file.name) && !/^\s*[(;]/.test(new TextDecoder().decode(head))) {
    // Neither a binary nor text: the interpreter would report it as bad WAT.
    loadModule(null, { source: { kind: 'binary', name: file.name, size: file.size } }, `${file.name} is not a WebAssembly binary: it does not start with the magic number \\0asm (at offset 0x0)`);
  } else {
    const text = await file.text();
    if (text.length >= LARGE_TEXT) {
      // Compiled from the file; the editor keeps what it had (see LARGE_TEXT).
      loadText(text, { source: { kind: 'wat-file', name: file.name, size: file.size } });
      return;
    }
    $('editor').value = text;
    saveEditor();
    loadText(text, { source: { kind: 'text' } });
  }
}

/** Loads the last module again (the "Stub missing imports" setting changed). */
function reload() {
  if (!app.ready || app.running) return;
  if (app.source.kind === 'text') return compile();
  if (app.lastInput?.file) loadBinaryFile(app.lastInput.file, app.lastInput.options);
  else if (app.lastInput) loadModule(app.lastInput.input, app.lastInput.options);
}

function saveEditor() {
  try {
    localStorage.setItem(STORAGE_KEY, $('editor').value);
  } catch {
    // storage unavailable (private mode, quota): the editor still works
  }
}

// ---- commands -----------------------------------------------------------------------

function readArgs() {
  app.argErrors = app.params.map((p, i) => argProblem(app.args[i] ?? '', p.type));
  const bad = app.argErrors.findIndex(Boolean);
  if (bad >= 0) {
    log('error', `argument ${app.params[bad].name}: ${argFullProblem(app.args[bad] ?? '', app.params[bad].type)} (got ${JSON.stringify(app.args[bad] ?? '')})`);
    return null;
  }
  return app.args.map((a) => a.trim());
}

/**
 * Splits program arguments like a shell: on whitespace, with "double" or 'single' quotes
 * keeping spaces and a backslash escaping the next character (not inside single quotes).
 */
function splitArgs(text) {
  const out = [];
  let cur = null;
  let quote = null;
  let escaped = false;
  for (const ch of text) {
    if (escaped) {
      cur = (cur ?? '') + ch;
      escaped = false;
    } else if (ch === '\\' && quote !== "'") {
      escaped = true;
      cur = cur ?? '';
    } else if (quote) {
      if (ch === quote) quote = null;
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      cur = cur ?? '';
    } else if (/\s/.test(ch)) {
      if (cur !== null) out.push(cur);
      cur = null;
    } else {
      cur = (cur ?? '') + ch;
    }
  }
  if (quote) throw new Error(`a ${quote === '"' ? 'double' : 'single'} quote is not closed`);
  if (escaped) cur += '\\';
  if (cur !== null) out.push(cur);
  return out;
}

/** KEY=VALUE lines (blank lines skipped). */
function splitEnv(text) {
  const out = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') return;
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`line ${i + 1}: expected KEY=VALUE, got ${JSON.stringify(line)}`);
    out.push(line);
  });
  return out;
}

/** The WASI settings as typed, checked: { args, env, stdin }, or null (errors shown). */
function readWasi() {
  const w = app.wasi;
  let args = [];
  let env = [];
  w.argsError = '';
  w.envError = '';
  try {
    args = splitArgs(w.args);
  } catch (e) {
    w.argsError = errorMessage(e);
  }
  try {
    env = splitEnv(w.env);
  } catch (e) {
    w.envError = errorMessage(e);
  }
  if (w.argsError || w.envError) {
    $('wasi').open = true;
    log('error', `WASI ${w.argsError ? `program arguments: ${w.argsError}` : `environment: ${w.envError}`}`);
    return null;
  }
  return { args, env, stdin: w.stdin };
}

const DEFAULT_WASI = JSON.stringify({ args: [], env: [], stdin: '' });

/**
 * Gives the Playground the WASI settings as typed when they changed (they take effect at
 * a reset). Returns 'changed', 'same', or null when they are invalid.
 */
function applyWasi() {
  const w = readWasi();
  if (!w) return null;
  const key = JSON.stringify(w);
  if (key === (app.wasi.applied ?? DEFAULT_WASI)) return 'same';
  app.pg.setWasi(w.args, w.env, w.stdin);
  app.wasi.applied = key;
  return 'changed';
}

/** How program arguments read back, quoted where needed. */
function argsText(args) {
  return args.map((a) => (a === '' || /[\s"'\\]/.test(a) ? JSON.stringify(a) : a)).join(' ');
}

/** Starts the selected function if no call is in progress. Returns false on failure. */
function ensureStarted() {
  if (inCall()) return true;
  const args = readArgs();
  if (!args) return false;
  const prev = app.state;
  try {
    // A WASI program with new settings, or its _start run again: a fresh instance first.
    // (Other modules keep their state: new settings wait for the next Reset.)
    const wasi = applyWasi();
    if (!wasi) return false;
    attachFiles();
    const used = app.state && app.state.status !== 'ready';
    if (usesWasi() && (wasi === 'changed' || (used && app.funcName === '_start'))) {
      app.pg.reset();
      drainOutput();
    }
    applyExceptionPause(app, $);
    setState(app.pg.start(app.funcName, args), prev);
    app.stackMore = 0;
  } catch (e) {
    log('error', errorMessage(e));
    return false;
  }
  app.callLabel = `${app.funcName}(${args.join(', ')})`;
  log('cmd', `▶ ${app.callLabel}${wasiNote()}`);
  return true;
}

/**
 * Gives the Playground the page's file system with the preopens as now chosen, and has its
 * sleeps pause the run (the run loop waits them out). Throws if a preopen cannot be made.
 */
function attachFiles() {
  if (!app.files || !usesWasi()) return;
  const problem = app.filesPanel.problem();
  if (problem) throw new Error(`Files: preopened folders: ${problem}`);
  app.pg.useFiles(app.files);
  app.pg.setPauseOnSleep(true);
  app.filesPanel.beforeCall();
}

/** What a WASI program is given, for the Console's call line ('' when nothing is set). */
function wasiNote() {
  if (!usesWasi() || !app.wasi.applied) return '';
  const w = JSON.parse(app.wasi.applied);
  const parts = [];
  if (w.args.length) parts.push(`args: ${argsText(w.args)}`);
  if (w.env.length) parts.push(`${w.env.length} environment variable${w.env.length === 1 ? '' : 's'}`);
  if (w.stdin) parts.push(`stdin: ${new TextEncoder().encode(w.stdin).length.toLocaleString('en-US')} bytes`);
  return parts.length ? ` — ${parts.join(', ')}` : '';
}

/** Runs a one-shot command (step into, step back, ...). */
function command(fn) {
  if (!app.pg || app.running) return;
  try {
    const prev = app.state;
    setState(fn(), prev);
    drainOutput();
    report(app.state);
  } catch (e) {
    drainOutput();
    log('error', errorMessage(e));
  }
  refresh();
}

/** Reports how a command ended, in the Console. */
function report(s, extra = '') {
  const top = s.frames[s.frames.length - 1];
  if (s.notRewound?.length) log('info', `stepped back; not undone (outside the program): ${s.notRewound.join('; ')}`);
  switch (s.stop.kind) {
    case 'exited':
      log('exit', `${app.callLabel ?? app.funcName} exited with code ${s.stop.exitCode}${extra}`);
      break;
    case 'finished': {
      const results = (s.stop.results ?? []).map(typed).join(', ') || '(no results)';
      log('result', `${app.callLabel ?? app.funcName} → ${results}${extra}`);
      break;
    }
    case 'trapped': {
      const at = s.stop.trapOffset != null ? ` at ${hex(s.stop.trapOffset)}` : '';
      const where = top ? ` in ${top.funcName}` : '';
      log('trap', `trap: ${s.stop.trap}${at}${where}${extra}`);
      break;
    }
    case 'breakpoint':
      log('info', `breakpoint ${s.stop.breakpoint} hit at ${top ? positionText(top) : '?'}${extra}`);
      break;
    case 'watchpoint': {
      const w = s.stop.watch;
      const bytes = (a) => Array.from(a, (b) => b.toString(16).padStart(2, '0')).join(' ');
      const where = app.mem.list.length > 1 ? ` of memory ${w.memory}` : '';
      log('info', `watchpoint ${w.watchpoint}: ${w.width}-byte write at ${hex(w.addr, 1)}${where}: ${bytes(w.old)} → ${bytes(w.new)}${extra}`);
      showAddress(app, w.addr, w.addr + Math.max(1, w.width) - 1, w.memory ?? 0);
      break;
    }
    case 'history-start':
      log('info', 'reached the oldest recorded step');
      break;
    case 'exception':
      log('info', `${exceptionStatus(s.stop)} (${s.stop.exception.instr} at ${top ? positionText(top) : '?'})${extra}`);
      break;
    case 'host-pause': // Pause during a WASI sleep, or a step over one (a step into says nothing)
      if (extra) log('info', `paused at ${top ? positionText(top) : '?'}${extra}`);
      break;
    case 'budget':
      log('info', `paused at ${top ? positionText(top) : '?'}${extra}`);
      break;
    default:
      break;
  }
}

// ---- sliced long-running commands ----------------------------------------------------

// A MessageChannel tick yields to input and rendering without setTimeout's 4 ms clamp.
const channel = new MessageChannel();
let queued = null;
channel.port1.onmessage = () => {
  const f = queued;
  queued = null;
  f?.();
};
function schedule(f) {
  queued = f;
  channel.port2.postMessage(null);
}

/**
 * Runs `first(budget)` and then `next(budget)` in slices of about SLICE_MS each until the
 * stop is not a budget stop or Pause is pressed; the status line counts live. A WASI sleep
 * (a host-pause stop with `sleepMs`) is waited out, then the command goes on, unless
 * `done(state)` says its goal was reached with the sleep (a step over the sleep's call).
 */
function sliced(label, first, next, done = null) {
  if (!app.pg || app.running) return;
  const run = { label, t0: performance.now(), executed0: app.state?.executed ?? 0 };
  const prev = app.state;
  app.running = run;
  app.pauseRequested = false;
  let started = false;
  let painted = 0; // when the running state was last shown
  const finish = (s, note = '') => {
    app.running = null;
    app.pauseRequested = false;
    setState(s, prev);
    drainOutput();
    const ms = performance.now() - run.t0;
    const n = Math.max(0, s.executed - run.executed0);
    const total = (s.status === 'finished' || s.status === 'trapped') && s.executed !== n ? `; ${s.executed.toLocaleString('en-US')} in this call` : '';
    report(s, ` (${n.toLocaleString('en-US')} instruction${n === 1 ? '' : 's'} in ${ms < 10 ? ms.toFixed(2) : Math.round(ms)} ms${total})${note}`);
    refresh();
  };
  const tick = () => {
    if (app.running !== run) return; // cancelled (a new module was loaded)
    if (started && app.pauseRequested) return finish(app.state); // paused between slices
    const t = performance.now();
    let s;
    try {
      s = (started ? next : first)(app.slice);
    } catch (e) {
      app.running = null;
      drainOutput();
      log('error', errorMessage(e));
      refresh();
      return;
    }
    started = true;
    const dt = performance.now() - t;
    const factor = dt > 0.5 ? SLICE_MS / dt : 4;
    app.slice = Math.round(Math.min(50_000_000, Math.max(1000, app.slice * Math.min(4, Math.max(0.25, factor)))));
    app.state = s;
    if (s.stop.kind === 'host-pause' && s.stop.sleepMs != null) return sleep(s);
    if (s.stop.kind !== 'budget') return finish(s);
    drainOutput(); // output shows as it is produced
    if (!painted) refresh(); // the first time: disable the buttons, enable Pause
    else if (t - painted > 50) renderLive(app);
    if (!painted || t - painted > 50) painted = t;
    schedule(tick);
  };
  // A WASI sleep: wait (without blocking the page) for the time the program asked, then go
  // on. Pause cancels the wait and leaves the program where it is, right after the sleep's
  // poll_oneoff (Continue then goes on at once).
  const sleep = (s) => {
    const ms = s.stop.sleepMs;
    const until = performance.now() + ms;
    let timer;
    const arm = (wait) => {
      // setTimeout takes at most 2^31 - 1 ms (longer fires at once): longer sleeps re-arm.
      timer = setTimeout(() => {
        const left = until - performance.now();
        if (left > 0) return arm(left);
        run.cancel = null;
        run.sleep = null;
        if (done?.(s)) finish(s); // the step was the sleep's call itself: it ends here
        else tick();
      }, Math.min(2 ** 31 - 1, Math.ceil(wait) + 1)); // + 1: never a millisecond early by the program's clock
    };
    arm(ms);
    run.sleep = { ms, until };
    run.cancel = (quiet) => {
      clearTimeout(timer);
      run.cancel = null;
      run.sleep = null;
      if (quiet) return;
      const left = Math.max(0, until - performance.now());
      finish(app.state, ` — paused in a sleep of ${sleepText(ms)}, ${sleepText(left)} of it left`);
    };
    drainOutput();
    refresh();
    painted = performance.now();
  };
  // The first slice runs at once: a short command finishes without a flash of "running".
  tick();
}

function sleepText(ms) {
  return ms >= 1000 ? `${(ms / 1000).toFixed(ms % 1000 ? 2 : 0)} s` : `${Math.round(ms)} ms`;
}

function cancelRun() {
  app.running?.cancel?.(true);
  app.running = null;
  app.pauseRequested = false;
  queued = null;
}

const actions = {
  run() {
    if (!app.pg || app.running || !app.funcName) return;
    if (!ensureStarted()) return refresh();
    sliced('Run', (b) => app.pg.run(b), (b) => app.pg.run(b));
  },
  continue() {
    if (!app.pg || app.running || !app.funcName) return;
    if (!ensureStarted()) return refresh();
    sliced('Continue', (b) => app.pg.resume(b), (b) => app.pg.proceed(b));
  },
  pause() {
    if (app.running?.cancel) app.running.cancel();
    else if (app.running) app.pauseRequested = true;
  },
  stepInto() {
    if (!app.pg || app.running || !app.funcName) return;
    if (!inCall()) {
      // Stopping before the first instruction counts as the first step.
      ensureStarted();
      return refresh();
    }
    command(() => app.pg.stepInto());
  },
  stepOver() {
    if (!app.pg || app.running || !app.funcName) return;
    if (!ensureStarted()) return refresh();
    const depth = app.state.depth;
    sliced('Step over', (b) => app.pg.stepOver(b), (b) => app.pg.proceed(b), (s) => s.depth <= depth);
  },
  stepOut() {
    if (!app.pg || app.running || !inCall()) return;
    const depth = app.state.depth;
    sliced('Step out', (b) => app.pg.stepOut(b), (b) => app.pg.proceed(b), (s) => s.depth < depth);
  },
  stepBack() {
    if (!app.state?.history) return;
    command(() => app.pg.stepBack());
  },
  reverseContinue() {
    if (!app.state?.history) return;
    command(() => app.pg.reverseContinue());
  },
  reset() {
    if (!app.pg || app.running) return;
    if (applyWasi() === null) return refresh();
    app.stackMore = 0;
    command(() => {
      attachFiles();
      return app.pg.reset();
    });
    app.prev = null;
    log('info', `reset: a fresh instance (breakpoints and watchpoints kept)${wasiNote()}`);
    refresh();
  },
};

// ---- breakpoints, watchpoints, memory navigation --------------------------------------

function toggleBreakpoint(func, offset) {
  if (!app.pg) return;
  try {
    const b = app.state?.breakpoints.find((x) => x.func === func && x.offset === offset);
    if (b) app.pg.removeBreakpoint(b.id);
    else app.pg.addBreakpoint(func, offset);
    app.state = app.pg.state();
  } catch (e) {
    log('error', errorMessage(e));
  }
  refresh();
}

// ---- permalinks (permalink.js): the module and its settings in the URL fragment ---------

/** What a link keeps: the loaded module, function, arguments, breakpoints, position, WASI. */
function linkState() {
  const loaded = app.pg && app.lastInput ? (app.lastInput.input ?? app.lastInput.file) : null;
  const module = loaded ?? $('editor').value;
  const s = app.pg ? app.state : null;
  return {
    module,
    name: app.source.kind === 'text' ? '' : app.source.name,
    func: app.funcName,
    args: app.args,
    breakpoints: s?.breakpoints ?? [],
    at: s?.status === 'paused' ? s.executed : 0,
    stubImports: app.stubImports,
    wasi: { args: app.wasi.args, env: app.wasi.env, stdin: app.wasi.stdin },
  };
}

async function copyLink() {
  const field = $('permalink');
  const message = $('link-message');
  let res;
  try {
    const state = linkState();
    // A loaded file is read again for its bytes (the page does not keep a copy of them).
    if (state.module instanceof Blob) {
      // (A link holds at most 64 KiB once compressed: a file this large never fits.)
      if (state.module.size > 32 * 1048576) throw new Error(`${state.name} is ${mib(state.module.size)} MiB, too large for a link`);
      state.module = new Uint8Array(await state.module.arrayBuffer());
    }
    res = await makeLink(location.href, state);
  } catch (e) {
    res = { error: `No link: ${errorMessage(e)}` };
  }
  message.classList.toggle('refused', !!res.error);
  if (res.error) {
    field.hidden = true;
    field.value = '';
    message.textContent = res.error;
    log('error', res.error);
    refresh();
    return;
  }
  field.hidden = false;
  field.value = res.url;
  field.select();
  let copied = false;
  try {
    await navigator.clipboard.writeText(res.url);
    copied = true;
  } catch {
    // no clipboard permission: the link is selected in the field
  }
  message.textContent = `${copied ? 'Link copied' : 'Copy the link from the field above'} (${res.url.length.toLocaleString('en-US')} characters).`;
}

/** Opens the module of a link (the page's fragment): returns false when there is none. */
async function openLink() {
  if (!isLink(location.hash)) return false;
  let link;
  try {
    link = await decodeLink(location.hash);
  } catch (e) {
    log('error', `cannot open the link: ${errorMessage(e)}`);
    return false;
  }
  app.stubImports = link.stubImports;
  if (link.wasi) Object.assign(app.wasi, link.wasi, { touched: true });
  const options = { func: link.func, args: link.args };
  let ok;
  if (typeof link.module === 'string') {
    $('editor').value = link.module;
    const ex = examples.findIndex((e) => e.wat === link.module);
    $('examples').value = ex >= 0 ? String(ex) : '';
    ok = loadModule(link.module, { ...options, source: { kind: 'text' } });
    if (!ok) showTextError(link.module);
  } else {
    $('examples').value = '';
    ok = loadModule(link.module, { ...options, source: { kind: 'binary', name: link.name, size: link.module.length } });
  }
  if (!ok) return true;
  if (link.wasi && (link.wasi.args || link.wasi.env || link.wasi.stdin)) $('wasi').open = true;
  // The position: the same call, run for as many instructions (before the breakpoints are
  // set, so that none stops it on the way).
  // The last instruction is a step of its own, so the page shows it as a step (with the
  // values it changed highlighted), as where the link was made.
  if (link.at > 0 && ensureStarted()) {
    try {
      if (link.at > 1) app.state = app.pg.resume(link.at - 1);
      if (app.state.status === 'paused') setState(app.pg.stepInto(), app.state);
      drainOutput();
    } catch (e) {
      log('error', errorMessage(e));
    }
  }
  for (const b of link.breakpoints) {
    try {
      app.pg.addBreakpoint(b.func, b.offset, b.hitCount ?? undefined);
    } catch (e) {
      log('error', `breakpoint at function ${b.func} offset ${hex(b.offset)}: ${errorMessage(e)}`);
    }
  }
  app.state = app.pg.state();
  const parts = [`${app.funcName}(${app.args.join(', ')})`];
  if (link.breakpoints.length) parts.push(`${link.breakpoints.length} breakpoint${link.breakpoints.length === 1 ? '' : 's'}`);
  if (link.at > 0) parts.push(`paused after ${link.at.toLocaleString('en-US')} instructions`);
  log('info', `opened a link: ${parts.join(', ')}`);
  refresh();
  return true;
}

// ---- wiring -----------------------------------------------------------------------------

function wire() {
  wireHeap(app, {
    refresh,
    collect: () => {
      if (!app.pg || app.running) return;
      try {
        app.state = app.pg.collectGarbage();
        const s = app.pg.heapStats();
        log('info', `garbage collected: ${s.lastFreedObjects} objects (${s.lastFreedBytes} bytes) freed, ${s.objects} live`);
      } catch (e) {
        log('error', errorMessage(e));
      }
      refresh();
    },
  });
  const click = (id, fn) => $(id).addEventListener('click', () => fn());
  click('run', actions.run);
  click('continue', actions.continue);
  click('pause', actions.pause);
  click('step-into', actions.stepInto);
  click('step-over', actions.stepOver);
  click('step-out', actions.stepOut);
  click('step-back', actions.stepBack);
  click('reverse-continue', actions.reverseContinue);
  click('reset', actions.reset);
  click('compile', compile);
  click('copy-link', copyLink);
  $('permalink').addEventListener('focus', (e) => e.target.select());
  click('console-clear', () => {
    app.log = [];
    refresh();
  });
  click('edit-text', () => {
    app.source = { kind: 'text' };
    refresh();
    $('editor').focus();
  });
  $('call-form').addEventListener('submit', (e) => {
    e.preventDefault();
    actions.run();
  });

  $('examples').addEventListener('change', (e) => {
    const ex = examples[Number(e.target.value)];
    if (!ex || e.target.value === '') return;
    forgetLink();
    $('editor').value = ex.wat;
    saveEditor();
    loadModule(ex.wat, { source: { kind: 'text' }, func: ex.func, args: ex.args });
  });

  $('file-input').addEventListener('change', async (e) => {
    const file = e.target.files?.[0];
    await loadFile(file);
    e.target.value = '';
  });
  const zone = $('drop-zone');
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    loadFile(e.dataTransfer?.files?.[0]);
  });

  const editor = $('editor');
  let saveTimer = 0;
  editor.addEventListener('input', () => {
    const ex = examples[Number($('examples').value)];
    if (ex && ex.wat !== editor.value) $('examples').value = '';
    clearTimeout(saveTimer);
    saveTimer = setTimeout(saveEditor, 300);
  });
  editor.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      compile();
    }
  });

  $('function').addEventListener('change', (e) => {
    selectFunction(e.target.value);
    refresh();
  });
  // With more exports than the picker lists (render.js PICKER_MAX), a filter narrows them;
  // Enter picks the first match.
  $('function-filter').addEventListener('input', (e) => {
    app.funcFilter = e.target.value;
    refresh();
  });
  $('function-filter').addEventListener('keydown', (e) => {
    if (e.key !== 'Enter') return;
    e.preventDefault();
    const needle = app.funcFilter.trim().toLowerCase();
    const first = [...$('function').options].find((o) => o.value && o.value.toLowerCase().includes(needle));
    if (first && !app.running) {
      selectFunction(first.value);
      refresh();
    }
  });
  $('args').addEventListener('input', (e) => {
    const i = Number(e.target.dataset.index);
    if (Number.isNaN(i)) return;
    app.args[i] = e.target.value;
    app.argErrors[i] = '';
    refresh();
  });
  $('args').addEventListener('change', (e) => {
    const i = Number(e.target.dataset.index);
    if (Number.isNaN(i) || !app.params[i]) return;
    app.argErrors[i] = argProblem(e.target.value, app.params[i].type);
    refresh();
  });

  $('disassembly').addEventListener('click', (e) => {
    const button = e.target.closest('button.gutter');
    if (button) toggleBreakpoint(Number(button.dataset.func), Number(button.dataset.offset));
  });
  $('call-stack').addEventListener('click', (e) => {
    const more = e.target.closest('button.more');
    if (more) {
      app.stackMore += Number(more.dataset.more);
      return refresh();
    }
    const button = e.target.closest('button.frame');
    if (!button) return;
    app.frame = Number(button.dataset.frame);
    app.scrollCode = true;
    refresh();
  });

  // WASI settings: kept as typed, given to the interpreter when the next call starts.
  const wasiField = (id, key) =>
    $(id).addEventListener('input', (e) => {
      app.wasi[key] = e.target.value;
      if (key === 'args') app.wasi.argsError = '';
      if (key === 'env') app.wasi.envError = '';
      renderWasi(app);
    });
  wasiField('wasi-args', 'args');
  wasiField('wasi-env', 'env');
  wasiField('wasi-stdin', 'stdin');
  $('wasi').querySelector('summary').addEventListener('click', () => {
    app.wasi.touched = true;
  });
  $('stub-imports').addEventListener('change', (e) => {
    app.stubImports = e.target.checked;
    reload();
  });

  wireExceptionPause(app, $, refresh);
  wireMemory(app, $, { refresh, log });
  wireLanes(app, $, ['lanes-stack', 'lanes-locals', 'lanes-globals'], refresh);

  document.addEventListener('keydown', (e) => {
    const keys = {
      F8: () => (app.running ? actions.pause() : actions.continue()),
      F10: () => (e.shiftKey ? actions.stepBack() : actions.stepOver()),
      F11: () => (e.shiftKey ? actions.stepOut() : actions.stepInto()),
    };
    const fn = keys[e.key];
    if (!fn) return;
    e.preventDefault();
    if (app.ready && app.pg) fn();
  });
}

// ---- start-up -----------------------------------------------------------------------------

async function main() {
  renderExamples(examples);
  $('max-file').textContent = `${mib(MAX_FILE).replace(/\.0$/, '')} MiB`;
  wire();
  let saved = null;
  try {
    saved = localStorage.getItem(STORAGE_KEY);
  } catch {
    // no storage
  }
  $('editor').value = saved ?? examples[0].wat;
  const ex = examples.findIndex((e) => e.wat === $('editor').value);
  $('examples').value = ex >= 0 ? String(ex) : '';
  render(app);
  try {
    await init();
  } catch (e) {
    app.fatal = `the interpreter (pkg/wasmscope_bg.wasm) did not load: ${errorMessage(e)}`;
    log('error', app.fatal);
    render(app);
    return;
  }
  app.ready = true;
  app.files = new Files();
  app.filesPanel = filesPanel(app.files, {
    log(kind, text) {
      log(kind, text);
      renderLive(app);
    },
  });
  if (!(await openLink())) compile();
  window.addEventListener('hashchange', () => {
    if (isLink(location.hash) && !app.running) openLink();
  });
}

main();
