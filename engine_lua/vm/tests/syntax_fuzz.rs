//! Bounded random and mutation testing of the front end: `parse` must return `Ok` or
//! `Err` on any bytes, never panic or overflow the stack. Fixed seeds, so failures
//! reproduce.

use engine_lua::syntax::parse;

/// Marsaglia's xorshift64: a tiny deterministic generator (no extra crates).
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Valid snippets covering the grammar, the seeds of the mutations.
const SNIPPETS: &[&str] = &[
    "local a <const>, b <close> = 1, 2\nreturn a + b",
    "function t.a.b:m(x, ...) return self, x, ... end",
    "for i = 1, 10, 2 do if i % 2 == 0 then goto continue end ::continue:: end",
    "for k, v in pairs({1, 2, x = 3, [4] = 5}) do print(k, v) end",
    "while x do x = x - 1 if x < 3 then break end end",
    "repeat local y = f() until y ~= nil",
    "local s = [==[long\nstring]==] .. 'a\\tb\\x41\\u{48}\\65\\z  c' .. \"q\"",
    "x = 0x1p4 + 1e10 // 3 | 0xff ~ 7 & ~1 << 2 >> 1",
    "local t = {f = function(...) return select('#', ...) end}; t.f(1, 2)",
    "o:m'x' o:m{1} f{2} f'3' (f)() a.b[c].d = e",
    "x = not a == b and c or #d .. -e ^ 2",
    "--[[ comment ]] local function g(a) return g(a - 1) end -- tail\n",
    "do local a = {} a[1], a[2] = 1, 2 end",
    "if a then elseif b then else end",
    "return function() return 1 end, {...}, (...)",
];

/// Fragments that splice well into Lua text.
const FRAGMENTS: &[&str] = &[
    "(",
    ")",
    "{",
    "}",
    "[",
    "]",
    "[[",
    "]]",
    "[=[",
    "]=]",
    "--",
    "--[[",
    "=",
    "==",
    ",",
    ";",
    ":",
    "::",
    ".",
    "..",
    "...",
    "'",
    "\"",
    "\\",
    "\\u{",
    "\\x",
    "\\z",
    "\n",
    "\r",
    " ",
    "end",
    "function",
    "local",
    "return",
    "if",
    "then",
    "else",
    "elseif",
    "do",
    "while",
    "repeat",
    "until",
    "for",
    "in",
    "goto",
    "break",
    "<const>",
    "<close>",
    "0x",
    "1e",
    "1.5",
    "9223372036854775808",
    "a",
    "_",
    "#",
    "~",
    "^",
    "//",
    "<<",
    ">>",
    "\0",
    "\u{ff}",
];

fn mutate(rng: &mut XorShift, src: &mut Vec<u8>) {
    for _ in 0..1 + rng.below(4) {
        let at = if src.is_empty() {
            0
        } else {
            rng.below(src.len() + 1)
        };
        match rng.below(5) {
            0 if !src.is_empty() && at < src.len() => {
                src.remove(at);
            }
            1 if at < src.len() => src[at] = rng.next() as u8,
            2 => {
                let frag = rng.pick(FRAGMENTS).as_bytes();
                src.splice(at..at, frag.iter().copied());
            }
            3 => {
                // Duplicate a slice (grows nesting).
                let end = (at + rng.below(16)).min(src.len());
                let piece = src[at..end].to_vec();
                src.splice(at..at, piece);
            }
            _ => src.truncate(at),
        }
    }
}

#[test]
fn parse_never_panics_on_mutated_snippets() {
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    let mut outcomes = [0usize; 2];
    for _ in 0..4000 {
        let mut src = rng.pick(SNIPPETS).as_bytes().to_vec();
        mutate(&mut rng, &mut src);
        outcomes[usize::from(parse(&src, "=fuzz").is_ok())] += 1;
    }
    // Both outcomes occur, so the mutations exercise the error paths and the rest.
    assert!(outcomes[0] > 100 && outcomes[1] > 100, "{outcomes:?}");
}

#[test]
fn parse_never_panics_on_random_bytes_and_token_soup() {
    let mut rng = XorShift(0x2545_F491_4F6C_DD1D);
    for round in 0..3000 {
        let len = rng.below(200);
        let src: Vec<u8> = if round % 2 == 0 {
            (0..len).map(|_| rng.next() as u8).collect()
        } else {
            (0..len / 4)
                .flat_map(|_| rng.pick(FRAGMENTS).as_bytes().to_vec())
                .collect()
        };
        let _ = parse(&src, "=fuzz");
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let expressions = [
        "(",
        "{",
        "- ",
        "not ",
        "f(",
        "function() return ",
        "a .. ",
        "t[",
        "2 ^ ",
    ];
    let statements = [
        "do ",
        "if x then ",
        "while x do ",
        "a, ",
        "function f() ",
        "repeat ",
    ];
    let sources = expressions
        .iter()
        .map(|open| format!("x = {}", open.repeat(5000)))
        .chain(statements.iter().map(|open| open.repeat(5000)));
    for src in sources {
        let err = parse(src.as_bytes(), "=deep").expect_err("too deep");
        assert_eq!(err.message, "C stack overflow", "{}", &src[..20]);
    }
}

/// At the nesting limit the parser fits in well under 1 MiB of stack (about 384 KiB
/// measured at the dev profile's opt-level 1), so `load` is safe on small threads.
#[test]
fn deepest_accepted_nesting_fits_in_one_mebibyte_of_stack() {
    std::thread::Builder::new()
        .stack_size(1024 * 1024)
        .spawn(|| {
            for open in ["(", "{", "f(", "function() return ", "- ", "t[", "a .. "] {
                let close = match open {
                    "(" | "f(" => ")",
                    "{" => "}",
                    "t[" => "]",
                    "function() return " => " end",
                    _ => "",
                };
                // A function level is two levels: the `return` statement and its expression.
                let n = if open.starts_with("function") {
                    97
                } else {
                    196
                };
                let src = format!("x = {}1{}", open.repeat(n), close.repeat(n));
                parse(src.as_bytes(), "=t").unwrap_or_else(|e| panic!("{open}: {e}"));
            }
            let src = format!("{}{}", "do ".repeat(197), "end ".repeat(197));
            parse(src.as_bytes(), "=t").unwrap();
        })
        .unwrap()
        .join()
        .unwrap();
}
