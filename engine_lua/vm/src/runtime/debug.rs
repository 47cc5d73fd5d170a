//! Debug information at run time: current lines, names of values and functions found
//! by symbolic inspection of the bytecode (the approach of the reference's
//! `getobjname`/`funcnamefromcode`), error positions and `stack traceback:` text as
//! `luaL_traceback` prints it.

use super::Vm;
use super::api::LuaError;
use super::gc::Gc;
use super::thread::{Frame, FrameKind, Thread, flags};
use super::value::Value;
use crate::opcode::OpCode;
use crate::proto::{Constant, Proto};
use crate::syntax::chunk_id;

/// Where an operand of a failing instruction came from (for `(local 'x')` suffixes).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Loc {
    /// Unknown or a constant.
    None,
    /// Register of the current Lua frame.
    Reg(u32),
    /// Upvalue of the current Lua closure.
    Up(u32),
}

/// The name of local variable number `n` (1-based) active at `pc`.
pub fn local_name(p: &Proto, n: u32, pc: usize) -> Option<&str> {
    let mut n = n;
    for lv in &p.loc_vars {
        if lv.start_pc as usize > pc {
            break;
        }
        if pc < lv.end_pc as usize {
            n -= 1;
            if n == 0 {
                return Some(&lv.name);
            }
        }
    }
    None
}

fn sets_a(op: OpCode) -> bool {
    use OpCode::*;
    !matches!(
        op,
        SETUPVAL
            | SETTABUP
            | SETTABUPK
            | SETTABLE
            | SETTABLEK
            | SETI
            | SETIK
            | SETFIELD
            | SETFIELDK
            | CLOSE
            | TBC
            | JMP
            | LOOP
            | EQ
            | LT
            | LE
            | EQK
            | EQI
            | LTI
            | LEI
            | GTI
            | GEI
            | TEST
            | RETURN
            | RETURN0
            | RETURN1
            | TFORPREP
            | SETLIST
            | VARARGPREP
            | EXTRAARG
    )
}

/// The last instruction before `lastpc` that certainly set register `reg`.
fn find_set_reg(p: &Proto, lastpc: usize, reg: u32) -> Option<usize> {
    let mut setreg = None;
    let mut jmptarget = 0usize;
    for pc in 0..lastpc {
        let i = p.code[pc];
        let op = i.opcode();
        let a = i.a();
        let change = match op {
            OpCode::LOADNIL => a <= reg && reg <= a + i.b(),
            OpCode::TFORCALL => reg >= a + 2,
            OpCode::CALL | OpCode::TAILCALL => reg >= a,
            OpCode::JMP => {
                let dest = (pc as i64 + 1 + i.sj_field() as i64) as usize;
                if dest <= lastpc && dest > jmptarget {
                    jmptarget = dest;
                }
                false
            }
            _ => sets_a(op) && reg == a,
        };
        if change {
            setreg = if pc < jmptarget { None } else { Some(pc) };
        }
    }
    setreg
}

fn const_str(p: &Proto, k: usize) -> Option<String> {
    match p.constants.get(k) {
        Some(Constant::Str(s)) => Some(String::from_utf8_lossy(s).into_owned()),
        _ => None,
    }
}

fn upval_name(p: &Proto, u: u32) -> String {
    p.upvalues
        .get(u as usize)
        .map_or("?".to_string(), |d| d.name.to_string())
}

/// `"global"` when the table is the upvalue or the local variable `_ENV` (5.4.7's
/// `isEnv`: a field named `_ENV`, as in `a._ENV.x`, is not), else `"field"`.
fn is_env(p: &Proto, pc: usize, t: u32, is_up: bool) -> &'static str {
    let name = if is_up {
        Some(upval_name(p, t))
    } else {
        match getobjname(p, pc, t) {
            Some(("local" | "upvalue", n)) => Some(n),
            _ => None,
        }
    };
    if name.as_deref() == Some("_ENV") {
        "global"
    } else {
        "field"
    }
}

