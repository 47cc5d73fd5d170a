//! The per-world Lua runtime: one VM, script instances with their own environments,
//! lifecycle callbacks, `require` with dependency tracking, hot reload with state
//! kept, the coroutine scheduler, and the error log.
//!
//! # Environments
//!
//! Every script instance (one per entity with a [`crate::Script`], or per level
//! script) runs its chunk with its own `_ENV` table whose metatable's `__index` is
//! the shared globals (the API: `world`, `wait`, `vec3`, ...). Globals a script
//! assigns stay in its environment; `entity` is its entity handle (`nil` for level
//! scripts). Modules loaded by `require` get their own environment too.
//!
//! # Reload
//!
//! A changed file is compiled first; a syntax error keeps the old code running and
//! is recorded. On success, for each instance of the file: `state = on_unload()`,
//! the new chunk runs in the *same* environment (so closures and coroutines that
//! hold it see the new functions), tables that existed before are kept and patched
//! in place with the new contents (references held elsewhere see the new
//! functions, as LÖVE's `lume.hotswap` does), then `on_reload(state)`. If the new
//! chunk raises an error, the environment is restored as it was. A module's
//! returned table is patched in place the same way, then every script and module
//! that required it is reloaded.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::Path;
use std::rc::Rc;
use std::time::{Duration, Instant};

use bevy::log::{error, warn};
use bevy::prelude::{Entity, World};
use bevy::time::Time;
use engine_lua::runtime::table::Table as RtTable;
use engine_lua::runtime::{Gc, Value, Vm};
use engine_lua::{
    Error, Function, Limits, Lua, LuaString, LuaValue, Proto, Result, Table, Thread, ThreadStatus,
};

use crate::bind::{Ctx, LuaMessageType, MessageSource, Module, Owner, Wait, entity_value};
use crate::{
    CoroutineInfo, ErrorKind, LuaConfig, LuaDiagnostics, ReloadRecord, Script, ScriptErrorInfo,
    ScriptInfo,
};

/// One running script.
pub struct ScriptInstance {
    /// File, relative to the root.
    pub path: String,
    /// Its entity (`None` for a level script).
    pub entity: Option<Entity>,
    /// Its environment (`None` until it loaded without error).
    pub env: Option<Table>,
    /// Its `on_update` time in the last timed frame (see [`SCRIPT_TIMING_EVERY`]).
    pub update_time: std::time::Duration,
}

/// A scheduler coroutine.
pub struct Co {
    id: u64,
    owner: Option<u64>,
    thread: Thread,
    wait: Wait,
    where_: String,
}

/// The runtime, kept as a non-send resource in the world.
pub struct LuaRuntime {
    pub(crate) lua: Lua,
    pub(crate) ctx: Rc<Ctx>,
    env_meta: Table,
    pub(crate) scripts: BTreeMap<u64, ScriptInstance>,
    by_entity: HashMap<Entity, u64>,
    protos: HashMap<String, Rc<Proto>>,
    coroutines: Vec<Co>,
    next_key: u64,
    pub(crate) config: LuaConfig,
    pub(crate) watcher: Option<crate::watch::Watcher>,
    readers: Vec<(String, Box<dyn MessageSource>)>,
    errors: Vec<ScriptErrorInfo>,
    error_index: HashMap<(String, String), usize>,
    compile_errors: BTreeMap<String, ScriptErrorInfo>,
    reloads: Vec<ReloadRecord>,
    reload_count: u64,
    reload_failures: u64,
    gc_base: usize,
    gc_runs: u64,
    gc_step_time: std::time::Duration,
    gc_stepped: bool,
    batch: Batch,
    script_infos: std::cell::RefCell<Option<std::sync::Arc<Vec<ScriptInfo>>>>,
    infos_dirty: std::cell::Cell<bool>,
    times_dirty: std::cell::Cell<bool>,
}

/// The callback loop's script list: every loaded instance, in key order, with its
/// environment. The environments are kept reachable by `envs` (a Lua table), so the
/// raw table pointers stay valid while the list is unchanged.
struct Batch {
    envs: Table,
    keys: Vec<(u64, Option<Entity>, Gc<RtTable>)>,
    /// The interned names `on_update` and `on_event` (the handles keep them alive).
    on_update: LuaString,
    on_event: LuaString,
    /// `on_update` time per script (list order) in a timed frame.
    times: Vec<Duration>,
    dirty: bool,
}

/// One frame in this many has its `on_update` callbacks timed per script
/// ([`crate::ScriptInfo::update_us`]; two clock reads per script on those frames).
pub const SCRIPT_TIMING_EVERY: u64 = 8;

/// Calls `f(args)` from the host with a fresh instruction budget, with no handle
/// made (the function and arguments go straight onto the stack); the results are
/// dropped. `Err`: the error's text.
fn raw_call(vm: &mut Vm, f: Value, args: &[Value]) -> std::result::Result<(), String> {
    let th = vm.current;
    let func = th.get().top;
    vm.push(f);
    for a in args {
        vm.push(*a);
    }
    vm.reset_instruction_budget();
    let r = vm.call_stack(args.len(), 0);
    th.get_mut().top = func;
    r.map_err(|e| match e.0 {
        Value::Str(s) => s.get().to_str_lossy().into_owned(),
        other => format!("(error object is a {} value)", vm.type_name_of(other)),
    })
}

/// Splits `file:line: message` (the position Lua prefixes to errors).
fn split_position(msg: &str) -> Option<(String, u32, String)> {
    let mut search = 0;
    while let Some(i) = msg[search..].find(':') {
        let at = search + i;
        let rest = &msg[at + 1..];
        let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
        if !digits.is_empty() && rest[digits.len()..].starts_with(':') {
            let line = digits.parse().unwrap_or(0);
            let text = rest[digits.len() + 1..].trim_start().to_string();
            return Some((msg[..at].to_string(), line, text));
        }
        search = at + 1;
    }
    None
}

