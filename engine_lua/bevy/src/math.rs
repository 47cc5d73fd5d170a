//! Math values for scripts: `Vec2`, `Vec3` and `Quat` as userdata with fields
//! (`v.x`), arithmetic metamethods (`a + b`, `v * 2`, `q * v`, `-v`, `==`) and methods
//! (`length`, `normalize`, `dot`, `cross`, `lerp`), and the constructors `vec2`,
//! `vec3`, `quat` (a table with `from_rotation_x/y/z`, `from_axis_angle`, `identity`).
//!
//! Operands may be math userdata, references into components that hold a math type
//! (`entity.Transform.translation`, see [`crate::bind`]), tables `{x=, y=, z=}`, or
//! numbers (scalars). The result of arithmetic is always a fresh value.

use bevy::math::{Quat, Vec2, Vec3};
use engine_lua::runtime::{Value, Vm};
use engine_lua::{
    Error, FromLua, IntoLua, MetaMethod, Result, Table, UserData, UserDataFields, UserDataMethods,
};

/// A `Vec2` held by Lua.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LuaVec2(pub Vec2);
/// A `Vec3` held by Lua.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LuaVec3(pub Vec3);
/// A `Quat` held by Lua.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LuaQuat(pub Quat);

/// An operand of a math operation, after reading references.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum MathValue {
    /// A number.
    Num(f32),
    /// A 2D vector.
    V2(Vec2),
    /// A 3D vector.
    V3(Vec3),
    /// A rotation.
    Q(Quat),
}

impl IntoLua for MathValue {
    fn into_lua(self, vm: &mut Vm) -> Result<Value> {
        match self {
            MathValue::Num(n) => Ok(Value::Num(n as f64)),
            MathValue::V2(v) => vm.create_userdata(LuaVec2(v))?.into_lua(vm),
            MathValue::V3(v) => vm.create_userdata(LuaVec3(v))?.into_lua(vm),
            MathValue::Q(q) => vm.create_userdata(LuaQuat(q))?.into_lua(vm),
        }
    }
}

/// Reads a math operand: a number, math userdata, a reference to a math value, or a
/// table with `x`, `y` (, `z` (, `w`)) fields.
pub fn math_of(vm: &mut Vm, v: Value) -> Result<MathValue> {
    match v {
        Value::Int(i) => Ok(MathValue::Num(i as f32)),
        Value::Num(n) => Ok(MathValue::Num(n as f32)),
        Value::UserData(_) => {
            use crate::bind::ud_ref;
            if let Some(x) = ud_ref::<LuaVec3>(&v) {
                return Ok(MathValue::V3(x.0));
            }
            if let Some(x) = ud_ref::<LuaVec2>(&v) {
                return Ok(MathValue::V2(x.0));
            }
            if let Some(x) = ud_ref::<LuaQuat>(&v) {
                return Ok(MathValue::Q(x.0));
            }
            if let Some(r) = ud_ref::<crate::bind::ValueRef>(&v) {
                return r.read_math();
            }
            Err(Error::runtime("expected a number, Vec2, Vec3 or Quat"))
        }
        Value::Table(_) => {
            let t = Table::from_lua(v, vm)?;
            let x: Option<f32> = t.get(vm, "x")?;
            let y: Option<f32> = t.get(vm, "y")?;
            let z: Option<f32> = t.get(vm, "z")?;
            let w: Option<f32> = t.get(vm, "w")?;
            match (x, y, z, w) {
                (Some(x), Some(y), Some(z), Some(w)) => {
                    Ok(MathValue::Q(Quat::from_xyzw(x, y, z, w)))
                }
                (Some(x), Some(y), Some(z), None) => Ok(MathValue::V3(Vec3::new(x, y, z))),
                (Some(x), Some(y), None, None) => Ok(MathValue::V2(Vec2::new(x, y))),
                _ => Err(Error::runtime(
                    "expected a table with fields x, y (, z (, w))",
                )),
            }
        }
        _ => Err(Error::runtime(format!(
            "expected a number, Vec2, Vec3 or Quat, got {}",
            vm.type_name_of(v)
        ))),
    }
}

fn bad(op: &str, a: MathValue, b: MathValue) -> Error {
    let n = |m: MathValue| match m {
        MathValue::Num(_) => "number",
        MathValue::V2(_) => "Vec2",
        MathValue::V3(_) => "Vec3",
        MathValue::Q(_) => "Quat",
    };
    Error::runtime(format!("cannot {op} a {} and a {}", n(a), n(b)))
}

/// `a + b`.
pub fn add(a: MathValue, b: MathValue) -> Result<MathValue> {
    use MathValue::*;
    Ok(match (a, b) {
        (V2(x), V2(y)) => V2(x + y),
        (V3(x), V3(y)) => V3(x + y),
        (Num(x), Num(y)) => Num(x + y),
        _ => return Err(bad("add", a, b)),
    })
}

