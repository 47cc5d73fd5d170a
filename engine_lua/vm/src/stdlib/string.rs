//! The `string` library wired as native functions, and the string metatable
//! (`__index = string` plus the arithmetic metamethods that coerce numeric strings).
//!
//! The algorithms live in [`super::pattern`], [`super::format`] and [`super::pack`];
//! this file reads arguments with the reference's checks (`lstrlib.c`) and turns
//! results into values.

use super::auxlib::{new_lib, posrelat_end, posrelat_start};
use super::format::{self, FormatArgs, FormatError, Literal};
use super::pack::{self, PackArgs, PackError, Unpacked};
use super::pattern::{self, CaptureValue, GMatch, Match, PatternError};
use crate::runtime::meta::{self, ArithOp};
use crate::runtime::{Gc, LuaError, LuaResult, LuaStr, LuaType, NativeFn, Ret, Value, Vm};

/// The reference's `MAXSIZE` for results (`INT_MAX` on 64-bit Linux).
const MAX_SIZE: usize = i32::MAX as usize;

/// Opens the string library and installs the string metatable.
pub fn open(vm: &mut Vm) {
    const FUNCS: &[(&str, NativeFn)] = &[
        ("byte", str_byte),
        ("char", str_char),
        ("dump", str_dump),
        ("find", str_find),
        ("format", str_format),
        ("gmatch", str_gmatch),
        ("gsub", str_gsub),
        ("len", str_len),
        ("lower", str_lower),
        ("match", str_match),
        ("rep", str_rep),
        ("reverse", str_reverse),
        ("sub", str_sub),
        ("upper", str_upper),
        ("pack", str_pack),
        ("packsize", str_packsize),
        ("unpack", str_unpack),
    ];
    let lib = new_lib(vm, "string", FUNCS);
    const META: &[(&str, NativeFn)] = &[
        ("__add", mt_add),
        ("__sub", mt_sub),
        ("__mul", mt_mul),
        ("__mod", mt_mod),
        ("__pow", mt_pow),
        ("__div", mt_div),
        ("__idiv", mt_idiv),
        ("__unm", mt_unm),
    ];
    let mt = vm.new_table_with(0, META.len() + 1);
    for &(name, f) in META {
        let v = vm.new_native(name, f);
        vm.raw_set_str(mt, name, v);
    }
    vm.raw_set_str(mt, "__index", Value::Table(lib));
    vm.type_mt[LuaType::String.index()] = Some(mt);
}

/// A failure inside an algorithm driven from the wiring: a Lua error already made,
/// or a library error still to be raised with the running function's name.
pub(crate) enum Fail {
    Lua(LuaError),
    Format(FormatError),
    Pack(PackError),
    Pattern(PatternError),
}

impl From<LuaError> for Fail {
    fn from(e: LuaError) -> Self {
        Fail::Lua(e)
    }
}
impl From<FormatError> for Fail {
    fn from(e: FormatError) -> Self {
        Fail::Format(e)
    }
}
impl From<PackError> for Fail {
    fn from(e: PackError) -> Self {
        Fail::Pack(e)
    }
}
impl From<PatternError> for Fail {
    fn from(e: PatternError) -> Self {
        Fail::Pattern(e)
    }
}

/// Raises a [`Fail`] as the reference would (`luaL_error` / `luaL_argerror`).
pub(crate) fn raise(vm: &mut Vm, f: Fail) -> LuaError {
    match f {
        Fail::Lua(e) => e,
        Fail::Format(FormatError::Message(m)) | Fail::Pack(PackError::Message(m)) => vm.error(m),
        Fail::Format(FormatError::Arg { arg, msg }) | Fail::Pack(PackError::Arg { arg, msg }) => {
            vm.arg_error(arg, msg)
        }
        Fail::Pattern(PatternError(m)) => vm.error(m),
    }
}

fn pattern_err(vm: &mut Vm, e: PatternError) -> LuaError {
    vm.error(e.0)
}

