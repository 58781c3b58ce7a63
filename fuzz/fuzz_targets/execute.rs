//! wasm-smith modules (everything wasmscope runs, see `wasmscope_fuzz::config`) →
//! instantiate and call every exported function with arbitrary arguments under fuel and
//! small memory and table caps. Nothing may panic; results must have the function's
//! result types; fuel must be honoured.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wasmscope::Value;
use wasmscope_fuzz::{Ours, Target, args, callees, exported_funcs, generate, limits};

fn run(u: &mut arbitrary::Unstructured<'_>) -> arbitrary::Result<()> {
    let g = generate(u, Target::Ours)?;
    let Ok(mut ours) = Ours::new(&g.bytes, g.imports, limits()) else { return Ok(()) };
    let funcs = exported_funcs(&ours.module);
    let callees = callees(&ours.module);
    for _ in 0..u.int_in_range(1..=3)? {
        for (name, params) in &funcs {
            // A parameter the host cannot make (a non-null struct reference, say): not called.
            let Some(a) = args(u, &ours.module, params, &callees)? else { continue };
            let r = ours.call(name, &a);
            if let Ok(values) = &r {
                let ty = ours.module.func_type(ours.module.export(name).unwrap().index).unwrap();
                // The value's kind and null-ness fit the declared type (`(ref $t)` included).
                let fits = values.len() == ty.results.len() && values.iter().zip(&ty.results).all(|(v, t)| v.fits(*t));
                let got: Vec<_> = values.iter().map(Value::ty).collect();
                assert!(fits, "results of {name} have the wrong types: {got:?} for {:?}", ty.results);
            }
        }
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let _ = run(&mut arbitrary::Unstructured::new(data));
});
