// Example modules for the playground: data only.
// Each: { name, wat, func (the export to select), args (strings, one per parameter) }.

export const examples = [
  {
    name: 'Recursive factorial',
    func: 'fac',
    args: ['5'],
    wat: `;; n! by recursion: step into the calls and watch the call stack grow.
(module
  (func $fac (export "fac") (param $n i64) (result i64)
    (if (result i64) (i64.le_s (local.get $n) (i64.const 1))
      (then (i64.const 1))
      (else
        (i64.mul
          (local.get $n)
          (call $fac (i64.sub (local.get $n) (i64.const 1))))))))
`,
  },
  {
    name: 'Iterative fibonacci',
    func: 'fib',
    args: ['10'],
    wat: `;; fib(n) with a loop and three locals.
(module
  (func $fib (export "fib") (param $n i32) (result i32)
    (local $a i32) (local $b i32) (local $t i32)
    (local.set $b (i32.const 1))
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $t (i32.add (local.get $a) (local.get $b)))
        (local.set $a (local.get $b))
        (local.set $b (local.get $t))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $a)))
`,
  },
  {
    name: 'Loop storing into memory',
    func: 'squares',
    args: ['16'],
    wat: `;; Stores i*i as i32 at address 4*i for i in [0, n); returns the sum.
;; Watch the Memory panel: the bytes written by each step are highlighted.
(module
  (memory (export "memory") 1)
  (global $sum (export "sum") (mut i32) (i32.const 0))
  (func $squares (export "squares") (param $n i32) (result i32)
    (local $i i32) (local $sq i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $sq (i32.mul (local.get $i) (local.get $i)))
        (i32.store (i32.shl (local.get $i) (i32.const 2)) (local.get $sq))
        (global.set $sum (i32.add (global.get $sum) (local.get $sq)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (global.get $sum)))
`,
  },
  {
    name: 'String in memory',
    func: 'upper',
    args: ['16'],
    wat: `;; A string in a data segment, upper-cased in place; returns its length.
(module
  (memory (export "memory") 1)
  (data (i32.const 16) "Hello, WebAssembly!\\00")
  (func $upper (export "upper") (param $ptr i32) (result i32)
    (local $p i32) (local $c i32)
    (local.set $p (local.get $ptr))
    (block $done
      (loop $next
        (local.set $c (i32.load8_u (local.get $p)))
        (br_if $done (i32.eqz (local.get $c)))
        (if (i32.and
              (i32.ge_u (local.get $c) (i32.const 97))
              (i32.le_u (local.get $c) (i32.const 122)))
          (then (i32.store8 (local.get $p) (i32.sub (local.get $c) (i32.const 32)))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $next)))
    (i32.sub (local.get $p) (local.get $ptr))))
`,
  },
  {
    name: 'br_table switch',
    func: 'day_kind',
    args: ['6'],
    wat: `;; day 0-6 -> 1 for weekdays, 2 for the weekend, 0 otherwise (br_table).
(module
  (func $day_kind (export "day_kind") (param $day i32) (result i32)
    (block $other
      (block $weekend
        (block $weekday
          (br_table $weekday $weekday $weekday $weekday $weekday $weekend $weekend $other
            (local.get $day)))
        (return (i32.const 1)))
      (return (i32.const 2)))
    (i32.const 0)))
`,
  },
  {
    name: 'Multi-value function',
    func: 'divmod',
    args: ['47', '5'],
    wat: `;; Returns two values: quotient and remainder; swap takes and returns a pair.
(module
  (func $divmod (export "divmod") (param $a i32) (param $b i32) (result i32 i32)
    (i32.div_u (local.get $a) (local.get $b))
    (i32.rem_u (local.get $a) (local.get $b)))
  (func $swap (export "swap") (param $x i64) (param $y f64) (result f64 i64)
    (local.get $y) (local.get $x))
  (func $sum_pair (export "sum_pair") (param $a i32) (param $b i32) (result i32)
    (call $divmod (local.get $a) (local.get $b))
    (i32.add)))
`,
  },
  {
    name: 'A function that traps',
    func: 'average',
    args: ['10', '0'],
    wat: `;; Divides by its second argument: 0 traps with "integer divide by zero".
(module
  (func $average (export "average") (param $total i32) (param $count i32) (result i32)
    (i32.div_s (local.get $total) (local.get $count)))
  (func $oops (export "oops")
    unreachable))
`,
  },
  {
    name: 'WASI hello world',
    func: '_start',
    args: [],
    wat: `;; A WASI command by hand: _start writes one iovec to stdout with fd_write.
;; Step over the call to fd_write and the text appears in the Console.
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param $fd i32) (param $iovs i32) (param $iovs_len i32) (param $nwritten i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "Hello, world!\\n")
  (func $_start (export "_start")
    ;; the iovec at 0: { base 16, length 14 }
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 14))
    ;; fd 1 (stdout), 1 iovec at 0; the byte count goes to 8; drop the errno
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
`,
  },
  {
    name: 'Infinite loop (try Pause)',
    func: 'spin',
    args: [],
    wat: `;; Never returns: Run or Continue it, then Pause (F8).
(module
  (global $ticks (export "ticks") (mut i64) (i64.const 0))
  (func $spin (export "spin")
    (loop $forever
      (global.set $ticks (i64.add (global.get $ticks) (i64.const 1)))
      (br $forever))))
`,
  },
  {
    name: 'Exceptions across frames',
    func: 'parse',
    args: ['42'],
    wat: `;; $check throws $bad two frames down; parse's try_table catches it and returns -n.
;; Tick "Pause on caught exceptions" and Continue: the run stops at the throw, and the
;; Call stack shows the frames it unwinds and the one that catches. "fail" is not caught.
(module
  (tag $bad (param i32))
  (func $check (param $n i32)
    (if (i32.gt_s (local.get $n) (i32.const 9)) (then (throw $bad (local.get $n)))))
  (func $digit (param $n i32) (result i32)
    (call $check (local.get $n))
    (local.get $n))
  (func $parse (export "parse") (param $n i32) (result i32)
    (block $caught (result i32)
      (try_table (result i32) (catch $bad $caught)
        (call $digit (local.get $n)))
      (return))
    (i32.mul (i32.const -1)))
  (func $fail (export "fail") (param $n i32) (result i32)
    (call $digit (local.get $n))))
`,
  },
];
