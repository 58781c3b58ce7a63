//! A CoreMark-like mix (not CoreMark itself, and not comparable with CoreMark scores):
//! per iteration a linked list (find, reverse, merge sort by two keys), small integer
//! matrix operations, a number-parsing state machine over a text buffer, and CRC-16 over
//! all their results.
#![no_std]
include!("common.rs");

// ---- CRC-16 (CCITT, reflected, bit at a time as CoreMark does) ----

fn crc_u8(data: u8, mut crc: u16) -> u16 {
    let mut data = data;
    for _ in 0..8 {
        let x16 = (data as u16 & 1) ^ (crc & 1);
        data >>= 1;
        if x16 == 1 {
            crc ^= 0x4002;
            crc = (crc >> 1) | 0x8000;
        } else {
            crc = (crc >> 1) & 0x7fff;
        }
    }
    crc
}

fn crc_u16(v: u16, crc: u16) -> u16 {
    crc_u8((v >> 8) as u8, crc_u8(v as u8, crc))
}

fn crc_u32(v: u32, crc: u16) -> u16 {
    crc_u16((v >> 16) as u16, crc_u16(v as u16, crc))
}

// ---- linked list in a static node pool ----

const NODES: usize = 200;
const NIL: u32 = u32::MAX;

#[derive(Clone, Copy)]
struct Node {
    next: u32,
    data: i16,
    idx: u16,
}

static mut POOL: [Node; NODES] = [Node { next: NIL, data: 0, idx: 0 }; NODES];

fn list_init(pool: &mut [Node; NODES], seed: u32) -> u32 {
    let mut rng = Rng(seed | 1);
    for i in 0..NODES {
        pool[i] = Node {
            next: if i + 1 < NODES { i as u32 + 1 } else { NIL },
            data: (rng.next() & 0x7fff) as i16,
            idx: i as u16,
        };
    }
    0
}

fn list_find(pool: &[Node; NODES], mut head: u32, data: i16) -> u32 {
    while head != NIL && pool[head as usize].data != data {
        head = pool[head as usize].next;
    }
    head
}

fn list_find_idx(pool: &[Node; NODES], mut head: u32, idx: u16) -> u32 {
    while head != NIL && pool[head as usize].idx != idx {
        head = pool[head as usize].next;
    }
    head
}

fn list_reverse(pool: &mut [Node; NODES], mut head: u32) -> u32 {
    let mut prev = NIL;
    while head != NIL {
        let next = pool[head as usize].next;
        pool[head as usize].next = prev;
        prev = head;
        head = next;
    }
    prev
}

fn less(pool: &[Node; NODES], a: u32, b: u32, by_data: bool) -> bool {
    let (x, y) = (&pool[a as usize], &pool[b as usize]);
    if by_data { (x.data, x.idx) <= (y.data, y.idx) } else { x.idx <= y.idx }
}

/// Bottom-up merge sort of a singly linked list (as in Simon Tatham's algorithm).
fn list_sort(pool: &mut [Node; NODES], mut head: u32, by_data: bool) -> u32 {
    let mut size = 1;
    loop {
        let mut p = head;
        head = NIL;
        let mut tail = NIL;
        let mut merges = 0;
        while p != NIL {
            merges += 1;
            let mut q = p;
            let mut psize = 0;
            while psize < size && q != NIL {
                psize += 1;
                q = pool[q as usize].next;
            }
            let mut qsize = size;
            while psize > 0 || (qsize > 0 && q != NIL) {
                let e;
                if psize == 0 {
                    e = q;
                    q = pool[q as usize].next;
                    qsize -= 1;
                } else if qsize == 0 || q == NIL || less(pool, p, q, by_data) {
                    e = p;
                    p = pool[p as usize].next;
                    psize -= 1;
                } else {
                    e = q;
                    q = pool[q as usize].next;
                    qsize -= 1;
                }
                if tail != NIL {
                    pool[tail as usize].next = e;
                } else {
                    head = e;
                }
                tail = e;
            }
            p = q;
        }
        pool[tail as usize].next = NIL;
        if merges <= 1 {
            return head;
        }
        size *= 2;
    }
}

