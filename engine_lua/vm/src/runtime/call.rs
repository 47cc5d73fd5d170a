//! Calls, returns, the frame-level dispatch loop, error unwinding and coroutine
//! switches.
//!
//! `execute` runs the frames of the running thread until the frame marked `FRESH`
//! (the one a re-entrant call pushed) returns. Lua-to-Lua calls and returns never
//! recurse on the Rust stack; natives returning [`Ret::Call`] / [`Ret::Yield`] /
//! [`Ret::Resume`] leave a `PENDING` frame whose continuation runs when the callee is
//! done. A Lua frame that called a metamethod carries `FINISH_OP`: when the call
//! returns, the interrupted instruction is completed (`finish_op`).

use super::api::{LuaError, LuaResult, Protect, Ret, Status};
use super::function::{LuaClosure, UpVal};
use super::gc::Gc;
use super::meta::TM;
use super::regs::{frame_at, push_frame};
use super::thread::{CoStatus, Frame, FrameKind, Thread, flags};
use super::value::Value;
use super::{MAX_C_DEPTH, MAX_STACK, Vm};

/// Extra stack slots above a Lua frame's registers (metamethod calls go there).
pub(crate) const EXTRA_STACK: usize = 8;
/// Most frames one thread may hold.
pub(crate) const MAX_FRAMES: usize = 220_000;

/// What the frame-level loop does next.
pub(crate) enum Flow {
    /// Dispatch on the top frame again.
    Continue,
    /// The `FRESH` frame returned: leave `execute`.
    Done,
}

impl Vm {
    /// Re-entrant call of the function at absolute stack index `func` with the values
    /// above it as arguments. Results replace them (`nresults`, -1 for all).
    pub(crate) fn call_at(&mut self, func: usize, nresults: i32) -> LuaResult<()> {
        self.call_at_flags(func, nresults, 0)
    }

    pub(crate) fn call_at_flags(&mut self, func: usize, nresults: i32, extra: u8) -> LuaResult<()> {
        if self.depth >= MAX_C_DEPTH {
            return Err(self.rt_error("C stack overflow"));
        }
        self.depth += 1;
        // An error returned by an earlier re-entrant call and not propagated (the
        // native caller handled it) must not count as already handled.
        self.handled_error = None;
        self.settle_owed_close();
        let th = self.current;
        let level = th.get().frames.len();
        let r = match self.precall(func, nresults, flags::FRESH | extra) {
            Ok(_) => self.execute(th, level),
            Err(e) => Err(e),
        };
        self.depth -= 1;
        r
    }

    /// Runs until the `FRESH` frame at `level` of `th` returns.
    pub(crate) fn execute(&mut self, th: Gc<Thread>, level: usize) -> LuaResult<()> {
        loop {
            match self.run() {
                Ok(()) => return Ok(()),
                Err(e) => self.handle_error(e, th, level)?,
            }
        }
    }

    /// Dispatches on the top frame until `Done`.
    fn run(&mut self) -> LuaResult<()> {
        loop {
            let th = self.current;
            let fr = *th.get().frames.last().expect("a frame to run");
            let flow = match fr.kind {
                FrameKind::Lua(_) => self.run_lua()?,
                FrameKind::Native(nc) => {
                    if fr.flags & (flags::PENDING | flags::YIELDED) != 0 {
                        self.continue_native(fr.flags, fr.base, fr.ctx)?
                    } else {
                        let ret = (nc.get().f)(self)?;
                        self.handle_ret(ret)?
                    }
                }
            };
            if let Flow::Done = flow {
                return Ok(());
            }
        }
    }

    /// Continues the native frame `fr` on top of the running thread, which waits: its
    /// pending call (or resumed coroutine) is done, or it yielded and was resumed.
    /// `fl`, `base` and `ctx` are the frame's flags, base and continuation context.
    fn continue_native(&mut self, fl: u8, base: usize, ctx: usize) -> LuaResult<Flow> {
        let th = self.current;
        if fl & flags::PENDING != 0
            && th
                .get()
                .unwinding
                .last()
                .is_some_and(|u| u.frame + 1 == th.get().frames.len())
        {
            self.unwind_next()?;
            return Ok(Flow::Continue);
        }
        let ret = if fl & flags::PENDING != 0 {
            let f = th.get_mut().frames.last_mut().unwrap();
            f.flags &= !(flags::PENDING | flags::YIELDED);
            let k = f.k.take().expect("pending frame has a continuation");
            let status = match self.pending_error.take() {
                Some(e) => Status::Error(e),
                None => Status::Ok,
            };
            k(self, status, ctx)?
        } else {
            // Resumed `coroutine.yield` without continuation: return the resume
            // arguments.
            th.get_mut().frames.last_mut().unwrap().flags &= !flags::YIELDED;
            let n = th.get().top - base;
            Ret::Values(n)
        };
        self.handle_ret(ret)
    }

