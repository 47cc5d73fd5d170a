//! The typed Rust embedding API: conversions, handles, host functions, userdata,
//! serde, sandboxing and execution limits.
//!
//! # Model
//!
//! The API follows the C API's shape with mlua's types. The state is the runtime's
//! [`Vm`]; [`crate::Lua`] owns one (and dereferences to it), and a host function
//! receives `&mut Vm` — so everything below is called the same way at top level and
//! inside callbacks. Handles ([`Table`], [`Function`], [`Thread`], [`AnyUserData`],
//! [`LuaString`], [`LuaValue`]) are plain `'static` Rust values that keep their object
//! alive (see [`value`]); their operations take the state as their first argument,
//! as `lua_gettable(L, ...)` does.
//!
//! ```
//! use engine_lua::Lua;
//!
//! let mut lua = Lua::new();
//! let add = lua.create_function(|_, (a, b): (i64, f64)| Ok(a as f64 + b)).unwrap();
//! lua.globals().set(&mut lua, "add", add).unwrap();
//! let v: f64 = lua.load("return add(1, 2.5)").set_name("=demo").eval().unwrap();
//! assert_eq!(v, 3.5);
//! ```
//!
//! Why not mlua's `&Lua` inside callbacks: the interpreter holds `&mut Vm` while it
//! runs a host function, so a second path to the state (an `Rc<RefCell<..>>` in every
//! handle) would either fail to borrow or need `unsafe` outside the GC module. Passing
//! the state keeps the API free of both, and costs nothing per call.
//!
//! # Costs
//!
//! A host function is a native closure whose upvalue is a userdata holding the Rust
//! closure; calling it converts the arguments straight from the stack (no allocation
//! for numbers, booleans and strings read as handles), and a Rust panic is caught at
//! the boundary. A call of a Lua function from Rust (`Function::call`,
//! `Vm::call_stack`) pushes its frame directly and runs the interpreter at once
//! (`runtime/entry.rs`); `Table::get`/`set` touch the table raw when no metamethod
//! can apply. `benches/embed.rs` lists the costs (time and instructions). The
//! per-state data ([`EmbedState`]) is created on first use.

mod chunk;
mod conv;
mod error;
mod function;
mod limits;
#[cfg(feature = "serde")]
mod serde_impl;
mod table;
mod userdata;
mod value;

use std::any::TypeId;
use std::collections::HashMap;
use std::rc::Rc;

pub use chunk::Load;
pub use conv::{Bytes, FromLua, FromLuaMulti, IntoLua, IntoLuaMulti, Variadic};
pub use error::{Error, Result};
pub use function::ThreadStatus;
pub use limits::{Limits, StdLib};
#[cfg(feature = "serde")]
pub use serde_impl::SerializeOptions;
pub use table::{TablePairs, TableSequence};
pub use userdata::{
    MetaMethod, UserData, UserDataFields, UserDataMethods, UserDataRef, UserDataRefMut,
};
pub use value::{AnyUserData, Function, LuaString, LuaValue, Table, Thread};

use crate::runtime::{Gc, LuaError, TM, Value, Vm, table::Table as RtTable};
use value::Anchors;

/// The embedding API's per-state data, created on first use and kept in
/// [`Vm::embed`]: the anchor table and its free slots, userdata metatables, the
/// limits' bookkeeping. Hosts do not use it directly.
pub struct EmbedState {
    /// Identity and drop list shared with handles.
    pub(crate) anchors: Rc<Anchors>,
    /// The table that anchors host-held objects (in the registry).
    pub(crate) anchor_table: Gc<RtTable>,
    pub(crate) free: Vec<u32>,
    pub(crate) next_slot: u32,
    /// Metatables of userdata types, by Rust type.
    pub(crate) ud_meta: HashMap<TypeId, Table>,
    /// Values a host function asked to yield ([`Vm::yield_with`]).
    pub(crate) yield_request: Option<function::YieldRequest>,
    /// The native `resume` used by [`Thread::resume`] (anchored for the state's life).
    pub(crate) resume_fn: Option<(Value, value::Anchor)>,
    /// Instruction budget, interrupt callback, memory error bookkeeping.
    pub(crate) limits: limits::LimitState,
}

