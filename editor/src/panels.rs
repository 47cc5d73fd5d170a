//! The panels: plain functions `fn(&mut egui::Ui, &Snapshot, &mut EditorState)`
//! that draw a [`Snapshot`] and record what the user asked for in the
//! [`EditorState`] (a coroutine selected, a console line submitted). They touch no
//! VM, so each is tested headless with a sample snapshot.

use std::time::Duration;

use egui::{Color32, RichText, Ui};

use crate::console::ConsoleLineKind;
use crate::snapshot::{ScriptStatus, Snapshot, ValueNode};
use crate::state::{EditorState, Tab};

const ERROR_COLOR: Color32 = Color32::from_rgb(0xe0, 0x50, 0x50);
const WARN_COLOR: Color32 = Color32::from_rgb(0xe0, 0xb0, 0x40);
const OK_COLOR: Color32 = Color32::from_rgb(0x60, 0xc0, 0x60);

/// A panel's signature.
pub type Panel = fn(&mut Ui, &Snapshot, &mut EditorState);

/// Bytes as `12.3 KiB`.
pub fn fmt_bytes(b: usize) -> String {
    const K: f64 = 1024.0;
    let f = b as f64;
    if f < K {
        format!("{b} B")
    } else if f < K * K {
        format!("{:.1} KiB", f / K)
    } else if f < K * K * K {
        format!("{:.1} MiB", f / (K * K))
    } else {
        format!("{:.2} GiB", f / (K * K * K))
    }
}

/// A duration as `0.123 ms`.
pub fn fmt_ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

/// The panel drawing `tab`.
pub fn panel_for(tab: Tab) -> Panel {
    match tab {
        Tab::Scripts => scripts_panel,
        Tab::Coroutines => coroutines_panel,
        Tab::Stack => stack_panel,
        Tab::Console => console_panel,
        Tab::Memory => memory_panel,
        Tab::Timing => timing_panel,
        Tab::Jit => jit_panel,
    }
}

/// The whole debugger: a tab bar and the selected tab's panel.
pub fn debugger_ui(ui: &mut Ui, snap: &Snapshot, state: &mut EditorState) {
    ui.horizontal_wrapped(|ui| {
        for t in Tab::ALL {
            ui.selectable_value(&mut state.tab, t, t.title());
        }
    });
    ui.label(format!(
        "frame {} · {} scripts · {} coroutines · {} · {} errors",
        snap.frame,
        snap.scripts.len(),
        snap.coroutines.len(),
        fmt_bytes(snap.gc.heap_bytes),
        snap.errors.len()
    ));
    ui.separator();
    panel_for(state.tab)(ui, snap, state);
}

fn status_color(s: ScriptStatus) -> Color32 {
    match s {
        ScriptStatus::Running => OK_COLOR,
        ScriptStatus::Erroring => WARN_COLOR,
        ScriptStatus::CompileError | ScriptStatus::LoadError => ERROR_COLOR,
    }
}

