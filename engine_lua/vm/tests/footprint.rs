//! Per-state costs: the string intern table after mass removal, output buffering,
//! and the GC heap size of a fresh state (see `benches/state_size.rs` for the bytes
//! outside the heap).

use engine_lua::Lua;

fn run(src: &str) -> String {
    let mut lua = Lua::new();
    lua.capture_output();
    lua.load(src).exec().unwrap();
    String::from_utf8(lua.take_output()).unwrap()
}

#[test]
fn interned_strings_survive_removal_of_their_neighbours() {
    // Thousands of short strings die and leave the intern table (its entries shift
    // back over the holes); the survivors must still be found, as keys and as equal
    // values.
    let out = run(r#"
        local keep, byname = {}, {}
        for i = 1, 20000 do
            local s = "k" .. i
            if i % 3 == 0 then keep[#keep + 1] = s; byname[s] = i end
        end
        collectgarbage()
        collectgarbage()
        local ok = 0
        for i = 3, 20000, 3 do
            local s = "k" .. i
            if byname[s] == i and keep[i // 3] == s then ok = ok + 1 end
        end
        for i = 1, 20000 do local _ = "k" .. i end
        collectgarbage()
        print(ok, byname["k" .. 9], byname["k" .. 10])
    "#);
    assert_eq!(out, "6666\t9\tnil\n");
}

#[test]
fn print_and_io_write_share_one_ordered_buffer() {
    let out = run(r#"
        io.write("a")
        print("b", 1)
        io.write("c", 2, "\n")
        io.stdout:write("d")
        print(("x"):rep(40000):len())
    "#);
    assert_eq!(out, "ab\t1\nc2\nd40000\n");
}

#[test]
fn fresh_state_heap_is_small() {
    let lua = Lua::new();
    assert!(lua.used_memory() < 40 * 1024, "{}", lua.used_memory());
}

#[test]
fn short_strings_live_inside_their_object() {
    // Bytes inline up to 22: the object stays 32 bytes (40 with the GC header).
    assert_eq!(std::mem::size_of::<engine_lua::runtime::LuaStr>(), 32);
    let mut lua = Lua::new();
    let s = lua.create_string("twenty-two bytes long!");
    assert_eq!(s.as_bytes(&lua).unwrap().len(), 22);
}