/// What register `reg` holds at `lastpc`: `("local", "x")`, `("global", "f")`,
/// `("field", "z")`, `("upvalue", "w")`, `("method", "m")`, `("constant", "c")`.
pub fn getobjname(p: &Proto, lastpc: usize, reg: u32) -> Option<(&'static str, String)> {
    if let Some(n) = local_name(p, reg + 1, lastpc) {
        return Some(("local", n.to_string()));
    }
    let pc = find_set_reg(p, lastpc, reg)?;
    let i = p.code[pc];
    match i.opcode() {
        OpCode::MOVE => {
            let b = i.b();
            if b < i.a() {
                getobjname(p, pc, b)
            } else {
                None
            }
        }
        OpCode::GETTABUP => {
            let k = const_str(p, i.c() as usize).unwrap_or_else(|| "?".into());
            Some((is_env(p, pc, i.b(), true), k))
        }
        OpCode::GETTABLE => {
            let k = match getobjname(p, pc, i.c()) {
                Some(("constant", n)) => n,
                _ => "?".into(),
            };
            Some((is_env(p, pc, i.b(), false), k))
        }
        OpCode::GETI => Some(("field", "integer index".into())),
        OpCode::GETFIELD => {
            let k = const_str(p, i.c() as usize).unwrap_or_else(|| "?".into());
            Some((is_env(p, pc, i.b(), false), k))
        }
        OpCode::GETUPVAL => Some(("upvalue", upval_name(p, i.b()))),
        OpCode::LOADK => const_str(p, i.bx() as usize).map(|s| ("constant", s)),
        OpCode::LOADKX => {
            let ax = p.code.get(pc + 1)?.ax_field();
            const_str(p, ax as usize).map(|s| ("constant", s))
        }
        OpCode::SELFK => {
            let k = const_str(p, i.c() as usize).unwrap_or_else(|| "?".into());
            Some(("method", k))
        }
        OpCode::SELF => {
            let k = match getobjname(p, pc, i.c()) {
                Some(("constant", n)) => n,
                _ => "?".into(),
            };
            Some(("method", k))
        }
        _ => None,
    }
}

/// The name of the function called by the instruction at `pc` (`funcnamefromcode`).
pub fn funcname_from_code(p: &Proto, pc: usize) -> Option<(&'static str, String)> {
    use OpCode::*;
    let i = *p.code.get(pc)?;
    let mm = |s: &str| Some(("metamethod", s.to_string()));
    match i.opcode() {
        CALL | TAILCALL => getobjname(p, pc, i.a()),
        TFORCALL => Some(("for iterator", "for iterator".into())),
        SELF | SELFK | GETTABUP | GETTABLE | GETI | GETFIELD => mm("index"),
        SETTABUP | SETTABUPK | SETTABLE | SETTABLEK | SETI | SETIK | SETFIELD | SETFIELDK => {
            mm("newindex")
        }
        ADDI | ADDK | ADD => mm("add"),
        SUBK | SUB => mm("sub"),
        MULK | MUL => mm("mul"),
        MODK | MOD => mm("mod"),
        POWK | POW => mm("pow"),
        DIVK | DIV => mm("div"),
        IDIVK | IDIV => mm("idiv"),
        BANDK | BAND => mm("band"),
        BORK | BOR => mm("bor"),
        BXORK | BXOR => mm("bxor"),
        SHLI | SHL => mm("shl"),
        SHRI | SHR => mm("shr"),
        UNM => mm("unm"),
        BNOT => mm("bnot"),
        LEN => mm("len"),
        CONCAT => mm("concat"),
        EQ | EQK | EQI => mm("eq"),
        LT | LTI | GTI => mm("lt"),
        LE | LEI | GEI => mm("le"),
        CLOSE | RETURN => mm("close"),
        _ => None,
    }
}

fn frame_proto(f: &Frame) -> Option<&Proto> {
    match &f.kind {
        FrameKind::Lua(c) => Some(&c.get().proto.get().proto),
        FrameKind::Native(_) => None,
    }
}

/// Index of the instruction a Lua frame is executing.
fn frame_pc(f: &Frame) -> usize {
    f.pc.saturating_sub(1)
}

