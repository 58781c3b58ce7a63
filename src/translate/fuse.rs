//! Superinstructions: a peephole pass over translated code that puts a fused instruction in
//! front of each common sequence (`local.get a; local.get b; i32.add`, `i32.lt_s; br_if`, ...).
//! The original instructions stay right behind it. The executor takes the fused form only
//! when the budget covers the whole sequence, and falls through to the originals otherwise,
//! so single-stepping (budget 1) still visits every original instruction and sees the spec's
//! stack; full-speed runs dispatch once per sequence.

use crate::ir::{BinOp, Cell64, Code, Instr, LoadOp, RETURN_PC, StoreOp};

/// The fused stores exist in native builds only: inside node their arms in the `match` (the
/// only loop there) made unrelated kernels up to 2.5x slower (V8's code for the whole `match`
/// changed; BENCHMARKS.md), while natively the threaded handlers run them.
const NATIVE: bool = cfg!(not(target_arch = "wasm32"));

/// The fused instruction for the sequence starting at `code[i]`, if any; it stands for
/// `Instr::fused_len` originals. Branch targets in it are still the old indices.
fn fusion(code: &[Instr], i: usize) -> Option<Instr> {
    let at = |k: usize| code.get(i + k).copied();
    let bin = |k: usize| at(k).as_ref().and_then(BinOp::of);
    // A `br_if` that leaves the stack as it is (no values to drop).
    let plain_br_if = |k: usize| match at(k) {
        Some(Instr::BrIf(t)) if t.dk.drop == 0 && t.pc != RETURN_PC => Some(t.pc),
        _ => None,
    };
    let const32 = |k: usize, op: BinOp| match at(k) {
        Some(Instr::I32Const(c)) if op.is_int() && !op.is_i64() => Some(c),
        Some(Instr::I64Const(c)) if op.is_i64() => i32::try_from(c).ok(),
        _ => None,
    };
    let local_set = |k: usize| match at(k) {
        Some(Instr::LocalSet(x)) => Some(x),
        _ => None,
    };
    let local_tee = |k: usize| match at(k) {
        Some(Instr::LocalTee(x)) => Some(x),
        _ => None,
    };
    match at(0)? {
        Instr::LocalGet(a) => {
            match at(1)? {
                Instr::LocalGet(b) => {
                    if let Some(op) = bin(2) {
                        if op.is_compare()
                            && let Some(target) = plain_br_if(3)
                        {
                            return Some(Instr::FLLCmpBrIf { op, a, b, target });
                        }
                        if let Some(x) = local_set(3) {
                            return Some(Instr::FLLBinSet { op, a, b, x });
                        }
                        if let Some(x) = local_tee(3) {
                            return Some(Instr::FLLBinTee { op, a, b, x });
                        }
                        return Some(Instr::FLLBin { op, a, b });
                    }
                }
                Instr::I32Const(c)
                    if at(2) == Some(Instr::I32Add)
                        && let Some((op, offset)) = at(3).as_ref().and_then(LoadOp::of) =>
                {
                    return Some(Instr::FLCAddLoad { op, a, c, offset });
                }
                Instr::I32Const(_) | Instr::I64Const(_) => {
                    if let Some(op) = bin(2)
                        && let Some(c) = const32(1, op)
                    {
                        if op.is_compare()
                            && let Some(target) = plain_br_if(3)
                        {
                            return Some(Instr::FLCCmpBrIf { op, a, c, target });
                        }
                        if let Some(x) = local_set(3) {
                            return Some(Instr::FLCBinSet { op, a, c, x });
                        }
                        if let Some(x) = local_tee(3) {
                            return Some(Instr::FLCBinTee { op, a, c, x });
                        }
                        return Some(Instr::FLCBin { op, a, c });
                    }
                }
                Instr::LocalSet(x) => return Some(Instr::FLocalCopy { a, x }),
                Instr::BrIf(t) if t.dk.drop == 0 && t.pc != RETURN_PC => {
                    return Some(Instr::FLocalBrIf { a, target: t.pc });
                }
                ref next => {
                    if NATIVE && let Some((op, offset)) = StoreOp::of(next) {
                        return Some(Instr::FLStore { op, v: a, offset });
                    }
                    if let Some((op, offset)) = LoadOp::of(next) {
                        return Some(Instr::FLLoad { op, a, offset });
                    }
                    // `local.get b; op`: the value under it is the left operand.
                    if let Some(op) = BinOp::of(next) {
                        let b = a;
                        if op.is_compare()
                            && let Some(target) = plain_br_if(2)
                        {
                            return Some(Instr::FLCmpBrIf { op, b, target });
                        }
                        if let Some(x) = local_set(2) {
                            return Some(Instr::FLBinSet { op, b, x });
                        }
                        if let Some(x) = local_tee(2) {
                            return Some(Instr::FLBinTee { op, b, x });
                        }
                        return Some(Instr::FLBin { op, b });
                    }
                }
            }
            None
        }
        Instr::I32Const(c) if let Some((op, offset)) = at(1).as_ref().and_then(LoadOp::of) => {
            Some(Instr::FCLoad { op, c, offset })
        }
        Instr::I32Const(c) if NATIVE && let Some((op, offset)) = at(1).as_ref().and_then(StoreOp::of) => {
            Some(Instr::FCStore { op, c, offset })
        }
        Instr::I64Const(c)
            if NATIVE
                && let Some((op, offset)) = at(1).as_ref().and_then(StoreOp::of)
                && let Ok(c) = i32::try_from(c) =>
        {
            Some(Instr::FCStore { op, c, offset })
        }
        Instr::I32Const(_) | Instr::I64Const(_) | Instr::F32Const(_) | Instr::F64Const(_) => {
            if let Some(Instr::LocalSet(x)) = at(1)
                && let Some(Instr::I32Const(c)) = at(0)
            {
                return Some(Instr::FConstSet { c, x });
            }
            let op = bin(1)?;
            // The constant's cell (validation makes its type the operator's).
            let c = Cell64::new(match at(0)? {
                Instr::I32Const(c) => c as u32 as u64,
                Instr::I64Const(c) => c as u64,
                Instr::F32Const(bits) => bits as u64,
                Instr::F64Const(bits) => bits,
                _ => return None,
            });
            if op.is_compare()
                && let Some(target) = plain_br_if(2)
            {
                return Some(Instr::FCCmpBrIf { op, c, target });
            }
            Some(Instr::FCBin { op, c })
        }
        Instr::I32Eqz => plain_br_if(1).map(|target| Instr::FEqzBrIf { target }),
        ref i => {
            let op = BinOp::of(i)?;
            if op.is_compare()
                && let Some(target) = plain_br_if(1)
            {
                return Some(Instr::FCmpBrIf { op, target });
            }
            if let Some(x) = local_tee(1) {
                return Some(Instr::FBinTee { op, x });
            }
            if NATIVE && let Some((sop, offset)) = at(1).as_ref().and_then(StoreOp::of) {
                return Some(Instr::FBinStore { op, sop, offset });
            }
            local_set(1).map(|x| Instr::FBinSet { op, x })
        }
    }
}

