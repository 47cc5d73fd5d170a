//! The `os` library (`loslib.c`, Lua 5.4.4): clock, date, difftime, execute, exit,
//! getenv, remove, rename, setlocale, time, tmpname.
//!
//! Dates use [`super::strftime`] (local time from `TZ` or `/etc/localtime`, see there). `clock`
//! reads the thread's CPU time from `/proc/thread-self/schedstat` on Linux and falls
//! back to the time since the state was first asked. `setlocale` knows only the C
//! locale (`""`, `"C"` and `"POSIX"` all give `"C"`).

use std::sync::OnceLock;
use std::time::Instant;

use super::auxlib::new_lib;
use super::strftime::{self, Tm};
use crate::runtime::{LuaResult, NativeFn, Ret, Value, Vm};

/// Opens the os library.
pub fn open(vm: &mut Vm) {
    const FUNCS: &[(&str, NativeFn)] = &[
        ("clock", os_clock),
        ("date", os_date),
        ("difftime", os_difftime),
        ("execute", os_execute),
        ("exit", os_exit),
        ("getenv", os_getenv),
        ("remove", os_remove),
        ("rename", os_rename),
        ("setlocale", os_setlocale),
        ("time", os_time),
        ("tmpname", os_tmpname),
    ];
    new_lib(vm, "os", FUNCS);
}

/// The C library's text for an I/O error (Rust's message without ` (os error N)`).
pub fn strerror(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.rfind(" (os error ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// Pushes the reference's `luaL_fileresult`: `true`, or `nil, "[name: ]msg", errno`.
pub fn file_result(vm: &mut Vm, r: std::io::Result<()>, name: Option<&[u8]>) -> LuaResult<Ret> {
    match r {
        Ok(()) => {
            vm.push_bool(true);
            Ok(Ret::Values(1))
        }
        Err(e) => {
            vm.push_nil();
            let mut msg = Vec::new();
            if let Some(n) = name {
                msg.extend_from_slice(n);
                msg.extend_from_slice(b": ");
            }
            msg.extend_from_slice(strerror(&e).as_bytes());
            vm.push_bytes(&msg);
            vm.push_int(i64::from(e.raw_os_error().unwrap_or(0)));
            Ok(Ret::Values(3))
        }
    }
}

fn path_of(b: &[u8]) -> std::path::PathBuf {
    use std::os::unix::ffi::OsStrExt;
    std::path::PathBuf::from(std::ffi::OsStr::from_bytes(b))
}

fn os_clock(vm: &mut Vm) -> LuaResult<Ret> {
    static START: OnceLock<Instant> = OnceLock::new();
    let t = process_cpu_seconds()
        .unwrap_or_else(|| START.get_or_init(Instant::now).elapsed().as_secs_f64());
    vm.push_float(t);
    Ok(Ret::Values(1))
}

/// The process's CPU time in seconds, from C's `clock()` as the reference's
/// `os.clock` does (microsecond resolution; `/proc/*/schedstat`, read before, only
/// advances at scheduler ticks, so it could not time anything under a few ms).
#[cfg(unix)]
#[allow(
    unsafe_code,
    reason = "a measurement: the C library's clock(), linked by std on unix"
)]
fn process_cpu_seconds() -> Option<f64> {
    unsafe extern "C" {
        fn clock() -> std::ffi::c_long;
    }
    // SAFETY: `clock` takes no arguments, touches no memory of ours and is
    // thread-safe; it returns -1 when the time is unavailable.
    let c = unsafe { clock() };
    // POSIX fixes CLOCKS_PER_SEC at one million.
    (c >= 0).then(|| c as f64 / 1e6)
}

