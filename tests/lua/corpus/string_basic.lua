-- Basic string functions and their index conventions.
local s = "Hello, World"
print(#s, s:len(), string.len(""), #"\0\0\0")
print(s:sub(1, 5), s:sub(-5), s:sub(-5, -3), s:sub(8), s:sub(0), s:sub(100), s:sub(5, 2), s:sub(-100, 2))
print(s:upper(), s:lower(), ("abc"):reverse(), (""):reverse())
print(("ab"):rep(3), ("ab"):rep(3, "-"), ("x"):rep(0), ("x"):rep(-1), ("x"):rep(1, ","))
print(s:byte(), s:byte(1, 3), s:byte(-1), s:byte(100), s:byte(3, 2))
print(string.char(), string.char(72, 105, 33), string.char(0):byte())
print(pcall(string.char, -1))
print(pcall(string.rep))
print(pcall(string.sub))
print(("%d items"):format(3), ("test"):upper():lower())
local t = {}
for i = 0, 255 do t[#t + 1] = string.char(i) end
local all = table.concat(t)
print(#all, all:byte(1), all:byte(256), all:sub(66, 70))
print(("x"):rep(3, ""), ("abc"):sub(2, 2), ("abc"):sub(-1, -1))
print(tostring(12):len(), #tostring(1.5))
print(("a,b,,c"):find(",", 1, true), ("a.b"):find(".", 1, true))
