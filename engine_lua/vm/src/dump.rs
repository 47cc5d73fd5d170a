//! Binary chunks: our own `string.dump` format, [`dump`] a [`Proto`] tree to bytes and
//! [`undump`] (with [`validate`]) bytes back to a [`Proto`] that is safe to run.
//!
//! # Format (the reference's header, engine_lua's own body layout)
//!
//! The header has the reference's shape (`lundump.c`'s `checkHeader`), so a chunk from
//! another Lua, or from a build with other sizes or byte order, is rejected cleanly:
//!
//! ```text
//!   1B 4C 75 61         signature "\x1bLua" (load's mode check looks at the first byte)
//!   54                  version 5.4
//!   00                  format 0, the official one, as the reference writes it (the
//!                       official test suite checks the header byte for byte)
//!   19 93 0D 0A 1A 0A   LUAC_DATA, catches text-mode conversions
//!   04 08 08            sizes of an instruction, an integer, a float
//!   i64 0x5678          test integer (native byte order)
//!   f64 370.5           test float (native byte order)
//!   E1                  engine_lua body format 1 ([`BODY_FORMAT`]; where the reference
//!                       has the main function's upvalue count, so one of its chunks
//!                       is refused here with `format mismatch`)
//!   function            the main function, as below
//! ```
//!
//! A function, every count a LEB128 varint (`uN`) bounded by the bytes left:
//!
//! ```text
//!   source              uN len+1, bytes; 0 = none: the parent's source, "=?" for main
//!   line_defined        uN
//!   last_line_defined   uN
//!   num_params, is_vararg (0/1), max_stack_size     one byte each
//!   code                uN n, n native-endian u32 instructions
//!   constants           uN n, each: tag 0 nil | 1 false | 2 true | 3 i64 | 4 f64 | 5 string (uN len, bytes)
//!   upvalues            uN n, each: in_stack (0/1), index, kind (0 regular, 1 const, 2 close)
//!   protos              uN n, each a function
//!   line_info           uN n (0 or #code), each line as a zigzag delta from the previous
//!                       (the first from line_defined)
//!   loc_vars            uN n, each: uN len, name, uN start_pc, uN end_pc
//!   upvalue names       uN n (0 or #upvalues), each uN len, name
//! ```
//!
//! # Stripping
//!
//! `dump(p, true)` (`string.dump(f, true)`) drops what the reference drops: the source
//! (an undumped main function's source becomes `=?`, nested ones inherit it), line_info
//! (empty), loc_vars (empty), upvalue names (empty strings, which no Lua identifier can
//! be, so the runtime reads `""` as "no name": `(no name)` for `debug.getupvalue`, `?`
//! in messages, and a stripped `_ENV` is not recognised, so a global shows as
//! `(field 'y')` as in the reference). The runtime must accept an empty `line_info`:
//! the current line is then -1 and messages read `?:-1: attempt to call a nil value`,
//! exactly as lua5.4 prints stripped code.
//!
//! # Validation
//!
//! [`undump`] never panics and never allocates more than a small multiple of its input;
//! it returns a [`Proto`] only after [`validate`] accepted it. The validation is
//! structural and conservative (it accepts everything our compiler emits and little
//! else): opcode bytes valid; register operands below `max_stack_size` for each
//! opcode's operand roles; constant, upvalue and proto indexes in range, with the
//! constant kinds the opcodes assume (field keys are strings, `ADDK` operands numbers,
//! `BANDK` operands integers); every control-flow successor (jumps, skips, loop
//! edges, fall-through) inside the code and never an `EXTRAARG`; each test followed by
//! a `JMP`; `LOADKX` and `SETLIST C=255` followed by an `EXTRAARG`; numeric and
//! generic `for` instructions paired as the compiler lays them out; an instruction that
//! reads values "up to the top" (`B = 0` of `CALL`, `TAILCALL`, `RETURN`, `SETLIST`)
//! preceded by one that sets the top (`CALL C=0`, `VARARG C=0`, `TAILCALL`) at or above
//! its first operand, and never a jump target; `VARARGPREP` only as the first
//! instruction of a vararg function; nested upvalue descriptors inside the parent's
//! registers or upvalues; at most `max_stack_size` locals active at once. It does not
//! check types flowing through registers: the interpreter must still raise errors (not
//! panic) when, say, a `FORLOOP` finds a non-number in a forged chunk.
//!
//! # Wiring (runtime and library engineers)
//!
//! * `string.dump(f [, strip])`: for a Lua closure, `dump(&closure.proto, strip)` and
//!   return the bytes as a string; for a native function raise
//!   `unable to dump given function`.
//! * `load(chunk [, chunkname [, mode [, env]]])`: if the first byte is `0x1B`
//!   ([`SIGNATURE`]`[0]`), the chunk is binary: with mode `"t"` fail with
//!   `attempt to load a binary chunk (mode is 't')`, else call
//!   `undump(bytes, chunkname)` (errors are returned as `nil, message`, like syntax
//!   errors). Text with mode `"b"` fails with
//!   `attempt to load a text chunk (mode is 'b')`. The loaded function's upvalues start
//!   as fresh closed upvalues holding nil, except that the first one (when there is
//!   one) is set to the global table, or to `env` when given, as for text chunks.
//! * Error messages name the chunk as `lundump.c` does, not with `chunk_id`:
//!   `@x`/`=x` -> `x`, a name starting with `\x1b` (the default name of
//!   `load(string)` is the string itself) -> `binary string`, else the name as is:
//!   `binary string: bad binary format (truncated chunk)`.

