-- fasta: generate DNA sequences by repeating a string and by weighted random choice with
-- a linear congruential generator; prints a checksum of each sequence, not the text.
-- usage: fasta.lua [n]   (default 2000000)
local n = tonumber(arg and arg[1]) or 2000000

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

local IUB = { { "a", 0.27 }, { "c", 0.12 }, { "g", 0.12 }, { "t", 0.27 }, { "B", 0.02 }, { "D", 0.02 },
  { "H", 0.02 }, { "K", 0.02 }, { "M", 0.02 }, { "N", 0.02 }, { "R", 0.02 }, { "S", 0.02 },
  { "V", 0.02 }, { "W", 0.02 }, { "Y", 0.02 } }
local HOMO = { { "a", 0.3029549426680 }, { "c", 0.1979883004921 }, { "g", 0.1975473066391 },
  { "t", 0.3015094502008 } }

local function checksum_lines(lines)
  local sum = 0
  for i = 1, #lines do
    local line = lines[i]
    for k = 1, #line, 7 do sum = (sum * 17 + string.byte(line, k)) % 1000000007 end
  end
  return sum
end

local function repeat_fasta(src, count)
  local lines = {}
  local len = #src
  local s2 = src .. src .. src
  local pos = 1
  while count > 0 do
    local line = count < 60 and count or 60
    lines[#lines + 1] = string.sub(s2, pos, pos + line - 1)
    pos = pos + line
    if pos > len then pos = pos - len end
    count = count - line
  end
  return lines
end

local function random_fasta(table_, count)
  local chars, probs = {}, {}
  local acc = 0
  for i, pair in ipairs(table_) do
    acc = acc + pair[2]
    chars[i], probs[i] = pair[1], acc
  end
  local lines = {}
  local buf = {}
  while count > 0 do
    local line = count < 60 and count or 60
    for i = 1, line do
      local r = random(1.0)
      local k = 1
      while probs[k] < r and k < #probs do k = k + 1 end
      buf[i] = chars[k]
    end
    for i = line + 1, #buf do buf[i] = nil end
    lines[#lines + 1] = table.concat(buf)
    count = count - line
  end
  return lines
end

local one = repeat_fasta(ALU, n * 2)
print(">ONE Homo sapiens alu", #one, checksum_lines(one))
local two = random_fasta(IUB, n * 3)
print(">TWO IUB ambiguity codes", #two, checksum_lines(two))
local three = random_fasta(HOMO, n * 5)
print(">THREE Homo sapiens frequency", #three, checksum_lines(three))
