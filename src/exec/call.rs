//! Calling: a function of a store run to completion on a fresh [`Machine`], in slices and
//! with fuel; and instantiation, which is the runtime's linking and allocation
//! ([`Store::link`]) followed by the start function, run here.
//!
//! [`Config`] holds the engine settings (none of which changes a result); [`Call`] gives a
//! [`Store`] the same methods with the default settings, so that `store.instantiate(m)` and
//! `store.invoke(inst, "f", &args)` read as before.

use super::{Machine, Outcome, PauseReason};
use crate::decode::Module;
use crate::error::{Error, Result};
use crate::runtime::{Extern, InstanceId, Linked, Reenter, Store};
use crate::trap::{Trap, TrapCode};
use crate::value::{Raw, Value};
use std::rc::Rc;

/// How the engine runs guest code. Results never depend on it: the tests run the same code
/// under several configurations to prove it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    /// [`Config::call`] runs the machine in slices of this many instructions (default:
    /// unlimited; 0 counts as 1). The spec tests run with 1 to prove that single-stepping
    /// and running are the same loop.
    pub run_slice: u64,
    /// Native builds run the simplest instructions through threaded handlers
    /// (`exec::threaded`; default on). Off, every instruction goes through the `match`, as
    /// in wasm32 builds (which ignore it), and the spec tests run both ways.
    pub threaded: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config { run_slice: u64::MAX, threaded: true }
    }
}

impl Config {
    /// Calls the function at store address `func` to completion (or trap), honouring
    /// `store.limits.fuel`.
    pub fn call(&self, store: &mut Store, func: u32, args: &[Value]) -> Result<Vec<Value>> {
        let mut machine = Machine::with_config(store.limits, *self);
        self.call_on(&mut machine, store, func, args)
    }

    /// [`Config::call`] on `machine`.
    fn call_on(&self, machine: &mut Machine, store: &mut Store, func: u32, args: &[Value]) -> Result<Vec<Value>> {
        machine.start(store, func, args)?;
        let mut fuel = store.limits.fuel.unwrap_or(u64::MAX);
        loop {
            let slice = self.run_slice.max(1).min(fuel);
            let before = machine.executed;
            match machine.run(store, slice) {
                Outcome::Finished(v) => return Ok(v),
                Outcome::Trapped(t) => return Err(Error::Trap(t)),
                Outcome::Paused(why) => {
                    // A budget pause used the whole slice; a host's pause may have used less.
                    fuel -= match why {
                        PauseReason::Budget => slice,
                        PauseReason::Host => (machine.executed - before).min(fuel),
                    };
                    if fuel == 0 {
                        return Err(Error::Trap(Trap::new(TrapCode::OutOfFuel)));
                    }
                }
            }
        }
    }

    /// Calls the exported function `name` of `instance` to completion (or trap).
    pub fn invoke(&self, store: &mut Store, instance: InstanceId, name: &str, args: &[Value]) -> Result<Vec<Value>> {
        match store.export(instance, name) {
            Some(Extern::Func(f)) => self.call(store, f, args),
            Some(_) => Err(Error::BadCall(format!("export `{name}` is not a function"))),
            None => Err(Error::BadCall(format!("no export named `{name}`"))),
        }
    }

    /// Instantiates `module`, its imports resolved by name ([`Store::link`]), and runs its
    /// start function.
    pub fn instantiate(&self, store: &mut Store, module: Rc<Module>) -> Result<InstanceId> {
        let linked = store.link(module)?;
        self.run_start(store, linked)
    }

    /// Instantiates `module` with explicitly given imports, in import order
    /// ([`Store::link_with`]), and runs its start function.
    pub fn instantiate_with(&self, store: &mut Store, module: Rc<Module>, imports: &[Extern]) -> Result<InstanceId> {
        let linked = store.link_with(module, imports)?;
        self.run_start(store, linked)
    }

