//! `string.format`: the directive parser and C `printf`-exact rendering of every
//! conversion the reference accepts (`d i u c x X o e E f g G a A p q s %`).
//!
//! The checks follow the reference's `str_format`/`getformat`/`checkformat`
//! (`lstrlib.c`, Lua 5.4.4): which flags each conversion allows, at most two digits of
//! width and of precision, and the same order of argument checks and errors. Numbers are
//! rendered here, not by a C library: decimal digits come from Rust's correctly rounded
//! float formatting (ties to even on exact halves, as glibc), and `%a` is built from the
//! bits of the double (with glibc's choices: `0x1.8p+0`, subnormals as `0x0.…p-1022`).
//!
//! Arguments are reached through [`FormatArgs`], so the library wiring decides how
//! values convert (`luaL_checkinteger`, `luaL_tolstring` with `__tostring`, ...).

/// An error raised by `string.format`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FormatError {
    /// A plain error (`luaL_error`), e.g. `invalid conversion '%y' to 'format'`.
    Message(String),
    /// An argument error (`luaL_argerror`) for argument `arg` (1 is the format string),
    /// e.g. `arg: 2, msg: "no value"`.
    Arg {
        /// The Lua argument index.
        arg: usize,
        /// The reason, as in `bad argument #2 to 'format' (reason)`.
        msg: String,
    },
}

impl std::fmt::Display for FormatError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FormatError::Message(m) => f.write_str(m),
            FormatError::Arg { arg, msg } => write!(f, "bad argument #{arg} to 'format' ({msg})"),
        }
    }
}

impl std::error::Error for FormatError {}

/// A value as `%q` sees it.
#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    /// A string (quoted with escapes).
    Str(Vec<u8>),
    /// An integer (decimal; `mininteger` in hex).
    Int(i64),
    /// A float (hex float, or `1e9999`, `-1e9999`, `(0/0)`).
    Float(f64),
    /// `nil`.
    Nil,
    /// A boolean.
    Bool(bool),
    /// Anything else: `value has no literal form`.
    Other,
}

/// Access to the arguments of a `string.format` call. Indices are Lua argument
/// indices: the format string is 1, the first value 2.
pub trait FormatArgs {
    /// The error type of the wiring (must carry [`FormatError`]s).
    type Error: From<FormatError>;
    /// The highest argument index present (the call's argument count).
    fn top(&self) -> usize;
    /// The argument as `luaL_checkinteger` converts it.
    fn integer(&mut self, arg: usize) -> Result<i64, Self::Error>;
    /// The argument as `luaL_checknumber` converts it.
    fn number(&mut self, arg: usize) -> Result<f64, Self::Error>;
    /// The bytes of a converted string argument (borrowed from the state where it can).
    type Str: AsRef<[u8]>;
    /// The argument as `luaL_tolstring` converts it.
    fn string(&mut self, arg: usize) -> Result<Self::Str, Self::Error>;
    /// The argument as `%q` sees it.
    fn literal(&mut self, arg: usize) -> Result<Literal, Self::Error>;
    /// The argument's address as `lua_topointer` gives it (`None` for values that are
    /// not objects).
    fn pointer(&mut self, arg: usize) -> Option<usize>;
}

/// Longest directive (flags, digits and conversion) the reference accepts, minus one.
const MAX_DIRECTIVE: usize = 32 - 10;

const FLAGS_F: &[u8] = b"-+ #0";
const FLAGS_X: &[u8] = b"-#0";
const FLAGS_I: &[u8] = b"-+ 0";
const FLAGS_U: &[u8] = b"-0";
const FLAGS_C: &[u8] = b"-";

/// A parsed conversion specification.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Spec {
    /// `-`: left-justify.
    pub minus: bool,
    /// `+`: always a sign.
    pub plus: bool,
    /// ` `: a space where a plus sign would go.
    pub space: bool,
    /// `#`: alternate form.
    pub hash: bool,
    /// `0`: pad with zeros.
    pub zero: bool,
    /// Minimum field width.
    pub width: usize,
    /// Precision, if given (`.` alone is 0).
    pub precision: Option<usize>,
}

fn msg<T, E: From<FormatError>>(m: impl Into<String>) -> Result<T, E> {
    Err(FormatError::Message(m.into()).into())
}

