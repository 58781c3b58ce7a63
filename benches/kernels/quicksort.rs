//! Quicksort (recursive, Hoare partition, insertion sort for short ranges) of 100,000
//! pseudo-random u32s, `n` rounds: compares, swaps and recursion.
#![no_std]
include!("common.rs");

const LEN: usize = 100_000;
static mut DATA: [u32; LEN] = [0; LEN];

fn insertion_sort(a: &mut [u32]) {
    for i in 1..a.len() {
        let v = a[i];
        let mut j = i;
        while j > 0 && a[j - 1] > v {
            a[j] = a[j - 1];
            j -= 1;
        }
        a[j] = v;
    }
}

#[inline(never)]
fn quicksort(a: &mut [u32]) {
    if a.len() <= 16 {
        insertion_sort(a);
        return;
    }
    let mid = a.len() / 2;
    let last = a.len() - 1;
    // Median of three as the pivot.
    let (x, y, z) = (a[0], a[mid], a[last]);
    let pivot = if (x <= y) == (y <= z) { y } else if (y <= x) == (x <= z) { x } else { z };
    let (mut i, mut j) = (0usize, last);
    loop {
        while a[i] < pivot {
            i += 1;
        }
        while a[j] > pivot {
            j -= 1;
        }
        if i >= j {
            break;
        }
        a.swap(i, j);
        i += 1;
        j -= 1;
    }
    let (left, right) = a.split_at_mut(j + 1);
    quicksort(left);
    quicksort(right);
}

/// Sorts `n` fresh arrays; a checksum of the sorted contents (and 0 if one was not
/// sorted).
#[unsafe(no_mangle)]
pub extern "C" fn run(n: u32) -> u64 {
    let a = unsafe { &mut *core::ptr::addr_of_mut!(DATA) };
    let mut rng = Rng(0xdead_beef);
    let mut sum = 0u64;
    for _ in 0..n {
        for v in a.iter_mut() {
            *v = rng.next();
        }
        quicksort(a);
        for i in 1..LEN {
            if a[i - 1] > a[i] {
                return 0;
            }
        }
        for (i, &v) in a.iter().enumerate().step_by(97) {
            sum = sum.wrapping_mul(31).wrapping_add(v as u64 ^ i as u64);
        }
    }
    sum
}
