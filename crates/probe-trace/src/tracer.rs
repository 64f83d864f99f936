//! The ptrace loop: starting or attaching, following threads, forks and
//! execs, putting breakpoints into each address space as files appear in
//! it, handling hits, and detaching with every changed byte written back.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use nix::errno::Errno;
use nix::sys::ptrace;
use nix::sys::signal::{kill, Signal};
use nix::sys::wait::{waitpid, WaitPidFlag, WaitStatus};
use nix::unistd::{fork, ForkResult, Pid};
use object::Object;

use crate::arch::{read_registers, write_registers, Machine};
use crate::decode::{decode, Context};
use crate::maps::{self, Mapping};
use crate::memory::{Memory, ProcessMemory};
use crate::objects::{ObjectFile, Site};
use crate::{ArgKind, Hit, Options, Outcome, Sink, Target, TraceError, Value};

/// Set once the loop has seen a stop request (the alarm stops re-arming).
pub(crate) static STOP_SEEN: AtomicBool = AtomicBool::new(false);

type SpaceId = u64;
/// A file as `/proc/PID/maps` names it: device major, minor, inode.
type FileKey = (u32, u32, u64);

struct Task {
    /// The process it belongs to, as hits report it.
    tgid: Pid,
    /// Its address space; `None` before the first exec of a started
    /// program (the tracer's own forked copy is not traced).
    space: Option<SpaceId>,
    /// While detaching: stopped for good, with the signal to deliver when
    /// let go.
    parked: Option<Option<Signal>>,
}

/// One address space: shared by the threads of a process and by a
/// `vfork` child until it execs; a `fork` child gets a copy.
struct Space {
    /// A process using it: its `/proc/PID/mem` is `memory`.
    pid: Pid,
    memory: ProcessMemory,
    /// 4 or 8.
    word: u8,
    interpreter_base: u64,
    /// The files with probes loaded here, by file and load bias.
    instances: HashMap<(FileKey, u64), Instance>,
    sites: HashMap<u64, Installed>,
    /// Semaphores raised by the tracer, each once.
    semaphores: Vec<u64>,
    loader: Option<LoaderHook>,
    tasks: usize,
    /// The dynamic linker has not yet said it loaded the program's
    /// libraries (its first `RT_CONSISTENT`).
    awaiting_libraries: bool,
}

#[derive(Clone, Default)]
struct Instance {
    sites: Vec<u64>,
    semaphores: Vec<u64>,
}

#[derive(Clone)]
struct Installed {
    site: Arc<Site>,
    object: Arc<ObjectFile>,
    bias: u64,
    original: Vec<u8>,
}

#[derive(Clone)]
struct LoaderHook {
    /// The `ret` of `_dl_debug_state`, where the breakpoint is.
    address: u64,
    original: Vec<u8>,
    /// `_r_debug.r_state`: `RT_CONSISTENT` (0), `RT_ADD`, `RT_DELETE`.
    r_state: Option<u64>,
}

struct Tracer<'a> {
    machine: Machine,
    options: &'a Options,
    sink: &'a mut dyn Sink,
    tasks: HashMap<Pid, Task>,
    spaces: HashMap<SpaceId, Space>,
    next_space: SpaceId,
    /// New tasks that stopped before their parent reported creating them.
    orphans: HashSet<Pid>,
    objects: HashMap<FileKey, Option<Arc<ObjectFile>>>,
    /// The process started or attached to.
    main: Pid,
    /// What the start-up check names: `./prog or the libraries ...`.
    main_what: String,
    /// The program started (`Target::Run`).
    program: Option<PathBuf>,
    started_program: bool,
    /// The address space whose start-up the check waits for.
    start_space: Option<SpaceId>,
    started: bool,
    outcome: Option<Outcome>,
    detaching: bool,
    failure: Option<TraceError>,
    /// `provider:name` of every probe seen, traced or not.
    seen_probes: BTreeSet<String>,
    announced: HashSet<(String, String)>,
    warned: HashSet<String>,
    page_size: u64,
    values: Vec<Value>,
}

pub(crate) fn trace(
    target: &Target,
    options: &Options,
    sink: &mut dyn Sink,
) -> Result<Outcome, TraceError> {
    let machine = Machine::host().ok_or_else(|| {
        TraceError::Unsupported("tracing runs on x86_64 and aarch64 Linux only".to_string())
    })?;
    // SAFETY: sysconf has no preconditions.
    let page_size = match unsafe { libc::sysconf(libc::_SC_PAGESIZE) } {
        size if size > 0 => size as u64,
        _ => 4096,
    };
    let mut tracer = Tracer {
        machine,
        options,
        sink,
        tasks: HashMap::new(),
        spaces: HashMap::new(),
        next_space: 0,
        orphans: HashSet::new(),
        objects: HashMap::new(),
        main: Pid::from_raw(0),
        main_what: String::new(),
        program: None,
        started_program: false,
        start_space: None,
        started: false,
        outcome: None,
        detaching: false,
        failure: None,
        seen_probes: BTreeSet::new(),
        announced: HashSet::new(),
        warned: HashSet::new(),
        page_size,
        values: Vec::new(),
    };
    match target {
        Target::Run { program, args } => tracer.launch(program, args)?,
        Target::Attach(pid) => tracer.attach(Pid::from_raw(*pid))?,
    }
    tracer.run()
}

