-- Strings share a metatable whose __index is the string table.
local s = "Lua"
print(s:len(), s:upper(), ("x"):rep(3), s:byte(1), #s)
print(getmetatable("").__index == string, getmetatable("abc") == getmetatable(""))
string.shout = function(self) return self:upper() .. "!" end
print(("hey"):shout())
local n = 42
print(("%05.1f"):format(n), tostring(n):rep(2))
print(pcall(function() return ("x"):nomethod() end))
print(pcall(function() local t = nil; return t:upper() end))
print(#"", ("abc"):sub(2):upper():rep(2, "."))
local parts = {}
for i = 1, 5 do parts[i] = ("item%d"):format(i) end
print(table.concat(parts, ","))
