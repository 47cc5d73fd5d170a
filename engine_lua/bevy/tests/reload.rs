//! Hot reload with real files in a temporary folder and the real `notify` watcher.
//! Every wait is bounded (a deadline, polling frame by frame).

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use bevy::prelude::*;
use common::*;
use engine_lua_bevy::{LuaPlugin, Script};

const DEADLINE: Duration = Duration::from_secs(10);

fn reload_app(dir: &Path) -> App {
    app_with(dir, LuaPlugin::new(dir).debounce(Duration::from_millis(40)))
}

/// Updates the app until `cond` holds (panics after the deadline).
fn until(app: &mut App, what: &str, mut cond: impl FnMut(&mut App) -> bool) {
    let start = Instant::now();
    loop {
        app.update();
        if cond(app) {
            return;
        }
        assert!(
            start.elapsed() < DEADLINE,
            "timed out waiting for {what}; errors: {:?}",
            errors(app)
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Updates the app for `ms` milliseconds of real time.
fn settle(app: &mut App, ms: u64) {
    let start = Instant::now();
    while start.elapsed() < Duration::from_millis(ms) {
        app.update();
        std::thread::sleep(Duration::from_millis(5));
    }
}

const COUNTER: &str = r#"
n = n or 0
function on_update() n = n + 1; v = VERSION end
function on_unload() return {n = n} end
function on_reload(state) n = state.n; reloads = (reloads or 0) + 1 end
"#;

fn counter(version: &str) -> String {
    format!("VERSION = {version}\n{COUNTER}")
}

#[test]
fn edit_swaps_code_and_keeps_state() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "c.lua", &counter("1"));
    let mut app = reload_app(d.path());
    let e = app.world_mut().spawn(Script::new("c.lua")).id();
    for _ in 0..5 {
        app.update();
    }
    write(d.path(), "c.lua", &counter("2"));
    until(&mut app, "version 2", |a| global::<i64>(a, e, "v") == 2);
    let n: i64 = global(&mut app, e, "n");
    assert!(n > 5, "state lost: n = {n}");
    assert_eq!(global::<i64>(&mut app, e, "reloads"), 1);
    let dg = diag(&app);
    assert_eq!((dg.reload_count, dg.reload_failures), (1, 0));
    assert!(dg.reloads[0].ok && dg.reloads[0].since_last_event.is_some());
    assert!(errors(&app).is_empty(), "{:?}", errors(&app));
}

#[test]
fn atomic_rename_save_is_one_reload() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "c.lua", &counter("1"));
    let mut app = reload_app(d.path());
    let e = app.world_mut().spawn(Script::new("c.lua")).id();
    app.update();
    write(d.path(), "c.lua.tmp", &counter("2"));
    std::fs::rename(d.path().join("c.lua.tmp"), d.path().join("c.lua")).unwrap();
    until(&mut app, "version 2", |a| global::<i64>(a, e, "v") == 2);
    settle(&mut app, 150);
    assert_eq!(diag(&app).reload_count, 1);
    assert_eq!(global::<i64>(&mut app, e, "reloads"), 1);
}

#[test]
fn syntax_error_keeps_old_code_then_fix_applies() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "c.lua", &counter("1"));
    let mut app = reload_app(d.path());
    let e = app.world_mut().spawn(Script::new("c.lua")).id();
    app.update();
    write(
        d.path(),
        "c.lua",
        "VERSION = 2\nfunction on_update(\n  n = n + \nend\n",
    );
    until(&mut app, "the compile error", |a| {
        !diag(a).compile_errors.is_empty()
    });
    let ce = diag(&app).compile_errors[0].clone();
    assert_eq!(ce.file, "c.lua");
    assert!(ce.line >= 3, "{ce:?}");
    // The old code keeps running.
    let n0: i64 = global(&mut app, e, "n");
    settle(&mut app, 50);
    assert!(global::<i64>(&mut app, e, "n") > n0);
    assert_eq!(global::<i64>(&mut app, e, "v"), 1);
    write(d.path(), "c.lua", &counter("3"));
    until(&mut app, "version 3", |a| global::<i64>(a, e, "v") == 3);
    let dg = diag(&app);
    assert!(dg.compile_errors.is_empty());
    assert_eq!((dg.reload_count, dg.reload_failures), (2, 1));
}

