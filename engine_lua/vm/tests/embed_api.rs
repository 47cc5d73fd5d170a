//! The embedding API: conversions, handles, host functions, errors, panics, yields.

use std::collections::{BTreeMap, HashMap};

use engine_lua::{Bytes, Error, Function, Lua, LuaString, LuaValue, Table, ThreadStatus, Variadic};

fn lua() -> Lua {
    let mut l = Lua::new();
    l.capture_output();
    l
}

#[test]
fn scalar_conversions_round_trip() {
    let mut lua = lua();
    let f: Function = lua
        .load("return function(...) return ... end")
        .eval()
        .unwrap();
    let (a, b, c, d, e): (i64, f64, bool, String, Option<i64>) = f
        .call(&mut lua, (7i64, 2.5f64, true, "hé", None::<i64>))
        .unwrap();
    assert_eq!((a, b, c, d.as_str(), e), (7, 2.5, true, "hé", None));
    let (x, y): (u8, i32) = f.call(&mut lua, (255u32, -3i8)).unwrap();
    assert_eq!((x, y), (255, -3));
    // Floats with an exact integer value and numeric strings convert to integers.
    let (i, j): (i64, i64) = f.call(&mut lua, (3.0f64, "12")).unwrap();
    assert_eq!((i, j), (3, 12));
    // Numbers convert to strings as tostring does.
    let s: String = f.call(&mut lua, 1.5).unwrap();
    assert_eq!(s, "1.5");
    let b: Bytes = f.call(&mut lua, &b"\xff\x00"[..]).unwrap();
    assert_eq!(b.0, vec![0xff, 0]);
    let s: LuaString = f.call(&mut lua, "abc").unwrap();
    assert_eq!(s.to_str(&lua).unwrap(), "abc");
}

#[test]
fn conversion_errors_name_both_types() {
    let mut lua = lua();
    let e = lua.load("return 'x'").eval::<i64>().unwrap_err();
    assert_eq!(
        e.to_string(),
        "bad argument #1 (cannot convert a string to i64)"
    );
    let e = lua.load("return 1.5").eval::<i64>().unwrap_err();
    assert!(
        e.to_string()
            .contains("number has no integer representation"),
        "{e}"
    );
    let e = lua.load("return 300").eval::<u8>().unwrap_err();
    assert!(e.to_string().contains("out of range"), "{e}");
    let e = lua.load("return {}").eval::<String>().unwrap_err();
    assert!(
        e.to_string().contains("cannot convert a table to String"),
        "{e}"
    );
    let e = lua.pack(u64::MAX).unwrap_err();
    assert!(matches!(e, Error::IntoLua { from: "u64", .. }));
}

#[test]
fn container_conversions() {
    let mut lua = lua();
    let v: Vec<i64> = lua.load("return {1, 2, 3}").eval().unwrap();
    assert_eq!(v, vec![1, 2, 3]);
    let m: HashMap<String, f64> = lua.load("return {a = 1, b = 2.5}").eval().unwrap();
    assert_eq!(m["b"], 2.5);
    let bm: BTreeMap<i64, String> = lua.load("return {'x', 'y'}").eval().unwrap();
    assert_eq!(bm.values().cloned().collect::<Vec<_>>(), vec!["x", "y"]);
    let f: Function = lua
        .load(
            "return function(t) local n = 0 for k, v in pairs(t) do n = n + v end return n, #t end",
        )
        .eval()
        .unwrap();
    let (sum, len): (i64, i64) = f.call(&mut lua, vec![1, 2, 3, 4]).unwrap();
    assert_eq!((sum, len), (10, 4));
    let mut hm = HashMap::new();
    hm.insert("a", 5);
    hm.insert("b", 6);
    let (sum, len): (i64, i64) = f.call(&mut lua, hm).unwrap();
    assert_eq!((sum, len), (11, 0));
    let Variadic(all): Variadic<i64> = lua.load("return 1, 2, 3").eval().unwrap();
    assert_eq!(all, vec![1, 2, 3]);
    let (first, Variadic(rest)): (String, Variadic<i64>) =
        lua.load("return 'h', 4, 5").eval().unwrap();
    assert_eq!((first.as_str(), rest), ("h", vec![4, 5]));
    let v: LuaValue = lua.load("return {}").eval().unwrap();
    assert_eq!(v.type_name(), "table");
    let none: () = lua.load("return 1").eval().unwrap();
    assert_eq!(none, ());
}

