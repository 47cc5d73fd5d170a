//! The bytecode: instruction encoding and the opcode table.
//!
//! # Encoding
//!
//! Every instruction is 32 bits with an 8-bit opcode in the low byte, so decoding is a
//! byte load and a jump table (as in LuaJIT):
//!
//! ```text
//!   31      24 23      16 15       8 7        0
//!  +----------+----------+----------+----------+
//!  |    C     |    B     |    A     |    op    |   iABC
//!  +----------+----------+----------+----------+
//!  |         Bx          |    A     |    op    |   iABx   (Bx unsigned 16 bits)
//!  +---------------------+----------+----------+
//!  |         sBx         |    A     |    op    |   iAsBx  (sBx = Bx - 32767)
//!  +---------------------+----------+----------+
//!  |              sJ / Ax           |    op    |   isJ / iAx (24 bits; sJ = Ax - 2^23+1)
//!  +--------------------------------+----------+
//! ```
//!
//! `sB`, `sC` are 8-bit fields read as signed immediates: value = field - 127
//! (range -127..=128).
//!
//! The semantics follow Lua 5.4's `lopcodes.h`, with three differences:
//!
//! 1. There is no `k` bit. Forms whose operand is a constant are separate opcodes
//!    (`SETFIELDK`, `ADDK`, `EQK`...). For compares and tests the flag `k` lives in
//!    field `C` (0 or 1).
//! 2. There is no `MMBIN*`: an arithmetic instruction whose operands are not numbers
//!    calls the metamethod itself (the interpreter's slow path).
//! 3. `LOOP` marks the head of every `while`/`repeat`/goto loop: its back-edges jump
//!    to it. It is the hot counter the trace JIT hooks into; `FORLOOP`, `TFORLOOP` count
//!    the same way.
//!
//! Notation: `R[x]` register x of the current frame; `K[x]` constant x; `Up[x]`
//! upvalue x; `RK` "register or constant"; `pc++` skips the next instruction.
//! A jump offset is relative to the instruction after the jump.

use std::fmt;

/// Number of bits and position of each field.
pub const SIZE_OP: u32 = 8;
/// Bit position of A.
pub const POS_A: u32 = 8;
/// Bit position of B.
pub const POS_B: u32 = 16;
/// Bit position of C.
pub const POS_C: u32 = 24;
/// Largest value of an 8-bit field (A, B, C).
pub const MAX_ARG_A: u32 = 255;
/// Largest register index the compiler may use (luac's `MAXREGS` is 255 too).
pub const MAX_REGS: u32 = 255;
/// Largest unsigned Bx.
pub const MAX_ARG_BX: u32 = 0xFFFF;
/// Offset of signed sBx: `sBx = Bx - OFFSET_SBX`.
pub const OFFSET_SBX: i32 = 0x7FFF;
/// Largest unsigned 24-bit Ax.
pub const MAX_ARG_AX: u32 = 0xFF_FFFF;
/// Offset of signed sJ: `sJ = Ax - OFFSET_SJ`.
pub const OFFSET_SJ: i32 = 0x7F_FFFF;
/// Offset of signed 8-bit immediates sB / sC: `sC = C - OFFSET_SC`.
pub const OFFSET_SC: i32 = 127;
/// Number of items a `SETLIST` stores at most (luac's `LFIELDS_PER_FLUSH`).
pub const FIELDS_PER_FLUSH: u32 = 50;

