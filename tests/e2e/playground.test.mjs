// End-to-end tests of the playground page (www/) in headless Chromium, driven by
// playwright-core through accessible names. `npm test` builds www/pkg, serves www/ and sets
// WASMSCOPE_URL; by hand:
//
//   wasm-pack build --release --target web --out-dir www/pkg
//   python3 -m http.server -d www 8123 --bind 127.0.0.1 &
//   WASMSCOPE_URL=http://127.0.0.1:8123/ node --test tests/e2e/
//
// Every test fails on a console error or an uncaught page error, and saves a screenshot to
// test-results/<test>.png (look at them: a panel can render wrong while its DOM is right).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { button, consoleText, eventually, expectConsole, expectStatus, region, stackValues, statusText, tableRows } from './common.mjs';

const URL = process.env.WASMSCOPE_URL;
if (!URL) {
  throw new Error(
    'WASMSCOPE_URL is not set: build the page (wasm-pack build --release --target web --out-dir www/pkg), ' +
      'serve www/ and set WASMSCOPE_URL to its URL (npm test does all of this)',
  );
}

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const RESULTS = join(ROOT, 'test-results');
mkdirSync(RESULTS, { recursive: true });

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let browser;
let tmpDir = null;
/** A temporary directory for generated files (removed after the tests). */
const tmp = () => (tmpDir ??= mkdtempSync(join(tmpdir(), 'wasmscope-e2e-')));

before(async () => {
  // A plain launch runs on a fresh temporary profile of its own.
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
});

after(async () => {
  await browser?.close();
  if (tmpDir) rmSync(tmpDir, { recursive: true, force: true });
});

/**
 * Opens the page in a fresh context (fresh storage), waits for the interpreter, runs `body`,
 * saves a screenshot and fails on any console error or page error.
 */
async function withPage(name, options, body) {
  if (typeof options === 'function') [options, body] = [{}, options];
  const { width = 1280, height = 800, colorScheme = 'light' } = options;
  const context = await browser.newContext({ viewport: { width, height }, colorScheme });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console.error: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  try {
    await page.goto(URL);
    await waitReady(page);
    await body(page);
  } finally {
    await page.screenshot({ path: join(RESULTS, `${name}.png`), fullPage: !!options.fullPage }).catch(() => {});
    await context.close();
  }
  assert.deepEqual(errors, [], 'no console errors or page errors');
}

async function waitReady(page) {
  await page.waitForFunction(() => {
    const s = document.getElementById('status')?.textContent ?? '';
    return s !== '' && !s.startsWith('loading');
  });
  const status = await statusText(page);
  assert.doesNotMatch(status, /^error/, `the interpreter loaded (status: ${status})`);
}

async function pickExample(page, label) {
  await page.getByLabel('Examples').selectOption({ label });
  await eventually(async () => assert.match(await consoleText(page), /loaded WAT/));
}

async function changedValues(page) {
  return region(page, 'Value stack')
    .locator('li.changed')
    .evaluateAll((lis) => lis.map((li) => li.textContent.replace(/\s+/g, ' ').trim()));
}

/** The gutter (breakpoint toggle) of the first disassembly line whose text is `text`. */
function gutter(page, text) {
  return region(page, 'Disassembly')
    .locator('li')
    .filter({ has: page.locator('.ins', { hasText: new RegExp(`^\\s*${text.replace('.', '\\.')}$`) }) })
    .first()
    .getByRole('button');
}

async function executed(page) {
  const text = await page.locator('#executed').textContent();
  return Number(text.replace(/[^0-9]/g, ''));
}

/**
 * Watches, in the page, the next click on Pause and the moment the status line stops
 * starting with `prefix`; returns a function that reads { click, stopped } (page times).
 */
async function timePause(page, prefix) {
  await page.evaluate((prefix) => {
    const status = document.getElementById('status');
    window.__pause = {};
    document.getElementById('pause').addEventListener('click', (e) => (window.__pause.click = e.timeStamp), { once: true });
    new MutationObserver((_, obs) => {
      if (!status.textContent.startsWith(prefix)) {
        window.__pause.stopped = performance.now();
        obs.disconnect();
      }
    }).observe(status, { childList: true, characterData: true, subtree: true });
  }, prefix);
  return () => page.evaluate(() => window.__pause);
}

// ---- tests --------------------------------------------------------------------------

test('stepping the recursive factorial shows exact values on the Value stack and in Locals', () =>
  withPage('step-factorial', async (page) => {
    await pickExample(page, 'Recursive factorial');
    await page.getByLabel('Function').selectOption('fac');
    assert.equal(await page.getByLabel('Function').inputValue(), 'fac');
    await page.getByLabel('$n: i64').fill('3');

    // Step into with no call in progress starts the call, before its first instruction.
    await button(page, 'Step into').click();
    await expectStatus(page, /^paused at fac @ 0x0022/);
    assert.deepEqual(await tableRows(page, 'Locals'), ['$n i64 3']);
    assert.deepEqual(await stackValues(page), []);
    const current = region(page, 'Disassembly').locator('li[aria-current="step"]');
    assert.match(await current.textContent(), /local\.get 0/);

    await button(page, 'Step into').click(); // local.get 0
    assert.deepEqual(await stackValues(page), ['i64 3']);
    await button(page, 'Step into').click(); // i64.const 1
    assert.deepEqual(await stackValues(page), ['i64 1', 'i64 3']);
    assert.deepEqual(await changedValues(page), ['i64 1'], 'the pushed value is highlighted');
    await button(page, 'Step into').click(); // i64.le_s
    assert.deepEqual(await stackValues(page), ['i32 0']);
    await button(page, 'Step into').click(); // if: the condition is false, on to else
    assert.deepEqual(await stackValues(page), []);
    await expectStatus(page, /@ 0x002c/);
    for (let i = 0; i < 3; i++) await button(page, 'Step into').click(); // local.get, local.get, i64.const
    assert.deepEqual(await stackValues(page), ['i64 1', 'i64 3', 'i64 3']);
    // Values inside the if's else branch belong to block 1.
    assert.deepEqual(
      await region(page, 'Value stack').getByRole('group').evaluateAll((gs) => gs.map((g) => g.getAttribute('aria-label'))),
      ['block 1'],
    );
    await button(page, 'Step into').click(); // i64.sub
    assert.deepEqual(await stackValues(page), ['i64 2', 'i64 3']);
    assert.deepEqual(await changedValues(page), ['i64 2']);

    // The call: a second frame with n = 2.
    await button(page, 'Step into').click();
    await expectStatus(page, /^paused at fac @ 0x0022/);
    assert.equal((await page.locator('#depth').textContent()).trim(), 'depth 2');
    assert.deepEqual(await tableRows(page, 'Locals'), ['$n i64 2']);
    assert.deepEqual(await stackValues(page), []);
    const frames = region(page, 'Call stack').getByRole('button');
    assert.equal(await frames.count(), 2);
    assert.match(await frames.nth(0).textContent(), /fac\s*0x0022/);
    assert.match(await frames.nth(1).textContent(), /fac\s*0x0033\s*call \$fac/);

    // Clicking the caller's frame shows its locals and operands, and its line.
    await frames.nth(1).click();
    assert.deepEqual(await tableRows(page, 'Locals'), ['$n i64 3']);
    assert.deepEqual(await stackValues(page), ['i64 3']);
    assert.match(await region(page, 'Disassembly').locator('li.caller').textContent(), /call \$fac/);
    await frames.nth(0).click();
    assert.deepEqual(await tableRows(page, 'Locals'), ['$n i64 2']);

    // Keyboard: F11 steps into, Shift+F10 steps back.
    await page.keyboard.press('F11');
    assert.deepEqual(await stackValues(page), ['i64 2']);
    await page.keyboard.press('Shift+F10');
    assert.deepEqual(await stackValues(page), []);
    await expectStatus(page, /^paused at fac @ 0x0022/);
  }));

