-- Tables made by short constructors ({a, b}) keep their few array slots next to the table;
-- they must behave as any table when they grow, shrink, sort, move or are collected.
local function show(t, n)
  local parts = {}
  for i = 1, n do parts[#parts + 1] = tostring(t[i]) end
  return table.concat(parts, ",") .. " #" .. #t
end

local a = {1, 2}
a[3] = 3; a[4] = 4; a[5] = 5                     -- grows out of its block
print(show(a, 6))
for i = 5, 2, -1 do a[i] = nil end
a.x = "field"                                    -- a hash part, then a rehash
for i = 1, 40 do a["k" .. i] = i end
print(show(a, 3), a.x, a.k40)

local b = {"z", "y", "x", "w"}
table.sort(b)
print(show(b, 4))
table.insert(b, 1, "first")
table.insert(b, "last")
print(show(b, 7))
print(table.remove(b, 1), table.remove(b), show(b, 5))
table.move({10, 20, 30}, 1, 3, 2, b)
print(show(b, 5))

local c = {true}
c[1] = nil
print(#c, next(c))
c[2] = "two"
print(c[1], c[2])

-- Many small tables live through collections, some grown, some not.
local keep = {}
for i = 1, 30000 do
  local t = {i, -i}
  if i % 3 == 0 then t[3] = i * 2 end
  if i % 5 == 0 then t[1] = nil end
  keep[i % 1000 + 1] = t
  if i % 7000 == 0 then collectgarbage() end
end
local sum = 0
for i = 1, 1000 do
  local t = keep[i]
  sum = sum + (t[1] or 0) + t[2] + (t[3] or 0)
end
print(sum)

local mt = {__index = function(_, k) return "dflt" .. k end}
local d = setmetatable({7, 8, 9}, mt)
print(d[1], d[3], d[4], rawlen(d))
local e = {1, 2, 3}
for k, v in pairs(e) do io.write(k, "=", v, " ") end
print(select("#", table.unpack(e)))

-- Tables that grow from empty, one after another: every array they outgrow goes back to the
-- heap, wherever the allocator put it (right after the table, too).
collectgarbage()
local base = collectgarbage("count")
for round = 1, 3 do
  for i = 1, 100000 do
    local t = {}
    t[1] = i; t[2] = i; t[3] = i
  end
  collectgarbage()
end
print(collectgarbage("count") - base < 256)
