//! The in-memory back end of the WASI file system: one tree of directories, regular files
//! and symlinks shared by every handle ([`MemFs`] is a cheap-to-clone handle to it), with
//! Linux semantics as wasmtime on Linux shows them (the official wasi-testsuite expects
//! exactly those). It is what the page and the tests run on, so it builds for wasm32 too:
//! no `std::fs`, no threads, `Rc<RefCell<..>>` throughout.
//!
//! Every [`MemDir`] is a sandbox rooted at its own directory: `..` above it, absolute paths
//! and symlinks whose target leads outside fail with [`Errno::PERM`] (cap-std's "escape
//! attempt", a permission error, which wasmtime reports as `PERM`), and so does creating a
//! symlink with an absolute target (cap-std refuses those; `symlink_create` expects it).
//!
//! Nothing a guest does can panic or exhaust memory: file data, names, symlink targets and
//! a fixed cost per inode count against a byte limit ([`DEFAULT_LIMIT`], configurable) and
//! fail with `NOSPC` past it; a file cannot grow past `i64::MAX` (`FBIG`); names are at most
//! [`MAX_NAME`] bytes and every node's full path from the tree's root stays under
//! [`MAX_PATH`] bytes (`NAMETOOLONG`), so the host can always name every node and
//! [`MemFs::list`] stays proportionate to the tree.

use super::fs::{Dir, DirEntry, Errno, File, FileType, Filestat, OpenOptions, Opened, Result, SetTime};
use std::any::Any;
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, VecDeque};
use std::rc::{Rc, Weak};
use std::sync::atomic::{AtomicU64, Ordering};

/// The default byte limit of a [`MemFs`]: 1 GiB.
pub const DEFAULT_LIMIT: u64 = 1 << 30;
/// Symlinks followed in one lookup before `LOOP` (Linux's `MAXSYMLINKS`).
pub const MAX_SYMLINK_HOPS: u32 = 40;
/// The longest name of a directory entry, in bytes (Linux's `NAME_MAX`).
pub const MAX_NAME: usize = 255;
/// Paths (and symlink targets, and every node's full path from the root) are shorter than
/// this many bytes (Linux's `PATH_MAX`, which counts the terminating NUL).
pub const MAX_PATH: usize = 4096;
/// The most hard links one inode may have (ext4's limit; `MLINK` past it).
pub const MAX_LINKS: u64 = 65_000;
/// The largest file, in bytes (`FBIG` past it): WASI's file offsets are signed 64-bit.
pub const MAX_FILE_SIZE: u64 = i64::MAX as u64;
/// What an inode's bookkeeping counts against the byte limit.
const NODE_COST: u64 = 256;
/// tmpfs's directory sizes: 40 bytes empty, 20 per entry (`BOGO_DIRENT_SIZE`).
const DIR_SIZE: u64 = 40;
const DIRENT_SIZE: u64 = 20;
/// relatime: the access time is updated when it is not newer than the modification or
/// change time, or older than a day.
const RELATIME_NS: u64 = 24 * 3600 * 1_000_000_000;

/// Distinct `dev` numbers for distinct trees, so `(dev, ino)` identifies a file.
static NEXT_DEV: AtomicU64 = AtomicU64::new(1);

/// What every node of one tree shares: the clock and the byte budget.
struct Shared {
    clock: Box<dyn Fn() -> u64>,
    limit: Cell<u64>,
    used: Cell<u64>,
    next_ino: Cell<u64>,
    dev: u64,
}

impl Shared {
    fn now(&self) -> u64 {
        (self.clock)()
    }

    fn charge(&self, bytes: u64) -> Result<()> {
        let used = self.used.get().checked_add(bytes).ok_or(Errno::NOSPC)?;
        if used > self.limit.get() {
            return Err(Errno::NOSPC);
        }
        self.used.set(used);
        Ok(())
    }

    fn release(&self, bytes: u64) {
        self.used.set(self.used.get().saturating_sub(bytes));
    }
}

type NodeRef = Rc<RefCell<Node>>;

/// An inode.
struct Node {
    fs: Rc<Shared>,
    ino: u64,
    nlink: u64,
    atim: u64,
    mtim: u64,
    ctim: u64,
    kind: Kind,
}

enum Kind {
    File(Vec<u8>),
    Dir(DirNode),
    Symlink(String),
}

struct DirNode {
    entries: BTreeMap<String, NodeRef>,
    /// The directory holding this one (a directory has one parent); empty for the root and
    /// for removed directories.
    parent: Weak<RefCell<Node>>,
    /// Its name in `parent`.
    name: String,
}

impl Node {
    fn filetype(&self) -> FileType {
        match self.kind {
            Kind::File(_) => FileType::RegularFile,
            Kind::Dir(_) => FileType::Directory,
            Kind::Symlink(_) => FileType::SymbolicLink,
        }
    }

