//! serde round trips: Rust -> Lua -> Rust, Lua -> Rust, and the documented edge cases.

use std::collections::{BTreeMap, HashMap};

use engine_lua::embed::SerializeOptions;
use engine_lua::{Lua, LuaValue};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, PartialEq, Debug, Clone)]
enum Order {
    Idle,
    Move { to: (i32, i32) },
    Attack(String),
    Patrol(Vec<(i32, i32)>, bool),
}

#[derive(Serialize, Deserialize, PartialEq, Debug, Clone)]
struct Unit {
    name: String,
    hp: u32,
    speed: f64,
    tags: Vec<String>,
    stats: BTreeMap<String, i64>,
    order: Order,
    next: Option<Order>,
    bytes: Vec<u8>,
    // `()` is nil, so the key is absent: `serde(default)` (or `SerializeOptions::null`).
    #[serde(default)]
    unit: (),
    wrapped: Wrapped,
}

#[derive(Serialize, Deserialize, PartialEq, Debug, Clone)]
struct Wrapped(i64);

fn sample() -> Unit {
    Unit {
        name: "guard".into(),
        hp: 30,
        speed: 1.0,
        tags: vec!["melee".into(), "elite".into()],
        stats: [("str".to_string(), 5), ("dex".to_string(), -1)]
            .into_iter()
            .collect(),
        order: Order::Move { to: (3, -4) },
        next: Some(Order::Attack("hero".into())),
        bytes: vec![1, 2, 3],
        unit: (),
        wrapped: Wrapped(9),
    }
}

#[test]
fn round_trip_structs_enums_options() {
    let mut lua = Lua::new();
    for order in [
        Order::Idle,
        Order::Move { to: (1, 2) },
        Order::Attack("x".into()),
        Order::Patrol(vec![(0, 0), (5, 5)], true),
    ] {
        let mut u = sample();
        u.order = order.clone();
        u.next = None;
        let v = lua.to_value(&u).unwrap();
        let back: Unit = lua.from_value(v).unwrap();
        assert_eq!(back, u);
    }
}

#[test]
fn lua_sees_the_documented_shapes() {
    let mut lua = Lua::new();
    let v = lua.to_value(&sample()).unwrap();
    lua.globals().set(&mut lua, "u", v).unwrap();
    let r: (String, i64, String, i64, String, i64, String, String, bool) = lua
        .load(
            "return u.name, #u.tags, u.tags[2], u.stats.dex, math.type(u.speed), \
             u.order.Move.to[2], u.next.Attack, type(u.bytes), u.unit == nil",
        )
        .eval()
        .unwrap();
    assert_eq!(
        r,
        (
            "guard".into(),
            2,
            "elite".into(),
            -1,
            "float".into(),
            -4,
            "hero".into(),
            "table".into(),
            true
        )
    );
    let idle = lua.to_value(&Order::Idle).unwrap();
    assert_eq!(lua.unpack::<String>(idle).unwrap(), "Idle");
}

#[test]
fn from_lua_tables_written_by_hand() {
    let mut lua = Lua::new();
    let v: LuaValue = lua
        .load(
            "return { name = 'orc', hp = 12.0, speed = 2, tags = {}, stats = {}, \
             order = 'Idle', bytes = {}, wrapped = 3 }",
        )
        .eval()
        .unwrap();
    let u: Unit = lua.from_value(v).unwrap();
    // 12.0 (float with an integer value) into u32, 2 (integer) into f64, {} as an
    // empty Vec, missing Option as None, missing unit as ().
    assert_eq!((u.hp, u.speed, u.tags.len(), u.next), (12, 2.0, 0, None));
    // Untyped: sequences vs maps.
    let v: LuaValue = lua.load("return {1, 2, {a = true}, {}}").eval().unwrap();
    #[derive(Deserialize, Debug, PartialEq)]
    #[serde(untagged)]
    enum Any {
        Int(i64),
        Map(HashMap<String, bool>),
    }
    let xs: Vec<Any> = lua.from_value(v).unwrap();
    assert_eq!(xs[0], Any::Int(1));
    assert_eq!(
        xs[2],
        Any::Map([("a".to_string(), true)].into_iter().collect())
    );
    assert_eq!(xs[3], Any::Map(HashMap::new()));
}

#[test]
fn errors_and_null() {
    let mut lua = Lua::new();
    let v: LuaValue = lua.load("return {hp = 'lots'}").eval().unwrap();
    let e = lua.from_value::<Unit>(v).unwrap_err();
    assert!(e.to_string().starts_with("serde:"), "{e}");
    let v: LuaValue = lua.load("return 1.5").eval().unwrap();
    assert!(lua.from_value::<i64>(v).is_err());
    let f: LuaValue = lua.load("return print").eval().unwrap();
    assert!(lua.from_value::<i64>(f).is_err());
    // None as the null sentinel keeps table entries.
    let v = lua
        .to_value_with(
            &vec![Some(1), None, Some(3)],
            SerializeOptions { null: true },
        )
        .unwrap();
    lua.globals().set(&mut lua, "xs", v).unwrap();
    assert_eq!(lua.load("return #xs").eval::<i64>().unwrap(), 3);
    let null = lua.null();
    lua.globals().set(&mut lua, "null", null).unwrap();
    assert!(lua.load("return xs[2] == null").eval::<bool>().unwrap());
    let back: Vec<Option<i64>> = lua
        .load("return xs")
        .eval::<LuaValue>()
        .and_then(|v| lua.from_value(v))
        .unwrap();
    assert_eq!(back, vec![Some(1), None, Some(3)]);
    // u64 beyond i64 becomes a float.
    let big = lua.to_value(&u64::MAX).unwrap();
    assert_eq!(big, LuaValue::Number(u64::MAX as f64));
}
