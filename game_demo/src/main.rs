//! game_demo: a small top-down game whose level and AI logic live in Lua scripts.

fn main() {
    println!("game_demo: not built yet");
}
