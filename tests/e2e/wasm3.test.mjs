// End-to-end tests of WebAssembly 3.0's values and memories in the page and in the
// <wasm-playground> element (issue 14): v128 values shown as lanes of a chosen shape, v128
// arguments, a memory picker for multi-memory, 64-bit addresses (memory64) and memories of
// 1-byte pages (custom-page-sizes). Run like the other e2e tests (WASMSCOPE_URL: see
// playground.test.mjs); screenshots go to test-results/<test>.png.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { button, consoleText, eventually, expectConsole, expectStatus, region, stackValues, statusText, tableRows } from './common.mjs';

const URL_BASE = process.env.WASMSCOPE_URL;
if (!URL_BASE) {
  throw new Error(
    'WASMSCOPE_URL is not set: build the page (wasm-pack build --release --target web --out-dir www/pkg), ' +
      'serve www/ and set WASMSCOPE_URL to its URL (npm test does all of this)',
  );
}
const PAGE = new URL('index.html', URL_BASE).href;
const DOCS = new URL('embed.html', URL_BASE).href;

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const RESULTS = process.env.SHOTS ?? join(ROOT, 'test-results');
mkdirSync(RESULTS, { recursive: true });

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let browser;
before(async () => {
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
});
after(async () => {
  await browser?.close();
});

/** A fresh 1280x800 page at `url`; saves a screenshot and fails on any console or page error. */
async function withPage(name, url, body) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console.error: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  try {
    await page.goto(url);
    // The page is ready once its status line is no longer "loading…"; the docs page once its
    // first embed's is.
    await page.waitForFunction(() => {
      const root = document.querySelector('wasm-playground')?.shadowRoot ?? document;
      const s = root.getElementById('status')?.textContent ?? '';
      return s !== '' && !s.startsWith('loading');
    });
    await body(page);
  } finally {
    await page.screenshot({ path: join(RESULTS, `${name}.png`) }).catch(() => {});
    await context.close();
  }
  assert.deepEqual(errors, [], 'no console errors or page errors');
}

/** The hex view's rows as "address: bytes". */
async function hexRows(scope) {
  return region(scope, 'Memory')
    .locator('.row')
    .evaluateAll((rows) => rows.map((r) => `${r.querySelector('.addr').textContent}: ${[...r.querySelectorAll('.bytes span')].map((s) => s.textContent).join(' ').trim()}`));
}

/** Puts WAT text into the page's editor and compiles it. */
async function loadWat(page, text) {
  await page.locator('#editor').fill(text);
  await button(page, 'Compile').click();
  await expectConsole(page, /loaded WAT/);
}

/** Adds a <wasm-playground> with `wat` to the docs page and waits for it to load. */
async function addEmbed(page, { wat, func, args = '', panels }) {
  await page.evaluate(
    ({ wat, func, args, panels }) => {
      const el = document.createElement('wasm-playground');
      el.id = 'w3';
      el.setAttribute('function', func);
      if (args) el.setAttribute('args', args);
      el.setAttribute('panels', panels);
      const script = document.createElement('script');
      script.type = 'text/wat';
      script.textContent = wat;
      el.append(script);
      document.querySelector('article').prepend(el);
    },
    { wat, func, args, panels },
  );
  const el = page.locator('#w3');
  await eventually(async () => assert.equal(await el.getByLabel('Function').inputValue(), func));
  await el.scrollIntoViewIfNeeded();
  return el;
}

const V128 = `(module
  (global $g (export "g") (mut v128) (v128.const i32x4 -1 0 7 65536))
  (func (export "lanes") (param $v v128) (result v128) (local $w v128)
    (local.set $w (i32x4.add (local.get $v) (v128.const i32x4 1 1 1 1)))
    (global.set $g (local.get $w))
    (local.get $w)))`;

