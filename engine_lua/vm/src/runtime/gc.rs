//! The GC heap: object allocation, the `Gc<T>` handle, byte accounting, string
//! interning, and the incremental tri-colour mark-and-sweep collector with weak
//! tables, ephemerons and finalizers. All of the heap's `unsafe` code lives here.
//!
//! # Design
//!
//! ## Objects and handles
//!
//! Every collectable object (string, table, closure, native closure, upvalue, runtime
//! prototype, thread, userdata) lives in its own heap block, a [`GcBox`]: a one-word
//! header and the object. A [`Gc<T>`] is a `Copy` pointer to such a block: comparing
//! two handles compares identities, and copying one costs nothing. The [`Heap`] owns
//! every block: the blocks form one intrusive singly linked list, newest first,
//! through their headers, so that the sweep can visit each object once, and the heap
//! counts the bytes every object uses (the block plus the buffers the object owns;
//! tables and thread stacks report their growth through [`Heap::adjust`]).
//!
//! The header word packs the link (a 48-bit address), the object's kind (to rebuild
//! a typed [`GcRef`] when the sweep walks the list), the colour and the flags. One
//! word, rather than a side vector of typed pointers plus a padded colour byte,
//! saves 16 to 32 bytes per object (binary-trees' peak memory: 34 MB to about the
//! reference's figure with the leaner table of `table.rs`): a small table's block is
//! 56 bytes, which the allocator serves from its 64-byte class.
//!
//! ## Why handles are sound to use
//!
//! A block is freed only by the sweep, and only when the mark phase that preceded it
//! did not reach it from the roots. The collector runs only at *safe points* (the
//! interpreter, between instructions, after the results of a native call are on the
//! stack; `collectgarbage`; the host's [`Heap`] stepping through `Vm::gc_step`), where
//! every handle the program can still use is reachable from a root: the registry, the
//! per-type metatables, the stacks, frames and open upvalues of every thread on the
//! running chain. Native functions keep the values they need across a re-entrant call
//! on their stack. Between two steps of an incremental cycle the mutator runs; the
//! tri-colour invariant below guarantees that what it can reach at the next safe point
//! is still marked or will be.
//!
//! Mutation goes through [`Gc::get_mut`], which hands out `&mut T` from a shared
//! handle. The runtime is single-threaded (`Gc` is neither `Send` nor `Sync`), and the
//! discipline everywhere is: a reference obtained from a handle is short-lived and is
//! not held across any call that could reach the same object (a metamethod, a native
//! function, an allocation that could resize it). This is the discipline the reference
//! implementation follows with raw C pointers; the hot path pays no `RefCell` check.
//!
//! ## Colours and phases
//!
//! An object is *white* (not reached yet), *gray* (reached, children not traced yet)
//! or *black* (reached and traced). There are two whites: at the end of marking the
//! current white is flipped, so "the other white" means *dead* during the sweep, while
//! objects allocated during the sweep get the new white and survive it. A cycle goes:
//!
//! 1. **Pause**: nothing is gray or black. The next cycle starts when the allocated
//!    bytes reach `estimate * pause / 100` (`estimate` = live bytes after the last
//!    sweep); starting marks the roots gray.
//! 2. **Propagate** (incremental): pop a gray object, mark its children, make it black.
//!    Threads and weak tables are never blackened here: they go to `grayagain` and are
//!    traversed again in the atomic phase (stacks change without barriers; weak tables
//!    need the whole mark to decide what to clear).
//! 3. **Atomic** (one step): re-mark the roots, traverse `grayagain` (threads: the live
//!    part of the stack is marked, the dead part is cleared to nil), converge the
//!    ephemerons, clear weak values, move unreachable objects with finalizers to
//!    `tobefnz` and mark them (resurrection), converge again, clear weak keys and
//!    values, flip the white.
//! 4. **Sweep** (incremental): walk the object list, free the dead-white objects
//!    (removing dead strings from the intern table), paint the survivors the new white.
//!
//! Pending finalizers (`tobefnz`) are called by the state (`Vm`) at safe points where a
//! re-entrant call is allowed, in the reverse order of their registration, each once.
//!
//! ## Invariant and barriers
//!
//! During propagation no black object points to a white one, except threads and weak
//! tables, which are gray until the atomic phase. A store that could create such an
//! edge calls a barrier, whose fast path is an inline colour check (only a black
//! object needs work, and black objects exist only during a cycle):
//!
//! - tables (every raw store, `SETLIST`, metatable changes): *backward* barrier: the
//!   table turns gray again and is re-traversed in the atomic phase, once however
//!   often it is stored into ([`barrier_table`]);
//! - except big tables (more than [`SCAN_CHUNK`] slots), which propagation traverses
//!   a chunk at a time: from the moment one turns black until the atomic phase it is
//!   *watched* (`Table::gc_watch`) and under a *forward* barrier: a stored value is
//!   marked ([`barrier_table`] knows it), and the table itself marks a key it inserts
//!   and a node an insertion moves (the move could carry an entry from the part not
//!   traversed yet to the part already traversed); a resize during the traversal
//!   starts it again on the new layout. So the atomic phase never re-traverses a big
//!   table that the program keeps storing into (the step that used to be the longest
//!   pause), at the price of some floating garbage (values overwritten before the
//!   cycle ends survive it). Stores that do not name their values (`SETLIST`,
//!   [`barrier_table_all`]) keep the backward barrier;
//! - closed upvalues, native-closure upvalues, userdata user values and metatables:
//!   *forward* barrier: the stored value is marked ([`barrier_upvalue`],
//!   [`barrier_object`]);
//! - stacks need none: threads are re-scanned in the atomic phase.
//!
//! During the sweep black objects are merely not-yet-whitened survivors, so the slow
//! paths do nothing then. The interned string table is weak; a dead string found by an
//! intern lookup during the sweep is revived (painted the new white).
//!
//! ## Weak tables, ephemerons, finalizers
//!
//! A table whose metatable has `__mode` containing `k` and/or `v` is weak. Strings are
//! values, not objects, for this purpose: they are always marked. A weak-value table
//! marks its keys; a weak-key table is an *ephemeron* table: a value is marked only
//! once its key is marked, which the atomic phase iterates to a fixed point. Cleared
//! entries get a nil value; a cleared collectable key is replaced by a light userdata
//! with the same address (same hash, never dereferenced), so chains stay valid.
//! `setmetatable` registers an object for finalization when its metatable has `__gc`
//! at that moment ([`Heap::check_finalizer`]). An unreachable registered object is
//! resurrected once, its `__gc` called; weak values pointing to it are cleared before
//! the resurrection, weak keys after it.
//!
//! ## Generational mode
//!
//! `collectgarbage("generational")` (and `elua` at start, as `lua.c` does) switches
//! to collections that are each one atomic step, modelled on 5.4's generational mode
//! (lgc.c) and written for this heap. Most objects die young; a *minor* collection
//! traverses and sweeps only the young ones. Ages are positions in the object list,
//! which is newest first:
//!
//! ```text
//! head -> [new] -> survival -> [survival] -> old1 -> [old1] -> reallyold -> [old]
//! ```
//!
//! New objects were allocated since the last collection; survivals survived one
//! minor collection; old1 objects were promoted by the last one; old ones are older.
//! Young objects (new, survival) are white between collections, old ones black. An
//! object becomes old only after surviving two minor collections, so that a tree
//! under construction at one collection is usually garbage by the next one.
//!
//! Invariant between collections: an old object points to a young one only if it
//! is *touched* (gray, in `barrier_back`: every barrier is backward in this mode, as
//! a marked young value would still be young after the collection while its owner
//! is not traversed again), or was touched before the last collection (`touched2`:
//! its children became survivals, still young), or is old1 (promoted with children
//! that may be survivals), or is a thread (stacks have no barrier) or a weak table
//! (weak references do not keep their referents young or old).
//!
//! A minor collection marks from the roots, the touched and `touched2` objects, the
//! old1 segment, every surviving thread and every surviving weak table (so entries
//! to young objects that die are cleared), in the atomic manner of the incremental
//! atomic phase (ephemerons, finalizers and resurrection included); white objects of
//! the new and survival segments are freed; new survivors become survivals (white),
//! surviving survivals become old1 (black), and the segment boundaries move by one.
//! A *major* collection whitens everything, marks everything, frees the dead and
//! makes every survivor old. Pacing as 5.4's `genstep`: a minor collection when the
//! heap has grown by `minormul` (20) percent since the last collection, a major one
//! instead when it has grown by `majormul` (100) percent since the last major one.
//! Dead threads, weak tables and touched objects that are old stay until the next
//! major collection (they are never freed by a minor one, which is what makes the
//! lists and boundaries above safe to keep between collections).
//!
//! ## Pacing
//!
//! As in 5.4's incremental mode. Work is counted in units of one 16-byte slot traced
//! (a swept object costs [`SWEEP_COST`]). When the bytes allocated exceed the
//! threshold, a step does `(debt + stepsize) / 16 * stepmul / 100 * 100` units (so
//! `stepmul` 100 traces 100 slots per 16 bytes allocated), then sets the threshold
//! `stepsize` bytes ahead; at the end of a cycle the threshold becomes
//! `estimate * pause / 100`. `Vm::gc_step(budget)` lets the host do a bounded amount
//! of work per frame instead.
#![allow(
    unsafe_code,
    reason = "the GC heap is the one module that manages raw object memory"
)]

