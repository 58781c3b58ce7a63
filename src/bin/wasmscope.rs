#[cfg(not(target_arch = "wasm32"))]
fn main() {
    std::process::exit(wasmscope::cli::main());
}

/// The CLI is native only; the wasm32 build of the crate is the browser library.
#[cfg(target_arch = "wasm32")]
fn main() {}
