//! Choosing the standard libraries ([`StdLib`]), the sandbox preset, and the
//! execution limits for untrusted scripts: an instruction budget, an interrupt
//! callback, a memory limit and a maximum call depth.
//!
//! # How the limits are checked
//!
//! The interpreter keeps one countdown (`Heap::countdown`: in the heap, so that a
//! table growing past the memory limit can zero it), decremented at every loop
//! back-edge (`LOOP`, `FORLOOP`, `TFORLOOP`) and every call of a Lua function. While
//! no limit is set it starts at `i64::MAX` and the slow path never runs; the cost on
//! the hot path is one decrement and one well-predicted branch. When it reaches zero
//! the interpreter calls [`Vm::interrupt`], which charges the elapsed ticks to the
//! budget, runs the interrupt callback, checks the memory limit, and restarts the
//! countdown. A *tick* is one back-edge or call, so a budget bounds the running time
//! of any loop or recursion (straight-line code between ticks is bounded by the size
//! of the function).
//!
//! Errors raised by the limits are ordinary Lua errors: `pcall` inside the script can
//! catch them, but an exhausted budget stays exhausted (every further tick raises
//! again) until the host starts a new call, so the error reaches the host. The state
//! stays usable afterwards.

use std::ops::{BitOr, BitOrAssign};

use super::error::Result;
use super::state;
use crate::runtime::{LuaResult, Ret, Value, Vm};

/// A set of standard libraries ([`crate::Lua::new_with`]). The base library is always
/// open.
///
/// ```
/// use engine_lua::{Lua, StdLib};
///
/// let mut lua = Lua::new_with(StdLib::STRING | StdLib::MATH);
/// assert!(lua.load("return io").eval::<Option<engine_lua::Table>>().unwrap().is_none());
/// assert_eq!(lua.load("return math.max(1, 2)").eval::<i64>().unwrap(), 2);
/// ```
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub struct StdLib(u32);

impl StdLib {
    /// `coroutine`.
    pub const COROUTINE: StdLib = StdLib(1);
    /// `string`.
    pub const STRING: StdLib = StdLib(1 << 1);
    /// `table`.
    pub const TABLE: StdLib = StdLib(1 << 2);
    /// `math`.
    pub const MATH: StdLib = StdLib(1 << 3);
    /// `io`.
    pub const IO: StdLib = StdLib(1 << 4);
    /// `os`.
    pub const OS: StdLib = StdLib(1 << 5);
    /// `utf8`.
    pub const UTF8: StdLib = StdLib(1 << 6);
    /// `debug`.
    pub const DEBUG: StdLib = StdLib(1 << 7);
    /// `package` and `require`.
    pub const PACKAGE: StdLib = StdLib(1 << 8);
    /// No library but base.
    pub const NONE: StdLib = StdLib(0);
    /// Every library.
    pub const ALL: StdLib = StdLib((1 << 9) - 1);

