//! Editing the real scripts while the game runs (a copy in a temporary folder, the
//! real file watcher): a changed AI script changes the enemies at once; a broken
//! one is reported with its file and line while the game keeps running, and the
//! fix brings the enemies back.

mod common;

use common::*;
use game_demo::components::PlayerInput;

#[test]
fn editing_the_guard_script_changes_the_guards_at_once() {
    let dir = copy_scripts();
    let mut demo = demo(dir.path(), true);
    demo.run(60);
    let before = motion(&mut demo, "guard", 30);
    assert!(before > 20.0, "guards should patrol: moved {before}");
    edit(dir.path(), "ai/guard.lua", "SPEED = 60 ", "SPEED = 0 ");
    until(&mut demo, "the reload", |d| {
        d.diagnostics().reload_count >= 1
    });
    demo.run(2);
    let after = motion(&mut demo, "guard", 30);
    assert_eq!(after, 0.0, "guards still move after SPEED = 0");
    // Their brains kept running (state kept) and nothing failed.
    let d = demo.diagnostics();
    let guards = enemies(&mut demo, "guard").len();
    let guard_cos = d
        .coroutines
        .iter()
        .filter(|c| c.script == "ai/guard.lua")
        .count();
    assert_eq!(guard_cos, guards, "{:?}", d.coroutines);
    assert_eq!(d.reload_failures, 0);
    assert!(errors(&demo).is_empty(), "{:?}", errors(&demo));
    // And back.
    edit(dir.path(), "ai/guard.lua", "SPEED = 0 ", "SPEED = 90 ");
    until(&mut demo, "the second reload", |d| {
        d.diagnostics().reload_count >= 2
    });
    demo.run(2);
    assert!(motion(&mut demo, "guard", 30) > 20.0);
}

#[test]
fn a_broken_script_is_reported_and_the_game_keeps_running() {
    let dir = copy_scripts();
    let mut demo = demo(dir.path(), true);
    demo.run(30);
    let original = std::fs::read_to_string(dir.path().join("ai/guard.lua")).unwrap();

    // 1. A syntax error: the old code keeps running, the error names file and line.
    let lines = original.lines().count() as u32;
    std::fs::write(
        dir.path().join("ai/guard.lua"),
        format!("{original}\nfunction broken(\n"),
    )
    .unwrap();
    until(&mut demo, "the compile error", |d| {
        !d.diagnostics().compile_errors.is_empty()
    });
    let ce = demo.diagnostics().compile_errors[0].clone();
    assert_eq!(ce.file, "ai/guard.lua");
    assert!(ce.line > lines, "{ce:?}");
    let hud = game_demo::view::error_line(&demo.diagnostics()).unwrap();
    assert!(hud.contains("ai/guard.lua:"), "{hud}");
    assert!(
        motion(&mut demo, "guard", 30) > 5.0,
        "old guard code stopped"
    );

    // 2. A runtime error in a state function: the guards' brains stop with an error
    // at that line; everything else keeps working.
    let bad = edit_from(
        &original,
        "  ai.state(entity, \"patrol\")",
        "  ai.sate(entity, \"patrol\")",
    );
    let bad_line = bad.lines().position(|l| l.contains("ai.sate")).unwrap() as u32 + 1;
    std::fs::write(dir.path().join("ai/guard.lua"), &bad).unwrap();
    until(&mut demo, "the runtime error", |d| {
        errors(d)
            .iter()
            .any(|e| e.contains("ai.sate") || e.contains("'sate'"))
    });
    let e = errors(&demo);
    let want = format!("ai/guard.lua:{bad_line}:");
    assert!(
        e.iter().any(|e| e.starts_with(&want)),
        "expected an error at {want} in {e:?}"
    );
    assert!(demo.diagnostics().compile_errors.is_empty());
    demo.run(5);
    assert_eq!(
        motion(&mut demo, "guard", 20),
        0.0,
        "broken guards still move"
    );
    let frames = demo.frames();
    demo.app.world_mut().resource_mut::<PlayerInput>().axis = bevy::math::Vec2::new(0.0, -1.0);
    let travel = demo.summary().player_travel;
    demo.run(20);
    assert!(demo.frames() == frames + 20);
    assert!(
        demo.summary().player_travel > travel + 10.0,
        "the player script stopped working"
    );
    demo.app.world_mut().resource_mut::<PlayerInput>().axis = bevy::math::Vec2::ZERO;

    // 3. The fix: on_reload restarts the brains, the guards walk again.
    std::fs::write(dir.path().join("ai/guard.lua"), &original).unwrap();
    let reloads = demo.diagnostics().reload_count;
    until(&mut demo, "the fix", |d| {
        d.diagnostics().reload_count > reloads
    });
    demo.run(40);
    assert!(
        motion(&mut demo, "guard", 30) > 20.0,
        "guards did not recover"
    );
}

fn edit_from(src: &str, old: &str, new: &str) -> String {
    assert!(src.contains(old), "missing {old:?}");
    src.replacen(old, new, 1)
}

#[test]
fn editing_a_level_rebuilds_it_around_the_player() {
    let dir = copy_scripts();
    let mut demo = demo(dir.path(), true);
    demo.run(20);
    let coin = a_coin(&mut demo);
    teleport_player(&mut demo, coin);
    demo.run(2);
    let score = game_state(&demo).score;
    assert_eq!(score, 10);
    let left = game_state(&demo).coins_left;
    // Add a hunter to the level while it runs.
    edit(
        dir.path(),
        "levels/courtyard.lua",
        "    {kind = \"hunter\", at = {16, 7}},",
        "    {kind = \"hunter\", at = {16, 7}},\n    {kind = \"hunter\", at = {4, 13}},",
    );
    until(&mut demo, "the level reload", |d| {
        d.diagnostics().reload_count >= 1
    });
    demo.run(3);
    assert_eq!(enemies(&mut demo, "hunter").len(), 2);
    // The coin taken stays taken, the player stays where it was.
    let gs = game_state(&demo);
    assert_eq!((gs.score, gs.coins_left), (10, left));
    let world = demo.app.world_mut();
    let p = world
        .query_filtered::<&bevy::prelude::Transform, bevy::prelude::With<game_demo::components::Player>>()
        .single(world)
        .unwrap()
        .translation
        .truncate();
    assert!(p.distance(coin) < 2.0, "player moved to {p}");
    assert!(errors(&demo).is_empty(), "{:?}", errors(&demo));
}
