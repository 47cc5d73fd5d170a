//! Conversions between numbers and their text forms, as the reference does them
//! (`lobject.c`'s `luaO_str2num`, `lua_Number2str` with `%.14g`).
//!
//! Everything here is pure: the lexer (numerals), `tonumber`, string coercions in
//! arithmetic, `tostring`/`print` and the `math`/table code share these functions so
//! that every path converts the same way.

/// A Lua number: the integer or the float subtype.
#[derive(Copy, Clone, Debug, PartialEq)]
pub enum Number {
    /// A 64-bit integer.
    Int(i64),
    /// A double.
    Float(f64),
}

/// C's `isspace` in the C locale: space, `\t`, `\n`, `\v`, `\f`, `\r`.
pub fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// Converts a string to a number exactly as the reference's `luaO_str2num` (used by
/// `tonumber`, string->number coercions and the lexer's numerals).
///
/// Leading and trailing whitespace is allowed, then an optional sign, then either an
/// integer (decimal, or hexadecimal after `0x`/`0X`) or a float (decimal with optional
/// fraction and `e` exponent, or hexadecimal with optional fraction and `p` exponent).
/// A decimal integer that does not fit `i64` becomes a float; a hexadecimal integer
/// wraps around modulo 2^64. The words `inf` and `nan` are not numbers, and neither is
/// anything with an embedded NUL or other trailing garbage. Returns `None` when the
/// whole string is not a numeral.
pub fn str_to_number(s: &[u8]) -> Option<Number> {
    if let Some(i) = str_to_int(s) {
        return Some(Number::Int(i));
    }
    str_to_float(s).map(Number::Float)
}

/// The integer half of [`str_to_number`] (the reference's `l_str2int`): `None` when `s`
/// is not an integer numeral or a decimal one overflows.
fn str_to_int(s: &[u8]) -> Option<i64> {
    let mut i = skip_spaces(s, 0);
    let mut neg = false;
    match s.get(i) {
        Some(b'-') => {
            neg = true;
            i += 1;
        }
        Some(b'+') => i += 1,
        _ => {}
    }
    let mut value: u64 = 0;
    let mut any_digit = false;
    if s.get(i) == Some(&b'0') && matches!(s.get(i + 1), Some(b'x' | b'X')) {
        i += 2;
        while let Some(d) = s.get(i).and_then(|&c| hex_value(c)) {
            value = value.wrapping_mul(16).wrapping_add(u64::from(d));
            any_digit = true;
            i += 1;
        }
    } else {
        // The largest magnitude is 2^63 for a negative numeral, 2^63 - 1 otherwise.
        let limit: u64 = if neg { 1 << 63 } else { i64::MAX as u64 };
        while let Some(&c) = s.get(i).filter(|c| c.is_ascii_digit()) {
            let d = u64::from(c - b'0');
            value = value.checked_mul(10)?.checked_add(d)?;
            if value > limit {
                return None;
            }
            any_digit = true;
            i += 1;
        }
    }
    let i = skip_spaces(s, i);
    if !any_digit || i != s.len() {
        return None;
    }
    let value = value as i64;
    Some(if neg { value.wrapping_neg() } else { value })
}

/// The float half of [`str_to_number`] (the reference's `l_str2d` over C `strtod`).
fn str_to_float(s: &[u8]) -> Option<f64> {
    // The reference rejects anything with an 'n' or 'N' so that `strtod` never
    // accepts "inf" or "nan".
    if s.iter().any(|&c| c == b'n' || c == b'N') {
        return None;
    }
    let start = skip_spaces(s, 0);
    let (value, end) = scan_float(s, start)?;
    if skip_spaces(s, end) != s.len() {
        return None;
    }
    Some(value)
}

fn skip_spaces(s: &[u8], mut i: usize) -> usize {
    while s.get(i).is_some_and(|&c| is_space(c)) {
        i += 1;
    }
    i
}

/// The value of a hexadecimal digit.
pub fn hex_value(c: u8) -> Option<u32> {
    (c as char).to_digit(16)
}

