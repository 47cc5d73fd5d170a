//! The `debug` library against the reference: each `lib_debug/*.lua` script runs
//! through the facade and its output (then, if it fails, `lua: ` and the error with
//! its traceback, as `lua.c` prints it) must equal `lib_debug/*.out`, which
//! `lib_debug/gen.sh` produced with `lua5.4`.

use std::path::Path;

use engine_lua::Lua;

/// Runs `path` as `lua5.4 name.lua` would, returning what it prints.
fn run_script(path: &Path) -> String {
    let name = path.file_name().unwrap().to_str().unwrap();
    let src = std::fs::read(path).unwrap();
    let mut lua = Lua::new();
    lua.capture_output();
    let mut err = String::new();
    match lua.load_buffer(&src, &format!("@{name}")) {
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

fn check(name: &str) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lib_debug");
    let got = run_script(&dir.join(format!("{name}.lua")));
    let want = std::fs::read_to_string(dir.join(format!("{name}.out"))).unwrap();
    if got != want {
        let diff: Vec<String> = want
            .lines()
            .zip(got.lines().chain(std::iter::repeat("<missing>")))
            .enumerate()
            .filter(|(_, (w, g))| w != g)
            .take(5)
            .map(|(i, (w, g))| format!("line {}:\n  want: {w}\n  got:  {g}", i + 1))
            .collect();
        panic!(
            "{name}.lua: output differs from lua5.4\n{}\n--- full output ---\n{got}",
            diff.join("\n")
        );
    }
}

#[test]
fn traceback() {
    check("traceback");
}

#[test]
fn getinfo() {
    check("getinfo");
}

#[test]
fn locals() {
    check("locals");
}

#[test]
fn upvalues() {
    check("upvalues");
}

#[test]
fn misc() {
    check("misc");
}

#[test]
fn hooks() {
    check("hooks");
}

#[test]
fn uncaught_error() {
    check("errors");
}
