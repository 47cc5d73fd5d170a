//! The native-function API: how Rust functions are called from Lua, read their
//! arguments (with the reference's checks and messages), return results, raise
//! errors, call back into Lua (re-entrantly, or with a continuation), and yield.
//!
//! # The model
//!
//! A native function has the type [`NativeFn`]: `fn(&mut Vm) -> LuaResult<Ret>`. While
//! it runs it owns a frame of the running thread's stack, like a C function in the
//! reference: its arguments are at stack indices `1..=vm.arg_count()`, it pushes
//! values with [`Vm::push`], and it returns `Ok(Ret::Values(n))` to return the top
//! `n` values. An error is `Err(LuaError)`: any Lua value, normally made by
//! [`Vm::error`] (adds the caller's position, as `luaL_error`) or the argument checkers
//! ([`Vm::check_integer`], [`Vm::check_table`], ...), whose messages are the reference's
//! (`bad argument #1 to 'insert' (table expected, got nil)`).
//!
//! ```
//! use engine_lua::runtime::{Vm, LuaResult, Ret};
//!
//! /// `add(a, b)`: the sum of two integers.
//! fn add(vm: &mut Vm) -> LuaResult<Ret> {
//!     let a = vm.check_integer(1)?;
//!     let b = vm.check_integer(2)?;
//!     vm.push_int(a.wrapping_add(b));
//!     Ok(Ret::Values(1))
//! }
//!
//! let mut vm = Vm::new();
//! let f = vm.new_native("add", add);
//! vm.set_global("add", f);
//! ```
//!
//! # Calling Lua from Rust
//!
//! * Re-entrantly: [`Vm::call_function`] (or [`Vm::call_stack`]) runs the callee to
//!   completion on the Rust stack and returns its results. Nesting is limited
//!   ([`super::MAX_C_DEPTH`], then `C stack overflow`), and the callee cannot yield
//!   (`attempt to yield across a C-call boundary`).
//! * With a continuation (the role of `lua_callk`): push the function and its
//!   arguments and return `Ok(Ret::Call { nargs, nresults, protect, k, ctx })`. The
//!   interpreter calls it without Rust recursion; when it returns, its results are on
//!   the stack in place of the function and arguments, and `k(vm, Status::Ok, ctx)` runs
//!   in the same frame and returns the next step. With `protect` set an error in the
//!   callee is caught: the stack is cut back to where the function was and
//!   `k(vm, Status::Error(e), ctx)` runs (this is `pcall`). The callee may yield.
//! * Yielding: `Ok(Ret::Yield { nvalues, k, ctx })` yields the top `nvalues` values; on
//!   resume the resume arguments are pushed and `k` runs (or, without `k`, they are
//!   returned as the function's results, which is `coroutine.yield`).
//!
//! Values a native function holds in Rust locals are not roots for the collector.
//! The collector only runs at the interpreter's safe points, so this only matters
//! across a re-entrant call: keep what you need on the stack (arguments already are).

use super::function::NativeClosure;
use super::gc::{Gc, barrier_table};
use super::meta::TM;
use super::string::LuaStr;
use super::table::Table;
use super::thread::Thread;
use super::value::{LuaType, Value};
use super::{Vm, meta};
use crate::number::{self, Number};

/// A Lua error in flight: any Lua value.
#[derive(Copy, Clone, Debug)]
pub struct LuaError(pub Value);

/// The result type of everything that can raise a Lua error.
pub type LuaResult<T> = Result<T, LuaError>;

/// A native function.
pub type NativeFn = fn(&mut Vm) -> LuaResult<Ret>;

/// The continuation of a native function after a call or a yield.
pub type Continuation = fn(&mut Vm, Status, usize) -> LuaResult<Ret>;

