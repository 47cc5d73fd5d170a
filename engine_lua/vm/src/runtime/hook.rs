//! Debug hooks (`debug.sethook`): per-thread hook settings and the events the
//! interpreter reports (call, tail call, return, line, count).
//!
//! The interpreter tests one flag, [`Hooks::active`], before each instruction, at
//! each Lua frame entry, before each return and after each native frame is pushed;
//! everything else lives here. The rules follow the reference (`luaG_traceexec`,
//! `luaD_hookcall`, `rethook`):
//!
//! * `call` / `tail call`: when a Lua function starts (for a vararg function, after
//!   its `VARARGPREP`), and when a native function is entered.
//! * `return`: before a function's results are moved to its caller.
//! * `count`: every `count` instructions.
//! * `line`: before an instruction whose line differs from the previously traced
//!   instruction's of the same function, at a function's first instruction, and on
//!   every backward jump (a loop re-entering the same line). After a call returns,
//!   the "previous instruction" is the call itself.
//!
//! The hook function of each thread is kept in the registry table `_HOOKKEY`,
//! keyed by the thread (so the collector sees it); this module keeps the mask and
//! counters. While a hook runs, no other hook runs (`allowhook` in the reference), and
//! the hooked frame is flagged [`flags::HOOKED`] so the hook function is named
//! `hook '?'` in tracebacks.

use super::Vm;
use super::api::LuaResult;
use super::gc::Gc;
use super::thread::{FrameKind, Thread, flags};
use super::value::Value;
use crate::opcode::OpCode;

/// Hook mask bits (`LUA_MASKCALL`...).
pub mod mask {
    /// Call events.
    pub const CALL: u8 = 1;
    /// Return events.
    pub const RET: u8 = 2;
    /// Line events.
    pub const LINE: u8 = 4;
    /// Count events.
    pub const COUNT: u8 = 8;
}

/// Name of the registry table holding each thread's hook function.
pub const HOOK_KEY: &str = "_HOOKKEY";

/// The hook settings and tracing state of one thread.
#[derive(Clone, Debug)]
pub struct ThreadHook {
    /// The thread.
    pub thread: Gc<Thread>,
    /// [`mask`] bits.
    pub mask: u8,
    /// The count given to `sethook`.
    pub base_count: i64,
    /// Instructions left before the next count event.
    pub count: i64,
    /// The last traced instruction (`L->oldpc`).
    oldpc: usize,
    /// Frame index of the last traced instruction.
    last_frame: usize,
    /// A vararg frame whose call event waits for its `VARARGPREP` to run.
    pending_vararg: Option<usize>,
}

/// Hook state of the whole VM.
#[derive(Debug, Default)]
pub struct Hooks {
    /// Whether any thread has a hook: the interpreter's only test.
    pub active: bool,
    /// A hook is running (hooks are off inside hooks).
    pub running: bool,
    /// Per-thread settings.
    pub threads: Vec<ThreadHook>,
    /// While a call or return hook runs: the hooked frame's index and the
    /// transferred values (`ftransfer`, `ntransfer` of `debug.getinfo` option `r`).
    pub transfer: Option<(Gc<Thread>, usize, usize, usize)>,
}

impl Hooks {
    /// The settings of `th`, if it has a hook.
    pub fn get(&self, th: Gc<Thread>) -> Option<&ThreadHook> {
        self.threads.iter().find(|h| h.thread == th)
    }

    fn get_mut(&mut self, th: Gc<Thread>) -> Option<&mut ThreadHook> {
        self.threads.iter_mut().find(|h| h.thread == th)
    }
}

/// Event names as the hook function receives them.
const CALL_EVENT: &str = "call";
const TAIL_EVENT: &str = "tail call";
const RET_EVENT: &str = "return";
const LINE_EVENT: &str = "line";
const COUNT_EVENT: &str = "count";

impl Vm {
    /// Sets (or, with `func` nil or an empty mask, removes) the hook of `th`
    /// (`lua_sethook`). `mask` is made of [`mask`] bits.
    pub fn set_hook(&mut self, th: Gc<Thread>, func: Value, hmask: u8, count: i64) {
        let (func, hmask) = if func.is_nil() || hmask == 0 {
            (Value::Nil, 0)
        } else {
            (func, hmask)
        };
        let table = self.hook_table();
        self.raw_set(table, Value::Thread(th), func)
            .expect("a thread is a valid key");
        self.hooks.threads.retain(|h| h.thread != th);
        if hmask != 0 {
            self.hooks.threads.push(ThreadHook {
                thread: th,
                mask: hmask,
                base_count: count,
                count,
                oldpc: 0,
                last_frame: usize::MAX,
                pending_vararg: None,
            });
        }
        self.hooks.active = !self.hooks.threads.is_empty();
    }

