// Pure rendering: the app state (see main.js) -> DOM. No calls into the interpreter here;
// main.js reads everything a panel needs (disassembly, memory window) before render().
// The <wasm-playground> element (wasm-playground.js) renders its panels with the same
// functions into its shadow root: `app.root` (a ShadowRoot) is where element ids are looked
// up, `document` when it is absent. Every exported render function selects the root first.

import { v128Text } from './pkg/wasmscope.js';
import { MEM_WINDOW, ROW, V128_SHAPES, memoryName, shownMemory } from './panels.js';
import { expands, refCell, renderHeap } from './heap.js';
import { exceptionStatus, unwindingText } from './exceptions.js';

export { MEM_WINDOW };

let root = document;
const $ = (id) => root.getElementById(id);
/** Selects where the following lookups happen (the page, or an element's shadow root). */
const use = (app) => {
  root = app?.root ?? document;
};
/** The focused element of the current root (a shadow root has its own). */
const focused = () => root.activeElement;

/** Small element builder: h('li', {class: 'x', dataset: {a: 1}}, 'text', child). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'style') el.style.cssText = v;
    else if (k in el && typeof v !== 'string') el[k] = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

/**
 * Replaces an element's children, skipping null/false and flattening arrays. Children go
 * through a fragment, not an argument list: spreading 100,000 of them into one call
 * overflows the JS stack ("Maximum call stack size exceeded").
 */
function fill(el, ...children) {
  const frag = document.createDocumentFragment();
  for (const c of children.flat(Infinity)) {
    if (c !== null && c !== undefined && c !== false) frag.append(c);
  }
  el.replaceChildren(frag);
}

export const hex = (n, width = 4) => '0x' + n.toString(16).padStart(width, '0');
/** `i32:42`; a GC reference in its handle form alone, `(ref $node) #17`. */
export const typed = (v) => (v.value.startsWith('(ref ') ? v.value : `${v.type}:${v.value}`);
const plural = (n, word) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

/** The frame the panels show: the selected one, or the innermost. */
export function shownFrame(app) {
  const frames = app.state?.frames ?? [];
  if (frames.length === 0) return null;
  const i = Math.min(app.frame ?? frames.length - 1, frames.length - 1);
  let frame = frames[i];
  // An elided frame (deep in a long call stack) as main.js fetched it with frame(k).
  const full = app.frameFull;
  if (frame.elided && full && full.state === app.state && full.index === i) frame = full.frame;
  return { index: i, frame, innermost: i >= frames.length - 1 };
}

/**
 * The same frame in the state before the last command, if it is the same call site;
 * 'unknown' when that state left its values out.
 */
function prevFrame(app, index, func) {
  const f = app.prev?.frames?.[index];
  if (f?.elided) return 'unknown';
  return f && f.func === func ? f : null;
}

function sameValue(a, b) {
  return a && b && a.type === b.type && a.value === b.value;
}

function funcLabel(name) {
  return name;
}

export function positionText(frame) {
  return `${funcLabel(frame.funcName)} @ ${hex(frame.offset)}`;
}

// ---- status line ----------------------------------------------------------------

export function statusText(app) {
  if (app.fatal) return 'error: ' + app.fatal;
  if (!app.ready) return 'loading…';
  if (app.running?.compile) return 'compiling… (Pause cancels)';
  if (app.running?.loading) return `loading ${app.running.loading.name}… (Pause cancels)`;
  if (!app.pg) return app.loadError ? 'no module (load failed)' : 'no module';
  if (app.running?.sleep) return `running ${app.running.label}: sleeping ${app.running.sleep.ms >= 1000 ? `${(app.running.sleep.ms / 1000).toFixed(1)} s` : `${Math.round(app.running.sleep.ms)} ms`}… (Pause stops here)`;
  if (app.running) return `running ${app.running.label}…`;
  const s = app.state;
  if (!s) return 'ready';
  const top = s.frames[s.frames.length - 1];
  switch (s.status) {
    case 'ready':
      return 'ready';
    case 'finished':
      if (s.stop.kind === 'exited') return `exited with code ${s.stop.exitCode}`;
      return `finished: ${(s.stop.results ?? []).map(typed).join(', ') || 'no results'}`;
    case 'trapped':
      return `trapped: ${s.stop.trap}`;
    default: {
      if (s.stop.kind === 'exception' && s.stop.exception) return exceptionStatus(s.stop);
      const why = {
        breakpoint: ` (breakpoint ${s.stop.breakpoint})`,
        watchpoint: ` (watchpoint ${s.stop.watch?.watchpoint})`,
        started: ' (call started)',
        budget: ' (paused)',
        'history-start': ' (oldest recorded step)',
        'host-pause': ' (after a sleep)',
      }[s.stop.kind] ?? '';
      return top ? `paused at ${positionText(top)}${why}` : `paused${why}`;
    }
  }
}

export function renderStatus(app) {
  use(app);
  const status = $('status');
  const text = statusText(app);
  if (status.textContent !== text) status.textContent = text;
  const failed = app.state?.stop.kind === 'exited' && app.state.stop.exitCode !== 0;
  status.dataset.status = app.running ? 'running' : failed ? 'failed' : (app.state?.status ?? 'none');
  const s = app.state;
  $('executed').textContent = plural(s?.executed ?? 0, 'instruction');
  $('depth').textContent = `depth ${s?.depth ?? 0}`;
}