/// How a pending call ended, as seen by its continuation.
#[derive(Copy, Clone, Debug)]
pub enum Status {
    /// It returned (results on the stack) or the coroutine was resumed (resume
    /// arguments on the stack).
    Ok,
    /// It raised this error (protected calls only); the stack was cut back to where
    /// the function was.
    Error(Value),
}

/// Whether a call made with [`Ret::Call`] catches errors.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum Protect {
    /// Errors propagate.
    #[default]
    No,
    /// Errors are caught and passed to the continuation (`pcall`).
    Yes,
    /// Errors are caught after the message handler at this stack index (1-based, in
    /// the native's frame) ran at the error point (`xpcall`).
    Handler(usize),
}

/// What a native function (or continuation) does next.
#[derive(Copy, Clone, Debug)]
pub enum Ret {
    /// Return the top `n` values of the frame.
    Values(usize),
    /// Call the value below the top `nargs` values with them as arguments, then
    /// continue with `k`. `nresults` is the number of results wanted (-1: all).
    Call {
        /// Number of arguments (on top of the stack, above the function).
        nargs: usize,
        /// Results wanted, -1 for all.
        nresults: i32,
        /// Whether errors are caught.
        protect: Protect,
        /// What runs after.
        k: Continuation,
        /// A value passed to `k`.
        ctx: usize,
    },
    /// Yield the top `nvalues` values.
    Yield {
        /// Number of values yielded.
        nvalues: usize,
        /// What runs on resume (`None`: return the resume arguments).
        k: Option<Continuation>,
        /// A value passed to `k`.
        ctx: usize,
    },
    /// Resume a coroutine with the top `nargs` values; `k` runs with `Status::Ok` and
    /// the values it yielded or returned on the stack, or with `Status::Error`.
    Resume {
        /// The coroutine.
        co: Gc<Thread>,
        /// Number of arguments on top of the stack.
        nargs: usize,
        /// What runs after.
        k: Continuation,
        /// A value passed to `k`.
        ctx: usize,
    },
}

impl Vm {
    // ----- the frame -----

    #[inline]
    pub(crate) fn frame_base(&self) -> usize {
        self.current.get().frames.last().map_or(0, |f| f.base)
    }

    /// Number of values in the native frame (`lua_gettop`): the arguments on entry.
    #[inline]
    pub fn arg_count(&self) -> usize {
        let th = self.current.get();
        th.top - self.frame_base()
    }

    /// Same as [`Vm::arg_count`].
    #[inline]
    pub fn get_top(&self) -> usize {
        self.arg_count()
    }

    /// Sets the number of values in the frame (pads with nil or drops).
    pub fn set_top(&mut self, n: usize) {
        let base = self.frame_base();
        let th = self.current.get_mut();
        let new = base + n;
        if new > th.stack.len() {
            th.stack.resize(new + 16, Value::Nil);
        }
        for i in th.top..new {
            th.stack[i] = Value::Nil;
        }
        th.top = new;
    }

    /// The value at frame index `i` (1-based); nil when absent.
    #[inline]
    pub fn arg(&self, i: usize) -> Value {
        let th = self.current.get();
        let idx = self.frame_base() + i - 1;
        if i >= 1 && idx < th.top {
            th.stack[idx]
        } else {
            Value::Nil
        }
    }

    /// Replaces the value at frame index `i` (1-based, must exist).
    pub fn set_arg(&mut self, i: usize, v: Value) {
        let idx = self.frame_base() + i - 1;
        self.current.get_mut().stack[idx] = v;
    }

    /// Whether argument `i` is absent (beyond the arguments given).
    #[inline]
    pub fn is_none(&self, i: usize) -> bool {
        i > self.arg_count()
    }

    /// Whether argument `i` is absent or nil.
    #[inline]
    pub fn is_none_or_nil(&self, i: usize) -> bool {
        self.arg(i).is_nil()
    }

    /// Pushes a value.
    #[inline(always)]
    pub fn push(&mut self, v: Value) {
        let th = self.current.get_mut();
        if th.top >= th.stack.len() {
            self.grow_for_push();
        }
        let th = self.current.get_mut();
        th.stack[th.top] = v;
        th.top += 1;
    }

