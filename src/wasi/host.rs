//! The host-directory back end of [`super::fs`]: a preopened directory of the host's file
//! system, through `cap-std` (as wasmtime's WASI does). Native only.
//!
//! [`open_dir`] is the one place that uses ambient authority (a host path). Every other
//! operation goes through a `cap_std::fs::Dir`, which resolves each path beneath its
//! directory (`openat2` with `RESOLVE_BENEATH` on Linux, a checked walk elsewhere): `..`
//! above it, absolute paths and symlinks leading outside fail with cap-std's escape error,
//! which [`errno_of`] reports as [`Errno::PERM`] like wasmtime. Nothing here joins paths for
//! `std::fs` or checks `..` itself.
//!
//! Reads and writes are positional (the WASI layer keeps file positions), and files are not
//! opened in the OS's append mode: the layer writes an append descriptor's data at the end.

use super::fs::{Dir, DirEntry, Errno, File, FileType, Filestat, OpenOptions, Opened, Result, SetTime};
use cap_fs_ext::{DirExt, FollowSymlinks, OpenOptionsFollowExt, OpenOptionsMaybeDirExt, OpenOptionsSyncExt};
use std::any::Any;
use std::io;
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::time::{Duration, SystemTime};

/// Opens the host directory `host_path` as a WASI directory (for `--dir HOST[::GUEST]`).
pub fn open_dir(host_path: &Path) -> io::Result<Box<dyn Dir>> {
    Ok(Box::new(HostDir::open_ambient(host_path)?))
}

/// A directory of the host's file system, and everything beneath it.
pub struct HostDir {
    dir: cap_std::fs::Dir,
}

impl HostDir {
    /// Opens the host directory `host_path` (ambient authority: the caller chose the path).
    pub fn open_ambient(host_path: &Path) -> io::Result<HostDir> {
        let dir = cap_std::fs::Dir::open_ambient_dir(host_path, cap_std::ambient_authority())?;
        Ok(HostDir { dir })
    }

    /// A directory the caller already holds as a capability.
    pub fn from_cap_std(dir: cap_std::fs::Dir) -> HostDir {
        HostDir { dir }
    }

    /// The other directory of a two-directory operation, if it is a host directory.
    fn same_kind(other: &dyn Dir) -> Result<&HostDir> {
        other.as_any().downcast_ref::<HostDir>().ok_or(Errno::XDEV)
    }

    /// `old` with symlinks in its last component followed, as a path still relative to this
    /// directory (for `link` with `follow`; cap-std's `hard_link` never follows). Each target
    /// is only ever handed back to cap-std, which keeps it beneath the directory; absolute
    /// targets are refused by `read_link`.
    fn resolve_last(&self, old: &str) -> Result<String> {
        let mut path = old.to_owned();
        // Linux's MAXSYMLINKS.
        for _ in 0..40 {
            let meta = self.dir.symlink_metadata(&path).map_err(|e| errno_of(&e))?;
            if !meta.file_type().is_symlink() {
                return Ok(path);
            }
            let target = self.dir.read_link(&path).map_err(|e| errno_of(&e))?;
            let target = target.into_os_string().into_string().map_err(|_| Errno::ILSEQ)?;
            let base = path.trim_end_matches('/');
            path = match base.rfind('/') {
                Some(i) => format!("{}/{target}", &base[..i]),
                None => target,
            };
        }
        Err(Errno::LOOP)
    }
}

impl Dir for HostDir {
    fn as_any(&self) -> &dyn Any {
        self
    }

    fn open(&self, path: &str, o: &OpenOptions) -> Result<Opened> {
        if o.directory {
            // As wasmtime: creating or truncating a directory is not a thing.
            if o.create || o.exclusive || o.truncate {
                return Err(Errno::INVAL);
            }
            let dir = if o.follow { self.dir.open_dir(path) } else { self.dir.open_dir_nofollow(path) };
            let dir = dir.map_err(|e| errno_of(&e))?;
            // Linux's open(O_DIRECTORY | O_RDWR) on a directory.
            if o.write {
                return Err(Errno::ISDIR);
            }
            return Ok(Opened::Dir(Box::new(HostDir { dir })));
        }
        let mut opts = cap_std::fs::OpenOptions::new();
        // As wasmtime: creating or truncating needs an OS write descriptor, and one that is
        // not opened for writing is opened for reading (the OS needs one or the other).
        let write = o.write || o.create || o.truncate;
        opts.read(o.read || !write).write(write);
        if o.create {
            if o.exclusive {
                opts.create_new(true);
            } else {
                opts.create(true);
            }
        }
        opts.truncate(o.truncate);
        opts.follow(if o.follow { FollowSymlinks::Yes } else { FollowSymlinks::No });
        opts.maybe_dir(true);
        if o.sync {
            opts.sync(true);
        }
        if o.nonblock {
            opts.nonblock(true);
        }
        let file = self.dir.open_with(path, &opts).map_err(|e| errno_of(&e))?;
        let meta = file.metadata().map_err(|e| errno_of(&e))?;
        let file = file.into_std();
        if meta.is_dir() {
            return Ok(Opened::Dir(Box::new(HostDir { dir: cap_std::fs::Dir::from_std_file(file) })));
        }
        let filetype = cap_filetype(meta.file_type());
        Ok(Opened::File(Box::new(HostFile { file, filetype })))
    }

    fn create_dir(&self, path: &str) -> Result<()> {
        self.dir.create_dir(path).map_err(|e| errno_of(&e))
    }

    fn remove_dir(&self, path: &str) -> Result<()> {
        // Linux's rmdir takes `dir/` (cap-std's last-component split makes it `.`, EINVAL);
        // without the slashes the name is the same directory, and a file still fails NOTDIR.
        let trimmed = path.trim_end_matches('/');
        let path = if trimmed.is_empty() { path } else { trimmed };
        self.dir.remove_dir(path).map_err(|e| errno_of(&e))
    }

    fn unlink_file(&self, path: &str) -> Result<()> {
        self.dir.remove_file_or_symlink(path).map_err(|e| errno_of(&e))
    }

    fn symlink(&self, target: &str, path: &str) -> Result<()> {
        // cap-std refuses absolute targets (so does wasmtime); relative ones are stored as
        // they are and checked when something resolves them.
        self.dir.symlink(target, path).map_err(|e| errno_of(&e))
    }

    fn read_link(&self, path: &str) -> Result<String> {
        let target = self.dir.read_link(path).map_err(|e| errno_of(&e))?;
        target.into_os_string().into_string().map_err(|_| Errno::ILSEQ)
    }

    fn link(&self, old: &str, follow: bool, new_dir: &dyn Dir, new: &str) -> Result<()> {
        let new_dir = HostDir::same_kind(new_dir)?;
        let old = if follow { self.resolve_last(old)? } else { old.to_owned() };
        self.dir.hard_link(old, &new_dir.dir, new).map_err(|e| errno_of(&e))
    }

