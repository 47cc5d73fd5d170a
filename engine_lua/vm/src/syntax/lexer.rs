//! The lexer: source bytes -> tokens, with the reference's (`llex.c`) error messages.
//!
//! The lexer keeps, like the reference, a buffer with the raw text of the token being
//! read (for names, numerals and strings, escapes already decoded but the opening
//! quote kept), because error messages quote it: `malformed number near '3x'`,
//! `invalid escape sequence near '"abc\q'`.
//!
//! Line breaks are `\n`, `\r`, `\r\n` and `\n\r`, each counting as one line. A first
//! line starting with `#` is not special here (the loader skips it).

use super::{SyntaxError, chunk_id};
use crate::number::{Number, hex_value, str_to_number};

/// A token. Single-byte symbols (`+`, `(`, `@`, any byte the lexer does not know)
/// are [`Token::Char`].
#[derive(Clone, Debug, PartialEq)]
pub enum Token {
    /// `and`
    And,
    /// `break`
    Break,
    /// `do`
    Do,
    /// `else`
    Else,
    /// `elseif`
    Elseif,
    /// `end`
    End,
    /// `false`
    False,
    /// `for`
    For,
    /// `function`
    Function,
    /// `goto`
    Goto,
    /// `if`
    If,
    /// `in`
    In,
    /// `local`
    Local,
    /// `nil`
    Nil,
    /// `not`
    Not,
    /// `or`
    Or,
    /// `repeat`
    Repeat,
    /// `return`
    Return,
    /// `then`
    Then,
    /// `true`
    True,
    /// `until`
    Until,
    /// `while`
    While,
    /// `//`
    IDiv,
    /// `..`
    Concat,
    /// `...`
    Dots,
    /// `==`
    Eq,
    /// `>=`
    Ge,
    /// `<=`
    Le,
    /// `~=`
    Ne,
    /// `<<`
    Shl,
    /// `>>`
    Shr,
    /// `::`
    DbColon,
    /// End of input.
    Eof,
    /// A float numeral.
    Float(f64),
    /// An integer numeral.
    Int(i64),
    /// A name (identifier).
    Name(String),
    /// A string literal (decoded bytes).
    Str(Vec<u8>),
    /// Any single-byte token.
    Char(u8),
}

const KEYWORDS: &[(&str, Token)] = &[
    ("and", Token::And),
    ("break", Token::Break),
    ("do", Token::Do),
    ("else", Token::Else),
    ("elseif", Token::Elseif),
    ("end", Token::End),
    ("false", Token::False),
    ("for", Token::For),
    ("function", Token::Function),
    ("goto", Token::Goto),
    ("if", Token::If),
    ("in", Token::In),
    ("local", Token::Local),
    ("nil", Token::Nil),
    ("not", Token::Not),
    ("or", Token::Or),
    ("repeat", Token::Repeat),
    ("return", Token::Return),
    ("then", Token::Then),
    ("true", Token::True),
    ("until", Token::Until),
    ("while", Token::While),
];

impl Token {
    /// The token as `luaX_token2str` shows it in messages: symbols and keywords
    /// quoted (`'=='`, `'end'`, `'<\1>'` for control bytes), and the classes
    /// `<eof>`, `<number>`, `<integer>`, `<name>`, `<string>` unquoted.
    pub fn describe(&self) -> String {
        match self {
            Token::Char(c) => {
                if (0x20..0x7f).contains(c) {
                    format!("'{}'", *c as char)
                } else {
                    format!("'<\\{c}>'")
                }
            }
            Token::Eof => "<eof>".into(),
            Token::Float(_) => "<number>".into(),
            Token::Int(_) => "<integer>".into(),
            Token::Name(_) => "<name>".into(),
            Token::Str(_) => "<string>".into(),
            other => format!("'{}'", other.symbol()),
        }
    }

    /// The source text of a keyword or multi-byte symbol.
    fn symbol(&self) -> &'static str {
        if let Some((s, _)) = KEYWORDS.iter().find(|(_, t)| t == self) {
            return s;
        }
        match self {
            Token::IDiv => "//",
            Token::Concat => "..",
            Token::Dots => "...",
            Token::Eq => "==",
            Token::Ge => ">=",
            Token::Le => "<=",
            Token::Ne => "~=",
            Token::Shl => "<<",
            Token::Shr => ">>",
            Token::DbColon => "::",
            _ => "?",
        }
    }
}

