-- pcall, xpcall and error values.
print(pcall(error, "plain", 0))
print(pcall(error))
local ok, e = pcall(error, {code = 42})
print(ok, type(e), e.code)
print(pcall(function() return 1, 2, 3 end))
print(pcall(pcall, error, "nested"))
print(select("#", pcall(error)))
print(xpcall(function() error("boom") end, function(m) return "handled: " .. m end))
print(xpcall(function(a, b) return a + b end, print, 2, 3))
print(xpcall(function() error({}) end, function(m) return type(m) end))
print(xpcall(function() local x = nil; return x.y end, function(m) return (m:gsub("^.-:%d+: ", "")) end))
local function lvl1() error("at level 1", 1) end
local function lvl2() error("at level 2", 2) end
local function caller() lvl2() end
print(pcall(lvl1))
print(pcall(caller))
print(pcall(assert, false))
print(pcall(assert, nil, "custom message"))
print(type(select(2, pcall(assert, false, {1}))))
print(assert(1, "unused"), select("#", assert(1, 2, 3)))
print(pcall(assert))
local depth = 0
local function recurse() depth = depth + 1; recurse() end
local okr, er = pcall(recurse)
print(okr, er, depth > 1000)
local function deep_pcall(n) if n == 0 then error("bottom") end return pcall(deep_pcall, n - 1) end
print(deep_pcall(50))
local t = setmetatable({}, {__index = function(_, k) error("no field " .. k) end})
print(pcall(function() return t.abc end))
print(pcall(error, setmetatable({}, {__tostring = function() return "custom error" end})))
local co = 0
local okx, ex = xpcall(function() co = co + 1; error("first") end, function(m) co = co + 10; return m .. "!" end)
print(okx, ex, co)
print(pcall(string.rep, "x", -1), pcall(string.rep))
print(string.format("%s", select(2, pcall(error, "E"))))
