//! The bytecode interpreter: one dispatch loop over the running Lua frame, with the
//! fast paths inline and the slow paths (metamethods, coercions, errors) in helpers.
//!
//! Hot state lives in locals (`pc`, `base`, the code and constant slices); `pc` is
//! written back to the frame before anything that can raise an error or call.
//! Metamethods called from an instruction run as ordinary frames above the current
//! one (so they can yield); the frame is flagged `FINISH_OP` and `finish_op`
//! completes the instruction with the result. A native `__index`/`__newindex` (or
//! other operand metamethod) called while no hook is active runs from the loop itself
//! (`meta_call`) and the instruction completes in place when it returns values.

use super::Vm;
use super::api::{LuaError, LuaResult, Ret};
use super::call::{EXTRA_STACK, Flow};
use super::debug::{Loc, local_name};
use super::function::{LuaClosure, UpVal};
use super::gc::Gc;
use super::gc::{barrier_table, barrier_table_all};
use super::meta::{self, ArithError, ArithOp, TM};
use super::regs::{
    Code, Regs, TAG_INT, TAG_NUM, fetch, frame_at, invalid_opcode, konst, konst_raw, upval_at,
};
use super::thread::{FrameKind, flags};
use super::userdata::UserData;
use super::value::{Value, float_to_int};
use crate::opcode::{OpCode, op};

/// A step of an operation that may need a metamethod call.
pub(crate) enum Step {
    /// The operation finished with this value.
    Done(Value),
    /// Call this function with these arguments; its first result is the value.
    Call(Value, [Value; 3], usize),
}

const MAX_TAG_LOOP: usize = 2000;

/// Arithmetic on two numbers given as (tag byte, payload word), as the registers hold
/// them (see `Regs::raw`): both integers, both floats, or mixed (converted to float).
/// `None` when a coercion, a metamethod or an error is needed (the slow path).
#[inline(always)]
fn arith_raw(op: ArithOp, x: (u8, u64), y: (u8, u64)) -> Option<Value> {
    use ArithOp::*;
    let ((tx, wx), (ty, wy)) = (x, y);
    if tx == TAG_NUM && ty == TAG_NUM {
        return float_op(op, f64::from_bits(wx), f64::from_bits(wy));
    }
    if tx == TAG_INT && ty == TAG_INT {
        let (a, b) = (wx as i64, wy as i64);
        return match op {
            Add => Some(Value::Int(a.wrapping_add(b))),
            Sub => Some(Value::Int(a.wrapping_sub(b))),
            Mul => Some(Value::Int(a.wrapping_mul(b))),
            Mod if b != 0 => Some(Value::Int(meta::int_mod(a, b))),
            IDiv if b != 0 => Some(Value::Int(meta::int_idiv(a, b))),
            Div => Some(Value::Num(a as f64 / b as f64)),
            Pow => Some(Value::Num(pow(a as f64, b as f64))),
            BAnd => Some(Value::Int(a & b)),
            BOr => Some(Value::Int(a | b)),
            BXor => Some(Value::Int(a ^ b)),
            Shl => Some(Value::Int(meta::shift_left(a, b))),
            Shr => Some(Value::Int(meta::shift_left(a, b.wrapping_neg()))),
            Unm => Some(Value::Int(a.wrapping_neg())),
            BNot => Some(Value::Int(!a)),
            _ => None,
        };
    }
    let num = |t: u8, w: u64| match t {
        TAG_NUM => Some(f64::from_bits(w)),
        TAG_INT => Some(w as i64 as f64),
        _ => None,
    };
    match (num(tx, wx), num(ty, wy)) {
        (Some(a), Some(b)) => float_op(op, a, b),
        _ => None,
    }
}

#[inline(always)]
fn pow(a: f64, b: f64) -> f64 {
    if b == 2.0 { a * a } else { a.powf(b) }
}

#[inline(always)]
fn float_op(op: ArithOp, a: f64, b: f64) -> Option<Value> {
    use ArithOp::*;
    Some(Value::Num(match op {
        Add => a + b,
        Sub => a - b,
        Mul => a * b,
        Div => a / b,
        Mod => meta::float_mod(a, b),
        Pow => pow(a, b),
        IDiv => (a / b).floor(),
        Unm => -a,
        _ => return None,
    }))
}

fn lt_int_float(i: i64, f: f64) -> bool {
    if f.is_nan() {
        false
    } else if f >= 9223372036854775808.0 {
        true
    } else if f > -9223372036854775808.0 {
        i < f.ceil() as i64
    } else {
        false
    }
}
fn le_int_float(i: i64, f: f64) -> bool {
    if f.is_nan() {
        false
    } else if f >= 9223372036854775808.0 {
        true
    } else if f >= -9223372036854775808.0 {
        i <= f.floor() as i64
    } else {
        false
    }
}
fn lt_float_int(f: f64, i: i64) -> bool {
    if f.is_nan() || f >= 9223372036854775808.0 {
        false
    } else if f >= -9223372036854775808.0 {
        (f.floor() as i64) < i
    } else {
        true
    }
}
fn le_float_int(f: f64, i: i64) -> bool {
    if f.is_nan() || f >= 9223372036854775808.0 {
        false
    } else if f > -9223372036854775808.0 {
        (f.ceil() as i64) <= i
    } else {
        true
    }
}

/// `a < b` for numbers and strings; `None` when a metamethod is needed.
#[inline]
pub(crate) fn lt_raw(a: Value, b: Value) -> Option<bool> {
    Some(match (a, b) {
        (Value::Int(x), Value::Int(y)) => x < y,
        (Value::Num(x), Value::Num(y)) => x < y,
        (Value::Int(x), Value::Num(y)) => lt_int_float(x, y),
        (Value::Num(x), Value::Int(y)) => lt_float_int(x, y),
        (Value::Str(x), Value::Str(y)) => x.get().as_bytes() < y.get().as_bytes(),
        _ => return None,
    })
}

/// `a <= b` for numbers and strings; `None` when a metamethod is needed.
#[inline]
pub(crate) fn le_raw(a: Value, b: Value) -> Option<bool> {
    Some(match (a, b) {
        (Value::Int(x), Value::Int(y)) => x <= y,
        (Value::Num(x), Value::Num(y)) => x <= y,
        (Value::Int(x), Value::Num(y)) => le_int_float(x, y),
        (Value::Num(x), Value::Int(y)) => le_float_int(x, y),
        (Value::Str(x), Value::Str(y)) => x.get().as_bytes() <= y.get().as_bytes(),
        _ => return None,
    })
}

fn is_str_or_num(v: Value) -> bool {
    matches!(v, Value::Str(_) | Value::Int(_) | Value::Num(_))
}

impl Vm {
    // ----- slow paths shared by the interpreter and the API -----

    /// `obj[key]` following `__index`.
    pub(crate) fn index_step(&mut self, obj: Value, key: Value, loc: Loc) -> LuaResult<Step> {
        let mut t = obj;
        for n in 0..MAX_TAG_LOOP {
            let tm;
            if let Value::Table(h) = t {
                let v = h.get().get(key);
                if !v.is_nil() {
                    return Ok(Step::Done(v));
                }
                match h.get().metatable {
                    None => return Ok(Step::Done(Value::Nil)),
                    Some(mt) => {
                        tm = self.tm_from(mt, TM::Index);
                        if tm.is_nil() {
                            return Ok(Step::Done(Value::Nil));
                        }
                    }
                }
            } else {
                tm = self.metamethod(t, TM::Index);
                if tm.is_nil() {
                    let l = if n == 0 { loc } else { Loc::None };
                    return Err(self.index_error(t, key, l));
                }
            }
            if tm.is_function() {
                return Ok(Step::Call(tm, [t, key, Value::Nil], 2));
            }
            t = tm;
        }
        Err(self.rt_error("'__index' chain too long; possible loop"))
    }

    fn index_error(&mut self, t: Value, key: Value, loc: Loc) -> LuaError {
        let _ = key;
        self.type_error_loc(t, "index", loc)
    }