/// The per-state data, created on first use.
pub(crate) fn state(vm: &mut Vm) -> &mut EmbedState {
    if vm.embed.is_none() {
        let t = vm.heap.alloc(RtTable::default());
        vm.raw_set_str(vm.registry, "_ENGINE_LUA_ANCHORS", Value::Table(t));
        vm.embed = Some(Box::new(EmbedState {
            anchors: Rc::new(Anchors::default()),
            anchor_table: t,
            free: Vec::new(),
            next_slot: 0,
            ud_meta: HashMap::new(),
            yield_request: None,
            resume_fn: None,
            limits: limits::LimitState::default(),
        }));
    }
    vm.embed.as_mut().expect("embed state just made")
}

/// Turns a Lua error that escaped to the host into an [`Error`], as `lua.c`'s
/// `msghandler` does (the traceback is the one recorded at the error point, if the
/// call went through a traceback boundary).
pub(crate) fn runtime_error(vm: &mut Vm, e: LuaError) -> Error {
    if let Some(es) = vm.embed.as_mut()
        && std::mem::take(&mut es.limits.memory_error)
    {
        vm.last_traceback = None;
        return Error::Memory;
    }
    let traceback = vm.last_traceback.take().unwrap_or_default();
    let v = e.0;
    let message = match v {
        Value::Str(s) => s.get().to_str_lossy().into_owned(),
        Value::Int(_) | Value::Num(_) => crate::stdlib::base::number_text(v).unwrap_or_default(),
        _ => {
            if !vm.metamethod(v, TM::ToString).is_nil()
                && let Ok(s) = vm.to_string(v)
            {
                s.get().to_str_lossy().into_owned()
            } else {
                format!("(error object is a {} value)", vm.type_name_of(v))
            }
        }
    };
    let value = Some(LuaValue::from_raw(vm, v));
    Error::Runtime {
        message,
        traceback,
        value,
    }
}

/// The Lua-side name of what a Rust type converts from (`bad argument` messages).
fn lua_name_of(rust: &str) -> &str {
    match rust {
        "i8" | "i16" | "i32" | "i64" | "isize" | "u8" | "u16" | "u32" | "u64" | "usize" | "f32"
        | "f64" => "number",
        "String" | "Bytes" | "&str" => "string",
        "Vec" | "HashMap" | "BTreeMap" => "table",
        other => other,
    }
}

/// Turns an [`Error`] returned by host code into the Lua error value raised.
pub(crate) fn into_lua_error(vm: &mut Vm, e: Error) -> LuaError {
    match e {
        Error::Runtime {
            value: Some(v),
            message,
            ..
        } => match v.to_raw(vm) {
            Ok(v) => LuaError(v),
            Err(_) => vm.error_plain(message),
        },
        Error::Runtime { message, .. } => vm.error_plain(message),
        Error::Memory => {
            if let Some(es) = vm.embed.as_mut() {
                es.limits.memory_error = true;
            }
            vm.error_plain("not enough memory")
        }
        Error::External(m) => vm.error(m),
        Error::BadArgument { pos, cause } => {
            let text = match *cause {
                Error::FromLua {
                    from,
                    to,
                    message: None,
                } => format!("{} expected, got {from}", lua_name_of(to)),
                Error::FromLua {
                    message: Some(m), ..
                } => m,
                other => other.to_string(),
            };
            vm.arg_error(pos, text)
        }
        other => vm.error(other.to_string()),
    }
}

impl Vm {
    /// The globals table (`_G`).
    pub fn globals(&mut self) -> Table {
        let g = self.globals;
        Table::from_gc(self, g)
    }

    /// A new empty table.
    pub fn create_table(&mut self) -> Table {
        let t = self.heap.alloc(RtTable::default());
        Table::from_gc(self, t)
    }

    /// A new table with room for `narray` sequence items and `nhash` other keys.
    pub fn create_table_with_capacity(&mut self, narray: usize, nhash: usize) -> Table {
        let t = self.new_table_with(narray, nhash);
        Table::from_gc(self, t)
    }

