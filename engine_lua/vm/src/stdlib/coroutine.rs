//! The coroutine library: `create`, `resume`, `yield`, `status`, `wrap`,
//! `isyieldable`, `running`, `close`. Coroutines are stackless: resume and yield
//! switch the running thread inside the interpreter loop (see `runtime::call`).

use crate::runtime::{CoStatus, LuaError, LuaResult, LuaType, Ret, Status, Thread, Value, Vm};

/// Registers the `coroutine` table.
pub fn open(vm: &mut Vm) {
    let fns: &[(&'static str, crate::runtime::NativeFn)] = &[
        ("create", create),
        ("resume", resume),
        ("yield", yield_),
        ("status", status),
        ("wrap", wrap),
        ("isyieldable", isyieldable),
        ("running", running),
        ("close", close),
    ];
    let t = vm.new_table_with(0, fns.len());
    for (name, f) in fns {
        let v = vm.new_native(name, *f);
        vm.raw_set_str(t, name, v);
    }
    vm.set_global("coroutine", Value::Table(t));
    let loaded = vm.loaded_table();
    vm.raw_set_str(loaded, "coroutine", Value::Table(t));
}

fn create(vm: &mut Vm) -> LuaResult<Ret> {
    let f = vm.check_type(1, LuaType::Function)?;
    let co = vm.heap.alloc(Thread::new(f));
    vm.ret(&[Value::Thread(co)])
}

fn resume_k(vm: &mut Vm, s: Status, _ctx: usize) -> LuaResult<Ret> {
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

fn resume(vm: &mut Vm) -> LuaResult<Ret> {
    let co = vm.check_thread(1)?;
    let n = vm.arg_count() - 1;
    Ok(Ret::Resume {
        co,
        nargs: n,
        k: resume_k,
        ctx: 0,
    })
}

fn yield_(vm: &mut Vm) -> LuaResult<Ret> {
    Ok(Ret::Yield {
        nvalues: vm.arg_count(),
        k: None,
        ctx: 0,
    })
}

fn status_name(vm: &Vm, co: crate::runtime::Gc<Thread>) -> &'static str {
    if co == vm.current {
        return "running";
    }
    match co.get().status {
        CoStatus::Suspended => "suspended",
        CoStatus::Running => "running",
        CoStatus::Normal => "normal",
        CoStatus::Dead => "dead",
    }
}

fn status(vm: &mut Vm) -> LuaResult<Ret> {
    let co = vm.check_thread(1)?;
    let s = status_name(vm, co);
    let v = vm.new_string(s.as_bytes());
    vm.ret(&[v])
}

fn wrap_k(vm: &mut Vm, s: Status, _ctx: usize) -> LuaResult<Ret> {
    match s {
        Status::Ok => Ok(Ret::Values(vm.get_top())),
        Status::Error(e) => {
            // An error inside the coroutine (not a failed resume) kills it: its pending
            // to-be-closed variables are closed now, and may replace the error.
            let Value::Thread(co) = vm.upvalue(0) else {
                unreachable!("wrap keeps its coroutine")
            };
            let e = match co.get().error {
                Some(_) => close_coroutine(vm, co).unwrap_or(e),
                None => e,
            };
            if let Value::Str(m) = e {
                let w = vm.where_(1);
                let mut b = w.into_bytes();
                b.extend_from_slice(m.get().as_bytes());
                return Err(LuaError(vm.new_string(&b)));
            }
            Err(LuaError(e))
        }
    }
}

/// Closes the upvalues and pending to-be-closed variables of a suspended or dead
/// coroutine, on its own stack (`lua_closethread`): the handlers get the error the
/// coroutine died with (nil if none) and cannot yield. Leaves it dead and empty;
/// returns the final error (the death error, or the last error a handler raised).
fn close_coroutine(vm: &mut Vm, co: crate::runtime::Gc<Thread>) -> Option<Value> {
    // Taken first (the close stack-anchors it): a handler that resumes or closes the
    // coroutine again sees a dead coroutine with nothing left to close.
    let err = co.get_mut().error.take();
    let saved = vm.current;
    vm.current = co;
    let r = vm.close_thread_level(err);
    vm.current = saved;
    let c = co.get_mut();
    c.status = CoStatus::Dead;
    c.frames.clear();
    c.unwinding.clear();
    c.top = 0;
    c.error = None;
    match r {
        Err(e) => Some(e.0),
        Ok(()) => err,
    }
}

fn wrap_aux(vm: &mut Vm) -> LuaResult<Ret> {
    let Value::Thread(co) = vm.upvalue(0) else {
        unreachable!("wrap keeps its coroutine")
    };
    let n = vm.arg_count();
    Ok(Ret::Resume {
        co,
        nargs: n,
        k: wrap_k,
        ctx: 0,
    })
}

fn wrap(vm: &mut Vm) -> LuaResult<Ret> {
    let f = vm.check_type(1, LuaType::Function)?;
    let co = vm.heap.alloc(Thread::new(f));
    let w = vm.new_native_with("wrap", wrap_aux, vec![Value::Thread(co)]);
    vm.ret(&[w])
}

fn isyieldable(vm: &mut Vm) -> LuaResult<Ret> {
    let co = if vm.is_none(1) {
        vm.current
    } else {
        vm.check_thread(1)?
    };
    let y = co != vm.main && (co != vm.current || co.get().resume_depth == vm.depth);
    vm.ret(&[Value::Bool(y)])
}

fn running(vm: &mut Vm) -> LuaResult<Ret> {
    let c = vm.current;
    let ismain = c == vm.main;
    vm.ret(&[Value::Thread(c), Value::Bool(ismain)])
}

fn close(vm: &mut Vm) -> LuaResult<Ret> {
    let co = vm.check_thread(1)?;
    match status_name(vm, co) {
        "suspended" | "dead" => match close_coroutine(vm, co) {
            Some(e) => vm.ret(&[Value::Bool(false), e]),
            None => vm.ret(&[Value::Bool(true)]),
        },
        s => Err(vm.error(format!("cannot close a {s} coroutine"))),
    }
}
