//! Memory cost of Lua states: bytes allocated by one fresh `Lua::new()` (all standard
//! libraries), the total for 10,000 states alive at once, and the process's peak
//! resident set size.
//!
//! Run with `cargo bench -p engine_lua --bench state_size` (targets: <= 40 KiB per
//! state, < 400 MiB for 10,000 live states). Set `STATE_SIZE_COUNT` to change the
//! number of live states.
//!
//! Every allocation goes through a counting wrapper around the system allocator, so
//! the figures include what lives outside the GC heap (buffers, intern table, Vec
//! capacities), not only [`engine_lua::runtime::Vm::used_memory`].
#![expect(
    unsafe_code,
    reason = "a counting #[global_allocator] must implement the unsafe GlobalAlloc trait"
)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use engine_lua::Lua;

/// The system allocator, counting live bytes and allocation calls.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static CALLS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every method forwards to `System` with the caller's arguments unchanged, so
// `System`'s guarantees hold; the counters are plain atomics.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        CALLS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller upholds `alloc`'s contract (non-zero size), passed on.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: `ptr` came from `System` with this layout (every allocation here
        // goes through `System`).
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        CALLS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: as `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(new_size, Ordering::Relaxed);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        CALLS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: `ptr` came from `System` with `layout`; the caller guarantees
        // `new_size` is valid for it.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// A line of `/proc/self/status` (`VmHWM`, `VmRSS`) in KiB, if readable.
fn proc_status_kib(field: &str) -> Option<usize> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Bytes each step of making a state allocates (the bare state, then each library).
fn breakdown() {
    use engine_lua::stdlib;
    type Open = fn(&mut engine_lua::runtime::Vm);
    let steps: [(&str, Open); 10] = [
        ("base", stdlib::base::open),
        ("package", stdlib::package::open),
        ("coroutine", stdlib::coroutine::open),
        ("debug", stdlib::debug::open),
        ("string", stdlib::string::open),
        ("table", stdlib::table::open),
        ("math", stdlib::math::open),
        ("io", stdlib::io::open),
        ("os", stdlib::os::open),
        ("utf8", stdlib::utf8::open),
    ];
    let mut at = LIVE.load(Ordering::Relaxed);
    let mut vm = engine_lua::runtime::Vm::new();
    let now = LIVE.load(Ordering::Relaxed);
    print!("  bare Vm::new {}", now - at);
    at = now;
    for (name, open) in steps {
        open(&mut vm);
        let now = LIVE.load(Ordering::Relaxed);
        print!(", {name} {}", now - at);
        at = now;
    }
    println!(" (bytes)");
    let stats = vm.heap.stats();
    let kinds: Vec<String> = engine_lua::runtime::gc::KIND_NAMES
        .iter()
        .zip(stats.objects)
        .map(|(k, n)| format!("{k} {n}"))
        .collect();
    println!("  objects: {}", kinds.join(", "));
}

fn main() {
    // Criterion-style arguments (`--bench`) are ignored.
    let count: usize = std::env::var("STATE_SIZE_COUNT")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000);

    // Warm up once-per-process costs (stdout handle, env lookups).
    drop(Lua::new());

    let before = LIVE.load(Ordering::Relaxed);
    let calls_before = CALLS.load(Ordering::Relaxed);
    let lua = Lua::new();
    let one = LIVE.load(Ordering::Relaxed) - before;
    let calls = CALLS.load(Ordering::Relaxed) - calls_before;
    let gc_heap = lua.used_memory();
    drop(lua);
    println!(
        "fresh Lua::new(): {one} bytes ({:.1} KiB) in {calls} allocations; GC heap accounts {gc_heap} bytes",
        one as f64 / 1024.0
    );

    breakdown();

    let before = LIVE.load(Ordering::Relaxed);
    let rss_before = proc_status_kib("VmRSS:").unwrap_or(0);
    let start = std::time::Instant::now();
    let states: Vec<Lua> = (0..count).map(|_| Lua::new()).collect();
    let elapsed = start.elapsed();
    let total = LIVE.load(Ordering::Relaxed) - before;
    let rss_after = proc_status_kib("VmRSS:").unwrap_or(0);
    println!(
        "{count} live states: {total} bytes ({:.1} MiB, {:.1} KiB each), made in {:.1} ms ({:.1} us each)",
        total as f64 / (1024.0 * 1024.0),
        total as f64 / count as f64 / 1024.0,
        elapsed.as_secs_f64() * 1e3,
        elapsed.as_secs_f64() * 1e6 / count as f64
    );
    println!(
        "RSS grew {:.1} MiB; peak RSS (VmHWM) {:.1} MiB",
        (rss_after.saturating_sub(rss_before)) as f64 / 1024.0,
        proc_status_kib("VmHWM:").unwrap_or(0) as f64 / 1024.0
    );
    drop(states);
}
