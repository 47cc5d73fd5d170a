//! Smoke tests of the `elua` binary that need no reference interpreter. Having an
//! integration test here also makes `cargo test --workspace` build `elua` before the
//! differential tests of `engine_lua_tests` look for it next to their executables.

use std::process::Command;

fn elua() -> Command {
    Command::new(env!("CARGO_BIN_EXE_elua"))
}

#[test]
fn version_banner() {
    let out = elua().arg("-v").output().expect("run elua");
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("{}\n", engine_lua::lua::VERSION_BANNER)
    );
}

#[test]
fn bad_option_prints_usage_and_fails() {
    let out = elua().arg("-x").output().expect("run elua");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let mut lines = stderr.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .ends_with(": unrecognized option '-x'"),
        "{stderr}"
    );
    assert!(lines.next().unwrap().starts_with("usage: "), "{stderr}");
    assert!(
        stderr.contains("-         stop handling options and execute stdin\n"),
        "{stderr}"
    );
}

#[test]
fn listing_of_a_file() {
    let dir = std::env::temp_dir().join(format!("elua-smoke-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("listed.lua");
    std::fs::write(&file, "#!/usr/bin/env lua\nlocal x = 1\nreturn x\n").unwrap();
    let out = elua().arg("--list").arg(&file).output().expect("run elua");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.starts_with("main <"), "{stdout}");
    assert!(stdout.contains("VARARGPREP"), "{stdout}");
    let bad = dir.join("bad.lua");
    std::fs::write(&bad, "x = = 1\n").unwrap();
    let out = elua().arg("-b").arg(&bad).output().expect("run elua");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad.lua:1: unexpected symbol near '='"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn jit_flag_is_accepted() {
    let out = elua()
        .args(["-j", "off", "-jv", "-e", "print('ran')"])
        .output()
        .expect("run elua");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), "ran\n");
}
