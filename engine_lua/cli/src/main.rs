//! `elua`: a lua(1)-compatible command-line interpreter.
//!
//! It behaves as the reference `lua.c` does (`elua [options] [script [args]]`), in the
//! same order: parse the options, print the banner for `-v`/`-i`, open the libraries and
//! create `arg`, run `LUA_INIT_5_4` or `LUA_INIT` (unless `-E`), run `-e`/`-l`/`-W` in
//! order, run the script, then the REPL for `-i` (or with no arguments on a terminal;
//! with no arguments and a pipe, standard input is run as a file). An uncaught error
//! prints `<progname>: <message>` (and the traceback) on standard error and the exit
//! status is 1. engine_lua adds `-b`/`--list file` (the compiled listing) and
//! `-j cmd` (accepted and ignored until the JIT lands).

mod args;
mod repl;

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use args::{Action, Args};
use engine_lua::lua::{Error, Lua, Options, VERSION_BANNER};

/// The command line as bytes (Lua strings are bytes; file names need not be UTF-8).
fn argv_bytes() -> Vec<Vec<u8>> {
    std::env::args_os()
        .map(|arg| {
            #[cfg(unix)]
            {
                use std::os::unix::ffi::OsStrExt;
                arg.as_bytes().to_vec()
            }
            #[cfg(not(unix))]
            {
                arg.to_string_lossy().into_owned().into_bytes()
            }
        })
        .collect()
}

/// Prints a message on standard error with the program name, as `l_message`.
fn message(progname: &str, text: &dyn std::fmt::Display) {
    let _ = std::io::stdout().flush();
    eprintln!("{progname}: {text}");
}

/// The text `lua.c` prints for an error: the message, then the traceback if there is one
/// (an error object with `__tostring` has none).
pub(crate) fn error_text(error: &Error) -> String {
    match error {
        Error::Runtime {
            message, traceback, ..
        } if traceback.is_empty() => message.clone(),
        other => other.to_string(),
    }
}

/// Runs a loaded-or-failed chunk with `args`, reporting an error; `false` on error.
fn report(lua: &mut Lua, progname: &str, result: Result<(), Error>) -> bool {
    match result {
        Ok(()) => true,
        Err(error) => {
            lua.flush_stdout();
            message(progname, &error_text(&error));
            false
        }
    }
}

/// `dostring`: compiles and runs `source` under `chunkname`.
fn do_string(lua: &mut Lua, source: &[u8], chunkname: &str) -> Result<(), Error> {
    let chunk = lua.load_buffer(source, chunkname)?;
    lua.run(&chunk, &[]).map(|_| ())
}

/// `dofile`: compiles and runs a file (`None`: standard input).
fn do_file(lua: &mut Lua, path: Option<&Path>, args: &[Vec<u8>]) -> Result<(), Error> {
    let chunk = lua.load_file(path)?;
    lua.run(&chunk, args).map(|_| ())
}

/// `handle_luainit`: runs `LUA_INIT_5_4` or else `LUA_INIT`, `@file` or code.
fn run_lua_init(lua: &mut Lua) -> Result<(), Error> {
    for name in ["LUA_INIT_5_4", "LUA_INIT"] {
        let Some(value) = std::env::var_os(name) else {
            continue;
        };
        let value = value.to_string_lossy().into_owned();
        return match value.strip_prefix('@') {
            Some(path) => do_file(lua, Some(Path::new(path)), &[]),
            None => do_string(lua, value.as_bytes(), &format!("={name}")),
        };
    }
    Ok(())
}

/// `-b file` / `--list file`: prints the listing of the compiled file.
fn list(progname: &str, path: &str) -> ExitCode {
    let mut source = match std::fs::read(path) {
        Ok(source) => source,
        Err(error) => {
            message(progname, &format!("cannot open {path}: {error}"));
            return ExitCode::FAILURE;
        }
    };
    if source.first() == Some(&b'#') {
        // As luaL_loadfile: skip the first line but keep its newline (line numbers).
        let end = source
            .iter()
            .position(|&b| b == b'\n')
            .unwrap_or(source.len());
        source.drain(..end);
    }
    match engine_lua::compiler::compile_source(&source, &format!("@{path}")) {
        Ok(proto) => {
            print!("{}", engine_lua::compiler::listing(&proto));
            ExitCode::SUCCESS
        }
        Err(error) => {
            message(progname, &error);
            ExitCode::FAILURE
        }
    }
}

/// `pmain`: everything after option parsing; `false` if something failed.
fn run_main(progname: &str, argv: &[Vec<u8>], args: &Args) -> bool {
    if args.version {
        println!("{VERSION_BANNER}");
    }
    let mut lua = Lua::with_options(Options {
        ignore_env: args.ignore_env,
    });
    lua.set_arg_table(argv, args.script.unwrap_or(0));
    // As lua.c: the stand-alone interpreter runs the collector in generational mode
    // (embedders get the incremental default). `ELUA_GC_MODE=incremental` keeps the
    // incremental mode (tests of the incremental collector run through elua).
    let mode = match std::env::var("ELUA_GC_MODE").as_deref() {
        Ok("incremental") | Ok("inc") => engine_lua::runtime::gc::GcMode::Incremental,
        _ => engine_lua::runtime::gc::GcMode::Generational,
    };
    lua.vm().gc_set_mode(mode);
    if !args.ignore_env {
        let result = run_lua_init(&mut lua);
        if !report(&mut lua, progname, result) {
            return false;
        }
    }
    for action in &args.actions {
        let result = match action {
            Action::Execute(source) => do_string(&mut lua, source, "=(command line)"),
            Action::Require { global, module } => lua.require_global(global, module),
            Action::Warnings => {
                lua.set_warnings(true);
                Ok(())
            }
        };
        if !report(&mut lua, progname, result) {
            return false;
        }
    }
    if let Some(script) = args.script {
        let path = if args.script_is_stdin {
            None
        } else {
            Some(bytes_to_path(&argv[script]))
        };
        let result = do_file(&mut lua, path.as_deref(), &argv[script + 1..]);
        if !report(&mut lua, progname, result) {
            return false;
        }
    }
    if args.interactive {
        repl::run(&mut lua);
    } else if args.script.is_none() && !args.has_execute && !args.version {
        if std::io::stdin().is_terminal() {
            println!("{VERSION_BANNER}");
            repl::run(&mut lua);
        } else {
            let result = do_file(&mut lua, None, &[]);
            if !report(&mut lua, progname, result) {
                return false;
            }
        }
    }
    lua.flush_stdout();
    true
}

/// A file name from the command line.
fn bytes_to_path(bytes: &[u8]) -> std::path::PathBuf {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        std::path::PathBuf::from(std::ffi::OsStr::from_bytes(bytes))
    }
    #[cfg(not(unix))]
    {
        std::path::PathBuf::from(String::from_utf8_lossy(bytes).into_owned())
    }
}

fn main() -> ExitCode {
    let argv = argv_bytes();
    let progname = match argv.first() {
        Some(name) if !name.is_empty() => String::from_utf8_lossy(name).into_owned(),
        _ => "elua".to_owned(),
    };
    let args = match args::parse(&argv) {
        Ok(args) => args,
        Err(bad) => {
            message(&progname, &bad);
            eprint!("{}", args::usage(&progname));
            return ExitCode::FAILURE;
        }
    };
    if let Some(path) = &args.list {
        return list(&progname, path);
    }
    let ok = run_main(&progname, &argv, &args);
    let _ = std::io::stdout().flush();
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