    /// A table made from `(key, value)` pairs.
    ///
    /// ```
    /// use engine_lua::Lua;
    ///
    /// let mut lua = Lua::new();
    /// let t = lua.create_table_from([("x", 1), ("y", 2)]).unwrap();
    /// assert_eq!(t.get::<i64>(&mut lua, "y").unwrap(), 2);
    /// ```
    pub fn create_table_from<K: IntoLua, V: IntoLua>(
        &mut self,
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Result<Table> {
        let t = self.create_table();
        for (k, v) in pairs {
            t.raw_set(self, k, v)?;
        }
        Ok(t)
    }

    /// A table holding a sequence.
    pub fn create_sequence_from<V: IntoLua>(
        &mut self,
        items: impl IntoIterator<Item = V>,
    ) -> Result<Table> {
        let t = self.create_table();
        for (i, v) in items.into_iter().enumerate() {
            t.raw_set(self, i as i64 + 1, v)?;
        }
        Ok(t)
    }

    /// A Lua string from bytes.
    pub fn create_string(&mut self, bytes: impl AsRef<[u8]>) -> LuaString {
        let s = self.heap.new_str(bytes.as_ref());
        LuaString::from_gc(self, s)
    }

    /// Converts a Rust value to an owned Lua value.
    pub fn pack<T: IntoLua>(&mut self, v: T) -> Result<LuaValue> {
        let v = v.into_lua(self)?;
        Ok(LuaValue::from_raw(self, v))
    }

    /// Converts a Lua value to a Rust value.
    pub fn unpack<T: FromLua>(&mut self, v: LuaValue) -> Result<T> {
        let v = v.to_raw(self)?;
        T::from_lua(v, self)
    }

    /// Stores a value in the registry under a name (host-held state that scripts
    /// cannot see).
    ///
    /// ```
    /// use engine_lua::Lua;
    ///
    /// let mut lua = Lua::new();
    /// lua.set_named_registry_value("frame", 12).unwrap();
    /// assert_eq!(lua.named_registry_value::<i64>("frame").unwrap(), 12);
    /// ```
    pub fn set_named_registry_value<T: IntoLua>(&mut self, name: &str, v: T) -> Result<()> {
        let v = v.into_lua(self)?;
        let r = self.registry;
        self.raw_set_str(r, name, v);
        Ok(())
    }

    /// Reads a named registry value.
    pub fn named_registry_value<T: FromLua>(&mut self, name: &str) -> Result<T> {
        let r = self.registry;
        let v = self.raw_get_str(r, name);
        T::from_lua(v, self)
    }

    /// Runs a full garbage collection (also releases the slots of dropped handles).
    pub fn gc_collect(&mut self) {
        if self.embed.is_some() {
            // Clearing dropped slots happens when a handle is made: make and drop one.
            let _ = value::Anchor::new(self, Value::Nil);
        }
        self.collect_garbage();
    }

    /// Bytes in use by the heap.
    pub fn used_memory(&self) -> usize {
        self.heap.bytes()
    }
}

impl std::ops::Deref for crate::Lua {
    type Target = Vm;
    fn deref(&self) -> &Vm {
        &self.vm
    }
}

impl std::ops::DerefMut for crate::Lua {
    fn deref_mut(&mut self) -> &mut Vm {
        &mut self.vm
    }
}

impl crate::Lua {
    /// A fresh state with the base library and the libraries in `libs`.
    ///
    /// ```
    /// use engine_lua::{Lua, StdLib};
    ///
    /// let mut lua = Lua::new_with(StdLib::NONE);
    /// assert!(lua.load("return string").eval::<Option<engine_lua::Table>>().unwrap().is_none());
    /// ```
    pub fn new_with(libs: StdLib) -> Self {
        let mut lua = Self::new();
        if libs != StdLib::ALL {
            lua.vm.keep_libs(libs);
            lua.vm.collect_garbage();
        }
        lua
    }

    /// A fresh state with the sandbox preset applied ([`Vm::sandbox`]) and `limits`
    /// set: what a game gives untrusted or half-written scripts.
    ///
    /// ```
    /// use engine_lua::{Limits, Lua};
    ///
    /// let mut lua = Lua::sandboxed("scripts", Limits {
    ///     instructions: Some(1_000_000),
    ///     memory: Some(16 << 20),
    ///     call_depth: Some(200),
    /// });
    /// assert!(lua.load("return io").eval::<Option<engine_lua::Table>>().unwrap().is_none());
    /// ```
    pub fn sandboxed(require_root: &str, limits: Limits) -> Self {
        let mut lua = Self::new();
        lua.vm.sandbox(require_root);
        lua.vm.set_limits(limits);
        lua
    }
}
