//! Threads (coroutines): a value stack, a frame stack, open upvalues and pending
//! to-be-closed variables.
//!
//! Every thread has one contiguous `Vec<Value>` stack indexed by `base + register`
//! and one `Vec<Frame>` of call frames. Nothing holds a pointer into the stack: frames,
//! open upvalues and to-be-closed entries store indices, so the stack can grow.

use super::api::{Continuation, Protect};
use super::function::{LuaClosure, NativeClosure, UpVal};
use super::gc::{Gc, Marker, Trace};
use super::value::Value;

/// The status of a coroutine (`coroutine.status`).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum CoStatus {
    /// Created or yielded; can be resumed.
    Suspended,
    /// Currently running.
    Running,
    /// It resumed another coroutine and waits for it.
    Normal,
    /// Finished or died with an error.
    Dead,
}

/// What a frame runs.
#[derive(Copy, Clone, Debug)]
pub enum FrameKind {
    /// A Lua function.
    Lua(Gc<LuaClosure>),
    /// A native function.
    Native(Gc<NativeClosure>),
}

/// Frame flags.
pub mod flags {
    /// The bottom frame of a re-entrant `execute` loop: returning from it leaves the loop.
    pub const FRESH: u8 = 1;
    /// A Lua frame waiting for a metamethod's result to finish its current instruction.
    pub const FINISH_OP: u8 = 2;
    /// The frame was entered by a tail call.
    pub const TAIL: u8 = 4;
    /// With `FRESH`: an error reaching this frame records a traceback first.
    pub const TRACEBACK: u8 = 8;
    /// A native frame suspended in a yield.
    pub const YIELDED: u8 = 16;
    /// A native frame waiting for a call made with `Ret::Call`.
    pub const PENDING: u8 = 32;
    /// The frame was entered through a C-style boundary (a metamethod call, a call made
    /// by a native function): it counts toward `C stack overflow`.
    pub const C_CALL: u8 = 64;
    /// A hook function is running for this frame (its callee is named `hook '?'`).
    pub const HOOKED: u8 = 128;
}

/// A call frame.
#[derive(Copy, Clone, Debug)]
pub struct Frame {
    /// The function.
    pub kind: FrameKind,
    /// Stack index of the function value (after `VARARGPREP` moved it).
    pub func: usize,
    /// First register / first argument.
    pub base: usize,
    /// Where results go (the function's original slot).
    pub ret: usize,
    /// Saved program counter (Lua frames): index of the next instruction.
    pub pc: usize,
    /// Number of results the caller wants, -1 for all.
    pub nresults: i32,
    /// Number of extra (vararg) arguments.
    pub nextra: usize,
    /// See [`flags`].
    pub flags: u8,
    /// Native frames: the continuation of a pending call or yield.
    pub k: Option<Continuation>,
    /// Native frames: the continuation's context value.
    pub ctx: usize,
    /// Native frames: whether the pending call is protected.
    pub protect: Protect,
    /// Native frames: stack index of the pending call's function (its results land
    /// there).
    pub call_func: usize,
    /// Number of C-style boundaries (re-entrant calls, metamethod calls, calls made by
    /// native functions) on the chain to this frame (the reference's `nCcalls`).
    pub ccalls: u32,
}

impl Frame {
    /// A frame for a call just made: `func` is the stack index of the function value,
    /// its arguments start at `func + 1` and its results go to `func`; no pc, varargs,
    /// continuation or protection yet.
    #[inline(always)]
    pub(crate) fn call(
        kind: FrameKind,
        func: usize,
        nresults: i32,
        flags: u8,
        ccalls: u32,
    ) -> Frame {
        Frame {
            kind,
            func,
            base: func + 1,
            ret: func,
            pc: 0,
            nresults,
            nextra: 0,
            flags,
            k: None,
            ctx: 0,
            protect: Protect::No,
            call_func: 0,
            ccalls,
        }
    }

    /// The Lua closure, if a Lua frame.
    #[inline]
    pub fn lua(&self) -> Option<Gc<LuaClosure>> {
        match self.kind {
            FrameKind::Lua(c) => Some(c),
            FrameKind::Native(_) => None,
        }
    }
}

/// A protected call whose callee raised an error while to-be-closed variables above
/// it were pending: their `__close` handlers run one at a time as ordinary frames above
/// the call's native frame (so they can yield), before its continuation sees the error.
#[derive(Copy, Clone, Debug)]
pub struct Unwind {
    /// Index of the catching native frame (`PENDING`, protected).
    pub frame: usize,
    /// Stack slot holding the error so far (a handler's own error replaces it); the
    /// handlers are called just above it.
    pub err_slot: usize,
}

/// A thread of execution (the main thread or a coroutine).
pub struct Thread {
    /// The value stack. Slots at `top..` are free.
    pub stack: Vec<Value>,
    /// First free slot (meaningful for native frames and variable-result transfers).
    pub top: usize,
    /// Call frames, innermost last.
    pub frames: Vec<Frame>,
    /// Open upvalues, sorted by stack index.
    pub open_upvals: Vec<Gc<UpVal>>,
    /// Stack indices of pending to-be-closed variables, ascending.
    pub tbc: Vec<usize>,
    /// Protected calls closing variables after an error, innermost last.
    pub unwinding: Vec<Unwind>,
    /// An error that crossed a re-entrant boundary left the to-be-closed variables at
    /// or above this level (first) for the protected call it travels to; the error is
    /// in the stack slot (second). Settled by that call, or closed at once if the
    /// native that got the error does not pass it on.
    pub owed_close: Option<(usize, usize)>,
    /// Coroutine status.
    pub status: CoStatus,
    /// The thread that resumed this one (while it runs).
    pub resumer: Option<Gc<Thread>>,
    /// Re-entrant loop depth at which this coroutine was resumed: yielding is allowed
    /// only at that depth.
    pub resume_depth: u32,
    /// The coroutine's main function (before its first resume).
    pub body: Value,
    /// The error a dead coroutine died with (for `coroutine.close`).
    pub error: Option<Value>,
    /// C-style boundaries below this coroutine's first frame (its resumer's count).
    pub base_ccalls: u32,
}

impl Thread {
    /// A thread with an empty stack.
    pub fn new(body: Value) -> Self {
        Thread {
            stack: vec![Value::Nil; 64],
            top: 0,
            frames: Vec::new(),
            open_upvals: Vec::new(),
            tbc: Vec::new(),
            unwinding: Vec::new(),
            owed_close: None,
            status: CoStatus::Suspended,
            resumer: None,
            resume_depth: 0,
            body,
            error: None,
            base_ccalls: 0,
        }
    }
}

impl Trace for Thread {
    fn trace(&self, m: &mut Marker) {
        for v in &self.stack {
            m.mark_value(*v);
        }
        for f in &self.frames {
            match f.kind {
                FrameKind::Lua(c) => m.mark_obj(c),
                FrameKind::Native(c) => m.mark_obj(c),
            }
        }
        for u in &self.open_upvals {
            m.mark_obj(*u);
        }
        if let Some(r) = self.resumer {
            m.mark_obj(r);
        }
        m.mark_value(self.body);
        if let Some(e) = self.error {
            m.mark_value(e);
        }
    }
    fn extra_bytes(&self) -> usize {
        self.stack.capacity() * 16 + self.frames.capacity() * std::mem::size_of::<Frame>()
    }
}
