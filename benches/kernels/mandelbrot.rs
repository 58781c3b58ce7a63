//! Mandelbrot set on an n×n grid, at most 100 iterations per point: an f64 inner loop
//! with an early exit.
#![no_std]
include!("common.rs");

/// Sum over the grid of the escape iteration counts (weighted by row).
#[unsafe(no_mangle)]
pub extern "C" fn run(n: u32) -> u64 {
    let size = n as f64;
    let mut total = 0u64;
    for y in 0..n {
        let ci = (y as f64) * 2.5 / size - 1.25;
        let mut row = 0u64;
        for x in 0..n {
            let cr = (x as f64) * 3.0 / size - 2.25;
            let (mut zr, mut zi) = (0.0f64, 0.0f64);
            let mut i = 0u32;
            while i < 100 {
                let zr2 = zr * zr;
                let zi2 = zi * zi;
                if zr2 + zi2 > 4.0 {
                    break;
                }
                zi = 2.0 * zr * zi + ci;
                zr = zr2 - zi2 + cr;
                i += 1;
            }
            row += i as u64;
        }
        total = total.wrapping_add(row * (y as u64 + 1));
    }
    total
}
