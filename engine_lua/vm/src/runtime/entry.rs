//! The host's entry into Lua: a re-entrant call made from Rust (the embedding API's
//! `Function::call`, `Vm::call_stack`, the Bevy plugin's per-entity callbacks).
//!
//! The generic re-entrant call ([`Vm::call_at_flags`]) goes through `precall`, which
//! resolves `__call`, handles natives and raises every limit error. A host call of a
//! Lua function that fits in the stack and frame list already allocated needs none of
//! that: [`Vm::call_from_host`] checks those conditions in one pass, pushes the
//! `FRESH` frame itself and runs the interpreter. Anything else (a native or callable
//! value, a stack or frame list that must grow, a limit about to be hit, a
//! to-be-closed debt) takes the generic path, which raises the same errors as before.

use super::call::{EXTRA_STACK, Flow};
use super::thread::{Frame, FrameKind, flags};
use super::value::Value;
use super::{LuaResult, MAX_C_DEPTH, Vm};

impl Vm {
    /// Calls the value at absolute stack index `func` of the running thread with the
    /// values above it as arguments, re-entrantly; its results replace them
    /// (`nresults` of them, -1 for all). `extra` are frame flags added to `FRESH`
    /// (`TRACEBACK` to record a traceback at the error point). The same contract and
    /// errors as the generic re-entrant call.
    #[inline]
    pub(crate) fn call_from_host(
        &mut self,
        func: usize,
        nresults: i32,
        extra: u8,
    ) -> LuaResult<()> {
        let th = self.current;
        let t = th.get_mut();
        if let Value::LuaFn(cl) = t.stack[func]
            && self.depth < MAX_C_DEPTH
            && t.owed_close.is_none()
        {
            let ccalls = t.frames.last().map_or(t.base_ccalls, |f| f.ccalls) + 1;
            let p = &cl.get().proto.get().proto;
            let nargs = t.top - func - 1;
            let np = p.num_params as usize;
            let need = func + 1 + nargs.max(np) + p.max_stack_size as usize + EXTRA_STACK;
            let level = t.frames.len();
            if ccalls < MAX_C_DEPTH
                && need <= t.stack.len()
                && level < self.max_frames
                && level < t.frames.capacity()
            {
                self.depth += 1;
                // As the generic path: an error returned by an earlier re-entrant call
                // and handled by its native caller does not count as handled.
                self.handled_error = None;
                if nargs < np {
                    for slot in &mut t.stack[func + 1 + nargs..func + 1 + np] {
                        *slot = Value::Nil;
                    }
                    t.top = func + 1 + np;
                }
                t.frames.push(Frame::call(
                    FrameKind::Lua(cl),
                    func,
                    nresults,
                    flags::FRESH | extra,
                    ccalls,
                ));
                // The frame on top is the Lua frame just pushed: run it at once rather
                // than through the frame-level dispatch (which `execute` continues
                // with if the interpreter leaves for a native or an error).
                let r = match self.run_lua() {
                    Ok(Flow::Done) => Ok(()),
                    Ok(Flow::Continue) => self.execute(th, level),
                    Err(e) => match self.handle_error(e, th, level) {
                        Ok(()) => self.execute(th, level),
                        Err(e) => Err(e),
                    },
                };
                self.depth -= 1;
                return r;
            }
        }
        self.call_at_flags(func, nresults, extra)
    }
}
