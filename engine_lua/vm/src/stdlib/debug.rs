//! The `debug` library: `traceback`, `getinfo`, `getlocal`/`setlocal`,
//! `getupvalue`/`setupvalue`, `upvalueid`/`upvaluejoin`, `sethook`/`gethook`,
//! `getmetatable`/`setmetatable`, `getregistry`, `getuservalue`/`setuservalue`,
//! `debug` and `setcstacklimit`, with the reference's argument checks and messages
//! (`ldblib.c` is the model for what each function accepts and returns).
//!
//! Stack levels count from the top of a thread's frame stack: level 0 is the running
//! function (the `debug` function itself on the running thread), level 1 its caller.
//! Traceback text comes from [`Vm::traceback`], the same code that prints uncaught
//! errors. Hooks are run by `runtime::hook`.

use crate::runtime::hook::mask;
use crate::runtime::thread::flags;
use crate::runtime::{
    FrameKind, Gc, LuaResult, LuaType, NativeFn, Ret, Table, Thread, UpVal, Value, Vm,
};
use crate::syntax::chunk_id;

/// Registers the `debug` table.
pub fn open(vm: &mut Vm) {
    let fns: &[(&'static str, NativeFn)] = &[
        ("debug", debug),
        ("getuservalue", getuservalue),
        ("gethook", gethook),
        ("getinfo", getinfo),
        ("getlocal", getlocal),
        ("getregistry", getregistry),
        ("getmetatable", getmetatable),
        ("getupvalue", getupvalue),
        ("upvaluejoin", upvaluejoin),
        ("upvalueid", upvalueid),
        ("setuservalue", setuservalue),
        ("sethook", sethook),
        ("setlocal", setlocal),
        ("setmetatable", setmetatable),
        ("setupvalue", setupvalue),
        ("traceback", traceback),
        ("setcstacklimit", setcstacklimit),
    ];
    let t = vm.new_table_with(0, fns.len());
    for (name, f) in fns {
        let v = vm.new_native(name, *f);
        vm.raw_set_str(t, name, v);
    }
    vm.set_global("debug", Value::Table(t));
    let loaded = vm.loaded_table();
    vm.raw_set_str(loaded, "debug", Value::Table(t));
}

/// The optional thread argument (`getthread`): the thread and how many arguments it
/// took (0 or 1).
fn get_thread(vm: &Vm) -> (Gc<Thread>, usize) {
    match vm.arg(1) {
        Value::Thread(t) => (t, 1),
        _ => (vm.current, 0),
    }
}

/// The frame index of stack level `level` of `th` (`lua_getstack`).
fn level_frame(th: Gc<Thread>, level: i64) -> Option<usize> {
    let n = th.get().frames.len() as i64;
    if level < 0 || level >= n {
        None
    } else {
        Some((n - 1 - level) as usize)
    }
}

fn new_str(vm: &mut Vm, s: &str) -> Value {
    vm.new_string(s.as_bytes())
}

// ----- traceback -----

fn traceback(vm: &mut Vm) -> LuaResult<Ret> {
    let (th, arg) = get_thread(vm);
    let m = vm.arg(arg + 1);
    let msg: Option<Vec<u8>> = match m {
        Value::Str(s) => Some(s.get().as_bytes().to_vec()),
        Value::Int(_) | Value::Num(_) => Some(vm.check_bytes(arg + 1)?),
        Value::Nil => None,
        other => return vm.ret(&[other]),
    };
    let default = if th == vm.current { 1 } else { 0 };
    let level = vm.opt_integer(arg + 2, default)?;
    let text = traceback_text(vm, th, msg.as_deref(), level);
    let s = vm.new_string(&text);
    vm.ret(&[s])
}

/// `luaL_traceback` of `th` from `level` (negative or past the bottom: the header
/// only), preceded by `msg` and a newline when given.
pub fn traceback_text(vm: &mut Vm, th: Gc<Thread>, msg: Option<&[u8]>, level: i64) -> Vec<u8> {
    let mut out = Vec::new();
    if let Some(m) = msg {
        out.extend_from_slice(m);
        out.push(b'\n');
    }
    let nframes = th.get().frames.len() as i64;
    let host = i64::from(th == vm.main);
    if level < 0 || level >= nframes + host {
        out.extend_from_slice(b"stack traceback:");
    } else {
        out.extend_from_slice(vm.traceback(th, None, level as usize).as_bytes());
    }
    out
}

// ----- getinfo -----

fn getinfo(vm: &mut Vm) -> LuaResult<Ret> {
    let (th, arg) = get_thread(vm);
    let opts: Vec<u8> = match vm.opt_str(arg + 2)? {
        Some(s) => s.get().as_bytes().to_vec(),
        None => b"flnSrtu".to_vec(),
    };
    if opts.first() == Some(&b'>') {
        return Err(vm.arg_error(arg + 2, "invalid option '>'"));
    }
    let fv = vm.arg(arg + 1);
    let (func, frame) = if fv.is_function() {
        (fv, None)
    } else {
        let level = vm.check_integer(arg + 1)?;
        match level_frame(th, level) {
            Some(fi) => {
                let t = th.get();
                (t.stack[t.frames[fi].func], Some(fi))
            }
            None => return vm.ret(&[Value::Nil]),
        }
    };
    if opts.iter().any(|c| !b"SlutnrLf".contains(c)) {
        return Err(vm.arg_error(arg + 2, "invalid option"));
    }
    let t = vm.new_table_with(0, 16);
    let has = |c: u8| opts.contains(&c);
    let proto = match func {
        Value::LuaFn(c) => Some(c.get().proto.get().proto.clone()),
        _ => None,
    };
    if has(b'S') {
        let (source, short, what, ld, lld) = match &proto {
            Some(p) => {
                let src: &str = &p.source;
                let what = if p.line_defined == 0 { "main" } else { "Lua" };
                (
                    src.to_string(),
                    chunk_id(src),
                    what,
                    p.line_defined as i64,
                    p.last_line_defined as i64,
                )
            }
            None => ("=[C]".to_string(), "[C]".to_string(), "C", -1, -1),
        };
        let v = new_str(vm, &source);
        vm.raw_set_str(t, "source", v);
        let v = new_str(vm, &short);
        vm.raw_set_str(t, "short_src", v);
        vm.raw_set_str(t, "linedefined", Value::Int(ld));
        vm.raw_set_str(t, "lastlinedefined", Value::Int(lld));
        let v = new_str(vm, what);
        vm.raw_set_str(t, "what", v);
    }
    if has(b'l') {
        let line = match frame {
            Some(fi) => vm.frame_line(th, fi).map_or(-1, |l| l as i64),
            None => -1,
        };
        vm.raw_set_str(t, "currentline", Value::Int(line));
    }
    if has(b'u') {
        let (nups, nparams, vararg) = match func {
            Value::LuaFn(c) => {
                let p = &c.get().proto.get().proto;
                (c.get().upvals.len(), p.num_params as i64, p.is_vararg)
            }
            Value::Native(c) => (c.get().upvalues.len(), 0, true),
            _ => (0, 0, true),
        };
        vm.raw_set_str(t, "nups", Value::Int(nups as i64));
        vm.raw_set_str(t, "nparams", Value::Int(nparams));
        vm.raw_set_str(t, "isvararg", Value::Bool(vararg));
    }
    if has(b'n') {
        let (what, name) = match frame {
            Some(fi) => vm.frame_name(th, fi),
            None => ("", String::new()),
        };
        if !what.is_empty() {
            let v = new_str(vm, &name);
            vm.raw_set_str(t, "name", v);
        }
        let v = new_str(vm, what);
        vm.raw_set_str(t, "namewhat", v);
    }
    if has(b'r') {
        let (ft, nt) = match (frame, vm.hooks.transfer) {
            (Some(fi), Some((hth, hfi, ft, nt))) if hth == th && hfi == fi => (ft, nt),
            _ => (0, 0),
        };
        vm.raw_set_str(t, "ftransfer", Value::Int(ft as i64));
        vm.raw_set_str(t, "ntransfer", Value::Int(nt as i64));
    }
    if has(b't') {
        let tail = frame.is_some_and(|fi| th.get().frames[fi].flags & flags::TAIL != 0);
        vm.raw_set_str(t, "istailcall", Value::Bool(tail));
    }
    if has(b'L') {
        let v = match &proto {
            Some(p) => {
                let lines = vm.new_table_with(0, p.line_info.len());
                let start = usize::from(p.is_vararg);
                for l in p.line_info.iter().skip(start) {
                    vm.raw_set_int(lines, *l as i64, Value::Bool(true));
                }
                Value::Table(lines)
            }
            None => Value::Nil,
        };
        vm.raw_set_str(t, "activelines", v);
    }
    if has(b'f') {
        vm.raw_set_str(t, "func", func);
    }
    vm.ret(&[Value::Table(t)])
}

// ----- locals -----

/// The name and stack index of local `n` of frame `fi` of `th` (`luaG_findlocal`):
/// a named local active at the frame's pc, a vararg (`n` negative), or a
/// `(temporary)` / `(C temporary)` slot inside the frame.
fn find_local(th: Gc<Thread>, fi: usize, n: i64) -> Option<(String, usize)> {
    let t = th.get();
    let f = &t.frames[fi];
    if let FrameKind::Lua(c) = f.kind {
        let p = &c.get().proto.get().proto;
        if n < 0 {
            if !p.is_vararg {
                return None;
            }
            let nextra = f.nextra as i64;
            if n >= -nextra {
                let pos = (f.func as i64 - nextra - (n + 1)) as usize;
                return Some(("(vararg)".to_string(), pos));
            }
            return None;
        }
        if n > 0
            && let Some(name) =
                crate::runtime::debug::local_name(p, n as u32, f.pc.saturating_sub(1))
        {
            return Some((name.to_string(), f.base + n as usize - 1));
        }
    }
    let limit = if fi + 1 == t.frames.len() {
        t.top
    } else {
        t.frames[fi + 1].func
    };
    if n > 0 && limit.saturating_sub(f.base) as i64 >= n {
        let name = match f.kind {
            FrameKind::Lua(_) => "(temporary)",
            FrameKind::Native(_) => "(C temporary)",
        };
        Some((name.to_string(), f.base + n as usize - 1))
    } else {
        None
    }
}

fn getlocal(vm: &mut Vm) -> LuaResult<Ret> {
    let (th, arg) = get_thread(vm);
    let n = vm.check_integer(arg + 2)?;
    let f = vm.arg(arg + 1);
    if f.is_function() {
        let name = match f {
            Value::LuaFn(c) if n > 0 => {
                let p = &c.get().proto.get().proto;
                crate::runtime::debug::local_name(p, n as u32, 0).map(str::to_string)
            }
            _ => None,
        };
        let v = match name {
            Some(s) => new_str(vm, &s),
            None => Value::Nil,
        };
        return vm.ret(&[v]);
    }
    let level = vm.check_integer(arg + 1)?;
    let Some(fi) = level_frame(th, level) else {
        return Err(vm.arg_error(arg + 1, "level out of range"));
    };
    match find_local(th, fi, n) {
        Some((name, pos)) => {
            let v = th.get().stack[pos];
            let s = new_str(vm, &name);
            vm.ret(&[s, v])
        }
        None => vm.ret(&[Value::Nil]),
    }
}

fn setlocal(vm: &mut Vm) -> LuaResult<Ret> {
    let (th, arg) = get_thread(vm);
    let level = vm.check_integer(arg + 1)?;
    let n = vm.check_integer(arg + 2)?;
    let Some(fi) = level_frame(th, level) else {
        return Err(vm.arg_error(arg + 1, "level out of range"));
    };
    let v = vm.check_any(arg + 3)?;
    match find_local(th, fi, n) {
        Some((name, pos)) => {
            th.get_mut().stack[pos] = v;
            let s = new_str(vm, &name);
            vm.ret(&[s])
        }
        None => vm.ret(&[Value::Nil]),
    }
}

// ----- upvalues -----

fn upval_read(u: Gc<UpVal>) -> Value {
    match *u.get() {
        UpVal::Open { thread, index } => thread.get().stack[index],
        UpVal::Closed(v) => v,
    }
}

fn upval_write(u: Gc<UpVal>, v: Value) {
    match *u.get_mut() {
        UpVal::Open { thread, index } => thread.get_mut().stack[index] = v,
        UpVal::Closed(ref mut c) => *c = v,
    }
}

/// Name of upvalue `n` (1-based) of a function, if it exists (`lua_getupvalue`).
fn upvalue_name(f: Value, n: i64) -> Option<String> {
    match f {
        Value::LuaFn(c) => {
            let c = c.get();
            if n < 1 || n as usize > c.upvals.len() {
                return None;
            }
            let p = &c.proto.get().proto;
            let name = p
                .upvalues
                .get(n as usize - 1)
                .map_or("", |d| &*d.name)
                .to_string();
            Some(if name.is_empty() {
                "(no name)".to_string()
            } else {
                name
            })
        }
        Value::Native(c) => {
            if n >= 1 && n as usize <= c.get().upvalues.len() {
                Some(String::new())
            } else {
                None
            }
        }
        _ => None,
    }
}

fn getupvalue(vm: &mut Vm) -> LuaResult<Ret> {
    let n = vm.check_integer(2)?;
    let f = vm.check_type(1, LuaType::Function)?;
    let Some(name) = upvalue_name(f, n) else {
        return Ok(Ret::Values(0));
    };
    let v = match f {
        Value::LuaFn(c) => upval_read(c.get().upvals[n as usize - 1]),
        Value::Native(c) => c.get().upvalues[n as usize - 1],
        _ => Value::Nil,
    };
    let s = new_str(vm, &name);
    vm.ret(&[s, v])
}

fn setupvalue(vm: &mut Vm) -> LuaResult<Ret> {
    let v = vm.check_any(3)?;
    let n = vm.check_integer(2)?;
    let f = vm.check_type(1, LuaType::Function)?;
    let Some(name) = upvalue_name(f, n) else {
        return Ok(Ret::Values(0));
    };
    match f {
        Value::LuaFn(c) => {
            let u = c.get().upvals[n as usize - 1];
            upval_write(u, v);
            crate::runtime::gc::barrier_upvalue(&vm.heap, u, v);
        }
        Value::Native(c) => {
            c.get_mut().upvalues[n as usize - 1] = v;
            crate::runtime::gc::barrier_object(&vm.heap, crate::runtime::gc::GcRef::Native(c), v);
        }
        _ => {}
    }
    let s = new_str(vm, &name);
    vm.ret(&[s])
}

/// `checkupval`: the function argument `argf` and upvalue index argument `argn`;
/// the upvalue's identity, if it exists.
fn upvalue_identity(vm: &mut Vm, argf: usize, argn: usize) -> LuaResult<Option<usize>> {
    let n = vm.check_integer(argn)?;
    let f = vm.check_type(argf, LuaType::Function)?;
    Ok(match f {
        Value::LuaFn(c) => {
            let c = c.get();
            if n >= 1 && n as usize <= c.upvals.len() {
                Some(c.upvals[n as usize - 1].addr())
            } else {
                None
            }
        }
        Value::Native(c) => {
            let c = c.get();
            if n >= 1 && n as usize <= c.upvalues.len() {
                Some(std::ptr::from_ref(&c.upvalues[n as usize - 1]) as usize)
            } else {
                None
            }
        }
        _ => None,
    })
}

fn upvalueid(vm: &mut Vm) -> LuaResult<Ret> {
    match upvalue_identity(vm, 1, 2)? {
        Some(id) => vm.ret(&[Value::LightUserData(id)]),
        None => vm.ret(&[Value::Nil]),
    }
}

fn upvaluejoin(vm: &mut Vm) -> LuaResult<Ret> {
    if upvalue_identity(vm, 1, 2)?.is_none() {
        return Err(vm.arg_error(2, "invalid upvalue index"));
    }
    if upvalue_identity(vm, 3, 4)?.is_none() {
        return Err(vm.arg_error(4, "invalid upvalue index"));
    }
    let Value::LuaFn(f1) = vm.arg(1) else {
        return Err(vm.arg_error(1, "Lua function expected"));
    };
    let Value::LuaFn(f2) = vm.arg(3) else {
        return Err(vm.arg_error(3, "Lua function expected"));
    };
    let n1 = vm.check_integer(2)? as usize - 1;
    let n2 = vm.check_integer(4)? as usize - 1;
    let u = f2.get().upvals[n2];
    f1.get_mut().upvals[n1] = u;
    crate::runtime::gc::barrier_child(
        &vm.heap,
        crate::runtime::gc::GcRef::LuaFn(f1),
        crate::runtime::gc::GcRef::UpVal(u),
    );
    Ok(Ret::Values(0))
}

// ----- hooks -----

fn sethook(vm: &mut Vm) -> LuaResult<Ret> {
    let (th, arg) = get_thread(vm);
    if vm.is_none_or_nil(arg + 1) {
        vm.set_hook(th, Value::Nil, 0, 0);
        return Ok(Ret::Values(0));
    }
    let smask = vm.check_bytes(arg + 2)?;
    let f = vm.check_type(arg + 1, LuaType::Function)?;
    let count = vm.opt_integer(arg + 3, 0)?;
    let mut m = 0;
    if smask.contains(&b'c') {
        m |= mask::CALL;
    }
    if smask.contains(&b'r') {
        m |= mask::RET;
    }
    if smask.contains(&b'l') {
        m |= mask::LINE;
    }
    if count > 0 {
        m |= mask::COUNT;
    }
    vm.set_hook(th, f, m, count.max(0));
    Ok(Ret::Values(0))
}

fn gethook(vm: &mut Vm) -> LuaResult<Ret> {
    let (th, _) = get_thread(vm);
    let Some((f, m, count)) = vm.get_hook(th) else {
        return vm.ret(&[Value::Nil]);
    };
    let mut s = String::new();
    if m & mask::CALL != 0 {
        s.push('c');
    }
    if m & mask::RET != 0 {
        s.push('r');
    }
    if m & mask::LINE != 0 {
        s.push('l');
    }
    let sv = new_str(vm, &s);
    vm.ret(&[f, sv, Value::Int(count)])
}

// ----- metatables, registry, user values -----

fn getmetatable(vm: &mut Vm) -> LuaResult<Ret> {
    let v = vm.check_any(1)?;
    match vm.metatable(v) {
        Some(mt) => vm.ret(&[Value::Table(mt)]),
        None => vm.ret(&[Value::Nil]),
    }
}

fn setmetatable(vm: &mut Vm) -> LuaResult<Ret> {
    let mt: Option<Gc<Table>> = match vm.arg(2) {
        Value::Nil if !vm.is_none(2) => None,
        Value::Table(t) => Some(t),
        _ => return Err(vm.type_error(2, "nil or table")),
    };
    let v = vm.arg(1);
    match v {
        Value::Table(t) => t.get_mut().metatable = mt,
        Value::UserData(u) => u.get_mut().metatable = mt,
        _ => vm.type_mt[v.type_of().index()] = mt,
    }
    crate::runtime::gc::barrier_metatable(&mut vm.heap, v, mt);
    vm.set_top(1);
    Ok(Ret::Values(1))
}

fn getregistry(vm: &mut Vm) -> LuaResult<Ret> {
    let r = vm.registry;
    vm.ret(&[Value::Table(r)])
}

fn getuservalue(vm: &mut Vm) -> LuaResult<Ret> {
    let n = vm.opt_integer(2, 1)?;
    let Value::UserData(u) = vm.arg(1) else {
        return vm.ret(&[Value::Nil]);
    };
    // A missing n-th user value (as LUA_TNONE): nil alone.
    let v = usize::try_from(n - 1)
        .ok()
        .and_then(|i| u.get().user_values.get(i).copied());
    match v {
        Some(v) => vm.ret(&[v, Value::Bool(true)]),
        None => vm.ret(&[Value::Nil]),
    }
}

fn setuservalue(vm: &mut Vm) -> LuaResult<Ret> {
    let n = vm.opt_integer(3, 1)?;
    let Value::UserData(u) = vm.check_type(1, LuaType::UserData)? else {
        unreachable!("checked to be a userdata")
    };
    let v = vm.check_any(2)?;
    let Some(slot) = usize::try_from(n - 1)
        .ok()
        .and_then(|i| u.get_mut().user_values.get_mut(i))
    else {
        // No n-th user value: fail.
        return vm.ret(&[Value::Nil]);
    };
    *slot = v;
    crate::runtime::gc::barrier_object(&vm.heap, crate::runtime::gc::GcRef::UserData(u), v);
    vm.set_top(1);
    Ok(Ret::Values(1))
}

/// `debug.setcstacklimit` (deprecated in 5.4): changes nothing and returns the
/// fixed limit, as 5.4.4 does.
fn setcstacklimit(vm: &mut Vm) -> LuaResult<Ret> {
    vm.check_integer(1)?;
    vm.ret(&[Value::Int(i64::from(crate::runtime::MAX_C_DEPTH))])
}

// ----- debug.debug -----

/// `debug.debug()`: reads lines from standard input and runs each as a chunk named
/// `=(debug command)`, printing errors to standard error, until a line `cont` or
/// end of input.
fn debug(vm: &mut Vm) -> LuaResult<Ret> {
    use std::io::{BufRead, Write};
    let stdin = std::io::stdin();
    loop {
        vm.stdout.flush();
        eprint!("lua_debug> ");
        let _ = std::io::stderr().flush();
        let mut line = String::new();
        match stdin.lock().read_line(&mut line) {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
        if line.trim_end_matches(['\n', '\r']) == "cont" {
            break;
        }
        let r = match crate::stdlib::base::load_chunk(
            vm,
            line.as_bytes(),
            "=(debug command)",
            b"t",
            None,
        ) {
            Ok(f) => vm.call_function(f, &[], 0).map_err(|e| {
                let v = e.0;
                match v {
                    Value::Str(s) => s.get().to_str_lossy().into_owned(),
                    _ => format!("(error object is a {} value)", vm.type_name_of(v)),
                }
            }),
            Err(m) => Err(m),
        };
        if let Err(m) = r {
            vm.stdout.flush();
            eprintln!("{m}");
        }
    }
    Ok(Ret::Values(0))
}
