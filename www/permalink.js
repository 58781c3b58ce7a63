// Permalinks without a server: a module (WAT text or a binary) and what was chosen for it
// (function, arguments, breakpoints, position, WASI settings) in a URL fragment,
// compressed with the browser's CompressionStream('deflate-raw') and base64url-encoded:
//
//   index.html#m=<base64url(deflate-raw(payload))>
//
// payload: a version byte (1), the header's length (u32, little-endian), the header (JSON,
// UTF-8), then the module's bytes (the WAT text as UTF-8, or the binary). The header:
//   { k: 'wat' | 'wasm', n?: file name, f?: function, a?: [argument strings],
//     b?: [[func, offset, hitCount?], ...] breakpoints, at?: instructions executed in the
//     call (the page starts the call and runs that many), s?: 1 (stub missing imports),
//     w?: { args, env, stdin } (WASI settings as typed) }
// Used by the full page (main.js) and the <wasm-playground> element's "Open in playground".

export const PREFIX = 'm=';
/** The longest link made: longer ones are refused (browsers and chat apps cut them). */
export const MAX_LINK = 64 * 1024;
/** The most a link may inflate to (a guard against a crafted link). */
const MAX_PAYLOAD = 32 * 1024 * 1024;
const VERSION = 1;

function base64url(bytes) {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function unbase64url(text) {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

async function pipe(bytes, transform, limit = Infinity) {
  const reader = new Blob([bytes]).stream().pipeThrough(transform).getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      await reader.cancel();
      throw new Error('the link inflates to more than 32 MiB');
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * The fragment (without '#') for a module and its settings.
 * @param {{module: string | Uint8Array, name?: string, func?: string, args?: string[],
 *   breakpoints?: Array<{func: number, offset: number, hitCount?: number|null}>, at?: number,
 *   stubImports?: boolean, wasi?: {args: string, env: string, stdin: string}}} link
 * @returns {Promise<string>}
 */
export async function encodeLink(link) {
  const text = typeof link.module === 'string';
  const header = { k: text ? 'wat' : 'wasm' };
  if (link.name) header.n = link.name;
  if (link.func) header.f = link.func;
  if (link.args?.length) header.a = link.args;
  if (link.breakpoints?.length) header.b = link.breakpoints.map((b) => (b.hitCount ? [b.func, b.offset, b.hitCount] : [b.func, b.offset]));
  if (link.at) header.at = link.at;
  if (link.stubImports) header.s = 1;
  const w = link.wasi;
  if (w && (w.args || w.env || w.stdin)) header.w = { args: w.args || '', env: w.env || '', stdin: w.stdin || '' };
  const head = new TextEncoder().encode(JSON.stringify(header));
  const body = text ? new TextEncoder().encode(link.module) : link.module;
  const payload = new Uint8Array(5 + head.length + body.length);
  payload[0] = VERSION;
  new DataView(payload.buffer).setUint32(1, head.length, true);
  payload.set(head, 5);
  payload.set(body, 5 + head.length);
  return PREFIX + base64url(await pipe(payload, new CompressionStream('deflate-raw')));
}

/** Does this fragment (with or without '#') hold a link? */
export function isLink(hash) {
  return hash.replace(/^#/, '').startsWith(PREFIX);
}

/**
 * Reads a fragment made by encodeLink: `{ module (string | Uint8Array), name, func, args,
 * breakpoints, at, stubImports, wasi }`. Throws on a damaged link.
 */
export async function decodeLink(hash) {
  const data = hash.replace(/^#/, '');
  if (!data.startsWith(PREFIX)) throw new Error('not a wasmscope link');
  let payload;
  try {
    payload = await pipe(unbase64url(decodeURIComponent(data.slice(PREFIX.length))), new DecompressionStream('deflate-raw'), MAX_PAYLOAD);
  } catch (e) {
    throw new Error(`the link is damaged (${e.message || e})`);
  }
  if (payload[0] !== VERSION || payload.length < 5) throw new Error('the link is from another version of wasmscope');
  const len = new DataView(payload.buffer).getUint32(1, true);
  const header = JSON.parse(new TextDecoder().decode(payload.subarray(5, 5 + len)));
  const body = payload.subarray(5 + len);
  const str = (v) => (typeof v === 'string' ? v : '');
  return {
    module: header.k === 'wat' ? new TextDecoder().decode(body) : body,
    name: str(header.n),
    func: str(header.f),
    args: Array.isArray(header.a) ? header.a.map(String) : [],
    breakpoints: Array.isArray(header.b)
      ? header.b.filter(Array.isArray).map(([func, offset, hitCount]) => ({ func: Number(func), offset: Number(offset), hitCount: hitCount ? Number(hitCount) : null }))
      : [],
    at: Number(header.at) || 0,
    stubImports: !!header.s,
    wasi: header.w ? { args: str(header.w.args), env: str(header.w.env), stdin: str(header.w.stdin) } : null,
  };
}

/**
 * The full link: `base` (the playground page's URL) with the fragment, or an error message
 * when it would be longer than MAX_LINK.
 * @returns {Promise<{url: string} | {error: string}>}
 */
export async function makeLink(base, link) {
  const url = new URL(base);
  url.hash = await encodeLink(link);
  const href = url.href;
  if (href.length > MAX_LINK) {
    const kb = (n) => `${Math.ceil(n / 1024).toLocaleString('en-US')} KB`;
    return { error: `This module is too large for a link: it would be ${kb(href.length)} long (the limit is ${kb(MAX_LINK)}). Share the file instead.` };
  }
  return { url: href };
}