    fn is_dir(&self) -> bool {
        matches!(self.kind, Kind::Dir(_))
    }

    fn dir(&self) -> Option<&DirNode> {
        match &self.kind {
            Kind::Dir(d) => Some(d),
            _ => None,
        }
    }

    fn dir_mut(&mut self) -> Option<&mut DirNode> {
        match &mut self.kind {
            Kind::Dir(d) => Some(d),
            _ => None,
        }
    }

    fn size(&self) -> u64 {
        match &self.kind {
            Kind::File(data) => data.len() as u64,
            Kind::Dir(d) => DIR_SIZE + DIRENT_SIZE * d.entries.len() as u64,
            Kind::Symlink(target) => target.len() as u64,
        }
    }

    fn stat(&self) -> Filestat {
        Filestat {
            dev: self.fs.dev,
            ino: self.ino,
            filetype: self.filetype(),
            nlink: self.nlink,
            size: self.size(),
            atim: self.atim,
            mtim: self.mtim,
            ctim: self.ctim,
        }
    }

    fn set_times(&mut self, atim: SetTime, mtim: SetTime) {
        if atim == SetTime::Keep && mtim == SetTime::Keep {
            return;
        }
        let now = self.fs.now();
        let at = |t: SetTime, old: u64| match t {
            SetTime::Keep => old,
            SetTime::Now => now,
            SetTime::At(t) => t,
        };
        self.atim = at(atim, self.atim);
        self.mtim = at(mtim, self.mtim);
        self.ctim = now;
    }

    /// relatime.
    fn accessed(&mut self) {
        let now = self.fs.now();
        if self.atim <= self.mtim || self.atim <= self.ctim || now.saturating_sub(self.atim) >= RELATIME_NS {
            self.atim = now;
        }
    }

    fn modified(&mut self, now: u64) {
        self.mtim = now;
        self.ctim = now;
    }
}

impl Drop for Node {
    /// Releases the node's bytes; a directory's subtree is dropped iteratively, so a deep
    /// tree cannot overflow the stack.
    fn drop(&mut self) {
        let mut freed = NODE_COST;
        match &mut self.kind {
            Kind::File(data) => freed += data.len() as u64,
            Kind::Symlink(target) => freed += target.len() as u64,
            Kind::Dir(d) => {
                let mut pending = Vec::new();
                for (name, child) in std::mem::take(&mut d.entries) {
                    freed += name.len() as u64;
                    pending.push(child);
                }
                while let Some(node) = pending.pop() {
                    if let Ok(cell) = Rc::try_unwrap(node) {
                        let mut node = cell.into_inner();
                        if let Kind::Dir(d) = &mut node.kind {
                            for (name, child) in std::mem::take(&mut d.entries) {
                                freed += name.len() as u64;
                                pending.push(child);
                            }
                        }
                    }
                }
            }
        }
        self.fs.release(freed);
    }
}

fn new_node(fs: &Rc<Shared>, kind: Kind, now: u64) -> Result<NodeRef> {
    let payload = match &kind {
        Kind::File(data) => data.len() as u64,
        Kind::Symlink(target) => target.len() as u64,
        Kind::Dir(_) => 0,
    };
    fs.charge(NODE_COST + payload)?;
    let ino = fs.next_ino.get();
    fs.next_ino.set(ino + 1);
    let nlink = if matches!(kind, Kind::Dir(_)) { 2 } else { 1 };
    Ok(Rc::new(RefCell::new(Node { fs: fs.clone(), ino, nlink, atim: now, mtim: now, ctim: now, kind })))
}

fn child(dir: &NodeRef, name: &str) -> Option<NodeRef> {
    dir.borrow().dir().and_then(|d| d.entries.get(name).cloned())
}

fn is_dir(node: &NodeRef) -> bool {
    node.borrow().is_dir()
}

fn symlink_target(node: &NodeRef) -> Option<String> {
    match &node.borrow().kind {
        Kind::Symlink(target) => Some(target.clone()),
        _ => None,
    }
}

fn is_empty_dir(node: &NodeRef) -> bool {
    node.borrow().dir().is_some_and(|d| d.entries.is_empty())
}

/// Is `dir` removed (so nothing can be created in it)?
fn removed(dir: &NodeRef) -> bool {
    dir.borrow().nlink == 0
}

/// The length of `dir`'s full path from the tree's root (`/a/b` is 4; the root is 0).
fn path_len(dir: &NodeRef) -> usize {
    let mut len = 0;
    let mut at = dir.clone();
    loop {
        let parent = {
            let n = at.borrow();
            let Some(d) = n.dir() else { break };
            len += d.name.len() + 1;
            d.parent.upgrade()
        };
        match parent {
            Some(p) => at = p,
            None => break,
        }
    }
    // The root (no parent) has no name.
    len.saturating_sub(1)
}

