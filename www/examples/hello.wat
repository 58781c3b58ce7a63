;; A WASI command by hand: _start writes one iovec to stdout with fd_write.
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param $fd i32) (param $iovs i32) (param $iovs_len i32) (param $nwritten i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "Hello, world!\n")
  (func $_start (export "_start")
    ;; the iovec at 0: { base 16, length 14 }
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 14))
    ;; fd 1 (stdout), 1 iovec at 0; the byte count goes to 8; drop the errno
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
