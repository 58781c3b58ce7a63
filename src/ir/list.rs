//! The instruction list: every internal instruction, once. Everything that has to know each
//! instruction is generated from it (in the spirit of wasmparser's `for_each_operator!` and
//! wasmi's generated ISA):
//!
//! * `ir`: the [`Instr`](super::Instr) variants, the fieldless [`Opcode`](super::Opcode)
//!   (with `COUNT` and names), `Instr::fused_len`, [`LoadOp`](super::LoadOp) /
//!   [`StoreOp`](super::StoreOp) and which instruction uses which;
//! * `translate`: the mapping of wasmparser operators with the same name to instructions;
//! * `exec::ops`: one type per pure operator and per load or store kind, with its semantics;
//! * `exec`: the `match` arms of every pure operator, load and store, and the threaded
//!   handlers' table;
//! * `debug::history`: what each instruction can change, for step back.
//!
//! **Where a new instruction goes.** An operator that pops its operands and pushes one result
//! (it may trap) is one line in `un`, `bin`, `un_trap` or `bin_trap`; that is all (its wasm
//! name must be wasmparser's `Operator` variant). A load or store of an existing kind is one
//! line in `loads`/`stores`. Anything else goes in `other` (control, variables, tables, ...),
//! and then the compiler asks for its translation (`translate::Translator::op`), its arm in
//! the `match` (`exec::Machine::execute`) and its side effects (`debug::history::record`):
//! none of those has a catch-all arm. A fused form goes in `fused`, with the number of
//! originals it stands for written once, here.
//!
//! The groups, in order (consumers match the ones they need and skip the rest as `$_:tt`):
//! * `other { Name; Name(T); Name { field: T }; }` — hand-translated, hand-executed;
//! * `fused { Name { field: T } = n; }` — superinstructions (`translate::fuse`) standing in
//!   front of the `n` originals they replace;
//! * `families { Family { Name; Name(T); .. } }` — instructions executed out of line: each
//!   family is one enum, one `Instr::Family(..)` variant and one arm in the hot `match`, which
//!   calls the family's `#[inline(never)]` executor in its own file (`exec/<family>.rs`), so
//!   the hot loop (and V8's code for it in the page) stays as it is however many instructions
//!   a family has. The threaded chain leaves them to the `match`;
//! * `load_kinds { Kind(width, |bytes| cell); }` — one definition of each width and extension;
//! * `store_kinds { Kind(width, |cell| bytes); }` — the stored low bytes of each width;
//! * `loads { Name: Kind; }`, `stores { Name: Kind; }` — the memory instructions (immediate:
//!   the static offset);
//! * `free { Name; }` — conversions that change no bits (the cells are untyped);
//! * `un`/`bin { Name(read, write, |a, b| result); }` — pure operators: how operands are read
//!   from cells, how the result is written back, the operation;
//! * `un_trap`/`bin_trap` — the same for operators whose operation returns a `Result` (a trap).

