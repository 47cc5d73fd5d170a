//! Builds a [`Snapshot`] from the running [`LuaRuntime`]: the plugin's diagnostics,
//! the scheduler's coroutine threads read frame by frame (the way `debug.getlocal`
//! and `debug.getupvalue` find names: the prototype's local-variable ranges at the
//! frame's pc and its upvalue descriptors), the collector's `gc_stats()`. Values are
//! rendered into bounded trees ([`ValueLimits`]): reading a cyclic or huge table
//! costs at most `total_nodes` nodes, and no Lua code (no metamethod) runs.

use std::collections::HashMap;
use std::time::Duration;

use engine_lua::runtime::debug::local_name;
use engine_lua::runtime::gc::KIND_NAMES;
use engine_lua::runtime::{CoStatus, FrameKind, Gc, Thread as RtThread, UpVal, Value, Vm};
use engine_lua::syntax::chunk_id;
use engine_lua_bevy::{ErrorKind, LuaRuntime, ScriptErrorInfo};

use crate::snapshot::{
    CoState, CoroutineRow, ErrorLine, FrameRow, GcSnapshot, ReloadLine, ReloadTotals, ScriptRow,
    ScriptStatus, ScriptTime, Snapshot, StackSnapshot, TimingSnapshot, ValueNode,
};

/// How much of a value tree is rendered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ValueLimits {
    /// Table nesting rendered below a variable (0: tables are not opened).
    pub depth: usize,
    /// Entries rendered per table.
    pub entries: usize,
    /// Characters of a string shown.
    pub string_chars: usize,
    /// Nodes rendered per snapshot in all (bounds the cost of one capture).
    pub total_nodes: usize,
}

impl Default for ValueLimits {
    fn default() -> Self {
        ValueLimits {
            depth: 4,
            entries: 50,
            string_chars: 120,
            total_nodes: 5_000,
        }
    }
}

/// What to capture beyond the always-cheap parts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CaptureOptions {
    /// The coroutine whose call stack, locals and upvalues are read.
    pub coroutine: Option<u64>,
    /// Value-tree limits.
    pub limits: ValueLimits,
}

fn kind_text(k: ErrorKind) -> &'static str {
    match k {
        ErrorKind::Compile => "compile",
        ErrorKind::Load => "load",
        ErrorKind::Runtime => "runtime",
    }
}

fn error_line(e: &ScriptErrorInfo) -> ErrorLine {
    ErrorLine {
        kind: kind_text(e.kind).to_string(),
        file: e.file.clone(),
        line: e.line,
        message: e.message.clone(),
        count: e.count,
        last_frame: e.last_frame,
    }
}