/// Validates a directive as the reference's `checkformat` and parses it.
/// `form` is the directive without the leading `%`, conversion included.
fn check_spec(form: &[u8], flags: &[u8], precision_ok: bool) -> Result<Spec, FormatError> {
    let bad = || {
        FormatError::Message(format!(
            "invalid conversion specification: '%{}'",
            String::from_utf8_lossy(form)
        ))
    };
    let mut spec = Spec::default();
    let mut i = 0;
    while i < form.len() && flags.contains(&form[i]) {
        match form[i] {
            b'-' => spec.minus = true,
            b'+' => spec.plus = true,
            b' ' => spec.space = true,
            b'#' => spec.hash = true,
            _ => spec.zero = true,
        }
        i += 1;
    }
    let digits = |i: &mut usize| {
        let mut n = 0;
        for _ in 0..2 {
            match form.get(*i) {
                Some(d) if d.is_ascii_digit() => {
                    n = n * 10 + (d - b'0') as usize;
                    *i += 1;
                }
                _ => break,
            }
        }
        n
    };
    if form.get(i) != Some(&b'0') {
        spec.width = digits(&mut i);
        if form.get(i) == Some(&b'.') && precision_ok {
            i += 1;
            spec.precision = Some(digits(&mut i));
        }
    }
    if i + 1 != form.len() || !form[i].is_ascii_alphabetic() {
        return Err(bad());
    }
    Ok(spec)
}

/// Formats like `string.format(fmt, ...)`.
pub fn format<A: FormatArgs>(fmt: &[u8], args: &mut A) -> Result<Vec<u8>, A::Error> {
    let mut out = Vec::with_capacity(fmt.len() + 16);
    let mut arg = 1;
    let mut i = 0;
    while i < fmt.len() {
        let c = fmt[i];
        i += 1;
        if c != b'%' {
            out.push(c);
            continue;
        }
        if fmt.get(i) == Some(&b'%') {
            out.push(b'%');
            i += 1;
            continue;
        }
        arg += 1;
        if arg > args.top() {
            return Err(FormatError::Arg {
                arg,
                msg: "no value".into(),
            }
            .into());
        }
        let len = fmt[i..]
            .iter()
            .take_while(|c| b"-+ #0123456789.".contains(c))
            .count();
        if len + 1 >= MAX_DIRECTIVE {
            return msg("invalid format (too long)");
        }
        let form = &fmt[i..(i + len + 1).min(fmt.len())];
        i += len + 1;
        let conv = fmt.get(i - 1).copied().filter(|_| form.len() == len + 1);
        match conv {
            Some(b'c') => {
                let spec = check_spec(form, FLAGS_C, false)?;
                let n = args.integer(arg)?;
                pad(&mut out, &spec, &[], &[], &[n as u8], false);
            }
            Some(b'd') if len == 0 => {
                // Plain `%d`: the digits straight into the output.
                let n = args.integer(arg)?;
                push_decimal(&mut out, n);
            }
            Some(conv @ (b'd' | b'i' | b'u' | b'o' | b'x' | b'X')) => {
                let n = args.integer(arg)?;
                let flags = match conv {
                    b'd' | b'i' => FLAGS_I,
                    b'u' => FLAGS_U,
                    _ => FLAGS_X,
                };
                let spec = check_spec(form, flags, true)?;
                format_int(&mut out, &spec, conv, n);
            }
            Some(conv @ (b'a' | b'A')) => {
                let spec = check_spec(form, FLAGS_F, true)?;
                let x = args.number(arg)?;
                format_float(&mut out, &spec, conv, x);
            }
            Some(conv @ (b'e' | b'E' | b'f' | b'g' | b'G')) => {
                let x = args.number(arg)?;
                let spec = check_spec(form, FLAGS_F, true)?;
                format_float(&mut out, &spec, conv, x);
            }
            Some(b'p') => {
                let p = args.pointer(arg);
                let spec = check_spec(form, FLAGS_C, false)?;
                let text = match p {
                    Some(p) => format!("{p:#x}"),
                    None => "(null)".into(),
                };
                pad(&mut out, &spec, &[], &[], text.as_bytes(), false);
            }
            Some(b'q') => {
                if len != 0 {
                    return msg("specifier '%q' cannot have modifiers");
                }
                match args.literal(arg)? {
                    Literal::Other => {
                        return Err(FormatError::Arg {
                            arg,
                            msg: "value has no literal form".into(),
                        }
                        .into());
                    }
                    lit => quote_literal(&mut out, &lit),
                }
            }
            Some(b's') => {
                let s = args.string(arg)?;
                let s = s.as_ref();
                if len == 0 {
                    out.extend_from_slice(s);
                } else {
                    if s.contains(&0) {
                        return Err(FormatError::Arg {
                            arg,
                            msg: "string contains zeros".into(),
                        }
                        .into());
                    }
                    let spec = check_spec(form, FLAGS_C, true)?;
                    if spec.precision.is_none() && s.len() >= 100 {
                        out.extend_from_slice(s);
                    } else {
                        let n = spec.precision.map_or(s.len(), |p| p.min(s.len()));
                        pad(&mut out, &spec, &[], &[], &s[..n], false);
                    }
                }
            }
            _ => {
                return msg(format!(
                    "invalid conversion '%{}' to 'format'",
                    String::from_utf8_lossy(form)
                ));
            }
        }
    }
    Ok(out)
}

