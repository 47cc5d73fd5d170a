//! The running Lua frame's register window and constant table as unchecked views for
//! the dispatch loop (`interp.rs`): register and constant access without a bounds check
//! or a reload of the stack pointer after every store.
//!
//! Invariants this module relies on (its single audit point):
//! - Register operands are below the proto's `max_stack_size`: the compiler allocates
//!   registers below it, and `dump::validate` checks every register operand of a binary
//!   chunk (including the derived ones: `A + 1` of `SELF`, `A + 3` of the for loops,
//!   `A + B` of `LOADNIL`).
//! - [`Regs::new`] checks once that the stack holds `base + max_stack_size` slots (the
//!   call setup grows it to that before the frame runs); [`Regs::window`] skips the
//!   check where the loop knows it holds (a frame the call path just set up, a caller
//!   returned to, the running frame after a reallocation: see the next point).
//! - [`frame_at`] indexes the frame list unchecked at the running frame (the top one)
//!   or below it; [`push_frame`] pushes without a capacity test after the call path
//!   tested it.
//! - The thread's stack is reallocated only by growth (calls, metamethod calls, hooks,
//!   finalizers, host interrupts, `VARARG`) and by the collector's stack shrinking
//!   (collection steps at safe points, full collections under the memory limit), which
//!   keeps every frame's `base + max_stack_size` slots. The dispatch loop takes a fresh
//!   [`Regs`] after every such operation (its `reload!` macro: after each slow-path
//!   helper, hook, interrupt and GC safe point) and at every frame entry (`'newframe`),
//!   so a `Regs` in use always points into the live buffer.
//! - Values pushed above the window (an open `VARARG` result) are read checked.
//! - Constant operands are below `constants.len()`: the compiler emits only indices it
//!   added, and `dump::validate` checks them for binary chunks.
#![expect(
    unsafe_code,
    reason = "unchecked register and constant access in the dispatch loop; bounds are \
              guaranteed by the loader's validation and checked once per frame entry"
)]

use super::function::{FuncProto, UpVal};
use super::gc::Gc;
use super::thread::Frame;
use super::value::Value;
use crate::opcode::Instruction;

/// `Value::Nil`'s tag byte (`repr(C, u8)`: discriminants in declaration order).
const TAG_NIL: u8 = 0;
/// `Value::Bool`'s tag byte.
const TAG_BOOL: u8 = 1;
/// `Value::Int`'s tag byte.
pub(crate) const TAG_INT: u8 = 2;
/// `Value::Num`'s tag byte.
pub(crate) const TAG_NUM: u8 = 3;
const _: () = assert!(std::mem::size_of::<Value>() == 16);

/// A raw pointer to `R[0]` of the running frame.
#[derive(Copy, Clone)]
pub(crate) struct Regs {
    p: *mut Value,
    /// Number of valid registers (checked in debug builds only).
    #[cfg(debug_assertions)]
    len: usize,
}

impl Regs {
    /// The window `stack[base..base + size]`. Panics when the stack is shorter (a broken
    /// frame setup), so every later access below `size` is in bounds.
    #[inline(always)]
    pub(crate) fn new(stack: &mut [Value], base: usize, size: usize) -> Regs {
        let window = &mut stack[base..base + size];
        Regs {
            p: window.as_mut_ptr(),
            #[cfg(debug_assertions)]
            len: size,
        }
    }

    /// As [`Regs::new`] without the bounds check, for a frame whose window the stack
    /// is known to hold: a frame just set up by the call path (which grew the stack to
    /// `base + size` and more), a Lua caller returned to (its window was checked when
    /// it was entered and the stack never shrinks below a live frame's window), or the
    /// running frame after an operation that may have reallocated the stack (same
    /// reason). Checked in debug builds.
    #[inline(always)]
    pub(crate) fn window(stack: &mut [Value], base: usize, size: usize) -> Regs {
        debug_assert!(base + size <= stack.len(), "frame window outside the stack");
        let _ = size;
        Regs {
            // SAFETY: `base + size <= stack.len()` (see above), so `base` is at most one
            // past the end and the pointer stays inside (or one past) the buffer.
            p: unsafe { stack.as_mut_ptr().add(base) },
            #[cfg(debug_assertions)]
            len: size,
        }
    }

    /// `R[i]` as a place; `i` must be a validated register operand (below
    /// `max_stack_size`) and the stack must not have been reallocated since `new`.
    #[inline(always)]
    pub(crate) fn at(&mut self, i: usize) -> &mut Value {
        #[cfg(debug_assertions)]
        assert!(i < self.len, "register {i} outside the frame");
        // SAFETY: `i < size` (validated operand, see the module invariants) and `new`
        // checked `base + size <= stack.len()`; the buffer has not been reallocated since
        // (the dispatch loop reloads after every operation that can grow the stack), and
        // the returned borrow ends within the dispatch loop's expression using it, before
        // any other access to the stack.
        unsafe { &mut *self.p.add(i) }
    }

