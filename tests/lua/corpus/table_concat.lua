-- table.concat: separators, ranges (empty, partial, reaching the hash part), numbers, long
-- results, invalid items, and tables behind __index and __len.
local t = {"a", "bb", "ccc", 4, 5.5, "z"}
print(table.concat(t), table.concat(t, ", "), table.concat(t, "-", 2, 3), table.concat(t, "-", 3, 2))
print(table.concat({}, "x"), table.concat({"only"}, "x"), table.concat({"a","b"}, "", 1, 2))
local long = {} for i = 1, 30 do long[i] = "item" .. i end
print(#table.concat(long), #table.concat(long, "; "), table.concat(long, ",", 29))
print(table.concat(long, string.rep("=", 3), 1, 3))
print(pcall(table.concat, {"a", {}, "c"}))
print(pcall(table.concat, {"a", "b"}, "", 1, 5))
local m = setmetatable({}, {__index = function(_, i) return "m" .. i end, __len = function() return 3 end})
print(table.concat(m, "+"))
local h = {} h[1] = "x" h[3] = "z" h[2] = "y"
print(table.concat(h, ""))
print(table.concat({"x", "y"}, "", 0, -1), pcall(table.concat, {"x"}, "", 0, 1))
