//! Each panel drawn headless (egui_kittest) from a sample snapshot: what it shows,
//! and what clicking records in the editor state.

use std::time::Duration;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use engine_lua_editor::console::{ConsoleLine, ConsoleLineKind};
use engine_lua_editor::panels::Panel;
use engine_lua_editor::snapshot::{ReloadLine, ReloadTotals, ScriptTime};
use engine_lua_editor::*;

fn sample() -> Snapshot {
    let pos = ValueNode {
        name: "pos".into(),
        type_name: "table".into(),
        text: "table (2 entries)".into(),
        children: vec![
            ValueNode::leaf("x", "number", "1.5"),
            ValueNode::leaf("y", "number", "-2"),
        ],
        note: None,
    };
    let me = ValueNode {
        name: "self".into(),
        type_name: "table".into(),
        text: "table (cycle)".into(),
        children: vec![],
        note: Some("cycle: this table contains itself (shown above)".into()),
    };
    let compile_error = ErrorLine {
        kind: "compile".into(),
        file: "ai/guard.lua".into(),
        line: 12,
        message: "'end' expected near <eof>".into(),
        count: 1,
        last_frame: 40,
    };
    Snapshot {
        frame: 42,
        scripts: vec![
            ScriptRow {
                key: 1,
                path: "ai/guard.lua".into(),
                entity: Some("5v1".into()),
                status: ScriptStatus::CompileError,
                last_error: Some(compile_error.clone()),
                reload_count: 3,
                last_reload: Some(ReloadLine {
                    frame: 40,
                    ok: false,
                    duration: Duration::from_micros(250),
                    error: Some("'end' expected".into()),
                }),
            },
            ScriptRow {
                key: 2,
                path: "levels/one.lua".into(),
                entity: None,
                status: ScriptStatus::Running,
                last_error: None,
                reload_count: 0,
                last_reload: None,
            },
        ],
        coroutines: vec![
            CoroutineRow {
                id: 7,
                script: "ai/guard.lua".into(),
                entity: Some("5v1".into()),
                status: CoState::Suspended,
                line: Some("ai/guard.lua:8".into()),
                wait: "wait (0.250 s left)".into(),
            },
            CoroutineRow {
                id: 9,
                script: "levels/one.lua".into(),
                entity: None,
                status: CoState::Normal,
                line: Some("levels/one.lua:30".into()),
                wait: "wait_until".into(),
            },
        ],
        stack: Some(StackSnapshot {
            coroutine: 7,
            frames: vec![
                FrameRow {
                    level: 0,
                    function: "native 'wait'".into(),
                    source: "[C]".into(),
                    native: true,
                    ..FrameRow::default()
                },
                FrameRow {
                    level: 1,
                    function: "global 'patrol'".into(),
                    source: "ai/guard.lua".into(),
                    line: Some(8),
                    native: false,
                    locals: vec![ValueNode::leaf("i", "number", "3"), pos],
                    upvalues: vec![me],
                },
            ],
        }),
        errors: vec![compile_error],
        reloads: ReloadTotals {
            count: 3,
            failures: 1,
        },
        gc: GcSnapshot {
            heap_bytes: 3 * 1024 * 1024 / 2,
            peak_bytes: 2 * 1024 * 1024,
            limit: None,
            objects: vec![("string".into(), 812), ("table".into(), 95)],
            cycles: 4,
            steps: 17,
            last_step: Duration::from_micros(120),
            longest_step: Duration::from_micros(900),
            phase: "pause".into(),
            pending_finalizers: 0,
            frame_collections: 2,
            frame_step: Some(Duration::from_micros(80)),
        },
        timing: TimingSnapshot {
            phases: vec![
                ("on_update".into(), Duration::from_micros(300)),
                ("coroutines".into(), Duration::from_micros(200)),
            ],
            total: Some(Duration::from_micros(500)),
            mean_total: Some(Duration::from_micros(450)),
            frames_averaged: 60,
            scripts: vec![],
        },
    }
}

fn harness(panel: Panel, snap: Snapshot, state: EditorState) -> Harness<'static, EditorState> {
    let mut h = Harness::new_ui_state(move |ui, st: &mut EditorState| panel(ui, &snap, st), state);
    h.run();
    h
}

#[test]
fn scripts_panel_shows_rows_status_reloads_and_error_lines() {
    let h = harness(scripts_panel, sample(), EditorState::default());
    h.get_by_label("Hot reloads: 3 (1 kept the old code)");
    h.get_by_label("levels/one.lua");
    h.get_by_label("5v1");
    h.get_by_label("level");
    h.get_by_label("compile error");
    h.get_by_label("running");
    h.get_by_label("frame 40 (2 ago), 0.250 ms, kept old code");
    // The last error in the row, and in the error list with its count.
    h.get_by_label("ai/guard.lua:12: 'end' expected near <eof>");
    h.get_by_label("[compile] ai/guard.lua:12: 'end' expected near <eof> (×1, last frame 40)");
    h.get_by_label("All errors (1)");
}