/// Writes `sign`, `prefix` and `body` padded to the spec's width: spaces on the left
/// (or right with `-`), or zeros between prefix and body when `zeros`.
fn pad(out: &mut Vec<u8>, spec: &Spec, sign: &[u8], prefix: &[u8], body: &[u8], zeros: bool) {
    let len = sign.len() + prefix.len() + body.len();
    let fill = spec.width.saturating_sub(len);
    if spec.minus {
        out.extend_from_slice(sign);
        out.extend_from_slice(prefix);
        out.extend_from_slice(body);
        out.resize(out.len() + fill, b' ');
    } else if zeros {
        out.extend_from_slice(sign);
        out.extend_from_slice(prefix);
        out.resize(out.len() + fill, b'0');
        out.extend_from_slice(body);
    } else {
        out.resize(out.len() + fill, b' ');
        out.extend_from_slice(sign);
        out.extend_from_slice(prefix);
        out.extend_from_slice(body);
    }
}

/// Appends the decimal digits of `n` (with a `-` if negative), as plain `%d`.
pub fn push_decimal(out: &mut Vec<u8>, n: i64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    let mut m = n.unsigned_abs();
    loop {
        i -= 1;
        buf[i] = b'0' + (m % 10) as u8;
        m /= 10;
        if m == 0 {
            break;
        }
    }
    if n < 0 {
        out.push(b'-');
    }
    out.extend_from_slice(&buf[i..]);
}

/// Renders one integer conversion (`d i u o x X`) as C `printf` with `%lld`-style
/// length.
pub fn format_int(out: &mut Vec<u8>, spec: &Spec, conv: u8, n: i64) {
    let (sign, mag): (&[u8], u64) = match conv {
        b'd' | b'i' if n < 0 => (b"-", n.unsigned_abs()),
        b'd' | b'i' if spec.plus => (b"+", n as u64),
        b'd' | b'i' if spec.space => (b" ", n as u64),
        _ => (b"", n as u64),
    };
    let mut digits = match conv {
        b'o' => format!("{mag:o}"),
        b'x' => format!("{mag:x}"),
        b'X' => format!("{mag:X}"),
        _ => mag.to_string(),
    }
    .into_bytes();
    if spec.precision == Some(0) && mag == 0 {
        digits.clear();
    }
    if let Some(p) = spec.precision
        && digits.len() < p
    {
        let mut z = vec![b'0'; p - digits.len()];
        z.extend_from_slice(&digits);
        digits = z;
    }
    if conv == b'o' && spec.hash && digits.first() != Some(&b'0') {
        digits.insert(0, b'0');
    }
    let prefix: &[u8] = match conv {
        b'x' if spec.hash && mag != 0 => b"0x",
        b'X' if spec.hash && mag != 0 => b"0X",
        _ => b"",
    };
    let zeros = spec.zero && !spec.minus && spec.precision.is_none();
    pad(out, spec, sign, prefix, &digits, zeros);
}

/// Renders one float conversion (`e E f g G a A`) as glibc's `printf`.
pub fn format_float(out: &mut Vec<u8>, spec: &Spec, conv: u8, x: f64) {
    let upper = conv.is_ascii_uppercase();
    let sign: &[u8] = if x.is_sign_negative() {
        b"-"
    } else if spec.plus {
        b"+"
    } else if spec.space {
        b" "
    } else {
        b""
    };
    if !x.is_finite() {
        let body: &[u8] = match (x.is_nan(), upper) {
            (true, false) => b"nan",
            (true, true) => b"NAN",
            (false, false) => b"inf",
            (false, true) => b"INF",
        };
        pad(out, spec, sign, b"", body, false);
        return;
    }
    let a = x.abs();
    let zeros = spec.zero && !spec.minus;
    match conv.to_ascii_lowercase() {
        b'a' => {
            let body = hex_float_body(a, spec.precision, spec.hash, upper);
            let prefix: &[u8] = if upper { b"0X" } else { b"0x" };
            pad(out, spec, sign, prefix, body.as_bytes(), zeros);
        }
        b'e' => {
            let body = exp_body(a, spec.precision.unwrap_or(6), spec.hash, upper);
            pad(out, spec, sign, b"", body.as_bytes(), zeros);
        }
        b'f' => {
            let body = fixed_body(a, spec.precision.unwrap_or(6), spec.hash);
            pad(out, spec, sign, b"", body.as_bytes(), zeros);
        }
        _ => {
            let body = general_body(a, spec.precision.unwrap_or(6), spec.hash, upper);
            pad(out, spec, sign, b"", body.as_bytes(), zeros);
        }
    }
}

