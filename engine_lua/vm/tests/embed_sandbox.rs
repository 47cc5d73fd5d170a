//! Sandboxing and execution limits: instruction budget, interrupt, memory, call depth,
//! forbidden libraries, and state reuse after each error.

use engine_lua::{Error, Limits, Lua, StdLib, Table};

fn still_usable(lua: &mut Lua) {
    assert_eq!(
        lua.load("local t = {} for i = 1, 10 do t[i] = i end return #t")
            .eval::<i64>()
            .unwrap(),
        10
    );
}

#[test]
fn instruction_budget_stops_infinite_loops() {
    let mut lua = Lua::new();
    lua.set_limits(Limits {
        instructions: Some(100_000),
        ..Limits::default()
    });
    for src in [
        "while true do end",
        "repeat until false",
        "::top:: goto top",
        "for i = 1, math.huge do end",
        "for i = 1, 1e300, 1.0 do end",
        "local function f() return f() end return f()",
        "local function f() local x = f() return x end return f()",
        "for k in function() return 1 end do end",
        // pcall inside the script cannot swallow the error for good.
        "while true do pcall(function() while true do end end) end",
    ] {
        let e = lua.load(src).set_name("=loop").exec().unwrap_err();
        let text = e.to_string();
        assert!(
            text.contains("instruction limit exceeded") || text.contains("stack overflow"),
            "{src}: {text}"
        );
        still_usable(&mut lua);
    }
    // Each host call gets a fresh budget: a long but finite script runs repeatedly.
    for _ in 0..3 {
        lua.load("local s = 0 for i = 1, 50000 do s = s + i end")
            .exec()
            .unwrap();
    }
}

#[test]
fn budget_error_is_catchable_by_the_host_and_names_the_line() {
    let mut lua = Lua::new();
    lua.set_limits(Limits {
        instructions: Some(1000),
        ..Limits::default()
    });
    let e = lua
        .load("local n = 0\nwhile true do n = n + 1 end")
        .set_name("=ai")
        .exec()
        .unwrap_err();
    match e {
        Error::Runtime { message, .. } => assert_eq!(message, "ai:2: instruction limit exceeded"),
        other => panic!("{other:?}"),
    }
    lua.set_limits(Limits::default());
    lua.load("for i = 1, 100000 do end").exec().unwrap();
}

#[test]
fn interrupt_callback_can_cancel() {
    let mut lua = Lua::new();
    let mut calls = 0;
    lua.set_interrupt(Some((
        500,
        Box::new(move |_vm: &mut engine_lua::runtime::Vm| {
            calls += 1;
            if calls >= 4 {
                Err(Error::runtime("cancelled by host"))
            } else {
                Ok(())
            }
        }),
    )));
    let e = lua
        .load("while true do end")
        .set_name("=i")
        .exec()
        .unwrap_err();
    assert!(e.to_string().starts_with("i:1: cancelled by host"), "{e}");
    lua.set_interrupt(None);
    still_usable(&mut lua);
}

#[test]
fn memory_limit_raises_not_enough_memory() {
    let mut lua = Lua::new();
    let base = lua.used_memory();
    lua.set_limits(Limits {
        memory: Some(base + 2 * 1024 * 1024),
        ..Limits::default()
    });
    let e = lua
        .load("local t = {} local i = 0 while true do i = i + 1 t[i] = {i} end")
        .exec()
        .unwrap_err();
    assert_eq!(e, Error::Memory);
    assert_eq!(e.to_string(), "not enough memory");
    // Catchable inside Lua too, as the reference's memory errors are.
    let (ok, msg): (bool, String) = lua
        .load("return pcall(function() local t = {} for i = 1, 1e9 do t[i] = tostring(i) end end)")
        .eval()
        .unwrap();
    assert_eq!((ok, msg.as_str()), (false, "not enough memory"));
    still_usable(&mut lua);
    assert!(lua.used_memory() < base + 2 * 1024 * 1024);
    // Stopping the collector does not lift the limit.
    let e = lua
        .load("collectgarbage('stop') local t = {} for i = 1, 1e9 do t[i] = {} end")
        .exec()
        .unwrap_err();
    assert_eq!(e, Error::Memory);
    lua.load("collectgarbage('restart')").exec().unwrap();
    still_usable(&mut lua);
}

#[test]
fn call_depth_limit() {
    let mut lua = Lua::new();
    lua.set_limits(Limits {
        call_depth: Some(50),
        ..Limits::default()
    });
    let e = lua
        .load("local function f(n) return 1 + f(n + 1) end return f(1)")
        .exec()
        .unwrap_err();
    assert!(e.to_string().contains("stack overflow"), "{e}");
    let ok: i64 = lua
        .load(
            "local function f(n) if n == 0 then return 0 end return 1 + f(n - 1) end return f(30)",
        )
        .eval()
        .unwrap();
    assert_eq!(ok, 30);
    assert_eq!(lua.limits().call_depth, Some(50));
}

