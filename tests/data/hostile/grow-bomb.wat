;; memory.grow and table.grow bombs: every grow must be refused (-1) without allocating
;; gigabytes.
(module
  (memory 1)
  (table 0 funcref)
  ;; memory.grow 65535 (to 4 GiB), a thousand times; returns the final size in pages.
  (func (export "bomb") (result i32)
    (local $i i32)
    (loop $l
      (drop (memory.grow (i32.const 65535)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 1000))))
    (memory.size))
  (func (export "grow") (param i32) (result i32)
    (memory.grow (local.get 0)))
  ;; table.grow by 2^31-1 elements: refused.
  (func (export "table_bomb") (result i32)
    (table.grow (ref.null func) (i32.const 0x7fffffff))))
