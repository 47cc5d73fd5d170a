//! The `io` library (`liolib.c`, Lua 5.4.4): files as userdata with the `FILE*`
//! metatable (`__index` methods, `__gc`, `__close`, `__tostring`, `__name`), the
//! default input and output, `io.lines`/`file:lines`, `popen` through `/bin/sh`, and
//! the read formats `n l L a` and counts.
//!
//! Standard output is the state's shared buffer ([`Vm::stdout`]), so `print` and
//! `io.write` interleave correctly. Disk files read through a buffer of their own
//! and write through a stdio-like write buffer (`setvbuf` modes "full", "line", "no";
//! flushed before reads and seeks, on close, when the file is freed, and by
//! `os.exit` as C's `exit` flushes every stream).

use std::cell::RefCell;
use std::io::{Read, Seek, SeekFrom, Write};
use std::process::{Child, Command, Stdio};
use std::rc::{Rc, Weak};

use super::auxlib::new_lib;
use super::os::{exec_result, file_result, strerror};
use crate::runtime::{Gc, LuaResult, NativeFn, Ret, Table, UserData, Value, Vm};

/// Registry key of the file metatable.
const FILE_MT: &str = "FILE*";
/// Registry keys of the default files.
const IO_INPUT: &str = "_IO_input";
const IO_OUTPUT: &str = "_IO_output";

/// Default size of a disk file's write buffer (glibc's usual block size).
const BUFSIZ: usize = 4096;

/// Buffering mode of a file's writes (`file:setvbuf`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum VBuf {
    /// Write when the buffer holds at least this many bytes.
    Full(usize),
    /// Write at each newline.
    Line,
    /// Write at once.
    No,
}

/// A disk file and its pending (buffered) writes.
struct DiskInner {
    file: std::fs::File,
    wbuf: Vec<u8>,
    /// Opened for writing (a write to a read-only stream fails at once, as stdio's).
    writable: bool,
}

impl DiskInner {
    fn flush_buf(&mut self) -> std::io::Result<()> {
        if self.wbuf.is_empty() {
            return Ok(());
        }
        let b = std::mem::take(&mut self.wbuf);
        self.file.write_all(&b)
    }
}

impl Drop for DiskInner {
    fn drop(&mut self) {
        let _ = self.flush_buf();
    }
}

thread_local! {
    /// Every live disk file of this thread, so [`flush_all`] can write out what is
    /// pending before the process exits.
    static OPEN_DISK: RefCell<Vec<Weak<RefCell<DiskInner>>>> = const { RefCell::new(Vec::new()) };
}

/// A buffered disk file. Reads and seeks first write out pending output.
struct DiskFile(Rc<RefCell<DiskInner>>);

impl DiskFile {
    /// Wraps `file`, opened with the `io.open` mode `mode`.
    fn new(file: std::fs::File, mode: &[u8]) -> Self {
        let d = Rc::new(RefCell::new(DiskInner {
            file,
            wbuf: Vec::new(),
            writable: mode.iter().any(|c| matches!(c, b'w' | b'a' | b'+')),
        }));
        OPEN_DISK.with(|o| {
            let mut o = o.borrow_mut();
            o.retain(|w| w.strong_count() > 0);
            o.push(Rc::downgrade(&d));
        });
        DiskFile(d)
    }

    fn flush_buf(&self) -> std::io::Result<()> {
        self.0.borrow_mut().flush_buf()
    }

    /// Buffers `b` and writes out what the mode says must go now.
    fn write_buffered(&self, b: &[u8], mode: VBuf) -> std::io::Result<()> {
        let mut d = self.0.borrow_mut();
        if !d.writable {
            return Err(std::io::Error::from_raw_os_error(9)); // EBADF
        }
        d.wbuf.extend_from_slice(b);
        let now = match mode {
            VBuf::No => true,
            VBuf::Line => b.contains(&b'\n'),
            VBuf::Full(n) => d.wbuf.len() >= n,
        };
        if now { d.flush_buf() } else { Ok(()) }
    }

    fn sync_all(&self) -> std::io::Result<()> {
        let mut d = self.0.borrow_mut();
        d.flush_buf()?;
        d.file.sync_all()
    }
}

impl Read for DiskFile {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let mut d = self.0.borrow_mut();
        d.flush_buf()?;
        d.file.read(buf)
    }
}

