// State and events of the panels that the page (main.js) and the <wasm-playground> element
// (wasm-playground.js) share beyond rendering (render.js): the memory panel (which memory is
// shown, the window of bytes read from it, the address box, watchpoints, the "last write"
// buttons) and the "v128 lanes" pickers of the Value stack, Locals and Globals.
//
// Addresses are JS numbers: exact up to 2^53 - 1 (Number.MAX_SAFE_INTEGER), which covers any
// memory the page can hold; a memory64 address above that is refused by the address box.

/** Bytes the hex view shows at a time, and per row. */
export const MEM_WINDOW = 256;
export const ROW = 16;
/** The largest address the page takes (2^53 - 1: JS numbers are exact up to there). */
export const MAX_ADDRESS = Number.MAX_SAFE_INTEGER;

/** The lane shapes a v128 can be shown as; i32x4 is the default (as the CLI prints). */
export const V128_SHAPES = ['i8x16', 'i16x8', 'i32x4', 'i64x2', 'f32x4', 'f64x2'];

const hex = (n, width = 1) => '0x' + n.toString(16).padStart(width, '0');

/** A fresh memory view: memory 0, address 0. */
export function newMemView() {
  return { index: 0, list: [], base: 0, sel: 0, selEnd: 0, bytes: null, inspect: null, typed: null };
}

/** The shown memory's description (`{index, name, pages, bytes, pageSize, memory64, ...}`), or null. */
export function shownMemory(app) {
  return app.mem?.list?.[app.mem.index] ?? null;
}

/** A memory's name for the picker and messages: `$name (memory 1)`, or `memory 1`. */
export function memoryName(info) {
  return info.name ? `$${info.name} (memory ${info.index})` : `memory ${info.index}`;
}

/**
 * An address box's text as a number: `0x` and hexadecimal digits or decimal digits (`_`
 * between digits allowed). Returns `{ addr }` or `{ error }`.
 */
export function parseAddress(text, info = null) {
  const t = text.trim().toLowerCase().replace(/(?<=[0-9a-f])_(?=[0-9a-f])/g, '');
  if (!/^(0x[0-9a-f]+|[0-9]+)$/.test(t)) return { error: 'an address is 0x and hex digits, or decimal digits' };
  const v = BigInt(t);
  if (v > BigInt(MAX_ADDRESS)) return { error: `the page takes addresses up to 2^53 - 1 (${hex(MAX_ADDRESS)})` };
  const addr = Number(v);
  if (info && addr >= info.bytes) {
    return { error: `past the end: ${memoryName(info)} has ${hex(info.bytes)} bytes` };
  }
  return { addr };
}

/**
 * Reads what the memory panel shows, before a render: the instance's memories (their sizes
 * change as they grow), the window of bytes of the shown one and the inspector's 8 bytes.
 */
export function readMemoryView(app) {
  const m = app.mem;
  let list = [];
  if (app.pg) {
    try {
      list = app.pg.memories();
    } catch {
      list = [];
    }
  }
  m.list = list;
  if (m.index >= list.length) m.index = 0;
  const info = list[m.index];
  if (!info) {
    m.bytes = m.inspect = null;
    return;
  }
  // Bytes, not pages x 64 KiB: a memory may have 1-byte pages (custom-page-sizes).
  const size = info.bytes;
  if (m.base >= size) m.base = Math.max(0, Math.floor((size - MEM_WINDOW) / ROW) * ROW);
  m.bytes = app.pg.readMemoryIn(m.index, m.base, MEM_WINDOW);
  m.inspect = app.pg.readMemoryIn(m.index, Math.min(m.sel, m.selEnd), 8);
}

/** Shows memory `index` (from address 0 unless it already is the shown one). */
export function selectMemory(app, index) {
  const m = app.mem;
  if (m.index === index) return;
  Object.assign(m, { index, base: 0, sel: 0, selEnd: 0, typed: null, error: '' });
}

