//! The front end's second half: abstract syntax tree -> function prototypes.
//!
//! The walk over the tree follows the reference parser's (`lparser.c`) order of code
//! generation exactly, so registers, constants and jumps come out as `luac 5.4` makes
//! them (with the deviations listed in [`code`]'s docs). Modules:
//!
//! * `code`: one function's code generator (the role of `lcode.c`): expression
//!   descriptors, registers, constants, jump lists, operators.
//! * `fold`: constant folding of numeric operations.
//! * this file: scopes (locals, upvalues, blocks, labels, gotos), statements and
//!   expressions (the role of the code-emitting half of `lparser.c`).
//! * `listing`: the `luac -l -l`-style listing.

mod code;
mod fold;
mod listing;

use crate::opcode::{MAX_ARG_BX, OpCode};
use crate::proto::{Proto, VarKind};
use crate::syntax::ast::{
    self, Declared, Expr, ExprKind, FuncBody, FuncName, LocalName, Near, Stat, StatKind, TableField,
};
use crate::syntax::{SyntaxError, ast::Block};
use code::{
    BlockCnt, CResult, ExpDesc, ExpKind, FuncState, LabelDesc, NO_JUMP, SemError, VKind, VarDesc,
};
use std::rc::Rc;

pub use listing::listing;

/// Compiles a parsed chunk to the main function's prototype: vararg, one upvalue
/// `_ENV`, starting with `VARARGPREP 0`. Semantic errors (assignment to a const
/// variable, goto into the scope of a local, too many registers...) come back as
/// [`SyntaxError`] worded as luac words them.
pub fn compile(chunk: &ast::Chunk, chunkname: &str) -> Result<Proto, SyntaxError> {
    let mut c = Compiler {
        source: Rc::from(chunkname),
        fs: Vec::new(),
        max_line: 1,
    };
    c.main_func(chunk)
        .map_err(|e| crate::syntax::format_error(chunkname, e.line, &e.msg))
}

/// Parses and compiles source text (the whole front end in one call).
pub fn compile_source(source: &[u8], chunkname: &str) -> Result<Proto, SyntaxError> {
    let chunk = crate::syntax::parse(source, chunkname)?;
    compile(&chunk, chunkname)
}

/// The compiler: a stack of functions being compiled (innermost last).
struct Compiler {
    source: Rc<str>,
    fs: Vec<FuncState>,
    /// Largest line seen so far (luac's `lastline` at the end of the main chunk).
    max_line: u32,
}

impl Compiler {
    fn fs(&mut self) -> &mut FuncState {
        self.fs.last_mut().expect("no function")
    }

    fn set_line(&mut self, line: u32) {
        self.fs().line = line;
        self.max_line = self.max_line.max(line);
    }

    // ---- functions ------------------------------------------------------------------

    fn open_func(&mut self, line_defined: u32) {
        let mut fs = FuncState::new(self.source.clone(), line_defined);
        if let Some(parent) = self.fs.last_mut() {
            fs.kcache = std::mem::take(&mut parent.kcache);
        }
        self.fs.push(fs);
        self.enter_block(false);
    }

    /// Emits the final return and closes the function; `end_line` (the closing token's
    /// line) locates errors found at the end (pending gotos).
    fn close_func(&mut self, end_line: u32) -> CResult<Proto> {
        let fs = self.fs();
        let first = fs.nvarstack();
        fs.ret(first, 0);
        fs.line = end_line;
        self.leave_block()?;
        self.fs().finish()?;
        let mut fs = self.fs.pop().expect("no function");
        if let Some(parent) = self.fs.last_mut() {
            parent.kcache = std::mem::take(&mut fs.kcache);
        }
        Ok(fs.f)
    }

    fn main_func(&mut self, chunk: &ast::Chunk) -> CResult<Proto> {
        self.open_func(0);
        let fs = self.fs();
        fs.line = 1;
        fs.f.is_vararg = true;
        fs.code_abc(OpCode::VARARGPREP, 0, 0, 0);
        fs.add_upvalue(Rc::from("_ENV"), true, 0, VarKind::Regular)?;
        self.statlist(
            &chunk.block.stats,
            chunk.block.ret.as_ref(),
            false,
            chunk.block.end_line,
        )?;
        let last = self.max_line;
        self.fs().line = last;
        self.close_func(chunk.block.end_line)
    }

    /// `function (params) body end`: compiles the nested function and emits the
    /// `CLOSURE` in the enclosing one, in the next free register.
    fn body(&mut self, fb: &FuncBody) -> CResult<ExpDesc> {
        self.open_func(fb.line);
        self.set_line(fb.line);
        for p in &fb.params {
            self.new_localvar(&p.name, &p.near)?;
        }
        self.adjust_local_vars(fb.params.len());
        let fs = self.fs();
        fs.f.num_params = fs.nactvar as u8;
        if fb.is_vararg {
            fs.f.is_vararg = true;
            let n = fs.f.num_params as u32;
            fs.code_abc(OpCode::VARARGPREP, n, 0, 0);
        }
        let n = fs.nactvar as u32;
        fs.reserve_regs(n)?;
        self.statlist(
            &fb.block.stats,
            fb.block.ret.as_ref(),
            false,
            fb.block.end_line,
        )?;
        self.fs().f.last_line_defined = fb.block.end_line;
        self.set_line(fb.block.end_line);
        let proto = self.close_func(fb.block.end_line)?;
        self.set_line(fb.block.end_line);
        let fs = self.fs();
        if fs.f.protos.len() > MAX_ARG_BX as usize {
            return fs.error_limit(MAX_ARG_BX as usize, "functions");
        }
        fs.f.protos.push(Rc::new(proto));
        let np = fs.f.protos.len() as u32 - 1;
        let mut e = ExpDesc::new(ExpKind::Reloc(fs.code_abx(OpCode::CLOSURE, 0, np)));
        fs.exp2nextreg(&mut e)?;
        Ok(e)
    }