    /// After a coroutine switch: continues the waiting native frame now on top (the
    /// resumer's `resume`, or the resumed coroutine's `yield`) at once, so that the
    /// interpreter goes on with the Lua frame below it without leaving its loop.
    #[inline]
    fn after_switch(&mut self) -> LuaResult<Flow> {
        let fr = self.current.get().frames.last().expect("a frame to run");
        if matches!(fr.kind, FrameKind::Native(_))
            && fr.flags & (flags::PENDING | flags::YIELDED) != 0
        {
            let (fl, base, ctx) = (fr.flags, fr.base, fr.ctx);
            return self.continue_native(fl, base, ctx);
        }
        Ok(Flow::Continue)
    }

    /// Acts on what a native function returned (its frame is on top).
    pub(crate) fn handle_ret(&mut self, ret: Ret) -> LuaResult<Flow> {
        // The native returned normally: an error it caught is settled.
        self.handled_error = None;
        if self.current.get().owed_close.is_some() {
            self.settle_owed_close();
        }
        match ret {
            Ret::Values(n) => {
                let top = self.current.get().top;
                if self.hooks.active {
                    self.hook_return(top - n, n)?;
                }
                Ok(self.poscall(top - n, n))
            }
            Ret::Call {
                nargs,
                nresults,
                protect,
                k,
                ctx,
            } => {
                let th = self.current.get_mut();
                let func = th.top - nargs - 1;
                let f = th.frames.last_mut().unwrap();
                f.flags |= flags::PENDING;
                f.k = Some(k);
                f.ctx = ctx;
                f.protect = match protect {
                    Protect::Handler(i) => Protect::Handler(f.base + i - 1),
                    p => p,
                };
                f.call_func = func;
                self.precall(func, nresults, flags::C_CALL)?;
                Ok(Flow::Continue)
            }
            Ret::Yield { nvalues, k, ctx } => {
                self.do_yield(nvalues, k, ctx)?;
                self.after_switch()
            }
            Ret::Resume { co, nargs, k, ctx } => {
                let th = self.current.get_mut();
                let f = th.frames.last_mut().unwrap();
                f.flags |= flags::PENDING;
                f.k = Some(k);
                f.ctx = ctx;
                f.protect = Protect::Yes;
                f.call_func = th.top - nargs;
                self.do_resume(co, nargs)?;
                self.after_switch()
            }
        }
    }

    /// Extra frames (50 while a message handler runs, else 0; stack slots 200 times
    /// that) over the stack limits, as
    /// the reference's `ERRORSTACKSIZE`: a handler can run after a stack overflow.
    #[inline]
    fn error_slack(&self) -> usize {
        usize::from(self.in_handler) * 50
    }

    /// The error for a stack (slots or frames) past its limit: `stack overflow`, or,
    /// when a message handler already runs in the extra room a stack overflow gave
    /// it, `error in error handling` (the reference's `LUA_ERRERR`).
    #[cold]
    fn stack_overflow(&mut self) -> LuaError {
        if self.in_handler {
            LuaError(self.new_string(b"error in error handling"))
        } else {
            self.rt_error("stack overflow")
        }
    }

    /// Doubles the frame list's capacity, counted against the memory limit.
    #[cold]
    fn grow_frames(&mut self) -> LuaResult<()> {
        let cap = self.current.get().frames.capacity().max(8);
        let bytes = cap * std::mem::size_of::<Frame>();
        self.reserve_memory(bytes)?;
        self.current.get_mut().frames.reserve_exact(cap);
        self.heap.adjust(bytes as isize);
        Ok(())
    }

