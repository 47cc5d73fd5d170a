//! serde support: [`Vm::to_value`] turns any `Serialize` value into a Lua value and
//! [`Vm::from_value`] any Lua value into a `Deserialize` type.
//!
//! # Mapping
//!
//! | Rust (serde data model)            | Lua                                   |
//! |------------------------------------|---------------------------------------|
//! | `bool`                             | boolean                               |
//! | `i8`..`i64`, `u8`..`u64`           | integer (`u64` above `i64::MAX`: float) |
//! | `f32`, `f64`                       | float (always, even `1.0`)            |
//! | `char`, `&str`, `String`           | string                                |
//! | bytes                              | string                                |
//! | `None`, `()`, unit struct          | nil, or the null sentinel ([`Vm::null`]) with [`SerializeOptions::null`] |
//! | `Some(v)`, newtype struct          | `v`                                   |
//! | seq, tuple, tuple struct           | sequence table `{v1, v2, ...}`        |
//! | map, struct                        | table with those keys                 |
//! | unit variant                       | its name as a string                  |
//! | other variants                     | `{Variant = payload}`                 |
//!
//! Deserializing: nil and the null sentinel are `None`/`()`; a float with an exact
//! integer value deserializes into integer types (Lua code writes `3.0` as often as
//! `3`), an integer into float types; a table is a sequence when its keys are exactly
//! `1..n` (n > 0), otherwise a map — asked for a sequence (`Vec<T>`), an empty table
//! is an empty one. Functions, threads and userdata cannot be deserialized. A struct
//! field that serialized to nil (`None`, `()`) is absent from its table: `Option`
//! fields read back as `None`, other such fields need `#[serde(default)]` (or
//! serialize with [`SerializeOptions::null`]).
//!
//! ```
//! use serde::{Deserialize, Serialize};
//! use engine_lua::Lua;
//!
//! #[derive(Serialize, Deserialize, PartialEq, Debug)]
//! struct Spawn { kind: String, at: (f64, f64), hp: Option<u32> }
//!
//! let mut lua = Lua::new();
//! let s = Spawn { kind: "orc".into(), at: (1.0, 2.5), hp: Some(30) };
//! let v = lua.to_value(&s).unwrap();
//! lua.globals().set(&mut lua, "spawn", v).unwrap();
//! assert_eq!(lua.load("return spawn.kind .. spawn.at[2]").eval::<String>().unwrap(), "orc2.5");
//! let back: Spawn = lua.load("return {kind = 'elf', at = {0, 1}}").eval::<engine_lua::LuaValue>()
//!     .and_then(|v| lua.from_value(v)).unwrap();
//! assert_eq!(back, Spawn { kind: "elf".into(), at: (0.0, 1.0), hp: None });
//! ```

use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{self, Serialize};

use super::error::{Error, Result};
use super::value::LuaValue;
use crate::runtime::{Gc, Value, Vm, table::Table as RtTable};

/// Options for [`Vm::to_value_with`].
///
/// ```
/// use engine_lua::{Lua, embed::SerializeOptions};
///
/// let mut lua = Lua::new();
/// let v = lua.to_value_with(&[Some(1), None], SerializeOptions { null: true }).unwrap();
/// let t = match v { engine_lua::LuaValue::Table(t) => t, _ => unreachable!() };
/// assert_eq!(t.raw_len(&lua).unwrap(), 2);
/// ```
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct SerializeOptions {
    /// `None` and `()` become the null sentinel instead of nil (so they survive as
    /// table entries).
    pub null: bool,
}

impl ser::Error for Error {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        Error::Serde(msg.to_string())
    }
}

impl de::Error for Error {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        Error::Serde(msg.to_string())
    }
}

/// The null sentinel: a light userdata with address 0.
const NULL: Value = Value::LightUserData(0);

impl Vm {
    /// The null sentinel (a light userdata with address 0): what serialized `None`
    /// becomes with [`SerializeOptions::null`], and what deserializes as `None`.
    pub fn null(&self) -> LuaValue {
        LuaValue::LightUserData(0)
    }

    /// Serializes `v` into a Lua value (see the module documentation for the
    /// mapping).
    pub fn to_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<LuaValue> {
        self.to_value_with(v, SerializeOptions::default())
    }

    /// As [`Vm::to_value`] with options.
    pub fn to_value_with<T: Serialize + ?Sized>(
        &mut self,
        v: &T,
        options: SerializeOptions,
    ) -> Result<LuaValue> {
        let raw = v.serialize(Ser { vm: self, options })?;
        Ok(LuaValue::from_raw(self, raw))
    }

