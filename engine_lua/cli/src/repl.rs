//! The read-eval-print loop, as `lua.c`'s `doREPL`.
//!
//! Each entry is first tried as `return <line>` (so `1+1` prints `2`); if that does not
//! compile, the line is compiled as a statement, and while the syntax error is at the
//! end of the input (the message ends in `<eof>`) another line is read with the
//! continuation prompt and appended. A first line starting with `=` means `return`
//! (5.2 compatibility, still in lua.c). Errors are printed without the program name.

use std::io::{self, BufRead, Write};

use engine_lua::lua::{Error, Lua};

/// Primary prompt.
const PROMPT: &str = "> ";
/// Continuation prompt.
const PROMPT2: &str = ">> ";
/// The chunk name of every REPL entry.
const CHUNKNAME: &str = "=stdin";

/// Prints `prompt`, reads one line from `input` without its newline; `None` at end of
/// input.
fn read_line(lua: &mut Lua, input: &mut impl BufRead, prompt: &str) -> Option<Vec<u8>> {
    lua.flush_stdout();
    let mut out = io::stdout().lock();
    let _ = out.write_all(prompt.as_bytes());
    let _ = out.flush();
    drop(out);
    let mut line = Vec::new();
    match input.read_until(b'\n', &mut line) {
        Ok(0) | Err(_) => None,
        Ok(_) => {
            if line.last() == Some(&b'\n') {
                line.pop();
            }
            Some(line)
        }
    }
}

/// Whether a compile error means "the statement is not finished yet".
fn incomplete(error: &Error) -> bool {
    matches!(error, Error::Syntax { message, .. } if message.ends_with("<eof>"))
}

/// Reads and compiles one entry; `None` at end of input.
fn load_entry(lua: &mut Lua, input: &mut impl BufRead) -> Option<Result<engine_lua::Chunk, Error>> {
    let mut line = read_line(lua, input, PROMPT)?;
    if line.first() == Some(&b'=') {
        let mut with_return = b"return ".to_vec();
        with_return.extend_from_slice(&line[1..]);
        line = with_return;
    }
    let mut with_return = b"return ".to_vec();
    with_return.extend_from_slice(&line);
    if let Ok(chunk) = lua.load_buffer(&with_return, CHUNKNAME) {
        return Some(Ok(chunk));
    }
    loop {
        match lua.load_buffer(&line, CHUNKNAME) {
            Err(error) if incomplete(&error) => match read_line(lua, input, PROMPT2) {
                Some(more) => {
                    line.push(b'\n');
                    line.extend_from_slice(&more);
                }
                None => return Some(Err(error)),
            },
            result => return Some(result),
        }
    }
}

/// Runs the loop until end of input.
pub fn run(lua: &mut Lua) {
    let stdin = io::stdin();
    let mut input = stdin.lock();
    while let Some(entry) = load_entry(lua, &mut input) {
        let result = entry.and_then(|chunk| lua.run_and_print(&chunk));
        if let Err(error) = result {
            lua.flush_stdout();
            eprintln!("{}", crate::error_text(&error));
        }
    }
    lua.flush_stdout();
    println!();
}
