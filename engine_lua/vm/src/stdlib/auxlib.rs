//! Helpers shared by the library wiring (string, table, math, os, io, utf8): library
//! registration and the reference's position arithmetic (`lauxlib.c`/`lstrlib.c`).

use crate::runtime::{Gc, NativeFn, Table, Value, Vm};

/// Creates a library table with `funcs`, stores it as global `name` and in
/// `package.loaded[name]`, and returns it (`luaL_newlib` + `luaL_requiref`).
pub fn new_lib(vm: &mut Vm, name: &str, funcs: &[(&'static str, NativeFn)]) -> Gc<Table> {
    let t = vm.new_table_with(0, funcs.len());
    for &(fname, f) in funcs {
        let v = vm.new_native(fname, f);
        vm.raw_set_str(t, fname, v);
    }
    vm.set_global(name, Value::Table(t));
    let loaded = vm.loaded_table();
    vm.raw_set_str(loaded, name, Value::Table(t));
    t
}

/// A relative initial position made absolute (1-based) for a string of length `len`
/// (the reference's `posrelatI`): negative counts from the end, 0 and too-negative
/// values become 1.
pub fn posrelat_start(pos: i64, len: usize) -> usize {
    if pos > 0 {
        pos as usize
    } else if pos == 0 || pos.unsigned_abs() > len as u64 {
        1
    } else {
        (len as i64 + pos + 1) as usize
    }
}

/// A relative end position made absolute for a string of length `len` (the
/// reference's `getendpos`): clipped to `[0, len]`.
pub fn posrelat_end(pos: i64, len: usize) -> usize {
    if pos > len as i64 {
        len
    } else if pos >= 0 {
        pos as usize
    } else if pos.unsigned_abs() > len as u64 {
        0
    } else {
        (len as i64 + pos + 1) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_follow_reference() {
        assert_eq!(posrelat_start(1, 5), 1);
        assert_eq!(posrelat_start(0, 5), 1);
        assert_eq!(posrelat_start(-1, 5), 5);
        assert_eq!(posrelat_start(-5, 5), 1);
        assert_eq!(posrelat_start(-6, 5), 1);
        assert_eq!(posrelat_start(9, 5), 9);
        assert_eq!(posrelat_start(i64::MIN, 5), 1);
        assert_eq!(posrelat_end(-1, 5), 5);
        assert_eq!(posrelat_end(9, 5), 5);
        assert_eq!(posrelat_end(-6, 5), 0);
        assert_eq!(posrelat_end(i64::MIN, 5), 0);
        assert_eq!(posrelat_end(0, 5), 0);
    }
}
