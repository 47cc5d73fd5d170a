//! `string.pack`, `string.unpack` and `string.packsize`: the binary format language
//! of Lua 5.4 (`< > = ! b B h H l L j J T i[n] I[n] f d n s[n] z x X[op] c[n] ' '`).
//!
//! Follows the reference's `lstrlib.c` ("PACK/UNPACK" section) for sizes (the C types of
//! a 64-bit Linux: `long` and `size_t` are 8 bytes, native order little-endian, maximum
//! alignment 8), alignment (`!`, `X`), limits and error messages. Values are reached
//! through [`PackArgs`]; `unpack` returns plain [`Unpacked`] values.

/// An error raised by the pack functions: a plain error or an argument error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PackError {
    /// A plain error (`luaL_error`), e.g. `invalid format option 'y'`.
    Message(String),
    /// An argument error for Lua argument `arg`, e.g. `data string too short`.
    Arg {
        /// The Lua argument index (1 is the format).
        arg: usize,
        /// The reason.
        msg: String,
    },
}

impl std::fmt::Display for PackError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PackError::Message(m) => f.write_str(m),
            PackError::Arg { arg, msg } => write!(f, "bad argument #{arg} ({msg})"),
        }
    }
}

impl std::error::Error for PackError {}

fn bad_arg(arg: usize, msg: &str) -> PackError {
    PackError::Arg {
        arg,
        msg: msg.into(),
    }
}

fn arg_err<T>(arg: usize, msg: &str) -> Result<T, PackError> {
    Err(bad_arg(arg, msg))
}

/// Access to the values of a `string.pack` call (the format is argument 1).
pub trait PackArgs {
    /// The error type of the wiring (must carry [`PackError`]s).
    type Error: From<PackError>;
    /// The argument as `luaL_checkinteger` converts it.
    fn integer(&mut self, arg: usize) -> Result<i64, Self::Error>;
    /// The argument as `luaL_checknumber` converts it.
    fn number(&mut self, arg: usize) -> Result<f64, Self::Error>;
    /// The argument as `luaL_checklstring` converts it.
    fn string(&mut self, arg: usize) -> Result<Vec<u8>, Self::Error>;
}

/// A value produced by `string.unpack`.
#[derive(Clone, Debug, PartialEq)]
pub enum Unpacked {
    /// An integer option.
    Int(i64),
    /// A float option (`f`, `d`, `n`).
    Float(f64),
    /// A string option (`s`, `z`, `c`): the bytes.
    Str(Vec<u8>),
}

/// Size of the widest integer option.
const MAX_INT_SIZE: usize = 16;
/// Size of a Lua integer.
const SZINT: usize = 8;
/// The reference's `MAXSIZE` (`INT_MAX` on 64-bit Linux).
const MAX_SIZE: usize = i32::MAX as usize;
/// Default maximum alignment for `!` (the C alignment of a double or long).
const NATIVE_ALIGN: usize = 8;

/// The kind of an option, as the reference's `KOption`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Int,
    Uint,
    Float,
    Number,
    Double,
    Char,
    Str,
    Zstr,
    Padding,
    PadAlign,
    Nop,
}

struct Header<'a> {
    fmt: &'a [u8],
    pos: usize,
    little: bool,
    max_align: usize,
}

impl<'a> Header<'a> {
    fn new(fmt: &'a [u8]) -> Self {
        Header {
            fmt,
            pos: 0,
            little: true,
            max_align: 1,
        }
    }

    fn done(&self) -> bool {
        self.pos >= self.fmt.len()
    }

    fn peek(&self) -> Option<u8> {
        self.fmt.get(self.pos).copied()
    }

    fn num(&mut self, default: usize) -> usize {
        match self.peek() {
            Some(d) if d.is_ascii_digit() => {
                let mut a = 0usize;
                loop {
                    a = a * 10 + (self.fmt[self.pos] - b'0') as usize;
                    self.pos += 1;
                    match self.peek() {
                        Some(d) if d.is_ascii_digit() && a <= (MAX_SIZE - 9) / 10 => {}
                        _ => break,
                    }
                }
                a
            }
            _ => default,
        }
    }

    fn num_limit(&mut self, default: usize) -> Result<usize, PackError> {
        let sz = self.num(default);
        if sz > MAX_INT_SIZE || sz == 0 {
            return Err(PackError::Message(format!(
                "integral size ({sz}) out of limits [1,{MAX_INT_SIZE}]"
            )));
        }
        Ok(sz)
    }

