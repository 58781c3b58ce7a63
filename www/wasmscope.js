// wasmscope's public JS API: a thin wrapper over the interpreter's `Playground` class
// (pkg/wasmscope.js, built by wasm-pack) for pages that want to script a debugging session.
//
//   import { load } from './wasmscope.js';
//   const s = await load('(module (func (export "fac") ...))');
//   s.start('fac', [5]);
//   s.step();                // step into
//   s.state().frames.at(-1)  // { funcName: 'fac', offset: 34, locals: [...], operands: [...] }
//
// The interpreter's wasm is fetched and initialised once per page, however many sessions
// (and <wasm-playground> elements, which use this module) there are.

import initWasm, { Playground, watToWasm } from './pkg/wasmscope.js';

/**
 * Instructions a command runs at most when no budget is given (then it stops with
 * `stop.kind === 'budget'`; call it again, or `proceed()`, to go on). About a second of work.
 */
export const DEFAULT_BUDGET = 100_000_000;

let initialised = null;

/**
 * Loads and initialises the interpreter, once: every later call (and `load`) returns the same
 * promise. `wasm` is where `wasmscope_bg.wasm` is (a URL, a `Response`, bytes or a
 * `WebAssembly.Module`); by default it is found next to `pkg/wasmscope.js`.
 *
 * @param {string | URL | Response | BufferSource | WebAssembly.Module} [wasm]
 * @returns {Promise<void>}
 */
export function init(wasm) {
  initialised ??= initWasm(wasm === undefined ? undefined : { module_or_path: wasm }).then(
    () => undefined,
    (e) => {
      initialised = null; // a later call may try again
      throw e;
    },
  );
  return initialised;
}

/**
 * Starts loading the interpreter only if nothing did yet; resolves when it is ready. The
 * custom element uses it so that a page's own earlier `init(url)` wins.
 * @returns {Promise<void>}
 */
export const ready = () => init();

/**
 * A call argument as the interpreter's text form: numbers (`5`, `1.5`, `NaN`, `-Infinity`,
 * `-0`), bigints (`2n ** 63n - 1n`), `null` (a null reference), a typed value from a state
 * (`{ type: 'i64', value: '7' }`) or a string as the CLI takes it (`'-0x10'`, `'nan:0x1'`,
 * `'i64:7'`).
 *
 * @param {number | bigint | string | null | {type: string, value: string}} v
 * @returns {string}
 */
export function argText(v) {
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'nan';
    if (v === Infinity) return 'inf';
    if (v === -Infinity) return '-inf';
    if (Object.is(v, -0)) return '-0';
    return String(v);
  }
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (v && typeof v === 'object' && typeof v.type === 'string' && 'value' in v) return `${v.type}:${v.value}`;
  throw new TypeError(`not a wasm argument: ${String(v)}`);
}

/** Is `bytes` a WebAssembly binary (it starts with the magic number `\0asm`)? */
export function isBinary(bytes) {
  return bytes.length >= 4 && bytes[0] === 0 && bytes[1] === 0x61 && bytes[2] === 0x73 && bytes[3] === 0x6d;
}

/** Bytes of a string, buffer, view, Response or URL; a string is WAT text. */
async function moduleInput(input) {
  if (typeof input === 'string') return input;
  if (input instanceof URL) input = await fetch(input);
  if (typeof Response !== 'undefined' && input instanceof Response) {
    if (!input.ok) throw new Error(`${input.url || 'the module'}: HTTP ${input.status}`);
    return new Uint8Array(await input.arrayBuffer());
  }
  if (input instanceof Uint8Array) return input;
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  throw new TypeError('load() takes WAT text (a string), bytes (Uint8Array, ArrayBuffer), a Response or a URL');
}

/**
 * Loads a module (validates and instantiates it) and returns a debugging session over it.
 * Throws an `Error` with the interpreter's message (the CLI's, with the byte offset where
 * there is one) when the module is malformed, invalid or needs imports nothing provides.
 *
 * WASI (`wasi_snapshot_preview1`) is built in: a WASI program's output is in `output()`.
 *
 * @param {string | Uint8Array | ArrayBuffer | ArrayBufferView | Response | URL} input
 *   WAT text, the bytes of a binary (or of WAT text), a fetch `Response`, or a `URL` to fetch
 * @param {object} [options]
 * @param {boolean} [options.stubImports] satisfy imports nothing provides (other than WASI)
 *   with stubs that return zeros and log each call to stderr
 * @param {WasiOptions} [options.wasi] WASI arguments, environment, stdin and seed
 * @param {string | URL | Response | BufferSource | WebAssembly.Module} [options.wasm] where
 *   the interpreter's `wasmscope_bg.wasm` is (only the first initialisation uses it)
 * @returns {Promise<Session>}
 */