    // ---- blocks, variables, labels --------------------------------------------------

    fn enter_block(&mut self, is_loop: bool) {
        let fs = self.fs();
        let inside_tbc = fs.blocks.last().is_some_and(|b| b.inside_tbc);
        let bl = BlockCnt {
            nactvar: fs.nactvar,
            first_label: fs.labels.len(),
            first_goto: fs.gotos.len(),
            upval: false,
            is_loop,
            inside_tbc,
        };
        fs.blocks.push(bl);
    }

    fn leave_block(&mut self) -> CResult<()> {
        let fs = self.fs();
        let bl = fs.blocks.last().expect("no block").clone();
        let stklevel = fs.reg_level(bl.nactvar);
        // Which pending gotos leave a variable scope (decided before the variables go).
        let leaving: Vec<bool> = fs.gotos[bl.first_goto..]
            .iter()
            .map(|g| fs.reg_level(g.nactvar) > stklevel)
            .collect();
        for (g, l) in fs.gotos[bl.first_goto..].iter_mut().zip(leaving) {
            g.leaving = l;
        }
        // Variables die before the block's closing code, as in lua 5.4.6 (5.4.4 removed
        // them after it, and its `break` out of a generic `for` did not close the
        // to-be-closed slot).
        self.remove_vars(bl.nactvar);
        let mut has_close = false;
        if bl.is_loop {
            has_close = self.create_label(Rc::from("break"), 0, false, false)?;
        }
        let fs = self.fs();
        let nested = fs.blocks.len() > 1;
        if !has_close && nested && bl.upval {
            fs.code_abc(OpCode::CLOSE, stklevel, 0, 0);
        }
        fs.freereg = stklevel;
        fs.labels.truncate(bl.first_label);
        fs.blocks.pop();
        if nested {
            for g in &mut fs.gotos[bl.first_goto..] {
                if g.leaving {
                    g.close |= bl.upval;
                }
                g.nactvar = bl.nactvar;
            }
            Ok(())
        } else if bl.first_goto < fs.gotos.len() {
            let g = &fs.gotos[bl.first_goto];
            let msg = if &*g.name == "break" {
                format!("break outside loop at line {}", g.line)
            } else {
                format!(
                    "no visible label '{}' for <goto> at line {}",
                    g.name, g.line
                )
            };
            fs.err(msg)
        } else {
            Ok(())
        }
    }

    fn remove_vars(&mut self, to_level: usize) {
        let fs = self.fs();
        let pc = fs.pc() as u32;
        while fs.nactvar > to_level {
            fs.nactvar -= 1;
            let v = &fs.vars[fs.nactvar];
            if !matches!(v.kind, VKind::CompileTime(_)) {
                fs.f.loc_vars[v.pidx].end_pc = pc;
            }
        }
        fs.vars.truncate(fs.nactvar);
    }

    /// Declares a local; `near` is the token luac had current (for the limit error).
    fn new_localvar(&mut self, name: &str, near: &Near) -> CResult<usize> {
        let fs = self.fs();
        if fs.vars.len() + 1 > code::MAX_VARS {
            return fs
                .error_limit(code::MAX_VARS, "local variables")
                .map_err(|e| e.near(near));
        }
        fs.vars.push(VarDesc {
            name: Rc::from(name),
            kind: VKind::Regular,
            ridx: 0,
            pidx: 0,
        });
        Ok(fs.vars.len() - 1)
    }

    fn adjust_local_vars(&mut self, nvars: usize) {
        let fs = self.fs();
        let base = fs.nvarstack();
        for reglevel in base..base + nvars as u32 {
            let vidx = fs.nactvar;
            fs.nactvar += 1;
            let name = fs.vars[vidx].name.clone();
            let pidx = fs.register_local(name);
            let v = &mut fs.vars[vidx];
            v.ridx = reglevel;
            v.pidx = pidx;
        }
    }

    fn mark_to_be_closed(&mut self) {
        let fs = self.fs();
        let bl = fs.blocks.last_mut().expect("no block");
        bl.upval = true;
        bl.inside_tbc = true;
        fs.needclose = true;
    }

    /// Creates a label at the current pc and resolves the pending gotos to it; returns
    /// whether a `CLOSE` was emitted. `loop_head`: emit a `LOOP` (user labels).
    fn create_label(
        &mut self,
        name: Rc<str>,
        line: u32,
        last: bool,
        loop_head: bool,
    ) -> CResult<bool> {
        let fs = self.fs();
        let pc = fs.get_label();
        if loop_head {
            let saved = fs.line;
            fs.line = line;
            fs.code_abx(OpCode::LOOP, 0, 0);
            fs.line = saved;
        }
        let bl = fs.blocks.last().expect("no block").clone();
        let nactvar = if last { bl.nactvar } else { fs.nactvar };
        fs.labels.push(LabelDesc {
            name: name.clone(),
            pc,
            line,
            nactvar,
            close: false,
            leaving: false,
        });
        let mut needs_close = false;
        let mut i = bl.first_goto;
        while i < fs.gotos.len() {
            if fs.gotos[i].name == name {
                let g = fs.gotos.remove(i);
                needs_close |= g.close;
                if g.nactvar < nactvar {
                    let var = fs.vars[g.nactvar].name.clone();
                    return fs.err(format!(
                        "<goto {}> at line {} jumps into the scope of local '{}'",
                        g.name, g.line, var
                    ));
                }
                fs.patch_list(g.pc as i32, pc)?;
            } else {
                i += 1;
            }
        }
        if needs_close {
            let level = fs.nvarstack();
            fs.code_abc(OpCode::CLOSE, level, 0, 0);
        }
        Ok(needs_close)
    }

