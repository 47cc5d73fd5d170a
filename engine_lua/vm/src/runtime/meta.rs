//! Metamethod tags and the pure parts of the operators: arithmetic and bitwise on
//! numbers (with the reference's integer/float rules), number<->string coercions and
//! the basic `tostring` form. The interpreter's slow paths (metamethod calls) are in
//! `interp.rs` / `call.rs`.

use super::value::Value;
use crate::number::{self, Number};

macro_rules! tms {
    ($($v:ident = $n:literal,)*) => {
        /// Metamethod tags. The first eight are cached as absent in a metatable's
        /// `flags` byte.
        #[derive(Copy, Clone, Debug, PartialEq, Eq)]
        #[repr(u8)]
        pub enum TM { $(#[doc = $n] $v,)* }
        impl TM {
            /// Every tag in order.
            pub const ALL: &'static [TM] = &[$(TM::$v,)*];
            /// The event name (`__index`).
            pub fn name(self) -> &'static str {
                match self { $(TM::$v => $n,)* }
            }
        }
    };
}

tms! {
    Index = "__index",
    NewIndex = "__newindex",
    Gc = "__gc",
    Mode = "__mode",
    Len = "__len",
    Eq = "__eq",
    Call = "__call",
    Close = "__close",
    Add = "__add",
    Sub = "__sub",
    Mul = "__mul",
    Mod = "__mod",
    Pow = "__pow",
    Div = "__div",
    IDiv = "__idiv",
    BAnd = "__band",
    BOr = "__bor",
    BXor = "__bxor",
    Shl = "__shl",
    Shr = "__shr",
    Unm = "__unm",
    BNot = "__bnot",
    Lt = "__lt",
    Le = "__le",
    Concat = "__concat",
    ToString = "__tostring",
    Name = "__name",
    Metatable = "__metatable",
    Pairs = "__pairs",
}

/// Arithmetic and bitwise operators.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ArithOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `%`
    Mod,
    /// `^`
    Pow,
    /// `/`
    Div,
    /// `//`
    IDiv,
    /// `&`
    BAnd,
    /// `|`
    BOr,
    /// `~`
    BXor,
    /// `<<`
    Shl,
    /// `>>`
    Shr,
    /// unary `-`
    Unm,
    /// unary `~`
    BNot,
}

impl ArithOp {
    /// The metamethod event.
    pub fn tm(self) -> TM {
        match self {
            ArithOp::Add => TM::Add,
            ArithOp::Sub => TM::Sub,
            ArithOp::Mul => TM::Mul,
            ArithOp::Mod => TM::Mod,
            ArithOp::Pow => TM::Pow,
            ArithOp::Div => TM::Div,
            ArithOp::IDiv => TM::IDiv,
            ArithOp::BAnd => TM::BAnd,
            ArithOp::BOr => TM::BOr,
            ArithOp::BXor => TM::BXor,
            ArithOp::Shl => TM::Shl,
            ArithOp::Shr => TM::Shr,
            ArithOp::Unm => TM::Unm,
            ArithOp::BNot => TM::BNot,
        }
    }

    /// Whether the operator is bitwise.
    pub fn is_bitwise(self) -> bool {
        matches!(
            self,
            ArithOp::BAnd
                | ArithOp::BOr
                | ArithOp::BXor
                | ArithOp::Shl
                | ArithOp::Shr
                | ArithOp::BNot
        )
    }
}

/// Why a numeric operation failed without a metamethod being relevant.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ArithError {
    /// Operands are not numbers: look for a metamethod.
    NotNumbers,
    /// `n // 0` on integers.
    DivByZero,
    /// `n % 0` on integers.
    ModByZero,
    /// A float operand of a bitwise operator has no integer value.
    NoIntegerRep,
}

impl ArithError {
    /// The reference's message for the numeric errors.
    pub fn message(self) -> &'static str {
        match self {
            ArithError::NotNumbers => "attempt to perform arithmetic",
            ArithError::DivByZero => "attempt to divide by zero",
            ArithError::ModByZero => "attempt to perform 'n%0'",
            ArithError::NoIntegerRep => "number has no integer representation",
        }
    }
}