    /// Reads one option: its kind and size.
    fn option(&mut self) -> Result<(Kind, usize), PackError> {
        let opt = self.fmt[self.pos];
        self.pos += 1;
        Ok(match opt {
            b'b' => (Kind::Int, 1),
            b'B' => (Kind::Uint, 1),
            b'h' => (Kind::Int, 2),
            b'H' => (Kind::Uint, 2),
            b'l' | b'j' => (Kind::Int, 8),
            b'L' | b'J' | b'T' => (Kind::Uint, 8),
            b'f' => (Kind::Float, 4),
            b'n' => (Kind::Number, 8),
            b'd' => (Kind::Double, 8),
            b'i' => (Kind::Int, self.num_limit(4)?),
            b'I' => (Kind::Uint, self.num_limit(4)?),
            b's' => (Kind::Str, self.num_limit(8)?),
            b'c' => {
                if !self.peek().is_some_and(|d| d.is_ascii_digit()) {
                    return Err(PackError::Message(
                        "missing size for format option 'c'".into(),
                    ));
                }
                (Kind::Char, self.num(0))
            }
            b'z' => (Kind::Zstr, 0),
            b'x' => (Kind::Padding, 1),
            b'X' => (Kind::PadAlign, 0),
            b' ' => (Kind::Nop, 0),
            b'<' => {
                self.little = true;
                (Kind::Nop, 0)
            }
            b'>' => {
                self.little = false;
                (Kind::Nop, 0)
            }
            b'=' => {
                self.little = cfg!(target_endian = "little");
                (Kind::Nop, 0)
            }
            b'!' => {
                self.max_align = self.num_limit(NATIVE_ALIGN)?;
                (Kind::Nop, 0)
            }
            c => {
                return Err(PackError::Message(format!(
                    "invalid format option '{}'",
                    char::from(c)
                )));
            }
        })
    }

    /// Reads one option with its alignment padding for a result of `total` bytes so
    /// far: `(kind, size, padding)`.
    fn details(&mut self, total: usize) -> Result<(Kind, usize, usize), PackError> {
        let (kind, size) = self.option()?;
        let mut align = size;
        if kind == Kind::PadAlign {
            if self.done() {
                return arg_err(1, "invalid next option for option 'X'");
            }
            let (next, next_size) = self.option()?;
            align = next_size;
            if next == Kind::Char || align == 0 {
                return arg_err(1, "invalid next option for option 'X'");
            }
        }
        if align <= 1 || kind == Kind::Char {
            return Ok((kind, size, 0));
        }
        let align = align.min(self.max_align);
        if !align.is_power_of_two() {
            return arg_err(1, "format asks for alignment not power of 2");
        }
        Ok((kind, size, (align - (total & (align - 1))) & (align - 1)))
    }
}

fn pack_int(out: &mut Vec<u8>, n: u64, little: bool, size: usize, negative: bool) {
    let mut bytes = [if negative { 0xffu8 } else { 0 }; MAX_INT_SIZE];
    for (i, b) in bytes.iter_mut().enumerate().take(size.min(SZINT)) {
        *b = (n >> (8 * i)) as u8;
    }
    let bytes = &mut bytes[..size];
    if !little {
        bytes.reverse();
    }
    out.extend_from_slice(bytes);
}

fn unpack_int(data: &[u8], little: bool, size: usize, signed: bool) -> Result<i64, PackError> {
    let byte = |i: usize| if little { data[i] } else { data[size - 1 - i] };
    let limit = size.min(SZINT);
    let mut res: u64 = 0;
    for i in (0..limit).rev() {
        res = (res << 8) | byte(i) as u64;
    }
    if size < SZINT {
        if signed {
            let mask = 1u64 << (size * 8 - 1);
            res = (res ^ mask).wrapping_sub(mask);
        }
    } else if size > SZINT {
        let fill = if !signed || (res as i64) >= 0 {
            0
        } else {
            0xff
        };
        if (limit..size).any(|i| byte(i) != fill) {
            return Err(PackError::Message(format!(
                "{size}-byte integer does not fit into Lua Integer"
            )));
        }
    }
    Ok(res as i64)
}

