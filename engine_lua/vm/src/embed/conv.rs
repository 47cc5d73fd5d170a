//! Conversions between Rust values and Lua values: [`IntoLua`], [`FromLua`] and
//! their multi-value forms [`IntoLuaMulti`] / [`FromLuaMulti`] (tuples, [`Variadic`]).
//!
//! Rules (the `lua_to*` functions' rules, made strict where C silently returns 0):
//!
//! * integers: a Lua integer, a float with an exact integer value, or a numeric string
//!   converts; out of range for the Rust type is an [`Error::FromLua`]. Into Lua, a
//!   `u64`/`usize` above `i64::MAX` is an [`Error::IntoLua`].
//! * floats: any number or numeric string.
//! * `bool`: Lua truthiness (`nil` and `false` are false, everything else true).
//! * `String`: a string (must be UTF-8) or a number (formatted as `tostring` does);
//!   [`Bytes`] takes any string's bytes; `&str`, `String`, `&[u8]` and [`Bytes`] go
//!   into Lua as strings.
//! * `Option<T>`: `nil` is `None`.
//! * `Vec<T>`: a sequence `t[1..#t]` (raw reads); into Lua a new table.
//! * `HashMap`/`BTreeMap`: every pair of the table (raw `next`).
//! * `()` is no values; a tuple is one value per element, the last element may take
//!   the rest ([`Variadic`]).
//!
//! ```
//! use std::collections::HashMap;
//! use engine_lua::Lua;
//!
//! let mut lua = Lua::new();
//! let m: HashMap<String, Vec<i64>> = lua.load("return {a = {1, 2}, b = {}}").eval().unwrap();
//! assert_eq!(m["a"], vec![1, 2]);
//! let (x, y, z): (i64, Option<String>, bool) = lua.load("return 1, nil, 0").eval().unwrap();
//! assert_eq!((x, y, z), (1, None, true));
//! ```

use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;

use super::error::{Error, Result};
use super::value::{AnyUserData, Function, LuaString, LuaValue, Table, Thread};
use crate::runtime::{Value, Vm, meta};

/// A Rust value that can become one Lua value.
///
/// ```
/// use engine_lua::{IntoLua, Lua, runtime::Value};
///
/// let mut lua = Lua::new();
/// let v = 42i64.into_lua(&mut lua).unwrap();
/// assert!(matches!(v, Value::Int(42)));
/// ```
pub trait IntoLua {
    /// Converts (may allocate on `vm`'s heap).
    fn into_lua(self, vm: &mut Vm) -> Result<Value>;
}

/// A Rust value that can be made from one Lua value.
///
/// ```
/// use engine_lua::{FromLua, Lua, runtime::Value};
///
/// let mut lua = Lua::new();
/// assert_eq!(f64::from_lua(Value::Int(2), &mut lua).unwrap(), 2.0);
/// assert_eq!(Option::<i64>::from_lua(Value::Nil, &mut lua).unwrap(), None);
/// ```
pub trait FromLua: Sized {
    /// Converts.
    fn from_lua(v: Value, vm: &mut Vm) -> Result<Self>;
}

/// Rust values that become any number of Lua values (pushed on the running thread's
/// stack): `()`, tuples, [`Variadic`], or any single [`IntoLua`] value.
///
/// ```
/// use engine_lua::Lua;
///
/// let mut lua = Lua::new();
/// let n: i64 = lua.load("return select('#', ...)").call((1, "two", 3.0)).unwrap();
/// assert_eq!(n, 3);
/// ```
pub trait IntoLuaMulti {
    /// Pushes the values on `vm`'s stack; returns how many.
    fn push_into(self, vm: &mut Vm) -> Result<usize>;
}

/// Rust values made from a run of Lua values (the arguments of a host function, the
/// results of a call); missing values are nil.
///
/// ```
/// use engine_lua::Lua;
///
/// let mut lua = Lua::new();
/// let (a, b, c): (i64, String, Option<bool>) = lua.load("return 1, 'x'").eval().unwrap();
/// assert_eq!((a, b.as_str(), c), (1, "x", None));
/// ```
pub trait FromLuaMulti: Sized {
    /// Converts the `n` values at absolute stack index `at` of the running thread;
    /// `pos` is the 1-based position of the first one (for error messages).
    fn from_lua_multi(vm: &mut Vm, at: usize, n: usize, pos: usize) -> Result<Self>;
}