    /// Ensures `th.stack` has `n` slots.
    #[inline]
    pub(crate) fn ensure_stack(&mut self, n: usize) -> LuaResult<()> {
        let th = self.current.get_mut();
        if n > th.stack.len() {
            let limit = MAX_STACK + 200 * self.error_slack();
            if n > limit {
                return Err(self.stack_overflow());
            }
            let old = th.stack.len();
            let new = (old * 2).max(n).min(limit + 200);
            self.reserve_memory((new - old) * 16)?;
            let th = self.current.get_mut();
            th.stack.resize(new, Value::Nil);
            self.heap.adjust(((new - old) * 16) as isize);
        }
        Ok(())
    }

    /// Prepares a call of `stack[func]` with the arguments up to `top`: pushes a Lua
    /// frame (returns `true`) or a not-yet-started native frame (`false`). Resolves
    /// `__call`.
    pub(crate) fn precall(&mut self, func: usize, nresults: i32, fl: u8) -> LuaResult<bool> {
        let mut tries = 0;
        let ccalls = {
            let th = self.current.get();
            let parent = th.frames.last().map_or(th.base_ccalls, |f| f.ccalls);
            parent + u32::from(fl & (flags::FRESH | flags::C_CALL) != 0)
        };
        if ccalls >= MAX_C_DEPTH {
            return Err(self.rt_error("C stack overflow"));
        }
        loop {
            let th = self.current.get_mut();
            match th.stack[func] {
                Value::LuaFn(cl) => {
                    let p = &cl.get().proto.get().proto;
                    let nargs = th.top - func - 1;
                    let np = p.num_params as usize;
                    let need = func + 1 + nargs.max(np) + p.max_stack_size as usize + EXTRA_STACK;
                    if th.frames.len() >= self.max_frames + self.error_slack() {
                        return Err(self.stack_overflow());
                    }
                    if th.frames.len() == th.frames.capacity() {
                        self.grow_frames()?;
                    }
                    self.ensure_stack(need)?;
                    let th = self.current.get_mut();
                    for i in nargs..np {
                        th.stack[func + 1 + i] = Value::Nil;
                    }
                    if nargs < np {
                        th.top = func + 1 + np;
                    }
                    th.frames
                        .push(Frame::call(FrameKind::Lua(cl), func, nresults, fl, ccalls));
                    return Ok(true);
                }
                Value::Native(nc) => {
                    if th.frames.len() >= self.max_frames + self.error_slack() {
                        return Err(self.stack_overflow());
                    }
                    if th.frames.len() == th.frames.capacity() {
                        self.grow_frames()?;
                    }
                    let th = self.current.get_mut();
                    let top = th.top;
                    th.frames.push(Frame::call(
                        FrameKind::Native(nc),
                        func,
                        nresults,
                        fl,
                        ccalls,
                    ));
                    if let Err(e) = self.ensure_stack(top + 40) {
                        self.current.get_mut().frames.pop();
                        return Err(e);
                    }
                    if self.hooks.active {
                        self.hook_enter_native()?;
                    }
                    return Ok(false);
                }
                f => {
                    let mm = self.metamethod(f, TM::Call);
                    if mm.is_nil() || tries > 100 {
                        return Err(self.call_error(func));
                    }
                    tries += 1;
                    let top = th.top;
                    self.ensure_stack(top + 1)?;
                    let th = self.current.get_mut();
                    th.stack.copy_within(func..top, func + 1);
                    th.stack[func] = mm;
                    th.top += 1;
                }
            }
        }
    }

    /// The fast path of [`Vm::precall`] for a Lua closure called from a Lua frame
    /// without flags (the interpreter's `CALL`): no `__call`, no C-boundary count to
    /// check (the caller's count is unchanged). Falls back to `precall` when the stack
    /// must grow or the frame limit is reached (it raises the errors).
    #[inline(always)]
    pub(crate) fn precall_lua(
        &mut self,
        func: usize,
        cl: Gc<LuaClosure>,
        nresults: i32,
    ) -> LuaResult<()> {
        let th = self.current.get_mut();
        let p = &cl.get().proto.get().proto;
        let nargs = th.top - func - 1;
        let np = p.num_params as usize;
        let need = func + 1 + nargs.max(np) + p.max_stack_size as usize + EXTRA_STACK;
        if need > th.stack.len()
            || th.frames.len() >= self.max_frames
            || th.frames.len() == th.frames.capacity()
        {
            return self.precall(func, nresults, 0).map(|_| ());
        }
        if nargs < np {
            for slot in &mut th.stack[func + 1 + nargs..func + 1 + np] {
                *slot = Value::Nil;
            }
            th.top = func + 1 + np;
        }
        // The caller (a Lua frame) is on top.
        let top = th.frames.len() - 1;
        let ccalls = frame_at(&mut th.frames, top).ccalls;
        push_frame(
            &mut th.frames,
            Frame::call(FrameKind::Lua(cl), func, nresults, 0, ccalls),
        );
        Ok(())
    }

