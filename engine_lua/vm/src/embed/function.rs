//! Host functions (Rust closures callable from Lua), calling Lua functions from Rust,
//! coroutines driven from Rust, and yielding from Rust.
//!
//! A host function is a native closure whose upvalue 1 is a userdata holding the Rust
//! closure. [`Vm::create_function`] makes a native monomorphic in the closure's type
//! (`call_typed::<A, R, F>`: the argument and result conversions inline, no dynamic
//! call); the userdata methods use the type-erased `call_host`. Both convert the
//! arguments from the stack, run the closure inside `catch_unwind` (a panic becomes a
//! Lua error `panic in host function: ...`; on the path where nothing panics it costs
//! no instruction) and push the results.
//!
//! Yielding: a host function calls [`Vm::yield_with`] (the resume arguments become its
//! results, as `coroutine.yield`) or [`Vm::yield_then`] (a Rust continuation receives
//! the resume arguments and returns the results) and then returns; `call_host` turns
//! the request into [`Ret::Yield`]. The continuation is kept in a userdata on the
//! yielding frame's stack, so the collector sees it and it dies with the coroutine.

use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;

use super::conv::{FromLuaMulti, IntoLuaMulti};
use super::error::{Error, Result};
use super::value::{Function, LuaValue, Thread};
use super::{into_lua_error, runtime_error, state};
use crate::runtime::thread::Thread as RtThread;
use crate::runtime::userdata::UserData as RtUserData;
use crate::runtime::{CoStatus, Frame, FrameKind, LuaError, LuaResult, Ret, Status, Value, Vm};

/// The type-erased body of a host function: reads its arguments from the frame,
/// pushes its results, returns how many.
pub(crate) type HostFn = dyn Fn(&mut Vm) -> Result<usize>;

/// What a userdata upvalue of `call_host` holds.
struct HostFunction(Rc<HostFn>);

/// A continuation of a yielded host function.
type Continuation = Box<dyn FnOnce(&mut Vm, usize, usize) -> Result<usize>>;

/// What a userdata on a yielded host frame holds.
struct PendingContinuation(RefCell<Option<Continuation>>);

/// A host function's request to yield.
pub(crate) struct YieldRequest {
    values: Vec<LuaValue>,
    k: Option<Continuation>,
}

fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "non-string panic payload".to_string()
    }
}

/// The native function behind every host function.
fn call_host(vm: &mut Vm) -> LuaResult<Ret> {
    let f = match vm.upvalue(0) {
        Value::UserData(u) => match u.get().data.downcast_ref::<HostFunction>() {
            // A counted reference, not a borrow: the body may replace this closure's
            // upvalue (`debug.setupvalue`) and let the userdata be collected mid-call.
            Some(h) => h.0.clone(),
            None => return Err(vm.error("host function lost its closure")),
        },
        _ => return Err(vm.error("host function lost its closure")),
    };
    let r = catch_unwind(AssertUnwindSafe(|| f(vm)));
    finish(vm, r)
}

/// What the userdata upvalue of a function made by [`Vm::create_function`] holds:
/// the closure itself, called by [`call_typed`] (monomorphic: the argument and result
/// conversions are inlined into it, with no dynamic call in between).
struct TypedHost<F>(Rc<F>);

/// The native function behind a function made by [`Vm::create_function`] with
/// closure type `F`: converts the arguments straight from the frame, runs the closure
/// inside `catch_unwind`, pushes the results.
fn call_typed<A, R, F>(vm: &mut Vm) -> LuaResult<Ret>
where
    A: FromLuaMulti,
    R: IntoLuaMulti,
    F: Fn(&mut Vm, A) -> Result<R> + 'static,
{
    let t = vm.current.get();
    let (f, base) = match t.frames.last() {
        Some(&Frame {
            kind: FrameKind::Native(nc),
            base,
            ..
        }) => match nc.get().upvalues.first() {
            // A counted reference, not a borrow: the body may replace this closure's
            // upvalue (`debug.setupvalue`) and let the userdata be collected mid-call.
            Some(Value::UserData(u)) => match u.get().data.downcast_ref::<TypedHost<F>>() {
                Some(h) => (h.0.clone(), base),
                None => return Err(lost_closure(vm)),
            },
            _ => return Err(lost_closure(vm)),
        },
        _ => return Err(lost_closure(vm)),
    };
    let n = t.top - base;
    let r = catch_unwind(AssertUnwindSafe(|| {
        let a = A::from_lua_multi(vm, base, n, 1)?;
        f(vm, a)?.push_into(vm)
    }));
    finish(vm, r)
}

