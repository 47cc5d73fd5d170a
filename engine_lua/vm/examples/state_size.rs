//! State-size benchmark: the heap bytes of one fresh state with every standard library
//! open (target <= 40 KiB), and the process's resident memory with 10,000 such states
//! alive at once (target < 400 MiB).
//!
//! usage: `cargo run --release -p engine_lua --example state_size [count]`
//!
//! Resident memory is read from `/proc/self/statm` (Linux); elsewhere only the heap
//! accounting is printed.

use engine_lua::Lua;

/// Resident set size in bytes, if the platform reports it.
fn rss_bytes() -> Option<usize> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: usize = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

fn main() {
    let count: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10_000);
    let one = Lua::new();
    let heap = one.used_memory();
    println!(
        "fresh state heap: {heap} bytes ({:.1} KiB; target <= 40 KiB)",
        heap as f64 / 1024.0
    );
    drop(one);

    let before = rss_bytes();
    let start = std::time::Instant::now();
    let states: Vec<Lua> = (0..count).map(|_| Lua::new()).collect();
    let elapsed = start.elapsed();
    let after = rss_bytes();
    let heap_total: usize = states.iter().map(|l| l.used_memory()).sum();
    println!(
        "{count} states: heap accounting {:.1} MiB, made in {:.2} s ({:.1} us each)",
        heap_total as f64 / (1024.0 * 1024.0),
        elapsed.as_secs_f64(),
        elapsed.as_secs_f64() * 1e6 / count as f64
    );
    if let (Some(b), Some(a)) = (before, after) {
        let mib = (a.saturating_sub(b)) as f64 / (1024.0 * 1024.0);
        println!(
            "{count} states: resident memory grew {mib:.1} MiB ({:.1} KiB per state; target < 400 MiB), total RSS {:.1} MiB",
            mib * 1024.0 / count as f64,
            a as f64 / (1024.0 * 1024.0)
        );
    }
    drop(states);
}