    /// The fast path of [`Vm::precall`] for a native function called from a Lua frame
    /// without flags while no hook is active: pushes its frame and returns `true`.
    /// Returns `false` (nothing done) when the generic path is needed: the stack must
    /// grow or the frame list is full (it raises the errors).
    #[inline(always)]
    pub(crate) fn push_native_frame(
        &mut self,
        func: usize,
        nc: Gc<super::function::NativeClosure>,
        nresults: i32,
    ) -> bool {
        let th = self.current.get_mut();
        if th.top + 40 > th.stack.len()
            || th.frames.len() >= self.max_frames
            || th.frames.len() == th.frames.capacity()
        {
            return false;
        }
        // The caller (a Lua frame) is on top.
        let top = th.frames.len() - 1;
        let ccalls = frame_at(&mut th.frames, top).ccalls;
        push_frame(
            &mut th.frames,
            Frame::call(FrameKind::Native(nc), func, nresults, 0, ccalls),
        );
        true
    }

    /// Returns from the top frame with `n` results at `first`: moves them to the
    /// frame's result slot (adjusted to the wanted count), pops the frame, and
    /// prepares the caller to continue.
    pub(crate) fn poscall(&mut self, first: usize, n: usize) -> Flow {
        let th = self.current.get_mut();
        let (dest, wanted, fl) = {
            let fr = th.frames.last().expect("frame to return from");
            (fr.ret, fr.nresults, fr.flags)
        };
        th.frames.pop();
        // `dest < first`: a forward element copy is a correct overlapping move, and for
        // the usual one or two results cheaper than `copy_within`'s memmove call.
        let m = if wanted < 0 {
            n
        } else {
            n.min(wanted as usize)
        };
        let st = &mut th.stack[dest..first + m];
        let off = first - dest;
        for j in 0..m {
            st[j] = st[off + j];
        }
        if wanted < 0 {
            th.top = dest + n;
        } else {
            let w = wanted as usize;
            for j in m..w {
                th.stack[dest + j] = Value::Nil;
            }
            th.top = dest + w;
        }
        if fl & flags::FRESH != 0 {
            return Flow::Done;
        }
        if th.frames.is_empty() {
            // A coroutine's body returned.
            self.finish_coroutine(dest);
            return Flow::Continue;
        }
        let caller = th.frames.last_mut().unwrap();
        if caller.flags & flags::FINISH_OP != 0 {
            caller.flags &= !flags::FINISH_OP;
            self.pending_finish = true;
        }
        Flow::Continue
    }

    // ----- upvalues and to-be-closed variables -----

    /// The open upvalue for stack slot `idx` of the running thread (made if absent).
    pub(crate) fn find_upval(&mut self, idx: usize) -> Gc<UpVal> {
        let thh = self.current;
        let th = thh.get_mut();
        let mut pos = th.open_upvals.len();
        while pos > 0 {
            let u = th.open_upvals[pos - 1];
            match *u.get() {
                UpVal::Open { index, .. } if index > idx => pos -= 1,
                UpVal::Open { index, .. } if index == idx => return u,
                _ => break,
            }
        }
        let u = self.heap.alloc(UpVal::Open {
            thread: thh,
            index: idx,
        });
        thh.get_mut().open_upvals.insert(pos, u);
        u
    }

    /// Closes the open upvalues at or above `level` of the running thread.
    pub(crate) fn close_upvals(&mut self, level: usize) {
        let th = self.current.get_mut();
        while let Some(&u) = th.open_upvals.last() {
            let UpVal::Open { index, .. } = *u.get() else {
                unreachable!("open list holds open upvalues")
            };
            if index < level {
                break;
            }
            let v = th.stack[index];
            *u.get_mut() = UpVal::Closed(v);
            super::gc::barrier_upvalue(&self.heap, u, v);
            th.open_upvals.pop();
        }
    }

