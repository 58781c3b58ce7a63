//! Three dispatch styles running the same stack-machine code: a loop that sums the numbers
//! below `n` (`acc += i; i += 1; br_if (i < n)`, 12 instructions per iteration), with a
//! budget counted per instruction as in wasmscope.
//!
//! - [`match_loop`]: one `match` in a loop, one shared indirect jump.
//! - [`threaded`]: one function per instruction; each ends by calling the next
//!   instruction's handler through a table while the budget lasts, and returns to the
//!   outer loop every `chain` instructions. Where LLVM turns that call into a jump
//!   (release builds on x86-64) this is threaded code with a dispatch site per handler;
//!   where it cannot (wasm32 without the tail-call feature) the recursion is at most
//!   `chain` deep.
//! - [`call_loop`]: a loop calling one handler per instruction through the table.

#[derive(Clone, Copy)]
#[repr(u8)]
pub enum Op {
    LocalGet(u32),
    LocalSet(u32),
    Const(i32),
    Add,
    LtU,
    /// Branch back by this many instructions when the popped value is non-zero.
    BrIfBack(u32),
    Return,
}

/// Locals: 0 = n, 1 = i, 2 = acc. Returns acc.
pub const SUM_BELOW: [Op; 13] = [
    Op::LocalGet(2),
    Op::LocalGet(1),
    Op::Add,
    Op::LocalSet(2),
    Op::LocalGet(1),
    Op::Const(1),
    Op::Add,
    Op::LocalSet(1),
    Op::LocalGet(1),
    Op::LocalGet(0),
    Op::LtU,
    Op::BrIfBack(11),
    Op::Return,
];

type Raw = u64;
const LOCALS: usize = 3;

fn frame(n: u32) -> Vec<Raw> {
    let mut stack = vec![0; 64];
    stack[0] = n as u64;
    stack
}

/// The `match` loop. Returns (acc, instructions executed).
pub fn match_loop(code: &[Op], n: u32) -> (u64, u64) {
    match_loop_cells::<u64>(code, n)
}

/// Where threaded code stopped.
pub struct Exit {
    ip: *const Op,
    sp: *mut Raw,
    left: u64,
    returned: bool,
}

type Handler = unsafe fn(&mut Exit, *const Op, *mut Raw, *mut Raw, u64);
static HANDLERS: [Handler; 7] = [h_local_get, h_local_set, h_const, h_add, h_lt_u, h_br_if_back, h_return];

#[inline(always)]
unsafe fn tag(ip: *const Op) -> usize {
    // SAFETY: `Op` is `repr(u8)`: its first byte is the discriminant.
    unsafe { *(ip as *const u8) as usize }
}

macro_rules! next {
    ($x:expr, $ip:expr, $sp:expr, $l:expr, $left:expr) => {{
        let (ip, sp, left) = ($ip, $sp, $left);
        if left == 0 {
            *$x = Exit { ip, sp, left: 0, returned: false };
            return;
        }
        // (Used inside the handlers' `unsafe` blocks.) `ip` points at an instruction of
        // well-formed code.
        return HANDLERS[tag(ip)]($x, ip, sp, $l, left - 1);
    }};
}
macro_rules! operand {
    ($ip:expr, $variant:ident) => {{
        // SAFETY: this handler is only ever called for this variant.
        let Op::$variant(v) = (unsafe { *$ip }) else { unsafe { std::hint::unreachable_unchecked() } };
        v
    }};
}

unsafe fn h_local_get(x: &mut Exit, ip: *const Op, sp: *mut Raw, l: *mut Raw, left: u64) {
    let i = operand!(ip, LocalGet);
    unsafe {
        *sp = *l.add(i as usize);
        next!(x, ip.add(1), sp.add(1), l, left)
    }
}
unsafe fn h_local_set(x: &mut Exit, ip: *const Op, sp: *mut Raw, l: *mut Raw, left: u64) {
    let i = operand!(ip, LocalSet);
    unsafe {
        let sp = sp.sub(1);
        *l.add(i as usize) = *sp;
        next!(x, ip.add(1), sp, l, left)
    }
}
unsafe fn h_const(x: &mut Exit, ip: *const Op, sp: *mut Raw, l: *mut Raw, left: u64) {
    let v = operand!(ip, Const);
    unsafe {
        *sp = v as u32 as u64;
        next!(x, ip.add(1), sp.add(1), l, left)
    }
}
unsafe fn h_add(x: &mut Exit, ip: *const Op, sp: *mut Raw, l: *mut Raw, left: u64) {
    unsafe {
        let sp = sp.sub(1);
        *sp.sub(1) = (*sp.sub(1)).wrapping_add(*sp);
        next!(x, ip.add(1), sp, l, left)
    }
}
unsafe fn h_lt_u(x: &mut Exit, ip: *const Op, sp: *mut Raw, l: *mut Raw, left: u64) {
    unsafe {
        let sp = sp.sub(1);
        *sp.sub(1) = ((*sp.sub(1) as u32) < (*sp as u32)) as u64;
        next!(x, ip.add(1), sp, l, left)
    }
}
unsafe fn h_br_if_back(x: &mut Exit, ip: *const Op, sp: *mut Raw, l: *mut Raw, left: u64) {
    let t = operand!(ip, BrIfBack);
    unsafe {
        let sp = sp.sub(1);
        let ip = if *sp as u32 != 0 { ip.sub(t as usize) } else { ip.add(1) };
        next!(x, ip, sp, l, left)
    }
}
unsafe fn h_return(x: &mut Exit, ip: *const Op, sp: *mut Raw, _: *mut Raw, left: u64) {
    *x = Exit { ip, sp, left, returned: true };
}

