-- t[i] where t is an upvalue: the trace reads the table straight from the upvalue (the
-- temporary the interpreter loads it into is not written). The upvalue changes to another table,
-- to a table with __index, to nil (the interpreter's error names the upvalue), and a local
-- copy of it is indexed too.

local data = {}
for i = 1, 100 do data[i] = i * 2 end
local other = {}
for i = 1, 100 do other[i] = -i end
local sparse = setmetatable({}, {__index = function(_, k) return k * 1000 end})

local function sum(n)
  local s = 0
  for i = 1, n do s = s + data[i] + data[1] end
  return s
end

local results = {}
for round = 1, 6 do
  if round == 3 then data = other end
  if round == 4 then data = sparse end
  if round == 5 then data = {} ; setmetatable(data, {__index = other}) end
  results[#results + 1] = sum(100)
end
print(table.concat(results, " "))

local function local_copy(n)
  local s = 0
  for i = 1, n do
    local t = data
    s = s + t[i]
  end
  return s
end
print(local_copy(100))

data = nil
local ok, err = pcall(sum, 10)
print(ok, (err:gsub("^.-:(%d+):", "line %1:")))
