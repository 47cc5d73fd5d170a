//! Conformance and differential tests for engine_lua: the helpers the test binaries in
//! `tests/tests/` share.
//!
//! * `tests/lua/*.lua`: one topic per script, each run under both `elua` and the
//!   reference `lua5.4`; stdout, stderr (program name normalised) and the exit status
//!   must be identical (`tests/differential.rs`).
//! * `tests/lua_expected/*.lua`: golden scripts for the few places where Debian's
//!   lua5.4 (5.4.4) differs from 5.4.7, which we follow; each has a `.expected` file
//!   with its standard output (and an optional `.stderr`).
//! * `bench/*.lua`: the benchmark programs, run with a small size argument under both
//!   interpreters (`tests/programs.rs`).
//!
//! Environment: `ELUA_TEST=name` (a substring; comma-separated for several) runs only
//! the matching scripts; `ELUA_BIN=/path/to/elua` overrides the binary under test;
//! `LUA_REF=lua5.4` overrides the reference interpreter.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What one interpreter run produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// Standard output.
    pub stdout: String,
    /// Standard error, with the program name at the start of lines normalised to `lua`.
    pub stderr: String,
    /// Exit status (`None`: killed by a signal or by the timeout).
    pub status: Option<i32>,
    /// Whether the run was killed by the timeout.
    pub timed_out: bool,
}

/// Per-run time limit.
pub const TIMEOUT: Duration = Duration::from_secs(60);

/// The workspace root (the parent of this package's folder).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// The reference interpreter's command; panics with instructions if it is missing.
pub fn reference_lua() -> String {
    let lua = std::env::var("LUA_REF").unwrap_or_else(|_| "lua5.4".to_owned());
    let ok = Command::new(&lua)
        .arg("-v")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        ok,
        "\n\nThe differential tests need the reference interpreter `{lua}`, which is not \
         installed (or not on PATH).\nInstall it with `apt-get install lua5.4` (or run \
         .ci/run, which does), or set LUA_REF to a Lua 5.4 interpreter.\n"
    );
    lua
}

/// The `elua` binary under test: `ELUA_BIN`, else next to this test executable
/// (`target/<profile>/elua`), built with `cargo build -p engine_lua_cli` in the same
/// profile if it is missing.
pub fn elua_binary() -> PathBuf {
    if let Ok(path) = std::env::var("ELUA_BIN") {
        return PathBuf::from(path);
    }
    let exe = std::env::current_exe().expect("current_exe");
    // target/<profile>/deps/<test-binary>
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("test binary lives in target/<profile>/deps")
        .to_path_buf();
    let elua = profile_dir.join(format!("elua{}", std::env::consts::EXE_SUFFIX));
    if elua.exists() {
        return elua;
    }
    let profile = profile_dir
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("debug");
    let target_dir = profile_dir.parent().expect("target dir").to_path_buf();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(workspace_root())
        .args(["build", "-p", "engine_lua_cli", "--bin", "elua"])
        .env("CARGO_TARGET_DIR", &target_dir);
    match profile {
        "debug" => {}
        "release" => {
            cmd.arg("--release");
        }
        other => {
            cmd.args(["--profile", other]);
        }
    }
    let status = cmd.status().expect("run cargo build for elua");
    assert!(status.success(), "building elua failed");
    assert!(
        elua.exists(),
        "cargo build did not produce {}",
        elua.display()
    );
    elua
}

/// Runs `program args...` in `dir` with empty stdin, capturing output, with a timeout.
pub fn run(program: &Path, args: &[&str], dir: &Path) -> Outcome {
    run_with(program, args, dir, None, &[])
}

