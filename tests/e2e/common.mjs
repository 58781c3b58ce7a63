// Helpers shared by the e2e tests (playground, embed, wasm3): polling and finding things by
// their accessible names. `scope` is a page or, for the embed, an element's shadow root.
import assert from 'node:assert/strict';

/** Polls `fn` until it returns without throwing (or the time is up: then its last error). */
export async function eventually(fn, { timeout = 5000, interval = 20 } = {}) {
  const end = Date.now() + timeout;
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      if (Date.now() > end) throw e;
      await new Promise((r) => setTimeout(r, interval));
    }
  }
}

export const region = (scope, name) => scope.getByRole('region', { name, exact: true });
export const button = (scope, name) => scope.getByRole('button', { name, exact: true });
export const statusText = (scope) => scope.locator('#status').textContent();
export const consoleText = (scope) => region(scope, 'Console').textContent();
export const expectStatus = (scope, re) => eventually(async () => assert.match(await statusText(scope), re));
export const expectConsole = (scope, re) => eventually(async () => assert.match(await consoleText(scope), re));

/** Value stack entries, top first, as "type value". */
export async function stackValues(scope) {
  return region(scope, 'Value stack')
    .locator('li')
    .evaluateAll((lis) => lis.map((li) => li.textContent.replace(/\s+/g, ' ').trim()));
}

/** Rows of a Locals/Globals table as "name type value". */
export async function tableRows(scope, name) {
  return region(scope, name)
    .locator('tbody tr')
    .evaluateAll((rows) => rows.map((r) => [...r.cells].map((c) => c.textContent.trim()).join(' ')));
}
