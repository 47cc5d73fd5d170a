-- havlak: loop recognition in a large generated control-flow graph with Havlak's
-- algorithm ("Nesting of reducible and irreducible loops", TOPLAS 1997): depth-first
-- numbering, union-find, loop-structure graph (tables, arrays, object graphs).
-- usage: havlak.lua [repeats]   (default 6: loop-finding passes over the big graph)
local repeats = tonumber(arg and arg[1]) or 6

-- Control-flow graph -------------------------------------------------------------------------
local blocks = {} -- name -> block; names are 0..count-1
local block_count = 0

local function node(name)
  local b = blocks[name]
  if not b then
    b = { name = name, ins = {}, outs = {} }
    blocks[name] = b
    if name + 1 > block_count then block_count = name + 1 end
  end
  return b
end

local function edge(from, to)
  local a, b = node(from), node(to)
  a.outs[#a.outs + 1] = b
  b.ins[#b.ins + 1] = a
end

local function straight(start, n)
  for i = 0, n - 1 do edge(start + i, start + i + 1) end
  return start + n
end

local function diamond(start)
  edge(start, start + 1)
  edge(start, start + 2)
  edge(start + 1, start + 3)
  edge(start + 2, start + 3)
  return start + 3
end

local function base_loop(from)
  local header = straight(from, 1)
  local diamond1 = diamond(header)
  local d11 = straight(diamond1, 1)
  local diamond2 = diamond(d11)
  local footer = straight(diamond2, 1)
  edge(diamond2, d11)
  edge(diamond1, header)
  edge(footer, from)
  return straight(footer, 1)
end

-- Loop-structure graph -------------------------------------------------------------------------
local function new_lsg()
  local root = { blocks = {}, children = {}, is_root = true, nesting = 0, depth = 0, counter = 0 }
  return { root = root, loops = { root }, count = 1 }
end

local function new_loop(lsg)
  local loop = { blocks = {}, children = {}, is_root = false, nesting = 0, depth = 0, counter = lsg.count }
  lsg.count = lsg.count + 1
  return loop
end

local function set_parent(loop, parent)
  loop.parent = parent
  parent.children[#parent.children + 1] = loop
end

local function nesting_rec(loop, depth)
  loop.depth = depth
  for _, child in ipairs(loop.children) do
    nesting_rec(child, depth + 1)
    if child.nesting + 1 > loop.nesting then loop.nesting = child.nesting + 1 end
  end
end

local function calculate_nesting(lsg)
  for _, loop in ipairs(lsg.loops) do
    if not loop.is_root and not loop.parent then set_parent(loop, lsg.root) end
  end
  nesting_rec(lsg.root, 0)
end

-- Havlak's loop finder ---------------------------------------------------------------------------
local UNVISITED = -1
local BB_NONHEADER, BB_REDUCIBLE, BB_SELF, BB_IRREDUCIBLE, BB_DEAD = 1, 2, 3, 4, 5
local MAX_NON_BACK_PREDS = 32 * 1024

local function find_set(n)
  local path = {}
  while n ~= n.parent do
    if n.parent ~= n.parent.parent then path[#path + 1] = n end
    n = n.parent
  end
  for i = 1, #path do path[i].parent = n.parent end
  return n
end

local function find_loops(lsg)
  local size = block_count
  if size == 0 then return 0 end
  local number, last, nodes = {}, {}, {}
  local non_back, non_back_set, back, header, types = {}, {}, {}, {}, {}
  for name = 0, size - 1 do number[name] = UNVISITED end
  for w = 0, size - 1 do
    nodes[w] = { dfs = w }
    non_back[w], non_back_set[w], back[w] = {}, {}, {}
  end

  -- Depth-first numbering (preorder), iterative; last[w] is w's last descendant.
  local stack_b, stack_i, sp, current = { blocks[0] }, { 1 }, 1, 0
  do
    local uf = nodes[0]
    uf.parent, uf.bb, uf.loop = uf, blocks[0], nil
    number[0] = 0
  end
  while sp > 0 do
    local b, i = stack_b[sp], stack_i[sp]
    local outs = b.outs
    if i <= #outs then
      stack_i[sp] = i + 1
      local target = outs[i]
      if number[target.name] == UNVISITED then
        current = current + 1
        local uf = nodes[current]
        uf.parent, uf.bb, uf.loop = uf, target, nil
        number[target.name] = current
        sp = sp + 1
        stack_b[sp], stack_i[sp] = target, 1
      end
    else
      last[number[b.name]] = current
      sp = sp - 1
    end
  end

  local function is_ancestor(w, v) return w <= v and v <= last[w] end

  for w = 0, size - 1 do
    header[w] = 0
    types[w] = BB_NONHEADER
    local bw = nodes[w].bb
    if not bw then
      types[w] = BB_DEAD
    else
      for _, v in ipairs(bw.ins) do
        local vnum = number[v.name]
        if vnum ~= UNVISITED then
          if is_ancestor(w, vnum) then
            back[w][#back[w] + 1] = vnum
          elseif not non_back_set[w][vnum] then
            non_back_set[w][vnum] = true
            non_back[w][#non_back[w] + 1] = vnum
          end
        end
      end
    end
  end
  header[0] = 0

  for w = size - 1, 0, -1 do
    local bw = nodes[w].bb
    if bw then
      local pool, in_pool = {}, {}
      for _, v in ipairs(back[w]) do
        if v ~= w then
          local s = find_set(nodes[v])
          if not in_pool[s] then in_pool[s] = true; pool[#pool + 1] = s end
        else
          types[w] = BB_SELF
        end
      end
      if #pool > 0 then types[w] = BB_REDUCIBLE end
      local work, head = {}, 1
      for i = 1, #pool do work[i] = pool[i] end
      while head <= #work do
        local x = work[head]
        head = head + 1
        local preds = non_back[x.dfs]
        if #preds > MAX_NON_BACK_PREDS then return 0 end
        for _, p in ipairs(preds) do
          local ydash = find_set(nodes[p])
          if not is_ancestor(w, ydash.dfs) then
            types[w] = BB_IRREDUCIBLE
            if not non_back_set[w][ydash.dfs] then
              non_back_set[w][ydash.dfs] = true
              non_back[w][#non_back[w] + 1] = ydash.dfs
            end
          elseif ydash.dfs ~= w and not in_pool[ydash] then
            in_pool[ydash] = true
            pool[#pool + 1] = ydash
            work[#work + 1] = ydash
          end
        end
      end
      if #pool > 0 or types[w] == BB_SELF then
        local loop = new_loop(lsg)
        loop.header = bw
        loop.blocks[#loop.blocks + 1] = bw
        loop.reducible = types[w] ~= BB_IRREDUCIBLE
        nodes[w].loop = loop
        for _, n in ipairs(pool) do
          header[n.dfs] = w
          n.parent = nodes[w]
          if n.loop then set_parent(n.loop, loop) else loop.blocks[#loop.blocks + 1] = n.bb end
        end
        lsg.loops[#lsg.loops + 1] = loop
      end
    end
  end
  return #lsg.loops - 1
end

-- Benchmark ---------------------------------------------------------------------------------------
node(0)
base_loop(0)
node(1)
edge(0, 2)
local dummy = 0
for _ = 1, 200 do dummy = dummy + find_loops(new_lsg()) end
print("dummy loops found", dummy)

local n = 2
for _ = 1, 4 do
  node(n + 1)
  edge(2, n + 1)
  n = n + 1
  for _ = 1, 40 do
    local top = n
    n = straight(n, 1)
    for _ = 1, 25 do n = base_loop(n) end
    local bottom = straight(n, 1)
    edge(n, top)
    n = bottom
  end
  edge(n, 1)
end
print("blocks", block_count)

local lsg = new_lsg()
local found = find_loops(lsg)
print("loops found", found)
for _ = 1, repeats do find_loops(new_lsg()) end
calculate_nesting(lsg)
local max_depth, depth_sum, reducible = 0, 0, 0
for _, loop in ipairs(lsg.loops) do
  depth_sum = depth_sum + loop.depth
  if loop.depth > max_depth then max_depth = loop.depth end
  if loop.reducible then reducible = reducible + 1 end
end
print("loop tree: max depth", max_depth, "depth sum", depth_sum, "reducible", reducible, "root nesting", lsg.root.nesting)