/// Does a new entry `name` in `dir` (with a subtree whose longest relative path is `below`
/// bytes) keep every full path under `MAX_PATH`?
fn check_path_len(dir: &NodeRef, name: &str, below: usize) -> Result<()> {
    if path_len(dir) + 1 + name.len() + below >= MAX_PATH { Err(Errno::NAMETOOLONG) } else { Ok(()) }
}

/// The longest relative path below `dir` (`x/y` is 4, counting its leading slash).
fn subtree_len(dir: &NodeRef) -> usize {
    let mut longest = 0;
    let mut pending = vec![(dir.clone(), 0usize)];
    while let Some((node, len)) = pending.pop() {
        let n = node.borrow();
        let Some(d) = n.dir() else { continue };
        for (name, child) in &d.entries {
            let l = len + 1 + name.len();
            longest = longest.max(l);
            if child.borrow().is_dir() {
                pending.push((child.clone(), l));
            }
        }
    }
    longest
}

/// Is `ancestor` `node` or one of its ancestors?
fn is_ancestor(ancestor: &NodeRef, node: &NodeRef) -> bool {
    let mut at = node.clone();
    loop {
        if Rc::ptr_eq(&at, ancestor) {
            return true;
        }
        let parent = at.borrow().dir().and_then(|d| d.parent.upgrade());
        match parent {
            Some(p) => at = p,
            None => return false,
        }
    }
}

/// Adds `name → node` to `dir` (charging the name) and updates the directory's times.
fn insert(dir: &NodeRef, name: &str, node: NodeRef, now: u64) -> Result<()> {
    let mut d = dir.borrow_mut();
    d.fs.charge(name.len() as u64)?;
    if let Some(entries) = d.dir_mut().map(|d| &mut d.entries) {
        entries.insert(name.to_string(), node);
    }
    d.modified(now);
    Ok(())
}

/// Removes `name` from `dir` (releasing the name) and updates the directory's times.
fn detach(dir: &NodeRef, name: &str, now: u64) -> Option<NodeRef> {
    let mut d = dir.borrow_mut();
    let node = d.dir_mut().and_then(|e| e.entries.remove(name))?;
    d.fs.release(name.len() as u64);
    d.modified(now);
    Some(node)
}

/// One unlink of `node` (gone from a directory): its link count and change time.
fn unlinked(node: &NodeRef, now: u64) {
    let mut n = node.borrow_mut();
    n.ctim = now;
    if n.is_dir() {
        n.nlink = 0;
        if let Some(d) = n.dir_mut() {
            d.parent = Weak::new();
        }
    } else {
        n.nlink = n.nlink.saturating_sub(1);
    }
}

/// Splits a path (or symlink target) into its components, `.` and `..` kept, empty ones
/// (doubled and trailing slashes) dropped; the flag says whether it ended with a slash.
fn parse(path: &str) -> Result<(VecDeque<String>, bool)> {
    if path.is_empty() {
        return Err(Errno::NOENT);
    }
    if path.contains('\0') {
        return Err(Errno::INVAL);
    }
    if path.len() >= MAX_PATH {
        return Err(Errno::NAMETOOLONG);
    }
    if path.starts_with('/') {
        return Err(Errno::PERM);
    }
    let mut comps = VecDeque::new();
    for c in path.split('/').filter(|c| !c.is_empty()) {
        if c.len() > MAX_NAME {
            return Err(Errno::NAMETOOLONG);
        }
        comps.push_back(c.to_string());
    }
    Ok((comps, path.ends_with('/')))
}

/// The last component of a path.
enum Last {
    Name(String),
    Dot,
    DotDot,
}

impl Last {
    fn from(c: String) -> Last {
        match c.as_str() {
            "." => Last::Dot,
            ".." => Last::DotDot,
            _ => Last::Name(c),
        }
    }
}

/// A walk in progress: the directories from the sandbox's root down to the current one.
struct Cursor {
    stack: Vec<NodeRef>,
    hops: u32,
}

impl Cursor {
    fn top(&self) -> &NodeRef {
        // The stack always holds the sandbox's root (`up` never pops it).
        &self.stack[self.stack.len() - 1]
    }

    fn up(&mut self) -> Result<()> {
        if self.stack.len() <= 1 {
            return Err(Errno::PERM);
        }
        self.stack.pop();
        Ok(())
    }

    fn hop(&mut self) -> Result<()> {
        self.hops += 1;
        if self.hops > MAX_SYMLINK_HOPS { Err(Errno::LOOP) } else { Ok(()) }
    }

    /// Walks `comps` as directories (following every symlink).
    fn walk(&mut self, mut comps: VecDeque<String>) -> Result<()> {
        while let Some(c) = comps.pop_front() {
            match c.as_str() {
                "." => {}
                ".." => self.up()?,
                name => {
                    let node = child(self.top(), name).ok_or(Errno::NOENT)?;
                    if let Some(target) = symlink_target(&node) {
                        self.hop()?;
                        let (target, _) = parse(&target)?;
                        for c in target.into_iter().rev() {
                            comps.push_front(c);
                        }
                    } else if is_dir(&node) {
                        self.stack.push(node);
                    } else {
                        return Err(Errno::NOTDIR);
                    }
                }
            }
        }
        Ok(())
    }
}

