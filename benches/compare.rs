//! wasmscope against wasmi 2.0.0, natively, on the kernels of benches/kernels/ and on the
//! load/translation of a large generated module.
//!
//!     cargo bench --bench compare                     # everything (a few minutes)
//!     cargo bench --bench compare -- --quick          # one repetition each
//!     cargo bench --bench compare -- sieve interp     # kernels whose name contains a filter
//!     cargo bench --bench compare -- --reps 5         # best of 5 (default 3, --quick 1)
//!     cargo bench --bench compare -- --no-large       # skip the large-module part
//!     cargo bench --bench compare -- --large-only     # only the large-module part
//!     cargo bench --bench compare -- --no-simd        # skip the `_simd` kernels
//!
//! Execution: each kernel is instantiated once per engine, then `run(n)` is called `reps`
//! times, alternating the engines; the best wall time counts (module decoding, validation
//! and instantiation are excluded; both engines translate lazily, so the first call also
//! translates the few functions a kernel has — microseconds). Every call's checksum must
//! equal the other engine's and the one recorded in benches/kernels/kernels.txt.
//!
//! wasmi runs with `Config::default()`: lazy translation (eager validation), no fuel; its
//! `simd` cargo feature is on (Cargo.toml), which enables SIMD and relaxed SIMD in that
//! config, for the `_simd` kernels (v128 instructions; see kernels.txt). Their geomean is
//! printed apart from the scalar kernels'.
//!
//! The WebAssembly 3.0 kernels (benches/kernels/kernels3.txt: GC and exceptions, which
//! wasmi does not run) come last, with wasmscope alone (`--no-v3` skips them; a filter
//! selects them by name too). Each call gets a fresh instance (instantiation not timed), so
//! that each call's collections are counted alone.
//!
//! Prints tables; it asserts nothing about time.

use std::rc::Rc;
use std::time::{Duration, Instant};
use wasmscope::Call;

const MANIFEST: &str = include_str!("kernels/kernels.txt");
const MANIFEST3: &str = include_str!("kernels/kernels3.txt");

/// The WebAssembly 3.0 kernels (GC, exceptions): wasmscope alone.
const WASM3: &[(&str, &[u8])] = &[
    ("gc_trees", include_bytes!("kernels/gc_trees.wasm")),
    ("exn_throw", include_bytes!("kernels/exn_throw.wasm")),
    ("exn_deep", include_bytes!("kernels/exn_deep.wasm")),
    ("exn_legacy", include_bytes!("kernels/exn_legacy.wasm")),
];

/// The committed kernel binaries, by name.
const WASM: &[(&str, &[u8])] = &[
    ("fib_rec", include_bytes!("kernels/fib_rec.wasm")),
    ("fib_iter", include_bytes!("kernels/fib_iter.wasm")),
    ("sieve", include_bytes!("kernels/sieve.wasm")),
    ("sha256", include_bytes!("kernels/sha256.wasm")),
    ("matmul", include_bytes!("kernels/matmul.wasm")),
    ("nbody", include_bytes!("kernels/nbody.wasm")),
    ("mandelbrot", include_bytes!("kernels/mandelbrot.wasm")),
    ("quicksort", include_bytes!("kernels/quicksort.wasm")),
    ("interp", include_bytes!("kernels/interp.wasm")),
    ("crc32", include_bytes!("kernels/crc32.wasm")),
    ("coremark", include_bytes!("kernels/coremark.wasm")),
    ("sieve_simd", include_bytes!("kernels/sieve_simd.wasm")),
    ("matmul_simd", include_bytes!("kernels/matmul_simd.wasm")),
    ("nbody_simd", include_bytes!("kernels/nbody_simd.wasm")),
    ("coremark_simd", include_bytes!("kernels/coremark_simd.wasm")),
    ("bytes_simd", include_bytes!("kernels/bytes_simd.wasm")),
    ("xxh32_simd", include_bytes!("kernels/xxh32_simd.wasm")),
    ("matmul32_simd", include_bytes!("kernels/matmul32_simd.wasm")),
];

struct Kernel {
    name: String,
    n: u32,
    checksum: Option<u64>,
    wasm: &'static [u8],
}

fn kernels() -> Vec<Kernel> {
    parse(MANIFEST, WASM)
}

