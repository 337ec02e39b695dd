// Both options take effect: goroutine 1 sees 3 Ps, and each goroutine stack is 64 KiB.
#[goro::main(gomaxprocs = 3, stack_size = 65536)]
fn main() {
    assert_eq!(goro::runtime::gomaxprocs(0), 3);
    let stats = goro::runtime::read_mem_stats();
    assert_eq!(stats.num_goroutine, 1);
    assert_eq!(stats.stack_inuse, 65536);
}
