//! Shared helpers of the binary-chunk tests: a corpus of compiled programs.

#![allow(dead_code)]

use engine_lua::proto::{Proto, UpvalDesc};
use std::path::Path;
use std::rc::Rc;

/// Small programs that between them use every kind of instruction the compiler emits.
pub const SNIPPETS: &[&str] = &[
    "",
    "return",
    "return 1",
    "local a, b = 1, 2.5; return a + b, a - b, a * b, a / b, a // b, a % b, a ^ b",
    "local a = ...; return a & 3, a | 4, a ~ 5, a << 1, a >> 2, ~a, -a, not a, #a",
    "local a, b = ...; return a & b, a | b, a ~ b, a << b, a >> b, a .. b .. 'x'",
    "x = 1; y = x + 2; print(x, y)",
    "local t = {} t.x = 1 t[1] = 2 t[x] = 3 t.y = t.x return t.x, t[1], t[y]",
    "local t = {1, 2, 3, x = 4, [5] = 6, f(), ...} return t",
    "local t = {f()} local u = {...} return #t + #u",
    "return ...",
    "return 1, ...",
    "print(...)",
    "return f(...)",
    "return f(g())",
    "local function f(n) if n < 2 then return n end return f(n - 1) + f(n - 2) end return f(10)",
    "local a = 0 for i = 1, 10 do a = a + i end for i = 10, 1, -1 do a = a - i end return a",
    "for i = 1.0, 2.0, 0.5 do print(i) end",
    "for k, v in pairs(t) do print(k, v) end for i, v in ipairs(t) do end",
    "for a, b, c, d, e in next, t do print(a, b, c, d, e) end",
    "local i = 0 while i < 10 do i = i + 1 if i == 5 then break end end return i",
    "local i = 0 repeat local j = i i = i + 1 until j > 3 return i",
    "goto skip print(1) ::skip:: do goto done end ::done::",
    "local x <const> = 10 local y <close> = nil return x",
    "local function f() local t <close> = setmetatable({}, {__close = print}) return 1 end",
    "local a = 1 local function f() a = a + 1 return function() return a end end return f",
    "local a, b, c = 1, 2, 3 return function() return function() return a + b + c end end",
    "local o = {} function o:m(x) return self, x end return o:m(1), o.m(o, 2)",
    "local s = 'abc' return s:upper(), s:len(), ('x'):rep(3)",
    "return a and b or c, a == b, a ~= b, a < b, a <= b, a > b, a >= b",
    "if a == 1 then return 1 elseif a ~= 'x' then return 2 elseif a > 3.5 then return 3 end",
    "if a then b = 1 end if not a then b = 2 end if a and b then c = 3 end if a or b then c = 4 end",
    "return a == nil, a == true, a == 'str', a == 1.5, a < 100, a >= -100",
    "local x = a == b return x",
    "local t = {} t[1] = 1.5 t[2] = 'x' t.k = true t[x] = nil return t",
    "return 1 + 2 * 3, 2^53, 1 // 0.0, -0.0, 'a' .. 'b', 10 // 3, 7 % -3",
    "return 9007199254740993, -9223372036854775808, 1e300, 0x7fffffffffffffff",
    "local a <const> = 'k' local t = {} t[a] = a return t[a]",
    "local function v(...) local a, b = ... return select('#', ...), a, b end return v(1, 2, 3)",
    "local function v(a, b, ...) return ... end return v()",
    "return function(...) local t = {...} return table.unpack(t) end",
    "local a, b = 1 local c, d = f() local e, g = ..., nil",
    "local x = 1 x = 2 local y = x return y",
    "do local a, b, c, d, e, f, g, h end local i",
    "return {[1] = 1, [2] = 2, x = {y = {z = 1}}}",
    "print(('x'):rep(3), #{}, -(-1), ~0)",
    "local s = 0 for i = 1, 3 do local function g() return i end s = s + g() end return s",
    "while true do local x = f() if x then goto continue end print(x) ::continue:: end",
    "local t = setmetatable({}, {__index = function(t, k) return k end}) return t.x",
    "a.b.c.d = 1 return a.b.c.d",
    "local mt = {} mt.__add = function(a, b) return 1 end return mt",
    "return 'long string constant that is not short at all, more than forty bytes long'",
    "return '\\0\\1\\2\\255', \"\\u{10FFFF}\"",
];

/// A table constructor with 400 items (SETLIST with an EXTRAARG).
pub fn big_constructor() -> String {
    let items: Vec<String> = (0..400).map(|i| i.to_string()).collect();
    format!("return {{{}}}", items.join(", "))
}

/// More than 65536 constants (LOADKX with an EXTRAARG).
pub fn many_constants() -> String {
    let mut s = String::from("local t = {}\n");
    for i in 0..66000 {
        s.push_str(&format!("t[1] = {i}.5\n"));
    }
    s.push_str("t[1] = 'last'\n");
    s
}

/// Every `.lua` file under `tests/` and `bench/` of the repository.
pub fn repository_scripts() -> Vec<(String, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut out = Vec::new();
    for dir in ["tests", "bench"] {
        collect(&root.join(dir), &mut out);
    }
    out.sort();
    out
}

fn collect(dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let path = e.path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n != "target") {
                collect(&path, out);
            }
        } else if path.extension().is_some_and(|x| x == "lua") {
            out.push((path.display().to_string(), std::fs::read(&path).unwrap()));
        }
    }
}

/// Every program of the corpus that compiles, with its chunk name.
pub fn corpus() -> Vec<(String, Proto)> {
    let mut out = Vec::new();
    for (i, s) in SNIPPETS.iter().enumerate() {
        let name = format!("=snippet{i}");
        let p = engine_lua::compiler::compile_source(s.as_bytes(), &name)
            .unwrap_or_else(|e| panic!("snippet {i}: {e}"));
        out.push((name, p));
    }
    let big = big_constructor();
    out.push((
        "=big".into(),
        engine_lua::compiler::compile_source(big.as_bytes(), "=big").unwrap(),
    ));
    for (path, src) in repository_scripts() {
        let name = format!("@{path}");
        if let Ok(p) = engine_lua::compiler::compile_source(&src, &name) {
            out.push((name, p));
        }
    }
    out
}

/// The proto with the debug information `string.dump(f, true)` drops removed, as
/// `undump` rebuilds it.
pub fn stripped(p: &Proto) -> Proto {
    Proto {
        source: Rc::from("=?"),
        protos: p.protos.iter().map(|c| Rc::new(stripped(c))).collect(),
        upvalues: p
            .upvalues
            .iter()
            .map(|u| UpvalDesc {
                name: Rc::from(""),
                ..u.clone()
            })
            .collect(),
        line_info: Vec::new(),
        loc_vars: Vec::new(),
        ..p.clone()
    }
}

/// A fixed-seed xorshift64 generator.
pub struct XorShift(pub u64);

impl XorShift {
    /// The next number.
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// A number below `n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}