/// Any number of values of one type: the rest of the arguments, or several results.
///
/// ```
/// use engine_lua::{Lua, Variadic};
///
/// let mut lua = Lua::new();
/// let sum = lua.create_function(|_, xs: Variadic<i64>| Ok(xs.iter().sum::<i64>())).unwrap();
/// lua.globals().set(&mut lua, "sum", sum).unwrap();
/// assert_eq!(lua.load("return sum(1, 2, 3)").eval::<i64>().unwrap(), 6);
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Variadic<T>(pub Vec<T>);

impl<T> std::ops::Deref for Variadic<T> {
    type Target = Vec<T>;
    fn deref(&self) -> &Vec<T> {
        &self.0
    }
}

impl<T> std::ops::DerefMut for Variadic<T> {
    fn deref_mut(&mut self) -> &mut Vec<T> {
        &mut self.0
    }
}

/// A Lua string's raw bytes (Lua strings need not be UTF-8).
///
/// ```
/// use engine_lua::{Bytes, Lua};
///
/// let mut lua = Lua::new();
/// let b: Bytes = lua.load("return '\\255\\0'").eval().unwrap();
/// assert_eq!(b.0, vec![255, 0]);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Bytes(pub Vec<u8>);

/// The type name used in conversion errors: `__name` for userdata with one.
pub(crate) fn lua_type_name(vm: &Vm, v: Value) -> String {
    vm.type_name_of(v)
}

pub(crate) fn from_err(vm: &Vm, v: Value, to: &'static str) -> Error {
    Error::FromLua {
        from: lua_type_name(vm, v),
        to,
        message: None,
    }
}

#[inline]
fn stack_value(vm: &Vm, at: usize, i: usize, n: usize) -> Value {
    if i < n {
        vm.current.get().stack[at + i]
    } else {
        Value::Nil
    }
}

// ----- raw values and owned values -----

impl IntoLua for Value {
    #[inline]
    fn into_lua(self, _vm: &mut Vm) -> Result<Value> {
        Ok(self)
    }
}

impl FromLua for Value {
    #[inline]
    fn from_lua(v: Value, _vm: &mut Vm) -> Result<Self> {
        Ok(v)
    }
}

impl IntoLua for LuaValue {
    fn into_lua(self, vm: &mut Vm) -> Result<Value> {
        self.to_raw(vm)
    }
}

impl IntoLua for &LuaValue {
    fn into_lua(self, vm: &mut Vm) -> Result<Value> {
        self.to_raw(vm)
    }
}

impl FromLua for LuaValue {
    fn from_lua(v: Value, vm: &mut Vm) -> Result<Self> {
        Ok(LuaValue::from_raw(vm, v))
    }
}

macro_rules! handle_conv {
    ($t:ident, $variant:ident, $name:expr) => {
        impl IntoLua for $t {
            fn into_lua(self, vm: &mut Vm) -> Result<Value> {
                self.value_in(vm)
            }
        }
        impl IntoLua for &$t {
            fn into_lua(self, vm: &mut Vm) -> Result<Value> {
                self.value_in(vm)
            }
        }
        impl FromLua for $t {
            fn from_lua(v: Value, vm: &mut Vm) -> Result<Self> {
                match v {
                    Value::$variant(g) => Ok($t::from_gc(vm, g)),
                    _ => Err(from_err(vm, v, $name)),
                }
            }
        }
    };
}
handle_conv!(Table, Table, "table");
handle_conv!(Thread, Thread, "thread");
handle_conv!(AnyUserData, UserData, "userdata");
handle_conv!(LuaString, Str, "string");

impl IntoLua for Function {
    fn into_lua(self, vm: &mut Vm) -> Result<Value> {
        self.value_in(vm)
    }
}
impl IntoLua for &Function {
    fn into_lua(self, vm: &mut Vm) -> Result<Value> {
        self.value_in(vm)
    }
}
impl FromLua for Function {
    fn from_lua(v: Value, vm: &mut Vm) -> Result<Self> {
        match Function::from_value(vm, v) {
            Some(f) => Ok(f),
            None => Err(from_err(vm, v, "function")),
        }
    }
}

