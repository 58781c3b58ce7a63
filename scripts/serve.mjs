#!/usr/bin/env node
// A tiny dependency-free static file server for the wasmscope playground.
//
//   node scripts/serve.mjs [DIR]          # serves DIR (default: www) on 127.0.0.1:$PORT
//   PORT=0 node scripts/serve.mjs www     # any free port; the URL line tells which
//
// It binds 127.0.0.1 only, serves files with the right MIME types (application/wasm for
// .wasm, text/javascript for .js/.mjs, ...), maps a directory to its index.html, and
// refuses anything outside DIR. The first line it prints is always
//   wasmscope playground: http://127.0.0.1:PORT/
// (scripts read the port from it). Stops cleanly on SIGINT/SIGTERM.
import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import process from 'node:process';

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.wat': 'text/plain; charset=utf-8',
  '.wast': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
};

const root = resolve(process.argv[2] ?? 'www');
const host = '127.0.0.1';
const port = Number.parseInt(process.env.PORT ?? '8080', 10);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`serve.mjs: invalid PORT ${JSON.stringify(process.env.PORT)}`);
  process.exit(2);
}

try {
  if (!(await stat(root)).isDirectory()) throw new Error('not a directory');
} catch (e) {
  console.error(`serve.mjs: cannot serve ${root}: ${e.message}`);
  process.exit(1);
}

const quiet = process.env.SERVE_QUIET === '1';

function send(res, status, text, headers = {}) {
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

// Resolve a URL path to a file under root, or null when it would leave root.
function toFile(urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const file = resolve(join(root, decoded));
  if (file !== root && !file.startsWith(root + sep)) return null;
  return file;
}

const server = createServer(async (req, res) => {
  const log = (status) => {
    if (!quiet) console.log(`${status} ${req.method} ${req.url}`);
  };
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    log(405);
    return send(res, 405, 'method not allowed\n', { allow: 'GET, HEAD' });
  }
  let pathname;
  try {
    pathname = new URL(req.url, `http://${host}`).pathname;
  } catch {
    log(400);
    return send(res, 400, 'bad request\n');
  }
  let file = toFile(pathname);
  if (file === null) {
    log(403);
    return send(res, 403, 'forbidden\n');
  }
  try {
    let info = await stat(file);
    if (info.isDirectory()) {
      if (!pathname.endsWith('/')) {
        // Relative URLs in the page resolve against the directory, so redirect /dir to /dir/.
        const url = new URL(req.url, `http://${host}`);
        log(301);
        return send(res, 301, 'moved\n', { location: `${url.pathname}/${url.search}` });
      }
      file = join(file, 'index.html');
      info = await stat(file);
    }
    if (!info.isFile()) throw Object.assign(new Error('not a file'), { code: 'ENOENT' });
    const type = MIME[extname(file).toLowerCase()] ?? 'application/octet-stream';
    res.writeHead(200, {
      'content-type': type,
      'content-length': info.size,
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
    });
    log(200);
    if (req.method === 'HEAD') return res.end();
    createReadStream(file)
      .on('error', () => res.destroy())
      .pipe(res);
  } catch (e) {
    if (e.code === 'ENOENT' || e.code === 'ENOTDIR') {
      log(404);
      return send(res, 404, 'not found\n');
    }
    log(500);
    return send(res, 500, 'internal error\n');
  }
});

server.on('error', (e) => {
  const hint = e.code === 'EADDRINUSE' ? ` (port ${port} is in use: set PORT to another port, or PORT=0 for any free one)` : '';
  console.error(`serve.mjs: ${e.message}${hint}`);
  process.exit(1);
});

server.listen(port, host, () => {
  const actual = server.address().port;
  console.log(`wasmscope playground: http://${host}:${actual}/`);
  if (!quiet) console.log(`serving ${root} (Ctrl-C to stop)`);
});

// Under `npm start` or scripts/test.sh, stop when orphaned (killing npm does not pass the
// signal on to us; a killed test script cannot stop us).
if (process.env.SERVE_EXIT_WITH_PARENT === '1') {
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) process.kill(process.pid, 'SIGTERM');
  }, 500).unref();
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections?.();
    setTimeout(() => process.exit(0), 1000).unref();
  });
}
