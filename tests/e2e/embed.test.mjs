// End-to-end tests of embedding: the <wasm-playground> element on the sample docs page
// (www/embed.html), permalinks of the full page (www/index.html), the JS API
// (www/wasmscope.js), and the element's resistance to a hostile host stylesheet. Headless
// Chromium driven by playwright-core, like playground.test.mjs (same launch arguments, same
// conventions: accessible names, a screenshot per test in test-results/, no console errors).
// `npm test` builds www/pkg, serves www/ and sets WASMSCOPE_URL; by hand:
//
//   wasm-pack build --release --target web --out-dir www/pkg
//   python3 -m http.server -d www 8123 --bind 127.0.0.1 &
//   WASMSCOPE_URL=http://127.0.0.1:8123/ node --test tests/e2e/embed.test.mjs
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { button, eventually, region, stackValues, statusText, tableRows } from './common.mjs';

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

before(async () => {
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
});

after(async () => {
  await browser?.close();
});

/** Collects console errors, page errors and failed requests of a page. */
function watch(page, errors) {
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console.error: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
}

/**
 * A fresh context and page; `body(page, context, errors)` runs, a screenshot is saved as
 * test-results/<name>.png, and the test fails on any console error or page error (of every
 * page opened in the context).
 */
async function withPage(name, options, body) {
  if (typeof options === 'function') [options, body] = [{}, options];
  const { width = 1280, height = 900, colorScheme = 'light', fullPage = false } = options;
  const context = await browser.newContext({ viewport: { width, height }, colorScheme });
  const errors = [];
  context.on('page', (p) => watch(p, errors));
  const page = await context.newPage();
  try {
    await body(page, context, errors);
  } finally {
    await page.screenshot({ path: join(RESULTS, `${name}.png`), fullPage }).catch(() => {});
    await context.close();
  }
  assert.deepEqual(errors, [], 'no console errors or page errors');
}

const embeds = (page) => page.locator('wasm-playground');
const status = statusText;
async function executed(scope) {
  return Number((await scope.locator('#executed').textContent()).replace(/[^0-9]/g, ''));
}

/** Opens the docs page and waits for its three embeds to have loaded their modules. */
async function openDocs(page, url = DOCS) {
  await page.goto(url);
  const all = embeds(page);
  await eventually(async () => assert.equal(await all.count(), 3));
  for (let i = 0; i < 3; i++) {
    await eventually(async () => {
      const s = await status(all.nth(i));
      assert.ok(s && !s.startsWith('loading'), `embed ${i} loaded (status: ${s})`);
    });
  }
  for (let i = 0; i < 3; i++) assert.doesNotMatch(await status(all.nth(i)), /^error|no module/);
}

/** The full page is ready once its status line is no longer "loading…". */
async function waitPageReady(page) {
  await page.waitForFunction(() => {
    const s = document.getElementById('status')?.textContent ?? '';
    return s !== '' && !s.startsWith('loading');
  });
}

/** The disassembly gutter of the first line whose instruction is `text`. */
function gutter(scope, page, text) {
  return region(scope, 'Disassembly')
    .locator('li')
    .filter({ has: page.locator('.ins', { hasText: new RegExp(`^\\s*${text.replace(/[.$]/g, '\\$&')}$`) }) })
    .first()
    .getByRole('button');
}

/** What every embed shows: status and instruction count, to see which ones moved. */
async function snapshot(page) {
  const out = [];
  for (let i = 0; i < 3; i++) out.push(`${await status(embeds(page).nth(i))} | ${await executed(embeds(page).nth(i))}`);
  return out;
}

// ---- the sample docs page ----------------------------------------------------------------