#[cold]
fn lost_closure(vm: &mut Vm) -> LuaError {
    vm.error("host function lost its closure")
}

/// Turns a host body's outcome into the native function's step: the common case
/// (values returned, no yield requested) inline, the rest in [`finish_slow`].
#[inline(always)]
fn finish(vm: &mut Vm, r: std::thread::Result<Result<usize>>) -> LuaResult<Ret> {
    if let Ok(Ok(n)) = r
        && vm
            .embed
            .as_ref()
            .is_none_or(|es| es.yield_request.is_none())
    {
        return Ok(Ret::Values(n));
    }
    finish_slow(vm, r)
}

#[cold]
#[inline(never)]
fn finish_slow(vm: &mut Vm, r: std::thread::Result<Result<usize>>) -> LuaResult<Ret> {
    match r {
        Ok(Ok(n)) => {
            if let Some(es) = vm.embed.as_mut()
                && es.yield_request.is_some()
                && let Some(y) = es.yield_request.take()
            {
                return start_yield(vm, n, y);
            }
            Ok(Ret::Values(n))
        }
        Ok(Err(e)) => {
            if let Some(es) = vm.embed.as_mut() {
                es.yield_request = None;
            }
            Err(into_lua_error(vm, e))
        }
        Err(p) => {
            if let Some(es) = vm.embed.as_mut() {
                es.yield_request = None;
            }
            let m = panic_message(&*p);
            Err(vm.error(format!("panic in host function: {m}")))
        }
    }
}

fn start_yield(vm: &mut Vm, _nresults: usize, y: YieldRequest) -> LuaResult<Ret> {
    // Empty the frame: a yielding function's results are the resume arguments (or its
    // continuation's), so neither its arguments nor the results it pushed stay.
    vm.set_top(0);
    let k_index = match y.k {
        Some(k) => {
            let ud = vm.heap.alloc(RtUserData {
                metatable: None,
                user_values: Box::new([]),
                data: Box::new(PendingContinuation(RefCell::new(Some(k)))),
            });
            vm.push(Value::UserData(ud));
            1
        }
        None => 0,
    };
    let n = y.values.len();
    for v in &y.values {
        match v.to_raw(vm) {
            Ok(v) => vm.push(v),
            Err(e) => return Err(into_lua_error(vm, e)),
        }
    }
    Ok(Ret::Yield {
        nvalues: n,
        k: if k_index > 0 { Some(resume_host) } else { None },
        ctx: k_index,
    })
}

/// Runs a yielded host function's continuation with the resume arguments.
fn resume_host(vm: &mut Vm, _s: Status, ctx: usize) -> LuaResult<Ret> {
    let k = match vm.arg(ctx) {
        Value::UserData(u) => u
            .get()
            .data
            .downcast_ref::<PendingContinuation>()
            .and_then(|p| p.0.borrow_mut().take()),
        _ => None,
    };
    let Some(k) = k else {
        return Err(vm.error("host continuation lost"));
    };
    let base = vm.frame_base();
    let n = vm.arg_count() - ctx;
    let r = catch_unwind(AssertUnwindSafe(|| k(vm, base + ctx, n)));
    finish(vm, r)
}

impl Vm {
    /// Wraps a type-erased host body (the userdata methods use this directly).
    pub(crate) fn create_host_raw(&mut self, f: Rc<HostFn>) -> Result<Function> {
        Ok(self.create_host(f))
    }

