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

/// What a memory is made with: its limits in pages of `1 << page_log2` bytes, whether
/// addresses are 64-bit (memory64), and whether it is shared (threads).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemorySpec {
    pub min: u64,
    pub max: Option<u64>,
    pub memory64: bool,
    pub shared: bool,
    /// 16 (64 KiB pages) or 0 (1-byte pages, custom-page-sizes).
    pub page_log2: u8,
}

impl MemorySpec {
    /// A 32-bit, unshared memory of 64 KiB pages.
    pub fn pages(min: u32, max: Option<u32>) -> MemorySpec {
        MemorySpec { min: min as u64, max: max.map(u64::from), memory64: false, shared: false, page_log2: 16 }
    }

    /// The most pages the spec allows this kind of memory: 2^32 bytes for 32-bit addresses,
    /// 2^64 (2^48 pages of 64 KiB) for 64-bit ones.
    pub fn spec_max(&self) -> u64 {
        match (self.memory64, self.page_log2) {
            (false, p) => (1u64 << 32) >> p,
            (true, 0) => u64::MAX,
            (true, p) => 1u64 << (64 - p as u32),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Memory {
    data: Vec<u8>,
    spec: MemorySpec,
    /// The most pages it may ever have: its max, the spec's, and the embedder's cap on bytes
    /// (`Limits::max_memory_pages` 64 KiB pages), in its own pages.
    limit: u64,
}

impl Memory {
    /// A 32-bit memory of `min` 64 KiB pages. Fails when `min` exceeds the cap (in 64 KiB pages).
    pub fn new(min: u32, max: Option<u32>, cap: u32) -> Result<Memory, String> {
        Memory::with_spec(MemorySpec::pages(min, max), cap)
    }

    /// A memory as `spec` says, under the cap of `cap` 64 KiB pages.
    pub fn with_spec(spec: MemorySpec, cap: u32) -> Result<Memory, String> {
        let cap_bytes = (cap.min(MAX_PAGES) as u64) * PAGE_SIZE as u64;
        let cap_pages = cap_bytes >> spec.page_log2;
        let limit = spec.max.unwrap_or(u64::MAX).min(spec.spec_max()).min(cap_pages);
        let min = spec.min;
        if min > cap_pages {
            let unit = if spec.page_log2 == 16 {
                "pages".to_string()
            } else {
                format!("pages of {} bytes", 1u64 << spec.page_log2)
            };
            return Err(format!("memory of {min} {unit} exceeds the limit of {cap_pages} {unit}"));
        }
        let bytes = (min << spec.page_log2) as usize;
        let data = zeroed(bytes, bytes).ok_or_else(|| format!("cannot allocate a memory of {min} pages"))?;
        Ok(Memory { data, spec, limit })
    }

    /// The size in pages (see [`Memory::page_size`]).
    pub fn pages(&self) -> u64 {
        (self.data.len() as u64) >> self.spec.page_log2
    }

    pub fn max(&self) -> Option<u64> {
        self.spec.max
    }

    /// How it was made (limits, 64-bit addresses, shared, page size).
    pub fn spec(&self) -> MemorySpec {
        self.spec
    }

    /// Does it take 64-bit addresses (memory64)?
    pub fn is_64(&self) -> bool {
        self.spec.memory64
    }

    /// Bytes per page: 65536, or 1 (custom-page-sizes).
    pub fn page_size(&self) -> u64 {
        1 << self.spec.page_log2
    }

    pub fn data(&self) -> &[u8] {
        &self.data
    }

    pub fn data_mut(&mut self) -> &mut [u8] {
        &mut self.data
    }

    /// `memory.grow`: the old size in pages, or `None` (the instruction's -1) when the
    /// memory cannot grow that far.
    pub fn grow(&mut self, delta: u64) -> Option<u64> {
        let old = self.pages();
        let new = old.checked_add(delta)?;
        if new > self.limit {
            return None;
        }
        let new_len = usize::try_from(new << self.spec.page_log2).ok()?;
        if new_len <= self.data.capacity() {
            self.data.resize(new_len, 0);
        } else {
            // A fresh zeroed allocation (room to double, within the limit): the OS hands out
            // untouched zero pages, so growing by gigabytes costs nothing until they are used.
            let limit = usize::try_from(self.limit << self.spec.page_log2).unwrap_or(usize::MAX);
            let capacity = new_len.max((self.data.len() * 2).min(limit));
            let mut data = zeroed(new_len, capacity)?;
            data[..self.data.len()].copy_from_slice(&self.data);
            self.data = data;
        }
        Some(old)
    }

    /// Shrinks back to `pages` (the debugger undoing a `memory.grow`).
    pub(crate) fn shrink_to(&mut self, pages: u64) {
        self.data.truncate((pages << self.spec.page_log2) as usize);
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

    /// The same with 64-bit addresses and offsets (any sum past 2^64 is out of bounds).
    #[inline]
    pub(crate) fn range64(&self, addr: u64, offset: u64, len: u64) -> Result<std::ops::Range<usize>, TrapCode> {
        let start = addr.checked_add(offset).ok_or(TrapCode::MemoryOutOfBounds)?;
        let end = start.checked_add(len).ok_or(TrapCode::MemoryOutOfBounds)?;
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

    /// [`Memory::at`] with 64-bit address and offset (the `Mem` and `Atomic` families).
    #[inline]
    pub fn at64(&self, addr: u64, offset: u64, len: usize) -> Result<*const u8, TrapCode> {
        let r = self.range64(addr, offset, len as u64)?;
        Ok(self.data.as_ptr().wrapping_add(r.start))
    }

    /// [`Memory::at_mut`] with 64-bit address and offset.
    #[inline]
    pub fn at64_mut(&mut self, addr: u64, offset: u64, len: usize) -> Result<*mut u8, TrapCode> {
        let r = self.range64(addr, offset, len as u64)?;
        Ok(self.data.as_mut_ptr().wrapping_add(r.start))
    }

    /// Reads `len` bytes at `addr` (for hosts).
    pub fn read(&self, addr: u32, len: u32) -> Result<&[u8], TrapCode> {
        let r = self.range(addr, 0, len as usize)?;
        Ok(&self.data[r])
    }

    /// Writes `bytes` at `addr` (for hosts and data segments): all or nothing.
    pub fn write(&mut self, addr: u64, bytes: &[u8]) -> Result<(), TrapCode> {
        let r = self.range64(addr, 0, bytes.len() as u64)?;
        self.data[r].copy_from_slice(bytes);
        Ok(())
    }

    /// `memory.fill`.
    pub fn fill(&mut self, addr: u64, value: u8, len: u64) -> Result<(), TrapCode> {
        let r = self.range64(addr, 0, len)?;
        self.data[r].fill(value);
        Ok(())
    }

    /// `memory.copy` (overlapping ranges allowed).
    pub fn copy_within(&mut self, dst: u64, src: u64, len: u64) -> Result<(), TrapCode> {
        let s = self.range64(src, 0, len)?;
        let d = self.range64(dst, 0, len)?;
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
