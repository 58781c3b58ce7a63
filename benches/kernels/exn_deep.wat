;; Exceptions: a throw that unwinds across 10 frames, caught by `try_table`, in a loop.
;; run(n): n times, `call $deep (10, i)`, which recurses 10 frames down and throws
;; `$e (i)`; the handler in run adds the payload. Checksum: the sum of 0..n-1 plus n.
(module
  (tag $e (param i32))
  (func $deep (param $d i32) (param $v i32)
    (if (i32.eqz (local.get $d)) (then (throw $e (local.get $v))))
    (call $deep (i32.sub (local.get $d) (i32.const 1)) (local.get $v)))
  (func (export "run") (param $n i32) (result i64)
    (local $i i32) (local $v i32) (local $sum i64)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (block $h (result i32)
          (try_table (catch $e $h)
            (call $deep (i32.const 10) (local.get $i)))
          (unreachable))
        (local.set $v)
        (local.set $sum (i64.add (local.get $sum) (i64.extend_i32_u (local.get $v))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (i64.add (local.get $sum) (i64.extend_i32_u (local.get $n)))))
