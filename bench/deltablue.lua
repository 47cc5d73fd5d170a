-- deltablue: the DeltaBlue incremental constraint solver (Freeman-Benson, Maloney and
-- Borning, CACM 1990) on its two classic workloads, a chain of equalities and a
-- projection through scale constraints. Objects with metatable inheritance, lists,
-- method dispatch.
-- usage: deltablue.lua [iterations]   (default 500; each runs both tests with n = 100)
local iterations = tonumber(arg and arg[1]) or 500

-- Strengths: smaller is stronger.
local REQUIRED, STRONG_PREFERRED, PREFERRED, STRONG_DEFAULT, NORMAL, WEAK_DEFAULT, WEAKEST = 0, 1, 2, 3, 4, 5, 6
local function stronger(a, b) return a < b end
local function weaker(a, b) return a > b end
local function weakest_of(a, b) if weaker(a, b) then return a end return b end
local function next_weaker(s) return s + 1 end

local NONE, FORWARD, BACKWARD = 0, 1, 2

local planner -- the current Planner (constraints add themselves to it)

-- Lists ---------------------------------------------------------------------------------
local function list_remove(list, item)
  local j = 1
  for i = 1, #list do
    local x = list[i]
    if x ~= item then list[j] = x; j = j + 1 end
  end
  for i = #list, j, -1 do list[i] = nil end
end

-- Variables --------------------------------------------------------------------------------
local Variable = {}
Variable.__index = Variable

local function new_variable(name, value)
  return setmetatable({ name = name, value = value or 0, constraints = {}, determined_by = nil,
    mark = 0, walk_strength = WEAKEST, stay = true }, Variable)
end

