//! The UserData trait: fields, methods, metamethods, borrowing rules, `__gc` via Drop.

use std::cell::Cell;
use std::rc::Rc;

use engine_lua::{
    AnyUserData, Error, Function, Lua, MetaMethod, UserData, UserDataFields, UserDataMethods,
};

#[derive(Debug, Clone, Copy, PartialEq)]
struct Vec2 {
    x: f64,
    y: f64,
}

impl UserData for Vec2 {
    fn add_fields(f: &mut UserDataFields<'_, Self>) {
        f.add_field_get("x", |_, v| Ok(v.x));
        f.add_field_get("y", |_, v| Ok(v.y));
        f.add_field_set("x", |_, v, x: f64| {
            v.x = x;
            Ok(())
        });
    }
    fn add_methods(m: &mut UserDataMethods<'_, Self>) {
        m.add_method("length", |_, v, ()| Ok((v.x * v.x + v.y * v.y).sqrt()));
        m.add_method_mut("scale", |_, v, k: f64| {
            v.x *= k;
            v.y *= k;
            Ok(())
        });
        m.add_function("new", |vm, (x, y): (f64, f64)| {
            vm.create_userdata(Vec2 { x, y })
        });
        m.add_meta_function(MetaMethod::Add, |vm, (a, b): (AnyUserData, AnyUserData)| {
            let a = *a.borrow::<Vec2>(vm)?;
            let b = *b.borrow::<Vec2>(vm)?;
            vm.create_userdata(Vec2 {
                x: a.x + b.x,
                y: a.y + b.y,
            })
        });
        m.add_meta_method(MetaMethod::ToString, |_, v, ()| {
            Ok(format!("({}, {})", v.x, v.y))
        });
        m.add_meta_method(MetaMethod::Eq, |vm, v, other: AnyUserData| {
            Ok(*other.borrow::<Vec2>(vm)? == *v)
        });
        m.add_meta_method(MetaMethod::Len, |_, _, ()| Ok(2));
        m.add_meta_method(MetaMethod::Call, |_, v, k: f64| Ok(v.x * k));
        // Calls back into Lua while holding `&self`.
        m.add_method("visit", |vm, _, f: Function| f.call::<_, ()>(vm, ()));
    }
}

fn lua_with_vec2() -> Lua {
    let mut lua = Lua::new();
    let v = lua.create_userdata(Vec2 { x: 3.0, y: 4.0 }).unwrap();
    lua.globals().set(&mut lua, "v", v).unwrap();
    lua
}

#[test]
fn fields_methods_and_metamethods() {
    let mut lua = lua_with_vec2();
    let r: (f64, f64, f64) = lua.load("return v.x, v.y, v:length()").eval().unwrap();
    assert_eq!(r, (3.0, 4.0, 5.0));
    lua.load("v:scale(2); v.x = v.x + 1").exec().unwrap();
    let r: (f64, f64) = lua.load("return v.x, v.y").eval().unwrap();
    assert_eq!(r, (7.0, 8.0));
    let s: String = lua.load("return tostring(v + v.new(1, 1))").eval().unwrap();
    assert_eq!(s, "(8, 9)");
    let r: (bool, bool, i64, f64) = lua
        .load("return v == v.new(7, 8), v == v.new(0, 0), #v, v(10)")
        .eval()
        .unwrap();
    assert_eq!(r, (true, false, 2, 70.0));
    let name: String = lua.load("return (getmetatable(v).__name)").eval().unwrap();
    assert_eq!(name, "Vec2");
}

