//! A compact S-expression rendering of the syntax tree, for tests and debugging.
//!
//! One statement a line, nested blocks indented by two spaces; expressions in prefix
//! form: `(+ a 1)`, `(index t "k")`, `(call f 1 2)`, `(method o "m" x)`,
//! `(table 1 (= k v) ([] k v))`, `(function (a b ...) <block>)`. With `lines`, every
//! statement starts with `@line` and every expression ends with `@line`; blocks end
//! with `end@line`.

use super::ast::*;
use crate::number::fmt_float;
use std::fmt::Write;

/// Renders a chunk (see the module docs); `lines` adds every node's line.
pub fn dump(chunk: &Chunk, lines: bool) -> String {
    let mut d = Dumper {
        out: String::new(),
        lines,
    };
    d.block(&chunk.block, 0);
    d.out
}

struct Dumper {
    out: String,
    lines: bool,
}

impl Dumper {
    fn line_start(&mut self, indent: usize, line: u32) {
        self.out.push_str(&"  ".repeat(indent));
        if self.lines {
            let _ = write!(self.out, "@{line} ");
        }
    }

    fn block(&mut self, block: &Block, indent: usize) {
        for stat in &block.stats {
            self.stat(stat, indent);
        }
        if let Some(ret) = &block.ret {
            self.line_start(indent, ret.line);
            self.out.push_str("(return");
            for e in &ret.exprs {
                self.out.push(' ');
                self.expr(e, indent);
            }
            self.out.push_str(")\n");
        }
        if self.lines {
            let _ = writeln!(self.out, "{}end@{}", "  ".repeat(indent), block.end_line);
        }
    }

    fn list(&mut self, exprs: &[Expr], indent: usize) {
        self.out.push('[');
        for (i, e) in exprs.iter().enumerate() {
            if i > 0 {
                self.out.push(' ');
            }
            self.expr(e, indent);
        }
        self.out.push(']');
    }

    fn stat(&mut self, stat: &Stat, indent: usize) {
        self.line_start(indent, stat.line);
        match &stat.kind {
            StatKind::Call(e) => {
                self.expr(e, indent);
                self.out.push('\n');
            }
            StatKind::Local { names, exprs } => {
                self.out.push_str("(local [");
                for (i, n) in names.iter().enumerate() {
                    if i > 0 {
                        self.out.push(' ');
                    }
                    self.out.push_str(&n.name);
                    match n.attrib {
                        Some(Attrib::Const) => self.out.push_str("<const>"),
                        Some(Attrib::Close) => self.out.push_str("<close>"),
                        None => {}
                    }
                }
                self.out.push_str("] ");
                self.list(exprs, indent);
                self.out.push_str(")\n");
            }
            StatKind::Assign { targets, exprs } => {
                self.out.push_str("(assign ");
                self.list(targets, indent);
                self.out.push(' ');
                self.list(exprs, indent);
                self.out.push_str(")\n");
            }
            StatKind::Do(b) => {
                self.out.push_str("(do\n");
                self.block(b, indent + 1);
                self.close(indent);
            }
            StatKind::While { cond, block } => {
                self.out.push_str("(while ");
                self.expr(cond, indent);
                self.out.push('\n');
                self.block(block, indent + 1);
                self.close(indent);
            }
            StatKind::Repeat { block, cond } => {
                self.out.push_str("(repeat\n");
                self.block(block, indent + 1);
                self.out.push_str(&"  ".repeat(indent));
                self.out.push_str("until ");
                self.expr(cond, indent);
                self.out.push_str(")\n");
            }
            StatKind::If { arms, else_block } => {
                for (i, (cond, block)) in arms.iter().enumerate() {
                    if i > 0 {
                        self.out.push_str(&"  ".repeat(indent));
                    }
                    self.out.push_str(if i == 0 { "(if " } else { "elseif " });
                    self.expr(cond, indent);
                    self.out.push('\n');
                    self.block(block, indent + 1);
                }
                if let Some(b) = else_block {
                    self.out.push_str(&"  ".repeat(indent));
                    self.out.push_str("else\n");
                    self.block(b, indent + 1);
                }
                self.close(indent);
            }
            StatKind::NumericFor {
                var,
                start,
                limit,
                step,
                block,
            } => {
                let _ = write!(self.out, "(for {} ", var.name);
                self.expr(start, indent);
                self.out.push(' ');
                self.expr(limit, indent);
                if let Some(s) = step {
                    self.out.push(' ');
                    self.expr(s, indent);
                }
                self.out.push('\n');
                self.block(block, indent + 1);
                self.close(indent);
            }
            StatKind::GenericFor {
                names,
                exprs,
                block,
            } => {
                let names: Vec<&str> = names.iter().map(|n| n.name.as_str()).collect();
                let _ = write!(self.out, "(for-in [{}] ", names.join(" "));
                self.list(exprs, indent);
                self.out.push('\n');
                self.block(block, indent + 1);
                self.close(indent);
            }
            StatKind::Function { name, body } => {
                let mut n = name.path.join(".");
                if let Some(m) = &name.method {
                    n.push(':');
                    n.push_str(m);
                }
                let _ = write!(self.out, "(function-stat {n}");
                if self.lines {
                    let _ = write!(self.out, " {:?}", name.lines);
                }
                self.out.push(' ');
                self.body(body, indent);
                self.out.push_str(")\n");
            }
            StatKind::LocalFunction { name, body } => {
                let _ = write!(self.out, "(local-function {} ", name.name);
                self.body(body, indent);
                self.out.push_str(")\n");
            }
            StatKind::Goto(l) => {
                let _ = writeln!(self.out, "(goto {l})");
            }
            StatKind::Label(l) => {
                let _ = writeln!(self.out, "(label {l})");
            }
            StatKind::Break => self.out.push_str("(break)\n"),
        }
    }

