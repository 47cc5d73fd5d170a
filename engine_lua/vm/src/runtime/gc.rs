//! The GC heap: object allocation, the `Gc<T>` handle, byte accounting, string
//! interning, and the stop-the-world precise mark-and-sweep collector.
//!
//! # Design
//!
//! Every collectable object (string, table, closure, native closure, upvalue, runtime
//! prototype, thread, userdata) lives in its own heap block, a [`GcBox`] holding a mark
//! bit and the object. A [`Gc<T>`] is a `Copy` pointer to such a block: comparing two
//! handles compares identities, and copying one costs nothing. The [`Heap`] owns every
//! block: it keeps a list of all of them ([`GcRef`], a type-tagged pointer) so that the
//! sweep phase can visit each object once, and it counts the bytes every object uses
//! (the block plus the buffers the object owns; tables and thread stacks report their
//! growth through [`Heap::adjust`]).
//!
//! ## Why handles are sound to use
//!
//! A block is freed only by [`Heap::collect`], and only when the mark phase did not
//! reach it from the roots the caller handed in. The runtime calls `collect` only at
//! *safe points* (the interpreter, between instructions, after the results of a native
//! call are on the stack; or `collectgarbage`), where every handle the program can
//! still use is reachable from a root: the registry, the per-type metatables, the
//! stacks, frames and open upvalues of every thread on the running chain. Native
//! functions keep the values they need across a re-entrant call on their stack. So a
//! handle that is dereferenced after a collection was reachable during it, and its
//! block is alive.
//!
//! Mutation goes through [`Gc::get_mut`], which hands out `&mut T` from a shared
//! handle. The runtime is single-threaded (`Gc` is neither `Send` nor `Sync`), and the
//! discipline everywhere is: a reference obtained from a handle is short-lived and is
//! not held across any call that could reach the same object (a metamethod, a native
//! function, an allocation that could resize it). This is the discipline the reference
//! implementation follows with raw C pointers; the hot path pays no `RefCell` check.
//!
//! ## Collection
//!
//! Mark: the roots are pushed on a gray stack; popping an object traces its children
//! (marking each unmarked child and pushing it). Sweep: interned short strings that
//! were not marked are removed from the string table (the intern table is weak), then
//! every unmarked block is freed and every marked one is unmarked for the next cycle.
//! The next collection is due when the allocated bytes reach twice what survived
//! (the reference's default pause of 200%).
//!
//! The write-barrier functions ([`barrier_table`], [`barrier_upvalue`],
//! [`barrier_metatable`]) are called where an incremental collector needs them; with a
//! stop-the-world collector they do nothing.
#![allow(
    unsafe_code,
    reason = "the GC heap is the one module that manages raw object memory"
)]

use std::cell::{Cell, UnsafeCell};
use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;
use std::ptr::NonNull;

use super::function::{FuncProto, LuaClosure, NativeClosure, UpVal};
use super::string::LuaStr;
use super::table::Table;
use super::thread::Thread;
use super::userdata::UserData;
use super::value::Value;

/// A heap block: the mark bit and the object.
#[repr(C)]
pub struct GcBox<T> {
    marked: Cell<bool>,
    value: UnsafeCell<T>,
}

/// A handle to a heap object. `Copy`; equality and hashing are by identity.
pub struct Gc<T> {
    ptr: NonNull<GcBox<T>>,
    _marker: PhantomData<*mut T>,
}

impl<T> Copy for Gc<T> {}
impl<T> Clone for Gc<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> PartialEq for Gc<T> {
    fn eq(&self, other: &Self) -> bool {
        self.ptr == other.ptr
    }
}
impl<T> Eq for Gc<T> {}
impl<T> Hash for Gc<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.ptr.hash(state)
    }
}
impl<T> fmt::Debug for Gc<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Gc({:p})", self.ptr)
    }
}

impl<T> Gc<T> {
    /// A shared reference to the object.
    #[inline(always)]
    pub fn get(&self) -> &T {
        // SAFETY: the block is alive (see the module essay: handles in use are reachable
        // at every collection), and no `&mut` to it is live by the runtime's discipline.
        unsafe { &*(*self.ptr.as_ptr()).value.get() }
    }

    /// A mutable reference to the object (single-threaded; keep it short-lived and do
    /// not hold it across calls that may reach the same object).
    #[inline(always)]
    #[allow(clippy::mut_from_ref)]
    pub fn get_mut(&self) -> &mut T {
        // SAFETY: the block is alive (module essay); the runtime is single-threaded and
        // never holds two overlapping references to one object (module essay).
        unsafe { &mut *(*self.ptr.as_ptr()).value.get() }
    }