fn error_message(e: &Error) -> String {
    match e {
        Error::Runtime { message, .. } => message.clone(),
        other => other.to_string(),
    }
}

impl LuaRuntime {
    /// Builds the runtime for `world` (reads its type registry and message types).
    pub fn new(world: &World, config: LuaConfig) -> Self {
        let root = config
            .root
            .canonicalize()
            .unwrap_or_else(|_| config.root.clone());
        let registry = world
            .get_resource::<bevy::ecs::reflect::AppTypeRegistry>()
            .cloned()
            .unwrap_or_default();
        let messages: Vec<LuaMessageType> = world
            .get_resource::<crate::LuaMessageRegistry>()
            .map(|r| r.types.clone())
            .unwrap_or_default();
        let limits = Limits {
            instructions: config.instructions_per_callback,
            memory: config.memory_limit,
            call_depth: Some(200),
        };
        let mut lua = if config.sandbox {
            Lua::sandboxed(&root.to_string_lossy(), limits)
        } else {
            let mut l = Lua::new();
            l.set_limits(limits);
            l
        };
        let readers = messages
            .iter()
            .map(|m| (m.name.clone(), (m.reader)()))
            .collect();
        let ctx = Rc::new(Ctx::new(registry, messages, root.clone()));
        let globals = lua.globals();
        *ctx.globals.borrow_mut() = Some(globals.clone());
        crate::math::install(&mut lua, &globals).expect("math bindings install");
        crate::bind::install(&mut lua, &ctx, &globals).expect("ECS bindings install");
        crate::sched::install(&mut lua, &ctx, &globals).expect("scheduler install");
        install_require(&mut lua, &ctx, &globals).expect("require install");
        let env_meta = lua.create_table();
        env_meta
            .raw_set(&mut lua, "__index", &globals)
            .expect("env metatable");
        let watcher = if config.hot_reload {
            match crate::watch::Watcher::new(&root) {
                Ok(w) => Some(w),
                Err(e) => {
                    warn!("lua: cannot watch {}: {e}", root.display());
                    None
                }
            }
        } else {
            None
        };
        let gc_base = lua.used_memory();
        let batch = Batch {
            envs: lua.create_table(),
            keys: Vec::new(),
            on_update: lua.create_string("on_update"),
            on_event: lua.create_string("on_event"),
            times: Vec::new(),
            dirty: true,
        };
        LuaRuntime {
            lua,
            ctx,
            env_meta,
            scripts: BTreeMap::new(),
            by_entity: HashMap::new(),
            protos: HashMap::new(),
            coroutines: Vec::new(),
            next_key: 1,
            config,
            watcher,
            readers,
            errors: Vec::new(),
            error_index: HashMap::new(),
            compile_errors: BTreeMap::new(),
            reloads: Vec::new(),
            reload_count: 0,
            reload_failures: 0,
            gc_base,
            gc_runs: 0,
            gc_step_time: std::time::Duration::ZERO,
            gc_stepped: false,
            batch,
            script_infos: std::cell::RefCell::new(None),
            infos_dirty: std::cell::Cell::new(true),
            times_dirty: std::cell::Cell::new(false),
        }
    }

    /// The VM (for hosts that add their own functions).
    pub fn lua(&mut self) -> &mut Lua {
        &mut self.lua
    }

    fn frame(&self) -> u64 {
        self.ctx.sched.borrow().frame
    }

    /// Records an error once per distinct (file, message); later repeats count.
    pub(crate) fn record_error(&mut self, kind: ErrorKind, file: &str, line: u32, msg: &str) {
        let (file, line, message) = match split_position(msg) {
            Some((f, l, m)) if line == 0 => (f, l, m),
            _ => (file.to_string(), line, msg.to_string()),
        };
        let frame = self.frame();
        let key = (file.clone(), message.clone());
        if let Some(&i) = self.error_index.get(&key) {
            let e = &mut self.errors[i];
            e.count += 1;
            e.last_frame = frame;
            return;
        }
        error!("lua {kind:?} error: {file}:{line}: {message}");
        self.error_index.insert(key, self.errors.len());
        self.errors.push(ScriptErrorInfo {
            kind,
            file,
            line,
            message,
            count: 1,
            first_frame: frame,
            last_frame: frame,
        });
    }

    fn record_lua_error(&mut self, kind: ErrorKind, file: &str, e: &Error) {
        let m = error_message(e);
        self.record_error(kind, file, 0, &m);
    }

    fn compile(&mut self, path: &str) -> std::result::Result<Rc<Proto>, (u32, String)> {
        let full = self.ctx.root.join(path);
        let src = std::fs::read(&full).map_err(|e| (0, format!("cannot read {path}: {e}")))?;
        match engine_lua::compiler::compile_source(&src, &format!("@{path}")) {
            Ok(p) => Ok(Rc::new(p)),
            Err(e) => Err((e.line, e.message)),
        }
    }

    fn proto(&mut self, path: &str) -> Option<Rc<Proto>> {
        if let Some(p) = self.protos.get(path) {
            return Some(p.clone());
        }
        match self.compile(path) {
            Ok(p) => {
                self.protos.insert(path.to_string(), p.clone());
                self.compile_errors.remove(path);
                Some(p)
            }
            Err((line, msg)) => {
                self.compile_failed(path, line, &msg);
                None
            }
        }
    }