impl Seek for DiskFile {
    fn seek(&mut self, pos: SeekFrom) -> std::io::Result<u64> {
        let mut d = self.0.borrow_mut();
        d.flush_buf()?;
        d.file.seek(pos)
    }
}

/// The stream behind a Lua file.
enum Stream {
    Stdin,
    Stdout,
    Stderr,
    Disk(DiskFile),
    /// A child process: its stdout (mode "r") or stdin (mode "w").
    Pipe {
        child: Child,
        read: bool,
    },
}

/// The payload of a file userdata.
pub struct LuaFile {
    stream: Option<Stream>,
    /// Read-ahead buffer and the position of the next unread byte in it.
    rbuf: Vec<u8>,
    rpos: usize,
    eof: bool,
    /// Write buffering (`setvbuf`); on standard output only "no" matters (flush
    /// after each write).
    vbuf: VBuf,
}

impl LuaFile {
    fn new(stream: Stream) -> Self {
        LuaFile {
            stream: Some(stream),
            rbuf: Vec::new(),
            rpos: 0,
            eof: false,
            vbuf: VBuf::Full(BUFSIZ),
        }
    }

    fn is_std(&self) -> bool {
        matches!(
            self.stream,
            Some(Stream::Stdin | Stream::Stdout | Stream::Stderr)
        )
    }

    /// Refills the read buffer; returns false at end of file.
    fn fill(&mut self) -> std::io::Result<bool> {
        if self.rpos < self.rbuf.len() {
            return Ok(true);
        }
        self.rbuf.resize(8192, 0);
        self.rpos = 0;
        let n = loop {
            let r = match self.stream.as_mut() {
                Some(Stream::Stdin) => std::io::stdin().read(&mut self.rbuf),
                Some(Stream::Disk(f)) => f.read(&mut self.rbuf),
                Some(Stream::Pipe { child, read: true }) => match child.stdout.as_mut() {
                    Some(o) => o.read(&mut self.rbuf),
                    None => Ok(0),
                },
                _ => Err(std::io::Error::from_raw_os_error(9)), // EBADF
            };
            match r {
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.rbuf.clear();
                    return Err(e);
                }
                Ok(n) => break n,
            }
        };
        self.rbuf.truncate(n);
        if n == 0 {
            self.eof = true;
        }
        Ok(n > 0)
    }

    fn peek(&mut self) -> std::io::Result<Option<u8>> {
        if self.fill()? {
            Ok(Some(self.rbuf[self.rpos]))
        } else {
            Ok(None)
        }
    }

    /// Drops the read-ahead buffer, moving the kernel position back to the Lua one.
    fn sync_read(&mut self) -> std::io::Result<()> {
        let unread = self.rbuf.len() - self.rpos;
        self.rbuf.clear();
        self.rpos = 0;
        if unread > 0
            && let Some(Stream::Disk(f)) = self.stream.as_mut()
        {
            f.seek(SeekFrom::Current(-(unread as i64)))?;
        }
        Ok(())
    }

    fn write(&mut self, vm: &mut Vm, b: &[u8]) -> std::io::Result<()> {
        match self.stream.as_mut() {
            Some(Stream::Stdout) => {
                vm.stdout.write(b);
                if self.vbuf == VBuf::No {
                    vm.stdout.flush();
                }
                Ok(())
            }
            Some(Stream::Stderr) => {
                vm.stdout.flush();
                std::io::stderr().write_all(b)
            }
            Some(Stream::Disk(_)) => {
                self.sync_read()?;
                match self.stream.as_mut() {
                    Some(Stream::Disk(f)) => f.write_buffered(b, self.vbuf),
                    _ => unreachable!(),
                }
            }
            Some(Stream::Pipe { child, read: false }) => match child.stdin.as_mut() {
                Some(i) => i.write_all(b),
                None => Err(std::io::Error::from_raw_os_error(9)),
            },
            _ => Err(std::io::Error::from_raw_os_error(9)),
        }
    }

    fn flush(&mut self, vm: &mut Vm) -> std::io::Result<()> {
        match self.stream.as_mut() {
            Some(Stream::Stdout) => {
                vm.stdout.flush();
                Ok(())
            }
            Some(Stream::Pipe { child, read: false }) => match child.stdin.as_mut() {
                Some(i) => i.flush(),
                None => Ok(()),
            },
            Some(Stream::Disk(d)) => d.flush_buf(),
            _ => Ok(()),
        }
    }
}

