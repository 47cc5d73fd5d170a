//! `engine_lua_bevy`: a Bevy plugin that embeds the engine_lua VM.
//!
//! One [`LuaPlugin`] gives a world one Lua state. Entities carry a [`Script`]
//! component naming a file under the script root; level scripts (not tied to an
//! entity) are loaded through [`LevelScripts`]. Each script runs in its own
//! environment chained to the shared globals and may define the callbacks
//! `on_load()`, `on_update(dt)`, `on_event(name, data)`, `on_unload() -> state` and
//! `on_reload(state)`.
//!
//! Scripts reach the ECS through reflection ([`bind`]): `entity.Transform.translation.x
//! = 5`, `world:query({"Transform", "Enemy"})`, `world:spawn({...})`,
//! `entity:despawn()`, `world:resource("Time").delta_secs`, `send("Damage", {...})`.
//! AI code runs as coroutines (`start`, `wait`, `wait_frames`, `wait_until`, see
//! [`sched`]). Files are watched and hot-reloaded with state kept ([`runtime`],
//! [`watch`]). Diagnostics for an editor panel are published every frame in the
//! plain-data resource [`LuaDiagnostics`].
//!
//! ```no_run
//! use bevy::prelude::*;
//! use engine_lua_bevy::{LuaPlugin, Script};
//!
//! App::new()
//!     .add_plugins((MinimalPlugins, LuaPlugin::new("assets/scripts")))
//!     .add_systems(Startup, |mut commands: Commands| {
//!         commands.spawn((Transform::default(), Script::new("guard.lua")));
//!     })
//!     .run();
//! ```

pub mod bind;
pub mod math;
pub mod runtime;
pub mod sched;
pub mod watch;

use std::path::PathBuf;
use std::time::Duration;

use bevy::app::{App, Plugin, Update};
use bevy::ecs::lifecycle::HookContext;
use bevy::ecs::message::{Message, MessageCursor, Messages};
use bevy::ecs::world::DeferredWorld;
use bevy::input::ButtonInput;
use bevy::input::keyboard::KeyCode;
use bevy::prelude::*;
use bevy::reflect::{FromReflect, GetTypeRegistration, TypePath};

pub use bind::{LuaMessageType, Lv};
pub use runtime::{LuaRuntime, with_lua};

/// The plugin's system sets, run in this order in `Update` (each is one exclusive
/// system):
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LuaSet {
    /// Frame clock, file-watcher events, debounced hot reloads.
    Reload,
    /// Scripts added to or removed from entities, level scripts loaded (`on_load`,
    /// `on_unload`).
    Lifecycle,
    /// Bevy messages and script events delivered to `on_event(name, data)`.
    Events,
    /// `on_update(dt)` of every script.
    Update,
    /// The coroutine scheduler: coroutines whose wait ended are resumed.
    Coroutines,
    /// Garbage collection budget and the [`LuaDiagnostics`] snapshot.
    Maintenance,
}

/// The plugin's configuration (also a resource).
#[derive(Resource, Clone, Debug)]
pub struct LuaConfig {
    /// Folder holding scripts and modules (paths in [`Script`] are relative to it).
    pub root: PathBuf,
    /// Sandbox preset (no `io`, restricted `os`/`debug`/`load`).
    pub sandbox: bool,
    /// Instruction budget (loop back-edges and calls) of each callback or resume.
    pub instructions_per_callback: Option<u64>,
    /// Heap limit of the state, bytes.
    pub memory_limit: Option<usize>,
    /// The collector's budget per frame, in KiB of heap traced: at the end of each
    /// frame, while a collection cycle is under way (or once the heap grew this many
    /// KiB since the last cycle ended), one incremental step `Vm::gc_step` of
    /// `gc_step_kb * 1024 / 16` work units runs (a unit is one 16-byte slot traced).
    /// The VM's own allocation-paced steps run as well, inside scripts.
    pub gc_step_kb: usize,
    /// Watch the root and reload changed files.
    pub hot_reload: bool,
    /// Quiet time after a file's last event before it is reloaded.
    pub debounce: Duration,
}

