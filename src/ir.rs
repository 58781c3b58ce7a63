//! The internal instruction set: what the translator emits and the executor runs.
//!
//! Each [`Instr`] comes from exactly one wasm instruction (`Code::offsets` maps it back to
//! the byte offset of that instruction); `block`, `loop` and `end` keep a marker so that
//! single-stepping visits every original instruction. Names follow wasmparser's
//! (`Instr::I32Add` ↔ `visit_i32_add`).

/// How a branch reshapes the value stack: keep the top `keep` values, drop the `drop`
/// values under them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DropKeep {
    pub drop: u32,
    pub keep: u32,
}

/// `Target::pc` of a `br_table` entry that returns from the function.
pub const RETURN_PC: u32 = u32::MAX;

/// A resolved branch: jump to `target` (an index into `Code::instrs`) after `dk`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    pub pc: u32,
    pub dk: DropKeep,
}

/// `repr(u8)`: the first byte is the discriminant, which `exec::threaded` dispatches on.
#[derive(Debug, Clone, Copy, PartialEq)]
#[repr(u8)]
pub enum Instr {
    // Control. `Block`, `Loop` and `End` do nothing; they exist for stepping.
    Unreachable,
    Nop,
    Block,
    Loop,
    End,
    /// `if`: pops the condition; jumps to `else_pc` when it is zero.
    If {
        else_pc: u32,
    },
    /// `else` reached from the end of the then-arm: jumps to the `end` marker.
    Else {
        end_pc: u32,
    },
    Br(Target),
    BrIf(Target),
    /// `br_table`: followed by `len + 1` [`Instr::BrTableTarget`] entries (the last is the
    /// default). The entries are data, never executed. An entry whose `pc` is
    /// [`RETURN_PC`] returns from the function.
    BrTable {
        len: u32,
    },
    BrTableTarget(Target),
    /// Return from the current function (also `end` of the function body, and `br` to the
    /// function's label).
    Return,
    /// `br_if` to the function's label: pops the condition and returns if it is non-zero.
    ReturnIf,
    Call(u32),
    CallIndirect {
        ty: u32,
        table: u32,
    },

    // Parametric.
    Drop,
    Select,

    // Variables.
    LocalGet(u32),
    LocalSet(u32),
    LocalTee(u32),
    GlobalGet(u32),
    GlobalSet(u32),

    // Tables.
    TableGet(u32),
    TableSet(u32),
    TableSize(u32),
    TableGrow(u32),
    TableFill(u32),
    TableCopy {
        dst: u32,
        src: u32,
    },
    TableInit {
        table: u32,
        elem: u32,
    },
    ElemDrop(u32),

    // Memory (memory 0; the immediate is the static offset).
    I32Load(u32),
    I64Load(u32),
    F32Load(u32),
    F64Load(u32),
    I32Load8S(u32),
    I32Load8U(u32),
    I32Load16S(u32),
    I32Load16U(u32),
    I64Load8S(u32),
    I64Load8U(u32),
    I64Load16S(u32),
    I64Load16U(u32),
    I64Load32S(u32),
    I64Load32U(u32),
    I32Store(u32),
    I64Store(u32),
    F32Store(u32),
    F64Store(u32),
    I32Store8(u32),
    I32Store16(u32),
    I64Store8(u32),
    I64Store16(u32),
    I64Store32(u32),
    MemorySize,
    MemoryGrow,
    MemoryFill,
    MemoryCopy,
    MemoryInit(u32),
    DataDrop(u32),

    // Constants.
    I32Const(i32),
    I64Const(i64),
    F32Const(u32),
    F64Const(u64),

    // References.
    RefNull,
    RefIsNull,
    RefFunc(u32),

