//! The facade's error rendering: messages and tracebacks as `lua.c` prints them.

use engine_lua::{Error, Lua};

fn run(src: &str) -> Result<String, Error> {
    let mut lua = Lua::new();
    lua.capture_output();
    let chunk = lua.load_buffer(src.as_bytes(), "@t.lua")?;
    lua.run(&chunk, &[])?;
    Ok(String::from_utf8(lua.take_output()).unwrap())
}

#[test]
fn value_is_16_bytes() {
    assert_eq!(std::mem::size_of::<engine_lua::runtime::Value>(), 16);
}

#[test]
fn traceback_names_every_level() {
    let src = "local function lvl3() error('deep') end\n\
               local function lvl2() lvl3() end\n\
               function glob() lvl2() end\n\
               local t = {}\n\
               function t.field() glob() end\n\
               function t:meth() t.field() end\n\
               local co = function() t:meth() end\n\
               co()\n";
    let e = run(src).unwrap_err();
    assert_eq!(
        e.to_string(),
        "t.lua:1: deep\nstack traceback:\n\t[C]: in function 'error'\n\tt.lua:1: in upvalue 'lvl3'\n\t\
         t.lua:2: in upvalue 'lvl2'\n\tt.lua:3: in function 'glob'\n\tt.lua:5: in field 'field'\n\t\
         t.lua:6: in method 'meth'\n\tt.lua:7: in local 'co'\n\tt.lua:8: in main chunk\n\t[C]: in ?"
    );
}

#[test]
fn stack_overflow_is_an_error_with_skipped_levels() {
    let e = run("local function f(n) return 1 + f(n + 1) end\nf(1)\n").unwrap_err();
    let Error::Runtime {
        message, traceback, ..
    } = e
    else {
        panic!("runtime error expected")
    };
    assert_eq!(message, "t.lua:1: stack overflow");
    assert!(traceback.contains("\n\t...\t(skipping "), "{traceback}");
    assert!(
        traceback.ends_with("t.lua:1: in local 'f'\n\tt.lua:2: in main chunk\n\t[C]: in ?"),
        "{traceback}"
    );
}

#[test]
fn error_objects_render_as_lua_c() {
    let e = run("error({})").unwrap_err();
    assert_eq!(
        e.to_string(),
        "(error object is a table value)\nstack traceback:\n\t[C]: in function 'error'\n\tt.lua:1: in main chunk\n\t[C]: in ?"
    );
    let e = run("error(setmetatable({}, {__tostring = function() return 'hi' end}))").unwrap_err();
    assert!(matches!(e, Error::Runtime { ref message, .. } if message == "hi"));
    let e = run("x = 1 +").unwrap_err();
    assert_eq!(e.to_string(), "t.lua:1: unexpected symbol near <eof>");
}

#[test]
fn wrap_errors_carry_positions() {
    let e = run("coroutine.wrap(function() error('x') end)()").unwrap_err();
    assert_eq!(
        e.to_string(),
        "t.lua:1: t.lua:1: x\nstack traceback:\n\t[C]: in ?\n\tt.lua:1: in main chunk\n\t[C]: in ?"
    );
}

#[test]
fn collectgarbage_count_reports_real_bytes() {
    let out = run("local a = collectgarbage('count')\n\
                   local t = {} for i = 1, 10000 do t[i] = {} end\n\
                   local b = collectgarbage('count')\n\
                   t = nil collectgarbage()\n\
                   local c = collectgarbage('count')\n\
                   print(b > a + 300, c < b - 300)")
    .unwrap();
    assert_eq!(out, "true\ttrue\n");
}