    fn new_goto(&mut self, name: &str, line: u32, pc: i32) {
        let fs = self.fs();
        let nactvar = fs.nactvar;
        fs.gotos.push(LabelDesc {
            name: Rc::from(name),
            pc: pc as usize,
            line,
            nactvar,
            close: false,
            leaving: false,
        });
    }

    /// Resolves a name in function `level` of the stack (luac's `singlevaraux`);
    /// `ExpKind::Void` means global.
    fn single_var_aux(&mut self, level: usize, name: &str, base: bool) -> CResult<ExpKind> {
        let fs = &mut self.fs[level];
        for i in (0..fs.nactvar).rev() {
            let v = &fs.vars[i];
            if &*v.name == name {
                if let VKind::CompileTime(c) = &v.kind {
                    return Ok(ExpKind::Const(c.clone(), v.name.clone()));
                }
                let reg = v.ridx;
                if !base {
                    // The variable will be captured: its block must close it.
                    let bl = fs
                        .blocks
                        .iter_mut()
                        .rev()
                        .find(|b| b.nactvar <= i)
                        .expect("block");
                    bl.upval = true;
                    fs.needclose = true;
                }
                return Ok(ExpKind::Local { reg, vidx: i });
            }
        }
        if let Some(idx) = fs.f.upvalues.iter().position(|u| &*u.name == name) {
            return Ok(ExpKind::Upval(idx as u32));
        }
        if level == 0 {
            return Ok(ExpKind::Void);
        }
        let v = self.single_var_aux(level - 1, name, false)?;
        let (in_stack, index, kind) = match v {
            ExpKind::Local { reg, vidx } => {
                (true, reg, var_kind(&self.fs[level - 1].vars[vidx].kind))
            }
            ExpKind::Upval(u) => (false, u, self.fs[level - 1].f.upvalues[u as usize].kind),
            other => return Ok(other),
        };
        let idx = self.fs[level].add_upvalue(Rc::from(name), in_stack, index, kind)?;
        Ok(ExpKind::Upval(idx))
    }

    /// A name reference; `near` is the token after the name (for the upvalue limit).
    fn single_var(&mut self, name: &str, near: &Near) -> CResult<ExpDesc> {
        let level = self.fs.len() - 1;
        let with_near = |e: SemError| e.near(near);
        let k = self.single_var_aux(level, name, true).map_err(with_near)?;
        if k != ExpKind::Void {
            return Ok(ExpDesc::new(k));
        }
        let env = self
            .single_var_aux(level, "_ENV", true)
            .map_err(with_near)?;
        let mut e = ExpDesc::new(env);
        let fs = self.fs();
        fs.exp2anyregup(&mut e)?;
        let mut key = ExpDesc::new(ExpKind::KStr(Rc::from(name.as_bytes())));
        fs.indexed(&mut e, &mut key)?;
        Ok(e)
    }

    fn check_readonly(&mut self, e: &ExpDesc) -> CResult<()> {
        let fs = self.fs();
        let name = match &e.k {
            ExpKind::Const(_, name) => Some(name.clone()),
            ExpKind::Local { vidx, .. } => {
                let v = &fs.vars[*vidx];
                (v.kind != VKind::Regular).then(|| v.name.clone())
            }
            ExpKind::Upval(u) => {
                let up = &fs.f.upvalues[*u as usize];
                (up.kind != VarKind::Regular).then(|| up.name.clone())
            }
            _ => None,
        };
        match name {
            Some(n) => fs.err(format!("attempt to assign to const variable '{n}'")),
            None => Ok(()),
        }
    }

    // ---- statements -----------------------------------------------------------------

    /// `block`: its scope closes before the closing token is consumed.
    fn block(&mut self, b: &Block) -> CResult<()> {
        self.enter_block(false);
        self.statlist(&b.stats, b.ret.as_ref(), false, b.end_line)?;
        self.set_line(b.last_line);
        self.leave_block()
    }

    /// `until`: the block is a `repeat` body (a label before `until` is not "last").
    /// `until`: the block is a `repeat` body (a label before `until` is not "last").
    /// `end_line`: line of the token closing the block.
    fn statlist(
        &mut self,
        stats: &[Stat],
        ret: Option<&ast::Return>,
        until: bool,
        end_line: u32,
    ) -> CResult<()> {
        for (i, s) in stats.iter().enumerate() {
            if let StatKind::Label(name) = &s.kind {
                // luac checks a label once it has read the token after it (and after
                // any labels that follow): that token's line is the error's line.
                let following = stats[i + 1..]
                    .iter()
                    .find(|s| !matches!(s.kind, StatKind::Label(_)));
                let next_line = match (following, ret) {
                    (Some(s), _) => s.line,
                    (None, Some(r)) => r.line,
                    (None, None) => end_line,
                };
                let last = !until && following.is_none() && ret.is_none();
                self.set_line(s.line);
                self.label_stat(name, s.line, last, next_line)?;
                let fs = self.fs();
                fs.freereg = fs.nvarstack();
            } else {
                self.statement(s)?;
            }
        }
        if let Some(r) = ret {
            self.ret_stat(r)?;
        }
        Ok(())
    }