/// Threaded code, back in the outer loop every `chain` instructions.
pub fn threaded(code: &[Op], n: u32, chain: u64) -> (u64, u64) {
    let mut stack = frame(n);
    let l = stack.as_mut_ptr();
    // SAFETY: as in `match_loop`.
    let mut x = Exit { ip: code.as_ptr(), sp: unsafe { l.add(LOCALS) }, left: 0, returned: false };
    let mut executed = 0;
    loop {
        let (ip, sp) = (x.ip, x.sp);
        // SAFETY: `ip` points at an instruction of well-formed code.
        unsafe { HANDLERS[tag(ip)](&mut x, ip, sp, l, chain - 1) };
        executed += chain - x.left;
        if x.returned {
            break;
        }
    }
    (stack[2], executed)
}

/// One handler call per instruction (`chain` = 1): the loop does the dispatch.
pub fn call_loop(code: &[Op], n: u32) -> (u64, u64) {
    threaded(code, n, 1)
}

#[unsafe(no_mangle)]
pub extern "C" fn run_match(n: u32) -> u64 {
    match_loop(&SUM_BELOW, n).0
}

#[unsafe(no_mangle)]
pub extern "C" fn run_threaded(n: u32, chain: u32) -> u64 {
    threaded(&SUM_BELOW, n, chain as u64).0
}

#[unsafe(no_mangle)]
pub extern "C" fn run_call_loop(n: u32) -> u64 {
    call_loop(&SUM_BELOW, n).0
}

/// A value-stack cell for [`match_loop_cells`]: the v128 layout question. With `u64` cells a
/// v128 takes two; with `u128` cells every value takes one, and every scalar push and pop
/// moves 16 bytes.
pub trait Cell: Copy + Default {
    fn from_u64(v: u64) -> Self;
    fn to_u64(self) -> u64;
}
impl Cell for u64 {
    #[inline(always)]
    fn from_u64(v: u64) -> u64 {
        v
    }
    #[inline(always)]
    fn to_u64(self) -> u64 {
        self
    }
}
impl Cell for u128 {
    #[inline(always)]
    fn from_u64(v: u64) -> u128 {
        v as u128
    }
    #[inline(always)]
    fn to_u64(self) -> u64 {
        self as u64
    }
}

/// [`match_loop`] over cells of type `C` (the same code; `match_loop_cells::<u64>` is it).
pub fn match_loop_cells<C: Cell>(code: &[Op], n: u32) -> (u64, u64) {
    let mut stack = vec![C::default(); 64];
    stack[0] = C::from_u64(n as u64);
    let s = stack.as_mut_ptr();
    let (mut pc, mut sp, mut budget) = (0usize, LOCALS, u64::MAX);
    // SAFETY (all accesses): the code is well formed: indices stay within `stack`/`code`.
    unsafe {
        loop {
            if budget == 0 {
                break;
            }
            budget -= 1;
            let op = *code.get_unchecked(pc);
            pc += 1;
            match op {
                Op::LocalGet(i) => {
                    *s.add(sp) = *s.add(i as usize);
                    sp += 1;
                }
                Op::LocalSet(i) => {
                    sp -= 1;
                    *s.add(i as usize) = *s.add(sp);
                }
                Op::Const(v) => {
                    *s.add(sp) = C::from_u64(v as u32 as u64);
                    sp += 1;
                }
                Op::Add => {
                    sp -= 1;
                    *s.add(sp - 1) = C::from_u64((*s.add(sp - 1)).to_u64().wrapping_add((*s.add(sp)).to_u64()));
                }
                Op::LtU => {
                    sp -= 1;
                    *s.add(sp - 1) =
                        C::from_u64((((*s.add(sp - 1)).to_u64() as u32) < ((*s.add(sp)).to_u64() as u32)) as u64);
                }
                Op::BrIfBack(t) => {
                    sp -= 1;
                    if (*s.add(sp)).to_u64() as u32 != 0 {
                        pc = pc - 1 - t as usize;
                    }
                }
                Op::Return => break,
            }
        }
    }
    (stack[2].to_u64(), u64::MAX - budget)
}

#[unsafe(no_mangle)]
pub extern "C" fn run_match_cells64(n: u32) -> u64 {
    match_loop_cells::<u64>(&SUM_BELOW, n).0
}

#[unsafe(no_mangle)]
pub extern "C" fn run_match_cells128(n: u32) -> u64 {
    match_loop_cells::<u128>(&SUM_BELOW, n).0
}
