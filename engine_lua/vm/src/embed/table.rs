//! Operations on [`Table`] handles: get/set with and without metamethods, length,
//! iteration, metatables.

use super::conv::{FromLua, IntoLua};
use super::error::{Error, Result};
use super::runtime_error;
use super::value::Table;
use crate::runtime::gc::barrier_table;
use crate::runtime::{Value, Vm};

/// Keeps `v` on the stack while `f` runs (the collector only sees stack values and
/// anchored ones), then pops it.
fn pinned<R>(vm: &mut Vm, v: Value, f: impl FnOnce(&mut Vm) -> R) -> R {
    vm.push(v);
    let r = f(vm);
    vm.current.get_mut().top -= 1;
    r
}

impl Table {
    /// `t[key]`, with `__index`.
    pub fn get<V: FromLua>(&self, vm: &mut Vm, key: impl IntoLua) -> Result<V> {
        self.anchor.check(vm)?;
        let k = key.into_lua(vm)?;
        // A present value, or an absent one in a table without a metatable, needs no
        // metamethod: read it raw.
        let h = self.gc.get();
        let v = h.get(k);
        if !v.is_nil() || h.metatable.is_none() {
            return V::from_lua(v, vm);
        }
        let t = Value::Table(self.gc);
        let v = pinned(vm, k, |vm| vm.index(t, k)).map_err(|e| runtime_error(vm, e))?;
        V::from_lua(v, vm)
    }

    /// `t[key] = value`, with `__newindex`.
    pub fn set<K: IntoLua, V: IntoLua>(&self, vm: &mut Vm, key: K, value: V) -> Result<()> {
        self.anchor.check(vm)?;
        let k = key.into_lua(vm)?;
        let v = pinned(vm, k, |vm| value.into_lua(vm))?;
        // Without a metatable there is no `__newindex`: store raw (an invalid key
        // fails here without effect and takes the general path for its error).
        if self.gc.get().metatable.is_none() && self.gc.get_mut().set(&vm.heap, k, v).is_ok() {
            barrier_table(&vm.heap, self.gc, v);
            return Ok(());
        }
        let t = Value::Table(self.gc);
        vm.push(k);
        let r = vm.set_index(t, k, v);
        vm.current.get_mut().top -= 1;
        r.map_err(|e| runtime_error(vm, e))
    }

    /// `rawget(t, key)`.
    pub fn raw_get<V: FromLua>(&self, vm: &mut Vm, key: impl IntoLua) -> Result<V> {
        self.anchor.check(vm)?;
        let k = key.into_lua(vm)?;
        let v = self.gc.get().get(k);
        V::from_lua(v, vm)
    }

    /// `rawset(t, key, value)` (a nil or NaN key is an error).
    pub fn raw_set<K: IntoLua, V: IntoLua>(&self, vm: &mut Vm, key: K, value: V) -> Result<()> {
        self.anchor.check(vm)?;
        let k = key.into_lua(vm)?;
        let v = pinned(vm, k, |vm| value.into_lua(vm))?;
        vm.raw_set(self.gc, k, v).map_err(|e| runtime_error(vm, e))
    }

    /// `#t`, with `__len` (the result must be an integer).
    pub fn len(&self, vm: &mut Vm) -> Result<i64> {
        self.anchor.check(vm)?;
        vm.len_int(Value::Table(self.gc))
            .map_err(|e| runtime_error(vm, e))
    }

    /// `rawlen(t)`: the border of the sequence part.
    pub fn raw_len(&self, vm: &Vm) -> Result<i64> {
        self.anchor.check(vm)?;
        Ok(self.gc.get().length())
    }

    /// Whether the table has no entries (raw).
    pub fn is_empty(&self, vm: &Vm) -> Result<bool> {
        self.anchor.check(vm)?;
        Ok(matches!(self.gc.get().next(Value::Nil), Ok(None)))
    }

    /// Every `(key, value)` pair (raw `next` order), converted.
    ///
    /// ```
    /// use engine_lua::{Lua, Table};
    ///
    /// let mut lua = Lua::new();
    /// let t: Table = lua.load("return {x = 1, y = 2}").eval().unwrap();
    /// let mut kv: Vec<(String, i64)> = t.pairs(&mut lua).collect::<Result<_, _>>().unwrap();
    /// kv.sort();
    /// assert_eq!(kv, vec![("x".to_string(), 1), ("y".to_string(), 2)]);
    /// ```
    pub fn pairs<'a, K: FromLua, V: FromLua>(&'a self, vm: &'a mut Vm) -> TablePairs<'a, K, V> {
        let ok = self.anchor.check(vm).is_ok();
        TablePairs {
            vm,
            table: self,
            key: if ok { Some(Value::Nil) } else { None },
            bad_state: !ok,
            _m: std::marker::PhantomData,
        }
    }

