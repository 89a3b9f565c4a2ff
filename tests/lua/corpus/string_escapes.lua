-- String literal escapes and long brackets.
print("a\tb", "c\\d", "e\"f", 'g\'h', "\65\066\0671")
print("\x41\x62\x7A", "\u{48}\u{49}", #"\u{7FF}", #"\u{FFFF}", #"\u{10FFFF}", #"\u{7FFFFFFF}")
print(("\u{E9}"):byte(1, -1))
print("one\
two")
print("a\z
       b", "c\z   d")
print([[long
string]], [==[with ]] inside]==], [[
skips first newline]])
print(#[[]], #"\n", ("\r\n"):byte(1, -1))
print("\0" == "\x00", #"a\0b", ("a\0b"):byte(2))
print("\a\b\f\v" == "\7\8\12\11")
local s = "\255\254"
print(s:byte(1, 2), #s)
print('\'', "\'", [['"]])
-- comments
--[[ block
comment ]] print("after block comment")
--[==[ another ]] still comment ]==] print("after level-2 comment")
print(load("return '\\q'"))
print(load("return '\\300'"))
print(load("return '\\xZZ'"))
print(load("return 'unfinished"))
print(load("return [[unfinished"))
