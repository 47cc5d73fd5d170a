//! Constant folding of numeric operations, with the reference's rules: only numerals
//! fold; an operation that would raise an error (`1//0`, `1%0`, bitwise on a
//! non-integral float) is left to run time, and results that are NaN or a float zero
//! are not folded (luac avoids `-0.0` and NaN constants this way).

use super::code::ExpKind;
use crate::syntax::ast::{BinOp, UnOp};

/// A numeric constant operand.
#[derive(Copy, Clone, Debug)]
pub(crate) enum Num {
    Int(i64),
    Flt(f64),
}

impl Num {
    fn to_f64(self) -> f64 {
        match self {
            Num::Int(i) => i as f64,
            Num::Flt(f) => f,
        }
    }

    /// Exact integer conversion (integral floats in range only), as bitwise operands.
    fn to_int(self) -> Option<i64> {
        match self {
            Num::Int(i) => Some(i),
            Num::Flt(f) => float_to_int_exact(f),
        }
    }
}

/// `f` as an integer when it has an exact integer value in `i64` range.
pub(crate) fn float_to_int_exact(f: f64) -> Option<i64> {
    if f.floor() == f && (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&f) {
        Some(f as i64)
    } else {
        None
    }
}

/// Lua's `<<` on integers (negative shifts go the other way; 64 or more gives 0).
pub(crate) fn shift_left(x: i64, y: i64) -> i64 {
    if y < 0 {
        if y <= -64 {
            0
        } else {
            ((x as u64) >> (-y) as u32) as i64
        }
    } else if y >= 64 {
        0
    } else {
        ((x as u64) << y as u32) as i64
    }
}

/// Lua's integer floor division (`b` nonzero).
pub(crate) fn int_idiv(a: i64, b: i64) -> i64 {
    if b == -1 {
        return a.wrapping_neg();
    }
    let q = a / b;
    if (a % b != 0) && ((a ^ b) < 0) {
        q - 1
    } else {
        q
    }
}

/// Lua's integer modulo (`b` nonzero).
pub(crate) fn int_mod(a: i64, b: i64) -> i64 {
    if b == -1 {
        return 0;
    }
    let m = a % b;
    if m != 0 && (m ^ b) < 0 { m + b } else { m }
}

/// Lua's float modulo.
pub(crate) fn float_mod(a: f64, b: f64) -> f64 {
    let m = a % b;
    if (m > 0.0 && b < 0.0) || (m < 0.0 && b > 0.0) {
        m + b
    } else {
        m
    }
}

fn finish(r: Num) -> Option<ExpKind> {
    match r {
        Num::Int(i) => Some(ExpKind::KInt(i)),
        Num::Flt(f) if f.is_nan() || f == 0.0 => None,
        Num::Flt(f) => Some(ExpKind::KFlt(f)),
    }
}

/// Folds `op v`, or `None` when it must be left to run time.
pub(crate) fn fold_unary(op: UnOp, v: Num) -> Option<ExpKind> {
    match op {
        UnOp::Neg => finish(match v {
            Num::Int(i) => Num::Int(i.wrapping_neg()),
            Num::Flt(f) => Num::Flt(-f),
        }),
        UnOp::BNot => finish(Num::Int(!v.to_int()?)),
        _ => None,
    }
}

/// Folds `a op b`, or `None` when it must be left to run time.
pub(crate) fn fold_binary(op: BinOp, a: Num, b: Num) -> Option<ExpKind> {
    use BinOp::*;
    let r = match op {
        BAnd | BOr | BXor | Shl | Shr => {
            let (x, y) = (a.to_int()?, b.to_int()?);
            Num::Int(match op {
                BAnd => x & y,
                BOr => x | y,
                BXor => x ^ y,
                Shl => shift_left(x, y),
                _ => shift_left(x, y.wrapping_neg()),
            })
        }
        Add | Sub | Mul => match (a, b) {
            (Num::Int(x), Num::Int(y)) => Num::Int(match op {
                Add => x.wrapping_add(y),
                Sub => x.wrapping_sub(y),
                _ => x.wrapping_mul(y),
            }),
            _ => {
                let (x, y) = (a.to_f64(), b.to_f64());
                Num::Flt(match op {
                    Add => x + y,
                    Sub => x - y,
                    _ => x * y,
                })
            }
        },
        Div | IDiv | Mod => {
            if b.to_f64() == 0.0 {
                return None;
            }
            match (op, a, b) {
                (Div, _, _) => Num::Flt(a.to_f64() / b.to_f64()),
                (IDiv, Num::Int(x), Num::Int(y)) => Num::Int(int_idiv(x, y)),
                (Mod, Num::Int(x), Num::Int(y)) => Num::Int(int_mod(x, y)),
                (IDiv, _, _) => Num::Flt((a.to_f64() / b.to_f64()).floor()),
                _ => Num::Flt(float_mod(a.to_f64(), b.to_f64())),
            }
        }
        Pow => {
            let (x, y) = (a.to_f64(), b.to_f64());
            Num::Flt(if y == 2.0 { x * x } else { x.powf(y) })
        }
        _ => return None,
    };
    finish(r)
}
