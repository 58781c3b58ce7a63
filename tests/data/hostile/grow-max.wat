;; memory.grow 1 until refused: stops at the declared maximum (2 pages).
(module
  (memory 1 2)
  (func (export "creep") (result i32)
    (loop $l
      (br_if $l (i32.ne (memory.grow (i32.const 1)) (i32.const -1))))
    (memory.size)))