    /// The object's address (for `tostring` and identity hashing).
    #[inline]
    pub fn addr(&self) -> usize {
        self.ptr.as_ptr() as usize
    }

    fn marked(&self) -> bool {
        // SAFETY: the block is alive (module essay); `marked` is a `Cell`.
        unsafe { (*self.ptr.as_ptr()).marked.get() }
    }

    fn set_marked(&self, m: bool) {
        // SAFETY: as in `marked`.
        unsafe { (*self.ptr.as_ptr()).marked.set(m) }
    }
}

/// An object that can live on the heap: it can trace its children and tell its size.
pub trait Trace {
    /// Marks every handle the object holds.
    fn trace(&self, m: &mut Marker);
    /// Bytes the object owns outside its block (buffers).
    fn extra_bytes(&self) -> usize {
        0
    }
}

/// A type-tagged handle to any heap object.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum GcRef {
    /// A string.
    Str(Gc<LuaStr>),
    /// A table.
    Table(Gc<Table>),
    /// A Lua closure.
    LuaFn(Gc<LuaClosure>),
    /// A native closure.
    Native(Gc<NativeClosure>),
    /// An upvalue.
    UpVal(Gc<UpVal>),
    /// A runtime prototype.
    Proto(Gc<FuncProto>),
    /// A coroutine.
    Thread(Gc<Thread>),
    /// A full userdata.
    UserData(Gc<UserData>),
}

/// Types that can be allocated on the heap (the mapping to [`GcRef`]).
pub trait HeapObject: Trace + Sized {
    /// Wraps a handle.
    fn wrap(gc: Gc<Self>) -> GcRef;
}

macro_rules! heap_object {
    ($t:ty, $v:ident) => {
        impl HeapObject for $t {
            fn wrap(gc: Gc<Self>) -> GcRef {
                GcRef::$v(gc)
            }
        }
    };
}
heap_object!(LuaStr, Str);
heap_object!(Table, Table);
heap_object!(LuaClosure, LuaFn);
heap_object!(NativeClosure, Native);
heap_object!(UpVal, UpVal);
heap_object!(FuncProto, Proto);
heap_object!(Thread, Thread);
heap_object!(UserData, UserData);

impl GcRef {
    fn marked(&self) -> bool {
        match self {
            GcRef::Str(g) => g.marked(),
            GcRef::Table(g) => g.marked(),
            GcRef::LuaFn(g) => g.marked(),
            GcRef::Native(g) => g.marked(),
            GcRef::UpVal(g) => g.marked(),
            GcRef::Proto(g) => g.marked(),
            GcRef::Thread(g) => g.marked(),
            GcRef::UserData(g) => g.marked(),
        }
    }
    fn set_marked(&self, b: bool) {
        match self {
            GcRef::Str(g) => g.set_marked(b),
            GcRef::Table(g) => g.set_marked(b),
            GcRef::LuaFn(g) => g.set_marked(b),
            GcRef::Native(g) => g.set_marked(b),
            GcRef::UpVal(g) => g.set_marked(b),
            GcRef::Proto(g) => g.set_marked(b),
            GcRef::Thread(g) => g.set_marked(b),
            GcRef::UserData(g) => g.set_marked(b),
        }
    }
    fn trace(&self, m: &mut Marker) {
        match self {
            GcRef::Str(_) => {}
            GcRef::Table(g) => g.get().trace(m),
            GcRef::LuaFn(g) => g.get().trace(m),
            GcRef::Native(g) => g.get().trace(m),
            GcRef::UpVal(g) => g.get().trace(m),
            GcRef::Proto(g) => g.get().trace(m),
            GcRef::Thread(g) => g.get().trace(m),
            GcRef::UserData(g) => g.get().trace(m),
        }
    }
    fn size(&self) -> usize {
        fn sz<T: Trace>(g: &Gc<T>) -> usize {
            std::mem::size_of::<GcBox<T>>() + g.get().extra_bytes()
        }
        match self {
            GcRef::Str(g) => sz(g),
            GcRef::Table(g) => sz(g),
            GcRef::LuaFn(g) => sz(g),
            GcRef::Native(g) => sz(g),
            GcRef::UpVal(g) => sz(g),
            GcRef::Proto(g) => sz(g),
            GcRef::Thread(g) => sz(g),
            GcRef::UserData(g) => sz(g),
        }
    }
    /// Frees the block.
    ///
    /// # Safety
    /// The block must be unreachable and never used again.
    unsafe fn free(self) {
        fn drop_box<T>(g: Gc<T>) {
            // SAFETY: the block was made by `Box::leak` in `Heap::alloc` and the caller
            // guarantees it is unreachable; this is the only place blocks are freed.
            unsafe { drop(Box::from_raw(g.ptr.as_ptr())) }
        }
        match self {
            GcRef::Str(g) => drop_box(g),
            GcRef::Table(g) => drop_box(g),
            GcRef::LuaFn(g) => drop_box(g),
            GcRef::Native(g) => drop_box(g),
            GcRef::UpVal(g) => drop_box(g),
            GcRef::Proto(g) => drop_box(g),
            GcRef::Thread(g) => drop_box(g),
            GcRef::UserData(g) => drop_box(g),
        }
    }
}

