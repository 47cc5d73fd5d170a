//! The `utf8` library's byte-level helpers: decoding with Lua 5.4's strict and lax
//! rules and encoding up to 2^31 (`lutf8lib.c`, `luaO_utf8esc`).
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
