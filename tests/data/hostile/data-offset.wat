;; An active data segment at offset 0xffff_fff0 of a one-page memory: instantiation must
;; trap `out of bounds memory access` (and not run the start function).
(module
  (memory 1)
  (data (i32.const 0xfffffff0) "0123456789abcdefXYZ")
  (func $start unreachable)
  (start $start)
  (func (export "f") (result i32) (i32.const 1)))