    // Fused instructions (see `translate::fuse`). Each stands in front of the `n` original
    // instructions it replaces and is only taken when the budget allows all `n`; otherwise
    // execution falls through to the originals, so stepping stays exact.
    /// `local.get a; local.get b; op` (3)
    FLLBin {
        op: BinOp,
        a: u32,
        b: u32,
    },
    /// `local.get a; i32.const c; op` (3), also `i64.const` with a value that fits in i32.
    FLCBin {
        op: BinOp,
        a: u32,
        c: i32,
    },
    /// `<const> c; op` (2), any constant (`c` is its cell: the bits, zero-extended).
    FCBin {
        op: BinOp,
        c: Cell64,
    },
    /// `op; local.set x` (2)
    FBinSet {
        op: BinOp,
        x: u32,
    },
    /// `local.get a; local.get b; op; local.set x` (4)
    FLLBinSet {
        op: BinOp,
        a: u32,
        b: u32,
        x: u32,
    },
    /// `local.get a; i32.const c; op; local.set x` (4)
    FLCBinSet {
        op: BinOp,
        a: u32,
        c: i32,
        x: u32,
    },
    /// `local.get a; local.get b; cmp; br_if` (4), a branch that keeps the stack as it is.
    FLLCmpBrIf {
        op: BinOp,
        a: u32,
        b: u32,
        target: u32,
    },
    /// `local.get a; i32.const c; cmp; br_if` (4)
    FLCCmpBrIf {
        op: BinOp,
        a: u32,
        c: i32,
        target: u32,
    },
    /// `<const> c; cmp; br_if` (3): the stack's top value compared with `c` (a cell, as in
    /// `FCBin`).
    FCCmpBrIf {
        op: BinOp,
        c: Cell64,
        target: u32,
    },
    /// `cmp; br_if` (2)
    FCmpBrIf {
        op: BinOp,
        target: u32,
    },
    /// `i32.eqz; br_if` (2)
    FEqzBrIf {
        target: u32,
    },
    /// `local.get a; br_if` (2)
    FLocalBrIf {
        a: u32,
        target: u32,
    },
    /// `local.get a; local.set x` (2)
    FLocalCopy {
        a: u32,
        x: u32,
    },
    /// `i32.const c; local.set x` (2)
    FConstSet {
        c: i32,
        x: u32,
    },
    /// `local.get a; <load> offset` (2)
    FLLoad {
        op: LoadOp,
        a: u32,
        offset: u32,
    },
    /// `i32.const c; <load> offset` (2): a load from a fixed address.
    FCLoad {
        op: LoadOp,
        c: i32,
        offset: u32,
    },
    /// `local.get a; i32.const c; i32.add; <load> offset` (4)
    FLCAddLoad {
        op: LoadOp,
        a: u32,
        c: i32,
        offset: u32,
    },
    /// `local.get v; <store> offset` (2): local `v` stored at the stack's top address.
    FLStore {
        op: StoreOp,
        v: u32,
        offset: u32,
    },
    /// `i32.const c; <store> offset` (2), also `i64.const` with a value that fits in i32.
    FCStore {
        op: StoreOp,
        c: i32,
        offset: u32,
    },
    /// `op; <store> offset` (2)
    FBinStore {
        op: BinOp,
        sop: StoreOp,
        offset: u32,
    },
    /// `local.get b; cmp; br_if` (3): the stack's top value compared with local `b`.
    FLCmpBrIf {
        op: BinOp,
        b: u32,
        target: u32,
    },
    /// `local.get b; op` (2): the stack's top value op local `b`.
    FLBin {
        op: BinOp,
        b: u32,
    },
    /// `op; local.tee x` (2)
    FBinTee {
        op: BinOp,
        x: u32,
    },
    /// `local.get b; op; local.set x` (3)
    FLBinSet {
        op: BinOp,
        b: u32,
        x: u32,
    },
    /// `local.get b; op; local.tee x` (3)
    FLBinTee {
        op: BinOp,
        b: u32,
        x: u32,
    },
    /// `local.get a; local.get b; op; local.tee x` (4)
    FLLBinTee {
        op: BinOp,
        a: u32,
        b: u32,
        x: u32,
    },
    /// `local.get a; i32.const c; op; local.tee x` (4)
    FLCBinTee {
        op: BinOp,
        a: u32,
        c: i32,
        x: u32,
    },
    /// A run of `n` markers that do nothing (`block`, `loop`, `end`, `nop`), `n` >= 2: jumps
    /// to `to`, past the run. The markers follow it interleaved with the skips of the
    /// run's shorter tails, so every one of them falls through to the next marker.
    FSkip {
        n: u32,
        to: u32,
    },

