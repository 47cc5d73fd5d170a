//! Binary chunks: header checks and messages as lua5.4 words them, and what
//! validation rejects.

mod dump_support;

use engine_lua::compiler::compile_source;
use engine_lua::dump::{dump, undump, validate};
use engine_lua::opcode::{Instruction, OpCode};
use engine_lua::proto::{Constant, Proto};
use expect_test::{Expect, expect};
use std::rc::Rc;

fn sample() -> Vec<u8> {
    let p = compile_source(b"local a = ... return a + 1", "=s").unwrap();
    dump(&p, false)
}

/// `bytes` with `at..at + with.len()` replaced.
fn patched(at: usize, with: &[u8]) -> Vec<u8> {
    let mut b = sample();
    b[at..at + with.len()].copy_from_slice(with);
    b
}

fn check(bytes: &[u8], name: &str, want: Expect) {
    let e = undump(bytes, name).expect_err("accepted");
    assert_eq!(e.line, 0);
    want.assert_eq(&e.message);
}

#[test]
fn header_errors_read_as_the_reference() {
    let b = sample();
    // The default name of load(string) is the string itself: "binary string".
    let s = std::str::from_utf8(&b[..3]).unwrap().to_string();
    check(
        &b[..3],
        &s,
        expect!["binary string: bad binary format (truncated chunk)"],
    );
    check(
        &b[..10],
        "=x",
        expect!["x: bad binary format (truncated chunk)"],
    );
    check(
        &b[..10],
        "@x.lua",
        expect!["x.lua: bad binary format (truncated chunk)"],
    );
    check(
        &b[..10],
        "x",
        expect!["x: bad binary format (truncated chunk)"],
    );
    check(
        b"\x1bLux....",
        "=x",
        expect!["x: bad binary format (not a binary chunk)"],
    );
    check(
        &patched(4, &[0x53]),
        "=x",
        expect!["x: bad binary format (version mismatch)"],
    );
    // The header's format byte is the official 0; another one is refused, and so is
    // a body layout other than ours (the byte after the header).
    check(
        &patched(5, &[1]),
        "=x",
        expect!["x: bad binary format (format mismatch)"],
    );
    check(
        &patched(31, &[1]),
        "=x",
        expect!["x: bad binary format (format mismatch)"],
    );
    check(
        &patched(6, b"\x19\x93\n"),
        "=x",
        expect!["x: bad binary format (corrupted chunk)"],
    );
    check(
        &patched(12, &[5]),
        "=x",
        expect!["x: bad binary format (Instruction size mismatch)"],
    );
    check(
        &patched(13, &[4]),
        "=x",
        expect!["x: bad binary format (lua_Integer size mismatch)"],
    );
    check(
        &patched(14, &[4]),
        "=x",
        expect!["x: bad binary format (lua_Number size mismatch)"],
    );
    // Another byte order.
    let mut int = 0x5678i64.to_ne_bytes();
    int.reverse();
    check(
        &patched(15, &int),
        "=foo",
        expect!["foo: bad binary format (integer format mismatch)"],
    );
    let mut float = 370.5f64.to_ne_bytes();
    float.reverse();
    check(
        &patched(23, &float),
        "=foo",
        expect!["foo: bad binary format (float format mismatch)"],
    );
}

#[test]
fn lua54_chunks_are_refused() {
    // The header of `luac5.4` on x86-64 (string.dump(function() end)).
    let mut reference = b"\x1bLua\x54\x00\x19\x93\r\n\x1a\n\x04\x08\x08".to_vec();
    reference.extend_from_slice(&0x5678i64.to_le_bytes());
    reference.extend_from_slice(&370.5f64.to_le_bytes());
    reference.extend_from_slice(&[1, 0x80, 0x80, 0x80, 0, 1, 2, 0x82]);
    check(
        &reference,
        "\x1bLua",
        expect!["binary string: bad binary format (format mismatch)"],
    );
}

/// Applies `edit` to the main function of a compiled chunk; validation must refuse it
/// and undump of its dump must fail with the same reason.
#[track_caller]
fn rejects(src: &str, edit: impl FnOnce(&mut Proto), want: Expect) {
    let mut p = compile_source(src.as_bytes(), "=v").unwrap();
    validate(&p).unwrap();
    edit(&mut p);
    let why = validate(&p).expect_err("accepted");
    let e = undump(&dump(&p, false), "=v").expect_err("undump accepted");
    assert_eq!(e.message, format!("v: bad binary format ({why})"));
    want.assert_eq(&why);
}

fn find(p: &Proto, op: OpCode) -> usize {
    p.code.iter().position(|i| i.opcode() == op).unwrap()
}