    const NAMES: [(StdLib, &'static str); 9] = [
        (StdLib::COROUTINE, "coroutine"),
        (StdLib::STRING, "string"),
        (StdLib::TABLE, "table"),
        (StdLib::MATH, "math"),
        (StdLib::IO, "io"),
        (StdLib::OS, "os"),
        (StdLib::UTF8, "utf8"),
        (StdLib::DEBUG, "debug"),
        (StdLib::PACKAGE, "package"),
    ];

    /// Whether every library of `other` is in `self`.
    pub fn contains(self, other: StdLib) -> bool {
        self.0 & other.0 == other.0
    }
}

impl BitOr for StdLib {
    type Output = StdLib;
    fn bitor(self, rhs: StdLib) -> StdLib {
        StdLib(self.0 | rhs.0)
    }
}

impl BitOrAssign for StdLib {
    fn bitor_assign(&mut self, rhs: StdLib) {
        self.0 |= rhs.0
    }
}

/// Limits for a state (all `None`: unlimited). See [`Vm::set_limits`].
///
/// ```
/// use engine_lua::{Error, Limits, Lua};
///
/// let mut lua = Lua::new();
/// lua.set_limits(Limits { call_depth: Some(100), ..Limits::default() });
/// let e = lua.load("local function f() return 1 + f() end return f()").exec().unwrap_err();
/// assert!(e.to_string().contains("stack overflow"));
/// assert_eq!(lua.limits().call_depth, Some(100));
/// ```
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct Limits {
    /// Ticks (loop back-edges and Lua calls) each call from the host may run before
    /// `instruction limit exceeded` is raised.
    pub instructions: Option<u64>,
    /// Heap bytes beyond which `not enough memory` is raised.
    pub memory: Option<usize>,
    /// Most nested calls per coroutine (`stack overflow` beyond).
    pub call_depth: Option<usize>,
}

type InterruptFn = Box<dyn FnMut(&mut Vm) -> Result<()>>;

/// The limits' bookkeeping in [`super::EmbedState`].
#[derive(Default)]
pub(crate) struct LimitState {
    /// Ticks allowed per host call.
    budget: Option<u64>,
    /// Ticks left in the current host call.
    remaining: i64,
    /// Value the countdown was last started at.
    period: i64,
    /// The interrupt callback and how often (ticks) it runs.
    interrupt: Option<(u32, InterruptFn)>,
    /// A memory error was just raised (the facade reports [`super::Error::Memory`]).
    pub(crate) memory_error: bool,
}

impl LimitState {
    fn restart(&mut self) -> i64 {
        let mut p = i64::MAX;
        if self.budget.is_some() {
            p = p.min(self.remaining.max(1));
        }
        if let Some((n, _)) = &self.interrupt {
            p = p.min(*n as i64);
        }
        self.period = p;
        p
    }
}

impl Vm {
    /// Sets or clears the limits.
    ///
    /// ```
    /// use engine_lua::{Error, Limits, Lua};
    ///
    /// let mut lua = Lua::new();
    /// lua.set_limits(Limits { instructions: Some(10_000), ..Limits::default() });
    /// let e = lua.load("while true do end").exec().unwrap_err();
    /// assert!(e.to_string().contains("instruction limit exceeded"));
    /// // The state is still usable.
    /// assert_eq!(lua.load("return 1 + 1").eval::<i64>().unwrap(), 2);
    /// ```
    pub fn set_limits(&mut self, limits: Limits) {
        self.heap.set_limit(limits.memory.unwrap_or(usize::MAX));
        self.max_frames = limits
            .call_depth
            .unwrap_or(crate::runtime::MAX_FRAMES_DEFAULT);
        let l = &mut state(self).limits;
        l.budget = limits.instructions;
        l.remaining = limits
            .instructions
            .map_or(0, |b| b.min(i64::MAX as u64) as i64);
        let p = l.restart();
        self.heap.countdown.set(p);
    }

    /// The limits in force.
    pub fn limits(&self) -> Limits {
        Limits {
            instructions: self.embed.as_ref().and_then(|e| e.limits.budget),
            memory: (self.heap.limit != usize::MAX).then_some(self.heap.limit),
            call_depth: (self.max_frames != crate::runtime::MAX_FRAMES_DEFAULT)
                .then_some(self.max_frames),
        }
    }

    /// Installs a callback run every `interval` ticks (back-edges and calls) while Lua
    /// code runs; an `Err` it returns is raised as a Lua error at that point. `None`
    /// removes it.
    ///
    /// ```
    /// use engine_lua::{Error, Lua};
    ///
    /// let mut lua = Lua::new();
    /// let mut polls = 0;
    /// lua.set_interrupt(Some((1000, Box::new(move |_vm: &mut engine_lua::runtime::Vm| {
    ///     polls += 1;
    ///     if polls > 5 { Err(Error::runtime("script cancelled")) } else { Ok(()) }
    /// }))));
    /// let e = lua.load("while true do end").exec().unwrap_err();
    /// assert!(e.to_string().contains("script cancelled"));
    /// ```
    pub fn set_interrupt(&mut self, f: Option<(u32, InterruptFn)>) {
        let l = &mut state(self).limits;
        l.interrupt = f.map(|(n, f)| (n.max(1), f));
        let p = l.restart();
        self.heap.countdown.set(p);
    }

    /// Gives the running code a fresh instruction budget now, from inside a host
    /// function: for hosts that run many callbacks from one Lua dispatch loop and
    /// want each to get its own budget (the Bevy plugin's `on_update` batch).
    ///
    /// ```
    /// use engine_lua::{Limits, Lua};
    ///
    /// let mut lua = Lua::new();
    /// lua.set_limits(Limits { instructions: Some(10_000), ..Limits::default() });
    /// let fresh = lua.create_function(|vm, ()| { vm.reset_instruction_budget(); Ok(()) }).unwrap();
    /// lua.globals().set(&mut lua, "fresh", fresh).unwrap();
    /// // 20 slices of 5,000 ticks each: over the budget in total, each within it.
    /// lua.load("for i = 1, 20 do fresh() for j = 1, 5000 do end end").exec().unwrap();
    /// ```
    pub fn reset_instruction_budget(&mut self) {
        if let Some(e) = self.embed.as_mut()
            && let Some(b) = e.limits.budget
        {
            e.limits.remaining = b.min(i64::MAX as u64) as i64;
            self.heap.countdown.set(e.limits.restart());
        }
    }

