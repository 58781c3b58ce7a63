//! Arbitrary bytes (binary or text) → `Module::new` / `Module::from_binary` (and the
//! streaming `Decoder`, fed chunks: the same verdict and error) → if valid,
//! instantiate with the `spectest` host module and stubs for any other import, build the
//! debugger's per-function info, and call every exported function once with default
//! arguments under small limits. Nothing may panic.
//!
//! The same input is also read as wasm-smith's choices: the module it generates (every
//! feature wasmscope runs: SIMD, relaxed SIMD, threads, multi-memory, memory64, ...; see
//! `wasmscope_fuzz::config`) goes through the same checks, and must be valid.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::cell::RefCell;
use std::rc::Rc;
use wasmscope::debug::{Config, Session};
use wasmscope::{Call, Error, ExternKind, Module, Store};

fuzz_target!(|data: &[u8]| {
    check(data, false);
    if let Ok(g) = wasmscope_fuzz::generate(&mut arbitrary::Unstructured::new(data), wasmscope_fuzz::Target::Ours) {
        check(&g.bytes, true);
    }
});

/// `generated`: a wasm-smith module, which must be valid.
fn check(data: &[u8], generated: bool) {
    let text = Module::new(data);
    let binary = Module::from_binary(data.to_vec());
    if data.starts_with(b"\0asm") {
        // The same bytes through both entry points: the same verdict.
        assert_eq!(text.is_ok(), binary.is_ok(), "Module::new and Module::from_binary disagree");
    }
    // Streamed, in chunks of a size the input picks, decoded a few bytes at a time as they
    // arrive (as the page does): the same verdict and the same error.
    if data.starts_with(b"\0") {
        let step = 1 + data.len() % 97;
        let mut d = wasmscope::Decoder::default();
        let mut early = None;
        for chunk in data.chunks(step) {
            d.push(chunk);
            if let Err(e) = d.decode(false, step) {
                early = Some(e);
                break;
            }
        }
        let streamed = match early {
            Some(e) => Err(e),
            None => d.finish(),
        };
        assert_eq!(
            streamed.as_ref().map(|_| ()).map_err(|e| e.to_string()),
            binary.as_ref().map(|_| ()).map_err(|e| e.to_string()),
            "streamed and whole decoding disagree"
        );
    }
    for r in [&text, &binary] {
        if let Err(Error::Decode { offset: Some(o), .. }) = r {
            // An offset points into (or just past) the input.
            let len = if data.starts_with(b"\0asm") { data.len() } else { usize::MAX };
            assert!(*o <= len, "decode error offset {o} past the end ({len} bytes)");
        }
    }
    if generated && let Err(e) = &binary {
        panic!("wasmscope rejects a valid generated module: {e}");
    }
    let Ok(module) = binary.or(text) else { return };
    let module = Rc::new(module);
    // Rendering must not panic either.
    for e in &module.exports {
        let _ = module.export_type(e).map(|t| t.to_string());
    }
    for i in &module.imports {
        let _ = i.ty.to_string();
    }

    let mut store = Store::new(wasmscope_fuzz::limits());
    wasmscope::wast::register_spectest(&mut store);
    let sink: wasmscope::wasi::OutputSink = Box::new(|_, _| {});
    if wasmscope::wasi::stub_missing_imports(&mut store, &module, Rc::new(RefCell::new(sink))).is_err() {
        return;
    }
    let Ok(instance) = store.instantiate(module.clone()) else { return };
    let mut session = Session::new(store, instance, Config { history_steps: 64, history_bytes: 1 << 16 });
    for f in 0..module.funcs.len() as u32 {
        if let Ok(info) = session.func_info(f) {
            for line in &info.lines {
                assert_eq!(info.line_at(line.offset).map(|l| info.lines[l].offset), Some(line.offset));
            }
        }
    }
    let exports: Vec<(String, Vec<wasmscope::Value>)> = module
        .exports
        .iter()
        .filter(|e| e.kind == ExternKind::Func)
        .filter_map(|e| {
            Some((e.name.clone(), module.func_type(e.index)?.params.iter().map(|t| t.default_value()).collect()))
        })
        .take(8)
        .collect();
    for (name, args) in exports {
        let _ = session.store_mut().invoke(instance, &name, &args);
    }
}
