//! Lua tables: an array part plus a hash part of chained scatter nodes with Brent's
//! variation, sized by counting at rehash time (the layout and sizing rules of the
//! reference's `ltable.c`, written anew).
//!
//! Invariants: integer keys `1..=array.len()` live in the array part; every other
//! non-nil key lives in `nodes`. A float key with an integer value is stored as the
//! integer. A node whose value is nil keeps its key ("dead"), so `next` can continue a
//! traversal from a key that was just cleared.

use std::cell::Cell;

use super::gc::{Gc, Heap, Marker, Trace};
use super::string::LuaStr;
use super::value::{Value, float_to_int, str_eq};

#[derive(Copy, Clone, Default)]
struct Node {
    key: Value,
    val: Value,
    /// Index of the next node in the collision chain, or -1.
    next: i32,
}

/// Why a key cannot be stored.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum KeyError {
    /// The key is nil (`table index is nil`).
    Nil,
    /// The key is NaN (`table index is NaN`).
    NaN,
}

impl KeyError {
    /// The reference's message.
    pub fn message(self) -> &'static str {
        match self {
            KeyError::Nil => "table index is nil",
            KeyError::NaN => "table index is NaN",
        }
    }
}

/// A Lua table.
///
/// 48 bytes: both parts are exact-size boxed slices (a table is resized only by
/// `rehash`, which computes the sizes, so there is no spare capacity to keep), and an
/// empty part allocates nothing. With the heap's one-word header a small table's
/// block is 56 bytes (the allocator's 64-byte class).
#[derive(Default)]
pub struct Table {
    array: Box<[Value]>,
    nodes: Box<[Node]>,
    /// Free nodes are searched below this index (the reference's `lastfree`).
    last_free: u32,
    /// The metatable.
    pub metatable: Option<Gc<Table>>,
    /// Cache of absent metamethods when this table is a metatable: bit `i` set means
    /// the metamethod with tag `i` (see `meta::TM`, the first 8) is known absent.
    /// Cleared on every store into the hash part.
    pub flags: Cell<u8>,
    /// Set by the collector while this big table is black during propagation and
    /// under the forward barrier (see `gc.rs`, "Invariant and barriers"): a key
    /// inserted, or a node moved by an insertion, is then marked at once.
    pub(crate) gc_watch: Cell<bool>,
    /// The border `#t` last found by a search of the array part (0 when none, or
    /// past `u16::MAX`): tried first, and one past it for the append pattern
    /// `t[#t + 1] = v`, before a binary search (the role of the reference's
    /// `alimit`). It lives in what was padding.
    len_hint: Cell<u16>,
}

#[cfg(target_pointer_width = "64")]
const _: () = assert!(std::mem::size_of::<Table>() == 48);

const NODE_BYTES: usize = std::mem::size_of::<Node>();
const VALUE_BYTES: usize = std::mem::size_of::<Value>();

fn hash_int(i: i64, size: usize) -> usize {
    let m = ((size - 1) | 1) as u64;
    ((i as u64) % m) as usize
}

fn main_position(key: &Value, size: usize) -> usize {
    let mask = size - 1;
    match key {
        Value::Int(i) => hash_int(*i, size),
        Value::Str(s) => s.get().hash() as usize & mask,
        Value::Num(f) => {
            let b = f.to_bits();
            hash_int((b ^ (b >> 32)) as i64 & i64::MAX, size)
        }
        Value::Bool(b) => *b as usize & mask,
        other => hash_int((other.addr() >> 3) as i64, size),
    }
}

#[inline]
fn key_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Str(x), Value::Str(y)) => str_eq(*x, *y),
        (Value::Num(x), Value::Num(y)) => x.to_bits() == y.to_bits() || x == y,
        (Value::Nil, _) | (_, Value::Nil) => false,
        _ => {
            a.raw_eq(b) && a.type_of() == b.type_of() && !matches!(a, Value::Int(_) | Value::Num(_))
        }
    }
}

