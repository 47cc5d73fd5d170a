//! The embedding facade: a Lua state with the standard libraries, loading and running
//! chunks. This first surface is what `elua` needs; the typed API (tables, functions,
//! conversions, userdata) grows here.

use std::path::Path;

use crate::runtime::{LuaError, TM, Value, Vm};

pub use crate::embed::Error;

/// A loaded chunk, ready to run. It keeps its function alive (a registry reference).
#[derive(Debug)]
pub struct Chunk {
    func_ref: i64,
}

/// A Lua state with all the standard libraries open.
pub struct Lua {
    pub(crate) vm: Vm,
    pub(crate) options: Options,
}

/// Options for [`Lua::with_options`].
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Ignore environment variables (`LUA_PATH`, `LUA_CPATH`, `LUA_INIT`), as `lua -E`.
    pub ignore_env: bool,
}

impl Default for Lua {
    fn default() -> Self {
        Self::new()
    }
}

impl Lua {
    /// A fresh state with every standard library open.
    pub fn new() -> Self {
        Self::with_options(Options::default())
    }

    /// A fresh state with every standard library open, with options.
    pub fn with_options(options: Options) -> Self {
        let mut vm = Vm::new();
        if options.ignore_env {
            // As `lua -E`: `package` reads no environment variables.
            let r = vm.registry;
            vm.raw_set_str(r, "LUA_NOENV", Value::Bool(true));
        }
        crate::stdlib::open_libs(&mut vm);
        vm.heap.trim();
        Lua { vm, options }
    }

    /// The options the state was made with.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// The underlying state (for native-function registration and tests).
    pub fn vm(&mut self) -> &mut Vm {
        &mut self.vm
    }

    /// Compiles a chunk (text, or a binary chunk from `string.dump`).
    ///
    /// `chunkname` follows `load`: `"@file.lua"`, `"=stdin"`, or the source itself.
    pub fn load_buffer(&mut self, source: &[u8], chunkname: &str) -> Result<Chunk, Error> {
        match crate::stdlib::base::load_chunk(&mut self.vm, source, chunkname, b"bt", None) {
            Ok(f) => Ok(Chunk {
                func_ref: self.vm.registry_ref(f),
            }),
            Err(message) => Err(Error::Syntax {
                message,
                chunk: chunkname.to_string(),
                line: 0,
                incomplete: false,
            }),
        }
    }

    /// Compiles a file as `luaL_loadfile` does: `None` reads standard input with the
    /// name `=stdin`; a path gets the name `@path`; a first line starting with `#` is
    /// skipped; failure to read gives `cannot open <path>` / `cannot read <path>`.
    pub fn load_file(&mut self, path: Option<&Path>) -> Result<Chunk, Error> {
        let (src, name) = crate::stdlib::base::read_source(path).map_err(Error::syntax)?;
        self.load_buffer(&src, &name)
    }

    /// Turns an escaped error value into the facade's error, as `lua.c`'s
    /// `msghandler` does.
    fn runtime_error(&mut self, e: LuaError) -> Error {
        let tb = self
            .vm
            .last_traceback
            .take()
            .unwrap_or_else(|| "stack traceback:\n\t[C]: in ?".into());
        let v = e.0;
        let message = match v {
            Value::Str(s) => s.get().to_str_lossy().into_owned(),
            Value::Int(_) | Value::Num(_) => {
                crate::stdlib::base::number_text(v).unwrap_or_default()
            }
            _ => {
                if !self.vm.metamethod(v, TM::ToString).is_nil()
                    && let Ok(s) = self.vm.to_string(v)
                {
                    return Error::Runtime {
                        message: s.get().to_str_lossy().into_owned(),
                        traceback: String::new(),
                        value: None,
                    };
                }
                format!("(error object is a {} value)", self.vm.type_name_of(v))
            }
        };
        Error::Runtime {
            message,
            traceback: tb,
            value: None,
        }
    }

