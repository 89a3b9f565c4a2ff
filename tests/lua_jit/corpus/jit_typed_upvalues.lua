-- Upvalue reads that check the type of what they read (GETUPVAL_I, _N, _T and the GETUPVAL_F
-- forms of inlined functions): upvalues that change type between and during loops.

local step, scale, cfg = 3, 2.5, {k = 4}

local function bump(x) return x * step + cfg.k end       -- inlined: GETUPVAL_F forms
local function run(n)
  local s = 0
  for i = 1, n do
    s = s + bump(i) + step                               -- the trace's own upvalue too
    if i == 40 then step = 1.5 end                       -- an integer becomes a float
    if i == 70 then cfg = {k = 0.25} end                 -- another table
  end
  return s
end
print("run", run(100))
step = 4
print("run again", run(100))
step = "2"                                               -- a string that converts
print("string", pcall(run, 10))

local function scaled(n)
  local s = 0.0
  for i = 1, n do
    s = s + i * scale
    if i == 50 then scale = 3 end                        -- a float becomes an integer
  end
  return s
end
print("scaled", scaled(100))
