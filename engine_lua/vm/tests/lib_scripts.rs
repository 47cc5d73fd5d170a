//! Library conformance scripts: each `lib_scripts/NAME.lua` runs in a fresh state and
//! its output must equal `lib_scripts/NAME.expected`, which is what `lua5.4` (5.4.4)
//! prints for the same script (regenerate with `lua5.4 NAME.lua > NAME.expected` from
//! that directory), except where a comment in the script says that 5.4.7 behaviour is
//! expected instead (then the `.expected` line is edited by hand).

use std::path::Path;

fn run_script(name: &str) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lib_scripts");
    let src = std::fs::read(dir.join(format!("{name}.lua"))).expect("script");
    let expected =
        std::fs::read_to_string(dir.join(format!("{name}.expected"))).expect("expected output");
    let mut lua = engine_lua::Lua::new();
    lua.capture_output();
    let result = lua
        .load_buffer(&src, &format!("@{name}.lua"))
        .and_then(|chunk| lua.run(&chunk, &[]).map(|_| ()));
    let mut out = String::from_utf8_lossy(&lua.take_output()).into_owned();
    if let Err(e) = result {
        out.push_str(&format!("ERROR: {e}\n"));
    }
    if out != expected {
        let diff: Vec<String> = expected
            .lines()
            .zip(out.lines().chain(std::iter::repeat("<missing>")))
            .enumerate()
            .filter(|(_, (e, o))| e != o)
            .map(|(i, (e, o))| format!("line {}:\n  want: {e}\n  got:  {o}", i + 1))
            .collect();
        panic!(
            "{name}.lua differs from lua5.4:\n{}\n--- full output ---\n{out}",
            diff.join("\n")
        );
    }
}

#[test]
fn string_library() {
    run_script("string");
}

#[test]
fn table_library() {
    run_script("table");
}

#[test]
fn math_library() {
    run_script("math");
}

#[test]
fn os_and_io_libraries() {
    run_script("os_io");
}

#[test]
fn utf8_library() {
    run_script("utf8");
}