macro_rules! opcodes {
    ($( $(#[$doc:meta])* $name:ident = $mode:ident, )*) => {
        /// The opcodes. Each line gives the format and the semantics.
        #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
        #[repr(u8)]
        #[allow(non_camel_case_types, clippy::upper_case_acronyms)]
        pub enum OpCode {
            $( $(#[$doc])* $name, )*
        }

        /// The opcode bytes as `u8` constants, for dispatching on the raw byte
        /// (`match i.op_byte() { op::MOVE => ... }`) without a table lookup.
        #[allow(non_upper_case_globals, missing_docs)]
        pub mod op {
            use super::OpCode;
            $( pub const $name: u8 = OpCode::$name as u8; )*
        }

        impl OpCode {
            /// Every opcode, indexed by its numeric value.
            pub const ALL: &'static [OpCode] = &[ $(OpCode::$name,)* ];

            /// The opcode's name as the listing prints it (`GETFIELD`).
            pub fn name(self) -> &'static str {
                match self { $(OpCode::$name => stringify!($name),)* }
            }

            /// The operand format.
            pub fn mode(self) -> OpMode {
                match self { $(OpCode::$name => OpMode::$mode,)* }
            }
        }
    };
}

/// Operand formats.
#[allow(non_camel_case_types)]
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum OpMode {
    /// A, B, C.
    ABC,
    /// A, unsigned Bx.
    ABx,
    /// A, signed sBx.
    AsBx,
    /// 24-bit Ax.
    Ax,
    /// Signed 24-bit sJ.
    sJ,
}

opcodes! {
    /// `MOVE A B`        R[A] := R[B]
    MOVE = ABC,
    /// `LOADI A sBx`     R[A] := sBx (integer)
    LOADI = AsBx,
    /// `LOADF A sBx`     R[A] := (float) sBx
    LOADF = AsBx,
    /// `LOADK A Bx`      R[A] := K[Bx]
    LOADK = ABx,
    /// `LOADKX A`        R[A] := K[Ax of the next instruction, an EXTRAARG]
    LOADKX = ABC,
    /// `LOADFALSE A`     R[A] := false
    LOADFALSE = ABC,
    /// `LFALSESKIP A`    R[A] := false; pc++
    LFALSESKIP = ABC,
    /// `LOADTRUE A`      R[A] := true
    LOADTRUE = ABC,
    /// `LOADNIL A B`     R[A], R[A+1], ..., R[A+B] := nil
    LOADNIL = ABC,
    /// `GETUPVAL A B`    R[A] := Up[B]
    GETUPVAL = ABC,
    /// `SETUPVAL A B`    Up[B] := R[A]
    SETUPVAL = ABC,
    /// `GETTABUP A B C`  R[A] := Up[B][K[C]] (K[C] a string)
    GETTABUP = ABC,
    /// `GETTABLE A B C`  R[A] := R[B][R[C]]
    GETTABLE = ABC,
    /// `GETI A B C`      R[A] := R[B][C] (C an integer 0..=255)
    GETI = ABC,
    /// `GETFIELD A B C`  R[A] := R[B][K[C]] (K[C] a string)
    GETFIELD = ABC,
    /// `SETTABUP A B C`  Up[A][K[B]] := R[C] (K[B] a string)
    SETTABUP = ABC,
    /// `SETTABUPK A B C` Up[A][K[B]] := K[C] (K[B] a string)
    SETTABUPK = ABC,
    /// `SETTABLE A B C`  R[A][R[B]] := R[C]
    SETTABLE = ABC,
    /// `SETTABLEK A B C` R[A][R[B]] := K[C]
    SETTABLEK = ABC,
    /// `SETI A B C`      R[A][B] := R[C] (B an integer 0..=255)
    SETI = ABC,
    /// `SETIK A B C`     R[A][B] := K[C]
    SETIK = ABC,
    /// `SETFIELD A B C`  R[A][K[B]] := R[C] (K[B] a string)
    SETFIELD = ABC,
    /// `SETFIELDK A B C` R[A][K[B]] := K[C] (K[B] a string)
    SETFIELDK = ABC,
    /// `NEWTABLE A B C`  R[A] := {} with hash size hint B (0, or log2(size)+1) and
    /// array size hint C (saturated at 255)
    NEWTABLE = ABC,
    /// `SELF A B C`      R[A+1] := R[B]; R[A] := R[B][R[C]]
    SELF = ABC,
    /// `SELFK A B C`     R[A+1] := R[B]; R[A] := R[B][K[C]] (K[C] a string)
    SELFK = ABC,
    /// `ADDI A B sC`     R[A] := R[B] + sC. Only for `x + I` as written (the compiler never
    /// swaps `I + x`, nor turns `x - I` into `x + -I`), so the slow path calls `__add`
    /// with (R[B], sC) in that order.
    ADDI = ABC,
    /// `ADDK A B C`      R[A] := R[B] + K[C] (K[C] a number). All `*K` arithmetic forms have
    /// the constant on the right as written: metamethods get (R[B], K[C]).
    ADDK = ABC,
    /// `SUBK A B C`      R[A] := R[B] - K[C]
    SUBK = ABC,
    /// `MULK A B C`      R[A] := R[B] * K[C]
    MULK = ABC,
    /// `MODK A B C`      R[A] := R[B] % K[C]
    MODK = ABC,
    /// `POWK A B C`      R[A] := R[B] ^ K[C]
    POWK = ABC,
    /// `DIVK A B C`      R[A] := R[B] / K[C]
    DIVK = ABC,
    /// `IDIVK A B C`     R[A] := R[B] // K[C]
    IDIVK = ABC,
    /// `BANDK A B C`     R[A] := R[B] & K[C] (K[C] an integer)
    BANDK = ABC,
    /// `BORK A B C`      R[A] := R[B] | K[C]
    BORK = ABC,
    /// `BXORK A B C`     R[A] := R[B] ~ K[C]
    BXORK = ABC,
    /// `SHRI A B sC`     R[A] := R[B] >> sC. Only for `x >> I` as written (`x << I` is a
    /// `SHL`), so the slow path calls `__shr(R[B], sC)`.
    SHRI = ABC,
    /// `SHLI A B sC`     R[A] := sC << R[B] (`__shl(sC, R[B])`)
    SHLI = ABC,
    /// `ADD A B C`       R[A] := R[B] + R[C]
    ADD = ABC,
    /// `SUB A B C`       R[A] := R[B] - R[C]
    SUB = ABC,
    /// `MUL A B C`       R[A] := R[B] * R[C]
    MUL = ABC,
    /// `MOD A B C`       R[A] := R[B] % R[C]
    MOD = ABC,
    /// `POW A B C`       R[A] := R[B] ^ R[C]
    POW = ABC,
    /// `DIV A B C`       R[A] := R[B] / R[C]
    DIV = ABC,
    /// `IDIV A B C`      R[A] := R[B] // R[C]
    IDIV = ABC,
    /// `BAND A B C`      R[A] := R[B] & R[C]
    BAND = ABC,
    /// `BOR A B C`       R[A] := R[B] | R[C]
    BOR = ABC,
    /// `BXOR A B C`      R[A] := R[B] ~ R[C]
    BXOR = ABC,
    /// `SHL A B C`       R[A] := R[B] << R[C]
    SHL = ABC,
    /// `SHR A B C`       R[A] := R[B] >> R[C]
    SHR = ABC,
    /// `UNM A B`         R[A] := -R[B]
    UNM = ABC,
    /// `BNOT A B`        R[A] := ~R[B]
    BNOT = ABC,
    /// `NOT A B`         R[A] := not R[B]
    NOT = ABC,
    /// `LEN A B`         R[A] := #R[B] (length operator)
    LEN = ABC,
    /// `CONCAT A B`      R[A] := R[A] .. ... .. R[A+B-1]
    CONCAT = ABC,
    /// `CLOSE A`         close all upvalues and to-be-closed variables >= R[A]
    CLOSE = ABC,
    /// `TBC A`           mark R[A] as to be closed
    TBC = ABC,
    /// `JMP sJ`          pc += sJ
    JMP = sJ,
    /// `LOOP A Bx`       loop header (target of the loop's back-edges); A, Bx unused (0)
    /// for now; the interpreter counts it down for the JIT. Emitted at the head of each
    /// `while` and `repeat`, and at every user label (`::l::`), so backward gotos count.
    LOOP = ABx,
    /// `EQ A B k`        if ((R[A] == R[B]) ~= k) then pc++   (k in C)
    EQ = ABC,
    /// `LT A B k`        if ((R[A] <  R[B]) ~= k) then pc++
    LT = ABC,
    /// `LE A B k`        if ((R[A] <= R[B]) ~= k) then pc++
    LE = ABC,
    /// `EQK A B k`       if ((R[A] == K[B]) ~= k) then pc++
    EQK = ABC,
    /// `EQI A sB k`      if ((R[A] == sB) ~= k) then pc++
    EQI = ABC,
    /// `LTI A sB k`      if ((R[A] < sB) ~= k) then pc++
    LTI = ABC,
    /// `LEI A sB k`      if ((R[A] <= sB) ~= k) then pc++
    LEI = ABC,
    /// `GTI A sB k`      if ((R[A] > sB) ~= k) then pc++ (from `I < x`: the metamethod
    /// is `__lt(sB, R[A])`; likewise `GEI` calls `__le(sB, R[A])`). The order compares
    /// with an immediate (`LTI`, `LEI`, `GTI`, `GEI`) are only emitted for integer
    /// constants, so sB is always an integer; `EQI` may come from an integral float.
    GTI = ABC,
    /// `GEI A sB k`      if ((R[A] >= sB) ~= k) then pc++
    GEI = ABC,
    /// `TEST A k`        if (not R[A] == k) then pc++   (k in C)
    TEST = ABC,
    /// `TESTSET A B k`   if (not R[B] == k) then pc++ else R[A] := R[B]   (k in C)
    TESTSET = ABC,
    /// `CALL A B C`      R[A], ..., R[A+C-2] := R[A](R[A+1], ..., R[A+B-1]);
    /// B = 0: arguments up to the stack top; C = 0: keep all results (sets top)
    CALL = ABC,
    /// `TAILCALL A B C`  return R[A](R[A+1], ..., R[A+B-1]); C = 1 when upvalues or
    /// to-be-closed variables must be closed first
    TAILCALL = ABC,
    /// `RETURN A B C`    return R[A], ..., R[A+B-2] (B = 0: up to top); C = 1 when
    /// upvalues or to-be-closed variables must be closed first
    RETURN = ABC,
    /// `RETURN0`         return. `RETURN0`/`RETURN1` never appear in vararg functions nor
    /// in functions that must close upvalues or tbc variables (as luac, those use
    /// `RETURN`).
    RETURN0 = ABC,
    /// `RETURN1 A`       return R[A]
    RETURN1 = ABC,
    /// `FORLOOP A Bx`    update counters; if loop continues then pc -= Bx
    FORLOOP = ABx,
    /// `FORPREP A Bx`    check values and prepare counters; if not to run then pc += Bx+1
    FORPREP = ABx,
    /// `TFORPREP A Bx`   create upvalue for R[A+3] (to-be-closed); pc += Bx
    TFORPREP = ABx,
    /// `TFORCALL A C`    R[A+4], ..., R[A+3+C] := R[A](R[A+1], R[A+2])
    TFORCALL = ABC,
    /// `TFORLOOP A Bx`   if R[A+4] ~= nil then { R[A+2] := R[A+4]; pc -= Bx }
    TFORLOOP = ABx,
    /// `SETLIST A B C`   R[A][off+i] := R[A+i], 1 <= i <= B (B = 0: up to top);
    /// off = C when C < 255, else the Ax of the next instruction (an EXTRAARG)
    SETLIST = ABC,
    /// `CLOSURE A Bx`    R[A] := closure(KPROTO[Bx])
    CLOSURE = ABx,
    /// `VARARG A C`      R[A], R[A+1], ..., R[A+C-2] = vararg (C = 0: all, sets top)
    VARARG = ABC,
    /// `VARARGPREP A`    adjust the vararg parameters (A = number of fixed parameters)
    VARARGPREP = ABC,
    /// `EXTRAARG Ax`     extra (larger) argument for the previous opcode
    EXTRAARG = Ax,
}

/// One 32-bit instruction.
#[derive(Copy, Clone, PartialEq, Eq, Hash, Default)]
#[repr(transparent)]
pub struct Instruction(pub u32);

impl Instruction {
    /// Encodes an iABC instruction. Fields must fit in 8 bits.
    #[inline]
    pub fn abc(op: OpCode, a: u32, b: u32, c: u32) -> Self {
        debug_assert!(a <= MAX_ARG_A && b <= 255 && c <= 255);
        Instruction(op as u32 | (a << POS_A) | (b << POS_B) | (c << POS_C))
    }

    /// Encodes an iABx instruction.
    #[inline]
    pub fn abx(op: OpCode, a: u32, bx: u32) -> Self {
        debug_assert!(a <= MAX_ARG_A && bx <= MAX_ARG_BX);
        Instruction(op as u32 | (a << POS_A) | (bx << POS_B))
    }

    /// Encodes an iAsBx instruction; `sbx` must be in `-32767..=32768`.
    #[inline]
    pub fn asbx(op: OpCode, a: u32, sbx: i32) -> Self {
        Self::abx(op, a, (sbx + OFFSET_SBX) as u32)
    }

    /// Encodes an iAx instruction.
    #[inline]
    pub fn ax(op: OpCode, ax: u32) -> Self {
        debug_assert!(ax <= MAX_ARG_AX);
        Instruction(op as u32 | (ax << POS_A))
    }

    /// Encodes an isJ instruction; `sj` must fit in 24 signed bits (excess-K).
    #[inline]
    pub fn sj(op: OpCode, sj: i32) -> Self {
        Self::ax(op, (sj + OFFSET_SJ) as u32)
    }

    /// The opcode. Panics in debug builds on an invalid byte (only the compiler and
    /// the binary-chunk loader, which validates, make instructions).
    #[inline]
    pub fn opcode(self) -> OpCode {
        OpCode::ALL[(self.0 & 0xFF) as usize]
    }

    /// The raw opcode byte.
    #[inline]
    pub fn op_byte(self) -> u8 {
        self.0 as u8
    }

    /// Field A.
    #[inline]
    pub fn a(self) -> u32 {
        (self.0 >> POS_A) & 0xFF
    }

    /// Field B.
    #[inline]
    pub fn b(self) -> u32 {
        (self.0 >> POS_B) & 0xFF
    }

    /// Field C.
    #[inline]
    pub fn c(self) -> u32 {
        self.0 >> POS_C
    }

    /// Field B read as a signed immediate.
    #[inline]
    pub fn sb(self) -> i32 {
        self.b() as i32 - OFFSET_SC
    }

    /// Field C read as a signed immediate.
    #[inline]
    pub fn sc(self) -> i32 {
        self.c() as i32 - OFFSET_SC
    }

    /// The `k` flag of compares and tests (field C).
    #[inline]
    pub fn k(self) -> bool {
        self.c() != 0
    }

    /// Field Bx.
    #[inline]
    pub fn bx(self) -> u32 {
        self.0 >> POS_B
    }

    /// Field sBx.
    #[inline]
    pub fn sbx(self) -> i32 {
        self.bx() as i32 - OFFSET_SBX
    }

    /// Field Ax.
    #[inline]
    pub fn ax_field(self) -> u32 {
        self.0 >> POS_A
    }

    /// Field sJ.
    #[inline]
    pub fn sj_field(self) -> i32 {
        self.ax_field() as i32 - OFFSET_SJ
    }

    /// Returns a copy with field A replaced.
    #[inline]
    pub fn with_a(self, a: u32) -> Self {
        Instruction((self.0 & !(0xFF << POS_A)) | (a << POS_A))
    }

    /// Returns a copy with field B replaced.
    #[inline]
    pub fn with_b(self, b: u32) -> Self {
        Instruction((self.0 & !(0xFF << POS_B)) | (b << POS_B))
    }

    /// Returns a copy with field C replaced.
    #[inline]
    pub fn with_c(self, c: u32) -> Self {
        Instruction((self.0 & !(0xFF << POS_C)) | (c << POS_C))
    }

    /// Returns a copy with field Bx replaced.
    #[inline]
    pub fn with_bx(self, bx: u32) -> Self {
        Instruction((self.0 & 0xFFFF) | (bx << POS_B))
    }

    /// Returns a copy with field sJ replaced.
    #[inline]
    pub fn with_sj(self, sj: i32) -> Self {
        Instruction((self.0 & 0xFF) | (((sj + OFFSET_SJ) as u32) << POS_A))
    }
}

impl fmt::Debug for Instruction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let op = self.opcode();
        match op.mode() {
            OpMode::ABC => write!(f, "{} {} {} {}", op.name(), self.a(), self.b(), self.c()),
            OpMode::ABx => write!(f, "{} {} {}", op.name(), self.a(), self.bx()),
            OpMode::AsBx => write!(f, "{} {} {}", op.name(), self.a(), self.sbx()),
            OpMode::Ax => write!(f, "{} {}", op.name(), self.ax_field()),
            OpMode::sJ => write!(f, "{} {}", op.name(), self.sj_field()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opcode_table_is_indexed_by_value() {
        for (i, op) in OpCode::ALL.iter().enumerate() {
            assert_eq!(*op as usize, i, "{}", op.name());
        }
        assert!(OpCode::ALL.len() <= 256);
    }

    #[test]
    fn fields_round_trip() {
        let i = Instruction::abc(OpCode::GETFIELD, 3, 200, 255);
        assert_eq!(
            (i.opcode(), i.a(), i.b(), i.c()),
            (OpCode::GETFIELD, 3, 200, 255)
        );
        let i = Instruction::asbx(OpCode::LOADI, 7, -32767);
        assert_eq!((i.a(), i.sbx()), (7, -32767));
        let i = Instruction::asbx(OpCode::LOADI, 7, 32768);
        assert_eq!(i.sbx(), 32768);
        let i = Instruction::sj(OpCode::JMP, -5);
        assert_eq!(i.sj_field(), -5);
        assert_eq!(i.with_sj(1234).sj_field(), 1234);
        let i = Instruction::abc(OpCode::ADDI, 1, 2, (-3 + OFFSET_SC) as u32);
        assert_eq!(i.sc(), -3);
    }
}
