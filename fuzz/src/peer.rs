//! The differential oracle: the same module on wasmi 2.0 (fuel on, the same memory and
//! table caps, the same `spectest` host module).

use crate::{Arg, Ended, Kind, State, V};
use wasmi::{
    Config, Engine, Extern, ExternRef, F32, F64, Func, FuncType, Global, Instance, Linker, Memory, MemoryType, Module,
    Mutability, Nullable, Ref, RefType, Store, StoreLimits, StoreLimitsBuilder, Table, TableType, TrapCode, V128, Val,
    ValType,
};

/// wasmi gets more fuel than wasmscope: its costs differ (bulk operations are charged per
/// byte), and a call that runs out on either side is not compared anyway.
pub const PEER_FUEL: u64 = crate::FUEL * 20;

pub struct Peer {
    pub store: Store<StoreLimits>,
    pub instance: Instance,
    pub module: Module,
}

fn engine() -> Engine {
    let mut c = Config::default();
    c.consume_fuel(true);
    c.wasm_tail_call(true);
    c.wasm_extended_const(true);
    c.wasm_multi_memory(true);
    c.wasm_memory64(true);
    c.wasm_custom_page_sizes(true);
    c.wasm_wide_arithmetic(true);
    c.wasm_simd(true);
    // Not generated for the differential target (see `config`): the fused relaxed_madd.
    // Threads: wasmi 2.0 has no such proposal.
    c.wasm_relaxed_simd(false);
    Engine::new(&c)
}

/// wasmi 2.0.0 has internal assertions that some generated modules trip (its translator's
/// "a register operand already exists on the stack", debug assertions being on in fuzz
/// builds). That is wasmi's bug: the input is not compared.
pub const PEER_PANICKED: &str = "peer: wasmi panicked";

/// Runs `f`, turning a panic into `None` (libfuzzer-sys's abort-on-panic hook is set aside
/// meanwhile, and the panic is not printed).
fn guarded<T>(f: impl FnOnce() -> T) -> Option<T> {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    std::panic::set_hook(hook);
    r.ok()
}

/// Why the peer could not instantiate: as a trap, a skip, or another error.
pub fn ended_of(e: &wasmi::Error) -> Ended {
    if e.to_string().contains(PEER_PANICKED) {
        return Ended::Skip(PEER_PANICKED.into());
    }
    match e.as_trap_code() {
        Some(code) => Ended::Trapped(match code {
            TrapCode::UnreachableCodeReached => Kind::Unreachable,
            TrapCode::MemoryOutOfBounds => Kind::MemoryOob,
            TrapCode::TableOutOfBounds => Kind::TableOob,
            TrapCode::IndirectCallToNull => Kind::NullElement,
            TrapCode::IntegerDivisionByZero => Kind::DivByZero,
            TrapCode::IntegerOverflow => Kind::Overflow,
            TrapCode::BadConversionToInteger => Kind::BadConversion,
            TrapCode::BadSignature => Kind::SigMismatch,
            TrapCode::StackOverflow => return Ended::Skip("peer: stack overflow".into()),
            TrapCode::OutOfFuel => return Ended::Skip("peer: out of fuel".into()),
            TrapCode::OutOfSystemMemory => return Ended::Skip("peer: out of system memory".into()),
            other => Kind::Other(format!("{other:?}")),
        }),
        None => Ended::Trapped(Kind::Other(format!("peer error: {e}"))),
    }
}

impl Peer {
    /// Compiles and instantiates (running the start function with fuel). A panic inside
    /// wasmi becomes the error [`PEER_PANICKED`].
    pub fn new(bytes: &[u8], imports: bool) -> Result<Peer, wasmi::Error> {
        guarded(|| Peer::new_unguarded(bytes, imports)).unwrap_or_else(|| Err(wasmi::Error::new(PEER_PANICKED)))
    }

    fn new_unguarded(bytes: &[u8], imports: bool) -> Result<Peer, wasmi::Error> {
        let engine = engine();
        let module = Module::new(&engine, bytes)?;
        let limits = StoreLimitsBuilder::new()
            .memory_size(crate::MAX_PAGES as usize * 65536)
            .table_elements(crate::MAX_TABLE as usize)
            .build();
        let mut store = Store::new(&engine, limits);
        store.limiter(|l| l);
        store.set_fuel(PEER_FUEL)?;
        let mut linker = <Linker<StoreLimits>>::new(&engine);
        if imports {
            define_spectest(&mut store, &mut linker)?;
        }
        let instance = linker.instantiate_and_start(&mut store, &module)?;
        Ok(Peer { store, instance, module })
    }

