//! The functions of `wasi_snapshot_preview1`, one method each, over [`Wasi`]'s state and
//! the caller's memory. Every guest pointer is checked: one outside memory is `FAULT`, never
//! a host panic; a value outside its type's range is `INVAL`.

use super::abi::{self, eventtype, fdflags, fstflags, oflags, rights, whence};
use super::fs::{DirEntry, Errno, FileType, Filestat, OpenOptions, Opened, SetTime};
use super::{Descriptor, Handle, Wasi};
use crate::runtime::Caller;
use crate::trap::Trap;
use crate::value::Value;
use std::cell::RefCell;
use std::rc::Rc;

type R<T = ()> = Result<T, Errno>;

/// Runs preview-1 function `name` with arguments `a`: its errno as the result, or a trap
/// (`proc_exit`).
pub(super) fn call(
    ctx: &Rc<RefCell<Wasi>>,
    name: &'static str,
    c: &mut Caller<'_>,
    a: &[Value],
) -> Result<Vec<Value>, Trap> {
    let arg = Args(a);
    let mut w = ctx.borrow_mut();
    if name == "proc_exit" {
        w.trace(name, c, &arg, None);
        return Err(Trap::exit(arg.u32(0) as i32));
    }
    let result = w.dispatch(name, c, &arg);
    if result.is_ok() {
        c.not_undoable(|c| w.outside(name, c, &arg).map_or_else(String::new, |what| format!("{name}: {what}")));
    }
    w.trace(name, c, &arg, Some(result));
    Ok(vec![Value::I32(match result {
        Ok(()) => 0,
        Err(e) => e.0 as i32,
    })])
}

/// The arguments of a call, read as the signature says (a missing or mistyped one reads 0;
/// the store checks signatures, so this does not happen).
struct Args<'a>(&'a [Value]);

impl Args<'_> {
    fn u32(&self, i: usize) -> u32 {
        match self.0.get(i) {
            Some(Value::I32(v)) => *v as u32,
            _ => 0,
        }
    }
    fn u64(&self, i: usize) -> u64 {
        match self.0.get(i) {
            Some(Value::I64(v)) => *v as u64,
            _ => 0,
        }
    }
    /// An argument whose type is narrower than i32 (`u8`/`u16` in the witx): `INVAL` if the
    /// value does not fit.
    fn narrow(&self, i: usize, max: u32) -> R<u32> {
        let v = self.u32(i);
        if v > max { Err(Errno::INVAL) } else { Ok(v) }
    }
}

fn fault(_: Trap) -> Errno {
    Errno::FAULT
}

fn read<'c>(c: &'c Caller<'_>, addr: u32, len: u32) -> R<&'c [u8]> {
    c.read_memory(addr, len).map_err(fault)
}

fn write(c: &mut Caller<'_>, addr: u32, bytes: &[u8]) -> R {
    c.write_memory(addr, bytes).map_err(fault)
}

fn write_u32(c: &mut Caller<'_>, addr: u32, v: u32) -> R {
    write(c, addr, &v.to_le_bytes())
}

fn write_u64(c: &mut Caller<'_>, addr: u32, v: u64) -> R {
    write(c, addr, &v.to_le_bytes())
}

/// A path or name the guest passed: UTF-8 (`ILSEQ` if not).
fn string(c: &Caller<'_>, ptr: u32, len: u32) -> R<String> {
    String::from_utf8(read(c, ptr, len)?.to_vec()).map_err(|_| Errno::ILSEQ)
}

/// `(ptr, len)` pairs of an iovec array, each buffer checked to lie in memory.
fn iovecs(c: &Caller<'_>, iovs: u32, count: u32) -> R<Vec<(u32, u32)>> {
    let bytes = read(c, iovs, count.checked_mul(8).ok_or(Errno::FAULT)?)?;
    let word = |i: usize| u32::from_le_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
    let mut out = Vec::with_capacity(count as usize);
    let mut total = 0u32;
    for i in 0..count as usize {
        let (ptr, len) = (word(8 * i), word(8 * i + 4));
        read(c, ptr, len)?;
        // The total a call reports is a u32 (`size`); more is not representable.
        total = total.checked_add(len).ok_or(Errno::INVAL)?;
        out.push((ptr, len));
    }
    Ok(out)
}

fn filestat_bytes(s: &Filestat) -> [u8; abi::FILESTAT_SIZE] {
    let mut b = [0u8; abi::FILESTAT_SIZE];
    b[0..8].copy_from_slice(&s.dev.to_le_bytes());
    b[8..16].copy_from_slice(&s.ino.to_le_bytes());
    b[16] = s.filetype as u8;
    b[24..32].copy_from_slice(&s.nlink.to_le_bytes());
    b[32..40].copy_from_slice(&s.size.to_le_bytes());
    b[40..48].copy_from_slice(&s.atim.to_le_bytes());
    b[48..56].copy_from_slice(&s.mtim.to_le_bytes());
    b[56..64].copy_from_slice(&s.ctim.to_le_bytes());
    b
}

