;; Exceptions: throw and catch in a loop with `try_table`, in one frame.
;; run(n): n times, `throw $e (i)` inside a `try_table (catch $e)` and the payload added up.
;; What each iteration costs is the throw (the exception object made), the search for the
;; handler and the landing. Checksum: the sum of 0..n-1 plus n.
(module
  (tag $e (param i32))
  (func (export "run") (param $n i32) (result i64)
    (local $i i32) (local $v i32) (local $sum i64)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (block $h (result i32)
          (try_table (catch $e $h)
            (throw $e (local.get $i)))
          (unreachable))
        (local.set $v)
        (local.set $sum (i64.add (local.get $sum) (i64.extend_i32_u (local.get $v))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (i64.add (local.get $sum) (i64.extend_i32_u (local.get $n)))))