/// `string.pack(fmt, ...)`.
pub fn pack<A: PackArgs>(fmt: &[u8], args: &mut A) -> Result<Vec<u8>, A::Error> {
    let mut h = Header::new(fmt);
    let mut out = Vec::new();
    let mut arg = 1;
    while !h.done() {
        let (kind, size, pad) = h.details(out.len())?;
        out.resize(out.len() + pad, 0);
        arg += 1;
        match kind {
            Kind::Int => {
                let n = args.integer(arg)?;
                if size < SZINT {
                    let lim = 1i64 << (size * 8 - 1);
                    if !(-lim..lim).contains(&n) {
                        return Err(bad_arg(arg, "integer overflow").into());
                    }
                }
                pack_int(&mut out, n as u64, h.little, size, n < 0);
            }
            Kind::Uint => {
                let n = args.integer(arg)?;
                if size < SZINT && (n as u64) >= (1u64 << (size * 8)) {
                    return Err(bad_arg(arg, "unsigned overflow").into());
                }
                pack_int(&mut out, n as u64, h.little, size, false);
            }
            Kind::Float => {
                let x = args.number(arg)? as f32;
                let b = if h.little {
                    x.to_le_bytes()
                } else {
                    x.to_be_bytes()
                };
                out.extend_from_slice(&b);
            }
            Kind::Number | Kind::Double => {
                let x = args.number(arg)?;
                let b = if h.little {
                    x.to_le_bytes()
                } else {
                    x.to_be_bytes()
                };
                out.extend_from_slice(&b);
            }
            Kind::Char => {
                let s = args.string(arg)?;
                if s.len() > size {
                    return Err(bad_arg(arg, "string longer than given size").into());
                }
                out.extend_from_slice(&s);
                out.resize(out.len() + size - s.len(), 0);
            }
            Kind::Str => {
                let s = args.string(arg)?;
                if size < 8 && s.len() as u64 >= 1u64 << (size * 8) {
                    return Err(bad_arg(arg, "string length does not fit in given size").into());
                }
                pack_int(&mut out, s.len() as u64, h.little, size, false);
                out.extend_from_slice(&s);
            }
            Kind::Zstr => {
                let s = args.string(arg)?;
                if s.contains(&0) {
                    return Err(bad_arg(arg, "string contains zeros").into());
                }
                out.extend_from_slice(&s);
                out.push(0);
            }
            Kind::Padding => {
                out.push(0);
                arg -= 1;
            }
            Kind::PadAlign | Kind::Nop => arg -= 1,
        }
    }
    Ok(out)
}

/// `string.packsize(fmt)`.
pub fn packsize(fmt: &[u8]) -> Result<usize, PackError> {
    let mut h = Header::new(fmt);
    let mut total = 0usize;
    while !h.done() {
        let (kind, size, pad) = h.details(total)?;
        if matches!(kind, Kind::Str | Kind::Zstr) {
            return arg_err(1, "variable-length format");
        }
        let size = size + pad;
        if total > MAX_SIZE - size {
            return arg_err(1, "format result too large");
        }
        total += size;
    }
    Ok(total)
}

