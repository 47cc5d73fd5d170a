//! The `utf8` library (`lutf8lib.c`, Lua 5.4.4) and its byte-level helpers: decoding
//! with Lua 5.4's strict and lax rules and encoding up to 2^31 (`luaO_utf8esc`).
//!
//! Lax decoding accepts the original UTF-8 up to six bytes (code points below 2^31);
//! strict decoding also rejects surrogates and code points above U+10FFFF. Both reject
//! overlong forms.

/// The largest code point of strict UTF-8.
pub const MAX_UNICODE: u32 = 0x10_FFFF;

/// The largest code point of lax UTF-8.
pub const MAX_UTF: u32 = 0x7FFF_FFFF;

/// The value of `utf8.charpattern`.
pub const CHARPATTERN: &[u8] = b"[\x00-\x7F\xC2-\xFD][\x80-\xBF]*";

/// Whether `b` is a continuation byte.
pub fn is_continuation(b: u8) -> bool {
    b & 0xC0 == 0x80
}

/// Decodes the sequence starting at `s[0]`: the code point and its length in bytes,
/// or `None` for an invalid sequence (a missing byte counts as invalid).
pub fn decode(s: &[u8], strict: bool) -> Option<(u32, usize)> {
    const LIMITS: [u32; 6] = [u32::MAX, 0x80, 0x800, 0x1_0000, 0x20_0000, 0x400_0000];
    let mut c = u32::from(*s.first()?);
    let mut res: u32;
    let mut count = 0;
    if c < 0x80 {
        res = c;
    } else {
        res = 0;
        while c & 0x40 != 0 {
            count += 1;
            let cc = *s.get(count)?;
            if !is_continuation(cc) {
                return None;
            }
            res = (res << 6) | u32::from(cc & 0x3F);
            c <<= 1;
        }
        if count > 5 {
            return None;
        }
        res |= (c & 0x7F) << (count * 5);
        if res > MAX_UTF || res < LIMITS[count] {
            return None;
        }
    }
    if strict && (res > MAX_UNICODE || (0xD800..=0xDFFF).contains(&res)) {
        return None;
    }
    Some((res, count + 1))
}

/// Appends the UTF-8 (up to six bytes) of `x`, which must be at most [`MAX_UTF`].
pub fn encode(x: u32, out: &mut Vec<u8>) {
    debug_assert!(x <= MAX_UTF);
    if x < 0x80 {
        out.push(x as u8);
        return;
    }
    let mut buf = [0u8; 6];
    let mut n = 0;
    let mut x = x;
    let mut mfb = 0x3fu32; // the largest value that fits in the first byte
    loop {
        buf[5 - n] = 0x80 | (x & 0x3f) as u8;
        n += 1;
        x >>= 6;
        mfb >>= 1;
        if x <= mfb {
            break;
        }
    }
    buf[5 - n] = ((!mfb << 1) | x) as u8;
    out.extend_from_slice(&buf[5 - n..]);
}

// ----- the library -----

use super::auxlib::new_lib;
use crate::runtime::{LuaResult, NativeFn, Ret, Value, Vm};

/// Opens the utf8 library.
pub fn open(vm: &mut Vm) {
    const FUNCS: &[(&str, NativeFn)] = &[
        ("offset", byte_offset),
        ("codepoint", codepoint),
        ("char", utf8_char),
        ("len", utf8_len),
        ("codes", codes),
    ];
    let lib = new_lib(vm, "utf8", FUNCS);
    let p = vm.new_string(CHARPATTERN);
    vm.raw_set_str(lib, "charpattern", p);
}

/// A relative position made absolute (the library's `u_posrelat`); may be 0.
fn u_posrelat(pos: i64, len: usize) -> i64 {
    if pos >= 0 {
        pos
    } else if pos.unsigned_abs() > len as u64 {
        0
    } else {
        len as i64 + pos + 1
    }
}

