//! engine_lua: a Lua 5.4 virtual machine written from scratch.
//!
//! Layers, each testable alone:
//!
//! * [`syntax`]: lexer and parser, bytes -> [`syntax::ast`] (never touches the heap).
//! * [`compiler`]: AST -> [`proto::Proto`] (register allocation, constant folding,
//!   jumps), and the `luac -l`-style listing.
//! * [`opcode`]: the 32-bit instruction encoding and the opcode table.
//! * [`dump`]: binary chunks (`string.dump`, `load` mode `"b"`): proto <-> bytes,
//!   with validation of untrusted chunks.
//! * [`runtime`]: values, the GC heap, strings, tables, closures, the interpreter,
//!   coroutines, errors.
//! * [`stdlib`]: the standard libraries.
//! * [`Lua`]: the embedding facade, and [`embed`]: the typed embedding API (handles,
//!   conversions, host functions, userdata, serde, sandbox and limits).
//!
//! Architecture invariants: the front end (`syntax`, `compiler`, `proto`, `opcode`,
//! `number`) has no dependency on `runtime`. `unsafe` lives in two audited modules:
//! `runtime::gc` (heap objects) and `runtime::regs` (the interpreter's unchecked
//! register window and constant reads); each opts in with a reason and each block has a
//! `// SAFETY:` line.

pub mod compiler;
pub mod dump;
pub mod embed;
pub mod lua;
pub mod number;
pub mod opcode;
pub mod proto;
pub mod runtime;
pub mod stdlib;
pub mod syntax;

pub use proto::Proto;

pub use lua::{Chunk, Lua};

pub use embed::{
    AnyUserData, Bytes, Error, FromLua, FromLuaMulti, Function, IntoLua, IntoLuaMulti, Limits,
    Load, LuaString, LuaValue, MetaMethod, Result, StdLib, Table, Thread, ThreadStatus, UserData,
    UserDataFields, UserDataMethods, Variadic,
};
