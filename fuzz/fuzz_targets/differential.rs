//! The same wasm-smith modules on wasmscope and on wasmi 2.0: results (NaNs canonicalised),
//! traps by kind, and afterwards every exported global, memory and table must agree.
//! A call that runs out of fuel or exhausts the call stack on either side ends the
//! comparison (fuel accounting and stack depths differ, so the states diverge there).
#![no_main]

use libfuzzer_sys::fuzz_target;
use wasmscope_fuzz::peer::{Peer, ended_of};
use wasmscope_fuzz::{
    Ended, Ours, Target, args, callees, dump_line, ended_of_ours, exported_funcs, generate, limits, state_diff,
};

fn run(u: &mut arbitrary::Unstructured<'_>) -> arbitrary::Result<()> {
    // NaNs canonicalised in the generated code (scalars and f32x4/f64x2 lanes), no
    // `disallow_traps` guards, no threads, no relaxed SIMD (see `generate` and `config`).
    let g = generate(u, Target::Differential)?;
    let ours = Ours::new(&g.bytes, g.imports, limits());
    let peer = Peer::new(&g.bytes, g.imports);
    let (mut ours, mut peer) = match (ours, peer) {
        (Ok(o), Ok(p)) => (o, p),
        (Err(e), Ok(_)) => {
            let ended = ended_of_ours(&Err(e.clone()));
            if matches!(ended, Ended::Skip(_)) || is_resource_limit(&e) {
                return Ok(());
            }
            panic!("instantiation: wasmscope fails ({e}), wasmi succeeds");
        }
        (Ok(_), Err(e)) => {
            if matches!(ended_of(&e), Ended::Skip(_)) {
                return Ok(());
            }
            panic!("instantiation: wasmscope succeeds, wasmi fails ({e})");
        }
        (Err(a), Err(b)) => {
            // Both refuse; when both trap, they must trap alike.
            let (x, y) = (ended_of_ours(&Err(a.clone())), ended_of(&b));
            if let (Ended::Trapped(k1), Ended::Trapped(k2)) = (&x, &y)
                && !matches!(k1, wasmscope_fuzz::Kind::Other(_))
                && !matches!(k2, wasmscope_fuzz::Kind::Other(_))
            {
                assert_eq!(k1, k2, "instantiation traps differ: wasmscope {a}, wasmi {b}");
            }
            return Ok(());
        }
    };
    assert_eq!(peer.funcs().len(), exported_funcs(&ours.module).len(), "exported function counts differ");
    if let Some(d) = state_diff(&ours.state(), &peer.state()) {
        panic!("after instantiation: {d}");
    }
    let funcs = exported_funcs(&ours.module);
    let callees = callees(&ours.module);
    for _ in 0..u.int_in_range(1..=2)? {
        for (name, params) in &funcs {
            // Without GC every parameter type has a value the host can make.
            let Some(a) = args(u, &ours.module, params, &callees)? else { continue };
            let x = ended_of_ours(&ours.call(name, &a));
            let y = peer.call(name, &a);
            dump_line(format!("{name} {a:?}\n  wasmscope: {x:?}\n  wasmi:     {y:?}"));
            if matches!(x, Ended::Skip(_)) || matches!(y, Ended::Skip(_)) {
                return Ok(());
            }
            assert_eq!(x, y, "call {name}{a:?}: wasmscope (left) and wasmi (right) disagree");
            if let Some(d) = state_diff(&ours.state(), &peer.state()) {
                panic!("after call {name}{a:?} ({x:?}): {d}");
            }
        }
    }
    Ok(())
}

/// Instantiation failures that are wasmscope's own caps, which wasmi enforces differently
/// (wasmi applies its store limits only when growing).
fn is_resource_limit(e: &wasmscope::Error) -> bool {
    matches!(e, wasmscope::Error::Link(m) if m.contains("exceeds the limit"))
}

fuzz_target!(|data: &[u8]| {
    let _ = run(&mut arbitrary::Unstructured::new(data));
});
