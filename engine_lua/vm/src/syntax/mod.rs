//! The front end's first half: bytes -> tokens -> abstract syntax tree.

pub mod ast;