/// `a - b`.
pub fn sub(a: MathValue, b: MathValue) -> Result<MathValue> {
    use MathValue::*;
    Ok(match (a, b) {
        (V2(x), V2(y)) => V2(x - y),
        (V3(x), V3(y)) => V3(x - y),
        (Num(x), Num(y)) => Num(x - y),
        _ => return Err(bad("subtract", a, b)),
    })
}

/// `a * b`: componentwise for vectors, scaling by numbers, rotation for `Quat * Vec3`,
/// composition for `Quat * Quat`.
pub fn mul(a: MathValue, b: MathValue) -> Result<MathValue> {
    use MathValue::*;
    Ok(match (a, b) {
        (V2(x), V2(y)) => V2(x * y),
        (V3(x), V3(y)) => V3(x * y),
        (V2(x), Num(s)) | (Num(s), V2(x)) => V2(x * s),
        (V3(x), Num(s)) | (Num(s), V3(x)) => V3(x * s),
        (Q(q), V3(v)) => V3(q * v),
        (Q(p), Q(q)) => Q(p * q),
        (Num(x), Num(y)) => Num(x * y),
        _ => return Err(bad("multiply", a, b)),
    })
}

/// `a / b`.
pub fn div(a: MathValue, b: MathValue) -> Result<MathValue> {
    use MathValue::*;
    Ok(match (a, b) {
        (V2(x), V2(y)) => V2(x / y),
        (V3(x), V3(y)) => V3(x / y),
        (V2(x), Num(s)) => V2(x / s),
        (V3(x), Num(s)) => V3(x / s),
        (Num(x), Num(y)) => Num(x / y),
        _ => return Err(bad("divide", a, b)),
    })
}

/// `-a` (the inverse rotation for a `Quat`).
pub fn neg(a: MathValue) -> MathValue {
    match a {
        MathValue::Num(x) => MathValue::Num(-x),
        MathValue::V2(x) => MathValue::V2(-x),
        MathValue::V3(x) => MathValue::V3(-x),
        MathValue::Q(q) => MathValue::Q(q.inverse()),
    }
}

/// `tostring(a)`.
pub fn text(a: MathValue) -> String {
    match a {
        MathValue::Num(x) => format!("{x}"),
        MathValue::V2(v) => format!("Vec2({}, {})", v.x, v.y),
        MathValue::V3(v) => format!("Vec3({}, {}, {})", v.x, v.y, v.z),
        MathValue::Q(q) => format!("Quat({}, {}, {}, {})", q.x, q.y, q.z, q.w),
    }
}

/// Adds the arithmetic metamethods shared by math userdata and references.
pub fn add_arith<T: UserData>(m: &mut UserDataMethods<'_, T>) {
    fn bin(
        f: fn(MathValue, MathValue) -> Result<MathValue>,
    ) -> impl Fn(&mut Vm, (Value, Value)) -> Result<MathValue> + 'static {
        move |vm, (a, b)| {
            let a = math_of(vm, a)?;
            let b = math_of(vm, b)?;
            f(a, b)
        }
    }
    m.add_meta_function(MetaMethod::Add, bin(add));
    m.add_meta_function(MetaMethod::Sub, bin(sub));
    m.add_meta_function(MetaMethod::Mul, bin(mul));
    m.add_meta_function(MetaMethod::Div, bin(div));
    m.add_meta_function(MetaMethod::Unm, |vm, (a, _b): (Value, Value)| {
        Ok(neg(math_of(vm, a)?))
    });
    m.add_meta_function(MetaMethod::Eq, |vm, (a, b): (Value, Value)| {
        Ok(math_of(vm, a)? == math_of(vm, b)?)
    });
    m.add_meta_function(MetaMethod::ToString, |vm, a: Value| {
        Ok(text(math_of(vm, a)?))
    });
    m.add_function("length", |vm, a: Value| {
        Ok(match math_of(vm, a)? {
            MathValue::V2(v) => v.length(),
            MathValue::V3(v) => v.length(),
            MathValue::Q(q) => q.length(),
            MathValue::Num(n) => n.abs(),
        })
    });
    m.add_function("normalize", |vm, a: Value| {
        Ok(match math_of(vm, a)? {
            MathValue::V2(v) => MathValue::V2(v.normalize_or_zero()),
            MathValue::V3(v) => MathValue::V3(v.normalize_or_zero()),
            MathValue::Q(q) => MathValue::Q(q.normalize()),
            MathValue::Num(n) => MathValue::Num(n.signum()),
        })
    });
    m.add_function("dot", |vm, (a, b): (Value, Value)| {
        match (math_of(vm, a)?, math_of(vm, b)?) {
            (MathValue::V2(x), MathValue::V2(y)) => Ok(x.dot(y)),
            (MathValue::V3(x), MathValue::V3(y)) => Ok(x.dot(y)),
            (MathValue::Q(x), MathValue::Q(y)) => Ok(x.dot(y)),
            (a, b) => Err(bad("dot", a, b)),
        }
    });
    m.add_function("cross", |vm, (a, b): (Value, Value)| {
        match (math_of(vm, a)?, math_of(vm, b)?) {
            (MathValue::V3(x), MathValue::V3(y)) => Ok(MathValue::V3(x.cross(y))),
            (a, b) => Err(bad("cross", a, b)),
        }
    });
    m.add_function("lerp", |vm, (a, b, t): (Value, Value, f32)| {
        match (math_of(vm, a)?, math_of(vm, b)?) {
            (MathValue::V2(x), MathValue::V2(y)) => Ok(MathValue::V2(x.lerp(y, t))),
            (MathValue::V3(x), MathValue::V3(y)) => Ok(MathValue::V3(x.lerp(y, t))),
            (MathValue::Q(x), MathValue::Q(y)) => Ok(MathValue::Q(x.slerp(y, t))),
            (a, b) => Err(bad("lerp", a, b)),
        }
    });
}