/// Scripts: file, entity, status, reloads, last reload, last error; then every
/// distinct error.
pub fn scripts_panel(ui: &mut Ui, snap: &Snapshot, _state: &mut EditorState) {
    ui.label(format!(
        "Hot reloads: {} ({} kept the old code)",
        snap.reloads.count, snap.reloads.failures
    ));
    if snap.scripts.is_empty() {
        ui.label("No scripts loaded.");
    }
    egui::ScrollArea::vertical()
        .id_salt("scripts")
        .max_height(260.0)
        .show(ui, |ui| {
            egui::Grid::new("scripts_grid")
                .striped(true)
                .num_columns(6)
                .show(ui, |ui| {
                    for h in [
                        "File",
                        "Entity",
                        "Status",
                        "Reloads",
                        "Last reload",
                        "Last error",
                    ] {
                        ui.strong(h);
                    }
                    ui.end_row();
                    for s in &snap.scripts {
                        ui.label(s.path.as_str());
                        ui.label(s.entity.as_deref().unwrap_or("level"));
                        ui.colored_label(status_color(s.status), s.status.to_string());
                        ui.label(s.reload_count.to_string());
                        match &s.last_reload {
                            Some(r) => {
                                let text = format!(
                                    "frame {} ({} ago), {}{}",
                                    r.frame,
                                    snap.frame.saturating_sub(r.frame),
                                    fmt_ms(r.duration),
                                    if r.ok { "" } else { ", kept old code" }
                                );
                                let resp = ui.label(text);
                                if let Some(e) = &r.error {
                                    resp.on_hover_text(e.as_str());
                                }
                            }
                            None => {
                                ui.label("never");
                            }
                        }
                        match &s.last_error {
                            Some(e) => {
                                ui.colored_label(ERROR_COLOR, e.text());
                            }
                            None => {
                                ui.label("");
                            }
                        }
                        ui.end_row();
                    }
                });
        });
    ui.separator();
    egui::CollapsingHeader::new(format!("All errors ({})", snap.errors.len()))
        .id_salt("all_errors")
        .default_open(true)
        .show(ui, |ui| {
            if snap.errors.is_empty() {
                ui.label("No script errors.");
            }
            for e in snap.errors.iter().rev() {
                ui.colored_label(
                    ERROR_COLOR,
                    format!(
                        "[{}] {} (×{}, last frame {})",
                        e.kind,
                        e.text(),
                        e.count,
                        e.last_frame
                    ),
                );
            }
        });
}

/// Coroutines: id, owner, status, current line, wait reason. Clicking an id
/// selects the coroutine and opens its stack.
pub fn coroutines_panel(ui: &mut Ui, snap: &Snapshot, state: &mut EditorState) {
    if snap.coroutines.is_empty() {
        ui.label("No coroutines (scripts start them with start(fn) or on_load).");
        return;
    }
    egui::ScrollArea::vertical()
        .id_salt("coroutines")
        .show(ui, |ui| {
            egui::Grid::new("coroutines_grid")
                .striped(true)
                .num_columns(6)
                .show(ui, |ui| {
                    for h in ["Id", "Script", "Entity", "Status", "Line", "Waiting for"] {
                        ui.strong(h);
                    }
                    ui.end_row();
                    for c in &snap.coroutines {
                        let selected = state.selected_coroutine == Some(c.id);
                        if ui
                            .selectable_label(selected, format!("#{}", c.id))
                            .on_hover_text("show its call stack")
                            .clicked()
                        {
                            state.selected_coroutine = Some(c.id);
                            state.tab = Tab::Stack;
                        }
                        ui.label(if c.script.is_empty() {
                            "-"
                        } else {
                            c.script.as_str()
                        });
                        ui.label(c.entity.as_deref().unwrap_or("level"));
                        ui.label(c.status.to_string());
                        ui.label(c.line.as_deref().unwrap_or("?"));
                        ui.label(c.wait.as_str());
                        ui.end_row();
                    }
                });
        });
}

fn value_tree(ui: &mut Ui, n: &ValueNode, id: egui::Id) {
    if !n.expandable() {
        ui.label(n.label());
        return;
    }
    egui::CollapsingHeader::new(n.label())
        .id_salt(id)
        .default_open(false)
        .show(ui, |ui| {
            for (i, c) in n.children.iter().enumerate() {
                value_tree(ui, c, id.with(i));
            }
            if let Some(note) = &n.note {
                ui.weak(format!("… {note}"));
            }
        });
}

