//! An index file mapped into memory, read in place. Reading it into a buffer of our own costs
//! a page fault, a zeroed page and a copy for every 4 KB (about 100 µs for the corpus's 190 KB,
//! a tenth of a whole run); mapped, its pages are the file system cache's own.
//!
//! A mapped file cut short by another program while it is read raises SIGBUS where the bytes
//! went missing. Nothing of apicat cuts an index in place (a new one is renamed over it), so
//! only an outside program can; then the process ends with a message saying so, not a crash.

use std::fs::File;

/// The first `len` bytes of a file, mapped read-only.
pub struct Mapped {
    ptr: *mut std::ffi::c_void,
    len: usize,
}

impl Mapped {
    /// `None` when the file cannot be mapped (the caller reads it instead) or `len` is 0.
    #[cfg(unix)]
    pub fn of(file: &File, len: usize) -> Option<Mapped> {
        use rustix::mm::{MapFlags, ProtFlags};
        if len == 0 {
            return None;
        }
        guard::install();
        // SAFETY: a new read-only private mapping of a file we opened, at an address of the
        // kernel's choosing; it is unmapped on drop, and its bytes are read only through
        // `Deref` while it lives. A file cut short meanwhile is the `guard`'s business.
        let ptr = unsafe {
            rustix::mm::mmap(
                std::ptr::null_mut(),
                len,
                ProtFlags::READ,
                MapFlags::PRIVATE,
                file,
                0,
            )
        }
        .ok()?;
        let m = Mapped { ptr, len };
        guard::watch(m.ptr as usize, len);
        Some(m)
    }

    #[cfg(not(unix))]
    pub fn of(_: &File, _: usize) -> Option<Mapped> {
        None
    }
}

impl std::ops::Deref for Mapped {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        // SAFETY: `ptr` maps `len` readable bytes until drop.
        unsafe { std::slice::from_raw_parts(self.ptr.cast::<u8>(), self.len) }
    }
}

impl Drop for Mapped {
    fn drop(&mut self) {
        #[cfg(unix)]
        {
            guard::unwatch(self.ptr as usize);
            // SAFETY: the mapping made in `of`, unmapped once; no slice of it outlives `self`.
            let _ = unsafe { rustix::mm::munmap(self.ptr, self.len) };
        }
    }
}

#[cfg(unix)]
mod guard {
    //! SIGBUS on a mapped index: a message and exit code 1 instead of a crash. A SIGBUS
    //! anywhere else goes to the handler that was there before.
    use std::sync::Once;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// The mappings watched: start and end, 0 when free. A run maps one or two.
    static RANGES: [(AtomicUsize, AtomicUsize); 4] = [
        (AtomicUsize::new(0), AtomicUsize::new(0)),
        (AtomicUsize::new(0), AtomicUsize::new(0)),
        (AtomicUsize::new(0), AtomicUsize::new(0)),
        (AtomicUsize::new(0), AtomicUsize::new(0)),
    ];
    static INSTALL: Once = Once::new();
    static mut PREVIOUS: Option<libc::sigaction> = None;

    pub fn watch(start: usize, len: usize) {
        for (s, e) in &RANGES {
            if s.compare_exchange(0, start, Ordering::SeqCst, Ordering::SeqCst)
                .is_ok()
            {
                e.store(start + len, Ordering::SeqCst);
                return;
            }
        }
    }

    pub fn unwatch(start: usize) {
        for (s, e) in &RANGES {
            if s.load(Ordering::SeqCst) == start {
                e.store(0, Ordering::SeqCst);
                s.store(0, Ordering::SeqCst);
            }
        }
    }

    pub fn install() {
        INSTALL.call_once(|| {
            // SAFETY: sigaction with a handler that calls only async-signal-safe functions
            // (write, _exit, sigaction); PREVIOUS is written once, here, before any
            // mapping exists, and only read by the handler afterwards.
            unsafe {
                let mut action: libc::sigaction = std::mem::zeroed();
                action.sa_sigaction = on_bus as *const () as libc::sighandler_t;
                action.sa_flags = libc::SA_SIGINFO;
                libc::sigemptyset(&mut action.sa_mask);
                let mut old: libc::sigaction = std::mem::zeroed();
                if libc::sigaction(libc::SIGBUS, &action, &mut old) == 0 {
                    PREVIOUS = Some(old);
                }
            }
        });
    }

    extern "C" fn on_bus(_: libc::c_int, info: *mut libc::siginfo_t, _: *mut libc::c_void) {
        // SAFETY: the kernel gives a valid siginfo to an SA_SIGINFO handler.
        let addr = unsafe { (*info).si_addr() } as usize;
        let ours = RANGES.iter().any(|(s, e)| {
            let (s, e) = (s.load(Ordering::SeqCst), e.load(Ordering::SeqCst));
            s != 0 && (s..e).contains(&addr)
        });
        if ours {
            let msg = b"apicat: the catalogue index was cut short by another program while \
                        it was read; run the command again (the index is then made anew)\n";
            // SAFETY: async-signal-safe calls on a static message.
            unsafe {
                libc::write(2, msg.as_ptr().cast(), msg.len());
                libc::_exit(1);
            }
        }
        // Not ours: the handler before takes it when the access is made again.
        // SAFETY: PREVIOUS is no longer written; restoring a handler is async-signal-safe.
        unsafe {
            let previous = std::ptr::addr_of!(PREVIOUS).read();
            let mut default: libc::sigaction = std::mem::zeroed();
            default.sa_sigaction = libc::SIG_DFL;
            let restore = previous.unwrap_or(default);
            libc::sigaction(libc::SIGBUS, &restore, std::ptr::null_mut());
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    /// The child: maps a file, has it cut short, reads past the cut.
    fn cut_while_mapped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("index.bin");
        std::fs::write(&path, vec![7u8; 1 << 16]).unwrap();
        let file = File::open(&path).unwrap();
        let m = Mapped::of(&file, 1 << 16).unwrap();
        assert_eq!(m[100], 7);
        std::fs::File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_len(10)
            .unwrap();
        let last = std::hint::black_box(m[(1 << 16) - 1]);
        println!("read past the cut: {last}");
    }

    #[test]
    fn an_index_cut_short_while_mapped_ends_the_run_with_a_message() {
        if std::env::var_os("APICAT_TEST_CUT_CHILD").is_some() {
            cut_while_mapped();
            return;
        }
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "mapped::tests::an_index_cut_short_while_mapped_ends_the_run_with_a_message",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("APICAT_TEST_CUT_CHILD", "1")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains("cut short by another program"), "{stderr}");
        assert!(!String::from_utf8_lossy(&out.stdout).contains("read past the cut"));
    }
}