fn str_len(vm: &mut Vm) -> LuaResult<Ret> {
    let s = vm.check_str(1)?;
    vm.push_int(s.get().len() as i64);
    Ok(Ret::Values(1))
}

/// The arguments `(s [, i [, j]])` of the running native read in one pass when `s`
/// is a string and the others integers: `i` defaults to 1, `j` to `dflt_j` (or to
/// `i` when `None`). `None` (nothing read) for anything else: the caller then takes
/// its general path with the reference's coercions and errors.
#[inline(always)]
fn str_int_args(vm: &Vm, dflt_j: Option<i64>) -> Option<(Gc<LuaStr>, i64, i64)> {
    let th = vm.current.get();
    let args = th.stack.get(vm.frame_base()..th.top)?;
    match *args {
        [Value::Str(s)] => Some((s, 1, dflt_j.unwrap_or(1))),
        [Value::Str(s), Value::Int(i)] => Some((s, i, dflt_j.unwrap_or(i))),
        [Value::Str(s), Value::Int(i), Value::Int(j)] => Some((s, i, j)),
        _ => None,
    }
}

fn str_sub(vm: &mut Vm) -> LuaResult<Ret> {
    if let Some((s, i, j)) = str_int_args(vm, Some(-1))
        && vm.arg_count() >= 2
    {
        let bytes = s.get().as_bytes();
        let len = bytes.len();
        let start = posrelat_start(i, len);
        let end = posrelat_end(j, len);
        let v = if start > end {
            vm.new_string(b"")
        } else {
            vm.new_string(&bytes[start - 1..end])
        };
        vm.push(v);
        return Ok(Ret::Values(1));
    }
    let s = vm.check_str(1)?;
    let len = s.get().len();
    let start = posrelat_start(vm.check_integer(2)?, len);
    let end = posrelat_end(vm.opt_integer(3, -1)?, len);
    if start > end {
        vm.push_bytes(b"");
    } else {
        vm.push_bytes(&s.get().as_bytes()[start - 1..end]);
    }
    Ok(Ret::Values(1))
}

fn str_reverse(vm: &mut Vm) -> LuaResult<Ret> {
    let mut b = vm.check_bytes(1)?;
    b.reverse();
    vm.push_bytes(&b);
    Ok(Ret::Values(1))
}

fn str_lower(vm: &mut Vm) -> LuaResult<Ret> {
    let mut b = vm.check_bytes(1)?;
    b.make_ascii_lowercase();
    vm.push_bytes(&b);
    Ok(Ret::Values(1))
}

fn str_upper(vm: &mut Vm) -> LuaResult<Ret> {
    let mut b = vm.check_bytes(1)?;
    b.make_ascii_uppercase();
    vm.push_bytes(&b);
    Ok(Ret::Values(1))
}

fn str_rep(vm: &mut Vm) -> LuaResult<Ret> {
    let s = vm.check_str(1)?;
    let n = vm.check_integer(2)?;
    let sep = vm.opt_str(3)?;
    let s = s.get().as_bytes();
    let sep_bytes = sep.map(|g| g.get().as_bytes().to_vec()).unwrap_or_default();
    let sep = &sep_bytes[..];
    if n <= 0 {
        vm.push_bytes(b"");
        return Ok(Ret::Values(1));
    }
    let n = n as usize;
    let unit = s.len() + sep.len();
    if unit > MAX_SIZE / n {
        return Err(vm.error("resulting string too large"));
    }
    vm.reserve_memory(unit * n)?;
    let mut out = Vec::with_capacity(unit * n);
    for i in 0..n {
        if i > 0 {
            out.extend_from_slice(sep);
        }
        out.extend_from_slice(s);
    }
    vm.push_bytes(&out);
    Ok(Ret::Values(1))
}

