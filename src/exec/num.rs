//! Numeric semantics that are more than one Rust operator (spec chapter "Numerics").
//! Everything else (add, compare, shifts via `wrapping_*`, `as` conversions that are
//! exactly wasm's) is written inline in the executor.

use crate::trap::TrapCode;

macro_rules! int_div {
    ($div_s:ident, $div_u:ident, $rem_s:ident, $rem_u:ident, $s:ty, $u:ty) => {
        pub fn $div_s(a: $s, b: $s) -> Result<$s, TrapCode> {
            if b == 0 {
                Err(TrapCode::IntegerDivideByZero)
            } else if a == <$s>::MIN && b == -1 {
                Err(TrapCode::IntegerOverflow)
            } else {
                Ok(a / b)
            }
        }
        pub fn $div_u(a: $u, b: $u) -> Result<$u, TrapCode> {
            a.checked_div(b).ok_or(TrapCode::IntegerDivideByZero)
        }
        pub fn $rem_s(a: $s, b: $s) -> Result<$s, TrapCode> {
            if b == 0 { Err(TrapCode::IntegerDivideByZero) } else { Ok(a.wrapping_rem(b)) }
        }
        pub fn $rem_u(a: $u, b: $u) -> Result<$u, TrapCode> {
            a.checked_rem(b).ok_or(TrapCode::IntegerDivideByZero)
        }
    };
}
int_div!(i32_div_s, i32_div_u, i32_rem_s, i32_rem_u, i32, u32);
int_div!(i64_div_s, i64_div_u, i64_rem_s, i64_rem_u, i64, u64);

/// Sets the quiet bit of a NaN result (the spec requires an arithmetic NaN from rounding
/// operations; libm may pass a signalling NaN through unchanged).
#[inline]
pub fn quiet_f32(x: f32) -> f32 {
    if x.is_nan() { f32::from_bits(x.to_bits() | 0x0040_0000) } else { x }
}

#[inline]
pub fn quiet_f64(x: f64) -> f64 {
    if x.is_nan() { f64::from_bits(x.to_bits() | 0x0008_0000_0000_0000) } else { x }
}

macro_rules! arith {
    ($name:ident, $t:ty, $quiet:ident) => {
        /// The NaN an arithmetic operator (`+ - * /`) returns, given its result `r`: the first
        /// operand's if it is a NaN, else the second's (quieted), else the one the hardware
        /// made (`inf - inf`). x86 keeps the first operand's NaN, but LLVM treats `+` and `*`
        /// as commutative and may swap them, so without this two compiled copies of the same
        /// operator (the `match` and a threaded handler) could give different NaN bits for the
        /// same inputs.
        ///
        /// Native builds only: in wasm32 (the `match` alone) the extra branches made V8
        /// compile the whole `match` worse (node geomean 0.40 -> 0.75, kernels without floats
        /// included), and the NaN difference was not seen there; `r` is returned as it is.
        #[inline(always)]
        pub fn $name(r: $t, a: $t, b: $t) -> $t {
            if cfg!(target_arch = "wasm32") || !r.is_nan() {
                r
            } else if a.is_nan() {
                $quiet(a)
            } else if b.is_nan() {
                $quiet(b)
            } else {
                r
            }
        }
    };
}
arith!(arith_f32, f32, quiet_f32);
arith!(arith_f64, f64, quiet_f64);

macro_rules! float_ops {
    ($min:ident, $max:ident, $t:ty) => {
        /// wasm `min`: NaN if either operand is NaN, and `-0 < +0`.
        pub fn $min(a: $t, b: $t) -> $t {
            if a.is_nan() || b.is_nan() {
                a + b
            } else if a == b {
                // Equal, possibly zeros of different sign: prefer the negative one.
                <$t>::from_bits(a.to_bits() | b.to_bits())
            } else if a < b {
                a
            } else {
                b
            }
        }
        /// wasm `max`: NaN if either operand is NaN, and `-0 < +0`.
        pub fn $max(a: $t, b: $t) -> $t {
            if a.is_nan() || b.is_nan() {
                a + b
            } else if a == b {
                <$t>::from_bits(a.to_bits() & b.to_bits())
            } else if a > b {
                a
            } else {
                b
            }
        }
    };
}
float_ops!(f32_min, f32_max, f32);
float_ops!(f64_min, f64_max, f64);

