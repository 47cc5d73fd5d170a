//! Compiler listing tests: each program's `luac -l -l`-style listing (see
//! `compiler::listing`). Where our encoding differs from luac 5.4's (no MMBIN, `*K`
//! opcodes instead of the k bit, LOOP at loop heads, no EXTRAARG after NEWTABLE, no
//! operand swapping for metamethod order) the listings differ from luac's on purpose;
//! everything else (registers, constants, jumps, lines, locals) was checked against
//! `luac5.4 -l -l`.

use expect_test::{Expect, expect};

fn check(src: &str, expect: Expect) {
    let chunk = engine_lua::syntax::parse(src.as_bytes(), "=chunk").expect("parse");
    let proto = engine_lua::compiler::compile(&chunk, "=chunk").expect("compile");
    expect.assert_eq(&engine_lua::compiler::listing(&proto));
}

#[test]
fn empty() {
    check(
        "",
        expect![[r#"
            main <chunk:0,0> (2 instructions)
            0+ params, 2 slots, 1 upvalue, 0 locals, 0 constants, 0 functions
            	1	[1]	VARARGPREP	0
            	2	[1]	RETURN   	0 1 0	; 0 out
            constants (0):
            locals (0):
            upvalues (1):
            	0	_ENV	1	0
        "#]],
    );
}

#[test]
fn global_call() {
    check(
        "print('hello')",
        expect![[r#"
            main <chunk:0,0> (5 instructions)
            0+ params, 2 slots, 1 upvalue, 0 locals, 2 constants, 0 functions
            	1	[1]	VARARGPREP	0
            	2	[1]	GETTABUP 	0 0 0	; _ENV "print"
            	3	[1]	LOADK    	1 1	; "hello"
            	4	[1]	CALL     	0 2 1	; 1 in 0 out
            	5	[1]	RETURN   	0 1 0	; 0 out
            constants (2):
            	0	S	"print"
            	1	S	"hello"
            locals (0):
            upvalues (1):
            	0	_ENV	1	0
        "#]],
    );
}

#[test]
fn locals_and_globals() {
    check(
        "local a, b = 1, 2.5\nx = a\nlocal c\nc = y",
        expect![[r#"
            main <chunk:0,0> (7 instructions)
            0+ params, 3 slots, 1 upvalue, 3 locals, 3 constants, 0 functions
            	1	[1]	VARARGPREP	0
            	2	[1]	LOADI    	0 1
            	3	[1]	LOADK    	1 0	; 2.5
            	4	[2]	SETTABUP 	0 1 0	; _ENV "x"
            	5	[3]	LOADNIL  	2 0	; 1 out
            	6	[4]	GETTABUP 	2 0 2	; _ENV "y"
            	7	[4]	RETURN   	3 1 0	; 0 out
            constants (3):
            	0	F	2.5
            	1	S	"x"
            	2	S	"y"
            locals (3):
            	0	a	4	8
            	1	b	4	8
            	2	c	6	8
            upvalues (1):
            	0	_ENV	1	0
        "#]],
    );
}

#[test]
fn constants_dedup() {
    check(
        "local t = {'a', 'a', 1, 1, 1.0, true, nil}",
        expect![[r#"
            main <chunk:0,0> (11 instructions)
            0+ params, 8 slots, 1 upvalue, 1 local, 1 constant, 0 functions
            	1	[1]	VARARGPREP	0
            	2	[1]	NEWTABLE 	0 0 7	; 7
            	3	[1]	LOADK    	1 0	; "a"
            	4	[1]	LOADK    	2 0	; "a"
            	5	[1]	LOADI    	3 1
            	6	[1]	LOADI    	4 1
            	7	[1]	LOADF    	5 1
            	8	[1]	LOADTRUE 	6
            	9	[1]	LOADNIL  	7 0	; 1 out
            	10	[1]	SETLIST  	0 7 0
            	11	[1]	RETURN   	1 1 0	; 0 out
            constants (1):
            	0	S	"a"
            locals (1):
            	0	t	11	12
            upvalues (1):
            	0	_ENV	1	0
        "#]],
    );
}

#[test]
fn big_integers() {
    check(
        "local a, b, c = 32768, -32767, 1 << 40\nlocal d, e = 2.0, 0.5",
        expect![[r#"
            main <chunk:0,0> (7 instructions)
            0+ params, 5 slots, 1 upvalue, 5 locals, 2 constants, 0 functions
            	1	[1]	VARARGPREP	0
            	2	[1]	LOADI    	0 32768
            	3	[1]	LOADI    	1 -32767
            	4	[1]	LOADK    	2 0	; 1099511627776
            	5	[2]	LOADF    	3 2
            	6	[2]	LOADK    	4 1	; 0.5
            	7	[2]	RETURN   	5 1 0	; 0 out
            constants (2):
            	0	I	1099511627776
            	1	F	0.5
            locals (5):
            	0	a	5	8
            	1	b	5	8
            	2	c	5	8
            	3	d	7	8
            	4	e	7	8
            upvalues (1):
            	0	_ENV	1	0
        "#]],
    );
}

#[test]
fn const_locals_folded() {
    check(
        "local k <const> = 10\nlocal s <const> = 'str'\nlocal n <const> = nil\nprint(k + 1, s, n, k * k)",
        expect![[r#"
            main <chunk:0,0> (8 instructions)
            0+ params, 5 slots, 1 upvalue, 0 locals, 2 constants, 0 functions
            	1	[1]	VARARGPREP	0
            	2	[4]	GETTABUP 	0 0 0	; _ENV "print"
            	3	[4]	LOADI    	1 11
            	4	[4]	LOADK    	2 1	; "str"
            	5	[4]	LOADNIL  	3 0	; 1 out
            	6	[4]	LOADI    	4 100
            	7	[4]	CALL     	0 5 1	; 4 in 0 out
            	8	[4]	RETURN   	0 1 0	; 0 out
            constants (2):
            	0	S	"print"
            	1	S	"str"
            locals (0):
            upvalues (1):
            	0	_ENV	1	0
        "#]],
    );
}

#[test]
fn const_runtime() {
    check(
        "local a <const> = f()\nprint(a)",
        expect![[r#"
            main <chunk:0,0> (7 instructions)
            0+ params, 3 slots, 1 upvalue, 1 local, 2 constants, 0 functions
            	1	[1]	VARARGPREP	0
            	2	[1]	GETTABUP 	0 0 0	; _ENV "f"
            	3	[1]	CALL     	0 1 2	; 0 in 1 out
            	4	[2]	GETTABUP 	1 0 1	; _ENV "print"
            	5	[2]	MOVE     	2 0
            	6	[2]	CALL     	1 2 1	; 1 in 0 out
            	7	[2]	RETURN   	1 1 0	; 0 out
            constants (2):
            	0	S	"f"
            	1	S	"print"
            locals (1):
            	0	a	4	8
            upvalues (1):
            	0	_ENV	1	0
        "#]],
    );
}

#[test]
fn const_not_last() {
    check(
        "local a <const>, b <const> = 1, 2\nreturn a + b",
        expect![[r#"
            main <chunk:0,0> (5 instructions)
            0+ params, 2 slots, 1 upvalue, 1 local, 0 constants, 0 functions
            	1	[1]	VARARGPREP	0
            	2	[1]	LOADI    	0 1
            	3	[2]	ADDI     	1 0 2
            	4	[2]	RETURN   	1 2 0	; 1 out
            	5	[2]	RETURN   	1 1 0	; 0 out
            constants (0):
            locals (1):
            	0	a	3	6
            upvalues (1):
            	0	_ENV	1	0
        "#]],
    );
}

#[test]
fn close_var() {
    check(
        "do\n  local x <close> = f()\n  g(x)\nend",
        expect![[r#"
            main <chunk:0,0> (9 instructions)
            0+ params, 3 slots, 1 upvalue, 1 local, 2 constants, 0 functions
            	1	[1]	VARARGPREP	0
            	2	[2]	GETTABUP 	0 0 0	; _ENV "f"
            	3	[2]	CALL     	0 1 2	; 0 in 1 out
            	4	[2]	TBC      	0
            	5	[3]	GETTABUP 	1 0 1	; _ENV "g"
            	6	[3]	MOVE     	2 0
            	7	[3]	CALL     	1 2 1	; 1 in 0 out
            	8	[3]	CLOSE    	0
            	9	[4]	RETURN   	0 1 1	; 0 out
            constants (2):
            	0	S	"f"
            	1	S	"g"
            locals (1):
            	0	x	4	8
            upvalues (1):
            	0	_ENV	1	0
        "#]],
    );
}

#[test]
fn arith_forms() {
    check(
        "local x, y = ...\nreturn x + 1, x - 1, x * 2, x / 2, x % 3, x ^ 2, x // 2, x + y, 1 + x, 2 ^ x",
        expect![[r#"
            main <chunk:0,0> (16 instructions)
            0+ params, 12 slots, 1 upvalue, 2 locals, 3 constants, 0 functions
            	1	[1]	VARARGPREP	0
            	2	[1]	VARARG   	0 3	; 2 out
            	3	[2]	ADDI     	2 0 1
            	4	[2]	SUBK     	3 0 0	; 1
            	5	[2]	MULK     	4 0 1	; 2
            	6	[2]	DIVK     	5 0 1	; 2
            	7	[2]	MODK     	6 0 2	; 3
            	8	[2]	POWK     	7 0 1	; 2
            	9	[2]	IDIVK    	8 0 1	; 2
            	10	[2]	ADD      	9 0 1
            	11	[2]	LOADI    	10 1
            	12	[2]	ADD      	10 10 0
            	13	[2]	LOADI    	11 2
            	14	[2]	POW      	11 11 0
            	15	[2]	RETURN   	2 11 0	; 10 out
            	16	[2]	RETURN   	2 1 0	; 0 out
            constants (3):
            	0	I	1
            	1	I	2
            	2	I	3
            locals (2):
            	0	x	3	17
            	1	y	3	17
            upvalues (1):
            	0	_ENV	1	0
        "#]],
    );
}

#[test]
fn arith_big_constant() {
    check(
        "local x = ...\nreturn x + 1000, x + 0.5, x - 300",
        expect![[r#"
            main <chunk:0,0> (7 instructions)
            0+ params, 4 slots, 1 upvalue, 1 local, 3 constants, 0 functions
            	1	[1]	VARARGPREP	0
            	2	[1]	VARARG   	0 2	; 1 out
            	3	[2]	ADDK     	1 0 0	; 1000
            	4	[2]	ADDK     	2 0 1	; 0.5
            	5	[2]	SUBK     	3 0 2	; 300
            	6	[2]	RETURN   	1 4 0	; 3 out
            	7	[2]	RETURN   	1 1 0	; 0 out
            constants (3):
            	0	I	1000
            	1	F	0.5
            	2	I	300
            locals (1):
            	0	x	3	8
            upvalues (1):
            	0	_ENV	1	0
        "#]],
    );
}

#[test]
fn bitwise_forms() {
    check(
        "local x, y = ...\nreturn x & 1, x | 2, x ~ 3, x >> 1, x << 1, 1 << x, x & y, ~x",
        expect![[r#"
            main <chunk:0,0> (13 instructions)
            0+ params, 10 slots, 1 upvalue, 2 locals, 3 constants, 0 functions
            	1	[1]	VARARGPREP	0
            	2	[1]	VARARG   	0 3	; 2 out
            	3	[2]	BANDK    	2 0 0	; 1
            	4	[2]	BORK     	3 0 1	; 2
            	5	[2]	BXORK    	4 0 2	; 3
            	6	[2]	SHRI     	5 0 1
            	7	[2]	LOADI    	6 1
            	8	[2]	SHL      	6 0 6
            	9	[2]	SHLI     	7 0 1
            	10	[2]	BAND     	8 0 1
            	11	[2]	BNOT     	9 0
            	12	[2]	RETURN   	2 9 0	; 8 out
            	13	[2]	RETURN   	2 1 0	; 0 out
            constants (3):
            	0	I	1
            	1	I	2
            	2	I	3
            locals (2):
            	0	x	3	14
            	1	y	3	14
            upvalues (1):
            	0	_ENV	1	0
        "#]],
    );
}

#[test]
fn constant_folding() {
    check(
        "return 1 + 2, 10 // 3, 7 % -3, 2^10, 1 / 2, -(-3), ~5, 3 & 5, 1 << 62, 3.0 // 2",
        expect![[r#"
            main <chunk:0,0> (13 instructions)
            0+ params, 10 slots, 1 upvalue, 0 locals, 2 constants, 0 functions
            	1	[1]	VARARGPREP	0
            	2	[1]	LOADI    	0 3
            	3	[1]	LOADI    	1 3
            	4	[1]	LOADI    	2 -2
            	5	[1]	LOADF    	3 1024
            	6	[1]	LOADK    	4 0	; 0.5
            	7	[1]	LOADI    	5 3
            	8	[1]	LOADI    	6 -6
            	9	[1]	LOADI    	7 1
            	10	[1]	LOADK    	8 1	; 4611686018427387904
            	11	[1]	LOADF    	9 1
            	12	[1]	RETURN   	0 11 0	; 10 out
            	13	[1]	RETURN   	0 1 0	; 0 out
            constants (2):
            	0	F	0.5
            	1	I	4611686018427387904
            locals (0):
            upvalues (1):
            	0	_ENV	1	0
        "#]],
    );
}

#[test]
fn no_folding_errors() {
    check(
        "return 1 // 0, 1 % 0, 1.5 | 1, 0.0 * -1, 1 / 0, 0/0",
        expect![[r#"
            main <chunk:0,0> (15 instructions)
            0+ params, 6 slots, 1 upvalue, 0 locals, 4 constants, 0 functions
            	1	[1]	VARARGPREP	0
            	2	[1]	LOADI    	0 1
            	3	[1]	IDIVK    	0 0 0	; 0
            	4	[1]	LOADI    	1 1
            	5	[1]	MODK     	1 1 0	; 0
            	6	[1]	LOADK    	2 2	; 1.5
            	7	[1]	BORK     	2 2 1	; 1
            	8	[1]	LOADF    	3 0
            	9	[1]	MULK     	3 3 3	; -1
            	10	[1]	LOADI    	4 1
            	11	[1]	DIVK     	4 4 0	; 0
            	12	[1]	LOADI    	5 0
            	13	[1]	DIVK     	5 5 0	; 0
            	14	[1]	RETURN   	0 7 0	; 6 out
            	15	[1]	RETURN   	0 1 0	; 0 out
            constants (4):
            	0	I	0
            	1	I	1
            	2	F	1.5
            	3	I	-1
            locals (0):
            upvalues (1):
            	0	_ENV	1	0
        "#]],
    );
}

#[test]
fn unary_forms() {
    check(
        "local x = ...\nreturn -x, not x, #x, ~x, not nil, not 1, - -x",
        expect![[r#"
            main <chunk:0,0> (12 instructions)
            0+ params, 8 slots, 1 upvalue, 1 local, 0 constants, 0 functions
            	1	[1]	VARARGPREP	0
            	2	[1]	VARARG   	0 2	; 1 out
            	3	[2]	UNM      	1 0
            	4	[2]	NOT      	2 0
            	5	[2]	LEN      	3 0
            	6	[2]	BNOT     	4 0
            	7	[2]	LOADTRUE 	5
            	8	[2]	LOADFALSE	6
            	9	[2]	UNM      	7 0
            	10	[2]	UNM      	7 7
            	11	[2]	RETURN   	1 8 0	; 7 out
            	12	[2]	RETURN   	1 1 0	; 0 out
            constants (0):
            locals (1):
            	0	x	3	13
            upvalues (1):
            	0	_ENV	1	0
        "#]],
    );
}

#[test]
fn comparisons_to_values() {
    check(
        "local a, b = ...\nreturn a < b, a <= b, a > b, a >= b, a == b, a ~= b",
        expect![[r#"
            main <chunk:0,0> (28 instructions)
            0+ params, 8 slots, 1 upvalue, 2 locals, 0 constants, 0 functions
            	1	[1]	VARARGPREP	0
            	2	[1]	VARARG   	0 3	; 2 out
            	3	[2]	LT       	0 1 1
            	4	[2]	JMP      	1	; to 6
            	5	[2]	LFALSESKIP	2
            	6	[2]	LOADTRUE 	2
            	7	[2]	LE       	0 1 1
            	8	[2]	JMP      	1	; to 10
            	9	[2]	LFALSESKIP	3
            	10	[2]	LOADTRUE 	3
            	11	[2]	LT       	1 0 1
            	12	[2]	JMP      	1	; to 14
            	13	[2]	LFALSESKIP	4
            	14	[2]	LOADTRUE 	4
            	15	[2]	LE       	1 0 1
            	16	[2]	JMP      	1	; to 18
            	17	[2]	LFALSESKIP	5
            	18	[2]	LOADTRUE 	5
            	19	[2]	EQ       	0 1 1
            	20	[2]	JMP      	1	; to 22
            	21	[2]	LFALSESKIP	6
            	22	[2]	LOADTRUE 	6
            	23	[2]	EQ       	0 1 0
            	24	[2]	JMP      	1	; to 26
            	25	[2]	LFALSESKIP	7
            	26	[2]	LOADTRUE 	7
            	27	[2]	RETURN   	2 7 0	; 6 out
            	28	[2]	RETURN   	2 1 0	; 0 out
            constants (0):
            locals (2):
            	0	a	3	29
            	1	b	3	29
            upvalues (1):
            	0	_ENV	1	0
        "#]],
    );
}

#[test]
fn compare_immediates() {
    check(
        "local a = ...\nif a < 1 then f() end\nif 1 < a then f() end\nif a >= 2 then f() end\nif a == 3 then f() end\nif a ~= 'x' then f() end\nif a == nil then f() end\nif a < 1.5 then f() end",
        expect![[r#"
            main <chunk:0,0> (32 instructions)
            0+ params, 2 slots, 1 upvalue, 1 local, 4 constants, 0 functions
            	1	[1]	VARARGPREP	0
            	2	[1]	VARARG   	0 2	; 1 out
            	3	[2]	LTI      	0 1 0
            	4	[2]	JMP      	2	; to 7
            	5	[2]	GETTABUP 	1 0 0	; _ENV "f"
            	6	[2]	CALL     	1 1 1	; 0 in 0 out
            	7	[3]	GTI      	0 1 0
            	8	[3]	JMP      	2	; to 11
            	9	[3]	GETTABUP 	1 0 0	; _ENV "f"
            	10	[3]	CALL     	1 1 1	; 0 in 0 out
            	11	[4]	GEI      	0 2 0
            	12	[4]	JMP      	2	; to 15
            	13	[4]	GETTABUP 	1 0 0	; _ENV "f"
            	14	[4]	CALL     	1 1 1	; 0 in 0 out
            	15	[5]	EQI      	0 3 0
            	16	[5]	JMP      	2	; to 19
            	17	[5]	GETTABUP 	1 0 0	; _ENV "f"
            	18	[5]	CALL     	1 1 1	; 0 in 0 out
            	19	[6]	EQK      	0 1 1	; "x"
            	20	[6]	JMP      	2	; to 23
            	21	[6]	GETTABUP 	1 0 0	; _ENV "f"
            	22	[6]	CALL     	1 1 1	; 0 in 0 out
            	23	[7]	EQK      	0 2 0	; nil
            	24	[7]	JMP      	2	; to 27
            	25	[7]	GETTABUP 	1 0 0	; _ENV "f"
            	26	[7]	CALL     	1 1 1	; 0 in 0 out
            	27	[8]	LOADK    	1 3	; 1.5
            	28	[8]	LT       	0 1 0
            	29	[8]	JMP      	2	; to 32
            	30	[8]	GETTABUP 	1 0 0	; _ENV "f"
            	31	[8]	CALL     	1 1 1	; 0 in 0 out
            	32	[8]	RETURN   	1 1 0	; 0 out
            constants (4):
            	0	S	"f"
            	1	S	"x"
            	2	N	nil
            	3	F	1.5
            locals (1):
            	0	a	3	33
            upvalues (1):
            	0	_ENV	1	0
        "#]],
    );
}

#[test]
fn and_or() {
    check(
        "local a, b, c = ...\nlocal x = a and b or c\nlocal y = a or b\nlocal z = a and b\nreturn (a and b) or (c and 1)",
        expect![[r#"
            main <chunk:0,0> (22 instructions)
            0+ params, 7 slots, 1 upvalue, 6 locals, 0 constants, 0 functions
            	1	[1]	VARARGPREP	0
            	2	[1]	VARARG   	0 4	; 3 out
            	3	[2]	TEST     	0 0
            	4	[2]	JMP      	2	; to 7
            	5	[2]	TESTSET  	3 1 1
            	6	[2]	JMP      	1	; to 8
            	7	[2]	MOVE     	3 2
            	8	[3]	TESTSET  	4 0 1
            	9	[3]	JMP      	1	; to 11
            	10	[3]	MOVE     	4 1
            	11	[4]	TESTSET  	5 0 0
            	12	[4]	JMP      	1	; to 14
            	13	[4]	MOVE     	5 1
            	14	[5]	TEST     	0 0
            	15	[5]	JMP      	2	; to 18
            	16	[5]	TESTSET  	6 1 1
            	17	[5]	JMP      	3	; to 21
            	18	[5]	TESTSET  	6 2 0
            	19	[5]	JMP      	1	; to 21
            	20	[5]	LOADI    	6 1
            	21	[5]	RETURN   	6 2 0	; 1 out
            	22	[5]	RETURN   	6 1 0	; 0 out
            constants (0):
            locals (6):
            	0	a	3	23
            	1	b	3	23
            	2	c	3	23
            	3	x	8	23
            	4	y	11	23
            	5	z	14	23
            upvalues (1):
            	0	_ENV	1	0
        "#]],
    );
}

#[test]
fn and_or_in_conditions() {
    check(
        "local a, b, c = ...\nif a and b or c then f() end\nwhile a or b do a = g() end",
        expect![[r#"
            main <chunk:0,0> (20 instructions)
            0+ params, 4 slots, 1 upvalue, 3 locals, 2 constants, 0 functions
            	1	[1]	VARARGPREP	0
            	2	[1]	VARARG   	0 4	; 3 out
            	3	[2]	TEST     	0 0
            	4	[2]	JMP      	2	; to 7
            	5	[2]	TEST     	1 1
            	6	[2]	JMP      	2	; to 9
            	7	[2]	TEST     	2 0
            	8	[2]	JMP      	2	; to 11
            	9	[2]	GETTABUP 	3 0 0	; _ENV "f"
            	10	[2]	CALL     	3 1 1	; 0 in 0 out
            	11	[3]	LOOP     	0 0
            	12	[3]	TEST     	0 1
            	13	[3]	JMP      	2	; to 16
            	14	[3]	TEST     	1 0
            	15	[3]	JMP      	4	; to 20
            	16	[3]	GETTABUP 	3 0 1	; _ENV "g"
            	17	[3]	CALL     	3 1 2	; 0 in 1 out
            	18	[3]	MOVE     	0 3
            	19	[3]	JMP      	-9	; to 11
            	20	[3]	RETURN   	3 1 0	; 0 out
            constants (2):
            	0	S	"f"
            	1	S	"g"
            locals (3):
            	0	a	3	21
            	1	b	3	21
            	2	c	3	21
            upvalues (1):
            	0	_ENV	1	0
        "#]],
    );
}

#[test]
fn not_conditions() {
    check(
        "local a = ...\nif not a then f() end\nlocal b = not (a == 1)",
        expect![[r#"
            main <chunk:0,0> (11 instructions)
            0+ params, 2 slots, 1 upvalue, 2 locals, 1 constant, 0 functions
            	1	[1]	VARARGPREP	0
            	2	[1]	VARARG   	0 2	; 1 out
            	3	[2]	TEST     	0 1
            	4	[2]	JMP      	2	; to 7
            	5	[2]	GETTABUP 	1 0 0	; _ENV "f"
            	6	[2]	CALL     	1 1 1	; 0 in 0 out
            	7	[3]	EQI      	0 1 0
            	8	[3]	JMP      	1	; to 10
            	9	[3]	LFALSESKIP	1
            	10	[3]	LOADTRUE 	1
            	11	[3]	RETURN   	2 1 0	; 0 out
            constants (1):
            	0	S	"f"
            locals (2):
            	0	a	3	12
            	1	b	11	12
            upvalues (1):
            	0	_ENV	1	0
        "#]],
    );
}

#[test]
fn concat_chain() {
    check(
        "local a, b = ...\nreturn a .. b .. 'c' .. 1, (a .. b) .. 'x'",
        expect![[r#"
            main <chunk:0,0> (14 instructions)
            0+ params, 6 slots, 1 upvalue, 2 locals, 2 constants, 0 functions
            	1	[1]	VARARGPREP	0
            	2	[1]	VARARG   	0 3	; 2 out
            	3	[2]	MOVE     	2 0
            	4	[2]	MOVE     	3 1
            	5	[2]	LOADK    	4 0	; "c"
            	6	[2]	LOADI    	5 1
            	7	[2]	CONCAT   	2 4
            	8	[2]	MOVE     	3 0
            	9	[2]	MOVE     	4 1
            	10	[2]	CONCAT   	3 2
            	11	[2]	LOADK    	4 1	; "x"
            	12	[2]	CONCAT   	3 2
            	13	[2]	RETURN   	2 3 0	; 2 out
            	14	[2]	RETURN   	2 1 0	; 0 out
            constants (2):
            	0	S	"c"
            	1	S	"x"
            locals (2):
            	0	a	3	15
            	1	b	3	15
            upvalues (1):
            	0	_ENV	1	0
        "#]],
    );
}

#[test]
fn table_constructor() {
    check(
        "local t = {1, 2, 3, x = 1, ['y'] = 2, [10] = 3, f(), g()}",
        expect![[r#"
            main <chunk:0,0> (14 instructions)
            0+ params, 6 slots, 1 upvalue, 1 local, 7 constants, 0 functions
            	1	[1]	VARARGPREP	0
            	2	[1]	NEWTABLE 	0 3 4	; 4
            	3	[1]	LOADI    	1 1
            	4	[1]	LOADI    	2 2
            	5	[1]	LOADI    	3 3
            	6	[1]	SETFIELDK	0 0 1	; "x" 1
            	7	[1]	SETFIELDK	0 2 3	; "y" 2
            	8	[1]	SETIK    	0 10 4	; 3
            	9	[1]	GETTABUP 	4 0 5	; _ENV "f"
            	10	[1]	CALL     	4 1 2	; 0 in 1 out
            	11	[1]	GETTABUP 	5 0 6	; _ENV "g"
            	12	[1]	CALL     	5 1 0	; 0 in all out
            	13	[1]	SETLIST  	0 0 0
            	14	[1]	RETURN   	1 1 0	; 0 out
            constants (7):
            	0	S	"x"
            	1	I	1
            	2	S	"y"
            	3	I	2
            	4	I	3
            	5	S	"f"
            	6	S	"g"
            locals (1):
            	0	t	14	15
            upvalues (1):
            	0	_ENV	1	0
        "#]],
    );
}

#[test]
fn table_constructor_multret_last() {
    check(
        "local t = {f()}\nlocal u = {...}\nlocal v = {(f())}",
        expect![[r#"
            main <chunk:0,0> (13 instructions)
            0+ params, 4 slots, 1 upvalue, 3 locals, 1 constant, 0 functions
            	1	[1]	VARARGPREP	0
            	2	[1]	NEWTABLE 	0 0 0	; 0
            	3	[1]	GETTABUP 	1 0 0	; _ENV "f"
            	4	[1]	CALL     	1 1 0	; 0 in all out
            	5	[1]	SETLIST  	0 0 0
            	6	[2]	NEWTABLE 	1 0 0	; 0
            	7	[2]	VARARG   	2 0	; all out
            	8	[2]	SETLIST  	1 0 0
            	9	[3]	NEWTABLE 	2 0 1	; 1
            	10	[3]	GETTABUP 	3 0 0	; _ENV "f"
            	11	[3]	CALL     	3 1 2	; 0 in 1 out
            	12	[3]	SETLIST  	2 1 0
            	13	[3]	RETURN   	3 1 0	; 0 out
            constants (1):
            	0	S	"f"
            locals (3):
            	0	t	6	14
            	1	u	9	14
            	2	v	13	14
            upvalues (1):
            	0	_ENV	1	0
        "#]],
    );
}

#[test]
fn table_setlist_flush() {
    check(
        "local t = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55}",
        expect![[r#"
            main <chunk:0,0> (60 instructions)
            0+ params, 51 slots, 1 upvalue, 1 local, 0 constants, 0 functions
            	1	[1]	VARARGPREP	0
            	2	[1]	NEWTABLE 	0 0 55	; 55
            	3	[1]	LOADI    	1 1
            	4	[1]	LOADI    	2 2
            	5	[1]	LOADI    	3 3
            	6	[1]	LOADI    	4 4
            	7	[1]	LOADI    	5 5
            	8	[1]	LOADI    	6 6
            	9	[1]	LOADI    	7 7
            	10	[1]	LOADI    	8 8
            	11	[1]	LOADI    	9 9
            	12	[1]	LOADI    	10 10
            	13	[1]	LOADI    	11 11
            	14	[1]	LOADI    	12 12
            	15	[1]	LOADI    	13 13
            	16	[1]	LOADI    	14 14
            	17	[1]	LOADI    	15 15
            	18	[1]	LOADI    	16 16
            	19	[1]	LOADI    	17 17
            	20	[1]	LOADI    	18 18
            	21	[1]	LOADI    	19 19
            	22	[1]	LOADI    	20 20
            	23	[1]	LOADI    	21 21
            	24	[1]	LOADI    	22 22
            	25	[1]	LOADI    	23 23
            	26	[1]	LOADI    	24 24
            	27	[1]	LOADI    	25 25
            	28	[1]	LOADI    	26 26
            	29	[1]	LOADI    	27 27
            	30	[1]	LOADI    	28 28
            	31	[1]	LOADI    	29 29
            	32	[1]	LOADI    	30 30
            	33	[1]	LOADI    	31 31
            	34	[1]	LOADI    	32 32
            	35	[1]	LOADI    	33 33
            	36	[1]	LOADI    	34 34
            	37	[1]	LOADI    	35 35
            	38	[1]	LOADI    	36 36
            	39	[1]	LOADI    	37 37
            	40	[1]	LOADI    	38 38
            	41	[1]	LOADI    	39 39
            	42	[1]	LOADI    	40 40
            	43	[1]	LOADI    	41 41
            	44	[1]	LOADI    	42 42
            	45	[1]	LOADI    	43 43
            	46	[1]	LOADI    	44 44
            	47	[1]	LOADI    	45 45
            	48	[1]	LOADI    	46 46
            	49	[1]	LOADI    	47 47
            	50	[1]	LOADI    	48 48
            	51	[1]	LOADI    	49 49
            	52	[1]	LOADI    	50 50
            	53	[1]	SETLIST  	0 50 0
            	54	[1]	LOADI    	1 51
            	55	[1]	LOADI    	2 52
            	56	[1]	LOADI    	3 53
            	57	[1]	LOADI    	4 54
            	58	[1]	LOADI    	5 55
            	59	[1]	SETLIST  	0 5 50
            	60	[1]	RETURN   	1 1 0	; 0 out
            constants (0):
            locals (1):
            	0	t	60	61
            upvalues (1):
            	0	_ENV	1	0
        "#]],
    );
}

#[test]
fn index_forms() {
    check(
        "local t, k = ...\nreturn t.x, t[1], t[300], t[k], t['a b'], t.x.y.z, t[-1]",
        expect![[r#"
            main <chunk:0,0> (15 instructions)
            0+ params, 9 slots, 1 upvalue, 2 locals, 4 constants, 0 functions
            	1	[1]	VARARGPREP	0
            	2	[1]	VARARG   	0 3	; 2 out
            	3	[2]	GETFIELD 	2 0 0	; "x"
            	4	[2]	GETI     	3 0 1
            	5	[2]	LOADI    	4 300
            	6	[2]	GETTABLE 	4 0 4
            	7	[2]	GETTABLE 	5 0 1
            	8	[2]	GETFIELD 	6 0 1	; "a b"
            	9	[2]	GETFIELD 	7 0 0	; "x"
            	10	[2]	GETFIELD 	7 7 2	; "y"
            	11	[2]	GETFIELD 	7 7 3	; "z"
            	12	[2]	LOADI    	8 -1
            	13	[2]	GETTABLE 	8 0 8
            	14	[2]	RETURN   	2 8 0	; 7 out
            	15	[2]	RETURN   	2 1 0	; 0 out
            constants (4):
            	0	S	"x"
            	1	S	"a b"
            	2	S	"y"
            	3	S	"z"
            locals (2):
            	0	t	3	16
            	1	k	3	16
            upvalues (1):
            	0	_ENV	1	0
        "#]],
    );
}

#[test]
fn assign_index_forms() {
    check(
        "local t, k = ...\nt.x = 1\nt[1] = k\nt[k] = 'v'\nt[300] = true\ng.x = nil",
        expect![[r#"
            main <chunk:0,0> (10 instructions)
            0+ params, 3 slots, 1 upvalue, 2 locals, 6 constants, 0 functions
            	1	[1]	VARARGPREP	0
            	2	[1]	VARARG   	0 3	; 2 out
            	3	[2]	SETFIELDK	0 0 1	; "x" 1
            	4	[3]	SETI     	0 1 1
            	5	[4]	SETTABLEK	0 1 2	; "v"
            	6	[5]	LOADI    	2 300
            	7	[5]	SETTABLEK	0 2 3	; true
            	8	[6]	GETTABUP 	2 0 4	; _ENV "g"
            	9	[6]	SETFIELDK	2 0 5	; "x" nil
            	10	[6]	RETURN   	2 1 0	; 0 out
            constants (6):
            	0	S	"x"
            	1	I	1
            	2	S	"v"
            	3	B	true
            	4	S	"g"
            	5	N	nil
            locals (2):
            	0	t	3	11
            	1	k	3	11
            upvalues (1):
            	0	_ENV	1	0
        "#]],
    );
}

#[test]
fn multiple_assignment() {
    check(
        "local a, b, c = 1\na, b = b, a\na, b, c = f()\nx, y = 1",
        expect![[r#"
            main <chunk:0,0> (16 instructions)
            0+ params, 6 slots, 1 upvalue, 3 locals, 3 constants, 0 functions
            	1	[1]	VARARGPREP	0
            	2	[1]	LOADI    	0 1
            	3	[1]	LOADNIL  	1 1	; 2 out
            	4	[2]	MOVE     	3 1
            	5	[2]	MOVE     	1 0
            	6	[2]	MOVE     	0 3
            	7	[3]	GETTABUP 	3 0 0	; _ENV "f"
            	8	[3]	CALL     	3 1 4	; 0 in 3 out
            	9	[3]	MOVE     	2 5
            	10	[3]	MOVE     	1 4
            	11	[3]	MOVE     	0 3
            	12	[4]	LOADI    	3 1
            	13	[4]	LOADNIL  	4 0	; 1 out
            	14	[4]	SETTABUP 	0 2 4	; _ENV "y"
            	15	[4]	SETTABUP 	0 1 3	; _ENV "x"
            	16	[4]	RETURN   	3 1 0	; 0 out
            constants (3):
            	0	S	"f"
            	1	S	"x"
            	2	S	"y"
            locals (3):
            	0	a	4	17
            	1	b	4	17
            	2	c	4	17
            upvalues (1):
            	0	_ENV	1	0
        "#]],
    );
}

#[test]
fn assign_conflict() {
    check(
        "local a, t = ...\nt[a], a = 1, 2\na, a.x = 1, 2",
        expect![[r#"
            main <chunk:0,0> (10 instructions)
            0+ params, 4 slots, 1 upvalue, 2 locals, 2 constants, 0 functions
            	1	[1]	VARARGPREP	0
            	2	[1]	VARARG   	0 3	; 2 out
            	3	[2]	MOVE     	2 0
            	4	[2]	LOADI    	3 1
            	5	[2]	LOADI    	0 2
            	6	[2]	SETTABLE 	1 2 3
            	7	[3]	LOADI    	2 1
            	8	[3]	SETFIELDK	0 0 1	; "x" 2
            	9	[3]	MOVE     	0 2
            	10	[3]	RETURN   	2 1 0	; 0 out
            constants (2):
            	0	S	"x"
            	1	I	2
            locals (2):
            	0	a	3	11
            	1	t	3	11
            upvalues (1):
            	0	_ENV	1	0
        "#]],
    );
}

#[test]
fn assign_conflict_upvalue() {
    check(
        "local t = {}\nfunction f() t, t.x = 1, 2 end",
        expect![[r#"
            main <chunk:0,0> (5 instructions)
            0+ params, 2 slots, 1 upvalue, 1 local, 1 constant, 1 function
            	1	[1]	VARARGPREP	0
            	2	[1]	NEWTABLE 	0 0 0	; 0
            	3	[2]	CLOSURE  	1 0	; function <2,2>
            	4	[2]	SETTABUP 	0 0 1	; _ENV "f"
            	5	[2]	RETURN   	1 1 1	; 0 out
            constants (1):
            	0	S	"f"
            locals (1):
            	0	t	3	6
            upvalues (1):
            	0	_ENV	1	0

            function <chunk:2,2> (4 instructions)
            0 params, 2 slots, 1 upvalue, 0 locals, 2 constants, 0 functions
            	1	[2]	LOADI    	0 1
            	2	[2]	SETTABUPK	0 0 1	; t "x" 2
            	3	[2]	SETUPVAL 	0 0	; t
            	4	[2]	RETURN0  	
            constants (2):
            	0	S	"x"
            	1	I	2
            locals (0):
            upvalues (1):
            	0	t	1	0
        "#]],
    );
}

#[test]
fn call_forms() {
    check(
        "f()\nf(1, 2)\nf(g())\nf(g(), 1)\nf(...)\nlocal a = f()\nlocal b, c = f()\nf 'str'\nf {1}",
        expect![[r#"
            main <chunk:0,0> (32 instructions)
            0+ params, 6 slots, 1 upvalue, 3 locals, 3 constants, 0 functions
            	1	[1]	VARARGPREP	0
            	2	[1]	GETTABUP 	0 0 0	; _ENV "f"
            	3	[1]	CALL     	0 1 1	; 0 in 0 out
            	4	[2]	GETTABUP 	0 0 0	; _ENV "f"
            	5	[2]	LOADI    	1 1
            	6	[2]	LOADI    	2 2
            	7	[2]	CALL     	0 3 1	; 2 in 0 out
            	8	[3]	GETTABUP 	0 0 0	; _ENV "f"
            	9	[3]	GETTABUP 	1 0 1	; _ENV "g"
            	10	[3]	CALL     	1 1 0	; 0 in all out
            	11	[3]	CALL     	0 0 1	; all in 0 out
            	12	[4]	GETTABUP 	0 0 0	; _ENV "f"
            	13	[4]	GETTABUP 	1 0 1	; _ENV "g"
            	14	[4]	CALL     	1 1 2	; 0 in 1 out
            	15	[4]	LOADI    	2 1
            	16	[4]	CALL     	0 3 1	; 2 in 0 out
            	17	[5]	GETTABUP 	0 0 0	; _ENV "f"
            	18	[5]	VARARG   	1 0	; all out
            	19	[5]	CALL     	0 0 1	; all in 0 out
            	20	[6]	GETTABUP 	0 0 0	; _ENV "f"
            	21	[6]	CALL     	0 1 2	; 0 in 1 out
            	22	[7]	GETTABUP 	1 0 0	; _ENV "f"
            	23	[7]	CALL     	1 1 3	; 0 in 2 out
            	24	[8]	GETTABUP 	3 0 0	; _ENV "f"
            	25	[8]	LOADK    	4 2	; "str"
            	26	[8]	CALL     	3 2 1	; 1 in 0 out
            	27	[9]	GETTABUP 	3 0 0	; _ENV "f"
            	28	[9]	NEWTABLE 	4 0 1	; 1
            	29	[9]	LOADI    	5 1
            	30	[9]	SETLIST  	4 1 0
            	31	[9]	CALL     	3 2 1	; 1 in 0 out
            	32	[9]	RETURN   	3 1 0	; 0 out
            constants (3):
            	0	S	"f"
            	1	S	"g"
            	2	S	"str"
            locals (3):
            	0	a	22	33
            	1	b	24	33
            	2	c	24	33
            upvalues (1):
            	0	_ENV	1	0
        "#]],
    );
}

#[test]
fn method_calls() {
    check(
        "local o = ...\no:m(1)\no.a.b:c()\nreturn o:m(o:n())",
        expect![[r#"
            main <chunk:0,0> (15 instructions)
            0+ params, 5 slots, 1 upvalue, 1 local, 5 constants, 0 functions
            	1	[1]	VARARGPREP	0
            	2	[1]	VARARG   	0 2	; 1 out
            	3	[2]	SELFK    	1 0 0	; "m"
            	4	[2]	LOADI    	3 1
            	5	[2]	CALL     	1 3 1	; 2 in 0 out
            	6	[3]	GETFIELD 	1 0 1	; "a"
            	7	[3]	GETFIELD 	1 1 2	; "b"
            	8	[3]	SELFK    	1 1 3	; "c"
            	9	[3]	CALL     	1 2 1	; 1 in 0 out
            	10	[4]	SELFK    	1 0 0	; "m"
            	11	[4]	SELFK    	3 0 4	; "n"
            	12	[4]	CALL     	3 2 0	; 1 in all out
            	13	[4]	TAILCALL 	1 0 0	; -1 in
            	14	[4]	RETURN   	1 0 0	; all out
            	15	[4]	RETURN   	1 1 0	; 0 out
            constants (5):
            	0	S	"m"
            	1	S	"a"
            	2	S	"b"
            	3	S	"c"
            	4	S	"n"
            locals (1):
            	0	o	3	16
            upvalues (1):
            	0	_ENV	1	0
        "#]],
    );
}

#[test]
fn varargs() {
    check(
        "local a, b = ...\nlocal t = {...}\nprint(...)\nreturn ...",
        expect![[r#"
            main <chunk:0,0> (11 instructions)
            0+ params, 5 slots, 1 upvalue, 3 locals, 1 constant, 0 functions
            	1	[1]	VARARGPREP	0
            	2	[1]	VARARG   	0 3	; 2 out
            	3	[2]	NEWTABLE 	2 0 0	; 0
            	4	[2]	VARARG   	3 0	; all out
            	5	[2]	SETLIST  	2 0 0
            	6	[3]	GETTABUP 	3 0 0	; _ENV "print"
            	7	[3]	VARARG   	4 0	; all out
            	8	[3]	CALL     	3 0 1	; all in 0 out
            	9	[4]	VARARG   	3 0	; all out
            	10	[4]	RETURN   	3 0 0	; all out
            	11	[4]	RETURN   	3 1 0	; 0 out
            constants (1):
            	0	S	"print"
            locals (3):
            	0	a	3	12
            	1	b	3	12
            	2	t	6	12
            upvalues (1):
            	0	_ENV	1	0
        "#]],
    );
}

#[test]
fn vararg_function() {
    check(
        "local function f(a, ...)\n  local b, c = ...\n  return select('#', ...)\nend",
        expect![[r##"
            main <chunk:0,0> (3 instructions)
            0+ params, 2 slots, 1 upvalue, 1 local, 0 constants, 1 function
            	1	[1]	VARARGPREP	0
            	2	[4]	CLOSURE  	0 0	; function <1,4>
            	3	[4]	RETURN   	1 1 0	; 0 out
            constants (0):
            locals (1):
            	0	f	3	4
            upvalues (1):
            	0	_ENV	1	0

            function <chunk:1,4> (8 instructions)
            1+ param, 6 slots, 1 upvalue, 3 locals, 2 constants, 0 functions
            	1	[1]	VARARGPREP	1
            	2	[2]	VARARG   	1 3	; 2 out
            	3	[3]	GETTABUP 	3 0 0	; _ENV "select"
            	4	[3]	LOADK    	4 1	; "#"
            	5	[3]	VARARG   	5 0	; all out
            	6	[3]	TAILCALL 	3 0 0	; -1 in
            	7	[3]	RETURN   	3 0 0	; all out
            	8	[4]	RETURN   	3 1 0	; 0 out
            constants (2):
            	0	S	"select"
            	1	S	"#"
            locals (3):
            	0	a	1	9
            	1	b	3	9
            	2	c	3	9
            upvalues (1):
            	0	_ENV	0	0
        "##]],
    );
}

#[test]
fn paren_truncates() {
    check(
        "local a, b = (f())\nreturn (f()), (...)",
        expect![[r#"
            main <chunk:0,0> (9 instructions)
            0+ params, 4 slots, 1 upvalue, 2 locals, 1 constant, 0 functions
            	1	[1]	VARARGPREP	0
            	2	[1]	GETTABUP 	0 0 0	; _ENV "f"
            	3	[1]	CALL     	0 1 2	; 0 in 1 out
            	4	[1]	LOADNIL  	1 0	; 1 out
            	5	[2]	GETTABUP 	2 0 0	; _ENV "f"
            	6	[2]	CALL     	2 1 2	; 0 in 1 out
            	7	[2]	VARARG   	3 2	; 1 out
            	8	[2]	RETURN   	2 3 0	; 2 out
            	9	[2]	RETURN   	2 1 0	; 0 out
            constants (1):
            	0	S	"f"
            locals (2):
            	0	a	5	10
            	1	b	5	10
            upvalues (1):
            	0	_ENV	1	0
        "#]],
    );
}

#[test]
fn if_elseif_else() {
    check(
        "local a = ...\nif a == 1 then f(1) elseif a == 2 then f(2) else f(3) end",
        expect![[r#"
            main <chunk:0,0> (18 instructions)
            0+ params, 3 slots, 1 upvalue, 1 local, 1 constant, 0 functions
            	1	[1]	VARARGPREP	0
            	2	[1]	VARARG   	0 2	; 1 out
            	3	[2]	EQI      	0 1 0
            	4	[2]	JMP      	4	; to 9
            	5	[2]	GETTABUP 	1 0 0	; _ENV "f"
            	6	[2]	LOADI    	2 1
            	7	[2]	CALL     	1 2 1	; 1 in 0 out
            	8	[2]	JMP      	9	; to 18
            	9	[2]	EQI      	0 2 0
            	10	[2]	JMP      	4	; to 15
            	11	[2]	GETTABUP 	1 0 0	; _ENV "f"
            	12	[2]	LOADI    	2 2
            	13	[2]	CALL     	1 2 1	; 1 in 0 out
            	14	[2]	JMP      	3	; to 18
            	15	[2]	GETTABUP 	1 0 0	; _ENV "f"
            	16	[2]	LOADI    	2 3
            	17	[2]	CALL     	1 2 1	; 1 in 0 out
            	18	[2]	RETURN   	1 1 0	; 0 out
            constants (1):
            	0	S	"f"
            locals (1):
            	0	a	3	19
            upvalues (1):
            	0	_ENV	1	0
        "#]],
    );
}

#[test]
fn if_break() {
    check(
        "while true do\n  if g() then break end\n  f()\nend",
        expect![[r#"
            main <chunk:0,0> (10 instructions)
            0+ params, 2 slots, 1 upvalue, 0 locals, 2 constants, 0 functions
            	1	[1]	VARARGPREP	0
            	2	[2]	LOOP     	0 0
            	3	[2]	GETTABUP 	0 0 0	; _ENV "g"
            	4	[2]	CALL     	0 1 2	; 0 in 1 out
            	5	[2]	TEST     	0 1
            	6	[2]	JMP      	3	; to 10
            	7	[3]	GETTABUP 	0 0 1	; _ENV "f"
            	8	[3]	CALL     	0 1 1	; 0 in 0 out
            	9	[3]	JMP      	-8	; to 2
            	10	[4]	RETURN   	0 1 0	; 0 out
            constants (2):
            	0	S	"g"
            	1	S	"f"
            locals (0):
            upvalues (1):
            	0	_ENV	1	0
        "#]],
    );
}

#[test]
fn while_loop() {
    check(
        "local i = 0\nwhile i < 10 do i = i + 1 end",
        expect![[r#"
            main <chunk:0,0> (8 instructions)
            0+ params, 2 slots, 1 upvalue, 1 local, 0 constants, 0 functions
            	1	[1]	VARARGPREP	0
            	2	[1]	LOADI    	0 0
            	3	[2]	LOOP     	0 0
            	4	[2]	LTI      	0 10 0
            	5	[2]	JMP      	2	; to 8
            	6	[2]	ADDI     	0 0 1
            	7	[2]	JMP      	-5	; to 3
            	8	[2]	RETURN   	1 1 0	; 0 out
            constants (0):
            locals (1):
            	0	i	3	9
            upvalues (1):
            	0	_ENV	1	0
        "#]],
    );
}

#[test]
fn repeat_loop() {
    check(
        "local i = 0\nrepeat local j = i; i = i + 1 until j > 5",
        expect![[r#"
            main <chunk:0,0> (8 instructions)
            0+ params, 2 slots, 1 upvalue, 2 locals, 0 constants, 0 functions
            	1	[1]	VARARGPREP	0
            	2	[1]	LOADI    	0 0
            	3	[2]	LOOP     	0 0
            	4	[2]	MOVE     	1 0
            	5	[2]	ADDI     	0 0 1
            	6	[2]	GTI      	1 5 0
            	7	[2]	JMP      	-5	; to 3
            	8	[2]	RETURN   	1 1 0	; 0 out
            constants (0):
            locals (2):
            	0	i	3	9
            	1	j	5	8
            upvalues (1):
            	0	_ENV	1	0
        "#]],
    );
}

#[test]
fn repeat_with_upvalue() {
    check(
        "repeat\n  local x = f()\n  g(function() return x end)\nuntil x",
        expect![[r#"
            main <chunk:0,0> (14 instructions)
            0+ params, 3 slots, 1 upvalue, 1 local, 2 constants, 1 function
            	1	[1]	VARARGPREP	0
            	2	[2]	LOOP     	0 0
            	3	[2]	GETTABUP 	0 0 0	; _ENV "f"
            	4	[2]	CALL     	0 1 2	; 0 in 1 out
            	5	[3]	GETTABUP 	1 0 1	; _ENV "g"
            	6	[3]	CLOSURE  	2 0	; function <3,3>
            	7	[3]	CALL     	1 2 1	; 1 in 0 out
            	8	[4]	TEST     	0 0
            	9	[4]	JMP      	2	; to 12
            	10	[4]	CLOSE    	0
            	11	[4]	JMP      	2	; to 14
            	12	[4]	CLOSE    	0
            	13	[4]	JMP      	-12	; to 2
            	14	[4]	RETURN   	0 1 1	; 0 out
            constants (2):
            	0	S	"f"
            	1	S	"g"
            locals (1):
            	0	x	5	10
            upvalues (1):
            	0	_ENV	1	0

            function <chunk:3,3> (3 instructions)
            0 params, 2 slots, 1 upvalue, 0 locals, 0 constants, 0 functions
            	1	[3]	GETUPVAL 	0 0	; x
            	2	[3]	RETURN1  	0
            	3	[3]	RETURN0  	
            constants (0):
            locals (0):
            upvalues (1):
            	0	x	1	0
        "#]],
    );
}

#[test]
fn numeric_for() {
    check(
        "for i = 1, 10 do f(i) end\nfor i = 10, 1, -1 do f(i) end",
        expect![[r#"
            main <chunk:0,0> (18 instructions)
            0+ params, 6 slots, 1 upvalue, 8 locals, 1 constant, 0 functions
            	1	[1]	VARARGPREP	0
            	2	[1]	LOADI    	0 1
            	3	[1]	LOADI    	1 10
            	4	[1]	LOADI    	2 1
            	5	[1]	FORPREP  	0 3	; exit to 10
            	6	[1]	GETTABUP 	4 0 0	; _ENV "f"
            	7	[1]	MOVE     	5 3
            	8	[1]	CALL     	4 2 1	; 1 in 0 out
            	9	[1]	FORLOOP  	0 4	; to 6
            	10	[2]	LOADI    	0 10
            	11	[2]	LOADI    	1 1
            	12	[2]	LOADI    	2 -1
            	13	[2]	FORPREP  	0 3	; exit to 18
            	14	[2]	GETTABUP 	4 0 0	; _ENV "f"
            	15	[2]	MOVE     	5 3
            	16	[2]	CALL     	4 2 1	; 1 in 0 out
            	17	[2]	FORLOOP  	0 4	; to 14
            	18	[2]	RETURN   	0 1 0	; 0 out
            constants (1):
            	0	S	"f"
            locals (8):
            	0	(for state)	5	10
            	1	(for state)	5	10
            	2	(for state)	5	10
            	3	i	6	9
            	4	(for state)	13	18
            	5	(for state)	13	18
            	6	(for state)	13	18
            	7	i	14	17
            upvalues (1):
            	0	_ENV	1	0
        "#]],
    );
}

#[test]
fn generic_for() {
    check(
        "for k, v in pairs(t) do f(k, v) end\nfor a, b, c, d in next, t do end",
        expect![[r#"
            main <chunk:0,0> (20 instructions)
            0+ params, 9 slots, 1 upvalue, 14 locals, 4 constants, 0 functions
            	1	[1]	VARARGPREP	0
            	2	[1]	GETTABUP 	0 0 0	; _ENV "pairs"
            	3	[1]	GETTABUP 	1 0 1	; _ENV "t"
            	4	[1]	CALL     	0 2 5	; 1 in 4 out
            	5	[1]	TFORPREP 	0 4	; to 10
            	6	[1]	GETTABUP 	6 0 2	; _ENV "f"
            	7	[1]	MOVE     	7 4
            	8	[1]	MOVE     	8 5
            	9	[1]	CALL     	6 3 1	; 2 in 0 out
            	10	[1]	TFORCALL 	0 2
            	11	[1]	TFORLOOP 	0 6	; to 6
            	12	[1]	CLOSE    	0
            	13	[2]	GETTABUP 	0 0 3	; _ENV "next"
            	14	[2]	GETTABUP 	1 0 1	; _ENV "t"
            	15	[2]	LOADNIL  	2 1	; 2 out
            	16	[2]	TFORPREP 	0 0	; to 17
            	17	[2]	TFORCALL 	0 4
            	18	[2]	TFORLOOP 	0 2	; to 17
            	19	[2]	CLOSE    	0
            	20	[2]	RETURN   	0 1 1	; 0 out
            constants (4):
            	0	S	"pairs"
            	1	S	"t"
            	2	S	"f"
            	3	S	"next"
            locals (14):
            	0	(for state)	5	12
            	1	(for state)	5	12
            	2	(for state)	5	12
            	3	(for state)	5	12
            	4	k	6	10
            	5	v	6	10
            	6	(for state)	16	19
            	7	(for state)	16	19
            	8	(for state)	16	19
            	9	(for state)	16	19
            	10	a	17	17
            	11	b	17	17
            	12	c	17	17
            	13	d	17	17
            upvalues (1):
            	0	_ENV	1	0
        "#]],
    );
}

#[test]
fn nested_loops_break() {
    check(
        "for i = 1, 3 do\n  while true do\n    if i then break end\n  end\n  break\nend",
        expect![[r#"
            main <chunk:0,0> (12 instructions)
            0+ params, 4 slots, 1 upvalue, 4 locals, 0 constants, 0 functions
            	1	[1]	VARARGPREP	0
            	2	[1]	LOADI    	0 1
            	3	[1]	LOADI    	1 3
            	4	[1]	LOADI    	2 1
            	5	[1]	FORPREP  	0 5	; exit to 12
            	6	[3]	LOOP     	0 0
            	7	[3]	TEST     	3 1
            	8	[3]	JMP      	3	; to 12
            	9	[3]	JMP      	-4	; to 6
            	10	[5]	JMP      	1	; to 12
            	11	[1]	FORLOOP  	0 6	; to 6
            	12	[6]	RETURN   	0 1 0	; 0 out
            constants (0):
            locals (4):
            	0	(for state)	5	12
            	1	(for state)	5	12
            	2	(for state)	5	12
            	3	i	6	11
            upvalues (1):
            	0	_ENV	1	0
        "#]],
    );
}

#[test]
fn goto_forward_backward() {
    check(
        "local i = 1\n::top::\ni = i + 1\nif i < 3 then goto top end\ngoto done\nf()\n::done::",
        expect![[r#"
            main <chunk:0,0> (12 instructions)
            0+ params, 2 slots, 1 upvalue, 1 local, 1 constant, 0 functions
            	1	[1]	VARARGPREP	0
            	2	[1]	LOADI    	0 1
            	3	[3]	LOOP     	0 0
            	4	[3]	ADDI     	0 0 1
            	5	[4]	LTI      	0 3 0
            	6	[4]	JMP      	4	; to 11
            	7	[4]	JMP      	-5	; to 3
            	8	[5]	JMP      	2	; to 11
            	9	[6]	GETTABUP 	1 0 0	; _ENV "f"
            	10	[6]	CALL     	1 1 1	; 0 in 0 out
            	11	[7]	LOOP     	0 0
            	12	[7]	RETURN   	1 1 0	; 0 out
            constants (1):
            	0	S	"f"
            locals (1):
            	0	i	3	13
            upvalues (1):
            	0	_ENV	1	0
        "#]],
    );
}

#[test]
fn goto_continue() {
    check(
        "for i = 1, 3 do\n  if i == 2 then goto continue end\n  local x = i\n  f(function() return x end)\n  ::continue::\nend",
        expect![[r#"
            main <chunk:0,0> (16 instructions)
            0+ params, 7 slots, 1 upvalue, 5 locals, 1 constant, 1 function
            	1	[1]	VARARGPREP	0
            	2	[1]	LOADI    	0 1
            	3	[1]	LOADI    	1 3
            	4	[1]	LOADI    	2 1
            	5	[1]	FORPREP  	0 9	; exit to 16
            	6	[2]	EQI      	3 2 0
            	7	[2]	JMP      	1	; to 9
            	8	[2]	JMP      	4	; to 13
            	9	[3]	MOVE     	4 3
            	10	[4]	GETTABUP 	5 0 0	; _ENV "f"
            	11	[4]	CLOSURE  	6 0	; function <4,4>
            	12	[4]	CALL     	5 2 1	; 1 in 0 out
            	13	[5]	LOOP     	0 0
            	14	[5]	CLOSE    	4
            	15	[1]	FORLOOP  	0 10	; to 6
            	16	[6]	RETURN   	0 1 1	; 0 out
            constants (1):
            	0	S	"f"
            locals (5):
            	0	(for state)	5	16
            	1	(for state)	5	16
            	2	(for state)	5	16
            	3	i	6	15
            	4	x	10	14
            upvalues (1):
            	0	_ENV	1	0

            function <chunk:4,4> (3 instructions)
            0 params, 2 slots, 1 upvalue, 0 locals, 0 constants, 0 functions
            	1	[4]	GETUPVAL 	0 0	; x
            	2	[4]	RETURN1  	0
            	3	[4]	RETURN0  	
            constants (0):
            locals (0):
            upvalues (1):
            	0	x	1	4
        "#]],
    );
}

#[test]
fn closures_upvalues() {
    check(
        "local a = 1\nlocal function f()\n  local b = 2\n  return function() return a + b end\nend\nreturn f",
        expect![[r#"
            main <chunk:0,0> (5 instructions)
            0+ params, 2 slots, 1 upvalue, 2 locals, 0 constants, 1 function
            	1	[1]	VARARGPREP	0
            	2	[1]	LOADI    	0 1
            	3	[5]	CLOSURE  	1 0	; function <2,5>
            	4	[6]	RETURN   	1 2 1	; 1 out
            	5	[6]	RETURN   	2 1 1	; 0 out
            constants (0):
            locals (2):
            	0	a	3	6
            	1	f	4	6
            upvalues (1):
            	0	_ENV	1	0

            function <chunk:2,5> (4 instructions)
            0 params, 2 slots, 1 upvalue, 1 local, 0 constants, 1 function
            	1	[3]	LOADI    	0 2
            	2	[4]	CLOSURE  	1 0	; function <4,4>
            	3	[4]	RETURN   	1 2 1	; 1 out
            	4	[5]	RETURN   	1 1 1	; 0 out
            constants (0):
            locals (1):
            	0	b	2	5
            upvalues (1):
            	0	a	1	0

            function <chunk:4,4> (5 instructions)
            0 params, 2 slots, 2 upvalues, 0 locals, 0 constants, 0 functions
            	1	[4]	GETUPVAL 	0 0	; a
            	2	[4]	GETUPVAL 	1 1	; b
            	3	[4]	ADD      	0 0 1
            	4	[4]	RETURN1  	0
            	5	[4]	RETURN0  	
            constants (0):
            locals (0):
            upvalues (2):
            	0	a	0	0
            	1	b	1	0
        "#]],
    );
}

#[test]
fn local_function_recursive() {
    check(
        "local function fact(n)\n  if n <= 1 then return 1 end\n  return n * fact(n - 1)\nend\nreturn fact(5)",
        expect![[r#"
            main <chunk:0,0> (7 instructions)
            0+ params, 3 slots, 1 upvalue, 1 local, 0 constants, 1 function
            	1	[1]	VARARGPREP	0
            	2	[4]	CLOSURE  	0 0	; function <1,4>
            	3	[5]	MOVE     	1 0
            	4	[5]	LOADI    	2 5
            	5	[5]	TAILCALL 	1 2 1	; 1 in
            	6	[5]	RETURN   	1 0 1	; all out
            	7	[5]	RETURN   	1 1 1	; 0 out
            constants (0):
            locals (1):
            	0	fact	3	8
            upvalues (1):
            	0	_ENV	1	0

            function <chunk:1,4> (10 instructions)
            1 param, 3 slots, 1 upvalue, 1 local, 1 constant, 0 functions
            	1	[2]	LEI      	0 1 0
            	2	[2]	JMP      	2	; to 5
            	3	[2]	LOADI    	1 1
            	4	[2]	RETURN1  	1
            	5	[3]	GETUPVAL 	1 0	; fact
            	6	[3]	SUBK     	2 0 0	; 1
            	7	[3]	CALL     	1 2 2	; 1 in 1 out
            	8	[3]	MUL      	1 0 1
            	9	[3]	RETURN1  	1
            	10	[4]	RETURN0  	
            constants (1):
            	0	I	1
            locals (1):
            	0	n	1	11
            upvalues (1):
            	0	fact	1	0
        "#]],
    );
}

#[test]
fn function_statements() {
    check(
        "function f() end\nfunction a.b.c() end\nfunction a.b:m(x) return self, x end",
        expect![[r#"
            main <chunk:0,0> (12 instructions)
            0+ params, 2 slots, 1 upvalue, 0 locals, 5 constants, 3 functions
            	1	[1]	VARARGPREP	0
            	2	[1]	CLOSURE  	0 0	; function <1,1>
            	3	[1]	SETTABUP 	0 0 0	; _ENV "f"
            	4	[2]	GETTABUP 	0 0 1	; _ENV "a"
            	5	[2]	GETFIELD 	0 0 2	; "b"
            	6	[2]	CLOSURE  	1 1	; function <2,2>
            	7	[2]	SETFIELD 	0 3 1	; "c"
            	8	[3]	GETTABUP 	0 0 1	; _ENV "a"
            	9	[3]	GETFIELD 	0 0 2	; "b"
            	10	[3]	CLOSURE  	1 2	; function <3,3>
            	11	[3]	SETFIELD 	0 4 1	; "m"
            	12	[3]	RETURN   	0 1 0	; 0 out
            constants (5):
            	0	S	"f"
            	1	S	"a"
            	2	S	"b"
            	3	S	"c"
            	4	S	"m"
            locals (0):
            upvalues (1):
            	0	_ENV	1	0

            function <chunk:1,1> (1 instruction)
            0 params, 2 slots, 0 upvalues, 0 locals, 0 constants, 0 functions
            	1	[1]	RETURN0  	
            constants (0):
            locals (0):
            upvalues (0):

            function <chunk:2,2> (1 instruction)
            0 params, 2 slots, 0 upvalues, 0 locals, 0 constants, 0 functions
            	1	[2]	RETURN0  	
            constants (0):
            locals (0):
            upvalues (0):

            function <chunk:3,3> (4 instructions)
            2 params, 4 slots, 0 upvalues, 2 locals, 0 constants, 0 functions
            	1	[3]	MOVE     	2 0
            	2	[3]	MOVE     	3 1
            	3	[3]	RETURN   	2 3 0	; 2 out
            	4	[3]	RETURN0  	
            constants (0):
            locals (2):
            	0	self	1	5
            	1	x	1	5
            upvalues (0):
        "#]],
    );
}

#[test]
fn return_forms() {
    check(
        "local function f(a, b)\n  if a then return end\n  if b then return a end\n  return a, b\nend\nreturn f(1, 2)",
        expect![[r#"
            main <chunk:0,0> (8 instructions)
            0+ params, 4 slots, 1 upvalue, 1 local, 0 constants, 1 function
            	1	[1]	VARARGPREP	0
            	2	[5]	CLOSURE  	0 0	; function <1,5>
            	3	[6]	MOVE     	1 0
            	4	[6]	LOADI    	2 1
            	5	[6]	LOADI    	3 2
            	6	[6]	TAILCALL 	1 3 0	; 2 in
            	7	[6]	RETURN   	1 0 0	; all out
            	8	[6]	RETURN   	1 1 0	; 0 out
            constants (0):
            locals (1):
            	0	f	3	9
            upvalues (1):
            	0	_ENV	1	0

            function <chunk:1,5> (10 instructions)
            2 params, 4 slots, 0 upvalues, 2 locals, 0 constants, 0 functions
            	1	[2]	TEST     	0 0
            	2	[2]	JMP      	1	; to 4
            	3	[2]	RETURN0  	
            	4	[3]	TEST     	1 0
            	5	[3]	JMP      	1	; to 7
            	6	[3]	RETURN1  	0
            	7	[4]	MOVE     	2 0
            	8	[4]	MOVE     	3 1
            	9	[4]	RETURN   	2 3 0	; 2 out
            	10	[5]	RETURN0  	
            constants (0):
            locals (2):
            	0	a	1	11
            	1	b	1	11
            upvalues (0):
        "#]],
    );
}

#[test]
fn tail_call_and_close() {
    check(
        "local function f()\n  local x <close> = g()\n  return h(x)\nend\nlocal function k()\n  local y = 1\n  local c = function() return y end\n  return c()\nend",
        expect![[r#"
            main <chunk:0,0> (4 instructions)
            0+ params, 2 slots, 1 upvalue, 2 locals, 0 constants, 2 functions
            	1	[1]	VARARGPREP	0
            	2	[4]	CLOSURE  	0 0	; function <1,4>
            	3	[9]	CLOSURE  	1 1	; function <5,9>
            	4	[9]	RETURN   	2 1 0	; 0 out
            constants (0):
            locals (2):
            	0	f	3	5
            	1	k	4	5
            upvalues (1):
            	0	_ENV	1	0

            function <chunk:1,4> (8 instructions)
            0 params, 3 slots, 1 upvalue, 1 local, 2 constants, 0 functions
            	1	[2]	GETTABUP 	0 0 0	; _ENV "g"
            	2	[2]	CALL     	0 1 2	; 0 in 1 out
            	3	[2]	TBC      	0
            	4	[3]	GETTABUP 	1 0 1	; _ENV "h"
            	5	[3]	MOVE     	2 0
            	6	[3]	CALL     	1 2 0	; 1 in all out
            	7	[3]	RETURN   	1 0 1	; all out
            	8	[4]	RETURN   	1 1 1	; 0 out
            constants (2):
            	0	S	"g"
            	1	S	"h"
            locals (1):
            	0	x	3	9
            upvalues (1):
            	0	_ENV	0	0

            function <chunk:5,9> (6 instructions)
            0 params, 3 slots, 0 upvalues, 2 locals, 0 constants, 1 function
            	1	[6]	LOADI    	0 1
            	2	[7]	CLOSURE  	1 0	; function <7,7>
            	3	[8]	MOVE     	2 1
            	4	[8]	TAILCALL 	2 1 1	; 0 in
            	5	[8]	RETURN   	2 0 1	; all out
            	6	[9]	RETURN   	2 1 1	; 0 out
            constants (0):
            locals (2):
            	0	y	2	7
            	1	c	3	7
            upvalues (0):

            function <chunk:7,7> (3 instructions)
            0 params, 2 slots, 1 upvalue, 0 locals, 0 constants, 0 functions
            	1	[7]	GETUPVAL 	0 0	; y
            	2	[7]	RETURN1  	0
            	3	[7]	RETURN0  	
            constants (0):
            locals (0):
            upvalues (1):
            	0	y	1	0
        "#]],
    );
}

#[test]
fn block_close_captured() {
    check(
        "do\n  local x = 1\n  f(function() return x end)\nend\ndo local y = 2 end",
        expect![[r#"
            main <chunk:0,0> (8 instructions)
            0+ params, 3 slots, 1 upvalue, 2 locals, 1 constant, 1 function
            	1	[1]	VARARGPREP	0
            	2	[2]	LOADI    	0 1
            	3	[3]	GETTABUP 	1 0 0	; _ENV "f"
            	4	[3]	CLOSURE  	2 0	; function <3,3>
            	5	[3]	CALL     	1 2 1	; 1 in 0 out
            	6	[3]	CLOSE    	0
            	7	[5]	LOADI    	0 2
            	8	[5]	RETURN   	0 1 1	; 0 out
            constants (1):
            	0	S	"f"
            locals (2):
            	0	x	3	6
            	1	y	8	8
            upvalues (1):
            	0	_ENV	1	0

            function <chunk:3,3> (3 instructions)
            0 params, 2 slots, 1 upvalue, 0 locals, 0 constants, 0 functions
            	1	[3]	GETUPVAL 	0 0	; x
            	2	[3]	RETURN1  	0
            	3	[3]	RETURN0  	
            constants (0):
            locals (0):
            upvalues (1):
            	0	x	1	0
        "#]],
    );
}

#[test]
fn local_env() {
    check(
        "local _ENV = {print = print}\nprint(x)\ny = 1",
        expect![[r#"
            main <chunk:0,0> (9 instructions)
            0+ params, 3 slots, 1 upvalue, 1 local, 4 constants, 0 functions
            	1	[1]	VARARGPREP	0
            	2	[1]	NEWTABLE 	0 1 0	; 0
            	3	[1]	GETTABUP 	1 0 0	; _ENV "print"
            	4	[1]	SETFIELD 	0 0 1	; "print"
            	5	[2]	GETFIELD 	1 0 0	; "print"
            	6	[2]	GETFIELD 	2 0 1	; "x"
            	7	[2]	CALL     	1 2 1	; 1 in 0 out
            	8	[3]	SETFIELDK	0 2 3	; "y" 1
            	9	[3]	RETURN   	1 1 0	; 0 out
            constants (4):
            	0	S	"print"
            	1	S	"x"
            	2	S	"y"
            	3	I	1
            locals (1):
            	0	_ENV	5	10
            upvalues (1):
            	0	_ENV	1	0
        "#]],
    );
}

#[test]
fn env_upvalue_in_function() {
    check(
        "local function f() return x end\nfunction g() y = 1 end",
        expect![[r#"
            main <chunk:0,0> (5 instructions)
            0+ params, 2 slots, 1 upvalue, 1 local, 1 constant, 2 functions
            	1	[1]	VARARGPREP	0
            	2	[1]	CLOSURE  	0 0	; function <1,1>
            	3	[2]	CLOSURE  	1 1	; function <2,2>
            	4	[2]	SETTABUP 	0 0 1	; _ENV "g"
            	5	[2]	RETURN   	1 1 0	; 0 out
            constants (1):
            	0	S	"g"
            locals (1):
            	0	f	3	6
            upvalues (1):
            	0	_ENV	1	0

            function <chunk:1,1> (3 instructions)
            0 params, 2 slots, 1 upvalue, 0 locals, 1 constant, 0 functions
            	1	[1]	GETTABUP 	0 0 0	; _ENV "x"
            	2	[1]	RETURN1  	0
            	3	[1]	RETURN0  	
            constants (1):
            	0	S	"x"
            locals (0):
            upvalues (1):
            	0	_ENV	0	0

            function <chunk:2,2> (2 instructions)
            0 params, 2 slots, 1 upvalue, 0 locals, 2 constants, 0 functions
            	1	[2]	SETTABUPK	0 0 1	; _ENV "y" 1
            	2	[2]	RETURN0  	
            constants (2):
            	0	S	"y"
            	1	I	1
            locals (0):
            upvalues (1):
            	0	_ENV	0	0
        "#]],
    );
}

#[test]
fn string_escapes() {
    check(
        "return 'a\\nb\\t\\0c\"\\\\', \"\\200\"",
        expect![[r#"
            main <chunk:0,0> (5 instructions)
            0+ params, 2 slots, 1 upvalue, 0 locals, 2 constants, 0 functions
            	1	[1]	VARARGPREP	0
            	2	[1]	LOADK    	0 0	; "a\nb\t\000c\"\\"
            	3	[1]	LOADK    	1 1	; "\200"
            	4	[1]	RETURN   	0 3 0	; 2 out
            	5	[1]	RETURN   	0 1 0	; 0 out
            constants (2):
            	0	S	"a\nb\t\000c\"\\"
            	1	S	"\200"
            locals (0):
            upvalues (1):
            	0	_ENV	1	0
        "#]],
    );
}

#[test]
fn float_constants() {
    check(
        "return 1.5, 1e100, -0.0, 2^53, 0.1, 3.0, 1e15",
        expect![[r#"
            main <chunk:0,0> (11 instructions)
            0+ params, 7 slots, 1 upvalue, 0 locals, 5 constants, 0 functions
            	1	[1]	VARARGPREP	0
            	2	[1]	LOADK    	0 0	; 1.5
            	3	[1]	LOADK    	1 1	; 1e+100
            	4	[1]	LOADF    	2 0
            	5	[1]	UNM      	2 2
            	6	[1]	LOADK    	3 2	; 9.007199254741e+15
            	7	[1]	LOADK    	4 3	; 0.1
            	8	[1]	LOADF    	5 3
            	9	[1]	LOADK    	6 4	; 1e+15
            	10	[1]	RETURN   	0 8 0	; 7 out
            	11	[1]	RETURN   	0 1 0	; 0 out
            constants (5):
            	0	F	1.5
            	1	F	1e+100
            	2	F	9.007199254741e+15
            	3	F	0.1
            	4	F	1e+15
            locals (0):
            upvalues (1):
            	0	_ENV	1	0
        "#]],
    );
}

#[test]
fn long_string_key() {
    check(
        "local t = ...\nreturn t['xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx']",
        expect![[r#"
            main <chunk:0,0> (6 instructions)
            0+ params, 2 slots, 1 upvalue, 1 local, 1 constant, 0 functions
            	1	[1]	VARARGPREP	0
            	2	[1]	VARARG   	0 2	; 1 out
            	3	[2]	LOADK    	1 0	; "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
            	4	[2]	GETTABLE 	1 0 1
            	5	[2]	RETURN   	1 2 0	; 1 out
            	6	[2]	RETURN   	1 1 0	; 0 out
            constants (1):
            	0	S	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
            locals (1):
            	0	t	3	7
            upvalues (1):
            	0	_ENV	1	0
        "#]],
    );
}

#[test]
fn multiline_lines() {
    check(
        "local t = {\n  1,\n  f(\n    2\n  ),\n}\nlocal x =\n  t[1] +\n  t[2]",
        expect![[r#"
            main <chunk:0,0> (11 instructions)
            0+ params, 4 slots, 1 upvalue, 2 locals, 1 constant, 0 functions
            	1	[1]	VARARGPREP	0
            	2	[1]	NEWTABLE 	0 0 1	; 1
            	3	[2]	LOADI    	1 1
            	4	[3]	GETTABUP 	2 0 0	; _ENV "f"
            	5	[5]	LOADI    	3 2
            	6	[3]	CALL     	2 2 0	; 1 in all out
            	7	[6]	SETLIST  	0 0 0
            	8	[8]	GETI     	1 0 1
            	9	[9]	GETI     	2 0 2
            	10	[8]	ADD      	1 1 2
            	11	[9]	RETURN   	2 1 0	; 0 out
            constants (1):
            	0	S	"f"
            locals (2):
            	0	t	8	12
            	1	x	11	12
            upvalues (1):
            	0	_ENV	1	0
        "#]],
    );
}