    fn create_host(&mut self, f: Rc<HostFn>) -> Function {
        state(self);
        let ud = self.heap.alloc(RtUserData {
            metatable: None,
            user_values: Box::new([]),
            data: Box::new(HostFunction(f)),
        });
        let v = self.new_native_with("host function", call_host, vec![Value::UserData(ud)]);
        Function::from_value(self, v).expect("a native closure")
    }

    /// Wraps a Rust closure as a Lua function. Arguments convert with
    /// [`FromLuaMulti`] (a failed conversion raises `bad argument #n to 'f' (number
    /// expected, got string)`), results with [`IntoLuaMulti`]; an `Err` becomes a
    /// Lua error, and a panic is caught and becomes one too.
    ///
    /// ```
    /// use engine_lua::Lua;
    ///
    /// let mut lua = Lua::new();
    /// let f = lua.create_function(|_, (a, b): (i64, f64)| Ok(a as f64 * b)).unwrap();
    /// lua.globals().set(&mut lua, "mul", f).unwrap();
    /// assert_eq!(lua.load("return mul(2, 1.5)").eval::<f64>().unwrap(), 3.0);
    /// let e = lua.load("local r = mul({}, 1) return r").set_name("=t").eval::<f64>().unwrap_err();
    /// assert!(e.to_string().starts_with("t:1: bad argument #1 to 'mul' (number expected, got table)"));
    /// ```
    pub fn create_function<A, R, F>(&mut self, f: F) -> Result<Function>
    where
        A: FromLuaMulti,
        R: IntoLuaMulti,
        F: Fn(&mut Vm, A) -> Result<R> + 'static,
    {
        state(self);
        let ud = self.heap.alloc(RtUserData {
            metatable: None,
            user_values: Box::new([]),
            data: Box::new(TypedHost(Rc::new(f))),
        });
        let v = self.new_native_with(
            "host function",
            call_typed::<A, R, F>,
            vec![Value::UserData(ud)],
        );
        Ok(Function::from_value(self, v).expect("a native closure"))
    }

    /// As [`Vm::create_function`] for a closure that mutates its captures; calling
    /// it while it runs (recursion through Lua) is [`Error::RecursiveCallback`].
    ///
    /// ```
    /// use engine_lua::Lua;
    ///
    /// let mut lua = Lua::new();
    /// let mut count = 0;
    /// let f = lua.create_function_mut(move |_, ()| { count += 1; Ok(count) }).unwrap();
    /// lua.globals().set(&mut lua, "tick", f).unwrap();
    /// assert_eq!(lua.load("tick() return tick()").eval::<i64>().unwrap(), 2);
    /// ```
    pub fn create_function_mut<A, R, F>(&mut self, f: F) -> Result<Function>
    where
        A: FromLuaMulti,
        R: IntoLuaMulti,
        F: FnMut(&mut Vm, A) -> Result<R> + 'static,
    {
        let f = RefCell::new(f);
        self.create_function(move |vm, a: A| {
            let mut f = f.try_borrow_mut().map_err(|_| Error::RecursiveCallback)?;
            f(vm, a)
        })
    }

    /// From inside a host function running in a coroutine: yields `values` when the
    /// function returns (its own results are dropped); the arguments of the next
    /// `resume` become its results, as with `coroutine.yield`.
    ///
    /// ```
    /// use engine_lua::Lua;
    ///
    /// let mut lua = Lua::new();
    /// // `wait(s)` is a plain Rust function that yields to the scheduler.
    /// let wait = lua.create_function(|vm, secs: f64| vm.yield_with(("wait", secs))).unwrap();
    /// lua.globals().set(&mut lua, "wait", wait).unwrap();
    /// let f = lua.load("local t = wait(0.5) return 'woke after ' .. t").into_function().unwrap();
    /// let co = lua.create_thread(&f).unwrap();
    /// let (what, secs): (String, f64) = co.resume(&mut lua, ()).unwrap();
    /// assert_eq!((what.as_str(), secs), ("wait", 0.5));
    /// let r: String = co.resume(&mut lua, 0.5).unwrap();
    /// assert_eq!(r, "woke after 0.5");
    /// ```
    pub fn yield_with<A: IntoLuaMulti>(&mut self, values: A) -> Result<()> {
        let values = self.collect_multi(values)?;
        state(self).yield_request = Some(YieldRequest { values, k: None });
        Ok(())
    }

