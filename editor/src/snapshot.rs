//! Plain-data snapshots of the running Lua state, as the panels draw them: scripts,
//! coroutines, one coroutine's call stack with locals and upvalues (values rendered
//! as bounded trees), GC and memory, per-frame timing. No GC handle is kept: a
//! snapshot is `Clone + Send` data, built by [`crate::capture`] and testable alone.

use std::fmt;
use std::time::Duration;

/// Everything the debugger shows for one frame.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Snapshot {
    /// The runtime's frame number when captured.
    pub frame: u64,
    /// Script instances, in load order.
    pub scripts: Vec<ScriptRow>,
    /// Scheduler coroutines.
    pub coroutines: Vec<CoroutineRow>,
    /// The call stack of the selected coroutine, if one is selected and alive.
    pub stack: Option<StackSnapshot>,
    /// Every distinct script error so far (repeats counted), oldest first.
    pub errors: Vec<ErrorLine>,
    /// Hot reloads attempted and failed since start.
    pub reloads: ReloadTotals,
    /// Collector and heap.
    pub gc: GcSnapshot,
    /// Time spent in Lua per frame.
    pub timing: TimingSnapshot,
}

/// Hot-reload totals.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReloadTotals {
    /// Reloads attempted.
    pub count: u64,
    /// Reloads that kept the old code (compile error, deleted file).
    pub failures: u64,
}

/// Where a script stands.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ScriptStatus {
    /// Loaded, no error in the last frames.
    #[default]
    Running,
    /// Loaded, but a callback or coroutine failed in the last two frames.
    Erroring,
    /// The file does not compile; the old code (if it ever loaded) keeps running.
    CompileError,
    /// The chunk's top-level code failed: the instance is not loaded.
    LoadError,
}

impl fmt::Display for ScriptStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ScriptStatus::Running => "running",
            ScriptStatus::Erroring => "erroring",
            ScriptStatus::CompileError => "compile error",
            ScriptStatus::LoadError => "not loaded",
        })
    }
}

/// One script instance.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ScriptRow {
    /// Instance key (the console can run in its environment).
    pub key: u64,
    /// File, relative to the script root.
    pub path: String,
    /// Its entity (`None`: a level script), as Bevy prints it (`12v1`).
    pub entity: Option<String>,
    /// Status.
    pub status: ScriptStatus,
    /// The most recent error of this file, if any.
    pub last_error: Option<ErrorLine>,
    /// Reloads of this file among the runtime's last reload records (it keeps 64).
    pub reload_count: u64,
    /// The most recent reload of this file.
    pub last_reload: Option<ReloadLine>,
}

/// One distinct script error.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ErrorLine {
    /// `compile`, `load` or `runtime`.
    pub kind: String,
    /// File (as the chunk names it).
    pub file: String,
    /// Line (0: unknown).
    pub line: u32,
    /// The message, without its position.
    pub message: String,
    /// How many times it happened.
    pub count: u64,
    /// Last frame it happened in.
    pub last_frame: u64,
}

impl ErrorLine {
    /// `file:line: message` (the position left out when the line is unknown).
    pub fn text(&self) -> String {
        if self.line > 0 {
            format!("{}:{}: {}", self.file, self.line, self.message)
        } else if self.file.is_empty() {
            self.message.clone()
        } else {
            format!("{}: {}", self.file, self.message)
        }
    }
}

/// One hot reload.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReloadLine {
    /// Frame it happened in.
    pub frame: u64,
    /// Whether the new code runs.
    pub ok: bool,
    /// Compile and swap time.
    pub duration: Duration,
    /// Why the old code was kept.
    pub error: Option<String>,
}

/// A coroutine's state (`coroutine.status`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CoState {
    /// Running now (only seen while Lua runs, e.g. from the console).
    Running,
    /// Waiting to be resumed.
    #[default]
    Suspended,
    /// It resumed another coroutine and waits for it.
    Normal,
    /// Finished or failed.
    Dead,
}

impl fmt::Display for CoState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CoState::Running => "running",
            CoState::Suspended => "suspended",
            CoState::Normal => "normal",
            CoState::Dead => "dead",
        })
    }
}

/// One scheduler coroutine.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CoroutineRow {
    /// Id (what `start` returned).
    pub id: u64,
    /// The owning script's file (empty: none).
    pub script: String,
    /// The owning script's entity, as Bevy prints it.
    pub entity: Option<String>,
    /// Status.
    pub status: CoState,
    /// `file:line` of the innermost Lua frame (where it is suspended).
    pub line: Option<String>,
    /// Why it waits (`wait (0.250 s left)`, `wait_frames (2 left)`, `wait_until`).
    pub wait: String,
}