function Variable:add_constraint(c) self.constraints[#self.constraints + 1] = c end

function Variable:remove_constraint(c)
  list_remove(self.constraints, c)
  if self.determined_by == c then self.determined_by = nil end
end

-- Constraints ------------------------------------------------------------------------------
local Constraint = {}
Constraint.__index = Constraint

function Constraint:add_constraint()
  self:add_to_graph()
  planner:incremental_add(self)
end

-- Tries to satisfy this constraint; returns the constraint it overrode, if any.
function Constraint:satisfy(mark)
  self:choose_method(mark)
  if not self:is_satisfied() then
    if self.strength == REQUIRED then error("could not satisfy a required constraint") end
    return nil
  end
  self:mark_inputs(mark)
  local out = self:output()
  local overridden = out.determined_by
  if overridden ~= nil then overridden:mark_unsatisfied() end
  out.determined_by = self
  if not planner:add_propagate(self, mark) then error("cycle encountered") end
  out.mark = mark
  return overridden
end

function Constraint:destroy_constraint()
  if self:is_satisfied() then planner:incremental_remove(self) else self:remove_from_graph() end
end

function Constraint:is_input() return false end

-- Unary constraints: one output variable.
local UnaryConstraint = setmetatable({}, { __index = Constraint })
UnaryConstraint.__index = UnaryConstraint

local function init_unary(class, v, strength)
  local c = setmetatable({ my_output = v, strength = strength, satisfied = false }, class)
  c:add_constraint()
  return c
end

function UnaryConstraint:add_to_graph()
  self.my_output:add_constraint(self)
  self.satisfied = false
end

function UnaryConstraint:choose_method(mark)
  self.satisfied = self.my_output.mark ~= mark and stronger(self.strength, self.my_output.walk_strength)
end

function UnaryConstraint:is_satisfied() return self.satisfied end
function UnaryConstraint:mark_inputs(_) end
function UnaryConstraint:output() return self.my_output end

function UnaryConstraint:recalculate()
  local out = self.my_output
  out.walk_strength = self.strength
  out.stay = not self:is_input()
  if out.stay then self:execute() end
end

function UnaryConstraint:mark_unsatisfied() self.satisfied = false end
function UnaryConstraint:inputs_known(_) return true end

function UnaryConstraint:remove_from_graph()
  if self.my_output ~= nil then self.my_output:remove_constraint(self) end
  self.satisfied = false
end

local StayConstraint = setmetatable({}, { __index = UnaryConstraint })
StayConstraint.__index = StayConstraint
function StayConstraint:execute() end

local EditConstraint = setmetatable({}, { __index = UnaryConstraint })
EditConstraint.__index = EditConstraint
function EditConstraint:is_input() return true end
function EditConstraint:execute() end

-- Binary constraints: two variables, solved in either direction.
local BinaryConstraint = setmetatable({}, { __index = Constraint })
BinaryConstraint.__index = BinaryConstraint

local function init_binary(c, v1, v2, strength)
  c.v1, c.v2, c.strength, c.direction = v1, v2, strength, NONE
  c:add_constraint()
  return c
end

function BinaryConstraint:choose_method(mark)
  local v1, v2 = self.v1, self.v2
  if v1.mark == mark then
    if v2.mark ~= mark and stronger(self.strength, v2.walk_strength) then self.direction = FORWARD
    else self.direction = NONE end
    return
  end
  if v2.mark == mark then
    if v1.mark ~= mark and stronger(self.strength, v1.walk_strength) then self.direction = BACKWARD
    else self.direction = NONE end
    return
  end
  if weaker(v1.walk_strength, v2.walk_strength) then
    if stronger(self.strength, v1.walk_strength) then self.direction = BACKWARD else self.direction = NONE end
  else
    if stronger(self.strength, v2.walk_strength) then self.direction = FORWARD else self.direction = NONE end
  end
end

function BinaryConstraint:add_to_graph()
  self.v1:add_constraint(self)
  self.v2:add_constraint(self)
  self.direction = NONE
end

function BinaryConstraint:is_satisfied() return self.direction ~= NONE end
function BinaryConstraint:mark_inputs(mark) self:input().mark = mark end

function BinaryConstraint:input()
  if self.direction == FORWARD then return self.v1 end
  return self.v2
end

function BinaryConstraint:output()
  if self.direction == FORWARD then return self.v2 end
  return self.v1
end

function BinaryConstraint:recalculate()
  local ihn, out = self:input(), self:output()
  out.walk_strength = weakest_of(self.strength, ihn.walk_strength)
  out.stay = ihn.stay
  if out.stay then self:execute() end
end

function BinaryConstraint:mark_unsatisfied() self.direction = NONE end

function BinaryConstraint:inputs_known(mark)
  local i = self:input()
  return i.mark == mark or i.stay or i.determined_by == nil
end

function BinaryConstraint:remove_from_graph()
  if self.v1 ~= nil then self.v1:remove_constraint(self) end
  if self.v2 ~= nil then self.v2:remove_constraint(self) end
  self.direction = NONE
end

local EqualityConstraint = setmetatable({}, { __index = BinaryConstraint })
EqualityConstraint.__index = EqualityConstraint

function EqualityConstraint:execute() self:output().value = self:input().value end

-- dest = src * scale + offset
local ScaleConstraint = setmetatable({}, { __index = BinaryConstraint })
ScaleConstraint.__index = ScaleConstraint

local function new_scale(src, scale, offset, dest, strength)
  local c = setmetatable({ scale = scale, offset = offset }, ScaleConstraint)
  return init_binary(c, src, dest, strength)
end

function ScaleConstraint:add_to_graph()
  BinaryConstraint.add_to_graph(self)
  self.scale:add_constraint(self)
  self.offset:add_constraint(self)
end

function ScaleConstraint:remove_from_graph()
  BinaryConstraint.remove_from_graph(self)
  if self.scale ~= nil then self.scale:remove_constraint(self) end
  if self.offset ~= nil then self.offset:remove_constraint(self) end
end

function ScaleConstraint:mark_inputs(mark)
  BinaryConstraint.mark_inputs(self, mark)
  self.scale.mark = mark
  self.offset.mark = mark
end

function ScaleConstraint:execute()
  if self.direction == FORWARD then
    self.v2.value = self.v1.value * self.scale.value + self.offset.value
  else
    self.v1.value = (self.v2.value - self.offset.value) / self.scale.value
  end
end

function ScaleConstraint:recalculate()
  local ihn, out = self:input(), self:output()
  out.walk_strength = weakest_of(self.strength, ihn.walk_strength)
  out.stay = ihn.stay and self.scale.stay and self.offset.stay
  if out.stay then self:execute() end
end

-- Plans --------------------------------------------------------------------------------------
local function execute_plan(plan)
  for i = 1, #plan do plan[i]:execute() end
end

-- Planner -----------------------------------------------------------------------------------
local Planner = {}
Planner.__index = Planner

local function new_planner() return setmetatable({ current_mark = 0 }, Planner) end

function Planner:new_mark()
  self.current_mark = self.current_mark + 1
  return self.current_mark
end

function Planner:incremental_add(c)
  local mark = self:new_mark()
  local overridden = c:satisfy(mark)
  while overridden ~= nil do overridden = overridden:satisfy(mark) end
end

function Planner:incremental_remove(c)
  local out = c:output()
  c:mark_unsatisfied()
  c:remove_from_graph()
  local unsatisfied = self:remove_propagate_from(out)
  local strength = REQUIRED
  repeat
    for i = 1, #unsatisfied do
      local u = unsatisfied[i]
      if u.strength == strength then self:incremental_add(u) end
    end
    strength = next_weaker(strength)
  until strength == WEAKEST
end

local function add_constraints_consuming_to(v, coll)
  local determining = v.determined_by
  local cs = v.constraints
  for i = 1, #cs do
    local c = cs[i]
    if c ~= determining and c:is_satisfied() then coll[#coll + 1] = c end
  end
end

function Planner:make_plan(sources)
  local mark = self:new_mark()
  local plan = {}
  local todo, head = sources, 1
  while head <= #todo do
    local c = todo[head]
    head = head + 1
    local out = c:output()
    if out.mark ~= mark and c:inputs_known(mark) then
      plan[#plan + 1] = c
      out.mark = mark
      add_constraints_consuming_to(out, todo)
    end
  end
  return plan
end

function Planner:extract_plan_from_constraints(constraints)
  local sources = {}
  for i = 1, #constraints do
    local c = constraints[i]
    if c:is_input() and c:is_satisfied() then sources[#sources + 1] = c end
  end
  return self:make_plan(sources)
end

function Planner:add_propagate(c, mark)
  local todo, head = { c }, 1
  while head <= #todo do
    local d = todo[head]
    head = head + 1
    if d:output().mark == mark then
      self:incremental_remove(c)
      return false
    end
    d:recalculate()
    add_constraints_consuming_to(d:output(), todo)
  end
  return true
end

function Planner:remove_propagate_from(out)
  out.determined_by = nil
  out.walk_strength = WEAKEST
  out.stay = true
  local unsatisfied = {}
  local todo, head = { out }, 1
  while head <= #todo do
    local v = todo[head]
    head = head + 1
    local cs = v.constraints
    for i = 1, #cs do
      if not cs[i]:is_satisfied() then unsatisfied[#unsatisfied + 1] = cs[i] end
    end
    local determining = v.determined_by
    for i = 1, #cs do
      local nxt = cs[i]
      if nxt ~= determining and nxt:is_satisfied() then
        nxt:recalculate()
        todo[#todo + 1] = nxt:output()
      end
    end
  end
  return unsatisfied
end

-- Workloads ------------------------------------------------------------------------------------
local checksum = 0

local function chain_test(n)
  planner = new_planner()
  local prev, first, last
  for i = 0, n do
    local v = new_variable("v" .. i, 0)
    if prev ~= nil then init_binary(setmetatable({}, EqualityConstraint), prev, v, REQUIRED) end
    if i == 0 then first = v end
    if i == n then last = v end
    prev = v
  end
  init_unary(StayConstraint, last, STRONG_DEFAULT)
  local edit = init_unary(EditConstraint, first, PREFERRED)
  local plan = planner:extract_plan_from_constraints({ edit })
  for i = 0, 99 do
    first.value = i
    execute_plan(plan)
    if last.value ~= i then error("chain test failed") end
    checksum = checksum + last.value
  end
  edit:destroy_constraint()
end

local function change(v, new_value)
  local edit = init_unary(EditConstraint, v, PREFERRED)
  local plan = planner:extract_plan_from_constraints({ edit })
  for _ = 1, 10 do
    v.value = new_value
    execute_plan(plan)
  end
  edit:destroy_constraint()
end

local function projection_test(n)
  planner = new_planner()
  local scale = new_variable("scale", 10)
  local offset = new_variable("offset", 1000)
  local src, dst
  local dests = {}
  for i = 0, n - 1 do
    src = new_variable("src" .. i, i)
    dst = new_variable("dst" .. i, i)
    dests[#dests + 1] = dst
    init_unary(StayConstraint, src, NORMAL)
    new_scale(src, scale, offset, dst, REQUIRED)
  end
  change(src, 17)
  if dst.value ~= 1170 then error("projection 1 failed") end
  change(dst, 1050)
  if src.value ~= 5 then error("projection 2 failed") end
  change(scale, 5)
  for i = 0, n - 2 do
    if dests[i + 1].value ~= i * 5 + 1000 then error("projection 3 failed") end
  end
  change(offset, 2000)
  for i = 0, n - 2 do
    if dests[i + 1].value ~= i * 5 + 2000 then error("projection 4 failed") end
    checksum = checksum + dests[i + 1].value
  end
end

for _ = 1, iterations do
  chain_test(100)
  projection_test(100)
end
print(string.format("deltablue: %d iterations, checksum %d", iterations, checksum))
