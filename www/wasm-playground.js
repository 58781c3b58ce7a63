// <wasm-playground>: a runnable, steppable WebAssembly example for documentation pages.
// Plain Web Components (a custom element with an open shadow root and its own styles), no
// framework. One <script type="module"> and one tag:
//
//   <script type="module" src="https://example.org/wasmscope/wasm-playground.js"></script>
//   <wasm-playground function="fac" args="5" panels="stack,calls,locals">
//     (module
//       (func $fac (export "fac") (param $n i64) (result i64) ...))
//   </wasm-playground>
//
// Attributes:
//   src          URL of a .wasm or .wat file (else the element's text is the WAT; a
//                <script type="text/wat"> child keeps `<` and `&` as they are)
//   function     the exported function to select (default: `_start`, else the first)
//   args         its arguments, comma-separated (`47, 5`)
//   panels       which panels show beside and below the code, comma- or space-separated:
//                stack (Value stack), locals, calls (Call stack), globals, memory, console
//                (default: stack,locals,console)
//   autorun      run the function to its end once loaded
//   height       height of the code row (a number of pixels or a CSS length; default 260)
//   label        the embed's accessible name (default: "WebAssembly playground")
//   theme        light | dark (default: the reader's preference)
//   playground   URL of the full playground page for "Open in playground" (default:
//                index.html next to this file); `playground="none"` hides the link
//   stub-imports satisfy imports nothing provides with stubs (WASI is built in)
//
// Every instance has its own interpreter session; they share one loaded copy of the
// interpreter (wasmscope.js initialises it once). Keyboard shortcuts (F8, F10, F11,
// Shift+F10, Shift+F11) act only while focus is inside the element.
import { load, ready } from './wasmscope.js';
import { newMemView, readMemoryView, showAddress, wireLanes, wireMemory } from './panels.js';
import { hex, positionText, renderLive, renderPanels, typed } from './render.js';
import { makeLink } from './permalink.js';
import { wireHeap } from './heap.js';

const PANELS = ['stack', 'locals', 'calls', 'globals', 'memory', 'console'];
const SIDE = ['stack', 'locals', 'calls', 'globals']; // beside the code; memory and console go below
const ALIASES = { values: 'stack', 'value-stack': 'stack', frames: 'calls', 'call-stack': 'calls', callstack: 'calls', output: 'console' };
const DEFAULT_PANELS = 'stack,locals,console';
const MAX_LOG = 500;
const MAX_LINE = 8192;
const SLICE_MS = 10;
const DEFAULT_PLAYGROUND = new URL('./index.html', import.meta.url).href;

// ---- styles: one constructed sheet shared by every instance ------------------------------