    /// [`Vm::push`]'s slow path: the stack is full.
    #[cold]
    #[inline(never)]
    fn grow_for_push(&mut self) {
        let th = self.current.get_mut();
        let old = th.stack.len();
        th.stack.resize(old * 2 + 16, Value::Nil);
        self.heap.adjust(((old + 16) * 16) as isize);
    }

    /// Pushes an integer.
    pub fn push_int(&mut self, i: i64) {
        self.push(Value::Int(i))
    }

    /// Pushes a float.
    pub fn push_float(&mut self, f: f64) {
        self.push(Value::Num(f))
    }

    /// Pushes a boolean.
    pub fn push_bool(&mut self, b: bool) {
        self.push(Value::Bool(b))
    }

    /// Pushes nil.
    pub fn push_nil(&mut self) {
        self.push(Value::Nil)
    }

    /// Pushes a string made of `bytes`.
    pub fn push_bytes(&mut self, bytes: &[u8]) {
        let s = self.new_string(bytes);
        self.push(s)
    }

    /// Pops the top value (nil if the frame is empty).
    pub fn pop(&mut self) -> Value {
        let base = self.frame_base();
        let th = self.current.get_mut();
        if th.top > base {
            th.top -= 1;
            th.stack[th.top]
        } else {
            Value::Nil
        }
    }

    /// Inserts `v` at frame index `i`, shifting the values above up.
    pub fn insert(&mut self, i: usize, v: Value) {
        self.push(Value::Nil);
        let base = self.frame_base();
        let th = self.current.get_mut();
        let at = base + i - 1;
        th.stack.copy_within(at..th.top - 1, at + 1);
        th.stack[at] = v;
    }

    /// Removes the value at frame index `i`, shifting the values above down.
    pub fn remove(&mut self, i: usize) -> Value {
        let base = self.frame_base();
        let th = self.current.get_mut();
        let at = base + i - 1;
        let v = th.stack[at];
        th.stack.copy_within(at + 1..th.top, at);
        th.top -= 1;
        v
    }

    /// Returns the given values (convenience: pushes them, returns `Ret::Values`).
    pub fn ret(&mut self, vals: &[Value]) -> LuaResult<Ret> {
        for v in vals {
            self.push(*v);
        }
        Ok(Ret::Values(vals.len()))
    }

    /// Upvalue `i` (0-based) of the running native closure.
    pub fn upvalue(&self, i: usize) -> Value {
        match self.current_native() {
            Some(c) => c.get().upvalues.get(i).copied().unwrap_or(Value::Nil),
            None => Value::Nil,
        }
    }

    /// Replaces upvalue `i` of the running native closure.
    pub fn set_upvalue(&mut self, i: usize, v: Value) {
        if let Some(c) = self.current_native() {
            c.get_mut().upvalues[i] = v;
            super::gc::barrier_object(&self.heap, super::gc::GcRef::Native(c), v);
        }
    }

    fn current_native(&self) -> Option<Gc<NativeClosure>> {
        match self.current.get().frames.last()?.kind {
            super::FrameKind::Native(c) => Some(c),
            _ => None,
        }
    }

    // ----- errors -----

    /// An error with a string message prefixed with the caller's position
    /// (`luaL_error`: `input:3: message`).
    pub fn error(&mut self, msg: impl AsRef<str>) -> LuaError {
        let w = self.where_(1);
        let s = self.new_string(format!("{w}{}", msg.as_ref()).as_bytes());
        LuaError(s)
    }

    /// An error carrying a string as is (no position).
    pub fn error_plain(&mut self, msg: impl AsRef<[u8]>) -> LuaError {
        LuaError(self.new_string(msg.as_ref()))
    }

