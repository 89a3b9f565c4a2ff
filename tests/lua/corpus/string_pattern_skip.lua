-- Searches whose pattern starts with a literal character jump between its occurrences: results,
-- counts and errors must stay those of a search that tries every position.
local s = "xx item12 yy item7 zz itemabc item9*"
print(s:gsub("item(%d+)", "<%1>"))
print(s:gsub("%*", "%0%0"))
print(s:find("item%d"), s:find("item%d", 10), s:find("q%d"), s:find("y+"), s:find("z*"))
print(s:match("i(t)em(%d)"), s:match("%*$"), s:match("^xx"), s:match("^yy"))
for w in s:gmatch("item%d+") do io.write(w, ";") end print()
for w in s:gmatch("y") do io.write(w, ";") end print()
print(("aaa"):gsub("a", "b", 2), ("abc"):gsub("x", "y"), (""):gsub("a", "b"), ("a.b.c"):gsub("%.", "/"))
print(pcall(string.gsub, "abc", "b[", "x"), pcall(string.gsub, "abc", "x[", "y"))
print(pcall(string.find, "abc", "c%"), pcall(string.find, "abc", "d%"))
print(("]x]"):gsub("]", "!"), ("-a-"):gsub("%-", "+"), ("a\0b\0"):gsub("%z", "Z"))
print(s:find("m", 1, true), s:find("e", -5), ("hello"):find("l", 10))
