//! Lua 5.4 pattern matching over byte strings: the engine behind `string.find`,
//! `string.match`, `string.gmatch` and `string.gsub`.
//!
//! The algorithm is the reference's backtracking matcher (`lstrlib.c`, "pattern
//! matching" section), written anew: one recursive `do_match` whose recursion points are
//! the same as the reference's (`?`, `*`, `+`, `-`, captures), so the match-depth bound
//! ([`MAX_MATCH_DEPTH`], the reference's `MAXCCALLS`) reports `pattern too complex` on
//! exactly the same patterns and the Rust stack can never overflow. Character classes
//! follow the C locale, as the reference does under `lua5.4`.
//!
//! Positions are 0-based byte offsets into the subject; position captures (`()`) report
//! the 1-based Lua position, as the library functions return it.

use std::ops::Range;

/// Maximum number of captures in one pattern (the reference's `LUA_MAXCAPTURES`).
pub const MAX_CAPTURES: usize = 32;

/// Maximum recursion depth of the matcher (the reference's `MAXCCALLS`).
pub const MAX_MATCH_DEPTH: usize = 200;

/// The characters whose presence makes `string.find` use the matcher rather than a
/// plain substring search (the reference's `SPECIALS`).
const SPECIALS: &[u8] = b"^$*+?.([%-";

const ESC: u8 = b'%';

/// An error in a pattern or a replacement string. The text is the reference's message,
/// without position (the library raises it as is).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct PatternError(pub String);

fn err<T>(msg: impl Into<String>) -> Result<T, PatternError> {
    Err(PatternError(msg.into()))
}

/// One capture slot as the matcher left it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Capture {
    /// A substring capture: the byte range in the subject.
    Slice(Range<usize>),
    /// A position capture `()`: the 1-based position in the subject.
    Position(usize),
    /// A capture opened but never closed (an error when its value is asked for).
    Unfinished,
}

/// A capture value, ready to be pushed as a Lua value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CaptureValue {
    /// A substring of the subject (as a byte range).
    Str(Range<usize>),
    /// A position (1-based), pushed as an integer.
    Position(usize),
}

/// A successful match: the range of the whole match and the capture slots.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Match {
    /// The bytes matched by the whole pattern.
    pub range: Range<usize>,
    /// The captures in pattern order (empty if the pattern has none).
    pub captures: Vec<Capture>,
}

impl Match {
    /// The value of capture `i` (0-based) as the reference's `get_onecapture`: when the
    /// pattern has no captures, capture 0 is the whole match; any other missing index
    /// is `invalid capture index %N`; an unclosed one is `unfinished capture`.
    pub fn get(&self, i: usize) -> Result<CaptureValue, PatternError> {
        match self.captures.get(i) {
            None if i == 0 => Ok(CaptureValue::Str(self.range.clone())),
            None => err(format!("invalid capture index %{}", i + 1)),
            Some(Capture::Slice(r)) => Ok(CaptureValue::Str(r.clone())),
            Some(Capture::Position(p)) => Ok(CaptureValue::Position(*p)),
            Some(Capture::Unfinished) => err("unfinished capture"),
        }
    }

    /// All capture values as the reference's `push_captures`: with `whole_if_none`
    /// (`match`, `gmatch`) a pattern without captures yields the whole match; without
    /// it (`find`) it yields nothing.
    pub fn values(&self, whole_if_none: bool) -> Result<Vec<CaptureValue>, PatternError> {
        let n = if self.captures.is_empty() && whole_if_none {
            1
        } else {
            self.captures.len()
        };
        (0..n).map(|i| self.get(i)).collect()
    }
}

/// Whether `pattern` contains no magic characters, so that `string.find` may search
/// for it as plain bytes.
pub fn no_specials(pattern: &[u8]) -> bool {
    !pattern.iter().any(|c| SPECIALS.contains(c))
}

/// Plain substring search: the first offset of `needle` in `haystack`.
pub fn plain_find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    if needle.len() > haystack.len() {
        return None;
    }
    let first = needle[0];
    let last_start = haystack.len() - needle.len();
    let mut i = 0;
    while i <= last_start {
        match haystack[i..=last_start].iter().position(|&c| c == first) {
            None => return None,
            Some(k) => {
                i += k;
                if &haystack[i..i + needle.len()] == needle {
                    return Some(i);
                }
                i += 1;
            }
        }
    }
    None
}

