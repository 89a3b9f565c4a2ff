-- Generic for with stateless and stateful iterators, closures and __call.
local function range(n, step)
  step = step or 1
  return function(_, i) i = i + step if i <= n then return i end end, nil, 0
end
for i in range(5) do io.write(i, " ") end print()
for i in range(10, 3) do io.write(i, " ") end print()
local function chars(s)
  local i = 0
  return function() i = i + 1 if i <= #s then return i, s:sub(i, i) end end
end
for i, c in chars("abc") do io.write(i, c, " ") end print()
local function iter(t, i)
  i = i + 1
  if t[i] then return i, t[i] end
end
for i, v in iter, {"x", "y", "z"}, 0 do io.write(i, v, " ") end print()
local callable = setmetatable({n = 0}, {__call = function(self, _, last)
  self.n = self.n + 1
  if self.n <= 3 then return self.n * 10 end
end})
for v in callable do io.write(v, " ") end print()
local function fib_iter(max)
  local a, b = 0, 1
  return function()
    if a > max then return nil end
    local r = a
    a, b = b, a + b
    return r
  end
end
local fibs = {}
for f in fib_iter(100) do fibs[#fibs + 1] = f end
print(table.concat(fibs, " "))
for k, v in next, {10} do print(k, v) end
local count = 0
for _ in pairs(setmetatable({}, {__index = {a = 1}})) do count = count + 1 end
print(count)
local function triples() return function(_, k) if k < 3 then return k + 1, k * 2, k * 3 end end, nil, 0 end
for a, b, c in triples() do io.write(a, ":", b, ":", c, " ") end print()
for a, b, c, d in pairs({1}) do print(a, b, c, d) end
local ok, err = pcall(function() for x in 5 do end end)
print(ok, err)
ok, err = pcall(function() for x in nil do end end)
print(ok, err)