test('a breakpoint set in the gutter; continue to it, step back, continue to the result', () =>
  withPage('breakpoint-factorial', async (page) => {
    await pickExample(page, 'Recursive factorial');
    await page.getByLabel('$n: i64').fill('4');
    const mul = gutter(page, 'i64.mul');
    assert.equal(await mul.getAttribute('aria-pressed'), 'false');
    await mul.click();
    assert.equal(await mul.getAttribute('aria-pressed'), 'true', 'the gutter shows the breakpoint');

    await button(page, 'Continue').click();
    await expectStatus(page, /^paused at fac @ 0x0035 \(breakpoint 1\)/);
    // fac(4) -> fac(3) -> fac(2) -> fac(1) returned 1: fac(2) is about to multiply 2 * 1.
    assert.equal((await page.locator('#depth').textContent()).trim(), 'depth 3');
    assert.deepEqual(await stackValues(page), ['i64 1', 'i64 2']);
    assert.deepEqual(await tableRows(page, 'Locals'), ['$n i64 2']);
    assert.match(await region(page, 'Disassembly').locator('li.current').textContent(), /i64\.mul/);
    await expectConsole(page, /breakpoint 1 hit at fac @ 0x0035/);

    // Step back: into fac(1) again, before its final `end`.
    await button(page, 'Step back').click();
    await expectStatus(page, /^paused at fac @ 0x0037/);
    assert.equal((await page.locator('#depth').textContent()).trim(), 'depth 4');
    assert.deepEqual(await tableRows(page, 'Locals'), ['$n i64 1']);
    assert.deepEqual(await stackValues(page), ['i64 1']);

    await button(page, 'Continue').click();
    await expectStatus(page, /\(breakpoint 1\)/);
    assert.equal((await page.locator('#depth').textContent()).trim(), 'depth 3');
    await button(page, 'Continue').click();
    await eventually(async () => assert.deepEqual(await stackValues(page), ['i64 2', 'i64 3']));
    assert.deepEqual(await tableRows(page, 'Locals'), ['$n i64 3']);
    await button(page, 'Continue').click();
    await eventually(async () => assert.deepEqual(await stackValues(page), ['i64 6', 'i64 4']));
    await button(page, 'Continue').click();
    await expectStatus(page, /^finished: i64:24$/);
    await expectConsole(page, /fac\(4\) → i64:24 \(\d+ instructions in [\d.]+ ms; 44 in this call\)/);

    // Remove the breakpoint; Run starts a new call and runs it to the end.
    await mul.click();
    assert.equal(await mul.getAttribute('aria-pressed'), 'false');
    await page.getByLabel('$n: i64').fill('20');
    await button(page, 'Run').click();
    await expectConsole(page, /fac\(20\) → i64:2432902008176640000/);
  }));

test('runs to completion: typed results, multi-value, traps and argument checks', () =>
  withPage('results-and-traps', async (page) => {
    await pickExample(page, 'Iterative fibonacci');
    await page.getByLabel('$n: i32').fill('10');
    await button(page, 'Run').click();
    await expectConsole(page, /fib\(10\) → i32:55/);
    await expectStatus(page, /^finished: i32:55$/);

    await pickExample(page, 'Multi-value function');
    await page.getByLabel('$a: i32').fill('47');
    await page.getByLabel('$b: i32').fill('5');
    await button(page, 'Run').click();
    await expectConsole(page, /divmod\(47, 5\) → i32:9, i32:2/);
    await page.getByLabel('Function').selectOption('swap');
    await page.getByLabel('$x: i64').fill('-1');
    await page.getByLabel('$y: f64').fill('2.5');
    await button(page, 'Run').click();
    await expectConsole(page, /swap\(-1, 2\.5\) → f64:2\.5, i64:-1/);

    // Argument checks before calling.
    await page.getByLabel('$x: i64').fill('twelve');
    await button(page, 'Run').click();
    assert.equal(await page.getByLabel('$x: i64').getAttribute('aria-invalid'), 'true');
    await expectConsole(page, /argument \$x: not a valid i64/);
    assert.equal(await page.getByText('not a valid i64', { exact: true }).isVisible(), true);

    await pickExample(page, 'A function that traps');
    await page.getByLabel('$total: i32').fill('10');
    await page.getByLabel('$count: i32').fill('0');
    await button(page, 'Run').click();
    await expectConsole(page, /trap: integer divide by zero at 0x[0-9a-f]+ in average/);
    await expectStatus(page, /^trapped: integer divide by zero$/);
    assert.match(await region(page, 'Disassembly').locator('li.trap').textContent(), /i32\.div_s/);
    // A new call after the trap works.
    await page.getByLabel('$count: i32').fill('3');
    await button(page, 'Run').click();
    await expectConsole(page, /average\(10, 3\) → i32:3/);
  }));

test('loading files: a binary, garbage bytes, a WAT type error, an oversized file', () =>
  withPage('load-files', async (page) => {
    const input = page.getByLabel('Load module');
    // (module (func (export "answer") (result i32) i32.const 42))
    const answer = Buffer.from([
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f, 0x03, 0x02, 0x01,
      0x00, 0x07, 0x0a, 0x01, 0x06, 0x61, 0x6e, 0x73, 0x77, 0x65, 0x72, 0x00, 0x00, 0x0a, 0x06, 0x01, 0x04, 0x00,
      0x41, 0x2a, 0x0b,
    ]);
    await input.setInputFiles({ name: 'answer.wasm', mimeType: 'application/wasm', buffer: answer });
    await eventually(async () => assert.match(await page.locator('#binary-note').textContent(), /binary module \(39 bytes\)/));
    assert.equal(await page.locator('#editor').isVisible(), false, 'a binary is not shown as text');
    assert.match(await region(page, 'Module summary').textContent(), /answer\s*\(result i32\)/);
    await button(page, 'Run').click();
    await expectConsole(page, /answer\(\) → i32:42/);

    // Garbage bytes: the error, with its offset, in the Module summary.
    await input.setInputFiles({ name: 'garbage.wasm', mimeType: 'application/wasm', buffer: Buffer.from('\x00asm\x01\x00\x00\x00\x01\x05\xff\xff') });
    const error = region(page, 'Module summary').getByRole('alert');
    await eventually(async () => assert.match(await error.textContent(), /Cannot load: .*offset 0x[0-9a-f]+/));
    assert.match(await error.locator('mark').textContent(), /offset 0x[0-9a-f]+/);
    assert.equal(await button(page, 'Run').isDisabled(), true);
    await input.setInputFiles({ name: 'noise.wasm', mimeType: 'application/wasm', buffer: Buffer.from('this is not wasm at all') });
    await eventually(async () => assert.match(await error.textContent(), /noise\.wasm is not a WebAssembly binary.*offset 0x0/));
    assert.match(await page.locator('#binary-note').textContent(), /binary module \(23 bytes\)/);

    // A WAT file with a type error: the text in the editor, the error with its offset.
    const bad = '(module\n  (func (export "f") (result i32)\n    (i64.const 1)))\n';
    await input.setInputFiles({ name: 'bad.wat', mimeType: 'text/plain', buffer: Buffer.from(bad) });
    await eventually(async () => assert.match(await error.textContent(), /type mismatch.*offset 0x[0-9a-f]+/));
    assert.equal(await page.locator('#editor').inputValue(), bad);
    await expectConsole(page, /load failed: .*type mismatch/);

    // Fix it in the editor, compile, and the error goes away.
    await page.locator('#editor').fill('(module (func (export "f") (result i32) (i32.const 7)))');
    await button(page, 'Compile').click();
    await eventually(async () => assert.equal(await error.count(), 0));
    await button(page, 'Run').click();
    await expectConsole(page, /f\(\) → i32:7/);

    // Over 256 MiB (MAX_FILE): refused before reading. (A sparse file: nothing is written.)
    const huge = join(tmp(), 'huge.wasm');
    writeFileSync(huge, '');
    truncateSync(huge, 257 * 1024 * 1024);
    await input.setInputFiles(huge);
    await eventually(async () => assert.match(await error.textContent(), /huge\.wasm is 257\.0 MiB: files over 256 MiB are refused/));
    assert.match(await page.locator('#drop-zone').textContent(), /\(256 MiB max\)/);

    // The editor's text survives a reload.
    await page.reload();
    await waitReady(page);
    assert.equal(await page.locator('#editor').inputValue(), '(module (func (export "f") (result i32) (i32.const 7)))');
    assert.equal(await page.getByLabel('Function').inputValue(), 'f');
  }));

/** A WAT module of about `mib` MiB: functions f0, f1, ... computing with their two params. */
function bigWat(mib) {
  const body = Array.from({ length: 40 }, (_, k) => `  (local.set 2 (i32.add (local.get 0) (i32.const ${k})))\n  (local.set 2 (i32.mul (local.get 2) (local.get 1)))\n`).join('');
  const parts = ['(module\n'];
  let size = 0;
  for (let i = 0; size < mib * 1024 * 1024; i++) {
    const f = `(func (export "f${i}") (param i32 i32) (result i32) (local i32)\n${body}  (local.get 2))\n`;
    parts.push(f);
    size += f.length;
  }
  parts.push(')\n');
  return parts.join('');
}

