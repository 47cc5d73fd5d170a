//! The front end's second half: abstract syntax tree -> function prototypes.

use crate::proto::Proto;
use crate::syntax::{SyntaxError, ast};

/// Compiles a parsed chunk to the main function's prototype: vararg, one upvalue
/// `_ENV`, starting with `VARARGPREP 0`. Semantic errors (assignment to a const
/// variable, goto into the scope of a local, too many registers...) come back as
/// [`SyntaxError`] worded as luac words them.
pub fn compile(chunk: &ast::Chunk, chunkname: &str) -> Result<Proto, SyntaxError> {
    let _ = (chunk, chunkname);
    todo!("compiler")
}

/// Parses and compiles source text (the whole front end in one call).
pub fn compile_source(source: &[u8], chunkname: &str) -> Result<Proto, SyntaxError> {
    let chunk = crate::syntax::parse(source, chunkname)?;
    compile(&chunk, chunkname)
}

/// A `luac -l -l`-style listing of a prototype and, recursively, its nested
/// functions (no addresses, so it is deterministic and fit for expect-test).
pub fn listing(proto: &Proto) -> String {
    let _ = proto;
    todo!("compiler")
}
