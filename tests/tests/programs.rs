//! The benchmark programs of `bench/`, each run with a small size argument under `elua`
//! and the reference `lua5.4`: same output, same exit status.

use engine_lua_tests::{
    check_all, compare, elua_binary, lua_files, parallel_map, reference_lua, run, selected,
    workspace_root,
};
use std::path::Path;

/// The small size each program runs with here (the runner's defaults are much larger).
fn small_size(program: &str) -> &'static str {
    match program {
        "fib" => "20",
        "binary_trees" => "8",
        "n_body" => "2000",
        "spectral_norm" => "40",
        "fannkuch_redux" => "7",
        "mandelbrot" => "64",
        "richards" => "3",
        "deltablue" => "5",
        "json" => "5",
        "queens" => "7",
        "sieve" => "1",
        "string_build" => "2000",
        "sort" => "2000",
        "oop" => "2000",
        "coroutine_ring" => "2000",
        "fasta" => "1000",
        "k_nucleotide" => "2000",
        "havlak" => "0",
        _ => "1",
    }
}

#[test]
fn bench_programs_match_lua54() {
    let lua = reference_lua();
    let elua = elua_binary();
    let dir = workspace_root().join("bench");
    let names: Vec<String> = lua_files(&dir)
        .iter()
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .filter(|n| selected(n))
        .collect();
    let results = parallel_map(&names, 4, |name| {
        let file = format!("{name}.lua");
        let args = [file.as_str(), small_size(name)];
        let expected = run(Path::new(&lua), &args, &dir);
        assert_eq!(
            expected.status,
            Some(0),
            "lua5.4 fails on bench/{file}: {}",
            expected.stderr
        );
        let actual = run(&elua, &args, &dir);
        compare(&expected, &actual)
    });
    check_all("bench programs", &names, results);
}