    /// `bad argument #i to 'name' (extramsg)`, as `luaL_argerror` (method calls
    /// count `self` out; `calling 'm' on bad self`).
    pub fn arg_error(&mut self, i: usize, extramsg: impl AsRef<str>) -> LuaError {
        let extramsg = extramsg.as_ref();
        let level = self.current.get().frames.len() - 1;
        let (what, name) = self.frame_name(self.current, level);
        let mut i = i;
        if what == "method" {
            i -= 1;
            if i == 0 {
                return self.error(format!("calling '{name}' on bad self ({extramsg})"));
            }
        }
        let name = if name.is_empty() {
            let f = self.current.get().stack[self.current.get().frames[level].func];
            self.global_func_name(f).unwrap_or_else(|| "?".to_string())
        } else {
            name
        };
        self.error(format!("bad argument #{i} to '{name}' ({extramsg})"))
    }

    /// The name `luaL_typename`/`luaL_typeerror` use: `__name` of the metatable if a
    /// string, else the type name (`light userdata` for those).
    pub fn type_name_of(&self, v: Value) -> String {
        if let Some(mt) = self.metatable(v)
            && let Value::Str(s) = self.tm_from(mt, TM::Name)
        {
            return s.get().to_str_lossy().into_owned();
        }
        match v {
            Value::LightUserData(_) => "light userdata".into(),
            _ => v.type_name().into(),
        }
    }

    /// `bad argument #i to 'f' (T expected, got U)` (`luaL_typeerror`).
    pub fn type_error(&mut self, i: usize, expected: &str) -> LuaError {
        let got = if self.is_none(i) {
            "no value".to_string()
        } else {
            self.type_name_of(self.arg(i))
        };
        self.arg_error(i, format!("{expected} expected, got {got}"))
    }

    // ----- argument checks -----

    /// Any value, but present (`luaL_checkany`: `value expected`).
    pub fn check_any(&mut self, i: usize) -> LuaResult<Value> {
        if self.is_none(i) {
            return Err(self.arg_error(i, "value expected"));
        }
        Ok(self.arg(i))
    }

    /// An integer (floats with an exact value and numeric strings convert), as
    /// `luaL_checkinteger`.
    #[inline]
    pub fn check_integer(&mut self, i: usize) -> LuaResult<i64> {
        if let Value::Int(n) = self.arg(i) {
            return Ok(n);
        }
        self.check_integer_slow(i)
    }

    /// [`Vm::check_integer`] for anything but an integer.
    #[inline(never)]
    fn check_integer_slow(&mut self, i: usize) -> LuaResult<i64> {
        let v = self.arg(i);
        match meta::to_integer(v) {
            Some(n) => Ok(n),
            None => {
                if meta::to_number(v).is_some() {
                    Err(self.arg_error(i, "number has no integer representation"))
                } else {
                    Err(self.type_error(i, "number"))
                }
            }
        }
    }

    /// An optional integer (`luaL_optinteger`).
    #[inline]
    pub fn opt_integer(&mut self, i: usize, default: i64) -> LuaResult<i64> {
        if self.is_none_or_nil(i) {
            Ok(default)
        } else {
            self.check_integer(i)
        }
    }

    /// A float (`luaL_checknumber`).
    pub fn check_number(&mut self, i: usize) -> LuaResult<f64> {
        match meta::to_float(self.arg(i)) {
            Some(f) => Ok(f),
            None => Err(self.type_error(i, "number")),
        }
    }

    /// An optional float.
    pub fn opt_number(&mut self, i: usize, default: f64) -> LuaResult<f64> {
        if self.is_none_or_nil(i) {
            Ok(default)
        } else {
            self.check_number(i)
        }
    }

    /// A number keeping its subtype (integer or float; strings convert).
    pub fn check_numeric(&mut self, i: usize) -> LuaResult<Number> {
        match meta::to_number(self.arg(i)) {
            Some(n) => Ok(n),
            None => Err(self.type_error(i, "number")),
        }
    }