/// `string.unpack(fmt, data, init)`: `init` is the 0-based start offset (already
/// made absolute by the caller; larger than `data.len()` is an error). Returns the
/// values and the 1-based position after the last byte read.
pub fn unpack(fmt: &[u8], data: &[u8], init: usize) -> Result<(Vec<Unpacked>, usize), PackError> {
    if init > data.len() {
        return arg_err(3, "initial position out of string");
    }
    let ld = data.len();
    let mut h = Header::new(fmt);
    let mut pos = init;
    let mut out = Vec::new();
    while !h.done() {
        let (kind, size, pad) = h.details(pos)?;
        if pad + size > ld - pos {
            return arg_err(2, "data string too short");
        }
        pos += pad;
        match kind {
            Kind::Int | Kind::Uint => {
                let n = unpack_int(&data[pos..pos + size], h.little, size, kind == Kind::Int)?;
                out.push(Unpacked::Int(n));
            }
            Kind::Float => {
                let b: [u8; 4] = data[pos..pos + 4].try_into().expect("4 bytes");
                let x = if h.little {
                    f32::from_le_bytes(b)
                } else {
                    f32::from_be_bytes(b)
                };
                out.push(Unpacked::Float(x as f64));
            }
            Kind::Number | Kind::Double => {
                let b: [u8; 8] = data[pos..pos + 8].try_into().expect("8 bytes");
                let x = if h.little {
                    f64::from_le_bytes(b)
                } else {
                    f64::from_be_bytes(b)
                };
                out.push(Unpacked::Float(x));
            }
            Kind::Char => out.push(Unpacked::Str(data[pos..pos + size].to_vec())),
            Kind::Str => {
                let len = unpack_int(&data[pos..pos + size], h.little, size, false)? as u64;
                if len > (ld - pos - size) as u64 {
                    return arg_err(2, "data string too short");
                }
                let start = pos + size;
                out.push(Unpacked::Str(data[start..start + len as usize].to_vec()));
                pos += len as usize;
            }
            Kind::Zstr => {
                let len = data[pos..].iter().position(|&c| c == 0);
                let Some(len) = len else {
                    return arg_err(2, "unfinished string for format 'z'");
                };
                out.push(Unpacked::Str(data[pos..pos + len].to_vec()));
                pos += len + 1;
            }
            Kind::Padding | Kind::PadAlign | Kind::Nop => {}
        }
        pos += size;
    }
    Ok((out, pos + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone)]
    enum V {
        I(i64),
        F(f64),
        S(&'static [u8]),
    }

    struct Args(Vec<V>);

    impl PackArgs for Args {
        type Error = PackError;
        fn integer(&mut self, arg: usize) -> Result<i64, PackError> {
            match self.0.get(arg - 2) {
                Some(V::I(i)) => Ok(*i),
                Some(V::F(f)) if f.fract() == 0.0 => Ok(*f as i64),
                Some(V::F(_)) => arg_err(arg, "number has no integer representation"),
                _ => arg_err(arg, "number expected, got nil"),
            }
        }
        fn number(&mut self, arg: usize) -> Result<f64, PackError> {
            match self.0.get(arg - 2) {
                Some(V::I(i)) => Ok(*i as f64),
                Some(V::F(f)) => Ok(*f),
                _ => arg_err(arg, "number expected, got nil"),
            }
        }
        fn string(&mut self, arg: usize) -> Result<Vec<u8>, PackError> {
            match self.0.get(arg - 2) {
                Some(V::S(s)) => Ok(s.to_vec()),
                _ => arg_err(arg, "string expected, got nil"),
            }
        }
    }

    use V::*;

    fn p(fmt: &str, args: &[V]) -> Result<Vec<u8>, String> {
        pack(fmt.as_bytes(), &mut Args(args.to_vec())).map_err(|e| e.to_string())
    }

    fn show(vals: &[Unpacked]) -> String {
        vals.iter()
            .map(|v| match v {
                Unpacked::Int(i) => i.to_string(),
                Unpacked::Float(f) => crate::number::fmt_float(*f),
                Unpacked::Str(s) => String::from_utf8_lossy(s).into_owned(),
            })
            .collect::<Vec<_>>()
            .join("\t")
    }

    fn roundtrip(fmt: &str, args: &[V]) -> String {
        let data = p(fmt, args).unwrap();
        let (vals, next) = unpack(fmt.as_bytes(), &data, 0).unwrap();
        format!("{}\t{next}", show(&vals))
    }

    #[test]
    fn errors_match_reference() {
        // Expected texts from lua5.4 (5.4.4); "bad argument #n (msg)" stands for the
        // reference's "bad argument #n to 'pack' (msg)".
        let e = |fmt: &str, args: &[V]| p(fmt, args).unwrap_err();
        assert_eq!(e("i17", &[I(1)]), "integral size (17) out of limits [1,16]");
        assert_eq!(e("i0", &[I(1)]), "integral size (0) out of limits [1,16]");
        assert_eq!(e("y", &[I(1)]), "invalid format option 'y'");
        assert_eq!(e("c", &[S(b"a")]), "missing size for format option 'c'");
        assert_eq!(
            e("X", &[I(1)]),
            "bad argument #1 (invalid next option for option 'X')"
        );
        assert_eq!(
            e("Xc1", &[I(1)]),
            "bad argument #1 (invalid next option for option 'X')"
        );
        assert_eq!(
            e("!3i4", &[I(1)]),
            "bad argument #1 (format asks for alignment not power of 2)"
        );
        assert_eq!(e("i1", &[I(200)]), "bad argument #2 (integer overflow)");
        assert_eq!(e("I1", &[I(-1)]), "bad argument #2 (unsigned overflow)");
        assert_eq!(
            e("c2", &[S(b"abc")]),
            "bad argument #2 (string longer than given size)"
        );
        let long: &'static [u8] = Box::leak(vec![b'x'; 300].into_boxed_slice());
        assert_eq!(
            e("s1", &[S(long)]),
            "bad argument #2 (string length does not fit in given size)"
        );
        assert_eq!(
            e("z", &[S(b"a\0b")]),
            "bad argument #2 (string contains zeros)"
        );
        assert_eq!(
            e("i4", &[F(3.5)]),
            "bad argument #2 (number has no integer representation)"
        );
        assert_eq!(e("i4", &[]), "bad argument #2 (number expected, got nil)");
        let u = |fmt: &str, data: &[u8], init: usize| {
            unpack(fmt.as_bytes(), data, init).unwrap_err().to_string()
        };
        assert_eq!(
            u("i4", b"abc", 0),
            "bad argument #2 (data string too short)"
        );
        assert_eq!(
            u("i16", &[1; 16], 0),
            "16-byte integer does not fit into Lua Integer"
        );
        assert_eq!(
            u("z", b"abc", 0),
            "bad argument #2 (unfinished string for format 'z')"
        );
        assert_eq!(
            u("i4", b"abcd", 5),
            "bad argument #3 (initial position out of string)"
        );
        assert_eq!(u("c3", b"ab", 0), "bad argument #2 (data string too short)");
        assert_eq!(
            u("s1", b"\x05ab", 0),
            "bad argument #2 (data string too short)"
        );
        let s = |fmt: &str| packsize(fmt.as_bytes()).unwrap_err().to_string();
        assert_eq!(s("s"), "bad argument #1 (variable-length format)");
        assert_eq!(s("z"), "bad argument #1 (variable-length format)");
        assert_eq!(s("c2147483647"), "invalid format option '7'");
        assert_eq!(
            s(&"c214748363".repeat(11)),
            "bad argument #1 (format result too large)"
        );
        assert_eq!(
            s("!4 i3"),
            "bad argument #1 (format asks for alignment not power of 2)"
        );
    }

    #[test]
    fn sizes_match_reference() {
        let cases = [
            ("!8 i2 d", 16),
            ("i3 !4 d", 12),
            ("<i2 x Xi8 b", 4),
            ("!2 b i3", 5),
            ("c214748364", 214748364),
            (
                "b B h H l L j J T f d n i I",
                1 + 1 + 2 + 2 + 8 * 5 + 4 + 8 + 8 + 4 + 4,
            ),
            ("!b h", 4),
            ("", 0),
        ];
        for (fmt, want) in cases {
            assert_eq!(packsize(fmt.as_bytes()), Ok(want), "packsize {fmt:?}");
        }
        assert_eq!(
            p("!4 b i4 !2 b i4 Xi8", &[I(1), I(2), I(3), I(4)])
                .unwrap()
                .len(),
            14
        );
    }

    #[test]
    fn bytes_match_reference() {
        let data = p(
            ">i3 <I2 b B h j",
            &[I(-2), I(513), I(-1), I(255), I(1000), I(7)],
        )
        .unwrap();
        assert_eq!(
            data,
            [
                255, 255, 254, 1, 2, 255, 255, 232, 3, 7, 0, 0, 0, 0, 0, 0, 0
            ]
        );
        assert_eq!(p("i4", &[F(3.0)]).unwrap(), [3, 0, 0, 0]);
        assert_eq!(p(">I9", &[I(5)]).unwrap(), [0, 0, 0, 0, 0, 0, 0, 0, 5]);
        assert_eq!(p("<i16", &[I(-3)]).unwrap()[8..], [255; 8]);
        assert_eq!(
            p("s1 z c3", &[S(b"hi"), S(b"zz"), S(b"ab")]).unwrap(),
            b"\x02hizz\0ab\0"
        );
        assert_eq!(p(">d", &[F(1.0)]).unwrap(), [0x3f, 0xf0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(p("<f", &[F(0.5)]).unwrap(), [0, 0, 0, 0x3f]);
        assert_eq!(p("b x x h", &[I(1), I(2)]).unwrap(), [1, 0, 0, 2, 0]);
        assert_eq!(p("!4 b Xh b", &[I(1), I(2)]).unwrap(), [1, 0, 2]);
    }

    #[test]
    fn roundtrips_match_reference() {
        assert_eq!(roundtrip("<i16", &[I(-3)]), "-3\t17");
        assert_eq!(roundtrip(">I9", &[I(5)]), "5\t10");
        assert_eq!(
            roundtrip("s1 z c3 B", &[S(b"hi"), S(b"zz"), S(b"ab"), I(9)]),
            "hi\tzz\tab\0\t9\t11"
        );
        assert_eq!(
            roundtrip("f d n", &[F(0.5), F(1.0 / 3.0), I(-2)]),
            "0.5\t0.33333333333333\t-2.0\t21"
        );
        assert_eq!(
            roundtrip("j J", &[I(i64::MIN), I(-1)]),
            "-9223372036854775808\t-1\t17"
        );
        assert_eq!(
            roundtrip(">i16", &[I(i64::MIN)]),
            "-9223372036854775808\t17"
        );
        let (vals, next) = unpack(b"i2", b"\x01\x02\x03\x04", 2).unwrap();
        assert_eq!((show(&vals), next), ("1027".to_string(), 5));
        let err = unpack(b"<I16", &[0xff; 16], 0).unwrap_err().to_string();
        assert_eq!(err, "16-byte integer does not fit into Lua Integer");
        let (vals, _) = unpack(b"<i16", &[0xff; 16], 0).unwrap();
        assert_eq!(show(&vals), "-1");
    }
}