/// A path resolved up to its last component: `cursor.top()` is the directory it is in.
struct Parent {
    cursor: Cursor,
    last: Last,
    /// A trailing slash (or a followed symlink's): the result must be a directory.
    trailing: bool,
}

impl Parent {
    fn dir(&self) -> &NodeRef {
        self.cursor.top()
    }

    /// The node the last component names, following a symlink there if `follow` (or if a
    /// trailing slash asks for a directory); `None` if there is no such entry (then
    /// `self.last` is its name and `self.dir()` the directory it would be in).
    fn resolve(&mut self, follow: bool) -> Result<Option<NodeRef>> {
        loop {
            let node = match &self.last {
                Last::Dot => self.dir().clone(),
                Last::DotDot => {
                    self.cursor.up()?;
                    self.last = Last::Dot;
                    self.dir().clone()
                }
                Last::Name(name) => match child(self.dir(), name) {
                    Some(node) => node,
                    None => return Ok(None),
                },
            };
            if let Some(target) = symlink_target(&node)
                && (follow || self.trailing)
            {
                self.follow(&target)?;
                continue;
            }
            if self.trailing && !is_dir(&node) {
                return Err(Errno::NOTDIR);
            }
            return Ok(Some(node));
        }
    }

    /// Replaces the last component with a symlink's target.
    fn follow(&mut self, target: &str) -> Result<()> {
        self.cursor.hop()?;
        let (mut comps, trailing) = parse(target)?;
        self.trailing |= trailing;
        let last = comps.pop_back().ok_or(Errno::NOENT)?;
        self.cursor.walk(comps)?;
        self.last = Last::from(last);
        Ok(())
    }
}

/// One node of the tree as the host sees it ([`MemFs::list`]).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Entry {
    /// The full path from the tree's root, `/a/b`.
    pub path: String,
    pub kind: FileType,
    /// Bytes for a file, the target's length for a symlink, tmpfs's bookkeeping size for a
    /// directory.
    pub size: u64,
    /// Last modification (contents), nanoseconds since the epoch.
    pub mtime: u64,
    /// Last change (contents or metadata: renames, links, times).
    pub ctime: u64,
    pub ino: u64,
    pub nlink: u64,
    /// A symlink's target.
    pub target: Option<String>,
}

/// A shared handle to one in-memory tree; clones are the same tree.
#[derive(Clone)]
pub struct MemFs {
    shared: Rc<Shared>,
    root: NodeRef,
}

impl MemFs {
    /// An empty tree whose clock (nanoseconds since the epoch) stamps every change and
    /// `SetTime::Now`.
    pub fn new(clock: Box<dyn Fn() -> u64>) -> MemFs {
        let shared = Rc::new(Shared {
            clock,
            limit: Cell::new(DEFAULT_LIMIT),
            used: Cell::new(0),
            next_ino: Cell::new(1),
            dev: NEXT_DEV.fetch_add(1, Ordering::Relaxed),
        });
        let now = shared.now();
        shared.used.set(NODE_COST);
        let root = Rc::new(RefCell::new(Node {
            fs: shared.clone(),
            ino: 1,
            nlink: 2,
            atim: now,
            mtim: now,
            ctim: now,
            kind: Kind::Dir(DirNode { entries: BTreeMap::new(), parent: Weak::new(), name: String::new() }),
        }));
        shared.next_ino.set(2);
        MemFs { shared, root }
    }

    /// A tree with a deterministic clock: 2024-01-01T00:00:00Z, one millisecond later at
    /// every reading (as `Wasi::fixed_clock`).
    pub fn with_fixed_clock() -> MemFs {
        let ticks = Cell::new(0u64);
        MemFs::new(Box::new(move || {
            ticks.set(ticks.get() + 1);
            1_704_067_200_000_000_000 + ticks.get() * 1_000_000
        }))
    }

    /// Sets the byte limit (file data, names, symlink targets and 256 bytes per inode).
    /// Lowering it below what is used fails nothing already there, only later growth.
    pub fn set_limit(&self, bytes: u64) {
        self.shared.limit.set(bytes);
    }

    pub fn limit(&self) -> u64 {
        self.shared.limit.get()
    }

    /// The bytes counted against the limit now.
    pub fn used(&self) -> u64 {
        self.shared.used.get()
    }

    fn root_dir(&self) -> MemDir {
        MemDir { fs: self.clone(), node: self.root.clone() }
    }

    /// A host path (`/a/b`, `a/b`; `/` or `` is the root) as a path relative to the root.
    fn rel(path: &str) -> &str {
        let rel = path.trim_start_matches('/');
        if rel.is_empty() { "." } else { rel }
    }

