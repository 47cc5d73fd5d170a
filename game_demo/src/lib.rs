//! game_demo: a small top-down game whose level and AI logic live in Lua scripts.
//!
//! Rust registers the reflected data the scripts use ([`components`]), moves things
//! ([`physics`]), and in windowed runs draws them, feeds the keyboard and shows the HUD
//! ([`view`]). The rules are in `scripts/`: `main.lua` (the game: level order,
//! deaths), `levels/*.lua` (layouts and triggers), `ai/*.lua` (enemy brains as
//! coroutines), `lib/*.lua` (shared helpers). Every script hot-reloads.
//!
//! [`Options`] say how to run; [`build_app`] makes the app; [`Demo`] drives a
//! headless one frame by frame (tests and `--headless`) and reports a [`Summary`].

pub mod components;
pub mod physics;
pub mod view;

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use bevy::app::PluginsState;
use bevy::prelude::*;
use bevy::time::TimeUpdateStrategy;
use engine_lua_bevy::{LevelScripts, LuaAppExt, LuaDiagnostics, LuaPlugin, LuaSet};

use components::*;

/// The script every run starts with (relative to the script root).
pub const MAIN_SCRIPT: &str = "main.lua";

/// How to run the game.
#[derive(Clone, Debug)]
pub struct Options {
    /// No window and no renderer (MinimalPlugins).
    pub headless: bool,
    /// The script root.
    pub scripts: PathBuf,
    /// Stop after this many frames (`None`: until the window closes).
    pub frames: Option<u64>,
    /// Windowed: save a PNG of the window after `frames` frames, then exit.
    pub screenshot: Option<PathBuf>,
    /// Windowed: open the debugger at start.
    pub debugger_open: bool,
    /// A script steers the player (`scripts/ai/autopilot.lua`) instead of the keys.
    pub autopilot: bool,
    /// Watch the script root and reload changed files.
    pub hot_reload: bool,
    /// Headless: game time per frame (windowed runs use the real clock).
    pub frame_time: Duration,
    /// Headless: sleep so frames follow the real clock (for people watching).
    pub realtime: bool,
    /// Headless: print a status line every this many frames.
    pub status_every: Option<u64>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            headless: false,
            scripts: default_scripts_dir(),
            frames: None,
            screenshot: None,
            debugger_open: false,
            autopilot: false,
            hot_reload: true,
            frame_time: Duration::from_micros(16_667),
            realtime: false,
            status_every: None,
        }
    }
}

/// The repository's `scripts/`: `./scripts` when it holds `main.lua` (running from
/// the repository root), else the folder next to this package's manifest.
pub fn default_scripts_dir() -> PathBuf {
    let here = PathBuf::from("scripts");
    if here.join(MAIN_SCRIPT).is_file() {
        return here;
    }
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(|p| p.join("scripts"))
        .unwrap_or(here)
}

/// The game itself, common to windowed and headless runs: the Lua plugin over the
/// script root, the reflected types, movement, level switching, `main.lua`.
pub struct GamePlugin {
    /// Script root.
    pub scripts: PathBuf,
    /// Hot reload on or off.
    pub hot_reload: bool,
    /// Autopilot on or off.
    pub autopilot: bool,
}

impl Plugin for GamePlugin {
    fn build(&self, app: &mut App) {
        app.add_plugins(
            LuaPlugin::new(&self.scripts)
                .hot_reload(self.hot_reload)
                .debounce(Duration::from_millis(60)),
        )
        .register_type::<Player>()
        .register_type::<Enemy>()
        .register_type::<Health>()
        .register_type::<Velocity>()
        .register_type::<Shape>()
        .register_type::<Wall>()
        .register_type::<Pickup>()
        .register_type::<Goal>()
        .register_type::<Halo>()
        .register_type::<LevelEntity>()
        .register_type::<GameState>()
        .register_type::<PlayerInput>()
        .add_lua_message::<LoadLevel>()
        .init_resource::<GameState>()
        .insert_resource(PlayerInput {
            scripted: self.autopilot,
            ..default()
        })
        .init_resource::<CurrentLevel>()
        .init_resource::<physics::Travel>()
        .add_systems(Startup, |mut levels: ResMut<LevelScripts>| {
            levels.load(MAIN_SCRIPT)
        })
        .add_systems(
            Update,
            (
                physics::integrate
                    .after(LuaSet::Coroutines)
                    .before(LuaSet::Maintenance),
                switch_level.after(LuaSet::Maintenance),
            ),
        );
    }
}

