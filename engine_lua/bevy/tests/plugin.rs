//! Headless plugin tests: MinimalPlugins, `app.update()` frame by frame.

mod common;

use bevy::prelude::*;
use common::*;
use engine_lua_bevy::{LevelScripts, LuaPlugin, Script};

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

#[test]
fn callbacks_run_in_order_with_own_environments() {
    let d = tmp();
    write(
        d.path(),
        "counter.lua",
        r#"
        loads = 0
        updates = 0
        total = 0
        function on_load() loads = loads + 1 end
        function on_update(dt) updates = updates + 1; total = total + dt end
        "#,
    );
    let mut app = app(d.path());
    let a = app.world_mut().spawn(Script::new("counter.lua")).id();
    let b = app.world_mut().spawn(Script::new("counter.lua")).id();
    for _ in 0..3 {
        app.update();
    }
    assert_eq!(global::<i64>(&mut app, a, "loads"), 1);
    assert_eq!(global::<i64>(&mut app, a, "updates"), 3);
    // Each instance has its own globals.
    app.world_mut().entity_mut(b).remove::<Script>();
    app.update();
    assert_eq!(global::<i64>(&mut app, a, "updates"), 4);
    let total: f64 = global(&mut app, a, "total");
    assert!(total > 0.15 && total < 0.45, "dt summed to {total}");
    assert!(errors(&app).is_empty(), "{:?}", errors(&app));
}

#[test]
fn on_unload_runs_when_the_entity_despawns() {
    let d = tmp();
    write(
        d.path(),
        "bye.lua",
        r#"function on_unload() world:resource("Score").points = 99 end"#,
    );
    let mut app = app(d.path());
    let e = app.world_mut().spawn(Script::new("bye.lua")).id();
    app.update();
    app.world_mut().despawn(e);
    app.update();
    assert_eq!(app.world().resource::<Score>().points, 99);
}

#[test]
fn component_fields_read_and_write_through_reflect() {
    let d = tmp();
    write(
        d.path(),
        "mover.lua",
        r#"
        function on_update(dt)
            entity.Transform.translation.x = entity.Transform.translation.x + 1
            entity.Transform.translation = entity.Transform.translation + vec3(0, 2, 0)
            local e = entity.Enemy
            e.hp = e.hp - 1
            e.name = "grunt" .. e.hp
            seen_speed = e.speed
            len = (vec3(3, 4, 0)):length()
            rot = quat.from_rotation_z(0) * vec3(1, 0, 0)
        end
        "#,
    );
    let mut app = app(d.path());
    let e = app
        .world_mut()
        .spawn((
            Transform::from_xyz(1.0, 0.0, 0.0),
            Enemy {
                hp: 10,
                name: "x".into(),
                speed: 2.5,
            },
            Script::new("mover.lua"),
        ))
        .id();
    for _ in 0..3 {
        app.update();
    }
    let t = app.world().get::<Transform>(e).unwrap();
    assert_eq!(t.translation, Vec3::new(4.0, 6.0, 0.0));
    let en = app.world().get::<Enemy>(e).unwrap();
    assert_eq!((en.hp, en.name.as_str()), (7, "grunt7"));
    assert_eq!(global::<f64>(&mut app, e, "seen_speed"), 2.5);
    assert_eq!(global::<f64>(&mut app, e, "len"), 5.0);
    assert!(errors(&app).is_empty(), "{:?}", errors(&app));
}

