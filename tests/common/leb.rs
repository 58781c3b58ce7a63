//! Unsigned LEB128, for tests that write wasm binaries by hand (shared by native and wasm32
//! test files through `#[path]`).

/// Appends `v` as unsigned LEB128.
pub fn leb(out: &mut Vec<u8>, v: impl Into<u64>) {
    let mut v = v.into();
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}