const CSS = `
:host {
  display: block !important;
  box-sizing: border-box;
  margin: 1em 0;
  max-width: 100%;
  --bg: #f6f7f9; --panel: #fff; --fg: #1d2230; --muted: #5f6778; --border: #d9dde5;
  --accent: #3856d6; --accent-fg: #fff; --current: #fff2b3; --current-edge: #e0b400;
  --caller: #e6ecff; --changed: #ffe1a8; --changed-fg: #7a3d00; --written: #ffc9a8;
  --sel: #c9d7ff; --error: #b3261e; --error-bg: #fdecea; --ok: #1b7f3b; --bp: #d93025;
  --ty-i32: #1c6bb8; --ty-i64: #7b3fc4; --ty-f32: #117a65; --ty-f64: #0e7a3c; --ty-ref: #a0522d;
  --out-bg: #f2f4f7; --stdout-edge: #9aa3b2; --stderr: #b4470b; --stderr-bg: #fff3e8;
  --mono: ui-monospace, 'SFMono-Regular', 'DejaVu Sans Mono', Menlo, Consolas, monospace;
  --sans: system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif;
}
:host([hidden]) { display: none !important; }
.ws {
  all: initial;
  display: flex; flex-direction: column; gap: 6px;
  box-sizing: border-box; width: 100%; min-width: 0;
  padding: 8px;
  background: var(--bg); color: var(--fg);
  border: 1px solid var(--border); border-radius: 8px;
  font: 13px/1.4 var(--sans);
  text-align: left;
  container-type: inline-size;
}
.ws:focus { outline: none; }
:host(:focus-within) .ws { border-color: var(--accent); }
.ws *, .ws *::before, .ws *::after { box-sizing: border-box; }
[hidden] { display: none !important; }
h2 {
  margin: 0 0 4px; font: 600 11px/1.4 var(--sans); text-transform: uppercase; letter-spacing: 0.04em;
  color: var(--muted); display: flex; align-items: center; gap: 0.5em; white-space: nowrap;
}
h2 .sub { text-transform: none; letter-spacing: 0; font-weight: 400; font-family: var(--mono); overflow: hidden; text-overflow: ellipsis; }
.code, input, select, kbd { font-family: var(--mono); font-size: 12px; }
.visually-hidden { position: absolute !important; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.empty { color: var(--muted); font-style: italic; margin: 2px 0; font: italic 12px var(--sans); }
button, select, input { font: inherit; color: inherit; margin: 0; }
button {
  display: inline-block; visibility: visible;
  background: var(--panel); color: var(--fg);
  border: 1px solid var(--border); border-radius: 5px;
  padding: 2px 8px; min-height: 24px; font-size: 12px; line-height: 18px;
  cursor: pointer; white-space: nowrap;
}
button:hover:not(:disabled) { border-color: var(--accent); }
button:disabled { opacity: 0.45; cursor: default; }
button.small { padding: 0 6px; min-height: 0; font-size: 11px; line-height: 16px; }
select, input[type=text] {
  background: var(--panel); color: var(--fg);
  border: 1px solid var(--border); border-radius: 5px; padding: 2px 5px; height: 24px; font-size: 12px;
}
:focus-visible { outline: 2px solid var(--accent); outline-offset: 1px; }
input[aria-invalid=true] { border-color: var(--error); background: var(--error-bg); }

.head { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 8px; }
.head > label { font-weight: 600; font-size: 12px; }
#function { font-family: var(--mono); max-width: 100%; min-width: 0; flex: 0 1 auto; }
.args { display: contents; }
.arg { display: inline-flex; gap: 4px; align-items: center; font: 12px var(--mono); }
.arg input { width: 7em; }
.arg input.v128 { width: 24ch; }
.arg-error { color: var(--error); font-family: var(--sans); }
.arg-error:empty { display: none; }
.open { margin-left: auto; font-size: 12px; color: var(--accent); text-decoration: none; white-space: nowrap; }
.open:hover { text-decoration: underline; }
.toolbar { display: flex; flex-wrap: wrap; gap: 4px; }
#run, #continue { border-color: var(--accent); }
#run { background: var(--accent); color: var(--accent-fg); }
#pause:not(:disabled) { background: var(--accent); color: var(--accent-fg); }
.status-line { display: flex; flex-wrap: wrap; gap: 2px 12px; font: 12px var(--mono); align-items: baseline; min-height: 17px; }
#status { font-weight: 600; overflow-wrap: anywhere; }
#status[data-status=finished] { color: var(--ok); }
#status[data-status=trapped], #status[data-status=failed] { color: var(--error); }
#status[data-status=running] { color: var(--accent); }
#counters { color: var(--muted); margin-left: auto; white-space: nowrap; }
.error {
  color: var(--error); background: var(--error-bg); border-radius: 5px; padding: 4px 8px; margin: 0;
  font: 12px/1.4 var(--mono); white-space: pre-wrap; overflow-wrap: anywhere;
}
.help { margin: 0; font-size: 11px; color: var(--muted); }
kbd { border: 1px solid var(--border); border-radius: 3px; padding: 0 3px; background: var(--panel); font-size: 10px; }

.main { display: grid; grid-template-columns: minmax(0, 1.1fr) minmax(0, 1fr); gap: 6px; height: var(--height, 260px); min-height: 120px; }
.main.solo { grid-template-columns: minmax(0, 1fr); }
.side { display: flex; flex-direction: column; gap: 6px; min-height: 0; min-width: 0; }
.side > .panel { flex: 1 1 0; }
.panel {
  display: flex; flex-direction: column; min-height: 0; min-width: 0;
  background: var(--panel); border: 1px solid var(--border); border-radius: 6px; padding: 4px 6px;
}
.scroll { overflow: auto; min-height: 0; flex: 1; position: relative; }
@container (max-width: 540px) {
  .main { grid-template-columns: minmax(0, 1fr); height: auto; }
  .main > .disassembly { height: var(--height, 260px); }
  .side > .panel { flex: none; max-height: 180px; }
}

/* disassembly */
ol.lines { list-style: none; margin: 0; padding: 0; }
ol.lines li { display: flex; align-items: center; white-space: pre; line-height: 18px; border-left: 3px solid transparent; }
ol.lines li.current { background: var(--current); border-left-color: var(--current-edge); }
ol.lines li.caller { background: var(--caller); border-left-color: var(--accent); }
ol.lines li.trap { background: var(--error-bg); border-left-color: var(--error); }
button.gutter { width: 18px; height: 18px; min-height: 0; padding: 0; border: 0; border-radius: 0; background: transparent; flex: none; position: relative; }
button.gutter::after { content: ''; position: absolute; left: 4px; top: 4px; width: 10px; height: 10px; border-radius: 50%; }
button.gutter:hover::after { background: var(--bp); opacity: 0.3; }
button.gutter[aria-pressed=true]::after { background: var(--bp); opacity: 1; }
.off { color: var(--muted); margin-right: 1.5ch; }
.lines .ins { flex: 1; }

/* values, locals, globals, call stack */
.block-group + .block-group { border-top: 1px dashed var(--border); margin-top: 2px; }
.block-label { color: var(--muted); font: 10px var(--sans); }
ol.values { list-style: none; margin: 0; padding: 0; }
ol.values li { display: flex; gap: 1ch; align-items: baseline; padding: 0 2px; border-radius: 3px; }
.ty { font-size: 11px; min-width: 3.5ch; }
.ty-i32 { color: var(--ty-i32); } .ty-i64 { color: var(--ty-i64); } .ty-f32 { color: var(--ty-f32); }
.ty-f64 { color: var(--ty-f64); } .ty-funcref, .ty-externref { color: var(--ty-ref); }
.val { overflow-wrap: anywhere; }
.changed { background: var(--changed); }
.changed .val { color: var(--changed-fg); font-weight: 600; }
table.vars { border-collapse: collapse; width: 100%; font: 12px var(--mono); }
table.vars th, table.vars td { text-align: left; padding: 0 6px 0 2px; vertical-align: baseline; font-weight: 400; }
table.vars td.ty { white-space: nowrap; }
table.vars th .name { display: block; width: max-content; max-width: 14ch; overflow-wrap: anywhere; }
table.vars td.val { width: 100%; }
ol.frames { list-style: none; margin: 0; padding: 0; }
ol.frames li.more { color: var(--muted); padding: 1px 4px; font: 11px var(--sans); }
button.frame {
  display: flex; gap: 1ch; width: 100%; text-align: left; border: 0; border-radius: 3px; padding: 1px 4px;
  min-height: 0; font: 12px var(--mono); background: transparent;
}
button.frame[aria-current=true] { background: var(--sel); }
button.frame .fname { font-weight: 600; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; min-width: 4ch; }
button.frame .off { flex: none; margin-right: 0; }
button.frame .ins { color: var(--muted); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; flex: 1; }
button.frame .depth { color: var(--muted); font-size: 11px; margin-left: auto; flex: none; }

/* memory */
.memory-controls { display: flex; gap: 4px; align-items: center; flex-wrap: wrap; margin-bottom: 4px; font-size: 12px; }
.memory-controls input { width: 8em; }
.memory-controls input.wide { width: 18ch; }
.hex { line-height: 16px; white-space: pre; max-height: calc(8 * 16px + 2px); }
.hex .row { display: flex; gap: 1.5ch; }
.hex .addr { color: var(--muted); }
.hex .bytes span { padding: 0 0.25ch; cursor: pointer; border-radius: 2px; }
.hex .bytes span:nth-child(8) { margin-right: 0.75ch; }
.hex .ascii span { cursor: pointer; }
.hex .zero { color: var(--muted); opacity: 0.6; }
.hex .sel { background: var(--sel); color: var(--fg); opacity: 1; }
.hex .written { background: var(--written); color: var(--fg); opacity: 1; }
.hex .sel.written { box-shadow: inset 0 0 0 1px var(--accent); }
.hex .watched { box-shadow: inset 0 -2px 0 var(--bp); }
.inspector {
  font: 11px var(--mono); display: grid; grid-template-columns: repeat(5, minmax(0, 1fr)); grid-auto-flow: column;
  grid-template-rows: repeat(3, auto); gap: 0 10px;
  margin-top: 4px; padding-top: 4px; border-top: 1px solid var(--border);
}
.inspector .insp-title { grid-column: 1 / -1; grid-row: 1; color: var(--muted); font-family: var(--sans); }
.inspector .insp { display: flex; gap: 1ch; white-space: nowrap; overflow: hidden; }
.inspector .insp .val { overflow: hidden; text-overflow: ellipsis; }
ul.watchpoints { list-style: none; margin: 0 0 0 8px; padding: 0; font: 12px var(--mono); display: flex; gap: 8px; flex-wrap: wrap; }
ul.watchpoints:empty { display: none; }
ul.watchpoints li { display: flex; gap: 2px; align-items: center; }
.memory-controls .mem-pick { display: inline-flex; gap: 4px; align-items: center; margin-right: 4px; }
.val.v128 .lane { white-space: nowrap; }
h2 .sub { min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
h2 .lanes { white-space: nowrap; flex: none; margin-left: auto; display: inline-flex; gap: 4px; align-items: center; text-transform: none; letter-spacing: 0; font-weight: 400; }
h2 .lanes select { font-size: 11px; padding: 0 2px; }
@container (max-width: 540px) { .inspector { grid-template-columns: repeat(2, minmax(0, 1fr)); grid-template-rows: none; grid-auto-flow: row; } }

/* console */
.console { height: var(--console-height, 120px); }
#console .entry { padding: 1px 2px; border-bottom: 1px solid var(--border); white-space: pre-wrap; overflow-wrap: anywhere; }
#console .cmd { color: var(--accent); }
#console .result { color: var(--ok); font-weight: 600; }
#console .trap, #console .error { color: var(--error); }
#console .info { color: var(--muted); }
#console .exit { font-weight: 600; }
#console .stdout, #console .stderr { background: var(--out-bg); border-bottom: 0; border-left: 3px solid var(--stdout-edge); padding-left: 6px; min-height: 1.4em; }
#console .stderr { color: var(--stderr); background: var(--stderr-bg); border-left-color: var(--stderr); }
/* GC references: disclosures into their fields (heap.js; as the page's style.css). */
.ty-anyref { color: var(--ty-ref); }
.ref-toggle { font: inherit; background: none; border: none; padding: 0; color: inherit; cursor: pointer; text-align: left; }
.ref-toggle::before { content: '▸'; display: inline-block; width: 1.1em; color: var(--muted); }
.ref-toggle[aria-expanded='true']::before { content: '▾'; }
.ref-toggle:hover, .ref-toggle:focus-visible { text-decoration: underline; }
ul.fields { list-style: none; margin: 0 0 0 0.5em; padding: 0 0 0 6px; border-left: 1px solid var(--border); }
ul.fields li { display: block; white-space: normal; overflow-wrap: anywhere; padding: 0; }
.val.ref { min-width: 0; flex: 1 1 auto; }
.ref > ul.fields, .ref > .array, .ref > .fields.empty { background: var(--panel); color: var(--fg); font-weight: 400; margin-top: 1px; }
.ref .fields .val, .ref .fields .fname { color: inherit; }
.fields .fname { font-weight: 600; }
.fields .ty { margin: 0 2px; }
.array { margin-left: 0.5em; padding-left: 6px; border-left: 1px solid var(--border); }
.array ul.fields { border-left: none; padding-left: 0; margin-left: 0; }
.array-head { font-size: 11px; }
.ref-error { color: var(--error); margin-left: 0.5em; }
`;

