-- Counts the solutions of the N-queens problem by backtracking over boolean arrays for the
-- columns and both diagonals. usage: queens.lua N
local n = tonumber(arg and arg[1]) or 8

local function solve(size)
  local cols, up, down = {}, {}, {}
  for i = 1, 2 * size do cols[i], up[i], down[i] = false, false, false end
  local function place(row)
    if row > size then return 1 end
    local total = 0
    for col = 1, size do
      local u, d = row + col, row - col + size
      if not cols[col] and not up[u] and not down[d] then
        cols[col], up[u], down[d] = true, true, true
        total = total + place(row + 1)
        cols[col], up[u], down[d] = false, false, false
      end
    end
    return total
  end
  return place(1)
end

for size = 4, n do
  print(string.format("%d-queens: %d solutions", size, solve(size)))
end
