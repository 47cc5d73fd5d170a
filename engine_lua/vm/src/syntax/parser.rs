//! The parser: tokens -> [`ast`](super::ast), recursive descent in the reference's (`lparser.c`)
//! shape, with its error messages and its nesting limit.
//!
//! Each parse function carries the grammar rule it implements above it. Lines follow
//! the module docs of [`ast`](super::ast). Checks that need scopes (goto/label visibility,
//! duplicate labels, `break` outside a loop, assignment to const variables, register
//! and upvalue limits) are the compiler's; the parser does the ones the reference does
//! while reading: attributes, several to-be-closed variables, `...` outside a vararg
//! function, assignment targets, expression statements that are not calls.

use super::SyntaxError;
use super::ast::*;
use super::lexer::{Lexeme, Lexer, Token, near_static, near_text};
use std::borrow::Cow;

/// Nesting depth (statements, sub-expressions, assignment targets) at which the
/// reference stops with `C stack overflow`: its `LUAI_MAXCCALLS` (200) minus the one C
/// level `lua5.4 file.lua` is already at when the parser starts.
/// At this depth the parser needs about 384 KiB of stack (dev profile).
const MAX_DEPTH: u32 = 199;

/// Parses a whole chunk (see [`super::parse`]).
pub fn parse_chunk(source: &[u8], chunkname: &str) -> Result<Chunk, SyntaxError> {
    let mut lexer = Lexer::new(source, chunkname);
    let first = lexer.next_token()?;
    let mut parser = Parser {
        lexer,
        t: first,
        ahead: None,
        lastline: 1,
        depth: 0,
        vararg: vec![true],
        fvars: vec![(0, 0)],
    };
    parser.main_chunk()
}

struct Parser<'a> {
    lexer: Lexer<'a>,
    /// The current token.
    t: Lexeme,
    /// A token read ahead (only to tell `name =` fields in table constructors).
    ahead: Option<Lexeme>,
    /// The line of the last token consumed (luac's `lastline`).
    lastline: u32,
    depth: u32,
    /// Whether each enclosing function is vararg, innermost last.
    vararg: Vec<bool>,
    /// For each enclosing function, innermost last: the line it starts on (0 for the
    /// main chunk) and how many local variables its open blocks declare, counted as
    /// the reference does (hidden `for` state included) to raise its "too many local
    /// variables" error at the same token.
    fvars: Vec<(u32, usize)>,
}

/// Most local variables a function may have in scope at once (`MAXVARS`).
const MAX_VARS: usize = 200;

type PResult<T> = Result<T, SyntaxError>;

