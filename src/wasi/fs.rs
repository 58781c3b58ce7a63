//! The file-system interface WASI runs on, with two back ends: host directories through
//! `cap-std` (`host.rs`, native only) and an in-memory tree (`memfs.rs`, the page's and the
//! tests'). The WASI layer (`mod.rs`) owns the descriptor table, rights, file positions and
//! the guest-memory side of every call; a back end only does what a file system does.
//!
//! Paths handed to a [`Dir`] are relative to it, as the guest wrote them (`a/b/../c`,
//! trailing slashes kept). Resolving them without leaving the directory is the back end's
//! job: `..` above the directory, absolute paths and symlinks that lead outside all fail with
//! [`Errno::PERM`] (what wasmtime reports), and nothing outside is read or written.

use std::any::Any;

/// A WASI errno (`wasi_snapshot_preview1`'s `errno`, a `u16`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Errno(pub u16);

pub type Result<T> = std::result::Result<T, Errno>;

macro_rules! errnos {
    ($($name:ident = $n:literal,)*) => {
        impl Errno {
            $(pub const $name: Errno = Errno($n);)*
            /// The errno's name in capitals (`NOENT`, the spec's `noent`), for messages and
            /// traces.
            pub fn name(self) -> &'static str {
                match self.0 {
                    $($n => stringify!($name),)*
                    _ => "unknown",
                }
            }
        }
    };
}

errnos! {
    SUCCESS = 0, TOOBIG = 1, ACCES = 2, ADDRINUSE = 3, ADDRNOTAVAIL = 4, AFNOSUPPORT = 5,
    AGAIN = 6, ALREADY = 7, BADF = 8, BADMSG = 9, BUSY = 10, CANCELED = 11, CHILD = 12,
    CONNABORTED = 13, CONNREFUSED = 14, CONNRESET = 15, DEADLK = 16, DESTADDRREQ = 17,
    DOM = 18, DQUOT = 19, EXIST = 20, FAULT = 21, FBIG = 22, HOSTUNREACH = 23, IDRM = 24,
    ILSEQ = 25, INPROGRESS = 26, INTR = 27, INVAL = 28, IO = 29, ISCONN = 30, ISDIR = 31,
    LOOP = 32, MFILE = 33, MLINK = 34, MSGSIZE = 35, MULTIHOP = 36, NAMETOOLONG = 37,
    NETDOWN = 38, NETRESET = 39, NETUNREACH = 40, NFILE = 41, NOBUFS = 42, NODEV = 43,
    NOENT = 44, NOEXEC = 45, NOLCK = 46, NOLINK = 47, NOMEM = 48, NOMSG = 49,
    NOPROTOOPT = 50, NOSPC = 51, NOSYS = 52, NOTCONN = 53, NOTDIR = 54, NOTEMPTY = 55,
    NOTRECOVERABLE = 56, NOTSOCK = 57, NOTSUP = 58, NOTTY = 59, NXIO = 60, OVERFLOW = 61,
    OWNERDEAD = 62, PERM = 63, PIPE = 64, PROTO = 65, PROTONOSUPPORT = 66, PROTOTYPE = 67,
    RANGE = 68, ROFS = 69, SPIPE = 70, SRCH = 71, STALE = 72, TIMEDOUT = 73, TXTBSY = 74,
    XDEV = 75, NOTCAPABLE = 76,
}

/// `filetype`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
#[repr(u8)]
pub enum FileType {
    #[default]
    Unknown = 0,
    BlockDevice = 1,
    CharacterDevice = 2,
    Directory = 3,
    RegularFile = 4,
    SocketDgram = 5,
    SocketStream = 6,
    SymbolicLink = 7,
}

/// `filestat`. Times are nanoseconds since the Unix epoch.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct Filestat {
    pub dev: u64,
    pub ino: u64,
    pub filetype: FileType,
    pub nlink: u64,
    pub size: u64,
    pub atim: u64,
    pub mtim: u64,
    pub ctim: u64,
}

/// One timestamp of a `*_set_times` call.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum SetTime {
    /// Leave it as it is.
    Keep,
    /// The back end's current time.
    Now,
    /// Nanoseconds since the Unix epoch.
    At(u64),
}

/// What `path_open` asks for (its `oflags`, the access the rights allow, its `fdflags` and
/// `lookupflags`), as plain booleans.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct OpenOptions {
    /// Follow a symlink in the last component (`lookupflags::symlink_follow`). Symlinks in
    /// earlier components are always followed.
    pub follow: bool,
    /// `oflags::creat`: create the file if it does not exist.
    pub create: bool,
    /// `oflags::directory`: fail with `NOTDIR` unless it is a directory.
    pub directory: bool,
    /// `oflags::excl`: with `create`, fail with `EXIST` if it exists.
    pub exclusive: bool,
    /// `oflags::trunc`: truncate a regular file to 0 (whatever `write` says: the right to
    /// truncate is the WASI layer's to check, and it sets `write` too).
    pub truncate: bool,
    pub read: bool,
    pub write: bool,
    /// `fdflags::append` (the WASI layer writes at the end; the back end may open in append
    /// mode too).
    pub append: bool,
    /// `fdflags::dsync`/`rsync`/`sync`: writes reach the storage before they return.
    pub sync: bool,
    /// `fdflags::nonblock`.
    pub nonblock: bool,
}