/// A token with the text the reference would quote for it in errors.
#[derive(Clone, Debug)]
pub struct Lexeme {
    /// The token.
    pub token: Token,
    /// For names, strings and numerals, the raw text (`txtToken`).
    pub text: Vec<u8>,
    /// The line number when the token became current (after scanning it).
    pub line: u32,
}

/// The largest line number before `chunk has too many lines` (C's `INT_MAX`).
const MAX_LINE: u32 = i32::MAX as u32;

/// A byte-level scanner over one chunk's source.
pub struct Lexer<'a> {
    src: &'a [u8],
    pos: usize,
    /// Current line (`linenumber` in the reference).
    pub line: u32,
    /// Raw text of the token being read.
    buf: Vec<u8>,
    chunkname: &'a str,
}

/// A lexical error before it gets its location: message and what it is near.
type LexResult<T> = Result<T, SyntaxError>;

impl<'a> Lexer<'a> {
    /// A lexer at the start of `src`, line 1.
    pub fn new(src: &'a [u8], chunkname: &'a str) -> Self {
        Lexer {
            src,
            pos: 0,
            line: 1,
            buf: Vec::new(),
            chunkname,
        }
    }

    fn current(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }

    fn advance(&mut self) {
        self.pos += 1;
    }

    fn save(&mut self, c: u8) {
        self.buf.push(c);
    }

    fn save_and_next(&mut self) {
        if let Some(c) = self.current() {
            self.buf.push(c);
        }
        self.pos += 1;
    }

    fn current_is_newline(&self) -> bool {
        matches!(self.current(), Some(b'\n' | b'\r'))
    }

    fn check_next(&mut self, set: &[u8]) -> bool {
        match self.current() {
            Some(c) if set.contains(&c) => {
                self.save_and_next();
                true
            }
            _ => false,
        }
    }

    /// An error at the current line: `chunk:line: msg near <token text>`.
    pub fn error(&self, msg: &str, near: Option<&Lexeme>) -> SyntaxError {
        let mut message = format!("{}:{}: {}", chunk_id(self.chunkname), self.line, msg);
        let mut at_eof = false;
        // A NUL byte token is token 0 in the reference, which means "no token": the
        // message then has no `near` part.
        if let Some(lexeme) = near.filter(|l| l.token != Token::Char(0)) {
            message.push_str(" near ");
            message.push_str(&near_text(lexeme));
            at_eof = lexeme.token == Token::Eof;
        }
        SyntaxError {
            message,
            line: self.line,
            at_eof,
        }
    }

    /// An error quoting the buffer (`near '<buffer>'`), as for a token of class
    /// name/string/numeral.
    fn buffer_error(&self, msg: &str) -> SyntaxError {
        let lexeme = Lexeme {
            token: Token::Str(Vec::new()),
            text: self.buf.clone(),
            line: self.line,
        };
        self.error(msg, Some(&lexeme))
    }

    fn eof_error(&self, msg: &str) -> SyntaxError {
        let lexeme = Lexeme {
            token: Token::Eof,
            text: Vec::new(),
            line: self.line,
        };
        self.error(msg, Some(&lexeme))
    }

    /// Skips a line break (`\n`, `\r`, `\n\r` or `\r\n`) and counts the line.
    fn newline(&mut self) -> LexResult<()> {
        let old = self.current();
        self.advance();
        if self.current_is_newline() && self.current() != old {
            self.advance();
        }
        self.line += 1;
        if self.line >= MAX_LINE {
            return Err(self.error("chunk has too many lines", None));
        }
        Ok(())
    }

    /// Scans the next token.
    pub fn next_token(&mut self) -> LexResult<Lexeme> {
        self.buf.clear();
        let token = self.scan()?;
        let text = match token {
            Token::Name(_) | Token::Str(_) | Token::Int(_) | Token::Float(_) => {
                std::mem::take(&mut self.buf)
            }
            _ => Vec::new(),
        };
        Ok(Lexeme {
            token,
            text,
            line: self.line,
        })
    }