// ---- loading progress (a large binary file, main.js loadBinaryFile) -----------------

const mib = (n) => (n / 1048576).toFixed(1);

/** What a load in progress is doing: "reading 12.0 / 21.3 MiB, validated 9.5 MiB". */
export function loadingText(l) {
  switch (l.stage) {
    case 'reading':
      return `reading ${mib(l.read)} / ${mib(l.total)} MiB, validated ${mib(l.decoded)} MiB`;
    case 'decoding':
      return `decoding and validating ${mib(l.decoded)} / ${mib(l.total)} MiB`;
    case 'instantiating':
      return `validated ${mib(l.total)} MiB; instantiating…`;
    default:
      return `instantiated; summarising…`;
  }
}

/** The progress bar and its status text (also called between render()s while loading). */
export function renderLoading(app) {
  use(app);
  const box = $('load-progress');
  if (!box) return;
  const l = app.running?.loading;
  box.hidden = !l;
  if (!l) return;
  const bar = $('load-bar');
  bar.max = Math.max(1, l.total);
  bar.value = l.decoded;
  const text = loadingText(l);
  bar.setAttribute('aria-valuetext', text);
  const status = $('load-text');
  if (status.textContent !== text) status.textContent = text;
  renderStatus(app);
}

// ---- module summary -------------------------------------------------------------

/** The most entries a summary list shows (a module may export 100,000 functions). */
const LIST_MAX = 500;

function renderSummary(app) {
  const err = $('load-error');
  if (app.loadError) {
    err.hidden = false;
    const missing = /unknown imports?\b|nothing provides/i.test(app.loadError);
    fill(err,
      h('strong', {}, 'Cannot load: '),
      ...highlightOffset(app.loadError),
      missing && !app.stubImports
        ? h('span', { class: 'hint' }, '\nTick ', h('b', {}, 'Stub missing imports'), ' (beside Compile) to load it anyway: each missing function returns zeros and logs its calls to the Console.')
        : null,
    );
  } else {
    err.hidden = true;
    fill(err);
  }
  const box = $('summary');
  if (box._summary === app.summary && box._stub === app.stubImports) return;
  box._summary = app.summary;
  box._stub = app.stubImports;
  const m = app.summary;
  if (!m) {
    fill(box, h('p', { class: 'empty' }, 'No module loaded.'));
    return;
  }
  const list = (items, empty, fn) =>
    items.length
      ? h(
          'ul',
          { class: 'code' },
          items.slice(0, LIST_MAX).map((x) => h('li', {}, fn(x))),
          items.length > LIST_MAX ? h('li', { class: 'more' }, `… and ${(items.length - LIST_MAX).toLocaleString('en-US')} more`) : null,
        )
      : h('p', { class: 'empty' }, empty);
  fill(box,
    h(
      'p',
      { class: 'counts' },
      `${plural(m.size, 'byte')} · ${plural(m.functions.length, 'function')} · ${plural(m.memories, 'memory').replace('memorys', 'memories')} · ${plural(m.tables, 'table')} · ${plural(m.globals, 'global')}`,
    ),
    h('h3', {}, `Exports (${m.exports.length.toLocaleString('en-US')})`),
    list(m.exports, 'none', (e) => [h('span', { class: 'kw' }, e.kind), ' ', h('b', {}, e.name), ' ', h('span', { class: 'sig' }, sigText(e.type, e.kind))]),
    h('h3', {}, `Imports (${m.imports.length.toLocaleString('en-US')})`),
    m.imports.length ? importGroups(app, m.imports) : h('p', { class: 'empty' }, 'none'),
    m.customSections.length
      ? [h('h3', {}, 'Custom sections'), list(m.customSections, '', ([name, size]) => [`${name} (${plural(size, 'byte')})`])]
      : null,
  );
}

/** Imports grouped by module, each group tagged with what provides it. */
function importGroups(app, imports) {
  const groups = new Map();
  for (const i of imports) {
    if (!groups.has(i.module)) groups.set(i.module, []);
    groups.get(i.module).push(i);
  }
  return h(
    'ul',
    { class: 'code imports' },
    [...groups].map(([module, items]) => {
      const wasi = module === 'wasi_snapshot_preview1';
      const tag = wasi
        ? h('span', { class: 'tag', title: 'provided by the built-in WASI (preview 1)' }, 'WASI')
        : app.stubImports
          ? h('span', { class: 'tag stub', title: 'stand-ins: functions return zeros and log each call' }, 'stubbed')
          : null;
      return h(
        'li',
        {},
        h('span', { class: 'module' }, module), ' ', tag,
        h('ul', {}, items.map((i) => h('li', {}, h('span', { class: 'kw' }, i.kind), ' ', h('b', {}, i.name), ' ', h('span', { class: 'sig' }, i.type.replace(new RegExp(`^${i.kind}\\s*`), '') || '()')))),
      );
    }),
  );
}

function sigText(type, kind) {
  return kind === 'func' ? type.replace(/^func\s*/, '') || '()' : type;
}

