//! Load time of large modules: wasmscope's decode + validate (functions are translated
//! lazily, on their first call) against wasmi 2.0.0's `Module::new`, natively.
//!
//!     cargo bench --bench load -- FILE.wasm...            # median of 5 runs each
//!     cargo bench --bench load -- --reps 9 FILE.wasm...
//!
//! Without files it loads a generated module (20,000 small functions). Each repetition runs
//! every engine once, in turn, on the same bytes (same-minute A/B on a noisy machine); the
//! median counts. wasmi runs in two modes: `CompilationMode::Lazy` (validation and
//! translation both deferred to a function's first call: load only parses) and
//! `LazyTranslation`, its default (validation at load, translation deferred: what wasmscope
//! does). Instantiation is left out (the modules import WASI).
//!
//! Prints a table; it asserts nothing about time.

use std::time::{Duration, Instant};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn generated() -> (String, Vec<u8>) {
    let mut wat = String::from("(module (memory 1)");
    for i in 0..20_000 {
        wat.push_str(&format!(
            " (func (export \"f{i}\") (param i32) (result i32) (i32.add (i32.load (local.get 0)) (i32.const {i})))"
        ));
    }
    wat.push(')');
    ("generated (20,000 functions)".into(), wat::parse_str(&wat).expect("generated module"))
}

fn wasmi_load(mode: wasmi::CompilationMode, bytes: &[u8]) -> Duration {
    let mut config = wasmi::Config::default();
    config.compilation_mode(mode);
    let engine = wasmi::Engine::new(&config);
    let t = Instant::now();
    let module = wasmi::Module::new(&engine, bytes).expect("wasmi: module");
    let d = t.elapsed();
    drop(module);
    d
}

fn main() {
    let mut reps = 5;
    let mut files = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--bench" => {}
            "--reps" => reps = args.next().and_then(|r| r.parse().ok()).expect("--reps N"),
            f if f.starts_with("--") => panic!("unknown option {f}"),
            f => files.push(f.to_string()),
        }
    }
    let reps = reps.max(1);
    let modules: Vec<(String, Vec<u8>)> = if files.is_empty() {
        vec![generated()]
    } else {
        files
            .iter()
            .map(|f| {
                let name = std::path::Path::new(f).file_name().map_or(f.clone(), |n| n.to_string_lossy().into_owned());
                (name, std::fs::read(f).unwrap_or_else(|e| panic!("{f}: {e}")))
            })
            .collect()
    };
    println!("load: wasmscope (decode + validate) vs wasmi 2.0.0 Module::new, native, median of {reps}");
    println!("load average at start: {}", std::fs::read_to_string("/proc/loadavg").unwrap_or_default().trim());
    println!();
    println!(
        "| {:<28} | {:>8} | {:>9} | {:>13} | {:>13} | {:>16} | {:>13} | {:>16} |",
        "module", "MB", "functions", "wasmscope ms", "wasmi lazy ms", "wasmscope/lazy", "wasmi l-t ms", "wasmscope/l-t"
    );
    println!(
        "|{:-<30}|{:->10}|{:->11}|{:->15}|{:->15}|{:->18}|{:->15}|{:->18}|",
        "", ":", ":", ":", ":", ":", ":", ":"
    );
    for (name, bytes) in &modules {
        let (mut scope, mut lazy, mut lt) = (Vec::new(), Vec::new(), Vec::new());
        let mut funcs = 0;
        for _ in 0..reps {
            let input = bytes.clone();
            let t = Instant::now();
            let m = wasmscope::Module::from_binary(input).unwrap_or_else(|e| panic!("{name}: wasmscope: {e}"));
            scope.push(t.elapsed());
            funcs = m.funcs.len();
            drop(m);
            lazy.push(wasmi_load(wasmi::CompilationMode::Lazy, bytes));
            lt.push(wasmi_load(wasmi::CompilationMode::LazyTranslation, bytes));
        }
        let (s, l, t) = (median(scope), median(lazy), median(lt));
        println!(
            "| {:<28} | {:>8.1} | {:>9} | {:>13.1} | {:>13.1} | {:>16.2} | {:>13.1} | {:>16.2} |",
            name,
            bytes.len() as f64 / 1e6,
            funcs,
            ms(s),
            ms(l),
            s.as_secs_f64() / l.as_secs_f64(),
            ms(t),
            s.as_secs_f64() / t.as_secs_f64()
        );
    }
    println!("\nwasmi lazy: CompilationMode::Lazy (load parses; validation and translation on first call)");
    println!("wasmi l-t: CompilationMode::LazyTranslation, wasmi's default (validates at load, as wasmscope does)");
    println!("load average at end: {}", std::fs::read_to_string("/proc/loadavg").unwrap_or_default().trim());
}
