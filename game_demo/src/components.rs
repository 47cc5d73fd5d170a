//! The game's components, resources and messages: plain reflected data that the Lua
//! scripts read and write by name (`entity.Health.hp`, `world:resource("GameState")`).
//!
//! Rust owns no game rules here: it integrates [`Velocity`] against [`Wall`]s
//! ([`crate::physics`]), draws [`Shape`]s and [`Halo`]s, feeds [`PlayerInput`] from the
//! keyboard, and carries out [`LoadLevel`] requests. Everything else (AI, pickups,
//! damage, triggers, scoring) lives in `scripts/`.

use bevy::prelude::*;

/// The player's avatar.
#[derive(Component, Reflect, Clone, Debug, Default)]
#[reflect(Component, Default)]
pub struct Player {
    /// Seconds of invulnerability left after a hit (the sprite blinks meanwhile).
    pub invulnerable: f32,
    /// Seconds until the pulse attack is ready again.
    pub cooldown: f32,
}

/// An enemy; its behaviour is the script on the same entity (`scripts/ai/*.lua`).
#[derive(Component, Reflect, Clone, Debug, Default)]
#[reflect(Component, Default)]
pub struct Enemy {
    /// Kind: `guard`, `hunter`, `spawner`, `drone` (the script's name, for display).
    pub kind: String,
    /// What its brain does now (`patrol`, `chase`, `flee`, ...): shown by the gizmos
    /// and the debugger, set by the script.
    pub state: String,
    /// Damage dealt on contact with the player.
    pub damage: i32,
    /// Current speed, pixels per second (set by the script; shown in the debugger).
    pub speed: f32,
}

/// Hit points.
#[derive(Component, Reflect, Clone, Debug, Default)]
#[reflect(Component, Default)]
pub struct Health {
    /// Current.
    pub hp: i32,
    /// Maximum.
    pub max: i32,
}

/// Movement, pixels per second; integrated by [`crate::physics`], which stops it at
/// walls.
#[derive(Component, Reflect, Clone, Debug, Default)]
#[reflect(Component, Default)]
pub struct Velocity {
    /// Velocity.
    pub linear: Vec2,
}

/// How an entity looks: a filled shape drawn as a sprite (windowed runs only).
#[derive(Component, Reflect, Clone, Debug, Default)]
#[reflect(Component, Default)]
pub struct Shape {
    /// `circle`, `rect` or `diamond`.
    pub kind: String,
    /// Width and height, pixels. Movers collide as circles of radius `size.x / 2`.
    pub size: Vec2,
    /// Colour as `#rrggbb` or `#rrggbbaa`; an unreadable colour is drawn magenta.
    pub color: String,
}

/// A solid axis-aligned block (its [`Shape::size`] is its extent).
#[derive(Component, Reflect, Clone, Debug, Default)]
#[reflect(Component, Default)]
pub struct Wall;

/// Something to pick up (`coin`, `heart`).
#[derive(Component, Reflect, Clone, Debug, Default)]
#[reflect(Component, Default)]
pub struct Pickup {
    /// Kind.
    pub kind: String,
    /// Score (coins) or hit points (hearts).
    pub value: i32,
}

/// The level's exit.
#[derive(Component, Reflect, Clone, Debug, Default)]
#[reflect(Component, Default)]
pub struct Goal {
    /// Whether reaching it ends the level (levels may lock it until a condition).
    pub open: bool,
}

/// A ring drawn with gizmos (pulse attacks, spawn flashes); scripts animate and
/// despawn it.
#[derive(Component, Reflect, Clone, Debug, Default)]
#[reflect(Component, Default)]
pub struct Halo {
    /// Radius, pixels.
    pub radius: f32,
    /// Colour as `#rrggbb(aa)`.
    pub color: String,
}

/// Marks every entity a level spawned, so the level can remove them all.
#[derive(Component, Reflect, Clone, Debug, Default)]
#[reflect(Component, Default)]
pub struct LevelEntity;

/// The game-wide state the HUD shows; written by `scripts/lib/game.lua`.
#[derive(Resource, Reflect, Clone, Debug, Default)]
#[reflect(Resource, Default)]
pub struct GameState {
    /// Score.
    pub score: i64,
    /// Level number (1-based; 0 before the first level loads).
    pub level: i64,
    /// How many levels the game has.
    pub levels: i64,
    /// The current level's title.
    pub level_name: String,
    /// The player's hit points (copied from the player's [`Health`]).
    pub hp: i32,
    /// The player's maximum hit points.
    pub max_hp: i32,
    /// Coins left in the level.
    pub coins_left: i64,
    /// How many times the player died.
    pub deaths: i64,
    /// A message for the HUD (empty: none).
    pub message: String,
    /// Seconds the message stays.
    pub message_secs: f32,
    /// The player finished the last level.
    pub won: bool,
}

/// What the player asks for this frame, fed by Rust from the keyboard (or left alone
/// in headless runs, where a script may drive it).
#[derive(Resource, Reflect, Clone, Debug, Default)]
#[reflect(Resource, Default)]
pub struct PlayerInput {
    /// Direction, each axis in -1..=1 (not normalised).
    pub axis: Vec2,
    /// The attack key went down this frame.
    pub attack: bool,
    /// Written by a script (autopilot): the keyboard does not overwrite it.
    pub scripted: bool,
}

/// A script's request to switch level (`send("LoadLevel", {path = "levels/two.lua"})`):
/// the current level script is unloaded and this one loaded, in the next frame.
#[derive(Message, Reflect, Clone, Debug, Default)]
pub struct LoadLevel {
    /// Level script, relative to the script root.
    pub path: String,
}

/// The level script now loaded.
#[derive(Resource, Clone, Debug, Default)]
pub struct CurrentLevel(pub Option<String>);

/// Parses `#rrggbb` / `#rrggbbaa` (also without `#`); `None` when unreadable.
pub fn parse_color(s: &str) -> Option<Color> {
    Srgba::hex(s.trim()).ok().map(Color::Srgba)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_parse_with_and_without_alpha() {
        let c = parse_color("#ff8000").unwrap().to_srgba();
        assert_eq!((c.red, c.alpha), (1.0, 1.0));
        assert!((c.green - 128.0 / 255.0).abs() < 1e-6);
        let c = parse_color("00000080").unwrap().to_srgba();
        assert!((c.alpha - 128.0 / 255.0).abs() < 1e-6);
        assert!(parse_color("orange").is_none());
    }
}