    /// A string (numbers are converted in place, as `luaL_checklstring`).
    #[inline]
    pub fn check_str(&mut self, i: usize) -> LuaResult<Gc<LuaStr>> {
        if let Value::Str(s) = self.arg(i) {
            return Ok(s);
        }
        self.check_str_slow(i)
    }

    /// [`Vm::check_str`] for anything but a string.
    #[inline(never)]
    fn check_str_slow(&mut self, i: usize) -> LuaResult<Gc<LuaStr>> {
        match self.arg(i) {
            Value::Str(s) => Ok(s),
            v @ (Value::Int(_) | Value::Num(_)) => {
                let b = meta::number_to_bytes(v).unwrap_or_default();
                let s = self.heap.new_str(&b);
                self.set_arg(i, Value::Str(s));
                Ok(s)
            }
            _ => Err(self.type_error(i, "string")),
        }
    }

    /// A string's bytes, copied (convenience over [`Vm::check_str`]).
    pub fn check_bytes(&mut self, i: usize) -> LuaResult<Vec<u8>> {
        Ok(self.check_str(i)?.get().as_bytes().to_vec())
    }

    /// An optional string.
    pub fn opt_str(&mut self, i: usize) -> LuaResult<Option<Gc<LuaStr>>> {
        if self.is_none_or_nil(i) {
            Ok(None)
        } else {
            self.check_str(i).map(Some)
        }
    }

    /// A table.
    pub fn check_table(&mut self, i: usize) -> LuaResult<Gc<Table>> {
        match self.arg(i) {
            Value::Table(t) => Ok(t),
            _ => Err(self.type_error(i, "table")),
        }
    }

    /// A value of the given type (`luaL_checktype`).
    pub fn check_type(&mut self, i: usize, t: LuaType) -> LuaResult<Value> {
        let v = self.arg(i);
        if v.type_of() != t || (t == LuaType::Nil && self.is_none(i)) {
            return Err(self.type_error(i, t.name()));
        }
        Ok(v)
    }

    /// A coroutine.
    pub fn check_thread(&mut self, i: usize) -> LuaResult<Gc<Thread>> {
        match self.arg(i) {
            Value::Thread(t) => Ok(t),
            _ => Err(self.type_error(i, "thread")),
        }
    }

    /// One of a list of option names (`luaL_checkoption`): its index.
    pub fn check_option(
        &mut self,
        i: usize,
        default: Option<&str>,
        options: &[&str],
    ) -> LuaResult<usize> {
        let name: Vec<u8> = match (default, self.is_none_or_nil(i)) {
            (Some(d), true) => d.as_bytes().to_vec(),
            _ => self.check_bytes(i)?,
        };
        match options.iter().position(|o| o.as_bytes() == name.as_slice()) {
            Some(p) => Ok(p),
            None => {
                let n = String::from_utf8_lossy(&name).into_owned();
                Err(self.arg_error(i, format!("invalid option '{n}'")))
            }
        }
    }

    // ----- tables and values -----

    /// Raw get.
    pub fn raw_get(&self, t: Gc<Table>, k: Value) -> Value {
        t.get().get(k)
    }

    /// Raw set (errors for nil/NaN keys: `index is nil`).
    pub fn raw_set(&mut self, t: Gc<Table>, k: Value, v: Value) -> LuaResult<()> {
        match t.get_mut().set(&self.heap, k, v) {
            Ok(()) => {
                barrier_table(&self.heap, t, v);
                Ok(())
            }
            Err(e) => Err(self.error_plain(e.message())),
        }
    }

    /// Raw set with an integer key.
    pub fn raw_set_int(&mut self, t: Gc<Table>, i: i64, v: Value) {
        t.get_mut().set_int(&self.heap, i, v);
        barrier_table(&self.heap, t, v);
    }