    /// From inside a host function running in a coroutine: yields `values` when the
    /// function returns; on resume, `k` runs with the resume arguments and its results
    /// are the host function's results (the role of `lua_yieldk`).
    ///
    /// ```
    /// use engine_lua::Lua;
    ///
    /// let mut lua = Lua::new();
    /// let ask = lua.create_function(|vm, q: String| {
    ///     vm.yield_then(q, |_, answer: i64| Ok(answer * 10))
    /// }).unwrap();
    /// lua.globals().set(&mut lua, "ask", ask).unwrap();
    /// let f = lua.load("return ask('n?') + 1").into_function().unwrap();
    /// let co = lua.create_thread(&f).unwrap();
    /// assert_eq!(co.resume::<_, String>(&mut lua, ()).unwrap(), "n?");
    /// assert_eq!(co.resume::<_, i64>(&mut lua, 4).unwrap(), 41);
    /// ```
    pub fn yield_then<A, B, R, K>(&mut self, values: A, k: K) -> Result<()>
    where
        A: IntoLuaMulti,
        B: FromLuaMulti,
        R: IntoLuaMulti,
        K: FnOnce(&mut Vm, B) -> Result<R> + 'static,
    {
        let values = self.collect_multi(values)?;
        let k: Continuation = Box::new(move |vm: &mut Vm, at: usize, n: usize| {
            let b = B::from_lua_multi(vm, at, n, 1)?;
            k(vm, b)?.push_into(vm)
        });
        state(self).yield_request = Some(YieldRequest { values, k: Some(k) });
        Ok(())
    }

    /// Converts multiple values to owned values (through the stack).
    fn collect_multi<A: IntoLuaMulti>(&mut self, values: A) -> Result<Vec<LuaValue>> {
        let th = self.current;
        let top = th.get().top;
        let r = values.push_into(self);
        let out = match r {
            Ok(n) => {
                let mut out = Vec::with_capacity(n);
                for i in 0..n {
                    let v = th.get().stack[top + i];
                    out.push(LuaValue::from_raw(self, v));
                }
                Ok(out)
            }
            Err(e) => Err(e),
        };
        th.get_mut().top = top;
        out
    }

    /// A new coroutine running `f`.
    pub fn create_thread(&mut self, f: &Function) -> Result<Thread> {
        let v = f.value_in(self)?;
        let co = self.heap.alloc(RtThread::new(v));
        Ok(Thread::from_gc(self, co))
    }

    /// Calls the value at absolute stack index `func` (arguments above it) under a
    /// traceback boundary, converts the results, and restores the stack.
    pub(crate) fn call_convert<R: FromLuaMulti>(&mut self, func: usize) -> Result<R> {
        let th = self.current;
        self.last_traceback = None;
        self.reset_budget();
        match self.call_traceback(func) {
            Ok(()) => {
                let n = th.get().top - func;
                let r = R::from_lua_multi(self, func, n, 1);
                th.get_mut().top = func;
                r
            }
            Err(e) => {
                th.get_mut().top = func;
                Err(runtime_error(self, e))
            }
        }
    }
}

