//! The crate-level error: everything that can go wrong between bytes and results.

use crate::trap::Trap;
use std::fmt;

#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// The text format could not be parsed.
    Text(String),
    /// The binary is malformed or invalid. `offset` is the byte offset into the binary.
    Decode { message: String, offset: Option<usize> },
    /// An import could not be resolved, or resolved to something of the wrong type.
    Link(String),
    /// Execution trapped (including during instantiation: segment initialisation or the
    /// start function).
    Trap(Trap),
    /// The module uses a feature this interpreter does not support.
    Unsupported(String),
    /// A call was made with the wrong name, number or types of arguments.
    BadCall(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Text(m) => write!(f, "{m}"),
            Error::Decode { message, offset: Some(o) } => write!(f, "{message} (at offset {o:#x})"),
            Error::Decode { message, offset: None } => write!(f, "{message}"),
            Error::Link(m) => write!(f, "{m}"),
            Error::Trap(t) => write!(f, "{t}"),
            Error::Unsupported(m) => write!(f, "unsupported: {m}"),
            Error::BadCall(m) => write!(f, "{m}"),
        }
    }
}

impl std::error::Error for Error {}

impl From<crate::trap::TrapCode> for Error {
    fn from(c: crate::trap::TrapCode) -> Self {
        Error::Trap(Trap::new(c))
    }
}

impl From<Trap> for Error {
    fn from(t: Trap) -> Self {
        Error::Trap(t)
    }
}

impl From<wasmparser::BinaryReaderError> for Error {
    fn from(e: wasmparser::BinaryReaderError) -> Self {
        // Some messages embed pretty-printed values over several lines (a bad magic number):
        // an error is one line.
        let message = e.message().split_whitespace().collect::<Vec<_>>().join(" ");
        let message = message.replace("[ ", "[").replace(", ]", "]");
        Error::Decode { message, offset: Some(e.offset() as usize) }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
