//! The `math` library (`lmathlib.c`, Lua 5.4.4): integer/float result types as the
//! reference (`math.floor(3.5)` is the integer 3, `math.abs(math.mininteger)` wraps),
//! `fmod` on integers, `log` with exact bases 2 and 10, and `random`/`randomseed` on
//! the xoshiro256** generator of [`super::random`], whose state lives in a userdata
//! shared by the two functions as their upvalue.

use super::auxlib::new_lib;
use super::random::{Xoshiro256, to_float};
use crate::runtime::{LuaResult, NativeFn, Ret, UserData, Value, Vm};

/// Opens the math library.
pub fn open(vm: &mut Vm) {
    const FUNCS: &[(&str, NativeFn)] = &[
        ("abs", math_abs),
        ("ceil", math_ceil),
        ("floor", math_floor),
        ("fmod", math_fmod),
        ("modf", math_modf),
        ("sqrt", math_sqrt),
        ("deg", math_deg),
        ("rad", math_rad),
        ("exp", math_exp),
        ("log", math_log),
        ("sin", math_sin),
        ("cos", math_cos),
        ("tan", math_tan),
        ("asin", math_asin),
        ("acos", math_acos),
        ("atan", math_atan),
        ("tointeger", math_toint),
        ("type", math_type),
        ("ult", math_ult),
        ("max", math_max),
        ("min", math_min),
    ];
    let lib = new_lib(vm, "math", FUNCS);
    vm.raw_set_str(lib, "pi", Value::Num(std::f64::consts::PI));
    vm.raw_set_str(lib, "huge", Value::Num(f64::INFINITY));
    vm.raw_set_str(lib, "maxinteger", Value::Int(i64::MAX));
    vm.raw_set_str(lib, "mininteger", Value::Int(i64::MIN));
    let (generator, _) = Xoshiro256::from_entropy(lib.addr() as u64);
    let state = vm.heap.alloc(UserData {
        metatable: None,
        user_values: Box::new([]),
        data: Box::new(generator),
    });
    let state = Value::UserData(state);
    let random = vm.new_native_with("random", math_random, vec![state]);
    vm.raw_set_str(lib, "random", random);
    let seed = vm.new_native_with("randomseed", math_randomseed, vec![state]);
    vm.raw_set_str(lib, "randomseed", seed);
}

/// Pushes `f` as an integer when it has an exact integer value, else as a float (the
/// reference's `pushnumint`).
fn push_numint(vm: &mut Vm, f: f64) {
    match crate::number::float_to_int_exact(f) {
        Some(i) => vm.push_int(i),
        None => vm.push_float(f),
    }
}

fn one(vm: &mut Vm, v: Value) -> LuaResult<Ret> {
    vm.push(v);
    Ok(Ret::Values(1))
}

fn math_abs(vm: &mut Vm) -> LuaResult<Ret> {
    if let Value::Int(n) = vm.arg(1) {
        return one(vm, Value::Int(n.wrapping_abs()));
    }
    let x = vm.check_number(1)?;
    one(vm, Value::Num(x.abs()))
}

fn math_floor(vm: &mut Vm) -> LuaResult<Ret> {
    if let Value::Int(n) = vm.arg(1) {
        return one(vm, Value::Int(n));
    }
    let x = vm.check_number(1)?;
    push_numint(vm, x.floor());
    Ok(Ret::Values(1))
}

fn math_ceil(vm: &mut Vm) -> LuaResult<Ret> {
    if let Value::Int(n) = vm.arg(1) {
        return one(vm, Value::Int(n));
    }
    let x = vm.check_number(1)?;
    push_numint(vm, x.ceil());
    Ok(Ret::Values(1))
}

fn math_fmod(vm: &mut Vm) -> LuaResult<Ret> {
    if let (Value::Int(a), Value::Int(d)) = (vm.arg(1), vm.arg(2)) {
        if (d as u64).wrapping_add(1) <= 1 {
            if d == 0 {
                return Err(vm.arg_error(2, "zero"));
            }
            return one(vm, Value::Int(0));
        }
        return one(vm, Value::Int(a % d));
    }
    let a = vm.check_number(1)?;
    let b = vm.check_number(2)?;
    one(vm, Value::Num(a % b))
}

fn math_modf(vm: &mut Vm) -> LuaResult<Ret> {
    if let Value::Int(n) = vm.arg(1) {
        vm.push(Value::Int(n));
        vm.push_float(0.0);
        return Ok(Ret::Values(2));
    }
    let x = vm.check_number(1)?;
    let ip = if x < 0.0 { x.ceil() } else { x.floor() };
    push_numint(vm, ip);
    vm.push_float(if x == ip { 0.0 } else { x - ip });
    Ok(Ret::Values(2))
}

fn float_fn(vm: &mut Vm, f: fn(f64) -> f64) -> LuaResult<Ret> {
    let x = vm.check_number(1)?;
    one(vm, Value::Num(f(x)))
}

