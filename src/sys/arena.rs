//! The allocator: a bump arena in front of the C library's malloc.

use std::alloc::{GlobalAlloc, Layout, System};
use std::ptr::{self, NonNull};
use std::sync::atomic::Ordering::{Acquire, Relaxed};
use std::sync::atomic::{AtomicPtr, AtomicUsize};

/// The allocator: allocations come first from an arena, by moving its end, and from the C
/// library once it is full. A command lives for a millisecond and allocates a few kilobytes,
/// while musl's malloc first sets up its heap (brk, mmap, and a page fault for each page it
/// touches). Space freed in the arena is reused only when it is at the end, which is the
/// common case of a short-lived buffer.
///
/// The arena is mapped at the first allocation, not kept in .bss: a build that is not a
/// static-pie (the powerpc64 check build, for one) has its .bss at a fixed address, and the heap
/// must never be there. Measured against musl's malloc alone (`make bench AB=...`, the same
/// source built both ways, 2026-12-01): `exec` 2% less time and 2 page faults fewer,
/// `add`+`delete` 5-6% less, `identify` over 1000 names 9% less; an arena in .bss did no
/// better than this one by more than 1%.
pub struct Arena {
    space: AtomicPtr<u8>,
    end: AtomicUsize,
}

/// Mapped, so only the pages used cost memory. Enough for a `list` of 2,000 names; once full,
/// musl's malloc mapped and unmapped a page every few netlink replies, before the netlink
/// client kept its buffers: with 64 KiB, `list` of 1000 names without ids took 2.6 times as
/// long (`make bench AB=...`, 2026-12-01), and with ids, where the kernel's lookups take most
/// of the time, about 5% longer, while `exec`, `add`+`delete` and `identify` ran within 2%
/// either way. What a long-running command frees out of order stays lost, so this much is also
/// the most it can waste.
const ARENA_SIZE: usize = 512 * 1024;

// SAFETY: the arena hands out disjoint ranges of its space, claimed by atomic operations.
unsafe impl Sync for Arena {}

impl Arena {
    pub const fn new() -> Arena {
        Arena { space: AtomicPtr::new(ptr::null_mut()), end: AtomicUsize::new(0) }
    }

    /// The space, mapped by the first call; None if it cannot be mapped.
    fn space(&self) -> Option<NonNull<u8>> {
        if let Some(space) = NonNull::new(self.space.load(Acquire)) {
            return Some(space);
        }
        let mapped = super::map_anonymous(ARENA_SIZE).ok()?;
        match self.space.compare_exchange(ptr::null_mut(), mapped.as_ptr(), Acquire, Acquire) {
            Ok(_) => Some(mapped),
            Err(other) => {
                // SAFETY: another thread mapped the space first; ours was never handed out.
                unsafe { super::unmap(mapped, ARENA_SIZE) };
                NonNull::new(other)
            }
        }
    }

    /// Where `ptr` lies in the arena, if it does.
    fn offset_of(&self, ptr: *mut u8) -> Option<usize> {
        let space = NonNull::new(self.space.load(Acquire))?;
        let offset = (ptr as usize).wrapping_sub(space.as_ptr() as usize);
        (offset < ARENA_SIZE).then_some(offset)
    }

    /// Claims `size` bytes aligned to `align` (a power of two) at the end of the arena.
    fn claim(&self, size: usize, align: usize) -> Option<*mut u8> {
        let space = self.space()?.as_ptr();
        let base = space as usize;
        let mut end = self.end.load(Relaxed);
        loop {
            // Aligned as an address, not as an offset: an alignment may exceed the page the
            // space is aligned to.
            let start = (base + end).checked_add(align - 1)? & !(align - 1);
            let new_end = (start - base).checked_add(size).filter(|e| *e <= ARENA_SIZE)?;
            match self.end.compare_exchange_weak(end, new_end, Relaxed, Relaxed) {
                // SAFETY: start - base < ARENA_SIZE: the address lies inside the space.
                Ok(_) => return Some(unsafe { space.add(start - base) }),
                Err(now) => end = now,
            }
        }
    }

    /// Moves the end of the arena from `from` to `to`, if nothing was claimed after `from`.
    fn move_end(&self, from: usize, to: usize) -> bool {
        to <= ARENA_SIZE && self.end.compare_exchange(from, to, Relaxed, Relaxed).is_ok()
    }
}

impl Default for Arena {
    fn default() -> Arena {
        Arena::new()
    }
}

