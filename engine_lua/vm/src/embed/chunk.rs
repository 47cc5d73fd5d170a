//! The chunk loader builder: `vm.load(src).set_name(..).set_env(..).exec()`.

use std::rc::Rc;

use super::conv::{FromLuaMulti, IntoLuaMulti};
use super::error::{Error, Result};
use super::value::{Function, Table};
use crate::runtime::{Value, Vm};

/// A chunk being loaded ([`Vm::load`]): name, environment and mode, then run it or
/// turn it into a function.
///
/// ```
/// use engine_lua::Lua;
///
/// let mut lua = Lua::new();
/// let env = lua.create_table();
/// env.set(&mut lua, "speed", 3).unwrap();
/// lua.load("x = speed * 2").set_name("@scripts/ai/guard.lua").set_env(&env).exec().unwrap();
/// assert_eq!(env.get::<i64>(&mut lua, "x").unwrap(), 6);
/// ```
pub struct Load<'a> {
    vm: &'a mut Vm,
    source: &'a [u8],
    name: Option<String>,
    env: Option<Table>,
    mode: &'static str,
}

impl Vm {
    /// Starts loading a chunk (Lua text; binary chunks only with
    /// [`Load::set_binary_allowed`]). The default name is `=[string "..."]`-style:
    /// the source itself, as `load` does.
    pub fn load<'a>(&'a mut self, source: &'a (impl AsRef<[u8]> + ?Sized)) -> Load<'a> {
        Load {
            vm: self,
            source: source.as_ref(),
            name: None,
            env: None,
            mode: "t",
        }
    }
}

impl<'a> Load<'a> {
    /// The chunk name: `@path` for files, `=name` for a name used as is.
    pub fn set_name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// The chunk's `_ENV` (instead of the globals).
    pub fn set_env(mut self, env: &Table) -> Self {
        self.env = Some(env.clone());
        self
    }

    /// Whether binary chunks (from `string.dump`) are accepted. Off by default:
    /// binary chunks from untrusted sources are unsafe to run.
    pub fn set_binary_allowed(mut self, yes: bool) -> Self {
        self.mode = if yes { "bt" } else { "t" };
        self
    }

    /// Compiles the chunk into a function value (not anchored).
    fn compile(&mut self) -> Result<Value> {
        let name = match self.name.take() {
            Some(n) => n,
            None => String::from_utf8_lossy(self.source).into_owned(),
        };
        let env = match &self.env {
            Some(t) => Some(t.value_in(self.vm)?),
            None => None,
        };
        if self.source.first() == Some(&0x1b) {
            let mode = self.mode.as_bytes();
            return crate::stdlib::base::load_chunk(self.vm, self.source, &name, mode, env)
                .map_err(|message| Error::Syntax {
                    message,
                    chunk: name,
                    line: 0,
                    incomplete: false,
                });
        }
        match crate::compiler::compile_source(self.source, &name) {
            Ok(p) => Ok(self.vm.load_proto(Rc::new(p), env)),
            Err(e) => Err(Error::Syntax {
                message: e.message,
                chunk: name,
                line: e.line,
                incomplete: e.at_eof,
            }),
        }
    }

    /// Compiles the chunk into a function.
    pub fn into_function(mut self) -> Result<Function> {
        let f = self.compile()?;
        Ok(Function::from_value(self.vm, f).expect("a chunk is a function"))
    }

    /// Runs the chunk, discarding its results.
    pub fn exec(self) -> Result<()> {
        self.call(())
    }

    /// Runs the chunk and converts its results.
    pub fn eval<R: FromLuaMulti>(self) -> Result<R> {
        self.call(())
    }

    /// Runs the chunk with `args` as its `...` and converts its results.
    pub fn call<A: IntoLuaMulti, R: FromLuaMulti>(mut self, args: A) -> Result<R> {
        let f = self.compile()?;
        let vm = self.vm;
        let th = vm.current;
        let func = th.get().top;
        vm.push(f);
        if let Err(e) = args.push_into(vm) {
            th.get_mut().top = func;
            return Err(e);
        }
        vm.call_convert(func)
    }
}