    fn statement(&mut self, s: &Stat) -> CResult<()> {
        self.set_line(s.line);
        match &s.kind {
            StatKind::Call(e) => {
                let e = self.expr(e)?;
                let ExpKind::Call(pc) = e.k else {
                    unreachable!("call statement")
                };
                let fs = self.fs();
                let i = fs.instr(pc).with_c(1);
                fs.set_instr(pc, i);
            }
            StatKind::Local { names, exprs } => self.local_stat(names, exprs, s.end_line)?,
            StatKind::Assign { targets, exprs } => self.assign_stat(targets, exprs, s.end_line)?,
            StatKind::Do(b) => {
                self.block(b)?;
                self.set_line(b.end_line);
            }
            StatKind::While { cond, block } => self.while_stat(cond, block, s.line)?,
            StatKind::Repeat { block, cond } => self.repeat_stat(block, cond, s.line)?,
            StatKind::If { arms, else_block } => self.if_stat(arms, else_block.as_ref())?,
            StatKind::NumericFor {
                var,
                start,
                limit,
                step,
                block,
            } => self.for_num(var, start, limit, step.as_ref(), block, s.line)?,
            StatKind::GenericFor {
                names,
                exprs,
                block,
            } => self.for_list(names, exprs, block)?,
            StatKind::Function { name, body } => self.func_stat(name, body, s.line)?,
            StatKind::LocalFunction { name, body } => self.local_func(name, body)?,
            StatKind::Goto(name) => {
                self.set_line(s.end_line);
                self.goto_stat(name, s.line)?
            }
            StatKind::Label(_) => unreachable!("labels are handled by statlist"),
            StatKind::Break => {
                let j = self.fs().jump();
                self.new_goto("break", s.line, j as i32);
            }
        }
        let fs = self.fs();
        fs.freereg = fs.nvarstack();
        Ok(())
    }

    /// `end_line`: the statement's last line, where luac adjusts and declares.
    fn local_stat(&mut self, names: &[LocalName], exprs: &[Expr], end_line: u32) -> CResult<()> {
        let mut toclose = None;
        let mut vidx = 0;
        for (i, n) in names.iter().enumerate() {
            vidx = self.new_localvar(&n.name, &n.near)?;
            let kind = match n.attrib {
                None => VKind::Regular,
                Some(ast::Attrib::Const) => VKind::Const,
                Some(ast::Attrib::Close) => VKind::Close,
            };
            if kind == VKind::Close {
                if toclose.is_some() {
                    return self
                        .fs()
                        .err("multiple to-be-closed variables in local list");
                }
                toclose = Some(self.fs().nactvar + i);
            }
            self.fs().vars[vidx].kind = kind;
        }
        let nvars = names.len();
        let (mut e, nexps) = self.explist(exprs)?;
        self.set_line(end_line);
        let fs = self.fs();
        let ctc = if nvars == nexps && fs.vars[vidx].kind == VKind::Const {
            fs.exp2const(&e)
        } else {
            None
        };
        if let Some(c) = ctc {
            fs.vars[vidx].kind = VKind::CompileTime(c);
            self.adjust_local_vars(nvars - 1);
            self.fs().nactvar += 1;
        } else {
            self.adjust_assign(nvars, nexps, &mut e)?;
            self.adjust_local_vars(nvars);
        }
        if let Some(level) = toclose {
            self.mark_to_be_closed();
            let fs = self.fs();
            let r = fs.reg_level(level);
            fs.code_abc(OpCode::TBC, r, 0, 0);
        }
        Ok(())
    }

    fn adjust_assign(&mut self, nvars: usize, nexps: usize, e: &mut ExpDesc) -> CResult<()> {
        let fs = self.fs();
        let needed = nvars as i32 - nexps as i32;
        if e.is_multret() {
            let extra = (needed + 1).max(0);
            fs.set_returns(e, extra)?;
        } else {
            if e.k != ExpKind::Void {
                fs.exp2nextreg(e)?;
            }
            if needed > 0 {
                let r = fs.freereg;
                fs.code_nil(r, needed as u32);
            }
        }
        if needed > 0 {
            fs.reserve_regs(needed as u32)?;
        } else {
            fs.freereg = (fs.freereg as i32 + needed) as u32;
        }
        Ok(())
    }

    /// `end_line`: the statement's last line, where luac stores.
    fn assign_stat(&mut self, targets: &[Expr], exprs: &[Expr], end_line: u32) -> CResult<()> {
        let mut lhs: Vec<ExpDesc> = Vec::with_capacity(targets.len());
        for t in targets {
            let v = self.expr(t)?;
            self.set_line(t.end_line);
            if !v.is_var() {
                return self.fs().err("syntax error");
            }
            self.check_readonly(&v)?;
            if !v.is_indexed() && !lhs.is_empty() {
                self.check_conflict(&mut lhs, &v)?;
            }
            lhs.push(v);
        }
        let (mut e, nexps) = self.explist(exprs)?;
        self.set_line(end_line);
        let nvars = lhs.len();
        let fs = self.fs();
        let last = lhs.pop().expect("target");
        if nexps != nvars {
            self.adjust_assign(nvars, nexps, &mut e)?;
            let fs = self.fs();
            let mut top = ExpDesc::new(ExpKind::NonReloc(fs.freereg - 1));
            fs.store_var(&last, &mut top)?;
        } else {
            fs.set_one_ret(&mut e);
            fs.store_var(&last, &mut e)?;
        }
        for v in lhs.iter().rev() {
            let fs = self.fs();
            let mut top = ExpDesc::new(ExpKind::NonReloc(fs.freereg - 1));
            fs.store_var(v, &mut top)?;
        }
        Ok(())
    }

