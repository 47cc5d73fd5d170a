//! [`LuaDebuggerPlugin`]: the Bevy side of the debugger. F1 toggles the window;
//! while it is open, each frame runs the console's pending lines, captures a
//! [`Snapshot`] after the Lua phases ([`LuaSet::Maintenance`]) and draws it in
//! bevy_egui's primary context pass. Closed, it costs one key check and the phase
//! clock (seven `Instant::now` per frame). Without a renderer (a headless app on
//! `MinimalPlugins`) it captures and runs the console but draws nothing.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use bevy::input::ButtonInput;
use bevy::input::keyboard::KeyCode;
use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPlugin, EguiPrimaryContextPass};
use engine_lua_bevy::{LuaRuntime, LuaSet, with_lua};

use crate::capture::capture;
use crate::panels::debugger_ui;
use crate::snapshot::{Snapshot, TimingSnapshot};
use crate::state::EditorState;

/// The in-game Lua debugger. Add it after `DefaultPlugins` (it looks for the
/// renderer to decide whether to draw) and after or before `LuaPlugin`.
///
/// ```no_run
/// use bevy::prelude::*;
/// use engine_lua_bevy::LuaPlugin;
/// use engine_lua_editor::LuaDebuggerPlugin;
///
/// App::new()
///     .add_plugins(DefaultPlugins)
///     .add_plugins(LuaPlugin::new("scripts"))
///     .add_plugins(LuaDebuggerPlugin::default().open(true))
///     .run();
/// ```
#[derive(Clone, Debug, Default)]
pub struct LuaDebuggerPlugin {
    /// Whether the window is open at start (F1 toggles it).
    pub open: bool,
}

impl LuaDebuggerPlugin {
    /// Sets whether the window is open at start.
    pub fn open(mut self, open: bool) -> Self {
        self.open = open;
        self
    }
}

/// The latest snapshot (refreshed every frame while the debugger is open).
#[derive(Resource, Clone, Debug, Default)]
pub struct DebuggerSnapshot(pub Snapshot);

/// Frames kept for the mean Lua time.
const TIMING_WINDOW: usize = 120;

/// The phase clock: instants taken between the plugin's [`LuaSet`]s.
#[derive(Resource, Debug, Default)]
pub struct LuaFrameTiming {
    marks: [Option<Instant>; 7],
    last: Vec<(String, Duration)>,
    totals: VecDeque<Duration>,
}

const PHASES: [&str; 6] = [
    "reload",
    "lifecycle",
    "events",
    "on_update",
    "coroutines",
    "maintenance",
];

impl LuaFrameTiming {
    fn mark(&mut self, i: usize) {
        self.marks[i] = Some(Instant::now());
        if i == 6 {
            self.last.clear();
            let mut total = Duration::ZERO;
            for (p, name) in PHASES.iter().enumerate() {
                if let (Some(a), Some(b)) = (self.marks[p], self.marks[p + 1]) {
                    let d = b.saturating_duration_since(a);
                    total += d;
                    self.last.push((name.to_string(), d));
                }
            }
            self.marks = [None; 7];
            self.totals.push_back(total);
            if self.totals.len() > TIMING_WINDOW {
                self.totals.pop_front();
            }
        }
    }

    /// The last frame's phases, total and mean.
    pub fn snapshot(&self) -> TimingSnapshot {
        let n = self.totals.len();
        TimingSnapshot {
            phases: self.last.clone(),
            total: self.totals.back().copied(),
            mean_total: (n > 0).then(|| self.totals.iter().sum::<Duration>() / n as u32),
            frames_averaged: n,
            scripts: Vec::new(),
        }
    }
}

fn mark<const I: usize>(mut t: ResMut<LuaFrameTiming>) {
    t.mark(I);
}

/// Whether the app has Bevy's render sub-app (bevy_egui needs it).
fn has_renderer(app: &App) -> bool {
    app.sub_apps()
        .sub_apps
        .keys()
        .any(|l| format!("{l:?}").contains("RenderApp"))
}

impl Plugin for LuaDebuggerPlugin {
    fn build(&self, app: &mut App) {
        app.insert_resource(EditorState {
            open: self.open,
            ..EditorState::default()
        })
        .init_resource::<DebuggerSnapshot>()
        .init_resource::<LuaFrameTiming>()
        .add_systems(
            Update,
            (
                toggle_system.before(LuaSet::Reload),
                mark::<0>.before(LuaSet::Reload),
                mark::<1>.after(LuaSet::Reload).before(LuaSet::Lifecycle),
                mark::<2>.after(LuaSet::Lifecycle).before(LuaSet::Events),
                mark::<3>.after(LuaSet::Events).before(LuaSet::Update),
                mark::<4>.after(LuaSet::Update).before(LuaSet::Coroutines),
                mark::<5>
                    .after(LuaSet::Coroutines)
                    .before(LuaSet::Maintenance),
                mark::<6>.after(LuaSet::Maintenance),
                capture_system.after(LuaSet::Maintenance).after(mark::<6>),
            ),
        );
        if has_renderer(app) {
            if !app.is_plugin_added::<EguiPlugin>() {
                app.add_plugins(EguiPlugin::default());
            }
            app.add_systems(EguiPrimaryContextPass, draw_system);
        } else {
            info!("LuaDebuggerPlugin: no renderer, the debugger captures but draws nothing");
        }
    }
}

/// F1 toggles the window.
fn toggle_system(keys: Option<Res<ButtonInput<KeyCode>>>, mut state: ResMut<EditorState>) {
    if keys.is_some_and(|k| k.just_pressed(KeyCode::F1)) {
        state.open = !state.open;
    }
}

/// Runs pending console lines and captures the snapshot, while the window is open.
pub fn capture_system(world: &mut World) {
    let wanted = world
        .get_resource::<EditorState>()
        .is_some_and(|s| s.open || !s.console.pending.is_empty());
    if !wanted || world.get_non_send::<LuaRuntime>().is_none() {
        return;
    }
    let Some(mut state) = world.remove_resource::<EditorState>() else {
        return;
    };
    let timing = world
        .get_resource::<LuaFrameTiming>()
        .map(LuaFrameTiming::snapshot)
        .unwrap_or_default();
    let opts = state.capture_options();
    let mut snap = with_lua(world, |rt| {
        state.console.run_pending(rt);
        capture(rt, &opts)
    });
    snap.timing = TimingSnapshot {
        scripts: snap.timing.scripts,
        ..timing
    };
    world.insert_resource(DebuggerSnapshot(snap));
    world.insert_resource(state);
}

fn draw_system(
    mut contexts: EguiContexts,
    snap: Res<DebuggerSnapshot>,
    mut state: ResMut<EditorState>,
) {
    if !state.open {
        return;
    }
    let Ok(ctx) = contexts.ctx_mut() else {
        return;
    };
    let mut open = true;
    egui::Window::new("Lua debugger (F1)")
        .open(&mut open)
        .default_size([620.0, 440.0])
        .show(ctx, |ui| debugger_ui(ui, &snap.0, &mut state));
    if !open {
        state.open = false;
    }
}