    fn rename(&self, old: &str, new_dir: &dyn Dir, new: &str) -> Result<()> {
        let new_dir = HostDir::same_kind(new_dir)?;
        // cap-std drops a trailing slash of the new name; Linux takes one to mean that the
        // name is a directory's, and fails with NOTDIR when the one renamed is not.
        // (The new name is looked up first, through cap-std, so that one leading outside is
        // still PERM and an existing directory still EISDIR.)
        if new.ends_with('/') && !old.trim_end_matches('/').is_empty() {
            let meta = self.dir.symlink_metadata(old.trim_end_matches('/')).map_err(|e| errno_of(&e))?;
            if !meta.is_dir() {
                match new_dir.dir.metadata(new).map_err(|e| errno_of(&e)) {
                    Ok(m) if m.is_dir() => {}
                    Ok(_) | Err(Errno::NOENT | Errno::NOTDIR) => return Err(Errno::NOTDIR),
                    Err(e) => return Err(e),
                }
            }
        }
        self.dir.rename(old, &new_dir.dir, new).map_err(|e| errno_of(&e))
    }

    fn stat(&self) -> Result<Filestat> {
        let meta = self.dir.dir_metadata().map_err(|e| errno_of(&e))?;
        Ok(cap_filestat(&meta))
    }

    fn path_stat(&self, path: &str, follow: bool) -> Result<Filestat> {
        let follow = follow || names_a_directory(path);
        let meta = if follow { self.dir.metadata(path) } else { self.dir.symlink_metadata(path) };
        Ok(cap_filestat(&meta.map_err(|e| errno_of(&e))?))
    }

    fn set_times(&self, atim: SetTime, mtim: SetTime) -> Result<()> {
        self.dir.set_times(".", time_spec(atim)?, time_spec(mtim)?).map_err(|e| errno_of(&e))
    }

    fn path_set_times(&self, path: &str, follow: bool, atim: SetTime, mtim: SetTime) -> Result<()> {
        let (atim, mtim) = (time_spec(atim)?, time_spec(mtim)?);
        let follow = follow || names_a_directory(path);
        let r =
            if follow { self.dir.set_times(path, atim, mtim) } else { self.dir.set_symlink_times(path, atim, mtim) };
        r.map_err(|e| errno_of(&e))
    }

    fn entries(&self) -> Result<Vec<DirEntry>> {
        use rustix::fs::DirEntryExt;
        let mut out = Vec::new();
        for entry in self.dir.entries().map_err(|e| errno_of(&e))? {
            let entry = entry.map_err(|e| errno_of(&e))?;
            let name = entry.file_name().into_string().map_err(|_| Errno::ILSEQ)?;
            // The entry's own type (a symlink is a symlink), as readdir reports it.
            let filetype = cap_filetype(entry.file_type().map_err(|e| errno_of(&e))?);
            out.push(DirEntry { name, filetype, ino: entry.ino() });
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }
}

/// Does `path` end in `/` or `/.`? Linux then takes the last component for a directory and
/// follows a symlink there whatever the flags say (`lstat("link/")` is the target's,
/// `lstat("file/.")` is NOTDIR); cap-std's no-follow calls drop the suffix instead.
fn names_a_directory(path: &str) -> bool {
    path.ends_with('/') || path.ends_with("/.")
}

/// An open host file (regular, or a device, FIFO or socket reached by a path).
pub struct HostFile {
    file: std::fs::File,
    filetype: FileType,
}

/// Retries a call interrupted by a signal.
fn retry<T>(mut f: impl FnMut() -> io::Result<T>) -> Result<T> {
    loop {
        match f() {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            r => return r.map_err(|e| errno_of(&e)),
        }
    }
}

impl File for HostFile {
    fn filetype(&self) -> FileType {
        self.filetype
    }

    fn read_at(&self, buf: &mut [u8], offset: u64) -> Result<usize> {
        retry(|| self.file.read_at(buf, offset))
    }

    fn write_at(&self, buf: &[u8], offset: u64) -> Result<usize> {
        retry(|| self.file.write_at(buf, offset))
    }

    fn stat(&self) -> Result<Filestat> {
        // cap-std's view of the std file, so that one function turns metadata into a stat.
        cap_std::fs::Metadata::from_file(&self.file).map(|m| cap_filestat(&m)).map_err(|e| errno_of(&e))
    }

    fn set_size(&self, size: u64) -> Result<()> {
        retry(|| self.file.set_len(size))
    }

    fn set_times(&self, atim: SetTime, mtim: SetTime) -> Result<()> {
        let mut times = std::fs::FileTimes::new();
        if let Some(t) = system_time(atim)? {
            times = times.set_accessed(t);
        }
        if let Some(t) = system_time(mtim)? {
            times = times.set_modified(t);
        }
        retry(|| self.file.set_times(times))
    }

