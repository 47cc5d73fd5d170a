//! Code generation for one function: instruction emission, jump lists, register
//! allocation, constants and expression descriptors (the role of the reference's
//! `lcode.c`, written for our instruction set).
//!
//! An expression is compiled lazily: the expression walker produces an [`ExpDesc`]
//! saying where the value *is* (a constant, a register, an indexed place, a pending
//! jump...), and the consumer decides where it must go (`exp2nextreg`, `exp2anyreg`,
//! `exp2rk`, `goiftrue`...). This is what lets `a.b.c = x + 1` come out as the same
//! few instructions luac emits.
//!
//! Deviations from luac, forced by our encoding (no `MMBIN*`, so an arithmetic
//! instruction's slow path calls the metamethod with its operands in instruction
//! order):
//!
//! * constant operands on the left of `+`/`*`/`&`/`|`/`~` are not swapped to the right
//!   (luac swaps and records a "flip" in `MMBINI`/`MMBINK`);
//! * `x - 1` is `SUBK`, not `ADDI x -1`; `x << 1` is `SHL` with a register, not
//!   `SHRI x -1` (the metamethod must be `__sub`/`__shl`);
//! * order comparisons with an immediate (`LTI`...) are used only for integer constants
//!   (there is no "float immediate" flag to give a metamethod the float back).

use super::fold;
use crate::opcode::{
    Instruction, MAX_ARG_AX, MAX_ARG_BX, MAX_REGS, OFFSET_SBX, OFFSET_SC, OFFSET_SJ, OpCode,
};
use crate::proto::{Constant, LocVar, Proto, UpvalDesc, VarKind};
use std::collections::HashMap;
use std::rc::Rc;

/// End of a jump list.
pub(crate) const NO_JUMP: i32 = -1;
/// "No register" in `TESTSET`'s A while patching jump lists.
pub(crate) const NO_REG: u32 = 255;
/// Largest constant index an `RK`-style operand can hold.
const MAX_INDEX_RK: u32 = 255;
/// Longest string the runtime interns as a short string (luac's `LUAI_MAXSHORTLEN`).
const MAX_SHORT_LEN: usize = 40;
/// `luac`'s `MAXVARS`.
pub(crate) const MAX_VARS: usize = 200;
/// `luac`'s `MAXUPVAL`.
pub(crate) const MAX_UPVAL: usize = 255;

/// A semantic error before the chunk name is attached.
#[derive(Debug)]
pub(crate) struct SemError {
    pub msg: String,
    pub line: u32,
}

impl SemError {
    /// The error as luac's `luaX_syntaxerror` words it while parsing: located at the
    /// line of the token it was current at, ending with `near <token>`.
    pub fn near(self, near: &crate::syntax::ast::Near) -> SemError {
        SemError {
            msg: format!("{} near {}", self.msg, near.text),
            line: near.line,
        }
    }
}

pub(crate) type CResult<T> = Result<T, SemError>;

/// Where an expression's value is (luac's `expkind` with its payload).
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum ExpKind {
    /// No value (empty expression list).
    Void,
    Nil,
    True,
    False,
    /// Constant `K[idx]`.
    K(u32),
    KFlt(f64),
    KInt(i64),
    KStr(Rc<[u8]>),
    /// Value in a fixed register.
    NonReloc(u32),
    /// A local variable: its register and its index among the active variables.
    Local {
        reg: u32,
        vidx: usize,
    },
    /// Upvalue index.
    Upval(u32),
    /// A compile-time constant variable (its value and name).
    Const(Constant, Rc<str>),
    /// `R[t][R[idx]]`.
    Indexed {
        t: u32,
        idx: u32,
    },
    /// `Up[t][K[idx]]`, K a short string.
    IndexUp {
        t: u32,
        idx: u32,
    },
    /// `R[t][idx]`, idx an integer 0..=255.
    IndexI {
        t: u32,
        idx: u32,
    },
    /// `R[t][K[idx]]`, K a short string.
    IndexStr {
        t: u32,
        idx: u32,
    },
    /// A comparison; the payload is the pc of its jump.
    Jmp(usize),
    /// The instruction at pc can put its result in any register (A is patched).
    Reloc(usize),
    /// A call at pc.
    Call(usize),
    /// A `VARARG` at pc.
    Vararg(usize),
}

/// An expression descriptor with its true/false exit lists.
#[derive(Clone, Debug)]
pub(crate) struct ExpDesc {
    pub k: ExpKind,
    /// Patch list of "exit when true".
    pub t: i32,
    /// Patch list of "exit when false".
    pub f: i32,
}

impl ExpDesc {
    pub fn new(k: ExpKind) -> Self {
        ExpDesc {
            k,
            t: NO_JUMP,
            f: NO_JUMP,
        }
    }

    pub fn has_jumps(&self) -> bool {
        self.t != self.f
    }

    pub fn is_multret(&self) -> bool {
        matches!(self.k, ExpKind::Call(_) | ExpKind::Vararg(_))
    }

    pub fn is_var(&self) -> bool {
        matches!(
            self.k,
            ExpKind::Local { .. }
                | ExpKind::Upval(_)
                | ExpKind::Const(..)
                | ExpKind::Indexed { .. }
                | ExpKind::IndexUp { .. }
                | ExpKind::IndexI { .. }
                | ExpKind::IndexStr { .. }
        )
    }

    pub fn is_indexed(&self) -> bool {
        matches!(
            self.k,
            ExpKind::Indexed { .. }
                | ExpKind::IndexUp { .. }
                | ExpKind::IndexI { .. }
                | ExpKind::IndexStr { .. }
        )
    }

    /// The numeric value, when the expression is a numeral without jumps.
    pub fn to_numeral(&self) -> Option<fold::Num> {
        if self.has_jumps() {
            return None;
        }
        match self.k {
            ExpKind::KInt(i) => Some(fold::Num::Int(i)),
            ExpKind::KFlt(f) => Some(fold::Num::Flt(f)),
            _ => None,
        }
    }

    /// Integer constant fitting an `sC` immediate.
    fn is_sc_int(&self) -> Option<i32> {
        match self.k {
            ExpKind::KInt(i) if !self.has_jumps() && fits_sc(i) => Some(i as i32),
            _ => None,
        }
    }

