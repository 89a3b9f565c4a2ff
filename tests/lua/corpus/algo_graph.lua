-- Breadth-first search and Dijkstra on a small weighted graph.
local edges = {
  {"A", "B", 4}, {"A", "C", 2}, {"B", "C", 5}, {"B", "D", 10}, {"C", "E", 3},
  {"E", "D", 4}, {"D", "F", 11}, {"E", "F", 20}, {"F", "G", 1}, {"C", "G", 30},
}
local adj = {}
for _, e in ipairs(edges) do
  local a, b, w = e[1], e[2], e[3]
  adj[a] = adj[a] or {}; adj[b] = adj[b] or {}
  adj[a][#adj[a] + 1] = {b, w}; adj[b][#adj[b] + 1] = {a, w}
end
local function bfs(start)
  local order, seen, queue, head = {}, {[start] = true}, {start}, 1
  while head <= #queue do
    local v = queue[head]; head = head + 1
    order[#order + 1] = v
    local ns = {}
    for _, e in ipairs(adj[v]) do ns[#ns + 1] = e[1] end
    table.sort(ns)
    for _, n in ipairs(ns) do
      if not seen[n] then seen[n] = true; queue[#queue + 1] = n end
    end
  end
  return table.concat(order, " ")
end
local function dijkstra(src)
  local dist, done = {[src] = 0}, {}
  while true do
    local best, bd = nil, math.huge
    for v, d in pairs(dist) do
      if not done[v] and (d < bd or (d == bd and v < best)) then best, bd = v, d end
    end
    if not best then break end
    done[best] = true
    for _, e in ipairs(adj[best]) do
      local nd = bd + e[2]
      if not dist[e[1]] or nd < dist[e[1]] then dist[e[1]] = nd end
    end
  end
  return dist
end
print(bfs("A"))
print(bfs("G"))
local d = dijkstra("A")
local names = {}
for k in pairs(d) do names[#names + 1] = k end
table.sort(names)
for _, k in ipairs(names) do io.write(k, "=", d[k], " ") end
print()