// ----- scalars -----

impl IntoLua for bool {
    #[inline]
    fn into_lua(self, _vm: &mut Vm) -> Result<Value> {
        Ok(Value::Bool(self))
    }
}

impl FromLua for bool {
    #[inline]
    fn from_lua(v: Value, _vm: &mut Vm) -> Result<Self> {
        Ok(v.truthy())
    }
}

/// The integer conversion of anything but an integer (kept out of line so that the
/// common case inlines into host functions).
#[cold]
#[inline(never)]
fn to_integer_slow(v: Value, vm: &Vm, to: &'static str) -> Result<i64> {
    match meta::to_integer(v) {
        Some(i) => Ok(i),
        None => {
            let message =
                meta::to_number(v).map(|_| "number has no integer representation".to_string());
            Err(Error::FromLua {
                from: lua_type_name(vm, v),
                to,
                message,
            })
        }
    }
}

#[cold]
#[inline(never)]
fn int_out_of_range(to: &'static str) -> Error {
    Error::FromLua {
        from: "number".into(),
        to,
        message: Some("out of range".into()),
    }
}

macro_rules! int_conv {
    ($($t:ty),*) => {$(
        impl IntoLua for $t {
            #[inline]
            fn into_lua(self, _vm: &mut Vm) -> Result<Value> {
                match i64::try_from(self) {
                    Ok(i) => Ok(Value::Int(i)),
                    Err(_) => Err(Error::IntoLua {
                        from: stringify!($t),
                        to: "integer",
                        message: Some("out of range".into()),
                    }),
                }
            }
        }
        impl FromLua for $t {
            #[inline]
            fn from_lua(v: Value, vm: &mut Vm) -> Result<Self> {
                let i = match v {
                    Value::Int(i) => i,
                    _ => to_integer_slow(v, vm, stringify!($t))?,
                };
                match <$t>::try_from(i) {
                    Ok(x) => Ok(x),
                    Err(_) => Err(int_out_of_range(stringify!($t))),
                }
            }
        }
    )*};
}
int_conv!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize);

/// The float conversion of anything but a number (out of line, as
/// [`to_integer_slow`]).
#[cold]
#[inline(never)]
fn to_float_slow(v: Value, vm: &Vm, to: &'static str) -> Result<f64> {
    match meta::to_float(v) {
        Some(f) => Ok(f),
        None => Err(from_err(vm, v, to)),
    }
}

macro_rules! float_conv {
    ($($t:ty),*) => {$(
        impl IntoLua for $t {
            #[inline]
            fn into_lua(self, _vm: &mut Vm) -> Result<Value> {
                Ok(Value::Num(self as f64))
            }
        }
        impl FromLua for $t {
            #[inline]
            fn from_lua(v: Value, vm: &mut Vm) -> Result<Self> {
                match v {
                    Value::Num(f) => Ok(f as $t),
                    Value::Int(i) => Ok(i as $t),
                    _ => to_float_slow(v, vm, stringify!($t)).map(|f| f as $t),
                }
            }
        }
    )*};
}
float_conv!(f32, f64);

// ----- strings -----

impl IntoLua for &str {
    #[inline]
    fn into_lua(self, vm: &mut Vm) -> Result<Value> {
        Ok(vm.new_string(self.as_bytes()))
    }
}

impl IntoLua for String {
    #[inline]
    fn into_lua(self, vm: &mut Vm) -> Result<Value> {
        Ok(vm.new_string(self.as_bytes()))
    }
}

impl IntoLua for &String {
    #[inline]
    fn into_lua(self, vm: &mut Vm) -> Result<Value> {
        Ok(vm.new_string(self.as_bytes()))
    }
}

impl IntoLua for &[u8] {
    #[inline]
    fn into_lua(self, vm: &mut Vm) -> Result<Value> {
        Ok(vm.new_string(self))
    }
}

impl IntoLua for Bytes {
    #[inline]
    fn into_lua(self, vm: &mut Vm) -> Result<Value> {
        Ok(vm.new_string(&self.0))
    }
}