    /// Number usable as an `sB` immediate of `EQI` (integral floats too, as luac).
    fn is_sc_number(&self) -> Option<i32> {
        if self.has_jumps() {
            return None;
        }
        match self.k {
            ExpKind::KInt(i) if fits_sc(i) => Some(i as i32),
            ExpKind::KFlt(f) => match fold::float_to_int_exact(f) {
                Some(i) if fits_sc(i) => Some(i as i32),
                _ => None,
            },
            _ => None,
        }
    }
}

fn fits_sc(i: i64) -> bool {
    (-(OFFSET_SC as i64)..=(255 - OFFSET_SC as i64)).contains(&i)
}

fn fits_sbx(i: i64) -> bool {
    (-(OFFSET_SBX as i64)..=(MAX_ARG_BX as i64 - OFFSET_SBX as i64)).contains(&i)
}

fn sc(i: i32) -> u32 {
    (i + OFFSET_SC) as u32
}

/// Kind of an active variable.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum VKind {
    Regular,
    Const,
    Close,
    /// Compile-time constant: no register.
    CompileTime(Constant),
}

/// A declared local variable.
#[derive(Clone, Debug)]
pub(crate) struct VarDesc {
    pub name: Rc<str>,
    pub kind: VKind,
    pub ridx: u32,
    /// Index in `loc_vars` (unused for compile-time constants).
    pub pidx: usize,
}

/// A block being compiled (luac's `BlockCnt`).
#[derive(Clone, Debug)]
pub(crate) struct BlockCnt {
    pub nactvar: usize,
    pub first_label: usize,
    pub first_goto: usize,
    pub upval: bool,
    pub is_loop: bool,
    pub inside_tbc: bool,
}

/// A pending goto or an active label.
#[derive(Clone, Debug)]
pub(crate) struct LabelDesc {
    pub name: Rc<str>,
    pub pc: usize,
    pub line: u32,
    pub nactvar: usize,
    pub close: bool,
    /// Scratch flag while leaving a block: the goto leaves a variable's scope.
    pub leaving: bool,
}

/// Key of the constant cache (floats by bits, so 0.0/-0.0/NaN stay apart).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum KKey {
    Nil,
    Bool(bool),
    Int(i64),
    Flt(u64),
    Str(Rc<[u8]>),
}

/// The state of one function being compiled (luac's `FuncState`).
pub(crate) struct FuncState {
    pub f: Proto,
    pub line: u32,
    /// Constant -> index cache. As luac's (one table for the whole chunk), it is handed
    /// down to a nested function while that one is compiled, so an entry may point
    /// into another function's constants: it is only trusted after a check, and a
    /// parent re-adds a constant a child took over (luac's listings show the same).
    pub kcache: HashMap<KKey, u32>,
    pub last_target: usize,
    pub freereg: u32,
    pub nactvar: usize,
    /// Declared variables; the first `nactvar` are active.
    pub vars: Vec<VarDesc>,
    pub blocks: Vec<BlockCnt>,
    pub labels: Vec<LabelDesc>,
    pub gotos: Vec<LabelDesc>,
    pub needclose: bool,
}

impl FuncState {
    pub fn new(source: Rc<str>, line_defined: u32) -> Self {
        let f = Proto {
            source,
            line_defined,
            max_stack_size: 2,
            ..Proto::default()
        };
        FuncState {
            f,
            line: line_defined.max(1),
            kcache: HashMap::new(),
            last_target: 0,
            freereg: 0,
            nactvar: 0,
            vars: Vec::new(),
            blocks: Vec::new(),
            labels: Vec::new(),
            gotos: Vec::new(),
            needclose: false,
        }
    }

    pub fn err<T>(&self, msg: impl Into<String>) -> CResult<T> {
        Err(SemError {
            msg: msg.into(),
            line: self.line,
        })
    }

    /// `too many <what> (limit is N) in <function>`.
    pub fn error_limit<T>(&self, limit: usize, what: &str) -> CResult<T> {
        let where_ = if self.f.line_defined == 0 {
            "main function".to_string()
        } else {
            format!("function at line {}", self.f.line_defined)
        };
        self.err(format!("too many {what} (limit is {limit}) in {where_}"))
    }

    pub fn pc(&self) -> usize {
        self.f.code.len()
    }

    // ---- emission -------------------------------------------------------------------

    pub fn code(&mut self, i: Instruction) -> usize {
        self.f.code.push(i);
        self.f.line_info.push(self.line);
        self.f.code.len() - 1
    }

    pub fn code_abc(&mut self, op: OpCode, a: u32, b: u32, c: u32) -> usize {
        self.code(Instruction::abc(op, a, b, c))
    }

    pub fn code_abx(&mut self, op: OpCode, a: u32, bx: u32) -> usize {
        self.code(Instruction::abx(op, a, bx))
    }

    fn code_asbx(&mut self, op: OpCode, a: u32, sbx: i32) -> usize {
        self.code(Instruction::asbx(op, a, sbx))
    }

    fn code_extraarg(&mut self, ax: u32) -> usize {
        self.code(Instruction::ax(OpCode::EXTRAARG, ax))
    }

    /// Gives the last instruction the line `line` (luac's `luaK_fixline`).
    pub fn fixline(&mut self, line: u32) {
        if let Some(l) = self.f.line_info.last_mut() {
            *l = line;
        }
    }

    pub fn instr(&self, pc: usize) -> Instruction {
        self.f.code[pc]
    }

    pub fn set_instr(&mut self, pc: usize, i: Instruction) {
        self.f.code[pc] = i;
    }

    /// Marks the current pc as a jump target and returns it.
    pub fn get_label(&mut self) -> usize {
        self.last_target = self.pc();
        self.pc()
    }

    fn previous_instruction(&self) -> Option<Instruction> {
        if self.pc() > self.last_target && self.pc() > 0 {
            Some(self.f.code[self.pc() - 1])
        } else {
            None
        }
    }

    /// `R[from..from+n] := nil`, merged with a previous `LOADNIL` when possible.
    pub fn code_nil(&mut self, from: u32, n: u32) {
        let mut from = from;
        let mut l = from + n - 1;
        if let Some(prev) = self.previous_instruction()
            && prev.opcode() == OpCode::LOADNIL
        {
            let pfrom = prev.a();
            let pl = pfrom + prev.b();
            if (pfrom <= from && from <= pl + 1) || (from <= pfrom && pfrom <= l + 1) {
                from = from.min(pfrom);
                l = l.max(pl);
                let pc = self.pc() - 1;
                self.set_instr(pc, prev.with_a(from).with_b(l - from));
                return;
            }
        }
        self.code_abc(OpCode::LOADNIL, from, n - 1, 0);
    }

