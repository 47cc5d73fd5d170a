-- String literal escapes and long brackets: \n \t \ddd \xhh \u{...} \z, levels, first newline.
local s = "a\tb\\c\"d\'e\
f"
print(s, #s)
print("\65\066\0671", "\x41\x62\x7A", "\u{48}\u{49}", #"\u{10FFFF}", #"\u{7FFFFFFF}")
print(("\0\1\127\255"):byte(1, -1))
print("line1\z
       continued", "a\z  b")
print([[long
string with "quotes" and \n not escaped]])
print([==[with ]] and ]=] inside]==])
print([[
first newline skipped]], #[[
]])
print("\r\n" == "\13\10", "\a\b\f\v" == "\7\8\12\11")
print(select(2, load('return "\\q"')))
print(select(2, load('return "\\300"')))
print(select(2, load('return "\\xZZ"')))
print(select(2, load('return "\\u{110000000}"')))
print(select(2, load('return "unfinished')))
print(select(2, load("return [==[ unfinished ]=]")))
print('single \'quoted\'', "tab:\t|")
-- comment
--[[ block
comment ]] print("after block comment")
--[==[ another
]] still comment ]==] print("after level-2 comment")