    fn scan(&mut self) -> LexResult<Token> {
        loop {
            let Some(c) = self.current() else {
                return Ok(Token::Eof);
            };
            match c {
                b'\n' | b'\r' => self.newline()?,
                b' ' | b'\x0c' | b'\t' | b'\x0b' => self.advance(),
                b'-' => {
                    self.advance();
                    if self.current() != Some(b'-') {
                        return Ok(Token::Char(b'-'));
                    }
                    self.advance();
                    if self.current() == Some(b'[') {
                        let sep = self.skip_sep();
                        self.buf.clear();
                        if sep >= 2 {
                            self.read_long_string(sep, false)?;
                            self.buf.clear();
                            continue;
                        }
                    }
                    while !self.current_is_newline() && self.current().is_some() {
                        self.advance();
                    }
                }
                b'[' => {
                    let sep = self.skip_sep();
                    if sep >= 2 {
                        return self.read_long_string(sep, true);
                    } else if sep == 0 {
                        return Err(self.buffer_error("invalid long string delimiter"));
                    }
                    return Ok(Token::Char(b'['));
                }
                b'=' => return Ok(self.pick(b'=', Token::Eq, b'=')),
                b'<' => {
                    self.advance();
                    return Ok(match self.current() {
                        Some(b'=') => {
                            self.advance();
                            Token::Le
                        }
                        Some(b'<') => {
                            self.advance();
                            Token::Shl
                        }
                        _ => Token::Char(b'<'),
                    });
                }
                b'>' => {
                    self.advance();
                    return Ok(match self.current() {
                        Some(b'=') => {
                            self.advance();
                            Token::Ge
                        }
                        Some(b'>') => {
                            self.advance();
                            Token::Shr
                        }
                        _ => Token::Char(b'>'),
                    });
                }
                b'/' => return Ok(self.pick(b'/', Token::IDiv, b'/')),
                b'~' => return Ok(self.pick(b'=', Token::Ne, b'~')),
                b':' => return Ok(self.pick(b':', Token::DbColon, b':')),
                b'"' | b'\'' => return self.read_string(c),
                b'.' => {
                    self.save_and_next();
                    if self.check_next(b".") {
                        if self.check_next(b".") {
                            return Ok(Token::Dots);
                        }
                        return Ok(Token::Concat);
                    }
                    if !self.current().is_some_and(|c| c.is_ascii_digit()) {
                        return Ok(Token::Char(b'.'));
                    }
                    return self.read_numeral();
                }
                b'0'..=b'9' => return self.read_numeral(),
                c if c.is_ascii_alphabetic() || c == b'_' => {
                    while self
                        .current()
                        .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_')
                    {
                        self.save_and_next();
                    }
                    let word = String::from_utf8_lossy(&self.buf).into_owned();
                    if let Some((_, t)) = KEYWORDS.iter().find(|(k, _)| *k == word) {
                        return Ok(t.clone());
                    }
                    return Ok(Token::Name(word));
                }
                c => {
                    self.advance();
                    return Ok(Token::Char(c));
                }
            }
        }
    }

    /// After a byte `first`, returns `two` if the next byte is `second`, else `first`.
    fn pick(&mut self, second: u8, two: Token, first: u8) -> Token {
        self.advance();
        if self.current() == Some(second) {
            self.advance();
            two
        } else {
            Token::Char(first)
        }
    }

    /// Reads `[` or `]` and the `=`s after it. Returns the level + 2 when the same
    /// bracket follows, 1 for a lone bracket, 0 for a bracket, `=`s and no bracket.
    fn skip_sep(&mut self) -> usize {
        let s = self.current();
        self.save_and_next();
        let mut count = 0;
        while self.current() == Some(b'=') {
            self.save_and_next();
            count += 1;
        }
        if self.current() == s {
            count + 2
        } else if count == 0 {
            1
        } else {
            0
        }
    }

    /// Reads a long string or comment whose opening `[==` (`sep` = level + 2) was
    /// read; the current byte is the second `[`.
    fn read_long_string(&mut self, sep: usize, is_string: bool) -> LexResult<Token> {
        let start_line = self.line;
        self.save_and_next();
        if self.current_is_newline() {
            self.newline()?;
        }
        loop {
            match self.current() {
                None => {
                    let what = if is_string { "string" } else { "comment" };
                    let msg = format!("unfinished long {what} (starting at line {start_line})");
                    return Err(self.eof_error(&msg));
                }
                Some(b']') => {
                    if self.skip_sep() == sep {
                        self.save_and_next();
                        break;
                    }
                }
                Some(b'\n' | b'\r') => {
                    self.save(b'\n');
                    self.newline()?;
                    if !is_string {
                        self.buf.clear();
                    }
                }
                Some(_) => {
                    if is_string {
                        self.save_and_next();
                    } else {
                        self.advance();
                    }
                }
            }
        }
        if !is_string {
            return Ok(Token::Eof);
        }
        let content = self.buf[sep..self.buf.len() - sep].to_vec();
        Ok(Token::Str(content))
    }