test('a large WAT compiles in a worker: Pause cancels it at once, else it loads and runs', (t) =>
  withPage('compile-large-wat', async (page) => {
    await pickExample(page, 'Recursive factorial');
    const input = page.getByLabel('Load module');
    // ~15.5 MiB of text (just under the 16 MiB limit): a second or more of parsing (1.3 s on
    // the 2-core CI machine; 12 MiB took under 1 s there, too short for the waits below), which
    // must not block the page.
    await input.setInputFiles({ name: 'big.wat', mimeType: 'text/plain', buffer: Buffer.from(bigWat(15.5)) });
    await expectStatus(page, /^compiling… \(Pause cancels\)/);
    // While it compiles the page answers: no task of its main thread takes 100 ms (the text is
    // not laid out in the editor, which would take seconds).
    await page.evaluate(() => {
      window.__long = [];
      new PerformanceObserver((list) => window.__long.push(...list.getEntries().map((e) => Math.round(e.duration)))).observe({ type: 'longtask' });
    });
    assert.equal(await button(page, 'Pause').isEnabled(), true);
    assert.equal(await button(page, 'Run').isDisabled(), true);
    await page.waitForTimeout(300);
    const cancelTime = await timePause(page, 'compiling');
    await button(page, 'Pause').click();
    await expectConsole(page, /compile cancelled/);
    const { click, stopped } = await cancelTime();
    t.diagnostic(`compile cancelled ${(stopped - click).toFixed(1)} ms after the click event`);
    assert.ok(stopped - click < 100, `cancelled ${Math.round(stopped - click)} ms after the click`);
    assert.deepEqual((await page.evaluate(() => window.__long)).filter((ms) => ms >= 100), [], 'main-thread tasks of 100 ms or more while compiling (ms)');
    // The module loaded before stays loaded, and the editor still holds its text.
    await expectStatus(page, /^ready$/);
    assert.match(await region(page, 'Module summary').textContent(), /fac/);
    assert.match(await page.getByLabel('WAT source').inputValue(), /\(func \$fac/);

    // A smaller one (over the worker's threshold) compiles there and runs.
    await input.setInputFiles({ name: 'medium.wat', mimeType: 'text/plain', buffer: Buffer.from(bigWat(0.5)) });
    await eventually(async () => assert.match(await region(page, 'Module summary').textContent(), /f117/), { timeout: 20000 });
    await expectStatus(page, /^ready$/);
    assert.match(await page.locator('#binary-text').textContent(), /^WAT file medium\.wat \(0\.5 MiB\): too large to edit here/);
    assert.equal(await page.getByLabel('WAT source').isHidden(), true);
    await page.getByLabel('Function').selectOption('f3');
    await page.getByLabel('$0: i32').fill('2');
    await page.getByLabel('$1: i32').fill('3');
    await button(page, 'Run').click();
    await expectConsole(page, /f3\(2, 3\) → i32:/);

    // A type error in a large text is reported like a small one's, with its offset.
    const bad = bigWat(0.3).replace(/\)\n$/, '(func (export "bad") (result i32) (i64.const 1)))\n');
    await input.setInputFiles({ name: 'bad.wat', mimeType: 'text/plain', buffer: Buffer.from(bad) });
    const error = region(page, 'Module summary').getByRole('alert');
    await eventually(async () => assert.match(await error.textContent(), /type mismatch.*offset 0x[0-9a-f]+/), { timeout: 20000 });
  }));

