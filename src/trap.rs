//! Traps: the ways execution can stop abnormally, worded as the spec testsuite words them.

use std::fmt;

/// Why execution trapped. [`TrapCode::message`] is the single place that maps a code to
/// the spec testsuite's wording.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum TrapCode {
    Unreachable,
    IntegerDivideByZero,
    IntegerOverflow,
    InvalidConversionToInteger,
    MemoryOutOfBounds,
    TableOutOfBounds,
    UndefinedElement,
    UninitializedElement,
    IndirectCallTypeMismatch,
    CallStackExhausted,
    /// `ref.as_non_null` of a null reference (typed function references).
    NullReference,
    /// `call_ref`/`return_call_ref` of a null reference.
    NullFunctionReference,
    /// `throw_ref` of a null exception reference (exception handling).
    NullExceptionReference,
    /// An exception no handler caught left the call (exception handling); `Trap::detail`
    /// names the tag and the payload.
    UncaughtException,
    /// A struct access through a null reference (GC).
    NullStructReference,
    /// An array access through a null reference (GC).
    NullArrayReference,
    /// `i31.get_s/u` of a null reference (GC).
    NullI31Reference,
    /// An array index or range beyond the array's length (GC).
    ArrayOutOfBounds,
    /// `ref.cast` of a reference that does not have the type (GC).
    CastFailure,
    /// An allocation beyond `Limits::max_heap_bytes` (GC).
    HeapExhausted,
    /// An atomic access at an address that is not a multiple of its width (threads).
    UnalignedAtomic,
    /// `memory.atomic.wait32/64` on a memory that is not shared.
    ExpectedSharedMemory,
    OutOfFuel,
    /// A host function failed; the message says why.
    HostError,
    /// The program asked to exit (WASI `proc_exit`). Not an error: `Trap::exit_code` has
    /// the status.
    Exit,
    /// Internal: a host function asked the machine to pause once it returned
    /// ([`crate::Caller::pause`]); `Machine::run` turns it into
    /// `Outcome::Paused(PauseReason::Host)`, so no caller of `run` sees it.
    Yield,
}

impl TrapCode {
    pub fn message(self) -> &'static str {
        match self {
            TrapCode::Unreachable => "unreachable",
            TrapCode::IntegerDivideByZero => "integer divide by zero",
            TrapCode::IntegerOverflow => "integer overflow",
            TrapCode::InvalidConversionToInteger => "invalid conversion to integer",
            TrapCode::MemoryOutOfBounds => "out of bounds memory access",
            TrapCode::TableOutOfBounds => "out of bounds table access",
            TrapCode::UndefinedElement => "undefined element",
            TrapCode::UninitializedElement => "uninitialized element",
            TrapCode::IndirectCallTypeMismatch => "indirect call type mismatch",
            TrapCode::CallStackExhausted => "call stack exhausted",
            TrapCode::NullReference => "null reference",
            TrapCode::NullFunctionReference => "null function reference",
            TrapCode::NullExceptionReference => "null exception reference",
            TrapCode::UncaughtException => "uncaught exception",
            TrapCode::NullStructReference => "null structure reference",
            TrapCode::NullArrayReference => "null array reference",
            TrapCode::NullI31Reference => "null i31 reference",
            TrapCode::ArrayOutOfBounds => "out of bounds array access",
            TrapCode::CastFailure => "cast failure",
            TrapCode::HeapExhausted => "out of memory: the GC heap limit is reached",
            TrapCode::UnalignedAtomic => "unaligned atomic",
            TrapCode::ExpectedSharedMemory => "expected shared memory",
            TrapCode::OutOfFuel => "out of fuel",
            TrapCode::HostError => "host error",
            TrapCode::Exit => "exit",
            TrapCode::Yield => "paused by the host",
        }
    }
}

impl fmt::Display for TrapCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

/// A trap with where it happened (when it happened inside a wasm function).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trap {
    pub code: TrapCode,
    /// Store address of the function that trapped, if any.
    pub func: Option<u32>,
    /// Byte offset (in the module) of the instruction that trapped, if known.
    pub offset: Option<u32>,
    /// Extra detail: a host error's message, an exit status, the bytes an out-of-bounds
    /// access tried to reach.
    pub detail: Option<String>,
}

impl Trap {
    pub fn new(code: TrapCode) -> Self {
        Trap { code, func: None, offset: None, detail: None }
    }

    pub fn host(message: impl Into<String>) -> Self {
        Trap { code: TrapCode::HostError, func: None, offset: None, detail: Some(message.into()) }
    }

    /// The program exits with `status` (WASI `proc_exit`).
    pub fn exit(status: i32) -> Self {
        Trap { code: TrapCode::Exit, func: None, offset: None, detail: Some(status.to_string()) }
    }

    /// The exit status, if this is a [`TrapCode::Exit`].
    pub fn exit_code(&self) -> Option<i32> {
        if self.code != TrapCode::Exit {
            return None;
        }
        self.detail.as_deref().and_then(|d| d.parse().ok())
    }
}

impl From<TrapCode> for Trap {
    fn from(code: TrapCode) -> Self {
        Trap::new(code)
    }
}

impl fmt::Display for Trap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.detail {
            Some(d) if self.code == TrapCode::HostError => f.write_str(d),
            Some(d) if self.code == TrapCode::Exit => write!(f, "exit with status {d}"),
            Some(d) if matches!(self.code, TrapCode::MemoryOutOfBounds | TrapCode::UncaughtException) => {
                write!(f, "{}: {d}", self.code.message())
            }
            _ => f.write_str(self.code.message()),
        }
    }
}

impl std::error::Error for Trap {}
