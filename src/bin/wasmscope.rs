fn main() {
    std::process::exit(wasmscope::cli::main());
}
