-- k_nucleotide: count k-mer frequencies in a generated DNA sequence (hash tables keyed by
-- substrings, string.sub, sorting by frequency).
-- usage: k_nucleotide.lua [n]   (default 500000: sequence length)
local n = tonumber(arg and arg[1]) or 500000

local IM, IA, IC = 139968, 3877, 29573
local last = 42
local function random()
  last = (last * IA + IC) % IM
  return last / IM
end
local bases = { { "A", 0.3029549426680 }, { "C", 0.1979883004921 }, { "G", 0.1975473066391 }, { "T", 0.3015094502008 } }
local parts = {}
for i = 1, n do
  local r, acc, pick = random(), 0, "T"
  for _, b in ipairs(bases) do
    acc = acc + b[2]
    if r < acc then pick = b[1]; break end
  end
  parts[i] = pick
end
local seq = table.concat(parts)

local function count(k)
  local counts = {}
  for i = 1, #seq - k + 1 do
    local frag = string.sub(seq, i, i + k - 1)
    counts[frag] = (counts[frag] or 0) + 1
  end
  return counts
end

local function frequencies(k)
  local counts = count(k)
  local list = {}
  for frag, c in pairs(counts) do list[#list + 1] = { frag, c } end
  table.sort(list, function(a, b) if a[2] ~= b[2] then return a[2] > b[2] end return a[1] < b[1] end)
  local total = #seq - k + 1
  for _, e in ipairs(list) do print(string.format("%s %.3f", e[1], 100 * e[2] / total)) end
  print()
end

frequencies(1)
frequencies(2)
for _, frag in ipairs({ "GGT", "GGTA", "GGTATT", "GGTATTTTAATT", "GGTATTTTAATTTATAGT" }) do
  print(string.format("%d\t%s", count(#frag)[frag] or 0, frag))
end