#[test]
fn tables_get_set_iterate_metatables() {
    let mut lua = lua();
    let g = lua.globals();
    g.set(&mut lua, "answer", 42).unwrap();
    assert_eq!(lua.load("return answer").eval::<i64>().unwrap(), 42);
    let t = lua.create_table();
    t.set(&mut lua, "a", 1).unwrap();
    t.raw_set(&mut lua, 1, "one").unwrap();
    t.raw_set(&mut lua, 2, "two").unwrap();
    assert_eq!(t.raw_len(&lua).unwrap(), 2);
    assert_eq!(t.len(&mut lua).unwrap(), 2);
    let seq: Vec<String> = t
        .sequence_values(&mut lua)
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(seq, vec!["one", "two"]);
    let mut n = 0;
    for kv in t.pairs::<LuaValue, LuaValue>(&mut lua) {
        kv.unwrap();
        n += 1;
    }
    assert_eq!(n, 3);
    // Metatables: __index with the non-raw get, not with raw_get.
    let mt: Table = lua.load("return {__index = function(t, k) return k .. '!' end, __len = function() return 99 end}").eval().unwrap();
    t.set_metatable(&mut lua, Some(&mt)).unwrap();
    assert_eq!(t.get::<String>(&mut lua, "zz").unwrap(), "zz!");
    assert_eq!(t.raw_get::<Option<String>>(&mut lua, "zz").unwrap(), None);
    assert_eq!(t.len(&mut lua).unwrap(), 99);
    assert!(t.metatable(&mut lua).unwrap().is_some());
    t.set_metatable(&mut lua, None).unwrap();
    assert_eq!(t.len(&mut lua).unwrap(), 2);
    // A nil key is an error, not a panic.
    let e = t.raw_set(&mut lua, LuaValue::Nil, 1).unwrap_err();
    assert!(e.to_string().contains("index is nil"), "{e}");
    let e = t.set(&mut lua, LuaValue::Nil, 1).unwrap_err();
    assert!(e.to_string().contains("index is nil"), "{e}");
    let e = t.set(&mut lua, f64::NAN, 1).unwrap_err();
    assert!(e.to_string().contains("index is NaN"), "{e}");
}

