//! Binary chunks: `undump(dump(p)) == p` for every compiled program of the corpus,
//! stripped and not, with identical listings and protos that pass validation.

mod dump_support;

use dump_support::{corpus, many_constants, stripped};
use engine_lua::compiler::{compile_source, listing};
use engine_lua::dump::{dump, undump, validate};

#[test]
fn compiler_output_passes_validation() {
    for (name, p) in corpus() {
        if let Err(e) = validate(&p) {
            panic!("{name}: {e}\n{}", listing(&p));
        }
    }
}

#[test]
fn round_trip_keeps_everything() {
    let mut n = 0;
    for (name, p) in corpus() {
        let bytes = dump(&p, false);
        assert_eq!(bytes[0], 0x1b);
        let back = undump(&bytes, &name).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(back, p, "{name}");
        assert_eq!(listing(&back), listing(&p), "{name}");
        assert_eq!(dump(&back, false), bytes, "{name}");
        n += 1;
    }
    assert!(n > 60, "only {n} programs");
}

#[test]
fn round_trip_stripped_drops_debug_info() {
    for (name, p) in corpus() {
        let bytes = dump(&p, true);
        let back = undump(&bytes, &name).unwrap_or_else(|e| panic!("{name}: {e}"));
        let want = stripped(&p);
        assert_eq!(back, want, "{name}");
        assert_eq!(back.source.as_ref(), "=?");
        assert!(back.line_info.is_empty() && back.loc_vars.is_empty());
        // Stripping twice changes nothing, and stripped chunks are smaller.
        assert_eq!(dump(&back, true), bytes, "{name}");
        assert!(bytes.len() <= dump(&p, false).len());
    }
}

#[test]
fn source_name_survives_as_in_the_reference() {
    // load(string.dump(load(src, "=x"))) reports errors as `x:1:`: the dump keeps the
    // source, whatever name the binary chunk is loaded under.
    let p = compile_source(b"local x = nil; x()", "=x").unwrap();
    let back = undump(&dump(&p, false), "=y").unwrap();
    assert_eq!(back.source.as_ref(), "=x");
    assert_eq!(back.line_info, vec![1; back.code.len()]);
    // Nested functions keep the source without repeating it in the bytes.
    let src = "return function() return function() end end";
    let p = compile_source(src.as_bytes(), "@some/long/file/name.lua").unwrap();
    let bytes = dump(&p, false);
    let count = bytes
        .windows(b"some/long".len())
        .filter(|w| w == b"some/long")
        .count();
    assert_eq!(count, 1);
    let back = undump(&bytes, "x").unwrap();
    assert_eq!(back.protos[0].protos[0].source, p.source);
}

#[test]
fn many_constants_round_trip_loadkx() {
    let src = many_constants();
    let p = compile_source(src.as_bytes(), "=many").unwrap();
    assert!(p.constants.len() > 65536);
    assert!(listing(&p).contains("LOADKX"));
    validate(&p).unwrap();
    for strip in [false, true] {
        let back = undump(&dump(&p, strip), "=many").unwrap();
        let want = if strip { stripped(&p) } else { p.clone() };
        assert!(back == want);
    }
}

#[test]
fn special_floats_round_trip_bit_for_bit() {
    let p = compile_source(b"return -0.0, 1/0, -1/0, 0/0, 2^-1074", "=f").unwrap();
    let bytes = dump(&p, false);
    let back = undump(&bytes, "=f").unwrap();
    assert_eq!(dump(&back, false), bytes);
    assert_eq!(listing(&back), listing(&p));
}