/// The two timestamps of a `*_set_times` call; `INVAL` for unknown flags or a time that is
/// both given and "now".
fn set_times(atim: u64, mtim: u64, flags: u32) -> R<(SetTime, SetTime)> {
    let all = (fstflags::ATIM | fstflags::ATIM_NOW | fstflags::MTIM | fstflags::MTIM_NOW) as u32;
    if flags & !all != 0 {
        return Err(Errno::INVAL);
    }
    let one = |given: u16, now: u16, t: u64| match (flags & given as u32 != 0, flags & now as u32 != 0) {
        (true, true) => Err(Errno::INVAL),
        (true, false) => Ok(SetTime::At(t)),
        (false, true) => Ok(SetTime::Now),
        (false, false) => Ok(SetTime::Keep),
    };
    Ok((one(fstflags::ATIM, fstflags::ATIM_NOW, atim)?, one(fstflags::MTIM, fstflags::MTIM_NOW, mtim)?))
}

/// `path` under a directory known as `dir` (for messages).
fn join(dir: &str, path: &str) -> String {
    match dir {
        "." => path.into(),
        d if d.ends_with('/') => format!("{d}{path}"),
        d => format!("{d}/{path}"),
    }
}

fn stream_stat() -> Filestat {
    Filestat { filetype: FileType::CharacterDevice, nlink: 1, ..Filestat::default() }
}

/// Writes NUL-terminated strings and the pointer array (`args_get`/`environ_get`).
fn write_strings(c: &mut Caller<'_>, strings: &[String], ptrs: u32, buf: u32) -> R {
    let mut at = buf;
    let mut ptr = ptrs;
    for s in strings {
        write_u32(c, ptr, at)?;
        let mut bytes = Vec::with_capacity(s.len() + 1);
        bytes.extend_from_slice(s.as_bytes());
        bytes.push(0);
        write(c, at, &bytes)?;
        at = at.checked_add(bytes.len() as u32).ok_or(Errno::FAULT)?;
        ptr = ptr.checked_add(4).ok_or(Errno::FAULT)?;
    }
    Ok(())
}

fn write_sizes(c: &mut Caller<'_>, strings: &[String], count_ptr: u32, size_ptr: u32) -> R {
    write_u32(c, count_ptr, strings.len() as u32)?;
    write_u32(c, size_ptr, strings.iter().map(|s| s.len() as u32 + 1).sum())
}