    /// A local or upvalue assigned in a multiple assignment may be the table or key
    /// of an earlier target: that target then uses a copy made now.
    fn check_conflict(&mut self, lhs: &mut [ExpDesc], v: &ExpDesc) -> CResult<()> {
        let fs = self.fs();
        let extra = fs.freereg;
        let mut conflict = false;
        for lh in lhs.iter_mut() {
            match (&mut lh.k, &v.k) {
                (ExpKind::IndexUp { t, idx }, ExpKind::Upval(u)) if *t == *u => {
                    conflict = true;
                    lh.k = ExpKind::IndexStr {
                        t: extra,
                        idx: *idx,
                    };
                }
                (
                    ExpKind::IndexStr { t, .. } | ExpKind::IndexI { t, .. },
                    ExpKind::Local { reg, .. },
                ) if *t == *reg => {
                    conflict = true;
                    *t = extra;
                }
                (ExpKind::Indexed { t, idx }, ExpKind::Local { reg, .. }) => {
                    if *t == *reg {
                        conflict = true;
                        *t = extra;
                    }
                    if *idx == *reg {
                        conflict = true;
                        *idx = extra;
                    }
                }
                _ => {}
            }
        }
        if conflict {
            match v.k {
                ExpKind::Local { reg, .. } => fs.code_abc(OpCode::MOVE, extra, reg, 0),
                ExpKind::Upval(u) => fs.code_abc(OpCode::GETUPVAL, extra, u, 0),
                _ => unreachable!(),
            };
            fs.reserve_regs(1)?;
        }
        Ok(())
    }

    fn cond(&mut self, e: &Expr) -> CResult<i32> {
        let mut v = self.expr(e)?;
        self.set_line(e.end_line);
        if v.k == ExpKind::Nil {
            v.k = ExpKind::False;
        }
        self.fs().go_if_true(&mut v)?;
        Ok(v.f)
    }

    fn if_stat(&mut self, arms: &[(Expr, Block)], else_block: Option<&Block>) -> CResult<()> {
        let mut escape = NO_JUMP;
        for (i, (cond, blk)) in arms.iter().enumerate() {
            let more = i + 1 < arms.len() || else_block.is_some();
            self.test_then_block(cond, blk, &mut escape, more)?;
        }
        if let Some(b) = else_block {
            self.block(b)?;
            self.set_line(b.end_line);
        }
        self.fs().patch_to_here(escape)
    }

    fn test_then_block(
        &mut self,
        cond: &Expr,
        blk: &Block,
        escape: &mut i32,
        more: bool,
    ) -> CResult<()> {
        let mut v = self.expr(cond)?;
        // luac tests the condition once it has consumed `then`.
        self.set_line(blk.open_line);
        let jf;
        let rest;
        if let Some(first) = blk.stats.first()
            && first.kind == StatKind::Break
        {
            // `if x then break`: jump straight out of the loop when x is true.
            self.fs().go_if_false(&mut v)?;
            self.enter_block(false);
            self.new_goto("break", first.line, v.t);
            self.set_line(first.end_line);
            if blk.stats.len() == 1 && blk.ret.is_none() {
                return self.leave_block();
            }
            jf = self.fs().jump() as i32;
            rest = &blk.stats[1..];
        } else {
            self.fs().go_if_true(&mut v)?;
            self.enter_block(false);
            jf = v.f;
            rest = &blk.stats[..];
        }
        self.statlist(rest, blk.ret.as_ref(), false, blk.end_line)?;
        self.set_line(blk.last_line);
        self.leave_block()?;
        if more {
            let fs = self.fs();
            let j = fs.jump() as i32;
            fs.concat(escape, j)?;
        }
        self.set_line(blk.end_line);
        self.fs().patch_to_here(jf)
    }

    fn while_stat(&mut self, cond: &Expr, block: &Block, line: u32) -> CResult<()> {
        let fs = self.fs();
        let init = fs.get_label();
        fs.code_abx(OpCode::LOOP, 0, 0);
        let condexit = self.cond(cond)?;
        self.enter_block(true);
        self.block(block)?;
        let fs = self.fs();
        let j = fs.jump();
        fs.patch_list(j as i32, init)?;
        self.set_line(block.end_line);
        self.leave_block()?;
        let _ = line;
        self.fs().patch_to_here(condexit)
    }

    fn repeat_stat(&mut self, block: &Block, cond: &Expr, line: u32) -> CResult<()> {
        let fs = self.fs();
        let init = fs.get_label();
        fs.code_abx(OpCode::LOOP, 0, 0);
        let _ = line;
        self.enter_block(true);
        self.enter_block(false);
        self.statlist(&block.stats, block.ret.as_ref(), true, block.end_line)?;
        self.set_line(block.end_line);
        let mut condexit = self.cond(cond)?;
        let bl2 = self.fs().blocks.last().expect("block").clone();
        self.leave_block()?;
        let fs = self.fs();
        if bl2.upval {
            let exit = fs.jump();
            fs.patch_to_here(condexit)?;
            let level = fs.reg_level(bl2.nactvar);
            fs.code_abc(OpCode::CLOSE, level, 0, 0);
            condexit = fs.jump() as i32;
            fs.patch_to_here(exit as i32)?;
        }
        fs.patch_list(condexit, init)?;
        self.leave_block()
    }

    fn exp1(&mut self, e: &Expr) -> CResult<()> {
        let mut v = self.expr(e)?;
        self.set_line(e.end_line);
        self.fs().exp2nextreg(&mut v)
    }

    fn fix_for_jump(&mut self, pc: usize, dest: usize, back: bool) -> CResult<()> {
        let fs = self.fs();
        let mut off = dest as i64 - (pc as i64 + 1);
        if back {
            off = -off;
        }
        if off > MAX_ARG_BX as i64 {
            return fs.err("control structure too long");
        }
        let i = fs.instr(pc).with_bx(off as u32);
        fs.set_instr(pc, i);
        Ok(())
    }