/// Calls `$m! { $($pre)* other { .. } fused { .. } .. }` with the whole list.
macro_rules! for_each_instr {
    ($m:ident $($pre:tt)*) => {
        $m! {
            $($pre)*
            other {
                // Control. `Block`, `Loop` and `End` do nothing; they exist for stepping.
                Unreachable;
                Nop;
                Block;
                Loop;
                End;
                /// `if`: pops the condition; jumps to `else_pc` when it is zero.
                If { else_pc: u32 };
                /// `else` reached from the end of the then-arm: jumps to the `end` marker.
                Else { end_pc: u32 };
                Br(Target);
                BrIf(Target);
                /// `br_table`: followed by `len + 1` [`Instr::BrTableTarget`] entries (the last is
                /// the default). The entries are data, never executed. An entry whose `pc` is
                /// [`RETURN_PC`] returns from the function.
                BrTable { len: u32 };
                BrTableTarget(Target);
                /// Return from the current function (also `end` of the function body, and `br`
                /// to the function's label).
                Return;
                /// `br_if` to the function's label: pops the condition and returns if it is
                /// non-zero.
                ReturnIf;
                Call(u32);
                CallIndirect { ty: u32, table: u32 };
                /// `return_call`: the callee replaces the current frame (its arguments move
                /// down to the frame's first cell); a host callee runs as `call; return`.
                ReturnCall(u32);
                ReturnCallIndirect { ty: u32, table: u32 };
                /// `call_ref (type ty)`: pops a function reference and calls it; a null one
                /// traps (typed function references).
                CallRef(u32);
                /// `return_call_ref (type ty)`: `call_ref` as a tail call.
                ReturnCallRef(u32);
                /// `br_on_null`: when the top reference is null, pops it and branches (a
                /// target whose `pc` is [`RETURN_PC`] returns); else leaves it.
                BrOnNull(Target);
                /// `br_on_non_null`: when the top reference is not null, branches with it
                /// ([`RETURN_PC`]: returns); else pops it.
                BrOnNonNull(Target);
                /// `br_on_cast`/`br_on_cast_fail` (GC): `Code::br_casts[i]` holds the target,
                /// the type and which outcome branches; the reference stays on the stack.
                BrOnCast(u32);
                // Parametric.
                Drop;
                Select;
                // Variables.
                LocalGet(u32);
                LocalSet(u32);
                LocalTee(u32);
                GlobalGet(u32);
                GlobalSet(u32);
                // Constants.
                I32Const(i32);
                I64Const(i64);
                F32Const(u32);
                F64Const(u64);
                // References.
                RefNull;
                RefFunc(u32);
                /// A run of `n` markers that do nothing (`block`, `loop`, `end`, `nop`), `n` >= 2:
                /// jumps to `to`, past the run. The markers follow it interleaved with the skips
                /// of the run's shorter tails, so every one of them falls through to the next
                /// marker. (The one fused form of variable length.)
                FSkip { n: u32, to: u32 };
            }
            fused {
                /// `local.get a; local.get b; op`
                FLLBin { op: BinOp, a: u32, b: u32 } = 3;
                /// `local.get a; i32.const c; op`, also `i64.const` with a value that fits in
                /// i32.
                FLCBin { op: BinOp, a: u32, c: i32 } = 3;
                /// `<const> c; op`, any constant (`c` is its cell: the bits, zero-extended).
                FCBin { op: BinOp, c: Cell64 } = 2;
                /// `op; local.set x`
                FBinSet { op: BinOp, x: u32 } = 2;
                /// `local.get a; local.get b; op; local.set x`
                FLLBinSet { op: BinOp, a: u32, b: u32, x: u32 } = 4;
                /// `local.get a; i32.const c; op; local.set x`
                FLCBinSet { op: BinOp, a: u32, c: i32, x: u32 } = 4;
                /// `local.get a; local.get b; cmp; br_if`, a branch that keeps the stack as it
                /// is.
                FLLCmpBrIf { op: BinOp, a: u32, b: u32, target: u32 } = 4;
                /// `local.get a; i32.const c; cmp; br_if`
                FLCCmpBrIf { op: BinOp, a: u32, c: i32, target: u32 } = 4;
                /// `<const> c; cmp; br_if`: the stack's top value compared with `c` (a cell, as
                /// in `FCBin`).
                FCCmpBrIf { op: BinOp, c: Cell64, target: u32 } = 3;
                /// `cmp; br_if`
                FCmpBrIf { op: BinOp, target: u32 } = 2;
                /// `i32.eqz; br_if`
                FEqzBrIf { target: u32 } = 2;
                /// `local.get a; br_if`
                FLocalBrIf { a: u32, target: u32 } = 2;
                /// `local.get a; local.set x`
                FLocalCopy { a: u32, x: u32 } = 2;
                /// `i32.const c; local.set x`
                FConstSet { c: i32, x: u32 } = 2;
                /// `local.get a; <load> offset`
                FLLoad { op: LoadOp, a: u32, offset: u32 } = 2;
                /// `i32.const c; <load> offset`: a load from a fixed address.
                FCLoad { op: LoadOp, c: i32, offset: u32 } = 2;
                /// `local.get a; i32.const c; i32.add; <load> offset`
                FLCAddLoad { op: LoadOp, a: u32, c: i32, offset: u32 } = 4;
                /// `local.get v; <store> offset`: local `v` stored at the stack's top address.
                FLStore { op: StoreOp, v: u32, offset: u32 } = 2;
                /// `i32.const c; <store> offset`, also `i64.const` with a value that fits in
                /// i32.
                FCStore { op: StoreOp, c: i32, offset: u32 } = 2;
                /// `op; <store> offset`
                FBinStore { op: BinOp, sop: StoreOp, offset: u32 } = 2;
                /// `local.get b; cmp; br_if`: the stack's top value compared with local `b`.
                FLCmpBrIf { op: BinOp, b: u32, target: u32 } = 3;
                /// `local.get b; op`: the stack's top value op local `b`.
                FLBin { op: BinOp, b: u32 } = 2;
                /// `op; local.tee x`
                FBinTee { op: BinOp, x: u32 } = 2;
                /// `local.get b; op; local.set x`
                FLBinSet { op: BinOp, b: u32, x: u32 } = 3;
                /// `local.get b; op; local.tee x`
                FLBinTee { op: BinOp, b: u32, x: u32 } = 3;
                /// `local.get a; local.get b; op; local.tee x`
                FLLBinTee { op: BinOp, a: u32, b: u32, x: u32 } = 4;
                /// `local.get a; i32.const c; op; local.tee x`
                FLCBinTee { op: BinOp, a: u32, c: i32, x: u32 } = 4;
            }
            families {
                /// Tables, bulk memory, memory size and growth: rarely hot, so executed out of
                /// line (`exec/bulk.rs`), one arm in the `match`.
                Bulk {
                    TableGet(u32);
                    TableSet(u32);
                    TableSize(u32);
                    TableGrow(u32);
                    TableFill(u32);
                    TableCopy { dst: u32, src: u32 };
                    TableInit { table: u32, elem: u32 };
                    ElemDrop(u32);
                    /// Memory instructions carry their memory index (multi-memory); operands of
                    /// a 64-bit memory or table are i64 cells.
                    MemorySize(u32);
                    MemoryGrow(u32);
                    MemoryFill(u32);
                    MemoryCopy { dst: u32, src: u32 };
                    MemoryInit { mem: u32, data: u32 };
                    DataDrop(u32);
                }
                /// Wide arithmetic: 128-bit sums and differences of i64 pairs (low half
                /// first) and 64x64 → 128-bit products (`exec/wide.rs`): several results.
                Wide {
                    I64Add128;
                    I64Sub128;
                    I64MulWideS;
                    I64MulWideU;
                }
                /// Exception handling (`exec/exn.rs`): the instructions that throw. Rare, so
                /// out of line (in wasm32 builds the loop leaves for them as for `Simd`).
                /// `try_table` and legacy `try` are `Block` markers, a legacy `catch`/
                /// `catch_all` reached from the code before it an `Else` (to the `end`),
                /// `delegate` an `End`: where an exception lands is `Code::handlers`.
                Exn {
                    /// `throw tag`: pops the tag's payload and throws a new exception.
                    Throw(u32);
                    /// `throw_ref`: pops an `exnref` and throws it again (null traps).
                    ThrowRef;
                    /// Legacy `rethrow`: throws again the exception a `catch` put in this
                    /// hidden local cell (see `Handler`).
                    Rethrow(u32);
                }
                /// Loads and stores the hot arms do not take: of a memory other than memory 0,
                /// or of a 64-bit memory (`exec/mem.rs`). The `u32` is an index into
                /// `Code::memargs` (memory index and 64-bit static offset).
                Mem {
                    Load(LoadOp, u32);
                    Store(StoreOp, u32);
                }
                /// Threads: atomic memory accesses, wait and notify, fence (`exec/atomic.rs`).
                /// The `u32` is an index into `Code::memargs`; a `StoreOp` gives the width.
                Atomic {
                    Load(LoadOp, u32);
                    Store(StoreOp, u32);
                    Rmw(RmwOp, StoreOp, u32);
                    Cmpxchg(StoreOp, u32);
                    Notify(u32);
                    Wait32(u32);
                    Wait64(u32);
                    Fence;
                }
                /// GC (`exec/gc.rs`): structs and arrays in the store's heap, i31, `ref.eq`,
                /// casts. Type indices are the module's; `RefTest`/`RefCast` index
                /// `Code::casts`.
                Gc {
                    StructNew(u32);
                    StructNewDefault(u32);
                    StructGet { ty: u32, field: u32 };
                    StructGetS { ty: u32, field: u32 };
                    StructGetU { ty: u32, field: u32 };
                    StructSet { ty: u32, field: u32 };
                    ArrayNew(u32);
                    ArrayNewDefault(u32);
                    ArrayNewFixed { ty: u32, n: u32 };
                    ArrayNewData { ty: u32, data: u32 };
                    ArrayNewElem { ty: u32, elem: u32 };
                    ArrayGet(u32);
                    ArrayGetS(u32);
                    ArrayGetU(u32);
                    ArraySet(u32);
                    ArrayLen;
                    ArrayFill(u32);
                    ArrayCopy { dst: u32, src: u32 };
                    ArrayInitData { ty: u32, data: u32 };
                    ArrayInitElem { ty: u32, elem: u32 };
                    RefI31;
                    I31GetS;
                    I31GetU;
                    RefEq;
                    RefTest(u32);
                    RefCast(u32);
                    AnyConvertExtern;
                    ExternConvertAny;
                }
                /// v128 values (two cells each, low half first; `exec/simd.rs`): SIMD and
                /// relaxed SIMD. Locals are cell offsets; the lane operations are grouped by
                /// shape, each shape's operators listed in `ir/simd.rs`. Memory accesses are to
                /// any memory, their operand in `Code::memargs`.
                Simd {
                    /// `v128.const`: `Code::v128s[i]`.
                    Const(u32);
                    LocalGet(u32);
                    LocalSet(u32);
                    LocalTee(u32);
                    Drop;
                    Select;
                    GlobalGet(u32);
                    GlobalSet(u32);
                    /// `i8x16.shuffle`: the lane indices are the bytes of `Code::v128s[i]`.
                    Shuffle(u32);
                    /// Memory accesses: `arg` indexes `Code::memargs` (any memory, 32- or 64-bit).
                    Load { op: SimdLoad, arg: u32 };
                    Store(u32);
                    LoadLane { op: SimdLane, lane: u8, arg: u32 };
                    StoreLane { op: SimdLane, lane: u8, arg: u32 };
                    Splat(SimdSplat);
                    Extract { op: SimdExtract, lane: u8 };
                    Replace { op: SimdReplace, lane: u8 };
                    Un(SimdUn);
                    Bin(SimdBin);
                    Tern(SimdTern);
                    Test(SimdTest);
                    Shift(SimdShift);
                }
            }
            load_kinds {
                /// 1 byte, zero-extended.
                U8(1, |b| b[0] as u64);
                /// 1 byte, sign-extended to 32 bits.
                S8I32(1, |b| b[0] as i8 as i32 as u32 as u64);
                /// 1 byte, sign-extended to 64 bits.
                S8I64(1, |b| b[0] as i8 as i64 as u64);
                /// 2 bytes, zero-extended.
                U16(2, |b| u16::from_le_bytes(b) as u64);
                /// 2 bytes, sign-extended to 32 bits.
                S16I32(2, |b| i16::from_le_bytes(b) as i32 as u32 as u64);
                /// 2 bytes, sign-extended to 64 bits.
                S16I64(2, |b| i16::from_le_bytes(b) as i64 as u64);
                /// 4 bytes, zero-extended.
                U32(4, |b| u32::from_le_bytes(b) as u64);
                /// 4 bytes, sign-extended to 64 bits.
                S32I64(4, |b| i32::from_le_bytes(b) as i64 as u64);
                /// 8 bytes.
                U64(8, |b| u64::from_le_bytes(b));
            }
            store_kinds {
                B1(1, |v| [v as u8]);
                B2(2, |v| (v as u16).to_le_bytes());
                B4(4, |v| (v as u32).to_le_bytes());
                B8(8, |v| v.to_le_bytes());
            }
            loads {
                I32Load: U32;
                I64Load: U64;
                F32Load: U32;
                F64Load: U64;
                I32Load8S: S8I32;
                I32Load8U: U8;
                I32Load16S: S16I32;
                I32Load16U: U16;
                I64Load8S: S8I64;
                I64Load8U: U8;
                I64Load16S: S16I64;
                I64Load16U: U16;
                I64Load32S: S32I64;
                I64Load32U: U32;
            }
            stores {
                I32Store: B4;
                I64Store: B8;
                F32Store: B4;
                F64Store: B8;
                I32Store8: B1;
                I32Store16: B2;
                I64Store8: B1;
                I64Store16: B2;
                I64Store32: B4;
            }
            free {
                I32ReinterpretF32;
                I64ReinterpretF64;
                F32ReinterpretI32;
                F64ReinterpretI64;
            }
            un {
                RefIsNull(id, b2r, |a| a == 0);
                I32Eqz(r2u32, b2r, |a| a == 0);
                I64Eqz(id, b2r, |a| a == 0);
                I32Clz(r2u32, u322r, |a| a.leading_zeros());
                I32Ctz(r2u32, u322r, |a| a.trailing_zeros());
                I32Popcnt(r2u32, u322r, |a| a.count_ones());
                I64Clz(id, id, |a| a.leading_zeros() as u64);
                I64Ctz(id, id, |a| a.trailing_zeros() as u64);
                I64Popcnt(id, id, |a| a.count_ones() as u64);
                F32Abs(r2u32, u322r, |a| a & 0x7fff_ffff);
                F32Neg(r2u32, u322r, |a| a ^ 0x8000_0000);
                F32Ceil(r2f32, f322r, |a| num::quiet_f32(a.ceil()));
                F32Floor(r2f32, f322r, |a| num::quiet_f32(a.floor()));
                F32Trunc(r2f32, f322r, |a| num::quiet_f32(a.trunc()));
                F32Nearest(r2f32, f322r, |a| num::quiet_f32(a.round_ties_even()));
                F32Sqrt(r2f32, f322r, |a| num::quiet_f32(a.sqrt()));
                F64Abs(id, id, |a| a & 0x7fff_ffff_ffff_ffff);
                F64Neg(id, id, |a| a ^ 0x8000_0000_0000_0000);
                F64Ceil(r2f64, f642r, |a| num::quiet_f64(a.ceil()));
                F64Floor(r2f64, f642r, |a| num::quiet_f64(a.floor()));
                F64Trunc(r2f64, f642r, |a| num::quiet_f64(a.trunc()));
                F64Nearest(r2f64, f642r, |a| num::quiet_f64(a.round_ties_even()));
                F64Sqrt(r2f64, f642r, |a| num::quiet_f64(a.sqrt()));
                I32WrapI64(id, u322r, |a| a as u32);
                I64ExtendI32S(r2i32, i642r, |a| a as i64);
                I64ExtendI32U(r2u32, id, |a| a as u64);
                F32ConvertI32S(r2i32, f322r, |a| a as f32);
                F32ConvertI32U(r2u32, f322r, |a| a as f32);
                F32ConvertI64S(r2i64, f322r, |a| a as f32);
                F32ConvertI64U(id, f322r, |a| a as f32);
                F32DemoteF64(r2f64, f322r, |a| a as f32);
                F64ConvertI32S(r2i32, f642r, |a| a as f64);
                F64ConvertI32U(r2u32, f642r, |a| a as f64);
                F64ConvertI64S(r2i64, f642r, |a| a as f64);
                F64ConvertI64U(id, f642r, |a| a as f64);
                F64PromoteF32(r2f32, f642r, |a| a as f64);
                I32Extend8S(r2u32, i322r, |a| a as i8 as i32);
                I32Extend16S(r2u32, i322r, |a| a as i16 as i32);
                I64Extend8S(id, i642r, |a| a as i8 as i64);
                I64Extend16S(id, i642r, |a| a as i16 as i64);
                I64Extend32S(id, i642r, |a| a as i32 as i64);
                // `as` from float to int saturates and maps NaN to 0: exactly trunc_sat.
                I32TruncSatF32S(r2f32, i322r, |a| a as i32);
                I32TruncSatF32U(r2f32, u322r, |a| a as u32);
                I32TruncSatF64S(r2f64, i322r, |a| a as i32);
                I32TruncSatF64U(r2f64, u322r, |a| a as u32);
                I64TruncSatF32S(r2f32, i642r, |a| a as i64);
                I64TruncSatF32U(r2f32, id, |a| a as u64);
                I64TruncSatF64S(r2f64, i642r, |a| a as i64);
                I64TruncSatF64U(r2f64, id, |a| a as u64);
            }
            bin {
                I32Eq(r2u32, b2r, |a, b| a == b);
                I32Ne(r2u32, b2r, |a, b| a != b);
                I32LtS(r2i32, b2r, |a, b| a < b);
                I32LtU(r2u32, b2r, |a, b| a < b);
                I32GtS(r2i32, b2r, |a, b| a > b);
                I32GtU(r2u32, b2r, |a, b| a > b);
                I32LeS(r2i32, b2r, |a, b| a <= b);
                I32LeU(r2u32, b2r, |a, b| a <= b);
                I32GeS(r2i32, b2r, |a, b| a >= b);
                I32GeU(r2u32, b2r, |a, b| a >= b);
                I64Eq(id, b2r, |a, b| a == b);
                I64Ne(id, b2r, |a, b| a != b);
                I64LtS(r2i64, b2r, |a, b| a < b);
                I64LtU(id, b2r, |a, b| a < b);
                I64GtS(r2i64, b2r, |a, b| a > b);
                I64GtU(id, b2r, |a, b| a > b);
                I64LeS(r2i64, b2r, |a, b| a <= b);
                I64LeU(id, b2r, |a, b| a <= b);
                I64GeS(r2i64, b2r, |a, b| a >= b);
                I64GeU(id, b2r, |a, b| a >= b);
                F32Eq(r2f32, b2r, |a, b| a == b);
                F32Ne(r2f32, b2r, |a, b| a != b);
                F32Lt(r2f32, b2r, |a, b| a < b);
                F32Gt(r2f32, b2r, |a, b| a > b);
                F32Le(r2f32, b2r, |a, b| a <= b);
                F32Ge(r2f32, b2r, |a, b| a >= b);
                F64Eq(r2f64, b2r, |a, b| a == b);
                F64Ne(r2f64, b2r, |a, b| a != b);
                F64Lt(r2f64, b2r, |a, b| a < b);
                F64Gt(r2f64, b2r, |a, b| a > b);
                F64Le(r2f64, b2r, |a, b| a <= b);
                F64Ge(r2f64, b2r, |a, b| a >= b);
                I32Add(r2u32, u322r, |a, b| a.wrapping_add(b));
                I32Sub(r2u32, u322r, |a, b| a.wrapping_sub(b));
                I32Mul(r2u32, u322r, |a, b| a.wrapping_mul(b));
                I32And(r2u32, u322r, |a, b| a & b);
                I32Or(r2u32, u322r, |a, b| a | b);
                I32Xor(r2u32, u322r, |a, b| a ^ b);
                I32Shl(r2u32, u322r, |a, b| a.wrapping_shl(b));
                I32ShrS(r2i32, i322r, |a, b| a.wrapping_shr(b as u32));
                I32ShrU(r2u32, u322r, |a, b| a.wrapping_shr(b));
                I32Rotl(r2u32, u322r, |a, b| a.rotate_left(b % 32));
                I32Rotr(r2u32, u322r, |a, b| a.rotate_right(b % 32));
                I64Add(id, id, |a, b| a.wrapping_add(b));
                I64Sub(id, id, |a, b| a.wrapping_sub(b));
                I64Mul(id, id, |a, b| a.wrapping_mul(b));
                I64And(id, id, |a, b| a & b);
                I64Or(id, id, |a, b| a | b);
                I64Xor(id, id, |a, b| a ^ b);
                I64Shl(id, id, |a, b| a.wrapping_shl(b as u32));
                I64ShrS(r2i64, i642r, |a, b| a.wrapping_shr(b as u32));
                I64ShrU(id, id, |a, b| a.wrapping_shr(b as u32));
                I64Rotl(id, id, |a, b| a.rotate_left((b % 64) as u32));
                I64Rotr(id, id, |a, b| a.rotate_right((b % 64) as u32));
                F32Add(r2f32, f322r, |a, b| num::arith_f32(a + b, a, b));
                F32Sub(r2f32, f322r, |a, b| num::arith_f32(a - b, a, b));
                F32Mul(r2f32, f322r, |a, b| num::arith_f32(a * b, a, b));
                F32Div(r2f32, f322r, |a, b| num::arith_f32(a / b, a, b));
                F32Min(r2f32, f322r, |a, b| num::f32_min(a, b));
                F32Max(r2f32, f322r, |a, b| num::f32_max(a, b));
                F32Copysign(r2u32, u322r, |a, b| (a & 0x7fff_ffff) | (b & 0x8000_0000));
                F64Add(r2f64, f642r, |a, b| num::arith_f64(a + b, a, b));
                F64Sub(r2f64, f642r, |a, b| num::arith_f64(a - b, a, b));
                F64Mul(r2f64, f642r, |a, b| num::arith_f64(a * b, a, b));
                F64Div(r2f64, f642r, |a, b| num::arith_f64(a / b, a, b));
                F64Min(r2f64, f642r, |a, b| num::f64_min(a, b));
                F64Max(r2f64, f642r, |a, b| num::f64_max(a, b));
                F64Copysign(id, id, |a, b| (a & 0x7fff_ffff_ffff_ffff) | (b & 0x8000_0000_0000_0000));
            }
            un_trap {
                RefAsNonNull(id, id, |a| if a == 0 { Err(TrapCode::NullReference) } else { Ok(a) });
                I32TruncF32S(r2f32, i322r, |a| num::i32_trunc_f32_s(a));
                I32TruncF32U(r2f32, u322r, |a| num::i32_trunc_f32_u(a));
                I32TruncF64S(r2f64, i322r, |a| num::i32_trunc_f64_s(a));
                I32TruncF64U(r2f64, u322r, |a| num::i32_trunc_f64_u(a));
                I64TruncF32S(r2f32, i642r, |a| num::i64_trunc_f32_s(a));
                I64TruncF32U(r2f32, id, |a| num::i64_trunc_f32_u(a));
                I64TruncF64S(r2f64, i642r, |a| num::i64_trunc_f64_s(a));
                I64TruncF64U(r2f64, id, |a| num::i64_trunc_f64_u(a));
            }
            bin_trap {
                I32DivS(r2i32, i322r, |a, b| num::i32_div_s(a, b));
                I32DivU(r2u32, u322r, |a, b| num::i32_div_u(a, b));
                I32RemS(r2i32, i322r, |a, b| num::i32_rem_s(a, b));
                I32RemU(r2u32, u322r, |a, b| num::i32_rem_u(a, b));
                I64DivS(r2i64, i642r, |a, b| num::i64_div_s(a, b));
                I64DivU(id, id, |a, b| num::i64_div_u(a, b));
                I64RemS(r2i64, i642r, |a, b| num::i64_rem_s(a, b));
                I64RemU(id, id, |a, b| num::i64_rem_u(a, b));
            }
        }
    };
}
pub(crate) use for_each_instr;