impl Wasi {
    fn dispatch(&mut self, name: &'static str, c: &mut Caller<'_>, a: &Args<'_>) -> R {
        match name {
            "args_get" => write_strings(c, &self.args, a.u32(0), a.u32(1)),
            "args_sizes_get" => write_sizes(c, &self.args, a.u32(0), a.u32(1)),
            "environ_get" => write_strings(c, &self.environ(), a.u32(0), a.u32(1)),
            "environ_sizes_get" => write_sizes(c, &self.environ(), a.u32(0), a.u32(1)),
            "clock_res_get" => {
                clock_id(a.u32(0))?;
                write_u64(c, a.u32(1), 1_000)
            }
            "clock_time_get" => {
                let id = clock_id(a.u32(0))?;
                let t = (self.clock)(id);
                write_u64(c, a.u32(2), t)
            }
            "random_get" => self.random_get(c, a.u32(0), a.u32(1)),
            "sched_yield" => Ok(()),
            "proc_raise" => {
                self.warn_once(name, "signals are not supported (returns NOTSUP)");
                Err(Errno::NOTSUP)
            }
            "poll_oneoff" => self.poll_oneoff(c, a.u32(0), a.u32(1), a.u32(2), a.u32(3)),
            "fd_advise" => {
                let advice = a.narrow(3, 255)?;
                let d = self.fd(a.u32(0), rights::FD_ADVISE)?;
                if advice > abi::ADVICE_MAX as u32 {
                    return Err(Errno::INVAL);
                }
                match d.handle {
                    Handle::File { .. } => Ok(()),
                    Handle::Dir { .. } => Err(Errno::BADF),
                    Handle::Stream(_) => Err(Errno::SPIPE),
                }
            }
            "fd_allocate" => {
                let (offset, len) = (a.u64(1), a.u64(2));
                file(self.fd(a.u32(0), rights::FD_ALLOCATE)?)?.0.allocate(offset, len)
            }
            "fd_close" => self.fds.remove(&a.u32(0)).map(drop).ok_or(Errno::BADF),
            "fd_datasync" | "fd_sync" => {
                let right = if name == "fd_sync" { rights::FD_SYNC } else { rights::FD_DATASYNC };
                match &self.fd(a.u32(0), right)?.handle {
                    Handle::File { file, .. } => file.sync(),
                    Handle::Dir { .. } | Handle::Stream(_) => Ok(()),
                }
            }
            "fd_fdstat_get" => {
                let d = self.fd(a.u32(0), 0)?;
                let filetype = match &d.handle {
                    Handle::Stream(_) => FileType::CharacterDevice,
                    Handle::File { file, .. } => file.filetype(),
                    Handle::Dir { .. } => FileType::Directory,
                };
                let mut b = [0u8; abi::FDSTAT_SIZE];
                b[0] = filetype as u8;
                b[2..4].copy_from_slice(&d.flags.to_le_bytes());
                b[8..16].copy_from_slice(&d.base.to_le_bytes());
                b[16..24].copy_from_slice(&d.inheriting.to_le_bytes());
                write(c, a.u32(1), &b)
            }
            "fd_fdstat_set_flags" => {
                let flags = a.narrow(1, u16::MAX as u32)? as u16;
                let d = self.fd(a.u32(0), rights::FD_FDSTAT_SET_FLAGS)?;
                if flags & !fdflags::ALL != 0 {
                    return Err(Errno::INVAL);
                }
                d.flags = flags;
                Ok(())
            }
            "fd_fdstat_set_rights" => {
                let (base, inheriting) = (a.u64(1), a.u64(2));
                let d = self.fd(a.u32(0), 0)?;
                if base & !d.base != 0 || inheriting & !d.inheriting != 0 {
                    return Err(Errno::NOTCAPABLE);
                }
                d.base = base;
                d.inheriting = inheriting;
                Ok(())
            }
            "fd_filestat_get" => {
                let stat = match &self.fd(a.u32(0), rights::FD_FILESTAT_GET)?.handle {
                    Handle::Stream(_) => stream_stat(),
                    Handle::File { file, .. } => file.stat()?,
                    Handle::Dir { dir, .. } => dir.stat()?,
                };
                write(c, a.u32(1), &filestat_bytes(&stat))
            }
            "fd_filestat_set_size" => {
                let size = a.u64(1);
                file(self.fd(a.u32(0), rights::FD_FILESTAT_SET_SIZE)?)?.0.set_size(size)
            }
            "fd_filestat_set_times" => {
                let (atim, mtim) = set_times(a.u64(1), a.u64(2), a.narrow(3, u16::MAX as u32)?)?;
                match &self.fd(a.u32(0), rights::FD_FILESTAT_SET_TIMES)?.handle {
                    Handle::File { file, .. } => file.set_times(atim, mtim),
                    Handle::Dir { dir, .. } => dir.set_times(atim, mtim),
                    Handle::Stream(_) => Ok(()),
                }
            }
            "fd_pread" => self.fd_read(c, a.u32(0), a.u32(1), a.u32(2), Some(a.u64(3)), a.u32(4)),
            "fd_read" => self.fd_read(c, a.u32(0), a.u32(1), a.u32(2), None, a.u32(3)),
            "fd_pwrite" => self.fd_write(c, a.u32(0), a.u32(1), a.u32(2), Some(a.u64(3)), a.u32(4)),
            "fd_write" => self.fd_write(c, a.u32(0), a.u32(1), a.u32(2), None, a.u32(3)),
            "fd_prestat_get" => {
                let name = preopen_name(self.fd(a.u32(0), 0)?)?;
                let mut b = [0u8; 8];
                b[4..8].copy_from_slice(&(name.len() as u32).to_le_bytes());
                write(c, a.u32(1), &b)
            }
            "fd_prestat_dir_name" => {
                let name = preopen_name(self.fd(a.u32(0), 0)?)?.to_string();
                if (a.u32(2) as usize) < name.len() {
                    return Err(Errno::NAMETOOLONG);
                }
                write(c, a.u32(1), name.as_bytes())
            }
            "fd_readdir" => self.fd_readdir(c, a.u32(0), a.u32(1), a.u32(2), a.u64(3), a.u32(4)),
            "fd_renumber" => {
                let (from, to) = (a.u32(0), a.u32(1));
                if !self.fds.contains_key(&to) {
                    return Err(Errno::BADF);
                }
                let d = self.fds.remove(&from).ok_or(Errno::BADF)?;
                self.fds.insert(to, d);
                Ok(())
            }
            "fd_seek" => {
                let (offset, how) = (a.u64(1) as i64, a.narrow(2, 255)? as u8);
                let needed = if offset == 0 && how == whence::CUR { rights::FD_TELL } else { rights::FD_SEEK };
                let d = self.fd(a.u32(0), 0)?;
                if d.base & (needed | rights::FD_SEEK) == 0 {
                    return Err(if matches!(d.handle, Handle::Dir { .. }) { Errno::BADF } else { Errno::NOTCAPABLE });
                }
                let (file, pos) = file(d)?;
                let base = match how {
                    whence::SET => 0,
                    whence::CUR => *pos,
                    whence::END => file.stat()?.size,
                    _ => return Err(Errno::INVAL),
                };
                let to = base.checked_add_signed(offset).filter(|&t| t <= i64::MAX as u64).ok_or(Errno::INVAL)?;
                *pos = to;
                write_u64(c, a.u32(3), to)
            }
            "fd_tell" => {
                let pos = *file(self.fd(a.u32(0), rights::FD_TELL)?)?.1;
                write_u64(c, a.u32(1), pos)
            }
            "path_create_directory" => {
                let path = string(c, a.u32(1), a.u32(2))?;
                dir(self.fd(a.u32(0), rights::PATH_CREATE_DIRECTORY)?)?.create_dir(&path)
            }
            "path_filestat_get" => {
                let follow = a.u32(1) & abi::SYMLINK_FOLLOW != 0;
                let path = string(c, a.u32(2), a.u32(3))?;
                let stat = dir(self.fd(a.u32(0), rights::PATH_FILESTAT_GET)?)?.path_stat(&path, follow)?;
                write(c, a.u32(4), &filestat_bytes(&stat))
            }
            "path_filestat_set_times" => {
                let follow = a.u32(1) & abi::SYMLINK_FOLLOW != 0;
                let path = string(c, a.u32(2), a.u32(3))?;
                let (atim, mtim) = set_times(a.u64(4), a.u64(5), a.narrow(6, u16::MAX as u32)?)?;
                dir(self.fd(a.u32(0), rights::PATH_FILESTAT_SET_TIMES)?)?.path_set_times(&path, follow, atim, mtim)
            }
            "path_link" => {
                let follow = a.u32(1) & abi::SYMLINK_FOLLOW != 0;
                let old = string(c, a.u32(2), a.u32(3))?;
                let new = string(c, a.u32(5), a.u32(6))?;
                self.fd(a.u32(4), rights::PATH_LINK_TARGET)?;
                self.fd(a.u32(0), rights::PATH_LINK_SOURCE)?;
                let (from, to) = self.two_dirs(a.u32(0), a.u32(4))?;
                from.link(&old, follow, to, &new)
            }
            "path_open" => self.path_open(c, a),
            "path_readlink" => {
                let path = string(c, a.u32(1), a.u32(2))?;
                let target = dir(self.fd(a.u32(0), rights::PATH_READLINK)?)?.read_link(&path)?;
                let bytes = target.as_bytes();
                let n = bytes.len().min(a.u32(4) as usize);
                write(c, a.u32(3), &bytes[..n])?;
                write_u32(c, a.u32(5), n as u32)
            }
            "path_remove_directory" => {
                let path = string(c, a.u32(1), a.u32(2))?;
                dir(self.fd(a.u32(0), rights::PATH_REMOVE_DIRECTORY)?)?.remove_dir(&path)
            }
            "path_rename" => {
                let old = string(c, a.u32(1), a.u32(2))?;
                let new = string(c, a.u32(4), a.u32(5))?;
                self.fd(a.u32(3), rights::PATH_RENAME_TARGET)?;
                self.fd(a.u32(0), rights::PATH_RENAME_SOURCE)?;
                let (from, to) = self.two_dirs(a.u32(0), a.u32(3))?;
                from.rename(&old, to, &new)
            }
            "path_symlink" => {
                let target = string(c, a.u32(0), a.u32(1))?;
                let path = string(c, a.u32(3), a.u32(4))?;
                dir(self.fd(a.u32(2), rights::PATH_SYMLINK)?)?.symlink(&target, &path)
            }
            "path_unlink_file" => {
                let path = string(c, a.u32(1), a.u32(2))?;
                dir(self.fd(a.u32(0), rights::PATH_UNLINK_FILE)?)?.unlink_file(&path)
            }
            // There are no sockets: preview 1 cannot open one, and none is preopened.
            "sock_accept" | "sock_recv" | "sock_send" | "sock_shutdown" => {
                self.fd(a.u32(0), 0)?;
                Err(Errno::NOTSOCK)
            }
            _ => Err(Errno::NOSYS),
        }
    }