    // ---- jumps ----------------------------------------------------------------------

    fn get_jump(&self, pc: usize) -> i32 {
        let off = self.f.code[pc].sj_field();
        if off == NO_JUMP {
            NO_JUMP
        } else {
            pc as i32 + 1 + off
        }
    }

    pub fn fix_jump(&mut self, pc: usize, dest: usize) -> CResult<()> {
        let off = dest as i64 - (pc as i64 + 1);
        if !(-(OFFSET_SJ as i64)..=(MAX_ARG_AX as i64 - OFFSET_SJ as i64)).contains(&off) {
            return self.err("control structure too long");
        }
        let i = self.f.code[pc].with_sj(off as i32);
        self.f.code[pc] = i;
        Ok(())
    }

    pub fn concat(&mut self, l1: &mut i32, l2: i32) -> CResult<()> {
        if l2 == NO_JUMP {
            return Ok(());
        }
        if *l1 == NO_JUMP {
            *l1 = l2;
            return Ok(());
        }
        let mut list = *l1 as usize;
        loop {
            let next = self.get_jump(list);
            if next == NO_JUMP {
                break;
            }
            list = next as usize;
        }
        self.fix_jump(list, l2 as usize)
    }

    pub fn jump(&mut self) -> usize {
        self.code(Instruction::sj(OpCode::JMP, NO_JUMP))
    }

    pub fn ret(&mut self, first: u32, nret: i32) {
        let op = match nret {
            0 => OpCode::RETURN0,
            1 => OpCode::RETURN1,
            _ => OpCode::RETURN,
        };
        self.code_abc(op, first, (nret + 1) as u32, 0);
    }

    fn cond_jump(&mut self, op: OpCode, a: u32, b: u32, k: bool) -> usize {
        self.code_abc(op, a, b, k as u32);
        self.jump()
    }

    fn jump_control(&self, pc: usize) -> usize {
        if pc >= 1 && is_test_mode(self.f.code[pc - 1].opcode()) {
            pc - 1
        } else {
            pc
        }
    }

    fn patch_test_reg(&mut self, node: usize, reg: u32) -> bool {
        let pc = self.jump_control(node);
        let i = self.f.code[pc];
        if i.opcode() != OpCode::TESTSET {
            return false;
        }
        let new = if reg != NO_REG && reg != i.b() {
            i.with_a(reg)
        } else {
            Instruction::abc(OpCode::TEST, i.b(), 0, i.c())
        };
        self.f.code[pc] = new;
        true
    }

    fn remove_values(&mut self, mut list: i32) {
        while list != NO_JUMP {
            self.patch_test_reg(list as usize, NO_REG);
            list = self.get_jump(list as usize);
        }
    }

    fn patch_list_aux(
        &mut self,
        mut list: i32,
        vtarget: usize,
        reg: u32,
        dtarget: usize,
    ) -> CResult<()> {
        while list != NO_JUMP {
            let next = self.get_jump(list as usize);
            if self.patch_test_reg(list as usize, reg) {
                self.fix_jump(list as usize, vtarget)?;
            } else {
                self.fix_jump(list as usize, dtarget)?;
            }
            list = next;
        }
        Ok(())
    }

    pub fn patch_list(&mut self, list: i32, target: usize) -> CResult<()> {
        self.patch_list_aux(list, target, NO_REG, target)
    }

    pub fn patch_to_here(&mut self, list: i32) -> CResult<()> {
        let here = self.get_label();
        self.patch_list(list, here)
    }

    // ---- registers ------------------------------------------------------------------

    pub fn check_stack(&mut self, n: u32) -> CResult<()> {
        let newstack = self.freereg + n;
        if newstack > self.f.max_stack_size as u32 {
            if newstack > MAX_REGS {
                return self.err("function or expression needs too many registers");
            }
            self.f.max_stack_size = newstack as u8;
        }
        Ok(())
    }

    pub fn reserve_regs(&mut self, n: u32) -> CResult<()> {
        self.check_stack(n)?;
        self.freereg += n;
        Ok(())
    }

    fn free_reg(&mut self, reg: u32) {
        if reg >= self.nvarstack() {
            self.freereg -= 1;
            debug_assert_eq!(reg, self.freereg, "free_reg out of order");
        }
    }

    fn free_regs(&mut self, r1: u32, r2: u32) {
        if r1 > r2 {
            self.free_reg(r1);
            self.free_reg(r2);
        } else {
            self.free_reg(r2);
            self.free_reg(r1);
        }
    }

    pub fn free_exp(&mut self, e: &ExpDesc) {
        if let ExpKind::NonReloc(r) = e.k {
            self.free_reg(r);
        }
    }

    fn free_exps(&mut self, e1: &ExpDesc, e2: &ExpDesc) {
        match (&e1.k, &e2.k) {
            (ExpKind::NonReloc(r1), ExpKind::NonReloc(r2)) => self.free_regs(*r1, *r2),
            (ExpKind::NonReloc(r1), _) => self.free_reg(*r1),
            (_, ExpKind::NonReloc(r2)) => self.free_reg(*r2),
            _ => {}
        }
    }

    /// Register level of the first `nvar` active variables (luac's `reglevel`).
    pub fn reg_level(&self, nvar: usize) -> u32 {
        for v in self.vars[..nvar].iter().rev() {
            if !matches!(v.kind, VKind::CompileTime(_)) {
                return v.ridx + 1;
            }
        }
        0
    }

    /// Number of registers holding active variables.
    pub fn nvarstack(&self) -> u32 {
        self.reg_level(self.nactvar)
    }

    // ---- constants ------------------------------------------------------------------

    fn add_k(&mut self, key: KKey, value: Constant) -> CResult<u32> {
        if let Some(&i) = self.kcache.get(&key)
            && let Some(k) = self.f.constants.get(i as usize)
            && k_key(k) == key
        {
            return Ok(i);
        }
        let i = self.f.constants.len() as u32;
        if i > MAX_ARG_AX {
            return self.error_limit(MAX_ARG_AX as usize, "constants");
        }
        self.f.constants.push(value);
        self.kcache.insert(key, i);
        Ok(i)
    }

    pub fn string_k(&mut self, s: &Rc<[u8]>) -> CResult<u32> {
        self.add_k(KKey::Str(s.clone()), Constant::Str(s.clone()))
    }

    fn int_k(&mut self, i: i64) -> CResult<u32> {
        self.add_k(KKey::Int(i), Constant::Int(i))
    }

