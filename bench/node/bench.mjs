// The kernels of benches/kernels/ inside node (V8), three ways:
//   wasmscope  compiled to wasm32 (wasm-pack, pkg-wasmscope/), through its Playground API;
//   wasmi      2.0.0 compiled to wasm32 (wasmi-wasm/), default features plus `simd`: on
//              wasm32 that is its portable loop dispatch (tail-call dispatch needs the
//              `tail-call` target feature; such a build overflows V8's stack here, see
//              BENCHMARKS.md);
//   V8         the kernel itself, WebAssembly.instantiate.
//
//   node bench/node/bench.mjs [--quick] [--reps N] [--no-simd] [kernel-filter...]
//                             (--no-simd: skip the `_simd` kernels)
//   WASMI_WASM=other/wasmi_wasm.wasm node bench/node/bench.mjs ...   # another wasmi build
//
// Built by bench/node/run.sh (use that). Best of N wall times of the call alone
// (instantiation excluded); every checksum must match benches/kernels/kernels.txt.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { kernelsDir, printTable, readKernels, u64 } from './kernels.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const require = createRequire(import.meta.url);

// ---- arguments ----
const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
let reps = quick ? 1 : 3;
const filters = [];
let noSimd = false;
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--quick') continue;
  else if (argv[i] === '--no-simd') noSimd = true;
  else if (argv[i] === '--reps') reps = Math.max(1, Number(argv[++i]));
  else if (argv[i].startsWith('--')) throw new Error(`unknown option ${argv[i]}`);
  else filters.push(argv[i]);
}

// ---- kernels ----
const kernels = readKernels('kernels.txt', filters)
  .filter((k) => !(noSimd && k.name.endsWith('_simd')));

const load = () => os.loadavg()[0].toFixed(2);

// ---- engines: each returns { run(n) -> BigInt } for a kernel's bytes ----

const { Playground } = require(path.join(here, 'pkg-wasmscope/wasmscope.js'));

function wasmscope(bytes) {
  const pg = Playground.load(bytes);
  return {
    run(n) {
      pg.start('run', [String(n)]);
      const state = pg.run(1e15);
      if (state.stop.kind !== 'finished') throw new Error(`wasmscope: ${state.stop.kind} ${state.stop.trap ?? ''}`);
      return u64(state.stop.results[0].value);
    },
  };
}

function wasmiEngine(file) {
  const module = new WebAssembly.Module(fs.readFileSync(file));
  return (bytes) => {
    // A fresh wasmi instance per kernel (its memory only grows).
    const { exports } = new WebAssembly.Instance(module, {});
    const ptr = exports.alloc(bytes.length);
    new Uint8Array(exports.memory.buffer, ptr, bytes.length).set(bytes);
    if (exports.load(ptr, bytes.length) !== 0) throw new Error('wasmi: load failed');
    return { run: (n) => u64(exports.run(n)) };
  };
}

function v8(bytes) {
  const { exports } = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
  return { run: (n) => u64(exports.run(n)) };
}

const wasmiDir = path.join(here, 'wasmi-wasm/target');
const engines = [
  { key: 'wasmscope', make: wasmscope },
  // WASMI_WASM=file: another build of wasmi-wasm (an A/B of its features).
  { key: 'wasmi', make: wasmiEngine(process.env.WASMI_WASM ?? path.join(wasmiDir, 'wasm32-unknown-unknown/release/wasmi_wasm.wasm')) },
];
// V8 tiers up per function call (no on-stack replacement in wasm): a long first call
// runs in the baseline compiler, so V8 always gets a warm-up call and at least 3 timed calls.
engines.push({ key: 'V8', make: v8, minReps: 3, warmup: true });

// ---- measure ----
console.log(`node ${process.version} (V8 ${process.versions.v8}), best of ${reps}${process.env.WASMI_WASM ? `, wasmi from ${process.env.WASMI_WASM}` : ''}`);
console.log(`load average at start: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);

const rows = [];
for (const k of kernels) {
  const bytes = fs.readFileSync(path.join(kernelsDir, `${k.name}.wasm`));
  const row = { name: k.name, n: k.n, best: {}, loadBefore: load() };
  const inst = engines.map((e) => e.make(bytes));
  engines.forEach((e, i) => e.warmup && inst[i].run(k.n));
  const maxReps = Math.max(reps, ...engines.map((e) => (e.minReps ?? 0)));
  for (let r = 0; r < maxReps; r++) {
    engines.forEach((e, i) => {
      if (r >= Math.max(reps, e.minReps ?? 0)) return;
      const t = performance.now();
      const v = inst[i].run(k.n);
      const dt = performance.now() - t;
      if (k.checksum !== null && v !== k.checksum) {
        throw new Error(`${k.name}: ${e.key} returned ${v}, kernels.txt says ${k.checksum}`);
      }
      if (k.checksum === null) console.error(`  ${k.name}: ${e.key} checksum ${v} (not recorded)`);
      row.best[e.key] = Math.min(row.best[e.key] ?? Infinity, dt);
    });
  }
  row.load = `${row.loadBefore}→${load()}`;
  console.error(
    `  ${k.name.padEnd(13)} n=${String(k.n).padEnd(9)} ` +
      engines.map((e) => `${e.key} ${row.best[e.key].toFixed(1)} ms`).join('  ') +
      `  (load ${row.load})`,
  );
  rows.push(row);
}

// ---- table ----
const geomean = (xs) => Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length);
const header = ['kernel', 'n', 'wasmscope ms', 'wasmi ms', 'V8 ms', 'wasmscope/wasmi', 'wasmscope/V8', 'load (1 min)'];
const lines = [];
// The scalar kernels' geomean (the one recorded since the start) and the `_simd` kernels'
// (v128 instructions, see kernels.txt) apart.
const groups = [
  { label: 'geomean', wasmi: [], v8: [] },
  { label: 'geomean SIMD', wasmi: [], v8: [] },
];
for (const r of rows) {
  const rw = r.best.wasmscope / r.best.wasmi;
  const rv = r.best.wasmscope / r.best.V8;
  const g = groups[r.name.endsWith('_simd') ? 1 : 0];
  g.wasmi.push(rw);
  g.v8.push(rv);
  lines.push([r.name, String(r.n), r.best.wasmscope.toFixed(1), r.best.wasmi.toFixed(1), r.best.V8.toFixed(1),
    rw.toFixed(2), rv.toFixed(1), r.load]);
}
for (const g of groups) {
  if (g.wasmi.length) lines.push([g.label, '', '', '', '', geomean(g.wasmi).toFixed(2), geomean(g.v8).toFixed(1), '']);
}
printTable(header, lines);
console.log(`\nload average at end: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
