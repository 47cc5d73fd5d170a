//! Command-line parsing, with the rules of `lua.c`'s `collectargs`.
//!
//! Options are scanned left to right until the first argument that does not start with
//! `-` (the script), `--` (end of options) or `-` (the script is standard input).
//! `-e` and `-l` take their argument either attached (`-eprint(1)`) or as the next
//! argument, which must not itself start with `-`. `-i` implies `-v`. Extra characters
//! after a flag (`-vx`) make the option unrecognised. engine_lua adds `-j <cmd>`
//! (LuaJIT's spelling, accepted and ignored until the JIT lands) and `-b` / `--list
//! <file>` (print the compiled chunk's listing).

/// One action from the command line, run in order before the script (`runargs`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// `-e stat`: run a string as a chunk named `=(command line)`.
    Execute(Vec<u8>),
    /// `-l mod` or `-l g=mod`: `g = require(mod)`.
    Require {
        /// The global that receives the module.
        global: String,
        /// The module name given to `require`.
        module: String,
    },
    /// `-W`: turn warnings on.
    Warnings,
}

/// What the command line asks for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Args {
    /// `-i`: enter the REPL after the script.
    pub interactive: bool,
    /// `-v` (or `-i`): print the version banner first.
    pub version: bool,
    /// Whether any `-e` was given (then no implicit REPL or stdin).
    pub has_execute: bool,
    /// `-E`: ignore `LUA_INIT` and the path variables.
    pub ignore_env: bool,
    /// `-e`, `-l` and `-W`, in order.
    pub actions: Vec<Action>,
    /// Index in `argv` of the script, if there is one.
    pub script: Option<usize>,
    /// Whether the script was given as `-` (standard input) rather than after `--`.
    pub script_is_stdin: bool,
    /// `-j cmd` arguments, accepted and ignored for now.
    pub jit: Vec<String>,
    /// `-b file` / `--list file`: print the listing of this file and exit.
    pub list: Option<String>,
}

/// A command line that `lua.c` would reject; `Display`s as its message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BadOption {
    /// `unrecognized option '-x'`.
    Unrecognized(String),
    /// `'-e' needs argument`.
    NeedsArgument(String),
}

impl std::fmt::Display for BadOption {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BadOption::Unrecognized(opt) => write!(f, "unrecognized option '{opt}'"),
            BadOption::NeedsArgument(opt) => write!(f, "'{opt}' needs argument"),
        }
    }
}

/// The usage text `lua.c` prints after a bad option, for program name `progname`
/// (exactly lua.c's; the engine_lua extensions `-j` and `-b`/`--list` are documented in
/// README.md, not here, so that `elua` stays a drop-in `lua`).
pub fn usage(progname: &str) -> String {
    format!(
        "usage: {progname} [options] [script [args]]\n\
         Available options are:\n  \
         -e stat   execute string 'stat'\n  \
         -i        enter interactive mode after executing 'script'\n  \
         -l mod    require library 'mod' into global 'mod'\n  \
         -l g=mod  require library 'mod' into global 'g'\n  \
         -v        show version information\n  \
         -E        ignore environment variables\n  \
         -W        turn warnings on\n  \
         --        stop handling options\n  \
         -         stop handling options and execute stdin\n"
    )
}