    fn float_k(&mut self, f: f64) -> CResult<u32> {
        self.add_k(KKey::Flt(f.to_bits()), Constant::Float(f))
    }

    fn bool_k(&mut self, b: bool) -> CResult<u32> {
        self.add_k(KKey::Bool(b), Constant::Bool(b))
    }

    fn nil_k(&mut self) -> CResult<u32> {
        self.add_k(KKey::Nil, Constant::Nil)
    }

    fn is_kstr(&self, e: &ExpDesc) -> bool {
        if let ExpKind::K(i) = e.k
            && !e.has_jumps()
            && i <= MAX_INDEX_RK
            && let Constant::Str(s) = &self.f.constants[i as usize]
        {
            return s.len() <= MAX_SHORT_LEN;
        }
        false
    }

    fn str2k(&mut self, e: &mut ExpDesc) -> CResult<()> {
        if let ExpKind::KStr(s) = &e.k {
            let s = s.clone();
            e.k = ExpKind::K(self.string_k(&s)?);
        }
        Ok(())
    }

    fn code_k(&mut self, reg: u32, k: u32) {
        if k <= MAX_ARG_BX {
            self.code_abx(OpCode::LOADK, reg, k);
        } else {
            self.code_abc(OpCode::LOADKX, reg, 0, 0);
            self.code_extraarg(k);
        }
    }

    pub fn code_int(&mut self, reg: u32, i: i64) -> CResult<()> {
        if fits_sbx(i) {
            self.code_asbx(OpCode::LOADI, reg, i as i32);
        } else {
            let k = self.int_k(i)?;
            self.code_k(reg, k);
        }
        Ok(())
    }

    fn code_float(&mut self, reg: u32, f: f64) -> CResult<()> {
        match fold::float_to_int_exact(f) {
            Some(i) if fits_sbx(i) => {
                self.code_asbx(OpCode::LOADF, reg, i as i32);
            }
            _ => {
                let k = self.float_k(f)?;
                self.code_k(reg, k);
            }
        }
        Ok(())
    }

    /// Turns a compile-time constant into its expression form.
    pub fn const_to_exp(c: &Constant) -> ExpKind {
        match c {
            Constant::Nil => ExpKind::Nil,
            Constant::Bool(true) => ExpKind::True,
            Constant::Bool(false) => ExpKind::False,
            Constant::Int(i) => ExpKind::KInt(*i),
            Constant::Float(f) => ExpKind::KFlt(*f),
            Constant::Str(s) => ExpKind::KStr(s.clone()),
        }
    }

    /// The compile-time value of `e`, if it has one (luac's `luaK_exp2const`).
    pub fn exp2const(&self, e: &ExpDesc) -> Option<Constant> {
        if e.has_jumps() {
            return None;
        }
        match &e.k {
            ExpKind::False => Some(Constant::Bool(false)),
            ExpKind::True => Some(Constant::Bool(true)),
            ExpKind::Nil => Some(Constant::Nil),
            ExpKind::KStr(s) => Some(Constant::Str(s.clone())),
            ExpKind::Const(c, _) => Some(c.clone()),
            ExpKind::KInt(i) => Some(Constant::Int(*i)),
            ExpKind::KFlt(f) => Some(Constant::Float(*f)),
            _ => None,
        }
    }

    // ---- discharging ----------------------------------------------------------------

    pub fn set_returns(&mut self, e: &mut ExpDesc, nresults: i32) -> CResult<()> {
        match e.k {
            ExpKind::Call(pc) => {
                let i = self.instr(pc).with_c((nresults + 1) as u32);
                self.set_instr(pc, i);
            }
            ExpKind::Vararg(pc) => {
                let i = self
                    .instr(pc)
                    .with_c((nresults + 1) as u32)
                    .with_a(self.freereg);
                self.set_instr(pc, i);
                self.reserve_regs(1)?;
            }
            _ => {}
        }
        Ok(())
    }

    pub fn set_multret(&mut self, e: &mut ExpDesc) -> CResult<()> {
        self.set_returns(e, -1)
    }

    pub fn set_one_ret(&mut self, e: &mut ExpDesc) {
        match e.k {
            ExpKind::Call(pc) => e.k = ExpKind::NonReloc(self.instr(pc).a()),
            ExpKind::Vararg(pc) => {
                let i = self.instr(pc).with_c(2);
                self.set_instr(pc, i);
                e.k = ExpKind::Reloc(pc);
            }
            _ => {}
        }
    }

    pub fn discharge_vars(&mut self, e: &mut ExpDesc) {
        match e.k.clone() {
            ExpKind::Const(c, _) => e.k = Self::const_to_exp(&c),
            ExpKind::Local { reg, .. } => e.k = ExpKind::NonReloc(reg),
            ExpKind::Upval(u) => {
                e.k = ExpKind::Reloc(self.code_abc(OpCode::GETUPVAL, 0, u, 0));
            }
            ExpKind::IndexUp { t, idx } => {
                e.k = ExpKind::Reloc(self.code_abc(OpCode::GETTABUP, 0, t, idx));
            }
            ExpKind::IndexI { t, idx } => {
                self.free_reg(t);
                e.k = ExpKind::Reloc(self.code_abc(OpCode::GETI, 0, t, idx));
            }
            ExpKind::IndexStr { t, idx } => {
                self.free_reg(t);
                e.k = ExpKind::Reloc(self.code_abc(OpCode::GETFIELD, 0, t, idx));
            }
            ExpKind::Indexed { t, idx } => {
                self.free_regs(t, idx);
                e.k = ExpKind::Reloc(self.code_abc(OpCode::GETTABLE, 0, t, idx));
            }
            ExpKind::Vararg(_) | ExpKind::Call(_) => self.set_one_ret(e),
            _ => {}
        }
    }

    fn discharge2reg(&mut self, e: &mut ExpDesc, reg: u32) -> CResult<()> {
        self.discharge_vars(e);
        match e.k.clone() {
            ExpKind::Nil => self.code_nil(reg, 1),
            ExpKind::False => {
                self.code_abc(OpCode::LOADFALSE, reg, 0, 0);
            }
            ExpKind::True => {
                self.code_abc(OpCode::LOADTRUE, reg, 0, 0);
            }
            ExpKind::KStr(s) => {
                let k = self.string_k(&s)?;
                self.code_k(reg, k);
            }
            ExpKind::K(k) => self.code_k(reg, k),
            ExpKind::KFlt(f) => self.code_float(reg, f)?,
            ExpKind::KInt(i) => self.code_int(reg, i)?,
            ExpKind::Reloc(pc) => {
                let i = self.instr(pc).with_a(reg);
                self.set_instr(pc, i);
            }
            ExpKind::NonReloc(r) => {
                if r != reg {
                    self.code_abc(OpCode::MOVE, reg, r, 0);
                }
            }
            ExpKind::Jmp(_) => return Ok(()),
            other => unreachable!("discharge2reg on {other:?}"),
        }
        e.k = ExpKind::NonReloc(reg);
        Ok(())
    }

