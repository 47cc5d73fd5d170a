//! Helpers for the headless game tests: the real scripts (or a copy of them in a
//! temporary folder), frame loops with bounded waits, enemy positions.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use bevy::prelude::*;
use game_demo::components::{Enemy, GameState, Goal, Pickup, Player};
use game_demo::{Demo, Options};

/// Longest a test waits for the file watcher.
pub const DEADLINE: Duration = Duration::from_secs(20);

/// The repository's scripts.
pub fn real_scripts() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts")
}

/// A headless game over `scripts`.
pub fn demo(scripts: &Path, hot_reload: bool) -> Demo {
    Demo::new(&Options {
        headless: true,
        scripts: scripts.to_path_buf(),
        hot_reload,
        ..Options::default()
    })
}

/// A copy of the real scripts in a temporary folder.
pub fn copy_scripts() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    copy_dir(&real_scripts(), d.path());
    d
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let p = entry.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(entry.file_name()));
        } else {
            std::fs::copy(&p, to.join(entry.file_name())).unwrap();
        }
    }
}

/// Runs frames (with a short sleep, so the watcher's thread gets its events through)
/// until `cond` holds; panics after [`DEADLINE`].
pub fn until(demo: &mut Demo, what: &str, mut cond: impl FnMut(&mut Demo) -> bool) {
    let start = Instant::now();
    loop {
        demo.step();
        if cond(demo) {
            return;
        }
        assert!(
            start.elapsed() < DEADLINE,
            "timed out waiting for {what}; summary:\n{}",
            demo.summary()
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Replaces `old` by `new` in a script (which must contain `old`).
pub fn edit(dir: &Path, file: &str, old: &str, new: &str) -> String {
    let p = dir.join(file);
    let src = std::fs::read_to_string(&p).unwrap();
    assert!(src.contains(old), "{file} no longer contains {old:?}");
    let out = src.replacen(old, new, 1);
    std::fs::write(&p, &out).unwrap();
    out
}

/// Positions of the enemies of `kind`.
pub fn enemies(demo: &mut Demo, kind: &str) -> HashMap<Entity, Vec2> {
    let world = demo.app.world_mut();
    world
        .query::<(Entity, &Enemy, &Transform)>()
        .iter(world)
        .filter(|(_, e, _)| e.kind == kind)
        .map(|(id, _, t)| (id, t.translation.truncate()))
        .collect()
}

/// How far the enemies of `kind` move in `frames` frames (summed; enemies that
/// appear or disappear meanwhile are left out).
pub fn motion(demo: &mut Demo, kind: &str, frames: u64) -> f32 {
    let before = enemies(demo, kind);
    demo.run(frames);
    let after = enemies(demo, kind);
    before
        .iter()
        .filter_map(|(e, p)| after.get(e).map(|q| p.distance(*q)))
        .sum()
}

/// The HUD state.
pub fn game_state(demo: &Demo) -> GameState {
    demo.app.world().resource::<GameState>().clone()
}

/// Puts the player at `at`.
pub fn teleport_player(demo: &mut Demo, at: Vec2) {
    let world = demo.app.world_mut();
    let mut q = world.query_filtered::<&mut Transform, With<Player>>();
    let mut t = q.single_mut(world).expect("one player");
    t.translation.x = at.x;
    t.translation.y = at.y;
}

/// Where the goal is.
pub fn goal_position(demo: &mut Demo) -> Vec2 {
    let world = demo.app.world_mut();
    let mut q = world.query_filtered::<&Transform, With<Goal>>();
    q.single(world).expect("one goal").translation.truncate()
}

/// Position of some coin.
pub fn a_coin(demo: &mut Demo) -> Vec2 {
    let world = demo.app.world_mut();
    let mut q = world.query::<(&Transform, &Pickup)>();
    q.iter(world)
        .find(|(_, p)| p.kind == "coin")
        .expect("a coin")
        .0
        .translation
        .truncate()
}

/// Errors as `file:line: message`.
pub fn errors(demo: &Demo) -> Vec<String> {
    demo.diagnostics()
        .errors
        .iter()
        .map(|e| format!("{}:{}: {}", e.file, e.line, e.message))
        .collect()
}
