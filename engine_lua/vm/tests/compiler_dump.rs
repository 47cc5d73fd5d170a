//! Prints the listing of the file named by `ELUA_LIST` (a debugging aid; passes
//! trivially when the variable is unset).

#[test]
fn dump_listing_of_env_file() {
    let Ok(path) = std::env::var("ELUA_LIST") else {
        return;
    };
    let src = std::fs::read(&path).unwrap();
    match engine_lua::compiler::compile_source(&src, &format!("@{path}")) {
        Ok(p) => print!("{}", engine_lua::compiler::listing(&p)),
        Err(e) => println!("ERROR: {e}"),
    }
}
