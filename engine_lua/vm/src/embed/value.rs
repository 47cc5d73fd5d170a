//! Host-held handles to Lua objects ([`Table`], [`Function`], [`Thread`],
//! [`AnyUserData`], [`LuaString`]) and the owned dynamic value [`LuaValue`].
//!
//! # How a handle keeps its object alive
//!
//! Each state has an *anchor table* in its registry. Making a handle stores the object
//! in a free slot of that table (so the collector sees it as reachable) and gives the
//! handle an [`Anchor`]: a reference-counted slot number plus the state's identity.
//! Clones share the slot; when the last clone is dropped the slot number goes on the
//! state's drop list and is cleared the next time a handle is made (dropping a handle
//! needs no access to the state). A handle also caches the object's `Gc` pointer, so
//! using it costs no table lookup; every operation first checks that the state passed
//! in is the one that made the handle ([`Error::WrongState`] otherwise), so a handle
//! never dereferences an object of a state that is gone.

use std::cell::RefCell;
use std::rc::Rc;

use super::error::{Error, Result};
use crate::runtime::userdata::UserData as RtUserData;
use crate::runtime::{Gc, LuaClosure, LuaStr, NativeClosure, Value, Vm};
use crate::runtime::{table::Table as RtTable, thread::Thread as RtThread};

/// The identity of a state and the list of slots whose handles were dropped.
#[derive(Default)]
pub(crate) struct Anchors {
    pub(crate) dropped: RefCell<Vec<u32>>,
}

/// One anchor-table slot, shared by the clones of a handle.
pub(crate) struct Slot {
    slot: u32,
    anchors: Rc<Anchors>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.anchors.dropped.borrow_mut().push(self.slot);
    }
}

/// A reference-counted anchor: keeps one object reachable.
#[derive(Clone)]
pub(crate) struct Anchor(Rc<Slot>);

impl Anchor {
    /// Anchors `v` in `vm`'s anchor table.
    pub(crate) fn new(vm: &mut Vm, v: Value) -> Anchor {
        super::state(vm);
        let Vm { embed, heap, .. } = vm;
        let e = embed.as_mut().expect("embed state");
        let t = e.anchor_table;
        {
            let mut d = e.anchors.dropped.borrow_mut();
            for s in d.drain(..) {
                t.get_mut().set_int(heap, s as i64, Value::Nil);
                e.free.push(s);
            }
        }
        let slot = match e.free.pop() {
            Some(s) => s,
            None => {
                e.next_slot += 1;
                e.next_slot
            }
        };
        let anchors = e.anchors.clone();
        t.get_mut().set_int(heap, slot as i64, v);
        crate::runtime::gc::barrier_table(heap, t, v);
        Anchor(Rc::new(Slot { slot, anchors }))
    }

    /// Whether `vm` is the state this anchor belongs to.
    #[inline]
    pub(crate) fn check(&self, vm: &Vm) -> Result<()> {
        match &vm.embed {
            Some(e) if Rc::ptr_eq(&e.anchors, &self.0.anchors) => Ok(()),
            _ => Err(Error::WrongState),
        }
    }
}

macro_rules! handle {
    ($(#[$doc:meta])* $name:ident, $inner:ty, $variant:ident) => {
        $(#[$doc])*
        #[derive(Clone)]
        pub struct $name {
            pub(crate) gc: Gc<$inner>,
            pub(crate) anchor: Anchor,
        }

        impl $name {
            /// Makes a handle to an object of `vm`.
            pub fn from_gc(vm: &mut Vm, gc: Gc<$inner>) -> Self {
                let anchor = Anchor::new(vm, Value::$variant(gc));
                $name { gc, anchor }
            }

            /// The raw value (valid while the handle lives; check the state with
            /// [`Self::value_in`] when it may be another state's handle).
            pub fn raw_value(&self) -> Value {
                Value::$variant(self.gc)
            }

            /// The raw value, after checking that `vm` is the handle's state.
            pub fn value_in(&self, vm: &Vm) -> Result<Value> {
                self.anchor.check(vm)?;
                Ok(Value::$variant(self.gc))
            }
        }

        impl PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                self.gc == other.gc
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, concat!(stringify!($name), "({:#x})"), self.gc.addr())
            }
        }
    };
}