/// Truncating float-to-int conversion: `x` must lie strictly between `lo` and `hi` (the
/// first values outside the target range), else `integer overflow`; NaN is `invalid
/// conversion to integer`.
macro_rules! trunc {
    ($name:ident, $f:ty, $i:ty, $lo:expr, $hi:expr) => {
        pub fn $name(x: $f) -> Result<$i, TrapCode> {
            if x.is_nan() {
                Err(TrapCode::InvalidConversionToInteger)
            } else if x > $lo && x < $hi {
                Ok(x as $i)
            } else {
                Err(TrapCode::IntegerOverflow)
            }
        }
    };
}
// For f32, -2^31 - 1 and -2^63 - 1 round to -2^31 and -2^63, so those bounds are
// written with `>=` semantics by using the next representable value below.
trunc!(i32_trunc_f32_s, f32, i32, -2147483904.0f32, 2147483648.0f32);
trunc!(i32_trunc_f32_u, f32, u32, -1.0f32, 4294967296.0f32);
trunc!(i32_trunc_f64_s, f64, i32, -2147483649.0f64, 2147483648.0f64);
trunc!(i32_trunc_f64_u, f64, u32, -1.0f64, 4294967296.0f64);
trunc!(i64_trunc_f32_s, f32, i64, -9223373136366403584.0f32, 9223372036854775808.0f32);
trunc!(i64_trunc_f32_u, f32, u64, -1.0f32, 18446744073709551616.0f32);
trunc!(i64_trunc_f64_s, f64, i64, -9223372036854777856.0f64, 9223372036854775808.0f64);
trunc!(i64_trunc_f64_u, f64, u64, -1.0f64, 18446744073709551616.0f64);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn division_traps() {
        assert_eq!(i32_div_s(7, 0), Err(TrapCode::IntegerDivideByZero));
        assert_eq!(i32_div_s(i32::MIN, -1), Err(TrapCode::IntegerOverflow));
        assert_eq!(i32_rem_s(i32::MIN, -1), Ok(0));
        assert_eq!(i64_div_u(7, 2), Ok(3));
        assert_eq!(i64_rem_u(7, 0), Err(TrapCode::IntegerDivideByZero));
        assert_eq!(i32_div_s(-7, 2), Ok(-3));
        assert_eq!(i32_rem_s(-7, 2), Ok(-1));
    }

    #[test]
    fn min_max_zeros_and_nans() {
        assert!(f32_min(0.0, -0.0).is_sign_negative());
        assert!(f32_min(-0.0, 0.0).is_sign_negative());
        assert!(f64_max(-0.0, 0.0).is_sign_positive());
        assert!(f64_max(0.0, -0.0).is_sign_positive());
        assert!(f32_min(f32::NAN, 1.0).is_nan());
        assert!(f64_max(1.0, f64::NAN).is_nan());
        assert_eq!(f64_min(1.0, 2.0), 1.0);
        assert_eq!(f32_max(-1.0, -2.0), -1.0);
    }

    #[test]
    fn truncation_bounds() {
        assert_eq!(i32_trunc_f32_s(-2147483648.0), Ok(i32::MIN));
        assert_eq!(i32_trunc_f32_s(2147483648.0), Err(TrapCode::IntegerOverflow));
        assert_eq!(i32_trunc_f32_s(f32::NAN), Err(TrapCode::InvalidConversionToInteger));
        assert_eq!(i32_trunc_f64_s(-2147483648.9), Ok(i32::MIN));
        assert_eq!(i32_trunc_f64_s(-2147483649.0), Err(TrapCode::IntegerOverflow));
        assert_eq!(i32_trunc_f64_u(-0.9), Ok(0));
        assert_eq!(i32_trunc_f64_u(4294967295.9), Ok(u32::MAX));
        assert_eq!(i32_trunc_f64_u(4294967296.0), Err(TrapCode::IntegerOverflow));
        assert_eq!(i64_trunc_f32_s(-9223372036854775808.0), Ok(i64::MIN));
        assert_eq!(i64_trunc_f64_s(9223372036854775808.0), Err(TrapCode::IntegerOverflow));
        assert_eq!(i64_trunc_f64_s(-9223372036854775808.0), Ok(i64::MIN));
        assert_eq!(i64_trunc_f64_u(18446744073709549568.0), Ok(18446744073709549568));
        assert_eq!(i64_trunc_f32_u(-1.0), Err(TrapCode::IntegerOverflow));
    }
}