    /// Called by the host entry points: a new host call gets a fresh budget.
    #[inline]
    pub(crate) fn reset_budget(&mut self) {
        if self.depth == 0
            && let Some(e) = self.embed.as_mut()
        {
            e.limits.memory_error = false;
            if let Some(b) = e.limits.budget {
                self.restart_budget(b);
            }
        }
    }

    #[inline(never)]
    fn restart_budget(&mut self, b: u64) {
        if let Some(e) = self.embed.as_mut() {
            e.limits.remaining = b.min(i64::MAX as u64) as i64;
            self.heap.countdown.set(e.limits.restart());
        }
    }

    /// The interpreter's slow path when the countdown reaches zero (see the module
    /// documentation).
    pub(crate) fn interrupt(&mut self) -> LuaResult<()> {
        if self.heap.bytes() > self.heap.limit {
            self.clear_dead_stack();
            self.collect_garbage();
            if self.heap.bytes() > self.heap.limit {
                self.heap.countdown.set(1);
                if let Some(e) = self.embed.as_mut() {
                    e.limits.memory_error = true;
                }
                return Err(self.error_plain("not enough memory"));
            }
        }
        let Some(e) = self.embed.as_mut() else {
            self.heap.countdown.set(i64::MAX);
            return Ok(());
        };
        let l = &mut e.limits;
        let elapsed = l.period - self.heap.countdown.get().max(0);
        if l.budget.is_some() {
            l.remaining -= elapsed.max(1);
            if l.remaining <= 0 {
                l.remaining = 0;
                l.period = 1;
                self.heap.countdown.set(1);
                return Err(self.error_here("instruction limit exceeded"));
            }
        }
        if let Some((n, mut f)) = l.interrupt.take() {
            let r = f(self);
            let l = &mut state(self).limits;
            if l.interrupt.is_none() {
                l.interrupt = Some((n, f));
            }
            if let Err(err) = r {
                let c = state(self).limits.restart();
                self.heap.countdown.set(c);
                return Err(match err {
                    super::Error::External(m) => self.error_here(&m),
                    other => super::into_lua_error(self, other),
                });
            }
        }
        let c = state(self).limits.restart();
        self.heap.countdown.set(c);
        Ok(())
    }

    /// An error message prefixed with the running Lua function's position (the
    /// interrupt runs in the Lua frame itself, not in a native one).
    fn error_here(&mut self, msg: &str) -> crate::runtime::LuaError {
        let w = self.where_(0);
        self.error_plain(format!("{w}{msg}"))
    }

    /// Clears the running thread's stack slots above every live frame, so garbage
    /// left there by unwound frames is not kept alive by a memory-limit collection.
    fn clear_dead_stack(&mut self) {
        let th = self.current.get_mut();
        let mut live = th.top;
        for f in &th.frames {
            let end = match f.kind {
                crate::runtime::FrameKind::Lua(c) => {
                    f.base + c.get().proto.get().proto.max_stack_size as usize + 8
                }
                crate::runtime::FrameKind::Native(_) => f.base,
            };
            live = live.max(end);
        }
        let n = th.stack.len();
        for v in &mut th.stack[live.min(n)..] {
            *v = Value::Nil;
        }
    }

    /// Applies the sandbox preset to this state's globals:
    ///
    /// * no `io`; `os` keeps only `clock`, `time`, `date`;
    /// * `load` accepts only text chunks; no `loadfile`, `dofile`;
    /// * `debug` keeps only `traceback`;
    /// * `require` searches only Lua files under `require_root` (no C modules).
    ///
    /// ```
    /// use engine_lua::Lua;
    ///
    /// let mut lua = Lua::new();
    /// lua.sandbox("scripts");
    /// assert_eq!(lua.load("return io, os.execute, loadfile").eval::<(Option<i64>, Option<i64>, Option<i64>)>().unwrap(), (None, None, None));
    /// assert!(lua.load("return os.clock()").eval::<f64>().is_ok());
    /// ```
    pub fn sandbox(&mut self, require_root: &str) {
        let g = self.globals;
        let loaded = self.loaded_table();
        for name in ["io", "loadfile", "dofile"] {
            self.raw_set_str(g, name, Value::Nil);
        }
        self.raw_set_str(loaded, "io", Value::Nil);
        keep_only(self, "os", &["clock", "time", "date"]);
        keep_only(self, "debug", &["traceback"]);
        let load = self.raw_get_str(g, "load");
        if let Value::Native(_) = load {
            let f = self.new_native_with("load", text_only_load, vec![load]);
            self.raw_set_str(g, "load", f);
        }
        if let Value::Table(p) = self.raw_get_str(g, "package") {
            let root = require_root.trim_end_matches('/').to_string();
            let path = format!("{root}/?.lua;{root}/?/init.lua");
            let s = self.new_string(path.as_bytes());
            self.raw_set_str(p, "path", s);
            let e = self.new_string(b"");
            self.raw_set_str(p, "cpath", e);
            self.raw_set_str(p, "loadlib", Value::Nil);
            self.raw_set_str(p, "searchpath", Value::Nil);
            // Searchers: `package.preload`, then Lua files under the root only
            // (ignoring later changes to `package.path`); no C searchers.
            let preload = match self.raw_get_str(p, "searchers") {
                Value::Table(s) => s.get().get_int(1),
                _ => Value::Nil,
            };
            let searcher = self
                .create_function(move |vm, name: String| sandbox_search(vm, &root, &name))
                .and_then(|f| f.value_in(self));
            if let Ok(searcher) = searcher {
                let st = self.new_table_with(2, 0);
                if !preload.is_nil() {
                    self.raw_set_int(st, 1, preload);
                }
                self.raw_set_int(st, st.get().length() + 1, searcher);
                self.raw_set_str(p, "searchers", Value::Table(st));
            }
        }
    }