    /// `R[i]` read as its tag byte and payload word (never one 16-byte load, which the
    /// processor cannot forward from the narrower stores that wrote the register: a
    /// register is usually written by the instruction just before). The value is rebuilt
    /// from those parts, so it stays in machine registers. Same requirements as
    /// [`Regs::at`].
    #[inline(always)]
    pub(crate) fn get(&self, i: usize) -> Value {
        #[cfg(debug_assertions)]
        assert!(i < self.len, "register {i} outside the frame");
        // SAFETY: as in `at` (valid, live slot). `Value` is `repr(C, u8)`: the tag byte
        // (the discriminant, declaration order) at offset 0, then the union of the
        // payloads at offset 8 (its alignment): `Bool`'s byte, or an 8-byte word
        // (integers, floats, light userdata addresses, GC handles). The tag read is a
        // valid discriminant, so `[tag, word]` is a valid `Value` of a word variant
        // (padding bytes are zero).
        unsafe {
            let slot = self.p.add(i);
            let tag = *slot.cast::<u8>();
            match tag {
                TAG_NIL => Value::Nil,
                TAG_BOOL => Value::Bool(*slot.cast::<bool>().add(8)),
                _ => {
                    let word = *slot.cast::<u64>().add(1);
                    std::mem::transmute::<[u64; 2], Value>([u64::from(tag), word])
                }
            }
        }
    }

    /// `R[i]` as (tag byte, payload word), read separately (see [`Regs::get`]): the
    /// arithmetic fast paths test both operands' tags before building any value. The
    /// word is meaningful for integers and floats (their bits). Same requirements as
    /// [`Regs::at`].
    #[inline(always)]
    pub(crate) fn raw(&self, i: usize) -> (u8, u64) {
        #[cfg(debug_assertions)]
        assert!(i < self.len, "register {i} outside the frame");
        // SAFETY: as in `get`.
        unsafe {
            let slot = self.p.add(i);
            (*slot.cast::<u8>(), *slot.cast::<u64>().add(1))
        }
    }

    /// Whether `R[i]` is neither nil nor false, from its tag byte (and the boolean's
    /// byte). Same requirements as [`Regs::at`].
    #[inline(always)]
    pub(crate) fn truthy(&self, i: usize) -> bool {
        #[cfg(debug_assertions)]
        assert!(i < self.len, "register {i} outside the frame");
        // SAFETY: as in `get` (valid, live slot; a `Bool`'s byte at offset 8).
        unsafe {
            let slot = self.p.add(i);
            match *slot.cast::<u8>() {
                TAG_NIL => false,
                TAG_BOOL => *slot.cast::<bool>().add(8),
                _ => true,
            }
        }
    }

    /// `R[i..i + 4]` (the numeric for loop's slots); `i + 3` must be a validated
    /// register operand.
    #[inline(always)]
    pub(crate) fn four(&mut self, i: usize) -> &mut [Value; 4] {
        #[cfg(debug_assertions)]
        assert!(i + 4 <= self.len, "for-loop slots outside the frame");
        // SAFETY: as in `at`: `i + 3 < size` (validated `A + 3` of FORPREP/FORLOOP), the
        // buffer is live, and `[Value; 4]` has the layout of four consecutive slots.
        unsafe { &mut *self.p.add(i).cast::<[Value; 4]>() }
    }
}

/// The running function's code and constants as raw pointers. `Copy` and free of
/// borrows, so the dispatch loop can switch to another frame in place (a Lua call or a
/// return to a Lua caller) by assigning a new one.
///
/// Valid while the frame whose function it was taken from runs: that frame's closure
/// keeps the prototype alive (the collector traces every frame's function), and a
/// prototype's code (`Rc<Proto>`) and constant table never change after it is made.
#[derive(Copy, Clone)]
pub(crate) struct Code {
    code: *const Instruction,
    k: *const Value,
    #[cfg(debug_assertions)]
    ncode: usize,
    #[cfg(debug_assertions)]
    nk: usize,
}

impl Code {
    /// The code and constants of `fp`.
    #[inline(always)]
    pub(crate) fn new(fp: &FuncProto) -> Code {
        Code {
            code: fp.proto.code.as_ptr(),
            k: fp.constants.as_ptr(),
            #[cfg(debug_assertions)]
            ncode: fp.proto.code.len(),
            #[cfg(debug_assertions)]
            nk: fp.constants.len(),
        }
    }
}