    fn compile_failed(&mut self, path: &str, line: u32, msg: &str) {
        self.record_error(ErrorKind::Compile, path, line, msg);
        let (file, line, message) =
            split_position(msg).unwrap_or((path.to_string(), line, msg.to_string()));
        let frame = self.frame();
        self.compile_errors.insert(
            path.to_string(),
            ScriptErrorInfo {
                kind: ErrorKind::Compile,
                file,
                line,
                message,
                count: 1,
                first_frame: frame,
                last_frame: frame,
            },
        );
    }

    fn make_env(&mut self, entity: Option<Entity>) -> Result<Table> {
        let env = self.lua.create_table();
        env.set_metatable(&mut self.lua, Some(&self.env_meta))?;
        if let Some(e) = entity {
            let h = entity_value(&mut self.lua, &self.ctx, e)?;
            env.raw_set(&mut self.lua, "entity", h)?;
        }
        Ok(env)
    }

    /// Adds a script instance and loads it.
    pub(crate) fn add_script(&mut self, path: &str, entity: Option<Entity>) -> u64 {
        let key = self.next_key;
        self.next_key += 1;
        self.scripts.insert(
            key,
            ScriptInstance {
                path: path.to_string(),
                entity,
                env: None,
                update_time: std::time::Duration::ZERO,
            },
        );
        if let Some(e) = entity {
            self.by_entity.insert(e, key);
        }
        self.load_instance(key);
        key
    }

    /// Runs the instance's chunk in a fresh environment, then `on_load`.
    fn load_instance(&mut self, key: u64) {
        let Some(inst) = self.scripts.get(&key) else {
            return;
        };
        let (path, entity) = (inst.path.clone(), inst.entity);
        let Some(proto) = self.proto(&path) else {
            return;
        };
        let env = match self.make_env(entity) {
            Ok(e) => e,
            Err(e) => {
                self.record_lua_error(ErrorKind::Load, &path, &e);
                return;
            }
        };
        if let Err(e) = self.run_chunk(key, &proto, &env) {
            self.record_lua_error(ErrorKind::Load, &path, &e);
            return;
        }
        if let Some(inst) = self.scripts.get_mut(&key) {
            inst.env = Some(env.clone());
        }
        self.batch.dirty = true;
        self.infos_dirty.set(true);
        if let Ok(Some(f)) = env.raw_get::<Option<Function>>(&mut self.lua, "on_load") {
            self.start_coroutine(Some(key), &f, "on_load");
        }
    }

    fn run_chunk(&mut self, key: u64, proto: &Rc<Proto>, env: &Table) -> Result<()> {
        let envv = env.value_in(&self.lua)?;
        let fv = self.lua.load_proto(proto.clone(), Some(envv));
        let f = Function::from_value(&mut self.lua, fv).expect("a chunk is a function");
        self.ctx.loading.borrow_mut().push(Owner::Script(key));
        self.ctx.sched.borrow_mut().current_owner = Some(key);
        let r = f.call::<_, ()>(&mut self.lua, ());
        self.ctx.sched.borrow_mut().current_owner = None;
        self.ctx.loading.borrow_mut().pop();
        self.ctx.flush();
        r
    }