    /// Deserializes a Lua value into `T`.
    pub fn from_value<T: de::DeserializeOwned>(&mut self, v: LuaValue) -> Result<T> {
        let raw = v.to_raw(self)?;
        T::deserialize(De { vm: self, v: raw })
    }
}

struct Ser<'a> {
    vm: &'a mut Vm,
    options: SerializeOptions,
}

impl Ser<'_> {
    fn nil(&self) -> Value {
        if self.options.null { NULL } else { Value::Nil }
    }
    fn reborrow(&mut self) -> Ser<'_> {
        Ser {
            vm: self.vm,
            options: self.options,
        }
    }
}

/// A table being filled by a serializer.
struct TableSer<'a> {
    ser: Ser<'a>,
    t: Gc<RtTable>,
    next: i64,
    key: Value,
    /// For struct/tuple variants: the outer `{Variant = t}` table and its key.
    outer: Option<(Gc<RtTable>, Value)>,
}

impl TableSer<'_> {
    fn push(&mut self, v: Value) {
        self.next += 1;
        self.ser.vm.raw_set_int(self.t, self.next, v);
    }
    fn set(&mut self, k: Value, v: Value) -> Result<()> {
        self.ser
            .vm
            .raw_set(self.t, k, v)
            .map_err(|_| Error::Serde("invalid table key (nil or NaN)".into()))
    }
    fn finish(self) -> Value {
        match self.outer {
            Some((o, k)) => {
                let _ = self.ser.vm.raw_set(o, k, Value::Table(self.t));
                Value::Table(o)
            }
            None => Value::Table(self.t),
        }
    }
}

impl<'a> ser::Serializer for Ser<'a> {
    type Ok = Value;
    type Error = Error;
    type SerializeSeq = TableSer<'a>;
    type SerializeTuple = TableSer<'a>;
    type SerializeTupleStruct = TableSer<'a>;
    type SerializeTupleVariant = TableSer<'a>;
    type SerializeMap = TableSer<'a>;
    type SerializeStruct = TableSer<'a>;
    type SerializeStructVariant = TableSer<'a>;

    fn serialize_bool(self, v: bool) -> Result<Value> {
        Ok(Value::Bool(v))
    }
    fn serialize_i8(self, v: i8) -> Result<Value> {
        Ok(Value::Int(v.into()))
    }
    fn serialize_i16(self, v: i16) -> Result<Value> {
        Ok(Value::Int(v.into()))
    }
    fn serialize_i32(self, v: i32) -> Result<Value> {
        Ok(Value::Int(v.into()))
    }
    fn serialize_i64(self, v: i64) -> Result<Value> {
        Ok(Value::Int(v))
    }
    fn serialize_u8(self, v: u8) -> Result<Value> {
        Ok(Value::Int(v.into()))
    }
    fn serialize_u16(self, v: u16) -> Result<Value> {
        Ok(Value::Int(v.into()))
    }
    fn serialize_u32(self, v: u32) -> Result<Value> {
        Ok(Value::Int(v.into()))
    }
    fn serialize_u64(self, v: u64) -> Result<Value> {
        Ok(match i64::try_from(v) {
            Ok(i) => Value::Int(i),
            Err(_) => Value::Num(v as f64),
        })
    }
    fn serialize_f32(self, v: f32) -> Result<Value> {
        Ok(Value::Num(v.into()))
    }
    fn serialize_f64(self, v: f64) -> Result<Value> {
        Ok(Value::Num(v))
    }
    fn serialize_char(self, v: char) -> Result<Value> {
        let mut b = [0; 4];
        Ok(self.vm.new_string(v.encode_utf8(&mut b).as_bytes()))
    }
    fn serialize_str(self, v: &str) -> Result<Value> {
        Ok(self.vm.new_string(v.as_bytes()))
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<Value> {
        Ok(self.vm.new_string(v))
    }
    fn serialize_none(self) -> Result<Value> {
        Ok(self.nil())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<Value> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<Value> {
        Ok(self.nil())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<Value> {
        Ok(self.nil())
    }
    fn serialize_unit_variant(
        self,
        _n: &'static str,
        _i: u32,
        variant: &'static str,
    ) -> Result<Value> {
        Ok(self.vm.new_string(variant.as_bytes()))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _n: &'static str,
        v: &T,
    ) -> Result<Value> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        mut self,
        _n: &'static str,
        _i: u32,
        variant: &'static str,
        v: &T,
    ) -> Result<Value> {
        let inner = v.serialize(self.reborrow())?;
        let t = self.vm.new_table_with(0, 1);
        let k = self.vm.new_string(variant.as_bytes());
        let _ = self.vm.raw_set(t, k, inner);
        Ok(Value::Table(t))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<TableSer<'a>> {
        let t = self.vm.new_table_with(len.unwrap_or(0), 0);
        Ok(TableSer {
            ser: self,
            t,
            next: 0,
            key: Value::Nil,
            outer: None,
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<TableSer<'a>> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _n: &'static str, len: usize) -> Result<TableSer<'a>> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _n: &'static str,
        _i: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<TableSer<'a>> {
        let o = self.vm.new_table_with(0, 1);
        let k = self.vm.new_string(variant.as_bytes());
        let mut ts = self.serialize_seq(Some(len))?;
        ts.outer = Some((o, k));
        Ok(ts)
    }
    fn serialize_map(self, len: Option<usize>) -> Result<TableSer<'a>> {
        let t = self.vm.new_table_with(0, len.unwrap_or(0));
        Ok(TableSer {
            ser: self,
            t,
            next: 0,
            key: Value::Nil,
            outer: None,
        })
    }
    fn serialize_struct(self, _n: &'static str, len: usize) -> Result<TableSer<'a>> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _n: &'static str,
        _i: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<TableSer<'a>> {
        let o = self.vm.new_table_with(0, 1);
        let k = self.vm.new_string(variant.as_bytes());
        let mut ts = self.serialize_map(Some(len))?;
        ts.outer = Some((o, k));
        Ok(ts)
    }
}

macro_rules! seq_impl {
    ($tr:ident, $m:ident) => {
        impl ser::$tr for TableSer<'_> {
            type Ok = Value;
            type Error = Error;
            fn $m<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<()> {
                let v = v.serialize(self.ser.reborrow())?;
                self.push(v);
                Ok(())
            }
            fn end(self) -> Result<Value> {
                Ok(self.finish())
            }
        }
    };
}
seq_impl!(SerializeSeq, serialize_element);
seq_impl!(SerializeTuple, serialize_element);
seq_impl!(SerializeTupleStruct, serialize_field);
seq_impl!(SerializeTupleVariant, serialize_field);

impl ser::SerializeMap for TableSer<'_> {
    type Ok = Value;
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, k: &T) -> Result<()> {
        self.key = k.serialize(self.ser.reborrow())?;
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<()> {
        let v = v.serialize(self.ser.reborrow())?;
        let k = std::mem::take(&mut self.key);
        self.set(k, v)
    }
    fn end(self) -> Result<Value> {
        Ok(self.finish())
    }
}