use crate::opcode::{Instruction, OpCode};
use crate::proto::{Constant, LocVar, Proto, UpvalDesc, VarKind};
use crate::syntax::SyntaxError;
use std::rc::Rc;

/// The signature every binary chunk starts with (`LUA_SIGNATURE`).
pub const SIGNATURE: &[u8; 4] = b"\x1bLua";
/// The version byte (5.4, as `LUAC_VERSION`).
pub const VERSION: u8 = 0x54;
/// The format byte: 0, the official format (`LUAC_FORMAT`), as the reference writes.
pub const FORMAT: u8 = 0;
/// Bytes that catch text-mode conversions of the chunk (`LUAC_DATA`).
pub const LUAC_DATA: &[u8; 6] = b"\x19\x93\r\n\x1a\n";
/// The test integer written in the header (`LUAC_INT`).
pub const TEST_INT: i64 = 0x5678;
/// The test float written in the header (`LUAC_NUM`).
pub const TEST_FLOAT: f64 = 370.5;
/// The byte after the header naming our body layout (engine_lua format 1).
pub const BODY_FORMAT: u8 = 0xE1;
/// Deepest function nesting [`undump`] accepts (the parser stops far earlier).
pub const MAX_DEPTH: usize = 256;

/// Serialises a prototype tree. `strip` drops debug information (source, line_info,
/// loc_vars, upvalue names) as `string.dump(f, true)` does; see the module docs.
pub fn dump(proto: &Proto, strip: bool) -> Vec<u8> {
    let mut w = Writer {
        out: Vec::with_capacity(64 + proto.code.len() * 6),
        strip,
    };
    w.out.extend_from_slice(SIGNATURE);
    w.out.push(VERSION);
    w.out.push(FORMAT);
    w.out.extend_from_slice(LUAC_DATA);
    w.out.push(size_of::<Instruction>() as u8);
    w.out.push(size_of::<i64>() as u8);
    w.out.push(size_of::<f64>() as u8);
    w.out.extend_from_slice(&TEST_INT.to_ne_bytes());
    w.out.extend_from_slice(&TEST_FLOAT.to_ne_bytes());
    w.out.push(BODY_FORMAT);
    w.function(proto, None);
    w.out
}

