//! The base library: `print`, `type`, `tostring`, `tonumber`, `pairs`, `ipairs`,
//! `next`, `select`, the `raw*` functions, metatables, `assert`, `error`, `pcall`,
//! `xpcall`, `load`, `loadfile`, `dofile`, `collectgarbage`, `warn`, `_G`, `_VERSION`.

use std::rc::Rc;

use crate::number::{self, Number};
use crate::runtime::gc::GcMode;
use crate::runtime::meta::{self, TM};
use crate::runtime::{LuaError, LuaResult, LuaType, Protect, Ret, Status, Value, Vm};

/// Registers the base library in the globals table.
pub fn open(vm: &mut Vm) {
    let fns: &[(&'static str, crate::runtime::NativeFn)] = &[
        ("print", print),
        ("type", type_),
        ("tostring", tostring),
        ("tonumber", tonumber),
        ("ipairs", ipairs),
        ("pairs", pairs),
        ("next", next),
        ("select", select),
        ("rawget", rawget),
        ("rawset", rawset),
        ("rawequal", rawequal),
        ("rawlen", rawlen),
        ("setmetatable", setmetatable),
        ("getmetatable", getmetatable),
        ("assert", assert),
        ("error", error),
        ("pcall", pcall),
        ("xpcall", xpcall),
        ("load", load),
        ("loadfile", loadfile),
        ("dofile", dofile),
        ("collectgarbage", collectgarbage),
        ("warn", warn),
    ];
    // ipairs returns the same iterator every time (`ipairs{} == ipairs{}`), kept as
    // its upvalue.
    let ipairs_iter = vm.new_native("ipairs_aux", ipairs_aux);
    for (name, f) in fns {
        let v = if *name == "ipairs" {
            vm.new_native_with(name, *f, vec![ipairs_iter])
        } else {
            vm.new_native(name, *f)
        };
        vm.set_global(name, v);
        if *name == "next" {
            let reg = vm.registry;
            vm.raw_set_str(reg, "_NEXT", v);
        }
    }
    let g = Value::Table(vm.globals);
    vm.set_global("_G", g);
    let ver = vm.new_string(b"Lua 5.4");
    vm.set_global("_VERSION", ver);
    let loaded = vm.loaded_table();
    vm.raw_set_str(loaded, "_G", g);
}

fn print(vm: &mut Vm) -> LuaResult<Ret> {
    let n = vm.arg_count();
    let mut out = Vec::new();
    for i in 1..=n {
        let s = vm.to_string(vm.arg(i))?;
        if i > 1 {
            out.push(b'\t');
        }
        out.extend_from_slice(s.get().as_bytes());
    }
    out.push(b'\n');
    vm.write_stdout(&out);
    Ok(Ret::Values(0))
}

fn type_(vm: &mut Vm) -> LuaResult<Ret> {
    let v = vm.check_any(1)?;
    let s = vm.type_names[v.type_of().index()];
    vm.ret(&[Value::Str(s)])
}

fn tostring(vm: &mut Vm) -> LuaResult<Ret> {
    let v = vm.check_any(1)?;
    let s = vm.to_string(v)?;
    vm.ret(&[Value::Str(s)])
}

fn parse_base(s: &[u8], base: u32) -> Option<i64> {
    let s = {
        let start = s.iter().position(|c| !number::is_space(*c))?;
        let end = s.iter().rposition(|c| !number::is_space(*c))?;
        &s[start..=end]
    };
    let (neg, digits) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() {
        return None;
    }
    let mut n: i64 = 0;
    for c in digits {
        let d = (*c as char).to_digit(36)?;
        if d >= base {
            return None;
        }
        n = n.wrapping_mul(base as i64).wrapping_add(d as i64);
    }
    Some(if neg { n.wrapping_neg() } else { n })
}

fn tonumber(vm: &mut Vm) -> LuaResult<Ret> {
    if vm.is_none_or_nil(2) {
        let v = vm.check_any(1)?;
        let r = match v {
            Value::Int(_) | Value::Num(_) => v,
            Value::Str(s) => match number::str_to_number(s.get().as_bytes()) {
                Some(Number::Int(i)) => Value::Int(i),
                Some(Number::Float(f)) => Value::Num(f),
                None => Value::Nil,
            },
            _ => Value::Nil,
        };
        return vm.ret(&[r]);
    }
    let base = vm.check_integer(2)?;
    vm.check_type(1, LuaType::String)?;
    let s = vm.check_bytes(1)?;
    if !(2..=36).contains(&base) {
        return Err(vm.arg_error(2, "base out of range"));
    }
    let r = parse_base(&s, base as u32).map_or(Value::Nil, Value::Int);
    vm.ret(&[r])
}

fn ipairs_aux(vm: &mut Vm) -> LuaResult<Ret> {
    // The usual step (a plain table and an integer control) in place: the results
    // replace the two arguments.
    let base = vm.frame_base();
    let th = vm.current.get_mut();
    if let Some(&[Value::Table(h), Value::Int(i)]) = th.stack.get(base..th.top)
        && h.get().metatable.is_none()
    {
        let i = i.wrapping_add(1);
        let v = h.get().get_int(i);
        if v.is_nil() {
            th.stack[base] = Value::Nil;
            th.top = base + 1;
            return Ok(Ret::Values(1));
        }
        th.stack[base] = Value::Int(i);
        th.stack[base + 1] = v;
        return Ok(Ret::Values(2));
    }
    let i = vm.check_integer(2)?.wrapping_add(1);
    let t = vm.arg(1);
    let v = match t {
        Value::Table(h) if h.get().metatable.is_none() => h.get().get_int(i),
        _ => vm.index(t, Value::Int(i))?,
    };
    if v.is_nil() {
        vm.ret(&[Value::Nil])
    } else {
        vm.ret(&[Value::Int(i), v])
    }
}

fn ipairs(vm: &mut Vm) -> LuaResult<Ret> {
    let t = vm.check_any(1)?;
    let f = vm.upvalue(0);
    vm.ret(&[f, t, Value::Int(0)])
}

fn next(vm: &mut Vm) -> LuaResult<Ret> {
    let t = vm.check_table(1)?;
    let k = vm.arg(2);
    match t.get().next(k) {
        Ok(Some((k, v))) => {
            // The results replace the arguments when both are there (a `pairs` loop).
            let base = vm.frame_base();
            let th = vm.current.get_mut();
            if th.top == base + 2 {
                th.stack[base] = k;
                th.stack[base + 1] = v;
                return Ok(Ret::Values(2));
            }
            vm.ret(&[k, v])
        }
        Ok(None) => vm.ret(&[Value::Nil]),
        Err(()) => Err(vm.error_plain("invalid key to 'next'")),
    }
}

fn pairs_k(vm: &mut Vm, _s: Status, _ctx: usize) -> LuaResult<Ret> {
    vm.set_top(3);
    Ok(Ret::Values(3))
}

fn pairs(vm: &mut Vm) -> LuaResult<Ret> {
    let t = vm.check_any(1)?;
    let mm = vm.metamethod(t, TM::Pairs);
    if mm.is_nil() {
        let f = vm.get_global_next();
        return vm.ret(&[f, t, Value::Nil]);
    }
    vm.set_top(0);
    vm.push(mm);
    vm.push(t);
    Ok(Ret::Call {
        nargs: 1,
        nresults: 3,
        protect: Protect::No,
        k: pairs_k,
        ctx: 0,
    })
}

trait NextFn {
    fn get_global_next(&mut self) -> Value;
}

impl NextFn for Vm {
    /// The shared `next` function (kept in the registry as `_NEXT`).
    fn get_global_next(&mut self) -> Value {
        let reg = self.registry;
        let v = self.raw_get_str(reg, "_NEXT");
        if !v.is_nil() {
            return v;
        }
        let f = self.new_native("next", next);
        self.raw_set_str(reg, "_NEXT", f);
        f
    }
}

fn select(vm: &mut Vm) -> LuaResult<Ret> {
    let n = vm.arg_count() as i64;
    if let Value::Str(s) = vm.arg(1)
        && s.get().as_bytes() == b"#"
    {
        return vm.ret(&[Value::Int(n - 1)]);
    }
    let i = vm.check_integer(1)?;
    let i = if i < 0 {
        n + i
    } else if i == 0 {
        return Err(vm.arg_error(1, "index out of range"));
    } else {
        i.min(n)
    };
    if i < 1 {
        return Err(vm.arg_error(1, "index out of range"));
    }
    Ok(Ret::Values((n - i) as usize))
}

fn rawget(vm: &mut Vm) -> LuaResult<Ret> {
    let t = vm.check_table(1)?;
    let k = vm.check_any(2)?;
    let v = vm.raw_get(t, k);
    vm.ret(&[v])
}

fn rawset(vm: &mut Vm) -> LuaResult<Ret> {
    let t = vm.check_table(1)?;
    let k = vm.check_any(2)?;
    let v = vm.check_any(3)?;
    vm.raw_set(t, k, v)?;
    vm.ret(&[Value::Table(t)])
}

fn rawequal(vm: &mut Vm) -> LuaResult<Ret> {
    let a = vm.check_any(1)?;
    let b = vm.check_any(2)?;
    vm.ret(&[Value::Bool(a.raw_eq(&b))])
}

fn rawlen(vm: &mut Vm) -> LuaResult<Ret> {
    let n = match vm.arg(1) {
        Value::Table(t) => t.get().length(),
        Value::Str(s) => s.get().len() as i64,
        _ => return Err(vm.type_error(1, "table or string")),
    };
    vm.ret(&[Value::Int(n)])
}

fn setmetatable(vm: &mut Vm) -> LuaResult<Ret> {
    let t = vm.check_table(1)?;
    let mt = match vm.arg(2) {
        Value::Nil if !vm.is_none(2) => None,
        Value::Table(m) => Some(m),
        _ => return Err(vm.type_error(2, "nil or table")),
    };
    if let Some(old) = t.get().metatable
        && !vm.tm_from(old, TM::Metatable).is_nil()
    {
        return Err(vm.error("cannot change a protected metatable"));
    }
    t.get_mut().metatable = mt;
    crate::runtime::gc::barrier_metatable(&mut vm.heap, Value::Table(t), mt);
    vm.ret(&[Value::Table(t)])
}

fn getmetatable(vm: &mut Vm) -> LuaResult<Ret> {
    let v = vm.check_any(1)?;
    match vm.metatable(v) {
        None => vm.ret(&[Value::Nil]),
        Some(mt) => {
            let p = vm.tm_from(mt, TM::Metatable);
            if p.is_nil() {
                vm.ret(&[Value::Table(mt)])
            } else {
                vm.ret(&[p])
            }
        }
    }
}

fn assert(vm: &mut Vm) -> LuaResult<Ret> {
    let v = vm.check_any(1)?;
    if v.truthy() {
        return Ok(Ret::Values(vm.arg_count()));
    }
    let msg = if vm.is_none(2) {
        vm.new_string(b"assertion failed!")
    } else {
        vm.arg(2)
    };
    if let Value::Str(s) = msg {
        let w = vm.where_(1);
        let mut b = w.into_bytes();
        b.extend_from_slice(s.get().as_bytes());
        return Err(LuaError(vm.new_string(&b)));
    }
    Err(LuaError(msg))
}

fn error(vm: &mut Vm) -> LuaResult<Ret> {
    let msg = vm.arg(1);
    let level = vm.opt_integer(2, 1)?;
    if let Value::Str(s) = msg
        && level > 0
    {
        let w = vm.where_(level as usize);
        let mut b = w.into_bytes();
        b.extend_from_slice(s.get().as_bytes());
        return Err(LuaError(vm.new_string(&b)));
    }
    Err(LuaError(msg))
}

fn pcall_k(vm: &mut Vm, s: Status, _ctx: usize) -> LuaResult<Ret> {
    match s {
        Status::Ok => {
            vm.insert(1, Value::Bool(true));
            Ok(Ret::Values(vm.get_top()))
        }
        Status::Error(e) => {
            vm.set_top(0);
            vm.ret(&[Value::Bool(false), e])
        }
    }
}

fn pcall(vm: &mut Vm) -> LuaResult<Ret> {
    vm.check_any(1)?;
    let n = vm.arg_count();
    Ok(Ret::Call {
        nargs: n - 1,
        nresults: -1,
        protect: Protect::Yes,
        k: pcall_k,
        ctx: 0,
    })
}

fn xpcall_k(vm: &mut Vm, s: Status, _ctx: usize) -> LuaResult<Ret> {
    match s {
        Status::Ok => {
            vm.set_arg(1, Value::Bool(true));
            Ok(Ret::Values(vm.get_top()))
        }
        Status::Error(e) => {
            vm.set_top(0);
            vm.ret(&[Value::Bool(false), e])
        }
    }
}

fn xpcall(vm: &mut Vm) -> LuaResult<Ret> {
    let n = vm.arg_count();
    vm.check_type(2, LuaType::Function)?;
    let f = vm.arg(1);
    let h = vm.arg(2);
    vm.set_arg(1, h);
    vm.set_arg(2, f);
    Ok(Ret::Call {
        nargs: n - 2,
        nresults: -1,
        protect: Protect::Handler(1),
        k: xpcall_k,
        ctx: 0,
    })
}

/// Compiles `src` as a chunk named `chunkname` into a function value, or the error
/// message. `env`, when given, becomes the first upvalue.
pub fn load_chunk(
    vm: &mut Vm,
    src: &[u8],
    chunkname: &str,
    mode: &[u8],
    env: Option<Value>,
) -> Result<Value, String> {
    let binary = src.first() == Some(&0x1b);
    if binary && !mode.contains(&b'b') {
        return Err(format!(
            "attempt to load a binary chunk (mode is '{}')",
            String::from_utf8_lossy(mode)
        ));
    }
    if !binary && !mode.contains(&b't') {
        return Err(format!(
            "attempt to load a text chunk (mode is '{}')",
            String::from_utf8_lossy(mode)
        ));
    }
    let compiled = if binary {
        crate::dump::undump(src, chunkname)
    } else {
        crate::compiler::compile_source(src, chunkname)
    };
    match compiled {
        Ok(p) => Ok(vm.load_proto(Rc::new(p), env)),
        Err(e) => Err(e.message),
    }
}

fn load(vm: &mut Vm) -> LuaResult<Ret> {
    let chunk = vm.arg(1);
    let mode = match vm.opt_str(3)? {
        Some(s) => s.get().as_bytes().to_vec(),
        None => b"bt".to_vec(),
    };
    let env = if vm.is_none(4) { None } else { Some(vm.arg(4)) };
    let chunk = match chunk {
        Value::Int(_) | Value::Num(_) => Value::Str(vm.check_str(1)?),
        c => c,
    };
    let (src, default_name) = match chunk {
        Value::Str(s) => (
            s.get().as_bytes().to_vec(),
            String::from_utf8_lossy(s.get().as_bytes()).into_owned(),
        ),
        Value::LuaFn(_) | Value::Native(_) => {
            let mut buf = Vec::new();
            loop {
                // lua_load runs the reader protected: its errors become load's
                // `nil, message`.
                let r = match vm.call_function(chunk, &[], 1) {
                    Ok(r) => r,
                    Err(e) => return vm.ret(&[Value::Nil, e.0]),
                };
                match r.first() {
                    None | Some(Value::Nil) => break,
                    Some(Value::Str(s)) => {
                        if s.get().is_empty() {
                            break;
                        }
                        buf.extend_from_slice(s.get().as_bytes());
                    }
                    Some(Value::Int(_) | Value::Num(_)) => {
                        let s = vm.to_string(r[0])?;
                        buf.extend_from_slice(s.get().as_bytes());
                    }
                    Some(_) => {
                        let m = vm.error("reader function must return a string").0;
                        return vm.ret(&[Value::Nil, m]);
                    }
                }
            }
            (buf, "=(load)".to_string())
        }
        _ => return Err(vm.type_error(1, "string")),
    };
    let name = match vm.opt_str(2)? {
        Some(s) => s.get().to_str_lossy().into_owned(),
        None => default_name,
    };
    match load_chunk(vm, &src, &name, &mode, env) {
        Ok(f) => vm.ret(&[f]),
        Err(m) => {
            let m = vm.new_string(m.as_bytes());
            vm.ret(&[Value::Nil, m])
        }
    }
}

/// Reads a file for `loadfile`/`dofile` as `luaL_loadfilex` does: `None` is standard
/// input (`=stdin`), a path is `@path`; a first line starting with `#` is dropped
/// (keeping its newline). Errors are `cannot open <name>` / `cannot read <name>`.
pub fn read_source(path: Option<&std::path::Path>) -> Result<(Vec<u8>, String), String> {
    use std::io::Read;
    let (mut data, name) = match path {
        None => {
            let mut b = Vec::new();
            std::io::stdin()
                .read_to_end(&mut b)
                .map_err(|e| format!("cannot read stdin: {}", os_msg(&e)))?;
            (b, "=stdin".to_string())
        }
        Some(p) => {
            let shown = p.display().to_string();
            let b = std::fs::read(p).map_err(|e| {
                if e.kind() == std::io::ErrorKind::IsADirectory {
                    format!("cannot read {shown}: Is a directory")
                } else {
                    format!("cannot open {shown}: {}", os_msg(&e))
                }
            })?;
            (b, format!("@{shown}"))
        }
    };
    // As luaL_loadfile: skip a UTF-8 byte-order mark, then a first line starting with
    // `#` (its newline kept so line numbers stay right, unless a binary chunk follows).
    if data.starts_with(b"\xEF\xBB\xBF") {
        data.drain(..3);
    }
    if data.first() == Some(&b'#') {
        let mut end = data.iter().position(|c| *c == b'\n').unwrap_or(data.len());
        if data.get(end + 1) == Some(&0x1b) {
            end += 1;
        }
        data.drain(..end);
    }
    Ok((data, name))
}

fn os_msg(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

fn loadfile(vm: &mut Vm) -> LuaResult<Ret> {
    let fname = vm.opt_str(1)?.map(|s| s.get().to_str_lossy().into_owned());
    let mode = match vm.opt_str(2)? {
        Some(s) => s.get().as_bytes().to_vec(),
        None => b"bt".to_vec(),
    };
    let env = if vm.is_none(3) { None } else { Some(vm.arg(3)) };
    let r = read_source(fname.as_deref().map(std::path::Path::new))
        .and_then(|(src, name)| load_chunk(vm, &src, &name, &mode, env));
    match r {
        Ok(f) => vm.ret(&[f]),
        Err(m) => {
            let m = vm.new_string(m.as_bytes());
            vm.ret(&[Value::Nil, m])
        }
    }
}

fn dofile_k(vm: &mut Vm, _s: Status, _ctx: usize) -> LuaResult<Ret> {
    Ok(Ret::Values(vm.get_top() - 1))
}

fn dofile(vm: &mut Vm) -> LuaResult<Ret> {
    let fname = vm.opt_str(1)?.map(|s| s.get().to_str_lossy().into_owned());
    let r = read_source(fname.as_deref().map(std::path::Path::new))
        .and_then(|(src, name)| load_chunk(vm, &src, &name, b"bt", None));
    match r {
        Ok(f) => {
            vm.set_top(1);
            vm.push(f);
            Ok(Ret::Call {
                nargs: 0,
                nresults: -1,
                protect: Protect::No,
                k: dofile_k,
                ctx: 0,
            })
        }
        Err(m) => Err(vm.error_plain(m)),
    }
}

fn collectgarbage(vm: &mut Vm) -> LuaResult<Ret> {
    let opts = [
        "stop",
        "restart",
        "collect",
        "count",
        "step",
        "setpause",
        "setstepmul",
        "isrunning",
        "generational",
        "incremental",
    ];
    let o = vm.check_option(1, Some("collect"), &opts)?;
    if vm.heap.in_finalizer {
        // As the reference: every option is invalid while a finalizer runs.
        return vm.ret(&[Value::Bool(false)]);
    }
    match opts[o] {
        "stop" => {
            vm.heap.running = false;
            vm.ret(&[Value::Int(0)])
        }
        "restart" => {
            vm.heap.running = true;
            vm.ret(&[Value::Int(0)])
        }
        "collect" => {
            vm.collect_garbage();
            vm.ret(&[Value::Int(0)])
        }
        "count" => {
            let kb = vm.heap.bytes() as f64 / 1024.0;
            vm.ret(&[Value::Num(kb)])
        }
        "step" => {
            let kb = vm.opt_integer(2, 0)?.max(0) as usize;
            let done = vm.gc_step_kb(kb);
            vm.ret(&[Value::Bool(done)])
        }
        "isrunning" => {
            let r = vm.heap.running;
            vm.ret(&[Value::Bool(r)])
        }
        "setpause" => {
            let old = vm.heap.params.pause;
            vm.heap.params.pause = gc_param(vm.opt_integer(2, 0)?);
            vm.ret(&[Value::Int(old as i64)])
        }
        "setstepmul" => {
            let old = vm.heap.params.stepmul;
            vm.heap.params.stepmul = gc_param(vm.opt_integer(2, 0)?);
            vm.ret(&[Value::Int(old as i64)])
        }
        "incremental" => {
            let old = gc_mode_name(vm.heap.params.mode);
            let (p, m, s) = (
                vm.opt_integer(2, 0)?,
                vm.opt_integer(3, 0)?,
                vm.opt_integer(4, 0)?,
            );
            let params = &mut vm.heap.params;
            params.mode = GcMode::Incremental;
            if p != 0 {
                params.pause = gc_param(p);
            }
            if m != 0 {
                params.stepmul = gc_param(m);
            }
            if s != 0 {
                params.stepsize = gc_param(s).min(40);
            }
            let s = vm.new_string(old.as_bytes());
            vm.ret(&[s])
        }
        _ => {
            // "generational": accepted; the collector stays incremental.
            let old = gc_mode_name(vm.heap.params.mode);
            vm.heap.params.mode = GcMode::Generational;
            let s = vm.new_string(old.as_bytes());
            vm.ret(&[s])
        }
    }
}

/// A collector parameter from a Lua integer (clamped to `0..=i32::MAX`).
fn gc_param(v: i64) -> u32 {
    v.clamp(0, i32::MAX as i64) as u32
}

fn gc_mode_name(m: GcMode) -> &'static str {
    match m {
        GcMode::Incremental => "incremental",
        GcMode::Generational => "generational",
    }
}

fn warn(vm: &mut Vm) -> LuaResult<Ret> {
    let n = vm.arg_count();
    vm.check_str(1)?;
    let mut parts = Vec::new();
    for i in 1..=n {
        parts.push(vm.check_bytes(i)?);
    }
    if n == 1 && parts[0].first() == Some(&b'@') {
        match parts[0].as_slice() {
            b"@on" => vm.warnings_on = true,
            b"@off" => vm.warnings_on = false,
            _ => {}
        }
        return Ok(Ret::Values(0));
    }
    if vm.warnings_on {
        let mut msg = b"Lua warning: ".to_vec();
        for p in parts {
            msg.extend_from_slice(&p);
        }
        msg.push(b'\n');
        vm.stdout.flush();
        use std::io::Write;
        let _ = std::io::stderr().write_all(&msg);
    }
    Ok(Ret::Values(0))
}

/// `tostring` for numbers, as Rust text (used by the facade's message handler).
pub fn number_text(v: Value) -> Option<String> {
    meta::number_to_bytes(v).map(|b| String::from_utf8_lossy(&b).into_owned())
}
