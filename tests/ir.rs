#![cfg(not(target_arch = "wasm32"))]
//! Snapshots of translated code (translate + fuse), as `wasmscope inspect --ir` prints it
//! (`wasmscope::ir_dump`). A change to the translator or to fusion shows up here as a diff;
//! if it is intended, update the snapshots with `UPDATE_EXPECT=1 cargo test --test ir`.

use expect_test::{Expect, expect};
use wasmscope::Module;
use wasmscope::ir::{Code, DropKeep, Instr, Opcode, RETURN_PC, Target};
use wasmscope::ir_dump::{dump_code, header};

/// Every defined function of `wat`: header and listing.
fn dump(wat: &str) -> String {
    let m = Module::new(wat.as_bytes()).unwrap();
    let name = |f: u32| m.func_name(f).map(|n| format!("${n}"));
    let mut out = String::new();
    for index in m.num_imported_funcs..m.funcs.len() as u32 {
        let code = wasmscope::translate::translate(&m, index - m.num_imported_funcs).unwrap();
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&header(index, &name(index).unwrap_or_default(), &code));
        out.push('\n');
        out.push_str(&dump_code(&code, &name));
    }
    out
}

fn check(wat: &str, expect: Expect) {
    expect.assert_eq(&dump(wat));
}

/// Branches out of blocks that carry values: the values under the kept ones are dropped.
const DROP_KEEP: &str = r#"(module
  (func $br (param $p i32) (result i32)
    (block $b (result i32)
      (i32.const 1) (i32.const 2) (i32.const 3)
      (br $b)))
  (func $br_if (param $p i32) (result i32)
    (block $b (result i32)
      (i32.const 1) (i32.const 2)
      (br_if $b (local.get $p))
      (drop)))
  (func $outer (param $p i32) (result i32 i64)
    (block $o (result i32 i64)
      (i32.const 7)
      (block $i
        (i32.const 8) (i32.const 9) (i64.const 10)
        (br $o))
      (unreachable)))
  (func $to_function (param $p i32) (result i32)
    (block
      (i32.const 4) (i32.const 5)
      (br_if 1 (local.get $p))
      (drop) (drop))
    (i32.const 6)))"#;

#[test]
fn drop_keep() {
    check(
        DROP_KEEP,
        expect![[r#"
        func 0 $br: params 1, results 1, locals 0, max_height 3, 7 instrs
        0  0x0027  Block
        1  0x0029  I32Const 1
        2  0x002b  I32Const 2
        3  0x002d  I32Const 3
        4  0x002f  Br -> 6 drop 2 keep 1
        5  0x0031  End
        6  0x0032  Return

        func 1 $br_if: params 1, results 1, locals 0, max_height 3, 8 instrs
        0  0x0035  Block
        1  0x0037  I32Const 1
        2  0x0039  I32Const 2
        3  0x003b  LocalGet 0
        4  0x003d  BrIf -> 7 drop 1 keep 1
        5  0x003f  Drop
        6  0x0040  End
        7  0x0041  Return

        func 2 $outer: params 1, results 2, locals 0, max_height 4, 11 instrs
         0  0x0044  Block
         1  0x0046  I32Const 7
         2  0x0048  Block
         3  0x004a  I32Const 8
         4  0x004c  I32Const 9
         5  0x004e  I64Const 10
         6  0x0050  Br -> 10 drop 2 keep 2
         7  0x0052  End
         8  0x0053  Unreachable
         9  0x0054  End
        10  0x0055  Return

        func 3 $to_function: params 1, results 1, locals 0, max_height 3, 10 instrs
        0  0x0058  Block
        1  0x005a  I32Const 4
        2  0x005c  I32Const 5
        3  0x005e  LocalGet 0
        4  0x0060  ReturnIf
        5  0x0062  Drop
        6  0x0063  Drop
        7  0x0064  End
        8  0x0065  I32Const 6
        9  0x0067  Return
    "#]],
    );
}

/// A counting loop (`br_if` back to the loop), and a loop whose body starts with a run of
/// markers that a branch jumps into.
const LOOPS: &str = r#"(module
  (func $count (param $n i32) (result i32) (local $i i32)
    (loop $l
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_s (local.get $i) (local.get $n))))
    (local.get $i))
  (func $nested (param $n i32) (local $i i32)
    (block $exit
      (loop $l
        (block $b
          (block $c
            (br_if $exit (i32.eqz (local.get $n)))
            (local.set $n (i32.sub (local.get $n) (i32.const 1)))
            (br $l))))))
  (func $params (param $n i32) (result i32)
    (i32.const 0)
    (loop $l (param i32) (result i32)
      (i32.add (i32.const 1))
      (local.tee $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $l))))"#;

