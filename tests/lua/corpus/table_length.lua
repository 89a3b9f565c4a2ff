-- The length operator on sequences (tables without holes).
local t = {}
print(#t)
for i = 1, 100 do t[i] = i end
print(#t)
t[#t] = nil
print(#t)
for i = #t, 51, -1 do t[i] = nil end
print(#t)
local u = {1, 2, 3, x = 1, y = 2}
print(#u)
u[#u + 1] = 4
print(#u)
local v = {n = 0}
for i = 1, 1000 do v[#v + 1] = i * 2 end
print(#v, v[1000], v[1001])
local w = {10, 20, 30, nil}
print(#w)
local s = {}
s[1] = "a"; s[2] = "b"; s[3] = "c"
print(#s, #"abc")
local big = {}
for i = 1, 5000 do big[i] = true end
for i = 5000, 2501, -1 do big[i] = nil end
print(#big)
local h = {}
h[1] = 1
h[2] = 2
h[4] = 4
h[4] = nil
print(#h)
print(#{n = 1}, #{nil}, #{"x"})