    /// The directory at `path` (symlinks followed), to preopen: a sandbox at that directory.
    pub fn dir(&self, path: &str) -> Result<MemDir> {
        let node = self.root_dir().lookup(Self::rel(path), true)?;
        if !is_dir(&node) {
            return Err(Errno::NOTDIR);
        }
        Ok(MemDir { fs: self.clone(), node })
    }

    /// Creates `path` and every missing directory above it (existing ones are fine).
    pub fn create_dir_all(&self, path: &str) -> Result<()> {
        let root = self.root_dir();
        let rel = Self::rel(path);
        let mut prefix = String::new();
        for c in rel.split('/').filter(|c| !c.is_empty()) {
            if !prefix.is_empty() {
                prefix.push('/');
            }
            prefix.push_str(c);
            match root.create_dir(&prefix) {
                Ok(()) | Err(Errno::EXIST) => {}
                Err(e) => return Err(e),
            }
        }
        if is_dir(&root.lookup(rel, true)?) { Ok(()) } else { Err(Errno::NOTDIR) }
    }

    /// Writes a whole file (replacing its contents), creating missing parent directories.
    pub fn write_file(&self, path: &str, bytes: &[u8]) -> Result<()> {
        let rel = Self::rel(path);
        if let Some((parent, _)) = rel.trim_end_matches('/').rsplit_once('/') {
            self.create_dir_all(parent)?;
        }
        let options = OpenOptions { create: true, truncate: true, write: true, follow: true, ..OpenOptions::default() };
        match self.root_dir().open(rel, &options)? {
            Opened::File(file) => {
                file.write_at(bytes, 0)?;
                Ok(())
            }
            Opened::Dir(_) => Err(Errno::ISDIR),
        }
    }

    /// A whole file's contents (symlinks followed).
    pub fn read_file(&self, path: &str) -> Result<Vec<u8>> {
        let node = self.root_dir().lookup(Self::rel(path), true)?;
        let n = node.borrow();
        match &n.kind {
            Kind::File(data) => Ok(data.clone()),
            Kind::Dir(_) => Err(Errno::ISDIR),
            Kind::Symlink(_) => Err(Errno::LOOP),
        }
    }

    /// Creates a symlink at `path` to `target` (relative targets only, as for the guest).
    pub fn symlink(&self, target: &str, path: &str) -> Result<()> {
        self.root_dir().symlink(target, Self::rel(path))
    }

    /// Removes `path`: a file, a symlink (not what it points to) or a directory with
    /// everything in it. Open handles keep working on what they hold.
    pub fn remove(&self, path: &str) -> Result<()> {
        let mut p = self.root_dir().parent(Self::rel(path))?;
        let name = match &p.last {
            Last::Name(name) => name.clone(),
            Last::Dot | Last::DotDot => {
                // The root itself, or a path ending in `.`/`..`.
                return Err(if p.resolve(false)?.is_some_and(|n| Rc::ptr_eq(&n, &self.root)) {
                    Errno::BUSY
                } else {
                    Errno::INVAL
                });
            }
        };
        let dir = p.dir().clone();
        let now = self.shared.now();
        let node = detach(&dir, &name, now).ok_or(Errno::NOENT)?;
        if !is_dir(&node) {
            unlinked(&node, now);
            return Ok(());
        }
        let mut d = dir.borrow_mut();
        d.nlink = d.nlink.saturating_sub(1);
        drop(d);
        // Empty the subtree bottom-up as `rm -r` would: every directory removed, every
        // file one link fewer.
        let mut pending = vec![node];
        while let Some(node) = pending.pop() {
            unlinked(&node, now);
            let entries = node.borrow_mut().dir_mut().map(|d| std::mem::take(&mut d.entries)).unwrap_or_default();
            for (name, child) in entries {
                self.shared.release(name.len() as u64);
                if is_dir(&child) {
                    pending.push(child);
                } else {
                    unlinked(&child, now);
                }
            }
        }
        Ok(())
    }

    /// Every node but the root, depth first in name order.
    pub fn list(&self) -> Vec<Entry> {
        let mut out = Vec::new();
        let mut pending = vec![(String::new(), self.root.clone())];
        while let Some((path, dir)) = pending.pop() {
            let d = dir.borrow();
            let Some(entries) = d.dir().map(|d| &d.entries) else { continue };
            let mut subdirs = Vec::new();
            for (name, node) in entries {
                let full = format!("{path}/{name}");
                let n = node.borrow();
                out.push(Entry {
                    path: full.clone(),
                    kind: n.filetype(),
                    size: n.size(),
                    mtime: n.mtim,
                    ctime: n.ctim,
                    ino: n.ino,
                    nlink: n.nlink,
                    target: match &n.kind {
                        Kind::Symlink(t) => Some(t.clone()),
                        _ => None,
                    },
                });
                if n.is_dir() {
                    subdirs.push((full, node.clone()));
                }
            }
            pending.extend(subdirs.into_iter().rev());
        }
        // Pre-order: a directory's entries come right after it.
        out.sort_by(|a, b| a.path.split('/').cmp(b.path.split('/')));
        out
    }
}

