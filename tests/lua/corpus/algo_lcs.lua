-- Dynamic programming: longest common subsequence and edit distance.
local function lcs(a, b)
  local m, n = #a, #b
  local dp = {}
  for i = 0, m do dp[i] = {} for j = 0, n do dp[i][j] = 0 end end
  for i = 1, m do
    for j = 1, n do
      if a:sub(i, i) == b:sub(j, j) then dp[i][j] = dp[i - 1][j - 1] + 1
      else dp[i][j] = math.max(dp[i - 1][j], dp[i][j - 1]) end
    end
  end
  local out, i, j = {}, m, n
  while i > 0 and j > 0 do
    if a:sub(i, i) == b:sub(j, j) then table.insert(out, 1, a:sub(i, i)); i, j = i - 1, j - 1
    elseif dp[i - 1][j] >= dp[i][j - 1] then i = i - 1
    else j = j - 1 end
  end
  return table.concat(out)
end
local function edit(a, b)
  local prev = {}
  for j = 0, #b do prev[j] = j end
  for i = 1, #a do
    local cur = {[0] = i}
    for j = 1, #b do
      local cost = a:byte(i) == b:byte(j) and 0 or 1
      cur[j] = math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
    end
    prev = cur
  end
  return prev[#b]
end
print(lcs("AGGTAB", "GXTXAYB"), lcs("ABCBDAB", "BDCABA"), lcs("", "abc"))
print(edit("kitten", "sitting"), edit("flaw", "lawn"), edit("", "abc"), edit("same", "same"))
local a = string.rep("abcde", 40)
local b = string.rep("aebdc", 40)
print(#lcs(a, b), edit(a, b))
