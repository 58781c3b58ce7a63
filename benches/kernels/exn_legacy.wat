;; Exceptions, the legacy form (`try`/`catch`, as older toolchains emit and node 20's V8
;; runs): exn_deep's loop, a throw that unwinds across 10 frames, caught by `try ... catch`.
;; Checksum: the sum of 0..n-1 plus n (the same as exn_deep's).
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
        try (result i32)
          (call $deep (i32.const 10) (local.get $i))
          (unreachable)
        catch $e
        end
        (local.set $v)
        (local.set $sum (i64.add (local.get $sum) (i64.extend_i32_u (local.get $v))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (i64.add (local.get $sum) (i64.extend_i32_u (local.get $n)))))