    fn value(&mut self, a: &Arg) -> Val {
        match a {
            Arg::I32(x) => Val::I32(*x),
            Arg::I64(x) => Val::I64(*x),
            Arg::F32(x) => Val::F32(F32::from_bits(*x)),
            Arg::F64(x) => Val::F64(F64::from_bits(*x)),
            Arg::FuncRef(None) => Val::FuncRef(Nullable::Null),
            Arg::FuncRef(Some(name)) => match self.instance.get_func(&self.store, name) {
                Some(f) => Val::FuncRef(Nullable::Val(f)),
                None => Val::FuncRef(Nullable::Null),
            },
            Arg::ExternRef(None) => Val::ExternRef(Nullable::Null),
            Arg::ExternRef(Some(n)) => Val::ExternRef(Nullable::Val(ExternRef::new(&mut self.store, *n))),
            Arg::V128(x) => Val::V128(V128::from(*x)),
            // The differential target generates no GC and no exception handling types.
            Arg::AnyRef(_) | Arg::ExnNull => unreachable!("a GC or exception argument for wasmi: {a:?}"),
        }
    }

    fn v(&self, v: &Val) -> V {
        match v {
            Val::I32(x) => V::I32(*x),
            Val::I64(x) => V::I64(*x),
            Val::F32(x) => V::f32(x.to_bits()),
            Val::F64(x) => V::f64(x.to_bits()),
            Val::FuncRef(r) => V::FuncRef(!r.is_null()),
            Val::ExternRef(Nullable::Null) => V::ExternRef(None),
            Val::ExternRef(Nullable::Val(r)) => V::ExternRef(r.data(&self.store).downcast_ref::<u32>().copied()),
            Val::V128(x) => {
                let x = x.as_u128();
                V::V128([x as u64, (x >> 64) as u64])
            }
        }
    }

    /// Calls the export `name` with fresh fuel.
    pub fn call(&mut self, name: &str, args: &[Arg]) -> Ended {
        let Some(f) = self.instance.get_func(&self.store, name) else {
            return Ended::Trapped(Kind::Other(format!("peer: no function {name}")));
        };
        let args: Vec<Val> = args.iter().map(|a| self.value(a)).collect();
        let ty = f.ty(&self.store);
        let mut results: Vec<Val> = ty.results().iter().map(|&t| Val::default_for_ty(t)).collect();
        if self.store.set_fuel(PEER_FUEL).is_err() {
            return Ended::Skip("peer: cannot set fuel".into());
        }
        match guarded(|| f.call(&mut self.store, &args, &mut results)) {
            Some(Ok(())) => Ended::Returned(results.iter().map(|v| self.v(v)).collect()),
            Some(Err(e)) => ended_of(&e),
            None => Ended::Skip(PEER_PANICKED.into()),
        }
    }

    pub fn state(&self) -> State {
        let mut s = State::default();
        let exports: Vec<(String, Extern)> =
            self.instance.exports(&self.store).map(|e| (e.name().to_string(), e.into_extern())).collect();
        for (name, x) in exports {
            match x {
                Extern::Global(g) => s.globals.push((name, self.v(&g.get(&self.store)))),
                Extern::Memory(m) => s.memories.push((name, m.data(&self.store).to_vec())),
                Extern::Table(t) => {
                    let n = t.size(&self.store);
                    let v = (0..n)
                        .map(|i| match t.get(&self.store, i) {
                            Some(Ref::Func(r)) => !r.is_null(),
                            Some(Ref::Extern(r)) => !r.is_null(),
                            None => false,
                        })
                        .collect();
                    s.tables.push((name, v));
                }
                Extern::Func(_) => {}
            }
        }
        s.sorted()
    }

    /// Exported functions (wasmi's view), to check both engines agree on the module.
    pub fn funcs(&self) -> Vec<Func> {
        self.instance.exports(&self.store).filter_map(|e| e.into_func()).collect()
    }
}

/// `spectest` as wasmscope's `register_spectest` defines it.
fn define_spectest(store: &mut Store<StoreLimits>, linker: &mut Linker<StoreLimits>) -> Result<(), wasmi::Error> {
    use ValType::*;
    let prints: [(&str, Vec<ValType>); 7] = [
        ("print", vec![]),
        ("print_i32", vec![I32]),
        ("print_i64", vec![I64]),
        ("print_f32", vec![F32]),
        ("print_f64", vec![F64]),
        ("print_i32_f32", vec![I32, F32]),
        ("print_f64_f64", vec![F64, F64]),
    ];
    for (name, params) in prints {
        linker.func_new("spectest", name, FuncType::new(params, []), |_, _, _| Ok(()))?;
    }
    let globals = [
        ("global_i32", Val::I32(666)),
        ("global_i64", Val::I64(666)),
        ("global_f32", Val::F32(wasmi::F32::from(666.6f32))),
        ("global_f64", Val::F64(wasmi::F64::from(666.6f64))),
    ];
    for (name, v) in globals {
        let g = Global::new(&mut *store, v, Mutability::Const);
        linker.define("spectest", name, g)?;
    }
    let t = Table::new(&mut *store, TableType::new(RefType::Func, 10, Some(20)), Ref::Func(Nullable::Null))?;
    linker.define("spectest", "table", t)?;
    let m = Memory::new(&mut *store, MemoryType::new(1, Some(2)))?;
    linker.define("spectest", "memory", m)?;
    Ok(())
}
