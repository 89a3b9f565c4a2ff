-- Numeric for loops: integer and float loops, steps, limits and edge cases.
local function run(a, b, c)
  local out = {}
  if c then
    for i = a, b, c do out[#out + 1] = tostring(i) if #out > 12 then break end end
  else
    for i = a, b do out[#out + 1] = tostring(i) if #out > 12 then break end end
  end
  return table.concat(out, " ")
end
print(run(1, 5))
print(run(5, 1))
print(run(5, 1, -1))
print(run(1, 10, 3))
print(run(1.0, 3))
print(run(1, 2, 0.5))
print(run(0.1, 0.5, 0.1))
print(run(1, 3.7))
print(run(-3, -1.5))
print(run(3, 1.5, -1))
print(run(math.maxinteger - 2, math.maxinteger))
print(run(math.mininteger, math.mininteger + 2))
print(run(math.mininteger + 2, math.mininteger, -1))
print(run(1, math.huge, 2^60))
print(run(1, -math.huge))
print(run(math.maxinteger, math.maxinteger + 1.0))
print(run(1, 0))
print(run("2", 4))
print(run(1, "3"))
print(pcall(run, 1, 10, 0))
print(pcall(run, 1, {}))
print(pcall(run, "a", 2))
print(pcall(run, 1, 2, "x"))
local n = 0
for i = 1, 3 do
  local j = i
  i = i * 10   -- changing the control variable does not affect the loop
  n = n + i + j
end
print(n)
