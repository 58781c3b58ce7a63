// The Files panel: the page's in-memory file system (one `Files` tree from the interpreter,
// pkg/wasmscope.js, kept across runs, resets and module loads until "Reset files"), what a
// WASI program is given of it (preopened folders), and the user's ways in and out: add files
// or folders (picker or drop), open a text file, download a file or the whole tree (zip).
//
//   const panel = filesPanel(files, { log, busy });
//   panel.beforeCall();  // when a call starts: what changes from here on is highlighted
//   panel.refresh();     // after a command stops: the table shows what the program did
import { h } from './render.js';

const $ = (id) => document.getElementById(id);
const VIEW_LIMIT = 1024 * 1024; // text shown in the viewer at most (the rest: download it)

/** `512 bytes`, `4.0 KiB`, `1.5 MiB`, `1.0 GiB`. */
export function sizeText(n) {
  if (n < 1024) return `${n} byte${n === 1 ? '' : 's'}`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 * 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
  return `${(n / (1024 * 1024 * 1024)).toFixed(1)} GiB`;
}

function timeText(ms) {
  const d = new Date(ms);
  const pad = (n) => String(n).padStart(2, '0');
  const today = new Date().toDateString() === d.toDateString();
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return today ? time : `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time}`;
}

const baseName = (path) => path.slice(path.lastIndexOf('/') + 1);

/** `/a` + `b/c` → `/a/b/c`. */
function join(dir, rel) {
  const d = dir.trim().replace(/\/+$/, '');
  const base = d === '' || d.startsWith('/') ? d : '/' + d;
  return `${base}/${rel.replace(/^\/+/, '')}`;
}

/** Saves bytes as a download named `name`. */
function download(name, bytes, type = 'application/octet-stream') {
  const url = URL.createObjectURL(new Blob([bytes], { type }));
  const a = h('a', { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * The text of `bytes`, or null when they are not UTF-8 text (invalid, or NUL bytes);
 * `cut`: the file goes on (a character split at the end is not an error).
 */
function asText(bytes, cut = false) {
  if (bytes.includes(0)) return null;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: cut });
  } catch {
    return null;
  }
}

/**
 * Every file under the dropped items: { files: [[relative path, File]], dirs: [path] }
 * (folders read recursively through their entries; an item without one is a plain file).
 */
export async function droppedFiles(items) {
  // Entries and files must be taken while the drop event is being handled.
  const taken = [...items]
    .filter((i) => i.kind === 'file')
    .map((i) => ({ entry: i.webkitGetAsEntry?.() ?? null, file: i.getAsFile() }));
  const out = [];
  const dirs = [];
  const walk = async (entry, prefix) => {
    const path = prefix + entry.name;
    if (entry.isFile) {
      out.push([path, await new Promise((res, rej) => entry.file(res, rej))]);
    } else if (entry.isDirectory) {
      dirs.push(path);
      const reader = entry.createReader();
      for (;;) {
        const batch = await new Promise((res, rej) => reader.readEntries(res, rej));
        if (!batch.length) break;
        for (const e of batch) await walk(e, path + '/');
      }
    }
  };
  for (const { entry, file } of taken) {
    if (entry) await walk(entry, '');
    else if (file) out.push([file.name, file]);
  }
  return { files: out, dirs };
}

/**
 * Wires the Files panel (www/index.html's #files) to `files`, a `Files` tree.
 * `log(kind, text)` writes to the Console.
 */