    /// The last step of instantiation: runs the start function of a linked instance, if
    /// it has one. A trap there fails the instantiation (the instance stays in the store).
    pub fn run_start(&self, store: &mut Store, linked: Linked) -> Result<InstanceId> {
        if let Some(start) = linked.start {
            self.call(store, start, &[])?;
        }
        Ok(linked.instance)
    }
}

/// Running code in a [`Store`] with the default [`Config`].
pub trait Call {
    /// [`Config::invoke`]: calls the exported function `name` of `instance`.
    fn invoke(&mut self, instance: InstanceId, name: &str, args: &[Value]) -> Result<Vec<Value>>;
    /// [`Config::call`]: calls the function at store address `func`.
    fn call(&mut self, func: u32, args: &[Value]) -> Result<Vec<Value>>;
    /// [`Config::instantiate`]: links, allocates and runs the start function.
    fn instantiate(&mut self, module: Rc<Module>) -> Result<InstanceId>;
    /// [`Config::instantiate_with`]: likewise with explicitly given imports.
    fn instantiate_with(&mut self, module: Rc<Module>, imports: &[Extern]) -> Result<InstanceId>;
}

impl Call for Store {
    fn invoke(&mut self, instance: InstanceId, name: &str, args: &[Value]) -> Result<Vec<Value>> {
        Config::default().invoke(self, instance, name, args)
    }

    fn call(&mut self, func: u32, args: &[Value]) -> Result<Vec<Value>> {
        Config::default().call(self, func, args)
    }

    fn instantiate(&mut self, module: Rc<Module>) -> Result<InstanceId> {
        Config::default().instantiate(self, module)
    }

    fn instantiate_with(&mut self, module: Rc<Module>, imports: &[Extern]) -> Result<InstanceId> {
        Config::default().instantiate_with(self, module, imports)
    }
}

/// Host functions that call back into wasm nest at most this deep (each nesting is Rust
/// recursion, the one place where a wasm call is); deeper is `call stack exhausted`.
pub(crate) const MAX_HOST_NESTING: usize = 100;

/// ... and use at most this much Rust stack for it (a nesting takes about 1.7 KB in a
/// release build, 110 KB in a debug build; the page's wasm32 stack is 1 MiB).
const MAX_NESTING_STACK: usize = 512 << 10;

/// A host function's way back into wasm ([`crate::Caller::call`]): the callee runs to
/// completion on a machine of its own, with the engine settings of the machine below, what
/// is left of its call depth, and the store's fuel; the cells of the machine below stay
/// roots of the collector while it runs.
pub(crate) struct Nested<'m> {
    pub cells: &'m [Raw],
    pub config: Config,
    /// Frames of the machine below (the callee's depth limit is what they leave).
    pub depth: u32,
}

impl Reenter for Nested<'_> {
    fn call(
        &mut self,
        store: &mut Store,
        func: u32,
        args: &[Value],
    ) -> (std::result::Result<Vec<Value>, Trap>, Option<u32>) {
        // Where this nesting's Rust stack is (a local's address; the first one is the base).
        let probe = 0u8;
        let here = std::hint::black_box(&probe) as *const u8 as usize;
        if store.parked.is_empty() {
            store.nest_base = here;
        }
        if store.parked.len() >= MAX_HOST_NESTING || store.nest_base.abs_diff(here) > MAX_NESTING_STACK {
            return (Err(Trap::new(TrapCode::CallStackExhausted)), None);
        }
        let mut limits = store.limits;
        limits.max_call_depth = limits.max_call_depth.saturating_sub(self.depth);
        let mut machine = Machine::with_config(limits, self.config);
        store.parked.push(self.cells.to_vec());
        let r = self.config.call_on(&mut machine, store, func, args);
        store.parked.pop();
        let r = r.map_err(|e| match e {
            Error::Trap(t) => t,
            e => Trap::host(e.to_string()),
        });
        (r, machine.uncaught)
    }
}
