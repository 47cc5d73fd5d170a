//! Benchmarks (run with `cargo bench -p engine_lua_bevy --bench frame`):
//!
//! 1. 10,000 entities, each with a script whose `on_update` reads and writes its
//!    Transform through reflection: time per frame (median and mean over 60 frames).
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
    app.add_plugins((
        MinimalPlugins,
        LuaPlugin::new(d.path())
            .hot_reload(false)
            .gc_step_kb(16 * 1024),
    ))
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
    let mut times = Vec::new();
    for _ in 0..60 {
        let t = Instant::now();
        app.update();
        times.push(t.elapsed());
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
    println!(
        "{label}: {n} entities: median {:.3} ms/frame, mean {:.3} ms, min {:.3} ms (first frame with loading {:.1} ms)",
        times[times.len() / 2].as_secs_f64() * 1e3,
        mean.as_secs_f64() * 1e3,
        times[0].as_secs_f64() * 1e3,
        load.as_secs_f64() * 1e3
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
    frame_bench(
        10_000,
        "function on_update(dt)\n  local p = entity.Transform.translation\n  p.x = p.x + dt\nend\n",
        "reflect path read+write",
    );
    frame_bench(
        10_000,
        "function on_update(dt) end\n",
        "empty on_update (call overhead)",
    );
    reload_bench();
}
