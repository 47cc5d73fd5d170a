//! The `elua` command line against `lua5.4`'s: options, `arg`, standard input,
//! `LUA_INIT`, error reports and exit statuses must be the same (program name
//! normalised). The REPL is checked against a stated transcript, since Debian's lua5.4
//! echoes input through readline. (At end of input after an incomplete statement, lua.c
//! 5.4.7 prints `(error message not a string)`, an artifact; elua prints the syntax
//! error.)

use std::path::Path;

use engine_lua_tests::{
    Outcome, check_all, compare, elua_binary, parallel_map, reference_lua, run_with, selected,
};

/// One command-line case: arguments, standard input, extra environment.
struct Case {
    name: &'static str,
    args: &'static [&'static str],
    stdin: Option<&'static str>,
    env: &'static [(&'static str, &'static str)],
}

const fn case(name: &'static str, args: &'static [&'static str]) -> Case {
    Case {
        name,
        args,
        stdin: None,
        env: &[],
    }
}

const CASES: &[Case] = &[
    case("execute", &["-e", "print(1 + 1)"]),
    case("execute_attached", &["-eprint('attached')"]),
    case("execute_twice", &["-e", "x = 5", "-e", "print(x * 2)"]),
    case("execute_syntax_error", &["-e", "x ="]),
    case(
        "execute_runtime_error",
        &["-e", "local t = nil; print(t.x)"],
    ),
    case("execute_error_table", &["-e", "error({})"]),
    case("execute_error_nil", &["-e", "error()"]),
    case("execute_error_number", &["-e", "error(42)"]),
    case(
        "execute_then_script",
        &["-e", "print('first')", "args.lua", "a"],
    ),
    case("script_args", &["args.lua", "one", "two", "three"]),
    case("script_no_args", &["args.lua"]),
    case(
        "options_before_script",
        &["-W", "-e", "y=1", "args.lua", "-e", "--"],
    ),
    case("double_dash", &["--", "args.lua", "-x"]),
    case(
        "double_dash_alone",
        &["-e", "print(#arg, arg[0] ~= nil)", "--"],
    ),
    case("script_error", &["fails.lua"]),
    case("missing_script", &["no_such_script.lua"]),
    case("unrecognized_option", &["-x"]),
    case("unrecognized_long", &["--x"]),
    case("flag_with_extra", &["-vx"]),
    case("e_needs_argument", &["-e"]),
    case("e_argument_is_option", &["-e", "-v"]),
    case("l_needs_argument", &["-l"]),
    case("require_module", &["-l", "mod", "-e", "print(mod.value)"]),
    case(
        "require_global_name",
        &["-l", "m=mod", "-e", "print(m.value, mod)"],
    ),
    Case {
        name: "require_missing",
        args: &["-l", "no_such_module_xyz"],
        stdin: None,
        env: &[
            ("LUA_PATH", "./?.lua;./lib/?/init.lua"),
            ("LUA_CPATH", "./?.so"),
        ],
    },
    Case {
        name: "lua_path_default_marker",
        args: &["-e", "print((package.path:gsub(';;', ';<default>;')))"],
        stdin: None,
        env: &[("LUA_PATH", "./x/?.lua")],
    },
    case("warnings_on", &["-W", "-e", "warn('shown')"]),
    case("warnings_off", &["-e", "warn('hidden')"]),
    case("exit_code", &["-e", "os.exit(7)"]),
    case("exit_true", &["-e", "os.exit(true)"]),
    case("exit_false", &["-e", "os.exit(false)"]),
    Case {
        name: "stdin_dash",
        args: &["-", "x", "y"],
        stdin: Some("print('from stdin', ...)\n"),
        env: &[],
    },
    Case {
        name: "stdin_implicit",
        args: &[],
        stdin: Some("print('piped', #arg)\n"),
        env: &[],
    },
    Case {
        name: "stdin_shebang",
        args: &["-"],
        stdin: Some("#!/usr/bin/lua\nprint('after shebang')\n"),
        env: &[],
    },
    Case {
        name: "stdin_error",
        args: &["-"],
        stdin: Some("\n\nerror('on line 3')\n"),
        env: &[],
    },
    Case {
        name: "lua_init_code",
        args: &["-e", "print(init_value)"],
        stdin: None,
        env: &[("LUA_INIT", "init_value = 'from code'")],
    },
    Case {
        name: "lua_init_file",
        args: &["-e", "print(init_value)"],
        stdin: None,
        env: &[("LUA_INIT", "@init.lua")],
    },
    Case {
        name: "lua_init_versioned",
        args: &["-e", "print(init_value)"],
        stdin: None,
        env: &[
            ("LUA_INIT", "init_value = 1"),
            ("LUA_INIT_5_4", "init_value = 2"),
        ],
    },
    Case {
        name: "lua_init_error",
        args: &["-e", "print('not reached')"],
        stdin: None,
        env: &[("LUA_INIT", "x =")],
    },
    Case {
        name: "lua_init_ignored",
        args: &["-E", "-e", "print(init_value)"],
        stdin: None,
        env: &[("LUA_INIT", "init_value = 'no'")],
    },
];

#[test]
fn command_line_matches_lua54() {
    let lua = reference_lua();
    let elua = elua_binary();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("cli");
    let cases: Vec<&Case> = CASES.iter().filter(|c| selected(c.name)).collect();
    let names: Vec<String> = cases.iter().map(|c| c.name.to_owned()).collect();
    let results = parallel_map(&cases, 4, |c| {
        let stdin = c.stdin.map(str::as_bytes);
        let expected = run_with(Path::new(&lua), c.args, &dir, stdin, c.env);
        let actual = run_with(&elua, c.args, &dir, stdin, c.env);
        compare(&expected, &actual).map(|report| format!("  elua {}\n{report}", c.args.join(" ")))
    });
    check_all("command-line cases", &names, results);
}

#[test]
fn repl_transcript() {
    if !selected("repl") {
        return;
    }
    let elua = elua_binary();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("cli");
    let input = "1 + 1\nfor i = 1, 2 do\nprint(i)\nend\nerror('e')\n= 'eq'\nx =\n";
    let actual = run_with(&elua, &["-i"], &dir, Some(input.as_bytes()), &[]);
    let banner = format!("{}\n", engine_lua::lua::VERSION_BANNER);
    let expected = Outcome {
        stdout: format!("{banner}> 2\n> >> >> 1\n2\n> > eq\n> >> > \n"),
        stderr: "stdin:1: e\nstack traceback:\n\t[C]: in function 'error'\n\tstdin:1: in main chunk\n\t[C]: in ?\nstdin:1: unexpected symbol near <eof>\n".to_owned(),
        status: Some(0),
        timed_out: false,
    };
    let report = compare(&expected, &actual);
    check_all("REPL transcripts", &["repl".to_owned()], vec![report]);
}
