-- Float arithmetic on numbers loaded from tables that may be integers or floats (the N shapes:
-- FMUL_FN, FADD_NF, FDIV_NK, ...): arrays of integers that turn into floats while traces run,
-- as power iterations do, and values that are no numbers at all.

local function dot(weights, xs, n)
  local s = 0.0
  for i = 1, n do s = s + weights[i] * xs[i] end        -- float * (int or float)
  return s
end
local function halve(xs, ys, n)
  for i = 1, n do ys[i] = xs[i] * 0.5 + xs[i] / 4.0 end  -- (int or float) op float constant
end
local function shift(xs, ys, n)
  for i = 1, n do ys[i] = 1.5 - xs[i] end               -- float - (int or float)
end

local n = 64
local w, x, y = {}, {}, {}
for i = 1, n do w[i] = 1 / i; x[i] = 1 end              -- x starts as integers
for round = 1, 6 do
  local d = dot(w, x, n)
  halve(x, y, n)
  shift(y, x, n)                                        -- x holds floats from now on
  print(round, string.format("%.12f %.12f", d, x[n]))
end

x[10] = 7                                               -- an integer again among floats
print(string.format("%.12f", dot(w, x, n)))
x[20] = "3"                                             -- a string: the interpreter converts it
print(string.format("%.12f", dot(w, x, n)))
x[30] = {}                                              -- no number: the interpreter's error
local ok, err = pcall(dot, w, x, n)
print(ok, (tostring(err):gsub("^.-:%d+: ", "")))