export async function load(input, options = {}) {
  const source = await moduleInput(input);
  await init(options.wasm);
  return new Session(Playground.load(source, !!options.stubImports), options);
}

/**
 * @typedef {object} WasiOptions
 * @property {string[]} [args] program arguments after the program name
 * @property {string[] | Record<string, string>} [env] `KEY=VALUE` strings, or an object
 * @property {string} [stdin] what the program reads from fd 0
 * @property {number} [seed] makes `random_get` and the clocks reproducible
 */

/**
 * @typedef {object} TypedValue A wasm value; `value` is text so that i64s and NaN payloads
 *   stay exact (`'120'`, `'-0.5'`, `'nan:0x200000'`, `'inf'`, `'null'`).
 * @property {'i32'|'i64'|'f32'|'f64'|'v128'|'funcref'|'externref'} type
 * @property {string} value (a v128: i32x4 lanes, `'i32x4:[1, 2, 3, 4]'`)
 * @property {string} [bits] a v128's 128 bits in hexadecimal (`'0x00000004000000030000000200000001'`),
 *   for `v128Text(bits, shape)` of pkg/wasmscope.js to show other lane shapes
 */

/**
 * @typedef {object} Frame A call frame (`frames` is outermost first; the last is running).
 * @property {number} func function index in the module
 * @property {string} funcName its name (from the name section or export, else `func[i]`)
 * @property {number} offset byte offset of the next instruction in the module
 * @property {number} line index of that instruction in `disassembly(func).lines`
 * @property {string} text that instruction (`local.get 0`, `call $fac`)
 * @property {boolean} elided true for a frame deep inside a long call stack whose locals
 *   and operands were left out; `frame(k)` has them
 * @property {Array<TypedValue & {index: number, name: string|null}>} locals parameters first
 * @property {Array<TypedValue & {block: number}>} operands the value stack, bottom first;
 *   `block` is the nesting depth of the block each value belongs to (0: the function body)
 */

/**
 * @typedef {object} Stop Why execution stopped.
 * @property {'ready'|'started'|'step'|'breakpoint'|'watchpoint'|'finished'|'exited'|'trapped'|'budget'|'host-pause'|'history-start'} kind
 *   (`host-pause`: a host function asked to pause, e.g. a WASI sleep when the Playground's
 *   `setPauseOnSleep(true)` is on; sessions of this API do not set it, so their sleeps return at once)
 * @property {TypedValue[]|null} results the results (`finished`)
 * @property {number|null} exitCode the WASI exit code (`exited`)
 * @property {number|null} breakpoint the breakpoint's id (`breakpoint`)
 * @property {{watchpoint: number, addr: number, width: number, old: number[], new: number[]}|null} watch
 *   the write that hit a watchpoint (`watchpoint`)
 * @property {string|null} trap the trap message, worded as the spec testsuite words it (`trapped`)
 * @property {number|null} trapOffset byte offset of the trapping instruction, when known
 * @property {number|null} sleepMs the requested sleep in milliseconds (`host-pause` in a WASI sleep)
 */

/**
 * @typedef {object} State Everything about the session, returned by every command.
 * @property {'ready'|'paused'|'finished'|'trapped'} status `ready`: no call yet (or after a
 *   reset); `paused`: inside a call; `finished`: returned or exited; `trapped`
 * @property {Stop} stop why it stopped
 * @property {Frame[]} frames the call stack, outermost first
 * @property {Array<TypedValue & {index: number, name: string|null, mutable: boolean}>} globals
 * @property {number|null} memoryPages size of memory 0 in its pages (null: no memory)
 * @property {number|null} memoryBytes size of memory 0 in bytes (null: no memory)
 * @property {Array<{addr: number, len: number, memory: number}>} lastWrites memory written by
 *   the last step, in every memory (`memory`: its index; 0 unless multi-memory). Addresses are
 *   JS numbers, exact up to 2^53 - 1 (memory64)
 * @property {Array<{index: number, elem: string, size: number, entries: TypedValue[]}>} tables
 * @property {number} executed instructions executed in this call
 * @property {number} depth number of frames
 * @property {number} history steps that `stepBack` can undo
 * @property {Array<{id: number, func: number, offset: number, hitCount: number|null, hits: number}>} breakpoints
 * @property {Array<{id: number, memory: number, addr: number, len: number}>} watchpoints
 */