/// An open directory of a [`MemFs`]: a sandbox at that directory.
pub struct MemDir {
    fs: MemFs,
    node: NodeRef,
}

/// An open regular file of a [`MemFs`]; it stays usable after its last name is unlinked.
pub struct MemFile {
    node: NodeRef,
}

impl MemDir {
    fn shared(&self) -> &Rc<Shared> {
        &self.fs.shared
    }

    fn now(&self) -> u64 {
        self.fs.shared.now()
    }

    /// `path` walked up to its last component.
    fn parent(&self, path: &str) -> Result<Parent> {
        let (mut comps, trailing) = parse(path)?;
        let last = comps.pop_back().ok_or(Errno::NOENT)?;
        let mut cursor = Cursor { stack: vec![self.node.clone()], hops: 0 };
        cursor.walk(comps)?;
        Ok(Parent { cursor, last: Last::from(last), trailing })
    }

    fn lookup(&self, path: &str, follow: bool) -> Result<NodeRef> {
        self.parent(path)?.resolve(follow)?.ok_or(Errno::NOENT)
    }

    /// The other directory of a two-directory operation, if it is of the same tree.
    fn same_fs<'a>(&self, other: &'a dyn Dir) -> Result<&'a MemDir> {
        let other = other.as_any().downcast_ref::<MemDir>().ok_or(Errno::XDEV)?;
        if Rc::ptr_eq(&self.fs.shared, &other.fs.shared) { Ok(other) } else { Err(Errno::XDEV) }
    }

    /// Checks that `dir` can take a new entry `name`.
    fn can_create(dir: &NodeRef, name: &str, below: usize) -> Result<()> {
        if removed(dir) {
            return Err(Errno::NOENT);
        }
        check_path_len(dir, name, below)
    }

    /// Creates `kind` as `name` in `dir` (which has no such entry).
    fn create(&self, dir: &NodeRef, name: &str, kind: Kind) -> Result<NodeRef> {
        Self::can_create(dir, name, 0)?;
        let now = self.now();
        let is_dir = matches!(kind, Kind::Dir(_));
        let node = new_node(self.shared(), kind, now)?;
        insert(dir, name, node.clone(), now)?;
        if is_dir {
            dir.borrow_mut().nlink += 1;
            if let Some(d) = node.borrow_mut().dir_mut() {
                d.parent = Rc::downgrade(dir);
                d.name = name.to_string();
            }
        }
        Ok(node)
    }
}

impl Dir for MemDir {
    fn as_any(&self) -> &dyn Any {
        self
    }

    fn open(&self, path: &str, o: &OpenOptions) -> Result<Opened> {
        if o.create && o.directory {
            return Err(Errno::INVAL);
        }
        let mut p = self.parent(path)?;
        let node = if o.create {
            if p.trailing {
                return Err(Errno::ISDIR);
            }
            loop {
                let Last::Name(name) = &p.last else { return Err(Errno::ISDIR) };
                match child(p.dir(), name) {
                    None => {
                        if p.trailing {
                            // A followed symlink's target ended with a slash.
                            return Err(Errno::ISDIR);
                        }
                        let node = self.create(p.dir(), name, Kind::File(Vec::new()))?;
                        return Ok(Opened::File(Box::new(MemFile { node })));
                    }
                    Some(node) => {
                        if o.exclusive {
                            return Err(Errno::EXIST);
                        }
                        match symlink_target(&node) {
                            Some(target) if o.follow => p.follow(&target)?,
                            Some(_) => return Err(Errno::LOOP),
                            None => break node,
                        }
                    }
                }
            }
        } else {
            p.resolve(o.follow)?.ok_or(Errno::NOENT)?
        };
        let kind = node.borrow().filetype();
        match kind {
            FileType::SymbolicLink => Err(if o.directory { Errno::NOTDIR } else { Errno::LOOP }),
            FileType::Directory => {
                if o.create || o.write || o.truncate {
                    return Err(Errno::ISDIR);
                }
                Ok(Opened::Dir(Box::new(MemDir { fs: self.fs.clone(), node })))
            }
            _ => {
                if o.directory || p.trailing {
                    return Err(Errno::NOTDIR);
                }
                let file = MemFile { node };
                if o.truncate {
                    file.set_size(0)?;
                }
                Ok(Opened::File(Box::new(file)))
            }
        }
    }

    fn create_dir(&self, path: &str) -> Result<()> {
        let p = self.parent(path)?;
        let Last::Name(name) = &p.last else { return Err(Errno::EXIST) };
        if child(p.dir(), name).is_some() {
            return Err(Errno::EXIST);
        }
        let kind = Kind::Dir(DirNode { entries: BTreeMap::new(), parent: Weak::new(), name: String::new() });
        self.create(p.dir(), name, kind)?;
        Ok(())
    }

