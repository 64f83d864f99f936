//! A binary with its own provider (`app`) calling a library crate with
//! another one (`helper`).
#![deny(warnings)]

mod probes {
    include!(concat!(env!("OUT_DIR"), "/probes.rs"));
}

fn main() {
    probes::app::main_start(std::env::args().count() as i32);
    let data: Vec<u8> = (1..=10).collect();
    let sum = two_crates_helper::checksum(&data);
    probes::app::main_done(sum);
    println!(
        "sum {sum} helper enabled {}",
        two_crates_helper::traced() as u8
    );
}