#[cfg(not(unix))]
fn process_cpu_seconds() -> Option<f64> {
    None
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

fn set_field(vm: &mut Vm, t: crate::runtime::Gc<crate::runtime::Table>, k: &str, v: Value) {
    vm.raw_set_str(t, k, v);
}

fn set_all_fields(vm: &mut Vm, t: Value, tm: &Tm) -> LuaResult<()> {
    let fields = [
        ("year", Value::Int(tm.year)),
        ("month", Value::Int(tm.month)),
        ("day", Value::Int(tm.day)),
        ("hour", Value::Int(tm.hour)),
        ("min", Value::Int(tm.min)),
        ("sec", Value::Int(tm.sec)),
        ("yday", Value::Int(tm.yday)),
        ("wday", Value::Int(tm.wday)),
        ("isdst", Value::Bool(tm.isdst)),
    ];
    for (k, v) in fields {
        match t {
            Value::Table(g) => set_field(vm, g, k, v),
            _ => {
                let key = vm.new_string(k.as_bytes());
                vm.set_index(t, key, v)?;
            }
        }
    }
    Ok(())
}

fn os_date(vm: &mut Vm) -> LuaResult<Ret> {
    let fmt = match vm.opt_str(1)? {
        Some(s) => s.get().as_bytes().to_vec(),
        None => b"%c".to_vec(),
    };
    let t = if vm.is_none_or_nil(2) {
        now()
    } else {
        vm.check_integer(2)?
    };
    let (utc, f) = match fmt.strip_prefix(b"!") {
        Some(rest) => (true, rest),
        None => (false, &fmt[..]),
    };
    let tm = if utc {
        strftime::gmtime(t)
    } else {
        strftime::localtime(t)
    };
    if i32::try_from(tm.year - 1900).is_err() {
        return Err(vm.error("date result cannot be represented in this installation"));
    }
    if f.starts_with(b"*t") {
        let table = vm.new_table_with(0, 9);
        set_all_fields(vm, Value::Table(table), &tm)?;
        vm.push(Value::Table(table));
        return Ok(Ret::Values(1));
    }
    match strftime::strftime(f, &tm) {
        Ok(s) => {
            vm.push_bytes(&s);
            Ok(Ret::Values(1))
        }
        Err(e) => Err(vm.arg_error(1, e.to_string())),
    }
}

/// Reads one date field as the reference's `getfield`: `default` < 0 means required;
/// `delta` is subtracted (and bounds-checked against C `int`).
fn get_field(vm: &mut Vm, t: Value, key: &str, default: i64, delta: i64) -> LuaResult<i64> {
    let k = vm.new_string(key.as_bytes());
    let v = vm.index(t, k)?;
    match crate::runtime::meta::to_integer(v).filter(|_| !matches!(v, Value::Str(_))) {
        Some(res) => {
            let ok = if res >= 0 {
                res - delta <= i64::from(i32::MAX)
            } else {
                i64::from(i32::MIN) + delta <= res
            };
            if !ok {
                return Err(vm.error(format!("field '{key}' is out-of-bound")));
            }
            Ok(res - delta)
        }
        None if !v.is_nil() => Err(vm.error(format!("field '{key}' is not an integer"))),
        None if default < 0 => Err(vm.error(format!("field '{key}' missing in date table"))),
        None => Ok(default),
    }
}

fn os_time(vm: &mut Vm) -> LuaResult<Ret> {
    if vm.is_none_or_nil(1) {
        vm.push_int(now());
        return Ok(Ret::Values(1));
    }
    vm.check_type(1, crate::runtime::LuaType::Table)?;
    vm.set_top(1);
    let t = vm.arg(1);
    let year = get_field(vm, t, "year", -1, 1900)? + 1900;
    let month = get_field(vm, t, "month", -1, 1)? + 1;
    let day = get_field(vm, t, "day", -1, 0)?;
    let hour = get_field(vm, t, "hour", 12, 0)?;
    let min = get_field(vm, t, "min", 0, 0)?;
    let sec = get_field(vm, t, "sec", 0, 0)?;
    let k = vm.new_string(b"isdst");
    let isdst = vm.index(t, k)?;
    let isdst = (!isdst.is_nil()).then(|| isdst.truthy());
    let time = strftime::mktime(year, month, day, hour, min, sec, isdst);
    let tm = time.map(strftime::localtime);
    match (time, tm) {
        // C `mktime` cannot tell -1 from its error value.
        (Some(time), Some(tm)) if i32::try_from(tm.year - 1900).is_ok() && time != -1 => {
            set_all_fields(vm, t, &tm)?;
            vm.push_int(time);
            Ok(Ret::Values(1))
        }
        _ => Err(vm.error("time result cannot be represented in this installation")),
    }
}

fn os_difftime(vm: &mut Vm) -> LuaResult<Ret> {
    let a = vm.check_integer(1)?;
    let b = vm.check_integer(2)?;
    vm.push_float(a as f64 - b as f64);
    Ok(Ret::Values(1))
}

fn os_getenv(vm: &mut Vm) -> LuaResult<Ret> {
    use std::os::unix::ffi::OsStrExt;
    let name = vm.check_bytes(1)?;
    match std::env::var_os(std::ffi::OsStr::from_bytes(&name)) {
        Some(v) => vm.push_bytes(v.as_bytes()),
        None => vm.push_nil(),
    }
    Ok(Ret::Values(1))
}

fn os_remove(vm: &mut Vm) -> LuaResult<Ret> {
    let name = vm.check_bytes(1)?;
    let p = path_of(&name);
    let r = match std::fs::symlink_metadata(&p) {
        Ok(m) if m.is_dir() => std::fs::remove_dir(&p),
        _ => std::fs::remove_file(&p),
    };
    file_result(vm, r, Some(&name))
}

fn os_rename(vm: &mut Vm) -> LuaResult<Ret> {
    let from = vm.check_bytes(1)?;
    let to = vm.check_bytes(2)?;
    let r = std::fs::rename(path_of(&from), path_of(&to));
    file_result(vm, r, None)
}

fn os_setlocale(vm: &mut Vm) -> LuaResult<Ret> {
    let l = vm.opt_str(1)?.map(|s| s.get().as_bytes().to_vec());
    vm.check_option(
        2,
        Some("all"),
        &["all", "collate", "ctype", "monetary", "numeric", "time"],
    )?;
    match l.as_deref() {
        None | Some(b"" | b"C" | b"POSIX") => vm.push_bytes(b"C"),
        Some(_) => vm.push_nil(),
    }
    Ok(Ret::Values(1))
}

fn os_tmpname(vm: &mut Vm) -> LuaResult<Ret> {
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
        ^ (std::process::id() as u64) << 32;
    let mut x = seed | 1;
    for _ in 0..100 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let suffix: String = (0..6)
            .map(|i| {
                let c = (x >> (i * 6)) % 36;
                char::from_digit(c as u32, 36).unwrap_or('x')
            })
            .collect();
        let name = format!("/tmp/lua_{suffix}");
        if std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&name)
            .is_ok()
        {
            vm.push_bytes(name.as_bytes());
            return Ok(Ret::Values(1));
        }
    }
    Err(vm.error("unable to generate a unique filename"))
}

