//! Capture, console and plugin against a real runtime: a headless app
//! (MinimalPlugins + LuaPlugin) running a script whose coroutine patrols.

use std::path::Path;
use std::time::Duration;

use bevy::prelude::*;
use bevy::time::TimeUpdateStrategy;
use engine_lua_bevy::{LuaPlugin, Script, with_lua};
use engine_lua_editor::*;

const GUARD: &str = r#"
local speed = 2
local state = { name = "guard", waypoints = { {x = 1, y = 2}, {x = 3, y = 4} } }
state.self = state
mode = "patrol"

function patrol(n)
  local step = 0
  while true do
    step = step + 1
    local here = state.waypoints[(step % 2) + 1]
    wait_frames(1)
  end
end

start(function() patrol(5) end)
"#;

fn app(dir: &Path) -> (App, Entity) {
    std::fs::write(dir.join("guard.lua"), GUARD).unwrap();
    let mut app = App::new();
    app.add_plugins((MinimalPlugins, LuaPlugin::new(dir).hot_reload(false)))
        .insert_resource(TimeUpdateStrategy::ManualDuration(Duration::from_millis(
            16,
        )));
    let e = app.world_mut().spawn(Script::new("guard.lua")).id();
    for _ in 0..4 {
        app.update();
    }
    (app, e)
}

fn find<'a>(nodes: &'a [ValueNode], name: &str) -> &'a ValueNode {
    nodes
        .iter()
        .find(|n| n.name == name)
        .unwrap_or_else(|| panic!("no {name} in {nodes:#?}"))
}

#[test]
fn captures_scripts_coroutines_stack_locals_and_upvalues() {
    let d = tempfile::tempdir().unwrap();
    let (mut app, e) = app(d.path());
    let snap = with_lua(app.world_mut(), |rt| {
        capture(rt, &CaptureOptions::default())
    });
    assert!(snap.frame >= 4);
    assert_eq!(snap.scripts.len(), 1);
    let s = &snap.scripts[0];
    assert_eq!(s.path, "guard.lua");
    assert_eq!(s.entity, Some(e.to_string()));
    assert_eq!(s.status, ScriptStatus::Running);
    assert!(s.last_error.is_none());
    assert!(snap.errors.is_empty(), "{:?}", snap.errors);
    assert!(snap.stack.is_none(), "no coroutine selected");

    assert_eq!(snap.coroutines.len(), 1, "{:?}", snap.coroutines);
    let co = &snap.coroutines[0];
    assert_eq!(co.script, "guard.lua");
    assert_eq!(co.entity, Some(e.to_string()));
    assert_eq!(co.status, CoState::Suspended);
    assert_eq!(co.line.as_deref(), Some("guard.lua:12"));
    assert!(co.wait.starts_with("wait_frames"), "{}", co.wait);

    let opts = CaptureOptions {
        coroutine: Some(co.id),
        ..CaptureOptions::default()
    };
    let snap = with_lua(app.world_mut(), |rt| capture(rt, &opts));
    let stack = snap.stack.expect("stack of the selected coroutine");
    assert_eq!(stack.coroutine, co.id);
    let f: Vec<(&str, String)> = stack
        .frames
        .iter()
        .map(|f| (f.function.as_str(), f.location()))
        .collect();
    assert_eq!(f.len(), 3, "{f:?}");
    assert!(stack.frames[0].native, "{f:?}");
    assert_eq!(f[1], ("global 'patrol'", "guard.lua:12".to_string()));
    assert_eq!(
        f[2],
        ("function <guard.lua:16>", "guard.lua:16".to_string())
    );

    let patrol = &stack.frames[1];
    assert_eq!(find(&patrol.locals, "n").text, "5");
    let step: i64 = find(&patrol.locals, "step").text.parse().unwrap();
    assert!(step >= 3, "step {step}");
    let here = find(&patrol.locals, "here");
    assert_eq!(here.text, "table (2 entries)");
    let x = find(&here.children, "x");
    assert!(x.text == "1" || x.text == "3", "{x:?}");

    let state = find(&patrol.upvalues, "state");
    assert_eq!(find(&state.children, "name").text, "\"guard\"");
    let wps = find(&state.children, "waypoints");
    assert_eq!(find(&find(&wps.children, "[2]").children, "y").text, "4");
    let me = find(&state.children, "self");
    assert_eq!(me.text, "table (cycle)");
    assert!(me.children.is_empty());

    assert_eq!(snap.timing.scripts.len(), 1);
    assert_eq!(snap.timing.scripts[0].path, "guard.lua");
    assert!(snap.gc.heap_bytes > 0);
    assert!(snap.gc.objects.iter().any(|(k, n)| k == "table" && *n > 0));
}

#[test]
fn value_trees_are_bounded() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("big.lua"),
        r#"
        function hold()
          local big = {}
          for i = 1, 10000 do big[i] = i end
          local deep = {}
          local t = deep
          for i = 1, 100 do t.next = {}; t = t.next end
          wait_frames(1000)
        end
        start(hold)
        "#,
    )
    .unwrap();
    let mut app = App::new();
    app.add_plugins((MinimalPlugins, LuaPlugin::new(d.path()).hot_reload(false)));
    app.world_mut().spawn(Script::new("big.lua"));
    for _ in 0..3 {
        app.update();
    }
    let snap = with_lua(app.world_mut(), |rt| {
        let id = capture(rt, &CaptureOptions::default()).coroutines[0].id;
        let opts = CaptureOptions {
            coroutine: Some(id),
            limits: ValueLimits {
                depth: 3,
                entries: 20,
                ..ValueLimits::default()
            },
        };
        capture(rt, &opts)
    });
    let frames = snap.stack.unwrap().frames;
    let hold = frames
        .iter()
        .find(|f| f.function == "function <big.lua:2>")
        .unwrap_or_else(|| panic!("{frames:#?}"));
    let big = find(&hold.locals, "big");
    assert_eq!(big.children.len(), 20);
    assert_eq!(big.text, "table (20+ entries)");
    assert_eq!(big.note.as_deref(), Some("more entries (limit 20)"));
    let mut t = find(&hold.locals, "deep");
    let mut depth = 0;
    while let Some(n) = t.children.first() {
        t = n;
        depth += 1;
    }
    assert_eq!(depth, 3);
    assert_eq!(t.note.as_deref(), Some("depth limit"));
}