    /// Closes upvalues and calls pending `__close` handlers at or above `level`
    /// (normal exit: the error argument is nil).
    pub(crate) fn close_level(&mut self, level: usize, err: Option<Value>) -> LuaResult<()> {
        self.close_upvals(level);
        let mut err = err;
        let mut result = Ok(());
        let th = self.current;
        if th.get().tbc.last().is_none_or(|&idx| idx < level) {
            return result;
        }
        // The error travelling through the closes lives in a stack slot, so that a
        // collection run by a `__close` handler cannot free it before the next one.
        let anchor = th.get().top;
        self.push(err.unwrap_or(Value::Nil));
        loop {
            let thm = th.get_mut();
            let Some(&idx) = thm.tbc.last() else { break };
            if idx < level {
                break;
            }
            thm.tbc.pop();
            let v = thm.stack[idx];
            // A metamethod removed since the variable was marked is still
            // "called": `attempt to call a nil value (metamethod 'close')`.
            let mm = self.metamethod(v, TM::Close);
            let e = err.unwrap_or(Value::Nil);
            if let Err(ne) = self.call_function(mm, &[v, e], 0) {
                err = Some(ne.0);
                th.get_mut().stack[anchor] = ne.0;
                result = Err(ne);
            }
            th.get_mut().top = anchor + 1;
        }
        th.get_mut().top = anchor;
        result
    }

    /// Closes upvalues at or above `level` and takes the innermost pending
    /// to-be-closed variable there, if any: its `__close` metamethod (nil if removed
    /// since, which the call then reports) and value, for the interpreter to call as
    /// a frame of its own (normal exit, so the error argument is nil).
    pub(crate) fn pop_close(&mut self, level: usize) -> Option<(Value, Value)> {
        self.close_upvals(level);
        let th = self.current;
        let idx = *th.get().tbc.last()?;
        if idx < level {
            return None;
        }
        th.get_mut().tbc.pop();
        let v = th.get().stack[idx];
        Some((self.metamethod(v, TM::Close), v))
    }

    /// One step of closing after an error caught by the protected call on top (see
    /// [`super::thread::Unwind`]): calls the `__close` handler of the innermost pending
    /// variable above the call as a frame of its own (its error then comes back
    /// through `handle_error`), or, when none is left, hands the error to the call's
    /// continuation.
    fn unwind_next(&mut self) -> LuaResult<()> {
        let th = self.current;
        let t = th.get();
        let u = *t.unwinding.last().expect("an unwinding protected call");
        let level = t.frames[u.frame].call_func;
        let e = t.stack[u.err_slot];
        match t.tbc.last() {
            Some(&idx) if idx >= level => {
                th.get_mut().tbc.pop();
                let v = th.get().stack[idx];
                // A metamethod removed since the variable was marked is still
                // "called": `attempt to call a nil value (metamethod 'close')`.
                let mm = self.metamethod(v, TM::Close);
                let func = u.err_slot + 1;
                self.ensure_stack(func + 3 + EXTRA_STACK)?;
                let t = th.get_mut();
                t.stack[func] = mm;
                t.stack[func + 1] = v;
                t.stack[func + 2] = e;
                t.top = func + 3;
                self.precall(func, 0, flags::C_CALL)?;
            }
            _ => {
                self.close_upvals(level);
                let t = th.get_mut();
                t.unwinding.pop();
                t.top = level;
                self.pending_error = Some(e);
            }
        }
        Ok(())
    }

    /// Closes the variables an error that crossed a re-entrant boundary left for a
    /// protected call (`Thread::owed_close`) when the native that got the error did
    /// not pass it on (it returned, called again, or raised another error), as the
    /// reference's `lua_pcall` would have there: with that error, not yieldable; an
    /// error from a handler is dropped (the native already chose its result).
    #[cold]
    fn settle_owed_close(&mut self) {
        let th = self.current;
        let Some((level, slot)) = th.get_mut().owed_close.take() else {
            return;
        };
        let e = th.get().stack[slot];
        let top = th.get().top;
        th.get_mut().top = top.max(slot + 1);
        let _ = self.close_level(level, Some(e));
        self.handled_error = None;
        th.get_mut().top = top;
    }

