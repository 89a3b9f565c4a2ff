-- table.sort with the default order and with comparison functions.
local function show(t) print(table.concat(t, " ")) end
local t = {5, 2, 8, 1, 9, 3, 7, 4, 6, 0}
table.sort(t) show(t)
table.sort(t, function(a, b) return a > b end) show(t)
local s = {"banana", "apple", "Cherry", "date", "apple pie", ""}
table.sort(s) show(s)
local f = {3.5, -1, 2, 2.25, 1e10, -math.huge, 0}
table.sort(f) show(f)
local recs = {}
for i, name in ipairs({"d", "b", "a", "e", "c"}) do recs[i] = {name = name, n = i} end
table.sort(recs, function(x, y) return x.name < y.name end)
local out = {}
for i, r in ipairs(recs) do out[i] = r.name .. r.n end
show(out)
local big = {}
local x = 12345
for i = 1, 2000 do x = (x * 1103515245 + 12345) % 2147483648; big[i] = x end
table.sort(big)
local ok = true
for i = 2, #big do if big[i - 1] > big[i] then ok = false end end
print(ok, #big)
local words = {}
for i = 1, 300 do words[i] = tostring((i * 7919) % 1000) end
table.sort(words)
print(words[1], words[2], words[300])
table.sort(big, function(a, b) return a > b end)
print(big[1] >= big[2], big[2000] <= big[1999])
print(pcall(table.sort, {1, "x", 2}))
print(pcall(table.sort, {1, 2}, 3))
local one = {1}
table.sort(one) show(one)
local sorted = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20}
table.sort(sorted, function(a, b) return a > b end) show(sorted)
