//! The runtime: values, the GC heap, strings, tables, closures, the interpreter,
//! coroutines and errors.
//!
//! The state is one [`Vm`]: the heap, the registry (which holds the globals table),
//! the per-type metatables, the main thread and the running thread. Native functions
//! receive `&mut Vm` and use the API in [`api`].

pub mod api;
mod call;
pub mod debug;
mod entry;
pub mod function;
pub mod gc;
mod gc_vm;
pub mod hook;
mod interp;
pub mod meta;
mod regs;
pub mod string;
pub mod table;
pub mod thread;
pub mod userdata;
pub mod value;

use std::io::Write;

pub use api::{Continuation, LuaError, LuaResult, NativeFn, Protect, Ret, Status};
pub use function::{FuncProto, LuaClosure, NativeClosure, UpVal};
pub use gc::{Gc, Heap};
pub use meta::TM;
pub use string::LuaStr;
pub use table::Table;
pub use thread::{CoStatus, Frame, FrameKind, Thread};
pub use userdata::UserData;
pub use value::{LuaType, Value};

use crate::proto::{Constant, Proto};
use std::rc::Rc;

/// Maximum number of stack slots of one thread (the reference's `LUAI_MAXSTACK`).
pub const MAX_STACK: usize = 1_000_000;
/// Default maximum number of call frames of one thread (`stack overflow` beyond);
/// [`Vm::max_frames`] holds the state's value.
pub const MAX_FRAMES_DEFAULT: usize = call::MAX_FRAMES;
/// Maximum depth of nested re-entrant calls from Rust (the reference's
/// `LUAI_MAXCCALLS`), beyond which `C stack overflow` is raised.
pub const MAX_C_DEPTH: u32 = 200;

/// The output sink shared by `print` and `io.write`: buffered standard output (or a
/// capture buffer, for tests and embedding).
pub enum Output {
    /// Buffered process standard output.
    Stdout(StdoutBuffer),
    /// Captured into memory.
    Capture(Vec<u8>),
}

/// A state's standard output buffer. It holds up to [`StdoutBuffer::CAPACITY`] bytes
/// before writing them out, as a `BufWriter` of that size would, but its memory grows
/// with what is written: a state that never prints owns no buffer, one that printed a
/// line owns a few bytes (10,000 states must not cost 32 KiB each). It is flushed on
/// drop.
#[derive(Default)]
pub struct StdoutBuffer {
    buf: Vec<u8>,
}

impl StdoutBuffer {
    /// Bytes held before they are written out.
    pub const CAPACITY: usize = 32 * 1024;

    fn write(&mut self, b: &[u8]) {
        if self.buf.len() + b.len() > Self::CAPACITY {
            self.flush();
        }
        if b.len() >= Self::CAPACITY {
            let _ = std::io::stdout().lock().write_all(b);
        } else {
            self.buf.extend_from_slice(b);
        }
    }

    fn flush(&mut self) {
        let mut out = std::io::stdout().lock();
        if !self.buf.is_empty() {
            let _ = out.write_all(&self.buf);
            self.buf.clear();
        }
        let _ = out.flush();
    }
}

impl Drop for StdoutBuffer {
    fn drop(&mut self) {
        if !self.buf.is_empty() {
            self.flush();
        }
    }
}

impl Output {
    /// Writes bytes.
    pub fn write(&mut self, b: &[u8]) {
        match self {
            Output::Stdout(w) => w.write(b),
            Output::Capture(v) => v.extend_from_slice(b),
        }
    }
    /// Flushes.
    pub fn flush(&mut self) {
        if let Output::Stdout(w) = self {
            w.flush();
        }
    }
}