    fn discharge2anyreg(&mut self, e: &mut ExpDesc) -> CResult<()> {
        if !matches!(e.k, ExpKind::NonReloc(_)) {
            self.reserve_regs(1)?;
            let r = self.freereg - 1;
            self.discharge2reg(e, r)?;
        }
        Ok(())
    }

    fn code_loadbool(&mut self, a: u32, op: OpCode) -> usize {
        self.get_label();
        self.code_abc(op, a, 0, 0)
    }

    fn need_value(&self, mut list: i32) -> bool {
        while list != NO_JUMP {
            let i = self.f.code[self.jump_control(list as usize)];
            if i.opcode() != OpCode::TESTSET {
                return true;
            }
            list = self.get_jump(list as usize);
        }
        false
    }

    fn exp2reg(&mut self, e: &mut ExpDesc, reg: u32) -> CResult<()> {
        self.discharge2reg(e, reg)?;
        if let ExpKind::Jmp(pc) = e.k {
            let mut t = e.t;
            self.concat(&mut t, pc as i32)?;
            e.t = t;
        }
        if e.has_jumps() {
            let mut p_f = NO_JUMP as usize;
            let mut p_t = NO_JUMP as usize;
            if self.need_value(e.t) || self.need_value(e.f) {
                let fj = if matches!(e.k, ExpKind::Jmp(_)) {
                    NO_JUMP
                } else {
                    self.jump() as i32
                };
                p_f = self.code_loadbool(reg, OpCode::LFALSESKIP);
                p_t = self.code_loadbool(reg, OpCode::LOADTRUE);
                self.patch_to_here(fj)?;
            }
            let fin = self.get_label();
            self.patch_list_aux(e.f, fin, reg, p_f)?;
            self.patch_list_aux(e.t, fin, reg, p_t)?;
        }
        e.f = NO_JUMP;
        e.t = NO_JUMP;
        e.k = ExpKind::NonReloc(reg);
        Ok(())
    }

    pub fn exp2nextreg(&mut self, e: &mut ExpDesc) -> CResult<()> {
        self.discharge_vars(e);
        self.free_exp(e);
        self.reserve_regs(1)?;
        let r = self.freereg - 1;
        self.exp2reg(e, r)
    }

    pub fn exp2anyreg(&mut self, e: &mut ExpDesc) -> CResult<u32> {
        self.discharge_vars(e);
        if let ExpKind::NonReloc(r) = e.k {
            if !e.has_jumps() {
                return Ok(r);
            }
            if r >= self.nvarstack() {
                self.exp2reg(e, r)?;
                return Ok(r);
            }
        }
        self.exp2nextreg(e)?;
        match e.k {
            ExpKind::NonReloc(r) => Ok(r),
            _ => unreachable!(),
        }
    }

    pub fn exp2anyregup(&mut self, e: &mut ExpDesc) -> CResult<()> {
        if !matches!(e.k, ExpKind::Upval(_)) || e.has_jumps() {
            self.exp2anyreg(e)?;
        }
        Ok(())
    }

    pub fn exp2val(&mut self, e: &mut ExpDesc) -> CResult<()> {
        if e.has_jumps() {
            self.exp2anyreg(e)?;
        } else {
            self.discharge_vars(e);
        }
        Ok(())
    }

    /// Tries to make `e` a constant operand `K[x]` with x <= 255.
    fn exp2k(&mut self, e: &mut ExpDesc) -> CResult<bool> {
        if e.has_jumps() {
            return Ok(false);
        }
        let info = match e.k.clone() {
            ExpKind::True => self.bool_k(true)?,
            ExpKind::False => self.bool_k(false)?,
            ExpKind::Nil => self.nil_k()?,
            ExpKind::KInt(i) => self.int_k(i)?,
            ExpKind::KFlt(f) => self.float_k(f)?,
            ExpKind::KStr(s) => self.string_k(&s)?,
            ExpKind::K(k) => k,
            _ => return Ok(false),
        };
        if info <= MAX_INDEX_RK {
            e.k = ExpKind::K(info);
            Ok(true)
        } else {
            Ok(false)
        }
    }

    /// Register or constant: returns `(true, k)` for a constant operand.
    fn exp2rk(&mut self, e: &mut ExpDesc) -> CResult<(bool, u32)> {
        if self.exp2k(e)? {
            let ExpKind::K(k) = e.k else { unreachable!() };
            Ok((true, k))
        } else {
            Ok((false, self.exp2anyreg(e)?))
        }
    }

    /// Emits `op`/`op_k` with A, B and a register-or-constant C.
    fn code_abrk(
        &mut self,
        op: OpCode,
        op_k: OpCode,
        a: u32,
        b: u32,
        ec: &mut ExpDesc,
    ) -> CResult<()> {
        let (is_k, c) = self.exp2rk(ec)?;
        self.code_abc(if is_k { op_k } else { op }, a, b, c);
        Ok(())
    }

    pub fn store_var(&mut self, var: &ExpDesc, ex: &mut ExpDesc) -> CResult<()> {
        match var.k {
            ExpKind::Local { reg, .. } => {
                self.free_exp(ex);
                return self.exp2reg(ex, reg);
            }
            ExpKind::Upval(u) => {
                let e = self.exp2anyreg(ex)?;
                self.code_abc(OpCode::SETUPVAL, e, u, 0);
            }
            ExpKind::IndexUp { t, idx } => {
                self.code_abrk(OpCode::SETTABUP, OpCode::SETTABUPK, t, idx, ex)?
            }
            ExpKind::IndexI { t, idx } => {
                self.code_abrk(OpCode::SETI, OpCode::SETIK, t, idx, ex)?
            }
            ExpKind::IndexStr { t, idx } => {
                self.code_abrk(OpCode::SETFIELD, OpCode::SETFIELDK, t, idx, ex)?
            }
            ExpKind::Indexed { t, idx } => {
                self.code_abrk(OpCode::SETTABLE, OpCode::SETTABLEK, t, idx, ex)?
            }
            _ => unreachable!("store_var on a non-variable"),
        }
        self.free_exp(ex);
        Ok(())
    }