/// `%.{p}f` of a non-negative finite `a`.
fn fixed_body(a: f64, p: usize, hash: bool) -> String {
    let mut s = format!("{a:.p$}");
    if hash && p == 0 {
        s.push('.');
    }
    s
}

/// Splits Rust's `{:.p$e}` output into mantissa and decimal exponent.
fn exp_parts(a: f64, p: usize) -> (String, i32) {
    if let Some(r) = exact_exp_parts(a, p) {
        return r;
    }
    let mut s = format!("{a:.p$e}");
    let i = s.rfind('e').expect("exponent form");
    let (neg, digits) = match &s.as_bytes()[i + 1..] {
        [b'-', d @ ..] => (true, d),
        d => (false, d),
    };
    let e = digits
        .iter()
        .fold(0i32, |e, &c| e * 10 + i32::from(c - b'0'));
    s.truncate(i);
    (s, if neg { -e } else { e })
}

/// [`exp_parts`] by integer arithmetic for the numbers whose exact decimal value is
/// short: `a = m * 2^e` is the integer `m << e` (up to 2^127) or `m * 5^k / 10^k` for
/// `k = -e <= 32`, so its exact digits come from one `u128`; they are rounded to
/// `p + 1` significant digits half to even on the exact value, as glibc's `printf`
/// does. `None` for zero, subnormals and anything else (the general path).
fn exact_exp_parts(a: f64, p: usize) -> Option<(String, i32)> {
    const TEN19: u128 = 10_000_000_000_000_000_000;
    if a == 0.0 || !a.is_finite() || p > 60 {
        return None;
    }
    let bits = a.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    if biased == 0 {
        return None;
    }
    let mut m = (bits & ((1u64 << 52) - 1)) | (1u64 << 52);
    let mut e = biased - 1075;
    let tz = m.trailing_zeros();
    m >>= tz;
    e += tz as i32;
    let (n, k) = if e >= 0 {
        if 64 - m.leading_zeros() as i32 + e > 127 {
            return None;
        }
        (u128::from(m) << e, 0i32)
    } else {
        let k = -e;
        if k > 32 {
            return None;
        }
        (u128::from(m) * 5u128.pow(k as u32), k)
    };
    // The decimal digits of n, most significant first.
    let mut buf = [0u8; 40];
    let mut i = buf.len();
    let mut v = n;
    while v >= TEN19 {
        let mut r = (v % TEN19) as u64;
        v /= TEN19;
        for _ in 0..19 {
            i -= 1;
            buf[i] = b'0' + (r % 10) as u8;
            r /= 10;
        }
    }
    let mut w = v as u64;
    while w > 0 {
        i -= 1;
        buf[i] = b'0' + (w % 10) as u8;
        w /= 10;
    }
    let digits = &buf[i..];
    let len = digits.len();
    let mut exp = len as i32 - 1 - k;
    let want = p + 1;
    let mut d: Vec<u8> = Vec::with_capacity(want + 1);
    if len <= want {
        d.extend_from_slice(digits);
        d.resize(want, b'0');
    } else {
        d.extend_from_slice(&digits[..want]);
        let rest = &digits[want..];
        let up = match rest[0] {
            b'6'..=b'9' => true,
            b'5' => rest[1..].iter().any(|&c| c != b'0') || (d[want - 1] - b'0') % 2 == 1,
            _ => false,
        };
        if up {
            let mut j = want;
            loop {
                if j == 0 {
                    // All nines: 10^want, one more decimal place.
                    d.insert(0, b'1');
                    d.truncate(want);
                    exp += 1;
                    break;
                }
                j -= 1;
                if d[j] == b'9' {
                    d[j] = b'0';
                } else {
                    d[j] += 1;
                    break;
                }
            }
        }
    }
    let mut s = String::with_capacity(want + 1);
    s.push(d[0] as char);
    if want > 1 {
        s.push('.');
        for &c in &d[1..] {
            s.push(c as char);
        }
    }
    Some((s, exp))
}

