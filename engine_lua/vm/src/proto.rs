//! Function prototypes: the compiler's output, plain data independent of the GC heap.
//!
//! The runtime turns a [`Proto`] tree into heap objects when a chunk is loaded
//! (strings interned, constants converted to values); the compiler, the listing and the
//! binary-chunk format (`string.dump`) only ever see this form.

use crate::opcode::Instruction;
use std::rc::Rc;

/// A compile-time constant (luac's `k` array entry).
#[derive(Clone, Debug, PartialEq)]
pub enum Constant {
    /// `nil`.
    Nil,
    /// `true` / `false`.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A float (compared by bits when deduplicating, so `0.0`/`-0.0`/NaN stay apart).
    Float(f64),
    /// A string (bytes).
    Str(Rc<[u8]>),
}

/// Where a closure finds an upvalue when it is created (luac's `Upvaldesc`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UpvalDesc {
    /// The upvalue's name (for debug information and error messages).
    pub name: Rc<str>,
    /// `true`: the upvalue is the enclosing function's register `index`;
    /// `false`: it is the enclosing function's upvalue `index`.
    pub in_stack: bool,
    /// Register or upvalue index in the enclosing function.
    pub index: u8,
    /// The captured variable's kind (regular, `<const>`, `<close>`).
    pub kind: VarKind,
}

/// Kind of a local variable.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum VarKind {
    /// An ordinary local.
    #[default]
    Regular,
    /// `<const>` (a run-time constant; compile-time constants get no register).
    Const,
    /// `<close>`.
    Close,
}

/// A local variable's name and live range, for debug information
/// (luac's `LocVar`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocVar {
    /// The variable's name; internal variables are named `(for state)` and the like,
    /// as in the reference.
    pub name: Rc<str>,
    /// First instruction where the variable is active.
    pub start_pc: u32,
    /// First instruction where the variable is dead.
    pub end_pc: u32,
}

/// A compiled function.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Proto {
    /// The chunk name as given to `load` (`@file.lua`, `=stdin`, or source text).
    pub source: Rc<str>,
    /// Line of the `function` keyword; 0 for the main chunk.
    pub line_defined: u32,
    /// Line of the closing `end`; 0 for the main chunk.
    pub last_line_defined: u32,
    /// Number of fixed parameters.
    pub num_params: u8,
    /// Whether the function is vararg (the main chunk always is).
    pub is_vararg: bool,
    /// Number of registers the function needs (at least 2, as luac).
    pub max_stack_size: u8,
    /// The bytecode.
    pub code: Vec<Instruction>,
    /// The constants referred to by `K[x]` operands.
    pub constants: Vec<Constant>,
    /// Nested functions, referred to by `CLOSURE`'s `Bx`.
    pub protos: Vec<Rc<Proto>>,
    /// Upvalue descriptions, referred to by `Up[x]` operands.
    pub upvalues: Vec<UpvalDesc>,
    /// Source line of each instruction (same length as `code`).
    pub line_info: Vec<u32>,
    /// Local variables, in order of declaration (`getlocal` numbering).
    pub loc_vars: Vec<LocVar>,
}
