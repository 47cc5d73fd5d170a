//! The embedding facade: a Lua state with the standard libraries, loading and running
//! chunks. This first surface is what `elua` needs; the typed API (tables, functions,
//! conversions, userdata) grows here.

use std::path::Path;

/// An error crossing the facade.
///
/// `Display` prints exactly what `lua.c` prints after its program name and `": "`:
/// the message, then for runtime errors a newline and the traceback.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// The chunk failed to compile (or to be read). `message` is complete, e.g.
    /// `input:1: unexpected symbol near '='` or `cannot open nofile.lua`.
    #[error("{message}")]
    Syntax {
        /// The full message.
        message: String,
    },
    /// A Lua error escaped the call.
    #[error("{message}\n{traceback}")]
    Runtime {
        /// The error value as `lua.c`'s `msghandler` turns it into text: a string or
        /// number as is, an object with `__tostring` through it, anything else
        /// `(error object is a X value)`.
        message: String,
        /// `stack traceback:` and its lines, taken at the error point, as
        /// `luaL_traceback` prints it.
        traceback: String,
    },
}

/// A loaded chunk, ready to run. It keeps its function alive.
#[derive(Debug)]
pub struct Chunk {
    _private: (),
}

/// A Lua state with all the standard libraries open.
pub struct Lua {
    _private: (),
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
        let _ = options;
        todo!("runtime")
    }

    /// Compiles a chunk (text, or a binary chunk from `string.dump`).
    ///
    /// `chunkname` follows `load`: `"@file.lua"`, `"=stdin"`, or the source itself.
    pub fn load_buffer(&mut self, source: &[u8], chunkname: &str) -> Result<Chunk, Error> {
        let _ = (source, chunkname);
        todo!("runtime")
    }

    /// Compiles a file as `luaL_loadfile` does: `None` reads standard input with the
    /// name `=stdin`; a path gets the name `@path`; a first line starting with `#` is
    /// skipped; failure to read gives `cannot open <path>` / `cannot read <path>`.
    pub fn load_file(&mut self, path: Option<&Path>) -> Result<Chunk, Error> {
        let _ = path;
        todo!("runtime")
    }

    /// Calls the chunk with `args` (strings) as its `...`, under a message handler
    /// that adds the traceback (as `lua.c`'s `docall`). Returns the number of results.
    pub fn run(&mut self, chunk: &Chunk, args: &[Vec<u8>]) -> Result<usize, Error> {
        let _ = (chunk, args);
        todo!("runtime")
    }

    /// Runs the chunk with no arguments and, if it returned values, calls the global
    /// `print` with them (the REPL's behaviour, `lua.c`'s `l_print`); an error from
    /// `print` becomes `error calling 'print' (msg)`.
    pub fn run_and_print(&mut self, chunk: &Chunk) -> Result<(), Error> {
        let _ = chunk;
        todo!("runtime")
    }

    /// Creates the global `arg` table as `lua.c`'s `createargtable`: `argv[script]`
    /// at index 0, the script's arguments at 1.., the interpreter and options at
    /// negative indices.
    pub fn set_arg_table(&mut self, argv: &[Vec<u8>], script: usize) {
        let _ = (argv, script);
        todo!("runtime")
    }

    /// `lua -l name` / `-l g=name`: calls `require(name)` and stores the result in the
    /// global `global`.
    pub fn require_global(&mut self, global: &str, name: &str) -> Result<(), Error> {
        let _ = (global, name);
        todo!("runtime")
    }

    /// Turns warnings (`warn`) on or off, as `lua -W` / `warn("@on")`.
    pub fn set_warnings(&mut self, on: bool) {
        let _ = on;
        todo!("runtime")
    }

    /// Flushes buffered standard output (the CLI calls this before exiting and before
    /// reading a REPL line).
    pub fn flush_stdout(&mut self) {
        todo!("runtime")
    }
}

/// What `elua -v` prints (and the REPL's banner).
pub const VERSION_BANNER: &str =
    "Lua 5.4 (engine_lua 0.1.0)  Copyright (C) 2026 the engine_lua developers";
