;; A module built for some other host: its imports are not WASI.
(module
  (import "env" "log_i32" (func $log (param i32)))
  (import "env" "now" (func $now (result f64)))
  (import "env" "memory" (memory 1))
  (import "env" "base" (global $base i32))
  (func (export "main") (result i32)
    (call $log (i32.const 42))
    (drop (call $now))
    (i32.add (global.get $base) (i32.const 1))))