/// The selected coroutine's call stack, innermost first; each frame shows its
/// locals and upvalues as expandable trees.
pub fn stack_panel(ui: &mut Ui, snap: &Snapshot, state: &mut EditorState) {
    let Some(id) = state.selected_coroutine else {
        ui.label("Select a coroutine in the Coroutines tab to see its call stack.");
        return;
    };
    let Some(stack) = snap.stack.as_ref().filter(|s| s.coroutine == id) else {
        ui.label(format!(
            "Coroutine #{id}: no stack (it finished or was stopped, or the snapshot is not taken yet)."
        ));
        return;
    };
    if let Some(c) = snap.coroutines.iter().find(|c| c.id == id) {
        ui.label(format!(
            "Coroutine #{id} of {} — {}, {}",
            if c.script.is_empty() {
                "-"
            } else {
                c.script.as_str()
            },
            c.status,
            c.wait
        ));
    } else {
        ui.label(format!("Coroutine #{id}"));
    }
    egui::ScrollArea::vertical()
        .id_salt("stack")
        .show(ui, |ui| {
            for f in &stack.frames {
                let title = format!("#{} {} — {}", f.level, f.function, f.location());
                let base = egui::Id::new(("frame", id, f.level));
                egui::CollapsingHeader::new(title)
                    .id_salt(base)
                    .default_open(!f.native)
                    .show(ui, |ui| {
                        if f.native {
                            ui.weak("native function: no locals");
                            return;
                        }
                        ui.strong(format!("locals ({})", f.locals.len()));
                        for (i, n) in f.locals.iter().enumerate() {
                            value_tree(ui, n, base.with(("local", i)));
                        }
                        egui::CollapsingHeader::new(format!("upvalues ({})", f.upvalues.len()))
                            .id_salt(base.with("upvalues"))
                            .default_open(false)
                            .show(ui, |ui| {
                                for (i, n) in f.upvalues.iter().enumerate() {
                                    value_tree(ui, n, base.with(("up", i)));
                                }
                            });
                    });
            }
        });
}

/// The console: output, the target environment, and the input line (Enter runs
/// it, the arrow keys browse the history). Lines run in the game before the next
/// snapshot.
pub fn console_panel(ui: &mut Ui, snap: &Snapshot, state: &mut EditorState) {
    let c = &mut state.console;
    let target_text = |t: Option<u64>| match t {
        None => "globals".to_string(),
        Some(k) => match snap.scripts.iter().find(|s| s.key == k) {
            Some(s) => format!("{} ({})", s.path, s.entity.as_deref().unwrap_or("level")),
            None => format!("script #{k} (gone)"),
        },
    };
    ui.horizontal(|ui| {
        ui.label("Run in:");
        egui::ComboBox::from_id_salt("console_target")
            .selected_text(target_text(c.target))
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut c.target, None, "globals");
                for s in &snap.scripts {
                    ui.selectable_value(&mut c.target, Some(s.key), target_text(Some(s.key)));
                }
            });
        ui.weak(format!("budget {} instructions per line", c.budget));
    });
    egui::ScrollArea::vertical()
        .id_salt("console_output")
        .max_height(240.0)
        .stick_to_bottom(true)
        .show(ui, |ui| {
            for l in &c.output {
                let text = RichText::new(&l.text).monospace();
                match l.kind {
                    ConsoleLineKind::Input => ui.label(text.weak()),
                    ConsoleLineKind::Value => ui.label(text),
                    ConsoleLineKind::Error => ui.label(text.color(ERROR_COLOR)),
                };
            }
            for p in &c.pending {
                ui.weak(format!("> {} (running…)", p.line));
            }
        });
    ui.horizontal(|ui| {
        let edit = ui.add(
            egui::TextEdit::singleline(&mut c.input)
                .hint_text("Lua (=expr shows values)")
                .code_editor()
                .desired_width(320.0),
        );
        let enter = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if edit.has_focus() {
            if ui.input(|i| i.key_pressed(egui::Key::ArrowUp)) {
                c.browse_history(true);
            } else if ui.input(|i| i.key_pressed(egui::Key::ArrowDown)) {
                c.browse_history(false);
            }
        }
        let run = ui.button("Run").clicked();
        if enter || run {
            let line = std::mem::take(&mut c.input);
            c.submit(&line);
            edit.request_focus();
        }
        if ui.button("Clear").clicked() {
            c.output.clear();
        }
    });
}

