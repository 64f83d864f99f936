//! `rust-and-c`, linked with GNU ld instead of the default linker (see
//! build.rs), so the tests cover semaphores under both linkers.
#![deny(warnings)]

#[path = "app.rs"]
mod app;

fn main() {
    app::run();
}
