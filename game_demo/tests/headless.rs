//! The game with its real scripts, headless: it runs, its rules work (pickups, the
//! goal loads the next level, death restarts the level, the second level's spawner
//! hatches drones), and the binary prints its summary.

mod common;

use common::*;
use game_demo::components::{Health, Player, PlayerInput};

#[test]
fn three_hundred_frames_with_the_real_scripts() {
    let mut demo = demo(&real_scripts(), false);
    demo.run(300);
    let s = demo.summary();
    assert!(s.errors.is_empty(), "{s}");
    assert_eq!(
        (s.level, s.level_name.as_str()),
        (1, "The Courtyard"),
        "{s}"
    );
    assert!(s.enemies >= 3, "{s}");
    assert!(s.enemy_travel > 300.0, "enemies hardly moved:\n{s}");
    // Every enemy runs its brain as a coroutine.
    assert!(s.coroutines >= s.enemies, "{s}");
    // main.lua, the level, the player and one per enemy.
    assert_eq!(s.scripts, 3 + s.enemies, "{s}");
    assert!(s.entities > 20, "{s}");
    assert_eq!(s.hp, 5, "{s}");
}

#[test]
fn coins_score_and_the_goal_loads_the_next_level() {
    let mut demo = demo(&real_scripts(), false);
    demo.run(10);
    let before = game_state(&demo);
    let coin = a_coin(&mut demo);
    teleport_player(&mut demo, coin);
    demo.run(2);
    let after = game_state(&demo);
    assert_eq!(after.score, before.score + 10);
    assert_eq!(after.coins_left, before.coins_left - 1);
    let goal = goal_position(&mut demo);
    teleport_player(&mut demo, goal);
    demo.run(5);
    let s = demo.summary();
    assert_eq!((s.level, s.level_name.as_str()), (2, "The Crypt"), "{s}");
    // The crypt's exit is locked until every coin is taken.
    let world = demo.app.world_mut();
    let open = world
        .query::<&game_demo::components::Goal>()
        .single(world)
        .unwrap()
        .open;
    assert!(!open);
    // Its spawner hatches drones.
    demo.run(400);
    let s = demo.summary();
    assert!(
        !enemies(&mut demo, "drone").is_empty(),
        "no drones after 400 frames:\n{s}"
    );
    assert!(s.errors.is_empty(), "{s}");
}

#[test]
fn dying_restarts_the_level_with_full_health() {
    let mut demo = demo(&real_scripts(), false);
    demo.run(10);
    {
        let world = demo.app.world_mut();
        let mut q = world.query_filtered::<&mut Health, bevy::prelude::With<Player>>();
        q.single_mut(world).unwrap().hp = 0;
    }
    demo.run(5);
    let s = demo.summary();
    assert_eq!((s.deaths, s.level, s.hp), (1, 1, 5), "{s}");
    assert!(s.errors.is_empty(), "{s}");
}

#[test]
fn the_player_moves_with_the_input_and_the_pulse_hurts_enemies() {
    let mut demo = demo(&real_scripts(), false);
    demo.run(5);
    demo.app.world_mut().resource_mut::<PlayerInput>().axis = bevy::math::Vec2::new(1.0, 0.0);
    demo.run(30);
    let s = demo.summary();
    // 170 px/s for half a second, less the wall the player may bump into.
    assert!(s.player_travel > 40.0, "{s}");
    // Walk onto a guard and pulse: it loses a hit point and flees.
    demo.app.world_mut().resource_mut::<PlayerInput>().axis = bevy::math::Vec2::ZERO;
    let (guard, at) = enemies(&mut demo, "guard").into_iter().next().unwrap();
    teleport_player(&mut demo, at + bevy::math::Vec2::new(40.0, 0.0));
    {
        let world = demo.app.world_mut();
        let mut q = world.query_filtered::<&mut Player, bevy::prelude::With<Player>>();
        q.single_mut(world).unwrap().invulnerable = 10.0;
    }
    demo.app.world_mut().resource_mut::<PlayerInput>().attack = true;
    demo.run(1);
    demo.app.world_mut().resource_mut::<PlayerInput>().attack = false;
    // A guard pausing at a waypoint notices at its next beat (at most 0.5 s).
    demo.run(40);
    let world = demo.app.world();
    assert_eq!(world.get::<Health>(guard).unwrap().hp, 1);
    let state = world
        .get::<game_demo::components::Enemy>(guard)
        .unwrap()
        .state
        .clone();
    assert_eq!(state, "flee");
    assert!(demo.summary().errors.is_empty(), "{}", demo.summary());
}

#[test]
fn the_binary_prints_a_summary_headless() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_game_demo"))
        .args(["--headless", "--frames", "120", "--no-reload"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for line in [
        "game_demo summary after 120 frames",
        "script errors  0",
        "coroutines",
        "mean frame",
    ] {
        assert!(text.contains(line), "missing {line:?} in\n{text}");
    }
}

#[test]
fn without_a_display_the_plain_command_runs_headless() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_game_demo"))
        .args(["--frames", "30", "--no-reload"])
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("no display"), "{text}");
    assert!(text.contains("game_demo summary after 30 frames"), "{text}");
}
