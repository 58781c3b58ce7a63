//! wasmi behind three C-ABI exports, for node:
//!
//! - `alloc(len) -> ptr`: room for the kernel's bytes (JS copies them there);
//! - `load(ptr, len) -> i32`: compiles and instantiates them (`Config::default()`: lazy
//!   translation, no fuel); 0 on success;
//! - `run(n) -> i64`: calls the kernel's export `run(n: i32) -> i64`; traps on error.

use std::cell::RefCell;

struct Loaded {
    store: wasmi::Store<()>,
    run: wasmi::TypedFunc<u32, u64>,
}

thread_local! {
    static LOADED: RefCell<Option<Loaded>> = const { RefCell::new(None) };
}

#[unsafe(no_mangle)]
pub extern "C" fn alloc(len: usize) -> *mut u8 {
    let mut v = Vec::<u8>::with_capacity(len);
    let p = v.as_mut_ptr();
    std::mem::forget(v);
    p
}

fn try_load(bytes: &[u8]) -> Result<Loaded, wasmi::Error> {
    let engine = wasmi::Engine::default();
    let module = wasmi::Module::new(&engine, bytes)?;
    let mut store = wasmi::Store::new(&engine, ());
    let linker = wasmi::Linker::<()>::new(&engine);
    let instance = linker.instantiate_and_start(&mut store, &module)?;
    let run = instance.get_typed_func::<u32, u64>(&store, "run")?;
    Ok(Loaded { store, run })
}

/// # Safety
/// `ptr` must come from `alloc(len)` and hold `len` initialised bytes; it is freed here.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn load(ptr: *mut u8, len: usize) -> i32 {
    let bytes = unsafe { Vec::from_raw_parts(ptr, len, len) };
    match try_load(&bytes) {
        Ok(l) => {
            LOADED.with(|s| *s.borrow_mut() = Some(l));
            0
        }
        Err(_) => 1,
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn run(n: u32) -> u64 {
    LOADED.with(|s| {
        let mut s = s.borrow_mut();
        let l = s.as_mut().expect("load first");
        l.run.call(&mut l.store, n).expect("kernel trapped")
    })
}

/// Compiles (does not instantiate) the module in `ptr..ptr + len` with `lazy` = 1:
/// `CompilationMode::Lazy` (parse only; validation and translation on first call), else
/// `LazyTranslation` (wasmi's default: validates now). 0 on success. Frees the bytes. For
/// bench/node/load.mjs.
///
/// # Safety
/// As for `load`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn compile(ptr: *mut u8, len: usize, lazy: i32) -> i32 {
    let bytes = unsafe { Vec::from_raw_parts(ptr, len, len) };
    let mut config = wasmi::Config::default();
    config.compilation_mode(if lazy == 1 { wasmi::CompilationMode::Lazy } else { wasmi::CompilationMode::LazyTranslation });
    let engine = wasmi::Engine::new(&config);
    match wasmi::Module::new(&engine, &bytes) {
        Ok(_) => 0,
        Err(_) => 1,
    }
}
