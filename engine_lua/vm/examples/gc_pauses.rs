//! Runs a Lua program with the collector's automatic steps timed, then prints the
//! step pauses (p50, p99, max), the number of steps and cycles and the peak heap, and
//! the same figures for each kind of step (the phases a step worked in).
//! Usage: `cargo run --release -p engine_lua --example gc_pauses -- bench/gc/heap.lua [args]`.

use std::time::Duration;

use engine_lua::Lua;
use engine_lua::runtime::gc::PauseRecord;

fn percentiles(log: &mut [PauseRecord]) -> String {
    log.sort_by_key(|r| r.time);
    let pct = |p: f64| -> Duration {
        if log.is_empty() {
            Duration::ZERO
        } else {
            log[((log.len() - 1) as f64 * p) as usize].time
        }
    };
    let work: usize = log.iter().map(|r| r.work).sum();
    format!(
        "steps {}  p50 {:?}  p99 {:?}  max {:?}  mean work {}",
        log.len(),
        pct(0.5),
        pct(0.99),
        log.last().map(|r| r.time).unwrap_or_default(),
        work / log.len().max(1)
    )
}

/// Context switches of this thread so far (voluntary and not), from procfs; 0 where
/// there is none.
fn context_switches() -> u64 {
    let Ok(s) = std::fs::read_to_string("/proc/thread-self/status") else {
        return 0;
    };
    s.lines()
        .filter(|l| l.contains("ctxt_switches"))
        .filter_map(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        .sum()
}

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
    lua.vm().heap.pause_probe = Some(context_switches);
    let start = std::time::Instant::now();
    if let Err(e) = lua.load(&src).exec() {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
    let total = start.elapsed();
    let vm = lua.vm();
    let mut log = vm.heap.pause_log.take().unwrap_or_default();
    let s = vm.gc_stats();
    if std::env::var_os("GC_PAUSES_DETAIL").is_some() {
        let mut by_time = log.clone();
        by_time.sort_by_key(|r| std::cmp::Reverse(r.time));
        eprintln!("longest steps: {:?}", &by_time[..by_time.len().min(5)]);
        eprintln!("steps not preempted, by phase:");
        for (name, bit) in [("start", 1), ("propagate", 2), ("atomic", 4), ("sweep", 8)] {
            let mut sub: Vec<PauseRecord> = log
                .iter()
                .copied()
                .filter(|r| r.phases & bit != 0 && r.probe == 0)
                .collect();
            eprintln!("  {name:>9}: {}", percentiles(&mut sub));
        }
    }
    let mut kept: Vec<PauseRecord> = log.iter().copied().filter(|r| r.probe == 0).collect();
    let preempted = log.len() - kept.len();
    println!("steps not preempted: {}", percentiles(&mut kept));
    println!(
        "all steps ({preempted} preempted): {}  cycles {}  peak heap {:.1} MB  total {:?}",
        percentiles(&mut log),
        s.cycles,
        s.peak_bytes as f64 / 1048576.0,
        total
    );
}