    fn remove_dir(&self, path: &str) -> Result<()> {
        let p = self.parent(path)?;
        let name = match &p.last {
            Last::Name(name) => name,
            Last::Dot => return Err(Errno::INVAL),
            Last::DotDot => return Err(Errno::NOTEMPTY),
        };
        let node = child(p.dir(), name).ok_or(Errno::NOENT)?;
        if !is_dir(&node) {
            return Err(Errno::NOTDIR);
        }
        if !is_empty_dir(&node) {
            return Err(Errno::NOTEMPTY);
        }
        let now = self.now();
        detach(p.dir(), name, now);
        let mut d = p.dir().borrow_mut();
        d.nlink = d.nlink.saturating_sub(1);
        drop(d);
        unlinked(&node, now);
        Ok(())
    }

    fn unlink_file(&self, path: &str) -> Result<()> {
        let p = self.parent(path)?;
        let Last::Name(name) = &p.last else { return Err(Errno::ISDIR) };
        let node = child(p.dir(), name).ok_or(Errno::NOENT)?;
        if is_dir(&node) {
            return Err(Errno::ISDIR);
        }
        if p.trailing {
            return Err(Errno::NOTDIR);
        }
        let now = self.now();
        detach(p.dir(), name, now);
        unlinked(&node, now);
        Ok(())
    }

    fn symlink(&self, target: &str, path: &str) -> Result<()> {
        // The target is checked as a path would be, except that it may lead anywhere
        // relative: whether it escapes is decided when it is followed.
        parse(target)?;
        let p = self.parent(path)?;
        let Last::Name(name) = &p.last else { return Err(Errno::EXIST) };
        if child(p.dir(), name).is_some() {
            return Err(Errno::EXIST);
        }
        if p.trailing {
            return Err(Errno::NOENT);
        }
        self.create(p.dir(), name, Kind::Symlink(target.to_string()))?;
        Ok(())
    }

    fn read_link(&self, path: &str) -> Result<String> {
        symlink_target(&self.lookup(path, false)?).ok_or(Errno::INVAL)
    }

    fn link(&self, old: &str, follow: bool, new_dir: &dyn Dir, new: &str) -> Result<()> {
        let other = self.same_fs(new_dir)?;
        let node = self.lookup(old, follow)?;
        let q = other.parent(new)?;
        let Last::Name(name) = &q.last else { return Err(Errno::EXIST) };
        if child(q.dir(), name).is_some() {
            return Err(Errno::EXIST);
        }
        if q.trailing {
            return Err(Errno::NOENT);
        }
        if is_dir(&node) {
            return Err(Errno::PERM);
        }
        if node.borrow().nlink >= MAX_LINKS {
            return Err(Errno::MLINK);
        }
        Self::can_create(q.dir(), name, 0)?;
        let now = self.now();
        insert(q.dir(), name, node.clone(), now)?;
        let mut n = node.borrow_mut();
        n.nlink += 1;
        n.ctim = now;
        Ok(())
    }

    fn rename(&self, old: &str, new_dir: &dyn Dir, new: &str) -> Result<()> {
        let other = self.same_fs(new_dir)?;
        let p = self.parent(old)?;
        let q = other.parent(new)?;
        let (Last::Name(old_name), Last::Name(new_name)) = (&p.last, &q.last) else {
            return Err(Errno::BUSY);
        };
        let (from, to) = (p.dir(), q.dir());
        let node = child(from, old_name).ok_or(Errno::NOENT)?;
        let node_is_dir = is_dir(&node);
        if !node_is_dir && (p.trailing || q.trailing) {
            return Err(Errno::NOTDIR);
        }
        // A directory cannot move into itself or below itself.
        if node_is_dir && is_ancestor(&node, to) {
            return Err(Errno::INVAL);
        }
        let victim = child(to, new_name);
        if let Some(victim) = &victim {
            if Rc::ptr_eq(victim, &node) {
                // The same file (or two links of it): nothing happens.
                return Ok(());
            }
            // The target cannot be an ancestor of the source.
            if is_ancestor(victim, from) {
                return Err(Errno::NOTEMPTY);
            }
            match (node_is_dir, is_dir(victim)) {
                (true, false) => return Err(Errno::NOTDIR),
                (false, true) => return Err(Errno::ISDIR),
                (true, true) if !is_empty_dir(victim) => return Err(Errno::NOTEMPTY),
                _ => {}
            }
        }
        Self::can_create(to, new_name, if node_is_dir { subtree_len(&node) } else { 0 })?;
        let now = self.now();
        // The new name is charged; detaching releases the old one and any victim's.
        self.shared().charge(new_name.len() as u64)?;
        detach(from, old_name, now);
        if let Some(victim) = detach(to, new_name, now) {
            if is_dir(&victim) {
                let mut t = to.borrow_mut();
                t.nlink = t.nlink.saturating_sub(1);
            }
            unlinked(&victim, now);
        }
        {
            let mut t = to.borrow_mut();
            if let Some(d) = t.dir_mut() {
                d.entries.insert(new_name.clone(), node.clone());
            }
            t.modified(now);
        }
        {
            let mut n = node.borrow_mut();
            n.ctim = now;
            if let Some(d) = n.dir_mut() {
                d.parent = Rc::downgrade(to);
                d.name = new_name.clone();
            }
        }
        if node_is_dir {
            let mut f = from.borrow_mut();
            f.nlink = f.nlink.saturating_sub(1);
            drop(f);
            to.borrow_mut().nlink += 1;
        }
        Ok(())
    }

