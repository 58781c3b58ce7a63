//! CRC-32 (IEEE, table-driven, byte at a time) over a 64 KiB buffer, chained `n` times.
#![no_std]
include!("common.rs");

const LEN: usize = 64 * 1024;
static mut BUF: [u8; LEN] = [0; LEN];
static mut TABLE: [u32; 256] = [0; 256];

#[unsafe(no_mangle)]
pub extern "C" fn run(n: u32) -> u64 {
    let buf = unsafe { &mut *core::ptr::addr_of_mut!(BUF) };
    let table = unsafe { &mut *core::ptr::addr_of_mut!(TABLE) };
    for i in 0..256u32 {
        let mut c = i;
        for _ in 0..8 {
            c = if c & 1 != 0 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
        }
        table[i as usize] = c;
    }
    let mut rng = Rng(0x1234_5678);
    for b in buf.iter_mut() {
        *b = rng.next() as u8;
    }
    let mut crc = 0u32;
    let mut sum = 0u64;
    for round in 0..n {
        let mut c = !crc;
        for &b in buf.iter() {
            c = table[((c ^ b as u32) & 0xff) as usize] ^ (c >> 8);
        }
        crc = !c;
        // Make every round's input different.
        buf[(round as usize * 7919) % LEN] ^= crc as u8;
        sum = sum.wrapping_add(crc as u64);
    }
    (sum << 32) ^ crc as u64
}