/// Carries out the last [`LoadLevel`] request of the frame: the current level script
/// is unloaded (its `on_unload` removes its entities) and the new one loaded.
fn switch_level(
    mut requests: MessageReader<LoadLevel>,
    mut levels: ResMut<LevelScripts>,
    mut current: ResMut<CurrentLevel>,
) {
    let Some(req) = requests.read().last() else {
        return;
    };
    if let Some(old) = current.0.take() {
        levels.unload(old);
    }
    levels.load(req.path.clone());
    current.0 = Some(req.path.clone());
}

/// Builds the app for `opts`: headless (MinimalPlugins, fixed frame time) or windowed
/// (window, renderer, HUD, debugger; see [`view`]).
pub fn build_app(opts: &Options) -> App {
    let mut app = App::new();
    if opts.headless {
        app.add_plugins(MinimalPlugins)
            .insert_resource(TimeUpdateStrategy::ManualDuration(opts.frame_time));
    } else {
        view::add_windowed(&mut app, opts);
    }
    app.add_plugins(GamePlugin {
        scripts: opts.scripts.clone(),
        hot_reload: opts.hot_reload,
        autopilot: opts.autopilot,
    });
    app
}

/// A headless game driven frame by frame.
pub struct Demo {
    /// The app (tests read and change its world).
    pub app: App,
    frames: u64,
    busy: Duration,
}

impl Demo {
    /// A headless game with these options (`opts.headless` is forced on).
    pub fn new(opts: &Options) -> Demo {
        let mut opts = opts.clone();
        opts.headless = true;
        let mut app = build_app(&opts);
        while app.plugins_state() == PluginsState::Adding {
            bevy::tasks::tick_global_task_pools_on_main_thread();
        }
        app.finish();
        app.cleanup();
        Demo {
            app,
            frames: 0,
            busy: Duration::ZERO,
        }
    }

    /// Runs one frame.
    pub fn step(&mut self) {
        let t = Instant::now();
        self.app.update();
        self.busy += t.elapsed();
        self.frames += 1;
    }

    /// Runs `n` frames.
    pub fn run(&mut self, n: u64) {
        for _ in 0..n {
            self.step();
        }
    }

    /// Frames run so far.
    pub fn frames(&self) -> u64 {
        self.frames
    }

    /// The scripts' diagnostics (refreshed every frame).
    pub fn diagnostics(&self) -> LuaDiagnostics {
        self.app
            .world()
            .get_resource::<LuaDiagnostics>()
            .cloned()
            .unwrap_or_default()
    }

    /// The summary of the run so far.
    pub fn summary(&mut self) -> Summary {
        let d = self.diagnostics();
        let world = self.app.world_mut();
        let entities = world
            .query_filtered::<(), With<Transform>>()
            .iter(world)
            .count();
        let enemies = world.query::<&Enemy>().iter(world).count();
        let travel = world.resource::<physics::Travel>().clone();
        let gs = world.resource::<GameState>().clone();
        Summary {
            frames: self.frames,
            entities,
            enemies,
            scripts: d.scripts.len(),
            coroutines: d.coroutines.len(),
            reloads: d.reload_count,
            reload_failures: d.reload_failures,
            errors: d
                .errors
                .iter()
                .map(|e| format!("{}:{}: {} (x{})", e.file, e.line, e.message, e.count))
                .collect(),
            mean_frame_ms: if self.frames == 0 {
                0.0
            } else {
                self.busy.as_secs_f64() * 1000.0 / self.frames as f64
            },
            enemy_travel: travel.enemies,
            player_travel: travel.player,
            level: gs.level,
            level_name: gs.level_name,
            score: gs.score,
            hp: gs.hp,
            deaths: gs.deaths,
            memory_kb: d.memory / 1024,
        }
    }
}