/// A Lua state.
pub struct Vm {
    /// The heap.
    pub heap: Heap,
    /// The registry (`_LOADED` and `_G` live there; the facade keeps references there).
    pub registry: Gc<Table>,
    /// The globals table.
    pub globals: Gc<Table>,
    /// The main thread.
    pub main: Gc<Thread>,
    /// The running thread.
    pub current: Gc<Thread>,
    /// Metatables of the non-table, non-userdata types, indexed by [`LuaType::index`].
    pub type_mt: [Option<Gc<Table>>; 9],
    /// Interned metamethod names, indexed by [`TM`].
    pub tm_names: Vec<Gc<LuaStr>>,
    /// Interned type names (what `type` returns), indexed by [`LuaType::index`].
    pub(crate) type_names: Vec<Gc<LuaStr>>,
    /// Depth of nested re-entrant `execute` loops (the "C stack").
    pub depth: u32,
    /// Standard output shared by `print` and `io.write`.
    pub stdout: Output,
    /// Whether `warn` prints (`@on`/`@off`).
    pub warnings_on: bool,
    /// While a finalizer runs: its thread and frame index (`debug.getinfo` names that
    /// frame `metamethod '__gc'`, as the reference's `CIST_FIN`).
    pub finalizer_frame: Option<(Gc<Thread>, usize)>,
    /// A warning message being continued (`warn` with several pieces).
    pub warn_buf: Option<Vec<u8>>,
    /// The traceback taken at the last error that reached a traceback boundary.
    pub last_traceback: Option<String>,
    /// Next free registry reference number.
    next_ref: i64,
    /// The error a protected call caught, for the continuation about to run.
    pub(crate) pending_error: Option<Value>,
    /// The frame on top must complete its instruction with a metamethod result.
    pub(crate) pending_finish: bool,
    /// The error value last returned out of a re-entrant call after its message
    /// handler ran, so that the handler does not run again on it.
    pub(crate) handled_error: Option<Value>,
    /// A message handler is running (errors inside it do not call it again).
    pub(crate) in_handler: bool,
    /// Most call frames one thread may hold (`stack overflow` beyond).
    pub max_frames: usize,
    /// The embedding API's per-state data (handles, userdata metatables, limits),
    /// created on first use; see [`crate::embed`].
    pub embed: Option<Box<crate::embed::EmbedState>>,
    /// Debug hooks (`debug.sethook`).
    pub hooks: hook::Hooks,
    /// Frameless variants of native metamethods (see [`FastMeta`]), by native.
    pub(crate) fast_meta: Vec<(NativeFn, FastMeta)>,
}

/// A frameless variant of a native metamethod, registered with
/// [`Vm::set_fast_meta`]: when the interpreter is about to call the native as a
/// metamethod (`__index`, `__newindex`, arithmetic, ...) with no debug hook active, it
/// calls this instead, with the native's closure and the metamethod's operands, and
/// pushes no frame. `Some(v)` is the metamethod's result (ignored for `__newindex`);
/// `None` means "not handled here": the native is then called as usual, so every
/// error, yield or unusual case is the native's to handle (same messages and
/// tracebacks). A variant must do what the native would, must not raise errors, run
/// Lua code or panic, and must not allocate collectable objects (its result is not
/// rooted until the interpreter stores it).
pub type FastMeta = fn(&mut Vm, Gc<NativeClosure>, &[Value]) -> Option<Value>;

impl Default for Vm {
    fn default() -> Self {
        Self::new()
    }
}

impl Vm {
    /// A fresh state without libraries.
    pub fn new() -> Self {
        let mut heap = Heap::default();
        let registry = heap.alloc(Table::default());
        let globals = heap.alloc(Table::default());
        let main = heap.alloc(Thread::new(Value::Nil));
        main.get_mut().status = CoStatus::Running;
        // The host's own C function (lua.c's `pmain`) counts as one C call.
        main.get_mut().base_ccalls = 1;
        let tm_names = TM::ALL
            .iter()
            .map(|t| heap.new_str(t.name().as_bytes()))
            .collect();
        let type_names = LuaType::ALL
            .iter()
            .map(|t| heap.new_str(t.name().as_bytes()))
            .collect();
        let mut vm = Vm {
            heap,
            registry,
            globals,
            main,
            current: main,
            type_mt: [None; 9],
            tm_names,
            type_names,
            depth: 0,
            stdout: Output::Stdout(StdoutBuffer::default()),
            warnings_on: false,
            finalizer_frame: None,
            warn_buf: None,
            last_traceback: None,
            next_ref: 1,
            pending_error: None,
            pending_finish: false,
            handled_error: None,
            in_handler: false,
            max_frames: call::MAX_FRAMES,
            embed: None,
            hooks: hook::Hooks::default(),
            fast_meta: Vec::new(),
        };
        let g = vm.new_str("_G");
        vm.registry
            .get_mut()
            .set_str(&vm.heap, g, Value::Table(globals));
        let loaded = vm.new_table();
        let l = vm.new_str("_LOADED");
        vm.registry.get_mut().set_str(&vm.heap, l, loaded);
        // Anchor the metamethod names (the reference fixes them, `luaC_fix`): the
        // collector must never free them while `tm_names` holds them. The type names
        // follow them.
        let fixed: Vec<Gc<LuaStr>> = vm.tm_names.iter().chain(&vm.type_names).copied().collect();
        let names = vm.new_table_with(fixed.len(), 0);
        for (i, n) in fixed.into_iter().enumerate() {
            vm.raw_set_int(names, i as i64 + 1, Value::Str(n));
        }
        let k = vm.new_str("_TMNAMES");
        vm.registry
            .get_mut()
            .set_str(&vm.heap, k, Value::Table(names));
        vm
    }

