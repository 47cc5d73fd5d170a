//! Embedding engine_lua in a game loop: a sandboxed state with limits, an entity as
//! userdata, an AI script written as a coroutine that calls `wait(seconds)` (a plain
//! Rust function that yields), level data passed through serde, and recovery from a
//! script that loops forever.
//!
//! Run with `cargo run -p engine_lua --example embedding`.

use engine_lua::{
    Error, Function, Limits, Lua, LuaValue, Thread, ThreadStatus, UserData, UserDataFields,
    UserDataMethods,
};
use serde::{Deserialize, Serialize};

/// A game entity the script can read and move.
struct Guard {
    x: f64,
    y: f64,
    alerts: u32,
}

impl UserData for Guard {
    fn add_fields(f: &mut UserDataFields<'_, Self>) {
        f.add_field_get("x", |_, g| Ok(g.x));
        f.add_field_get("y", |_, g| Ok(g.y));
    }
    fn add_methods(m: &mut UserDataMethods<'_, Self>) {
        m.add_method_mut("move_to", |_, g, (x, y): (f64, f64)| {
            g.x = x;
            g.y = y;
            Ok(())
        });
        m.add_method_mut("alert", |_, g, ()| {
            g.alerts += 1;
            Ok(g.alerts)
        });
    }
}

/// Level data shared with scripts through serde.
#[derive(Serialize, Deserialize, Debug)]
struct Level {
    name: String,
    waypoints: Vec<(f64, f64)>,
}

const GUARD_AI: &str = r#"
-- Patrol the level's waypoints, waiting between them.
for i, p in ipairs(level.waypoints) do
  guard:move_to(p[1], p[2])
  local dt = wait(0.5)
  log(("at waypoint %d (%.0f, %.0f) after %.2fs"):format(i, guard.x, guard.y, dt))
end
guard:alert()
return "patrol done"
"#;

fn main() -> Result<(), Error> {
    // Untrusted scripts: no io, no os.execute, text chunks only, bounded run time,
    // memory and recursion.
    let mut lua = Lua::sandboxed(
        "scripts",
        Limits {
            instructions: Some(1_000_000),
            memory: Some(8 << 20),
            call_depth: Some(200),
        },
    );

    // Host functions: `log(msg)` and `wait(seconds)`, which yields to our scheduler.
    let log = lua.create_function(|_, msg: String| {
        println!("[lua] {msg}");
        Ok(())
    })?;
    let wait = lua.create_function(|vm, secs: f64| vm.yield_with(secs))?;
    let g = lua.globals();
    g.set(&mut lua, "log", log)?;
    g.set(&mut lua, "wait", wait)?;

    // Data in through serde, an entity as userdata.
    let level = Level {
        name: "crypt".into(),
        waypoints: vec![(0.0, 0.0), (4.0, 0.0), (4.0, 3.0)],
    };
    let level_value = lua.to_value(&level)?;
    g.set(&mut lua, "level", level_value)?;
    let guard = lua.create_userdata(Guard {
        x: 0.0,
        y: 0.0,
        alerts: 0,
    })?;
    g.set(&mut lua, "guard", &guard)?;

    // The AI runs as a coroutine that the game resumes each frame once its wait is over.
    let ai: Function = lua
        .load(GUARD_AI)
        .set_name("@scripts/ai/guard.lua")
        .into_function()?;
    let co: Thread = lua.create_thread(&ai)?;
    let frame = 1.0 / 4.0;
    let (mut clock, mut wake_at, mut waited) = (0.0f64, 0.0f64, 0.0f64);
    while co.status(&lua)? == ThreadStatus::Resumable {
        clock += frame;
        if clock < wake_at {
            continue;
        }
        match co.resume::<_, LuaValue>(&mut lua, clock - waited)? {
            LuaValue::Number(secs) => {
                waited = clock;
                wake_at = clock + secs;
            }
            done => {
                let text: String = lua.unpack(done)?;
                println!("script finished at t={clock:.2}: {text}");
            }
        }
    }
    let g = guard.borrow::<Guard>(&lua)?;
    println!("guard at ({}, {}), alerts: {}", g.x, g.y, g.alerts);
    drop(g);

    // Data back out through serde (a script may edit it).
    lua.load("level.waypoints[#level.waypoints + 1] = {0, 3}")
        .exec()?;
    let level_value: LuaValue = lua.globals().get(&mut lua, "level")?;
    let edited: Level = lua.from_value(level_value)?;
    println!(
        "{} now has {} waypoints",
        edited.name,
        edited.waypoints.len()
    );

    // A half-written script that never ends is stopped, and the state carries on.
    match lua
        .load("while true do end")
        .set_name("@scripts/broken.lua")
        .exec()
    {
        Err(e) => println!("stopped: {}", e.to_string().lines().next().unwrap_or("")),
        Ok(()) => unreachable!("the budget stops the loop"),
    }
    let two: i64 = lua.load("return 1 + 1").eval()?;
    println!("still usable: 1 + 1 = {two}");
    Ok(())
}
