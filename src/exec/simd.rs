//! The `Simd` family: v128 values, two cells each (low half first). Today only what proves
//! the layout (the test-only `v128-layout` feature makes them): constants from the code's
//! side table and the moves of a v128 (locals, drop, select). Out of line, one arm in the
//! `match`; none of them can trap.

use crate::ir::{Code, Simd};
use crate::value::Raw;

/// Runs `s` in a frame whose local 0 is cell `fp`, on the value stack `stack` with `sp` cells
/// in use; returns the new height. Validation fixes the operands; `push_frame` reserved the
/// cells a push needs.
#[inline(never)]
pub(super) fn exec(s: Simd, code: &Code, fp: usize, stack: &mut [Raw], sp: usize) -> usize {
    let get = |stack: &[Raw], at: usize| [stack[at], stack[at + 1]];
    let mut put = |at: usize, v: [Raw; 2]| stack[at..at + 2].copy_from_slice(&v);
    match s {
        Simd::Const(i) => {
            let v = code.v128s.get(i as usize).copied().unwrap_or(0);
            put(sp, [v as u64, (v >> 64) as u64]);
            sp + 2
        }
        Simd::LocalGet(x) => {
            let v = get(stack, fp + x as usize);
            stack[sp..sp + 2].copy_from_slice(&v);
            sp + 2
        }
        Simd::LocalSet(x) => {
            let v = get(stack, sp - 2);
            stack[fp + x as usize..fp + x as usize + 2].copy_from_slice(&v);
            sp - 2
        }
        Simd::LocalTee(x) => {
            let v = get(stack, sp - 2);
            stack[fp + x as usize..fp + x as usize + 2].copy_from_slice(&v);
            sp
        }
        Simd::Drop => sp - 2,
        Simd::Select => {
            // [a (2 cells), b (2 cells), condition]
            if stack[sp - 1] as u32 == 0 {
                let b = get(stack, sp - 3);
                stack[sp - 5..sp - 3].copy_from_slice(&b);
            }
            sp - 3
        }
    }
}
