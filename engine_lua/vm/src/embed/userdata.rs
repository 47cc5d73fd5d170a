//! Rust values as Lua userdata: the [`UserData`] trait (fields, methods,
//! metamethods), borrowing checked at runtime, and `__gc` through `Drop`.
//!
//! A userdata made by [`Vm::create_userdata`] holds a `RefCell<T>`. A method taking
//! `&T` borrows it shared, a method taking `&mut T` exclusively; a conflicting borrow
//! (a method that calls back into Lua, which calls a `&mut` method on the same
//! object) is an [`Error::UserDataBorrow`] raised as a Lua error, never a panic.
//! When the collector frees the userdata (or the state is dropped), `T` is dropped:
//! that is its `__gc`.
//!
//! Each Rust type gets one metatable per state, built on first use from
//! [`UserData::add_fields`] and [`UserData::add_methods`]: `__name` is the type's
//! name; `__index` is the methods table itself when the type has no fields (a method
//! lookup is then one raw table read), or a function that tries the field getters
//! first; `__newindex` runs the field setters.

use std::any::TypeId;
use std::cell::{Ref, RefCell, RefMut};
use std::collections::HashMap;
use std::rc::Rc;

use super::conv::{FromLua, FromLuaMulti, IntoLua, IntoLuaMulti};
use super::error::{Error, Result};
use super::state;
use super::value::{AnyUserData, Table};
use crate::runtime::userdata::UserData as RtUserData;
use crate::runtime::{Gc, Value, Vm};

/// A shared borrow of a userdata's Rust value.
pub type UserDataRef<'a, T> = Ref<'a, T>;
/// An exclusive borrow of a userdata's Rust value.
pub type UserDataRefMut<'a, T> = RefMut<'a, T>;

/// A Rust type usable as a Lua userdata.
///
/// ```
/// use engine_lua::{Lua, MetaMethod, UserData, UserDataFields, UserDataMethods};
///
/// struct Guard { hp: i64, name: String }
///
/// impl UserData for Guard {
///     fn add_fields(f: &mut UserDataFields<'_, Self>) {
///         f.add_field_get("hp", |_, g| Ok(g.hp));
///         f.add_field_set("hp", |_, g, v: i64| { g.hp = v; Ok(()) });
///     }
///     fn add_methods(m: &mut UserDataMethods<'_, Self>) {
///         m.add_method_mut("hit", |_, g, dmg: i64| { g.hp -= dmg; Ok(g.hp) });
///         m.add_meta_method(MetaMethod::ToString, |_, g, ()| Ok(format!("Guard({})", g.name)));
///     }
/// }
///
/// let mut lua = Lua::new();
/// let g = lua.create_userdata(Guard { hp: 10, name: "bob".into() }).unwrap();
/// lua.globals().set(&mut lua, "g", g).unwrap();
/// let r: (i64, i64, String) = lua.load("g:hit(3); g.hp = g.hp + 1; return g.hp, g:hit(1), tostring(g)").eval().unwrap();
/// assert_eq!(r, (8, 7, "Guard(bob)".to_string()));
/// ```
pub trait UserData: Sized + 'static {
    /// Registers field getters and setters (`obj.x`, `obj.x = v`).
    fn add_fields(_fields: &mut UserDataFields<'_, Self>) {}
    /// Registers methods (`obj:m(...)`), functions and metamethods.
    fn add_methods(_methods: &mut UserDataMethods<'_, Self>) {}
}

/// The metamethods a userdata type can define.
///
/// ```
/// use engine_lua::{Lua, MetaMethod, UserData, UserDataMethods};
///
/// struct Money(i64);
/// impl UserData for Money {
///     fn add_methods(m: &mut UserDataMethods<'_, Self>) {
///         m.add_meta_method(MetaMethod::Lt, |vm, a, b: engine_lua::AnyUserData| {
///             Ok(a.0 < b.borrow::<Money>(vm)?.0)
///         });
///     }
/// }
/// let mut lua = Lua::new();
/// let (a, b) = (lua.create_userdata(Money(1)).unwrap(), lua.create_userdata(Money(2)).unwrap());
/// let lt: engine_lua::Function = lua.load("return function(a, b) return a < b end").eval().unwrap();
/// assert!(lt.call::<_, bool>(&mut lua, (a, b)).unwrap());
/// assert_eq!(MetaMethod::Lt.name(), "__lt");
/// ```
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum MetaMethod {
    /// `__add`
    Add,
    /// `__sub`
    Sub,
    /// `__mul`
    Mul,
    /// `__div`
    Div,
    /// `__mod`
    Mod,
    /// `__pow`
    Pow,
    /// `__unm`
    Unm,
    /// `__idiv`
    IDiv,
    /// `__band`
    BAnd,
    /// `__bor`
    BOr,
    /// `__bxor`
    BXor,
    /// `__bnot`
    BNot,
    /// `__shl`
    Shl,
    /// `__shr`
    Shr,
    /// `__concat`
    Concat,
    /// `__len`
    Len,
    /// `__eq`
    Eq,
    /// `__lt`
    Lt,
    /// `__le`
    Le,
    /// `__call`
    Call,
    /// `__tostring`
    ToString,
    /// `__close`
    Close,
}

impl MetaMethod {
    /// The metatable key (`"__add"`, ...).
    pub fn name(self) -> &'static str {
        match self {
            MetaMethod::Add => "__add",
            MetaMethod::Sub => "__sub",
            MetaMethod::Mul => "__mul",
            MetaMethod::Div => "__div",
            MetaMethod::Mod => "__mod",
            MetaMethod::Pow => "__pow",
            MetaMethod::Unm => "__unm",
            MetaMethod::IDiv => "__idiv",
            MetaMethod::BAnd => "__band",
            MetaMethod::BOr => "__bor",
            MetaMethod::BXor => "__bxor",
            MetaMethod::BNot => "__bnot",
            MetaMethod::Shl => "__shl",
            MetaMethod::Shr => "__shr",
            MetaMethod::Concat => "__concat",
            MetaMethod::Len => "__len",
            MetaMethod::Eq => "__eq",
            MetaMethod::Lt => "__lt",
            MetaMethod::Le => "__le",
            MetaMethod::Call => "__call",
            MetaMethod::ToString => "__tostring",
            MetaMethod::Close => "__close",
        }
    }
}

