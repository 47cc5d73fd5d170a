//! Binary chunks from untrusted bytes: every truncation fails cleanly, and random
//! mutants of real dumps either fail or give a proto that validates and round-trips.

mod dump_support;

use dump_support::{XorShift, corpus};
use engine_lua::compiler::listing;
use engine_lua::dump::{dump, undump, validate};

/// Dumps of a varied sample of the corpus (stripped and not).
fn samples() -> Vec<Vec<u8>> {
    let all = corpus();
    let mut out = Vec::new();
    for (i, (_, p)) in all.iter().enumerate() {
        let bytes = dump(p, i % 3 == 0);
        // Keep the byte-by-byte checks quick: skip the largest programs.
        if bytes.len() < 6000 {
            out.push(bytes);
        }
    }
    out
}

#[test]
fn every_truncation_is_an_error() {
    let samples = samples();
    let mut n = 0;
    for bytes in samples.iter().step_by(4) {
        for len in 0..bytes.len() {
            let e = undump(&bytes[..len], "=t").expect_err("truncated chunk accepted");
            assert_eq!(
                e.message, "t: bad binary format (truncated chunk)",
                "len {len}"
            );
            n += 1;
        }
    }
    assert!(n > 10_000, "{n}");
}

/// One random edit of a chunk.
fn mutate(rng: &mut XorShift, bytes: &mut Vec<u8>) {
    let len = bytes.len();
    // Leave the header alone most of the time: its checks are tested elsewhere.
    let at = 32 + rng.below(len - 32);
    match rng.below(6) {
        0 => bytes[at] ^= 1 << rng.below(8),
        1 => bytes[at] = rng.next() as u8,
        2 => bytes[at] = [0, 1, 2, 0x7F, 0x80, 0xFF][rng.below(6)],
        3 => {
            bytes.remove(at);
        }
        4 => bytes.insert(at, rng.next() as u8),
        _ => {
            // Overwrite an aligned-looking word with a random instruction-like value.
            let end = (at + 4).min(len);
            for b in &mut bytes[at..end] {
                *b = rng.next() as u8;
            }
        }
    }
}

#[test]
fn mutants_fail_or_validate() {
    let samples = samples();
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    let (mut accepted, mut rejected) = (0, 0);
    for round in 0..4000 {
        let mut bytes = samples[round % samples.len()].clone();
        for _ in 0..1 + rng.below(3) {
            mutate(&mut rng, &mut bytes);
        }
        match undump(&bytes, "=m") {
            Ok(p) => {
                validate(&p).unwrap();
                let _ = listing(&p);
                // What was accepted round-trips exactly.
                let again = dump(&p, false);
                let q = undump(&again, "=m").unwrap();
                assert_eq!(dump(&q, false), again);
                accepted += 1;
            }
            Err(e) => {
                assert!(e.message.starts_with("m: bad binary format ("), "{e}");
                rejected += 1;
            }
        }
    }
    eprintln!("{accepted} mutants accepted, {rejected} rejected");
    assert!(accepted > 100 && rejected > 1000, "{accepted} / {rejected}");
}

#[test]
fn code_mutants_fail_or_validate() {
    // Edits aimed at the instructions: random opcode bytes and operands of real code.
    let all = corpus();
    let mut rng = XorShift(12345);
    let (mut accepted, mut rejected) = (0, 0);
    for round in 0..3000 {
        let (_, p) = &all[round % all.len()];
        let mut p = p.clone();
        let pc = rng.below(p.code.len());
        let i = &mut p.code[pc].0;
        match rng.below(4) {
            0 => *i = (*i & !0xFF) | rng.below(256) as u32,
            1 => *i ^= 1 << (8 + rng.below(24)),
            2 => *i = (*i & 0xFFFF) | ((rng.below(8) as u32) << 16),
            _ => *i = rng.next() as u32,
        }
        match undump(&dump(&p, rng.below(2) == 0), "=c") {
            Ok(q) => {
                validate(&q).unwrap();
                let _ = listing(&q);
                accepted += 1;
            }
            Err(_) => {
                assert!(validate(&p).is_err());
                rejected += 1;
            }
        }
    }
    eprintln!("{accepted} code mutants accepted, {rejected} rejected");
    assert!(accepted > 100 && rejected > 300, "{accepted} / {rejected}");
}