/// Searches `subject` from byte offset `init` (at most `subject.len()`) for the first
/// match of `pattern`, as `string.find`/`string.match` do: a leading `^` anchors the
/// match at `init`.
pub fn find(subject: &[u8], pattern: &[u8], init: usize) -> Result<Option<Match>, PatternError> {
    let (anchor, pat) = match pattern.first() {
        Some(b'^') => (true, &pattern[1..]),
        _ => (false, pattern),
    };
    if !anchor && let Some((set, true)) = first_set_whole(pat) {
        // The pattern is one single-character class: a scan for its first byte.
        let s = skip_to(subject, &set, init);
        return Ok((s < subject.len()).then(|| Match {
            range: s..s + 1,
            captures: Vec::new(),
        }));
    }
    let mut ms = MatchState::new(subject, pat);
    let mut s = init;
    // The byte set is made only once the first position failed (the usual anchored
    // or immediate match does not pay for it).
    let mut set: Option<Option<ByteSet>> = None;
    loop {
        ms.reset();
        if let Some(e) = ms.do_match(s, 0)? {
            return Ok(Some(ms.finish(s, e)));
        }
        s += 1;
        if anchor || s > subject.len() {
            return Ok(None);
        }
        if let Some(set) = set.get_or_insert_with(|| first_set(pat)) {
            s = skip_to(subject, set, s);
            if s == subject.len() {
                return Ok(None);
            }
        }
    }
}

/// Matches `pattern` exactly at offset `pos` (no anchor processing: a leading `^` is
/// an ordinary character, as in `gmatch`).
pub fn match_at(subject: &[u8], pattern: &[u8], pos: usize) -> Result<Option<Match>, PatternError> {
    let mut ms = MatchState::new(subject, pattern);
    Ok(ms.do_match(pos, 0)?.map(|e| ms.finish(pos, e)))
}

/// The state of a `string.gmatch` iteration: where the next search starts and where
/// the last match ended (5.4 refuses an empty match at the end of the previous one).
#[derive(Clone, Debug)]
pub struct GMatch {
    /// Next offset to try.
    pub pos: usize,
    /// End of the last match, if any.
    pub last_match: Option<usize>,
}

impl GMatch {
    /// Starts an iteration at byte offset `init` (at most the subject length + 1; a
    /// start past the end yields nothing).
    pub fn new(init: usize) -> Self {
        GMatch {
            pos: init,
            last_match: None,
        }
    }

    /// The next match, or `None` when the iteration is over. `^` is not an anchor here.
    pub fn next(&mut self, subject: &[u8], pattern: &[u8]) -> Result<Option<Match>, PatternError> {
        let mut ms = MatchState::new(subject, pattern);
        let mut s = self.pos;
        let mut set: Option<Option<ByteSet>> = None;
        while s <= subject.len() {
            if s > self.pos
                && let Some(set) = set.get_or_insert_with(|| first_set(pattern))
            {
                s = skip_to(subject, set, s);
                if s == subject.len() {
                    s += 1;
                    break;
                }
            }
            ms.reset();
            if let Some(e) = ms.do_match(s, 0)?
                && Some(e) != self.last_match
            {
                self.pos = e;
                self.last_match = Some(e);
                return Ok(Some(ms.finish(s, e)));
            }
            s += 1;
        }
        self.pos = s;
        Ok(None)
    }
}

/// The driver of `string.gsub`: replaces up to `max_n` matches of `pattern` in
/// `subject`; `repl` appends the replacement of one match to the output (see
/// [`expand_replacement`] for string replacements). Returns the new string (`None`
/// when nothing matched: the subject is the result) and the number of matches. 5.4
/// semantics: an empty match right after the previous match is
/// not a match.
pub fn gsub<E: From<PatternError>>(
    subject: &[u8],
    pattern: &[u8],
    max_n: Option<usize>,
    mut repl: impl FnMut(&Match, &mut Vec<u8>) -> Result<(), E>,
) -> Result<(Option<Vec<u8>>, usize), E> {
    let (anchor, pat) = match pattern.first() {
        Some(b'^') => (true, &pattern[1..]),
        _ => (false, pattern),
    };
    let mut ms = MatchState::new(subject, pat);
    // The output is made at the first match; the subject bytes before a match are
    // copied when it is found (from `copied`).
    let mut out: Option<Vec<u8>> = None;
    let mut copied = 0;
    let mut src = 0;
    let mut last_match = None;
    let mut n = 0;
    let set = if anchor { None } else { first_set(pat) };
    while max_n.is_none_or(|m| n < m) {
        if let Some(set) = &set {
            // Skip the bytes that cannot start a match.
            src = skip_to(subject, set, src);
        }
        ms.reset();
        match ms.do_match(src, 0)? {
            Some(e) if Some(e) != last_match => {
                n += 1;
                let m = ms.finish(src, e);
                let o = out.get_or_insert_with(|| Vec::with_capacity(subject.len()));
                o.extend_from_slice(&subject[copied..src]);
                repl(&m, o)?;
                src = e;
                copied = e;
                last_match = Some(e);
            }
            _ if src < subject.len() => src += 1,
            _ => break,
        }
        if anchor {
            break;
        }
    }
    if let Some(o) = &mut out {
        o.extend_from_slice(&subject[copied.min(subject.len())..]);
    }
    Ok((out, n))
}