// Dark colours: the reader's preference (unless theme="light"), or theme="dark".
const DARK_VARS = `
  --bg: #15181e; --panel: #1d2129; --fg: #e3e6ec; --muted: #9aa3b2; --border: #343a46;
  --accent: #7b96ff; --accent-fg: #0d1020; --current: #4a4114; --caller: #25304f; --changed: #5a3c0c;
  --changed-fg: #ffd28a; --written: #6b3416; --sel: #2d3f7a; --error: #ff8a80; --error-bg: #3a1c1c;
  --ok: #6fd08c; --bp: #ff6b5e; --ty-i32: #7fb6ff; --ty-i64: #c9a2ff; --ty-f32: #6fd6c0; --ty-f64: #7fe0a0;
  --ty-ref: #e8a878; --out-bg: #181b22; --stdout-edge: #5f6778; --stderr: #ffab5e; --stderr-bg: #2b2016;
  color-scheme: dark;`;
const DARK = `@media (prefers-color-scheme: dark) { :host(:not([theme=light])) .ws {${DARK_VARS}} }
:host([theme=dark]) .ws {${DARK_VARS}}`;

let sheet = null;
function styles() {
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS + DARK);
  }
  return sheet;
}

const TEMPLATE = `
<div class="ws" tabindex="-1" role="group">
  <div class="head">
    <label for="function">Function</label>
    <select id="function" disabled></select>
    <span id="args" class="args"></span>
    <a id="open" class="open" target="_blank" rel="noopener" hidden>Open in playground <span aria-hidden="true">↗</span></a>
  </div>
  <div class="toolbar" role="toolbar" aria-label="Debugger controls">
    <button type="button" id="run" title="Run to the end at full speed, ignoring breakpoints">Run</button>
    <button type="button" id="continue" title="Continue to the next breakpoint (F8)">Continue</button>
    <button type="button" id="pause" title="Pause (F8)" disabled>Pause</button>
    <button type="button" id="step-into" title="Step into (F11)">Step into</button>
    <button type="button" id="step-over" title="Step over (F10)">Step over</button>
    <button type="button" id="step-out" title="Step out (Shift+F11)">Step out</button>
    <button type="button" id="step-back" title="Step back (Shift+F10)">Step back</button>
    <button type="button" id="reset" title="Fresh instance: memory, globals and tables as after instantiation">Reset</button>
  </div>
  <div class="status-line">
    <span id="status" role="status">loading…</span>
    <span id="counters"><span id="executed">0 instructions</span> · <span id="depth">depth 0</span></span>
  </div>
  <p id="message" class="error" role="alert" hidden></p>
  <div class="main">
    <section class="panel disassembly" aria-label="Disassembly">
      <h2>Code <span id="disasm-title" class="sub"></span></h2>
      <div id="disassembly" class="scroll code" tabindex="0"><p class="empty">Loading…</p></div>
    </section>
    <div class="side">
      <section class="panel" data-panel="stack" aria-label="Value stack">
        <h2>Value stack <label class="lanes" hidden>v128 lanes <select id="lanes-stack" class="small"></select></label></h2>
        <div id="value-stack" class="scroll code"></div>
      </section>
      <section class="panel" data-panel="locals" aria-label="Locals">
        <h2>Locals <span id="locals-title" class="sub"></span> <label class="lanes" hidden>v128 lanes <select id="lanes-locals" class="small"></select></label></h2>
        <div id="locals" class="scroll code"></div>
      </section>
      <section class="panel" data-panel="calls" aria-label="Call stack">
        <h2>Call stack</h2>
        <ol id="call-stack" class="scroll code frames"></ol>
      </section>
      <section class="panel" data-panel="globals" aria-label="Globals">
        <h2>Globals <label class="lanes" hidden>v128 lanes <select id="lanes-globals" class="small"></select></label></h2>
        <div id="globals" class="scroll code"></div>
      </section>
    </div>
  </div>
  <section class="panel memory" data-panel="memory" aria-label="Memory">
    <h2>Memory <span id="memory-info" class="sub"></span></h2>
    <div class="memory-controls">
      <label class="mem-pick" hidden>Memory <select id="mem-select"></select></label>
      <label for="mem-addr">Address</label>
      <input id="mem-addr" type="text" value="0x0" spellcheck="false" aria-describedby="mem-addr-error" title="An address: 0x and hex digits, or decimal; up to 2^53 - 1 (64-bit memories)">
      <button type="button" id="mem-prev" class="small" aria-label="Previous 256 bytes" title="Previous 256 bytes">◀</button>
      <button type="button" id="mem-next" class="small" aria-label="Next 256 bytes" title="Next 256 bytes">▶</button>
      <button type="button" id="mem-watch" class="small" title="Break after any write to the selected bytes (shift+click to select a range)">Watch</button>
      <span id="mem-addr-error" class="arg-error" role="alert"></span>
      <ul id="watchpoints" class="watchpoints" aria-label="Last write and watchpoints"></ul>
    </div>
    <div id="memory" class="code hex scroll" role="group" aria-label="Memory bytes"></div>
    <div id="inspector" class="inspector" role="group" aria-label="Typed inspector"></div>
  </section>
  <section class="panel console" data-panel="console" aria-label="Console">
    <h2>Console <button type="button" id="console-clear" class="small">Clear</button></h2>
    <div id="console" class="scroll code" role="log" aria-live="polite"></div>
  </section>
  <p class="help">Click the code to focus, then <kbd>F11</kbd> step into · <kbd>F10</kbd> step over ·
    <kbd>Shift+F11</kbd> step out · <kbd>Shift+F10</kbd> step back · <kbd>F8</kbd> continue.
    Click a line's gutter for a breakpoint.</p>
</div>`;