#[test]
fn delete_then_recreate() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "c.lua", &counter("1"));
    let mut app = reload_app(d.path());
    let e = app.world_mut().spawn(Script::new("c.lua")).id();
    app.update();
    std::fs::remove_file(d.path().join("c.lua")).unwrap();
    until(&mut app, "the delete", |a| diag(a).reload_count == 1);
    let n0: i64 = global(&mut app, e, "n");
    app.update();
    assert_eq!(
        global::<i64>(&mut app, e, "n"),
        n0 + 1,
        "old code keeps running after a delete"
    );
    write(d.path(), "c.lua", &counter("2"));
    until(&mut app, "version 2", |a| global::<i64>(a, e, "v") == 2);
    assert!(global::<i64>(&mut app, e, "n") > n0);
}

#[test]
fn changed_module_patches_tables_and_reloads_dependents() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "lib/speed.lua",
        "local M = {value = 1} function M.get() return 1 end return M",
    );
    write(
        d.path(),
        "user.lua",
        r#"
        local speed = require("lib.speed")
        held = held or speed
        top = speed.value
        function on_update() v = held.get() end
        function on_reload() reloads = (reloads or 0) + 1 end
        "#,
    );
    let mut app = reload_app(d.path());
    let e = app.world_mut().spawn(Script::new("user.lua")).id();
    app.update();
    assert_eq!(global::<i64>(&mut app, e, "v"), 1);
    write(
        d.path(),
        "lib/speed.lua",
        "local M = {value = 2} function M.get() return 2 end return M",
    );
    until(&mut app, "module v2", |a| global::<i64>(a, e, "v") == 2);
    // The dependent re-ran its top level (new value) and got on_reload.
    assert_eq!(global::<i64>(&mut app, e, "top"), 2);
    assert_eq!(global::<i64>(&mut app, e, "reloads"), 1);
    assert!(errors(&app).is_empty(), "{:?}", errors(&app));
}

#[test]
fn module_tables_keep_identity_and_coroutines_keep_running() {
    let d = tempfile::tempdir().unwrap();
    let brain = |k: i64| {
        format!(
            r#"
            Brain = {{}}
            function Brain.step() return {k} end
            ticks = ticks or 0
            function on_load()
                keep = Brain
                start(function()
                    while true do
                        wait_frames(1)
                        ticks = ticks + 1
                        got = Brain.step()
                        via_old_ref = keep.step()
                    end
                end)
            end
            "#
        )
    };
    write(d.path(), "b.lua", &brain(1));
    let mut app = reload_app(d.path());
    let e = app.world_mut().spawn(Script::new("b.lua")).id();
    for _ in 0..3 {
        app.update();
    }
    assert_eq!(global::<i64>(&mut app, e, "via_old_ref"), 1);
    write(d.path(), "b.lua", &brain(2));
    until(&mut app, "new step", |a| {
        global::<i64>(a, e, "via_old_ref") == 2
    });
    let t0: i64 = global(&mut app, e, "ticks");
    app.update();
    assert_eq!(global::<i64>(&mut app, e, "ticks"), t0 + 1);
    assert_eq!(global::<i64>(&mut app, e, "got"), 2);
    assert_eq!(diag(&app).coroutines.len(), 1);
}

#[test]
fn a_hundred_saves_in_a_second_lose_nothing() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "c.lua", &counter("0"));
    let mut app = reload_app(d.path());
    let e = app.world_mut().spawn(Script::new("c.lua")).id();
    app.update();
    let start = Instant::now();
    for i in 1..=100 {
        write(d.path(), "c.lua", &counter(&i.to_string()));
        app.update();
        std::thread::sleep(Duration::from_millis(8));
    }
    let wrote = start.elapsed();
    until(&mut app, "version 100", |a| global::<i64>(a, e, "v") == 100);
    settle(&mut app, 150);
    let dg = diag(&app);
    assert!(
        wrote < Duration::from_millis(1500),
        "writing took {wrote:?}"
    );
    assert!(
        dg.reload_count >= 1 && dg.reload_count <= 10,
        "{} reloads",
        dg.reload_count
    );
    assert_eq!(dg.reload_failures, 0);
    // State carried through every reload: the counter never restarted.
    let frames = dg.frame as i64;
    assert_eq!(global::<i64>(&mut app, e, "n"), frames);
    assert_eq!(
        global::<i64>(&mut app, e, "reloads"),
        dg.reload_count as i64
    );
    assert!(errors(&app).is_empty(), "{:?}", errors(&app));
}