fn parse(manifest: &str, binaries: &[(&str, &'static [u8])]) -> Vec<Kernel> {
    manifest
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            assert!(f.len() == 5, "kernels.txt: bad line `{l}`");
            let wasm = binaries.iter().find(|(n, _)| *n == f[0]).unwrap_or_else(|| panic!("no wasm for {}", f[0])).1;
            Kernel {
                name: f[0].to_string(),
                n: f[1].parse().expect("native_n"),
                checksum: (f[2] != "-").then(|| f[2].parse().expect("native_checksum")),
                wasm,
            }
        })
        .collect()
}

/// The 1-minute load average (what `uptime` shows first).
fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".into())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let v = f();
    (v, start.elapsed())
}

// ---- the two engines behind one interface ----

struct Scope {
    store: wasmscope::Store,
    func: u32,
}

impl Scope {
    fn new(wasm: &[u8]) -> Scope {
        let module = wasmscope::Module::new(wasm).expect("wasmscope: module");
        let mut store = wasmscope::Store::new(wasmscope::Limits::default());
        let inst = store.instantiate(Rc::new(module)).expect("wasmscope: instantiate");
        let Some(wasmscope::Extern::Func(func)) = store.export(inst, "run") else { panic!("no run export") };
        Scope { store, func }
    }

    fn run(&mut self, n: u32) -> u64 {
        match self.store.call(self.func, &[wasmscope::Value::I32(n as i32)]).expect("wasmscope: run")[..] {
            [wasmscope::Value::I64(v)] => v as u64,
            ref other => panic!("wasmscope: unexpected results {other:?}"),
        }
    }
}

struct Wasmi {
    store: wasmi::Store<()>,
    func: wasmi::TypedFunc<u32, u64>,
}

impl Wasmi {
    fn new(wasm: &[u8]) -> Wasmi {
        let engine = wasmi::Engine::default();
        let module = wasmi::Module::new(&engine, wasm).expect("wasmi: module");
        let mut store = wasmi::Store::new(&engine, ());
        let linker = wasmi::Linker::<()>::new(&engine);
        let inst = linker.instantiate_and_start(&mut store, &module).expect("wasmi: instantiate");
        let func = inst.get_typed_func::<u32, u64>(&store, "run").expect("wasmi: run export");
        Wasmi { store, func }
    }

    fn run(&mut self, n: u32) -> u64 {
        self.func.call(&mut self.store, n).expect("wasmi: run")
    }
}

// ---- kernels ----

struct Row {
    name: String,
    n: u32,
    scope: Duration,
    wasmi: Duration,
    load: String,
}

fn bench_kernel(k: &Kernel, reps: usize) -> Row {
    let mut scope = Scope::new(k.wasm);
    let mut wasmi = Wasmi::new(k.wasm);
    let (mut best_scope, mut best_wasmi) = (Duration::MAX, Duration::MAX);
    let load_before = load();
    for _ in 0..reps {
        let (a, t) = timed(|| scope.run(k.n));
        best_scope = best_scope.min(t);
        let (b, t) = timed(|| wasmi.run(k.n));
        best_wasmi = best_wasmi.min(t);
        assert_eq!(a, b, "{}: checksums differ: wasmscope {a}, wasmi {b}", k.name);
        match k.checksum {
            Some(c) => assert_eq!(a, c, "{}: checksum {a}, kernels.txt says {c}", k.name),
            None => eprintln!("  {}: checksum {a} (not recorded in kernels.txt)", k.name),
        }
    }
    Row {
        name: k.name.clone(),
        n: k.n,
        scope: best_scope,
        wasmi: best_wasmi,
        load: format!("{load_before}→{}", load()),
    }
}

fn geomean(xs: &[f64]) -> f64 {
    (xs.iter().map(|x| x.ln()).sum::<f64>() / xs.len() as f64).exp()
}

// ---- the WebAssembly 3.0 kernels: wasmscope alone ----

/// What one call of a v3 kernel does, counted: (how many, of what).
fn units(name: &str, n: u32) -> (f64, &'static str) {
    match name {
        // Every node of every tree (gc_trees.wat): the stretch tree (depth n+1), the
        // long-lived one (depth n), 2^(n-d+4) trees of depth d for d = 4, 6, .., n.
        "gc_trees" => {
            let tree = |d: u32| (1u64 << (d + 1)) as f64 - 1.0;
            let short: f64 = (4..=n).step_by(2).map(|d| (1u64 << (n - d + 4)) as f64 * tree(d)).sum();
            (tree(n + 1) + tree(n) + short, "node")
        }
        _ => (n as f64, "throw"),
    }
}