test('the docs page loads its three embeds; each steps on its own, by button and by keyboard', () =>
  withPage('embed-docs-1280', { fullPage: true }, async (page) => {
    const wasmRequests = [];
    page.on('request', (r) => {
      if (r.url().endsWith('.wasm')) wasmRequests.push(r.url());
    });
    await openDocs(page);
    const [fac, squares, hello] = [0, 1, 2].map((i) => embeds(page).nth(i));

    // What each shows: the chosen function and arguments, and only the chosen panels.
    assert.equal(await fac.getByLabel('Function').inputValue(), 'fac');
    assert.equal(await fac.getByLabel('$n: i64').inputValue(), '5');
    assert.equal(await squares.getByLabel('$n: i32').inputValue(), '16');
    for (const name of ['Disassembly', 'Value stack', 'Call stack', 'Locals']) assert.equal(await region(fac, name).count(), 1, `fac: ${name}`);
    for (const name of ['Memory', 'Console', 'Globals']) assert.equal(await region(fac, name).count(), 0, `fac has no ${name}`);
    for (const name of ['Locals', 'Memory']) assert.equal(await region(squares, name).count(), 1, `squares: ${name}`);
    assert.equal(await region(squares, 'Value stack').count(), 0);
    for (const name of ['Run', 'Continue', 'Pause', 'Step into', 'Step over', 'Step out', 'Step back', 'Reset']) {
      for (const e of [fac, squares, hello]) assert.equal(await button(e, name).count(), 1, `button ${name}`);
    }
    assert.equal(await page.getByRole('group', { name: 'Example: recursive factorial' }).count(), 1, 'the embed is a named group');

    // autorun: the WASI hello world ran when it loaded, and printed to its Console.
    await eventually(async () => assert.match(await region(hello, 'Console').textContent(), /Hello, world!/));
    assert.match(await status(hello), /^finished: no results$/);
    assert.deepEqual(
      await region(hello, 'Console').locator('.entry.stdout').allTextContents(),
      ['Hello, world!'],
    );

    // One copy of the interpreter for all three (and the page's own JS API example).
    await eventually(async () => assert.match(await page.locator('#api-output').textContent(), /results i64:120/));
    assert.equal(wasmRequests.length, 1, `one download of the interpreter: ${wasmRequests.join(', ')}`);
    assert.match(wasmRequests[0], /pkg\/wasmscope_bg\.wasm$/);

    // Step the factorial: only it moves.
    const before = await snapshot(page);
    await button(fac, 'Step into').click(); // starts fac(5)
    await button(fac, 'Step into').click(); // local.get 0
    await button(fac, 'Step into').click(); // i64.const 1
    assert.match(await status(fac), /^paused at fac @ 0x0026$/);
    assert.deepEqual(await stackValues(fac), ['i64 1', 'i64 5']);
    assert.deepEqual(await tableRows(fac, 'Locals'), ['$n i64 5']);
    const afterFac = await snapshot(page);
    assert.deepEqual(afterFac.slice(1), before.slice(1), 'the other embeds did not move');

    // Step over in the memory loop: only it moves; the factorial stays where it was.
    // (the first Step over starts the call and steps over its first instruction)
    for (let i = 0; i < 3; i++) await button(squares, 'Step over').click();
    assert.match(await status(squares), /^paused at squares @ 0x/);
    assert.equal(await executed(squares), 3);
    const afterSquares = await snapshot(page);
    assert.equal(afterSquares[0], afterFac[0], 'the factorial did not move');
    assert.equal(afterSquares[2], before[2], 'hello did not move');

    // Keyboard: F11 acts on the focused embed only.
    await region(fac, 'Disassembly').locator('#disassembly').click();
    await page.keyboard.press('F11');
    assert.deepEqual(await stackValues(fac), ['i32 0'], 'i64.le_s ran in the factorial');
    assert.equal(await executed(squares), 3, 'the memory loop did not move');
    await region(squares, 'Disassembly').locator('#disassembly').click();
    await page.keyboard.press('F11');
    await page.keyboard.press('F11');
    assert.equal(await executed(squares), 5);
    assert.deepEqual(await stackValues(fac), ['i32 0'], 'the factorial did not move');
    await page.keyboard.press('Shift+F10');
    assert.equal(await executed(squares), 4, 'Shift+F10 stepped back');
    // Focus outside every embed: the keys do nothing to them.
    await page.locator('h1').click();
    const still = await snapshot(page);
    await page.keyboard.press('F11');
    await page.keyboard.press('F10');
    assert.deepEqual(await snapshot(page), still, 'no embed reacts to keys while focus is elsewhere');

    // Run the factorial to the end; a breakpoint in one embed does not affect another.
    await gutter(squares, page, 'i32.store').click();
    assert.equal(await gutter(squares, page, 'i32.store').getAttribute('aria-pressed'), 'true');
    await button(fac, 'Run').click();
    await eventually(async () => assert.match(await status(fac), /^finished: i64:120$/));
    await button(squares, 'Continue').click();
    await eventually(async () => assert.match(await status(squares), /\(breakpoint 1\)$/));
    assert.deepEqual(await tableRows(squares, 'Locals'), ['$n i32 16', '$i i32 0', '$sq i32 0']);
    await button(squares, 'Continue').click();
    await eventually(async () => assert.deepEqual(await tableRows(squares, 'Locals'), ['$n i32 16', '$i i32 1', '$sq i32 1']));
    await button(squares, 'Step into').click(); // the store of 1 * 1 at 4
    const written = await region(squares, 'Memory').locator('.bytes .written').evaluateAll((els) => els.map((e) => `${e.dataset.addr}=${e.textContent}`));
    assert.deepEqual(written, ['4=01', '5=00', '6=00', '7=00'], 'the bytes the store wrote are highlighted');
    await region(squares, 'Memory').locator('.bytes .written').first().scrollIntoViewIfNeeded();

    // A close-up of one embed.
    await fac.screenshot({ path: join(RESULTS, 'embed-closeup-factorial.png') });
    await squares.screenshot({ path: join(RESULTS, 'embed-closeup-memory.png') });
  }));

