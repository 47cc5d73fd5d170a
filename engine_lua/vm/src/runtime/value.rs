//! Lua values: a 16-byte tag + payload, `Copy`.

use super::function::{LuaClosure, NativeClosure};
use super::gc::{Gc, GcRef};
use super::string::LuaStr;
use super::table::Table;
use super::thread::Thread;
use super::userdata::UserData;

/// A Lua value. 16 bytes: a tag byte and an 8-byte payload.
#[derive(Copy, Clone, Debug, Default)]
#[repr(C, u8)]
pub enum Value {
    /// `nil`.
    #[default]
    Nil,
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A float.
    Num(f64),
    /// A light userdata (an opaque address).
    LightUserData(usize),
    /// A string.
    Str(Gc<LuaStr>),
    /// A table.
    Table(Gc<Table>),
    /// A Lua function (closure).
    LuaFn(Gc<LuaClosure>),
    /// A native (Rust) function.
    Native(Gc<NativeClosure>),
    /// A full userdata.
    UserData(Gc<UserData>),
    /// A coroutine.
    Thread(Gc<Thread>),
}

/// The basic types, as `type` names them.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum LuaType {
    /// nil
    Nil,
    /// boolean
    Boolean,
    /// light userdata
    LightUserData,
    /// number
    Number,
    /// string
    String,
    /// table
    Table,
    /// function
    Function,
    /// userdata
    UserData,
    /// thread
    Thread,
}

impl LuaType {
    /// Every type, in [`LuaType::index`] order.
    pub const ALL: [LuaType; 9] = [
        LuaType::Nil,
        LuaType::Boolean,
        LuaType::LightUserData,
        LuaType::Number,
        LuaType::String,
        LuaType::Table,
        LuaType::Function,
        LuaType::UserData,
        LuaType::Thread,
    ];

    /// The name `type` returns.
    pub fn name(self) -> &'static str {
        match self {
            LuaType::Nil => "nil",
            LuaType::Boolean => "boolean",
            LuaType::LightUserData => "userdata",
            LuaType::Number => "number",
            LuaType::String => "string",
            LuaType::Table => "table",
            LuaType::Function => "function",
            LuaType::UserData => "userdata",
            LuaType::Thread => "thread",
        }
    }

    /// Index into per-type metatable arrays.
    pub fn index(self) -> usize {
        self as usize
    }
}

impl Value {
    /// The value's type.
    #[inline]
    pub fn type_of(&self) -> LuaType {
        match self {
            Value::Nil => LuaType::Nil,
            Value::Bool(_) => LuaType::Boolean,
            Value::Int(_) | Value::Num(_) => LuaType::Number,
            Value::LightUserData(_) => LuaType::LightUserData,
            Value::Str(_) => LuaType::String,
            Value::Table(_) => LuaType::Table,
            Value::LuaFn(_) | Value::Native(_) => LuaType::Function,
            Value::UserData(_) => LuaType::UserData,
            Value::Thread(_) => LuaType::Thread,
        }
    }

    /// The type name (`type(v)`).
    #[inline]
    pub fn type_name(&self) -> &'static str {
        self.type_of().name()
    }

    /// Lua truthiness: everything but `nil` and `false`.
    #[inline(always)]
    pub fn truthy(&self) -> bool {
        !matches!(self, Value::Nil | Value::Bool(false))
    }

    /// Whether the value is nil.
    #[inline(always)]
    pub fn is_nil(&self) -> bool {
        matches!(self, Value::Nil)
    }

    /// The heap object the value refers to, if any.
    #[inline]
    pub fn gc_ref(&self) -> Option<GcRef> {
        Some(match *self {
            Value::Str(g) => GcRef::Str(g),
            Value::Table(g) => GcRef::Table(g),
            Value::LuaFn(g) => GcRef::LuaFn(g),
            Value::Native(g) => GcRef::Native(g),
            Value::UserData(g) => GcRef::UserData(g),
            Value::Thread(g) => GcRef::Thread(g),
            _ => return None,
        })
    }

    /// Raw equality (`rawequal`): numbers by value across subtypes, strings by
    /// contents, everything else by identity.
    #[inline]
    pub fn raw_eq(&self, other: &Value) -> bool {
        match (*self, *other) {
            (Value::Nil, Value::Nil) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::Num(a), Value::Num(b)) => a == b,
            (Value::Int(a), Value::Num(b)) | (Value::Num(b), Value::Int(a)) => int_float_eq(a, b),
            (Value::LightUserData(a), Value::LightUserData(b)) => a == b,
            (Value::Str(a), Value::Str(b)) => str_eq(a, b),
            (Value::Table(a), Value::Table(b)) => a == b,
            (Value::LuaFn(a), Value::LuaFn(b)) => a == b,
            (Value::Native(a), Value::Native(b)) => a == b,
            (Value::UserData(a), Value::UserData(b)) => a == b,
            (Value::Thread(a), Value::Thread(b)) => a == b,
            _ => false,
        }
    }

    /// The string's bytes, if the value is a string.
    #[inline]
    pub fn as_str(&self) -> Option<&[u8]> {
        match self {
            Value::Str(s) => Some(s.get().as_bytes()),
            _ => None,
        }
    }

    /// The table handle, if the value is a table.
    #[inline]
    pub fn as_table(&self) -> Option<Gc<Table>> {
        match self {
            Value::Table(t) => Some(*t),
            _ => None,
        }
    }

    /// The address used by `tostring` and `%p`, 0 for non-objects.
    pub fn addr(&self) -> usize {
        match self {
            Value::Str(g) => g.addr(),
            Value::Table(g) => g.addr(),
            Value::LuaFn(g) => g.addr(),
            Value::Native(g) => g.addr(),
            Value::UserData(g) => g.addr(),
            Value::Thread(g) => g.addr(),
            Value::LightUserData(p) => *p,
            _ => 0,
        }
    }

    /// Whether the value is a function.
    #[inline]
    pub fn is_function(&self) -> bool {
        matches!(self, Value::LuaFn(_) | Value::Native(_))
    }
}

/// String equality: identity for short strings (interned), contents for long ones.
#[inline]
pub fn str_eq(a: Gc<LuaStr>, b: Gc<LuaStr>) -> bool {
    a == b
        || (!a.get().is_short() && !b.get().is_short() && a.get().as_bytes() == b.get().as_bytes())
}

/// Exact comparison of an integer with a float.
#[inline]
pub fn int_float_eq(i: i64, f: f64) -> bool {
    match float_to_int(f) {
        Some(fi) => fi == i,
        None => false,
    }
}

/// The float's integer value if it has one exactly (in `i64` range).
#[inline]
pub fn float_to_int(f: f64) -> Option<i64> {
    if f.floor() == f && (-9223372036854775808.0..9223372036854775808.0).contains(&f) {
        Some(f as i64)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn value_is_16_bytes() {
        assert_eq!(std::mem::size_of::<super::Value>(), 16);
    }
}