/// A hash part of `n` free nodes.
fn empty_nodes(n: usize) -> Box<[Node]> {
    vec![
        Node {
            next: -1,
            ..Node::default()
        };
        n
    ]
    .into_boxed_slice()
}

/// Number of bits needed for `x` (`ceil(log2(x))` for the sizing arrays).
fn ceil_log2(x: usize) -> u32 {
    if x <= 1 {
        0
    } else {
        usize::BITS - (x - 1).leading_zeros()
    }
}

impl Table {
    /// An empty table with size hints.
    pub fn with_capacity(narray: usize, nhash: usize) -> Self {
        let mut t = Table {
            array: vec![Value::Nil; narray].into_boxed_slice(),
            ..Table::default()
        };
        if nhash > 0 {
            let n = 1usize << ceil_log2(nhash);
            t.nodes = empty_nodes(n);
            t.last_free = n as u32;
        }
        t
    }

    /// Size of the array part.
    pub fn array_len(&self) -> usize {
        self.array.len()
    }

    /// Size of the hash part (number of nodes).
    pub fn hash_len(&self) -> usize {
        self.nodes.len()
    }

    fn find_node(&self, key: &Value) -> Option<usize> {
        if self.nodes.is_empty() {
            return None;
        }
        let mut i = main_position(key, self.nodes.len()) as i32;
        loop {
            let n = &self.nodes[i as usize];
            if key_eq(&n.key, key) {
                return Some(i as usize);
            }
            i = n.next;
            if i < 0 {
                return None;
            }
        }
    }

    /// Raw get with an integer key.
    #[inline]
    pub fn get_int(&self, i: i64) -> Value {
        if let Some(v) = self.array.get((i as u64).wrapping_sub(1) as usize) {
            return *v;
        }
        if self.nodes.is_empty() {
            return Value::Nil;
        }
        let mut n = hash_int(i, self.nodes.len()) as i32;
        loop {
            let node = &self.nodes[n as usize];
            if let Value::Int(k) = node.key
                && k == i
            {
                return node.val;
            }
            n = node.next;
            if n < 0 {
                return Value::Nil;
            }
        }
    }

    /// The node holding string key `s`, found from its main position (the callers
    /// try the key's slot hint first, see [`LuaStr::slot_hint`]), recording where it
    /// was found. A short (interned) key is equal only to the same object, so the walk
    /// compares pointers and never touches other strings.
    #[inline(never)]
    fn find_str_chain(&self, s: Gc<LuaStr>) -> Option<usize> {
        let sr = s.get();
        if !sr.is_short() {
            return self.find_long_str(s);
        }
        if self.nodes.is_empty() {
            return None;
        }
        let mask = self.nodes.len() - 1;
        let mut n = sr.hash_cached() as usize & mask;
        loop {
            let node = &self.nodes[n];
            if let Value::Str(k) = node.key
                && k == s
            {
                if n <= u16::MAX as usize {
                    sr.set_slot_hint(n);
                }
                return Some(n);
            }
            if node.next < 0 {
                return None;
            }
            n = node.next as usize;
        }
    }

    /// [`Table::find_str_chain`] for a long string key (compared by contents), kept out of
    /// line so the short-key walk inlines small into the interpreter's field access.
    #[inline(never)]
    fn find_long_str(&self, s: Gc<LuaStr>) -> Option<usize> {
        if self.nodes.is_empty() {
            return None;
        }
        let mask = self.nodes.len() - 1;
        let mut n = (s.get().hash() as usize & mask) as i32;
        loop {
            let node = &self.nodes[n as usize];
            if let Value::Str(k) = node.key
                && str_eq(k, s)
            {
                return Some(n as usize);
            }
            n = node.next;
            if n < 0 {
                return None;
            }
        }
    }

