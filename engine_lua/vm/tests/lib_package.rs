//! The `package` library and `require` against the reference: `lib_package/require.lua`
//! (with the modules in `lib_package/mods/`) must print `lib_package/require.out`,
//! which `lib_package/gen.sh` produced with `lua5.4`; plus the behaviours that differ
//! from a `dlopen`-enabled reference (native libraries), path defaults and the
//! environment variables.

use engine_lua::Lua;
use engine_lua::lua::Options;

/// Runs `src` (named `@name`) with the global `DIR` set to `dir`; returns its output
/// and, on failure, `lua: ` and the error.
fn run(lua: &mut Lua, src: &str, name: &str, dir: &str) -> String {
    lua.capture_output();
    let setup = format!("DIR = {dir:?}");
    let c = lua.load_buffer(setup.as_bytes(), "=setup").unwrap();
    lua.run(&c, &[]).unwrap();
    let mut err = String::new();
    match lua.load_buffer(src.as_bytes(), &format!("@{name}")) {
        Ok(chunk) => {
            if let Err(e) = lua.run(&chunk, &[]) {
                err = format!("lua: {e}\n");
            }
        }
        Err(e) => err = format!("lua: {e}\n"),
    }
    let mut out = String::from_utf8_lossy(&lua.take_output()).into_owned();
    out.push_str(&err);
    out
}

#[test]
fn require_matches_reference() {
    // `cargo test` runs in the crate directory, as gen.sh runs lua5.4.
    let src = std::fs::read_to_string("tests/lib_package/require.lua").unwrap();
    let want = std::fs::read_to_string("tests/lib_package/require.out").unwrap();
    let mut lua = Lua::new();
    let got = run(
        &mut lua,
        &src,
        "tests/lib_package/require.lua",
        "tests/lib_package",
    );
    if got != want {
        for (i, (w, g)) in want.lines().zip(got.lines()).enumerate() {
            if w != g {
                panic!(
                    "line {}:\n  want: {w}\n  got:  {g}\n--- output ---\n{got}",
                    i + 1
                );
            }
        }
        panic!("output length differs\n--- output ---\n{got}");
    }
}

fn eval(lua: &mut Lua, src: &str) -> String {
    run(lua, src, "test.lua", "tests/lib_package")
}

#[test]
fn native_libraries_are_not_loadable() {
    let mut lua = Lua::new();
    let out = eval(
        &mut lua,
        r#"package.cpath = DIR .. "/mods/?.so"
print(pcall(require, "fake"))
print(pcall(require, "fake.sub"))
print(package.loadlib(DIR .. "/mods/fake.so", "luaopen_fake"))"#,
    );
    expect_test::expect![[r#"
        false	error loading module 'fake' from file 'tests/lib_package/mods/fake.so':
        	dynamic libraries not enabled; check your installation
        false	error loading module 'fake.sub' from file 'tests/lib_package/mods/fake.so':
        	dynamic libraries not enabled; check your installation
        nil	dynamic libraries not enabled; check your installation	absent
    "#]]
    .assert_eq(&out);
}

#[test]
fn default_paths_are_the_reference_ones() {
    let mut lua = Lua::with_options(Options { ignore_env: true });
    let out = eval(&mut lua, "print(package.path) print(package.cpath)");
    expect_test::expect![[r#"
        /usr/local/share/lua/5.4/?.lua;/usr/local/share/lua/5.4/?/init.lua;/usr/local/lib/lua/5.4/?.lua;/usr/local/lib/lua/5.4/?/init.lua;/usr/share/lua/5.4/?.lua;/usr/share/lua/5.4/?/init.lua;./?.lua;./?/init.lua
        /usr/local/lib/lua/5.4/?.so;/usr/lib/x86_64-linux-gnu/lua/5.4/?.so;/usr/lib/lua/5.4/?.so;/usr/local/lib/lua/5.4/loadall.so;./?.so
    "#]]
    .assert_eq(&out);
}

#[test]
fn double_semicolon_expands_to_the_default() {
    use engine_lua::stdlib::package::expand_path;
    assert_eq!(expand_path("a/?.lua;;", "D"), "a/?.lua;D");
    assert_eq!(expand_path(";;b/?.lua", "D"), "D;b/?.lua");
    assert_eq!(expand_path("a;;b", "D"), "a;D;b");
    assert_eq!(expand_path(";;", "D"), "D");
    assert_eq!(expand_path("a;b", "D"), "a;b");
}

#[test]
fn require_from_a_temporary_directory() {
    let dir = std::env::temp_dir().join(format!("elua_pkg_{}", std::process::id()));
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::write(dir.join("tmpmod.lua"), "return {answer = 42, args = {...}}").unwrap();
    std::fs::write(dir.join("sub/init.lua"), "return ...").unwrap();
    let mut lua = Lua::new();
    let d = dir.to_str().unwrap();
    let out = eval(
        &mut lua,
        &format!(
            r#"package.path = "{d}/?.lua;{d}/?/init.lua"
local m, file = require("tmpmod")
print(m.answer, m.args[1], file == "{d}/tmpmod.lua", m.args[2] == file)
print(require("sub"))"#
        ),
    );
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(
        out,
        format!("42\ttmpmod\ttrue\ttrue\nsub\t{d}/sub/init.lua\n")
    );
}

/// Runs in a child process (this test binary, re-run with the variables set) so
/// that no test changes this process's environment.
#[test]
fn environment_variables_set_the_paths() {
    if std::env::var_os("ELUA_PKG_ENV_CHILD").is_some() {
        let mut lua = Lua::new();
        let out = eval(&mut lua, "print(package.path) print(package.cpath)");
        let default_path = engine_lua::stdlib::package::PATH_DEFAULT;
        assert_eq!(
            out,
            format!("first/?.lua;{default_path};last/?.lua\nc/?.so\n")
        );
        let mut lua = Lua::with_options(Options { ignore_env: true });
        let out = eval(&mut lua, "print(package.path)");
        assert_eq!(out, format!("{default_path}\n"));
        return;
    }
    let status = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["environment_variables_set_the_paths", "--exact", "--quiet"])
        .env("ELUA_PKG_ENV_CHILD", "1")
        .env("LUA_PATH_5_4", "first/?.lua;;last/?.lua")
        .env("LUA_PATH", "ignored because the versioned variable wins")
        .env("LUA_CPATH", "c/?.so")
        .env_remove("LUA_CPATH_5_4")
        .status()
        .unwrap();
    assert!(status.success());
}
