//! The Linux header: SystemTap SDT notes, compatible with `dtrace -h`.