fn str_byte(vm: &mut Vm) -> LuaResult<Ret> {
    if let Some((s, i, j)) = str_int_args(vm, None)
        && i == j
    {
        // One byte (the usual `string.byte(s, i)`), or none when out of range.
        let bytes = s.get().as_bytes();
        let len = bytes.len();
        let start = posrelat_start(i, len);
        if start > posrelat_end(j, len) {
            return Ok(Ret::Values(0));
        }
        vm.push_int(i64::from(bytes[start - 1]));
        return Ok(Ret::Values(1));
    }
    let s = vm.check_str(1)?;
    let len = s.get().len();
    let pi = vm.opt_integer(2, 1)?;
    let end = posrelat_end(vm.opt_integer(3, pi)?, len);
    let start = posrelat_start(pi, len);
    if start > end {
        return Ok(Ret::Values(0));
    }
    if end - start >= i32::MAX as usize {
        return Err(vm.error("string slice too long"));
    }
    let n = end - start + 1;
    for i in start - 1..end {
        vm.push_int(i64::from(s.get().as_bytes()[i]));
    }
    Ok(Ret::Values(n))
}

fn str_char(vm: &mut Vm) -> LuaResult<Ret> {
    let n = vm.arg_count();
    let mut out = Vec::with_capacity(n);
    for i in 1..=n {
        let c = vm.check_integer(i)?;
        if c as u64 > 255 {
            return Err(vm.arg_error(i, "value out of range"));
        }
        out.push(c as u8);
    }
    vm.push_bytes(&out);
    Ok(Ret::Values(1))
}

/// `string.dump(f [, strip])`: the binary chunk of a Lua function ([`crate::dump`]).
fn str_dump(vm: &mut Vm) -> LuaResult<Ret> {
    let f = vm.arg(1);
    let strip = vm.arg(2).truthy();
    match f {
        Value::LuaFn(c) => {
            let bytes = crate::dump::dump(&c.get().proto.get().proto, strip);
            vm.push_bytes(&bytes);
            Ok(Ret::Values(1))
        }
        Value::Native(_) => Err(vm.error("unable to dump given function")),
        _ => Err(vm.type_error(1, "function")),
    }
}

// ----- patterns -----

/// Pushes a capture value; returns nothing.
fn push_capture(vm: &mut Vm, subject: &[u8], v: CaptureValue) {
    match v {
        CaptureValue::Str(r) => vm.push_bytes(&subject[r]),
        CaptureValue::Position(p) => vm.push_int(p as i64),
    }
}

fn push_captures(vm: &mut Vm, subject: &[u8], m: &Match, whole: bool) -> LuaResult<usize> {
    // As `Match::values`, without collecting: every value is checked before any is
    // pushed (an error leaves nothing behind).
    let n = if m.captures.is_empty() && whole {
        1
    } else {
        m.captures.len()
    };
    for i in 0..n {
        m.get(i).map_err(|e| pattern_err(vm, e))?;
    }
    for i in 0..n {
        let v = m.get(i).expect("checked above");
        push_capture(vm, subject, v);
    }
    Ok(n)
}

fn find_aux(vm: &mut Vm, find: bool) -> LuaResult<Ret> {
    // The usual arguments (two strings and maybe an integer) in one read.
    let fast = {
        let th = vm.current.get();
        match th.stack.get(vm.frame_base()..th.top) {
            Some(&[Value::Str(s), Value::Str(p)]) => Some((s, p, 1, false)),
            Some(&[Value::Str(s), Value::Str(p), Value::Int(i)]) => Some((s, p, i, false)),
            _ => None,
        }
    };
    let (s, p, i, plain) = match fast {
        Some(a) => a,
        None => {
            let s = vm.check_str(1)?;
            let p = vm.check_str(2)?;
            let i = vm.opt_integer(3, 1)?;
            (s, p, i, vm.arg(4).truthy())
        }
    };
    let (sb, pb) = (s.get().as_bytes(), p.get().as_bytes());
    let init = posrelat_start(i, sb.len()) - 1;
    if init > sb.len() {
        vm.push_nil();
        return Ok(Ret::Values(1));
    }
    if find && (plain || pattern::no_specials(pb)) {
        if let Some(pos) = pattern::plain_find(&sb[init..], pb) {
            let start = init + pos;
            vm.push_int(start as i64 + 1);
            vm.push_int((start + pb.len()) as i64);
            return Ok(Ret::Values(2));
        }
    } else {
        match pattern::find(sb, pb, init) {
            Err(e) => return Err(pattern_err(vm, e)),
            Ok(Some(m)) => {
                if find {
                    vm.push_int(m.range.start as i64 + 1);
                    vm.push_int(m.range.end as i64);
                    let n = push_captures(vm, sb, &m, false)?;
                    return Ok(Ret::Values(n + 2));
                }
                let n = push_captures(vm, sb, &m, true)?;
                return Ok(Ret::Values(n));
            }
            Ok(None) => {}
        }
    }
    vm.push_nil();
    Ok(Ret::Values(1))
}