    fn for_body(
        &mut self,
        base: u32,
        line: u32,
        nvars: usize,
        generic: bool,
        block: &Block,
    ) -> CResult<()> {
        // luac emits the FORPREP once it has consumed `do`.
        self.set_line(block.open_line);
        let fs = self.fs();
        let prep = fs.code_abx(
            if generic {
                OpCode::TFORPREP
            } else {
                OpCode::FORPREP
            },
            base,
            0,
        );
        self.enter_block(false);
        self.adjust_local_vars(nvars);
        self.fs().reserve_regs(nvars as u32)?;
        self.block(block)?;
        self.leave_block()?;
        let here = self.fs().get_label();
        self.fix_for_jump(prep, here, false)?;
        let fs = self.fs();
        if generic {
            fs.code_abc(OpCode::TFORCALL, base, 0, nvars as u32);
            fs.fixline(line);
        }
        let endfor = fs.code_abx(
            if generic {
                OpCode::TFORLOOP
            } else {
                OpCode::FORLOOP
            },
            base,
            0,
        );
        self.fix_for_jump(endfor, prep + 1, true)?;
        self.fs().fixline(line);
        Ok(())
    }

    fn for_num(
        &mut self,
        var: &Declared,
        start: &Expr,
        limit: &Expr,
        step: Option<&Expr>,
        block: &Block,
        line: u32,
    ) -> CResult<()> {
        self.enter_block(true);
        let base = self.fs().freereg;
        for _ in 0..3 {
            self.new_localvar("(for state)", &var.near)?;
        }
        self.new_localvar(&var.name, &var.near)?;
        self.exp1(start)?;
        self.exp1(limit)?;
        if let Some(s) = step {
            self.exp1(s)?;
        } else {
            let fs = self.fs();
            let r = fs.freereg;
            fs.code_int(r, 1)?;
            fs.reserve_regs(1)?;
        }
        self.adjust_local_vars(3);
        self.for_body(base, line, 1, false, block)?;
        self.set_line(block.end_line);
        self.leave_block()
    }

    fn for_list(&mut self, names: &[Declared], exprs: &[Expr], block: &Block) -> CResult<()> {
        self.enter_block(true);
        let base = self.fs().freereg;
        for _ in 0..4 {
            self.new_localvar("(for state)", &names[0].near)?;
        }
        for n in names {
            self.new_localvar(&n.name, &n.near)?;
        }
        // luac's line for TFORCALL/TFORLOOP: the line of the first token after `in`.
        let line = exprs.first().map_or(self.fs().line, first_line);
        let (mut e, n) = self.explist(exprs)?;
        if let Some(last) = exprs.last() {
            self.set_line(last.end_line);
        }
        self.adjust_assign(4, n, &mut e)?;
        self.adjust_local_vars(4);
        self.mark_to_be_closed();
        self.fs().check_stack(3)?;
        self.for_body(base, line, names.len(), true, block)?;
        self.set_line(block.end_line);
        self.leave_block()
    }

    fn field_sel(&mut self, v: &mut ExpDesc, name: &str) -> CResult<()> {
        let fs = self.fs();
        fs.exp2anyregup(v)?;
        let mut key = ExpDesc::new(ExpKind::KStr(Rc::from(name.as_bytes())));
        fs.indexed(v, &mut key)
    }

    fn func_stat(&mut self, name: &FuncName, body: &FuncBody, line: u32) -> CResult<()> {
        let mut v = self.single_var(&name.path[0], &name.near)?;
        // Each field access discharges the previous one before consuming its `.`/`:`,
        // on the line of the previous name.
        let mut prev_line = line;
        let mut lines = name.lines.iter().copied();
        let fields = name.path[1..].iter().chain(name.method.iter());
        for n in fields {
            self.set_line(prev_line);
            self.field_sel(&mut v, n)?;
            prev_line = lines.next().unwrap_or(prev_line);
        }
        let mut b = self.body(body)?;
        self.check_readonly(&v)?;
        let fs = self.fs();
        fs.store_var(&v, &mut b)?;
        fs.fixline(line);
        self.set_line(body.block.end_line);
        Ok(())
    }

    fn local_func(&mut self, name: &Declared, body: &FuncBody) -> CResult<()> {
        let fvar = self.fs().nactvar;
        self.new_localvar(&name.name, &name.near)?;
        self.adjust_local_vars(1);
        self.body(body)?;
        let fs = self.fs();
        let pidx = fs.vars[fvar].pidx;
        fs.f.loc_vars[pidx].start_pc = fs.pc() as u32;
        Ok(())
    }

    fn goto_stat(&mut self, name: &str, line: u32) -> CResult<()> {
        let fs = self.fs();
        if let Some(lb) = fs.labels.iter().find(|l| &*l.name == name).cloned() {
            // Backward jump: resolved now.
            let lblevel = fs.reg_level(lb.nactvar);
            if fs.nvarstack() > lblevel {
                fs.code_abc(OpCode::CLOSE, lblevel, 0, 0);
            }
            let j = fs.jump();
            fs.patch_list(j as i32, lb.pc)
        } else {
            let j = fs.jump();
            self.new_goto(name, line, j as i32);
            Ok(())
        }
    }

    fn label_stat(&mut self, name: &str, line: u32, last: bool, next_line: u32) -> CResult<()> {
        let fs = self.fs();
        fs.line = next_line;
        if let Some(lb) = fs.labels.iter().find(|l| &*l.name == name) {
            let msg = format!("label '{}' already defined on line {}", name, lb.line);
            return fs.err(msg);
        }
        self.create_label(Rc::from(name), line, last, true)?;
        self.fs().line = line;
        Ok(())
    }

