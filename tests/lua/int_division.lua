-- Floor division and modulo: signs, zero divisors, mixed subtypes, identities.
for a = -7, 7, 7 do
  for _, b in ipairs({3, -3, 2, -2, 1, -1}) do
    local q, r = a // b, a % b
    print(a, b, q, r, q * b + r == a)
  end
end
for _, a in ipairs({7.0, -7.0, 0.5, -0.5}) do
  for _, b in ipairs({2, -2, 0.25}) do
    print(a, b, a // b, a % b)
  end
end
print(pcall(function(x) return x // 0 end, 3))
print(pcall(function(x) return x % 0 end, 3))
print(3 // 0.0, -3 // 0.0, 0/0 ~= 0/0)
print(3.0 // 0, -3 % 0.0 ~= -3 % 0.0)
print(math.mininteger // -1, math.mininteger % -1)
print(math.maxinteger // 1, math.maxinteger % 2)
print(1 // 3 * 3 + 1 % 3)
