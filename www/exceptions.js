// Pause on exceptions, as DevTools has: the two checkboxes ("Pause on uncaught exceptions",
// "Pause on caught exceptions"), kept in localStorage, given to each Playground before a call
// starts (and at once when changed during a call); and the texts of an `exception` stop.
// The interpreter decides everything (Playground.setPauseOnExceptions, stop.exception,
// frame.unwinding); this only shows it.

const STORAGE_KEY = 'wasmscope.pauseOnExceptions';
const hex = (n) => '0x' + n.toString(16).padStart(4, '0');

/** Restores the checkboxes and wires them; `changed()` is called after each change. */
export function wireExceptionPause(app, $, changed) {
  let saved = null;
  try {
    saved = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null');
  } catch {
    // no storage, or not ours
  }
  $('pause-uncaught').checked = saved?.uncaught === true;
  $('pause-caught').checked = saved?.caught === true;
  for (const id of ['pause-uncaught', 'pause-caught']) {
    $(id).addEventListener('change', () => {
      try {
        localStorage.setItem(STORAGE_KEY, JSON.stringify(exceptionPause($)));
      } catch {
        // no storage: the setting lasts for this page
      }
      applyExceptionPause(app, $);
      changed?.();
    });
  }
}

/** What the checkboxes say. */
export function exceptionPause($) {
  return { uncaught: $('pause-uncaught').checked, caught: $('pause-caught').checked };
}

/** Gives the current Playground the checkboxes' setting. */
export function applyExceptionPause(app, $) {
  if (!app.pg) return;
  const p = exceptionPause($);
  app.pg.setPauseOnExceptions(p.uncaught, p.caught);
}

/** `$e (i32 42)`: the tag and its payload. */
export function exceptionText(e) {
  const payload = e.payload.map((v) => `${v.type} ${v.value}`).join(', ');
  return payload ? `${e.tagName} (${payload})` : e.tagName;
}

/** `caught by $f at 0x002a` (or `... returns`), or `uncaught`. */
export function handlerText(e) {
  const h = e.handler;
  if (!h) return 'uncaught';
  return h.returns ? `caught by ${h.funcName} (${h.clause}), which returns` : `caught by ${h.funcName} at ${hex(h.offset)}`;
}

/** The status line while paused on a throw. */
export function exceptionStatus(stop) {
  const e = stop.exception;
  return `paused on exception ${exceptionText(e)}: ${handlerText(e)}`;
}

/** The mark of a frame in the Call stack while paused on a throw ('' otherwise). */
export function unwindingText(frame, stop) {
  if (frame.unwinding === 'unwound') return 'unwound';
  if (frame.unwinding === 'catches') {
    const h = stop?.exception?.handler;
    return h ? `catches: ${h.clause} → ${h.returns ? 'returns' : hex(h.offset)}` : 'catches';
  }
  return '';
}