fn trace_options(kill_on_exit: bool) -> ptrace::Options {
    let mut options = ptrace::Options::PTRACE_O_TRACECLONE
        | ptrace::Options::PTRACE_O_TRACEFORK
        | ptrace::Options::PTRACE_O_TRACEVFORK
        | ptrace::Options::PTRACE_O_TRACEEXEC;
    if kill_on_exit {
        // A started program must not outlive a tracer killed by SIGKILL:
        // its next probe would kill it with SIGTRAP anyway.
        options |= ptrace::Options::PTRACE_O_EXITKILL;
    }
    options
}

impl Tracer<'_> {
    fn launch(&mut self, program: &Path, args: &[std::ffi::OsString]) -> Result<(), TraceError> {
        let bad = |message: String| TraceError::BadProgram {
            program: program.to_path_buf(),
            message,
        };
        check_program(program, self.machine)?;
        let to_c = |text: &std::ffi::OsStr| {
            CString::new(text.as_bytes()).map_err(|_| bad("a NUL byte in the command line".into()))
        };
        let path = to_c(program.as_os_str())?;
        let mut argv = vec![path.clone()];
        for arg in args {
            argv.push(to_c(arg)?);
        }
        // Built before fork: the child only makes async-signal-safe calls.
        let mut argv_pointers: Vec<*const libc::c_char> = argv.iter().map(|a| a.as_ptr()).collect();
        argv_pointers.push(std::ptr::null());

        // SAFETY: the child calls only async-signal-safe functions before
        // exec or _exit.
        let child = match unsafe { fork() } {
            Err(error) => return Err(bad(format!("cannot fork: {error}"))),
            Ok(ForkResult::Child) => unsafe {
                // Rust ignores SIGPIPE; the program must not inherit that.
                libc::signal(libc::SIGPIPE, libc::SIG_DFL);
                // Wait for the tracer to seize us before exec.
                libc::raise(libc::SIGSTOP);
                libc::execv(path.as_ptr(), argv_pointers.as_ptr());
                libc::_exit(127);
            },
            Ok(ForkResult::Parent { child }) => child,
        };
        let system = |what: &str, error: Errno| TraceError::System(format!("{what}: {error}"));
        match waitpid(child, Some(WaitPidFlag::WUNTRACED)) {
            Ok(WaitStatus::Stopped(_, Signal::SIGSTOP)) => {}
            Ok(other) => return Err(bad(format!("the child did not start: {other:?}"))),
            Err(error) => return Err(system("waitpid", error)),
        }
        if let Err(error) = ptrace::seize(child, trace_options(true)) {
            let _ = kill(child, Signal::SIGKILL);
            let _ = waitpid(child, None);
            return Err(system("cannot trace the program (PTRACE_SEIZE)", error));
        }
        kill(child, Signal::SIGCONT).map_err(|e| system("kill", e))?;
        self.tasks.insert(
            child,
            Task {
                tgid: child,
                space: None,
                parked: None,
            },
        );
        self.main = child;
        self.program = Some(program.to_path_buf());
        self.started_program = true;
        self.main_what = format!("{} or the libraries it loads at start", program.display());
        Ok(())
    }

    fn attach(&mut self, pid: Pid) -> Result<(), TraceError> {
        let attach_error = |message: String| TraceError::Attach {
            pid: pid.as_raw(),
            message,
        };
        if pid.as_raw() <= 0 {
            return Err(attach_error("not a process id".into()));
        }
        let tgid = maps::thread_group(pid).map_err(|_| attach_error("no such process".into()))?;
        if tgid == nix::unistd::getpid() {
            return Err(attach_error("that is the tracer itself".into()));
        }
        if let Ok(exe) = std::fs::read_link(format!("/proc/{tgid}/exe")) {
            let exe = exe.to_string_lossy();
            let exe = exe.trim_end_matches(" (deleted)");
            self.main_what = format!("process {tgid} ({exe}) and its libraries");
        } else {
            self.main_what = format!("process {tgid}");
        }
        let mut seized = HashSet::new();
        loop {
            let threads =
                maps::threads(tgid).map_err(|_| attach_error("no such process".into()))?;
            let new: Vec<Pid> = threads
                .into_iter()
                .filter(|t| !seized.contains(t))
                .collect();
            if new.is_empty() {
                break;
            }
            for tid in new {
                match ptrace::seize(tid, trace_options(false)) {
                    Ok(()) => {
                        seized.insert(tid);
                        self.tasks.insert(
                            tid,
                            Task {
                                tgid,
                                space: None,
                                parked: None,
                            },
                        );
                    }
                    // The thread has exited since.
                    Err(Errno::ESRCH) if !seized.is_empty() => {}
                    Err(error) => {
                        self.let_go_of_seized();
                        return Err(attach_error(attach_hint(tgid, error)));
                    }
                }
            }
        }
        self.main = tgid;
        let id = match self.new_space(tgid) {
            Ok(id) => id,
            Err(error) => {
                self.let_go_of_seized();
                return Err(attach_error(format!("cannot open its memory: {error}")));
            }
        };
        for task in self.tasks.values_mut() {
            task.space = Some(id);
        }
        self.spaces.get_mut(&id).unwrap().tasks = self.tasks.len();
        self.start_space = Some(id);
        self.scan(id);
        if let Some(space) = self.spaces.get_mut(&id) {
            // The libraries are loaded already.
            space.awaiting_libraries = false;
        }
        self.start_up_done();
        Ok(())
    }

    /// Detaching needs a stopped tracee; before anything was written, an
    /// interrupt and a detach per thread is all there is to undo.
    fn let_go_of_seized(&mut self) {
        let tids: Vec<Pid> = self.tasks.keys().copied().collect();
        for &tid in &tids {
            let _ = ptrace::interrupt(tid);
        }
        for tid in tids {
            loop {
                match waitpid(tid, Some(WaitPidFlag::__WALL)) {
                    Ok(WaitStatus::PtraceEvent(..)) | Err(_) => break,
                    Ok(WaitStatus::Exited(..)) | Ok(WaitStatus::Signaled(..)) => break,
                    Ok(WaitStatus::Stopped(_, signal)) => {
                        let _ = ptrace::detach(tid, signal);
                        break;
                    }
                    Ok(_) => {}
                }
            }
            let _ = ptrace::detach(tid, None);
        }
        self.tasks.clear();
    }

    fn run(mut self) -> Result<Outcome, TraceError> {
        loop {
            if self.tasks.is_empty() && self.orphans.is_empty() {
                break;
            }
            if crate::stop_requested() && !self.detaching {
                STOP_SEEN.store(true, Ordering::SeqCst);
                self.begin_detach();
            }
            if self.detaching && self.tasks.values().all(|task| task.parked.is_some()) {
                self.finish_detach();
                break;
            }
            if let Some(status) = self.wait()? {
                self.handle(status);
            }
        }
        let _ = self.sink.flush();
        if let Some(failure) = self.failure.take() {
            return Err(failure);
        }
        if let Some(outcome) = self.outcome {
            return Ok(outcome);
        }
        if self.started_program {
            return Ok(self.wait_for_detached_program());
        }
        Ok(Outcome::Detached)
    }

    /// After detaching from a program we started, it is still our child:
    /// wait for it and pass its status on. A second Ctrl-C stops waiting.
    fn wait_for_detached_program(&mut self) -> Outcome {
        loop {
            match waitpid(self.main, None) {
                Ok(WaitStatus::Exited(_, code)) => return Outcome::Exited(code),
                Ok(WaitStatus::Signaled(_, signal, _)) => return Outcome::Signaled(signal as i32),
                Ok(_) => {}
                Err(Errno::EINTR) if crate::signals_received() < 2 => {}
                Err(_) => return Outcome::Detached,
            }
        }
    }

    fn wait(&mut self) -> Result<Option<WaitStatus>, TraceError> {
        // Only this thread's tracees: a library user's other children are
        // none of our business.
        let flags = WaitPidFlag::__WALL | WaitPidFlag::__WNOTHREAD;
        if self.sink.pending() {
            match waitpid(None, Some(flags | WaitPidFlag::WNOHANG)) {
                Ok(WaitStatus::StillAlive) => {
                    // About to block: show what there is.
                    if let Err(error) = self.sink.flush() {
                        self.output_failed(error);
                        return Ok(None);
                    }
                }
                Ok(status) => return Ok(Some(status)),
                Err(Errno::EINTR) => return Ok(None),
                Err(Errno::ECHILD) => {
                    self.tasks.clear();
                    self.orphans.clear();
                    return Ok(None);
                }
                Err(error) => return Err(TraceError::System(format!("waitpid: {error}"))),
            }
        }
        match waitpid(None, Some(flags)) {
            Ok(status) => Ok(Some(status)),
            Err(Errno::EINTR) => Ok(None),
            Err(Errno::ECHILD) => {
                self.tasks.clear();
                self.orphans.clear();
                Ok(None)
            }
            Err(error) => Err(TraceError::System(format!("waitpid: {error}"))),
        }
    }

    fn handle(&mut self, status: WaitStatus) {
        match status {
            WaitStatus::Stopped(pid, Signal::SIGTRAP) => self.on_trap(pid),
            WaitStatus::Stopped(pid, signal) => self.resume(pid, Some(signal)),
            WaitStatus::PtraceEvent(pid, signal, event) => match event {
                libc::PTRACE_EVENT_STOP => self.on_event_stop(pid, signal),
                libc::PTRACE_EVENT_FORK | libc::PTRACE_EVENT_VFORK | libc::PTRACE_EVENT_CLONE => {
                    self.on_new_task(pid, event)
                }
                libc::PTRACE_EVENT_EXEC => self.on_exec(pid),
                _ => self.resume(pid, None),
            },
            WaitStatus::Exited(pid, code) => self.on_exit(pid, Outcome::Exited(code)),
            WaitStatus::Signaled(pid, signal, _) => {
                self.on_exit(pid, Outcome::Signaled(signal as i32))
            }
            _ => {}
        }
    }

    /// Lets a stopped task go on, delivering `signal`; while detaching, it
    /// stays stopped instead and gets `signal` when let go.
    fn resume(&mut self, pid: Pid, signal: Option<Signal>) {
        if self.detaching {
            if let Some(task) = self.tasks.get_mut(&pid) {
                task.parked = Some(signal);
                return;
            }
        }
        let _ = ptrace::cont(pid, signal);
    }

    fn on_event_stop(&mut self, pid: Pid, signal: Signal) {
        if !self.tasks.contains_key(&pid) {
            // A new thread or child, reporting before its parent did.
            self.orphans.insert(pid);
            return;
        }
        if self.detaching {
            // A breakpoint hit whose SIGTRAP is still queued would kill the
            // program once we are gone: take it first. (The kernel unblocks
            // SIGTRAP for a breakpoint; a blocked one is not ours.)
            if maps::signal_deliverable(pid, libc::SIGTRAP) {
                let _ = ptrace::cont(pid, None);
            } else {
                self.resume(pid, None);
            }
            return;
        }
        match signal {
            // A group stop (SIGSTOP, Ctrl-Z): stay stopped, but keep
            // reporting (PTRACE_LISTEN, which nix does not wrap).
            Signal::SIGSTOP | Signal::SIGTSTP | Signal::SIGTTIN | Signal::SIGTTOU => {
                // SAFETY: PTRACE_LISTEN takes no pointers.
                unsafe {
                    libc::ptrace(libc::PTRACE_LISTEN, pid.as_raw(), 0usize, 0usize);
                }
            }
            _ => {
                let _ = ptrace::cont(pid, None);
            }
        }
    }

    fn on_new_task(&mut self, pid: Pid, event: i32) {
        let Ok(new) = ptrace::getevent(pid).map(|raw| Pid::from_raw(raw as i32)) else {
            self.resume(pid, None);
            return;
        };
        let (parent_tgid, parent_space) = match self.tasks.get(&pid) {
            Some(task) => (task.tgid, task.space),
            None => (pid, None),
        };
        let thread = event == libc::PTRACE_EVENT_CLONE
            && maps::thread_group(new).is_ok_and(|tgid| tgid == parent_tgid);
        let tgid = if thread { parent_tgid } else { new };
        let space = match parent_space {
            None => None,
            // Threads and vfork children share the parent's memory.
            Some(id) if thread || event == libc::PTRACE_EVENT_VFORK => {
                self.spaces.get_mut(&id).unwrap().tasks += 1;
                Some(id)
            }
            // fork (and a clone without CLONE_THREAD, taken to be one):
            // a copy of the memory, breakpoints and raised semaphores
            // included.
            Some(id) => self.copy_space(id, new),
        };
        self.tasks.insert(
            new,
            Task {
                tgid,
                space,
                parked: None,
            },
        );
        if self.orphans.remove(&new) {
            self.resume(new, None);
        }
        self.resume(pid, None);
    }

    fn on_exec(&mut self, pid: Pid) {
        // An exec in another thread takes over the leader's id.
        if let Ok(former) = ptrace::getevent(pid).map(|raw| Pid::from_raw(raw as i32)) {
            if former != pid {
                self.remove_task(former);
            }
        }
        let old = self.tasks.get_mut(&pid).and_then(|task| {
            task.tgid = pid;
            task.space.take()
        });
        if let Some(old) = old {
            self.release(old);
        }
        if !self.detaching {
            match self.new_space(pid) {
                Ok(id) => {
                    if let Some(task) = self.tasks.get_mut(&pid) {
                        task.space = Some(id);
                    }
                    self.spaces.get_mut(&id).unwrap().tasks = 1;
                    let first = pid == self.main && self.start_space.is_none();
                    if first {
                        self.start_space = Some(id);
                    }
                    self.scan(id);
                    if first && !self.spaces[&id].awaiting_libraries {
                        self.start_up_done();
                    }
                }
                Err(error) => self.warn(format!("process {pid} after exec: {error}")),
            }
        }
        self.resume(pid, None);
    }

    fn on_exit(&mut self, pid: Pid, outcome: Outcome) {
        self.remove_task(pid);
        self.orphans.remove(&pid);
        if pid == self.main {
            if self.started_program && self.start_space.is_none() && self.failure.is_none() {
                // It ended before exec: exec failed.
                self.failure = Some(TraceError::BadProgram {
                    program: self.program.clone().unwrap_or_default(),
                    message: format!("could not be started ({outcome:?})"),
                });
            }
            self.outcome = Some(outcome);
        }
    }

    fn remove_task(&mut self, pid: Pid) {
        if let Some(task) = self.tasks.remove(&pid) {
            if let Some(id) = task.space {
                self.release(id);
            }
        }
    }

    fn release(&mut self, id: SpaceId) {
        if let Some(space) = self.spaces.get_mut(&id) {
            space.tasks -= 1;
            if space.tasks == 0 {
                // The memory is gone with the last task: nothing to restore.
                self.spaces.remove(&id);
            }
        }
    }

    fn new_space(&mut self, pid: Pid) -> std::io::Result<SpaceId> {
        let memory = ProcessMemory::open(pid)?;
        let word = exe_word_size(pid);
        let id = self.next_space;
        self.next_space += 1;
        self.spaces.insert(
            id,
            Space {
                pid,
                memory,
                word,
                interpreter_base: maps::interpreter_base(pid).unwrap_or(0),
                instances: HashMap::new(),
                sites: HashMap::new(),
                semaphores: Vec::new(),
                loader: None,
                tasks: 0,
                awaiting_libraries: false,
            },
        );
        Ok(id)
    }

    fn copy_space(&mut self, id: SpaceId, pid: Pid) -> Option<SpaceId> {
        let memory = match ProcessMemory::open(pid) {
            Ok(memory) => memory,
            Err(error) => {
                self.warn(format!("child process {pid}: {error}"));
                return None;
            }
        };
        let parent = &self.spaces[&id];
        let copy = Space {
            pid,
            memory,
            word: parent.word,
            interpreter_base: parent.interpreter_base,
            instances: parent.instances.clone(),
            sites: parent.sites.clone(),
            semaphores: parent.semaphores.clone(),
            loader: parent.loader.clone(),
            tasks: 1,
            awaiting_libraries: false,
        };
        let new = self.next_space;
        self.next_space += 1;
        self.spaces.insert(new, copy);
        Some(new)
    }

    /// Finds the files with probes mapped in a space, puts breakpoints into
    /// the new ones and forgets those unloaded.
    fn scan(&mut self, id: SpaceId) {
        let pid = self.spaces[&id].pid;
        let Ok(maps) = maps::read_maps(pid) else {
            return;
        };
        let interpreter = self.spaces[&id].interpreter_base;
        let interpreter_key = maps
            .iter()
            .find(|m| m.start == interpreter && m.is_file())
            .map(file_key);
        let mut present = HashSet::new();
        for mapping in maps
            .iter()
            .filter(|m| m.is_file() && m.executable && m.private)
        {
            let key = file_key(mapping);
            let is_interpreter = interpreter != 0 && Some(key) == interpreter_key;
            let Some(object) = self.object(pid, mapping, is_interpreter) else {
                continue;
            };
            let Some(bias) = object.bias(mapping, self.page_size) else {
                continue;
            };
            if !present.insert((key, bias)) {
                continue;
            }
            if !self.spaces[&id].instances.contains_key(&(key, bias)) {
                self.install(id, &object, key, bias, &maps);
            }
            if is_interpreter && self.spaces[&id].loader.is_none() {
                self.hook_loader(id, &object, bias);
            }
        }
        let space = self.spaces.get_mut(&id).unwrap();
        let gone: Vec<(FileKey, u64)> = space
            .instances
            .keys()
            .filter(|key| !present.contains(*key))
            .copied()
            .collect();
        for key in gone {
            // Unmapped (dlclose): nothing to write back.
            let instance = space.instances.remove(&key).unwrap();
            for address in &instance.sites {
                space.sites.remove(address);
            }
            space
                .semaphores
                .retain(|s| !instance.semaphores.contains(s));
        }
    }

    /// The file behind a mapping, read once per run.
    fn object(
        &mut self,
        pid: Pid,
        mapping: &Mapping,
        interpreter: bool,
    ) -> Option<Arc<ObjectFile>> {
        let key = file_key(mapping);
        if let Some(cached) = self.objects.get(&key) {
            return cached.clone();
        }
        let shown = mapping.path.clone().unwrap_or_default();
        let loaded = self.load_object(pid, &shown, key, interpreter);
        let loaded = match loaded {
            Ok(object) => object.map(Arc::new),
            Err(message) => {
                self.warn(format!(
                    "{}: {message}; its probes are not traced",
                    shown.display()
                ));
                None
            }
        };
        self.objects.insert(key, loaded.clone());
        loaded
    }

    fn load_object(
        &mut self,
        pid: Pid,
        shown: &Path,
        key: FileKey,
        interpreter: bool,
    ) -> Result<Option<ObjectFile>, String> {
        if shown.to_string_lossy().ends_with(" (deleted)") {
            return Err("deleted since it was loaded".into());
        }
        // Through the process's own root, for programs in a container or
        // chroot.
        let mut path = PathBuf::from(format!("/proc/{pid}/root"));
        path.push(shown.strip_prefix("/").unwrap_or(shown));
        let metadata = std::fs::metadata(&path)
            .or_else(|_| {
                path = shown.to_path_buf();
                std::fs::metadata(&path)
            })
            .map_err(|e| e.to_string())?;
        let same = key.2 == metadata.ino()
            && libc::major(metadata.dev()) == key.0
            && libc::minor(metadata.dev()) == key.1;
        if !same {
            return Err("replaced on disk since it was loaded".into());
        }
        let options = self.options;
        let kinds = move |provider: &str, name: &str, index: usize| {
            options
                .arg_kinds
                .get(&(provider.to_string(), name.to_string()))
                .and_then(|kinds| kinds.get(index).copied())
                .unwrap_or(ArgKind::Auto)
        };
        let object = ObjectFile::load(&path, shown, interpreter, &kinds)?;
        if let Some(object) = &object {
            // An x86_64 tracer traces i386 programs too: same breakpoint,
            // same register names (eax is the low half of rax).
            let i386_on_x86_64 = self.machine == Machine::X86_64 && object.machine == "i386";
            if !object.sites.is_empty() && object.machine != self.machine.name() && !i386_on_x86_64
            {
                return Err(format!(
                    "{} probes; this tracer reads {} ones",
                    object.machine,
                    self.machine.name()
                ));
            }
        }
        Ok(object)
    }

    fn install(
        &mut self,
        id: SpaceId,
        object: &Arc<ObjectFile>,
        key: FileKey,
        bias: u64,
        maps: &[Mapping],
    ) {
        let (nop, trap) = (self.machine.nop(), self.machine.trap());
        let mut instance = Instance::default();
        let mut warnings = Vec::new();
        let mut installed_names = Vec::new();
        let space = self.spaces.get_mut(&id).unwrap();
        for site in &object.sites {
            self.seen_probes
                .insert(format!("{}:{}", site.provider, site.name));
            if !self.options.filter.matches(&site.provider, &site.name) {
                continue;
            }
            let address = site.pc.wrapping_add(bias);
            let where_ = format!(
                "{}:{} at {address:#x} in {}",
                site.provider,
                site.name,
                object.path.display()
            );
            let in_text = maps.iter().any(|m| {
                file_key(m) == key
                    && m.executable
                    && m.private
                    && m.contains(address, nop.len() as u64)
            });
            if !in_text || space.sites.contains_key(&address) {
                warnings.push(format!(
                    "{where_}: not in the file's code as loaded; not traced"
                ));
                continue;
            }
            let mut current = vec![0u8; nop.len()];
            if !space.memory.read_exact(address, &mut current) || current != nop {
                warnings.push(format!(
                    "{where_}: not a nop (another debugger's breakpoint?); not traced"
                ));
                continue;
            }
            if let Err(error) = space.memory.write(address, trap) {
                warnings.push(format!("{where_}: {error}; not traced"));
                continue;
            }
            space.sites.insert(
                address,
                Installed {
                    site: site.clone(),
                    object: object.clone(),
                    bias,
                    original: current,
                },
            );
            instance.sites.push(address);
            installed_names.push((site.provider.clone(), site.name.clone()));
            if site.semaphore != 0 {
                let semaphore = site.semaphore.wrapping_add(bias);
                if space.semaphores.contains(&semaphore) {
                    continue;
                }
                // Private and writable: never a shared file mapping, whose
                // writes would reach the file.
                let writable = maps
                    .iter()
                    .any(|m| m.writable && m.private && m.contains(semaphore, 2));
                let mut count = [0u8; 2];
                if writable && space.memory.read_exact(semaphore, &mut count) {
                    let raised = u16::from_le_bytes(count).saturating_add(1);
                    if space.memory.write(semaphore, &raised.to_le_bytes()).is_ok() {
                        space.semaphores.push(semaphore);
                        instance.semaphores.push(semaphore);
                        continue;
                    }
                }
                warnings.push(format!(
                    "{where_}: its semaphore at {semaphore:#x} cannot be raised; _ENABLED() stays false"
                ));
            }
        }
        space.instances.insert((key, bias), instance);
        for warning in warnings {
            self.warn(warning);
        }
        for (provider, name) in installed_names {
            if self.announced.insert((provider.clone(), name.clone())) {
                self.sink.probe_installed(&provider, &name);
            }
        }
    }

    /// The breakpoint that tells when libraries come and go.
    fn hook_loader(&mut self, id: SpaceId, object: &ObjectFile, bias: u64) {
        let Some(function) = object.debug_state else {
            self.warn(format!(
                "{} has no _dl_debug_state symbol: libraries loaded later are not traced",
                object.path.display()
            ));
            return;
        };
        let machine = self.machine;
        let space = self.spaces.get_mut(&id).unwrap();
        let start = function.wrapping_add(bias);
        let mut code = [0u8; 16];
        let found = space
            .memory
            .read_exact(start, &mut code)
            .then(|| machine.leading_ret(&code))
            .flatten();
        let Some(offset) = found else {
            let message = format!(
                "_dl_debug_state in {} is not a plain return: libraries loaded later are not traced",
                object.path.display()
            );
            self.warn(message);
            return;
        };
        let address = start + offset as u64;
        let trap = machine.trap();
        let original = code[offset..offset + trap.len()].to_vec();
        if space.memory.write(address, trap).is_err() {
            return;
        }
        // struct r_debug { int r_version; struct link_map *r_map;
        // ElfW(Addr) r_brk; enum r_state; ... }
        let state_offset = if space.word == 8 { 24 } else { 12 };
        space.loader = Some(LoaderHook {
            address,
            original,
            r_state: object
                .r_debug
                .map(|r| r.wrapping_add(bias).wrapping_add(state_offset)),
        });
        space.awaiting_libraries = true;
    }

    /// The start-up check: something to trace once the program and the
    /// libraries it loads at start are in (or right after attaching).
    fn start_up_done(&mut self) {
        if self.started {
            return;
        }
        self.started = true;
        let installed: usize = self.spaces.values().map(|s| s.sites.len()).sum();
        if installed > 0 || self.options.allow_no_probes {
            return;
        }
        let what = self.main_what.clone();
        self.failure = Some(if self.seen_probes.is_empty() {
            TraceError::NoProbes { what }
        } else {
            TraceError::NoMatch {
                what,
                filter: self.options.filter.describe(),
                available: self.seen_probes.iter().cloned().collect(),
            }
        });
        self.abandon();
    }

    /// Stops tracing after a failure: a program we started is killed
    /// (before its own code ran, at start-up), one we attached to is let go.
    fn abandon(&mut self) {
        if self.started_program && !self.started_and_running() {
            let _ = kill(self.main, Signal::SIGKILL);
        } else {
            self.begin_detach();
        }
    }

    /// Whether the started program is past start-up with the failure
    /// coming later (a closed output): it keeps running, untraced.
    fn started_and_running(&self) -> bool {
        !matches!(
            self.failure,
            Some(TraceError::NoProbes { .. }) | Some(TraceError::NoMatch { .. })
        )
    }

    fn output_failed(&mut self, error: std::io::Error) {
        if self.failure.is_none() {
            self.failure = Some(TraceError::Output(error));
            if !self.detaching {
                self.begin_detach();
            }
        }
    }

    fn on_trap(&mut self, pid: Pid) {
        let Some(id) = self.tasks.get(&pid).and_then(|task| task.space) else {
            self.resume(pid, Some(Signal::SIGTRAP));
            return;
        };
        let Ok(mut registers) = read_registers(pid) else {
            self.resume(pid, None);
            return;
        };
        let address = self.machine.trap_address(registers.pc);
        let space = &self.spaces[&id];
        if let Some(installed) = space.sites.get(&address) {
            let site = installed.site.clone();
            let context = Context {
                registers: &registers,
                memory: &space.memory,
                bias: installed.bias,
                object: Some(&installed.object),
                string_bytes: self.options.string_bytes,
                pointer_size: space.word.into(),
            };
            self.values.clear();
            let mut problems = Vec::new();
            for (index, plan) in site.args.iter().enumerate() {
                match decode(plan, &context) {
                    Ok(value) => self.values.push(value),
                    Err(problem) => {
                        problems.push(format!(
                            "{}:{} argument {} (`{}`) at {address:#x}: {problem}",
                            site.provider,
                            site.name,
                            index + 1,
                            plan.spec
                        ));
                        self.values.push(Value::Unreadable);
                    }
                }
            }
            for problem in problems {
                self.warn(problem);
            }
            let tgid = self.tasks[&pid].tgid;
            let hit = Hit {
                pid: tgid.as_raw(),
                tid: pid.as_raw(),
                provider: &site.provider,
                name: &site.name,
                args: &self.values,
            };
            if let Err(error) = self.sink.hit(&hit) {
                self.output_failed(error);
            }
            if !self.machine.trap_moves_past() {
                registers.pc = self.machine.after(address);
                let _ = write_registers(pid, &registers);
            }
            self.resume(pid, None);
            return;
        }
        let is_loader = space
            .loader
            .as_ref()
            .is_some_and(|hook| hook.address == address);
        if !is_loader {
            self.resume(pid, Some(Signal::SIGTRAP));
            return;
        }
        // Do the function's `ret` by hand.
        let returned = match self.machine {
            Machine::X86_64 => {
                let word = usize::from(space.word);
                let mut buf = [0u8; 8];
                let sp = registers.sp();
                space.memory.read_exact(sp, &mut buf[..word]).then(|| {
                    registers.pc = u64::from_le_bytes(buf);
                    registers.set_sp(sp + word as u64);
                })
            }
            Machine::Aarch64 => {
                registers.pc = registers.general[30];
                Some(())
            }
        };
        let consistent = !self.detaching
            && match space.loader.as_ref().and_then(|hook| hook.r_state) {
                Some(state) => {
                    let mut buf = [0u8; 4];
                    !space.memory.read_exact(state, &mut buf) || i32::from_le_bytes(buf) == 0
                }
                // musl: no r_debug symbol; every call is worth a look.
                None => true,
            };
        if returned.is_none() || write_registers(pid, &registers).is_err() {
            self.warn(format!("process {pid}: cannot return from _dl_debug_state"));
        }
        if consistent {
            self.scan(id);
            if let Some(space) = self.spaces.get_mut(&id) {
                let was_waiting = std::mem::replace(&mut space.awaiting_libraries, false);
                if was_waiting && self.start_space == Some(id) {
                    self.start_up_done();
                }
            }
        }
        self.resume(pid, None);
    }

    fn begin_detach(&mut self) {
        self.detaching = true;
        for (&tid, task) in &self.tasks {
            if task.parked.is_none() {
                let _ = ptrace::interrupt(tid);
            }
        }
    }

    /// Every task is stopped: write back what was changed, then let go.
    fn finish_detach(&mut self) {
        for space in self.spaces.values() {
            for (&address, installed) in &space.sites {
                let _ = space.memory.write(address, &installed.original);
            }
            if let Some(hook) = &space.loader {
                let _ = space.memory.write(hook.address, &hook.original);
            }
            for &semaphore in &space.semaphores {
                let mut count = [0u8; 2];
                if space.memory.read_exact(semaphore, &mut count) {
                    let lowered = u16::from_le_bytes(count).saturating_sub(1);
                    let _ = space.memory.write(semaphore, &lowered.to_le_bytes());
                }
            }
        }
        self.spaces.clear();
        for (tid, task) in self.tasks.drain() {
            let _ = ptrace::detach(tid, task.parked.flatten());
        }
        for tid in self.orphans.drain() {
            let _ = ptrace::detach(tid, None);
        }
    }

    fn warn(&mut self, message: String) {
        if self.warned.insert(message.clone()) {
            self.sink.warning(&message);
        }
    }
}