    /// `obj[key] = val` following `__newindex`; `Some` is a call to make.
    pub(crate) fn newindex_step(
        &mut self,
        obj: Value,
        key: Value,
        val: Value,
        loc: Loc,
    ) -> LuaResult<Option<(Value, [Value; 3])>> {
        let mut t = obj;
        for n in 0..MAX_TAG_LOOP {
            let tm;
            if let Value::Table(h) = t {
                let hm = h.get();
                let tmv = match hm.metatable {
                    None => Value::Nil,
                    Some(mt) => {
                        if hm.get(key).is_nil() {
                            self.tm_from(mt, TM::NewIndex)
                        } else {
                            Value::Nil
                        }
                    }
                };
                if tmv.is_nil() {
                    if let Err(e) = h.get_mut().set(&self.heap, key, val) {
                        return Err(self.rt_error(e.message()));
                    }
                    barrier_table(&self.heap, h, val);
                    return Ok(None);
                }
                tm = tmv;
            } else {
                tm = self.metamethod(t, TM::NewIndex);
                if tm.is_nil() {
                    let l = if n == 0 { loc } else { Loc::None };
                    return Err(self.index_error(t, key, l));
                }
            }
            if tm.is_function() {
                return Ok(Some((tm, [t, key, val])));
            }
            t = tm;
        }
        Err(self.rt_error("'__newindex' chain too long; possible loop"))
    }

    /// Arithmetic with coercions and metamethods.
    pub(crate) fn arith_step(
        &mut self,
        op: ArithOp,
        a: Value,
        b: Value,
        la: Loc,
        lb: Loc,
    ) -> LuaResult<Step> {
        match meta::arith(op, a, b) {
            Ok(v) => Ok(Step::Done(v)),
            Err(ArithError::NotNumbers) => {
                let tm = op.tm();
                for v in [a, b] {
                    if matches!(v, Value::Str(_)) && !op.is_bitwise() {
                        continue;
                    }
                    let m = self.metamethod(v, tm);
                    if !m.is_nil() {
                        return Ok(Step::Call(m, [a, b, Value::Nil], 2));
                    }
                }
                let isnum = |v: Value| matches!(v, Value::Int(_) | Value::Num(_));
                if !op.is_bitwise() && (matches!(a, Value::Str(_)) || matches!(b, Value::Str(_))) {
                    let name = &tm.name()[2..];
                    let (ta, tb) = (a.type_name(), b.type_name());
                    return Err(self.rt_error(&format!("attempt to {name} a '{ta}' with a '{tb}'")));
                }
                if op.is_bitwise() && isnum(a) && isnum(b) {
                    return Err(self.int_rep_error(a, la, lb));
                }
                let (bad, loc) = if !isnum(a) { (a, la) } else { (b, lb) };
                let what = if op.is_bitwise() {
                    "perform bitwise operation on"
                } else {
                    "perform arithmetic on"
                };
                Err(self.type_error_loc(bad, what, loc))
            }
            Err(ArithError::NoIntegerRep) => Err(self.int_rep_error(a, la, lb)),
            Err(e) => Err(self.rt_error(e.message())),
        }
    }

    fn int_rep_error(&mut self, a: Value, la: Loc, lb: Loc) -> LuaError {
        let loc = if meta::to_integer(a).is_none() {
            la
        } else {
            lb
        };
        let vi = self.varinfo(loc);
        self.rt_error(&format!("number{vi} has no integer representation"))
    }

    fn order_error(&mut self, a: Value, b: Value) -> LuaError {
        let (t1, t2) = (self.type_name_of(a), self.type_name_of(b));
        if t1 == t2 {
            self.rt_error(&format!("attempt to compare two {t1} values"))
        } else {
            self.rt_error(&format!("attempt to compare {t1} with {t2}"))
        }
    }

    /// `a < b` (`le`: `a <= b`) with metamethods.
    pub(crate) fn order_step(&mut self, a: Value, b: Value, le: bool) -> LuaResult<Step> {
        let r = if le { le_raw(a, b) } else { lt_raw(a, b) };
        if let Some(r) = r {
            return Ok(Step::Done(Value::Bool(r)));
        }
        let tm = if le { TM::Le } else { TM::Lt };
        let mut m = self.metamethod(a, tm);
        if m.is_nil() {
            m = self.metamethod(b, tm);
        }
        if m.is_nil() {
            return Err(self.order_error(a, b));
        }
        Ok(Step::Call(m, [a, b, Value::Nil], 2))
    }

    /// `a == b` with `__eq`.
    pub(crate) fn eq_step(&mut self, a: Value, b: Value) -> Step {
        if a.raw_eq(&b) {
            return Step::Done(Value::Bool(true));
        }
        match (a, b) {
            (Value::Table(_), Value::Table(_)) | (Value::UserData(_), Value::UserData(_)) => {
                let mut m = self.metamethod(a, TM::Eq);
                if m.is_nil() {
                    m = self.metamethod(b, TM::Eq);
                }
                if m.is_nil() {
                    Step::Done(Value::Bool(false))
                } else {
                    Step::Call(m, [a, b, Value::Nil], 2)
                }
            }
            _ => Step::Done(Value::Bool(false)),
        }
    }

    /// `#v` with `__len`.
    pub(crate) fn len_step(&mut self, v: Value, loc: Loc) -> LuaResult<Step> {
        match v {
            Value::Str(s) => Ok(Step::Done(Value::Int(s.get().len() as i64))),
            Value::Table(t) => {
                if let Some(mt) = t.get().metatable {
                    let m = self.tm_from(mt, TM::Len);
                    if !m.is_nil() {
                        return Ok(Step::Call(m, [v, v, Value::Nil], 2));
                    }
                }
                Ok(Step::Done(Value::Int(t.get().length())))
            }
            _ => {
                let m = self.metamethod(v, TM::Len);
                if m.is_nil() {
                    return Err(self.type_error_loc(v, "get length of", loc));
                }
                Ok(Step::Call(m, [v, v, Value::Nil], 2))
            }
        }
    }

    fn reenter(&mut self, s: Step) -> LuaResult<Value> {
        match s {
            Step::Done(v) => Ok(v),
            Step::Call(f, args, n) => {
                let r = self.call_function(f, &args[..n], 1)?;
                Ok(r[0])
            }
        }
    }

    pub(crate) fn index_value(
        &mut self,
        obj: Value,
        key: Value,
        _l: Option<()>,
    ) -> LuaResult<Value> {
        let s = self.index_step(obj, key, Loc::None)?;
        self.reenter(s)
    }

    pub(crate) fn set_index_value(
        &mut self,
        obj: Value,
        key: Value,
        v: Value,
        _l: Option<()>,
    ) -> LuaResult<()> {
        if let Some((f, args)) = self.newindex_step(obj, key, v, Loc::None)? {
            self.call_function(f, &args, 0)?;
        }
        Ok(())
    }

    pub(crate) fn len_value(&mut self, v: Value, _l: Option<()>) -> LuaResult<Value> {
        let s = self.len_step(v, Loc::None)?;
        self.reenter(s)
    }

    pub(crate) fn eq_values(&mut self, a: Value, b: Value) -> LuaResult<bool> {
        let s = self.eq_step(a, b);
        Ok(self.reenter(s)?.truthy())
    }

    pub(crate) fn lt_values(&mut self, a: Value, b: Value) -> LuaResult<bool> {
        let s = self.order_step(a, b, false)?;
        Ok(self.reenter(s)?.truthy())
    }

    pub(crate) fn le_values(&mut self, a: Value, b: Value) -> LuaResult<bool> {
        let s = self.order_step(a, b, true)?;
        Ok(self.reenter(s)?.truthy())
    }

    /// Arithmetic from Rust with metamethods (re-entrant).
    pub fn arith_values(&mut self, op: ArithOp, a: Value, b: Value) -> LuaResult<Value> {
        let s = self.arith_step(op, a, b, Loc::None, Loc::None)?;
        self.reenter(s)
    }

    /// `t[ks]` following `__index` fields that are tables (class chains), written to
    /// `out` (the destination register: no intermediate copies of the value); `false`
    /// when a function `__index` (or a long chain) needs [`Vm::index_step`].
    #[inline(always)]
    fn index_str_chain(
        &self,
        t: super::gc::Gc<super::table::Table>,
        ks: super::gc::Gc<super::string::LuaStr>,
        out: &mut Value,
    ) -> bool {
        let mut cur = t;
        for _ in 0..MAX_TAG_LOOP {
            let cur_t = cur.get();
            if cur_t.get_str_into(ks, out) {
                return true;
            }
            match cur_t.metatable {
                None => {
                    *out = Value::Nil;
                    return true;
                }
                Some(mt) => match self.tm_from(mt, TM::Index) {
                    Value::Nil => {
                        *out = Value::Nil;
                        return true;
                    }
                    Value::Table(next) => cur = next,
                    _ => return false,
                },
            }
        }
        false
    }

    /// Whether `t[key] = v` is a raw store: no metatable, the key already present
    /// (`__newindex` is only for absent keys), or no `__newindex`.
    #[inline(always)]
    fn raw_store_ok(&self, t: super::gc::Gc<super::table::Table>, key: Value) -> bool {
        let tm = t.get();
        match tm.metatable {
            None => true,
            // The metatable's cached absence of `__newindex` first: objects of a class
            // without one then store without looking the key up twice.
            Some(mt) => self.tm_from(mt, TM::NewIndex).is_nil() || !tm.get(key).is_nil(),
        }
    }

