//! Shared test helpers: a headless app over a temporary script folder.
#![allow(dead_code)]

use std::path::Path;
use std::time::Duration;

use bevy::prelude::*;
use bevy::time::TimeUpdateStrategy;
use engine_lua_bevy::{LuaAppExt, LuaDiagnostics, LuaPlugin, with_lua};

/// A test component.
#[derive(Component, Reflect, Default, Debug, Clone, PartialEq)]
#[reflect(Component, Default)]
pub struct Enemy {
    pub hp: i32,
    pub name: String,
    pub speed: f32,
}

/// A test resource.
#[derive(Resource, Reflect, Default, Debug)]
#[reflect(Resource, Default)]
pub struct Score {
    pub points: i64,
}

/// A test message.
#[derive(Message, Reflect, Default, Debug, Clone, PartialEq)]
pub struct Damage {
    pub amount: i32,
    pub target: String,
}

pub fn write(dir: &Path, name: &str, src: &str) {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(p, src).unwrap();
}

/// An app with MinimalPlugins, the Lua plugin over `dir`, 100 ms frames.
pub fn app_with(_dir: &Path, plugin: LuaPlugin) -> App {
    let mut app = App::new();
    app.add_plugins((MinimalPlugins, plugin))
        .insert_resource(TimeUpdateStrategy::ManualDuration(Duration::from_millis(
            100,
        )))
        .register_type::<Enemy>()
        .register_type::<Score>()
        .init_resource::<Score>()
        .add_lua_message::<Damage>();
    app
}

pub fn app(dir: &Path) -> App {
    app_with(dir, LuaPlugin::new(dir).hot_reload(false))
}

/// A global of the script instance on `e`.
pub fn global<V: engine_lua::FromLua>(app: &mut App, e: Entity, name: &str) -> V {
    with_lua(app.world_mut(), |rt| {
        let k = rt.script_of(e).expect("entity has a script instance");
        rt.env_get::<V>(k, name).unwrap()
    })
}

/// A global of the (first) level script instance of `path`.
pub fn level_global<V: engine_lua::FromLua>(app: &mut App, path: &str, name: &str) -> V {
    with_lua(app.world_mut(), |rt| {
        let k = rt.level_keys(path)[0];
        rt.env_get::<V>(k, name).unwrap()
    })
}

pub fn diag(app: &App) -> LuaDiagnostics {
    app.world().resource::<LuaDiagnostics>().clone()
}

/// Error messages so far, as `file:line: message xcount`.
pub fn errors(app: &App) -> Vec<String> {
    diag(app)
        .errors
        .iter()
        .map(|e| format!("{}:{}: {} x{}", e.file, e.line, e.message, e.count))
        .collect()
}
