//! The front end's first half: bytes -> tokens -> abstract syntax tree.

pub mod ast;

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
    let _ = (source, chunkname);
    todo!("parser")
}

/// The printable form of a chunk name, as the reference's `luaO_chunkid` makes it
/// (`LUA_IDSIZE` = 60): `@file` -> `file` (long names keep their tail after `...`),
/// `=name` -> `name` (truncated), source text -> `[string "first line..."]`.
pub fn chunk_id(chunkname: &str) -> String {
    let _ = chunkname;
    todo!("parser")
}
