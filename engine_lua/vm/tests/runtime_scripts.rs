//! Runs every `tests/runtime/*.lua` script through the facade and compares its
//! standard output with `*.expected` (what `lua5.4` prints for the same script).

use std::path::Path;

use engine_lua::Lua;

fn run_script(path: &Path) -> String {
    let src = std::fs::read(path).unwrap();
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let mut lua = Lua::new();
    lua.capture_output();
    let mut out = String::new();
    match lua.load_buffer(&src, &format!("@{name}")) {
        Ok(chunk) => {
            let r = lua.run(&chunk, &[]);
            out.push_str(&String::from_utf8_lossy(&lua.take_output()));
            if let Err(e) = r {
                out.push_str(&format!("error: {e}\n"));
            }
        }
        Err(e) => out.push_str(&format!("error: {e}\n")),
    }
    out
}

#[test]
fn runtime_scripts_match_lua54() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/runtime");
    let mut failures = Vec::new();
    let mut count = 0;
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.extension().is_some_and(|e| e == "lua") {
            count += 1;
            let expected = std::fs::read_to_string(path.with_extension("expected")).unwrap();
            let got = run_script(&path);
            if got != expected {
                failures.push(format!(
                    "--- {}\nexpected:\n{expected}\ngot:\n{got}",
                    path.display()
                ));
            }
        }
    }
    assert!(count > 0);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
