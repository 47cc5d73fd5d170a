//! The embedding API's hot paths in a loop, for profiling them
//! (`valgrind --tool=callgrind target/release/examples/roundtrip`).
//!
//! Prints the time per operation. `ROUNDTRIP_N` sets the number of operations;
//! `ROUNDTRIP_MODE` picks what is measured:
//!
//! * `round` (default): a Rust -> Lua -> Rust call round trip
//!   (`function(x) return (inc(x)) end`, `inc` a Rust function);
//! * `empty`: a Rust -> Lua call of `function() end`;
//! * `get` / `set`: `Table::get` / `Table::set` of a string key;
//! * `geti` / `seti`: the same with an integer key.
//!
//! Instructions per operation: run under callgrind with two values of `ROUNDTRIP_N`
//! and divide the difference of the totals by the difference of the counts.

use engine_lua::{Function, Lua};

fn main() {
    let n: i64 = std::env::var("ROUNDTRIP_N")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let mode = std::env::var("ROUNDTRIP_MODE").unwrap_or_else(|_| "round".into());
    let mut lua = Lua::new();
    let inc = lua.create_function(|_, x: i64| Ok(x + 1)).unwrap();
    lua.globals().set(&mut lua, "inc", inc).unwrap();
    let round: Function = lua
        .load("return function(x) return (inc(x)) end")
        .eval()
        .unwrap();
    let empty: Function = lua.load("return function() end").eval().unwrap();
    let t = lua.create_table();
    t.set(&mut lua, "x", 1).unwrap();
    t.set(&mut lua, 1, 1).unwrap();
    let start = std::time::Instant::now();
    let mut s = 0;
    match mode.as_str() {
        "round" => {
            for i in 0..n {
                s += round.call::<_, i64>(&mut lua, i).unwrap();
            }
        }
        "empty" => {
            for _ in 0..n {
                empty.call::<_, ()>(&mut lua, ()).unwrap();
            }
        }
        "get" => {
            for _ in 0..n {
                s += t.get::<i64>(&mut lua, "x").unwrap();
            }
        }
        "set" => {
            for i in 0..n {
                t.set(&mut lua, "x", i).unwrap();
            }
        }
        "geti" => {
            for _ in 0..n {
                s += t.get::<i64>(&mut lua, 1).unwrap();
            }
        }
        "seti" => {
            for i in 0..n {
                t.set(&mut lua, 1, i).unwrap();
            }
        }
        other => panic!("unknown ROUNDTRIP_MODE {other}"),
    }
    let t = start.elapsed();
    println!(
        "{n} x {mode}: {:.1} ns each (checksum {s})",
        t.as_secs_f64() * 1e9 / n as f64
    );
}
