//! Benchmarks (run with `cargo bench -p engine_lua_bevy --bench frame`):
//!
//! 1. 10,000 entities, each with a script whose `on_update` reads and writes its
//!    Transform through reflection: time per frame (median and mean over 60 frames,
//!    the default configuration: end-of-frame GC step and per-script timing on).
//! 2. Hot reload latency: from the file write to the new code running, minus the
//!    debounce time (median over 10 edits).

use std::time::{Duration, Instant};

use bevy::prelude::*;
use bevy::time::TimeUpdateStrategy;
use engine_lua_bevy::{LuaDiagnostics, LuaPlugin, Script, with_lua};

fn frame_bench(n: usize, script: &str, label: &str) {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("bench.lua"), script).unwrap();
    let mut app = App::new();
    app.add_plugins((MinimalPlugins, LuaPlugin::new(d.path()).hot_reload(false)))
        .insert_resource(TimeUpdateStrategy::ManualDuration(Duration::from_millis(
            16,
        )));
    for i in 0..n {
        app.world_mut().spawn((
            Transform::from_xyz(i as f32, 0.0, 0.0),
            Script::new("bench.lua"),
        ));
    }
    let t = Instant::now();
    app.update();
    let load = t.elapsed();
    for _ in 0..10 {
        app.update();
    }
    let frames: usize = std::env::var("ELUA_BENCH_FRAMES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(60);
    let mut times = Vec::new();
    let mut gc = Duration::ZERO;
    for _ in 0..frames {
        let t = Instant::now();
        app.update();
        times.push(t.elapsed());
        gc += app.world().resource::<LuaDiagnostics>().gc_step_time;
    }
    let errs = app.world().resource::<LuaDiagnostics>().errors.len();
    assert_eq!(
        errs,
        0,
        "{:?}",
        app.world().resource::<LuaDiagnostics>().errors
    );
    times.sort();
    let mean = times.iter().sum::<Duration>() / times.len() as u32;
    let diag = app.world().resource::<LuaDiagnostics>();
    let script_us: f32 = diag.scripts.iter().map(|s| s.update_us).sum();
    println!(
        "{label}: {n} entities: median {:.3} ms/frame, mean {:.3} ms, min {:.3} ms (first frame with loading {:.1} ms; end-of-frame GC step mean {:.3} ms; on_update total in the last timed frame {:.3} ms; heap {} KiB)",
        times[times.len() / 2].as_secs_f64() * 1e3,
        mean.as_secs_f64() * 1e3,
        times[0].as_secs_f64() * 1e3,
        load.as_secs_f64() * 1e3,
        gc.as_secs_f64() * 1e3 / frames as f64,
        script_us / 1e3,
        diag.memory / 1024,
    );
}

fn reload_bench() {
    let d = tempfile::tempdir().unwrap();
    let debounce = Duration::from_millis(20);
    let src = |v: u32| format!("function on_update() v = {v} end");
    std::fs::write(d.path().join("r.lua"), src(0)).unwrap();
    let mut app = App::new();
    app.add_plugins((MinimalPlugins, LuaPlugin::new(d.path()).debounce(debounce)));
    let e = app.world_mut().spawn(Script::new("r.lua")).id();
    app.update();
    let mut lat = Vec::new();
    let mut swap = Vec::new();
    for v in 1..=10u32 {
        let t = Instant::now();
        std::fs::write(d.path().join("r.lua"), src(v)).unwrap();
        loop {
            app.update();
            let got = with_lua(app.world_mut(), |rt| {
                let k = rt.script_of(e).unwrap();
                rt.env_get::<u32>(k, "v").unwrap_or(0)
            });
            if got == v {
                break;
            }
            assert!(
                t.elapsed() < Duration::from_secs(10),
                "reload never happened"
            );
            std::thread::sleep(Duration::from_micros(500));
        }
        lat.push(t.elapsed().saturating_sub(debounce));
        swap.push(
            app.world()
                .resource::<LuaDiagnostics>()
                .reloads
                .last()
                .unwrap()
                .duration,
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    lat.sort();
    swap.sort();
    println!(
        "hot reload: write -> new code running, beyond the {} ms debounce: median {:.2} ms, max {:.2} ms (compile+swap median {:.3} ms)",
        debounce.as_millis(),
        lat[lat.len() / 2].as_secs_f64() * 1e3,
        lat.last().unwrap().as_secs_f64() * 1e3,
        swap[swap.len() / 2].as_secs_f64() * 1e3,
    );
}

fn main() {
    // `cargo bench -p engine_lua_bevy --bench frame -- [reflect|empty|reload]` runs
    // only the named parts (all by default); ELUA_BENCH_SCRIPT adds a run of that
    // `on_update` script on 10k entities; ELUA_BENCH_FRAMES sets the measured
    // frame count (60), e.g. for a profiler run.
    let only: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let want = |name: &str| only.is_empty() || only.iter().any(|o| o == name);
    if want("reflect") {
        frame_bench(
            10_000,
            "function on_update(dt)\n  local p = entity.Transform.translation\n  p.x = p.x + dt\nend\n",
            "reflect path read+write",
        );
    }
    if want("empty") {
        frame_bench(
            10_000,
            "function on_update(dt) end\n",
            "empty on_update (call overhead)",
        );
    }
    if let Ok(src) = std::env::var("ELUA_BENCH_SCRIPT") {
        frame_bench(10_000, &src, "ELUA_BENCH_SCRIPT");
    }
    if want("reload") {
        reload_bench();
    }
}
