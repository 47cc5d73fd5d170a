//! The debugger's own state (what is open and selected, the console), kept apart
//! from the snapshots it draws.

use crate::capture::{CaptureOptions, ValueLimits};
use crate::console::ConsoleState;

/// The debugger's tabs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Tab {
    /// Script instances, status, errors, reloads.
    #[default]
    Scripts,
    /// Scheduler coroutines.
    Coroutines,
    /// Call stack of the selected coroutine, with locals and upvalues.
    Stack,
    /// Lua console.
    Console,
    /// GC and memory.
    Memory,
    /// Time per frame.
    Timing,
    /// JIT traces (the JIT is not built yet).
    Jit,
}

impl Tab {
    /// Every tab, in display order.
    pub const ALL: [Tab; 7] = [
        Tab::Scripts,
        Tab::Coroutines,
        Tab::Stack,
        Tab::Console,
        Tab::Memory,
        Tab::Timing,
        Tab::Jit,
    ];

    /// The tab's title.
    pub fn title(self) -> &'static str {
        match self {
            Tab::Scripts => "Scripts",
            Tab::Coroutines => "Coroutines",
            Tab::Stack => "Stack",
            Tab::Console => "Console",
            Tab::Memory => "Memory",
            Tab::Timing => "Timing",
            Tab::Jit => "JIT traces",
        }
    }
}

/// The debugger's state (a Bevy resource in the plugin; plain data for tests).
#[derive(Clone, Debug, Default, PartialEq, bevy::prelude::Resource)]
pub struct EditorState {
    /// Whether the debugger window is shown (F1 toggles it).
    pub open: bool,
    /// The tab shown.
    pub tab: Tab,
    /// The coroutine whose stack is captured and shown.
    pub selected_coroutine: Option<u64>,
    /// The console.
    pub console: ConsoleState,
    /// Value-tree limits of the stack view.
    pub limits: ValueLimits,
}

impl EditorState {
    /// What the next capture should read.
    pub fn capture_options(&self) -> CaptureOptions {
        CaptureOptions {
            coroutine: self.selected_coroutine,
            limits: self.limits,
        }
    }
}