/// Parses and validates a binary chunk made by [`dump`]. `chunkname` is the name given
/// to `load`, used only in messages (`lundump.c`'s naming, see the module docs). Errors
/// read `<name>: bad binary format (<why>)`, `why` being `truncated chunk`,
/// `not a binary chunk`, `version mismatch`, `format mismatch`, `corrupted chunk`,
/// `Instruction size mismatch`, `integer format mismatch`, ... as the reference words
/// them, or a description of what [`validate`] rejected.
pub fn undump(bytes: &[u8], chunkname: &str) -> Result<Proto, SyntaxError> {
    let fail = |why: &str| SyntaxError {
        message: format!(
            "{}: bad binary format ({why})",
            binary_chunk_name(chunkname)
        ),
        line: 0,
        at_eof: false,
    };
    let mut r = Reader { bytes, pos: 0 };
    r.header().map_err(|e| fail(&e))?;
    let proto = r.function(None, 0).map_err(|e| fail(&e))?;
    validate(&proto).map_err(|e| fail(&e))?;
    Ok(proto)
}

/// The name `lundump.c` puts in its messages: `@x`/`=x` -> `x`; a name starting with
/// the signature's ESC (a binary string used as its own name) -> `binary string`.
pub fn binary_chunk_name(chunkname: &str) -> &str {
    match chunkname.as_bytes().first() {
        Some(b'@' | b'=') => &chunkname[1..],
        Some(0x1b) => "binary string",
        _ => chunkname,
    }
}

// ---- writing ------------------------------------------------------------------------

struct Writer {
    out: Vec<u8>,
    strip: bool,
}

impl Writer {
    fn varint(&mut self, mut v: u64) {
        loop {
            let byte = (v & 0x7F) as u8;
            v >>= 7;
            if v == 0 {
                self.out.push(byte);
                return;
            }
            self.out.push(byte | 0x80);
        }
    }

    fn bytes(&mut self, b: &[u8]) {
        self.varint(b.len() as u64);
        self.out.extend_from_slice(b);
    }

    fn function(&mut self, f: &Proto, parent_source: Option<&str>) {
        if self.strip || parent_source == Some(&*f.source) {
            self.varint(0);
        } else {
            self.varint(f.source.len() as u64 + 1);
            self.out.extend_from_slice(f.source.as_bytes());
        }
        self.varint(f.line_defined.into());
        self.varint(f.last_line_defined.into());
        self.out
            .extend_from_slice(&[f.num_params, f.is_vararg as u8, f.max_stack_size]);
        self.varint(f.code.len() as u64);
        for i in &f.code {
            self.out.extend_from_slice(&i.0.to_ne_bytes());
        }
        self.varint(f.constants.len() as u64);
        for k in &f.constants {
            match k {
                Constant::Nil => self.out.push(0),
                Constant::Bool(false) => self.out.push(1),
                Constant::Bool(true) => self.out.push(2),
                Constant::Int(i) => {
                    self.out.push(3);
                    self.out.extend_from_slice(&i.to_ne_bytes());
                }
                Constant::Float(x) => {
                    self.out.push(4);
                    self.out.extend_from_slice(&x.to_ne_bytes());
                }
                Constant::Str(s) => {
                    self.out.push(5);
                    self.bytes(s);
                }
            }
        }
        self.varint(f.upvalues.len() as u64);
        for u in &f.upvalues {
            let kind = match u.kind {
                VarKind::Regular => 0,
                VarKind::Const => 1,
                VarKind::Close => 2,
            };
            self.out
                .extend_from_slice(&[u.in_stack as u8, u.index, kind]);
        }
        self.varint(f.protos.len() as u64);
        let source = if self.strip { "=?" } else { &*f.source };
        for p in &f.protos {
            self.function(p, Some(source));
        }
        // Debug information.
        if self.strip {
            self.out.extend_from_slice(&[0, 0, 0]);
            return;
        }
        self.varint(f.line_info.len() as u64);
        let mut prev = i64::from(f.line_defined);
        for &line in &f.line_info {
            let delta = i64::from(line) - prev;
            prev = i64::from(line);
            self.varint(((delta << 1) ^ (delta >> 63)) as u64);
        }
        self.varint(f.loc_vars.len() as u64);
        for l in &f.loc_vars {
            self.bytes(l.name.as_bytes());
            self.varint(l.start_pc.into());
            self.varint(l.end_pc.into());
        }
        self.varint(f.upvalues.len() as u64);
        for u in &f.upvalues {
            self.bytes(u.name.as_bytes());
        }
    }
}