/// Flushes what `os.exit` must not lose: standard output and every disk file's
/// pending writes.
pub fn flush_all(vm: &mut Vm) {
    vm.stdout.flush();
    OPEN_DISK.with(|o| {
        for w in o.borrow().iter() {
            if let Some(d) = w.upgrade() {
                let _ = d.borrow_mut().flush_buf();
            }
        }
    });
}

/// Opens the io library.
pub fn open(vm: &mut Vm) {
    const FUNCS: &[(&str, NativeFn)] = &[
        ("close", io_close),
        ("flush", io_flush),
        ("input", io_input),
        ("lines", io_lines),
        ("open", io_open),
        ("output", io_output),
        ("popen", io_popen),
        ("read", io_read),
        ("tmpfile", io_tmpfile),
        ("type", io_type),
        ("write", io_write),
    ];
    let lib = new_lib(vm, "io", FUNCS);
    const METHODS: &[(&str, NativeFn)] = &[
        ("close", f_close),
        ("flush", f_flush),
        ("lines", f_lines),
        ("read", f_read),
        ("seek", f_seek),
        ("setvbuf", f_setvbuf),
        ("write", f_write),
    ];
    let methods = vm.new_table_with(0, METHODS.len());
    for &(name, f) in METHODS {
        let v = vm.new_native(name, f);
        vm.raw_set_str(methods, name, v);
    }
    let mt = vm.new_table_with(0, 5);
    vm.raw_set_str(mt, "__index", Value::Table(methods));
    for (name, f) in [
        ("__gc", f_gc as NativeFn),
        ("__close", f_gc),
        ("__tostring", f_tostring),
    ] {
        let v = vm.new_native(name, f);
        vm.raw_set_str(mt, name, v);
    }
    let n = vm.new_string(FILE_MT.as_bytes());
    vm.raw_set_str(mt, "__name", n);
    let reg = vm.registry;
    vm.raw_set_str(reg, FILE_MT, Value::Table(mt));
    let stdin = new_file(vm, Stream::Stdin);
    let stdout = new_file(vm, Stream::Stdout);
    let stderr = new_file(vm, Stream::Stderr);
    vm.raw_set_str(lib, "stdin", stdin);
    vm.raw_set_str(lib, "stdout", stdout);
    vm.raw_set_str(lib, "stderr", stderr);
    vm.raw_set_str(reg, IO_INPUT, stdin);
    vm.raw_set_str(reg, IO_OUTPUT, stdout);
}

fn file_mt(vm: &mut Vm) -> Option<Gc<Table>> {
    let reg = vm.registry;
    vm.raw_get_str(reg, FILE_MT).as_table()
}

fn new_file(vm: &mut Vm, s: Stream) -> Value {
    let mt = file_mt(vm);
    let u = vm.heap.alloc(UserData {
        metatable: mt,
        user_values: Box::new([]),
        data: Box::new(LuaFile::new(s)),
    });
    Value::UserData(u)
}

/// The userdata of `v`, if it is a file (open or closed).
fn as_file(v: Value) -> Option<Gc<UserData>> {
    match v {
        Value::UserData(u) if u.get().data.is::<LuaFile>() => Some(u),
        _ => None,
    }
}

/// The file payload of a file userdata.
fn lf(u: &Gc<UserData>) -> &mut LuaFile {
    u.get_mut()
        .data
        .downcast_mut::<LuaFile>()
        .expect("a file userdata")
}

/// Argument `i` as a file (`luaL_checkudata(L, i, "FILE*")`), open or closed.
fn check_file(vm: &mut Vm, i: usize) -> LuaResult<Gc<UserData>> {
    match as_file(vm.arg(i)) {
        Some(f) => Ok(f),
        None => Err(vm.type_error(i, FILE_MT)),
    }
}

/// Argument `i` as an open file (`tofile`).
fn to_file(vm: &mut Vm, i: usize) -> LuaResult<Gc<UserData>> {
    let u = check_file(vm, i)?;
    if lf(&u).stream.is_none() {
        return Err(vm.error("attempt to use a closed file"));
    }
    Ok(u)
}

