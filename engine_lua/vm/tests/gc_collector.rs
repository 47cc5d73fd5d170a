//! The collector: weak tables, ephemerons, finalizer order and resurrection,
//! `collectgarbage` options, the host's stepping API and statistics, and recovery
//! from the memory limit. Each Lua snippet asserts its own expectations.

use engine_lua::{Limits, Lua};

fn run(src: &str) {
    let mut lua = Lua::new();
    if let Err(e) = lua.load(src).exec() {
        panic!("script failed: {e}\n{src}");
    }
}

#[test]
fn weak_values_keys_and_both() {
    run(r#"
        local wv = setmetatable({}, {__mode = "v"})
        local wk = setmetatable({}, {__mode = "k"})
        local kv = setmetatable({}, {__mode = "kv"})
        local keep = {}
        wv[1] = {}; wv[2] = keep; wv.s = "strings are values"; wv[3] = 42
        wk[{}] = 1; wk[keep] = 2; wk["str"] = {}
        kv[{}] = 1; kv[keep] = keep; kv[1] = {}; kv.x = "y"
        collectgarbage()
        assert(wv[1] == nil and wv[2] == keep and wv.s == "strings are values" and wv[3] == 42)
        local n = 0
        for k, v in pairs(wk) do n = n + 1 end
        assert(n == 2 and wk[keep] == 2 and type(wk.str) == "table")
        n = 0
        for k, v in pairs(kv) do n = n + 1 end
        assert(n == 2 and kv[keep] == keep and kv.x == "y")
    "#);
}

#[test]
fn ephemerons_chain_and_cycle() {
    run(r#"
        local e = setmetatable({}, {__mode = "k"})
        -- a chain: k1 -> k2 -> k3, only k1 is held.
        local k1 = {}
        local k2, k3 = {}, {}
        e[k1] = k2; e[k2] = k3; e[k3] = "end"
        k2, k3 = nil, nil
        -- a cycle through values only: collectable.
        do local a, b = {}, {}; e[a] = b; e[b] = a end
        -- a value that refers back to its own key: collectable.
        do local c = {}; e[c] = {c} end
        collectgarbage()
        local n = 0
        for k in pairs(e) do n = n + 1 end
        assert(n == 3, n)
        assert(e[e[e[k1]]] == "end")
        k1 = nil
        collectgarbage()
        assert(next(e) == nil)
    "#);
}

#[test]
fn finalizers_order_resurrection_once() {
    run(r#"
        local log = {}
        for _, name in ipairs{"a", "b", "c"} do
            setmetatable({}, {__gc = function() log[#log + 1] = name end})
        end
        collectgarbage()
        assert(table.concat(log, " ") == "c b a", table.concat(log, " "))
        -- Resurrection: the object lives on, its finalizer does not run again.
        local saved, calls = nil, 0
        do
            local o = setmetatable({name = "phoenix"}, {__gc = function(o) calls = calls + 1; saved = o end})
        end
        collectgarbage()
        assert(calls == 1 and saved.name == "phoenix")
        saved = nil
        collectgarbage(); collectgarbage()
        assert(calls == 1)
        -- __gc must be present when the metatable is set.
        local mt = {}
        do setmetatable({}, mt) end
        mt.__gc = function() error("never") end
        collectgarbage()
        -- A weak value to a finalized object is cleared before the finalizer runs; a
        -- weak key stays until the object really dies.
        local wv = setmetatable({}, {__mode = "v"})
        local wk = setmetatable({}, {__mode = "k"})
        local seen
        do
            local o = setmetatable({}, {__gc = function(o) seen = {wv[1], wk[o]} end})
            wv[1] = o; wk[o] = true
        end
        collectgarbage()
        assert(seen[1] == nil and seen[2] == true)
        -- Errors in finalizers are warnings, never errors.
        setmetatable({}, {__gc = function() error("boom") end})
        collectgarbage()
        assert(true)
    "#);
}

#[test]
fn finalizers_run_at_close() {
    let mut lua = Lua::new();
    lua.capture_output();
    lua.load(r#"x = setmetatable({}, {__gc = function() print("closed") end})"#)
        .exec()
        .unwrap();
    lua.vm().close();
    assert_eq!(lua.take_output(), b"closed\n");
}

#[test]
fn collectgarbage_options() {
    run(r#"
        assert(collectgarbage("isrunning"))
        assert(type(collectgarbage("count")) == "number")
        assert(collectgarbage("stop") == 0 and not collectgarbage("isrunning"))
        local before = collectgarbage("count")
        for i = 1, 10000 do local t = {i} end
        assert(collectgarbage("count") > before)   -- nothing collected while stopped
        assert(collectgarbage("step", 100000) == true)   -- explicit steps still work
        assert(not collectgarbage("isrunning"))
        collectgarbage("restart")
        assert(collectgarbage("isrunning"))
        assert(collectgarbage("setpause", 150) == 200)
        assert(collectgarbage("setpause", 200) == 150)
        assert(collectgarbage("setstepmul", 300) == 100)
        assert(collectgarbage("setstepmul", 100) == 300)
        assert(collectgarbage("incremental", 180, 200, 12) == "incremental")
        assert(collectgarbage("generational") == "incremental")
        assert(collectgarbage("incremental") == "generational")
        -- Small steps eventually finish a cycle.
        local n = 0
        repeat n = n + 1 until collectgarbage("step", 0)
        assert(n >= 1)
        assert(collectgarbage("collect") == 0)
        assert(collectgarbage() == 0)
    "#);
}

#[test]
fn host_steps_and_statistics() {
    let mut lua = Lua::new();
    lua.load("keep = {} for i = 1, 20000 do keep[i] = {i, tostring(i)} end")
        .exec()
        .unwrap();
    let vm = lua.vm();
    vm.heap.running = false;
    let mut steps = 0;
    while !vm.gc_step(1000) {
        steps += 1;
        assert!(steps < 1_000_000);
    }
    assert!(
        steps > 10,
        "a budget of 1000 units takes many steps: {steps}"
    );
    let s = vm.gc_stats();
    assert!(s.cycles >= 1);
    assert!(s.heap_bytes > 20000 * 32);
    assert!(s.objects[1] >= 20001, "tables: {:?}", s.objects);
    assert!(s.objects[0] >= 20000, "strings: {:?}", s.objects);
    assert!(s.longest_step >= s.last_step);
    assert_eq!(s.phase, "pause");
    vm.heap.running = true;
}

#[test]
fn incremental_cycle_with_mutation_between_steps() {
    // The host steps the collector in small slices while the program keeps building
    // and rewiring a structure: every object still reachable must survive.
    let mut lua = Lua::new();
    lua.vm().heap.running = false;
    lua.load("root = {} for i = 1, 2000 do root[i] = {v = i} end")
        .exec()
        .unwrap();
    for round in 0..200 {
        lua.vm().gc_step(200);
        let src = format!(
            "local r = {round} \
             local t = root[r % 2000 + 1] \
             t.child = {{v = r, s = 'n' .. r}} \
             root[(r * 7) % 2000 + 1] = {{v = -r, up = t}} \
             local u = 0 local f = function() u = u + 1 return {{u}} end \
             holder = f \
             for i = 1, 3 do f() end"
        );
        lua.load(&src).exec().unwrap();
    }
    lua.vm().collect_garbage();
    lua.load(
        "local n = 0 for i = 1, 2000 do assert(root[i].v) n = n + 1 \
         if root[i].child then assert(root[i].child.s == 'n' .. root[i].child.v) end \
         if root[i].up then assert(root[i].up.v) end end \
         assert(n == 2000) assert(holder()[1] > 0)",
    )
    .exec()
    .unwrap();
}

#[test]
fn memory_limit_error_is_catchable_and_state_recovers() {
    let mut lua = Lua::new();
    lua.set_limits(Limits {
        memory: Some(8 * 1024 * 1024),
        ..Limits::default()
    });
    let r = lua
        .load(
            "local ok, e = pcall(function() local t = {} for i = 1, 1e7 do t[i] = {i} end end) \
             return ok, e",
        )
        .eval::<(bool, String)>()
        .unwrap();
    assert!(!r.0);
    assert!(r.1.contains("not enough memory"), "{}", r.1);
    // The garbage of the failed attempt is collected; the state works.
    let v = lua
        .load("collectgarbage() local t = {} for i = 1, 1000 do t[i] = i end return #t")
        .eval::<i64>()
        .unwrap();
    assert_eq!(v, 1000);
    assert!(lua.vm().heap.bytes() < 8 * 1024 * 1024);
}

#[test]
fn big_tables_traversed_in_chunks_survive_mutation_and_resize() {
    // Tables bigger than the collector's chunk are traversed a chunk per step; the
    // program stores into both halves, moves entries out, and grows the tables
    // (a resize during the traversal) between the steps.
    let mut lua = Lua::new();
    lua.vm().heap.running = false;
    lua.load(
        "big = {} for i = 1, 20000 do big[i] = {v = i} end \
         hbig = {} for i = 1, 5000 do hbig['k' .. i] = {v = i} end \
         moved = {}",
    )
    .exec()
    .unwrap();
    for round in 0..400 {
        lua.vm().gc_step(300);
        let src = format!(
            "local r = {round} \
             big[(r * 37) % 20000 + 1] = {{v = (r * 37) % 20000 + 1}} \
             moved[#moved + 1] = big[20000 - r] big[20000 - r] = {{v = 20000 - r}} \
             hbig['k' .. (r % 5000 + 1)] = {{v = r % 5000 + 1}} \
             if r % 50 == 0 then for i = 1, 3000 do big[#big + 1] = {{v = #big + 1}} end end \
             if r % 70 == 0 then for i = 1, 2000 do hbig['n' .. r .. '_' .. i] = {{v = i}} end end"
        );
        lua.load(&src).exec().unwrap();
    }
    lua.vm().collect_garbage();
    lua.load(
        "for i = 1, #big do assert(big[i].v == i, i) end \
         for i = 1, 5000 do assert(hbig['k' .. i].v == i) end \
         for k, v in pairs(hbig) do assert(type(v.v) == 'number') end \
         for i = 1, #moved do assert(type(moved[i].v) == 'number') end",
    )
    .exec()
    .unwrap();
}

fn limited(bytes: usize) -> Lua {
    let mut lua = Lua::new();
    lua.set_limits(Limits {
        memory: Some(bytes),
        ..Limits::default()
    });
    lua
}

#[test]
fn memory_limit_checked_before_a_huge_string() {
    let mut lua = limited(8 * 1024 * 1024);
    // 1 GB (and 100 MB through a separator) would be allocated before a safe point;
    // the limit is checked first and nothing is allocated.
    let r = lua
        .load(
            "local ok1, e1 = pcall(string.rep, 'x', 1e9) \
             local ok2, e2 = pcall(string.rep, 'ab', 1e6, ('-'):rep(100)) \
             local s = ('y'):rep(1000) \
             return ok1, e1, ok2, e2, #s",
        )
        .eval::<(bool, String, bool, String, i64)>()
        .unwrap();
    assert_eq!(
        r,
        (
            false,
            "not enough memory".to_string(),
            false,
            "not enough memory".to_string(),
            1000
        )
    );
    assert!(lua.vm().heap.bytes() < 8 * 1024 * 1024);
    assert!(lua.vm().gc_stats().peak_bytes < 8 * 1024 * 1024);
}

#[test]
fn memory_limit_deep_recursion() {
    let mut lua = limited(4 * 1024 * 1024);
    // Deep recursion: the stack growth is checked before it happens (the stack's
    // own limit, a 16 MB stack, is beyond the memory limit).
    let r = lua
        .load(
            "local function f(n) return 1 + f(n + 1) end \
             local ok, e = pcall(f, 1) \
             local function g(n) if n == 0 then return 0 end return 1 + g(n - 1) end \
             return ok, e, g(1000)",
        )
        .eval::<(bool, String, i64)>()
        .unwrap();
    assert_eq!(r, (false, "not enough memory".to_string(), 1000));
    assert!(lua.vm().gc_stats().peak_bytes < 3 * 4 * 1024 * 1024);
    let v = lua
        .load("return ('z'):rep(10) .. #{1, 2, 3}")
        .eval::<String>()
        .unwrap();
    assert_eq!(v, "zzzzzzzzzz3");
}

#[test]
fn memory_limit_counts_table_growth_by_stores() {
    // Tables grown by stores alone (integers, floats, booleans: no new object, so no
    // allocation safe point): the growth counts against the limit, and the next loop
    // back-edge raises the catchable error; the state works afterwards.
    let mut lua = limited(8 * 1024 * 1024);
    let r = lua
        .load(
            "local ok1, e1 = pcall(function() local t = {} for i = 1, 2e7 do t[i] = i end end) \
             local ok2, e2 = pcall(function() local t = {} for i = 1, 2e7 do t[i + 0.5] = true end end) \
             local ok3, e3 = pcall(function() \
               local t = {} local i = 0 \
               while i < 2e7 do i = i + 1 t[-i] = false end \
             end) \
             local t = {} for i = 1, 1000 do t[i] = i end \
             return ok1, e1, ok2, e2, ok3, e3, #t",
        )
        .eval::<(bool, String, bool, String, bool, String, i64)>()
        .unwrap();
    let nem = "not enough memory".to_string();
    assert_eq!(
        r,
        (false, nem.clone(), false, nem.clone(), false, nem, 1000)
    );
    // At most one growth step past the limit.
    assert!(lua.vm().gc_stats().peak_bytes < 3 * 8 * 1024 * 1024);
    lua.vm().collect_garbage();
    assert!(lua.vm().heap.bytes() < 8 * 1024 * 1024);
    let v = lua
        .load("local t = {} for i = 1, 5000 do t[i] = i * 2 end return t[5000]")
        .eval::<i64>()
        .unwrap();
    assert_eq!(v, 10000);
}

#[test]
fn big_table_forward_barrier_keeps_new_object_keys_and_moved_nodes() {
    // A big table blackened by the chunked traversal is under the forward barrier
    // until the atomic phase: object keys inserted into it (whose insertion may move
    // colliding nodes across the traversed boundary) and values stored must all
    // survive, with nothing else referring to them, while the host steps in between.
    let mut lua = Lua::new();
    lua.vm().heap.running = false;
    lua.load(
        "big = {} keys = 0 \
         for i = 1, 6000 do big[{id = i}] = {v = i} keys = keys + 1 end",
    )
    .exec()
    .unwrap();
    for round in 0..300 {
        lua.vm().gc_step(200);
        let src = format!(
            "local r = {round} \
             for j = 1, 7 do big[{{id = -(r * 7 + j)}}] = {{v = -(r * 7 + j)}} keys = keys + 1 end \
             if r % 40 == 0 then for j = 1, 1500 do big[{{id = 1e6 + r * 1500 + j}}] = {{v = 1e6 + r * 1500 + j}} keys = keys + 1 end end"
        );
        lua.load(&src).exec().unwrap();
    }
    lua.vm().collect_garbage();
    lua.vm().collect_garbage();
    let n = lua
        .load(
            "local n = 0 \
             for k, v in pairs(big) do assert(k.id == v.v, 'entry') n = n + 1 end \
             assert(n == keys, n .. ' ' .. keys) return n",
        )
        .eval::<i64>()
        .unwrap();
    assert_eq!(n, 6000 + 300 * 7 + 8 * 1500);
}

#[test]
fn interned_strings_churn_and_stay_unique() {
    // Many short strings die and are removed from the intern table (its runs are
    // shifted back); the survivors and new strings stay unique (equal contents, one
    // object: table keys built separately meet), and the string count goes back down.
    let mut lua = Lua::new();
    let before = lua.vm().gc_stats().objects[0];
    lua.load(
        "keep = {} \
         for round = 1, 5 do \
           local junk = {} \
           for i = 1, 20000 do junk[i] = 'junk' .. round .. '_' .. i end \
           for i = 1, 200 do keep['k' .. round .. '_' .. i] = i end \
           junk = nil collectgarbage() \
         end \
         for round = 1, 5 do for i = 1, 200 do \
           local k = 'k' .. round .. '_' .. tostring(i) \
           assert(keep[k] == i, k) \
         end end",
    )
    .exec()
    .unwrap();
    lua.vm().collect_garbage();
    let after = lua.vm().gc_stats().objects[0];
    assert!(after < before + 2000, "strings: {before} -> {after}");
}
