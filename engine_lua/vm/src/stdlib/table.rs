//! The `table` library: concat, insert, move, pack, remove, sort, unpack, with the
//! reference's checks and messages (`ltablib.c`, Lua 5.4.4). Element access goes
//! through `__index`/`__newindex` and lengths through `__len`, as 5.4 does; a
//! non-table argument is accepted when its metatable has the fields an operation
//! needs.
//!
//! `sort` is the reference's quicksort (median of three, pivot at `up - 1`, detection
//! of inconsistent comparators as `invalid order function for sorting`). Like the
//! reference, the values it works on stay on the Lua stack (so they remain roots while
//! a comparator runs); on badly unbalanced partitions it perturbs the pivot choice
//! with a deterministic sequence instead of the clock.

use super::auxlib::new_lib;
use crate::runtime::{LuaResult, NativeFn, Ret, TM, Value, Vm};

/// Opens the table library.
pub fn open(vm: &mut Vm) {
    const FUNCS: &[(&str, NativeFn)] = &[
        ("concat", tconcat),
        ("insert", tinsert),
        ("move", tmove),
        ("pack", tpack),
        ("remove", tremove),
        ("sort", tsort),
        ("unpack", tunpack),
    ];
    new_lib(vm, "table", FUNCS);
}

const TAB_R: u8 = 1;
const TAB_W: u8 = 2;
const TAB_L: u8 = 4;

/// Checks that argument `arg` is a table, or has a metatable with the fields `what`
/// needs (the reference's `checktab`).
fn check_tab(vm: &mut Vm, arg: usize, what: u8) -> LuaResult<()> {
    let v = vm.arg(arg);
    if matches!(v, Value::Table(_)) {
        return Ok(());
    }
    if let Some(mt) = vm.metatable(v) {
        let ok = (what & TAB_R == 0 || !vm.tm_from(mt, TM::Index).is_nil())
            && (what & TAB_W == 0 || !vm.tm_from(mt, TM::NewIndex).is_nil())
            && (what & TAB_L == 0 || !vm.tm_from(mt, TM::Len).is_nil());
        if ok {
            return Ok(());
        }
    }
    Err(vm.type_error(arg, "table"))
}

/// `#t` of argument `arg` after checking it (the reference's `aux_getn`).
fn aux_getn(vm: &mut Vm, arg: usize, what: u8) -> LuaResult<i64> {
    check_tab(vm, arg, what | TAB_L)?;
    let v = vm.arg(arg);
    vm.len_int(v)
}

/// `t[i]` for argument `arg` (`lua_geti`); tables without a metatable are read raw.
fn geti(vm: &mut Vm, arg: usize, i: i64) -> LuaResult<Value> {
    let t = vm.arg(arg);
    if let Value::Table(g) = t
        && g.get().metatable.is_none()
    {
        return Ok(g.get().get_int(i));
    }
    vm.index(t, Value::Int(i))
}

/// `t[i] = v` for argument `arg` (`lua_seti`); tables without a metatable are written
/// raw.
fn seti(vm: &mut Vm, arg: usize, i: i64, v: Value) -> LuaResult<()> {
    let t = vm.arg(arg);
    if let Value::Table(g) = t
        && g.get().metatable.is_none()
    {
        vm.raw_set_int(g, i, v);
        return Ok(());
    }
    vm.set_index(t, Value::Int(i), v)
}

fn tinsert(vm: &mut Vm) -> LuaResult<Ret> {
    let e = aux_getn(vm, 1, TAB_R | TAB_W)?.wrapping_add(1);
    let pos = match vm.arg_count() {
        2 => e,
        3 => {
            let pos = vm.check_integer(2)?;
            if (pos as u64).wrapping_sub(1) >= e as u64 {
                return Err(vm.arg_error(2, "position out of bounds"));
            }
            let mut i = e;
            while i > pos {
                let v = geti(vm, 1, i - 1)?;
                seti(vm, 1, i, v)?;
                i -= 1;
            }
            pos
        }
        _ => return Err(vm.error("wrong number of arguments to 'insert'")),
    };
    let v = vm.arg(vm.arg_count());
    seti(vm, 1, pos, v)?;
    Ok(Ret::Values(0))
}

