//! Runs a Lua program with the collector's automatic steps timed, then prints the
//! step pauses (p50, p99, max), the number of steps and cycles and the peak heap.
//! Usage: `cargo run --release -p engine_lua --example gc_pauses -- bench/gc/heap.lua [args]`.

use std::time::Duration;

use engine_lua::Lua;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.first() else {
        eprintln!("usage: gc_pauses <script.lua> [args]");
        std::process::exit(2);
    };
    let src = std::fs::read(path).expect("read the script");
    let mut lua = Lua::new();
    let argv: Vec<Vec<u8>> = std::iter::once(path.clone())
        .chain(args[1..].iter().cloned())
        .map(String::into_bytes)
        .collect();
    lua.set_arg_table(&argv, 0);
    lua.vm().heap.pause_log = Some(Vec::new());
    let start = std::time::Instant::now();
    if let Err(e) = lua.load(&src).exec() {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
    let total = start.elapsed();
    let vm = lua.vm();
    let mut log = vm.heap.pause_log.take().unwrap_or_default();
    log.sort();
    let pct = |p: f64| -> Duration {
        if log.is_empty() {
            Duration::ZERO
        } else {
            log[((log.len() - 1) as f64 * p) as usize]
        }
    };
    let s = vm.gc_stats();
    println!(
        "steps {}  cycles {}  p50 {:?}  p99 {:?}  max {:?}  peak heap {:.1} MB  total {:?}",
        log.len(),
        s.cycles,
        pct(0.5),
        pct(0.99),
        log.last().copied().unwrap_or_default(),
        s.peak_bytes as f64 / 1048576.0,
        total
    );
}