    /// Calls `env[name](args)` for a script if the function exists; errors are
    /// recorded. Returns the first result.
    pub(crate) fn callback<A: engine_lua::IntoLuaMulti>(
        &mut self,
        key: u64,
        name: &str,
        args: A,
    ) -> Option<LuaValue> {
        let inst = self.scripts.get(&key)?;
        let env = inst.env.clone()?;
        let f: Option<Function> = env.raw_get(&mut self.lua, name).ok()?;
        let f = f?;
        self.ctx.sched.borrow_mut().current_owner = Some(key);
        let r = f.call::<_, LuaValue>(&mut self.lua, args);
        self.ctx.sched.borrow_mut().current_owner = None;
        self.ctx.flush();
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                let path = self
                    .scripts
                    .get(&key)
                    .map(|i| i.path.clone())
                    .unwrap_or_default();
                self.record_lua_error(ErrorKind::Runtime, &path, &e);
                None
            }
        }
    }

    /// Removes an instance: `on_unload()`, its coroutines stop.
    pub(crate) fn remove_script(&mut self, key: u64) {
        self.callback(key, "on_unload", ());
        self.batch.dirty = true;
        self.infos_dirty.set(true);
        if let Some(inst) = self.scripts.remove(&key)
            && let Some(e) = inst.entity
            && self.by_entity.get(&e) == Some(&key)
        {
            self.by_entity.remove(&e);
        }
        self.coroutines.retain(|c| c.owner != Some(key));
        for m in self.ctx.modules.borrow_mut().values_mut() {
            m.dependents.remove(&Owner::Script(key));
        }
    }

    /// This frame's `Time` delta in seconds (0 without a `Time` resource).
    fn frame_dt(&self) -> f64 {
        self.ctx
            .world
            .borrow()
            .get_resource::<Time>()
            .map_or(0.0, |t| t.delta_secs_f64())
    }

    /// The frame's start: clock, frame number, hot reload.
    pub(crate) fn begin_frame(&mut self) {
        let dt = self.frame_dt();
        {
            let mut s = self.ctx.sched.borrow_mut();
            s.frame += 1;
            s.time += dt;
        }
        let debounce = self.config.debounce;
        let settled = match self.watcher.as_mut() {
            Some(w) => w.poll(debounce),
            None => Vec::new(),
        };
        for s in settled {
            let path = s.path.clone();
            self.reload_path(&path, Some(s));
        }
    }

    /// Scripts added, removed or changed on entities, and new level scripts.
    pub(crate) fn lifecycle(&mut self) {
        let (changes, levels) = {
            let mut w = self.ctx.world.borrow_mut();
            let changes = w
                .get_resource_mut::<crate::PendingScripts>()
                .map(|mut p| std::mem::take(&mut p.0))
                .unwrap_or_default();
            let levels = w
                .get_resource_mut::<crate::LevelScripts>()
                .map(|mut l| std::mem::take(&mut l.pending))
                .unwrap_or_default();
            (changes, levels)
        };
        for c in changes {
            match c {
                crate::ScriptChange::Inserted(e) => {
                    let path = self
                        .ctx
                        .world
                        .borrow()
                        .get::<Script>(e)
                        .map(|s| s.path.clone());
                    if let Some(&old) = self.by_entity.get(&e) {
                        if Some(&self.scripts[&old].path) == path.as_ref() {
                            continue;
                        }
                        self.remove_script(old);
                    }
                    if let Some(p) = path {
                        self.add_script(&p, Some(e));
                    }
                }
                crate::ScriptChange::Removed(e) => {
                    if let Some(k) = self.by_entity.get(&e).copied() {
                        self.remove_script(k);
                    }
                }
            }
        }
        for l in levels {
            match l {
                crate::LevelCommand::Load(p) => {
                    self.add_script(&p, None);
                }
                crate::LevelCommand::Unload(p) => {
                    let keys: Vec<u64> = self
                        .scripts
                        .iter()
                        .filter(|(_, s)| s.entity.is_none() && s.path == p)
                        .map(|(k, _)| *k)
                        .collect();
                    for k in keys {
                        self.remove_script(k);
                    }
                }
            }
        }
    }

    /// Delivers Bevy messages and script events to every `on_event(name, data)`.
    pub(crate) fn dispatch_events(&mut self) {
        let mut events: Vec<(String, LuaValue)> = Vec::new();
        {
            let mut incoming = Vec::new();
            let world = self.ctx.world.borrow();
            for (name, r) in &mut self.readers {
                r.read(&world, &mut |lv| incoming.push((name.clone(), lv)));
            }
            drop(world);
            for (name, lv) in incoming {
                match crate::bind::lv_to_lua(&mut self.lua, &self.ctx, &lv) {
                    Ok(v) => {
                        let v = LuaValue::from_raw(&mut self.lua, v);
                        events.push((name, v));
                    }
                    Err(e) => self.record_lua_error(ErrorKind::Runtime, &name, &e),
                }
            }
        }
        events.extend(self.ctx.emitted.borrow_mut().drain(..));
        if events.is_empty() {
            return;
        }
        self.refresh_batch();
        let Value::Str(key) = self.batch.on_event.raw_value() else {
            return;
        };
        for (name, data) in &events {
            let Ok(data) = data.to_raw(&self.lua) else {
                continue;
            };
            // The handle keeps the name alive while the callbacks run.
            let name_h = self.lua.create_string(name.as_str());
            let name = name_h.raw_value();
            for i in 0..self.batch.keys.len() {
                let (k, e, env) = self.batch.keys[i];
                let f = env.get().get_str(key);
                if f.is_nil() || !self.enter(k, e) {
                    continue;
                }
                if let Err(msg) = raw_call(&mut self.lua, f, &[name, data]) {
                    self.record_script_error(k, &msg);
                }
            }
        }
        self.ctx.sched.borrow_mut().current_owner = None;
        self.ctx.flush();
    }

    /// Before a script's callback: queued commands applied, its entity checked
    /// (`false`: despawned, skip it), the scheduler told whose code runs.
    fn enter(&self, key: u64, entity: Option<Entity>) -> bool {
        self.ctx.flush();
        if let Some(e) = entity
            && self.ctx.world.borrow().get_entity(e).is_err()
        {
            return false;
        }
        self.ctx.sched.borrow_mut().current_owner = Some(key);
        true
    }

    /// Rebuilds the batch's script list if scripts were added, removed or loaded.
    fn refresh_batch(&mut self) {
        if !self.batch.dirty {
            return;
        }
        self.batch.dirty = false;
        let _ = self.batch.envs.clear(&mut self.lua);
        self.batch.keys.clear();
        for (k, s) in &self.scripts {
            if let Some(env) = &s.env
                && let Value::Table(t) = env.raw_value()
            {
                self.batch.keys.push((*k, s.entity, t));
                let n = self.batch.keys.len() as i64;
                let _ = self.batch.envs.raw_set(&mut self.lua, n, env);
            }
        }
    }

    /// `on_update(dt)` for every script whose entity still exists, called from a
    /// host loop with no handle made per call; each callback has a fresh instruction
    /// budget, and its error is recorded while the others run on.
    pub(crate) fn update(&mut self) {
        let dt = self.frame_dt();
        self.refresh_batch();
        let timed = self.frame().is_multiple_of(SCRIPT_TIMING_EVERY);
        let Value::Str(key) = self.batch.on_update.raw_value() else {
            return;
        };
        let args = [Value::Num(dt)];
        if timed {
            self.batch.times.clear();
            self.batch
                .times
                .resize(self.batch.keys.len(), Duration::ZERO);
        }
        for i in 0..self.batch.keys.len() {
            let (k, e, env) = self.batch.keys[i];
            let f = env.get().get_str(key);
            if f.is_nil() || !self.enter(k, e) {
                continue;
            }
            let t0 = timed.then(Instant::now);
            let r = raw_call(&mut self.lua, f, &args);
            if let Some(t0) = t0 {
                self.batch.times[i] = t0.elapsed();
            }
            if let Err(msg) = r {
                self.record_script_error(k, &msg);
            }
        }
        if timed {
            // Both lists are in key order: one merge pass.
            let mut timed = self.batch.keys.iter().zip(&self.batch.times).peekable();
            for (k, s) in self.scripts.iter_mut() {
                while timed.next_if(|((bk, _, _), _)| bk < k).is_some() {}
                if let Some((_, t)) = timed.next_if(|((bk, _, _), _)| bk == k) {
                    s.update_time = *t;
                }
            }
            self.times_dirty.set(true);
        }
        self.ctx.sched.borrow_mut().current_owner = None;
        self.ctx.flush();
    }

    fn record_script_error(&mut self, key: u64, msg: &str) {
        let path = self
            .scripts
            .get(&key)
            .map(|s| s.path.clone())
            .unwrap_or_default();
        self.record_error(ErrorKind::Runtime, &path, 0, msg);
    }

    /// Starts a coroutine running `f` now; if it suspends, the scheduler keeps it.
    fn start_coroutine(&mut self, owner: Option<u64>, f: &Function, where_: &str) {
        let id = {
            let mut s = self.ctx.sched.borrow_mut();
            s.next_id += 1;
            s.next_id
        };
        let th = match self.lua.create_thread(f) {
            Ok(t) => t,
            Err(e) => {
                self.record_lua_error(ErrorKind::Runtime, where_, &e);
                return;
            }
        };
        let co = Co {
            id,
            owner,
            thread: th,
            wait: Wait::Ready,
            where_: where_.to_string(),
        };
        if let Some(co) = self.resume(co) {
            self.coroutines.push(co);
        }
    }

    /// Resumes a coroutine; returns it back if it is still suspended.
    fn resume(&mut self, mut co: Co) -> Option<Co> {
        {
            let mut s = self.ctx.sched.borrow_mut();
            s.current_owner = co.owner;
            s.current_co = Some(co.id);
            s.pending = None;
        }
        let r = co.thread.resume::<_, ()>(&mut self.lua, ());
        let pending = {
            let mut s = self.ctx.sched.borrow_mut();
            s.current_owner = None;
            s.current_co = None;
            s.pending.take()
        };
        self.ctx.flush();
        if let Err(e) = r {
            let path = co
                .owner
                .and_then(|k| self.scripts.get(&k))
                .map(|i| i.path.clone())
                .unwrap_or_default();
            self.record_lua_error(ErrorKind::Runtime, &path, &e);
            return None;
        }
        match co.thread.status(&self.lua) {
            Ok(ThreadStatus::Resumable) => {
                let frame = self.frame();
                match pending {
                    Some((w, at)) => {
                        co.wait = w;
                        co.where_ = at;
                    }
                    None => {
                        co.wait = Wait::Frame(frame + 1);
                        co.where_ = "coroutine.yield".to_string();
                    }
                }
                Some(co)
            }
            _ => None,
        }
    }

    /// The scheduler step: starts new coroutines and resumes those whose wait ended.
    pub(crate) fn run_coroutines(&mut self) {
        let (spawned, cancelled) = {
            let mut s = self.ctx.sched.borrow_mut();
            (
                std::mem::take(&mut s.spawned),
                std::mem::take(&mut s.cancelled),
            )
        };
        if !cancelled.is_empty() {
            self.coroutines.retain(|c| !cancelled.contains(&c.id));
        }
        let cos = std::mem::take(&mut self.coroutines);
        let mut keep = Vec::with_capacity(cos.len() + spawned.len());
        let mut queue: Vec<Co> = cos;
        for (id, owner, f, at) in spawned {
            match self.lua.create_thread(&f) {
                Ok(thread) => queue.push(Co {
                    id,
                    owner,
                    thread,
                    wait: Wait::Ready,
                    where_: at,
                }),
                Err(e) => self.record_lua_error(ErrorKind::Runtime, &at, &e),
            }
        }
        let (frame, time) = {
            let s = self.ctx.sched.borrow();
            (s.frame, s.time)
        };
        for co in queue {
            if let Some(k) = co.owner
                && !self.scripts.contains_key(&k)
            {
                continue;
            }
            // The owner's entity was despawned this frame (its script is removed at
            // the next Lifecycle): do not resume into a dead entity, as `on_update`
            // is not called for one either.
            if let Some(e) = co
                .owner
                .and_then(|k| self.scripts.get(&k))
                .and_then(|s| s.entity)
                && self.ctx.world.borrow().get_entity(e).is_err()
            {
                keep.push(co);
                continue;
            }
            let ready = match &co.wait {
                Wait::Ready => true,
                Wait::Frame(f) => frame >= *f,
                Wait::Time(t) => time + 1e-9 >= *t,
                Wait::Until(f) => {
                    let f = f.clone();
                    self.ctx.sched.borrow_mut().current_owner = co.owner;
                    let r = f.call::<_, bool>(&mut self.lua, ());
                    self.ctx.sched.borrow_mut().current_owner = None;
                    match r {
                        Ok(b) => b,
                        Err(e) => {
                            let path = co
                                .owner
                                .and_then(|k| self.scripts.get(&k))
                                .map(|i| i.path.clone())
                                .unwrap_or_default();
                            self.record_lua_error(ErrorKind::Runtime, &path, &e);
                            continue;
                        }
                    }
                }
            };
            if !ready {
                keep.push(co);
                continue;
            }
            if let Some(co) = self.resume(co) {
                keep.push(co);
            }
        }
        // Coroutines started while others ran begin next frame.
        keep.append(&mut self.coroutines);
        self.coroutines = keep;
    }

    /// End of frame: an incremental collector step (see [`LuaConfig::gc_step_kb`]),
    /// and the diagnostics snapshot.
    pub(crate) fn maintenance(&mut self) {
        let in_cycle = self.lua.heap.phase() != engine_lua::runtime::gc::Phase::Pause;
        let grown = self.lua.used_memory() > self.gc_base + self.config.gc_step_kb * 1024;
        self.gc_stepped = in_cycle || grown;
        if self.gc_stepped {
            let t = Instant::now();
            let budget = (self.config.gc_step_kb * 1024 / 16).max(1);
            if self.lua.gc_step(budget) {
                self.gc_base = self.lua.used_memory();
                self.gc_runs += 1;
            }
            self.gc_step_time = t.elapsed();
        } else {
            self.gc_step_time = std::time::Duration::ZERO;
        }
        // The previous snapshot goes first, so the script list is not shared and
        // its times update in place.
        self.ctx
            .world
            .borrow_mut()
            .remove_resource::<LuaDiagnostics>();
        let snap = self.diagnostics();
        self.ctx.world.borrow_mut().insert_resource(snap);
    }

    /// A plain-data snapshot of scripts, coroutines, errors and reloads.
    pub fn diagnostics(&self) -> LuaDiagnostics {
        let (frame, time) = {
            let s = self.ctx.sched.borrow();
            (s.frame, s.time)
        };
        let coroutines = self
            .coroutines
            .iter()
            .map(|c| {
                let owner = c.owner.and_then(|k| self.scripts.get(&k));
                CoroutineInfo {
                    id: c.id,
                    script: owner.map(|i| i.path.clone()).unwrap_or_default(),
                    entity: owner.and_then(|i| i.entity),
                    status: match c.thread.status(&self.lua) {
                        Ok(ThreadStatus::Dead) => "dead",
                        Ok(ThreadStatus::Running) => "running",
                        _ => "suspended",
                    }
                    .to_string(),
                    location: c.where_.clone(),
                    wait: match &c.wait {
                        Wait::Ready => "starting".to_string(),
                        Wait::Frame(f) => {
                            format!("wait_frames ({} left)", f.saturating_sub(frame))
                        }
                        Wait::Time(t) => format!("wait ({:.3} s left)", (t - time).max(0.0)),
                        Wait::Until(_) => "wait_until".to_string(),
                    },
                }
            })
            .collect();
        let scripts = {
            let mut cache = self.script_infos.borrow_mut();
            if cache.is_none() || self.infos_dirty.replace(false) {
                *cache = Some(std::sync::Arc::new(
                    self.scripts
                        .values()
                        .map(|s| ScriptInfo {
                            path: s.path.clone(),
                            entity: s.entity,
                            loaded: s.env.is_some(),
                            update_us: s.update_time.as_secs_f32() * 1e6,
                        })
                        .collect(),
                ));
                self.times_dirty.set(false);
            } else if self.times_dirty.replace(false)
                && let Some(infos) = cache.as_mut()
            {
                // In place when no snapshot shares the list (the world's previous
                // snapshot is dropped first by `maintenance`).
                let infos = std::sync::Arc::make_mut(infos);
                for (info, s) in infos.iter_mut().zip(self.scripts.values()) {
                    info.update_us = s.update_time.as_secs_f32() * 1e6;
                }
            }
            cache.clone().expect("just built")
        };
        LuaDiagnostics {
            frame,
            scripts,
            coroutines,
            errors: self.errors.clone(),
            compile_errors: self.compile_errors.values().cloned().collect(),
            reload_count: self.reload_count,
            reload_failures: self.reload_failures,
            reloads: self.reloads.clone(),
            memory: self.lua.used_memory(),
            gc_runs: self.gc_runs,
            gc_step_time: self.gc_step_time,
            gc_stepped: self.gc_stepped,
            gc: self.lua.gc_stats(),
        }
    }

    /// Whether `path` is used by a script instance or a module.
    fn path_in_use(&self, path: &str) -> bool {
        self.scripts.values().any(|s| s.path == path)
            || self.ctx.modules.borrow().values().any(|m| m.path == path)
    }

    /// Reloads every instance and module of a changed file (see the module docs).
    pub(crate) fn reload_path(&mut self, path: &str, burst: Option<crate::watch::Settled>) {
        if !self.path_in_use(path) {
            return;
        }
        let start = Instant::now();
        let exists = self.ctx.root.join(path).is_file();
        let outcome = if !exists {
            Err("file deleted (old code keeps running)".to_string())
        } else {
            match self.compile(path) {
                Ok(p) => {
                    self.protos.insert(path.to_string(), p);
                    self.compile_errors.remove(path);
                    Ok(())
                }
                Err((line, msg)) => {
                    self.compile_failed(path, line, &msg);
                    Err(msg)
                }
            }
        };
        if outcome.is_ok() {
            let keys: Vec<u64> = self
                .scripts
                .iter()
                .filter(|(_, s)| s.path == path)
                .map(|(k, _)| *k)
                .collect();
            let mut done = HashSet::new();
            for k in keys {
                self.reload_instance(k, &mut done);
            }
            let mods: Vec<String> = self
                .ctx
                .modules
                .borrow()
                .iter()
                .filter(|(_, m)| m.path == path)
                .map(|(n, _)| n.clone())
                .collect();
            let mut seen = BTreeSet::new();
            for m in mods {
                self.reload_module(&m, &mut seen, &mut done);
            }
        }
        let took = start.elapsed();
        self.reload_count += 1;
        if outcome.is_err() {
            self.reload_failures += 1;
        }
        let rec = ReloadRecord {
            path: path.to_string(),
            ok: outcome.is_ok(),
            error: outcome.err(),
            frame: self.frame(),
            duration: took,
            since_first_event: burst.as_ref().map(|b| b.first.elapsed()),
            since_last_event: burst.as_ref().map(|b| b.last.elapsed()),
            events: burst.as_ref().map_or(0, |b| b.events),
        };
        self.reloads.push(rec);
        if self.reloads.len() > 64 {
            self.reloads.remove(0);
        }
    }

    /// Reloads one instance in place (its environment is kept).
    fn reload_instance(&mut self, key: u64, done: &mut HashSet<u64>) {
        if !done.insert(key) {
            return;
        }
        let Some(inst) = self.scripts.get(&key) else {
            return;
        };
        let path = inst.path.clone();
        let Some(env) = inst.env.clone() else {
            self.load_instance(key);
            return;
        };
        let Some(proto) = self.proto(&path) else {
            return;
        };
        let state = self.callback(key, "on_unload", ()).unwrap_or(LuaValue::Nil);
        let snapshot: Vec<(LuaValue, LuaValue)> = env
            .pairs::<LuaValue, LuaValue>(&mut self.lua)
            .filter_map(|p| p.ok())
            .collect();
        if let Err(e) = self.run_chunk(key, &proto, &env) {
            self.record_lua_error(ErrorKind::Load, &path, &e);
            let _ = env.clear(&mut self.lua);
            for (k, v) in &snapshot {
                let _ = env.raw_set(&mut self.lua, k, v);
            }
            self.callback(key, "on_reload", &state);
            return;
        }
        for (k, old) in &snapshot {
            if let LuaValue::Table(old_t) = old
                && let Ok(LuaValue::Table(new_t)) = env.raw_get::<LuaValue>(&mut self.lua, k)
                && new_t != *old_t
            {
                let mut seen = HashSet::new();
                patch_table(&mut self.lua, old_t, &new_t, &mut seen);
                let _ = env.raw_set(&mut self.lua, k, old);
            }
        }
        self.callback(key, "on_reload", &state);
    }

    fn reload_module(&mut self, name: &str, seen: &mut BTreeSet<String>, done: &mut HashSet<u64>) {
        if !seen.insert(name.to_string()) {
            return;
        }
        let (path, env, old) = {
            let mods = self.ctx.modules.borrow();
            let Some(m) = mods.get(name) else {
                return;
            };
            (m.path.clone(), m.env.clone(), m.value.clone())
        };
        let Some(proto) = self.proto(&path) else {
            return;
        };
        let envv = env.value_in(&self.lua).expect("module env");
        let fv = self.lua.load_proto(proto, Some(envv));
        let f = Function::from_value(&mut self.lua, fv).expect("chunk");
        self.ctx
            .loading
            .borrow_mut()
            .push(Owner::Module(name.to_string()));
        let r = f.call::<_, LuaValue>(&mut self.lua, name);
        self.ctx.loading.borrow_mut().pop();
        let new = match r {
            Ok(v) => v,
            Err(e) => {
                self.record_lua_error(ErrorKind::Load, &path, &e);
                return;
            }
        };
        let keep = match (&old, &new) {
            (Some(LuaValue::Table(o)), LuaValue::Table(n)) if o != n => {
                let mut s = HashSet::new();
                patch_table(&mut self.lua, o, n, &mut s);
                true
            }
            _ => false,
        };
        let dependents = {
            let mut mods = self.ctx.modules.borrow_mut();
            let m = mods.get_mut(name).expect("module exists");
            if !keep {
                m.value = Some(if new.is_nil() {
                    LuaValue::Boolean(true)
                } else {
                    new
                });
            }
            m.dependents.clone()
        };
        for d in dependents {
            match d {
                Owner::Script(k) => self.reload_instance(k, done),
                Owner::Module(n) => self.reload_module(&n, seen, done),
            }
        }
    }

    /// Reloads a file now, as if the watcher had reported it (for hosts and tests).
    pub fn reload_now(&mut self, path: &str) {
        self.reload_path(path, None);
    }

    /// Runs a chunk in the shared globals (for hosts and consoles).
    pub fn exec(&mut self, source: &str) -> Result<()> {
        let r = self.lua.load(source).set_name("=console").exec();
        self.ctx.flush();
        r
    }

    /// The script instance key of an entity.
    pub fn script_of(&self, e: Entity) -> Option<u64> {
        self.by_entity.get(&e).copied()
    }

    /// Reads a global of an instance's environment (tests and tools).
    pub fn env_get<V: engine_lua::FromLua>(&mut self, key: u64, name: &str) -> Result<V> {
        let env = self
            .scripts
            .get(&key)
            .and_then(|s| s.env.clone())
            .ok_or_else(|| Error::runtime("no such loaded script"))?;
        env.get(&mut self.lua, name)
    }

    /// The environment of a script instance.
    pub fn env(&self, key: u64) -> Option<Table> {
        self.scripts.get(&key).and_then(|s| s.env.clone())
    }

    /// The level script instances loaded from `path`.
    pub fn level_keys(&self, path: &str) -> Vec<u64> {
        self.scripts
            .iter()
            .filter(|(_, s)| s.entity.is_none() && s.path == path)
            .map(|(k, _)| *k)
            .collect()
    }

    /// Whether the watcher holds events still inside their debounce time.
    pub fn reload_pending(&self) -> bool {
        self.watcher.as_ref().is_some_and(|w| w.has_pending())
    }

    /// The script root (canonical).
    pub fn root(&self) -> &Path {
        &self.ctx.root
    }

    /// The scheduler's live coroutines as `(id, owning script instance key, thread)`,
    /// for debuggers that inspect their stacks.
    pub fn coroutine_threads(&self) -> impl Iterator<Item = (u64, Option<u64>, &Thread)> {
        self.coroutines.iter().map(|c| (c.id, c.owner, &c.thread))
    }
}

