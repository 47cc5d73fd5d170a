//! The abstract syntax tree the parser produces and the compiler consumes.
//!
//! The tree is plain data: it never touches the GC heap, so the front end is testable
//! alone. Names are resolved by the compiler, not the parser (a `Name` expression is
//! a local, an upvalue or a global depending on scope).
//!
//! # Lines
//!
//! luac 5.4 gives each instruction the line of the last token its parser had consumed
//! when it emitted the instruction (`ls->lastline`), and fixes a few afterwards to the
//! line of an operator or of the start of a call (`luaK_fixline`). Our compiler
//! emits code after parsing, so the tree records, for each point where luac emits
//! code, the `lastline` it had there; the compiler sets its current line from these
//! before each emission, in the reference's order, and so runtime errors, line hooks
//! and listings agree with lua5.4:
//!
//! * [`Expr::line`]: the line of the token that "does" the expression — for a binary or
//!   unary operator the line of the operator token (`infix` runs there and the
//!   arithmetic instruction is fixed to it); for a call the line where the whole
//!   suffixed expression starts (luac's `funcargs(ls, v, line)`, also for method
//!   calls: the line of the innermost `Name`/`Paren` reached through the object of
//!   `Index`/`Call`/`MethodCall`); for an index `a.b` / `a[b]` the line of the
//!   `.`/`[`; for a method call the line of the method name (where `SELF` is
//!   emitted); for literals, names and function bodies the line of their first
//!   token; for `(expr)` the line of the `(`. For `...` and `{` (whose `VARARG` and
//!   `NEWTABLE` luac emits before consuming them) the line of the token before them.
//! * [`Expr::end_line`]: `lastline` when the expression's consumer discharges it: the
//!   line of its last token, except for an item of an expression list or a positional
//!   table field followed by a separator (`,` `;`), where luac discharges the item
//!   after consuming the separator: the separator's line.
//! * [`Stat::line`]: the line of the statement's first token; [`Stat::end_line`] the
//!   line of its last token (where `local`, assignments, `goto` emit their code).
//! * [`Block::open_line`]: the line of the token before the block's first statement
//!   (`then`, `do`, `else`, `repeat`, the `)` of a parameter list): luac tests an `if`
//!   condition and emits `FORPREP` there. [`Block::last_line`]: the line of the last
//!   token before the closing token (inner `CLOSE`s and loop jumps). [`Block::end_line`]:
//!   the line of the token that closes the block (`end`, `until`, `else`, `elseif`);
//!   for the main chunk, the line of the last token before `<eof>` (luac's `lastline`,
//!   1 for an empty chunk). Used for the final `RETURN` of a function, for goto/label
//!   checks done at block end and for `lastlinedefined`.
//!
//! Deviation: the line of a separator `,`/`;` is not recorded when it differs from the
//! line of a named table field's value (luac stores the field before the separator, so
//! nothing is lost there).
//!
//! # Limit errors
//!
//! luac checks its limits (200 local variables, 255 upvalues per function) while
//! parsing and words the error with the token current at that moment:
//! `too many local variables (limit is 200) in main function near '='`. The compiler
//! checks them later, so each place that can hit a limit records that token as a
//! [`Near`]: every declared name ([`Declared`], [`LocalName`]: the token after the
//! name, or after `(` for a method's implicit `self`, `=` for a numeric `for`'s
//! variable) and every name reference ([`ExprKind::Name`], [`FuncName::near`]: the
//! token after the name, where luac resolves it and may create upvalues).

use std::borrow::Cow;

/// An identifier. Lua identifiers are ASCII in the C locale, so `String` is exact.
pub type Name = String;

/// A whole chunk: the body of the main function (which is always vararg).
#[derive(Clone, Debug, PartialEq)]
pub struct Chunk {
    /// The main function's body.
    pub block: Block,
}

/// A sequence of statements with an optional final `return`.
#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    /// The statements in order (`;` empty statements are dropped).
    pub stats: Vec<Stat>,
    /// The final `return explist`, if any.
    pub ret: Option<Return>,
    /// Line of the token before the first statement (see the module docs).
    pub open_line: u32,
    /// Line of the last token before the closing token (see the module docs).
    pub last_line: u32,
    /// Line of the token that closes the block (see the module docs).
    pub end_line: u32,
}

/// `return explist [';']`.
#[derive(Clone, Debug, PartialEq)]
pub struct Return {
    /// The returned expressions (possibly empty).
    pub exprs: Vec<Expr>,
    /// Line of the `return` keyword.
    pub line: u32,
    /// Line of the last token of the expression list (of `return` when it is empty),
    /// where luac emits the `RETURN`.
    pub end_line: u32,
}

