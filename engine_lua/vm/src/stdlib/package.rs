//! The `package` library and `require`: `package.path`/`cpath` (from `LUA_PATH_5_4`,
//! `LUA_PATH`, ... with `;;` standing for the default, unless the registry field
//! `LUA_NOENV` is true, as `lua -E` sets it), `package.loaded` (registry `_LOADED`),
//! `package.preload` (registry `_PRELOAD`), `package.searchers`, `package.searchpath`,
//! `package.config` and `package.loadlib`.
//!
//! The protocol and every message follow `loadlib.c` of Lua 5.4: `require` asks each
//! searcher in turn, collecting their `\n\t`-prefixed messages into
//! `module 'x' not found:...`; the Lua searcher returns the file name as the loader's
//! second argument and `require`'s second result. Native (C) libraries cannot be
//! loaded: the C searchers still search `package.cpath` (so their `no file` lines
//! are the reference's), and a file they find fails with the message of a reference
//! built without dynamic-library support.

use crate::runtime::{Gc, LuaResult, NativeFn, Protect, Ret, Status, Table, Value, Vm};

/// `package.path` when no environment variable sets it (Debian's `lua5.4`).
pub const PATH_DEFAULT: &str = "/usr/local/share/lua/5.4/?.lua;/usr/local/share/lua/5.4/?/init.lua;\
/usr/local/lib/lua/5.4/?.lua;/usr/local/lib/lua/5.4/?/init.lua;\
/usr/share/lua/5.4/?.lua;/usr/share/lua/5.4/?/init.lua;./?.lua;./?/init.lua";

/// `package.cpath` when no environment variable sets it (Debian's `lua5.4`).
pub const CPATH_DEFAULT: &str = "/usr/local/lib/lua/5.4/?.so;\
/usr/lib/x86_64-linux-gnu/lua/5.4/?.so;/usr/lib/lua/5.4/?.so;\
/usr/local/lib/lua/5.4/loadall.so;./?.so";

/// `package.config`: directory separator, path separator, substitution mark,
/// executable-directory mark, ignore mark.
pub const CONFIG: &str = "/\n;\n?\n!\n-\n";

/// What loading a native library reports (the reference without `dlopen`).
const DLMSG: &str = "dynamic libraries not enabled; check your installation";

/// Registers `package` and the global `require`.
pub fn open(vm: &mut Vm) {
    let pkg = vm.new_table_with(0, 8);
    let pv = Value::Table(pkg);
    let searchers: [(&'static str, NativeFn); 4] = [
        ("searcher_preload", searcher_preload),
        ("searcher_Lua", searcher_lua),
        ("searcher_C", searcher_c),
        ("searcher_Croot", searcher_croot),
    ];
    let st = vm.new_table_with(searchers.len(), 0);
    for (i, (name, f)) in searchers.iter().enumerate() {
        let v = vm.new_native_with(name, *f, vec![pv]);
        vm.raw_set_int(st, i as i64 + 1, v);
    }
    vm.raw_set_str(pkg, "searchers", Value::Table(st));
    let path = env_path(vm, "LUA_PATH", PATH_DEFAULT);
    let v = vm.new_string(path.as_bytes());
    vm.raw_set_str(pkg, "path", v);
    let cpath = env_path(vm, "LUA_CPATH", CPATH_DEFAULT);
    let v = vm.new_string(cpath.as_bytes());
    vm.raw_set_str(pkg, "cpath", v);
    let v = vm.new_string(CONFIG.as_bytes());
    vm.raw_set_str(pkg, "config", v);
    let loaded = vm.loaded_table();
    vm.raw_set_str(pkg, "loaded", Value::Table(loaded));
    let preload = preload_table(vm);
    vm.raw_set_str(pkg, "preload", Value::Table(preload));
    let v = vm.new_native("loadlib", loadlib);
    vm.raw_set_str(pkg, "loadlib", v);
    let v = vm.new_native("searchpath", searchpath_fn);
    vm.raw_set_str(pkg, "searchpath", v);
    let req = vm.new_native_with("require", require, vec![pv]);
    vm.set_global("require", req);
    vm.set_global("package", pv);
    vm.raw_set_str(loaded, "package", pv);
}

/// The registry's `_PRELOAD` table (made on first use).
fn preload_table(vm: &mut Vm) -> Gc<Table> {
    match vm.raw_get_str(vm.registry, "_PRELOAD") {
        Value::Table(t) => t,
        _ => {
            let t = vm.new_table_with(0, 0);
            vm.raw_set_str(vm.registry, "_PRELOAD", Value::Table(t));
            t
        }
    }
}

/// A path from `<var>_5_4` or `<var>` (`setpath`): the default when neither is set
/// or the registry has `LUA_NOENV`; a `;;` in the variable is replaced by
/// `;default;` (without separators at either end).
fn env_path(vm: &mut Vm, var: &str, default: &str) -> String {
    let noenv = vm.raw_get_str(vm.registry, "LUA_NOENV").truthy();
    let value = std::env::var(format!("{var}_5_4")).or_else(|_| std::env::var(var));
    match value {
        Ok(p) if !noenv => expand_path(&p, default),
        _ => default.to_string(),
    }
}

/// Replaces the first `;;` of `path` by the default path.
pub fn expand_path(path: &str, default: &str) -> String {
    let Some(at) = path.find(";;") else {
        return path.to_string();
    };
    let mut out = String::new();
    if at > 0 {
        out.push_str(&path[..at]);
        out.push(';');
    }
    out.push_str(default);
    if at + 2 < path.len() {
        out.push(';');
        out.push_str(&path[at + 2..]);
    }
    out
}

/// Replaces every occurrence of `pat` (non-empty) in `s` by `rep` (`luaL_gsub`).
fn gsub(s: &[u8], pat: &[u8], rep: &[u8]) -> Vec<u8> {
    if pat.is_empty() {
        return s.to_vec();
    }
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if s[i..].starts_with(pat) {
            out.extend_from_slice(rep);
            i += pat.len();
        } else {
            out.push(s[i]);
            i += 1;
        }
    }
    out
}