/// One directory entry (`dirent` without `d_next` and `d_namlen`).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct DirEntry {
    pub name: String,
    pub filetype: FileType,
    pub ino: u64,
}

/// What [`Dir::open`] found.
pub enum Opened {
    File(Box<dyn File>),
    Dir(Box<dyn Dir>),
}

/// An open directory. Every `path` is relative to it (see the module's documentation).
pub trait Dir {
    /// For operations on two directories of the same back end (`rename`, `link`): a back end
    /// downcasts the other one and fails with `XDEV` if it is not its own kind.
    fn as_any(&self) -> &dyn Any;
    fn open(&self, path: &str, options: &OpenOptions) -> Result<Opened>;
    fn create_dir(&self, path: &str) -> Result<()>;
    fn remove_dir(&self, path: &str) -> Result<()>;
    fn unlink_file(&self, path: &str) -> Result<()>;
    /// Creates a symlink at `path` whose contents are `target`. A relative target is not
    /// resolved or checked (it is when followed); an absolute one fails with `PERM`, as
    /// cap-std refuses it (and the wasi-testsuite's `symlink_create` expects).
    fn symlink(&self, target: &str, path: &str) -> Result<()>;
    fn read_link(&self, path: &str) -> Result<String>;
    /// A hard link `new_dir/new` to `old` (a symlink in `old`'s last component is followed
    /// only if `follow`).
    fn link(&self, old: &str, follow: bool, new_dir: &dyn Dir, new: &str) -> Result<()>;
    fn rename(&self, old: &str, new_dir: &dyn Dir, new: &str) -> Result<()>;
    /// This directory's own status.
    fn stat(&self) -> Result<Filestat>;
    fn path_stat(&self, path: &str, follow: bool) -> Result<Filestat>;
    /// This directory's own times.
    fn set_times(&self, atim: SetTime, mtim: SetTime) -> Result<()>;
    fn path_set_times(&self, path: &str, follow: bool, atim: SetTime, mtim: SetTime) -> Result<()>;
    /// The entries, without `.` and `..` (the WASI layer adds those), in a stable order.
    fn entries(&self) -> Result<Vec<DirEntry>>;
}

/// An open regular file (or anything else that is not a directory: a device, a socket).
/// The WASI layer keeps the file position; reads and writes here are positional.
pub trait File {
    fn filetype(&self) -> FileType {
        FileType::RegularFile
    }
    /// Reads at `offset`; 0 at or past the end.
    fn read_at(&self, buf: &mut [u8], offset: u64) -> Result<usize>;
    /// Writes at `offset`, growing the file (with zeros) as needed.
    fn write_at(&self, buf: &[u8], offset: u64) -> Result<usize>;
    fn stat(&self) -> Result<Filestat>;
    fn set_size(&self, size: u64) -> Result<()>;
    fn set_times(&self, atim: SetTime, mtim: SetTime) -> Result<()>;
    /// `fd_sync`/`fd_datasync`.
    fn sync(&self) -> Result<()> {
        Ok(())
    }
    /// `fd_allocate`: the file is at least `offset + len` bytes long afterwards.
    fn allocate(&self, offset: u64, len: u64) -> Result<()> {
        let end = offset.checked_add(len).ok_or(Errno::FBIG)?;
        if self.stat()?.size < end { self.set_size(end) } else { Ok(()) }
    }
}

/// A directory of no back end (every call `NOSYS`), for the back ends' tests of
/// operations across two kinds of directory (`XDEV`).
#[cfg(test)]
pub(crate) struct OtherDir;

#[cfg(test)]
impl Dir for OtherDir {
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn open(&self, _: &str, _: &OpenOptions) -> Result<Opened> {
        Err(Errno::NOSYS)
    }
    fn create_dir(&self, _: &str) -> Result<()> {
        Err(Errno::NOSYS)
    }
    fn remove_dir(&self, _: &str) -> Result<()> {
        Err(Errno::NOSYS)
    }
    fn unlink_file(&self, _: &str) -> Result<()> {
        Err(Errno::NOSYS)
    }
    fn symlink(&self, _: &str, _: &str) -> Result<()> {
        Err(Errno::NOSYS)
    }
    fn read_link(&self, _: &str) -> Result<String> {
        Err(Errno::NOSYS)
    }
    fn link(&self, _: &str, _: bool, _: &dyn Dir, _: &str) -> Result<()> {
        Err(Errno::NOSYS)
    }
    fn rename(&self, _: &str, _: &dyn Dir, _: &str) -> Result<()> {
        Err(Errno::NOSYS)
    }
    fn stat(&self) -> Result<Filestat> {
        Err(Errno::NOSYS)
    }
    fn path_stat(&self, _: &str, _: bool) -> Result<Filestat> {
        Err(Errno::NOSYS)
    }
    fn set_times(&self, _: SetTime, _: SetTime) -> Result<()> {
        Err(Errno::NOSYS)
    }
    fn path_set_times(&self, _: &str, _: bool, _: SetTime, _: SetTime) -> Result<()> {
        Err(Errno::NOSYS)
    }
    fn entries(&self) -> Result<Vec<DirEntry>> {
        Err(Errno::NOSYS)
    }
}