/// A statement with its first line.
#[derive(Clone, Debug, PartialEq)]
pub struct Stat {
    /// What the statement is.
    pub kind: StatKind,
    /// Line of the statement's first token.
    pub line: u32,
    /// Line of the statement's last token.
    pub end_line: u32,
}

/// The statement forms of Lua 5.4.
#[derive(Clone, Debug, PartialEq)]
pub enum StatKind {
    /// `f(args)`, `o:m(args)`: a call used as a statement. The expression is always
    /// [`ExprKind::Call`] or [`ExprKind::MethodCall`].
    Call(Expr),
    /// `local n1 <attr>, n2 = e1, e2`.
    Local {
        /// The declared names, each with its attribute.
        names: Vec<LocalName>,
        /// The initialisers (possibly empty).
        exprs: Vec<Expr>,
    },
    /// `t1, t2 = e1, e2`. Each target is a `Name`, `Index` (never a call or a literal).
    Assign {
        /// The assigned places, left to right.
        targets: Vec<Expr>,
        /// The values.
        exprs: Vec<Expr>,
    },
    /// `do block end`.
    Do(Block),
    /// `while cond do block end`.
    While {
        /// The condition, evaluated before each iteration.
        cond: Expr,
        /// The body.
        block: Block,
    },
    /// `repeat block until cond` (the condition sees the block's locals).
    Repeat {
        /// The body.
        block: Block,
        /// The condition, evaluated after each iteration inside the body's scope.
        cond: Expr,
    },
    /// `if c1 then b1 elseif c2 then b2 else b3 end`.
    If {
        /// `(condition, block)` for the `if` and each `elseif`, in order; never empty.
        arms: Vec<(Expr, Block)>,
        /// The `else` block.
        else_block: Option<Block>,
    },
    /// `for var = start, limit [, step] do block end`.
    NumericFor {
        /// The control variable (`near` is the `=`, also for the three hidden state
        /// variables declared with it).
        var: Declared,
        /// Initial value.
        start: Expr,
        /// Limit.
        limit: Expr,
        /// Step, when given.
        step: Option<Expr>,
        /// The body.
        block: Block,
    },
    /// `for n1, n2 in explist do block end`.
    GenericFor {
        /// The declared variables (at least one; the first's `near` also stands for
        /// the four hidden state variables).
        names: Vec<Declared>,
        /// The iterator expressions (at least one).
        exprs: Vec<Expr>,
        /// The body.
        block: Block,
    },
    /// `function a.b.c:m(params) body end` (also plain `function f() end`).
    Function {
        /// The dotted name, e.g. `a.b.c:m`.
        name: FuncName,
        /// The function. When `name.method` is set, the body's parameters already
        /// start with the implicit `self`.
        body: Box<FuncBody>,
    },
    /// `local function name(params) body end` (the name is in scope in the body).
    LocalFunction {
        /// The local's name.
        name: Declared,
        /// The function.
        body: Box<FuncBody>,
    },
    /// `goto label`.
    Goto(Name),
    /// `::label::`.
    Label(Name),
    /// `break`.
    Break,
}

/// A name declared by `local`, with its attribute.
#[derive(Clone, Debug, PartialEq)]
pub struct LocalName {
    /// The variable's name.
    pub name: Name,
    /// `<const>` or `<close>`, if given.
    pub attrib: Option<Attrib>,
    /// The token after the name (see "Limit errors" in the module docs).
    pub near: Near,
}

/// A declared name (parameter, `for` variable, `local function` name) with the token
/// luac's parser had current when it declared it.
#[derive(Clone, Debug, PartialEq)]
pub struct Declared {
    /// The variable's name.
    pub name: Name,
    /// The token current at the declaration (see "Limit errors" in the module docs).
    pub near: Near,
}

/// The token current in luac's parser at a point where it may raise a limit error:
/// the lexer's line then and the token as a `near` part shows it (`'='`, `<eof>`,
/// `'foo'`).
#[derive(Clone, Debug, PartialEq)]
pub struct Near {
    /// The lexer's line (`ls->linenumber`): the line the error names.
    pub line: u32,
    /// The token as quoted after `near ` (see [`super::lexer::near_text`]).
    pub text: Cow<'static, str>,
}

/// A local variable attribute.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Attrib {
    /// `<const>`: assignment is a compile error; compile-time constants are folded.
    Const,
    /// `<close>`: to-be-closed variable (implies const).
    Close,
}

/// The name in `function a.b.c:m() end`.
#[derive(Clone, Debug, PartialEq)]
pub struct FuncName {
    /// `a`, then `b`, `c`: at least one name.
    pub path: Vec<Name>,
    /// `m` after `:`, if present.
    pub method: Option<Name>,
    /// Line of each name in `path` after the first, and of `method`, as luac uses for
    /// the field accesses (one entry per name after the first, then one for `method`).
    pub lines: Vec<u32>,
    /// The token after the first name, where luac resolves it.
    pub near: Near,
}