fn io_type(vm: &mut Vm) -> LuaResult<Ret> {
    vm.check_any(1)?;
    match as_file(vm.arg(1)) {
        Some(u) if lf(&u).stream.is_some() => vm.push_bytes(b"file"),
        Some(_) => vm.push_bytes(b"closed file"),
        None => vm.push_nil(),
    }
    Ok(Ret::Values(1))
}

fn f_tostring(vm: &mut Vm) -> LuaResult<Ret> {
    let v = vm.arg(1);
    let u = check_file(vm, 1)?;
    if lf(&u).stream.is_none() {
        vm.push_bytes(b"file (closed)");
    } else {
        vm.push_bytes(format!("file ({:#x})", v.addr()).as_bytes());
    }
    Ok(Ret::Values(1))
}

/// Closes the file at argument `i`; pushes the results of `close`.
fn close_file(vm: &mut Vm, i: usize) -> LuaResult<Ret> {
    let u = to_file(vm, i)?;
    let f = lf(&u);
    if f.is_std() {
        vm.push_nil();
        vm.push_bytes(b"cannot close standard file");
        return Ok(Ret::Values(2));
    }
    let s = f.stream.take();
    match s {
        Some(Stream::Pipe { mut child, .. }) => {
            drop(child.stdin.take());
            drop(child.stdout.take());
            let st = child.wait();
            exec_result(vm, st)
        }
        Some(Stream::Disk(file)) => {
            let r = file.sync_all().or(Ok(()));
            file_result(vm, r, None)
        }
        _ => file_result(vm, Ok(()), None),
    }
}

fn f_close(vm: &mut Vm) -> LuaResult<Ret> {
    close_file(vm, 1)
}

fn f_gc(vm: &mut Vm) -> LuaResult<Ret> {
    let u = check_file(vm, 1)?;
    if lf(&u).stream.is_some() && !lf(&u).is_std() {
        close_file(vm, 1)?;
    }
    Ok(Ret::Values(0))
}

fn io_close(vm: &mut Vm) -> LuaResult<Ret> {
    if vm.is_none(1) {
        let reg = vm.registry;
        let out = vm.raw_get_str(reg, IO_OUTPUT);
        vm.push(out);
        vm.set_top(1);
        vm.set_arg(1, out);
    }
    close_file(vm, 1)
}

fn check_mode(mode: &[u8]) -> bool {
    let mut m = mode;
    match m.first() {
        Some(b'r' | b'w' | b'a') => m = &m[1..],
        _ => return false,
    }
    if m.first() == Some(&b'+') {
        m = &m[1..];
    }
    m.iter().all(|&c| c == b'b')
}

fn open_disk(name: &[u8], mode: &[u8]) -> std::io::Result<std::fs::File> {
    use std::os::unix::ffi::OsStrExt;
    let path = std::path::Path::new(std::ffi::OsStr::from_bytes(name));
    let plus = mode.contains(&b'+');
    let mut o = std::fs::OpenOptions::new();
    match mode[0] {
        b'r' => o.read(true).write(plus),
        b'w' => o.write(true).create(true).truncate(true).read(plus),
        _ => o.append(true).create(true).read(plus),
    };
    o.open(path)
}

fn io_open(vm: &mut Vm) -> LuaResult<Ret> {
    let name = vm.check_bytes(1)?;
    let mode = match vm.opt_str(2)? {
        Some(m) => m.get().as_bytes().to_vec(),
        None => b"r".to_vec(),
    };
    if !check_mode(&mode) {
        return Err(vm.arg_error(2, "invalid mode"));
    }
    match open_disk(&name, &mode) {
        Ok(f) => {
            let v = new_file(vm, Stream::Disk(DiskFile::new(f, &mode)));
            vm.push(v);
            Ok(Ret::Values(1))
        }
        Err(e) => file_result(vm, Err(e), Some(&name)),
    }
}

fn io_tmpfile(vm: &mut Vm) -> LuaResult<Ret> {
    let pid = std::process::id();
    for k in 0..1000u32 {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let name = format!("/tmp/lua_tmp_{pid}_{nanos}_{k}");
        if let Ok(f) = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&name)
        {
            let _ = std::fs::remove_file(&name);
            let v = new_file(vm, Stream::Disk(DiskFile::new(f, b"w+")));
            vm.push(v);
            return Ok(Ret::Values(1));
        }
    }
    file_result(vm, Err(std::io::Error::from_raw_os_error(17)), None)
}

