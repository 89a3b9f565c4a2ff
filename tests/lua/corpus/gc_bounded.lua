-- Allocates several hundred megabytes over the run; the live set stays small, so memory
-- must stay bounded (the corpus runs under a 128 MB heap limit, far below the total).
local total = 0
local keep = {}
for round = 1, 40 do
  local chunk = {}
  for i = 1, 5000 do
    chunk[i] = string.rep(string.char(65 + i % 26), 100 + round) .. i
  end
  total = total + #chunk * (100 + round)
  keep[round % 4 + 1] = chunk
end
print(total > 20000000, #keep, #keep[1])
local trees = 0
for r = 1, 40 do
  local function build(d) if d == 0 then return {} end return {build(d - 1), build(d - 1)} end
  local t = build(15)
  trees = trees + 1
end
print(trees)
local s = 0
for i = 1, 300 do
  local big = {}
  for j = 1, 10000 do big[j] = j end
  s = s + #big
end
print(s, collectgarbage("count") < 100000)
