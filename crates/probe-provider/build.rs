// Records the host triple so the preprocessor can ask the `cc` crate for
// the C compiler at run time, the way a build script would find it.
fn main() {
    let target = std::env::var("TARGET").unwrap_or_default();
    println!("cargo:rustc-env=PROBE_PROVIDER_HOST={target}");
    println!("cargo:rerun-if-changed=build.rs");
}