test('v128 values: lanes in i32x4 by default, "v128 lanes" switches every panel, and the choice stays while stepping', () =>
  withPage('v128-lanes', PAGE, async (page) => {
    await loadWat(page, V128);
    const arg = page.getByLabel('$v: v128');
    // A bad v128 is refused before the call, with the CLI's message.
    await arg.fill('i32x4:1,2,3');
    await button(page, 'Step into').click();
    assert.equal(await arg.getAttribute('aria-invalid'), 'true');
    await expectConsole(page, /argument \$v: expected v128: a 0x-hexadecimal 128-bit number, or lanes as in i32x4:1,2,3,4/);
    assert.equal(await page.getByText('not a valid v128: e.g. i32x4:1,2,3,4 or 0x…', { exact: true }).isVisible(), true);
    // The CLI's forms: lanes, or the 128 bits.
    await arg.fill('i16x8:1,0,2,0,3,0,4,0');
    await button(page, 'Step into').click();
    await expectStatus(page, /^paused at/);
    assert.equal(await arg.getAttribute('aria-invalid'), 'false');
    assert.deepEqual(await tableRows(page, 'Locals'), ['$v v128 i32x4:[1, 2, 3, 4]', '$w v128 i32x4:[0, 0, 0, 0]']);
    assert.deepEqual(await tableRows(page, 'Globals'), ['$g mut v128 i32x4:[-1, 0, 7, 65536]']);
    await button(page, 'Step into').click(); // local.get $v
    assert.deepEqual(await stackValues(page), ['v128 i32x4:[1, 2, 3, 4]']);

    // One choice for every panel: switch it in Locals, the stack and the globals follow.
    const lanes = region(page, 'Locals').getByLabel('v128 lanes');
    assert.equal(await lanes.inputValue(), 'i32x4');
    await lanes.selectOption('i16x8');
    assert.deepEqual(await stackValues(page), ['v128 i16x8:[1, 0, 2, 0, 3, 0, 4, 0]']);
    assert.deepEqual(await tableRows(page, 'Globals'), ['$g mut v128 i16x8:[-1, -1, 0, 0, 7, 0, 0, 1]']);
    assert.equal(await region(page, 'Value stack').getByLabel('v128 lanes').inputValue(), 'i16x8');
    // It stays while stepping.
    await button(page, 'Step into').click(); // v128.const
    assert.deepEqual(await stackValues(page), ['v128 i16x8:[1, 0, 1, 0, 1, 0, 1, 0]', 'v128 i16x8:[1, 0, 2, 0, 3, 0, 4, 0]']);
    await region(page, 'Value stack').getByLabel('v128 lanes').selectOption('f32x4');
    assert.match((await stackValues(page))[0], /^v128 f32x4:\[(\S+), \1, \1, \1\]$/);
    await region(page, 'Globals').getByLabel('v128 lanes').selectOption('i64x2');
    assert.deepEqual(await tableRows(page, 'Globals'), ['$g mut v128 i64x2:[4294967295, 281474976710663]']);
    await region(page, 'Globals').getByLabel('v128 lanes').selectOption('i8x16');
    assert.deepEqual(await tableRows(page, 'Globals'), ['$g mut v128 i8x16:[-1, -1, -1, -1, 0, 0, 0, 0, 7, 0, 0, 0, 0, 0, 1, 0]']);
    await region(page, 'Globals').getByLabel('v128 lanes').selectOption('f64x2');
    await region(page, 'Globals').getByLabel('v128 lanes').selectOption('i32x4');
    await button(page, 'Continue').click();
    await expectStatus(page, /^finished: v128:i32x4:\[2, 3, 4, 5\]$/);
    assert.deepEqual(await tableRows(page, 'Globals'), ['$g mut v128 i32x4:[2, 3, 4, 5]']);

    // The hex form of the CLI is taken too.
    await arg.fill('0x00000004000000030000000200000001');
    await button(page, 'Run').click();
    await expectConsole(page, /lanes\(0x00000004000000030000000200000001\) → v128:i32x4:\[2, 3, 4, 5\]/);

    // No picker for a module without v128.
    await page.getByLabel('Examples').selectOption({ label: 'Recursive factorial' });
    await eventually(async () => assert.equal(await region(page, 'Locals').getByLabel('v128 lanes').isVisible(), false));
  }));

const MULTI = `(module
  (memory $heap 1)
  (memory $io 1)
  (func (export "store") (param $x i32)
    (i32.store $heap (i32.const 0) (i32.const 0x11111111))
    (i32.store $io (i32.const 16) (local.get $x))
    (i32.store8 $io (i32.const 40) (i32.const 0x7f))))`;

