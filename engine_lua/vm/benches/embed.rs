//! Criterion benchmarks of the embedding API: call round trips between Rust and Lua,
//! userdata method calls, table get/set from Rust, and making a fresh state.
//!
//! Run with `cargo bench -p engine_lua --bench embed`.
//!
//! Figures of 2026-11-21 (bench profile, a 2-core machine shared with other builds,
//! load average ~9.5, so absolute times are inflated):
//!
//! | benchmark                              | time per call |
//! |----------------------------------------|---------------|
//! | Rust -> Lua, empty function            | 41 ns         |
//! | Rust -> Lua, `function(x) return x end`| 52 ns         |
//! | Rust -> Lua -> Rust round trip         | 153 ns        |
//! | baseline: Lua -> Lua call (in a loop)  | 72 ns         |
//! | baseline: Lua -> builtin (`math.abs`)  | 64 ns         |
//! | Lua -> Rust host function              | 88 ns         |
//! | userdata method, `&self`               | 168 ns        |
//! | userdata method, `&mut self`           | 188 ns        |
//! | `Lua::new()` with all libraries        | 43 us (29 KiB on the GC heap) |
//!
//! Wall times on this machine move with its load; instruction counts do not. The
//! same operations counted by callgrind on `examples/roundtrip.rs` (instructions per
//! operation, `ROUNDTRIP_MODE` names the row), before and after the host entry
//! (`runtime/entry.rs`), typed host functions and the raw table fast paths:
//!
//! | operation (`ROUNDTRIP_MODE`)           | before | after |
//! |----------------------------------------|--------|-------|
//! | Rust -> Lua -> Rust round trip (round) | 1,082  | 741   |
//! | Rust -> Lua, empty function (empty)    | 447    | 292   |
//! | `Table::get`, string key (get)         | 337    | 179   |
//! | `Table::set`, string key (set)         | 403    | 286   |
//! | `Table::get`, integer key (geti)       | 196    | 54    |
//! | `Table::set`, integer key (seti)       | 185    | 82    |
#![allow(
    missing_docs,
    reason = "criterion_group! generates an undocumented function"
)]

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use engine_lua::{Function, Lua, UserData, UserDataMethods};

struct Counter {
    n: i64,
}

impl UserData for Counter {
    fn add_methods(m: &mut UserDataMethods<'_, Self>) {
        m.add_method("get", |_, c, ()| Ok(c.n));
        m.add_method_mut("add", |_, c, k: i64| {
            c.n += k;
            Ok(())
        });
    }
}

fn calls(c: &mut Criterion) {
    let mut lua = Lua::new();
    let inc = lua.create_function(|_, x: i64| Ok(x + 1)).unwrap();
    lua.globals().set(&mut lua, "inc", inc).unwrap();
    let empty: Function = lua.load("return function() end").eval().unwrap();
    let ident: Function = lua.load("return function(x) return x end").eval().unwrap();
    let round: Function = lua
        .load("return function(x) return (inc(x)) end")
        .eval()
        .unwrap();
    let loop_host: Function = lua
        .load("return function(n) local s = 0 for i = 1, n do s = inc(s) end return s end")
        .eval()
        .unwrap();

    let loop_lua: Function = lua
        .load("local function id(x) return x + 1 end return function(n) local s = 0 for i = 1, n do s = id(s) end return s end")
        .eval()
        .unwrap();
    let loop_builtin: Function = lua
        .load("local abs = math.abs return function(n) local s = 0 for i = 1, n do s = abs(s) end return s end")
        .eval()
        .unwrap();
    let mut g = c.benchmark_group("call");
    g.bench_function("rust->lua empty", |b| {
        b.iter(|| empty.call::<_, ()>(&mut lua, ()).unwrap())
    });
    g.bench_function("rust->lua identity(i64)", |b| {
        b.iter(|| ident.call::<_, i64>(&mut lua, 7).unwrap())
    });
    g.bench_function("rust->lua->rust round trip", |b| {
        b.iter(|| round.call::<_, i64>(&mut lua, 7).unwrap())
    });
    g.throughput(Throughput::Elements(1000));
    g.bench_function("baseline: lua->lua call (x1000)", |b| {
        b.iter(|| loop_lua.call::<_, i64>(&mut lua, 1000).unwrap())
    });
    g.bench_function("baseline: lua->builtin native call (x1000)", |b| {
        b.iter(|| loop_builtin.call::<_, i64>(&mut lua, 1000).unwrap())
    });
    g.bench_function("lua->rust host call (x1000)", |b| {
        b.iter(|| loop_host.call::<_, i64>(&mut lua, 1000).unwrap())
    });
    g.finish();
}

fn userdata(c: &mut Criterion) {
    let mut lua = Lua::new();
    let ud = lua.create_userdata(Counter { n: 0 }).unwrap();
    lua.globals().set(&mut lua, "counter", ud).unwrap();
    let get: Function = lua
        .load(
            "return function(n) local s = 0 for i = 1, n do s = s + counter:get() end return s end",
        )
        .eval()
        .unwrap();
    let add: Function = lua
        .load("return function(n) for i = 1, n do counter:add(1) end end")
        .eval()
        .unwrap();
    let mut g = c.benchmark_group("userdata");
    g.throughput(Throughput::Elements(1000));
    g.bench_function("method &self (x1000)", |b| {
        b.iter(|| get.call::<_, i64>(&mut lua, 1000).unwrap())
    });
    g.bench_function("method &mut self (x1000)", |b| {
        b.iter(|| add.call::<_, ()>(&mut lua, 1000).unwrap())
    });
    g.finish();
}

fn tables(c: &mut Criterion) {
    let mut lua = Lua::new();
    let t = lua.create_table();
    t.set(&mut lua, "x", 1).unwrap();
    t.set(&mut lua, 1, 1).unwrap();
    let mut g = c.benchmark_group("table");
    g.bench_function("get string key", |b| {
        b.iter(|| t.get::<i64>(&mut lua, "x").unwrap())
    });
    g.bench_function("set string key", |b| {
        b.iter(|| t.set(&mut lua, "x", 2).unwrap())
    });
    g.bench_function("get integer key", |b| {
        b.iter(|| t.get::<i64>(&mut lua, 1).unwrap())
    });
    g.bench_function("set integer key", |b| {
        b.iter(|| t.set(&mut lua, 1, 2).unwrap())
    });
    g.finish();
}

fn state(c: &mut Criterion) {
    let mut g = c.benchmark_group("state");
    g.bench_function("Lua::new (all libraries)", |b| b.iter(Lua::new));
    g.finish();
    let lua = Lua::new();
    eprintln!("fresh state heap bytes: {}", lua.used_memory());
}

criterion_group!(benches, calls, userdata, tables, state);
criterion_main!(benches);