macro_rules! struct_impl {
    ($tr:ident) => {
        impl ser::$tr for TableSer<'_> {
            type Ok = Value;
            type Error = Error;
            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                key: &'static str,
                v: &T,
            ) -> Result<()> {
                let v = v.serialize(self.ser.reborrow())?;
                let k = self.ser.vm.new_string(key.as_bytes());
                self.set(k, v)
            }
            fn end(self) -> Result<Value> {
                Ok(self.finish())
            }
        }
    };
}
struct_impl!(SerializeStruct);
struct_impl!(SerializeStructVariant);

struct De<'a> {
    vm: &'a Vm,
    v: Value,
}

impl De<'_> {
    fn unexpected(&self, what: &str) -> Error {
        Error::Serde(format!(
            "cannot deserialize a {} as {what}",
            self.vm.type_name_of(self.v)
        ))
    }

    /// Whether a table's keys are exactly `1..n` with n > 0; returns n.
    fn sequence_len(t: Gc<RtTable>) -> Option<i64> {
        let n = t.get().length();
        if n == 0 {
            return None;
        }
        let mut count = 0i64;
        let mut key = Value::Nil;
        while let Ok(Some((k, _))) = t.get().next(key) {
            key = k;
            count += 1;
            if count > n {
                return None;
            }
        }
        (count == n).then_some(n)
    }

    fn integer(&self) -> Option<i64> {
        match self.v {
            Value::Int(i) => Some(i),
            Value::Num(f) => crate::runtime::value::float_to_int(f),
            _ => None,
        }
    }
}

macro_rules! de_int {
    ($($m:ident $visit:ident $t:ty),*) => {$(
        fn $m<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
            match self.integer() {
                Some(i) => match <$t>::try_from(i) {
                    Ok(x) => visitor.$visit(x),
                    Err(_) => Err(Error::Serde(format!("integer {i} out of range for {}", stringify!($t)))),
                },
                None => self.deserialize_any(visitor),
            }
        }
    )*};
}

