//! `chunk_id` and error locations, checked against lua5.4 (`load("x = = 1", name)`).

use engine_lua::syntax::{chunk_id, format_error, parse};

#[test]
fn chunk_id_matches_reference() {
    // (chunk name, the id lua5.4 prints before ":1: unexpected symbol near '='")
    let cases: &[(&str, &str)] = &[
        ("=stdin", "stdin"),
        ("@file.lua", "file.lua"),
        (
            "@aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        ),
        (
            "@bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
            "...bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
        ),
        (
            "@cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccxyz",
            "...cccccccccccccccccccccccccccccccccccccccccccccccccccccxyz",
        ),
        (
            "=ddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd",
            "ddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd",
        ),
        (
            "=eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee",
            "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee",
        ),
        (
            "=ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
            "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        ),
        ("x = ", "[string \"x = \"]"),
        (
            "ggggggggggggggggggggggggggggggggggggggggggg",
            "[string \"ggggggggggggggggggggggggggggggggggggggggggg\"]",
        ),
        (
            "hhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhh",
            "[string \"hhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhh\"]",
        ),
        (
            "iiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiii",
            "[string \"iiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiii...\"]",
        ),
        (
            "jjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjj",
            "[string \"jjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjj...\"]",
        ),
        (
            "line1\n\
        line2",
            "[string \"line1...\"]",
        ),
        ("", "[string \"\"]"),
        ("@", ""),
        ("=", ""),
    ];
    for (name, id) in cases {
        assert_eq!(chunk_id(name), *id, "{name:?}");
        let err = parse(b"x = = 1", name).unwrap_err();
        assert_eq!(err.message, format!("{id}:1: unexpected symbol near '='"));
        assert_eq!(err.line, 1);
        assert!(!err.at_eof);
    }
}

#[test]
fn format_error_has_no_near_part() {
    let e = format_error("=input", 2, "attempt to assign to const variable 'x'");
    assert_eq!(
        e.message,
        "input:2: attempt to assign to const variable 'x'"
    );
    assert_eq!(e.line, 2);
    assert!(!e.at_eof);
    let e = format_error("@dir/f.lua", 7, "break outside a loop at line 7");
    assert_eq!(e.message, "dir/f.lua:7: break outside a loop at line 7");
}

#[test]
fn at_eof_marks_incomplete_input() {
    for src in [
        "if x then",
        "f(",
        "x = [[abc",
        "x = \"abc",
        "local function f()",
    ] {
        let err = parse(src.as_bytes(), "=stdin").unwrap_err();
        assert!(err.at_eof, "{src}: {}", err.message);
    }
    for src in ["x = = 1", "x = \"abc\n\"", "return 1 x"] {
        let err = parse(src.as_bytes(), "=stdin").unwrap_err();
        assert!(!err.at_eof, "{src}: {}", err.message);
    }
}
