-- Table reads and writes that need __index or __newindex functions, values that are not tables,
-- nil and NaN keys: the interpreter's slow paths run from the trace.
local calls = 0
local Lazy = setmetatable({}, {__index = function(t, k) calls = calls + 1; local v = (type(k) == "number" and k * 2 or #tostring(k)); rawset(t, k, v); return v end})
local Log = {}
local Logged = setmetatable({}, {__newindex = function(t, k, v) Log[#Log + 1] = tostring(k) .. "=" .. tostring(v); rawset(t, k, v) end})
local Default = setmetatable({}, {__index = function(t, k) return 0 end})
local s = 0
for i = 1, 300 do
  s = s + Lazy[i % 50] + Lazy["key" .. (i % 5)] + Lazy.fixed + Lazy[3]
  Logged[i % 20] = i
  Logged.name = "n" .. (i % 3)
  Logged[7] = true
  s = s + Default[i] + Default.x + Default[i % 2 == 0 and "a" or 1.5]
  local str = "abc"
  s = s + str.len(str) + (str.upper and 1 or 0)
end
print(s, calls, #Log, Log[1], Log[#Log])
print(pcall(function() local t = nil; for i = 1, 60 do local x = (i < 50 and {} or t).x end end))
print(pcall(function() local t = {} for i = 1, 60 do t[i < 55 and i or nil] = 1 end end))
print(pcall(function() local t = {} for i = 1, 60 do t[i < 55 and i or 0/0] = 1 end end))
local P = setmetatable({}, {__index = function(t, k) error("no field " .. k) end})
local n = 0
for i = 1, 50 do if not pcall(function() return P.zzz end) then n = n + 1 end end
print(n)
local obj = setmetatable({}, {__index = string})
local m = 0
for i = 1, 100 do m = m + (obj.len and 1 or 0) end
print(m)