// ---- helpers ---------------------------------------------------------------------------

const errorMessage = (e) => (e instanceof Error ? e.message : String(e));

/** Panel names from an attribute: known names, aliases resolved, in the canonical order. */
function parsePanels(text) {
  const wanted = new Set(
    (text ?? DEFAULT_PANELS)
      .toLowerCase()
      .split(/[\s,]+/)
      .filter(Boolean)
      .map((p) => ALIASES[p] ?? p),
  );
  return new Set(PANELS.filter((p) => wanted.has(p)));
}

const LANES = { i8x16: 16, i16x8: 8, i32x4: 4, i64x2: 2, f32x4: 4, f64x2: 2 };

/**
 * The `args` attribute's comma-separated arguments; a v128 given as lanes keeps its commas
 * (`args="i32x4:1,2,3,4, 7"` is two arguments, as is `args="i32x4:[1, 2, 3, 4], 7"`).
 */
function parseArgs(text) {
  if (text == null || text.trim() === '') return null;
  const parts = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '[') depth++;
    if (ch === ']') depth = Math.max(0, depth - 1);
    if (ch === ',' && depth === 0) {
      parts.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  parts.push(cur.trim());
  const out = [];
  for (let i = 0; i < parts.length; i++) {
    const m = /^(?:v128:)?(i8x16|i16x8|i32x4|i64x2|f32x4|f64x2):([^[]*)$/i.exec(parts[i]);
    const n = m ? LANES[m[1].toLowerCase()] : 1;
    out.push(parts.slice(i, i + n).join(','));
    i += n - 1;
  }
  return out;
}

/** The text of inline WAT: a <script type="text/wat"> child, else the text, dedented. */
function inlineText(el) {
  const raw = el.querySelector('script[type="text/wat"], script[type="application/wat"]')?.textContent ?? el.textContent;
  const lines = raw.replace(/^\s*\n/, '').replace(/\s+$/, '').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.match(/^[ \t]*/)[0].length));
  return lines.map((l) => l.slice(Number.isFinite(indent) ? indent : 0)).join('\n') + '\n';
}

// A MessageChannel tick yields to input and rendering without setTimeout's 4 ms clamp; one
// channel for every instance.
const channel = new MessageChannel();
const queue = [];
channel.port1.onmessage = () => queue.shift()?.();
const schedule = (f) => {
  queue.push(f);
  channel.port2.postMessage(null);
};

// ---- the element -----------------------------------------------------------------------

export class WasmPlayground extends HTMLElement {
  static observedAttributes = ['src', 'function', 'args', 'panels', 'height', 'label', 'theme', 'playground', 'stub-imports'];

