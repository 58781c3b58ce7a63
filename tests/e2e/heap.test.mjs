// End-to-end tests of the heap inspector (issue 15): GC references shown as typed handles
// (`(ref $pair) #1`) that expand into their named fields, nested structs, arrays 100
// elements at a time, the Heap panel (live objects by type, "Collect garbage" and what it
// freed, results the page holds), and a held result given back as an argument. Run like the
// other e2e tests (WASMSCOPE_URL: see playground.test.mjs); screenshots go to
// test-results/<test>.png.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { button, eventually, expectConsole, expectStatus, region, stackValues, tableRows } from './common.mjs';

const URL_BASE = process.env.WASMSCOPE_URL;
if (!URL_BASE) {
  throw new Error(
    'WASMSCOPE_URL is not set: build the page (wasm-pack build --release --target web --out-dir www/pkg), ' +
      'serve www/ and set WASMSCOPE_URL to its URL (npm test does all of this)',
  );
}
const PAGE = new URL('index.html', URL_BASE).href;

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const RESULTS = process.env.SHOTS ?? join(ROOT, 'test-results');
mkdirSync(RESULTS, { recursive: true });
const WAT = readFileSync(join(ROOT, 'tests', 'data', 'heap.wat'), 'utf8');

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let browser;
before(async () => {
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
});
after(async () => {
  await browser?.close();
});

/** A fresh 1280x800 page; saves a screenshot and fails on any console or page error. */
async function withPage(name, body) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console.error: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  try {
    await page.goto(PAGE);
    await page.waitForFunction(() => {
      const s = document.getElementById('status')?.textContent ?? '';
      return s !== '' && !s.startsWith('loading');
    });
    await page.locator('#editor').fill(WAT);
    await button(page, 'Compile').click();
    await expectConsole(page, /loaded WAT/);
    await body(page);
  } finally {
    await page.screenshot({ path: join(RESULTS, `${name}.png`) }).catch(() => {});
    await context.close();
  }
  assert.deepEqual(errors, [], 'no console errors or page errors');
}

/** The items of a list of fields (its own, not those of nested lists) as "name type value". */
const fieldRows = (group) =>
  group.evaluate((g) => {
    const list = g.matches('ul') ? g : g.querySelector(':scope > ul');
    return [...list.children].map((li) => {
      const own = [...li.childNodes].filter((n) => !(n instanceof Element && (n.matches('ul, .array'))));
      const text = own.map((n) => (n instanceof Element && n.matches('.ref') ? n.querySelector('button').textContent : n.textContent)).join('');
      return text.replace(/\s+/g, ' ').trim();
    });
  });

/** Runs `func` with `args` to its end (Run), waiting for its Console line. */
async function runCall(page, func, args, re) {
  await page.getByLabel('Function').selectOption(func);
  for (const [label, value] of Object.entries(args)) await page.getByLabel(label).fill(value);
  await button(page, 'Run').click();
  await expectConsole(page, re);
}

