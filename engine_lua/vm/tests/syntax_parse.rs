//! Parse trees of every construct, printed by `syntax::dump::dump` and compared with
//! expect-test (`UPDATE_EXPECT=1 cargo test` rewrites them).

use engine_lua::syntax::{dump::dump, parse};
use expect_test::{Expect, expect};

fn check(src: &str, expected: Expect) {
    let chunk = parse(src.as_bytes(), "=test").unwrap_or_else(|e| panic!("{e}"));
    expected.assert_eq(&dump(&chunk, false));
}

fn check_lines(src: &str, expected: Expect) {
    let chunk = parse(src.as_bytes(), "=test").unwrap_or_else(|e| panic!("{e}"));
    expected.assert_eq(&dump(&chunk, true));
}

#[test]
fn precedence_and_associativity() {
    check(
        "x = 2^-3^2; y = -2^2; z = a .. b .. c; w = a < b == c; v = 1 + 2 * 3 - 4 / 5 // 6 % 7",
        expect![[r#"
            (assign [x] [(^ 2 (neg (^ 3 2)))])
            (assign [y] [(neg (^ 2 2))])
            (assign [z] [(.. a (.. b c))])
            (assign [w] [(== (< a b) c)])
            (assign [v] [(- (+ 1 (* 2 3)) (% (// (/ 4 5) 6) 7))])
        "#]],
    );
    check(
        "x = a or b and c or not d; y = a | b ~ c & d << 1 >> 2; z = ~a ~ #b; w = a <= b ~= c >= d > e",
        expect![[r#"
            (assign [x] [(or (or a (and b c)) (not d))])
            (assign [y] [(| a (~ b (& c (>> (<< d 1) 2))))])
            (assign [z] [(~ (bnot a) (# b))])
            (assign [w] [(> (>= (~= (<= a b) c) d) e)])
        "#]],
    );
    check(
        "x = 1 .. 2 + 3 .. 4; y = (a + b) * c; z = a ^ b ^ c",
        expect![[r#"
        (assign [x] [(.. 1 (.. (+ 2 3) 4))])
        (assign [y] [(* (paren (+ a b)) c)])
        (assign [z] [(^ a (^ b c))])
    "#]],
    );
}

#[test]
fn literals() {
    check(
        r#"x = {1, 0x10, 0xffffffffffffffff, 9223372036854775807, 9223372036854775808, 1.5, .5, 3., 1e10, 0x1p4, 0xA.8p0, 0x.1, 2^53}"#,
        expect![[r#"
            (assign [x] [(table 1 16 -1 9223372036854775807 9.2233720368548e+18 1.5 0.5 3.0 10000000000.0 16.0 10.5 0.0625 (^ 2 53))])
        "#]],
    );
    check(
        "s = {'a\\tb', \"\\65\\066\\x43\\u{44}\\u{7FF}\\u{FFFF}\\u{10FFFF}\\u{7FFFFFFF}\", 'a\\z   \n   b', 'x\\\ny', [[\nfirst newline skipped]], [==[a]]b]=]c]==], '\\0\\a\\b\\f\\n\\r\\v\\\\\\\"\\''}",
        expect![[r#"
            (assign [s] [(table "a\tb" "ABCD\xdf\xbf\xef\xbf\xbf\xf4\x8f\xbf\xbf\xfd\xbf\xbf\xbf\xbf\xbf" "ab" "x\ny" "first newline skipped" "a]]b]=]c" "\x00\x07\x08\x0c\n\r\x0b\\\"\'")])
        "#]],
    );
    check(
        "x = nil; y = true; z = false; w = ...",
        expect![[r#"
        (assign [x] [nil])
        (assign [y] [true])
        (assign [z] [false])
        (assign [w] [...])
    "#]],
    );
}

#[test]
fn statements() {
    check(
        "local a <const>, b <close>, c = 1, 2\nlocal d\na, b.c, d[1] = f()\n::top:: goto top\ndo local x end\nwhile x do break end\nrepeat local y until y\n",
        expect![[r#"
            (local [a<const> b<close> c] [1 2])
            (local [d] [])
            (assign [a (index b "c") (index d 1)] [(call f)])
            (label top)
            (goto top)
            (do
              (local [x] [])
            )
            (while x
              (break)
            )
            (repeat
              (local [y] [])
            until y)
        "#]],
    );
    check(
        "if a then f() elseif b then g() elseif c then else h() end\nif x then end",
        expect![[r#"
            (if a
              (call f)
            elseif b
              (call g)
            elseif c
            else
              (call h)
            )
            (if x
            )
        "#]],
    );
    check(
        "for i = 1, 10 do end for i = 10, 1, -1 do end for k, v in pairs(t) do end for x in f, s, c do end",
        expect![[r#"
            (for i 1 10
            )
            (for i 10 1 (neg 1)
            )
            (for-in [k v] [(call pairs t)]
            )
            (for-in [x] [f s c]
            )
        "#]],
    );
    check(
        "function f(a, b, ...) return a end\nfunction a.b.c:m(x) return self end\nlocal function g() end\nfunction h(...) end",
        expect![[r#"
            (function-stat f (function (a b ...)
              (return a)
            ))
            (function-stat a.b.c:m (function (self x)
              (return self)
            ))
            (local-function g (function ()
            ))
            (function-stat h (function (...)
            ))
        "#]],
    );
    check(
        "return",
        expect![[r#"
        (return)
    "#]],
    );
    check(
        "return 1, 2;",
        expect![[r#"
        (return 1 2)
    "#]],
    );
    check(
        ";;; f() ;;",
        expect![[r#"
        (call f)
    "#]],
    );
}

#[test]
fn calls_and_tables() {
    check(
        "f() f(1, 2) f'str' f{1} o:m() o:m'x' o:m{} a.b.c() a[1]() f()() f().x = 1 (f)() (g)()",
        expect![[r#"
            (call f)
            (call f 1 2)
            (call f "str")
            (call f (table 1))
            (method o m)
            (method o m "x")
            (method o m (table))
            (call (index (index a "b") "c"))
            (call (index a 1))
            (call (call f))
            (assign [(index (call f) "x")] [1])
            (call (call (call (paren f)) g))
        "#]],
    );
    check(
        "t = {} t = {1, 2; 3,} t = {x = 1, ['y'] = 2, 3, f(), ...} t = {x, x == 1, [1] = 2}",
        expect![[r#"
            (assign [t] [(table)])
            (assign [t] [(table 1 2 3)])
            (assign [t] [(table (= x 1) ([] "y" 2) 3 (call f) ...)])
            (assign [t] [(table x (== x 1) ([] 1 2))])
        "#]],
    );
    check(
        "x = function(a, ...) return ... end",
        expect![[r#"
        (assign [x] [(function (a ...)
          (return ...)
        )])
    "#]],
    );
    check(
        "x = (...) y = (f())",
        expect![[r#"
        (assign [x] [(paren ...)])
        (assign [y] [(paren (call f))])
    "#]],
    );
}

#[test]
fn lines() {
    check_lines(
        "local a = b\n  +\n  c\nf(\n a,\n b\n)\nt.x\n .y = 1\no\n:m(1)\n",
        expect![[r#"
            @1 (local [a] [(+ b@1 c@3)@2])
            @4 (call f@4 a@5 b@6)@4
            @8 (assign [(index (index t@8 "x"@8)@8 "y"@9)@9] [1@9])
            @10 (method o@10 m 1@11)@11
            end@11
        "#]],
    );
    check_lines(
        "local f = function\n(a)\nreturn a\nend\nlocal function\ng\n(\n)\nend\nfunction\nh\n.i\n:j()\nend\n",
        expect![[r#"
            @1 (local [f] [(function (a)@2
              @3 (return a@3)
              end@4
            )@1])
            @5 (local-function g (function ()@7
              end@9
            ))
            @10 (function-stat h.i:j [12, 13] (function (self)@10
              end@14
            ))
            end@14
        "#]],
    );
    check_lines(
        "if a then\n  x = 1\nelseif b then\n  x = 2\nelse\n  x = 3\nend\nwhile c do\nend\nrepeat\nuntil d\nfor i = 1, 2 do\nend\nreturn\n[[\n\n]]\n\n",
        expect![[r#"
            @1 (if a@1
              @2 (assign [x@2] [1@2])
              end@3
            elseif b@3
              @4 (assign [x@4] [2@4])
              end@5
            else
              @6 (assign [x@6] [3@6])
              end@7
            )
            @8 (while c@8
              end@9
            )
            @10 (repeat
              end@11
            until d@11)
            @12 (for i 1@12 2@12
              end@13
            )
            @14 (return "\n"@17)
            end@17
        "#]],
    );
    check_lines(
        "",
        expect![[r#"
        end@1
    "#]],
    );
    check_lines(
        "x = [[\n\n]]\n-- comment\n\n",
        expect![[r#"
        @1 (assign [x@1] ["\n"@3])
        end@3
    "#]],
    );
}

#[test]
fn line_breaks_count_once() {
    // CR LF, LF CR, CR and LF are each one line break.
    check_lines(
        "a = 1\r\nb = 2\n\rc = 3\rd = 4\ne = 5\n\nf = 6\r\rg = 7",
        expect![[r#"
        @1 (assign [a@1] [1@1])
        @2 (assign [b@2] [2@2])
        @3 (assign [c@3] [3@3])
        @4 (assign [d@4] [4@4])
        @5 (assign [e@5] [5@5])
        @7 (assign [f@7] [6@7])
        @9 (assign [g@9] [7@9])
        end@9
    "#]],
    );
    // A first line starting with '#' is not skipped by the parser.
    assert!(parse(b"#!/usr/bin/lua\nx = 1", "=t").is_err());
}