  constructor() {
    super();
    this._shadow = this.attachShadow({ mode: 'open' });
    this._shadow.adoptedStyleSheets = [styles()];
    this._shadow.innerHTML = TEMPLATE;
    this._ws = this._shadow.querySelector('.ws');
    this.app = {
      root: this._shadow, // render.js looks ids up here
      ready: false,
      fatal: null,
      pg: null,
      moduleId: 0,
      summary: null,
      source: { kind: 'text' },
      loadError: null,
      funcName: '',
      params: [],
      args: [],
      argErrors: [],
      state: null,
      prev: null,
      frame: null,
      frameFull: null,
      stackMore: 0,
      code: null,
      mem: newMemView(),
      v128Shape: 'i32x4',
      running: null,
      pauseRequested: false,
      slice: 100_000,
      log: [],
      logTrims: 0,
      openLines: {},
      scrollCode: false,
      wasi: { args: '', env: '', stdin: '' },
      stubImports: false,
    };
    /** The wasmscope.js Session of the loaded module (null until loaded). */
    this.session = null;
    this._module = null; // what was loaded (WAT text or bytes), for the link
    this._disasm = new Map();
    this._loads = 0;
    this._linkSeq = 0;
    this._wire();
  }

  connectedCallback() {
    this._layout();
    // Inline WAT edited (or added after the element) by the host page: load it again.
    this._observer ??= new MutationObserver(() => {
      if (!this.hasAttribute('src')) this._queueLoad();
    });
    this._observer.observe(this, { childList: true, characterData: true, subtree: true });
    if (this._disconnected) {
      this._disconnected = false; // moved within the page: the session goes on
      return;
    }
    if (!this._loadQueued && !this.session) this._queueLoad();
  }

  disconnectedCallback() {
    this._disconnected = true;
    this._observer?.disconnect();
    this.app.running = null;
    // Moved elsewhere (connected again at once), or removed: then free the session.
    queueMicrotask(() => {
      if (this.isConnected) return;
      this._disconnected = false;
      this.session?.free();
      this.session = null;
      this.app.pg = null;
    });
  }

  attributeChangedCallback(name, old, value) {
    if (old === value) return;
    if (name === 'src' || name === 'stub-imports') this._queueLoad();
    else if (name === 'function' || name === 'args') {
      if (this.session && !this._loadQueued) {
        this._select(this.getAttribute('function') ?? this.app.funcName, parseArgs(this.getAttribute('args')));
        this._refresh();
      }
    } else this._layout();
  }

  /** The panels shown (a Set of names). */
  get panels() {
    return parsePanels(this.getAttribute('panels'));
  }

  /** The last state the interpreter returned (see wasmscope.js for its shape). */
  get state() {
    return this.app.state;
  }

  _$(id) {
    return this._shadow.getElementById(id);
  }

  _layout() {
    const panels = this.panels;
    for (const el of this._shadow.querySelectorAll('[data-panel]')) el.hidden = !panels.has(el.dataset.panel);
    const side = SIDE.some((p) => panels.has(p));
    this._shadow.querySelector('.side').hidden = !side;
    this._shadow.querySelector('.main').classList.toggle('solo', !side);
    const height = this.getAttribute('height');
    if (height) this._ws.style.setProperty('--height', /^\d+(\.\d+)?$/.test(height.trim()) ? `${height.trim()}px` : height);
    else this._ws.style.removeProperty('--height');
    this._ws.setAttribute('aria-label', this.getAttribute('label') || 'WebAssembly playground');
    if (this.app.ready) this._refresh();
  }

  // ---- loading ---------------------------------------------------------------------------

  _queueLoad() {
    if (this._loadQueued) return;
    this._loadQueued = true;
    // After the current task: the parser may still be adding the element's text.
    setTimeout(() => {
      this._loadQueued = false;
      if (this.isConnected) this._load();
    });
  }

