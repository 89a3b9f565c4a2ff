-- The generational collector (cpjit-lua's default mode): after a full collection every live
-- object is old, and a minor collection ("step") visits only young objects and the old ones
-- stored into since. Each store below puts young objects into old ones in a different way,
-- then minor collections run and the young objects must still be there, whole. A store that
-- skipped the write barrier leaves them freed (CPJIT_LUA_GC_VERIFY=1 reports it at once).
collectgarbage("generational")

local function young(i) return {tag = "y" .. i, n = i, inner = {i}} end
local function check(label, t, i)
  assert(type(t) == "table" and t.tag == "y" .. i and t.n == i and t.inner[1] == i, label .. " " .. i)
end
local function churn(n)  -- garbage between the stores and the collections
  local x
  for i = 1, n do x = {i, tostring(i)} end
  return x
end

-- One old table per kind of store, so that no other store touches it for the barrier.
local holder = {fields = {}, computed = {}, raw = {}, array = {0, 0, 0, 0, 0, 0, 0, 0}, map = {},
                floats = {}, list = {}, inserted = {}, meta = {}}
local cell = nil
local function set_cell(v) cell = v end
local function get_cell() return cell end
G_OLD = {}
collectgarbage()  -- everything above is old now

for round = 1, 30 do
  holder.fields.a = young(round)                   -- a constant string key, then present
  holder.computed["k" .. round % 4] = young(round) -- a computed string key
  holder.array[round % 8 + 1] = young(round)       -- the array part
  holder.map[round] = young(round)                 -- integer keys beyond the array part
  holder.floats[round + 0.5] = young(round)        -- float keys
  holder.list[#holder.list + 1] = young(round)     -- appends
  table.insert(holder.inserted, young(round))
  rawset(holder.raw, "raw", young(round))
  set_cell(young(round))                           -- a closed upvalue
  G_OLD[round] = young(round)                      -- a global table
  setmetatable(holder.meta, {__index = young(round)})
  churn(200)
  collectgarbage("step")
  check("field", holder.fields.a, round)
  check("computed", holder.computed["k" .. round % 4], round)
  check("array", holder.array[round % 8 + 1], round)
  check("map", holder.map[round], round)
  check("float key", holder.floats[round + 0.5], round)
  check("append", holder.list[#holder.list], round)
  check("insert", holder.inserted[#holder.inserted], round)
  check("raw", rawget(holder.raw, "raw"), round)
  check("upvalue", get_cell(), round)
  check("global", G_OLD[round], round)
  check("metatable", getmetatable(holder.meta).__index, round)
  if round % 10 == 0 then collectgarbage() end
end

-- An upvalue open over a local while a collection makes it old, closed later: the young value
-- moves into the old upvalue when the block ends.
local keep
do
  local v = "start"
  keep = function() return v end
  collectgarbage()
  v = young(99)
end
churn(200)
collectgarbage("step")
check("closed", keep(), 99)

-- A constructor whose table grows old while its items run.
local function slow_item(i)
  collectgarbage()
  return young(i)
end
local built = {young(1), slow_item(2), slow_item(3), young(4)}
collectgarbage("step")
for i = 1, 4 do check("constructor", built[i], i) end

-- Keys: a young string key into an old table, with a number value (the key is the reference).
local keyed = {}
collectgarbage()
for i = 1, 50 do keyed[string.rep("k", 3) .. i .. "x"] = i end
churn(200)
collectgarbage("step")
local sum = 0
for k, v in pairs(keyed) do
  assert(k == "kkk" .. v .. "x")
  sum = sum + v
end

-- Ageing: an object that survives its first minor collection stays young until the next one.
-- Stores into it meanwhile pass no barrier, and the old table that got it two cycles back is no
-- longer touched: the collections must still reach all of it.
local aged = {}
collectgarbage()              -- `aged` is old
aged.x = young(1)             -- into an old table: the barrier
churn(200)
collectgarbage("step")        -- aged.x survives its first collection
aged.x.next = young(2)        -- into a survivor: no barrier
churn(200)
collectgarbage("step")        -- aged.x grows old, aged.x.next survives its first
aged.x.next.next = young(3)
for _ = 1, 3 do
  churn(200)
  collectgarbage("step")
end
check("aged", aged.x, 1)
check("aged, stored into as a survivor", aged.x.next, 2)
check("aged, two survivors down", aged.x.next.next, 3)

-- Switching modes keeps everything.
print(collectgarbage("incremental"))
collectgarbage("step")
print(collectgarbage("generational"))
collectgarbage("step")
check("after switches", holder.fields.a, 30)
print("sum", sum, #holder.list, #holder.inserted, G_OLD[30].tag, keep().tag)