    // Numeric.
    I32Eqz,
    I32Eq,
    I32Ne,
    I32LtS,
    I32LtU,
    I32GtS,
    I32GtU,
    I32LeS,
    I32LeU,
    I32GeS,
    I32GeU,
    I64Eqz,
    I64Eq,
    I64Ne,
    I64LtS,
    I64LtU,
    I64GtS,
    I64GtU,
    I64LeS,
    I64LeU,
    I64GeS,
    I64GeU,
    F32Eq,
    F32Ne,
    F32Lt,
    F32Gt,
    F32Le,
    F32Ge,
    F64Eq,
    F64Ne,
    F64Lt,
    F64Gt,
    F64Le,
    F64Ge,
    I32Clz,
    I32Ctz,
    I32Popcnt,
    I32Add,
    I32Sub,
    I32Mul,
    I32DivS,
    I32DivU,
    I32RemS,
    I32RemU,
    I32And,
    I32Or,
    I32Xor,
    I32Shl,
    I32ShrS,
    I32ShrU,
    I32Rotl,
    I32Rotr,
    I64Clz,
    I64Ctz,
    I64Popcnt,
    I64Add,
    I64Sub,
    I64Mul,
    I64DivS,
    I64DivU,
    I64RemS,
    I64RemU,
    I64And,
    I64Or,
    I64Xor,
    I64Shl,
    I64ShrS,
    I64ShrU,
    I64Rotl,
    I64Rotr,
    F32Abs,
    F32Neg,
    F32Ceil,
    F32Floor,
    F32Trunc,
    F32Nearest,
    F32Sqrt,
    F32Add,
    F32Sub,
    F32Mul,
    F32Div,
    F32Min,
    F32Max,
    F32Copysign,
    F64Abs,
    F64Neg,
    F64Ceil,
    F64Floor,
    F64Trunc,
    F64Nearest,
    F64Sqrt,
    F64Add,
    F64Sub,
    F64Mul,
    F64Div,
    F64Min,
    F64Max,
    F64Copysign,
    I32WrapI64,
    I32TruncF32S,
    I32TruncF32U,
    I32TruncF64S,
    I32TruncF64U,
    I64ExtendI32S,
    I64ExtendI32U,
    I64TruncF32S,
    I64TruncF32U,
    I64TruncF64S,
    I64TruncF64U,
    F32ConvertI32S,
    F32ConvertI32U,
    F32ConvertI64S,
    F32ConvertI64U,
    F32DemoteF64,
    F64ConvertI32S,
    F64ConvertI32U,
    F64ConvertI64S,
    F64ConvertI64U,
    F64PromoteF32,
    I32ReinterpretF32,
    I64ReinterpretF64,
    F32ReinterpretI32,
    F64ReinterpretI64,
    I32Extend8S,
    I32Extend16S,
    I64Extend8S,
    I64Extend16S,
    I64Extend32S,
    I32TruncSatF32S,
    I32TruncSatF32U,
    I32TruncSatF64S,
    I32TruncSatF64U,
    I64TruncSatF32S,
    I64TruncSatF32U,
    I64TruncSatF64S,
    I64TruncSatF64U,
}

/// The binary operators that fused instructions carry (none of them can trap).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum BinOp {
    I32Add,
    I32Sub,
    I32Mul,
    I32And,
    I32Or,
    I32Xor,
    I32Shl,
    I32ShrS,
    I32ShrU,
    I32Eq,
    I32Ne,
    I32LtS,
    I32LtU,
    I32GtS,
    I32GtU,
    I32LeS,
    I32LeU,
    I32GeS,
    I32GeU,
    I32Rotl,
    I32Rotr,
    I64Add,
    I64Sub,
    I64Mul,
    I64And,
    I64Or,
    I64Xor,
    I64Shl,
    I64ShrS,
    I64ShrU,
    I64Eq,
    I64Ne,
    I64LtS,
    I64LtU,
    I64GtS,
    I64GtU,
    I64LeS,
    I64LeU,
    I64GeS,
    I64GeU,
    I64Rotl,
    I64Rotr,
    F32Add,
    F32Sub,
    F32Mul,
    F32Eq,
    F32Ne,
    F32Lt,
    F32Gt,
    F32Le,
    F32Ge,
    F64Add,
    F64Sub,
    F64Mul,
    F64Eq,
    F64Ne,
    F64Lt,
    F64Gt,
    F64Le,
    F64Ge,
}

