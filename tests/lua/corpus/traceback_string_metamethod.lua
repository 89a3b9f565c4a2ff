-- A string metamethod in a traceback is named by the instruction that called it, as in
-- lua5.4 ("metamethod 'add'"), not by a library field (it is none).
local function f(x) return x + 1 end
local ok, tb = xpcall(f, debug.traceback, "not a number")
print(ok)
print(tb)
local ok2, tb2 = xpcall(function() return -"x" end, debug.traceback)
print(ok2)
print(tb2)