    // ----- metamethod calls from the interpreter -----

    /// Calls `f(args)` above frame `fi`'s registers, flagging the frame `FINISH_OP`.
    fn push_meta_call(&mut self, fi: usize, f: Value, args: &[Value], nres: i32) -> LuaResult<()> {
        self.push_meta_call_above(fi, 0, f, args, nres)
    }

    /// A metamethod call from running frame `fi` (the top frame), its call slot at
    /// `slot` (the frame's `base + max_stack_size`). A native function called while no
    /// hook is active runs here, without leaving the interpreter loop: `Ok(v)` is its
    /// first result (`nres` is 1 or 0), the instruction is completed by the caller.
    /// Anything else (a Lua function, hooks, a stack or frame list to grow, a native
    /// that returns a call, yields or resumes, to-be-closed variables owed) takes the
    /// generic path: the frame is flagged `FINISH_OP` and `Err(flow)` says how
    /// `run_lua` leaves. Errors raised by the native leave with its frame on top, as
    /// from the frame dispatch (same messages and tracebacks).
    #[inline(never)]
    fn meta_call(
        &mut self,
        fi: usize,
        slot: usize,
        f: Value,
        args: &[Value],
        nres: i32,
    ) -> LuaResult<Result<Value, Flow>> {
        let th = self.current;
        let Value::Native(nc) = f else {
            self.push_meta_call(fi, f, args, nres)?;
            return Ok(Err(Flow::Continue));
        };
        let t = th.get_mut();
        let n = args.len();
        // Metamethod calls count as C boundaries (`precall` with `C_CALL`).
        let ccalls = t.frames[fi].ccalls + 1;
        if self.hooks.active
            || ccalls >= super::MAX_C_DEPTH
            || t.frames.len() >= self.max_frames
            || t.frames.len() == t.frames.capacity()
            || slot + 1 + n + 40.max(EXTRA_STACK) > t.stack.len()
        {
            self.push_meta_call(fi, f, args, nres)?;
            return Ok(Err(Flow::Continue));
        }
        // A frameless variant (`Vm::set_fast_meta`) answers without a frame; leaves
        // the call slot and top as the native's return would.
        if !self.fast_meta.is_empty()
            && let Some(fast) = self.fast_meta_of(nc.get().f)
            && let Some(v) = fast(self, nc, args)
        {
            let t = th.get_mut();
            if nres > 0 {
                t.stack[slot] = v;
            }
            t.top = slot + nres as usize;
            return Ok(Ok(v));
        }
        let t = th.get_mut();
        t.stack[slot] = f;
        for (j, v) in args.iter().enumerate() {
            t.stack[slot + 1 + j] = *v;
        }
        t.top = slot + 1 + n;
        // Flagged as the generic path does, for a native that does not return at once.
        t.frames[fi].flags |= flags::FINISH_OP;
        t.frames.push(super::thread::Frame {
            kind: FrameKind::Native(nc),
            func: slot,
            base: slot + 1,
            ret: slot,
            pc: 0,
            nresults: nres,
            nextra: 0,
            flags: flags::C_CALL,
            k: None,
            ctx: 0,
            protect: super::api::Protect::No,
            call_func: 0,
            ccalls,
        });
        match (nc.get().f)(self)? {
            Ret::Values(k) if !self.hooks.active && th.get().owed_close.is_none() => {
                // As `handle_ret`: an error the native caught is settled.
                self.handled_error = None;
                // `poscall` for this frame, whose caller completes the instruction
                // itself (no `finish_op`): the first result (or nil) lands in the
                // call slot, `nres` values are left, as the generic path leaves them.
                let t = th.get_mut();
                let v = if k > 0 {
                    t.stack[t.top - k]
                } else {
                    Value::Nil
                };
                t.frames.pop();
                t.frames[fi].flags &= !flags::FINISH_OP;
                if nres > 0 {
                    t.stack[slot] = v;
                }
                t.top = slot + nres as usize;
                Ok(Ok(v))
            }
            ret => Ok(Err(self.handle_ret(ret)?)),
        }
    }

    /// As [`Self::push_meta_call`], with the call at or above stack index `min_slot`
    /// (a `RETURN`'s values may reach past the frame's registers).
    fn push_meta_call_above(
        &mut self,
        fi: usize,
        min_slot: usize,
        f: Value,
        args: &[Value],
        nres: i32,
    ) -> LuaResult<()> {
        let th = self.current;
        let fr = th.get().frames[fi];
        let FrameKind::Lua(cl) = fr.kind else {
            unreachable!("metamethod calls come from Lua frames")
        };
        let slot = (fr.base + cl.get().proto.get().proto.max_stack_size as usize).max(min_slot);
        self.ensure_stack(slot + 1 + args.len() + EXTRA_STACK)?;
        let t = th.get_mut();
        t.stack[slot] = f;
        for (i, a) in args.iter().enumerate() {
            t.stack[slot + 1 + i] = *a;
        }
        t.top = slot + 1 + args.len();
        t.frames[fi].flags |= flags::FINISH_OP;
        self.precall(slot, nres, flags::C_CALL)?;
        Ok(())
    }

    /// `obj[key]` for a userdata whose `__index` is a native with a frameless variant
    /// (`Vm::set_fast_meta`) that answers it: no index step, no call. `None`: the
    /// generic path (as in `meta_call`, hooks see every native call).
    #[inline]
    fn fast_ud_index(&mut self, u: Gc<UserData>, key: Value) -> Option<Value> {
        if self.fast_meta.is_empty() || self.hooks.active {
            return None;
        }
        let Value::Native(nc) = self.tm_from(u.get().metatable?, TM::Index) else {
            return None;
        };
        let fast = self.fast_meta_of(nc.get().f)?;
        fast(self, nc, &[Value::UserData(u), key])
    }

    /// `obj[key] = v` in the same way; `false`: the generic path.
    #[inline]
    fn fast_ud_newindex(&mut self, u: Gc<UserData>, key: Value, v: Value) -> bool {
        if self.fast_meta.is_empty() || self.hooks.active {
            return false;
        }
        let Some(mt) = u.get().metatable else {
            return false;
        };
        let Value::Native(nc) = self.tm_from(mt, TM::NewIndex) else {
            return false;
        };
        match self.fast_meta_of(nc.get().f) {
            Some(fast) => fast(self, nc, &[Value::UserData(u), key, v]).is_some(),
            None => false,
        }
    }

    /// Completes the instruction of frame `fi` interrupted by a metamethod call.
    /// Returns false when another call was pushed (concatenation).
    fn finish_op(&mut self, fi: usize) -> LuaResult<bool> {
        let th = self.current;
        let fr = th.get().frames[fi];
        let FrameKind::Lua(cl) = fr.kind else {
            return Ok(true);
        };
        let p = &cl.get().proto.get().proto;
        let i = p.code[fr.pc - 1];
        let slot = fr.base + p.max_stack_size as usize;
        let res = th.get().stack[slot];
        let a = i.a() as usize;
        use OpCode::*;
        match i.opcode() {
            EQ | LT | LE | EQK | EQI | LTI | LEI | GTI | GEI => {
                if res.truthy() != i.k() {
                    th.get_mut().frames[fi].pc += 1;
                }
            }
            SETTABUP | SETTABUPK | SETTABLE | SETTABLEK | SETI | SETIK | SETFIELD | SETFIELDK => {}
            // A `__close` handler returned (it may have yielded): run the instruction
            // again to close the next variable or finish (the reference's finishOp).
            CLOSE => th.get_mut().frames[fi].pc -= 1,
            RETURN => {
                let t = th.get_mut();
                t.top = fr.base + a + fr.ctx;
                t.frames[fi].pc -= 1;
            }
            CONCAT => {
                let total = fr.ctx;
                let t = th.get_mut();
                t.stack[fr.base + a + total - 2] = res;
                return self.concat_from(fi, a, total - 1);
            }
            _ => th.get_mut().stack[fr.base + a] = res,
        }
        Ok(true)
    }