/// Copies `new`'s contents into `old`, keeping the identity of tables both have
/// (recursively); functions `old` has and `new` lacks are removed, data is kept.
fn patch_table(vm: &mut Vm, old: &Table, new: &Table, seen: &mut HashSet<(String, String)>) {
    if !seen.insert((format!("{old:?}"), format!("{new:?}"))) {
        return;
    }
    let pairs: Vec<(LuaValue, LuaValue)> = new
        .pairs::<LuaValue, LuaValue>(vm)
        .filter_map(|p| p.ok())
        .collect();
    for (k, v) in &pairs {
        let cur: LuaValue = old.raw_get(vm, k).unwrap_or(LuaValue::Nil);
        match (&cur, v) {
            (LuaValue::Table(c), LuaValue::Table(n)) if c != n => patch_table(vm, c, n, seen),
            _ => {
                let _ = old.raw_set(vm, k, v);
            }
        }
    }
    let olds: Vec<(LuaValue, LuaValue)> = old
        .pairs::<LuaValue, LuaValue>(vm)
        .filter_map(|p| p.ok())
        .collect();
    for (k, v) in olds {
        if let LuaValue::Function(_) = v
            && new.raw_get::<LuaValue>(vm, &k).is_ok_and(|n| n.is_nil())
        {
            let _ = old.raw_set(vm, &k, LuaValue::Nil);
        }
    }
}