// SAFETY: a block is either a range of the arena that no other live block overlaps, aligned as
// its layout asks, or comes from the C library's allocator through std's System; each goes back
// where it came from. Not inlined: every allocation in the program would carry a copy.
unsafe impl GlobalAlloc for Arena {
    #[inline(never)]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        match self.claim(layout.size(), layout.align()) {
            Some(ptr) => ptr,
            // SAFETY: the caller's layout, passed on.
            None => or_exit(unsafe { System.alloc(layout) }, layout.size()),
        }
    }

    #[inline(never)]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        match self.offset_of(ptr) {
            Some(offset) => {
                self.move_end(offset + layout.size(), offset);
            }
            // SAFETY: the block came from System with this layout.
            None => unsafe { System.dealloc(ptr, layout) },
        }
    }

    #[inline(never)]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, size: usize) -> *mut u8 {
        let Some(offset) = self.offset_of(ptr) else {
            // SAFETY: the block came from System with this layout.
            return or_exit(unsafe { System.realloc(ptr, layout, size) }, size);
        };
        // The last block grows or shrinks where it is; any other shrinks in place.
        if self.move_end(offset + layout.size(), offset + size) || size <= layout.size() {
            return ptr;
        }
        // SAFETY: the old layout's alignment is valid, and GlobalAlloc's contract makes `size`
        // a valid size for it. The block is never null (see `or_exit`).
        let grown = unsafe { self.alloc(Layout::from_size_align_unchecked(size, layout.align())) };
        // SAFETY: both blocks hold at least layout.size() bytes and do not overlap.
        unsafe { std::ptr::copy_nonoverlapping(ptr, grown, layout.size()) };
        // SAFETY: the old block is no longer used.
        unsafe { self.dealloc(ptr, layout) };
        grown
    }
}

/// A block from the C library, or the end of the program when there was none: one line, as for
/// every failure, and status 1. std's handler of a null block would add a backtrace note and
/// dump core.
fn or_exit(block: *mut u8, size: usize) -> *mut u8 {
    if block.is_null() {
        out_of_memory(size)
    }
    block
}

#[cold]
fn out_of_memory(size: usize) -> ! {
    // Written without allocating: there is no memory to format with.
    let mut line = [0u8; 64];
    let mut at = 0;
    let mut put = |bytes: &[u8]| {
        line[at..at + bytes.len()].copy_from_slice(bytes);
        at += bytes.len();
    };
    put(b"memory allocation of ");
    let mut digits = [0u8; 20];
    let mut n = size;
    let mut first = digits.len();
    loop {
        first -= 1;
        digits[first] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    put(&digits[first..]);
    put(b" bytes failed\n");
    // SAFETY: `line` holds `at` initialised bytes; _exit never returns and runs no handler
    // that could allocate.
    unsafe {
        libc::write(2, line.as_ptr().cast(), at);
        libc::_exit(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout(size: usize, align: usize) -> Layout {
        Layout::from_size_align(size, align).unwrap()
    }

    #[test]
    fn arena_blocks_are_aligned_disjoint_and_the_last_one_is_reused() {
        let arena = Box::new(Arena::new());
        // SAFETY: every block is used within its layout and freed with it.
        unsafe {
            let a = arena.alloc(layout(3, 1));
            assert_eq!(a as usize % 4096, 0, "the space is a mapping of its own");
            let b = arena.alloc(layout(16, 16));
            assert_eq!(b as usize % 16, 0);
            assert!(b as usize >= a as usize + 3);
            b.write_bytes(0xaa, 16);
            a.write_bytes(0x55, 3);
            assert_eq!(*b, 0xaa);
            arena.dealloc(b, layout(16, 16));
            assert_eq!(arena.alloc(layout(16, 16)), b, "the last block's space is taken back");
            // A block that is not the last keeps its space.
            arena.dealloc(a, layout(3, 1));
            assert_ne!(arena.alloc(layout(3, 1)), a);
        }
    }

    #[test]
    fn arena_realloc_grows_the_last_block_in_place_and_moves_the_others() {
        let arena = Box::new(Arena::new());
        // SAFETY: every block is used within its layout and freed with it.
        unsafe {
            let a = arena.alloc(layout(4, 1));
            a.copy_from(b"abcd".as_ptr(), 4);
            assert_eq!(arena.realloc(a, layout(4, 1), 100), a);
            let b = arena.alloc(layout(8, 8));
            let moved = arena.realloc(a, layout(100, 1), 200);
            assert_ne!(moved, a);
            assert_eq!(std::slice::from_raw_parts(moved, 4), b"abcd");
            arena.dealloc(moved, layout(200, 1));
            arena.dealloc(b, layout(8, 8));
        }
    }

    #[test]
    fn a_full_arena_hands_over_to_the_c_library() {
        let arena = Box::new(Arena::new());
        // SAFETY: every block is used within its layout and freed with it.
        unsafe {
            let most = arena.alloc(layout(ARENA_SIZE - 8, 1));
            assert_eq!(arena.offset_of(most), Some(0));
            let outside = arena.alloc(layout(64, 8));
            assert!(!outside.is_null());
            assert_eq!(arena.offset_of(outside), None);
            outside.write_bytes(1, 64);
            // Growing past the arena's end moves the block out, contents and all.
            most.write_bytes(7, 16);
            let grown = arena.realloc(most, layout(ARENA_SIZE - 8, 1), ARENA_SIZE + 1);
            assert_eq!(arena.offset_of(grown), None);
            assert_eq!(*grown.add(15), 7);
            assert_eq!(
                arena.offset_of(arena.alloc(layout(8, 1))),
                Some(0),
                "the arena is empty again"
            );
            arena.dealloc(grown, layout(ARENA_SIZE + 1, 1));
            arena.dealloc(outside, layout(64, 8));
        }
    }
}
