//! Differential tests: every script in `tests/lua/` must give the same stdout, stderr
//! and exit status under `elua` as under the reference `lua5.4`; every script in
//! `tests/lua_expected/` must print its `.expected` file (5.4.7 behaviour where Debian's
//! 5.4.4 differs). All scripts run even when some fail; one panic lists the failures.
//! `ELUA_TEST=name` runs only matching scripts.

use std::path::Path;

use engine_lua_tests::{
    Outcome, check_all, compare, elua_binary, lua_files, parallel_map, reference_lua, run, selected,
};

/// Scripts run in parallel on this many threads.
const WORKERS: usize = 4;

#[test]
fn scripts_match_lua54() {
    let lua = reference_lua();
    let elua = elua_binary();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("lua");
    let scripts: Vec<_> = lua_files(&dir)
        .into_iter()
        .filter(|p| selected(&p.file_stem().unwrap().to_string_lossy()))
        .collect();
    let names: Vec<String> = scripts
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    let results = parallel_map(&names, WORKERS, |name| {
        let expected = run(Path::new(&lua), &[name], &dir);
        let actual = run(&elua, &[name], &dir);
        compare(&expected, &actual)
    });
    check_all("differential scripts", &names, results);
}

#[test]
fn golden_scripts_match_expected() {
    let elua = elua_binary();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("lua_expected");
    let scripts: Vec<_> = lua_files(&dir)
        .into_iter()
        .filter(|p| selected(&p.file_stem().unwrap().to_string_lossy()))
        .collect();
    let names: Vec<String> = scripts
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    let results = parallel_map(&scripts, WORKERS, |script| {
        let read = |ext: &str| std::fs::read_to_string(script.with_extension(ext)).ok();
        let expected = Outcome {
            stdout: read("expected")
                .unwrap_or_else(|| panic!("{} has no .expected file", script.display())),
            stderr: read("stderr").unwrap_or_default(),
            status: Some(if read("stderr").is_some() { 1 } else { 0 }),
            timed_out: false,
        };
        let name = script.file_name().unwrap().to_string_lossy().into_owned();
        let actual = run(&elua, &[&name], &dir);
        compare(&expected, &actual)
    });
    check_all("golden scripts", &names, results);
}
