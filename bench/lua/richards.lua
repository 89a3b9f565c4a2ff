-- An operating-system task scheduler simulation in the style of Martin Richards' benchmark:
-- objects with methods through metatables, dynamic dispatch and linked lists.
-- usage: richards.lua ITERATIONS
local iterations = tonumber(arg and arg[1]) or 10

-- Bitwise xor without 5.3 operators, so that LuaJIT can run the same source.
local function xor(a, b)
  local r, bit = 0, 1
  while a > 0 or b > 0 do
    if a % 2 ~= b % 2 then r = r + bit end
    a, b, bit = (a - a % 2) / 2, (b - b % 2) / 2, bit * 2
  end
  return r
end

local IDLE, WORKER, HANDLER_A, HANDLER_B, DEVICE_A, DEVICE_B = 1, 2, 3, 4, 5, 6
local KIND_DEVICE, KIND_WORK = 0, 1
local DATA_SIZE = 4
local COUNT = 1000

-- Packets travel between tasks.
local Packet = {}
Packet.__index = Packet
function Packet.new(link, id, kind)
  local data = {}
  for i = 1, DATA_SIZE do data[i] = 0 end
  return setmetatable({link = link, id = id, kind = kind, a1 = 0, a2 = data}, Packet)
end
function Packet:append_to(queue)
  self.link = nil
  if queue == nil then return self end
  local p = queue
  while p.link do p = p.link end
  p.link = self
  return queue
end

-- Task control blocks; each task kind is a "class" deriving from Task.
local Task = {}
Task.__index = Task
function Task:init(scheduler, id, priority, queue)
  self.scheduler = scheduler
  self.id = id
  self.priority = priority
  self.queue = queue
  -- A new task waits; it has work when it was given packets.
  self.packet_pending = queue ~= nil
  self.waiting = true
  self.held = false
  self.link = scheduler.list
  scheduler.list = self
  scheduler.tasks[id] = self
  return self
end
function Task:has_waiting_packet() return self.waiting and self.packet_pending end
function Task:blocked() return self.held or (not self.packet_pending and self.waiting) end
function Task:check_priority_add(task, packet)
  if self.queue == nil then
    self.queue = packet
    self.packet_pending = true
    if self.priority > task.priority then return self end
  else
    self.queue = packet:append_to(self.queue)
  end
  return task
end
function Task:take_packet()
  local p = self.queue
  self.queue = p.link
  self.packet_pending = self.queue ~= nil
  self.waiting = false
  return p
end

local function subclass()
  local c = setmetatable({}, {__index = Task})
  c.__index = c
  return c
end

local IdleTask = subclass()
function IdleTask.new(s, id, pri, queue, count)
  local t = setmetatable({}, IdleTask):init(s, id, pri, queue)
  t.control = 1
  t.count = count
  return t
end
function IdleTask:run(_)
  local s = self.scheduler
  self.count = self.count - 1
  if self.count == 0 then return s:hold_self() end
  if self.control % 2 == 0 then
    self.control = self.control / 2
    return s:release(DEVICE_A)
  end
  self.control = xor((self.control - 1) / 2, 0xD008)
  return s:release(DEVICE_B)
end

local WorkerTask = subclass()
function WorkerTask.new(s, id, pri, queue)
  local t = setmetatable({}, WorkerTask):init(s, id, pri, queue)
  t.destination = HANDLER_A
  t.count = 0
  return t
end
function WorkerTask:run(packet)
  local s = self.scheduler
  if packet == nil then return s:wait_self() end
  self.destination = self.destination == HANDLER_A and HANDLER_B or HANDLER_A
  packet.id = self.destination
  packet.a1 = 0
  for i = 1, DATA_SIZE do
    self.count = self.count + 1
    if self.count > 26 then self.count = 1 end
    packet.a2[i] = self.count
  end
  return s:queue_packet(packet)
end

local HandlerTask = subclass()
function HandlerTask.new(s, id, pri, queue)
  local t = setmetatable({}, HandlerTask):init(s, id, pri, queue)
  t.work_in = nil
  t.device_in = nil
  return t
end
function HandlerTask:run(packet)
  local s = self.scheduler
  if packet then
    if packet.kind == KIND_WORK then self.work_in = packet:append_to(self.work_in)
    else self.device_in = packet:append_to(self.device_in) end
  end
  local work = self.work_in
  if work then
    local count = work.a1 + 1
    if count > DATA_SIZE then
      self.work_in = work.link
      return s:queue_packet(work)
    end
    local dev = self.device_in
    if dev then
      self.device_in = dev.link
      dev.a1 = work.a2[count]
      work.a1 = count
      return s:queue_packet(dev)
    end
  end
  return s:wait_self()
end

local DeviceTask = subclass()
function DeviceTask.new(s, id, pri, queue)
  local t = setmetatable({}, DeviceTask):init(s, id, pri, queue)
  t.pending = nil
  return t
end
function DeviceTask:run(packet)
  local s = self.scheduler
  if packet == nil then
    local p = self.pending
    if p == nil then return s:wait_self() end
    self.pending = nil
    return s:queue_packet(p)
  end
  self.pending = packet
  return s:hold_self()
end

local Scheduler = {}
Scheduler.__index = Scheduler
function Scheduler.new()
  return setmetatable({list = nil, current = nil, tasks = {}, queue_count = 0, hold_count = 0}, Scheduler)
end
function Scheduler:schedule()
  self.current = self.list
  while self.current do
    local t = self.current
    if t:blocked() then
      self.current = t.link
    else
      local packet = nil
      if t:has_waiting_packet() then packet = t:take_packet() end
      self.current = t:run(packet)
    end
  end
end
function Scheduler:release(id)
  local t = self.tasks[id]
  t.held = false
  if t.priority > self.current.priority then return t end
  return self.current
end
function Scheduler:hold_self()
  self.hold_count = self.hold_count + 1
  self.current.held = true
  return self.current.link
end
function Scheduler:wait_self()
  self.current.waiting = true
  return self.current
end
function Scheduler:queue_packet(packet)
  local t = self.tasks[packet.id]
  self.queue_count = self.queue_count + 1
  packet.link = nil
  packet.id = self.current.id
  return t:check_priority_add(self.current, packet)
end

local function run_once()
  local s = Scheduler.new()
  IdleTask.new(s, IDLE, 0, nil, COUNT).waiting = false  -- the idle task starts running
  local wq = Packet.new(nil, 0, KIND_WORK)
  wq = Packet.new(wq, 0, KIND_WORK)
  WorkerTask.new(s, WORKER, 1000, wq)
  local q = Packet.new(nil, DEVICE_A, KIND_DEVICE)
  q = Packet.new(q, DEVICE_A, KIND_DEVICE)
  q = Packet.new(q, DEVICE_A, KIND_DEVICE)
  HandlerTask.new(s, HANDLER_A, 2000, q)
  q = Packet.new(nil, DEVICE_B, KIND_DEVICE)
  q = Packet.new(q, DEVICE_B, KIND_DEVICE)
  q = Packet.new(q, DEVICE_B, KIND_DEVICE)
  HandlerTask.new(s, HANDLER_B, 3000, q)
  DeviceTask.new(s, DEVICE_A, 4000, nil)
  DeviceTask.new(s, DEVICE_B, 5000, nil)
  s:schedule()
  return s.queue_count, s.hold_count
end

local qc, hc
for _ = 1, iterations do qc, hc = run_once() end
print(string.format("queue count %d, hold count %d", qc, hc))