type Getter = Box<dyn Fn(&mut Vm, Gc<RtUserData>) -> Result<Value>>;
type Setter = Box<dyn Fn(&mut Vm, Gc<RtUserData>, Value) -> Result<()>>;

/// The short name of a Rust type (`Guard` for `game::ai::Guard`).
fn short_name<T>() -> &'static str {
    let full = std::any::type_name::<T>();
    let base = full.split('<').next().unwrap_or(full);
    match base.rfind("::") {
        Some(i) => &full[i + 2..],
        None => full,
    }
}

/// The value inside a userdata, or a type error. The reference lives as long as the
/// caller's copy of the handle; callers use it while the userdata is an argument on
/// the stack, which keeps it alive.
fn cell_of<T: 'static>(u: &Gc<RtUserData>) -> Result<&RefCell<T>> {
    u.get()
        .data
        .downcast_ref::<RefCell<T>>()
        .ok_or(Error::UserDataType {
            expected: short_name::<T>(),
        })
}

fn self_arg<T: 'static>(vm: &Vm) -> Result<Gc<RtUserData>> {
    match vm.arg(1) {
        Value::UserData(u) if u.get().data.is::<RefCell<T>>() => Ok(u),
        _ => Err(Error::BadArgument {
            pos: 1,
            cause: Box::new(Error::UserDataType {
                expected: short_name::<T>(),
            }),
        }),
    }
}

fn borrow_err<T>(mutably: bool) -> Error {
    Error::UserDataBorrow {
        type_name: short_name::<T>(),
        mutably,
    }
}

/// Runs `f` with a shared borrow of the `T` inside `u`.
fn with_ref<T: 'static, R>(u: Gc<RtUserData>, f: impl FnOnce(&T) -> R) -> Result<R> {
    match u.get().data.downcast_ref::<RefCell<T>>() {
        Some(c) => {
            let b = c.try_borrow().map_err(|_| borrow_err::<T>(true))?;
            Ok(f(&b))
        }
        None => Err(Error::UserDataType {
            expected: short_name::<T>(),
        }),
    }
}

/// Runs `f` with an exclusive borrow of the `T` inside `u`.
fn with_mut<T: 'static, R>(u: Gc<RtUserData>, f: impl FnOnce(&mut T) -> R) -> Result<R> {
    match u.get().data.downcast_ref::<RefCell<T>>() {
        Some(c) => {
            let mut b = c.try_borrow_mut().map_err(|_| borrow_err::<T>(false))?;
            Ok(f(&mut b))
        }
        None => Err(Error::UserDataType {
            expected: short_name::<T>(),
        }),
    }
}

