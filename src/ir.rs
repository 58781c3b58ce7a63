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

#[derive(Debug, Clone, Copy, PartialEq)]
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
}

const _: () = assert!(std::mem::size_of::<Instr>() <= 16);