    fn sync(&self) -> Result<()> {
        retry(|| self.file.sync_all())
    }
}

fn cap_filetype(t: cap_std::fs::FileType) -> FileType {
    use cap_std::fs::FileTypeExt;
    if t.is_dir() {
        FileType::Directory
    } else if t.is_file() {
        FileType::RegularFile
    } else if t.is_symlink() {
        FileType::SymbolicLink
    } else if t.is_block_device() {
        FileType::BlockDevice
    } else if t.is_char_device() {
        FileType::CharacterDevice
    } else if t.is_socket() {
        FileType::SocketStream
    } else {
        // FIFOs have no WASI file type.
        FileType::Unknown
    }
}

fn cap_filestat(meta: &cap_std::fs::Metadata) -> Filestat {
    use cap_std::fs::MetadataExt;
    let filetype = cap_filetype(meta.file_type());
    Filestat {
        dev: meta.dev(),
        ino: meta.ino(),
        filetype,
        nlink: meta.nlink(),
        size: meta.size(),
        atim: nanos(meta.atime(), meta.atime_nsec()),
        mtim: nanos(meta.mtime(), meta.mtime_nsec()),
        ctim: nanos(meta.ctime(), meta.ctime_nsec()),
    }
}

/// A `stat` time as WASI nanoseconds: 0 before the epoch, `u64::MAX` past 2554.
fn nanos(secs: i64, nsec: i64) -> u64 {
    if secs < 0 {
        return 0;
    }
    (secs as u64)
        .checked_mul(1_000_000_000)
        .and_then(|n| n.checked_add(nsec.clamp(0, 999_999_999) as u64))
        .unwrap_or(u64::MAX)
}

fn system_time(t: SetTime) -> Result<Option<SystemTime>> {
    Ok(match t {
        SetTime::Keep => None,
        SetTime::Now => Some(SystemTime::now()),
        SetTime::At(ns) => Some(SystemTime::UNIX_EPOCH.checked_add(Duration::from_nanos(ns)).ok_or(Errno::OVERFLOW)?),
    })
}

fn time_spec(t: SetTime) -> Result<Option<cap_fs_ext::SystemTimeSpec>> {
    Ok(match t {
        SetTime::Keep => None,
        SetTime::Now => Some(cap_fs_ext::SystemTimeSpec::SymbolicNow),
        SetTime::At(ns) => {
            let t = SystemTime::UNIX_EPOCH.checked_add(Duration::from_nanos(ns)).ok_or(Errno::OVERFLOW)?;
            Some(cap_fs_ext::SystemTimeSpec::Absolute(cap_std::time::SystemTime::from_std(t)))
        }
    })
}

/// The WASI errno of a host error. OS errors map by their errno ([`errno_of_os`]); errors
/// without one are cap-std's own: its sandbox escape (`PermissionDenied`, "a path led
/// outside of the filesystem": an absolute path, `..` above the directory, a symlink leading
/// outside) is `PERM`, as wasmtime reports it; the other kinds as wasmtime maps them.
pub fn errno_of(e: &io::Error) -> Errno {
    if let Some(code) = e.raw_os_error() {
        return errno_of_os(code);
    }
    use io::ErrorKind as K;
    match e.kind() {
        K::PermissionDenied => Errno::PERM,
        K::NotFound => Errno::NOENT,
        K::AlreadyExists => Errno::EXIST,
        K::InvalidInput => Errno::INVAL,
        K::NotADirectory => Errno::NOTDIR,
        K::IsADirectory => Errno::ISDIR,
        K::DirectoryNotEmpty => Errno::NOTEMPTY,
        K::Unsupported => Errno::NOTSUP,
        K::Interrupted => Errno::INTR,
        K::OutOfMemory => Errno::NOMEM,
        _ => Errno::IO,
    }
}

/// The WASI errno of an OS errno: each one of the same name; the OS's errnos that WASI has
/// no name for are `IO`.
pub fn errno_of_os(code: i32) -> Errno {
    // By number: rustix's `Errno::from_raw_os_error` asserts its range.
    OS_ERRNOS.iter().find(|(e, _)| e.raw_os_error() == code).map_or(Errno::IO, |&(_, w)| w)
}

/// OS errno → WASI errno, one line per WASI errno (Linux values through rustix; `EWOULDBLOCK`,
/// `EDEADLOCK` and `EOPNOTSUPP` are the same numbers as `EAGAIN`, `EDEADLK` and `ENOTSUP`).
const OS_ERRNOS: &[(rustix::io::Errno, Errno)] = {
    use rustix::io::Errno as E;
    &[
        (E::TOOBIG, Errno::TOOBIG),
        (E::ACCESS, Errno::ACCES),
        (E::ADDRINUSE, Errno::ADDRINUSE),
        (E::ADDRNOTAVAIL, Errno::ADDRNOTAVAIL),
        (E::AFNOSUPPORT, Errno::AFNOSUPPORT),
        (E::AGAIN, Errno::AGAIN),
        (E::ALREADY, Errno::ALREADY),
        (E::BADF, Errno::BADF),
        (E::BADMSG, Errno::BADMSG),
        (E::BUSY, Errno::BUSY),
        (E::CANCELED, Errno::CANCELED),
        (E::CHILD, Errno::CHILD),
        (E::CONNABORTED, Errno::CONNABORTED),
        (E::CONNREFUSED, Errno::CONNREFUSED),
        (E::CONNRESET, Errno::CONNRESET),
        (E::DEADLK, Errno::DEADLK),
        (E::DESTADDRREQ, Errno::DESTADDRREQ),
        (E::DOM, Errno::DOM),
        (E::DQUOT, Errno::DQUOT),
        (E::EXIST, Errno::EXIST),
        (E::FAULT, Errno::FAULT),
        (E::FBIG, Errno::FBIG),
        (E::HOSTUNREACH, Errno::HOSTUNREACH),
        (E::IDRM, Errno::IDRM),
        (E::ILSEQ, Errno::ILSEQ),
        (E::INPROGRESS, Errno::INPROGRESS),
        (E::INTR, Errno::INTR),
        (E::INVAL, Errno::INVAL),
        (E::IO, Errno::IO),
        (E::ISCONN, Errno::ISCONN),
        (E::ISDIR, Errno::ISDIR),
        (E::LOOP, Errno::LOOP),
        (E::MFILE, Errno::MFILE),
        (E::MLINK, Errno::MLINK),
        (E::MSGSIZE, Errno::MSGSIZE),
        (E::MULTIHOP, Errno::MULTIHOP),
        (E::NAMETOOLONG, Errno::NAMETOOLONG),
        (E::NETDOWN, Errno::NETDOWN),
        (E::NETRESET, Errno::NETRESET),
        (E::NETUNREACH, Errno::NETUNREACH),
        (E::NFILE, Errno::NFILE),
        (E::NOBUFS, Errno::NOBUFS),
        (E::NODEV, Errno::NODEV),
        (E::NOENT, Errno::NOENT),
        (E::NOEXEC, Errno::NOEXEC),
        (E::NOLCK, Errno::NOLCK),
        (E::NOLINK, Errno::NOLINK),
        (E::NOMEM, Errno::NOMEM),
        (E::NOMSG, Errno::NOMSG),
        (E::NOPROTOOPT, Errno::NOPROTOOPT),
        (E::NOSPC, Errno::NOSPC),
        (E::NOSYS, Errno::NOSYS),
        (E::NOTCONN, Errno::NOTCONN),
        (E::NOTDIR, Errno::NOTDIR),
        (E::NOTEMPTY, Errno::NOTEMPTY),
        (E::NOTRECOVERABLE, Errno::NOTRECOVERABLE),
        (E::NOTSOCK, Errno::NOTSOCK),
        (E::NOTSUP, Errno::NOTSUP),
        (E::NOTTY, Errno::NOTTY),
        (E::NXIO, Errno::NXIO),
        (E::OVERFLOW, Errno::OVERFLOW),
        (E::OWNERDEAD, Errno::OWNERDEAD),
        (E::PERM, Errno::PERM),
        (E::PIPE, Errno::PIPE),
        (E::PROTO, Errno::PROTO),
        (E::PROTONOSUPPORT, Errno::PROTONOSUPPORT),
        (E::PROTOTYPE, Errno::PROTOTYPE),
        (E::RANGE, Errno::RANGE),
        (E::ROFS, Errno::ROFS),
        (E::SPIPE, Errno::SPIPE),
        (E::SRCH, Errno::SRCH),
        (E::STALE, Errno::STALE),
        (E::TIMEDOUT, Errno::TIMEDOUT),
        (E::TXTBSY, Errno::TXTBSY),
        (E::XDEV, Errno::XDEV),
    ]
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wasi::fs::OtherDir;
    use std::collections::BTreeMap;
    use std::os::unix::fs::MetadataExt;
    use std::path::PathBuf;
    use std::sync::atomic::{AtomicU32, Ordering};

    /// A fresh `root/` under the temp directory with `root/outside/sentinel` and the
    /// preopened `root/jail/`; removed when dropped.
    struct Scratch {
        root: PathBuf,
        dir: HostDir,
    }

    impl Scratch {
        fn new(name: &str) -> Scratch {
            static N: AtomicU32 = AtomicU32::new(0);
            let n = N.fetch_add(1, Ordering::Relaxed);
            let root = std::env::temp_dir().join(format!("wasmscope-host-{}-{n}-{name}", std::process::id()));
            let _ = std::fs::remove_dir_all(&root);
            std::fs::create_dir_all(root.join("jail")).unwrap();
            std::fs::create_dir_all(root.join("outside")).unwrap();
            std::fs::write(root.join("outside/sentinel"), b"sentinel").unwrap();
            std::fs::write(root.join("secret"), b"secret").unwrap();
            let dir = HostDir::open_ambient(&root.join("jail")).unwrap();
            Scratch { root, dir }
        }

        fn jail(&self) -> PathBuf {
            self.root.join("jail")
        }

        /// Everything outside the jail: each path with its contents (or link target) and
        /// modification time.
        fn outside(&self) -> BTreeMap<PathBuf, (Vec<u8>, i64, i64)> {
            fn walk(dir: &Path, skip: &Path, out: &mut BTreeMap<PathBuf, (Vec<u8>, i64, i64)>) {
                for e in std::fs::read_dir(dir).unwrap() {
                    let p = e.unwrap().path();
                    if p == skip {
                        continue;
                    }
                    let m = std::fs::symlink_metadata(&p).unwrap();
                    let data = if m.is_file() {
                        std::fs::read(&p).unwrap()
                    } else if m.file_type().is_symlink() {
                        std::fs::read_link(&p).unwrap().into_os_string().into_encoded_bytes()
                    } else {
                        Vec::new()
                    };
                    out.insert(p.clone(), (data, m.mtime(), m.mtime_nsec()));
                    if m.is_dir() {
                        walk(&p, skip, out);
                    }
                }
            }
            let mut out = BTreeMap::new();
            walk(&self.root, &self.jail(), &mut out);
            out
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.root);
        }
    }