    /// The hook function, mask and count of `th` (`None` without a hook).
    pub fn get_hook(&mut self, th: Gc<Thread>) -> Option<(Value, u8, i64)> {
        let h = self.hooks.get(th)?.clone();
        let table = self.hook_table();
        let f = self.raw_get(table, Value::Thread(th));
        Some((f, h.mask, h.base_count))
    }

    /// The registry table `_HOOKKEY` (made on first use).
    fn hook_table(&mut self) -> Gc<super::Table> {
        match self.raw_get_str(self.registry, HOOK_KEY) {
            Value::Table(t) => t,
            _ => {
                // Weak keys, as the reference: a hook does not keep its thread alive
                // (an entry of `threads` left by a collected thread finds no
                // function here and calls nothing).
                let t = self.new_table_with(0, 1);
                let mt = self.new_table_with(0, 1);
                let k = self.new_string(b"k");
                self.raw_set_str(mt, "__mode", k);
                t.get_mut().metatable = Some(mt);
                super::gc::barrier_metatable(&mut self.heap, Value::Table(t), Some(mt));
                self.raw_set_str(self.registry, HOOK_KEY, Value::Table(t));
                t
            }
        }
    }

    /// The running thread's hook mask, when a hook may run now.
    #[inline]
    fn hook_mask(&self) -> u8 {
        if self.hooks.running {
            return 0;
        }
        self.hooks.get(self.current).map_or(0, |h| h.mask)
    }

    /// Calls the running thread's hook function with `event` (and the line for line
    /// events), with the top frame flagged as hooked.
    fn fire_hook(&mut self, event: &str, line: Option<u32>) -> LuaResult<()> {
        let th = self.current;
        let table = self.hook_table();
        let f = self.raw_get(table, Value::Thread(th));
        if !f.is_function() {
            return Ok(());
        }
        let fi = th.get().frames.len() - 1;
        // Keep every live register of a Lua frame below the hook's frame.
        let old_top = th.get().top;
        if let FrameKind::Lua(c) = th.get().frames[fi].kind {
            let t = th.get().frames[fi].base + c.get().proto.get().proto.max_stack_size as usize;
            if t > old_top {
                self.ensure_stack(t + 1)?;
                th.get_mut().top = t;
            }
        }
        let ev = self.new_string(event.as_bytes());
        let l = line.map_or(Value::Nil, |l| Value::Int(l as i64));
        self.hooks.running = true;
        th.get_mut().frames[fi].flags |= flags::HOOKED;
        let r = self.call_function(f, &[ev, l], 0);
        if let Some(fr) = th.get_mut().frames.get_mut(fi) {
            fr.flags &= !flags::HOOKED;
        }
        self.hooks.running = false;
        th.get_mut().top = old_top;
        r.map(|_| ())
    }

    /// A Lua frame (the top one, index `fi`) is about to run its first instruction.
    pub(crate) fn hook_enter_lua(&mut self, fi: usize) -> LuaResult<()> {
        let m = self.hook_mask();
        if m == 0 {
            return Ok(());
        }
        let th = self.current;
        let fr = th.get().frames[fi];
        let FrameKind::Lua(c) = fr.kind else {
            return Ok(());
        };
        let vararg = c.get().proto.get().proto.is_vararg;
        let h = self.hooks.get_mut(th).expect("hooked thread");
        if vararg {
            h.pending_vararg = Some(fi);
            return Ok(());
        }
        h.oldpc = 0;
        h.last_frame = fi;
        self.hook_call_event(fi, m, 0)
    }

    fn hook_call_event(&mut self, fi: usize, m: u8, npc: usize) -> LuaResult<()> {
        if m & mask::CALL == 0 {
            return Ok(());
        }
        let th = self.current;
        let fr = th.get().frames[fi];
        let nparams = match fr.kind {
            FrameKind::Lua(c) => c.get().proto.get().proto.num_params as usize,
            FrameKind::Native(_) => th.get().top - fr.base,
        };
        let saved = fr.pc;
        if matches!(fr.kind, FrameKind::Lua(_)) {
            th.get_mut().frames[fi].pc = npc + 1;
        }
        let ev = if fr.flags & flags::TAIL != 0 {
            TAIL_EVENT
        } else {
            CALL_EVENT
        };
        self.hooks.transfer = Some((th, fi, 1, nparams));
        let r = self.fire_hook(ev, None);
        self.hooks.transfer = None;
        if let Some(f) = th.get_mut().frames.get_mut(fi) {
            f.pc = saved;
        }
        r
    }