impl Function {
    /// Calls the function with `args`; converts its results to `R`.
    ///
    /// ```
    /// use engine_lua::{Function, Lua};
    ///
    /// let mut lua = Lua::new();
    /// let f: Function = lua.load("return function(s) return #s end").eval().unwrap();
    /// assert_eq!(f.call::<_, i64>(&mut lua, "four").unwrap(), 4);
    /// ```
    pub fn call<A: IntoLuaMulti, R: FromLuaMulti>(&self, vm: &mut Vm, args: A) -> Result<R> {
        self.anchor.check(vm)?;
        let th = vm.current;
        let func = th.get().top;
        vm.push(self.raw_value());
        if let Err(e) = args.push_into(vm) {
            th.get_mut().top = func;
            return Err(e);
        }
        vm.call_convert(func)
    }
}

/// The status of a coroutine, as `coroutine.status` names it.
///
/// ```
/// use engine_lua::{Lua, ThreadStatus};
///
/// let mut lua = Lua::new();
/// let f = lua.load("coroutine.yield()").into_function().unwrap();
/// let co = lua.create_thread(&f).unwrap();
/// co.resume::<_, ()>(&mut lua, ()).unwrap();
/// assert_eq!(co.status(&lua).unwrap(), ThreadStatus::Resumable);
/// co.resume::<_, ()>(&mut lua, ()).unwrap();
/// assert_eq!(co.status(&lua).unwrap(), ThreadStatus::Dead);
/// ```
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ThreadStatus {
    /// Created or yielded: can be resumed.
    Resumable,
    /// Running (it is the current thread).
    Running,
    /// It resumed another coroutine and waits for it.
    Normal,
    /// Finished, or died with an error.
    Dead,
}

fn host_resume(vm: &mut Vm) -> LuaResult<Ret> {
    let co = vm.check_thread(1)?;
    let n = vm.arg_count() - 1;
    Ok(Ret::Resume {
        co,
        nargs: n,
        k: host_resume_k,
        ctx: 0,
    })
}

fn host_resume_k(vm: &mut Vm, s: Status, _ctx: usize) -> LuaResult<Ret> {
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

impl Thread {
    /// Resumes the coroutine with `args`; returns what it yielded or returned. An
    /// error inside it is returned as [`Error::Runtime`] (and the coroutine is dead).
    pub fn resume<A: IntoLuaMulti, R: FromLuaMulti>(&self, vm: &mut Vm, args: A) -> Result<R> {
        self.anchor.check(vm)?;
        match self.status(vm)? {
            ThreadStatus::Resumable => {}
            ThreadStatus::Dead => return Err(Error::CoroutineNotResumable("dead")),
            _ => return Err(Error::CoroutineNotResumable("non-suspended")),
        }
        let th = vm.current;
        let func = th.get().top;
        let r = match &state(vm).resume_fn {
            Some((r, _)) => *r,
            None => {
                let r = vm.new_native("resume", host_resume);
                let a = super::value::Anchor::new(vm, r);
                state(vm).resume_fn = Some((r, a));
                r
            }
        };
        vm.push(r);
        vm.push(Value::Thread(self.gc));
        if let Err(e) = args.push_into(vm) {
            th.get_mut().top = func;
            return Err(e);
        }
        vm.reset_budget();
        if let Err(e) = vm.call_at(func, -1) {
            th.get_mut().top = func;
            return Err(runtime_error(vm, e));
        }
        let top = th.get().top;
        let ok = th.get().stack[func].truthy();
        if !ok {
            let e = th.get().stack[func + 1];
            th.get_mut().top = func;
            return Err(runtime_error(vm, crate::runtime::LuaError(e)));
        }
        let r = R::from_lua_multi(vm, func + 1, top - func - 1, 1);
        th.get_mut().top = func;
        r
    }

    /// The coroutine's status.
    pub fn status(&self, vm: &Vm) -> Result<ThreadStatus> {
        self.anchor.check(vm)?;
        if self.gc == vm.current {
            return Ok(ThreadStatus::Running);
        }
        Ok(match self.gc.get().status {
            CoStatus::Suspended => ThreadStatus::Resumable,
            CoStatus::Running => ThreadStatus::Running,
            CoStatus::Normal => ThreadStatus::Normal,
            CoStatus::Dead => ThreadStatus::Dead,
        })
    }
}