#[test]
fn validation_rejects_unsafe_protos() {
    rejects(
        "local a, b = ... return a + b",
        |p| {
            let pc = find(p, OpCode::ADD);
            p.code[pc] = p.code[pc].with_c(200);
        },
        expect!["invalid code at pc 3 (ADD): register 200 out of range"],
    );
    rejects(
        "return 1",
        |p| p.code[1] = Instruction(0xFF),
        expect!["invalid code at pc 2 (?): bad opcode 255"],
    );
    rejects(
        "x = 1",
        |p| p.constants.clear(),
        expect!["invalid code at pc 2 (SETTABUPK): constant 0 out of range (0 constants)"],
    );
    rejects(
        "return x",
        |p| p.constants[0] = Constant::Int(1),
        expect!["invalid code at pc 2 (GETTABUP): constant 0 is not a string"],
    );
    rejects(
        "return x",
        |p| p.upvalues.clear(),
        expect!["invalid code at pc 2 (GETTABUP): upvalue 0 out of range"],
    );
    rejects(
        "local a = ... return a + 1.5",
        |p| {
            let pc = find(p, OpCode::ADDK);
            let k = p.code[pc].c() as usize;
            p.constants[k] = Constant::Str(Rc::from(&b"1"[..]));
        },
        expect!["invalid code at pc 3 (ADDK): constant 0 is not a number"],
    );
    rejects(
        "if x then y() end",
        |p| {
            let pc = find(p, OpCode::JMP);
            p.code[pc] = Instruction::sj(OpCode::JMP, 1000);
        },
        expect!["invalid code at pc 4 (JMP): jump out of the code"],
    );
    rejects(
        "if x then y() end",
        |p| {
            let pc = find(p, OpCode::JMP);
            p.code[pc] = Instruction::abc(OpCode::MOVE, 0, 0, 0);
        },
        expect!["invalid code at pc 3 (TEST): not followed by JMP"],
    );
    rejects(
        "return 1",
        |p| {
            p.code.truncate(2);
            p.line_info.truncate(2);
        },
        expect!["invalid code at pc 2 (LOADI): falls off the end of the code"],
    );
    rejects(
        "return 1",
        |p| p.line_info.pop().map(drop).unwrap_or(()),
        expect!["line info does not match the code"],
    );
    rejects(
        "return f(...)",
        |p| {
            let pc = find(p, OpCode::VARARG);
            p.code[pc] = p.code[pc].with_c(2);
        },
        expect!["invalid code at pc 4 (TAILCALL): open operand without a preceding open result"],
    );
    rejects(
        "for i = 1, 3 do end",
        |p| {
            let pc = find(p, OpCode::FORLOOP);
            p.code[pc] = p.code[pc].with_bx(7);
        },
        expect!["invalid code at pc 5 (FORPREP): not paired with its FORLOOP"],
    );
    rejects(
        "for k in pairs(t) do end",
        |p| {
            let pc = find(p, OpCode::TFORLOOP);
            p.code[pc] = Instruction::abc(OpCode::RETURN0, 0, 0, 0);
        },
        expect!["invalid code at pc 6 (TFORCALL): not followed by its TFORLOOP"],
    );
    rejects(
        "return function() return x end",
        |p| {
            let mut child = (*p.protos[0]).clone();
            child.upvalues[0].index = 9;
            p.protos[0] = Rc::new(child);
        },
        expect!["bad upvalue descriptor"],
    );
    rejects(
        "local a = 1 return function() return a end",
        |p| {
            let mut child = (*p.protos[0]).clone();
            child.upvalues[0].index = p.max_stack_size;
            p.protos[0] = Rc::new(child);
        },
        expect!["bad upvalue descriptor"],
    );
    rejects(
        "return function() end",
        |p| p.protos.clear(),
        expect!["invalid code at pc 2 (CLOSURE): prototype 0 out of range"],
    );
    rejects(
        "local a, b, c = 1, 2, 3",
        |p| p.max_stack_size = 2,
        expect!["too many active locals"],
    );
    rejects(
        "local a = 1",
        |p| p.loc_vars[0].end_pc = 99,
        expect!["bad live range for local 'a'"],
    );
    rejects(
        "return 1",
        |p| {
            p.code.insert(1, Instruction::ax(OpCode::EXTRAARG, 0));
            p.line_info.insert(1, 1);
        },
        expect!["invalid code at pc 1 (VARARGPREP): falls into an EXTRAARG"],
    );
    rejects(
        "local function f(a) return a end",
        |p| {
            let mut child = (*p.protos[0]).clone();
            child
                .code
                .insert(0, Instruction::abc(OpCode::VARARGPREP, 1, 0, 0));
            child.line_info.insert(0, 1);
            p.protos[0] = Rc::new(child);
        },
        expect!["invalid code at pc 1 (VARARGPREP): misplaced"],
    );
}

#[test]
fn forged_counts_do_not_allocate() {
    // A code length of 2^40 right after the header (with its body-format byte) and the function's fixed fields.
    let mut b = sample()[..32].to_vec();
    b.extend_from_slice(&[3, b'=', b's', 0, 0, 0, 1, 2]);
    b.extend_from_slice(&[0x80, 0x80, 0x80, 0x80, 0x80, 0x20]);
    check(&b, "=x", expect!["x: bad binary format (truncated chunk)"]);
    // A varint longer than 64 bits.
    let mut b = sample()[..32].to_vec();
    b.extend_from_slice(&[0xFF; 11]);
    check(&b, "=x", expect!["x: bad binary format (integer overflow)"]);
}

#[test]
fn deep_nesting_is_refused() {
    // Each level: source 0, lines 0 0, params, vararg, stack, no code, no constants, no
    // upvalues, one proto; the innermost is never reached.
    let mut b = sample()[..32].to_vec();
    for _ in 0..100_000 {
        b.extend_from_slice(&[0, 0, 0, 0, 0, 2, 0, 0, 0, 1]);
    }
    check(
        &b,
        "=x",
        expect!["x: bad binary format (functions nested too deeply)"],
    );
}