/// Integer floor division (`//`); `b` must be nonzero.
#[inline]
pub fn int_idiv(a: i64, b: i64) -> i64 {
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

/// Integer modulo (`%`, sign of the divisor); `b` must be nonzero.
#[inline]
pub fn int_mod(a: i64, b: i64) -> i64 {
    if b == -1 {
        return 0;
    }
    let r = a % b;
    if r != 0 && (r ^ b) < 0 { r + b } else { r }
}

/// Float modulo (`%`), as the reference's `luai_nummod`.
#[inline]
pub fn float_mod(a: f64, b: f64) -> f64 {
    let m = a % b;
    if m != 0.0 && (m > 0.0) != (b > 0.0) {
        m + b
    } else {
        m
    }
}

/// Shift left (negative counts shift right; 64 or more gives 0), as `luaV_shiftl`.
#[inline]
pub fn shift_left(x: i64, y: i64) -> i64 {
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

/// A value as a number, converting strings (`luaV_tonumber_`).
#[inline]
pub fn to_number(v: Value) -> Option<Number> {
    match v {
        Value::Int(i) => Some(Number::Int(i)),
        Value::Num(f) => Some(Number::Float(f)),
        Value::Str(s) => number::str_to_number(s.get().as_bytes()),
        _ => None,
    }
}

/// A value as a float, converting strings.
#[inline]
pub fn to_float(v: Value) -> Option<f64> {
    match to_number(v)? {
        Number::Int(i) => Some(i as f64),
        Number::Float(f) => Some(f),
    }
}

/// A value as an integer (floats only with an exact value; strings converted).
#[inline]
pub fn to_integer(v: Value) -> Option<i64> {
    match v {
        Value::Int(i) => Some(i),
        _ => match to_number(v)? {
            Number::Int(i) => Some(i),
            Number::Float(f) => number::float_to_int_exact(f),
        },
    }
}

fn num_value(n: Number) -> Value {
    match n {
        Number::Int(i) => Value::Int(i),
        Number::Float(f) => Value::Num(f),
    }
}

/// Arithmetic on two numbers (`b` is ignored for unary operators). Strings are
/// coerced for the arithmetic operators only (the string library's metamethods do
/// this in the reference; bitwise operators do not coerce strings).
pub fn arith(op: ArithOp, a: Value, b: Value) -> Result<Value, ArithError> {
    let (x, y) = if op.is_bitwise() {
        match (a, b) {
            (Value::Int(_) | Value::Num(_), Value::Int(_) | Value::Num(_)) => {}
            _ => return Err(ArithError::NotNumbers),
        }
        (to_number(a).unwrap(), to_number(b).unwrap())
    } else {
        match (to_number(a), to_number(b)) {
            (Some(x), Some(y)) => (x, y),
            _ => return Err(ArithError::NotNumbers),
        }
    };
    arith_num(op, x, y).map(num_value)
}

/// Arithmetic on numbers.
pub fn arith_num(op: ArithOp, x: Number, y: Number) -> Result<Number, ArithError> {
    use ArithOp::*;
    use Number::{Float as F, Int as I};
    if op.is_bitwise() {
        let toi = |n: Number| match n {
            I(i) => Ok(i),
            F(f) => number::float_to_int_exact(f).ok_or(ArithError::NoIntegerRep),
        };
        let a = toi(x)?;
        let b = if matches!(op, BNot) { 0 } else { toi(y)? };
        return Ok(I(match op {
            BAnd => a & b,
            BOr => a | b,
            BXor => a ^ b,
            Shl => shift_left(a, b),
            Shr => shift_left(a, b.wrapping_neg()),
            _ => !a,
        }));
    }
    Ok(match (op, x, y) {
        (Add, I(a), I(b)) => I(a.wrapping_add(b)),
        (Sub, I(a), I(b)) => I(a.wrapping_sub(b)),
        (Mul, I(a), I(b)) => I(a.wrapping_mul(b)),
        (Mod, I(a), I(b)) => {
            if b == 0 {
                return Err(ArithError::ModByZero);
            }
            I(int_mod(a, b))
        }
        (IDiv, I(a), I(b)) => {
            if b == 0 {
                return Err(ArithError::DivByZero);
            }
            I(int_idiv(a, b))
        }
        (Unm, I(a), _) => I(a.wrapping_neg()),
        (Unm, F(a), _) => F(-a),
        _ => {
            let a = match x {
                I(i) => i as f64,
                F(f) => f,
            };
            let b = match y {
                I(i) => i as f64,
                F(f) => f,
            };
            F(match op {
                Add => a + b,
                Sub => a - b,
                Mul => a * b,
                Div => a / b,
                Mod => float_mod(a, b),
                Pow => {
                    if b == 2.0 {
                        a * a
                    } else {
                        a.powf(b)
                    }
                }
                IDiv => (a / b).floor(),
                _ => unreachable!("bitwise handled above"),
            })
        }
    })
}

/// `tostring` of a value without metamethods (`luaL_tolstring`'s default forms):
/// numbers per `%.14g`, `table: 0x...` addresses.
pub fn basic_tostring(v: Value) -> Vec<u8> {
    match v {
        Value::Nil => b"nil".to_vec(),
        Value::Bool(b) => {
            if b {
                b"true".to_vec()
            } else {
                b"false".to_vec()
            }
        }
        Value::Int(i) => number::fmt_int(i).into_bytes(),
        Value::Num(f) => number::fmt_float(f).into_bytes(),
        Value::Str(s) => s.get().as_bytes().to_vec(),
        Value::Native(_) => format!("function: builtin: {:#x}", v.addr()).into_bytes(),
        _ => format!("{}: {:#x}", v.type_name(), v.addr()).into_bytes(),
    }
}

/// The text a number converts to in concatenation and `tostring`.
pub fn number_to_bytes(v: Value) -> Option<Vec<u8>> {
    match v {
        Value::Int(i) => Some(number::fmt_int(i).into_bytes()),
        Value::Num(f) => Some(number::fmt_float(f).into_bytes()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_division_and_modulo_follow_floor() {
        assert_eq!(int_idiv(7, -2), -4);
        assert_eq!(int_mod(7, -2), -1);
        assert_eq!(int_mod(-7, 2), 1);
        assert_eq!(int_idiv(i64::MIN, -1), i64::MIN);
        assert_eq!(float_mod(-7.0, 2.0), 1.0);
        assert_eq!(shift_left(1, 64), 0);
        assert_eq!(shift_left(-1, -1), i64::MAX);
    }
}
