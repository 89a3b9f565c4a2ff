-- Metamethods receive operands in source order, constants included.
local log = {}
local mt = {}
for _, ev in ipairs({"add", "sub", "mul", "div", "mod", "pow", "idiv", "band", "bor", "bxor", "shl", "shr", "concat", "lt", "le"}) do
  mt["__" .. ev] = function(a, b)
    log[#log + 1] = ev .. "(" .. (type(a) == "table" and "T" or tostring(a)) .. "," .. (type(b) == "table" and "T" or tostring(b)) .. ")"
    return ev == "lt" or ev == "le" or 0
  end
end
local T = setmetatable({}, mt)
local _ = 2 + T, T + 2, 2 * T, T * 2, 2.5 + T, 1 - T, T - 1, 2 / T, T / 2
_ = 3 % T, T ^ 2, 2 ^ T, 7 // T, 1 & T, T | 2, 3 ~ T, 1 << T, T >> 1
_ = "s" .. T, T .. 1, 1 < T, T < 1, 1 <= T, T >= 2, T > 3, 2.5 < T
print(table.concat(log, " "))
local stores = {}
local proxy = setmetatable({}, {__newindex = function(t, k, v) stores[#stores + 1] = tostring(k) .. "=" .. tostring(v) end})
proxy.a = 1
proxy.b = nil
proxy[1] = true
proxy[2] = "two"
proxy[2.5] = false
local key = "dyn"
proxy[key] = 3.5
print(table.concat(stores, " "))
print(pcall(function() local t = {} t[nil] = 1 end))
print(pcall(function() local t = {} local k = 0/0 t[k] = true end))
local t = {}
t.x = 1; t.x = nil; t.x = 2
t[1] = false; t[2] = nil; t[3] = "s"
print(t.x, t[1], t[2], t[3], #t == 3 or #t == 1)
