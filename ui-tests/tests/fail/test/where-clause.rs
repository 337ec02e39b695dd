// The error must point at the `where` clause.
#[goro::test]
fn it_works()
where
    u8: Copy,
{
}

fn main() {}