    /// Concatenates `R[a] .. ... .. R[a+total-1]` into `R[a]`, right to left.
    fn concat_from(&mut self, fi: usize, a: usize, total: usize) -> LuaResult<bool> {
        let th = self.current;
        let base = th.get().frames[fi].base;
        let mut total = total;
        while total > 1 {
            let top = base + a + total;
            let st = &th.get().stack;
            let (v1, v2) = (st[top - 2], st[top - 1]);
            if is_str_or_num(v1) && is_str_or_num(v2) {
                let mut cnt = 2;
                while cnt < total && is_str_or_num(st[top - cnt - 1]) {
                    cnt += 1;
                }
                let mut buf = Vec::new();
                for v in &st[top - cnt..top] {
                    match v {
                        Value::Str(s) => buf.extend_from_slice(s.get().as_bytes()),
                        n => buf.extend_from_slice(&meta::number_to_bytes(*n).unwrap_or_default()),
                    }
                }
                let s = self.new_string(&buf);
                th.get_mut().stack[top - cnt] = s;
                total -= cnt - 1;
            } else {
                let mut m = self.metamethod(v1, TM::Concat);
                if m.is_nil() {
                    m = self.metamethod(v2, TM::Concat);
                }
                if m.is_nil() {
                    let (bad, reg) = if is_str_or_num(v1) {
                        (v2, top - 1)
                    } else {
                        (v1, top - 2)
                    };
                    return Err(self.type_error_loc(
                        bad,
                        "concatenate",
                        Loc::Reg((reg - base) as u32),
                    ));
                }
                th.get_mut().frames[fi].ctx = total;
                self.push_meta_call(fi, m, &[v1, v2], 1)?;
                return Ok(false);
            }
        }
        Ok(true)
    }

    fn upval_get(&self, u: super::gc::Gc<UpVal>) -> Value {
        match *u.get() {
            UpVal::Open { thread, index } => thread.get().stack[index],
            UpVal::Closed(v) => v,
        }
    }

    fn upval_set(&mut self, u: super::gc::Gc<UpVal>, v: Value) {
        match u.get_mut() {
            UpVal::Open { thread, index } => thread.get_mut().stack[*index] = v,
            UpVal::Closed(c) => {
                *c = v;
                super::gc::barrier_upvalue(&self.heap, u, v);
            }
        }
    }

    fn for_error(&mut self, what: &str, v: Value) -> LuaError {
        let t = self.type_name_of(v);
        self.rt_error(&format!("bad 'for' {what} (number expected, got {t})"))
    }

    fn for_prep(&mut self, ra: usize) -> LuaResult<bool> {
        let th = self.current.get_mut();
        let (init, limit, step) = (th.stack[ra], th.stack[ra + 1], th.stack[ra + 2]);
        // Strings convert as for arithmetic (`forlimit`, `luaV_tonumber_`); only an
        // integer initial value and step (not strings) make an integer loop.
        let limit = match limit {
            Value::Str(_) => match meta::to_number(limit) {
                Some(crate::number::Number::Int(i)) => Value::Int(i),
                Some(crate::number::Number::Float(f)) => Value::Num(f),
                None => limit,
            },
            _ => limit,
        };
        if let (Value::Int(i), Value::Int(s)) = (init, step) {
            if s == 0 {
                return Err(self.rt_error("'for' step is zero"));
            }
            let lim = match limit {
                Value::Int(l) => l,
                Value::Num(f) => {
                    if f.is_nan() {
                        return Ok(false);
                    }
                    let fl = if s < 0 { f.ceil() } else { f.floor() };
                    match float_to_int(fl) {
                        Some(l) => l,
                        None => {
                            if f > 0.0 {
                                if s < 0 {
                                    return Ok(false);
                                }
                                i64::MAX
                            } else {
                                if s > 0 {
                                    return Ok(false);
                                }
                                i64::MIN
                            }
                        }
                    }
                }
                _ => return Err(self.for_error("limit", limit)),
            };
            if if s > 0 { i > lim } else { i < lim } {
                return Ok(false);
            }
            let count = if s > 0 {
                (lim as u64).wrapping_sub(i as u64) / s as u64
            } else {
                (i as u64).wrapping_sub(lim as u64) / ((-(s + 1)) as u64 + 1)
            };
            let th = self.current.get_mut();
            th.stack[ra + 1] = Value::Int(count as i64);
            th.stack[ra + 3] = Value::Int(i);
            return Ok(true);
        }
        let tof = |v: Value| match meta::to_number(v) {
            Some(crate::number::Number::Int(i)) => Some(i as f64),
            Some(crate::number::Number::Float(f)) => Some(f),
            None => None,
        };
        let Some(l) = tof(limit) else {
            return Err(self.for_error("limit", limit));
        };
        let Some(s) = tof(step) else {
            return Err(self.for_error("step", step));
        };
        let Some(i) = tof(init) else {
            return Err(self.for_error("initial value", init));
        };
        if s == 0.0 {
            return Err(self.rt_error("'for' step is zero"));
        }
        if if s > 0.0 { l < i } else { i < l } {
            return Ok(false);
        }
        let th = self.current.get_mut();
        th.stack[ra] = Value::Num(i);
        th.stack[ra + 1] = Value::Num(l);
        th.stack[ra + 2] = Value::Num(s);
        th.stack[ra + 3] = Value::Num(i);
        Ok(true)
    }

    /// Runs Lua frames until the top frame is not a Lua frame of the running thread
    /// (or the `FRESH` frame returned).
    ///
    /// The dispatch loop exists twice: with `HOOKS` false it never tests for hooks
    /// before an instruction (the reference keeps a `trap` local for this; a local
    /// costs the loop a register, a second copy costs nothing at run time). Hooks are
    /// only ever set by code that runs: a native function called by `CALL` (which
    /// then leaves through `handle_ret` and the frame dispatch when hooks became
    /// active), a native metamethod (same, through `meta_call`'s generic path), a
    /// finalizer (the loop restarts at `'newframe`), a Lua function (it calls one of
    /// those), or the host's interrupt (`interrupt!` checks). At `'newframe`, a
    /// variant that does not match the hook state returns to the frame dispatch,
    /// which calls this again.
    #[inline]
    pub(crate) fn run_lua(&mut self) -> LuaResult<Flow> {
        if self.hooks.active {
            self.run_lua_with::<true>()
        } else {
            self.run_lua_with::<false>()
        }
    }

