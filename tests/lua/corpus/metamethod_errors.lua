-- Errors raised inside metamethods propagate with their own positions.
local mt = {
  __index = function(t, k) error("no key " .. tostring(k)) end,
  __add = function(a, b) error({code = "add"}) end,
  __call = function(self, x) return x * 2 end,
  __tostring = function() error("tostring failed") end,
}
local t = setmetatable({}, mt)
print(pcall(function() return t.missing end))
local ok, e = pcall(function() return t + 1 end)
print(ok, type(e), e.code)
print(t(21), pcall(t, "x"))
print(pcall(tostring, t))
print(pcall(print, t))
local bad_len = setmetatable({}, {__len = function() return "not a number" end})
print(#bad_len, pcall(table.insert, bad_len, 1))
local chain = setmetatable({}, {__index = setmetatable({}, {__index = function(_, k) return "deep " .. k end})})
print(chain.x)
local eq_err = setmetatable({}, {__eq = function() error("eq failed") end})
print(pcall(function() return eq_err == setmetatable({}, getmetatable(eq_err)) end))
local cmp = setmetatable({}, {__lt = function() error("lt failed", 0) end})
print(pcall(function() return cmp < cmp end))
print(pcall(table.sort, {cmp, cmp, cmp}))
