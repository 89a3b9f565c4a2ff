-- Multiple assignment evaluates everything before assigning.
local a, b, c = 1, 2
print(a, b, c)
a, b = b, a
print(a, b)
local t = {1, 2, 3}
local i = 1
i, t[i] = i + 1, 20
print(i, t[1], t[2])
local x, y, z = (function() return 1, 2, 3 end)()
print(x, y, z)
x, y, z = 0
print(x, y, z)
local p, q = 1, 2, 3, 4
print(p, q)
local u = {}
u.a, u.b, u.a = 1, 2, 3
print(u.a, u.b)
local s = {}
s[1], s[2], s[3] = (function() return "a", "b", "c" end)()
print(table.concat(s))
local m, n = {}, {}
m.x, n.x = n, m
print(m.x == n, n.x == m)
local v = 5
local function f() v = v + 1; return v end
local r1, r2 = f(), f()
print(r1, r2, v)
local tt = {}
tt.k, tt = 1, {k = 2}
print(tt.k)
