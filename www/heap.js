// The heap inspector's part of the page: a GC reference in the Value stack, Locals and
// Globals panels (and the Heap panel's results) is a disclosure that expands into its
// fields, an array into "length N" and 100 elements at a time; the Heap panel lists the live
// objects by type, what the last collection freed, the results the page holds, and has
// "Collect garbage". Objects are read through the Playground when a panel renders
// (`object`, `elements`, `heapStats`): a view of the paused state, no interpreter logic.
import { h } from './render.js';

const PAGE = 100;

/** The disclosures' state: which paths are open and which page each array shows. */
function ui(app) {
  if (app.heapUi?.id !== app.moduleId) app.heapUi = { id: app.moduleId, open: new Set(), page: new Map() };
  return app.heapUi;
}

/** Does this value expand (a heap object, in a page that wired the disclosures)? */
export const expands = (app, v) => v?.handle != null && app.heapWired === true;

/**
 * A reference's cell: a button (its accessible name the handle, `(ref $node) #17`;
 * aria-expanded says whether it is open) and, open, the object's fields. `path` names the
 * place (panel, frame, slot, field) so that each place opens on its own.
 */
export function refCell(app, v, cls, tag, path) {
  const open = ui(app).open.has(path);
  const el = h(
    tag,
    { class: `${cls} ref` },
    // (aria-label: the name is the handle alone, without the ::before arrow.)
    h('button', { type: 'button', class: 'ref-toggle', 'aria-label': v.value, 'aria-expanded': open ? 'true' : 'false', dataset: { refPath: path } }, v.value),
  );
  if (open) el.append(objectBody(app, v.handle, path));
  return el;
}

function fieldItem(app, f, path) {
  const key = `${path}/${f.name}`;
  return h(
    'li',
    {},
    h('span', { class: 'fname' }, f.name),
    ' ',
    h('span', { class: `ty ty-${f.type}` }, f.declared),
    ' ',
    expands(app, f) ? refCell(app, f, 'val', 'span', key) : h('span', { class: 'val' }, f.value),
  );
}

function objectBody(app, handle, path) {
  let o;
  try {
    o = app.pg.object(handle);
  } catch (e) {
    return h('div', { class: 'ref-error' }, e instanceof Error ? e.message : String(e));
  }
  const label = `fields of ${o.text}`;
  if (o.kind !== 'array') {
    if (!o.fields.length) return h('div', { class: 'fields empty' }, 'no fields');
    return h('ul', { class: 'fields', role: 'group', 'aria-label': label }, o.fields.map((f) => fieldItem(app, f, path)));
  }
  const length = o.length ?? 0;
  const start = Math.min(ui(app).page.get(path) ?? 0, Math.max(0, length - 1));
  let fields = o.fields;
  if (start > 0) {
    try {
      fields = app.pg.elements(handle, start, PAGE);
    } catch (e) {
      return h('div', { class: 'ref-error' }, e instanceof Error ? e.message : String(e));
    }
  }
  const end = start + fields.length;
  const pageButton = (text, to) =>
    h('button', { type: 'button', class: 'small ref-page', dataset: { refPage: path, start: to }, 'aria-label': `${text} elements of ${o.text}` }, text);
  return h(
    'div',
    { class: 'array', role: 'group', 'aria-label': `elements of ${o.text}` },
    h(
      'div',
      { class: 'array-head' },
      h('span', { class: 'length' }, `length ${length.toLocaleString('en-US')}`),
      length ? h('span', { class: 'range' }, ` · ${start}–${end - 1}`) : null,
      start > 0 ? [' ', pageButton('previous 100', Math.max(0, start - PAGE))] : null,
      end < length ? [' ', pageButton('next 100', end)] : null,
    ),
    fields.length ? h('ul', { class: 'fields' }, fields.map((f) => fieldItem(app, f, path))) : null,
  );
}

const plural = (n, word) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

function bytesText(b) {
  if (b < 1024) return plural(b, 'byte');
  if (b < 1048576) return `${(b / 1024).toLocaleString('en-US', { maximumFractionDigits: 1 })} KiB`;
  return `${(b / 1048576).toLocaleString('en-US', { maximumFractionDigits: 1 })} MiB`;
}