macro_rules! field {
    ($f:ident, $ty:ty, $($name:ident),*) => {
        $(
            $f.add_field_get(stringify!($name), |_, v: &$ty| Ok(v.0.$name));
            $f.add_field_set(stringify!($name), |_, v: &mut $ty, x: f32| {
                v.0.$name = x;
                Ok(())
            });
        )*
    };
}

impl UserData for LuaVec2 {
    fn add_fields(f: &mut UserDataFields<'_, Self>) {
        field!(f, LuaVec2, x, y);
    }
    fn add_methods(m: &mut UserDataMethods<'_, Self>) {
        add_arith(m);
    }
}

impl UserData for LuaVec3 {
    fn add_fields(f: &mut UserDataFields<'_, Self>) {
        field!(f, LuaVec3, x, y, z);
    }
    fn add_methods(m: &mut UserDataMethods<'_, Self>) {
        add_arith(m);
    }
}

impl UserData for LuaQuat {
    fn add_fields(f: &mut UserDataFields<'_, Self>) {
        field!(f, LuaQuat, x, y, z, w);
    }
    fn add_methods(m: &mut UserDataMethods<'_, Self>) {
        add_arith(m);
    }
}

/// Installs `vec2`, `vec3` and the `quat` table in `globals`.
pub fn install(vm: &mut Vm, globals: &Table) -> Result<()> {
    let v2 = vm.create_function(|_, (x, y): (Option<f32>, Option<f32>)| {
        let x = x.unwrap_or(0.0);
        Ok(LuaVec2(Vec2::new(x, y.unwrap_or(x))))
    })?;
    globals.set(vm, "vec2", v2)?;
    let v3 = vm.create_function(|_, (x, y, z): (Option<f32>, Option<f32>, Option<f32>)| {
        let x = x.unwrap_or(0.0);
        Ok(LuaVec3(Vec3::new(x, y.unwrap_or(x), z.unwrap_or(x))))
    })?;
    globals.set(vm, "vec3", v3)?;
    let q = vm.create_table();
    let f = vm.create_function(|_, a: f32| Ok(LuaQuat(Quat::from_rotation_x(a))))?;
    q.set(vm, "from_rotation_x", f)?;
    let f = vm.create_function(|_, a: f32| Ok(LuaQuat(Quat::from_rotation_y(a))))?;
    q.set(vm, "from_rotation_y", f)?;
    let f = vm.create_function(|_, a: f32| Ok(LuaQuat(Quat::from_rotation_z(a))))?;
    q.set(vm, "from_rotation_z", f)?;
    let f = vm.create_function(|vm, (axis, a): (Value, f32)| match math_of(vm, axis)? {
        MathValue::V3(v) => Ok(LuaQuat(Quat::from_axis_angle(v.normalize_or_zero(), a))),
        _ => Err(Error::runtime("from_axis_angle expects a Vec3 axis")),
    })?;
    q.set(vm, "from_axis_angle", f)?;
    let f = vm.create_function(|_, ()| Ok(LuaQuat(Quat::IDENTITY)))?;
    q.set(vm, "identity", f)?;
    globals.set(vm, "quat", q)?;
    Ok(())
}

impl IntoLua for LuaVec2 {
    fn into_lua(self, vm: &mut Vm) -> Result<Value> {
        vm.create_userdata(self)?.into_lua(vm)
    }
}
impl IntoLua for LuaVec3 {
    fn into_lua(self, vm: &mut Vm) -> Result<Value> {
        vm.create_userdata(self)?.into_lua(vm)
    }
}
impl IntoLua for LuaQuat {
    fn into_lua(self, vm: &mut Vm) -> Result<Value> {
        vm.create_userdata(self)?.into_lua(vm)
    }
}