fn bytes_path(b: &[u8]) -> std::path::PathBuf {
    use std::os::unix::ffi::OsStrExt;
    std::path::PathBuf::from(std::ffi::OsStr::from_bytes(b))
}

/// `package.searchpath`'s algorithm: `name` with each `sep` replaced by `dirsep`
/// is put in place of every `?` of each `;`-separated template of `path`; the first
/// readable file wins. Otherwise the error lists every candidate
/// (`no file 'a'\n\tno file 'b'`).
pub fn search_path(
    name: &[u8],
    path: &[u8],
    sep: &[u8],
    dirsep: &[u8],
) -> Result<Vec<u8>, Vec<u8>> {
    let name = if !sep.is_empty() && name.windows(sep.len()).any(|w| w == sep) {
        gsub(name, sep, dirsep)
    } else {
        name.to_vec()
    };
    let full = gsub(path, b"?", &name);
    for candidate in full.split(|c| *c == b';') {
        if !candidate.is_empty() && std::fs::File::open(bytes_path(candidate)).is_ok() {
            return Ok(candidate.to_vec());
        }
    }
    let mut msg = b"no file '".to_vec();
    msg.extend_from_slice(&gsub(&full, b";", b"'\n\tno file '"));
    msg.push(b'\'');
    Err(msg)
}

/// `package.searchpath(name, path [, sep [, rep]])`. The arguments are checked last
/// to first, as the reference build (its C argument evaluation order) does.
fn searchpath_fn(vm: &mut Vm) -> LuaResult<Ret> {
    let rep = match vm.opt_str(4)? {
        Some(s) => s.get().as_bytes().to_vec(),
        None => b"/".to_vec(),
    };
    let sep = match vm.opt_str(3)? {
        Some(s) => s.get().as_bytes().to_vec(),
        None => b".".to_vec(),
    };
    let path = vm.check_bytes(2)?;
    let name = vm.check_bytes(1)?;
    match search_path(&name, &path, &sep, &rep) {
        Ok(f) => {
            let v = vm.new_string(&f);
            vm.ret(&[v])
        }
        Err(m) => {
            let v = vm.new_string(&m);
            vm.ret(&[Value::Nil, v])
        }
    }
}

/// `findfile`: searches `package[pname]` (a string, or `'package.X' must be a
/// string`) for `name` with `.` as separator.
fn find_file(vm: &mut Vm, name: &[u8], pname: &str) -> LuaResult<Result<Vec<u8>, Vec<u8>>> {
    let Value::Table(pkg) = vm.upvalue(0) else {
        return Err(vm.error(format!("'package.{pname}' must be a string")));
    };
    let path = match vm.raw_get_str(pkg, pname) {
        Value::Str(s) => s.get().as_bytes().to_vec(),
        v @ (Value::Int(_) | Value::Num(_)) => crate::stdlib::base::number_text(v)
            .unwrap_or_default()
            .into_bytes(),
        _ => return Err(vm.error(format!("'package.{pname}' must be a string"))),
    };
    Ok(search_path(name, &path, b".", b"/"))
}

/// `checkload` failure: `error loading module 'x' from file 'f':\n\tmsg`.
fn load_error(vm: &mut Vm, name: &[u8], file: &[u8], msg: &[u8]) -> crate::runtime::LuaError {
    let mut m = b"error loading module '".to_vec();
    m.extend_from_slice(name);
    m.extend_from_slice(b"' from file '");
    m.extend_from_slice(file);
    m.extend_from_slice(b"':\n\t");
    m.extend_from_slice(msg);
    let w = vm.where_(1);
    let mut full = w.into_bytes();
    full.extend_from_slice(&m);
    vm.error_plain(full)
}

fn searcher_preload(vm: &mut Vm) -> LuaResult<Ret> {
    let name = vm.check_str(1)?;
    let preload = preload_table(vm);
    let loader = vm.index(Value::Table(preload), Value::Str(name))?;
    if loader.is_nil() {
        let mut m = b"no field package.preload['".to_vec();
        m.extend_from_slice(name.get().as_bytes());
        m.extend_from_slice(b"']");
        let v = vm.new_string(&m);
        return vm.ret(&[v]);
    }
    let tag = vm.new_string(b":preload:");
    vm.ret(&[loader, tag])
}