    /// What a successful call `name` did outside the machine ("14 bytes written to stdout"),
    /// for a debugger that steps back over it (it cannot be undone) and for the tracer:
    /// `None` for calls that change nothing outside guest memory.
    fn outside(&self, name: &str, c: &Caller<'_>, a: &Args<'_>) -> Option<String> {
        let fd = |i: usize| self.fd_label(a.u32(i));
        // Path argument `i` (pointer, length) under directory argument `dir`.
        let path = |dir: usize, i: usize| {
            let p = string(c, a.u32(i), a.u32(i + 1)).unwrap_or_else(|_| "?".into());
            self.fds.get(&a.u32(dir)).map_or(p.clone(), |d| join(&d.name, &p))
        };
        let count = |ptr: u32| read(c, ptr, 4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]])).unwrap_or(0);
        let what = match name {
            "fd_write" => format!("{} bytes written to {}", count(a.u32(3)), fd(0)),
            "fd_pwrite" => format!("{} bytes written to {} at offset {}", count(a.u32(4)), fd(0), a.u64(3)),
            "fd_read" => match count(a.u32(3)) {
                0 => return None,
                n if matches!(self.fds.get(&a.u32(0)).map(|d| &d.handle), Some(Handle::Stream(0))) => {
                    format!("{n} bytes of stdin consumed")
                }
                n => format!("{}'s position moved on by {n}", fd(0)),
            },
            "fd_seek" => format!("{}'s position moved", fd(0)),
            "fd_close" => format!("fd {} closed", a.u32(0)),
            "fd_renumber" => format!("fd {} moved to fd {}", a.u32(0), a.u32(1)),
            "fd_allocate" | "fd_filestat_set_size" => format!("{}'s size changed", fd(0)),
            "fd_filestat_set_times" => format!("{}'s times changed", fd(0)),
            "fd_fdstat_set_flags" | "fd_fdstat_set_rights" => format!("{}'s flags or rights changed", fd(0)),
            "path_open" => {
                let oflags = a.u32(4) as u16;
                let mut what = format!("{} opened", self.fd_label(count(a.u32(8))));
                if oflags & oflags::CREAT != 0 {
                    what.push_str(" (created if missing)");
                }
                if oflags & oflags::TRUNC != 0 {
                    what.push_str(" (truncated)");
                }
                what
            }
            "path_create_directory" => format!("directory {} created", path(0, 1)),
            "path_remove_directory" => format!("directory {} removed", path(0, 1)),
            "path_unlink_file" => format!("{} removed", path(0, 1)),
            "path_rename" => format!("{} renamed to {}", path(0, 1), path(3, 4)),
            "path_symlink" => format!("symlink {} created", path(2, 3)),
            "path_link" => format!("link {} created", path(4, 5)),
            "path_filestat_set_times" => format!("{}'s times changed", path(0, 2)),
            _ => return None,
        };
        Some(what)
    }

    /// One line for the tracer, if there is one (`result` is `None` for `proc_exit`).
    fn trace(&mut self, name: &str, c: &Caller<'_>, a: &Args<'_>, result: Option<R>) {
        if self.trace.is_none() {
            return;
        }
        let paths: &[usize] = match name {
            "path_create_directory" | "path_readlink" | "path_remove_directory" | "path_unlink_file" => &[1],
            "path_filestat_get" | "path_filestat_set_times" | "path_open" => &[2],
            "path_link" => &[2, 5],
            "path_rename" => &[1, 4],
            "path_symlink" => &[0, 3],
            _ => &[],
        };
        let mut args = Vec::new();
        let mut i = 0;
        while i < a.0.len() {
            if paths.contains(&i) {
                args.push(match string(c, a.u32(i), a.u32(i + 1)) {
                    Ok(p) => format!("{p:?}"),
                    Err(e) => format!("<{}>", e.name()),
                });
                i += 2;
            } else {
                // Small numbers (descriptors, flags, lengths) in decimal; pointers and
                // rights in hex.
                let v = match a.0[i] {
                    Value::I64(v) => v as u64,
                    _ => a.u32(i) as u64,
                };
                args.push(if v < 0x10000 { v.to_string() } else { format!("{v:#x}") });
                i += 1;
            }
        }
        let mut line = format!("{name}({})", args.join(", "));
        match result {
            None => {}
            Some(Ok(())) => {
                line.push_str(" = 0");
                if let Some(what) = self.outside(name, c, a) {
                    line.push_str("  # ");
                    line.push_str(&what);
                }
            }
            Some(Err(e)) => line.push_str(&format!(" = {} ({})", e.0, e.name())),
        }
        if let Some(t) = self.trace.as_mut() {
            t(&line);
        }
    }

    /// A descriptor as a user knows it: "stdout", or "fd 4 (/tmp/out.txt)".
    fn fd_label(&self, fd: u32) -> String {
        match self.fds.get(&fd) {
            Some(d) if matches!(d.handle, Handle::Stream(n) if n == fd) => d.name.clone(),
            Some(d) => format!("fd {fd} ({})", d.name),
            None => format!("fd {fd}"),
        }
    }

    fn environ(&self) -> Vec<String> {
        self.env.iter().map(|(k, v)| format!("{k}={v}")).collect()
    }

    fn random_get(&mut self, c: &mut Caller<'_>, ptr: u32, len: u32) -> R {
        read(c, ptr, len)?;
        let mut buf = vec![0u8; len as usize];
        for chunk in buf.chunks_mut(8) {
            let r = self.next_random().to_le_bytes();
            chunk.copy_from_slice(&r[..chunk.len()]);
        }
        write(c, ptr, &buf)
    }

    /// The directories of descriptors `a` and `b` (which may be the same).
    fn two_dirs(&self, a: u32, b: u32) -> R<(&dyn super::Dir, &dyn super::Dir)> {
        let get = |fd: u32| match self.fds.get(&fd).map(|d| &d.handle) {
            Some(Handle::Dir { dir, .. }) => Ok(&**dir),
            Some(_) => Err(Errno::NOTDIR),
            None => Err(Errno::BADF),
        };
        Ok((get(a)?, get(b)?))
    }

    fn fd_read(&mut self, c: &mut Caller<'_>, fd: u32, iovs: u32, count: u32, at: Option<u64>, nread: u32) -> R {
        let bufs = iovecs(c, iovs, count)?;
        let mut total = 0u32;
        let Self { fds, input, .. } = self;
        let d = io_descriptor(fds, fd, rights::FD_READ, at.is_some())?;
        for (ptr, len) in bufs {
            let mut buf = vec![0u8; len as usize];
            let n = match &mut d.handle {
                Handle::Stream(0) if at.is_some() => return Err(Errno::SPIPE),
                Handle::Stream(0) => input(&mut buf).map_err(|_| Errno::IO)?.min(buf.len()),
                Handle::Stream(_) => return Err(Errno::BADF),
                Handle::File { file, pos } => {
                    // fd_read advances the position per buffer; fd_pread's offset does not move.
                    let offset = match at {
                        Some(at) => at.saturating_add(total as u64),
                        None => *pos,
                    };
                    let n = file.read_at(&mut buf, offset)?.min(buf.len());
                    if at.is_none() {
                        *pos = pos.saturating_add(n as u64);
                    }
                    n
                }
                Handle::Dir { .. } => return Err(Errno::ISDIR),
            };
            write(c, ptr, &buf[..n])?;
            total += n as u32;
            if n < len as usize {
                break;
            }
        }
        write_u32(c, nread, total)
    }

    fn fd_write(&mut self, c: &mut Caller<'_>, fd: u32, iovs: u32, count: u32, at: Option<u64>, nwritten: u32) -> R {
        let bufs = iovecs(c, iovs, count)?;
        let Self { fds, output, .. } = self;
        let d = io_descriptor(fds, fd, rights::FD_WRITE, at.is_some())?;
        let append = d.flags & fdflags::APPEND != 0;
        let mut total = 0u32;
        match &mut d.handle {
            Handle::Stream(0) => return Err(Errno::BADF),
            Handle::Stream(_) if at.is_some() => return Err(Errno::SPIPE),
            Handle::Stream(n) => {
                for (ptr, len) in bufs {
                    output(*n, read(c, ptr, len)?);
                    total += len;
                }
            }
            Handle::File { file, pos } => {
                // One buffer per write, so a partial write is reported as such.
                let mut bytes = Vec::new();
                for (ptr, len) in bufs {
                    bytes.extend_from_slice(read(c, ptr, len)?);
                }
                let offset = match at {
                    Some(at) => at,
                    None if append => file.stat()?.size,
                    None => *pos,
                };
                let n = file.write_at(&bytes, offset)?.min(bytes.len());
                if at.is_none() {
                    *pos = offset.saturating_add(n as u64);
                }
                total = n as u32;
            }
            Handle::Dir { .. } => return Err(Errno::ISDIR),
        }
        write_u32(c, nwritten, total)
    }

    fn fd_readdir(&mut self, c: &mut Caller<'_>, fd: u32, buf: u32, len: u32, cookie: u64, bufused: u32) -> R {
        read(c, buf, len)?;
        let d = self.fd(fd, rights::FD_READDIR)?;
        let Handle::Dir { dir, .. } = &d.handle else { return Err(Errno::NOTDIR) };
        let own = dir.stat()?.ino;
        // `..` of a preopen (or of any directory, to cap-std) is outside the sandbox; its
        // inode number is then the directory's own. Never 0: wasi-libc's `readdir` takes 0
        // for "unknown" and stats the entry, which fails for `..` and ends the listing.
        let parent = dir.path_stat("..", true).map_or(own, |s| s.ino);
        let mut entries = vec![
            DirEntry { name: ".".into(), filetype: FileType::Directory, ino: own },
            DirEntry { name: "..".into(), filetype: FileType::Directory, ino: parent },
        ];
        entries.extend(dir.entries()?);
        let mut out = Vec::new();
        for (i, e) in entries.iter().enumerate().skip(usize::try_from(cookie).unwrap_or(usize::MAX)) {
            if out.len() >= len as usize {
                break;
            }
            let mut head = [0u8; abi::DIRENT_SIZE];
            head[0..8].copy_from_slice(&(i as u64 + 1).to_le_bytes());
            head[8..16].copy_from_slice(&e.ino.to_le_bytes());
            head[16..20].copy_from_slice(&(e.name.len() as u32).to_le_bytes());
            head[20] = e.filetype as u8;
            out.extend_from_slice(&head);
            out.extend_from_slice(e.name.as_bytes());
        }
        // A full buffer tells the guest there may be more (the last entry may be cut off).
        out.truncate(len as usize);
        write(c, buf, &out)?;
        write_u32(c, bufused, out.len() as u32)
    }

    fn path_open(&mut self, c: &mut Caller<'_>, a: &Args<'_>) -> R {
        let follow = a.u32(1) & abi::SYMLINK_FOLLOW != 0;
        let path = string(c, a.u32(2), a.u32(3))?;
        let oflags = a.narrow(4, u16::MAX as u32)? as u16;
        let (want_base, want_inheriting) = (a.u64(5), a.u64(6));
        let fdflags = a.narrow(7, u16::MAX as u32)? as u16;
        let result = a.u32(8);
        // The result pointer is checked first, so a bad one creates no file.
        read(c, result, 4)?;
        if oflags & !(oflags::CREAT | oflags::DIRECTORY | oflags::EXCL | oflags::TRUNC) != 0
            || fdflags & !fdflags::ALL != 0
        {
            return Err(Errno::INVAL);
        }
        let mut needed = rights::PATH_OPEN;
        if oflags & oflags::CREAT != 0 {
            needed |= rights::PATH_CREATE_FILE;
        }
        if oflags & oflags::TRUNC != 0 {
            needed |= rights::PATH_FILESTAT_SET_SIZE;
        }
        let d = self.fd(a.u32(0), needed)?;
        let inherit = d.inheriting;
        let Handle::Dir { dir, .. } = &d.handle else { return Err(Errno::NOTDIR) };
        let name = join(&d.name, &path);
        let (base, inheriting) = (want_base & inherit, want_inheriting & inherit);
        // As wasmtime decides: reading is asked for by `fd_read` or `fd_readdir`, writing by
        // any right that changes the file's contents.
        let write_rights = rights::FD_WRITE | rights::FD_DATASYNC | rights::FD_ALLOCATE | rights::FD_FILESTAT_SET_SIZE;
        let write_access = base & write_rights != 0;
        let truncate = oflags & oflags::TRUNC != 0;
        let options = OpenOptions {
            follow,
            create: oflags & oflags::CREAT != 0,
            directory: oflags & oflags::DIRECTORY != 0,
            exclusive: oflags & oflags::EXCL != 0,
            truncate,
            read: base & (rights::FD_READ | rights::FD_READDIR) != 0 || !write_access,
            // Truncating needs write access to the file, whatever the new descriptor may do.
            write: write_access || truncate,
            append: fdflags & fdflags::APPEND != 0,
            sync: fdflags & (fdflags::DSYNC | fdflags::RSYNC | fdflags::SYNC) != 0,
            nonblock: fdflags & fdflags::NONBLOCK != 0,
        };
        let descriptor = match dir.open(&path, &options)? {
            Opened::File(file) => Descriptor {
                handle: Handle::File { file, pos: 0 },
                base: base & rights::FILE,
                inheriting: 0,
                flags: fdflags,
                name,
            },
            Opened::Dir(dir) => Descriptor {
                handle: Handle::Dir { dir, preopen: false },
                base: base & rights::DIR,
                inheriting: inheriting & (rights::DIR | rights::FILE),
                flags: fdflags,
                name,
            },
        };
        let fd = self.free_fd();
        self.fds.insert(fd, descriptor);
        if let Err(e) = write_u32(c, result, fd) {
            self.fds.remove(&fd);
            return Err(e);
        }
        Ok(())
    }

    /// `poll_oneoff`: file and stream subscriptions are ready at once (reads from stdin
    /// block in `fd_read`, as a terminal's would); with none ready, it waits for the
    /// earliest clock.
    fn poll_oneoff(&mut self, c: &mut Caller<'_>, subs: u32, events: u32, n: u32, nevents: u32) -> R {
        if n == 0 {
            return Err(Errno::INVAL);
        }
        let input = read(c, subs, n.checked_mul(abi::SUBSCRIPTION_SIZE).ok_or(Errno::FAULT)?)?.to_vec();
        read(c, events, n.checked_mul(abi::EVENT_SIZE).ok_or(Errno::FAULT)?)?;
        let u64_at = |b: &[u8], i: usize| u64::from_le_bytes(b[i..i + 8].try_into().unwrap_or([0; 8]));
        let mut ready: Vec<[u8; abi::EVENT_SIZE as usize]> = Vec::new();
        // The earliest clock: (nanoseconds from now, its event).
        let mut earliest: Option<(u64, [u8; abi::EVENT_SIZE as usize])> = None;
        for sub in input.chunks_exact(abi::SUBSCRIPTION_SIZE as usize) {
            let mut event = [0u8; abi::EVENT_SIZE as usize];
            event[0..8].copy_from_slice(&sub[0..8]);
            let tag = sub[8];
            event[10] = tag;
            let error = match tag {
                eventtype::CLOCK => {
                    let id = u32::from_le_bytes([sub[16], sub[17], sub[18], sub[19]]);
                    let timeout = u64_at(sub, 24);
                    let flags = u16::from_le_bytes([sub[40], sub[41]]);
                    match clock_id(id) {
                        Ok(id) => {
                            let wait = if flags & abi::ABSTIME != 0 {
                                timeout.saturating_sub((self.clock)(id))
                            } else {
                                timeout
                            };
                            if earliest.is_none_or(|(w, _)| wait < w) {
                                earliest = Some((wait, event));
                            }
                            continue;
                        }
                        Err(e) => e,
                    }
                }
                eventtype::FD_READ | eventtype::FD_WRITE => {
                    let fd = u32::from_le_bytes([sub[16], sub[17], sub[18], sub[19]]);
                    match self.fd(fd, rights::POLL_FD_READWRITE) {
                        Ok(d) => {
                            let available = match &d.handle {
                                Handle::File { file, pos } if tag == eventtype::FD_READ => {
                                    file.stat().map_or(0, |s| s.size.saturating_sub(*pos))
                                }
                                Handle::Dir { .. } => {
                                    ready.push(with_error(event, Errno::BADF));
                                    continue;
                                }
                                _ => 0,
                            };
                            event[16..24].copy_from_slice(&available.to_le_bytes());
                            Errno::SUCCESS
                        }
                        Err(e) => e,
                    }
                }
                _ => Errno::INVAL,
            };
            ready.push(with_error(event, error));
        }
        if ready.is_empty()
            && let Some((wait, event)) = earliest
        {
            if wait > 0 && (self.sleep)(wait) {
                c.pause();
            }
            ready.push(event);
        }
        let mut bytes = Vec::with_capacity(ready.len() * abi::EVENT_SIZE as usize);
        for e in &ready {
            bytes.extend_from_slice(e);
        }
        write(c, events, &bytes)?;
        write_u32(c, nevents, ready.len() as u32)
    }
}

