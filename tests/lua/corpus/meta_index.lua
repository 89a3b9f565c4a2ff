-- __index and __newindex with functions and tables, raw access.
local log = {}
local base = {inherited = "from base"}
local t = setmetatable({own = "own"}, {__index = base})
print(t.own, t.inherited, t.missing, rawget(t, "inherited"))
local calls = 0
local d = setmetatable({}, {__index = function(tbl, k) calls = calls + 1; return k .. "!" end})
print(d.x, d[1], d.x, calls)
local chain = setmetatable({}, {__index = setmetatable({}, {__index = setmetatable({}, {__index = {deep = 3}})})})
print(chain.deep)
local store = {}
local proxy = setmetatable({}, {
  __index = function(_, k) return store[k] end,
  __newindex = function(_, k, v) log[#log + 1] = tostring(k) .. "=" .. tostring(v); store[k] = v end,
})
proxy.a = 1
proxy.b = 2
proxy.a = 3
print(proxy.a, proxy.b, rawget(proxy, "a"), table.concat(log, " "))
local target = {}
local redirect = setmetatable({}, {__newindex = target})
redirect.x = 10
print(rawget(redirect, "x"), target.x)
rawset(redirect, "y", 20)
print(redirect.y, target.y)
local ro = setmetatable({}, {__newindex = function(t, k) error("read-only field " .. k, 2) end})
print(pcall(function() ro.z = 1 end))
local existing = setmetatable({v = 1}, {__newindex = function() error("not called") end})
existing.v = 2
print(existing.v)
local default = setmetatable({}, {__index = function() return 0 end})
default.count = default.count + 1
print(default.count, default.other)
local arr = setmetatable({}, {__index = function(t, i) return i * i end})
print(arr[1], arr[5], #arr)
local strmeta = getmetatable("")
print(strmeta.__index == string)
print(pcall(function() local n = 5; return n.field end))
local loop = setmetatable({}, {})
getmetatable(loop).__index = loop
print(pcall(function() return loop.x end))