fn utf8_char(vm: &mut Vm) -> LuaResult<Ret> {
    let n = vm.arg_count();
    let mut out = Vec::new();
    for i in 1..=n {
        let c = vm.check_integer(i)?;
        if c as u64 > u64::from(MAX_UTF) {
            return Err(vm.arg_error(i, "value out of range"));
        }
        encode(c as u32, &mut out);
    }
    vm.push_bytes(&out);
    Ok(Ret::Values(1))
}

fn utf8_len(vm: &mut Vm) -> LuaResult<Ret> {
    let s = vm.check_str(1)?;
    let b = s.get().as_bytes();
    let len = b.len();
    let mut posi = u_posrelat(vm.opt_integer(2, 1)?, len);
    let mut posj = u_posrelat(vm.opt_integer(3, -1)?, len);
    let lax = vm.arg(4).truthy();
    if !(1 <= posi && posi - 1 <= len as i64) {
        return Err(vm.arg_error(2, "initial position out of bounds"));
    }
    posi -= 1;
    posj -= 1;
    if posj >= len as i64 {
        return Err(vm.arg_error(3, "final position out of bounds"));
    }
    let mut n = 0i64;
    while posi <= posj {
        match decode(&b[posi as usize..], !lax) {
            Some((_, l)) => {
                posi += l as i64;
                n += 1;
            }
            None => {
                vm.push_nil();
                vm.push_int(posi + 1);
                return Ok(Ret::Values(2));
            }
        }
    }
    vm.push_int(n);
    Ok(Ret::Values(1))
}

fn codepoint(vm: &mut Vm) -> LuaResult<Ret> {
    let s = vm.check_str(1)?;
    let b = s.get().as_bytes();
    let len = b.len();
    let posi = u_posrelat(vm.opt_integer(2, 1)?, len);
    let pose = u_posrelat(vm.opt_integer(3, posi)?, len);
    let lax = vm.arg(4).truthy();
    if posi < 1 {
        return Err(vm.arg_error(2, "out of bounds"));
    }
    if pose > len as i64 {
        return Err(vm.arg_error(3, "out of bounds"));
    }
    if posi > pose {
        return Ok(Ret::Values(0));
    }
    if pose - posi >= i64::from(i32::MAX) {
        return Err(vm.error("string slice too long"));
    }
    let mut n = 0;
    let mut p = (posi - 1) as usize;
    let end = pose as usize;
    while p < end {
        match decode(&b[p..], !lax) {
            Some((c, l)) => {
                vm.push_int(i64::from(c));
                p += l;
                n += 1;
            }
            None => return Err(vm.error("invalid UTF-8 code")),
        }
    }
    Ok(Ret::Values(n))
}

fn byte_offset(vm: &mut Vm) -> LuaResult<Ret> {
    let s = vm.check_str(1)?;
    let b = s.get().as_bytes();
    let len = b.len() as i64;
    let mut n = vm.check_integer(2)?;
    let default = if n >= 0 { 1 } else { len + 1 };
    let mut posi = u_posrelat(vm.opt_integer(3, default)?, len as usize);
    if !(1 <= posi && posi - 1 <= len) {
        return Err(vm.arg_error(3, "position out of bounds"));
    }
    posi -= 1;
    let cont = |i: i64| i < len && is_continuation(b[i as usize]);
    if n == 0 {
        while posi > 0 && cont(posi) {
            posi -= 1;
        }
    } else {
        if cont(posi) {
            return Err(vm.error("initial position is a continuation byte"));
        }
        if n < 0 {
            while n < 0 && posi > 0 {
                loop {
                    posi -= 1;
                    if !(posi > 0 && cont(posi)) {
                        break;
                    }
                }
                n += 1;
            }
        } else {
            n -= 1;
            while n > 0 && posi < len {
                loop {
                    posi += 1;
                    if !cont(posi) {
                        break;
                    }
                }
                n -= 1;
            }
        }
    }
    if n == 0 {
        vm.push_int(posi + 1);
    } else {
        vm.push_nil();
    }
    Ok(Ret::Values(1))
}