/// GC and memory: heap, peak, limit, objects by kind, cycles and step times.
pub fn memory_panel(ui: &mut Ui, snap: &Snapshot, _state: &mut EditorState) {
    let g = &snap.gc;
    egui::Grid::new("memory_grid")
        .striped(true)
        .num_columns(2)
        .show(ui, |ui| {
            let row = |ui: &mut Ui, k: &str, v: String| {
                ui.label(k);
                ui.label(v);
                ui.end_row();
            };
            row(ui, "Heap", fmt_bytes(g.heap_bytes));
            row(ui, "Peak", fmt_bytes(g.peak_bytes));
            row(ui, "Limit", g.limit.map_or("none".to_string(), fmt_bytes));
            row(ui, "Collector phase", g.phase.clone());
            row(ui, "Cycles", g.cycles.to_string());
            row(ui, "Steps", g.steps.to_string());
            row(ui, "Last step", fmt_ms(g.last_step));
            row(ui, "Longest step", fmt_ms(g.longest_step));
            row(ui, "Pending finalizers", g.pending_finalizers.to_string());
            row(
                ui,
                "End-of-frame step",
                g.frame_step.map_or("none this frame".to_string(), fmt_ms),
            );
            row(ui, "Cycles by frame steps", g.frame_collections.to_string());
        });
    ui.separator();
    ui.strong("Live objects by type");
    egui::Grid::new("objects_grid")
        .striped(true)
        .num_columns(2)
        .show(ui, |ui| {
            for (k, n) in &g.objects {
                ui.label(k.as_str());
                ui.label(n.to_string());
                ui.end_row();
            }
        });
}

/// Time in Lua per frame: by phase, in total, and per script when measured.
pub fn timing_panel(ui: &mut Ui, snap: &Snapshot, _state: &mut EditorState) {
    let t = &snap.timing;
    match (t.total, t.mean_total) {
        (Some(total), Some(mean)) => {
            ui.label(format!(
                "Lua this frame: {} (mean {} over {} frames)",
                fmt_ms(total),
                fmt_ms(mean),
                t.frames_averaged
            ));
        }
        (Some(total), None) => {
            ui.label(format!("Lua this frame: {}", fmt_ms(total)));
        }
        _ => {
            ui.label(
                "No frame timing yet (measured by LuaDebuggerPlugin around the LuaSet phases).",
            );
        }
    }
    if !t.phases.is_empty() {
        egui::Grid::new("phases_grid")
            .striped(true)
            .num_columns(2)
            .show(ui, |ui| {
                for (name, d) in &t.phases {
                    ui.label(name.as_str());
                    ui.label(fmt_ms(*d));
                    ui.end_row();
                }
            });
    }
    ui.separator();
    ui.strong("on_update per script (one frame in 8 is timed)");
    if t.scripts.is_empty() {
        ui.label("No script is loaded.");
        return;
    }
    egui::Grid::new("script_times_grid")
        .striped(true)
        .num_columns(3)
        .show(ui, |ui| {
            for s in &t.scripts {
                ui.label(s.path.as_str());
                ui.label(s.entity.as_deref().unwrap_or("level"));
                ui.label(fmt_ms(s.time));
                ui.end_row();
            }
        });
}

/// The JIT's place: it is not built yet, so this says so (no made-up traces).
pub fn jit_panel(ui: &mut Ui, _snap: &Snapshot, _state: &mut EditorState) {
    ui.strong("JIT traces");
    ui.label("The tracing JIT is not built yet: scripts run in the interpreter.");
    ui.weak(
        "When it exists, this tab lists its traces: id, parent trace and exit, start \
         location, link, state or abort reason, IR and exit counts, and the IR dump.",
    );
}