#[test]
fn coroutines_panel_lists_and_selects() {
    let mut h = harness(coroutines_panel, sample(), EditorState::default());
    for text in [
        "#7",
        "#9",
        "suspended",
        "normal",
        "ai/guard.lua:8",
        "levels/one.lua:30",
        "wait (0.250 s left)",
        "wait_until",
    ] {
        h.get_by_label(text);
    }
    h.get_by_label("#7").click();
    h.run();
    assert_eq!(h.state().selected_coroutine, Some(7));
    assert_eq!(h.state().tab, Tab::Stack);
}

#[test]
fn stack_panel_shows_frames_locals_and_expands_tables() {
    let state = EditorState {
        selected_coroutine: Some(7),
        ..EditorState::default()
    };
    let mut h = harness(stack_panel, sample(), state);
    h.get_by_label("Coroutine #7 of ai/guard.lua — suspended, wait (0.250 s left)");
    h.get_by_label("#0 native 'wait' — [C]");
    h.get_by_label("#1 global 'patrol' — ai/guard.lua:8");
    h.get_by_label("locals (2)");
    h.get_by_label("i = 3");
    // Tables start collapsed; clicking opens them.
    assert!(h.query_by_label("x = 1.5").is_none());
    h.get_by_label("pos = table (2 entries)").click();
    h.run();
    h.get_by_label("x = 1.5");
    h.get_by_label("y = -2");
    // Upvalues, with a cycle cut off and said so.
    h.get_by_label("upvalues (1)").click();
    h.run();
    h.get_by_label("self = table (cycle)").click();
    h.run();
    h.get_by_label("… cycle: this table contains itself (shown above)");
}

#[test]
fn stack_panel_without_selection_or_stack_says_why() {
    let h = harness(stack_panel, sample(), EditorState::default());
    h.get_by_label("Select a coroutine in the Coroutines tab to see its call stack.");
    let state = EditorState {
        selected_coroutine: Some(9),
        ..EditorState::default()
    };
    let h = harness(stack_panel, sample(), state);
    h.get_by_label_contains("Coroutine #9: no stack");
}

#[test]
fn console_panel_shows_output_and_submits_lines() {
    let mut state = EditorState::default();
    state.console.push_output([
        ConsoleLine {
            kind: ConsoleLineKind::Input,
            text: "> 1+1".into(),
        },
        ConsoleLine {
            kind: ConsoleLineKind::Value,
            text: "2".into(),
        },
        ConsoleLine {
            kind: ConsoleLineKind::Error,
            text: "console:1: boom".into(),
        },
    ]);
    state.console.input = "=enemy_count".into();
    let mut h = harness(console_panel, sample(), state);
    h.get_by_label("> 1+1");
    h.get_by_label("2");
    h.get_by_label("console:1: boom");
    h.get_by_label("Run in:");
    h.get_by_label("Run").click();
    h.run();
    let c = &h.state().console;
    assert_eq!(c.history, vec!["=enemy_count".to_string()]);
    assert_eq!(c.pending.len(), 1);
    assert_eq!(c.pending[0].line, "=enemy_count");
    assert_eq!(c.pending[0].target, None);
    assert!(c.input.is_empty());
    h.get_by_label("> =enemy_count (running…)");
}

#[test]
fn memory_panel_shows_heap_objects_and_steps() {
    let h = harness(memory_panel, sample(), EditorState::default());
    h.get_by_label("Heap");
    h.get_by_label("1.5 MiB");
    h.get_by_label("2.0 MiB");
    h.get_by_label("none");
    h.get_by_label("Longest step");
    h.get_by_label("0.900 ms");
    h.get_by_label("0.080 ms");
    h.get_by_label("812");
    h.get_by_label("table");
    h.get_by_label("95");
}

#[test]
fn timing_panel_shows_phases_and_per_script_times() {
    let h = harness(timing_panel, sample(), EditorState::default());
    h.get_by_label("Lua this frame: 0.500 ms (mean 0.450 ms over 60 frames)");
    h.get_by_label("on_update");
    h.get_by_label("0.300 ms");
    h.get_by_label("No script is loaded.");
    let mut snap = sample();
    snap.timing.scripts.push(ScriptTime {
        path: "ai/guard.lua".into(),
        entity: Some("5v1".into()),
        time: Duration::from_micros(75),
    });
    let h = harness(timing_panel, snap, EditorState::default());
    h.get_by_label("ai/guard.lua");
    h.get_by_label("0.075 ms");
}

#[test]
fn jit_panel_says_the_jit_is_not_built() {
    let h = harness(jit_panel, sample(), EditorState::default());
    h.get_by_label("JIT traces");
    h.get_by_label("The tracing JIT is not built yet: scripts run in the interpreter.");
}

#[test]
fn debugger_ui_switches_tabs() {
    let mut h = harness(debugger_ui, sample(), EditorState::default());
    h.get_by_label("frame 42 · 2 scripts · 2 coroutines · 1.5 MiB · 1 errors");
    h.get_by_label("levels/one.lua");
    h.get_by_label("Memory").click();
    h.run();
    assert_eq!(h.state().tab, Tab::Memory);
    h.get_by_label("Longest step");
    h.get_by_label("JIT traces").click();
    h.run();
    assert_eq!(h.state().tab, Tab::Jit);
}
