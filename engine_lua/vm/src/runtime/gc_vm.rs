//! The state's side of the collector: its roots, the safe points that step the heap,
//! finalizer calls (warnings for their errors), state close, the host's stepping API
//! and statistics. The collector itself is in [`super::gc`].

use std::time::Instant;

use super::Vm;
use super::api::LuaResult;
use super::gc::{GcMode, GcStats, Stress};
use super::thread::FrameKind;
use super::value::Value;

/// Most finalizers called by one automatic step (the reference's `GCFINMAX`).
const FINALIZERS_PER_STEP: usize = 10;

impl Vm {
    /// The roots: the registry, the globals, the main and running threads (the
    /// threads on the resume chain hang from `resumer`), the per-type metatables, the
    /// error a protected call caught for the continuation about to run, the error
    /// whose message handler already ran (compared by identity: it must not be freed
    /// and its address reused by a new error while it is remembered).
    fn gc_roots(&self) -> [Value; 15] {
        let mut r = [Value::Nil; 15];
        r[13] = self.pending_error.unwrap_or(Value::Nil);
        r[14] = self.handled_error.unwrap_or(Value::Nil);
        r[0] = Value::Table(self.registry);
        r[1] = Value::Table(self.globals);
        r[2] = Value::Thread(self.main);
        r[3] = Value::Thread(self.current);
        for (i, mt) in self.type_mt.iter().enumerate() {
            if let Some(m) = mt {
                r[4 + i] = Value::Table(*m);
            }
        }
        r
    }

    /// Runs a full collection now, then every pending finalizer.
    pub fn collect_garbage(&mut self) {
        let t = Instant::now();
        let roots = self.gc_roots();
        self.heap.full_collect(&roots);
        self.heap.set_pause();
        self.heap.record_step(t.elapsed(), false, 0);
        self.check_limit();
        self.run_finalizers(usize::MAX);
    }

    /// Checks, before a single large allocation of `n` bytes (a string built by the
    /// library, a stack growth), that it fits under the memory limit: if it would
    /// not, collects fully (finalizers stay pending: this is not a safe point for a
    /// re-entrant call) and checks again. `Err`: the catchable `not enough memory`,
    /// raised before anything is allocated, so the state stays consistent. Smaller
    /// allocations are caught at the next safe point instead, and buffer growth (a
    /// table's parts, at most the table's own size again) at the next loop back-edge
    /// or call ([`super::gc::Heap::adjust`] zeroes the countdown).
    pub fn reserve_memory(&mut self, n: usize) -> LuaResult<()> {
        if self.heap.bytes().saturating_add(n) <= self.heap.limit {
            return Ok(());
        }
        let roots = self.gc_roots();
        self.heap.full_collect(&roots);
        self.heap.set_pause();
        if self.heap.bytes().saturating_add(n) <= self.heap.limit {
            return Ok(());
        }
        Err(self.error_plain("not enough memory"))
    }

    /// Over the memory limit after collector work: the next back-edge or call raises
    /// `not enough memory` (`Vm::interrupt`, which collects fully first).
    #[inline]
    fn check_limit(&mut self) {
        if self.heap.bytes() > self.heap.limit {
            self.heap.countdown.set(0);
        }
    }

    /// A safe point: steps the collector if the allocation debt calls for it, then
    /// calls a few pending finalizers. Returns whether Lua code ran (the interpreter
    /// then reloads its frame).
    #[inline]
    pub fn check_gc(&mut self) -> bool {
        if self.heap.should_collect() {
            self.gc_auto_step()
        } else {
            false
        }
    }

    /// [`Vm::check_gc`] from the interpreter, which knows that no register of the
    /// running Lua frame at or above `top` is live.
    #[inline]
    pub(crate) fn check_gc_at(&mut self, top: usize) -> bool {
        if self.heap.should_collect() {
            self.heap.exact_top = Some((self.current, top));
            let r = self.gc_auto_step();
            self.heap.exact_top = None;
            r
        } else {
            false
        }
    }

    #[inline(never)]
    fn gc_auto_step(&mut self) -> bool {
        if self.heap.in_finalizer {
            return false;
        }
        let probe = self
            .heap
            .pause_probe
            .filter(|_| self.heap.pause_log.is_some());
        let p0 = probe.map_or(0, |f| f());
        let t = Instant::now();
        let roots = self.gc_roots();
        self.heap.auto_step(&roots);
        let d = t.elapsed();
        let p1 = probe.map_or(0, |f| f());
        self.heap.record_step(d, true, p1.wrapping_sub(p0));
        self.check_limit();
        if self.heap.has_pending_finalizers() {
            self.run_finalizers(FINALIZERS_PER_STEP);
            true
        } else {
            false
        }
    }

