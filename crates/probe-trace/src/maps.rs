//! `/proc/PID/maps` and `/proc/PID/auxv`: which files a process has mapped
//! where, and where its dynamic linker is.

use std::io;
use std::path::PathBuf;

use nix::unistd::Pid;

/// One line of `/proc/PID/maps`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapping {
    pub start: u64,
    pub end: u64,
    pub readable: bool,
    pub writable: bool,
    pub executable: bool,
    /// `p`: a private (copy-on-write) mapping. Breakpoints and semaphores
    /// are only ever written into private mappings: a write into a shared
    /// file mapping would change the file itself.
    pub private: bool,
    pub offset: u64,
    /// The device as the kernel prints it, `major:minor` in hexadecimal.
    pub major: u32,
    pub minor: u32,
    pub inode: u64,
    /// The file, or a pseudo-name (`[stack]`, `[vdso]`); `None` for an
    /// anonymous mapping. A file deleted since it was mapped keeps its
    /// ` (deleted)` suffix.
    pub path: Option<PathBuf>,
}

impl Mapping {
    pub fn contains(&self, address: u64, len: u64) -> bool {
        address >= self.start && address.saturating_add(len) <= self.end
    }

    /// A file mapping (not anonymous, not `[vdso]`).
    pub fn is_file(&self) -> bool {
        self.inode != 0 && self.path.is_some()
    }
}

pub fn read_maps(pid: Pid) -> io::Result<Vec<Mapping>> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/maps"))?;
    Ok(parse_maps(&text))
}

pub fn parse_maps(text: &str) -> Vec<Mapping> {
    text.lines().filter_map(parse_line).collect()
}

fn parse_line(line: &str) -> Option<Mapping> {
    // 55b30d0a3000-55b30d0a8000 r-xp 00002000 fe:00 247774    /usr/bin/sleep
    let mut fields = line.splitn(6, ' ');
    let range = fields.next()?;
    let perms = fields.next()?.as_bytes();
    let offset = fields.next()?;
    let device = fields.next()?;
    let inode = fields.next()?;
    let path = fields.next().map(str::trim_start).filter(|p| !p.is_empty());
    let (start, end) = range.split_once('-')?;
    let (major, minor) = device.split_once(':')?;
    if perms.len() < 4 {
        return None;
    }
    Some(Mapping {
        start: u64::from_str_radix(start, 16).ok()?,
        end: u64::from_str_radix(end, 16).ok()?,
        readable: perms[0] == b'r',
        writable: perms[1] == b'w',
        executable: perms[2] == b'x',
        private: perms[3] == b'p',
        offset: u64::from_str_radix(offset, 16).ok()?,
        major: u32::from_str_radix(major, 16).ok()?,
        minor: u32::from_str_radix(minor, 16).ok()?,
        inode: inode.parse().ok()?,
        path: path.map(PathBuf::from),
    })
}

/// `AT_BASE` from the auxiliary vector: where the program interpreter (the
/// dynamic linker) was loaded, 0 for a static program.
pub fn interpreter_base(pid: Pid) -> io::Result<u64> {
    let data = std::fs::read(format!("/proc/{pid}/auxv"))?;
    Ok(auxv_value(&data, 8, AT_BASE).unwrap_or(0))
}

const AT_BASE: u64 = 7;

fn auxv_value(data: &[u8], word: usize, key: u64) -> Option<u64> {
    let read = |bytes: &[u8]| -> u64 {
        let mut buf = [0u8; 8];
        buf[..word].copy_from_slice(bytes);
        u64::from_ne_bytes(buf)
    };
    for pair in data.chunks_exact(2 * word) {
        let (k, v) = (read(&pair[..word]), read(&pair[word..]));
        if k == 0 {
            break;
        }
        if k == key {
            return Some(v);
        }
    }
    None
}

/// The thread-group id of a task: the process it belongs to.
pub fn thread_group(tid: Pid) -> io::Result<Pid> {
    status_field(tid, "Tgid:")
        .and_then(|v| v.parse().ok())
        .map(Pid::from_raw)
        .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "no Tgid"))
}

/// Whether a signal is pending for the task itself (`SigPnd:`) and not
/// blocked (`SigBlk:`): the kernel delivers it as soon as the task runs.
pub fn signal_deliverable(tid: Pid, signal: i32) -> bool {
    let has = |field: &str| {
        status_field(tid, field)
            .and_then(|v| u64::from_str_radix(&v, 16).ok())
            .is_some_and(|mask| mask & (1u64 << (signal - 1)) != 0)
    };
    has("SigPnd:") && !has("SigBlk:")
}

fn status_field(tid: Pid, name: &str) -> Option<String> {
    let text = std::fs::read_to_string(format!("/proc/{tid}/status")).ok()?;
    text.lines()
        .find_map(|line| line.strip_prefix(name))
        .map(|v| v.trim().to_string())
}

/// The threads of a process.
pub fn threads(pid: Pid) -> io::Result<Vec<Pid>> {
    let mut tids = Vec::new();
    for entry in std::fs::read_dir(format!("/proc/{pid}/task"))? {
        if let Some(tid) = entry?.file_name().to_str().and_then(|n| n.parse().ok()) {
            tids.push(Pid::from_raw(tid));
        }
    }
    tids.sort();
    Ok(tids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines() {
        let maps = parse_maps(
            "55b30d0a3000-55b30d0a8000 r-xp 00002000 fe:00 247774                     /usr/bin/sleep\n\
             7f5f77692000-7f5f776b8000 rw-s 00000000 08:1f 326279 /tmp/a file (deleted)\n\
             7ffd1b5e6000-7ffd1b607000 rw-p 00000000 00:00 0                          [stack]\n\
             7f0000000000-7f0000001000 ---p 00000000 00:00 0\n",
        );
        assert_eq!(maps.len(), 4);
        assert_eq!(
            maps[0],
            Mapping {
                start: 0x55b30d0a3000,
                end: 0x55b30d0a8000,
                readable: true,
                writable: false,
                executable: true,
                private: true,
                offset: 0x2000,
                major: 0xfe,
                minor: 0,
                inode: 247774,
                path: Some("/usr/bin/sleep".into()),
            }
        );
        assert!(maps[0].is_file());
        assert!(maps[0].contains(0x55b30d0a7fff, 1));
        assert!(!maps[0].contains(0x55b30d0a7fff, 2));
        assert!(!maps[1].private && maps[1].writable);
        assert_eq!(maps[1].minor, 0x1f);
        assert_eq!(maps[1].path, Some("/tmp/a file (deleted)".into()));
        assert!(!maps[2].is_file());
        assert_eq!(maps[3].path, None);
    }

    #[test]
    fn own_process() {
        let me = nix::unistd::getpid();
        let maps = read_maps(me).unwrap();
        let code = lines as *const () as u64;
        assert!(maps.iter().any(|m| m.executable && m.contains(code, 1)));
        assert_eq!(thread_group(me).unwrap(), me);
        assert!(threads(me).unwrap().contains(&me));
        // Test binaries are dynamically linked.
        assert_ne!(interpreter_base(me).unwrap(), 0);
        assert!(!signal_deliverable(me, 5));
    }
}