/** Splits an error message so the `offset 0x…` part can be emphasised. */
function highlightOffset(message) {
  const m = /(at )?offset (0x[0-9a-f]+|\d+)/i.exec(message);
  if (!m) return [message];
  return [message.slice(0, m.index), h('mark', { class: 'offset' }, m[0]), message.slice(m.index + m[0].length)];
}

// ---- function picker and arguments ----------------------------------------------

/** The most options the function picker lists; with more exports, a filter narrows them. */
export const PICKER_MAX = 1000;

function renderCall(app) {
  const select = $('function');
  const exports = app.summary ? app.summary.exports.filter((e) => e.kind === 'func') : [];
  const filter = $('function-filter');
  const filtering = exports.length > PICKER_MAX;
  if (filter) {
    filter.hidden = !filtering;
    filter.disabled = !!app.running;
    if (focused() !== filter && filter.value !== (app.funcFilter ?? '')) filter.value = app.funcFilter ?? '';
  }
  const needle = filtering ? (app.funcFilter ?? '').trim().toLowerCase() : '';
  if (select._summary !== app.summary || select._needle !== needle || (filtering && select._func !== app.funcName)) {
    select._summary = app.summary;
    select._needle = needle;
    select._func = app.funcName;
    const option = (e) => h('option', { value: e.name }, `${e.name} ${sigText(e.type, 'func')}`);
    let shown = exports;
    let more = 0;
    if (filtering) {
      const matches = needle ? exports.filter((e) => e.name.toLowerCase().includes(needle)) : exports;
      shown = matches.slice(0, PICKER_MAX);
      more = matches.length - shown.length;
      // The selected function stays pickable whatever the filter says.
      const sel = exports.find((e) => e.name === app.funcName);
      if (sel && !shown.includes(sel)) shown = [sel, ...shown];
    }
    fill(select,
      exports.length
        ? shown.map(option)
        : h('option', { value: '' }, app.summary ? '(no exported functions)' : '(no module)'),
      filtering && !shown.length ? h('option', { value: '', disabled: true }, 'no export matches the filter') : null,
      more > 0 ? h('option', { value: '', disabled: true }, `… ${more.toLocaleString('en-US')} more: type in the filter`) : null,
    );
  }
  if (select.value !== app.funcName) select.value = app.funcName;
  select.disabled = !exports.length || !!app.running;

  const box = $('args');
  const params = app.params ?? [];
  const key = `${app.funcName}|${params.map((p) => p.type).join(',')}`;
  if (box._key !== key || box._summary !== app.summary) {
    box._key = key;
    box._summary = app.summary;
    fill(box,
      ...params.map((p, i) =>
        h(
          'span',
          { class: 'arg' },
          h('label', { for: `arg-${i}` }, `${p.name}: ${p.type}`),
          h('input', {
            id: `arg-${i}`,
            type: 'text',
            class: p.type === 'v128' ? 'code v128' : 'code',
            size: 8,
            spellcheck: 'false',
            dataset: { index: i },
            value: app.args[i] ?? '',
            'aria-describedby': `arg-${i}-error`,
          }),
          h('span', { id: `arg-${i}-error`, class: 'arg-error', role: 'alert' }),
        ),
      ),
      params.length ? null : h('span', { class: 'empty' }, app.funcName ? 'no parameters' : ''),
    );
  }
  params.forEach((p, i) => {
    const input = $(`arg-${i}`);
    if (!input) return;
    if (focused() !== input && input.value !== (app.args[i] ?? '')) input.value = app.args[i] ?? '';
    const error = app.argErrors[i] ?? '';
    input.setAttribute('aria-invalid', error ? 'true' : 'false');
    input.disabled = !!app.running;
    const msg = $(`arg-${i}-error`);
    if (msg.textContent !== error) msg.textContent = error;
  });
}

function renderButtons(app) {
  const s = app.state;
  const loaded = !!app.pg && !!app.funcName;
  const idle = !app.running;
  const paused = s?.status === 'paused';
  const set = (id, enabled) => {
    $(id).disabled = !enabled;
  };
  set('run', loaded && idle);
  set('continue', loaded && idle);
  set('step-into', loaded && idle);
  set('step-over', loaded && idle);
  set('step-out', !!app.pg && idle && paused);
  set('step-back', !!app.pg && idle && (s?.history ?? 0) > 0);
  set('reverse-continue', !!app.pg && idle && (s?.history ?? 0) > 0);
  set('pause', !!app.running);
  set('reset', !!app.pg && idle);
  set('compile', app.ready && idle && app.source.kind === 'text');
  set('copy-link', app.ready && idle);
  $('examples').disabled = !app.ready || !idle;
  $('file-input').disabled = !app.ready || !idle;
  const stub = $('stub-imports');
  stub.disabled = !app.ready || !idle;
  if (stub.checked !== app.stubImports) stub.checked = app.stubImports;
}

// ---- disassembly ----------------------------------------------------------------

