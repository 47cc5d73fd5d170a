//! Frameless variants of native metamethods (`Vm::set_fast_meta`): used by the
//! interpreter for metamethod calls when no hook is active, falling back to the
//! native when they answer `None`; never used for ordinary calls of the native.

use std::cell::Cell;

use engine_lua::runtime::{Gc, LuaResult, NativeClosure, Ret, Value, Vm};
use engine_lua::{Lua, LuaValue, Table, UserData};

thread_local! {
    /// Values stored by the frameless `__newindex`.
    static FAST_STORES: Cell<i64> = const { Cell::new(0) };
}

/// `__index`: `"slow:" .. key`.
fn slow_index(vm: &mut Vm) -> LuaResult<Ret> {
    let k = vm.arg(2);
    let Value::Str(s) = k else {
        return Err(vm.error("string key expected"));
    };
    let mut out = b"slow:".to_vec();
    out.extend_from_slice(s.get().as_bytes());
    let v = vm.new_string(&out);
    vm.ret(&[v])
}

/// Frameless `__index`: answers key `f` with the native's first upvalue.
fn fast_index(_vm: &mut Vm, nc: Gc<NativeClosure>, args: &[Value]) -> Option<Value> {
    match args.get(1) {
        Some(Value::Str(s)) if s.get().as_bytes() == b"f" => nc.get().upvalues.first().copied(),
        _ => None,
    }
}

/// `__newindex`: raises an error naming the key (so a store it handles is visible).
fn slow_newindex(vm: &mut Vm) -> LuaResult<Ret> {
    Err(vm.error("slow store"))
}

/// Frameless `__newindex`: counts integer stores, leaves others to the native.
fn fast_newindex(_vm: &mut Vm, _nc: Gc<NativeClosure>, args: &[Value]) -> Option<Value> {
    match args.get(2) {
        Some(Value::Int(i)) => {
            FAST_STORES.with(|c| c.set(c.get() + i));
            Some(Value::Nil)
        }
        _ => None,
    }
}

fn setup() -> Lua {
    let mut lua = Lua::new();
    lua.capture_output();
    let vm: &mut Vm = &mut lua;
    let up = vm.new_string(b"fast");
    let idx = vm.new_native_with("__index", slow_index, vec![up]);
    let nidx = vm.new_native("__newindex", slow_newindex);
    vm.set_fast_meta(slow_index, fast_index);
    vm.set_fast_meta(slow_newindex, fast_newindex);
    let mt = vm.create_table();
    let idx = LuaValue::from_raw(vm, idx);
    let nidx = LuaValue::from_raw(vm, nidx);
    mt.raw_set(vm, "__index", idx).unwrap();
    mt.raw_set(vm, "__newindex", nidx).unwrap();
    let obj: Table = vm.create_table();
    obj.set_metatable(vm, Some(&mt)).unwrap();
    vm.globals().set(vm, "obj", obj).unwrap();
    // A userdata with the same metatable (the interpreter's own userdata branch).
    let u = vm.create_userdata(Plain).unwrap();
    vm.globals().set(vm, "ud", u).unwrap();
    lua.load("debug.setmetatable(ud, getmetatable(obj))")
        .exec()
        .unwrap();
    lua
}

struct Plain;
impl UserData for Plain {}

#[test]
fn metamethod_calls_use_the_frameless_variant() {
    for o in ["obj", "ud"] {
        let mut lua = setup();
        let r: (String, String, String) = lua
            .load(&format!("local o, k = {o}, 'f'; return o.f, o.g, o[k]"))
            .eval()
            .unwrap();
        assert_eq!(r, ("fast".into(), "slow:g".into(), "fast".into()), "{o}");
        FAST_STORES.with(|c| c.set(0));
        lua.load(&format!(
            "{o}.a = 5; {o}[1] = 7; local t = {o}; t.b = 30; t[2] = 0"
        ))
        .exec()
        .unwrap();
        assert_eq!(FAST_STORES.with(|c| c.get()), 42, "{o}");
    }
    let mut lua = setup();
    // Not handled by the variant: the native runs, with its error, position and
    // frame in the traceback.
    let e = lua
        .load("obj.a = 'x'")
        .set_name("=s")
        .exec()
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("s:1: slow store\nstack traceback:\n\t[C]: in metamethod 'newindex'"),
        "{e}"
    );
}

#[test]
fn direct_calls_and_hooks_use_the_native() {
    let mut lua = setup();
    let r: (String, String) = lua
        .load(
            "local direct = getmetatable(obj).__index(obj, 'f')
             debug.sethook(function() end, 'c')
             local hooked = obj.f .. ud.f
             debug.sethook()
             return direct, hooked",
        )
        .eval()
        .unwrap();
    assert_eq!(r, ("slow:f".into(), "slow:fslow:f".into()));
    // Another __index function: no variant.
    let r: String = lua
        .load("getmetatable(obj).__index = function(_, k) return 'lua:' .. k end; return obj.f")
        .eval()
        .unwrap();
    assert_eq!(r, "lua:f");
}
