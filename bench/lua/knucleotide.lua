-- Reads fasta.lua's output on standard input and counts nucleotide fragments of the third
-- sequence: string slicing and hash tables with string keys.
-- usage: lua fasta.lua N | lua knucleotide.lua
local lines = {}
local in_three = false
for line in io.lines() do
  if in_three then
    if line:sub(1, 1) == ">" then break end
    lines[#lines + 1] = line
  elseif line:sub(1, 6) == ">THREE" then
    in_three = true
  end
end
local seq = table.concat(lines):upper()

local function frequencies(s, k)
  local counts = {}
  for i = 1, #s - k + 1 do
    local frag = s:sub(i, i + k - 1)
    counts[frag] = (counts[frag] or 0) + 1
  end
  return counts
end

local function sorted_report(k)
  local counts = frequencies(seq, k)
  local list = {}
  local total = 0
  for frag, c in pairs(counts) do
    list[#list + 1] = {frag, c}
    total = total + c
  end
  table.sort(list, function(a, b)
    if a[2] ~= b[2] then return a[2] > b[2] end
    return a[1] < b[1]
  end)
  for _, e in ipairs(list) do
    io.write(string.format("%s %.3f\n", e[1], 100 * e[2] / total))
  end
  io.write("\n")
end

sorted_report(1)
sorted_report(2)
for _, frag in ipairs({"GGT", "GGTA", "GGTATT", "GGTATTTTAATT", "GGTATTTTAATTTATAGT"}) do
  local counts = frequencies(seq, #frag)
  io.write(string.format("%d\t%s\n", counts[frag] or 0, frag))
end