function renderDisassembly(app) {
  const box = $('disassembly');
  const code = app.code; // { func, name, lines } | { func, error } | null
  const title = $('disasm-title');
  if (!code) {
    box._key = null;
    title.textContent = '';
    fill(box, h('p', { class: 'empty' }, app.pg ? 'No function selected.' : 'Load a module to see its code.'));
    return;
  }
  if (code.error) {
    box._key = null;
    title.textContent = code.name ?? '';
    fill(box, h('p', { class: 'empty' }, code.error));
    return;
  }
  title.textContent = `${code.name} (function ${code.index})`;
  const key = `${app.moduleId}:${code.index}`;
  if (box._key !== key) {
    box._key = key;
    box._current = null;
    const width = Math.max(4, (code.lines.at(-1)?.offset ?? 0).toString(16).length);
    fill(box,
      h(
        'ol',
        { class: 'lines', 'aria-label': `Instructions of ${code.name}` },
        code.lines.map((l, i) =>
          h(
            'li',
            { dataset: { offset: l.offset, line: i } },
            h('button', {
              type: 'button',
              class: 'gutter',
              dataset: { offset: l.offset, func: code.index },
              'aria-label': `Breakpoint at ${hex(l.offset, width)}`,
              title: `Toggle breakpoint at ${hex(l.offset, width)}`,
              'aria-pressed': 'false',
            }),
            h('span', { class: 'off' }, hex(l.offset, width)),
            h('span', { class: 'ins', style: `padding-left:${l.depth * 2}ch` }, l.text),
          ),
        ),
      ),
    );
  }
  // Breakpoints.
  const bps = new Map();
  for (const b of app.state?.breakpoints ?? []) if (b.func === code.index) bps.set(b.offset, b);
  for (const button of box.querySelectorAll('button.gutter')) {
    const b = bps.get(Number(button.dataset.offset));
    const on = b ? 'true' : 'false';
    if (button.getAttribute('aria-pressed') !== on) button.setAttribute('aria-pressed', on);
    button.title = b
      ? `Breakpoint ${b.id}${b.hitCount ? ` (from hit ${b.hitCount})` : ''}, ${b.hits} hits: click to remove`
      : `Toggle breakpoint at ${button.getAttribute('aria-label').slice(14)}`;
  }
  // While paused on a throw: the line where its handler lands, in the catching function.
  const lands = app.state?.stop?.exception?.handler;
  for (const li of box.querySelectorAll('li.handler')) {
    li.classList.remove('handler');
    li.querySelector('.handler-note')?.remove();
  }
  const landing = lands?.func === code.index && box.querySelector(`li[data-offset="${lands.offset}"]`);
  if (landing) {
    landing.classList.add('handler');
    landing.append(h('span', { class: 'handler-note' }, lands.returns ? `← ${lands.clause}: returns` : `← ${lands.clause} lands here`));
  }
  // Current line (of the shown frame) or the trapping instruction.
  let current = null;
  let cls = 'current';
  const shown = shownFrame(app);
  const s = app.state;
  if (shown && shown.frame.func === code.index && s?.status !== 'finished') {
    current = box.querySelector(`li[data-line="${shown.frame.line}"]`);
    if (!shown.innermost) cls = 'caller';
    if (s?.status === 'trapped') cls = 'trap';
  }
  if (!current && s?.status === 'trapped' && s.stop.trapOffset != null) {
    current = box.querySelector(`li[data-offset="${s.stop.trapOffset}"]`);
    cls = 'trap';
  }
  for (const li of box.querySelectorAll('li.current, li.caller, li.trap')) {
    if (li !== current) {
      li.classList.remove('current', 'caller', 'trap');
      li.removeAttribute('aria-current');
    }
  }
  if (current) {
    current.classList.remove('current', 'caller', 'trap');
    current.classList.add(cls);
    current.setAttribute('aria-current', 'step');
    if (box._current !== current || app.scrollCode) scrollIntoBox(box, current);
  }
  box._current = current;
}

function scrollIntoBox(box, el) {
  const top = el.offsetTop;
  const bottom = top + el.offsetHeight;
  if (top < box.scrollTop + 8 || bottom > box.scrollTop + box.clientHeight - 8) {
    box.scrollTop = Math.max(0, top - box.clientHeight / 3);
  }
}

// ---- value stack, call stack, locals, globals ------------------------------------

/** A value's text; a v128 as lanes of the shape picked in "v128 lanes" (i32x4 by default). */
export function valueText(app, v) {
  if (v.type !== 'v128' || !v.bits) return v.value;
  const shape = app.v128Shape ?? 'i32x4';
  if (shape === 'i32x4') return v.value;
  return v128Text(v.bits, shape) ?? v.value;
}

/**
 * A value's cell: its text, and for a v128 its 128 bits as a tooltip; a GC reference to a
 * heap object a disclosure of its fields (heap.js), `path` naming where it is.
 */
function valueSpan(app, v, cls, tag = 'span', path = null) {
  if (path && expands(app, v)) return refCell(app, v, cls, tag, path);
  const text = valueText(app, v);
  if (v.type !== 'v128') return h(tag, { class: cls }, text);
  // Lanes wrap as wholes: "i16x8:[1, 0, 2, 0, ...]" with each "lane," kept on one line.
  const m = /^([a-z0-9]+:\[)(.*)(\])$/.exec(text);
  const lanes = m ? m[2].split(', ') : null;
  return h(
    tag,
    { class: `${cls} v128`, title: v.bits ? `v128 ${v.bits}` : null },
    lanes
      ? [m[1], ...lanes.flatMap((l, i) => (i < lanes.length - 1 ? [h('span', { class: 'lane' }, `${l},`), ' '] : [h('span', { class: 'lane' }, `${l}${m[3]}`)]))]
      : text,
  );
}

