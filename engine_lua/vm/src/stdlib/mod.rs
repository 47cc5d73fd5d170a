//! The standard libraries (base, coroutine, string, table, math, utf8, os, io, debug,
//! package).

pub mod format;
pub mod pack;
pub mod pattern;
pub mod random;
pub mod strftime;
pub mod utf8;