fn str_find(vm: &mut Vm) -> LuaResult<Ret> {
    find_aux(vm, true)
}

fn str_match(vm: &mut Vm) -> LuaResult<Ret> {
    find_aux(vm, false)
}

fn str_gmatch(vm: &mut Vm) -> LuaResult<Ret> {
    let s = vm.check_str(1)?;
    let p = vm.check_str(2)?;
    let len = s.get().len();
    let init = (posrelat_start(vm.opt_integer(3, 1)?, len) - 1).min(len + 1);
    let f = vm.new_native_with(
        "gmatch_aux",
        gmatch_aux,
        vec![
            Value::Str(s),
            Value::Str(p),
            Value::Int(init as i64),
            Value::Int(-1),
        ],
    );
    vm.push(f);
    Ok(Ret::Values(1))
}

fn gmatch_aux(vm: &mut Vm) -> LuaResult<Ret> {
    let (Value::Str(s), Value::Str(p), Value::Int(pos), Value::Int(last)) =
        (vm.upvalue(0), vm.upvalue(1), vm.upvalue(2), vm.upvalue(3))
    else {
        return Err(vm.error("invalid gmatch state"));
    };
    let sb = s.get().as_bytes();
    let mut g = GMatch {
        pos: pos as usize,
        last_match: (last >= 0).then_some(last as usize),
    };
    let r = g.next(sb, p.get().as_bytes());
    vm.set_upvalue(2, Value::Int(g.pos as i64));
    vm.set_upvalue(3, Value::Int(g.last_match.map_or(-1, |l| l as i64)));
    match r {
        Err(e) => Err(pattern_err(vm, e)),
        Ok(None) => Ok(Ret::Values(0)),
        Ok(Some(m)) => {
            let n = push_captures(vm, sb, &m, true)?;
            Ok(Ret::Values(n))
        }
    }
}

fn str_gsub(vm: &mut Vm) -> LuaResult<Ret> {
    let s = vm.check_str(1)?;
    let p = vm.check_str(2)?;
    let sb = s.get().as_bytes();
    let repl = vm.arg(3);
    let max_s = vm.opt_integer(4, sb.len() as i64 + 1)?;
    let repl_str: Option<Vec<u8>> = match repl {
        Value::Str(r) => Some(r.get().as_bytes().to_vec()),
        Value::Int(_) | Value::Num(_) => meta::number_to_bytes(repl),
        Value::Table(_) | Value::LuaFn(_) | Value::Native(_) => None,
        _ => return Err(vm.type_error(3, "string/function/table")),
    };
    let max_n = Some(max_s.max(0) as usize);
    // Whether any match was really replaced: when none was, the reference returns the
    // subject string object itself (observable through `%p`).
    let mut changed = false;
    let result = pattern::gsub::<Fail>(sb, p.get().as_bytes(), max_n, |m, out| {
        if let Some(r) = &repl_str {
            changed = true;
            return pattern::expand_replacement(sb, m, r, out).map_err(Fail::from);
        }
        let key = match m.get(0)? {
            CaptureValue::Str(r) => vm.new_string(&sb[r]),
            CaptureValue::Position(p) => Value::Int(p as i64),
        };
        let value = if let Value::Table(_) = repl {
            vm.index(repl, key)?
        } else {
            let vals = m.values(true)?;
            let mut args = Vec::with_capacity(vals.len());
            for v in vals {
                args.push(match v {
                    CaptureValue::Str(r) => vm.new_string(&sb[r]),
                    CaptureValue::Position(p) => Value::Int(p as i64),
                });
            }
            vm.call_function(repl, &args, 1)?
                .first()
                .copied()
                .unwrap_or(Value::Nil)
        };
        match value {
            Value::Nil | Value::Bool(false) => out.extend_from_slice(&sb[m.range.clone()]),
            Value::Str(r) => {
                changed = true;
                out.extend_from_slice(r.get().as_bytes())
            }
            Value::Int(_) | Value::Num(_) => {
                changed = true;
                out.extend_from_slice(&meta::number_to_bytes(value).unwrap_or_default())
            }
            other => {
                let tn = vm.type_name_of(other);
                return Err(Fail::Lua(
                    vm.error(format!("invalid replacement value (a {tn})")),
                ));
            }
        }
        Ok(())
    });
    match result {
        Ok((out, n)) => {
            match out {
                Some(out) if changed => vm.push_bytes(&out),
                _ => vm.push(Value::Str(s)),
            }
            vm.push_int(n as i64);
            Ok(Ret::Values(2))
        }
        Err(f) => Err(raise(vm, f)),
    }
}