impl<'de> de::Deserializer<'de> for De<'_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.v {
            Value::Nil => visitor.visit_unit(),
            Value::LightUserData(0) => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(b),
            Value::Int(i) => visitor.visit_i64(i),
            Value::Num(f) => visitor.visit_f64(f),
            Value::Str(s) => match std::str::from_utf8(s.get().as_bytes()) {
                Ok(text) => visitor.visit_str(text),
                Err(_) => visitor.visit_bytes(s.get().as_bytes()),
            },
            Value::Table(t) => match Self::sequence_len(t) {
                Some(n) => visitor.visit_seq(Seq {
                    vm: self.vm,
                    t,
                    i: 0,
                    n,
                }),
                None => visitor.visit_map(Map {
                    vm: self.vm,
                    t,
                    key: Value::Nil,
                    value: Value::Nil,
                }),
            },
            _ => Err(self.unexpected("data")),
        }
    }

    de_int!(
        deserialize_i8 visit_i8 i8, deserialize_i16 visit_i16 i16, deserialize_i32 visit_i32 i32,
        deserialize_i64 visit_i64 i64, deserialize_u8 visit_u8 u8, deserialize_u16 visit_u16 u16,
        deserialize_u32 visit_u32 u32, deserialize_u64 visit_u64 u64
    );

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.v {
            Value::Nil | Value::LightUserData(0) => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.v {
            Value::Table(t) => {
                let n = t.get().length();
                visitor.visit_seq(Seq {
                    vm: self.vm,
                    t,
                    i: 0,
                    n,
                })
            }
            _ => Err(self.unexpected("a sequence")),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _n: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.v {
            Value::Table(t) => visitor.visit_map(Map {
                vm: self.vm,
                t,
                key: Value::Nil,
                value: Value::Nil,
            }),
            _ => Err(self.unexpected("a map")),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _n: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_map(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _n: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.v {
            Value::Nil | Value::LightUserData(0) => visitor.visit_unit(),
            _ => Err(self.unexpected("unit")),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _n: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.v {
            Value::Str(s) => visitor.visit_bytes(s.get().as_bytes()),
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _n: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        match self.v {
            Value::Str(s) => {
                let name = String::from_utf8_lossy(s.get().as_bytes()).into_owned();
                visitor.visit_enum(name.into_deserializer())
            }
            Value::Table(t) => {
                let Ok(Some((k, v))) = t.get().next(Value::Nil) else {
                    return Err(self.unexpected("an enum (empty table)"));
                };
                if !matches!(t.get().next(k), Ok(None)) {
                    return Err(self.unexpected("an enum (more than one key)"));
                }
                let Value::Str(name) = k else {
                    return Err(self.unexpected("an enum (key not a string)"));
                };
                let name = String::from_utf8_lossy(name.get().as_bytes()).into_owned();
                visitor.visit_enum(Enum {
                    vm: self.vm,
                    name,
                    v,
                })
            }
            _ => Err(self.unexpected("an enum")),
        }
    }

    serde::forward_to_deserialize_any! {
        bool f32 f64 char str string identifier ignored_any i128 u128
    }
}

struct Seq<'a> {
    vm: &'a Vm,
    t: Gc<RtTable>,
    i: i64,
    n: i64,
}

impl<'de> SeqAccess<'de> for Seq<'_> {
    type Error = Error;
    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>> {
        if self.i >= self.n {
            return Ok(None);
        }
        self.i += 1;
        let v = self.t.get().get_int(self.i);
        seed.deserialize(De { vm: self.vm, v }).map(Some)
    }
    fn size_hint(&self) -> Option<usize> {
        Some((self.n - self.i) as usize)
    }
}

struct Map<'a> {
    vm: &'a Vm,
    t: Gc<RtTable>,
    key: Value,
    value: Value,
}

impl<'de> MapAccess<'de> for Map<'_> {
    type Error = Error;
    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        match self.t.get().next(self.key) {
            Ok(Some((k, v))) => {
                self.key = k;
                self.value = v;
                seed.deserialize(De { vm: self.vm, v: k }).map(Some)
            }
            Ok(None) => Ok(None),
            Err(()) => Err(Error::Serde("table changed during deserialization".into())),
        }
    }
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value> {
        seed.deserialize(De {
            vm: self.vm,
            v: self.value,
        })
    }
}

struct Enum<'a> {
    vm: &'a Vm,
    name: String,
    v: Value,
}

impl<'de, 'a> de::EnumAccess<'de> for Enum<'a> {
    type Error = Error;
    type Variant = De<'a>;
    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, De<'a>)> {
        let name: de::value::StringDeserializer<Error> = self.name.into_deserializer();
        let v = seed.deserialize(name)?;
        Ok((
            v,
            De {
                vm: self.vm,
                v: self.v,
            },
        ))
    }
}

impl<'de> de::VariantAccess<'de> for De<'_> {
    type Error = Error;
    fn unit_variant(self) -> Result<()> {
        Ok(())
    }
    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value> {
        seed.deserialize(self)
    }
    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value> {
        de::Deserializer::deserialize_seq(self, visitor)
    }
    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        de::Deserializer::deserialize_map(self, visitor)
    }
}
