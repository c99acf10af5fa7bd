//! The `ontop` binary: everything it does is the library's `entry`, so the library can
//! keep the rest private.

fn main() -> std::process::ExitCode {
    ontop::main()
}
