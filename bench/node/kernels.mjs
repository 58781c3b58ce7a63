// The kernel lists of benches/kernels/ (kernels.txt, kernels3.txt), shared by bench.mjs,
// ab.mjs and v3.mjs. A line: NAME NATIVE_N NATIVE_CHECKSUM NODE_N NODE_CHECKSUM ('-': none);
// `#` starts a comment line.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const kernelsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../benches/kernels');

/** The kernels of `file` whose names contain one of `filters` (all when none), with node's n. */
export function readKernels(file, filters = []) {
  return fs
    .readFileSync(path.join(kernelsDir, file), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const [name, , , n, checksum] = l.split(/\s+/);
      return { name, n: Number(n), checksum: checksum === '-' ? null : BigInt(checksum) };
    })
    .filter((k) => filters.length === 0 || filters.some((f) => k.name.includes(f)));
}

/** A result as the u64 checksum the lists hold. */
export const u64 = (v) => BigInt.asUintN(64, BigInt(v));

/** Prints a Markdown table, the first column left-aligned and the others right-aligned. */
export function printTable(header, lines) {
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells) => '| ' + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ') + ' |';
  console.log();
  console.log(fmt(header));
  console.log('|' + widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|');
  for (const l of lines) console.log(fmt(l));
}