/// `code[pc]` without a bounds check. Every path through a function's code ends in a
/// return and every jump lands inside the code (the compiler emits them so;
/// `dump::check_code` checks binary chunks: opcodes, jump targets, no fall-through past
/// the end), so the dispatch loop never fetches at `pc >= code.len()`.
#[inline(always)]
pub(crate) fn fetch(c: Code, pc: usize) -> Instruction {
    #[cfg(debug_assertions)]
    assert!(pc < c.ncode, "pc {pc} outside the code");
    // SAFETY: `pc < code.len()` by the control-flow invariant above; the code is alive
    // and unchanged (see `Code`).
    unsafe { *c.code.add(pc) }
}

/// The dispatch loop's arm for opcode bytes outside the opcode table: never reached,
/// because the compiler emits only opcodes of the table and `dump::check_code` rejects
/// binary chunks with any other byte. Telling the optimiser so removes the range check
/// in front of the jump table.
#[inline(always)]
pub(crate) fn invalid_opcode() -> ! {
    debug_assert!(false, "invalid opcode byte");
    // SAFETY: unreachable: every instruction's opcode byte indexes `OpCode::ALL` (see
    // above), and the dispatch loop has an arm for each of them.
    unsafe { std::hint::unreachable_unchecked() }
}

/// Frame `fi` of a thread's frame list without a bounds check: `fi` must be below
/// `frames.len()`, as the dispatch loop's running frame (the top one) and its callers
/// are. Checked in debug builds.
#[inline(always)]
pub(crate) fn frame_at(frames: &mut [Frame], fi: usize) -> &mut Frame {
    debug_assert!(fi < frames.len(), "frame {fi} outside the frame list");
    // SAFETY: `fi < frames.len()` (see above); the borrow is tied to `frames`.
    unsafe { frames.get_unchecked_mut(fi) }
}

/// Pushes `f` onto `frames`, whose capacity the caller checked (`len < capacity`):
/// the call fast paths test the capacity already (growth is counted against the
/// memory limit, in `Vm::precall`), so `Vec::push`'s own test and growth path are dead.
#[inline(always)]
pub(crate) fn push_frame(frames: &mut Vec<Frame>, f: Frame) {
    debug_assert!(frames.len() < frames.capacity(), "no room for the frame");
    let n = frames.len();
    // SAFETY: `n < capacity` (checked by the caller), so slot `n` is allocated and
    // uninitialised; writing it and raising the length by one keeps the `Vec` valid.
    unsafe {
        frames.as_mut_ptr().add(n).write(f);
        frames.set_len(n + 1);
    }
}

/// Upvalue `i` of the running closure without a bounds check; `i` must be a validated
/// upvalue operand (`GETUPVAL`/`SETUPVAL` B): the compiler emits only indices of the
/// function's upvalue list, `dump::validate` checks binary chunks, and a closure has
/// one upvalue per descriptor of its prototype.
#[inline(always)]
pub(crate) fn upval_at(ups: &[Gc<UpVal>], i: usize) -> Gc<UpVal> {
    debug_assert!(i < ups.len(), "upvalue {i} out of range");
    // SAFETY: `i < ups.len()` (see above).
    unsafe { *ups.get_unchecked(i) }
}

/// `K[i]` without a bounds check; `i` must be a validated constant operand.
#[inline(always)]
pub(crate) fn konst(c: Code, i: usize) -> Value {
    #[cfg(debug_assertions)]
    assert!(i < c.nk, "constant {i} out of range");
    // SAFETY: constant operands are below `constants.len()` (the compiler emits only
    // indices it added; `dump::validate` checks binary chunks); the table is alive and
    // unchanged (see `Code`).
    unsafe { *c.k.add(i) }
}

/// `K[i]` as (tag byte, payload word), as [`Regs::raw`]; `i` must be a validated
/// constant operand.
#[inline(always)]
pub(crate) fn konst_raw(c: Code, i: usize) -> (u8, u64) {
    #[cfg(debug_assertions)]
    assert!(i < c.nk, "constant {i} out of range");
    // SAFETY: as in `konst`; the layout as in `Regs::get`.
    unsafe {
        let slot = c.k.add(i);
        (*slot.cast::<u8>(), *slot.cast::<u64>().add(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn get_reads_back_every_kind() {
        let mut stack = vec![
            Value::Int(-7),
            Value::Num(2.5),
            Value::Bool(true),
            Value::Nil,
        ];
        let r = Regs::new(&mut stack, 0, 4);
        assert!(matches!(r.get(0), Value::Int(-7)));
        assert!(matches!(r.get(1), Value::Num(x) if x == 2.5));
        assert!(matches!(r.get(2), Value::Bool(true)));
        assert!(matches!(r.get(3), Value::Nil));
        let mut stack = vec![Value::Bool(false), Value::LightUserData(0xdead_beef)];
        let r = Regs::new(&mut stack, 0, 2);
        assert!(matches!(r.get(0), Value::Bool(false)));
        assert!(matches!(r.get(1), Value::LightUserData(0xdead_beef)));
    }
}
