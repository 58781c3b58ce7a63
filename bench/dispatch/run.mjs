// The same styles compiled to wasm32 (no tail-call feature), inside node: best of 3. Without
// tail calls the threaded style recurses `chain` deep: 65536 overflows V8's stack.
import { readFileSync } from 'node:fs';
const file = new URL('./target/wasm32-unknown-unknown/release/dispatch.wasm', import.meta.url);
const { instance } = await WebAssembly.instantiate(readFileSync(file), {});
const e = instance.exports;
const n = Number(process.argv[2] ?? 20000000);
// Warm up first: V8 compiles with its baseline compiler, then optimises a function that
// runs long, and the optimised code is used from the next call on.
for (let r = 0; r < 5; r++) {
  e.run_match(1000000);
  for (const chain of [16, 64, 1024]) e.run_threaded(1000000, chain);
  e.run_call_loop(1000000);
}
const best = (f) => {
  let ms = Infinity, out;
  for (let r = 0; r < 3; r++) { const t = performance.now(); out = f(); ms = Math.min(ms, performance.now() - t); }
  return [ms, out];
};
const [base, want] = best(() => e.run_match(n));
console.log(`node ${process.version}, wasm32, n = ${n}, best of 3`);
console.log('| style | ms | vs match |\n|---|---:|---:|');
console.log(`| match loop | ${base.toFixed(1)} | 1.00 |`);
for (const chain of [16, 64, 1024]) {
  const [ms, got] = best(() => e.run_threaded(n, chain));
  if (got !== want) throw new Error(`threaded gave ${got}, match ${want}`);
  console.log(`| threaded, back to the loop every ${chain} | ${ms.toFixed(1)} | ${(base / ms).toFixed(2)} |`);
}
const [ms, got] = best(() => e.run_call_loop(n));
if (got !== want) throw new Error(`call loop gave ${got}, match ${want}`);
console.log(`| loop calling a handler per instruction | ${ms.toFixed(1)} | ${(base / ms).toFixed(2)} |`);
// The v128 layout: the `match` loop over 64-bit cells and over 128-bit cells.
for (let r = 0; r < 5; r++) { e.run_match_cells64(1000000); e.run_match_cells128(1000000); }
const [c64, got64] = best(() => e.run_match_cells64(n));
const [c128, got128] = best(() => e.run_match_cells128(n));
if (got64 !== want || got128 !== want) throw new Error(`cells gave ${got64} and ${got128}, match ${want}`);
console.log('\n| cells (the `match` loop) | ms | vs 64-bit |\n|---|---:|---:|');
console.log(`| 64-bit | ${c64.toFixed(1)} | 1.00 |`);
console.log(`| 128-bit | ${c128.toFixed(1)} | ${(c64 / c128).toFixed(2)} |`);
