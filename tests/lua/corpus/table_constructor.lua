-- Table constructors: positional, named and computed keys, multiple results.
local function three() return 1, 2, 3 end
local function none() end
local t = {three()}
print(#t, t[3])
t = {three(), three()}
print(#t, t[1], t[2], t[4])
t = {(three())}
print(#t)
t = {none(), none()}
print(#t, t[1])
t = {x = 1, "a", y = 2, "b", [10] = "ten", "c"; "d"}
print(#t, t.x, t.y, t[10], t[3], t[4])
t = {[1] = "explicit", "positional"}
print(t[1])
local n = {}
for i = 1, 120 do n[i] = i end
t = {table.unpack(n)}
print(#t, t[120])
t = {1, 2, 3, nil, 5, nil}
print(t[5], t[6])
local nested = {a = {b = {c = "deep"}}, {1, {2, {3}}}}
print(nested.a.b.c, nested[1][2][2][1])
local k = "key"
t = {[k] = "v", [k .. "2"] = "v2", [1 + 1] = "two"}
print(t.key, t.key2, t[2])
local function va(...) return {...} end
print(#va(), #va(nil, nil), #va(1, 2, 3))
t = {f = function(self) return self.v end, v = 42}
print(t:f())
t = {"x", "y", n = select("#", three())}
print(t.n, #t)