    fn ret_stat(&mut self, r: &ast::Return) -> CResult<()> {
        self.set_line(r.line);
        let fs = self.fs();
        let mut first = fs.nvarstack();
        let nret;
        if r.exprs.is_empty() {
            nret = 0;
        } else {
            let (mut e, n) = self.explist(&r.exprs)?;
            self.set_line(r.end_line);
            let fs = self.fs();
            if e.is_multret() {
                fs.set_multret(&mut e)?;
                if let ExpKind::Call(pc) = e.k
                    && n == 1
                    && !fs.blocks.last().expect("block").inside_tbc
                {
                    let i = fs.instr(pc);
                    fs.set_instr(
                        pc,
                        crate::opcode::Instruction::abc(OpCode::TAILCALL, i.a(), i.b(), i.c()),
                    );
                }
                nret = -1;
            } else if n == 1 {
                first = fs.exp2anyreg(&mut e)?;
                nret = 1;
            } else {
                fs.exp2nextreg(&mut e)?;
                nret = n as i32;
            }
        }
        self.fs().ret(first, nret);
        Ok(())
    }

    // ---- expressions ----------------------------------------------------------------

    /// Compiles a list; all but the last go to consecutive registers. Returns the
    /// last expression (undischarged) and the count.
    fn explist(&mut self, exprs: &[Expr]) -> CResult<(ExpDesc, usize)> {
        let Some((first, rest)) = exprs.split_first() else {
            return Ok((ExpDesc::new(ExpKind::Void), 0));
        };
        let mut e = self.expr(first)?;
        let mut prev = first;
        for x in rest {
            // The item's end line is the line of the `,` after it.
            self.set_line(prev.end_line);
            self.fs().exp2nextreg(&mut e)?;
            e = self.expr(x)?;
            prev = x;
        }
        Ok((e, exprs.len()))
    }

    fn expr(&mut self, e: &Expr) -> CResult<ExpDesc> {
        let leaf = |k| Ok(ExpDesc::new(k));
        match &e.kind {
            ExprKind::Nil => {
                self.set_line(e.line);
                leaf(ExpKind::Nil)
            }
            ExprKind::True => {
                self.set_line(e.line);
                leaf(ExpKind::True)
            }
            ExprKind::False => {
                self.set_line(e.line);
                leaf(ExpKind::False)
            }
            ExprKind::Int(i) => {
                self.set_line(e.line);
                leaf(ExpKind::KInt(*i))
            }
            ExprKind::Float(f) => {
                self.set_line(e.line);
                leaf(ExpKind::KFlt(*f))
            }
            ExprKind::Str(s) => {
                self.set_line(e.line);
                leaf(ExpKind::KStr(Rc::from(&s[..])))
            }
            ExprKind::Vararg => {
                self.set_line(e.line);
                let fs = self.fs();
                if !fs.f.is_vararg {
                    return fs.err("cannot use '...' outside a vararg function near '...'");
                }
                leaf(ExpKind::Vararg(fs.code_abc(OpCode::VARARG, 0, 0, 1)))
            }
            ExprKind::Function(body) => {
                self.set_line(e.line);
                self.body(body)
            }
            ExprKind::Table(fields) => self.constructor(fields, e.line, e.end_line),
            ExprKind::Binary(..) => self.binary_expr(e),
            ExprKind::Unary(op, x) => {
                let mut v = self.expr(x)?;
                self.set_line(x.end_line);
                self.fs().prefix(*op, &mut v, e.line)?;
                Ok(v)
            }
            ExprKind::Name(n, near) => {
                self.set_line(e.line);
                self.single_var(n, near)
            }
            ExprKind::Index(obj, key) => {
                let mut v = self.expr(obj)?;
                // The object is discharged before `.`/`[` is consumed, the key before
                // `]`, the indexing done after it.
                self.set_line(obj.end_line);
                self.fs().exp2anyregup(&mut v)?;
                let mut k = self.expr(key)?;
                self.set_line(key.end_line);
                self.fs().exp2val(&mut k)?;
                self.set_line(e.end_line);
                self.fs().indexed(&mut v, &mut k)?;
                Ok(v)
            }
            ExprKind::Call(f, args) => {
                let mut v = self.expr(f)?;
                self.set_line(f.end_line);
                self.fs().exp2nextreg(&mut v)?;
                self.funcargs(v, args, e.line, e.end_line)
            }
            ExprKind::MethodCall(obj, name, args) => {
                let mut v = self.expr(obj)?;
                self.set_line(e.line);
                let mut key = ExpDesc::new(ExpKind::KStr(Rc::from(name.as_bytes())));
                self.fs().code_self(&mut v, &mut key)?;
                self.funcargs(v, args, first_line(obj), e.end_line)
            }
            ExprKind::Paren(x) => {
                let mut v = self.expr(x)?;
                self.set_line(e.end_line);
                self.fs().discharge_vars(&mut v);
                Ok(v)
            }
        }
    }

    /// A tree of binary operators, walked with an explicit stack: the parser builds
    /// long operator chains (`a + b + c ...`, `a .. b .. c ...`) without nesting
    /// limits, so recursion here could overflow the Rust stack. The order of the
    /// steps is the recursive one: left operand, `infix`, right operand, `posfix`.
    fn binary_expr(&mut self, e: &Expr) -> CResult<ExpDesc> {
        enum Step<'a> {
            Eval(&'a Expr),
            /// Operator and its line.
            Infix(ast::BinOp, u32),
            /// Operator, its line, the right operand's end line.
            Posfix(ast::BinOp, u32, u32),
        }
        let mut work = vec![Step::Eval(e)];
        let mut values: Vec<ExpDesc> = Vec::new();
        while let Some(step) = work.pop() {
            match step {
                Step::Eval(x) => {
                    if let ExprKind::Binary(op, l, r) = &x.kind {
                        work.push(Step::Posfix(*op, x.line, r.end_line));
                        work.push(Step::Eval(r));
                        work.push(Step::Infix(*op, x.line));
                        work.push(Step::Eval(l));
                    } else {
                        let v = self.expr(x)?;
                        values.push(v);
                    }
                }
                Step::Infix(op, line) => {
                    // luac's `infix` runs once the operator is consumed.
                    self.set_line(line);
                    let v = values.last_mut().expect("operand");
                    self.fs.last_mut().expect("function").infix(op, v)?;
                }
                Step::Posfix(op, line, right_end) => {
                    // `posfix` runs once the right operand is read (the arithmetic
                    // instruction itself is fixed to the operator's line).
                    self.set_line(right_end);
                    let mut e2 = values.pop().expect("operand");
                    let e1 = values.last_mut().expect("operand");
                    self.fs
                        .last_mut()
                        .expect("function")
                        .posfix(op, e1, &mut e2, line)?;
                }
            }
        }
        Ok(values.pop().expect("result"))
    }

