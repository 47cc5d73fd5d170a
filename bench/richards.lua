-- richards: Martin Richards' operating-system simulation (task scheduler, packets,
-- method calls through metatables, linked lists). Each iteration runs the scheduler once
-- with an idle count of 1000 and checks the classic counts (2322 queued, 928 held).
-- usage: richards.lua [iterations]   (default 400)
local iterations = tonumber(arg and arg[1]) or 400

local ID_IDLE, ID_WORKER, ID_HANDLER_A, ID_HANDLER_B, ID_DEVICE_A, ID_DEVICE_B = 1, 2, 3, 4, 5, 6
local KIND_DEVICE, KIND_WORK = 0, 1
local DATA_SIZE = 4
local COUNT = 1000

-- 16-bit exclusive or without bit operators (portable to Lua 5.1/LuaJIT and 5.4).
local function xor16(a, b)
  local r, bit = 0, 1
  for _ = 1, 16 do
    local x, y = a % 2, b % 2
    if x ~= y then r = r + bit end
    a = (a - x) / 2
    b = (b - y) / 2
    bit = bit * 2
  end
  return r
end

-- Packets ------------------------------------------------------------------------------
local Packet = {}
Packet.__index = Packet

local function new_packet(link, id, kind)
  local a2 = {}
  for i = 1, DATA_SIZE do a2[i] = 0 end
  return setmetatable({ link = link, id = id, kind = kind, a1 = 0, a2 = a2 }, Packet)
end

-- Appends this packet to the end of `queue`, returning the queue's head.
function Packet:add_to(queue)
  self.link = nil
  if queue == nil then return self end
  local last = queue
  while last.link ~= nil do last = last.link end
  last.link = self
  return queue
end

-- Task control blocks --------------------------------------------------------------------
-- State is three flags, as in the original BCPL: a packet is pending, the task is
-- waiting, the task is held.
local Tcb = {}
Tcb.__index = Tcb

local function new_tcb(link, id, priority, queue, task)
  return setmetatable({ link = link, id = id, priority = priority, queue = queue, task = task,
    pending = queue ~= nil, waiting = true, holding = false }, Tcb)
end

function Tcb:set_running() self.pending, self.waiting, self.holding = false, false, false end
function Tcb:mark_not_held() self.holding = false end
function Tcb:mark_held() self.holding = true end
function Tcb:mark_suspended() self.waiting = true end
function Tcb:mark_runnable() self.pending = true end

function Tcb:is_held_or_suspended()
  return self.holding or (self.waiting and not self.pending)
end

function Tcb:run()
  local packet
  if self.pending and self.waiting and not self.holding then
    packet = self.queue
    self.queue = packet.link
    self.waiting = false
    self.pending = self.queue ~= nil
  end
  return self.task:run(packet)
end

function Tcb:check_priority_add(task, packet)
  if self.queue == nil then
    self.queue = packet
    self:mark_runnable()
    if self.priority > task.priority then return self end
  else
    self.queue = packet:add_to(self.queue)
  end
  return task
end

-- Scheduler ---------------------------------------------------------------------------------
local Scheduler = {}
Scheduler.__index = Scheduler

local function new_scheduler()
  return setmetatable({ queue_count = 0, hold_count = 0, blocks = {}, list = nil,
    current_tcb = nil, current_id = nil }, Scheduler)
end

function Scheduler:add_task(id, priority, queue, task)
  self.current_tcb = new_tcb(self.list, id, priority, queue, task)
  self.list = self.current_tcb
  self.blocks[id] = self.current_tcb
end

function Scheduler:add_running_task(id, priority, queue, task)
  self:add_task(id, priority, queue, task)
  self.current_tcb:set_running()
end

function Scheduler:schedule()
  self.current_tcb = self.list
  while self.current_tcb ~= nil do
    if self.current_tcb:is_held_or_suspended() then
      self.current_tcb = self.current_tcb.link
    else
      self.current_id = self.current_tcb.id
      self.current_tcb = self.current_tcb:run()
    end
  end
end

function Scheduler:release(id)
  local tcb = self.blocks[id]
  if tcb == nil then return tcb end
  tcb:mark_not_held()
  if tcb.priority > self.current_tcb.priority then return tcb end
  return self.current_tcb
end

function Scheduler:hold_current()
  self.hold_count = self.hold_count + 1
  self.current_tcb:mark_held()
  return self.current_tcb.link
end

function Scheduler:suspend_current()
  self.current_tcb:mark_suspended()
  return self.current_tcb
end

