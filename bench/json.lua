-- json: encode a generated document to JSON text, decode it back, re-encode, compare.
-- (string building, string.byte/sub/find, tables, recursion)
-- usage: json.lua [rounds]   (default 800)
local rounds = tonumber(arg and arg[1]) or 800

local seed = 42
local function rand(n) -- Park-Miller, exact in doubles and integers alike
  seed = (seed * 16807) % 2147483647
  return seed % n
end

local words = { "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta",
  "quote\"d", "back\\slash", "new\nline", "tab\tbed", "unicode-\195\169" }

local function gen(depth)
  local kind = rand(depth > 0 and 8 or 5)
  if kind == 0 then return rand(100000) - 50000
  elseif kind == 1 then return (rand(2000000) - 1000000) / 64
  elseif kind == 2 then return words[rand(#words) + 1]
  elseif kind == 3 then return rand(2) == 1
  elseif kind == 4 then return words[rand(#words) + 1] .. rand(1000)
  elseif kind <= 6 then
    local t = {}
    for i = 1, rand(8) + 1 do t[i] = gen(depth - 1) end
    return t
  else
    local t = {}
    for _ = 1, rand(8) + 1 do t[words[rand(#words) + 1] .. rand(50)] = gen(depth - 1) end
    return t
  end
end

-- Encoder -------------------------------------------------------------------------------
local escapes = { ['"'] = '\\"', ['\\'] = '\\\\', ['\n'] = '\\n', ['\t'] = '\\t', ['\r'] = '\\r', ['\b'] = '\\b', ['\f'] = '\\f' }
local function escape_char(c) return escapes[c] or string.format("\\u%04x", string.byte(c)) end

local encode_value
local function encode_string(s, out)
  out[#out + 1] = '"' .. string.gsub(s, '[%c"\\]', escape_char) .. '"'
end

function encode_value(v, out)
  local tv = type(v)
  if tv == "string" then encode_string(v, out)
  elseif tv == "number" then
    if v == math.floor(v) and v > -1e15 and v < 1e15 then out[#out + 1] = string.format("%d", v)
    else out[#out + 1] = string.format("%.17g", v) end
  elseif tv == "boolean" then out[#out + 1] = v and "true" or "false"
  elseif tv == "table" then
    if #v > 0 or next(v) == nil then
      out[#out + 1] = "["
      for i = 1, #v do
        if i > 1 then out[#out + 1] = "," end
        encode_value(v[i], out)
      end
      out[#out + 1] = "]"
    else
      local keys = {}
      for k in pairs(v) do keys[#keys + 1] = k end
      table.sort(keys)
      out[#out + 1] = "{"
      for i, k in ipairs(keys) do
        if i > 1 then out[#out + 1] = "," end
        encode_string(k, out)
        out[#out + 1] = ":"
        encode_value(v[k], out)
      end
      out[#out + 1] = "}"
    end
  else
    error("cannot encode " .. tv)
  end
end

local function encode(v)
  local out = {}
  encode_value(v, out)
  return table.concat(out)
end

-- Decoder -------------------------------------------------------------------------------
local decode_value
local unescapes = { ['"'] = '"', ['\\'] = '\\', ['/'] = '/', n = '\n', t = '\t', r = '\r', b = '\b', f = '\f' }

local function skip_ws(s, i)
  return (string.find(s, "[^ \t\r\n]", i)) or #s + 1
end

local function decode_string(s, i)
  local parts = {}
  local j = i + 1
  while true do
    local k = string.find(s, '["\\]', j)
    if not k then error("unterminated string at " .. i) end
    parts[#parts + 1] = string.sub(s, j, k - 1)
    if string.byte(s, k) == 34 then return table.concat(parts), k + 1 end
    local c = string.sub(s, k + 1, k + 1)
    if c == "u" then
      parts[#parts + 1] = string.char(tonumber(string.sub(s, k + 2, k + 5), 16))
      j = k + 6
    else
      parts[#parts + 1] = unescapes[c] or error("bad escape \\" .. c)
      j = k + 2
    end
  end
end

function decode_value(s, i)
  i = skip_ws(s, i)
  local c = string.byte(s, i)
  if c == 34 then return decode_string(s, i)
  elseif c == 123 then
    local t = {}
    i = skip_ws(s, i + 1)
    if string.byte(s, i) == 125 then return t, i + 1 end
    while true do
      local key
      key, i = decode_string(s, skip_ws(s, i))
      i = skip_ws(s, i)
      if string.byte(s, i) ~= 58 then error("':' expected at " .. i) end
      t[key], i = decode_value(s, i + 1)
      i = skip_ws(s, i)
      local d = string.byte(s, i)
      if d == 125 then return t, i + 1 end
      if d ~= 44 then error("',' or '}' expected at " .. i) end
      i = i + 1
    end
  elseif c == 91 then
    local t = {}
    i = skip_ws(s, i + 1)
    if string.byte(s, i) == 93 then return t, i + 1 end
    while true do
      t[#t + 1], i = decode_value(s, i)
      i = skip_ws(s, i)
      local d = string.byte(s, i)
      if d == 93 then return t, i + 1 end
      if d ~= 44 then error("',' or ']' expected at " .. i) end
      i = i + 1
    end
  elseif string.sub(s, i, i + 3) == "true" then return true, i + 4
  elseif string.sub(s, i, i + 4) == "false" then return false, i + 5
  else
    local num = string.match(s, "^-?%d+%.?%d*[eE]?[-+]?%d*", i)
    if not num or num == "" then error("unexpected character at " .. i) end
    return tonumber(num), i + #num
  end
end

local function decode(s)
  local v, i = decode_value(s, 1)
  if skip_ws(s, i) <= #s then error("trailing garbage") end
  return v
end

-- Benchmark -----------------------------------------------------------------------------
local doc = {}
for i = 1, 40 do doc[i] = gen(5) end
local total, checksum = 0, 0
for r = 1, rounds do
  local text = encode(doc)
  local again = encode(decode(text))
  if again ~= text then error("round trip mismatch in round " .. r) end
  total = total + #text
  for k = 1, #text, 97 do checksum = (checksum * 31 + string.byte(text, k)) % 1000000007 end
  doc[(r % #doc) + 1] = gen(4)
end
print(string.format("json: %d rounds, %d bytes encoded, checksum %d", rounds, total, checksum))
