// Load times of large modules inside node (V8), the page's way, next to wasmi's wasm32 build:
//   wasmscope  the page's own build (www/pkg, wasm-pack --target web: scripts/setup.sh or
//              `npm test` builds it); a Loader fed the file in 1 MiB chunks, decoding as
//              they arrive (as www/main.js does), then finish() (instantiation with WASI);
//              and Playground.load(bytes) in one call;
//   wasmi      2.0.0 for wasm32 (wasmi-wasm/, bench/node/run.sh builds it): Module::new in
//              CompilationMode::Lazy (parse only) and LazyTranslation (validates).
//
//   node bench/node/load.mjs [--reps N] FILE.wasm...
//
// Each repetition runs every engine once, in turn (same-minute A/B); medians count. Then
// one fresh process per file measures wasm memory (a wasm memory only grows, so its size
// after a load is the load's peak), as multiples of the file's size.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const pkg = path.join(root, 'www/pkg');
const wasmiFile = path.join(here, 'wasmi-wasm/target/wasm32-unknown-unknown/release/wasmi_wasm.wasm');
const CHUNK = 1 << 20;
const STEP = 256 * 1024;

const argv = process.argv.slice(2);
let reps = 5;
let memoryOf = null;
const files = [];
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--reps') reps = Math.max(1, Number(argv[++i]));
  else if (argv[i] === '--memory') memoryOf = argv[++i];
  else if (argv[i].startsWith('--')) throw new Error(`unknown option ${argv[i]}`);
  else files.push(argv[i]);
}

const { default: init, Loader, Playground } = await import(pathToFileURL(path.join(pkg, 'wasmscope.js')));
const scope = await init({ module_or_path: fs.readFileSync(path.join(pkg, 'wasmscope_bg.wasm')) });
const wasmiModule = fs.existsSync(wasmiFile) ? new WebAssembly.Module(fs.readFileSync(wasmiFile)) : null;

/** The page's way: chunks pushed and decoded as they arrive; returns [decode ms, finish ms]. */
function streamed(bytes) {
  const t0 = performance.now();
  const loader = new Loader(bytes.length);
  for (let at = 0; at < bytes.length; at += CHUNK) {
    loader.push(bytes.subarray(at, at + CHUNK));
    for (let before = -1; loader.decoded !== before; ) {
      before = loader.decoded;
      loader.decode(false, STEP);
    }
  }
  while (!loader.decode(true, STEP));
  const t1 = performance.now();
  const pg = loader.finish(true);
  const t2 = performance.now();
  pg.free();
  return [t1 - t0, t2 - t1];
}

function whole(bytes) {
  const t0 = performance.now();
  const pg = Playground.load(bytes, true);
  const t = performance.now() - t0;
  pg.free();
  return t;
}

let wasmiShared = null;
/**
 * wasmi Module::new; returns [ms, its instance's exports]. The timing runs reuse one instance
 * (its allocator reuses the memory the last module freed: fresh instances of 170 MB each
 * left to the GC made V8 crawl); `fresh` makes a new one (for the memory measurement).
 */
function wasmi(bytes, lazy, fresh = false) {
  const { exports } = fresh || !wasmiShared ? new WebAssembly.Instance(wasmiModule, {}) : wasmiShared;
  if (!fresh) wasmiShared = { exports };
  const ptr = exports.alloc(bytes.length);
  new Uint8Array(exports.memory.buffer, ptr, bytes.length).set(bytes);
  const t0 = performance.now();
  if (exports.compile(ptr, bytes.length, lazy ? 1 : 0) !== 0) throw new Error('wasmi: compile failed');
  return [performance.now() - t0, exports];
}

const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const mb = (n) => (n / 1e6).toFixed(1);

if (memoryOf) {
  // Child: one load in a fresh wasm instance.
  const bytes = new Uint8Array(fs.readFileSync(memoryOf));
  const base = scope.memory.buffer.byteLength;
  const loader = new Loader(bytes.length);
  for (let at = 0; at < bytes.length; at += CHUNK) loader.push(bytes.subarray(at, at + CHUNK));
  while (!loader.decode(true, 1 << 30));
  const decoded = scope.memory.buffer.byteLength;
  const pg = loader.finish(true);
  const loaded = scope.memory.buffer.byteLength;
  const summary = pg.summary();
  pg.state();
  const shown = scope.memory.buffer.byteLength;
  let wasmiLazy = null;
  if (wasmiModule) {
    const [, ex] = wasmi(bytes, true, true);
    wasmiLazy = ex.memory.buffer.byteLength;
  }
  console.log(JSON.stringify({ size: bytes.length, base, decoded, loaded, shown, functions: summary.functions.length, wasmiLazy }));
  process.exit(0);
}

console.log(`node ${process.version} (V8 ${process.versions.v8}), median of ${reps}; wasmscope from www/pkg${wasmiModule ? '' : '; no wasmi-wasm build (bench/node/run.sh builds it)'}`);
console.log(`load average at start: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
const rows = [];
for (const file of files) {
  const bytes = new Uint8Array(fs.readFileSync(file));
  const t = { dec: [], fin: [], whole: [], lazy: [], lt: [] };
  for (let r = 0; r < reps; r++) {
    const [d, f] = streamed(bytes);
    t.dec.push(d);
    t.fin.push(f);
    t.whole.push(whole(bytes));
    if (wasmiModule) {
      t.lazy.push(wasmi(bytes, true)[0]);
      t.lt.push(wasmi(bytes, false)[0]);
    }
    process.stderr.write(`  ${path.basename(file)} rep ${r + 1}: decode ${d.toFixed(0)} ms, finish ${f.toFixed(0)} ms\n`);
  }
  rows.push({ name: path.basename(file), size: bytes.length, t });
}
const m = (v) => (v.length ? median(v).toFixed(1) : '-');
const ratio = (a, b) => (b.length ? (median(a) / median(b)).toFixed(2) : '-');
console.log('\nTimes (ms, median):\n');
console.log('| module | MB | wasmscope decode + validate (streamed) | + instantiate (finish) | Playground.load (one call) | wasmi lazy | wasmscope decode / wasmi lazy | wasmi lazy-translation | wasmscope decode / wasmi l-t |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const { name, size, t } of rows) {
  console.log(`| ${name} | ${mb(size)} | ${m(t.dec)} | ${m(t.fin)} | ${m(t.whole)} | ${m(t.lazy)} | ${ratio(t.dec, t.lazy)} | ${m(t.lt)} | ${ratio(t.dec, t.lt)} |`);
}
console.log('\nwasm memory after one load in a fresh process (multiples of the file size):\n');
console.log('| module | MB | at start | decoded | + instantiated | + summary and state | wasmi lazy (bytes copied in + module) |');
console.log('|---|---:|---:|---:|---:|---:|---:|');
for (const file of files) {
  const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--memory', file], { encoding: 'utf8' });
  if (child.status !== 0) {
    console.log(`| ${path.basename(file)} | failed: ${child.stderr.trim().split('\n').at(-1)} |`);
    continue;
  }
  const r = JSON.parse(child.stdout);
  const x = (n) => (n == null ? '-' : `${mb(n)} MB (${(n / r.size).toFixed(2)}x)`);
  console.log(`| ${path.basename(file)} | ${mb(r.size)} | ${x(r.base)} | ${x(r.decoded)} | ${x(r.loaded)} | ${x(r.shown)} | ${x(r.wasmiLazy)} |`);
}
console.log(`\nload average at end: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
