-- _ENV as a local or upvalue changes where globals go.
x = "global x"
do
  local _ENV = {print = print, x = "env x"}
  print(x)
  y = "only in this env"
  print(y)
end
print(x, y)
local function with_env(env)
  local _ENV = env
  return function() return value end
end
print(with_env({value = 1})(), with_env({value = 2})())
local sandbox = setmetatable({}, {__index = _G})
local chunk = load("z = 5; return z + (x and 1 or 0)", "sandboxed", "t", sandbox)
print(chunk(), sandbox.z, z)
local function globals_of(f)
  local env = {}
  load("a = 1; b = 2", "=g", "t", env)()
  local keys = {}
  for k in pairs(env) do keys[#keys + 1] = k end
  table.sort(keys)
  return table.concat(keys, ",")
end
print(globals_of())
local _ENV = setmetatable({}, {__index = _G, __newindex = function(t, k, v) rawset(t, k, v .. "!") end})
newvar = "set"
print(newvar)
print(pcall(function() local _ENV = nil; return undefined end))