    /// Raw get with a string key.
    #[inline]
    pub fn get_str(&self, s: Gc<LuaStr>) -> Value {
        let h = s.get().slot_hint();
        if let Some(node) = self.nodes.get(h)
            && let Value::Str(k) = node.key
            && k == s
        {
            return node.val;
        }
        match self.find_str_chain(s) {
            Some(n) => self.nodes[n].val,
            None => Value::Nil,
        }
    }

    /// Raw get with a string key into `out` when the value is not nil (`false`, and
    /// `out` untouched, when it is): the interpreter's field reads copy the node's value
    /// straight into the destination register.
    #[inline]
    pub fn get_str_into(&self, s: Gc<LuaStr>, out: &mut Value) -> bool {
        let h = s.get().slot_hint();
        if let Some(node) = self.nodes.get(h)
            && let Value::Str(k) = node.key
            && k == s
        {
            if node.val.is_nil() {
                return false;
            }
            *out = node.val;
            return true;
        }
        match self.find_str_chain(s) {
            Some(n) if !self.nodes[n].val.is_nil() => {
                *out = self.nodes[n].val;
                true
            }
            _ => false,
        }
    }

    /// Raw get (`rawget`).
    #[inline]
    pub fn get(&self, key: Value) -> Value {
        match key {
            Value::Int(i) => self.get_int(i),
            Value::Str(s) => self.get_str(s),
            Value::Nil => Value::Nil,
            Value::Num(f) => match float_to_int(f) {
                Some(i) => self.get_int(i),
                None => self
                    .find_node(&key)
                    .map_or(Value::Nil, |i| self.nodes[i].val),
            },
            _ => self
                .find_node(&key)
                .map_or(Value::Nil, |i| self.nodes[i].val),
        }
    }

    /// Raw set with an integer key.
    #[inline]
    pub fn set_int(&mut self, heap: &Heap, i: i64, val: Value) {
        if let Some(slot) = self.array.get_mut((i as u64).wrapping_sub(1) as usize) {
            *slot = val;
            return;
        }
        self.set_in_hash(heap, Value::Int(i), val);
    }

    /// Raw set (`rawset`). Nil and NaN keys are errors.
    pub fn set(&mut self, heap: &Heap, key: Value, val: Value) -> Result<(), KeyError> {
        match key {
            Value::Int(i) => {
                self.set_int(heap, i, val);
                Ok(())
            }
            Value::Nil => Err(KeyError::Nil),
            Value::Num(f) => {
                if let Some(i) = float_to_int(f) {
                    self.set_int(heap, i, val);
                    Ok(())
                } else if f.is_nan() {
                    Err(KeyError::NaN)
                } else {
                    self.set_in_hash(heap, key, val);
                    Ok(())
                }
            }
            _ => {
                self.set_in_hash(heap, key, val);
                Ok(())
            }
        }
    }

    /// Raw set with a string key. Storing into an existing key inlines into the
    /// interpreter's field stores; a new key goes out of line.
    #[inline]
    pub fn set_str(&mut self, heap: &Heap, key: Gc<LuaStr>, val: Value) {
        let h = key.get().slot_hint();
        if let Some(node) = self.nodes.get_mut(h)
            && let Value::Str(k) = node.key
            && k == key
        {
            node.val = val;
            self.flags.set(0);
            return;
        }
        self.set_str_slow(heap, key, val)
    }

    /// [`Table::set_str`] past the slot hint: the chain walk, then the insertion of
    /// an absent key (without walking the chain again as `set_in_hash` would).
    #[inline(never)]
    fn set_str_slow(&mut self, heap: &Heap, key: Gc<LuaStr>, val: Value) {
        self.flags.set(0);
        if let Some(n) = self.find_str_chain(key) {
            self.nodes[n].val = val;
            return;
        }
        if val.is_nil() {
            return;
        }
        self.new_key(heap, Value::Str(key), val);
    }

