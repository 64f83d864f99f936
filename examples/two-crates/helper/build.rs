fn main() {
    probe_build::Build::new().file("probes.d").compile();
}
