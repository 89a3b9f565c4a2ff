-- Tables indexed by string values (GETTABLE_S, SETTABLE_S) and string methods found through
-- the nodes the recording walked (SELF_STR_C): short and long keys in one loop, nils with and
-- without __index and __newindex, new keys that make tables grow, and a string library changed
-- while traces run.

local long_prefix = string.rep("k", 45)  -- above the interned length: compared by content
local keys = {}
for i = 1, 12 do
  keys[i] = (i % 4 == 0) and (long_prefix .. i) or ("k" .. i)
end

-- Counting: existing keys are updated in place, absent ones inserted (the table grows).
local counts = {}
for round = 1, 30 do
  for i = 1, #keys do
    local k = keys[(i * round) % #keys + 1]
    counts[k] = (counts[k] or 0) + round
  end
end
local total, n = 0, 0
for _, k in ipairs(keys) do
  total = total + (counts[k] or 0)
  n = n + 1
end
print("counts", n, total, counts["k1"], counts[long_prefix .. "4"])

-- Reads of absent keys: nil without a metatable, __index with one; writes of absent keys go
-- through __newindex.
local defaults = setmetatable({}, {__index = function(t, k) return #k end})
local logged = {}
local guarded = setmetatable({}, {__newindex = function(t, k, v) logged[#logged + 1] = k; rawset(t, k, v) end})
local plain = {}
local sum = 0
for i = 1, 40 do
  local k = keys[i % #keys + 1]
  sum = sum + defaults[k] + (plain[k] == nil and 1 or 0)
  if i == 20 then plain[k] = true end
  guarded[k] = i
end
print("absent", sum, #logged, guarded["k2"], guarded[long_prefix .. "8"])

-- Setting fields to nil and back: the node stays, the value changes.
local t = {}
for i = 1, #keys do t[keys[i]] = i end
local seen = 0
for round = 1, 20 do
  for i = 1, #keys do
    local k = keys[i]
    if t[k] ~= nil then seen = seen + t[k] end
    if (i + round) % 3 == 0 then t[k] = nil else t[k] = round end
  end
end
print("toggle", seen)

-- String methods while the string library changes under the traces.
local words = {"alpha", "beta", "gamma", "delta"}
local function lengths(tag)
  local acc = 0
  for round = 1, 25 do
    for i = 1, #words do
      local w = words[i]
      acc = acc + #w:sub(1, 3) + #w:upper()
    end
  end
  print(tag, acc)
end
lengths("library")
local original_sub = string.sub
string.sub = function(s, i, j) return original_sub(s, i, j) .. "!" end
lengths("sub replaced")
string.sub = original_sub
lengths("sub restored")
for k = 1, 30 do string["extra" .. k] = k end  -- the library table grows: its nodes move
lengths("library grown")
local index = getmetatable("").__index
getmetatable("").__index = setmetatable({upper = function(s) return "UP" end}, {__index = index})
lengths("index replaced")
getmetatable("").__index = index
lengths("index restored")