fn os_execute(vm: &mut Vm) -> LuaResult<Ret> {
    let cmd = vm.opt_str(1)?.map(|s| s.get().as_bytes().to_vec());
    let Some(cmd) = cmd else {
        vm.push_bool(true);
        return Ok(Ret::Values(1));
    };
    vm.stdout.flush();
    use std::os::unix::ffi::OsStrExt;
    let status = std::process::Command::new("/bin/sh")
        .arg("-c")
        .arg(std::ffi::OsStr::from_bytes(&cmd))
        .status();
    exec_result(vm, status)
}

/// Pushes the reference's `luaL_execresult` for a finished command (`os.execute`,
/// `file:close` of a `io.popen` file): `true|nil, "exit"|"signal", code`, or the
/// `luaL_fileresult` triple when the command could not run.
pub fn exec_result(vm: &mut Vm, st: std::io::Result<std::process::ExitStatus>) -> LuaResult<Ret> {
    use std::os::unix::process::ExitStatusExt;
    match st {
        Err(e) => file_result(vm, Err(e), None),
        Ok(st) => {
            let (what, code) = match (st.code(), st.signal()) {
                (Some(c), _) => ("exit", c),
                (None, Some(s)) => ("signal", s),
                _ => ("exit", -1),
            };
            if what == "exit" && code == 0 {
                vm.push_bool(true);
            } else {
                vm.push_nil();
            }
            vm.push_bytes(what.as_bytes());
            vm.push_int(i64::from(code));
            Ok(Ret::Values(3))
        }
    }
}

fn os_exit(vm: &mut Vm) -> LuaResult<Ret> {
    let code = match vm.arg(1) {
        Value::Bool(b) => {
            if b {
                0
            } else {
                1
            }
        }
        _ => vm.opt_integer(1, 0)? as i32,
    };
    vm.stdout.flush();
    super::io::flush_all(vm);
    std::process::exit(code);
}