use std::cell::{Cell, RefCell, UnsafeCell};
use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;
use std::ptr::NonNull;
use std::time::Duration;

use super::function::{FuncProto, LuaClosure, NativeClosure, UpVal};
use super::string::LuaStr;
use super::table::Table;
use super::thread::{Frame, FrameKind, Thread};
use super::userdata::UserData;
use super::value::Value;

const WHITE0: u8 = 0;
const GRAY: u8 = 2;
const BLACK: u8 = 3;

/// Header flag: the object is registered for finalization (in `finobj`).
const FINOBJ: u8 = 1;

/// Work units charged per object visited by the sweep.
pub const SWEEP_COST: usize = 16;
/// Tables with more slots than this are traversed this many slots at a time during
/// propagation, so one big table does not make one long step.
pub const SCAN_CHUNK: usize = 1024;
/// Bytes allocated between two minor collections under the step stress in
/// generational mode (or 1/64 of the heap when more: a deep recursion's stack is
/// traversed by every minor collection).
pub const GEN_STRESS_BYTES: usize = 1024;
/// Work units charged per finalizer called.
pub const FINALIZER_COST: usize = 50;

/// A heap block: the header word and the object.
///
/// The header is one 64-bit word (see "Objects and handles" in the module essay):
/// bits 0..48 the address of the next block in the heap's object list (0: none),
/// bits 48..51 the object's kind ([`GcRef::kind`]), bits 56..58 the colour, bits
/// 60..64 the flags. `repr(C)` puts the header at offset 0 of every block, so a
/// pointer to any block is also a pointer to its header.
#[repr(C)]
pub struct GcBox<T> {
    header: Header,
    value: UnsafeCell<T>,
}

/// The header word of a block (see [`GcBox`]).
type Header = Cell<u64>;

/// An untyped pointer to a block's header (a link of the object list).
type Link = NonNull<Header>;

const ADDR_MASK: u64 = (1 << 48) - 1;
const KIND_SHIFT: u32 = 48;
const COLOR_SHIFT: u32 = 56;
const FLAGS_SHIFT: u32 = 60;

/// The block after `p` in the object list.
#[inline]
fn link_next(p: Link) -> Option<Link> {
    // SAFETY: `p` points to the header of a live block (the list holds only blocks
    // not freed yet: the sweep unlinks a block before freeing it).
    let w = unsafe { p.as_ref() }.get();
    NonNull::new(std::ptr::with_exposed_provenance_mut(
        (w & ADDR_MASK) as usize,
    ))
}

/// Makes `n` the block after `p` in the object list.
#[inline]
fn link_set_next(p: Link, n: Option<Link>) {
    let a = n.map_or(0, |n| n.as_ptr().expose_provenance() as u64);
    // SAFETY: as in `link_next`.
    let h = unsafe { p.as_ref() };
    h.set((h.get() & !ADDR_MASK) | a);
}