fn list_bench(pool: &mut [Node; NODES], seed: u32, crc: u16) -> u16 {
    let mut head = list_init(pool, seed);
    let mut crc = crc;
    let (mut found, mut missed) = (0u32, 0u32);
    for i in 0..32u32 {
        let want = (pool[((i * 37 + seed) as usize) % NODES].data).wrapping_add((i & 1) as i16);
        if list_find(pool, head, want) != NIL { found += 1 } else { missed += 1 }
        let at = list_find_idx(pool, head, ((i * 13 + seed) % NODES as u32) as u16);
        if at != NIL {
            crc = crc_u16(pool[at as usize].data as u16, crc);
        }
        head = list_reverse(pool, head);
    }
    head = list_sort(pool, head, true);
    let mut p = head;
    while p != NIL {
        crc = crc_u16(pool[p as usize].data as u16, crc);
        p = pool[p as usize].next;
    }
    head = list_sort(pool, head, false);
    let mut p = head;
    let mut expect = 0u16;
    while p != NIL {
        if pool[p as usize].idx != expect {
            crc = crc_u16(0xdead, crc);
        }
        expect += 1;
        p = pool[p as usize].next;
    }
    crc_u32(found << 16 | missed, crc)
}

// ---- matrices ----

const N: usize = 20;
static mut MA: [i16; N * N] = [0; N * N];
static mut MB: [i16; N * N] = [0; N * N];
static mut MC: [i32; N * N] = [0; N * N];

fn sum_crc(c: &[i32; N * N], clip: i32) -> u16 {
    let (mut tmp, mut prev, mut ret) = (0i32, 0i32, 0u16);
    for &v in c.iter() {
        tmp = tmp.wrapping_add(v);
        if tmp > clip {
            ret = ret.wrapping_add(10);
            tmp = 0;
        } else {
            ret = ret.wrapping_add(if v > prev { 1 } else { 0 });
        }
        prev = v;
    }
    ret
}

fn matrix_bench(seed: u32, crc: u16) -> u16 {
    let (a, b, c) = unsafe {
        (
            &mut *core::ptr::addr_of_mut!(MA),
            &mut *core::ptr::addr_of_mut!(MB),
            &mut *core::ptr::addr_of_mut!(MC),
        )
    };
    let mut rng = Rng(seed.wrapping_mul(2654435761) | 1);
    for i in 0..N * N {
        a[i] = (rng.next() % 2000) as i16 - 1000;
        b[i] = (rng.next() % 2000) as i16 - 1000;
    }
    let k = (seed & 0xff) as i16 + 3;
    let clip = 0x7fff_i32;
    let mut crc = crc;
    // add constant
    for v in a.iter_mut() {
        *v = v.wrapping_add(k);
    }
    // multiply by constant
    for i in 0..N * N {
        c[i] = a[i] as i32 * k as i32;
    }
    crc = crc_u16(sum_crc(c, clip), crc);
    // matrix × vector (first column of b)
    for i in 0..N {
        let mut s = 0i32;
        for j in 0..N {
            s = s.wrapping_add(a[i * N + j] as i32 * b[j * N] as i32);
        }
        c[i] = s;
    }
    crc = crc_u16(sum_crc(c, clip), crc);
    // matrix × matrix
    for i in 0..N {
        for j in 0..N {
            let mut s = 0i32;
            for l in 0..N {
                s = s.wrapping_add(a[i * N + l] as i32 * b[l * N + j] as i32);
            }
            c[i * N + j] = s;
        }
    }
    crc = crc_u16(sum_crc(c, clip), crc);
    // matrix × matrix with bit extraction
    for i in 0..N {
        for j in 0..N {
            let mut s = 0i32;
            for l in 0..N {
                let t = a[i * N + l] as i32 * b[l * N + j] as i32;
                s = s.wrapping_add(((t >> 2) & 0xf) * ((t >> 5) & 0x7f));
            }
            c[i * N + j] = s;
        }
    }
    crc = crc_u16(sum_crc(c, clip), crc);
    // undo the constant
    for v in a.iter_mut() {
        *v = v.wrapping_sub(k);
    }
    crc
}

// ---- state machine ----

