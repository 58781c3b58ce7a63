;; Bounded memory (bench/gc/rss.sh): run(n) allocates n short-lived structs of 32 bytes,
;; each dropped at once, and keeps every 1000000th on a list (n / 10^6 live at the end);
;; returns the sum of the kept ones' fields. 10^8 structs would be 3.2 GB if none were freed.
(module
  (type $cell (struct (field i32) (field (ref null $cell))))
  (func (export "run") (param $n i32) (result i64)
    (local $i i32) (local $keep (ref null $cell)) (local $sum i64)
    (loop $l
      (drop (struct.new $cell (local.get $i) (ref.null $cell)))
      (if (i32.eqz (i32.rem_u (local.get $i) (i32.const 1000000)))
        (then (local.set $keep (struct.new $cell (local.get $i) (local.get $keep)))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (block $done
      (loop $walk
        (br_if $done (ref.is_null (local.get $keep)))
        (local.set $sum (i64.add (local.get $sum) (i64.extend_i32_u (struct.get $cell 0 (local.get $keep)))))
        (local.set $keep (struct.get $cell 1 (local.get $keep)))
        (br $walk)))
    (local.get $sum)))
