//! Semantic compile errors: each message is what `lua5.4 -e 'print(load(src, "=input"))'`
//! prints. Limit errors are compared up to luac's trailing `near '<token>'` part (the
//! compiler works on the tree and has no current token).

fn compile_err(src: &str) -> String {
    // The local-variable limit is found while parsing, as luac does (before a later
    // syntax error); the other errors by the compiler.
    let chunk = match engine_lua::syntax::parse(src.as_bytes(), "=input") {
        Ok(c) => c,
        Err(e) => return e.message,
    };
    match engine_lua::compiler::compile(&chunk, "=input") {
        Ok(_) => panic!("compiled without error: {src}"),
        Err(e) => e.message,
    }
}

fn check(cases: &[(&str, &str)]) {
    for (src, want) in cases {
        assert_eq!(compile_err(src), *want, "source: {src}");
    }
}

#[test]
fn goto_and_label_errors() {
    check(&[
        (
            "goto x",
            "input:1: no visible label 'x' for <goto> at line 1",
        ),
        (
            "do goto x end ::y:: local a ::x:: print(a)",
            "input:1: <goto x> at line 1 jumps into the scope of local 'a'",
        ),
        (
            "::a:: ::a::",
            "input:1: label 'a' already defined on line 1",
        ),
        (
            "::a:: do ::a:: end",
            "input:1: label 'a' already defined on line 1",
        ),
        (
            "goto l; local y; ::l:: print(y)",
            "input:1: <goto l> at line 1 jumps into the scope of local 'y'",
        ),
        (
            "repeat goto l; local z ::l:: until z",
            "input:1: <goto l> at line 1 jumps into the scope of local 'z'",
        ),
        (
            "do\n  goto l\nend\nlocal q\n::l::\nprint(q)",
            "input:6: <goto l> at line 2 jumps into the scope of local 'q'",
        ),
        (
            "if x then\n  goto done\nend\n\nfunction f()\n  ::done::\nend",
            "input:7: no visible label 'done' for <goto> at line 2",
        ),
    ]);
}

#[test]
fn break_outside_loop() {
    check(&[
        ("break", "input:1: break outside loop at line 1"),
        (
            "local function f() break end",
            "input:1: break outside loop at line 1",
        ),
        (
            "while true do end break",
            "input:1: break outside loop at line 1",
        ),
        (
            "for i = 1, 2 do end\n\nbreak\n",
            "input:3: break outside loop at line 3",
        ),
    ]);
}

#[test]
fn assignment_to_const() {
    check(&[
        (
            "local x <const> = 1; x = 2",
            "input:1: attempt to assign to const variable 'x'",
        ),
        (
            "local x <const> = f(); x = 2",
            "input:1: attempt to assign to const variable 'x'",
        ),
        (
            "local x <close> = nil; x = 2",
            "input:1: attempt to assign to const variable 'x'",
        ),
        (
            "local x <const> = 1; function f() x = 2 end",
            "input:1: attempt to assign to const variable 'x'",
        ),
        (
            "local y <const> = {}; local function f() return function() y = 1 end end",
            "input:1: attempt to assign to const variable 'y'",
        ),
        (
            "local x <const> = 1; function x() end",
            "input:1: attempt to assign to const variable 'x'",
        ),
        (
            "local a, b <const> = 1, 2; a, b = 3, 4",
            "input:1: attempt to assign to const variable 'b'",
        ),
    ]);
}

#[test]
fn valid_programs_near_the_rules() {
    // Labels at the end of a block are visible to gotos that skip locals (5.4 rule).
    for src in [
        "for i = 1, 2 do\n  goto cont\n  local z = 1\n  ::cont::\nend",
        "do goto e; local x; ::e:: end",
        "::top:: do goto top end",
        "local x <const> = 1; local function f() return x end",
        &format!("local {}a = 1", "a,".repeat(199)),
    ] {
        let chunk = engine_lua::syntax::parse(src.as_bytes(), "=input").expect("parse");
        engine_lua::compiler::compile(&chunk, "=input").expect(src);
    }
}

#[test]
fn limits() {
    let too_many_locals = format!("local {}a = 1", "a,".repeat(200));
    let m = compile_err(&too_many_locals);
    assert_eq!(
        m,
        "input:1: too many local variables (limit is 200) in main function near '='"
    );

    let too_many_args = format!("f({}1)", "1,".repeat(300));
    let m = compile_err(&too_many_args);
    assert_eq!(
        m,
        "input:1: function or expression needs too many registers"
    );

    let a: Vec<String> = (1..=150).map(|i| format!("a{i}")).collect();
    let b: Vec<String> = (1..=150).map(|i| format!("b{i}")).collect();
    let src = format!(
        "local {} = 1 local function f() local {} = 2 return function() return {}+{} end end",
        a.join(","),
        b.join(","),
        a.join("+"),
        b.join("+")
    );
    let m = compile_err(&src);
    assert_eq!(
        m,
        "input:1: too many upvalues (limit is 255) in function at line 1 near '+'"
    );
}

#[test]
fn long_jumps_and_many_constants() {
    // More than 2^16 constants: LOADK runs out of Bx and LOADKX + EXTRAARG take over;
    // a loop body that large still jumps (sJ has 24 bits).
    let mut src = String::from("local t = {}\nwhile t do\n");
    for i in 0..70_000 {
        src.push_str(&format!("t[1] = {i}.5\n"));
    }
    src.push_str("end\n");
    let chunk = engine_lua::syntax::parse(src.as_bytes(), "=input").expect("parse");
    let p = engine_lua::compiler::compile(&chunk, "=input").expect("compile");
    assert!(p.constants.len() >= 70_000);
    let listing = engine_lua::compiler::listing(&p);
    assert!(listing.contains("LOADKX"));
    assert!(listing.contains("EXTRAARG"));
}

#[test]
fn long_operator_chains_do_not_overflow() {
    // The parser builds left-associative chains without nesting limits (as luac, which
    // accepts these; `..` chains hit the parser's "C stack overflow" like luac's).
    for op in ["+", "and", "<", "//", "or", "==", "&"] {
        let src = format!(
            "local x = ... return x{}",
            format!(" {op} x").repeat(20_000)
        );
        let chunk = engine_lua::syntax::parse(src.as_bytes(), "=input").expect("parse");
        engine_lua::compiler::compile(&chunk, "=input").expect(op);
    }
}