    #[inline(never)]
    fn set_in_hash(&mut self, heap: &Heap, key: Value, val: Value) {
        self.flags.set(0);
        if let Some(i) = self.find_node(&key) {
            self.nodes[i].val = val;
            return;
        }
        if val.is_nil() {
            return;
        }
        self.new_key(heap, key, val);
    }

    fn free_pos(&mut self) -> Option<usize> {
        while self.last_free > 0 {
            self.last_free -= 1;
            if self.nodes[self.last_free as usize].key.is_nil() {
                return Some(self.last_free as usize);
            }
        }
        None
    }

    /// Inserts a key known to be absent (key normalised, not nil/NaN, val not nil).
    fn new_key(&mut self, heap: &Heap, key: Value, val: Value) {
        if self.gc_watch.get() {
            heap.barrier_value(key);
            heap.barrier_value(val);
        }
        if self.nodes.is_empty() {
            self.rehash(heap, &key);
            return self.set_after_rehash(heap, key, val);
        }
        let size = self.nodes.len();
        let mut mp = main_position(&key, size);
        if !self.nodes[mp].val.is_nil() {
            let Some(f) = self.free_pos() else {
                self.rehash(heap, &key);
                return self.set_after_rehash(heap, key, val);
            };
            let other = main_position(&self.nodes[mp].key, size);
            if other != mp {
                // The colliding node is out of its main position: move it to the free
                // slot and give `mp` to the new key.
                let mut prev = other;
                while self.nodes[prev].next != mp as i32 {
                    prev = self.nodes[prev].next as usize;
                }
                self.nodes[prev].next = f as i32;
                if self.gc_watch.get() {
                    // The node may move from the part the collector has not traversed
                    // yet to the part it has.
                    heap.barrier_value(self.nodes[mp].key);
                    heap.barrier_value(self.nodes[mp].val);
                }
                self.nodes[f] = self.nodes[mp];
                self.nodes[mp].next = -1;
                self.nodes[mp].val = Value::Nil;
            } else {
                // The colliding node is in its main position: chain the new key after it.
                self.nodes[f].next = self.nodes[mp].next;
                self.nodes[mp].next = f as i32;
                mp = f;
            }
        }
        self.nodes[mp].key = key;
        self.nodes[mp].val = val;
    }

    fn set_after_rehash(&mut self, heap: &Heap, key: Value, val: Value) {
        if let Value::Int(i) = key {
            self.set_int(heap, i, val)
        } else {
            self.set_in_hash(heap, key, val)
        }
    }

    /// Recomputes the array and hash sizes by counting the integer keys (the
    /// reference's `rehash`/`computesizes`) and reinserts everything.
    fn rehash(&mut self, heap: &Heap, extra: &Value) {
        let mut nums = [0usize; 65];
        let mut total_int = 0usize;
        let mut count_int = |k: i64, nums: &mut [usize; 65]| {
            if k >= 1 {
                nums[ceil_log2(k as usize) as usize] += 1;
                total_int += 1;
            }
        };
        for (i, v) in self.array.iter().enumerate() {
            if !v.is_nil() {
                count_int(i as i64 + 1, &mut nums);
            }
        }
        let mut total = 0usize;
        for n in &self.nodes {
            if !n.val.is_nil() {
                total += 1;
                if let Value::Int(k) = n.key {
                    count_int(k, &mut nums);
                }
            }
        }
        total += self.array.iter().filter(|v| !v.is_nil()).count();
        if let Value::Int(k) = *extra {
            count_int(k, &mut nums);
        }
        total += 1;
        // computesizes
        let mut two_to_i = 1usize;
        let mut a = 0usize;
        let mut na = 0usize;
        let mut optimal = 0usize;
        let mut i = 0;
        while i < 65 && two_to_i > 0 && total_int > two_to_i / 2 {
            a += nums[i];
            if a > two_to_i / 2 {
                optimal = two_to_i;
                na = a;
            }
            i += 1;
            two_to_i = two_to_i.wrapping_mul(2);
        }
        self.resize(heap, optimal, total - na);
    }

