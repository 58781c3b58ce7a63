;; A bytecode interpreter dispatching with one `br_table` per bytecode instruction (the
;; classic nested-block layout), hand-written so the dispatch is exactly that.
;;
;; Bytecode: a stack machine with 8 i32 registers in memory at 256 and its operand stack
;; at 512 (growing up; $tos is the address of the top cell). Opcodes (immediates are the
;; next byte):
;;   0 halt   1 push imm8(signed)   2 load r   3 store r   4 add   5 sub   6 mul
;;   7 xor    8 and   9 shr_u imm   10 dup   11 jnz addr   12 jz addr   13 jmp addr
;;   14 shl imm   15 or        anything else traps.
;;
;; The program at 0 runs r0 = n down to 1:
;;   r1 = (r1 * 31 + r0) ^ (r1 >> 7);  if (r0 & 3) r2 += r1;
;; 20 or 24 dispatches per iteration. run(n) returns (r2 << 32) | r1.
(module
  (memory (export "memory") 1)
  (data (i32.const 0)
    "\02\01" "\01\1f" "\06" "\02\00" "\04" "\02\01" "\09\07" "\07" "\03\01"  ;; 0..14
    "\02\00" "\01\03" "\08" "\0c\1d"                                         ;; 15..21
    "\02\02" "\02\01" "\04" "\03\02"                                         ;; 22..28
    "\02\00" "\01\01" "\05" "\0a" "\03\00" "\0b\00"                          ;; 29..38
    "\00")                                                                   ;; 39
  (func (export "run") (param $n i32) (result i64)
    (local $pc i32) (local $tos i32) (local $b i32)
    (i32.store (i32.const 256) (local.get $n))
    (i32.store (i32.const 260) (i32.const 0))
    (i32.store (i32.const 264) (i32.const 0))
    (local.set $tos (i32.const 508))
    (block $halt
      (loop $next
        (block $trap (block $or (block $shl (block $jmp (block $jz (block $jnz (block $dup
        (block $shru (block $and (block $xor (block $mul (block $sub (block $add (block $store
        (block $load (block $push (block $h
          (local.get $pc) ;; the opcode's address, loaded below after pc moves past it
          (local.set $pc (i32.add (local.get $pc) (i32.const 1)))
          (br_table $h $push $load $store $add $sub $mul $xor $and $shru $dup $jnz $jz $jmp
                    $shl $or $trap (i32.load8_u))
        ) ;; $h: 0 halt
        (br $halt)
        ) ;; $push: 1
        (local.set $tos (i32.add (local.get $tos) (i32.const 4)))
        (i32.store (local.get $tos) (i32.load8_s (local.get $pc)))
        (local.set $pc (i32.add (local.get $pc) (i32.const 1)))
        (br $next)
        ) ;; $load: 2
        (local.set $tos (i32.add (local.get $tos) (i32.const 4)))
        (i32.store (local.get $tos)
          (i32.load offset=256 (i32.shl (i32.load8_u (local.get $pc)) (i32.const 2))))
        (local.set $pc (i32.add (local.get $pc) (i32.const 1)))
        (br $next)
        ) ;; $store: 3
        (i32.store offset=256 (i32.shl (i32.load8_u (local.get $pc)) (i32.const 2))
          (i32.load (local.get $tos)))
        (local.set $tos (i32.sub (local.get $tos) (i32.const 4)))
        (local.set $pc (i32.add (local.get $pc) (i32.const 1)))
        (br $next)
        ) ;; $add: 4
        (local.set $b (i32.load (local.get $tos)))
        (local.set $tos (i32.sub (local.get $tos) (i32.const 4)))
        (i32.store (local.get $tos) (i32.add (i32.load (local.get $tos)) (local.get $b)))
        (br $next)
        ) ;; $sub: 5
        (local.set $b (i32.load (local.get $tos)))
        (local.set $tos (i32.sub (local.get $tos) (i32.const 4)))
        (i32.store (local.get $tos) (i32.sub (i32.load (local.get $tos)) (local.get $b)))
        (br $next)
        ) ;; $mul: 6
        (local.set $b (i32.load (local.get $tos)))
        (local.set $tos (i32.sub (local.get $tos) (i32.const 4)))
        (i32.store (local.get $tos) (i32.mul (i32.load (local.get $tos)) (local.get $b)))
        (br $next)
        ) ;; $xor: 7
        (local.set $b (i32.load (local.get $tos)))
        (local.set $tos (i32.sub (local.get $tos) (i32.const 4)))
        (i32.store (local.get $tos) (i32.xor (i32.load (local.get $tos)) (local.get $b)))
        (br $next)
        ) ;; $and: 8
        (local.set $b (i32.load (local.get $tos)))
        (local.set $tos (i32.sub (local.get $tos) (i32.const 4)))
        (i32.store (local.get $tos) (i32.and (i32.load (local.get $tos)) (local.get $b)))
        (br $next)
        ) ;; $shru: 9
        (i32.store (local.get $tos)
          (i32.shr_u (i32.load (local.get $tos)) (i32.load8_u (local.get $pc))))
        (local.set $pc (i32.add (local.get $pc) (i32.const 1)))
        (br $next)
        ) ;; $dup: 10
        (i32.store offset=4 (local.get $tos) (i32.load (local.get $tos)))
        (local.set $tos (i32.add (local.get $tos) (i32.const 4)))
        (br $next)
        ) ;; $jnz: 11
        (local.set $b (i32.load (local.get $tos)))
        (local.set $tos (i32.sub (local.get $tos) (i32.const 4)))
        (local.set $pc
          (select (i32.load8_u (local.get $pc)) (i32.add (local.get $pc) (i32.const 1))
            (local.get $b)))
        (br $next)
        ) ;; $jz: 12
        (local.set $b (i32.load (local.get $tos)))
        (local.set $tos (i32.sub (local.get $tos) (i32.const 4)))
        (local.set $pc
          (select (i32.add (local.get $pc) (i32.const 1)) (i32.load8_u (local.get $pc))
            (local.get $b)))
        (br $next)
        ) ;; $jmp: 13
        (local.set $pc (i32.load8_u (local.get $pc)))
        (br $next)
        ) ;; $shl: 14
        (i32.store (local.get $tos)
          (i32.shl (i32.load (local.get $tos)) (i32.load8_u (local.get $pc))))
        (local.set $pc (i32.add (local.get $pc) (i32.const 1)))
        (br $next)
        ) ;; $or: 15
        (local.set $b (i32.load (local.get $tos)))
        (local.set $tos (i32.sub (local.get $tos) (i32.const 4)))
        (i32.store (local.get $tos) (i32.or (i32.load (local.get $tos)) (local.get $b)))
        (br $next)
        ) ;; $trap
        (unreachable)))
    (i64.or
      (i64.shl (i64.extend_i32_u (i32.load (i32.const 264))) (i64.const 32))
      (i64.extend_i32_u (i32.load (i32.const 260))))))