/// Calls `$m!($($pre)*; I32Add, I32Sub, ...)` with every `BinOp`, in declaration order. Each
/// name is also an `Instr` variant and an `exec::ops` type: `BinOp::of`, `BinOp::eval` and the
/// threaded handlers' per-operator tables are all made from this one list.
macro_rules! binop_names {
    ($m:ident $($pre:tt)*) => {
        $m!($($pre)*;
            I32Add, I32Sub, I32Mul, I32And, I32Or, I32Xor, I32Shl, I32ShrS, I32ShrU, I32Eq, I32Ne,
            I32LtS, I32LtU, I32GtS, I32GtU, I32LeS, I32LeU, I32GeS, I32GeU, I32Rotl, I32Rotr,
            I64Add, I64Sub, I64Mul, I64And, I64Or, I64Xor, I64Shl, I64ShrS, I64ShrU, I64Eq, I64Ne,
            I64LtS, I64LtU, I64GtS, I64GtU, I64LeS, I64LeU, I64GeS, I64GeU, I64Rotl, I64Rotr,
            F32Add, F32Sub, F32Mul, F32Eq, F32Ne, F32Lt, F32Gt, F32Le, F32Ge, F64Add, F64Sub,
            F64Mul, F64Eq, F64Ne, F64Lt, F64Gt, F64Le, F64Ge)
    };
}
#[cfg(not(target_arch = "wasm32"))]
pub(crate) use binop_names;

impl BinOp {
    /// The operator of an instruction, if it is one of ours.
    pub fn of(i: &Instr) -> Option<BinOp> {
        macro_rules! map {
            (; $($name:ident),*) => {
                match i {
                    $(Instr::$name => BinOp::$name,)*
                    _ => return None,
                }
            };
        }
        Some(binop_names!(map))
    }

    /// Is this an i64 operator (whose constant operand is sign-extended)? The variants are
    /// grouped by operand type: i32, i64, f32, f64.
    pub fn is_i64(self) -> bool {
        (BinOp::I64Add as u8..=BinOp::I64Rotr as u8).contains(&(self as u8))
    }

    /// Does it take integer operands (so that an `i32.const`/`i64.const` can feed it)?
    pub fn is_int(self) -> bool {
        (self as u8) < BinOp::F32Add as u8
    }

    /// Does it produce an i32 truth value (for `br_if`)?
    pub fn is_compare(self) -> bool {
        !matches!(
            self,
            BinOp::I32Add
                | BinOp::I32Sub
                | BinOp::I32Mul
                | BinOp::I32And
                | BinOp::I32Or
                | BinOp::I32Xor
                | BinOp::I32Shl
                | BinOp::I32ShrS
                | BinOp::I32ShrU
                | BinOp::I64Add
                | BinOp::I64Sub
                | BinOp::I64Mul
                | BinOp::I64And
                | BinOp::I64Or
                | BinOp::I64Xor
                | BinOp::I64Shl
                | BinOp::I64ShrS
                | BinOp::I64ShrU
                | BinOp::I32Rotl
                | BinOp::I32Rotr
                | BinOp::I64Rotl
                | BinOp::I64Rotr
                | BinOp::F32Add
                | BinOp::F32Sub
                | BinOp::F32Mul
                | BinOp::F64Add
                | BinOp::F64Sub
                | BinOp::F64Mul
        )
    }

    /// Applies the operator (the definitions are `exec::ops`', shared with the interpreter).
    #[inline(always)]
    pub fn eval(self, a: u64, b: u64) -> u64 {
        use crate::exec::ops::{self, Bin};
        macro_rules! each {
            (; $($name:ident),*) => {
                match self {
                    $(BinOp::$name => ops::$name::eval(a, b),)*
                }
            };
        }
        binop_names!(each)
    }

    /// The constant operand as a cell: sign-extended for i64 operators.
    #[inline(always)]
    pub fn constant(self, c: i32) -> u64 {
        if self.is_i64() { c as i64 as u64 } else { c as u32 as u64 }
    }
}

/// The loads that fused instructions carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum LoadOp {
    I32,
    I64,
    I32U8,
    I32S8,
    I32U16,
    I32S16,
}