test('multi-memory: the Memory picker shows memory 1, its last write, and a watchpoint on memory 1 stops', () =>
  withPage('multi-memory', PAGE, async (page) => {
    await loadWat(page, MULTI);
    const memory = region(page, 'Memory');
    const picker = memory.getByRole('combobox', { name: 'Memory' });
    assert.equal(await picker.isVisible(), true);
    assert.deepEqual(await picker.locator('option').allTextContents(), ['$heap (memory 0)', '$io (memory 1)']);
    await page.getByLabel('$x: i32').fill('0x2a');

    // Watch 4 bytes at 0x10 of memory 1.
    await picker.selectOption({ label: '$io (memory 1)' });
    assert.match(await memory.locator('#memory-info').textContent(), /^\$io \(memory 1\): 1 page \(64 KiB\)$/);
    await memory.getByLabel('Address').fill('0x10');
    await memory.getByLabel('Address').press('Enter');
    await memory.locator('.bytes [data-addr="19"]').click({ modifiers: ['Shift'] });
    await button(page, 'Watch').click();
    await expectConsole(page, /watchpoint 1: break after writes to 0x10\.\.0x13 of \$io \(memory 1\)/);

    // The store to memory 0 does not stop it; the one to memory 1 does.
    await button(page, 'Continue').click();
    await expectStatus(page, /\(watchpoint 1\)$/);
    await expectConsole(page, /watchpoint 1: 4-byte write at 0x10 of memory 1: 00 00 00 00 → 2a 00 00 00/);
    assert.equal(await picker.inputValue(), '1');
    const written = await memory.locator('.bytes .written').evaluateAll((els) => els.map((e) => `${e.dataset.addr}=${e.textContent}`));
    assert.deepEqual(written, ['16=2a', '17=00', '18=00', '19=00']);
    assert.equal((await hexRows(page))[1], '00000010: 2a 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00');
    assert.match(await memory.getByRole('button', { name: /^last write:/ }).textContent(), /^last write: \$io 0x10, 4 bytes$/);

    // Memory 0 shows its own bytes (the first store), not memory 1's.
    await picker.selectOption('0');
    assert.equal((await hexRows(page))[0], '00000000: 11 11 11 11 00 00 00 00 00 00 00 00 00 00 00 00');
    assert.equal(await memory.locator('.bytes .written').count(), 0, "memory 1's write is not highlighted in memory 0");
    // The last write's button brings memory 1 back.
    await memory.getByRole('button', { name: /^last write:/ }).click();
    assert.equal(await picker.inputValue(), '1');
    assert.equal(await memory.getByLabel('Address').inputValue(), '0x10');

    // Step over the next store: its write shows in memory 1; then unwatch and finish.
    await button(page, 'Step over').click();
    await button(page, 'Step over').click();
    await button(page, 'Step over').click();
    await eventually(async () => assert.deepEqual(await memory.locator('.bytes .written').evaluateAll((els) => els.map((e) => `${e.dataset.addr}=${e.textContent}`)), ['40=7f']));
    await button(page, 'Unwatch').click();
    await button(page, 'Continue').click();
    await expectStatus(page, /^finished/);

    // One memory: no picker.
    await page.getByLabel('Examples').selectOption({ label: 'Loop storing into memory' });
    await eventually(async () => assert.equal(await picker.isVisible(), false));
  }));

const MEM64 = `(module
  (memory $wide i64 1)
  (func (export "store") (param $at i64) (param $x i32)
    (i32.store offset=0x10 (local.get $at) (local.get $x))))`;