function valueCells(app, v, changed, path = null) {
  return [h('span', { class: `ty ty-${v.type}` }, v.type), ' ', valueSpan(app, v, 'val' + (changed ? ' changed' : ''), 'span', path)];
}

/** Does the module or the state have a v128 (then the "v128 lanes" pickers show)? */
function hasV128(app) {
  const key = app.moduleId;
  if (app._v128?.key === key && app._v128.seen) return true;
  const s = app.state;
  const has = (list) => (list ?? []).some((v) => v.type === 'v128');
  const seen =
    (app.summary?.functions ?? []).some((f) => f.params?.includes('v128') || f.results?.includes('v128')) ||
    has(s?.globals) ||
    (s?.frames ?? []).some((f) => has(f.locals) || has(f.operands));
  app._v128 = { key, seen };
  return seen;
}

/** Shows (or hides) and sets one panel's "v128 lanes" picker. */
function syncLanes(app, id) {
  const select = $(id);
  if (!select) return;
  if (select.options.length === 0) {
    for (const shape of V128_SHAPES) select.append(h('option', { value: shape }, shape));
  }
  select.closest('.lanes').hidden = !hasV128(app);
  const shape = app.v128Shape ?? 'i32x4';
  if (select.value !== shape) select.value = shape;
}

function renderValueStack(app) {
  const box = $('value-stack');
  syncLanes(app, 'lanes-stack');
  const shown = shownFrame(app);
  if (!shown) {
    fill(box, h('p', { class: 'empty' }, app.state?.status === 'finished' ? 'Call finished.' : 'No call in progress.'));
    return;
  }
  const { frame, index } = shown;
  const prev = prevFrame(app, index, frame.func);
  const ops = frame.operands;
  if (ops.length === 0) {
    fill(box, h('p', { class: 'empty' }, 'empty'));
    return;
  }
  // Top first, grouped by the block each value belongs to.
  const groups = [];
  for (let i = ops.length - 1; i >= 0; i--) {
    const op = ops[i];
    if (!groups.length || groups.at(-1).block !== op.block) groups.push({ block: op.block, items: [] });
    const changed = prev === 'unknown' ? false : prev ? !sameValue(prev.operands[i], op) : app.prev != null;
    groups.at(-1).items.push(
      h('li', { class: changed ? 'changed' : null, dataset: { slot: i } }, ...valueCells(app, op, changed, `stack:${index}:${i}`)),
    );
  }
  fill(box,
    ...groups.map((g) =>
      h(
        'div',
        { class: 'block-group', role: 'group', 'aria-label': g.block === 0 ? 'function body' : `block ${g.block}` },
        h('div', { class: 'block-label' }, g.block === 0 ? 'function body' : `block ${g.block}`),
        h('ol', { class: 'values' }, g.items),
      ),
    ),
  );
}

const MAX_FRAMES = 100;

function renderCallStack(app) {
  const box = $('call-stack');
  const frames = app.state?.frames ?? [];
  if (!frames.length) {
    fill(box, h('li', { class: 'empty' }, 'No call in progress.'));
    return;
  }
  const shown = shownFrame(app);
  const items = [];
  const n = frames.length;
  // Deep recursion: the innermost frames (and as many more as asked for), the outermost,
  // and the selected one.
  const inner = n - MAX_FRAMES - (app.stackMore ?? 0);
  const keep = (i) => i >= inner || i < 3 || i === shown.index;
  for (let i = n - 1; i >= 0; i--) {
    if (!keep(i)) {
      let j = i;
      while (j > 0 && !keep(j - 1)) j--;
      const count = i - j + 1;
      const more = Math.min(count, MAX_FRAMES);
      items.push(
        h(
          'li',
          { class: 'more' },
          `… ${plural(count, 'more frame')} … `,
          i >= inner - 1 ? h('button', { type: 'button', class: 'small more', dataset: { more } }, `show ${more} more`) : null,
        ),
      );
      i = j;
      continue;
    }
    const f = frames[i];
    const selected = i === shown.index;
    const unwinding = unwindingText(f, app.state.stop);
    items.push(
      h(
        'li',
        { class: [selected ? 'selected' : '', f.unwinding ? `unwinding-${f.unwinding}` : ''].join(' ').trim() || null },
        h(
          'button',
          {
            type: 'button',
            class: 'frame',
            dataset: { frame: i },
            'aria-current': selected ? 'true' : null,
            title: `frame ${(i + 1).toLocaleString('en-US')} of ${n.toLocaleString('en-US')} (1 is the outermost)`,
          },
          h('span', { class: 'fname' }, funcLabel(f.funcName)),
          h('span', { class: 'off' }, hex(f.offset)),
          h('span', { class: 'ins' }, f.text),
          n > 9 ? h('span', { class: 'depth' }, `#${i + 1}`) : null,
        ),
        unwinding ? h('span', { class: 'unwind' }, unwinding) : null,
      ),
    );
  }
  fill(box, ...items);
}