fn math_sqrt(vm: &mut Vm) -> LuaResult<Ret> {
    float_fn(vm, f64::sqrt)
}
fn math_deg(vm: &mut Vm) -> LuaResult<Ret> {
    float_fn(vm, |x| x * (180.0 / std::f64::consts::PI))
}
fn math_rad(vm: &mut Vm) -> LuaResult<Ret> {
    float_fn(vm, |x| x * (std::f64::consts::PI / 180.0))
}
fn math_exp(vm: &mut Vm) -> LuaResult<Ret> {
    float_fn(vm, f64::exp)
}
fn math_sin(vm: &mut Vm) -> LuaResult<Ret> {
    float_fn(vm, f64::sin)
}
fn math_cos(vm: &mut Vm) -> LuaResult<Ret> {
    float_fn(vm, f64::cos)
}
fn math_tan(vm: &mut Vm) -> LuaResult<Ret> {
    float_fn(vm, f64::tan)
}
fn math_asin(vm: &mut Vm) -> LuaResult<Ret> {
    float_fn(vm, f64::asin)
}
fn math_acos(vm: &mut Vm) -> LuaResult<Ret> {
    float_fn(vm, f64::acos)
}

fn math_atan(vm: &mut Vm) -> LuaResult<Ret> {
    let y = vm.check_number(1)?;
    let x = vm.opt_number(2, 1.0)?;
    one(vm, Value::Num(y.atan2(x)))
}

fn math_log(vm: &mut Vm) -> LuaResult<Ret> {
    let x = vm.check_number(1)?;
    let r = if vm.is_none_or_nil(2) {
        x.ln()
    } else {
        let base = vm.check_number(2)?;
        if base == 2.0 {
            x.log2()
        } else if base == 10.0 {
            x.log10()
        } else {
            x.ln() / base.ln()
        }
    };
    one(vm, Value::Num(r))
}

fn math_toint(vm: &mut Vm) -> LuaResult<Ret> {
    let v = vm.arg(1);
    match crate::runtime::meta::to_integer(v) {
        Some(i) => one(vm, Value::Int(i)),
        None => {
            vm.check_any(1)?;
            one(vm, Value::Nil)
        }
    }
}

fn math_type(vm: &mut Vm) -> LuaResult<Ret> {
    let v = vm.check_any(1)?;
    let r = match v {
        Value::Int(_) => vm.new_string(b"integer"),
        Value::Num(_) => vm.new_string(b"float"),
        _ => Value::Nil,
    };
    one(vm, r)
}

fn math_ult(vm: &mut Vm) -> LuaResult<Ret> {
    let a = vm.check_integer(1)?;
    let b = vm.check_integer(2)?;
    one(vm, Value::Bool((a as u64) < (b as u64)))
}

fn min_max(vm: &mut Vm, max: bool) -> LuaResult<Ret> {
    let n = vm.arg_count();
    if n < 1 {
        return Err(vm.arg_error(1, "value expected"));
    }
    let mut best = vm.arg(1);
    for i in 2..=n {
        let v = vm.arg(i);
        let better = if max {
            vm.less_than(best, v)?
        } else {
            vm.less_than(v, best)?
        };
        if better {
            best = v;
        }
    }
    one(vm, best)
}

fn math_max(vm: &mut Vm) -> LuaResult<Ret> {
    min_max(vm, true)
}

fn math_min(vm: &mut Vm) -> LuaResult<Ret> {
    min_max(vm, false)
}

fn with_state<R>(vm: &mut Vm, f: impl FnOnce(&mut Xoshiro256) -> R) -> R {
    let Value::UserData(u) = vm.upvalue(0) else {
        unreachable!("math.random's upvalue is its state");
    };
    let g = u
        .get_mut()
        .data
        .downcast_mut::<Xoshiro256>()
        .expect("math.random state");
    f(g)
}

fn math_random(vm: &mut Vm) -> LuaResult<Ret> {
    let rv = with_state(vm, |g| g.next_u64());
    let (low, up) = match vm.arg_count() {
        0 => return one(vm, Value::Num(to_float(rv))),
        1 => {
            let up = vm.check_integer(1)?;
            if up == 0 {
                return one(vm, Value::Int(rv as i64));
            }
            (1, up)
        }
        2 => (vm.check_integer(1)?, vm.check_integer(2)?),
        _ => return Err(vm.error("wrong number of arguments")),
    };
    match with_state(vm, |g| g.int_in_range(rv, low, up)) {
        Ok(n) => one(vm, Value::Int(n)),
        Err(msg) => Err(vm.arg_error(1, msg)),
    }
}

fn math_randomseed(vm: &mut Vm) -> LuaResult<Ret> {
    let (n1, n2) = if vm.is_none(1) {
        let extra = vm.upvalue(0).addr() as u64;
        let (g, [n1, n2]) = Xoshiro256::from_entropy(extra);
        with_state(vm, |s| *s = g);
        (n1, n2)
    } else {
        let n1 = vm.check_integer(1)?;
        let n2 = vm.opt_integer(2, 0)?;
        with_state(vm, |s| *s = Xoshiro256::seeded(n1, n2));
        (n1, n2)
    };
    vm.push_int(n1);
    vm.push_int(n2);
    Ok(Ret::Values(2))
}
