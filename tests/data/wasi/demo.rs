//! A WASI command exercising what wasmscope's WASI supports. Built to `demo.wasm` by
//! `build.sh` (rustc, wasm32-wasip1). What it does depends on its first argument:
//!
//! hello          prints "Hello, world!"
//! args A B...    prints each argument on its own line
//! env            prints the environment, sorted
//! lines          counts the lines of stdin
//! clock          checks the clocks move forward and the date is after 2020
//! random         checks random bytes are not all equal
//! exit N         exits with status N
//! panic          panics (the trap `unreachable` after the message on stderr)
//! cat PATH       prints the file (or the error, exit 1)
//! write PATH T   writes T to the file, creating it (or prints the error, exit 1)
//! ls PATH        prints the directory's entries, sorted (or the error, exit 1)
//! sleep MS       sleeps MS milliseconds, then prints whether at least that much time passed
use std::io::{BufRead, Write};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("hello") | None => println!("Hello, world!"),
        Some("args") => {
            for a in &args[2..] {
                println!("{a}");
            }
        }
        Some("env") => {
            let mut vars: Vec<(String, String)> = std::env::vars().collect();
            vars.sort();
            for (k, v) in vars {
                println!("{k}={v}");
            }
        }
        Some("lines") => {
            let n = std::io::stdin().lock().lines().count();
            println!("{n} lines");
        }
        Some("clock") => {
            let t0 = std::time::Instant::now();
            let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap();
            let mut x = 0u64;
            for i in 0..100_000u64 {
                x = x.wrapping_add(i * i);
            }
            let t1 = std::time::Instant::now();
            assert!(now.as_secs() > 1_577_836_800, "the date is before 2020");
            println!("clock ok {}", (t1 > t0) as u8 + (x == 0) as u8);
        }
        Some("random") => {
            let mut m = std::collections::HashMap::<u8, u32>::new();
            // HashMap's RandomState reads random_get; so does this explicit check.
            m.insert(1, 1);
            let a = std::collections::hash_map::RandomState::new();
            let b = std::collections::hash_map::RandomState::new();
            use std::hash::BuildHasher;
            println!("random ok {}", (a.hash_one(7u8) != b.hash_one(7u8)) as u8 + m.len() as u8 - 1);
        }
        Some("exit") => {
            let code = args.get(2).and_then(|c| c.parse().ok()).unwrap_or(1);
            std::io::stdout().flush().unwrap();
            std::process::exit(code);
        }
        Some("panic") => {
            println!("about to panic");
            panic!("the guest panicked on purpose");
        }
        Some("cat") => match std::fs::read(&args[2]) {
            Ok(bytes) => std::io::stdout().write_all(&bytes).unwrap(),
            Err(e) => fail(&e),
        },
        Some("write") => {
            if let Err(e) = std::fs::write(&args[2], &args[3]) {
                fail(&e)
            }
        }
        Some("ls") => match std::fs::read_dir(&args[2]) {
            Ok(entries) => {
                let mut names: Vec<String> =
                    entries.map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
                names.sort();
                for n in names {
                    println!("{n}");
                }
            }
            Err(e) => fail(&e),
        },
        Some("sleep") => {
            let ms: u64 = args[2].parse().unwrap();
            let t0 = std::time::Instant::now();
            std::thread::sleep(std::time::Duration::from_millis(ms));
            println!("slept {}", (t0.elapsed().as_millis() >= ms as u128) as u8);
        }
        Some(other) => {
            eprintln!("unknown command {other}");
            std::process::exit(2);
        }
    }
}

fn fail(e: &std::io::Error) {
    println!("error: {}", e.kind());
    std::process::exit(1);
}
