//! The console's state (input line, history, output, lines waiting to run) and its
//! evaluation in the running game through [`LuaRuntime::eval_console`]: every line
//! runs under an instruction budget and its errors become output lines, so neither
//! an endless loop nor an error typed in the console can stop the game.

use engine_lua_bevy::LuaRuntime;
use engine_lua_bevy::inspect::CONSOLE_BUDGET;

/// What an output line is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConsoleLineKind {
    /// The line typed (echoed as `> line`).
    Input,
    /// A result value.
    Value,
    /// An error message.
    Error,
}

/// One line of console output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsoleLine {
    /// Kind.
    pub kind: ConsoleLineKind,
    /// Text.
    pub text: String,
}

impl ConsoleLine {
    fn new(kind: ConsoleLineKind, text: impl Into<String>) -> Self {
        ConsoleLine {
            kind,
            text: text.into(),
        }
    }
}

/// A line submitted for evaluation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsoleRequest {
    /// The Lua source.
    pub line: String,
    /// Script instance whose environment it runs in (`None`: the shared globals).
    pub target: Option<u64>,
}

/// The console's state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsoleState {
    /// The line being typed.
    pub input: String,
    /// Lines submitted, oldest first.
    pub history: Vec<String>,
    /// Position while browsing the history with the arrow keys.
    pub history_pos: Option<usize>,
    /// Output, oldest first (at most `max_output` lines kept).
    pub output: Vec<ConsoleLine>,
    /// Lines submitted and not yet run (the plugin runs them before the next
    /// capture).
    pub pending: Vec<ConsoleRequest>,
    /// Where new lines run (`None`: the shared globals).
    pub target: Option<u64>,
    /// Instruction budget of one line.
    pub budget: u64,
    /// Output lines kept.
    pub max_output: usize,
}

impl Default for ConsoleState {
    fn default() -> Self {
        ConsoleState {
            input: String::new(),
            history: Vec::new(),
            history_pos: None,
            output: Vec::new(),
            pending: Vec::new(),
            target: None,
            budget: CONSOLE_BUDGET,
            max_output: 500,
        }
    }
}

impl ConsoleState {
    /// Queues `line` for evaluation in the current target and records it in the
    /// history (blank lines are ignored).
    pub fn submit(&mut self, line: &str) {
        let line = line.trim();
        if line.is_empty() {
            return;
        }
        if self.history.last().map(String::as_str) != Some(line) {
            self.history.push(line.to_string());
        }
        self.history_pos = None;
        self.pending.push(ConsoleRequest {
            line: line.to_string(),
            target: self.target,
        });
    }

    /// Appends output lines, dropping the oldest beyond `max_output`.
    pub fn push_output(&mut self, lines: impl IntoIterator<Item = ConsoleLine>) {
        self.output.extend(lines);
        if self.output.len() > self.max_output {
            let cut = self.output.len() - self.max_output;
            self.output.drain(..cut);
        }
    }

    /// Runs every pending line in `rt` (with the world in the runtime: call it
    /// inside [`engine_lua_bevy::with_lua`]) and appends the results.
    pub fn run_pending(&mut self, rt: &mut LuaRuntime) {
        for req in std::mem::take(&mut self.pending) {
            let out = eval_line(rt, &req.line, req.target, self.budget);
            self.push_output(out);
        }
    }

    /// The history entry one step older (`up`) or newer than the one shown.
    pub fn browse_history(&mut self, up: bool) {
        if self.history.is_empty() {
            return;
        }
        let last = self.history.len() - 1;
        self.history_pos = match (self.history_pos, up) {
            (None, true) => Some(last),
            (None, false) => None,
            (Some(p), true) => Some(p.saturating_sub(1)),
            (Some(p), false) if p >= last => None,
            (Some(p), false) => Some(p + 1),
        };
        self.input = self
            .history_pos
            .map(|p| self.history[p].clone())
            .unwrap_or_default();
    }
}

/// Evaluates one line and returns its output: the echoed input, then each result
/// value (`nil` results of a statement print nothing, as in the `lua` REPL), or the
/// error message.
pub fn eval_line(
    rt: &mut LuaRuntime,
    line: &str,
    target: Option<u64>,
    budget: u64,
) -> Vec<ConsoleLine> {
    let mut out = vec![ConsoleLine::new(
        ConsoleLineKind::Input,
        format!("> {line}"),
    )];
    match rt.eval_console(line, target, budget) {
        Ok(values) => {
            if !values.is_empty() {
                out.push(ConsoleLine::new(ConsoleLineKind::Value, values.join("\t")));
            }
        }
        Err(e) => out.push(ConsoleLine::new(ConsoleLineKind::Error, e)),
    }
    out
}
