-- Allocates far more than stays live; memory must stay bounded and data intact.
local keep = {}
local checksum = 0
for round = 1, 200 do
  local garbage = {}
  for i = 1, 2000 do
    garbage[i] = {i, tostring(i), {nested = i * 2}}
  end
  local s = ""
  for i = 1, 50 do s = s .. string.char(65 + (i + round) % 26) end
  keep[round % 10 + 1] = {s = s, t = garbage[round]}
  checksum = checksum + #s + garbage[2000][3].nested
end
print(checksum)
for i = 1, 10 do io.write(keep[i].s:sub(1, 5), ":", keep[i].t[1], " ") end
print()
collectgarbage()
print(collectgarbage("count") < 50000)
local weakish = {}
for i = 1, 100000 do weakish[i % 100 + 1] = {i} end
print(#weakish, weakish[1][1], weakish[100][1])
local strings = {}
for i = 1, 50000 do strings[i % 500 + 1] = ("x"):rep(i % 100) .. i end
print(strings[1], #strings[500])
local function make(n) if n == 0 then return nil end return {next = make(n - 1), v = n} end
local total = 0
for r = 1, 100 do
  local l = make(200)
  while l do total = total + l.v; l = l.next end
end
print(total)
