//! engine_lua_editor: the in-game egui debugger (panels over plain-data snapshots).
//!
//! * [`snapshot`]: plain-data [`Snapshot`]s (scripts, coroutines, a call stack with
//!   locals and upvalues as bounded value trees, GC and memory, frame timing).
//! * [`capture`]: builds a snapshot from the running [`engine_lua_bevy::LuaRuntime`].
//! * [`console`]: the console's state and its budgeted evaluation in the game.
//! * [`panels`]: plain functions `fn(&mut egui::Ui, &Snapshot, &mut EditorState)`,
//!   one per tab (scripts, coroutines, stack, console, memory, timing, JIT traces),
//!   each testable headless.
//! * [`plugin`]: [`LuaDebuggerPlugin`], F1 toggles the window.
//!
//! In a game: `app.add_plugins(LuaDebuggerPlugin::default())` after `DefaultPlugins`
//! (`.open(true)` to start with the window shown). In a headless app
//! (`MinimalPlugins`) the plugin adds no egui: it still captures snapshots into
//! [`DebuggerSnapshot`] while open and runs console lines, and draws nothing.

pub mod capture;
pub mod console;
pub mod panels;
pub mod plugin;
pub mod snapshot;
pub mod state;

pub use capture::{CaptureOptions, ValueLimits, capture};
pub use console::{ConsoleLine, ConsoleLineKind, ConsoleState, eval_line};
pub use panels::{
    console_panel, coroutines_panel, debugger_ui, jit_panel, memory_panel, scripts_panel,
    stack_panel, timing_panel,
};
pub use plugin::{DebuggerSnapshot, LuaDebuggerPlugin, LuaFrameTiming};
pub use snapshot::{
    CoState, CoroutineRow, ErrorLine, FrameRow, GcSnapshot, ScriptRow, ScriptStatus, Snapshot,
    StackSnapshot, TimingSnapshot, ValueNode,
};
pub use state::{EditorState, Tab};
