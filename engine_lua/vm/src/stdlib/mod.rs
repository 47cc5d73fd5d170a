//! The standard libraries (base, coroutine, string, table, math, utf8, os, io, debug,
//! package).
//!
//! [`open_libs`] registers every library; each library module has an `open(vm)`
//! that installs its table in the globals and in `package.loaded`
//! (registry `_LOADED`). To add a library: write `mylib::open` and add a line below.

pub mod auxlib;
pub mod base;
pub mod coroutine;
pub mod debug;
pub mod format;
pub mod io;
pub mod math;
pub mod os;
pub mod pack;
pub mod package;
pub mod pattern;
pub mod random;
pub mod strftime;
pub mod string;
pub mod table;
pub mod utf8;

use crate::runtime::Vm;

/// Opens every standard library in `vm`.
pub fn open_libs(vm: &mut Vm) {
    base::open(vm);
    package::open(vm);
    coroutine::open(vm);
    debug::open(vm);
    string::open(vm);
    table::open(vm);
    math::open(vm);
    io::open(vm);
    os::open(vm);
    utf8::open(vm);
}