    /// Closes every upvalue and to-be-closed variable of the running thread
    /// (`coroutine.close`), passing the handlers `err` (the error the coroutine died
    /// with, if any).
    pub fn close_thread_level(&mut self, err: Option<Value>) -> LuaResult<()> {
        self.close_level(0, err)
    }

    /// Marks stack slot `idx` as to-be-closed (`variable 'x' got a non-closable value`).
    pub(crate) fn mark_tbc(&mut self, idx: usize, name: &str) -> LuaResult<()> {
        let v = self.current.get().stack[idx];
        if matches!(v, Value::Nil | Value::Bool(false)) {
            return Ok(());
        }
        if self.metamethod(v, TM::Close).is_nil() {
            return Err(self.rt_error(&format!("variable '{name}' got a non-closable value")));
        }
        self.current.get_mut().tbc.push(idx);
        Ok(())
    }

    // ----- errors -----

    /// Handles an error raised while running above `level` of `th`: finds the
    /// innermost protected call (running the message handler first), unwinds to it
    /// and schedules its continuation; or, at the `FRESH` boundary, unwinds and
    /// returns the error; or kills the coroutine and passes the error to its resumer.
    pub(crate) fn handle_error(
        &mut self,
        e: LuaError,
        _th: Gc<Thread>,
        _level: usize,
    ) -> LuaResult<()> {
        let mut e = e.0;
        self.pending_finish = false;
        // Make the top cover every live register of a Lua frame, so that calls made
        // while unwinding (handlers, `__close`) do not overwrite them.
        {
            let th = self.current.get_mut();
            if let Some(f) = th.frames.last()
                && let FrameKind::Lua(c) = f.kind
            {
                let t = f.base + c.get().proto.get().proto.max_stack_size as usize;
                if th.top < t {
                    th.top = t;
                }
            }
        }
        let th = self.current;
        let frames = &th.get().frames;
        let mut catcher = None;
        let mut boundary = None;
        let is_catcher = |f: &super::thread::Frame| {
            matches!(f.kind, FrameKind::Native(_))
                && f.flags & flags::PENDING != 0
                && f.protect != Protect::No
        };
        for i in (0..frames.len()).rev() {
            let f = &frames[i];
            if is_catcher(f) {
                catcher = Some(i);
                break;
            }
            if f.flags & flags::FRESH != 0 {
                boundary = Some(i);
                break;
            }
        }
        // The message handler of the innermost protected call of this thread runs
        // once, at the error point, as `luaG_errormsg` calls `errfunc`: also when
        // the error first has to cross native frames (a `__close` called by a
        // return, a native function calling back into Lua) to reach that call.
        let handled = matches!(self.handled_error.take(), Some(h) if same_object(h, e));
        if !handled {
            // A new error: the one that left variables to close was caught and
            // dropped by a native.
            self.settle_owed_close();
        }
        let handler_frame = if handled || self.in_handler {
            None
        } else {
            (0..frames.len()).rev().find(|&i| is_catcher(&frames[i]))
        };
        if let Some(hi) = handler_frame
            && let Protect::Handler(h) = frames[hi].protect
        {
            let handler = th.get().stack[h];
            e = self.run_handler(handler, e);
        }
        if let Some(ci) = catcher {
            let f = th.get().frames[ci];
            let level = f.call_func;
            // As the reference, the erroring frames are gone before pending
            // to-be-closed variables run (their `debug.getinfo(2)` is the pcall).
            let thm = th.get_mut();
            thm.frames.truncate(ci + 1);
            thm.unwinding.retain(|u| u.frame <= ci);
            // Variables an inner boundary left are above `level`: closed here.
            thm.owed_close = None;
            if let Some(u) = thm.unwinding.last()
                && u.frame == ci
            {
                // A `__close` handler run by this unwinding raised: its error replaces
                // the one passed to the next handlers.
                thm.stack[u.err_slot] = e;
                thm.top = u.err_slot + 1;
                return Ok(());
            }
            match thm.tbc.last() {
                Some(&idx) if idx >= level => {
                    // The handlers run as frames above this one (`Vm::unwind_next`,
                    // from the dispatch loop), the error in a slot above the last
                    // pending variable (everything else above `level` is dead).
                    let err_slot = idx + 1;
                    self.close_upvals(level);
                    let thm = th.get_mut();
                    thm.stack[err_slot] = e;
                    thm.top = err_slot + 1;
                    thm.unwinding.push(super::thread::Unwind {
                        frame: ci,
                        err_slot,
                    });
                }
                _ => {
                    self.close_upvals(level);
                    th.get_mut().top = level;
                    self.pending_error = Some(e);
                }
            }
            return Ok(());
        }
        if let Some(bi) = boundary {
            let f = th.get().frames[bi];
            if f.flags & flags::TRACEBACK != 0 {
                let msg = self.traceback(th, None, 0);
                self.last_traceback = Some(msg);
            }
            let level = f.ret;
            let thm = th.get_mut();
            thm.frames.truncate(bi);
            thm.unwinding.retain(|u| u.frame < bi);
            let pending = thm.tbc.last().copied().filter(|&idx| idx >= level);
            // In a coroutine, with a protected call below to catch the error, the
            // variables above the boundary are left to that call, as the reference
            // closes them where the error is caught (so their handlers can yield);
            // the error waits in a slot above them, the top past it.
            let catchable = th != self.main
                && thm.frames[..bi].iter().any(|f| {
                    matches!(f.kind, FrameKind::Native(_))
                        && f.flags & flags::PENDING != 0
                        && f.protect != Protect::No
                });
            match pending {
                Some(idx) if catchable => {
                    self.close_upvals(level);
                    let slot = idx + 1;
                    let thm = th.get_mut();
                    thm.stack[slot] = e;
                    thm.top = slot + 1;
                    thm.owed_close = Some((level, slot));
                }
                _ => {
                    if let Err(ne) = self.close_level(level, Some(e)) {
                        e = ne.0;
                    }
                    th.get_mut().top = level;
                }
            }
            self.handled_error = Some(e);
            return Err(LuaError(e));
        }
        // The coroutine has no protected call left: it dies.
        let co = th.get_mut();
        co.status = CoStatus::Dead;
        co.error = Some(e);
        co.unwinding.clear();
        co.owed_close = None;
        let resumer = co
            .resumer
            .take()
            .expect("a running coroutine has a resumer");
        self.current = resumer;
        let r = resumer.get_mut();
        r.status = CoStatus::Running;
        let f = *r.frames.last().unwrap();
        r.top = f.call_func;
        self.pending_error = Some(e);
        Ok(())
    }

