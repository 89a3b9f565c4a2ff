-- Fannkuch-redux: permutations in lexicographic-by-rotation order, counting pancake flips.
-- Array reads and writes in tight integer loops. usage: fannkuch.lua N
local n = tonumber(arg and arg[1]) or 7

local function fannkuch(size)
  local perm, perm1, count = {}, {}, {}
  for i = 1, size do perm1[i] = i end
  local max_flips, checksum, permutation = 0, 0, 0
  local r = size
  while true do
    while r > 1 do
      count[r] = r
      r = r - 1
    end
    for i = 1, size do perm[i] = perm1[i] end
    local flips = 0
    local k = perm[1]
    while k ~= 1 do
      -- reverse perm[1..k]
      local lo, hi = 1, k
      while lo < hi do
        perm[lo], perm[hi] = perm[hi], perm[lo]
        lo, hi = lo + 1, hi - 1
      end
      flips = flips + 1
      k = perm[1]
    end
    if flips > max_flips then max_flips = flips end
    if permutation % 2 == 0 then checksum = checksum + flips else checksum = checksum - flips end
    -- next permutation: rotate the first r+1 elements until a counter does not wrap
    while true do
      if r == size then return checksum, max_flips end
      local first = perm1[1]
      for i = 1, r do perm1[i] = perm1[i + 1] end
      perm1[r + 1] = first
      count[r + 1] = count[r + 1] - 1
      if count[r + 1] > 0 then break end
      r = r + 1
    end
    permutation = permutation + 1
  end
end

local checksum, flips = fannkuch(n)
print(checksum)
print(string.format("Pfannkuchen(%d) = %d", n, flips))