/// A function body: parameters and block.
#[derive(Clone, Debug, PartialEq)]
pub struct FuncBody {
    /// Named parameters, in order (`self` first for methods).
    pub params: Vec<Declared>,
    /// Whether the parameter list ends with `...`.
    pub is_vararg: bool,
    /// The body; `block.end_line` is the line of the closing `end`
    /// (luac's `lastlinedefined`).
    pub block: Block,
    /// luac's `linedefined`: the line of the `function` keyword for a `function`
    /// statement, but the line of the `(` for `local function f (` and for a
    /// function expression (as luac records it).
    pub line: u32,
}

/// An expression with its line (see the module docs for which token's line).
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    /// What the expression is.
    pub kind: ExprKind,
    /// The line luac attributes to the expression's instruction.
    pub line: u32,
    /// `lastline` when the expression's consumer discharges it (see the module docs).
    pub end_line: u32,
}

/// The expression forms of Lua 5.4.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// `nil`.
    Nil,
    /// `true`.
    True,
    /// `false`.
    False,
    /// An integer numeral that fits `i64` (decimal numerals that overflow are floats;
    /// hex numerals wrap around, as in the reference).
    Int(i64),
    /// A float numeral.
    Float(f64),
    /// A string literal, escapes already decoded (bytes, not UTF-8).
    Str(Vec<u8>),
    /// `...`.
    Vararg,
    /// `function (params) body end`.
    Function(Box<FuncBody>),
    /// `{ fields }`.
    Table(Vec<TableField>),
    /// `lhs op rhs`.
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `op operand`.
    Unary(UnOp, Box<Expr>),
    /// A variable reference: local, upvalue or global (resolved by the compiler), with
    /// the token after the name (see "Limit errors" in the module docs).
    Name(Name, Near),
    /// `obj[key]`, and `obj.name` as `Index(obj, Str(name))`.
    Index(Box<Expr>, Box<Expr>),
    /// `f(args)`, `f"str"`, `f{table}`.
    Call(Box<Expr>, Vec<Expr>),
    /// `obj:name(args)`.
    MethodCall(Box<Expr>, Name, Vec<Expr>),
    /// `(expr)`: truncates a multi-value expression to one value.
    Paren(Box<Expr>),
}

/// One field of a table constructor.
#[derive(Clone, Debug, PartialEq)]
pub enum TableField {
    /// `expr`: the next positional item.
    Positional(Expr),
    /// `name = expr`, stored with the name as a `Str` key.
    Named(Name, Expr),
    /// `[key] = expr`.
    Keyed(Expr, Expr),
}

/// Binary operators, in the reference manual's terms.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum BinOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `//`
    IDiv,
    /// `%`
    Mod,
    /// `^` (right associative)
    Pow,
    /// `..` (right associative)
    Concat,
    /// `==`
    Eq,
    /// `~=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `and`
    And,
    /// `or`
    Or,
    /// `&`
    BAnd,
    /// `|`
    BOr,
    /// `~` (binary)
    BXor,
    /// `<<`
    Shl,
    /// `>>`
    Shr,
}

impl BinOp {
    /// `(left, right)` binding priorities from the reference parser (`lparser.c`
    /// `priority[]`): a right priority lower than the left makes the operator right
    /// associative.
    pub fn priority(self) -> (u8, u8) {
        use BinOp::*;
        match self {
            Or => (1, 1),
            And => (2, 2),
            Lt | Gt | Le | Ge | Ne | Eq => (3, 3),
            BOr => (4, 4),
            BXor => (5, 5),
            BAnd => (6, 6),
            Shl | Shr => (7, 7),
            Concat => (9, 8),
            Add | Sub => (10, 10),
            Mul | Div | IDiv | Mod => (11, 11),
            Pow => (14, 13),
        }
    }

    /// The operator as written in source.
    pub fn symbol(self) -> &'static str {
        use BinOp::*;
        match self {
            Add => "+",
            Sub => "-",
            Mul => "*",
            Div => "/",
            IDiv => "//",
            Mod => "%",
            Pow => "^",
            Concat => "..",
            Eq => "==",
            Ne => "~=",
            Lt => "<",
            Le => "<=",
            Gt => ">",
            Ge => ">=",
            And => "and",
            Or => "or",
            BAnd => "&",
            BOr => "|",
            BXor => "~",
            Shl => "<<",
            Shr => ">>",
        }
    }
}

/// Priority of every unary operator (binds tighter than all binary operators but `^`).
pub const UNARY_PRIORITY: u8 = 12;

/// Unary operators.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum UnOp {
    /// `-`
    Neg,
    /// `not`
    Not,
    /// `#`
    Len,
    /// `~` (unary)
    BNot,
}
