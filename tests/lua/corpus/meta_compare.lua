-- __eq, __lt, __le, __len, __concat, __call.
local mt = {}
mt.__eq = function(a, b) return a.v == b.v end
mt.__lt = function(a, b) return a.v < b.v end
mt.__le = function(a, b) return a.v <= b.v end
local function n(v) return setmetatable({v = v}, mt) end
local a, b, c = n(1), n(2), n(1)
print(a == c, a ~= c, a == b, a < b, b < a, a <= c, b >= a, a > b)
print(a == 1, rawequal(a, c), rawequal(a, a))
local other = setmetatable({v = 1}, {__eq = function() return true end})
print(a == other, other == a)
local L = setmetatable({}, {__len = function() return 42 end})
print(#L, rawlen(L), rawlen("abc"))
local C = setmetatable({name = "C"}, {__concat = function(x, y)
  local xs = type(x) == "table" and x.name or tostring(x)
  local ys = type(y) == "table" and y.name or tostring(y)
  return xs .. "+" .. ys
end})
print(C .. "s", "s" .. C, 1 .. C, C .. C, "a" .. "b" .. C)
local F = setmetatable({}, {__call = function(self, x, y) return "called", x, y end})
print(F(1, 2))
print(pcall(F, "p"))
local G = setmetatable({}, {__call = F})
print((G("g")), select(3, G("g")), select(2, G("g")) == F)
print(pcall(function() return {} < 1 end))
print(pcall(function() return n(1) < 1 end))
print(pcall(function() return {} .. "x" end))
print(pcall(function() local t = {} return #t + t end))
local strange = setmetatable({}, {__lt = function() return 1 end, __le = function() return nil end})
print(strange < strange, strange <= strange, strange > strange)
local cmp = {}
for i, v in ipairs({5, 3, 9}) do cmp[i] = n(v) end
table.sort(cmp)
print(cmp[1].v, cmp[2].v, cmp[3].v)