fn is_marker(i: &Instr) -> bool {
    matches!(i, Instr::Block | Instr::Loop | Instr::End | Instr::Nop)
}

/// Rewrites `code` with fused instructions in front of the sequences they replace.
pub fn fuse(code: &mut Code) {
    let old = std::mem::take(&mut code.instrs);
    let old_offsets = std::mem::take(&mut code.offsets);
    // `entry[i]`: where a jump to old instruction `i` now lands (its fused form, if any).
    let mut entry = vec![0u32; old.len() + 1];
    let mut instrs = Vec::with_capacity(old.len() + old.len() / 2);
    let mut offsets = Vec::with_capacity(instrs.capacity());
    let mut i = 0;
    while i < old.len() {
        // A br_table's entries are data: copy them untouched.
        if let Instr::BrTable { len } = old[i] {
            for k in i..=(i + len as usize + 1).min(old.len() - 1) {
                entry[k] = instrs.len() as u32;
                instrs.push(old[k]);
                offsets.push(old_offsets[k]);
            }
            i += len as usize + 2;
            continue;
        }
        // A run of markers (`block`, `loop`, `end`, `nop`): a skip in front of each that has
        // at least one more behind it, so that a branch into the run (to the `block` that
        // starts a loop's body, say) skips the rest of it too.
        let run = old[i..].iter().take_while(|x| is_marker(x)).count();
        if run >= 2 {
            let first = instrs.len();
            for k in 0..run {
                entry[i + k] = instrs.len() as u32;
                if run - k >= 2 {
                    instrs.push(Instr::FSkip { n: (run - k) as u32, to: 0 });
                    offsets.push(old_offsets[i + k]);
                }
                instrs.push(old[i + k]);
                offsets.push(old_offsets[i + k]);
            }
            let to = instrs.len() as u32;
            for x in &mut instrs[first..] {
                if let Instr::FSkip { to: t, .. } = x {
                    *t = to;
                }
            }
            i += run;
            continue;
        }
        match fusion(&old, i) {
            Some(f) => {
                let n = f.fused_len().unwrap_or(1) as usize;
                entry[i] = instrs.len() as u32;
                instrs.push(f);
                offsets.push(old_offsets[i]);
                for k in i..i + n {
                    if k > i {
                        entry[k] = instrs.len() as u32;
                    }
                    instrs.push(old[k]);
                    offsets.push(old_offsets[k]);
                }
                i += n;
            }
            None => {
                entry[i] = instrs.len() as u32;
                instrs.push(old[i]);
                offsets.push(old_offsets[i]);
                i += 1;
            }
        }
    }
    entry[old.len()] = instrs.len() as u32;
    let remap = |pc: &mut u32| {
        if *pc != RETURN_PC {
            *pc = entry[*pc as usize];
        }
    };
    for instr in &mut instrs {
        if let Some(pc) = instr.target_mut() {
            remap(pc);
        }
    }
    // Handlers cover the same instructions (a fused form in front of its originals
    // included) and land where a branch would.
    for h in &mut code.handlers {
        remap(&mut h.start);
        remap(&mut h.end);
        if let crate::ir::HandlerKind::Catch(clauses) = &mut h.kind {
            for c in clauses {
                remap(&mut c.pc);
            }
        }
    }
    // `br_on_cast`'s targets are in a side table.
    for b in &mut code.br_casts {
        remap(&mut b.target.pc);
    }
    code.instrs = instrs;
    code.offsets = offsets;
}