    /// The host's step: about `budget` units of collector work (a unit is one 16-byte
    /// slot traced; a full cycle of a heap of N bytes costs roughly N / 16 units plus
    /// 4 per object), then a few pending finalizers. Starts a cycle if none is under
    /// way; returns whether a cycle finished.
    pub fn gc_step(&mut self, budget: usize) -> bool {
        let t = Instant::now();
        let roots = self.gc_roots();
        let done = self.heap.step(budget.max(1), &roots);
        if done {
            self.heap.set_pause();
        }
        self.heap.record_step(t.elapsed(), false, 0);
        self.run_finalizers(FINALIZERS_PER_STEP);
        done
    }

    /// `collectgarbage("step", kb)`: adds `kb` KB of debt (a basic step for 0), steps
    /// even when the collector is stopped, calls due finalizers. Returns whether a
    /// cycle finished.
    pub fn gc_step_kb(&mut self, kb: usize) -> bool {
        let t = Instant::now();
        let roots = self.gc_roots();
        let done = self.heap.step_kb(kb, &roots);
        self.heap.record_step(t.elapsed(), false, 0);
        self.run_finalizers(FINALIZERS_PER_STEP);
        done
    }

    /// Switches the collector to `mode` and returns the previous mode (as
    /// `collectgarbage("incremental"/"generational")`); switching to generational runs
    /// a full collection. Pending finalizers run at the next safe point.
    pub fn gc_set_mode(&mut self, mode: GcMode) -> GcMode {
        let roots = self.gc_roots();
        self.heap.set_mode(mode, &roots)
    }

    /// Collector statistics (for the debugger panel).
    pub fn gc_stats(&self) -> GcStats {
        self.heap.stats()
    }

    /// Sets the stress mode (also chosen by `ELUA_GC_STRESS`).
    pub fn set_gc_stress(&mut self, s: Stress) {
        self.heap.stress = s;
    }

    /// Calls up to `max` pending finalizers, each in protected mode on the running
    /// thread; an error becomes a warning (`error in __gc (...)`).
    pub(crate) fn run_finalizers(&mut self, max: usize) {
        if self.heap.in_finalizer || !self.heap.has_pending_finalizers() {
            return;
        }
        let th = self.current;
        if th.get().frames.is_empty() && th != self.main {
            return;
        }
        self.heap.in_finalizer = true;
        // Calls go above every live register of the frame on top.
        let saved_top = th.get().top;
        if let Some(f) = th.get().frames.last()
            && let FrameKind::Lua(c) = f.kind
        {
            let live = f.base + c.get().proto.get().proto.max_stack_size as usize;
            if live > saved_top {
                if self.ensure_stack(live + 1).is_err() {
                    self.heap.in_finalizer = false;
                    return;
                }
                th.get_mut().top = live;
            }
        }
        let mut n = 0;
        while n < max {
            let Some((obj, f)) = self.heap.next_finalizer() else {
                break;
            };
            n += 1;
            if f.is_nil() {
                continue;
            }
            let saved_warn = self.warn_buf.take();
            self.finalizer_frame = Some((th, th.get().frames.len()));
            let r = self.call_function(f, &[obj], 0);
            self.finalizer_frame = None;
            if let Err(e) = r {
                let msg = match e.0 {
                    Value::Str(s) => s.get().as_bytes().to_vec(),
                    _ => b"error object is not a string".to_vec(),
                };
                let mut w = b"error in __gc (".to_vec();
                w.extend_from_slice(&msg);
                w.push(b')');
                self.emit_warning(&w);
            }
            self.warn_buf = saved_warn;
        }
        th.get_mut().top = saved_top;
        self.heap.in_finalizer = false;
    }

    /// Writes a whole warning message (when warnings are on), as `warn` does.
    pub fn emit_warning(&mut self, msg: &[u8]) {
        if self.warnings_on {
            let mut m = b"Lua warning: ".to_vec();
            m.extend_from_slice(msg);
            m.push(b'\n');
            self.stdout.flush();
            use std::io::Write;
            let _ = std::io::stderr().write_all(&m);
        }
    }

    /// Closes the state's collector side (the reference's `lua_close`): calls the
    /// finalizer of every object registered for finalization, newest first. Objects
    /// are freed when the state is dropped.
    pub fn close(&mut self) {
        if self.heap.closing {
            return;
        }
        self.heap.closing = true;
        self.current = self.main;
        self.heap.separate_all_finalizers();
        self.run_finalizers(usize::MAX);
        self.stdout.flush();
    }
}