    /// Calls `f` with `args` under a traceback handler; returns the results.
    fn docall(&mut self, f: Value, args: &[Value]) -> Result<Vec<Value>, Error> {
        let vm = &mut self.vm;
        vm.last_traceback = None;
        let th = vm.current;
        let func = th.get().top;
        vm.push(f);
        for a in args {
            vm.push(*a);
        }
        match vm.call_traceback(func) {
            Ok(()) => {
                let t = th.get_mut();
                let out = t.stack[func..t.top].to_vec();
                t.top = func;
                Ok(out)
            }
            Err(e) => {
                th.get_mut().top = func;
                Err(self.runtime_error(e))
            }
        }
    }

    /// Calls the chunk with `args` (strings) as its `...`, under a message handler
    /// that adds the traceback (as `lua.c`'s `docall`). Returns the number of results.
    pub fn run(&mut self, chunk: &Chunk, args: &[Vec<u8>]) -> Result<usize, Error> {
        let f = self.vm.registry_get(chunk.func_ref);
        let args: Vec<Value> = args.iter().map(|a| self.vm.new_string(a)).collect();
        let r = self.docall(f, &args)?;
        Ok(r.len())
    }

    /// Runs the chunk with no arguments and, if it returned values, calls the global
    /// `print` with them (the REPL's behaviour, `lua.c`'s `l_print`); an error from
    /// `print` becomes `error calling 'print' (msg)`.
    pub fn run_and_print(&mut self, chunk: &Chunk) -> Result<(), Error> {
        let f = self.vm.registry_get(chunk.func_ref);
        let r = self.docall(f, &[])?;
        if !r.is_empty() {
            let p = self.vm.get_global("print");
            if let Err(e) = self.vm.call_function(p, &r, 0) {
                let m = match e.0 {
                    Value::Str(s) => s.get().to_str_lossy().into_owned(),
                    v => format!("(error object is a {} value)", v.type_name()),
                };
                return Err(Error::Runtime {
                    message: format!("error calling 'print' ({m})"),
                    traceback: String::new(),
                    value: None,
                });
            }
        }
        Ok(())
    }

    /// Creates the global `arg` table as `lua.c`'s `createargtable`: `argv[script]`
    /// at index 0, the script's arguments at 1.., the interpreter and options at
    /// negative indices.
    pub fn set_arg_table(&mut self, argv: &[Vec<u8>], script: usize) {
        let t = self.vm.new_table_with(argv.len(), 1);
        for (i, a) in argv.iter().enumerate() {
            let s = self.vm.new_string(a);
            self.vm.raw_set_int(t, i as i64 - script as i64, s);
        }
        self.vm.set_global("arg", Value::Table(t));
    }

    /// `lua -l name` / `-l g=name`: calls `require(name)` and stores the result in the
    /// global `global`.
    pub fn require_global(&mut self, global: &str, name: &str) -> Result<(), Error> {
        let req = self.vm.get_global("require");
        let n = self.vm.new_string(name.as_bytes());
        let r = self.docall(req, &[n])?;
        let v = r.first().copied().unwrap_or(Value::Nil);
        self.vm.set_global(global, v);
        Ok(())
    }

    /// Turns warnings (`warn`) on or off, as `lua -W` / `warn("@on")`.
    pub fn set_warnings(&mut self, on: bool) {
        self.vm.warnings_on = on;
    }

    /// Flushes buffered standard output (the CLI calls this before exiting and before
    /// reading a REPL line).
    pub fn flush_stdout(&mut self) {
        self.vm.stdout.flush();
    }

    /// Captures standard output in memory instead of writing it (tests, embedding);
    /// [`Lua::take_output`] returns what was written.
    pub fn capture_output(&mut self) {
        self.vm.stdout = crate::runtime::Output::Capture(Vec::new());
    }

    /// The captured output so far (empty when not capturing).
    pub fn take_output(&mut self) -> Vec<u8> {
        match &mut self.vm.stdout {
            crate::runtime::Output::Capture(v) => std::mem::take(v),
            crate::runtime::Output::Stdout(_) => Vec::new(),
        }
    }
}

impl Drop for Lua {
    fn drop(&mut self) {
        // As `lua_close`: pending finalizers run before the state goes away.
        self.vm.close();
        self.vm.stdout.flush();
    }
}

/// What `elua -v` prints (and the REPL's banner).
pub const VERSION_BANNER: &str =
    "Lua 5.4 (engine_lua 0.1.0)  Copyright (C) 2026 the engine_lua developers";