function Scheduler:queue(packet)
  local target = self.blocks[packet.id]
  if target == nil then return target end
  self.queue_count = self.queue_count + 1
  packet.link = nil
  packet.id = self.current_id
  return target:check_priority_add(self.current_tcb, packet)
end

-- Tasks ---------------------------------------------------------------------------------------
local IdleTask = {}
IdleTask.__index = IdleTask

function IdleTask:run(_)
  self.count = self.count - 1
  local s = self.scheduler
  if self.count == 0 then return s:hold_current() end
  local v1 = self.v1
  if v1 % 2 == 0 then
    self.v1 = v1 / 2
    return s:release(ID_DEVICE_A)
  end
  self.v1 = xor16((v1 - 1) / 2, 0xD008)
  return s:release(ID_DEVICE_B)
end

local DeviceTask = {}
DeviceTask.__index = DeviceTask

function DeviceTask:run(packet)
  local s = self.scheduler
  if packet == nil then
    local v = self.v1
    if v == nil then return s:suspend_current() end
    self.v1 = nil
    return s:queue(v)
  end
  self.v1 = packet
  return s:hold_current()
end

local WorkerTask = {}
WorkerTask.__index = WorkerTask

function WorkerTask:run(packet)
  local s = self.scheduler
  if packet == nil then return s:suspend_current() end
  if self.v1 == ID_HANDLER_A then self.v1 = ID_HANDLER_B else self.v1 = ID_HANDLER_A end
  packet.id = self.v1
  packet.a1 = 0
  local a2 = packet.a2
  for i = 1, DATA_SIZE do
    local v2 = self.v2 + 1
    if v2 > 26 then v2 = 1 end
    self.v2 = v2
    a2[i] = v2
  end
  return s:queue(packet)
end

local HandlerTask = {}
HandlerTask.__index = HandlerTask

function HandlerTask:run(packet)
  local s = self.scheduler
  if packet ~= nil then
    if packet.kind == KIND_WORK then self.v1 = packet:add_to(self.v1)
    else self.v2 = packet:add_to(self.v2) end
  end
  local work = self.v1
  if work ~= nil then
    local count = work.a1
    if count < DATA_SIZE then
      local device = self.v2
      if device ~= nil then
        self.v2 = device.link
        device.a1 = work.a2[count + 1]
        work.a1 = count + 1
        return s:queue(device)
      end
    else
      self.v1 = work.link
      return s:queue(work)
    end
  end
  return s:suspend_current()
end

-- Benchmark -----------------------------------------------------------------------------------
local function run_richards()
  local s = new_scheduler()
  s:add_running_task(ID_IDLE, 0, nil, setmetatable({ scheduler = s, v1 = 1, count = COUNT }, IdleTask))
  local queue = new_packet(nil, ID_WORKER, KIND_WORK)
  queue = new_packet(queue, ID_WORKER, KIND_WORK)
  s:add_task(ID_WORKER, 1000, queue, setmetatable({ scheduler = s, v1 = ID_HANDLER_A, v2 = 0 }, WorkerTask))
  queue = new_packet(nil, ID_DEVICE_A, KIND_DEVICE)
  queue = new_packet(queue, ID_DEVICE_A, KIND_DEVICE)
  queue = new_packet(queue, ID_DEVICE_A, KIND_DEVICE)
  s:add_task(ID_HANDLER_A, 2000, queue, setmetatable({ scheduler = s }, HandlerTask))
  queue = new_packet(nil, ID_DEVICE_B, KIND_DEVICE)
  queue = new_packet(queue, ID_DEVICE_B, KIND_DEVICE)
  queue = new_packet(queue, ID_DEVICE_B, KIND_DEVICE)
  s:add_task(ID_HANDLER_B, 3000, queue, setmetatable({ scheduler = s }, HandlerTask))
  s:add_task(ID_DEVICE_A, 4000, nil, setmetatable({ scheduler = s }, DeviceTask))
  s:add_task(ID_DEVICE_B, 5000, nil, setmetatable({ scheduler = s }, DeviceTask))
  s:schedule()
  return s.queue_count, s.hold_count
end

local total_queued, total_held = 0, 0
for _ = 1, iterations do
  local q, h = run_richards()
  if q ~= 2322 or h ~= 928 then
    error(string.format("richards: wrong counts %d queued, %d held", q, h))
  end
  total_queued = total_queued + q
  total_held = total_held + h
end
print(string.format("richards: %d iterations, %d packets queued, %d holds", iterations, total_queued, total_held))