/// The typed handle of the block at `p`, from the kind in its header.
///
/// # Safety
/// `p` must point to the header of a live block.
unsafe fn link_ref(p: Link) -> GcRef {
    fn gc<T>(p: Link) -> Gc<T> {
        Gc {
            ptr: p.cast(),
            _marker: PhantomData,
        }
    }
    // SAFETY: the caller guarantees the block is live; its header was written by
    // `Heap::alloc` with the kind of the object it holds.
    let kind = (unsafe { p.as_ref() }.get() >> KIND_SHIFT) & 7;
    match kind {
        0 => GcRef::Str(gc(p)),
        1 => GcRef::Table(gc(p)),
        2 => GcRef::LuaFn(gc(p)),
        3 => GcRef::Native(gc(p)),
        4 => GcRef::UpVal(gc(p)),
        5 => GcRef::Proto(gc(p)),
        6 => GcRef::Thread(gc(p)),
        _ => GcRef::UserData(gc(p)),
    }
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

    #[inline(always)]
    fn header(&self) -> &Header {
        // SAFETY: the block is alive (module essay); the header is a `Cell`.
        unsafe { &(*self.ptr.as_ptr()).header }
    }

    #[inline(always)]
    fn color(&self) -> u8 {
        ((self.header().get() >> COLOR_SHIFT) & 3) as u8
    }

    #[inline(always)]
    fn set_color(&self, c: u8) {
        let h = self.header();
        h.set((h.get() & !(3 << COLOR_SHIFT)) | ((c as u64) << COLOR_SHIFT));
    }

    #[inline(always)]
    fn flags(&self) -> u8 {
        (self.header().get() >> FLAGS_SHIFT) as u8
    }

    #[inline(always)]
    fn set_flags(&self, f: u8) {
        let h = self.header();
        h.set((h.get() & !(0xF << FLAGS_SHIFT)) | (((f & 0xF) as u64) << FLAGS_SHIFT));
    }

    /// Whether the object is black (reached and traced in the running cycle).
    #[inline(always)]
    pub fn is_black(&self) -> bool {
        self.color() == BLACK
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

macro_rules! each {
    ($r:expr, $g:ident => $e:expr) => {
        match $r {
            GcRef::Str($g) => $e,
            GcRef::Table($g) => $e,
            GcRef::LuaFn($g) => $e,
            GcRef::Native($g) => $e,
            GcRef::UpVal($g) => $e,
            GcRef::Proto($g) => $e,
            GcRef::Thread($g) => $e,
            GcRef::UserData($g) => $e,
        }
    };
}

/// Names of the object kinds, in [`GcRef::kind`] order.
pub const KIND_NAMES: [&str; 8] = [
    "string",
    "table",
    "closure",
    "native closure",
    "upvalue",
    "prototype",
    "thread",
    "userdata",
];

impl GcRef {
    #[inline]
    fn color(&self) -> u8 {
        each!(self, g => g.color())
    }
    #[inline]
    fn set_color(&self, c: u8) {
        each!(self, g => g.set_color(c))
    }
    fn flags(&self) -> u8 {
        each!(self, g => g.flags())
    }
    fn set_flags(&self, f: u8) {
        each!(self, g => g.set_flags(f))
    }
    /// Index of the object's kind in [`KIND_NAMES`].
    pub fn kind(&self) -> usize {
        match self {
            GcRef::Str(_) => 0,
            GcRef::Table(_) => 1,
            GcRef::LuaFn(_) => 2,
            GcRef::Native(_) => 3,
            GcRef::UpVal(_) => 4,
            GcRef::Proto(_) => 5,
            GcRef::Thread(_) => 6,
            GcRef::UserData(_) => 7,
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
    /// Bytes the object uses (block plus owned buffers).
    fn size(&self) -> usize {
        fn sz<T: Trace>(g: &Gc<T>) -> usize {
            std::mem::size_of::<GcBox<T>>() + g.get().extra_bytes()
        }
        each!(self, g => sz(g))
    }
    /// The object as a value (strings, tables, functions, userdata, threads).
    fn to_value(self) -> Option<Value> {
        Some(match self {
            GcRef::Str(g) => Value::Str(g),
            GcRef::Table(g) => Value::Table(g),
            GcRef::LuaFn(g) => Value::LuaFn(g),
            GcRef::Native(g) => Value::Native(g),
            GcRef::Thread(g) => Value::Thread(g),
            GcRef::UserData(g) => Value::UserData(g),
            GcRef::UpVal(_) | GcRef::Proto(_) => return None,
        })
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
        each!(self, g => drop_box(g))
    }
}

/// The mark phase's state: the gray stack.
#[derive(Default)]
pub struct Marker {
    gray: Vec<GcRef>,
    /// Objects turned from white to gray or black (each one a likely cache miss).
    marked: usize,
}

impl Marker {
    /// Marks an object (and queues it for tracing). Strings have no children and turn
    /// black at once.
    #[inline]
    pub fn mark(&mut self, r: GcRef) {
        if r.color() < GRAY {
            self.marked += 1;
            if let GcRef::Str(s) = r {
                s.set_color(BLACK);
            } else {
                r.set_color(GRAY);
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
}

/// The string intern table (weak: a dead string leaves it when the sweep frees it).
///
/// Open addressing with linear probing over a power-of-two array of 8-byte slots, at
/// most 3/4 full; removal shifts the following entries of the run back (no
/// tombstones). A fresh state's few hundred names fit in 256 slots (2 KiB), where a
/// bucket of `Vec`s per hash cost a header per bucket and an allocation per string.
/// A slot packs the string's address (48 bits, as the object list's links) with the
/// top 16 bits of its hash, so a probe reads a string only when those bits match: on
/// a big heap every string read is a cache miss, and a lookup makes several probes at
/// 3/4 load. 0 is an empty slot.
struct Interner {
    slots: Vec<u64>,
    count: usize,
}

impl Interner {
    /// Slots of a fresh table.
    const INITIAL: usize = 256;

    fn with_slots(n: usize) -> Self {
        Interner {
            slots: vec![0; n],
            count: 0,
        }
    }

    fn mask(&self) -> usize {
        self.slots.len() - 1
    }

    fn pack(s: Gc<LuaStr>, hash: u32) -> u64 {
        let a = s.ptr.as_ptr().expose_provenance() as u64;
        debug_assert_eq!(a & !ADDR_MASK, 0, "checked by Heap::alloc");
        a | (((hash >> 16) as u64) << 48)
    }

    fn tag(hash: u32) -> u64 {
        (hash >> 16) as u64
    }

    /// The string of a non-empty slot.
    fn unpack(slot: u64) -> Gc<LuaStr> {
        let p = std::ptr::with_exposed_provenance_mut::<GcBox<LuaStr>>((slot & ADDR_MASK) as usize);
        Gc {
            // The address of a string block (exposed by `pack`), never 0.
            ptr: NonNull::new(p).expect("a non-empty interner slot"),
            _marker: PhantomData,
        }
    }

    fn find(&self, bytes: &[u8], hash: u32) -> Option<Gc<LuaStr>> {
        let mask = self.mask();
        let tag = Self::tag(hash);
        let mut i = hash as usize & mask;
        loop {
            let slot = self.slots[i];
            if slot == 0 {
                return None;
            }
            if slot >> 48 == tag {
                let s = Self::unpack(slot);
                let v = s.get();
                if v.hash_cached() == hash && v.as_bytes() == bytes {
                    return Some(s);
                }
            }
            i = (i + 1) & mask;
        }
    }

    fn place(&mut self, slot: u64, hash: u32) {
        let mask = self.mask();
        let mut i = hash as usize & mask;
        while self.slots[i] != 0 {
            i = (i + 1) & mask;
        }
        self.slots[i] = slot;
    }

    fn insert(&mut self, s: Gc<LuaStr>) {
        if (self.count + 1) * 4 > self.slots.len() * 3 {
            let n = self.slots.len() * 2;
            let old = std::mem::replace(&mut self.slots, vec![0; n]);
            for slot in old.into_iter().filter(|&x| x != 0) {
                let h = Self::unpack(slot).get().hash_cached();
                self.place(slot, h);
            }
        }
        let h = s.get().hash_cached();
        self.place(Self::pack(s, h), h);
        self.count += 1;
    }

    fn remove(&mut self, s: Gc<LuaStr>) {
        let mask = self.mask();
        let h = s.get().hash_cached();
        let me = Self::pack(s, h);
        let mut i = h as usize & mask;
        loop {
            match self.slots[i] {
                0 => return,
                x if x == me => break,
                _ => i = (i + 1) & mask,
            }
        }
        self.slots[i] = 0;
        self.count -= 1;
        // Shift back the entries of the run after the hole that may sit there: an
        // entry moves into the hole unless its home lies cyclically in (hole, j].
        let mut hole = i;
        let mut j = (i + 1) & mask;
        while self.slots[j] != 0 {
            let x = self.slots[j];
            let home = Self::unpack(x).get().hash_cached() as usize & mask;
            let stays = if hole <= j {
                hole < home && home <= j
            } else {
                hole < home || home <= j
            };
            if !stays {
                self.slots[hole] = x;
                self.slots[j] = 0;
                hole = j;
            }
            j = (j + 1) & mask;
        }
    }
}

/// The collector's phase (see the module essay).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Between cycles.
    Pause,
    /// Incremental marking.
    Propagate,
    /// Incremental sweeping.
    Sweep,
}

impl Phase {
    /// A name for statistics.
    pub fn name(self) -> &'static str {
        match self {
            Phase::Pause => "pause",
            Phase::Propagate => "propagate",
            Phase::Sweep => "sweep",
        }
    }
}

/// The collector's mode (`collectgarbage("incremental"/"generational")`; see the
/// module essay). Change it with [`Heap::set_mode`].
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum GcMode {
    /// Incremental (the default for embedders: bounded steps).
    Incremental,
    /// Generational: minor collections of the young objects, a major collection when
    /// the heap has grown by `majormul` percent (each collection is one atomic step).
    Generational,
}

/// How automatic collection runs (`ELUA_GC_STRESS` selects the stress modes).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Stress {
    /// Paced by allocation debt.
    Off,
    /// A tiny incremental step at every safe point (finds missing barriers).
    Step,
    /// A full collection at every safe point (finds missing roots).
    Collect,
}

impl Stress {
    /// The mode the `ELUA_GC_STRESS` environment variable asks for: `1`/`step`,
    /// `2`/`collect`/`full`; anything else (or unset) is off.
    pub fn from_env() -> Stress {
        match std::env::var("ELUA_GC_STRESS").as_deref() {
            Ok("1") | Ok("step") => Stress::Step,
            Ok("2") | Ok("collect") | Ok("full") => Stress::Collect,
            _ => Stress::Off,
        }
    }
}

/// Tuning parameters (`collectgarbage("incremental", pause, stepmul, stepsize)`).
#[derive(Copy, Clone, Debug)]
pub struct GcParams {
    /// Percent of the live heap to wait for before a new cycle (default 200).
    pub pause: u32,
    /// Speed of the collector relative to allocation, percent (default 100).
    pub stepmul: u32,
    /// Log2 of the bytes allocated between steps (default 13: 8 KB).
    pub stepsize: u32,
    /// The mode (read it; change it with [`Heap::set_mode`]).
    pub mode: GcMode,
    /// Generational mode: a minor collection after the heap grows by this percent
    /// of its size after the last collection (default 20, as 5.4's `genminormul`).
    pub minormul: u32,
    /// Generational mode: a major collection when the heap has grown by this
    /// percent of its size after the last major one (default 100, 5.4's
    /// `genmajormul`).
    pub majormul: u32,
}

impl Default for GcParams {
    fn default() -> Self {
        GcParams {
            pause: 200,
            stepmul: 100,
            stepsize: 13,
            mode: GcMode::Incremental,
            minormul: 20,
            majormul: 100,
        }
    }
}

/// Statistics for the debugger panel (plain data).
#[derive(Clone, Debug, Default)]
pub struct GcStats {
    /// Bytes in use.
    pub heap_bytes: usize,
    /// Most bytes in use seen at a step.
    pub peak_bytes: usize,
    /// Live objects by kind, in [`KIND_NAMES`] order.
    pub objects: [usize; 8],
    /// Completed cycles.
    pub cycles: u64,
    /// Steps taken (automatic and host steps).
    pub steps: u64,
    /// Duration of the last step.
    pub last_step: Duration,
    /// Longest step so far.
    pub longest_step: Duration,
    /// The phase now.
    pub phase: &'static str,
    /// Objects waiting for their finalizer.
    pub pending_finalizers: usize,
    /// The memory limit (`usize::MAX`: none).
    pub limit: usize,
}

/// A big table being traversed a chunk at a time (see [`SCAN_CHUNK`]).
#[derive(Copy, Clone)]
struct TableScan {
    t: Gc<Table>,
    /// Next slot: array indices first, then nodes.
    pos: usize,
    /// The table's [`Table::gc_layout`] when the traversal began.
    layout: [usize; 4],
    /// Times the traversal started again after a resize.
    restarts: u32,
}

/// One automatic step, as recorded in [`Heap::pause_log`] (benchmarks).
#[derive(Copy, Clone, Debug, Default)]
pub struct PauseRecord {
    /// How long the step took.
    pub time: Duration,
    /// The phases the step worked in: bit 0 start of a cycle, 1 propagate, 2 atomic,
    /// 3 sweep.
    pub phases: u8,
    /// Work units done.
    pub work: usize,
    /// The change of [`Heap::pause_probe`] across the step (e.g. context switches:
    /// a benchmark can leave out the steps the OS preempted).
    pub probe: u64,
}

/// The heap: owns every object, counts bytes, interns short strings, collects.
pub struct Heap {
    /// The object list: every block, newest first, linked through the headers.
    head: Option<Link>,
    bytes: Cell<usize>,
    threshold: usize,
    strings: Interner,
    /// Seed of the string hash.
    seed: u32,
    /// Whether automatic collection is on (`collectgarbage("stop"/"restart")`).
    pub running: bool,
    /// Number of completed collections.
    pub cycles: u64,
    /// The memory limit in bytes (`usize::MAX`: none).
    pub limit: usize,
    /// Countdown decremented at loop back-edges and Lua calls; at zero the interpreter
    /// calls `Vm::interrupt` (instruction budget, interrupt callback, memory limit).
    /// `i64::MAX` when no limit is set, so the slow path never runs. It lives in the
    /// heap so that buffer growth past the memory limit ([`Heap::adjust`], e.g. a
    /// table grown by stores alone) can bring the interrupt forward.
    pub countdown: Cell<i64>,
    /// Tuning parameters.
    pub params: GcParams,
    /// Stress mode.
    pub stress: Stress,
    /// When set, the duration of every automatic step is appended (benchmarks).
    pub pause_log: Option<Vec<PauseRecord>>,
    /// Read before and after every automatic step when `pause_log` is on.
    pub pause_probe: Option<fn() -> u64>,
    /// What the last call to [`Heap::step`] did (for `pause_log`).
    last_step: PauseRecord,
    phase: Phase,
    white: u8,
    atomic: bool,
    marker: Marker,
    /// White objects a forward barrier turned gray (traversed during propagation).
    barrier: RefCell<Vec<GcRef>>,
    /// Black tables (and userdata) a backward barrier turned gray again: traversed
    /// in the atomic phase, as `grayagain`, so a table stored into repeatedly is
    /// re-traversed once per cycle, not once per store.
    barrier_back: RefCell<Vec<GcRef>>,
    /// Threads and weak tables waiting for the atomic phase.
    grayagain: Vec<GcRef>,
    /// The big table under incremental traversal, if any.
    scan: Option<TableScan>,
    /// Big tables blackened by an incremental traversal this cycle, under the forward
    /// barrier until the atomic phase (their `gc_watch` is set).
    watched: Vec<Gc<Table>>,
    weak: Vec<Gc<Table>>,
    ephemeron: Vec<Gc<Table>>,
    allweak: Vec<Gc<Table>>,
    /// Objects registered for finalization, in registration order.
    finobj: Vec<GcRef>,
    /// Unreachable finalizable objects, next to finalize first.
    tobefnz: std::collections::VecDeque<GcRef>,
    /// The sweep's position: the last block it kept (`None`: the list's head).
    sweep_prev: Option<Link>,
    live_acc: usize,
    estimate: usize,
    counts: [usize; 8],
    /// Interned `__mode`, `__gc` (fixed: always marked).
    mode_str: Gc<LuaStr>,
    gc_str: Gc<LuaStr>,
    stats: GcStats,
    /// Set while finalizers run (no nested finalizer calls).
    pub(crate) in_finalizer: bool,
    /// Set once the state closes: no new registrations for finalization.
    pub(crate) closing: bool,
    /// During a step taken by the interpreter: the running thread and the end of its
    /// live registers (the stack above is dead there).
    pub(crate) exact_top: Option<(Gc<Thread>, usize)>,
    /// Generational mode: first block of the survival segment of the object list
    /// (objects that survived one minor collection; `None`: the end of the list).
    /// The blocks before it are new.
    survival: Option<Link>,
    /// Generational mode: first block of the old1 segment (promoted by the last
    /// minor collection, traversed again by the next one).
    old1: Option<Link>,
    /// Generational mode: first block of the segment of the really old objects.
    reallyold: Option<Link>,
    /// Generational mode: old objects a barrier touched before the last minor
    /// collection (traversed once more by the next one: their new children are
    /// survivals now, still young).
    touched2: Vec<GcRef>,
    /// Generational mode: the threads and weak tables that survived the last
    /// collection (traversed by every minor collection: stacks have no barrier, and
    /// old weak tables must lose their entries to young objects that die).
    gen_threads: Vec<Gc<Thread>>,
    gen_weak: Vec<Gc<Table>>,
    /// Threads traversed by the generational collection under way.
    cycle_threads: Vec<Gc<Thread>>,
    /// Generational mode: bytes in use after the last major collection.
    gen_base: usize,
}

impl Default for Heap {
    fn default() -> Self {
        let mut h = Heap {
            head: None,
            bytes: Cell::new(0),
            threshold: 256 * 1024,
            strings: Interner::with_slots(Interner::INITIAL),
            seed: 0x2545_F491,
            running: true,
            cycles: 0,
            limit: usize::MAX,
            countdown: Cell::new(i64::MAX),
            params: GcParams::default(),
            stress: Stress::from_env(),
            pause_log: None,
            last_step: PauseRecord::default(),
            pause_probe: None,
            phase: Phase::Pause,
            white: WHITE0,
            atomic: false,
            marker: Marker::default(),
            barrier: RefCell::new(Vec::new()),
            barrier_back: RefCell::new(Vec::new()),
            grayagain: Vec::new(),
            scan: None,
            watched: Vec::new(),
            weak: Vec::new(),
            ephemeron: Vec::new(),
            allweak: Vec::new(),
            finobj: Vec::new(),
            tobefnz: Default::default(),
            sweep_prev: None,
            live_acc: 0,
            estimate: 0,
            counts: [0; 8],
            // Placeholders until the real strings exist (replaced just below).
            mode_str: Gc {
                ptr: NonNull::dangling(),
                _marker: PhantomData,
            },
            gc_str: Gc {
                ptr: NonNull::dangling(),
                _marker: PhantomData,
            },
            stats: GcStats::default(),
            in_finalizer: false,
            closing: false,
            exact_top: None,
            survival: None,
            old1: None,
            reallyold: None,
            touched2: Vec::new(),
            gen_threads: Vec::new(),
            gen_weak: Vec::new(),
            cycle_threads: Vec::new(),
            gen_base: 0,
        };
        h.mode_str = h.new_str(b"__mode");
        h.gc_str = h.new_str(b"__gc");
        h
    }
}

impl Drop for Heap {
    fn drop(&mut self) {
        let mut cur = self.head.take();
        while let Some(p) = cur {
            cur = link_next(p);
            // SAFETY: the heap is going away with every handle into it (the state owns
            // the heap, and handles do not outlive the state); `p` is on the list, so
            // live, and is freed once (its successor was read first).
            unsafe { link_ref(p).free() }
        }
    }
}

impl Heap {
    /// Allocates an object and returns its handle (painted the current white).
    pub fn alloc<T: HeapObject>(&mut self, value: T) -> Gc<T> {
        let extra = value.extra_bytes();
        let b = Box::new(GcBox {
            header: Cell::new(0),
            value: UnsafeCell::new(value),
        });
        let ptr = NonNull::from(Box::leak(b));
        let gc = Gc {
            ptr,
            _marker: PhantomData,
        };
        let r = T::wrap(gc);
        let kind = r.kind();
        self.counts[kind] += 1;
        let link: Link = ptr.cast();
        // The list stores 48-bit addresses: every 64-bit platform Rust supports gives
        // user space addresses below 2^48 unless a program asks for more.
        assert!(
            link.as_ptr().addr() as u64 & !ADDR_MASK == 0,
            "heap block above the 48-bit address space"
        );
        gc.header()
            .set(((kind as u64) << KIND_SHIFT) | ((self.white as u64) << COLOR_SHIFT));
        link_set_next(link, self.head);
        self.head = Some(link);
        let size = std::mem::size_of::<GcBox<T>>() + extra;
        self.bytes.set(self.bytes.get() + size);
        if self.phase == Phase::Sweep && self.sweep_prev.is_some() {
            // Ahead of the sweep's position: the sweep will not visit it, but it
            // survives the cycle.
            self.live_acc += size;
        }
        gc
    }

    /// Records that an object's buffers grew (`delta > 0`) or shrank. Growth past the
    /// memory limit zeroes the countdown, so the next loop back-edge or call raises
    /// the catchable `not enough memory` (after a full collection) even when the
    /// program allocates no new object (a table grown by stores alone).
    #[inline]
    pub fn adjust(&self, delta: isize) {
        let b = self.bytes.get().saturating_add_signed(delta);
        self.bytes.set(b);
        if delta > 0 && b > self.limit {
            self.countdown.set(0);
        }
    }

    /// One tick of the countdown (a loop back-edge or a call); true when it reached
    /// zero and the interpreter must call `Vm::interrupt`.
    #[inline(always)]
    pub fn tick(&self) -> bool {
        let c = self.countdown.get() - 1;
        self.countdown.set(c);
        c <= 0
    }

    /// Releases spare capacity of the collector's side tables (called once a fresh
    /// state is built: thousands of idle states should not each keep lists grown by
    /// doubling).
    pub fn trim(&mut self) {
        self.marker.gray.shrink_to_fit();
        self.finobj.shrink_to_fit();
    }

    /// Bytes in use.
    pub fn bytes(&self) -> usize {
        self.bytes.get()
    }

    /// Sets the memory limit (`usize::MAX`: none); the next collection is due no later
    /// than when the limit is reached.
    pub fn set_limit(&mut self, limit: usize) {
        self.limit = limit;
        self.threshold = self.threshold.min(limit);
    }

    /// Whether the allocation debt calls for a collector step at the next safe point.
    #[inline]
    pub fn should_collect(&self) -> bool {
        let b = self.bytes.get();
        // Past the memory limit a collection is due even when stopped, so a script
        // cannot escape the limit with `collectgarbage("stop")`.
        (self.running
            && (b >= self.threshold || (self.stress != Stress::Off && self.stress_always())))
            || b > self.limit
    }

    /// Whether the stress mode collects at every safe point. In generational mode the
    /// step stress runs a minor collection per [`GEN_STRESS_BYTES`] allocated instead:
    /// every minor collection traverses every thread's stack.
    fn stress_always(&self) -> bool {
        self.stress == Stress::Collect || self.params.mode == GcMode::Incremental
    }

    /// The collector's phase.
    pub fn phase(&self) -> Phase {
        self.phase
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
                if self.phase == Phase::Sweep && s.color() == self.white ^ 1 {
                    // Dead but not swept yet: revive it.
                    s.set_color(self.white);
                }
                return s;
            }
            let s = self.alloc(LuaStr::new_short(bytes, h));
            self.strings.insert(s);
            s
        } else {
            self.alloc(LuaStr::new_long(bytes))
        }
    }

    /// Number of objects on the heap.
    pub fn object_count(&self) -> usize {
        self.counts.iter().sum()
    }

    /// Statistics (object counts are kept up to date at every allocation and free).
    pub fn stats(&self) -> GcStats {
        let mut s = self.stats.clone();
        s.heap_bytes = self.bytes();
        s.peak_bytes = s.peak_bytes.max(s.heap_bytes);
        s.objects = self.counts;
        s.cycles = self.cycles;
        s.phase = self.phase.name();
        s.pending_finalizers = self.tobefnz.len();
        s.limit = self.limit;
        s
    }

    /// Records a step's duration in the statistics.
    pub(crate) fn record_step(&mut self, d: Duration, auto: bool, probe: u64) {
        self.stats.steps += 1;
        self.stats.last_step = d;
        self.stats.longest_step = self.stats.longest_step.max(d);
        self.stats.peak_bytes = self.stats.peak_bytes.max(self.bytes());
        if auto && let Some(log) = &mut self.pause_log {
            log.push(PauseRecord {
                time: d,
                probe,
                ..self.last_step
            });
        }
    }

    // ----- finalizers -----

    /// Registers `obj` for finalization if `mt` has a `__gc` field and it is not
    /// registered yet (called by `setmetatable` after the metatable is set).
    pub fn check_finalizer(&mut self, obj: Value, mt: Option<Gc<Table>>) {
        let Some(mt) = mt else { return };
        let r = match obj {
            Value::Table(t) => GcRef::Table(t),
            Value::UserData(u) => GcRef::UserData(u),
            _ => return,
        };
        if self.closing || r.flags() & FINOBJ != 0 || mt.get().get_str(self.gc_str).is_nil() {
            return;
        }
        r.set_flags(r.flags() | FINOBJ);
        self.finobj.push(r);
    }

    /// The next object whose finalizer is due, with its `__gc` (nil if the metatable
    /// lost it); the object leaves the pending list and is an ordinary object again.
    pub(crate) fn next_finalizer(&mut self) -> Option<(Value, Value)> {
        let r = self.tobefnz.pop_front()?;
        let v = r
            .to_value()
            .expect("finalizable objects are tables or userdata");
        let mt = match v {
            Value::Table(t) => t.get().metatable,
            Value::UserData(u) => u.get().metatable,
            _ => None,
        };
        let f = mt.map_or(Value::Nil, |m| m.get().get_str(self.gc_str));
        if self.phase == Phase::Sweep && r.color() == self.white ^ 1 {
            r.set_color(self.white);
        }
        Some((v, f))
    }

    /// Whether finalizers are waiting to be called.
    #[inline]
    pub fn has_pending_finalizers(&self) -> bool {
        !self.tobefnz.is_empty()
    }

    /// Moves every registered object to the pending list (state close: all finalizers
    /// run, newest registration first).
    pub(crate) fn separate_all_finalizers(&mut self) {
        while let Some(r) = self.finobj.pop() {
            r.set_flags(r.flags() & !FINOBJ);
            self.tobefnz.push_back(r);
        }
    }

    // ----- barriers (slow paths) -----

    /// Whether black objects must keep the invariant now: during propagation, and
    /// always in generational mode (old objects are black).
    #[inline]
    fn barriers_active(&self) -> bool {
        self.phase == Phase::Propagate || self.params.mode == GcMode::Generational
    }

    #[cold]
    #[inline(never)]
    fn barrier_back_slow(&self, r: GcRef) {
        if !self.barriers_active() {
            return;
        }
        r.set_color(GRAY);
        self.barrier_back.borrow_mut().push(r);
    }

    #[cold]
    #[inline(never)]
    fn barrier_table_slow(&self, t: Gc<Table>, v: Value) {
        if !self.barriers_active() {
            return;
        }
        if t.get().gc_watch.get() {
            // A big table: forward, so the atomic phase need not traverse it again.
            if let Some(r) = v.gc_ref() {
                self.barrier_forward_slow(r);
            }
            return;
        }
        t.set_color(GRAY);
        self.barrier_back.borrow_mut().push(GcRef::Table(t));
    }

    /// Forward barrier for a value stored into a big table under the forward barrier
    /// (called by `Table` for inserted keys and moved nodes; see [`Table`]'s
    /// `gc_watch`): marks it gray during propagation.
    #[inline]
    pub(crate) fn barrier_value(&self, v: Value) {
        if let Some(r) = v.gc_ref() {
            self.barrier_forward_slow(r);
        }
    }

    /// A store of `v` into the black object `owner` (not a table): forward in
    /// incremental mode; in generational mode the owner is touched (backward), since
    /// a young value marked now would still be young after the next minor
    /// collection while its old owner would not be traversed again.
    #[cold]
    #[inline(never)]
    fn barrier_owner_slow(&self, owner: GcRef, v: GcRef) {
        if self.params.mode == GcMode::Generational {
            if owner.color() == BLACK && v.color() < GRAY {
                owner.set_color(GRAY);
                self.barrier_back.borrow_mut().push(owner);
            }
        } else {
            self.barrier_forward_slow(v);
        }
    }

    #[cold]
    #[inline(never)]
    fn barrier_forward_slow(&self, v: GcRef) {
        if self.phase != Phase::Propagate || v.color() >= GRAY {
            return;
        }
        if let GcRef::Str(s) = v {
            s.set_color(BLACK);
        } else {
            v.set_color(GRAY);
            self.barrier.borrow_mut().push(v);
        }
    }

    // ----- the collector -----

    /// Performs about `budget` units of work (module essay, Pacing); `roots` are the
    /// state's roots. A step started in the pause begins a cycle. Returns whether a
    /// cycle finished (the collector reached the pause) during this call.
    pub fn step(&mut self, budget: usize, roots: &[Value]) -> bool {
        if self.params.mode == GcMode::Generational {
            // Each generational collection is one atomic step.
            self.gen_step(roots);
            return true;
        }
        let mut work = 0usize;
        let mut started = false;
        self.last_step = PauseRecord::default();
        loop {
            match self.phase {
                Phase::Pause => {
                    if started {
                        self.last_step.work = work;
                        return true;
                    }
                    started = true;
                    self.last_step.phases |= 1;
                    self.start_cycle(roots);
                    work += roots.len() + 1;
                }
                Phase::Propagate => {
                    started = true;
                    self.last_step.phases |= 2;
                    if self.scan.is_some() {
                        work += self.scan_chunk();
                    } else {
                        match self.next_gray() {
                            Some(r) => work += self.traverse(r),
                            None => {
                                self.last_step.phases |= 4;
                                work += self.atomic(roots);
                            }
                        }
                    }
                }
                Phase::Sweep => {
                    started = true;
                    self.last_step.phases |= 8;
                    work += self.sweep_some(budget.saturating_sub(work).max(SWEEP_COST));
                    if self.phase == Phase::Pause {
                        self.last_step.work = work;
                        return true;
                    }
                }
            }
            if work >= budget {
                self.last_step.work = work;
                return false;
            }
        }
    }

    /// Runs the collector until the pause (finishing the cycle under way, if any).
    pub fn finish_cycle(&mut self, roots: &[Value]) {
        while self.phase != Phase::Pause {
            self.step(usize::MAX, roots);
        }
    }

    /// A full collection: finishes the cycle under way, then runs a whole new one.
    pub fn full_collect(&mut self, roots: &[Value]) {
        if self.params.mode == GcMode::Generational {
            self.full_gen(roots);
            return;
        }
        self.finish_cycle(roots);
        self.step(usize::MAX, roots);
        debug_assert_eq!(self.phase, Phase::Pause);
    }

    /// The automatic step: work paid for by the allocation debt, then the next
    /// threshold. Returns whether a cycle finished.
    pub fn auto_step(&mut self, roots: &[Value]) -> bool {
        if self.params.mode == GcMode::Generational {
            self.gen_step(roots);
            return true;
        }
        match self.stress {
            Stress::Collect => {
                self.full_collect(roots);
                return true;
            }
            Stress::Step => {
                let done = self.step(64, roots);
                if done {
                    self.set_pause();
                }
                return done;
            }
            Stress::Off => {}
        }
        let stepsize = 1usize << self.params.stepsize.min(40);
        let debt = self.bytes().saturating_sub(self.threshold);
        let mul = (self.params.stepmul as usize).max(1);
        // A step never does more than two steps' worth of work, so a burst of
        // allocation (a big table resize) does not turn into one long pause: the
        // remaining debt is paid by the following steps, which come sooner.
        let cap = (2 * stepsize / 16).saturating_mul(mul);
        let budget = ((debt + stepsize) / 16).saturating_mul(mul);
        let done = self.step(budget.min(cap), roots);
        if done {
            self.set_pause();
        } else if budget > cap {
            self.threshold = self.bytes() + stepsize / 4;
        } else {
            self.threshold = self.bytes() + stepsize;
        }
        done
    }

    /// Sets the threshold for the next cycle from the estimate and `pause`.
    pub fn set_pause(&mut self) {
        if self.params.mode == GcMode::Generational {
            // The next minor collection.
            let b = self.bytes();
            let inc = (b / 100).saturating_mul(self.params.minormul as usize);
            self.threshold = b.saturating_add(inc.max(16 * 1024)).min(self.limit);
            return;
        }
        let est = self.estimate.max(1);
        let t = (est / 100).saturating_mul(self.params.pause as usize);
        self.threshold = t.max(est / 2).max(64 * 1024).min(self.limit);
    }

    /// Adds `kb` kilobytes of debt and runs a step as `collectgarbage("step", kb)`
    /// does (one basic step when 0). Returns whether a cycle finished.
    pub fn step_kb(&mut self, kb: usize, roots: &[Value]) -> bool {
        if self.params.mode == GcMode::Generational {
            // As the reference: a collection, and never the end of a cycle.
            self.gen_step(roots);
            return false;
        }
        let stepsize = 1usize << self.params.stepsize.min(40);
        let mul = (self.params.stepmul as usize).max(1);
        let budget = ((kb * 1024 + stepsize) / 16).saturating_mul(mul);
        let done = self.step(budget, roots);
        if done {
            self.set_pause();
        }
        done
    }

    fn start_cycle(&mut self, roots: &[Value]) {
        self.marker.gray.clear();
        self.barrier.borrow_mut().clear();
        self.barrier_back.borrow_mut().clear();
        self.grayagain.clear();
        self.scan = None;
        self.unwatch();
        self.weak.clear();
        self.ephemeron.clear();
        self.allweak.clear();
        self.phase = Phase::Propagate;
        self.mark_roots(roots);
    }

    fn mark_roots(&mut self, roots: &[Value]) {
        for &v in roots {
            self.marker.mark_value(v);
        }
        self.marker.mark_obj(self.mode_str);
        self.marker.mark_obj(self.gc_str);
        for &r in &self.tobefnz {
            self.marker.mark(r);
        }
    }

    fn next_gray(&mut self) -> Option<GcRef> {
        if let Some(r) = self.marker.gray.pop() {
            return Some(r);
        }
        let mut b = self.barrier.borrow_mut();
        if b.is_empty() {
            return None;
        }
        std::mem::swap(&mut self.marker.gray, &mut *b);
        drop(b);
        self.marker.gray.pop()
    }

    fn propagate_all(&mut self) -> usize {
        let mut work = 0;
        while let Some(r) = self.next_gray() {
            work += self.traverse(r);
        }
        work
    }

    /// Traces one gray object; returns the work done.
    fn traverse(&mut self, r: GcRef) -> usize {
        match r {
            GcRef::Table(t) => self.traverse_table(t),
            GcRef::Thread(th) => self.traverse_thread(th),
            _ => {
                r.set_color(BLACK);
                r.trace(&mut self.marker);
                r.size() / 16 + 1
            }
        }
    }

    /// The weakness of a table from its metatable's `__mode`: (weak keys, weak values).
    fn weak_mode(&self, t: Gc<Table>) -> (bool, bool) {
        let Some(mt) = t.get().metatable else {
            return (false, false);
        };
        match mt.get().get_str(self.mode_str) {
            Value::Str(s) => {
                let b = s.get().as_bytes();
                (b.contains(&b'k'), b.contains(&b'v'))
            }
            _ => (false, false),
        }
    }

    fn traverse_table(&mut self, t: Gc<Table>) -> usize {
        let work = t.get().extra_bytes() / 16 + 1;
        let (wk, wv) = self.weak_mode(t);
        if !wk && !wv {
            t.set_color(BLACK);
            let slots = t.get().array_len() + t.get().hash_len();
            if !self.atomic && slots > SCAN_CHUNK {
                // Black from now on, and under the forward barrier until the atomic
                // phase: a value stored into it, a key inserted, a node moved by an
                // insertion is marked at once, so the atomic phase need not traverse
                // it again (a backward barrier would make it gray again, and the
                // atomic phase would traverse all of it in one step).
                if let Some(mt) = t.get().metatable {
                    self.marker.mark_obj(mt);
                }
                t.get().gc_watch.set(true);
                self.watched.push(t);
                self.scan = Some(TableScan {
                    t,
                    pos: 0,
                    layout: t.get().gc_layout(),
                    restarts: 0,
                });
                return 1;
            }
            t.get().trace(&mut self.marker);
            return work;
        }
        if let Some(mt) = t.get().metatable {
            self.marker.mark_obj(mt);
        }
        if !self.atomic {
            // Stays gray: traversed in the atomic phase.
            self.grayagain.push(GcRef::Table(t));
            return 1;
        }
        t.set_color(BLACK);
        match (wk, wv) {
            (true, true) => self.allweak.push(t),
            (true, false) => {
                for &v in t.get().gc_array() {
                    self.marker.mark_value(v);
                }
                self.ephemeron.push(t);
                self.traverse_ephemeron(t);
            }
            _ => {
                for (k, v) in t.get().gc_nodes() {
                    if !v.is_nil() {
                        self.marker.mark_value(k);
                    }
                }
                self.weak.push(t);
            }
        }
        work
    }

    /// Traverses the next [`SCAN_CHUNK`] slots of the big table under traversal.
    fn scan_chunk(&mut self) -> usize {
        let Some(mut s) = self.scan.take() else {
            return 0;
        };
        let t = s.t;
        let tb = t.get();
        // Stores into the table since the traversal began marked their values
        // (forward barrier); a `SETLIST` or metatable change made it gray and queued
        // it for the atomic phase. The traversal goes on either way.
        if tb.gc_layout() != s.layout {
            // Resized: entries moved between the traversed and untraversed parts.
            // Start again on the new layout (what was stored since is marked). A
            // table resized over and over is left to the atomic phase.
            s.restarts += 1;
            if s.restarts > 8 {
                if t.color() == BLACK {
                    t.set_color(GRAY);
                    self.barrier_back.borrow_mut().push(GcRef::Table(t));
                }
                return 1;
            }
            s.pos = 0;
            s.layout = tb.gc_layout();
        }
        let marked = self.marker.marked;
        let array = tb.gc_array();
        let total = array.len() + tb.hash_len();
        let end = (s.pos + SCAN_CHUNK).min(total);
        if s.pos < array.len() {
            for &v in &array[s.pos..end.min(array.len())] {
                self.marker.mark_value(v);
            }
        }
        if end > array.len() {
            let from = s.pos.max(array.len()) - array.len();
            for (k, v) in tb.gc_node_range(from, end - array.len()) {
                self.marker.mark_value(k);
                self.marker.mark_value(v);
            }
        }
        // A slot costs one unit; reaching a new object costs a cache miss more.
        let work = end - s.pos + 1 + (self.marker.marked - marked) * SWEEP_COST;
        s.pos = end;
        if end < total {
            self.scan = Some(s);
        }
        work
    }

    /// Marks the values of an ephemeron table whose keys are marked; returns whether
    /// anything new was marked.
    fn traverse_ephemeron(&mut self, t: Gc<Table>) -> bool {
        let mut marked = false;
        let m = &mut self.marker;
        for (k, v) in t.get().gc_nodes() {
            if v.is_nil() {
                continue;
            }
            let key_live = match k.gc_ref() {
                Some(GcRef::Str(s)) => {
                    s.set_color(BLACK);
                    true
                }
                Some(r) => r.color() >= GRAY,
                None => true,
            };
            if key_live && let Some(r) = v.gc_ref() {
                if r.color() < GRAY {
                    marked = true;
                }
                m.mark(r);
            }
        }
        marked
    }

    fn traverse_thread(&mut self, th: Gc<Thread>) -> usize {
        let t = th.get();
        // The live part of the stack: up to `top`, except that a Lua frame on top (only
        // the running thread has one) uses its registers, or the exact end of the live
        // ones the interpreter gave.
        let mut live = t.top;
        match (self.exact_top, t.frames.last()) {
            (Some((x, top)), _) if x == th => live = top,
            (_, Some(f)) => {
                if let FrameKind::Lua(c) = f.kind {
                    let top = f.base + c.get().proto.get().proto.max_stack_size as usize;
                    live = live.max(top);
                }
            }
            _ => {}
        }
        for f in &t.frames {
            match f.kind {
                FrameKind::Lua(c) => self.marker.mark_obj(c),
                FrameKind::Native(c) => self.marker.mark_obj(c),
            }
        }
        let live = live.min(t.stack.len());
        for &v in &t.stack[..live] {
            self.marker.mark_value(v);
        }
        for &u in &t.open_upvals {
            self.marker.mark_obj(u);
        }
        if let Some(r) = t.resumer {
            self.marker.mark_obj(r);
        }
        self.marker.mark_value(t.body);
        if let Some(e) = t.error {
            self.marker.mark_value(e);
        }
        let work = live + t.frames.len() + 1;
        if self.atomic {
            if self.params.mode == GcMode::Generational {
                self.cycle_threads.push(th);
            }
            th.set_color(BLACK);
            // The dead part of the stack is not marked: clear it so no stale handle
            // survives there.
            for v in &mut th.get_mut().stack[live..] {
                *v = Value::Nil;
            }
            self.shrink_thread(th);
        } else {
            // Popped from the gray stack, so gray: stays gray (and out of the gray
            // stack, since only white objects are pushed) until the atomic phase.
            self.grayagain.push(GcRef::Thread(th));
        }
        work
    }

    /// Gives back the memory of a stack and frame list that a deep recursion grew and
    /// that are mostly unused now (as the reference shrinks stacks in its atomic
    /// phase): keeps twice the slots in use (every frame's registers, the top) and
    /// never shrinks below 8192 slots or 1024 frames.
    fn shrink_thread(&mut self, th: Gc<Thread>) {
        const MIN_SLOTS: usize = 8192;
        const MIN_FRAMES: usize = 1024;
        let t = th.get_mut();
        let mut in_use = t.top;
        for f in &t.frames {
            if let FrameKind::Lua(c) = f.kind {
                in_use = in_use.max(f.base + c.get().proto.get().proto.max_stack_size as usize);
            }
        }
        let len = t.stack.len();
        if len > MIN_SLOTS && len > 4 * in_use {
            let keep = (2 * in_use).max(MIN_SLOTS);
            let before = t.stack.capacity();
            t.stack.truncate(keep);
            t.stack.shrink_to_fit();
            self.adjust(-(((before - t.stack.capacity()) * 16) as isize));
        }
        let cap = t.frames.capacity();
        if cap > MIN_FRAMES && cap > 4 * t.frames.len() {
            t.frames.shrink_to((2 * t.frames.len()).max(MIN_FRAMES));
            let freed = (cap - t.frames.capacity()) * std::mem::size_of::<Frame>();
            self.adjust(-(freed as isize));
        }
    }

    fn converge_ephemerons(&mut self) -> usize {
        let mut work = 0;
        loop {
            let mut changed = false;
            let mut i = 0;
            while i < self.ephemeron.len() {
                let t = self.ephemeron[i];
                if self.traverse_ephemeron(t) {
                    changed = true;
                    work += self.propagate_all();
                }
                work += 1;
                i += 1;
            }
            if !changed {
                return work;
            }
        }
    }

    /// Ends the forward barrier of the big tables blackened this cycle.
    fn unwatch(&mut self) {
        for t in self.watched.drain(..) {
            t.get().gc_watch.set(false);
        }
    }

    fn atomic(&mut self, roots: &[Value]) -> usize {
        self.atomic = true;
        let mut work = 0;
        // A big table still under traversal: the atomic phase finishes it.
        if let Some(s) = self.scan.take()
            && s.t.color() == BLACK
        {
            s.t.set_color(GRAY);
            self.barrier_back.borrow_mut().push(GcRef::Table(s.t));
        }
        self.unwatch();
        self.mark_roots(roots);
        work += self.propagate_all();
        let mut again = std::mem::take(&mut self.grayagain);
        again.append(&mut self.barrier_back.borrow_mut());
        for r in again {
            work += self.traverse(r);
        }
        work += self.finish_marking();
        // Flip the white: every unmarked object is now "the other white" (dead).
        self.white ^= 1;
        self.atomic = false;
        self.phase = Phase::Sweep;
        self.sweep_prev = None;
        self.live_acc = 0;
        work
    }

    /// The end of every atomic mark (incremental and generational): propagates,
    /// converges the ephemerons, clears weak values, separates and resurrects the
    /// unreachable objects with finalizers, converges again, clears weak keys and
    /// values. Everything not marked afterwards is garbage.
    fn finish_marking(&mut self) -> usize {
        let mut work = self.propagate_all();
        work += self.converge_ephemerons();
        // Weak values referring to objects about to be finalized are cleared now.
        self.clear_tables(false, true);
        // Separate the unreachable finalizable objects, newest registration first, and
        // resurrect them for their finalizers.
        let mut i = self.finobj.len();
        let mut separated = Vec::new();
        while i > 0 {
            i -= 1;
            let r = self.finobj[i];
            if r.color() < GRAY {
                self.finobj.remove(i);
                r.set_flags(r.flags() & !FINOBJ);
                separated.push(r);
            }
        }
        for r in separated {
            self.tobefnz.push_back(r);
            self.marker.mark(r);
        }
        work += self.propagate_all();
        work += self.converge_ephemerons();
        self.clear_tables(true, true);
        work
    }

    /// Clears dead entries of the weak tables found by this cycle's marking: values
    /// (weak-value and all-weak tables) and, when `keys`, entries with dead keys
    /// (ephemeron and all-weak tables). Strings are values: those of surviving entries
    /// are marked here, so an entry's string dies with the entry.
    fn clear_tables(&mut self, keys: bool, values: bool) {
        for &t in &self.weak {
            clear_table(t, false, values);
        }
        for &t in &self.allweak {
            clear_table(t, keys, values);
        }
        if keys {
            for &t in &self.ephemeron {
                clear_table(t, true, false);
            }
        }
    }

    /// Sweeps objects for about `budget` units; at the end of the list the cycle ends.
    fn sweep_some(&mut self, budget: usize) -> usize {
        let dead = self.white ^ 1;
        let mut work = 0;
        while work < budget {
            let cur = match self.sweep_prev {
                None => self.head,
                Some(p) => link_next(p),
            };
            let Some(cur) = cur else {
                self.end_cycle();
                return work;
            };
            // SAFETY: `cur` is on the object list, so live.
            let r = unsafe { link_ref(cur) };
            if r.color() == dead {
                let next = link_next(cur);
                match self.sweep_prev {
                    None => self.head = next,
                    Some(p) => link_set_next(p, next),
                }
                // SAFETY: the atomic phase found no path to it from any root (module
                // essay), and it is unlinked from the object list now.
                unsafe { self.free_object(r) };
                work += SWEEP_COST * 2;
            } else {
                r.set_color(self.white);
                self.live_acc += r.size();
                self.sweep_prev = Some(cur);
                work += SWEEP_COST;
            }
        }
        work
    }

    /// Frees an object the sweep unlinked: its bytes, its count, its intern-table
    /// slot, its block.
    ///
    /// # Safety
    /// The object must be unreachable (the last mark did not reach it) and already
    /// unlinked from the object list.
    unsafe fn free_object(&mut self, r: GcRef) {
        let size = r.size();
        self.bytes.set(self.bytes.get().saturating_sub(size));
        self.counts[r.kind()] -= 1;
        if let GcRef::Str(s) = r
            && s.get().is_short()
        {
            self.strings.remove(s);
        }
        // SAFETY: unreachable and unlinked from the object list (caller), and from the
        // intern table (just above), so it is freed once and no handle to it is used
        // again.
        unsafe { r.free() }
    }

    fn end_cycle(&mut self) {
        self.phase = Phase::Pause;
        self.bytes.set(self.live_acc);
        self.estimate = self.live_acc;
        self.cycles += 1;
        // The gray stack keeps its capacity unless it is big next to the live heap:
        // freeing (or reallocating) a big block right after a sweep makes glibc's
        // allocator consolidate every small chunk the sweep freed, which cost the
        // step that ends a cycle 3 to 10 ms on 100 to 300 MB heaps
        // (bench/gc/steps.lua) when the stack was shrunk every cycle.
        let gray_bytes = self.marker.gray.capacity() * std::mem::size_of::<GcRef>();
        if gray_bytes > (self.estimate / 8).max(1 << 20) {
            self.marker.gray.shrink_to(1 << 12);
        }
        self.weak.clear();
        self.ephemeron.clear();
        self.allweak.clear();
    }
}

// ----- generational mode -----

impl Heap {
    /// Switches the collector's mode (`collectgarbage("incremental"/"generational")`)
    /// and returns the previous one. To generational: the incremental cycle under way
    /// finishes, then a major collection makes every survivor old. To incremental:
    /// every object turns white and the collector pauses (as 5.4's `entergen` and
    /// `enterinc`).
    pub fn set_mode(&mut self, mode: GcMode, roots: &[Value]) -> GcMode {
        let old = self.params.mode;
        if old == mode {
            return old;
        }
        match mode {
            GcMode::Generational => {
                self.finish_cycle(roots);
                self.params.mode = GcMode::Generational;
                self.full_gen(roots);
            }
            GcMode::Incremental => {
                self.whiten_all();
                self.gen_forget();
                self.params.mode = GcMode::Incremental;
                self.phase = Phase::Pause;
                self.estimate = self.bytes();
            }
        }
        self.set_pause();
        old
    }

    /// Paints every object the current white.
    fn whiten_all(&mut self) {
        let white = self.white;
        let mut p = self.head;
        while let Some(cur) = p {
            // SAFETY: on the object list, so live.
            unsafe { link_ref(cur) }.set_color(white);
            p = link_next(cur);
        }
    }

    /// Drops the generational bookkeeping (the lists and the segments).
    fn gen_forget(&mut self) {
        self.barrier_back.get_mut().clear();
        self.barrier.get_mut().clear();
        self.marker.gray.clear();
        self.grayagain.clear();
        self.touched2.clear();
        self.gen_threads.clear();
        self.gen_weak.clear();
        self.cycle_threads.clear();
        self.survival = None;
        self.old1 = None;
        self.reallyold = None;
    }

    /// One collection of the generational mode, paced as 5.4's `genstep`: a major
    /// collection when the heap has grown by `majormul` percent since the last one,
    /// otherwise a minor one; the next is due when the heap grows by `minormul`
    /// percent.
    fn gen_step(&mut self, roots: &[Value]) {
        match self.stress {
            Stress::Collect => self.full_gen(roots),
            Stress::Step => {
                self.young_collection(roots);
                let b = self.bytes();
                let every = GEN_STRESS_BYTES.max(b / 64);
                self.threshold = b.saturating_add(every).min(self.limit);
                return;
            }
            Stress::Off => {
                let inc = (self.gen_base / 100).saturating_mul(self.params.majormul as usize);
                if self.bytes() > self.gen_base.saturating_add(inc) {
                    self.full_gen(roots);
                } else {
                    self.young_collection(roots);
                }
            }
        }
        self.set_pause();
    }

    /// A major collection: every object is marked from the roots in one atomic
    /// step, the dead are freed, every survivor becomes old (black).
    fn full_gen(&mut self, roots: &[Value]) {
        self.whiten_all();
        self.gen_forget();
        self.start_gen_collection();
        self.mark_roots(roots);
        self.finish_marking();
        self.atomic = false;
        self.live_acc = 0;
        self.sweep_gen(None, None, BLACK, true);
        // The survivors' sizes, summed by the sweep: the byte count starts afresh
        // (as an incremental cycle's end does), so no drift accumulates.
        self.bytes.set(self.live_acc);
        self.survival = self.head;
        self.old1 = self.head;
        self.reallyold = self.head;
        self.end_gen_collection();
        self.gen_base = self.bytes();
        self.estimate = self.gen_base;
    }

    /// A minor collection (see the module essay, "Generational mode"): marks from
    /// the roots, the touched old objects, the old1 segment, the threads and the weak
    /// tables, through young objects only (old ones are black); frees the young
    /// objects not reached; survivors age by one segment.
    fn young_collection(&mut self, roots: &[Value]) {
        self.start_gen_collection();
        self.mark_roots(roots);
        let touched = std::mem::take(self.barrier_back.get_mut());
        let touched2 = std::mem::take(&mut self.touched2);
        for &r in touched.iter().chain(&touched2) {
            self.traverse(r);
        }
        let mut p = self.old1;
        while p != self.reallyold {
            let Some(cur) = p else { break };
            // SAFETY: on the object list, so live.
            let r = unsafe { link_ref(cur) };
            if !matches!(r, GcRef::Str(_)) {
                self.traverse(r);
            }
            p = link_next(cur);
        }
        for th in std::mem::take(&mut self.gen_threads) {
            self.traverse_thread(th);
        }
        for t in std::mem::take(&mut self.gen_weak) {
            self.traverse_table(t);
        }
        self.finish_marking();
        self.atomic = false;
        let (prev, survival) = self.sweep_gen(None, self.survival, self.white, false);
        let (_, old1) = self.sweep_gen(prev, self.old1, BLACK, false);
        self.reallyold = self.old1;
        self.old1 = old1;
        self.survival = survival;
        self.touched2 = touched;
        self.end_gen_collection();
    }

    fn start_gen_collection(&mut self) {
        self.weak.clear();
        self.ephemeron.clear();
        self.allweak.clear();
        self.cycle_threads.clear();
        self.atomic = true;
    }

    /// Keeps the threads and weak tables of this collection for the next minor one.
    fn end_gen_collection(&mut self) {
        let mut th = std::mem::take(&mut self.cycle_threads);
        th.sort_unstable_by_key(|t| t.addr());
        th.dedup();
        self.gen_threads = th;
        let mut w = std::mem::take(&mut self.gen_weak);
        w.append(&mut self.weak);
        w.append(&mut self.ephemeron);
        w.append(&mut self.allweak);
        w.sort_unstable_by_key(|t| t.addr());
        w.dedup();
        self.gen_weak = w;
        self.cycles += 1;
    }

    /// Sweeps the blocks after `prev` (`None`: from the head) up to `until` (not
    /// included; `None`: the end of the list): frees the white ones, paints the
    /// others `paint` (and adds their sizes to `live_acc` when `count`). Returns the last block kept (or `prev`) and the first block
    /// kept (or `until`).
    fn sweep_gen(
        &mut self,
        mut prev: Option<Link>,
        until: Option<Link>,
        paint: u8,
        count: bool,
    ) -> (Option<Link>, Option<Link>) {
        let mut first = None;
        loop {
            let cur = match prev {
                None => self.head,
                Some(p) => link_next(p),
            };
            if cur == until {
                break;
            }
            let Some(cur) = cur else {
                debug_assert!(false, "segment boundary not on the object list");
                break;
            };
            // SAFETY: on the object list, so live.
            let r = unsafe { link_ref(cur) };
            if r.color() < GRAY {
                let next = link_next(cur);
                match prev {
                    None => self.head = next,
                    Some(p) => link_set_next(p, next),
                }
                // SAFETY: white after a complete mark of the young objects (old ones
                // are black), so unreachable; unlinked just above.
                unsafe { self.free_object(r) };
            } else {
                r.set_color(paint);
                if count {
                    self.live_acc += r.size();
                }
                first.get_or_insert(cur);
                prev = Some(cur);
            }
        }
        (prev, first.or(until))
    }
}

/// Whether a weak reference to `v` is cleared (strings are never: they are marked).
fn is_cleared(v: &Value) -> bool {
    match v.gc_ref() {
        None => false,
        Some(GcRef::Str(s)) => {
            s.set_color(BLACK);
            false
        }
        Some(r) => r.color() < GRAY,
    }
}

fn clear_table(t: Gc<Table>, keys: bool, values: bool) {
    let (array, nodes) = t.get_mut().gc_entries_mut();
    if values {
        for v in array {
            if is_cleared(v) {
                *v = Value::Nil;
            }
        }
    }
    for (k, v) in nodes {
        if !v.is_nil() && ((values && is_cleared(v)) || (keys && is_cleared(k))) {
            *v = Value::Nil;
        }
        if v.is_nil() && k.gc_ref().is_some_and(|r| r.color() < GRAY) {
            // The key of an empty entry is not a reference: neutralize it.
            *k = Value::LightUserData(k.addr());
        }
    }
}

/// Write barrier for a store of `v` into a table (backward: a black table turns gray
/// again; forward for a big table under traversal, see the module essay).
#[inline(always)]
pub fn barrier_table(heap: &Heap, t: Gc<Table>, v: Value) {
    if t.color() == BLACK {
        heap.barrier_table_slow(t, v);
    }
}

/// Write barrier for stores into a table whose values the caller does not name
/// (`SETLIST`, a metatable change): backward, the table turns gray again.
#[inline(always)]
pub fn barrier_table_all(heap: &Heap, t: Gc<Table>) {
    if t.color() == BLACK {
        heap.barrier_back_slow(GcRef::Table(t));
    }
}

/// Write barrier for a store into a closed upvalue (forward: the value is marked).
#[inline(always)]
pub fn barrier_upvalue(heap: &Heap, u: Gc<UpVal>, v: Value) {
    if u.color() == BLACK
        && let Some(r) = v.gc_ref()
    {
        heap.barrier_owner_slow(GcRef::UpVal(u), r);
    }
}

/// Write barrier for a store of `v` into a non-table object (a native closure's
/// upvalue, a userdata's user value or metatable): forward.
#[inline(always)]
pub fn barrier_object(heap: &Heap, owner: GcRef, v: Value) {
    if owner.color() == BLACK
        && let Some(r) = v.gc_ref()
    {
        heap.barrier_owner_slow(owner, r);
    }
}

/// Write barrier for a store of the object `child` into `owner` (a closure's
/// upvalue slot): forward.
#[inline(always)]
pub fn barrier_child(heap: &Heap, owner: GcRef, child: GcRef) {
    if owner.color() == BLACK {
        heap.barrier_owner_slow(owner, child);
    }
}

/// Barrier and finalizer registration for a metatable assignment to `obj` (a table or
/// userdata; other types keep their metatables in the state's roots).
pub fn barrier_metatable(heap: &mut Heap, obj: Value, mt: Option<Gc<Table>>) {
    match obj {
        Value::Table(t) => barrier_table_all(heap, t),
        Value::UserData(u) => {
            if let Some(m) = mt {
                barrier_object(heap, GcRef::UserData(u), Value::Table(m));
            }
        }
        _ => return,
    }
    heap.check_finalizer(obj, mt);
}