#[test]
fn console_evaluates_expressions_statements_and_errors() {
    let d = tempfile::tempdir().unwrap();
    let (mut app, e) = app(d.path());
    let budget = 200_000;
    let texts = |out: Vec<ConsoleLine>| -> Vec<(ConsoleLineKind, String)> {
        out.into_iter().map(|l| (l.kind, l.text)).collect()
    };
    let w = app.world_mut();
    let key = with_lua(w, |rt| rt.script_of(e)).unwrap();
    let out = with_lua(w, |rt| eval_line(rt, "1+1", None, budget));
    assert_eq!(
        texts(out),
        vec![
            (ConsoleLineKind::Input, "> 1+1".to_string()),
            (ConsoleLineKind::Value, "2".to_string())
        ]
    );
    let out = with_lua(w, |rt| eval_line(rt, "=1, 'a', nil", None, budget));
    assert_eq!(texts(out)[1].1, "1\ta\tnil");
    // A statement prints nothing; its effect is visible to the next line.
    let out = with_lua(w, |rt| eval_line(rt, "answer = 6 * 7", None, budget));
    assert_eq!(out.len(), 1);
    let out = with_lua(w, |rt| eval_line(rt, "=answer", None, budget));
    assert_eq!(texts(out)[1].1, "42");
    // A script's environment: its globals, not the shared ones.
    let out = with_lua(w, |rt| eval_line(rt, "mode", Some(key), budget));
    assert_eq!(texts(out)[1].1, "patrol");
    let out = with_lua(w, |rt| eval_line(rt, "mode", None, budget));
    assert_eq!(texts(out)[1].1, "nil");
    // Errors come back as text.
    let out = texts(with_lua(w, |rt| {
        eval_line(rt, "error('boom')", None, budget)
    }));
    assert_eq!(
        out[1],
        (ConsoleLineKind::Error, "console:1: boom".to_string())
    );
    let out = texts(with_lua(w, |rt| eval_line(rt, "1 +", None, budget)));
    assert_eq!(out[1].0, ConsoleLineKind::Error);
    assert!(out[1].1.contains("console:1:"), "{out:?}");
    let out = texts(with_lua(w, |rt| eval_line(rt, "=x", Some(999), budget)));
    assert_eq!(out[1].0, ConsoleLineKind::Error);
}

#[test]
fn console_endless_loop_is_stopped_by_the_budget_and_the_game_goes_on() {
    let d = tempfile::tempdir().unwrap();
    let (mut app, e) = app(d.path());
    let step_of = |app: &mut App| -> i64 {
        let snap = with_lua(app.world_mut(), |rt| {
            let id = capture(rt, &CaptureOptions::default()).coroutines[0].id;
            capture(
                rt,
                &CaptureOptions {
                    coroutine: Some(id),
                    ..CaptureOptions::default()
                },
            )
        });
        let f = &snap.stack.unwrap().frames[1];
        find(&f.locals, "step").text.parse().unwrap()
    };
    let before = step_of(&mut app);
    let key = with_lua(app.world_mut(), |rt| rt.script_of(e)).unwrap();
    for target in [None, Some(key)] {
        let out = with_lua(app.world_mut(), |rt| {
            eval_line(rt, "while true do end", target, 100_000)
        });
        assert_eq!(out[1].kind, ConsoleLineKind::Error);
        assert!(
            out[1].text.contains("instruction limit exceeded"),
            "{:?}",
            out[1]
        );
    }
    // The state works, the script's own budget is back, the coroutine runs on.
    let out = with_lua(app.world_mut(), |rt| eval_line(rt, "=1+1", None, 100_000));
    assert_eq!(out[1].text, "2");
    for _ in 0..3 {
        app.update();
    }
    assert_eq!(step_of(&mut app), before + 3);
    let errors = &app
        .world()
        .resource::<engine_lua_bevy::LuaDiagnostics>()
        .errors;
    assert!(
        errors.is_empty(),
        "console errors are not script errors: {errors:?}"
    );
}

#[test]
fn plugin_headless_captures_while_open_and_runs_console_lines() {
    let d = tempfile::tempdir().unwrap();
    let (mut app, _) = app(d.path());
    app.add_plugins(LuaDebuggerPlugin::default());
    app.update();
    // Closed: nothing captured.
    assert_eq!(
        app.world().resource::<DebuggerSnapshot>().0,
        Snapshot::default()
    );
    {
        let mut st = app.world_mut().resource_mut::<EditorState>();
        st.open = true;
        st.console.submit("=2^10");
    }
    app.update();
    let snap = app.world().resource::<DebuggerSnapshot>().0.clone();
    assert_eq!(snap.scripts.len(), 1);
    assert_eq!(snap.coroutines.len(), 1);
    assert_eq!(snap.timing.phases.len(), 6, "{:?}", snap.timing);
    assert!(snap.timing.total.is_some());
    let st = app.world().resource::<EditorState>();
    assert!(st.console.pending.is_empty());
    let texts: Vec<&str> = st.console.output.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(texts, vec!["> =2^10", "1024.0"]);
}