test('at 700 px the embeds fit the docs column without horizontal scrolling', () =>
  withPage('embed-docs-700', { width: 700, fullPage: true }, async (page) => {
    await openDocs(page);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no horizontal scrolling at 700 px (${overflow} px too wide)`);
    for (let i = 0; i < 3; i++) {
      const e = embeds(page).nth(i);
      const box = await e.boundingBox();
      assert.ok(box.width <= 700 && box.width >= 600, `embed ${i} fills the column (${box.width} px)`);
      const inner = await e.evaluate((el) => {
        const ws = el.shadowRoot.querySelector('.ws');
        return ws.scrollWidth - ws.clientWidth;
      });
      assert.ok(inner <= 0, `embed ${i} has nothing wider than itself (${inner} px)`);
      // The code panel is wide enough to read the instructions.
      const code = await region(e, 'Disassembly').boundingBox();
      assert.ok(code.width >= 280, `embed ${i}: code ${code.width} px wide`);
    }
    // The memory dump's 16 columns and its text fit.
    const memory = embeds(page).nth(1).locator('#memory');
    await button(embeds(page).nth(1), 'Step into').click();
    const hex = await memory.evaluate((m) => m.scrollWidth - m.clientWidth);
    assert.ok(hex <= 0, `the hex dump fits (${hex} px too wide)`);
    await embeds(page).nth(0).screenshot({ path: join(RESULTS, 'embed-closeup-700.png') });
  }));

test('a phone-sized column: panels stack under the code', () =>
  withPage('embed-docs-400', { width: 400, height: 800 }, async (page) => {
    await openDocs(page);
    const fac = embeds(page).nth(0);
    await fac.scrollIntoViewIfNeeded();
    const code = await region(fac, 'Disassembly').boundingBox();
    const stack = await region(fac, 'Value stack').boundingBox();
    assert.ok(stack.y >= code.y + code.height, 'the Value stack is below the code');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no horizontal scrolling at 400 px (${overflow} px too wide)`);
    await fac.screenshot({ path: join(RESULTS, 'embed-closeup-400.png') });
  }));

