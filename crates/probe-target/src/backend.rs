use crate::arch::Arch;

/// How probes are emitted for a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Backend {
    /// SystemTap SDT notes and semaphores (Linux).
    Sdt(Arch),
    /// DTrace on macOS: each site calls a symbol Apple's `ld64` rewrites
    /// (`__dtrace_probe$PROV$NAME$v1$...`, `__dtrace_isenabled$PROV$NAME$v1`).
    Macos(Arch),
    /// DTrace on illumos/Solaris and FreeBSD, for code whose objects the
    /// build cannot hand to `dtrace -G` itself (Rust): each site calls a C
    /// shim function, whose call to `__dtrace_PROV___NAME` the system
    /// `dtrace -G` rewrites.
    DtraceShim(DtraceSystem),
    /// Probes compiled out: the same API, and no code at all.
    Disabled,
}

/// The DTrace systems whose `dtrace -G` rewrites call sites in objects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum DtraceSystem {
    /// illumos and Solaris.
    #[default]
    Illumos,
    /// FreeBSD (and its derivatives).
    FreeBsd,
}

/// The architectures whose SDT argument syntax the Rust generator knows.
const RUST_SDT_ARCHS: [Arch; 5] = [
    Arch::X86_64,
    Arch::Aarch64,
    Arch::Powerpc64,
    Arch::S390x,
    Arch::Riscv64,
];

impl Backend {
    /// The backend of Rust code for a `target_os` / `target_arch` pair (as
    /// Cargo gives them in `CARGO_CFG_TARGET_OS` and `CARGO_CFG_TARGET_ARCH`),
    /// or why there is none. New platforms plug in here.
    pub fn for_rust_target(os: &str, arch: &str) -> Result<Backend, String> {
        let known = Arch::from_rust_target_arch(arch);
        match os {
            "linux" | "android" => match known.filter(|a| RUST_SDT_ARCHS.contains(a)) {
                Some(a) => Ok(Backend::Sdt(a)),
                None => Err(format!(
                    "no SDT probe support for target architecture `{arch}` yet (x86_64, \
                     aarch64, powerpc64, s390x and riscv64 are supported)"
                )),
            },
            "macos" => match known.filter(|a| matches!(a, Arch::X86_64 | Arch::Aarch64)) {
                Some(a) => Ok(Backend::Macos(a)),
                None => Err(format!(
                    "no DTrace probe support for macOS on `{arch}` (x86_64 and aarch64 are \
                     supported)"
                )),
            },
            "illumos" | "solaris" => Ok(Backend::DtraceShim(DtraceSystem::Illumos)),
            "freebsd" => Ok(Backend::DtraceShim(DtraceSystem::FreeBsd)),
            "ios" | "tvos" | "watchos" | "visionos" => Err(format!("no DTrace on `{os}` devices")),
            "" => Err("the target OS is unknown (CARGO_CFG_TARGET_OS is not set)".to_string()),
            _ => Err(format!("no probe mechanism for target OS `{os}`")),
        }
    }

    /// The `target_os` and `target_arch` of a Rust target triple
    /// (`aarch64-unknown-linux-gnu`, `x86_64-apple-darwin`,
    /// `x86_64-unknown-illumos`), as Cargo would set them.
    pub fn rust_os_and_arch(triple: &str) -> (String, String) {
        let parts: Vec<&str> = triple.split('-').collect();
        let arch = match parts.first().copied().unwrap_or("") {
            "i386" | "i586" | "i686" => "x86",
            "riscv64gc" | "riscv64imac" => "riscv64",
            "riscv32gc" | "riscv32imac" | "riscv32imc" | "riscv32i" => "riscv32",
            "powerpc64le" => "powerpc64",
            "arm64" => "aarch64",
            a if a.starts_with("armv") || a.starts_with("thumbv") || a == "armebv7r" => "arm",
            a => a,
        };
        let os = parts
            .iter()
            .skip(1)
            .find_map(|p| match *p {
                "linux" => Some("linux"),
                "android" | "androideabi" => Some("android"),
                "darwin" | "macos" => Some("macos"),
                "ios" => Some("ios"),
                "tvos" => Some("tvos"),
                "watchos" => Some("watchos"),
                "visionos" => Some("visionos"),
                "illumos" => Some("illumos"),
                "solaris" => Some("solaris"),
                "freebsd" => Some("freebsd"),
                "windows" => Some("windows"),
                "none" => Some("none"),
                _ => None,
            })
            .unwrap_or("unknown");
        (os.to_string(), arch.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_follows_the_target() {
        assert_eq!(
            Backend::for_rust_target("linux", "x86_64"),
            Ok(Backend::Sdt(Arch::X86_64))
        );
        assert_eq!(
            Backend::for_rust_target("linux", "aarch64"),
            Ok(Backend::Sdt(Arch::Aarch64))
        );
        assert!(Backend::for_rust_target("linux", "mips")
            .unwrap_err()
            .contains("mips"));
        assert!(Backend::for_rust_target("linux", "x86")
            .unwrap_err()
            .contains("x86"));
        assert!(Backend::for_rust_target("windows", "x86_64")
            .unwrap_err()
            .contains("windows"));
        assert_eq!(
            Backend::for_rust_target("macos", "aarch64"),
            Ok(Backend::Macos(Arch::Aarch64))
        );
        assert!(Backend::for_rust_target("macos", "powerpc")
            .unwrap_err()
            .contains("powerpc"));
        assert!(Backend::for_rust_target("ios", "aarch64")
            .unwrap_err()
            .contains("ios"));
        assert_eq!(
            Backend::for_rust_target("solaris", "x86_64"),
            Ok(Backend::DtraceShim(DtraceSystem::Illumos))
        );
        assert_eq!(
            Backend::for_rust_target("freebsd", "aarch64"),
            Ok(Backend::DtraceShim(DtraceSystem::FreeBsd))
        );
    }

    #[test]
    fn rust_triples() {
        let split = |t| {
            let (os, arch) = Backend::rust_os_and_arch(t);
            format!("{os}/{arch}")
        };
        assert_eq!(split("x86_64-unknown-linux-gnu"), "linux/x86_64");
        assert_eq!(split("aarch64-apple-darwin"), "macos/aarch64");
        assert_eq!(split("i686-unknown-linux-gnu"), "linux/x86");
        assert_eq!(split("riscv64gc-unknown-linux-gnu"), "linux/riscv64");
        assert_eq!(split("powerpc64le-unknown-linux-gnu"), "linux/powerpc64");
        assert_eq!(split("x86_64-unknown-illumos"), "illumos/x86_64");
        assert_eq!(split("x86_64-pc-solaris"), "solaris/x86_64");
        assert_eq!(split("aarch64-unknown-freebsd"), "freebsd/aarch64");
        assert_eq!(split("armv7-unknown-linux-gnueabihf"), "linux/arm");
        assert_eq!(split("x86_64-pc-windows-msvc"), "windows/x86_64");
    }
}
