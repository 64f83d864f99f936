//! The `probe-build` command.

fn main() {
    eprintln!("probe-build: not written yet");
    std::process::exit(2);
}
