;; A command module: `wasmscope run start.wat` runs `_start`.
(module
  (global $counter (mut i32) (i32.const 40))
  (func $init (global.set $counter (i32.add (global.get $counter) (i32.const 1))))
  (func (export "_start") (result i32)
    (global.set $counter (i32.add (global.get $counter) (i32.const 1)))
    (global.get $counter))
  (start $init))
