//! wasmscope: a WebAssembly interpreter built for stepping.
//!
//! Bytes → [`Module`] (decode + validate) → [`Call::instantiate`] (a [`Store`] links and
//! allocates, the exec layer runs the start function) → [`Machine`] runs functions with a
//! budget of instructions ([`Call::invoke`] runs one to the end). See ARCHITECTURE.md.

#[cfg(not(target_arch = "wasm32"))]
pub mod cli;
pub mod debug;
pub mod decode;
pub mod error;
pub mod exec;
pub mod ir;
#[cfg(not(target_arch = "wasm32"))]
pub mod ir_dump;
pub mod runtime;
pub mod text;
pub mod translate;
pub mod trap;
pub mod value;
pub mod wasi;
#[cfg(not(target_arch = "wasm32"))]
pub mod wast;
#[cfg(target_arch = "wasm32")]
pub mod web;

pub use decode::{Decoder, ExternKind, ExternType, GlobalType, MemoryType, Module, TableType};
pub use error::{Error, Result};
pub use exec::{Call, Machine, Outcome, PauseReason};
pub use runtime::{Caller, Extern, InstanceId, Limits, Linked, Store};
pub use trap::{Trap, TrapCode};
pub use value::{FuncType, HeapType, RefType, ValType, Value};