impl Parser<'_> {
    // ---- token helpers ------------------------------------------------------------

    fn next(&mut self) -> PResult<()> {
        self.lastline = self.lexer.line;
        self.t = match self.ahead.take() {
            Some(l) => l,
            None => self.lexer.next_token()?,
        };
        Ok(())
    }

    fn look_ahead(&mut self) -> PResult<&Token> {
        if self.ahead.is_none() {
            self.ahead = Some(self.lexer.next_token()?);
        }
        Ok(&self.ahead.as_ref().expect("just filled").token)
    }

    fn line(&self) -> u32 {
        self.t.line
    }

    /// The current token as a limit error would quote it.
    fn near(&self) -> Near {
        let text = match near_static(&self.t.token) {
            Some(s) => Cow::Borrowed(s),
            None => Cow::Owned(near_text(&self.t)),
        };
        Near {
            line: self.lexer.line,
            text,
        }
    }

    /// An expression whose last token was just consumed.
    fn expr_here(&self, kind: ExprKind, line: u32) -> Expr {
        Expr {
            kind,
            line,
            end_line: self.lastline,
        }
    }

    fn is(&self, c: u8) -> bool {
        self.t.token == Token::Char(c)
    }

    /// `msg near <current token>` at the lexer's line.
    fn error(&self, msg: &str) -> SyntaxError {
        self.lexer.error(msg, Some(&self.t))
    }

    /// A message with no `near` part (the reference's `luaK_semerror`).
    fn sem_error(&self, msg: &str) -> SyntaxError {
        self.lexer.error(msg, None)
    }

    fn error_expected(&self, token: &Token) -> SyntaxError {
        self.error(&format!("{} expected", token.describe()))
    }

    fn test_next(&mut self, token: &Token) -> PResult<bool> {
        if &self.t.token == token {
            self.next()?;
            Ok(true)
        } else {
            Ok(false)
        }
    }

    fn check(&self, token: &Token) -> PResult<()> {
        if &self.t.token == token {
            Ok(())
        } else {
            Err(self.error_expected(token))
        }
    }

    fn check_next(&mut self, token: &Token) -> PResult<()> {
        self.check(token)?;
        self.next()
    }

    /// Expects `what` closing `who` opened at `line`.
    fn check_match(&mut self, what: &Token, who: &Token, line: u32) -> PResult<()> {
        if &self.t.token == what {
            return self.next();
        }
        if line == self.lexer.line {
            Err(self.error_expected(what))
        } else {
            Err(self.error(&format!(
                "{} expected (to close {} at line {})",
                what.describe(),
                who.describe(),
                line
            )))
        }
    }

    fn check_name(&mut self) -> PResult<Name> {
        match &self.t.token {
            Token::Name(n) => {
                let n = n.clone();
                self.next()?;
                Ok(n)
            }
            _ => Err(self.error_expected(&Token::Name(String::new()))),
        }
    }

    /// Counts `n` new local variables of the current function (`new_localvar`),
    /// failing past [`MAX_VARS`] near the current token.
    fn new_localvars(&mut self, n: usize) -> PResult<()> {
        let (line, count) = self.fvars.last_mut().expect("a function being parsed");
        *count += n;
        if *count > MAX_VARS {
            let line = *line;
            let place = if line == 0 {
                "main function".to_string()
            } else {
                format!("function at line {line}")
            };
            return Err(self.error(&format!(
                "too many local variables (limit is {MAX_VARS}) in {place}"
            )));
        }
        Ok(())
    }

    /// The number of local variables in scope in the current function.
    fn nvars(&self) -> usize {
        self.fvars.last().expect("a function being parsed").1
    }

    /// Closes the scopes opened since [`Self::nvars`] returned `n`.
    fn restore_vars(&mut self, n: usize) {
        self.fvars.last_mut().expect("a function being parsed").1 = n;
    }

    fn enter_level(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth >= MAX_DEPTH {
            return Err(SyntaxError {
                message: "C stack overflow".into(),
                line: self.lexer.line,
                at_eof: false,
            });
        }
        Ok(())
    }

    fn leave_level(&mut self) {
        self.depth -= 1;
    }

    /// Whether the current token ends a block (`else`, `elseif`, `end`, `<eof>`, and
    /// `until` when `with_until`).
    fn block_follow(&self, with_until: bool) -> bool {
        match self.t.token {
            Token::Else | Token::Elseif | Token::End | Token::Eof => true,
            Token::Until => with_until,
            _ => false,
        }
    }

    // ---- statements ---------------------------------------------------------------

    // mainfunc -> statlist EOS
    fn main_chunk(&mut self) -> PResult<Chunk> {
        let open_line = self.lastline;
        let (stats, ret) = self.stat_list()?;
        self.check(&Token::Eof)?;
        Ok(Chunk {
            block: Block {
                stats,
                ret,
                open_line,
                last_line: self.lastline,
                end_line: self.lastline,
            },
        })
    }

    // block -> statlist
    fn block(&mut self) -> PResult<Block> {
        let nvars = self.nvars();
        let open_line = self.lastline;
        let (stats, ret) = self.stat_list()?;
        self.restore_vars(nvars);
        Ok(Block {
            stats,
            ret,
            open_line,
            last_line: self.lastline,
            end_line: self.line(),
        })
    }

    // statlist -> { stat [';'] } [retstat]
    fn stat_list(&mut self) -> PResult<(Vec<Stat>, Option<Return>)> {
        let mut stats = Vec::new();
        while !self.block_follow(true) {
            if self.t.token == Token::Return {
                let line = self.line();
                self.enter_level()?;
                self.next()?;
                let ret = self.ret_stat(line)?;
                self.leave_level();
                return Ok((stats, Some(ret)));
            }
            if let Some(stat) = self.statement()? {
                stats.push(stat);
            }
        }
        Ok((stats, None))
    }

    // retstat -> RETURN [explist] [';']
    #[inline(never)]
    fn ret_stat(&mut self, line: u32) -> PResult<Return> {
        let exprs = if self.block_follow(true) || self.is(b';') {
            Vec::new()
        } else {
            self.expr_list()?
        };
        let end_line = self.lastline;
        self.test_next(&Token::Char(b';'))?;
        Ok(Return {
            exprs,
            line,
            end_line,
        })
    }

    // stat -> ';' | ifstat | whilestat | DO block END | forstat | repeatstat
    //       | funcstat | localstat | LOCAL FUNCTION localfunc | '::' NAME '::'
    //       | BREAK | GOTO NAME | exprstat
    fn statement(&mut self) -> PResult<Option<Stat>> {
        let line = self.line();
        self.enter_level()?;
        let kind = match self.t.token {
            Token::Char(b';') => {
                self.next()?;
                None
            }
            Token::If => Some(self.if_stat(line)?),
            Token::While => Some(self.while_stat(line)?),
            Token::Do => {
                self.next()?;
                let block = self.block()?;
                self.check_match(&Token::End, &Token::Do, line)?;
                Some(StatKind::Do(block))
            }
            Token::For => Some(self.for_stat(line)?),
            Token::Repeat => Some(self.repeat_stat(line)?),
            Token::Function => Some(self.func_stat(line)?),
            Token::Local => {
                self.next()?;
                if self.test_next(&Token::Function)? {
                    Some(self.local_func()?)
                } else {
                    Some(self.local_stat()?)
                }
            }
            Token::DbColon => {
                self.next()?;
                let name = self.check_name()?;
                self.check_next(&Token::DbColon)?;
                Some(StatKind::Label(name))
            }
            Token::Break => {
                self.next()?;
                Some(StatKind::Break)
            }
            Token::Goto => {
                self.next()?;
                Some(StatKind::Goto(self.check_name()?))
            }
            _ => Some(self.expr_stat()?),
        };
        self.leave_level();
        let end_line = self.lastline;
        Ok(kind.map(|kind| Stat {
            kind,
            line,
            end_line,
        }))
    }

    // ifstat -> IF cond THEN block {ELSEIF cond THEN block} [ELSE block] END
    #[inline(never)]
    fn if_stat(&mut self, line: u32) -> PResult<StatKind> {
        let mut arms = vec![self.test_then_block()?];
        while self.t.token == Token::Elseif {
            arms.push(self.test_then_block()?);
        }
        let else_block = if self.test_next(&Token::Else)? {
            Some(self.block()?)
        } else {
            None
        };
        self.check_match(&Token::End, &Token::If, line)?;
        Ok(StatKind::If { arms, else_block })
    }

    // test_then_block -> [IF | ELSEIF] cond THEN block
    #[inline(never)]
    fn test_then_block(&mut self) -> PResult<(Expr, Block)> {
        self.next()?;
        let cond = self.expr()?;
        self.check_next(&Token::Then)?;
        let block = self.block()?;
        Ok((cond, block))
    }

    // whilestat -> WHILE cond DO block END
    #[inline(never)]
    fn while_stat(&mut self, line: u32) -> PResult<StatKind> {
        self.next()?;
        let cond = self.expr()?;
        self.check_next(&Token::Do)?;
        let block = self.block()?;
        self.check_match(&Token::End, &Token::While, line)?;
        Ok(StatKind::While { cond, block })
    }

    // repeatstat -> REPEAT block UNTIL cond
    #[inline(never)]
    fn repeat_stat(&mut self, line: u32) -> PResult<StatKind> {
        self.next()?;
        let block = self.block()?;
        self.check_match(&Token::Until, &Token::Repeat, line)?;
        let cond = self.expr()?;
        Ok(StatKind::Repeat { block, cond })
    }

    // forstat -> FOR (fornum | forlist) END
    // fornum -> NAME = exp ',' exp [',' exp] forbody
    // forlist -> NAME {',' NAME} IN explist forbody
    // forbody -> DO block
    #[inline(never)]
    fn for_stat(&mut self, line: u32) -> PResult<StatKind> {
        self.next()?;
        let var = Declared {
            name: self.check_name()?,
            near: self.near(),
        };
        let nvars = self.nvars();
        let kind = match self.t.token {
            Token::Char(b'=') => {
                // three hidden state variables and the control variable
                self.new_localvars(4)?;
                self.next()?;
                let start = self.expr()?;
                self.check_next(&Token::Char(b','))?;
                let limit = self.expr()?;
                let step = if self.test_next(&Token::Char(b','))? {
                    Some(self.expr()?)
                } else {
                    None
                };
                self.check_next(&Token::Do)?;
                let block = self.block()?;
                StatKind::NumericFor {
                    var,
                    start,
                    limit,
                    step,
                    block,
                }
            }
            Token::Char(b',') | Token::In => {
                // four hidden state variables and the first name
                self.new_localvars(5)?;
                let mut names = vec![var];
                while self.test_next(&Token::Char(b','))? {
                    let name = self.check_name()?;
                    names.push(Declared {
                        name,
                        near: self.near(),
                    });
                    self.new_localvars(1)?;
                }
                self.check_next(&Token::In)?;
                let exprs = self.expr_list()?;
                self.check_next(&Token::Do)?;
                let block = self.block()?;
                StatKind::GenericFor {
                    names,
                    exprs,
                    block,
                }
            }
            _ => return Err(self.error("'=' or 'in' expected")),
        };
        self.restore_vars(nvars);
        self.check_match(&Token::End, &Token::For, line)?;
        Ok(kind)
    }

    // funcstat -> FUNCTION funcname body
    // funcname -> NAME {'.' NAME} [':' NAME]
    #[inline(never)]
    fn func_stat(&mut self, line: u32) -> PResult<StatKind> {
        self.next()?;
        let mut path = vec![self.check_name()?];
        let near = self.near();
        let mut lines = Vec::new();
        let mut method = None;
        while self.is(b'.') {
            self.next()?;
            lines.push(self.line());
            path.push(self.check_name()?);
        }
        if self.is(b':') {
            self.next()?;
            lines.push(self.line());
            method = Some(self.check_name()?);
        }
        let body = self.body(method.is_some(), line)?;
        Ok(StatKind::Function {
            name: FuncName {
                path,
                method,
                lines,
                near,
            },
            body: Box::new(body),
        })
    }

    // localfunc -> NAME body
    #[inline(never)]
    fn local_func(&mut self) -> PResult<StatKind> {
        let name = Declared {
            name: self.check_name()?,
            near: self.near(),
        };
        self.new_localvars(1)?;
        let line = self.line();
        let body = self.body(false, line)?;
        Ok(StatKind::LocalFunction {
            name,
            body: Box::new(body),
        })
    }

    // localstat -> NAME attrib { ',' NAME attrib } ['=' explist]
    // attrib -> ['<' NAME '>']
    #[inline(never)]
    fn local_stat(&mut self) -> PResult<StatKind> {
        let mut names = Vec::new();
        let mut has_close = false;
        loop {
            let name = self.check_name()?;
            let near = self.near();
            self.new_localvars(1)?;
            let attrib = if self.test_next(&Token::Char(b'<'))? {
                let attr = self.check_name()?;
                self.check_next(&Token::Char(b'>'))?;
                match attr.as_str() {
                    "const" => Some(Attrib::Const),
                    "close" => Some(Attrib::Close),
                    _ => return Err(self.sem_error(&format!("unknown attribute '{attr}'"))),
                }
            } else {
                None
            };
            if attrib == Some(Attrib::Close) {
                if has_close {
                    return Err(self.sem_error("multiple to-be-closed variables in local list"));
                }
                has_close = true;
            }
            names.push(LocalName { name, attrib, near });
            if !self.test_next(&Token::Char(b','))? {
                break;
            }
        }
        let exprs = if self.test_next(&Token::Char(b'='))? {
            self.expr_list()?
        } else {
            Vec::new()
        };
        Ok(StatKind::Local { names, exprs })
    }

    // exprstat -> func | assignment
    // assignment -> suffixedexp restassign
    // restassign -> ',' suffixedexp restassign | '=' explist
    #[inline(never)]
    fn expr_stat(&mut self) -> PResult<StatKind> {
        let first = self.suffixed_expr()?;
        if self.is(b'=') || self.is(b',') {
            let mut targets = vec![first];
            let mut levels = 0;
            loop {
                let last = targets.last().expect("one target at least");
                if !matches!(last.kind, ExprKind::Name(..) | ExprKind::Index(..)) {
                    return Err(self.error("syntax error"));
                }
                if !self.test_next(&Token::Char(b','))? {
                    break;
                }
                targets.push(self.suffixed_expr()?);
                self.enter_level()?;
                levels += 1;
            }
            self.check_next(&Token::Char(b'='))?;
            let exprs = self.expr_list()?;
            self.depth -= levels;
            Ok(StatKind::Assign { targets, exprs })
        } else {
            if !matches!(first.kind, ExprKind::Call(..) | ExprKind::MethodCall(..)) {
                return Err(self.error("syntax error"));
            }
            Ok(StatKind::Call(first))
        }
    }

    // ---- functions ----------------------------------------------------------------

    // body -> '(' parlist ')' block END
    // parlist -> [ {NAME ','} (NAME | '...') ]
    #[inline(never)]
    fn body(&mut self, is_method: bool, line: u32) -> PResult<FuncBody> {
        self.fvars.push((line, usize::from(is_method)));
        self.check_next(&Token::Char(b'('))?;
        let mut params = Vec::new();
        if is_method {
            params.push(Declared {
                name: "self".to_string(),
                near: self.near(),
            });
        }
        let mut is_vararg = false;
        if !self.is(b')') {
            loop {
                match &self.t.token {
                    Token::Name(n) => {
                        let name = n.clone();
                        self.next()?;
                        params.push(Declared {
                            name,
                            near: self.near(),
                        });
                        self.new_localvars(1)?;
                    }
                    Token::Dots => {
                        self.next()?;
                        is_vararg = true;
                    }
                    _ => return Err(self.error("<name> or '...' expected")),
                }
                if is_vararg || !self.test_next(&Token::Char(b','))? {
                    break;
                }
            }
        }
        self.check_next(&Token::Char(b')'))?;
        self.vararg.push(is_vararg);
        let open_line = self.lastline;
        let (stats, ret) = self.stat_list()?;
        self.vararg.pop();
        self.fvars.pop();
        let last_line = self.lastline;
        let end_line = self.line();
        self.check_match(&Token::End, &Token::Function, line)?;
        Ok(FuncBody {
            params,
            is_vararg,
            block: Block {
                stats,
                ret,
                open_line,
                last_line,
                end_line,
            },
            line,
        })
    }

    // ---- expressions --------------------------------------------------------------

    // explist -> expr { ',' expr }
    fn expr_list(&mut self) -> PResult<Vec<Expr>> {
        let mut list = vec![self.expr()?];
        while self.test_next(&Token::Char(b','))? {
            // luac discharges an item after consuming the separator that follows it.
            list.last_mut().expect("one item").end_line = self.lastline;
            list.push(self.expr()?);
        }
        Ok(list)
    }

    // expr -> subexpr
    fn expr(&mut self) -> PResult<Expr> {
        Ok(self.sub_expr(0)?.0)
    }

    fn unary_op(&self) -> Option<UnOp> {
        match self.t.token {
            Token::Not => Some(UnOp::Not),
            Token::Char(b'-') => Some(UnOp::Neg),
            Token::Char(b'~') => Some(UnOp::BNot),
            Token::Char(b'#') => Some(UnOp::Len),
            _ => None,
        }
    }

    fn binary_op(&self) -> Option<BinOp> {
        Some(match self.t.token {
            Token::Char(b'+') => BinOp::Add,
            Token::Char(b'-') => BinOp::Sub,
            Token::Char(b'*') => BinOp::Mul,
            Token::Char(b'%') => BinOp::Mod,
            Token::Char(b'^') => BinOp::Pow,
            Token::Char(b'/') => BinOp::Div,
            Token::IDiv => BinOp::IDiv,
            Token::Char(b'&') => BinOp::BAnd,
            Token::Char(b'|') => BinOp::BOr,
            Token::Char(b'~') => BinOp::BXor,
            Token::Shl => BinOp::Shl,
            Token::Shr => BinOp::Shr,
            Token::Concat => BinOp::Concat,
            Token::Ne => BinOp::Ne,
            Token::Eq => BinOp::Eq,
            Token::Char(b'<') => BinOp::Lt,
            Token::Le => BinOp::Le,
            Token::Char(b'>') => BinOp::Gt,
            Token::Ge => BinOp::Ge,
            Token::And => BinOp::And,
            Token::Or => BinOp::Or,
            _ => return None,
        })
    }

    // subexpr -> (simpleexp | unop subexpr) { binop subexpr }
    // where 'binop' is any binary operator with a priority higher than 'limit'.
    // Returns the expression and the first operator not consumed.
    fn sub_expr(&mut self, limit: u8) -> PResult<(Expr, Option<BinOp>)> {
        self.enter_level()?;
        let mut left = if let Some(op) = self.unary_op() {
            let line = self.line();
            self.next()?;
            let (operand, _) = self.sub_expr(UNARY_PRIORITY)?;
            self.expr_here(ExprKind::Unary(op, Box::new(operand)), line)
        } else {
            self.simple_expr()?
        };
        let mut op = self.binary_op();
        while let Some(o) = op {
            let (left_priority, right_priority) = o.priority();
            if left_priority <= limit {
                break;
            }
            let line = self.line();
            self.next()?;
            let (right, next_op) = self.sub_expr(right_priority)?;
            left = self.expr_here(ExprKind::Binary(o, Box::new(left), Box::new(right)), line);
            op = next_op;
        }
        self.leave_level();
        Ok((left, op))
    }

    // simpleexp -> FLT | INT | STRING | NIL | TRUE | FALSE | ... | constructor
    //            | FUNCTION body | suffixedexp
    fn simple_expr(&mut self) -> PResult<Expr> {
        let mut line = self.line();
        let kind = match &self.t.token {
            Token::Float(f) => ExprKind::Float(*f),
            Token::Int(i) => ExprKind::Int(*i),
            Token::Str(s) => ExprKind::Str(s.clone()),
            Token::Nil => ExprKind::Nil,
            Token::True => ExprKind::True,
            Token::False => ExprKind::False,
            Token::Dots => {
                if !self.vararg.last().copied().unwrap_or(true) {
                    return Err(self.error("cannot use '...' outside a vararg function"));
                }
                // luac emits the VARARG before consuming `...`.
                line = self.lastline;
                ExprKind::Vararg
            }
            Token::Char(b'{') => return self.constructor(),
            Token::Function => {
                self.next()?;
                let body_line = self.line();
                let body = self.body(false, body_line)?;
                return Ok(self.expr_here(ExprKind::Function(Box::new(body)), line));
            }
            _ => return self.suffixed_expr(),
        };
        self.next()?;
        Ok(self.expr_here(kind, line))
    }

    // primaryexp -> NAME | '(' expr ')'
    fn primary_expr(&mut self) -> PResult<Expr> {
        let line = self.line();
        match &self.t.token {
            Token::Name(n) => {
                let name = n.clone();
                self.next()?;
                Ok(self.expr_here(ExprKind::Name(name, self.near()), line))
            }
            Token::Char(b'(') => {
                self.next()?;
                let inner = self.expr()?;
                self.check_match(&Token::Char(b')'), &Token::Char(b'('), line)?;
                Ok(self.expr_here(ExprKind::Paren(Box::new(inner)), line))
            }
            _ => Err(self.error("unexpected symbol")),
        }
    }

    // suffixedexp -> primaryexp { '.' NAME | '[' exp ']' | ':' NAME funcargs | funcargs }
    fn suffixed_expr(&mut self) -> PResult<Expr> {
        let line = self.line();
        let mut e = self.primary_expr()?;
        loop {
            match self.t.token {
                Token::Char(b'.') => {
                    let dot_line = self.line();
                    self.next()?;
                    let key = self.name_as_string()?;
                    e = self.expr_here(ExprKind::Index(Box::new(e), Box::new(key)), dot_line);
                }
                Token::Char(b'[') => {
                    let bracket_line = self.line();
                    let key = self.index()?;
                    e = self.expr_here(ExprKind::Index(Box::new(e), Box::new(key)), bracket_line);
                }
                Token::Char(b':') => {
                    self.next()?;
                    let name_line = self.line();
                    let name = self.check_name()?;
                    let args = self.func_args(line)?;
                    e = self.expr_here(ExprKind::MethodCall(Box::new(e), name, args), name_line);
                }
                Token::Char(b'(' | b'{') | Token::Str(_) => {
                    let args = self.func_args(line)?;
                    e = self.expr_here(ExprKind::Call(Box::new(e), args), line);
                }
                _ => return Ok(e),
            }
        }
    }

    /// A name read as a string constant (field and method names).
    fn name_as_string(&mut self) -> PResult<Expr> {
        let line = self.line();
        let name = self.check_name()?;
        Ok(self.expr_here(ExprKind::Str(name.into_bytes()), line))
    }

    // index -> '[' expr ']'
    fn index(&mut self) -> PResult<Expr> {
        self.next()?;
        let e = self.expr()?;
        self.check_next(&Token::Char(b']'))?;
        Ok(e)
    }

    // funcargs -> '(' [ explist ] ')' | constructor | STRING
    #[inline(never)]
    fn func_args(&mut self, line: u32) -> PResult<Vec<Expr>> {
        match &self.t.token {
            Token::Char(b'(') => {
                self.next()?;
                let args = if self.is(b')') {
                    Vec::new()
                } else {
                    self.expr_list()?
                };
                self.check_match(&Token::Char(b')'), &Token::Char(b'('), line)?;
                Ok(args)
            }
            Token::Char(b'{') => Ok(vec![self.constructor()?]),
            Token::Str(s) => {
                let (s, line) = (s.clone(), self.line());
                self.next()?;
                Ok(vec![self.expr_here(ExprKind::Str(s), line)])
            }
            _ => Err(self.error("function arguments expected")),
        }
    }

    // constructor -> '{' [ field { sep field } [sep] ] '}'
    // sep -> ',' | ';'
    #[inline(never)]
    fn constructor(&mut self) -> PResult<Expr> {
        let line = self.line();
        // luac emits the NEWTABLE before consuming `{`.
        let newtable_line = self.lastline;
        self.check_next(&Token::Char(b'{'))?;
        let mut fields = Vec::new();
        loop {
            if self.is(b'}') {
                break;
            }
            fields.push(self.field()?);
            if !(self.test_next(&Token::Char(b','))? || self.test_next(&Token::Char(b';'))?) {
                break;
            }
            // A positional item is stored after its separator is consumed.
            if let Some(TableField::Positional(e)) = fields.last_mut() {
                e.end_line = self.lastline;
            }
        }
        self.check_match(&Token::Char(b'}'), &Token::Char(b'{'), line)?;
        Ok(self.expr_here(ExprKind::Table(fields), newtable_line))
    }

    // field -> listfield | recfield
    // recfield -> (NAME | '[' exp ']') = exp
    // listfield -> exp
    #[inline(never)]
    fn field(&mut self) -> PResult<TableField> {
        match &self.t.token {
            Token::Name(n) => {
                let n = n.clone();
                if self.look_ahead()? != &Token::Char(b'=') {
                    return Ok(TableField::Positional(self.expr()?));
                }
                self.next()?;
                self.check_next(&Token::Char(b'='))?;
                Ok(TableField::Named(n, self.expr()?))
            }
            Token::Char(b'[') => {
                let key = self.index()?;
                self.check_next(&Token::Char(b'='))?;
                Ok(TableField::Keyed(key, self.expr()?))
            }
            _ => Ok(TableField::Positional(self.expr()?)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_small_chunk() {
        let chunk = parse_chunk(b"local x <const> = 1 + 2 * 3\nprint(x)", "=t").unwrap();
        assert_eq!(chunk.block.stats.len(), 2);
        assert_eq!(chunk.block.end_line, 2);
        let _ = &chunk.block.stats[0].kind;
    }

    #[test]
    fn depth_limit_is_an_error() {
        let src = format!("x = {}1{}", "(".repeat(500), ")".repeat(500));
        let err = parse_chunk(src.as_bytes(), "=t").unwrap_err();
        assert_eq!(err.message, "C stack overflow");
    }
}
