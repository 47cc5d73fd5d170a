//! `elua`: a lua(1)-compatible command-line interpreter.

fn main() {
    println!("{}", engine_lua::lua::VERSION_BANNER);
}