fn push_exponent(s: &mut String, e: i32, upper: bool) {
    s.push(if upper { 'E' } else { 'e' });
    s.push(if e < 0 { '-' } else { '+' });
    let e = e.unsigned_abs();
    if e < 10 {
        s.push('0');
    }
    s.push_str(&e.to_string());
}

/// `%.{p}e` of a non-negative finite `a`.
fn exp_body(a: f64, p: usize, hash: bool, upper: bool) -> String {
    let (mut m, e) = exp_parts(a, p);
    if hash && p == 0 {
        m.push('.');
    }
    push_exponent(&mut m, e, upper);
    m
}

/// `%.{p}g` of a non-negative finite `a`: C's choice between `%e` and `%f` by the
/// exponent after rounding, then (without `#`) trailing zeros removed.
fn general_body(a: f64, p: usize, hash: bool, upper: bool) -> String {
    let p = p.max(1);
    let (m, x) = exp_parts(a, p - 1);
    let x = if a == 0.0 { 0 } else { x };
    let strip = |s: &mut String| {
        if !hash && s.contains('.') {
            while s.ends_with('0') {
                s.pop();
            }
            if s.ends_with('.') {
                s.pop();
            }
        }
    };
    if (p as i32) > x && x >= -4 {
        // `%.{p-1-x}f` rounds at the same digit as `%.{p-1}e` did (x is the exponent
        // after rounding): the same p significant digits, with the point moved.
        let d = m.as_bytes();
        let digit = |i: usize| if i == 0 { d[0] } else { d[i + 1] };
        let mut s = String::with_capacity(p + 6);
        if x >= 0 {
            let x = x as usize;
            for i in 0..=x {
                s.push(digit(i) as char);
            }
            if x + 1 < p || hash {
                s.push('.');
            }
            for i in x + 1..p {
                s.push(digit(i) as char);
            }
        } else {
            s.push_str("0.");
            for _ in 0..(-x - 1) {
                s.push('0');
            }
            for i in 0..p {
                s.push(digit(i) as char);
            }
        }
        strip(&mut s);
        s
    } else {
        // glibc quirk: with `#`, a value that rounding carried into the exponent that
        // forces `%e` keeps one digit (`%#g` of 999999.5 is `1.e+06`).
        let carried = hash && x == p as i32 && a < 10f64.powi(x);
        let mut s = if carried { "1.".to_string() } else { m };
        if hash && !s.contains('.') {
            s.push('.');
        }
        strip(&mut s);
        push_exponent(&mut s, x, upper);
        s
    }
}

/// The part of `%a` after `0x` for a non-negative finite `a`, as glibc prints it:
/// normal numbers as `1.hhhp+e`, subnormals as `0.hhhp-1022`, with precision rounding
/// to nearest, ties to even (the leading digit may become `2`).
fn hex_float_body(a: f64, precision: Option<usize>, hash: bool, upper: bool) -> String {
    let bits = a.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let frac = bits & ((1u64 << 52) - 1);
    let (lead, exp) = if a == 0.0 {
        (0u64, 0)
    } else if biased == 0 {
        (0, -1022)
    } else {
        (1, biased - 1023)
    };
    let (lead, digits) = match precision {
        None => {
            let mut d = format!("{frac:013x}");
            while d.ends_with('0') {
                d.pop();
            }
            (lead, d)
        }
        Some(p) if p >= 13 => (lead, format!("{frac:013x}{}", "0".repeat(p - 13))),
        Some(p) => {
            let shift = 4 * (13 - p) as u32;
            let value = (lead << 52) | frac;
            let mut kept = value >> shift;
            let rem = value & ((1u64 << shift) - 1);
            let half = 1u64 << (shift - 1);
            if rem > half || (rem == half && kept & 1 == 1) {
                kept += 1;
            }
            let lead = kept >> (4 * p);
            let d = kept & ((1u64 << (4 * p)) - 1);
            let d = if p == 0 {
                String::new()
            } else {
                format!("{d:0p$x}")
            };
            (lead, d)
        }
    };
    let mut s = lead.to_string();
    if !digits.is_empty() || hash {
        s.push('.');
    }
    s.push_str(&digits);
    if upper {
        s.make_ascii_uppercase();
    }
    s.push(if upper { 'P' } else { 'p' });
    if exp >= 0 {
        s.push('+');
    }
    s.push_str(&exp.to_string());
    s
}