    /// Resizes both parts (the reference's `luaH_resize`).
    pub fn resize(&mut self, heap: &Heap, narray: usize, nhash: usize) {
        let old_bytes = self.bytes();
        let hsize = if nhash == 0 {
            0
        } else {
            1usize << ceil_log2(nhash)
        };
        let old_nodes = std::mem::replace(&mut self.nodes, empty_nodes(hsize));
        self.last_free = hsize as u32;
        if narray != self.array.len() {
            // Grow or shrink the block in place (`realloc`): a large array part is an
            // mmap'd block that glibc can `mremap` without copying or touching pages
            // again, where a fresh block plus a copy doubled the peak and faulted in
            // every page anew (sieve: 0.3 s of system time per 20 runs).
            let mut a = std::mem::take(&mut self.array).into_vec();
            let tail = if narray < a.len() {
                let tail = a.split_off(narray);
                a.shrink_to_fit();
                tail
            } else {
                a.reserve_exact(narray - a.len());
                a.resize(narray, Value::Nil);
                Vec::new()
            };
            self.array = a.into_boxed_slice();
            // Entries past a shrunk array part move to the hash part.
            for (i, &v) in tail.iter().enumerate() {
                if !v.is_nil() {
                    self.insert_fresh(heap, Value::Int((narray + i) as i64 + 1), v);
                }
            }
        }
        for n in old_nodes.iter() {
            if !n.val.is_nil() {
                self.insert_fresh(heap, n.key, n.val);
            }
        }
        let new_bytes = self.bytes();
        heap.adjust(new_bytes as isize - old_bytes as isize);
    }

    fn insert_fresh(&mut self, heap: &Heap, key: Value, val: Value) {
        if let Value::Int(i) = key
            && (i as u64).wrapping_sub(1) < self.array.len() as u64
        {
            self.array[(i - 1) as usize] = val;
            return;
        }
        self.new_key(heap, key, val);
    }

    /// A border (`#t` without `__len`), as the reference's `luaH_getn` finds one.
    /// The common cases (a full array part and no hash part; a border just below the
    /// end of the array part) are answered inline.
    #[inline]
    pub fn length(&self) -> i64 {
        let n = self.array.len();
        if n >= 2 {
            if !self.array[n - 1].is_nil() {
                if self.nodes.is_empty() {
                    return n as i64;
                }
            } else if !self.array[n - 2].is_nil() {
                return (n - 1) as i64;
            }
        }
        self.length_search()
    }

    /// [`Table::length`] past its inline cases: binary search in the array part, or
    /// unbound search in the hash part.
    #[inline(never)]
    fn length_search(&self) -> i64 {
        let n = self.array.len();
        if n > 0 && self.array[n - 1].is_nil() {
            if n >= 2 && !self.array[n - 2].is_nil() {
                return (n - 1) as i64;
            }
            // A border is `h` with `array[h - 1]` not nil (or `h == 0`) and
            // `array[h]` nil.
            let h = self.len_hint.get() as usize;
            if h < n && (h == 0 || !self.array[h - 1].is_nil()) {
                if self.array[h].is_nil() {
                    return h as i64;
                }
                if h + 1 < n && self.array[h + 1].is_nil() {
                    self.set_len_hint(h + 1);
                    return (h + 1) as i64;
                }
            }
            let (mut i, mut j) = (0usize, n);
            while j - i > 1 {
                let m = (i + j) / 2;
                if self.array[m - 1].is_nil() {
                    j = m
                } else {
                    i = m
                }
            }
            self.set_len_hint(i);
            return i as i64;
        }
        if self.nodes.is_empty() || self.get_int(n as i64 + 1).is_nil() {
            return n as i64;
        }
        // Unbound search in the hash part.
        let mut i = n as u64 + 1;
        let mut j = i * 2;
        while !self.get_int(j as i64).is_nil() {
            i = j;
            if j > (i64::MAX as u64) / 2 {
                // Overflow: linear search.
                let mut k = 1i64;
                while !self.get_int(k).is_nil() {
                    k += 1;
                }
                return k - 1;
            }
            j *= 2;
        }
        while j - i > 1 {
            let m = (i + j) / 2;
            if self.get_int(m as i64).is_nil() {
                j = m
            } else {
                i = m
            }
        }
        i as i64
    }

