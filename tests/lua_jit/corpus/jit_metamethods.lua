-- Arithmetic, length, concatenation and comparisons through metamethods and coercions in traces
-- (the interpreter's slow paths, called from the trace), errors raised there included.
local V = {}
V.__index = V
V.__add = function(a, b) return setmetatable({x = a.x + b.x}, V) end
V.__mul = function(a, k) return setmetatable({x = a.x * k}, V) end
V.__unm = function(a) return setmetatable({x = -a.x}, V) end
V.__len = function(a) return a.x end
V.__concat = function(a, b) return (type(a) == "table" and a.x or a) .. "|" .. (type(b) == "table" and b.x or b) end
local function vec(x) return setmetatable({x = x}, V) end
local acc, n, s = vec(0), 0, 0
for i = 1, 300 do
  local v = vec(i)
  acc = acc + v
  acc = acc + (-v) * 2
  n = n + #v
  s = s + #(v .. "x") + #("y" .. v)
  n = n + ("10" + i) + ((i .. "") + 1) + ("3" * 2)
  n = n + (2.0 & i) + (i | 1.0)
end
print(acc.x, n, s)
local ok, e = pcall(function() local t = 0 for i = 1, 100 do t = t + (i < 90 and i or {}) end end)
print(ok, e)
ok, e = pcall(function() local t = 0 for i = 1, 100 do t = t + (i < 95 and 1 or 1.5) // 0 end end)
print(ok, e)
ok, e = pcall(function() for i = 1, 100 do local x = (i < 80 and 3 or 2.5) | 1 end end)
print(ok, e)
local errs = 0
local E = setmetatable({}, {__add = function() error("boom") end})
for i = 1, 100 do if not pcall(function() return E + i end) then errs = errs + 1 end end
print(errs)
local P = {}
P.__index = P
P.__eq = function(a, b) return a.k == b.k end
P.__lt = function(a, b) return a.k < b.k end
P.__le = function(a, b) return a.k <= b.k end
local function p(k) return setmetatable({k = k}, P) end
local pts = {}
for i = 1, 50 do pts[i] = p(i % 7) end
local eq, lt, le = 0, 0, 0
for round = 1, 20 do
  for i = 1, #pts - 1 do
    local a, b = pts[i], pts[i + 1]
    if a == b then eq = eq + 1 end
    if a ~= b then eq = eq + 10 end
    if a < b then lt = lt + 1 else lt = lt + 100 end
    if a <= b then le = le + 1 end
    if not (b < a) then le = le + 1000 end
  end
end
print(eq, lt, le)
table.sort(pts, function(x, y) return x < y end)
print(pts[1].k, pts[50].k)
local i, w = 0, p(0)
while w < p(40) do w = p(w.k + 1); i = i + 1 end
print(i)
print(pcall(function() local c = 0 for j = 1, 60 do if (j < 50 and p(1) or 1) < p(2) then c = c + 1 end end return c end))
local B = setmetatable({}, {__lt = function() error("no order") end})
local errs = 0
for j = 1, 40 do if not pcall(function() return B < B end) then errs = errs + 1 end end
print(errs)