/** Unsigned LEB128. */
function leb(n) {
  const out = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

/**
 * A binary module of `n` functions `() -> i32`, function i exported as `f{i}` and returning
 * i after `pad` nops (the nops make the file large: validating them is the work). Written
 * into one buffer (small buffers per function took 2 s for 120,000).
 */
function manyFunctions(n, pad) {
  // i32.const i: signed LEB128 (a 0 byte more when the sign bit of the last is set)
  const sleb = (i) => {
    const k = leb(i);
    if (k.at(-1) & 0x40) {
      k[k.length - 1] |= 0x80;
      k.push(0);
    }
    return k;
  };
  let exportsSize = leb(n).length;
  let codeSize = leb(n).length;
  for (let i = 0; i < n; i++) {
    exportsSize += 1 + `f${i}`.length + 1 + leb(i).length;
    const body = 1 + pad + 1 + sleb(i).length + 1;
    codeSize += leb(body).length + body;
  }
  const head = [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 5, 1, 0x60, 0, 1, 0x7f, 3, ...leb(leb(n).length + n), ...leb(n)];
  const out = Buffer.alloc(head.length + n + 1 + leb(exportsSize).length + exportsSize + 1 + leb(codeSize).length + codeSize);
  let at = 0;
  const put = (bytes) => {
    for (const b of bytes) out[at++] = b;
  };
  put(head);
  at += n; // the function section's type indices: all 0
  put([7, ...leb(exportsSize), ...leb(n)]);
  for (let i = 0; i < n; i++) {
    const name = `f${i}`;
    out[at++] = name.length;
    at += out.write(name, at, 'latin1');
    put([0, ...leb(i)]);
  }
  put([10, ...leb(codeSize), ...leb(n)]);
  for (let i = 0; i < n; i++) {
    const k = sleb(i);
    put([...leb(1 + pad + 1 + k.length + 1), 0]);
    out.fill(0x01, at, at + pad);
    at += pad;
    put([0x41, ...k, 0x0b]);
  }
  assert.equal(at, out.length);
  return out;
}

test('a 40 MB module of 120,000 exported functions: progress while it loads, then a filterable picker', (t) =>
  withPage('load-large', async (page) => {
    const n = 120_000;
    const file = join(tmp(), 'many.wasm');
    const bytes = manyFunctions(n, 320);
    writeFileSync(file, bytes);
    t.diagnostic(`many.wasm: ${(bytes.length / 1048576).toFixed(1)} MiB`);
    // Every state of the progress line while it loads, as the page showed them.
    await page.evaluate(() => {
      window.__progress = [];
      const text = document.getElementById('load-text');
      new MutationObserver(() => window.__progress.push(text.textContent)).observe(text, { childList: true, characterData: true, subtree: true });
    });
    const bar = page.getByRole('progressbar', { name: 'Loading the module' });
    // Pause cancels a load: the module loaded before stays.
    const before = await region(page, 'Module summary').textContent();
    await page.getByLabel('Load module').setInputFiles(file);
    await eventually(async () => assert.equal(await bar.isVisible(), true));
    await button(page, 'Pause').click();
    await expectConsole(page, /loading many\.wasm cancelled/);
    await expectStatus(page, /^ready$/);
    assert.equal(await bar.isVisible(), false);
    assert.equal(await region(page, 'Module summary').textContent(), before);

    const t0 = Date.now();
    await page.getByLabel('Load module').setInputFiles(file);
    await eventually(async () => assert.equal(await bar.isVisible(), true));
    await expectStatus(page, /^loading many\.wasm… \(Pause cancels\)/);
    assert.equal(await button(page, 'Pause').isEnabled(), true);
    assert.equal(await button(page, 'Run').isDisabled(), true);
    await eventually(async () => assert.ok(Number(await bar.getAttribute('value')) > 0, 'the bar moves'));
    await page.screenshot({ path: join(RESULTS, 'load-large-progress.png') });
    await eventually(async () => assert.match(await region(page, 'Module summary').textContent(), /120,000 functions/), { timeout: 60000 });
    t.diagnostic(`loaded in ${Date.now() - t0} ms (with the screenshot)`);
    assert.equal(await bar.isVisible(), false, 'the progress goes once loaded');
    const seen = await page.evaluate(() => window.__progress);
    const total = (bytes.length / 1048576).toFixed(1);
    assert.ok(seen.some((s) => s.startsWith('reading ') && s.includes(` / ${total} MiB`)), `reading shown: ${seen.slice(0, 5)}`);
    assert.ok(seen.some((s) => /validated [1-9][\d.]* MiB|decoding and validating [1-9]/.test(s)), `validation progress shown: ${seen.slice(0, 8)}`);
    assert.ok(seen.some((s) => /instantiating…$/.test(s)), `instantiation shown: ${seen.slice(-3)}`);
    assert.ok(seen.some((s) => /summarising…$/.test(s)), `summary shown: ${seen.slice(-3)}`);
    await expectConsole(page, /loaded many\.wasm: [\d,]+ bytes, 120,000 exported functions/);
    // The summary lists the first 500 exports and says how many more there are.
    assert.match(await region(page, 'Module summary').textContent(), /… and 119,500 more/);

    // The picker lists 1000 exports and a filter finds any of them; Enter picks the first match.
    const picker = page.getByLabel('Function', { exact: true });
    assert.equal(await picker.locator('option').count(), 1001);
    assert.match(await picker.locator('option').last().textContent(), /119,000 more: type in the filter/);
    const filter = page.getByLabel('Filter exports');
    await filter.fill('f11999');
    await eventually(async () => assert.equal(await picker.locator('option[value="f119990"]').count(), 1));
    await filter.fill('f119999');
    await filter.press('Enter');
    await eventually(async () => assert.equal(await picker.inputValue(), 'f119999'));
    await button(page, 'Run').click();
    await expectConsole(page, /f119999\(\) → i32:119999/);
  }));

test('memory: writes highlighted, typed inspector, a watchpoint stops the run', () =>
  withPage('memory-watchpoint', async (page) => {
    await pickExample(page, 'Loop storing into memory');
    await page.getByLabel('$n: i32').fill('8');
    const memory = region(page, 'Memory');
    // Watch the 4 bytes at 0x14 (where i = 5 stores 25): select them with click, shift+click.
    await memory.getByLabel('Address').fill('0x14');
    await memory.getByLabel('Address').press('Enter');
    await memory.locator('.bytes [data-addr="23"]').click({ modifiers: ['Shift'] });
    await button(page, 'Watch').click();
    await expectConsole(page, /watchpoint 1: break after writes to 0x14\.\.0x17/);
    assert.equal(await button(page, 'Unwatch').getAttribute('aria-pressed'), 'true');

    await button(page, 'Continue').click();
    await expectStatus(page, /\(watchpoint 1\)/);
    await expectConsole(page, /watchpoint 1: 4-byte write at 0x14: 00 00 00 00 → 19 00 00 00/);
    const written = await memory.locator('.bytes .written').evaluateAll((els) => els.map((e) => `${e.dataset.addr}=${e.textContent}`));
    assert.deepEqual(written, ['20=19', '21=00', '22=00', '23=00']);
    const inspector = await memory.locator('.insp').evaluateAll((els) => els.map((e) => e.textContent.replace(/\s+/g, ' ').trim()));
    assert.ok(inspector.includes('i32 25') && inspector.includes('u8 25') && inspector.includes('f32 3.5e-44') && inspector.includes('f64 1.24e-322'), inspector.join(' | '));
    assert.deepEqual(await tableRows(page, 'Locals'), ['$n i32 8', '$i i32 5', '$sq i32 25']);
    assert.deepEqual(await tableRows(page, 'Globals'), ['$sum mut i32 30']);

    // Step over the global.set: the global's change is shown.
    for (let i = 0; i < 4; i++) await button(page, 'Step over').click();
    await eventually(async () => assert.deepEqual(await tableRows(page, 'Globals'), ['$sum mut i32 55']));
    assert.equal(await region(page, 'Globals').locator('tr.changed').count(), 1);

    // Remove the watchpoint and finish: 0+1+4+...+49 = 140.
    await button(page, 'Unwatch').click();
    await button(page, 'Continue').click();
    await expectConsole(page, /squares\(8\) → i32:140/);
    await memory.getByLabel('Address').fill('0');
    await memory.getByLabel('Address').press('Enter');
    assert.equal(await memory.locator('.row .addr').first().textContent(), '00000000');
    const row0 = await memory.locator('.row').first().locator('.bytes span').allTextContents();
    assert.equal(row0.join(' '), '00 00 00 00 01 00 00 00 04 00 00 00 09 00 00 00');
  }));

test('Pause stops an infinite loop within 100 ms; the counter runs live', (t) =>
  withPage('pause-infinite-loop', async (page) => {
    await pickExample(page, 'Infinite loop (try Pause)');
    await button(page, 'Run').click();
    await expectStatus(page, /^running Run/);
    assert.equal(await button(page, 'Pause').isEnabled(), true);
    assert.equal(await button(page, 'Step into').isDisabled(), true);
    await page.waitForTimeout(300);
    const first = await executed(page);
    await page.waitForTimeout(300);
    const second = await executed(page);
    assert.ok(first > 0 && second > first, `the instruction counter advances (${first} then ${second})`);

    // Time from the click event to the status line leaving "running", measured in the page.
    const pauseTime = await timePause(page, 'running');
    await button(page, 'Pause').click();
    await expectStatus(page, /^paused at spin @ 0x[0-9a-f]+ \(paused\)/);
    const { click, stopped } = await pauseTime();
    t.diagnostic(`paused ${(stopped - click).toFixed(1)} ms after the click event`);
    assert.ok(stopped - click < 100, `paused ${Math.round(stopped - click)} ms after the click`);
    await expectConsole(page, /paused at spin @ 0x[0-9a-f]+ \([\d,]+ instructions in \d+ ms\)/);
    const ticks = Number((await tableRows(page, 'Globals'))[0].split(' ').at(-1));
    assert.ok(ticks > 1000, `the global counted (${ticks})`);

    // Keyboard: F8 continues and pauses again; stepping works after a pause.
    await page.keyboard.press('F8');
    await expectStatus(page, /^running Continue/);
    await page.waitForTimeout(200);
    await page.keyboard.press('F8');
    await expectStatus(page, /^paused at spin/);
    const before = await executed(page);
    await button(page, 'Step into').click();
    assert.equal(await executed(page), before + 1);
    await button(page, 'Reset').click();
    await expectStatus(page, /^ready$/);
    assert.deepEqual(await tableRows(page, 'Globals'), ['$ticks mut i64 0']);
  }));

test('panels are labelled regions; usable at 800 px and in dark mode', async () => {
  const names = ['Disassembly', 'Value stack', 'Call stack', 'Locals', 'Globals', 'Memory', 'Console', 'Module summary'];
  await withPage('narrow-800', { width: 800, fullPage: true }, async (page) => {
    await pickExample(page, 'String in memory');
    for (const name of names) assert.equal(await region(page, name).count(), 1, `region ${name}`);
    for (const name of ['Run', 'Step into', 'Step over', 'Step out', 'Step back', 'Continue', 'Pause', 'Reset', 'Compile']) {
      assert.equal(await button(page, name).count(), 1, `button ${name}`);
    }
    for (let i = 0; i < 12; i++) await page.keyboard.press('F11');
    await expectStatus(page, /^paused at upper/);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no horizontal scrolling at 800 px (${overflow} px too wide)`);
    // Panels stack: the Value stack is below the Disassembly, not beside it.
    const code = await region(page, 'Disassembly').boundingBox();
    const stack = await region(page, 'Value stack').boundingBox();
    assert.ok(stack.y >= code.y + code.height, 'panels stack at 800 px');
  });
  await withPage('dark-mode', { colorScheme: 'dark' }, async (page) => {
    await pickExample(page, 'Loop storing into memory');
    await page.getByLabel('$n: i32').fill('4');
    await button(page, 'Continue').click();
    await expectConsole(page, /squares\(4\) → i32:14/);
    for (let i = 0; i < 20; i++) await page.keyboard.press('F11');
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const [r, g, b] = bg.match(/\d+/g).map(Number);
    assert.ok(r + g + b < 150, `dark background (${bg})`);
  });
});

// ---- WASI, stubbed imports, deep call stacks ----------------------------------------

const DATA = join(ROOT, 'tests', 'data');

/** The Console's program-output lines, as "stdout: text" / "stderr: text". */
async function outputLines(page) {
  return region(page, 'Console')
    .locator('.entry.stdout, .entry.stderr')
    .evaluateAll((els) => els.map((e) => `${e.classList.contains('stderr') ? 'stderr' : 'stdout'}: ${e.textContent}`));
}

/** Sets the WASI fields (opening the section if needed); `undefined` leaves one as it is. */
async function setWasi(page, { args, env, stdin }) {
  const details = page.locator('details#wasi');
  if (!(await details.evaluate((d) => d.open))) await details.locator('summary').click();
  if (args !== undefined) await page.getByLabel('Program arguments').fill(args);
  if (env !== undefined) await page.getByLabel('Environment').fill(env);
  if (stdin !== undefined) await page.getByLabel('Stdin').fill(stdin);
}

/** Runs the selected function and waits for the Console line that ends the call. */
async function runToEnd(page) {
  const ends = region(page, 'Console').locator('.entry.result, .entry.exit, .entry.trap, .entry.error');
  const before = await ends.count();
  await button(page, 'Run').click();
  await eventually(async () => {
    assert.ok((await ends.count()) > before, 'the call ended');
    assert.doesNotMatch(await statusText(page), /^running/);
  });
}

/** Steps over until the current instruction matches `re` (20 steps at most). */
async function stepOverTo(page, re) {
  const current = region(page, 'Disassembly').locator('li[aria-current="step"]');
  for (let i = 0; i < 20 && !re.test(await current.textContent()); i++) {
    await button(page, 'Step over').click();
    await expectStatus(page, /^paused/);
  }
  assert.match(await current.textContent(), re);
}

/** Milliseconds the last finished call took, from its Console line. */
async function lastCallMs(page) {
  const text = await region(page, 'Console').locator('.entry.result, .entry.exit, .entry.trap').last().textContent();
  const m = /in ([\d.]+) ms/.exec(text);
  assert.ok(m, `a timing in ${JSON.stringify(text)}`);
  return Number(m[1]);
}

test('WASI hello world example: Run prints, and stepping over fd_write prints at that step', () =>
  withPage('wasi-hello', async (page) => {
    await pickExample(page, 'WASI hello world');
    assert.equal(await page.getByLabel('Function').inputValue(), '_start');
    assert.match(await region(page, 'Module summary').textContent(), /wasi_snapshot_preview1 WASI\s*func fd_write \(param i32 i32 i32 i32\) \(result i32\)/);
    await button(page, 'Run').click();
    await expectConsole(page, /_start\(\) → \(no results\)/);
    assert.deepEqual(await outputLines(page), ['stdout: Hello, world!']);
    await expectStatus(page, /^finished: no results$/);

    // Step through _start on a fresh instance: nothing is printed until fd_write runs.
    await button(page, 'Clear').click();
    await button(page, 'Step into').click();
    await expectStatus(page, /^paused at _start @ 0x/);
    const current = region(page, 'Disassembly').locator('li[aria-current="step"]');
    await stepOverTo(page, /call \$fd_write/);
    assert.deepEqual(await outputLines(page), [], 'no output before fd_write');
    await button(page, 'Step over').click();
    await eventually(async () => assert.deepEqual(await outputLines(page), ['stdout: Hello, world!']));
    await expectStatus(page, /^paused at _start @ 0x[0-9a-f]+$/);
    assert.match(await current.textContent(), /drop/);
    // fd_write returned 0 (success) and stored the byte count at 8.
    assert.deepEqual(await stackValues(page), ['i32 0']);
    // Step back over it: the guest is restored, and the Console says the output stays.
    await button(page, 'Step back').click();
    assert.match(await current.textContent(), /call \$fd_write/);
    await expectConsole(page, /stepped back; not undone \(outside the program\): fd_write: 14 bytes written to stdout/);
    await button(page, 'Step over').click();
    await eventually(async () => assert.deepEqual(await outputLines(page), ['stdout: Hello, world!', 'stdout: Hello, world!']));
    await button(page, 'Continue').click();
    await expectStatus(page, /^finished/);
    assert.deepEqual(await outputLines(page), ['stdout: Hello, world!', 'stdout: Hello, world!'], 'printed again when stepped again');
  }));

test('a Rust WASI program loaded from a file: arguments, environment, stdin, exit code, panic', () =>
  withPage('wasi-demo', async (page) => {
    const demo = join(DATA, 'wasi', 'demo.wasm');
    await page.getByLabel('Load module').setInputFiles(demo);
    const bytes = statSync(demo).size.toLocaleString('en-US');
    await expectConsole(page, new RegExp(`loaded demo\\.wasm: ${bytes} bytes, 2 exported functions, uses WASI`));
    assert.equal(await page.getByLabel('Function').inputValue(), '_start');
    assert.equal(await page.locator('details#wasi').evaluate((d) => d.open), true, 'the WASI section opens for a WASI module');

    await setWasi(page, { args: 'args one "two words"' });
    await runToEnd(page);
    await expectConsole(page, /▶ _start\(\) — args: args one "two words"/);
    assert.deepEqual(await outputLines(page), ['stdout: one', 'stdout: two words']);
    await expectStatus(page, /^finished: no results$/);
    const ms = await lastCallMs(page);
    assert.ok(ms < 3000, `runs at full speed (${ms} ms)`);

    await setWasi(page, { args: 'exit 3' });
    await runToEnd(page);
    await expectConsole(page, /_start\(\) exited with code 3 \(/);
    await expectStatus(page, /^exited with code 3$/);
    assert.equal(await page.locator('#status').getAttribute('data-status'), 'failed');

    await setWasi(page, { args: 'lines', stdin: 'a\nb\nc\n' });
    await runToEnd(page);
    await eventually(async () => assert.equal((await outputLines(page)).at(-1), 'stdout: 3 lines'));
    assert.match(await page.locator('#wasi-summary').textContent(), /args: lines · stdin 6 bytes/);

    // A bad environment line is refused before anything runs.
    await setWasi(page, { args: 'env', env: 'GREETING=hi there\nNOT AN ENTRY' });
    await button(page, 'Run').click();
    await expectConsole(page, /WASI environment: line 2: expected KEY=VALUE/);
    assert.equal(await page.getByLabel('Environment').getAttribute('aria-invalid'), 'true');
    await setWasi(page, { env: 'GREETING=hi there\nLANG=C' });
    assert.equal(await page.getByLabel('Environment').getAttribute('aria-invalid'), 'false');
    await runToEnd(page);
    await eventually(async () => assert.deepEqual((await outputLines(page)).slice(-2), ['stdout: GREETING=hi there', 'stdout: LANG=C']));

    // A panic: the message on stderr, then the trap.
    await setWasi(page, { args: 'panic', env: '', stdin: '' });
    await runToEnd(page);
    await expectStatus(page, /^trapped: unreachable$/);
    const lines = await outputLines(page);
    assert.ok(lines.includes('stdout: about to panic'), lines.join('\n'));
    assert.ok(lines.some((l) => /^stderr: thread 'main'.* panicked at demo\.rs/.test(l)), lines.join('\n'));
    assert.ok(lines.includes('stderr: the guest panicked on purpose'), lines.join('\n'));
    const text = await consoleText(page);
    assert.ok(text.indexOf('the guest panicked on purpose') < text.search(/trap: unreachable at 0x[0-9a-f]+ in /), 'stderr before the trap');
    const colors = await region(page, 'Console')
      .locator('.entry.stdout, .entry.stderr')
      .evaluateAll((els) => [...new Set(els.map((e) => getComputedStyle(e).color))]);
    assert.equal(colors.length, 2, `stdout and stderr in different colours (${colors})`);
  }));

test('a C WASI program (wasi-libc): arguments, stdin counts and its exit status', () =>
  withPage('wasi-c', async (page) => {
    await page.getByLabel('Load module').setInputFiles(join(DATA, 'wasi', 'c', 'wc.wasm'));
    await expectConsole(page, /loaded wc\.wasm: .*uses WASI/);
    await setWasi(page, { args: `x 'y z'`, stdin: 'hello world\nfoo\n' });
    await runToEnd(page);
    // printf("hello from C") and the arguments arrive in pieces: one line all the same.
    await eventually(async () => assert.deepEqual(await outputLines(page), ['stdout: hello from C [x] [y z]', 'stdout: 2 3 16']));
    await expectStatus(page, /^exited with code 2$/);
    // Run again: a fresh instance, stdin read from the start again.
    await runToEnd(page);
    await eventually(async () => assert.deepEqual((await outputLines(page)).slice(2), ['stdout: hello from C [x] [y z]', 'stdout: 2 3 16']));
  }));

test('missing imports: the error lists them; "Stub missing imports" loads the module with stubs', () =>
  withPage('stub-imports', async (page) => {
    await page.getByLabel('Load module').setInputFiles(join(DATA, 'other_host.wat'));
    const error = region(page, 'Module summary').getByRole('alert');
    await eventually(async () => assert.match(await error.textContent(), /needs 4 imports nothing provides/));
    const text = await error.textContent();
    for (const name of ['env.log_i32: func (param i32)', 'env.now: func (result f64)', 'env.memory: memory 1', 'env.base: global i32']) {
      assert.ok(text.includes(name), `the error lists ${name}: ${text}`);
    }
    assert.match(text, /Tick Stub missing imports/);
    assert.equal(await button(page, 'Run').isDisabled(), true);

    await page.getByLabel('Stub missing imports').check();
    await eventually(async () => assert.equal(await error.count(), 0));
    await expectConsole(page, /loaded WAT: .*4 stubbed imports/);
    assert.equal(await page.getByLabel('Function').inputValue(), 'main');
    assert.match(await region(page, 'Module summary').locator('.imports').textContent(), /^env stubbed\s*func log_i32 \(param i32\)/);
    await runToEnd(page);
    await expectConsole(page, /main\(\) → i32:1/);
    assert.deepEqual(await outputLines(page), ['stderr: stub env.log_i32(i32:42) -> ()', 'stderr: stub env.now() -> (f64:0.0)']);

    // Unticked again: the error comes back.
    await page.getByLabel('Stub missing imports').uncheck();
    await eventually(async () => assert.match(await error.textContent(), /env\.log_i32/));
  }));

test('deep recursion: selecting a frame deep in the call stack shows its locals', () =>
  withPage('deep-call-stack', async (page) => {
    await pickExample(page, 'Recursive factorial');
    await page.getByLabel('$n: i64').fill('3000');
    // The base case: the `i64.const 1` inside the `if` (the first one is the comparison's).
    await region(page, 'Disassembly')
      .locator('li')
      .filter({ has: page.locator('.ins', { hasText: /^\s*i64\.const 1$/ }) })
      .nth(1)
      .getByRole('button')
      .click();
    await button(page, 'Continue').click();
    await expectStatus(page, /\(breakpoint 1\)$/);
    assert.equal((await page.locator('#depth').textContent()).trim(), 'depth 3000');
    assert.deepEqual(await tableRows(page, 'Locals'), ['$n i64 1']);

    const stack = region(page, 'Call stack');
    assert.match(await stack.locator('li.more').textContent(), /… 2,897 more frames …/);
    await stack.getByRole('button', { name: 'show 100 more' }).click();
    await eventually(async () => assert.match(await stack.locator('li.more').textContent(), /… 2,797 more frames …/));
    // Frame 2851 of 3000 (index 2850) is deep inside: the state left its locals out.
    const deep = stack.locator('button.frame[data-frame="2850"]');
    assert.match(await deep.textContent(), /fac\s*0x0033\s*call \$fac\s*#2851/);
    await deep.click();
    await eventually(async () => assert.deepEqual(await tableRows(page, 'Locals'), ['$n i64 150']));
    assert.deepEqual(await stackValues(page), ['i64 150'], 'its operands too');
    assert.equal(await deep.getAttribute('aria-current'), 'true');
    assert.match(await region(page, 'Disassembly').locator('li.caller').textContent(), /call \$fac/);
    // The outermost frame (always in full) and back to the innermost.
    await stack.locator('button.frame[data-frame="0"]').click();
    assert.deepEqual(await tableRows(page, 'Locals'), ['$n i64 3000']);
    await stack.locator('button.frame[data-frame="2999"]').click();
    assert.deepEqual(await tableRows(page, 'Locals'), ['$n i64 1']);
    // Finish: 3000! wraps around in i64 arithmetic, to 0.
    await button(page, 'Run').click();
    await expectStatus(page, /^finished: i64:0$/);
  }));

test('WASI at 800 px: the section and mixed output fit', () =>
  withPage('wasi-narrow-800', { width: 800, fullPage: true }, async (page) => {
    await page.getByLabel('Load module').setInputFiles(join(DATA, 'wasi', 'demo.wasm'));
    await expectConsole(page, /loaded demo\.wasm/);
    await setWasi(page, { args: 'panic', env: 'A=1\nB=2', stdin: 'some input\n' });
    await runToEnd(page);
    await expectStatus(page, /^trapped: unreachable$/);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no horizontal scrolling at 800 px (${overflow} px too wide)`);
    for (const label of ['Program arguments', 'Environment', 'Stdin']) {
      const box = await page.getByLabel(label).boundingBox();
      assert.ok(box.width >= 150, `${label} is usable (${box.width} px wide)`);
    }
  }));

test('program output: a partial line is completed in place, and output shows while a run goes on', () =>
  withPage('wasi-live-output', async (page) => {
    const wat = `(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory 1)
  (data (i32.const 16) "Hello, world\\ntick\\n")
  (func $print (param $at i32) (param $len i32)
    (i32.store (i32.const 0) (local.get $at))
    (i32.store (i32.const 4) (local.get $len))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))
  (func (export "_start") (local $i i32)
    (call $print (i32.const 16) (i32.const 7)) ;; "Hello, "
    (call $print (i32.const 23) (i32.const 6)) ;; "world\\n"
    (loop $forever ;; "tick\\n" every 2,000,000 turns
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (if (i32.eqz (i32.rem_u (local.get $i) (i32.const 2000000)))
        (then (call $print (i32.const 29) (i32.const 5))))
      (br $forever))))`;
    await page.locator('#editor').fill(wat);
    await button(page, 'Compile').click();
    await expectConsole(page, /loaded WAT: .*uses WASI/);

    await button(page, 'Step into').click();
    await stepOverTo(page, /call \$print/);
    await button(page, 'Step over').click(); // the first $print
    await eventually(async () => assert.deepEqual(await outputLines(page), ['stdout: Hello, ']));
    await stepOverTo(page, /call \$print/);
    await button(page, 'Step over').click(); // the second: the same line goes on
    await eventually(async () => assert.deepEqual(await outputLines(page), ['stdout: Hello, world']));

    await button(page, 'Run').click();
    await expectStatus(page, /^running Run/);
    await eventually(async () => {
      const lines = await outputLines(page);
      assert.ok(lines.filter((l) => l === 'stdout: tick').length >= 2, lines.join(' | '));
      assert.match(await statusText(page), /^running Run/, 'shown while still running');
    }, { timeout: 15000 });
    await button(page, 'Pause').click();
    await expectStatus(page, /^paused at _start/);
  }));

// ---- the Files panel (www/files.js) and WASI sleeps -------------------------------------

const filesRegion = (page) => region(page, 'Files');

/** Opens the Files section if it is closed. */
async function openFiles(page) {
  const details = page.locator('details#files');
  if (!(await details.evaluate((d) => d.open))) await details.locator('summary').click();
}

/** The Files table's rows as "name size" (folders end in /; the badge left out). */
async function fileRows(page) {
  return filesRegion(page)
    .locator('tbody tr')
    .evaluateAll((rows) =>
      rows.map((r) => `${r.dataset.path} ${r.cells[1].textContent}`.trim() + (r.classList.contains('is-new') ? ' (new)' : r.classList.contains('is-changed') ? ' (changed)' : '')),
    );
}

/** Picks files with the "Add files" button's file chooser. */
async function addFiles(page, files) {
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), button(page, 'Add files').click()]);
  await chooser.setFiles(files);
}

