-- Table constructors in traces: fixed lists, lists ending in a call or `...` that give more
-- values than the array was made for (the array grows while the list is stored), none, or
-- exactly one.

local function none() end
local function one(x) return x end
local function many(n) local t = {} for i = 1, n do t[i] = i * n end return table.unpack(t) end
local function pack(...) return {...} end

local lens, sums = {}, {}
for i = 1, 200 do
  local k = i % 7
  local a = {i, i + 1}
  local b = {i, many(k)}
  local c = {one(i)}
  local d = {none()}
  local e = pack(many(k + 1))
  local f = {[1] = i, many(k)}
  lens[#lens + 1] = #a + #b + #c + #d + #e + #f
  local s = 0
  for j = 1, #b do s = s + b[j] end
  for j = 1, #e do s = s + e[j] end
  sums[#sums + 1] = s + (f[1] or 0) + (d[1] or 0)
end
print(table.concat(lens, " ", 1, 20))
local total = 0
for i = 1, #sums do total = total + sums[i] end
print(total, #lens)