handle!(
    /// A handle to a Lua table. It keeps the table alive; operations take the state.
    ///
    /// ```
    /// use engine_lua::Lua;
    ///
    /// let mut lua = Lua::new();
    /// let t = lua.create_table();
    /// t.set(&mut lua, "hp", 10).unwrap();
    /// t.raw_set(&mut lua, 1, "first").unwrap();
    /// assert_eq!(t.get::<i64>(&mut lua, "hp").unwrap(), 10);
    /// assert_eq!(t.raw_len(&lua).unwrap(), 1);
    /// ```
    Table,
    RtTable,
    Table
);
handle!(
    /// A handle to a coroutine.
    ///
    /// ```
    /// use engine_lua::{Lua, ThreadStatus};
    ///
    /// let mut lua = Lua::new();
    /// let f = lua.load("local a = coroutine.yield(1) return a * 2").into_function().unwrap();
    /// let co = lua.create_thread(&f).unwrap();
    /// assert_eq!(co.resume::<_, i64>(&mut lua, ()).unwrap(), 1);
    /// assert_eq!(co.resume::<_, i64>(&mut lua, 21).unwrap(), 42);
    /// assert_eq!(co.status(&lua).unwrap(), ThreadStatus::Dead);
    /// ```
    Thread,
    RtThread,
    Thread
);
handle!(
    /// A handle to a full userdata (see [`super::UserData`]).
    ///
    /// ```
    /// use engine_lua::{Lua, UserData};
    ///
    /// struct Score(u32);
    /// impl UserData for Score {}
    ///
    /// let mut lua = Lua::new();
    /// let ud = lua.create_userdata(Score(7)).unwrap();
    /// assert_eq!(ud.borrow::<Score>(&lua).unwrap().0, 7);
    /// ud.borrow_mut::<Score>(&lua).unwrap().0 += 1;
    /// assert_eq!(ud.borrow::<Score>(&lua).unwrap().0, 8);
    /// ```
    AnyUserData,
    RtUserData,
    UserData
);
handle!(
    /// A handle to a Lua string (bytes, not necessarily UTF-8).
    ///
    /// ```
    /// use engine_lua::{Lua, LuaString};
    ///
    /// let mut lua = Lua::new();
    /// let s: LuaString = lua.load("return 'a\\0b'").eval().unwrap();
    /// assert_eq!(s.as_bytes(&lua).unwrap(), b"a\0b");
    /// ```
    LuaString,
    LuaStr,
    Str
);

impl LuaString {
    /// The bytes.
    pub fn as_bytes<'a>(&'a self, vm: &'a Vm) -> Result<&'a [u8]> {
        self.anchor.check(vm)?;
        Ok(self.gc.get().as_bytes())
    }

    /// The text, if UTF-8.
    pub fn to_str<'a>(&'a self, vm: &'a Vm) -> Result<&'a str> {
        let b = self.as_bytes(vm)?;
        std::str::from_utf8(b).map_err(|e| Error::FromLua {
            from: "string".into(),
            to: "&str",
            message: Some(e.to_string()),
        })
    }
}

/// The callable object behind a [`Function`].
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub(crate) enum FnRef {
    Lua(Gc<LuaClosure>),
    Native(Gc<NativeClosure>),
}

/// A handle to a Lua or host function.
///
/// ```
/// use engine_lua::{Function, Lua};
///
/// let mut lua = Lua::new();
/// let f: Function = lua.load("return function(a, b) return a + b, a * b end").eval().unwrap();
/// let (s, p): (i64, i64) = f.call(&mut lua, (3, 4)).unwrap();
/// assert_eq!((s, p), (7, 12));
/// ```
#[derive(Clone)]
pub struct Function {
    pub(crate) f: FnRef,
    pub(crate) anchor: Anchor,
}

impl PartialEq for Function {
    fn eq(&self, other: &Self) -> bool {
        self.f == other.f
    }
}