    /// Fails with `msg` unless `ok`, first adding the current byte to the buffer
    /// (the reference's `esccheck`).
    fn esc_check(&mut self, ok: bool, msg: &str) -> LexResult<()> {
        if ok {
            return Ok(());
        }
        if self.current().is_some() {
            self.save_and_next();
        }
        Err(self.buffer_error(msg))
    }

    fn get_hex(&mut self) -> LexResult<u32> {
        self.save_and_next();
        let d = self.current().and_then(hex_value);
        self.esc_check(d.is_some(), "hexadecimal digit expected")?;
        Ok(d.unwrap_or(0))
    }

    fn read_hex_escape(&mut self) -> LexResult<u8> {
        let mut r = self.get_hex()?;
        r = (r << 4) + self.get_hex()?;
        self.buf.truncate(self.buf.len() - 2);
        Ok(r as u8)
    }

    fn read_utf8_escape(&mut self) -> LexResult<()> {
        self.save_and_next(); // 'u'
        self.esc_check(self.current() == Some(b'{'), "missing '{'")?;
        let mut r = self.get_hex()?;
        let mut digits = 1;
        loop {
            self.save_and_next();
            let Some(d) = self.current().and_then(hex_value) else {
                break;
            };
            digits += 1;
            self.esc_check(r <= (0x7FFF_FFFF >> 4), "UTF-8 value too large")?;
            r = (r << 4) + d;
        }
        self.esc_check(self.current() == Some(b'}'), "missing '}'")?;
        self.advance();
        // Drop '\', 'u', '{' and the digits from the buffer.
        self.buf.truncate(self.buf.len() - (digits + 2) - 1);
        self.buf.extend_from_slice(&utf8_encode(r));
        Ok(())
    }

    fn read_decimal_escape(&mut self) -> LexResult<u8> {
        let mut r: u32 = 0;
        let mut i = 0;
        while i < 3 {
            match self.current() {
                Some(c) if c.is_ascii_digit() => {
                    r = 10 * r + u32::from(c - b'0');
                    self.save_and_next();
                    i += 1;
                }
                _ => break,
            }
        }
        self.esc_check(r <= 255, "decimal escape too large")?;
        self.buf.truncate(self.buf.len() - i);
        Ok(r as u8)
    }

    fn read_string(&mut self, delimiter: u8) -> LexResult<Token> {
        self.save_and_next();
        loop {
            match self.current() {
                Some(c) if c == delimiter => break,
                None => return Err(self.eof_error("unfinished string")),
                Some(b'\n' | b'\r') => return Err(self.buffer_error("unfinished string")),
                Some(b'\\') => {
                    // Keep the '\' for error messages until the escape is decoded.
                    self.save_and_next();
                    let decoded = match self.current() {
                        Some(b'a') => Some(0x07),
                        Some(b'b') => Some(0x08),
                        Some(b'f') => Some(0x0c),
                        Some(b'n') => Some(b'\n'),
                        Some(b'r') => Some(b'\r'),
                        Some(b't') => Some(b'\t'),
                        Some(b'v') => Some(0x0b),
                        Some(b'x') => {
                            let c = self.read_hex_escape()?;
                            self.advance();
                            self.buf.pop();
                            self.save(c);
                            continue;
                        }
                        Some(b'u') => {
                            self.read_utf8_escape()?;
                            continue;
                        }
                        Some(b'\n' | b'\r') => {
                            self.newline()?;
                            self.buf.pop();
                            self.save(b'\n');
                            continue;
                        }
                        Some(c @ (b'\\' | b'"' | b'\'')) => Some(c),
                        // The error is raised by the loop's next round.
                        None => continue,
                        Some(b'z') => {
                            self.buf.pop();
                            self.advance();
                            while self.current().is_some_and(crate::number::is_space) {
                                if self.current_is_newline() {
                                    self.newline()?;
                                } else {
                                    self.advance();
                                }
                            }
                            continue;
                        }
                        Some(c) => {
                            self.esc_check(c.is_ascii_digit(), "invalid escape sequence")?;
                            let c = self.read_decimal_escape()?;
                            self.buf.pop();
                            self.save(c);
                            continue;
                        }
                    };
                    if let Some(c) = decoded {
                        self.advance();
                        self.buf.pop();
                        self.save(c);
                    }
                }
                Some(_) => self.save_and_next(),
            }
        }
        self.save_and_next();
        Ok(Token::Str(self.buf[1..self.buf.len() - 1].to_vec()))
    }