#[test]
fn clear_errors_for_unknown_components_wrong_types_and_despawned_entities() {
    let d = tmp();
    write(
        d.path(),
        "bad.lua",
        r#"
        function on_update()
            local ok1, e1 = pcall(function() return entity.Nope end)
            local ok2, e2 = pcall(function() entity.Enemy.hp = "lots" end)
            local ok3, e3 = pcall(function() entity.Enemy.nofield = 1 end)
            local ok4, e4 = pcall(function() entity.Transform.translation = 5 end)
            m1, m2, m3, m4 = e1, e2, e3, e4
            local ghost = world:spawn({Enemy = {hp = 1}})
            ghost:despawn()
        end
        function on_event(name) end
        "#,
    );
    write(
        d.path(),
        "ghost.lua",
        r#"
        function on_update()
            if ghost then
                local ok, e = pcall(function() return ghost.Enemy.hp end)
                m5 = e
            end
            ghost = world:spawn({Enemy = {hp = 1}})
            ghost:despawn()
        end
        "#,
    );
    let mut app = app(d.path());
    let e = app
        .world_mut()
        .spawn((
            Transform::default(),
            Enemy::default(),
            Script::new("bad.lua"),
        ))
        .id();
    let g = app.world_mut().spawn(Script::new("ghost.lua")).id();
    app.update();
    app.update();
    let m1: String = global(&mut app, e, "m1");
    assert!(m1.contains("unknown component or resource 'Nope'"), "{m1}");
    let m2: String = global(&mut app, e, "m2");
    assert!(
        m2.contains("Enemy.hp: expected an integer, got string"),
        "{m2}"
    );
    let m3: String = global(&mut app, e, "m3");
    assert!(m3.contains("Enemy.nofield: no such field"), "{m3}");
    let m4: String = global(&mut app, e, "m4");
    assert!(
        m4.contains("Transform.translation: expected a Vec3, got number"),
        "{m4}"
    );
    let m5: String = global(&mut app, g, "m5");
    assert!(m5.contains("does not exist (despawned?)"), "{m5}");
}

