//! Token streams of the lexer (every operator, keyword and literal form), compared
//! with expect-test.

use engine_lua::syntax::lexer::{Lexer, Token};
use expect_test::{Expect, expect};

fn check(src: &[u8], expected: Expect) {
    let mut lexer = Lexer::new(src, "=test");
    let mut out = Vec::new();
    loop {
        match lexer.next_token() {
            Ok(l) if l.token == Token::Eof => {
                out.push(format!("<eof>@{}", l.line));
                break;
            }
            Ok(l) => {
                let shown = match &l.token {
                    Token::Int(i) => format!("int {i}"),
                    Token::Float(f) => format!("float {}", engine_lua::number::fmt_float(*f)),
                    Token::Str(s) => format!("str \"{}\"", s.escape_ascii()),
                    Token::Name(n) => format!("name {n}"),
                    t => t.describe(),
                };
                out.push(format!("{shown}@{}", l.line));
            }
            Err(e) => {
                out.push(format!("error: {e}"));
                break;
            }
        }
    }
    expected.assert_eq(&out.join("\n"));
}

#[test]
fn operators_and_keywords() {
    check(
        b"+ - * / // % ^ # & ~ | << >> = == ~= <= >= < > ( ) { } [ ] :: ; : , . .. ...",
        expect![[r#"
            '+'@1
            '-'@1
            '*'@1
            '/'@1
            '//'@1
            '%'@1
            '^'@1
            '#'@1
            '&'@1
            '~'@1
            '|'@1
            '<<'@1
            '>>'@1
            '='@1
            '=='@1
            '~='@1
            '<='@1
            '>='@1
            '<'@1
            '>'@1
            '('@1
            ')'@1
            '{'@1
            '}'@1
            '['@1
            ']'@1
            '::'@1
            ';'@1
            ':'@1
            ','@1
            '.'@1
            '..'@1
            '...'@1
            <eof>@1"#]],
    );
    check(
        b"and break do else elseif end false for function goto if in local nil not or repeat return then true until while _x x1 And",
        expect![[r#"
            'and'@1
            'break'@1
            'do'@1
            'else'@1
            'elseif'@1
            'end'@1
            'false'@1
            'for'@1
            'function'@1
            'goto'@1
            'if'@1
            'in'@1
            'local'@1
            'nil'@1
            'not'@1
            'or'@1
            'repeat'@1
            'return'@1
            'then'@1
            'true'@1
            'until'@1
            'while'@1
            name _x@1
            name x1@1
            name And@1
            <eof>@1"#]],
    );
}

#[test]
fn numerals() {
    check(
        b"3 3.0 3.1416 314.16e-2 0.31416E1 34e1 0x0.1E 0xA23p-4 0X1.921FB54442D18P+1 0xff 0xBEBADA .5 5. 0xffffffffffffffff 9223372036854775807 9223372036854775808 1e309 3..2",
        expect![[r#"
            int 3@1
            float 3.0@1
            float 3.1416@1
            float 3.1416@1
            float 3.1416@1
            float 340.0@1
            float 0.1171875@1
            float 162.1875@1
            float 3.1415926535898@1
            int 255@1
            int 12499674@1
            float 0.5@1
            float 5.0@1
            int -1@1
            int 9223372036854775807@1
            float 9.2233720368548e+18@1
            float inf@1
            error: test:1: malformed number near '3..2'"#]],
    );
}

#[test]
fn strings_and_comments() {
    check(
        b"'a' \"b\" [[c]] [=[d]]=] --[[ long\ncomment ]] -- short\n[==[\r\nx\r\ny]==] 'tab\\tnl\\\r\nz' '\\u{10FFFF}\\u{0}\\z\n\n  end' -- last",
        expect![[r#"
            str "a"@1
            str "b"@1
            str "c"@1
            str "d]"@1
            str "x\ny"@5
            str "tab\tnl\nz"@6
            str "\xf4\x8f\xbf\xbf\x00end"@8
            <eof>@8"#]],
    );
    check(
        b"x = '\\9\\09\\009\\0099'",
        expect![[r#"
        name x@1
        '='@1
        str "\t\t\t\t9"@1
        <eof>@1"#]],
    );
}

#[test]
fn errors_stop_the_stream() {
    check(
        b"x 3x",
        expect![[r#"
        name x@1
        error: test:1: malformed number near '3x'"#]],
    );
    check(
        b"a\n\n'abc\\q'",
        expect![[r#"
        name a@1
        error: test:3: invalid escape sequence near ''abc\q'"#]],
    );
    check(
        b"#!shebang",
        expect![[r#"
        '#'@1
        '!'@1
        name shebang@1
        <eof>@1"#]],
    );
}