impl Default for LuaConfig {
    fn default() -> Self {
        LuaConfig {
            root: PathBuf::from("scripts"),
            sandbox: true,
            instructions_per_callback: Some(1_000_000),
            memory_limit: None,
            gc_step_kb: 256,
            hot_reload: true,
            debounce: Duration::from_millis(50),
        }
    }
}

/// Adds the Lua runtime to an app; see the crate documentation.
#[derive(Clone, Debug, Default)]
pub struct LuaPlugin {
    /// The configuration.
    pub config: LuaConfig,
}

impl LuaPlugin {
    /// The default configuration with this script root.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        LuaPlugin {
            config: LuaConfig {
                root: root.into(),
                ..LuaConfig::default()
            },
        }
    }

    /// Sets the sandbox on or off.
    pub fn sandbox(mut self, on: bool) -> Self {
        self.config.sandbox = on;
        self
    }

    /// Sets the per-callback instruction budget.
    pub fn instructions_per_callback(mut self, n: Option<u64>) -> Self {
        self.config.instructions_per_callback = n;
        self
    }

    /// Turns hot reload on or off.
    pub fn hot_reload(mut self, on: bool) -> Self {
        self.config.hot_reload = on;
        self
    }

    /// Sets the debounce time.
    pub fn debounce(mut self, d: Duration) -> Self {
        self.config.debounce = d;
        self
    }

    /// Sets the GC budget per frame (KiB of heap traced by the end-of-frame step).
    pub fn gc_step_kb(mut self, kb: usize) -> Self {
        self.config.gc_step_kb = kb;
        self
    }
}

impl Plugin for LuaPlugin {
    fn build(&self, app: &mut App) {
        app.register_type::<Script>()
            .register_type::<Transform>()
            .register_type::<GlobalTransform>()
            .register_type::<Name>()
            .register_type::<ButtonInput<KeyCode>>()
            .register_type::<KeyCode>()
            .insert_resource(self.config.clone())
            .init_resource::<PendingScripts>()
            .init_resource::<LevelScripts>()
            .init_resource::<LuaDiagnostics>()
            .init_resource::<LuaMessageRegistry>()
            .configure_sets(
                Update,
                (
                    LuaSet::Reload,
                    LuaSet::Lifecycle,
                    LuaSet::Events,
                    LuaSet::Update,
                    LuaSet::Coroutines,
                    LuaSet::Maintenance,
                )
                    .chain(),
            )
            .add_systems(
                Update,
                (
                    (|w: &mut World| runtime::with_runtime(w, |rt| rt.begin_frame()))
                        .in_set(LuaSet::Reload),
                    (|w: &mut World| runtime::with_runtime(w, |rt| rt.lifecycle()))
                        .in_set(LuaSet::Lifecycle),
                    (|w: &mut World| runtime::with_runtime(w, |rt| rt.dispatch_events()))
                        .in_set(LuaSet::Events),
                    (|w: &mut World| runtime::with_runtime(w, |rt| rt.update()))
                        .in_set(LuaSet::Update),
                    (|w: &mut World| runtime::with_runtime(w, |rt| rt.run_coroutines()))
                        .in_set(LuaSet::Coroutines),
                    (|w: &mut World| runtime::with_runtime(w, |rt| rt.maintenance()))
                        .in_set(LuaSet::Maintenance),
                ),
            );
    }
}

/// Runs a script file (relative to the script root) for this entity.
#[derive(Component, Reflect, Clone, Debug, Default, PartialEq)]
#[reflect(Component, Default)]
#[component(on_insert = script_inserted, on_remove = script_removed)]
pub struct Script {
    /// The file, relative to the script root (`"ai/guard.lua"`).
    pub path: String,
}

