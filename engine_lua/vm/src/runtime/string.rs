//! Lua strings: immutable byte strings with a cached hash (short strings are interned
//! by the heap, long ones hashed lazily).

use std::cell::Cell;

use super::gc::{Heap, Marker, Trace};

/// An immutable byte string.
pub struct LuaStr {
    bytes: Bytes,
    hash: Cell<u32>,
    /// Short (interned) or long; for long strings whether `hash` is computed yet.
    state: Cell<u8>,
    /// The hash-part slot where this string was last found as a key (see
    /// [`LuaStr::slot_hint`]); it lives in the object's padding.
    slot: Cell<u16>,
}

#[cfg(target_pointer_width = "64")]
const _: () = assert!(std::mem::size_of::<LuaStr>() == 32);

/// Where a string's bytes live: inside the object when they fit (most names and
/// keys: one allocation per string instead of two, at no size cost since the object's
/// allocation rounds up to the same size class), else in their own box.
enum Bytes {
    Inline { len: u8, buf: [u8; INLINE] },
    Boxed(Box<[u8]>),
}

/// Longest string stored inside its object.
const INLINE: usize = 22;

impl Bytes {
    fn new(b: &[u8]) -> Self {
        if b.len() <= INLINE {
            let mut buf = [0; INLINE];
            buf[..b.len()].copy_from_slice(b);
            Bytes::Inline {
                len: b.len() as u8,
                buf,
            }
        } else {
            Bytes::Boxed(b.into())
        }
    }

    #[inline]
    fn get(&self) -> &[u8] {
        match self {
            Bytes::Inline { len, buf } => &buf[..*len as usize],
            Bytes::Boxed(b) => b,
        }
    }
}

const SHORT: u8 = 0;
const LONG_UNHASHED: u8 = 1;
const LONG_HASHED: u8 = 2;

impl LuaStr {
    /// Longest string that is interned (the reference's `LUAI_MAXSHORTLEN`).
    pub const MAX_SHORT: usize = 40;

    pub(crate) fn new_short(bytes: &[u8], hash: u32) -> Self {
        LuaStr {
            bytes: Bytes::new(bytes),
            hash: Cell::new(hash),
            state: Cell::new(SHORT),
            slot: Cell::new(0),
        }
    }

    pub(crate) fn new_long(bytes: &[u8]) -> Self {
        LuaStr {
            bytes: Bytes::new(bytes),
            hash: Cell::new(0),
            state: Cell::new(LONG_UNHASHED),
            slot: Cell::new(0),
        }
    }

    /// The bytes.
    #[inline]
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.get()
    }

    /// Length in bytes.
    #[inline]
    pub fn len(&self) -> usize {
        self.as_bytes().len()
    }

    /// Whether the string is empty.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether the string is short (interned: equal contents means same object).
    #[inline]
    pub fn is_short(&self) -> bool {
        self.state.get() == SHORT
    }

    /// The cached hash (only meaningful for short strings or already-hashed long ones).
    #[inline]
    pub(crate) fn hash_cached(&self) -> u32 {
        self.hash.get()
    }

    /// The index of the hash-part node where a table lookup last found this string
    /// as a key: tables of one shape (objects built by the same constructor, a class
    /// and its instances' metatables) hold a key at the same slot, so a field access
    /// by constant key tries that node first and checks its key before trusting it
    /// (a per-key inline cache that never needs invalidating).
    #[inline(always)]
    pub(crate) fn slot_hint(&self) -> usize {
        self.slot.get() as usize
    }

    /// Records where a lookup found this string as a key (slots past `u16::MAX` are
    /// not recorded).
    #[inline(always)]
    pub(crate) fn set_slot_hint(&self, n: usize) {
        self.slot.set(n as u16);
    }

    /// The hash, computed on first use for long strings.
    #[inline]
    pub fn hash(&self) -> u32 {
        if self.state.get() == LONG_UNHASHED {
            self.hash
                .set(Heap::hash_bytes(0x2545_F491, self.bytes.get()));
            self.state.set(LONG_HASHED);
        }
        self.hash.get()
    }

    /// The bytes as text, lossily (for messages).
    pub fn to_str_lossy(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(self.bytes.get())
    }
}

impl Trace for LuaStr {
    fn trace(&self, _m: &mut Marker) {}
    fn extra_bytes(&self) -> usize {
        match &self.bytes {
            Bytes::Inline { .. } => 0,
            Bytes::Boxed(b) => b.len(),
        }
    }
}
