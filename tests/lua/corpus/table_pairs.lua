-- pairs/next traversal; clearing fields during traversal is allowed.
local function sorted_keys(t)
  local ks = {}
  for k in pairs(t) do ks[#ks + 1] = tostring(k) end
  table.sort(ks)
  return table.concat(ks, " ")
end
local t = {10, 20, 30, x = 1, y = 2, [100] = 3, [2.5] = 4}
print(sorted_keys(t))
local sum = 0
for k, v in pairs(t) do sum = sum + v end
print(sum)
for k in pairs(t) do t[k] = nil end
print(next(t), sorted_keys(t) == "")
print(next({}), type(next), next({5}))
local a = {"a", "b", "c"}
local k, v = next(a)
print(k, v)
k, v = next(a, k)
print(k, v)
print(next(a, 3))
print(pcall(next, a, "nokey"))
local big = {}
for i = 1, 100 do big[i] = i; big["s" .. i] = i end
local c = 0
for k, v in pairs(big) do
  c = c + 1
  if type(k) == "string" then big[k] = nil end
end
print(c, sorted_keys(big):sub(1, 20))
local mt = setmetatable({}, {__pairs = function(t) return function(_, k) if not k then return 1, "one" end end, t, nil end})
for k, v in pairs(mt) do print("__pairs", k, v) end
for i, v in ipairs({1, 2, nil, 4}) do io.write(i, "=", v, " ") end print()
local proxy = setmetatable({}, {__index = function(_, i) if i <= 3 then return i * 10 end end})
for i, v in ipairs(proxy) do io.write(i, "=", v, " ") end print()
