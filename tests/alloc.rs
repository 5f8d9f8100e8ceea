//! `launch_request()` of an annotated struct performs no heap allocation: everything
//! it returns was built at compile time.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use mini_program_login::{MiniProgramLogin, mini_program_login};

/// Counts the allocations made by the current thread, so that other test threads do not
/// disturb the count.
struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

#[allow(
    unsafe_code,
    reason = "a global allocator is an unsafe trait; this one only counts and delegates to System"
)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|n| n.set(n.get() + 1));
        // SAFETY: forwarded unchanged; the caller upholds `alloc`'s contract.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `System` through `alloc` above.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.with(|n| n.set(n.get() + 1));
        // SAFETY: forwarded unchanged; the caller upholds `realloc`'s contract.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn allocations_during(f: impl FnOnce()) -> usize {
    let before = ALLOCATIONS.with(Cell::get);
    f();
    ALLOCATIONS.with(Cell::get) - before
}

#[mini_program_login(
    pool = "5e4cdd055df3df65dc58b97d",
    self_wxapp = false,
    get_phone = true
)]
struct PhoneLogin;

#[mini_program_login(
    pool = "5e4cdd055df3df65dc58b97d",
    self_wxapp = true,
    user_name = "gh_0123456789ab"
)]
struct OwnCopy;

#[test]
fn launch_request_does_not_allocate() {
    let mut paths = 0;
    let n = allocations_during(|| {
        for _ in 0..1_000 {
            let req = std::hint::black_box(PhoneLogin::launch_request());
            paths += req.path().len() + req.user_name().len();
            let own = std::hint::black_box(OwnCopy::launch_request());
            paths += own.path().len();
        }
    });
    assert!(paths > 0);
    assert_eq!(n, 0, "launch_request() allocated {n} times");
}

#[test]
fn the_counter_counts() {
    // The runtime builder does allocate (it formats the path); the counter must see it,
    // or the test above proves nothing.
    let n = allocations_during(|| {
        std::hint::black_box(PhoneLogin::launch().build());
    });
    assert!(n > 0);
}
