-- s:method() in a loop keeps the method it found while the string metatable and the string
-- table stay as they are; replacing a method, the __index table or the metatable in the middle
-- of the loop must be seen at once.
local s = "hello world"
local out = {}
local orig_sub, orig_upper = string.sub, string.upper
for i = 1, 200 do
  out[#out + 1] = s:sub(1, 1 + i % 5)
  if i == 60 then string.sub = function(str, a, b) return "[" .. orig_sub(str, a, b) .. "]" end end
  if i == 90 then string.sub = orig_sub end
  if i == 120 then getmetatable("").__index = {sub = function() return "other" end} end
  if i == 150 then getmetatable("").__index = string end
end
print(table.concat(out, ","))
local n = 0
for i = 1, 100 do
  n = n + #s:upper()
  if i == 50 then rawset(string, "upper", function() return "x" end) end
end
string.upper = orig_upper
print(n, s:upper(), ("abc"):rep(2), ("x"):byte())
