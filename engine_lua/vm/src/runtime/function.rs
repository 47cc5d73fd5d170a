//! Functions: runtime prototypes, Lua closures, native closures and upvalues.

use std::rc::Rc;

use super::api::NativeFn;
use super::gc::{Gc, Marker, Trace};
use super::thread::Thread;
use super::value::Value;
use crate::proto::Proto;

/// A prototype on the heap: the compiler's [`Proto`] plus its constants as values
/// (strings interned) and its nested prototypes.
pub struct FuncProto {
    /// The compiled function.
    pub proto: Rc<Proto>,
    /// `K[x]` as values.
    pub constants: Vec<Value>,
    /// Nested prototypes, `CLOSURE`'s `Bx`.
    pub protos: Vec<Gc<FuncProto>>,
}

impl Trace for FuncProto {
    fn trace(&self, m: &mut Marker) {
        for k in &self.constants {
            m.mark_value(*k);
        }
        for p in &self.protos {
            m.mark_obj(*p);
        }
    }
    fn extra_bytes(&self) -> usize {
        self.constants.len() * 16 + self.protos.len() * 8 + self.proto.code.len() * 8
    }
}

/// A Lua function: a prototype and its upvalues.
pub struct LuaClosure {
    /// The prototype.
    pub proto: Gc<FuncProto>,
    /// The upvalues, `Up[x]`.
    pub upvals: Box<[Gc<UpVal>]>,
}

impl Trace for LuaClosure {
    fn trace(&self, m: &mut Marker) {
        m.mark_obj(self.proto);
        for u in self.upvals.iter() {
            m.mark_obj(*u);
        }
    }
    fn extra_bytes(&self) -> usize {
        self.upvals.len() * 8
    }
}

/// A native (Rust) function with its upvalues. 24 bytes, so that with its GC header
/// one standard-library function is a 48-byte allocation (a fresh state holds ~150).
pub struct NativeClosure {
    /// The function.
    pub f: NativeFn,
    /// Upvalues (read with [`super::Vm::upvalue`]); empty ones allocate nothing.
    pub upvalues: Box<[Value]>,
}

const _: () = assert!(std::mem::size_of::<NativeClosure>() == 24);

impl Trace for NativeClosure {
    fn trace(&self, m: &mut Marker) {
        for v in &self.upvalues {
            m.mark_value(*v);
        }
    }
    fn extra_bytes(&self) -> usize {
        self.upvalues.len() * 16
    }
}

/// An upvalue: open (a live stack slot of a thread) or closed (its own value).
pub enum UpVal {
    /// Refers to `thread.stack[index]`.
    Open {
        /// The thread whose stack holds the variable.
        thread: Gc<Thread>,
        /// The stack slot.
        index: usize,
    },
    /// The variable, after its scope ended.
    Closed(Value),
}

impl Trace for UpVal {
    fn trace(&self, m: &mut Marker) {
        match self {
            UpVal::Open { thread, .. } => m.mark_obj(*thread),
            UpVal::Closed(v) => m.mark_value(*v),
        }
    }
}