    /// `e:key(...)`: `SELF`/`SELFK` into a fresh pair of registers.
    pub fn code_self(&mut self, e: &mut ExpDesc, key: &mut ExpDesc) -> CResult<()> {
        self.exp2anyreg(e)?;
        let ExpKind::NonReloc(ereg) = e.k else {
            unreachable!()
        };
        self.free_exp(e);
        let base = self.freereg;
        e.k = ExpKind::NonReloc(base);
        self.reserve_regs(2)?;
        self.str2k(key)?;
        if self.is_kstr(key) {
            let ExpKind::K(k) = key.k else { unreachable!() };
            self.code_abc(OpCode::SELFK, base, ereg, k);
        } else {
            let r = self.exp2anyreg(key)?;
            self.code_abc(OpCode::SELF, base, ereg, r);
        }
        self.free_exp(key);
        Ok(())
    }

    fn negate_condition(&mut self, pc: usize) {
        let c = self.jump_control(pc);
        let i = self.f.code[c];
        self.f.code[c] = i.with_c(i.c() ^ 1);
    }

    fn jump_on_cond(&mut self, e: &mut ExpDesc, cond: bool) -> CResult<usize> {
        if let ExpKind::Reloc(pc) = e.k {
            let ie = self.instr(pc);
            if ie.opcode() == OpCode::NOT {
                // Remove the NOT and test its operand with the opposite sense.
                self.f.code.pop();
                self.f.line_info.pop();
                return Ok(self.cond_jump(OpCode::TEST, ie.b(), 0, !cond));
            }
        }
        self.discharge2anyreg(e)?;
        self.free_exp(e);
        let ExpKind::NonReloc(r) = e.k else {
            unreachable!()
        };
        Ok(self.cond_jump(OpCode::TESTSET, NO_REG, r, cond))
    }

    /// Emits code to go through if `e` is true, jump otherwise (luac's `luaK_goiftrue`).
    pub fn go_if_true(&mut self, e: &mut ExpDesc) -> CResult<()> {
        self.discharge_vars(e);
        let pc = match e.k {
            ExpKind::Jmp(pc) => {
                self.negate_condition(pc);
                pc as i32
            }
            ExpKind::K(_)
            | ExpKind::KFlt(_)
            | ExpKind::KInt(_)
            | ExpKind::KStr(_)
            | ExpKind::True => NO_JUMP,
            _ => self.jump_on_cond(e, false)? as i32,
        };
        let mut f = e.f;
        self.concat(&mut f, pc)?;
        e.f = f;
        self.patch_to_here(e.t)?;
        e.t = NO_JUMP;
        Ok(())
    }

    /// Emits code to go through if `e` is false, jump otherwise.
    pub fn go_if_false(&mut self, e: &mut ExpDesc) -> CResult<()> {
        self.discharge_vars(e);
        let pc = match e.k {
            ExpKind::Jmp(pc) => pc as i32,
            ExpKind::Nil | ExpKind::False => NO_JUMP,
            _ => self.jump_on_cond(e, true)? as i32,
        };
        let mut t = e.t;
        self.concat(&mut t, pc)?;
        e.t = t;
        self.patch_to_here(e.f)?;
        e.f = NO_JUMP;
        Ok(())
    }

    fn code_not(&mut self, e: &mut ExpDesc) -> CResult<()> {
        match e.k {
            ExpKind::Nil | ExpKind::False => e.k = ExpKind::True,
            ExpKind::K(_)
            | ExpKind::KFlt(_)
            | ExpKind::KInt(_)
            | ExpKind::KStr(_)
            | ExpKind::True => e.k = ExpKind::False,
            ExpKind::Jmp(pc) => self.negate_condition(pc),
            ExpKind::Reloc(_) | ExpKind::NonReloc(_) => {
                self.discharge2anyreg(e)?;
                self.free_exp(e);
                let ExpKind::NonReloc(r) = e.k else {
                    unreachable!()
                };
                e.k = ExpKind::Reloc(self.code_abc(OpCode::NOT, 0, r, 0));
            }
            _ => unreachable!("code_not"),
        }
        std::mem::swap(&mut e.t, &mut e.f);
        self.remove_values(e.f);
        self.remove_values(e.t);
        Ok(())
    }

    /// `t[k]`: turns `t` into an indexed place (luac's `luaK_indexed`).
    pub fn indexed(&mut self, t: &mut ExpDesc, k: &mut ExpDesc) -> CResult<()> {
        self.str2k(k)?;
        if matches!(t.k, ExpKind::Upval(_)) && !self.is_kstr(k) {
            self.exp2anyreg(t)?;
        }
        if let ExpKind::Upval(u) = t.k {
            let ExpKind::K(idx) = k.k else { unreachable!() };
            t.k = ExpKind::IndexUp { t: u, idx };
        } else {
            let treg = match t.k {
                ExpKind::Local { reg, .. } => reg,
                ExpKind::NonReloc(r) => r,
                _ => unreachable!("indexed: table not in a register"),
            };
            if self.is_kstr(k) {
                let ExpKind::K(idx) = k.k else { unreachable!() };
                t.k = ExpKind::IndexStr { t: treg, idx };
            } else if let ExpKind::KInt(i) = k.k
                && !k.has_jumps()
                && (0..=255).contains(&i)
            {
                t.k = ExpKind::IndexI {
                    t: treg,
                    idx: i as u32,
                };
            } else {
                let idx = self.exp2anyreg(k)?;
                t.k = ExpKind::Indexed { t: treg, idx };
            }
        }
        t.t = NO_JUMP;
        t.f = NO_JUMP;
        Ok(())
    }

    // ---- operators ------------------------------------------------------------------

    /// Unary operator applied to `e` (luac's `luaK_prefix`).
    pub fn prefix(
        &mut self,
        op: crate::syntax::ast::UnOp,
        e: &mut ExpDesc,
        line: u32,
    ) -> CResult<()> {
        use crate::syntax::ast::UnOp;
        self.discharge_vars(e);
        match op {
            UnOp::Neg | UnOp::BNot => {
                if let Some(v) = e.to_numeral()
                    && let Some(r) = fold::fold_unary(op, v)
                {
                    e.k = r;
                    return Ok(());
                }
                let opc = if op == UnOp::Neg {
                    OpCode::UNM
                } else {
                    OpCode::BNOT
                };
                self.code_unexpval(opc, e, line)
            }
            UnOp::Len => self.code_unexpval(OpCode::LEN, e, line),
            UnOp::Not => self.code_not(e),
        }
    }

