// Shared by every kernel (pulled in with `include!`): the panic handler and a small
// deterministic pseudo-random generator.

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

/// xorshift32: deterministic input data without a host.
#[allow(dead_code)]
#[derive(Clone, Copy)]
struct Rng(u32);

impl Rng {
    #[inline(always)]
    fn next(&mut self) -> u32 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        self.0 = x;
        x
    }
}