/// Appends the expansion of a `gsub` replacement string for match `m`: `%0` is the whole
/// match, `%1`-`%9` the captures (a position capture as its decimal number), `%%` a
/// percent sign; anything else after `%` is `invalid use of '%' in replacement string`.
pub fn expand_replacement(
    subject: &[u8],
    m: &Match,
    repl: &[u8],
    out: &mut Vec<u8>,
) -> Result<(), PatternError> {
    let mut i = 0;
    while i < repl.len() {
        let c = repl[i];
        if c != ESC {
            out.push(c);
            i += 1;
            continue;
        }
        let d = repl.get(i + 1).copied();
        i += 2;
        match d {
            Some(ESC) => out.push(ESC),
            Some(b'0') => out.extend_from_slice(&subject[m.range.clone()]),
            Some(d @ b'1'..=b'9') => match m.get((d - b'1') as usize)? {
                CaptureValue::Str(r) => out.extend_from_slice(&subject[r]),
                CaptureValue::Position(p) => out.extend_from_slice(p.to_string().as_bytes()),
            },
            _ => return err("invalid use of '%' in replacement string"),
        }
    }
    Ok(())
}

/// Whether byte `c` belongs to class letter `cl` (`a c d g l p s u w x`, upper case for
/// the complement; any other letter stands for itself), in the C locale.
pub const fn match_class(c: u8, cl: u8) -> bool {
    let res = match cl.to_ascii_lowercase() {
        b'a' => c.is_ascii_alphabetic(),
        b'c' => c.is_ascii_control(),
        b'd' => c.is_ascii_digit(),
        b'g' => c.is_ascii_graphic(),
        b'l' => c.is_ascii_lowercase(),
        b'p' => c.is_ascii_punctuation(),
        b's' => matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r'),
        b'u' => c.is_ascii_uppercase(),
        b'w' => c.is_ascii_alphanumeric(),
        b'x' => c.is_ascii_hexdigit(),
        b'z' => c == 0, // deprecated, still accepted by 5.4
        _ => return cl == c,
    };
    if cl.is_ascii_uppercase() { !res } else { res }
}

/// A set of bytes, one bit each.
type ByteSet = [u64; 4];

/// Whether byte `b` is in set `set`.
#[inline(always)]
fn in_set(set: &ByteSet, b: u8) -> bool {
    (set[(b >> 6) as usize] >> (b & 63)) & 1 != 0
}

/// Adds byte `b` to `set`.
const fn add(set: &mut ByteSet, b: u8) {
    set[(b >> 6) as usize] |= 1 << (b & 63);
}

/// The set of bytes each class letter (`%a`, `%D`, ...; any other byte: itself)
/// matches, computed at compile time from [`match_class`].
static CLASS_SETS: [ByteSet; 256] = {
    let mut t = [[0u64; 4]; 256];
    let mut cl = 0;
    while cl < 256 {
        let mut c = 0;
        while c < 256 {
            if match_class(c as u8, cl as u8) {
                add(&mut t[cl], c as u8);
            }
            c += 1;
        }
        cl += 1;
    }
    t
};

/// The bytes a match of `pat` (no anchor) can start with, when every match consumes
/// one byte of that set first: the pattern starts with a single-character class (a
/// literal, `%x` or `[...]`, not `.`) without a `*`, `?` or `-` quantifier. Lets the
/// unanchored searches skip the positions where the matcher would fail on its first
/// class (it fails there without looking further, so no error is missed). `None` when
/// the pattern starts otherwise or is malformed (the matcher raises the error).
fn first_set(pat: &[u8]) -> Option<ByteSet> {
    first_set_whole(pat).map(|(set, _)| set)
}