struct Row3 {
    name: String,
    n: u32,
    best: Duration,
    collections: u64,
    freed: u64,
    load: String,
}

fn bench_v3(k: &Kernel, reps: usize) -> Row3 {
    let mut best = Duration::MAX;
    let (mut collections, mut freed) = (0, 0);
    let load_before = load();
    for _ in 0..reps {
        let mut scope = Scope::new(k.wasm);
        let (v, t) = timed(|| scope.run(k.n));
        best = best.min(t);
        (collections, freed) = scope.store.heap.collections();
        match k.checksum {
            Some(c) => assert_eq!(v, c, "{}: checksum {v}, kernels3.txt says {c}", k.name),
            None => eprintln!("  {}: checksum {v} (not recorded in kernels3.txt)", k.name),
        }
    }
    Row3 { name: k.name.clone(), n: k.n, best, collections, freed, load: format!("{load_before}→{}", load()) }
}

fn print_v3(rows: &[Row3]) {
    println!(
        "
WebAssembly 3.0 kernels (GC, exceptions), wasmscope alone (wasmi runs none of them):
"
    );
    println!(
        "| {:<10} | {:>8} | {:>12} | {:>14} | {:>11} | {:>13} | {:>12} |",
        "kernel", "n", "wasmscope ms", "ns per unit", "collections", "objects freed", "load (1 min)"
    );
    println!("|{:-<12}|{:->10}|{:->14}|{:->16}|{:->13}|{:->15}|{:->14}|", "", ":", ":", ":", ":", ":", ":");
    for r in rows {
        let (count, unit) = units(&r.name, r.n);
        println!(
            "| {:<10} | {:>8} | {:>12.1} | {:>14} | {:>11} | {:>13} | {:>12} |",
            r.name,
            r.n,
            ms(r.best),
            format!("{:.1} / {unit}", r.best.as_secs_f64() * 1e9 / count),
            r.collections,
            r.freed,
            r.load
        );
    }
}

// ---- the large module ----

const FUNCS: usize = 5000;

/// `FUNCS` exported functions `f0`… of 203 instructions each (counting `end`s), mixing
/// locals, i32/i64 arithmetic, blocks with `br_if`, `if`/`else`, a loop and memory access.
fn large_module() -> Vec<u8> {
    let mut w = String::from("(module (memory 1)\n");
    for i in 0..FUNCS {
        w.push_str(&format!(
            "(func (export \"f{i}\") (param $x i32) (result i32) (local $a i32) (local $b i32) (local $c i64)\n"
        ));
        let mut body = Vec::new();
        for j in 0..9 {
            let k = i * 31 + j * 7;
            let chunk = match j % 3 {
                // 23 instructions
                0 => format!(
                    "local.get $x i32.const {k} i32.add local.set $a \
                     local.get $a local.get $b i32.mul i32.const 7 i32.rotl local.set $b \
                     block local.get $a i32.const 3 i32.and br_if 0 \
                     local.get $b i32.const 1 i32.xor local.set $b end \
                     i32.const 64 local.get $b i32.store"
                ),
                // 21 instructions
                1 => format!(
                    "local.get $c local.get $a i64.extend_i32_u i64.add i64.const {k} i64.mul local.set $c \
                     local.get $b i32.const {k} i32.gt_u if local.get $a i32.const 1 i32.shl local.set $a \
                     else local.get $b i32.const 2 i32.shr_u local.set $b end"
                ),
                // 22 instructions
                _ => format!(
                    "i32.const 0 local.set $a loop local.get $a i32.const 1 i32.add local.tee $a \
                     i32.const 2 i32.lt_u br_if 0 end \
                     local.get $b i32.const 64 i32.load i32.add local.get $a i32.sub local.set $b \
                     local.get $c i64.const {k} i64.add local.set $c"
                ),
            };
            body.push(chunk);
        }
        // 3 × (23 + 21 + 22) = 198, plus these 4 and the function's `end`: 203.
        body.push("local.get $b local.get $c i32.wrap_i64 i32.add".into());
        w.push_str(&body.join("\n"));
        w.push_str(")\n");
    }
    w.push(')');
    wat::parse_str(&w).expect("large module assembles")
}

struct LargeRows {
    rows: Vec<(String, Duration)>,
}