test('a struct on the Value stack expands into its named fields, nested structs too, and the Heap panel counts it', () =>
  withPage('heap-struct', async (page) => {
    const heap = region(page, 'Heap');
    assert.equal(await heap.isVisible(), false, 'no Heap panel before the first object');
    await page.getByLabel('Function').selectOption('pair');
    await button(page, 'Step into').click(); // starts the call
    // i32.const 7, ref.null, struct.new $node: the node's handle on the stack.
    for (let i = 0; i < 3; i++) await button(page, 'Step into').click();
    assert.deepEqual(await stackValues(page), ['anyref (ref $node) #0']);
    // Its fields, then the pair's.
    for (let i = 0; i < 4; i++) await button(page, 'Step into').click();
    assert.deepEqual(await stackValues(page), ['anyref (ref $pair) #1']);

    const stack = region(page, 'Value stack');
    const toggle = stack.getByRole('button', { name: '(ref $pair) #1', exact: true });
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    await toggle.click();
    await eventually(async () => assert.equal(await toggle.getAttribute('aria-expanded'), 'true'));
    assert.equal(await toggle.evaluate((b) => b === document.activeElement), true, 'the focus stays on the disclosure');
    const fields = stack.getByRole('group', { name: 'fields of (ref $pair) #1' });
    assert.deepEqual(await fieldRows(fields), ['$left (ref $node) (ref $node) #0', '$tag i8 255', '$wide i16 4660', '$big i64 -5']);
    // The nested node.
    await fields.getByRole('button', { name: '(ref $node) #0', exact: true }).click();
    const node = stack.getByRole('group', { name: 'fields of (ref $node) #0' });
    assert.deepEqual(await fieldRows(node), ['$val mut i32 7', '$next mut (ref null $node) null']);

    // The Heap panel: live objects by type, most bytes first, and the total.
    await eventually(async () => assert.equal(await heap.isVisible(), true));
    assert.match(await heap.locator('.heap-summary').textContent(), /^2 live objects, 80 bytes · no collection yet$/);
    assert.deepEqual(await tableRows(page, 'Heap'), ['$pair struct 1 48 bytes', '$node struct 1 32 bytes']);
    assert.deepEqual(await heap.locator('tfoot tr').evaluate((r) => [...r.cells].map((c) => c.textContent)), ['total', '', '2', '80 bytes']);
    await page.screenshot({ path: join(RESULTS, 'heap-struct-expanded.png') });

    // Step once more: still open (the same place, the same object).
    await button(page, 'Step into').click(); // end: the call finishes
    await expectStatus(page, /^finished: \(ref \$pair\) #1/);
    const results = heap.getByRole('list', { name: 'Results held by the page' });
    await results.getByRole('button', { name: '(ref $pair) #1', exact: true }).click();
    assert.deepEqual(await fieldRows(heap.getByRole('group', { name: 'fields of (ref $pair) #1' })), [
      '$left (ref $node) (ref $node) #0',
      '$tag i8 255',
      '$wide i16 4660',
      '$big i64 -5',
    ]);
  }));

test('arrays show their length and 100 elements at a time; a global holds a list', () =>
  withPage('heap-array', async (page) => {
    await runCall(page, 'bytes', { '$n: i32': '250' }, /bytes\(250\) → \(ref \$bytes\) #0/);
    const heap = region(page, 'Heap');
    await heap.getByRole('button', { name: '(ref $bytes) #0', exact: true }).click();
    const elements = heap.getByRole('group', { name: 'elements of (ref $bytes) #0' });
    assert.match(await elements.locator('.array-head').textContent(), /^length 250 · 0–99/);
    let rows = await fieldRows(elements);
    assert.equal(rows.length, 100);
    assert.deepEqual([rows[0], rows[99]], ['0 mut i8 0', '99 mut i8 99']);
    assert.equal(await heap.getByRole('button', { name: 'previous 100 elements of (ref $bytes) #0' }).count(), 0);
    await heap.getByRole('button', { name: 'next 100 elements of (ref $bytes) #0' }).click();
    await eventually(async () => assert.match(await elements.locator('.array-head').textContent(), /100–199/));
    await page.screenshot({ path: join(RESULTS, 'heap-array-page.png') });
    await heap.getByRole('button', { name: 'next 100 elements of (ref $bytes) #0' }).click();
    await eventually(async () => assert.match(await elements.locator('.array-head').textContent(), /200–249/));
    rows = await fieldRows(elements);
    assert.deepEqual([rows.length, rows[0], rows[49]], [50, '200 mut i8 200', '249 mut i8 249']);
    assert.equal(await heap.getByRole('button', { name: 'next 100 elements of (ref $bytes) #0' }).count(), 0, 'the last page');
    await heap.getByRole('button', { name: 'previous 100 elements of (ref $bytes) #0' }).click();
    await eventually(async () => assert.match(await elements.locator('.array-head').textContent(), /100–199/));

    // A list kept in a global: the Globals panel's value expands.
    await runCall(page, 'keep', { '$n: i32': '2' }, /keep\(2\) → \(no results\)/);
    const globals = region(page, 'Globals');
    assert.deepEqual(await tableRows(page, 'Globals'), ['$root mut anyref (ref $node) #2']);
    await globals.getByRole('button', { name: '(ref $node) #2', exact: true }).click();
    assert.deepEqual(await fieldRows(globals.getByRole('group', { name: 'fields of (ref $node) #2' })), [
      '$val mut i32 2',
      '$next mut (ref null $node) (ref $node) #1',
    ]);
  }));

test('Collect garbage frees what nothing holds; a held result goes back in as an argument', () =>
  withPage('heap-collect', async (page) => {
    await runCall(page, 'list', { '$n: i32': '3' }, /list\(3\) → \(ref \$node\) #2/);
    // Garbage: 50 nodes nothing keeps.
    await runCall(page, 'churn', { '$n: i32': '50' }, /churn\(50\) → i32:50/);
    const heap = region(page, 'Heap');
    await eventually(async () => assert.match(await heap.locator('.heap-summary').textContent(), /^53 live objects/));
    await button(page, 'Collect garbage').click();
    await expectConsole(page, /garbage collected: 50 objects \(1600 bytes\) freed, 3 live/);
    assert.match(await heap.locator('.heap-summary').textContent(), /^3 live objects, 96 bytes · 1 collection; the last freed 50 objects \(1.6 KiB\)$/);
    assert.deepEqual(await tableRows(page, 'Heap'), ['$node struct 3 96 bytes']);

    // The list, held since the page showed it, is an argument of sum.
    await page.getByLabel('Function').selectOption('sum');
    await page.getByLabel('$l: anyref').fill('(ref $node) #2');
    await button(page, 'Run').click();
    await expectConsole(page, /sum\(\(ref \$node\) #2\) → i32:6/);
    // A handle of the wrong type, and a freed one. (Freed slots are reused last freed
    // first: the node takes #52, the pair #51.)
    await runCall(page, 'pair', {}, /pair\(\) → \(ref \$pair\) #51/);
    await page.getByLabel('Function').selectOption('sum');
    await page.getByLabel('$l: anyref').fill('#51');
    await button(page, 'Run').click();
    await expectConsole(page, /argument 1: expected \(ref null \$node\), found \(ref \$pair\) #51/);
    await page.getByLabel('$l: anyref').fill('#40');
    await button(page, 'Run').click();
    await expectConsole(page, /argument 1: expected \(ref null \$node\): no live object #40/);
    // In a paused call, a collection is a step of its own: Step back undoes it.
    await page.getByLabel('Function').selectOption('churn');
    await page.getByLabel('$n: i32').fill('5');
    await button(page, 'Step into').click();
    for (let i = 0; i < 45; i++) await button(page, 'Step into').click();
    const summary = () => heap.locator('.heap-summary').textContent();
    const before = await summary();
    const where = await page.locator('#status').textContent();
    await button(page, 'Collect garbage').click();
    await eventually(async () => assert.notEqual(await summary(), before));
    assert.match(await summary(), /· 2 collections; the last freed [1-9]/);
    await button(page, 'Step back').click();
    await eventually(async () => assert.equal(await summary(), before));
    assert.equal(await page.locator('#status').textContent(), where, 'at the same instruction');
    await button(page, 'Reset').click();
    await page.getByLabel('Function').selectOption('sum');

    // The box says what it takes (on change).
    await page.getByLabel('$l: anyref').fill('nonsense');
    await page.getByLabel('$l: anyref').press('Tab');
    await eventually(async () => assert.equal(await page.locator('#arg-0-error').textContent(), 'not a valid anyref: null or a handle, e.g. #17'));
    await page.getByLabel('$l: anyref').fill('(ref $node) #2');
    await page.getByLabel('$l: anyref').press('Tab');
    await eventually(async () => assert.equal(await page.locator('#arg-0-error').textContent(), ''));
  }));

test('switching functions keeps an argument only for a parameter of the same type', () =>
  withPage('heap-args-switch', async (page) => {
    // list takes an i32; sum takes a reference: the 5 typed for list is not sum's argument.
    await page.getByLabel('Function').selectOption('list');
    await page.getByLabel('$n: i32').fill('5');
    await page.getByLabel('Function').selectOption('sum');
    assert.equal(await page.getByLabel('$l: anyref').inputValue(), 'null');
    await page.getByLabel('Function').selectOption('list');
    assert.equal(await page.getByLabel('$n: i32').inputValue(), '0');
  }));
