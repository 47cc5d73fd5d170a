//! The Lua test set under the collector's stress modes (`ELUA_GC_STRESS`): every
//! script of `tests/lua/` and `tests/lua_expected/` must give the same result with a
//! tiny incremental step at every safe point (`step` with `ELUA_GC_MODE=incremental`,
//! finds missing write barriers), with a minor generational collection every
//! kilobyte allocated (`step` in elua's default generational mode, finds barriers
//! missing for old objects) and with a full collection at every safe point
//! (`collect`, finds missing roots).
//! The oracle is the same as the differential tests': lua5.4, or the `.expected` file.
//! `ELUA_TEST=name` runs only matching scripts.

use std::path::{Path, PathBuf};

use engine_lua_tests::{
    Outcome, check_all, compare, elua_binary, lua_files, normalise_progname, parallel_map,
    reference_lua, run, selected,
};

const WORKERS: usize = 2;

/// Runs `elua script` in `dir` with `ELUA_GC_STRESS=mode` and `ELUA_GC_MODE=gc`
/// (through `env`, so the shared runner's timeout and capture apply).
fn run_stressed(elua: &Path, (mode, gc): (&str, &str), script: &str, dir: &Path) -> Outcome {
    let setting = format!("ELUA_GC_STRESS={mode}");
    let gc_mode = format!("ELUA_GC_MODE={gc}");
    let elua_s = elua.to_string_lossy().into_owned();
    let mut o = run(
        Path::new("env"),
        &[&setting, &gc_mode, &elua_s, script],
        dir,
    );
    o.stderr = normalise_progname(&o.stderr, &elua_s);
    o
}

fn scripts(dir: &Path) -> (Vec<PathBuf>, Vec<String>) {
    let scripts: Vec<_> = lua_files(dir)
        .into_iter()
        .filter(|p| selected(&p.file_stem().unwrap().to_string_lossy()))
        .collect();
    let names = scripts
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    (scripts, names)
}

/// Scripts left out of the full-collection stress: too slow with a collection at
/// every safe point (a 200 000-frame stack; hundreds of thousands of allocations), or
/// whose output depends on when collections happen (the order of finalizers of
/// objects that die at different times). They run under the step stress.
const NOT_FOR_COLLECT: &[&str] = &["stack_overflow.lua", "gc_pressure.lua", "gc_finalizers.lua"];

fn differential_under(mode: (&str, &str)) {
    let lua = reference_lua();
    let elua = elua_binary();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("lua");
    let (_, mut names) = scripts(&dir);
    if mode.0 == "collect" {
        names.retain(|n| !NOT_FOR_COLLECT.contains(&n.as_str()));
    }
    let results = parallel_map(&names, WORKERS, |name| {
        let expected = run(Path::new(&lua), &[name], &dir);
        let actual = run_stressed(&elua, mode, name, &dir);
        compare(&expected, &actual)
    });
    check_all(
        &format!(
            "scripts under ELUA_GC_STRESS={} ELUA_GC_MODE={}",
            mode.0, mode.1
        ),
        &names,
        results,
    );
}

fn golden_under(mode: (&str, &str)) {
    let elua = elua_binary();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("lua_expected");
    let (paths, names) = scripts(&dir);
    let results = parallel_map(&paths, WORKERS, |script| {
        let read = |ext: &str| std::fs::read_to_string(script.with_extension(ext)).ok();
        let expected = Outcome {
            stdout: read("expected").unwrap_or_default(),
            stderr: read("stderr").unwrap_or_default(),
            status: Some(if read("stderr").is_some() { 1 } else { 0 }),
            timed_out: false,
        };
        let name = script.file_name().unwrap().to_string_lossy().into_owned();
        let actual = run_stressed(&elua, mode, &name, &dir);
        compare(&expected, &actual)
    });
    check_all(
        &format!(
            "golden scripts under ELUA_GC_STRESS={} ELUA_GC_MODE={}",
            mode.0, mode.1
        ),
        &names,
        results,
    );
}

#[test]
fn scripts_under_incremental_step_stress() {
    differential_under(("step", "incremental"));
    golden_under(("step", "incremental"));
}

#[test]
fn scripts_under_generational_step_stress() {
    differential_under(("step", "generational"));
    golden_under(("step", "generational"));
}

#[test]
fn scripts_under_full_collect_stress() {
    differential_under(("collect", "generational"));
    golden_under(("collect", "generational"));
}