test('memory64: 12-digit addresses, a store through an i64 address, a 64-bit watchpoint, and a trap shows its address (Run too)', () =>
  withPage('memory64', PAGE, async (page) => {
    await loadWat(page, MEM64);
    const memory = region(page, 'Memory');
    assert.match(await memory.locator('#memory-info').textContent(), /^1 page \(64 KiB\), 64-bit$/);
    assert.equal(await memory.getByRole('combobox', { name: 'Memory' }).isVisible(), false, 'no picker with one memory');
    assert.equal((await hexRows(page))[0].split(':')[0], '000000000000', '12 hex digits of address');

    // A watchpoint on the last bytes of the memory, from the address box.
    await memory.getByLabel('Address').fill('0xfff0');
    await memory.getByLabel('Address').press('Enter');
    await button(page, 'Watch').click();
    await expectConsole(page, /watchpoint 1: break after writes to 0xfff0/);
    await page.getByLabel('$at: i64').fill('0xffe0');
    await page.getByLabel('$x: i32').fill('0x01020304');
    await button(page, 'Continue').click();
    await expectStatus(page, /\(watchpoint 1\)$/);
    await expectConsole(page, /watchpoint 1: 4-byte write at 0xfff0: 00 00 00 00 → 04 03 02 01/);
    assert.ok((await hexRows(page)).includes('00000000fff0: 04 03 02 01 00 00 00 00 00 00 00 00 00 00 00 00'), (await hexRows(page)).join('\n'));
    await button(page, 'Continue').click();
    await expectStatus(page, /^finished/);

    // An address above 4 GiB: the address box says it is past the end, the store traps and
    // says where.
    await memory.getByLabel('Address').fill('0x1_0000_0000');
    await memory.getByLabel('Address').press('Enter');
    assert.equal(await memory.getByLabel('Address').getAttribute('aria-invalid'), 'true');
    assert.equal(await memory.getByRole('alert').textContent(), 'past the end: $wide (memory 0) has 0x10000 bytes');
    await memory.getByLabel('Address').fill('0x20000000000000');
    await memory.getByLabel('Address').press('Enter');
    assert.match(await memory.getByRole('alert').textContent(), /^the page takes addresses up to 2\^53 - 1/);
    await page.getByLabel('$at: i64').fill('0x100000000');
    await button(page, 'Continue').click();
    const size = ' of memory 0 \\(\\$wide\\), 65536 bytes';
    await expectStatus(page, new RegExp(`^trapped: out of bounds memory access: 4 bytes at 0x100000010 \\(0x100000000 \\+ offset 16\\)${size}$`));
    await expectConsole(page, /trap: out of bounds memory access: 4 bytes at 0x100000010 .* at 0x[0-9a-f]+ in /);
    // An i64 address read as unsigned: -1 is 2^64 - 1.
    await page.getByLabel('$at: i64').fill('-1');
    await button(page, 'Continue').click();
    const wrapped = new RegExp(`^trapped: out of bounds memory access: 4 bytes at 0x1000000000000000f \\(0xffffffffffffffff \\+ offset 16\\)${size}$`);
    await expectStatus(page, wrapped);
    // Run (full speed) says the same: the engine names the bytes in the trap.
    await button(page, 'Run').click();
    await expectStatus(page, wrapped);
    await expectConsole(page, /\(-1, 0x01020304\)trap: out of bounds memory access: 4 bytes at 0x1000000000000000f .* at 0x[0-9a-f]+ in store \(3 instructions/);
  }));

test('custom page sizes: a memory of 1-byte pages shows its size in bytes and scrolls within it', () =>
  withPage('page-size-1', PAGE, async (page) => {
    await loadWat(
      page,
      `(module (memory $tiny 100 (pagesize 1))
         (func (export "grow") (result i32) (i32.store8 (i32.const 99) (i32.const 0xaa)) (memory.grow (i32.const 5))))`,
    );
    const memory = region(page, 'Memory');
    assert.equal(await memory.locator('#memory-info').textContent(), '100 pages of 1 byte (100 bytes)');
    let rows = await hexRows(page);
    assert.equal(rows.length, 7, '100 bytes: 7 rows');
    assert.equal(rows.at(-1), '00000060: 00 00 00 00');
    await button(page, 'Next 256 bytes').click();
    assert.equal((await hexRows(page))[0].split(':')[0], '00000000', 'Next stays within the memory');
    await memory.getByLabel('Address').fill('100');
    await memory.getByLabel('Address').press('Enter');
    assert.equal(await memory.getByRole('alert').textContent(), 'past the end: $tiny (memory 0) has 0x64 bytes');
    await button(page, 'Run').click();
    await expectStatus(page, /^finished: i32:100$/);
    assert.equal(await memory.locator('#memory-info').textContent(), '105 pages of 1 byte (105 bytes)');
    rows = await hexRows(page);
    assert.equal(rows.at(-1), '00000060: 00 00 00 aa 00 00 00 00 00');
  }));

test('the <wasm-playground> element: v128 lanes, the memory picker and watchpoints on memory 1', () =>
  withPage('embed-wasm3', DOCS, async (page) => {
    const el = await addEmbed(page, {
      wat: `(module
        (memory $a 1) (memory $b i64 1)
        (func (export "f") (param $v v128) (result i32) (local $i i32)
          (v128.store $b (i64.const 32) (local.get $v))
          (i32.const 1)))`,
      func: 'f',
      args: 'i32x4:1,2,3,4',
      panels: 'stack,locals,memory',
    });
    await button(el, 'Step into').click();
    await eventually(async () => assert.deepEqual(await tableRows(el, 'Locals'), ['$v v128 i32x4:[1, 2, 3, 4]', '$i i32 0']));
    await region(el, 'Locals').getByLabel('v128 lanes').selectOption('i64x2');
    assert.deepEqual(await tableRows(el, 'Locals'), ['$v v128 i64x2:[8589934593, 17179869187]', '$i i32 0']);
    await button(el, 'Step into').click();
    await button(el, 'Step into').click();
    assert.deepEqual(await stackValues(el), ['v128 i64x2:[8589934593, 17179869187]', 'i64 32']);

    const memory = region(el, 'Memory');
    const picker = memory.getByRole('combobox', { name: 'Memory' });
    await picker.selectOption({ label: '$b (memory 1)' });
    assert.match(await memory.locator('#memory-info').textContent(), /^\$b \(memory 1\): 1 page \(64 KiB\), 64-bit$/);
    await memory.getByLabel('Address').fill('0x28');
    await memory.getByLabel('Address').press('Enter');
    await button(el, 'Watch').click();
    await button(el, 'Continue').click();
    await eventually(async () => assert.match(await statusText(el), /\(watchpoint 1\)$/));
    assert.equal(await picker.inputValue(), '1');
    assert.equal((await hexRows(el))[2], '000000000020: 01 00 00 00 02 00 00 00 03 00 00 00 04 00 00 00');
    await el.screenshot({ path: join(RESULTS, 'embed-wasm3-element.png') });
  }));
