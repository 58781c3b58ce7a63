//! The internal instruction set: what the translator emits and the executor runs.
//!
//! Each [`Instr`] comes from exactly one wasm instruction (`Code::offsets` maps it back to
//! the byte offset of that instruction); `block`, `loop` and `end` keep a marker so that
//! single-stepping visits every original instruction. Names follow wasmparser's
//! (`Instr::I32Add` ↔ `visit_i32_add`). Every instruction is listed once, in `list.rs`; the
//! types here and every per-instruction table elsewhere are made from that list.
//!
//! This module is plain data: it imports nothing of the crate.

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

mod list;
mod simd;
pub(crate) use list::{for_each_instr, for_each_plain};
pub(crate) use simd::for_each_simd;
pub use simd::{
    SimdBin, SimdExtract, SimdLane, SimdLoad, SimdReplace, SimdShift, SimdSplat, SimdTern, SimdTest, SimdUn,
};

/// Makes `Instr`, `Opcode`, `LoadOp`, `StoreOp` and their tables from the list.
macro_rules! define {
    (
        other { $( $(#[$oa:meta])* $o:ident $( ( $($ot:ty),* ) )? $( { $($of:ident : $oft:ty),* } )? ; )* }
        fused { $( $(#[$fa:meta])* $f:ident { $($ff:ident : $fft:ty),* } = $flen:literal ; )* }
        families { $( $(#[$ya:meta])* $y:ident {
            $( $(#[$ma:meta])* $m:ident $( ( $($mt:ty),* ) )? $( { $($mf:ident : $mft:ty),* } )? ; )*
        } )* }
        load_kinds { $( $(#[$lka:meta])* $lk:ident ( $lkn:literal, $($lkd:tt)* ) ; )* }
        store_kinds { $( $(#[$ska:meta])* $sk:ident ( $skn:literal, $($skd:tt)* ) ; )* }
        loads { $( $l:ident : $lkind:ident ; )* }
        stores { $( $s:ident : $skind:ident ; )* }
        free { $( $x:ident ; )* }
        un { $( $u:ident $ud:tt ; )* }
        bin { $( $b:ident $bd:tt ; )* }
        un_trap { $( $uq:ident $uqd:tt ; )* }
        bin_trap { $( $bq:ident $bqd:tt ; )* }
    ) => {
        /// The internal instruction set (made from `list.rs`). `repr(u8)`, in the order of
        /// [`Opcode`], so that [`Instr::opcode`] is a byte load.
        #[derive(Debug, Clone, Copy, PartialEq)]
        #[repr(u8)]
        pub enum Instr {
            $( $(#[$oa])* $o $( ( $($ot),* ) )? $( { $($of : $oft),* } )? , )*
            // Fused instructions (see `translate::fuse`). Each stands in front of the original
            // instructions it replaces (`fused_len`) and is only taken when the budget allows
            // all of them; otherwise execution falls through to the originals, so stepping
            // stays exact.
            $( $(#[$fa])* $f { $($ff : $fft),* } , )*
            // Families, executed out of line.
            $( $(#[$ya])* $y($y), )*
            // Loads and stores (memory 0; the immediate is the static offset).
            $( $l(u32), )*
            $( $s(u32), )*
            // Numeric.
            $( $x, )*
            $( $u, )*
            $( $b, )*
            $( $uq, )*
            $( $bq, )*
        }

        /// What kind of instruction an [`Instr`] is, without its immediates: an index for
        /// tables over the instruction set (`Opcode::COUNT` entries).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[repr(u8)]
        pub enum Opcode {
            $($o,)* $($f,)* $($y,)* $($l,)* $($s,)* $($x,)* $($u,)* $($b,)* $($uq,)* $($bq,)*
        }

        $(
            $(#[$ya])*
            #[derive(Debug, Clone, Copy, PartialEq)]
            pub enum $y {
                $( $(#[$ma])* $m $( ( $($mt),* ) )? $( { $($mf : $mft),* } )? , )*
            }
        )*

        impl Opcode {
            /// Every opcode's name (its `Instr` variant's), by opcode.
            pub const NAMES: &'static [&'static str] = &[
                $(stringify!($o),)* $(stringify!($f),)* $(stringify!($y),)* $(stringify!($l),)* $(stringify!($s),)*
                $(stringify!($x),)* $(stringify!($u),)* $(stringify!($b),)* $(stringify!($uq),)*
                $(stringify!($bq),)*
            ];
            /// Every opcode, in order.
            pub const ALL: &'static [Opcode] = &[
                $(Opcode::$o,)* $(Opcode::$f,)* $(Opcode::$y,)* $(Opcode::$l,)* $(Opcode::$s,)* $(Opcode::$x,)*
                $(Opcode::$u,)* $(Opcode::$b,)* $(Opcode::$uq,)* $(Opcode::$bq,)*
            ];
            /// How many opcodes there are.
            pub const COUNT: usize = Opcode::NAMES.len();

            /// The name of its `Instr` variant.
            pub const fn name(self) -> &'static str {
                Opcode::NAMES[self as usize]
            }

            /// For a fused instruction of fixed length, how many originals it stands for.
            pub const fn fused_len(self) -> Option<u32> {
                match self {
                    $(Opcode::$f => Some($flen),)*
                    _ => None,
                }
            }
        }

        impl Instr {
            /// Its opcode (the discriminant: `Instr` and `Opcode` list the same names in the
            /// same order).
            #[inline(always)]
            pub const fn opcode(&self) -> Opcode {
                match self {
                    $(Instr::$o { .. } => Opcode::$o,)*
                    $(Instr::$f { .. } => Opcode::$f,)*
                    $(Instr::$y(_) => Opcode::$y,)*
                    $(Instr::$l { .. } => Opcode::$l,)*
                    $(Instr::$s { .. } => Opcode::$s,)*
                    $(Instr::$x => Opcode::$x,)*
                    $(Instr::$u => Opcode::$u,)*
                    $(Instr::$b => Opcode::$b,)*
                    $(Instr::$uq => Opcode::$uq,)*
                    $(Instr::$bq => Opcode::$bq,)*
                }
            }

            /// For a fused instruction, how many original instructions it stands for.
            pub fn fused_len(&self) -> Option<u32> {
                match *self {
                    Instr::FSkip { n, .. } => Some(n),
                    _ => self.opcode().fused_len(),
                }
            }

            /// The pc a branch-like instruction may jump to (branches, `br_table` entries, `if`,
            /// `else`, fused forms ending in `br_if`; not `FSkip`, whose `to` is made after fusion,
            /// nor `BrOnCast`, whose target is in `Code::br_casts`).
            pub fn target_mut(&mut self) -> Option<&mut u32> {
                match self {
                    Instr::Br(t)
                    | Instr::BrIf(t)
                    | Instr::BrTableTarget(t)
                    | Instr::BrOnNull(t)
                    | Instr::BrOnNonNull(t) => Some(&mut t.pc),
                    Instr::If { else_pc: pc } | Instr::Else { end_pc: pc } => Some(pc),
                    Instr::FLLCmpBrIf { target, .. }
                    | Instr::FLCCmpBrIf { target, .. }
                    | Instr::FCmpBrIf { target, .. }
                    | Instr::FLCmpBrIf { target, .. }
                    | Instr::FCCmpBrIf { target, .. }
                    | Instr::FEqzBrIf { target }
                    | Instr::FLocalBrIf { target, .. } => Some(target),
                    _ => None,
                }
            }

            /// The static offset of a load or store.
            #[inline(always)]
            pub fn mem_offset(&self) -> Option<u32> {
                match *self {
                    $(Instr::$l(o) => Some(o),)*
                    $(Instr::$s(o) => Some(o),)*
                    _ => None,
                }
            }
        }

        /// A kind of load: how many bytes, and how they are extended to a cell. Fused forms
        /// carry one; `exec::ops` has a type of the same name with its definition.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[repr(u8)]
        pub enum LoadOp {
            $( $(#[$lka])* $lk, )*
        }

        impl LoadOp {
            /// How many kinds there are.
            pub const COUNT: usize = [$(stringify!($lk),)*].len();

            /// The kind and static offset of a load instruction.
            pub fn of(i: &Instr) -> Option<(LoadOp, u32)> {
                Some(match *i {
                    $(Instr::$l(o) => (LoadOp::$lkind, o),)*
                    _ => return None,
                })
            }

        }

        /// A kind of store, by width (the value's low bytes). Fused forms carry one; `exec::ops`
        /// has a type of the same name with its definition.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[repr(u8)]
        pub enum StoreOp {
            $( $(#[$ska])* $sk, )*
        }

        impl StoreOp {
            /// How many kinds there are.
            pub const COUNT: usize = [$(stringify!($sk),)*].len();

            /// The kind and static offset of a store instruction.
            pub fn of(i: &Instr) -> Option<(StoreOp, u32)> {
                Some(match *i {
                    $(Instr::$s(o) => (StoreOp::$skind, o),)*
                    _ => return None,
                })
            }

            /// How many bytes it writes.
            pub const fn width(self) -> u32 {
                match self {
                    $(StoreOp::$sk => $skn,)*
                }
            }
        }
    };
}
for_each_instr!(define);

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
/// name is also an `Instr` variant and an `exec::ops` type: `BinOp::of`, `exec::ops::eval` and the
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
pub(crate) use binop_names;

impl BinOp {
    /// How many there are.
    pub const COUNT: usize = {
        macro_rules! count {
            (; $($name:ident),*) => { [$(BinOp::$name),*].len() };
        }
        binop_names!(count)
    };

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

    /// The constant operand as a cell: sign-extended for i64 operators.
    #[inline(always)]
    pub fn constant(self, c: i32) -> u64 {
        if self.is_i64() { c as i64 as u64 } else { c as u32 as u64 }
    }
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

/// The memory operand of a `Mem` or `Atomic` instruction (`Code::memargs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemArg {
    /// The memory index (of the instance).
    pub mem: u32,
    /// The static offset (64-bit for memory64).
    pub offset: u64,
}

/// The operation of an atomic read-modify-write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RmwOp {
    Add,
    Sub,
    And,
    Or,
    Xor,
    Xchg,
}

impl RmwOp {
    /// The new value from the old one and the operand (truncated to the width by the caller).
    #[inline]
    pub fn apply(self, old: u64, v: u64) -> u64 {
        match self {
            RmwOp::Add => old.wrapping_add(v),
            RmwOp::Sub => old.wrapping_sub(v),
            RmwOp::And => old & v,
            RmwOp::Or => old | v,
            RmwOp::Xor => old ^ v,
            RmwOp::Xchg => v,
        }
    }
}

/// A translated function body.
#[derive(Debug, Clone)]
pub struct Code {
    pub instrs: Vec<Instr>,
    /// For each instruction, the byte offset (in the module binary) of the wasm
    /// instruction it came from.
    pub offsets: Vec<u32>,
    // Sizes are in value-stack cells (a v128 takes two, every other value one), as are
    // local indices, drop/keep and heights everywhere in the code.
    /// Cells of the parameters.
    pub num_params: u32,
    /// Cells of the results.
    pub num_results: u32,
    /// Cells of the declared locals, not counting parameters.
    pub num_locals: u32,
    /// The highest operand-stack height (in cells) the body can reach.
    pub max_height: u32,
    /// The values of its `v128.const`s (too large for an `Instr`: a side table).
    pub v128s: Vec<u128>,
    /// The memory operands of its `Mem` and `Atomic` instructions (a side table).
    pub memargs: Vec<MemArg>,
    /// Its exception handlers (`try_table`, legacy `try`), innermost first: an exception
    /// thrown at a pc lands at the first one that covers it and catches it.
    pub handlers: Vec<Handler>,
    /// The target types of `ref.test`/`ref.cast` (`Gc::RefTest(i)`): each a `value::RefType`
    /// (module type indices) as its `RefType::to_bits`.
    pub casts: Vec<u64>,
    /// `br_on_cast`/`br_on_cast_fail`'s operands (`Instr::BrOnCast(i)`).
    pub br_casts: Vec<BrCast>,
}

/// An exception handler: the body of a `try_table` or of a legacy `try` (the instructions
/// `start..end`), and what it does with an exception thrown there (by an instruction of the
/// body, or by a callee of one of its calls).
#[derive(Debug, Clone, PartialEq)]
pub struct Handler {
    pub start: u32,
    pub end: u32,
    /// The nesting depth of its block (the function's body is 0), for `delegate`.
    pub depth: u32,
    pub kind: HandlerKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum HandlerKind {
    /// `try_table`'s clauses, or a legacy `try`'s `catch`es, in order: the first that
    /// matches catches.
    Catch(Vec<CatchClause>),
    /// Legacy `try ... delegate l`: the exception goes on to the handlers of depth at most
    /// this (those around label `l`; 0: to the caller).
    Delegate(u32),
}

/// One clause of a handler.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CatchClause {
    /// The tag it catches (module tag index), `None` for `catch_all`.
    pub tag: Option<u32>,
    /// `catch_ref`/`catch_all_ref`: the `exnref` is pushed after the payload.
    pub push_ref: bool,
    /// Where it lands: the pc, and the operand height there (cells above the locals) before
    /// the payload is pushed.
    pub pc: u32,
    pub height: u32,
    /// A legacy `catch`: the hidden local cell (from the frame's first) that keeps the
    /// exception for `rethrow`.
    pub local: Option<u32>,
}

/// A `br_on_cast` (`fail: false`) or `br_on_cast_fail` (`fail: true`): branch to `target`
/// when the reference on top has type `to` (a `value::RefType` as its `to_bits`, module type
/// indices), or has not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BrCast {
    pub target: Target,
    pub to: u64,
    pub fail: bool,
}

const _: () = assert!(std::mem::size_of::<Instr>() <= 16);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opcodes_are_the_discriminants_in_order() {
        assert_eq!(Opcode::ALL.len(), Opcode::COUNT);
        for (i, op) in Opcode::ALL.iter().enumerate() {
            assert_eq!(*op as usize, i, "{}", op.name());
        }
        assert_eq!(Instr::I32Add.opcode().name(), "I32Add");
        assert_eq!(Instr::FLLBin { op: BinOp::I32Add, a: 0, b: 1 }.opcode(), Opcode::FLLBin);
        assert_eq!(Instr::FLLBin { op: BinOp::I32Add, a: 0, b: 1 }.fused_len(), Some(3));
        assert_eq!(Instr::FSkip { n: 5, to: 0 }.fused_len(), Some(5));
        assert_eq!(Instr::I64Load8S(3).mem_offset(), Some(3));
        assert_eq!(LoadOp::of(&Instr::I64Load8S(3)), Some((LoadOp::S8I64, 3)));
        assert_eq!(StoreOp::of(&Instr::F64Store(8)).map(|(k, o)| (k.width(), o)), Some((8, 8)));
    }
}