/** The Heap panel (hidden until the module has made a GC object). */
export function renderHeap(app) {
  const pane = document.getElementById('heap-pane');
  if (!pane) return;
  let stats = null;
  try {
    stats = app.pg ? app.pg.heapStats() : null;
  } catch {
    stats = null;
  }
  const results = app.state?.stop?.kind === 'finished' ? (app.state.stop.results ?? []).filter((v) => v.handle != null) : [];
  if (!stats || (stats.objects === 0 && stats.collections === 0 && !results.length)) {
    pane.hidden = true;
    return;
  }
  pane.hidden = false;
  document.getElementById('heap-collect').disabled = !app.pg || !!app.running;
  const summary = [`${plural(stats.objects, 'live object')}, ${bytesText(stats.bytes)}`];
  if (stats.collections) {
    summary.push(
      `${plural(stats.collections, 'collection')}; the last freed ${plural(stats.lastFreedObjects, 'object')} (${bytesText(stats.lastFreedBytes)})`,
    );
  } else summary.push('no collection yet');
  const th = (t, cls) => h('th', { scope: 'col', class: cls }, t);
  const box = document.getElementById('heap');
  const frag = document.createDocumentFragment();
  frag.append(
    h('p', { class: 'heap-summary' }, summary.join(' · ')),
    h(
      'table',
      { class: 'vars heap-types' },
      h('caption', { class: 'visually-hidden' }, 'Live objects by type'),
      h('thead', {}, h('tr', {}, th('type'), th('kind'), th('count', 'num'), th('bytes', 'num'))),
      h(
        'tbody',
        {},
        stats.types.map((t) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, h('span', { class: 'name' }, t.typeName)),
            h('td', { class: 'ty' }, t.kind),
            h('td', { class: 'num' }, t.count.toLocaleString('en-US')),
            h('td', { class: 'num' }, bytesText(t.bytes)),
          ),
        ),
      ),
      h('tfoot', {}, h('tr', {}, h('th', { scope: 'row' }, 'total'), h('td'), h('td', { class: 'num' }, stats.objects.toLocaleString('en-US')), h('td', { class: 'num' }, bytesText(stats.bytes)))),
    ),
  );
  if (results.length) {
    frag.append(
      h('h3', { class: 'heap-results' }, 'Results held by the page'),
      h(
        'ul',
        { class: 'values', 'aria-label': 'Results held by the page' },
        results.map((v, i) => h('li', {}, h('span', { class: `ty ty-${v.type}` }, v.type), ' ', expands(app, v) ? refCell(app, v, 'val', 'span', `result:${i}`) : h('span', { class: 'val' }, v.value))),
      ),
    );
  }
  box.replaceChildren(frag);
}

/**
 * Makes the disclosures work in the page or in a `<wasm-playground>` element: `refresh`
 * renders again, `collect` runs "Collect garbage" (main.js: it owns the state and the
 * Console; the element has no Heap panel), `root` is where the panels are (the document,
 * or the element's shadow root).
 */
export function wireHeap(app, { refresh, collect, root = document }) {
  app.heapWired = true;
  if (collect) root.getElementById('heap-collect')?.addEventListener('click', () => collect());
  root.addEventListener('click', (e) => {
    const b = e.target instanceof Element ? e.target.closest('button[data-ref-path], button[data-ref-page]') : null;
    if (!b) return;
    const u = ui(app);
    let selector;
    if (b.dataset.refPath != null) {
      const path = b.dataset.refPath;
      if (u.open.has(path)) u.open.delete(path);
      else u.open.add(path);
      selector = (x) => x.dataset.refPath === path;
    } else {
      const path = b.dataset.refPage;
      const label = b.getAttribute('aria-label');
      u.page.set(path, Number(b.dataset.start));
      selector = (x) => x.dataset.refPage === path && x.getAttribute('aria-label') === label;
    }
    refresh();
    // The panels were drawn again: keep the focus on the same control.
    const again = [...root.querySelectorAll('button[data-ref-path], button[data-ref-page]')].find(selector);
    again?.focus();
  });
}
