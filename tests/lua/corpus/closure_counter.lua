-- Closures share the variables they capture.
local function counter()
  local n = 0
  return function() n = n + 1; return n end, function() return n end
end
local inc, get = counter()
inc(); inc()
print(get(), inc(), get())
local inc2, get2 = counter()
print(inc2(), get(), get2())
local function make_acc(start)
  return {
    add = function(x) start = start + x end,
    value = function() return start end,
  }
end
local acc = make_acc(10)
acc.add(5); acc.add(-3)
print(acc.value())
local x = 1
local function f() return x end
x = 2
print(f())
local function outer()
  local a = 1
  local function mid()
    local b = 2
    return function() a = a + 1; b = b + 1; return a + b end
  end
  return mid(), mid(), function() return a end
end
local c1, c2, geta = outer()
print(c1(), c1(), c2(), geta())
