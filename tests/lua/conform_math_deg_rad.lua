-- math.deg / math.rad, and every field of the 5.4 math library (Debian's lua5.4 also
-- has the 5.3 compatibility functions, which 5.4.7 by default does not, so only the
-- standard names are checked).
print(math.deg(math.pi / 2), math.rad(90) == math.pi / 2, math.deg(0), math.rad(-180))
print(math.deg(1), math.rad(1), math.deg(3), math.type(math.deg(3)))
print(pcall(math.deg), pcall(math.rad, "x"))
for name in ([[abs acos asin atan ceil cos deg exp floor fmod huge log max maxinteger
    min mininteger modf pi rad random randomseed sin sqrt tan tointeger type ult]]):gmatch("%a+") do
  io.write(name, "=", type(math[name]), " ")
end
print()