test("the host page's CSS does not break the element, and the element's does not leak out", () =>
  withPage('embed-hostile-css', { fullPage: true }, async (page) => {
    const HOSTILE = `<style id="hostile">
      * { all: revert; font-size: 40px !important; color: red !important; line-height: 3 !important;
          letter-spacing: 3px !important; text-transform: uppercase !important; text-align: center !important;
          white-space: nowrap !important; font-family: fantasy !important; }
      button { display: none !important; }
      div, section, ol, li, span { padding: 30px !important; border: 5px solid red !important; margin: 20px !important; }
      select, input { display: none !important; }
      wasm-playground { display: inline !important; }
    </style>`;
    await page.route('**/embed.html', async (route) => {
      const response = await route.fetch();
      const html = (await response.text()).replace('</head>', `${HOSTILE}</head>`);
      await route.fulfill({ response, body: html, headers: { ...response.headers(), 'content-type': 'text/html; charset=utf-8' } });
    });
    await openDocs(page);
    assert.equal(await page.locator('style#hostile').count(), 1, 'the hostile stylesheet is on the page');
    for (let i = 0; i < 3; i++) {
      const e = embeds(page).nth(i);
      assert.equal(await e.evaluate((el) => getComputedStyle(el).display), 'block', `embed ${i} is a block`);
      for (const name of ['Run', 'Step into', 'Step over', 'Reset']) {
        const b = button(e, name);
        assert.equal(await b.isVisible(), true, `embed ${i}: ${name} is visible`);
        const box = await b.boundingBox();
        assert.ok(box.width >= 30 && box.width <= 120 && box.height >= 18 && box.height <= 32, `embed ${i}: ${name} sized sanely (${box.width}×${box.height})`);
        const style = await b.evaluate((el) => {
          const s = getComputedStyle(el);
          return { size: s.fontSize, color: s.color, transform: s.textTransform, spacing: s.letterSpacing };
        });
        assert.equal(style.size, '12px', `embed ${i}: ${name}'s font size`);
        assert.notEqual(style.color, 'rgb(255, 0, 0)', `embed ${i}: ${name} is not red`);
        assert.equal(style.transform, 'none');
        assert.equal(style.spacing, 'normal');
      }
      assert.equal(await e.getByLabel('Function').isVisible(), true, `embed ${i}: the function picker is visible`);
      const code = await region(e, 'Disassembly').boundingBox();
      assert.ok(code.height >= 150, `embed ${i}: the code is visible (${code.height} px)`);
      const line = await region(e, 'Disassembly').locator('li').first().evaluate((li) => getComputedStyle(li).lineHeight);
      assert.equal(line, '18px', 'code lines keep their height');
    }
    // It still works: step the factorial.
    const fac = embeds(page).nth(0);
    await button(fac, 'Step into').click();
    await button(fac, 'Step into').click();
    assert.deepEqual(await stackValues(fac), ['i64 5']);
    await fac.screenshot({ path: join(RESULTS, 'embed-hostile-closeup.png') });
  }));

test("the element's styles stay inside it: the docs page looks the same with it", () =>
  withPage('embed-no-leak', async (page) => {
    await openDocs(page);
    const docs = await page.evaluate(() => {
      const h2 = document.querySelector('article h2');
      const s = getComputedStyle(h2);
      const body = getComputedStyle(document.body);
      return { size: s.fontSize, transform: s.textTransform, family: s.fontFamily, bodySize: body.fontSize, bodyBg: body.backgroundColor };
    });
    assert.deepEqual(
      { size: docs.size, transform: docs.transform, bodySize: docs.bodySize },
      { size: '24px', transform: 'none', bodySize: '17px' },
      "the page's h2 and body keep the page's styles",
    );
    assert.match(docs.family, /Georgia/);
    assert.equal(await page.evaluate(() => document.styleSheets.length), 1, 'the element adds no stylesheet to the page');
  }));