/// Registers a userdata type's fields ([`UserData::add_fields`]).
///
/// ```
/// use engine_lua::{Lua, UserData, UserDataFields};
///
/// struct Door { open: bool }
/// impl UserData for Door {
///     fn add_fields(f: &mut UserDataFields<'_, Self>) {
///         f.add_field_get("open", |_, d| Ok(d.open));
///         f.add_field_set("open", |_, d, v: bool| { d.open = v; Ok(()) });
///     }
/// }
/// let mut lua = Lua::new();
/// let d = lua.create_userdata(Door { open: false }).unwrap();
/// lua.globals().set(&mut lua, "door", d).unwrap();
/// assert!(lua.load("door.open = true return door.open").eval::<bool>().unwrap());
/// ```
pub struct UserDataFields<'a, T> {
    getters: &'a mut HashMap<Vec<u8>, Getter>,
    setters: &'a mut HashMap<Vec<u8>, Setter>,
    _t: std::marker::PhantomData<T>,
}

impl<T: UserData> UserDataFields<'_, T> {
    /// `obj.name` returns `f(vm, &obj)`.
    pub fn add_field_get<R, F>(&mut self, name: &str, f: F)
    where
        R: IntoLua,
        F: Fn(&mut Vm, &T) -> Result<R> + 'static,
    {
        self.getters.insert(
            name.as_bytes().to_vec(),
            Box::new(move |vm, u| {
                let c = cell_of::<T>(&u)?;
                let b = c.try_borrow().map_err(|_| borrow_err::<T>(true))?;
                let r = f(vm, &b)?;
                drop(b);
                r.into_lua(vm)
            }),
        );
    }

    /// `obj.name = v` runs `f(vm, &mut obj, v)`.
    pub fn add_field_set<A, F>(&mut self, name: &str, f: F)
    where
        A: FromLua,
        F: Fn(&mut Vm, &mut T, A) -> Result<()> + 'static,
    {
        self.setters.insert(
            name.as_bytes().to_vec(),
            Box::new(move |vm, u, v| {
                let a = A::from_lua(v, vm)?;
                let c = cell_of::<T>(&u)?;
                let mut b = c.try_borrow_mut().map_err(|_| borrow_err::<T>(false))?;
                f(vm, &mut b, a)
            }),
        );
    }
}

/// Registers a userdata type's methods and metamethods ([`UserData::add_methods`]).
///
/// ```
/// use engine_lua::{Lua, UserData, UserDataMethods};
///
/// struct Bag(Vec<String>);
/// impl UserData for Bag {
///     fn add_methods(m: &mut UserDataMethods<'_, Self>) {
///         m.add_method_mut("put", |_, b, item: String| { b.0.push(item); Ok(b.0.len()) });
///         m.add_method("count", |_, b, ()| Ok(b.0.len()));
///         m.add_function("empty", |vm, ()| vm.create_userdata(Bag(Vec::new())));
///     }
/// }
/// let mut lua = Lua::new();
/// let b = lua.create_userdata(Bag(Vec::new())).unwrap();
/// lua.globals().set(&mut lua, "bag", b).unwrap();
/// assert_eq!(lua.load("bag:put('key') return bag:count(), bag.empty():count()").eval::<(i64, i64)>().unwrap(), (1, 0));
/// ```
pub struct UserDataMethods<'a, T> {
    vm: &'a mut Vm,
    methods: Table,
    meta: Table,
    error: Option<Error>,
    _t: std::marker::PhantomData<T>,
}