fn io_popen(vm: &mut Vm) -> LuaResult<Ret> {
    use std::os::unix::ffi::OsStrExt;
    let prog = vm.check_bytes(1)?;
    let mode = match vm.opt_str(2)? {
        Some(m) => m.get().as_bytes().to_vec(),
        None => b"r".to_vec(),
    };
    if !(mode == b"r" || mode == b"w") {
        return Err(vm.arg_error(2, "invalid mode"));
    }
    vm.stdout.flush();
    let read = mode == b"r";
    let mut cmd = Command::new("/bin/sh");
    cmd.arg("-c").arg(std::ffi::OsStr::from_bytes(&prog));
    if read {
        cmd.stdout(Stdio::piped());
    } else {
        cmd.stdin(Stdio::piped());
    }
    match cmd.spawn() {
        Ok(child) => {
            let v = new_file(vm, Stream::Pipe { child, read });
            vm.push(v);
            Ok(Ret::Values(1))
        }
        Err(e) => file_result(vm, Err(e), Some(&prog)),
    }
}

/// `io.input`/`io.output`: get or set a default file.
fn g_iofile(vm: &mut Vm, key: &str, mode: &[u8]) -> LuaResult<Ret> {
    let reg = vm.registry;
    if !vm.is_none_or_nil(1) {
        let v = vm.arg(1);
        if let Value::Str(s) = v {
            let name = s.get().as_bytes().to_vec();
            match open_disk(&name, mode) {
                Ok(f) => {
                    let nv = new_file(vm, Stream::Disk(DiskFile::new(f, mode)));
                    vm.raw_set_str(reg, key, nv);
                }
                Err(e) => {
                    let msg = format!(
                        "cannot open file '{}' ({})",
                        String::from_utf8_lossy(&name),
                        strerror(&e)
                    );
                    return Err(vm.error(msg));
                }
            }
        } else {
            to_file(vm, 1)?;
            vm.raw_set_str(reg, key, v);
        }
    }
    let cur = vm.raw_get_str(reg, key);
    vm.push(cur);
    Ok(Ret::Values(1))
}

fn io_input(vm: &mut Vm) -> LuaResult<Ret> {
    g_iofile(vm, IO_INPUT, b"r")
}

fn io_output(vm: &mut Vm) -> LuaResult<Ret> {
    g_iofile(vm, IO_OUTPUT, b"w")
}

/// The default file `key`, checked open (`getiofile`).
fn get_iofile(vm: &mut Vm, key: &str) -> LuaResult<Value> {
    let reg = vm.registry;
    let v = vm.raw_get_str(reg, key);
    match as_file(v) {
        Some(u) if lf(&u).stream.is_some() => Ok(v),
        _ => {
            let what = &key[4..];
            Err(vm.error(format!("default {what} file is closed")))
        }
    }
}

// ----- writing -----

/// Writes arguments `first..` to `f`; pushes the file or the failure.
fn g_write(vm: &mut Vm, f: &mut LuaFile, file: Value, first: usize) -> LuaResult<Ret> {
    let n = vm.arg_count();
    let mut result = Ok(());
    for i in first..=n {
        let v = vm.arg(i);
        let bytes: Vec<u8> = match v {
            Value::Str(s) => s.get().as_bytes().to_vec(),
            // Floats as `%.14g` (`LUA_NUMBER_FMT`): `io.write(2.0)` writes `2`.
            Value::Int(i) => i.to_string().into_bytes(),
            Value::Num(x) => crate::number::fmt_g(x, 14).into_bytes(),
            _ => {
                vm.check_str(i)?;
                Vec::new()
            }
        };
        if result.is_ok() {
            result = f.write(vm, &bytes);
        }
    }
    match result {
        Ok(()) => {
            vm.push(file);
            Ok(Ret::Values(1))
        }
        Err(e) => file_result(vm, Err(e), None),
    }
}

fn io_write(vm: &mut Vm) -> LuaResult<Ret> {
    let out = get_iofile(vm, IO_OUTPUT)?;
    let u = as_file(out).expect("checked file");
    g_write(vm, lf(&u), out, 1)
}

