//! The front end's first half: bytes -> tokens -> abstract syntax tree.
//!
//! * [`lexer`]: bytes -> tokens (`llex.c`'s rules and messages).
//! * [`parser`]: tokens -> [`ast::Chunk`] (`lparser.c`'s grammar, messages, and its
//!   nesting limit: `C stack overflow` at about 200 levels).
//! * [`dump`]: a compact S-expression form of the tree for tests.
//!
//! Errors split as in the reference: everything `luac` reports with a `near '...'`
//! part, plus `unknown attribute 'x'`, `multiple to-be-closed variables in local
//! list` and `cannot use '...' outside a vararg function`, comes from [`parse`].
//! Checks that need scopes (`break outside a loop at line N`, `no visible label 'l'
//! for goto`, `label 'l' already defined on line N`, `<goto l> at line N jumps into the
//! scope of local 'x'`, `attempt to assign to const variable 'x'`, the limits on
//! locals, upvalues and registers) are the compiler's, which words them with
//! [`format_error`].

pub mod ast;
pub mod dump;
pub mod lexer;
pub mod parser;

use std::fmt;

/// A compile-time error (lexical, syntactic or semantic), worded as luac 5.4 words it.
///
/// `message` is complete, chunk name and line included:
/// `input:1: unexpected symbol near '='`,
/// `input:3: 'end' expected (to close 'function' at line 1) near <eof>`,
/// `input:2: attempt to assign to const variable 'x'`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    /// The full message.
    pub message: String,
    /// The line the message names.
    pub line: u32,
    /// Whether the error was found at the end of the input (`near <eof>`), which the
    /// REPL reads as "incomplete statement, read another line".
    pub at_eof: bool,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SyntaxError {}

/// Parses a whole chunk. `chunkname` follows `load` (`@file.lua`, `=stdin`, or the
/// source text) and is only used in error messages (through [`chunk_id`]).
pub fn parse(source: &[u8], chunkname: &str) -> Result<ast::Chunk, SyntaxError> {
    parser::parse_chunk(source, chunkname)
}

/// The printable form of a chunk name, as the reference's `luaO_chunkid` makes it
/// (`LUA_IDSIZE` = 60): `@file` -> `file` (long names keep their tail after `...`),
/// `=name` -> `name` (truncated), source text -> `[string "first line..."]`.
pub fn chunk_id(chunkname: &str) -> String {
    const IDSIZE: usize = 60;
    let src = chunkname.as_bytes();
    let out: Vec<u8> = match src.first() {
        Some(b'=') => {
            let rest = &src[1..];
            rest[..rest.len().min(IDSIZE - 1)].to_vec()
        }
        Some(b'@') => {
            if src.len() <= IDSIZE {
                src[1..].to_vec()
            } else {
                // "..." then the last IDSIZE - 4 bytes of the name.
                let keep = IDSIZE - 3 - 1;
                let mut v = b"...".to_vec();
                v.extend_from_slice(&src[src.len() - keep..]);
                v
            }
        }
        _ => {
            // Room left for the source after `[string "`, `..."]` and C's NUL.
            let room = IDSIZE - (9 + 3 + 2) - 1;
            let newline = src.iter().position(|&c| c == b'\n');
            let mut v = b"[string \"".to_vec();
            if src.len() < room && newline.is_none() {
                v.extend_from_slice(src);
            } else {
                let len = newline.unwrap_or(src.len()).min(room);
                v.extend_from_slice(&src[..len]);
                v.extend_from_slice(b"...");
            }
            v.extend_from_slice(b"\"]");
            v
        }
    };
    String::from_utf8_lossy(&out).into_owned()
}

/// Builds a compile error located at `line`, worded as the reference's
/// `luaK_semerror`/`luaG_addinfo` word it: `chunkid:line: msg` (no `near` part).
///
/// This is the helper for semantic errors found after parsing (the compiler's
/// `attempt to assign to const variable 'x'`, `break outside a loop at line 3`,
/// `no visible label 'l' for goto`, ...): pass the message without location, e.g.
/// `format_error("=input", 2, "attempt to assign to const variable 'x'")` gives
/// `input:2: attempt to assign to const variable 'x'`. `at_eof` is false.
pub fn format_error(chunkname: &str, line: u32, msg: &str) -> SyntaxError {
    SyntaxError {
        message: format!("{}:{}: {}", chunk_id(chunkname), line, msg),
        line,
        at_eof: false,
    }
}