const TOKENS: [&[u8]; 16] = [
    b"5012", b"1234", b"-874", b"+122", b"35.54400", b".1234500", b"-110.700", b"+0.64400",
    b"5.500e+3", b"-.123e-2", b"-87e+832", b"+0.6e-12", b"T0.3e-1F", b"-T.T++Tq", b"1T3.4e4z",
    b"34.0e-T^",
];
const TEXT: usize = 700;
static mut INPUT: [u8; TEXT] = [0; TEXT];

#[derive(Clone, Copy, PartialEq)]
enum State {
    Start,
    Invalid,
    S1,
    Int,
    Float,
    Exponent,
    S2,
    Scientific,
}

/// Scans one token from `pos`; returns the final state and the new position.
fn scan(input: &[u8], mut pos: usize, transitions: &mut [u32; 8]) -> (State, usize) {
    let mut state = State::Start;
    while pos < input.len() {
        let c = input[pos];
        pos += 1;
        if c == b',' {
            break;
        }
        let digit = c.is_ascii_digit();
        let next = match state {
            State::Start => {
                if digit {
                    State::Int
                } else if c == b'+' || c == b'-' {
                    State::S1
                } else if c == b'.' {
                    State::Float
                } else {
                    State::Invalid
                }
            }
            State::S1 => {
                if digit {
                    State::Int
                } else if c == b'.' {
                    State::Float
                } else {
                    State::Invalid
                }
            }
            State::Int => {
                if c == b'.' {
                    State::Float
                } else if !digit {
                    State::Invalid
                } else {
                    State::Int
                }
            }
            State::Float => {
                if c == b'e' || c == b'E' {
                    State::S2
                } else if !digit {
                    State::Invalid
                } else {
                    State::Float
                }
            }
            State::S2 => {
                if c == b'+' || c == b'-' {
                    State::Exponent
                } else {
                    State::Invalid
                }
            }
            State::Exponent => {
                if digit {
                    State::Scientific
                } else {
                    State::Invalid
                }
            }
            State::Scientific => {
                if !digit {
                    State::Invalid
                } else {
                    State::Scientific
                }
            }
            State::Invalid => State::Invalid,
        };
        if next != state {
            transitions[next as usize] += 1;
        }
        state = next;
    }
    (state, pos)
}

fn state_bench(seed: u32, crc: u16) -> u16 {
    let input = unsafe { &mut *core::ptr::addr_of_mut!(INPUT) };
    let mut rng = Rng(seed.wrapping_mul(0x85eb_ca6b) | 1);
    let mut at = 0;
    while at < TEXT {
        let t = TOKENS[(rng.next() % 16) as usize];
        for &c in t {
            if at < TEXT {
                input[at] = c;
                at += 1;
            }
        }
        if at < TEXT {
            input[at] = b',';
            at += 1;
        }
    }
    let mut crc = crc;
    for pass in 0..2 {
        if pass == 1 {
            // Corrupt every 11th character, as CoreMark corrupts its input.
            let mut i = (seed as usize) % 11;
            while i < TEXT {
                input[i] ^= (seed as u8) | 1;
                i += 11;
            }
        }
        let mut finals = [0u32; 8];
        let mut transitions = [0u32; 8];
        let mut pos = 0;
        while pos < TEXT {
            let (s, p) = scan(input, pos, &mut transitions);
            finals[s as usize] += 1;
            pos = p;
        }
        for i in 0..8 {
            crc = crc_u32(finals[i], crc);
            crc = crc_u32(transitions[i], crc);
        }
    }
    crc
}

/// `n` iterations of list, matrix and state-machine work; the final CRC-16 and a running
/// sum of the per-iteration CRCs.
#[unsafe(no_mangle)]
pub extern "C" fn run(n: u32) -> u64 {
    let pool = unsafe { &mut *core::ptr::addr_of_mut!(POOL) };
    let mut crc = 0u16;
    let mut sum = 0u64;
    for i in 0..n {
        crc = list_bench(pool, i, crc);
        crc = matrix_bench(i, crc);
        crc = state_bench(i, crc);
        sum = sum.wrapping_add(crc as u64);
    }
    (sum << 16) | crc as u64
}