fn string_bytes(vm: &mut Vm, v: Value, to: &'static str) -> Result<Vec<u8>> {
    match v {
        Value::Str(s) => Ok(s.get().as_bytes().to_vec()),
        Value::Int(_) | Value::Num(_) => Ok(meta::number_to_bytes(v).unwrap_or_default()),
        _ => Err(from_err(vm, v, to)),
    }
}

impl FromLua for String {
    fn from_lua(v: Value, vm: &mut Vm) -> Result<Self> {
        let b = string_bytes(vm, v, "String")?;
        String::from_utf8(b).map_err(|e| Error::FromLua {
            from: "string".into(),
            to: "String",
            message: Some(e.to_string()),
        })
    }
}

impl FromLua for Bytes {
    fn from_lua(v: Value, vm: &mut Vm) -> Result<Self> {
        string_bytes(vm, v, "Bytes").map(Bytes)
    }
}

// ----- containers -----

impl<T: IntoLua> IntoLua for Option<T> {
    #[inline]
    fn into_lua(self, vm: &mut Vm) -> Result<Value> {
        match self {
            Some(v) => v.into_lua(vm),
            None => Ok(Value::Nil),
        }
    }
}

impl<T: FromLua> FromLua for Option<T> {
    #[inline]
    fn from_lua(v: Value, vm: &mut Vm) -> Result<Self> {
        match v {
            Value::Nil => Ok(None),
            v => T::from_lua(v, vm).map(Some),
        }
    }
}

/// Keeps a value on the stack while more allocation happens (the collector only
/// sees stack values and anchored ones), then pops it.
fn with_pinned<R>(vm: &mut Vm, v: Value, f: impl FnOnce(&mut Vm) -> Result<R>) -> Result<R> {
    vm.push(v);
    let r = f(vm);
    let th = vm.current.get_mut();
    th.top -= 1;
    r
}

impl<T: IntoLua> IntoLua for Vec<T> {
    fn into_lua(self, vm: &mut Vm) -> Result<Value> {
        let t = vm.new_table_with(self.len(), 0);
        with_pinned(vm, Value::Table(t), |vm| {
            for (i, x) in self.into_iter().enumerate() {
                let v = x.into_lua(vm)?;
                vm.raw_set_int(t, i as i64 + 1, v);
            }
            Ok(Value::Table(t))
        })
    }
}

impl<T: FromLua> FromLua for Vec<T> {
    fn from_lua(v: Value, vm: &mut Vm) -> Result<Self> {
        let Value::Table(t) = v else {
            return Err(from_err(vm, v, "Vec"));
        };
        let n = t.get().length();
        let mut out = Vec::with_capacity(n.max(0) as usize);
        for i in 1..=n {
            let x = t.get().get_int(i);
            out.push(T::from_lua(x, vm)?);
        }
        Ok(out)
    }
}

macro_rules! map_conv {
    ($m:ident, $($bound:tt)*) => {
        impl<K: IntoLua, V: IntoLua> IntoLua for $m<K, V> {
            fn into_lua(self, vm: &mut Vm) -> Result<Value> {
                let t = vm.new_table_with(0, self.len());
                with_pinned(vm, Value::Table(t), |vm| {
                    for (k, v) in self {
                        let k = k.into_lua(vm)?;
                        vm.push(k);
                        let v = v.into_lua(vm);
                        vm.current.get_mut().top -= 1;
                        let v = v?;
                        vm.raw_set(t, k, v).map_err(|e| Error::IntoLua {
                            from: stringify!($m),
                            to: "table",
                            message: e.0.as_str().map(|s| String::from_utf8_lossy(s).into_owned()),
                        })?;
                    }
                    Ok(Value::Table(t))
                })
            }
        }

        impl<K: FromLua + $($bound)*, V: FromLua> FromLua for $m<K, V> {
            fn from_lua(v: Value, vm: &mut Vm) -> Result<Self> {
                let Value::Table(t) = v else {
                    return Err(from_err(vm, v, stringify!($m)));
                };
                let mut out = $m::new();
                let mut key = Value::Nil;
                while let Ok(Some((k, v))) = t.get().next(key) {
                    key = k;
                    out.insert(K::from_lua(k, vm)?, V::from_lua(v, vm)?);
                }
                Ok(out)
            }
        }
    };
}
map_conv!(HashMap, Eq + Hash);
map_conv!(BTreeMap, Ord);