    /// Calls an `xpcall` message handler at the error point.
    fn run_handler(&mut self, handler: Value, e: Value) -> Value {
        let mut e = e;
        let outer = std::mem::replace(&mut self.in_handler, true);
        let mut out = None;
        for _ in 0..10 {
            match self.call_function(handler, &[e], 1) {
                Ok(r) => {
                    out = Some(r.first().copied().unwrap_or(Value::Nil));
                    break;
                }
                Err(ne) => e = ne.0,
            }
        }
        self.in_handler = outer;
        self.handled_error = None;
        out.unwrap_or_else(|| self.new_string(b"error in error handling"))
    }

    /// A runtime error with the current Lua frame's position (`luaG_runerror`).
    pub(crate) fn rt_error(&mut self, msg: &str) -> LuaError {
        let w = self.runtime_where();
        LuaError(self.new_string(format!("{w}{msg}").as_bytes()))
    }

    // ----- coroutines -----

    /// Resumes `co` with the top `nargs` values of the running thread (whose top
    /// frame is the pending `resume`).
    fn do_resume(&mut self, co: Gc<Thread>, nargs: usize) -> LuaResult<()> {
        let from = self.current;
        let st = co.get().status;
        let fail = |vm: &mut Vm, msg: &str| {
            let th = from.get_mut();
            th.top -= nargs;
            let m = vm.new_string(msg.as_bytes());
            vm.pending_error = Some(m);
            Ok(())
        };
        // The running thread first: a dead coroutine runs the `__close` handlers of
        // `coroutine.close` and of a failed `wrap` on its own stack.
        if co == from || st == CoStatus::Running {
            return fail(self, "cannot resume non-suspended coroutine");
        }
        if st == CoStatus::Dead {
            return fail(self, "cannot resume dead coroutine");
        }
        if st == CoStatus::Normal {
            return fail(self, "cannot resume non-suspended coroutine");
        }
        let cc = from.get().frames.last().map_or(0, |f| f.ccalls);
        if self.depth >= MAX_C_DEPTH || cc + 1 >= MAX_C_DEPTH {
            return fail(self, "C stack overflow");
        }
        co.get_mut().base_ccalls = cc;
        from.get_mut().status = CoStatus::Normal;
        let c = co.get_mut();
        c.status = CoStatus::Running;
        c.resumer = Some(from);
        c.resume_depth = self.depth;
        self.current = co;
        let first = c.frames.is_empty();
        // Where the arguments go: above the body on a first resume, else where the
        // yielding native's arguments were (its results land there).
        let dest = if first {
            let body = c.body;
            c.stack[0] = body;
            1
        } else {
            c.frames.last().unwrap().call_func
        };
        c.top = dest;
        // The arguments move straight from stack to stack (`from != co`).
        if dest + nargs > c.stack.len() {
            self.grow_thread(co, dest + nargs);
        }
        move_values(from.get_mut(), co.get_mut(), nargs);
        if first {
            // An error here (the body is not callable) kills the coroutine.
            self.precall(0, -1, flags::C_CALL)?;
        }
        Ok(())
    }

