//! The script-side half of the coroutine scheduler: `wait(seconds)`,
//! `wait_frames(n)`, `wait_until(fn)` (each yields the running scheduler coroutine
//! and records why and where), `start(fn)` (a new coroutine owned by the calling
//! script; many per script) and `stop(id)`. The Rust half, which resumes coroutines
//! on later frames, is [`crate::runtime::LuaRuntime::run_coroutines`].
//!
//! `on_load` runs as a scheduler coroutine, so it may wait too. Callbacks such as
//! `on_update` are plain calls: waiting there is an error that says to use `start`.

use std::rc::Rc;

use engine_lua::runtime::Vm;
use engine_lua::{Error, Function, Result, Table};

use crate::bind::{Ctx, Wait};

fn suspend(vm: &mut Vm, ctx: &Ctx, name: &str, wait: Wait) -> Result<()> {
    let at = vm.where_(1);
    let at = at.trim_end_matches([':', ' ']).to_string();
    let mut s = ctx.sched.borrow_mut();
    if s.current_co.is_none() {
        return Err(Error::runtime(format!(
            "{name}() can only be called from a coroutine: wrap the code in start(function() ... end)"
        )));
    }
    s.pending = Some((wait, at));
    drop(s);
    vm.yield_with(())
}

/// Installs `wait`, `wait_frames`, `wait_until`, `start`, `stop`.
pub fn install(vm: &mut Vm, ctx: &Rc<Ctx>, globals: &Table) -> Result<()> {
    let c = ctx.clone();
    let f = vm.create_function(move |vm, secs: f64| {
        let t = c.sched.borrow().time + secs.max(0.0);
        suspend(vm, &c, "wait", Wait::Time(t))
    })?;
    globals.set(vm, "wait", f)?;
    let c = ctx.clone();
    let f = vm.create_function(move |vm, n: Option<i64>| {
        let n = n.unwrap_or(1).max(1) as u64;
        let at = c.sched.borrow().frame + n;
        suspend(vm, &c, "wait_frames", Wait::Frame(at))
    })?;
    globals.set(vm, "wait_frames", f)?;
    let c = ctx.clone();
    let f = vm.create_function(move |vm, cond: Function| {
        suspend(vm, &c, "wait_until", Wait::Until(cond))
    })?;
    globals.set(vm, "wait_until", f)?;
    let c = ctx.clone();
    let f = vm.create_function(move |vm, f: Function| {
        let at = vm.where_(1).trim_end_matches([':', ' ']).to_string();
        let mut s = c.sched.borrow_mut();
        s.next_id += 1;
        let id = s.next_id;
        let owner = s.current_owner;
        s.spawned.push((id, owner, f, at));
        Ok(id as i64)
    })?;
    globals.set(vm, "start", f)?;
    let c = ctx.clone();
    let f = vm.create_function(move |_, id: i64| {
        c.sched.borrow_mut().cancelled.push(id as u64);
        Ok(())
    })?;
    globals.set(vm, "stop", f)?;
    Ok(())
}