/// [`first_set`], and whether that class is the whole pattern.
fn first_set_whole(pat: &[u8]) -> Option<(ByteSet, bool)> {
    let c = *pat.first()?;
    match c {
        b'(' | b')' | b'.' => return None,
        b'$' if pat.len() == 1 => return None,
        ESC => match pat.get(1) {
            None | Some(b'b' | b'f' | b'0'..=b'9') => return None,
            _ => {}
        },
        _ => {}
    }
    let ep = class_end(pat, 0).ok()?;
    if matches!(pat.get(ep), Some(b'*' | b'?' | b'-')) {
        return None;
    }
    let mut set = [0u64; 4];
    match c {
        ESC => set = CLASS_SETS[pat[1] as usize],
        b'[' => {
            // As `match_bracket_class`: the union of the items, complemented after `^`.
            let ec = ep - 1;
            let mut p = 1;
            let neg = pat[p] == b'^';
            if neg {
                p += 1;
            }
            while p < ec {
                if pat[p] == ESC {
                    p += 1;
                    let cs = &CLASS_SETS[pat[p] as usize];
                    for (w, x) in set.iter_mut().zip(cs) {
                        *w |= x;
                    }
                } else if pat[p + 1] == b'-' && p + 2 < ec {
                    for b in pat[p]..=pat[p + 2] {
                        add(&mut set, b);
                    }
                    p += 2;
                } else {
                    add(&mut set, pat[p]);
                }
                p += 1;
            }
            if neg {
                for w in &mut set {
                    *w = !*w;
                }
            }
        }
        _ => add(&mut set, c),
    }
    Some((set, ep == pat.len()))
}

/// The first offset at or after `s` whose byte is in `set` (`subject.len()` if none).
#[inline]
fn skip_to(subject: &[u8], set: &ByteSet, s: usize) -> usize {
    match subject[s..].iter().position(|&b| in_set(set, b)) {
        Some(k) => s + k,
        None => subject.len(),
    }
}

/// The end of the single-character class of `pat` starting at `p`.
fn class_end(pat: &[u8], mut p: usize) -> Result<usize, PatternError> {
    let at = |p: usize| pat.get(p).copied().unwrap_or(0);
    let c = pat[p];
    p += 1;
    if c == ESC {
        if p >= pat.len() {
            return err("malformed pattern (ends with '%')");
        }
        return Ok(p + 1);
    }
    if c == b'[' {
        if at(p) == b'^' {
            p += 1;
        }
        // The first character after `[` (or `[^`) is always part of the set.
        loop {
            if p >= pat.len() {
                return err("malformed pattern (missing ']')");
            }
            let c = pat[p];
            p += 1;
            if c == ESC && p < pat.len() {
                p += 1;
            }
            if at(p) == b']' {
                break;
            }
        }
        return Ok(p + 1);
    }
    Ok(p)
}

/// Capture slot length markers, as in the reference.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CapLen {
    Unfinished,
    Position,
    Len(usize),
}

struct MatchState<'a> {
    src: &'a [u8],
    pat: &'a [u8],
    level: usize,
    matchdepth: usize,
    capture: [(usize, CapLen); MAX_CAPTURES],
}

impl<'a> MatchState<'a> {
    fn new(src: &'a [u8], pat: &'a [u8]) -> Self {
        MatchState {
            src,
            pat,
            level: 0,
            matchdepth: MAX_MATCH_DEPTH,
            capture: [(0, CapLen::Unfinished); MAX_CAPTURES],
        }
    }

    fn reset(&mut self) {
        self.level = 0;
        self.matchdepth = MAX_MATCH_DEPTH;
    }

    fn finish(&self, start: usize, end: usize) -> Match {
        let captures = self.capture[..self.level]
            .iter()
            .map(|&(init, len)| match len {
                CapLen::Unfinished => Capture::Unfinished,
                CapLen::Position => Capture::Position(init + 1),
                CapLen::Len(l) => Capture::Slice(init..init + l),
            })
            .collect();
        Match {
            range: start..end,
            captures,
        }
    }

    /// The pattern byte at `p`, or 0 past the end (the reference reads the NUL there).
    fn pat_at(&self, p: usize) -> u8 {
        self.pat.get(p).copied().unwrap_or(0)
    }

    /// The end of the single-character class starting at `p`.
    #[inline]
    fn class_end(&self, p: usize) -> Result<usize, PatternError> {
        class_end(self.pat, p)
    }

    /// Whether `c` is in the set `[...]` spanning `p` (at `[`) to `ec` (at `]`).
    fn match_bracket_class(&self, c: u8, mut p: usize, ec: usize) -> bool {
        let mut sig = true;
        if self.pat[p + 1] == b'^' {
            sig = false;
            p += 1;
        }
        p += 1;
        while p < ec {
            if self.pat[p] == ESC {
                p += 1;
                if match_class(c, self.pat[p]) {
                    return sig;
                }
            } else if self.pat[p + 1] == b'-' && p + 2 < ec {
                if self.pat[p] <= c && c <= self.pat[p + 2] {
                    return sig;
                }
                p += 2;
            } else if self.pat[p] == c {
                return sig;
            }
            p += 1;
        }
        !sig
    }

