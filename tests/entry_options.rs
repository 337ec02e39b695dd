//! `#[goro::test(...)]` options that act on the whole process (`stack_size`) get a test
//! binary of their own: every runtime of a process must agree on the stack size.

/// Both options at once: 2 Ps, and 32 KiB per goroutine stack (one goroutine: one stack).
#[goro::test(gomaxprocs = 2, stack_size = 32768)]
fn test_options_set_the_ps_and_the_stack_size() {
    assert_eq!(goro::runtime::gomaxprocs(0), 2);
    let stats = goro::runtime::read_mem_stats();
    assert_eq!(stats.num_goroutine, 1);
    assert_eq!(stats.stack_inuse, 32768);
}