function renderLocals(app) {
  const box = $('locals');
  syncLanes(app, 'lanes-locals');
  const shown = shownFrame(app);
  $('locals-title').textContent = shown ? `of ${funcLabel(shown.frame.funcName)}` : '';
  if (!shown) {
    fill(box, h('p', { class: 'empty' }, 'No call in progress.'));
    return;
  }
  const { frame, index } = shown;
  const prev = prevFrame(app, index, frame.func);
  if (!frame.locals.length) {
    fill(box, h('p', { class: 'empty' }, 'none'));
    return;
  }
  fill(box,
    h(
      'table',
      { class: 'vars' },
      h('thead', { class: 'visually-hidden' }, h('tr', {}, h('th', {}, 'name'), h('th', {}, 'type'), h('th', {}, 'value'))),
      h(
        'tbody',
        {},
        frame.locals.map((l) => {
          const changed = prev && prev !== 'unknown' && !sameValue(prev.locals[l.index], l);
          return h(
            'tr',
            { class: changed ? 'changed' : null },
            h('th', { scope: 'row' }, h('span', { class: 'name' }, l.name ? `$${l.name}` : `$${l.index}`)),
            h('td', { class: `ty ty-${l.type}` }, l.type),
            valueSpan(app, l, 'val', 'td', `local:${index}:${l.index}`),
          );
        }),
      ),
    ),
  );
}

function renderGlobals(app) {
  const box = $('globals');
  syncLanes(app, 'lanes-globals');
  const globals = app.state?.globals ?? [];
  if (!globals.length) {
    fill(box, h('p', { class: 'empty' }, app.pg ? 'none' : 'No module loaded.'));
    return;
  }
  const prev = app.prev?.globals;
  fill(box,
    h(
      'table',
      { class: 'vars' },
      h('thead', { class: 'visually-hidden' }, h('tr', {}, h('th', {}, 'name'), h('th', {}, 'type'), h('th', {}, 'value'))),
      h(
        'tbody',
        {},
        globals.map((g, i) => {
          const changed = prev && !sameValue(prev[i], g);
          return h(
            'tr',
            { class: changed ? 'changed' : null },
            h('th', { scope: 'row' }, h('span', { class: 'name' }, g.name ? `$${g.name}` : `$${g.index}`)),
            h('td', { class: `ty ty-${g.type}` }, (g.mutable ? 'mut ' : '') + g.type),
            valueSpan(app, g, 'val', 'td', `global:${g.index}`),
          );
        }),
      ),
    ),
  );
}

// ---- memory ---------------------------------------------------------------------

/** A size in bytes as the memory panel's heading says it: `100 bytes`, `64 KiB`, `1.5 MiB`. */
function sizeText(bytes) {
  if (bytes < 1024) return plural(bytes, 'byte');
  if (bytes < 1048576) return `${(bytes / 1024).toLocaleString('en-US')} KiB`;
  return `${(bytes / 1048576).toLocaleString('en-US', { maximumFractionDigits: 3 })} MiB`;
}

/** The heading's description of a memory: `1 page (64 KiB)`, `100 pages of 1 byte (100 bytes), 64-bit`. */
export function memoryInfoText(info) {
  const pages = info.pageSize === 65536 ? plural(info.pages, 'page') : `${plural(info.pages, 'page')} of ${plural(info.pageSize, 'byte')}`;
  const flags = [info.memory64 ? '64-bit' : null, info.shared ? 'shared' : null].filter(Boolean);
  return `${pages} (${sizeText(info.bytes)})${flags.length ? ', ' + flags.join(', ') : ''}`;
}