/// The mark phase's state: the gray stack.
#[derive(Default)]
pub struct Marker {
    gray: Vec<GcRef>,
}

impl Marker {
    /// Marks an object (and queues it for tracing).
    #[inline]
    pub fn mark(&mut self, r: GcRef) {
        if !r.marked() {
            r.set_marked(true);
            if !matches!(r, GcRef::Str(_)) {
                self.gray.push(r);
            }
        }
    }

    /// Marks a typed handle.
    #[inline]
    pub fn mark_obj<T: HeapObject>(&mut self, g: Gc<T>) {
        self.mark(T::wrap(g))
    }

    /// Marks the object a value refers to, if any.
    #[inline]
    pub fn mark_value(&mut self, v: Value) {
        if let Some(r) = v.gc_ref() {
            self.mark(r)
        }
    }

    fn drain(&mut self) {
        while let Some(r) = self.gray.pop() {
            r.trace(self);
        }
    }
}

/// The string intern table (weak: dead strings are dropped before the sweep).
struct Interner {
    buckets: Vec<Vec<Gc<LuaStr>>>,
    count: usize,
}

impl Interner {
    fn find(&self, bytes: &[u8], hash: u32) -> Option<Gc<LuaStr>> {
        let b = &self.buckets[hash as usize & (self.buckets.len() - 1)];
        b.iter()
            .copied()
            .find(|s| s.get().hash_cached() == hash && s.get().as_bytes() == bytes)
    }
    fn insert(&mut self, s: Gc<LuaStr>) {
        if self.count >= self.buckets.len() {
            let n = self.buckets.len() * 2;
            let mut nb: Vec<Vec<Gc<LuaStr>>> = (0..n).map(|_| Vec::new()).collect();
            for b in self.buckets.drain(..) {
                for s in b {
                    nb[s.get().hash_cached() as usize & (n - 1)].push(s);
                }
            }
            self.buckets = nb;
        }
        let n = self.buckets.len();
        self.buckets[s.get().hash_cached() as usize & (n - 1)].push(s);
        self.count += 1;
    }
}

/// The heap: owns every object, counts bytes, interns short strings, collects.
pub struct Heap {
    objects: Vec<GcRef>,
    bytes: Cell<usize>,
    threshold: usize,
    strings: Interner,
    /// Seed of the string hash.
    seed: u32,
    /// Whether automatic collection is on (`collectgarbage("stop"/"restart")`).
    pub running: bool,
    /// Number of completed collections.
    pub cycles: u64,
    /// The memory limit in bytes (`usize::MAX`: none). The collector never lets its
    /// threshold exceed it, and the state raises `not enough memory` when a
    /// collection leaves more than this in use (see `Vm::collect_garbage`).
    pub limit: usize,
}

impl Default for Heap {
    fn default() -> Self {
        Heap {
            objects: Vec::new(),
            bytes: Cell::new(0),
            threshold: 256 * 1024,
            strings: Interner {
                buckets: (0..256).map(|_| Vec::new()).collect(),
                count: 0,
            },
            seed: 0x2545_F491,
            running: true,
            cycles: 0,
            limit: usize::MAX,
        }
    }
}

impl Drop for Heap {
    fn drop(&mut self) {
        for r in self.objects.drain(..) {
            // SAFETY: the heap is going away with every handle into it (the state owns
            // the heap, and handles do not outlive the state).
            unsafe { r.free() }
        }
    }
}