    fn opts() -> OpenOptions {
        OpenOptions { read: true, ..OpenOptions::default() }
    }

    fn create() -> OpenOptions {
        OpenOptions { create: true, write: true, read: true, ..OpenOptions::default() }
    }

    fn file(d: &dyn Dir, path: &str, o: OpenOptions) -> Box<dyn File> {
        match d.open(path, &o) {
            Ok(Opened::File(f)) => f,
            Ok(Opened::Dir(_)) => panic!("{path}: a directory"),
            Err(e) => panic!("{path}: {}", e.name()),
        }
    }

    fn dir(d: &dyn Dir, path: &str, o: OpenOptions) -> Box<dyn Dir> {
        match d.open(path, &o) {
            Ok(Opened::Dir(d)) => d,
            Ok(Opened::File(_)) => panic!("{path}: a file"),
            Err(e) => panic!("{path}: {}", e.name()),
        }
    }

    fn open_err(d: &dyn Dir, path: &str, o: OpenOptions) -> Errno {
        match d.open(path, &o) {
            Ok(_) => panic!("{path}: opened"),
            Err(e) => e,
        }
    }

    fn touch(d: &dyn Dir, path: &str) {
        file(d, path, create());
    }

    fn read_all(f: &dyn File) -> Vec<u8> {
        let mut buf = vec![0; 4096];
        let n = f.read_at(&mut buf, 0).unwrap();
        buf.truncate(n);
        buf
    }

    #[test]
    fn other_kinds_are_another_device() {
        let s = Scratch::new("xdev");
        touch(&s.dir, "file");
        assert_eq!(s.dir.rename("file", &OtherDir, "x"), Err(Errno::XDEV));
        assert_eq!(s.dir.link("file", false, &OtherDir, "x"), Err(Errno::XDEV));
        assert!(s.jail().join("file").is_file());
    }

    #[test]
    fn files_read_write_stat_size() {
        let s = Scratch::new("files");
        let f = file(&s.dir, "a.txt", create());
        assert_eq!(f.filetype(), FileType::RegularFile);
        assert_eq!(f.write_at(b"hello", 0), Ok(5));
        assert_eq!(f.write_at(b"world", 10), Ok(5));
        assert_eq!(read_all(&*f), b"hello\0\0\0\0\0world");
        let mut buf = [0u8; 4];
        assert_eq!(f.read_at(&mut buf, 13), Ok(2));
        assert_eq!(&buf[..2], b"ld");
        assert_eq!(f.read_at(&mut buf, 100), Ok(0));
        let st = f.stat().unwrap();
        assert_eq!((st.size, st.filetype, st.nlink), (15, FileType::RegularFile, 1));
        assert_eq!(s.dir.path_stat("a.txt", false), Ok(st));
        f.set_size(3).unwrap();
        assert_eq!(read_all(&*f), b"hel");
        f.allocate(0, 8).unwrap();
        assert_eq!(f.stat().unwrap().size, 8);
        f.sync().unwrap();
        assert_eq!(std::fs::read(s.jail().join("a.txt")).unwrap(), b"hel\0\0\0\0\0");
        // Truncating on open; exclusive creation of an existing file.
        let t = file(&s.dir, "a.txt", OpenOptions { truncate: true, write: true, ..opts() });
        assert_eq!(t.stat().unwrap().size, 0);
        assert_eq!(open_err(&s.dir, "a.txt", OpenOptions { exclusive: true, ..create() }), Errno::EXIST);
        file(&s.dir, "b.txt", OpenOptions { exclusive: true, ..create() });
        // Missing files; a read-only descriptor does not write.
        assert_eq!(open_err(&s.dir, "missing", opts()), Errno::NOENT);
        let r = file(&s.dir, "b.txt", opts());
        assert_eq!(r.write_at(b"x", 0), Err(Errno::BADF));
    }

    #[test]
    fn directories_and_entries() {
        let s = Scratch::new("dirs");
        s.dir.create_dir("d").unwrap();
        assert_eq!(s.dir.create_dir("d"), Err(Errno::EXIST));
        s.dir.create_dir("d/nested").unwrap();
        touch(&s.dir, "d/nested/file");
        touch(&s.dir, "z");
        s.dir.symlink("z", "link").unwrap();
        assert_eq!(s.dir.create_dir("missing/x"), Err(Errno::NOENT));
        assert_eq!(s.dir.remove_dir("d"), Err(Errno::NOTEMPTY));
        let names: Vec<(String, FileType)> =
            s.dir.entries().unwrap().into_iter().map(|e| (e.name, e.filetype)).collect();
        assert_eq!(
            names,
            [
                ("d".to_string(), FileType::Directory),
                ("link".to_string(), FileType::SymbolicLink),
                ("z".to_string(), FileType::RegularFile)
            ]
        );
        for e in s.dir.entries().unwrap() {
            assert_eq!(e.ino, s.dir.path_stat(&e.name, false).unwrap().ino, "{}", e.name);
        }
        // A directory opens as one with or without `directory`, and has its own stat.
        let d = dir(&s.dir, "d", OpenOptions { directory: true, ..opts() });
        assert_eq!(d.stat().unwrap().ino, s.dir.path_stat("d", true).unwrap().ino);
        assert_eq!(d.stat().unwrap().filetype, FileType::Directory);
        let d2 = dir(&s.dir, "d", opts());
        assert_eq!(d2.entries().unwrap().len(), 1);
        let n = dir(&*d, "nested", OpenOptions { directory: true, ..opts() });
        assert_eq!(n.entries().unwrap()[0].name, "file");
        dir(&s.dir, ".", OpenOptions { directory: true, ..opts() });
        dir(&s.dir, ".", opts());
        // Directories are not opened for writing, created or truncated.
        assert_eq!(open_err(&s.dir, ".", OpenOptions { directory: true, write: true, ..opts() }), Errno::ISDIR);
        assert_eq!(open_err(&s.dir, "d", OpenOptions { write: true, ..opts() }), Errno::ISDIR);
        assert_eq!(open_err(&s.dir, "d", OpenOptions { directory: true, ..create() }), Errno::INVAL);
        assert_eq!(open_err(&s.dir, "z", OpenOptions { directory: true, ..opts() }), Errno::NOTDIR);
        // Removing.
        assert_eq!(s.dir.remove_dir("z"), Err(Errno::NOTDIR));
        assert_eq!(s.dir.unlink_file("d"), Err(Errno::ISDIR));
        s.dir.unlink_file("d/nested/file").unwrap();
        n.create_dir("x").unwrap();
        assert!(s.jail().join("d/nested/x").is_dir());
        n.remove_dir("x").unwrap();
        s.dir.remove_dir("d/nested").unwrap();
        s.dir.remove_dir("d").unwrap();
        assert_eq!(s.dir.path_stat("d", false), Err(Errno::NOENT));
    }