impl LargeRows {
    fn add(&mut self, name: &str, d: Duration) {
        match self.rows.iter_mut().find(|(n, _)| n == name) {
            Some((_, best)) => *best = (*best).min(d),
            None => self.rows.push((name.to_string(), d)),
        }
    }
}

fn bench_large(reps: usize) -> LargeRows {
    let bytes = large_module();
    println!("\nLarge module: {FUNCS} functions of 203 instructions, {} KiB (load {})", bytes.len() / 1024, load());
    let mut rows = LargeRows { rows: Vec::new() };
    let names: Vec<String> = (0..FUNCS).map(|i| format!("f{i}")).collect();
    for _ in 0..reps {
        // wasmscope: decode + validate everything + instantiate; functions translate on
        // their first call.
        let ((mut store, funcs), t) = timed(|| {
            let module = wasmscope::Module::new(&bytes).expect("wasmscope: large module");
            let mut store = wasmscope::Store::new(wasmscope::Limits::default());
            let inst = store.instantiate(Rc::new(module)).expect("instantiate");
            let funcs: Vec<u32> = names
                .iter()
                .map(|n| match store.export(inst, n) {
                    Some(wasmscope::Extern::Func(f)) => f,
                    _ => unreachable!(),
                })
                .collect();
            (store, funcs)
        });
        rows.add("wasmscope: load (decode + validate + instantiate)", t);
        let call_all = |store: &mut wasmscope::Store| {
            let mut sum = 0i32;
            for &f in &funcs {
                match store.call(f, &[wasmscope::Value::I32(5)]).expect("call")[..] {
                    [wasmscope::Value::I32(v)] => sum = sum.wrapping_add(v),
                    _ => unreachable!(),
                }
            }
            sum
        };
        let (sum, first) = timed(|| call_all(&mut store));
        rows.add("wasmscope: first call of every function (translate + run)", first);
        let (again, second) = timed(|| call_all(&mut store));
        assert_eq!(sum, again);
        rows.add("wasmscope: second call of every function (run only)", second);
        rows.add("wasmscope: load + translate all (load + first calls)", t + first);

        for (label, mode) in [
            ("wasmi lazy-translation (default)", wasmi::CompilationMode::LazyTranslation),
            ("wasmi lazy", wasmi::CompilationMode::Lazy),
            ("wasmi eager", wasmi::CompilationMode::Eager),
        ] {
            let mut config = wasmi::Config::default();
            config.compilation_mode(mode);
            let engine = wasmi::Engine::new(&config);
            let ((mut store, funcs), t) = timed(|| {
                let module = wasmi::Module::new(&engine, &bytes).expect("wasmi: large module");
                let mut store = wasmi::Store::new(&engine, ());
                let linker = wasmi::Linker::<()>::new(&engine);
                let inst = linker.instantiate_and_start(&mut store, &module).expect("instantiate");
                let funcs: Vec<wasmi::TypedFunc<i32, i32>> =
                    names.iter().map(|n| inst.get_typed_func(&store, n).expect("export")).collect();
                (store, funcs)
            });
            let call_all = |store: &mut wasmi::Store<()>| {
                let mut sum = 0i32;
                for f in &funcs {
                    sum = sum.wrapping_add(f.call(&mut *store, 5).expect("call"));
                }
                sum
            };
            let (wsum, first) = timed(|| call_all(&mut store));
            let (_, second) = timed(|| call_all(&mut store));
            assert_eq!(wsum, sum, "large module: wasmi and wasmscope results differ");
            rows.add(&format!("{label}: load"), t);
            rows.add(&format!("{label}: first call of every function"), first);
            rows.add(&format!("{label}: second call of every function"), second);
            rows.add(&format!("{label}: load + first calls"), t + first);
        }
    }
    rows
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let quick = args.iter().any(|a| a == "--quick");
    let mut reps = if quick { 1 } else { 3 };
    let mut filters = Vec::new();
    let (mut kernels_on, mut large_on, mut no_simd, mut v3_on) = (true, true, false, true);
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--quick" | "--bench" => {}
            "--reps" => reps = it.next().and_then(|r| r.parse().ok()).expect("--reps N"),
            "--no-large" => large_on = false,
            "--large-only" => kernels_on = false,
            "--no-simd" => no_simd = true,
            "--no-v3" => v3_on = false,
            f if f.starts_with("--") => panic!("unknown option {f}"),
            f => filters.push(f.to_string()),
        }
    }
    let reps = reps.max(1);
    if !filters.is_empty() {
        large_on = large_on && filters.iter().any(|f| f == "large");
    }

    println!("wasmscope vs wasmi 2.0.0 (Config::default(): lazy translation, no fuel), native, best of {reps}");
    println!("load average at start: {}", std::fs::read_to_string("/proc/loadavg").unwrap_or_default().trim());

    if kernels_on {
        let mut rows = Vec::new();
        for k in kernels() {
            if (!filters.is_empty() && !filters.iter().any(|f| k.name.contains(f.as_str())))
                || (no_simd && k.name.ends_with("_simd"))
            {
                continue;
            }
            let row = bench_kernel(&k, reps);
            eprintln!(
                "  {:<13} n={:<10} wasmscope {:>9.1} ms  wasmi {:>9.1} ms  (load {})",
                row.name,
                k.n,
                ms(row.scope),
                ms(row.wasmi),
                row.load
            );
            rows.push(row);
        }
        if !rows.is_empty() {
            println!();
            println!(
                "| {:<13} | {:>10} | {:>13} | {:>10} | {:>16} | {:>12} |",
                "kernel", "n", "wasmscope ms", "wasmi ms", "wasmscope/wasmi", "load (1 min)"
            );
            println!("|{:-<15}|{:->12}|{:->15}|{:->12}|{:->18}|{:->14}|", "", ":", ":", ":", ":", ":");
            let mut ratios = Vec::new();
            for r in &rows {
                let ratio = r.scope.as_secs_f64() / r.wasmi.as_secs_f64();
                ratios.push(ratio);
                println!(
                    "| {:<13} | {:>10} | {:>13.1} | {:>10.1} | {:>16.2} | {:>12} |",
                    r.name,
                    r.n,
                    ms(r.scope),
                    ms(r.wasmi),
                    ratio,
                    r.load
                );
            }
            // The scalar kernels' geomean (the one recorded since the start) and the SIMD
            // kernels' apart.
            let (simd, scalar): (Vec<_>, Vec<_>) =
                rows.iter().zip(&ratios).partition(|(r, _)| r.name.ends_with("_simd"));
            for (label, group) in [("geomean", scalar), ("geomean SIMD", simd)] {
                if group.is_empty() {
                    continue;
                }
                let xs: Vec<f64> = group.iter().map(|(_, x)| **x).collect();
                println!(
                    "| {:<13} | {:>10} | {:>13} | {:>10} | {:>16.2} | {:>12} |",
                    label,
                    "",
                    "",
                    "",
                    geomean(&xs),
                    ""
                );
            }
        }
    }

    if kernels_on && v3_on {
        let mut rows = Vec::new();
        for k in parse(MANIFEST3, WASM3) {
            if !filters.is_empty() && !filters.iter().any(|f| k.name.contains(f.as_str())) {
                continue;
            }
            let row = bench_v3(&k, reps);
            eprintln!("  {:<13} n={:<10} wasmscope {:>9.1} ms  (load {})", row.name, k.n, ms(row.best), row.load);
            rows.push(row);
        }
        if !rows.is_empty() {
            print_v3(&rows);
        }
    }

    if large_on {
        let rows = bench_large(reps.max(if quick { 1 } else { 5 }));
        println!();
        let best = |name: &str| rows.rows.iter().find(|(n, _)| n == name).map(|(_, d)| ms(*d)).unwrap_or(f64::NAN);
        println!("| {:<72} | {:>9} |", "large module (best of each row)", "ms");
        println!("|{:-<74}|{:->11}|", "", ":");
        for (name, d) in &rows.rows {
            println!("| {name:<72} | {:>9.1} |", ms(*d));
        }
        for (label, first, second) in [
            (
                "wasmscope",
                "wasmscope: first call of every function (translate + run)",
                "wasmscope: second call of every function (run only)",
            ),
            (
                "wasmi lazy-translation (default)",
                "wasmi lazy-translation (default): first call of every function",
                "wasmi lazy-translation (default): second call of every function",
            ),
        ] {
            let name = format!("{label}: translate all ≈ first − second calls");
            println!("| {name:<72} | {:>9.1} |", best(first) - best(second));
        }
    }
    println!("\nload average at end: {}", std::fs::read_to_string("/proc/loadavg").unwrap_or_default().trim());
}