    /// Removes the libraries not in `libs` (globals and `package.loaded`).
    pub(crate) fn keep_libs(&mut self, libs: StdLib) {
        let g = self.globals;
        let loaded = self.loaded_table();
        for (flag, name) in StdLib::NAMES {
            if !libs.contains(flag) {
                self.raw_set_str(g, name, Value::Nil);
                self.raw_set_str(loaded, name, Value::Nil);
                if flag == StdLib::PACKAGE {
                    self.raw_set_str(g, "require", Value::Nil);
                }
            }
        }
    }
}

/// The sandbox's Lua-file searcher: `name` (dots become `/`) under `root`, as
/// `root/name.lua` or `root/name/init.lua`, text chunks only. Names that could leave
/// the root (`..`, absolute paths, backslashes, NUL) are refused.
fn sandbox_search(
    vm: &mut Vm,
    root: &str,
    name: &str,
) -> Result<(super::LuaValue, Option<String>)> {
    let bad = name.is_empty()
        || name.contains("..")
        || name.starts_with('/')
        || name.contains('\\')
        || name.contains('\0')
        || name.contains(':');
    if bad {
        let m = vm.pack(format!(
            "\n\tmodule name '{name}' is not allowed in the sandbox"
        ))?;
        return Ok((m, None));
    }
    let rel = name.replace('.', "/");
    let mut tried = String::new();
    for cand in [
        format!("{root}/{rel}.lua"),
        format!("{root}/{rel}/init.lua"),
    ] {
        match std::fs::read(&cand) {
            Ok(src) => {
                let f = vm
                    .load(&src)
                    .set_name(format!("@{cand}"))
                    .into_function()
                    .map_err(|e| {
                        super::Error::runtime(format!(
                            "error loading module '{name}' from file '{cand}':\n\t{e}"
                        ))
                    })?;
                return Ok((super::LuaValue::Function(f), Some(cand)));
            }
            Err(_) => tried.push_str(&format!("\n\tno file '{cand}'")),
        }
    }
    Ok((vm.pack(tried)?, None))
}

/// Keeps only the listed fields of the global library table `lib`.
fn keep_only(vm: &mut Vm, lib: &str, keep: &[&str]) {
    let g = vm.globals;
    let Value::Table(t) = vm.raw_get_str(g, lib) else {
        return;
    };
    let mut key = Value::Nil;
    let mut drop = Vec::new();
    while let Ok(Some((k, _))) = t.get().next(key) {
        key = k;
        let keep_it = matches!(k.as_str(), Some(b) if keep.iter().any(|n| n.as_bytes() == b));
        if !keep_it {
            drop.push(k);
        }
    }
    for k in drop {
        let _ = vm.raw_set(t, k, Value::Nil);
    }
}

/// `load` with the mode forced to text (upvalue 1: the original `load`).
fn text_only_load(vm: &mut Vm) -> LuaResult<Ret> {
    if vm.arg_count() < 3 {
        vm.set_top(3);
    }
    let t = vm.new_string(b"t");
    vm.set_arg(3, t);
    let orig = vm.upvalue(0);
    vm.insert(1, orig);
    let n = vm.arg_count() - 1;
    Ok(Ret::Call {
        nargs: n,
        nresults: -1,
        protect: crate::runtime::Protect::No,
        k: load_done,
        ctx: 0,
    })
}

fn load_done(vm: &mut Vm, _s: crate::runtime::Status, _ctx: usize) -> LuaResult<Ret> {
    // The results sit where the original `load` was (index 1): return them all.
    Ok(Ret::Values(vm.arg_count()))
}