impl Heap {
    /// Allocates an object and returns its handle.
    pub fn alloc<T: HeapObject>(&mut self, value: T) -> Gc<T> {
        let extra = value.extra_bytes();
        let b = Box::new(GcBox {
            marked: Cell::new(false),
            value: UnsafeCell::new(value),
        });
        let ptr = NonNull::from(Box::leak(b));
        let gc = Gc {
            ptr,
            _marker: PhantomData,
        };
        self.objects.push(T::wrap(gc));
        self.bytes
            .set(self.bytes.get() + std::mem::size_of::<GcBox<T>>() + extra);
        gc
    }

    /// Records that an object's buffers grew (`delta > 0`) or shrank.
    #[inline]
    pub fn adjust(&self, delta: isize) {
        self.bytes.set(self.bytes.get().wrapping_add_signed(delta));
    }

    /// Sets the memory limit (`usize::MAX`: none); the next collection is due no later
    /// than when the limit is reached.
    pub fn set_limit(&mut self, limit: usize) {
        self.limit = limit;
        self.threshold = self.threshold.min(limit);
    }

    /// Bytes in use.
    pub fn bytes(&self) -> usize {
        self.bytes.get()
    }

    /// Whether the allocation debt calls for a collection at the next safe point.
    #[inline]
    pub fn should_collect(&self) -> bool {
        let b = self.bytes.get();
        // Past the memory limit a collection is due even when stopped, so a script
        // cannot escape the limit with `collectgarbage("stop")`.
        (self.running && b >= self.threshold) || b > self.limit
    }

    /// Hash of a byte string (seeded, all bytes for short strings; a sample for long
    /// ones, as the reference's `luaS_hash` steps through long strings).
    pub fn hash_bytes(seed: u32, bytes: &[u8]) -> u32 {
        let mut h = seed ^ (bytes.len() as u32);
        let step = (bytes.len() >> 5) + 1;
        let mut i = bytes.len();
        while i >= step {
            h ^= (h << 5)
                .wrapping_add(h >> 2)
                .wrapping_add(bytes[i - 1] as u32);
            i -= step;
        }
        h
    }

    /// The string hash seed.
    pub fn seed(&self) -> u32 {
        self.seed
    }

    /// Makes a string: short strings are interned (one object per content).
    pub fn new_str(&mut self, bytes: &[u8]) -> Gc<LuaStr> {
        if bytes.len() <= LuaStr::MAX_SHORT {
            let h = Self::hash_bytes(self.seed, bytes);
            if let Some(s) = self.strings.find(bytes, h) {
                return s;
            }
            let s = self.alloc(LuaStr::new_short(bytes.into(), h));
            self.strings.insert(s);
            s
        } else {
            self.alloc(LuaStr::new_long(bytes.into()))
        }
    }

    /// Runs a full collection. `roots` marks every root.
    pub fn collect(&mut self, roots: impl FnOnce(&mut Marker)) {
        let mut m = Marker::default();
        roots(&mut m);
        m.drain();
        // The intern table is weak: drop dead strings from it.
        let mut count = 0;
        for b in &mut self.strings.buckets {
            b.retain(|s| s.marked());
            count += b.len();
        }
        self.strings.count = count;
        let mut live = 0usize;
        let mut i = 0;
        while i < self.objects.len() {
            let r = self.objects[i];
            if r.marked() {
                r.set_marked(false);
                live += r.size();
                i += 1;
            } else {
                self.objects.swap_remove(i);
                // SAFETY: not reached from any root, so no handle to it is in use
                // (module essay); removed from `objects`, so it is freed once.
                unsafe { r.free() }
            }
        }
        self.bytes.set(live);
        self.threshold = (live * 2).max(256 * 1024).min(self.limit);
        self.cycles += 1;
    }

    /// Number of objects on the heap.
    pub fn object_count(&self) -> usize {
        self.objects.len()
    }
}

/// Write barrier for a store into a table (no-op for the stop-the-world collector).
#[inline(always)]
pub fn barrier_table(_t: Gc<Table>, _v: Value) {}

/// Write barrier for a store into a closed upvalue (no-op for now).
#[inline(always)]
pub fn barrier_upvalue(_u: Gc<UpVal>, _v: Value) {}

/// Write barrier for a metatable assignment (no-op for now).
#[inline(always)]
pub fn barrier_metatable(_obj: Value, _mt: Gc<Table>) {}