    fn read_numeral(&mut self) -> LexResult<Token> {
        let mut exponent: &[u8] = b"Ee";
        let first = self.current();
        self.save_and_next();
        if first == Some(b'0') && self.check_next(b"xX") {
            exponent = b"Pp";
        }
        loop {
            if self.check_next(exponent) {
                self.check_next(b"-+");
            } else if self
                .current()
                .is_some_and(|c| c.is_ascii_hexdigit() || c == b'.')
            {
                self.save_and_next();
            } else {
                break;
            }
        }
        if self
            .current()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == b'_')
        {
            self.save_and_next();
        }
        match str_to_number(&self.buf) {
            Some(Number::Int(i)) => Ok(Token::Int(i)),
            Some(Number::Float(f)) => Ok(Token::Float(f)),
            None => Err(self.buffer_error("malformed number")),
        }
    }
}

/// How an error message shows the token it is near (`txtToken`): names, strings and
/// numerals as their source text in quotes, other tokens as [`Token::describe`].
/// Bytes that are not UTF-8 are shown as U+FFFD (the reference prints them raw;
/// [`SyntaxError::message`] is a `String`).
pub fn near_text(lexeme: &Lexeme) -> String {
    match lexeme.token {
        Token::Name(_) | Token::Str(_) | Token::Int(_) | Token::Float(_) => {
            // The reference formats the text as a C string: it stops at a NUL byte.
            let text = lexeme.text.split(|&c| c == 0).next().unwrap_or(&[]);
            format!("'{}'", String::from_utf8_lossy(text))
        }
        ref t => t.describe(),
    }
}

/// Every printable ASCII byte quoted (`' '`, `'!'`, ...), three bytes each.
const QUOTED_CHARS: &str = "' ''!''\"''#''$''%''&'''''('')''*''+'',''-''.''/''0''1''2''3''4''5''6''7''8''9'':'';''<''=''>''?''@''A''B''C''D''E''F''G''H''I''J''K''L''M''N''O''P''Q''R''S''T''U''V''W''X''Y''Z''[''\\'']''^''_''`''a''b''c''d''e''f''g''h''i''j''k''l''m''n''o''p''q''r''s''t''u''v''w''x''y''z''{''|''}''~'";

/// [`near_text`] without allocating, for the tokens whose text does not depend on the
/// source (symbols, keywords, `<eof>`); `None` for names, strings, numerals.
pub fn near_static(token: &Token) -> Option<&'static str> {
    Some(match token {
        Token::Char(c) if (0x20..0x7f).contains(c) => {
            let i = (*c as usize - 0x20) * 3;
            &QUOTED_CHARS[i..i + 3]
        }
        Token::Eof => "<eof>",
        Token::Name(_) | Token::Str(_) | Token::Int(_) | Token::Float(_) | Token::Char(_) => {
            return None;
        }
        other => {
            let s = other.symbol();
            let i = QUOTED_SYMBOLS
                .iter()
                .position(|q| &q[1..q.len() - 1] == s)?;
            QUOTED_SYMBOLS[i]
        }
    })
}

/// Keywords and multi-byte symbols quoted.
const QUOTED_SYMBOLS: &[&str] = &[
    "'and'",
    "'break'",
    "'do'",
    "'else'",
    "'elseif'",
    "'end'",
    "'false'",
    "'for'",
    "'function'",
    "'goto'",
    "'if'",
    "'in'",
    "'local'",
    "'nil'",
    "'not'",
    "'or'",
    "'repeat'",
    "'return'",
    "'then'",
    "'true'",
    "'until'",
    "'while'",
    "'//'",
    "'..'",
    "'...'",
    "'=='",
    "'>='",
    "'<='",
    "'~='",
    "'<<'",
    "'>>'",
    "'::'",
];

/// Encodes a code point up to 2^31 - 1 in the reference's extended UTF-8
/// (`luaO_utf8esc`: up to six bytes).
pub fn utf8_encode(x: u32) -> Vec<u8> {
    if x < 0x80 {
        return vec![x as u8];
    }
    let mut tail = Vec::new();
    let mut x = x;
    // Largest value that fits in the first byte's free bits.
    let mut first_max: u32 = 0x3f;
    while x > first_max {
        tail.push(0x80 | (x & 0x3f) as u8);
        x >>= 6;
        first_max >>= 1;
    }
    let first = ((!first_max << 1) | x) as u8;
    let mut out = vec![first];
    out.extend(tail.iter().rev());
    out
}