    #[test]
    fn interesting_paths() {
        let s = Scratch::new("paths");
        s.dir.create_dir("dir").unwrap();
        s.dir.create_dir("dir/nested").unwrap();
        touch(&s.dir, "dir/nested/file");
        file(&s.dir, "dir/.//nested/../../dir/nested/../nested///./file", opts());
        assert_eq!(open_err(&s.dir, "/dir/nested/file", opts()), Errno::PERM);
        assert_eq!(open_err(&s.dir, "dir/nested/../../../dir/nested/file", opts()), Errno::PERM);
        assert_eq!(open_err(&s.dir, "dir/nested/file/", opts()), Errno::NOTDIR);
        assert_eq!(open_err(&s.dir, "dir/nested/file///", opts()), Errno::NOTDIR);
        dir(&s.dir, "dir/nested/", opts());
        dir(&s.dir, "dir/nested///", opts());
        assert_eq!(open_err(&s.dir, "dir/nested/file\0", opts()), Errno::INVAL);
        assert_eq!(open_err(&s.dir, "", opts()), Errno::NOENT);
    }

    #[test]
    fn trailing_slashes() {
        let s = Scratch::new("slashes");
        // unlink_file_trailing_slashes
        s.dir.create_dir("dir").unwrap();
        assert_eq!(s.dir.unlink_file("dir"), Err(Errno::ISDIR));
        assert_eq!(s.dir.unlink_file("dir/"), Err(Errno::ISDIR));
        touch(&s.dir, "file");
        assert_eq!(s.dir.unlink_file("file/"), Err(Errno::NOTDIR));
        // remove_directory_trailing_slashes
        assert_eq!(s.dir.remove_dir("file"), Err(Errno::NOTDIR));
        assert_eq!(s.dir.remove_dir("file/"), Err(Errno::NOTDIR));
        s.dir.remove_dir("dir/").unwrap();
        // create_dir with a slash
        s.dir.create_dir("made/").unwrap();
        assert!(s.jail().join("made").is_dir());
        // path_symlink_trailing_slashes
        assert_eq!(s.dir.symlink("source", "target/"), Err(Errno::NOENT));
        s.dir.create_dir("target").unwrap();
        assert_eq!(s.dir.symlink("source", "target/"), Err(Errno::EXIST));
        assert_eq!(s.dir.symlink("source", "target"), Err(Errno::EXIST));
        s.dir.remove_dir("target").unwrap();
        touch(&s.dir, "target");
        assert_eq!(s.dir.symlink("source", "target/"), Err(Errno::NOTDIR));
        assert_eq!(s.dir.symlink("source", "target"), Err(Errno::EXIST));
        // path_rename_dir_trailing_slashes
        s.dir.create_dir("source").unwrap();
        s.dir.rename("source/", &s.dir, "moved").unwrap();
        s.dir.rename("moved", &s.dir, "source/").unwrap();
        s.dir.rename("source/", &s.dir, "moved/").unwrap();
        assert!(s.jail().join("moved").is_dir());
        assert_eq!(s.dir.rename("file/", &s.dir, "other"), Err(Errno::NOTDIR));
        assert_eq!(s.dir.rename("file", &s.dir, "other/"), Err(Errno::NOTDIR));
        // path_link: a new name with a slash.
        assert_eq!(s.dir.link("file", false, &s.dir, "link/"), Err(Errno::NOENT));
        // A slash or `/.` after a symlink follows it, with or without `follow`.
        s.dir.symlink("moved", "to_dir").unwrap();
        s.dir.symlink("file", "to_file").unwrap();
        for p in ["to_dir/", "to_dir/.", "moved/", "moved/."] {
            assert_eq!(s.dir.path_stat(p, false).unwrap().filetype, FileType::Directory, "{p}");
        }
        for p in ["file/", "file/.", "to_file/", "to_file/."] {
            assert_eq!(s.dir.path_stat(p, false), Err(Errno::NOTDIR), "{p}");
            assert_eq!(s.dir.path_stat(p, true), Err(Errno::NOTDIR), "{p}");
            assert_eq!(s.dir.path_set_times(p, false, SetTime::Now, SetTime::Now), Err(Errno::NOTDIR), "{p}");
        }
        assert_eq!(s.dir.path_stat("to_dir", false).unwrap().filetype, FileType::SymbolicLink);
    }

    #[test]
    fn symlinks() {
        let s = Scratch::new("symlinks");
        s.dir.create_dir("target").unwrap();
        s.dir.symlink("target", "symlink").unwrap();
        assert_eq!(s.dir.read_link("symlink").as_deref(), Ok("target"));
        assert_eq!(std::fs::read_link(s.jail().join("symlink")).unwrap(), Path::new("target"));
        assert_eq!(s.dir.read_link("target"), Err(Errno::INVAL));
        // nofollow_errors: a symlink to a directory.
        let nofollow_dir = open_err(&s.dir, "symlink", OpenOptions { directory: true, ..opts() });
        assert!(nofollow_dir == Errno::LOOP || nofollow_dir == Errno::NOTDIR, "{}", nofollow_dir.name());
        assert_eq!(open_err(&s.dir, "symlink", opts()), Errno::LOOP);
        dir(&s.dir, "symlink", OpenOptions { follow: true, directory: true, ..opts() });
        dir(&s.dir, "symlink/", opts());
        assert_eq!(s.dir.path_stat("symlink", false).unwrap().filetype, FileType::SymbolicLink);
        assert_eq!(s.dir.path_stat("symlink", true).unwrap().filetype, FileType::Directory);
        s.dir.unlink_file("symlink").unwrap();
        s.dir.remove_dir("target").unwrap();
        // A symlink to a file.
        touch(&s.dir, "target");
        s.dir.symlink("target", "symlink").unwrap();
        let e = open_err(&s.dir, "symlink", OpenOptions { directory: true, ..opts() });
        assert!(e == Errno::LOOP || e == Errno::NOTDIR, "{}", e.name());
        assert_eq!(open_err(&s.dir, "symlink", opts()), Errno::LOOP);
        assert_eq!(open_err(&s.dir, "symlink", OpenOptions { follow: true, directory: true, ..opts() }), Errno::NOTDIR);
        let f = file(&s.dir, "symlink", OpenOptions { follow: true, write: true, ..opts() });
        f.write_at(b"via link", 0).unwrap();
        assert_eq!(std::fs::read(s.jail().join("target")).unwrap(), b"via link");
        let lst = s.dir.path_stat("symlink", false).unwrap();
        assert_eq!((lst.filetype, lst.size), (FileType::SymbolicLink, 6));
        assert_eq!(s.dir.path_stat("symlink", true).unwrap().ino, s.dir.path_stat("target", false).unwrap().ino);
        // Unlinking a symlink removes the link, not its target.
        s.dir.unlink_file("symlink").unwrap();
        assert!(s.jail().join("target").exists());
        // Dangling symlinks.
        s.dir.symlink("nothing", "dangling").unwrap();
        assert_eq!(open_err(&s.dir, "dangling", opts()), Errno::LOOP);
        assert_eq!(open_err(&s.dir, "dangling", OpenOptions { follow: true, ..opts() }), Errno::NOENT);
        let e = open_err(&s.dir, "dangling", OpenOptions { directory: true, ..opts() });
        assert!(e == Errno::LOOP || e == Errno::NOTDIR, "{}", e.name());
        assert_eq!(s.dir.path_stat("dangling", true), Err(Errno::NOENT));
        assert_eq!(s.dir.path_stat("dangling", false).unwrap().filetype, FileType::SymbolicLink);
        // Creating through a dangling symlink with follow creates its target (Linux).
        file(&s.dir, "dangling", OpenOptions { follow: true, ..create() });
        assert!(s.jail().join("nothing").is_file());
        // Targets are stored as given, not resolved: `..` inside the directory is fine.
        s.dir.create_dir("sub").unwrap();
        s.dir.symlink("../target", "sub/up").unwrap();
        assert_eq!(s.dir.read_link("sub/up").as_deref(), Ok("../target"));
        assert_eq!(read_all(&*file(&s.dir, "sub/up", OpenOptions { follow: true, ..opts() })), b"via link");
        // readlink of a name that is not there
        assert_eq!(s.dir.read_link("absent"), Err(Errno::NOENT));
    }