// ----- multiple values -----

impl<T: IntoLua> IntoLuaMulti for T {
    #[inline]
    fn push_into(self, vm: &mut Vm) -> Result<usize> {
        let v = self.into_lua(vm)?;
        vm.push(v);
        Ok(1)
    }
}

impl<T: FromLua> FromLuaMulti for T {
    #[inline(always)]
    fn from_lua_multi(vm: &mut Vm, at: usize, n: usize, pos: usize) -> Result<Self> {
        let v = stack_value(vm, at, 0, n);
        match T::from_lua(v, vm) {
            Ok(x) => Ok(x),
            Err(e) => Err(bad_arg(pos, e)),
        }
    }
}

#[cold]
#[inline(never)]
fn bad_arg(pos: usize, e: Error) -> Error {
    match e {
        e @ (Error::FromLua { .. } | Error::UserDataType { .. } | Error::UserDataBorrow { .. }) => {
            Error::BadArgument {
                pos,
                cause: Box::new(e),
            }
        }
        e => e,
    }
}

impl IntoLuaMulti for () {
    #[inline]
    fn push_into(self, _vm: &mut Vm) -> Result<usize> {
        Ok(0)
    }
}

impl FromLuaMulti for () {
    #[inline]
    fn from_lua_multi(_vm: &mut Vm, _at: usize, _n: usize, _pos: usize) -> Result<Self> {
        Ok(())
    }
}

impl<T: IntoLua> IntoLuaMulti for Variadic<T> {
    fn push_into(self, vm: &mut Vm) -> Result<usize> {
        let n = self.0.len();
        for x in self.0 {
            let v = x.into_lua(vm)?;
            vm.push(v);
        }
        Ok(n)
    }
}

impl<T: FromLua> FromLuaMulti for Variadic<T> {
    fn from_lua_multi(vm: &mut Vm, at: usize, n: usize, pos: usize) -> Result<Self> {
        let mut out = Vec::with_capacity(n);
        for i in 0..n {
            let v = stack_value(vm, at, i, n);
            out.push(T::from_lua(v, vm).map_err(|e| bad_arg(pos + i, e))?);
        }
        Ok(Variadic(out))
    }
}

macro_rules! tuple_multi {
    ($($a:ident),* ; $last:ident) => {
        impl<$($a: IntoLua,)* $last: IntoLuaMulti> IntoLuaMulti for ($($a,)* $last,) {
            #[allow(non_snake_case)]
            #[inline]
            fn push_into(self, vm: &mut Vm) -> Result<usize> {
                let ($($a,)* $last,) = self;
                #[allow(unused_mut)]
                let mut n = 0;
                $(
                    let v = $a.into_lua(vm)?;
                    vm.push(v);
                    n += 1;
                )*
                Ok(n + $last.push_into(vm)?)
            }
        }

        impl<$($a: FromLua,)* $last: FromLuaMulti> FromLuaMulti for ($($a,)* $last,) {
            #[allow(non_snake_case, unused_mut, unused_assignments)]
            #[inline]
            fn from_lua_multi(vm: &mut Vm, at: usize, n: usize, pos: usize) -> Result<Self> {
                let mut i = 0;
                $(
                    let v = stack_value(vm, at, i, n);
                    let $a = $a::from_lua(v, vm).map_err(|e| bad_arg(pos + i, e))?;
                    i += 1;
                )*
                let $last = $last::from_lua_multi(vm, at + i.min(n), n.saturating_sub(i), pos + i)?;
                Ok(($($a,)* $last,))
            }
        }
    };
}
tuple_multi!(; A);
tuple_multi!(A; B);
tuple_multi!(A, B; C);
tuple_multi!(A, B, C; D);
tuple_multi!(A, B, C, D; E);
tuple_multi!(A, B, C, D, E; F);
tuple_multi!(A, B, C, D, E, F; G);
tuple_multi!(A, B, C, D, E, F, G; H);
tuple_multi!(A, B, C, D, E, F, G, H; I);
tuple_multi!(A, B, C, D, E, F, G, H, I; J);
tuple_multi!(A, B, C, D, E, F, G, H, I, J; K);
tuple_multi!(A, B, C, D, E, F, G, H, I, J, K; L);
