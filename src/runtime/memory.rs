//! Linear memory.

use crate::trap::TrapCode;

pub const PAGE_SIZE: usize = 65536;
/// The most pages a 32-bit memory can have.
pub const MAX_PAGES: u32 = 65536;

/// A buffer of `len` zero bytes with room for `capacity`, or `None` if it cannot be
/// allocated (never an abort: hostile modules ask for gigabytes).
fn zeroed(len: usize, capacity: usize) -> Option<Vec<u8>> {
    let capacity = capacity.max(len);
    if capacity == 0 {
        return Some(Vec::new());
    }
    let layout = std::alloc::Layout::array::<u8>(capacity).ok()?;
    // SAFETY: the layout has a non-zero size; a null result is handled; all `capacity`
    // bytes are initialised (zeroed), `len <= capacity`, and the pointer comes from the
    // global allocator with the layout `Vec<u8>` uses for that capacity.
    unsafe {
        let ptr = std::alloc::alloc_zeroed(layout);
        if ptr.is_null() {
            return None;
        }
        Some(Vec::from_raw_parts(ptr, len, capacity))
    }
}

#[derive(Debug, Clone)]
pub struct Memory {
    data: Vec<u8>,
    max: Option<u32>,
    /// The embedder's cap on pages (see `Limits::max_memory_pages`).
    cap: u32,
}

impl Memory {
    /// A memory of `min` pages. Fails when `min` exceeds the cap.
    pub fn new(min: u32, max: Option<u32>, cap: u32) -> Result<Memory, String> {
        let cap = cap.min(MAX_PAGES);
        if min > cap {
            return Err(format!("memory of {min} pages exceeds the limit of {cap} pages"));
        }
        let data = zeroed(min as usize * PAGE_SIZE, min as usize * PAGE_SIZE)
            .ok_or_else(|| format!("cannot allocate a memory of {min} pages"))?;
        Ok(Memory { data, max, cap })
    }

    pub fn pages(&self) -> u32 {
        (self.data.len() / PAGE_SIZE) as u32
    }

    pub fn max(&self) -> Option<u32> {
        self.max
    }

    pub fn data(&self) -> &[u8] {
        &self.data
    }

    pub fn data_mut(&mut self) -> &mut [u8] {
        &mut self.data
    }

    /// `memory.grow`: the old size in pages, or `None` (the instruction's -1) when the
    /// memory cannot grow that far.
    pub fn grow(&mut self, delta: u32) -> Option<u32> {
        let old = self.pages();
        let new = old.checked_add(delta)?;
        if new > self.max.unwrap_or(MAX_PAGES).min(self.cap) {
            return None;
        }
        let new_len = new as usize * PAGE_SIZE;
        if new_len <= self.data.capacity() {
            self.data.resize(new_len, 0);
        } else {
            // A fresh zeroed allocation (room to double, within the limit): the OS hands out
            // untouched zero pages, so growing by gigabytes costs nothing until they are used.
            let limit = self.max.unwrap_or(MAX_PAGES).min(self.cap) as usize * PAGE_SIZE;
            let capacity = new_len.max((self.data.len() * 2).min(limit));
            let mut data = zeroed(new_len, capacity)?;
            data[..self.data.len()].copy_from_slice(&self.data);
            self.data = data;
        }
        Some(old)
    }

    /// Shrinks back to `pages` (the debugger undoing a `memory.grow`).
    pub(crate) fn shrink_to(&mut self, pages: u32) {
        self.data.truncate(pages as usize * PAGE_SIZE);
    }

    /// The byte range `[addr + offset, addr + offset + len)`, or an out-of-bounds trap.
    #[inline]
    fn range(&self, addr: u32, offset: u32, len: usize) -> Result<std::ops::Range<usize>, TrapCode> {
        let start = addr as u64 + offset as u64;
        let end = start + len as u64;
        if end > self.data.len() as u64 {
            return Err(TrapCode::MemoryOutOfBounds);
        }
        Ok(start as usize..end as usize)
    }

