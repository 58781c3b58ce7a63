//! The value stack: one array of untyped cells holding every frame's locals and operands.
//!
//! The interpreter loop works on the raw cells (`cells`, `sp`) directly; everything else
//! uses the checked methods here.

use crate::trap::TrapCode;
use crate::value::Raw;

#[derive(Debug, Clone)]
pub struct ValueStack {
    /// Allocated cells; `cells[..sp]` are live.
    pub(crate) cells: Vec<Raw>,
    pub(crate) sp: usize,
    /// The most cells the stack may grow to.
    max: usize,
}

impl ValueStack {
    pub fn new(max: usize) -> ValueStack {
        ValueStack { cells: Vec::new(), sp: 0, max }
    }

    /// Number of live cells.
    pub fn len(&self) -> usize {
        self.sp
    }

    pub fn is_empty(&self) -> bool {
        self.sp == 0
    }

    /// Makes room for `n` more cells, or fails with `call stack exhausted` past the limit.
    pub fn reserve(&mut self, n: usize) -> Result<(), TrapCode> {
        let need = self.sp.checked_add(n).ok_or(TrapCode::CallStackExhausted)?;
        if need > self.cells.len() {
            if need > self.max {
                return Err(TrapCode::CallStackExhausted);
            }
            let new_len = need.max(self.cells.len() * 2).max(1024).min(self.max);
            self.cells.resize(new_len, 0);
        }
        Ok(())
    }

    pub fn push(&mut self, v: Raw) -> Result<(), TrapCode> {
        self.reserve(1)?;
        self.cells[self.sp] = v;
        self.sp += 1;
        Ok(())
    }

    pub fn pop(&mut self) -> Option<Raw> {
        self.sp = self.sp.checked_sub(1)?;
        Some(self.cells[self.sp])
    }

    /// The value `depth` cells below the top (0 is the top).
    pub fn peek(&self, depth: usize) -> Option<Raw> {
        let i = self.sp.checked_sub(depth + 1)?;
        Some(self.cells[i])
    }

    /// Drops cells down to `len` (no effect if already shorter).
    pub fn truncate(&mut self, len: usize) {
        self.sp = self.sp.min(len);
    }

    pub fn clear(&mut self) {
        self.sp = 0;
    }

    /// The live cells, bottom first.
    pub fn as_slice(&self) -> &[Raw] {
        &self.cells[..self.sp]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_pop_peek() {
        let mut s = ValueStack::new(1 << 20);
        assert!(s.is_empty());
        assert_eq!(s.pop(), None);
        assert_eq!(s.peek(0), None);
        for v in 1..=5 {
            s.push(v).unwrap();
        }
        assert_eq!(s.len(), 5);
        assert_eq!(s.peek(0), Some(5));
        assert_eq!(s.peek(4), Some(1));
        assert_eq!(s.peek(5), None);
        assert_eq!(s.pop(), Some(5));
        assert_eq!(s.as_slice(), &[1, 2, 3, 4]);
        s.truncate(2);
        assert_eq!(s.as_slice(), &[1, 2]);
        s.truncate(10);
        assert_eq!(s.len(), 2);
        s.clear();
        assert!(s.is_empty());
    }

    #[test]
    fn grows_and_stops_at_the_limit() {
        let mut s = ValueStack::new(3000);
        for v in 0..3000 {
            s.push(v).unwrap();
        }
        assert_eq!(s.push(1), Err(TrapCode::CallStackExhausted));
        assert_eq!(s.reserve(usize::MAX), Err(TrapCode::CallStackExhausted));
        assert_eq!(s.peek(0), Some(2999));
    }
}
