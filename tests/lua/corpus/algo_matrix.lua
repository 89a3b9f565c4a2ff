-- Matrix multiplication, transpose and determinant with floats and integers.
local function matrix(n, m, f)
  local a = {}
  for i = 1, n do a[i] = {} for j = 1, m do a[i][j] = f(i, j) end end
  return a
end
local function mul(a, b)
  local n, m, p = #a, #b, #b[1]
  return matrix(n, p, function(i, j)
    local s = 0
    for k = 1, m do s = s + a[i][k] * b[k][j] end
    return s
  end)
end
local function det(a)
  local n = #a
  local m = matrix(n, n, function(i, j) return a[i][j] end)
  local d = 1
  for c = 1, n do
    local piv = c
    for r = c + 1, n do if math.abs(m[r][c]) > math.abs(m[piv][c]) then piv = r end end
    if m[piv][c] == 0 then return 0 end
    if piv ~= c then m[piv], m[c] = m[c], m[piv]; d = -d end
    d = d * m[c][c]
    for r = c + 1, n do
      local f = m[r][c] / m[c][c]
      for k = c, n do m[r][k] = m[r][k] - f * m[c][k] end
    end
  end
  return d
end
local a = matrix(3, 3, function(i, j) return i + j end)
local b = matrix(3, 3, function(i, j) return i == j and 2 or 0 end)
local c = mul(a, b)
for i = 1, 3 do print(table.concat(c[i], " ")) end
local h = matrix(4, 4, function(i, j) return 1 / (i + j - 1) end)
print(string.format("%.6e", det(h)))
print(det(matrix(3, 3, function(i, j) return (i * 7 + j * 3) % 5 end)))
local big = matrix(30, 30, function(i, j) return (i * j) % 7 - 3 end)
local p = mul(big, big)
local sum = 0
for i = 1, 30 do for j = 1, 30 do sum = sum + p[i][j] end end
print(sum, math.type(sum))
