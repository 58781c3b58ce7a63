// The WebAssembly 3.0 kernels (benches/kernels/kernels3.txt: GC and exception handling)
// inside node: wasmscope compiled to wasm32 (pkg-wasmscope/, built by run.sh) through its
// Playground API, and V8 running the kernel itself where node's V8 can compile it. wasmi
// runs none of them. node 20's V8 (11.3) has only a pre-final GC encoding (behind
// --experimental-wasm-gc) and no `try_table`/exnref: the kernels it cannot compile are
// shown with V8's message, not timed.
//
//   node bench/node/v3.mjs [--quick] [--reps N] [kernel-filter...]
//
// Best of N wall times of the call alone; every call gets a fresh instance; every checksum
// must match kernels3.txt.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { kernelsDir, printTable, readKernels, u64 } from './kernels.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

const argv = process.argv.slice(2);
let reps = argv.includes('--quick') ? 1 : 3;
const filters = [];
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--quick') continue;
  else if (argv[i] === '--reps') reps = Math.max(1, Number(argv[++i]));
  else if (argv[i].startsWith('--')) throw new Error(`unknown option ${argv[i]}`);
  else filters.push(argv[i]);
}

const kernels = readKernels('kernels3.txt', filters);

const load = () => os.loadavg()[0].toFixed(2);
const { Playground } = require(path.join(here, 'pkg-wasmscope/wasmscope.js'));

// One timed call on a fresh instance: [checksum, ms].
const engines = {
  wasmscope(bytes, n) {
    const pg = Playground.load(bytes);
    try {
      pg.start('run', [String(n)]);
      const t = performance.now();
      const state = pg.run(1e15);
      const dt = performance.now() - t;
      if (state.stop.kind !== 'finished') throw new Error(`wasmscope: ${state.stop.kind} ${state.stop.trap ?? ''}`);
      return [u64(state.stop.results[0].value), dt];
    } finally {
      pg.free();
    }
  },
  V8(bytes, n) {
    const { exports } = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
    const t = performance.now();
    const v = exports.run(n);
    return [u64(v), performance.now() - t];
  },
};

console.log(`node ${process.version} (V8 ${process.versions.v8}), best of ${reps}, a fresh instance per call`);
console.log(`load average at start: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
const rows = [];
for (const k of kernels) {
  const bytes = fs.readFileSync(path.join(kernelsDir, `${k.name}.wasm`));
  let v8Error = null;
  try {
    new WebAssembly.Module(bytes);
  } catch (e) {
    v8Error = e.message.replace(/^WebAssembly\.Module\(\): /, '');
  }
  const row = { name: k.name, n: k.n, best: {}, loadBefore: load(), v8Error };
  const keys = v8Error ? ['wasmscope'] : ['wasmscope', 'V8'];
  // V8 tiers up per call: a warm-up call first, and at least 3 timed calls.
  if (!v8Error) engines.V8(bytes, k.n);
  for (let r = 0; r < Math.max(reps, v8Error ? 0 : 3); r++) {
    for (const key of keys) {
      if (key === 'wasmscope' && r >= reps) continue;
      const [v, dt] = engines[key](bytes, k.n);
      if (k.checksum !== null && v !== k.checksum) throw new Error(`${k.name}: ${key} returned ${v}, kernels3.txt says ${k.checksum}`);
      row.best[key] = Math.min(row.best[key] ?? Infinity, dt);
    }
  }
  row.load = `${row.loadBefore}→${load()}`;
  console.error(`  ${k.name.padEnd(11)} n=${String(k.n).padEnd(8)} ` + keys.map((e) => `${e} ${row.best[e].toFixed(1)} ms`).join('  ') + `  (load ${row.load})`);
  rows.push(row);
}

const header = ['kernel', 'n', 'wasmscope ms', 'V8 ms', 'wasmscope/V8', 'load (1 min)'];
const lines = rows.map((r) => [
  r.name,
  String(r.n),
  r.best.wasmscope.toFixed(1),
  r.v8Error ? 'cannot compile' : r.best.V8.toFixed(1),
  r.v8Error ? '—' : (r.best.wasmscope / r.best.V8).toFixed(2),
  r.load,
]);
printTable(header, lines);
for (const r of rows) if (r.v8Error) console.log(`\n${r.name}: V8 ${process.versions.v8}: ${r.v8Error}`);
console.log(`\nload average at end: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