/// Runs `program args...` in `dir` with `stdin` as standard input (`None`: empty) and
/// extra environment variables, capturing output, with a timeout. `LUA_INIT` and
/// `LUA_INIT_5_4` are removed from the environment unless given in `env`.
pub fn run_with(
    program: &Path,
    args: &[&str],
    dir: &Path,
    stdin: Option<&[u8]>,
    env: &[(&str, &str)],
) -> Outcome {
    let mut command = Command::new(program);
    command
        .args(args)
        .current_dir(dir)
        .env_remove("LUA_INIT")
        .env_remove("LUA_INIT_5_4")
        .env_remove("RUST_BACKTRACE")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (key, value) in env {
        command.env(key, value);
    }
    let mut child = command
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", program.display()));
    if let Some(input) = stdin {
        let mut pipe = child.stdin.take().expect("stdin");
        let input = input.to_vec();
        std::thread::spawn(move || {
            use std::io::Write;
            let _ = pipe.write_all(&input);
        });
    }
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let out_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = out.read_to_end(&mut buf);
        buf
    });
    let err_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = err.read_to_end(&mut buf);
        buf
    });
    let start = Instant::now();
    let mut timed_out = false;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if start.elapsed() > TIMEOUT => {
                let _ = child.kill();
                timed_out = true;
                break child.wait().expect("wait");
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => panic!("wait for {}: {e}", program.display()),
        }
    };
    let stdout = bytes_to_text(&out_reader.join().unwrap_or_default());
    let stderr = bytes_to_text(&err_reader.join().unwrap_or_default());
    let progname = program.to_string_lossy();
    Outcome {
        stdout,
        stderr: normalise_progname(&stderr, &progname),
        status: status.code(),
        timed_out,
    }
}

/// Output bytes as text: valid UTF-8 as is, every other byte as `\xNN` (so two outputs
/// that differ only in invalid bytes still compare unequal).
pub fn bytes_to_text(mut bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    loop {
        match std::str::from_utf8(bytes) {
            Ok(valid) => {
                out.push_str(valid);
                return out;
            }
            Err(error) => {
                let (valid, rest) = bytes.split_at(error.valid_up_to());
                out.push_str(std::str::from_utf8(valid).expect("valid prefix"));
                let bad = error.error_len().unwrap_or(rest.len());
                for byte in &rest[..bad] {
                    out.push_str(&format!("\\x{byte:02x}"));
                }
                bytes = &rest[bad..];
            }
        }
    }
}

/// Replaces `progname:` at the start of each line with `lua:`, and the program name in
/// lua.c's usage line (`usage: progname [options]`) with `lua`.
pub fn normalise_progname(text: &str, progname: &str) -> String {
    let prefix = format!("{progname}:");
    let usage = format!("usage: {progname} ");
    text.split_inclusive('\n')
        .map(|line| {
            if let Some(rest) = line.strip_prefix(&prefix) {
                format!("lua:{rest}")
            } else if let Some(rest) = line.strip_prefix(&usage) {
                format!("usage: lua {rest}")
            } else {
                line.to_owned()
            }
        })
        .collect()
}

/// Whether `name` passes the `ELUA_TEST` filter.
pub fn selected(name: &str) -> bool {
    match std::env::var("ELUA_TEST") {
        Ok(filter) if !filter.trim().is_empty() => filter
            .split(',')
            .map(str::trim)
            .any(|f| !f.is_empty() && name.contains(f)),
        _ => true,
    }
}

/// The `.lua` files of a folder, sorted by name.
pub fn lua_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "lua"))
        .collect();
    files.sort();
    files
}