#[test]
fn query_spawn_and_despawn() {
    let d = tmp();
    write(
        d.path(),
        "level.lua",
        r#"
        spawned = {}
        function on_load()
            for i = 1, 3 do
                local e = world:spawn({
                    Transform = {translation = vec3(i, 0, 0)},
                    Enemy = {hp = i * 10, name = "e" .. i},
                })
                spawned[#spawned + 1] = e
            end
            world:spawn({Transform = {}})
        end
        frames = 0
        function on_update()
            frames = frames + 1
            count, hp = 0, 0
            for e in world:query({"Transform", "Enemy"}) do
                count = count + 1
                hp = hp + e.Enemy.hp
            end
            if frames == 2 then spawned[1]:despawn() end
        end
        "#,
    );
    let mut app = app(d.path());
    app.world_mut()
        .resource_mut::<LevelScripts>()
        .load("level.lua");
    app.update();
    assert_eq!(level_global::<i64>(&mut app, "level.lua", "count"), 3);
    assert_eq!(level_global::<i64>(&mut app, "level.lua", "hp"), 60);
    app.update();
    app.update();
    assert_eq!(level_global::<i64>(&mut app, "level.lua", "count"), 2);
    assert_eq!(level_global::<i64>(&mut app, "level.lua", "hp"), 50);
    let n = app.world_mut().query::<&Enemy>().iter(app.world()).count();
    assert_eq!(n, 2);
    assert!(errors(&app).is_empty(), "{:?}", errors(&app));
}

#[test]
fn spawned_scripts_start_running() {
    let d = tmp();
    write(
        d.path(),
        "spawner.lua",
        r#"function on_load() world:spawn({Script = "child.lua", Enemy = {hp = 5}}) end"#,
    );
    write(
        d.path(),
        "child.lua",
        r#"function on_update() entity.Enemy.hp = entity.Enemy.hp + 1 end"#,
    );
    let mut app = app(d.path());
    app.world_mut()
        .resource_mut::<LevelScripts>()
        .load("spawner.lua");
    for _ in 0..3 {
        app.update();
    }
    let hp: Vec<i32> = app
        .world_mut()
        .query::<&Enemy>()
        .iter(app.world())
        .map(|e| e.hp)
        .collect();
    assert_eq!(hp, vec![7]);
}

#[test]
fn resources_are_readable_and_writable() {
    let d = tmp();
    write(
        d.path(),
        "res.lua",
        r#"
        function on_update()
            dt = world:resource("Time").delta_secs
            local s = world:resource("Score")
            s.points = s.points + 5
            keys = world:resource("ButtonInput<KeyCode>").pressed
            space = keys.Space == true
        end
        "#,
    );
    let mut app = app(d.path());
    app.init_resource::<ButtonInput<KeyCode>>();
    let e = app.world_mut().spawn(Script::new("res.lua")).id();
    app.update();
    app.world_mut()
        .resource_mut::<ButtonInput<KeyCode>>()
        .press(KeyCode::Space);
    app.update();
    assert_eq!(app.world().resource::<Score>().points, 10);
    let dt: f64 = global(&mut app, e, "dt");
    assert!((dt - 0.1).abs() < 1e-6, "{dt}");
    assert!(global::<bool>(&mut app, e, "space"));
    assert!(errors(&app).is_empty(), "{:?}", errors(&app));
}

#[test]
fn messages_by_name_both_ways() {
    let d = tmp();
    write(
        d.path(),
        "msg.lua",
        r#"
        got = {}
        function on_event(name, data)
            if name == "Damage" then got[#got + 1] = data.target .. ":" .. data.amount end
            if name == "ping" then pinged = data.n end
        end
        function on_update()
            if not sent then
                send("Damage", {amount = 7, target = "lua"})
                send("ping", {n = 3})
                sent = true
            end
            n = #got
            last = got[#got]
        end
        "#,
    );
    let mut app = app(d.path());
    #[derive(Resource, Default)]
    struct Seen(Vec<Damage>);
    app.init_resource::<Seen>().add_systems(
        Update,
        |mut r: MessageReader<Damage>, mut seen: ResMut<Seen>| seen.0.extend(r.read().cloned()),
    );
    let e = app.world_mut().spawn(Script::new("msg.lua")).id();
    app.world_mut().write_message(Damage {
        amount: 2,
        target: "rust".into(),
    });
    app.update();
    app.update();
    app.update();
    assert_eq!(global::<i64>(&mut app, e, "n"), 2);
    assert_eq!(global::<String>(&mut app, e, "last"), "lua:7");
    assert_eq!(global::<i64>(&mut app, e, "pinged"), 3);
    let seen = &app.world().resource::<Seen>().0;
    assert!(
        seen.contains(&Damage {
            amount: 7,
            target: "lua".into()
        }),
        "{seen:?}"
    );
}

#[test]
fn coroutines_wait_across_frames_and_are_listed() {
    let d = tmp();
    write(
        d.path(),
        "ai.lua",
        r#"
        log = {}
        local function note(s) log[#log + 1] = s .. "@" .. world:frame() end
        function on_load()
            note("load")
            wait_frames(2)
            note("loaded")
        end
        function on_update()
            if not started then
                started = true
                start(function()
                    wait(0.25)
                    note("timer")
                    wait_until(function() return go end)
                    note("until")
                end)
                start(function()
                    for i = 1, 3 do wait_frames(1) end
                    note("frames")
                end)
            end
        end
        function text() return table.concat(log, " ") end
        "#,
    );
    let mut app = app(d.path());
    let e = app.world_mut().spawn(Script::new("ai.lua")).id();
    for _ in 0..3 {
        app.update();
    }
    let dg = diag(&app);
    assert_eq!(dg.coroutines.len(), 2, "{:?}", dg.coroutines);
    let w: Vec<String> = dg
        .coroutines
        .iter()
        .map(|c| format!("{} {} {}", c.location, c.wait, c.status))
        .collect();
    assert!(w[0].starts_with("ai.lua:13 wait ("), "{w:?}");
    assert!(w[1].starts_with("ai.lua:19 wait_frames ("), "{w:?}");
    assert_eq!(dg.coroutines[0].entity, Some(e));
    for _ in 0..5 {
        app.update();
    }
    with_lua_set(&mut app, e, "go = true");
    app.update();
    app.update();
    let text: String = with_call(&mut app, e, "text");
    assert_eq!(text, "load@1 loaded@3 timer@4 frames@4 until@9");
    assert!(diag(&app).coroutines.is_empty());
    assert!(errors(&app).is_empty(), "{:?}", errors(&app));
}

fn with_lua_set(app: &mut App, e: Entity, code: &str) {
    let code = code.to_string();
    engine_lua_bevy::with_lua(app.world_mut(), move |rt| {
        let k = rt.script_of(e).unwrap();
        let env = rt.env(k).expect("loaded");
        let lua = rt.lua();
        lua.load(&code).set_env(&env).exec().unwrap();
    });
}

fn with_call(app: &mut App, e: Entity, f: &str) -> String {
    engine_lua_bevy::with_lua(app.world_mut(), move |rt| {
        let k = rt.script_of(e).unwrap();
        let f: engine_lua::Function = rt.env_get(k, f).unwrap();
        f.call::<_, String>(rt.lua(), ()).unwrap()
    })
}

#[test]
fn waiting_outside_a_coroutine_is_a_clear_error() {
    let d = tmp();
    write(d.path(), "w.lua", "function on_update() wait(1) end");
    let mut app = app(d.path());
    app.world_mut().spawn(Script::new("w.lua"));
    app.update();
    let e = errors(&app);
    assert_eq!(e.len(), 1);
    assert!(
        e[0].starts_with("w.lua:1: wait() can only be called from a coroutine"),
        "{e:?}"
    );
}

#[test]
fn a_failing_script_does_not_stop_others_and_is_reported_once() {
    let d = tmp();
    write(
        d.path(),
        "broken.lua",
        "function on_update() local t = nil; t.x = 1 end",
    );
    write(
        d.path(),
        "fine.lua",
        "n = 0 function on_update() n = n + 1 end",
    );
    let mut app = app(d.path());
    app.world_mut().spawn(Script::new("broken.lua"));
    let f = app.world_mut().spawn(Script::new("fine.lua")).id();
    for _ in 0..10 {
        app.update();
    }
    assert_eq!(global::<i64>(&mut app, f, "n"), 10);
    let e = errors(&app);
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(
        e[0].starts_with("broken.lua:1: attempt to index a nil value"),
        "{e:?}"
    );
    assert!(e[0].ends_with("x10"), "{e:?}");
}

#[test]
fn the_instruction_budget_stops_runaway_callbacks() {
    let d = tmp();
    write(
        d.path(),
        "spin.lua",
        "function on_update() while true do end end",
    );
    write(
        d.path(),
        "fine.lua",
        "n = 0 function on_update() for i = 1, 1000 do n = n + 1 end end",
    );
    let mut app = app_with(
        d.path(),
        LuaPlugin::new(d.path())
            .hot_reload(false)
            .instructions_per_callback(Some(100_000)),
    );
    app.world_mut().spawn(Script::new("spin.lua"));
    let f = app.world_mut().spawn(Script::new("fine.lua")).id();
    for _ in 0..3 {
        app.update();
    }
    assert_eq!(global::<i64>(&mut app, f, "n"), 3000);
    let e = errors(&app);
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(e[0].contains("instruction limit exceeded"), "{e:?}");
    assert!(e[0].ends_with("x3"), "{e:?}");
}

#[test]
fn require_resolves_modules_under_the_root() {
    let d = tmp();
    write(
        d.path(),
        "lib/util.lua",
        "local M = {} function M.double(x) return x * 2 end return M",
    );
    write(
        d.path(),
        "user.lua",
        "local util = require('lib.util') v = util.double(21)",
    );
    let mut app = app(d.path());
    let e = app.world_mut().spawn(Script::new("user.lua")).id();
    app.update();
    assert_eq!(global::<i64>(&mut app, e, "v"), 42);
}

#[test]
fn coroutines_of_a_despawned_entity_are_not_resumed() {
    let d = tmp();
    write(
        d.path(),
        "walker.lua",
        "function on_load() while true do wait_frames(1); entity.Enemy.hp = entity.Enemy.hp + 1 end end",
    );
    write(
        d.path(),
        "killer.lua",
        r#"n = 0
        function on_update()
            n = n + 1
            if n == 3 then for e in world:query({"Enemy"}) do e:despawn() end end
        end"#,
    );
    let mut app = app(d.path());
    app.world_mut()
        .spawn((Enemy::default(), Script::new("walker.lua")));
    app.world_mut().spawn(Script::new("killer.lua"));
    for _ in 0..6 {
        app.update();
    }
    assert!(errors(&app).is_empty(), "{:?}", errors(&app));
    assert_eq!(diag(&app).coroutines.len(), 0);
    assert_eq!(
        app.world_mut().query::<&Enemy>().iter(app.world()).count(),
        0
    );
}

#[test]
fn event_errors_are_isolated_per_script_and_events_keep_their_order() {
    let d = tmp();
    write(
        d.path(),
        "bad_ev.lua",
        r#"function on_event(name) if name == "boom" then error("bad event") end end"#,
    );
    write(
        d.path(),
        "spin_ev.lua",
        r#"function on_event(name) if name == "spin" then while true do end end end"#,
    );
    write(
        d.path(),
        "log_ev.lua",
        r#"
        log = ""
        function on_event(name, data) log = log .. name .. (data and data.n or "") .. ";" end
        function on_update()
            if not sent then send("boom", {n = 1}); send("spin"); send("after", {n = 2}); sent = true end
        end
        "#,
    );
    let mut app = app_with(
        d.path(),
        LuaPlugin::new(d.path())
            .hot_reload(false)
            .instructions_per_callback(Some(100_000)),
    );
    app.world_mut().spawn(Script::new("bad_ev.lua"));
    app.world_mut().spawn(Script::new("spin_ev.lua"));
    let l = app.world_mut().spawn(Script::new("log_ev.lua")).id();
    for _ in 0..3 {
        app.update();
    }
    assert_eq!(global::<String>(&mut app, l, "log"), "boom1;spin;after2;");
    let e = errors(&app);
    assert_eq!(e.len(), 2, "{e:?}");
    assert!(
        e.iter().any(|m| m.contains("bad_ev.lua:1: bad event")),
        "{e:?}"
    );
    assert!(e.iter().any(|m| m.starts_with("spin_ev.lua")), "{e:?}");
}

#[test]
fn references_are_cached_and_stay_live() {
    let d = tmp();
    write(
        d.path(),
        "cache.lua",
        r#"
        function on_update()
            local t = entity.Transform
            same_ref = rawequal(t, entity.Transform) and rawequal(t.translation, t.translation)
            local p = t.translation
            p.y = p.y + 1
            p.x = p.x + 10
            y, x = p.y, p.x
            local ok, e = pcall(function() return p.w end)
            miss = e
            enemy = entity.Enemy
        end
        "#,
    );
    let mut app = app(d.path());
    let e = app
        .world_mut()
        .spawn((
            Transform::from_xyz(0.0, 0.0, 0.0),
            Enemy::default(),
            Script::new("cache.lua"),
        ))
        .id();
    app.update();
    app.update();
    assert!(global::<bool>(&mut app, e, "same_ref"));
    assert_eq!(global::<f64>(&mut app, e, "y"), 2.0);
    let t = *app.world().get::<Transform>(e).unwrap();
    assert_eq!(t.translation, Vec3::new(20.0, 2.0, 0.0));
    assert!(
        global::<String>(&mut app, e, "miss").contains("Transform.translation.w: no such field"),
        "{}",
        global::<String>(&mut app, e, "miss")
    );
    // A removed component reads as nil again, though its reference was cached.
    app.world_mut().entity_mut(e).remove::<Enemy>();
    app.update();
    assert!(global::<Option<bool>>(&mut app, e, "enemy").is_none());
    assert!(errors(&app).is_empty(), "{:?}", errors(&app));
}

#[test]
fn diagnostics_report_script_times_and_the_gc_step() {
    let d = tmp();
    write(
        d.path(),
        "busy.lua",
        r#"function on_update() local t = {} for i = 1, 2000 do t[i] = {i} end end"#,
    );
    let mut app = app_with(
        d.path(),
        LuaPlugin::new(d.path()).hot_reload(false).gc_step_kb(64),
    );
    app.world_mut().spawn(Script::new("busy.lua"));
    let mut stepped = 0;
    for _ in 0..2 * engine_lua_bevy::runtime::SCRIPT_TIMING_EVERY {
        app.update();
        let d = diag(&app);
        if d.gc_stepped {
            stepped += 1;
        }
    }
    let d = diag(&app);
    assert_eq!(d.scripts.len(), 1);
    assert!(d.scripts[0].update_us > 0.0, "{:?}", d.scripts);
    assert!(stepped > 0, "no end-of-frame collector step ran");
    assert!(d.gc.steps > 0 && d.gc.heap_bytes > 0, "{:?}", d.gc);
}

/// A component with float fields at several depths (an `f64`, a field named like a
/// reference method, a tuple).
#[derive(Component, Reflect, Default, Debug, Clone, PartialEq)]
#[reflect(Component, Default)]
struct Gauge {
    level: f64,
    path: f32,
    pair: (f32, f64),
}

#[derive(Resource, Default)]
struct GaugeChanges(u32);

#[test]
fn learnt_float_fields_behave_as_reflection_does() {
    // The first access of a float field goes through reflection and learns where the
    // float lives; later ones read and write it directly: same values, same change
    // detection, same errors.
    let d = tmp();
    write(
        d.path(),
        "gauge.lua",
        r#"
        frames = 0
        function on_update()
            frames = frames + 1
            if frames >= 4 then
                local ok, e = pcall(function() return gref.level end)
                gone_read = e
                ok, e = pcall(function() gref.level = 1 end)
                gone_write = e
                ok, e = pcall(function() return ghost_ref.level end)
                despawned_read = e
                ok, e = pcall(function() ghost_ref.level = 1 end)
                despawned_write = e
                return
            end
            local g = entity.Gauge
            gref = g
            for _ = 1, 2 do
                g.level = g.level + 0.5
                g.pair[1] = g.pair[1] + 1
                g.pair[2] = g.pair[2] * 2
            end
            g.path = 7
            path_is_method = type(g.path) == "function"
            path_value = g:get().path
            if frames == 1 then
                local ok, e = pcall(function() g.level = "high" end)
                bad = e
            end
            local p = entity.Transform.translation
            p.x = p.x + 1
            local ghost = world:spawn({Gauge = {level = 5}})
            ghost_level = ghost.Gauge.level + ghost.Gauge.level
            ghost_ref = ghost.Gauge
            ghost:despawn()
        end
        "#,
    );
    let mut app = app(d.path());
    app.register_type::<Gauge>()
        .init_resource::<GaugeChanges>()
        .add_systems(
            PostUpdate,
            |q: Query<(), (Changed<Gauge>, With<Script>)>, mut n: ResMut<GaugeChanges>| {
                n.0 += q.iter().count() as u32;
            },
        );
    let e = app
        .world_mut()
        .spawn((
            Transform::default(),
            Gauge {
                level: 1.0,
                path: 0.0,
                pair: (0.0, 1.0),
            },
            Script::new("gauge.lua"),
        ))
        .id();
    for _ in 0..3 {
        app.update();
    }
    let g = app.world().get::<Gauge>(e).unwrap().clone();
    assert_eq!(
        g,
        Gauge {
            level: 4.0,
            path: 7.0,
            pair: (6.0, 64.0)
        }
    );
    assert_eq!(app.world().get::<Transform>(e).unwrap().translation.x, 3.0);
    // Written every frame (by the learnt path after the first).
    assert_eq!(app.world().resource::<GaugeChanges>().0, 3);
    assert!(global::<bool>(&mut app, e, "path_is_method"));
    assert_eq!(global::<f64>(&mut app, e, "path_value"), 7.0);
    assert_eq!(global::<f64>(&mut app, e, "ghost_level"), 10.0);
    let bad: String = global(&mut app, e, "bad");
    assert!(
        bad.contains("Gauge.level: expected a number, got string"),
        "{bad}"
    );
    app.world_mut().entity_mut(e).remove::<Gauge>();
    app.update();
    for name in ["gone_read", "gone_write"] {
        let m: String = global(&mut app, e, name);
        assert!(m.contains("has no component 'Gauge'"), "{name}: {m}");
    }
    for name in ["despawned_read", "despawned_write"] {
        let m: String = global(&mut app, e, name);
        assert!(m.contains("does not exist (despawned?)"), "{name}: {m}");
    }
    assert!(errors(&app).is_empty(), "{:?}", errors(&app));
}
