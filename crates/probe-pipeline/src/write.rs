//! Writing outputs atomically.
//!
//! Each output goes to a fresh temporary file in the target folder (its name
//! unique to this process, call and a random number) and is renamed over the
//! target only when complete. So a failed run leaves nothing behind, a reader
//! never sees half a file, and two identical runs at once (`make -j` starting
//! the same `dtrace -h` rule twice) each rename a complete file of their own.

use std::collections::hash_map::RandomState;
use std::fs::{self, OpenOptions};
use std::hash::{BuildHasher, Hasher};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

/// Like [`write_atomically`], but leaves a file that already holds
/// `contents` untouched, time stamp included, so that build tools (Cargo,
/// make) see nothing new. Returns whether the file was written.
pub fn write_if_changed(path: &Path, contents: &[u8]) -> io::Result<bool> {
    if fs::read(path).is_ok_and(|old| old == contents) {
        return Ok(false);
    }
    write_atomically(path, contents).map(|()| true)
}

/// Writes `contents` to a unique temporary file beside `path`, then renames
/// it to `path`. On any error the temporary file is removed.
///
/// An existing target that is not a regular file (`/dev/null`, a FIFO) is
/// written in place: renaming over it would replace the device.
pub fn write_atomically(path: &Path, contents: &[u8]) -> io::Result<()> {
    if let Ok(metadata) = fs::metadata(path) {
        if !metadata.is_file() && !metadata.is_dir() {
            let mut file = OpenOptions::new().write(true).open(path)?;
            return file.write_all(contents).and_then(|()| file.flush());
        }
    }
    let (temp_path, mut file) = create_temp_beside(path)?;
    let result = file
        .write_all(contents)
        .and_then(|()| file.flush())
        .and_then(|()| {
            drop(file);
            fs::rename(&temp_path, path)
        });
    if result.is_err() {
        let _ = fs::remove_file(&temp_path);
    }
    result
}

/// Creates `DIR/.NAME.PID.COUNTER.RANDOM.tmp` exclusively, retrying with a
/// new name in the unlikely case one exists already.
fn create_temp_beside(path: &Path) -> io::Result<(PathBuf, fs::File)> {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let name = path.file_name().ok_or_else(|| {
        io::Error::new(io::ErrorKind::InvalidInput, "the output path names no file")
    })?;
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut attempts = 0;
    loop {
        let count = COUNTER.fetch_add(1, Ordering::Relaxed);
        let mut temp_name = std::ffi::OsString::from(".");
        temp_name.push(name);
        temp_name.push(format!(
            ".{}.{}.{:08x}.tmp",
            std::process::id(),
            count,
            random_u32()
        ));
        let temp_path = folder.join(temp_name);
        match OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp_path)
        {
            Ok(file) => return Ok((temp_path, file)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempts < 100 => attempts += 1,
            Err(e) => return Err(e),
        }
    }
}

/// A random number from the standard library's randomly seeded hasher.
fn random_u32() -> u32 {
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0),
    );
    hasher.finish() as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "probe-pipeline-write-{}-{name}",
            std::process::id()
        ));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn unchanged_contents_leave_the_file_alone() {
        let dir = scratch("unchanged");
        let target = dir.join("probes.rs");
        assert!(write_if_changed(&target, b"same").unwrap());
        let before = fs::metadata(&target).unwrap().modified().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        assert!(!write_if_changed(&target, b"same").unwrap());
        assert_eq!(fs::metadata(&target).unwrap().modified().unwrap(), before);
        assert!(write_if_changed(&target, b"other").unwrap());
        assert_eq!(fs::read(&target).unwrap(), b"other");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn writes_and_replaces_leaving_no_temporary_file() {
        let dir = scratch("replace");
        let target = dir.join("out.h");
        write_atomically(&target, b"one").unwrap();
        write_atomically(&target, b"two").unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"two");
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 1);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn failed_rename_removes_the_temporary_file() {
        let dir = scratch("rename-fails");
        // Renaming a file over a non-empty directory fails.
        let target = dir.join("taken");
        fs::create_dir_all(target.join("inside")).unwrap();
        assert!(write_atomically(&target, b"data").is_err());
        let names: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("taken")]);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn special_files_are_written_in_place() {
        use std::os::unix::fs::FileTypeExt;
        let dir = scratch("fifo");
        let fifo = dir.join("pipe");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || fs::read(fifo).unwrap())
        };
        write_atomically(&fifo, b"through the pipe").unwrap();
        // Checked before joining: a replaced FIFO would leave the reader blocked.
        assert!(
            fs::metadata(&fifo).unwrap().file_type().is_fifo(),
            "the FIFO was replaced"
        );
        assert_eq!(reader.join().unwrap(), b"through the pipe");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn temporary_names_differ_within_one_process() {
        let dir = scratch("names");
        let target = dir.join("x");
        let (a, _fa) = create_temp_beside(&target).unwrap();
        let (b, _fb) = create_temp_beside(&target).unwrap();
        assert_ne!(a, b);
        assert_eq!(a.parent(), Some(dir.as_path()));
        fs::remove_dir_all(&dir).unwrap();
    }
}
