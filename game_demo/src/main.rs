//! game_demo: a small top-down game whose level and AI logic live in Lua scripts.
//! This file parses the command line and picks windowed or headless; see the
//! library for the game.

use std::path::PathBuf;
use std::process::ExitCode;

use game_demo::{Options, build_app, run_headless};

const USAGE: &str = "\
usage: game_demo [options]

  (no options)          play in a window; with no display, run headless instead
  --headless            no window, no renderer: run the game and print a summary
  --frames N            stop after N frames (headless default: 600)
  --scripts DIR         script root (default: the repository's scripts/)
  --autopilot           a script plays (scripts/ai/autopilot.lua)
  --no-reload           do not watch the scripts for changes
  --realtime            headless: run at 60 frames per second, not as fast as possible
  --status N            headless: print a status line every N frames
  --screenshot PATH     windowed: save a PNG of the window at frame N (--frames), then exit
  --debugger-open       windowed: open the debugger (F1) at start
  -h, --help            this text

Controls: WASD or arrows move, Space pulses (hurts enemies nearby), F1 toggles the
debugger. Edit any file under scripts/ while the game runs: it reloads at once.";

/// Frames a headless run lasts when `--frames` is not given.
const DEFAULT_HEADLESS_FRAMES: u64 = 600;

struct Args {
    opts: Options,
    headless: bool,
}

fn parse(mut it: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut opts = Options::default();
    let mut headless = false;
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().ok_or(format!("{name} needs a value"));
        match a.as_str() {
            "--headless" => headless = true,
            "--frames" => {
                let v = value("--frames")?;
                opts.frames = Some(
                    v.parse()
                        .map_err(|_| format!("--frames: '{v}' is not a number of frames"))?,
                );
            }
            "--scripts" => opts.scripts = PathBuf::from(value("--scripts")?),
            "--autopilot" => opts.autopilot = true,
            "--no-reload" => opts.hot_reload = false,
            "--realtime" => opts.realtime = true,
            "--status" => {
                let v = value("--status")?;
                opts.status_every = Some(
                    v.parse()
                        .ok()
                        .filter(|n| *n > 0)
                        .ok_or(format!("--status: '{v}' is not a positive number"))?,
                );
            }
            "--screenshot" => opts.screenshot = Some(PathBuf::from(value("--screenshot")?)),
            "--debugger-open" => opts.debugger_open = true,
            "-h" | "--help" => return Ok(None),
            other => return Err(format!("unknown option '{other}'")),
        }
    }
    if opts.screenshot.is_some() && opts.frames.is_none() {
        opts.frames = Some(120);
    }
    Ok(Some(Args { opts, headless }))
}

fn has_display() -> bool {
    let set = |v: &str| std::env::var_os(v).is_some_and(|s| !s.is_empty());
    set("DISPLAY") || set("WAYLAND_DISPLAY")
}

fn headless(opts: &mut Options) -> ExitCode {
    opts.headless = true;
    if opts.frames.is_none() {
        opts.frames = Some(DEFAULT_HEADLESS_FRAMES);
    }
    let summary = run_headless(opts);
    println!("{summary}");
    ExitCode::SUCCESS
}

fn main() -> ExitCode {
    let args = match parse(std::env::args().skip(1)) {
        Ok(Some(a)) => a,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("game_demo: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let mut opts = args.opts;
    if !opts.scripts.join(game_demo::MAIN_SCRIPT).is_file() {
        eprintln!(
            "game_demo: no {} in the script folder {} (use --scripts DIR)",
            game_demo::MAIN_SCRIPT,
            opts.scripts.display()
        );
        return ExitCode::from(2);
    }
    if args.headless {
        return headless(&mut opts);
    }
    if !has_display() {
        println!(
            "game_demo: no display (DISPLAY and WAYLAND_DISPLAY are unset): running headless \
             instead, at 60 frames per second for {} frames, with a status line every 2 s.\n\
             (run it on a desktop to play, or under `xvfb-run` for a virtual screen)",
            opts.frames.unwrap_or(DEFAULT_HEADLESS_FRAMES)
        );
        opts.realtime = true;
        opts.status_every.get_or_insert(120);
        return headless(&mut opts);
    }
    // Window creation fails by panicking inside Bevy's winit plugin (no X server
    // behind DISPLAY, no GPU adapter): catch it and fall back to headless.
    let prev = std::panic::take_hook();
    std::panic::set_hook(Box::new(|info| {
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown error".into());
        eprintln!("game_demo: the window could not be used: {msg}");
    }));
    let windowed = opts.clone();
    let run = std::panic::catch_unwind(move || {
        let mut app = build_app(&windowed);
        app.run();
    });
    std::panic::set_hook(prev);
    match run {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => {
            println!("game_demo: running headless instead (see above).");
            opts.realtime = true;
            opts.status_every.get_or_insert(120);
            headless(&mut opts)
        }
    }
}