/// Appends the `%q` form of a literal (anything but [`Literal::Other`]).
pub fn quote_literal(out: &mut Vec<u8>, lit: &Literal) {
    match lit {
        Literal::Str(s) => {
            out.push(b'"');
            for (i, &c) in s.iter().enumerate() {
                match c {
                    b'"' | b'\\' | b'\n' => {
                        out.push(b'\\');
                        out.push(c);
                    }
                    c if c < 0x20 || c == 0x7f => {
                        let next_digit = s.get(i + 1).is_some_and(u8::is_ascii_digit);
                        let esc = if next_digit {
                            format!("\\{c:03}")
                        } else {
                            format!("\\{c}")
                        };
                        out.extend_from_slice(esc.as_bytes());
                    }
                    c => out.push(c),
                }
            }
            out.push(b'"');
        }
        Literal::Int(i64::MIN) => out.extend_from_slice(b"0x8000000000000000"),
        Literal::Int(n) => out.extend_from_slice(n.to_string().as_bytes()),
        Literal::Float(x) => {
            let text = if *x == f64::INFINITY {
                "1e9999".to_string()
            } else if *x == f64::NEG_INFINITY {
                "-1e9999".to_string()
            } else if x.is_nan() {
                "(0/0)".to_string()
            } else {
                let mut v = Vec::new();
                format_float(&mut v, &Spec::default(), b'a', *x);
                String::from_utf8(v).expect("ascii")
            };
            out.extend_from_slice(text.as_bytes());
        }
        Literal::Nil => out.extend_from_slice(b"nil"),
        Literal::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Literal::Other => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A test argument list with simplified Lua conversions.
    #[derive(Clone, Debug)]
    enum V {
        I(i64),
        F(f64),
        S(&'static str),
        B(&'static [u8]),
        Nil,
        T,
    }

    struct Args(Vec<V>);

    impl FormatArgs for Args {
        type Error = FormatError;
        fn top(&self) -> usize {
            self.0.len() + 1
        }
        fn integer(&mut self, arg: usize) -> Result<i64, FormatError> {
            match &self.0[arg - 2] {
                V::I(i) => Ok(*i),
                V::F(f) if f.fract() == 0.0 && f.abs() < 9.2e18 => Ok(*f as i64),
                V::F(_) => Err(FormatError::Arg {
                    arg,
                    msg: "number has no integer representation".into(),
                }),
                _ => Err(FormatError::Arg {
                    arg,
                    msg: "number expected, got string".into(),
                }),
            }
        }
        fn number(&mut self, arg: usize) -> Result<f64, FormatError> {
            match &self.0[arg - 2] {
                V::I(i) => Ok(*i as f64),
                V::F(f) => Ok(*f),
                _ => Err(FormatError::Arg {
                    arg,
                    msg: "number expected, got string".into(),
                }),
            }
        }
        type Str = Vec<u8>;
        fn string(&mut self, arg: usize) -> Result<Vec<u8>, FormatError> {
            Ok(match &self.0[arg - 2] {
                V::I(i) => i.to_string().into_bytes(),
                V::F(f) => crate::number::fmt_float(*f).into_bytes(),
                V::S(s) => s.as_bytes().to_vec(),
                V::B(s) => s.to_vec(),
                V::Nil => b"nil".to_vec(),
                V::T => b"table: 0x1".to_vec(),
            })
        }
        fn literal(&mut self, arg: usize) -> Result<Literal, FormatError> {
            Ok(match &self.0[arg - 2] {
                V::I(i) => Literal::Int(*i),
                V::F(f) => Literal::Float(*f),
                V::S(s) => Literal::Str(s.as_bytes().to_vec()),
                V::B(s) => Literal::Str(s.to_vec()),
                V::Nil => Literal::Nil,
                V::T => Literal::Other,
            })
        }
        fn pointer(&mut self, arg: usize) -> Option<usize> {
            matches!(self.0[arg - 2], V::T).then_some(0x1234)
        }
    }

    fn f(fmt: &str, args: &[V]) -> String {
        match format(fmt.as_bytes(), &mut Args(args.to_vec())) {
            Ok(v) => String::from_utf8_lossy(&v).into_owned(),
            Err(e) => format!("error: {e}"),
        }
    }

    use V::*;

    #[test]
    fn errors_match_reference() {
        // Expected texts from lua5.4 (5.4.4), with the function named 'format'.
        let cases: &[(&str, &[V], &str)] = &[
            (
                "%10.123d",
                &[I(1)],
                "error: invalid conversion specification: '%10.123d'",
            ),
            ("%y", &[I(1)], "error: invalid conversion '%y' to 'format'"),
            ("%y", &[], "error: bad argument #2 to 'format' (no value)"),
            (
                "%123d",
                &[I(1)],
                "error: invalid conversion specification: '%123d'",
            ),
            (
                "%+x",
                &[I(1)],
                "error: invalid conversion specification: '%+x'",
            ),
            (
                "%.3q",
                &[S("a")],
                "error: specifier '%q' cannot have modifiers",
            ),
            (
                "%q",
                &[T],
                "error: bad argument #2 to 'format' (value has no literal form)",
            ),
            (
                "%d",
                &[F(1.5)],
                "error: bad argument #2 to 'format' (number has no integer representation)",
            ),
            (
                "%-+ #0d",
                &[I(1)],
                "error: invalid conversion specification: '%-+ #0d'",
            ),
            (
                "%100d",
                &[I(1)],
                "error: invalid conversion specification: '%100d'",
            ),
            (
                "%F",
                &[F(1.0)],
                "error: invalid conversion '%F' to 'format'",
            ),
            (
                "%.3s",
                &[B(b"a\0bc")],
                "error: bad argument #2 to 'format' (string contains zeros)",
            ),
            ("%", &[I(1)], "error: invalid conversion '%' to 'format'"),
            ("%5", &[I(1)], "error: invalid conversion '%5' to 'format'"),
            (
                "%d %d",
                &[I(1)],
                "error: bad argument #3 to 'format' (no value)",
            ),
            (
                "%05s",
                &[S("a")],
                "error: invalid conversion specification: '%05s'",
            ),
            (
                "%.3c",
                &[I(65)],
                "error: invalid conversion specification: '%.3c'",
            ),
            (
                "%------------------------d",
                &[I(1)],
                "error: invalid format (too long)",
            ),
            ("%ld", &[I(1)], "error: invalid conversion '%l' to 'format'"),
        ];
        for (fmt, args, want) in cases {
            assert_eq!(f(fmt, args), *want, "format {fmt:?}");
        }
    }

    #[test]
    fn integers_match_reference() {
        let cases: &[(&str, &[V], &str)] = &[
            ("%0-5d|", &[I(1)], "1    |"),
            ("%-05d|", &[I(1)], "1    |"),
            ("%#x", &[I(255)], "0xff"),
            ("%d", &[F(3.0)], "3"),
            ("%x", &[I(-1)], "ffffffffffffffff"),
            ("%5c|", &[I(65)], "    A|"),
            ("%u", &[I(-3)], "18446744073709551613"),
            ("%#o %o", &[I(8), I(8)], "010 10"),
            ("%05d", &[I(-3)], "-0003"),
            ("% d", &[I(3)], " 3"),
            ("%+.3d %.0d|", &[I(5), I(0)], "+005 |"),
            (
                "%#.0o %#o %#x %#X %5.3x",
                &[I(0), I(0), I(0), I(255), I(10)],
                "0 0 0 0XFF   00a",
            ),
            ("%d", &[I(i64::MIN)], "-9223372036854775808"),
            ("%i|%5i|%-5i|", &[I(42), I(42), I(42)], "42|   42|42   |"),
            ("%08.3d|", &[I(7)], "     007|"),
            ("%+05d", &[I(7)], "+0007"),
            ("%X", &[I(3054)], "BEE"),
            ("%c%c%c", &[I(76), I(117), I(97)], "Lua"),
            ("%-3c|", &[I(120)], "x  |"),
            ("100%%", &[], "100%"),
        ];
        for (fmt, args, want) in cases {
            assert_eq!(f(fmt, args), *want, "format {fmt:?}");
        }
    }

    #[test]
    fn floats_match_reference() {
        let cases: &[(&str, &[V], &str)] = &[
            (
                "%.0f %.20f %5.1f %-8.3e %g %g %g %G",
                &[
                    F(0.5),
                    F(0.1),
                    F(2.25),
                    F(12345.6789),
                    F(1e20),
                    F(1e-5),
                    F(100000.0),
                    F(1e-10),
                ],
                "0 0.10000000000000000555   2.2 1.235e+04 1e+20 1e-05 100000 1E-10",
            ),
            (
                "%a %A %.3a %a %a",
                &[F(1.0), F(255.5), F(1.0 / 3.0), F(0.0), F(-0.0)],
                "0x1p+0 0X1.FFP+7 0x1.555p-2 0x0p+0 -0x0p+0",
            ),
            (
                "%.0a %.0a %.1a %a %a %.2a %a",
                &[
                    F(1.5),
                    F(2.5),
                    F(1.03125),
                    F(5e-324),
                    F(2f64.powi(-1022)),
                    F(1.999),
                    F(1e300),
                ],
                "0x2p+0 0x1p+1 0x1.0p+0 0x0.0000000000001p-1022 0x1p-1022 0x2.00p+0 \
                 0x1.7e43c8800759cp+996",
            ),
            (
                "%05f| %-6.1f|",
                &[F(f64::INFINITY), F(f64::INFINITY)],
                "  inf| inf   |",
            ),
            ("%e", &[I(0)], "0.000000e+00"),
            ("%g %5.1f|", &[F(-f64::NAN), F(-f64::NAN)], "-nan  -nan|"),
            ("%f", &[F(f64::INFINITY)], "inf"),
            ("%.14g", &[F(0.1)], "0.1"),
            (
                "%#.3g %g %.0e %#.0e %#.0f %.3g",
                &[I(1), I(123456789), I(15), I(15), I(3), F(0.0001234)],
                "1.00 1.23457e+08 2e+01 2.e+01 3. 0.000123",
            ),
            ("%.99f", &[I(1)], &format!("1.{}", "0".repeat(99))),
            ("%g %g %g", &[F(0.0), F(-0.0), F(1e15)], "0 -0 1e+15"),
            ("%g %g", &[F(123456.0), F(1234567.0)], "123456 1.23457e+06"),
            ("%.3f %.2e", &[F(2.0005), F(-1e-300)], "2.001 -1.00e-300"),
            (
                "%010.3f|%-10.2f|%+f",
                &[F(-3.14259), F(2.5), F(1.0)],
                "-00003.143|2.50      |+1.000000",
            ),
            (
                "%e %E",
                &[F(1e100), F(5e-324)],
                "1.000000e+100 4.940656E-324",
            ),
            (
                "%.0g %#g %g",
                &[F(0.5), F(1.0), F(0.0001)],
                "0.5 1.00000 0.0001",
            ),
            (
                "%#g|%#g|%#g|%#.3g|%#.3g|%#g|%g|%#.1g|%#.2g",
                &[
                    F(999999.5),
                    F(9.9999995),
                    F(99999.95),
                    F(999.7),
                    F(9.997),
                    F(0.000099999995),
                    F(999999.5),
                    F(9.7),
                    F(99.7),
                ],
                "1.e+06|10.0000|99999.9|1.e+03|10.0|0.000100000|1e+06|1.e+01|1.e+02",
            ),
            (
                "%010a %-12A|",
                &[F(1.0), F(-2.0)],
                "0x00001p+0 -0X1P+1     |",
            ),
        ];
        for (fmt, args, want) in cases {
            assert_eq!(f(fmt, args), *want, "format {fmt:?}");
        }
    }

    #[test]
    fn strings_and_quoting_match_reference() {
        let long = "x".repeat(120);
        let cases: &[(&str, Vec<V>, String)] = &[
            ("%5.2s|", vec![S("abc")], "   ab|".into()),
            (
                "%s %s %s",
                vec![Nil, S("true"), I(12)],
                "nil true 12".into(),
            ),
            ("%5.3s|", vec![S("abcdef")], "  abc|".into()),
            ("%-5s|", vec![S("ab")], "ab   |".into()),
            ("%10s", vec![S(long.clone().leak())], long.clone()),
            ("%s", vec![B(b"a\0b")], "a\0b".into()),
            (
                "%q",
                vec![B(b"a\nb\0c\"\\\r\x01\x012\xff")],
                "\"a\\\nb\\0c\\\"\\\\\\13\\1\\0012\u{fffd}\"".into(),
            ),
            ("%q", vec![I(i64::MIN)], "0x8000000000000000".into()),
            (
                "%q %q %q %q",
                vec![F(1.5), F(f64::INFINITY), F(f64::NEG_INFINITY), F(f64::NAN)],
                "0x1.8p+0 1e9999 -1e9999 (0/0)".into(),
            ),
            (
                "%q %q %q",
                vec![F(2f64.powi(63)), F(1.0), I(-7)],
                "0x1p+63 0x1p+0 -7".into(),
            ),
            ("%q", vec![Nil], "nil".into()),
            ("%q", vec![B(b"\x7f9\t")], "\"\\1279\\9\"".into()),
            ("%p", vec![I(1)], "(null)".into()),
            ("%p", vec![T], "0x1234".into()),
        ];
        for (fmt, args, want) in cases {
            assert_eq!(f(fmt, args), *want, "format {fmt:?}");
        }
    }
}