  async _load() {
    const app = this.app;
    const seq = ++this._loads;
    app.running = null;
    let input;
    const src = this.getAttribute('src');
    try {
      if (src) {
        const res = await fetch(new URL(src, document.baseURI));
        if (!res.ok) throw new Error(`${src}: HTTP ${res.status} ${res.statusText}`);
        const bytes = new Uint8Array(await res.arrayBuffer());
        const binary = bytes.length >= 4 && bytes[0] === 0 && bytes[1] === 0x61 && bytes[2] === 0x73 && bytes[3] === 0x6d;
        input = binary ? bytes : new TextDecoder().decode(bytes);
        app.source = binary ? { kind: 'binary', name: src.split(/[/?#]/).filter(Boolean).pop() ?? '', size: bytes.length } : { kind: 'text' };
      } else {
        input = inlineText(this);
        app.source = { kind: 'text' };
      }
      await ready();
    } catch (e) {
      if (seq !== this._loads) return;
      app.ready = true;
      this._module = null;
      this._fail(errorMessage(e));
      return;
    }
    if (seq !== this._loads) return; // a newer load started meanwhile
    app.ready = true;
    this._module = input; // also when it fails to load: the full page shows where
    app.stubImports = this.hasAttribute('stub-imports');
    let session;
    try {
      session = await load(input, { stubImports: app.stubImports });
    } catch (e) {
      this._fail(errorMessage(e));
      return;
    }
    if (seq !== this._loads) {
      session.free();
      return;
    }
    this.session?.free();
    this.session = session;
    app.pg = session.playground;
    app.moduleId++;
    this._disasm.clear();
    app.loadError = null;
    app.summary = session.summary;
    app.state = session.state();
    app.prev = null;
    app.frame = null;
    app.frameFull = null;
    app.mem = newMemView();
    app.log = [];
    app.openLines = {};
    this._select(this.getAttribute('function'), parseArgs(this.getAttribute('args')));
    const funcs = session.functions();
    this._log('info', `loaded ${app.source.kind === 'binary' ? app.source.name || 'binary module' : 'WAT'}: ${app.summary.size.toLocaleString('en-US')} bytes, ${funcs.length} exported function${funcs.length === 1 ? '' : 's'}${session.usesWasi() ? ', uses WASI' : ''}`);
    this._drain();
    this._message('');
    this._refresh();
    this.dispatchEvent(new CustomEvent('load', { detail: { summary: app.summary } }));
    if (this.hasAttribute('autorun')) this.run();
  }

  _fail(message) {
    const app = this.app;
    this.session?.free();
    this.session = null;
    app.pg = null;
    app.summary = null;
    app.state = null;
    app.funcName = '';
    app.params = [];
    app.args = [];
    app.loadError = message;
    app.moduleId++;
    this._log('error', `load failed: ${message}`);
    this._message(`Cannot load: ${message}`);
    this._refresh();
    this.dispatchEvent(new CustomEvent('error', { detail: { message } }));
  }

  /** Selects an export (the given name, else _start, else the first) and its arguments. */
  _select(name, args) {
    const app = this.app;
    const funcs = this.session?.functions() ?? [];
    const pick = funcs.find((f) => f.name === name) ?? funcs.find((f) => f.name === '_start') ?? funcs[0];
    app.funcName = pick?.name ?? '';
    // Another function while a call is paused: that call is abandoned (a fresh instance).
    if (this.session && app.state?.status === 'paused' && app.funcName !== app.callFunc) {
      app.running = null;
      try {
        this._setState(this.session.reset(), null);
        this._drain();
      } catch (e) {
        this._log('error', errorMessage(e));
      }
    }
    app.params = pick?.params ?? [];
    const keep = !args && app.args.length === app.params.length ? app.args : null;
    app.args = app.params.map((p, i) => args?.[i] ?? keep?.[i] ?? (p.type.endsWith('ref') ? 'null' : p.type === 'v128' ? 'i32x4:0,0,0,0' : '0'));
    app.argErrors = app.params.map(() => '');
  }

  // ---- console and messages ----------------------------------------------------------------

  _log(kind, text) {
    this.app.openLines = {};
    this._push({ kind, text, rev: 0 });
  }

  _push(entry) {
    const app = this.app;
    app.log.push(entry);
    if (app.log.length > MAX_LOG) {
      app.log.splice(0, app.log.length - Math.floor(MAX_LOG * 0.75));
      app.logTrims++;
    }
  }

  /** Program output into the Console, a line per entry (an unfinished line stays open). */
  _drain() {
    const app = this.app;
    for (const { fd, text } of this.session?.takeOutput() ?? []) {
      const kind = fd === 2 ? 'stderr' : 'stdout';
      const lines = text.split('\n');
      lines.forEach((line, i) => {
        const last = i === lines.length - 1;
        if (last && line === '') return;
        let open = app.openLines[fd];
        if (open && open.text.length + line.length > MAX_LINE) open = null;
        if (open) {
          open.text += line;
          open.rev++;
        } else {
          open = { kind, text: line, rev: 0 };
          this._push(open);
        }
        app.openLines[fd] = last ? open : null;
      });
    }
  }

  /** An error shown above the code (the Console may be hidden); '' clears it. */
  _message(text) {
    const box = this._$('message');
    box.hidden = !text;
    box.textContent = text;
  }

  // ---- rendering ---------------------------------------------------------------------------

  _refresh() {
    const app = this.app;
    const frames = app.state?.frames ?? [];
    const sel = app.frame != null ? frames[app.frame] : null;
    if (sel?.elided && app.pg && !(app.frameFull?.state === app.state && app.frameFull.index === app.frame)) {
      try {
        app.frameFull = { index: app.frame, state: app.state, frame: app.pg.frame(app.frame) };
      } catch {
        app.frameFull = null;
      }
    }
    let func = null;
    if (frames.length) func = frames[Math.min(app.frame ?? frames.length - 1, frames.length - 1)].func;
    else if (app.pg) func = app.summary?.exports.find((e) => e.kind === 'func' && e.name === app.funcName)?.index ?? null;
    app.code = app.pg && func != null ? this._disassembly(func) : null;
    readMemoryView(app);
    const panels = this.panels;
    renderPanels(app, panels);
    this._renderControls();
    this._queueLink();
  }

  _disassembly(func) {
    if (!this._disasm.has(func)) {
      let d;
      try {
        d = this.app.pg.disassembly(func);
      } catch (e) {
        const f = this.app.summary?.functions.find((x) => x.index === func);
        d = { index: func, name: f?.name ?? `func[${func}]`, error: f?.imported ? `${f.name} is imported: no code to show.` : errorMessage(e) };
      }
      this._disasm.set(func, d);
    }
    return this._disasm.get(func);
  }

  _renderControls() {
    const app = this.app;
    const select = this._$('function');
    const funcs = this.session?.functions() ?? [];
    if (select._summary !== app.summary) {
      select._summary = app.summary;
      // Through a fragment: spreading 100,000 options into one call overflows the stack.
      const frag = document.createDocumentFragment();
      for (const f of funcs.length ? funcs : [{ name: '' }]) {
        const o = document.createElement('option');
        o.value = f.name;
        o.textContent = f.name ? `${f.name}(${f.params.map((p) => p.type).join(', ')})` : app.summary ? '(no exported functions)' : '(no module)';
        frag.append(o);
      }
      select.replaceChildren(frag);
    }
    if (select.value !== app.funcName) select.value = app.funcName;
    select.disabled = funcs.length < 2 || !!app.running;

    const box = this._$('args');
    const key = `${app.moduleId}|${app.funcName}`;
    if (box._key !== key) {
      box._key = key;
      box.replaceChildren(
        ...app.params.map((p, i) => {
          const span = document.createElement('span');
          span.className = 'arg';
          const label = document.createElement('label');
          label.htmlFor = `arg-${i}`;
          label.textContent = `${p.name}: ${p.type}`;
          const input = document.createElement('input');
          Object.assign(input, { id: `arg-${i}`, type: 'text', spellcheck: false, autocomplete: 'off' });
          if (p.type === 'v128') input.className = 'v128';
          input.dataset.index = i;
          span.append(label, input);
          return span;
        }),
      );
    }
    app.params.forEach((p, i) => {
      const input = this._$(`arg-${i}`);
      if (!input) return;
      if (this._shadow.activeElement !== input && input.value !== app.args[i]) input.value = app.args[i] ?? '';
      input.disabled = !!app.running;
      input.setAttribute('aria-invalid', app.argErrors[i] ? 'true' : 'false');
    });

    const s = app.state;
    const loaded = !!app.pg && !!app.funcName;
    const idle = !app.running;
    const paused = s?.status === 'paused';
    const set = (id, on) => {
      this._$(id).disabled = !on;
    };
    set('run', loaded && idle);
    set('continue', loaded && idle);
    set('step-into', loaded && idle);
    set('step-over', loaded && idle);
    set('step-out', !!app.pg && idle && paused);
    set('step-back', !!app.pg && idle && (s?.history ?? 0) > 0);
    set('pause', !!app.running);
    set('reset', !!app.pg && idle);
  }

  // ---- "Open in playground": a permalink to the full page, kept up to date -------------------

  _queueLink() {
    clearTimeout(this._linkTimer);
    this._linkTimer = setTimeout(() => this._updateLink(), 60);
  }

  async _updateLink() {
    const a = this._$('open');
    const playground = this.getAttribute('playground');
    if (playground === 'none' || this._module == null) {
      a.removeAttribute('href');
      a.hidden = true;
      return;
    }
    const seq = ++this._linkSeq;
    const s = this.app.state;
    let res;
    try {
      res = await makeLink(new URL(playground || DEFAULT_PLAYGROUND, document.baseURI), {
        module: this._module,
        name: this.app.source.name,
        func: this.app.funcName || this.getAttribute('function') || '',
        args: this.app.pg ? this.app.args : (parseArgs(this.getAttribute('args')) ?? []),
        breakpoints: s?.breakpoints ?? [],
        at: s?.status === 'paused' ? s.executed : 0,
        stubImports: this.app.stubImports,
      });
    } catch (e) {
      res = { error: errorMessage(e) };
    }
    if (seq !== this._linkSeq) return;
    a.hidden = !res.url;
    if (res.url) {
      a.href = res.url;
      a.title = 'Open this module, its function, arguments, breakpoints and position in the full playground';
      a.removeAttribute('aria-disabled');
    } else {
      a.removeAttribute('href');
      a.title = res.error;
      a.setAttribute('aria-disabled', 'true');
    }
  }

  // ---- commands --------------------------------------------------------------------------------

  /** Starts the selected function unless a call is in progress (a fresh instance first). */
  _ensureStarted() {
    const app = this.app;
    if (app.state?.status === 'paused') return true;
    const args = app.args.map((a) => a.trim());
    const prev = app.state;
    try {
      if (app.state && app.state.status !== 'ready') {
        this.session.reset();
        this._drain();
      }
      this._setState(this.session.start(app.funcName, args), prev);
    } catch (e) {
      const m = /^argument (\d+):/.exec(errorMessage(e));
      if (m) app.argErrors[Number(m[1]) - 1] = errorMessage(e);
      this._log('error', errorMessage(e));
      this._message(errorMessage(e));
      return false;
    }
    app.argErrors = app.params.map(() => '');
    this._message('');
    app.callLabel = `${app.funcName}(${args.join(', ')})`;
    app.callFunc = app.funcName;
    this._log('cmd', `▶ ${app.callLabel}`);
    return true;
  }

  _setState(state, prev = this.app.state) {
    const app = this.app;
    app.prev = prev;
    app.state = state;
    app.frame = null;
    app.frameFull = null;
    app.scrollCode = true;
  }

  _command(fn) {
    const app = this.app;
    if (!app.pg || app.running) return;
    try {
      this._setState(fn(), app.state);
      this._drain();
      this._report(app.state);
      this._message('');
    } catch (e) {
      this._drain();
      this._log('error', errorMessage(e));
      this._message(errorMessage(e));
    }
    this._refresh();
  }

  _report(s, extra = '') {
    const top = s.frames[s.frames.length - 1];
    const label = this.app.callLabel ?? this.app.funcName;
    if (s.notRewound?.length) this._log('info', `stepped back; not undone (outside the program): ${s.notRewound.join('; ')}`);
    switch (s.stop.kind) {
      case 'exited':
        this._log('exit', `${label} exited with code ${s.stop.exitCode}${extra}`);
        break;
      case 'finished':
        this._log('result', `${label} → ${(s.stop.results ?? []).map(typed).join(', ') || '(no results)'}${extra}`);
        break;
      case 'trapped':
        this._log('trap', `trap: ${s.stop.trap}${s.stop.trapOffset != null ? ` at ${hex(s.stop.trapOffset)}` : ''}${top ? ` in ${top.funcName}` : ''}${extra}`);
        break;
      case 'breakpoint':
        this._log('info', `breakpoint ${s.stop.breakpoint} hit at ${top ? positionText(top) : '?'}${extra}`);
        break;
      case 'watchpoint': {
        const w = s.stop.watch;
        const bytes = (a) => Array.from(a, (b) => b.toString(16).padStart(2, '0')).join(' ');
        const where = this.app.mem.list.length > 1 ? ` of memory ${w.memory}` : '';
        this._log('info', `watchpoint ${w.watchpoint}: ${w.width}-byte write at ${hex(w.addr, 1)}${where}: ${bytes(w.old)} → ${bytes(w.new)}${extra}`);
        showAddress(this.app, w.addr, w.addr + Math.max(1, w.width) - 1, w.memory ?? 0);
        break;
      }
      case 'history-start':
        this._log('info', 'reached the oldest recorded step');
        break;
      case 'budget':
        this._log('info', `paused at ${top ? positionText(top) : '?'}${extra}`);
        break;
      default:
    }
  }

  /** A long command in slices of about SLICE_MS, yielding to the page between them. */
  _sliced(label, first, next) {
    const app = this.app;
    if (!app.pg || app.running) return;
    const run = { label, t0: performance.now(), executed0: app.state?.executed ?? 0 };
    const prev = app.state;
    app.running = run;
    app.pauseRequested = false;
    let started = false;
    let painted = 0;
    const finish = (s) => {
      app.running = null;
      app.pauseRequested = false;
      this._setState(s, prev);
      this._drain();
      const n = Math.max(0, s.executed - run.executed0);
      this._report(s, ` (${n.toLocaleString('en-US')} instruction${n === 1 ? '' : 's'})`);
      this._refresh();
    };
    const tick = () => {
      if (app.running !== run) return;
      if (started && app.pauseRequested) return finish(app.state);
      const t = performance.now();
      let s;
      try {
        s = (started ? next : first)(app.slice);
      } catch (e) {
        app.running = null;
        this._drain();
        this._log('error', errorMessage(e));
        this._message(errorMessage(e));
        this._refresh();
        return;
      }
      started = true;
      const dt = performance.now() - t;
      const factor = dt > 0.5 ? SLICE_MS / dt : 4;
      app.slice = Math.round(Math.min(50_000_000, Math.max(1000, app.slice * Math.min(4, Math.max(0.25, factor)))));
      app.state = s;
      if (s.stop.kind !== 'budget') return finish(s);
      this._drain();
      if (!painted) this._refresh();
      else if (t - painted > 50) renderLive(app);
      if (!painted || t - painted > 50) painted = t;
      schedule(tick);
    };
    tick();
  }

  /** Runs the selected function to its end at full speed (breakpoints ignored). */
  run() {
    const app = this.app;
    if (!app.pg || app.running || !app.funcName) return;
    if (!this._ensureStarted()) return this._refresh();
    this._sliced('Run', (b) => app.pg.run(b), (b) => app.pg.run(b));
  }

  /** Continue to the next breakpoint (starting the call if none is in progress). */
  continue() {
    const app = this.app;
    if (!app.pg || app.running || !app.funcName) return;
    if (!this._ensureStarted()) return this._refresh();
    this._sliced('Continue', (b) => app.pg.resume(b), (b) => app.pg.proceed(b));
  }

  pause() {
    if (this.app.running) this.app.pauseRequested = true;
  }

  /** Step into (the first one starts the call, before its first instruction). */
  stepInto() {
    const app = this.app;
    if (!app.pg || app.running || !app.funcName) return;
    if (app.state?.status !== 'paused') {
      this._ensureStarted();
      return this._refresh();
    }
    this._command(() => this.session.stepInto());
  }

  stepOver() {
    const app = this.app;
    if (!app.pg || app.running || !app.funcName) return;
    if (!this._ensureStarted()) return this._refresh();
    this._sliced('Step over', (b) => app.pg.stepOver(b), (b) => app.pg.proceed(b));
  }

  stepOut() {
    const app = this.app;
    if (!app.pg || app.running || app.state?.status !== 'paused') return;
    this._sliced('Step out', (b) => app.pg.stepOut(b), (b) => app.pg.proceed(b));
  }

  stepBack() {
    if (!this.app.state?.history) return;
    this._command(() => this.session.stepBack());
  }

  reset() {
    const app = this.app;
    if (!app.pg || app.running) return;
    this._command(() => this.session.reset());
    app.prev = null;
    this._log('info', 'reset: a fresh instance (breakpoints kept)');
    this._refresh();
  }

  _toggleBreakpoint(func, offset) {
    const app = this.app;
    if (!app.pg) return;
    try {
      const b = app.state?.breakpoints.find((x) => x.func === func && x.offset === offset);
      if (b) app.pg.removeBreakpoint(b.id);
      else app.pg.addBreakpoint(func, offset);
      app.state = app.pg.state();
    } catch (e) {
      this._log('error', errorMessage(e));
    }
    this._refresh();
  }

  // ---- events ------------------------------------------------------------------------------------

  _wire() {
    const app = this.app;
    // GC references expand into their fields here too (no Heap panel in the element).
    wireHeap(app, { refresh: () => this._refresh(), root: this._shadow });
    const on = (id, type, fn) => this._$(id).addEventListener(type, fn);
    const click = (id, fn) => on(id, 'click', () => fn());
    click('run', () => this.run());
    click('continue', () => this.continue());
    click('pause', () => this.pause());
    click('step-into', () => this.stepInto());
    click('step-over', () => this.stepOver());
    click('step-out', () => this.stepOut());
    click('step-back', () => this.stepBack());
    click('reset', () => this.reset());
    click('console-clear', () => {
      app.log = [];
      this._refresh();
    });
    on('open', 'click', (e) => {
      if (!this._$('open').hasAttribute('href')) e.preventDefault();
    });
    on('function', 'change', (e) => {
      this._select(e.target.value);
      this._refresh();
    });
    on('args', 'input', (e) => {
      const i = Number(e.target.dataset.index);
      if (Number.isNaN(i)) return;
      app.args[i] = e.target.value;
      app.argErrors[i] = '';
      this._queueLink();
    });
    on('args', 'keydown', (e) => {
      if (e.key === 'Enter') {
        e.preventDefault();
        this.run();
      }
    });
    on('disassembly', 'click', (e) => {
      const b = e.target.closest('button.gutter');
      if (b) this._toggleBreakpoint(Number(b.dataset.func), Number(b.dataset.offset));
    });
    on('call-stack', 'click', (e) => {
      const more = e.target.closest('button.more');
      if (more) {
        app.stackMore += Number(more.dataset.more);
        return this._refresh();
      }
      const b = e.target.closest('button.frame');
      if (!b) return;
      app.frame = Number(b.dataset.frame);
      app.scrollCode = true;
      this._refresh();
    });
    const $ = (id) => this._$(id);
    const refresh = () => this._refresh();
    wireMemory(app, $, { refresh, log: (kind, text) => this._log(kind, text) });
    wireLanes(app, $, ['lanes-stack', 'lanes-locals', 'lanes-globals'], refresh);
    // Shortcuts: only while focus is inside this element (keydown reaches .ws from there).
    this._ws.addEventListener('keydown', (e) => {
      const keys = {
        F8: () => (app.running ? this.pause() : this.continue()),
        F10: () => (e.shiftKey ? this.stepBack() : this.stepOver()),
        F11: () => (e.shiftKey ? this.stepOut() : this.stepInto()),
      };
      const fn = keys[e.key];
      if (!fn) return;
      e.preventDefault();
      e.stopPropagation();
      if (app.pg) fn();
    });
  }
}

if (!customElements.get('wasm-playground')) customElements.define('wasm-playground', WasmPlayground);