/// `require(name)`: loads `root/name.lua` (dots are folders) or `root/name/init.lua`
/// once, in its own environment, and records who required it.
fn install_require(vm: &mut Vm, ctx: &Rc<Ctx>, globals: &Table) -> Result<()> {
    let c = ctx.clone();
    let f = vm.create_function(move |vm, name: String| require(vm, &c, &name))?;
    globals.set(vm, "require", f)?;
    Ok(())
}

fn require(vm: &mut Vm, ctx: &Rc<Ctx>, name: &str) -> Result<LuaValue> {
    let owner = ctx
        .loading
        .borrow()
        .last()
        .cloned()
        .or_else(|| ctx.sched.borrow().current_owner.map(Owner::Script));
    {
        let mut mods = ctx.modules.borrow_mut();
        if let Some(m) = mods.get_mut(name) {
            if let Some(o) = owner {
                m.dependents.insert(o);
            }
            return match &m.value {
                Some(v) => Ok(v.clone()),
                None => Err(Error::runtime(format!(
                    "loop while loading module '{name}'"
                ))),
            };
        }
    }
    if name.split('.').any(|p| p.is_empty() || p == "..") || name.contains(['/', '\\']) {
        return Err(Error::runtime(format!("bad module name '{name}'")));
    }
    let base = name.replace('.', "/");
    let candidates = [format!("{base}.lua"), format!("{base}/init.lua")];
    let Some(rel) = candidates
        .iter()
        .find(|c| ctx.root.join(c).is_file())
        .cloned()
    else {
        return Err(Error::runtime(format!(
            "module '{name}' not found: no file '{}' or '{}' under the script root",
            candidates[0], candidates[1]
        )));
    };
    let src = std::fs::read(ctx.root.join(&rel))
        .map_err(|e| Error::runtime(format!("cannot read {rel}: {e}")))?;
    let proto = engine_lua::compiler::compile_source(&src, &format!("@{rel}"))
        .map_err(|e| Error::runtime(format!("error loading module '{name}': {}", e.message)))?;
    let env = vm.create_table();
    let meta = vm.create_table();
    let globals = ctx.globals.borrow().clone().expect("globals set");
    meta.raw_set(vm, "__index", &globals)?;
    env.set_metatable(vm, Some(&meta))?;
    let mut dependents = BTreeSet::new();
    if let Some(o) = owner {
        dependents.insert(o);
    }
    ctx.modules.borrow_mut().insert(
        name.to_string(),
        Module {
            path: rel,
            env: env.clone(),
            value: None,
            dependents,
        },
    );
    let envv = env.value_in(vm)?;
    let fv = vm.load_proto(Rc::new(proto), Some(envv));
    let f = Function::from_value(vm, fv).expect("chunk");
    ctx.loading
        .borrow_mut()
        .push(Owner::Module(name.to_string()));
    let r = f.call::<_, LuaValue>(vm, name);
    ctx.loading.borrow_mut().pop();
    match r {
        Ok(v) => {
            let v = if v.is_nil() {
                LuaValue::Boolean(true)
            } else {
                v
            };
            if let Some(m) = ctx.modules.borrow_mut().get_mut(name) {
                m.value = Some(v.clone());
            }
            Ok(v)
        }
        Err(e) => {
            ctx.modules.borrow_mut().remove(name);
            Err(Error::runtime(error_message(&e)))
        }
    }
}

/// Moves the world into the runtime's context for the duration of `f` (host
/// functions reach it through the context), with the runtime taken out of the world.
pub(crate) fn with_runtime(world: &mut World, f: impl FnOnce(&mut LuaRuntime)) {
    if world.get_non_send::<LuaRuntime>().is_none() {
        let config = world
            .get_resource::<LuaConfig>()
            .cloned()
            .unwrap_or_default();
        let rt = LuaRuntime::new(world, config);
        world.insert_non_send(rt);
    }
    let Some(mut rt) = world.remove_non_send::<LuaRuntime>() else {
        return;
    };
    std::mem::swap(world, &mut *rt.ctx.world.borrow_mut());
    f(&mut rt);
    std::mem::swap(world, &mut *rt.ctx.world.borrow_mut());
    world.insert_non_send(rt);
}

/// Runs `f` on the runtime with the world available to Lua (for tests and tools
/// outside the plugin's systems).
pub fn with_lua<R>(world: &mut World, f: impl FnOnce(&mut LuaRuntime) -> R) -> R {
    let mut out = None;
    with_runtime(world, |rt| out = Some(f(rt)));
    out.expect("runtime ran")
}