impl Script {
    /// A script component for `path`.
    pub fn new(path: impl Into<String>) -> Self {
        Script { path: path.into() }
    }
}

fn script_inserted(mut world: DeferredWorld, ctx: HookContext) {
    if let Some(mut p) = world.get_resource_mut::<PendingScripts>() {
        p.0.push(ScriptChange::Inserted(ctx.entity));
    }
}

fn script_removed(mut world: DeferredWorld, ctx: HookContext) {
    if let Some(mut p) = world.get_resource_mut::<PendingScripts>() {
        p.0.push(ScriptChange::Removed(ctx.entity));
    }
}

/// A change of an entity's [`Script`], seen by the component hooks.
#[derive(Clone, Copy, Debug)]
pub enum ScriptChange {
    /// Inserted or replaced.
    Inserted(Entity),
    /// Removed (or the entity despawned).
    Removed(Entity),
}

/// Script changes waiting for [`LuaSet::Lifecycle`].
#[derive(Resource, Default, Debug)]
pub struct PendingScripts(pub Vec<ScriptChange>);

/// A level-script request.
#[derive(Clone, Debug)]
pub enum LevelCommand {
    /// Load (another instance of) a level script.
    Load(String),
    /// Unload every level script instance of this file.
    Unload(String),
}

/// Level scripts: scripts not tied to an entity (they describe and spawn
/// entities). Requests are carried out in [`LuaSet::Lifecycle`].
#[derive(Resource, Default, Debug)]
pub struct LevelScripts {
    /// Requests not yet carried out.
    pub pending: Vec<LevelCommand>,
}

impl LevelScripts {
    /// Loads a level script.
    pub fn load(&mut self, path: impl Into<String>) {
        self.pending.push(LevelCommand::Load(path.into()));
    }

    /// Unloads a level script (`on_unload` runs).
    pub fn unload(&mut self, path: impl Into<String>) {
        self.pending.push(LevelCommand::Unload(path.into()));
    }
}

/// What kind of error a script had.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The file did not compile (old code, if any, keeps running).
    Compile,
    /// The chunk's top-level code failed.
    Load,
    /// A callback or coroutine failed.
    Runtime,
}

/// One distinct script error (repeats are counted, not logged again).
#[derive(Clone, Debug, PartialEq)]
pub struct ScriptErrorInfo {
    /// Kind.
    pub kind: ErrorKind,
    /// File (as in the chunk name).
    pub file: String,
    /// Line (0 when unknown).
    pub line: u32,
    /// The message without its position.
    pub message: String,
    /// How many times it happened.
    pub count: u64,
    /// First frame seen.
    pub first_frame: u64,
    /// Last frame seen.
    pub last_frame: u64,
}

/// A coroutine as the editor sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct CoroutineInfo {
    /// Id (what `start` returned).
    pub id: u64,
    /// The owning script's file (empty for none).
    pub script: String,
    /// The owning script's entity.
    pub entity: Option<Entity>,
    /// `suspended`, `running` or `dead`.
    pub status: String,
    /// Where it is suspended (`file:line`).
    pub location: String,
    /// Why it waits (`wait (0.250 s left)`, `wait_frames (2 left)`, `wait_until`).
    pub wait: String,
}

/// A script instance as the editor sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct ScriptInfo {
    /// File.
    pub path: String,
    /// Entity (`None`: a level script).
    pub entity: Option<Entity>,
    /// Loaded without error.
    pub loaded: bool,
    /// Time its `on_update` took in the last timed frame, microseconds (one frame in
    /// [`runtime::SCRIPT_TIMING_EVERY`] is timed; 0 before the first).
    pub update_us: f32,
}