test('an element made by script: <script type="text/wat">, attribute changes, a bad module, Pause on an endless loop', () =>
  withPage('embed-dynamic', async (page) => {
    await openDocs(page);
    await page.evaluate(() => {
      const el = document.createElement('wasm-playground');
      el.id = 'dynamic';
      el.setAttribute('function', 'spin');
      el.setAttribute('panels', 'globals,console');
      el.setAttribute('label', 'Example: an endless loop');
      const script = document.createElement('script');
      script.type = 'text/wat';
      // "<" and "&" are fine inside the script element.
      script.textContent = `(module ;; a < b && c
        (global $ticks (export "ticks") (mut i64) (i64.const 0))
        (func (export "add") (param $a i32) (param $b i32) (result i32) (i32.add (local.get $a) (local.get $b)))
        (func (export "spin") (loop $l (global.set $ticks (i64.add (global.get $ticks) (i64.const 1))) (br $l))))`;
      el.append(script);
      document.querySelector('article').append(el);
    });
    const el = page.locator('#dynamic');
    await eventually(async () => assert.equal(await el.getByLabel('Function').inputValue(), 'spin'));
    assert.equal(await region(el, 'Globals').count(), 1);
    assert.equal(await region(el, 'Value stack').count(), 0);

    // Run never ends: the page stays responsive, the counter moves, Pause stops it.
    await button(el, 'Run').click();
    await eventually(async () => assert.match(await status(el), /^running Run/));
    const fac = embeds(page).nth(0);
    await button(fac, 'Step into').click();
    assert.match(await status(fac), /^paused at fac/, 'another embed works meanwhile');
    await eventually(async () => assert.ok((await executed(el)) > 100_000));
    await button(el, 'Pause').click();
    await eventually(async () => assert.match(await status(el), /^paused at spin @ 0x[0-9a-f]+ \(paused\)$/));
    const ticks = Number((await tableRows(el, 'Globals'))[0].split(' ').at(-1));
    assert.ok(ticks > 1000, `the global counted (${ticks})`);

    // Attributes change what is selected; a bad argument is reported in the element.
    await page.evaluate(() => {
      const d = document.getElementById('dynamic');
      d.setAttribute('function', 'add');
      d.setAttribute('args', '40, 2');
      d.setAttribute('panels', 'stack');
    });
    await eventually(async () => assert.equal(await el.getByLabel('$a: i32').inputValue(), '40'));
    assert.equal(await el.getByLabel('$b: i32').inputValue(), '2');
    assert.equal(await region(el, 'Value stack').count(), 1);
    assert.equal(await region(el, 'Console').count(), 0);
    await button(el, 'Run').click();
    await eventually(async () => assert.match(await status(el), /^finished: i32:42$/));
    await el.getByLabel('$b: i32').fill('two');
    await button(el, 'Run').click();
    await eventually(async () => assert.match(await el.getByRole('alert').textContent(), /argument 2: expected i32/));
    assert.equal(await el.getByLabel('$b: i32').getAttribute('aria-invalid'), 'true');

    // A module that does not validate: the message, with its offset, in the element.
    await page.evaluate(() => {
      document.getElementById('dynamic').querySelector('script').textContent = '(module (func (export "f") (result i32) (i64.const 1)))';
    });
    await eventually(async () => assert.match(await el.getByRole('alert').textContent(), /^Cannot load: .*type mismatch/));
    assert.equal(await button(el, 'Run').isDisabled(), true);
    await el.screenshot({ path: join(RESULTS, 'embed-dynamic-error.png') });
  }));

// ---- permalinks ----------------------------------------------------------------------------------