fn file_key(mapping: &Mapping) -> FileKey {
    (mapping.major, mapping.minor, mapping.inode)
}

/// 4 for a 32-bit program, else 8.
fn exe_word_size(pid: Pid) -> u8 {
    let mut header = [0u8; 5];
    let read = std::fs::File::open(format!("/proc/{pid}/exe"))
        .and_then(|mut file| std::io::Read::read_exact(&mut file, &mut header));
    match read {
        Ok(()) if header[4] == 1 => 4,
        _ => 8,
    }
}

/// Checks a program before starting it: ELF, for this machine, executable.
fn check_program(program: &Path, machine: Machine) -> Result<(), TraceError> {
    let bad = |message: String| TraceError::BadProgram {
        program: program.to_path_buf(),
        message,
    };
    let data = std::fs::read(program).map_err(|error| bad(format!("cannot read: {error}")))?;
    let probes = probe_inspect::read_bytes(program, &data).map_err(|error| {
        let text = error.to_string();
        // The error names the file already.
        let prefix = format!("{}: ", program.display());
        bad(text.strip_prefix(&prefix).unwrap_or(&text).to_string())
    })?;
    let entry = object::File::parse(&*data)
        .map(|file| file.entry())
        .unwrap_or(0);
    match probes.kind {
        probe_inspect::FileKind::Executable => {}
        // A static PIE has no interpreter either; a library has no entry.
        probe_inspect::FileKind::SharedObject if entry != 0 => {}
        probe_inspect::FileKind::SharedObject => {
            return Err(bad("a shared library, not a program".into()))
        }
        _ => return Err(bad("not an executable ELF file".into())),
    }
    let compatible = probes.machine == machine.name()
        || (machine == Machine::X86_64 && probes.machine == "i386");
    if !compatible {
        return Err(bad(format!(
            "an {} program; this tracer runs {} programs",
            probes.machine,
            machine.name()
        )));
    }
    nix::unistd::access(program, nix::unistd::AccessFlags::X_OK)
        .map_err(|error| bad(format!("cannot execute: {}", error.desc())))?;
    Ok(())
}

