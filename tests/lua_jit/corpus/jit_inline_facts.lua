-- What a trace knows about values (types, floats in registers) carries into inlined calls and
-- back: the callee's parameters are the caller's arguments. Types that change between calls,
-- results that replace the function slot, floats kept in a register across the call, and
-- errors inside the callee must all behave as in the interpreter.

local function area(w, h) return w * h end
local function avg(a, b) return (a + b) / 2 end
local function pick(t, i) return t[i] end
local function shout(s) return s .. "!" end

local vals = {}
for i = 1, 200 do
  if i % 50 == 0 then vals[i] = 2.5 elseif i % 70 == 0 then vals[i] = "7" else vals[i] = i end
end

local s1, s2, s3 = 0, 0.0, {}
for i = 1, 200 do
  local v = vals[i]
  s1 = s1 + area(v, 3)              -- int, float, or a string coerced by arithmetic
  local f = i * 0.5
  s2 = s2 + avg(f, f * 2) + avg(i, 1)  -- float kept in a register, then an int call
  s3[#s3 + 1] = pick(vals, i)
end
print(s1, s2, #s3, s3[50], s3[70], s3[199])

-- A callee whose result slot is read right after, then overwritten by the next call.
local acc = {}
for i = 1, 100 do
  local x = area(i, i) + area(i, 2)
  acc[i % 10 + 1] = (acc[i % 10 + 1] or 0) + x
end
print(table.concat(acc, " "))

-- Errors inside the callee, caught around the loop.
local ok, err = pcall(function()
  local t = 0
  for i = 1, 100 do
    t = t + area(i, i < 90 and i or {})
  end
  return t
end)
print(ok, (tostring(err):gsub("^.-:(%d+):", "line %1:")))

local words = {}
for i = 1, 60 do words[#words + 1] = shout(i % 7 == 0 and i or "w" .. i) end
print(words[7], words[8], #words)