    #[test]
    fn symlink_loops() {
        let s = Scratch::new("loops");
        s.dir.symlink("symlink", "symlink").unwrap();
        assert_eq!(open_err(&s.dir, "symlink", opts()), Errno::LOOP);
        assert_eq!(open_err(&s.dir, "symlink", OpenOptions { follow: true, ..opts() }), Errno::LOOP);
        assert_eq!(s.dir.path_stat("symlink", true), Err(Errno::LOOP));
        s.dir.symlink("b", "a").unwrap();
        s.dir.symlink("a", "b").unwrap();
        assert_eq!(open_err(&s.dir, "a", OpenOptions { follow: true, ..create() }), Errno::LOOP);
        assert_eq!(open_err(&s.dir, "a/x", opts()), Errno::LOOP);
        assert_eq!(s.dir.create_dir("a/x"), Err(Errno::LOOP));
        assert_eq!(s.dir.link("a", true, &s.dir, "l"), Err(Errno::LOOP));
        // A hard link to the loop itself is fine (path_link.rs).
        s.dir.link("symlink", false, &s.dir, "l").unwrap();
        assert_eq!(s.dir.path_stat("l", false).unwrap().filetype, FileType::SymbolicLink);
    }

    #[test]
    fn absolute_symlinks_are_refused() {
        let s = Scratch::new("abs");
        assert_eq!(s.dir.symlink("/", "root"), Err(Errno::PERM));
        assert_eq!(s.dir.symlink("/etc/passwd", "pw"), Err(Errno::PERM));
        assert!(std::fs::symlink_metadata(s.jail().join("root")).is_err());
    }

    #[test]
    fn times() {
        let s = Scratch::new("times");
        touch(&s.dir, "file");
        s.dir.symlink("file", "symlink").unwrap();
        let file_st = s.dir.path_stat("file", false).unwrap();
        let sym_st = s.dir.path_stat("symlink", false).unwrap();
        // symlink_filestat: without follow, the link's own times.
        let t = sym_st.mtim - 200;
        s.dir.path_set_times("symlink", false, SetTime::Keep, SetTime::At(t)).unwrap();
        assert_eq!(s.dir.path_stat("symlink", false).unwrap().mtim, t);
        assert_eq!(s.dir.path_stat("file", false).unwrap().mtim, file_st.mtim);
        assert_eq!(s.dir.path_stat("symlink", true).unwrap().mtim, file_st.mtim);
        s.dir.path_set_times("symlink", true, SetTime::At(1_000_000_123), SetTime::At(2_000_000_456)).unwrap();
        let st = s.dir.path_stat("file", false).unwrap();
        assert_eq!((st.atim, st.mtim), (1_000_000_123, 2_000_000_456));
        // Keep leaves a time alone; Now is now.
        let before = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap().as_nanos() as u64;
        s.dir.path_set_times("file", false, SetTime::Keep, SetTime::Now).unwrap();
        let st = s.dir.path_stat("file", false).unwrap();
        assert_eq!(st.atim, 1_000_000_123);
        assert!(st.mtim + 1_000_000_000 >= before, "{} {before}", st.mtim);
        // On an open file.
        let f = file(&s.dir, "file", opts());
        f.set_times(SetTime::At(5_000_000_000), SetTime::Keep).unwrap();
        let st = f.stat().unwrap();
        assert_eq!(st.atim, 5_000_000_000);
        assert!(st.mtim + 1_000_000_000 >= before);
        f.set_times(SetTime::Keep, SetTime::At(7)).unwrap();
        assert_eq!(f.stat().unwrap().mtim, 7);
        f.set_times(SetTime::Now, SetTime::Keep).unwrap();
        assert!(f.stat().unwrap().atim + 1_000_000_000 >= before);
        // A directory's own times.
        s.dir.create_dir("d").unwrap();
        let d = dir(&s.dir, "d", OpenOptions { directory: true, ..opts() });
        d.set_times(SetTime::At(9_000_000_000), SetTime::At(8_000_000_000)).unwrap();
        let st = d.stat().unwrap();
        assert_eq!((st.atim, st.mtim), (9_000_000_000, 8_000_000_000));
        assert_eq!(s.dir.path_stat("d", true).unwrap().mtim, 8_000_000_000);
        assert!(f.stat().unwrap().ctim > 0);
    }

    #[test]
    fn rename() {
        let s = Scratch::new("rename");
        // path_rename.rs
        s.dir.create_dir("source").unwrap();
        s.dir.rename("source", &s.dir, "target").unwrap();
        assert_eq!(open_err(&s.dir, "source", OpenOptions { directory: true, ..opts() }), Errno::NOENT);
        dir(&s.dir, "target", OpenOptions { directory: true, ..opts() });
        s.dir.create_dir("source").unwrap();
        s.dir.rename("source", &s.dir, "target").unwrap();
        s.dir.create_dir("source").unwrap();
        touch(&s.dir, "target/file");
        assert_eq!(s.dir.rename("source", &s.dir, "target"), Err(Errno::NOTEMPTY));
        assert_eq!(s.dir.rename("source", &s.dir, "target/file"), Err(Errno::NOTDIR));
        s.dir.unlink_file("target/file").unwrap();
        s.dir.remove_dir("target").unwrap();
        s.dir.remove_dir("source").unwrap();
        let f = file(&s.dir, "source", create());
        f.write_at(b"data", 0).unwrap();
        touch(&s.dir, "target");
        s.dir.rename("source", &s.dir, "target").unwrap();
        assert_eq!(open_err(&s.dir, "source", opts()), Errno::NOENT);
        assert_eq!(read_all(&*file(&s.dir, "target", opts())), b"data");
        s.dir.create_dir("d").unwrap();
        assert_eq!(s.dir.rename("target", &s.dir, "d"), Err(Errno::ISDIR));
        assert_eq!(s.dir.rename("missing", &s.dir, "x"), Err(Errno::NOENT));
        // Into another open directory; the descriptor follows the file.
        let d = dir(&s.dir, "d", OpenOptions { directory: true, ..opts() });
        s.dir.rename("target", &*d, "moved").unwrap();
        assert_eq!(read_all(&*file(&*d, "moved", opts())), b"data");
        assert_eq!(f.write_at(b"DATA", 0), Ok(4));
        assert_eq!(std::fs::read(s.jail().join("d/moved")).unwrap(), b"DATA");
        d.rename("moved", &s.dir, "back").unwrap();
        assert!(s.jail().join("back").is_file());
        // A directory into itself.
        assert_eq!(s.dir.rename("d", &s.dir, "d/inner"), Err(Errno::INVAL));
    }