#[test]
fn table_get_set_take_metamethods_only_when_they_apply() {
    let mut lua = lua();
    // `log` records the __index/__newindex calls; `t.present` exists raw.
    let t: Table = lua
        .load(
            "log = {}
             local t = {present = 1}
             return setmetatable(t, {
               __index = function(_, k) log[#log + 1] = 'get ' .. k return 'meta' end,
               __newindex = function(t, k, v) log[#log + 1] = 'set ' .. k rawset(t, k, v * 10) end,
             })",
        )
        .eval()
        .unwrap();
    // Present keys are read and replaced raw; absent ones go through the metamethods.
    assert_eq!(t.get::<i64>(&mut lua, "present").unwrap(), 1);
    t.set(&mut lua, "present", 2).unwrap();
    assert_eq!(t.get::<String>(&mut lua, "absent").unwrap(), "meta");
    t.set(&mut lua, "fresh", 3).unwrap();
    assert_eq!(t.raw_get::<i64>(&mut lua, "fresh").unwrap(), 30);
    assert_eq!(t.get::<i64>(&mut lua, "present").unwrap(), 2);
    let log: Vec<String> = lua.load("return log").eval().unwrap();
    assert_eq!(log, vec!["get absent", "set fresh"]);
    // Without a metatable: absent is nil, integer and string keys store raw.
    let p = lua.create_table();
    assert_eq!(p.get::<Option<i64>>(&mut lua, "nothing").unwrap(), None);
    p.set(&mut lua, 1, "one").unwrap();
    p.set(&mut lua, "k", 2.5).unwrap();
    assert_eq!(p.get::<String>(&mut lua, 1).unwrap(), "one");
    assert_eq!(p.get::<f64>(&mut lua, "k").unwrap(), 2.5);
    // A value stored from Rust survives a collection (the write barrier ran).
    p.set(&mut lua, "s", "kept string").unwrap();
    lua.gc_collect();
    assert_eq!(p.get::<String>(&mut lua, "s").unwrap(), "kept string");
}

#[test]
fn handles_survive_collections_and_release_on_drop() {
    let mut lua = lua();
    let t = lua.create_table();
    t.set(&mut lua, "x", "kept").unwrap();
    let f: Function = lua
        .load("return function() return 'alive' end")
        .eval()
        .unwrap();
    for _ in 0..3 {
        lua.load("local junk = {} for i = 1, 1000 do junk[i] = {i} end")
            .exec()
            .unwrap();
        lua.gc_collect();
    }
    assert_eq!(t.get::<String>(&mut lua, "x").unwrap(), "kept");
    assert_eq!(f.call::<_, String>(&mut lua, ()).unwrap(), "alive");
    let before = lua.heap.object_count();
    let many: Vec<Table> = (0..100).map(|_| lua.create_table()).collect();
    drop(many);
    lua.gc_collect();
    assert!(lua.heap.object_count() <= before + 1);
}

#[test]
fn handle_from_another_state_is_rejected() {
    let mut a = lua();
    let mut b = lua();
    let t = a.create_table();
    assert!(matches!(t.set(&mut b, "x", 1), Err(Error::WrongState)));
    drop(a);
    assert!(matches!(t.get::<i64>(&mut b, "x"), Err(Error::WrongState)));
}

#[test]
fn host_functions_args_results_errors() {
    let mut lua = lua();
    let add = lua
        .create_function(|_, (a, b): (i64, f64)| Ok(a as f64 + b))
        .unwrap();
    lua.globals().set(&mut lua, "add", add).unwrap();
    assert_eq!(lua.load("return add(1, 2.5)").eval::<f64>().unwrap(), 3.5);
    let e = lua
        .load("local r = add({}, 1) return r")
        .set_name("=t")
        .eval::<f64>()
        .unwrap_err();
    assert_eq!(
        e.to_string().lines().next().unwrap(),
        "t:1: bad argument #1 to 'add' (number expected, got table)"
    );
    let fail = lua
        .create_function(|_, ()| -> engine_lua::Result<()> { Err(Error::runtime("nope")) })
        .unwrap();
    lua.globals().set(&mut lua, "fail", fail).unwrap();
    let (ok, msg): (bool, String) = lua
        .load("local ok, m = pcall(fail) return ok, m")
        .set_name("=s")
        .eval()
        .unwrap();
    // Called by pcall (a C function): no position, as luaL_error in C.
    assert_eq!((ok, msg.as_str()), (false, "nope"));
    // A host function that creates tables and calls back into Lua.
    let build = lua
        .create_function(|vm, (n, f): (i64, Function)| {
            let t = vm.create_table();
            for i in 1..=n {
                let v: i64 = f.call(vm, i)?;
                t.raw_set(vm, i, v)?;
            }
            Ok(t)
        })
        .unwrap();
    lua.globals().set(&mut lua, "build", build).unwrap();
    let v: Vec<i64> = lua
        .load("return build(4, function(i) return i * i end)")
        .eval()
        .unwrap();
    assert_eq!(v, vec![1, 4, 9, 16]);
}

#[test]
fn create_function_mut_counts_and_rejects_recursion() {
    let mut lua = lua();
    let mut n = 0;
    let f = lua
        .create_function_mut(move |vm, again: bool| {
            n += 1;
            if again {
                let g: Function = vm.globals().get(vm, "f")?;
                g.call::<_, ()>(vm, false)?;
            }
            Ok(n)
        })
        .unwrap();
    lua.globals().set(&mut lua, "f", f).unwrap();
    assert_eq!(lua.load("return f(false)").eval::<i64>().unwrap(), 1);
    let e = lua.load("return f(true)").eval::<i64>().unwrap_err();
    assert!(
        e.to_string()
            .contains("mutable callback called recursively"),
        "{e}"
    );
}

#[test]
fn panic_in_host_function_becomes_lua_error() {
    let mut lua = lua();
    let boom = lua
        .create_function(|_, ()| -> engine_lua::Result<()> { panic!("kaboom") })
        .unwrap();
    lua.globals().set(&mut lua, "boom", boom).unwrap();
    let prev = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let (ok, msg): (bool, String) = lua
        .load("local ok, m = pcall(boom) return ok, m")
        .set_name("=p")
        .eval()
        .unwrap();
    let e = lua.load("boom()").set_name("=p").exec().unwrap_err();
    std::panic::set_hook(prev);
    assert!(!ok);
    assert_eq!(msg, "panic in host function: kaboom");
    assert!(matches!(e, Error::Runtime { .. }));
    // The state is still usable.
    assert_eq!(lua.load("return 2 * 21").eval::<i64>().unwrap(), 42);
}

#[test]
fn syntax_and_runtime_errors() {
    let mut lua = lua();
    let e = lua
        .load("x = = 1")
        .set_name("@scripts/ai/guard.lua")
        .exec()
        .unwrap_err();
    match &e {
        Error::Syntax {
            chunk,
            line,
            message,
            incomplete,
        } => {
            assert_eq!(chunk, "@scripts/ai/guard.lua");
            assert_eq!(*line, 1);
            assert!(!incomplete);
            assert_eq!(
                message,
                "scripts/ai/guard.lua:1: unexpected symbol near '='"
            );
        }
        other => panic!("{other:?}"),
    }
    let e = lua.load("if x then").exec().unwrap_err();
    assert!(matches!(
        e,
        Error::Syntax {
            incomplete: true,
            ..
        }
    ));
    let e = lua
        .load("local t = nil\nreturn t.x")
        .set_name("=level1")
        .exec()
        .unwrap_err();
    let text = e.to_string();
    assert!(
        text.starts_with("level1:2: attempt to index a nil value (local 't')\nstack traceback:"),
        "{text}"
    );
    let e = lua.load("error({code = 7})").exec().unwrap_err();
    match e {
        Error::Runtime {
            message,
            value: Some(LuaValue::Table(t)),
            ..
        } => {
            assert_eq!(message, "(error object is a table value)");
            assert_eq!(t.get::<i64>(&mut lua, "code").unwrap(), 7);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn load_builder_env_name_and_function() {
    let mut lua = lua();
    let env = lua.create_table();
    env.set(&mut lua, "speed", 3).unwrap();
    lua.load("x = speed * 2").set_env(&env).exec().unwrap();
    assert_eq!(env.get::<i64>(&mut lua, "x").unwrap(), 6);
    assert_eq!(lua.load("return x").eval::<Option<i64>>().unwrap(), None);
    let f = lua.load("return ... + 1").into_function().unwrap();
    assert_eq!(f.call::<_, i64>(&mut lua, 41).unwrap(), 42);
    assert_eq!(
        lua.load("return select('#', ...)")
            .call::<_, i64>((1, 2, 3))
            .unwrap(),
        3
    );
    // Binary chunks are refused unless allowed.
    let bin: Bytes = lua
        .load("return string.dump(function() return 5 end)")
        .eval()
        .unwrap();
    let e = lua.load(&bin.0).exec().unwrap_err();
    assert!(
        e.to_string().contains("attempt to load a binary chunk"),
        "{e}"
    );
}

#[test]
fn coroutines_from_rust() {
    let mut lua = lua();
    let f = lua
        .load("local a = coroutine.yield(1) local b = coroutine.yield(a + 1) return b * 2")
        .into_function()
        .unwrap();
    let co = lua.create_thread(&f).unwrap();
    assert_eq!(co.status(&lua).unwrap(), ThreadStatus::Resumable);
    assert_eq!(co.resume::<_, i64>(&mut lua, ()).unwrap(), 1);
    assert_eq!(co.resume::<_, i64>(&mut lua, 10).unwrap(), 11);
    assert_eq!(co.resume::<_, i64>(&mut lua, 5).unwrap(), 10);
    assert_eq!(co.status(&lua).unwrap(), ThreadStatus::Dead);
    assert!(matches!(
        co.resume::<_, ()>(&mut lua, ()),
        Err(Error::CoroutineNotResumable("dead"))
    ));
    let bad = lua
        .load("error('inside')")
        .set_name("=co")
        .into_function()
        .unwrap();
    let co = lua.create_thread(&bad).unwrap();
    let e = co.resume::<_, ()>(&mut lua, ()).unwrap_err();
    assert!(e.to_string().starts_with("co:1: inside"), "{e}");
}

#[test]
fn yields_from_rust_functions() {
    let mut lua = lua();
    let wait = lua
        .create_function(|vm, secs: f64| vm.yield_with(("wait", secs)))
        .unwrap();
    lua.globals().set(&mut lua, "wait", wait).unwrap();
    let ask = lua
        .create_function(|vm, q: String| vm.yield_then(q, |_, n: i64| Ok(n * 10)))
        .unwrap();
    lua.globals().set(&mut lua, "ask", ask).unwrap();
    let script = lua
        .load(
            "local log = {}\n\
             for i = 1, 3 do log[#log + 1] = wait(i / 2) end\n\
             local n = ask('how many?')\n\
             local ok, v = pcall(ask, 'inside pcall')\n\
             return table.concat(log, ','), n, ok, v",
        )
        .into_function()
        .unwrap();
    let co = lua.create_thread(&script).unwrap();
    // A scheduler: resume with the time waited.
    for i in 1..=3 {
        let (what, secs): (String, f64) = co.resume(&mut lua, ()).unwrap();
        assert_eq!((what.as_str(), secs), ("wait", i as f64 / 2.0));
        let _ = i;
    }
    let q: String = co.resume(&mut lua, "t").unwrap();
    assert_eq!(q, "how many?");
    let q: String = co.resume(&mut lua, 4).unwrap();
    assert_eq!(q, "inside pcall");
    let (log, n, ok, v): (Option<String>, i64, bool, i64) = co.resume(&mut lua, 7).unwrap();
    assert_eq!(log.as_deref(), Some("t"));
    assert_eq!((n, ok, v), (40, true, 70));
    // Yielding outside a coroutine is a Lua error.
    let e = lua.load("wait(1)").exec().unwrap_err();
    assert!(
        e.to_string()
            .contains("attempt to yield from outside a coroutine"),
        "{e}"
    );
}

#[test]
fn registry_values() {
    let mut lua = lua();
    let t = lua.create_table();
    lua.set_named_registry_value("my.table", &t).unwrap();
    let back: Table = lua.named_registry_value("my.table").unwrap();
    assert_eq!(back, t);
}

#[test]
fn into_lua_for_each_type_round_trips() {
    let mut lua = lua();
    let id: Function = lua
        .load("return function(...) return ... end")
        .eval()
        .unwrap();
    let s = String::from("owned");
    let (a, b, c, d, e, f): (f32, i8, String, Bytes, Option<u16>, isize) = id
        .call(
            &mut lua,
            (1.5f32, -3i8, &s, Bytes(vec![0, 1]), Some(7u16), -9isize),
        )
        .unwrap();
    assert_eq!(
        (a, b, c.as_str(), d.0, e, f),
        (1.5, -3, "owned", vec![0, 1], Some(7), -9)
    );
    let v: Vec<String> = id
        .call(&mut lua, vec!["a".to_string(), "b".to_string()])
        .unwrap();
    assert_eq!(v, vec!["a", "b"]);
    let m: BTreeMap<String, Vec<i64>> = id
        .call(&mut lua, BTreeMap::from([("k".to_string(), vec![1, 2])]))
        .unwrap();
    assert_eq!(m["k"], vec![1, 2]);
    let lv = lua.pack(LuaValue::Boolean(true)).unwrap();
    assert_eq!(lv, LuaValue::Boolean(true));
    let t = lua.create_sequence_from([10, 20]).unwrap();
    let back: Table = id.call(&mut lua, &t).unwrap();
    assert_eq!(back, t);
    let n: usize = lua.load("return 42").eval().unwrap();
    assert_eq!(n, 42);
    assert!(lua.load("return -1").eval::<usize>().is_err());
}
