-- Counts the solutions of the N-queens problem with bitmasks and recursion.
-- usage: queens.lua N
local n = tonumber(arg and arg[1]) or 8

local all = (1 << n) - 1
local function solve(cols, d1, d2)
  if cols == all then return 1 end
  local count = 0
  local free = all & ~(cols | d1 | d2)
  while free ~= 0 do
    local bit = free & -free
    free = free ~ bit
    count = count + solve(cols | bit, ((d1 | bit) << 1) & all, (d2 | bit) >> 1)
  end
  return count
end

-- A second, array-based solver checks the first one.
local function solve_array(size)
  local pos = {}
  local function ok(row, col)
    for r = 1, row - 1 do
      local c = pos[r]
      if c == col or c - col == r - row or c - col == row - r then return false end
    end
    return true
  end
  local function place(row)
    if row > size then return 1 end
    local total = 0
    for col = 1, size do
      if ok(row, col) then
        pos[row] = col
        total = total + place(row + 1)
      end
    end
    return total
  end
  return place(1)
end

local a = solve(0, 0, 0)
local b = solve_array(n - 1 > 0 and n - 1 or 1)
print(string.format("%d-queens: %d solutions (%d for %d)", n, a, b, n - 1))