impl std::fmt::Debug for Function {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Function({:#x})", self.raw_value().addr())
    }
}

impl Function {
    /// Makes a handle from a function value (`None` if `v` is not a function).
    pub fn from_value(vm: &mut Vm, v: Value) -> Option<Self> {
        let f = match v {
            Value::LuaFn(c) => FnRef::Lua(c),
            Value::Native(c) => FnRef::Native(c),
            _ => return None,
        };
        Some(Function {
            f,
            anchor: Anchor::new(vm, v),
        })
    }

    /// The raw value.
    #[inline]
    pub fn raw_value(&self) -> Value {
        match self.f {
            FnRef::Lua(c) => Value::LuaFn(c),
            FnRef::Native(c) => Value::Native(c),
        }
    }

    /// The raw value, after checking that `vm` is the handle's state.
    pub fn value_in(&self, vm: &Vm) -> Result<Value> {
        self.anchor.check(vm)?;
        Ok(self.raw_value())
    }
}

/// An owned Lua value: plain data for nil, booleans, numbers and light userdata,
/// handles for the collectable types.
///
/// ```
/// use engine_lua::{Lua, LuaValue};
///
/// let mut lua = Lua::new();
/// let v: LuaValue = lua.load("return 1.5").eval().unwrap();
/// assert_eq!(v, LuaValue::Number(1.5));
/// assert_eq!(v.type_name(), "number");
/// ```
#[derive(Clone, Debug, PartialEq, Default)]
pub enum LuaValue {
    /// `nil`.
    #[default]
    Nil,
    /// A boolean.
    Boolean(bool),
    /// An integer.
    Integer(i64),
    /// A float.
    Number(f64),
    /// A light userdata (an address).
    LightUserData(usize),
    /// A string.
    String(LuaString),
    /// A table.
    Table(Table),
    /// A function.
    Function(Function),
    /// A coroutine.
    Thread(Thread),
    /// A full userdata.
    UserData(AnyUserData),
}

impl LuaValue {
    /// Makes an owned value from a raw one (anchoring objects).
    pub fn from_raw(vm: &mut Vm, v: Value) -> LuaValue {
        match v {
            Value::Nil => LuaValue::Nil,
            Value::Bool(b) => LuaValue::Boolean(b),
            Value::Int(i) => LuaValue::Integer(i),
            Value::Num(n) => LuaValue::Number(n),
            Value::LightUserData(p) => LuaValue::LightUserData(p),
            Value::Str(s) => LuaValue::String(LuaString::from_gc(vm, s)),
            Value::Table(t) => LuaValue::Table(Table::from_gc(vm, t)),
            Value::LuaFn(_) | Value::Native(_) => {
                LuaValue::Function(Function::from_value(vm, v).expect("a function"))
            }
            Value::Thread(t) => LuaValue::Thread(Thread::from_gc(vm, t)),
            Value::UserData(u) => LuaValue::UserData(AnyUserData::from_gc(vm, u)),
        }
    }

    /// The raw value, after checking that `vm` is the state of any handle inside.
    pub fn to_raw(&self, vm: &Vm) -> Result<Value> {
        Ok(match self {
            LuaValue::Nil => Value::Nil,
            LuaValue::Boolean(b) => Value::Bool(*b),
            LuaValue::Integer(i) => Value::Int(*i),
            LuaValue::Number(n) => Value::Num(*n),
            LuaValue::LightUserData(p) => Value::LightUserData(*p),
            LuaValue::String(s) => s.value_in(vm)?,
            LuaValue::Table(t) => t.value_in(vm)?,
            LuaValue::Function(f) => f.value_in(vm)?,
            LuaValue::Thread(t) => t.value_in(vm)?,
            LuaValue::UserData(u) => u.value_in(vm)?,
        })
    }

    /// The `type()` name.
    pub fn type_name(&self) -> &'static str {
        match self {
            LuaValue::Nil => "nil",
            LuaValue::Boolean(_) => "boolean",
            LuaValue::Integer(_) | LuaValue::Number(_) => "number",
            LuaValue::LightUserData(_) | LuaValue::UserData(_) => "userdata",
            LuaValue::String(_) => "string",
            LuaValue::Table(_) => "table",
            LuaValue::Function(_) => "function",
            LuaValue::Thread(_) => "thread",
        }
    }

    /// Whether the value is nil.
    pub fn is_nil(&self) -> bool {
        matches!(self, LuaValue::Nil)
    }
}
