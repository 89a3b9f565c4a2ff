-- Comparisons between integers and floats are exact, whatever the magnitude.
local max, min = math.maxinteger, math.mininteger
print(1 == 1.0, 1 < 1.5, 2 > 1.5, -1 < -0.5, 0 == -0.0)
print(2^53 == 2^53 + 1, math.tointeger(2^53) == 9007199254740992)
print(9007199254740993 < 2^53 + 2, 9007199254740993 > 2^53, 9007199254740993 == 2^53)
print(max < 2^63, max + 0.0 == 2^63, max == 2^63, min == -2^63, min < -2^63)
print(max > 9.2233720368547e18, min <= -9.2233720368548e18)
print(1 < math.huge, max < math.huge, min > -math.huge)
print(3 <= 3.0, 3 >= 3.0, 3 ~= 3.0000001)
print("a" < "b", "a" < "ab", "Z" < "a", "" < "a", "abc" <= "abc", "b" >= "abc")
print("\0a" < "\0b", "a\0" > "a", "\200" > "a")
local t = {}
print(t == t, t ~= {}, "1" == 1, 0 == false, nil == false)
print(pcall(function() return 1 < "2" end))
print(pcall(function() return {} < {} end))
print(pcall(function() return nil <= 1 end))
print(pcall(function() return "x" >= 1 end))