/// What a headless run reports.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    /// Frames run.
    pub frames: u64,
    /// Game objects (entities with a `Transform`).
    pub entities: usize,
    /// Of which enemies.
    pub enemies: usize,
    /// Script instances (entity and level scripts).
    pub scripts: usize,
    /// Live coroutines.
    pub coroutines: usize,
    /// Hot reloads attempted.
    pub reloads: u64,
    /// Hot reloads that kept the old code.
    pub reload_failures: u64,
    /// Distinct script errors, `file:line: message (xcount)`.
    pub errors: Vec<String>,
    /// Mean wall time of a frame, milliseconds.
    pub mean_frame_ms: f64,
    /// Pixels travelled by all enemies.
    pub enemy_travel: f32,
    /// Pixels travelled by the player.
    pub player_travel: f32,
    /// Level number.
    pub level: i64,
    /// Level title.
    pub level_name: String,
    /// Score.
    pub score: i64,
    /// Player hit points.
    pub hp: i32,
    /// Player deaths.
    pub deaths: i64,
    /// Lua heap, KiB.
    pub memory_kb: usize,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "game_demo summary after {} frames", self.frames)?;
        writeln!(f, "  level          {} ({})", self.level, self.level_name)?;
        writeln!(
            f,
            "  score / hp     {} / {} (deaths {})",
            self.score, self.hp, self.deaths
        )?;
        writeln!(
            f,
            "  entities       {} ({} enemies)",
            self.entities, self.enemies
        )?;
        writeln!(f, "  scripts        {}", self.scripts)?;
        writeln!(f, "  coroutines     {}", self.coroutines)?;
        writeln!(
            f,
            "  reloads        {} ({} failed)",
            self.reloads, self.reload_failures
        )?;
        writeln!(f, "  script errors  {}", self.errors.len())?;
        for e in &self.errors {
            writeln!(f, "    {e}")?;
        }
        writeln!(
            f,
            "  travel         enemies {:.0} px, player {:.0} px",
            self.enemy_travel, self.player_travel
        )?;
        writeln!(f, "  lua heap       {} KiB", self.memory_kb)?;
        write!(f, "  mean frame     {:.3} ms", self.mean_frame_ms)
    }
}

impl Summary {
    /// One status line (periodic output of long headless runs).
    pub fn status_line(&self) -> String {
        format!(
            "frame {:>6}  level {} ({})  score {}  hp {}  enemies {}  coroutines {}  reloads {}  errors {}  {:.2} ms/frame",
            self.frames,
            self.level,
            self.level_name,
            self.score,
            self.hp,
            self.enemies,
            self.coroutines,
            self.reloads,
            self.errors.len(),
            self.mean_frame_ms
        )
    }
}

/// Runs a headless game for `opts.frames` frames (forever when `None`), printing a
/// status line every `opts.status_every` frames; returns the final summary.
pub fn run_headless(opts: &Options) -> Summary {
    let mut demo = Demo::new(opts);
    let start = Instant::now();
    let mut shown_errors = 0;
    loop {
        if opts.frames.is_some_and(|n| demo.frames() >= n) {
            break;
        }
        demo.step();
        let d = demo.diagnostics();
        for e in d.errors.iter().skip(shown_errors) {
            eprintln!("script error: {}:{}: {}", e.file, e.line, e.message);
        }
        shown_errors = d.errors.len();
        if let Some(k) = opts.status_every
            && demo.frames().is_multiple_of(k)
        {
            println!("{}", demo.summary().status_line());
        }
        if opts.realtime {
            let due = opts.frame_time * demo.frames() as u32;
            if let Some(wait) = due.checked_sub(start.elapsed()) {
                std::thread::sleep(wait);
            }
        }
    }
    demo.summary()
}
