-- Generates DNA sequences: a repeated sequence and two weighted random ones from a linear
-- congruential generator. String building and table lookups. usage: fasta.lua N
local n = tonumber(arg and arg[1]) or 1000

local IM, IA, IC = 139968, 3877, 29573
local last = 42
local function random(max)
  last = (last * IA + IC) % IM
  return max * last / IM
end

local ALU = "GGCCGGGCGCGGTGGCTCACGCCTGTAATCCCAGCACTTTGG" ..
            "GAGGCCGAGGCGGGCGGATCACCTGAGGTCAGGAGTTCGAGA" ..
            "CCAGCCTGGCCAACATGGTGAAACCCCGTCTCTACTAAAAAT" ..
            "ACAAAAATTAGCCGGGCGTGGTGGCGCGCGCCTGTAATCCCA" ..
            "GCTACTCGGGAGGCTGAGGCAGGAGAATCGCTTGAACCCGGG" ..
            "AGGCGGAGGTTGCAGTGAGCCGAGATCGCGCCACTGCACTCC" ..
            "AGCCTGGGCGACAGAGCGAGACTCCGTCTCAAAAA"

local IUB = {
  {"a", 0.27}, {"c", 0.12}, {"g", 0.12}, {"t", 0.27},
  {"B", 0.02}, {"D", 0.02}, {"H", 0.02}, {"K", 0.02}, {"M", 0.02}, {"N", 0.02},
  {"R", 0.02}, {"S", 0.02}, {"V", 0.02}, {"W", 0.02}, {"Y", 0.02},
}
local HOMO_SAPIENS = {
  {"a", 0.3029549426680}, {"c", 0.1979883004921},
  {"g", 0.1975473066391}, {"t", 0.3015094502008},
}

local WIDTH = 60

local function repeat_fasta(header, seq, count)
  io.write(header, "\n")
  local len = #seq
  local doubled = seq .. seq
  local pos = 1
  while count > 0 do
    local line = count < WIDTH and count or WIDTH
    io.write(doubled:sub(pos, pos + line - 1), "\n")
    pos = pos + line
    if pos > len then pos = pos - len end
    count = count - line
  end
end

local function random_fasta(header, table_, count)
  io.write(header, "\n")
  -- cumulative probabilities
  local chars, probs = {}, {}
  local acc = 0
  for i, e in ipairs(table_) do
    acc = acc + e[2]
    chars[i] = e[1]
    probs[i] = acc
  end
  local nsyms = #chars
  local buf = {}
  while count > 0 do
    local line = count < WIDTH and count or WIDTH
    for i = 1, line do
      local r = random(1.0)
      local k = 1
      while probs[k] < r and k < nsyms do k = k + 1 end
      buf[i] = chars[k]
    end
    io.write(table.concat(buf, "", 1, line), "\n")
    count = count - line
  end
end

repeat_fasta(">ONE Homo sapiens alu", ALU, n * 2)
random_fasta(">TWO IUB ambiguity codes", IUB, n * 3)
random_fasta(">THREE Homo sapiens frequency", HOMO_SAPIENS, n * 5)
