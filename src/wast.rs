//! The spec-test (`.wast`) runner. (Being written: this stub fixes the API.)

use crate::runtime::Limits;

/// One failed directive.
#[derive(Debug, Clone)]
pub struct Failure {
    /// 1-based line of the directive in the script.
    pub line: usize,
    pub message: String,
}

/// The outcome of one script.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub passed: usize,
    pub failed: usize,
    pub failures: Vec<Failure>,
}

/// Runs a whole `.wast` script. `name` is used in messages only.
pub fn run_script(name: &str, text: &str, limits: Limits) -> Report {
    let _ = (name, text, limits);
    Report::default()
}
