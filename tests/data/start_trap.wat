;; The start function traps: instantiation fails with `unreachable`.
(module
  (func $boom unreachable)
  (func (export "never") (result i32) (i32.const 1))
  (start $boom))