/// Calls `$m! { $($pre)* fused [..] loads [Name Kind ..] stores [Name Kind ..] free [..] un [..]
/// bin [..] un_trap [..] bin_trap [..] }`: the names (and kinds) of the groups that most
/// consumers need, flat, so that each consumer matches them in a line (the way wasmparser's
/// `for_each_visit_operator!` filters its list). Its users `use crate::ir::for_each_plain`.
macro_rules! for_each_plain {
    ($m:ident $($pre:tt)*) => {
        $crate::ir::for_each_instr! { for_each_plain @flat $m ($($pre)*) }
    };
    (
        @flat $m:ident ($($pre:tt)*)
        other $_o:tt
        fused { $( $(#[$_fa:meta])* $f:ident $_ff:tt = $_fl:literal ; )* }
        families $_y:tt load_kinds $_lk:tt store_kinds $_sk:tt
        loads { $( $l:ident : $lk:ident ; )* }
        stores { $( $s:ident : $sk:ident ; )* }
        free { $( $x:ident ; )* }
        un { $( $u:ident $_ud:tt ; )* }
        bin { $( $b:ident $_bd:tt ; )* }
        un_trap { $( $uq:ident $_uqd:tt ; )* }
        bin_trap { $( $bq:ident $_bqd:tt ; )* }
    ) => {
        $m! {
            $($pre)* fused [$($f)*] loads [$($l $lk)*] stores [$($s $sk)*] free [$($x)*] un [$($u)*]
            bin [$($b)*] un_trap [$($uq)*] bin_trap [$($bq)*]
        }
    };
}
pub(crate) use for_each_plain;
