//! A traced process's memory, through `/proc/PID/mem`: reads of argument
//! values and strings, and the writes that put breakpoints in and take them
//! out again. The kernel lets a tracer write there even on read-only text
//! pages (it breaks copy-on-write, as for `PTRACE_POKETEXT`), and only a
//! tracer, or a process allowed to become one, may open it.

use std::fs::{File, OpenOptions};
use std::io;
use std::os::unix::fs::FileExt;

use nix::unistd::Pid;

/// Something argument values are read from.
pub trait Memory {
    /// Reads what is readable from `address` on into `buf`, stopping at the
    /// first unreadable byte; returns how many bytes were read.
    fn read_some(&self, address: u64, buf: &mut [u8]) -> usize;

    /// Reads all of `buf`, or fails.
    fn read_exact(&self, address: u64, buf: &mut [u8]) -> bool {
        self.read_some(address, buf) == buf.len()
    }
}

/// The memory of one process (one address space).
#[derive(Debug)]
pub struct ProcessMemory {
    file: File,
}

impl ProcessMemory {
    pub fn open(pid: Pid) -> io::Result<ProcessMemory> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .open(format!("/proc/{pid}/mem"))?;
        Ok(ProcessMemory { file })
    }

    /// Writes all of `data` at `address`.
    pub fn write(&self, address: u64, data: &[u8]) -> io::Result<()> {
        self.file.write_all_at(data, address)
    }
}

impl Memory for ProcessMemory {
    fn read_some(&self, address: u64, buf: &mut [u8]) -> usize {
        let mut done = 0;
        while done < buf.len() {
            match self
                .file
                .read_at(&mut buf[done..], address.wrapping_add(done as u64))
            {
                Ok(0) | Err(_) => break,
                Ok(n) => done += n,
            }
        }
        done
    }
}

/// A NUL-terminated string at `address`, at most `max` bytes of it, and
/// whether it was cut there. `None` when not even one byte can be read.
pub fn read_c_string(memory: &dyn Memory, address: u64, max: usize) -> Option<(Vec<u8>, bool)> {
    let mut buf = vec![0u8; max];
    let read = memory.read_some(address, &mut buf);
    if read == 0 && max > 0 {
        return None;
    }
    buf.truncate(read);
    match buf.iter().position(|&b| b == 0) {
        Some(end) => {
            buf.truncate(end);
            Some((buf, false))
        }
        // Cut at `max`, or at the end of the readable memory.
        None => Some((buf, true)),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Bytes at a fixed address, for decoding tests: a snapshot of real
    /// memory (a stack read under qemu), or built by hand.
    pub struct Snapshot {
        pub start: u64,
        pub bytes: Vec<u8>,
    }

    impl Memory for Snapshot {
        fn read_some(&self, address: u64, buf: &mut [u8]) -> usize {
            let Some(offset) = address.checked_sub(self.start) else {
                return 0;
            };
            let offset = offset as usize;
            if offset >= self.bytes.len() {
                return 0;
            }
            let n = buf.len().min(self.bytes.len() - offset);
            buf[..n].copy_from_slice(&self.bytes[offset..offset + n]);
            n
        }
    }

    #[test]
    fn strings() {
        let snapshot = Snapshot {
            start: 0x1000,
            bytes: b"hello\0world".to_vec(),
        };
        assert_eq!(
            read_c_string(&snapshot, 0x1000, 64),
            Some((b"hello".to_vec(), false))
        );
        assert_eq!(
            read_c_string(&snapshot, 0x1000, 3),
            Some((b"hel".to_vec(), true))
        );
        // Runs into unreadable memory: what was there, marked cut.
        assert_eq!(
            read_c_string(&snapshot, 0x1006, 64),
            Some((b"world".to_vec(), true))
        );
        assert_eq!(read_c_string(&snapshot, 0x2000, 64), None);
    }

    #[test]
    fn own_memory() {
        let text = b"in this very process\0";
        let memory = ProcessMemory::open(nix::unistd::getpid()).unwrap();
        let (string, cut) = read_c_string(&memory, text.as_ptr() as u64, 64).unwrap();
        assert_eq!(string, b"in this very process");
        assert!(!cut);
        assert_eq!(read_c_string(&memory, 8, 64), None);
    }
}