    /// Whether the subject byte at `s` matches the single class `p..ep`.
    fn single_match(&self, s: usize, p: usize, ep: usize) -> bool {
        let Some(&c) = self.src.get(s) else {
            return false;
        };
        match self.pat[p] {
            b'.' => true,
            ESC => match_class(c, self.pat[p + 1]),
            b'[' => self.match_bracket_class(c, p, ep - 1),
            pc => pc == c,
        }
    }

    fn do_match(&mut self, s: usize, p: usize) -> Result<Option<usize>, PatternError> {
        self.matchdepth -= 1;
        if self.matchdepth == 0 {
            return err("pattern too complex");
        }
        let r = self.do_match_inner(s, p);
        self.matchdepth += 1;
        r
    }

    fn do_match_inner(
        &mut self,
        mut s: usize,
        mut p: usize,
    ) -> Result<Option<usize>, PatternError> {
        loop {
            if p == self.pat.len() {
                return Ok(Some(s));
            }
            match self.pat[p] {
                b'(' => {
                    return if self.pat_at(p + 1) == b')' {
                        self.start_capture(s, p + 2, CapLen::Position)
                    } else {
                        self.start_capture(s, p + 1, CapLen::Unfinished)
                    };
                }
                b')' => return self.end_capture(s, p + 1),
                b'$' if p + 1 == self.pat.len() => {
                    return Ok((s == self.src.len()).then_some(s));
                }
                ESC if self.pat_at(p + 1) == b'b' => match self.match_balance(s, p + 2)? {
                    Some(e) => {
                        s = e;
                        p += 4;
                        continue;
                    }
                    None => return Ok(None),
                },
                ESC if self.pat_at(p + 1) == b'f' => {
                    p += 2;
                    if self.pat_at(p) != b'[' {
                        return err("missing '[' after '%f' in pattern");
                    }
                    let ep = self.class_end(p)?;
                    let prev = if s == 0 { 0 } else { self.src[s - 1] };
                    let cur = self.src.get(s).copied().unwrap_or(0);
                    if !self.match_bracket_class(prev, p, ep - 1)
                        && self.match_bracket_class(cur, p, ep - 1)
                    {
                        p = ep;
                        continue;
                    }
                    return Ok(None);
                }
                ESC if self.pat_at(p + 1).is_ascii_digit() => {
                    match self.match_capture(s, self.pat[p + 1])? {
                        Some(e) => {
                            s = e;
                            p += 2;
                            continue;
                        }
                        None => return Ok(None),
                    }
                }
                _ => {}
            }
            // Default: a single-character class, maybe with a quantifier.
            let ep = self.class_end(p)?;
            let q = self.pat_at(ep);
            if !self.single_match(s, p, ep) {
                if ep < self.pat.len() && matches!(q, b'*' | b'?' | b'-') {
                    p = ep + 1;
                    continue;
                }
                return Ok(None);
            }
            match q {
                b'?' if ep < self.pat.len() => {
                    if let Some(r) = self.do_match(s + 1, ep + 1)? {
                        return Ok(Some(r));
                    }
                    p = ep + 1;
                }
                b'+' if ep < self.pat.len() => return self.max_expand(s + 1, p, ep),
                b'*' if ep < self.pat.len() => return self.max_expand(s, p, ep),
                b'-' if ep < self.pat.len() => return self.min_expand(s, p, ep),
                _ => {
                    s += 1;
                    p = ep;
                }
            }
        }
    }

    fn max_expand(&mut self, s: usize, p: usize, ep: usize) -> Result<Option<usize>, PatternError> {
        let mut i = 0;
        while self.single_match(s + i, p, ep) {
            i += 1;
        }
        loop {
            if let Some(r) = self.do_match(s + i, ep + 1)? {
                return Ok(Some(r));
            }
            if i == 0 {
                return Ok(None);
            }
            i -= 1;
        }
    }

    fn min_expand(
        &mut self,
        mut s: usize,
        p: usize,
        ep: usize,
    ) -> Result<Option<usize>, PatternError> {
        loop {
            if let Some(r) = self.do_match(s, ep + 1)? {
                return Ok(Some(r));
            }
            if self.single_match(s, p, ep) {
                s += 1;
            } else {
                return Ok(None);
            }
        }
    }