    fn set_len_hint(&self, h: usize) {
        self.len_hint
            .set(if h <= u16::MAX as usize { h as u16 } else { 0 });
    }

    /// The traversal step of `next`: the entry after `key` (nil: the first one).
    /// `Err(())` when `key` is not in the table (`invalid key to 'next'`).
    #[allow(clippy::result_unit_err)]
    pub fn next(&self, key: Value) -> Result<Option<(Value, Value)>, ()> {
        let mut idx = match key {
            Value::Nil => 0,
            _ => {
                let k = match key {
                    Value::Num(f) => float_to_int(f).map_or(key, Value::Int),
                    _ => key,
                };
                match k {
                    Value::Int(i) if (i as u64).wrapping_sub(1) < self.array.len() as u64 => {
                        i as usize
                    }
                    _ => match self.find_node(&k) {
                        Some(n) => self.array.len() + n + 1,
                        // A key the collector cleared from a weak table (see `gc_clear`).
                        None => match self.nodes.iter().position(|n| {
                            matches!(n.key, Value::LightUserData(a) if a == k.addr())
                                && k.gc_ref().is_some()
                        }) {
                            Some(n) => self.array.len() + n + 1,
                            None => return Err(()),
                        },
                    },
                }
            }
        };
        while idx < self.array.len() {
            if !self.array[idx].is_nil() {
                return Ok(Some((Value::Int(idx as i64 + 1), self.array[idx])));
            }
            idx += 1;
        }
        let mut n = idx - self.array.len();
        while n < self.nodes.len() {
            let node = &self.nodes[n];
            if !node.val.is_nil() {
                return Ok(Some((node.key, node.val)));
            }
            n += 1;
        }
        Ok(None)
    }

    /// Appends at `#t + 1` (a convenience for building sequences from Rust).
    pub fn push(&mut self, heap: &Heap, v: Value) {
        let n = self.length();
        self.set_int(heap, n + 1, v);
    }

    /// Bytes owned by the parts (for the heap's accounting).
    pub fn bytes(&self) -> usize {
        self.array.len() * VALUE_BYTES + self.nodes.len() * NODE_BYTES
    }
}

impl Table {
    /// The collector's view of the array part.
    pub(crate) fn gc_array(&self) -> &[Value] {
        &self.array
    }

    /// The collector's view of the hash part: (key, value) of every node with a key
    /// (a nil value is a dead entry).
    pub(crate) fn gc_nodes(&self) -> impl Iterator<Item = (Value, Value)> + '_ {
        self.nodes
            .iter()
            .filter(|n| !n.key.is_nil())
            .map(|n| (n.key, n.val))
    }

    /// The collector's view of the nodes `from..to` (clamped): (key, value) of those
    /// with a key, for the incremental traversal of big tables.
    pub(crate) fn gc_node_range(
        &self,
        from: usize,
        to: usize,
    ) -> impl Iterator<Item = (Value, Value)> + '_ {
        let to = to.min(self.nodes.len());
        self.nodes[from.min(to)..to]
            .iter()
            .filter(|n| !n.key.is_nil())
            .map(|n| (n.key, n.val))
    }

    /// Identity of the parts' buffers (addresses and lengths): changes on a resize.
    pub(crate) fn gc_layout(&self) -> [usize; 4] {
        [
            self.array.as_ptr() as usize,
            self.array.len(),
            self.nodes.as_ptr() as usize,
            self.nodes.len(),
        ]
    }

    /// The collector's mutable view of the entries, to clear weak ones: the array
    /// part and (key, value) of every node with a key. A cleared collectable key must
    /// become a light userdata with the same address (same main position, so chains
    /// stay valid; `next` still finds it).
    pub(crate) fn gc_entries_mut(
        &mut self,
    ) -> (
        &mut [Value],
        impl Iterator<Item = (&mut Value, &mut Value)> + '_,
    ) {
        (
            &mut self.array[..],
            self.nodes
                .iter_mut()
                .filter(|n| !n.key.is_nil())
                .map(|n| (&mut n.key, &mut n.val)),
        )
    }
}

