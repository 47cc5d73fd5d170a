//! The generational mode of the collector: old objects that point to young ones
//! (every kind of barrier), weak tables and ephemerons cleared by minor collections,
//! finalizers of young objects, coroutines, mode switches. Each snippet runs in
//! generational mode three ways: paced normally, with a minor collection at every
//! safe point (`Stress::Step`) and with a major one at every safe point
//! (`Stress::Collect`); each asserts its own expectations.

use engine_lua::Lua;
use engine_lua::runtime::gc::{GcMode, Stress};

fn run(src: &str) {
    for stress in [Stress::Off, Stress::Step, Stress::Collect] {
        let mut lua = Lua::new();
        lua.vm().gc_set_mode(GcMode::Generational);
        lua.vm().set_gc_stress(stress);
        if let Err(e) = lua.load(src).exec() {
            panic!("script failed under {stress:?}: {e}\n{src}");
        }
        lua.vm().set_gc_stress(Stress::Off);
        lua.vm().collect_garbage();
    }
}

#[test]
fn old_tables_keep_young_values_through_minor_collections() {
    run(r#"
        local U = {}
        collectgarbage()                 -- U is old
        U[1] = {x = {234}}               -- an old table points to new ones
        collectgarbage("step", 0)
        collectgarbage("step", 0)
        assert(U[1].x[1] == 234)
        for round = 1, 50 do
            U[round % 7 + 1] = {round, {tostring(round)}}
            U.k = {}
            U[U.k] = {round}               -- young key and young value
            for i = 1, 200 do local garbage = {i, {i}} end
            collectgarbage("step", 0)
            assert(U[round % 7 + 1][2][1] == tostring(round))
            assert(U[U.k][1] == round)
        end
        local s = 0
        for i = 1, 7 do if U[i] then s = s + #U[i] end end
        assert(s == 14)
    "#);
}

#[test]
fn upvalues_metatables_and_user_values() {
    run(r#"
        local up = {}
        local function get() return up end
        collectgarbage()                 -- the closure and its upvalue are old
        up = {"young"}                   -- a closed upvalue gets a new value
        collectgarbage("step", 0); collectgarbage("step", 0)
        for i = 1, 1000 do local g = {i} end
        collectgarbage("step", 0)
        assert(get()[1] == "young")
        local old = {10}
        collectgarbage()
        setmetatable(old, {__index = {answer = 42}})
        collectgarbage("step", 0); collectgarbage("step", 0); collectgarbage("step", 0)
        assert(old.answer == 42)
        -- debug.setupvalue and upvaluejoin into an old closure
        local a, b = {}, {}
        local function fa() return a end
        local function fb() return b end
        collectgarbage()
        debug.setupvalue(fa, 1, {"set"})
        collectgarbage("step", 0); collectgarbage("step", 0)
        assert(fa()[1] == "set")
        b = {"joined"}
        debug.upvaluejoin(fa, 1, fb, 1)
        b = nil
        collectgarbage("step", 0); collectgarbage("step", 0)
        for i = 1, 100 do local g = {i} end
        collectgarbage("step", 0)
        assert(fa() == nil and fb() == nil)
        local c = {"c"}
        local function fc() return c end
        debug.upvaluejoin(fa, 1, fc, 1)
        c = nil
        collectgarbage("step", 0)
        assert(fa() == nil)
    "#);
}

#[test]
fn weak_tables_lose_dead_young_entries_in_minor_collections() {
    run(r#"
        local wv = setmetatable({}, {__mode = "v"})
        local wk = setmetatable({}, {__mode = "k"})
        local kv = setmetatable({}, {__mode = "kv"})
        local keep = {}
        collectgarbage()                 -- the weak tables are old
        collectgarbage("step", 0); collectgarbage("step", 0)
        wv[1] = {}; wv[2] = keep; wv.s = "strings are values"
        wk[{}] = 1; wk[keep] = {"kept"}
        kv[{}] = 1; kv[1] = {}; kv[keep] = keep
        collectgarbage("step", 0)
        assert(wv[1] == nil and wv[2] == keep and wv.s == "strings are values")
        local n = 0
        for k in pairs(wk) do n = n + 1 end
        assert(n == 1 and wk[keep][1] == "kept")
        n = 0
        for k in pairs(kv) do n = n + 1 end
        assert(n == 1 and kv[keep] == keep)
        -- no barrier between the minor collections: still cleared
        kv[1] = {10}
        collectgarbage("step", 0)
        collectgarbage("step", 0)
        kv[1] = {10}
        collectgarbage("step", 0)
        assert(kv[1] == nil)
        -- ephemeron chains through young objects
        local e = setmetatable({}, {__mode = "k"})
        collectgarbage()
        local k1 = {}
        local k2, k3 = {}, {}
        e[k1] = k2; e[k2] = k3; e[k3] = "end"
        k2, k3 = nil, nil
        do local a, b = {}, {}; e[a] = b; e[b] = a end
        collectgarbage("step", 0)
        n = 0
        for k in pairs(e) do n = n + 1 end
        assert(n == 3, n)
        assert(e[e[e[k1]]] == "end")
        k1 = nil
        collectgarbage("step", 0); collectgarbage("step", 0); collectgarbage("step", 0)
        collectgarbage()
        assert(next(e) == nil)
    "#);
}

#[test]
fn finalizers_of_young_and_old_objects() {
    run(r#"
        local log = {}
        local A = {}
        collectgarbage()                 -- A is old
        do
            local obj = setmetatable({}, {__gc = function(o) log[#log + 1] = "young"; A[1] = o end, x = "+"})
        end
        collectgarbage("step", 0)
        collectgarbage("step", 0)
        assert(log[1] == "young", tostring(log[1]))
        assert(getmetatable(A[1]).x == "+")  -- resurrected with its metatable
        A[1] = nil
        local o2 = setmetatable({}, {__gc = function() log[#log + 1] = "old" end})
        collectgarbage()                 -- o2 is old
        o2 = nil
        for i = 1, 3 do collectgarbage("step", 0) end
        collectgarbage()
        assert(log[2] == "old", tostring(log[2]))
        -- many short-lived finalizable objects
        local count = 0
        for i = 1, 300 do setmetatable({}, {__gc = function() count = count + 1 end}) end
        collectgarbage()
        collectgarbage()
        assert(count == 300, count)
    "#);
}

#[test]
fn coroutines_keep_young_values_on_old_stacks() {
    run(r#"
        local old = {10}
        collectgarbage()
        local co = coroutine.create(function()
            local x = nil
            local f = function() return x[1] end
            x = coroutine.yield(f)
            coroutine.yield()
        end)
        local _, f = coroutine.resume(co)
        collectgarbage("step", 0)
        old[1] = {"hello"}
        coroutine.resume(co, {123})
        co = nil
        collectgarbage("step", 0)
        assert(f() == 123 and old[1][1] == "hello")
        collectgarbage("step", 0)
        assert(f() == 123 and old[1][1] == "hello")
        -- a long-lived coroutine whose stack holds new objects at every resume
        local gen = coroutine.wrap(function()
            local keep = {}
            collectgarbage()
            for i = 1, 200 do
                keep[i % 10 + 1] = {i}
                coroutine.yield(keep)
            end
        end)
        local last
        for i = 1, 200 do
            last = gen()
            for j = 1, 20 do local g = {j} end
        end
        collectgarbage("step", 0)
        assert(last[200 % 10 + 1][1] == 200)
    "#);
}

#[test]
fn mode_switches_return_the_previous_mode_and_keep_objects() {
    run(r#"
        local keep = {}
        for i = 1, 1000 do keep[i] = {i} end
        assert(collectgarbage("incremental") == "generational")
        assert(collectgarbage("incremental") == "incremental")
        for i = 1, 1000 do keep[i].s = tostring(i) end
        -- switch in the middle of an incremental cycle
        collectgarbage("step", 1)
        assert(collectgarbage("generational") == "incremental")
        assert(collectgarbage("generational", 10, 50) == "generational")
        for i = 1, 5000 do keep[i % 1000 + 1].y = {i} end
        assert(collectgarbage("step") == false)
        assert(collectgarbage("incremental") == "generational")
        -- (bounded: under the collect stress every safe point finishes the cycle)
        for i = 1, 100000 do if collectgarbage("step", 0) then break end end
        assert(collectgarbage("generational") == "incremental")
        for i = 1, 1000 do assert(keep[i][1] == i and keep[i].s == tostring(i)) end
    "#);
}

#[test]
fn a_program_allocating_many_short_lived_trees_collects_them() {
    let mut lua = Lua::new();
    lua.vm().gc_set_mode(GcMode::Generational);
    lua.load(
        r#"
        local function make(d) if d == 0 then return {} end return {make(d - 1), make(d - 1)} end
        local function check(t) if t[1] then return 1 + check(t[1]) + check(t[2]) end return 1 end
        local long = make(12)
        for i = 1, 200 do assert(check(make(8)) == 511) end
        assert(check(long) == 8191)
    "#,
    )
    .exec()
    .unwrap();
    let s = lua.vm().gc_stats();
    assert!(s.cycles > 10, "minor collections ran: {}", s.cycles);
    // The live heap is the long-lived tree (8191 tables) and the state; 200 dead
    // trees of 511 tables each must not all be alive.
    assert!(
        s.objects[1] < 8191 + 40_000,
        "tables alive: {}",
        s.objects[1]
    );
}