    /// Makes a string value.
    pub fn new_string(&mut self, bytes: &[u8]) -> Value {
        Value::Str(self.heap.new_str(bytes))
    }

    /// Makes a string handle from text.
    pub fn new_str(&mut self, s: &str) -> Gc<LuaStr> {
        self.heap.new_str(s.as_bytes())
    }

    /// Makes an empty table value.
    pub fn new_table(&mut self) -> Value {
        Value::Table(self.heap.alloc(Table::default()))
    }

    /// Makes a table with size hints.
    pub fn new_table_with(&mut self, narray: usize, nhash: usize) -> Gc<Table> {
        let t = Table::with_capacity(narray, nhash);
        let b = t.bytes();
        let g = self.heap.alloc(t);
        let _ = b;
        g
    }

    /// Makes a native function value. `name` says at the call site what is registered;
    /// it is not stored (tracebacks name a native by the global or field holding it, as
    /// the reference does).
    pub fn new_native(&mut self, name: &'static str, f: NativeFn) -> Value {
        let _ = name;
        Value::Native(self.heap.alloc(NativeClosure {
            f,
            upvalues: Box::default(),
        }))
    }

    /// Makes a native closure with upvalues (`name` as in [`Vm::new_native`]).
    pub fn new_native_with(&mut self, name: &'static str, f: NativeFn, up: Vec<Value>) -> Value {
        let _ = name;
        Value::Native(self.heap.alloc(NativeClosure {
            f,
            upvalues: up.into_boxed_slice(),
        }))
    }

    /// Registers `fast` as the frameless variant of native metamethods made from
    /// `native` (see [`FastMeta`]); replaces an earlier registration for `native`.
    pub fn set_fast_meta(&mut self, native: NativeFn, fast: FastMeta) {
        match self
            .fast_meta
            .iter_mut()
            .find(|(n, _)| std::ptr::fn_addr_eq(*n, native))
        {
            Some(e) => e.1 = fast,
            None => self.fast_meta.push((native, fast)),
        }
    }

    /// The frameless variant registered for `native`, if any.
    #[inline]
    pub(crate) fn fast_meta_of(&self, native: NativeFn) -> Option<FastMeta> {
        self.fast_meta
            .iter()
            .find(|(n, _)| std::ptr::fn_addr_eq(*n, native))
            .map(|(_, f)| *f)
    }

    /// Sets a global.
    pub fn set_global(&mut self, name: &str, v: Value) {
        let k = self.new_str(name);
        self.globals.get_mut().set_str(&self.heap, k, v);
        gc::barrier_table(&self.heap, self.globals, v);
    }

    /// Reads a global (raw).
    pub fn get_global(&mut self, name: &str) -> Value {
        let k = self.new_str(name);
        self.globals.get().get_str(k)
    }

    /// Raw field of a table by string key.
    pub fn raw_get_str(&mut self, t: Gc<Table>, key: &str) -> Value {
        let k = self.new_str(key);
        t.get().get_str(k)
    }

    /// Raw store into a table by string key.
    pub fn raw_set_str(&mut self, t: Gc<Table>, key: &str, v: Value) {
        let k = self.new_str(key);
        t.get_mut().set_str(&self.heap, k, v);
        gc::barrier_table(&self.heap, t, v);
    }

