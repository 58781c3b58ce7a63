;; GC: binary trees (the benchmarks game's binary-trees), structs with two ref fields.
;; run(n): a stretch tree of depth n+1 made and checked; a long-lived tree of depth n kept
;; to the end; then for depth d = 4, 6, ..., n: 2^(n-d+4) trees of depth d, each made,
;; checked (its node count) and dropped. At n = 16 that is 15.3 million nodes of 32
;; bytes, at most ~4 MB of them live at once (the long-lived tree and one short-lived one).
;; Checksum: the counts, mixed (sum * 31 + count per step).
(module
  (type $node (struct (field (ref null $node)) (field (ref null $node))))
  (func $make (param $d i32) (result (ref $node))
    (if (result (ref $node)) (i32.eqz (local.get $d))
      (then (struct.new $node (ref.null $node) (ref.null $node)))
      (else
        (struct.new $node
          (call $make (i32.sub (local.get $d) (i32.const 1)))
          (call $make (i32.sub (local.get $d) (i32.const 1)))))))
  ;; The number of nodes of tree $t.
  (func $check (param $t (ref $node)) (result i32)
    (local $l (ref null $node))
    (local.set $l (struct.get $node 0 (local.get $t)))
    (if (result i32) (ref.is_null (local.get $l))
      (then (i32.const 1))
      (else
        (i32.add
          (i32.add (i32.const 1) (call $check (ref.as_non_null (local.get $l))))
          (call $check (ref.as_non_null (struct.get $node 1 (local.get $t))))))))
  (func (export "run") (param $n i32) (result i64)
    (local $sum i64) (local $long (ref null $node)) (local $d i32) (local $i i32)
    (local $iters i32) (local $c i64)
    (local.set $sum (i64.extend_i32_u (call $check (call $make (i32.add (local.get $n) (i32.const 1))))))
    (local.set $long (call $make (local.get $n)))
    (local.set $d (i32.const 4))
    (block $done
      (loop $depths
        (br_if $done (i32.gt_s (local.get $d) (local.get $n)))
        (local.set $iters
          (i32.shl (i32.const 1) (i32.add (i32.sub (local.get $n) (local.get $d)) (i32.const 4))))
        (local.set $c (i64.const 0))
        (local.set $i (i32.const 0))
        (loop $trees
          (local.set $c
            (i64.add (local.get $c) (i64.extend_i32_u (call $check (call $make (local.get $d))))))
          (br_if $trees (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $iters))))
        (local.set $sum (i64.add (i64.mul (local.get $sum) (i64.const 31)) (local.get $c)))
        (local.set $d (i32.add (local.get $d) (i32.const 2)))
        (br $depths)))
    (i64.add
      (i64.mul (local.get $sum) (i64.const 31))
      (i64.extend_i32_u (call $check (ref.as_non_null (local.get $long)))))))