    fn code_unexpval(&mut self, op: OpCode, e: &mut ExpDesc, line: u32) -> CResult<()> {
        let r = self.exp2anyreg(e)?;
        self.free_exp(e);
        e.k = ExpKind::Reloc(self.code_abc(op, 0, r, 0));
        self.fixline(line);
        Ok(())
    }

    /// Prepares the left operand before the right one is compiled (luac's `luaK_infix`).
    pub fn infix(&mut self, op: crate::syntax::ast::BinOp, v: &mut ExpDesc) -> CResult<()> {
        use crate::syntax::ast::BinOp::*;
        self.discharge_vars(v);
        match op {
            And => self.go_if_true(v)?,
            Or => self.go_if_false(v)?,
            Concat => self.exp2nextreg(v)?,
            Add | Sub | Mul | Div | IDiv | Mod | Pow | BAnd | BOr | BXor | Shl | Shr => {
                if v.to_numeral().is_none() {
                    self.exp2anyreg(v)?;
                }
            }
            Eq | Ne => {
                if v.to_numeral().is_none() {
                    self.exp2rk(v)?;
                }
            }
            Lt | Le | Gt | Ge => {
                if v.is_sc_int().is_none() {
                    self.exp2anyreg(v)?;
                }
            }
        }
        Ok(())
    }

    /// Finishes a binary operation (luac's `luaK_posfix`); the result is in `e1`.
    pub fn posfix(
        &mut self,
        op: crate::syntax::ast::BinOp,
        e1: &mut ExpDesc,
        e2: &mut ExpDesc,
        line: u32,
    ) -> CResult<()> {
        use crate::syntax::ast::BinOp::*;
        self.discharge_vars(e2);
        if let (Some(a), Some(b)) = (e1.to_numeral(), e2.to_numeral())
            && let Some(r) = fold::fold_binary(op, a, b)
        {
            e1.k = r;
            return Ok(());
        }
        match op {
            And => {
                let mut f = e2.f;
                self.concat(&mut f, e1.f)?;
                e2.f = f;
                *e1 = e2.clone();
            }
            Or => {
                let mut t = e2.t;
                self.concat(&mut t, e1.t)?;
                e2.t = t;
                *e1 = e2.clone();
            }
            Concat => {
                self.exp2nextreg(e2)?;
                self.code_concat(e1, e2, line)?;
            }
            Add => {
                if let Some(i) = e2.is_sc_int() {
                    self.finish_binexpval(e1, e2, OpCode::ADDI, sc(i), line)?;
                } else {
                    self.code_arith(op, e1, e2, line)?;
                }
            }
            Sub | Mul | Div | IDiv | Mod | Pow => self.code_arith(op, e1, e2, line)?,
            BAnd | BOr | BXor => {
                let mut done = false;
                if matches!(e2.k, ExpKind::KInt(_)) && self.exp2k(e2)? {
                    let ExpKind::K(k) = e2.k else { unreachable!() };
                    let opk = match op {
                        BAnd => OpCode::BANDK,
                        BOr => OpCode::BORK,
                        _ => OpCode::BXORK,
                    };
                    self.finish_binexpval(e1, e2, opk, k, line)?;
                    done = true;
                }
                if !done {
                    self.code_binexpval(op, e1, e2, line)?;
                }
            }
            Shl => {
                if let Some(i) = e1.is_sc_int() {
                    // `I << r`: SHLI with the immediate on the left.
                    std::mem::swap(e1, e2);
                    self.finish_binexpval(e1, e2, OpCode::SHLI, sc(i), line)?;
                } else {
                    self.code_binexpval(op, e1, e2, line)?;
                }
            }
            Shr => {
                if let Some(i) = e2.is_sc_int() {
                    self.finish_binexpval(e1, e2, OpCode::SHRI, sc(i), line)?;
                } else {
                    self.code_binexpval(op, e1, e2, line)?;
                }
            }
            Eq | Ne => self.code_eq(op == Eq, e1, e2)?,
            Gt | Ge => {
                // `a > b` is `b < a`; `a >= b` is `b <= a`.
                std::mem::swap(e1, e2);
                self.code_order(op == Ge, e1, e2)?;
            }
            Lt | Le => self.code_order(op == Le, e1, e2)?,
        }
        Ok(())
    }

    fn code_arith(
        &mut self,
        op: crate::syntax::ast::BinOp,
        e1: &mut ExpDesc,
        e2: &mut ExpDesc,
        line: u32,
    ) -> CResult<()> {
        use crate::syntax::ast::BinOp::*;
        if e2.to_numeral().is_some() && self.exp2k(e2)? {
            let ExpKind::K(k) = e2.k else { unreachable!() };
            let opk = match op {
                Add => OpCode::ADDK,
                Sub => OpCode::SUBK,
                Mul => OpCode::MULK,
                Div => OpCode::DIVK,
                IDiv => OpCode::IDIVK,
                Mod => OpCode::MODK,
                Pow => OpCode::POWK,
                _ => unreachable!(),
            };
            self.finish_binexpval(e1, e2, opk, k, line)
        } else {
            self.code_binexpval(op, e1, e2, line)
        }
    }

    fn code_binexpval(
        &mut self,
        op: crate::syntax::ast::BinOp,
        e1: &mut ExpDesc,
        e2: &mut ExpDesc,
        line: u32,
    ) -> CResult<()> {
        use crate::syntax::ast::BinOp::*;
        let opc = match op {
            Add => OpCode::ADD,
            Sub => OpCode::SUB,
            Mul => OpCode::MUL,
            Div => OpCode::DIV,
            IDiv => OpCode::IDIV,
            Mod => OpCode::MOD,
            Pow => OpCode::POW,
            BAnd => OpCode::BAND,
            BOr => OpCode::BOR,
            BXor => OpCode::BXOR,
            Shl => OpCode::SHL,
            Shr => OpCode::SHR,
            _ => unreachable!(),
        };
        let v2 = self.exp2anyreg(e2)?;
        self.finish_binexpval(e1, e2, opc, v2, line)
    }

    fn finish_binexpval(
        &mut self,
        e1: &mut ExpDesc,
        e2: &mut ExpDesc,
        op: OpCode,
        v2: u32,
        line: u32,
    ) -> CResult<()> {
        let v1 = self.exp2anyreg(e1)?;
        let pc = self.code_abc(op, 0, v1, v2);
        self.free_exps(e1, e2);
        e1.k = ExpKind::Reloc(pc);
        self.fixline(line);
        Ok(())
    }