fn tremove(vm: &mut Vm) -> LuaResult<Ret> {
    let size = aux_getn(vm, 1, TAB_R | TAB_W)?;
    let mut pos = vm.opt_integer(2, size)?;
    if pos != size && (pos as u64).wrapping_sub(1) > size as u64 {
        // 5.4.7 names argument 2 (Debian's 5.4.4 says #1, a bug fixed upstream).
        return Err(vm.arg_error(2, "position out of bounds"));
    }
    let result = geti(vm, 1, pos)?;
    vm.push(result);
    while pos < size {
        let v = geti(vm, 1, pos + 1)?;
        seti(vm, 1, pos, v)?;
        pos += 1;
    }
    seti(vm, 1, pos, Value::Nil)?;
    Ok(Ret::Values(1))
}

fn tmove(vm: &mut Vm) -> LuaResult<Ret> {
    let f = vm.check_integer(2)?;
    let e = vm.check_integer(3)?;
    let t = vm.check_integer(4)?;
    let tt = if vm.is_none_or_nil(5) { 1 } else { 5 };
    check_tab(vm, 1, TAB_R)?;
    check_tab(vm, tt, TAB_W)?;
    if e >= f {
        if !(f > 0 || e < i64::MAX.wrapping_add(f)) {
            return Err(vm.arg_error(3, "too many elements to move"));
        }
        let n = e - f + 1;
        if t > i64::MAX - n + 1 {
            return Err(vm.arg_error(4, "destination wrap around"));
        }
        let same = tt == 1 || {
            let (a, b) = (vm.arg(1), vm.arg(tt));
            vm.equals(a, b)?
        };
        if t > e || t <= f || !same {
            for i in 0..n {
                let v = geti(vm, 1, f + i)?;
                seti(vm, tt, t + i, v)?;
            }
        } else {
            for i in (0..n).rev() {
                let v = geti(vm, 1, f + i)?;
                seti(vm, tt, t + i, v)?;
            }
        }
    }
    let dest = vm.arg(tt);
    vm.push(dest);
    Ok(Ret::Values(1))
}

fn tpack(vm: &mut Vm) -> LuaResult<Ret> {
    let n = vm.arg_count();
    let t = vm.new_table_with(n, 1);
    for i in 1..=n {
        let v = vm.arg(i);
        vm.raw_set_int(t, i as i64, v);
    }
    vm.raw_set_str(t, "n", Value::Int(n as i64));
    vm.push(Value::Table(t));
    Ok(Ret::Values(1))
}

fn tunpack(vm: &mut Vm) -> LuaResult<Ret> {
    let i = vm.opt_integer(2, 1)?;
    let e = if vm.is_none_or_nil(3) {
        let t = vm.arg(1);
        vm.len_int(t)?
    } else {
        vm.check_integer(3)?
    };
    if i > e {
        return Ok(Ret::Values(0));
    }
    let n = (e as u64).wrapping_sub(i as u64);
    let in_use = vm.current.get().top + 5;
    if n >= i32::MAX as u64 || n as usize + 1 > crate::runtime::MAX_STACK.saturating_sub(in_use) {
        return Err(vm.error("too many results to unpack"));
    }
    let n = n as usize + 1;
    let mut k = i;
    loop {
        let v = geti(vm, 1, k)?;
        vm.push(v);
        if k == e {
            break;
        }
        k += 1;
    }
    Ok(Ret::Values(n))
}

