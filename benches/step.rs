//! Debugger throughput: single steps per second (with and without a state query after
//! each), step back, and full-speed runs of the same code for comparison.
//!
//!     cargo bench --bench step
//!
//! Prints a table; it asserts nothing about time.

use std::time::{Duration, Instant};
use wasmscope::debug::{Config, PauseOnExceptions, Session, StopReason};
use wasmscope::{Call, Limits, Value};

const WAT: &str = r#"(module (memory 1)
  (func $fib (export "fib") (param $n i32) (result i32) (local $a i32) (local $b i32) (local $t i32)
    (local.set $b (i32.const 1))
    (block $done (loop $l
      (br_if $done (i32.eqz (local.get $n)))
      (local.set $t (i32.add (local.get $a) (local.get $b)))
      (local.set $a (local.get $b)) (local.set $b (local.get $t))
      (i32.store (i32.and (i32.shl (local.get $n) (i32.const 2)) (i32.const 0xfffc)) (local.get $a))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $l)))
    (local.get $a))
  (func $fac (export "fac") (param i64) (result i64)
    (if (result i64) (i64.eqz (local.get 0)) (then (i64.const 1))
      (else (i64.mul (local.get 0) (call $fac (i64.sub (local.get 0) (i64.const 1))))))))"#;

fn session(history: usize) -> Session {
    let config = Config { history_steps: history, ..Config::default() };
    Session::load(WAT.as_bytes(), Limits::default(), config).expect("loads")
}

/// Runs `f` repeatedly for about `budget` time; returns operations per second.
fn rate(budget: Duration, mut f: impl FnMut() -> u64) -> f64 {
    let start = Instant::now();
    let mut ops = 0;
    while start.elapsed() < budget {
        ops += f();
    }
    ops as f64 / start.elapsed().as_secs_f64()
}

fn steps(s: &mut Session, func: &str, arg: Value, mut query: impl FnMut(&mut Session)) -> u64 {
    s.start(func, &[arg]).unwrap();
    let mut n = 0;
    while let StopReason::Step = s.step_into() {
        query(s);
        n += 1;
    }
    n + 1
}

/// Instructions per second from (instructions, time) accumulated over about `budget`.
fn timed(budget: Duration, mut f: impl FnMut() -> (u64, Duration)) -> f64 {
    let start = Instant::now();
    let (mut ops, mut time) = (0, Duration::ZERO);
    while start.elapsed() < budget {
        let (n, t) = f();
        ops += n;
        time += t;
    }
    ops as f64 / time.as_secs_f64()
}

fn main() {
    let budget = Duration::from_millis(if std::env::args().any(|a| a == "--quick") { 100 } else { 1000 });
    let mut rows: Vec<(String, f64)> = Vec::new();
    for (func, arg) in [("fib", Value::I32(2000)), ("fac", Value::I64(20))] {
        let per_call = steps(&mut session(0), func, arg, |_| {});
        let mut s = session(0);
        rows.push((
            format!("{func}: run (full speed, no debugger)"),
            rate(budget, || {
                let inst = s.instance();
                s.store_mut().invoke(inst, func, &[arg]).unwrap();
                per_call
            }),
        ));
        let mut s = session(0);
        rows.push((format!("{func}: step into, no history"), rate(budget, || steps(&mut s, func, arg, |_| {}))));
        let mut s = session(100_000);
        rows.push((format!("{func}: step into, with history"), rate(budget, || steps(&mut s, func, arg, |_| {}))));
        let mut s = session(100_000);
        s.set_pause_on_exceptions(PauseOnExceptions::All);
        rows.push((
            format!("{func}: step into, history, pause on exns"),
            rate(budget, || steps(&mut s, func, arg, |_| {})),
        ));
        let mut s = session(100_000);
        rows.push((
            format!("{func}: step into + position + top frame"),
            rate(budget, || {
                steps(&mut s, func, arg, |s| {
                    std::hint::black_box(s.position());
                    let top = s.depth() - 1;
                    std::hint::black_box(s.frame(top));
                })
            }),
        ));
        let mut s = session(100_000);
        rows.push((
            format!("{func}: step into + full snapshot"),
            rate(budget, || steps(&mut s, func, arg, |s| drop(std::hint::black_box(s.snapshot())))),
        ));
        let mut s = session(1_000_000);
        rows.push((
            format!("{func}: step back"),
            timed(budget, || {
                steps(&mut s, func, arg, |_| {});
                let start = Instant::now();
                let mut back = 0;
                while s.step_back() == StopReason::Step {
                    back += 1;
                }
                (back, start.elapsed())
            }),
        ));
    }
    println!("{:<46} {:>16}", "operation (instructions)", "per second");
    println!("{}", "-".repeat(63));
    for (name, r) in rows {
        println!("{name:<46} {:>16}", format!("{:.2} M", r / 1e6));
    }
}