impl Trace for Table {
    fn trace(&self, m: &mut Marker) {
        if let Some(mt) = self.metatable {
            m.mark_obj(mt);
        }
        for v in &self.array {
            m.mark_value(*v);
        }
        for n in &self.nodes {
            if !n.key.is_nil() {
                m.mark_value(n.key);
                m.mark_value(n.val);
            }
        }
    }
    fn extra_bytes(&self) -> usize {
        self.bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn array_and_hash_parts() {
        let heap = Heap::default();
        let mut t = Table::default();
        for i in 1..=100 {
            t.set_int(&heap, i, Value::Int(i * 2));
        }
        assert_eq!(t.length(), 100);
        assert!(t.array_len() >= 64);
        for i in 1..=100 {
            assert!(matches!(t.get_int(i), Value::Int(x) if x == i * 2));
        }
        t.set(&heap, Value::Num(3.0), Value::Bool(true)).unwrap();
        assert!(matches!(t.get_int(3), Value::Bool(true)));
        assert_eq!(t.set(&heap, Value::Nil, Value::Int(1)), Err(KeyError::Nil));
        assert_eq!(
            t.set(&heap, Value::Num(f64::NAN), Value::Int(1)),
            Err(KeyError::NaN)
        );
        t.set(&heap, Value::Num(1.5), Value::Int(7)).unwrap();
        assert!(matches!(t.get(Value::Num(1.5)), Value::Int(7)));
        let mut k = Value::Nil;
        let mut count = 0;
        while let Some((nk, _)) = t.next(k).unwrap() {
            count += 1;
            k = nk;
        }
        assert_eq!(count, 101);
        t.set_int(&heap, 100, Value::Nil);
        assert_eq!(t.length(), 99);
    }

    /// `#t` is always a border (`t[n] ~= nil and t[n + 1] == nil`, or 0 when `t[1]`
    /// is nil), whatever the length hint remembers, through appends, removals from
    /// the end and holes punched anywhere.
    #[test]
    fn length_is_a_border_through_appends_and_holes() {
        let heap = Heap::default();
        let mut t = Table::with_capacity(64, 0);
        let is_border =
            |t: &Table, n: i64| (n == 0 || !t.get_int(n).is_nil()) && t.get_int(n + 1).is_nil();
        for i in 1..=40 {
            assert_eq!(t.length(), i - 1);
            t.set_int(&heap, i, Value::Int(i));
        }
        assert_eq!(t.length(), 40);
        for i in (30..=40).rev() {
            t.set_int(&heap, i, Value::Nil);
            assert_eq!(t.length(), i - 1);
        }
        let mut x = 12345u64;
        for _ in 0..2000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let k = (x % 64) as i64 + 1;
            let v = if x & 0x100 == 0 {
                Value::Nil
            } else {
                Value::Int(k)
            };
            t.set_int(&heap, k, v);
            let n = t.length();
            assert!(is_border(&t, n), "#t = {n} is not a border");
        }
    }

    #[test]
    fn negative_and_sparse_keys() {
        let heap = Heap::default();
        let mut t = Table::default();
        for i in -50..50 {
            t.set_int(&heap, i * 1000, Value::Int(i));
        }
        for i in -50..50 {
            assert!(matches!(t.get_int(i * 1000), Value::Int(x) if x == i));
        }
        assert_eq!(t.length(), 0);
    }
}
