-- Integer and float division and modulo corner cases.
local mi, ma = math.mininteger, math.maxinteger
print(mi // 1, mi // -1, mi % -1, ma // -1, ma % 2, mi % 2)
print(5 // 3, 5 // -3, -5 // 3, -5 // -3, 5 % 3, 5 % -3, -5 % 3, -5 % -3)
print(5.0 // 3, 5 // -3.0, -5.0 // 3, 5.5 % 2, -5.5 % 2, 5.5 % -2)
print(1 // math.huge, -1 // math.huge, 1 % math.huge, -1 % math.huge, 1 % -math.huge)
print(0.0 // 1, -0.0 // 1, 0 % -3, 0.0 % -3)
print(pcall(function() return 1 // 0 end))
print(pcall(function() return 1 % 0 end))
print(1 // 0.0, -1 // 0.0, 1.0 // 0)
print(math.type(6 // 2), math.type(6 // 2.0), math.type(6 % 4), math.type(6.0 % 4))
print(7 // 2 * 2 + 7 % 2, -7 // 2 * 2 + -7 % 2)
for a = -6, 6, 3 do for b = -4, 4, 4 do if b ~= 0 then io.write(a // b, ",", a % b, " ") end end end
print()