// ----- format -----

struct VmFormatArgs<'a> {
    vm: &'a mut Vm,
}

/// A string's bytes, borrowed from the heap (used at once, before anything else
/// can run a collection).
pub(crate) struct StrBytes(Gc<LuaStr>);

impl AsRef<[u8]> for StrBytes {
    fn as_ref(&self) -> &[u8] {
        self.0.get().as_bytes()
    }
}

impl FormatArgs for VmFormatArgs<'_> {
    type Error = Fail;
    fn top(&self) -> usize {
        self.vm.arg_count()
    }
    fn integer(&mut self, arg: usize) -> Result<i64, Fail> {
        Ok(self.vm.check_integer(arg)?)
    }
    fn number(&mut self, arg: usize) -> Result<f64, Fail> {
        Ok(self.vm.check_number(arg)?)
    }
    type Str = StrBytes;
    fn string(&mut self, arg: usize) -> Result<StrBytes, Fail> {
        let v = self.vm.arg(arg);
        Ok(StrBytes(self.vm.to_string(v)?))
    }
    fn literal(&mut self, arg: usize) -> Result<Literal, Fail> {
        Ok(match self.vm.arg(arg) {
            Value::Str(s) => Literal::Str(s.get().as_bytes().to_vec()),
            Value::Int(i) => Literal::Int(i),
            Value::Num(f) => Literal::Float(f),
            Value::Nil => Literal::Nil,
            Value::Bool(b) => Literal::Bool(b),
            _ => Literal::Other,
        })
    }
    fn pointer(&mut self, arg: usize) -> Option<usize> {
        let v = self.vm.arg(arg);
        match v {
            Value::LightUserData(p) => Some(p),
            _ if v.gc_ref().is_some() => Some(v.addr()),
            _ => None,
        }
    }
}

fn str_format(vm: &mut Vm) -> LuaResult<Ret> {
    let fmt = vm.check_str(1)?;
    let r = format::format(fmt.get().as_bytes(), &mut VmFormatArgs { vm });
    match r {
        Ok(out) => {
            vm.push_bytes(&out);
            Ok(Ret::Values(1))
        }
        Err(f) => Err(raise(vm, f)),
    }
}

// ----- pack -----

struct VmPackArgs<'a> {
    vm: &'a mut Vm,
}

impl PackArgs for VmPackArgs<'_> {
    type Error = Fail;
    fn integer(&mut self, arg: usize) -> Result<i64, Fail> {
        Ok(self.vm.check_integer(arg)?)
    }
    fn number(&mut self, arg: usize) -> Result<f64, Fail> {
        Ok(self.vm.check_number(arg)?)
    }
    fn string(&mut self, arg: usize) -> Result<Vec<u8>, Fail> {
        Ok(self.vm.check_bytes(arg)?)
    }
}

