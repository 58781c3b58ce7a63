;; An infinite loop: `wasmscope run --fuel N loop.wat spin` must trap `out of fuel`.
(module
  (func (export "spin") (result i32)
    (local i32)
    (loop $l
      (local.set 0 (i32.add (local.get 0) (i32.const 1)))
      (br $l))
    (local.get 0)))
