-- Infinite recursion is a "stack overflow" error, both caught and uncaught.
local function down(n) return 1 + down(n + 1) end
local ok, err = pcall(down, 1)
print(ok, err)
local function via_meta()
  local t = setmetatable({}, {})
  getmetatable(t).__index = function(tbl, k) return tbl[k .. "x"] end
  return t.start
end
ok, err = pcall(via_meta)
print(ok, err)
local function concat_deep(n) return "x" .. concat_deep(n + 1) end
print(pcall(concat_deep, 1))
print("still running")
down(1)