/// The call stack of one coroutine, innermost frame first.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StackSnapshot {
    /// The coroutine's id.
    pub coroutine: u64,
    /// Frames, innermost first.
    pub frames: Vec<FrameRow>,
}

/// One call frame.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FrameRow {
    /// Level (0: innermost).
    pub level: usize,
    /// What runs: `local 'patrol'`, `function <ai/guard.lua:4>`, `main chunk`, or a
    /// native function's name.
    pub function: String,
    /// The chunk (`ai/guard.lua`), `[C]` for native frames.
    pub source: String,
    /// Current line (Lua frames).
    pub line: Option<u32>,
    /// Whether the frame runs a native (Rust) function.
    pub native: bool,
    /// Local variables active at the current instruction, in declaration order.
    pub locals: Vec<ValueNode>,
    /// The function's upvalues.
    pub upvalues: Vec<ValueNode>,
}

impl FrameRow {
    /// `source:line` (or the source alone).
    pub fn location(&self) -> String {
        match self.line {
            Some(l) => format!("{}:{l}", self.source),
            None => self.source.clone(),
        }
    }
}

/// A value rendered as a plain tree: scalars as text, tables as children, cut at a
/// depth and entry limit (see [`crate::capture::ValueLimits`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ValueNode {
    /// The variable name or table key (`x`, `[1]`, `["a b"]`).
    pub name: String,
    /// Lua type name (`table`, `number`, ...; a userdata's `__name`).
    pub type_name: String,
    /// The value as text (`12`, `"idle"`, `table (3 entries)`, `function <f.lua:4>`).
    pub text: String,
    /// Entries of a table that were rendered (empty for scalars and cut tables).
    pub children: Vec<ValueNode>,
    /// Why the tree stops here, if it does (`5 more entries`, `depth limit`, `cycle`).
    pub note: Option<String>,
}

impl ValueNode {
    /// A leaf.
    pub fn leaf(name: &str, type_name: &str, text: &str) -> Self {
        ValueNode {
            name: name.to_string(),
            type_name: type_name.to_string(),
            text: text.to_string(),
            children: Vec::new(),
            note: None,
        }
    }

    /// `name = text`.
    pub fn label(&self) -> String {
        format!("{} = {}", self.name, self.text)
    }

    /// Whether the node can be expanded.
    pub fn expandable(&self) -> bool {
        !self.children.is_empty() || self.note.is_some()
    }
}

/// Collector and heap figures (the VM's `gc_stats()` and the plugin's budget).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GcSnapshot {
    /// Bytes in use.
    pub heap_bytes: usize,
    /// Most bytes in use seen at a collector step.
    pub peak_bytes: usize,
    /// Heap limit (`None`: unlimited).
    pub limit: Option<usize>,
    /// Live objects by kind (`string`, `table`, ...).
    pub objects: Vec<(String, usize)>,
    /// Completed collection cycles.
    pub cycles: u64,
    /// Collector steps taken.
    pub steps: u64,
    /// Duration of the last step.
    pub last_step: Duration,
    /// Longest step so far.
    pub longest_step: Duration,
    /// The collector's phase now.
    pub phase: String,
    /// Objects waiting for their finalizer.
    pub pending_finalizers: usize,
    /// Collection cycles finished by the Bevy plugin's end-of-frame steps.
    pub frame_collections: u64,
    /// This frame's end-of-frame collector step (`None`: no step ran).
    pub frame_step: Option<Duration>,
}

/// Time spent in Lua per frame.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TimingSnapshot {
    /// Each of the plugin's phases (`LuaSet`s) in the last frame, in run order.
    pub phases: Vec<(String, Duration)>,
    /// All phases together in the last frame.
    pub total: Option<Duration>,
    /// Mean of `total` over the last frames (see `frames_averaged`).
    pub mean_total: Option<Duration>,
    /// Frames in `mean_total`.
    pub frames_averaged: usize,
    /// Per-script `on_update` time in the last timed frame (the runtime times one
    /// frame in `SCRIPT_TIMING_EVERY`).
    pub scripts: Vec<ScriptTime>,
}

/// One script's time in a frame.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ScriptTime {
    /// File.
    pub path: String,
    /// Entity, as Bevy prints it.
    pub entity: Option<String>,
    /// Time in its `on_update`.
    pub time: Duration,
}
