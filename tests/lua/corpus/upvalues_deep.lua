-- Upvalues several functions deep, shared between siblings, modified late.
local function level1()
  local v = 1
  local function level2()
    local function level3()
      local function level4()
        v = v + 1
        return v
      end
      return level4
    end
    return level3()
  end
  return level2(), function() return v end
end
local inc, get = level1()
print(inc(), inc(), get())
local fns = {}
local shared = 0
for i = 1, 3 do
  fns[i] = function(d) shared = shared + d * i return shared end
end
print(fns[1](1), fns[2](1), fns[3](1), shared)
local function counter_pair()
  local n = 0
  local function inc() n = n + 1 end
  local function dec() n = n - 1 end
  local function get() return n end
  return inc, dec, get
end
local i1, d1, g1 = counter_pair()
i1(); i1(); d1(); i1()
print(g1())
local late
local function uses_late() return late end
late = "assigned later"
print(uses_late())
local t = {}
for i = 1, 3 do
  local captured = {}
  t[i] = function(v) if v then captured[#captured + 1] = v end return #captured end
end
t[1]("a"); t[1]("b"); t[2]("c")
print(t[1](), t[2](), t[3]())
local function make_adders()
  local adders = {}
  for _, n in ipairs({1, 10, 100}) do adders[#adders + 1] = function(x) return x + n end end
  return adders
end
local adders = make_adders()
print(adders[1](1), adders[2](1), adders[3](1))
local function rec(n, acc)
  acc = acc or {}
  if n == 0 then return acc end
  acc[#acc + 1] = function() return n end
  return rec(n - 1, acc)
end
local r = rec(3)
print(r[1](), r[2](), r[3]())