/** Clicks `name` and returns the download's bytes and suggested name. */
async function downloadOf(page, name) {
  const [dl] = await Promise.all([page.waitForEvent('download'), button(page, name).click()]);
  const stream = await dl.createReadStream();
  const chunks = [];
  for await (const c of stream) chunks.push(c);
  return { name: dl.suggestedFilename(), bytes: Buffer.concat(chunks) };
}

test('Files: add a file with the picker; a program reads, writes and lists it; open, download, zip, delete, reset', () =>
  withPage('files', async (page) => {
    await page.getByLabel('Load module').setInputFiles(join(DATA, 'wasi', 'demo.wasm'));
    await expectConsole(page, /loaded demo\.wasm/);
    await openFiles(page);
    assert.equal(await filesRegion(page).count(), 1, 'a region named Files');
    assert.match(await page.locator('#files-summary').textContent(), /0 files · preopened: \//);
    await addFiles(page, { name: 'in.txt', mimeType: 'text/plain', buffer: Buffer.from('hello from a file\n') });
    await eventually(async () => assert.deepEqual(await fileRows(page), ['/in.txt 18 bytes']));
    await expectConsole(page, /files: added 1 file to \//);

    await setWasi(page, { args: 'cat /in.txt' });
    await runToEnd(page);
    assert.deepEqual(await outputLines(page), ['stdout: hello from a file']);

    await setWasi(page, { args: 'write /out.txt "written by the program"' });
    await runToEnd(page);
    await expectStatus(page, /^finished/);
    assert.deepEqual(await fileRows(page), ['/in.txt 18 bytes', '/out.txt 22 bytes (new)'], 'the created file is listed with its size');
    await setWasi(page, { args: 'ls /' });
    await runToEnd(page);
    assert.deepEqual((await outputLines(page)).slice(-2), ['stdout: in.txt', 'stdout: out.txt']);

    // Open: a read-only view of the text; a binary file says so.
    await button(page, 'Open /out.txt').click();
    const dialog = page.getByRole('dialog', { name: '/out.txt' });
    await eventually(async () => assert.equal(await dialog.isVisible(), true));
    assert.equal(await dialog.getByLabel('File contents').textContent(), 'written by the program');
    await page.screenshot({ path: join(RESULTS, 'files-viewer.png') });
    await dialog.getByRole('button', { name: 'Close', exact: true }).click();
    assert.equal(await dialog.isVisible(), false);
    await addFiles(page, { name: 'bin.dat', mimeType: 'application/octet-stream', buffer: Buffer.from([0, 1, 2, 255]) });
    await eventually(async () =>
      assert.deepEqual(await fileRows(page), ['/bin.dat 4 bytes', '/in.txt 18 bytes', '/out.txt 22 bytes'], 'marks are what the last call (ls) changed'),
    );
    await button(page, 'Open /bin.dat').click();
    await eventually(async () => assert.match(await page.getByRole('dialog').textContent(), /Binary file \(4 bytes\): it is not shown as text/));
    await page.keyboard.press('Escape');

    // Downloads: one file, and the whole tree as a zip.
    const one = await downloadOf(page, 'Download /out.txt');
    assert.equal(one.name, 'out.txt');
    assert.equal(one.bytes.toString(), 'written by the program');
    const zip = await downloadOf(page, 'Download all (zip)');
    assert.equal(zip.name, 'files.zip');
    const { unzipSync } = await import('fflate');
    const unzipped = unzipSync(new Uint8Array(zip.bytes));
    assert.deepEqual(Object.keys(unzipped).sort(), ['bin.dat', 'in.txt', 'out.txt']);
    assert.equal(Buffer.from(unzipped['in.txt']).toString(), 'hello from a file\n');
    assert.deepEqual([...unzipped['bin.dat']], [0, 1, 2, 255]);

    // The tree stays when another module is loaded (and back).
    await pickExample(page, 'WASI hello world');
    assert.equal((await fileRows(page)).length, 3);
    await page.getByLabel('Load module').setInputFiles(join(DATA, 'wasi', 'demo.wasm'));
    await expectConsole(page, /loaded demo\.wasm/);

    // Several preopens: the root as /, /work as /tmp (made when the call starts).
    await button(page, 'Add preopen').click();
    await page.getByLabel('Folder in the tree, preopen 2').fill('/work');
    await page.getByLabel('Guest path, preopen 2').fill('/tmp');
    assert.match(await page.locator('#files-summary').textContent(), /preopened: \/, \/work as \/tmp/);
    await setWasi(page, { args: 'write /tmp/t.txt x' });
    await runToEnd(page);
    await eventually(async () => assert.ok((await fileRows(page)).includes('/work/t.txt 1 byte (new)'), (await fileRows(page)).join('\n')));
    await addFiles(page, { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('notes') });
    await eventually(async () => assert.ok((await fileRows(page)).includes('/notes.txt 5 bytes'), "the user's file is not marked"));
    assert.ok((await fileRows(page)).includes('/work/t.txt 1 byte (new)'), "the program's stays marked");
    await page.getByLabel('Guest path, preopen 2').fill('');
    assert.match(await page.locator('#preopens-error').textContent(), /a guest path is needed/);
    await button(page, 'Run').click();
    await expectConsole(page, /Files: preopened folders: `\/work`: a guest path is needed/);
    await button(page, 'Remove preopen 2').click();
    assert.equal(await page.locator('#preopens-error').textContent(), '');

    await button(page, 'Delete /bin.dat').click();
    assert.ok(!(await fileRows(page)).some((r) => r.startsWith('/bin.dat')));
    await page.screenshot({ path: join(RESULTS, 'files-panel.png') });
    await button(page, 'Reset files').click();
    assert.deepEqual(await fileRows(page), []);
    assert.match(await filesRegion(page).textContent(), /No files yet/);
    await setWasi(page, { args: 'cat /in.txt' });
    await runToEnd(page);
    await expectStatus(page, /^exited with code 1$/);
    assert.equal((await outputLines(page)).at(-1), 'stdout: error: entity not found');
  }));

test('a WASI sleep pauses the run and resumes on time; Pause during a sleep stops there', (t) =>
  withPage('wasi-sleep', async (page) => {
    await page.getByLabel('Load module').setInputFiles(join(DATA, 'wasi', 'demo.wasm'));
    await expectConsole(page, /loaded demo\.wasm/);
    await setWasi(page, { args: 'sleep 600' });
    const t0 = Date.now();
    await button(page, 'Run').click();
    await expectStatus(page, /^running Run: sleeping 600 ms… \(Pause stops here\)$/);
    assert.equal(await button(page, 'Pause').isEnabled(), true);
    await eventually(async () => assert.deepEqual(await outputLines(page), ['stdout: slept 1']), { timeout: 3000 });
    const ms = Date.now() - t0;
    t.diagnostic(`a 600 ms sleep took ${ms} ms`);
    assert.ok(ms >= 600 && ms < 1500, `resumed on time (${ms} ms)`);
    await expectStatus(page, /^finished/);
    // While it slept the page answered: the run took its time in the sleep, not in a blocked loop.
    assert.ok((await lastCallMs(page)) >= 600);

    await setWasi(page, { args: 'sleep 5000' });
    await button(page, 'Run').click();
    await expectStatus(page, /sleeping 5\.0 s/);
    const pauseTime = await timePause(page, 'running');
    await button(page, 'Pause').click();
    await expectStatus(page, /^paused at .* \(after a sleep\)$/);
    const { click, stopped } = await pauseTime();
    assert.ok(stopped - click < 100, `paused ${Math.round(stopped - click)} ms after the click`);
    await expectConsole(page, /paused in a sleep of 5 s, [\d.]+ s of it left/);
    assert.equal((await outputLines(page)).length, 1, 'the program did not go on');
    await page.waitForTimeout(200);
    assert.match(await statusText(page), /^paused at/, 'and stays paused');
    // Continue goes on at once (the rest of the sleep is not waited for).
    const t1 = Date.now();
    await button(page, 'Continue').click();
    await eventually(async () => assert.equal((await outputLines(page)).at(-1), 'stdout: slept 0'));
    assert.ok(Date.now() - t1 < 2000, `went on at once (${Date.now() - t1} ms)`);
  }));

test('Files: a folder by the folder picker and by a drop; the panel at 800 px', () =>
  withPage('files-folders-800', { width: 800, fullPage: true }, async (page) => {
    const dir = mkdtempSync(join(tmpdir(), 'wasmscope-e2e-'));
    try {
      mkdirSync(join(dir, 'share', 'sub'), { recursive: true });
      writeFileSync(join(dir, 'share', 'a.txt'), 'alpha\n');
      writeFileSync(join(dir, 'share', 'sub', 'b.txt'), 'beta beta\n');
      await page.getByLabel('Load module').setInputFiles(join(DATA, 'wasi', 'demo.wasm'));
      await expectConsole(page, /loaded demo\.wasm/);
      await openFiles(page);
      const [chooser] = await Promise.all([page.waitForEvent('filechooser'), button(page, 'Add folder').click()]);
      await chooser.setFiles(join(dir, 'share'));
      await eventually(async () =>
        assert.deepEqual(await fileRows(page), ['/share', '/share/a.txt 6 bytes', '/share/sub', '/share/sub/b.txt 10 bytes']),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // A drop of plain files (a synthetic drop has no directory entries) into /work.
    await page.getByLabel('Add to folder', { exact: true }).fill('/work');
    await page.evaluate(() => {
      const dt = new DataTransfer();
      dt.items.add(new File(['dropped\n'], 'dropped.txt', { type: 'text/plain' }));
      document.getElementById('files-drop').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    });
    await eventually(async () => assert.ok((await fileRows(page)).includes('/work/dropped.txt 8 bytes'), (await fileRows(page)).join('\n')));
    // A dropped folder is walked through its entries (faked here: a synthetic drop has none),
    // reading each folder in batches as Chromium gives them, empty folders included.
    const walked = await page.evaluate(async () => {
      const { droppedFiles } = await import('./files.js');
      const file = (name, text) => ({ isFile: true, isDirectory: false, name, file: (ok) => ok(new File([text], name)) });
      const dir = (name, batches) => ({
        isFile: false,
        isDirectory: true,
        name,
        createReader: () => ({ readEntries: (ok) => ok(batches.shift() ?? []) }),
      });
      const tree = dir('proj', [[file('a.c', 'int a;'), dir('empty', [])], [dir('inc', [[file('a.h', 'x')]])]]);
      const items = [
        { kind: 'file', webkitGetAsEntry: () => tree, getAsFile: () => null },
        { kind: 'string', webkitGetAsEntry: () => null, getAsFile: () => null },
        { kind: 'file', webkitGetAsEntry: () => null, getAsFile: () => new File(['plain'], 'plain.txt') },
      ];
      const { files, dirs } = await droppedFiles(items);
      return { files: files.map(([p, f]) => `${p} ${f.size}`), dirs };
    });
    assert.deepEqual(walked, { files: ['proj/a.c 6', 'proj/inc/a.h 1', 'plain.txt 5'], dirs: ['proj', 'proj/empty', 'proj/inc'] });
    await setWasi(page, { args: 'cat /share/sub/b.txt' });
    await runToEnd(page);
    assert.equal((await outputLines(page)).at(-1), 'stdout: beta beta');
    // A long text: the viewer shows its first MiB (a character cut there is not "binary").
    await page.getByLabel('Add to folder', { exact: true }).fill('/');
    await addFiles(page, { name: 'long.txt', mimeType: 'text/plain', buffer: Buffer.from('a' + 'é'.repeat(786432)) });
    await eventually(async () => assert.ok((await fileRows(page)).includes('/long.txt 1.5 MiB')));
    await button(page, 'Open /long.txt').click();
    const view = page.getByRole('dialog', { name: '/long.txt' });
    await eventually(async () => assert.match(await view.textContent(), /The first 1\.0 MiB of 1\.5 MiB \(read-only\); download it for the rest\./));
    assert.equal((await view.getByLabel('File contents').textContent()).length, 1 + 524287);
    await view.getByRole('button', { name: 'Close', exact: true }).click();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no horizontal scrolling at 800 px (${overflow} px too wide)`);
    for (const name of ['Add files', 'Add folder', 'Download all (zip)', 'Reset files', 'Add preopen']) {
      assert.equal(await button(page, name).count(), 1, `button ${name}`);
    }
  }));

const NAP = `(module
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  ;; One clock subscription (monotonic, relative) of $ms milliseconds at 0; the event at 64.
  (func (export "nap") (param $ms i32) (result i32)
    (i32.store (i32.const 16) (i32.const 1))
    (i64.store (i32.const 24) (i64.mul (i64.extend_i32_u (local.get $ms)) (i64.const 1000000)))
    (call $poll (i32.const 0) (i32.const 64) (i32.const 1) (i32.const 128))))`;

test('a sleep in WAT: Run and Step over wait it out and stop after the call; Step into does not wait', () =>
  withPage('wasi-sleep-step', async (page) => {
    await page.getByLabel('WAT source').fill(NAP);
    await button(page, 'Compile').click();
    await expectConsole(page, /loaded WAT: \d+ bytes, 1 exported function, uses WASI/);
    await page.getByLabel('$ms: i32').fill('300');
    await runToEnd(page);
    await expectConsole(page, /nap\(300\) → i32:0/);
    assert.ok((await lastCallMs(page)) >= 300, 'Run waited');

    // Step over the call: it waits, then stops right after the call (not one instruction on).
    await button(page, 'Step into').click();
    await stepOverTo(page, /call \$poll/);
    const before = await executed(page);
    const t0 = Date.now();
    await button(page, 'Step over').click();
    await expectStatus(page, /^running Step over: sleeping 300 ms/);
    await expectStatus(page, /^paused at nap @ 0x[0-9a-f]+ \(after a sleep\)$/);
    assert.ok(Date.now() - t0 >= 300, `Step over waited (${Date.now() - t0} ms)`);
    assert.equal(await executed(page), before + 1, 'one instruction: the call');
    await button(page, 'Continue').click();
    await eventually(async () => assert.equal((await consoleText(page)).match(/nap\(300\) → i32:0/g)?.length, 2));

    // Step into the call: no waiting.
    await button(page, 'Reset').click();
    await button(page, 'Step into').click();
    await stepOverTo(page, /call \$poll/);
    const t1 = Date.now();
    const at = await executed(page);
    await button(page, 'Step into').click();
    await expectStatus(page, /\(after a sleep\)$/);
    assert.ok(Date.now() - t1 < 250, `Step into did not wait (${Date.now() - t1} ms)`);
    assert.equal(await executed(page), at + 1);

    // A sleep longer than setTimeout's longest delay (2^31 - 1 ms) still sleeps.
    await button(page, 'Reset').click();
    await page.getByLabel('$ms: i32').fill('-1'); // 4,294,967,295 ms, as the module reads it
    await button(page, 'Run').click();
    await expectStatus(page, /^running Run: sleeping 4294967\.3 s/);
    await page.waitForTimeout(300);
    assert.match(await statusText(page), /^running Run: sleeping/, 'still sleeping');
    await button(page, 'Pause').click();
    await expectStatus(page, /\(after a sleep\)$/);
  }));

test('pause on exceptions: caught and uncaught throws stop at the throw; the Call stack marks unwound frames and the catcher', () =>
  withPage('exception-pause', async (page) => {
    const caught = page.getByRole('checkbox', { name: 'Pause on caught exceptions', exact: true });
    const uncaught = page.getByRole('checkbox', { name: 'Pause on uncaught exceptions', exact: true });
    assert.equal(await caught.isChecked(), false);
    assert.equal(await uncaught.isChecked(), false);
    await pickExample(page, 'Exceptions across frames');
    const frames = () =>
      region(page, 'Call stack')
        .locator('li')
        .evaluateAll((lis) => lis.map((li) => li.textContent.replace(/\s+/g, ' ').trim()));

    // Unticked: Continue runs through the caught throw.
    await button(page, 'Continue').click();
    await expectStatus(page, /^finished: i32:-42$/);

    await caught.check();
    await button(page, 'Continue').click();
    await expectStatus(page, /^paused on exception \$bad \(i32 42\): caught by \$?parse at 0x[0-9a-f]{4}$/);
    await expectConsole(page, /paused on exception \$bad \(i32 42\): caught by .*\(throw at \$?check @/);
    assert.equal((await page.locator('#depth').textContent()).trim(), 'depth 3');
    const marked = await frames();
    assert.equal(marked.length, 3, marked.join(' | '));
    assert.match(marked[0], /^\$?check.*throw \$bad.*unwound$/);
    assert.match(marked[1], /^\$?digit.*call \$check.*unwound$/);
    assert.match(marked[2], /^\$?parse.*call \$digit.*catches: catch \$bad → 0x[0-9a-f]{4}$/);
    const landing = (await statusText(page)).match(/at (0x[0-9a-f]{4})$/)[1];
    assert.ok(marked[2].endsWith(landing), `${marked[2]} lands at ${landing}`);
    await page.screenshot({ path: join(RESULTS, 'exception-pause-caught.png') });
    // The catching frame's disassembly marks where the handler lands.
    await region(page, 'Call stack').locator('li').nth(2).getByRole('button').click();
    const handler = region(page, 'Disassembly').locator('li.handler');
    await eventually(async () => assert.match(await handler.textContent(), /← catch \$bad lands here$/));
    assert.equal(Number(await handler.getAttribute('data-offset')), Number(landing));
    await page.screenshot({ path: join(RESULTS, 'exception-pause-handler.png') });
    await region(page, 'Call stack').locator('li').nth(0).getByRole('button').click();

    // Step into throws: the handler, with the payload on the stack; no frame is marked.
    await button(page, 'Step into').click();
    await expectStatus(page, new RegExp(`^paused at \\$?parse @ ${landing}$`));
    assert.equal((await page.locator('#depth').textContent()).trim(), 'depth 1');
    assert.deepEqual(await stackValues(page), ['i32 42']);
    assert.doesNotMatch((await frames()).join(' '), /unwound|catches/);
    // Step back: at the throw again, paused on it.
    await button(page, 'Step back').click();
    await expectStatus(page, /^paused on exception \$bad \(i32 42\): caught by/);
    assert.equal((await page.locator('#depth').textContent()).trim(), 'depth 3');
    await button(page, 'Continue').click();
    await expectStatus(page, /^finished: i32:-42$/);

    // Uncaught only: "fail" has no handler; every frame is unwound; Continue ends the call.
    await caught.uncheck();
    await uncaught.check();
    await page.getByLabel('Function').selectOption('fail');
    await page.getByLabel('$n: i32').fill('10');
    await button(page, 'Continue').click();
    await expectStatus(page, /^paused on exception \$bad \(i32 10\): uncaught$/);
    const all = await frames();
    assert.equal(all.length, 3);
    assert.ok(all.every((f) => f.endsWith('unwound')), all.join(' | '));
    await page.screenshot({ path: join(RESULTS, 'exception-pause-uncaught.png') });
    await button(page, 'Continue').click();
    await expectStatus(page, /^trapped: uncaught exception: tag 0 \(\$bad\) with payload \[i32:10\]$/);

    // The setting is kept across a reload.
    await page.reload();
    await waitReady(page);
    assert.equal(await uncaught.isChecked(), true);
    assert.equal(await caught.isChecked(), false);
  }));