/** Selects `[lo, hi]` (of `memory`, if given) and moves the window so that `lo` is visible. */
export function showAddress(app, lo, hi = lo, memory = null) {
  if (memory != null) selectMemory(app, memory);
  const m = app.mem;
  m.sel = lo;
  m.selEnd = hi;
  m.error = '';
  if (lo !== m.typed) m.typed = null;
  if (lo < m.base || lo >= m.base + MEM_WINDOW) m.base = Math.floor(lo / ROW) * ROW;
}

/** Adds a watchpoint on the selected bytes of the shown memory, or removes the one there. */
export function toggleWatchpoint(app, log) {
  if (!app.pg) return;
  const m = app.mem;
  const lo = Math.min(m.sel, m.selEnd);
  const len = Math.abs(m.selEnd - m.sel) + 1;
  try {
    const w = app.state?.watchpoints.find((x) => (x.memory ?? 0) === m.index && x.addr === lo && x.len === len);
    if (w) app.pg.removeWatchpoint(w.id);
    else {
      const id = app.pg.addWatchpointIn(m.index, lo, len);
      const where = m.list.length > 1 ? ` of ${memoryName(m.list[m.index])}` : '';
      log('info', `watchpoint ${id}: break after writes to ${hex(lo)}${len > 1 ? `..${hex(lo + len - 1)}` : ''}${where}`);
    }
    app.state = app.pg.state();
  } catch (e) {
    log('error', e instanceof Error ? e.message : String(e));
  }
}

/**
 * Wires the memory panel's controls: `$` finds an element by id, `refresh()` reads and
 * renders, `log(kind, text)` writes to the Console.
 */
export function wireMemory(app, $, { refresh, log }) {
  $('mem-select').addEventListener('change', (e) => {
    selectMemory(app, Number(e.target.value));
    refresh();
  });
  $('memory').addEventListener('click', (e) => {
    const cell = e.target.closest('[data-addr]');
    if (!cell) return;
    const a = Number(cell.dataset.addr);
    if (e.shiftKey) app.mem.selEnd = a;
    else app.mem.sel = app.mem.selEnd = a;
    app.mem.typed = null;
    refresh();
  });
  const addr = $('mem-addr');
  // Enter applies the address; so does leaving the box (change), unless already applied.
  const applyAddress = () => {
    const { addr: a, error } = parseAddress(addr.value, shownMemory(app));
    app.mem.error = error ?? '';
    if (error) return refresh();
    if (a === app.mem.typed) return;
    showAddress(app, a);
    app.mem.typed = a;
    refresh();
  };
  addr.addEventListener('change', applyAddress);
  addr.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      applyAddress();
    }
  });
  addr.addEventListener('input', () => {
    if (!app.mem.error) return;
    app.mem.error = '';
    refresh();
  });
  $('mem-prev').addEventListener('click', () => {
    app.mem.base = Math.max(0, app.mem.base - MEM_WINDOW);
    refresh();
  });
  $('mem-next').addEventListener('click', () => {
    const size = shownMemory(app)?.bytes ?? 0;
    if (app.mem.base + MEM_WINDOW < size) app.mem.base += MEM_WINDOW;
    refresh();
  });
  $('mem-watch').addEventListener('click', () => {
    toggleWatchpoint(app, log);
    refresh();
  });
  $('watchpoints').addEventListener('click', (e) => {
    const goto = e.target.closest('[data-goto]');
    if (goto) {
      const len = Number(goto.dataset.len ?? 1);
      const a = Number(goto.dataset.goto);
      showAddress(app, a, a + Math.max(1, len) - 1, Number(goto.dataset.memory ?? 0));
      return refresh();
    }
    const id = e.target.closest('[data-unwatch]')?.dataset.unwatch;
    if (id == null || !app.pg) return;
    app.pg.removeWatchpoint(Number(id));
    app.state = app.pg.state();
    refresh();
  });
}

/** Wires the "v128 lanes" pickers (`ids`): one choice, `app.v128Shape`, for every panel. */
export function wireLanes(app, $, ids, refresh) {
  for (const id of ids) {
    const el = $(id);
    if (!el) continue;
    el.addEventListener('change', (e) => {
      if (V128_SHAPES.includes(e.target.value)) app.v128Shape = e.target.value;
      refresh();
    });
  }
}