    /// Yields the top `n` values of the running coroutine.
    fn do_yield(
        &mut self,
        n: usize,
        k: Option<super::api::Continuation>,
        ctx: usize,
    ) -> LuaResult<()> {
        let co = self.current;
        if co == self.main {
            return Err(self.error_plain("attempt to yield from outside a coroutine"));
        }
        if co.get().resume_depth != self.depth {
            return Err(self.error_plain("attempt to yield across a C-call boundary"));
        }
        let c = co.get_mut();
        let f = c.frames.last_mut().unwrap();
        f.call_func = c.top - n;
        match k {
            Some(k) => {
                f.flags |= flags::PENDING;
                f.k = Some(k);
                f.ctx = ctx;
                f.protect = Protect::No;
            }
            None => f.flags |= flags::YIELDED,
        }
        c.status = CoStatus::Suspended;
        let resumer = c.resumer.take().expect("coroutine has a resumer");
        self.current = resumer;
        let r = resumer.get_mut();
        r.status = CoStatus::Running;
        let need = r.top + n;
        if need > r.stack.len() {
            self.grow_thread(resumer, need);
        }
        move_values(co.get_mut(), resumer.get_mut(), n);
        Ok(())
    }

    /// The running coroutine's body returned its results at `dest..top`.
    fn finish_coroutine(&mut self, dest: usize) {
        let co = self.current;
        let c = co.get_mut();
        let n = c.top - dest;
        c.status = CoStatus::Dead;
        let resumer = c.resumer.take().expect("coroutine has a resumer");
        self.current = resumer;
        let r = resumer.get_mut();
        r.status = CoStatus::Running;
        let need = r.top + n;
        if need > r.stack.len() {
            self.grow_thread(resumer, need);
        }
        move_values(co.get_mut(), resumer.get_mut(), n);
        co.get_mut().top = 0;
    }
}

impl Vm {
    /// Grows `th`'s stack to at least `n` slots without a limit check, as `push`
    /// does (the values moved there obeyed the same limit on the other stack).
    #[cold]
    #[inline(never)]
    fn grow_thread(&mut self, th: Gc<Thread>, n: usize) {
        let t = th.get_mut();
        let old = t.stack.len();
        let new = (old * 2 + 16).max(n);
        t.stack.resize(new, Value::Nil);
        self.heap.adjust(((new - old) * 16) as isize);
    }
}

/// Moves the top `n` values of thread `src` onto the top of thread `dst` (two
/// different threads; `dst` has room): a resume's arguments, a yield's values.
#[inline]
fn move_values(src: &mut Thread, dst: &mut Thread, n: usize) {
    let from = src.top - n;
    dst.stack[dst.top..dst.top + n].copy_from_slice(&src.stack[from..src.top]);
    dst.top += n;
    src.top = from;
}

/// Whether two error values are the same object (by identity, never reading a string
/// that may since have been collected): tells an error already given to its message
/// handler, propagating out of a re-entrant call, from a new one.
fn same_object(a: Value, b: Value) -> bool {
    match (a, b) {
        (Value::Str(x), Value::Str(y)) => x == y,
        (Value::Str(_), _) | (_, Value::Str(_)) => false,
        _ => a.raw_eq(&b),
    }
}