/// The descriptor of an `fd_read`/`fd_write` (`right`) or, `positional`, an
/// `fd_pread`/`fd_pwrite` (which needs `FD_SEEK` too): `ISDIR` for a directory, `BADF` for a
/// stream without the right (stdin is not writable, stdout not readable), else `NOTCAPABLE`.
fn io_descriptor(
    fds: &mut std::collections::BTreeMap<u32, Descriptor>,
    fd: u32,
    right: u64,
    positional: bool,
) -> R<&mut Descriptor> {
    let needed = if positional { right | rights::FD_SEEK } else { right };
    let d = fds.get_mut(&fd).ok_or(Errno::BADF)?;
    if matches!(d.handle, Handle::Dir { .. }) {
        return Err(Errno::ISDIR);
    }
    if d.base & needed != needed {
        return Err(if matches!(d.handle, Handle::Stream(_)) { Errno::BADF } else { Errno::NOTCAPABLE });
    }
    Ok(d)
}

fn with_error(mut event: [u8; abi::EVENT_SIZE as usize], e: Errno) -> [u8; abi::EVENT_SIZE as usize] {
    event[8..10].copy_from_slice(&e.0.to_le_bytes());
    event
}

/// Clocks 0 (realtime) to 3 (thread CPU time); the CPU-time clocks read the monotonic one.
fn clock_id(id: u32) -> R<u32> {
    match id {
        0 => Ok(0),
        1..=3 => Ok(1),
        _ => Err(Errno::INVAL),
    }
}

fn file(d: &mut Descriptor) -> R<(&dyn super::File, &mut u64)> {
    match &mut d.handle {
        Handle::File { file, pos } => Ok((&**file, pos)),
        Handle::Dir { .. } => Err(Errno::BADF),
        Handle::Stream(_) => Err(Errno::SPIPE),
    }
}

fn dir(d: &mut Descriptor) -> R<&dyn super::Dir> {
    match &d.handle {
        Handle::Dir { dir, .. } => Ok(&**dir),
        _ => Err(Errno::NOTDIR),
    }
}

fn preopen_name(d: &mut Descriptor) -> R<&str> {
    match &d.handle {
        Handle::Dir { preopen: true, .. } => Ok(&d.name),
        _ => Err(Errno::BADF),
    }
}