test('Copy link on the full page: the module, function, arguments and breakpoints round-trip', () =>
  withPage('embed-permalink', async (page, context) => {
    await page.goto(PAGE);
    await waitPageReady(page);
    await page.getByLabel('Examples').selectOption({ label: 'Multi-value function' });
    await page.getByLabel('Function').selectOption('sum_pair');
    await page.getByLabel('$a: i32').fill('47');
    await page.getByLabel('$b: i32').fill('6');
    await gutter(page, page, 'i32.add').click();
    await gutter(page, page, 'call $divmod').click();
    const wat = await page.locator('#editor').inputValue();
    await button(page, 'Copy link').click();
    const field = page.getByLabel('Link to this module');
    await eventually(async () => assert.match(await field.inputValue(), /#m=[A-Za-z0-9_-]+$/));
    const link = await field.inputValue();
    assert.ok(link.startsWith(PAGE), link);
    assert.match(await page.locator('#link-message').textContent(), /characters/);

    const other = await context.newPage();
    await other.goto(link);
    await waitPageReady(other);
    await eventually(async () => assert.match(await region(other, 'Console').textContent(), /opened a link: sum_pair\(47, 6\), 2 breakpoints/));
    assert.equal(await other.locator('#editor').inputValue(), wat, 'the same module text');
    assert.equal(await other.getByLabel('Examples').inputValue(), await page.getByLabel('Examples').inputValue(), 'recognised as the same example');
    assert.equal(await other.getByLabel('Function').inputValue(), 'sum_pair');
    assert.equal(await other.getByLabel('$a: i32').inputValue(), '47');
    assert.equal(await other.getByLabel('$b: i32').inputValue(), '6');
    const pressed = (p) => region(p, 'Disassembly').locator('button.gutter[aria-pressed="true"]').evaluateAll((bs) => bs.map((b) => `${b.dataset.func}@${b.dataset.offset}`));
    assert.deepEqual(await pressed(other), await pressed(page), 'the same breakpoints');
    assert.equal((await pressed(other)).length, 2);
    // And they work: Continue stops at the call first.
    await button(other, 'Continue').click();
    await eventually(async () => assert.match(await status(other), /\(breakpoint 2\)$/));
    await button(other, 'Continue').click();
    await eventually(async () => assert.match(await status(other), /\(breakpoint 1\)$/));
    assert.deepEqual(await stackValues(other), ['i32 5', 'i32 7']);
    await other.screenshot({ path: join(RESULTS, 'embed-permalink-opened.png') });
    await other.close();
  }));

test('a permalink keeps a binary module; an oversized module is refused with a message', () =>
  withPage('embed-permalink-binary', async (page, context) => {
    await page.goto(PAGE);
    await waitPageReady(page);
    // (module (func (export "answer") (result i32) i32.const 42))
    const answer = Buffer.from([
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f, 0x03, 0x02, 0x01,
      0x00, 0x07, 0x0a, 0x01, 0x06, 0x61, 0x6e, 0x73, 0x77, 0x65, 0x72, 0x00, 0x00, 0x0a, 0x06, 0x01, 0x04, 0x00,
      0x41, 0x2a, 0x0b,
    ]);
    await page.getByLabel('Load module').setInputFiles({ name: 'answer.wasm', mimeType: 'application/wasm', buffer: answer });
    await eventually(async () => assert.match(await page.locator('#binary-note').textContent(), /binary module \(39 bytes\)/));
    await button(page, 'Copy link').click();
    const field = page.getByLabel('Link to this module');
    await eventually(async () => assert.match(await field.inputValue(), /#m=/));
    const other = await context.newPage();
    await other.goto(await field.inputValue());
    await waitPageReady(other);
    await eventually(async () => assert.match(await other.locator('#binary-note').textContent(), /binary module \(39 bytes\) — answer\.wasm/));
    await button(other, 'Run').click();
    await eventually(async () => assert.match(await region(other, 'Console').textContent(), /answer\(\) → i32:42/));
    await other.close();

    // 120 KB of incompressible text: far over the 64 KB a link may take.
    const noise = randomBytes(90_000).toString('base64');
    await button(page, 'Edit WAT instead').click();
    await page.locator('#editor').fill(`(module ;; ${noise}\n (func (export "f") (result i32) (i32.const 1)))`);
    await button(page, 'Compile').click();
    await eventually(async () => assert.match(await region(page, 'Console').textContent(), /loaded WAT: /));
    await button(page, 'Copy link').click();
    await eventually(async () => assert.match(await page.locator('#link-message').textContent(), /too large for a link: it would be \d+ KB long \(the limit is 64 KB\)/));
    assert.equal(await field.isVisible(), false, 'no link is shown');
  }));

test('"Open in playground" opens the full page with the same module, function, arguments, breakpoints and position', () =>
  withPage('embed-open-in-playground', async (page, context) => {
    await openDocs(page);
    const fac = embeds(page).nth(0);
    await fac.getByLabel('$n: i64').fill('4');
    await gutter(fac, page, 'i64.mul').click();
    for (let i = 0; i < 6; i++) await button(fac, 'Step into').click();
    const where = await status(fac);
    assert.match(where, /^paused at fac @ 0x[0-9a-f]{4}$/);
    const stack = await stackValues(fac);
    const open = fac.getByRole('link', { name: 'Open in playground', exact: true });
    await eventually(async () => {
      const href = await open.getAttribute('href');
      assert.ok(href?.startsWith(PAGE + '#m='), href);
    });
    // The link follows the state: wait for it to settle after the last step.
    await page.waitForTimeout(200);
    const [full] = await Promise.all([context.waitForEvent('page'), open.click()]);
    await full.waitForLoadState();
    await waitPageReady(full);
    await eventually(async () => assert.match(await region(full, 'Console').textContent(), /opened a link: fac\(4\), 1 breakpoint, paused after 5 instructions/));
    assert.equal(await full.getByLabel('Function').inputValue(), 'fac');
    assert.equal(await full.getByLabel('$n: i64').inputValue(), '4');
    assert.equal(await status(full), where, 'the same position');
    assert.deepEqual(await stackValues(full), stack, 'the same value stack');
    assert.equal(await gutter(full, full, 'i64.mul').getAttribute('aria-pressed'), 'true', 'the same breakpoint');
    assert.match(await full.locator('#editor').inputValue(), /\(func \$fac \(export "fac"\)/);
    // And it goes on from there: Continue reaches the breakpoint.
    await button(full, 'Continue').click();
    await eventually(async () => assert.match(await status(full), /@ 0x0035 \(breakpoint 1\)$/));
    await full.screenshot({ path: join(RESULTS, 'embed-opened-in-playground.png') });
    await full.close();
  }));

// ---- the JS API ----------------------------------------------------------------------------------

test('the JS API: load, start with numbers and strings, step, stepBack, continue, memory, WASI output', () =>
  withPage('embed-js-api', async (page) => {
    await openDocs(page);
    assert.match(await page.locator('#api-output').textContent(), /after 2 steps: fac @ 38, stack \[i64:5, i64:1\]\nrun\(\): finished, results i64:120\ncall\('fac', \[20n\]\) = 2432902008176640000/);
    const r = await page.evaluate(async () => {
      const api = await import(new URL('wasmscope.js', location.href).href);
      const out = {};
      out.samePromise = api.init() === api.init();
      const multi = await api.load(`(module
        (func (export "divmod") (param $a i32) (param $b i32) (result i32 i32)
          (i32.div_u (local.get $a) (local.get $b)) (i32.rem_u (local.get $a) (local.get $b)))
        (func (export "swap") (param i64 f64) (result f64 i64) (local.get 1) (local.get 0)))`);
      out.functions = multi.functions();
      out.started = multi.start('divmod', [47, '5']).status;
      out.divmod = multi.run().stop.results;
      out.swap = multi.call('swap', [-1n, 2.5]);
      out.nan = multi.call('swap', ['i64:7', NaN]);
      try {
        multi.start('divmod', ['x', 1]);
      } catch (e) {
        out.badArg = e.message;
      }
      try {
        multi.start('nope');
      } catch (e) {
        out.noFunc = e.message;
      }
      try {
        await api.load('(module (func (result i32) (i64.const 1)))');
      } catch (e) {
        out.badModule = e.message;
      }

      const wat = document.getElementById('factorial').textContent;
      const fac = await api.load(new TextEncoder().encode(wat));
      fac.start('fac', [3]);
      fac.step();
      fac.step();
      out.afterTwo = fac.state().frames.at(-1).operands.map((o) => `${o.type}:${o.value}`);
      out.back = fac.stepBack().frames.at(-1).operands.map((o) => `${o.type}:${o.value}`);
      fac.addBreakpoint('fac', 0x35);
      const hit = fac.continue();
      out.breakpoint = { kind: hit.stop.kind, depth: hit.depth, locals: hit.frames.at(-1).locals };
      out.stepOut = fac.stepOut().depth;
      out.finished = fac.run().stop.results;

      const sq = await api.load(document.getElementById('squares').textContent);
      sq.start('squares', [4]);
      out.squares = sq.continue().stop.results;
      out.memory = [...sq.readMemory(0, 16)];
      out.budget = sq.start('squares', [1000]).status && sq.continue(10).stop.kind;
      out.disassembly = sq.disassembly('squares').lines.length > 10;

      const hello = await api.load(new URL('examples/hello.wat', location.href));
      hello.start('_start');
      hello.run();
      out.stdout = hello.output();
      out.fresh = hello.takeOutput();
      out.wasmRequests = performance.getEntriesByType('resource').filter((e) => e.name.endsWith('.wasm')).length;
      return out;
    });
    assert.equal(r.samePromise, true, 'init() is one promise');
    assert.deepEqual(r.functions, [
      { name: 'divmod', index: 0, params: [{ name: '$a', type: 'i32' }, { name: '$b', type: 'i32' }], results: ['i32', 'i32'] },
      { name: 'swap', index: 1, params: [{ name: '$0', type: 'i64' }, { name: '$1', type: 'f64' }], results: ['f64', 'i64'] },
    ]);
    assert.equal(r.started, 'paused');
    assert.deepEqual(r.divmod, [{ type: 'i32', value: '9' }, { type: 'i32', value: '2' }]);
    assert.deepEqual(r.swap, [{ type: 'f64', value: '2.5' }, { type: 'i64', value: '-1' }]);
    assert.deepEqual(r.nan, [{ type: 'f64', value: 'nan' }, { type: 'i64', value: '7' }]);
    assert.match(r.badArg, /^argument 1: expected i32/);
    assert.match(r.noFunc, /no exported function named `nope`/);
    assert.match(r.badModule, /type mismatch/);
    assert.deepEqual(r.afterTwo, ['i64:3', 'i64:1'], 'operands bottom first');
    assert.deepEqual(r.back, ['i64:3']);
    assert.equal(r.breakpoint.kind, 'breakpoint');
    assert.equal(r.breakpoint.depth, 2);
    assert.deepEqual(r.breakpoint.locals, [{ index: 0, name: 'n', type: 'i64', value: '2' }]);
    assert.equal(r.stepOut, 1);
    assert.deepEqual(r.finished, [{ type: 'i64', value: '6' }]);
    assert.deepEqual(r.squares, [{ type: 'i32', value: '14' }]);
    assert.deepEqual(r.memory, [0, 0, 0, 0, 1, 0, 0, 0, 4, 0, 0, 0, 9, 0, 0, 0]);
    assert.equal(r.budget, 'budget');
    assert.equal(r.disassembly, true);
    assert.deepEqual(r.stdout, { stdout: 'Hello, world!\n', stderr: '' });
    assert.deepEqual(r.fresh, [{ fd: 1, text: 'Hello, world!\n' }]);
    assert.equal(r.wasmRequests, 1, 'every session shares one download of the interpreter');
  }));

// ---- what embedding costs --------------------------------------------------------------------------

test('bytes the element adds on top of the interpreter', (t) => {
  const files = ['wasm-playground.js', 'wasmscope.js', 'render.js', 'permalink.js'];
  let raw = 0;
  let gz = 0;
  for (const f of files) {
    const bytes = readFileSync(join(ROOT, 'www', f));
    const z = gzipSync(bytes, { level: 9 }).length;
    raw += bytes.length;
    gz += z;
    t.diagnostic(`${f}: ${bytes.length} bytes, ${z} gzipped`);
  }
  const pkg = join(ROOT, 'www', 'pkg');
  t.diagnostic(`total: ${raw} bytes, ${gz} gzipped`);
  t.diagnostic(`interpreter: pkg/wasmscope_bg.wasm ${statSync(join(pkg, 'wasmscope_bg.wasm')).size} bytes, pkg/wasmscope.js ${statSync(join(pkg, 'wasmscope.js')).size} bytes`);
  assert.ok(gz < 40_000, `the element stays small (${gz} bytes gzipped)`);
});

test('GC references in an element: a struct on the stack expands into its named fields', () =>
  withPage('embed-gc-ref', async (page) => {
    await openDocs(page);
    await page.evaluate(() => {
      const el = document.createElement('wasm-playground');
      el.id = 'gc';
      el.setAttribute('function', 'make');
      el.setAttribute('panels', 'stack,locals');
      el.setAttribute('label', 'Example: a struct');
      const script = document.createElement('script');
      script.type = 'text/wat';
      script.textContent = `(module
        (type $point (struct (field $x i32) (field $y (mut i32))))
        (func (export "make") (result (ref $point))
          (struct.new $point (i32.const 3) (i32.const 4))))`;
      el.append(script);
      document.querySelector('article').append(el);
    });
    const el = page.locator('#gc');
    await eventually(async () => assert.equal(await el.getByLabel('Function').inputValue(), 'make'));
    // The first step starts the call; three more run the constants and struct.new.
    for (let i = 0; i < 4; i++) await button(el, 'Step into').click();
    const stack = region(el, 'Value stack');
    const ref = stack.getByRole('button', { name: /^\(ref \$point\) #\d+$/ });
    await eventually(async () => assert.equal(await ref.count(), 1));
    assert.equal(await ref.getAttribute('aria-expanded'), 'false');
    await ref.click();
    await eventually(async () => assert.equal(await stack.getByRole('button', { name: /^\(ref \$point\)/ }).getAttribute('aria-expanded'), 'true'));
    const fields = stack.getByRole('group', { name: /^fields of \(ref \$point\)/ });
    await eventually(async () => {
      const text = (await fields.innerText()).replace(/\s+/g, ' ');
      assert.match(text, /\$x i32 3/);
      assert.match(text, /\$y mut i32 4/);
    });
    // Closed again by a second click; the focus stays on the control.
    await stack.getByRole('button', { name: /^\(ref \$point\)/ }).click();
    await eventually(async () => assert.equal(await fields.count(), 0));
  }));
