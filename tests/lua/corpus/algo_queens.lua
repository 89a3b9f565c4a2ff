-- N-queens by backtracking: counts solutions and prints the first board.
local function queens(n)
  local cols, d1, d2 = {}, {}, {}
  local placement = {}
  local count, first = 0, nil
  local function place(r)
    if r > n then
      count = count + 1
      if not first then first = {table.unpack(placement)} end
      return
    end
    for c = 1, n do
      if not cols[c] and not d1[r + c] and not d2[r - c + n] then
        cols[c], d1[r + c], d2[r - c + n] = true, true, true
        placement[r] = c
        place(r + 1)
        cols[c], d1[r + c], d2[r - c + n] = false, false, false
      end
    end
  end
  place(1)
  return count, first
end
for n = 1, 8 do
  local c = queens(n)
  io.write(c, " ")
end
print()
local _, board = queens(6)
for r = 1, 6 do
  local row = {}
  for c = 1, 6 do row[c] = board[r] == c and "Q" or "." end
  print(table.concat(row))
end