fn f_write(vm: &mut Vm) -> LuaResult<Ret> {
    let file = vm.arg(1);
    let u = to_file(vm, 1)?;
    g_write(vm, lf(&u), file, 2)
}

fn io_flush(vm: &mut Vm) -> LuaResult<Ret> {
    let out = get_iofile(vm, IO_OUTPUT)?;
    let u = as_file(out).expect("checked file");
    let r = lf(&u).flush(vm);
    file_result(vm, r, None)
}

fn f_flush(vm: &mut Vm) -> LuaResult<Ret> {
    let u = to_file(vm, 1)?;
    let r = lf(&u).flush(vm);
    file_result(vm, r, None)
}

fn f_seek(vm: &mut Vm) -> LuaResult<Ret> {
    let u = to_file(vm, 1)?;
    let f = lf(&u);
    let op = vm.check_option(2, Some("cur"), &["set", "cur", "end"])?;
    let offset = vm.opt_integer(3, 0)?;
    let r = match f.stream.as_mut() {
        Some(Stream::Disk(_)) => f.sync_read().and_then(|()| match f.stream.as_mut() {
            Some(Stream::Disk(file)) => file.seek(match op {
                0 => SeekFrom::Start(offset.max(0) as u64),
                1 => SeekFrom::Current(offset),
                _ => SeekFrom::End(offset),
            }),
            _ => unreachable!(),
        }),
        Some(Stream::Stdout | Stream::Stderr) if op == 1 && offset == 0 => {
            Err(std::io::Error::from_raw_os_error(29))
        }
        _ => Err(std::io::Error::from_raw_os_error(29)), // ESPIPE
    };
    match r {
        Ok(pos) => {
            f.eof = false;
            vm.push_int(pos as i64);
            Ok(Ret::Values(1))
        }
        Err(e) => file_result(vm, Err(e), None),
    }
}

fn f_setvbuf(vm: &mut Vm) -> LuaResult<Ret> {
    let u = to_file(vm, 1)?;
    let f = lf(&u);
    let mode = vm.check_option(2, None, &["no", "full", "line"])?;
    let size = vm.opt_integer(3, BUFSIZ as i64)?;
    f.vbuf = match mode {
        0 => VBuf::No,
        1 => VBuf::Full(usize::try_from(size).unwrap_or(BUFSIZ).max(1)),
        _ => VBuf::Line,
    };
    if f.vbuf == VBuf::No {
        f.flush(vm).ok();
    }
    file_result(vm, Ok(()), None)
}

// ----- reading -----

/// One read format.
#[derive(Clone, Copy, Debug)]
enum Fmt {
    Number,
    Line { keep: bool },
    All,
    Count(u64),
}

fn parse_formats(vm: &mut Vm, first: usize) -> LuaResult<Vec<Fmt>> {
    let n = vm.arg_count();
    if n < first {
        return Ok(vec![Fmt::Line { keep: false }]);
    }
    let mut out = Vec::with_capacity(n + 1 - first);
    for i in first..=n {
        let v = vm.arg(i);
        if let Value::Int(_) | Value::Num(_) = v {
            let c = vm.check_integer(i)?;
            out.push(Fmt::Count(c as u64)); // a negative count is huge, as `size_t`
            continue;
        }
        let s = vm.check_str(i)?;
        let b = s.get().as_bytes();
        let b = b.strip_prefix(b"*").unwrap_or(b);
        out.push(match b.first() {
            Some(b'n') => Fmt::Number,
            Some(b'l') => Fmt::Line { keep: false },
            Some(b'L') => Fmt::Line { keep: true },
            Some(b'a') => Fmt::All,
            _ => return Err(vm.arg_error(i, "invalid format")),
        });
    }
    Ok(out)
}