    fn code_concat(&mut self, e1: &mut ExpDesc, e2: &mut ExpDesc, line: u32) -> CResult<()> {
        let ExpKind::NonReloc(r1) = e1.k else {
            unreachable!("concat operand")
        };
        if let Some(prev) = self.previous_instruction()
            && prev.opcode() == OpCode::CONCAT
        {
            let n = prev.b();
            debug_assert_eq!(r1 + 1, prev.a());
            self.free_exp(e2);
            let pc = self.pc() - 1;
            self.set_instr(pc, prev.with_a(r1).with_b(n + 1));
        } else {
            self.code_abc(OpCode::CONCAT, r1, 2, 0);
            self.free_exp(e2);
            self.fixline(line);
        }
        Ok(())
    }

    fn code_eq(&mut self, is_eq: bool, e1: &mut ExpDesc, e2: &mut ExpDesc) -> CResult<()> {
        if !matches!(e1.k, ExpKind::NonReloc(_)) {
            std::mem::swap(e1, e2);
        }
        let r1 = self.exp2anyreg(e1)?;
        let (op, r2) = if let Some(im) = e2.is_sc_number() {
            (OpCode::EQI, sc(im))
        } else {
            let (is_k, r) = self.exp2rk(e2)?;
            (if is_k { OpCode::EQK } else { OpCode::EQ }, r)
        };
        self.free_exps(e1, e2);
        e1.k = ExpKind::Jmp(self.cond_jump(op, r1, r2, is_eq));
        Ok(())
    }

    /// `e1 < e2` (or `<=` when `le`).
    fn code_order(&mut self, le: bool, e1: &mut ExpDesc, e2: &mut ExpDesc) -> CResult<()> {
        let (op, r1, r2);
        if let Some(im) = e2.is_sc_int() {
            r1 = self.exp2anyreg(e1)?;
            r2 = sc(im);
            op = if le { OpCode::LEI } else { OpCode::LTI };
        } else if let Some(im) = e1.is_sc_int() {
            // `I < r` is `r > I`.
            r1 = self.exp2anyreg(e2)?;
            r2 = sc(im);
            op = if le { OpCode::GEI } else { OpCode::GTI };
        } else {
            r1 = self.exp2anyreg(e1)?;
            r2 = self.exp2anyreg(e2)?;
            op = if le { OpCode::LE } else { OpCode::LT };
        }
        self.free_exps(e1, e2);
        e1.k = ExpKind::Jmp(self.cond_jump(op, r1, r2, true));
        Ok(())
    }

    /// `SETLIST` for `tostore` items (-1: up to the top) after `nelems` earlier ones.
    pub fn set_list(&mut self, base: u32, nelems: u32, tostore: i32) -> CResult<()> {
        let b = if tostore < 0 { 0 } else { tostore as u32 };
        if nelems < 255 {
            self.code_abc(OpCode::SETLIST, base, b, nelems);
        } else {
            if nelems > MAX_ARG_AX {
                return self.err("constructor too long");
            }
            self.code_abc(OpCode::SETLIST, base, b, 255);
            self.code_extraarg(nelems);
        }
        self.freereg = base + 1;
        Ok(())
    }

    /// Final pass (luac's `luaK_finish`): return forms, jump threading.
    pub fn finish(&mut self) -> CResult<()> {
        let vararg = self.f.is_vararg;
        for pc in 0..self.pc() {
            let i = self.f.code[pc];
            match i.opcode() {
                OpCode::RETURN0 | OpCode::RETURN1 if self.needclose || vararg => {
                    let n = if i.opcode() == OpCode::RETURN0 { 1 } else { 2 };
                    self.f.code[pc] =
                        Instruction::abc(OpCode::RETURN, i.a(), n, self.needclose as u32);
                }
                OpCode::RETURN | OpCode::TAILCALL if self.needclose => {
                    self.f.code[pc] = i.with_c(1);
                }
                OpCode::JMP => {
                    let target = self.final_target(pc);
                    self.fix_jump(pc, target)?;
                }
                // Our loop-head marker has no counterpart in luac: it takes the line of
                // the instruction after it, so a backward jump reports the line luac's
                // jump target has.
                OpCode::LOOP if pc + 1 < self.pc() => {
                    self.f.line_info[pc] = self.f.line_info[pc + 1];
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn final_target(&self, mut pc: usize) -> usize {
        for _ in 0..100 {
            let i = self.f.code[pc];
            if i.opcode() != OpCode::JMP {
                break;
            }
            pc = (pc as i64 + 1 + i.sj_field() as i64) as usize;
        }
        pc
    }

    // ---- variables ------------------------------------------------------------------

    /// Registers a local's debug entry; returns its index in `loc_vars`.
    pub fn register_local(&mut self, name: Rc<str>) -> usize {
        self.f.loc_vars.push(LocVar {
            name,
            start_pc: self.pc() as u32,
            end_pc: 0,
        });
        self.f.loc_vars.len() - 1
    }

    /// Adds an upvalue description.
    pub fn add_upvalue(
        &mut self,
        name: Rc<str>,
        in_stack: bool,
        index: u32,
        kind: VarKind,
    ) -> CResult<u32> {
        if self.f.upvalues.len() >= MAX_UPVAL {
            return self.error_limit(MAX_UPVAL, "upvalues");
        }
        self.f.upvalues.push(UpvalDesc {
            name,
            in_stack,
            index: index as u8,
            kind,
        });
        Ok(self.f.upvalues.len() as u32 - 1)
    }
}

fn k_key(k: &Constant) -> KKey {
    match k {
        Constant::Nil => KKey::Nil,
        Constant::Bool(b) => KKey::Bool(*b),
        Constant::Int(i) => KKey::Int(*i),
        Constant::Float(f) => KKey::Flt(f.to_bits()),
        Constant::Str(s) => KKey::Str(s.clone()),
    }
}

fn is_test_mode(op: OpCode) -> bool {
    matches!(
        op,
        OpCode::EQ
            | OpCode::LT
            | OpCode::LE
            | OpCode::EQK
            | OpCode::EQI
            | OpCode::LTI
            | OpCode::LEI
            | OpCode::GTI
            | OpCode::GEI
            | OpCode::TEST
            | OpCode::TESTSET
    )
}