#[test]
fn errors_name_the_problem() {
    let mut lua = lua_with_vec2();
    let e = lua.load("v.y = 1").set_name("=u").exec().unwrap_err();
    assert!(
        e.to_string()
            .starts_with("u:1: no field 'y' to set on Vec2"),
        "{e}"
    );
    let e = lua
        .load("local r = v.length({}) return r")
        .set_name("=u")
        .exec()
        .unwrap_err();
    assert!(
        e.to_string()
            .starts_with("u:1: bad argument #1 to 'length' (userdata is not a 'Vec2')"),
        "{e}"
    );
    let e = lua
        .load("v:scale('big')")
        .set_name("=u")
        .exec()
        .unwrap_err();
    assert!(
        e.to_string()
            .starts_with("u:1: bad argument #1 to 'scale' (number expected, got string)"),
        "{e}"
    );
}

#[test]
fn conflicting_borrows_are_errors_not_panics() {
    let mut lua = lua_with_vec2();
    // `visit` holds `&Vec2` while Lua calls the `&mut` method `scale` on it.
    let e = lua
        .load("v:visit(function() v:scale(2) end)")
        .exec()
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("userdata 'Vec2' is already borrowed"),
        "{e}"
    );
    // Shared borrows nest.
    lua.load("v:visit(function() return v:length() end)")
        .exec()
        .unwrap();
    // From Rust: a live mutable borrow blocks a shared one.
    let v: AnyUserData = lua.globals().get(&mut lua, "v").unwrap();
    let m = v.borrow_mut::<Vec2>(&lua).unwrap();
    assert!(matches!(
        v.borrow::<Vec2>(&lua),
        Err(Error::UserDataBorrow { mutably: true, .. })
    ));
    drop(m);
    assert_eq!(v.borrow::<Vec2>(&lua).unwrap().x, 3.0);
    assert!(matches!(
        v.borrow::<String>(&lua),
        Err(Error::UserDataType { .. })
    ));
    assert!(v.is::<Vec2>(&lua));
}

struct Tracked(Rc<Cell<u32>>);

impl Drop for Tracked {
    fn drop(&mut self) {
        self.0.set(self.0.get() + 1);
    }
}

impl UserData for Tracked {}

#[test]
fn gc_runs_drop() {
    let drops = Rc::new(Cell::new(0));
    let mut lua = Lua::new();
    let d = drops.clone();
    let mk = lua
        .create_function(move |vm, ()| vm.create_userdata(Tracked(d.clone())))
        .unwrap();
    lua.globals().set(&mut lua, "mk", mk).unwrap();
    lua.load("for i = 1, 10 do local t = mk() end keep = mk()")
        .exec()
        .unwrap();
    // The collector scans whole thread stacks, stale slots included: overwrite them.
    lua.load("local a, b, c, d, e, f, g, h = 1, 2, 3, 4, 5, 6, 7, 8")
        .exec()
        .unwrap();
    lua.gc_collect();
    assert_eq!(drops.get(), 10);
    lua.load("keep = nil").exec().unwrap();
    lua.load("local a, b, c, d, e, f, g, h = 1, 2, 3, 4, 5, 6, 7, 8")
        .exec()
        .unwrap();
    lua.gc_collect();
    assert_eq!(drops.get(), 11);
    let held = lua.create_userdata(Tracked(drops.clone())).unwrap();
    lua.gc_collect();
    assert_eq!(drops.get(), 11, "a handle keeps its userdata alive");
    drop(held);
    lua.gc_collect();
    assert_eq!(drops.get(), 12);
    let _in_state = lua.create_userdata(Tracked(drops.clone())).unwrap();
    drop(lua);
    assert_eq!(drops.get(), 13, "dropping the state drops its userdata");
}

#[test]
fn user_values() {
    let mut lua = Lua::new();
    let u = lua.create_userdata(Vec2 { x: 0.0, y: 0.0 }).unwrap();
    u.set_user_value(&mut lua, "tag").unwrap();
    assert_eq!(u.user_value::<String>(&mut lua).unwrap(), "tag");
    assert_eq!(u.with::<Vec2, _>(&lua, |v| v.x).unwrap(), 0.0);
    u.with_mut::<Vec2, _>(&lua, |v| v.y = 2.0).unwrap();
    assert_eq!(u.borrow::<Vec2>(&lua).unwrap().y, 2.0);
}
