;; GC types with names (tests/heap_view.rs, the CLI's --trace, tests/e2e/heap.test.mjs).
(module
  (type $node (struct (field $val (mut i32)) (field $next (mut (ref null $node)))))
  (type $pair (struct (field $left (ref $node)) (field $tag i8) (field $wide i16) (field $big i64)))
  (type $bytes (array (mut i8)))
  (type $shorts (array (mut i16)))
  (type (struct (field i32) (field f64)))
  (global $root (mut (ref null $node)) (ref.null $node))

  ;; A list of n nodes holding n, n-1, ..., 1 (the head holds n).
  (func $list (export "list") (param $n i32) (result (ref null $node))
    (local $head (ref null $node)) (local $i i32)
    (block $done
      (loop $more
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (local.set $head (struct.new $node (local.get $i) (local.get $head)))
        (br $more)))
    (local.get $head))

  ;; The sum of a list's values.
  (func $sum (export "sum") (param $l (ref null $node)) (result i32)
    (local $s i32)
    (block $done
      (loop $more
        (br_if $done (ref.is_null (local.get $l)))
        (local.set $s (i32.add (local.get $s) (struct.get $node $val (local.get $l))))
        (local.set $l (struct.get $node $next (local.get $l)))
        (br $more)))
    (local.get $s))

  (func (export "pair") (result (ref $pair))
    (struct.new $pair (struct.new $node (i32.const 7) (ref.null $node))
      (i32.const -1) (i32.const 0x1234) (i64.const -5)))

  ;; The same node twice.
  (func (export "twice") (result (ref $node) (ref $node))
    (local $n (ref $node))
    (local.tee $n (struct.new $node (i32.const 1) (ref.null $node)))
    (local.get $n))

  ;; bytes[i] = i for i < n.
  (func (export "bytes") (param $n i32) (result (ref $bytes))
    (local $a (ref $bytes)) (local $i i32)
    (local.set $a (array.new_default $bytes (local.get $n)))
    (block $done
      (loop $more
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (array.set $bytes (local.get $a) (local.get $i) (local.get $i))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $more)))
    (local.get $a))

  (func (export "shorts") (result (ref $shorts)) (array.new $shorts (i32.const -2) (i32.const 3)))
  (func (export "anon") (result (ref 4)) (struct.new 4 (i32.const 3) (f64.const 0.5)))
  (func (export "small") (param i32) (result (ref i31)) (ref.i31 (local.get 0)))
  (func (export "none") (result anyref) (ref.null any))

  ;; Allocates n nodes, keeping only the newest: garbage for the collector. Returns n.
  (func (export "churn") (param $n i32) (result i32)
    (local $keep (ref null $node)) (local $i i32)
    (block $done
      (loop $more
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (local.set $keep (struct.new $node (local.get $i) (ref.null $node)))
        (br $more)))
    (struct.get $node $val (ref.as_non_null (local.get $keep))))

  ;; Garbage and live objects mixed: an array per round (dropped), every third round a node
  ;; pushed on $root's list, whose head's $val is set every round. Returns the list's sum.
  (func (export "mix") (param $n i32) (result i32)
    (local $i i32) (local $a (ref null $bytes))
    (block $done
      (loop $more
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (local.set $a (array.new $bytes (local.get $i) (i32.const 3)))
        (array.set $bytes (local.get $a) (i32.const 1) (i32.const 9))
        (if (i32.eqz (i32.rem_u (local.get $i) (i32.const 3)))
          (then (global.set $root (struct.new $node (local.get $i) (global.get $root)))))
        (if (i32.eqz (ref.is_null (global.get $root)))
          (then (struct.set $node $val (ref.as_non_null (global.get $root)) (local.get $i))))
        (br $more)))
    (call $sum (global.get $root)))

  ;; Keeps a list of n nodes in $root (live: the collector must keep them).
  (func (export "keep") (param $n i32) (global.set $root (call $list (local.get $n))))
)
