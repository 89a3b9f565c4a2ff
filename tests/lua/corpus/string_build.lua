-- Building strings: concatenation chains, table.concat, rep, format.
local parts = {}
for i = 1, 1000 do parts[#parts + 1] = tostring(i) end
local s = table.concat(parts, ",")
print(#s, s:sub(1, 20), s:sub(-10))
local acc = ""
for i = 1, 300 do acc = acc .. i .. ";" end
print(#acc, acc:sub(-12))
local a, b, c, d = "a", 1, 2.5, "d"
print(a .. b .. c .. d, a .. (b + 1) .. d)
local big = string.rep("0123456789", 10000)
print(#big, big:sub(99995, 100000), #(big .. big))
local lines = {}
for i = 1, 5 do lines[i] = string.format("%3d | %-5s | %6.2f", i, ("*"):rep(i), i / 3) end
print(table.concat(lines, "\n"))
local words = {}
for w in ("the quick brown fox"):gmatch("%a+") do words[#words + 1] = w:sub(1, 1):upper() .. w:sub(2) end
print(table.concat(words, " "))
local ok = pcall(function() return ("x"):rep(2^31) end)
print(ok)
local chain = "a" .. "b" .. "c" .. "d" .. "e" .. "f" .. "g" .. "h" .. "i" .. "j"
print(chain, #chain)
local n = 0
for i = 1, 100 do n = n + #(i .. "") end
print(n)
