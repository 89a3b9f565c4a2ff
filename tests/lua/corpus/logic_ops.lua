-- and/or/not return operands; only nil and false are false.
print(1 and 2, nil and 2, false and 2, 1 or 2, nil or 2, false or nil, nil or false)
print(not nil, not false, not 0, not "", not {}, not not nil)
print(0 and "zero is true", "" and "empty string is true")
local x = nil
local y = x or "default"
print(y, x and x.field, (x or {}).field)
local function f(v) return v and "yes" or "no" end
print(f(true), f(false), f(nil), f(0))
local calls = 0
local function side(v) calls = calls + 1 return v end
local _ = side(false) and side(true)
local _ = side(true) or side(false)
print(calls)
print(1 == 1 and 2 == 2, 1 == 2 or 3 == 3, not (1 == 2))
local a, b = 5, 10
print(a < b and "less" or "not less", a > b and "greater" or "not greater")
print((nil or false) == false, (false or nil) == nil)
local t = {}
t.x = t.x or 1
t.x = t.x or 2
print(t.x)
if nil then print("no") elseif false then print("no") else print("else branch") end
local n = 0
while n < 3 and true do n = n + 1 end
print(n)
repeat n = n - 1 until n == 0 or n < -5
print(n)
print(1 < 2 == true, "a" < "b" == (1 < 2), not 1 == 2)
