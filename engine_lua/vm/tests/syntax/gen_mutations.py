#!/usr/bin/env python3
"""Regenerates mutations.txt: mutated valid snippets with the message luac5.4 -p - prints
(semantic errors, which the compiler reports, and non-ASCII messages left out).

Usage: python3 gen_mutations.py > mutations.txt  (needs luac5.4 on PATH)
"""
import random, subprocess, sys
sys.path.insert(0, __import__("os").path.dirname(__file__))

from gen_errors import escape
random.seed(11)
SNIPPETS = [
    b"local a <const>, b <close> = 1, 2\nreturn a + b",
    b"function t.a.b:m(x, ...) return self, x, ... end",
    b"for i = 1, 10, 2 do if i % 2 == 0 then goto continue end ::continue:: end",
    b"for k, v in pairs({1, 2, x = 3, [4] = 5}) do print(k, v) end",
    b"while x do x = x - 1 if x < 3 then break end end",
    b"repeat local y = f() until y ~= nil",
    b"local s = [==[long\nstring]==] .. 'a\\tb\\x41\\u{48}\\65\\z  c' .. \"q\"",
    b"x = 0x1p4 + 1e10 // 3 | 0xff ~ 7 & ~1 << 2 >> 1",
    b"local t = {f = function(...) return select('#', ...) end}; t.f(1, 2)",
    b"o:m'x' o:m{1} f{2} f'3' (f)() a.b[c].d = e",
    b"x = not a == b and c or #d .. -e ^ 2",
    b"--[[ comment ]] local function g(a) return g(a - 1) end -- tail\n",
    b"do local a = {} a[1], a[2] = 1, 2 end",
    b"if a then elseif b then else end",
    b"return function() return 1 end, {...}, (...)",
]
FRAGS = [b"(", b")", b"{", b"}", b"[", b"]", b"[[", b"]]", b"[=[", b"--", b"--[[", b"=", b"==", b",", b";", b":", b"::", b".", b"..", b"...", b"'", b"\"", b"\\", b"\\u{", b"\\x", b"\\z", b"\n", b"\r", b" ", b"end", b"function", b"local", b"return", b"if", b"then", b"else", b"do", b"while", b"until", b"for", b"in", b"goto", b"<const>", b"<close>", b"0x", b"1e", b"1.5", b"a", b"#", b"~", b"^", b"//", b"\x00", b"\xff", b"\x01"]
SEMANTIC = ("no visible label", "break outside", "attempt to assign", "already defined", "jumps into the scope", "too many", "C stack")
for _ in range(1500):
    s = bytearray(random.choice(SNIPPETS))
    for _ in range(random.randint(1, 3)):
        at = random.randint(0, len(s))
        k = random.randint(0, 3)
        if k == 0 and at < len(s): del s[at]
        elif k == 1 and at < len(s): s[at] = random.randint(0, 255)
        elif k == 2: s[at:at] = random.choice(FRAGS)
        else:
            e = min(len(s), at + random.randint(0, 10)); s[at:at] = s[at:e]
    src = bytes(s)
    r = subprocess.run(["luac5.4", "-p", "-"], input=src, capture_output=True)
    msg = r.stderr.decode("latin-1").strip()
    if msg.startswith("luac5.4: "): msg = msg[9:]
    if r.returncode == 0: msg = "OK"
    if any(x in msg for x in SEMANTIC): continue
    if "\n" in msg or not msg.isascii(): continue
    print("<<< " + escape(src)); print(msg)