impl Vm {
    /// The current line of frame `fi` of `th` (None for native frames).
    pub fn frame_line(&self, th: Gc<Thread>, fi: usize) -> Option<u32> {
        let f = th.get().frames.get(fi)?;
        let p = frame_proto(f)?;
        p.line_info.get(frame_pc(f)).copied()
    }

    /// `chunkid:line: ` of the function `level` levels below the top (0: the running
    /// function), or `""` for native frames (`luaL_where`).
    pub fn where_(&self, level: usize) -> String {
        let th = self.current;
        let frames = &th.get().frames;
        if level >= frames.len() {
            return String::new();
        }
        let fi = frames.len() - 1 - level;
        let f = &frames[fi];
        match frame_proto(f) {
            Some(p) => match p.line_info.get(frame_pc(f)) {
                Some(line) => format!("{}:{}: ", chunk_id(&p.source), line),
                // No line information (stripped code): no position at all.
                None => String::new(),
            },
            None => String::new(),
        }
    }

    /// `chunkid:line: ` of the running Lua function for a runtime error
    /// (`luaG_addinfo`): stripped code reads `?:-1: `; `""` in a native function.
    pub fn runtime_where(&self) -> String {
        let Some(f) = self.current.get().frames.last() else {
            return String::new();
        };
        match frame_proto(f) {
            Some(p) => match p.line_info.get(frame_pc(f)) {
                Some(line) => format!("{}:{}: ", chunk_id(&p.source), line),
                None => format!("{}:-1: ", chunk_id(&p.source)),
            },
            None => String::new(),
        }
    }

    /// The name of the function running in frame `fi`, from its caller's code:
    /// `("local", "f")`, `("method", "m")`, `("metamethod", "index")`... or `("", "")`.
    pub fn frame_name(&self, th: Gc<Thread>, fi: usize) -> (&'static str, String) {
        let frames = &th.get().frames;
        let f = &frames[fi];
        if f.flags & flags::TAIL != 0 || fi == 0 {
            return ("", String::new());
        }
        let caller = &frames[fi - 1];
        if caller.flags & flags::HOOKED != 0 {
            return ("hook", "?".to_string());
        }
        match frame_proto(caller) {
            Some(p) => funcname_from_code(p, frame_pc(caller)).unwrap_or(("", String::new())),
            None => ("", String::new()),
        }
    }

    /// `pushglobalfuncname`: the function's name in `package.loaded` (`string.rep`;
    /// `_G.print` as `print`).
    pub fn global_func_name(&mut self, f: Value) -> Option<String> {
        if !f.is_function() {
            return None;
        }
        let loaded = self.loaded_table();
        let mut found: Option<String> = None;
        let mut k = Value::Nil;
        while let Ok(Some((mk, mv))) = loaded.get().next(k) {
            k = mk;
            let (Value::Str(mname), Value::Table(mt)) = (mk, mv) else {
                continue;
            };
            let mut k2 = Value::Nil;
            while let Ok(Some((fk, fv))) = mt.get().next(k2) {
                k2 = fk;
                if let Value::Str(fname) = fk
                    && fv.raw_eq(&f)
                {
                    let m = mname.get().to_str_lossy();
                    let n = fname.get().to_str_lossy();
                    let full = if m == "_G" {
                        n.into_owned()
                    } else {
                        format!("{m}.{n}")
                    };
                    if m == "_G" {
                        return Some(full);
                    }
                    if found.is_none() {
                        found = Some(full);
                    }
                }
            }
        }
        found
    }

