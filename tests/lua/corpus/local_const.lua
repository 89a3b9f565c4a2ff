-- <const> locals, shadowing and scopes.
local a <const> = 10
local b <const>, c = 20, 30
print(a, b, c)
c = 31
print(c)
local function f() return a + b end
print(f())
print(load("local x <const> = 1; x = 2"))
print(load("local x <const> = 1; local function g() x = 2 end"))
print(load("local x <unknown> = 1"))
local x = 1
do
  local x = x + 1
  print(x)
  do
    local x = x * 10
    print(x)
  end
  print(x)
end
print(x)
local y = "outer"
local function shadow(y) return y end
print(shadow("param"), y)
for y = 1, 2 do io.write(y, " ") end print(y)
local z = 1
local z = z + 1
print(z)