    fn close(&mut self, indent: usize) {
        self.out.push_str(&"  ".repeat(indent));
        self.out.push_str(")\n");
    }

    fn body(&mut self, body: &FuncBody, indent: usize) {
        self.out.push_str("(function (");
        let mut params: Vec<&str> = body.params.iter().map(|p| p.name.as_str()).collect();
        if body.is_vararg {
            params.push("...");
        }
        self.out.push_str(&params.join(" "));
        self.out.push(')');
        if self.lines {
            let _ = write!(self.out, "@{}", body.line);
        }
        self.out.push('\n');
        self.block(&body.block, indent + 1);
        self.out.push_str(&"  ".repeat(indent));
        self.out.push(')');
    }

    fn expr(&mut self, e: &Expr, indent: usize) {
        match &e.kind {
            ExprKind::Nil => self.out.push_str("nil"),
            ExprKind::True => self.out.push_str("true"),
            ExprKind::False => self.out.push_str("false"),
            ExprKind::Int(i) => {
                let _ = write!(self.out, "{i}");
            }
            ExprKind::Float(f) => self.out.push_str(&fmt_float(*f)),
            ExprKind::Str(s) => {
                let _ = write!(self.out, "\"{}\"", s.escape_ascii());
            }
            ExprKind::Vararg => self.out.push_str("..."),
            ExprKind::Function(body) => self.body(body, indent),
            ExprKind::Table(fields) => {
                self.out.push_str("(table");
                for f in fields {
                    self.out.push(' ');
                    match f {
                        TableField::Positional(v) => self.expr(v, indent),
                        TableField::Named(n, v) => {
                            let _ = write!(self.out, "(= {n} ");
                            self.expr(v, indent);
                            self.out.push(')');
                        }
                        TableField::Keyed(k, v) => {
                            self.out.push_str("([] ");
                            self.expr(k, indent);
                            self.out.push(' ');
                            self.expr(v, indent);
                            self.out.push(')');
                        }
                    }
                }
                self.out.push(')');
            }
            ExprKind::Binary(op, a, b) => {
                let _ = write!(self.out, "({} ", op.symbol());
                self.expr(a, indent);
                self.out.push(' ');
                self.expr(b, indent);
                self.out.push(')');
            }
            ExprKind::Unary(op, a) => {
                let sym = match op {
                    UnOp::Neg => "neg",
                    UnOp::Not => "not",
                    UnOp::Len => "#",
                    UnOp::BNot => "bnot",
                };
                let _ = write!(self.out, "({sym} ");
                self.expr(a, indent);
                self.out.push(')');
            }
            ExprKind::Name(n, _) => self.out.push_str(n),
            ExprKind::Index(o, k) => {
                self.out.push_str("(index ");
                self.expr(o, indent);
                self.out.push(' ');
                self.expr(k, indent);
                self.out.push(')');
            }
            ExprKind::Call(f, args) => {
                self.out.push_str("(call ");
                self.expr(f, indent);
                for a in args {
                    self.out.push(' ');
                    self.expr(a, indent);
                }
                self.out.push(')');
            }
            ExprKind::MethodCall(o, name, args) => {
                self.out.push_str("(method ");
                self.expr(o, indent);
                let _ = write!(self.out, " {name}");
                for a in args {
                    self.out.push(' ');
                    self.expr(a, indent);
                }
                self.out.push(')');
            }
            ExprKind::Paren(a) => {
                self.out.push_str("(paren ");
                self.expr(a, indent);
                self.out.push(')');
            }
        }
        if self.lines {
            let _ = write!(self.out, "@{}", e.line);
        }
    }
}