    /// The arguments and the `CALL`: `line` is the line the call gets (where its
    /// suffixed expression starts), `close_line` the line of its last token (`)`, the
    /// string or the `}`), where the last argument is discharged.
    fn funcargs(
        &mut self,
        f: ExpDesc,
        args: &[Expr],
        line: u32,
        close_line: u32,
    ) -> CResult<ExpDesc> {
        let ExpKind::NonReloc(base) = f.k else {
            unreachable!("function not in a register")
        };
        let (mut a, _) = self.explist(args)?;
        self.set_line(close_line);
        let fs = self.fs();
        let nparams = if a.is_multret() {
            fs.set_multret(&mut a)?;
            -1
        } else {
            if a.k != ExpKind::Void {
                fs.exp2nextreg(&mut a)?;
            }
            fs.freereg as i32 - (base as i32 + 1)
        };
        let pc = fs.code_abc(OpCode::CALL, base, (nparams + 1) as u32, 2);
        fs.fixline(line);
        fs.freereg = base + 1;
        Ok(ExpDesc::new(ExpKind::Call(pc)))
    }

    /// `line`: where the `NEWTABLE` goes (the token before `{`); `end_line`: the `}`.
    fn constructor(&mut self, fields: &[TableField], line: u32, end_line: u32) -> CResult<ExpDesc> {
        self.set_line(line);
        let fs = self.fs();
        let pc = fs.code_abc(OpCode::NEWTABLE, 0, 0, 0);
        let t = fs.freereg;
        fs.reserve_regs(1)?;
        let (mut na, mut nh, mut tostore) = (0u32, 0u32, 0u32);
        let mut v = ExpDesc::new(ExpKind::Void);
        let mut pending_line = line;
        for field in fields {
            if v.k != ExpKind::Void {
                // The pending item is closed after its separator (its end line).
                self.set_line(pending_line);
                let fs = self.fs();
                fs.exp2nextreg(&mut v)?;
                v = ExpDesc::new(ExpKind::Void);
                if tostore == crate::opcode::FIELDS_PER_FLUSH {
                    fs.set_list(t, na, tostore as i32)?;
                    na += tostore;
                    tostore = 0;
                }
            }
            match field {
                TableField::Positional(x) => {
                    v = self.expr(x)?;
                    pending_line = x.end_line;
                    tostore += 1;
                }
                TableField::Named(name, x) => {
                    let key = ExpDesc::new(ExpKind::KStr(Rc::from(name.as_bytes())));
                    nh += 1;
                    self.rec_field(t, key, x)?;
                }
                TableField::Keyed(k, x) => {
                    let mut key = self.expr(k)?;
                    self.set_line(k.end_line);
                    self.fs().exp2val(&mut key)?;
                    nh += 1;
                    self.rec_field(t, key, x)?;
                }
            }
        }
        self.set_line(end_line);
        let fs = self.fs();
        if tostore > 0 {
            if v.is_multret() {
                fs.set_multret(&mut v)?;
                fs.set_list(t, na, -1)?;
                na = na.wrapping_sub(1);
            } else {
                if v.k != ExpKind::Void {
                    fs.exp2nextreg(&mut v)?;
                }
                fs.set_list(t, na, tostore as i32)?;
            }
            na = na.wrapping_add(tostore);
        }
        let b = if nh == 0 { 0 } else { ceil_log2(nh) + 1 };
        let i = fs
            .instr(pc)
            .with_a(t)
            .with_b(b.min(255))
            .with_c(na.min(255));
        fs.set_instr(pc, i);
        Ok(ExpDesc::new(ExpKind::NonReloc(t)))
    }

    fn rec_field(&mut self, t: u32, mut key: ExpDesc, val: &Expr) -> CResult<()> {
        let fs = self.fs();
        let reg = fs.freereg;
        let mut tab = ExpDesc::new(ExpKind::NonReloc(t));
        fs.indexed(&mut tab, &mut key)?;
        let mut v = self.expr(val)?;
        self.set_line(val.end_line);
        let fs = self.fs();
        fs.store_var(&tab, &mut v)?;
        fs.freereg = reg;
        Ok(())
    }
}

/// The line of an expression's first token, as far as the tree tells (for a call
/// through a chain of suffixes: the innermost name or parenthesis).
fn first_line(mut e: &Expr) -> u32 {
    loop {
        e = match &e.kind {
            ExprKind::Binary(_, l, _) => l,
            ExprKind::Index(obj, _) | ExprKind::Call(obj, _) | ExprKind::MethodCall(obj, ..) => obj,
            _ => return e.line,
        };
    }
}

fn ceil_log2(x: u32) -> u32 {
    // Smallest k with 2^k >= x (x >= 1).
    32 - (x - 1).leading_zeros()
}

fn var_kind(k: &VKind) -> VarKind {
    match k {
        VKind::Const | VKind::CompileTime(_) => VarKind::Const,
        VKind::Close => VarKind::Close,
        VKind::Regular => VarKind::Regular,
    }
}