/// Captures a snapshot of `rt` (see the module documentation). Cost: the plugin's
/// diagnostics plus, with a selected coroutine, its frames and value trees.
pub fn capture(rt: &mut LuaRuntime, opts: &CaptureOptions) -> Snapshot {
    let diag = rt.diagnostics();
    let frame = diag.frame;

    // Scripts.
    let mut last_error: HashMap<&str, &ScriptErrorInfo> = HashMap::new();
    for e in &diag.errors {
        let slot = last_error.entry(e.file.as_str()).or_insert(e);
        if e.last_frame >= slot.last_frame {
            *slot = e;
        }
    }
    let scripts = rt
        .script_instances()
        .map(|(key, inst)| {
            let compile = diag.compile_errors.iter().find(|e| e.file == inst.path);
            let last = compile.or_else(|| last_error.get(inst.path.as_str()).copied());
            let status = if compile.is_some() {
                ScriptStatus::CompileError
            } else if inst.env.is_none() {
                ScriptStatus::LoadError
            } else if last.is_some_and(|e| e.last_frame + 1 >= frame) {
                ScriptStatus::Erroring
            } else {
                ScriptStatus::Running
            };
            let mine = diag.reloads.iter().filter(|r| r.path == inst.path);
            ScriptRow {
                key,
                path: inst.path.clone(),
                entity: inst.entity.map(|e| e.to_string()),
                status,
                last_error: last.map(error_line),
                reload_count: mine.clone().count() as u64,
                last_reload: mine.clone().next_back().map(|r| ReloadLine {
                    frame: r.frame,
                    ok: r.ok,
                    duration: r.duration,
                    error: r.error.clone(),
                }),
            }
        })
        .collect();

    // Coroutine threads (the handles stay alive in the runtime while we read).
    let threads: HashMap<u64, Gc<RtThread>> = rt
        .coroutine_threads()
        .filter_map(|(id, _, t)| match t.raw_value() {
            Value::Thread(g) => Some((id, g)),
            _ => None,
        })
        .collect();
    let vm: &mut Vm = rt.lua();
    let coroutines = diag
        .coroutines
        .iter()
        .map(|c| {
            let th = threads.get(&c.id).copied();
            CoroutineRow {
                id: c.id,
                script: c.script.clone(),
                entity: c.entity.map(|e| e.to_string()),
                status: match th.map(|t| t.get().status) {
                    Some(CoStatus::Running) => CoState::Running,
                    Some(CoStatus::Normal) => CoState::Normal,
                    Some(CoStatus::Dead) => CoState::Dead,
                    Some(CoStatus::Suspended) => CoState::Suspended,
                    None if c.status == "dead" => CoState::Dead,
                    None => CoState::Suspended,
                },
                line: th.and_then(|t| current_line(vm, t)).or_else(|| {
                    (!c.location.is_empty() && c.location != "coroutine.yield")
                        .then(|| c.location.clone())
                }),
                wait: c.wait.clone(),
            }
        })
        .collect();

    let mut budget = opts.limits.total_nodes;
    let stack = opts.coroutine.and_then(|id| {
        let th = threads.get(&id)?;
        Some(StackSnapshot {
            coroutine: id,
            frames: read_frames(vm, *th, &opts.limits, &mut budget),
        })
    });

    let g = vm.gc_stats();
    let gc = GcSnapshot {
        heap_bytes: g.heap_bytes,
        peak_bytes: g.peak_bytes,
        limit: (g.limit != usize::MAX).then_some(g.limit),
        objects: KIND_NAMES
            .iter()
            .zip(g.objects.iter())
            .map(|(k, n)| (k.to_string(), *n))
            .collect(),
        cycles: g.cycles,
        steps: g.steps,
        last_step: g.last_step,
        longest_step: g.longest_step,
        phase: g.phase.to_string(),
        pending_finalizers: g.pending_finalizers,
        frame_collections: diag.gc_runs,
        frame_step: diag.gc_stepped.then_some(diag.gc_step_time),
    };
    let timing = TimingSnapshot {
        scripts: diag
            .scripts
            .iter()
            .filter(|s| s.loaded)
            .map(|s| ScriptTime {
                path: s.path.clone(),
                entity: s.entity.map(|e| e.to_string()),
                time: Duration::from_secs_f64(f64::from(s.update_us.max(0.0)) / 1e6),
            })
            .collect(),
        ..TimingSnapshot::default()
    };

    Snapshot {
        frame,
        scripts,
        coroutines,
        stack,
        errors: diag.errors.iter().map(error_line).collect(),
        reloads: ReloadTotals {
            count: diag.reload_count,
            failures: diag.reload_failures,
        },
        gc,
        timing,
    }
}

/// `file:line` of the innermost Lua frame of `th`.
fn current_line(vm: &Vm, th: Gc<RtThread>) -> Option<String> {
    let t = th.get();
    (0..t.frames.len()).rev().find_map(|fi| {
        let FrameKind::Lua(c) = t.frames[fi].kind else {
            return None;
        };
        let src = chunk_id(&c.get().proto.get().proto.source);
        let line = vm.frame_line(th, fi)?;
        Some(format!("{src}:{line}"))
    })
}

/// The frames of `th`, innermost first, with locals and upvalues.
fn read_frames(vm: &Vm, th: Gc<RtThread>, lim: &ValueLimits, budget: &mut usize) -> Vec<FrameRow> {
    let t = th.get();
    let mut out = Vec::new();
    for (level, fi) in (0..t.frames.len()).rev().enumerate() {
        let f = &t.frames[fi];
        match f.kind {
            FrameKind::Native(_) => out.push(FrameRow {
                level,
                function: match vm.frame_name(th, fi) {
                    ("", _) => "native function".to_string(),
                    (what, name) => format!("native {what} '{name}'"),
                },
                source: "[C]".to_string(),
                native: true,
                ..FrameRow::default()
            }),
            FrameKind::Lua(c) => {
                let p = &c.get().proto.get().proto;
                let source = chunk_id(&p.source);
                let (what, name) = vm.frame_name(th, fi);
                let function = if !what.is_empty() {
                    format!("{what} '{name}'")
                } else if p.line_defined == 0 {
                    "main chunk".to_string()
                } else {
                    format!("function <{source}:{}>", p.line_defined)
                };
                let pc = f.pc.saturating_sub(1);
                let mut locals = Vec::new();
                let mut n = 1;
                while let Some(lname) = local_name(p, n, pc) {
                    let v = t
                        .stack
                        .get(f.base + n as usize - 1)
                        .copied()
                        .unwrap_or(Value::Nil);
                    locals.push(value_node(vm, lname, v, lim, budget));
                    n += 1;
                }
                let upvalues = c
                    .get()
                    .upvals
                    .iter()
                    .enumerate()
                    .map(|(i, u)| {
                        let uname = p.upvalues.get(i).map_or("?", |d| &*d.name);
                        let v = match *u.get() {
                            UpVal::Open { thread, index } => {
                                thread.get().stack.get(index).copied().unwrap_or(Value::Nil)
                            }
                            UpVal::Closed(v) => v,
                        };
                        value_node(vm, uname, v, lim, budget)
                    })
                    .collect();
                out.push(FrameRow {
                    level,
                    function,
                    line: vm.frame_line(th, fi),
                    source,
                    native: false,
                    locals,
                    upvalues,
                });
            }
        }
    }
    out
}