#[test]
fn sandbox_preset_removes_dangerous_libraries() {
    let mut lua = Lua::sandboxed("scripts", Limits::default());
    let nils: Vec<bool> = lua
        .load("return {io == nil, os.execute == nil, os.exit == nil, os.getenv == nil, os.remove == nil, loadfile == nil, dofile == nil, package == nil or package.loadlib == nil}")
        .eval()
        .unwrap();
    assert!(nils.iter().all(|b| *b), "{nils:?}");
    let r: (f64, i64, String) = lua
        .load("return os.clock(), os.time{year=2020, month=1, day=1, hour=0}, os.date('!%Y', 0)")
        .eval()
        .unwrap();
    assert_eq!(r.2, "1970");
    // Text chunks load; binary chunks are refused even when asked for.
    assert_eq!(
        lua.load("return load('return 7')()").eval::<i64>().unwrap(),
        7
    );
    let (f, msg): (Option<i64>, String) = lua
        .load("return load(string.dump(function() end), 'x', 'b')")
        .eval()
        .unwrap();
    assert_eq!(f, None);
    assert!(msg.contains("attempt to load a binary chunk"), "{msg}");
    let dbg: (bool, bool) = lua
        .load("return debug.traceback ~= nil, debug.sethook == nil and debug.getinfo == nil")
        .eval()
        .unwrap();
    assert_eq!(dbg, (true, true));
    let e = lua.load("io.write('x')").exec().unwrap_err();
    assert!(
        e.to_string()
            .contains("attempt to index a nil value (global 'io')"),
        "{e}"
    );
    still_usable(&mut lua);
}

#[test]
fn stdlib_selection() {
    let mut lua = Lua::new_with(StdLib::STRING | StdLib::TABLE);
    let (io, os, math, string): (Option<Table>, Option<Table>, Option<Table>, Option<Table>) =
        lua.load("return io, os, math, string").eval().unwrap();
    assert!(io.is_none() && os.is_none() && math.is_none() && string.is_some());
    assert_eq!(
        lua.load("return ('x'):rep(3)").eval::<String>().unwrap(),
        "xxx"
    );
    let all = Lua::new_with(StdLib::ALL);
    drop(all);
}

#[test]
fn fresh_state_footprint() {
    let lua = Lua::new();
    let bytes = lua.used_memory();
    // The target is 40 KiB with every standard library (the heap's own count).
    eprintln!("fresh state with all libraries: {bytes} bytes on the heap");
    assert!(bytes < 200 * 1024, "{bytes}");
}

#[test]
fn sandboxed_require_stays_under_its_root() {
    let dir = std::env::temp_dir().join(format!("elua_sandbox_{}", std::process::id()));
    let root = dir.join("scripts");
    std::fs::create_dir_all(root.join("ai")).unwrap();
    std::fs::write(root.join("ai").join("guard.lua"), "return { speed = 3 }").unwrap();
    std::fs::write(root.join("util.lua"), "return ... .. '!'").unwrap();
    std::fs::write(dir.join("secret.lua"), "return 'leaked'").unwrap();
    let mut lua = Lua::sandboxed(root.to_str().unwrap(), Limits::default());
    assert_eq!(
        lua.load("return require('ai.guard').speed")
            .eval::<i64>()
            .unwrap(),
        3
    );
    assert_eq!(
        lua.load("return (require('util'))")
            .eval::<String>()
            .unwrap(),
        "util!"
    );
    // Changing package.path does not widen the search.
    let e = lua
        .load("package.path = '../?.lua;' .. package.path return require('secret')")
        .exec()
        .unwrap_err();
    let text = e.to_string();
    assert!(text.contains("module 'secret' not found"), "{text}");
    assert!(!text.contains("leaked"));
    let e = lua.load("return require('..secret')").exec().unwrap_err();
    assert!(
        e.to_string().contains("is not allowed in the sandbox"),
        "{e}"
    );
    let gone: (Option<Table>, bool) = lua
        .load("return package.loadlib, package.searchpath == nil")
        .eval()
        .unwrap();
    assert!(gone.0.is_none() && gone.1);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn hook_set_by_the_interrupt_callback_takes_effect_at_once() {
    // The dispatch loop runs without per-instruction hook tests while no hook is set;
    // a hook set from the host's interrupt must still fire for the very next
    // instructions (here a count hook every instruction, from inside a loop without
    // calls, and from inside a loop whose body only calls Lua functions).
    for src in [
        "n = 0 function counter() n = n + 1 end\n\
         local i = 0 while n < 100 do i = i + 1 end return n",
        "n = 0 function counter() n = n + 1 end\n\
         local function f(x) return x + 1 end\n\
         local i = 0 while n < 100 do i = f(i) end return n",
        "n = 0 function counter() n = n + 1 end\n\
         local s = 0 for i = 1, 1e12 do s = s + i if n >= 100 then break end end return n",
    ] {
        let mut lua = Lua::new();
        let mut armed = false;
        lua.set_interrupt(Some((
            1000,
            Box::new(move |vm: &mut engine_lua::runtime::Vm| {
                if !armed {
                    armed = true;
                    let f = vm.get_global("counter");
                    let th = vm.current;
                    vm.set_hook(th, f, engine_lua::runtime::hook::mask::COUNT, 1);
                } else if matches!(vm.get_global("n"), engine_lua::runtime::Value::Int(0)) {
                    // Without this the loop would never end.
                    return Err(Error::runtime("the hook did not fire"));
                }
                Ok(())
            }),
        )));
        // At least 100 (the hook also counts the instructions that end the loop).
        let n = lua.load(src).eval::<i64>().unwrap();
        assert!((100..200).contains(&n), "{src}: {n}");
    }
}
