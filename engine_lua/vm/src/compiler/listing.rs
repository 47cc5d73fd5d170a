//! The `luac -l -l`-style listing of a prototype tree, without addresses so that it
//! is deterministic (compiler tests compare listings with expect-test).
//!
//! Format, per function (tabs shown as spaces) (nested functions follow their parent, depth first):
//!
//! ```text
//! main <chunk:0,0> (4 instructions)
//! 0+ params, 2 slots, 1 upvalue, 0 locals, 2 constants, 0 functions
//!     1    [1]    VARARGPREP    0
//!     2    [1]    GETTABUP     0 0 0    ; _ENV "print"
//! ...
//! constants (2):
//!     0    S    "print"
//! locals (0):
//! upvalues (1):
//!     0    _ENV    1    0
//! ```
//!
//! Operands are printed as luac prints them (signed immediates decoded, `k` flags of
//! compares as 0/1), with luac's comments: constant values, upvalue names, jump
//! targets, call counts. `CLOSURE` names the nested function by its line range.

use crate::opcode::{Instruction, OpCode, OpMode};
use crate::proto::{Constant, Proto};
use std::fmt::Write;

/// A `luac -l -l`-style listing of a prototype and, recursively, its nested
/// functions (no addresses, so it is deterministic and fit for expect-test).
pub fn listing(proto: &Proto) -> String {
    let mut out = String::new();
    print_function(&mut out, proto);
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn source_name(src: &str) -> &str {
    if let Some(s) = src.strip_prefix('@').or_else(|| src.strip_prefix('=')) {
        s
    } else if src.starts_with('\x1b') {
        "(bstring)"
    } else {
        "(string)"
    }
}

fn print_function(out: &mut String, f: &Proto) {
    let n = f.code.len();
    let _ = writeln!(
        out,
        "{} <{}:{},{}> ({} instruction{})",
        if f.line_defined == 0 {
            "main"
        } else {
            "function"
        },
        source_name(&f.source),
        f.line_defined,
        f.last_line_defined,
        n,
        plural(n)
    );
    let np = f.num_params as usize;
    let _ = writeln!(
        out,
        "{}{} param{}, {} slot{}, {} upvalue{}, {} local{}, {} constant{}, {} function{}",
        np,
        if f.is_vararg { "+" } else { "" },
        plural(np),
        f.max_stack_size,
        plural(f.max_stack_size as usize),
        f.upvalues.len(),
        plural(f.upvalues.len()),
        f.loc_vars.len(),
        plural(f.loc_vars.len()),
        f.constants.len(),
        plural(f.constants.len()),
        f.protos.len(),
        plural(f.protos.len()),
    );
    for pc in 0..n {
        print_instruction(out, f, pc);
    }
    let _ = writeln!(out, "constants ({}):", f.constants.len());
    for (i, k) in f.constants.iter().enumerate() {
        let t = match k {
            Constant::Nil => "N",
            Constant::Bool(_) => "B",
            Constant::Float(_) => "F",
            Constant::Int(_) => "I",
            Constant::Str(_) => "S",
        };
        let _ = writeln!(out, "\t{i}\t{t}\t{}", constant_text(k));
    }
    let _ = writeln!(out, "locals ({}):", f.loc_vars.len());
    for (i, l) in f.loc_vars.iter().enumerate() {
        let _ = writeln!(
            out,
            "\t{i}\t{}\t{}\t{}",
            l.name,
            l.start_pc + 1,
            l.end_pc + 1
        );
    }
    let _ = writeln!(out, "upvalues ({}):", f.upvalues.len());
    for (i, u) in f.upvalues.iter().enumerate() {
        let _ = writeln!(out, "\t{i}\t{}\t{}\t{}", u.name, u.in_stack as u8, u.index);
    }
    for p in &f.protos {
        out.push('\n');
        print_function(out, p);
    }
}

fn upval_name(f: &Proto, i: u32) -> &str {
    f.upvalues.get(i as usize).map_or("-", |u| &u.name)
}

fn k_text(f: &Proto, i: u32) -> String {
    f.constants
        .get(i as usize)
        .map_or_else(|| "?".to_string(), constant_text)
}

fn print_instruction(out: &mut String, f: &Proto, pc: usize) {
    use OpCode::*;
    let i: Instruction = f.code[pc];
    let op = i.opcode();
    let (a, b, c) = (i.a(), i.b(), i.c());
    let line = f.line_info.get(pc).copied().unwrap_or(0);
    let _ = write!(out, "\t{}\t", pc + 1);
    if line > 0 {
        let _ = write!(out, "[{line}]\t");
    } else {
        out.push_str("[-]\t");
    }
    let _ = write!(out, "{:<9}\t", op.name());
    let pc = pc as i64;
    let (operands, comment): (String, Option<String>) = match op {
        MOVE | UNM | BNOT | NOT | LEN | CONCAT => (format!("{a} {b}"), None),
        LOADI | LOADF => (format!("{a} {}", i.sbx()), None),
        LOADK => (format!("{a} {}", i.bx()), Some(k_text(f, i.bx()))),
        LOADKX => {
            let next = f.code.get(pc as usize + 1).map_or(0, |n| n.ax_field());
            (format!("{a}"), Some(k_text(f, next)))
        }
        LOADFALSE | LFALSESKIP | LOADTRUE | CLOSE | TBC | RETURN1 | VARARGPREP => {
            (format!("{a}"), None)
        }
        LOADNIL => (format!("{a} {b}"), Some(format!("{} out", b + 1))),
        GETUPVAL | SETUPVAL => (format!("{a} {b}"), Some(upval_name(f, b).to_string())),
        GETTABUP => (
            format!("{a} {b} {c}"),
            Some(format!("{} {}", upval_name(f, b), k_text(f, c))),
        ),
        GETTABLE | GETI | SETTABLE | SETI | ADD | SUB | MUL | MOD | POW | DIV | IDIV | BAND
        | BOR | BXOR | SHL | SHR | SELF => (format!("{a} {b} {c}"), None),
        GETFIELD => (format!("{a} {b} {c}"), Some(k_text(f, c))),
        SETTABUP => (
            format!("{a} {b} {c}"),
            Some(format!("{} {}", upval_name(f, a), k_text(f, b))),
        ),
        SETTABUPK => (
            format!("{a} {b} {c}"),
            Some(format!(
                "{} {} {}",
                upval_name(f, a),
                k_text(f, b),
                k_text(f, c)
            )),
        ),
        SETTABLEK | SETIK => (format!("{a} {b} {c}"), Some(k_text(f, c))),
        SETFIELD => (format!("{a} {b} {c}"), Some(k_text(f, b))),
        SETFIELDK => (
            format!("{a} {b} {c}"),
            Some(format!("{} {}", k_text(f, b), k_text(f, c))),
        ),
        NEWTABLE => (format!("{a} {b} {c}"), Some(format!("{c}"))),
        SELFK | ADDK | SUBK | MULK | MODK | POWK | DIVK | IDIVK | BANDK | BORK | BXORK => {
            (format!("{a} {b} {c}"), Some(k_text(f, c)))
        }
        ADDI | SHRI | SHLI => (format!("{a} {b} {}", i.sc()), None),
        JMP => {
            let sj = i.sj_field() as i64;
            (format!("{sj}"), Some(format!("to {}", sj + pc + 2)))
        }
        LOOP => (format!("{a} {}", i.bx()), None),
        EQ | LT | LE | TESTSET => (format!("{a} {b} {c}"), None),
        EQK => (format!("{a} {b} {c}"), Some(k_text(f, b))),
        EQI | LTI | LEI | GTI | GEI => (format!("{a} {} {c}", i.sb()), None),
        TEST => (format!("{a} {c}"), None),
        CALL => {
            let ins = if b == 0 {
                "all in".to_string()
            } else {
                format!("{} in", b - 1)
            };
            let outs = if c == 0 {
                "all out".to_string()
            } else {
                format!("{} out", c - 1)
            };
            (format!("{a} {b} {c}"), Some(format!("{ins} {outs}")))
        }
        // luac prints `-1 in` for a tail call with all arguments up to the top.
        TAILCALL => (format!("{a} {b} {c}"), Some(format!("{} in", b as i64 - 1))),
        RETURN => {
            let outs = if b == 0 {
                "all out".to_string()
            } else {
                format!("{} out", b - 1)
            };
            (format!("{a} {b} {c}"), Some(outs))
        }
        RETURN0 => (String::new(), None),
        FORLOOP | TFORLOOP => {
            let bx = i.bx() as i64;
            (format!("{a} {bx}"), Some(format!("to {}", pc - bx + 2)))
        }
        FORPREP => {
            let bx = i.bx() as i64;
            (
                format!("{a} {bx}"),
                Some(format!("exit to {}", pc + bx + 3)),
            )
        }
        TFORPREP => {
            let bx = i.bx() as i64;
            (format!("{a} {bx}"), Some(format!("to {}", pc + bx + 2)))
        }
        TFORCALL => (format!("{a} {c}"), None),
        SETLIST => {
            if c == 255 {
                let next = f.code.get(pc as usize + 1).map_or(0, |n| n.ax_field());
                (format!("{a} {b} {c}"), Some(format!("{next}")))
            } else {
                (format!("{a} {b} {c}"), None)
            }
        }
        CLOSURE => {
            let bx = i.bx();
            let text = f.protos.get(bx as usize).map_or_else(
                || "?".to_string(),
                |p| format!("function <{},{}>", p.line_defined, p.last_line_defined),
            );
            (format!("{a} {bx}"), Some(text))
        }
        VARARG => {
            let outs = if c == 0 {
                "all out".to_string()
            } else {
                format!("{} out", c - 1)
            };
            (format!("{a} {c}"), Some(outs))
        }
        EXTRAARG => (format!("{}", i.ax_field()), None),
    };
    debug_assert!(op.mode() != OpMode::Ax || op == EXTRAARG);
    out.push_str(&operands);
    if let Some(c) = comment {
        out.push_str("\t; ");
        out.push_str(&c);
    }
    out.push('\n');
}

/// A constant as luac prints it: strings quoted with C-style escapes, floats with
/// `%.14g` plus `.0` when they look like integers.
fn constant_text(k: &Constant) -> String {
    match k {
        Constant::Nil => "nil".to_string(),
        Constant::Bool(b) => b.to_string(),
        Constant::Int(i) => i.to_string(),
        Constant::Float(x) => {
            let mut s = format_g14(*x);
            if s.bytes().all(|c| c == b'-' || c.is_ascii_digit()) {
                s.push_str(".0");
            }
            s
        }
        Constant::Str(bytes) => {
            let mut s = String::from("\"");
            for &c in bytes.iter() {
                match c {
                    b'"' => s.push_str("\\\""),
                    b'\\' => s.push_str("\\\\"),
                    7 => s.push_str("\\a"),
                    8 => s.push_str("\\b"),
                    12 => s.push_str("\\f"),
                    b'\n' => s.push_str("\\n"),
                    b'\r' => s.push_str("\\r"),
                    b'\t' => s.push_str("\\t"),
                    11 => s.push_str("\\v"),
                    32..=126 => s.push(c as char),
                    _ => {
                        let _ = write!(s, "\\{c:03}");
                    }
                }
            }
            s.push('"');
            s
        }
    }
}

/// C's `printf("%.14g", x)` (Lua's `LUA_NUMBER_FMT`).
pub(crate) fn format_g14(x: f64) -> String {
    const P: i32 = 14;
    if x.is_nan() {
        return if x.is_sign_negative() { "-nan" } else { "nan" }.to_string();
    }
    if x.is_infinite() {
        return if x < 0.0 { "-inf" } else { "inf" }.to_string();
    }
    if x == 0.0 {
        return if x.is_sign_negative() { "-0" } else { "0" }.to_string();
    }
    let e = format!("{:.*e}", (P - 1) as usize, x);
    let (mant, exp) = e.split_once('e').expect("exponent");
    let exp: i32 = exp.parse().expect("exponent");
    if !(-4..P).contains(&exp) {
        let mant = strip_zeros(mant);
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{mant}e{sign}{:02}", exp.abs())
    } else {
        let s = format!("{:.*}", (P - 1 - exp) as usize, x);
        strip_zeros(&s).to_string()
    }
}

fn strip_zeros(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::format_g14;

    #[test]
    fn g14_matches_printf() {
        for (x, s) in [
            (1.0, "1"),
            (0.1, "0.1"),
            (1e15, "1e+15"),
            (123456789012345.0, "1.2345678901234e+14"),
            (1e-5, "1e-05"),
            (0.0001, "0.0001"),
            (0.1 + 0.2, "0.3"),
            (-2.5, "-2.5"),
            (1e100, "1e+100"),
            (f64::INFINITY, "inf"),
        ] {
            assert_eq!(format_g14(x), s, "{x}");
        }
    }
}
