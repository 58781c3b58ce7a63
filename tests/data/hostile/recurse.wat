;; Unbounded recursion: each must trap `call stack exhausted` without crashing the process.
(module
  ;; Self-recursion with a parameter.
  (func $down (export "down") (param i32) (result i32)
    (i32.add (call $down (i32.add (local.get 0) (i32.const 1))) (i32.const 1)))
  ;; Recursion through frames with many locals (value stack pressure).
  (func $wide (export "wide") (result i64)
    (local i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64)
    (local i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64)
    (local i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64)
    (local i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64)
    (i64.add (call $wide) (local.get 63)))
  ;; Mutual recursion through call_indirect.
  (type $t (func (result i32)))
  (table 2 funcref)
  (elem (i32.const 0) $ping $pong)
  (func $ping (result i32) (call_indirect (type $t) (i32.const 1)))
  (func $pong (result i32) (call_indirect (type $t) (i32.const 0)))
  (func (export "mutual") (result i32) (call $ping)))
