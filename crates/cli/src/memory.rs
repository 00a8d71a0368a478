//! Keeping a long-running `koers serve` small. glibc keeps freed memory for reuse and, after
//! one large block was freed, serves later large blocks from the heap where they are never
//! given back: a single staff login (argon2 needs 19 MiB) left the server 20 MB bigger for
//! good. Large blocks are therefore always mapped on their own, and what start-up work freed
//! is handed back before serving.

// The only unsafe code of koers: two calls into glibc's allocator, each with its SAFETY note.
#![allow(unsafe_code)]

/// Large allocations get their own mapping, returned to the system when freed.
pub fn configure() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; it is called before other threads exist.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 256 * 1024);
    }
}

/// Gives memory freed by start-up work (demo, migrations, parsing) back to the system.
pub fn release_freed() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free pages of the allocator's own heaps.
    unsafe {
        libc::malloc_trim(0);
    }
}