fn searcher_lua(vm: &mut Vm) -> LuaResult<Ret> {
    let name = vm.check_bytes(1)?;
    let file = match find_file(vm, &name, "path")? {
        Ok(f) => f,
        Err(m) => {
            let v = vm.new_string(&m);
            return vm.ret(&[v]);
        }
    };
    let loaded =
        crate::stdlib::base::read_source(Some(&bytes_path(&file))).and_then(|(src, chunkname)| {
            crate::stdlib::base::load_chunk(vm, &src, &chunkname, b"bt", None)
        });
    match loaded {
        Ok(f) => {
            let fname = vm.new_string(&file);
            vm.ret(&[f, fname])
        }
        Err(m) => Err(load_error(vm, &name, &file, m.as_bytes())),
    }
}

fn searcher_c(vm: &mut Vm) -> LuaResult<Ret> {
    let name = vm.check_bytes(1)?;
    match find_file(vm, &name, "cpath")? {
        Ok(file) => Err(load_error(vm, &name, &file, DLMSG.as_bytes())),
        Err(m) => {
            let v = vm.new_string(&m);
            vm.ret(&[v])
        }
    }
}

fn searcher_croot(vm: &mut Vm) -> LuaResult<Ret> {
    let name = vm.check_bytes(1)?;
    let Some(dot) = name.iter().position(|c| *c == b'.') else {
        return Ok(Ret::Values(0));
    };
    match find_file(vm, &name[..dot], "cpath")? {
        Ok(file) => Err(load_error(vm, &name, &file, DLMSG.as_bytes())),
        Err(m) => {
            let v = vm.new_string(&m);
            vm.ret(&[v])
        }
    }
}

/// `package.loadlib(path, funcname)`: always `nil, message, "absent"` (native
/// libraries cannot be loaded).
fn loadlib(vm: &mut Vm) -> LuaResult<Ret> {
    vm.check_str(1)?;
    vm.check_str(2)?;
    let m = vm.new_string(DLMSG.as_bytes());
    let w = vm.new_string(b"absent");
    vm.ret(&[Value::Nil, m, w])
}

/// `require(name)`: `package.loaded[name]` if true-ish; otherwise the first loader
/// a searcher finds is called with the name and the searcher's extra value, and its
/// result (or `true`) is stored in `package.loaded[name]`. Returns the module and
/// the loader data.
fn require(vm: &mut Vm) -> LuaResult<Ret> {
    let name = vm.check_str(1)?;
    vm.set_top(1);
    let loaded = vm.loaded_table();
    let v = vm.raw_get(loaded, Value::Str(name));
    if v.truthy() {
        return vm.ret(&[v]);
    }
    let Value::Table(pkg) = vm.upvalue(0) else {
        return Err(vm.error("'package.searchers' must be a table"));
    };
    let Value::Table(searchers) = vm.raw_get_str(pkg, "searchers") else {
        return Err(vm.error("'package.searchers' must be a table"));
    };
    let mut msg: Vec<u8> = Vec::new();
    let mut i = 1;
    let (loader, data) = loop {
        let s = searchers.get().get_int(i);
        if s.is_nil() {
            let mut m = b"module '".to_vec();
            m.extend_from_slice(name.get().as_bytes());
            m.extend_from_slice(b"' not found:");
            m.extend_from_slice(&msg);
            let w = vm.where_(1);
            let mut full = w.into_bytes();
            full.extend_from_slice(&m);
            return Err(vm.error_plain(full));
        }
        let r = vm.call_function(s, &[Value::Str(name)], 2)?;
        let (a, b) = (r[0], r[1]);
        if a.is_function() {
            break (a, b);
        }
        match a {
            Value::Str(s) => {
                msg.extend_from_slice(b"\n\t");
                msg.extend_from_slice(s.get().as_bytes());
            }
            Value::Int(_) | Value::Num(_) => {
                msg.extend_from_slice(b"\n\t");
                let t = crate::stdlib::base::number_text(a).unwrap_or_default();
                msg.extend_from_slice(t.as_bytes());
            }
            _ => {}
        }
        i += 1;
    };
    // Stack: name, data, loader, name, data.
    vm.push(data);
    vm.push(loader);
    vm.push(Value::Str(name));
    vm.push(data);
    Ok(Ret::Call {
        nargs: 2,
        nresults: 1,
        protect: Protect::No,
        k: require_k,
        ctx: 0,
    })
}

fn require_k(vm: &mut Vm, _s: Status, _ctx: usize) -> LuaResult<Ret> {
    let name = vm.arg(1);
    let data = vm.arg(2);
    let result = vm.arg(3);
    let loaded = vm.loaded_table();
    if !result.is_nil() {
        vm.raw_set(loaded, name, result)?;
    }
    let mut v = vm.raw_get(loaded, name);
    if v.is_nil() {
        v = Value::Bool(true);
        vm.raw_set(loaded, name, v)?;
    }
    vm.set_top(0);
    vm.ret(&[v, data])
}