    fn start_capture(
        &mut self,
        s: usize,
        p: usize,
        what: CapLen,
    ) -> Result<Option<usize>, PatternError> {
        if self.level >= MAX_CAPTURES {
            return err("too many captures");
        }
        self.capture[self.level] = (s, what);
        self.level += 1;
        let r = self.do_match(s, p)?;
        if r.is_none() {
            self.level -= 1;
        }
        Ok(r)
    }

    fn end_capture(&mut self, s: usize, p: usize) -> Result<Option<usize>, PatternError> {
        let Some(l) = (0..self.level)
            .rev()
            .find(|&l| self.capture[l].1 == CapLen::Unfinished)
        else {
            return err("invalid pattern capture");
        };
        self.capture[l].1 = CapLen::Len(s - self.capture[l].0);
        let r = self.do_match(s, p)?;
        if r.is_none() {
            self.capture[l].1 = CapLen::Unfinished;
        }
        Ok(r)
    }

    fn match_balance(&self, s: usize, p: usize) -> Result<Option<usize>, PatternError> {
        if p + 1 >= self.pat.len() {
            return err("malformed pattern (missing arguments to '%b')");
        }
        let (b, e) = (self.pat[p], self.pat[p + 1]);
        if self.src.get(s) != Some(&b) {
            return Ok(None);
        }
        let mut depth = 1usize;
        for (i, &c) in self.src.iter().enumerate().skip(s + 1) {
            if c == e {
                depth -= 1;
                if depth == 0 {
                    return Ok(Some(i + 1));
                }
            } else if c == b {
                depth += 1;
            }
        }
        Ok(None)
    }