function renderMemory(app) {
  const box = $('memory');
  const info = $('memory-info');
  const mem = app.mem;
  const shown = shownMemory(app);
  const list = mem.list ?? [];
  const controls = ['mem-addr', 'mem-prev', 'mem-next', 'mem-watch'];
  // The memory picker: only with more than one memory.
  const select = $('mem-select');
  const key = list.map((m) => `${m.index}:${m.name ?? ''}`).join('|');
  if (select._key !== key) {
    select._key = key;
    fill(select, list.map((m) => h('option', { value: String(m.index) }, memoryName(m))));
  }
  select.closest('.mem-pick').hidden = list.length < 2;
  select.disabled = list.length < 2;
  if (shown && select.value !== String(mem.index)) select.value = String(mem.index);
  const addrBox = $('mem-addr');
  const addrError = $('mem-addr-error');
  if (!shown) {
    info.textContent = '';
    fill(box, h('p', { class: 'empty' }, app.pg ? 'This module has no memory.' : 'No module loaded.'));
    fill($('inspector'));
    fill($('watchpoints'));
    for (const id of controls) $(id).disabled = true;
    addrBox.setAttribute('aria-invalid', 'false');
    if (addrError.textContent) addrError.textContent = '';
    return;
  }
  for (const id of controls) $(id).disabled = false;
  const size = shown.bytes;
  const multi = list.length > 1;
  info.textContent = (multi ? `${memoryName(shown)}: ` : '') + memoryInfoText(shown);
  if (focused() !== addrBox) addrBox.value = hex(mem.sel, 1);
  addrBox.classList.toggle('wide', !!shown.memory64);
  addrBox.setAttribute('aria-invalid', mem.error ? 'true' : 'false');
  if (addrError.textContent !== (mem.error ?? '')) addrError.textContent = mem.error ?? '';

  const selLo = Math.min(mem.sel, mem.selEnd);
  const selHi = Math.max(mem.sel, mem.selEnd);
  const here = (w) => (w.memory ?? 0) === mem.index;
  const writes = (app.state?.lastWrites ?? []).filter(here);
  const watches = (app.state?.watchpoints ?? []).filter(here);
  const written = (a) => writes.some((w) => a >= w.addr && a < w.addr + w.len);
  const watched = (a) => watches.some((w) => a >= w.addr && a < w.addr + w.len);
  const bytes = mem.bytes ?? new Uint8Array();
  // 64-bit memories get 12 hex digits of address (more if they are that large), 32-bit ones 8.
  const width = shown.memory64 ? Math.max(12, Math.max(0, size - 1).toString(16).length) : 8;
  const rows = [];
  for (let r = 0; r < MEM_WINDOW / ROW; r++) {
    const rowAddr = mem.base + r * ROW;
    if (rowAddr >= size) break;
    const hexCells = [];
    const ascii = [];
    for (let c = 0; c < ROW; c++) {
      const a = rowAddr + c;
      const i = a - mem.base;
      const has = i < bytes.length;
      const b = bytes[i];
      const cls = [
        'b',
        a >= selLo && a <= selHi ? 'sel' : '',
        has && written(a) ? 'written' : '',
        watched(a) ? 'watched' : '',
        has && b === 0 ? 'zero' : '',
      ]
        .filter(Boolean)
        .join(' ');
      hexCells.push(h('span', { class: cls, dataset: { addr: a } }, has ? b.toString(16).padStart(2, '0') : '  '));
      ascii.push(
        h('span', { class: cls, dataset: { addr: a } }, has ? (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '·') : ' '),
      );
    }
    rows.push(
      h(
        'div',
        { class: 'row' },
        h('span', { class: 'addr' }, rowAddr.toString(16).padStart(width, '0')),
        h('span', { class: 'bytes' }, hexCells),
        h('span', { class: 'ascii' }, ascii),
      ),
    );
  }
  fill(box, ...rows);
  renderInspector(app, selLo);

  const len = selHi - selLo + 1;
  const existing = watches.find((w) => w.addr === selLo && w.len === len);
  const watch = $('mem-watch');
  watch.textContent = existing ? 'Unwatch' : 'Watch';
  watch.setAttribute('aria-pressed', existing ? 'true' : 'false');
  watch.title = `${existing ? 'Remove the watchpoint on' : 'Break after any write to'} ${hex(selLo, 1)}${len > 1 ? `..${hex(selHi, 1)} (${len} bytes)` : ''}${multi ? ` of ${memoryName(shown)}` : ''} — shift+click bytes to select a range`;

  // Last writes and watchpoints of every memory; those of another memory say which.
  const of = (w) => {
    if (!multi) return '';
    const m = list[w.memory ?? 0];
    return `${m?.name ? `$${m.name}` : `memory ${w.memory ?? 0}`} `;
  };
  fill($('watchpoints'),
    (app.state?.lastWrites ?? []).map((w) =>
      h(
        'li',
        {},
        h(
          'button',
          { type: 'button', class: 'small', dataset: { goto: w.addr, len: w.len, memory: w.memory ?? 0 }, title: 'Show the bytes written by the last step' },
          `last write: ${of(w)}${hex(w.addr, 1)}, ${plural(w.len, 'byte')}`,
        ),
      ),
    ),
    ...(app.state?.watchpoints ?? []).map((w) =>
      h(
        'li',
        {},
        h(
          'button',
          { type: 'button', class: 'small link', dataset: { goto: w.addr, len: Math.min(w.len, MEM_WINDOW), memory: w.memory ?? 0 }, title: 'Show the watched bytes' },
          `watchpoint ${w.id}: ${of(w)}${hex(w.addr, 1)}, ${plural(w.len, 'byte')}`,
        ),
        h('button', { type: 'button', class: 'small', dataset: { unwatch: w.id }, 'aria-label': `Remove watchpoint ${w.id}` }, '×'),
      ),
    ),
  );
}

/** The shortest decimal that reads back as the same f32. */
function f32Text(v) {
  if (!Number.isFinite(v) || v === 0) return Object.is(v, -0) ? '-0' : String(v);
  for (let p = 1; p < 9; p++) {
    const t = Number(v.toPrecision(p));
    if (Math.fround(t) === v) return String(t);
  }
  return String(v);
}

function renderInspector(app, addr) {
  const b = app.mem.inspect ?? new Uint8Array();
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const n = b.byteLength;
  const get = (w, f) => (n >= w ? f() : '—');
  // Two columns: signed | unsigned, then f32 | f64.
  const rows = [
    ['i8', get(1, () => dv.getInt8(0))],
    ['u8', get(1, () => dv.getUint8(0))],
    ['i16', get(2, () => dv.getInt16(0, true))],
    ['u16', get(2, () => dv.getUint16(0, true))],
    ['i32', get(4, () => dv.getInt32(0, true))],
    ['u32', get(4, () => dv.getUint32(0, true))],
    ['i64', get(8, () => dv.getBigInt64(0, true))],
    ['u64', get(8, () => dv.getBigUint64(0, true))],
    ['f32', get(4, () => f32Text(dv.getFloat32(0, true)))],
    ['f64', get(8, () => dv.getFloat64(0, true))],
  ];
  fill($('inspector'),
    h('div', { class: 'insp-title' }, `little-endian values at ${hex(addr, 1)}`),
    rows.map(([t, v]) =>
      h('div', { class: 'insp' }, h('span', { class: `ty ty-${t[0] === 'u' ? 'i' + t.slice(1) : t}` }, t), ' ', h('span', { class: 'val', title: String(v) }, String(v))),
    ),
  );
}

