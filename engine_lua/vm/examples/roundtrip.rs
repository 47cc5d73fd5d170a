//! A Rust -> Lua -> Rust call round trip in a loop, for profiling the embedding
//! call path (`valgrind --tool=callgrind target/release/examples/roundtrip`).
//!
//! Prints the time per round trip; `ROUNDTRIP_N` sets the number of calls.

use engine_lua::{Function, Lua};

fn main() {
    let n: i64 = std::env::var("ROUNDTRIP_N")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let mut lua = Lua::new();
    let inc = lua.create_function(|_, x: i64| Ok(x + 1)).unwrap();
    lua.globals().set(&mut lua, "inc", inc).unwrap();
    let round: Function = lua
        .load("return function(x) return (inc(x)) end")
        .eval()
        .unwrap();
    let start = std::time::Instant::now();
    let mut s = 0;
    for i in 0..n {
        s += round.call::<_, i64>(&mut lua, i).unwrap();
    }
    let t = start.elapsed();
    println!(
        "{n} round trips: {:.1} ns each (checksum {s})",
        t.as_secs_f64() * 1e9 / n as f64
    );
}