/**
 * A loaded module and a debugging session over a fresh instance of it. Every command
 * returns the new {@link State}; errors (a wrong argument, no such function) throw.
 */
export class Session {
  /** @param {Playground} playground @param {{wasi?: WasiOptions}} [options] */
  constructor(playground, options = {}) {
    /** The underlying `Playground` (pkg/wasmscope.d.ts), for what this wrapper leaves out. */
    this.playground = playground;
    /** Imports, exports, functions (with parameter names), counts, custom sections, size. */
    this.summary = playground.summary();
    this._stdout = '';
    this._stderr = '';
    this._fresh = [];
    if (options.wasi) this.setWasi(options.wasi);
    this._drain();
  }

  /**
   * The exported functions: `[{ name, index, params: [{ name, type }], results: [type] }]`
   * (parameter names from the name section, else `$0`, `$1`, ...).
   */
  functions() {
    // By index, once: a search per export is quadratic (100,000 exports would take minutes).
    const byIndex = new Map(this.summary.functions.map((f) => [f.index, f]));
    return this.summary.exports
      .filter((e) => e.kind === 'func')
      .map((e) => {
        const f = byIndex.get(e.index);
        return {
          name: e.name,
          index: e.index,
          params: (f?.params ?? []).map((type, i) => ({ name: `$${f.paramNames[i] ?? i}`, type })),
          results: f?.results ?? [],
        };
      });
  }

  /** Does the module import anything from WASI? */
  usesWasi() {
    return this.summary.imports.some((i) => i.module === 'wasi_snapshot_preview1');
  }

  _drain() {
    let chunks = [];
    try {
      chunks = this.playground.takeOutput();
    } catch {
      return;
    }
    for (const c of chunks) {
      if (c.fd === 2) this._stderr += c.text;
      else this._stdout += c.text;
      this._fresh.push(c);
    }
  }

  _do(fn) {
    try {
      return fn();
    } finally {
      this._drain();
    }
  }

  /**
   * Starts the exported function `name` with `args` (numbers, bigints, strings: see
   * {@link argText}); stops before its first instruction. Continues on the current instance
   * (memory and globals as the last call left them): `reset()` first for a fresh one.
   * @param {string} name
   * @param {Array<number|bigint|string|null|TypedValue>} [args]
   * @returns {State}
   */
  start(name, args = []) {
    return this._do(() => this.playground.start(name, args.map(argText)));
  }

  /** Step into: one instruction (into a call). Starts nothing: call `start` first. @returns {State} */
  step() {
    return this.stepInto();
  }

  /** One instruction, into calls. @returns {State} */
  stepInto() {
    return this._do(() => this.playground.stepInto());
  }

  /** One instruction; a call runs to its return (or a breakpoint). @returns {State} */
  stepOver(budget = DEFAULT_BUDGET) {
    return this._do(() => this.playground.stepOver(budget));
  }

  /** Runs until the current function returns (or a breakpoint). @returns {State} */
  stepOut(budget = DEFAULT_BUDGET) {
    return this._do(() => this.playground.stepOut(budget));
  }

  /** Undoes one instruction (memory, globals, tables and the stack go back too). @returns {State} */
  stepBack() {
    return this._do(() => this.playground.stepBack());
  }

  /** Runs backwards to the previous breakpoint or watched write. @returns {State} */
  reverseContinue() {
    return this._do(() => this.playground.reverseContinue());
  }

  /**
   * Runs until a breakpoint, a watchpoint, the end, a trap, or `budget` instructions
   * (recorded: `stepBack` works afterwards).
   * @param {number} [budget]
   * @returns {State}
   */
  continue(budget = DEFAULT_BUDGET) {
    return this._do(() => this.playground.resume(budget));
  }

  /** Goes on with the last step over / step out / continue / runTo after a `budget` stop. @returns {State} */
  proceed(budget = DEFAULT_BUDGET) {
    return this._do(() => this.playground.proceed(budget));
  }

  /**
   * Full speed to the end (or `budget` instructions): no breakpoints, no history.
   * @param {number} [budget]
   * @returns {State}
   */
  run(budget = DEFAULT_BUDGET) {
    return this._do(() => this.playground.run(budget));
  }

  /** Runs until the instruction at `offset` of function `func` (index or name) is next. @returns {State} */
  runTo(func, offset, budget = DEFAULT_BUDGET) {
    return this._do(() => this.playground.runTo(this.funcIndex(func), offset, budget));
  }

