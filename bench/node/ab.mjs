// Same-minute A/B of wasmscope builds inside node: the kernels of benches/kernels/ run by
// two or more wasm-pack (`--target nodejs`) builds of wasmscope, alternating call by call,
// with wasmi's wasm32 build (bench/node/run.sh builds it) as the yardstick of each round.
// Prints, per kernel, each build's best time and its ratio to the first build, and the
// geomeans. Use it for every change to the loop (the machine's speed drifts by minutes:
// only ratios measured in the same minutes mean anything).
//
//   wasm-pack build --release --target nodejs --out-dir /tmp/pkg-a   # in each checkout
//   node bench/node/ab.mjs /tmp/pkg-a /tmp/pkg-b [--reps N] [--no-simd] [kernel-filter...]

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { kernelsDir, readKernels, u64 } from './kernels.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

const argv = process.argv.slice(2);
let reps = 3;
let noSimd = false;
const builds = [];
const filters = [];
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--reps') reps = Math.max(1, Number(argv[++i]));
  else if (argv[i] === '--no-simd') noSimd = true;
  else if (argv[i].startsWith('--')) throw new Error(`unknown option ${argv[i]}`);
  else if (fs.existsSync(path.join(argv[i], 'wasmscope.js'))) builds.push(path.resolve(argv[i]));
  else filters.push(argv[i]);
}
if (builds.length < 2) {
  console.error('usage: node bench/node/ab.mjs PKG_A PKG_B [PKG...] [--reps N] [--no-simd] [filter...]');
  process.exit(2);
}

const kernels = readKernels('kernels.txt', filters)
  .filter((k) => !(noSimd && k.name.endsWith('_simd')));

const engines = builds.map((dir) => {
  const { Playground } = require(path.join(dir, 'wasmscope.js'));
  return {
    key: path.basename(dir),
    make(bytes) {
      const pg = Playground.load(bytes);
      return (n) => {
        pg.start('run', [String(n)]);
        const state = pg.run(1e15);
        if (state.stop.kind !== 'finished') throw new Error(`${dir}: ${state.stop.kind} ${state.stop.trap ?? ''}`);
        return u64(state.stop.results[0].value);
      };
    },
  };
});
const wasmiFile = process.env.WASMI_WASM ?? path.join(here, 'wasmi-wasm/target/wasm32-unknown-unknown/release/wasmi_wasm.wasm');
if (fs.existsSync(wasmiFile)) {
  const module = new WebAssembly.Module(fs.readFileSync(wasmiFile));
  engines.push({
    key: 'wasmi',
    make(bytes) {
      const { exports } = new WebAssembly.Instance(module, {});
      const ptr = exports.alloc(bytes.length);
      new Uint8Array(exports.memory.buffer, ptr, bytes.length).set(bytes);
      if (exports.load(ptr, bytes.length) !== 0) throw new Error('wasmi: load failed');
      return (n) => u64(exports.run(n));
    },
  });
}

console.log(`node ${process.version}, best of ${reps}, alternating; load ${os.loadavg()[0].toFixed(2)}`);
const pad = (s, n) => String(s).padStart(n);
console.log(`| kernel | ${engines.map((e) => `${e.key} ms`).join(' | ')} | ${engines.slice(1).map((e) => `${e.key}/${engines[0].key}`).join(' | ')} |`);
console.log(`| --- |${engines.map(() => ' ---: |').join('')}${engines.slice(1).map(() => ' ---: |').join('')}`);
const logs = engines.slice(1).map(() => 0);
for (const k of kernels) {
  const bytes = fs.readFileSync(path.join(kernelsDir, `${k.name}.wasm`));
  const runs = engines.map((e) => e.make(bytes));
  const best = engines.map(() => Infinity);
  for (let r = 0; r < reps; r++) {
    // Alternate the order too, so neither build always runs right after the other.
    const order = engines.map((_, i) => i);
    if (r % 2 === 1) order.reverse();
    for (const i of order) {
      const t = performance.now();
      const v = runs[i](k.n);
      const dt = performance.now() - t;
      if (k.checksum !== null && v !== k.checksum) throw new Error(`${k.name}: ${engines[i].key} returned ${v}, kernels.txt says ${k.checksum}`);
      best[i] = Math.min(best[i], dt);
    }
  }
  const ratios = best.slice(1).map((b) => b / best[0]);
  ratios.forEach((x, i) => (logs[i] += Math.log(x)));
  console.log(`| ${k.name} | ${best.map((b) => pad(b.toFixed(1), 7)).join(' | ')} | ${ratios.map((x) => pad(x.toFixed(2), 5)).join(' | ')} |`);
}
console.log(`| geomean | ${engines.map(() => '').join(' | ')} | ${logs.map((l) => `**${Math.exp(l / kernels.length).toFixed(2)}**`).join(' | ')} |`);
console.log(`load at end ${os.loadavg()[0].toFixed(2)}`);