fn iter_aux(vm: &mut Vm, strict: bool) -> LuaResult<Ret> {
    let s = vm.check_str(1)?;
    let b = s.get().as_bytes();
    let len = b.len() as u64;
    // The control value is the previous character's 1-based position, i.e. the 0-based
    // index of the byte after its lead byte; negative values (as unsigned) are past the
    // end. Follows 5.4.7: skip the continuation bytes of the previous character, and a
    // decoded character followed by a stray continuation byte is invalid.
    let mut n = match vm.arg(2) {
        Value::Int(i) => i,
        v => crate::runtime::meta::to_integer(v).unwrap_or(0),
    } as u64;
    while n < len && is_continuation(b[n as usize]) {
        n += 1;
    }
    if n >= len {
        return Ok(Ret::Values(0));
    }
    match decode(&b[n as usize..], strict) {
        Some((c, k)) if !b.get(n as usize + k).is_some_and(|&x| is_continuation(x)) => {
            vm.push_int(n as i64 + 1);
            vm.push_int(i64::from(c));
            Ok(Ret::Values(2))
        }
        _ => Err(vm.error("invalid UTF-8 code")),
    }
}

fn iter_strict(vm: &mut Vm) -> LuaResult<Ret> {
    iter_aux(vm, true)
}

fn iter_lax(vm: &mut Vm) -> LuaResult<Ret> {
    iter_aux(vm, false)
}

fn codes(vm: &mut Vm) -> LuaResult<Ret> {
    let s = vm.check_str(1)?;
    let lax = vm.arg(2).truthy();
    if s.get()
        .as_bytes()
        .first()
        .is_some_and(|&c| is_continuation(c))
    {
        return Err(vm.arg_error(1, "invalid UTF-8 code"));
    }
    let f = if lax {
        vm.new_native("codes_iterator", iter_lax)
    } else {
        vm.new_native("codes_iterator", iter_strict)
    };
    vm.push(f);
    vm.push(Value::Str(s));
    vm.push_int(0);
    Ok(Ret::Values(3))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc(x: u32) -> Vec<u8> {
        let mut v = Vec::new();
        encode(x, &mut v);
        v
    }

    #[test]
    fn encode_matches_reference() {
        // lua5.4: utf8.char(x):byte(1, -1)
        assert_eq!(enc(0x41), [0x41]);
        assert_eq!(enc(0xE9), [0xC3, 0xA9]);
        assert_eq!(enc(0x20AC), [0xE2, 0x82, 0xAC]);
        assert_eq!(enc(0x1F600), [0xF0, 0x9F, 0x98, 0x80]);
        assert_eq!(enc(0x10FFFF), [0xF4, 0x8F, 0xBF, 0xBF]);
        assert_eq!(enc(0x200000), [0xF8, 0x88, 0x80, 0x80, 0x80]);
        assert_eq!(enc(0x7FFFFFFF), [0xFD, 0xBF, 0xBF, 0xBF, 0xBF, 0xBF]);
        assert_eq!(enc(0xD800), [0xED, 0xA0, 0x80]);
    }

    #[test]
    fn decode_strict_and_lax() {
        for x in [
            0, 0x7F, 0x80, 0x7FF, 0x800, 0xFFFF, 0x10000, 0x10FFFF, 0x110000, 0x7FFFFFFF, 0xD800,
        ] {
            let e = enc(x);
            assert_eq!(
                decode(&e, true).is_some(),
                x <= MAX_UNICODE && !(0xD800..=0xDFFF).contains(&x)
            );
            assert_eq!(decode(&e, false), Some((x, e.len())));
        }
        assert_eq!(decode(b"\xC0\x80", false), None); // overlong
        assert_eq!(decode(b"\xE0\x80\x80", false), None);
        assert_eq!(decode(b"\xC3", false), None); // truncated
        assert_eq!(decode(b"\x80", false), None); // lone continuation
        assert_eq!(decode(b"\xFE\x80\x80\x80\x80\x80\x80", false), None);
        assert_eq!(decode(b"\xFF", false), None);
        assert_eq!(decode(b"", false), None);
    }
}