  /**
   * `start(name, args)` then `run()`: the call's results (`[{type, value}]`), or throws
   * with the trap message. A WASI program's exit is `[]` with `state().stop.exitCode`.
   */
  call(name, args = [], budget = DEFAULT_BUDGET) {
    this.start(name, args);
    const s = this.run(budget);
    if (s.status === 'trapped') throw new Error(`trap: ${s.stop.trap}`);
    if (s.stop.kind === 'budget') throw new Error(`${name} did not finish within ${budget} instructions`);
    return s.stop.results ?? [];
  }

  /** A fresh instance of the module (memory, globals, tables as after instantiation); keeps breakpoints. @returns {State} */
  reset() {
    return this._do(() => this.playground.reset());
  }

  /** The current state, without running anything. @returns {State} */
  state() {
    return this.playground.state();
  }

  /** Frame `k` (0 is the outermost) in full, also when `state()` elided it. @returns {Frame} */
  frame(k) {
    return this.playground.frame(k);
  }

  /**
   * A function's instructions: `{ index, name, lines: [{ offset, depth, text }] }`.
   * @param {number|string} func index, or an exported function's name
   */
  disassembly(func) {
    return this.playground.disassembly(this.funcIndex(func));
  }

  /** A function's index from its export name (numbers pass through). */
  funcIndex(func) {
    if (typeof func === 'number') return func;
    const e = this.summary.exports.find((x) => x.kind === 'func' && x.name === func);
    if (!e) throw new Error(`no exported function named \`${func}\``);
    return e.index;
  }

  /**
   * Bytes `[addr, addr + len)` of memory 0 (a copy, clipped to the memory's size).
   * @returns {Uint8Array}
   */
  readMemory(addr, len) {
    return this.playground.readMemory(addr, len);
  }

  /**
   * Adds a breakpoint before the instruction at byte `offset` of `func` (index or export
   * name); with `hitCount`, it stops from that hit on. Returns its id.
   */
  addBreakpoint(func, offset, hitCount) {
    return this.playground.addBreakpoint(this.funcIndex(func), offset, hitCount);
  }

  /** @returns {boolean} whether there was such a breakpoint */
  removeBreakpoint(id) {
    return this.playground.removeBreakpoint(id);
  }

  /** Breaks after any write to `[addr, addr + len)`; returns its id. */
  addWatchpoint(addr, len = 1) {
    return this.playground.addWatchpoint(addr, len);
  }

  /**
   * The instance's memories: `[{ index, name, pages, bytes, pageSize, max, memory64, shared }]`
   * (`name` from the name section, or null; `pageSize` 65536, or 1 with custom page sizes).
   */
  memories() {
    return this.playground.memories();
  }

  /**
   * Bytes `[addr, addr + len)` of memory `memory` (a copy, clipped to its size). `addr` is a
   * JS number: a memory64 address is exact up to 2^53 - 1.
   * @returns {Uint8Array}
   */
  readMemoryIn(memory, addr, len) {
    return this.playground.readMemoryIn(memory, addr, len);
  }

  /** Breaks after any write to `[addr, addr + len)` of memory `memory`; returns its id. */
  addWatchpointIn(memory, addr, len = 1) {
    return this.playground.addWatchpointIn(memory, addr, len);
  }

  /** @returns {boolean} whether there was such a watchpoint */
  removeWatchpoint(id) {
    return this.playground.removeWatchpoint(id);
  }

  /**
   * WASI settings, given to the program at the next `reset()`.
   * @param {WasiOptions} options
   */
  setWasi({ args = [], env = [], stdin = '', seed } = {}) {
    const list = Array.isArray(env) ? env : Object.entries(env).map(([k, v]) => `${k}=${v}`);
    this.playground.setWasi(args.map(String), list, stdin, seed);
  }

  /**
   * Everything a WASI program (or a stub) wrote so far: `{ stdout, stderr }` as text.
   * @returns {{stdout: string, stderr: string}}
   */
  output() {
    this._drain();
    return { stdout: this._stdout, stderr: this._stderr };
  }

  /**
   * The output written since the last call, in order: `[{ fd: 1 | 2, text }]`.
   * @returns {Array<{fd: number, text: string}>}
   */
  takeOutput() {
    this._drain();
    return this._fresh.splice(0);
  }

  /** Forgets the output collected so far. */
  clearOutput() {
    this._drain();
    this._stdout = this._stderr = '';
    this._fresh = [];
  }

  /** Frees the interpreter's memory for this session (it cannot be used afterwards). */
  free() {
    this.playground.free();
  }
}

/**
 * WAT text to a binary module (throws with the parser's message). Needs `init()` first.
 * @param {string} text
 * @returns {Uint8Array}
 */
export function wat2wasm(text) {
  return watToWasm(text);
}