    fn match_capture(&self, s: usize, digit: u8) -> Result<Option<usize>, PatternError> {
        let l = (digit as usize).wrapping_sub(b'1' as usize);
        if l >= self.level || self.capture[l].1 == CapLen::Unfinished {
            return err(format!(
                "invalid capture index %{}",
                l.wrapping_add(1) as isize
            ));
        }
        let (init, len) = self.capture[l];
        let CapLen::Len(len) = len else {
            return Ok(None); // a position capture never matches as a back-reference
        };
        let end = s + len;
        if end <= self.src.len() && self.src[init..init + len] == self.src[s..end] {
            Ok(Some(end))
        } else {
            Ok(None)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Renders `string.find(s, p, init)` as lua5.4 prints it (tab-separated).
    fn lua_find(s: &str, p: &str, init: usize) -> String {
        let s = s.as_bytes();
        match find(s, p.as_bytes(), init) {
            Err(e) => format!("error: {e}"),
            Ok(None) => "nil".into(),
            Ok(Some(m)) => {
                let mut out = vec![(m.range.start + 1).to_string(), m.range.end.to_string()];
                match m.values(false) {
                    Err(e) => return format!("error: {e}"),
                    Ok(vs) => out.extend(vs.into_iter().map(|v| show(s, v))),
                }
                out.join("\t")
            }
        }
    }

    fn show(s: &[u8], v: CaptureValue) -> String {
        match v {
            CaptureValue::Str(r) => String::from_utf8_lossy(&s[r]).into_owned(),
            CaptureValue::Position(p) => p.to_string(),
        }
    }

    fn lua_match(s: &str, p: &str) -> String {
        let s = s.as_bytes();
        match find(s, p.as_bytes(), 0) {
            Err(e) => format!("error: {e}"),
            Ok(None) => "nil".into(),
            Ok(Some(m)) => match m.values(true) {
                Err(e) => format!("error: {e}"),
                Ok(vs) => vs
                    .into_iter()
                    .map(|v| show(s, v))
                    .collect::<Vec<_>>()
                    .join("\t"),
            },
        }
    }

    fn lua_gsub(s: &str, p: &str, r: &str) -> String {
        let sb = s.as_bytes();
        let res = gsub::<PatternError>(sb, p.as_bytes(), None, |m, out| {
            expand_replacement(sb, m, r.as_bytes(), out)
        });
        match res {
            Err(e) => format!("error: {e}"),
            Ok((out, n)) => {
                let out = out.unwrap_or_else(|| sb.to_vec());
                format!("{}\t{n}", String::from_utf8_lossy(&out))
            }
        }
    }

    fn lua_gmatch(s: &str, p: &str) -> String {
        let sb = s.as_bytes();
        let mut g = GMatch::new(0);
        let mut out = String::new();
        while let Some(m) = g.next(sb, p.as_bytes()).unwrap() {
            let vs = m.values(true).unwrap();
            out.push('[');
            out.push_str(
                &vs.into_iter()
                    .map(|v| show(sb, v))
                    .collect::<Vec<_>>()
                    .join(","),
            );
            out.push(']');
        }
        out
    }

    #[test]
    fn errors_match_reference() {
        // Expected texts from lua5.4 (5.4.4): pcall(string.find, "abc", p).
        let cases = [
            ("%", "error: malformed pattern (ends with '%')"),
            ("[a", "error: malformed pattern (missing ']')"),
            ("[", "error: malformed pattern (missing ']')"),
            ("[^", "error: malformed pattern (missing ']')"),
            ("%f", "error: missing '[' after '%f' in pattern"),
            ("%fa", "error: missing '[' after '%f' in pattern"),
            ("%1", "error: invalid capture index %1"),
            ("(a)%2", "error: invalid capture index %2"),
            ("(a%1)", "error: invalid capture index %1"),
            ("b)", "error: invalid pattern capture"),
            ("(a", "error: unfinished capture"),
            ("(()", "error: unfinished capture"),
            ("%b", "error: malformed pattern (missing arguments to '%b')"),
            (
                "%ba",
                "error: malformed pattern (missing arguments to '%b')",
            ),
        ];
        for (p, want) in cases {
            assert_eq!(lua_find("abc", p, 0), want, "pattern {p:?}");
        }
        let many = "()".repeat(33);
        assert_eq!(lua_find("abc", &many, 0), "error: too many captures");
        let ok32 = "()".repeat(32);
        assert!(lua_find("abc", &ok32, 0).starts_with("1\t0\t1\t1"));
        let deep = "a?".repeat(300);
        assert_eq!(
            lua_find(&"a".repeat(300), &deep, 0),
            "error: pattern too complex"
        );
    }

    #[test]
    fn find_matches_reference() {
        // Expected values from lua5.4.
        let cases: &[(&str, &str, usize, &str)] = &[
            ("a]b", "[]]", 0, "2\t2"),
            ("abc", "^b", 1, "2\t2"),
            ("abc", "^b", 0, "nil"),
            ("THE (quick) fox", "%((%a+)%)", 0, "5\t11\tquick"),
            ("THE (quick) fox", "%f[%a]%a+", 4, "6\t10"),
            ("a\0b", "%z", 0, "2\t2"),
            ("", "", 0, "1\t0"),
            ("abc", "", 3, "4\t3"),
            ("abc", "c$", 0, "3\t3"),
            ("ab$c", "b$c", 0, "2\t4"),
            ("abc", "()b()", 0, "2\t2\t2\t3"),
            ("hello world", "o w", 0, "5\t7"),
            ("hello", "l+", 0, "3\t4"),
            ("hello", "l-o", 0, "3\t5"),
            ("hello", "x*", 0, "1\t0"),
            ("  x  ", "%S", 0, "3\t3"),
            ("f(a(b)c)d", "%b()", 0, "2\t8"),
            ("THE END", "%f[%w]%w+$", 0, "5\t7"),
            ("x=1, y=22", "(%w+)=(%d+)", 5, "6\t9\ty\t22"),
            ("aaab", "a-b", 0, "1\t4"),
            ("abc", "[%a-]", 0, "1\t1"),
            ("-", "[a-]", 0, "1\t1"),
            ("b", "[a-c]", 0, "1\t1"),
            ("b", "[^a-c]", 0, "nil"),
            ("0x1F", "^0[xX](%x+)$", 0, "1\t4\t1F"),
        ];
        for &(s, p, init, want) in cases {
            assert_eq!(lua_find(s, p, init), want, "find({s:?}, {p:?}, {init})");
        }
    }

    #[test]
    fn match_matches_reference() {
        let cases: &[(&str, &str, &str)] = &[
            ("abc", "()(b)()", "2\tb\t3"),
            ("  x", "^%s*()", "3"),
            ("hello", "(h)(e)(l)(l)(o)", "h\te\tl\tl\to"),
            ("key = value", "(%w+)%s*=%s*(%w+)", "key\tvalue"),
            ("aaa", "(a*)%1", "a"),
            ("abab", "(ab)%1", "ab"),
            ("[[x]]", "%[(%b[])%]", "[x]"),
            ("a-b", "[a%-z]+", "a-"),
            ("a-b", "[%a-]+", "a-b"),
            ("Ab9_", "[^%l]+", "A"),
            ("x", "[a-]", "nil"),
            ("abc", "%g", "a"),
            ("a.b", "%.", "."),
            ("a+b", "a%+b", "a+b"),
            ("2024-01-05", "(%d+)-(%d+)-(%d+)", "2024\t01\t05"),
            ("  trim me  ", "^%s*(.-)%s*$", "trim me"),
            ("A\tB", "%c", "\t"),
            ("#$!", "%p+", "#$!"),
            ("abc", "()", "1"),
            ("x^a", "^a", "nil"),
            ("a(b", "%(", "("),
            ("end", ".-$", "end"),
            ("caab", "ca?a?b", "caab"),
            ("ab", "a?b?c?", "ab"),
        ];
        for &(s, p, want) in cases {
            assert_eq!(lua_match(s, p), want, "match({s:?}, {p:?})");
        }
    }

    #[test]
    fn gsub_matches_reference() {
        let cases: &[(&str, &str, &str, &str)] = &[
            ("hello world", "", "-", "-h-e-l-l-o- -w-o-r-l-d-\t12"),
            ("abc", "b*", "-", "-a-c-\t3"),
            ("abc", "()", "%1", "1a2b3c4\t4"),
            ("abc", "()b", "%1", "a2c\t1"),
            ("abc", "()b", "%0", "abc\t1"),
            ("abc", "(a", "x", "xbc\t1"),
            ("abc", "(a", "%1", "error: unfinished capture"),
            ("abc", "a", "%2", "error: invalid capture index %2"),
            (
                "abc",
                "a",
                "%",
                "error: invalid use of '%' in replacement string",
            ),
            (
                "abc",
                "a",
                "%x",
                "error: invalid use of '%' in replacement string",
            ),
            ("hello world", "(%w+)", "<%1>", "<hello> <world>\t2"),
            ("hello world", "%w+", "%0 %0", "hello hello world world\t2"),
            ("abc", "^a", "x", "xbc\t1"),
            ("aaa", "^a", "x", "xaa\t1"),
            ("50%", "%%", "%%%%", "50%%\t1"),
            ("abc", "", "", "abc\t4"),
            ("a,b,,c", ",", ";", "a;b;;c\t3"),
        ];
        for &(s, p, r, want) in cases {
            assert_eq!(lua_gsub(s, p, r), want, "gsub({s:?}, {p:?}, {r:?})");
        }
        // max_n
        let s = b"aaaa";
        let (out, n) = gsub::<PatternError>(s, b"a", Some(2), |m, out| {
            expand_replacement(s, m, b"b", out)
        })
        .unwrap();
        assert_eq!((out.as_deref(), n), (Some(&b"bbaa"[..]), 2));
        // no match: no new string
        let (out, n) =
            gsub::<PatternError>(s, b"x", None, |m, out| expand_replacement(s, m, b"b", out))
                .unwrap();
        assert_eq!((out, n), (None, 0));
    }

    #[test]
    fn gmatch_matches_reference() {
        assert_eq!(lua_gmatch("abc", "b*"), "[][b][]");
        assert_eq!(lua_gmatch("one two  three", "%a+"), "[one][two][three]");
        assert_eq!(lua_gmatch("k1=v1, k2=v2", "(%w+)=(%w+)"), "[k1,v1][k2,v2]");
        assert_eq!(lua_gmatch("x^a", "^a"), "[^a]");
        assert_eq!(lua_gmatch("abc", "()"), "[1][2][3][4]");
        assert_eq!(lua_gmatch("", ".*"), "[]");
    }

    #[test]
    fn classes_follow_c_locale() {
        for c in 0u8..=255 {
            assert_eq!(match_class(c, b'A'), !match_class(c, b'a'));
            assert_eq!(
                match_class(c, b'w'),
                match_class(c, b'a') || match_class(c, b'd')
            );
            assert_eq!(
                match_class(c, b'g'),
                match_class(c, b'w') || match_class(c, b'p'),
                "byte {c}"
            );
        }
        assert!(!match_class(0xe9, b'a'));
        assert!(match_class(0x0b, b's'));
        assert!(match_class(0x7f, b'c'));
    }

    #[test]
    fn plain_find_and_specials() {
        assert_eq!(plain_find(b"hello", b"ll"), Some(2));
        assert_eq!(plain_find(b"hello", b""), Some(0));
        assert_eq!(plain_find(b"hello", b"lo!"), None);
        assert_eq!(plain_find(b"aab", b"ab"), Some(1));
        assert!(no_specials(b"a)b"));
        assert!(!no_specials(b"a.b"));
        assert!(!no_specials(b"a-b"));
    }

    #[test]
    fn deep_backtracking_is_bounded_by_depth_not_stack() {
        // A long subject with a greedy class recurses only once per quantifier.
        let s = "a".repeat(3000);
        assert_eq!(lua_find(&s, "a*b", 0), "nil");
        assert_eq!(lua_find(&s, ".-$", 0), "1\t3000");
    }
}