/// Reads a numeral as the reference's `read_number`: at most 200 characters that
/// look like a number, then converts them; `None` if they are not one.
fn read_number(f: &mut LuaFile) -> std::io::Result<Option<Value>> {
    const MAXLEN: usize = 200;
    while let Some(c) = f.peek()? {
        if crate::number::is_space(c) {
            f.rpos += 1;
        } else {
            break;
        }
    }
    let mut buf = Vec::new();
    // Set when a numeral goes on past MAXLEN characters: like the reference (which
    // reads at most L_MAXLENNUM characters) the read then fails, leaving the rest.
    let too_long = std::cell::Cell::new(false);
    let accept = |f: &mut LuaFile, set: &[u8], buf: &mut Vec<u8>| -> std::io::Result<bool> {
        match f.peek()? {
            Some(c) if set.contains(&c) => {
                if buf.len() >= MAXLEN {
                    too_long.set(true);
                    return Ok(false);
                }
                buf.push(c);
                f.rpos += 1;
                Ok(true)
            }
            _ => Ok(false),
        }
    };
    accept(f, b"+-", &mut buf)?;
    let mut hex = false;
    let mut count = 0;
    if accept(f, b"0", &mut buf)? {
        if accept(f, b"xX", &mut buf)? {
            hex = true;
        } else {
            count = 1;
        }
    }
    let digits: &[u8] = if hex {
        b"0123456789abcdefABCDEF"
    } else {
        b"0123456789"
    };
    while accept(f, digits, &mut buf)? {
        count += 1;
    }
    if accept(f, b".", &mut buf)? {
        while accept(f, digits, &mut buf)? {
            count += 1;
        }
    }
    if count > 0 && accept(f, if hex { b"pP" } else { b"eE" }, &mut buf)? {
        accept(f, b"+-", &mut buf)?;
        while accept(f, b"0123456789", &mut buf)? {}
    }
    if too_long.get() {
        return Ok(None);
    }
    Ok(crate::number::str_to_number(&buf).map(|n| match n {
        crate::number::Number::Int(i) => Value::Int(i),
        crate::number::Number::Float(x) => Value::Num(x),
    }))
}

fn read_line(f: &mut LuaFile, keep: bool) -> std::io::Result<Option<Vec<u8>>> {
    let mut out = Vec::new();
    let mut any = false;
    while f.fill()? {
        any = true;
        let avail = &f.rbuf[f.rpos..];
        match avail.iter().position(|&c| c == b'\n') {
            Some(k) => {
                out.extend_from_slice(&avail[..k]);
                if keep {
                    out.push(b'\n');
                }
                f.rpos += k + 1;
                return Ok(Some(out));
            }
            None => {
                out.extend_from_slice(avail);
                f.rpos = f.rbuf.len();
            }
        }
    }
    Ok(if any { Some(out) } else { None })
}

fn read_count(f: &mut LuaFile, n: u64) -> std::io::Result<Option<Vec<u8>>> {
    if n == 0 {
        return Ok(f.peek()?.map(|_| Vec::new()));
    }
    let mut out = Vec::new();
    while (out.len() as u64) < n && f.fill()? {
        let avail = &f.rbuf[f.rpos..];
        let k = avail.len().min((n - out.len() as u64) as usize);
        out.extend_from_slice(&avail[..k]);
        f.rpos += k;
    }
    Ok(if out.is_empty() { None } else { Some(out) })
}

fn read_all(f: &mut LuaFile) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    while f.fill()? {
        out.extend_from_slice(&f.rbuf[f.rpos..]);
        f.rpos = f.rbuf.len();
    }
    Ok(out)
}

/// Reads by `fmts`, pushing one value per format up to the first failure (which
/// pushes nil). Returns the number of values pushed, or the I/O error.
fn g_read(vm: &mut Vm, f: &mut LuaFile, fmts: &[Fmt]) -> LuaResult<Result<usize, std::io::Error>> {
    if matches!(f.stream, Some(Stream::Stdin)) {
        vm.stdout.flush();
    }
    let mut n = 0;
    for &fmt in fmts {
        let r: std::io::Result<Option<Value>> = match fmt {
            Fmt::Number => read_number(f),
            Fmt::Line { keep } => read_line(f, keep).map(|o| o.map(|b| vm.new_string(&b))),
            Fmt::All => read_all(f).map(|b| Some(vm.new_string(&b))),
            Fmt::Count(c) => read_count(f, c).map(|o| o.map(|b| vm.new_string(&b))),
        };
        match r {
            Err(e) => return Ok(Err(e)),
            Ok(Some(v)) => {
                vm.push(v);
                n += 1;
            }
            Ok(None) => {
                vm.push_nil();
                return Ok(Ok(n + 1));
            }
        }
    }
    Ok(Ok(n))
}