/// A line diff of `expected` against `actual` in a unified-like format (`-` expected,
/// `+` actual, two lines of context), at most `max_lines` lines.
pub fn diff(expected: &str, actual: &str, max_lines: usize) -> String {
    let a: Vec<&str> = expected.lines().collect();
    let b: Vec<&str> = actual.lines().collect();
    // Trim the common prefix and suffix, then LCS on the middle (bounded size).
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let am = &a[prefix..a.len() - suffix];
    let bm = &b[prefix..b.len() - suffix];
    let mut ops: Vec<(char, &str)> = Vec::new();
    if am.len() * bm.len() <= 4_000_000 {
        let (n, m) = (am.len(), bm.len());
        let mut lcs = vec![0u32; (n + 1) * (m + 1)];
        for i in (0..n).rev() {
            for j in (0..m).rev() {
                lcs[i * (m + 1) + j] = if am[i] == bm[j] {
                    lcs[(i + 1) * (m + 1) + j + 1] + 1
                } else {
                    lcs[(i + 1) * (m + 1) + j].max(lcs[i * (m + 1) + j + 1])
                };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < n || j < m {
            if i < n && j < m && am[i] == bm[j] {
                ops.push((' ', am[i]));
                i += 1;
                j += 1;
            } else if i < n && (j == m || lcs[(i + 1) * (m + 1) + j] >= lcs[i * (m + 1) + j + 1]) {
                ops.push(('-', am[i]));
                i += 1;
            } else {
                ops.push(('+', bm[j]));
                j += 1;
            }
        }
    } else {
        ops.extend(am.iter().map(|l| ('-', *l)));
        ops.extend(bm.iter().map(|l| ('+', *l)));
    }
    let mut out = String::new();
    let context_before = &a[prefix.saturating_sub(2)..prefix];
    if prefix > 2 {
        out.push_str(&format!("@@ after line {} @@\n", prefix - 2));
    }
    let tail = &a[a.len() - suffix..][..suffix.min(2)];
    let lines = context_before
        .iter()
        .map(|l| (' ', *l))
        .chain(ops)
        .chain(tail.iter().map(|l| (' ', *l)));
    for (count, (tag, line)) in lines.enumerate() {
        if count == max_lines {
            out.push_str("  ... (diff truncated)\n");
            break;
        }
        out.push_str(&format!("{tag} {line}\n"));
    }
    if expected.ends_with('\n') != actual.ends_with('\n') {
        out.push_str("  (the outputs differ in the final newline)\n");
    }
    out
}

/// Compares an outcome with the expected one; `None` if equal, else a report.
pub fn compare(expected: &Outcome, actual: &Outcome) -> Option<String> {
    let mut report = String::new();
    if actual.timed_out {
        report.push_str(&format!("  elua timed out after {} s\n", TIMEOUT.as_secs()));
    }
    if expected.status != actual.status {
        report.push_str(&format!(
            "  exit status: expected {:?}, got {:?}\n",
            expected.status, actual.status
        ));
    }
    if expected.stdout != actual.stdout {
        report.push_str("  stdout differs (- lua5.4, + elua):\n");
        report.push_str(&indent(&diff(&expected.stdout, &actual.stdout, 40)));
    }
    if expected.stderr != actual.stderr {
        report.push_str("  stderr differs (- lua5.4, + elua):\n");
        report.push_str(&indent(&diff(&expected.stderr, &actual.stderr, 20)));
    }
    (!report.is_empty()).then_some(report)
}

/// The first line of a failure report that says what went wrong (for summaries).
pub fn first_symptom(report: &str) -> String {
    report
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("- ") || l.starts_with("+ ") || l.starts_with("elua timed"))
        .or_else(|| report.lines().next().map(str::trim))
        .unwrap_or("")
        .to_owned()
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("    {l}\n")).collect()
}

/// Runs `jobs` on up to `workers` threads, returning results in the jobs' order.
pub fn parallel_map<T: Sync, R: Send>(
    jobs: &[T],
    workers: usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: Vec<std::sync::Mutex<Option<R>>> =
        jobs.iter().map(|_| std::sync::Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..workers.max(1) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    if i >= jobs.len() {
                        break;
                    }
                    let r = f(&jobs[i]);
                    *results[i].lock().unwrap() = Some(r);
                }
            });
        }
    });
    results
        .into_iter()
        .map(|m| m.into_inner().unwrap().expect("job ran"))
        .collect()
}

/// Runs each job, collects failures and panics with one report listing all of them.
/// `what` names the kind of case (for the summary).
pub fn check_all(what: &str, names: &[String], results: Vec<Option<String>>) {
    let failures: Vec<(&String, String)> = names
        .iter()
        .zip(results)
        .filter_map(|(n, r)| r.map(|r| (n, r)))
        .collect();
    let passed = names.len() - failures.len();
    eprintln!("{what}: {passed} of {} passed", names.len());
    if failures.is_empty() {
        return;
    }
    let mut message = format!("\n{} of {} {what} failed:\n", failures.len(), names.len());
    for (name, report) in &failures {
        message.push_str(&format!("  {name}: {}\n", first_symptom(report)));
    }
    message.push_str("\nDetails:\n");
    for (name, report) in &failures {
        message.push_str(&format!("\n== {name}\n{report}"));
    }
    message.push_str(&format!(
        "\n{} of {} {what} failed (run one with ELUA_TEST=<name>)\n",
        failures.len(),
        names.len()
    ));
    panic!("{message}");
}
