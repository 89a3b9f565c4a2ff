-- String building: concatenation, string.format, table.concat, gsub and sub over a growing
-- document. usage: strbuild.lua N
local n = tonumber(arg and arg[1]) or 1000

local rows = {}
for i = 1, n do
  local name = "item" .. i
  local price = (i * 37 % 1000) / 10
  rows[#rows + 1] = string.format("%-10s|%8.2f|%s", name, price, string.rep("*", i % 7))
end
local doc = table.concat(rows, "\n")

local upper = doc:gsub("item(%d+)", function(d) return "ITEM" .. d end)
local stars = select(2, doc:gsub("%*", "%0"))

local acc = {}
local line = ""
for i = 1, n do
  line = line .. (i % 10)
  if #line >= 40 then
    acc[#acc + 1] = line
    line = ""
  end
end

local words = 0
for _ in upper:gmatch("ITEM%d+") do words = words + 1 end

local checksum = 0
for i = 1, #doc, 97 do checksum = (checksum * 31 + doc:byte(i)) % 1000000007 end

local reversed = {}
for i = 1, math.min(n, 200) do reversed[i] = rows[i]:reverse():sub(1, 12) end

print(#doc, #upper, stars, #acc, words, checksum)
print(rows[1])
print(rows[#rows])
print(reversed[#reversed])