fn read_results(vm: &mut Vm, r: Result<usize, std::io::Error>) -> LuaResult<Ret> {
    match r {
        Ok(n) => Ok(Ret::Values(n)),
        Err(e) => file_result(vm, Err(e), None),
    }
}

fn io_read(vm: &mut Vm) -> LuaResult<Ret> {
    let input = get_iofile(vm, IO_INPUT)?;
    let fmts = parse_formats(vm, 1)?;
    let u = as_file(input).expect("checked file");
    let r = g_read(vm, lf(&u), &fmts)?;
    read_results(vm, r)
}

fn f_read(vm: &mut Vm) -> LuaResult<Ret> {
    let u = to_file(vm, 1)?;
    let fmts = parse_formats(vm, 2)?;
    let r = g_read(vm, lf(&u), &fmts)?;
    read_results(vm, r)
}

/// Makes the iterator of `lines`: upvalues are the file, whether to close it at the
/// end, and the formats (arguments `first..`).
fn make_lines(vm: &mut Vm, file: Value, first: usize, close: bool) -> LuaResult<Value> {
    let n = vm.arg_count();
    if n >= first && n - first + 1 > 250 {
        return Err(vm.arg_error(first + 250, "too many arguments"));
    }
    let nfmt = (n + 1).saturating_sub(first);
    let mut ups = vec![file, Value::Bool(close), Value::Int(nfmt as i64)];
    for i in first..=n {
        ups.push(vm.arg(i));
    }
    Ok(vm.new_native_with("lines_iterator", io_readline, ups))
}

fn io_readline(vm: &mut Vm) -> LuaResult<Ret> {
    let file = vm.upvalue(0);
    let close = vm.upvalue(1).truthy();
    let u = as_file(file).expect("lines upvalue is a file");
    if lf(&u).stream.is_none() {
        return Err(vm.error("file is already closed"));
    }
    // Parse the formats from the upvalues by placing them as arguments.
    let nfmt = match vm.upvalue(2) {
        Value::Int(n) => n as usize,
        _ => 0,
    };
    let fmt_vals: Vec<Value> = (0..nfmt).map(|k| vm.upvalue(3 + k)).collect();
    vm.set_top(0);
    for v in &fmt_vals {
        vm.push(*v);
    }
    let fmts = parse_formats(vm, 1)?;
    vm.set_top(0);
    let r = g_read(vm, lf(&u), &fmts)?;
    match r {
        Ok(n) => {
            let first = vm.arg(1);
            if !first.is_nil() {
                return Ok(Ret::Values(n));
            }
            if close {
                vm.set_top(0);
                vm.push(file);
                close_file(vm, 1)?;
            }
            Ok(Ret::Values(0))
        }
        Err(e) => {
            let msg = strerror(&e);
            Err(vm.error(msg))
        }
    }
}

fn f_lines(vm: &mut Vm) -> LuaResult<Ret> {
    let file = vm.arg(1);
    to_file(vm, 1)?;
    let it = make_lines(vm, file, 2, false)?;
    vm.push(it);
    Ok(Ret::Values(1))
}

fn io_lines(vm: &mut Vm) -> LuaResult<Ret> {
    if vm.is_none(1) {
        vm.push_nil();
        vm.set_top(1);
    }
    let (file, close) = if vm.arg(1).is_nil() {
        (get_iofile(vm, IO_INPUT)?, false)
    } else {
        let name = vm.check_bytes(1)?;
        match open_disk(&name, b"r") {
            Ok(f) => (new_file(vm, Stream::Disk(DiskFile::new(f, b"r"))), true),
            Err(e) => {
                let msg = format!(
                    "cannot open file '{}' ({})",
                    String::from_utf8_lossy(&name),
                    strerror(&e)
                );
                return Err(vm.error(msg));
            }
        }
    };
    vm.set_arg(1, file);
    let it = make_lines(vm, file, 2, close)?;
    vm.push(it);
    if !close {
        // The default input is not a to-be-closed value of the loop: closing it when
        // the loop ends would close io.input() (the reference returns only the iterator).
        return Ok(Ret::Values(1));
    }
    vm.push_nil();
    vm.push_nil();
    vm.push(file);
    Ok(Ret::Values(4))
}