/// Renders `v` named `name` as a bounded tree (see [`ValueLimits`]).
pub fn value_node(
    vm: &Vm,
    name: &str,
    v: Value,
    lim: &ValueLimits,
    budget: &mut usize,
) -> ValueNode {
    let mut path = Vec::new();
    node(vm, name.to_string(), v, lim, 0, &mut path, budget)
}

fn scalar_text(vm: &Vm, v: Value, lim: &ValueLimits) -> String {
    match v {
        Value::Nil => "nil".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Int(_) | Value::Num(_) => {
            engine_lua::stdlib::base::number_text(v).unwrap_or_default()
        }
        Value::Str(s) => {
            let s = s.get().to_str_lossy();
            let mut cut: String = s.chars().take(lim.string_chars).collect();
            if cut.len() < s.len() {
                cut.push('…');
            }
            format!("{cut:?}")
        }
        Value::LuaFn(c) => {
            let p = &c.get().proto.get().proto;
            format!("function <{}:{}>", chunk_id(&p.source), p.line_defined)
        }
        Value::Native(_) => "native function".to_string(),
        Value::Thread(_) => "thread".to_string(),
        Value::LightUserData(a) => format!("light userdata {a:#x}"),
        Value::UserData(_) => vm.type_name_of(v),
        Value::Table(_) => "table".to_string(),
    }
}

fn key_text(vm: &Vm, k: Value, lim: &ValueLimits) -> String {
    if let Value::Str(s) = k {
        let s = s.get().to_str_lossy();
        let ident = s
            .chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '_')
            && s.chars().all(|c| c.is_alphanumeric() || c == '_');
        if ident && s.len() <= lim.string_chars {
            return s.into_owned();
        }
    }
    format!("[{}]", scalar_text(vm, k, lim))
}

fn node(
    vm: &Vm,
    name: String,
    v: Value,
    lim: &ValueLimits,
    depth: usize,
    path: &mut Vec<usize>,
    budget: &mut usize,
) -> ValueNode {
    *budget = budget.saturating_sub(1);
    let type_name = match v {
        Value::UserData(_) => vm.type_name_of(v),
        _ => v.type_name().to_string(),
    };
    let Value::Table(t) = v else {
        return ValueNode {
            name,
            type_name,
            text: scalar_text(vm, v, lim),
            children: Vec::new(),
            note: None,
        };
    };
    let addr = t.addr();
    let mut n = ValueNode {
        name,
        type_name,
        text: String::new(),
        children: Vec::new(),
        note: None,
    };
    if path.contains(&addr) {
        n.text = "table (cycle)".to_string();
        n.note = Some("cycle: this table contains itself (shown above)".to_string());
        return n;
    }
    if depth >= lim.depth {
        n.text = "table".to_string();
        n.note = Some("depth limit".to_string());
        return n;
    }
    path.push(addr);
    let mut k = Value::Nil;
    let mut shown = 0usize;
    let mut more = false;
    while let Ok(Some((key, val))) = t.get().next(k) {
        k = key;
        if shown >= lim.entries || *budget == 0 {
            more = true;
            break;
        }
        let kname = key_text(vm, key, lim);
        n.children
            .push(node(vm, kname, val, lim, depth + 1, path, budget));
        shown += 1;
    }
    path.pop();
    n.text = if more {
        format!("table ({shown}+ entries)")
    } else if shown == 1 {
        "table (1 entry)".to_string()
    } else {
        format!("table ({shown} entries)")
    };
    if more {
        n.note = Some(if *budget == 0 {
            "more entries (snapshot size limit)".to_string()
        } else {
            format!("more entries (limit {})", lim.entries)
        });
    }
    n
}