/// Scans the longest float numeral `strtod` would accept at `s[start..]` (sign,
/// decimal or hexadecimal), returning its value and end. `None` if no digits.
fn scan_float(s: &[u8], start: usize) -> Option<(f64, usize)> {
    let mut i = start;
    let neg = match s.get(i) {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    let (magnitude, end) = if s.get(i) == Some(&b'0') && matches!(s.get(i + 1), Some(b'x' | b'X')) {
        match scan_hex_float(s, i + 2) {
            Some(r) => r,
            // `strtod` then reads just the "0".
            None => (0.0, i + 1),
        }
    } else {
        scan_decimal_float(s, i)?
    };
    Some((if neg { -magnitude } else { magnitude }, end))
}

/// Scans `digits [. digits] [(e|E) [sign] digits]` with at least one digit in the
/// mantissa; the value is correctly rounded (Rust's float parser).
fn scan_decimal_float(s: &[u8], start: usize) -> Option<(f64, usize)> {
    let mut i = start;
    let digits = |i: &mut usize| {
        let from = *i;
        while s.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - from
    };
    let mut n = digits(&mut i);
    if s.get(i) == Some(&b'.') {
        i += 1;
        n += digits(&mut i);
    }
    if n == 0 {
        return None;
    }
    if matches!(s.get(i), Some(b'e' | b'E')) {
        let mut j = i + 1;
        if matches!(s.get(j), Some(b'+' | b'-')) {
            j += 1;
        }
        if digits(&mut j) > 0 {
            i = j;
        }
    }
    // Rust's parser wants a digit before an 'e' ("5.e3" is fine for strtod).
    let text = std::str::from_utf8(&s[start..i]).ok()?;
    let value = match text.parse::<f64>() {
        Ok(v) => v,
        Err(_) => text
            .replacen(".e", ".0e", 1)
            .replacen(".E", ".0E", 1)
            .parse()
            .ok()?,
    };
    Some((value, i))
}

/// Scans hexadecimal `digits [. digits] [(p|P) [sign] decimal-digits]` (after the
/// `0x`), at least one hex digit in the mantissa; the value is correctly rounded to
/// nearest even, as glibc's `strtod`.
fn scan_hex_float(s: &[u8], start: usize) -> Option<(f64, usize)> {
    let mut i = start;
    let mut mantissa: u64 = 0;
    // Whether a non-zero digit was dropped after the mantissa filled up.
    let mut sticky = false;
    // Binary exponent to apply to `mantissa`.
    let mut exp: i64 = 0;
    let mut any_digit = false;
    let mut seen_dot = false;
    loop {
        match s.get(i) {
            Some(&b'.') if !seen_dot => seen_dot = true,
            Some(&c) if hex_value(c).is_some() => {
                let d = u64::from(hex_value(c).unwrap_or(0));
                any_digit = true;
                if mantissa >> 60 == 0 {
                    mantissa = mantissa * 16 + d;
                    if seen_dot {
                        exp -= 4;
                    }
                } else {
                    sticky |= d != 0;
                    if !seen_dot {
                        exp += 4;
                    }
                }
            }
            _ => break,
        }
        i += 1;
    }
    if !any_digit {
        return None;
    }
    if matches!(s.get(i), Some(b'p' | b'P')) {
        let mut j = i + 1;
        let neg = match s.get(j) {
            Some(b'-') => {
                j += 1;
                true
            }
            Some(b'+') => {
                j += 1;
                false
            }
            _ => false,
        };
        let from = j;
        let mut e: i64 = 0;
        while let Some(&c) = s.get(j).filter(|c| c.is_ascii_digit()) {
            e = (e * 10 + i64::from(c - b'0')).min(1 << 40);
            j += 1;
        }
        if j > from {
            exp += if neg { -e } else { e };
            i = j;
        }
    }
    Some((compose_binary(mantissa, sticky, exp), i))
}

/// `mantissa * 2^exp` rounded once to the nearest double (ties to even), with `sticky`
/// standing for non-zero bits below the mantissa.
fn compose_binary(mantissa: u64, sticky: bool, exp: i64) -> f64 {
    if mantissa == 0 {
        return 0.0;
    }
    // Normalise so bit 63 is set: value = m * 2^(e - 63), 1 <= m/2^63 < 2.
    let shift = mantissa.leading_zeros();
    let m = mantissa << shift;
    let e = exp - i64::from(shift) + 63; // value = (m / 2^63) * 2^e
    if e > 1023 {
        return f64::INFINITY;
    }
    // Number of significant bits the result can hold (53 for normals, fewer below).
    let bits: i64 = if e >= -1022 { 53 } else { 53 - (-1022 - e) };
    if bits < 0 {
        return 0.0;
    }
    let drop = (64 - bits) as u32; // bits of `m` to round away (11..=64)
    let (kept, rest) = if drop >= 64 {
        (0u64, m)
    } else {
        (m >> drop, m << (64 - drop))
    };
    let half = 1u64 << 63;
    let round_up = rest > half || (rest == half && (sticky || kept & 1 == 1));
    let kept = kept + u64::from(round_up);
    // kept * 2^(e - bits + 1); both factors are exact so the product rounds once at most
    // (only by overflow to infinity).
    let scale = e - bits + 1;
    (kept as f64) * pow2(scale)
}

/// 2^e as a double, exact for e in -1074..=1023 (split in two steps below -1022).
fn pow2(e: i64) -> f64 {
    if e > 1023 {
        f64::INFINITY
    } else if e >= -1022 {
        f64::from_bits(((e + 1023) as u64) << 52)
    } else if e >= -1074 {
        f64::from_bits(1u64 << (e + 1074))
    } else {
        0.0
    }
}

/// Formats a float as `tostring`/`print` do: C's `%.14g`, then `.0` appended when
/// the text looks like an integer. Infinities and NaNs print as glibc does: `inf`,
/// `-inf`, `nan`, and `-nan` when the sign bit is set.
pub fn fmt_float(x: f64) -> String {
    let mut s = fmt_g(x, 14);
    if s.bytes().all(|c| c == b'-' || c.is_ascii_digit()) {
        s.push_str(".0");
    }
    s
}

/// C's `%.<precision>g` for a double (glibc output, including `inf`/`nan`/`-nan`).
///
/// The digits come from Rust's correctly rounded `{:e}` formatting, which agrees
/// with glibc's exact-value rounding (ties to even on the exact binary value).
pub fn fmt_g(x: f64, precision: usize) -> String {
    if x.is_nan() {
        return if x.is_sign_negative() { "-nan" } else { "nan" }.to_string();
    }
    if x.is_infinite() {
        return if x < 0.0 { "-inf" } else { "inf" }.to_string();
    }
    let p = precision.max(1);
    let sci = format!("{:.*e}", p - 1, x);
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i64 = exp.parse().unwrap_or(0);
    if exp < -4 || exp >= p as i64 {
        let mantissa = strip_fraction_zeros(mantissa);
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exp.unsigned_abs())
    } else {
        let decimals = (p as i64 - 1 - exp) as usize;
        strip_fraction_zeros(&format!("{x:.decimals$}")).to_string()
    }
}