    fn run_lua_with<const HOOKS: bool>(&mut self) -> LuaResult<Flow> {
        'newframe: loop {
            if self.hooks.active != HOOKS {
                return Ok(Flow::Continue);
            }
            let th = self.current;
            let mut fi = th.get().frames.len() - 1;
            let (kind, mut base, mut pc) = {
                let f = &th.get().frames[fi];
                (f.kind, f.base, f.pc)
            };
            let FrameKind::Lua(mut cl) = kind else {
                return Ok(Flow::Continue);
            };
            if self.pending_finish {
                self.pending_finish = false;
                if !self.finish_op(fi)? {
                    return Ok(Flow::Continue);
                }
                pc = th.get().frames[fi].pc;
            }
            if HOOKS && pc == 0 && self.hooks.active {
                self.hook_enter_lua(fi)?;
            }
            // The frame's state: all `Copy` values without borrows, so that a Lua call
            // and a return to a Lua caller switch frames in place (`enter!`).
            let mut k = Code::new(cl.get().proto.get());
            let mut msz = cl.get().proto.get().proto.max_stack_size as usize;
            let mut regs = Regs::new(&mut th.get_mut().stack, base, msz);
            // A fresh register window after anything that can reallocate the stack
            // (calls into Lua or the host: hooks, metamethods, `__close`, interrupts).
            macro_rules! reload {
                () => {
                    regs = Regs::window(&mut th.get_mut().stack, base, msz)
                };
            }
            macro_rules! st {
                () => {
                    th.get_mut().stack
                };
            }
            // Switches the loop's state to Lua frame `fi` (already on the frame list,
            // not started or returned to), whose function is `cl`.
            macro_rules! enter {
                () => {{
                    let fp = cl.get().proto.get();
                    k = Code::new(fp);
                    msz = fp.proto.max_stack_size as usize;
                    regs = Regs::window(&mut th.get_mut().stack, base, msz);
                }};
            }
            macro_rules! r {
                ($x:expr) => {
                    (*regs.at($x as usize))
                };
            }
            // Reads go field by field (tag byte, payload word) so that a register
            // written by the previous instruction is forwarded from its stores.
            macro_rules! rv {
                ($x:expr) => {
                    regs.get($x as usize)
                };
            }
            macro_rules! savepc {
                () => {
                    frame_at(&mut th.get_mut().frames, fi).pc = pc
                };
            }
            macro_rules! kstr {
                ($x:expr) => {
                    match konst(k, $x as usize) {
                        Value::Str(s) => s,
                        _ => unreachable!("constant operand must be a string"),
                    }
                };
            }
            macro_rules! meta_result {
                ($step:expr, $nres:expr) => {{
                    match $step {
                        Step::Done(v) => v,
                        Step::Call(f, args, n) => {
                            match self.meta_call(fi, base + msz, f, &args[..n], $nres)? {
                                Ok(v) => {
                                    reload!();
                                    v
                                }
                                Err(flow) => return Ok(flow),
                            }
                        }
                    }
                }};
            }
            // Operands of `arith!`: `R(x)` a register, `K(x)` a constant, `I(x)` an
            // immediate integer; each read raw (tag, payload) for the fast path and as a
            // value for the slow one.
            macro_rules! opnd_raw {
                (R($x:expr)) => {
                    regs.raw($x as usize)
                };
                (K($x:expr)) => {
                    konst_raw(k, $x as usize)
                };
                (I($x:expr)) => {
                    (TAG_INT, ($x as i64) as u64)
                };
            }
            macro_rules! opnd_val {
                (R($x:expr)) => {
                    rv!($x)
                };
                (K($x:expr)) => {
                    konst(k, $x as usize)
                };
                (I($x:expr)) => {
                    Value::Int($x as i64)
                };
            }
            macro_rules! arith {
                ($op:expr, $xk:ident($xe:expr), $yk:ident($ye:expr), $lx:expr, $ly:expr, $a:expr) => {{
                    match arith_raw($op, opnd_raw!($xk($xe)), opnd_raw!($yk($ye))) {
                        Some(v) => r!($a) = v,
                        None => {
                            let (x, y) = (opnd_val!($xk($xe)), opnd_val!($yk($ye)));
                            savepc!();
                            let s = self.arith_step($op, x, y, $lx, $ly)?;
                            reload!();
                            let v = meta_result!(s, 1);
                            r!($a) = v;
                        }
                    }
                }};
            }
            macro_rules! cond {
                ($res:expr, $i:expr) => {{
                    if $res != $i.k() {
                        pc += 1;
                    } else {
                        // The compiler follows every compare/test with its JMP: take
                        // it here instead of dispatching it (hooks see it separately).
                        let j = fetch(k, pc);
                        if j.op_byte() == op::JMP && !(HOOKS && self.hooks.active) {
                            pc = (pc as i64 + 1 + j.sj_field() as i64) as usize;
                        }
                    }
                }};
            }
            // `LT`/`LE` (`$le`): integers and floats compared from the registers' raw
            // parts; mixed numbers, strings and metamethods take `order_step`.
            macro_rules! order_rr {
                ($i:ident, $a:ident, $le:expr) => {{
                    let (i, a) = ($i, $a);
                    let (tx, wx) = regs.raw(a);
                    let (ty, wy) = regs.raw(i.b() as usize);
                    let res = if tx == TAG_INT && ty == TAG_INT {
                        let (p, q) = (wx as i64, wy as i64);
                        if $le { p <= q } else { p < q }
                    } else if tx == TAG_NUM && ty == TAG_NUM {
                        let (p, q) = (f64::from_bits(wx), f64::from_bits(wy));
                        if $le { p <= q } else { p < q }
                    } else {
                        let (x, y) = (rv!(a), rv!(i.b()));
                        savepc!();
                        let s = self.order_step(x, y, $le)?;
                        reload!();
                        meta_result!(s, 1).truthy()
                    };
                    cond!(res, i);
                }};
            }
            // `LTI`/`LEI`/`GTI`/`GEI`: `R[A] $cmp sB`; the slow path compares
            // `(imm, R[A])` when `$swap` (`GTI`: `imm < R[A]`), with `<=` when `$le`.
            macro_rules! order_ri {
                ($i:ident, $a:ident, $cmp:tt, $swap:expr, $le:expr) => {{
                    let (i, a) = ($i, $a);
                    let imm = i.sb() as i64;
                    let (t, w) = regs.raw(a);
                    let res = match t {
                        TAG_INT => (w as i64) $cmp imm,
                        TAG_NUM => f64::from_bits(w) $cmp imm as f64,
                        _ => {
                            let x = rv!(a);
                            savepc!();
                            let iv = Value::Int(imm);
                            let s = if $swap {
                                self.order_step(iv, x, $le)?
                            } else {
                                self.order_step(x, iv, $le)?
                            };
                            reload!();
                            meta_result!(s, 1).truthy()
                        }
                    };
                    cond!(res, i);
                }};
            }
            macro_rules! settable {
                ($a:expr, $key:expr, $val:expr) => {{
                    let a: usize = $a;
                    let t = rv!(a);
                    let key = $key;
                    let v = $val;
                    if let Value::Table(h) = t
                        && self.raw_store_ok(h, key)
                    {
                        match key {
                            Value::Int(n) => {
                                h.get_mut().set_int(&self.heap, n, v);
                                barrier_table(&self.heap, h, v);
                                continue;
                            }
                            Value::Str(s) => {
                                h.get_mut().set_str(&self.heap, s, v);
                                barrier_table(&self.heap, h, v);
                                continue;
                            }
                            _ => {}
                        }
                    }
                    if let Value::UserData(u) = t
                        && self.fast_ud_newindex(u, key, v)
                    {
                        continue;
                    }
                    savepc!();
                    if let Some((f, args)) = self.newindex_step(t, key, v, Loc::Reg(a as u32))?
                        && let Err(flow) = self.meta_call(fi, base + msz, f, &args, 0)?
                    {
                        return Ok(flow);
                    }
                    reload!();
                }};
            }
            // The host's interrupt (instruction budget, interrupt callback, memory
            // limit) when the countdown ran out; the pc is saved. A callback that set
            // a hook sends the loop without hook tests back to the frame dispatch, to
            // resume at `$resume` (the interrupted instruction again, or the next one).
            macro_rules! interrupt {
                ($resume:expr) => {{
                    self.interrupt()?;
                    reload!();
                    if !HOOKS && self.hooks.active {
                        frame_at(&mut th.get_mut().frames, fi).pc = $resume;
                        continue 'newframe;
                    }
                }};
            }
            // `RETURN0` / `RETURN1` (`$n` results). The common return to a Lua caller
            // (no hook, not the bottom frame of a coroutine) or to the host (the
            // bottom frame of a re-entrant loop) is done here. The result is read
            // field by field (it was usually written by the instruction just before)
            // and stored straight into the caller's slot.
            macro_rules! return01 {
                ($a:ident, $n:expr) => {{
                    let (a, n): (usize, usize) = ($a, $n);
                    if !(HOOKS && self.hooks.active) {
                        let v = if n == 1 { rv!(a) } else { Value::Nil };
                        let t = th.get_mut();
                        let fr = frame_at(&mut t.frames, fi);
                        let (dest, wanted, fl) = (fr.ret, fr.nresults, fr.flags);
                        if fi > 0 || fl & flags::FRESH != 0 {
                            t.frames.pop();
                            if n == 1 && wanted != 0 {
                                t.stack[dest] = v;
                            }
                            if wanted < 0 {
                                t.top = dest + n;
                            } else {
                                let w = wanted as usize;
                                for j in n..w {
                                    t.stack[dest + j] = Value::Nil;
                                }
                                t.top = dest + w;
                            }
                            if fl & flags::FRESH != 0 {
                                return Ok(Flow::Done);
                            }
                            let caller = frame_at(&mut t.frames, fi - 1);
                            if caller.flags & flags::FINISH_OP != 0 {
                                caller.flags &= !flags::FINISH_OP;
                                self.pending_finish = true;
                                continue 'newframe;
                            }
                            // Back in a Lua caller: continue it in place.
                            if let FrameKind::Lua(c) = caller.kind {
                                fi -= 1;
                                base = caller.base;
                                pc = caller.pc;
                                cl = c;
                                enter!();
                                continue;
                            }
                            continue 'newframe;
                        }
                    }
                    if HOOKS && self.hooks.active {
                        savepc!();
                        self.hook_return(base + a, n)?;
                    }
                    match self.poscall(base + a, n) {
                        Flow::Done => return Ok(Flow::Done),
                        Flow::Continue => continue 'newframe,
                    }
                }};
            }
            macro_rules! gc_point {
                ($a:expr) => {
                    if self.heap.should_collect() {
                        savepc!();
                        // Registers above R[A] are dead here (as the reference's
                        // `checkGC(L, ra + 1)`); finalizers may run: reload the frame.
                        if self.check_gc_at(base + $a + 1) {
                            continue 'newframe;
                        }
                        // A collection step may shrink (reallocate) the stack.
                        reload!();
                    }
                };
            }
            loop {
                if HOOKS && self.hooks.active {
                    self.hook_instruction(fi, pc)?;
                    reload!();
                }
                let i = fetch(k, pc);
                pc += 1;
                let a = i.a() as usize;
                match i.op_byte() {
                    op::MOVE => r!(a) = rv!(i.b()),
                    op::LOADI => r!(a) = Value::Int(i.sbx() as i64),
                    op::LOADF => r!(a) = Value::Num(i.sbx() as f64),
                    op::LOADK => r!(a) = konst(k, i.bx() as usize),
                    op::LOADKX => {
                        r!(a) = konst(k, fetch(k, pc).ax_field() as usize);
                        pc += 1;
                    }
                    op::LOADFALSE => r!(a) = Value::Bool(false),
                    op::LFALSESKIP => {
                        r!(a) = Value::Bool(false);
                        pc += 1;
                    }
                    op::LOADTRUE => r!(a) = Value::Bool(true),
                    op::LOADNIL => {
                        for j in 0..=i.b() as usize {
                            r!(a + j) = Value::Nil;
                        }
                    }
                    op::GETUPVAL => {
                        r!(a) = self.upval_get(upval_at(&cl.get().upvals, i.b() as usize))
                    }
                    op::SETUPVAL => {
                        let v = rv!(a);
                        self.upval_set(upval_at(&cl.get().upvals, i.b() as usize), v);
                    }
                    op::GETTABUP => {
                        let t = self.upval_get(cl.get().upvals[i.b() as usize]);
                        let key = kstr!(i.c());
                        if let Value::Table(h) = t {
                            if h.get().get_str_into(key, regs.at(a)) {
                                continue;
                            }
                            if h.get().metatable.is_none() {
                                r!(a) = Value::Nil;
                                continue;
                            }
                        }
                        savepc!();
                        let s = self.index_step(t, Value::Str(key), Loc::Up(i.b()))?;
                        reload!();
                        r!(a) = meta_result!(s, 1);
                    }
                    op::GETFIELD | op::SELFK => {
                        let t = rv!(i.b());
                        let ks = kstr!(i.c());
                        if i.op_byte() == op::SELFK {
                            r!(a + 1) = t;
                        }
                        if let Value::Table(h) = t
                            && self.index_str_chain(h, ks, regs.at(a))
                        {
                            continue;
                        }
                        if let Value::UserData(u) = t
                            && let Some(v) = self.fast_ud_index(u, Value::Str(ks))
                        {
                            r!(a) = v;
                            continue;
                        }
                        savepc!();
                        let s = self.index_step(t, Value::Str(ks), Loc::Reg(i.b()))?;
                        reload!();
                        r!(a) = meta_result!(s, 1);
                    }
                    op::GETTABLE | op::GETI | op::SELF => {
                        let t = rv!(i.b());
                        let key = match i.op_byte() {
                            op::GETI => Value::Int(i.c() as i64),
                            _ => rv!(i.c()),
                        };
                        if i.op_byte() == op::SELF {
                            r!(a + 1) = t;
                        }
                        if let Value::Table(h) = t {
                            let hm = h.get();
                            let v = match key {
                                Value::Int(n) => hm.get_int(n),
                                Value::Str(ks) => hm.get_str(ks),
                                _ => hm.get(key),
                            };
                            if !v.is_nil() || hm.metatable.is_none() {
                                r!(a) = v;
                                continue;
                            }
                        }
                        if let Value::UserData(u) = t
                            && let Some(v) = self.fast_ud_index(u, key)
                        {
                            r!(a) = v;
                            continue;
                        }
                        savepc!();
                        let s = self.index_step(t, key, Loc::Reg(i.b()))?;
                        reload!();
                        r!(a) = meta_result!(s, 1);
                    }
                    op::SETTABUP | op::SETTABUPK => {
                        let t = self.upval_get(cl.get().upvals[a]);
                        let key = konst(k, i.b() as usize);
                        let v = if i.op_byte() == op::SETTABUP {
                            rv!(i.c())
                        } else {
                            konst(k, i.c() as usize)
                        };
                        if let Value::Table(h) = t
                            && h.get().metatable.is_none()
                        {
                            let Value::Str(ks) = key else {
                                unreachable!("string key")
                            };
                            h.get_mut().set_str(&self.heap, ks, v);
                            barrier_table(&self.heap, h, v);
                            continue;
                        }
                        savepc!();
                        if let Some((f, args)) = self.newindex_step(t, key, v, Loc::Up(a as u32))?
                            && let Err(flow) = self.meta_call(fi, base + msz, f, &args, 0)?
                        {
                            return Ok(flow);
                        }
                        reload!();
                    }
                    op::SETTABLE => settable!(a, rv!(i.b()), rv!(i.c())),
                    op::SETTABLEK => settable!(a, rv!(i.b()), konst(k, i.c() as usize)),
                    op::SETI => settable!(a, Value::Int(i.b() as i64), rv!(i.c())),
                    op::SETIK => settable!(a, Value::Int(i.b() as i64), konst(k, i.c() as usize)),
                    op::SETFIELD => {
                        // The key is a short string constant: no dispatch on its type.
                        let t = rv!(a);
                        let ks = kstr!(i.b());
                        if let Value::Table(h) = t
                            && self.raw_store_ok(h, Value::Str(ks))
                        {
                            let v = rv!(i.c());
                            h.get_mut().set_str(&self.heap, ks, v);
                            barrier_table(&self.heap, h, v);
                            continue;
                        }
                        settable!(a, Value::Str(ks), rv!(i.c()))
                    }
                    op::SETFIELDK => {
                        settable!(a, konst(k, i.b() as usize), konst(k, i.c() as usize))
                    }
                    op::NEWTABLE => {
                        let b = i.b();
                        let nh = if b > 0 { 1usize << (b - 1) } else { 0 };
                        let t = self.new_table_with(i.c() as usize, nh);
                        r!(a) = Value::Table(t);
                        gc_point!(a);
                    }
                    op::ADDI => {
                        arith!(
                            ArithOp::Add,
                            R(i.b()),
                            I(i.sc()),
                            Loc::Reg(i.b()),
                            Loc::None,
                            a
                        )
                    }
                    op::ADDK => arith!(
                        ArithOp::Add,
                        R(i.b()),
                        K(i.c()),
                        Loc::Reg(i.b()),
                        Loc::None,
                        a
                    ),
                    op::SUBK => arith!(
                        ArithOp::Sub,
                        R(i.b()),
                        K(i.c()),
                        Loc::Reg(i.b()),
                        Loc::None,
                        a
                    ),
                    op::MULK => arith!(
                        ArithOp::Mul,
                        R(i.b()),
                        K(i.c()),
                        Loc::Reg(i.b()),
                        Loc::None,
                        a
                    ),
                    op::MODK => arith!(
                        ArithOp::Mod,
                        R(i.b()),
                        K(i.c()),
                        Loc::Reg(i.b()),
                        Loc::None,
                        a
                    ),
                    op::POWK => arith!(
                        ArithOp::Pow,
                        R(i.b()),
                        K(i.c()),
                        Loc::Reg(i.b()),
                        Loc::None,
                        a
                    ),
                    op::DIVK => arith!(
                        ArithOp::Div,
                        R(i.b()),
                        K(i.c()),
                        Loc::Reg(i.b()),
                        Loc::None,
                        a
                    ),
                    op::IDIVK => arith!(
                        ArithOp::IDiv,
                        R(i.b()),
                        K(i.c()),
                        Loc::Reg(i.b()),
                        Loc::None,
                        a
                    ),
                    op::BANDK => arith!(
                        ArithOp::BAnd,
                        R(i.b()),
                        K(i.c()),
                        Loc::Reg(i.b()),
                        Loc::None,
                        a
                    ),
                    op::BORK => arith!(
                        ArithOp::BOr,
                        R(i.b()),
                        K(i.c()),
                        Loc::Reg(i.b()),
                        Loc::None,
                        a
                    ),
                    op::BXORK => arith!(
                        ArithOp::BXor,
                        R(i.b()),
                        K(i.c()),
                        Loc::Reg(i.b()),
                        Loc::None,
                        a
                    ),
                    op::SHRI => {
                        arith!(
                            ArithOp::Shr,
                            R(i.b()),
                            I(i.sc()),
                            Loc::Reg(i.b()),
                            Loc::None,
                            a
                        )
                    }
                    op::SHLI => {
                        arith!(
                            ArithOp::Shl,
                            I(i.sc()),
                            R(i.b()),
                            Loc::None,
                            Loc::Reg(i.b()),
                            a
                        )
                    }
                    op::ADD => arith!(
                        ArithOp::Add,
                        R(i.b()),
                        R(i.c()),
                        Loc::Reg(i.b()),
                        Loc::Reg(i.c()),
                        a
                    ),
                    op::SUB => arith!(
                        ArithOp::Sub,
                        R(i.b()),
                        R(i.c()),
                        Loc::Reg(i.b()),
                        Loc::Reg(i.c()),
                        a
                    ),
                    op::MUL => arith!(
                        ArithOp::Mul,
                        R(i.b()),
                        R(i.c()),
                        Loc::Reg(i.b()),
                        Loc::Reg(i.c()),
                        a
                    ),
                    op::MOD => arith!(
                        ArithOp::Mod,
                        R(i.b()),
                        R(i.c()),
                        Loc::Reg(i.b()),
                        Loc::Reg(i.c()),
                        a
                    ),
                    op::POW => arith!(
                        ArithOp::Pow,
                        R(i.b()),
                        R(i.c()),
                        Loc::Reg(i.b()),
                        Loc::Reg(i.c()),
                        a
                    ),
                    op::DIV => arith!(
                        ArithOp::Div,
                        R(i.b()),
                        R(i.c()),
                        Loc::Reg(i.b()),
                        Loc::Reg(i.c()),
                        a
                    ),
                    op::IDIV => arith!(
                        ArithOp::IDiv,
                        R(i.b()),
                        R(i.c()),
                        Loc::Reg(i.b()),
                        Loc::Reg(i.c()),
                        a
                    ),
                    op::BAND => arith!(
                        ArithOp::BAnd,
                        R(i.b()),
                        R(i.c()),
                        Loc::Reg(i.b()),
                        Loc::Reg(i.c()),
                        a
                    ),
                    op::BOR => arith!(
                        ArithOp::BOr,
                        R(i.b()),
                        R(i.c()),
                        Loc::Reg(i.b()),
                        Loc::Reg(i.c()),
                        a
                    ),
                    op::BXOR => arith!(
                        ArithOp::BXor,
                        R(i.b()),
                        R(i.c()),
                        Loc::Reg(i.b()),
                        Loc::Reg(i.c()),
                        a
                    ),
                    op::SHL => arith!(
                        ArithOp::Shl,
                        R(i.b()),
                        R(i.c()),
                        Loc::Reg(i.b()),
                        Loc::Reg(i.c()),
                        a
                    ),
                    op::SHR => arith!(
                        ArithOp::Shr,
                        R(i.b()),
                        R(i.c()),
                        Loc::Reg(i.b()),
                        Loc::Reg(i.c()),
                        a
                    ),
                    op::UNM => arith!(
                        ArithOp::Unm,
                        R(i.b()),
                        R(i.b()),
                        Loc::Reg(i.b()),
                        Loc::Reg(i.b()),
                        a
                    ),
                    op::BNOT => arith!(
                        ArithOp::BNot,
                        R(i.b()),
                        R(i.b()),
                        Loc::Reg(i.b()),
                        Loc::Reg(i.b()),
                        a
                    ),
                    op::NOT => r!(a) = Value::Bool(!rv!(i.b()).truthy()),
                    op::LEN => {
                        let v = rv!(i.b());
                        match v {
                            Value::Str(s) => r!(a) = Value::Int(s.get().len() as i64),
                            Value::Table(t) if t.get().metatable.is_none() => {
                                r!(a) = Value::Int(t.get().length())
                            }
                            _ => {
                                savepc!();
                                let s = self.len_step(v, Loc::Reg(i.b()))?;
                                reload!();
                                r!(a) = meta_result!(s, 1);
                            }
                        }
                    }
                    op::CONCAT => {
                        savepc!();
                        if !self.concat_from(fi, a, i.b() as usize)? {
                            return Ok(Flow::Continue);
                        }
                        reload!();
                        gc_point!(a);
                    }
                    op::CLOSE => {
                        savepc!();
                        let t = th.get_mut();
                        t.top = base + msz;
                        // Each `__close` handler runs as a frame of its own (so it can
                        // yield); the instruction runs again when it returns.
                        if let Some((mm, v)) = self.pop_close(base + a) {
                            self.push_meta_call(fi, mm, &[v, Value::Nil], 0)?;
                            return Ok(Flow::Continue);
                        }
                        reload!();
                    }
                    op::TBC => {
                        savepc!();
                        let name = local_name(&cl.get().proto.get().proto, a as u32 + 1, pc - 1)
                            .unwrap_or("?")
                            .to_string();
                        self.mark_tbc(base + a, &name)?;
                        reload!();
                    }
                    op::JMP => pc = (pc as i64 + i.sj_field() as i64) as usize,
                    op::LOOP => {
                        // Loop header: the trace JIT's hot counter hooks in here.
                        if self.heap.tick() {
                            savepc!();
                            interrupt!(pc);
                        }
                    }
                    op::EQ => {
                        let (x, y) = (rv!(a), rv!(i.b()));
                        let res = match (x, y) {
                            (Value::Table(_), Value::Table(_))
                            | (Value::UserData(_), Value::UserData(_)) => {
                                savepc!();
                                let s = self.eq_step(x, y);
                                reload!();
                                meta_result!(s, 1).truthy()
                            }
                            _ => x.raw_eq(&y),
                        };
                        cond!(res, i);
                    }
                    op::LT => order_rr!(i, a, false),
                    op::LE => order_rr!(i, a, true),
                    op::EQK => {
                        let res = rv!(a).raw_eq(&konst(k, i.b() as usize));
                        cond!(res, i);
                    }
                    op::EQI => {
                        let imm = i.sb() as i64;
                        let (t, w) = regs.raw(a);
                        let res = match t {
                            TAG_INT => w as i64 == imm,
                            TAG_NUM => f64::from_bits(w) == imm as f64,
                            _ => false,
                        };
                        cond!(res, i);
                    }
                    op::LTI => order_ri!(i, a, <, false, false),
                    op::LEI => order_ri!(i, a, <=, false, true),
                    op::GTI => order_ri!(i, a, >, true, false),
                    op::GEI => order_ri!(i, a, >=, true, true),
                    op::TEST => {
                        let res = regs.truthy(a);
                        cond!(res, i);
                    }
                    op::TESTSET => {
                        let v = rv!(i.b());
                        if v.truthy() != i.k() {
                            pc += 1;
                        } else {
                            r!(a) = v;
                        }
                    }
                    op::CALL => {
                        let func = base + a;
                        let b = i.b() as usize;
                        if b != 0 {
                            th.get_mut().top = func + b;
                        }
                        savepc!();
                        if self.heap.tick() {
                            interrupt!(pc - 1);
                        }
                        match rv!(a) {
                            Value::LuaFn(callee) => {
                                self.precall_lua(func, callee, i.c() as i32 - 1)?;
                                // Enter the callee in place (its frame is on top now).
                                fi += 1;
                                base = func + 1;
                                cl = callee;
                                pc = 0;
                                enter!();
                                if HOOKS && self.hooks.active {
                                    self.hook_enter_lua(fi)?;
                                    reload!();
                                }
                                continue;
                            }
                            Value::Native(nc)
                                if !(HOOKS && self.hooks.active)
                                    && self.push_native_frame(func, nc, i.c() as i32 - 1) =>
                            {
                                // A light native call: no hook, no `__call`; when the
                                // function returns values, this frame continues here
                                // without going back through the frame dispatch.
                                match (nc.get().f)(self)? {
                                    // (`handle_ret` also settles to-be-closed
                                    // variables an error the native caught left.)
                                    Ret::Values(n)
                                        if !self.hooks.active && th.get().owed_close.is_none() =>
                                    {
                                        // `poscall` for this case, inline: the caller is
                                        // this Lua frame, the results go to `func`.
                                        let t = th.get_mut();
                                        t.frames.pop();
                                        let first = t.top - n;
                                        match (i.c() as usize).checked_sub(1) {
                                            None => {
                                                t.stack.copy_within(first..first + n, func);
                                                t.top = func + n;
                                            }
                                            Some(w) => {
                                                let m = n.min(w);
                                                for j in 0..m {
                                                    t.stack[func + j] = t.stack[first + j];
                                                }
                                                for j in m..w {
                                                    t.stack[func + j] = Value::Nil;
                                                }
                                                t.top = func + w;
                                            }
                                        }
                                    }
                                    ret => {
                                        if let Flow::Done = self.handle_ret(ret)? {
                                            return Ok(Flow::Done);
                                        }
                                        self.check_gc();
                                        continue 'newframe;
                                    }
                                }
                                if self.check_gc() {
                                    continue 'newframe;
                                }
                                reload!();
                                continue;
                            }
                            _ => {}
                        }
                        if self.precall(func, i.c() as i32 - 1, 0)? {
                            continue 'newframe;
                        }
                        let FrameKind::Native(nc) = th.get().frames.last().unwrap().kind else {
                            unreachable!("precall pushed a native frame")
                        };
                        let ret = (nc.get().f)(self)?;
                        if let Flow::Done = self.handle_ret(ret)? {
                            return Ok(Flow::Done);
                        }
                        self.check_gc();
                        continue 'newframe;
                    }
                    op::TAILCALL => {
                        let func = base + a;
                        let b = i.b() as usize;
                        let nargs = if b != 0 {
                            b - 1
                        } else {
                            th.get().top - func - 1
                        };
                        savepc!();
                        if self.heap.tick() {
                            th.get_mut().top = func + 1 + nargs;
                            interrupt!(pc - 1);
                        }
                        let f = rv!(a);
                        if !f.is_function() && self.metamethod(f, TM::Call).is_nil() {
                            return Err(self.call_error(func));
                        }
                        if i.c() != 0 {
                            th.get_mut().top = func + 1 + nargs;
                            self.close_level(base, None)?;
                        }
                        if !matches!(f, Value::LuaFn(_)) {
                            // A native callee runs as an ordinary call above this frame
                            // (so errors name it and give this frame's position); the
                            // RETURN that follows every TAILCALL returns its results.
                            th.get_mut().top = func + 1 + nargs;
                            if self.precall(func, -1, 0)? {
                                continue 'newframe;
                            }
                            let FrameKind::Native(nc) = th.get().frames.last().unwrap().kind else {
                                unreachable!("precall pushed a native frame")
                            };
                            let ret = (nc.get().f)(self)?;
                            if let Flow::Done = self.handle_ret(ret)? {
                                return Ok(Flow::Done);
                            }
                            continue 'newframe;
                        }
                        let t = th.get_mut();
                        let fr = t.frames.pop().unwrap();
                        let dest = fr.ret;
                        t.stack.copy_within(func..func + 1 + nargs, dest);
                        t.top = dest + 1 + nargs;
                        let keep = fr.flags & (flags::FRESH | flags::TRACEBACK | flags::C_CALL);
                        self.precall(dest, fr.nresults, keep | flags::TAIL)?;
                        continue 'newframe;
                    }
                    op::RETURN => {
                        let b = i.b() as usize;
                        let n = if b != 0 {
                            b - 1
                        } else {
                            th.get().top - (base + a)
                        };
                        if i.c() != 0 {
                            savepc!();
                            th.get_mut().top = base + a + n;
                            // As CLOSE, keeping the number of results for the rerun.
                            if let Some((mm, v)) = self.pop_close(base) {
                                th.get_mut().frames[fi].ctx = n;
                                self.push_meta_call_above(
                                    fi,
                                    base + a + n,
                                    mm,
                                    &[v, Value::Nil],
                                    0,
                                )?;
                                return Ok(Flow::Continue);
                            }
                        }
                        if HOOKS && self.hooks.active {
                            savepc!();
                            self.hook_return(base + a, n)?;
                        }
                        match self.poscall(base + a, n) {
                            Flow::Done => return Ok(Flow::Done),
                            Flow::Continue => continue 'newframe,
                        }
                    }
                    op::RETURN0 => return01!(a, 0),
                    op::RETURN1 => return01!(a, 1),
                    op::FORLOOP => {
                        let s: &mut [Value; 4] = regs.four(a);
                        match s[2] {
                            Value::Int(step) => {
                                if let Value::Int(count) = s[1]
                                    && count > 0
                                {
                                    s[1] = Value::Int(count - 1);
                                    let Value::Int(idx) = s[0] else {
                                        unreachable!("integer loop")
                                    };
                                    let idx = idx.wrapping_add(step);
                                    s[0] = Value::Int(idx);
                                    s[3] = Value::Int(idx);
                                    pc -= i.bx() as usize;
                                    if self.heap.tick() {
                                        savepc!();
                                        interrupt!(pc);
                                    }
                                }
                            }
                            Value::Num(step) => {
                                let (Value::Num(idx), Value::Num(lim)) = (s[0], s[1]) else {
                                    unreachable!("float loop")
                                };
                                let idx = idx + step;
                                if if step > 0.0 { idx <= lim } else { lim <= idx } {
                                    s[0] = Value::Num(idx);
                                    s[3] = Value::Num(idx);
                                    pc -= i.bx() as usize;
                                    if self.heap.tick() {
                                        savepc!();
                                        interrupt!(pc);
                                    }
                                }
                            }
                            _ => unreachable!("for loop prepared"),
                        }
                    }
                    op::FORPREP => {
                        savepc!();
                        if !self.for_prep(base + a)? {
                            pc += i.bx() as usize + 1;
                        }
                        reload!();
                    }
                    op::TFORPREP => {
                        savepc!();
                        self.mark_tbc(base + a + 3, "(for state)")?;
                        reload!();
                        pc += i.bx() as usize;
                    }
                    op::TFORCALL => {
                        let ra = base + a;
                        let t = th.get_mut();
                        t.stack.copy_within(ra..ra + 3, ra + 4);
                        t.top = ra + 4 + 3;
                        savepc!();
                        if self.precall(ra + 4, i.c() as i32, 0)? {
                            continue 'newframe;
                        }
                        let FrameKind::Native(nc) = th.get().frames.last().unwrap().kind else {
                            unreachable!("precall pushed a native frame")
                        };
                        let ret = (nc.get().f)(self)?;
                        if let Flow::Done = self.handle_ret(ret)? {
                            return Ok(Flow::Done);
                        }
                        continue 'newframe;
                    }
                    op::TFORLOOP => {
                        let ra = base + a;
                        let v = st!()[ra + 4];
                        if !v.is_nil() {
                            st!()[ra + 2] = v;
                            pc -= i.bx() as usize;
                            if self.heap.tick() {
                                savepc!();
                                interrupt!(pc);
                            }
                        }
                    }
                    op::SETLIST => {
                        let mut n = i.b() as usize;
                        if n == 0 {
                            n = th.get().top - (base + a) - 1;
                        }
                        let mut off = i.c() as usize;
                        if off == 255 {
                            off = fetch(k, pc).ax_field() as usize;
                            pc += 1;
                        }
                        let Value::Table(t) = rv!(a) else {
                            unreachable!("SETLIST on a table")
                        };
                        let last = off + n;
                        if last > t.get().array_len() {
                            let hl = t.get().hash_len();
                            t.get_mut().resize(&self.heap, last, hl);
                        }
                        // Checked: after an open VARARG the values may lie above the
                        // frame's `max_stack_size` window.
                        for j in 1..=n {
                            let v = st!()[base + a + j];
                            t.get_mut().set_int(&self.heap, (off + j) as i64, v);
                        }
                        barrier_table_all(&self.heap, t);
                    }
                    op::CLOSURE => {
                        let p = cl.get().proto.get().protos[i.bx() as usize];
                        let descs = &p.get().proto.upvalues;
                        let mut ups = Vec::with_capacity(descs.len());
                        for d in descs.iter() {
                            if d.in_stack {
                                ups.push(self.find_upval(base + d.index as usize));
                            } else {
                                ups.push(cl.get().upvals[d.index as usize]);
                            }
                        }
                        let c = self.heap.alloc(LuaClosure {
                            proto: p,
                            upvals: ups.into_boxed_slice(),
                        });
                        r!(a) = Value::LuaFn(c);
                        gc_point!(a);
                    }
                    op::VARARG => {
                        let fr = th.get().frames[fi];
                        let nextra = fr.nextra;
                        let n = if i.c() == 0 {
                            nextra
                        } else {
                            i.c() as usize - 1
                        };
                        savepc!();
                        self.ensure_stack(base + a + n + EXTRA_STACK)?;
                        reload!();
                        let t = th.get_mut();
                        for j in 0..n {
                            t.stack[base + a + j] = if j < nextra {
                                t.stack[fr.func - nextra + j]
                            } else {
                                Value::Nil
                            };
                        }
                        if i.c() == 0 {
                            t.top = base + a + n;
                        }
                    }
                    op::VARARGPREP => {
                        let nfixed = a;
                        let t = th.get_mut();
                        let func = t.frames[fi].func;
                        let nargs = t.top - func - 1;
                        let nextra = nargs.saturating_sub(nfixed);
                        if nextra > 0 {
                            let newfunc = func + 1 + nargs;
                            savepc!();
                            let need = newfunc + 1 + msz + EXTRA_STACK;
                            self.ensure_stack(need)?;
                            let t = th.get_mut();
                            t.stack[newfunc] = t.stack[func];
                            for j in 0..nfixed {
                                t.stack[newfunc + 1 + j] = t.stack[func + 1 + j];
                                t.stack[func + 1 + j] = Value::Nil;
                            }
                            let f = &mut t.frames[fi];
                            f.func = newfunc;
                            f.base = newfunc + 1;
                            f.nextra = nextra;
                            f.pc = pc;
                            continue 'newframe;
                        }
                    }
                    op::EXTRAARG => {}
                    _ => invalid_opcode(),
                }
            }
        }
    }
}
