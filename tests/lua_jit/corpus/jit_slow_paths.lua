-- Method calls on objects whose methods come from __index functions and on files, ~ of floats,
-- division by a constant zero, comparisons with an immediate through metamethods.
local out = io.stdout
local n = 0
local Obj = setmetatable({}, {__index = function(t, k) return function(self, x) return x + 1 end end})
for i = 1, 100 do
  n = n + Obj:inc(i)
  n = n + (~(i + 0.0))
  if i % 25 == 0 then out:write(i, " ") end
end
out:write("\n")
print(n)
print(pcall(function() for i = 1, 60 do local x = (i < 50 and 1 or 0) // 0 end end))
print(pcall(function() for i = 1, 60 do local x = (i < 50 and 7 or 0) % 0 end end))
local T = setmetatable({}, {__lt = function(a, b) return type(a) == "table" end, __le = function(a, b) return type(b) == "table" end})
local c = 0
for i = 1, 100 do
  if T < 5 then c = c + 1 end
  if T > 5 then c = c + 10 end
  if T <= 5 then c = c + 100 end
  if T >= 5 then c = c + 1000 end
end
print(c)
print(pcall(function() for i = 1, 60 do if (i < 50 and 1 or "x") < 3 then end end end))
print(pcall(function() local z = nil; for i = 1, 60 do local m = (i < 55 and out or z):write("") end end))
