-- Array loads that check the type of what they load (GETI_F, GETI_I, GETI_T and their forms with
-- a constant key or an upvalue table): elements that change type while the loop runs, holes,
-- keys past the array part, and tables that become something else.

local function sum_floats(t, n)
  local s = 0.0
  for i = 1, n do s = s + t[i] * 2.0 end
  return s
end
local floats = {}
for i = 1, 100 do floats[i] = i + 0.5 end
print("floats", sum_floats(floats, 100))
floats[50] = 7          -- an integer among floats
floats[60] = "8.25"     -- a string that converts
print("mixed", sum_floats(floats, 100))

local function sum_ints(t, n)
  local s = 0
  for i = 1, n do s = s + t[i] // 2 end
  return s
end
local ints = {}
for i = 1, 100 do ints[i] = i * 3 end
print("ints", sum_ints(ints, 100))
ints[30] = 31.0         -- a float with an integral value
print("ints+float", sum_ints(ints, 100))
ints[200] = 5           -- past the array part: the hash part
local function try(f, ...)
  local ok, err = pcall(f, ...)
  return ok, (tostring(err):gsub("^.-:%d+: ", ""))
end
print("ints+hash", try(sum_ints, ints, 101))

-- Rows of a matrix (tables loaded from an array), one of them replaced by a number.
local rows = {}
for r = 1, 30 do
  rows[r] = {}
  for c = 1, 4 do rows[r][c] = r * c end
end
local function corners(m)
  local s = 0
  for r = 1, #m do
    local row = m[r]
    if type(row) == "table" then s = s + row[1] + row[4] else s = s + row end
  end
  return s
end
print("rows", corners(rows))
rows[15] = 1000
print("rows+number", corners(rows))

-- An upvalue table (GETI_UP), and a constant key (GETI_K).
local weights = {}
for i = 1, 64 do weights[i] = 1 / i end
local function weigh(n)
  local s = 0.0
  for i = 1, n do s = s + weights[i] + weights[1] end
  return s
end
print(string.format("weights %.6f", weigh(64)))
weights[1] = 2          -- now an integer
weights[33] = nil       -- a hole
print(try(weigh, 64))

-- Stores of a value known to be a float or an integer (SETI_F, SETI_I): into slots of the same
-- kind, of another kind, nil, and past the array part.
local function scale_all(t, n)
  for i = 1, n do t[i] = (t[i] or 0.0) * 2.0 end
end
local function bump_all(t, n)
  for i = 1, n do t[i] = (t[i] or 0) + 1 end
end
local fs, is = {}, {}
for i = 1, 40 do fs[i] = i + 0.25; is[i] = i end
scale_all(fs, 40)
fs[10] = 3; fs[11] = nil; fs[12] = "x"
fs[12] = 1.5
scale_all(fs, 45)
bump_all(is, 40)
is[5] = 2.5; is[6] = nil
bump_all(is, 44)
local out = {}
for i = 8, 13 do out[#out + 1] = tostring(fs[i]) end
for i = 4, 7 do out[#out + 1] = tostring(is[i]) end
out[#out + 1] = tostring(fs[45]) .. "/" .. tostring(is[44])
print(table.concat(out, " "))