fn str_pack(vm: &mut Vm) -> LuaResult<Ret> {
    let fmt = vm.check_str(1)?;
    match pack::pack(fmt.get().as_bytes(), &mut VmPackArgs { vm }) {
        Ok(out) => {
            vm.push_bytes(&out);
            Ok(Ret::Values(1))
        }
        Err(f) => Err(raise(vm, f)),
    }
}

fn str_packsize(vm: &mut Vm) -> LuaResult<Ret> {
    let fmt = vm.check_str(1)?;
    match pack::packsize(fmt.get().as_bytes()) {
        Ok(n) => {
            vm.push_int(n as i64);
            Ok(Ret::Values(1))
        }
        Err(e) => Err(raise(vm, Fail::Pack(e))),
    }
}

fn str_unpack(vm: &mut Vm) -> LuaResult<Ret> {
    let fmt = vm.check_str(1)?;
    let data = vm.check_str(2)?;
    let len = data.get().len();
    let init = posrelat_start(vm.opt_integer(3, 1)?, len) - 1;
    match pack::unpack(fmt.get().as_bytes(), data.get().as_bytes(), init) {
        Ok((vals, next)) => {
            let n = vals.len();
            for v in vals {
                match v {
                    Unpacked::Int(i) => vm.push_int(i),
                    Unpacked::Float(f) => vm.push_float(f),
                    Unpacked::Str(s) => vm.push_bytes(&s),
                }
            }
            vm.push_int(next as i64);
            Ok(Ret::Values(n + 1))
        }
        Err(e) => Err(raise(vm, Fail::Pack(e))),
    }
}

// ----- string metamethods -----

/// Whether `v` is a number or a string convertible to one (the reference's `tonum`).
fn tonum(v: Value) -> bool {
    matches!(v, Value::Int(_) | Value::Num(_))
        || matches!(v, Value::Str(_)) && meta::to_number(v).is_some()
}

fn arith_mt(vm: &mut Vm, op: ArithOp, event: &str) -> LuaResult<Ret> {
    let (a, b) = (vm.arg(1), vm.arg(2));
    if tonum(a) && tonum(b) {
        return match meta::arith(op, a, b) {
            Ok(v) => {
                vm.push(v);
                Ok(Ret::Values(1))
            }
            Err(e) => Err(vm.error_plain(e.message())),
        };
    }
    // No numeric meaning: try the second operand's metamethod (the first one is a
    // string, whose metamethod is this function).
    if !matches!(b, Value::Str(_)) {
        let mm = vm.metamethod(b, op.tm());
        if !mm.is_nil() {
            let r = vm.call_function(mm, &[a, b], 1)?;
            vm.push(r.first().copied().unwrap_or(Value::Nil));
            return Ok(Ret::Values(1));
        }
    }
    let (ta, tb) = (vm.type_name_of(a), vm.type_name_of(b));
    Err(vm.error(format!("attempt to {event} a '{ta}' with a '{tb}'")))
}

fn mt_add(vm: &mut Vm) -> LuaResult<Ret> {
    arith_mt(vm, ArithOp::Add, "add")
}
fn mt_sub(vm: &mut Vm) -> LuaResult<Ret> {
    arith_mt(vm, ArithOp::Sub, "sub")
}
fn mt_mul(vm: &mut Vm) -> LuaResult<Ret> {
    arith_mt(vm, ArithOp::Mul, "mul")
}
fn mt_mod(vm: &mut Vm) -> LuaResult<Ret> {
    arith_mt(vm, ArithOp::Mod, "mod")
}
fn mt_pow(vm: &mut Vm) -> LuaResult<Ret> {
    arith_mt(vm, ArithOp::Pow, "pow")
}
fn mt_div(vm: &mut Vm) -> LuaResult<Ret> {
    arith_mt(vm, ArithOp::Div, "div")
}
fn mt_idiv(vm: &mut Vm) -> LuaResult<Ret> {
    arith_mt(vm, ArithOp::IDiv, "idiv")
}
fn mt_unm(vm: &mut Vm) -> LuaResult<Ret> {
    arith_mt(vm, ArithOp::Unm, "unm")
}
