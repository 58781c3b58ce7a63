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
        let last = Last::from(last);
        // `..` naming what is above the sandbox is an escape, whatever the operation.
        if matches!(last, Last::DotDot) && cursor.stack.len() <= 1 {
            return Err(Errno::PERM);
        }
        Ok(Parent { cursor, last, trailing })
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wasi::fs::OtherDir;

    fn fs() -> (MemFs, MemDir) {
        let fs = MemFs::with_fixed_clock();
        let root = fs.dir("/").unwrap();
        (fs, root)
    }

    fn create() -> OpenOptions {
        OpenOptions { create: true, read: true, write: true, ..OpenOptions::default() }
    }

    fn read() -> OpenOptions {
        OpenOptions { read: true, ..OpenOptions::default() }
    }

    fn follow() -> OpenOptions {
        OpenOptions { read: true, follow: true, ..OpenOptions::default() }
    }

    fn dir_flag(follow: bool) -> OpenOptions {
        OpenOptions { directory: true, follow, ..OpenOptions::default() }
    }

    fn file(d: &dyn Dir, path: &str, o: &OpenOptions) -> Result<Box<dyn File>> {
        match d.open(path, o)? {
            Opened::File(f) => Ok(f),
            Opened::Dir(_) => panic!("{path} opened as a directory"),
        }
    }

    fn subdir(d: &dyn Dir, path: &str) -> Result<Box<dyn Dir>> {
        match d.open(path, &dir_flag(true))? {
            Opened::Dir(d) => Ok(d),
            Opened::File(_) => panic!("{path} opened as a file"),
        }
    }

    fn err<T>(r: Result<T>) -> Errno {
        match r {
            Ok(_) => panic!("expected an error"),
            Err(e) => e,
        }
    }

    fn touch(d: &dyn Dir, path: &str) {
        file(d, path, &create()).unwrap();
    }

    fn put(d: &dyn Dir, path: &str, bytes: &[u8]) {
        let f = file(d, path, &create()).unwrap();
        f.set_size(0).unwrap();
        assert_eq!(f.write_at(bytes, 0).unwrap(), bytes.len());
    }

    fn get(d: &dyn Dir, path: &str) -> Vec<u8> {
        let f = file(d, path, &follow()).unwrap();
        let mut buf = vec![0; f.stat().unwrap().size as usize];
        assert_eq!(f.read_at(&mut buf, 0).unwrap(), buf.len());
        buf
    }

    fn names(d: &dyn Dir) -> Vec<String> {
        d.entries().unwrap().into_iter().map(|e| e.name).collect()
    }

    // Files.

    #[test]
    fn write_read_and_grow_with_zeros() {
        let (_, root) = fs();
        let f = file(&root, "f", &create()).unwrap();
        assert_eq!(f.write_at(b"hello", 0).unwrap(), 5);
        assert_eq!(f.write_at(b"!", 7).unwrap(), 1);
        let mut buf = [9u8; 10];
        assert_eq!(f.read_at(&mut buf, 0).unwrap(), 8);
        assert_eq!(&buf[..8], b"hello\0\0!");
        assert_eq!(f.read_at(&mut buf, 8).unwrap(), 0);
        assert_eq!(f.read_at(&mut buf, u64::MAX).unwrap(), 0);
        assert_eq!(f.stat().unwrap().size, 8);
        assert_eq!(f.stat().unwrap().filetype, FileType::RegularFile);
        f.set_size(2).unwrap();
        assert_eq!(get(&root, "f"), b"he");
        f.allocate(0, 4).unwrap();
        assert_eq!(get(&root, "f"), b"he\0\0");
        f.allocate(1, 1).unwrap();
        assert_eq!(f.stat().unwrap().size, 4);
    }

    #[test]
    fn open_missing_and_empty_path_are_noent() {
        let (_, root) = fs();
        assert_eq!(err(root.open("missing", &read())), Errno::NOENT);
        assert_eq!(err(root.open("", &read())), Errno::NOENT);
        assert_eq!(err(root.open("a/b", &create())), Errno::NOENT);
        assert_eq!(err(root.path_stat("", false)), Errno::NOENT);
    }

    #[test]
    fn create_exclusive_on_existing_is_exist() {
        let (_, root) = fs();
        let excl = OpenOptions { exclusive: true, ..create() };
        touch(&root, "f");
        assert_eq!(err(root.open("f", &excl)), Errno::EXIST);
        root.create_dir("d").unwrap();
        assert_eq!(err(root.open("d", &excl)), Errno::EXIST);
        // Even a dangling symlink exists.
        root.symlink("nowhere", "s").unwrap();
        assert_eq!(err(root.open("s", &OpenOptions { follow: true, ..excl })), Errno::EXIST);
        assert_eq!(err(root.open("nowhere", &read())), Errno::NOENT);
        // Without exclusive, create opens the existing file.
        put(&root, "g", b"abc");
        file(&root, "g", &create()).unwrap();
        assert_eq!(get(&root, "g"), b"abc");
    }

    #[test]
    fn directories_cannot_be_opened_for_writing() {
        let (_, root) = fs();
        root.create_dir("d").unwrap();
        let write = OpenOptions { write: true, ..OpenOptions::default() };
        assert_eq!(err(root.open("d", &write)), Errno::ISDIR);
        assert_eq!(err(root.open(".", &OpenOptions { directory: true, read: true, ..write })), Errno::ISDIR);
        assert_eq!(err(root.open("d", &OpenOptions { truncate: true, ..OpenOptions::default() })), Errno::ISDIR);
        assert_eq!(err(root.open("d", &create())), Errno::ISDIR);
        assert!(matches!(root.open("d", &read()).unwrap(), Opened::Dir(_)));
        assert!(matches!(root.open(".", &dir_flag(false)).unwrap(), Opened::Dir(_)));
    }

    #[test]
    fn directory_flag_and_trailing_slash_on_a_file_are_notdir() {
        let (_, root) = fs();
        root.create_dir("dir").unwrap();
        root.create_dir("dir/nested").unwrap();
        touch(&root, "dir/nested/file");
        assert_eq!(err(root.open("dir/nested/file", &dir_flag(false))), Errno::NOTDIR);
        assert_eq!(err(root.open("dir/nested/file/", &read())), Errno::NOTDIR);
        assert_eq!(err(root.open("dir/nested/file///", &read())), Errno::NOTDIR);
        assert_eq!(err(root.open("dir/nested/file/x", &read())), Errno::NOTDIR);
        assert_eq!(err(root.path_stat("dir/nested/file/", false)), Errno::NOTDIR);
        assert!(matches!(root.open("dir/nested/", &read()).unwrap(), Opened::Dir(_)));
        assert!(matches!(root.open("dir/nested///", &read()).unwrap(), Opened::Dir(_)));
        // Creating with a trailing slash is EISDIR, as on Linux.
        assert_eq!(err(root.open("new/", &create())), Errno::ISDIR);
        assert_eq!(err(root.open("dir/", &create())), Errno::ISDIR);
        assert_eq!(err(root.path_stat("new", false)), Errno::NOENT);
        // A directory that is also created is refused.
        assert_eq!(err(root.open("x", &OpenOptions { directory: true, ..create() })), Errno::INVAL);
    }

    #[test]
    fn truncate_empties_an_existing_file() {
        let (_, root) = fs();
        put(&root, "f", b"this content will be truncated!");
        let f = file(&root, "f", &OpenOptions { truncate: true, ..create() }).unwrap();
        assert_eq!(f.stat().unwrap().size, 0);
        let mut buf = [0; 8];
        assert_eq!(f.read_at(&mut buf, 0).unwrap(), 0);
    }

    // Paths and the sandbox.

    #[test]
    fn interesting_paths() {
        let (_, root) = fs();
        root.create_dir("dir").unwrap();
        root.create_dir("dir/nested").unwrap();
        put(&root, "dir/nested/file", b"x");
        assert_eq!(get(&root, "dir/.//nested/../../dir/nested/../nested///./file"), b"x");
        assert_eq!(err(root.open("/dir/nested/file", &read())), Errno::PERM);
        assert_eq!(err(root.open("dir/nested/../../../dir/nested/file", &read())), Errno::PERM);
        assert_eq!(err(root.open("dir/nested/file\0", &read())), Errno::INVAL);
        assert_eq!(err(root.open("..", &read())), Errno::PERM);
        assert_eq!(err(root.open("dir/../..", &read())), Errno::PERM);
        assert!(matches!(root.open("dir/..", &read()).unwrap(), Opened::Dir(_)));
    }

    #[test]
    fn a_subdirectory_is_its_own_sandbox() {
        let (fs, root) = fs();
        fs.write_file("/secret", b"s").unwrap();
        fs.write_file("/box/inner", b"i").unwrap();
        let boxed = fs.dir("/box").unwrap();
        assert_eq!(get(&boxed, "inner"), b"i");
        assert_eq!(err(boxed.open("../secret", &read())), Errno::PERM);
        assert_eq!(err(boxed.open("/secret", &read())), Errno::PERM);
        assert_eq!(err(boxed.open("/etc/passwd", &read())), Errno::PERM);
        assert_eq!(err(boxed.create_dir("../escaped")), Errno::PERM);
        assert_eq!(err(boxed.unlink_file("../secret")), Errno::PERM);
        // A directory opened through a path is a sandbox too.
        let sub = subdir(&root, "box").unwrap();
        assert_eq!(err(sub.open("..", &read())), Errno::PERM);
        assert_eq!(err(sub.path_stat("../secret", false)), Errno::PERM);
        assert_eq!(fs.read_file("secret").unwrap(), b"s");
    }

    #[test]
    fn symlinks_leading_outside_fail_when_followed() {
        let (fs, root) = fs();
        fs.write_file("/x", b"outside").unwrap();
        fs.create_dir_all("/a/b").unwrap();
        root.symlink("../../x", "a/b/up").unwrap();
        root.symlink("../x", "a/up1").unwrap();
        let a = fs.dir("a").unwrap();
        // Seen from `a`, both lead out of it.
        assert_eq!(err(a.open("b/up", &follow())), Errno::PERM);
        assert_eq!(err(a.open("up1", &follow())), Errno::PERM);
        assert_eq!(err(a.path_stat("up1", true)), Errno::PERM);
        // In a middle component too.
        a.symlink("..", "parent").unwrap();
        assert_eq!(err(a.open("parent/x", &read())), Errno::PERM);
        // Not followed, the link itself is fine.
        assert_eq!(a.read_link("up1").unwrap(), "../x");
        assert_eq!(a.path_stat("up1", false).unwrap().filetype, FileType::SymbolicLink);
        // From the root, the same links stay inside.
        assert_eq!(get(&root, "a/up1"), b"outside");
        assert_eq!(get(&root, "a/b/up"), b"outside");
    }

    #[test]
    fn absolute_symlinks_are_refused_and_never_followed() {
        let (fs, root) = fs();
        assert_eq!(err(root.symlink("/", "s")), Errno::PERM);
        assert_eq!(err(root.symlink("/etc/passwd", "s")), Errno::PERM);
        assert_eq!(err(fs.symlink("/etc", "s")), Errno::PERM);
        assert_eq!(err(root.path_stat("s", false)), Errno::NOENT);
        // One that got there anyway (not through the API) still cannot be followed.
        let now = fs.shared.now();
        let link = new_node(&fs.shared, Kind::Symlink("/".into()), now).unwrap();
        insert(&fs.root, "abs", link, now).unwrap();
        assert_eq!(err(root.open("abs", &follow())), Errno::PERM);
        assert_eq!(err(root.open("abs/etc", &read())), Errno::PERM);
        assert_eq!(root.read_link("abs").unwrap(), "/");
    }

    #[test]
    fn symlink_loops_are_loop() {
        let (_, root) = fs();
        root.symlink("self", "self").unwrap();
        assert_eq!(err(root.open("self", &read())), Errno::LOOP);
        assert_eq!(err(root.open("self", &follow())), Errno::LOOP);
        assert_eq!(err(root.path_stat("self", true)), Errno::LOOP);
        assert_eq!(err(root.open("self/x", &read())), Errno::LOOP);
        root.symlink("b", "a").unwrap();
        root.symlink("a", "b").unwrap();
        assert_eq!(err(root.open("a", &follow())), Errno::LOOP);
        assert_eq!(err(root.create_dir("a/x")), Errno::LOOP);
        root.unlink_file("self").unwrap();
        assert_eq!(err(root.path_stat("self", false)), Errno::NOENT);
    }

    #[test]
    fn forty_symlink_hops_are_followed_and_the_forty_first_is_loop() {
        let (fs, root) = fs();
        fs.write_file("t", b"end").unwrap();
        root.symlink("t", "l0").unwrap();
        for i in 1..41 {
            root.symlink(&format!("l{}", i - 1), &format!("l{i}")).unwrap();
        }
        // l39 needs 40 hops, l40 needs 41.
        assert_eq!(get(&root, "l39"), b"end");
        assert_eq!(err(root.open("l40", &follow())), Errno::LOOP);
    }

    #[test]
    fn nofollow_errors() {
        let (_, root) = fs();
        root.create_dir("target").unwrap();
        root.symlink("target", "symlink").unwrap();
        assert_eq!(err(root.open("symlink", &dir_flag(false))), Errno::NOTDIR);
        assert_eq!(err(root.open("symlink", &read())), Errno::LOOP);
        assert!(matches!(root.open("symlink", &dir_flag(true)).unwrap(), Opened::Dir(_)));
        // A trailing slash follows it.
        assert!(matches!(root.open("symlink/", &read()).unwrap(), Opened::Dir(_)));
        root.unlink_file("symlink").unwrap();
        root.remove_dir("target").unwrap();
        touch(&root, "target");
        root.symlink("target", "symlink").unwrap();
        assert_eq!(err(root.open("symlink", &dir_flag(false))), Errno::NOTDIR);
        assert_eq!(err(root.open("symlink", &read())), Errno::LOOP);
        assert_eq!(err(root.open("symlink", &dir_flag(true))), Errno::NOTDIR);
        assert_eq!(err(root.open("symlink/", &read())), Errno::NOTDIR);
        file(&root, "symlink", &follow()).unwrap();
        // Creating through a symlink without following it is LOOP.
        assert_eq!(err(root.open("symlink", &create())), Errno::LOOP);
    }

    #[test]
    fn dangling_symlinks() {
        let (fs, root) = fs();
        root.symlink("target", "link").unwrap();
        assert_eq!(err(root.open("link", &dir_flag(false))), Errno::NOTDIR);
        assert_eq!(err(root.open("link", &read())), Errno::LOOP);
        assert_eq!(err(root.open("link", &follow())), Errno::NOENT);
        assert_eq!(err(root.path_stat("link", true)), Errno::NOENT);
        assert_eq!(root.path_stat("link", false).unwrap().size, 6);
        // Creating through it (following) creates the target, next to the link.
        fs.create_dir_all("d").unwrap();
        root.symlink("made", "d/link").unwrap();
        let f = file(&root, "d/link", &OpenOptions { follow: true, ..create() }).unwrap();
        f.write_at(b"via link", 0).unwrap();
        assert_eq!(fs.read_file("d/made").unwrap(), b"via link");
    }

    #[test]
    fn symlinks_in_middle_components_are_always_followed() {
        let (fs, root) = fs();
        fs.write_file("real/dir/f", b"f").unwrap();
        root.symlink("real/dir", "l").unwrap();
        assert_eq!(get(&root, "l/f"), b"f");
        let o = OpenOptions { read: true, follow: false, ..OpenOptions::default() };
        assert!(file(&root, "l/f", &o).is_ok());
        // `..` after a symlink is the target's parent (physical, as on Linux).
        fs.write_file("real/g", b"g").unwrap();
        assert_eq!(get(&root, "l/../g"), b"g");
        root.create_dir("l/sub").unwrap();
        assert!(fs.dir("real/dir/sub").is_ok());
    }

    #[test]
    fn nul_and_long_names() {
        let (_, root) = fs();
        assert_eq!(err(root.create_dir("a\0b")), Errno::INVAL);
        assert_eq!(err(root.symlink("a\0", "s")), Errno::INVAL);
        assert_eq!(err(root.symlink("", "s")), Errno::NOENT);
        let long = "n".repeat(MAX_NAME + 1);
        assert_eq!(err(root.create_dir(&long)), Errno::NAMETOOLONG);
        root.create_dir(&"n".repeat(MAX_NAME)).unwrap();
        let path = "a/".repeat(MAX_PATH / 2);
        assert_eq!(err(root.path_stat(&path, false)), Errno::NAMETOOLONG);
    }

    #[test]
    fn full_paths_stay_under_path_max() {
        // Nesting through relative opens cannot build a path the host cannot name.
        let (fs, root) = fs();
        let name = "d".repeat(200);
        let mut dir: Box<dyn Dir> = Box::new(root);
        let mut depth = 0;
        loop {
            match dir.create_dir(&name) {
                Ok(()) => depth += 1,
                Err(e) => {
                    assert_eq!(e, Errno::NAMETOOLONG);
                    break;
                }
            }
            dir = subdir(dir.as_ref(), &name).unwrap();
        }
        assert_eq!(depth, (MAX_PATH - 1) / 201);
        assert!(fs.list().iter().all(|e| e.path.len() < MAX_PATH));
        // A rename that would push a subtree past the limit fails too.
        let root = fs.dir("").unwrap();
        let long = "x".repeat(250);
        root.create_dir(&long).unwrap();
        assert_eq!(err(root.rename(&name, &*subdir(&root, &long).unwrap(), &name)), Errno::NAMETOOLONG);
        assert!(fs.list().iter().all(|e| e.path.len() < MAX_PATH));
    }

    // Directories.

    #[test]
    fn create_dir_rules() {
        let (_, root) = fs();
        root.create_dir("d").unwrap();
        assert_eq!(err(root.create_dir("d")), Errno::EXIST);
        assert_eq!(err(root.create_dir("d/")), Errno::EXIST);
        assert_eq!(err(root.create_dir(".")), Errno::EXIST);
        assert_eq!(err(root.create_dir("d/..")), Errno::EXIST);
        root.create_dir("e/").unwrap();
        touch(&root, "f");
        assert_eq!(err(root.create_dir("f")), Errno::EXIST);
        assert_eq!(err(root.create_dir("f/x")), Errno::NOTDIR);
        assert_eq!(err(root.create_dir("missing/x")), Errno::NOENT);
        root.symlink("nowhere", "s").unwrap();
        assert_eq!(err(root.create_dir("s")), Errno::EXIST);
        assert_eq!(root.path_stat("e", false).unwrap().filetype, FileType::Directory);
    }

    #[test]
    fn remove_dir_rules() {
        let (_, root) = fs();
        root.create_dir("dir").unwrap();
        root.create_dir("dir/nested").unwrap();
        assert_eq!(err(root.remove_dir("dir")), Errno::NOTEMPTY);
        root.remove_dir("dir/nested/").unwrap();
        root.remove_dir("dir").unwrap();
        assert_eq!(err(root.remove_dir("dir")), Errno::NOENT);
        touch(&root, "file");
        assert_eq!(err(root.remove_dir("file")), Errno::NOTDIR);
        assert_eq!(err(root.remove_dir("file/")), Errno::NOTDIR);
        root.create_dir("target").unwrap();
        root.symlink("target", "link").unwrap();
        assert_eq!(err(root.remove_dir("link")), Errno::NOTDIR);
        assert_eq!(err(root.remove_dir("link/")), Errno::NOTDIR);
        assert_eq!(err(root.remove_dir(".")), Errno::INVAL);
        assert_eq!(err(root.remove_dir("target/..")), Errno::NOTEMPTY);
    }

    #[test]
    fn unlink_rules() {
        let (_, root) = fs();
        root.create_dir("dir").unwrap();
        assert_eq!(err(root.unlink_file("dir")), Errno::ISDIR);
        assert_eq!(err(root.unlink_file("dir/")), Errno::ISDIR);
        assert_eq!(err(root.unlink_file(".")), Errno::ISDIR);
        touch(&root, "file");
        assert_eq!(err(root.unlink_file("file/")), Errno::NOTDIR);
        root.unlink_file("file").unwrap();
        assert_eq!(err(root.unlink_file("file")), Errno::NOENT);
        assert_eq!(err(root.unlink_file("missing/")), Errno::NOENT);
        // A symlink goes, not what it points to.
        root.symlink("dir", "link").unwrap();
        root.unlink_file("link").unwrap();
        assert_eq!(root.path_stat("dir", false).unwrap().filetype, FileType::Directory);
    }

    #[test]
    fn an_unlinked_file_stays_usable_through_its_handle() {
        let (fs, root) = fs();
        put(&root, "f", b"data");
        let f = file(&root, "f", &create()).unwrap();
        let ino = f.stat().unwrap().ino;
        root.unlink_file("f").unwrap();
        assert_eq!(f.stat().unwrap().nlink, 0);
        f.write_at(b"!", 4).unwrap();
        let mut buf = [0; 5];
        assert_eq!(f.read_at(&mut buf, 0).unwrap(), 5);
        assert_eq!(&buf, b"data!");
        // A new file of the same name is another file.
        touch(&root, "f");
        assert_ne!(root.path_stat("f", false).unwrap().ino, ino);
        assert_eq!(fs.read_file("f").unwrap(), b"");
    }

    #[test]
    fn a_removed_directory_takes_no_new_entries() {
        let (_, root) = fs();
        root.create_dir("d").unwrap();
        let d = subdir(&root, "d").unwrap();
        root.remove_dir("d").unwrap();
        assert_eq!(d.stat().unwrap().nlink, 0);
        assert_eq!(err(d.create_dir("x")), Errno::NOENT);
        assert_eq!(err(d.open("f", &create())), Errno::NOENT);
        assert_eq!(err(d.symlink("t", "s")), Errno::NOENT);
        assert!(d.entries().unwrap().is_empty());
        // The name is free again.
        root.create_dir("d").unwrap();
    }

    #[test]
    fn entries_in_name_order_with_inos_and_types() {
        let (_, root) = fs();
        touch(&root, "b");
        root.create_dir("a").unwrap();
        root.symlink("b", "c").unwrap();
        for i in 0..20 {
            touch(&root, &format!("file.{i}"));
        }
        let entries = root.entries().unwrap();
        assert_eq!(entries.len(), 23);
        let mut sorted = entries.clone();
        sorted.sort_by(|a, b| a.name.cmp(&b.name));
        assert_eq!(entries, sorted);
        assert_eq!(
            entries[0],
            DirEntry { name: "a".into(), filetype: FileType::Directory, ino: root.path_stat("a", false).unwrap().ino }
        );
        assert_eq!(entries[1].filetype, FileType::RegularFile);
        assert_eq!(entries[1].ino, root.path_stat("b", false).unwrap().ino);
        assert_eq!(entries[2].filetype, FileType::SymbolicLink);
        assert_eq!(root.entries().unwrap(), entries);
    }

    #[test]
    fn directory_link_counts_and_sizes() {
        let (_, root) = fs();
        assert_eq!(root.stat().unwrap().nlink, 2);
        root.create_dir("a").unwrap();
        root.create_dir("b").unwrap();
        touch(&root, "f");
        let st = root.stat().unwrap();
        assert_eq!(st.nlink, 4);
        assert_eq!(st.size, DIR_SIZE + 3 * DIRENT_SIZE);
        root.rename("b", &root, "a/b").unwrap();
        assert_eq!(root.stat().unwrap().nlink, 3);
        assert_eq!(root.path_stat("a", false).unwrap().nlink, 3);
        root.remove_dir("a/b").unwrap();
        assert_eq!(root.path_stat("a", false).unwrap().nlink, 2);
    }

    // Symlinks.

    #[test]
    fn read_link_rules() {
        let (_, root) = fs();
        touch(&root, "target");
        root.symlink("target", "symlink").unwrap();
        assert_eq!(root.read_link("symlink").unwrap(), "target");
        assert_eq!(err(root.read_link("target")), Errno::INVAL);
        assert_eq!(err(root.read_link(".")), Errno::INVAL);
        assert_eq!(err(root.read_link("missing")), Errno::NOENT);
        root.create_dir("d").unwrap();
        root.symlink("d", "dl").unwrap();
        assert_eq!(err(root.read_link("dl/")), Errno::INVAL);
    }

    #[test]
    fn symlink_trailing_slashes() {
        let (_, root) = fs();
        assert_eq!(err(root.symlink("source", "target/")), Errno::NOENT);
        root.symlink("source", "target").unwrap();
        root.unlink_file("target").unwrap();
        root.create_dir("target").unwrap();
        assert_eq!(err(root.symlink("source", "target/")), Errno::EXIST);
        assert_eq!(err(root.symlink("source", "target")), Errno::EXIST);
        root.remove_dir("target").unwrap();
        touch(&root, "target");
        assert_eq!(err(root.symlink("source", "target/")), Errno::EXIST);
        assert_eq!(err(root.symlink("source", "target")), Errno::EXIST);
        assert_eq!(err(root.symlink("source", ".")), Errno::EXIST);
    }

    #[test]
    fn symlink_stat_and_times_follow_or_not() {
        let (_, root) = fs();
        touch(&root, "file");
        root.symlink("file", "symlink").unwrap();
        let file_st = root.path_stat("file", false).unwrap();
        let link_st = root.path_stat("symlink", false).unwrap();
        assert_eq!(link_st.filetype, FileType::SymbolicLink);
        assert_eq!(link_st.size, 4);
        assert_ne!(link_st.ino, file_st.ino);
        assert_eq!(root.path_stat("symlink", true).unwrap(), file_st);
        root.path_set_times("symlink", false, SetTime::Keep, SetTime::At(link_st.mtim - 200)).unwrap();
        assert_eq!(root.path_stat("symlink", false).unwrap().mtim, link_st.mtim - 200);
        assert_eq!(root.path_stat("file", false).unwrap().mtim, file_st.mtim);
        root.path_set_times("symlink", true, SetTime::Keep, SetTime::At(5)).unwrap();
        assert_eq!(root.path_stat("file", false).unwrap().mtim, 5);
        assert_eq!(root.path_stat("symlink", false).unwrap().mtim, link_st.mtim - 200);
    }

    // Hard links.

    #[test]
    fn hard_links_share_the_inode() {
        let (_, root) = fs();
        put(&root, "file", b"one");
        root.link("file", false, &root, "link").unwrap();
        let a = root.path_stat("file", false).unwrap();
        let b = root.path_stat("link", false).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.nlink, 2);
        put(&root, "link", b"two");
        assert_eq!(get(&root, "file"), b"two");
        root.create_dir("sub").unwrap();
        let sub = subdir(&root, "sub").unwrap();
        root.link("file", false, &*sub, "link").unwrap();
        assert_eq!(sub.path_stat("link", false).unwrap().nlink, 3);
        root.unlink_file("file").unwrap();
        root.unlink_file("link").unwrap();
        assert_eq!(sub.path_stat("link", false).unwrap().nlink, 1);
        assert_eq!(get(&*sub, "link"), b"two");
    }

    #[test]
    fn hard_link_errors() {
        let (_, root) = fs();
        touch(&root, "file");
        touch(&root, "other");
        assert_eq!(err(root.link("file", false, &root, "other")), Errno::EXIST);
        assert_eq!(err(root.link("file", false, &root, "file")), Errno::EXIST);
        root.create_dir("dir").unwrap();
        assert_eq!(err(root.link("file", false, &root, "dir")), Errno::EXIST);
        assert_eq!(err(root.link("dir", false, &root, "new")), Errno::PERM);
        assert_eq!(err(root.link(".", false, &root, "new")), Errno::PERM);
        assert_eq!(err(root.link("file", false, &root, "new/")), Errno::NOENT);
        assert_eq!(err(root.link("file/", false, &root, "new")), Errno::NOTDIR);
        assert_eq!(err(root.link("missing", false, &root, "new")), Errno::NOENT);
        assert_eq!(err(root.link("file", false, &root, "..")), Errno::PERM);
        assert_eq!(err(root.link("file", false, &root, "dir/..")), Errno::EXIST);
        assert_eq!(err(root.create_dir("..")), Errno::PERM);
        assert_eq!(err(root.remove_dir("..")), Errno::PERM);
        assert_eq!(err(root.unlink_file("..")), Errno::PERM);
        assert_eq!(err(root.symlink("x", "..")), Errno::PERM);
        assert_eq!(err(root.rename("file", &root, "..")), Errno::PERM);
    }

    #[test]
    fn hard_links_to_symlinks() {
        let (_, root) = fs();
        root.symlink("target", "symlink").unwrap();
        // Not following: the symlink itself gets a second name.
        root.link("symlink", false, &root, "link").unwrap();
        assert_eq!(root.read_link("link").unwrap(), "target");
        assert_eq!(root.path_stat("link", false).unwrap().nlink, 2);
        root.unlink_file("link").unwrap();
        // Following a dangling one finds nothing.
        assert_eq!(err(root.link("symlink", true, &root, "link")), Errno::NOENT);
        assert_eq!(err(root.link("file", false, &root, "symlink")), Errno::NOENT);
        touch(&root, "file");
        assert_eq!(err(root.link("file", false, &root, "symlink")), Errno::EXIST);
        root.symlink("self", "self").unwrap();
        root.link("self", false, &root, "loop").unwrap();
        assert_eq!(err(root.link("self", true, &root, "x")), Errno::LOOP);
        // Following a good one links the target.
        root.unlink_file("symlink").unwrap();
        root.symlink("file", "symlink").unwrap();
        root.link("symlink", true, &root, "hard").unwrap();
        assert_eq!(root.path_stat("hard", false).unwrap().ino, root.path_stat("file", false).unwrap().ino);
    }

    // Renames.

    #[test]
    fn rename_files() {
        let (_, root) = fs();
        put(&root, "source", b"s");
        let ino = root.path_stat("source", false).unwrap().ino;
        root.rename("source", &root, "target").unwrap();
        assert_eq!(err(root.path_stat("source", false)), Errno::NOENT);
        assert_eq!(root.path_stat("target", false).unwrap().ino, ino);
        // Over an existing file: it is replaced.
        put(&root, "source", b"new");
        let old = file(&root, "target", &read()).unwrap();
        root.rename("source", &root, "target").unwrap();
        assert_eq!(get(&root, "target"), b"new");
        assert_eq!(old.stat().unwrap().nlink, 0);
        assert_eq!(names(&root), ["target"]);
        assert_eq!(err(root.rename("missing", &root, "x")), Errno::NOENT);
    }

    #[test]
    fn rename_directories() {
        let (_, root) = fs();
        root.create_dir("source").unwrap();
        touch(&root, "source/inside");
        root.rename("source", &root, "target").unwrap();
        assert_eq!(err(root.path_stat("source", false)), Errno::NOENT);
        assert!(root.path_stat("target/inside", false).is_ok());
        // Over an empty directory.
        root.create_dir("empty").unwrap();
        root.rename("target", &root, "empty").unwrap();
        assert!(root.path_stat("empty/inside", false).is_ok());
        assert_eq!(names(&root), ["empty"]);
        assert_eq!(root.stat().unwrap().nlink, 3);
        // Over a non-empty one.
        root.create_dir("other").unwrap();
        assert_eq!(err(root.rename("other", &root, "empty")), Errno::NOTEMPTY);
    }

    #[test]
    fn rename_type_mismatches() {
        let (_, root) = fs();
        touch(&root, "file");
        root.create_dir("dir").unwrap();
        assert_eq!(err(root.rename("file", &root, "dir")), Errno::ISDIR);
        assert_eq!(err(root.rename("dir", &root, "file")), Errno::NOTDIR);
        root.create_dir("target").unwrap();
        touch(&root, "target/file");
        assert_eq!(err(root.rename("dir", &root, "target/file")), Errno::NOTDIR);
        assert_eq!(names(&root), ["dir", "file", "target"]);
    }

    #[test]
    fn rename_into_own_subtree_is_inval() {
        let (_, root) = fs();
        root.create_dir("a").unwrap();
        root.create_dir("a/b").unwrap();
        assert_eq!(err(root.rename("a", &root, "a/b/c")), Errno::INVAL);
        assert_eq!(err(root.rename("a", &root, "a/c")), Errno::INVAL);
        let b = subdir(&root, "a/b").unwrap();
        assert_eq!(err(root.rename("a", &*b, "c")), Errno::INVAL);
        // Onto its own ancestor: that one is not empty.
        assert_eq!(err(root.rename("a/b", &root, "a")), Errno::NOTEMPTY);
        // Onto itself: nothing happens.
        root.rename("a", &root, "a").unwrap();
        root.rename("a/b/", &root, "a/b/").unwrap();
        assert!(root.path_stat("a/b", false).is_ok());
    }

    #[test]
    fn rename_between_links_of_one_file_does_nothing() {
        let (_, root) = fs();
        touch(&root, "a");
        root.link("a", false, &root, "b").unwrap();
        root.rename("a", &root, "b").unwrap();
        assert_eq!(names(&root), ["a", "b"]);
        assert_eq!(root.path_stat("a", false).unwrap().nlink, 2);
    }

    #[test]
    fn rename_trailing_slashes() {
        let (_, root) = fs();
        root.create_dir("source").unwrap();
        root.rename("source/", &root, "target").unwrap();
        root.rename("target", &root, "source/").unwrap();
        root.rename("source/", &root, "target/").unwrap();
        root.rename("target", &root, "source").unwrap();
        touch(&root, "file");
        assert_eq!(err(root.rename("file/", &root, "other")), Errno::NOTDIR);
        assert_eq!(err(root.rename("file", &root, "other/")), Errno::NOTDIR);
        assert_eq!(err(root.rename(".", &root, "x")), Errno::BUSY);
        assert_eq!(err(root.rename("file", &root, "source/..")), Errno::BUSY);
        assert_eq!(names(&root), ["file", "source"]);
    }

    #[test]
    fn rename_moves_a_symlink_not_its_target() {
        let (_, root) = fs();
        root.create_dir("d").unwrap();
        root.symlink("d", "l").unwrap();
        root.rename("l", &root, "m").unwrap();
        assert_eq!(root.read_link("m").unwrap(), "d");
        assert_eq!(names(&root), ["d", "m"]);
    }

    #[test]
    fn two_directories_of_one_tree_and_of_others() {
        let (fs, root) = fs();
        fs.write_file("a/f", b"f").unwrap();
        fs.create_dir_all("b").unwrap();
        let (a, b) = (fs.dir("a").unwrap(), fs.dir("b").unwrap());
        a.rename("f", &b, "g").unwrap();
        assert_eq!(fs.read_file("b/g").unwrap(), b"f");
        b.link("g", false, &a, "h").unwrap();
        assert_eq!(root.path_stat("a/h", false).unwrap().nlink, 2);
        // Through a clone of the handle: the same tree.
        let again = fs.clone().dir("a").unwrap();
        b.rename("g", &again, "g").unwrap();
        assert_eq!(names(&a), ["g", "h"]);
        let other = MemFs::with_fixed_clock();
        let elsewhere = other.dir("/").unwrap();
        assert_eq!(err(a.rename("g", &elsewhere, "g")), Errno::XDEV);
        assert_eq!(err(a.link("g", false, &elsewhere, "g")), Errno::XDEV);
        assert_eq!(err(a.rename("g", &OtherDir, "g")), Errno::XDEV);
        assert_eq!(err(a.link("g", false, &OtherDir, "g")), Errno::XDEV);
        assert!(other.list().is_empty());
    }

    // Times.

    #[test]
    fn creation_sets_all_times_and_the_parents() {
        let (_, root) = fs();
        let before = root.stat().unwrap();
        touch(&root, "f");
        let st = root.path_stat("f", false).unwrap();
        assert!(st.mtim > before.mtim);
        assert_eq!((st.atim, st.ctim), (st.mtim, st.mtim));
        let dir = root.stat().unwrap();
        assert_eq!((dir.mtim, dir.ctim), (st.mtim, st.mtim));
        assert_eq!(dir.atim, before.atim);
        root.unlink_file("f").unwrap();
        assert!(root.stat().unwrap().mtim > st.mtim);
    }

    #[test]
    fn writes_and_size_changes_update_mtime_and_ctime() {
        let (_, root) = fs();
        let f = file(&root, "f", &create()).unwrap();
        let t0 = f.stat().unwrap();
        f.write_at(b"x", 0).unwrap();
        let t1 = f.stat().unwrap();
        assert!(t1.mtim > t0.mtim);
        assert_eq!(t1.ctim, t1.mtim);
        assert_eq!(t1.atim, t0.atim);
        // An empty write changes nothing.
        f.write_at(b"", 0).unwrap();
        assert_eq!(f.stat().unwrap(), t1);
        f.set_size(100).unwrap();
        let t2 = f.stat().unwrap();
        assert!(t2.mtim > t1.mtim);
        assert_eq!(t2.size, 100);
    }

    #[test]
    fn metadata_changes_update_ctime_only() {
        let (_, root) = fs();
        touch(&root, "f");
        let t0 = root.path_stat("f", false).unwrap();
        root.link("f", false, &root, "g").unwrap();
        let t1 = root.path_stat("f", false).unwrap();
        assert!(t1.ctim > t0.ctim);
        assert_eq!(t1.mtim, t0.mtim);
        root.rename("g", &root, "h").unwrap();
        let t2 = root.path_stat("f", false).unwrap();
        assert!(t2.ctim > t1.ctim);
        assert_eq!(t2.mtim, t0.mtim);
        root.unlink_file("h").unwrap();
        assert!(root.path_stat("f", false).unwrap().ctim > t2.ctim);
    }

    #[test]
    fn set_times_now_at_and_keep() {
        let (_, root) = fs();
        let f = file(&root, "f", &create()).unwrap();
        let t0 = f.stat().unwrap();
        f.set_times(SetTime::At(7), SetTime::Keep).unwrap();
        let t1 = f.stat().unwrap();
        assert_eq!((t1.atim, t1.mtim), (7, t0.mtim));
        assert!(t1.ctim > t0.ctim);
        f.set_times(SetTime::Keep, SetTime::Now).unwrap();
        let t2 = f.stat().unwrap();
        assert_eq!(t2.atim, 7);
        assert!(t2.mtim > t1.ctim);
        assert_eq!(t2.ctim, t2.mtim);
        f.set_times(SetTime::Keep, SetTime::Keep).unwrap();
        assert_eq!(f.stat().unwrap(), t2);
        root.set_times(SetTime::At(1), SetTime::At(2)).unwrap();
        let d = root.stat().unwrap();
        assert_eq!((d.atim, d.mtim), (1, 2));
        root.path_set_times(".", false, SetTime::At(3), SetTime::Keep).unwrap();
        assert_eq!(root.stat().unwrap().atim, 3);
    }

    #[test]
    fn reads_update_atime_as_relatime_does() {
        let (_, root) = fs();
        let f = file(&root, "f", &create()).unwrap();
        f.write_at(b"abc", 0).unwrap();
        let mut buf = [0; 2];
        f.read_at(&mut buf, 0).unwrap();
        let t1 = f.stat().unwrap();
        assert!(t1.atim > t1.mtim);
        // Already newer than the last change: a second read leaves it.
        f.read_at(&mut buf, 0).unwrap();
        assert_eq!(f.stat().unwrap().atim, t1.atim);
        // An empty read does nothing.
        f.write_at(b"d", 3).unwrap();
        f.read_at(&mut [], 0).unwrap();
        let t2 = f.stat().unwrap();
        assert!(t2.atim < t2.mtim);
        // A day later it is updated again.
        f.set_times(SetTime::At(t2.mtim + 1), SetTime::Keep).unwrap();
        let fs = MemFs::new(Box::new(|| 10 * RELATIME_NS));
        let g = file(&fs.dir("").unwrap(), "g", &create()).unwrap();
        g.set_times(SetTime::At(RELATIME_NS), SetTime::At(0)).unwrap();
        g.read_at(&mut buf, 0).unwrap();
        assert_eq!(g.stat().unwrap().atim, 10 * RELATIME_NS);
    }

    // Limits.

    #[test]
    fn huge_offsets_and_sizes_fail_without_allocating() {
        let (fs, root) = fs();
        let f = file(&root, "f", &create()).unwrap();
        assert_eq!(err(f.write_at(b"x", 1 << 60)), Errno::NOSPC);
        assert_eq!(err(f.write_at(b"x", u64::MAX)), Errno::FBIG);
        assert_eq!(err(f.write_at(b"x", i64::MAX as u64)), Errno::FBIG);
        assert_eq!(err(f.set_size(u64::MAX)), Errno::FBIG);
        assert_eq!(err(f.set_size(1 << 40)), Errno::NOSPC);
        assert_eq!(err(f.allocate(u64::MAX, 2)), Errno::FBIG);
        assert_eq!(f.stat().unwrap().size, 0);
        // Even with no limit, a failed allocation is an error, not an abort.
        fs.set_limit(u64::MAX);
        assert_eq!(err(f.write_at(b"x", 1 << 60)), Errno::NOSPC);
        assert_eq!(err(f.set_size(1 << 62)), Errno::NOSPC);
        assert_eq!(f.stat().unwrap().size, 0);
    }

    #[test]
    fn the_byte_limit_is_nospc_and_freed_bytes_come_back() {
        let (fs, root) = fs();
        fs.set_limit(fs.used() + 10_000);
        let f = file(&root, "big", &create()).unwrap();
        let room = fs.limit() - fs.used();
        f.set_size(room).unwrap();
        assert_eq!(fs.used(), fs.limit());
        assert_eq!(err(f.write_at(b"x", room)), Errno::NOSPC);
        assert_eq!(err(root.create_dir("d")), Errno::NOSPC);
        assert_eq!(err(root.open("g", &create())), Errno::NOSPC);
        assert_eq!(err(root.symlink("t", "s")), Errno::NOSPC);
        assert_eq!(err(fs.write_file("h", b"h")), Errno::NOSPC);
        // Unlinked but open: still counted.
        root.unlink_file("big").unwrap();
        assert_eq!(err(root.create_dir("d")), Errno::NOSPC);
        drop(f);
        assert!(fs.limit() - fs.used() >= room);
        root.create_dir("d").unwrap();
    }

    #[test]
    fn many_entries_count_against_the_limit() {
        let (fs, root) = fs();
        fs.set_limit(100 * 1024);
        let mut made = 0;
        while root.create_dir(&format!("dir{made}")).is_ok() {
            made += 1;
            assert!(made < 1000, "the limit did not stop directory creation");
        }
        assert!(made > 100);
        assert_eq!(err(root.create_dir("one-more")), Errno::NOSPC);
        let used = fs.used();
        fs.remove("dir0").unwrap();
        assert!(fs.used() < used);
    }

    #[test]
    fn dropping_the_tree_returns_every_byte() {
        let fs = MemFs::with_fixed_clock();
        let base = fs.used();
        fs.write_file("a/b/c", b"12345").unwrap();
        fs.symlink("a/b", "l").unwrap();
        let root = fs.dir("").unwrap();
        root.link("a/b/c", false, &root, "hard").unwrap();
        root.rename("a/b", &root, "moved").unwrap();
        // Onto another link of the same file: nothing happens.
        root.rename("hard", &root, "moved/c").unwrap();
        root.rename("hard", &root, "moved/d").unwrap();
        root.unlink_file("moved/c").unwrap();
        root.unlink_file("moved/d").unwrap();
        fs.remove("a").unwrap();
        fs.remove("moved").unwrap();
        fs.remove("l").unwrap();
        assert_eq!(fs.used(), base);
    }

    #[test]
    fn a_deep_tree_drops_without_recursion() {
        let shared;
        {
            let fs = MemFs::with_fixed_clock();
            shared = fs.shared.clone();
            // Deeper than any path allows, built by hand.
            let mut dir = fs.root.clone();
            for _ in 0..200_000 {
                let now = 0;
                let next = new_node(
                    &fs.shared,
                    Kind::Dir(DirNode { entries: BTreeMap::new(), parent: Rc::downgrade(&dir), name: "d".into() }),
                    now,
                )
                .unwrap();
                insert(&dir, "d", next.clone(), now).unwrap();
                dir = next;
            }
        }
        assert_eq!(shared.used.get(), 0);
    }

    // The host side.

    #[test]
    fn host_write_read_and_create_dir_all() {
        let fs = MemFs::with_fixed_clock();
        fs.write_file("/in/data/x.txt", b"hello").unwrap();
        assert_eq!(fs.read_file("in/data/x.txt").unwrap(), b"hello");
        fs.write_file("in/data/x.txt", b"hi").unwrap();
        assert_eq!(fs.read_file("/in/data/x.txt").unwrap(), b"hi");
        fs.create_dir_all("/in/data/deeper/still").unwrap();
        fs.create_dir_all("in/data").unwrap();
        assert_eq!(err(fs.create_dir_all("in/data/x.txt")), Errno::NOTDIR);
        assert_eq!(err(fs.create_dir_all("in/data/x.txt/y")), Errno::NOTDIR);
        assert_eq!(err(fs.write_file("in/data", b"")), Errno::ISDIR);
        assert_eq!(err(fs.read_file("in")), Errno::ISDIR);
        assert_eq!(err(fs.read_file("nope")), Errno::NOENT);
        assert_eq!(err(fs.dir("in/data/x.txt")), Errno::NOTDIR);
        assert_eq!(fs.dir("").unwrap().stat().unwrap().ino, fs.dir("/").unwrap().stat().unwrap().ino);
        let preopen = fs.dir("/in/data").unwrap();
        assert_eq!(get(&preopen, "x.txt"), b"hi");
    }

    #[test]
    fn host_remove_is_recursive_and_open_handles_survive() {
        let (fs, root) = fs();
        fs.write_file("t/a/f", b"f").unwrap();
        fs.write_file("t/b", b"b").unwrap();
        fs.symlink("b", "t/l").unwrap();
        let inner = fs.dir("t/a").unwrap();
        let f = file(&root, "t/a/f", &read()).unwrap();
        fs.remove("t/l").unwrap();
        assert_eq!(fs.read_file("t/b").unwrap(), b"b");
        fs.remove("/t").unwrap();
        assert_eq!(err(fs.read_file("t/b")), Errno::NOENT);
        assert!(fs.list().is_empty());
        assert_eq!(err(inner.create_dir("x")), Errno::NOENT);
        assert_eq!(f.stat().unwrap().nlink, 0);
        let mut buf = [0; 1];
        assert_eq!(f.read_at(&mut buf, 0).unwrap(), 1);
        assert_eq!(err(fs.remove("t")), Errno::NOENT);
        assert_eq!(err(fs.remove("/")), Errno::BUSY);
        assert_eq!(err(fs.remove("")), Errno::BUSY);
    }

    #[test]
    fn host_list_shows_every_node_in_order() {
        let (fs, root) = fs();
        fs.write_file("b/file", b"12345").unwrap();
        fs.create_dir_all("a").unwrap();
        fs.symlink("b/file", "link").unwrap();
        root.link("b/file", false, &root, "a/hard").unwrap();
        let list = fs.list();
        let paths: Vec<&str> = list.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(paths, ["/a", "/a/hard", "/b", "/b/file", "/link"]);
        let file = &list[3];
        assert_eq!((file.kind, file.size, file.nlink), (FileType::RegularFile, 5, 2));
        assert_eq!(list[1].ino, file.ino);
        assert_eq!(list[0].kind, FileType::Directory);
        assert_eq!(list[4].kind, FileType::SymbolicLink);
        assert_eq!(list[4].target.as_deref(), Some("b/file"));
        // What the program changed: newer mtimes.
        let before = list.iter().map(|e| e.mtime.max(e.ctime)).max().unwrap();
        put(&root, "b/file", b"changed");
        let changed: Vec<String> = fs.list().into_iter().filter(|e| e.mtime > before).map(|e| e.path).collect();
        assert_eq!(changed, ["/a/hard", "/b/file"]);
    }

    #[test]
    fn deterministic_clock_and_inos() {
        let run = || {
            let fs = MemFs::with_fixed_clock();
            fs.write_file("a/b", b"x").unwrap();
            fs.list()
        };
        let (one, two) = (run(), run());
        assert_eq!(one, two);
        assert_eq!(one[0].ino, 2);
        assert!(one[0].mtime > 1_704_067_200_000_000_000);
    }
}