    /// A pointer to the `len` bytes at `addr + offset`, or an out-of-bounds trap.
    #[inline]
    pub fn at(&self, addr: u32, offset: u32, len: usize) -> Result<*const u8, TrapCode> {
        let r = self.range(addr, offset, len)?;
        Ok(self.data.as_ptr().wrapping_add(r.start))
    }

    /// A pointer to the `len` writable bytes at `addr + offset`, or an out-of-bounds trap.
    #[inline]
    pub fn at_mut(&mut self, addr: u32, offset: u32, len: usize) -> Result<*mut u8, TrapCode> {
        let r = self.range(addr, offset, len)?;
        Ok(self.data.as_mut_ptr().wrapping_add(r.start))
    }

    /// Reads `len` bytes at `addr` (for hosts).
    pub fn read(&self, addr: u32, len: u32) -> Result<&[u8], TrapCode> {
        let r = self.range(addr, 0, len as usize)?;
        Ok(&self.data[r])
    }

    /// Writes `bytes` at `addr` (for hosts and data segments): all or nothing.
    pub fn write(&mut self, addr: u32, bytes: &[u8]) -> Result<(), TrapCode> {
        let r = self.range(addr, 0, bytes.len())?;
        self.data[r].copy_from_slice(bytes);
        Ok(())
    }

    /// `memory.fill`.
    pub fn fill(&mut self, addr: u32, value: u8, len: u32) -> Result<(), TrapCode> {
        let r = self.range(addr, 0, len as usize)?;
        self.data[r].fill(value);
        Ok(())
    }

    /// `memory.copy` (overlapping ranges allowed).
    pub fn copy_within(&mut self, dst: u32, src: u32, len: u32) -> Result<(), TrapCode> {
        let s = self.range(src, 0, len as usize)?;
        let d = self.range(dst, 0, len as usize)?;
        self.data.copy_within(s, d.start);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_and_growth() {
        let mut m = Memory::new(1, Some(3), MAX_PAGES).unwrap();
        assert_eq!(m.pages(), 1);
        m.write(65532, &[1, 2, 3, 4]).unwrap();
        // `at` is `addr + offset`, width checked, as a load reads it.
        let p = m.at(65530, 2, 4).unwrap();
        // SAFETY: `at` checked the 4 bytes.
        assert_eq!(unsafe { std::slice::from_raw_parts(p, 4) }, [1, 2, 3, 4]);
        assert_eq!(m.at(65533, 0, 4), Err(TrapCode::MemoryOutOfBounds));
        assert_eq!(m.at(u32::MAX, u32::MAX, 1), Err(TrapCode::MemoryOutOfBounds));
        assert_eq!(m.grow(2), Some(1));
        assert_eq!(m.pages(), 3);
        assert_eq!(m.read(65533, 4).unwrap(), [2, 3, 4, 0]);
        assert_eq!(m.grow(1), None, "beyond max");
        assert_eq!(m.grow(0), Some(3));
    }

    #[test]
    fn cap_limits_growth_and_creation() {
        assert!(Memory::new(5, None, 4).is_err());
        let mut m = Memory::new(1, None, 2).unwrap();
        assert_eq!(m.grow(2), None);
        assert_eq!(m.grow(1), Some(1));
    }

    #[test]
    fn bulk_ops_are_all_or_nothing() {
        let mut m = Memory::new(1, None, MAX_PAGES).unwrap();
        assert_eq!(m.fill(65535, 7, 2), Err(TrapCode::MemoryOutOfBounds));
        assert_eq!(m.data()[65535], 0);
        m.fill(0, 9, 4).unwrap();
        m.copy_within(2, 0, 4).unwrap();
        assert_eq!(&m.data()[..6], &[9, 9, 9, 9, 9, 9]);
        assert!(m.copy_within(65535, 0, 2).is_err());
        m.fill(65536, 1, 0).unwrap();
    }
}