    #[test]
    fn hard_links() {
        let s = Scratch::new("link");
        let f = file(&s.dir, "file", create());
        s.dir.link("file", false, &s.dir, "link").unwrap();
        let l = file(&s.dir, "link", opts());
        assert_eq!(f.stat(), l.stat());
        assert_eq!(f.stat().unwrap().nlink, 2);
        s.dir.unlink_file("link").unwrap();
        s.dir.create_dir("subdir").unwrap();
        let sub = dir(&s.dir, "subdir", OpenOptions { directory: true, ..opts() });
        s.dir.link("file", false, &*sub, "link").unwrap();
        assert_eq!(file(&*sub, "link", opts()).stat(), f.stat());
        sub.unlink_file("link").unwrap();
        touch(&s.dir, "link");
        assert_eq!(s.dir.link("file", false, &s.dir, "link"), Err(Errno::EXIST));
        s.dir.unlink_file("link").unwrap();
        assert_eq!(s.dir.link("file", false, &s.dir, "file"), Err(Errno::EXIST));
        s.dir.create_dir("link").unwrap();
        assert_eq!(s.dir.link("file", false, &s.dir, "link"), Err(Errno::EXIST));
        s.dir.remove_dir("link").unwrap();
        assert_eq!(s.dir.link("subdir", false, &s.dir, "link"), Err(Errno::PERM));
        assert_eq!(s.dir.link("missing", false, &s.dir, "link"), Err(Errno::NOENT));
        // Symlinks: without follow the link itself, with follow its target.
        s.dir.symlink("target", "symlink").unwrap();
        s.dir.link("symlink", false, &s.dir, "link").unwrap();
        assert_eq!(s.dir.read_link("link").as_deref(), Ok("target"));
        s.dir.unlink_file("link").unwrap();
        assert_eq!(s.dir.link("file", false, &s.dir, "symlink"), Err(Errno::EXIST));
        assert_eq!(s.dir.link("symlink", true, &s.dir, "link"), Err(Errno::NOENT));
        s.dir.unlink_file("symlink").unwrap();
        s.dir.symlink("file", "sub_link").unwrap();
        s.dir.symlink("sub_link", "symlink").unwrap();
        s.dir.link("symlink", true, &*sub, "hard").unwrap();
        assert_eq!(sub.path_stat("hard", false).unwrap().ino, f.stat().unwrap().ino);
        assert_eq!(f.stat().unwrap().nlink, 2);
        // A symlink target relative to the link's own directory.
        s.dir.symlink("../file", "subdir/up").unwrap();
        s.dir.link("subdir/up", true, &s.dir, "via_up").unwrap();
        assert_eq!(s.dir.path_stat("via_up", false).unwrap().ino, f.stat().unwrap().ino);
    }

