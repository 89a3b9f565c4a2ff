-- Fields that hold nil in their node (set to nil after being set), read and written by traces
-- through the node the recording found (GETFIELD_H, SETFIELD_H, SETFIELD_HC): nil is the answer
-- and the node takes the value until a metatable with __index or __newindex arrives.

local objs = {}
for i = 1, 20 do
  objs[i] = {pending = i, flag = true, count = 0}
  objs[i].pending = nil  -- the node stays, holding nil
end

local function cycle(tag)
  local set, cleared, flags = 0, 0, 0
  for round = 1, 6 do
    for i = 1, #objs do
      local o = objs[i]
      if o.pending == nil then
        o.pending = round * i        -- a value into the nil node
        o.flag = false               -- constants
        set = set + 1
      else
        cleared = cleared + o.pending
        o.pending = nil
        o.flag = true
      end
      if o.flag then flags = flags + 1 end
      o.count = o.count + 1
    end
  end
  print(tag, set, cleared, flags, objs[1].count)
end

cycle("plain")

-- __index and __newindex arrive: nil nodes now go through them.
local reads, writes = 0, 0
local meta = {
  __index = function(t, k) reads = reads + 1; return nil end,
  __newindex = function(t, k, v) writes = writes + 1; rawset(t, k, v) end,
}
for i = 1, #objs, 2 do setmetatable(objs[i], meta) end
cycle("meta")
print("hooks", reads, writes)

-- A __newindex that refuses: the field stays nil, every write is counted.
local refused = 0
local strict = {__newindex = function(t, k, v) refused = refused + 1 end}
for i = 2, #objs, 2 do
  objs[i].pending = nil
  setmetatable(objs[i], strict)
end
cycle("strict")
print("refused", refused)

-- A metatable's __len set to nil keeps its node; `#` then notes __len as absent. A trace
-- storing into that node must make `#` see __len again.
local mts = {}
for i = 1, 40 do mts[i] = {__len = print}; mts[i].__len = nil end
local objs2 = {}
for i = 1, 40 do objs2[i] = setmetatable({1, 2}, mts[i]) end
local before = 0
for i = 1, 40 do before = before + #objs2[i] end  -- notes the absence
local function arm(list, f)
  for i = 1, #list do list[i].__len = f end
end
arm(mts, function() return 42 end)
local after = 0
for i = 1, 40 do after = after + #objs2[i] end
print("len again", before, after)