// ---- console --------------------------------------------------------------------

const OUTPUT_TITLE = { stdout: 'program output (stdout)', stderr: 'program output (stderr)' };

function consoleEntry(e) {
  return h('div', { class: `entry ${e.kind}`, title: OUTPUT_TITLE[e.kind] }, e.text);
}

export function renderConsole(app) {
  use(app);
  const box = $('console');
  if (box._log !== app.log || box._trims !== app.logTrims || (box._count ?? 0) > app.log.length) {
    fill(box);
    box._count = 0;
    box._revs = [];
    box._log = app.log;
    box._trims = app.logTrims;
  }
  const atBottom = box.scrollTop + box.clientHeight >= box.scrollHeight - 4;
  let grew = false;
  // A program's unterminated line may have grown since it was shown.
  for (let i = 0; i < box._count; i++) {
    const e = app.log[i];
    if (box._revs[i] !== e.rev) {
      box.children[i].textContent = e.text;
      box._revs[i] = e.rev;
      grew = true;
    }
  }
  const fresh = [];
  for (let i = box._count; i < app.log.length; i++) {
    fresh.push(consoleEntry(app.log[i]));
    box._revs[i] = app.log[i].rev;
  }
  if (fresh.length) box.append(...fresh);
  box._count = app.log.length;
  if (atBottom || (fresh.length && app.log.at(-1)?.kind !== 'info') || (grew && atBottom)) box.scrollTop = box.scrollHeight;
}

/** What a long run shows while it goes: the status line and the Console. */
export function renderLive(app) {
  use(app);
  renderStatus(app);
  renderConsole(app);
}

// ---- WASI settings ---------------------------------------------------------------

export function renderWasi(app) {
  use(app);
  const w = app.wasi;
  const sync = (id, value) => {
    const el = $(id);
    if (focused() !== el && el.value !== value) el.value = value;
  };
  sync('wasi-args', w.args);
  sync('wasi-env', w.env);
  sync('wasi-stdin', w.stdin);
  const error = (id, msg) => {
    $(id).setAttribute('aria-invalid', msg ? 'true' : 'false');
    const el = $(`${id}-error`);
    if (el.textContent !== msg) el.textContent = msg;
  };
  error('wasi-args', w.argsError);
  error('wasi-env', w.envError);
  // The summary line says what is set, so a closed section still tells.
  const parts = [];
  if (w.args.trim()) parts.push(`args: ${w.args.trim().length > 40 ? w.args.trim().slice(0, 39) + '…' : w.args.trim()}`);
  const env = w.env.split('\n').filter((l) => l.trim()).length;
  if (env) parts.push(plural(env, 'variable'));
  if (w.stdin) parts.push(`stdin ${plural(new TextEncoder().encode(w.stdin).length, 'byte')}`);
  const uses = app.summary?.imports.some((i) => i.module === 'wasi_snapshot_preview1');
  const text = parts.length
    ? parts.join(' · ')
    : uses
      ? 'program arguments, environment, stdin (this module uses WASI)'
      : 'program arguments, environment, stdin';
  const summary = $('wasi-summary');
  if (summary.textContent !== text) summary.textContent = text;
}

// ---- source pane ----------------------------------------------------------------

function renderSource(app) {
  const { kind, name, size } = app.source;
  $('editor').hidden = kind !== 'text';
  $('binary-note').hidden = kind === 'text';
  if (kind === 'binary') $('binary-text').textContent = `binary module (${plural(size, 'byte')})${name ? ` — ${name}` : ''}`;
  if (kind === 'wat-file') $('binary-text').textContent = `WAT file ${name} (${(size / 1048576).toFixed(1)} MiB): too large to edit here`;
}

export function renderExamples(examples) {
  use(null);
  $('examples').append(...examples.map((e, i) => h('option', { value: String(i) }, e.name)));
}

/** Everything. */
export function render(app) {
  use(app);
  renderStatus(app);
  renderLoading(app);
  renderSource(app);
  renderSummary(app);
  renderCall(app);
  renderWasi(app);
  renderButtons(app);
  renderDisassembly(app);
  renderValueStack(app);
  renderCallStack(app);
  renderLocals(app);
  renderGlobals(app);
  renderMemory(app);
  renderHeap(app);
  renderConsole(app);
  app.scrollCode = false;
}

/**
 * The panels an embedded playground shows (wasm-playground.js): the status line and the
 * disassembly always, then those of `panels` (stack, locals, calls, globals, memory, console).
 */
export function renderPanels(app, panels) {
  use(app);
  renderStatus(app);
  renderDisassembly(app);
  if (panels.has('stack')) renderValueStack(app);
  if (panels.has('calls')) renderCallStack(app);
  if (panels.has('locals')) renderLocals(app);
  if (panels.has('globals')) renderGlobals(app);
  if (panels.has('memory')) renderMemory(app);
  if (panels.has('console')) renderConsole(app);
  app.scrollCode = false;
}