fn tconcat(vm: &mut Vm) -> LuaResult<Ret> {
    let mut last = aux_getn(vm, 1, TAB_R)?;
    let sep = match vm.opt_str(2)? {
        Some(s) => s.get().as_bytes().to_vec(),
        None => Vec::new(),
    };
    let mut i = vm.opt_integer(3, 1)?;
    last = vm.opt_integer(4, last)?;
    let mut out = Vec::new();
    // A table without a metatable is read raw, without going through the frame for
    // each element.
    let raw = match vm.arg(1) {
        Value::Table(g) if g.get().metatable.is_none() => Some(g),
        _ => None,
    };
    let add = |vm: &mut Vm, out: &mut Vec<u8>, i: i64| -> LuaResult<()> {
        let v = match raw {
            Some(g) => g.get().get_int(i),
            None => geti(vm, 1, i)?,
        };
        match v {
            Value::Str(s) => out.extend_from_slice(s.get().as_bytes()),
            Value::Int(_) | Value::Num(_) => {
                out.extend_from_slice(&crate::runtime::meta::number_to_bytes(v).unwrap_or_default())
            }
            _ => {
                let tn = vm.type_name_of(v);
                return Err(vm.error(format!(
                    "invalid value ({tn}) at index {i} in table for 'concat'"
                )));
            }
        }
        Ok(())
    };
    while i < last {
        add(vm, &mut out, i)?;
        out.extend_from_slice(&sep);
        i += 1;
    }
    if i == last {
        add(vm, &mut out, i)?;
    }
    vm.push_bytes(&out);
    Ok(Ret::Values(1))
}

// ----- sort -----

/// Below this size the middle element is the pivot (the reference's `RANLIMIT`).
const RANLIMIT: u64 = 100;

struct Sorter {
    /// The table being sorted (argument 1).
    t: Value,
    /// The comparator (argument 2), or nil.
    f: Value,
    /// The pivot perturbation (0: use middle points), as the reference's `rnd`.
    rnd: u64,
    /// State of the deterministic sequence that replaces the clock.
    perturb: u64,
}

/// Frame index of the value `k` places below the top (`-1` is the top).
fn at(vm: &Vm, k: usize) -> Value {
    vm.arg(vm.arg_count() + 1 - k)
}

impl Sorter {
    /// `a < b` by the comparator (argument 2) or by `<`.
    fn less(&mut self, vm: &mut Vm, a: Value, b: Value) -> LuaResult<bool> {
        let f = self.f;
        if f.is_nil() {
            match (a, b) {
                (Value::Int(x), Value::Int(y)) => Ok(x < y),
                (Value::Num(x), Value::Num(y)) => Ok(x < y),
                (Value::Str(x), Value::Str(y)) => Ok(x.get().as_bytes() < y.get().as_bytes()),
                _ => vm.less_than(a, b),
            }
        } else {
            // Called on the stack above the sort's values (no result vector to
            // allocate per comparison, as `call_function` would).
            vm.push(f);
            vm.push(a);
            vm.push(b);
            vm.call_stack(2, 1)?;
            Ok(vm.pop().truthy())
        }
    }

    /// Pushes `t[i]`.
    fn get(&mut self, vm: &mut Vm, i: u64) -> LuaResult<()> {
        // The table (argument 1) is held here rather than looked up in the frame at
        // each access; its metatable is checked each time (a comparator may set one).
        let v = match self.t {
            Value::Table(g) if g.get().metatable.is_none() => g.get().get_int(i as i64),
            t => vm.index(t, Value::Int(i as i64))?,
        };
        vm.push(v);
        Ok(())
    }

    /// `t[i] = v` (see [`Sorter::get`]).
    fn set(&mut self, vm: &mut Vm, i: u64, v: Value) -> LuaResult<()> {
        match self.t {
            Value::Table(g) if g.get().metatable.is_none() => {
                vm.raw_set_int(g, i as i64, v);
                Ok(())
            }
            t => vm.set_index(t, Value::Int(i as i64), v),
        }
    }

    /// `t[i] = top; t[j] = below top`, popping both (the reference's `set2`).
    fn set2(&mut self, vm: &mut Vm, i: u64, j: u64) -> LuaResult<()> {
        let a = vm.pop();
        self.set(vm, i, a)?;
        let b = vm.pop();
        self.set(vm, j, b)
    }

    fn pop(&mut self, vm: &mut Vm, n: usize) {
        for _ in 0..n {
            vm.pop();
        }
    }