/// Why attaching failed, with what the user can do about it.
fn attach_hint(pid: Pid, error: Errno) -> String {
    if error != Errno::EPERM {
        return error.desc().to_string();
    }
    let mut reasons = Vec::new();
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .map(|v| v.split_whitespace().next().unwrap_or("").to_string())
    };
    if let Some(tracer) = field("TracerPid:").filter(|t| t != "0") {
        reasons.push(format!("it is already traced by process {tracer}"));
    }
    let me = nix::unistd::geteuid().as_raw().to_string();
    if let Some(uid) = field("Uid:").filter(|uid| *uid != me) {
        reasons.push(format!("it belongs to user id {uid}, not to you ({me})"));
    }
    match std::fs::read_to_string("/proc/sys/kernel/yama/ptrace_scope")
        .map(|s| s.trim().to_string())
        .as_deref()
    {
        Ok("1") => reasons.push(
            "kernel.yama.ptrace_scope is 1: only a parent may trace, so start the program \
             under `trace -- PROGRAM` (or set the sysctl to 0)"
                .into(),
        ),
        Ok("2") => reasons.push("kernel.yama.ptrace_scope is 2: only root may attach".into()),
        Ok("3") => reasons.push("kernel.yama.ptrace_scope is 3: no process may attach".into()),
        _ => {}
    }
    if reasons.is_empty() {
        reasons.push("a set-user-id program, or a security module forbids it".into());
    }
    format!("Operation not permitted ({})", reasons.join("; "))
}
