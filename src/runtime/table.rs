//! Tables of references.

use crate::trap::TrapCode;
use crate::value::{Raw, ValType};

#[derive(Debug, Clone)]
pub struct Table {
    pub(crate) elems: Vec<Raw>,
    pub(crate) ty: ValType,
    max: Option<u64>,
    cap: u32,
    /// Indexed by i64 (table64)?
    pub(crate) table64: bool,
}

impl Table {
    pub fn new(ty: ValType, min: u32, max: Option<u32>, init: Raw, cap: u32) -> Result<Table, String> {
        Table::with_limits(ty, min as u64, max.map(u64::from), false, init, cap)
    }

    /// A table with 64-bit limits (`table64`: indexed by i64).
    pub fn with_limits(
        ty: ValType,
        min: u64,
        max: Option<u64>,
        table64: bool,
        init: Raw,
        cap: u32,
    ) -> Result<Table, String> {
        if min > cap as u64 {
            return Err(format!("table of {min} elements exceeds the limit of {cap}"));
        }
        let mut elems = Vec::new();
        elems.try_reserve_exact(min as usize).map_err(|_| format!("cannot allocate a table of {min} elements"))?;
        elems.resize(min as usize, init);
        Ok(Table { elems, ty, max, cap, table64 })
    }

    pub fn size(&self) -> u32 {
        self.elems.len() as u32
    }

    pub fn max(&self) -> Option<u64> {
        self.max
    }

    /// Is it indexed by i64 (table64)?
    pub fn is_64(&self) -> bool {
        self.table64
    }

    pub fn elem_type(&self) -> ValType {
        self.ty
    }

    pub fn get(&self, i: u64) -> Result<Raw, TrapCode> {
        self.elems.get(usize::try_from(i).unwrap_or(usize::MAX)).copied().ok_or(TrapCode::TableOutOfBounds)
    }

    pub fn set(&mut self, i: u64, v: Raw) -> Result<(), TrapCode> {
        *self.elems.get_mut(usize::try_from(i).unwrap_or(usize::MAX)).ok_or(TrapCode::TableOutOfBounds)? = v;
        Ok(())
    }

    /// `table.grow`: the old size, or `None` (-1).
    pub fn grow(&mut self, delta: u64, init: Raw) -> Option<u32> {
        let old = self.size();
        let new = (old as u64).checked_add(delta)?;
        if new > self.max.unwrap_or(u64::MAX).min(self.cap as u64) {
            return None;
        }
        if self.elems.try_reserve_exact(delta as usize).is_err() {
            return None;
        }
        self.elems.resize(new as usize, init);
        Some(old)
    }

    /// Shrinks back to `size` (the debugger undoing a `table.grow`).
    pub(crate) fn shrink_to(&mut self, size: u32) {
        self.elems.truncate(size as usize);
    }

    fn range(&self, start: u64, len: u64) -> Result<std::ops::Range<usize>, TrapCode> {
        let end = start.checked_add(len).ok_or(TrapCode::TableOutOfBounds)?;
        if end > self.elems.len() as u64 {
            return Err(TrapCode::TableOutOfBounds);
        }
        Ok(start as usize..end as usize)
    }

    pub fn fill(&mut self, start: u64, v: Raw, len: u64) -> Result<(), TrapCode> {
        let r = self.range(start, len)?;
        self.elems[r].fill(v);
        Ok(())
    }

    /// Copies `src` into the table at `dst`, all or nothing.
    pub fn init(&mut self, dst: u64, src: &[Raw]) -> Result<(), TrapCode> {
        let r = self.range(dst, src.len() as u64)?;
        self.elems[r].copy_from_slice(src);
        Ok(())
    }

    pub fn copy_within(&mut self, dst: u64, src: u64, len: u64) -> Result<(), TrapCode> {
        let s = self.range(src, len)?;
        let d = self.range(dst, len)?;
        self.elems.copy_within(s, d.start);
        Ok(())
    }

    /// Reads `len` entries at `start`.
    pub fn slice(&self, start: u64, len: u64) -> Result<&[Raw], TrapCode> {
        let r = self.range(start, len)?;
        Ok(&self.elems[r])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn get_set_grow() {
        let mut t = Table::new(ValType::FuncRef, 2, Some(4), 0, u32::MAX).unwrap();
        assert_eq!(t.get(2), Err(TrapCode::TableOutOfBounds));
        t.set(1, 5).unwrap();
        assert_eq!(t.get(1), Ok(5));
        assert_eq!(t.grow(2, 9), Some(2));
        assert_eq!(t.get(3), Ok(9));
        assert_eq!(t.grow(1, 0), None);
        assert_eq!(t.fill(3, 1, 2), Err(TrapCode::TableOutOfBounds));
        t.copy_within(0, 2, 2).unwrap();
        assert_eq!(t.slice(0, 4).unwrap(), &[9, 9, 9, 9]);
    }
}