    /// The values `t[1], t[2], ...` up to the first nil (raw), converted.
    ///
    /// ```
    /// use engine_lua::{Lua, Table};
    ///
    /// let mut lua = Lua::new();
    /// let t: Table = lua.load("return {10, 20, 30}").eval().unwrap();
    /// let v: Vec<i64> = t.sequence_values(&mut lua).collect::<Result<_, _>>().unwrap();
    /// assert_eq!(v, vec![10, 20, 30]);
    /// ```
    pub fn sequence_values<'a, V: FromLua>(&'a self, vm: &'a mut Vm) -> TableSequence<'a, V> {
        let ok = self.anchor.check(vm).is_ok();
        TableSequence {
            vm,
            table: self,
            index: if ok { 1 } else { 0 },
            _m: std::marker::PhantomData,
        }
    }

    /// Sets (or with `None` removes) the metatable.
    pub fn set_metatable(&self, vm: &mut Vm, mt: Option<&Table>) -> Result<()> {
        self.anchor.check(vm)?;
        let m = match mt {
            Some(m) => {
                m.anchor.check(vm)?;
                Some(m.gc)
            }
            None => None,
        };
        self.gc.get_mut().metatable = m;
        crate::runtime::gc::barrier_metatable(&mut vm.heap, Value::Table(self.gc), m);
        Ok(())
    }

    /// The metatable, if any.
    pub fn metatable(&self, vm: &mut Vm) -> Result<Option<Table>> {
        self.anchor.check(vm)?;
        Ok(self.gc.get().metatable.map(|m| Table::from_gc(vm, m)))
    }

    /// Removes every entry (raw).
    pub fn clear(&self, vm: &mut Vm) -> Result<()> {
        self.anchor.check(vm)?;
        let mut keys = Vec::new();
        let mut key = Value::Nil;
        while let Ok(Some((k, _))) = self.gc.get().next(key) {
            keys.push(k);
            key = k;
        }
        for k in keys {
            let _ = vm.raw_set(self.gc, k, Value::Nil);
        }
        Ok(())
    }
}

/// Iterator over a table's pairs ([`Table::pairs`], which has an example).
pub struct TablePairs<'a, K, V> {
    vm: &'a mut Vm,
    table: &'a Table,
    key: Option<Value>,
    bad_state: bool,
    _m: std::marker::PhantomData<(K, V)>,
}

impl<K: FromLua, V: FromLua> Iterator for TablePairs<'_, K, V> {
    type Item = Result<(K, V)>;
    fn next(&mut self) -> Option<Self::Item> {
        if self.bad_state {
            self.bad_state = false;
            return Some(Err(Error::WrongState));
        }
        let key = self.key?;
        match self.table.gc.get().next(key) {
            Ok(Some((k, v))) => {
                self.key = Some(k);
                let r = K::from_lua(k, self.vm).and_then(|k| Ok((k, V::from_lua(v, self.vm)?)));
                Some(r)
            }
            Ok(None) => {
                self.key = None;
                None
            }
            Err(()) => {
                self.key = None;
                Some(Err(Error::runtime("invalid key to 'next'")))
            }
        }
    }
}

/// Iterator over a table's sequence ([`Table::sequence_values`], which has an example).
pub struct TableSequence<'a, V> {
    vm: &'a mut Vm,
    table: &'a Table,
    index: i64,
    _m: std::marker::PhantomData<V>,
}

impl<V: FromLua> Iterator for TableSequence<'_, V> {
    type Item = Result<V>;
    fn next(&mut self) -> Option<Self::Item> {
        if self.index == 0 {
            self.index = -1;
            return Some(Err(Error::WrongState));
        }
        if self.index < 0 {
            return None;
        }
        let v = self.table.gc.get().get_int(self.index);
        if v.is_nil() {
            self.index = -1;
            return None;
        }
        self.index += 1;
        Some(V::from_lua(v, self.vm))
    }
}
