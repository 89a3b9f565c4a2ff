-- string.find: plain and pattern searches, init positions, anchors.
local s = "hello world from lua"
print(s:find("world"), s:find("o"), s:find("o", 6), s:find("o", -3), s:find("xyz"))
print(s:find("l+"), s:find("^hello"), s:find("^world"), s:find("lua$"), s:find("o w", 1, true))
print(s:find(""), s:find("", 100), s:find("", #s + 1), s:find("h", 0), s:find("a", -1))
print(("a+b"):find("+", 1, true), ("a+b"):find("%+"), ("a.b"):find("."), ("a.b"):find("%."))
print(("[x]"):find("[", 1, true), ("f(x)"):find("(", 1, true), ("50%"):find("%", 1, true))
print(("key = value"):find("(%w+)%s*=%s*(%w+)"))
print(("  x"):find("%S"), ("abc"):find("b", 10), ("abc"):find("c", -1))
print(("aaa"):find("a-"), ("aaa"):find("a-$"), ("aaab"):find("a*b"))
print(string.find("x^y", "^", 1, true), string.find("x^y", "x^"), string.find("$", "$"))
