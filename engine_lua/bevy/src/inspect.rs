//! Host-side inspection for debuggers and consoles: the script instances by key and
//! the evaluation of one console line in the running game, under an instruction
//! budget (so `while true do end` typed in a console cannot freeze the game) and
//! with errors returned as text (never recorded in the script error log).

use engine_lua::{Error, Function, Limits, LuaValue, Variadic};

use crate::runtime::{LuaRuntime, ScriptInstance};

/// Default instruction budget (loop back-edges and calls) of one console line.
pub const CONSOLE_BUDGET: u64 = 5_000_000;

/// The text a console shows for an error: the message, without the traceback.
pub fn error_text(e: &Error) -> String {
    match e {
        Error::Runtime { message, .. } => message.clone(),
        other => other.to_string(),
    }
}

impl LuaRuntime {
    /// The script instances, by key (see [`LuaRuntime::script_of`]), in load order.
    pub fn script_instances(&self) -> impl Iterator<Item = (u64, &ScriptInstance)> {
        self.scripts.iter().map(|(k, s)| (*k, s))
    }

    /// Evaluates one console line as the `lua` REPL does: `=expr` and a bare
    /// expression return their values; otherwise the line runs as a statement.
    /// It runs in the shared globals (`script: None`) or in the environment of the
    /// script instance `script` (its locals are not visible, its globals are), with
    /// at most `budget` ticks (`instruction limit exceeded` beyond). The results
    /// come back as `tostring` text; an error (syntax or runtime) as its message.
    /// Must run with the world in the runtime (inside [`crate::with_lua`]) for the
    /// ECS bindings to work.
    pub fn eval_console(
        &mut self,
        line: &str,
        script: Option<u64>,
        budget: u64,
    ) -> std::result::Result<Vec<String>, String> {
        let env = match script {
            None => None,
            Some(k) => Some(self.env(k).ok_or_else(|| {
                format!("script instance {k} is not loaded (no environment to run in)")
            })?),
        };
        let line = line.trim();
        let f = match line.strip_prefix('=') {
            Some(expr) => self.compile_console(&format!("return {expr}"), env.as_ref()),
            None => self
                .compile_console(&format!("return {line}"), env.as_ref())
                .or_else(|_| self.compile_console(line, env.as_ref())),
        }
        .map_err(|e| error_text(&e))?;
        let saved = self.lua.limits();
        self.lua.set_limits(Limits {
            instructions: Some(budget.max(1)),
            ..saved
        });
        self.ctx.sched.borrow_mut().current_owner = script;
        let r = f.call::<_, Variadic<LuaValue>>(&mut self.lua, ());
        self.ctx.sched.borrow_mut().current_owner = None;
        self.ctx.flush();
        let out = match r {
            Ok(vals) => {
                let tostring: Option<Function> =
                    self.lua.globals().raw_get(&mut self.lua, "tostring").ok();
                let mut texts = Vec::with_capacity(vals.0.len());
                for v in vals.0 {
                    let text = match &tostring {
                        Some(ts) => ts
                            .call::<_, String>(&mut self.lua, v)
                            .unwrap_or_else(|e| format!("<tostring failed: {}>", error_text(&e))),
                        None => format!("<{}>", v.type_name()),
                    };
                    texts.push(text);
                }
                Ok(texts)
            }
            Err(e) => Err(error_text(&e)),
        };
        self.lua.set_limits(saved);
        out
    }

    fn compile_console(
        &mut self,
        src: &str,
        env: Option<&engine_lua::Table>,
    ) -> engine_lua::Result<Function> {
        let load = self.lua.load(src).set_name("=console");
        match env {
            Some(e) => load.set_env(e).into_function(),
            None => load.into_function(),
        }
    }
}