    /// Stores a value in the registry and returns its reference number.
    pub fn registry_ref(&mut self, v: Value) -> i64 {
        let r = self.next_ref;
        self.next_ref += 1;
        self.registry.get_mut().set_int(&self.heap, r, v);
        gc::barrier_table(&self.heap, self.registry, v);
        r
    }

    /// Reads a registry reference.
    pub fn registry_get(&self, r: i64) -> Value {
        self.registry.get().get_int(r)
    }

    /// The `package.loaded` table (registry `_LOADED`).
    pub fn loaded_table(&mut self) -> Gc<Table> {
        match self.raw_get_str(self.registry, "_LOADED") {
            Value::Table(t) => t,
            _ => {
                let t = self.heap.alloc(Table::default());
                self.raw_set_str(self.registry, "_LOADED", Value::Table(t));
                t
            }
        }
    }

    /// Loads a prototype tree onto the heap and wraps it in a closure whose first
    /// upvalue (`_ENV`) is the globals table (or `env`).
    pub fn load_proto(&mut self, proto: Rc<Proto>, env: Option<Value>) -> Value {
        let fp = self.alloc_proto(proto);
        let nup = fp.get().proto.upvalues.len();
        let mut ups = Vec::with_capacity(nup);
        for i in 0..nup {
            let v = if i == 0 {
                env.unwrap_or(Value::Table(self.globals))
            } else {
                Value::Nil
            };
            ups.push(self.heap.alloc(UpVal::Closed(v)));
        }
        Value::LuaFn(self.heap.alloc(LuaClosure {
            proto: fp,
            upvals: ups.into_boxed_slice(),
        }))
    }

    fn alloc_proto(&mut self, proto: Rc<Proto>) -> Gc<FuncProto> {
        self.alloc_proto_in(proto, &mut std::collections::HashMap::new())
    }

    /// Allocates a proto tree; equal long string constants of one chunk become one
    /// string object, as the reference's scanner shares them (`string.format("%p")`
    /// of two equal long constants is the same).
    fn alloc_proto_in(
        &mut self,
        proto: Rc<Proto>,
        long: &mut std::collections::HashMap<Vec<u8>, Gc<LuaStr>>,
    ) -> Gc<FuncProto> {
        let constants = proto
            .constants
            .iter()
            .map(|c| match c {
                Constant::Nil => Value::Nil,
                Constant::Bool(b) => Value::Bool(*b),
                Constant::Int(i) => Value::Int(*i),
                Constant::Float(f) => Value::Num(*f),
                Constant::Str(s) if s.len() > LuaStr::MAX_SHORT => {
                    if let Some(g) = long.get(&s[..]) {
                        Value::Str(*g)
                    } else {
                        let g = self.heap.new_str(s);
                        long.insert(s.to_vec(), g);
                        Value::Str(g)
                    }
                }
                Constant::Str(s) => Value::Str(self.heap.new_str(s)),
            })
            .collect();
        let protos = proto
            .protos
            .iter()
            .map(|p| self.alloc_proto_in(p.clone(), long))
            .collect();
        self.heap.alloc(FuncProto {
            proto,
            constants,
            protos,
        })
    }

    /// The metatable of a value.
    #[inline]
    pub fn metatable(&self, v: Value) -> Option<Gc<Table>> {
        match v {
            Value::Table(t) => t.get().metatable,
            Value::UserData(u) => u.get().metatable,
            _ => self.type_mt[v.type_of().index()],
        }
    }

    /// The metamethod `tm` of a value (nil if absent).
    #[inline]
    pub fn metamethod(&self, v: Value, tm: TM) -> Value {
        match self.metatable(v) {
            Some(mt) => self.tm_from(mt, tm),
            None => Value::Nil,
        }
    }

    /// Looks `tm` up in a metatable, using and updating its absence cache.
    #[inline]
    pub fn tm_from(&self, mt: Gc<Table>, tm: TM) -> Value {
        let bit = tm as usize;
        let m = mt.get();
        if bit < 8 && m.flags.get() & (1 << bit) != 0 {
            return Value::Nil;
        }
        let v = m.get_str(self.tm_names[bit]);
        if v.is_nil() && bit < 8 {
            m.flags.set(m.flags.get() | (1 << bit));
        }
        v
    }

    /// Writes to the shared standard output.
    pub fn write_stdout(&mut self, b: &[u8]) {
        self.stdout.write(b)
    }
}