    /// Every way out, each failing with PERM (LOOP for loops), and nothing outside read,
    /// written, created or removed.
    #[test]
    fn escapes_read_and_write_nothing_outside() {
        let s = Scratch::new("escape");
        let before = s.outside();
        let d = &s.dir;
        touch(d, "file");
        d.create_dir("a").unwrap();
        // Symlinks made through the back end (relative targets are stored) and by the host
        // (absolute targets, which the back end refuses to make).
        d.symlink("../outside", "out").unwrap();
        d.symlink("../outside/sentinel", "out_file").unwrap();
        d.symlink("../outside/new", "out_new").unwrap();
        d.symlink("a/../../secret", "out_secret").unwrap();
        std::os::unix::fs::symlink("/", s.jail().join("root")).unwrap();
        std::os::unix::fs::symlink(s.root.join("outside"), s.jail().join("abs_out")).unwrap();
        std::os::unix::fs::symlink(s.root.join("outside/sentinel"), s.jail().join("abs_file")).unwrap();
        let write = OpenOptions { write: true, ..opts() };
        let follow = |o: OpenOptions| OpenOptions { follow: true, ..o };
        let perm = [
            "../outside/sentinel",
            "../secret",
            "a/../../secret",
            "a/../../outside/sentinel",
            "./../outside/sentinel",
            "/etc/passwd",
            "/",
            "..",
            "a/../..",
            "out/sentinel",
            "out/",
            "out/.",
            "root/etc/passwd",
            "root/",
            "abs_out/sentinel",
        ];
        for path in perm {
            // A path whose last component is `..` or a symlink with a slash after it may fail
            // as Linux fails it for that name before looking further (`rmdir("link/")` is
            // NOTDIR, creating `x/` is ISDIR); every other one is PERM. Either way the
            // snapshot at the end shows nothing outside changed.
            let last_is_link = path.ends_with('/') || path.ends_with('.');
            let refused = |what: &str, r: Result<()>| match r {
                Err(Errno::PERM) => {}
                Err(e) if last_is_link => assert_ne!(e, Errno::SUCCESS, "{what} {path}"),
                r => panic!("{what} {path}: {r:?}"),
            };
            for o in [opts(), follow(opts()), write, follow(create()), OpenOptions { truncate: true, ..write }] {
                refused("open", d.open(path, &o).map(drop));
            }
            refused("open dir", d.open(path, &OpenOptions { directory: true, ..opts() }).map(drop));
            refused("stat", d.path_stat(path, true).map(drop));
            refused("lstat", d.path_stat(path, false).map(drop));
            refused("set times", d.path_set_times(path, true, SetTime::Now, SetTime::Now));
            refused("set times", d.path_set_times(path, false, SetTime::Now, SetTime::Now));
            refused("unlink", d.unlink_file(path));
            refused("readlink", d.read_link(path).map(drop));
            refused("rmdir", d.remove_dir(path));
            refused("mkdir", d.create_dir(path));
            refused("symlink at", d.symlink("x", path));
            refused("link from", d.link(path, false, d, "stolen"));
            refused("link from", d.link(path, true, d, "stolen"));
            refused("link to", d.link("file", false, d, path));
            refused("rename from", d.rename(path, d, "stolen"));
            refused("rename to", d.rename("file", d, path));
        }
        // Creating outside, through `..` and through symlinks.
        for path in ["../outside/new", "out/new", "abs_out/new", "a/../../new", "../new"] {
            assert_eq!(d.open(path, &create()).err(), Some(Errno::PERM), "{path}");
            assert_eq!(d.create_dir(path), Err(Errno::PERM), "mkdir {path}");
            assert_eq!(d.symlink("file", path), Err(Errno::PERM), "symlink {path}");
            assert_eq!(d.link("file", false, d, path), Err(Errno::PERM), "link {path}");
            assert_eq!(d.rename("file", d, path), Err(Errno::PERM), "rename {path}");
        }
        // Symlinks whose last component leads outside: followed, refused; not followed,
        // they are the link itself (its own stat, removable), never the target.
        for link in ["out", "out_file", "out_new", "out_secret", "root", "abs_out", "abs_file"] {
            for o in [opts(), write, create(), OpenOptions { truncate: true, ..write }] {
                assert_eq!(d.open(link, &follow(o)).err(), Some(Errno::PERM), "open {link} {o:?}");
                assert_eq!(d.open(link, &o).err(), Some(Errno::LOOP), "open nofollow {link} {o:?}");
            }
            let e = d.open(link, &OpenOptions { directory: true, ..follow(opts()) }).err();
            assert_eq!(e, Some(Errno::PERM), "{link}");
            assert_eq!(d.path_stat(link, true), Err(Errno::PERM), "stat {link}");
            assert_eq!(d.path_stat(link, false).unwrap().filetype, FileType::SymbolicLink);
            assert_eq!(d.path_set_times(link, true, SetTime::At(1), SetTime::At(1)), Err(Errno::PERM));
            assert_eq!(d.link(link, true, d, "stolen"), Err(Errno::PERM), "link follow {link}");
            assert_eq!(d.create_dir(&format!("{link}/sub")), Err(Errno::PERM), "{link}/sub");
            assert_eq!(d.open(&format!("{link}/x"), &create()).err(), Some(Errno::PERM), "{link}/x");
        }
        // Absolute targets are not read back (as cap-std and wasmtime), relative ones are.
        assert_eq!(d.read_link("root"), Err(Errno::PERM));
        assert_eq!(d.read_link("out_file").as_deref(), Ok("../outside/sentinel"));
        // Renaming, linking and setting the times of an escaping symlink moves the link, not
        // its target.
        d.path_set_times("out_file", false, SetTime::At(3), SetTime::At(3)).unwrap();
        d.rename("out_file", d, "a/moved").unwrap();
        d.link("a/moved", false, d, "hard").unwrap();
        assert_eq!(d.path_stat("hard", false).unwrap().filetype, FileType::SymbolicLink);
        // `..` from a subdirectory's own descriptor leaves that descriptor's tree, even to
        // its parent inside the jail.
        let sub = dir(d, "a", OpenOptions { directory: true, ..opts() });
        assert_eq!(sub.open("../file", &opts()).err(), Some(Errno::PERM));
        assert_eq!(sub.path_stat("..", false), Err(Errno::PERM));
        assert_eq!(sub.rename("moved", &*sub, "../moved"), Err(Errno::PERM));
        // Between two directories, the second one's path is checked against the second.
        assert_eq!(d.rename("file", &*sub, "../../outside/new"), Err(Errno::PERM));
        assert_eq!(d.link("file", false, &*sub, "../file2"), Err(Errno::PERM));
        assert_eq!(sub.rename("../file", d, "file2"), Err(Errno::PERM));
        // Removing everything inside still works, and removes no target outside.
        for link in ["out", "out_new", "out_secret", "root", "abs_out", "abs_file", "hard", "a/moved"] {
            d.unlink_file(link).unwrap();
        }
        assert_eq!(s.outside(), before);
        assert_eq!(std::fs::read(s.root.join("outside/sentinel")).unwrap(), b"sentinel");
        assert!(!s.root.join("stolen").exists() && !s.jail().join("stolen").exists());
        assert!(!s.root.join("new").exists() && !s.root.join("outside/new").exists());
    }

    /// A symlink swapped in for a directory between operations is still resolved beneath.
    #[test]
    fn directory_replaced_by_an_escaping_symlink() {
        let s = Scratch::new("swap");
        let before = s.outside();
        s.dir.create_dir("d").unwrap();
        let sub = dir(&s.dir, "d", OpenOptions { directory: true, ..opts() });
        std::fs::remove_dir(s.jail().join("d")).unwrap();
        std::os::unix::fs::symlink(s.root.join("outside"), s.jail().join("d")).unwrap();
        assert_eq!(s.dir.open("d/sentinel", &opts()).err(), Some(Errno::PERM));
        assert_eq!(s.dir.open("d/new", &create()).err(), Some(Errno::PERM));
        // The descriptor opened before holds the removed directory, not the new name.
        assert_eq!(sub.open("sentinel", &opts()).err(), Some(Errno::NOENT));
        assert_eq!(s.outside(), before);
    }

    #[test]
    fn open_dir_needs_a_directory() {
        let s = Scratch::new("preopen");
        assert_eq!(open_dir(&s.root.join("missing")).err().map(|e| e.kind()), Some(io::ErrorKind::NotFound));
        assert!(open_dir(&s.root.join("secret")).is_err());
        let d = open_dir(&s.root.join("outside")).unwrap();
        assert_eq!(read_all(&*file(&*d, "sentinel", opts())), b"sentinel");
        assert_eq!(d.stat().unwrap().filetype, FileType::Directory);
    }

    #[test]
    fn errno_table() {
        let os = |e: rustix::io::Errno| io::Error::from_raw_os_error(e.raw_os_error());
        use rustix::io::Errno as E;
        assert_eq!(errno_of(&os(E::NOENT)), Errno::NOENT);
        assert_eq!(errno_of(&os(E::PERM)), Errno::PERM);
        assert_eq!(errno_of(&os(E::ACCESS)), Errno::ACCES);
        assert_eq!(errno_of(&os(E::WOULDBLOCK)), Errno::AGAIN);
        assert_eq!(errno_of(&os(E::OPNOTSUPP)), Errno::NOTSUP);
        assert_eq!(errno_of(&os(E::XDEV)), Errno::XDEV);
        assert_eq!(errno_of(&os(E::LOOP)), Errno::LOOP);
        // No WASI name: IO. Unknown numbers too.
        assert_eq!(errno_of(&os(E::NOMEDIUM)), Errno::IO);
        assert_eq!(errno_of(&io::Error::from_raw_os_error(100_000)), Errno::IO);
        // One line per WASI errno but SUCCESS and NOTCAPABLE, no WASI errno twice.
        let mut seen: Vec<u16> = OS_ERRNOS.iter().map(|(_, w)| w.0).collect();
        seen.sort();
        seen.dedup();
        assert_eq!(seen, (1..=75).collect::<Vec<u16>>());
        // cap-std's escape error, and errors without an OS errno.
        let escape = io::Error::new(io::ErrorKind::PermissionDenied, "a path led outside of the filesystem");
        assert_eq!(errno_of(&escape), Errno::PERM);
        assert_eq!(errno_of(&io::Error::new(io::ErrorKind::InvalidInput, "nul")), Errno::INVAL);
        assert_eq!(errno_of(&io::Error::other("?")), Errno::IO);
    }
}