    /// `t[k]` with `__index` (re-entrant for function metamethods).
    pub fn index(&mut self, obj: Value, key: Value) -> LuaResult<Value> {
        self.index_value(obj, key, None)
    }

    /// `t[k] = v` with `__newindex`.
    pub fn set_index(&mut self, obj: Value, key: Value, v: Value) -> LuaResult<()> {
        self.set_index_value(obj, key, v, None)
    }

    /// `#v` with `__len`.
    pub fn len(&mut self, v: Value) -> LuaResult<Value> {
        self.len_value(v, None)
    }

    /// The length as an integer (`luaL_len`: `object length is not an integer`).
    pub fn len_int(&mut self, v: Value) -> LuaResult<i64> {
        match self.len(v)? {
            Value::Int(i) => Ok(i),
            Value::Num(f) => match number::float_to_int_exact(f) {
                Some(i) => Ok(i),
                None => Err(self.error("object length is not an integer")),
            },
            _ => Err(self.error("object length is not an integer")),
        }
    }

    /// `a == b` with `__eq`.
    pub fn equals(&mut self, a: Value, b: Value) -> LuaResult<bool> {
        self.eq_values(a, b)
    }

    /// `a < b` with `__lt`.
    pub fn less_than(&mut self, a: Value, b: Value) -> LuaResult<bool> {
        self.lt_values(a, b)
    }

    /// `a <= b` with `__le`.
    pub fn less_equal(&mut self, a: Value, b: Value) -> LuaResult<bool> {
        self.le_values(a, b)
    }

    /// `luaL_tolstring`: `__tostring`, `__name`, or the default form.
    pub fn to_string(&mut self, v: Value) -> LuaResult<Gc<LuaStr>> {
        let mm = self.metamethod(v, TM::ToString);
        if !mm.is_nil() {
            let r = self.call_function(mm, &[v], 1)?;
            return match r.first() {
                Some(Value::Str(s)) => Ok(*s),
                Some(n @ (Value::Int(_) | Value::Num(_))) => {
                    let b = meta::number_to_bytes(*n).unwrap_or_default();
                    Ok(self.heap.new_str(&b))
                }
                _ => Err(self.error("'__tostring' must return a string")),
            };
        }
        if let Value::Str(s) = v {
            return Ok(s);
        }
        let text = match (self.metatable(v), v) {
            (Some(mt), Value::Table(_) | Value::UserData(_)) => match self.tm_from(mt, TM::Name) {
                Value::Str(n) => {
                    let mut b = n.get().as_bytes().to_vec();
                    b.extend_from_slice(format!(": {:#x}", v.addr()).as_bytes());
                    b
                }
                _ => meta::basic_tostring(v),
            },
            _ => meta::basic_tostring(v),
        };
        Ok(self.heap.new_str(&text))
    }

    /// Calls `f` with `args` re-entrantly; returns `nresults` results (-1: all).
    pub fn call_function(
        &mut self,
        f: Value,
        args: &[Value],
        nresults: i32,
    ) -> LuaResult<Vec<Value>> {
        let th = self.current;
        let func = th.get().top;
        self.push(f);
        for a in args {
            self.push(*a);
        }
        self.call_at(func, nresults)?;
        let th = th.get_mut();
        let out = th.stack[func..th.top].to_vec();
        th.top = func;
        Ok(out)
    }

    /// Re-entrant call of the function at absolute stack index `func` that records a
    /// traceback at the error point if an error escapes (the facade's `docall`).
    pub fn call_traceback(&mut self, func: usize) -> LuaResult<()> {
        self.call_from_host(func, -1, super::thread::flags::TRACEBACK)
    }

    /// Calls the value below the top `nargs` values re-entrantly; its results replace
    /// it and the arguments (`nresults` of them, or all for -1).
    pub fn call_stack(&mut self, nargs: usize, nresults: i32) -> LuaResult<()> {
        let func = self.current.get().top - nargs - 1;
        self.call_from_host(func, nresults, 0)
    }
}
