//! The streaming decoder ([`Decoder`]): a module fed in chunks and decoded a slice at a time
//! is the module decoded at once; its errors are the same; and the module keeps one copy of
//! its binary (data segments are windows on it).
#![cfg(not(target_arch = "wasm32"))]

use std::rc::Rc;
use wasmscope::{Call, Decoder, Error, FuncType, Module, Store, ValType, Value};

const WAT: &str = r#"(module
    (import "env" "f" (func $f (param i32) (result i32)))
    (memory (export "mem") 1)
    (global $g (mut i32) (i32.const 7))
    (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
    (func (export "load") (param i32) (result i32) (i32.load8_u (local.get 0)))
    (func (export "init") (param i32 i32 i32) (memory.init 1 (local.get 0) (local.get 1) (local.get 2)))
    (func (export "g") (result i32) (global.get $g))
    (data (i32.const 16) "hello")
    (data "passive bytes"))"#;

fn binary() -> Vec<u8> {
    wat::parse_str(WAT).unwrap()
}

/// What a module's description says, to compare two decodes of the same bytes.
fn describe(m: &Module) -> String {
    let exports: Vec<_> = m.exports.iter().map(|e| format!("{}:{:?}:{}", e.name, e.kind, e.index)).collect();
    let datas: Vec<_> = m.datas.iter().map(|d| format!("{:?}={:?}", d.mode, &d.data[..])).collect();
    format!(
        "types {:?} funcs {:?} imports {} exports {exports:?} memories {:?} globals {:?} datas {datas:?} size {}",
        m.types,
        m.funcs,
        m.imports.len(),
        m.memories,
        m.globals,
        m.bytes().len()
    )
}

#[test]
fn chunked_decoding_at_every_split_is_whole_decoding() {
    let bytes = binary();
    let whole = describe(&Module::from_binary(bytes.clone()).unwrap());
    for split in 0..=bytes.len() {
        let mut d = Decoder::with_capacity(bytes.len());
        d.push(&bytes[..split]);
        let done = d.decode(false, usize::MAX).unwrap();
        assert!(!done, "split {split}: finished before all bytes arrived");
        assert!(d.decoded() <= split, "split {split}: decoded {} bytes", d.decoded());
        d.push(&bytes[split..]);
        assert_eq!(describe(&d.finish().unwrap()), whole, "split {split}");
    }
}

#[test]
fn a_small_budget_decodes_a_slice_at_a_time() {
    // 200 functions: the code section comes one body at a time.
    let mut wat = String::from("(module");
    for i in 0..200 {
        wat.push_str(&format!(" (func (export \"f{i}\") (result i32) (i32.const {i}))"));
    }
    wat.push(')');
    let bytes = wat::parse_str(&wat).unwrap();
    let mut d = Decoder::from_bytes(bytes.clone());
    let (mut steps, mut last) = (0, 0);
    while !d.decode(true, 1).unwrap() {
        assert!(d.decoded() > last, "no progress at {last}");
        last = d.decoded();
        steps += 1;
    }
    assert_eq!(d.decoded(), bytes.len());
    assert!(steps > 200, "{steps} slices");
    let m = d.finish().unwrap();
    let mut store = Store::new(Default::default());
    let inst = store.instantiate(Rc::new(m)).unwrap();
    assert_eq!(store.invoke(inst, "f199", &[]).unwrap(), vec![Value::I32(199)]);
}

#[test]
fn data_segments_are_windows_on_the_one_binary() {
    let m = Module::from_input(binary()).unwrap();
    let range = |d: &[u8]| {
        let start = d.as_ptr() as usize - m.bytes().as_ptr() as usize;
        start..start + d.len()
    };
    assert_eq!(&m.datas[0].data[..], b"hello");
    assert_eq!(&m.datas[1].data[..], b"passive bytes");
    for d in &m.datas {
        let r = range(&d.data);
        assert_eq!(&m.bytes()[r], &d.data[..], "a data segment is not inside the module's binary");
    }
    // And they work: the active one at instantiation, the passive one with memory.init.
    let mut store = Store::new(Default::default());
    let f = store.host_func(FuncType::new([ValType::I32], [ValType::I32]), |_, a| Ok(a.to_vec()));
    store.define("env", "f", f);
    let inst = store.instantiate(Rc::new(m)).unwrap();
    let byte = |store: &mut Store, at: i32| store.invoke(inst, "load", &[Value::I32(at)]).unwrap();
    assert_eq!(byte(&mut store, 16), vec![Value::I32(b'h' as i32)]);
    store.invoke(inst, "init", &[Value::I32(100), Value::I32(8), Value::I32(5)]).unwrap();
    assert_eq!(byte(&mut store, 100), vec![Value::I32(b'b' as i32)]);
    assert_eq!(byte(&mut store, 104), vec![Value::I32(b's' as i32)]);
}

#[test]
fn errors_are_the_same_chunked_or_whole() {
    let mut bytes = binary();
    // Break the last function body: `end` becomes an unknown opcode.
    let n = bytes.len();
    let at = bytes.iter().rposition(|&b| b == 0x0b).unwrap_or(n - 1);
    bytes[at] = 0xff;
    let whole = Module::from_binary(bytes.clone()).map(|_| ()).unwrap_err().to_string();
    let mut d = Decoder::default();
    let mut err = None;
    for chunk in bytes.chunks(7) {
        d.push(chunk);
        if let Err(e) = d.decode(false, 16) {
            err = Some(e);
            break;
        }
    }
    let chunked = match err {
        Some(e) => e.to_string(),
        None => d.finish().map(|_| ()).unwrap_err().to_string(),
    };
    assert_eq!(chunked, whole);
}

#[test]
fn text_input_is_compiled_at_finish_and_binaries_never_are() {
    let mut d = Decoder::default();
    d.push(WAT.as_bytes());
    assert!(!d.decode(false, usize::MAX).unwrap());
    assert_eq!(d.decoded(), 0);
    assert_eq!(describe(&d.finish().unwrap()), describe(&Module::from_binary(binary()).unwrap()));
    // Module::from_binary never takes text.
    assert!(matches!(Module::from_binary(WAT.as_bytes().to_vec()), Err(Error::Decode { .. })));
    // Empty input is an error for a binary.
    assert!(Decoder::from_bytes(vec![0]).finish().is_err());
}
