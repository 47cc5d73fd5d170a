//! Syntax error messages, checked against what `luac5.4 -p -` prints for the same
//! source: `tests/syntax/errors.txt` (one case per construct and error, made by
//! `gen_errors.py`) and `tests/syntax/mutations.txt` (randomly mutated valid
//! snippets, made by `gen_mutations.py`).

use engine_lua::syntax::parse;

/// Decodes the escaped source form of `errors.txt` (`\\`, `\n`, `\r`, `\xNN`).
fn unescape(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' {
            match b[i + 1] {
                b'n' => out.push(b'\n'),
                b'r' => out.push(b'\r'),
                b'\\' => out.push(b'\\'),
                b'x' => {
                    let hex = std::str::from_utf8(&b[i + 2..i + 4]).unwrap();
                    out.push(u8::from_str_radix(hex, 16).unwrap());
                    i += 2;
                }
                c => panic!("bad escape \\{}", c as char),
            }
            i += 2;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}

/// The `(source, expected)` pairs of a case file.
fn cases(text: &str) -> Vec<(Vec<u8>, String)> {
    let mut lines = text.lines().filter(|l| !l.starts_with('#'));
    let mut out = Vec::new();
    while let Some(src) = lines.next() {
        let src = src.strip_prefix("<<< ").expect("a source line");
        let expected = lines.next().expect("an expected line");
        out.push((unescape(src), expected.to_string()));
    }
    out
}

/// Parses each case's source and compares the outcome (`OK` or the message).
fn check_cases(text: &str) -> usize {
    let cases = cases(text);
    let mut failures = Vec::new();
    for (src, expected) in &cases {
        let got = match parse(src, "=stdin") {
            Ok(_) => "OK".to_string(),
            Err(e) => {
                assert_eq!(e.at_eof, e.message.ends_with("near <eof>"), "{}", e.message);
                e.message
            }
        };
        if &got != expected {
            failures.push(format!(
                "source {:?}\n   got: {got}\n  want: {expected}",
                String::from_utf8_lossy(src)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    cases.len()
}

#[test]
fn syntax_errors_match_luac() {
    assert!(check_cases(include_str!("syntax/errors.txt")) > 200);
}

#[test]
fn mutated_snippets_match_luac() {
    assert!(check_cases(include_str!("syntax/mutations.txt")) > 1000);
}