/// A 64-bit cell in two halves, so that an instruction carrying one stays 4-byte aligned
/// (and `Instr` within 16 bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cell64([u32; 2]);

impl Cell64 {
    pub const fn new(v: u64) -> Cell64 {
        Cell64([v as u32, (v >> 32) as u32])
    }
    #[inline(always)]
    pub const fn get(self) -> u64 {
        self.0[0] as u64 | (self.0[1] as u64) << 32
    }
}

/// The stores that fused instructions carry, by width (the value's low bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum StoreOp {
    B1,
    B2,
    B4,
    B8,
}

impl StoreOp {
    pub fn of(i: &Instr) -> Option<(StoreOp, u32)> {
        Some(match *i {
            Instr::I32Store8(o) | Instr::I64Store8(o) => (StoreOp::B1, o),
            Instr::I32Store16(o) | Instr::I64Store16(o) => (StoreOp::B2, o),
            Instr::I32Store(o) | Instr::F32Store(o) | Instr::I64Store32(o) => (StoreOp::B4, o),
            Instr::I64Store(o) | Instr::F64Store(o) => (StoreOp::B8, o),
            _ => return None,
        })
    }
}

impl LoadOp {
    pub fn of(i: &Instr) -> Option<(LoadOp, u32)> {
        Some(match *i {
            Instr::I32Load(o) | Instr::F32Load(o) | Instr::I64Load32U(o) => (LoadOp::I32, o),
            Instr::I64Load(o) | Instr::F64Load(o) => (LoadOp::I64, o),
            Instr::I32Load8U(o) | Instr::I64Load8U(o) => (LoadOp::I32U8, o),
            Instr::I32Load8S(o) => (LoadOp::I32S8, o),
            Instr::I32Load16U(o) | Instr::I64Load16U(o) => (LoadOp::I32U16, o),
            Instr::I32Load16S(o) => (LoadOp::I32S16, o),
            _ => return None,
        })
    }
}

impl Instr {
    /// For a fused instruction, how many original instructions it stands for.
    pub fn fused_len(&self) -> Option<u32> {
        Some(match self {
            Instr::FSkip { n, .. } => *n,
            Instr::FLLBin { .. }
            | Instr::FLCBin { .. }
            | Instr::FLBinSet { .. }
            | Instr::FLBinTee { .. }
            | Instr::FLCmpBrIf { .. }
            | Instr::FCCmpBrIf { .. } => 3,
            Instr::FLLBinSet { .. }
            | Instr::FLCBinSet { .. }
            | Instr::FLLCmpBrIf { .. }
            | Instr::FLCCmpBrIf { .. }
            | Instr::FLLBinTee { .. }
            | Instr::FLCBinTee { .. }
            | Instr::FLCAddLoad { .. } => 4,
            Instr::FCBin { .. }
            | Instr::FBinSet { .. }
            | Instr::FCmpBrIf { .. }
            | Instr::FEqzBrIf { .. }
            | Instr::FLocalBrIf { .. }
            | Instr::FLocalCopy { .. }
            | Instr::FConstSet { .. }
            | Instr::FLLoad { .. }
            | Instr::FCLoad { .. }
            | Instr::FLStore { .. }
            | Instr::FCStore { .. }
            | Instr::FBinStore { .. }
            | Instr::FLBin { .. }
            | Instr::FBinTee { .. } => 2,
            _ => return None,
        })
    }
}

/// A translated function body.
#[derive(Debug, Clone)]
pub struct Code {
    pub instrs: Vec<Instr>,
    /// For each instruction, the byte offset (in the module binary) of the wasm
    /// instruction it came from.
    pub offsets: Vec<u32>,
    pub num_params: u32,
    pub num_results: u32,
    /// Declared locals, not counting parameters.
    pub num_locals: u32,
    /// The highest operand-stack height the body can reach.
    pub max_height: u32,
    /// Native builds: each instruction with its handler, for the threaded chain
    /// (`exec::threaded::link`), made the first time the chain runs this code.
    #[cfg(not(target_arch = "wasm32"))]
    pub(crate) slots: std::cell::OnceCell<Box<[crate::exec::threaded::Slot]>>,
}

const _: () = assert!(std::mem::size_of::<Instr>() <= 16);