export function filesPanel(files, { log }) {
  let baseline = new Map(); // path -> "size mtime" when the last call started
  let entries = [];
  let preopens = files.preopens().map((p) => ({ ...p }));
  let viewing = null; // the path in the viewer
  let baselineVersion = 0; // bumps when `baseline` changes (the table shows changes against it)
  let shownKey = null; // what the table shows (it is rebuilt only when that changes)

  const message = (text) => {
    $('files-message').textContent = text;
  };
  const snapshot = () => {
    baselineVersion++;
    return new Map(files.list().map((e) => [e.path, `${e.size} ${e.mtime}`]));
  };
  /**
   * The user changed `paths`: they and the folders above them are not marked as the
   * program's changes (what the program changed stays marked).
   */
  const accept = (paths) => {
    const touched = new Set();
    for (const p of paths) {
      // `/a/b/c`, `/a/b`, `/a`
      for (let q = p; q.length > 1; q = q.slice(0, q.lastIndexOf('/')) || '/') touched.add(q);
    }
    for (const e of files.list()) if (touched.has(e.path)) baseline.set(e.path, `${e.size} ${e.mtime}`);
    baselineVersion++;
  };

  /** Writes [[path, bytes-or-File]]; reports each failure; returns how many were added. */
  async function add(list, dirs = []) {
    message('');
    const target = $('files-target').value.trim() || '/';
    let added = 0;
    const errors = [];
    const paths = [];
    for (const d of dirs) {
      try {
        paths.push(join(target, d));
        files.mkdir(join(target, d));
      } catch (e) {
        errors.push(e.message);
      }
    }
    for (const [rel, file] of list) {
      const path = join(target, rel);
      try {
        // Refused before the file is read into memory when it cannot fit anyway.
        const usage = files.usage();
        const size = file instanceof Uint8Array ? file.length : file.size;
        if (size > usage.limit - usage.used) {
          throw new Error(`\`${path}\` (${sizeText(size)}) does not fit: the file system's limit is ${sizeText(usage.limit)}, ${sizeText(usage.used)} is used`);
        }
        const bytes = file instanceof Uint8Array ? file : new Uint8Array(await file.arrayBuffer());
        files.write(path, bytes);
        paths.push(path);
        added++;
      } catch (e) {
        errors.push(e.message ?? String(e));
      }
    }
    if (added) log('info', `files: added ${added} file${added === 1 ? '' : 's'} to ${target}`);
    if (errors.length) {
      message(errors.length === 1 ? errors[0] : `${errors.length} files not added; the first: ${errors[0]}`);
      for (const e of errors) log('error', `files: ${e}`);
    }
    accept(paths); // the user's additions are not the program's changes
    refresh();
    return added;
  }

  function open(path) {
    let bytes;
    let size;
    try {
      bytes = files.read(path, VIEW_LIMIT);
      size = entries.find((e) => e.path === path)?.size ?? bytes.length;
    } catch (e) {
      message(e.message);
      return;
    }
    viewing = path;
    $('file-view-title').textContent = path;
    const text = asText(bytes, size > bytes.length);
    const pre = $('file-view-text');
    if (text === null) {
      pre.hidden = true;
      pre.textContent = '';
      $('file-view-note').textContent = `Binary file (${sizeText(size)}): it is not shown as text. Download it to look inside.`;
    } else {
      pre.hidden = false;
      pre.textContent = text;
      $('file-view-note').textContent =
        size > bytes.length
          ? `The first ${sizeText(bytes.length)} of ${sizeText(size)} (read-only); download it for the rest.`
          : `${sizeText(size)}, read-only.`;
    }
    const dialog = $('file-view');
    if (!dialog.open) dialog.showModal();
  }

  function save(path) {
    try {
      download(baseName(path), files.read(path));
    } catch (e) {
      message(e.message);
    }
  }

  function remove(path) {
    message('');
    try {
      files.remove(path);
      log('info', `files: removed ${path}`);
    } catch (e) {
      message(e.message);
    }
    accept([path]);
    refresh();
  }

  async function zipAll() {
    message('');
    const { zip } = await import('./vendor/fflate.js');
    const tree = {};
    for (const e of files.list()) {
      const rel = e.path.slice(1);
      // Zip's times go from 1980 to 2099; a file outside them gets the time of the download.
      const year = new Date(e.mtime).getUTCFullYear();
      const opts = year > 1980 && year < 2099 ? { mtime: new Date(e.mtime) } : {};
      if (e.kind === 'dir') tree[rel + '/'] = [new Uint8Array(0), opts];
      else if (e.kind === 'file') tree[rel] = [files.read(e.path), opts];
    }
    // Compressed in fflate's workers: the page goes on answering.
    $('files-zip').disabled = true;
    try {
      const bytes = await new Promise((res, rej) => zip(tree, { level: 6 }, (e, out) => (e ? rej(e) : res(out))));
      download('files.zip', bytes, 'application/zip');
    } finally {
      $('files-zip').disabled = false;
    }
  }

  function setPreopens() {
    const error = $('preopens-error');
    try {
      files.setPreopens(
        preopens.map((p) => p.folder),
        preopens.map((p) => p.guest),
      );
      error.textContent = '';
    } catch (e) {
      error.textContent = e.message;
    }
    renderSummary();
  }

  function renderPreopens() {
    const rows = preopens.map((p, i) =>
      h(
        'li',
        {},
        h('input', {
          type: 'text',
          class: 'code',
          value: p.folder,
          spellcheck: 'false',
          'aria-label': `Folder in the tree, preopen ${i + 1}`,
          oninput: (e) => {
            p.folder = e.target.value;
            setPreopens();
          },
        }),
        h('span', { 'aria-hidden': 'true' }, '→'),
        h('input', {
          type: 'text',
          class: 'code',
          value: p.guest,
          spellcheck: 'false',
          'aria-label': `Guest path, preopen ${i + 1}`,
          oninput: (e) => {
            p.guest = e.target.value;
            setPreopens();
          },
        }),
        h(
          'button',
          {
            type: 'button',
            class: 'small',
            'aria-label': `Remove preopen ${i + 1}`,
            title: 'Remove this preopen',
            onclick: () => {
              preopens.splice(i, 1);
              setPreopens();
              renderPreopens();
            },
          },
          '✕',
        ),
      ),
    );
    $('preopens').replaceChildren(...rows);
  }

  function renderSummary() {
    const count = entries.filter((e) => e.kind === 'file').length;
    const usage = files.usage();
    $('files-usage').textContent = `${sizeText(usage.used)} of ${sizeText(usage.limit)} used`;
    const pre = preopens.map((p) => (p.folder === p.guest ? p.guest : `${p.folder} as ${p.guest}`)).join(', ');
    $('files-summary').textContent = `${count} file${count === 1 ? '' : 's'}${pre ? ` · preopened: ${pre}` : ' · nothing preopened'}`;
  }

  function renderTable() {
    const box = $('files-table');
    const key = `${baselineVersion}\n${entries.map((e) => `${e.path} ${e.size} ${e.mtime}`).join('\n')}`;
    if (key === shownKey) return;
    shownKey = key;
    if (!entries.length) {
      box.replaceChildren(h('p', { class: 'empty' }, 'No files yet: add some, or run a program that writes them.'));
      return;
    }
    const rows = entries.map((e) => {
      const depth = e.path.split('/').length - 2;
      const was = baseline.get(e.path);
      const now = `${e.size} ${e.mtime}`;
      const change = was === undefined ? 'new' : was !== now ? 'changed' : '';
      const name = baseName(e.path) + (e.kind === 'dir' ? '/' : '');
      const isFile = e.kind === 'file';
      const act = (label, title, fn) => h('button', { type: 'button', class: 'small', 'aria-label': `${label} ${e.path}`, title, onclick: fn }, label);
      return h(
        'tr',
        { class: change ? `is-${change}` : null, dataset: { path: e.path } },
        h(
          'th',
          { scope: 'row', title: e.path + (e.target ? ` → ${e.target}` : '') },
          h('span', { class: 'fname', style: `padding-left: ${depth * 1.5}ch` }, name),
          e.target ? h('span', { class: 'sub' }, ` → ${e.target}`) : null,
          change ? h('span', { class: 'badge' }, change) : null,
        ),
        h('td', { class: 'num' }, e.kind === 'dir' ? '' : sizeText(e.size)),
        h('td', { class: 'time' }, timeText(e.mtime)),
        h(
          'td',
          { class: 'acts' },
          isFile ? act('Open', 'Show its text (read-only)', () => open(e.path)) : null,
          isFile ? act('Download', 'Save it', () => save(e.path)) : null,
          act('Delete', e.kind === 'dir' ? 'Remove it with everything in it' : 'Remove it', () => remove(e.path)),
        ),
      );
    });
    const table = h(
      'table',
      { class: 'file-list' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Name'), h('th', { scope: 'col' }, 'Size'), h('th', { scope: 'col' }, 'Modified'), h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
      h('tbody', {}, rows),
    );
    const top = box.scrollTop;
    box.replaceChildren(table);
    box.scrollTop = top;
  }

  /** Reads the tree again and redraws (the table only while the panel is open). */
  function refresh() {
    entries = files.list();
    renderSummary();
    if ($('files').open) renderTable();
    if (viewing && $('file-view').open && !entries.some((e) => e.path === viewing)) $('file-view').close();
  }

  // ---- wiring ----
  $('files-add').addEventListener('click', () => $('files-pick').click());
  $('files-add-folder').addEventListener('click', () => $('files-pick-folder').click());
  $('files-pick').addEventListener('change', async (e) => {
    const picked = [...e.target.files].map((f) => [f.name, f]);
    e.target.value = '';
    await add(picked);
  });
  $('files-pick-folder').addEventListener('change', async (e) => {
    const picked = [...e.target.files].map((f) => [f.webkitRelativePath || f.name, f]);
    e.target.value = '';
    await add(picked);
  });
  const zone = $('files-drop');
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', async (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    const items = e.dataTransfer?.items;
    if (items?.length) {
      const { files: list, dirs } = await droppedFiles(items);
      await add(list, dirs);
    } else {
      await add([...(e.dataTransfer?.files ?? [])].map((f) => [f.name, f]));
    }
  });
  $('files-zip').addEventListener('click', () => zipAll().catch((e) => message(`zip: ${e.message ?? e}`)));
  $('files-reset').addEventListener('click', () => {
    message('');
    try {
      files.reset();
      log('info', 'files: reset (the tree is empty; preopened folders are made again at the next call)');
    } catch (e) {
      message(e.message);
    }
    baseline = new Map();
    baselineVersion++;
    refresh();
  });
  $('preopen-add').addEventListener('click', () => {
    preopens.push({ folder: '/', guest: preopens.length ? `/mnt${preopens.length}` : '/' });
    setPreopens();
    renderPreopens();
    $('preopens').querySelector('li:last-child input')?.focus();
  });
  $('files').addEventListener('toggle', () => refresh());
  $('file-view-close').addEventListener('click', () => $('file-view').close());
  $('file-view-download').addEventListener('click', () => viewing && save(viewing));
  $('file-view').addEventListener('close', () => {
    viewing = null;
  });

  renderPreopens();
  refresh();

  return {
    refresh,
    /** What is wrong with the preopen rows as typed ('' when nothing). */
    problem() {
      return $('preopens-error').textContent;
    },
    /** A call starts: changes from now on are highlighted (new, changed). */
    beforeCall() {
      baseline = snapshot();
    },
  };
}
