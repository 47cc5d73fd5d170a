//! The debug library (the parts the runtime supports so far): `traceback`, `getinfo`,
//! `getlocal`, `setlocal`, `getupvalue`, `setupvalue`, `upvalueid`, `getmetatable`,
//! `setmetatable`, `getregistry`, `sethook`/`gethook` (accepted, hooks not run yet).

use crate::runtime::debug::local_name;
use crate::runtime::{FrameKind, Gc, LuaResult, Ret, Thread, UpVal, Value, Vm};
use crate::syntax::chunk_id;

/// Registers the `debug` table.
pub fn open(vm: &mut Vm) {
    let fns: &[(&'static str, crate::runtime::NativeFn)] = &[
        ("traceback", traceback),
        ("getinfo", getinfo),
        ("getlocal", getlocal),
        ("setlocal", setlocal),
        ("getupvalue", getupvalue),
        ("setupvalue", setupvalue),
        ("upvalueid", upvalueid),
        ("getmetatable", getmetatable),
        ("setmetatable", setmetatable),
        ("getregistry", getregistry),
        ("sethook", sethook),
        ("gethook", gethook),
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

/// The optional thread argument: (thread, index of the next argument).
fn thread_arg(vm: &Vm) -> (Gc<Thread>, usize) {
    match vm.arg(1) {
        Value::Thread(t) => (t, 2),
        _ => (vm.current, 1),
    }
}

fn traceback(vm: &mut Vm) -> LuaResult<Ret> {
    let (th, a) = thread_arg(vm);
    let msg = vm.arg(a);
    if !msg.is_nil() && !matches!(msg, Value::Str(_) | Value::Int(_) | Value::Num(_)) {
        return vm.ret(&[msg]);
    }
    let m = if msg.is_nil() {
        None
    } else {
        Some(vm.check_str(a)?.get().to_str_lossy().into_owned())
    };
    let default_level = if th == vm.current { 1 } else { 0 };
    let level = vm.opt_integer(a + 1, default_level)?.max(0) as usize;
    let s = vm.traceback(th, m.as_deref(), level);
    let v = vm.new_string(s.as_bytes());
    vm.ret(&[v])
}

/// Frame index of `level` (0 = the top frame of `th`).
fn level_frame(th: Gc<Thread>, level: i64) -> Option<usize> {
    let n = th.get().frames.len() as i64;
    if level < 0 || level >= n {
        None
    } else {
        Some((n - 1 - level) as usize)
    }
}

fn getinfo(vm: &mut Vm) -> LuaResult<Ret> {
    let (th, a) = thread_arg(vm);
    let target = vm.arg(a);
    let (func, frame) = match target {
        Value::Int(_) | Value::Num(_) => {
            let level = vm.check_integer(a)?;
            match level_frame(th, level) {
                Some(fi) => (th.get().stack[th.get().frames[fi].func], Some(fi)),
                None => return vm.ret(&[Value::Nil]),
            }
        }
        f if f.is_function() => (f, None),
        _ => return Err(vm.arg_error(a, "function or level expected")),
    };
    let t = vm.new_table_with(0, 16);
    vm.raw_set_str(t, "func", func);
    match func {
        Value::LuaFn(c) => {
            let p = c.get().proto.get().proto.clone();
            let src = vm.new_string(p.source.as_bytes());
            vm.raw_set_str(t, "source", src);
            let short = vm.new_string(chunk_id(&p.source).as_bytes());
            vm.raw_set_str(t, "short_src", short);
            vm.raw_set_str(t, "linedefined", Value::Int(p.line_defined as i64));
            vm.raw_set_str(t, "lastlinedefined", Value::Int(p.last_line_defined as i64));
            let what = if p.line_defined == 0 { "main" } else { "Lua" };
            let w = vm.new_string(what.as_bytes());
            vm.raw_set_str(t, "what", w);
            vm.raw_set_str(t, "nups", Value::Int(p.upvalues.len() as i64));
            vm.raw_set_str(t, "nparams", Value::Int(p.num_params as i64));
            vm.raw_set_str(t, "isvararg", Value::Bool(p.is_vararg));
        }
        _ => {
            let src = vm.new_string(b"=[C]");
            vm.raw_set_str(t, "source", src);
            let short = vm.new_string(b"[C]");
            vm.raw_set_str(t, "short_src", short);
            vm.raw_set_str(t, "linedefined", Value::Int(-1));
            vm.raw_set_str(t, "lastlinedefined", Value::Int(-1));
            let w = vm.new_string(b"C");
            vm.raw_set_str(t, "what", w);
            vm.raw_set_str(t, "nups", Value::Int(0));
            vm.raw_set_str(t, "nparams", Value::Int(0));
            vm.raw_set_str(t, "isvararg", Value::Bool(true));
        }
    }
    let line = frame
        .and_then(|fi| vm.frame_line(th, fi))
        .map_or(-1, |l| l as i64);
    vm.raw_set_str(t, "currentline", Value::Int(line));
    if let Some(fi) = frame {
        let tail = th.get().frames[fi].flags & crate::runtime::thread::flags::TAIL != 0;
        vm.raw_set_str(t, "istailcall", Value::Bool(tail));
        let (what, name) = vm.frame_name(th, fi);
        if !what.is_empty() {
            let n = vm.new_string(name.as_bytes());
            vm.raw_set_str(t, "name", n);
        }
        let w = vm.new_string(what.as_bytes());
        vm.raw_set_str(t, "namewhat", w);
    } else {
        let w = vm.new_string(b"");
        vm.raw_set_str(t, "namewhat", w);
    }
    vm.ret(&[Value::Table(t)])
}

/// The stack slot and name of local `n` of the frame at `level`.
fn local_slot(th: Gc<Thread>, level: i64, n: i64) -> Option<(usize, String)> {
    let fi = level_frame(th, level)?;
    let f = th.get().frames[fi];
    let FrameKind::Lua(c) = f.kind else {
        return None;
    };
    let p = &c.get().proto.get().proto;
    if n < 0 {
        let i = (-n) as usize;
        if i <= f.nextra {
            return Some((f.func - f.nextra + i - 1, "(vararg)".into()));
        }
        return None;
    }
    let name = local_name(p, n as u32, f.pc.saturating_sub(1))?;
    Some((f.base + n as usize - 1, name.to_string()))
}

fn getlocal(vm: &mut Vm) -> LuaResult<Ret> {
    let (th, a) = thread_arg(vm);
    let n = vm.check_integer(a + 1)?;
    if let Value::LuaFn(c) = vm.arg(a) {
        let p = &c.get().proto.get().proto;
        let name = local_name(p, n as u32, 0).map(|s| s.to_string());
        return match name {
            Some(s) => {
                let v = vm.new_string(s.as_bytes());
                vm.ret(&[v])
            }
            None => vm.ret(&[Value::Nil]),
        };
    }
    let level = vm.check_integer(a)?;
    if level_frame(th, level).is_none() {
        return Err(vm.arg_error(a, "level out of range"));
    }
    match local_slot(th, level, n) {
        Some((slot, name)) => {
            let v = th.get().stack[slot];
            let s = vm.new_string(name.as_bytes());
            vm.ret(&[s, v])
        }
        None => vm.ret(&[Value::Nil]),
    }
}

fn setlocal(vm: &mut Vm) -> LuaResult<Ret> {
    let (th, a) = thread_arg(vm);
    let level = vm.check_integer(a)?;
    let n = vm.check_integer(a + 1)?;
    let v = vm.arg(a + 2);
    if level_frame(th, level).is_none() {
        return Err(vm.arg_error(a, "level out of range"));
    }
    match local_slot(th, level, n) {
        Some((slot, name)) => {
            th.get_mut().stack[slot] = v;
            let s = vm.new_string(name.as_bytes());
            vm.ret(&[s])
        }
        None => vm.ret(&[Value::Nil]),
    }
}

fn upvalue_of(vm: &mut Vm) -> LuaResult<Option<(String, Gc<UpVal>)>> {
    let n = vm.check_integer(2)?;
    match vm.arg(1) {
        Value::LuaFn(c) => {
            let cl = c.get();
            if n < 1 || n as usize > cl.upvals.len() {
                return Ok(None);
            }
            let name = cl.proto.get().proto.upvalues[n as usize - 1]
                .name
                .to_string();
            let name = if name.is_empty() {
                "?".to_string()
            } else {
                name
            };
            Ok(Some((name, cl.upvals[n as usize - 1])))
        }
        Value::Native(_) => Ok(None),
        _ => Err(vm.type_error(1, "function")),
    }
}

fn getupvalue(vm: &mut Vm) -> LuaResult<Ret> {
    match upvalue_of(vm)? {
        Some((name, u)) => {
            let v = match *u.get() {
                UpVal::Open { thread, index } => thread.get().stack[index],
                UpVal::Closed(v) => v,
            };
            let s = vm.new_string(name.as_bytes());
            vm.ret(&[s, v])
        }
        None => Ok(Ret::Values(0)),
    }
}

fn setupvalue(vm: &mut Vm) -> LuaResult<Ret> {
    let v = vm.check_any(3)?;
    match upvalue_of(vm)? {
        Some((name, u)) => {
            match u.get_mut() {
                UpVal::Open { thread, index } => thread.get_mut().stack[*index] = v,
                UpVal::Closed(c) => *c = v,
            }
            crate::runtime::gc::barrier_upvalue(&vm.heap, u, v);
            let s = vm.new_string(name.as_bytes());
            vm.ret(&[s])
        }
        None => Ok(Ret::Values(0)),
    }
}

fn upvalueid(vm: &mut Vm) -> LuaResult<Ret> {
    match upvalue_of(vm)? {
        Some((_, u)) => vm.ret(&[Value::LightUserData(u.addr())]),
        None => Err(vm.arg_error(2, "invalid upvalue index")),
    }
}

fn getmetatable(vm: &mut Vm) -> LuaResult<Ret> {
    let v = vm.check_any(1)?;
    let mt = vm.metatable(v).map_or(Value::Nil, Value::Table);
    vm.ret(&[mt])
}

fn setmetatable(vm: &mut Vm) -> LuaResult<Ret> {
    let v = vm.arg(1);
    let mt = match vm.arg(2) {
        Value::Nil => None,
        Value::Table(t) => Some(t),
        _ => return Err(vm.type_error(2, "nil or table")),
    };
    match v {
        Value::Table(t) => t.get_mut().metatable = mt,
        Value::UserData(u) => u.get_mut().metatable = mt,
        _ => vm.type_mt[v.type_of().index()] = mt,
    }
    crate::runtime::gc::barrier_metatable(&mut vm.heap, v, mt);
    vm.ret(&[v])
}

fn getregistry(vm: &mut Vm) -> LuaResult<Ret> {
    let r = vm.registry;
    vm.ret(&[Value::Table(r)])
}

fn sethook(_vm: &mut Vm) -> LuaResult<Ret> {
    Ok(Ret::Values(0))
}

fn gethook(_vm: &mut Vm) -> LuaResult<Ret> {
    Ok(Ret::Values(0))
}