/// Parses `argv` (including `argv[0]`).
pub fn parse(argv: &[Vec<u8>]) -> Result<Args, BadOption> {
    let mut args = Args::default();
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    let mut i = 1;
    while i < argv.len() {
        let arg = &argv[i];
        if arg.first() != Some(&b'-') {
            args.script = Some(i);
            return Ok(args);
        }
        let flag = arg.get(1).copied();
        let rest = &arg[2.min(arg.len())..];
        let bad = || BadOption::Unrecognized(text(arg));
        match flag {
            None => {
                args.script = Some(i);
                args.script_is_stdin = true;
                return Ok(args);
            }
            Some(b'-') if arg.as_slice() == b"--list" => {
                let file = argv
                    .get(i + 1)
                    .ok_or_else(|| BadOption::NeedsArgument(text(arg)))?;
                args.list = Some(text(file));
                return Ok(args);
            }
            Some(b'-') => {
                if !rest.is_empty() {
                    return Err(bad());
                }
                if i + 1 < argv.len() {
                    args.script = Some(i + 1);
                }
                return Ok(args);
            }
            Some(b'E') if rest.is_empty() => args.ignore_env = true,
            Some(b'W') if rest.is_empty() => args.actions.push(Action::Warnings),
            Some(b'i') if rest.is_empty() => {
                args.interactive = true;
                args.version = true;
            }
            Some(b'v') if rest.is_empty() => args.version = true,
            Some(flag @ (b'e' | b'l' | b'j' | b'b')) => {
                let value = if rest.is_empty() {
                    i += 1;
                    match argv.get(i) {
                        Some(next) if next.first() != Some(&b'-') => next.clone(),
                        _ => return Err(BadOption::NeedsArgument(text(arg))),
                    }
                } else {
                    rest.to_vec()
                };
                match flag {
                    b'e' => {
                        args.has_execute = true;
                        args.actions.push(Action::Execute(value));
                    }
                    b'l' => {
                        let value = text(&value);
                        let (global, module) = match value.split_once('=') {
                            Some((g, m)) => (g.to_owned(), m.to_owned()),
                            None => (value.clone(), value),
                        };
                        args.actions.push(Action::Require { global, module });
                    }
                    b'j' => args.jit.push(text(&value)),
                    _ => {
                        args.list = Some(text(&value));
                        return Ok(args);
                    }
                }
            }
            Some(_) => return Err(bad()),
        }
        i += 1;
    }
    Ok(args)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(line: &str) -> Result<Args, BadOption> {
        let argv: Vec<Vec<u8>> = line.split(' ').map(|s| s.as_bytes().to_vec()).collect();
        parse(&argv)
    }

    #[test]
    fn script_and_options() {
        let args = parse_str("elua -W -e x=1 -lm -l g=mod s.lua a b").unwrap();
        assert_eq!(args.script, Some(7));
        assert!(args.has_execute);
        assert_eq!(
            args.actions,
            vec![
                Action::Warnings,
                Action::Execute(b"x=1".to_vec()),
                Action::Require {
                    global: "m".into(),
                    module: "m".into()
                },
                Action::Require {
                    global: "g".into(),
                    module: "mod".into()
                },
            ]
        );
    }

    #[test]
    fn ends_of_options() {
        assert_eq!(parse_str("elua -- -x").unwrap().script, Some(2));
        assert_eq!(parse_str("elua --").unwrap().script, None);
        let stdin = parse_str("elua - a").unwrap();
        assert_eq!(stdin.script, Some(1));
        assert!(stdin.script_is_stdin);
        assert!(parse_str("elua -i").unwrap().version);
    }

    #[test]
    fn bad_options() {
        let msg = |line| parse_str(line).unwrap_err().to_string();
        assert_eq!(msg("elua -x"), "unrecognized option '-x'");
        assert_eq!(msg("elua -vx"), "unrecognized option '-vx'");
        assert_eq!(msg("elua --x"), "unrecognized option '--x'");
        assert_eq!(msg("elua -e"), "'-e' needs argument");
        assert_eq!(msg("elua -l -v"), "'-l' needs argument");
    }

    #[test]
    fn engine_lua_extensions() {
        assert_eq!(
            parse_str("elua -j off -jv s.lua").unwrap().jit,
            vec!["off", "v"]
        );
        assert_eq!(
            parse_str("elua --list f.lua").unwrap().list.as_deref(),
            Some("f.lua")
        );
        assert_eq!(
            parse_str("elua -b f.lua").unwrap().list.as_deref(),
            Some("f.lua")
        );
    }
}