#[test]
fn loops() {
    check(
        LOOPS,
        expect![[r#"
        func 0 $count: params 1, results 1, locals 1, max_height 2, 14 instrs
         0  0x0021  Loop
         1  0x0023  FLCBinSet i32.add a=1 c=1 x=1     [fuses 4: pc 2..6]
         2  0x0023    LocalGet 1
         3  0x0025    I32Const 1
         4  0x0027    I32Add
         5  0x0028    LocalSet 1
         6  0x002a  FLLCmpBrIf i32.lt_s a=1 b=0 -> 1  [fuses 4: pc 7..11]
         7  0x002a    LocalGet 1
         8  0x002c    LocalGet 0
         9  0x002e    I32LtS
        10  0x002f    BrIf -> 1
        11  0x0031  End
        12  0x0032  LocalGet 1
        13  0x0034  Return

        func 1 $nested: params 1, results 0, locals 1, max_height 2, 25 instrs
         0  0x0039  FSkip n=4 -> 7                 [fuses 4: pc 1, 3, 5..7]
         1  0x0039    Block
         2  0x003b  FSkip n=3 -> 7                 [fuses 3: pc 3, 5..7]
         3  0x003b    Loop
         4  0x003d  FSkip n=2 -> 7                 [fuses 2: pc 5..7]
         5  0x003d    Block
         6  0x003f    Block
         7  0x0041  LocalGet 0
         8  0x0043  FEqzBrIf -> 24                 [fuses 2: pc 9..11]
         9  0x0043    I32Eqz
        10  0x0044    BrIf -> 24
        11  0x0046  FLCBinSet i32.sub a=0 c=1 x=0  [fuses 4: pc 12..16]
        12  0x0046    LocalGet 0
        13  0x0048    I32Const 1
        14  0x004a    I32Sub
        15  0x004b    LocalSet 0
        16  0x004d  Br -> 4
        17  0x004f  FSkip n=4 -> 24                [fuses 4: pc 18, 20, 22..24]
        18  0x004f    End
        19  0x0050  FSkip n=3 -> 24                [fuses 3: pc 20, 22..24]
        20  0x0050    End
        21  0x0051  FSkip n=2 -> 24                [fuses 2: pc 22..24]
        22  0x0051    End
        23  0x0052    End
        24  0x0053  Return

        func 2 $params: params 1, results 1, locals 0, max_height 3, 13 instrs
         0  0x0056  I32Const 0
         1  0x0058  Loop
         2  0x005a  FCBin i32.add c=0x1            [fuses 2: pc 3..5]
         3  0x005a    I32Const 1
         4  0x005c    I32Add
         5  0x005d  FLCBinTee i32.sub a=0 c=1 x=0  [fuses 4: pc 6..10]
         6  0x005d    LocalGet 0
         7  0x005f    I32Const 1
         8  0x0061    I32Sub
         9  0x0062    LocalTee 0
        10  0x0064  BrIf -> 2 drop 0 keep 1
        11  0x0066  End
        12  0x0067  Return
    "#]],
    );
}

/// Runs of markers get a skip in front of each marker that has more behind it.
const MARKERS: &str = r#"(module
  (func $run
    (block (block (block (nop) (nop)))))
  (func $two (result i32)
    (block (result i32) (nop) (i32.const 1))))"#;

#[test]
fn markers() {
    check(
        MARKERS,
        expect![[r#"
        func 0 $run: params 0, results 0, locals 0, max_height 0, 16 instrs
         0  0x001c  FSkip n=8 -> 15  [fuses 8: pc 1, 3, 5, …, 14]
         1  0x001c    Block
         2  0x001e  FSkip n=7 -> 15  [fuses 7: pc 3, 5, 7, …, 14]
         3  0x001e    Block
         4  0x0020  FSkip n=6 -> 15  [fuses 6: pc 5, 7, 9, …, 14]
         5  0x0020    Block
         6  0x0022  FSkip n=5 -> 15  [fuses 5: pc 7, 9, 11, …, 14]
         7  0x0022    Nop
         8  0x0023  FSkip n=4 -> 15  [fuses 4: pc 9, 11, 13..15]
         9  0x0023    Nop
        10  0x0024  FSkip n=3 -> 15  [fuses 3: pc 11, 13..15]
        11  0x0024    End
        12  0x0025  FSkip n=2 -> 15  [fuses 2: pc 13..15]
        13  0x0025    End
        14  0x0026    End
        15  0x0027  Return

        func 1 $two: params 0, results 1, locals 0, max_height 1, 6 instrs
        0  0x002a  FSkip n=2 -> 3  [fuses 2: pc 1..3]
        1  0x002a    Block
        2  0x002c    Nop
        3  0x002d  I32Const 1
        4  0x002f  End
        5  0x0030  Return
    "#]],
    );
}

/// `br_table` entries are data under the instruction; an entry to the function's label
/// returns; entries carry drop/keep.
const BR_TABLE: &str = r#"(module
  (func $switch (param $i i32) (result i32)
    (block $c
      (block $b
        (block $a
          (br_table $a $b $c 0 (local.get $i)))
        (return (i32.const 10)))
      (return (i32.const 11)))
    (i32.const 12))
  (func $values (param $i i32) (result i32)
    (block $b (result i32)
      (i32.const 9) (i32.const 8)
      (br_table $b 1 $b (local.get $i)))))"#;

#[test]
fn br_table() {
    check(
        BR_TABLE,
        expect![[r#"
        func 0 $switch: params 1, results 1, locals 0, max_height 1, 20 instrs
         0  0x001a  FSkip n=3 -> 5  [fuses 3: pc 1, 3..5]
         1  0x001a    Block
         2  0x001c  FSkip n=2 -> 5  [fuses 2: pc 3..5]
         3  0x001c    Block
         4  0x001e    Block
         5  0x0020  LocalGet 0
         6  0x0022  BrTable len=3
         7  0x0022    case 0 -> 12
         8  0x0022    case 1 -> 15
         9  0x0022    case 2 -> 18
        10  0x0022    default -> 12
        11  0x0028  End
        12  0x0029  I32Const 10
        13  0x002b  Return
        14  0x002c  End
        15  0x002d  I32Const 11
        16  0x002f  Return
        17  0x0030  End
        18  0x0031  I32Const 12
        19  0x0033  Return

        func 1 $values: params 1, results 1, locals 0, max_height 3, 10 instrs
        0  0x0036  Block
        1  0x0038  I32Const 9
        2  0x003a  I32Const 8
        3  0x003c  LocalGet 0
        4  0x003e  BrTable len=2
        5  0x003e    case 0 -> 9 drop 1 keep 1
        6  0x003e    case 1 -> return
        7  0x003e    default -> 9 drop 1 keep 1
        8  0x0043  End
        9  0x0044  Return
    "#]],
    );
}

const IF_ELSE: &str = r#"(module
  (func $max (param $a i32) (param $b i32) (result i32)
    (if (result i32) (i32.gt_s (local.get $a) (local.get $b))
      (then (local.get $a))
      (else (local.get $b))))
  (func $clamp (param $a i32) (result i32)
    (if (i32.lt_s (local.get $a) (i32.const 0))
      (then (local.set $a (i32.const 0))))
    (local.get $a))
  (func $early (param $a i32) (result f64)
    (if (result f64) (local.get $a)
      (then (return (f64.const 0.5)))
      (else (f64.const -1)))))"#;

#[test]
fn if_else() {
    check(
        IF_ELSE,
        expect![[r#"
        func 0 $max: params 2, results 1, locals 0, max_height 2, 10 instrs
        0  0x0026  FLLBin i32.gt_s a=0 b=1  [fuses 3: pc 1..4]
        1  0x0026    LocalGet 0
        2  0x0028    LocalGet 1
        3  0x002a    I32GtS
        4  0x002b  If -> 7
        5  0x002d  LocalGet 0
        6  0x002f  Else -> 8
        7  0x0030  LocalGet 1
        8  0x0032  End
        9  0x0033  Return

        func 1 $clamp: params 1, results 1, locals 0, max_height 2, 11 instrs
         0  0x0036  FLCBin i32.lt_s a=0 c=0  [fuses 3: pc 1..4]
         1  0x0036    LocalGet 0
         2  0x0038    I32Const 0
         3  0x003a    I32LtS
         4  0x003b  If -> 8
         5  0x003d  FConstSet c=0 x=0        [fuses 2: pc 6..8]
         6  0x003d    I32Const 0
         7  0x003f    LocalSet 0
         8  0x0041  End
         9  0x0042  LocalGet 0
        10  0x0044  Return

        func 2 $early: params 1, results 1, locals 0, max_height 1, 7 instrs
        0  0x0047  LocalGet 0
        1  0x0049  If -> 4
        2  0x004b  F64Const 4602678819172646912  ; 0.5
        3  0x0054  Return
        4  0x0056  F64Const 13830554455654793216  ; -1.0
        5  0x005f  End
        6  0x0060  Return
    "#]],
    );
}

/// Every fused form, a few to a function (see `fused` for the list).
const FUSED_FORMS: &str = r#"(module (memory 1)
  ;; local.get a; local.get b; op [; local.set x | local.tee x | br_if]
  (func $two_locals (param $a i32) (param $b i32) (result i32) (local $x i32)
    (local.set $x (i32.add (local.get $a) (local.get $b)))
    (drop (local.tee $x (i32.sub (local.get $a) (local.get $b))))
    (block $out
      (br_if $out (i32.lt_s (local.get $a) (local.get $b))))
    (i32.mul (local.get $x) (local.get $a)))
  ;; local.get a; <const>; op [; local.set x | local.tee x | br_if]
  (func $local_const (param $a i64) (result i64) (local $x i64)
    (local.set $x (i64.shl (local.get $a) (i64.const 3)))
    (drop (local.tee $x (i64.xor (local.get $x) (i64.const -1))))
    (block $out
      (br_if $out (i64.gt_u (local.get $a) (i64.const 100))))
    (i64.add (local.get $x) (i64.const 0x1_0000_0000)))
  ;; <const>; op  /  op on stack values [; local.set | local.tee]  /  local.get b; op ...
  (func $stack (param $a i32) (param $b i32) (param $f f64) (result f64) (local $x i32)
    (local.set $x (i32.sub (i32.clz (local.get $a)) (i32.clz (local.get $b))))
    (drop (local.tee $x (i32.or (i32.ctz (local.get $a)) (i32.ctz (local.get $b)))))
    (drop (i32.and (i32.popcnt (local.get $a)) (local.get $b)))
    (local.set $x (i32.shr_u (i32.popcnt (local.get $a)) (local.get $b)))
    (drop (local.tee $x (i32.rotl (i32.popcnt (local.get $a)) (local.get $b))))
    (f64.mul (local.get $f) (f64.const 0.5)))
  ;; branches on comparisons, eqz and locals
  (func $branches (param $a i32) (param $b i32) (result i32)
    (block $out
      (br_if $out (i32.ne (i32.clz (local.get $a)) (i32.clz (local.get $b))))
      (br_if $out (i32.ge_u (i32.clz (local.get $a)) (i32.const 5)))
      (br_if $out (i32.le_s (i32.clz (local.get $a)) (local.get $b)))
      (br_if $out (i32.eqz (i32.clz (local.get $a))))
      (br_if $out (local.get $b)))
    (i32.const 0))
  ;; copies and constants into locals
  (func $moves (param $a i32) (result i32) (local $x i32) (local $y i32)
    (local.set $x (local.get $a))
    (local.set $y (i32.const 42))
    (i32.add (local.get $x) (local.get $y)))
  ;; loads: local.get a; <load>  /  i32.const c; <load>  /  local.get a; i32.const c; i32.add; <load>
  (func $loads (param $p i32) (result i32)
    (i32.add
      (i32.add (i32.load (local.get $p)) (i32.load8_u offset=3 (i32.const 16)))
      (i32.load16_s offset=2 (i32.add (local.get $p) (i32.const 4)))))
  ;; stores: local.get v; <store>  /  i32.const c; <store>  /  op; <store>
  (func $stores (param $p i32) (param $v i64)
    (i64.store offset=8 (local.get $p) (local.get $v))
    (i32.store8 (local.get $p) (i32.const 255))
    (i64.store32 offset=4 (local.get $p) (i64.mul (i64.extend_i32_u (local.get $p)) (i64.extend_i32_u (local.get $p))))))"#;

#[test]
fn fused_forms() {
    check(
        FUSED_FORMS,
        expect![[r#"
            func 0 $two_locals: params 2, results 1, locals 1, max_height 2, 23 instrs
             0  0x003e  FLLBinSet i32.add a=0 b=1 x=2      [fuses 4: pc 1..5]
             1  0x003e    LocalGet 0
             2  0x0040    LocalGet 1
             3  0x0042    I32Add
             4  0x0043    LocalSet 2
             5  0x0045  FLLBinTee i32.sub a=0 b=1 x=2      [fuses 4: pc 6..10]
             6  0x0045    LocalGet 0
             7  0x0047    LocalGet 1
             8  0x0049    I32Sub
             9  0x004a    LocalTee 2
            10  0x004c  Drop
            11  0x004d  Block
            12  0x004f  FLLCmpBrIf i32.lt_s a=0 b=1 -> 18  [fuses 4: pc 13..17]
            13  0x004f    LocalGet 0
            14  0x0051    LocalGet 1
            15  0x0053    I32LtS
            16  0x0054    BrIf -> 18
            17  0x0056  End
            18  0x0057  FLLBin i32.mul a=2 b=0             [fuses 3: pc 19..22]
            19  0x0057    LocalGet 2
            20  0x0059    LocalGet 0
            21  0x005b    I32Mul
            22  0x005c  Return

            func 1 $local_const: params 1, results 1, locals 1, max_height 2, 23 instrs
             0  0x0061  FLCBinSet i64.shl a=0 c=3 x=1        [fuses 4: pc 1..5]
             1  0x0061    LocalGet 0
             2  0x0063    I64Const 3
             3  0x0065    I64Shl
             4  0x0066    LocalSet 1
             5  0x0068  FLCBinTee i64.xor a=1 c=-1 x=1       [fuses 4: pc 6..10]
             6  0x0068    LocalGet 1
             7  0x006a    I64Const -1
             8  0x006c    I64Xor
             9  0x006d    LocalTee 1
            10  0x006f  Drop
            11  0x0070  Block
            12  0x0072  FLCCmpBrIf i64.gt_u a=0 c=100 -> 18  [fuses 4: pc 13..17]
            13  0x0072    LocalGet 0
            14  0x0074    I64Const 100
            15  0x0077    I64GtU
            16  0x0078    BrIf -> 18
            17  0x007a  End
            18  0x007b  LocalGet 1
            19  0x007d  FCBin i64.add c=0x100000000          [fuses 2: pc 20..22]
            20  0x007d    I64Const 4294967296
            21  0x0083    I64Add
            22  0x0084  Return

            func 2 $stack: params 3, results 1, locals 1, max_height 2, 39 instrs
             0  0x0089  LocalGet 0
             1  0x008b  I32Clz
             2  0x008c  LocalGet 1
             3  0x008e  I32Clz
             4  0x008f  FBinSet i32.sub x=3                 [fuses 2: pc 5..7]
             5  0x008f    I32Sub
             6  0x0090    LocalSet 3
             7  0x0092  LocalGet 0
             8  0x0094  I32Ctz
             9  0x0095  LocalGet 1
            10  0x0097  I32Ctz
            11  0x0098  FBinTee i32.or x=3                  [fuses 2: pc 12..14]
            12  0x0098    I32Or
            13  0x0099    LocalTee 3
            14  0x009b  Drop
            15  0x009c  LocalGet 0
            16  0x009e  I32Popcnt
            17  0x009f  FLBin i32.and b=1                   [fuses 2: pc 18..20]
            18  0x009f    LocalGet 1
            19  0x00a1    I32And
            20  0x00a2  Drop
            21  0x00a3  LocalGet 0
            22  0x00a5  I32Popcnt
            23  0x00a6  FLBinSet i32.shr_u b=1 x=3          [fuses 3: pc 24..27]
            24  0x00a6    LocalGet 1
            25  0x00a8    I32ShrU
            26  0x00a9    LocalSet 3
            27  0x00ab  LocalGet 0
            28  0x00ad  I32Popcnt
            29  0x00ae  FLBinTee i32.rotl b=1 x=3           [fuses 3: pc 30..33]
            30  0x00ae    LocalGet 1
            31  0x00b0    I32Rotl
            32  0x00b1    LocalTee 3
            33  0x00b3  Drop
            34  0x00b4  LocalGet 2
            35  0x00b6  FCBin f64.mul c=0x3fe0000000000000  [fuses 2: pc 36..38]
            36  0x00b6    F64Const 4602678819172646912  ; 0.5
            37  0x00bf    F64Mul
            38  0x00c0  Return

            func 3 $branches: params 2, results 1, locals 0, max_height 2, 31 instrs
             0  0x00c3  Block
             1  0x00c5  LocalGet 0
             2  0x00c7  I32Clz
             3  0x00c8  LocalGet 1
             4  0x00ca  I32Clz
             5  0x00cb  FCmpBrIf i32.ne -> 29           [fuses 2: pc 6..8]
             6  0x00cb    I32Ne
             7  0x00cc    BrIf -> 29
             8  0x00ce  LocalGet 0
             9  0x00d0  I32Clz
            10  0x00d1  FCCmpBrIf i32.ge_u c=0x5 -> 29  [fuses 3: pc 11..14]
            11  0x00d1    I32Const 5
            12  0x00d3    I32GeU
            13  0x00d4    BrIf -> 29
            14  0x00d6  LocalGet 0
            15  0x00d8  I32Clz
            16  0x00d9  FLCmpBrIf i32.le_s b=1 -> 29    [fuses 3: pc 17..20]
            17  0x00d9    LocalGet 1
            18  0x00db    I32LeS
            19  0x00dc    BrIf -> 29
            20  0x00de  LocalGet 0
            21  0x00e0  I32Clz
            22  0x00e1  FEqzBrIf -> 29                  [fuses 2: pc 23..25]
            23  0x00e1    I32Eqz
            24  0x00e2    BrIf -> 29
            25  0x00e4  FLocalBrIf a=1 -> 29            [fuses 2: pc 26..28]
            26  0x00e4    LocalGet 1
            27  0x00e6    BrIf -> 29
            28  0x00e8  End
            29  0x00e9  I32Const 0
            30  0x00eb  Return

            func 4 $moves: params 1, results 1, locals 2, max_height 2, 11 instrs
             0  0x00f0  FLocalCopy a=0 x=1      [fuses 2: pc 1..3]
             1  0x00f0    LocalGet 0
             2  0x00f2    LocalSet 1
             3  0x00f4  FConstSet c=42 x=2      [fuses 2: pc 4..6]
             4  0x00f4    I32Const 42
             5  0x00f6    LocalSet 2
             6  0x00f8  FLLBin i32.add a=1 b=2  [fuses 3: pc 7..10]
             7  0x00f8    LocalGet 1
             8  0x00fa    LocalGet 2
             9  0x00fc    I32Add
            10  0x00fd  Return

            func 5 $loads: params 1, results 1, locals 0, max_height 3, 14 instrs
             0  0x0100  FLLoad U32 a=0 offset=0             [fuses 2: pc 1..3]
             1  0x0100    LocalGet 0
             2  0x0102    I32Load 0
             3  0x0105  FCLoad U8 c=16 offset=3             [fuses 2: pc 4..6]
             4  0x0105    I32Const 16
             5  0x0107    I32Load8U 3
             6  0x010a  I32Add
             7  0x010b  FLCAddLoad S16I32 a=0 c=4 offset=2  [fuses 4: pc 8..12]
             8  0x010b    LocalGet 0
             9  0x010d    I32Const 4
            10  0x010f    I32Add
            11  0x0110    I32Load16S 2
            12  0x0113  I32Add
            13  0x0114  Return

            func 6 $stores: params 2, results 0, locals 0, max_height 3, 17 instrs
             0  0x0117  LocalGet 0
             1  0x0119  FLStore B8 v=1 offset=8            [fuses 2: pc 2..4]
             2  0x0119    LocalGet 1
             3  0x011b    I64Store 8
             4  0x011e  LocalGet 0
             5  0x0120  FCStore B1 c=255 offset=0          [fuses 2: pc 6..8]
             6  0x0120    I32Const 255
             7  0x0123    I32Store8 0
             8  0x0126  LocalGet 0
             9  0x0128  LocalGet 0
            10  0x012a  I64ExtendI32U
            11  0x012b  LocalGet 0
            12  0x012d  I64ExtendI32U
            13  0x012e  FBinStore i64.mul sop=B4 offset=4  [fuses 2: pc 14..16]
            14  0x012e    I64Mul
            15  0x012f    I64Store32 4
            16  0x0132  Return
        "#]],
    );
}

/// Every fused form, from the instruction list: the fixed-length ones (`Opcode::fused_len`)
/// and `FSkip`. A new one fails `the_snapshots_contain_every_fused_form` until a function above
/// contains it.
fn fused() -> Vec<&'static str> {
    let mut all: Vec<&str> = Opcode::ALL.iter().filter(|o| o.fused_len().is_some()).map(|o| o.name()).collect();
    all.push("FSkip");
    all
}

const ALL: &[&str] = &[DROP_KEEP, LOOPS, MARKERS, BR_TABLE, IF_ELSE, FUSED_FORMS];

/// The instruction column of a listing line (after the pc and the offset).
fn instr_name(line: &str) -> &str {
    line.split_whitespace().nth(2).unwrap_or("")
}

#[test]
fn the_snapshots_contain_every_fused_form() {
    let mut seen = std::collections::BTreeSet::new();
    for wat in ALL {
        for line in dump(wat).lines().filter(|l| l.contains("[fuses ")) {
            seen.insert(instr_name(line).to_string());
        }
    }
    let fused = fused();
    assert!(fused.len() >= 28, "the list has {} fused forms", fused.len());
    let missing: Vec<&str> = fused.iter().copied().filter(|f| !seen.contains(*f)).collect();
    assert!(missing.is_empty(), "fused forms in no snapshot: {missing:?} (add a function that contains them)");
    // And the other way round: a fused form that is not listed (a new one) fails too.
    let unlisted: Vec<&String> = seen.iter().filter(|s| !fused.contains(&s.as_str())).collect();
    assert!(unlisted.is_empty(), "marked as fused but not a fused form of the list: {unlisted:?}");
}

#[test]
fn every_fused_instruction_is_marked_and_its_originals_indented() {
    for wat in ALL {
        let m = Module::new(wat.as_bytes()).unwrap();
        for def in 0..m.funcs.len() as u32 - m.num_imported_funcs {
            let code = wasmscope::translate::translate(&m, def).unwrap();
            let text = dump_code(&code, &|_| None);
            let lines: Vec<&str> = text.lines().collect();
            assert_eq!(lines.len(), code.instrs.len());
            for (pc, (line, instr)) in lines.iter().zip(&code.instrs).enumerate() {
                assert!(line.trim_start().starts_with(&format!("{pc} ")), "{line}");
                assert_eq!(line.contains("[fuses "), instr.fused_len().is_some(), "pc {pc}: {line}");
                if let Some(n) = instr.fused_len() {
                    assert!(line.contains(&format!("[fuses {n}: pc ")), "{line}");
                    assert!(
                        line.starts_with(&format!("{pc:>w$}  0x", w = (lines.len() - 1).to_string().len())),
                        "{line}"
                    );
                    // Its originals are the next n unfused instructions, each indented.
                    let mut k = pc + 1;
                    for _ in 0..n {
                        while code.instrs[k].fused_len().is_some() {
                            k += 1;
                        }
                        let col = lines[k].split("0x").nth(1).unwrap();
                        assert!(col[4..].starts_with("    ") && !col[4..].starts_with("     "), "{}", lines[k]);
                        k += 1;
                    }
                }
            }
        }
    }
}

#[test]
fn branch_targets_are_shown_as_pcs() {
    // Every pc a branch can go to, read from the instructions themselves, appears as an
    // arrow on the instruction's line.
    for wat in ALL {
        let m = Module::new(wat.as_bytes()).unwrap();
        for def in 0..m.funcs.len() as u32 - m.num_imported_funcs {
            let code = wasmscope::translate::translate(&m, def).unwrap();
            let text = dump_code(&code, &|_| None);
            for (line, instr) in text.lines().zip(&code.instrs) {
                let mut i = *instr;
                let target = match i {
                    Instr::FSkip { to, .. } => Some(to),
                    _ => i.target_mut().map(|pc| *pc),
                };
                match target {
                    Some(RETURN_PC) => assert!(line.contains(" -> return"), "{line}"),
                    Some(pc) => assert!(line.contains(&format!(" -> {pc}")), "{line}"),
                    None => assert!(!line.contains("->"), "{line}"),
                }
            }
        }
    }
}

/// Code that `translate` never makes still prints, without panicking.
#[test]
fn odd_code_prints_too() {
    let m = Module::new(b"(module (func (param i32) (block (br_table 0 0 (local.get 0)))))").unwrap();
    let mut code: Code = wasmscope::translate::translate(&m, 0).unwrap();
    let t = Target { pc: 99, dk: DropKeep { drop: 2, keep: 1 } };
    code.instrs = vec![
        Instr::FSkip { n: 0, to: 1 },
        Instr::FLLBin { op: wasmscope::ir::BinOp::I32Add, a: 0, b: 1 },
        Instr::Br(t),
        Instr::FSkip { n: 9, to: 12 },
        Instr::Nop,
        Instr::BrTable { len: u32::MAX },
        Instr::BrTableTarget(Target { pc: RETURN_PC, dk: DropKeep::default() }),
    ];
    code.offsets.truncate(2);
    expect![[r#"
        0  0x0018  FSkip n=0 -> 1          [fuses 0: none]
        1  0x001a  FLLBin i32.add a=0 b=1  [fuses 3: pc 2, 4..6]
        2  ?         Br -> 99 drop 2 keep 1
        3  ?       FSkip n=9 -> 12         [fuses 9: pc 4..7, 6 missing: code ends early]
        4  ?         Nop
        5  ?         BrTable len=4294967295
        6  ?         case 0 -> return
    "#]]
    .assert_eq(&dump_code(&code, &|_| None));
    // A long run: the list of originals is cut in the middle.
    code.instrs = vec![Instr::FSkip { n: 6, to: 11 }];
    for k in (2..=5).rev() {
        code.instrs.extend([Instr::Block, Instr::FSkip { n: k, to: 11 }]);
    }
    code.instrs.extend([Instr::Block, Instr::End]);
    expect![[r#"
         0  0x0018  FSkip n=6 -> 11  [fuses 6: pc 1, 3, 5, …, 10]
         1  0x001a    Block
         2  ?       FSkip n=5 -> 11  [fuses 5: pc 3, 5, 7, …, 10]
         3  ?         Block
         4  ?       FSkip n=4 -> 11  [fuses 4: pc 5, 7, 9..11]
         5  ?         Block
         6  ?       FSkip n=3 -> 11  [fuses 3: pc 7, 9..11]
         7  ?         Block
         8  ?       FSkip n=2 -> 11  [fuses 2: pc 9..11]
         9  ?         Block
        10  ?         End
    "#]]
    .assert_eq(&dump_code(&code, &|_| None));
}
