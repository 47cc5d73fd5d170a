//! The abstract syntax tree the parser produces and the compiler consumes.
//!
//! The tree is plain data: it never touches the GC heap, so the front end is testable
//! alone. Names are resolved by the compiler, not the parser (a `Name` expression is
//! a local, an upvalue or a global depending on scope).
//!
//! # Lines
//!
//! Every node carries the source line(s) that the reference compiler (`luac` 5.4) would
//! attribute to the instructions it produces, so that runtime error messages
//! (`input:3: attempt to ...`) and `luac -l`-style listings agree with lua5.4:
//!
//! * [`Expr::line`]: the line of the token that "does" the expression — for a binary or
//!   unary operator the line of the operator token; for a call the line where the whole
//!   suffixed expression starts (luac's `funcargs(ls, v, line)`); for an index `a.b` /
//!   `a[b]` and a method call the line of the `.`/`[`/`:` token; for literals, names,
//!   `...`, table constructors and function bodies the line of their first token;
//!   for `(expr)` the line of the `(`. (The line luac gives a method call's `CALL` is
//!   the line where the suffixed expression starts: the line of the innermost
//!   `Name`/`Paren` reached through the object of `Index`/`Call`/`MethodCall`.)
//! * [`Stat::line`]: the line of the statement's first token.
//! * [`Block::end_line`]: the line of the token that closes the block (`end`, `until`,
//!   `else`, `elseif`); for the main chunk, the line of the last token before `<eof>`
//!   (luac's `lastline`, 1 for an empty chunk). Used for the final `RETURN` of a
//!   function, for goto/label checks done at block end and for `lastlinedefined`.

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
}

/// A statement with its first line.
#[derive(Clone, Debug, PartialEq)]
pub struct Stat {
    /// What the statement is.
    pub kind: StatKind,
    /// Line of the statement's first token.
    pub line: u32,
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
        /// The control variable.
        var: Name,
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
        /// The declared variables (at least one).
        names: Vec<Name>,
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
        name: Name,
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
}

/// A function body: parameters and block.
#[derive(Clone, Debug, PartialEq)]
pub struct FuncBody {
    /// Named parameters, in order (`self` first for methods).
    pub params: Vec<Name>,
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
    /// A variable reference: local, upvalue or global (resolved by the compiler).
    Name(Name),
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