/// Removes trailing zeros after a decimal point, and the point if nothing is left.
fn strip_fraction_zeros(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

/// Formats an integer as `tostring` does (`%lld`).
pub fn fmt_int(i: i64) -> String {
    i.to_string()
}

/// Formats a number as `tostring` does.
pub fn fmt_number(n: Number) -> String {
    match n {
        Number::Int(i) => fmt_int(i),
        Number::Float(f) => fmt_float(f),
    }
}

/// The float as an integer when it has an exact integer value in `i64`'s range
/// (the reference's `luaV_flttointns` with `F2Ieq`): used by `math.tointeger`,
/// table keys, bitwise operators and `string.format('%d')`. `None` for fractions,
/// NaN, infinities and values out of range.
pub fn float_to_int_exact(f: f64) -> Option<i64> {
    // -2^63 is representable; 2^63 is not an i64.
    if (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&f) && f.trunc() == f {
        Some(f as i64)
    } else {
        None
    }
}

/// The floor of a float as an integer, when in range (the reference's `F2Ifloor`),
/// used by `for` loop limits and `math.floor`.
pub fn float_to_int_floor(f: f64) -> Option<i64> {
    float_to_int_exact(f.floor())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(s: &str) -> String {
        match str_to_number(s.as_bytes()) {
            None => "nil".into(),
            Some(Number::Int(i)) => format!("int {i}"),
            Some(Number::Float(f)) => format!("float {}", fmt_float(f)),
        }
    }

    /// Expected values obtained with `lua5.4 -e 'print(math.type(tonumber(s)), tonumber(s))'`.
    #[test]
    fn str_to_number_matches_reference() {
        let cases: &[(&str, &str)] = &[
            ("0x", "nil"),
            ("1e", "nil"),
            (" 0x1p4 ", "float 16.0"),
            ("0x.8", "float 0.5"),
            (".5", "float 0.5"),
            ("5.", "float 5.0"),
            ("0xffffffffffffffffff", "int -1"),
            ("9223372036854775807", "int 9223372036854775807"),
            ("9223372036854775808", "float 9.2233720368548e+18"),
            ("-9223372036854775808", "int -9223372036854775808"),
            ("-9223372036854775809", "float -9.2233720368548e+18"),
            ("inf", "nil"),
            ("nan", "nil"),
            ("1e400", "float inf"),
            ("-1e400", "float -inf"),
            ("- 1", "nil"),
            ("+0x10", "int 16"),
            ("-0x10", "int -16"),
            ("  12  ", "int 12"),
            ("\t\n12\x0b\x0c\r", "int 12"),
            ("12\0", "nil"),
            ("", "nil"),
            ("  ", "nil"),
            (".", "nil"),
            ("0x.", "nil"),
            ("1e+5", "float 100000.0"),
            ("1E-2", "float 0.01"),
            ("5.e3", "float 5000.0"),
            ("0x1P-2", "float 0.25"),
            ("0xA.8p1", "float 21.0"),
            ("0x1p", "nil"),
            ("1.5e", "nil"),
            ("0x10g", "nil"),
            ("3x", "nil"),
            ("1 2", "nil"),
            ("0x7fffffffffffffff", "int 9223372036854775807"),
            ("0x8000000000000000", "int -9223372036854775808"),
            ("0x1.fffffffffffff8p1023", "float inf"),
            ("0x1p-1074", "float 4.9406564584125e-324"),
            ("0x123456789abcdef0123p0", "float 5.3730036427317e+21"),
            ("1", "int 1"),
            ("00012", "int 12"),
            ("1.0", "float 1.0"),
        ];
        let mut failures = Vec::new();
        for (input, want) in cases {
            let got = show(input);
            if &got != want {
                failures.push(format!("{input:?}: got {got}, want {want}"));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    /// Expected strings obtained with `lua5.4 -e 'print(x)'`.
    #[test]
    fn fmt_float_matches_reference() {
        let cases: &[(f64, &str)] = &[
            (f64::NAN, "nan"),
            (-f64::NAN, "-nan"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
            (1e15, "1e+15"),
            (1e16, "1e+16"),
            (2f64.powi(63), "9.2233720368548e+18"),
            (0.1, "0.1"),
            (-0.0, "-0.0"),
            (0.0, "0.0"),
            (1e100, "1e+100"),
            (1e-5, "1e-05"),
            (1e-4, "0.0001"),
            (123456.0, "123456.0"),
            (1.234_567_890_123_456_7, "1.2345678901235"),
            (1.0 / 3.0, "0.33333333333333"),
            (100000000000000.0, "1e+14"),
            (99999999999999.0, "99999999999999.0"),
            (999999999999999.0, "1e+15"),
            (2.5, "2.5"),
            (-1.5e-10, "-1.5e-10"),
            (5e-324, "4.9406564584125e-324"),
            (f64::MAX, "1.7976931348623e+308"),
            (0.5, "0.5"),
        ];
        for (x, want) in cases {
            assert_eq!(fmt_float(*x), *want, "{x:e}");
        }
    }

    /// Correct rounding at the edges (ties, subnormals, overflow), checked bit for bit
    /// against `lua5.4 -e 'print(string.format("%a", tonumber(s)))'`.
    #[test]
    fn float_conversion_rounds_like_glibc() {
        let cases: &[(&str, u64)] = &[
            ("0x1.00000000000008p0", 0x3FF0_0000_0000_0000),
            ("0x1.00000000000018p0", 0x3FF0_0000_0000_0002),
            ("0x1.000000000000081p0", 0x3FF0_0000_0000_0001),
            ("0x1.fffffffffffff8p0", 0x4000_0000_0000_0000),
            ("0x1p-1075", 0),
            ("0x1.8p-1074", 2),
            ("0x1p-1074", 1),
            ("0x3p-1076", 1),
            ("0x1.0000000000001p-1022", 0x0010_0000_0000_0001),
            ("0x0.0000000000001p-1022", 1),
            ("0x1p1024", f64::INFINITY.to_bits()),
            ("0xffffffffffffffffffffp0", 0x44F0_0000_0000_0000),
            ("0x.000000000000000000001p80", 0.0625f64.to_bits()),
            ("1e-400", 0),
            ("2.2250738585072011e-308", 0x000F_FFFF_FFFF_FFFF),
            ("4.9e-324", 1),
            ("2.4703282292062327e-324", 0),
            ("2.4703282292062328e-324", 1),
            ("  -0x1p0  ", (-1.0f64).to_bits()),
            ("0x1P+4", 16.0f64.to_bits()),
            ("1.7976931348623158e308", f64::MAX.to_bits()),
            ("1.7976931348623159e308", f64::INFINITY.to_bits()),
        ];
        for (s, bits) in cases {
            match str_to_number(s.as_bytes()) {
                Some(Number::Float(f)) => assert_eq!(f.to_bits(), *bits, "{s}: got {f:e}"),
                other => panic!("{s}: {other:?}"),
            }
        }
        assert_eq!(str_to_number(b"0x10000000000000000"), Some(Number::Int(0)));
    }

    #[test]
    fn float_to_int_exact_bounds() {
        assert_eq!(float_to_int_exact(3.0), Some(3));
        assert_eq!(float_to_int_exact(-0.0), Some(0));
        assert_eq!(float_to_int_exact(3.5), None);
        assert_eq!(float_to_int_exact(f64::NAN), None);
        assert_eq!(float_to_int_exact(f64::INFINITY), None);
        assert_eq!(float_to_int_exact(2f64.powi(63)), None);
        assert_eq!(float_to_int_exact(-(2f64.powi(63))), Some(i64::MIN));
        assert_eq!(float_to_int_floor(-3.5), Some(-4));
    }
}