    /// A native frame (the top one) was just pushed.
    pub(crate) fn hook_enter_native(&mut self) -> LuaResult<()> {
        let m = self.hook_mask();
        if m & mask::CALL == 0 {
            return Ok(());
        }
        let fi = self.current.get().frames.len() - 1;
        self.hook_call_event(fi, m, 0)
    }

    /// The top frame returns `n` results starting at stack index `first`.
    pub(crate) fn hook_return(&mut self, first: usize, n: usize) -> LuaResult<()> {
        let m = self.hook_mask();
        if m & mask::RET == 0 {
            return Ok(());
        }
        let th = self.current;
        let fi = th.get().frames.len() - 1;
        let base = th.get().frames[fi].base;
        let old_top = th.get().top;
        if old_top < first + n {
            th.get_mut().top = first + n;
        }
        self.hooks.transfer = Some((th, fi, first + 1 - base, n));
        let r = self.fire_hook(RET_EVENT, None);
        self.hooks.transfer = None;
        th.get_mut().top = old_top;
        r
    }

    /// Before the instruction at `pc` of the Lua frame `fi` (the top frame): count and
    /// line events (`luaG_traceexec`), and the delayed call event of vararg functions.
    pub(crate) fn hook_instruction(&mut self, fi: usize, pc: usize) -> LuaResult<()> {
        let m = self.hook_mask();
        if m == 0 {
            return Ok(());
        }
        let th = self.current;
        let FrameKind::Lua(c) = th.get().frames[fi].kind else {
            return Ok(());
        };
        let p = &c.get().proto.get().proto;
        // `VARARGPREP` runs before the call event; `LOOP` is this VM's own loop
        // header marker (no reference counterpart): neither is traced.
        if matches!(p.code[pc].opcode(), OpCode::VARARGPREP | OpCode::LOOP) {
            return Ok(());
        }
        let h = self.hooks.get_mut(th).expect("hooked thread");
        // The reference runs `TFORLOOP` straight after `TFORCALL`, and `TFORCALL` straight
        // after `TFORPREP`, without fetching them: they are not traced then.
        match p.code[pc].opcode() {
            OpCode::TFORLOOP => return Ok(()),
            OpCode::TFORCALL
                if h.last_frame == fi
                    && p.code.get(h.oldpc).map(|i| i.opcode()) == Some(OpCode::TFORPREP) =>
            {
                return Ok(());
            }
            _ => {}
        }
        let mut m = m;
        if h.pending_vararg == Some(fi) {
            h.pending_vararg = None;
            self.hook_call_event(fi, m, pc)?;
            // The hook may have changed the hooks: this instruction is traced with
            // the new ones, as a new line.
            m = self.hook_mask();
            let Some(h) = self.hooks.get_mut(th) else {
                return Ok(());
            };
            h.last_frame = fi;
            h.oldpc = pc;
        }
        let Some(h) = self.hooks.get_mut(th) else {
            return Ok(());
        };
        if h.last_frame != fi {
            // Returned into this frame: the previous instruction is the call.
            h.last_frame = fi;
            h.oldpc = pc.saturating_sub(1);
        }
        let mut count_event = false;
        if m & mask::COUNT != 0 {
            h.count -= 1;
            if h.count <= 0 {
                h.count = h.base_count;
                count_event = true;
            }
        }
        let oldpc = if h.oldpc < p.code.len() { h.oldpc } else { 0 };
        let line_event =
            m & mask::LINE != 0 && (pc <= oldpc || p.line_info.get(oldpc) != p.line_info.get(pc));
        if !count_event && !line_event {
            if m & mask::LINE != 0 {
                h.oldpc = pc;
            }
            return Ok(());
        }
        let line = p.line_info.get(pc).copied().unwrap_or(0);
        // As the interpreter's `savepc` after fetching: `currentline` is this
        // instruction's line while the hook runs.
        th.get_mut().frames[fi].pc = pc + 1;
        let mut r = Ok(());
        if count_event {
            r = self.fire_hook(COUNT_EVENT, None);
        }
        if r.is_ok() && line_event {
            r = self.fire_hook(LINE_EVENT, Some(line));
        }
        if let Some(h) = self.hooks.get_mut(th)
            && m & mask::LINE != 0
        {
            h.oldpc = pc;
            h.last_frame = fi;
        }
        r
    }
}