    fn describe_frame(&mut self, th: Gc<Thread>, fi: usize) -> String {
        let f = th.get().frames[fi];
        let mut s = String::from("\n\t");
        let p = frame_proto(&f).map(|p| (chunk_id(&p.source), p.line_defined));
        match (&p, self.frame_line(th, fi)) {
            (Some((src, _)), Some(line)) => s.push_str(&format!("{src}:{line}: in ")),
            (Some((src, _)), None) => s.push_str(&format!("{src}: in ")),
            _ => s.push_str("[C]: in "),
        }
        let fval = th.get().stack[f.func];
        let (what, name) = self.frame_name(th, fi);
        if let Some(g) = self.global_func_name(fval) {
            s.push_str(&format!("function '{g}'"));
        } else if !what.is_empty() {
            s.push_str(&format!("{what} '{name}'"));
        } else {
            match p {
                Some((_, 0)) => s.push_str("main chunk"),
                Some((src, line)) => s.push_str(&format!("function <{src}:{line}>")),
                None => s.push('?'),
            }
        }
        if f.flags & flags::TAIL != 0 {
            s.push_str("\n\t(...tail calls...)");
        }
        s
    }

    /// `stack traceback:` of `th` starting `level` frames below its top, as
    /// `luaL_traceback` prints it (first 10 and last 11 levels when there are more
    /// than 21), preceded by `msg` and a newline when given.
    pub fn traceback(&mut self, th: Gc<Thread>, msg: Option<&str>, level: usize) -> String {
        let mut out = String::new();
        if let Some(m) = msg {
            out.push_str(m);
            out.push('\n');
        }
        out.push_str("stack traceback:");
        let nframes = th.get().frames.len();
        let top = nframes.saturating_sub(level);
        // Levels: frames top-1 down to 0, then the host's "[C]: in ?" for the main
        // thread.
        let extra = usize::from(th == self.main);
        let total = top + extra;
        let describe = |vm: &mut Vm, l: usize| -> String {
            if l < top {
                vm.describe_frame(th, top - 1 - l)
            } else {
                "\n\t[C]: in ?".to_string()
            }
        };
        if total > 22 {
            for l in 0..10 {
                out.push_str(&describe(self, l));
            }
            let last = total - 1;
            out.push_str(&format!("\n\t...\t(skipping {} levels)", last - 21));
            for l in last - 10..=last {
                out.push_str(&describe(self, l));
            }
        } else {
            for l in 0..total {
                out.push_str(&describe(self, l));
            }
        }
        out
    }

    /// ` (local 'x')`-style suffix for an operand location in the running Lua frame.
    pub(crate) fn varinfo(&self, loc: Loc) -> String {
        let th = self.current.get();
        let Some(f) = th.frames.last() else {
            return String::new();
        };
        let Some(p) = frame_proto(f) else {
            return String::new();
        };
        match loc {
            Loc::None => String::new(),
            Loc::Up(u) => format!(" (upvalue '{}')", upval_name(p, u)),
            Loc::Reg(r) => match getobjname(p, frame_pc(f), r) {
                Some((kind, name)) => format!(" ({kind} '{name}')"),
                None => String::new(),
            },
        }
    }

    /// `attempt to <op> a <type> value<varinfo>` (`luaG_typeerror`).
    pub(crate) fn type_error_loc(&mut self, v: Value, op: &str, loc: Loc) -> LuaError {
        let t = self.type_name_of(v);
        let vi = self.varinfo(loc);
        self.rt_error(&format!("attempt to {op} a {t} value{vi}"))
    }

    /// `attempt to call a X value (...)` for the value at stack slot `func`.
    pub(crate) fn call_error(&mut self, func: usize) -> LuaError {
        let th = self.current.get();
        let v = th.stack[func];
        let mut extra = String::new();
        if let Some(f) = th.frames.last()
            && let Some(p) = frame_proto(f)
        {
            // `luaG_callerror`: the name the calling instruction gives the callee
            // (a metamethod for operators, `close` for RETURN/CLOSE), else the
            // variable holding it.
            let pc = frame_pc(f);
            match funcname_from_code(p, pc) {
                Some((kind, name)) => extra = format!(" ({kind} '{name}')"),
                None => {
                    let i = p.code[pc];
                    if !matches!(i.opcode(), OpCode::CALL | OpCode::TAILCALL) && func >= f.base {
                        extra = self.varinfo(Loc::Reg((func - f.base) as u32));
                    }
                }
            }
        }
        let t = self.type_name_of(v);
        self.rt_error(&format!("attempt to call a {t} value{extra}"))
    }
}