    fn stat(&self) -> Result<Filestat> {
        Ok(self.node.borrow().stat())
    }

    fn path_stat(&self, path: &str, follow: bool) -> Result<Filestat> {
        Ok(self.lookup(path, follow)?.borrow().stat())
    }

    fn set_times(&self, atim: SetTime, mtim: SetTime) -> Result<()> {
        self.node.borrow_mut().set_times(atim, mtim);
        Ok(())
    }

    fn path_set_times(&self, path: &str, follow: bool, atim: SetTime, mtim: SetTime) -> Result<()> {
        self.lookup(path, follow)?.borrow_mut().set_times(atim, mtim);
        Ok(())
    }

    fn entries(&self) -> Result<Vec<DirEntry>> {
        let mut n = self.node.borrow_mut();
        n.accessed();
        let Some(d) = n.dir() else { return Err(Errno::NOTDIR) };
        Ok(d.entries
            .iter()
            .map(|(name, node)| {
                let c = node.borrow();
                DirEntry { name: name.clone(), filetype: c.filetype(), ino: c.ino }
            })
            .collect())
    }
}

/// `end` as a length a `Vec` can have, or `FBIG`.
fn file_len(end: u64) -> Result<usize> {
    if end > MAX_FILE_SIZE {
        return Err(Errno::FBIG);
    }
    usize::try_from(end).ok().filter(|&n| n <= isize::MAX as usize).ok_or(Errno::FBIG)
}

impl MemFile {
    /// Grows or shrinks the data to `len` bytes (zeros added), within the budget.
    fn resize(n: &mut Node, len: usize) -> Result<()> {
        let fs = n.fs.clone();
        let Kind::File(data) = &mut n.kind else { return Err(Errno::BADF) };
        let old = data.len();
        if len > old {
            let grow = (len - old) as u64;
            fs.charge(grow)?;
            if data.try_reserve(len - old).is_err() {
                fs.release(grow);
                return Err(Errno::NOSPC);
            }
            data.resize(len, 0);
        } else if len < old {
            data.truncate(len);
            if data.capacity() > 2 * len + 4096 {
                data.shrink_to(len);
            }
            fs.release((old - len) as u64);
        }
        Ok(())
    }
}

impl File for MemFile {
    fn read_at(&self, buf: &mut [u8], offset: u64) -> Result<usize> {
        let mut n = self.node.borrow_mut();
        if buf.is_empty() {
            return Ok(0);
        }
        n.accessed();
        let Kind::File(data) = &n.kind else { return Err(Errno::BADF) };
        let Some(start) = usize::try_from(offset).ok().filter(|&o| o < data.len()) else { return Ok(0) };
        let len = buf.len().min(data.len() - start);
        buf[..len].copy_from_slice(&data[start..start + len]);
        Ok(len)
    }

    fn write_at(&self, buf: &[u8], offset: u64) -> Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        let end = file_len(offset.checked_add(buf.len() as u64).ok_or(Errno::FBIG)?)?;
        let start = end - buf.len();
        let mut n = self.node.borrow_mut();
        let len = match &n.kind {
            Kind::File(data) => data.len(),
            _ => return Err(Errno::BADF),
        };
        if end > len {
            Self::resize(&mut n, end)?;
        }
        let now = n.fs.now();
        n.modified(now);
        let Kind::File(data) = &mut n.kind else { return Err(Errno::BADF) };
        data[start..end].copy_from_slice(buf);
        Ok(buf.len())
    }

    fn stat(&self) -> Result<Filestat> {
        Ok(self.node.borrow().stat())
    }

    fn set_size(&self, size: u64) -> Result<()> {
        let len = file_len(size)?;
        let mut n = self.node.borrow_mut();
        Self::resize(&mut n, len)?;
        let now = n.fs.now();
        n.modified(now);
        Ok(())
    }

    fn set_times(&self, atim: SetTime, mtim: SetTime) -> Result<()> {
        self.node.borrow_mut().set_times(atim, mtim);
        Ok(())
    }
}