impl<T: UserData> UserDataMethods<'_, T> {
    fn put(&mut self, in_meta: bool, name: &str, f: Result<super::Function>) {
        let t = if in_meta { &self.meta } else { &self.methods };
        let r = f.and_then(|f| t.raw_set(self.vm, name, f));
        if let Err(e) = r {
            self.error.get_or_insert(e);
        }
    }

    fn method<A, R, F>(&mut self, f: F) -> Result<super::Function>
    where
        A: FromLuaMulti,
        R: IntoLuaMulti,
        F: Fn(&mut Vm, &T, A) -> Result<R> + 'static,
    {
        self.vm.create_host_raw(Rc::new(move |vm: &mut Vm| {
            let u = self_arg::<T>(vm)?;
            let n = vm.arg_count();
            let at = vm.frame_base();
            let a = A::from_lua_multi(vm, at + 1, n - 1, 2)?;
            let c = cell_of::<T>(&u)?;
            let b = c.try_borrow().map_err(|_| borrow_err::<T>(true))?;
            let r = f(vm, &b, a)?;
            drop(b);
            r.push_into(vm)
        }))
    }

    fn method_mut<A, R, F>(&mut self, f: F) -> Result<super::Function>
    where
        A: FromLuaMulti,
        R: IntoLuaMulti,
        F: Fn(&mut Vm, &mut T, A) -> Result<R> + 'static,
    {
        self.vm.create_host_raw(Rc::new(move |vm: &mut Vm| {
            let u = self_arg::<T>(vm)?;
            let n = vm.arg_count();
            let at = vm.frame_base();
            let a = A::from_lua_multi(vm, at + 1, n - 1, 2)?;
            let c = cell_of::<T>(&u)?;
            let mut b = c.try_borrow_mut().map_err(|_| borrow_err::<T>(false))?;
            let r = f(vm, &mut b, a)?;
            drop(b);
            r.push_into(vm)
        }))
    }

    /// `obj:name(args)` runs `f(vm, &obj, args)`.
    pub fn add_method<A, R, F>(&mut self, name: &str, f: F)
    where
        A: FromLuaMulti,
        R: IntoLuaMulti,
        F: Fn(&mut Vm, &T, A) -> Result<R> + 'static,
    {
        let f = self.method(f);
        self.put(false, name, f);
    }

    /// `obj:name(args)` runs `f(vm, &mut obj, args)`.
    pub fn add_method_mut<A, R, F>(&mut self, name: &str, f: F)
    where
        A: FromLuaMulti,
        R: IntoLuaMulti,
        F: Fn(&mut Vm, &mut T, A) -> Result<R> + 'static,
    {
        let f = self.method_mut(f);
        self.put(false, name, f);
    }

    /// `obj.name(args)` (or `Type.name` through the methods table) runs `f(vm, args)`.
    pub fn add_function<A, R, F>(&mut self, name: &str, f: F)
    where
        A: FromLuaMulti,
        R: IntoLuaMulti,
        F: Fn(&mut Vm, A) -> Result<R> + 'static,
    {
        let f = self.vm.create_function(f);
        self.put(false, name, f);
    }

    /// A metamethod with the userdata as its first operand, borrowed shared.
    pub fn add_meta_method<A, R, F>(&mut self, m: MetaMethod, f: F)
    where
        A: FromLuaMulti,
        R: IntoLuaMulti,
        F: Fn(&mut Vm, &T, A) -> Result<R> + 'static,
    {
        let f = self.method(f);
        self.put(true, m.name(), f);
    }

    /// A metamethod with the userdata as its first operand, borrowed exclusively.
    pub fn add_meta_method_mut<A, R, F>(&mut self, m: MetaMethod, f: F)
    where
        A: FromLuaMulti,
        R: IntoLuaMulti,
        F: Fn(&mut Vm, &mut T, A) -> Result<R> + 'static,
    {
        let f = self.method_mut(f);
        self.put(true, m.name(), f);
    }

    /// A metamethod receiving all operands as they are (e.g. `__add` where the
    /// userdata may be either operand).
    pub fn add_meta_function<A, R, F>(&mut self, m: MetaMethod, f: F)
    where
        A: FromLuaMulti,
        R: IntoLuaMulti,
        F: Fn(&mut Vm, A) -> Result<R> + 'static,
    {
        let f = self.vm.create_function(f);
        self.put(true, m.name(), f);
    }
}

