// `gomaxprocs = N` alone: the runtime starts with N Ps, whatever GOMAXPROCS says.
#[goro::main(gomaxprocs = 1)]
fn main() {
    assert_eq!(goro::runtime::gomaxprocs(0), 1);
}