/// One hot reload.
#[derive(Clone, Debug, PartialEq)]
pub struct ReloadRecord {
    /// File.
    pub path: String,
    /// Whether the new code runs.
    pub ok: bool,
    /// Why not.
    pub error: Option<String>,
    /// Frame.
    pub frame: u64,
    /// Compile and swap time.
    pub duration: Duration,
    /// Time from the burst's first file event to the new code running.
    pub since_first_event: Option<Duration>,
    /// Time from the burst's last file event to the new code running.
    pub since_last_event: Option<Duration>,
    /// File events in the burst.
    pub events: u32,
}

/// Plain-data diagnostics, refreshed every frame in [`LuaSet::Maintenance`].
#[derive(Resource, Clone, Debug, Default)]
pub struct LuaDiagnostics {
    /// Frame number.
    pub frame: u64,
    /// Script instances (shared: rebuilt only when the set changes).
    pub scripts: std::sync::Arc<Vec<ScriptInfo>>,
    /// Live scheduler coroutines.
    pub coroutines: Vec<CoroutineInfo>,
    /// Distinct errors so far.
    pub errors: Vec<ScriptErrorInfo>,
    /// Files that currently fail to compile (cleared when fixed).
    pub compile_errors: Vec<ScriptErrorInfo>,
    /// Reloads attempted.
    pub reload_count: u64,
    /// Reloads that kept the old code.
    pub reload_failures: u64,
    /// The last reloads (at most 64).
    pub reloads: Vec<ReloadRecord>,
    /// Lua heap bytes.
    pub memory: usize,
    /// Collection cycles finished by the end-of-frame steps.
    pub gc_runs: u64,
    /// Time of this frame's end-of-frame collector step (zero when none ran).
    pub gc_step_time: Duration,
    /// Whether this frame ran an end-of-frame collector step.
    pub gc_stepped: bool,
    /// The collector's statistics (heap, objects by kind, cycles, phase, steps).
    pub gc: engine_lua::runtime::gc::GcStats,
}

/// Message types scripts can send and receive by name (see [`LuaAppExt`]).
#[derive(Resource, Default, Clone)]
pub struct LuaMessageRegistry {
    /// The types.
    pub types: Vec<LuaMessageType>,
}

struct Reader<M: Message>(MessageCursor<M>);

impl<M: Message + bevy::reflect::Reflect> bind::MessageSource for Reader<M> {
    fn read(&mut self, world: &World, out: &mut dyn FnMut(Lv)) {
        if let Some(msgs) = world.get_resource::<Messages<M>>() {
            for m in self.0.read(msgs) {
                if let Ok(lv) = bind::lv_of_reflect(m.as_partial_reflect()) {
                    out(lv);
                }
            }
        }
    }
}

fn write_message<M: Message + bevy::reflect::Reflect + Default + TypePath>(
    world: &mut World,
    v: &Lv,
) -> engine_lua::Result<()> {
    let mut m = M::default();
    bind::apply_lv(m.as_partial_reflect_mut(), v, M::short_type_path())?;
    world.write_message(m);
    Ok(())
}

/// App extension: Bevy messages scripts send (`send("Damage", {amount = 2})`) and
/// receive (`on_event("Damage", data)`) by their short type name.
pub trait LuaAppExt {
    /// Registers message type `M` (also `add_message` and `register_type`).
    fn add_lua_message<M>(&mut self) -> &mut Self
    where
        M: Message + Reflect + FromReflect + TypePath + GetTypeRegistration + Default;
}

impl LuaAppExt for App {
    fn add_lua_message<M>(&mut self) -> &mut Self
    where
        M: Message + Reflect + FromReflect + TypePath + GetTypeRegistration + Default,
    {
        self.add_message::<M>().register_type::<M>();
        let t = LuaMessageType {
            name: M::short_type_path().to_string(),
            write: write_message::<M>,
            reader: || Box::new(Reader::<M>(MessageCursor::default())),
        };
        self.world_mut()
            .get_resource_or_insert_with(LuaMessageRegistry::default)
            .types
            .push(t);
        self
    }
}