// ---- reading ------------------------------------------------------------------------

/// Errors while reading are the text inside `bad binary format (...)`.
type RResult<T> = Result<T, String>;

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

const TRUNCATED: &str = "truncated chunk";

impl<'a> Reader<'a> {
    fn left(&self) -> usize {
        self.bytes.len() - self.pos
    }

    fn take(&mut self, n: usize) -> RResult<&'a [u8]> {
        if n > self.left() {
            return Err(TRUNCATED.into());
        }
        let s = &self.bytes[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    fn byte(&mut self) -> RResult<u8> {
        Ok(self.take(1)?[0])
    }

    fn array<const N: usize>(&mut self) -> RResult<[u8; N]> {
        let mut a = [0; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }

    fn varint(&mut self) -> RResult<u64> {
        let mut v = 0u64;
        let mut shift = 0;
        loop {
            let b = self.byte()?;
            let bits = u64::from(b & 0x7F);
            if shift >= 64 || (shift > 0 && bits >> (64 - shift) != 0) {
                return Err("integer overflow".into());
            }
            v |= bits << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
            shift += 7;
        }
    }

    fn u32(&mut self) -> RResult<u32> {
        u32::try_from(self.varint()?).map_err(|_| "integer overflow".into())
    }

    /// A count of items taking at least `min_size` bytes each: bounded by what is left,
    /// so a forged count cannot cause a huge allocation.
    fn count(&mut self, min_size: usize) -> RResult<usize> {
        let n = self.varint()?;
        if n > (self.left() / min_size) as u64 {
            return Err(TRUNCATED.into());
        }
        Ok(n as usize)
    }

    fn name(&mut self) -> RResult<Rc<str>> {
        let n = self.count(1)?;
        let b = self.take(n)?;
        std::str::from_utf8(b)
            .map(Rc::from)
            .map_err(|_| "malformed name".into())
    }

    fn header(&mut self) -> RResult<()> {
        if self.take(4)? != SIGNATURE {
            return Err("not a binary chunk".into());
        }
        if self.byte()? != VERSION {
            return Err("version mismatch".into());
        }
        if self.byte()? != FORMAT {
            return Err("format mismatch".into());
        }
        if self.take(6)? != LUAC_DATA {
            return Err("corrupted chunk".into());
        }
        for (what, size) in [
            ("Instruction", size_of::<Instruction>()),
            ("lua_Integer", size_of::<i64>()),
            ("lua_Number", size_of::<f64>()),
        ] {
            if usize::from(self.byte()?) != size {
                return Err(format!("{what} size mismatch"));
            }
        }
        if i64::from_ne_bytes(self.array()?) != TEST_INT {
            return Err("integer format mismatch".into());
        }
        if f64::from_ne_bytes(self.array()?) != TEST_FLOAT {
            return Err("float format mismatch".into());
        }
        if self.byte()? != BODY_FORMAT {
            return Err("format mismatch".into());
        }
        Ok(())
    }

    fn function(&mut self, parent_source: Option<&Rc<str>>, depth: usize) -> RResult<Proto> {
        if depth >= MAX_DEPTH {
            return Err("functions nested too deeply".into());
        }
        let source = match self.varint()? {
            0 => parent_source.cloned().unwrap_or_else(|| Rc::from("=?")),
            n => {
                let n = usize::try_from(n - 1).map_err(|_| TRUNCATED.to_string())?;
                let b = self.take(n)?;
                Rc::from(std::str::from_utf8(b).map_err(|_| "malformed source name")?)
            }
        };
        let line_defined = self.u32()?;
        let last_line_defined = self.u32()?;
        let [num_params, is_vararg, max_stack_size] = self.array()?;
        let is_vararg = match is_vararg {
            0 => false,
            1 => true,
            _ => return Err("bad vararg flag".into()),
        };
        let n = self.count(4)?;
        let mut code = Vec::with_capacity(n);
        for _ in 0..n {
            code.push(Instruction(u32::from_ne_bytes(self.array()?)));
        }
        let n = self.count(1)?;
        let mut constants = Vec::with_capacity(n);
        for _ in 0..n {
            constants.push(match self.byte()? {
                0 => Constant::Nil,
                1 => Constant::Bool(false),
                2 => Constant::Bool(true),
                3 => Constant::Int(i64::from_ne_bytes(self.array()?)),
                4 => Constant::Float(f64::from_ne_bytes(self.array()?)),
                5 => {
                    let n = self.count(1)?;
                    Constant::Str(Rc::from(self.take(n)?))
                }
                t => return Err(format!("bad constant tag {t}")),
            });
        }
        let n = self.count(3)?;
        let mut upvalues = Vec::with_capacity(n);
        for _ in 0..n {
            let [in_stack, index, kind] = self.array()?;
            upvalues.push(UpvalDesc {
                name: Rc::from(""),
                in_stack: match in_stack {
                    0 => false,
                    1 => true,
                    _ => return Err("bad upvalue descriptor".into()),
                },
                index,
                kind: match kind {
                    0 => VarKind::Regular,
                    1 => VarKind::Const,
                    2 => VarKind::Close,
                    _ => return Err("bad upvalue kind".into()),
                },
            });
        }
        // A function takes at least 12 bytes (9 one-byte fields and 3 counts).
        let n = self.count(12)?;
        let mut protos = Vec::with_capacity(n);
        for _ in 0..n {
            protos.push(Rc::new(self.function(Some(&source), depth + 1)?));
        }
        let n = self.count(1)?;
        if n != 0 && n != code.len() {
            return Err("line info does not match the code".into());
        }
        let mut line_info = Vec::with_capacity(n);
        let mut prev = i64::from(line_defined);
        for _ in 0..n {
            let z = self.varint()?;
            let delta = (z >> 1) as i64 ^ -((z & 1) as i64);
            let line = prev
                .checked_add(delta)
                .and_then(|l| u32::try_from(l).ok())
                .ok_or("bad line info")?;
            line_info.push(line);
            prev = i64::from(line);
        }
        let n = self.count(3)?;
        let mut loc_vars = Vec::with_capacity(n);
        for _ in 0..n {
            let name = self.name()?;
            let start_pc = self.u32()?;
            let end_pc = self.u32()?;
            loc_vars.push(LocVar {
                name,
                start_pc,
                end_pc,
            });
        }
        let n = self.count(1)?;
        if n != 0 && n != upvalues.len() {
            return Err("upvalue names do not match the upvalues".into());
        }
        for u in upvalues.iter_mut().take(n) {
            u.name = self.name()?;
        }
        Ok(Proto {
            source,
            line_defined,
            last_line_defined,
            num_params,
            is_vararg,
            max_stack_size,
            code,
            constants,
            protos,
            upvalues,
            line_info,
            loc_vars,
        })
    }
}

// ---- validation ---------------------------------------------------------------------

/// Checks that a prototype tree is safe to run: the structural rules listed in the
/// module docs. Returns a description of the first violation. Our compiler's output
/// always passes (the tests check it on every program they compile).
pub fn validate(proto: &Proto) -> Result<(), String> {
    validate_function(proto, None, 0)
}

fn validate_function(f: &Proto, parent: Option<&Proto>, depth: usize) -> Result<(), String> {
    if depth >= MAX_DEPTH {
        return Err("functions nested too deeply".into());
    }
    let max = u32::from(f.max_stack_size);
    if max < 2 || f.num_params > f.max_stack_size {
        return Err(format!(
            "bad stack size {max} for {} parameters",
            f.num_params
        ));
    }
    if !f.line_info.is_empty() && f.line_info.len() != f.code.len() {
        return Err("line info does not match the code".into());
    }
    if f.upvalues.len() > 255 {
        return Err("too many upvalues".into());
    }
    if let Some(parent) = parent {
        for u in &f.upvalues {
            let limit = if u.in_stack {
                usize::from(parent.max_stack_size)
            } else {
                parent.upvalues.len()
            };
            if usize::from(u.index) >= limit {
                return Err("bad upvalue descriptor".into());
            }
        }
    }
    check_loc_vars(f)?;
    check_code(f).map_err(|(pc, why)| {
        let name = f
            .code
            .get(pc)
            .and_then(|i| OpCode::ALL.get(usize::from(i.op_byte())))
            .map_or("?", |op| op.name());
        format!("invalid code at pc {} ({name}): {why}", pc + 1)
    })?;
    for p in &f.protos {
        validate_function(p, Some(f), depth + 1)?;
    }
    Ok(())
}

/// Live ranges inside the code, and never more locals active at once than registers
/// (the debugger maps the n-th active local to register n-1).
fn check_loc_vars(f: &Proto) -> Result<(), String> {
    let n = f.code.len();
    let mut delta = vec![0i32; n + 2];
    for l in &f.loc_vars {
        let (s, e) = (l.start_pc as usize, l.end_pc as usize);
        if s > e || e > n {
            return Err(format!("bad live range for local '{}'", l.name));
        }
        delta[s] += 1;
        delta[e] -= 1;
    }
    let mut active = 0;
    for d in delta {
        active += d;
        if active > i32::from(f.max_stack_size) {
            return Err("too many active locals".into());
        }
    }
    Ok(())
}

/// The code checks; the error is the pc (0-based) and the reason.
fn check_code(f: &Proto) -> Result<(), (usize, String)> {
    use OpCode::*;
    let n = f.code.len();
    if n == 0 {
        return Err((0, "empty code".into()));
    }
    let max = u32::from(f.max_stack_size);
    let nk = f.constants.len();
    let nup = f.upvalues.len() as u32;
    // Opcodes first, so `opcode()` below cannot fail.
    for (pc, i) in f.code.iter().enumerate() {
        if usize::from(i.op_byte()) >= OpCode::ALL.len() {
            return Err((pc, format!("bad opcode {}", i.op_byte())));
        }
    }
    let op_at = |pc: usize| f.code.get(pc).map(|i| i.opcode());
    // `entered[pc]`: reached other than by falling through from pc - 1.
    let mut entered = vec![false; n];
    entered[0] = true;
    for (pc, &i) in f.code.iter().enumerate() {
        let op = i.opcode();
        let (a, b, c, bx) = (i.a(), i.b(), i.c(), i.bx());
        let fail = |why: String| (pc, why);
        let reg = |r: u32| {
            if r < max {
                Ok(())
            } else {
                Err(fail(format!("register {r} out of range")))
            }
        };
        let up = |u: u32| {
            if u < nup {
                Ok(())
            } else {
                Err(fail(format!("upvalue {u} out of range")))
            }
        };
        let konst =
            |k: u32, want: fn(&Constant) -> bool, what: &str| match f.constants.get(k as usize) {
                Some(c) if want(c) => Ok(()),
                Some(_) => Err(fail(format!("constant {k} is not {what}"))),
                None => Err(fail(format!("constant {k} out of range ({nk} constants)"))),
            };
        let any = |_: &Constant| true;
        let string = |c: &Constant| matches!(c, Constant::Str(_));
        let number = |c: &Constant| matches!(c, Constant::Int(_) | Constant::Float(_));
        let integer = |c: &Constant| matches!(c, Constant::Int(_));
        let next_is = |want: OpCode| {
            if op_at(pc + 1) == Some(want) {
                Ok(())
            } else {
                Err(fail(format!("not followed by {}", want.name())))
            }
        };
        // Values "up to the top" must come from the instruction just before, starting
        // at or above `first` (and nothing may jump to the reader: checked at the end).
        let open = |first: u32| {
            let ok = pc.checked_sub(1).is_some_and(|p| {
                let p = f.code[p];
                match p.opcode() {
                    CALL | VARARG => p.c() == 0 && p.a() >= first,
                    TAILCALL => p.a() >= first,
                    _ => false,
                }
            });
            if ok {
                Ok(())
            } else {
                Err(fail("open operand without a preceding open result".into()))
            }
        };
        match op {
            MOVE | UNM | BNOT | NOT | LEN | ADDI | SHRI | SHLI | GETI => {
                reg(a)?;
                reg(b)?;
            }
            LOADI | LOADF | LOADFALSE | LOADTRUE | NEWTABLE | TBC | RETURN1 | LFALSESKIP => reg(a)?,
            LOADK => {
                reg(a)?;
                konst(bx, any, "")?;
            }
            LOADKX => {
                reg(a)?;
                next_is(EXTRAARG)?;
                konst(f.code[pc + 1].ax_field(), any, "")?;
            }
            LOADNIL => reg(a + b)?,
            GETUPVAL | SETUPVAL => {
                reg(a)?;
                up(b)?;
            }
            GETTABUP => {
                reg(a)?;
                up(b)?;
                konst(c, string, "a string")?;
            }
            GETTABLE | SETTABLE | ADD | SUB | MUL | MOD | POW | DIV | IDIV | BAND | BOR | BXOR
            | SHL | SHR => {
                reg(a)?;
                reg(b)?;
                reg(c)?;
            }
            GETFIELD => {
                reg(a)?;
                reg(b)?;
                konst(c, string, "a string")?;
            }
            SETTABUP => {
                up(a)?;
                konst(b, string, "a string")?;
                reg(c)?;
            }
            SETTABUPK => {
                up(a)?;
                konst(b, string, "a string")?;
                konst(c, any, "")?;
            }
            SETTABLEK => {
                reg(a)?;
                reg(b)?;
                konst(c, any, "")?;
            }
            SETI => {
                reg(a)?;
                reg(c)?;
            }
            SETIK => {
                reg(a)?;
                konst(c, any, "")?;
            }
            SETFIELD => {
                reg(a)?;
                konst(b, string, "a string")?;
                reg(c)?;
            }
            SETFIELDK => {
                reg(a)?;
                konst(b, string, "a string")?;
                konst(c, any, "")?;
            }
            SELF => {
                reg(a + 1)?;
                reg(b)?;
                reg(c)?;
            }
            SELFK => {
                reg(a + 1)?;
                reg(b)?;
                konst(c, string, "a string")?;
            }
            ADDK | SUBK | MULK | MODK | POWK | DIVK | IDIVK => {
                reg(a)?;
                reg(b)?;
                konst(c, number, "a number")?;
            }
            BANDK | BORK | BXORK => {
                reg(a)?;
                reg(b)?;
                konst(c, integer, "an integer")?;
            }
            CONCAT => {
                if b < 2 {
                    return Err(fail("concatenation of fewer than 2 values".into()));
                }
                reg(a + b - 1)?;
            }
            CLOSE => {
                if a > max {
                    return Err(fail(format!("register {a} out of range")));
                }
            }
            JMP | LOOP => {}
            EQ | LT | LE => {
                reg(a)?;
                reg(b)?;
                next_is(JMP)?;
            }
            EQK => {
                reg(a)?;
                konst(b, any, "")?;
                next_is(JMP)?;
            }
            EQI | LTI | LEI | GTI | GEI | TEST => {
                reg(a)?;
                next_is(JMP)?;
            }
            TESTSET => {
                reg(a)?;
                reg(b)?;
                next_is(JMP)?;
            }
            CALL | TAILCALL => {
                reg(a)?;
                if b == 0 {
                    open(a + 1)?;
                } else {
                    reg(a + b - 1)?;
                }
                if op == CALL && c >= 2 {
                    reg(a + c - 2)?;
                }
            }
            RETURN => {
                if b == 0 {
                    open(a)?;
                }
                if b >= 2 {
                    reg(a + b - 2)?;
                } else if a > max {
                    return Err(fail(format!("register {a} out of range")));
                }
            }
            RETURN0 => {}
            FORPREP => {
                reg(a + 3)?;
                // The FORLOOP sits just before the exit and jumps back to pc + 1.
                let paired = f
                    .code
                    .get(pc + 1 + bx as usize)
                    .is_some_and(|l| l.opcode() == FORLOOP && l.a() == a && l.bx() == bx + 1);
                if !paired {
                    return Err(fail("not paired with its FORLOOP".into()));
                }
            }
            FORLOOP => reg(a + 3)?,
            TFORPREP => {
                reg(a + 3)?;
                let call = pc + 1 + bx as usize;
                if !f
                    .code
                    .get(call)
                    .is_some_and(|l| l.opcode() == TFORCALL && l.a() == a)
                {
                    return Err(fail("not paired with its TFORCALL".into()));
                }
            }
            TFORCALL => {
                if c == 0 {
                    return Err(fail("no loop variables".into()));
                }
                reg(a + 3 + c)?;
                if !f
                    .code
                    .get(pc + 1)
                    .is_some_and(|l| l.opcode() == TFORLOOP && l.a() == a)
                {
                    return Err(fail("not followed by its TFORLOOP".into()));
                }
            }
            TFORLOOP => reg(a + 4)?,
            SETLIST => {
                reg(a)?;
                if b == 0 {
                    open(a + 1)?;
                } else {
                    reg(a + b)?;
                }
                if c == 255 {
                    next_is(EXTRAARG)?;
                }
            }
            CLOSURE => {
                reg(a)?;
                if bx as usize >= f.protos.len() {
                    return Err(fail(format!("prototype {bx} out of range")));
                }
            }
            VARARG => {
                if !f.is_vararg {
                    return Err(fail("vararg in a fixed-parameter function".into()));
                }
                reg(a)?;
                if c >= 2 {
                    reg(a + c - 2)?;
                }
            }
            VARARGPREP => {
                if pc != 0 || !f.is_vararg || a != u32::from(f.num_params) {
                    return Err(fail("misplaced".into()));
                }
            }
            EXTRAARG => {
                let owner = pc.checked_sub(1).map(|p| f.code[p]);
                let ok = owner.is_some_and(|o| {
                    o.opcode() == LOADKX || (o.opcode() == SETLIST && o.c() == 255)
                });
                if !ok {
                    return Err(fail("not after LOADKX or SETLIST".into()));
                }
                // Never executed itself: no successors.
                continue;
            }
        }
        // Control-flow successors.
        let jump = |base: usize, off: i64| -> Result<usize, (usize, String)> {
            let t = base as i64 + off;
            if (0..n as i64).contains(&t) {
                Ok(t as usize)
            } else {
                Err(fail("jump out of the code".into()))
            }
        };
        let (falls, target) = match op {
            RETURN | RETURN0 | RETURN1 => (false, None),
            JMP => (false, Some(jump(pc + 1, i64::from(i.sj_field()))?)),
            EQ | LT | LE | EQK | EQI | LTI | LEI | GTI | GEI | TEST | TESTSET => {
                (true, Some(jump(pc + 2, 0)?))
            }
            // LOADKX and SETLIST C=255 consume their EXTRAARG.
            LFALSESKIP | LOADKX => (false, Some(jump(pc + 2, 0)?)),
            SETLIST if c == 255 => (false, Some(jump(pc + 2, 0)?)),
            FORPREP => (true, Some(jump(pc + 2, i64::from(bx))?)),
            FORLOOP | TFORLOOP => (true, Some(jump(pc + 1, -i64::from(bx))?)),
            TFORPREP => (false, Some(jump(pc + 1, i64::from(bx))?)),
            _ => (true, None),
        };
        if falls && pc + 1 >= n {
            return Err(fail("falls off the end of the code".into()));
        }
        if falls && op_at(pc + 1) == Some(EXTRAARG) {
            return Err(fail("falls into an EXTRAARG".into()));
        }
        if let Some(t) = target {
            if op_at(t) == Some(EXTRAARG) {
                return Err(fail("jumps to an EXTRAARG".into()));
            }
            if t != pc + 1 {
                entered[t] = true;
            }
        }
    }
    // An instruction reading an open result runs only right after its producer.
    for (pc, &i) in f.code.iter().enumerate() {
        let op = i.opcode();
        let open_user = matches!(op, CALL | TAILCALL | RETURN | SETLIST) && i.b() == 0;
        if open_user && entered[pc] {
            return Err((
                pc,
                "jump to an instruction that reads an open result".into(),
            ));
        }
    }
    Ok(())
}
