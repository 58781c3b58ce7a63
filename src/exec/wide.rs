//! The `Wide` family (wide arithmetic): 128-bit integers as two i64 cells, low half first.
//! Out of line, one arm in the `match`; none of them can trap.

use crate::ir::Wide;
use crate::value::Raw;

/// Runs `w` on the value stack `stack` with `sp` cells in use; returns the new height.
/// Validation fixes the operands; `push_frame` reserved the cells a push needs.
// Natively out of line; in wasm32 builds inlined, as every family (see `bulk.rs`).
#[cfg_attr(target_arch = "wasm32", inline(always))]
#[cfg_attr(not(target_arch = "wasm32"), inline(never))]
pub(super) fn exec(w: Wide, stack: &mut [Raw], sp: usize) -> usize {
    let pair = |lo: Raw, hi: Raw| (lo as u128) | ((hi as u128) << 64);
    let (at, r) = match w {
        Wide::I64Add128 | Wide::I64Sub128 => {
            let a = pair(stack[sp - 4], stack[sp - 3]);
            let b = pair(stack[sp - 2], stack[sp - 1]);
            (sp - 4, if w == Wide::I64Add128 { a.wrapping_add(b) } else { a.wrapping_sub(b) })
        }
        Wide::I64MulWideS => (sp - 2, (stack[sp - 2] as i64 as i128 * stack[sp - 1] as i64 as i128) as u128),
        Wide::I64MulWideU => (sp - 2, stack[sp - 2] as u128 * stack[sp - 1] as u128),
    };
    stack[at] = r as u64;
    stack[at + 1] = (r >> 64) as u64;
    at + 2
}