    fn next_rnd(&mut self) -> u64 {
        // A fixed xorshift sequence: the reference uses the clock here.
        self.perturb ^= self.perturb << 13;
        self.perturb ^= self.perturb >> 7;
        self.perturb ^= self.perturb << 17;
        self.perturb
    }

    fn partition(&mut self, vm: &mut Vm, lo: u64, up: u64) -> LuaResult<u64> {
        let mut i = lo;
        let mut j = up - 1;
        // Stack: ... P
        loop {
            loop {
                i += 1;
                self.get(vm, i)?;
                let (ai, p) = (at(vm, 1), at(vm, 2));
                if !self.less(vm, ai, p)? {
                    break;
                }
                if i == up - 1 {
                    return Err(vm.error("invalid order function for sorting"));
                }
                self.pop(vm, 1);
            }
            loop {
                j -= 1;
                self.get(vm, j)?;
                let (p, aj) = (at(vm, 3), at(vm, 1));
                if !self.less(vm, p, aj)? {
                    break;
                }
                if j < i {
                    return Err(vm.error("invalid order function for sorting"));
                }
                self.pop(vm, 1);
            }
            // Stack: ... P a[i] a[j]
            if j < i {
                self.pop(vm, 1);
                self.set2(vm, up - 1, i)?;
                return Ok(i);
            }
            self.set2(vm, i, j)?;
        }
    }

    fn auxsort(&mut self, vm: &mut Vm, mut lo: u64, mut up: u64) -> LuaResult<()> {
        while lo < up {
            self.get(vm, lo)?;
            self.get(vm, up)?;
            let (a_up, a_lo) = (at(vm, 1), at(vm, 2));
            if self.less(vm, a_up, a_lo)? {
                self.set2(vm, lo, up)?;
            } else {
                self.pop(vm, 2);
            }
            if up - lo == 1 {
                break;
            }
            let p = if up - lo < RANLIMIT || self.rnd == 0 {
                (lo + up) / 2
            } else {
                let r4 = (up - lo) / 4;
                self.rnd % (r4 * 2) + (lo + r4)
            };
            self.get(vm, p)?;
            self.get(vm, lo)?;
            let (a_p, a_lo) = (at(vm, 2), at(vm, 1));
            if self.less(vm, a_p, a_lo)? {
                self.set2(vm, p, lo)?;
            } else {
                self.pop(vm, 1);
                self.get(vm, up)?;
                let (a_up, a_p) = (at(vm, 1), at(vm, 2));
                if self.less(vm, a_up, a_p)? {
                    self.set2(vm, p, up)?;
                } else {
                    self.pop(vm, 2);
                }
            }
            if up - lo == 2 {
                break;
            }
            self.get(vm, p)?;
            let pivot = at(vm, 1);
            vm.push(pivot);
            self.get(vm, up - 1)?;
            self.set2(vm, p, up - 1)?;
            // Stack: ... P; partition consumes it.
            let p = self.partition(vm, lo, up)?;
            let n;
            if p - lo < up - p {
                self.auxsort(vm, lo, p - 1)?;
                n = p - lo;
                lo = p + 1;
            } else {
                self.auxsort(vm, p + 1, up)?;
                n = up - p;
                up = p - 1;
            }
            if up.wrapping_sub(lo) / 128 > n && up > lo {
                self.rnd = self.next_rnd();
            }
        }
        Ok(())
    }
}

fn tsort(vm: &mut Vm) -> LuaResult<Ret> {
    let n = aux_getn(vm, 1, TAB_R | TAB_W)?;
    if n > 1 {
        if n >= i32::MAX as i64 {
            return Err(vm.arg_error(1, "array too big"));
        }
        if !vm.is_none_or_nil(2) && !vm.arg(2).is_function() {
            return Err(vm.type_error(2, "function"));
        }
        vm.set_top(2);
        let mut s = Sorter {
            t: vm.arg(1),
            f: vm.arg(2),
            rnd: 0,
            perturb: 0x9E37_79B9_7F4A_7C15,
        };
        s.auxsort(vm, 1, n as u64)?;
    }
    Ok(Ret::Values(0))
}