impl Vm {
    /// The metatable of userdata type `T` in this state (built on first use).
    fn userdata_metatable<T: UserData>(&mut self) -> Result<Gc<crate::runtime::Table>> {
        if let Some(t) = state(self).ud_meta.get(&TypeId::of::<T>()) {
            return Ok(t.gc);
        }
        let meta = self.create_table();
        let methods = self.create_table();
        let mut getters = HashMap::new();
        let mut setters = HashMap::new();
        T::add_fields(&mut UserDataFields {
            getters: &mut getters,
            setters: &mut setters,
            _t: std::marker::PhantomData,
        });
        let mut reg = UserDataMethods::<T> {
            vm: self,
            methods: methods.clone(),
            meta: meta.clone(),
            error: None,
            _t: std::marker::PhantomData,
        };
        T::add_methods(&mut reg);
        if let Some(e) = reg.error {
            return Err(e);
        }
        meta.raw_set(self, "__name", short_name::<T>())?;
        if getters.is_empty() {
            meta.raw_set(self, "__index", &methods)?;
        } else {
            let mgc = methods.gc;
            let keep = methods.clone();
            let index = self.create_function(move |vm, (ud, key): (Value, Value)| {
                let _ = &keep;
                if let (Value::UserData(u), Some(k)) = (ud, key.as_str())
                    && let Some(g) = getters.get(k)
                {
                    return g(vm, u);
                }
                Ok(mgc.get().get(key))
            })?;
            meta.raw_set(self, "__index", index)?;
        }
        if !setters.is_empty() {
            let name = short_name::<T>();
            let newindex =
                self.create_function(move |vm, (ud, key, v): (Value, Value, Value)| {
                    if let (Value::UserData(u), Some(k)) = (ud, key.as_str())
                        && let Some(s) = setters.get(k)
                    {
                        return s(vm, u, v);
                    }
                    let k = String::from_utf8_lossy(key.as_str().unwrap_or(b"?")).into_owned();
                    Err(Error::runtime(format!("no field '{k}' to set on {name}")))
                })?;
            meta.raw_set(self, "__newindex", newindex)?;
        }
        let g = meta.gc;
        state(self).ud_meta.insert(TypeId::of::<T>(), meta);
        Ok(g)
    }

    /// Wraps a Rust value as a userdata with `T`'s metatable.
    pub fn create_userdata<T: UserData>(&mut self, data: T) -> Result<AnyUserData> {
        let mt = self.userdata_metatable::<T>()?;
        let u = self.heap.alloc(RtUserData {
            metatable: Some(mt),
            user_values: Box::new([Value::Nil]),
            data: Box::new(RefCell::new(data)),
        });
        Ok(AnyUserData::from_gc(self, u))
    }
}

impl AnyUserData {
    /// Whether the userdata holds a `T`.
    pub fn is<T: 'static>(&self, vm: &Vm) -> bool {
        self.anchor.check(vm).is_ok() && self.gc.get().data.is::<RefCell<T>>()
    }

    /// Borrows the Rust value shared (fails if it is mutably borrowed or not a `T`).
    /// The borrow holds the state, so the object cannot go away meanwhile.
    pub fn borrow<'a, T: 'static>(&'a self, vm: &'a Vm) -> Result<UserDataRef<'a, T>> {
        self.anchor.check(vm)?;
        let c = self
            .gc
            .get()
            .data
            .downcast_ref::<RefCell<T>>()
            .ok_or(Error::UserDataType {
                expected: short_name::<T>(),
            })?;
        c.try_borrow().map_err(|_| borrow_err::<T>(true))
    }

    /// Borrows the Rust value exclusively.
    pub fn borrow_mut<'a, T: 'static>(&'a self, vm: &'a Vm) -> Result<UserDataRefMut<'a, T>> {
        self.anchor.check(vm)?;
        let c = self
            .gc
            .get()
            .data
            .downcast_ref::<RefCell<T>>()
            .ok_or(Error::UserDataType {
                expected: short_name::<T>(),
            })?;
        c.try_borrow_mut().map_err(|_| borrow_err::<T>(false))
    }

    /// Runs `f` with the value borrowed shared.
    pub fn with<T: 'static, R>(&self, vm: &Vm, f: impl FnOnce(&T) -> R) -> Result<R> {
        self.anchor.check(vm)?;
        with_ref(self.gc, f)
    }

    /// Runs `f` with the value borrowed exclusively.
    pub fn with_mut<T: 'static, R>(&self, vm: &Vm, f: impl FnOnce(&mut T) -> R) -> Result<R> {
        self.anchor.check(vm)?;
        with_mut(self.gc, f)
    }

    /// The user value (`debug.getuservalue`).
    pub fn user_value<V: FromLua>(&self, vm: &mut Vm) -> Result<V> {
        self.anchor.check(vm)?;
        let v = self
            .gc
            .get()
            .user_values
            .first()
            .copied()
            .unwrap_or(Value::Nil);
        V::from_lua(v, vm)
    }

    /// Sets the user value.
    pub fn set_user_value<V: IntoLua>(&self, vm: &mut Vm, v: V) -> Result<()> {
        self.anchor.check(vm)?;
        let v = v.into_lua(vm)?;
        if let Some(slot) = self.gc.get_mut().user_values.first_mut() {
            *slot = v;
        }
        crate::runtime::gc::barrier_object(
            &vm.heap,
            crate::runtime::gc::GcRef::UserData(self.gc),
            v,
        );
        Ok(())
    }
}
